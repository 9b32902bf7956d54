//! Preparing and building a client before it runs: what the kinds table says, done once per input.
//!
//! A client directory normally holds only its program. Its kind's defaults (`go.mod`,
//! `Cargo.toml`...: nbe's built-in ones under the repository's `clients/<kind>/`, laid out in the
//! cache by [`super::defaults`]) are laid under it, files of the client winning, in a throwaway
//! copy in the cache. There the kind's `prepare` step (dependencies, keyed by a hash
//! of the `deps` files) and `build` step (keyed by a hash of every file) run, each writing one
//! product directory in the cache root (`products/<kind>/<step>/<hash>`). A product is complete
//! once stamped, and used only while it still holds what was stamped ([`cache::verified`]), so an
//! unchanged client never prepares or builds again, and a step that died half-way or a product
//! damaged since is made again, never run.
//!
//! Parallel runs share the cache. Each product is made under a file lock of its own (or of its
//! kind, for tools writing one shared output path like cargo's `target/debug/client`); the tools'
//! own caches (`GOCACHE`, cargo's target dir, uv, npm) lock themselves. With namespaces each step is
//! contained like a run ([`Contained`]): PID and mount namespaces of its own that die with nbe, the
//! host read-only but for its copy, its product and its kind's `{cache}` dirs, the caller's `HOME`
//! hidden (rustup's home named first, so it stays in sight) and of the caller's environment only
//! what toolchains read (`step_environment`). `prepare` reaches the registries, with only their
//! settings in `HOME` and the environment kept ([`REGISTRY_SETTINGS`], `REGISTRY_VARS`); `build`
//! runs without network when the kind prepares. The run itself
//! sees the products read-only, through `NBE_PREPARED` and `NBE_BUILT`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::isolation::Mode;
use super::reaper;
use super::tools::{Tools, is_executable, search_path};
use crate::cache;
use crate::catalog::paths::{RECORDINGS, TEMP_PREFIX};
use crate::catalog::{Kind, KindSpec};
use crate::error::{Error, Result};

/// How long a prepare or build step may take before nbe gives up on it.
const STEP_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The most lines of compiler messages shown for a failed build.
const MAX_DIAGNOSTICS: usize = 30;

/// What a client needs to run once it is prepared and built.
#[derive(Debug)]
pub struct Ready {
    /// The kind's defaults folder, laid under the client's files in the work dir.
    pub defaults: Option<PathBuf>,
    /// The command run in the work dir.
    pub command: Vec<String>,
    /// Environment added to the sandbox's.
    pub env: Vec<(String, String)>,
    /// The main file, when it is a bash script the run traces.
    pub trace: Option<String>,
}

/// Why a client cannot run, when it cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The kind cannot run here, or its toolchain is missing: the reason, with the fix.
    Skipped(String),
    /// Preparing or building failed: the compiler's messages, paths relative to the repository.
    Failed(String),
}

/// Why a kind's toolchain is not ready on this machine; its message names the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    /// The kind cannot run here at all (`unrunnable` in `clients/kinds.toml`): the sentence of
    /// [`Kind::cannot_run_here`].
    #[error("{0}")]
    Unrunnable(String),
    /// A program the kind needs is neither in the tools dir nor on `PATH`.
    #[error("{need} is not on PATH, so {kind} clients cannot run; fix: {fix}")]
    MissingProgram { need: String, kind: String, fix: String },
    /// An absolute file the kind needs does not exist.
    #[error("{need} is missing, so {kind} clients cannot run; fix: {fix}")]
    MissingFile { need: String, kind: String, fix: String },
}

/// Checks the kind's requirements: `Err` names the first one missing and the fix.
pub fn check(kind: Kind, tools: &Tools) -> Result<(), Unavailable> {
    if let Some(sentence) = kind.cannot_run_here() {
        return Err(Unavailable::Unrunnable(sentence));
    }
    let spec = kind.spec();
    for need in &spec.requires {
        let (need, kind, fix) = (need.clone(), kind.to_string(), spec.fix.clone());
        if need.starts_with('/') {
            if !Path::new(&need).exists() {
                return Err(Unavailable::MissingFile { need, kind, fix });
            }
        } else if find_program(&need, tools).is_none() {
            return Err(Unavailable::MissingProgram { need, kind, fix });
        }
    }
    Ok(())
}

/// The program `name` in the tools dir, else on `PATH`.
pub fn find_program(name: &str, tools: &Tools) -> Option<PathBuf> {
    let in_tools = tools.dir.join(name);
    if is_executable(&in_tools) {
        return Some(in_tools);
    }
    search_path(name)
}

/// A client to make ready: its files, where its kind's defaults are, and how to name it in messages.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    /// The kind.
    pub kind: Kind,
    /// The client directory.
    pub dir: &'a Path,
    /// The repository root: it may hold `clients/<kind>/`, and messages show paths relative to it.
    pub root: &'a Path,
    /// The kind's defaults folder when not the one in effect in the repository (another library
    /// version: [`super::install::library_defaults`]).
    pub defaults: Option<&'a Path>,
    /// Whether its package manager's install hooks run: its kind's `prepare_hooks` prepares it.
    pub hooks: bool,
}

/// The environment `kind`'s steps get from the kinds table, `{cache}` replaced by `cache`.
pub fn kind_env(kind: Kind, cache: &Path) -> Vec<(String, String)> {
    kind.spec()
        .env
        .iter()
        .map(|(name, value)| {
            (
                name.clone(),
                value.replace("{cache}", &cache.display().to_string()),
            )
        })
        .collect()
}

/// Prepares and builds `client` as its kind says, reusing what an earlier run made from the same
/// inputs; `Err` is a failure of nbe itself, `Ok(Err)` why the client cannot run.
pub fn make_ready(
    client: Client,
    tools: &Tools,
    cache: &Path,
    isolation: &Mode,
) -> Result<Result<Ready, NotReady>> {
    if let Err(unavailable) = check(client.kind, tools) {
        return Ok(Err(NotReady::Skipped(unavailable.to_string())));
    }
    let spec = client.kind.spec();
    let defaults = match client.defaults {
        Some(defaults) => Some(defaults.to_path_buf()),
        None => super::defaults::materialize(client.kind, client.root, cache)?,
    };
    let files = overlay(defaults.as_deref(), client.dir)?;
    // The client's main file: the first of the kind's `main` names it has.
    let main = client
        .kind
        .main_in(client.dir)
        .ok()
        .and_then(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
        .unwrap_or_else(|| client.kind.main_file().to_string());
    let mut env = kind_env(client.kind, cache);
    env.push(("NBE_MAIN".into(), main.clone()));
    let mut steps = Steps {
        client,
        spec,
        tools,
        cache,
        isolation,
        files: &files,
        env,
        copy: None,
    };
    // A client with hooks is prepared by another script, so into a product of its own: the key
    // holds the script.
    let prepare = match &spec.prepare_hooks {
        Some(hooks) if client.hooks => Some(hooks),
        _ => spec.prepare.as_ref(),
    };
    // Each product is visible to the steps after it (a build may use the prepared dependencies).
    for (step, script, inputs, var) in [
        ("prepare", prepare, Inputs::Deps, "NBE_PREPARED"),
        ("build", spec.build.as_ref(), Inputs::All, "NBE_BUILT"),
    ] {
        let Some(script) = script else { continue };
        match steps.product(step, script, inputs)? {
            Ok(dir) => steps.env.push((var.to_string(), dir.display().to_string())),
            Err(failure) => return Ok(Err(failure)),
        }
    }
    let env = steps.env;
    let run = spec.run.clone().unwrap_or_default();
    Ok(Ok(Ready {
        defaults,
        command: vec!["bash".into(), "-c".into(), run],
        env,
        trace: spec.trace.then_some(main),
    }))
}

/// Which files key a step.
#[derive(Clone, Copy)]
enum Inputs {
    /// The kind's `deps` files.
    Deps,
    /// Every file of the laid-out client.
    All,
}

/// The steps of one client, sharing its laid-out files and, once one step needs it, their copy.
struct Steps<'a> {
    client: Client<'a>,
    spec: &'static KindSpec,
    tools: &'a Tools,
    cache: &'a Path,
    /// How the steps are contained.
    isolation: &'a Mode,
    /// Relative path to source file, defaults first and the client's own on top.
    files: &'a BTreeMap<PathBuf, PathBuf>,
    /// The environment of the steps: the kind's, then each product made so far.
    env: Vec<(String, String)>,
    /// The laid-out copy the steps run in, made on first need.
    copy: Option<tempfile::TempDir>,
}

impl Steps<'_> {
    /// The product directory of `step`, made now unless an earlier run made it from the same inputs.
    fn product(&mut self, step: &str, script: &str, inputs: Inputs) -> Result<Result<PathBuf, NotReady>> {
        let kind = self.client.kind.name();
        let key = self.key(step, script, inputs)?;
        let product = cache::product(self.cache, kind, step, &key);
        if cache::verified(&product) {
            return Ok(Ok(product));
        }
        let lock_name = if self.spec.exclusive {
            kind.to_string()
        } else {
            format!("{kind}-{step}-{key}")
        };
        let _lock = cache::lock(self.cache, &lock_name)?;
        // Another run may have made it while this one waited for the lock. What is there and not
        // verified (a step that died half-way, a damaged product) is made again, never used.
        if cache::verified(&product) {
            return Ok(Ok(product));
        }
        if product.exists() {
            std::fs::remove_dir_all(&product)
                .map_err(|e| Error::io(format!("failed to clear {}", product.display()), e))?;
        }
        cache::create_dir(&product)?;
        let work = self.copy()?.to_path_buf();
        let mut env = self.env.clone();
        let sandbox = tempfile::Builder::new()
            .prefix(&format!("{kind}-{step}-"))
            .tempdir_in(cache::tmp(self.cache)?)
            .map_err(|e| Error::io("failed to create a temp dir for the step", e))?;
        cache::create_dir(&sandbox.path().join("tmp"))?;
        let mut writable = vec![work.clone(), product.clone(), sandbox.path().to_path_buf()];
        writable.extend(self.own_caches()?);
        // Every step hides the caller's HOME; rustup's home was found through it, so it is named
        // now (and so bound back), before HOME is out of sight.
        let build = step == "build";
        if std::env::var_os("RUSTUP_HOME").is_none()
            && let Some(home) = std::env::var_os("HOME")
        {
            let rustup = Path::new(&home).join(".rustup");
            if rustup.is_dir() {
                env.push(("RUSTUP_HOME".into(), rustup.display().to_string()));
            }
        }
        let contained = Contained {
            isolation: self.isolation,
            sandbox: sandbox.path(),
            writable,
            // A build whose kind prepares has what it needs; others (deno caches its imports as
            // it builds) keep the network.
            network: !build || self.spec.prepare.is_none(),
            // `prepare` reaches the registries as the caller set them up; `build` needs none.
            registries: !build,
        };
        let (ok, output) = run_step(script, &work, &product, &env, self.tools, Some(&contained))?;
        if !ok {
            let _ = std::fs::remove_dir_all(&product);
            let shown = self.shown(&diagnostics(&output, self.spec.diagnostics.as_deref(), &work));
            return Ok(Err(NotReady::Failed(format!(
                "the {step} step of {} failed:\n{shown}",
                self.relative(self.client.dir).display()
            ))));
        }
        cache::stamp(&product)?;
        Ok(Ok(product))
    }

    /// The hash of what decides a step's product: the kind, the step's script and environment, and
    /// its input files (relative paths and contents).
    fn key(&self, step: &str, script: &str, inputs: Inputs) -> Result<String> {
        let mut hasher = Sha256::new();
        for part in [self.client.kind.name(), step, script] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        for (name, value) in &self.env {
            hasher.update(format!("{name}={value}\0").as_bytes());
        }
        let chosen: Vec<(&PathBuf, &PathBuf)> = match inputs {
            Inputs::All => self.files.iter().collect(),
            Inputs::Deps => self
                .files
                .iter()
                .filter(|(relative, _)| {
                    self.spec
                        .deps
                        .iter()
                        .any(|dep| relative.as_path() == Path::new(dep))
                })
                .collect(),
        };
        for (relative, source) in chosen {
            let bytes = std::fs::read(source)
                .map_err(|e| Error::io(format!("failed to read {}", source.display()), e))?;
            hasher.update(relative.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
        }
        let digest = hasher.finalize();
        Ok(digest[..16].iter().map(|byte| format!("{byte:02x}")).collect())
    }

    /// The laid-out copy of the client in the cache (never in the example, nor the run's temp dir).
    fn copy(&mut self) -> Result<&Path> {
        if self.copy.is_none() {
            let parent = cache::tmp(self.cache)?;
            let dir = tempfile::Builder::new()
                .prefix(&format!("{}-", self.client.kind.name()))
                .tempdir_in(&parent)
                .map_err(|e| Error::io(format!("failed to create a build dir in {}", parent.display()), e))?;
            for (relative, source) in self.files {
                let target = dir.path().join(relative);
                if let Some(parent) = target.parent() {
                    cache::create_dir(parent)?;
                }
                std::fs::copy(source, &target)
                    .map_err(|e| Error::io(format!("failed to copy {}", source.display()), e))?;
            }
            self.copy = Some(dir);
        }
        Ok(self
            .copy
            .as_ref()
            .map(tempfile::TempDir::path)
            .unwrap_or(Path::new(".")))
    }

    /// The kind's own caches, which its steps may write (created now, to be bound writable): the
    /// `{cache}` dirs of its env.
    fn own_caches(&self) -> Result<Vec<PathBuf>> {
        let mut dirs = Vec::new();
        for (name, value) in kind_env(self.client.kind, self.cache) {
            if self
                .spec
                .env
                .get(&name)
                .is_some_and(|raw| raw.contains("{cache}"))
            {
                dirs.push(PathBuf::from(value));
            }
        }
        for dir in &dirs {
            cache::create_dir(dir)?;
        }
        Ok(dirs)
    }

    /// `path` relative to the repository root, when it is inside it.
    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(self.client.root).unwrap_or(path)
    }

    /// Compiler messages with each file named where it comes from: the client, the repository's
    /// defaults folder, or nbe's built-in defaults.
    fn shown(&self, lines: &[String]) -> String {
        let client = self.relative(self.client.dir).to_path_buf();
        let repository = super::defaults::repository_dir(self.client.kind, self.client.root);
        lines
            .iter()
            .map(|line| {
                // A stack line of deno (`    at main.ts:2:25`) names its file as a message does.
                let trimmed = line.trim_start();
                let trimmed = trimmed.strip_prefix("at ").unwrap_or(trimmed);
                let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
                let file: String = trimmed
                    .chars()
                    .take_while(|c| *c != ':' && !c.is_whitespace())
                    .collect();
                let source = self.files.get(Path::new(&file));
                match source {
                    Some(source) if source.starts_with(self.client.dir) => {
                        format!("{}", client.join(trimmed).display())
                    }
                    Some(_) if repository.join(&file).is_file() => {
                        format!("{}", self.relative(&repository).join(trimmed).display())
                    }
                    Some(_) => format!("{trimmed} (in nbe's built-in {} defaults)", self.client.kind),
                    None => line.clone(),
                }
            })
            .map(|line| format!("  {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The files of the client laid over its kind's defaults: relative path to source file.
fn overlay(defaults: Option<&Path>, client: &Path) -> Result<BTreeMap<PathBuf, PathBuf>> {
    let mut files = BTreeMap::new();
    for (dir, skip_recordings) in defaults.map(|d| (d, false)).into_iter().chain([(client, true)]) {
        for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
            let entry =
                entry.map_err(|e| Error::io(format!("failed to read {}", dir.display()), e.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_path_buf();
            // nbe's temp files (a recording being written) are never part of the program.
            let temp = relative
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(TEMP_PREFIX));
            if temp || skip_recordings && RECORDINGS.iter().any(|name| relative == Path::new(name)) {
                continue;
            }
            files.insert(relative, entry.path().to_path_buf());
        }
    }
    Ok(files)
}

/// How a step is contained (see [`Mode::wrap_step`]).
pub(super) struct Contained<'a> {
    /// Namespaces, or nothing contained.
    pub isolation: &'a Mode,
    /// The step's temp dir; its `tmp/` is the step's `/tmp`.
    pub sandbox: &'a Path,
    /// What the step may write.
    pub writable: Vec<PathBuf>,
    /// Whether the step reaches the network.
    pub network: bool,
    /// Whether the step gets the caller's registry settings: their files in the hidden `HOME`
    /// bound back read-only ([`registry_settings`]) and their variables ([`step_environment`]).
    pub registries: bool,
}

/// The package managers' registry settings in the caller's `HOME` (mirrors, a private registry
/// and its token), bound back read-only for `prepare` while the rest of `HOME` is hidden. Not
/// `~/.netrc`: it holds the caller's credentials for every host, not a registry's. uv and pip look
/// in `$XDG_CONFIG_HOME` instead of `~/.config` when it is set; npm, uv and pip also read a
/// settings file a variable names ([`SETTINGS_FILE_VARS`]).
const REGISTRY_SETTINGS: [&str; 7] = [
    ".npmrc",
    ".m2/settings.xml",
    ".config/pip",
    ".pip",
    ".config/uv",
    ".cargo/config.toml",
    ".cargo/config",
];

/// The variables naming a package manager's settings file, which may be in the caller's `HOME`.
const SETTINGS_FILE_VARS: [&str; 4] = [
    "NPM_CONFIG_USERCONFIG",
    "npm_config_userconfig",
    "PIP_CONFIG_FILE",
    "UV_CONFIG_FILE",
];

/// Those of [`REGISTRY_SETTINGS`] that exist in the caller's `HOME`, with `~/.config` read as
/// `$XDG_CONFIG_HOME` when that is set, and the files [`SETTINGS_FILE_VARS`] name.
fn registry_settings() -> Vec<PathBuf> {
    let Some(home) = std::env::var_os("HOME").map(PathBuf::from) else {
        return Vec::new();
    };
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute());
    REGISTRY_SETTINGS
        .iter()
        .map(|name| match (name.strip_prefix(".config/"), &config) {
            (Some(tool), Some(config)) => config.join(tool),
            _ => home.join(name),
        })
        .chain(
            SETTINGS_FILE_VARS
                .iter()
                .filter_map(|var| std::env::var_os(var).map(PathBuf::from)),
        )
        .filter(|path| path.is_absolute() && path.exists())
        .collect()
}

/// The caller's variables every step keeps: what toolchains read to find themselves, a compiler
/// or the machine's certificates (not secrets), with the locale. Names ending in `_` are prefixes.
const TOOLCHAIN_VARS: &[&str] = &[
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LANGUAGE",
    "LC_",
    "TZ",
    "TERM",
    "SHELL",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "NODE_EXTRA_CA_CERTS",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "JAVA_HOME",
    "GOROOT",
    "GOPATH",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "NVM_DIR",
    "CC",
    "CFLAGS",
    "CPPFLAGS",
    "LDFLAGS",
    "PKG_CONFIG_PATH",
    "LIBRARY_PATH",
    "LD_LIBRARY_PATH",
    "CPATH",
    "C_INCLUDE_PATH",
];

/// The caller's variables a step that reaches the network keeps: how this machine reaches it.
const NETWORK_VARS: &[&str] = &[
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
];

/// The caller's variables `prepare` keeps: the package managers' registry settings, which may
/// hold a registry's own token, as their files in `HOME` do ([`REGISTRY_SETTINGS`]).
const REGISTRY_VARS: &[&str] = &[
    "UV_",
    "PIP_",
    "npm_config_",
    "NPM_CONFIG_",
    "CARGO_REGISTRIES_",
    "CARGO_REGISTRY_",
    "CARGO_HTTP_",
    "CARGO_NET_",
    "GOPROXY",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOSUMDB",
    "GOINSECURE",
    "MAVEN_",
    "DENO_AUTH_TOKENS",
    "DENO_CERT",
    "XDG_CONFIG_HOME",
];

/// The part of the caller's environment a contained step gets: [`TOOLCHAIN_VARS`], with
/// [`NETWORK_VARS`] when it reaches the network and [`REGISTRY_VARS`] when it reaches the
/// registries. Nothing else: a CI's tokens and cloud credentials in the environment are as out
/// of sight of a build script or a package's install code as the files in the caller's `HOME`.
fn step_environment(contained: &Contained) -> Vec<(OsString, OsString)> {
    let mut kept: Vec<&str> = TOOLCHAIN_VARS.to_vec();
    if contained.network {
        kept.extend(NETWORK_VARS);
    }
    if contained.registries {
        kept.extend(REGISTRY_VARS);
    }
    std::env::vars_os()
        .filter(|(name, _)| {
            name.to_str().is_some_and(|name| {
                kept.iter().any(|kept| match kept.strip_suffix('_') {
                    Some(_) => name.starts_with(kept),
                    None => name == *kept,
                })
            })
        })
        .collect()
}

/// Runs one step's script with bash in `work`; returns whether it succeeded, and its merged
/// output, or `Err` of [`Error::Interrupted`] when nbe was interrupted meanwhile.
///
/// The step leads its own process group and carries a run id of its own, so the reaper of a run
/// going on meanwhile never takes it for one of that run's orphans, and an interrupt ends it whole.
/// `contained`, it runs under the init like a run (see [`Mode::wrap_step`]), and dies with nbe:
/// the kernel kills its first process when nbe dies, and with it the step's PID namespace.
pub(super) fn run_step(
    script: &str,
    work: &Path,
    out: &Path,
    env: &[(String, String)],
    tools: &Tools,
    contained: Option<&Contained>,
) -> Result<(bool, String)> {
    static STEPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let id = format!(
        "step-{}-{}",
        std::process::id(),
        STEPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let inherited = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
    let bash = ["bash", "-c", script];
    let (command, death_signal) = match contained {
        Some(contained) => {
            let nbe =
                std::env::current_exe().map_err(|e| Error::io("failed to locate the nbe executable", e))?;
            let keep = if contained.registries {
                registry_settings()
            } else {
                Vec::new()
            };
            let command = contained.isolation.wrap_step(
                &nbe,
                contained.sandbox,
                &contained.writable,
                contained.network,
                &keep,
                &bash,
            );
            (command, contained.isolation.parent_death_signal())
        }
        None => (bash.map(String::from).to_vec(), nix::sys::signal::Signal::SIGKILL),
    };
    let parent = nix::unistd::getpid();
    // One whole environment: the caller's (only part of it, contained), then nbe's own.
    let caller: Vec<(OsString, OsString)> = match contained {
        Some(contained) => step_environment(contained),
        None => std::env::vars_os().collect(),
    };
    let ours = [
        (
            "PATH",
            OsString::from(format!("{}:{inherited}", tools.path_prefix())),
        ),
        ("NBE_OUT", out.as_os_str().to_owned()),
        (reaper::RUN_ID_VAR, OsString::from(&id)),
    ];
    let environment = caller
        .into_iter()
        .chain(ours.map(|(name, value)| (OsString::from(name), value)))
        .chain(env.iter().map(|(name, value)| (name.into(), value.into())));
    let command = duct::cmd(&command[0], &command[1..])
        .dir(work)
        .full_env(environment)
        .stdin_null()
        .stderr_to_stdout()
        .stdout_capture()
        .unchecked()
        .before_spawn(move |command| {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
            // SAFETY: the hook runs in the child between fork and exec, and only makes
            // async-signal-safe calls that neither allocate nor lock.
            unsafe { command.pre_exec(move || super::die_with(parent, death_signal)) };
            Ok(())
        });
    let spawning = reaper::spawning();
    let handle = command
        .start()
        .map_err(|e| Error::io(format!("failed to start bash -c {script:?}"), e))?;
    let group = reaper::Group::new(handle.pids().first().copied().unwrap_or_default(), id);
    drop(spawning);
    let started = std::time::Instant::now();
    loop {
        match handle.try_wait() {
            Ok(Some(output)) => {
                let text = String::from_utf8_lossy(&output.stdout).into_owned();
                let ok = output.status.success();
                group.terminate(super::GRACE);
                return Ok((ok, text));
            }
            Ok(None) if super::interrupted() => {
                group.terminate(super::GRACE);
                return Err(Error::Interrupted);
            }
            Ok(None) if started.elapsed() > STEP_TIMEOUT => {
                group.terminate(super::GRACE);
                return Ok((false, "stopped: it ran past 15 minutes".into()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                group.terminate(super::GRACE);
                return Err(Error::io(format!("failed to wait for bash -c {script:?}"), e));
            }
        }
    }
}

/// The lines of a failed step's output worth showing: those `pattern` picks (the compiler's
/// file:line messages), else the last lines; the copy's own path never shows.
fn diagnostics(output: &str, pattern: Option<&str>, work: &Path) -> Vec<String> {
    let prefix = format!("{}/", work.display());
    let lines: Vec<String> = output
        .lines()
        .map(|line| line.replace(&prefix, "").replace("file://", ""))
        .filter(|line| !line.trim().is_empty())
        .collect();
    let picked: Vec<String> = match pattern.and_then(|p| regex::Regex::new(p).ok()) {
        Some(pattern) => lines
            .iter()
            .filter(|line| pattern.is_match(line))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let chosen = if picked.is_empty() { lines } else { picked };
    let skip = chosen.len().saturating_sub(MAX_DIAGNOSTICS);
    chosen.into_iter().skip(skip).collect()
}

/// The toolchain version and client library version of a kind, for `nbe doctor`.
pub fn versions(kind: Kind, tools: &Tools, root: Option<&Path>) -> (Option<String>, Option<String>) {
    let spec = kind.spec();
    let toolchain = spec.version.split_first().and_then(|(program, args)| {
        let program = find_program(program, tools)?;
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        super::tools::version_of(&program, &args)
    });
    let library = spec.library.as_ref().and_then(|library| {
        let version = super::install::pinned_library(kind, root)?;
        Some(format!("{} {version}", library.name))
    });
    (toolchain, library)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_files_win_over_defaults_and_recordings_and_temp_files_stay_out() {
        let defaults = tempfile::tempdir().unwrap();
        let client = tempfile::tempdir().unwrap();
        std::fs::write(defaults.path().join("go.mod"), "module default\n").unwrap();
        std::fs::write(defaults.path().join("go.sum"), "").unwrap();
        std::fs::write(client.path().join("go.mod"), "module mine\n").unwrap();
        std::fs::write(client.path().join("main.go"), "package main\n").unwrap();
        std::fs::write(client.path().join("output.txt"), "old\n").unwrap();
        std::fs::write(client.path().join(".nbe-Ab12.tmp"), "being written\n").unwrap();
        let files = overlay(Some(defaults.path()), client.path()).unwrap();
        let names: Vec<_> = files.keys().map(|p| p.display().to_string()).collect();
        assert_eq!(names, ["go.mod", "go.sum", "main.go"]);
        assert!(files[Path::new("go.mod")].starts_with(client.path()));
        assert!(files[Path::new("go.sum")].starts_with(defaults.path()));
    }

    #[test]
    fn diagnostics_keep_the_compilers_file_line_messages() {
        let work = Path::new("/cache/tmp/go-x");
        let output = "# nbe.example/client\n./main.go:7:2: undefined: nats.Nope\n/cache/tmp/go-x/main.go:9:1: missing return\nnote: noise\n";
        let got = diagnostics(output, Some(r"^[^\s:]+\.go:\d+(:\d+)?: "), work);
        assert_eq!(
            got,
            [
                "./main.go:7:2: undefined: nats.Nope",
                "main.go:9:1: missing return"
            ]
        );
        let fallback = diagnostics("a\n\nb\n", Some("nomatch"), work);
        assert_eq!(fallback, ["a", "b"]);
    }
}
