//! Splitting a program into prose and code: comments become Markdown beside the code they describe.
//!
//! The rules, for every language the catalog knows:
//!
//! - a line holding only a comment (`# …`, `// …`, or a `/* … */` block that starts the line) is
//!   prose; a comment after code on the same line stays in the code;
//! - a shebang on the first line stays code;
//! - a blank line ends a block of code, so the next code starts a new section; between comment
//!   lines it is a paragraph break, and prose followed by a blank line still describes the code after it;
//! - a comment reading `<!break>` ends the section, to put two prose blocks one after the other;
//! - heredocs and multi-line strings are code, whatever their lines look like.
//!
//! [`blocks`] then groups sections for the page: code that no prose describes (a shebang and
//! `set -euo pipefail`) joins the neighbouring block, so no row has an empty prose column.
//! [`code`] is the other reading of the same lines: the program without its prose, which is what
//! the staleness hash of a recording covers.
//!
//! What is a comment, a string or a heredoc is the grammar's call (see [`super::syntax`]): the
//! splitter reads the outermost comment and string scopes of one parse, and strips the comment
//! markers the grammar marked.

use std::ops::Range;

use super::syntax::{LexError, Literal, Syntax, Token, TokenKind};

/// Prose and the code it describes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// Markdown taken from the comments, without comment markers.
    pub prose: String,
    /// Byte range of the code in the source; empty when the section is prose only.
    pub code: Range<usize>,
    /// One-based line where the section starts, for messages.
    pub line: usize,
}

/// A program cut into sections, with the tokens the highlighter colours the code with.
#[derive(Debug)]
pub struct Split {
    /// Sections in source order.
    pub sections: Vec<Section>,
    /// Tokens of the whole source.
    pub tokens: Vec<Token>,
}

/// A line as the splitter sees it.
enum Line<'a> {
    /// Prose text of one comment line, markers removed.
    Prose(&'a str),
    /// Whitespace only, outside any string or heredoc.
    Blank,
    /// Code, as the byte range of the line without its newline.
    Code(Range<usize>),
}

const BREAK: &str = "<!break>";

/// Splits `source` written in `syntax` into sections.
pub fn split(syntax: &Syntax, source: &str) -> Result<Split, LexError> {
    let parsed = syntax.parse(source)?;
    let mut sections = Vec::new();
    let mut current = Section::default();
    for (index, line) in classify(source, &parsed.literals).into_iter().enumerate() {
        let number = index + 1;
        match line {
            Line::Prose(text) if text.trim() == BREAK => finish(&mut sections, &mut current),
            Line::Prose("") if current.prose.is_empty() && current.code.is_empty() => {}
            Line::Prose(text) => {
                if !current.code.is_empty() {
                    finish(&mut sections, &mut current);
                }
                current.line = if current.line == 0 { number } else { current.line };
                current.prose.push_str(text);
                current.prose.push('\n');
            }
            Line::Blank if !current.code.is_empty() => finish(&mut sections, &mut current),
            Line::Blank if !current.prose.is_empty() => current.prose.push('\n'),
            Line::Blank => {}
            Line::Code(range) if current.code.is_empty() => {
                current.line = if current.line == 0 { number } else { current.line };
                current.code = range;
            }
            Line::Code(range) => current.code.end = range.end,
        }
    }
    finish(&mut sections, &mut current);
    Ok(Split {
        sections,
        tokens: parsed.tokens,
    })
}

/// What the page shows as one row: prose and the pieces of code it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// Markdown, empty only when the whole program has no prose.
    pub prose: &'a str,
    /// One-based line of the prose, for messages.
    pub line: usize,
    /// Byte ranges of the code in the source, in source order; shown one after the other.
    pub code: Vec<Range<usize>>,
}

/// The rows of the page: each section, except that code without prose joins the following
/// section when that one has code, or else the previous section. A program without any prose stays
/// one row per section, since there is nothing to join it to.
pub fn blocks(sections: &[Section]) -> Vec<Block<'_>> {
    let mut out: Vec<Block<'_>> = Vec::with_capacity(sections.len());
    // Bare code waiting for the next section with prose and code.
    let mut pending: Vec<Range<usize>> = Vec::new();
    let has_prose = sections.iter().any(|s| !s.prose.is_empty());
    for (at, section) in sections.iter().enumerate() {
        let bare = section.prose.is_empty() && !section.code.is_empty();
        if bare && has_prose {
            // The next section with prose, past any other bare code.
            let next = sections[at + 1..].iter().find(|s| !s.prose.is_empty());
            match out.last_mut() {
                Some(previous) if next.is_none_or(|n| n.code.is_empty()) => {
                    previous.code.push(section.code.clone());
                }
                _ => pending.push(section.code.clone()),
            }
            continue;
        }
        let mut code = std::mem::take(&mut pending);
        if !section.code.is_empty() {
            code.push(section.code.clone());
        }
        out.push(Block {
            prose: &section.prose,
            line: section.line,
            code,
        });
    }
    // Held-back code always finds its section: some section has prose, and held-back code is
    // followed by one, or else came first and had no previous block to join.
    debug_assert!(pending.is_empty());
    out
}

/// A step of a program: the code of one [`Block`], as the one-based lines of the source it covers.
/// A recording attributes output to steps, named by their first line ([`Step::first`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The first line of the step's code: its name in a recording's markers.
    pub first: usize,
    /// The lines of its code, one range per piece.
    pub lines: Vec<std::ops::RangeInclusive<usize>>,
}

/// Where a program's steps begin, and its code lines: what a recording's markers are read
/// against ([`crate::recording::step_places`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepLines {
    /// The first line of each step, in order.
    pub starts: Vec<usize>,
    /// Every line of code, in order.
    pub code: Vec<usize>,
}

impl StepLines {
    /// The lines of `steps`.
    pub fn of(steps: &[Step]) -> Self {
        Self {
            starts: steps.iter().map(|step| step.first).collect(),
            code: steps
                .iter()
                .flat_map(|step| step.lines.iter().cloned().flatten())
                .collect(),
        }
    }
}

/// The steps of `source`, one per block of `blocks` that has code, in order.
pub fn steps(source: &str, blocks: &[Block]) -> Vec<Step> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|at| at + 1))
        .collect();
    // The one-based line holding byte `at`.
    let line = |at: usize| starts.partition_point(|&start| start <= at);
    blocks
        .iter()
        .filter_map(|block| {
            let first = block.code.first()?;
            Some(Step {
                first: line(first.start),
                lines: block
                    .code
                    .iter()
                    .map(|range| line(range.start)..=line(range.end.saturating_sub(1).max(range.start)))
                    .collect(),
            })
        })
        .collect()
}

/// The code of `source` written in `syntax`, without its prose: every line [`split`] reads as code
/// (a shebang, a trailing comment, every line of a heredoc or multi-line string), in order, each
/// ending with a newline. Prose lines, `<!break>` markers and blank lines between them are left
/// out, so rewording, adding or removing a comment line, or spacing the sections differently,
/// gives the same text; any change to a line of code gives another.
pub fn code(syntax: &Syntax, source: &str) -> Result<String, LexError> {
    let parsed = syntax.parse(source)?;
    let mut code = String::with_capacity(source.len());
    for line in classify(source, &parsed.literals) {
        if let Line::Code(range) = line {
            code.push_str(&source[range]);
            code.push('\n');
        }
    }
    Ok(code)
}

/// Pushes the current section when it has anything, and starts an empty one.
fn finish(sections: &mut Vec<Section>, current: &mut Section) {
    let done = std::mem::take(current);
    if !done.prose.trim().is_empty() || !done.code.is_empty() {
        sections.push(Section {
            prose: done.prose.trim_end().to_string(),
            ..done
        });
    }
}

/// One [`Line`] per source line (a block comment yields one prose line per line it spans).
fn classify<'a>(source: &'a str, literals: &[Literal]) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < source.len() {
        let end = source[start..].find('\n').map_or(source.len(), |at| start + at);
        let text = &source[start..end];
        let indent = text.len() - text.trim_start().len();
        // A string, heredoc or block comment that began on an earlier line makes this line code.
        let inside_literal = literal_at(literals, start).is_some_and(|l| l.range.start < start);
        let first = literal_at(literals, start + indent);
        let next = match first {
            _ if inside_literal => {
                lines.push(Line::Code(start..end));
                end + 1
            }
            _ if text.trim().is_empty() => {
                lines.push(Line::Blank);
                end + 1
            }
            // A shebang is a comment to the grammar, and code to the reader.
            Some(comment) if comment.range.start == 0 && text.starts_with("#!") => {
                lines.push(Line::Code(start..end));
                end + 1
            }
            // Some grammars count the indentation before a comment as part of it.
            Some(comment)
                if comment.kind == TokenKind::Comment
                    && (start..=start + indent).contains(&comment.range.start) =>
            {
                let close_line_end = source[comment.range.end..]
                    .find('\n')
                    .map_or(source.len(), |at| comment.range.end + at);
                if source[comment.range.end..close_line_end].trim().is_empty() {
                    lines.extend(comment_prose(source, comment).into_iter().map(Line::Prose));
                    close_line_end + 1
                } else {
                    // Code after a block comment on the same line: the whole line is code.
                    lines.push(Line::Code(start..end));
                    end + 1
                }
            }
            _ => {
                lines.push(Line::Code(start..end));
                end + 1
            }
        };
        start = next;
    }
    lines
}

/// The literal containing byte `at`.
fn literal_at(literals: &[Literal], at: usize) -> Option<&Literal> {
    let index = literals.partition_point(|l| l.range.end <= at);
    literals.get(index).filter(|l| l.range.start <= at)
}

/// The prose lines of one comment, one per source line it spans: markers removed (newlines kept,
/// so line numbers stay right), then one leading space; a block comment's lines also lose their
/// indentation and `*` decoration. Empty edges are dropped by `split`.
fn comment_prose<'a>(source: &'a str, comment: &Literal) -> Vec<&'a str> {
    let mut lines = Vec::new();
    let mut at = comment.range.start;
    for line in source[comment.range.clone()].split_inclusive('\n') {
        let range = at..at + line.trim_end_matches('\n').len();
        at += line.len();
        // Opening markers (`#`, `///`, ` *`), with the blanks before them, go; so does a closing
        // marker (`*/`) and what follows it.
        let (mut from, mut to) = (range.start, range.end);
        loop {
            let word = from + source[from..to].len() - source[from..to].trim_start_matches([' ', '\t']).len();
            match comment.markers.iter().find(|m| m.start <= word && m.end > word) {
                Some(marker) if word < to => from = marker.end.min(to),
                _ => break,
            }
        }
        if let Some(close) = comment
            .markers
            .iter()
            .map(|m| m.start)
            .filter(|at| (from..to).contains(at))
            .min()
        {
            to = close;
        }
        let text = &source[from..to];
        let text = if comment.block {
            let text = text.trim_start();
            text.strip_prefix('*').unwrap_or(text).trim_end()
        } else {
            text
        };
        lines.push(text.strip_prefix(' ').unwrap_or(text));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Kind;

    /// Sections as (prose, code) pairs.
    fn parts(kind: Kind, source: &str) -> Vec<(String, String)> {
        split(Syntax::of(kind), source)
            .unwrap()
            .sections
            .into_iter()
            .map(|s| (s.prose, source[s.code].to_string()))
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(p, c)| (p.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn steps_name_their_first_code_line_and_cover_every_code_line() {
        let source = "#!/bin/bash\nset -e\n\n# Start.\na \\\n  b\n\nc\n# Then.\nd\n";
        let split = split(Syntax::of(Kind::named("cli")), source).unwrap();
        let steps = steps(source, &blocks(&split.sections));
        // The shebang and `set -e` join the first step, and `c`, without prose, the next one.
        assert_eq!(
            steps,
            vec![
                Step {
                    first: 1,
                    lines: vec![1..=2, 5..=6]
                },
                Step {
                    first: 8,
                    lines: vec![8..=8, 10..=10]
                },
            ]
        );
    }

    #[test]
    fn bash_keeps_the_shebang_and_heredocs_as_code() {
        let source = "#!/bin/bash\nset -e\n\n# Write the *config*.\n# It has two lines.\ncat <<EOF > a.conf\n# a config comment\n\nport: 1\nEOF\necho ok # trailing\n";
        assert_eq!(
            parts(Kind::named("cli"), source),
            pairs(&[
                ("", "#!/bin/bash\nset -e"),
                (
                    "Write the *config*.\nIt has two lines.",
                    "cat <<EOF > a.conf\n# a config comment\n\nport: 1\nEOF\necho ok # trailing"
                ),
            ])
        );
    }

    #[test]
    fn blank_lines_separate_code_and_break_splits_prose() {
        let source = "# One.\n#\n# Still one.\n\na\n\nb\n# <!break>\n# Two.\n# <!break>\n# Three.\nc\n";
        assert_eq!(
            parts(Kind::named("shell"), source),
            pairs(&[
                ("One.\n\nStill one.", "a"),
                ("", "b"),
                ("Two.", ""),
                ("Three.", "c"),
            ])
        );
    }

    #[test]
    fn hash_languages_split_the_same_way() {
        for kind in [
            Kind::named("python"),
            Kind::named("ruby"),
            Kind::named("elixir"),
            Kind::named("crystal"),
        ] {
            let source = "# Connect.\nnc = connect(\"nats://127.0.0.1:4222\") # inline\n\n  # Indented prose.\n  nc.close\n";
            assert_eq!(
                parts(kind, source),
                pairs(&[
                    ("Connect.", "nc = connect(\"nats://127.0.0.1:4222\") # inline"),
                    ("Indented prose.", "  nc.close"),
                ]),
                "{kind}"
            );
        }
    }

    #[test]
    fn slash_languages_split_line_and_block_comments() {
        for kind in [
            Kind::named("go"),
            Kind::named("node"),
            Kind::named("rust"),
            Kind::named("csharp"),
            Kind::named("java"),
            Kind::named("c"),
        ] {
            let source = "/**\n * Header prose.\n *\n * - a list\n */\nx = 1; /* inline */\n\t// Line prose.\n\ty = \"// not a comment\";\n";
            assert_eq!(
                parts(kind, source),
                pairs(&[
                    ("Header prose.\n\n- a list", "x = 1; /* inline */"),
                    ("Line prose.", "\ty = \"// not a comment\";"),
                ]),
                "{kind}"
            );
        }
    }

    #[test]
    fn multiline_strings_with_blank_lines_stay_one_block() {
        let source = "s := `first\n\n// still the string`\nt := 2\n";
        assert_eq!(
            parts(Kind::named("go"), source),
            pairs(&[("", source.trim_end())])
        );
    }

    #[test]
    fn rust_doc_comments_are_prose() {
        assert_eq!(
            parts(
                Kind::named("rust"),
                "//! Module prose.\n/// Item prose.\nfn main() {}\n"
            ),
            pairs(&[("Module prose.\nItem prose.", "fn main() {}")])
        );
    }

    #[test]
    fn c_preprocessor_lines_are_code() {
        assert_eq!(
            parts(Kind::named("c"), "#include <stdio.h>\n"),
            pairs(&[("", "#include <stdio.h>")])
        );
    }

    /// Blocks as (prose, code pieces) pairs.
    fn rows(kind: Kind, source: &str) -> Vec<(String, Vec<String>)> {
        let split = split(Syntax::of(kind), source).unwrap();
        blocks(&split.sections)
            .into_iter()
            .map(|b| {
                let code = b.code.into_iter().map(|r| source[r].to_string()).collect();
                (b.prose.to_string(), code)
            })
            .collect()
    }

    #[test]
    fn bare_code_joins_the_following_block() {
        let source = "#!/bin/bash\nset -euo pipefail\n\n# Start a server.\nnats-server &\n";
        assert_eq!(
            rows(Kind::named("cli"), source),
            [(
                "Start a server.".to_string(),
                vec![
                    "#!/bin/bash\nset -euo pipefail".to_string(),
                    "nats-server &".to_string()
                ]
            )]
        );
    }

    #[test]
    fn bare_code_joins_the_previous_block_when_none_follows() {
        // `b` is followed by prose with no code, and then by nothing at all: it stays with `a`.
        let source = "# One.\na\n\nb\n# <!break>\n# Two.\n";
        assert_eq!(
            rows(Kind::named("shell"), source),
            [
                ("One.".to_string(), vec!["a".to_string(), "b".to_string()]),
                ("Two.".to_string(), vec![]),
            ]
        );
        assert_eq!(
            rows(Kind::named("shell"), "# One.\na\n\nb\n\nc\n"),
            [(
                "One.".to_string(),
                vec!["a".to_string(), "b".to_string(), "c".to_string()]
            )]
        );
        // Bare code before prose-only blocks and nothing else: it joins what came before.
        assert_eq!(
            rows(Kind::named("shell"), "# <!break>\n# Intro.\n# <!break>\nx\n"),
            [("Intro.".to_string(), vec!["x".to_string()])]
        );
    }

    #[test]
    fn programs_without_prose_keep_their_blocks() {
        assert_eq!(
            rows(Kind::named("shell"), "a\n\nb\n"),
            [
                (String::new(), vec!["a".to_string()]),
                (String::new(), vec!["b".to_string()]),
            ]
        );
    }

    #[test]
    fn code_leaves_out_prose_and_blank_lines_only() {
        let code = |kind: &str, source: &str| code(Syntax::of(Kind::named(kind)), source).unwrap();
        let script = "#!/bin/bash\n# Prose.\n\necho a # trailing\ncat <<EOF\n# kept\n\nEOF\n";
        assert_eq!(
            code("cli", script),
            "#!/bin/bash\necho a # trailing\ncat <<EOF\n# kept\n\nEOF\n"
        );
        let reworded = "#!/bin/bash\n# Other prose,\n# over two lines.\n# <!break>\necho a # trailing\n\ncat <<EOF\n# kept\n\nEOF\n";
        assert_eq!(code("cli", reworded), code("cli", script));
        assert_ne!(
            code("cli", &script.replace("echo a", "echo b")),
            code("cli", script)
        );
        assert_ne!(
            code("cli", &script.replace("# trailing", "# other")),
            code("cli", script)
        );
        let go = "// Package prose.\npackage main\n\n/* Block\n * prose. */\nfunc main() {\n\t// Indented prose.\n\tx := \"// a string\"\n}\n";
        assert_eq!(
            code("go", go),
            "package main\nfunc main() {\n\tx := \"// a string\"\n}\n"
        );
        // Python's indentation is code: it stays.
        assert_eq!(code("python", "if x:\n    # Why.\n    y()\n"), "if x:\n    y()\n");
    }

    #[test]
    fn sections_know_their_first_line() {
        let split = split(Syntax::of(Kind::named("cli")), "#!/bin/sh\n\n\n# Two.\nb\n").unwrap();
        let lines: Vec<usize> = split.sections.iter().map(|s| s.line).collect();
        assert_eq!(lines, [1, 4]);
    }

    #[test]
    fn unterminated_block_comments_are_reported() {
        let err = split(Syntax::of(Kind::named("java")), "class A {}\n/* oops\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    /// Interpolation in every grammar the kinds table names (and Kotlin and Dart for `${}`): the
    /// code inside an interpolation may hold quotes, brackets and comment markers of its own, and
    /// a valid program still splits into its prose and code.
    #[test]
    fn string_interpolation_never_makes_a_valid_program_malformed() {
        let programs: &[(&str, &str, &str)] = &[
            (
                "main.exs",
                "#",
                r#"IO.puts("on #{topic} got #{inspect(msg)} #{Map.get(m, "k")}")
IO.puts("a #{"nested #{x}"} b")
IO.puts(~s(sigil #{x}))"#,
            ),
            (
                "main.rb",
                "#",
                r#"puts "on #{topic} got #{msg.fetch("k")}"
puts "a #{"nested #{x}"} b""#,
            ),
            (
                "main.cr",
                "#",
                r#"puts "on #{topic} got #{m["k"]}"
puts "a #{"nested #{x}"} b""#,
            ),
            (
                "main.kt",
                "//",
                r#"println("on ${topic} got ${m.get("k")}")
println("a ${"nested"} b $x")"#,
            ),
            (
                "main.dart",
                "//",
                r#"print("on ${topic} got ${m['k']}");
print('a ${'nested ${x}'} b');"#,
            ),
            (
                "main.js",
                "//",
                r#"console.log(`on ${topic} got ${`nested ${x} // no comment`}`);
console.log(`a ${m.map((s) => `${s}`).join(",")} b`);"#,
            ),
            (
                "main.ts",
                "//",
                r#"console.log(`on ${topic} got ${`nested ${x} // no comment`}`);
const s: string = `a ${m.map((s: string) => `${s}`).join(",")} b`;"#,
            ),
            (
                "Main.cs",
                "//",
                r#"Console.WriteLine($"on {topic} got {(x ? "y" : "z")} {{literal}}");
Console.WriteLine($@"c {d}
# e");"#,
            ),
            (
                "main.py",
                "#",
                r#"print(f"on {topic} got {msg.data.decode()!r} {d['k']} {x:>{w}}")
print(f'''c {y}
# not a comment
''')"#,
            ),
            (
                "main.rs",
                "//",
                r##"println!("on {topic} got {:?} {{literal}}", format!("{x}"));
let r = r#"raw "{x}" // no comment"#;"##,
            ),
            (
                "main.zig",
                "//",
                r#"std.debug.print("on {s} got {any}\n", .{ topic, msg });
const s =
    \\multi {s} // no comment
    \\line
;"#,
            ),
            (
                "main.go",
                "//",
                r#"fmt.Printf("on %s {x}\n", topic)
s := `raw "{x}" // no comment
# still raw`"#,
            ),
            (
                "Main.java",
                "//",
                r#"System.out.printf("on %s {x}%n", topic);
String s = """
    block "quoted" // no comment
    """;"#,
            ),
            (
                "main.sh",
                "#",
                r#"echo "on $(echo "$topic" | tr a b) got ${msg:-"none"}"
echo "$(printf '%s' "$(cat "f # no comment")")""#,
            ),
            (
                "main.c",
                "//",
                r#"printf("on %s \"q\" {x}\n", topic);
puts("a /* not */ // b");"#,
            ),
        ];
        for (file, marker, code) in programs {
            let source = format!("{marker} Say what it prints.\n{code}\n\n{marker} Then stop.\nstop();\n");
            let syntax = Syntax::for_file(std::path::Path::new(file));
            let split = split(syntax, &source).unwrap_or_else(|err| {
                panic!("{file} ({}): {} at line {}", syntax.name(), err.message, err.line)
            });
            let got: Vec<(&str, &str)> = split
                .sections
                .iter()
                .map(|s| (s.prose.as_str(), &source[s.code.clone()]))
                .collect();
            assert_eq!(
                got,
                [("Say what it prints.", *code), ("Then stop.", "stop();")],
                "{file} ({})",
                syntax.name()
            );
        }
    }
}
