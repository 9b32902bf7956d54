//! Client kinds: the languages an example can be written in, as rows of data.
//!
//! Every kind is one `[[kind]]` entry of `clients/kinds.toml`, embedded in nbe: its directory
//! names, tab label and order, main files, server fixture, and how its dependencies are prepared,
//! its program built and run (read by [`crate::runner::toolchain`]). Adding a language is an entry
//! there plus a defaults folder `clients/<name>/`; no code here names a particular kind except
//! [`Kind::CLI`], the default client of an example.
//!
//! A repository adapts the table without forking nbe: its own `clients/kinds.toml` adds kinds or
//! overrides fields of built-in ones, merged key by key (a table such as `env` by its keys too).
//! [`load`] merges it once per process, when the repository root is resolved; the merged document
//! is deserialized with the spans of the repository's keys, so a mistake in it is reported at
//! its file:line:column.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, OnceLock};

use serde::{Deserialize, Deserializer};
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::error::{Error, Location, Result};

/// The kinds table built into nbe.
const TABLE: &str = include_str!("../../clients/kinds.toml");

/// Where a repository's own table lives, relative to its root.
const REPOSITORY_TABLE: &str = "clients/kinds.toml";

/// The table in force: the built-in one, merged with the repository's by [`load`].
static KINDS: OnceLock<Vec<KindSpec>> = OnceLock::new();

/// The table in force, the built-in one when no repository table was loaded.
fn kinds() -> &'static [KindSpec] {
    KINDS.get_or_init(|| merge(None).unwrap_or_else(|e| panic!("{e}")))
}

/// Merges the repository's `clients/kinds.toml` (if it has one) over the built-in table and makes
/// the result the table in force for this process. A process works in one repository, so the
/// first call decides; later calls change nothing.
pub fn load(root: &Path) -> Result<()> {
    if KINDS.get().is_some() {
        return Ok(());
    }
    let path = root.join(REPOSITORY_TABLE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(format!("failed to read {}", path.display()), e)),
    };
    // nbe's own repository holds the built-in table itself: nothing to merge.
    let repository = text.as_deref().filter(|text| *text != TABLE);
    let table = merge(repository.map(|text| (path.as_path(), text)))?;
    let _ = KINDS.set(table);
    Ok(())
}

/// The server a client's run gets, started by nbe inside the run's namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Server {
    /// No server: the program starts its own, or needs none.
    None,
    /// One `nats-server` with JetStream.
    Jetstream,
    /// Three clustered `nats-server`s with JetStream.
    Cluster,
}

/// The client library of a kind, and where its pinned version is written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// Its name, like `nats.go`.
    pub name: String,
    /// The file holding the version: in the defaults folder, or absolute.
    pub file: String,
    /// A regex whose first group is the version.
    pub pattern: String,
}

/// One `[[kind]]` of `clients/kinds.toml`; the keys are documented at the top of that file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    /// The kind, and its clients' directory name.
    pub name: String,
    /// Other directory names of the same kind.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The tab label.
    pub label: String,
    /// The program's file names in order of preference: a client's main file is the first it has.
    /// One name or a list in the table.
    #[serde(deserialize_with = "one_or_many")]
    pub main: Vec<String>,
    /// Main file names that count only where a check passes: the name, and bash that succeeds
    /// when this machine can run such a program (node runs `main.ts` only where it strips types).
    #[serde(default)]
    pub main_check: BTreeMap<String, String>,
    /// How a reader runs the program by hand, in its directory (`go run .`): the site shows it,
    /// `{main}` replaced by the client's main file.
    pub by_hand: Option<String>,
    /// The default server fixture.
    pub server: Server,
    /// Why nbe cannot run the kind here.
    pub unrunnable: Option<String>,
    /// Programs or absolute files the kind needs.
    #[serde(default)]
    pub requires: Vec<String>,
    /// What provides a missing requirement.
    #[serde(default)]
    pub fix: String,
    /// The command printing the toolchain's version.
    #[serde(default)]
    pub version: Vec<String>,
    /// The client library.
    pub library: Option<Library>,
    /// Environment of every step; `{cache}` is the cache root.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The files that key `prepare`.
    #[serde(default)]
    pub deps: Vec<String>,
    /// Dependency preparation (bash), once per hash of `deps`.
    pub prepare: Option<String>,
    /// The preparation of a client that declares `hooks: true` in its example's `meta.yaml`: the
    /// same, with the package manager's install hooks on.
    pub prepare_hooks: Option<String>,
    /// The build (bash), once per hash of the client's files.
    pub build: Option<String>,
    /// One build of the kind at a time.
    #[serde(default)]
    pub exclusive: bool,
    /// After a version change of the library (`nbe set-versions`, the version matrix), the bash
    /// that brings the lock files along, in the defaults folder, with `NBE_VERSION` set.
    pub relock: Option<String>,
    /// The regex picking file:line messages out of a failed build.
    pub diagnostics: Option<String>,
    /// The run (bash), in the work dir; none for an unrunnable kind.
    pub run: Option<String>,
    /// The main file is a bash script that `run` runs, traced (see [`crate::runner::trace`]).
    #[serde(default)]
    pub trace: bool,
    /// A regex (multi-line mode) finding the error a failed run ends with, the headline of its
    /// report (see [`crate::report::failure`]).
    pub failure: Option<String>,
}

/// `main`: one file name, or a list of them.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<String>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a file name or a list of file names, like \"main.ts\" or [\"main.ts\", \"main.js\"]")
        }

        fn visit_str<E: serde::de::Error>(self, name: &str) -> std::result::Result<Self::Value, E> {
            Ok(vec![name.to_string()])
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut names = Vec::new();
            while let Some(name) = seq.next_element()? {
                names.push(name);
            }
            Ok(names)
        }
    }
    deserializer.deserialize_any(Names)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    kind: Vec<KindSpec>,
}

/// Whether the bash `check` succeeds on this machine; each check runs once per process.
fn passes(check: &str) -> bool {
    static CHECKED: LazyLock<Mutex<HashMap<String, bool>>> = LazyLock::new(Mutex::default);
    let mut checked = CHECKED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    *checked.entry(check.to_string()).or_insert_with(|| {
        std::process::Command::new("bash")
            .args(["-c", check])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    })
}

/// How the built-in table is named in messages.
const BUILT_IN: &str = "clients/kinds.toml (built into nbe)";

/// The built-in table with the repository's (its path and text), if any, merged over it: a row
/// whose `name` is a built-in kind's overrides that kind's fields key by key, any other row adds
/// a kind after the built-in ones.
fn merge(repository: Option<(&Path, &str)>) -> Result<Vec<KindSpec>> {
    let at = |span: Option<std::ops::Range<usize>>| match repository {
        Some((path, text)) => location(path, text, span),
        None => Location::file(BUILT_IN),
    };
    let mut rows =
        kind_rows(TABLE).map_err(|(_, message)| Error::catalog(Location::file(BUILT_IN), message))?;
    if let Some((_, text)) = repository {
        for row in kind_rows(text).map_err(|(span, message)| Error::catalog(at(span), message))? {
            let Some(name) = row.get_ref().get("name").and_then(|name| name.get_ref().as_str()) else {
                return Err(Error::catalog(
                    at(Some(row.span())),
                    "this [[kind]] has no `name`: name the built-in kind it changes, or the new kind it adds",
                ));
            };
            let base = rows
                .iter_mut()
                .find(|base| base.get_ref().get("name").and_then(|n| n.get_ref().as_str()) == Some(name));
            match base {
                Some(base) => merge_table(base.get_mut(), row.into_inner()),
                None => rows.push(row),
            }
        }
    }
    let mut array = DeArray::new();
    for row in rows {
        let span = row.span();
        array.push(Spanned::new(span, DeValue::Table(row.into_inner())));
    }
    let mut document = DeTable::new();
    document.insert(
        Spanned::new(0..0, "kind".into()),
        Spanned::new(0..0, DeValue::Array(array)),
    );
    let table = Table::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, document)))
        .map_err(|e| Error::catalog(at(e.span()), e.message()))?;
    // The built-in table's patterns are valid (a unit test compiles each): a merged table compiles
    // only those the repository wrote, and nbe's own table none, since compiling the kinds'
    // Unicode-aware patterns was a good part of the CPU every `nbe run` spent before its run.
    let built_in = match repository {
        Some(_) => Some(merge(None)?),
        None => None,
    };
    check(&table.kind, built_in.as_deref()).map_err(|message| Error::catalog(at(None), message))?;
    Ok(table.kind)
}

/// Where a table's text is wrong (when known) and what is wrong.
type TableError = (Option<std::ops::Range<usize>>, String);

/// The `[[kind]]` rows of a table's text.
fn kind_rows(text: &str) -> std::result::Result<Vec<Spanned<DeTable<'_>>>, TableError> {
    let mut rows = Vec::new();
    let document = DeTable::parse(text).map_err(|e| (e.span(), e.message().to_string()))?;
    for (key, value) in document.into_inner() {
        let span = value.span();
        match (key.get_ref().as_ref(), value.into_inner()) {
            ("kind", DeValue::Array(array)) => {
                for row in array.iter() {
                    let span = row.span();
                    match row.get_ref() {
                        DeValue::Table(table) => rows.push(Spanned::new(span, table.clone())),
                        _ => return Err((Some(span), "`kind` holds tables: write each as [[kind]]".into())),
                    }
                }
            }
            (key, _) => {
                return Err((
                    Some(span),
                    format!("unknown key `{key}`: the table holds only [[kind]] entries"),
                ));
            }
        }
    }
    Ok(rows)
}

/// `over` merged into `base` key by key; where both hold a table (`env`, `library`), by its keys too.
fn merge_table<'i>(base: &mut DeTable<'i>, over: DeTable<'i>) {
    for (key, value) in over {
        let existing = base.get_mut(key.get_ref().as_ref()).map(Spanned::get_mut);
        match (existing, value.into_inner()) {
            (Some(DeValue::Table(existing)), DeValue::Table(value)) => merge_table(existing, value),
            (_, value) => {
                let span = key.span();
                base.insert(key, Spanned::new(span, value));
            }
        }
    }
}

/// Where byte `span.start` of `text` is, as a location in `path`.
fn location(path: &Path, text: &str, span: Option<std::ops::Range<usize>>) -> Location {
    let Some(span) = span else {
        return Location::file(path);
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    Location::at(path, line, column)
}

/// Checks what deserializing cannot: unique directory names, a way to run or a reason not to,
/// a main file, and valid regexes: those not in `built_in` (the built-in table, known valid; `None`
/// when `kinds` is that table).
fn check(kinds: &[KindSpec], built_in: Option<&[KindSpec]>) -> std::result::Result<(), String> {
    let known = |pattern: &str| {
        built_in.is_none_or(|table| {
            table.iter().any(|spec| {
                spec.diagnostics.as_deref() == Some(pattern) || spec.failure.as_deref() == Some(pattern)
            })
        })
    };
    let mut names = std::collections::HashSet::new();
    for spec in kinds {
        for name in std::iter::once(&spec.name).chain(&spec.aliases) {
            if !names.insert(name.as_str()) {
                return Err(format!("the directory name {name:?} is used twice"));
            }
        }
        if spec.run.is_none() && spec.unrunnable.is_none() {
            return Err(format!("kind {:?} needs either `run` or `unrunnable`", spec.name));
        }
        if spec.main.is_empty() {
            return Err(format!("kind {:?} needs a `main` file name", spec.name));
        }
        for (key, pattern) in [("diagnostics", &spec.diagnostics), ("failure", &spec.failure)] {
            if let Some(pattern) = pattern
                && !known(pattern)
            {
                regex::Regex::new(pattern).map_err(|e| format!("kind {:?}: `{key}`: {e}", spec.name))?;
            }
        }
    }
    Ok(())
}

/// A client language: a handle on its row of the kinds table. Kinds order as their tabs do.
#[derive(Clone, Copy)]
pub struct Kind {
    index: usize,
}

impl Kind {
    /// The `cli` kind: the client `nbe run category/example` picks among several.
    pub const CLI: Kind = Kind { index: 0 };

    /// Every kind, in tab order.
    pub fn all() -> impl Iterator<Item = Kind> {
        (0..kinds().len()).map(|index| Kind { index })
    }

    /// The kind whose clients live in directories called `name` (its name or an alias).
    pub fn from_dir_name(name: &str) -> Option<Self> {
        Self::all().find(|kind| kind.spec().name == name || kind.spec().aliases.iter().any(|a| a == name))
    }

    /// The kind called `name`, for tests that name one.
    #[cfg(test)]
    pub fn named(name: &str) -> Self {
        Self::from_dir_name(name).unwrap_or_else(|| panic!("no kind is called {name}"))
    }

    /// Its row of the table.
    pub fn spec(self) -> &'static KindSpec {
        &kinds()[self.index]
    }

    /// Its name, also the directory name of its clients.
    pub fn name(self) -> &'static str {
        &self.spec().name
    }

    /// The human label, as on a language tab.
    pub fn label(self) -> &'static str {
        &self.spec().label
    }

    /// The file name of the program of a client of this kind: the first the table names (a
    /// client's own is [`Kind::main_in`]).
    pub fn main_file(self) -> &'static str {
        &self.spec().main[0]
    }

    /// The main file of the client of this kind in `dir`: the first of the kind's `main` names
    /// that is a file there and that this machine can run (its `main_check`, if any, passes).
    /// `Err` is the sentence saying why there is none.
    pub fn main_in(self, dir: &Path) -> std::result::Result<PathBuf, String> {
        let spec = self.spec();
        let mut unrunnable = String::new();
        for name in &spec.main {
            let path = dir.join(name);
            if !path.is_file() {
                continue;
            }
            match spec.main_check.get(name) {
                Some(check) if !passes(check) => {
                    unrunnable.push_str(&format!(
                        " (its {name} counts only where `{check}` succeeds, and it fails on this machine)"
                    ));
                }
                _ => return Ok(path),
            }
        }
        Err(format!(
            "the {self} client has no {}; add the program there{unrunnable}",
            spec.main.join(" or ")
        ))
    }

    /// The server fixture its clients get unless their example says otherwise.
    pub fn default_server(self) -> Server {
        self.spec().server
    }

    /// Why nbe cannot run this kind on this machine, whatever is installed.
    pub fn unrunnable(self) -> Option<&'static str> {
        self.spec().unrunnable.as_deref()
    }

    /// Its `failure` pattern, in multi-line mode, compiled the first time it is asked for (a run
    /// compiles its own kind's only).
    pub fn failure(self) -> Option<&'static regex::Regex> {
        static COMPILED: LazyLock<Vec<OnceLock<Option<regex::Regex>>>> =
            LazyLock::new(|| kinds().iter().map(|_| OnceLock::new()).collect());
        COMPILED[self.index]
            .get_or_init(|| {
                let pattern = self.spec().failure.as_deref()?;
                Some(regex::Regex::new(&format!("(?m){pattern}")).expect("checked when the table was parsed"))
            })
            .as_ref()
    }

    /// The sentence skipping (or, for `nbe run`, refusing) a client of a kind nbe cannot run here.
    pub fn cannot_run_here(self) -> Option<String> {
        self.unrunnable()
            .map(|reason| format!("nbe cannot run {self} clients here: {reason}"))
    }
}

impl PartialEq for Kind {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl Eq for Kind {}

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.index.cmp(&other.index)
    }
}

impl std::hash::Hash for Kind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Kind({})", self.name())
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_cli_comes_first() {
        assert!(Kind::all().count() >= 13);
        assert_eq!(Kind::CLI.name(), "cli");
        assert_eq!(Kind::CLI.spec().server, Server::None);
    }

    #[test]
    fn aliases_name_the_same_kind() {
        assert_eq!(Kind::from_dir_name("javascript"), Kind::from_dir_name("node"));
        assert_eq!(Kind::from_dir_name("dotnet"), Kind::from_dir_name("csharp"));
        assert_eq!(Kind::from_dir_name("dotnet").unwrap().main_file(), "Main.cs");
        assert_eq!(Kind::from_dir_name("shell"), Some(Kind::CLI));
        assert!(Kind::from_dir_name("cobol").is_none());
    }

    #[test]
    fn every_kind_the_contract_names_is_in_the_table() {
        for (dir, main) in [
            ("go", "main.go"),
            ("python", "main.py"),
            ("rust", "main.rs"),
            ("node", "main.js"),
            ("deno", "main.ts"),
            ("java", "Main.java"),
            ("c", "main.c"),
            ("elixir", "main.exs"),
            ("crystal", "main.cr"),
            ("ruby", "main.rb"),
            ("zig", "main.zig"),
            ("shell", "main.sh"),
        ] {
            assert_eq!(Kind::from_dir_name(dir).map(Kind::main_file), Some(main), "{dir}");
        }
    }

    /// The table merged from a repository text, or the error's message with its location.
    fn merged(text: &str) -> std::result::Result<Vec<KindSpec>, String> {
        merge(Some((Path::new("repo/clients/kinds.toml"), text))).map_err(|e| e.to_string())
    }

    #[test]
    fn every_pattern_of_the_built_in_table_compiles() {
        // Merging skips these, trusting this test.
        for spec in merge(None).unwrap() {
            for pattern in [&spec.diagnostics, &spec.failure].into_iter().flatten() {
                regex::Regex::new(pattern).unwrap_or_else(|e| panic!("kind {}: {e}", spec.name));
                regex::Regex::new(&format!("(?m){pattern}"))
                    .unwrap_or_else(|e| panic!("kind {}: {e}", spec.name));
            }
        }
    }

    #[test]
    fn a_repository_pattern_that_does_not_compile_is_reported() {
        let err = merged("[[kind]]\nname = \"go\"\nfailure = '^(?P<logged>.+'\n").unwrap_err();
        assert!(err.contains("kind \"go\": `failure`"), "{err}");
        let err = merged("[[kind]]\nname = \"c\"\ndiagnostics = '[z-a]'\n").unwrap_err();
        assert!(err.contains("kind \"c\": `diagnostics`"), "{err}");
        // A built-in pattern given again, or moved to another kind, is known valid and accepted.
        let go = merge(None).unwrap().into_iter().find(|k| k.name == "go").unwrap();
        let again = format!("[[kind]]\nname = \"c\"\nfailure = '{}'\n", go.failure.unwrap());
        assert!(merged(&again).is_ok());
    }

    #[test]
    fn a_repository_row_overrides_fields_key_by_key_and_adds_kinds() {
        let kinds = merged(
            "[[kind]]\nname = \"go\"\nrun = \"exec ./other\"\nenv = { EXTRA = \"1\" }\n\n\
             [[kind]]\nname = \"lua\"\nlabel = \"Lua\"\nmain = [\"main.lua\", \"init.lua\"]\nserver = \"none\"\nrun = \"exec lua main.lua\"\n",
        )
        .unwrap();
        let go = kinds.iter().find(|k| k.name == "go").unwrap();
        assert_eq!(go.run.as_deref(), Some("exec ./other"));
        assert_eq!(go.env["EXTRA"], "1");
        assert_eq!(go.env["GOTOOLCHAIN"], "local", "the built-in env keys stay");
        assert_eq!(go.main, ["main.go"], "untouched fields stay");
        let lua = kinds.last().unwrap();
        assert_eq!((lua.name.as_str(), lua.main.len()), ("lua", 2));
    }

    #[test]
    fn mistakes_in_a_repository_table_are_reported_at_their_line_and_column() {
        let err = merged("[[kind]]\nname = \"go\"\n  surprise = 1\n").unwrap_err();
        assert!(err.starts_with("repo/clients/kinds.toml:3:3: "), "{err}");
        assert!(err.contains("unknown field `surprise`"), "{err}");
        let err = merged("[[kind]]\nname = \"go\"\nmain = 3\n").unwrap_err();
        assert!(err.starts_with("repo/clients/kinds.toml:3:"), "{err}");
        assert!(err.contains("a file name or a list of file names"), "{err}");
        let err = merged("[[kind]]\nlabel = \"x\"\n").unwrap_err();
        assert!(err.contains("has no `name`"), "{err}");
        let err =
            merged("[[kind]]\nname = \"x\"\nlabel = \"X\"\nmain = \"m\"\nserver = \"none\"\n").unwrap_err();
        assert!(err.contains("needs either `run` or `unrunnable`"), "{err}");
        let err = merged("[[kind]]\nname = \"x\"\naliases = [\"go\"]\nlabel = \"X\"\nmain = \"m\"\nserver = \"none\"\nrun = \"r\"\n")
            .unwrap_err();
        assert!(err.contains("\"go\" is used twice"), "{err}");
    }
}
