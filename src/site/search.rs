//! The search index: what the site's search box looks through, written once at `nbe build` time.
//!
//! One entry per category page and one per example page. An example's entry carries its title, its
//! description, the prose of all its programs and the *terms* of their code: the `nats` commands
//! they run (`nats stream add`), the subjects they use (`orders.*`, `kv.>`) and the header names
//! they set (`Nats-Msg-Id`), so a reader finds a page by what it does, not only by its title. The
//! index is JSON assigned to `window.NBE_SEARCH` in a script file, because pages opened from
//! `file://` may load scripts but not fetch JSON. The matching itself is `assets/site.js`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use serde_json::json;

use super::markdown;
use super::page::{ClientView, Program};
use super::split;
use super::syntax::TokenKind;
use crate::catalog::Catalog;

/// Global options of `nats` that take a value, skipped on the way to the subcommand.
const NATS_VALUE_FLAGS: &[&str] = &[
    "--user",
    "--password",
    "--server",
    "-s",
    "--context",
    "--creds",
    "--nkey",
    "--token",
    "--tlscert",
    "--tlskey",
    "--tlsca",
    "--timeout",
    "--js-domain",
    "--connection-name",
];
/// Dotted words, with `*` and `>` as whole segments: subject candidates.
static SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9_$-]+(?:\.(?:[A-Za-z0-9_$-]+|\*|>))+|\*\.[A-Za-z0-9_.*>-]+")
        .expect("valid pattern")
});
/// Header names: capitalised words joined by hyphens, like `Nats-Msg-Id`.
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z][a-z]+(?:-[A-Z][A-Za-z]*)+\b").expect("valid pattern"));

/// Last segments that make a dotted word a file name or a host, not a subject.
const NOT_SUBJECT_ENDINGS: &[&str] = &[
    "c", "cast", "conf", "creds", "cs", "db", "ex", "exs", "go", "html", "java", "js", "json", "jwt", "key",
    "log", "md", "h", "jpg", "png", "gif", "mjs", "mod", "nk", "pem", "py", "rb", "rs", "sh", "sum", "toml",
    "ts", "txt", "yaml", "yml", "zig", "com", "io", "org", "net",
];

/// `assets/search-index.js` for `catalog`, with the prose and code terms of `views`.
pub fn index(catalog: &Catalog, views: &[ClientView<'_>]) -> String {
    let mut by_example: BTreeMap<&str, Vec<&ClientView<'_>>> = BTreeMap::new();
    for view in views {
        by_example
            .entry(view.example.path.as_str())
            .or_default()
            .push(view);
    }
    let mut entries = Vec::new();
    for category in &catalog.categories {
        entries.push(json!({
            "title": category.title,
            "text": markdown::plain(&category.description),
            "url": markdown::page_url(0, &category.name),
            "kind": "category",
        }));
        for example in &category.examples {
            let langs: Vec<&str> = example.clients.iter().map(|c| c.kind.label()).collect();
            let mut prose = Vec::new();
            let mut terms = BTreeSet::new();
            for view in by_example.get(example.path.as_str()).into_iter().flatten() {
                let shell = view.client.main_name().ends_with(".sh");
                prose.extend(program_prose(&view.program));
                for (code, in_string) in program_code(&view.program) {
                    code_terms(code, shell || in_string, &mut terms);
                }
            }
            // Prose repeated across languages is indexed once.
            let mut seen = BTreeSet::new();
            prose.retain(|p| seen.insert(p.clone()));
            entries.push(json!({
                "title": example.title,
                "text": markdown::plain(&example.description),
                "prose": prose.join(" "),
                "terms": terms.into_iter().collect::<Vec<_>>(),
                "url": markdown::page_url(0, &example.path),
                "kind": category.title,
                "langs": langs,
            }));
        }
    }
    format!("window.NBE_SEARCH = {};\n", serde_json::Value::Array(entries))
}

/// The prose of a program, as plain text, block by block.
fn program_prose(program: &Program) -> Vec<String> {
    match program {
        Program::Split { split, .. } => split
            .sections
            .iter()
            .filter(|s| !s.prose.is_empty())
            .map(|s| markdown::plain(&s.prose))
            .collect(),
        Program::Plain(_) => Vec::new(),
    }
}

/// The code of a program without its prose, as pieces, each with whether it is a string literal
/// (where client programs keep their subjects and header names).
fn program_code(program: &Program) -> Vec<(&str, bool)> {
    match program {
        Program::Split { source, split } => {
            let mut pieces = Vec::new();
            for block in split::blocks(&split.sections) {
                for range in block.code {
                    pieces.push((&source[range.clone()], false));
                    let strings = split
                        .tokens
                        .iter()
                        .filter(|t| t.kind == TokenKind::Str && t.start >= range.start && t.end <= range.end);
                    pieces.extend(strings.map(|t| (&source[t.start..t.end], true)));
                }
            }
            pieces
        }
        Program::Plain(text) => vec![(text.as_str(), false)],
    }
}

/// Adds the terms of `code` to `terms`: `nats` commands and header names anywhere, subjects only
/// where `subjects` (shell code and string literals; elsewhere `msg.data` is not a subject).
fn code_terms(code: &str, subjects: bool, terms: &mut BTreeSet<String>) {
    for line in code.lines() {
        if let Some(command) = nats_command(line) {
            terms.insert(command);
        }
    }
    for found in HEADER.find_iter(code) {
        terms.insert(found.as_str().to_string());
    }
    if !subjects {
        return;
    }
    for found in SUBJECT.find_iter(code) {
        let word = found.as_str().trim_end_matches(['.', '-']);
        // A call (`msg.respond(`) or an interpolation (`${status.bucket}`) is code, not a subject.
        let interpolated = code[..found.start()].ends_with('{');
        if code[found.end()..].starts_with('(') || interpolated || !is_subject(word) {
            continue;
        }
        terms.insert(word.to_string());
    }
}

/// The `nats` command a line runs, as `nats` and up to two subcommand words (`nats stream add`),
/// past global options (`nats --user u --password p stream add`).
fn nats_command(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().skip_while(|w| {
        // `"$(nats` in a command substitution: the command starts at the word ending in `nats`.
        !(*w == "nats" || w.ends_with("(nats"))
    });
    words.next()?;
    let mut command = vec!["nats"];
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            if NATS_VALUE_FLAGS.contains(&word) {
                words.next();
            }
            continue;
        }
        if !word.chars().all(|c| c.is_ascii_lowercase() || c == '-') || command.len() == 3 {
            break;
        }
        command.push(word);
    }
    (command.len() > 1).then(|| command.join(" "))
}

/// Whether a dotted word reads as a subject: no number-only segment (versions, addresses), not a
/// file or host name, no shell variable.
fn is_subject(word: &str) -> bool {
    let segments: Vec<&str> = word.split('.').collect();
    let last = segments.last().copied().unwrap_or_default();
    segments.len() > 1
        && !word.contains('$')
        && segments
            .iter()
            .all(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit()))
        && !NOT_SUBJECT_ENDINGS.contains(&last.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(code: &str, subjects: bool) -> Vec<String> {
        let mut terms = BTreeSet::new();
        code_terms(code, subjects, &mut terms);
        terms.into_iter().collect()
    }

    #[test]
    fn commands_subjects_and_headers_are_terms() {
        let code = "nats stream add ORDERS --subjects 'orders.*' --defaults\n\
                    nats pub orders.new hello -H Nats-Msg-Id:1\n\
                    nats sub 'kv.>' &\n\
                    nats --user a --password b -q server report jetstream\n\
                    cat accounts.conf; curl http://127.0.0.1:8222/healthz; echo $NATS_URL.x \"${s.bucket}\"\n";
        assert_eq!(
            terms(code, true),
            [
                "Nats-Msg-Id",
                "kv.>",
                "nats pub",
                "nats server report",
                "nats stream add",
                "nats sub",
                "orders.*",
                "orders.new",
            ]
        );
    }

    #[test]
    fn client_code_gives_subjects_only_from_strings() {
        assert_eq!(
            terms("js.publish(msg.data)\nx = msg.data\n", false),
            Vec::<String>::new()
        );
        assert_eq!(terms("\"events.eu.*\"", true), ["events.eu.*"]);
        assert_eq!(terms("nc.subscribe(\"a.b\")", true), ["a.b"]);
    }

    #[test]
    fn the_index_has_prose_and_terms_of_every_client() {
        let tmp = tempfile::tempdir().unwrap();
        for (path, content) in [
            ("examples/meta.yaml", "categories: [kv]\n"),
            (
                "examples/kv/meta.yaml",
                "title: Key-value\ndescription: Buckets.\nexamples: [watch]\n",
            ),
            (
                "examples/kv/watch/meta.yaml",
                "title: KV Watch\ndescription: Follow *changes*.\n",
            ),
            (
                "examples/kv/watch/cli/main.sh",
                "#!/bin/bash\n# Watch the bucket for updates.\nnats kv watch CONFIG 'app.>'\n",
            ),
            (
                "examples/kv/watch/go/main.go",
                "package main\n\n// Watch from Go, with a header.\nfunc main() { h.Set(\"Nats-Msg-Id\", \"x\"); kv.Watch(\"app.*\") }\n",
            ),
        ] {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let catalog = Catalog::load(tmp.path()).unwrap();
        let site = crate::site::render(&catalog, &crate::site::tests::Unrecorded);
        let js = String::from_utf8(site.files["assets/search-index.js"].clone()).unwrap();
        let json = js
            .strip_prefix("window.NBE_SEARCH = ")
            .unwrap()
            .trim_end()
            .trim_end_matches(';');
        let entries: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            entries.as_array().unwrap().len(),
            2,
            "one category and one example"
        );
        let watch = &entries[1];
        assert_eq!(watch["title"], "KV Watch");
        assert_eq!(watch["text"], "Follow changes.");
        assert_eq!(watch["url"], "kv/watch/index.html");
        assert_eq!(
            watch["prose"],
            "Watch the bucket for updates. Watch from Go, with a header."
        );
        assert_eq!(
            watch["terms"],
            json!(["Nats-Msg-Id", "app.*", "app.>", "nats kv watch"])
        );
        assert_eq!(watch["langs"], json!(["CLI", "Go"]));
    }
}
