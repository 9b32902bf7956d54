//! The catalog: categories, examples and clients discovered under `examples/`, validated up front.
//!
//! Every problem is reported with the file, line and column it comes from, so a typo in a
//! `meta.yaml` never turns into a confusing failure later. Before anything is read, [`paths`]
//! checks that nothing under `examples/` or `snapshots/` leads outside the repository. A problem
//! belongs to the category, example or client it touches ([`Problem`]): the rest of the catalog
//! loads and runs around it, so one half-made example never blocks the others. What an example
//! declares is compiled here too (its `expect.error_lines`, its `normalize:` rules and its
//! `versions:` requirements, see [`versions`]), so a bad regex or requirement is a problem of that
//! example, found before anything runs.

mod kind;
pub(crate) mod meta;
mod partition;
pub mod paths;
pub mod requires;
pub mod versions;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use kind::{Kind, KindSpec, Server, load as load_kinds};
pub use meta::{Allow, Expect, NON_RUN_KEYS, RUN_KEYS};
pub use partition::Partition;

use crate::duration;
use crate::error::{Error, Location, Result};
use crate::normalize;

/// Every category, example and client of an examples repository.
#[derive(Debug)]
pub struct Catalog {
    /// The repository root (the directory holding `examples/`).
    pub root: PathBuf,
    /// Categories in reading order.
    pub categories: Vec<Category>,
    /// What is wrong with the parts that did not load, in discovery order.
    pub problems: Vec<Problem>,
    /// The `site.edit_url` template of `examples/meta.yaml`, holding `{path}`.
    pub edit_url: Option<String>,
}

/// A catalog error confined to one category, example or client, which did not load.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The path of what it touches: `category`, `category/example` or `category/example/client`.
    pub path: String,
    /// Where the problem is.
    pub location: Location,
    /// What is wrong and what to do about it.
    pub message: String,
    /// What sort of problem it is.
    pub kind: ProblemKind,
}

/// What sort of problem a [`Problem`] is, for `nbe lint`'s codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A directory its parent's `meta.yaml` does not list.
    NotListed,
    /// A client directory named after no kind.
    UnknownKind,
    /// Anything else that keeps it from loading.
    Other,
}

impl Problem {
    /// The problem as an error.
    pub fn error(&self) -> Error {
        Error::catalog(self.location.clone(), self.message.clone())
    }

    /// True when the problem touches something under `prefix`, or the thing `prefix` names.
    pub fn touches(&self, prefix: &str) -> bool {
        segment_prefix(&self.path, prefix) || segment_prefix(prefix, &self.path)
    }

    fn new(path: String, error: Error) -> Self {
        Self::of(ProblemKind::Other, path, error)
    }

    fn of(kind: ProblemKind, path: String, error: Error) -> Self {
        match error {
            Error::Catalog { location, message } => Self {
                path,
                location,
                message,
                kind,
            },
            other => Self {
                location: Location::file(&path),
                message: other.to_string(),
                path,
                kind,
            },
        }
    }
}

/// A group of examples.
#[derive(Debug)]
pub struct Category {
    /// Directory name, also the first path segment.
    pub name: String,
    /// The category directory.
    pub dir: PathBuf,
    /// Display title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Examples in reading order.
    pub examples: Vec<Example>,
    /// Examples its `meta.yaml` does not list, alphabetically: they have no place in the reading
    /// order (no page, not in `nbe list`), but the commands that run and judge clients take them,
    /// with a warning ([`Catalog::unlisted_in`]), so an example being written, or one a
    /// repository forgot to list, still runs. `nbe lint` reports the listing (NBE112).
    pub unlisted: Vec<Example>,
}

/// One example: a topic shown in one or more client languages.
#[derive(Debug)]
pub struct Example {
    /// `category/example`.
    pub path: String,
    /// The example directory.
    pub dir: PathBuf,
    /// The example's `meta.yaml` (it may not exist).
    pub meta_path: PathBuf,
    /// Display title.
    pub title: String,
    /// Markdown description.
    pub description: String,
    /// Timeout from `meta.yaml`, overriding the command line.
    pub timeout: Option<Duration>,
    /// Per-example normalization overrides.
    pub normalize: normalize::Rules,
    /// The built-in rules plus `normalize`, compiled when the catalog loads; examples with the same
    /// rules share one.
    pub normalizer: Arc<normalize::Normalizer>,
    /// The server fixture from `meta.yaml`, overriding each kind's default.
    pub server: Option<Server>,
    /// The declared outcome.
    pub expect: Expect,
    /// The meta.yaml keys that change a run ([`meta::RUN_KEYS`]) with their values, as canonical
    /// JSON, for the staleness hash of its recordings.
    pub run_settings: String,
    /// `expect.error_lines`, compiled when the catalog loads.
    pub error_lines: Vec<regex::Regex>,
    /// `versions:`: the releases the example works with, parsed when the catalog loads.
    pub requires: versions::Requirements,
    /// The `nbe lint` findings silenced in `meta.yaml` (`lint.allow`), each with its reason.
    pub allows: Vec<Allow>,
    /// Clients in display order.
    pub clients: Vec<Client>,
}

impl Example {
    /// The client `nbe run category/example` runs: the only one, else `cli`; none when it must be named.
    pub fn default_client(&self) -> Option<&Client> {
        match self.clients.as_slice() {
            [only] => Some(only),
            clients => clients.iter().find(|c| c.kind == Kind::CLI),
        }
    }

    /// The server fixture `client` runs with: the example's choice, else its kind's default.
    pub fn server_for(&self, client: &Client) -> Server {
        self.server.unwrap_or(client.kind.default_server())
    }
}

/// One program of an example, in one language.
#[derive(Debug)]
pub struct Client {
    /// `category/example/kind`.
    pub path: String,
    /// The language.
    pub kind: Kind,
    /// The client directory.
    pub dir: PathBuf,
    /// The main program file.
    pub main: PathBuf,
    /// What it needs beyond its kind, as `meta.yaml` declares it (`requires:` of the example,
    /// then of the client under `clients:`): program names and example-relative file paths.
    pub requires: Vec<String>,
    /// Whether its package manager's install hooks run in `prepare` (`hooks: true` under
    /// `clients:`).
    pub hooks: bool,
}

impl Example {
    /// The exit status and the compiled error lines `client` is expected to end with: the declared
    /// ones when `expect.clients` is absent or names it, else a clean exit without error lines.
    pub fn expected(&self, client: &Client) -> (i32, &[regex::Regex]) {
        match &self.expect.clients {
            Some(names) if !names.iter().any(|name| client.is_named(name)) => (0, &[]),
            _ => (self.expect.exit_status, &self.error_lines),
        }
    }
}

impl Client {
    /// True when `name` is its directory's name or its kind's.
    pub fn is_named(&self, name: &str) -> bool {
        self.dir_name() == name || self.kind.name() == name
    }

    /// The name of its directory: its kind's name, or one of the kind's aliases.
    pub fn dir_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The file name of its main program: the first of its kind's `main` names it has.
    pub fn main_name(&self) -> &str {
        self.main
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
    }

    /// The raw recorded output.
    pub fn output_txt(&self) -> PathBuf {
        self.dir.join("output.txt")
    }

    /// The recorded terminal session.
    pub fn output_cast(&self) -> PathBuf {
        self.dir.join("output.cast")
    }
}

/// A client with the example it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    /// The example.
    pub example: &'a Example,
    /// The client.
    pub client: &'a Client,
}

/// The default title of a directory: `supercluster-arbiter` reads "Supercluster Arbiter".
pub fn title_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds the repository root: the nearest ancestor of `start` (itself included) holding `examples/`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join("examples").is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::NoRoot {
            searched: start.to_path_buf(),
        })
}

impl Catalog {
    /// Loads and validates the catalog of the repository at `root`.
    pub fn load(root: &Path) -> Result<Self> {
        let examples_dir = root.join("examples");
        if !examples_dir.is_dir() {
            return Err(Error::NoRoot {
                searched: root.to_path_buf(),
            });
        }
        paths::check_contained(root)?;
        let root_meta_path = examples_dir.join("meta.yaml");
        let (root_meta, root_text) = meta::read::<meta::RootMeta>(&root_meta_path)?;
        let edit_url = edit_url(root_meta.site.edit_url.clone(), &root_meta_path, &root_text)?;
        let mut problems = Vec::new();
        // An unlisted category is left out (a problem of its own); only unlisted examples run.
        let (names, _) = ordered_dirs(
            &examples_dir,
            &root_meta.categories,
            (&root_meta_path, &root_text),
            ("categories", ""),
            &mut problems,
        )?;
        let normalizers = normalize::Shared::default();
        let mut categories = Vec::new();
        for name in names {
            if let Some(category) = load_category(&examples_dir, name, &normalizers, &mut problems)? {
                categories.push(category);
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            categories,
            problems,
            edit_url,
        })
    }

    /// The problems touching `prefixes` (every one when empty), within `partition`: problems
    /// sit in the first partition, since what they touch did not load and has no position.
    pub fn problems_in(&self, prefixes: &[String], partition: Option<Partition>) -> Vec<&Problem> {
        if partition.is_some_and(|partition| !partition.contains(0)) {
            return Vec::new();
        }
        self.problems
            .iter()
            .filter(|p| {
                prefixes.is_empty() || prefixes.iter().any(|prefix| p.touches(prefix.trim_matches('/')))
            })
            .collect()
    }

    /// Every example, in catalog order.
    pub fn examples(&self) -> impl Iterator<Item = &Example> {
        self.categories.iter().flat_map(|category| &category.examples)
    }

    /// Every client with its example, in catalog order.
    pub fn clients(&self) -> impl Iterator<Item = Selected<'_>> {
        self.examples().flat_map(|example| {
            example
                .clients
                .iter()
                .map(move |client| Selected { example, client })
        })
    }

    /// Every example a command that runs or judges clients takes: those in reading order, then the
    /// unlisted ones (last, so the partitions of the listed ones do not move when one is added).
    pub fn runnable_examples(&self) -> impl Iterator<Item = &Example> {
        self.examples()
            .chain(self.categories.iter().flat_map(|category| &category.unlisted))
    }

    /// Every client of [`Catalog::runnable_examples`] with its example.
    fn runnable_clients(&self) -> impl Iterator<Item = Selected<'_>> {
        self.runnable_examples().flat_map(|example| {
            example
                .clients
                .iter()
                .map(move |client| Selected { example, client })
        })
    }

    /// The warning for each example of `selected` its category does not list, once per example:
    /// it runs all the same, and `nbe lint` reports the listing.
    pub fn unlisted_in(&self, selected: &[Selected]) -> Vec<String> {
        let mut warnings: Vec<String> = Vec::new();
        for category in &self.categories {
            for example in &category.unlisted {
                if selected.iter().any(|s| std::ptr::eq(s.example, example)) {
                    warnings.push(format!(
                        "{} is not listed under `examples:` in {}; it runs all the same, but has no page until it is listed",
                        example.path,
                        category.dir.join("meta.yaml").display()
                    ));
                }
            }
        }
        warnings
    }

    /// The problems under `prefixes` (within `partition`) that fail a run: every one but an
    /// unlisted example, which runs with a warning instead ([`Catalog::unlisted_in`]).
    pub fn failures_in(&self, prefixes: &[String], partition: Option<Partition>) -> Vec<&Problem> {
        self.problems_in(prefixes, partition)
            .into_iter()
            .filter(|problem| problem.kind != ProblemKind::NotListed)
            .collect()
    }

    /// Every path a user can name: categories, examples and clients.
    pub(crate) fn all_paths(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().flat_map(|category| {
            std::iter::once(category.name.as_str()).chain(category.examples.iter().flat_map(|example| {
                std::iter::once(example.path.as_str()).chain(example.clients.iter().map(|c| c.path.as_str()))
            }))
        })
    }

    /// The clients under `prefixes` (whole path segments), all of them when `prefixes` is empty.
    ///
    /// A prefix that matches nothing is an error with suggestions.
    pub fn select(&self, prefixes: &[String]) -> Result<Vec<Selected<'_>>> {
        self.select_in(prefixes, None)
    }

    /// Like [`Catalog::select`], but only the examples of `partition` (by position in catalog
    /// order) when there is one. Prefixes are checked against the whole catalog all the same.
    pub fn select_in(&self, prefixes: &[String], partition: Option<Partition>) -> Result<Vec<Selected<'_>>> {
        let prefixes: Vec<&str> = prefixes.iter().map(|p| p.trim_matches('/')).collect();
        for prefix in &prefixes {
            if !self
                .runnable_clients()
                .any(|s| segment_prefix(&s.client.path, prefix))
                && !self.problems.iter().any(|p| p.touches(prefix))
            {
                return Err(self.not_found(prefix));
            }
        }
        Ok(self
            .runnable_examples()
            .enumerate()
            .filter(|(position, _)| partition.is_none_or(|partition| partition.contains(*position)))
            .flat_map(|(_, example)| {
                example
                    .clients
                    .iter()
                    .map(move |client| Selected { example, client })
            })
            .filter(|s| prefixes.is_empty() || prefixes.iter().any(|p| segment_prefix(&s.client.path, p)))
            .collect())
    }

    /// Resolves `category/example[/client]` to one client: the named one, else the only one, else `cli`.
    pub fn client(&self, path: &str) -> Result<Selected<'_>> {
        let path = path.trim_matches('/');
        if let Some(selected) = self.runnable_clients().find(|s| s.client.path == path) {
            return Ok(selected);
        }
        let Some(example) = self.runnable_examples().find(|example| example.path == path) else {
            // What the path names did not load: its own problem says why.
            return Err(match self.problems.iter().find(|p| p.touches(path)) {
                Some(problem) => problem.error(),
                None => self.not_found(path),
            });
        };
        let client = example.default_client().ok_or_else(|| {
            let names: Vec<_> = example.clients.iter().map(|c| c.path.as_str()).collect();
            Error::Usage(format!(
                "{path} has several clients and none is `cli`; name one of: {}",
                names.join(", ")
            ))
        })?;
        Ok(Selected { example, client })
    }

    /// The error for a path that names nothing, with the closest existing paths.
    fn not_found(&self, path: &str) -> Error {
        let mut scored: Vec<(f64, &str)> = self
            .all_paths()
            .map(|candidate| (strsim::jaro_winkler(path, candidate), candidate))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let suggestions: Vec<&str> = scored
            .iter()
            .filter(|(score, _)| *score > 0.7)
            .take(3)
            .map(|(_, p)| *p)
            .collect();
        let mut message = format!("no example or client named {path:?}");
        if suggestions.is_empty() {
            message.push_str("; run `nbe list` to see them all");
        } else {
            message.push_str("; did you mean ");
            message.push_str(&suggestions.join(", "));
            message.push('?');
        }
        Error::Usage(message)
    }
}

/// The `site.edit_url` of `examples/meta.yaml`, checked: an http(s) URL holding `{path}`. Like
/// links in prose, it keeps only a web scheme, so no `javascript:` reaches a page.
fn edit_url(url: Option<String>, path: &Path, text: &str) -> Result<Option<String>> {
    let Some(url) = url else {
        return Ok(None);
    };
    if url.contains("{path}") && (url.starts_with("https://") || url.starts_with("http://")) {
        return Ok(Some(url));
    }
    let line = text.lines().position(|l| l.contains("edit_url")).map(|at| at + 1);
    Err(Error::catalog(
        Location {
            path: path.to_path_buf(),
            line,
            column: None,
        },
        format!(
            "site.edit_url `{url}` is not an http(s) URL with `{{path}}`; write where the program's path from the \
             repository root goes, like https://example.com/repo/edit/main/{{path}}"
        ),
    ))
}

/// True when `prefix` names `path` or one of its ancestors, segment by segment.
pub fn segment_prefix(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The sub-directories of `dir` in the order `listed` gives them, checked both ways: every listed
/// name exists and every directory is listed. Without a list, alphabetical order.
///
/// A name listed twice, listed but missing, or present but unlisted is a problem of that one
/// child (`parent/name`), which is left out of the order; the others load. The second list holds
/// the present but unlisted names. `meta` is the list's file and text, `key` its YAML key and the
/// parent's catalog path.
fn ordered_dirs(
    dir: &Path,
    listed: &[String],
    (meta_path, text): (&Path, &str),
    (key, parent): (&str, &str),
    problems: &mut Vec<Problem>,
) -> Result<(Vec<String>, Vec<String>)> {
    let present = subdirs(dir)?;
    let what = if key == "categories" {
        "category"
    } else {
        "example"
    };
    for name in &present {
        paths::check_name(&dir.join(name), name, what, key, meta_path)?;
    }
    if listed.is_empty() {
        return Ok((present, Vec::new()));
    }
    let child = |name: &str| match parent {
        "" => name.to_string(),
        parent => format!("{parent}/{name}"),
    };
    let mut seen = std::collections::HashSet::new();
    let mut ordered = Vec::new();
    for name in listed {
        if !seen.insert(name) {
            problems.push(Problem::new(
                child(name),
                Error::catalog(
                    meta::item_location(meta_path, text, name),
                    format!("{name:?} is listed twice under `{key}`; remove one"),
                ),
            ));
        } else if !present.contains(name) {
            problems.push(Problem::new(
                child(name),
                Error::catalog(
                    meta::item_location(meta_path, text, name),
                    format!(
                        "`{key}` lists {name:?} but {} does not exist; create it or remove the entry",
                        dir.join(name).display()
                    ),
                ),
            ));
        } else {
            ordered.push(name.clone());
        }
    }
    let unlisted: Vec<String> = present
        .into_iter()
        .filter(|name| !listed.contains(name))
        .collect();
    for missing in &unlisted {
        problems.push(Problem::of(
            ProblemKind::NotListed,
            child(missing),
            Error::catalog(
                meta::key_location(meta_path, text, key),
                format!(
                    "{} is not listed under `{key}`; add {missing:?} to the list",
                    dir.join(missing).display()
                ),
            ),
        ));
    }
    Ok((ordered, unlisted))
}

/// The names of the visible (not dot-named) sub-directories of `dir`, sorted.
fn subdirs(dir: &Path) -> Result<Vec<String>> {
    let failed = |e| Error::io(format!("failed to list {}", dir.display()), e);
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !name.starts_with('.') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Loads a category; `None` when its `meta.yaml` is broken (a problem of the whole category).
fn load_category(
    examples_dir: &Path,
    name: String,
    normalizers: &normalize::Shared,
    problems: &mut Vec<Problem>,
) -> Result<Option<Category>> {
    let dir = examples_dir.join(&name);
    let meta_path = dir.join("meta.yaml");
    let (meta, text) = match meta::read::<meta::CategoryMeta>(&meta_path) {
        Ok(read) => read,
        Err(err @ Error::Catalog { .. }) => {
            problems.push(Problem::new(name, err));
            return Ok(None);
        }
        Err(err) => return Err(err),
    };
    let (listed, unlisted) = ordered_dirs(
        &dir,
        &meta.examples,
        (&meta_path, &text),
        ("examples", &name),
        problems,
    )?;
    let mut load = |names: Vec<String>| -> Result<Vec<Example>> {
        let mut examples = Vec::new();
        for example in names {
            match load_example(&dir, &name, &example, normalizers, problems) {
                Ok(Some(example)) => examples.push(example),
                Ok(None) => {}
                Err(err @ Error::Catalog { .. }) => {
                    problems.push(Problem::new(format!("{name}/{example}"), err))
                }
                Err(err) => return Err(err),
            }
        }
        Ok(examples)
    };
    let examples = load(listed)?;
    let unlisted = load(unlisted)?;
    Ok(Some(Category {
        title: meta.title.unwrap_or_else(|| title_case(&name)),
        description: meta.description.unwrap_or_default(),
        name,
        dir,
        examples,
        unlisted,
    }))
}

/// Loads an example; a catalog error is a problem of the example, and `None` means every client
/// it has is broken (their problems are recorded).
fn load_example(
    category_dir: &Path,
    category: &str,
    name: &str,
    normalizers: &normalize::Shared,
    problems: &mut Vec<Problem>,
) -> Result<Option<Example>> {
    let dir = category_dir.join(name);
    let meta_path = dir.join("meta.yaml");
    let (meta, text) = meta::read::<meta::ExampleMeta>(&meta_path)?;
    let timeout = meta
        .timeout
        .as_deref()
        .map(duration::parse)
        .transpose()
        .map_err(|err| Error::catalog(meta::key_location(&meta_path, &text, "timeout"), err.to_string()))?;
    if timeout.is_some_and(|t| t.is_zero()) {
        return Err(Error::catalog(
            meta::value_location(&meta_path, &text, &["timeout"]),
            "`timeout` is zero, so every run would time out at once; give the example the time it needs, like `timeout: 90s`, or remove the key to use --timeout".to_string(),
        ));
    }
    if !(0..=255).contains(&meta.expect.exit_status) {
        return Err(Error::catalog(
            meta::value_location(&meta_path, &text, &["expect", "exit_status"]),
            format!(
                "`expect.exit_status` is {}, which no process can exit with; use the status the example ends with, from 0 to 255 (128+N for a signal N)",
                meta.expect.exit_status
            ),
        ));
    }
    let error_lines = meta
        .expect
        .error_lines
        .iter()
        .map(|pattern| {
            regex::Regex::new(pattern).map_err(|e| {
                // The pattern's own line in a block list, else the `error_lines:` key.
                let item = meta::item_location(&meta_path, &text, pattern);
                let location = match item.line {
                    Some(1) => meta::key_location(&meta_path, &text, "error_lines"),
                    _ => item,
                };
                Error::catalog(
                    location,
                    format!("`expect.error_lines` has an invalid regex: {e}"),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let requires = requirements(&meta_path, &text, &meta.versions)?;
    let normalizer = normalizers.get(&meta.normalize).map_err(|err| {
        Error::catalog(
            rule_location(&meta_path, &text, &err),
            format!("normalize: {err}; fix the rule (see docs/normalization.md)"),
        )
    })?;
    let allows = meta::allows(&meta_path, &text, &meta.lint)?;
    let path = format!("{category}/{name}");
    let before = problems.len();
    let mut clients = load_clients(&dir, &path, problems)?;
    requires::declare(&mut clients, &meta, &meta_path, &text)?;
    if clients.is_empty() && problems.len() > before {
        return Ok(None);
    }
    for name in meta.expect.clients.iter().flatten() {
        if !clients.iter().any(|client| client.is_named(name)) {
            let known: Vec<&str> = clients.iter().map(Client::dir_name).collect();
            // The name's own line in a block list, else the list's.
            let item = meta::item_location(&meta_path, &text, name);
            let location = match item.line {
                Some(1) => meta::value_location(&meta_path, &text, &["expect", "clients"]),
                _ => item,
            };
            return Err(Error::catalog(
                location,
                format!(
                    "`expect.clients` names {name:?}, which is not a client of this example; use one of: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    if clients.is_empty() {
        return Err(Error::catalog(
            Location::file(&dir),
            format!(
                "the example has no client; add a directory named after its language (cli, go, python...) holding its main file, e.g. {}",
                dir.join("cli").join("main.sh").display()
            ),
        ));
    }
    Ok(Some(Example {
        title: meta.title.unwrap_or_else(|| title_case(name)),
        description: meta.description.unwrap_or_default(),
        timeout,
        normalize: meta.normalize,
        normalizer,
        server: meta.server,
        expect: meta.expect,
        run_settings: meta::run_settings(&text),
        error_lines,
        requires,
        allows,
        path,
        dir,
        meta_path,
        clients,
    }))
}

/// True when the sub-directory `dir` of an example is content, not a client: it holds no main
/// file of any kind, and, when it is named after `kind`, no file with a main file's extension
/// (`server.go` in a `go/` without `main.go` is a client missing its main file).
fn is_content(dir: &Path, kind: Option<Kind>) -> Result<bool> {
    // Every name a kind's `main` lists, not only its first: `main.js` is a Deno client too.
    let names = || Kind::all().flat_map(|any| any.spec().main.iter());
    if names().any(|name| dir.join(name).is_file()) {
        return Ok(false);
    }
    if kind.is_none() {
        return Ok(true);
    }
    let extensions: Vec<&std::ffi::OsStr> = names().filter_map(|name| Path::new(name).extension()).collect();
    let failed = |e| Error::io(format!("failed to list {}", dir.display()), e);
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let path = entry.map_err(failed)?.path();
        if path.is_file() && path.extension().is_some_and(|ext| extensions.contains(&ext)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Parses `versions:`: each key a component, each value a semver requirement like `>=2.11.0`.
fn requirements(
    meta_path: &Path,
    text: &str,
    declared: &std::collections::BTreeMap<String, String>,
) -> Result<versions::Requirements> {
    let mut requires = Vec::new();
    for (key, value) in declared {
        let Some(component) = versions::Component::from_key(key) else {
            return Err(Error::catalog(
                meta::value_location(meta_path, text, &["versions", key]),
                format!(
                    "`versions` has the unknown key `{key}`; use one of {}",
                    versions::Component::valid_keys()
                ),
            ));
        };
        let requirement = semver::VersionReq::parse(value).map_err(|e| {
            Error::catalog(
                meta::value_location(meta_path, text, &["versions", key]),
                format!(
                    "`versions.{key}` is not a version requirement ({e}); write one like \">=2.11.0\" or \">=2.11, <2.13\""
                ),
            )
        })?;
        requires.push((component, requirement));
    }
    Ok(versions::Requirements(requires))
}

/// The location of the rule a normalizer error names, like `redact[2].pattern`.
fn rule_location(meta_path: &Path, text: &str, err: &normalize::RuleError) -> Location {
    let (normalize::RuleError::Regex { rule, .. } | normalize::RuleError::Invalid { rule, .. }) = err;
    let rule = rule.replace('[', ".").replace(']', "");
    let steps: Vec<&str> = std::iter::once("normalize").chain(rule.split('.')).collect();
    meta::value_location(meta_path, text, &steps)
}

/// The clients of an example in tab order. A sub-directory is a client when it is named after a
/// kind and holds its main file; it is content (configuration, scripts, a README the program
/// reads or the reader does), and left alone, when it holds no program: no main file of any kind
/// and, when named after a kind, no file ending like a main file either. What is left is a
/// problem of that client, left out: a directory holding a main file but named after no kind,
/// and one named after a kind holding programs but not its main file.
fn load_clients(dir: &Path, example_path: &str, problems: &mut Vec<Problem>) -> Result<Vec<Client>> {
    let mut clients = Vec::new();
    for name in subdirs(dir)? {
        let client_dir = dir.join(&name);
        let path = format!("{example_path}/{name}");
        let kind = Kind::from_dir_name(&name);
        if is_content(&client_dir, kind)? {
            continue;
        }
        let Some(kind) = kind else {
            let known: Vec<_> = Kind::all().map(Kind::name).collect();
            problems.push(Problem::of(
                ProblemKind::UnknownKind,
                path,
                Error::catalog(
                    Location::file(&client_dir),
                    format!(
                        "{name:?} is not a client kind; rename the directory to one of: {}",
                        known.join(", ")
                    ),
                ),
            ));
            continue;
        };
        let main = match kind.main_in(&client_dir) {
            Ok(main) => main,
            Err(missing) => {
                problems.push(Problem::new(
                    path,
                    Error::catalog(Location::file(&client_dir), missing),
                ));
                continue;
            }
        };
        clients.push(Client {
            path,
            kind,
            dir: client_dir,
            main,
            requires: Vec::new(),
            hooks: false,
        });
    }
    clients.sort_by_key(|client| client.kind);
    Ok(clients)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_default_to_title_case() {
        assert_eq!(title_case("supercluster-arbiter"), "Supercluster Arbiter");
        assert_eq!(title_case("kv"), "Kv");
        assert_eq!(title_case("object_store"), "Object Store");
    }

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(segment_prefix("topologies/arbiter/cli", "topologies"));
        assert!(segment_prefix("topologies/arbiter/cli", "topologies/arbiter"));
        assert!(!segment_prefix("topologies/arbiter/cli", "topo"));
        assert!(segment_prefix("a/b/c", ""));
    }

    #[test]
    fn the_partitions_of_a_selection_cover_every_client_exactly_once() {
        let repo = tempfile::tempdir().unwrap();
        for client in [
            "a/one/cli/main.sh",
            "a/one/go/main.go",
            "a/two/cli/main.sh",
            "b/three/cli/main.sh",
            "b/three/python/main.py",
            "b/four/cli/main.sh",
            "c/five/cli/main.sh",
        ] {
            let path = repo.path().join("examples").join(client);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let catalog = Catalog::load(repo.path()).unwrap();
        let paths = |selected: Vec<Selected>| -> Vec<String> {
            selected.iter().map(|s| s.client.path.clone()).collect()
        };
        for prefixes in [
            vec![],
            vec!["b".to_string()],
            vec!["a/one".to_string(), "c".to_string()],
        ] {
            let whole = paths(catalog.select(&prefixes).unwrap());
            let mut parts = Vec::new();
            for k in 1..=3 {
                let partition: Partition = format!("{k}/3").parse().unwrap();
                parts.extend(paths(catalog.select_in(&prefixes, Some(partition)).unwrap()));
            }
            parts.sort_by_key(|path| whole.iter().position(|p| p == path));
            assert_eq!(parts, whole, "{prefixes:?}");
        }
        let all = catalog.select(&[]).unwrap();
        assert_eq!(all.len(), 7);
        assert!(
            catalog
                .select_in(&["nowhere".to_string()], Some("1/3".parse().unwrap()))
                .is_err()
        );
    }

    /// Loads a repository whose only example has `meta` as its `meta.yaml`; the error is shown
    /// relative to the example directory.
    fn load_meta(meta: &str) -> std::result::Result<Catalog, String> {
        let repo = tempfile::tempdir().unwrap();
        let example = repo.path().join("examples/kv/put");
        std::fs::create_dir_all(example.join("cli")).unwrap();
        std::fs::write(example.join("cli/main.sh"), "").unwrap();
        std::fs::write(example.join("meta.yaml"), meta).unwrap();
        let shown = |err: Error| {
            let err = err.to_string();
            err.strip_prefix(&format!("{}/", example.display()))
                .unwrap_or(&err)
                .to_string()
        };
        // A problem of the one example is the example's, not the catalog's: it is found all the same.
        let catalog = Catalog::load(repo.path()).map_err(shown)?;
        match catalog.problems.first() {
            Some(problem) => Err(shown(problem.error())),
            None => Ok(catalog),
        }
    }

    fn meta_error(meta: &str) -> String {
        load_meta(meta).expect_err("a catalog error")
    }

    #[test]
    fn an_expectation_can_be_for_some_clients_only() {
        let repo = tempfile::tempdir().unwrap();
        let example = repo.path().join("examples/kv/put");
        for main in ["cli/main.sh", "go/main.go", "javascript/main.js"] {
            std::fs::create_dir_all(example.join(main).parent().unwrap()).unwrap();
            std::fs::write(example.join(main), "").unwrap();
        }
        let meta = |clients: &str| {
            format!("expect:\n  exit_status: 1\n  error_lines: ['^nats: error: ']\n  clients: {clients}\n")
        };
        std::fs::write(example.join("meta.yaml"), meta("[cli, node]")).unwrap();
        let catalog = Catalog::load(repo.path()).unwrap();
        let put = &catalog.categories[0].examples[0];
        let expected = |kind: &str| {
            let client = put.clients.iter().find(|c| c.kind.name() == kind).unwrap();
            let (status, lines) = put.expected(client);
            (status, lines.len())
        };
        // `node` names the `javascript` directory through its kind.
        assert_eq!(expected("cli"), (1, 1));
        assert_eq!(expected("node"), (1, 1));
        assert_eq!(expected("go"), (0, 0));

        std::fs::write(example.join("meta.yaml"), meta("[cli, rust]")).unwrap();
        let catalog = Catalog::load(repo.path()).unwrap();
        let err = catalog.problems[0].error().to_string();
        assert!(
            err.ends_with("meta.yaml:4:12: `expect.clients` names \"rust\", which is not a client of this example; use one of: cli, go, javascript"),
            "{err}"
        );
    }

    #[test]
    fn a_zero_timeout_is_refused_at_its_value() {
        let err = meta_error("title: Put\ntimeout: 0s\n");
        assert!(err.starts_with("meta.yaml:2:10: `timeout` is zero"), "{err}");
        assert!(err.contains("like `timeout: 90s`"), "{err}");
        let err = meta_error("timeout: 0\n");
        assert!(err.starts_with("meta.yaml:1:10: `timeout` is zero"), "{err}");
    }

    #[test]
    fn an_exit_status_outside_0_to_255_is_refused_at_its_value() {
        let err = meta_error("expect:\n  exit_status: 300\n");
        assert!(
            err.starts_with("meta.yaml:2:16: `expect.exit_status` is 300, which no process can exit with"),
            "{err}"
        );
        let err = meta_error("expect: {exit_status: -1}\n");
        assert!(
            err.starts_with("meta.yaml:1:23: `expect.exit_status` is -1"),
            "{err}"
        );
        let catalog = load_meta("timeout: 1ms\nexpect: {exit_status: 255}\n").expect("valid");
        assert_eq!(catalog.categories[0].examples[0].expect.exit_status, 255);
    }

    #[test]
    fn a_bad_normalize_rule_is_refused_at_its_own_line_and_column() {
        let err = meta_error(
            "normalize:\n  redact:\n    - pattern: ok\n      replace: x\n    - pattern: 'a(b'\n      replace: y\n",
        );
        assert!(
            err.starts_with("meta.yaml:5:16: normalize: invalid regex in normalize rule redact[1].pattern"),
            "{err}"
        );
        let err = meta_error("normalize:\n  drop: ['fine', '[']\n");
        assert!(
            err.starts_with("meta.yaml:2:18: normalize: invalid regex in normalize rule drop[1]"),
            "{err}"
        );
        let err = meta_error("normalize:\n  disable: [nope]\n");
        assert!(
            err.starts_with("meta.yaml:2:13: normalize: invalid normalize rule disable[0]"),
            "{err}"
        );
    }

    #[test]
    fn version_requirements_are_parsed_and_bad_ones_refused_at_their_value() {
        let catalog = load_meta("versions:\n  server: \">=2.11.0\"\n  go: \">=1.40, <2\"\n").expect("valid");
        let requires = &catalog.categories[0].examples[0].requires;
        assert_eq!(requires.0.len(), 2);
        let err = meta_error("title: T\nversions:\n  server: \"two\"\n");
        assert!(
            err.starts_with("meta.yaml:3:11: `versions.server` is not a version requirement"),
            "{err}"
        );
        let err = meta_error("versions: {nats: \">=1\"}\n");
        assert!(
            err.starts_with(
                "meta.yaml:1:18: `versions` has the unknown key `nats`; use one of server, cli, go"
            ),
            "{err}"
        );
    }
}
