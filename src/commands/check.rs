//! `nbe check`: the verdict on every recording, without running anything.

use crate::catalog::{Catalog, requires};
use crate::config::{Config, ReportSettings, Unreferenced};
use crate::error::Result;
use crate::report::{ClientReport, Outcome, Reporters};
use crate::scaffold::leftover;
use crate::suite::verdict::{self, Verdict};

/// Checks the clients under `prefixes` (all when empty) and returns the exit code.
pub fn check(
    config: &Config,
    prefixes: &[String],
    unreferenced: Unreferenced,
    settings: &ReportSettings,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = catalog.select(prefixes)?;
    super::warn_unlisted(&catalog, &selected);
    // Without the tools, a requirement is looked for on PATH alone.
    let tools = config.tools().ok();
    let mut reporters = Reporters::new(settings, "nbe check");
    reporters.problems(&catalog, prefixes, None)?;
    // A page that would publish what `nbe new` wrote for its author to replace is not ready.
    for leftover in leftover::in_catalog(&catalog, &selected) {
        reporters.finished(&ClientReport {
            path: leftover.path.clone(),
            outcome: Outcome::Failed {
                reason: leftover.shown(&catalog.root),
                tail: String::new(),
            },
            elapsed: std::time::Duration::ZERO,
            notes: Vec::new(),
            versions: None,
        })?;
    }
    for (s, (verdict, elapsed)) in selected
        .iter()
        .zip(verdict::of_recordings(&catalog.root, &selected))
    {
        let outcome = match verdict {
            Verdict::Verified => Outcome::Passed,
            // A client nbe cannot run yet, or one missing what it requires here, has no recording
            // to check; that is not its fault.
            Verdict::NotRecorded(_)
                if let Some(reason) = s
                    .client
                    .kind
                    .cannot_run_here()
                    .or_else(|| requires::unmet(*s, tools.as_ref())) =>
            {
                Outcome::Skipped { reason }
            }
            Verdict::Stale(reason) | Verdict::Failing(reason) | Verdict::NotRecorded(reason) => {
                Outcome::Failed {
                    reason,
                    tail: String::new(),
                }
            }
        };
        reporters.finished(&ClientReport {
            path: s.client.path.clone(),
            outcome,
            elapsed,
            notes: Vec::new(),
            versions: None,
        })?;
    }
    if prefixes.is_empty() {
        reporters.unreferenced(&catalog, unreferenced)?;
    }
    reporters.done()
}
