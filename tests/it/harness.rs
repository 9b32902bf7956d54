//! The fluent harness: throwaway repositories, the real nbe binary, and process-leak checks.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// The project's own tools, installed by `make tools`.
pub fn tools_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin");
    assert!(
        dir.join("nats-server").is_file() && dir.join("nats").is_file(),
        "the real nats-server and nats are needed in {}: run `make tools` first",
        dir.display()
    );
    dir
}

/// A throwaway examples repository.
pub struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// An empty repository with an `examples/` directory.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("nbe-it-").tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("examples")).unwrap();
        Self { dir }
    }

    /// The repository root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file relative to the root.
    pub fn file(self, relative: &str, content: &str) -> Self {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// Writes `examples/<path>/cli/main.sh`.
    pub fn script(self, example: &str, body: &str) -> Self {
        self.file(&format!("examples/{example}/cli/main.sh"), body)
    }

    /// An `nbe` command rooted here, with the project's tools.
    pub fn nbe(&self) -> Nbe {
        nbe_in(self.path())
    }
}

/// An `nbe` command rooted at `root`, with the project's tools and none of the caller's settings.
pub fn nbe_in(root: &Path) -> Nbe {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("nbe"));
    command
        .arg("--root")
        .arg(root)
        .arg("--tools-dir")
        .arg(tools_dir());
    for name in ["CI", "NBE_ROOT", "NBE_TOOLS_DIR", "NBE_ISOLATION", "NBE_UPDATE"] {
        command.env_remove(name);
    }
    Nbe { command }
}

/// An `nbe` invocation being built.
pub struct Nbe {
    command: std::process::Command,
}

impl Nbe {
    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Self {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    /// Starts without waiting, stdout piped, so a test can act while it runs.
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Runs to completion.
    pub fn run(mut self) -> Outcome {
        let started = Instant::now();
        let output = self.command.stdin(Stdio::null()).output().unwrap();
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }
}

/// What an nbe invocation did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl Outcome {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Command lines of live processes containing `marker` (zombies excluded).
pub fn processes_with(marker: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z'))
        });
        if cmdline.contains(marker) && !zombie && pid != std::process::id() {
            found.push(format!("{pid}: {cmdline}"));
        }
    }
    found
}

/// A marker unique to this test process and call, for finding processes a test started.
pub fn marker(name: &str) -> String {
    format!("nbe-it-{name}-{}", std::process::id())
}
