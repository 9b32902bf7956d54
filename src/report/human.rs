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

/// The word a matrix cell shows for an outcome.
fn cell(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "pass",
        Outcome::Mismatch { .. } => "mismatch",
        Outcome::Failed { .. } => "fail",
        Outcome::TimedOut { .. } => "timeout",
        Outcome::Leaked { .. } => "leaked",
        Outcome::Flaky { .. } => "flaky",
        Outcome::Skipped { .. } => "skipped",
        Outcome::Unchanged => "unchanged",
        Outcome::Updated { .. } => "updated",
        Outcome::New { .. } => "new",
    }
}

/// The version matrix as a table: a row per client (sorted by path), a column per variant in
/// the order the versions were asked for, `-` where a column has no run of that client (a
/// library column holds only its kind's clients). Empty when no result carries versions.
pub fn matrix(results: &[(String, (usize, String), &'static str)]) -> String {
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
    let first = rows
        .iter()
        .map(|r| r.len())
        .max()
        .unwrap_or(0)
        .max("client".len());
    let widths: Vec<usize> = columns.iter().map(|c| c.len().max("mismatch".len())).collect();
    let mut out = format!("{:<first$}", "client");
    for (column, width) in columns.iter().zip(&widths) {
        out.push_str(&format!("  {column:<width$}"));
    }
    out = format!("{}\n", out.trim_end());
    for row in rows {
        let mut line = format!("{row:<first$}");
        for (column, width) in columns.iter().zip(&widths) {
            let word = results
                .iter()
                .find(|(path, (_, c), _)| path == row && c == column)
                .map_or("-", |(_, _, word)| *word);
            line.push_str(&format!("  {word:<width$}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Writes human output to a stream.
pub struct Human<W: Write> {
    out: W,
    style: Style,
    /// Path, column and cell of every result of a version matrix, for the table at the end.
    matrix: Vec<(String, (usize, String), &'static str)>,
}

impl<W: Write> Human<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, style: Style) -> Self {
        Self {
            out,
            style,
            matrix: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Human<W> {
    fn report(&mut self, event: Event) -> Result<()> {
        let text = match event {
            Event::Finished(report) => {
                if let Some(versions) = &report.versions {
                    let column = (versions.column, versions.label.clone());
                    self.matrix
                        .push((report.path.clone(), column, cell(&report.outcome)));
                }
                render(report, self.style)
            }
            Event::Unreferenced { path, deleted: true } => format!("deleted unreferenced snapshot {path}\n"),
            Event::Unreferenced { path, deleted: false } => format!(
                "unreferenced snapshot {path}: no client has this path; delete it or pass --unreferenced delete\n"
            ),
            // The table comes after every client's report and before the summary, which stays last.
            Event::Done(summary) => match summary.changes() {
                Some(changes) => format!("{}{changes}\n{summary}\n", matrix(&self.matrix)),
                None => format!("{}{summary}\n", matrix(&self.matrix)),
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
    fn the_matrix_has_a_row_per_client_and_a_column_per_variant() {
        let result = |path: &str, column: (usize, &str), word| {
            (path.to_string(), (column.0, column.1.to_string()), word)
        };
        let table = matrix(&[
            result("m/pub/go", (1, "server v2.11.4"), "mismatch"),
            result("t/arbiter/cli", (0, "server v2.15.2"), "pass"),
            result("t/arbiter/cli", (1, "server v2.11.4"), "skipped"),
        ]);
        assert_eq!(
            table,
            "client         server v2.15.2  server v2.11.4\n\
             m/pub/go       -               mismatch\n\
             t/arbiter/cli  pass            skipped\n"
        );
        assert_eq!(matrix(&[]), "");
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
