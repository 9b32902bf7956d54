//! `nbe test --stress`: the clients run on a machine as busy as a CI machine, in a shuffled order.
//!
//! A timing dependence (a sleep instead of a readiness check, a report read before the servers
//! settle) shows up on a busy machine before it shows up on a developer's quiet one. So while the
//! clients run, [`Load`] keeps every core busy with threads of nbe's own at nice 19: being threads,
//! they end with nbe whatever happens (Ctrl-C, a failure, even SIGKILL); at the lowest priority,
//! the examples still get the cores whenever they want them, but never an idle one, and they share
//! the caches. And [`shuffled`] starts the clients in an order a seed decides, so an example that
//! only passes after (or before) another is found; the seed is printed, and `--seed` replays it.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use crate::error::{Error, Result};

/// The nice value of the load: the lowest priority there is.
pub const NICE: i32 = 19;

/// Bytes each busy thread walks through, so the load also competes for the caches.
const WORKING_SET: usize = 4 << 20;

/// Busy threads, one per core, at nice [`NICE`]; stopped and joined when dropped.
#[derive(Debug)]
pub struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Load {
    /// Starts one busy thread per core this process may use.
    pub fn start() -> Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let stop = Arc::new(AtomicBool::new(false));
        let mut load = Self {
            stop: Arc::clone(&stop),
            threads: Vec::with_capacity(cores),
        };
        for index in 0..cores {
            let stop = Arc::clone(&stop);
            let thread = std::thread::Builder::new()
                .name(format!("nbe-load-{index}"))
                .spawn(move || busy(&stop))
                .map_err(|e| Error::io("failed to start the --stress load", e))?;
            // On an error, dropping `load` stops the threads started so far.
            load.threads.push(thread);
        }
        Ok(load)
    }

    /// How many busy threads there are.
    pub fn threads(&self) -> usize {
        self.threads.len()
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// Lowers this thread to nice [`NICE`] and keeps its core busy until `stop`.
fn busy(stop: &AtomicBool) {
    // On Linux the nice value belongs to the thread: this lowers the load thread alone, not nbe
    // nor the runs its other threads start. Failing to lower it only makes the load heavier.
    // SAFETY: setpriority(2) takes plain integers and touches no memory of this process.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, NICE);
    }
    let mut memory = vec![0u8; WORKING_SET];
    while !stop.load(Ordering::Relaxed) {
        // One byte per cache line, so every pass goes through the caches.
        for byte in memory.iter_mut().step_by(64) {
            *byte = byte.wrapping_add(1);
        }
        black_box(&mut memory);
    }
}

/// `items` in the order `seed` decides: the same seed, the same order.
pub fn shuffled<T>(mut items: Vec<T>, seed: u64) -> Vec<T> {
    fastrand::Rng::with_seed(seed).shuffle(&mut items);
    items
}

/// A seed for a run that was given none.
pub fn new_seed() -> u64 {
    // Small enough to type back.
    fastrand::u64(..1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_decides_the_order() {
        let items: Vec<u32> = (0..20).collect();
        assert_eq!(shuffled(items.clone(), 7), shuffled(items.clone(), 7));
        assert_ne!(shuffled(items.clone(), 7), shuffled(items.clone(), 8));
        let mut back = shuffled(items.clone(), 7);
        back.sort();
        assert_eq!(back, items);
    }

    /// The nice values of this process's load threads.
    fn load_threads() -> Vec<String> {
        let mut found = Vec::new();
        for task in std::fs::read_dir("/proc/self/task").unwrap().flatten() {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            // `tid (comm) state ...`: nice is the 17th field after the command name.
            if let Some((name, rest)) = stat.split_once(" (").and_then(|(_, rest)| rest.rsplit_once(") "))
                && name.starts_with("nbe-load-")
            {
                found.push(rest.split(' ').nth(16).unwrap_or_default().to_string());
            }
        }
        found
    }

    #[test]
    fn the_load_runs_at_the_lowest_priority_until_dropped() {
        let load = Load::start().unwrap();
        let expected = vec![NICE.to_string(); load.threads()];
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while load_threads() != expected {
            assert!(std::time::Instant::now() < deadline, "{:?}", load_threads());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        drop(load);
        assert_eq!(load_threads(), Vec::<String>::new());
    }
}
