//! Client kinds: the languages an example can be written in, as rows of data.
//!
//! Every kind is one `[[kind]]` entry of `clients/kinds.toml`, embedded in nbe and parsed once:
//! its directory names, tab label and order, main file, comment syntax, server fixture, and how
//! its dependencies are prepared, its program built and run (read by [`crate::runner::toolchain`]).
//! Adding a language is an entry there plus a defaults folder `clients/<name>/`; no code here
//! names a particular kind except [`Kind::CLI`], the default client of an example.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// The kinds table as written in the repository.
const TABLE: &str = include_str!("../../clients/kinds.toml");

/// The parsed table, in tab order.
static KINDS: LazyLock<Vec<KindSpec>> = LazyLock::new(|| parse(TABLE).unwrap_or_else(|e| panic!("{e}")));

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
    /// The program file.
    pub main: String,
    /// How a reader runs the program by hand, in its directory (`go run .`): the site shows it.
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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    kind: Vec<KindSpec>,
}

/// Parses and checks a kinds table.
fn parse(text: &str) -> Result<Vec<KindSpec>, String> {
    let table: Table = toml::from_str(text).map_err(|e| format!("clients/kinds.toml: {e}"))?;
    let mut names = std::collections::HashSet::new();
    for spec in &table.kind {
        for name in std::iter::once(&spec.name).chain(&spec.aliases) {
            if !names.insert(name.as_str()) {
                return Err(format!(
                    "clients/kinds.toml: the directory name {name:?} is used twice"
                ));
            }
        }
        if spec.run.is_none() && spec.unrunnable.is_none() {
            return Err(format!(
                "clients/kinds.toml: kind {:?} needs either `run` or `unrunnable`",
                spec.name
            ));
        }
        if let Some(pattern) = &spec.diagnostics {
            regex::Regex::new(pattern).map_err(|e| format!("clients/kinds.toml: {}: {e}", spec.name))?;
        }
    }
    Ok(table.kind)
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
        (0..KINDS.len()).map(|index| Kind { index })
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
        &KINDS[self.index]
    }

    /// Its name, also the directory name of its clients.
    pub fn name(self) -> &'static str {
        &self.spec().name
    }

    /// The human label, as on a language tab.
    pub fn label(self) -> &'static str {
        &self.spec().label
    }

    /// The file name of the program of a client of this kind.
    pub fn main_file(self) -> &'static str {
        &self.spec().main
    }

    /// The server fixture its clients get unless their example says otherwise.
    pub fn default_server(self) -> Server {
        self.spec().server
    }

    /// Why nbe cannot run this kind on this machine, whatever is installed.
    pub fn unrunnable(self) -> Option<&'static str> {
        self.spec().unrunnable.as_deref()
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

    #[test]
    fn a_table_with_a_name_used_twice_or_no_way_to_run_is_refused() {
        let row = |name: &str, extra: &str| {
            format!("[[kind]]\nname = \"{name}\"\nlabel = \"L\"\nmain = \"m\"\nserver = \"none\"\n{extra}\n")
        };
        let twice = format!("{}{}", row("a", "run = \"x\""), row("a", "run = \"x\""));
        assert!(parse(&twice).unwrap_err().contains("\"a\" is used twice"));
        assert!(
            parse(&row("b", ""))
                .unwrap_err()
                .contains("needs either `run` or `unrunnable`")
        );
        let bad = row("c", "run = \"x\"\nsurprise = 1");
        assert!(parse(&bad).unwrap_err().contains("surprise"));
    }
}
