//! The resolved configuration: command-line flags and environment read once, into what nbe uses.
//!
//! As in ripgrep, [`crate::cli`] parses the raw flags (the only module that knows clap) and hands
//! the plain values here: [`Globals`] for the flags every subcommand takes, resolved into a
//! [`Config`]; [`ReportSettings`] and the update, colour and format choices for the commands that
//! report; [`VersionsRequest`] for the versions a version matrix or `nbe set-versions` asks for. Nothing below the commands sees a command-line type.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::catalog::{self, Partition};
use crate::error::{Error, Result};
use crate::runner::Tools;
use crate::runner::isolation::{self, Mode, Request};

/// The flags every subcommand takes, as given: `--root`, `--tools-dir` and `--isolation`.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    /// `--root`.
    pub root: Option<PathBuf>,
    /// `--tools-dir`.
    pub tools_dir: Option<PathBuf>,
    /// `--isolation` (or `NBE_ISOLATION`).
    pub isolation: Request,
}

impl Globals {
    /// The examples repository root (see [`resolve_root`]).
    pub fn root(&self) -> Result<PathBuf> {
        resolve_root(self.root.as_deref())
    }

    /// Where the tools were asked to come from: `--tools-dir`, then `NBE_TOOLS_DIR`.
    pub fn tools(&self) -> ToolsRequest {
        ToolsRequest::new(self.tools_dir.clone())
    }

    /// The configuration of a command that works in an examples repository; fails without one.
    pub fn resolve(&self) -> Result<Config> {
        Ok(Config {
            root: self.root()?,
            tools: self.tools(),
            isolation: self.isolation,
        })
    }
}

/// Where nbe works and with which tools.
#[derive(Debug, Clone)]
pub struct Config {
    /// The examples repository root.
    pub root: PathBuf,
    /// Where the tools were asked to come from.
    tools: ToolsRequest,
    /// `--isolation`.
    isolation: Request,
}

impl Config {
    /// How runs are isolated on this machine (probed once).
    pub fn isolation(&self) -> Result<Mode> {
        isolation::resolve(self.isolation)
    }

    /// Finds the tools, in the documented order.
    pub fn tools(&self) -> Result<Tools> {
        self.tools.resolve(Some(&self.root))
    }
}

/// The examples repository root: `--root`, then `NBE_ROOT`, then the nearest ancestor of the
/// current dir with `examples/`. Its `clients/kinds.toml`, if any, is merged into the kinds table
/// here, before anything reads a kind.
pub fn resolve_root(root_flag: Option<&Path>) -> Result<PathBuf> {
    let root = find_root_dir(root_flag)?;
    catalog::load_kinds(&root)?;
    Ok(root)
}

/// [`resolve_root`] before the kinds table is loaded.
fn find_root_dir(root_flag: Option<&Path>) -> Result<PathBuf> {
    let env_root = std::env::var_os("NBE_ROOT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    match root_flag.map(Path::to_path_buf).or(env_root) {
        Some(root) => {
            let root = std::path::absolute(&root).map_err(|e| Error::io("failed to resolve --root", e))?;
            if !root.join("examples").is_dir() {
                return Err(Error::NoRoot { searched: root });
            }
            Ok(root)
        }
        None => {
            let cwd =
                std::env::current_dir().map_err(|e| Error::io("failed to read the current directory", e))?;
            catalog::find_root(&cwd)
        }
    }
}

/// Where the tools were asked to come from: `--tools-dir` and `NBE_TOOLS_DIR`; needs no repository.
#[derive(Debug, Clone)]
pub struct ToolsRequest {
    /// `--tools-dir`.
    flag: Option<PathBuf>,
    /// `NBE_TOOLS_DIR`.
    env: Option<PathBuf>,
}

impl ToolsRequest {
    /// `--tools-dir` as given, and `NBE_TOOLS_DIR` from the environment.
    pub fn new(flag: Option<PathBuf>) -> Self {
        let env = std::env::var_os("NBE_TOOLS_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Self { flag, env }
    }

    /// Whether a directory was named (`--tools-dir` or `NBE_TOOLS_DIR`), so nbe's cache is not used.
    pub fn is_explicit(&self) -> bool {
        self.flag.is_some() || self.env.is_some()
    }

    /// Finds the tools in the order [`Tools::resolve`] gives, installing the pinned versions of
    /// the repository at `root` (nbe's own without one) into nbe's cache when none are found.
    pub fn resolve(&self, root: Option<&Path>) -> Result<Tools> {
        self.find(root, true)
    }

    /// Finds the tools like [`Self::resolve`]; installs nothing unless `install` says so.
    pub fn find(&self, root: Option<&Path>, install: bool) -> Result<Tools> {
        let cache = crate::cache::root()?;
        Tools::resolve(self.flag.as_deref(), self.env.as_deref(), root, &cache, install)
    }
}

/// True on CI: `CI` set to anything but empty, `false` or `0` (the convention CI providers and insta share).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "false" | "0"))
}

/// `--update` as typed: what to write when output and snapshot differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateChoice {
    /// `new` locally, `no` on CI.
    Auto,
    /// Write pending `.snap.new` files.
    New,
    /// Write the `.snap` files directly.
    Always,
    /// Write nothing.
    No,
}

/// What nbe writes when output and snapshot differ, resolved from [`UpdateChoice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMode {
    /// Write pending `.snap.new` files for review.
    New,
    /// Overwrite the `.snap` files.
    Always,
    /// Write nothing (CI).
    No,
}

impl UpdateChoice {
    /// The mode: `auto` becomes `no` when `ci`, else `new`.
    pub fn resolve(self, ci: bool) -> UpdateMode {
        match self {
            Self::Auto if ci => UpdateMode::No,
            Self::Auto | Self::New => UpdateMode::New,
            Self::Always => UpdateMode::Always,
            Self::No => UpdateMode::No,
        }
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour on a terminal unless `NO_COLOR` is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour output going to a stream that is (or is not) a terminal.
    pub fn enabled(self, terminal: bool) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// `--format`: who reads the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// People: one line per client, diffs, the summary last.
    Human,
    /// Machines: one JSON object.
    Json,
}

/// `--unreferenced`: what to do with snapshots no client references, after a full run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreferenced {
    /// Report them.
    Warn,
    /// Report them and fail.
    Reject,
    /// Delete them.
    Delete,
}

/// How examples are run, as asked: `--timeout`, `-j`, `--partition` and `--keep`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFlags {
    /// Stop an example after this long unless its meta.yaml says otherwise.
    pub timeout: Duration,
    /// Clients run at once, when asked.
    pub jobs: Option<usize>,
    /// Only this CI partition of the examples.
    pub partition: Option<Partition>,
    /// Keep each run's temp dir.
    pub keep: bool,
}

/// The versions a version matrix runs on, as asked: `--server-version`, `--cli-version` and
/// `--client KIND=VERSION` (each version like `v2.11.4`; empty when not asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionsRequest {
    /// nats-server versions.
    pub server: Vec<String>,
    /// natscli versions.
    pub cli: Vec<String>,
    /// Client library versions, per kind.
    pub clients: Vec<(crate::catalog::Kind, String)>,
}

impl VersionsRequest {
    /// The request from the flags' values: releases get the `v` the Go module proxy names them
    /// with, and each `--client` is `KIND=VERSION` for a kind with a client library.
    pub fn parse(server: &[String], cli: &[String], clients: &[String]) -> Result<Self> {
        use crate::runner::install::module_version;
        let releases = |values: &[String], flag: &str| -> Result<Vec<String>> {
            let mut out: Vec<String> = Vec::new();
            for value in values {
                let version = module_version(value, flag)?;
                if !out.contains(&version) {
                    out.push(version);
                }
            }
            Ok(out)
        };
        let mut parsed = Vec::new();
        for value in clients {
            let (kind, version) = value.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "--client {value}: write KIND=VERSION, like --client go=v1.50.0"
                ))
            })?;
            let component = crate::catalog::versions::Component::from_key(kind.trim());
            let Some(crate::catalog::versions::Component::Library(kind)) = component else {
                return Err(Error::Usage(format!(
                    "--client {value}: `{kind}` is not a client kind with a library; use one of {}",
                    crate::catalog::Kind::all()
                        .filter(|k| k.spec().library.is_some())
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let version = version.trim();
            if crate::catalog::versions::parse(version).is_none() {
                return Err(Error::Usage(format!(
                    "--client {value}: `{version}` is not a release number; write one like {kind}=1.2.3"
                )));
            }
            if !parsed.contains(&(kind, version.to_string())) {
                parsed.push((kind, version.to_string()));
            }
        }
        Ok(Self {
            server: releases(server, "--server-version")?,
            cli: releases(cli, "--cli-version")?,
            clients: parsed,
        })
    }

    /// True when no version was asked for: a plain run on the pinned versions.
    pub fn is_empty(&self) -> bool {
        self.server.is_empty() && self.cli.is_empty() && self.clients.is_empty()
    }
}

/// How `test`, `record` and `check` report: who reads it, where JUnit goes, whether to colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSettings {
    /// Who reads the report on stdout.
    pub format: Format,
    /// Where to write a JUnit XML report too.
    pub junit: Option<PathBuf>,
    /// When to colour the report.
    pub color: ColorChoice,
    /// Every client's line and every row of a version matrix, not only those that differ.
    pub verbose: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_requests_name_releases_and_kinds() {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let request = VersionsRequest::parse(
            &strings(&["2.11.4", "v2.15.2", "v2.11.4"]),
            &[],
            &strings(&["go=v1.50.0"]),
        )
        .unwrap();
        assert_eq!(request.server, ["v2.11.4", "v2.15.2"]);
        assert_eq!(request.clients[0].0.name(), "go");
        for (bad, message) in [
            ("go", "write KIND=VERSION"),
            ("ruby=1.0.0", "`ruby` is not a client kind with a library"),
            ("go=latest", "`latest` is not a release number"),
        ] {
            let err = VersionsRequest::parse(&[], &[], &strings(&[bad]))
                .unwrap_err()
                .to_string();
            assert!(err.contains(message), "{err}");
        }
        assert!(VersionsRequest::default().is_empty());
    }

    #[test]
    fn auto_updates_locally_and_never_on_ci() {
        assert_eq!(UpdateChoice::Auto.resolve(false), UpdateMode::New);
        assert_eq!(UpdateChoice::Auto.resolve(true), UpdateMode::No);
        assert_eq!(UpdateChoice::Always.resolve(true), UpdateMode::Always);
    }
}
