//! The finding codes of `nbe lint`: one row per code, with its severity, a title, why it
//! matters and the usual fix. Codes are stable: a code keeps its meaning for good, and a
//! retired code is never reused, since `meta.yaml` files name them in `lint.allow`.

use serde::Serialize;

/// How bad a finding is: an error fails `nbe lint` (exit 1), a warning only with `--deny warnings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth fixing, but the example still works as documented.
    Warning,
    /// The example is wrong, works only by luck, or its page is wrong.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Warning => "warning",
            Self::Error => "error",
        })
    }
}

/// One finding code.
#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    /// `NBE101`.
    pub id: &'static str,
    /// How bad a finding of this code is.
    pub severity: Severity,
    /// A short name, like `shared-store-dir`.
    pub name: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// What usually fixes it.
    pub fix: &'static str,
}

/// Several JetStream servers of one example share a storage directory.
pub const SHARED_STORE_DIR: &Code = &CODES[0];
/// A server started in the background is used before anything waited for it to be ready.
pub const NO_READINESS_WAIT: &Code = &CODES[1];
/// A fixed `sleep` outside a polling loop.
pub const FIXED_SLEEP: &Code = &CODES[2];
/// An absolute path outside the run's work dir.
pub const ABSOLUTE_PATH: &Code = &CODES[3];
/// Two servers of one example listen on the same port.
pub const PORT_COLLISION: &Code = &CODES[4];
/// The recorded output holds error lines the example does not declare.
pub const UNDECLARED_ERROR: &Code = &CODES[5];
/// A client has no recording or no snapshot.
pub const NOT_RECORDED: &Code = &CODES[6];
/// A client's recording is older than its files.
pub const STALE_RECORDING: &Code = &CODES[7];
/// A client's recording is broken or disagrees with its snapshot.
pub const BROKEN_RECORDING: &Code = &CODES[8];
/// An example or category has no title in its `meta.yaml`.
pub const NO_TITLE: &Code = &CODES[9];
/// An example or category has no description in its `meta.yaml`.
pub const NO_DESCRIPTION: &Code = &CODES[10];
/// An example directory is not listed in its category's `meta.yaml`.
pub const NOT_LISTED: &Code = &CODES[11];
/// A client directory is named after no kind nbe knows.
pub const UNKNOWN_KIND: &Code = &CODES[12];
/// A program's comments carry no prose.
pub const NO_PROSE: &Code = &CODES[13];
/// Any other catalog problem: something that does not load.
pub const CATALOG: &Code = &CODES[14];
/// A script nbe cannot parse, so the script rules could not look at it.
pub const UNPARSED: &Code = &CODES[15];
/// A `lint.allow` that silences nothing.
pub const UNUSED_ALLOW: &Code = &CODES[16];
/// Text `nbe new` wrote for the author to replace, left as it was.
pub const TEMPLATE_TEXT: &Code = &CODES[17];

/// Two examples of the catalog have the same title.
pub const DUPLICATE_TITLE: &Code = &CODES[18];

/// A script runs a program this machine does not have, and its client does not declare it.
pub const MISSING_PROGRAM: &Code = &CODES[19];

/// Every code, in numeric order.
pub const CODES: [Code; 20] = [
    Code {
        id: "NBE101",
        severity: Severity::Error,
        name: "shared-store-dir",
        why: "JetStream servers without a distinct storage directory share the default one \
              (<tmp>/nats/jetstream) and overwrite each other's RAFT state and streams; the \
              example then fails or works only by luck (`raft: corrupt peer state`)",
        fix: "give every JetStream server its own directory: `store_dir: \"./data/<name>\"` in \
              its `jetstream {}` block, or `-sd ./data/<name>` on its command line",
    },
    Code {
        id: "NBE102",
        severity: Severity::Error,
        name: "no-readiness-wait",
        why: "a server started in the background takes a moment to listen, longer on a busy \
              machine; a command that runs after nothing but a fixed sleep fails when the \
              server is slower than the sleep",
        fix: "wait until the server is ready before using it: poll its `/healthz` monitoring \
              endpoint in a loop that breaks on success (see the shipped examples), or use \
              `curl --retry-connrefused`",
    },
    Code {
        id: "NBE103",
        severity: Severity::Warning,
        name: "fixed-sleep",
        why: "a fixed sleep is too short on a busy machine (a flaky example) and too long on a \
              quiet one (a slow example)",
        fix: "wait for the condition itself: a loop that checks it, sleeps briefly and breaks \
              once it holds, with a limit on the attempts",
    },
    Code {
        id: "NBE104",
        severity: Severity::Error,
        name: "absolute-path",
        why: "a path outside the run's work dir depends on the machine and is shared by \
              parallel runs (without namespaces nbe's runs share the host's /tmp); the \
              example is no longer self-contained",
        fix: "use a path relative to the work dir (the script's current directory), like \
              `./data`",
    },
    Code {
        id: "NBE105",
        severity: Severity::Error,
        name: "port-collision",
        why: "two servers of one example listening on one port cannot both start; the second \
              fails and the example works only if nothing needs it",
        fix: "give every server its own ports (client, monitoring, cluster, gateway, leaf \
              node); a server without `port`/`listen`/`-p` listens on 4222",
    },
    Code {
        id: "NBE106",
        severity: Severity::Error,
        name: "undeclared-error",
        why: "the recording shows an error the example does not mean to show, so the docs page \
              publishes a failed run",
        fix: "fix the example and re-record it (`nbe record PATH`); an example meant to show \
              an error declares it in meta.yaml: `expect: {error_lines: [\"nats: error: .*\"]}`",
    },
    Code {
        id: "NBE107",
        severity: Severity::Error,
        name: "not-recorded",
        why: "without a recording and a snapshot the page has no output and `nbe test` has \
              nothing to compare with",
        fix: "record the client: `nbe record PATH`",
    },
    Code {
        id: "NBE108",
        severity: Severity::Error,
        name: "stale-recording",
        why: "the recording was made from older files, so the page may show output the current \
              program does not print",
        fix: "re-record the client: `nbe record PATH`",
    },
    Code {
        id: "NBE109",
        severity: Severity::Error,
        name: "broken-recording",
        why: "the recorded files disagree with each other or with the snapshot, so the page \
              cannot be trusted",
        fix: "re-record the client: `nbe record PATH`",
    },
    Code {
        id: "NBE110",
        severity: Severity::Warning,
        name: "no-title",
        why: "without a title the page shows the directory name, title-cased",
        fix: "add `title: ...` to the meta.yaml",
    },
    Code {
        id: "NBE111",
        severity: Severity::Error,
        name: "no-description",
        why: "without a description the page does not say what the example shows or teaches",
        fix: "add `description: ...` (Markdown) to the meta.yaml",
    },
    Code {
        id: "NBE112",
        severity: Severity::Error,
        name: "not-listed",
        why: "the category's meta.yaml orders its examples; an example it does not list has no \
              place in the reading order and no page (commands that run clients run it, with a \
              warning)",
        fix: "add the example's directory name to `examples:` in the category's meta.yaml",
    },
    Code {
        id: "NBE113",
        severity: Severity::Error,
        name: "unknown-kind",
        why: "a client directory is named after its language; nbe neither runs nor shows a \
              directory whose name is no kind in clients/kinds.toml",
        fix: "rename the directory to a kind's name or alias (cli, go, python, ...)",
    },
    Code {
        id: "NBE114",
        severity: Severity::Error,
        name: "no-prose",
        why: "comments in a program are the prose of its docs page; a program without any \
              shows bare code",
        fix: "explain each step in comment lines above the code they describe",
    },
    Code {
        id: "NBE115",
        severity: Severity::Error,
        name: "catalog",
        why: "what this touches does not load, so no command runs or shows it",
        fix: "fix what the message names",
    },
    Code {
        id: "NBE116",
        severity: Severity::Warning,
        name: "unparsed-script",
        why: "nbe could not read all of the script (its bash, or a server configuration it \
              writes), or it nests or includes deeper than nbe reads, so the script rules did \
              not look at all of it",
        fix: "check the script's syntax with `bash -n main.sh`; flatten deep nesting into \
              functions and deep includes into fewer files",
    },
    Code {
        id: "NBE117",
        severity: Severity::Warning,
        name: "unused-allow",
        why: "an allow that silences nothing no longer describes the example, and would hide \
              the finding if it came back for another reason",
        fix: "remove the item from `lint.allow`",
    },
    Code {
        id: "NBE118",
        severity: Severity::Error,
        name: "template-text",
        why: "the placeholder description and the template's comments are published as they \
              stand: the page would describe the template's request and reply, not the example",
        fix: "replace the description with what a reader learns from the example, and write the \
              program's comments about what it does",
    },
    Code {
        id: "NBE119",
        severity: Severity::Warning,
        name: "duplicate-title",
        why: "the site lists examples by title; two examples with one title read as the same \
              page in the navigation and in search",
        fix: "give each example a `title` that says what it alone shows",
    },
    Code {
        id: "NBE120",
        severity: Severity::Warning,
        name: "missing-program",
        why: "a command that is no builtin, no function of the script and no program in the \
              tools dir or on PATH ends the run with `command not found` (exit 127), a failure \
              that says nothing about the example",
        fix: "if the example needs the program, declare it in the example's meta.yaml \
              (`requires: [name]`, or `clients: {cli: {requires: [name]}}`): where it is missing \
              the client is skipped with that reason; else fix the command's name",
    },
];

impl Code {
    /// The code with this id, like `NBE104`.
    pub fn find(id: &str) -> Option<&'static Code> {
        CODES.iter().find(|code| code.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_numbered_in_order_and_named_once() {
        for (index, code) in CODES.iter().enumerate() {
            assert_eq!(code.id, format!("NBE{}", 101 + index));
            assert_eq!(CODES.iter().filter(|c| c.name == code.name).count(), 1);
        }
        assert_eq!(Code::find("NBE104").map(|c| c.name), Some("absolute-path"));
        assert!(Code::find("NBE999").is_none());
    }

    #[test]
    fn docs_lint_md_lists_every_code_with_its_severity_and_name() {
        let docs = include_str!("../../docs/LINT.md");
        for code in &CODES {
            let row = format!("| {} | {} | {} |", code.id, code.severity, code.name);
            assert!(docs.contains(&row), "docs/LINT.md lacks {row}");
        }
    }
}
