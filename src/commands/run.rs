//! `nbe run`: one client, live output, everything it started stopped afterwards.

use std::io::Write;

use crate::catalog::Catalog;
use crate::config::{Config, RunFlags};
use crate::error::{Error, Result};
use crate::exit;
use crate::report::{failure, run_notes};
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
    let mut show = |bytes: &[u8]| {
        let _ = stdout.write_all(bytes);
        let _ = stdout.flush();
    };
    // The program's frames and messages name the repository's files, not the run's copies.
    let mut live = failure::Live::new(&client.path, client.kind);
    let result = run_client(&prepared, selected, &options, &mut |bytes| {
        live.push(bytes, &mut show)
    });
    live.finish(&mut show);
    let result = result?;
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
    // The fixture's logs stay out of the output; a failed run shows what they say and keeps them.
    if !matches!(result.termination, Termination::Exited(0)) && !result.server_log.is_empty() {
        let saved = options.keep_failed(selected, "server.log", result.server_log.as_bytes());
        let shown = failure::server_log(&result.server_log, saved.as_deref());
        let _ = stderr.write_all(shown.as_bytes());
    }
    let paths = failure::Paths::new(&client.path, client.kind);
    for note in notes {
        let _ = writeln!(stderr, "nbe: {}", paths.rewrite(&note));
    }
    Ok(code)
}
