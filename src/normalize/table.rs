//! Box-drawn tables as printed by the `nats` CLI through go-pretty: parsing and canonical rendering.
//!
//! A table is recognised only by its full frame (top border, rows, separators, bottom border, all
//! with the same indent and the same number of cells per row), so prose that merely contains a `│`
//! stays text. Parsed tables are always re-rendered in one canonical style (rounded corners,
//! left-aligned cells, widths from `unicode-width`), so masking or sorting never shifts columns
//! and the style natscli happens to use does not matter.

use std::borrow::Cow;

use super::transport::Line;
use super::{display_width, push_repeated};

/// The characters of one go-pretty box style.
struct Style {
    /// Top-left, top junction, top-right.
    top: [char; 3],
    /// Left junction, cross, right junction.
    mid: [char; 3],
    /// Bottom-left, bottom junction, bottom-right.
    bottom: [char; 3],
    /// Horizontal line.
    h: char,
    /// Vertical line.
    v: char,
}

const ROUNDED: Style = Style {
    top: ['╭', '┬', '╮'],
    mid: ['├', '┼', '┤'],
    bottom: ['╰', '┴', '╯'],
    h: '─',
    v: '│',
};

const STYLES: [Style; 5] = [
    ROUNDED,
    Style {
        top: ['┌', '┬', '┐'],
        mid: ['├', '┼', '┤'],
        bottom: ['└', '┴', '┘'],
        h: '─',
        v: '│',
    },
    Style {
        top: ['+', '+', '+'],
        mid: ['+', '+', '+'],
        bottom: ['+', '+', '+'],
        h: '-',
        v: '|',
    },
    Style {
        top: ['┏', '┳', '┓'],
        mid: ['┣', '╋', '┫'],
        bottom: ['┗', '┻', '┛'],
        h: '━',
        v: '┃',
    },
    Style {
        top: ['╔', '╦', '╗'],
        mid: ['╠', '╬', '╣'],
        bottom: ['╚', '╩', '╝'],
        h: '═',
        v: '║',
    },
];

/// One physical row of a table: its cells and the input line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row<'a> {
    /// 1-based input line number.
    pub line: usize,
    /// Trimmed cell texts, borrowed from the line until a rule changes them.
    pub cells: Vec<Cow<'a, str>>,
}

/// A parsed table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table<'a> {
    /// Leading whitespace shared by every line of the table.
    pub indent: &'a str,
    /// The title row, if the table has one.
    pub title: Option<Row<'a>>,
    /// Header rows (usually one), empty for tables without a header.
    pub header: Vec<Row<'a>>,
    /// Body rows.
    pub body: Vec<Row<'a>>,
    /// Footer rows (totals), after a second separator.
    pub footer: Vec<Row<'a>>,
    /// Input line numbers of the first and last line of the frame.
    pub lines: (usize, usize),
    /// The column names: header cells joined across header rows, or empty for headerless
    /// tables. Worked out once, since no rule changes a header.
    pub columns: Vec<String>,
}

/// How a line relates to a style's frame.
#[derive(PartialEq, Eq)]
enum Kind {
    Top,
    Mid,
    Bottom,
    Row,
    Other,
}

impl Style {
    fn classify(&self, line: &str) -> Kind {
        // A frame line has distinct first and last characters, so a lone `│` is not a row.
        let mut chars = line.chars();
        let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else {
            return Kind::Other;
        };
        if first == self.v && last == self.v {
            return Kind::Row;
        }
        let inner = &line[first.len_utf8()..line.len() - last.len_utf8()];
        let border = |corner: [char; 3]| {
            first == corner[0]
                && last == corner[2]
                && inner.chars().all(|c| {
                    c == self.h
                        || c == corner[1]
                        || c == self.top[1]
                        || c == self.mid[1]
                        || c == self.bottom[1]
                })
        };
        if border(self.top) {
            Kind::Top
        } else if border(self.bottom) {
            Kind::Bottom
        } else if border(self.mid) {
            Kind::Mid
        } else {
            Kind::Other
        }
    }

    /// The border kind that closes a table: ASCII tables use `+` for every corner, so their
    /// bottom is the last border followed by a non-table line.
    fn is_ascii(&self) -> bool {
        self.top[0] == self.bottom[0]
    }

    fn cells<'a>(&self, line: &'a str) -> Vec<Cow<'a, str>> {
        let inner = &line[self.v.len_utf8()..line.len() - self.v.len_utf8()];
        inner.split(self.v).map(|c| Cow::Borrowed(trim(c))).collect()
    }
}

/// `s` without leading and trailing whitespace, as [`str::trim`] has it; cells are padded with
/// plain spaces, which are stripped without decoding characters.
fn trim(s: &str) -> &str {
    let s = s.trim_matches(' ');
    let plain = |b: Option<&u8>| b.is_none_or(|&b| b.is_ascii_graphic());
    if plain(s.as_bytes().first()) && plain(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// The outcome of trying to parse a table at some line.
pub(crate) enum Parse<'a> {
    /// A table spanning `lines[start..end]`.
    Table(Table<'a>, usize),
    /// No table starts here; no table can start before `resume` either.
    No { resume: usize },
}

/// Tries to parse a table whose top border is `lines[start]`.
///
/// `lines` are `(line number, text)`. Scanning stops at the first line that is neither a row nor a
/// border, which is never a top border of another table after `start`; returning that position
/// lets the caller skip ahead and keeps detection linear.
pub(crate) fn parse<'a>(lines: &'a [Line<'_>], start: usize) -> Parse<'a> {
    let no = Parse::No { resume: start + 1 };
    let first = &lines[start].1;
    let body = first.trim_start();
    let indent = &first[..first.len() - body.len()];
    let Some(style) = STYLES.iter().find(|s| s.classify(body) == Kind::Top) else {
        return no;
    };
    let mut segments: Vec<Vec<Row<'a>>> = vec![Vec::new()];
    let mut end = None;
    let mut j = start + 1;
    while j < lines.len() {
        let (n, text) = &lines[j];
        let Some(rest) = text
            .strip_prefix(indent)
            .filter(|r| !r.starts_with(char::is_whitespace))
        else {
            break;
        };
        match style.classify(rest) {
            Kind::Row => segments.last_mut().expect("never empty").push(Row {
                line: *n,
                cells: style.cells(rest),
            }),
            Kind::Bottom if !style.is_ascii() => {
                end = Some(j + 1);
                break;
            }
            Kind::Mid | Kind::Bottom | Kind::Top if style.is_ascii() => {
                end = Some(j + 1);
                segments.push(Vec::new());
            }
            Kind::Mid => segments.push(Vec::new()),
            _ => break,
        }
        j += 1;
    }
    let Some(end) = end else {
        return Parse::No {
            resume: j.max(start + 1),
        };
    };
    if style.is_ascii() {
        // The last border seen closed the table; rows after it (if any) are not part of it.
        segments.pop();
    }
    let top_inner = &body[style.top[0].len_utf8()..body.len() - style.top[2].len_utf8()];
    // A top border without junctions announces a title row, unless the table has one column.
    // Checked before building, so the rows are moved into the table rather than copied.
    let titled = !top_inner.contains(style.top[1]) && fits(&segments, true);
    match build(segments, titled) {
        Some(mut table) => {
            table.indent = indent;
            table.lines = (lines[start].0, lines[end - 1].0);
            Parse::Table(table, end)
        }
        None => Parse::No {
            resume: end.max(start + 1),
        },
    }
}

/// Returns true if [`build`] makes a table of `segments`: with a title, the first non-empty
/// segment is one row of one cell; the other rows, of which there is one at least, all have the
/// same number of cells.
fn fits(segments: &[Vec<Row>], titled: bool) -> bool {
    let mut rows = segments.iter().flatten();
    if titled && rows.next().is_none_or(|title| title.cells.len() != 1) {
        return false;
    }
    if titled
        && segments
            .iter()
            .find(|s| !s.is_empty())
            .is_some_and(|s| s.len() != 1)
    {
        return false;
    }
    let Some(first) = rows.next() else {
        return false;
    };
    rows.all(|r| r.cells.len() == first.cells.len())
}

/// Splits separator-delimited segments into title, header, body and footer.
fn build(mut segments: Vec<Vec<Row<'_>>>, titled: bool) -> Option<Table<'_>> {
    segments.retain(|s| !s.is_empty());
    let title = if titled {
        let first = segments.first()?;
        if first.len() != 1 || first[0].cells.len() != 1 {
            return None;
        }
        Some(segments.remove(0).remove(0))
    } else {
        None
    };
    let (header, body, footer) = match segments.len() {
        0 => return None,
        1 => (Vec::new(), segments.pop()?, Vec::new()),
        2 => {
            let body = segments.pop()?;
            (segments.pop()?, body, Vec::new())
        }
        _ => {
            // go-pretty draws one separator after the header and one before the footer; more
            // separators mean separated rows, which all belong to the body.
            let footer = if segments.len() == 3 {
                segments.pop()?
            } else {
                Vec::new()
            };
            let header = segments.remove(0);
            (header, segments.concat(), footer)
        }
    };
    let width = body.first()?.cells.len();
    let all = header.iter().chain(&body).chain(&footer);
    if all.clone().any(|r| r.cells.len() != width) {
        return None;
    }
    let mut table = Table {
        indent: "",
        title,
        header,
        body,
        footer,
        lines: (0, 0),
        columns: Vec::new(),
    };
    table.columns = table.column_names();
    Some(table)
}

impl Table<'_> {
    /// The column names: header cells joined across header rows, or empty for headerless tables.
    fn column_names(&self) -> Vec<String> {
        let width = self.body.first().map_or(0, |r| r.cells.len());
        (0..width)
            .map(|c| {
                let parts: Vec<&str> = self
                    .header
                    .iter()
                    .map(|r| r.cells[c].as_ref())
                    .filter(|s| !s.is_empty())
                    .collect();
                parts.join(" ")
            })
            .collect()
    }

    /// The title text, or the empty string.
    pub(crate) fn title(&self) -> &str {
        self.title.as_ref().map_or("", |r| r.cells[0].as_ref())
    }

    /// Appends the table, in the canonical style, to `out`, one `\n`-terminated line at a time.
    pub(crate) fn render(&self, out: &mut String) {
        let rows = || self.header.iter().chain(&self.body).chain(&self.footer);
        let ncols = self.body.first().map_or(0, |r| r.cells.len());
        let mut widths = vec![0usize; ncols];
        // Every cell's width, row after row, measured once for the column widths and the padding.
        let mut cell_widths =
            Vec::with_capacity(ncols * (self.header.len() + self.body.len() + self.footer.len()));
        for row in rows() {
            for (w, cell) in widths.iter_mut().zip(&row.cells) {
                let width = display_width(cell);
                cell_widths.push(width);
                *w = (*w).max(width);
            }
        }
        let mut cell_widths = cell_widths.into_iter();
        let s = &ROUNDED;
        let inner = |ws: &[usize]| ws.iter().map(|w| w + 2).sum::<usize>() + ws.len() - 1;
        if let Some(title) = &self.title {
            let tw = display_width(&title.cells[0]);
            let missing = (tw + 2).saturating_sub(inner(&widths));
            if let Some(last) = widths.last_mut() {
                *last += missing;
            }
            let room = inner(&widths) - tw;
            out.push_str(self.indent);
            out.push(s.top[0]);
            push_repeated(out, s.h, inner(&widths));
            out.push(s.top[2]);
            out.push('\n');
            out.push_str(self.indent);
            out.push(s.v);
            // go-pretty puts the odd space on the left.
            push_repeated(out, ' ', room - room / 2);
            out.push_str(&title.cells[0]);
            push_repeated(out, ' ', room / 2);
            out.push(s.v);
            out.push('\n');
            self.border(out, &widths, [s.mid[0], s.top[1], s.mid[2]]);
        } else {
            self.border(out, &widths, s.top);
        }
        let sections = [&self.header, &self.body, &self.footer];
        for (i, section) in sections.into_iter().filter(|rows| !rows.is_empty()).enumerate() {
            if i > 0 {
                self.border(out, &widths, s.mid);
            }
            for row in section {
                out.push_str(self.indent);
                out.push(s.v);
                for ((cell, w), width) in row.cells.iter().zip(&widths).zip(cell_widths.by_ref()) {
                    out.push(' ');
                    out.push_str(cell);
                    push_repeated(out, ' ', w - width + 1);
                    out.push(s.v);
                }
                out.push('\n');
            }
        }
        self.border(out, &widths, s.bottom);
    }

    fn border(&self, out: &mut String, widths: &[usize], [left, junction, right]: [char; 3]) {
        out.push_str(self.indent);
        out.push(left);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                out.push(junction);
            }
            push_repeated(out, ROUNDED.h, w + 2);
        }
        out.push(right);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::document::numbered_lines as lines;

    fn table(s: &str) -> Table<'static> {
        match parse(lines(s), 0) {
            Parse::Table(t, _) => t,
            Parse::No { .. } => panic!("not a table:\n{s}"),
        }
    }

    fn render(t: &Table) -> String {
        let mut out = String::new();
        t.render(&mut out);
        out.trim_end_matches('\n').to_owned()
    }

    const TITLED: &str = "\
╭─────────────────────────╮
│      A Title Here       │
├──────┬─────────┬────────┤
│ Name │ Cluster │ Uptime │
├──────┼─────────┼────────┤
│ n2   │ c1      │  4.08s │
│ n1   │ c1      │ 12.1s  │
├──────┼─────────┼────────┤
│      │ 1       │        │
╰──────┴─────────┴────────╯";

    #[test]
    fn titled_table_with_footer_parses() {
        let t = table(TITLED);
        assert_eq!(t.title(), "A Title Here");
        assert_eq!(t.columns, ["Name", "Cluster", "Uptime"]);
        assert_eq!(t.body.len(), 2);
        assert_eq!(t.body[0].cells, ["n2", "c1", "4.08s"]);
        assert_eq!(t.footer[0].cells, ["", "1", ""]);
        assert_eq!(t.lines, (1, 10));
    }

    #[test]
    fn canonical_render_left_aligns_and_recomputes_widths() {
        let mut t = table(TITLED);
        t.body[0].cells[2] = "[uptime]".into();
        t.body[1].cells[2] = "[uptime]".into();
        insta::assert_snapshot!(render(&t), @r"
        ╭───────────────────────────╮
        │        A Title Here       │
        ├──────┬─────────┬──────────┤
        │ Name │ Cluster │ Uptime   │
        ├──────┼─────────┼──────────┤
        │ n2   │ c1      │ [uptime] │
        │ n1   │ c1      │ [uptime] │
        ├──────┼─────────┼──────────┤
        │      │ 1       │          │
        ╰──────┴─────────┴──────────╯
        ");
    }

    #[test]
    fn rendering_is_a_fixed_point() {
        let once = render(&table(TITLED));
        assert_eq!(render(&table(&once)), once);
    }

    #[test]
    fn other_styles_render_rounded() {
        let ascii = "+------+----+\n| Name | N  |\n+------+----+\n| a    | 1  |\n+------+----+";
        let light = "┌──────┬────┐\n│ Name │ N  │\n├──────┼────┤\n│ a    │ 1  │\n└──────┴────┘";
        let double = "╔══════╦════╗\n║ Name ║ N  ║\n╠══════╬════╣\n║ a    ║ 1  ║\n╚══════╩════╝";
        let want = "╭──────┬───╮\n│ Name │ N │\n├──────┼───┤\n│ a    │ 1 │\n╰──────┴───╯";
        for s in [ascii, light, double] {
            assert_eq!(render(&table(s)), want, "{s}");
        }
    }

    #[test]
    fn ascii_title_is_recognised() {
        let t = table("+--------+\n| Things |\n+---+----+\n| a | bb |\n+---+----+");
        assert_eq!(t.title(), "Things");
        assert!(t.header.is_empty());
    }

    #[test]
    fn headerless_table_is_all_body() {
        let t = table("╭───┬───╮\n│ a │ b │\n│ c │ d │\n╰───┴───╯");
        assert!(t.header.is_empty());
        assert_eq!(t.body.len(), 2);
    }

    #[test]
    fn ragged_or_unclosed_frames_are_not_tables() {
        for s in [
            "╭───┬───╮\n│ a │ b │\n│ c │\n╰───┴───╯",
            "╭───┬───╮\n│ a │ b │\nplain text",
            "a │ b │ c",
        ] {
            assert!(matches!(parse(lines(s), 0), Parse::No { .. }), "{s}");
        }
    }

    #[test]
    fn indented_tables_keep_their_indent() {
        let t = table("  ╭───╮\n  │ a │\n  ╰───╯");
        assert_eq!(render(&t), "  ╭───╮\n  │ a │\n  ╰───╯");
    }

    #[test]
    fn wide_characters_are_measured_by_display_width() {
        let t = table("╭──────┬───╮\n│ 東京 │ b │\n│ x    │ y │\n╰──────┴───╯");
        assert_eq!(
            render(&t),
            "╭──────┬───╮\n│ 東京 │ b │\n│ x    │ y │\n╰──────┴───╯"
        );
    }
}
