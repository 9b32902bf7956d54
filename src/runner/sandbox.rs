//! The sandbox a run happens in: a fresh temp dir with a copy of the client and a clean environment.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Recording files live beside the program but are not part of it.
const NOT_COPIED: [&str; 2] = ["output.txt", "output.cast"];

/// A temp dir laid out as `work/` (the copy of the client, the working directory), `home/` and `tmp/`.
#[derive(Debug)]
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// Creates the temp dir and copies the client's files into `work/`.
    pub fn create(client_dir: &Path) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("nbe-")
            .tempdir()
            .map_err(|e| Error::io("failed to create a temp dir for the run", e))?;
        let sandbox = Self { dir };
        for sub in [sandbox.work(), sandbox.home(), sandbox.tmp()] {
            std::fs::create_dir_all(&sub)
                .map_err(|e| Error::io(format!("failed to create {}", sub.display()), e))?;
        }
        copy_tree(client_dir, &sandbox.work())?;
        Ok(sandbox)
    }

    /// The temp dir itself.
    #[cfg(test)]
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

    /// Keeps the temp dir on disk and returns its path.
    pub fn keep(self) -> PathBuf {
        self.dir.keep()
    }

    /// The clean environment of a run: nothing inherited but what examples need to find programs.
    ///
    /// `NATS_*`, `NSC_*` and the caller's `XDG_CONFIG_HOME` are never passed on, and
    /// `XDG_CONFIG_HOME` points into the sandbox (natscli looks for its contexts there, not under
    /// `HOME`), so a developer's own contexts and credentials cannot change what an example prints
    /// and an example's contexts never land in the developer's home.
    pub fn environment(&self, tools_dir: &Path, run_id: &str) -> Vec<(String, String)> {
        let inherited_path =
            std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".to_string());
        let path = format!("{}:{inherited_path}", tools_dir.display());
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
        let env = sandbox.environment(Path::new("/tools"), "run-1");
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
