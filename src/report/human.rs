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
    let mut out = format!(
        "{} {} [{:.2}s]",
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

/// Writes human output to a stream.
pub struct Human<W: Write> {
    out: W,
    style: Style,
}

impl<W: Write> Human<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W, style: Style) -> Self {
        Self { out, style }
    }
}

impl<W: Write> Reporter for Human<W> {
    fn report(&mut self, event: Event) -> Result<()> {
        let text = match event {
            Event::Finished(report) => render(report, self.style),
            Event::Unreferenced { path, deleted: true } => format!("deleted unreferenced snapshot {path}\n"),
            Event::Unreferenced { path, deleted: false } => format!(
                "unreferenced snapshot {path}: no client has this path; delete it or pass --unreferenced delete\n"
            ),
            Event::Done(summary) => match summary.changes() {
                Some(changes) => format!("{changes}\n{summary}\n"),
                None => format!("{summary}\n"),
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
    fn colours_only_when_asked() {
        let diff = "--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n";
        assert_eq!(Style::new(false).diff(diff), diff);
        let coloured = Style::new(true).diff(diff);
        assert!(coloured.contains("\x1b[31m-x\x1b[0m\n"), "{coloured:?}");
        assert!(coloured.contains("\x1b[32m+y\x1b[0m\n"), "{coloured:?}");
    }
}
