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

use std::path::{Path, PathBuf};

/// The file `BASH_ENV` names, in the run's temp dir.
const BASH_ENV_FILE: &str = ".nbe-bash-env";

/// The file the trap writes, in the run's temp dir.
const FAILURE_FILE: &str = ".nbe-failed-command";

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
/// variable to add to the run's environment.
pub fn install(sandbox: &Path, main: &str) -> std::io::Result<(String, String)> {
    let path = sandbox.join(BASH_ENV_FILE);
    std::fs::write(&path, bash_env(main, &failure_file(sandbox)))?;
    Ok(("BASH_ENV".to_string(), path.display().to_string()))
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

/// The `BASH_ENV` file: `$?`, file, line and command, tab-separated, written over `failure`.
fn bash_env(main: &str, failure: &Path) -> String {
    let trap = format!(
        r#"{{ printf '%s\t%s\t%s\t%s\n' "$?" "${{BASH_SOURCE[0]-$0}}" "$LINENO" "$BASH_COMMAND" >| {}; }} 2>/dev/null"#,
        quote(&failure.display().to_string())
    );
    format!(
        "# Written by nbe: reports where the script failed, without printing anything.\n\
         if [[ ${{0##*/}} == {} ]]; then\n  unset BASH_ENV\n  trap {} ERR\nfi\n",
        quote(main),
        quote(&trap)
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
        let (name, value) = install(sandbox.path(), "main.sh").unwrap();
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
