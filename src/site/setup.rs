//! Which blocks of a program only prepare the stage, so the page can fold them into one "Setup"
//! disclosure and the first screen shows the idea.
//!
//! A block is setup when its prose says so with a comment line reading `<!setup>`, and never when
//! it reads `<!no-setup>`. Otherwise, in any language, a block that only declares the package and
//! imports libraries is setup; and a bash script is judged statement by top-level statement: a
//! block is setup when every statement is one of a shebang, `set -…`, `export`,
//! `trap`, `cd`, `mkdir`, `rm`, a fixed `sleep`, a `nats-server` started in the background, a pid
//! taken from `$!`, a function definition, or a loop that polls (it sleeps, and asks a monitoring
//! endpoint or `nats server check`/`ping`). Anything else (a `nats` command, a heredoc writing a
//! config file, a loop that sends messages) is the example itself. The page folds only the setup
//! blocks before the first block that is not, so nothing moves out of reading order.
//!
//! The judgement reads lines, not a parse: lint's shell reader ([`crate::lint`]) walks commands in
//! execution order and knows servers and sleeps, but not where a statement's lines end, which is
//! what a block needs; a line reader that knows indentation and heredocs answers that directly.

/// The prose marker that makes a block setup.
pub const SETUP: &str = "<!setup>";
/// The prose marker that keeps a block out of the setup fold.
pub const NO_SETUP: &str = "<!no-setup>";

/// What a setup block does, for the fold's summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Setup {
    /// It starts at least one `nats-server`.
    pub starts_server: bool,
    /// It waits for something to be ready.
    pub waits: bool,
    /// The functions it defines.
    pub defines: Vec<String>,
    /// It only declares the package and imports the libraries.
    pub imports: bool,
}

impl Setup {
    /// Adds what `other` does.
    pub fn merge(&mut self, other: Setup) {
        self.starts_server |= other.starts_server;
        self.waits |= other.waits;
        self.defines.extend(other.defines);
        self.imports |= other.imports;
    }

    /// A few words for the fold's summary, like "starts the server, waits until it is ready".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.imports {
            parts.push("imports the libraries".to_string());
        }
        if self.starts_server {
            parts.push("starts the server".to_string());
        }
        if self.waits {
            parts.push("waits until it is ready".to_string());
        }
        if !self.defines.is_empty() {
            let names: Vec<String> = self.defines.iter().map(|n| format!("<code>{n}</code>")).collect();
            parts.push(format!("defines {}", names.join(", ")));
        }
        if parts.is_empty() {
            parts.push("prepares the run".to_string());
        }
        parts.join(", ")
    }
}

/// `prose` without the marker lines, and what they said: `Some(true)` for [`SETUP`],
/// `Some(false)` for [`NO_SETUP`].
pub fn markers(prose: &str) -> (String, Option<bool>) {
    let mut said = None;
    let mut kept = String::with_capacity(prose.len());
    for line in prose.lines() {
        match line.trim() {
            SETUP => said = Some(true),
            NO_SETUP => said = Some(false),
            _ => {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    (kept.trim_end().to_string(), said)
}

/// What the block with `code` does when it is setup, or `None` when it is part of the example.
/// `shell` says whether the program is a bash script; `marker` is what [`markers`] found.
pub fn judge(code: &str, shell: bool, marker: Option<bool>) -> Option<Setup> {
    match marker {
        Some(true) => return Some(Setup::default()),
        Some(false) => return None,
        None if !shell => {
            return only_imports(code).then(|| Setup {
                imports: true,
                ..Setup::default()
            });
        }
        None => {}
    }
    let mut setup = Setup::default();
    let mut any = false;
    for statement in statements(code) {
        let first = statement.first()?.trim();
        if first.is_empty() || first.starts_with('#') && !first.starts_with("#!") {
            continue;
        }
        any = true;
        let word = first.split_whitespace().next().unwrap_or_default();
        let whole = statement.join("\n");
        if let Some(name) = function_name(first) {
            setup.defines.push(name.to_string());
        } else if matches!(word, "for" | "until" | "while") {
            let polls = whole.contains("sleep")
                && [
                    "healthz",
                    "/varz",
                    "/jsz",
                    "/connz",
                    "server check",
                    "server ping",
                    "curl",
                ]
                .iter()
                .any(|probe| whole.contains(probe));
            if !polls {
                return None;
            }
            setup.waits = true;
        } else if word == "nats-server" {
            if !whole.trim_end().ends_with('&') || whole.contains("--signal") {
                return None;
            }
            setup.starts_server = true;
        } else if !(first.starts_with("#!")
            || matches!(word, "set" | "export" | "trap" | "cd" | "mkdir" | "rm" | "sleep")
            || is_pid_capture(first))
        {
            return None;
        }
    }
    any.then_some(setup)
}

/// True when every line of `code` declares the package or imports something (`package main`,
/// `import (` and the paths in it, `from x import y`, `use std::env;`, `#include <nats.h>`, `const
/// nats = require("nats")`), the opening block of most programs in every language.
fn only_imports(code: &str) -> bool {
    const STARTS: [&str; 8] = [
        "package ", "import ", "import(", "from ", "use ", "#include", "using ", "require ",
    ];
    let mut any = false;
    let mut in_group = false;
    for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let is_import = if in_group {
            in_group = line != ")";
            true
        } else if STARTS.iter().any(|start| line.starts_with(start)) {
            in_group = line.ends_with('(');
            true
        } else {
            line.contains("require(")
                && matches!(line.split_whitespace().next(), Some("const" | "let" | "var"))
        };
        if !is_import {
            return false;
        }
        any = true;
    }
    any
}

/// `name` when `line` opens a function definition (`name() {` or `function name {`).
fn function_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("function ").unwrap_or(line);
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    let (name, after) = rest.split_at(end);
    let after = after.trim_start();
    (!name.is_empty() && (after.starts_with("()") || line.starts_with("function "))).then_some(name)
}

/// True for `name=$!`, which keeps the pid of what was just started in the background.
fn is_pid_capture(line: &str) -> bool {
    line.split_once('=').is_some_and(|(name, value)| {
        name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && value.trim() == "$!"
    })
}

/// The top-level statements of bash `code`, as their lines: a statement starts at a line without
/// indentation and takes the indented lines after it, the lines closing it (`done`, `fi`, `}`,
/// `esac`, `)`), lines continued with `\`, and the body of a heredoc it opens.
fn statements(code: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut heredoc: Option<String> = None;
    let mut continued = false;
    for line in code.lines() {
        if let Some(end) = &heredoc {
            if line.trim() == end {
                heredoc = None;
            }
            if let Some(last) = out.last_mut() {
                last.push(line);
            }
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let closing = matches!(
            line.split_whitespace().next(),
            Some("done" | "fi" | "}" | "esac" | ")" | "};")
        );
        match out.last_mut() {
            Some(last) if indented || closing || continued || line.trim().is_empty() => last.push(line),
            _ => out.push(vec![line]),
        }
        continued = line.trim_end().ends_with('\\');
        heredoc = heredoc_end(line);
    }
    out
}

/// The word that ends a heredoc `line` opens (`<<EOF`, `<<-'EOF'`, `<< "END"`).
fn heredoc_end(line: &str) -> Option<String> {
    let at = line.find("<<")?;
    let rest = line[at + 2..].trim_start_matches('-').trim_start();
    if rest.starts_with('<') {
        return None; // a here-string, `<<<`
    }
    let word: String = rest
        .chars()
        .filter(|c| *c != '\'' && *c != '"')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: &str = "#!/bin/bash\n\nset -euo pipefail\n\
        nats-server --addr 127.0.0.1 --port 4222 --http_port 8222 > server.log 2>&1 &\nserver=$!\n\
        export NATS_URL=\"nats://127.0.0.1:4222\"";

    const WAIT: &str = r#"for attempt in $(seq 1 150); do
  curl -fsS http://127.0.0.1:8222/healthz > /dev/null 2>&1 && break
  if [ "$attempt" -eq 150 ]; then
    exit 1
  fi
  sleep 0.2
done"#;

    #[test]
    fn server_starts_and_readiness_loops_are_setup() {
        let start = judge(START, true, None).unwrap();
        assert!(start.starts_server && !start.waits);
        let wait = judge(WAIT, true, None).unwrap();
        assert!(wait.waits && !wait.starts_server);
        let helper = judge(
            "wait_for_subscriptions() {\n  local expected=$1\n  for _ in $(seq 1 150); do\n    sleep 0.2\n  done\n}",
            true,
            None,
        )
        .unwrap();
        assert_eq!(helper.defines, ["wait_for_subscriptions"]);
        let mut all = start;
        all.merge(wait);
        all.merge(helper);
        assert_eq!(
            all.summary(),
            "starts the server, waits until it is ready, defines <code>wait_for_subscriptions</code>"
        );
    }

    #[test]
    fn what_the_example_does_is_not_setup() {
        assert_eq!(judge("nats pub orders.new 'one'", true, None), None);
        assert_eq!(
            judge(&format!("{START}\nnats stream add ORDERS"), true, None),
            None
        );
        // A loop that sends messages, and a config file written with a heredoc, are the example.
        assert_eq!(
            judge(
                "for job in 1 2 3; do\n  nats request jobs \"job $job\"\ndone",
                true,
                None
            ),
            None
        );
        assert_eq!(
            judge(
                "cat > server.conf <<EOF\nport: 4222\njetstream: {}\nEOF",
                true,
                None
            ),
            None
        );
        // A server started in the foreground, or signalled, is what the example shows.
        assert_eq!(judge("nats-server --signal ldm=$pid", true, None), None);
        // Other languages fold only imports, or what their markers say.
        assert_eq!(judge("package main\n\nfunc main() {}", false, None), None);
        assert!(judge("func main() {}", false, Some(true)).is_some());
        assert_eq!(judge(START, true, Some(false)), None);
    }

    #[test]
    fn blocks_of_imports_are_setup_in_every_language() {
        for code in [
            "package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/nats-io/nats.go\"\n)",
            "import asyncio\nfrom nats.aio.client import Client",
            "use std::env;\nuse async_nats::jetstream;",
            "#include <stdio.h>\n#include <nats/nats.h>",
            "const { connect } = require(\"nats\");",
            "import { connect } from \"jsr:@nats-io/transport-deno\";",
        ] {
            let setup = judge(code, false, None).unwrap_or_else(|| panic!("{code}"));
            assert_eq!(setup.summary(), "imports the libraries");
        }
        assert_eq!(
            judge("import os\nprint(os.environ[\"NATS_URL\"])", false, None),
            None
        );
    }

    #[test]
    fn heredoc_bodies_and_continued_lines_belong_to_their_statement() {
        let code = "export A=1\ncat <<'EOF' > x.conf\nnats-server &\nEOF\nnats-server \\\n  --port 4222 &";
        let statements = statements(code);
        assert_eq!(statements.len(), 3, "{statements:?}");
        assert_eq!(statements[1], ["cat <<'EOF' > x.conf", "nats-server &", "EOF"]);
        assert_eq!(heredoc_end("x <<< \"$v\""), None);
        assert_eq!(heredoc_end("cat <<-\"END\" > f").as_deref(), Some("END"));
    }

    #[test]
    fn markers_are_removed_from_the_prose() {
        assert_eq!(
            markers("Start here.\n<!setup>\nMore."),
            ("Start here.\nMore.".to_string(), Some(true))
        );
        assert_eq!(markers(" <!no-setup>\nText."), ("Text.".to_string(), Some(false)));
        assert_eq!(markers("Plain."), ("Plain.".to_string(), None));
    }
}
