//! The live progress display on a terminal: done/total, the examples running now, elapsed time.
//!
//! It draws on stderr only when stderr is a terminal and people read the output; in CI logs the
//! human reporter's one line per finished example is the progress.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress of one command over many clients; shared by the worker threads.
pub struct Progress {
    bar: Option<ProgressBar>,
    running: Mutex<BTreeSet<String>>,
}

impl Progress {
    /// A display over `total` clients, drawn only when `enabled`.
    pub fn new(total: usize, enabled: bool) -> Self {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {pos}/{len} {wide_msg}")
                .expect("the progress template is valid");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self {
            bar,
            running: Mutex::new(BTreeSet::new()),
        }
    }

    fn show_running(&self, running: &BTreeSet<String>) {
        if let Some(bar) = &self.bar {
            let names: Vec<&str> = running.iter().map(String::as_str).collect();
            bar.set_message(format!("running {}", names.join(", ")));
        }
    }

    /// A client started.
    pub fn started(&self, path: &str) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(path.to_string());
        self.show_running(&running);
    }

    /// A client finished.
    pub fn finished(&self, path: &str) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.remove(path);
        self.show_running(&running);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Runs `print` with the display hidden, so reports never mix with it.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Removes the display.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_what_runs_without_a_terminal() {
        let progress = Progress::new(2, false);
        progress.started("a/b/cli");
        progress.started("a/c/cli");
        progress.finished("a/b/cli");
        assert_eq!(
            progress.running.lock().unwrap().iter().collect::<Vec<_>>(),
            ["a/c/cli"]
        );
        assert_eq!(progress.suspend(|| 7), 7);
        progress.clear();
    }
}
