//! Hermetic runs: each run in its own network, PID and mount namespaces.
//!
//! Examples hard-code ports (4222, 6222, 8222...). In a network namespace of its own a run has a
//! private loopback, so two runs, or a server the user already has on 4222, never collide; in a
//! PID namespace of its own every process of the run dies with it; in a mount namespace of its own
//! it has a private `/tmp`, so fixed paths neither collide nor litter the host, and the rest of
//! the host is read-only, the caller's `HOME` out of sight (a contributed example can change
//! nothing outside its run, nor publish a secret of the machine). nbe uses util-linux
//! `unshare` (as root directly, otherwise through a user namespace where the kernel allows one);
//! the run's init (see [`super::init`]) brings the new loopback up and binds the private `/tmp`
//! from inside, so no `ip` or `mount` binary is needed. Where namespaces do not work, runs fall
//! back to the host network, one at a time, after a pre-flight check that the example's ports are
//! free.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nix::sys::signal::Signal;
use regex::Regex;

use super::{Sandbox, init};
use crate::error::{Error, Result};

/// What the user asked for with `--isolation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Request {
    /// Namespaces when this machine supports them, else `none`.
    #[default]
    Auto,
    /// Namespaces, or an error saying why they are not available.
    Namespace,
    /// The host network, one run at a time, after a port check.
    None,
}

/// How runs are actually isolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Private network, PID and mount namespaces through `unshare`; `user` adds a user namespace (non-root).
    Namespace {
        /// The `unshare` binary.
        unshare: PathBuf,
        /// Whether a user namespace is needed (nbe is not root).
        user: bool,
    },
    /// The host network and PID space.
    None,
}

impl Mode {
    /// True when runs may go in parallel without colliding.
    pub fn parallel_safe(&self) -> bool {
        matches!(self, Self::Namespace { .. })
    }

    /// True when each run gets a `/tmp` of its own.
    pub fn private_tmp(&self) -> bool {
        matches!(self, Self::Namespace { .. })
    }

    /// The command that runs `command` under this isolation, in the sandbox at `sandbox`.
    ///
    /// `nbe` is nbe's own executable: its hidden [`init::SUBCOMMAND`] is the run's init, which sets
    /// up the namespaces from inside and runs the command as its child.
    pub fn wrap(&self, nbe: &Path, sandbox: &Path, command: &[&str]) -> Vec<String> {
        let sandbox = sandbox.display().to_string();
        let setup = [
            "--loopback".into(),
            "--private-tmp".into(),
            sandbox.clone(),
            "--read-only".into(),
            "--writable".into(),
            sandbox,
        ];
        self.wrapped(nbe, true, &setup, command)
    }

    /// The command that runs a prepare or build step's `command` contained: in PID and mount
    /// namespaces of its own, the host read-only but `writable` (its copy, output and the kind's
    /// caches), a private `/tmp` from `sandbox`, without network unless `network`, and the
    /// caller's `HOME` out of sight but the `keep` files under it, bound back read-only. Without namespaces nothing is contained, and the step runs under the init alone.
    pub fn wrap_step(
        &self,
        nbe: &Path,
        sandbox: &Path,
        writable: &[PathBuf],
        network: bool,
        keep: &[PathBuf],
        command: &[&str],
    ) -> Vec<String> {
        let mut setup = vec![
            "--private-tmp".into(),
            sandbox.display().to_string(),
            "--read-only".into(),
        ];
        for dir in writable {
            setup.extend(["--writable".into(), dir.display().to_string()]);
        }
        for path in keep {
            setup.extend(["--keep".into(), path.display().to_string()]);
        }
        self.wrapped(nbe, !network, &setup, command)
    }

    /// `command` under the init, and under `unshare` with namespaces: a network namespace of its
    /// own with `own_network`, the init's `setup` flags, and `--hide HOME`.
    fn wrapped(&self, nbe: &Path, own_network: bool, setup: &[String], command: &[&str]) -> Vec<String> {
        let mut wrapped: Vec<String> = Vec::new();
        let nbe = nbe.display().to_string();
        match self {
            Self::None => wrapped.extend([nbe, init::SUBCOMMAND.into()]),
            Self::Namespace { unshare, user } => {
                wrapped.push(unshare.display().to_string());
                if *user {
                    wrapped.extend(["--user".into(), "--map-root-user".into()]);
                }
                if own_network {
                    wrapped.push("--net".into());
                }
                // `--kill-child`: the init dies with `unshare`, and the namespace with the init.
                for flag in [
                    "--pid",
                    "--mount",
                    "--propagation",
                    "private",
                    "--fork",
                    "--kill-child",
                    "--mount-proc",
                    "--",
                ] {
                    wrapped.push(flag.to_string());
                }
                wrapped.extend([nbe, init::SUBCOMMAND.into()]);
                wrapped.extend(setup.iter().cloned());
                // The caller's HOME, read before the run's environment replaces it.
                if let Some(home) = std::env::var_os("HOME")
                    .filter(|home| Path::new(home).is_absolute() && Path::new(home) != Path::new("/"))
                {
                    wrapped.extend(["--hide".into(), Path::new(&home).display().to_string()]);
                }
            }
        }
        wrapped.push("--".into());
        wrapped.extend(command.iter().map(|s| s.to_string()));
        wrapped
    }

    /// The signal the kernel sends the run's main process when nbe dies: `unshare` can only be
    /// killed (its `--kill-child` ends the rest); nbe's init outside namespaces ends the run itself.
    pub fn parent_death_signal(&self) -> Signal {
        match self {
            Self::Namespace { .. } => Signal::SIGKILL,
            Self::None => Signal::SIGTERM,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Namespace { user: false, .. } => {
                f.write_str("namespace (network, PID and mount namespaces, as root)")
            }
            Self::Namespace { user: true, .. } => {
                f.write_str("namespace (network, PID and mount namespaces in a user namespace)")
            }
            Self::None => f.write_str("none (host network, runs one at a time after a port check)"),
        }
    }
}

/// Resolves `request` against what this machine supports; probing happens once per process, and
/// not at all when no namespaces are asked for.
pub fn resolve(request: Request) -> Result<Mode> {
    static PROBED: OnceLock<std::result::Result<Mode, ProbeFailed>> = OnceLock::new();
    let probed = || PROBED.get_or_init(probe);
    match request {
        Request::None => Ok(Mode::None),
        Request::Auto => Ok(probed().clone().unwrap_or(Mode::None)),
        Request::Namespace => probed().clone().map_err(|why| {
            Error::Usage(format!(
                "--isolation namespace is not available here: {why}; use --isolation none (serial runs on the host network)"
            ))
        }),
    }
}

/// Why namespaces are not available: kept once per process, hence `Clone` and owned messages.
#[derive(Debug, Clone, thiserror::Error)]
enum ProbeFailed {
    #[error("util-linux `unshare` is not on PATH")]
    NoUnshare,
    #[error("cannot locate nbe itself: {0}")]
    NoExe(String),
    #[error("{0}")]
    NoSandbox(String),
    #[error("unshare failed ({0})")]
    Unshare(String),
}

/// Finds out whether namespaces work by starting a trivial program in them, with everything a run
/// sets up (loopback, private `/tmp`).
fn probe() -> std::result::Result<Mode, ProbeFailed> {
    let unshare = super::tools::search_path("unshare").ok_or(ProbeFailed::NoUnshare)?;
    let nbe = std::env::current_exe().map_err(|e| ProbeFailed::NoExe(e.to_string()))?;
    let sandbox = Sandbox::empty().map_err(|e| ProbeFailed::NoSandbox(e.to_string()))?;
    let root = nix::unistd::Uid::effective().is_root();
    let mut last_error = String::new();
    for user in if root { vec![false, true] } else { vec![true] } {
        let mode = Mode::Namespace {
            unshare: unshare.clone(),
            user,
        };
        let command = mode.wrap(&nbe, sandbox.path(), &["true"]);
        let _spawning = super::reaper::spawning();
        let result = duct::cmd(&command[0], &command[1..])
            .dir(sandbox.work())
            .stdin_null()
            .stdout_null()
            .stderr_capture()
            .unchecked()
            .run();
        match result {
            Ok(output) if output.status.success() => return Ok(mode),
            Ok(output) => last_error = String::from_utf8_lossy(&output.stderr).trim().to_string(),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(ProbeFailed::Unshare(last_error))
}

/// Ports a client's files mention in server configurations and URLs.
pub fn mentioned_ports(client_dir: &Path) -> BTreeSet<u16> {
    static PORT: OnceLock<Regex> = OnceLock::new();
    let port = PORT.get_or_init(|| {
        Regex::new(r"(?i)(?:port\s*[:=]?\s*|(?:^|\s)(?:-p|--port)[\s=]+|(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]):)(\d{2,5})\b")
            .expect("the port pattern is valid")
    });
    let mut ports = BTreeSet::new();
    for entry in walkdir::WalkDir::new(client_dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        ports.extend(
            port.captures_iter(&text)
                .filter_map(|c| c[1].parse::<u16>().ok())
                .filter(|p| *p >= 1024),
        );
    }
    ports
}

/// Fails when one of `ports` is already listening on the host, naming the port and its owner.
pub fn preflight(label: &str, ports: &BTreeSet<u16>) -> Result<()> {
    let listening = listening_sockets();
    for port in ports {
        if let Some((_, inode)) = listening.iter().find(|(p, _)| p == port) {
            let owner = owner_of(*inode).unwrap_or_else(|| "an unknown process".to_string());
            return Err(Error::PortInUse {
                label: label.to_string(),
                port: *port,
                owner,
            });
        }
    }
    Ok(())
}

/// (port, socket inode) of every listening TCP socket on the host.
fn listening_sockets() -> Vec<(u16, u64)> {
    let mut sockets = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // Field 3 is the state; 0A is LISTEN. Field 1 is address:port in hex, field 9 the inode.
            if fields.len() > 9 && fields[3] == "0A" {
                let port = fields[1]
                    .rsplit(':')
                    .next()
                    .and_then(|p| u16::from_str_radix(p, 16).ok());
                if let (Some(port), Ok(inode)) = (port, fields[9].parse()) {
                    sockets.push((port, inode));
                }
            }
        }
    }
    sockets
}

/// "nats-server (pid 123)" for the process holding socket `inode`.
fn owner_of(inode: u64) -> Option<String> {
    let target = format!("socket:[{inode}]");
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if pid.parse::<u32>().is_err() {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if std::fs::read_link(fd.path()).is_ok_and(|link| link.as_os_str() == target.as_str()) {
                let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
                return Some(format!("{} (pid {pid})", name.trim()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ports_in_configs_flags_and_urls() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.sh"),
            "port: 4222\nhttp_port: 8222\nnats-server -p 4333 &\ncurl http://localhost:8223/healthz\nnats://127.0.0.1:7222\necho 12 items\n",
        )
        .unwrap();
        let ports: Vec<u16> = mentioned_ports(dir.path()).into_iter().collect();
        assert_eq!(ports, vec![4222, 4333, 7222, 8222, 8223]);
    }

    #[test]
    fn a_busy_port_is_named_with_its_owner() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let err = preflight("a/b/cli", &BTreeSet::from([port]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&format!("uses port {port}, which ")), "{err}");
        assert!(err.contains(&format!("(pid {})", std::process::id())), "{err}");
        drop(listener);
        preflight("a/b/cli", &BTreeSet::from([port])).unwrap();
    }

    #[test]
    fn wrapping_adds_unshare_and_the_init() {
        let mode = Mode::Namespace {
            unshare: "/usr/bin/unshare".into(),
            user: false,
        };
        let sandbox = Path::new("/tmp/nbe-1");
        let wrapped = mode.wrap(Path::new("/bin/nbe"), sandbox, &["bash", "main.sh"]);
        assert_eq!(wrapped[0], "/usr/bin/unshare");
        for flag in ["--net", "--pid", "--mount", "--kill-child"] {
            assert!(wrapped.contains(&flag.to_string()), "{flag}: {wrapped:?}");
        }
        let init = wrapped.iter().position(|arg| arg == "/bin/nbe").unwrap();
        assert_eq!(
            &wrapped[init..init + 8],
            [
                "/bin/nbe",
                init::SUBCOMMAND,
                "--loopback",
                "--private-tmp",
                "/tmp/nbe-1",
                "--read-only",
                "--writable",
                "/tmp/nbe-1",
            ]
        );
        assert_eq!(&wrapped[wrapped.len() - 3..], ["--", "bash", "main.sh"]);
        assert_eq!(
            Mode::None.wrap(Path::new("/bin/nbe"), sandbox, &["bash", "main.sh"]),
            ["/bin/nbe", init::SUBCOMMAND, "--", "bash", "main.sh"]
        );
    }
}
