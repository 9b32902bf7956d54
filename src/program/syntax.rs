//! Reading programs with real grammars: syntect's parser over the syntax set `bat` ships (through
//! `two-face`), shared by the splitter and the highlighter.
//!
//! One parse of a whole file yields two views of it, both as byte ranges:
//!
//! - tokens, every byte classified by the scopes the grammar gave it (comment, string, keyword,
//!   number, shell variable, or plain), which the highlighter colours;
//! - literals, the outermost comments and strings (a heredoc is one string, whatever its lines
//!   hold), which the splitter reads to tell prose from code.
//!
//! Splitting and highlighting read the same parse, so a `#` inside a heredoc or a `//` inside a
//! string can never be a comment for one and not the other. The grammar of a program is chosen by
//! its file extension, so a new client kind needs no code here as long as the set has a grammar
//! for its main file; anything else is read as plain text, which is still correct HTML.

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use syntect::parsing::{ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::catalog::Kind;

/// The grammars, loaded once per process from the compressed dump compiled into nbe, and only by
/// the commands that read programs (the site, and the staleness hash of `test`, `record`, `check`). Regexes are compiled lazily, as a grammar first needs them.
static SET: LazyLock<SyntaxSet> = LazyLock::new(two_face::syntax::extra_newlines);

/// One [`Syntax`] per grammar of [`SET`], so callers can hold `&'static Syntax`.
static SYNTAXES: LazyLock<Vec<Syntax>> =
    LazyLock::new(|| (0..SET.syntaxes().len()).map(|index| Syntax { index }).collect());

/// What a token is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    /// Anything not otherwise classified: identifiers, operators, whitespace.
    Plain,
    /// A line or block comment.
    Comment,
    /// A string or character literal, or the body of a heredoc.
    Str,
    /// A reserved word of the language, or a type keyword.
    Keyword,
    /// A numeric literal.
    Number,
    /// A shell parameter expansion such as `$NATS_URL` or `${name}`, or `self`/`this`.
    Variable,
}

/// A classified byte range of the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    /// The classification.
    pub kind: TokenKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
}

/// An outermost comment or string: where it is, and for comments where its markers are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Literal {
    /// [`TokenKind::Comment`] or [`TokenKind::Str`].
    pub kind: TokenKind,
    /// The byte range, without the newline that ends a line comment.
    pub range: Range<usize>,
    /// True for a block comment (`comment.block`), whose lines may carry `*` decoration.
    pub block: bool,
    /// The comment markers the grammar marked (`#`, `//`, `///`, `/*`, ` *`, `*/`...), as ranges.
    pub markers: Vec<Range<usize>>,
}

/// A whole file as the grammar reads it.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    /// Tokens covering every byte, in order; neighbours never share a kind.
    pub tokens: Vec<Token>,
    /// Outermost comments and strings, in order.
    pub literals: Vec<Literal>,
}

/// Source the grammar could not make sense of, at a one-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Where the problem starts.
    pub line: usize,
    /// What is wrong, in words for the author of the example.
    pub message: String,
}

/// The grammar of one language.
#[derive(Debug)]
pub struct Syntax {
    /// Index into the syntax set.
    index: usize,
}

impl Syntax {
    /// The grammar of a client kind's programs, chosen by the extension of its main file.
    pub fn of(kind: Kind) -> &'static Syntax {
        Self::for_file(Path::new(kind.main_file()))
    }

    /// The grammar for a file, by its extension (or its whole name, like `Makefile`); plain text
    /// when the set has none.
    pub fn for_file(path: &Path) -> &'static Syntax {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or(name);
        let found = SET
            .find_syntax_by_extension(extension)
            .or_else(|| SET.find_syntax_by_extension(name));
        Self::from_reference(found.unwrap_or_else(|| SET.find_syntax_plain_text()))
    }

    /// The grammar a Markdown code fence names, like `yaml`, `json` or `go`; `None` when the set
    /// has none.
    pub fn for_fence(token: &str) -> Option<&'static Syntax> {
        SET.find_syntax_by_token(token).map(Self::from_reference)
    }

    fn from_reference(reference: &SyntaxReference) -> &'static Syntax {
        let index = SET
            .syntaxes()
            .iter()
            .position(|s| std::ptr::eq(s, reference))
            .expect("syntaxes come from the set");
        &SYNTAXES[index]
    }

    /// The grammar's name, like `Go` or `Bourne Again Shell (bash)`.
    pub fn name(&self) -> &'static str {
        &SET.syntaxes()[self.index].name
    }

    /// Parses `source`; a comment or string still open at the end of the file is an error.
    ///
    /// The answer comes from [`super::memo`] when this nbe build parsed the same text with the
    /// same grammar before: the grammar's regexes cost tens of milliseconds a program, which a
    /// site of a few hundred programs would otherwise pay on every build.
    pub fn parse(&self, source: &str) -> Result<Parsed, LexError> {
        super::memo::parse(self, source)
    }

    /// [`Syntax::parse`] without the memo: the grammar reads every line.
    pub(super) fn parse_fresh(&self, source: &str) -> Result<Parsed, LexError> {
        let mut state = ParseState::new(&SET.syntaxes()[self.index]);
        let mut stack = ScopeStack::new();
        let mut parsed = Parsed::default();
        // The literal being read: its start, kind, block-ness and the stack depth that opened it.
        let mut open: Option<(Literal, usize)> = None;
        // Where the current comment marker started, while inside one.
        let mut marker_start: Option<usize> = None;
        let mut offset = 0;
        for line in LinesWithEndings::from(source) {
            if line.len() > MAX_LINE {
                return Err(LexError {
                    line: line_of(source.as_bytes(), offset),
                    message: format!(
                        "the line is {} KiB long; nbe reads lines of up to {} KiB: break it up",
                        line.len().div_ceil(1024),
                        MAX_LINE / 1024
                    ),
                });
            }
            let ops = state.parse_line(line, &SET).map_err(|err| LexError {
                line: line_of(source.as_bytes(), offset),
                message: format!("the {} grammar failed here ({err})", self.name()),
            })?;
            let mut last = 0;
            for (at, op) in ops
                .iter()
                .map(|(at, op)| (*at, op))
                .chain([(line.len(), &ScopeStackOp::Noop)])
            {
                if at > last {
                    push_token(&mut parsed.tokens, classify(&stack), offset + last..offset + at);
                    last = at;
                }
                let depth = stack.len();
                stack.apply(op).map_err(|err| LexError {
                    line: line_of(source.as_bytes(), offset + at),
                    message: format!("the {} grammar failed here ({err:?})", self.name()),
                })?;
                let pos = offset + at;
                let in_marker = stack.as_slice().iter().any(|s| is(s, &MARKER));
                match (marker_start, in_marker) {
                    (None, true) => marker_start = Some(pos),
                    (Some(start), false) => {
                        if let Some((literal, _)) = &mut open {
                            literal.markers.push(start..pos);
                        }
                        marker_start = None;
                    }
                    _ => {}
                }
                match &mut open {
                    Some((_, opened)) if stack.len() < *opened => {
                        let (mut literal, _) = open.take().expect("a literal is open");
                        literal.range.end = pos;
                        push_literal(&mut parsed.literals, literal, source);
                    }
                    None if stack.len() > depth => {
                        // Usually one push, but a grammar that clears the stack (Elixir's
                        // interpolations, `clear_scopes`) restores several scopes at once: the
                        // literal ends when its own scope is popped, wherever it sits.
                        let scopes = &stack.as_slice()[depth..];
                        let found = match scopes.iter().position(|s| is(s, &COMMENT)) {
                            Some(at) => Some((TokenKind::Comment, at)),
                            None => scopes
                                .iter()
                                .position(|s| is(s, &STRING))
                                .map(|at| (TokenKind::Str, at)),
                        };
                        if let Some((kind, at)) = found {
                            let block = scopes.iter().any(|s| is(s, &BLOCK_COMMENT));
                            let literal = Literal {
                                kind,
                                range: pos..pos,
                                block,
                                markers: Vec::new(),
                            };
                            open = Some((literal, depth + at + 1));
                        }
                    }
                    _ => {}
                }
            }
            offset += line.len();
        }
        if let Some((literal, _)) = open {
            let opening = literal.markers.first().map_or("", |m| source[m.clone()].trim());
            let message = match literal.kind {
                TokenKind::Comment => match CLOSERS.iter().find(|(open, _)| opening.starts_with(open)) {
                    Some((open, close)) => format!("unterminated block comment: `{open}` has no `{close}`"),
                    None => format!("unterminated block comment: `{opening}` is never closed"),
                },
                _ => {
                    let line_start = source[..literal.range.start].rfind('\n').map_or(0, |at| at + 1);
                    let line = source[line_start..].lines().next().unwrap_or_default().trim();
                    format!("unterminated string or heredoc: what `{line}` opens never ends")
                }
            };
            return Err(LexError {
                line: line_of(source.as_bytes(), literal.range.start),
                message,
            });
        }
        Ok(parsed)
    }
}

/// The longest line nbe reads. syntect searches the rest of a line for every token, afresh in
/// every nested scope, so a line of thousands of nested constructs takes time quadratic in its
/// length (20,000 nested `${x:-` on one line: 40 s); a program written for people has no such line.
const MAX_LINE: usize = 16 * 1024;

/// How block comments are closed, for the message about one that is not.
const CLOSERS: [(&str, &str); 4] = [("/*", "*/"), ("(*", "*)"), ("{-", "-}"), ("<!--", "-->")];

/// Scope prefixes, built once.
static COMMENT: LazyLock<Scope> = LazyLock::new(|| scope("comment"));
static BLOCK_COMMENT: LazyLock<Scope> = LazyLock::new(|| scope("comment.block"));
static STRING: LazyLock<Scope> = LazyLock::new(|| scope("string"));
static MARKER: LazyLock<Scope> = LazyLock::new(|| scope("punctuation.definition.comment"));

/// How scopes map to token kinds: the innermost scope that one of these prefixes matches decides,
/// so `keyword.operator` inside a string is still part of the string, and `$x` inside a string is
/// a variable. Scope names follow the TextMate conventions every grammar of the set uses.
static CLASSES: LazyLock<Vec<(Scope, TokenKind)>> = LazyLock::new(|| {
    [
        ("comment", TokenKind::Comment),
        ("string", TokenKind::Str),
        ("constant.character", TokenKind::Str),
        ("constant.numeric", TokenKind::Number),
        ("keyword.operator", TokenKind::Plain),
        ("keyword", TokenKind::Keyword),
        ("storage.type", TokenKind::Keyword),
        ("storage.modifier", TokenKind::Keyword),
        ("meta.group.expansion.parameter", TokenKind::Variable),
        ("variable.language", TokenKind::Variable),
    ]
    .into_iter()
    .map(|(prefix, kind)| (scope(prefix), kind))
    .collect()
});

fn scope(prefix: &str) -> Scope {
    Scope::new(prefix).expect("a valid scope name")
}

/// True when `scope` is `prefix` or below it (`comment.line.go` is below `comment`).
fn is(scope: &Scope, prefix: &Scope) -> bool {
    prefix.is_prefix_of(*scope)
}

/// The kind of text under `stack`.
fn classify(stack: &ScopeStack) -> TokenKind {
    stack
        .as_slice()
        .iter()
        .rev()
        .find_map(|s| {
            CLASSES
                .iter()
                .find(|(prefix, _)| is(s, prefix))
                .map(|(_, kind)| *kind)
        })
        .unwrap_or(TokenKind::Plain)
}

/// Appends a range, merging it into the last token when the kind is the same.
fn push_token(tokens: &mut Vec<Token>, kind: TokenKind, range: Range<usize>) {
    match tokens.last_mut() {
        Some(last) if last.kind == kind && last.end == range.start => last.end = range.end,
        _ => tokens.push(Token {
            kind,
            start: range.start,
            end: range.end,
        }),
    }
}

/// Appends a literal. Grammars often end a scope and open the same one again (`#`, then the
/// comment's text; a string's first line, then the rest), so a piece that continues the last
/// literal of its kind is merged into it, except that a line comment ends with its line: the next
/// line's comment is a literal of its own. A comment's range stops before its line's newline.
fn push_literal(literals: &mut Vec<Literal>, mut literal: Literal, source: &str) {
    let after_newline = |at: usize| source[..at].ends_with('\n');
    if let Some(last) = literals.last_mut()
        && last.kind == literal.kind
        && (last.range.end == literal.range.start
            || (last.kind == TokenKind::Comment && last.range.end + 1 == literal.range.start))
        && !(literal.kind == TokenKind::Comment && !literal.block && after_newline(literal.range.start))
    {
        last.range.end = literal.range.end;
        last.block |= literal.block;
        last.markers.append(&mut literal.markers);
    } else {
        literals.push(literal);
    }
    let last = literals.last_mut().expect("a literal was pushed or extended");
    if last.kind == TokenKind::Comment && after_newline(last.range.end) {
        last.range.end -= 1;
    }
    // Some grammars (Zig, Dart) scope a line comment without marking its `//`: the run of marker
    // characters it starts with is its marker then, so the prose does not keep it.
    if last.kind == TokenKind::Comment && !last.block && last.markers.is_empty() {
        let text = &source[last.range.clone()];
        let lead = text.len() - text.trim_start().len();
        let run = text[lead..]
            .find(|c: char| !matches!(c, '/' | '#' | '!' | ';' | '-' | '%'))
            .unwrap_or(text.len() - lead);
        if run > 0 {
            let start = last.range.start + lead;
            last.markers.push(start..start + run);
        }
    }
    if last.range.is_empty() {
        literals.pop();
    }
}

/// The one-based line of byte `at` in `src`.
pub fn line_of(src: &[u8], at: usize) -> usize {
    1 + src[..at.min(src.len())].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(kind: Kind, source: &str) -> Vec<(TokenKind, &str)> {
        Syntax::of(kind)
            .parse(source)
            .unwrap()
            .tokens
            .into_iter()
            .filter(|t| t.kind != TokenKind::Plain)
            .map(|t| (t.kind, &source[t.start..t.end]))
            .collect()
    }

    fn literals(kind: Kind, source: &str) -> Vec<(TokenKind, &str)> {
        Syntax::of(kind)
            .parse(source)
            .unwrap()
            .literals
            .into_iter()
            .map(|l| (l.kind, &source[l.range]))
            .collect()
    }

    #[test]
    fn every_kind_has_a_real_grammar() {
        for kind in Kind::all() {
            assert_ne!(Syntax::of(kind).name(), "Plain Text", "{kind}");
        }
        for (file, grammar) in [
            ("main.ts", "TypeScript"),
            ("Main.java", "Java"),
            ("server.conf", "nginx"),
            ("stream.json", "JSON"),
            ("meta.yaml", "YAML"),
            ("Cargo.toml", "TOML"),
            ("output.txt", "Plain Text"),
            ("no-extension", "Plain Text"),
        ] {
            assert_eq!(Syntax::for_file(Path::new(file)).name(), grammar, "{file}");
        }
        assert_eq!(Syntax::for_fence("yaml").map(Syntax::name), Some("YAML"));
        assert!(Syntax::for_fence("no-such-language").is_none());
    }

    #[test]
    fn tokens_cover_every_byte() {
        let source = "#!/bin/bash\n# hi\nx=\"a#b\" # c\ncat <<EOF\n# not a comment\nEOF\n";
        let tokens = Syntax::of(Kind::named("cli")).parse(source).unwrap().tokens;
        let mut at = 0;
        for token in tokens {
            assert_eq!(token.start, at);
            at = token.end;
        }
        assert_eq!(at, source.len());
    }

    #[test]
    fn shell_comments_start_words_only() {
        let got = kinds(Kind::named("cli"), "echo $# a#b # real\n");
        assert_eq!(
            got,
            [(TokenKind::Variable, "$#"), (TokenKind::Comment, "# real\n")]
        );
        assert_eq!(
            literals(Kind::named("cli"), "echo $# a#b # real\n"),
            [(TokenKind::Comment, "# real")]
        );
    }

    #[test]
    fn heredoc_bodies_are_strings_not_comments() {
        let source = "cat <<-'EOF' > a.conf\n\t# port\n\tport: 1\n\tEOF\necho ok\n";
        // The redirection after the heredoc's opening is not part of it; its body is.
        assert_eq!(
            literals(Kind::named("cli"), source),
            [
                (TokenKind::Str, "<<-'EOF'"),
                (TokenKind::Str, "\n\t# port\n\tport: 1\n\tEOF")
            ]
        );
        assert!(
            kinds(Kind::named("cli"), source).contains(&(TokenKind::Str, "\n\t# port\n\tport: 1\n\t")),
            "{:?}",
            kinds(Kind::named("cli"), source)
        );
    }

    #[test]
    fn unterminated_heredocs_and_block_comments_are_errors_with_lines() {
        let err = Syntax::of(Kind::named("cli"))
            .parse("a\ncat <<EOF\nbody\n")
            .unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "unterminated string or heredoc: what `cat <<EOF` opens never ends"
        );
        let err = Syntax::of(Kind::named("go"))
            .parse("package main\n\n/* never\nclosed\n")
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.message, "unterminated block comment: `/*` has no `*/`");
    }

    #[test]
    fn a_line_too_long_to_read_is_an_error_at_its_line() {
        let source = format!(
            "# Prose.\necho \"{}x{}\"\n",
            "${x:-".repeat(20_000),
            "}".repeat(20_000)
        );
        let err = Syntax::of(Kind::named("cli")).parse(&source).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(
            err.message,
            "the line is 118 KiB long; nbe reads lines of up to 16 KiB: break it up"
        );
        let longest = format!("echo {}\n", "x".repeat(MAX_LINE - 6));
        Syntax::of(Kind::named("cli")).parse(&longest).unwrap();
    }

    #[test]
    fn c_family_strings_comments_and_numbers() {
        let got = kinds(
            Kind::named("go"),
            "x := \"// no\" // yes\ny := `raw\n/* raw */` + 42\n",
        );
        assert_eq!(
            got,
            [
                (TokenKind::Str, "\"// no\""),
                (TokenKind::Comment, "// yes\n"),
                (TokenKind::Str, "`raw\n/* raw */`"),
                (TokenKind::Number, "42"),
            ]
        );
    }

    #[test]
    fn rust_lifetimes_are_not_strings() {
        let got = kinds(Kind::named("rust"), "fn f<'a>(c: char) -> bool { c == 'x' }");
        assert!(got.contains(&(TokenKind::Str, "'x'")), "{got:?}");
        assert!(!got.contains(&(TokenKind::Str, "'a")), "{got:?}");
    }

    #[test]
    fn python_triple_quotes_hide_hashes() {
        assert_eq!(
            literals(Kind::named("python"), "s = \"\"\"\n# not\n\"\"\"\n# yes\n"),
            [
                (TokenKind::Str, "\"\"\"\n# not\n\"\"\""),
                (TokenKind::Comment, "# yes")
            ]
        );
    }

    #[test]
    fn comment_markers_are_located() {
        let source = "/**\n * Doc.\n */\n/// Item.\n";
        let parsed = Syntax::of(Kind::named("rust")).parse(source).unwrap();
        let markers: Vec<Vec<&str>> = parsed
            .literals
            .iter()
            .map(|l| l.markers.iter().map(|m| &source[m.clone()]).collect())
            .collect();
        assert_eq!(markers, [vec!["/**\n", "*", "*/"], vec!["///"]]);
        assert!(parsed.literals[0].block && !parsed.literals[1].block);
    }
}
