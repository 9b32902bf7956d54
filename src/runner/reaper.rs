//! Ending every process an example started, wherever it went.
//!
//! duct starts a run's main process and waits for it, but it only knows that direct child. The
//! run's init (see [`super::init`]) ends what the example leaves behind and forwards nbe's SIGTERM
//! to it, yet nbe does not rely on it alone: a run that escaped its init, or an init that is stuck,
//! must not outlive the run. So nbe (1) puts the main process in its own process group, (2) marks
//! the run's environment with a run id, and (3) becomes a child subreaper, so orphans are
//! re-parented to nbe instead of init. A run's processes are then: its process group, everything
//! carrying its run id, orphans re-parented to nbe that belong to no other live run, and all their
//! descendants.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;

/// The environment variable holding the run id.
pub const RUN_ID_VAR: &str = "NBE_RUN_ID";

/// Main processes of runs in progress, so no run takes another run's main process for its orphan.
static LIVE_MAINS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Held while nbe starts a child of its own: a run's main process until it is registered, or a
/// short helper command (a version query) until it has finished. Such a child has nbe's own
/// environment, without a run id, so a scan meanwhile would take it for an untagged orphan of a run.
static SPAWNING: Mutex<()> = Mutex::new(());

/// Holds off every scan until the returned guard is dropped; take it around starting a child.
pub fn spawning() -> std::sync::MutexGuard<'static, ()> {
    SPAWNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes nbe the subreaper of its descendants (Linux), so daemons cannot escape to init.
pub fn become_subreaper() -> std::io::Result<()> {
    nix::sys::prctl::set_child_subreaper(true).map_err(std::io::Error::from)
}

/// A process as `/proc/<pid>/stat` shows it.
#[derive(Debug, Clone)]
pub(super) struct Proc {
    /// Its process id.
    pub pid: i32,
    /// Its parent's.
    pub ppid: i32,
    /// Its process group's.
    pub pgid: i32,
    /// When it started, in clock ticks since boot: with the pid, it names one process for good.
    pub start: u64,
    /// Whether it has ended and waits to be reaped.
    pub zombie: bool,
    /// Its command name.
    pub name: String,
}

pub(super) fn read_proc(pid: i32) -> Option<Proc> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    // The fields after the name, from the third (state) on; the start time is the 22nd.
    let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
    let state = fields.first()?;
    Some(Proc {
        pid,
        ppid: fields.get(1)?.parse().ok()?,
        pgid: fields.get(2)?.parse().ok()?,
        start: fields.get(19)?.parse().ok()?,
        zombie: *state == "Z" || *state == "X",
        name,
    })
}

/// Every process below `pid` (children, their children...), as this process's `/proc` shows them.
pub(super) fn descendants(pid: i32) -> Vec<Proc> {
    let procs = all_procs();
    let below = subtree(&procs, [pid]);
    procs
        .into_iter()
        .filter(|p| p.pid != pid && below.contains(&p.pid))
        .collect()
}

/// The pids of `roots` and everything below them among `procs`.
fn subtree(procs: &[Proc], roots: impl IntoIterator<Item = i32>) -> BTreeSet<i32> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for proc in procs {
        children.entry(proc.ppid).or_default().push(proc.pid);
    }
    let mut stack: Vec<i32> = roots.into_iter().collect();
    let mut found: BTreeSet<i32> = stack.iter().copied().collect();
    while let Some(pid) = stack.pop() {
        for child in children.get(&pid).into_iter().flatten() {
            if found.insert(*child) {
                stack.push(*child);
            }
        }
    }
    found
}

fn all_procs() -> Vec<Proc> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(read_proc)
        .collect()
}

/// The run id in a process's environment, if it can be read.
fn run_id_of(pid: i32) -> Option<String> {
    let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
    let prefix = format!("{RUN_ID_VAR}=");
    environ
        .split(|b| *b == 0)
        .find_map(|entry| entry.strip_prefix(prefix.as_bytes()))
        .map(|id| String::from_utf8_lossy(id).into_owned())
}

/// The processes of one run, found and ended together.
#[derive(Debug)]
pub struct Group {
    main: i32,
    run_id: String,
}

impl Group {
    /// Tracks the run whose main process (also its process group leader) is `main`.
    pub fn new(main: u32, run_id: String) -> Self {
        let main = main as i32;
        LIVE_MAINS.lock().unwrap_or_else(|e| e.into_inner()).push(main);
        Self { main, run_id }
    }

    /// Every live or zombie process of this run except the main process.
    fn members(&self, procs: &[Proc]) -> Vec<Proc> {
        let me = std::process::id() as i32;
        let others: HashSet<i32> = LIVE_MAINS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .copied()
            .filter(|pid| *pid != self.main)
            .collect();
        let mut roots: BTreeSet<i32> = BTreeSet::new();
        for proc in procs {
            if proc.pid == self.main || proc.pid == me {
                continue;
            }
            // In the group; or carrying this run's id; or an orphan of no other live run carrying no id.
            let root = proc.pgid == self.main || {
                let id = run_id_of(proc.pid);
                let orphan = proc.ppid == me && !others.contains(&proc.pid);
                id.as_deref() == Some(self.run_id.as_str()) || (orphan && id.is_none())
            };
            if root {
                roots.insert(proc.pid);
            }
        }
        let found = subtree(procs, roots.iter().copied().chain([self.main]));
        procs
            .iter()
            .filter(|p| p.pid != self.main && found.contains(&p.pid))
            .cloned()
            .collect()
    }

    /// Ends every process of the run: SIGTERM, then after `grace` SIGKILL. Reaps what nbe inherited.
    ///
    /// The main process's group (the run's init, and `unshare` in front of it) gets SIGTERM first;
    /// the init forwards it to the example and ends the rest of what lives below it. So during the
    /// grace period nbe sends SIGTERM itself only to what is not below the main process (a trap on
    /// TERM runs once, as it would outside nbe); after it, SIGKILL goes to everything.
    ///
    /// Returns a description of each process that survived even SIGKILL (normally none).
    pub fn terminate(&self, grace: Duration) -> Vec<String> {
        let _ = killpg(Pid::from_raw(self.main), Signal::SIGTERM);
        let started = Instant::now();
        let mut signalled: HashSet<(i32, Signal)> = HashSet::new();
        loop {
            let signal = if started.elapsed() < grace {
                Signal::SIGTERM
            } else {
                Signal::SIGKILL
            };
            if signal == Signal::SIGKILL {
                let _ = killpg(Pid::from_raw(self.main), Signal::SIGKILL);
            }
            let (members, below_main) = {
                let _no_spawn = spawning();
                let procs = all_procs();
                (self.members(&procs), subtree(&procs, [self.main]))
            };
            let me = std::process::id() as i32;
            let mut alive = Vec::new();
            for proc in &members {
                if proc.zombie {
                    if proc.ppid == me {
                        let _ = waitpid(Pid::from_raw(proc.pid), Some(WaitPidFlag::WNOHANG));
                    }
                    continue;
                }
                alive.push(proc);
                let left_to_the_init = signal == Signal::SIGTERM && below_main.contains(&proc.pid);
                if !left_to_the_init && signalled.insert((proc.pid, signal)) {
                    let _ = kill(Pid::from_raw(proc.pid), signal);
                }
            }
            if alive.is_empty() {
                return Vec::new();
            }
            if started.elapsed() > grace + Duration::from_secs(5) {
                return alive
                    .iter()
                    .map(|p| format!("{} (pid {})", p.name, p.pid))
                    .collect();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        LIVE_MAINS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|pid| *pid != self.main);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_its_own_stat() {
        let me = read_proc(std::process::id() as i32).unwrap();
        assert!(!me.zombie);
        assert!(me.ppid > 0);
        assert!(me.start > 0);
    }
}
