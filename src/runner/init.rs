//! The init of a run: the process between nbe and the example's program, `nbe __init`.
//!
//! In a PID namespace of its own the program would be PID 1, and the kernel drops every signal
//! PID 1 has no handler for: `kill -TERM $$` in a script, or nbe's own SIGTERM at a timeout, would
//! be ignored and the script would carry on. So the init is PID 1 instead, and the program runs as
//! its child, exactly as it would outside nbe. Without namespaces the init runs too, so both modes
//! behave alike and a dying nbe takes its runs with it in both. The init:
//!
//! - sets up the namespaces from inside: the loopback interface, a private `/tmp` (see
//!   [`private_tmp`]), the caller's `HOME` out of sight (see [`hide`]) and the rest of the host
//!   read-only (see [`read_only_host`]);
//! - starts the program in a process group of its own, forwards every signal it gets to that
//!   group, and reaps every process re-parented to it (outside a namespace it is a child
//!   subreaper, so daemons that `setsid` and double-fork land with it too);
//! - when the program ends, ends the rest of the run: SIGTERM to what is left (sparing what already
//!   got a forwarded SIGTERM a second one), SIGKILL after [`GRACE`]; then exits with the program's
//!   status, or with 128+N when signal N killed it, as a shell reports it;
//! - when nbe dies, kills every process of the run at once. Outside a namespace the kernel tells it
//!   with SIGTERM, the parent-death signal nbe gives it; inside one `unshare --kill-child` kills the
//!   init, and the kernel ends the whole namespace with it.

use std::collections::HashSet;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::mount::{MsFlags, mount};
use nix::sys::signal::{SigSet, Signal, kill, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getpid, getppid};

use super::{GRACE, reaper};
use crate::error::{Error, Result};

/// The hidden subcommand that runs as the init of every run.
pub const SUBCOMMAND: &str = "__init";

/// What the init sets up before it starts the program.
#[derive(Debug, Default, Clone, Copy)]
pub struct Setup<'a> {
    /// Bring up the loopback interface of the run's network namespace.
    pub loopback: bool,
    /// In the run's mount namespace, bind this sandbox's `tmp/` on `/tmp`.
    pub private_tmp: Option<&'a Path>,
    /// In the run's mount namespace, make the whole host read-only but the `writable` dirs (see
    /// [`read_only_host`]).
    pub read_only: bool,
    /// What stays writable of a read-only host: the run's sandbox, or a step's copy, output and
    /// caches.
    pub writable: &'a [PathBuf],
    /// In the run's mount namespace, cover this directory (the caller's `HOME`) with an empty
    /// tmpfs, binding back only what the run needs of it (see [`hide`]).
    pub hide: Option<&'a Path>,
    /// Files or directories under the hidden directory bound back exactly as they are, not with
    /// their directory (a step's registry settings, like `~/.npmrc`).
    pub keep: &'a [PathBuf],
}

/// The body of `nbe __init`: sets up, runs `command` to its end and the rest of the run after it,
/// and returns the exit status to end with.
pub fn init(setup: Setup, command: &[String]) -> Result<i32> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| Error::Usage(format!("{SUBCOMMAND} needs a command")))?;
    // Read first: once nbe is gone, the parent is whoever adopted the init. Zero as PID 1.
    let parent = getppid();
    let signals = handled_signals();
    signals
        .thread_block()
        .map_err(|e| Error::io("failed to block signals in the run's init", e.into()))?;
    if setup.loopback {
        loopback_up().map_err(|e| {
            Error::io(
                "failed to bring up the loopback interface in the run's network namespace",
                e,
            )
        })?;
    }
    // What the run's environment names is found before anything covers it.
    let mut needed = needed_paths();
    needed.extend(
        setup
            .private_tmp
            .into_iter()
            .chain(setup.writable.iter().map(PathBuf::as_path))
            .filter_map(|dir| dir.canonicalize().ok()),
    );
    if let Some(sandbox) = setup.private_tmp {
        private_tmp(sandbox, &needed)?;
    }
    if let Some(dir) = setup.hide {
        hide(dir, &needed, setup.keep)?;
    }
    if setup.read_only {
        read_only_host(setup.writable, setup.private_tmp.is_some())?;
    }
    if getpid().as_raw() != 1 {
        reaper::become_subreaper().map_err(|e| Error::io("failed to become a child subreaper", e))?;
    }
    let mut command = std::process::Command::new(program);
    command.args(args).process_group(0);
    // SAFETY: runs in the child between fork and exec; sigprocmask is async-signal-safe. The
    // signals the init blocks would otherwise stay blocked in the program.
    unsafe { command.pre_exec(|| Ok(SigSet::empty().thread_set_mask()?)) };
    let child = command
        .spawn()
        .map_err(|e| Error::io(format!("failed to start {program}"), e))?;
    let mut run = Run {
        parent,
        group: Pid::from_raw(child.id() as i32),
        signals,
        status: None,
        term_forwarded: false,
    };
    Ok(run.supervise())
}

/// Every signal the init waits for instead of taking its default action; the rest are those a fault
/// raises in the init itself, and the two no process can catch.
fn handled_signals() -> SigSet {
    let mut set = SigSet::all();
    for signal in [
        Signal::SIGSEGV,
        Signal::SIGBUS,
        Signal::SIGFPE,
        Signal::SIGILL,
        Signal::SIGTRAP,
        Signal::SIGSYS,
        Signal::SIGABRT,
        Signal::SIGKILL,
        Signal::SIGSTOP,
    ] {
        set.remove(signal);
    }
    set
}

/// The init's state while the program and its processes run.
struct Run {
    /// The parent the init started with (nbe, or `unshare` seen as 0 from inside the namespace).
    parent: Pid,
    /// The program's pid, which is also its process group.
    group: Pid,
    /// The signals the init waits for.
    signals: SigSet,
    /// The program's exit status, once it has been reaped.
    status: Option<i32>,
    /// Whether a SIGTERM has been forwarded to the program's group.
    term_forwarded: bool,
}

impl Run {
    /// Forwards signals until the program ends, then ends the rest; returns the status to exit with.
    fn supervise(&mut self) -> i32 {
        loop {
            self.reap();
            if let Some(status) = self.status {
                self.end_the_rest();
                return status;
            }
            match self.next_signal(Duration::from_secs(1)) {
                None | Some(Signal::SIGCHLD) => {}
                Some(_) if self.orphaned() => {
                    self.kill_everything();
                    return 128 + Signal::SIGKILL as i32;
                }
                Some(signal) => {
                    let _ = killpg(self.group, signal);
                    self.term_forwarded |= signal == Signal::SIGTERM;
                }
            }
        }
    }

    /// True once nbe has died: outside a namespace the init then has another parent.
    fn orphaned(&self) -> bool {
        self.parent.as_raw() != 0 && getppid() != self.parent
    }

    /// Waits up to `timeout` for one of the handled signals.
    fn next_signal(&self, timeout: Duration) -> Option<Signal> {
        let timeout = libc::timespec {
            tv_sec: timeout.as_secs() as libc::time_t,
            tv_nsec: timeout.subsec_nanos() as libc::c_long,
        };
        // SAFETY: the set and the timeout are valid for the call; no siginfo is asked for.
        let signal = unsafe { libc::sigtimedwait(self.signals.as_ref(), std::ptr::null_mut(), &timeout) };
        Signal::try_from(signal).ok()
    }

    /// Reaps every child that has ended, noting the program's status.
    fn reap(&mut self) {
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(pid, code)) if pid == self.group => self.status = Some(code),
                Ok(WaitStatus::Signaled(pid, signal, _)) if pid == self.group => {
                    self.status = Some(128 + signal as i32);
                }
                Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return,
                Ok(_) | Err(Errno::EINTR) => {}
                Err(_) => return,
            }
        }
    }

    /// Every live process of the run but the init: all of its descendants.
    fn rest(&self) -> Vec<reaper::Proc> {
        reaper::descendants(getpid().as_raw())
            .into_iter()
            .filter(|p| !p.zombie)
            .collect()
    }

    /// Ends what the program left running: SIGTERM, then SIGKILL after the grace period.
    fn end_the_rest(&mut self) {
        let started = Instant::now();
        let mut signalled: HashSet<(i32, Signal)> = HashSet::new();
        loop {
            self.reap();
            let rest = self.rest();
            if rest.is_empty() {
                return;
            }
            if self.orphaned() {
                self.kill_everything();
                return;
            }
            // Past this, nbe finds what is left and reports it as leaked.
            if started.elapsed() > GRACE + Duration::from_secs(5) {
                return;
            }
            let signal = if started.elapsed() < GRACE {
                Signal::SIGTERM
            } else {
                Signal::SIGKILL
            };
            for proc in rest {
                let already_termed = self.term_forwarded && proc.pgid == self.group.as_raw();
                if signal == Signal::SIGTERM && already_termed {
                    continue;
                }
                if signalled.insert((proc.pid, signal)) {
                    let _ = kill(Pid::from_raw(proc.pid), signal);
                }
            }
            // SIGCHLD ends the wait early; other signals change nothing now.
            let _ = self.next_signal(Duration::from_millis(20));
        }
    }

    /// Kills every process of the run at once, because nbe is gone.
    fn kill_everything(&mut self) {
        let started = Instant::now();
        loop {
            self.reap();
            let rest = self.rest();
            if rest.is_empty() || started.elapsed() > Duration::from_secs(5) {
                return;
            }
            for proc in rest {
                let _ = kill(Pid::from_raw(proc.pid), Signal::SIGKILL);
            }
            let _ = self.next_signal(Duration::from_millis(20));
        }
    }
}

/// Every path a run needs to reach, whatever covers the directory it is in: its own sandbox
/// comes on top (see [`private_tmp`]). That is nbe's own directory (the server fixture is nbe
/// again, and a repository cloned under `/tmp` or `HOME` builds nbe there) and what the run's
/// environment names, like a tools dir on `PATH` (with where its links lead) or a built program
/// (its directory), all resolved. A PATH dir named `bin` or `shims` brings its whole installation
/// (its parent: pyenv's shims need pyenv, and a venv's interpreter lives beside them). Not
/// `XDG_CONFIG_HOME`: it holds the settings of every program, tokens among them; a step sees
/// only the registry settings in it (`--keep`), and a run's points into its own sandbox.
fn needed_paths() -> Vec<PathBuf> {
    let installations: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|dir| {
            dir.file_name()
                .is_some_and(|name| name == "bin" || name == "shims")
        })
        .filter_map(|dir| dir.parent().map(Path::to_path_buf))
        .collect();
    std::env::vars_os()
        .filter(|(name, _)| name != "XDG_CONFIG_HOME")
        .flat_map(|(_, value)| std::env::split_paths(&value).collect::<Vec<_>>())
        .filter(|path| path.is_absolute())
        .chain(std::env::current_exe().ok())
        .chain(installations)
        .filter_map(|path| path.canonicalize().ok())
        .collect()
}

/// Gives the run a `/tmp` of its own: the sandbox's `tmp/` (its `TMPDIR`) is bound on `/tmp` in the
/// run's mount namespace, whose propagation `unshare` made private, so nothing mounted here reaches
/// the host. Fixed paths like `/tmp/x` then neither collide with other runs nor land on the host.
///
/// The new `/tmp` hides the host's, which may hold paths the run needs: the sandbox itself (nbe's
/// temp dir is usually under `/tmp`) and the `needed` paths. Each is bound back at its own path,
/// so the run still reaches them as before.
fn private_tmp(sandbox: &Path, needed: &[PathBuf]) -> Result<()> {
    let sandbox = sandbox
        .canonicalize()
        .map_err(failed(format!("failed to resolve {}", sandbox.display())))?;
    cover(
        Path::new("/tmp"),
        Cover::Bind(&sandbox.join("tmp")),
        std::iter::once(sandbox.clone()).chain(needed.iter().cloned()),
        &[],
    )
}

/// Hides `dir` (the caller's `HOME`, with its keys, tokens and other projects) behind an empty
/// tmpfs, binding back only the `needed` paths under it: a repository, tools dir or cache kept in
/// `HOME`, and the toolchain installations on `PATH` (`~/.pyenv`, `~/.cargo`); and the `exact`
/// files that exist, alone (a registry's settings, without the rest of their directory). An exact
/// file may be a link (dotfiles kept in a repository of their own): what it leads to is bound at
/// its own path.
fn hide(dir: &Path, needed: &[PathBuf], exact: &[PathBuf]) -> Result<()> {
    let exact: Vec<PathBuf> = exact
        .iter()
        .filter(|path| path.exists())
        .filter_map(|path| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))
        .collect();
    cover(dir, Cover::Tmpfs, needed.iter().cloned(), &exact)
}

/// What covers a directory.
#[derive(Clone, Copy)]
enum Cover<'a> {
    /// Another directory, bound on it.
    Bind(&'a Path),
    /// An empty tmpfs.
    Tmpfs,
}

/// Covers `dir` with `with`, then binds back at their own paths those of `keep` that are under it
/// (a file with its directory), and those of `exact` (a file alone).
fn cover(dir: &Path, with: Cover, keep: impl IntoIterator<Item = PathBuf>, exact: &[PathBuf]) -> Result<()> {
    let dir = dir
        .canonicalize()
        .map_err(failed(format!("failed to resolve {}", dir.display())))?;
    let under = |path: &PathBuf| path.starts_with(&dir) && *path != dir;
    let mut wanted: Vec<PathBuf> = keep.into_iter().filter(under).collect();
    // A tools dir may hold links into a sibling dir (`.tools/bin/deno` leads to `.tools/deno/...`):
    // where they lead is needed too.
    let linked: Vec<PathBuf> = wanted
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flatten()
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_symlink()))
        .filter_map(|entry| entry.path().canonicalize().ok())
        .collect();
    wanted.extend(linked);
    // A file is bound back with its directory, but a file right in `dir` (nbe copied to
    // `/tmp/nbe`) alone: binding back `dir` itself would undo the cover.
    let wanted = wanted.into_iter().filter_map(|path| match path.parent() {
        _ if path.is_dir() => Some(path),
        Some(parent) if parent == dir => Some(path),
        parent => parent.map(Path::to_path_buf),
    });
    let keep = kept_under(&dir, wanted.chain(exact.iter().cloned()));
    // Opened, and told apart from files, before `dir` is covered: afterwards their paths lead into
    // the cover.
    let mut handles = Vec::new();
    for path in keep {
        let handle = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH)
            .open(&path)
            .map_err(failed(format!("failed to open {}", path.display())))?;
        let is_dir = path.is_dir();
        handles.push((path, handle, is_dir));
    }
    let cwd = std::env::current_dir().map_err(failed("failed to read the working directory".into()))?;
    match with {
        Cover::Bind(source) => bind(source, &dir)?,
        Cover::Tmpfs => mount(
            Some("tmpfs"),
            &dir,
            Some("tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
            Some("mode=0755,size=1m"),
        )
        .map_err(|e| {
            Error::io(
                format!("failed to cover {} in the run's mount namespace", dir.display()),
                e.into(),
            )
        })?,
    }
    for (path, handle, is_dir) in &handles {
        let created = if *is_dir {
            std::fs::create_dir_all(path)
        } else {
            // A bind mount needs a file to cover; the cover is empty.
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(failed(format!("failed to create {}", parent.display())))?;
            }
            std::fs::File::create(path).map(drop)
        };
        created.map_err(failed(format!("failed to create {}", path.display())))?;
        bind(Path::new(&format!("/proc/self/fd/{}", handle.as_raw_fd())), path)?;
    }
    // The working directory was resolved through what is now covered; resolve it again.
    std::env::set_current_dir(&cwd).map_err(failed(format!("failed to enter {}", cwd.display())))
}

/// Makes the whole host read-only in the run's mount namespace, but the `writable` dirs (a run's
/// own sandbox: work, home, tmp, the servers' store dirs; a step's copy, output and caches), the
/// private `/tmp` (the sandbox's `tmp/`), and a fresh `/dev/shm`. Done by the init itself with
/// `mount_setattr(2)` rather than by bubblewrap: one recursive call on `/` needs no binary on the
/// machine, and the init already owns the mount namespace. Device nodes (`/dev/null`, a terminal)
/// stay writable on a read-only mount.
fn read_only_host(writable: &[PathBuf], private_tmp: bool) -> Result<()> {
    let mut writable = writable
        .iter()
        .map(|dir| {
            dir.canonicalize()
                .map_err(failed(format!("failed to resolve {}", dir.display())))
        })
        .collect::<Result<Vec<_>>>()?;
    // Sorted, a directory is bound before what is inside it, so the inner bind stays visible.
    writable.sort();
    let cwd = std::env::current_dir().map_err(failed("failed to read the working directory".into()))?;
    // Each becomes a mount of its own, the only way to exempt it from what `/` gets.
    for dir in &writable {
        bind(dir, dir)?;
    }
    set_read_only(Path::new("/"), true, true)?;
    for dir in &writable {
        set_read_only(dir, false, true)?;
    }
    if private_tmp {
        // Not recursive: what was bound back under /tmp (tools, nbe) stays read-only.
        set_read_only(Path::new("/tmp"), false, false)?;
    }
    // The host's /dev/shm would be a way out (POSIX shared memory lands there); the run gets its own.
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        mount(
            Some("tmpfs"),
            shm,
            Some("tmpfs"),
            MsFlags::MS_NOSUID | MsFlags::MS_NODEV,
            Some("mode=1777"),
        )
        .map_err(|e| {
            Error::io(
                "failed to mount a tmpfs on /dev/shm in the run's mount namespace",
                e.into(),
            )
        })?;
    }
    std::env::set_current_dir(&cwd).map_err(failed(format!("failed to enter {}", cwd.display())))
}

/// Sets or clears the read-only flag of the mount at `path` (and, `recursive`, of every mount below).
fn set_read_only(path: &Path, read_only: bool, recursive: bool) -> Result<()> {
    let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|e| Error::io(format!("failed to name {}", path.display()), e.into()))?;
    // SAFETY: `mount_attr` is plain integers, for which all zeroes is a valid value.
    let mut attr: libc::mount_attr = unsafe { std::mem::zeroed() };
    if read_only {
        attr.attr_set = libc::MOUNT_ATTR_RDONLY;
    } else {
        attr.attr_clr = libc::MOUNT_ATTR_RDONLY;
    }
    let flags = if recursive { libc::AT_RECURSIVE } else { 0 };
    // SAFETY: the path is a valid C string and `attr` a zeroed `mount_attr` of the size passed;
    // mount_setattr(2) has no libc wrapper, hence the raw call.
    let result = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            c_path.as_ptr(),
            flags as libc::c_uint,
            &attr as *const libc::mount_attr,
            std::mem::size_of::<libc::mount_attr>(),
        )
    };
    if result < 0 {
        let what = if read_only { "read-only" } else { "writable" };
        return Err(Error::io(
            format!(
                "failed to make {} {what} in the run's mount namespace",
                path.display()
            ),
            std::io::Error::last_os_error(),
        ));
    }
    Ok(())
}

/// Binds `source` on `target` (recursively) in the run's mount namespace.
fn bind(source: &Path, target: &Path) -> Result<()> {
    mount(
        Some(source),
        target,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|e| {
        Error::io(
            format!(
                "failed to bind {} on {} in the run's mount namespace",
                source.display(),
                target.display()
            ),
            e.into(),
        )
    })
}

/// Turns an I/O error into nbe's, saying what the init was doing.
fn failed(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::io(what, e)
}

/// Of `paths`, those strictly under `tmp` that no other of them contains, in order.
fn kept_under(tmp: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = paths
        .into_iter()
        .filter(|path| path.starts_with(tmp) && path != tmp)
        .collect();
    // Sorted, a directory comes before everything inside it.
    paths.sort();
    let mut kept: Vec<PathBuf> = Vec::new();
    for path in paths {
        if !kept.iter().any(|outer| path.starts_with(outer)) {
            kept.push(path);
        }
    }
    kept
}

/// Brings up the loopback interface of the current network namespace.
fn loopback_up() -> std::io::Result<()> {
    // SAFETY: plain socket/ioctl calls on a zeroed `ifreq` whose name is set within bounds; the
    // socket is closed on every path.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        let mut result = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut request);
        if result == 0 {
            request.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            result = libc::ioctl(fd, libc::SIOCSIFFLAGS, &request);
        }
        let error = std::io::Error::last_os_error();
        libc::close(fd);
        if result < 0 { Err(error) } else { Ok(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_outermost_paths_under_tmp_are_bound_back() {
        let paths = [
            "/tmp/nbe-1/home",
            "/tmp/nbe-1",
            "/tmp",
            "/usr/bin",
            "/tmp/tools/bin",
            "/tmpfoo/bin",
        ]
        .map(PathBuf::from);
        assert_eq!(
            kept_under(Path::new("/tmp"), paths),
            [PathBuf::from("/tmp/nbe-1"), PathBuf::from("/tmp/tools/bin")]
        );
    }
}
