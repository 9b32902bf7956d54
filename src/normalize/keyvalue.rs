//! Key/value blocks: the right-aligned `Key: value` lines that `nats server info`, `stream info`,
//! `consumer info`, `kv status` and friends print under `Section:` headings.
//!
//! A block is a run of lines whose colons sit in the same column, plus continuation lines indented
//! to the value column (multi-valued keys such as `Client URLs`). Blocks are re-rendered with the
//! keys right-aligned to the longest key, so a masked value never shifts alignment and the output
//! is unchanged when nothing was masked.

use std::borrow::Cow;

use super::display_width;
use super::transport::Line;

/// One `Key: value` line and its continuation lines, borrowed from the lines until a rule
/// changes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    /// 1-based input line number.
    pub line: usize,
    /// The key, without indent or colon.
    pub key: &'a str,
    /// The value after `": "`, possibly empty.
    pub value: Cow<'a, str>,
    /// Continuation lines (input line number, text without indent).
    pub more: Vec<(usize, Cow<'a, str>)>,
}

/// A run of aligned `Key: value` lines under a section heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    /// The heading of the section the block is in (`Statistics`, `State`...), without colon.
    pub section: Option<&'a str>,
    /// The indent of the longest key.
    pub indent: usize,
    /// The lines of the block.
    pub items: Vec<Item<'a>>,
}

/// A line split at its first `": "` (or trailing `:`).
#[derive(Clone, Copy)]
pub(crate) struct Split<'a> {
    indent: usize,
    key: &'a str,
    value: &'a str,
    /// Display column of the colon.
    colon: usize,
}

/// Splits `line` as a `Key: value` line, or returns `None` if it is none.
pub(crate) fn split(line: &str) -> Option<Split<'_>> {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    // A key is at most 60 bytes long, so its colon is among the first 61 bytes.
    let head = &trimmed.as_bytes()[..trimmed.len().min(62)];
    let colon = memchr::memchr(b':', head)?;
    let (key, value) = match trimmed.as_bytes().get(colon + 1) {
        Some(b' ') => (&trimmed[..colon], &trimmed[colon + 2..]),
        None => (&trimmed[..colon], ""),
        // A key holds no colon (`nats://...: 82µs` is no key/value line).
        Some(_) => return None,
    };
    let is_key = key.len() <= 60
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && !key.ends_with(' ')
        && key.chars().all(is_key_char);
    is_key.then(|| Split {
        indent,
        key,
        value,
        colon: indent + display_width(key),
    })
}

/// The characters a key is made of.
fn is_key_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            ' ' | '-' | '_' | '.' | '/' | '(' | ')' | '%' | '\'' | '&' | '+' | '#'
        )
}

impl<'a> Split<'a> {
    /// The heading, if the line is a section heading (`Process Details:`).
    pub(crate) fn heading(&self) -> Option<&'a str> {
        self.value.is_empty().then_some(self.key)
    }
}

/// Returns the heading of `line` if it is a section heading (`Process Details:`).
#[cfg(test)]
fn heading(line: &str) -> Option<&str> {
    split(line)?.heading()
}

/// [`parse_from`] for a line not split yet.
#[cfg(test)]
fn parse<'a>(lines: &'a [Line<'_>], start: usize, section: Option<&'a str>) -> Option<(Block<'a>, usize)> {
    parse_from(lines, start, split(&lines[start].1)?, section)
}

/// Tries to parse a block starting at `lines[start]`, which splits as `first`; returns it and the
/// index after it.
///
/// A lone key with an empty value is a heading, not a block, so it is left to the caller.
pub(crate) fn parse_from<'a>(
    lines: &'a [Line<'_>],
    start: usize,
    first: Split<'a>,
    section: Option<&'a str>,
) -> Option<(Block<'a>, usize)> {
    let colon = first.colon;
    let mut items = vec![Item {
        line: lines[start].0,
        key: first.key,
        value: first.value.into(),
        more: Vec::new(),
    }];
    let mut indent = first.indent;
    let mut j = start + 1;
    while let Some((n, text)) = lines.get(j) {
        match split(text).filter(|s| s.colon == colon) {
            Some(s) => {
                indent = indent.min(s.indent);
                items.push(Item {
                    line: *n,
                    key: s.key,
                    value: s.value.into(),
                    more: Vec::new(),
                });
            }
            None => {
                let rest = text.trim_start_matches(' ');
                if text.len() - rest.len() != colon + 2 || rest.is_empty() {
                    break;
                }
                items
                    .last_mut()
                    .expect("never empty")
                    .more
                    .push((*n, rest.into()));
            }
        }
        j += 1;
    }
    if items.len() == 1 && items[0].value.is_empty() && items[0].more.is_empty() {
        return None;
    }
    Some((
        Block {
            section,
            indent,
            items,
        },
        j,
    ))
}

impl Block<'_> {
    /// Appends the block, keys right-aligned to the longest one, to `out`, one `\n`-terminated
    /// line at a time.
    pub(crate) fn render(&self, out: &mut String) {
        let width = self.items.iter().map(|i| display_width(i.key)).max().unwrap_or(0);
        let colon = self.indent + width;
        for item in &self.items {
            super::push_repeated(out, ' ', colon - display_width(item.key));
            out.push_str(item.key);
            out.push(':');
            if !item.value.is_empty() {
                out.push(' ');
                out.push_str(&item.value);
            }
            out.push('\n');
            for (_, more) in &item.more {
                super::push_repeated(out, ' ', colon + 2);
                out.push_str(more);
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::document::numbered_lines as lines;

    const INFO: &str = "       Version: 2.15.2
    Git Commit:
   Client URLs: 10.0.0.1:4222
                10.0.0.2:4222
        Uptime: 4s";

    #[test]
    fn parses_aligned_lines_and_continuations() {
        let (b, end) = parse(lines(INFO), 0, Some("Process Details")).expect("a block");
        assert_eq!(end, 5);
        assert_eq!(b.indent, 3);
        assert_eq!(b.items[1].key, "Git Commit");
        assert_eq!(b.items[1].value, "");
        assert_eq!(b.items[2].more, [(4, "10.0.0.2:4222".into())]);
        assert_eq!(b.section, Some("Process Details"));
    }

    #[test]
    fn render_round_trips_and_realigns() {
        let (mut b, _) = parse(lines(INFO), 0, None).expect("a block");
        let mut out = String::new();
        b.render(&mut out);
        assert_eq!(out, format!("{INFO}\n"));
        b.items.retain(|i| i.key != "Client URLs");
        out.clear();
        b.render(&mut out);
        assert_eq!(out, "      Version: 2.15.2\n   Git Commit:\n       Uptime: 4s\n");
    }

    #[test]
    fn a_lone_heading_is_not_a_block() {
        assert!(parse(lines("Statistics:\n\n  Memory: 1 MiB"), 0, None).is_none());
        assert_eq!(heading("Statistics:"), Some("Statistics"));
        assert_eq!(heading("  Memory: 1 MiB"), None);
    }

    #[test]
    fn a_different_colon_column_ends_the_block() {
        let (b, end) = parse(lines("  a: 1\n bb: 2\ncccc: 3"), 0, None).expect("a block");
        assert_eq!((b.items.len(), end), (2, 2));
    }

    #[test]
    fn prose_is_not_a_key() {
        assert!(parse(lines("16:57:01 Published 7 bytes"), 0, None).is_none());
        assert!(parse(lines("[#1] Received on \"a\""), 0, None).is_none());
    }
}
