//! The resolved configuration: command-line flags and environment read once, into what nbe uses.

use std::path::{Path, PathBuf};

use crate::catalog;
use crate::error::{Error, Result};
use crate::runner::Tools;
use crate::runner::isolation::{self, Mode, Request};

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
    /// Resolves the root (see [`resolve_root`]) and reads where the tools should come from.
    pub fn resolve(
        root_flag: Option<&Path>,
        tools_flag: Option<PathBuf>,
        isolation: Request,
    ) -> Result<Self> {
        Ok(Self {
            root: resolve_root(root_flag)?,
            tools: ToolsRequest::new(tools_flag),
            isolation,
        })
    }

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
/// current dir with `examples/`.
pub fn resolve_root(root_flag: Option<&Path>) -> Result<PathBuf> {
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

    /// Finds the tools: `--tools-dir`, then `NBE_TOOLS_DIR`, then `root/.tools/bin` (skipped
    /// without a root), then `PATH`.
    pub fn resolve(&self, root: Option<&Path>) -> Result<Tools> {
        Tools::resolve(self.flag.as_deref(), self.env.as_deref(), root)
    }
}

/// True on CI: `CI` set to anything but empty, `false` or `0` (the convention CI providers and insta share).
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "false" | "0"))
}

/// `--update` as typed: what to write when output and snapshot differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// People: one line per client, diffs, the summary last.
    Human,
    /// Machines: one JSON object.
    Json,
}

/// `--unreferenced`: what to do with snapshots no client references, after a full run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Unreferenced {
    /// Report them.
    Warn,
    /// Report them and fail.
    Reject,
    /// Delete them.
    Delete,
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn auto_updates_locally_and_never_on_ci() {
        assert_eq!(UpdateChoice::Auto.resolve(false), UpdateMode::New);
        assert_eq!(UpdateChoice::Auto.resolve(true), UpdateMode::No);
        assert_eq!(UpdateChoice::Always.resolve(true), UpdateMode::Always);
        assert!(UpdateChoice::from_str("sometimes", false).is_err());
        assert_eq!(UpdateChoice::from_str("always", false), Ok(UpdateChoice::Always));
    }
}
