//! The structure found in cleaned output: plain lines, tables and key/value blocks.
//!
//! Parsing is a single forward scan. Tables are tried only where a frame can start, and a failed
//! attempt says how far no table can start, so detection stays linear on any input.

use std::borrow::Cow;

use super::keyvalue;
use super::table::{self, Table};
use super::transport::Line;

/// One piece of the output.
///
/// Texts borrow from the cleaned lines until a rule changes them, so the text most output holds
/// (nothing volatile) is never copied before it is rendered.
#[derive(Debug, Clone)]
pub(crate) enum Block<'a> {
    /// A line of text (1-based input line number, text).
    Line(usize, Cow<'a, str>),
    /// A box-drawn table (boxed, as are key/value blocks, so that the many lines stay small).
    Table(Box<Table<'a>>),
    /// A run of aligned `Key: value` lines.
    Keys(Box<keyvalue::Block<'a>>),
}

/// The characters a go-pretty top border can start with.
const CORNERS: [char; 5] = ['╭', '┌', '+', '┏', '╔'];

/// Splits cleaned lines into blocks, tracking the section heading each key/value block is under.
///
/// Blocks borrow their texts from `lines`.
pub(crate) fn parse<'a>(lines: &'a [Line<'_>]) -> Vec<Block<'a>> {
    let mut blocks = Vec::new();
    let mut section: Option<&'a str> = None;
    let mut no_table_before = 0;
    let mut i = 0;
    while i < lines.len() {
        let (n, text) = &lines[i];
        let n = *n;
        if i >= no_table_before && text.trim_start().starts_with(CORNERS) {
            match table::parse(lines, i) {
                table::Parse::Table(t, end) => {
                    blocks.push(Block::Table(Box::new(t)));
                    i = end;
                    continue;
                }
                table::Parse::No { resume } => no_table_before = resume,
            }
        }
        // Split once, for both the block and the heading.
        let split = keyvalue::split(text);
        if let Some(first) = split
            && let Some((block, end)) = keyvalue::parse_from(lines, i, first, section)
        {
            blocks.push(Block::Keys(Box::new(block)));
            i = end;
            continue;
        }
        if let Some(heading) = split.and_then(|s| s.heading()) {
            section = Some(heading);
        } else if !text.is_empty() && !text.starts_with(' ') {
            // Unindented prose ("Information for Stream ORDERS ...") starts a new context.
            section = None;
        }
        blocks.push(Block::Line(n, Cow::Borrowed(text)));
        i += 1;
    }
    blocks
}

impl<'a> Block<'a> {
    /// Appends the rendered lines of this block, each terminated by `\n`.
    pub(crate) fn render(&self, out: &mut String) {
        match self {
            Block::Line(_, text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Table(t) => t.render(out),
            Block::Keys(k) => k.render(out),
        }
    }

    /// Calls `f` on every text of the block in output order.
    pub(crate) fn texts_mut(&mut self, f: &mut impl FnMut(&mut Cow<'a, str>)) {
        match self {
            Block::Line(_, text) => f(text),
            Block::Table(t) => {
                for row in t
                    .title
                    .iter_mut()
                    .chain(&mut t.header)
                    .chain(&mut t.body)
                    .chain(&mut t.footer)
                {
                    row.cells.iter_mut().for_each(&mut *f);
                }
            }
            Block::Keys(k) => {
                for item in &mut k.items {
                    f(&mut item.value);
                    item.more.iter_mut().for_each(|(_, m)| f(m));
                }
            }
        }
    }
}

/// Test input as the document parser receives it: lines with their one-based numbers. Leaked,
/// so that what a test parses can borrow from them (a test's few bytes).
#[cfg(test)]
pub(crate) fn numbered_lines(text: &str) -> &'static [Line<'static>] {
    let text: &'static str = text.to_owned().leak();
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.into()))
        .collect::<Vec<_>>()
        .leak()
}

#[cfg(test)]
mod tests {
    use super::numbered_lines as lines;
    use super::*;

    #[test]
    fn finds_tables_keys_and_lines_with_sections() {
        let blocks = parse(lines(
            "Statistics:\n\n  Memory: 1 MiB\n   Conns: 2\n╭───╮\n│ a │\n╰───╯\nbye",
        ));
        let kinds: Vec<&str> = blocks
            .iter()
            .map(|b| match b {
                Block::Line(..) => "line",
                Block::Table(_) => "table",
                Block::Keys(_) => "keys",
            })
            .collect();
        assert_eq!(kinds, ["line", "line", "keys", "table", "line"]);
        let Block::Keys(k) = &blocks[2] else {
            unreachable!()
        };
        assert_eq!(k.section, Some("Statistics"));
    }

    #[test]
    fn prose_resets_the_section() {
        let blocks = parse(lines(
            "State:\nInformation for Stream X\n  Messages: 5\n  Bytes: 1 B",
        ));
        let Block::Keys(k) = &blocks[2] else {
            panic!("{blocks:?}")
        };
        assert_eq!(k.section, None);
    }

    #[test]
    fn a_broken_frame_stays_text() {
        let blocks = parse(lines("╭───╮\n│ a │\nnot a frame"));
        assert!(blocks.iter().all(|b| matches!(b, Block::Line(..))));
    }
}
