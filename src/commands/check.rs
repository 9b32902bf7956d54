//! `nbe check`: the verdict on every recording, without running anything, and the examples'
//! verified files: a malformed one fails, stale results are notes.

use std::collections::HashMap;
use std::path::Path;

use crate::catalog::{Catalog, Selected, requires};
use crate::config::{Config, ReportSettings, Unreferenced};
use crate::error::Result;
use crate::report::{ClientReport, Outcome, Reporters};
use crate::scaffold::leftover;
use crate::snapshot;
use crate::suite::verdict::{self, Verdict};
use crate::verified::{self, Verified};

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
    let mut verified = Files::default();
    for (s, (verdict, elapsed)) in selected
        .iter()
        .zip(verdict::of_recordings(&catalog.root, &selected))
    {
        let notes = verified.notes(&catalog.root, *s, &mut reporters)?;
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
            notes,
            versions: None,
        })?;
    }
    if prefixes.is_empty() {
        reporters.unreferenced(&catalog, unreferenced)?;
    }
    reporters.done()
}

/// The examples' verified files, each read once: a malformed one fails its example; results saved
/// for other files than the client's (stale: the site no longer shows them) or for a client the
/// example does not have are notes on its clients, since the matrix is a choice, not a duty.
#[derive(Default)]
struct Files<'a> {
    /// By example path: the file, `None` when it has none or it is malformed.
    read: HashMap<&'a str, Option<Verified>>,
}

impl<'a> Files<'a> {
    /// The notes on `selected` from its example's verified file, reading (and judging) the file
    /// the first time one of its clients asks.
    fn notes(
        &mut self,
        root: &Path,
        selected: Selected<'a>,
        reporters: &mut Reporters,
    ) -> Result<Vec<String>> {
        let example = selected.example;
        let shown = verified::relative_path(&example.path);
        let mut notes = Vec::new();
        let first = !self.read.contains_key(example.path.as_str());
        if first {
            let file = match Verified::read(root, &example.path) {
                Ok(file) => file,
                Err(err) => {
                    reporters.finished(&ClientReport {
                        path: example.path.clone(),
                        outcome: Outcome::Failed {
                            reason: err.to_string(),
                            tail: String::new(),
                        },
                        elapsed: std::time::Duration::ZERO,
                        notes: Vec::new(),
                        versions: None,
                    })?;
                    None
                }
            };
            if let Some(file) = &file {
                for unknown in file
                    .clients()
                    .filter(|name| !example.clients.iter().any(|c| c.dir_name() == *name))
                {
                    notes.push(format!(
                        "{}: holds results of `{unknown}`, which the example has no client of; delete its table",
                        shown.display()
                    ));
                }
            }
            self.read.insert(&example.path, file);
        }
        let Some(Some(file)) = self.read.get(example.path.as_str()) else {
            return Ok(notes);
        };
        let client = selected.client.dir_name();
        // A hash that cannot be worked out fails the client's verdict already.
        let stale = file.clients().any(|name| name == client)
            && snapshot::files_hash(selected).is_ok_and(|hash| file.fresh(client, &hash) == Some(false));
        if stale {
            notes.push(format!(
                "{}: the results of `{client}` are stale (saved before its files changed), so the site does not show them; save them again with `nbe test --server-version VERSIONS --save {}`",
                shown.display(),
                selected.client.path
            ));
        }
        Ok(notes)
    }
}
