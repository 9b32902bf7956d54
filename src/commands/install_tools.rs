//! `nbe install-tools`: the pinned `nats-server` and `nats` installed into nbe's cache now, and
//! copied where a checkout's own scripts look for them.

use std::io::Write;
use std::path::Path;

use crate::config::Globals;
use crate::error::{Error, Result};
use crate::exit;
use crate::runner::{install, tools::REQUIRED};

/// Installs (or verifies) each pinned tool, prints its version and path, and copies it into `into`.
///
/// `--tools-dir` and `NBE_TOOLS_DIR` are not consulted: this command fills the cache they would
/// stand in for (and `make tools` sets `NBE_TOOLS_DIR` to the very directory it copies into).
pub fn install_tools(globals: &Globals, into: Option<&Path>) -> Result<i32> {
    // Outside a repository the embedded versions apply, like for any run.
    let root = globals.root().ok();
    let cache = crate::cache::root()?;
    let mut out = std::io::stdout().lock();
    for tool in REQUIRED {
        let version = tool.version_in(root.as_deref())?;
        let binary = install::tool(tool, &version, &cache)?.join(tool.name);
        let shown = match into {
            Some(into) => copy_into(&binary, into)?,
            None => binary,
        };
        writeln!(out, "{:<12} {version}  {}", tool.name, shown.display()).map_err(super::stdout_failed)?;
    }
    Ok(exit::SUCCESS)
}

/// Copies `binary` into the directory `into` under its own name, through a temp file renamed over
/// the old one, so a script running the old binary meanwhile never sees half a file.
fn copy_into(binary: &Path, into: &Path) -> Result<std::path::PathBuf> {
    std::fs::create_dir_all(into)
        .map_err(|e| Error::io(format!("failed to create {}", into.display()), e))?;
    let name = binary.file_name().unwrap_or_default();
    let target = into.join(name);
    let temp = into.join(format!(".nbe-{}.tmp", name.to_string_lossy()));
    std::fs::copy(binary, &temp)
        .and_then(|_| std::fs::rename(&temp, &target))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Error::io(
                format!("failed to copy {} to {}", binary.display(), target.display()),
                e,
            )
        })?;
    Ok(target)
}
