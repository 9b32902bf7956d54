//! `nbe run`: one client, live output, everything it started stopped afterwards.

use std::io::Write;

use crate::catalog::Catalog;
use crate::config::{Config, RunFlags};
use crate::error::{Error, Result};
use crate::exit;
use crate::report::run_notes;
use crate::runner::Termination;
use crate::runner::toolchain::NotReady;
use crate::suite::{Prepared, RunOptions, run_client};

/// Runs the client at `path` and returns its exit status.
pub fn run(config: &Config, path: &str, flags: &RunFlags) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = catalog.client(path)?;
    super::warn_unlisted(&catalog, &[selected]);
    let client = selected.client;
    // Refused before the tools are looked for: they would not help.
    if let Some(sentence) = client.kind.cannot_run_here() {
        return Err(Error::Usage(format!("{}: {sentence}", client.path)));
    }
    let options = RunOptions::resolve(config, flags)?;
    let prepared = Prepared::process()?;
    let mut stdout = std::io::stdout();
    let result = run_client(&prepared, selected, &options, &mut |bytes| {
        let _ = stdout.write_all(bytes);
        let _ = stdout.flush();
    })?;
    let result = match result {
        Ok(result) => result,
        Err(NotReady::Skipped(reason)) => return Err(Error::Usage(format!("{}: {reason}", client.path))),
        Err(NotReady::Failed(messages)) => {
            eprintln!("nbe: {} did not build\n{messages}", client.path);
            return Ok(exit::FAILURE);
        }
    };
    let (notes, code) = run_notes(&client.path, &result, options.timeout_of(selected));
    let mut stderr = std::io::stderr().lock();
    // The fixture's logs stay out of the output; a failed run shows them.
    if !matches!(result.termination, Termination::Exited(0)) {
        let _ = stderr.write_all(result.server_log.as_bytes());
    }
    for note in notes {
        let _ = writeln!(stderr, "nbe: {note}");
    }
    Ok(code)
}
