//! `nbe list`, `nbe run` and `nbe doctor`: the foundation, against the real tools.

use std::time::Duration;

use crate::harness::{Repo, marker, nbe_in, processes_with};

/// Waits in bash until a nats-server answers on `port` (no fixed sleeps).
fn wait_for(port: u16) -> String {
    format!(
        "for _ in $(seq 100); do nats --server nats://127.0.0.1:{port} rtt 1 >/dev/null 2>&1 && break; sleep 0.1; done\n"
    )
}

#[test]
fn list_prints_categories_and_examples_in_catalog_order() {
    let repo = Repo::new()
        .file("examples/meta.yaml", "categories:\n  - messaging\n  - auth\n")
        .file(
            "examples/messaging/meta.yaml",
            "title: Messaging\nexamples: [request-reply, fan-out]\n",
        )
        .file(
            "examples/messaging/fan-out/meta.yaml",
            "title: Fan Out\ndescription: One to many.\n",
        )
        .script("messaging/fan-out", "echo hi\n")
        .script("messaging/request-reply", "echo hi\n")
        .file("examples/messaging/request-reply/go/main.go", "package main\n")
        .script("auth/nkeys", "echo hi\n");
    let out = repo.nbe().args(["list"]).run().code(0);
    insta::assert_snapshot!(out.stdout, @r"
    messaging  Messaging
      messaging/request-reply  Request Reply  [cli, go]
      messaging/fan-out        Fan Out  [cli]
    auth  Auth
      auth/nkeys  Nkeys  [cli]
    ");
    let out = repo.nbe().args(["list", "auth", "--json"]).run().code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let categories = json["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 1);
    assert_eq!(categories[0]["examples"][0]["path"], "auth/nkeys");
    assert_eq!(categories[0]["examples"][0]["clients"][0], "cli");
}

#[test]
fn a_run_talks_to_a_real_server_and_leaves_nothing_behind() {
    let name = marker("ok");
    let script = format!(
        "set -euo pipefail\nnats-server -p 14222 --name {name} > server.log 2>&1 &\n{}nats --server nats://127.0.0.1:14222 pub greeting hello\necho \"home=$HOME\"\n",
        wait_for(14222)
    );
    let repo = Repo::new().script("messaging/hello", &script);
    let out = repo.nbe().args(["run", "messaging/hello"]).run().code(0);
    assert!(
        out.stdout.contains("Published 5 bytes to \"greeting\""),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("home=/") && out.stdout.contains("/home\n"),
        "HOME lies in the run's temp dir: {out:?}"
    );
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn the_examples_own_failure_status_is_nbes_exit_status() {
    let repo = Repo::new().script("broken/exits-seven", "echo about to fail\nexit 7\n");
    repo.nbe()
        .args(["run", "broken/exits-seven"])
        .run()
        .code(7)
        .stdout_has("about to fail")
        .stderr_has("broken/exits-seven/cli exited with status 7");
}

#[test]
fn background_servers_and_setsid_daemons_are_all_ended() {
    let name = marker("leak");
    let script = format!(
        r#"nats-server -p 14223 --name {name}-bg > bg.log 2>&1 &
setsid nats-server -p 14224 --name {name}-daemon < /dev/null > daemon.log 2>&1 &
setsid bash -c 'trap "" TERM; exec -a {name}-stubborn sleep 300' < /dev/null > /dev/null 2>&1 &
{}{}echo started
"#,
        wait_for(14223),
        wait_for(14224)
    );
    let repo = Repo::new().script("leaks/everything", &script);
    let out = repo
        .nbe()
        .args(["run", "leaks/everything"])
        .run()
        .code(0)
        .stdout_has("started");
    assert!(out.elapsed < Duration::from_secs(30), "{out:?}");
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn a_timeout_returns_promptly_with_124_and_nothing_left() {
    let name = marker("hang");
    let script = format!(
        "nats-server -p 14225 --name {name} > s.log 2>&1 &\n{}echo waiting forever\nsleep 600\n",
        wait_for(14225)
    );
    let repo = Repo::new().script("slow/hangs", &script);
    let out = repo
        .nbe()
        .args(["run", "--timeout", "3s", "slow/hangs"])
        .run()
        .code(124)
        .stdout_has("waiting forever")
        .stderr_has("timed out after 3s");
    assert!(out.elapsed < Duration::from_secs(10), "took {:?}", out.elapsed);
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn a_timeout_in_meta_yaml_overrides_the_flag() {
    let repo = Repo::new()
        .file("examples/slow/brief/meta.yaml", "timeout: 1s\n")
        .script("slow/brief", "sleep 600\n");
    repo.nbe()
        .args(["run", "slow/brief"])
        .run()
        .code(124)
        .stderr_has("timed out after 1s");
}

#[test]
fn malformed_meta_yaml_points_at_file_line_and_column() {
    let repo = Repo::new()
        .file(
            "examples/topologies/meta.yaml",
            "title: Topologies\nexamples:\n  - cluster\ndescripton: typo\n",
        )
        .script("topologies/cluster", "echo hi\n");
    let out = repo.nbe().args(["list"]).run().code(2);
    let expected = format!(
        "{}:4:1: unknown field `descripton`",
        repo.path().join("examples/topologies/meta.yaml").display()
    );
    assert!(out.stderr.contains(&expected), "{out:?}");

    let repo = Repo::new().file("examples/meta.yaml", "categories:\n  - nowhere\n");
    let out = repo.nbe().args(["list"]).run().code(2);
    assert!(
        out.stderr
            .contains("examples/meta.yaml:2:5: `categories` lists \"nowhere\""),
        "{out:?}"
    );
}

#[test]
fn a_client_without_its_main_file_is_named() {
    let repo = Repo::new().file("examples/kv/basics/cli/README", "no program here\n");
    repo.nbe()
        .args(["list"])
        .run()
        .code(2)
        .stderr_has("kv/basics/cli: the cli client has no main.sh");
}

#[test]
fn an_unknown_example_exits_2_with_suggestions() {
    let repo = Repo::new().script("topologies/supercluster-arbiter", "echo hi\n");
    repo.nbe()
        .args(["run", "topologies/supercluster-arbitr"])
        .run()
        .code(2)
        .stderr_has("did you mean topologies/supercluster-arbiter");
}

#[test]
fn several_clients_without_cli_must_be_named() {
    let repo = Repo::new()
        .file("examples/a/b/go/main.go", "package main\n")
        .file("examples/a/b/python/main.py", "print(1)\n");
    repo.nbe()
        .args(["run", "a/b"])
        .run()
        .code(2)
        .stderr_has("name one of: a/b/go, a/b/python");
}

#[test]
fn the_environment_is_clean_and_keep_keeps_the_temp_dir() {
    let repo = Repo::new().script("env/show", "echo \"url=${NATS_URL:-unset} xdg=${XDG_CONFIG_HOME#$HOME}\"\ncommand -v nats-server\ntouch made-here\n");
    let out = repo
        .nbe()
        .env("NATS_URL", "nats://example.invalid:4222")
        .env("XDG_CONFIG_HOME", "/somewhere")
        .args(["run", "--keep", "env/show"])
        .run()
        .code(0)
        .stdout_has("url=unset xdg=/.config\n");
    assert!(
        out.stdout
            .contains(&format!("{}/nats-server", crate::harness::tools_dir().display())),
        "{out:?}"
    );
    let kept = out
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("nbe: kept the run's temp dir: "))
        .unwrap();
    assert!(std::path::Path::new(kept).join("work/made-here").is_file());
    std::fs::remove_dir_all(kept).unwrap();
}

#[test]
fn doctor_reports_tool_versions_and_how_to_install_missing_ones() {
    let repo = Repo::new();
    repo.nbe()
        .args(["doctor"])
        .run()
        .code(0)
        .stdout_has("nats-server")
        .stdout_has("v2.")
        .stdout_has("toolchains:");
    let empty = tempfile::tempdir().unwrap();
    repo.nbe()
        .args(["doctor", "--tools-dir"])
        .args([empty.path()])
        .run()
        .code(2)
        .stderr_has("go install github.com/nats-io/nats-server/v2@");
}

#[test]
fn the_shipped_catalog_is_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = nbe_in(root).args(["list"]).run().code(0);
    assert!(out.stdout.contains("topologies/supercluster-arbiter"), "{out:?}");
}

#[test]
fn every_example_lands_in_exactly_one_partition() {
    let mut repo = Repo::new();
    for name in [
        "a/one", "a/two", "b/three", "b/four", "c/five", "c/six", "c/seven",
    ] {
        repo = repo.script(name, "echo hi\n");
    }
    let mut seen = Vec::new();
    for k in 1..=3 {
        let out = repo
            .nbe()
            .args(["list", "--json", "--partition", &format!("{k}/3")])
            .run()
            .code(0);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        for category in json["categories"].as_array().unwrap() {
            for example in category["examples"].as_array().unwrap() {
                seen.push(example["path"].as_str().unwrap().to_string());
            }
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "a/one", "a/two", "b/four", "b/three", "c/five", "c/seven", "c/six"
        ]
    );
    repo.nbe().args(["list", "--partition", "4/3"]).run().code(2);
}

#[test]
fn ctrl_c_stops_the_run_removes_its_temp_dir_and_exits_130() {
    use std::io::{BufRead, Read};
    let name = marker("sigint");
    let tmp = tempfile::tempdir().unwrap();
    let script = format!(
        "nats-server -p 14226 --name {name} > s.log 2>&1 &\n{}echo ready\nsleep 600\n",
        wait_for(14226)
    );
    let repo = Repo::new().script("slow/interrupted", &script);
    let mut child = repo
        .nbe()
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .args(["run", "slow/interrupted"])
        .spawn();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    assert_eq!(
        processes_with(&name).len(),
        1,
        "the server runs before the interrupt"
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(processes_with(&name), Vec::<String>::new());
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "temp dirs left: {left:?}");
}

#[test]
fn a_flood_of_output_is_streamed_but_only_a_bounded_part_is_kept() {
    let repo = Repo::new().script(
        "noisy/flood",
        "head -c 20000000 /dev/zero | tr '\\0' x\necho\necho survived\n",
    );
    let out = repo
        .nbe()
        .args(["run", "noisy/flood"])
        .run()
        .code(0)
        .stdout_has("survived");
    assert_eq!(out.stdout.len(), 20_000_000 + "\nsurvived\n".len());
    assert!(
        out.stderr.contains("output past 4 MiB was not kept"),
        "{}",
        out.stderr
    );
}
