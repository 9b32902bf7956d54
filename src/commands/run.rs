//! `nbe run`: one client, live output, everything it started stopped afterwards.

use std::io::Write;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::duration;
use crate::error::{Error, Result};
use crate::execute::{self, RunOptions};
use crate::exit;
use crate::report::Outcome;
use crate::runner::toolchain::NotReady;
use crate::runner::{self, Termination};

/// Runs the client at `path` and returns its exit status.
pub fn run(config: &Config, path: &str, timeout: Duration, keep: bool) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = catalog.client(path)?;
    let client = selected.client;
    let options = RunOptions::single(config, timeout)?;
    execute::prepare()?;
    let timeout = execute::timeout_of(selected, timeout);
    let mut stdout = std::io::stdout();
    let result = execute::run_selected(selected, &options, keep, &mut |bytes| {
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
    let mut stderr = std::io::stderr().lock();
    if !matches!(result.termination, Termination::Exited(0)) && !result.server_log.is_empty() {
        let _ = stderr.write_all(result.server_log.as_bytes());
    }
    match result.termination {
        Termination::TimedOut => {
            let _ = writeln!(
                stderr,
                "nbe: {} timed out after {}; stopped every process it started (raise `timeout:` in its meta.yaml or pass --timeout)",
                client.path,
                duration::display(timeout)
            );
        }
        Termination::Interrupted => {
            let _ = writeln!(
                stderr,
                "nbe: interrupted; stopped every process {} started",
                client.path
            );
        }
        Termination::Exited(0) => {}
        Termination::Exited(code) => {
            let _ = writeln!(stderr, "nbe: {} exited with status {code}", client.path);
        }
        Termination::Signaled(signal) => {
            let _ = writeln!(stderr, "nbe: {} was killed by signal {signal}", client.path);
        }
    }
    if result.dropped > 0 {
        let _ = writeln!(
            stderr,
            "nbe: output past {} MiB was not kept ({} bytes)",
            runner::OUTPUT_CAP >> 20,
            result.dropped
        );
    }
    if let Some(dir) = &result.kept {
        let _ = writeln!(stderr, "nbe: kept the run's temp dir: {}", dir.display());
    }
    if !result.leaked.is_empty() {
        let leaked = Outcome::Leaked {
            processes: result.leaked,
        };
        let _ = writeln!(stderr, "nbe: {}", leaked.message());
        return Ok(exit::FAILURE.max(result.termination.exit_code()));
    }
    Ok(result.termination.exit_code())
}
