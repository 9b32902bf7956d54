//! A small tokenizer for the catalog's client languages, shared by the splitter and the highlighter.
//!
//! One pass over a whole file yields tokens with byte ranges. Splitting prose from code and
//! highlighting both read the same tokens, so a `#` inside a heredoc or a `//` inside a string can
//! never be mistaken for a comment by one and not the other. It is deliberately approximate
//! (no regex literals, no nested block comments): it only has to be right on example programs, and
//! where it is unsure it falls back to plain text, which is still correct HTML.

use crate::catalog::ClientKind;

/// What a token is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Anything not otherwise classified: identifiers, operators, whitespace.
    Plain,
    /// A line or block comment.
    Comment,
    /// A string or character literal, or the body of a heredoc.
    Str,
    /// A reserved word of the language.
    Keyword,
    /// A numeric literal.
    Number,
    /// A shell variable expansion such as `$NATS_URL` or `${name}`.
    Variable,
}

/// A classified byte range of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The classification.
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
}

/// Source the tokenizer could not make sense of, at a one-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Where the problem starts.
    pub line: usize,
    /// What is wrong, in words for the author of the example.
    pub message: String,
}

/// The lexical rules of one language.
#[derive(Debug)]
pub struct Syntax {
    /// What starts a comment that runs to the end of the line.
    pub line_comment: &'static str,
    /// Delimiters of block comments, when the language has them.
    pub block_comment: Option<(&'static str, &'static str)>,
    /// Reserved words, sorted for binary search.
    keywords: &'static [&'static str],
    /// Characters that open a string closed by the same character.
    quotes: &'static [u8],
    /// Quotes whose strings have no backslash escapes.
    raw_quotes: &'static [u8],
    /// Quotes whose strings may span lines; the others end at the end of the line.
    multiline_quotes: &'static [u8],
    /// `"""` opens a string that only `"""` closes.
    triple_quotes: bool,
    /// Shell rules: `#` only starts a comment at the start of a word, heredocs, `$variables`.
    shell: bool,
    /// `'` opens a character literal only when it looks like one (Rust lifetimes are not strings).
    strict_char: bool,
    /// Numbers are highlighted (not in shell, where `4222` is mostly part of a URL).
    numbers: bool,
}

const SHELL_KEYWORDS: &[&str] = &[
    "case", "do", "done", "elif", "else", "esac", "exit", "export", "fi", "for", "function", "if", "in",
    "local", "readonly", "return", "set", "then", "trap", "until", "wait", "while",
];
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];
const GO_KEYWORDS: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "false",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "nil",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "true",
    "type",
    "var",
];
const JS_KEYWORDS: &[&str] = &[
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "null",
    "of",
    "return",
    "static",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "yield",
];
const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while",
];
const CSHARP_KEYWORDS: &[&str] = &[
    "async",
    "await",
    "bool",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "else",
    "false",
    "finally",
    "for",
    "foreach",
    "if",
    "in",
    "int",
    "interface",
    "namespace",
    "new",
    "null",
    "out",
    "private",
    "public",
    "return",
    "static",
    "string",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "using",
    "var",
    "void",
    "while",
];
const JAVA_KEYWORDS: &[&str] = &[
    "boolean",
    "break",
    "case",
    "catch",
    "class",
    "continue",
    "default",
    "else",
    "extends",
    "false",
    "final",
    "finally",
    "for",
    "if",
    "implements",
    "import",
    "int",
    "interface",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "switch",
    "this",
    "throw",
    "throws",
    "true",
    "try",
    "var",
    "void",
    "while",
];
const RUBY_KEYWORDS: &[&str] = &[
    "begin", "break", "case", "class", "def", "do", "else", "elsif", "end", "ensure", "false", "for", "if",
    "in", "module", "next", "nil", "require", "rescue", "return", "self", "then", "true", "unless", "until",
    "when", "while", "yield",
];
const ELIXIR_KEYWORDS: &[&str] = &[
    "after",
    "alias",
    "case",
    "catch",
    "cond",
    "def",
    "defmodule",
    "defp",
    "do",
    "else",
    "end",
    "false",
    "fn",
    "if",
    "import",
    "nil",
    "receive",
    "require",
    "rescue",
    "true",
    "try",
    "unless",
    "use",
    "when",
    "with",
];
const CRYSTAL_KEYWORDS: &[&str] = &[
    "begin", "break", "case", "class", "def", "do", "else", "elsif", "end", "ensure", "false", "if", "in",
    "module", "next", "nil", "require", "rescue", "return", "self", "spawn", "struct", "then", "true",
    "unless", "until", "when", "while", "yield",
];
const C_KEYWORDS: &[&str] = &[
    "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
    "float", "for", "goto", "if", "int", "long", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
];

const HASH: &str = "#";
const SLASHES: &str = "//";
const C_BLOCK: Option<(&str, &str)> = Some(("/*", "*/"));

impl Syntax {
    /// The rules for a client kind.
    pub fn of(kind: ClientKind) -> &'static Syntax {
        match kind {
            ClientKind::Cli | ClientKind::Shell => &SHELL,
            ClientKind::Python => &PYTHON,
            ClientKind::Go => &GO,
            ClientKind::JavaScript => &JAVASCRIPT,
            ClientKind::Rust => &RUST,
            ClientKind::CSharp => &CSHARP,
            ClientKind::Java => &JAVA,
            ClientKind::Ruby => &RUBY,
            ClientKind::Elixir => &ELIXIR,
            ClientKind::Crystal => &CRYSTAL,
            ClientKind::C => &C,
        }
    }

    /// Splits `source` into tokens covering every byte, in order.
    pub fn tokenize(&self, source: &str) -> Result<Vec<Token>, LexError> {
        Lexer {
            syntax: self,
            src: source.as_bytes(),
            pos: 0,
            tokens: Vec::new(),
            heredocs: Vec::new(),
        }
        .run()
    }
}

/// Every field spelled out per language keeps the table readable; `Syntax::of` is the only way in.
const fn syntax(line_comment: &'static str, keywords: &'static [&'static str]) -> Syntax {
    Syntax {
        line_comment,
        block_comment: None,
        keywords,
        quotes: b"\"'",
        raw_quotes: b"",
        multiline_quotes: b"",
        triple_quotes: false,
        shell: false,
        strict_char: false,
        numbers: true,
    }
}

static SHELL: Syntax = Syntax {
    raw_quotes: b"'",
    multiline_quotes: b"\"'",
    shell: true,
    numbers: false,
    ..syntax(HASH, SHELL_KEYWORDS)
};
static PYTHON: Syntax = Syntax {
    triple_quotes: true,
    ..syntax(HASH, PYTHON_KEYWORDS)
};
static GO: Syntax = Syntax {
    block_comment: C_BLOCK,
    quotes: b"\"'`",
    raw_quotes: b"`",
    multiline_quotes: b"`",
    ..syntax(SLASHES, GO_KEYWORDS)
};
static JAVASCRIPT: Syntax = Syntax {
    block_comment: C_BLOCK,
    quotes: b"\"'`",
    multiline_quotes: b"`",
    ..syntax(SLASHES, JS_KEYWORDS)
};
static RUST: Syntax = Syntax {
    block_comment: C_BLOCK,
    multiline_quotes: b"\"",
    strict_char: true,
    ..syntax(SLASHES, RUST_KEYWORDS)
};
static CSHARP: Syntax = Syntax {
    block_comment: C_BLOCK,
    triple_quotes: true,
    ..syntax(SLASHES, CSHARP_KEYWORDS)
};
static JAVA: Syntax = Syntax {
    block_comment: C_BLOCK,
    triple_quotes: true,
    ..syntax(SLASHES, JAVA_KEYWORDS)
};
static RUBY: Syntax = Syntax {
    multiline_quotes: b"\"'",
    ..syntax(HASH, RUBY_KEYWORDS)
};
static ELIXIR: Syntax = Syntax {
    multiline_quotes: b"\"'",
    triple_quotes: true,
    ..syntax(HASH, ELIXIR_KEYWORDS)
};
static CRYSTAL: Syntax = Syntax {
    multiline_quotes: b"\"",
    strict_char: true,
    ..syntax(HASH, CRYSTAL_KEYWORDS)
};
static C: Syntax = Syntax {
    block_comment: C_BLOCK,
    strict_char: true,
    ..syntax(SLASHES, C_KEYWORDS)
};

/// A heredoc whose body starts on the next line.
struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
}

struct Lexer<'a> {
    syntax: &'a Syntax,
    src: &'a [u8],
    pos: usize,
    tokens: Vec<Token>,
    heredocs: Vec<Heredoc>,
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

impl Lexer<'_> {
    fn run(mut self) -> Result<Vec<Token>, LexError> {
        let syntax = self.syntax;
        if syntax.line_comment == HASH && self.src.starts_with(b"#!") {
            // A shebang is an instruction to the kernel, not prose: it stays code.
            self.pos = self.line_end(0);
            self.push(TokenKind::Plain, 0, self.pos);
        }
        while self.pos < self.src.len() {
            let start = self.pos;
            let rest = &self.src[start..];
            let byte = rest[0];
            if byte == b'\n' {
                self.pos += 1;
                self.push(TokenKind::Plain, start, self.pos);
                if !self.heredocs.is_empty() {
                    self.heredoc_bodies()?;
                }
            } else if rest.starts_with(syntax.line_comment.as_bytes()) && self.comment_may_start(start) {
                self.pos = self.line_end(start);
                self.push(TokenKind::Comment, start, self.pos);
            } else if let Some((open, close)) = syntax
                .block_comment
                .filter(|(open, _)| rest.starts_with(open.as_bytes()))
            {
                let Some(at) = find(&self.src[start + open.len()..], close.as_bytes()) else {
                    return Err(self.error(
                        start,
                        format!("unterminated block comment: `{open}` has no `{close}`"),
                    ));
                };
                self.pos = start + open.len() + at + close.len();
                self.push(TokenKind::Comment, start, self.pos);
            } else if syntax.triple_quotes && rest.starts_with(b"\"\"\"") {
                let Some(at) = find(&rest[3..], b"\"\"\"") else {
                    return Err(self.error(start, "unterminated `\"\"\"` string".into()));
                };
                self.pos = start + 3 + at + 3;
                self.push(TokenKind::Str, start, self.pos);
            } else if syntax.quotes.contains(&byte) && self.quote_may_start(start) {
                self.string(byte);
            } else if syntax.shell && rest.starts_with(b"<<") && !rest.starts_with(b"<<<") {
                self.heredoc_operator();
            } else if syntax.shell && byte == b'$' {
                self.variable();
            } else if is_ident(byte) {
                let mut end = start;
                while end < self.src.len()
                    && (is_ident(self.src[end]) || (syntax.shell && self.src[end] == b'-'))
                {
                    end += 1;
                }
                let word = &self.src[start..end];
                let after_word = start == 0 || !matches!(self.src[start - 1], b'-' | b'.' | b'$');
                let kind = if byte.is_ascii_digit() && syntax.numbers && after_word {
                    TokenKind::Number
                } else if after_word
                    && std::str::from_utf8(word).is_ok_and(|w| syntax.keywords.binary_search(&w).is_ok())
                {
                    TokenKind::Keyword
                } else {
                    TokenKind::Plain
                };
                self.pos = end;
                self.push(kind, start, end);
            } else {
                // One UTF-8 character of anything else: punctuation, operators, spaces, non-ASCII text.
                let width = utf8_width(byte);
                self.pos = (start + width).min(self.src.len());
                self.push(TokenKind::Plain, start, self.pos);
            }
        }
        if let Some(heredoc) = self.heredocs.first() {
            return Err(self.error(
                self.src.len(),
                format!("heredoc `{}` is never closed", heredoc.delimiter),
            ));
        }
        Ok(self.tokens)
    }

    /// Appends a token, merging it into the previous one when both are the same kind.
    fn push(&mut self, kind: TokenKind, start: usize, end: usize) {
        if start == end {
            return;
        }
        match self.tokens.last_mut() {
            Some(last) if last.kind == kind && last.end == start && kind == TokenKind::Plain => {
                last.end = end
            }
            _ => self.tokens.push(Token { kind, start, end }),
        }
    }

    fn line_end(&self, from: usize) -> usize {
        find(&self.src[from..], b"\n").map_or(self.src.len(), |at| from + at)
    }

    fn error(&self, at: usize, message: String) -> LexError {
        LexError {
            line: line_of(self.src, at),
            message,
        }
    }

    /// In shell, `#` starts a comment only at the start of a word (`$#` and `a#b` are not comments).
    fn comment_may_start(&self, at: usize) -> bool {
        !self.syntax.shell
            || at == 0
            || matches!(self.src[at - 1], b' ' | b'\t' | b'\n' | b';' | b'(' | b'|' | b'&')
    }

    /// Where `'` is both a quote and something else, only a well-formed literal counts as a string.
    fn quote_may_start(&self, at: usize) -> bool {
        if self.src[at] != b'\'' || !self.syntax.strict_char {
            return true;
        }
        let rest = &self.src[at + 1..];
        match rest {
            [b'\\', ..] => true,
            _ => {
                let width = rest.first().map_or(1, |&b| utf8_width(b));
                rest.get(width) == Some(&b'\'')
            }
        }
    }

    fn string(&mut self, quote: u8) {
        let start = self.pos;
        let escapes = !self.syntax.raw_quotes.contains(&quote);
        let multiline = self.syntax.multiline_quotes.contains(&quote);
        let mut at = start + 1;
        while at < self.src.len() {
            match self.src[at] {
                b'\\' if escapes => at += 2,
                b'\n' if !multiline => break,
                byte if byte == quote => {
                    at += 1;
                    break;
                }
                _ => at += 1,
            }
        }
        // An unterminated string ends the line (or file): shown plainly, never fatal.
        self.pos = at.min(self.src.len());
        self.push(TokenKind::Str, start, self.pos);
    }

    fn variable(&mut self) {
        let start = self.pos;
        let rest = &self.src[start + 1..];
        let len = match rest.first() {
            Some(b'{') => find(rest, b"}").map_or(1, |at| at + 1),
            Some(&b) if is_ident(b) => rest.iter().take_while(|&&b| is_ident(b)).count(),
            Some(b'?' | b'#' | b'@' | b'*' | b'$' | b'!') => 1,
            _ => 0,
        };
        self.pos = start + 1 + len;
        let kind = if len == 0 {
            TokenKind::Plain
        } else {
            TokenKind::Variable
        };
        self.push(kind, start, self.pos);
    }

    /// `<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"`: remembers the delimiter; the body follows the newline.
    fn heredoc_operator(&mut self) {
        let start = self.pos;
        let mut at = start + 2;
        let strip_tabs = self.src.get(at) == Some(&b'-');
        if strip_tabs {
            at += 1;
        }
        while matches!(self.src.get(at), Some(b' ' | b'\t')) {
            at += 1;
        }
        let quote = self.src.get(at).copied().filter(|b| matches!(b, b'\'' | b'"'));
        let word_start = at + usize::from(quote.is_some());
        let mut word_end = word_start;
        while word_end < self.src.len() && (is_ident(self.src[word_end]) || self.src[word_end] == b'-') {
            word_end += 1;
        }
        if word_end == word_start {
            self.pos = start + 2;
            self.push(TokenKind::Plain, start, self.pos);
            return;
        }
        let end = if quote.is_some() && self.src.get(word_end) == quote.as_ref() {
            word_end + 1
        } else {
            word_end
        };
        self.heredocs.push(Heredoc {
            delimiter: String::from_utf8_lossy(&self.src[word_start..word_end]).into_owned(),
            strip_tabs,
        });
        self.pos = end;
        self.push(TokenKind::Keyword, start, end);
    }

    /// Consumes the bodies of the pending heredocs, which start at the current position.
    fn heredoc_bodies(&mut self) -> Result<(), LexError> {
        for heredoc in std::mem::take(&mut self.heredocs) {
            let body_start = self.pos;
            loop {
                if self.pos >= self.src.len() {
                    return Err(self.error(
                        body_start,
                        format!("heredoc `{}` is never closed", heredoc.delimiter),
                    ));
                }
                let line_start = self.pos;
                let line_end = self.line_end(line_start);
                let line = &self.src[line_start..line_end];
                let line = if heredoc.strip_tabs {
                    let tabs = line.iter().take_while(|&&b| b == b'\t').count();
                    &line[tabs..]
                } else {
                    line
                };
                if line == heredoc.delimiter.as_bytes() {
                    self.push(TokenKind::Str, body_start, line_start);
                    self.push(TokenKind::Keyword, line_start, line_end);
                    self.pos = line_end;
                    break;
                }
                self.pos = (line_end + 1).min(self.src.len());
            }
        }
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// The one-based line of byte offset `at`.
pub fn line_of(src: &[u8], at: usize) -> usize {
    1 + src[..at.min(src.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(kind: ClientKind, source: &str) -> Vec<(TokenKind, &str)> {
        Syntax::of(kind)
            .tokenize(source)
            .unwrap()
            .into_iter()
            .filter(|t| t.kind != TokenKind::Plain)
            .map(|t| (t.kind, &source[t.start..t.end]))
            .collect()
    }

    #[test]
    fn keyword_lists_are_sorted_for_binary_search() {
        for kind in ClientKind::ALL {
            let words = Syntax::of(kind).keywords;
            assert!(words.windows(2).all(|w| w[0] < w[1]), "{kind}: {words:?}");
        }
    }

    #[test]
    fn tokens_cover_every_byte() {
        let source = "#!/bin/bash\n# hi\nx=\"a#b\" # c\ncat <<EOF\n# not a comment\nEOF\n";
        let tokens = SHELL.tokenize(source).unwrap();
        let mut at = 0;
        for token in tokens {
            assert_eq!(token.start, at);
            at = token.end;
        }
        assert_eq!(at, source.len());
    }

    #[test]
    fn shell_comments_start_words_only() {
        let got = kinds(ClientKind::Cli, "echo $# a#b # real\n");
        assert_eq!(got, [(TokenKind::Variable, "$#"), (TokenKind::Comment, "# real")]);
    }

    #[test]
    fn heredoc_bodies_are_strings_not_comments() {
        let got = kinds(
            ClientKind::Cli,
            "cat <<-'EOF' > a.conf\n\t# port\n\tport: 1\n\tEOF\necho ok\n",
        );
        assert_eq!(
            got,
            [
                (TokenKind::Keyword, "<<-'EOF'"),
                (TokenKind::Str, "\t# port\n\tport: 1\n"),
                (TokenKind::Keyword, "\tEOF"),
            ]
        );
    }

    #[test]
    fn unterminated_heredocs_and_block_comments_are_errors_with_lines() {
        let err = SHELL.tokenize("a\ncat <<EOF\nbody\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("EOF"), "{}", err.message);
        let err = GO.tokenize("package main\n\n/* never\nclosed\n").unwrap_err();
        assert_eq!(err.line, 3);
    }

    #[test]
    fn c_family_strings_comments_and_numbers() {
        let got = kinds(
            ClientKind::Go,
            "x := \"// no\" // yes\ny := `raw\n/* raw */` + 42\n",
        );
        assert_eq!(
            got,
            [
                (TokenKind::Str, "\"// no\""),
                (TokenKind::Comment, "// yes"),
                (TokenKind::Str, "`raw\n/* raw */`"),
                (TokenKind::Number, "42"),
            ]
        );
    }

    #[test]
    fn rust_lifetimes_are_not_strings() {
        let got = kinds(ClientKind::Rust, "fn f<'a>(c: char) -> bool { c == 'x' }");
        assert_eq!(got, [(TokenKind::Keyword, "fn"), (TokenKind::Str, "'x'"),]);
    }

    #[test]
    fn python_triple_quotes_hide_hashes() {
        let got = kinds(ClientKind::Python, "s = \"\"\"\n# not\n\"\"\"\n# yes\n");
        assert_eq!(
            got,
            [
                (TokenKind::Str, "\"\"\"\n# not\n\"\"\""),
                (TokenKind::Comment, "# yes")
            ]
        );
    }
}
