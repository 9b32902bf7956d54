//! Containment: what a contributed example can reach of the machine that runs it. Each test plays
//! the hostile contributor, tries the attack through the real binary, and fails if it works.
//! Namespaces are asked for explicitly: without them nothing is contained, as README says.

use std::path::Path;

use crate::clients::{PROGRAMS, repo_with_defaults};
use crate::harness::{Repo, bare_nbe_in, tools_dir};

/// A repository outside `/tmp` with a tools dir of its own (links to the real tools), so a run
/// finds the repository's root the way an attacker would: `${PATH%%/.tools/bin*}`.
fn repo_with_tools() -> Repo {
    let repo = Repo::outside_tmp();
    let tools = tools_dir();
    for name in ["nats-server", "nats"] {
        repo.symlink(&format!(".tools/bin/{name}"), tools.join(name));
    }
    repo
}

/// The script of a client that tries to write each of `targets`, and to read `secret`, printing
/// what it managed; it also shows that its own temp dir, `/tmp` and `/dev/shm` stay writable.
fn attack(targets: &[&Path], secret: &Path) -> String {
    let mut script = String::from(
        "#!/usr/bin/env bash\n# Try to change what lies outside the run.\nroot=${PATH%%/.tools/bin*}\n",
    );
    script.push_str("for target in \"$root/examples/c/other/cli/output.txt\" \"$root/snapshots/c/other/cli.snap\" \"$root/planted\"");
    for target in targets {
        script.push_str(&format!(" '{}'", target.display()));
    }
    script.push_str(
        "; do\n  if (echo hacked >> \"$target\") 2>/dev/null; then echo \"wrote $target\"; else echo \"kept $target\"; fi\ndone\n",
    );
    script.push_str(&format!(
        "if cat '{}' 2>/dev/null; then echo 'read the secret'; else echo 'the secret is out of sight'; fi\n",
        secret.display()
    ));
    script.push_str(
        "echo mine > \"$HOME/x\" && echo mine > /tmp/x && echo mine > work.txt && echo mine > /dev/shm/x && echo 'its own dirs are writable'\n",
    );
    script
}

#[test]
fn a_run_sees_the_host_read_only_and_the_callers_home_not_at_all() {
    let repo = repo_with_tools();
    repo.write("examples/c/other/cli/main.sh", "echo other\n")
        .write("examples/c/other/cli/output.txt", "other\n")
        .write("snapshots/c/other/cli.snap", "untouched\n");
    // The caller's HOME, with a secret in it; the cache; a copy of nbe in a directory of its own.
    let outside = crate::harness::shared_with_runs();
    let home = outside.path().join("home");
    let cache = outside.path().join("cache");
    let programs = outside.path().join("programs");
    for dir in [&home, &cache.join("products/c/build/k"), &programs] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(home.join("secret"), "the caller's token\n").unwrap();
    std::fs::write(cache.join("products/c/build/k/client"), "a product\n").unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_nbe"), programs.join("nbe")).unwrap();
    let targets = [
        home.join("planted"),
        cache.join("products/c/build/k/client"),
        programs.join("planted"),
    ];
    let targets: Vec<&Path> = targets.iter().map(|p| p.as_path()).collect();
    repo.script("c/e", &attack(&targets, &home.join("secret")));
    let tools = repo.path(".tools/bin");
    let outcome = bare_nbe_in(repo.root())
        .args([
            "--isolation",
            "namespace",
            "--tools-dir",
            tools.to_str().unwrap(),
            "run",
            "c/e/cli",
        ])
        .env("HOME", home.to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.to_str().unwrap())
        .run_copy_at(&programs.join("nbe"))
        .run()
        .code(0)
        .stdout_lacks("wrote ")
        .stdout_lacks("read the secret")
        .stdout_has("the secret is out of sight")
        .stdout_has("its own dirs are writable");
    assert_eq!(outcome.stdout.matches("kept ").count(), 6, "{}", outcome.stdout);
    assert_eq!(repo.read("examples/c/other/cli/output.txt"), "other\n");
    assert_eq!(repo.read("snapshots/c/other/cli.snap"), "untouched\n");
    assert!(!repo.exists("planted"));
    assert_eq!(
        std::fs::read_to_string(cache.join("products/c/build/k/client")).unwrap(),
        "a product\n"
    );
    for planted in [home.join("planted"), programs.join("planted")] {
        assert!(!planted.exists(), "{} was written", planted.display());
    }
}

/// The one product directory of `kind`'s `step` in `cache`.
#[track_caller]
fn only_product(cache: &Path, kind: &str, step: &str) -> std::path::PathBuf {
    let dir = cache.join("products").join(kind).join(step);
    let products: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(products.len(), 1, "{products:?}");
    products.into_iter().next().unwrap()
}

/// A repository with the C client `talk/greet/c`, and a cache of its own.
fn c_client() -> (Repo, tempfile::TempDir) {
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/c/main.c", PROGRAMS[6].2);
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    (repo, cache)
}

#[test]
fn a_damaged_product_is_built_again_never_run() {
    let (repo, cache) = c_client();
    let run = || {
        repo.nbe(["run", "talk/greet/c"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .run()
            .code(0)
            .stdout_has("c received: hello from c");
    };
    run();
    let product = only_product(cache.path(), "c", "build");
    let client = product.join("client");
    let whole = std::fs::read(&client).unwrap();
    // Truncated: run as it is, it would crash.
    std::fs::write(&client, &whole[..whole.len() / 2]).unwrap();
    run();
    assert_eq!(std::fs::read(&client).unwrap().len(), whole.len());
    // Deleted: run as it is, every later run would end with 127.
    std::fs::remove_file(&client).unwrap();
    run();
    assert!(client.is_file());
    // Replaced by another program of the same size.
    let mut other = whole.clone();
    let middle = other.len() / 2;
    other[middle] ^= 0xff;
    std::fs::write(&client, &other).unwrap();
    run();
    assert_eq!(std::fs::read(&client).unwrap().len(), whole.len());
    assert_ne!(std::fs::read(&client).unwrap(), other);
}

#[test]
fn an_unchanged_client_never_builds_again() {
    let (repo, cache) = c_client();
    let run = || {
        repo.nbe(["run", "talk/greet/c"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .run()
            .code(0)
            .stdout_has("c received: hello from c");
    };
    run();
    let product = only_product(cache.path(), "c", "build");
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let (stamp, client) = (product.join(".nbe-ready"), product.join("client"));
    let before = (modified(&stamp), modified(&client));
    run();
    assert_eq!(only_product(cache.path(), "c", "build"), product);
    assert_eq!(
        (modified(&stamp), modified(&client)),
        before,
        "the product was made again"
    );
}
