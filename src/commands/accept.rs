//! `nbe accept` and `nbe reject`: settle pending snapshots without looking at them.

use std::io::Write;
use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::snapshot;

/// The pending snapshots of the clients under `prefixes`: (client path, `.snap.new` path).
pub fn pending(catalog: &Catalog, prefixes: &[String]) -> Result<Vec<(String, PathBuf)>> {
    Ok(catalog
        .select(prefixes)?
        .into_iter()
        .map(|s| {
            let snap = snapshot::path(&catalog.root, &s.client.path);
            (s.client.path.clone(), snapshot::pending_path(&snap))
        })
        .filter(|(_, pending)| pending.is_file())
        .collect())
}

/// Accepts (or, with `accept` false, rejects) every pending snapshot under `prefixes`.
pub fn settle(config: &Config, prefixes: &[String], accept: bool) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let pending = pending(&catalog, prefixes)?;
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
