//! The JSON reporter: one object with every client's result, unreferenced snapshots and the counts
//! (passed, failed, skipped, and of those the new, updated and unchanged clients).

use std::io::Write;

use serde_json::{Value, json};

use super::{Event, Reporter};
use crate::error::{Error, Result};

/// Collects events and prints one JSON object when the run is done.
pub struct Json<W: Write> {
    out: W,
    results: Vec<Value>,
    unreferenced: Vec<Value>,
}

impl<W: Write> Json<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            results: Vec::new(),
            unreferenced: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Json<W> {
    fn report(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Finished(report) => {
                let mut result = json!({
                    "path": report.path,
                    "example": report.example(),
                    "client": report.client(),
                    "outcome": report.outcome.name(),
                    "seconds": report.elapsed.as_secs_f64(),
                    "message": report.outcome.message(),
                    "detail": report.outcome.detail(&report.path),
                    "notes": report.notes,
                });
                // In a version matrix, the column and each version it chose, by `versions:` key.
                if let (Some(versions), Some(object)) = (&report.versions, result.as_object_mut()) {
                    let chosen: serde_json::Map<String, Value> = versions
                        .chosen
                        .iter()
                        .map(|(key, version)| (key.clone(), Value::from(version.as_str())))
                        .collect();
                    object.insert("variant".into(), Value::from(versions.label.as_str()));
                    object.insert("versions".into(), Value::Object(chosen));
                }
                self.results.push(result);
            }
            Event::Unreferenced { path, deleted } => {
                self.unreferenced
                    .push(json!({ "path": path, "deleted": deleted }));
            }
            Event::Done(summary) => {
                let document = json!({
                    "results": self.results,
                    "unreferenced": self.unreferenced,
                    "passed": summary.passed,
                    "failed": summary.failed,
                    "skipped": summary.skipped,
                    "new": summary.new,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "seconds": summary.elapsed.as_secs_f64(),
                });
                writeln!(self.out, "{document:#}").map_err(|e| Error::io("failed to write the report", e))?;
            }
        }
        Ok(())
    }
}
