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
    /// `--tools-dir`.
    tools_flag: Option<PathBuf>,
    /// `NBE_TOOLS_DIR`.
    tools_env: Option<PathBuf>,
    /// `--isolation`.
    isolation: Request,
}

impl Config {
    /// Resolves the root: `--root`, then `NBE_ROOT`, then the nearest ancestor of the current dir with `examples/`.
    pub fn resolve(
        root_flag: Option<&Path>,
        tools_flag: Option<PathBuf>,
        isolation: Request,
    ) -> Result<Self> {
        let env_root = std::env::var_os("NBE_ROOT")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let root = match root_flag.map(Path::to_path_buf).or(env_root) {
            Some(root) => {
                let root =
                    std::path::absolute(&root).map_err(|e| Error::io("failed to resolve --root", e))?;
                if !root.join("examples").is_dir() {
                    return Err(Error::NoRoot { searched: root });
                }
                root
            }
            None => {
                let cwd = std::env::current_dir()
                    .map_err(|e| Error::io("failed to read the current directory", e))?;
                catalog::find_root(&cwd)?
            }
        };
        let tools_env = std::env::var_os("NBE_TOOLS_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Ok(Self {
            root,
            tools_flag,
            tools_env,
            isolation,
        })
    }

    /// How runs are isolated on this machine (probed once).
    pub fn isolation(&self) -> Result<Mode> {
        isolation::resolve(self.isolation)
    }

    /// Finds the tools, in the documented order.
    pub fn tools(&self) -> Result<Tools> {
        Tools::resolve(self.tools_flag.as_deref(), self.tools_env.as_deref(), &self.root)
    }
}
