//! `nbe doctor`: what this machine offers nbe, and the exact commands that fix what is missing.

use std::io::Write;

use std::path::{Path, PathBuf};

use crate::catalog::Kind;
use crate::config::Globals;
use crate::error::Result;
use crate::exit;
use crate::runner::defaults::{self, Origin};
use crate::runner::isolation;
use crate::runner::tools::{self, REQUIRED, Source, Tools};
use crate::runner::{install, toolchain};

/// Programs scripts and runs use beyond the client kinds' toolchains, with the flag printing their version.
const TOOLCHAINS: [(&str, &str); 3] = [
    ("bash", "--version"),
    ("curl", "--version"),
    ("unshare", "--version"),
];

/// Prints tools, versions and toolchains; exits 2 when a required tool is missing.
pub fn doctor(globals: &Globals) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    // Every line goes to stdout; a closed pipe ends doctor like any other failed write.
    macro_rules! say {
        ($($arg:tt)*) => {
            writeln!(out, $($arg)*).map_err(super::stdout_failed)?
        };
    }
    // Tools need no repository: outside one, doctor still reports them, and the root as missing.
    let root = globals.root();
    match &root {
        Ok(root) => say!("{:<12} {}", "root", root.display()),
        Err(err) => say!("{:<12} none ({err})", "root"),
    }
    // Doctor reports, so it installs nothing: it says where the tools would come from instead.
    let resolved = globals.tools().find(root.as_deref().ok(), false);
    // Kinds' toolchains are looked up like at run time: the tools dir first (deno and uv live there).
    let kinds_tools = match &resolved {
        Ok(found) => found.clone(),
        Err(_) => Tools::new(
            root.as_deref()
                .map_or_else(|_| PathBuf::new(), |root| root.join(".tools").join("bin")),
            Source::Path,
        ),
    };
    let code = match resolved {
        Ok(found) => {
            say!("{:<12} {}", "tools from", found.source);
            for tool in REQUIRED {
                let path = found.path(tool);
                let version =
                    tools::version_of(&path, &["--version"]).unwrap_or_else(|| "does not run".into());
                let pinned = tool.version_in(root.as_deref().ok())?;
                let pin = if version.contains(&pinned) {
                    String::new()
                } else {
                    format!(" (the repository pins {pinned})")
                };
                say!("{:<12} {}  {version}{pin}", tool.name, path.display());
            }
            exit::SUCCESS
        }
        // Not installed yet is no fault: the first command that runs an example installs them.
        Err(crate::error::Error::ToolMissing { .. }) if !globals.tools().is_explicit() => {
            say!(
                "{:<12} not installed yet (`nbe install-tools` installs them now)",
                "tools from"
            );
            for tool in REQUIRED {
                say!(
                    "{:<12} {} goes into nbe's cache on first need",
                    tool.name,
                    tool.version_in(root.as_deref().ok())?
                );
            }
            exit::SUCCESS
        }
        Err(err) => {
            eprintln!("nbe: {err}");
            exit::USAGE
        }
    };
    // The other versions the version matrix installed, ready for `nbe test --server-version`.
    if let Ok(cache) = crate::cache::root() {
        for tool in REQUIRED {
            let pinned = tool.version_in(root.as_deref().ok())?;
            let mut versions = crate::runner::install::cached(tool, &cache);
            versions.retain(|version| *version != pinned);
            if !versions.is_empty() {
                say!(
                    "{:<12} also {} in {} (for the version matrix)",
                    tool.name,
                    versions.join(", "),
                    cache.join("tools").join(tool.name).display()
                );
            }
        }
    }
    match tools::search_path("nsc") {
        Some(path) => say!("{:<12} {} (optional)", "nsc", path.display()),
        None => say!(
            "{:<12} not found (optional; only examples that manage operators need it)",
            "nsc"
        ),
    }
    let mode = isolation::resolve(globals.isolation);
    match &mode {
        Ok(mode) => say!("{:<12} {mode}", "isolation"),
        Err(err) => say!("{:<12} {err}", "isolation"),
    }
    if mode.is_ok_and(|mode| mode.private_tmp()) {
        say!(
            "{:<12} private per run (the run's own temp dir, bound on /tmp)",
            "tmp"
        );
        say!(
            "{:<12} read-only in runs (only the run's temp dir, /tmp and /dev/shm are writable; the caller's HOME is hidden but for the toolchains on PATH)",
            "host"
        );
        say!(
            "{:<12} contained (the host read-only but for the step's copy, output and its kind's caches; of the caller's HOME and environment only what the toolchains need, and the registry settings in prepare; build: no network when the kind prepares; package install hooks off unless a client declares them)",
            "builds"
        );
    } else {
        say!(
            "{:<12} shared with the host (a private /tmp needs namespaces)",
            "tmp"
        );
        say!(
            "{:<12} not contained: a run can read and write whatever the caller can (containment needs namespaces)",
            "host"
        );
        say!(
            "{:<12} not contained: prepare and build steps run on the host with the caller's HOME and network",
            "builds"
        );
    }
    say!("toolchains:");
    for (name, flag) in TOOLCHAINS {
        match tools::search_path(name) {
            Some(path) => {
                let version = tools::version_of(&path, &[flag]).unwrap_or_default();
                say!("  {name:<10} {version}");
            }
            None => say!("  {name:<10} not found"),
        }
    }
    say!("client kinds:");
    let root = root.as_deref().ok();
    for kind in Kind::all() {
        let ready = toolchain::check(kind, &kinds_tools)
            .map_err(|unavailable| unavailable.to_string())
            .and_then(|()| library_pinned(kind, root));
        match ready {
            Ok(()) => {
                let (toolchain, library) = toolchain::versions(kind, &kinds_tools, root);
                let origin = defaults::origin(kind, root)?;
                let versions: Vec<String> = toolchain
                    .into_iter()
                    .chain(library)
                    .chain((origin != Origin::None).then(|| origin.to_string()))
                    .collect();
                say!("  {:<10} ready  {}", kind.name(), versions.join("; "));
            }
            Err(reason) => say!("  {:<10} not ready: {reason}", kind.name()),
        }
    }
    Ok(code)
}

/// Whether the defaults in effect name the version of `kind`'s client library where the kinds
/// table says; `Err` says what is missing, since without it the kind's clients cannot build.
fn library_pinned(kind: Kind, root: Option<&Path>) -> std::result::Result<(), String> {
    let Some(library) = &kind.spec().library else {
        return Ok(());
    };
    if install::pinned_library(kind, root).is_some() {
        return Ok(());
    }
    let place = if library.file.starts_with('/') {
        library.file.clone()
    } else {
        format!("{} of its defaults (clients/{kind}/)", library.file)
    };
    Err(format!(
        "no {} version where the kinds table's `library.pattern` looks, in {place}; restore that file or fix the pattern",
        library.name
    ))
}
