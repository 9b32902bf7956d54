//! The JUnit reporter: one `<testcase>` per client, written atomically when the run is done. An
//! accepted change (updated, new) passes, with its diff in `<system-out>`; a new client awaiting
//! review fails, like a mismatch.

use std::path::PathBuf;

use super::{ClientReport, Event, Outcome, Reporter, Summary};
use crate::atomic::atomic_write;
use crate::error::Result;

/// Collects the clients' reports and writes a JUnit XML file at the end.
pub struct Junit {
    path: PathBuf,
    suite: String,
    reports: Vec<ClientReport>,
}

impl Junit {
    /// A reporter writing to `path`; `suite` names the test suite, like `nbe test`.
    pub fn new(path: PathBuf, suite: &str) -> Self {
        Self {
            path,
            suite: suite.to_string(),
            reports: Vec::new(),
        }
    }
}

impl Reporter for Junit {
    fn report(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Finished(report) => self.reports.push(report.clone()),
            Event::Unreferenced { .. } => {}
            Event::Done(summary) => {
                atomic_write(&self.path, render(&self.suite, &self.reports, summary).as_bytes())?
            }
        }
        Ok(())
    }
}

/// The XML document.
pub fn render(suite: &str, reports: &[ClientReport], summary: &Summary) -> String {
    let counts = format!(
        r#"tests="{}" failures="{}" errors="0" skipped="{}" time="{:.3}""#,
        reports.len(),
        summary.failed,
        summary.skipped,
        summary.elapsed.as_secs_f64()
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<testsuites name=\"nbe\" {counts}>\n"));
    xml.push_str(&format!("  <testsuite name=\"{}\" {counts}>\n", escape(suite)));
    for report in reports {
        // In a version matrix each client has a test case per column: the versions name it.
        let name = match &report.versions {
            Some(versions) => format!("{} ({})", report.client(), versions.label),
            None => report.client().to_string(),
        };
        xml.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            escape(report.example()),
            escape(&name),
            report.elapsed.as_secs_f64()
        ));
        match &report.outcome {
            Outcome::Passed | Outcome::Unchanged => xml.push_str("/>\n"),
            // A change that was accepted passes; the diff is kept where CI dashboards show output.
            outcome @ (Outcome::Updated { .. } | Outcome::New { accepted: true, .. }) => {
                xml.push_str(&format!(
                    ">\n      <system-out>{}: {}\n{}</system-out>\n    </testcase>\n",
                    outcome.name(),
                    escape(&outcome.message()),
                    escape(&outcome.detail(&report.path))
                ));
            }
            Outcome::Skipped { reason } => {
                xml.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    escape(reason)
                ));
            }
            outcome => {
                let mut body = outcome.detail(&report.path);
                for note in &report.notes {
                    body.push_str(note);
                    body.push('\n');
                }
                xml.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(&outcome.message()),
                    outcome.name(),
                    escape(&body)
                ));
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Escapes text for XML content and attributes; characters XML 1.0 forbids become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            // In an attribute a raw CR would be normalized away; keep it.
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\x1b[0m"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}[0m"
        );
    }
}
