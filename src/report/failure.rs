//! What the report of a failed run shows of it, so it reads like the error it is.
//!
//! - The headline ([`headline`]): the error the program ended with, found by its kind's `failure`
//!   pattern in `clients/kinds.toml` (Python's exception, Java's and its root cause, Node's and
//!   Deno's thrown error, Rust's panic, Go's panic or `log.Fatal` line), so the status line names
//!   it instead of a status number.
//! - Repository paths ([`Paths`]): a frame or message naming the run's copy of a program (the
//!   sandbox's `/tmp/nbe-XXXXXX/work/`, the build copy in the cache, a bare `main.rs:7:48`) names
//!   the file in the repository instead, `examples/kv/basics/python/main.py`; in `nbe run`'s
//!   live output too ([`Live`]).
//! - Library frames folded ([`fold_library_frames`]): the frames of site-packages, node_modules,
//!   the cargo registry, java.base, jnats and Go's runtime and module cache become one line saying
//!   how many, so the example's own frames and the error stay on the screen.
//! - The server log only when it says something ([`server_log`]): its warnings, errors and fatal
//!   lines with a little context, never the start banner; the whole log is kept in a file the
//!   report names.

use std::path::Path;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use crate::catalog::Kind;

/// The error a failed run of a `kind` client ended with, from its `output`: the last match of the
/// kind's `failure` pattern (its first named group that took part, or the whole match), with the
/// last match of a group named `cause` after it as its root cause. Lines a match spans are joined
/// with a space. `None` for a kind without a pattern or an output without a match.
pub fn headline(kind: Kind, output: &str) -> Option<String> {
    let pattern = kind.failure()?;
    let names: Vec<&str> = pattern.capture_names().flatten().collect();
    let mut error = None;
    let mut cause = None;
    for captures in pattern.captures_iter(output) {
        match names
            .iter()
            .find_map(|name| captures.name(name).map(|found| (*name, found.as_str())))
        {
            Some(("cause", text)) => cause = Some(text),
            Some((_, text)) => {
                error = Some(text);
                cause = None;
            }
            None => {
                error = captures.get(0).map(|whole| whole.as_str());
                cause = None;
            }
        }
    }
    let one_line = |text: &str| text.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let error = one_line(error?);
    Some(match cause.map(one_line) {
        Some(cause) if cause != error => format!("{error}; root cause: {cause}"),
        _ => error,
    })
}

/// Rewrites the paths of a client's run copies to its repository path.
pub struct Paths {
    kind: Kind,
    /// `examples/<client path>/`.
    repository: String,
    /// The sandbox's work dir and the build copy, with what follows them; and the main file
    /// named alone, followed by a line number. Compiled for the first text that could hold
    /// either: most runs print none, and compiling them was a part of every run's start.
    patterns: OnceLock<(Regex, Regex)>,
}

impl Paths {
    /// The rewriting for the client at `client_path` (`kv/basics/python`) of `kind`.
    pub fn new(client_path: &str, kind: Kind) -> Self {
        Self {
            kind,
            repository: format!("examples/{client_path}/"),
            patterns: OnceLock::new(),
        }
    }

    fn patterns(&self) -> &(Regex, Regex) {
        self.patterns.get_or_init(|| {
            // Temp dirs are made by `tempfile`: the prefix, then six random letters or digits.
            let copies = Regex::new(&format!(
                r#"(?:file://)?/[^\s"'()<>]*?/(?:nbe-[A-Za-z0-9]{{6}}/work|{}-[A-Za-z0-9]{{6}})/"#,
                regex::escape(self.kind.name())
            ))
            .expect("a valid regex");
            let bare_main = Regex::new(&format!(
                r"(^|[\s(\[])({}:\d)",
                regex::escape(self.kind.main_file())
            ))
            .expect("a valid regex");
            (copies, bare_main)
        })
    }

    /// `text` with every run copy's path made the repository's.
    pub fn rewrite(&self, text: &str) -> String {
        // A copy's path holds a `/`, a bare main file its name: text with neither is kept as is.
        if !text.contains('/') && !text.contains(self.kind.main_file()) {
            return text.to_owned();
        }
        let (copies, bare_main) = self.patterns();
        let text = copies.replace_all(text, regex::NoExpand(&self.repository));
        bare_main
            .replace_all(&text, format!("${{1}}{}${{2}}", self.repository).as_str())
            .into_owned()
    }
}

/// [`Paths`] over output as it streams (`nbe run`): complete lines are rewritten as they come; the
/// incomplete rest of a chunk is held back only while it could be the start of a path (it holds
/// a `/` or the main file's name), so a prompt or a progress bar still shows at once.
pub struct Live {
    paths: Paths,
    main: String,
    held: Vec<u8>,
}

impl Live {
    /// Rewriting the output of the client at `client_path` of `kind`.
    pub fn new(client_path: &str, kind: Kind) -> Self {
        Self {
            paths: Paths::new(client_path, kind),
            main: kind.main_file().to_string(),
            held: Vec::new(),
        }
    }

    /// Takes the next `bytes` of output; `out` gets what can be shown now.
    pub fn push(&mut self, bytes: &[u8], out: &mut dyn FnMut(&[u8])) {
        self.held.extend_from_slice(bytes);
        let complete = self
            .held
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |end| end + 1);
        let rest = self.held.split_off(complete);
        if complete > 0 {
            out(&self.rewrite(&self.held));
        }
        self.held = rest;
        let text = String::from_utf8_lossy(&self.held);
        if !text.contains('/') && !text.contains(self.main.as_str()) {
            out(&self.held);
            self.held.clear();
        }
    }

    /// The end of the output: what was held back, rewritten.
    pub fn finish(&mut self, out: &mut dyn FnMut(&[u8])) {
        if !self.held.is_empty() {
            out(&self.rewrite(&self.held));
            self.held.clear();
        }
    }

    /// `bytes` rewritten; as they are when they are not UTF-8, so nothing the program printed is
    /// lost to a replacement character.
    fn rewrite(&self, bytes: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(bytes) {
            Ok(text) => self.paths.rewrite(text).into_bytes(),
            Err(_) => bytes.to_vec(),
        }
    }
}

/// A line of a stack trace in a library, not the example: Python's standard library and
/// site-packages, node_modules and Node's internals, Deno's npm cache, the cargo registry and
/// Rust's standard library, Java's and jnats's classes, Go's standard library and module cache.
static LIBRARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"site-packages/|/lib/python3\.\d+/|node_modules/|node:internal|/npm/registry\.npmjs\.org/",
        r"|/\.cargo/registry/|/rustc/[0-9a-f]+/",
        r"|^\s+at (?:java|javax|jdk|sun|io\.nats)\.[\w.$/]*[\w$]+\.[\w$<>]+\(",
        r"|/go/pkg/mod/|/go/mod/|/go(?:-[\d.]+)?/src/",
    ))
    .expect("a valid regex")
});

/// Java's `... 3 more` after the frames it shortened.
static MORE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s+\.\.\. \d+ more$").expect("a valid regex"));

/// `lines` with each run of library frames made one line saying how many frames it held. A
/// frame's more indented lines after it (Python's code line and `^^^` marks) go with it, and so
/// does the unindented function line before a Go frame's indented path line.
pub fn fold_library_frames(lines: &[String]) -> Vec<String> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut library = vec![false; lines.len()];
    let mut frames = vec![false; lines.len()];
    for (index, line) in lines.iter().enumerate() {
        if LIBRARY.is_match(line) {
            library[index] = true;
            frames[index] = true;
            // Go: `pkg.Func(...)` then `\t/path/file.go:12 +0x1f`.
            if index > 0
                && indent(line) > 0
                && !library[index - 1]
                && indent(&lines[index - 1]) == 0
                && lines[index - 1].ends_with(')')
                && !lines[index - 1].starts_with("main.")
            {
                library[index - 1] = true;
            }
        } else if index > 0 && library[index - 1] && !line.trim().is_empty() {
            let frame = (0..index).rev().find(|&i| frames[i]).unwrap_or(index - 1);
            library[index] = indent(line) > indent(&lines[frame]) || MORE.is_match(line);
        }
    }
    let mut folded = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !library[index] {
            folded.push(lines[index].clone());
            index += 1;
            continue;
        }
        let start = index;
        while index < lines.len() && library[index] {
            index += 1;
        }
        let count = frames[start..index].iter().filter(|frame| **frame).count();
        let first = &lines[start];
        let plural = if count == 1 { "" } else { "s" };
        folded.push(format!(
            "{}... {count} library frame{plural} folded",
            &first[..indent(first)]
        ));
    }
    folded
}

/// What a server warns when the fixture asks whether it is ready a moment before it is: the
/// fixture's own doing, not news about the run.
const READINESS_PROBE: &str = "Healthcheck failed: \"failed to be ready for connections";

/// The lines of context shown around a server's warning or error.
const CONTEXT: usize = 2;

/// What a failure report shows of the fixture servers' logs (`--- nats-server log <name>`
/// sections, as the runner reads them): for each, its warnings, errors and fatal lines (but the
/// [`READINESS_PROBE`]'s) with [`CONTEXT`] lines around them,
/// or one line saying it has none; `saved` is where the whole logs are kept. Empty without logs.
pub fn server_log(logs: &str, saved: Option<&Path>) -> String {
    let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in logs.lines() {
        match line.strip_prefix("--- nats-server log ") {
            Some(name) => sections.push((name, Vec::new())),
            None => {
                if let Some((_, lines)) = sections.last_mut() {
                    lines.push(line);
                }
            }
        }
    }
    if sections.is_empty() {
        return String::new();
    }
    let whole = match saved {
        Some(path) => format!("the whole log: {}", path.display()),
        None => "the whole log could not be saved".to_string(),
    };
    let mut text = String::new();
    for (name, lines) in sections {
        let notable: Vec<usize> = (0..lines.len())
            .filter(|&index| {
                let line = lines[index];
                line.contains("[ERR]")
                    || line.contains("[FTL]")
                    || (line.contains("[WRN]") && !line.contains(READINESS_PROBE))
            })
            .collect();
        let (warnings, errors) = notable
            .iter()
            .partition::<Vec<usize>, _>(|&&index| lines[index].contains("[WRN]"));
        if notable.is_empty() {
            text.push_str(&format!(
                "--- nats-server log {name}: no warnings or errors ({whole})\n"
            ));
            continue;
        }
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        text.push_str(&format!(
            "--- nats-server log {name}: {}, {} ({whole})\n",
            count(errors.len(), "error"),
            count(warnings.len(), "warning")
        ));
        let mut shown = vec![false; lines.len()];
        for &index in &notable {
            let end = (index + CONTEXT + 1).min(lines.len());
            shown[index.saturating_sub(CONTEXT)..end].fill(true);
        }
        let mut last = None;
        for (index, line) in lines.iter().enumerate().filter(|(index, _)| shown[*index]) {
            if last.is_some_and(|last| last + 1 != index) || (last.is_none() && index > 0) {
                text.push_str("...\n");
            }
            text.push_str(line);
            text.push('\n');
            last = Some(index);
        }
        if last.is_some_and(|last| last + 1 < lines.len()) {
            text.push_str("...\n");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn headlines_are_the_kinds_errors() {
        let python = "Traceback (most recent call last):\n  File \"x.py\", line 1\nnats.js.errors.KeyNotFoundError: nats: key not found\n";
        assert_eq!(
            headline(Kind::named("python"), python).as_deref(),
            Some("nats.js.errors.KeyNotFoundError: nats: key not found")
        );
        let java = "Exception in thread \"main\" java.lang.IllegalStateException: failed\n\tat Main.main(Main.java:10)\nCaused by: java.io.IOException: a\nCaused by: io.nats.client.JetStreamApiException: stream not found [10059]\n\t... 3 more\n";
        assert_eq!(
            headline(Kind::named("java"), java).as_deref(),
            Some(
                "java.lang.IllegalStateException: failed; root cause: io.nats.client.JetStreamApiException: stream not found [10059]"
            )
        );
        let rust = "\nthread 'main' (12) panicked at main.rs:7:48:\nthe bucket exists: Error\nnote: run with `RUST_BACKTRACE=1`\n";
        assert_eq!(
            headline(Kind::named("rust"), rust).as_deref(),
            Some("panicked at main.rs:7:48: the bucket exists: Error")
        );
        let go = "2026/12/07 03:22:59 connected\npanic: nats: key not found\n\ngoroutine 1 [running]:\n";
        assert_eq!(
            headline(Kind::named("go"), go).as_deref(),
            Some("panic: nats: key not found")
        );
        assert_eq!(
            headline(Kind::named("go"), "2026/12/07 03:22:59 request: nats: timeout\n").as_deref(),
            Some("request: nats: timeout")
        );
        assert_eq!(
            headline(
                Kind::named("java"),
                "Error: Could not find or load main class Main\nCaused by: java.lang.NoClassDefFoundError: demo/Main (wrong name: Main)\n"
            )
            .as_deref(),
            Some(
                "Could not find or load main class Main; root cause: java.lang.NoClassDefFoundError: demo/Main (wrong name: Main)"
            )
        );
        assert_eq!(
            headline(Kind::named("node"), "Error: boom\n    at file:///x/main.js:1:7\n").as_deref(),
            Some("Error: boom")
        );
        assert_eq!(headline(Kind::named("c"), "Segmentation fault\n"), None);
        assert_eq!(headline(Kind::named("python"), "all good\n"), None);
        assert_eq!(
            headline(Kind::named("python"), "Exception: plain\n").as_deref(),
            Some("Exception: plain")
        );
    }

    #[test]
    fn run_copies_are_named_by_their_repository_path() {
        let paths = Paths::new("kv/basics/python", Kind::named("python"));
        assert_eq!(
            paths.rewrite("  File \"/tmp/nbe-h3BE0H/work/main.py\", line 17, in <module>"),
            "  File \"examples/kv/basics/python/main.py\", line 17, in <module>"
        );
        let go = Paths::new("kv/basics/go", Kind::named("go"));
        assert_eq!(
            go.rewrite("\t/root/.cache/nbe/tmp/go-I4zYAI/main.go:21 +0xb7"),
            "\texamples/kv/basics/go/main.go:21 +0xb7"
        );
        let node = Paths::new("a/b/node", Kind::named("node"));
        assert_eq!(
            node.rewrite("    at file:///tmp/nbe-EgmKII/work/main.js:5:10"),
            "    at examples/a/b/node/main.js:5:10"
        );
        let rust = Paths::new("a/b/rust", Kind::named("rust"));
        assert_eq!(
            rust.rewrite("panicked at main.rs:7:48: oops"),
            "panicked at examples/a/b/rust/main.rs:7:48: oops"
        );
        // A library's file of the same name keeps its path.
        assert_eq!(
            node.rewrite("at /x/node_modules/y/main.js:1:2"),
            "at /x/node_modules/y/main.js:1:2"
        );
    }

    #[test]
    fn streamed_output_is_rewritten_by_lines_and_a_prompt_shows_at_once() {
        let mut live = Live::new("a/b/python", Kind::named("python"));
        let mut shown = Vec::new();
        let mut out = |bytes: &[u8]| shown.push(String::from_utf8_lossy(bytes).into_owned());
        live.push(b"Name? ", &mut out);
        live.push(b"\n  File \"/tmp/nbe-h3BE0H/wo", &mut out);
        live.push(b"rk/main.py\", line 3\ndone", &mut out);
        live.push(b" /tmp/nbe-h3BE0H/work/main.py", &mut out);
        live.finish(&mut out);
        assert_eq!(
            shown,
            [
                "Name? ",
                "\n",
                "  File \"examples/a/b/python/main.py\", line 3\n",
                "done",
                " examples/a/b/python/main.py"
            ]
        );
    }

    #[test]
    fn library_frames_fold_into_one_line_and_the_examples_stay() {
        let python = lines(
            "Traceback (most recent call last):\n  File \"examples/k/b/python/main.py\", line 17, in <module>\n    asyncio.run(main())\n  File \"/usr/lib/python3.11/asyncio/runners.py\", line 190, in run\n    return runner.run(main)\n           ^^^^^^^^^^^^^^^^\n  File \"/v/lib/python3.11/site-packages/nats/js/kv.py\", line 184, in _get\n    raise nats.js.errors.KeyNotFoundError\nnats.js.errors.KeyNotFoundError: nats: key not found",
        );
        assert_eq!(
            fold_library_frames(&python),
            lines(
                "Traceback (most recent call last):\n  File \"examples/k/b/python/main.py\", line 17, in <module>\n    asyncio.run(main())\n  ... 2 library frames folded\nnats.js.errors.KeyNotFoundError: nats: key not found"
            )
        );
        let go = lines(
            "goroutine 1 [running]:\ngithub.com/nats-io/nats.go.(*Conn).Request(...)\n\t/c/go/mod/github.com/nats-io/nats.go@v1/nats.go:1 +0x1\nmain.main()\n\texamples/a/b/go/main.go:21 +0xb7\nruntime.main()\n\t/usr/local/go/src/runtime/proc.go:283 +0x28b",
        );
        assert_eq!(
            fold_library_frames(&go),
            lines(
                "goroutine 1 [running]:\n... 1 library frame folded\nmain.main()\n\texamples/a/b/go/main.go:21 +0xb7\n... 1 library frame folded"
            )
        );
        let java = lines(
            "Caused by: x\n\tat io.nats.client.impl.NatsKeyValue.<init>(NatsKeyValue.java:52)\n\tat Main.main(examples/a/b/java/Main.java:8)\n\tat java.base/java.lang.Thread.run(Thread.java:1)\n\t... 3 more",
        );
        assert_eq!(
            fold_library_frames(&java),
            lines(
                "Caused by: x\n\t... 1 library frame folded\n\tat Main.main(examples/a/b/java/Main.java:8)\n\t... 1 library frame folded"
            )
        );
    }

    #[test]
    fn a_server_log_shows_its_warnings_and_errors_with_context_and_never_the_banner() {
        let log = "--- nats-server log n1.log\n[1] [INF] Starting nats-server\n[1] [WRN] Healthcheck failed: \"failed to be ready for connections after 1ms: server\"\n[1] [INF] Server is ready\n[1] [INF] a\n[1] [INF] b\n[1] [INF] c\n[1] [INF] d\n[1] [ERR] boom\n[1] [INF] e\n--- nats-server log n2.log\n[1] [INF] Server is ready\n";
        let saved = Path::new("/cache/failed/a/b/go.server.log");
        assert_eq!(
            server_log(log, Some(saved)),
            "--- nats-server log n1.log: 1 error, 0 warnings (the whole log: /cache/failed/a/b/go.server.log)\n\
             ...\n[1] [INF] c\n[1] [INF] d\n[1] [ERR] boom\n[1] [INF] e\n\
             --- nats-server log n2.log: no warnings or errors (the whole log: /cache/failed/a/b/go.server.log)\n"
        );
        assert_eq!(server_log("", None), "");
    }
}
