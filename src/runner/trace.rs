//! Where a traced script failed: the `ERR` trap nbe gives bash scripts, and what it leaves behind.
//!
//! A kind marked `trace` in `clients/kinds.toml` (`cli`, `shell`) runs its main file with bash.
//! nbe points `BASH_ENV` at a file of its own in the run's temp dir; bash reads it before the
//! script, and it sets an `ERR` trap that writes the failing command, its file and line and its
//! status to another file there ([`failure_file`]), overwriting the previous one. Nothing is
//! printed, so the output, and every recording made from it, is exactly the script's own.
//!
//! The script's semantics are unchanged: the trap keeps `$?`, does not turn on `errtrace` or
//! `errexit`, and is replaced by any `ERR` trap the script sets itself. Only the main file is
//! traced: the outer `bash -c` of the kind's `run` line and every bash the script starts read the
//! file too, but only the one running the main file sets the trap, and it unsets `BASH_ENV` so its
//! children inherit nothing.
//!
//! The trap fires for every failing command that is not tested (`if`, `&&`, `||`), with or without
//! `set -e`, so the last one it wrote is the one that ended the script only when the script ended
//! with that command's status; [`read`] keeps it only then. Failures bash reports without running
//! the trap (an unset variable under `set -u`, a syntax error) name their line in bash's own
//! message instead.
//!
//! # Which step printed what
//!
//! When nbe records, the same file also attributes the output to the program's steps (the blocks
//! of prose and code its page shows, see [`crate::program::split::steps`]). It holds a map of the
//! main file's code lines to their step, named by the step's first line, and sets a `DEBUG` trap,
//! which bash runs before each command of the main file's top level (functions and subshells do
//! not inherit it, so a function a step calls counts for that step; a sourced file's commands
//! count for the step that sourced it). The trap acts only when the step changes: it writes the
//! new step's first line to a FIFO in the run's temp dir and waits for nbe's acknowledgement on a
//! second one. nbe's pump reads the output pipe and that FIFO on one thread ([`Channel`]); on a
//! step it first takes every byte the output pipe holds at that moment, so everything the earlier
//! top-level commands wrote (they have ended, so it is in the pipe) counts before the change,
//! then notes the change at that offset, then acknowledges. No clock is involved, so a loaded
//! machine changes nothing. A background process's output counts for the step during which it
//! arrived.
//!
//! The trap prints nothing and keeps `$?` and `$_`; the output is byte for byte an untraced run's.
//! A script that sets its own `DEBUG` trap replaces nbe's, and its output from there on stays
//! with the step before.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::program::split::Step;

/// The file `BASH_ENV` names, in the run's temp dir.
const BASH_ENV_FILE: &str = ".nbe-bash-env";

/// The file the trap writes, in the run's temp dir.
const FAILURE_FILE: &str = ".nbe-failed-command";

/// The FIFO the `DEBUG` trap names each new step on, in the run's temp dir.
const STEP_FIFO: &str = ".nbe-step";

/// The FIFO nbe acknowledges each step on, in the run's temp dir.
const ACK_FIFO: &str = ".nbe-step-ack";

/// Where the output of a recorded script changes step: the first byte of the output that the
/// step starting at `line` of the main file printed (or that arrived while it ran).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    /// When the step began, since the start of the run.
    pub at: std::time::Duration,
    /// The offset in the run's output where it began.
    pub offset: usize,
    /// The first line of the step's code in the main file.
    pub line: u32,
}

/// nbe's ends of the two FIFOs of an attributed run: the trap writes steps on one and waits for
/// an acknowledgement on the other.
#[derive(Debug)]
pub struct Channel {
    steps: File,
    acks: File,
    /// Bytes of a step line read before its newline.
    partial: Vec<u8>,
}

impl Channel {
    /// Makes the FIFOs in `sandbox` and opens nbe's ends. Both are opened read-write, so neither
    /// open waits for the other side, and neither end ever sees end-of-file. The answers are
    /// written without blocking: the trap reads each before it goes on, so they never fill the
    /// FIFO, but a script writing steps itself and reading no answer would, and nbe's pump would
    /// then wait on it forever, past the run's timeout.
    fn open(sandbox: &Path) -> std::io::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        let open = |name: &str, flags: libc::c_int| {
            let path = sandbox.join(name);
            nix::unistd::mkfifo(
                &path,
                nix::sys::stat::Mode::S_IRUSR | nix::sys::stat::Mode::S_IWUSR,
            )?;
            File::options()
                .read(true)
                .write(true)
                .custom_flags(flags)
                .open(path)
        };
        Ok(Self {
            steps: open(STEP_FIFO, 0)?,
            acks: open(ACK_FIFO, libc::O_NONBLOCK)?,
            partial: Vec::new(),
        })
    }

    /// The FIFO the trap writes steps on: the pump waits for it to be readable.
    pub fn steps_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        use std::os::fd::AsFd;
        self.steps.as_fd()
    }

    /// What nbe writes to stop the pump once the run is over: the pump serves steps until then,
    /// even after the output pipe closed (a script may send its output elsewhere and go on).
    pub fn stopper(&self) -> std::io::Result<Stopper> {
        self.steps.try_clone().map(Stopper)
    }

    /// Reads what the trap wrote, once (call it when the FIFO is readable), and returns the first
    /// lines of the steps it names, in order (the trap waits after each, so there is one at
    /// most), and whether nbe asked to stop ([`Stopper`]).
    pub fn read_steps(&mut self) -> std::io::Result<(Vec<u32>, bool)> {
        let mut buffer = [0u8; 256];
        let n = self.steps.read(&mut buffer)?;
        self.partial.extend_from_slice(&buffer[..n]);
        let (mut lines, mut stop) = (Vec::new(), false);
        while let Some(end) = self.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.partial.drain(..=end).collect();
            // The trap writes only numbers from nbe's own map, all lines of a file: 0 is nbe's.
            match std::str::from_utf8(&line[..end])
                .ok()
                .and_then(|l| l.parse().ok())
            {
                Some(0) => stop = true,
                Some(line) => lines.push(line),
                None => {}
            }
        }
        Ok((lines, stop))
    }

    /// Lets the trap go on to the step's first command.
    pub fn ack(&mut self) -> std::io::Result<()> {
        match self.acks.write_all(b"\n") {
            // Only a script answering itself fills the FIFO; its own attribution is all it spoils.
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(()),
            done => done,
        }
    }
}

/// nbe's way to stop the pump of an attributed run once the run is over (see [`Channel::stopper`]).
#[derive(Debug)]
pub struct Stopper(File);

impl Stopper {
    /// Tells the pump the run is over.
    pub fn stop(mut self) {
        // The FIFO is nbe's own, opened read-write: the write cannot block on a reader; should it
        // fail, the pump still ends when the output pipe closes and nothing ever writes a step.
        let _ = self.0.write_all(b"0\n");
    }
}

/// How many bytes `pipe` holds, unread, right now.
pub fn waiting(pipe: &impl AsRawFd) -> std::io::Result<usize> {
    let mut count: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int through the pointer, which points at one.
    let status = unsafe { libc::ioctl(pipe.as_raw_fd(), libc::FIONREAD, &mut count) };
    if status < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(usize::try_from(count).unwrap_or(0))
}

/// The command that ended a traced script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCommand {
    /// The file it is in, as bash names it (`main.sh`, or a file the script sourced).
    pub file: String,
    /// Its line in that file (for a command spanning lines, bash gives its last line).
    pub line: u32,
    /// The command, as bash ran it.
    pub command: String,
    /// Its exit status.
    pub status: i32,
}

/// What exit status 127, the shell's "command not found", means for an example: a typo, or a
/// program the machine lacks, which the example should declare so it is skipped where missing.
pub const COMMAND_NOT_FOUND: &str = "127 is the shell's \"command not found\": a program it runs is missing here; if the example needs it, declare it (`requires: [name]` in the example's meta.yaml) so the client is skipped where it is missing (`nbe lint` names the command: NBE120)";

impl std::fmt::Display for FailedCommand {
    /// `main.sh:3: nats stream inf ORDERS exited with 1`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A command spanning lines shows its first; the line number points at it anyway.
        let mut lines = self.command.lines();
        let first = lines.next().unwrap_or_default();
        let more = if lines.next().is_some() { " ..." } else { "" };
        write!(
            f,
            "{}:{}: {first}{more} exited with {}",
            self.file, self.line, self.status
        )?;
        if self.status == 127 {
            write!(f, "; {COMMAND_NOT_FOUND}")?;
        }
        Ok(())
    }
}

/// Writes the `BASH_ENV` file tracing `main` into the run's temp dir `sandbox`, and returns the
/// variable to add to the run's environment; with `steps`, the file also attributes the output to
/// them, and the channel to read the steps on comes back too.
pub fn install(
    sandbox: &Path,
    main: &str,
    steps: Option<&[Step]>,
) -> std::io::Result<((String, String), Option<Channel>)> {
    let path = sandbox.join(BASH_ENV_FILE);
    let channel = steps.map(|_| Channel::open(sandbox)).transpose()?;
    let attribution = steps.map(|steps| attribution(steps, sandbox));
    std::fs::write(
        &path,
        bash_env(main, &failure_file(sandbox), attribution.as_deref()),
    )?;
    Ok((("BASH_ENV".to_string(), path.display().to_string()), channel))
}

/// Where the trap writes in the run's temp dir `sandbox`.
pub fn failure_file(sandbox: &Path) -> PathBuf {
    sandbox.join(FAILURE_FILE)
}

/// The command that ended the traced script of the run in `sandbox` with `status`, if the trap
/// saw it fail with that status.
pub fn read(sandbox: &Path, status: i32) -> Option<FailedCommand> {
    let text = std::fs::read_to_string(failure_file(sandbox)).ok()?;
    parse(&text).filter(|failed| failed.status == status && status != 0)
}

/// The `BASH_ENV` file: `$?`, file, line and command, tab-separated, written over `failure`;
/// then, when given, the lines setting up the attribution to steps.
fn bash_env(main: &str, failure: &Path, attribution: Option<&str>) -> String {
    let trap = format!(
        r#"{{ printf '%s\t%s\t%s\t%s\n' "$?" "${{BASH_SOURCE[0]-$0}}" "$LINENO" "$BASH_COMMAND" >| {}; }} 2>/dev/null"#,
        quote(&failure.display().to_string())
    );
    format!(
        "# Written by nbe: reports where the script failed, without printing anything.\n\
         if [[ ${{0##*/}} == {} ]]; then\n  unset BASH_ENV\n  trap {} ERR\n{}fi\n",
        quote(main),
        quote(&trap),
        attribution.unwrap_or_default()
    )
}

/// The lines of the `BASH_ENV` file that attribute the output to `steps`: the map of code lines
/// to steps, the FIFOs in `sandbox` opened read-write (so bash never waits on an open), and the
/// `DEBUG` trap.
///
/// The trap runs before every top-level command, so its common path is one array look-up and a
/// comparison. It saves `$_` first and sets it back last (bash keeps `$?` itself); it acts only in
/// the main file's top level (`FUNCNAME` is empty there, and names `source` in a sourced file,
/// which matters under `set -T`), and everything it runs is silent, even under `set -x`, since its
/// body's stderr goes to /dev/null. Its variables start with `__nbe_`.
fn attribution(steps: &[Step], sandbox: &Path) -> String {
    let mut map = String::new();
    for step in steps {
        for lines in &step.lines {
            for line in lines.clone() {
                map.push_str(&format!(" [{line}]={}", step.first));
            }
        }
    }
    let trap = r#"{ __nbe_u=$_; __nbe_s=${__nbe_steps[LINENO]-}; if [[ -n $__nbe_s && $__nbe_s != "$__nbe_step" && -z ${FUNCNAME-} ]]; then __nbe_step=$__nbe_s; printf '%s
' "$__nbe_s" >&"$__nbe_out" && read -r -u "$__nbe_in" __nbe_s || :; fi; : "$__nbe_u"; } 2>/dev/null"#;
    format!(
        "  # Attributes the output to the steps of the page, without printing anything.\n  \
         __nbe_steps=({}) __nbe_step=\n  \
         exec {{__nbe_out}}<>{} {{__nbe_in}}<>{}\n  \
         trap {} DEBUG\n",
        map.trim_start(),
        quote(&sandbox.join(STEP_FIFO).display().to_string()),
        quote(&sandbox.join(ACK_FIFO).display().to_string()),
        quote(trap)
    )
}

/// `text` as one single-quoted bash word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Reads what the trap wrote; the command, last, may hold tabs and newlines.
fn parse(text: &str) -> Option<FailedCommand> {
    let mut fields = text.splitn(4, '\t');
    let status = fields.next()?.parse().ok()?;
    let file = fields.next()?.to_string();
    let line = fields.next()?.parse().ok()?;
    let command = fields.next()?.trim_end_matches('\n').to_string();
    Some(FailedCommand {
        file,
        line,
        command,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `script` as main.sh the way the cli kind does, traced; returns its status and output.
    fn traced(script: &str) -> (i32, String, tempfile::TempDir) {
        let sandbox = tempfile::tempdir().unwrap();
        std::fs::write(sandbox.path().join("main.sh"), script).unwrap();
        let ((name, value), _) = install(sandbox.path(), "main.sh", None).unwrap();
        let out = std::process::Command::new("bash")
            .args(["-c", "exec bash main.sh 2>&1"])
            .current_dir(sandbox.path())
            .env(name, value)
            .output()
            .unwrap();
        let status = out.status.code().unwrap();
        (status, String::from_utf8(out.stdout).unwrap(), sandbox)
    }

    #[test]
    fn names_the_command_that_ended_the_script_and_prints_nothing() {
        let (status, output, sandbox) = traced(
            "set -euo pipefail\necho one\nif false; then :; fi\nfalse || true\nsh -c 'exit 7'\necho never\n",
        );
        assert_eq!((status, output.as_str()), (7, "one\n"));
        let failed = read(sandbox.path(), 7).unwrap();
        assert_eq!(failed.to_string(), "main.sh:5: sh -c 'exit 7' exited with 7");
    }

    #[test]
    fn a_failure_that_did_not_end_the_script_is_not_reported() {
        let (status, _, sandbox) = traced("false\necho still here\nexit 3\n");
        assert_eq!(status, 3);
        assert_eq!(read(sandbox.path(), 3), None);
        let (status, output, sandbox) = traced("set -e\nfalse || true\necho fine\n");
        assert_eq!((status, output.as_str()), (0, "fine\n"));
        assert_eq!(read(sandbox.path(), 0), None);
    }

    #[test]
    fn children_inherit_no_trap_and_no_bash_env() {
        let (status, output, sandbox) =
            traced("set -e\necho \"${BASH_ENV:-unset}\"\nbash -c 'false; echo child went on'\n");
        assert_eq!((status, output.as_str()), (0, "unset\nchild went on\n"));
        assert_eq!(read(sandbox.path(), 0), None);
    }

    #[test]
    fn a_multi_line_command_shows_its_first_line() {
        let failed = parse("2\tmain.sh\t9\tls /x \\\n  --all\n").unwrap();
        assert_eq!(failed.to_string(), "main.sh:9: ls /x \\ ... exited with 2");
        assert_eq!(parse("garbage"), None);
    }
}
