//! Finding the real `nats-server` and `nats` binaries, and the pinned versions nbe installs.
//!
//! The lookup order ([`Tools::resolve`]): a directory named by `--tools-dir` or `NBE_TOOLS_DIR`
//! wins and must hold both; else the repository's `.tools/bin` (where `make tools` copies them, and
//! `make toolchains` puts uv and deno) when both there report the pinned versions; else the pinned
//! versions in nbe's cache, used only while their stamps vouch for them; else both on `PATH` when
//! they report the pinned versions; else nbe installs the pinned versions into its cache (once,
//! under a lock, shared by every checkout) and uses those.
//! The pinned versions are embedded from nbe's `tools.versions`; a repository's own
//! `tools.versions` overrides them.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The pinned tool versions, embedded from `tools.versions`, the one place they are written down.
const VERSIONS: &str = include_str!("../../tools.versions");

/// A tool nbe runs examples with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// Executable name.
    pub name: &'static str,
    /// Key prefix in `tools.versions`.
    key: &'static str,
}

/// The NATS server.
pub const NATS_SERVER: Tool = Tool {
    name: "nats-server",
    key: "NATS_SERVER",
};
/// The NATS command line client.
pub const NATS: Tool = Tool {
    name: "nats",
    key: "NATSCLI",
};
/// Tools every example needs.
pub const REQUIRED: [Tool; 2] = [NATS_SERVER, NATS];

impl Tool {
    fn pinned(self, suffix: &str) -> &'static str {
        let key = format!("{}_{suffix}=", self.key);
        VERSIONS
            .lines()
            .find_map(|line| line.strip_prefix(key.as_str()))
            .map(str::trim)
            .unwrap_or_else(|| panic!("tools.versions lacks {key}: the file is embedded at build time"))
    }

    /// Its version's key in `tools.versions`, like `NATS_SERVER_VERSION`.
    pub fn version_key(self) -> String {
        format!("{}_VERSION", self.key)
    }

    /// Its Go module, like `github.com/nats-io/nats-server/v2`.
    pub fn module(self) -> &'static str {
        self.pinned("MODULE")
    }

    /// The pinned version, like `v2.15.2`.
    pub fn version(self) -> &'static str {
        self.pinned("VERSION")
    }

    /// The pinned version for the repository at `root`: its own `tools.versions` when that names
    /// one, else nbe's. Fails naming the file and line when the repository's is not a release number.
    pub fn version_in(self, root: Option<&Path>) -> Result<String> {
        let Some(file) = root.map(|root| root.join("tools.versions")) else {
            return Ok(self.version().to_string());
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(self.version().to_string()),
            Err(e) => return Err(Error::io(format!("failed to read {}", file.display()), e)),
        };
        let key = self.version_key();
        for (number, line) in text.lines().enumerate() {
            if let Some((name, value)) = line.split_once('=')
                && name.trim() == key
            {
                return super::install::module_version(
                    value,
                    &format!("{}:{}: {key}", file.display(), number + 1),
                );
            }
        }
        Ok(self.version().to_string())
    }
}

/// The command that installs the pinned tools into `dir` (nbe's cache, copied there).
pub fn install_command(dir: &Path) -> String {
    format!("nbe install-tools --into {}", dir.display())
}

/// Where the tools were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--tools-dir`.
    Flag,
    /// `NBE_TOOLS_DIR`.
    Env,
    /// The repository's `.tools/bin`, at the pinned versions.
    Project,
    /// nbe's cache: the pinned versions it installed and verified.
    Cache,
    /// `PATH`, at the pinned versions.
    Path,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Flag => "--tools-dir",
            Self::Env => "NBE_TOOLS_DIR",
            Self::Project => "project .tools/bin, at the pinned versions",
            Self::Cache => "nbe's cache, verified",
            Self::Path => "PATH, at the pinned versions",
        })
    }
}

/// The resolved tools: a directory that goes first on the examples' `PATH`.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The directory holding `nats-server` and `nats`.
    pub dir: PathBuf,
    /// How it was chosen.
    pub source: Source,
    /// Other versions of some tools (`nbe test --server-version`): each tool's own directory,
    /// put on `PATH` before `dir` so scripts find that version.
    overrides: Vec<(Tool, PathBuf)>,
}

impl Tools {
    /// Tools in `dir`, found as `source` says.
    pub fn new(dir: PathBuf, source: Source) -> Self {
        Self {
            dir,
            source,
            overrides: Vec::new(),
        }
    }

    /// The full path of `tool`: its override's, else the tools dir's.
    pub fn path(&self, tool: Tool) -> PathBuf {
        self.overrides
            .iter()
            .find(|(overridden, _)| *overridden == tool)
            .map_or(&self.dir, |(_, dir)| dir)
            .join(tool.name)
    }

    /// The same tools, with `tool` taken from `dir` (which holds another version of it).
    pub fn with_override(&self, tool: Tool, dir: PathBuf) -> Self {
        let mut tools = self.clone();
        tools.overrides.retain(|(overridden, _)| *overridden != tool);
        tools.overrides.push((tool, dir));
        tools
    }

    /// The directories put first on `PATH`, in order: the overrides' directories, then the tools dir.
    pub fn search_dirs(&self) -> Vec<&Path> {
        self.overrides
            .iter()
            .map(|(_, dir)| dir.as_path())
            .chain([self.dir.as_path()])
            .collect()
    }

    /// [`Self::search_dirs`] joined for the start of `PATH`, each as its real path: a run sees
    /// only what its init binds back of a private `/tmp` or a hidden `HOME`, which is the real
    /// directory, so a tools dir reached through a link there (`/tmp/checkout/.tools`, a link to
    /// another checkout's) would name nothing inside the run.
    pub fn path_prefix(&self) -> String {
        self.search_dirs()
            .iter()
            .map(|dir| {
                std::fs::canonicalize(dir)
                    .unwrap_or_else(|_| dir.to_path_buf())
                    .display()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Resolves the tools in the order the module doc gives: `flag`, then `env` (which must hold
    /// every required tool; the error gives the install command), then `root/.tools/bin`, then
    /// the pinned versions (for the repository at `root`) in `cache`, then `PATH`, then, when
    /// `install` allows it, an install of the pinned versions into `cache`.
    pub fn resolve(
        flag: Option<&Path>,
        env: Option<&Path>,
        root: Option<&Path>,
        cache: &Path,
        install: bool,
    ) -> Result<Self> {
        let explicit = flag
            .map(|dir| (dir, Source::Flag))
            .or_else(|| env.map(|dir| (dir, Source::Env)));
        if let Some((dir, source)) = explicit {
            let dir = std::path::absolute(dir)
                .map_err(|e| Error::io("failed to resolve the tools directory", e))?;
            return match REQUIRED.iter().find(|tool| !is_executable(&dir.join(tool.name))) {
                Some(tool) => Err(missing(*tool, &format!("{} ({source})", dir.display()), &dir)),
                None => Ok(Self::new(dir, source)),
            };
        }
        let server = NATS_SERVER.version_in(root)?;
        let cli = NATS.version_in(root)?;
        let pinned = [(NATS_SERVER, &server), (NATS, &cli)];
        let at_pins = |dir: &Path| {
            pinned.iter().all(|(tool, version)| {
                super::install::reports_remembered(&dir.join(tool.name), version, cache)
            })
        };
        if let Some(project) = root.map(|root| root.join(".tools").join("bin"))
            && at_pins(&project)
        {
            return Ok(Self::new(project, Source::Project));
        }
        if let (Some(server_dir), Some(cli_dir)) = (
            super::install::verified(NATS_SERVER, &server, cache),
            super::install::verified(NATS, &cli, cache),
        ) {
            return Ok(Self::cached(server_dir, cli_dir));
        }
        // `nats` must sit next to the first `nats-server` on PATH, and both be the pinned ones.
        if let Some(dir) = search_path(NATS_SERVER.name).as_deref().and_then(Path::parent)
            && at_pins(dir)
        {
            return Ok(Self::new(dir.to_path_buf(), Source::Path));
        }
        if !install {
            let tool = if super::install::verified(NATS_SERVER, &server, cache).is_some() {
                NATS
            } else {
                NATS_SERVER
            };
            return Err(Error::ToolMissing {
                tool: tool.name.to_string(),
                looked: format!(
                    "{} (nbe's cache) and PATH, at the pinned {} {}",
                    cache.join("tools").display(),
                    tool.name,
                    if tool == NATS { &cli } else { &server }
                ),
                install: "nbe install-tools\n  (any command that runs examples installs them on first need)"
                    .to_string(),
            });
        }
        Ok(Self::cached(
            super::install::tool(NATS_SERVER, &server, cache)?,
            super::install::tool(NATS, &cli, cache)?,
        ))
    }

    /// The tools in nbe's cache: each version has its own directory there.
    fn cached(server: PathBuf, cli: PathBuf) -> Self {
        Self::new(server, Source::Cache).with_override(NATS, cli)
    }
}

fn missing(tool: Tool, looked: &str, install_dir: &Path) -> Error {
    let root = install_dir.parent().and_then(Path::parent);
    let install = match root {
        Some(root) if root.join("Makefile").is_file() && install_dir.ends_with(".tools/bin") => format!(
            "make -C {} tools\n  or: {}",
            root.display(),
            install_command(install_dir)
        ),
        _ => install_command(install_dir),
    };
    Error::ToolMissing {
        tool: tool.name.to_string(),
        looked: looked.to_string(),
        install,
    }
}

/// True for an existing file with an execute bit.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The first executable called `name` on `PATH`.
pub fn search_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// The first line a program prints for `args` (its version), or `None` when it cannot run.
pub fn version_of(program: &Path, args: &[&str]) -> Option<String> {
    // A child nbe starts for itself must never look like an orphan of a run to the reaper.
    let _spawning = super::reaper::spawning();
    let output = duct::cmd(program, args)
        .stderr_to_stdout()
        .stdin_null()
        .unchecked()
        .read()
        .ok()?;
    output
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of `key` in tools.versions as it is on disk, read apart from the embedded copy.
    fn on_disk(key: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools.versions");
        let text = std::fs::read_to_string(&path).unwrap();
        text.lines()
            .filter_map(|line| line.split_once('='))
            .find(|(name, _)| name.trim() == key)
            .map(|(_, value)| value.trim().to_string())
            .unwrap_or_else(|| panic!("{} lacks {key}", path.display()))
    }

    #[test]
    fn pinned_versions_come_from_tools_versions() {
        let natscli = on_disk("NATSCLI_VERSION");
        assert!(natscli.starts_with('v'), "{natscli}");
        assert!(NATS_SERVER.version().starts_with("v2."));
        assert_eq!(NATS_SERVER.version(), on_disk("NATS_SERVER_VERSION"));
        assert_eq!(NATS.version(), natscli);
        assert_eq!(NATS.module(), on_disk("NATSCLI_MODULE"));
    }

    #[test]
    fn an_explicit_directory_without_tools_names_the_install_command() {
        let empty = tempfile::tempdir().unwrap();
        let err = Tools::resolve(Some(empty.path()), None, Some(empty.path()), empty.path(), true)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("nats-server not found"), "{err}");
        assert!(
            err.contains(&format!("nbe install-tools --into {}", empty.path().display())),
            "{err}"
        );
    }

    #[test]
    fn a_repository_pins_its_own_versions_and_a_bad_one_names_its_line() {
        let repo = tempfile::tempdir().unwrap();
        assert_eq!(NATS.version_in(Some(repo.path())).unwrap(), NATS.version());
        let file = repo.path().join("tools.versions");
        std::fs::write(&file, "# ours\nNATS_SERVER_VERSION=2.14.6\n").unwrap();
        assert_eq!(NATS_SERVER.version_in(Some(repo.path())).unwrap(), "v2.14.6");
        assert_eq!(NATS.version_in(Some(repo.path())).unwrap(), NATS.version());
        std::fs::write(&file, "NATSCLI_VERSION=latest\n").unwrap();
        let err = NATS.version_in(Some(repo.path())).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "{}:1: NATSCLI_VERSION: `latest` is not a release number",
                file.display()
            )),
            "{err}"
        );
    }
}
