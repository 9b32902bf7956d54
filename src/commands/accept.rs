//! `nbe accept` and `nbe reject`: settle pending snapshots without looking at them.

use std::io::Write;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::recording;
use crate::snapshot;

/// Accepts (or, with `accept` false, rejects) every pending snapshot under `prefixes`.
pub fn settle(config: &Config, prefixes: &[String], accept: bool) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let pending = snapshot::pending(&catalog.root, &catalog.select(prefixes)?);
    let mut out = std::io::stdout().lock();
    let verb = if accept { "accepted" } else { "rejected" };
    // Pending snapshots written without their run's recording (by an older nbe).
    let mut unrecorded = Vec::new();
    for (path, file) in &pending {
        if !accept {
            recording::remove_pending(file)?;
            writeln!(out, "{verb} {path}").map_err(super::stdout_failed)?;
        } else if recording::accept_pending(catalog.client(path)?.client, file)? {
            writeln!(
                out,
                "{verb} {path}, with output.txt and output.cast of the run that wrote it"
            )
            .map_err(super::stdout_failed)?;
        } else {
            writeln!(out, "{verb} {path}").map_err(super::stdout_failed)?;
            unrecorded.push(path.as_str());
        }
    }
    match pending.len() {
        0 => writeln!(out, "no pending snapshots"),
        count if !unrecorded.is_empty() => writeln!(
            out,
            "{count} {verb}; the pending snapshots of {} came without their run's output.txt and output.cast: run `nbe record {}` so that `nbe check` agrees",
            unrecorded.join(", "),
            unrecorded.join(" ")
        ),
        count => writeln!(out, "{count} {verb}"),
    }
    .map_err(super::stdout_failed)?;
    Ok(exit::SUCCESS)
}
