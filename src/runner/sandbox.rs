//! The sandbox a run happens in: a fresh temp dir with a copy of the client and a clean environment.
//!
//! A sandbox is removed when its run ends, but an nbe killed with SIGKILL cannot remove anything.
//! So each temp dir names its owner (pid, start time and PID namespace of the nbe that made it) in
//! an [`OWNER`] file, and the first sandbox an nbe creates sweeps away the temp dirs of owners that
//! no longer run. A live nbe's dirs, kept dirs (`--keep` removes the owner file) and dirs nbe did
//! not make (no owner file) are never touched.

use std::path::{Path, PathBuf};
use std::sync::Once;

use crate::error::{Error, Result};

/// Recording files live beside the program but are not part of it.
const NOT_COPIED: [&str; 2] = ["output.txt", "output.cast"];

/// The prefix of every sandbox's temp dir.
const PREFIX: &str = "nbe-";

/// The file in a sandbox's temp dir naming the nbe that owns it: `<pid> <start time> <pid namespace>`.
const OWNER: &str = ".nbe-owner";

/// A temp dir laid out as `work/` (the copy of the client, the working directory), `home/` and `tmp/`.
#[derive(Debug)]
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// Creates the temp dir and copies the client's files into `work/`.
    pub fn create(client_dir: &Path) -> Result<Self> {
        let sandbox = Self::empty()?;
        copy_tree(client_dir, &sandbox.work())?;
        Ok(sandbox)
    }

    /// Creates the temp dir with empty `work/`, `home/` and `tmp/`, marked as this nbe's.
    pub fn empty() -> Result<Self> {
        static SWEPT: Once = Once::new();
        SWEPT.call_once(|| sweep(&std::env::temp_dir()));
        let dir = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempdir()
            .map_err(|e| Error::io("failed to create a temp dir for the run", e))?;
        let sandbox = Self { dir };
        for sub in [sandbox.work(), sandbox.home(), sandbox.tmp()] {
            std::fs::create_dir_all(&sub)
                .map_err(|e| Error::io(format!("failed to create {}", sub.display()), e))?;
        }
        if let Some(owner) = Owner::this_process() {
            let path = sandbox.path().join(OWNER);
            std::fs::write(&path, owner.to_string())
                .map_err(|e| Error::io(format!("failed to write {}", path.display()), e))?;
        }
        Ok(sandbox)
    }

    /// The temp dir itself.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The working directory of the run.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `HOME` of the run.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `TMPDIR` of the run.
    pub fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    /// Where the server fixture keeps its store dirs and logs.
    pub fn server_dir(&self) -> PathBuf {
        self.dir.path().join("server")
    }

    /// Copies the files of `defaults` into `work/` where the client has no file of that name:
    /// a kind's defaults folder under a client that normally holds only its program.
    pub fn lay_under(&self, defaults: &Path) -> Result<()> {
        let work = self.work();
        for entry in walkdir::WalkDir::new(defaults).min_depth(1).sort_by_file_name() {
            let entry =
                entry.map_err(|e| Error::io(format!("failed to read {}", defaults.display()), e.into()))?;
            let target = work.join(entry.path().strip_prefix(defaults).unwrap_or(entry.path()));
            let result = if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target)
            } else if target.exists() {
                Ok(())
            } else {
                std::fs::copy(entry.path(), &target).map(drop)
            };
            result.map_err(|e| {
                Error::io(
                    format!("failed to copy {} into the sandbox", entry.path().display()),
                    e,
                )
            })?;
        }
        Ok(())
    }

    /// Keeps the temp dir on disk and returns its path; no later nbe sweeps it away.
    pub fn keep(self) -> PathBuf {
        let _ = std::fs::remove_file(self.path().join(OWNER));
        self.dir.keep()
    }

    /// The clean environment of a run: nothing inherited but what examples need to find programs.
    ///
    /// `NATS_*`, `NSC_*` and the caller's `XDG_CONFIG_HOME` are never passed on, and
    /// `XDG_CONFIG_HOME` points into the sandbox (natscli looks for its contexts there, not under
    /// `HOME`), so a developer's own contexts and credentials cannot change what an example prints
    /// and an example's contexts never land in the developer's home.
    ///
    /// `path_prefix` goes first on `PATH`: the tools' directories ([`super::Tools::path_prefix`]).
    pub fn environment(&self, path_prefix: &str, run_id: &str) -> Vec<(String, String)> {
        let inherited_path =
            std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_string());
        let path = format!("{path_prefix}:{inherited_path}");
        let mut env = vec![
            ("PATH".to_string(), path),
            ("HOME".to_string(), self.home().display().to_string()),
            ("TMPDIR".to_string(), self.tmp().display().to_string()),
            (
                "XDG_CONFIG_HOME".to_string(),
                self.home().join(".config").display().to_string(),
            ),
            ("LANG".to_string(), "C.UTF-8".to_string()),
            ("LC_ALL".to_string(), "C.UTF-8".to_string()),
            ("TZ".to_string(), "UTC".to_string()),
            ("TERM".to_string(), "dumb".to_string()),
            ("NO_COLOR".to_string(), "1".to_string()),
            ("SHELL".to_string(), "/bin/bash".to_string()),
            (super::reaper::RUN_ID_VAR.to_string(), run_id.to_string()),
        ];
        for name in [
            "USER",
            "LOGNAME",
            "GOPATH",
            "GOMODCACHE",
            "GOCACHE",
            "GOPROXY",
            "GOFLAGS",
            "CARGO_HOME",
            "RUSTUP_HOME",
        ] {
            if let Ok(value) = std::env::var(name) {
                env.push((name.to_string(), value));
            }
        }
        env
    }
}

/// The nbe process that owns a sandbox, named so that a later nbe can tell whether it still runs.
#[derive(Debug, PartialEq, Eq)]
struct Owner {
    pid: i32,
    /// Start time in clock ticks since boot: a pid reused by another process starts later.
    start: u64,
    /// The PID namespace the pid belongs to, like `pid:[4026531836]`; pids of others mean nothing here.
    namespace: String,
}

impl Owner {
    fn this_process() -> Option<Self> {
        let pid = std::process::id() as i32;
        Some(Self {
            pid,
            start: super::reaper::read_proc(pid)?.start,
            namespace: pid_namespace()?,
        })
    }

    fn parse(text: &str) -> Option<Self> {
        let mut fields = text.split_whitespace();
        let owner = Self {
            pid: fields.next()?.parse().ok()?,
            start: fields.next()?.parse().ok()?,
            namespace: fields.next()?.to_string(),
        };
        fields.next().is_none().then_some(owner)
    }

    /// True when this nbe is gone for sure: same PID namespace, and no process with its pid and start.
    fn is_gone(&self, namespace: &str) -> bool {
        self.namespace == namespace
            && super::reaper::read_proc(self.pid).is_none_or(|p| p.start != self.start || p.zombie)
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} {} {}", self.pid, self.start, self.namespace)
    }
}

fn pid_namespace() -> Option<String> {
    let link = std::fs::read_link("/proc/self/ns/pid").ok()?;
    Some(link.to_string_lossy().into_owned())
}

/// Removes the sandboxes in `temp` whose owning nbe is gone; what cannot be removed stays.
fn sweep(temp: &Path) {
    let (Some(namespace), Ok(entries)) = (pid_namespace(), std::fs::read_dir(temp)) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let dir = entry.path();
        let owner = std::fs::read_to_string(dir.join(OWNER))
            .ok()
            .and_then(|text| Owner::parse(&text));
        if owner.is_some_and(|owner| owner.is_gone(&namespace)) {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Copies the files of `from` into `to`, keeping relative paths and modes.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", from.display()), e.into()))?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        if entry.depth() == 1 && NOT_COPIED.iter().any(|name| relative == Path::new(name)) {
            continue;
        }
        let target = to.join(relative);
        let result = if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
        } else {
            std::fs::copy(entry.path(), &target).map(drop)
        };
        result.map_err(|e| {
            Error::io(
                format!("failed to copy {} into the sandbox", entry.path().display()),
                e,
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_the_program_but_not_its_recordings() {
        let client = tempfile::tempdir().unwrap();
        std::fs::write(client.path().join("main.sh"), "echo hi\n").unwrap();
        std::fs::write(client.path().join("output.txt"), "old\n").unwrap();
        std::fs::create_dir(client.path().join("conf")).unwrap();
        std::fs::write(client.path().join("conf/a.conf"), "port: 1\n").unwrap();
        let sandbox = Sandbox::create(client.path()).unwrap();
        assert!(sandbox.work().join("main.sh").is_file());
        assert!(sandbox.work().join("conf/a.conf").is_file());
        assert!(!sandbox.work().join("output.txt").exists());
        let path = sandbox.path().to_path_buf();
        drop(sandbox);
        assert!(!path.exists(), "the temp dir is removed with the sandbox");
    }

    #[test]
    fn a_sweep_removes_only_sandboxes_of_nbes_that_are_gone() {
        let temp = tempfile::tempdir().unwrap();
        let me = Owner::this_process().unwrap();
        let gone = Owner {
            start: me.start + 1,
            ..Owner::this_process().unwrap()
        };
        let elsewhere = Owner {
            start: me.start + 1,
            namespace: "pid:[1]".into(),
            ..Owner::this_process().unwrap()
        };
        for (name, owner) in [
            ("nbe-live", Some(me)),
            ("nbe-gone", Some(gone)),
            ("nbe-other-namespace", Some(elsewhere)),
            ("nbe-kept", None),
        ] {
            let dir = temp.path().join(name);
            std::fs::create_dir_all(dir.join("work")).unwrap();
            if let Some(owner) = owner {
                std::fs::write(dir.join(OWNER), owner.to_string()).unwrap();
            }
        }
        sweep(temp.path());
        let mut left: Vec<String> = std::fs::read_dir(temp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["nbe-kept", "nbe-live", "nbe-other-namespace"]);
        assert_eq!(
            Owner::parse(&Owner::this_process().unwrap().to_string()),
            Owner::this_process()
        );
    }

    #[test]
    fn defaults_go_under_the_clients_own_files() {
        let client = tempfile::tempdir().unwrap();
        let defaults = tempfile::tempdir().unwrap();
        std::fs::write(client.path().join("Cargo.toml"), "mine\n").unwrap();
        std::fs::write(defaults.path().join("Cargo.toml"), "default\n").unwrap();
        std::fs::write(defaults.path().join("Cargo.lock"), "lock\n").unwrap();
        let sandbox = Sandbox::create(client.path()).unwrap();
        sandbox.lay_under(defaults.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(sandbox.work().join("Cargo.toml")).unwrap(),
            "mine\n"
        );
        assert_eq!(
            std::fs::read_to_string(sandbox.work().join("Cargo.lock")).unwrap(),
            "lock\n"
        );
    }

    #[test]
    fn the_environment_is_clean() {
        let client = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::create(client.path()).unwrap();
        let env = sandbox.environment("/tools", "run-1");
        assert!(
            env.iter()
                .all(|(name, _)| !name.starts_with("NATS_") && !name.starts_with("NSC_"))
        );
        let xdg = &env.iter().find(|(n, _)| n == "XDG_CONFIG_HOME").unwrap().1;
        assert!(xdg.starts_with(&sandbox.path().display().to_string()));
        let path = &env.iter().find(|(n, _)| n == "PATH").unwrap().1;
        assert!(path.starts_with("/tools:"));
        let home = &env.iter().find(|(n, _)| n == "HOME").unwrap().1;
        assert!(home.starts_with(&sandbox.path().display().to_string()));
    }
}
