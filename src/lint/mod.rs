//! `nbe lint`: finds what is wrong with examples without running them.
//!
//! Each [`Finding`] has a stable [`code::Code`] (NBE101...), a severity, the file and line it is
//! about, and the code's explanation and usual fix. The rules:
//!
//! - scripts (`main.sh` of `cli` and `shell` clients), read by [`shell`]: JetStream servers
//!   sharing a storage directory and servers sharing a port ([`servers`], [`conf`]), servers used
//!   before a readiness wait, fixed sleeps, absolute paths outside the work dir;
//! - recordings, judged by the same code as `nbe check` ([`crate::suite::verdict`]): undeclared
//!   error lines, missing, stale or broken recordings;
//! - the catalog: problems that keep a part from loading (an unlisted example, an unknown client
//!   kind...), a missing title or description, a program without prose (the site's own split,
//!   [`crate::program::split`]).
//!
//! An example silences a finding in its `meta.yaml` with a reason (`lint: {allow: [{code: NBE103,
//! reason: ...}]}`); silenced findings are kept apart ([`Lint::allowed`]) and the site lists them.

pub mod code;
pub mod conf;
pub mod render;
pub mod servers;
pub mod shell;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::{self, Catalog, Example, ProblemKind, Selected};
use crate::error::{Error, Result};
use crate::program::memo;
use crate::program::syntax::Syntax;
use crate::recording::Recording;
use crate::runner::tools::Tools;
use crate::scaffold::leftover;
use crate::suite::verdict::{self, Verdict};
use code::{Code, Severity};

/// A place in a file, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
    /// What is there.
    pub label: String,
}

/// One thing wrong with an example.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The code.
    #[serde(serialize_with = "code_id")]
    pub code: &'static Code,
    /// The catalog path it belongs to: a category, an example or a client.
    pub path: String,
    /// The file it is about.
    pub file: PathBuf,
    /// One-based line, when it is about a line.
    pub line: Option<usize>,
    /// One-based column, when known.
    pub column: Option<usize>,
    /// What is wrong, here.
    pub message: String,
    /// Other places in the same file that make up the finding (each server sharing a directory...).
    pub notes: Vec<Note>,
}

fn code_id<S: serde::Serializer>(
    code: &&'static Code,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(code.id)
}

impl Finding {
    fn new(code: &'static Code, path: &str, file: &Path, message: impl Into<String>) -> Self {
        Self {
            code,
            path: path.to_string(),
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    fn note(mut self, line: usize, column: usize, label: impl Into<String>) -> Self {
        self.notes.push(Note {
            line,
            column,
            label: label.into(),
        });
        self
    }

    /// Its severity, the code's.
    pub fn severity(&self) -> Severity {
        self.code.severity
    }
}

/// A finding an example's `meta.yaml` silences, with the reason it gives.
#[derive(Debug, Clone, Serialize)]
pub struct Allowed {
    /// The finding.
    pub finding: Finding,
    /// Why it does not apply.
    pub reason: String,
}

/// Everything `nbe lint` found.
#[derive(Debug, Default)]
pub struct Lint {
    /// Findings in reading order: by example, errors first, then by file and line.
    pub findings: Vec<Finding>,
    /// Findings silenced by a `lint.allow`.
    pub allowed: Vec<Allowed>,
}

impl Lint {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity() == severity).count()
    }
}

/// Lints the parts of `catalog` under `prefixes` (everything when empty). `tools` (when found)
/// is where, before `PATH`, the programs scripts call are looked for.
pub fn lint(catalog: &Catalog, prefixes: &[String], tools: Option<&Tools>) -> Result<Lint> {
    let selected = catalog.select(prefixes)?;
    let mut findings = Vec::new();
    for problem in catalog.problems_in(prefixes, None) {
        let code = match problem.kind {
            ProblemKind::NotListed => code::NOT_LISTED,
            ProblemKind::UnknownKind => code::UNKNOWN_KIND,
            ProblemKind::Other => code::CATALOG,
        };
        let mut finding = Finding::new(code, &problem.path, &problem.location.path, &problem.message);
        finding.line = problem.location.line;
        finding.column = problem.location.column;
        findings.push(finding);
    }
    // What a prefix names, or holds: a category's own findings only when the prefix names it.
    let touched = |path: &str| {
        prefixes.is_empty()
            || prefixes
                .iter()
                .any(|prefix| catalog::segment_prefix(path, prefix.trim_matches('/')))
    };
    for category in &catalog.categories {
        if !touched(&category.name) {
            continue;
        }
        let meta_path = category.dir.join("meta.yaml");
        let (meta, _) = catalog::meta::read::<catalog::meta::CategoryMeta>(&meta_path)?;
        described(
            &mut findings,
            &category.name,
            &meta_path,
            meta.title.is_some(),
            meta.description.as_deref(),
        );
        if meta.examples.is_empty() {
            for example in category.examples.iter().filter(|e| touched(&e.path)) {
                findings.push(Finding::new(
                    code::NOT_LISTED,
                    &example.path,
                    &meta_path,
                    format!(
                        "{} lists no `examples:`, so {} has no place in the reading order; add {:?} to `examples:`",
                        meta_path.display(),
                        example.path,
                        example.dir.file_name().unwrap_or_default().to_string_lossy()
                    ),
                ));
            }
        }
    }
    let mut examples: Vec<&Example> = Vec::new();
    for s in &selected {
        if !examples.iter().any(|e| std::ptr::eq(*e, s.example)) {
            examples.push(s.example);
        }
    }
    let titles = titles(catalog);
    for example in &examples {
        let (meta, text) = catalog::meta::read::<catalog::meta::ExampleMeta>(&example.meta_path)?;
        described(
            &mut findings,
            &example.path,
            &example.meta_path,
            meta.title.is_some(),
            meta.description.as_deref(),
        );
        // An unlisted example has no page, so no title a reader sees.
        let others: Vec<&str> = titles
            .get(&title_key(&example.title))
            .into_iter()
            .flatten()
            .filter(|other| !std::ptr::eq(**other, *example))
            .map(|other| other.path.as_str())
            .collect();
        if !others.is_empty() {
            let mut finding = Finding::new(
                code::DUPLICATE_TITLE,
                &example.path,
                &example.meta_path,
                format!(
                    "{} is titled {:?}, as {} {}; a reader cannot tell their pages apart",
                    example.path,
                    example.title,
                    others.join(" and "),
                    if others.len() == 1 { "is" } else { "are" }
                ),
            );
            if meta.title.is_some() {
                let at = catalog::meta::value_location(&example.meta_path, &text, &["title"]);
                finding.line = at.line;
                finding.column = at.column;
            }
            findings.push(finding);
        }
    }
    for s in &selected {
        client(&mut findings, catalog, *s, tools)?;
    }
    order(&mut findings);
    let mut lint = Lint::default();
    let mut used = Vec::new();
    for finding in findings {
        let allow = examples
            .iter()
            .filter(|e| catalog::segment_prefix(&finding.path, &e.path))
            .flat_map(|e| &e.allows)
            .find(|allow| allow.code == finding.code);
        match allow {
            Some(allow) => {
                used.push(allow);
                lint.allowed.push(Allowed {
                    reason: allow.reason.clone(),
                    finding,
                });
            }
            None => lint.findings.push(finding),
        }
    }
    // Every client of an example was looked at only when the whole example was selected.
    let whole = |example: &Example| {
        example
            .clients
            .iter()
            .all(|c| selected.iter().any(|s| std::ptr::eq(s.client, c)))
    };
    for example in examples.iter().filter(|e| whole(e)) {
        for allow in example
            .allows
            .iter()
            .filter(|a| !used.iter().any(|u| std::ptr::eq(*u, *a)))
        {
            let mut finding = Finding::new(
                code::UNUSED_ALLOW,
                &example.path,
                &allow.location.path,
                format!(
                    "{} silences {}, which {} no longer has",
                    example.path, allow.code.id, example.path
                ),
            );
            finding.line = allow.location.line;
            finding.column = allow.location.column;
            lint.findings.push(finding);
        }
    }
    order(&mut lint.findings);
    Ok(lint)
}

/// Puts findings in reading order: example by example (a category's own before its examples'),
/// errors before warnings within one, and by file and line within a severity. A finding about a
/// place in a file comes before one about a whole file or directory (a missing recording), so
/// the script's own bugs lead.
fn order(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            let example: String = f.path.split('/').take(2).collect::<Vec<_>>().join("/");
            (example, std::cmp::Reverse(f.severity()), f.line.is_none())
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| (&a.file, a.line, a.column, a.code.id).cmp(&(&b.file, b.line, b.column, b.code.id)))
    });
}

/// The examples of the whole catalog (those with a page) by title: titles that differ only in case or surrounding
/// spaces are the same title to a reader.
fn titles(catalog: &Catalog) -> HashMap<String, Vec<&Example>> {
    let mut titles: HashMap<String, Vec<&Example>> = HashMap::new();
    for example in catalog.examples() {
        titles.entry(title_key(&example.title)).or_default().push(example);
    }
    titles
}

/// What two titles that read the same have in common.
fn title_key(title: &str) -> String {
    title.trim().to_lowercase()
}

/// The title and description findings of a category or example.
fn described(
    findings: &mut Vec<Finding>,
    path: &str,
    meta_path: &Path,
    titled: bool,
    description: Option<&str>,
) {
    let file = if meta_path.exists() {
        meta_path
    } else {
        meta_path.parent().unwrap_or(meta_path)
    };
    if !titled {
        findings.push(Finding::new(
            code::NO_TITLE,
            path,
            file,
            format!("{path} has no `title`; its page shows the directory name"),
        ));
    }
    if description.is_none_or(|d| d.trim().is_empty()) {
        findings.push(Finding::new(
            code::NO_DESCRIPTION,
            path,
            file,
            format!("{path} has no `description`"),
        ));
    }
    template_text(
        findings,
        description.and_then(|d| leftover::in_description(path, meta_path, d)),
    );
}

/// NBE118: text `nbe new` wrote for the author to replace, left as it was.
fn template_text(findings: &mut Vec<Finding>, found: Option<leftover::Leftover>) {
    if let Some(found) = found {
        let mut finding = Finding::new(code::TEMPLATE_TEXT, &found.path, &found.file, found.message);
        finding.line = found.line;
        finding.column = found.line.map(|_| 1);
        findings.push(finding);
    }
}

/// The findings of one client: its program's prose, its script, its recording.
fn client(findings: &mut Vec<Finding>, catalog: &Catalog, s: Selected, tools: Option<&Tools>) -> Result<()> {
    let client = s.client;
    let source = std::fs::read_to_string(&client.main)
        .map_err(|e| Error::io(format!("failed to read {}", client.main.display()), e))?;
    // Through the memo: parsing every program with its grammar was most of lint's time.
    if let Ok(false) = memo::has_prose(Syntax::for_file(&client.main), &source) {
        findings.push(Finding::new(
            code::NO_PROSE,
            &client.path,
            &client.main,
            format!(
                "{} has no comment with prose; its page shows bare code",
                client.path
            ),
        ));
    }
    template_text(
        findings,
        leftover::in_program(&client.path, client.kind, &client.main, &source),
    );
    if client.main.extension().is_some_and(|ext| ext == "sh")
        && let Some(script) = script(findings, &client.path, &client.main, &source)
    {
        missing_programs(findings, s, &script.commands, tools);
    }
    if client.kind.cannot_run_here().is_none() {
        // A client lacking what it requires here cannot be asked to record; one recorded
        // elsewhere is judged all the same.
        let runnable = catalog::requires::unmet(s, tools).is_none();
        recording(findings, catalog, s, runnable);
    }
    Ok(())
}

/// The findings of a client's recording, judged as `nbe check` judges it; a missing recording
/// only when the client is `runnable` here.
fn recording(findings: &mut Vec<Finding>, catalog: &Catalog, s: Selected, runnable: bool) {
    let path = &s.client.path;
    let recording = Recording::read(catalog, s);
    let mut undeclared = false;
    if let Ok(raw) = &recording.output {
        let output = String::from_utf8_lossy(raw);
        for (line, text) in verdict::error_lines(&s.example.error_lines, &output).0 {
            undeclared = true;
            findings.push(
                Finding::new(
                    code::UNDECLARED_ERROR,
                    path,
                    &s.client.output_txt(),
                    format!("the recording of {path} shows an error its example does not declare: {text}"),
                )
                .at(line, 1),
            );
        }
    }
    let (code, reason) = match verdict::of_recording(s, &recording) {
        Verdict::Verified => return,
        Verdict::NotRecorded(_) if !runnable => return,
        Verdict::NotRecorded(reason) => (code::NOT_RECORDED, reason),
        Verdict::Stale(reason) => (code::STALE_RECORDING, reason),
        // The undeclared error lines are this failure, already reported line by line.
        Verdict::Failing(_) if undeclared => return,
        Verdict::Failing(reason) => (code::BROKEN_RECORDING, reason),
    };
    findings.push(Finding::new(code, path, &s.client.dir, reason));
}

/// The findings of a bash script, and the script as read (`None` when it does not parse).
fn script(findings: &mut Vec<Finding>, path: &str, file: &Path, source: &str) -> Option<shell::Script> {
    let script = match shell::analyse(source) {
        Ok(script) => script,
        Err(err) => {
            let mut finding = Finding::new(
                code::UNPARSED,
                path,
                file,
                format!("nbe could not parse {path}'s script: {}", err.message),
            );
            if let Some(at) = err.at {
                finding = finding.at(at.line, at.column);
            }
            findings.push(finding);
            return None;
        }
    };
    if let Some(at) = script.cut {
        findings.push(
            Finding::new(
                code::UNPARSED,
                path,
                file,
                format!(
                    "{path}'s script runs more than {} commands or starts more than {} servers, loop passes and calls counted, so nbe followed only part of it",
                    shell::MAX_STEPS,
                    shell::MAX_SERVERS
                ),
            )
            .at(at.line, at.column),
        );
    }
    let servers: Vec<servers::Server> = script.servers.iter().map(servers::Server::of).collect();
    let mut unread: Vec<&conf::Problem> = servers.iter().filter_map(|s| s.problem.as_ref()).collect();
    unread.sort_by_key(|problem| problem.line);
    unread.dedup();
    for problem in unread {
        findings.push(
            Finding::new(
                code::UNPARSED,
                path,
                file,
                format!(
                    "nbe could not read all of {path}'s configuration: {}",
                    problem.message
                ),
            )
            .at(problem.line, 1),
        );
    }
    shared_store_dirs(findings, path, file, &servers);
    port_collisions(findings, path, file, &servers);
    for early in &script.early_uses {
        let servers = match early.servers.as_slice() {
            [one] => format!("the server started in the background on line {}", one.line),
            many => format!("the {} servers started in the background", many.len()),
        };
        let mut finding = Finding::new(
            code::NO_READINESS_WAIT,
            path,
            file,
            match early.sleep {
                Some(sleep) => format!(
                    "`{}` uses {servers} after nothing but the fixed sleep on line {}",
                    early.command, sleep.line
                ),
                None => format!(
                    "`{}` uses {servers} without waiting for it to be ready",
                    early.command
                ),
            },
        )
        .at(early.at.line, early.at.column);
        for server in &early.servers {
            finding = finding.note(server.line, server.column, "server started here");
        }
        if let Some(sleep) = early.sleep {
            finding = finding.note(sleep.line, sleep.column, "only a fixed sleep");
        }
        findings.push(finding);
    }
    for sleep in script.sleeps.iter().filter(|sleep| !sleep.polling) {
        findings.push(
            Finding::new(
                code::FIXED_SLEEP,
                path,
                file,
                format!(
                    "`sleep {}` waits a fixed time instead of for a condition",
                    sleep.duration
                ),
            )
            .at(sleep.at.line, sleep.at.column),
        );
    }
    for found in &script.paths {
        findings.push(
            Finding::new(
                code::ABSOLUTE_PATH,
                path,
                file,
                format!("{} is outside the run's work dir", found.path),
            )
            .at(found.at.line, found.at.column),
        );
    }
    Some(script)
}

/// Bash's builtins and keywords: commands a script runs that are no program.
const BUILTINS: &[&str] = &[
    ".",
    ":",
    "[",
    "[[",
    "alias",
    "bg",
    "bind",
    "break",
    "builtin",
    "caller",
    "case",
    "cd",
    "command",
    "compgen",
    "complete",
    "compopt",
    "continue",
    "declare",
    "dirs",
    "disown",
    "echo",
    "enable",
    "eval",
    "exec",
    "exit",
    "export",
    "false",
    "fc",
    "fg",
    "for",
    "function",
    "getopts",
    "hash",
    "help",
    "history",
    "if",
    "jobs",
    "kill",
    "let",
    "local",
    "logout",
    "mapfile",
    "popd",
    "printf",
    "pushd",
    "pwd",
    "read",
    "readarray",
    "readonly",
    "return",
    "select",
    "set",
    "shift",
    "shopt",
    "source",
    "suspend",
    "test",
    "time",
    "times",
    "trap",
    "true",
    "type",
    "typeset",
    "ulimit",
    "umask",
    "unalias",
    "unset",
    "until",
    "wait",
    "while",
];

/// NBE120: commands a script runs that are no builtin, no function of the script and no program
/// in the tools dir or on `PATH`, and that the client does not declare in `requires`: here the
/// run ends with "command not found" (exit 127) where declaring it would skip the client with
/// the reason. Once per command, at its first place.
fn missing_programs(
    findings: &mut Vec<Finding>,
    s: Selected,
    commands: &[(String, shell::Pos)],
    tools: Option<&Tools>,
) {
    let mut reported: Vec<&str> = Vec::new();
    for (name, at) in commands {
        // A path (`./build.sh`) is the example's own file, not a program to look up.
        if name.is_empty()
            || name.contains('/')
            || BUILTINS.contains(&name.as_str())
            || reported.contains(&name.as_str())
            || s.client.requires.contains(name)
        {
            continue;
        }
        if catalog::requires::find(name, tools).is_some() {
            continue;
        }
        reported.push(name);
        findings.push(
            Finding::new(
                code::MISSING_PROGRAM,
                &s.client.path,
                &s.client.main,
                format!(
                    "`{name}` is neither a builtin, a function of the script, nor a program in the tools dir or on PATH; if {} needs it, declare it in examples/{}/meta.yaml: `clients: {{{}: {{requires: [{name}]}}}}` (or `requires: [{name}]` for every client)",
                    s.client.path,
                    s.example.path,
                    s.client.dir_name()
                ),
            )
            .at(at.line, at.column),
        );
    }
}

/// NBE101: JetStream servers that share a storage directory, the default one or a named one.
fn shared_store_dirs(findings: &mut Vec<Finding>, path: &str, file: &Path, servers: &[servers::Server]) {
    let mut groups: Vec<(Option<&str>, Vec<&servers::Server>)> = Vec::new();
    for server in servers.iter().filter(|s| s.jetstream.is_some()) {
        let dir = server.store_dir.as_deref();
        // A directory the script computes is taken to differ from every other.
        if dir.is_some_and(|d| d.contains(shell::UNKNOWN)) {
            continue;
        }
        match groups.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, group)) => group.push(server),
            None => groups.push((dir, vec![server])),
        }
    }
    // Only servers that run at the same time share anything: a restarted server reuses its own.
    let groups = groups.into_iter().map(|(dir, group)| {
        let running: Vec<&servers::Server> = group
            .iter()
            .filter(|s| group.iter().any(|o| !std::ptr::eq(**s, *o) && s.overlaps(o)))
            .copied()
            .collect();
        (dir, running)
    });
    for (dir, group) in groups.filter(|(_, group)| group.len() > 1) {
        let names: Vec<&str> = group.iter().map(|s| s.label.as_str()).collect();
        let shared = match dir {
            None => "the default storage directory".to_string(),
            Some(dir) => format!("the storage directory {dir}"),
        };
        let first = group[0].at;
        let mut finding = Finding::new(
            code::SHARED_STORE_DIR,
            path,
            file,
            format!(
                "{} JetStream servers share {shared} ({})",
                group.len(),
                names.join(", ")
            ),
        )
        .at(first.line, first.column);
        let mut seen = Vec::new();
        for server in &group {
            let label = format!("JetStream server {} started here", server.label);
            if !seen.contains(&(server.at, label.clone())) {
                seen.push((server.at, label.clone()));
                finding = finding.note(server.at.line, server.at.column, label);
            }
            if let Some(line) = server.jetstream.filter(|line| *line != server.at.line) {
                let label = match dir {
                    None => "JetStream enabled here, with no store_dir".to_string(),
                    Some(_) => "JetStream enabled here".to_string(),
                };
                let at = shell::Pos { line, column: 1 };
                if !seen.iter().any(|(p, _)| *p == at) {
                    seen.push((at, label.clone()));
                    finding = finding.note(line, 1, label);
                }
            }
        }
        findings.push(finding);
    }
}

/// NBE105: two servers listening on one port.
fn port_collisions(findings: &mut Vec<Finding>, path: &str, file: &Path, servers: &[servers::Server]) {
    let mut reported = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        for (port, what, line) in &server.ports {
            if reported.contains(port) {
                continue;
            }
            let Some((other, (_, other_what, other_line))) = servers[..index]
                .iter()
                .filter(|other| other.overlaps(server))
                .find_map(|other| {
                    other
                        .ports
                        .iter()
                        .find(|(p, _, _)| p == port)
                        .map(|found| (other, found))
                })
            else {
                continue;
            };
            reported.push(*port);
            findings.push(
                Finding::new(
                    code::PORT_COLLISION,
                    path,
                    file,
                    format!(
                        "{} and {} both listen on port {port} ({other_what}, {what})",
                        other.label, server.label
                    ),
                )
                .at(*line, 1)
                .note(*other_line, 1, format!("{} takes port {port} here", other.label))
                .note(*line, 1, format!("{} takes it again here", server.label)),
            );
        }
    }
}
