//! Running many clients: the options every run shares, and a worker pool.
//!
//! `test` and `record` run clients through [`run_client`] only, so options that every run needs
//! (such as network and PID namespace isolation, once the runner has it) are added to
//! [`RunOptions`] in one place.

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use crate::catalog::Selected;
use crate::error::{Error, Result};
use crate::runner::{self, RunResult, RunSpec, Tools};

/// What every run of a command shares.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The tools put first on the examples' `PATH`.
    pub tools: Tools,
    /// The timeout, unless the example's meta.yaml sets one.
    pub timeout: Duration,
}

/// The timeout `selected` runs with.
pub fn timeout_of(selected: Selected, options: &RunOptions) -> Duration {
    selected.example.timeout.unwrap_or(options.timeout)
}

/// Runs one client with its output buffered; `Ok(None)` when nbe cannot run its kind.
pub fn run_client(selected: Selected, options: &RunOptions) -> Result<Option<RunResult>> {
    let Some(command) = selected.client.kind.command() else {
        return Ok(None);
    };
    let spec = RunSpec {
        label: &selected.client.path,
        client_dir: &selected.client.dir,
        command,
        tools: &options.tools,
        timeout: timeout_of(selected, options),
        keep: false,
    };
    runner::run(&spec, &mut |_| {}).map(Some)
}

/// Prepares the process to run examples: it adopts orphaned grandchildren and stops cleanly on Ctrl-C.
pub fn prepare() -> Result<()> {
    runner::reaper::become_subreaper().map_err(|e| Error::io("failed to become a child subreaper", e))?;
    runner::install_interrupt_handler().map_err(|e| Error::io("failed to install signal handlers", e))
}

/// Calls `work` on every item with `jobs` worker threads and hands each result to `done` on the
/// calling thread, in the order they finish. No new item starts once nbe is interrupted.
pub fn for_each<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(R),
) {
    let next = Mutex::new(items.iter());
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let item = match next.lock() {
                        Ok(mut items) if !runner::interrupted() => items.next(),
                        _ => None,
                    };
                    let Some(item) = item else { return };
                    if sender.send(work(item)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for result in results {
            done(result);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_on_once() {
        let items: Vec<u32> = (1..=20).collect();
        let mut seen = Vec::new();
        for_each(&items, 4, |n| n * 2, |n| seen.push(n));
        seen.sort();
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
