//! `nbe run`: one client, live output, everything it started stopped afterwards.

use std::io::Write;

use crate::catalog::Catalog;
use crate::config::{Config, RunFlags};
use crate::error::{Error, Result};
use crate::report::{ended, run_notes};
use crate::suite::{Prepared, RunOptions, run_client};

/// Runs the client at `path` and returns its exit status.
pub fn run(config: &Config, path: &str, flags: &RunFlags) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = catalog.client(path)?;
    let client = selected.client;
    let cannot_run = || {
        Error::Usage(format!(
            "{}; only cli and shell clients run",
            ended::cannot_run(client.kind)
        ))
    };
    // Refused before the tools are looked for: they would not help.
    if client.kind.command().is_none() {
        return Err(cannot_run());
    }
    let options = RunOptions::resolve(config, flags)?;
    let prepared = Prepared::process()?;
    let mut stdout = std::io::stdout();
    let result = run_client(&prepared, selected, &options, &mut |bytes| {
        let _ = stdout.write_all(bytes);
        let _ = stdout.flush();
    })?
    .ok_or_else(cannot_run)?;
    let (notes, code) = run_notes(&client.path, &result, options.timeout_of(selected));
    let mut stderr = std::io::stderr().lock();
    for note in notes {
        let _ = writeln!(stderr, "nbe: {note}");
    }
    Ok(code)
}
