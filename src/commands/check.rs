//! `nbe check`: verify recordings and snapshots without running anything.

use std::time::Instant;

use super::regress::{self, Reporters};
use crate::catalog::Catalog;
use crate::check::{self, CheckStatus};
use crate::cli::ReportArgs;
use crate::config::{Config, Unreferenced};
use crate::error::Result;
use crate::report::{ClientReport, Outcome};

/// Checks the clients under `prefixes` (all when empty) and returns the exit code.
pub fn check(
    config: &Config,
    prefixes: &[String],
    unreferenced: Unreferenced,
    report: &ReportArgs,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = catalog.select(prefixes)?;
    let normalizers = regress::normalizers(&selected)?;
    let mut reporters = Reporters::new(report, "nbe check");
    regress::problems(&mut reporters, &catalog, prefixes, None)?;
    for s in selected {
        let started = Instant::now();
        let recording = check::Recording::read(&catalog, s);
        let status = check::status_of(s, &recording, &normalizers[s.example.path.as_str()]);
        let outcome = match status {
            CheckStatus::Verified => Outcome::Passed,
            // A client nbe cannot run yet has no recording to check; that is not its fault.
            CheckStatus::NotRecorded(_) if let Some(reason) = s.client.kind.unrunnable() => {
                Outcome::Skipped {
                    reason: format!("nbe cannot run {} clients here: {reason}", s.client.kind),
                }
            }
            CheckStatus::Stale(reason) | CheckStatus::Failing(reason) | CheckStatus::NotRecorded(reason) => {
                Outcome::Failed {
                    reason,
                    tail: String::new(),
                }
            }
        };
        reporters.finished(&ClientReport {
            path: s.client.path.clone(),
            outcome,
            elapsed: started.elapsed(),
            notes: Vec::new(),
        })?;
    }
    if prefixes.is_empty() {
        reporters.unreferenced(&catalog, unreferenced)?;
    }
    reporters.done()
}
