//! Running one client: sandbox, clean environment, merged live output, timeout, and a clean end.
//!
//! duct starts the run with stdout and stderr on one pipe (so their order is kept) and waits for
//! it. The program runs under the run's [`init`], in namespaces or not (see [`isolation`]); duct
//! only knows its direct child, so that child leads its own process group and [`reaper::Group`]
//! ends the whole tree (see there for how). The kernel sends that child a parent-death signal when
//! nbe dies, even by SIGKILL, so no run outlives nbe (see [`init`]). A client of a language kind
//! is made ready first ([`toolchain`]); its run gets the kind's defaults laid under its files and,
//! when it needs one, a server [`fixture`] started by `nbe __fixture` under the init. A bash
//! script of a `trace` kind runs under an `ERR` trap that tells which command ended it ([`trace`]);
//! when nbe records, a `DEBUG` trap also tells which step of the script printed which part of the
//! output, and the pump reads those steps in order with the output ([`trace::Channel`]).

pub mod defaults;
pub mod fixture;
pub mod init;
pub mod install;
pub mod isolation;
pub mod reaper;
mod sandbox;
pub mod toolchain;
pub mod tools;
pub mod trace;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

pub use sandbox::Sandbox;
pub use tools::Tools;

use crate::catalog::Server;
use crate::error::{Error, Result};
use crate::exit;

/// How long processes get to exit after SIGTERM before SIGKILL.
pub const GRACE: Duration = Duration::from_secs(2);

/// The most output kept in memory per run; the rest is counted and dropped.
pub const OUTPUT_CAP: usize = 4 * 1024 * 1024;

/// Set by SIGINT or SIGTERM; every run in progress stops when it is set.
static INTERRUPTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(|| Arc::new(AtomicBool::new(false)));

/// Installs the SIGINT and SIGTERM handlers: the first asks runs to stop, the second exits at once.
///
/// Each signal's shutdown is registered before the flag is set, so the first signal finds the flag
/// clear and only sets it. The handlers go in once per process: a second set would see the flag the
/// first set just raised and exit on the first signal.
pub fn install_interrupt_handler() -> std::io::Result<()> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(
            signal,
            exit::INTERRUPTED,
            Arc::clone(&INTERRUPTED),
        )?;
        signal_hook::flag::register(signal, Arc::clone(&INTERRUPTED))?;
    }
    Ok(())
}

/// True once nbe has been asked to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Everything a run needs to know.
#[derive(Debug)]
pub struct RunSpec<'a> {
    /// `category/example/client`, for messages.
    pub label: &'a str,
    /// The client directory copied into the sandbox.
    pub client_dir: &'a Path,
    /// The program and its arguments, run in the sandbox's work dir.
    pub command: &'a [&'a str],
    /// The tools put first on `PATH`.
    pub tools: &'a Tools,
    /// When to give up.
    pub timeout: Duration,
    /// Keep the temp dir afterwards.
    pub keep: bool,
    /// Namespaces, or the host.
    pub isolation: &'a isolation::Mode,
    /// Files laid under the client's in the work dir (its kind's defaults folder), if any.
    pub defaults: Option<&'a Path>,
    /// Environment added to the sandbox's (the products of preparing and building).
    pub env: &'a [(String, String)],
    /// The servers nbe starts for the run before the program (see [`fixture`]).
    pub server: Server,
    /// The main file, when it is a bash script to trace (see [`trace`]).
    pub trace: Option<&'a str>,
    /// The steps of the traced main file to attribute the output to, when recording; `None`
    /// leaves the run as fast as an untraced one.
    pub steps: Option<&'a [crate::program::split::Step]>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// The program exited with this status.
    Exited(i32),
    /// The program was killed by this signal.
    Signaled(i32),
    /// The timeout passed and nbe stopped it.
    TimedOut,
    /// nbe was interrupted and stopped it.
    Interrupted,
}

impl Termination {
    /// The exit status nbe itself ends with after this run.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Exited(code) => code,
            Self::Signaled(signal) => 128 + signal,
            Self::TimedOut => exit::TIMEOUT,
            Self::Interrupted => exit::INTERRUPTED,
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct RunResult {
    /// How it ended.
    pub termination: Termination,
    /// Merged stdout and stderr, at most [`OUTPUT_CAP`] bytes.
    pub output: Vec<u8>,
    /// When each piece of output arrived: (time since start, end offset in `output`).
    pub events: Vec<(Duration, usize)>,
    /// Bytes dropped past the cap.
    pub dropped: u64,
    /// The kept temp dir, with `keep`.
    pub kept: Option<PathBuf>,
    /// Processes that survived even SIGKILL.
    pub leaked: Vec<String>,
    /// The server fixture's logs, each whole under a `--- nats-server log <name>` line, empty
    /// without one; a failed run's report shows what they say ([`crate::report::failure::server_log`]).
    pub server_log: String,
    /// The command that ended a traced script with its failing status.
    pub failed_command: Option<trace::FailedCommand>,
    /// Where the output changed step, in order, when the run attributed it (see [`trace`]).
    pub markers: Vec<trace::Marker>,
}

/// A source of unique run ids within this nbe process.
static RUN_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Runs `spec`, streaming output to `sink` as it arrives.
pub fn run(spec: &RunSpec, sink: &mut dyn FnMut(&[u8])) -> Result<RunResult> {
    let nodes = fixture::nodes(spec.server);
    // A fixture on the host gets free ports, so only a program bringing its own servers is checked.
    if !spec.isolation.parallel_safe() && nodes == 0 {
        isolation::preflight(spec.label, &isolation::mentioned_ports(spec.client_dir))?;
    }
    let nbe = std::env::current_exe().map_err(|e| Error::io("failed to locate the nbe executable", e))?;
    let sandbox = Sandbox::create(spec.client_dir)?;
    if let Some(defaults) = spec.defaults {
        sandbox.lay_under(defaults)?;
    }
    let (traced, channel) = match spec.trace {
        Some(main) => {
            let (variable, channel) = trace::install(sandbox.path(), main, spec.steps)
                .map_err(|e| Error::io(format!("failed to write the trace of {}", spec.label), e))?;
            (Some(variable), channel)
        }
        None => (None, None),
    };
    // With a fixture, the init runs `nbe __fixture`, which starts the servers beside the program.
    let inner: Vec<String> = if nodes > 0 {
        let ports = if spec.isolation.parallel_safe() {
            (0..nodes as u16).map(fixture::standard_ports).collect()
        } else {
            fixture::free_ports(nodes)?
        };
        let server = spec.tools.path(tools::NATS_SERVER);
        std::iter::once(nbe.display().to_string())
            .chain(fixture::wrap(
                &server,
                &sandbox.server_dir(),
                &ports,
                spec.command,
            ))
            .collect()
    } else {
        spec.command.iter().map(ToString::to_string).collect()
    };
    let inner: Vec<&str> = inner.iter().map(String::as_str).collect();
    let command = spec.isolation.wrap(&nbe, sandbox.path(), &inner);
    let death_signal = spec.isolation.parent_death_signal();
    let parent = nix::unistd::getpid();
    let run_id = format!(
        "{}-{}",
        std::process::id(),
        RUN_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let (reader, writer) = os_pipe::pipe().map_err(|e| Error::io("failed to create the output pipe", e))?;
    let writer_for_stderr = writer
        .try_clone()
        .map_err(|e| Error::io("failed to create the output pipe", e))?;
    let (program, args) = command.split_first().ok_or(Error::EmptyCommand)?;
    let started = Instant::now();
    let spawning = reaper::spawning();
    // `before_spawn` is where duct lets us reach std's Command: the run leads a new process group,
    // and dies with nbe. The kernel sends the parent-death signal when the thread that spawned the
    // child ends; this thread waits here until the run is over, so only nbe's death sends it.
    let handle = duct::cmd(program, args)
        .dir(sandbox.work())
        .full_env(
            sandbox
                .environment(&spec.tools.path_prefix(), &run_id)
                .into_iter()
                .chain(spec.env.iter().cloned())
                .chain(traced),
        )
        .stdin_null()
        .stdout_file(writer)
        .stderr_file(writer_for_stderr)
        .unchecked()
        .before_spawn(move |command| {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
            // SAFETY: the hook runs in the child between fork and exec, and only makes
            // async-signal-safe calls that neither allocate nor lock.
            unsafe { command.pre_exec(move || die_with(parent, death_signal)) };
            Ok(())
        })
        .start()
        .map_err(|e| {
            Error::io(
                format!("failed to start {} for {}", spec.command.join(" "), spec.label),
                e,
            )
        })?;
    let main = handle.pids().first().copied().unwrap_or_default();
    let group = reaper::Group::new(main, run_id);
    drop(spawning);

    // Output and the exit of the main process arrive on one channel, each from its own thread, so
    // the exit is seen at once even while background servers still hold the pipe open.
    let (messages, received) = mpsc::channel::<Message>();
    let stopper = channel
        .as_ref()
        .map(trace::Channel::stopper)
        .transpose()
        .map_err(|e| Error::io(format!("failed to set up the trace of {}", spec.label), e))?;
    let pump = {
        let messages = messages.clone();
        std::thread::spawn(move || match channel {
            Some(channel) => pump_steps(&reader, channel, &messages),
            None => pump(reader, &messages),
        })
    };
    let handle = Arc::new(handle);
    let waiter = {
        let handle = Arc::clone(&handle);
        std::thread::spawn(move || {
            let status = handle.wait().map(|output| output.status);
            let _ = messages.send(Message::Exited(status));
        })
    };

    let mut output = Vec::new();
    let mut events = Vec::new();
    let mut markers: Vec<trace::Marker> = Vec::new();
    let mut dropped = 0u64;
    let mut take = |message: Message, sink: &mut dyn FnMut(&[u8])| match message {
        Message::Output(at, bytes) => {
            sink(&bytes);
            let room = OUTPUT_CAP.saturating_sub(output.len());
            let kept = room.min(bytes.len());
            dropped += (bytes.len() - kept) as u64;
            if kept > 0 {
                output.extend_from_slice(&bytes[..kept]);
                events.push((at.duration_since(started), output.len()));
            }
        }
        // The trap names a step only when it changes; the same step again comes from a script
        // writing the FIFO itself, and would only swell its recording.
        Message::Step(_, line) if markers.last().is_some_and(|last| last.line == line) => {}
        Message::Step(at, line) => markers.push(trace::Marker {
            at: at.duration_since(started),
            offset: output.len(),
            line,
        }),
        Message::Exited(_) => {}
    };

    let termination = loop {
        match received.recv_timeout(Duration::from_millis(50)) {
            Ok(Message::Exited(Ok(status))) => break status_of(&status),
            Ok(Message::Exited(Err(e))) => {
                group.terminate(GRACE);
                return Err(Error::io(format!("failed to wait for {}", spec.label), e));
            }
            Ok(message) => take(message, sink),
            Err(mpsc::RecvTimeoutError::Timeout | mpsc::RecvTimeoutError::Disconnected) => {}
        }
        if interrupted() {
            break Termination::Interrupted;
        }
        if started.elapsed() >= spec.timeout {
            break Termination::TimedOut;
        }
    };
    let leaked = group.terminate(GRACE);
    if let Some(stopper) = stopper {
        stopper.stop();
    }
    // Everything has ended, so the pipe reaches EOF and both threads hang up.
    while let Ok(message) = received.recv() {
        take(message, sink);
    }
    drop(group);
    let _ = waiter.join();
    let _ = pump.join();
    let server_log = server_log(&sandbox.server_dir());
    let failed_command = match termination {
        Termination::Exited(status) if spec.trace.is_some() => trace::read(sandbox.path(), status),
        _ => None,
    };
    let kept = spec.keep.then(|| sandbox.keep());
    Ok(RunResult {
        termination,
        output,
        events,
        dropped,
        kept,
        leaked,
        server_log,
        failed_command,
        markers,
    })
}

/// Each fixture server's log in `dir`, whole, under a header naming it.
fn server_log(dir: &Path) -> String {
    let mut text = String::new();
    for log in fixture::logs(dir) {
        let content = std::fs::read_to_string(&log).unwrap_or_default();
        let name = log.file_name().unwrap_or_default().to_string_lossy();
        text.push_str(&format!("--- nats-server log {name}\n"));
        for line in content.lines() {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// What the reading and waiting threads tell the run loop.
enum Message {
    /// Output arrived at this instant.
    Output(Instant, Vec<u8>),
    /// The step starting at this line of the main file began at this instant, after all the
    /// output sent before.
    Step(Instant, u32),
    /// The main process ended.
    Exited(std::io::Result<std::process::ExitStatus>),
}

/// Reads the pipe until EOF on its own thread, so a chatty program never blocks on a full pipe.
fn pump(reader: os_pipe::PipeReader, chunks: &mpsc::Sender<Message>) {
    let mut buffer = vec![0u8; 64 * 1024];
    while let Some(n) = read_some(&reader, &mut buffer, chunks) {
        if n == 0 {
            return;
        }
    }
}

/// Reads once from `reader` into `buffer` and sends what came; the count read (0 at EOF), or
/// `None` when the pipe or the channel failed.
fn read_some(
    mut reader: &os_pipe::PipeReader,
    buffer: &mut [u8],
    chunks: &mpsc::Sender<Message>,
) -> Option<usize> {
    loop {
        match reader.read(buffer) {
            Ok(0) => return Some(0),
            Ok(n) => {
                return chunks
                    .send(Message::Output(Instant::now(), buffer[..n].to_vec()))
                    .ok()
                    .map(|()| n);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// [`pump`] for a run that attributes its output to steps: waits for output or a step. On a
/// step, it first takes exactly what the pipe holds at that moment (everything the steps before
/// wrote, since their commands have ended), then sends the step, then lets the script go on.
/// It serves steps until nbe stops it ([`trace::Stopper`]), even once the output pipe closed (a
/// script that sent its output elsewhere still waits for each step's answer), then reads the
/// output to its end.
fn pump_steps(reader: &os_pipe::PipeReader, mut channel: trace::Channel, chunks: &mpsc::Sender<Message>) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut open = true;
    loop {
        let mut fds = [
            PollFd::new(channel.steps_fd(), PollFlags::POLLIN),
            PollFd::new(reader.as_fd(), PollFlags::POLLIN),
        ];
        // Once the output pipe is closed it would be ready forever: only steps are waited for.
        let watched = if open { &mut fds[..] } else { &mut fds[..1] };
        match poll(watched, PollTimeout::NONE) {
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
        }
        let ready = |fd: &PollFd| fd.revents().is_some_and(|r| !r.is_empty());
        let (step, output) = (ready(&fds[0]), open && ready(&fds[1]));
        if step {
            let Ok((lines, stop)) = channel.read_steps() else {
                break;
            };
            for line in lines {
                let mut left = if open {
                    trace::waiting(reader).unwrap_or(0)
                } else {
                    0
                };
                while left > 0 {
                    let room = left.min(buffer.len());
                    match read_some(reader, &mut buffer[..room], chunks) {
                        Some(0) | None => break,
                        Some(n) => left -= n,
                    }
                }
                if chunks.send(Message::Step(Instant::now(), line)).is_err() || channel.ack().is_err() {
                    return;
                }
            }
            if stop {
                break;
            }
        } else if output {
            match read_some(reader, &mut buffer, chunks) {
                Some(0) => open = false,
                Some(_) => {}
                None => return,
            }
        }
    }
    // What is left: the output of processes still ending, up to the pipe's end.
    if open {
        while read_some(reader, &mut buffer, chunks).is_some_and(|n| n > 0) {}
    }
}

/// In a child before exec: asks for `signal` when `parent` dies, and fails if it already has.
pub(crate) fn die_with(parent: nix::unistd::Pid, signal: nix::sys::signal::Signal) -> std::io::Result<()> {
    nix::sys::prctl::set_pdeathsig(signal)?;
    // nbe may have died between fork and the call above, and then no signal will ever come.
    if nix::unistd::getppid() != parent {
        return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
    }
    Ok(())
}

fn status_of(status: &std::process::ExitStatus) -> Termination {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Termination::Exited(code),
        (None, Some(signal)) => Termination::Signaled(signal),
        (None, None) => Termination::Exited(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::split;
    use crate::program::syntax::Syntax;

    /// A run of `script` as main.sh the way the cli kind runs it, through the real pump: its
    /// output, and the steps it began, as (offset, first line); `attribute` off traces only
    /// failures, as `nbe test` does. `files` are written beside it.
    fn attributed(script: &str, files: &[(&str, &str)], attribute: bool) -> (String, Vec<(usize, u32)>) {
        let sandbox = tempfile::tempdir().unwrap();
        for (name, text) in std::iter::once(&("main.sh", script)).chain(files) {
            std::fs::write(sandbox.path().join(name), text).unwrap();
        }
        let split = split::split(Syntax::for_file(Path::new("main.sh")), script).unwrap();
        let steps = split::steps(script, &split::blocks(&split.sections));
        let ((name, value), channel) =
            trace::install(sandbox.path(), "main.sh", attribute.then_some(steps.as_slice())).unwrap();
        let (reader, writer) = os_pipe::pipe().unwrap();
        let mut child = std::process::Command::new("bash")
            .args(["-c", "exec bash main.sh"])
            .current_dir(sandbox.path())
            .env(name, value)
            .stdin(std::process::Stdio::null())
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .spawn()
            .unwrap();
        let (messages, received) = mpsc::channel();
        let stopper = channel.as_ref().map(|channel| channel.stopper().unwrap());
        let pump = std::thread::spawn(move || match channel {
            Some(channel) => pump_steps(&reader, channel, &messages),
            None => pump(reader, &messages),
        });
        // A script waiting for an answer that never comes would hang here: fail instead.
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("the script did not end");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        if let Some(stopper) = stopper {
            stopper.stop();
        }
        pump.join().unwrap();
        let (mut output, mut markers) = (Vec::new(), Vec::new());
        for message in received {
            match message {
                Message::Output(_, bytes) => output.extend(bytes),
                Message::Step(_, line) => markers.push((output.len(), line)),
                Message::Exited(_) => {}
            }
        }
        (String::from_utf8(output).unwrap(), markers)
    }

    /// The output of each step, by its first line, in order.
    fn by_step(output: &str, markers: &[(usize, u32)]) -> Vec<(u32, String)> {
        let mut ends: Vec<usize> = markers.iter().skip(1).map(|&(at, _)| at).collect();
        ends.push(output.len());
        markers
            .iter()
            .zip(ends)
            .map(|(&(at, line), end)| (line, output[at..end].to_string()))
            .collect()
    }

    #[test]
    fn each_steps_output_is_its_own_even_while_a_background_process_races_it() {
        // A background writer prints all along while the foreground changes step 300 times.
        let mut script = String::from(
            "#!/usr/bin/env bash\nset -euo pipefail\n# A noisy neighbour.\n( while :; do echo noise; done ) &\n",
        );
        for step in 0..300 {
            script.push_str(&format!("\n# Step {step}.\necho \"step {step}\"\n"));
        }
        script.push_str("\n# Done.\nkill $!\nwait || :\n");
        let (output, markers) = attributed(&script, &[], true);
        let steps = by_step(&output, &markers);
        assert_eq!(steps.len(), 302, "one marker per step, in order");
        assert!(output.contains("noise"), "the neighbour ran");
        for step in 0..300 {
            // `# Step N.` is on line 6 + 3N, its code on the line after.
            let line = 7 + 3 * step;
            let (first, text) = &steps[step as usize + 1];
            assert_eq!(*first, line);
            let own = format!("step {step}\n");
            assert!(
                text.starts_with(&own) || text.lines().any(|l| format!("{l}\n") == own),
                "step {step} (line {line}) holds its line: {text:?}"
            );
        }
    }

    #[test]
    fn a_loop_is_one_step_and_functions_and_sourced_files_count_for_their_caller() {
        let script = "#!/bin/bash\n# Define.\nsay() {\n  echo \"said $1\"\n  echo again\n}\n\n# Loop.\nfor i in 1 2 3; do\n  echo \"$i\"\n  say \"$i\"\ndone\n\n# Source.\nsource ./lib.sh\n\n# Last.\necho last\n";
        // lib.sh's own lines 1 to 18 are lines that start steps in main.sh: they must not count.
        let lib = "echo lib 1\n".repeat(18);
        let (output, markers) = attributed(script, &[("lib.sh", &lib)], true);
        let steps = by_step(&output, &markers);
        let lines: Vec<u32> = steps.iter().map(|(line, _)| *line).collect();
        // Defining a function runs no command, so the first step begins nothing.
        assert_eq!(lines, [9, 15, 18]);
        assert_eq!(steps[0].1.lines().count(), 9, "{:?}", steps[0].1);
        assert_eq!(steps[1].1, "lib 1\n".repeat(18));
        assert_eq!(steps[2].1, "last\n");
    }

    #[test]
    fn exec_redirections_and_the_scripts_own_debug_trap() {
        let script = "#!/bin/bash\n# To a file.\nexec 3>&1 >out.txt\necho hidden\n\n# Back.\nexec >&3\necho shown\n\n# Its own trap.\ntrap ': mine' DEBUG\necho one\n\n# After.\necho two\n";
        let (output, markers) = attributed(script, &[], true);
        // From the script's own DEBUG trap on, nbe's is gone: "two" stays with the step before.
        assert_eq!(
            by_step(&output, &markers),
            [
                (1, String::new()),
                (7, "shown\n".to_string()),
                (11, "one\ntwo\n".to_string())
            ]
        );
    }

    #[test]
    fn a_script_that_closes_its_output_still_goes_through_its_steps() {
        let script = "#!/bin/bash\n# Said.\necho said\n\n# Away.\nexec >/dev/null 2>&1\necho gone\n\n# Still going.\necho gone too\n\n# Last.\ntrue\n";
        let (output, markers) = attributed(script, &[], true);
        assert_eq!(output, "said\n");
        let lines: Vec<u32> = markers.iter().map(|&(_, line)| line).collect();
        assert_eq!(lines, [1, 6, 10, 13]);
    }

    #[test]
    fn the_output_is_the_same_with_and_without_the_trap() {
        let script = "#!/bin/bash\nset -uo pipefail\n# Status and the last word.\nfalse\necho \"status $? last $_\"\nfalse | true\necho \"${PIPESTATUS[*]}\"\n\n# Traces.\nset -x\necho traced\nset +x\n\n# What it inherits.\necho \"${BASH_ENV:-unset}\"\nbash -c 'trap -p'\n";
        let (with, markers) = attributed(script, &[], true);
        let (without, none) = attributed(script, &[], false);
        assert_eq!(markers.len(), 3);
        assert!(none.is_empty());
        assert_eq!(with, without);
        assert!(
            with.starts_with("status 1 last false\n1 0\n+ echo traced\ntraced\n+ set +x\nunset\n"),
            "{with}"
        );
    }
}
