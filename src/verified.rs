//! The verified file of an example: the versions each of its clients was tested on and how it did,
//! saved by `nbe test --server-version A,B --save` as `snapshots/<category>/<example>/verified.toml`.
//!
//! It sits beside the example's snapshots and is reviewed like them. A table per client holds the
//! client's files hash ([`snapshot::files_hash`], the same one the site's badge judges a recording
//! current by) and the matrix columns the client passed and failed on:
//!
//! ```toml
//! [go]
//! files_hash = "sha256:…"
//! passed = [
//!   "server v2.14.10",
//!   "server v2.15.2",
//! ]
//! failed = [
//!   "server v2.11.11",
//! ]
//! ```
//!
//! A result holds while the hash beside it is the client's: an edit of the client makes it stale,
//! so the site no longer shows it and `nbe check` notes it. Saving merges ([`Verified::merge`]): the
//! columns run now replace theirs, the others stay while the client's hash is unchanged, and a
//! changed hash drops them all. Columns are sorted (server, then cli, then a library; versions by
//! release number), so the same results always write the same bytes.
//!
//! It is read with the `toml` crate and written by hand ([`Verified::render`]): its layout (a header
//! saying what wrote it, one result a line, a fixed order) is part of what a reviewer reads, and
//! nbe builds the crate without its writer.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::atomic;
use crate::catalog::Selected;
use crate::catalog::versions::{self, Component};
use crate::error::{Error, Location, Result};
use crate::report::Outcome;
use crate::snapshot;

/// The file's name, in the example's folder under `snapshots/`.
pub const FILE_NAME: &str = "verified.toml";

/// The verified file of the example at `example` (`category/example`), relative to the root.
pub fn relative_path(example: &str) -> PathBuf {
    Path::new(snapshot::DIR).join(example).join(FILE_NAME)
}

/// Every verified file under `snapshots/`, with the example path it belongs to, sorted.
pub fn all(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    snapshot::files_under(root, |relative| {
        relative
            .strip_suffix(FILE_NAME)
            .and_then(|example| example.strip_suffix('/'))
            .filter(|example| !example.is_empty())
            .map(str::to_string)
    })
}

/// How a client did on a column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tested {
    /// It did what its example declares and matched its snapshot, version numbers aside.
    Passed,
    /// It failed, timed out, leaked or printed something else.
    Failed,
}

impl Tested {
    /// What a matrix result says about its versions: `None` when it says nothing, for a client
    /// that did not run (skipped), has no accepted snapshot to compare with (new, awaiting
    /// review), or whose output varies on the pinned versions too (flaky: the example's fault, not
    /// the version's). Everything else counts as `nbe test` counts it.
    pub fn of(outcome: &Outcome) -> Option<Self> {
        match outcome {
            Outcome::Skipped { .. } | Outcome::Flaky { .. } | Outcome::New { accepted: false, .. } => None,
            Outcome::Passed
            | Outcome::Unchanged
            | Outcome::Updated { .. }
            | Outcome::New { accepted: true, .. } => Some(Self::Passed),
            _ => Some(Self::Failed),
        }
    }
}

/// The versions one result ran on, a column of the matrix: `server v2.14.10`, or
/// `server v2.14.10, cli v0.4.0` when several are set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column(Vec<(Component, String)>);

impl Column {
    /// The column setting `chosen`, by their `versions:` keys (`server`, `cli`, a kind's name), as
    /// a matrix report carries them; `None` when a key names no component.
    pub fn new(chosen: &[(String, String)]) -> Option<Self> {
        chosen
            .iter()
            .map(|(key, version)| Some((Component::from_key(key)?, version.clone())))
            .collect::<Option<Vec<_>>>()
            .filter(|parts| !parts.is_empty())
            .map(Self)
    }

    /// The column a label names, as [`Column::label`] writes it.
    fn parse(label: &str) -> Option<Self> {
        let parts = label
            .split(", ")
            .map(|part| {
                let (key, version) = part.split_once(' ')?;
                let valid = !version.is_empty() && !version.contains(char::is_whitespace);
                Some((key.to_string(), version.to_string())).filter(|_| valid)
            })
            .collect::<Option<Vec<_>>>()?;
        Self::new(&parts)
    }

    /// `server v2.14.10, cli v0.4.0`.
    pub fn label(&self) -> String {
        self.0
            .iter()
            .map(|(component, version)| format!("{} {version}", component.key()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The server version, when the column sets that alone.
    fn server_only(&self) -> Option<&str> {
        match self.0.as_slice() {
            [(Component::Server, version)] => Some(version),
            _ => None,
        }
    }
}

impl Ord for Column {
    /// Component by component in axis order; versions by release number, then as written.
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |(component, version): &(Component, String)| {
            (*component, versions::parse(version), version.clone())
        };
        self.0.iter().map(key).cmp(other.0.iter().map(key))
    }
}

impl PartialOrd for Column {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One client's results.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Results {
    /// The client's files hash when they were saved.
    files_hash: String,
    /// How it did on each column.
    tested: BTreeMap<Column, Tested>,
}

/// An example's verified file: its clients' results, by client folder name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    clients: BTreeMap<String, Results>,
}

/// What the server versions a client was tested on say, for its page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Servers {
    /// The versions it passed on, oldest first.
    pub passed: Vec<String>,
    /// The versions it failed on, oldest first.
    pub failed: Vec<String>,
}

/// A client's table as the file spells it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResults {
    files_hash: Spanned<String>,
    #[serde(default)]
    passed: Vec<Spanned<String>>,
    #[serde(default)]
    failed: Vec<Spanned<String>>,
}

impl Verified {
    /// The verified file of the example at `example` in the repository at `root`; `None` when it
    /// has none. A file that cannot be read as one is a catalog error at its line, saying how to
    /// write it again.
    pub fn read(root: &Path, example: &str) -> Result<Option<Self>> {
        let relative = relative_path(example);
        match std::fs::read_to_string(root.join(&relative)) {
            Ok(text) => Self::parse(&text, &relative, example).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("failed to read {}", relative.display()), e)),
        }
    }

    /// The file's `text`; `shown` is its path in errors, `example` the example it belongs to.
    fn parse(text: &str, shown: &Path, example: &str) -> Result<Self> {
        let malformed = |at: Option<usize>, what: &str| Error::Catalog {
            location: Location {
                path: shown.to_path_buf(),
                line: at.map(|at| line_of(text, at)),
                column: None,
            },
            message: format!(
                "malformed verified file: {what}; fix it, or delete it and save the results again with `nbe test --server-version VERSIONS --save {example}`"
            ),
        };
        let raw: BTreeMap<String, RawResults> = toml::from_str(text).map_err(|e| {
            malformed(
                e.span().map(|span| span.start),
                e.message().trim_end_matches('\n'),
            )
        })?;
        let mut clients = BTreeMap::new();
        for (client, raw) in raw {
            if !snapshot::is_files_hash(raw.files_hash.get_ref()) {
                return Err(malformed(
                    Some(raw.files_hash.span().start),
                    "`files_hash` is not `sha256:` and 64 hexadecimal digits",
                ));
            }
            let mut tested = BTreeMap::new();
            for (labels, verdict) in [(raw.passed, Tested::Passed), (raw.failed, Tested::Failed)] {
                for label in labels {
                    let Some(column) = Column::parse(label.get_ref()) else {
                        return Err(malformed(
                            Some(label.span().start),
                            &format!(
                                "{:?} is not a column like \"server v2.15.2\" (versions by `server`, `cli` or a client kind, comma-separated)",
                                label.get_ref()
                            ),
                        ));
                    };
                    if tested.insert(column, verdict).is_some() {
                        return Err(malformed(
                            Some(label.span().start),
                            &format!("{:?} is listed twice", label.get_ref()),
                        ));
                    }
                }
            }
            clients.insert(
                client,
                Results {
                    files_hash: raw.files_hash.into_inner(),
                    tested,
                },
            );
        }
        Ok(Self { clients })
    }

    /// The file's text: a header, then a table per client in name order, its columns sorted.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# The versions each client of this example was tested on, saved by\n\
             # `nbe test --server-version A,B --save`. Review it like a snapshot. A client's results\n\
             # hold while its files_hash is the client's: an edit of the client makes them stale.\n",
        );
        for (client, results) in &self.clients {
            let _ = write!(
                out,
                "\n[{}]\nfiles_hash = {}\n",
                key(client),
                quoted(&results.files_hash)
            );
            for (name, verdict) in [("passed", Tested::Passed), ("failed", Tested::Failed)] {
                let columns: Vec<&Column> = results
                    .tested
                    .iter()
                    .filter(|(_, tested)| **tested == verdict)
                    .map(|(column, _)| column)
                    .collect();
                if columns.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{name} = [");
                for column in columns {
                    let _ = writeln!(out, "  {},", quoted(&column.label()));
                }
                out.push_str("]\n");
            }
        }
        out
    }

    /// Adds the results of `client` (its folder name) run now, its files hash being `files_hash`:
    /// each column run replaces what the file held for it (a column with no verdict removes it);
    /// the other columns stay, unless the hash changed, which drops them.
    pub fn merge(&mut self, client: &str, files_hash: &str, run: &[(Column, Option<Tested>)]) {
        let results = self.clients.entry(client.to_string()).or_insert_with(|| Results {
            files_hash: files_hash.to_string(),
            tested: BTreeMap::new(),
        });
        if results.files_hash != files_hash {
            results.files_hash = files_hash.to_string();
            results.tested.clear();
        }
        for (column, tested) in run {
            match tested {
                Some(tested) => results.tested.insert(column.clone(), *tested),
                None => results.tested.remove(column),
            };
        }
        if results.tested.is_empty() {
            self.clients.remove(client);
        }
    }

    /// Whether it holds no result.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The clients (folder names) it holds results of.
    pub fn clients(&self) -> impl Iterator<Item = &str> {
        self.clients.keys().map(String::as_str)
    }

    /// Whether the results of `client` were saved for the files hash `files_hash`; `None` when it
    /// has none.
    pub fn fresh(&self, client: &str, files_hash: &str) -> Option<bool> {
        self.clients
            .get(client)
            .map(|results| results.files_hash == files_hash)
    }

    /// The server versions `client` passed and failed on, from columns setting the server alone,
    /// when its results were saved for the files hash `files_hash`; `None` when there are none.
    pub fn servers(&self, client: &str, files_hash: &str) -> Option<Servers> {
        let results = self
            .clients
            .get(client)
            .filter(|results| results.files_hash == files_hash)?;
        let mut servers = Servers::default();
        for (column, tested) in &results.tested {
            if let Some(version) = column.server_only() {
                match tested {
                    Tested::Passed => servers.passed.push(version.to_string()),
                    Tested::Failed => servers.failed.push(version.to_string()),
                }
            }
        }
        (!servers.passed.is_empty() || !servers.failed.is_empty()).then_some(servers)
    }
}

/// How a client did on each column of a matrix it ran on.
pub type Columns = Vec<(Column, Option<Tested>)>;

/// One client's results of a matrix run: its path (`category/example/client`) and its [`Columns`].
pub type Run = (String, Columns);

/// Merges the matrix results `runs` of `selected` into their examples' verified files under `root`
/// and writes each file that changed (atomically; a file left with no result is removed). Returns
/// the files written or removed, relative to the root. A malformed file is said on stderr and
/// written anew from this run's results.
pub fn save(root: &Path, selected: &[Selected], runs: &[Run]) -> Result<Vec<PathBuf>> {
    let mut by_example: BTreeMap<&str, Vec<(Selected, &Columns)>> = BTreeMap::new();
    for (path, columns) in runs {
        if let Some(s) = selected.iter().find(|s| &s.client.path == path) {
            by_example
                .entry(s.example.path.as_str())
                .or_default()
                .push((*s, columns));
        }
    }
    let mut changed = Vec::new();
    for (example, clients) in by_example {
        let relative = relative_path(example);
        let path = root.join(&relative);
        let read = Verified::read(root, example).unwrap_or_else(|err| {
            eprintln!("nbe: warning: {err}; this run writes it anew from its own results");
            None
        });
        let existed = read.is_some() || path.exists();
        let mut verified = read.unwrap_or_default();
        for (s, columns) in clients {
            let hash = snapshot::files_hash(s)?;
            verified.merge(s.client.dir_name(), &hash, columns);
        }
        if verified.is_empty() {
            if existed {
                snapshot::remove(&path)?;
                changed.push(relative);
            }
            continue;
        }
        let text = verified.render();
        // The bytes on disk, not the parse, decide: a file edited by hand is written back in order.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            atomic::atomic_write(&path, text.as_bytes())?;
            changed.push(relative);
        }
    }
    Ok(changed)
}

/// `key` as a TOML key: bare when it can be, quoted otherwise.
fn key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare { key.to_string() } else { quoted(key) }
}

/// `text` as a TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The one-based line of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    const OTHER: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    fn column(label: &str) -> Column {
        Column::parse(label).unwrap()
    }

    fn parse(text: &str) -> Result<Verified> {
        Verified::parse(text, Path::new("snapshots/a/b/verified.toml"), "a/b")
    }

    #[test]
    fn columns_sort_by_release_number_and_round_trip_their_labels() {
        let mut columns = [
            column("server v2.15.2"),
            column("server v2.9.0"),
            column("server v2.14.10, cli v0.4.0"),
            column("server v2.14.10"),
            column("cli v0.5.0"),
            column("server v2.14.2"),
        ];
        columns.sort();
        let labels: Vec<String> = columns.iter().map(Column::label).collect();
        assert_eq!(
            labels,
            [
                "server v2.9.0",
                "server v2.14.2",
                "server v2.14.10",
                "server v2.14.10, cli v0.4.0",
                "server v2.15.2",
                "cli v0.5.0",
            ]
        );
        for bad in [
            "",
            "server",
            "server ",
            "nope v1",
            "server v1,cli v2",
            "server v 1",
        ] {
            assert_eq!(Column::parse(bad), None, "{bad:?}");
        }
        assert_eq!(column("go v1.50.0").label(), "go v1.50.0");
    }

    #[test]
    fn merging_replaces_the_columns_run_keeps_the_others_and_drops_a_changed_hash() {
        let mut verified = Verified::default();
        verified.merge(
            "go",
            HASH,
            &[
                (column("server v2.15.2"), Some(Tested::Passed)),
                (column("server v2.11.11"), Some(Tested::Failed)),
            ],
        );
        verified.merge(
            "go",
            HASH,
            &[
                (column("server v2.11.11"), Some(Tested::Passed)),
                (column("server v2.14.10"), Some(Tested::Passed)),
            ],
        );
        let servers = verified.servers("go", HASH).unwrap();
        assert_eq!(servers.passed, ["v2.11.11", "v2.14.10", "v2.15.2"]);
        assert!(servers.failed.is_empty());
        // A result with no verdict (skipped, flaky) removes what the column held.
        verified.merge("go", HASH, &[(column("server v2.14.10"), None)]);
        assert_eq!(
            verified.servers("go", HASH).unwrap().passed,
            ["v2.11.11", "v2.15.2"]
        );
        // Stale results are not shown, and a save with the new hash drops them.
        assert_eq!(verified.servers("go", OTHER), None);
        verified.merge("go", OTHER, &[(column("server v2.12.15"), Some(Tested::Failed))]);
        let servers = verified.servers("go", OTHER).unwrap();
        assert!(servers.passed.is_empty());
        assert_eq!(servers.failed, ["v2.12.15"]);
        // A client left with no result leaves the file.
        verified.merge("go", OTHER, &[(column("server v2.12.15"), None)]);
        assert!(verified.is_empty());
    }

    #[test]
    fn the_same_results_render_the_same_bytes_whatever_their_order() {
        let mut one = Verified::default();
        let mut two = Verified::default();
        let runs = [
            (column("server v2.15.2"), Some(Tested::Passed)),
            (column("server v2.11.11"), Some(Tested::Failed)),
            (column("server v2.14.10"), Some(Tested::Passed)),
        ];
        one.merge("python", HASH, &runs);
        one.merge("cli", OTHER, &runs[..1]);
        let mut reversed = runs.to_vec();
        reversed.reverse();
        two.merge("cli", OTHER, &runs[..1]);
        two.merge("python", HASH, &reversed);
        let text = one.render();
        assert_eq!(text, two.render());
        assert!(
            text.ends_with(&format!(
                "\n[cli]\nfiles_hash = \"{OTHER}\"\npassed = [\n  \"server v2.15.2\",\n]\n\n\
                 [python]\nfiles_hash = \"{HASH}\"\npassed = [\n  \"server v2.14.10\",\n  \"server v2.15.2\",\n]\n\
                 failed = [\n  \"server v2.11.11\",\n]\n"
            )),
            "{text}"
        );
        // What it writes reads back as the same results.
        assert_eq!(parse(&text).unwrap(), one);
    }

    #[test]
    fn odd_client_names_are_quoted_and_read_back() {
        let mut verified = Verified::default();
        verified.merge(
            "my \"client\"",
            HASH,
            &[(column("server v2.15.2"), Some(Tested::Passed))],
        );
        let text = verified.render();
        assert!(text.contains("[\"my \\\"client\\\"\"]"), "{text}");
        assert_eq!(parse(&text).unwrap(), verified);
    }

    #[test]
    fn a_malformed_file_names_its_line_and_how_to_write_it_again() {
        let message = |text: &str| parse(text).unwrap_err().to_string();
        let said = message(&format!(
            "# header\n\n[go]\nfiles_hash = \"{HASH}\"\npassed = [\n  \"server\",\n]\n"
        ));
        assert!(
            said.starts_with(
                "snapshots/a/b/verified.toml:6: malformed verified file: \"server\" is not a column"
            ),
            "{said}"
        );
        assert!(
            said.contains("`nbe test --server-version VERSIONS --save a/b`"),
            "{said}"
        );
        let said = message("[go]\nfiles_hash = \"md5:x\"\n");
        assert!(said.starts_with("snapshots/a/b/verified.toml:2: "), "{said}");
        assert!(said.contains("`files_hash` is not"), "{said}");
        let said = message(&format!(
            "[go]\nfiles_hash = \"{HASH}\"\npassed = [\"server v1\"]\nfailed = [\"server v1\"]\n"
        ));
        assert!(said.starts_with("snapshots/a/b/verified.toml:4: "), "{said}");
        assert!(said.contains("listed twice"), "{said}");
        // TOML syntax and unknown keys, at their lines, from the toml crate's own reports.
        let said = message("[go]\nfiles_hash = \"x\n");
        assert!(
            said.starts_with("snapshots/a/b/verified.toml:2: malformed verified file: "),
            "{said}"
        );
        let said = message(&format!("[go]\nfiles_hash = \"{HASH}\"\nverified = true\n"));
        assert!(said.starts_with("snapshots/a/b/verified.toml:3: "), "{said}");
        assert!(said.contains("verified"), "{said}");
        let said = message("[go]\npassed = []\n");
        assert!(said.contains("files_hash"), "{said}");
        assert!(message("go = 1\n").starts_with("snapshots/a/b/verified.toml:1: "));
    }

    #[test]
    fn matrix_outcomes_say_passed_failed_or_nothing() {
        assert_eq!(Tested::of(&Outcome::Passed), Some(Tested::Passed));
        let mismatch = Outcome::Mismatch {
            expected: String::new(),
            actual: String::new(),
        };
        assert_eq!(Tested::of(&mismatch), Some(Tested::Failed));
        assert_eq!(
            Tested::of(&Outcome::Skipped {
                reason: String::new()
            }),
            None
        );
        let flaky = Outcome::Flaky {
            run: 2,
            first: String::new(),
            other: String::new(),
        };
        assert_eq!(Tested::of(&flaky), None);
        let new = |accepted| Outcome::New {
            actual: String::new(),
            accepted,
        };
        assert_eq!(Tested::of(&new(false)), None);
        assert_eq!(Tested::of(&new(true)), Some(Tested::Passed));
    }
}
