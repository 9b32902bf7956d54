//! `nbe list`, `nbe run` and `nbe doctor`: the foundation, against the real tools.

use std::time::Duration;

use crate::harness::{
    Repo, marker, nbe_in, nbe_outside_a_repo, processes_with, project_root, tools_dir, wait_for,
};

#[test]
fn list_prints_categories_and_examples_in_catalog_order() {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories:\n  - messaging\n  - auth\n")
        .write(
            "examples/messaging/meta.yaml",
            "title: Messaging\nexamples: [request-reply, fan-out]\n",
        )
        .write(
            "examples/messaging/fan-out/meta.yaml",
            "title: Fan Out\ndescription: One to many.\n",
        )
        .script("messaging/fan-out", "echo hi\n")
        .script("messaging/request-reply", "echo hi\n")
        .write("examples/messaging/request-reply/go/main.go", "package main\n")
        .script("auth/nkeys", "echo hi\n");
    let out = repo.nbe(["list"]).run().code(0);
    insta::assert_snapshot!(out.stdout, @r"
    messaging  Messaging
      messaging/request-reply  Request Reply  [cli, go]
      messaging/fan-out        Fan Out  [cli]
    auth  Auth
      auth/nkeys  Nkeys  [cli]
    ");
    let out = repo.nbe(["list", "auth", "--json"]).run().code(0);
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
        "set -euo pipefail\nnats-server -p 14222 --name {name} > server.log 2>&1 &\n{}nats --server nats://127.0.0.1:14222 pub greeting hello\necho \"home=${{HOME%/home}} work=${{PWD%/work}}\"\n",
        wait_for(14222)
    );
    let repo = Repo::new();
    repo.script("messaging/hello", &script);
    let out = repo
        .nbe(["run", "messaging/hello"])
        .run()
        .code(0)
        .stdout_has("Published 5 bytes to \"greeting\"");
    let line = out.stdout.lines().find(|l| l.starts_with("home=")).unwrap();
    let (home, work) = line.strip_prefix("home=").unwrap().split_once(" work=").unwrap();
    assert_eq!(
        home, work,
        "HOME and the working directory share the run's temp dir"
    );
    assert!(home.contains("/nbe-"), "the run's temp dir is nbe's own: {line}");
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn the_examples_own_failure_status_is_nbes_exit_status() {
    let repo = Repo::new();
    repo.script("broken/exits-seven", "echo about to fail\nexit 7\n");
    repo.nbe(["run", "broken/exits-seven"])
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
    let repo = Repo::new();
    repo.script("leaks/everything", &script);
    let out = repo
        .nbe(["run", "leaks/everything"])
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
    let repo = Repo::new();
    repo.script("slow/hangs", &script);
    let out = repo
        .nbe(["run", "--timeout", "3s", "slow/hangs"])
        .run()
        .code(124)
        .stdout_has("waiting forever")
        .stderr_has("timed out after 3s");
    assert!(out.elapsed < Duration::from_secs(30), "took {:?}", out.elapsed);
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn a_timeout_in_meta_yaml_overrides_the_flag() {
    let repo = Repo::new();
    repo.write("examples/slow/brief/meta.yaml", "timeout: 1s\n")
        .script("slow/brief", "sleep 600\n");
    repo.nbe(["run", "slow/brief"])
        .run()
        .code(124)
        .stderr_has("timed out after 1s");
}

#[test]
fn malformed_meta_yaml_points_at_file_line_and_column() {
    let repo = Repo::new();
    repo.write(
        "examples/topologies/meta.yaml",
        "title: Topologies\nexamples:\n  - cluster\ndescripton: typo\n",
    )
    .script("topologies/cluster", "echo hi\n");
    let expected = format!(
        "{}:4:1: unknown field `descripton`",
        repo.path("examples/topologies/meta.yaml").display()
    );
    // The category is left out with a warning where nothing runs, and fails where it would run.
    repo.nbe(["list"]).run().code(0).stderr_has(&expected);
    repo.nbe(["check"]).run().code(1).stdout_has(&expected);

    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories:\n  - nowhere\n");
    repo.nbe(["list"])
        .run()
        .code(0)
        .stderr_has("examples/meta.yaml:2:5: `categories` lists \"nowhere\"");
}

#[test]
fn a_meta_yaml_that_is_not_utf8_is_a_problem_of_its_part_only() {
    let repo = Repo::new();
    repo.script("enc/latin1", "echo one\n")
        .script("enc/fine", "echo two\n")
        .script("bad/any", "echo three\n");
    // Latin-1 for "café", and a stray byte in a category's title.
    std::fs::write(
        repo.path("examples/enc/latin1/meta.yaml"),
        b"title: Latin-1\ndescription: caf\xe9\n",
    )
    .unwrap();
    std::fs::write(repo.path("examples/bad/meta.yaml"), b"title: Bad\xff\n").unwrap();
    let example = format!(
        "{}:2:17: byte 0xE9 is not UTF-8 text; save the file as UTF-8",
        repo.path("examples/enc/latin1/meta.yaml").display()
    );
    let category = format!(
        "{}:1:11: byte 0xFF is not UTF-8 text; save the file as UTF-8",
        repo.path("examples/bad/meta.yaml").display()
    );
    repo.nbe(["list"])
        .run()
        .code(0)
        .stdout_has("enc/fine")
        .stderr_has(&format!("enc/latin1 left out: {example}"))
        .stderr_has(&format!("bad left out: {category}"));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("FAIL enc/latin1 [")
        .stdout_has(&example)
        .stdout_has("FAIL bad [")
        .stdout_has(&category)
        .stdout_has("FAIL enc/fine/cli");
    let site = repo.path("site");
    repo.nbe(["build", "--output"])
        .args([&site])
        .run()
        .code(0)
        .stderr_has(&example);
    assert!(site.join("enc/fine/index.html").exists());
}

#[test]
fn an_invalid_error_lines_regex_is_a_catalog_error_before_any_run() {
    let repo = Repo::new();
    repo.write(
        "examples/kv/failing/meta.yaml",
        "expect:\n  exit_status: 1\n  error_lines:\n    - '^nats: error: .*'\n    - 'unclosed ('\n",
    )
    .script("kv/failing", "echo ran > ran.txt\nexit 1\n");
    let expected = format!(
        "{}:5:8: `expect.error_lines` has an invalid regex",
        repo.path("examples/kv/failing/meta.yaml").display()
    );
    repo.nbe(["list"]).run().code(0).stderr_has(&expected);
    repo.nbe(["test"]).run().code(1).stdout_has(&expected);
    repo.nbe(["run", "kv/failing"])
        .run()
        .code(2)
        .stderr_has(&expected);

    let repo = Repo::new();
    repo.write(
        "examples/kv/inline/meta.yaml",
        "title: Inline\nexpect: {exit_status: 1,\n  error_lines: [\"[\"]}\n",
    )
    .script("kv/inline", "exit 1\n");
    let expected = format!(
        "{}:3:3: `expect.error_lines` has an invalid regex",
        repo.path("examples/kv/inline/meta.yaml").display()
    );
    repo.nbe(["list"]).run().code(0).stderr_has(&expected);
}

#[test]
fn an_invalid_normalize_rule_is_the_same_catalog_error_for_every_command() {
    let repo = Repo::new();
    repo.write(
        "examples/kv/masked/meta.yaml",
        "title: Masked\nnormalize:\n  drop:\n    - '^ok$'\n  redact:\n    - pattern: 'unclosed ('\n      replace: x\n",
    )
    .script("kv/masked", "echo ran > ran.txt\n");
    let expected = format!(
        "{}:6:16: normalize: invalid regex in normalize rule redact[0].pattern",
        repo.path("examples/kv/masked/meta.yaml").display()
    );
    // A problem of the one example: refused where it is named, a failed client where clients
    // are judged, a warning where nothing runs.
    for args in [
        vec!["run", "kv/masked"],
        vec!["normalize", "--example", "kv/masked", "-"],
    ] {
        repo.nbe(&args).stdin("").run().code(2).stderr_has(&expected);
    }
    for args in [vec!["test"], vec!["record"], vec!["check"]] {
        repo.nbe(&args).run().code(1).stdout_has(&expected);
    }
    for args in [vec!["list"], vec!["build"]] {
        repo.nbe(&args).run().code(0).stderr_has(&expected);
    }
    assert!(!repo.exists("examples/kv/masked/cli/ran.txt"), "nothing ran");
    assert!(
        !repo.exists("site/kv/masked"),
        "no page was written with a failing badge"
    );
}

#[test]
fn meta_yaml_values_nothing_could_satisfy_are_catalog_errors_at_their_value() {
    for (meta, at, message) in [
        ("title: Never\ntimeout: 0s\n", "2:10", "`timeout` is zero"),
        (
            "expect:\n  exit_status: 300\n",
            "2:16",
            "`expect.exit_status` is 300, which no process can exit with",
        ),
        (
            "normalize:\n  redact:\n    - {pattern: '(unclosed', replace: x}\n",
            "3:17",
            "normalize: invalid regex in normalize rule redact[0].pattern",
        ),
    ] {
        let repo = Repo::new();
        repo.write("examples/kv/never/meta.yaml", meta)
            .script("kv/never", "echo ran > ran.txt\n");
        let expected = format!(
            "{}:{at}: {message}",
            repo.path("examples/kv/never/meta.yaml").display()
        );
        // A problem of the one example: a warning in a listing, refused where it is named, a
        // failed client where clients are judged.
        repo.nbe(["list"]).run().code(0).stderr_has(&expected);
        repo.nbe(["run", "kv/never"]).run().code(2).stderr_has(&expected);
        repo.nbe(["test"]).run().code(1).stdout_has(&expected);
        assert!(!repo.path("examples/kv/never/cli/ran.txt").exists());
    }
}

#[test]
fn a_client_without_its_main_file_is_named() {
    let repo = Repo::new();
    repo.write("examples/kv/basics/cli/setup.sh", "echo not the main program\n");
    repo.nbe(["list"])
        .run()
        .code(0)
        .stderr_has("kv/basics/cli: the cli client has no main.sh");
    repo.nbe(["run", "kv/basics"])
        .run()
        .code(2)
        .stderr_has("kv/basics/cli: the cli client has no main.sh");
}

#[test]
fn an_unknown_example_exits_2_with_suggestions() {
    let repo = Repo::new();
    repo.script("topologies/supercluster-arbiter", "echo hi\n");
    repo.nbe(["run", "topologies/supercluster-arbitr"])
        .run()
        .code(2)
        .stderr_has("did you mean topologies/supercluster-arbiter");
}

#[test]
fn several_clients_without_cli_must_be_named() {
    let repo = Repo::new();
    repo.write("examples/a/b/go/main.go", "package main\n")
        .write("examples/a/b/python/main.py", "print(1)\n");
    repo.nbe(["run", "a/b"])
        .run()
        .code(2)
        .stderr_has("name one of: a/b/go, a/b/python");
}

#[test]
fn the_environment_is_clean_and_keep_keeps_the_temp_dir() {
    let repo = Repo::new();
    repo.script(
        "env/show",
        "echo \"url=${NATS_URL:-unset} xdg=${XDG_CONFIG_HOME#$HOME}\"\ncommand -v nats-server\ntouch made-here\n",
    );
    let out = repo
        .nbe(["run", "--keep", "env/show"])
        .env("NATS_URL", "nats://example.invalid:4222")
        .env("XDG_CONFIG_HOME", "/somewhere")
        .run()
        .code(0)
        .stdout_has("url=unset xdg=/.config\n")
        .stdout_has(&format!("{}/nats-server", tools_dir().display()));
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
    repo.nbe(["doctor"])
        .run()
        .code(0)
        .stdout_has("nats-server")
        .stdout_has("v2.")
        .stdout_has("toolchains:");
    let empty = tempfile::tempdir().unwrap();
    repo.nbe(["doctor", "--tools-dir"])
        .args([empty.path()])
        .run()
        .code(2)
        .stderr_has(&format!("nbe install-tools --into {}", empty.path().display()));
}

#[test]
fn a_reader_that_goes_away_ends_nbe_quietly() {
    // `nbe doctor | head -1`: the pipe closes before doctor has written its later lines, which
    // come after querying every tool's version.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_nbe"))
        .arg("--root")
        .arg(project_root())
        .arg("--tools-dir")
        .arg(tools_dir())
        .arg("doctor")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing to tell a reader that left: {stderr}");
}

#[test]
fn doctor_outside_a_repository_still_reports_the_tools() {
    let elsewhere = tempfile::tempdir().unwrap();
    let real = tools_dir();
    let out = nbe_outside_a_repo(elsewhere.path())
        .args(["doctor"])
        .env("NBE_TOOLS_DIR", real.to_str().unwrap())
        .run()
        .stdout_has("root         none (no examples directory found")
        .stdout_has("tools from   NBE_TOOLS_DIR")
        .stdout_has(&format!("nats-server  {}  ", real.join("nats-server").display()))
        .stdout_has(&format!("nats         {}  ", real.join("nats").display()))
        .code(0);
    assert_eq!(
        out.stderr.matches("no examples directory").count(),
        0,
        "the missing root is reported once, on stdout{out:?}"
    );
}

#[test]
fn the_shipped_catalog_is_valid() {
    nbe_in(project_root())
        .args(["list"])
        .run()
        .code(0)
        .stdout_has("topologies/supercluster-arbiter");
}

#[test]
fn every_example_lands_in_exactly_one_partition() {
    let repo = Repo::new();
    for name in [
        "a/one", "a/two", "b/three", "b/four", "c/five", "c/six", "c/seven",
    ] {
        repo.script(name, "echo hi\n");
    }
    let mut seen = Vec::new();
    for k in 1..=3 {
        let out = repo
            .nbe(["list", "--json", "--partition", &format!("{k}/3")])
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
    repo.nbe(["list", "--partition", "4/3"]).run().code(2);
}

#[test]
fn ctrl_c_stops_the_run_removes_its_temp_dir_and_exits_130() {
    let name = marker("sigint");
    let tmp = tempfile::tempdir().unwrap();
    let script = format!(
        "nats-server -p 14226 --name {name} > s.log 2>&1 &\n{}echo ready\nsleep 600\n",
        wait_for(14226)
    );
    let repo = Repo::new();
    repo.script("slow/interrupted", &script);
    let mut running = repo
        .nbe(["run", "slow/interrupted"])
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .spawn();
    assert_eq!(running.line(), "ready\n");
    assert_eq!(
        processes_with(&name).len(),
        1,
        "the server runs before the interrupt"
    );
    running.interrupt_and_expect_nothing_left(&name, tmp.path());
}

#[test]
fn a_flood_of_output_is_streamed_but_only_a_bounded_part_is_kept() {
    let repo = Repo::new();
    repo.script(
        "noisy/flood",
        "head -c 20000000 /dev/zero | tr '\\0' x\necho\necho survived\n",
    );
    let out = repo
        .nbe(["run", "noisy/flood"])
        .run()
        .code(0)
        .stdout_has("survived")
        .stderr_has("output past 4 MiB was not kept");
    assert_eq!(out.stdout.len(), 20_000_000 + "\nsurvived\n".len());
}

#[test]
fn the_callers_nats_settings_locale_and_time_zone_never_reach_an_example() {
    let repo = Repo::new();
    repo.script(
        "env/caller",
        "env | grep -E '^(NATS_|NSC_)' | sort\necho \"LANG=$LANG LC_ALL=$LC_ALL TZ=$TZ\"\ndate -d @0 +%H:%M\n",
    );
    let out = repo
        .nbe(["run", "env/caller"])
        .env("NATS_URL", "nats://example.invalid:4222")
        .env("NATS_CONTEXT", "production")
        .env("NATS_CREDS", "/home/someone/admin.creds")
        .env("NSC_HOME", "/home/someone/.nsc")
        .env("LANG", "de_DE.UTF-8")
        .env("LC_ALL", "fr_FR.UTF-8")
        .env("TZ", "Asia/Tokyo")
        .run()
        .code(0);
    assert_eq!(out.stdout, "LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC\n00:00\n");
}

#[test]
fn stdout_and_stderr_keep_their_order() {
    let repo = Repo::new();
    repo.script(
        "output/interleaved",
        "for i in $(seq 200); do echo \"out $i\"; echo \"err $i\" >&2; done\n",
    );
    let expected: String = (1..=200).map(|i| format!("out {i}\nerr {i}\n")).collect();
    let out = repo.nbe(["run", "output/interleaved"]).run().code(0);
    assert_eq!(out.stdout, expected, "nbe run");
    repo.nbe(["record"]).run().code(0);
    assert_eq!(
        repo.read("examples/output/interleaved/cli/output.txt"),
        expected,
        "nbe record"
    );
}

#[test]
fn test_and_record_fail_an_example_past_the_output_cap() {
    let repo = Repo::new();
    repo.script(
        "noisy/flood",
        "head -c 5000000 /dev/zero | tr '\\0' x\necho\necho survived\n",
    );
    for command in ["test", "record"] {
        repo.nbe([command])
            .run()
            .code(1)
            .stdout_has("printed more than 4 MiB of output; 805706 bytes were dropped")
            .summary("0 passed, 1 failed, 0 skipped");
    }
    assert!(
        !repo.exists("examples/noisy/flood/cli/output.txt"),
        "a failed record writes nothing"
    );
    // Just under the cap, the whole output is kept.
    repo.script("noisy/flood", "head -c 4194000 /dev/zero | tr '\\0' x\necho\n");
    repo.nbe(["record"]).run().code(0);
    assert_eq!(repo.read("examples/noisy/flood/cli/output.txt").len(), 4_194_001);
}
