//! `nbe accept` and `nbe reject`: settle pending snapshots without looking at them.

use std::io::Write;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::snapshot;

/// Accepts (or, with `accept` false, rejects) every pending snapshot under `prefixes`.
pub fn settle(config: &Config, prefixes: &[String], accept: bool) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let pending = snapshot::pending(&catalog.root, &catalog.select(prefixes)?);
    let mut out = std::io::stdout().lock();
    let verb = if accept { "accepted" } else { "rejected" };
    for (path, file) in &pending {
        if accept {
            snapshot::accept(file)?;
        } else {
            snapshot::remove(file)?;
        }
        writeln!(out, "{verb} {path}").map_err(super::stdout_failed)?;
    }
    match pending.len() {
        0 => writeln!(out, "no pending snapshots"),
        count if accept => writeln!(
            out,
            "{count} {verb}; `nbe record` refreshes their output.txt and output.cast, which `nbe check` compares with the snapshots"
        ),
        count => writeln!(out, "{count} {verb}"),
    }
    .map_err(super::stdout_failed)?;
    Ok(exit::SUCCESS)
}
