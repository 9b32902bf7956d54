//! The human reporter: one line per client, the diff or output tail of failures, the summary last.
//!
//! Each client's report is written whole when it finishes, so parallel runs never interleave.

use std::io::Write;

use super::{ClientReport, Event, Outcome, Reporter};
use crate::error::{Error, Result};

/// ANSI styles, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour when `color` is true.
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Colours a unified diff: removals red, additions green, hunk headers cyan, file headers bold.
    pub fn diff(self, diff: &str) -> String {
        let mut out = String::new();
        for line in diff.split_inclusive('\n') {
            let text = line.trim_end_matches('\n');
            let code = if line.starts_with("---") || line.starts_with("+++") {
                "1"
            } else if line.starts_with('-') {
                "31"
            } else if line.starts_with('+') {
                "32"
            } else if line.starts_with("@@") {
                "36"
            } else {
                ""
            };
            out.push_str(&if code.is_empty() {
                text.to_string()
            } else {
                self.paint(code, text)
            });
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }

    fn label(self, outcome: &Outcome) -> String {
        let (code, word) = match outcome {
            Outcome::Passed => ("32", "PASS"),
            Outcome::Unchanged => ("32", "UNCHANGED"),
            Outcome::Updated { .. } => ("36;1", "UPDATED"),
            Outcome::New { accepted: true, .. } => ("36;1", "NEW"),
            Outcome::New { accepted: false, .. } => ("33;1", "NEW"),
            Outcome::Mismatch { .. } => ("31;1", "MISMATCH"),
            Outcome::Failed { .. } => ("31;1", "FAIL"),
            Outcome::TimedOut { .. } => ("31;1", "TIMEOUT"),
            Outcome::Leaked { .. } => ("31;1", "LEAKED"),
            Outcome::Flaky { .. } => ("31;1", "FLAKY"),
            Outcome::Skipped { .. } => ("33", "SKIP"),
        };
        self.paint(code, &format!("{word:>8}"))
    }
}

/// Renders one client's report: the status line, then the detail and notes.
pub fn render(report: &ClientReport, style: Style) -> String {
    let on = report
        .versions
        .as_ref()
        .map(|versions| format!(" ({})", versions.label))
        .unwrap_or_default();
    let mut out = format!(
        "{} {}{on} [{:.2}s]",
        style.label(&report.outcome),
        report.path,
        report.elapsed.as_secs_f64()
    );
    let message = report.outcome.message();
    if !message.is_empty() {
        out.push_str(": ");
        out.push_str(&message);
    }
    out.push('\n');
    let detail = report.outcome.detail(&report.path);
    if report.outcome.shows_diff() {
        out.push_str(&style.diff(&detail));
    } else {
        for line in detail.lines() {
            out.push_str(&format!("    | {line}\n"));
        }
    }
    for note in &report.notes {
        out.push_str(&format!("    {note}\n"));
    }
    out
}

/// The words of matrix cells, in the order a column's summary counts them.
const CELLS: [&str; 10] = [
    "pass",
    "unchanged",
    "updated",
    "new",
    "mismatch",
    "flaky",
    "fail",
    "timeout",
    "leaked",
    "skipped",
];

/// The word a matrix cell shows for an outcome.
fn cell(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => CELLS[0],
        Outcome::Unchanged => CELLS[1],
        Outcome::Updated { .. } => CELLS[2],
        Outcome::New { .. } => CELLS[3],
        Outcome::Mismatch { .. } => CELLS[4],
        Outcome::Flaky { .. } => CELLS[5],
        Outcome::Failed { .. } => CELLS[6],
        Outcome::TimedOut { .. } => CELLS[7],
        Outcome::Leaked { .. } => CELLS[8],
        Outcome::Skipped { .. } => CELLS[9],
    }
}

/// The version matrix: a line per column counting its outcomes (`server v2.11.4: 2 pass,
/// 1 mismatch`), then a table with a row per client (sorted by path) and a column per variant in
/// the order the versions were asked for, `-` where a column has no run of that client (a library
/// column holds only its kind's clients). Without `all`, only the rows whose cells differ between
/// columns, with a line saying how many were left out. Empty when no result carries versions.
pub fn matrix(results: &[(String, (usize, String), &'static str)], all: bool) -> String {
    let mut columns: Vec<(usize, &str)> = Vec::new();
    let mut rows: Vec<&str> = Vec::new();
    for (path, (index, label), _) in results {
        if !columns.iter().any(|(_, c)| c == label) {
            columns.push((*index, label));
        }
        if !rows.contains(&path.as_str()) {
            rows.push(path);
        }
    }
    if columns.is_empty() {
        return String::new();
    }
    columns.sort_unstable();
    let columns: Vec<&str> = columns.into_iter().map(|(_, label)| label).collect();
    rows.sort_unstable();
    let cell = |row: &str, column: &str| {
        results
            .iter()
            .find(|(path, (_, c), _)| path == row && c == column)
            .map(|(_, _, word)| *word)
    };
    let mut out = String::new();
    for column in &columns {
        // Counted in the order a reader looks for them: what worked, then what did not.
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for row in &rows {
            if let Some(word) = cell(row, column) {
                match counts.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, count)) => *count += 1,
                    None => counts.push((word, 1)),
                }
            }
        }
        counts.sort_by_key(|(word, _)| CELLS.iter().position(|cell| cell == word));
        let counts: Vec<String> = counts.iter().map(|(word, n)| format!("{n} {word}")).collect();
        out.push_str(&format!("{column}: {}\n", counts.join(", ")));
    }
    // A row differs when two columns that ran the client disagree; with a single column (`nbe
    // set-versions`), when the client did not pass.
    let differs = |row: &str| {
        let mut words = columns.iter().filter_map(|column| cell(row, column));
        let first = words.next();
        match columns.len() {
            1 => first.is_some_and(|word| word != CELLS[0]),
            _ => first.is_some_and(|first| words.any(|word| word != first)),
        }
    };
    let same = match columns.len() {
        1 => "passed",
        _ => "did the same on every column",
    };
    let shown: Vec<&str> = rows.iter().copied().filter(|row| all || differs(row)).collect();
    let hidden = rows.len() - shown.len();
    if shown.is_empty() {
        out.push_str(&format!("every client {same}; --verbose shows them\n"));
        return out;
    }
    let first = shown
        .iter()
        .map(|r| r.len())
        .max()
        .unwrap_or(0)
        .max("client".len());
    let widths: Vec<usize> = columns.iter().map(|c| c.len().max("mismatch".len())).collect();
    let mut header = format!("{:<first$}", "client");
    for (column, width) in columns.iter().zip(&widths) {
        header.push_str(&format!("  {column:<width$}"));
    }
    out.push_str(header.trim_end());
    out.push('\n');
    for row in shown {
        let mut line = format!("{row:<first$}");
        for (column, width) in columns.iter().zip(&widths) {
            let word = cell(row, column).unwrap_or("-");
            line.push_str(&format!("  {word:<width$}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if hidden > 0 {
        let plural = if hidden == 1 { "" } else { "s" };
        out.push_str(&format!(
            "({hidden} more client{plural} {same}; --verbose shows them)\n"
        ));
    }
    out
}

/// Writes human output to a stream.
pub struct Human<W: Write> {
    out: W,
    style: Style,
    /// Every client's line and every row of a version matrix, not only what differs.
    verbose: bool,
    /// Path, column and cell of every result of a version matrix, for the table at the end.
    matrix: Vec<(String, (usize, String), &'static str)>,
}

impl<W: Write> Human<W> {
    /// A reporter writing to `out`; `verbose` shows every client of a version matrix.
    pub fn new(out: W, style: Style, verbose: bool) -> Self {
        Self {
            out,
            style,
            verbose,
            matrix: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Human<W> {
    fn report(&mut self, event: Event) -> Result<()> {
        let text = match event {
            Event::Finished(report) => {
                match &report.versions {
                    Some(versions) => {
                        let column = (versions.column, versions.label.clone());
                        self.matrix
                            .push((report.path.clone(), column, cell(&report.outcome)));
                        // A matrix runs every client once per column: a pass is counted in the
                        // table, and only what did not pass is told here.
                        if report.outcome == Outcome::Passed && !self.verbose {
                            String::new()
                        } else {
                            render(report, self.style)
                        }
                    }
                    None => render(report, self.style),
                }
            }
            Event::Unreferenced { path, deleted: true } => format!("deleted unreferenced snapshot {path}\n"),
            Event::Unreferenced { path, deleted: false } => format!(
                "unreferenced snapshot {path}: no client has this path; delete it or pass --unreferenced delete\n"
            ),
            // The table comes after every client's report and before the summary, which stays last.
            Event::Done(summary) => match summary.changes() {
                Some(changes) => format!("{}{changes}\n{summary}\n", matrix(&self.matrix, self.verbose)),
                None => format!("{}{summary}\n", matrix(&self.matrix, self.verbose)),
            },
        };
        self.out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::io("failed to write the report", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_counts_each_column_and_shows_the_rows_that_differ() {
        let result = |path: &str, column: (usize, &str), word| {
            (path.to_string(), (column.0, column.1.to_string()), word)
        };
        let results = [
            result("m/pub/go", (1, "server v2.11.4"), "mismatch"),
            result("m/same/cli", (0, "server v2.15.2"), "pass"),
            result("m/same/cli", (1, "server v2.11.4"), "pass"),
            result("t/arbiter/cli", (0, "server v2.15.2"), "pass"),
            result("t/arbiter/cli", (1, "server v2.11.4"), "skipped"),
        ];
        assert_eq!(
            matrix(&results, false),
            "server v2.15.2: 2 pass\n\
             server v2.11.4: 1 pass, 1 mismatch, 1 skipped\n\
             client         server v2.15.2  server v2.11.4\n\
             t/arbiter/cli  pass            skipped\n\
             (2 more clients did the same on every column; --verbose shows them)\n"
        );
        assert!(matrix(&results, true).ends_with(
            "m/pub/go       -               mismatch\n\
             m/same/cli     pass            pass\n\
             t/arbiter/cli  pass            skipped\n"
        ));
        assert_eq!(
            matrix(&results[1..3], false),
            "server v2.15.2: 1 pass\nserver v2.11.4: 1 pass\nevery client did the same on every column; --verbose shows them\n"
        );
        // One column (`nbe set-versions`): what did not pass.
        assert_eq!(
            matrix(&[results[0].clone(), results[2].clone()], false),
            "server v2.11.4: 1 pass, 1 mismatch\n\
             client    server v2.11.4\n\
             m/pub/go  mismatch\n\
             (1 more client passed; --verbose shows them)\n"
        );
        assert_eq!(matrix(&[], false), "");
    }

    #[test]
    fn colours_only_when_asked() {
        let diff = "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n";
        assert_eq!(Style::new(false).diff(diff), diff);
        let coloured = Style::new(true).diff(diff);
        assert!(coloured.contains("\x1b[31m-x\x1b[0m\n"), "{coloured:?}");
        assert!(coloured.contains("\x1b[32m+y\x1b[0m\n"), "{coloured:?}");
    }
}
