//! `nbe record`: run clients and write their recordings and accepted snapshots.
//!
//! A client whose run is not a success is not recorded and nothing of it is touched; the three files
//! of a successful one are each replaced atomically, after everything they hold has been computed.

use std::path::Path;
use std::time::{Instant, SystemTime};

use super::regress::{self, Reporters};
use crate::atomic::atomic_write;
use crate::catalog::{Catalog, Selected};
use crate::cli::ReportArgs;
use crate::config::Config;
use crate::error::Result;
use crate::execute::{self, RunOptions};
use crate::normalize::Normalizer;
use crate::record;
use crate::report::{ClientReport, Outcome};
use crate::snapshot::{self, Snapshot};

/// Records the clients under `prefixes` (all when empty) and returns the exit code.
pub fn record(
    config: &Config,
    prefixes: &[String],
    options: &RunOptions,
    report: &ReportArgs,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = options.select(&catalog, prefixes)?;
    let normalizers = regress::normalizers(&selected)?;
    execute::prepare()?;
    let mut reporters = Reporters::new(report, "nbe record");
    regress::problems(&mut reporters, &catalog, prefixes, options.partition)?;
    reporters.run_all(&selected, options.jobs, |s| {
        record_client(&catalog.root, s, &normalizers[s.example.path.as_str()], options)
    })?;
    if let Some(code) = regress::interrupted() {
        return Ok(code);
    }
    reporters.done()
}

/// Runs one client and, when the run is a success, writes its recordings and snapshot.
fn record_client(
    root: &Path,
    selected: Selected,
    normalizer: &Normalizer,
    options: &RunOptions,
) -> Result<ClientReport> {
    let started = Instant::now();
    let start_time = SystemTime::now();
    let path = &selected.client.path;
    let report = |outcome, notes| ClientReport {
        path: path.clone(),
        outcome,
        elapsed: started.elapsed(),
        notes,
    };
    let result = match execute::run_client(selected, options)? {
        Ok(result) => result,
        Err(not_ready) => return Ok(report(regress::not_ready(not_ready), Vec::new())),
    };
    if let Some(outcome) = regress::run_failure(selected, &result, options) {
        let note = format!("not recorded: {path}'s output.txt, output.cast and snapshot are untouched");
        return Ok(report(outcome, vec![note]));
    }
    let normalized = normalizer.normalize(&String::from_utf8_lossy(&result.output));
    let snap = Snapshot::new(root, selected, &options.tools, &normalized)?;
    let timestamp = start_time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let txt = record::output_txt(&result.output);
    let cast = record::cast(
        &result.output,
        &txt,
        &result.events,
        timestamp,
        &format!("nbe run {path}"),
    );
    atomic_write(&selected.client.output_txt(), &txt)?;
    atomic_write(&selected.client.output_cast(), cast.as_bytes())?;
    let snap_path = snapshot::path(root, path);
    snap.write(&snap_path)?;
    snapshot::remove(&snapshot::pending_path(&snap_path))?;
    Ok(report(Outcome::Passed, Vec::new()))
}
