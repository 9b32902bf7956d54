//! The one fluent harness every module uses: throwaway repositories, the real nbe binary (run to
//! completion or left running), assertions on what it did, and process-leak checks.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// This project's own root: its catalog, test fixtures and tools.
pub fn project_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real tools: `$NBE_TOOLS_DIR` (as `make test` sets it), else those `make tools` installs.
pub fn tools_dir() -> PathBuf {
    let dir = std::env::var_os("NBE_TOOLS_DIR")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| project_root().join(".tools/bin"), PathBuf::from);
    assert!(
        dir.join("nats-server").is_file() && dir.join("nats").is_file(),
        "the real nats-server and nats are needed in {}: run `make tools` first",
        dir.display()
    );
    dir
}

/// A throwaway examples repository, removed when dropped.
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

    /// An empty repository in `/var/tmp`, where a namespaced run's private `/tmp` does not hide
    /// it: for tests of what a run can reach of the repository.
    pub fn outside_tmp() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("nbe-it-")
            .tempdir_in("/var/tmp")
            .unwrap();
        std::fs::create_dir_all(dir.path().join("examples")).unwrap();
        Self { dir }
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path relative to the root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes (or overwrites) a file relative to the root, creating its directories.
    pub fn write(&self, relative: &str, content: &str) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    /// Writes `examples/<example>/cli/main.sh`, the cli client of `category/example`.
    pub fn script(&self, example: &str, body: &str) -> &Self {
        self.write(&format!("examples/{example}/cli/main.sh"), body)
    }

    /// Makes `relative` a symbolic link whose target reads `target` (absolute, or relative to the
    /// link's directory), creating the link's directories.
    pub fn symlink(&self, relative: &str, target: impl AsRef<Path>) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        std::os::unix::fs::symlink(target, path).unwrap();
        self
    }

    /// The permission bits (`0o644`...) of a file or directory relative to the root.
    #[track_caller]
    pub fn mode(&self, relative: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let metadata = std::fs::metadata(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
        metadata.permissions().mode() & 0o7777
    }

    /// The text of a file relative to the root.
    #[track_caller]
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// Whether a file or directory exists relative to the root.
    pub fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    /// An `nbe` command with `args`, rooted here.
    pub fn nbe<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(&self, args: I) -> Nbe {
        nbe_in(self.root()).args(args)
    }
}

/// An `nbe` command rooted (and run) at `root`, with the project's tools and none of the caller's
/// settings.
pub fn nbe_in(root: &Path) -> Nbe {
    let mut nbe = bare_nbe_in(root);
    nbe.command.arg("--tools-dir").arg(tools_dir());
    nbe
}

/// Like [`nbe_in`], but nbe finds the tools by itself (its documented lookup order).
pub fn bare_nbe_in(root: &Path) -> Nbe {
    nbe_outside_a_repo(root).args([OsStr::new("--root"), root.as_os_str()])
}

/// An `nbe` command run in `dir` with no `--root` (so nbe looks for one itself), finding the
/// tools by itself, with none of the caller's settings.
pub fn nbe_outside_a_repo(dir: &Path) -> Nbe {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nbe"));
    command.current_dir(dir);
    for name in [
        "CI",
        "NBE_ROOT",
        "NBE_TOOLS_DIR",
        "NBE_ISOLATION",
        "NBE_UPDATE",
        "NO_COLOR",
    ] {
        command.env_remove(name);
    }
    Nbe { command, input: None }
}

/// An `nbe` invocation being built.
pub struct Nbe {
    command: Command,
    input: Option<String>,
}

impl Nbe {
    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Self {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.command.env(name, value);
        self
    }

    /// Runs nbe with the file mode creation mask `mask` (like `umask 022` in its shell).
    pub fn umask(mut self, mask: u32) -> Self {
        use std::os::unix::process::CommandExt;
        let mask = nix::sys::stat::Mode::from_bits_truncate(mask);
        // SAFETY: umask(2) is async-signal-safe, and the closure neither allocates nor locks.
        unsafe {
            self.command.pre_exec(move || {
                nix::sys::stat::umask(mask);
                Ok(())
            });
        }
        self
    }

    /// Runs nbe with at most `seconds` of CPU time (the kernel ends it with SIGXCPU after), so
    /// input that would keep nbe working without end fails the test instead of hanging it.
    pub fn cpu_limit(mut self, seconds: u64) -> Self {
        use std::os::unix::process::CommandExt;
        let limit = libc::rlimit {
            rlim_cur: seconds,
            rlim_max: seconds + 1,
        };
        // SAFETY: setrlimit(2) is async-signal-safe, and the closure neither allocates nor locks.
        unsafe {
            self.command.pre_exec(move || {
                if libc::setrlimit(libc::RLIMIT_CPU, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
        self
    }

    /// Runs nbe as the unprivileged user `nobody` (the test must run as root to switch).
    pub fn by_nobody(self, programs: &Path) -> Self {
        // The checkout may sit where nobody cannot reach it, so nbe and the tools run from
        // `programs`, a copy in a directory everyone can read (see [`programs_for_nobody`]).
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(programs.join("nbe"));
        let mut args = self.command.get_args().peekable();
        while let Some(arg) = args.next() {
            command.arg(arg);
            if arg == "--tools-dir" {
                args.next();
                command.arg(programs);
            }
        }
        command.env("HOME", "/tmp");
        self.replaced_by(command)
    }

    /// Runs the copy of nbe in `programs` (see [`programs_for_nobody`]) instead of cargo's, with the
    /// same arguments and environment: an nbe that lives somewhere else, such as under `/tmp`.
    pub fn run_copy_in(self, programs: &Path) -> Self {
        self.run_copy_at(&programs.join("nbe"))
    }

    /// Runs the nbe executable at `exe` instead of cargo's, with the same arguments and environment.
    pub fn run_copy_at(self, exe: &Path) -> Self {
        let mut command = Command::new(exe);
        command.args(self.command.get_args());
        self.replaced_by(command)
    }

    /// This invocation with `command` in place of its own, which gets the same environment
    /// changes and working directory.
    fn replaced_by(self, mut command: Command) -> Self {
        for (name, value) in self.command.get_envs() {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        if let Some(dir) = self.command.get_current_dir() {
            command.current_dir(dir);
        }
        Self {
            command,
            input: self.input,
        }
    }

    /// Gives `input` on stdin (instead of nothing), as a user typing answers would.
    pub fn stdin(mut self, input: &str) -> Self {
        self.input = Some(input.to_string());
        self
    }

    /// Starts without waiting, so a test can act while it runs.
    pub fn spawn(mut self) -> Running {
        let stdin = if self.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        let started = Instant::now();
        let mut child = self
            .command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = self.input {
            // Dropping the pipe ends the input. A child that exits without reading it shows that
            // in its outcome, so a failed write is no error here.
            let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        }
        // Read stderr on its own thread, so a chatty child never blocks on a full pipe.
        let mut stderr = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            stderr.read_to_end(&mut bytes).unwrap();
            bytes
        });
        Running {
            stdout: Some(BufReader::new(child.stdout.take().unwrap())),
            child: KillOnDrop(child),
            stderr: Some(stderr),
            started,
        }
    }

    /// Runs to completion, through assert_cmd (which feeds stdin and drains both pipes at once).
    pub fn run(self) -> Outcome {
        let started = Instant::now();
        let mut command = assert_cmd::Command::from_std(self.command);
        command.write_stdin(self.input.unwrap_or_default());
        let output = command.output().unwrap();
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
        }
    }
}

/// A child process that is killed (and reaped) when dropped, so a failing test leaves nothing running.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An `nbe` that is running: stdout is read on demand, stderr is collected as it comes.
pub struct Running {
    child: KillOnDrop,
    /// `None` once the test closed its end, as a reader that goes away (`| head -1`) does.
    stdout: Option<BufReader<ChildStdout>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
    started: Instant,
}

impl Running {
    /// Reads the next line of stdout, with its newline.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        let stdout = self.stdout.as_mut().expect("stdout was closed");
        stdout.read_line(&mut line).unwrap();
        line
    }

    /// Closes the read end of nbe's stdout, as `| head -1` does once it has its line: nbe's next
    /// write to it fails with a broken pipe.
    pub fn close_stdout(&mut self) {
        self.stdout = None;
    }

    /// The process id of this nbe.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Sends SIGINT, as Ctrl-C in a terminal does.
    pub fn interrupt(&self) {
        self.signal(nix::sys::signal::Signal::SIGINT);
    }

    /// Sends `signal` to nbe alone (not to its process group).
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid() as i32), signal).unwrap();
    }

    /// Sends SIGINT and asserts what an interrupted nbe promises: exit 130, no process carrying
    /// `marker` left, and nothing left in `tmp` (the `TMPDIR` nbe was started with).
    pub fn interrupt_and_expect_nothing_left(self, marker: &str, tmp: &Path) {
        self.interrupt();
        self.wait().code(130).stderr_has("interrupted");
        assert_eq!(processes_with(marker), Vec::<String>::new());
        let left: Vec<_> = std::fs::read_dir(tmp).unwrap().collect();
        assert!(left.is_empty(), "temp dirs left: {left:?}");
    }

    /// Waits for the end; the outcome's stdout is what [`Running::line`] had not read.
    pub fn wait(mut self) -> Outcome {
        let mut stdout = Vec::new();
        if let Some(reader) = self.stdout.as_mut() {
            reader.read_to_end(&mut stdout).unwrap();
        }
        let status = self.child.0.wait().unwrap();
        let stderr = self.stderr.take().unwrap().join().unwrap();
        Outcome {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
            elapsed: self.started.elapsed(),
        }
    }
}

/// What an nbe invocation did.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code (-1 when ended by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl Outcome {
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(self.code, expected, "unexpected exit code{}", self.shown());
        self
    }

    /// Asserts that stdout contains `text`.
    #[track_caller]
    pub fn stdout_has(self, text: &str) -> Self {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}{}",
            self.shown()
        );
        self
    }

    /// Asserts that stdout does not contain `text`.
    #[track_caller]
    pub fn stdout_lacks(self, text: &str) -> Self {
        assert!(!self.stdout.contains(text), "stdout has {text:?}{}", self.shown());
        self
    }

    /// Asserts that stderr contains `text`.
    #[track_caller]
    pub fn stderr_has(self, text: &str) -> Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}{}",
            self.shown()
        );
        self
    }

    /// Asserts that stderr does not contain `text`.
    #[track_caller]
    pub fn stderr_lacks(self, text: &str) -> Self {
        assert!(!self.stderr.contains(text), "stderr has {text:?}{}", self.shown());
        self
    }

    /// Asserts the last line of stdout: the summary of `test`, `record`, `check` and `review`.
    #[track_caller]
    pub fn summary(self, expected: &str) -> Self {
        let last = self.stdout.lines().last().unwrap_or_default();
        assert_eq!(last, expected, "unexpected summary{}", self.shown());
        self
    }

    /// Stdout with what varies between runs masked, for snapshots: durations, hashes and the
    /// repository's path.
    pub fn masked(&self, repo: &Repo) -> String {
        let durations = regex::Regex::new(r"\[\d+\.\d+s\]").unwrap();
        let hashes = regex::Regex::new(r"sha256:[0-9a-f]{64}").unwrap();
        let text = self.stdout.replace(&repo.root().display().to_string(), "[REPO]");
        let text = durations.replace_all(&text, "[TIME]");
        hashes.replace_all(&text, "sha256:[HASH]").into_owned()
    }

    /// Both streams, to show when an assertion fails.
    fn shown(&self) -> String {
        format!("\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

/// A line of bash that waits until a nats-server answers on `port` (no fixed sleeps), for example
/// scripts.
pub fn wait_for(port: u16) -> String {
    format!(
        "for _ in $(seq 100); do nats --server nats://127.0.0.1:{port} rtt 1 >/dev/null 2>&1 && break; sleep 0.1; done\n"
    )
}

/// Polls `done` every 50 ms until it holds; fails the test, saying `what` did not happen, after
/// `limit`.
#[track_caller]
pub fn eventually(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
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

/// Live processes (zombies excluded) that belong to a run of the nbe with process id `nbe`: their
/// environment carries that nbe's run id, whatever their name or parent.
pub fn processes_of_runs_of(nbe: u32) -> Vec<String> {
    processes_with_run_id(&format!("{nbe}-"))
}

/// Live processes (zombies excluded) of the prepare and build steps of the nbe with process id
/// `nbe`: their environment carries that nbe's step id.
pub fn processes_of_steps_of(nbe: u32) -> Vec<String> {
    processes_with_run_id(&format!("step-{nbe}-"))
}

/// Live processes (zombies excluded) whose run id starts with `prefix`.
fn processes_with_run_id(prefix: &str) -> Vec<String> {
    let run_id = format!("NBE_RUN_ID={prefix}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        let ours = environ
            .split(|b| *b == 0)
            .any(|entry| entry.starts_with(run_id.as_bytes()));
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = stat
            .rsplit_once(") ")
            .is_none_or(|(_, rest)| rest.starts_with('Z'));
        if ours && !zombie {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            found.push(format!(
                "{pid}: {}",
                String::from_utf8_lossy(&cmdline).replace('\0', " ")
            ));
        }
    }
    found
}

/// A TCP port nothing on the host listens on right now, for examples that run with
/// `--isolation none` on the host network (other test processes on this host pick their own).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The entries of `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A marker unique to this test process and call, for finding processes a test started.
pub fn marker(name: &str) -> String {
    format!("nbe-it-{name}-{}", std::process::id())
}

/// Copies nbe, nats-server and nats into a new temp dir that every user can read and run, for
/// tests that run nbe as another user.
pub fn programs_for_nobody() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::Builder::new()
        .prefix("nbe-it-programs-")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tools = tools_dir();
    for (from, name) in [
        (PathBuf::from(env!("CARGO_BIN_EXE_nbe")), "nbe"),
        (tools.join("nats-server"), "nats-server"),
        (tools.join("nats"), "nats"),
    ] {
        std::fs::copy(from, dir.path().join(name)).unwrap();
        std::fs::set_permissions(dir.path().join(name), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// A temp dir that examples can reach from inside a run, for tests whose scripts meet the test at
/// a shared path. It is in `/var/tmp`, not under `/tmp` (a namespaced run has a private `/tmp` of
/// its own), nor in the project (a clone may itself live under `/tmp`).
pub fn shared_with_runs() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("nbe-it-shared-")
        .tempdir_in("/var/tmp")
        .unwrap()
}
