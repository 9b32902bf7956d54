//! `nbe lint`: each rule on a small crafted example, the seed page's original script, the JSON
//! report, the exit codes and `lint.allow`. Nothing runs but nbe (and, to record, bash).

use serde_json::Value;

use crate::harness::{Repo, nbe_in, project_root};

/// A repository whose examples are listed, titled and described, so only what a test writes
/// is found. `examples` are `category/example` paths with their cli script.
fn repo_with(examples: &[(&str, &str)]) -> Repo {
    let repo = Repo::new();
    let mut categories: Vec<&str> = Vec::new();
    for (path, script) in examples {
        let (category, example) = path.split_once('/').unwrap();
        if !categories.contains(&category) {
            categories.push(category);
        }
        repo.script(path, script);
        repo.write(
            &format!("examples/{path}/meta.yaml"),
            &format!("title: {example}\ndescription: What {example} shows.\n"),
        );
    }
    for category in &categories {
        let listed: Vec<&str> = examples
            .iter()
            .filter_map(|(path, _)| path.strip_prefix(&format!("{category}/")))
            .collect();
        repo.write(
            &format!("examples/{category}/meta.yaml"),
            &format!(
                "title: {category}\ndescription: About {category}.\nexamples: [{}]\n",
                listed.join(", ")
            ),
        );
    }
    repo.write(
        "examples/meta.yaml",
        &format!("categories: [{}]\n", categories.join(", ")),
    );
    repo
}

/// `nbe lint --format json` with `args`: the exit code, the findings as `CODE:line` (or `CODE`
/// for a finding about a whole file) and the report, all without the NBE107 (not recorded) of
/// clients a test did not record: the exit code still counts them.
fn codes(repo: &Repo, args: &[&str]) -> (i32, Vec<String>, Value) {
    let out = repo.nbe(["lint", "--format", "json"]).args(args).run();
    let mut report: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", out.stdout, out.stderr));
    report["findings"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["code"] != "NBE107");
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| match f["line"].as_u64() {
            Some(line) => format!("{}:{line}", f["code"].as_str().unwrap()),
            None => f["code"].as_str().unwrap().to_string(),
        })
        .collect();
    (out.code, found, report)
}

const PROSE: &str = "#!/bin/bash\n# Explained.\n";

#[test]
fn the_shipped_catalog_has_no_findings() {
    nbe_in(project_root())
        .args(["lint"])
        .run()
        .code(0)
        .summary("0 errors, 0 warnings, 0 allowed");
}

#[test]
fn the_seed_page_script_is_reported_with_its_shared_storage_and_fixed_sleeps() {
    let seed =
        std::fs::read_to_string(project_root().join("tests/fixtures/lint/seed-supercluster-arbiter.sh"))
            .unwrap();
    let repo = repo_with(&[("topologies/supercluster-arbiter", &seed)]);
    let out = repo
        .nbe(["lint", "--color", "never"])
        .run()
        .code(1)
        .stdout_has("error[NBE101]: 6 JetStream servers share the default storage directory (east-az1.conf, east-az2.conf, east-az3.conf, west-az1.conf, west-az2.conf, west-az3.conf)")
        .stdout_has("--> examples/topologies/supercluster-arbiter/cli/main.sh:194:1")
        .stdout_has("JetStream enabled here, with no store_dir")
        .stdout_has("= help: give every JetStream server its own directory")
        .stdout_has("warning[NBE103]: `sleep 3` waits a fixed time instead of for a condition")
        .stdout_has("error[NBE102]: `curl` uses the 7 servers started in the background after nothing but the fixed sleep on line 215");
    for line in [194, 198, 202, 206, 210, 214] {
        assert!(
            out.stdout.contains(&format!("{line} | nats-server -c ")),
            "server line {line} is not shown:\n{}",
            out.stdout
        );
    }
    let (code, found, _) = codes(&repo, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            "NBE101:194",
            "NBE102:219",
            "NBE103:191",
            "NBE103:195",
            "NBE103:199",
            "NBE103:203",
            "NBE103:207",
            "NBE103:211",
            "NBE103:215"
        ]
    );
}

#[test]
fn jetstream_servers_sharing_a_store_dir_are_errors_whether_flags_or_configs_say_so() {
    let repo = repo_with(&[
        (
            "js/flags",
            &format!("{PROSE}nats-server -js -p 4222 &\nnats-server --jetstream -p 4223 &\n"),
        ),
        (
            "js/configs",
            &format!(
                "{PROSE}for n in 1 2; do\ncat > s$n.conf <<EOF\nport: 422$n\njetstream {{\n  store_dir: ./data\n}}\nEOF\ndone\nnats-server -c s1.conf &\nnats-server -c s2.conf &\n"
            ),
        ),
        (
            "js/distinct",
            &format!(
                "{PROSE}for n in 1 2; do\ncat > s$n.conf <<EOF\nport: 422$n\njetstream {{\n  store_dir: ./data/$n\n}}\nEOF\nnats-server -c s$n.conf &\ndone\nnats-server -js -sd ./other -p 4230 &\n"
            ),
        ),
    ]);
    let (code, found, report) = codes(&repo, &["js/flags", "js/configs"]);
    assert_eq!(
        (code, found),
        (1, vec!["NBE101:11".to_string(), "NBE101:3".to_string()])
    );
    let configs = &report["findings"][0];
    assert_eq!(
        configs["message"],
        "2 JetStream servers share the storage directory data (s1.conf, s2.conf)"
    );
    let (_, found, _) = codes(&repo, &["js/distinct"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_server_used_after_only_a_sleep_is_an_error_and_a_polling_loop_is_not() {
    let repo = repo_with(&[
        (
            "wait/sleep",
            &format!("{PROSE}nats-server -p 4222 &\nsleep 1\nnats pub a b\n"),
        ),
        (
            "wait/poll",
            &format!(
                "{PROSE}nats-server -p 4222 -m 8222 &\nfor _ in $(seq 1 50); do\n  curl -fs http://127.0.0.1:8222/healthz && break\n  sleep 0.2\ndone\nnats pub a b\n"
            ),
        ),
    ]);
    let (code, found, report) = codes(&repo, &["wait/sleep"]);
    assert_eq!(
        (code, found),
        (1, vec!["NBE102:5".to_string(), "NBE103:4".to_string()])
    );
    let early = &report["findings"][0];
    assert_eq!(
        early["message"],
        "`nats` uses the server started in the background on line 3 after nothing but the fixed sleep on line 4"
    );
    assert_eq!(early["notes"][0]["label"], "server started here");
    assert_eq!(early["notes"][0]["line"], 3);
    let (_, found, _) = codes(&repo, &["wait/poll"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn a_fixed_sleep_alone_is_a_warning_that_fails_only_with_deny_warnings() {
    let repo = repo_with(&[("wait/nap", &format!("{PROSE}echo one\nsleep 2\necho two\n"))]);
    repo.nbe(["record"]).run().code(0);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (0, vec!["NBE103:4".to_string()]));
    assert_eq!(report["findings"][0]["severity"], "warning");
    let (code, _, _) = codes(&repo, &["--deny", "warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn absolute_paths_outside_the_work_dir_are_errors() {
    let repo = repo_with(&[(
        "paths/tmp",
        &format!(
            "{PROSE}nats-server -js -sd /tmp/js > /dev/null &\ncat > s.conf <<'EOF'\njetstream {{ store_dir: \"/home/me/js\" }}\nEOF\necho ok > ./data.txt\n"
        ),
    )]);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!(
        (code, found),
        (1, vec!["NBE104:3".to_string(), "NBE104:5".to_string()])
    );
    assert_eq!(
        report["findings"][0]["message"],
        "/tmp/js is outside the run's work dir"
    );
}

#[test]
fn two_servers_on_one_port_collide() {
    let repo = repo_with(&[(
        "ports/twice",
        &format!(
            "{PROSE}cat > a.conf <<EOF\nlisten: 127.0.0.1:4222\nhttp: 8222\nEOF\nnats-server -c a.conf &\nnats-server -p 4223 -m 8222 &\nnats-server &\n"
        ),
    )]);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!(
        (code, found),
        (1, vec!["NBE105:8".to_string(), "NBE105:9".to_string()])
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "a.conf and nats-server both listen on port 8222 (monitoring, monitoring)",
            "a.conf and nats-server both listen on port 4222 (client, client (the default))"
        ]
    );
}

#[test]
fn recordings_are_judged_as_check_judges_them() {
    let repo = repo_with(&[("rec/hello", &format!("{PROSE}echo hello\n"))]);
    let out = repo.nbe(["lint", "--format", "json"]).run().code(1);
    assert!(out.stdout.contains("\"code\": \"NBE107\""), "{}", out.stdout);
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["lint"])
        .run()
        .code(0)
        .summary("0 errors, 0 warnings, 0 allowed");
    // A recording that shows an error the example does not declare.
    let output = repo.read("examples/rec/hello/cli/output.txt");
    repo.write(
        "examples/rec/hello/cli/output.txt",
        &format!("{output}nats: error: boom\n"),
    );
    let (code, found, _) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE106:2".to_string()]));
    // Files that changed since the recording.
    repo.script("rec/hello", &format!("{PROSE}echo hello again\n"));
    let (code, found, _) = codes(&repo, &[]);
    assert_eq!(
        (code, found),
        (1, vec!["NBE106:2".to_string(), "NBE108".to_string()])
    );
}

#[test]
fn scripts_nbe_cannot_read_whole_are_warnings_at_their_line_and_the_rest_is_still_linted() {
    let includes: String = (0..8)
        .map(|n| {
            let next = if n < 7 {
                format!("include c{}.conf\n", n + 1).repeat(10)
            } else {
                String::new()
            };
            format!("cat > c{n}.conf <<EOF\nport: 42{n}0\n{next}EOF\n")
        })
        .collect();
    let repo = repo_with(&[
        (
            "deep/ifs",
            &format!(
                "{PROSE}{}echo hi\n{}",
                "if true; then\n".repeat(2000),
                "fi\n".repeat(2000)
            ),
        ),
        (
            "deep/substitutions",
            &format!("{PROSE}echo {}x{}\n", "$(".repeat(50_000), ")".repeat(50_000)),
        ),
        (
            "deep/defaults",
            &format!(
                "{PROSE}echo \"{}x{}\"\n",
                "${x:-".repeat(20_000),
                "}".repeat(20_000)
            ),
        ),
        (
            "deep/includes",
            &format!("{PROSE}{includes}nats-server -c c0.conf &\n"),
        ),
        (
            "deep/chain",
            &format!(
                "{PROSE}{}nats-server -c c0.conf &\n",
                (0..12)
                    .map(|n| format!("cat > c{n}.conf <<EOF\ninclude c{}.conf\nEOF\n", n + 1))
                    .collect::<String>()
            ),
        ),
        ("deep/broken", &format!("{PROSE}echo one\nif then fi )\n")),
        (
            "deep/loops",
            &format!(
                "{PROSE}{}nats-server -p 4222 &\n{}",
                (0..4)
                    .map(|n| format!(
                        "for v{n} in {}; do\n",
                        (0..64).map(|i| i.to_string()).collect::<Vec<_>>().join(" ")
                    ))
                    .collect::<String>(),
                "done\n".repeat(4)
            ),
        ),
        ("deep/plain", &format!("{PROSE}sleep 1\n")),
    ]);
    let out = repo.nbe(["lint", "--format", "json"]).cpu_limit(60).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let (_, found, report) = codes(&repo, &[]);
    assert_eq!(
        found,
        [
            // A broken script, at its line; includes nested too deep, at the include.
            "NBE116:4",
            "NBE116:28",
            // Nesting too deep; the fan-out of includes is read in full, each file once.
            "NBE116:3",
            "NBE116:103",
            // Four loops of 64 words: 16.7 million passes, walked within a budget.
            "NBE105:7",
            "NBE116:7",
            "NBE103:3",
            "NBE116:3"
        ]
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages[1],
        "nbe could not read all of deep/chain/cli's configuration: c0.conf includes nest more than 8 deep, so nbe read it only up to the include of c9.conf"
    );
    assert!(
        messages[3]
            .starts_with("nbe could not parse deep/ifs/cli's script: it nests more than 100 constructs"),
        "{}",
        messages[3]
    );
}

#[test]
fn a_recording_whose_files_disagree_is_broken() {
    let repo = repo_with(&[("rec/hello", &format!("{PROSE}echo hello\n"))]);
    repo.nbe(["record"]).run().code(0);
    // Output that is not what the snapshot holds, with no error line to explain it.
    repo.write("examples/rec/hello/cli/output.txt", "goodbye\n");
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE109".to_string()]));
    assert_eq!(
        report["findings"][0]["message"],
        "rec/hello/cli/output.txt does not normalize to its snapshot; run `nbe record rec/hello/cli`"
    );
    // A cast that no longer plays what output.txt holds.
    repo.nbe(["record"]).run().code(0);
    repo.write(
        "examples/rec/hello/cli/output.cast",
        "{\"version\": 2, \"width\": 80, \"height\": 24}\n[0.1, \"o\", \"something else\\r\\n\"]\n",
    );
    let (code, found, _) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE109".to_string()]));
}

#[test]
fn a_missing_title_is_a_warning_that_fails_only_with_deny_warnings() {
    let repo = repo_with(&[("plain/untitled", &format!("{PROSE}echo hi\n"))]);
    repo.write(
        "examples/plain/untitled/meta.yaml",
        "description: An example without a title.\n",
    );
    repo.nbe(["record"]).run().code(0);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (0, vec!["NBE110".to_string()]));
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(
        report["findings"][0]["message"],
        "plain/untitled has no `title`; its page shows the directory name"
    );
    let (code, _, _) = codes(&repo, &["--deny", "warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn catalog_problems_have_their_codes() {
    let repo = repo_with(&[("cat/listed", &format!("{PROSE}echo hi\n"))]);
    repo.script("cat/unlisted", "echo hi\n");
    repo.write("examples/cat/listed/golang/main.go", "package main\n");
    repo.write(
        "examples/cat/listed/go/main.go",
        "package main\n\nfunc main() {}\n",
    );
    repo.write("examples/cat/listed/meta.yaml", "title: Listed\n");
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!(code, 1);
    // The unlisted example is linted too: it runs, with a warning.
    assert_eq!(
        found,
        [
            "NBE114", "NBE113", "NBE111", "NBE112:3", "NBE111", "NBE114", "NBE110"
        ]
    );
    let fixes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fix"].as_str().unwrap())
        .collect();
    assert!(fixes.iter().all(|fix| !fix.is_empty()));
}

#[test]
fn an_allow_silences_a_finding_with_its_reason_and_an_unknown_code_is_refused() {
    let repo = repo_with(&[("wait/nap", &format!("{PROSE}sleep 2\n"))]);
    repo.write(
        "examples/wait/nap/meta.yaml",
        "title: Nap\ndescription: Naps.\nlint:\n  allow:\n    - code: NBE103\n      reason: the nap is the point\n",
    );
    repo.nbe(["record"]).run().code(0);
    let (code, found, report) = codes(&repo, &["--deny", "warnings"]);
    assert_eq!((code, found), (0, Vec::<String>::new()));
    assert_eq!(report["allowed"][0]["code"], "NBE103");
    assert_eq!(report["allowed"][0]["reason"], "the nap is the point");
    assert_eq!(report["summary"]["allowed"], 1);
    repo.nbe(["lint"])
        .run()
        .code(0)
        .stdout_has("allowed: NBE103 examples/wait/nap/cli/main.sh:3:1: `sleep 2` waits a fixed time instead of for a condition (reason: the nap is the point)");
    // An allow that silences nothing is a warning at its line.
    repo.write(
        "examples/wait/nap/meta.yaml",
        "title: Nap\ndescription: Naps.\nlint:\n  allow:\n    - code: NBE103\n      reason: the nap is the point\n    - code: NBE104\n      reason: no paths here\n",
    );
    repo.nbe(["record"]).run().code(0);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (0, vec!["NBE117:7".to_string()]));
    assert_eq!(
        report["findings"][0]["message"],
        "wait/nap silences NBE104, which wait/nap no longer has"
    );
    repo.write(
        "examples/wait/nap/meta.yaml",
        "title: Nap\ndescription: Naps.\nlint:\n  allow:\n    - code: NBE999\n      reason: why not\n",
    );
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE115:5".to_string()]));
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`lint.allow` names the unknown code \"NBE999\""),
        "{message}"
    );
    assert!(
        report["findings"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("wait/nap/meta.yaml")
    );
    repo.write(
        "examples/wait/nap/meta.yaml",
        "title: Nap\ndescription: Naps.\nlint:\n  allow:\n    - code: NBE103\n",
    );
    let (_, found, report) = codes(&repo, &[]);
    assert_eq!(found, ["NBE115:5"]);
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("without a reason")
    );
}

#[test]
fn the_site_lists_what_an_example_silences_with_the_reasons() {
    let repo = repo_with(&[
        ("wait/nap", &format!("{PROSE}sleep 2\n")),
        ("wait/plain", &format!("{PROSE}echo hi\n")),
    ]);
    repo.write(
        "examples/wait/nap/meta.yaml",
        "title: Nap\ndescription: Naps.\nlint:\n  allow:\n    - code: NBE103\n      reason: the nap is <the point>\n",
    );
    let site = repo.path("site");
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    let nap = std::fs::read_to_string(site.join("wait/nap/cli/index.html")).unwrap();
    assert!(
        nap.contains("<p class=\"lint-allowed\">Lint findings silenced for this example: <code>NBE103</code> fixed-sleep: the nap is &lt;the point&gt;.</p>"),
        "{nap}"
    );
    let plain = std::fs::read_to_string(site.join("wait/plain/cli/index.html")).unwrap();
    assert!(!plain.contains("lint-allowed"));
}

#[test]
fn a_server_restarted_on_its_own_port_and_store_dir_conflicts_with_nothing() {
    let repo = repo_with(&[(
        "js/restart",
        &format!(
            "{PROSE}nats-server -js -sd ./data -p 4222 &\nserver=$!\nkill \"$server\"\nwait \"$server\" || true\nnats-server -js -sd ./data -p 4222 &\nnats-server -js -p 4223 &\nnats-server -js -p 4224 &\n"
        ),
    )]);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE101:8".to_string()]));
    assert_eq!(
        report["findings"][0]["message"],
        "2 JetStream servers share the default storage directory (nats-server, nats-server)"
    );
}

#[test]
fn findings_come_errors_first_by_line_with_each_note_said_once_per_file() {
    let repo = repo_with(&[(
        "wait/naps",
        &format!("{PROSE}sleep 1\nnats-server -p 4222 &\nsleep 2\nnats pub a b\n"),
    )]);
    repo.nbe(["record"]).run();
    let (_, found, _) = codes(&repo, &[]);
    assert_eq!(found, ["NBE102:6", "NBE103:3", "NBE103:5"]);
    let out = repo.nbe(["lint", "--color", "never"]).run().code(1);
    let notes = out.stdout.matches("= note: NBE103 (fixed-sleep)").count();
    let helps = out
        .stdout
        .matches("= help: wait for the condition itself")
        .count();
    assert_eq!((notes, helps), (1, 1), "{}", out.stdout);
    assert!(
        out.stdout.find("error[NBE102]") < out.stdout.find("warning[NBE103]"),
        "{}",
        out.stdout
    );
    let summary = out.stdout.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("1 error") && summary.ends_with(", 2 warnings, 0 allowed"),
        "{summary}"
    );
}

#[test]
fn examples_with_one_title_are_flagged_each_naming_the_other() {
    let repo = repo_with(&[
        ("first/a", &format!("{PROSE}echo a\n")),
        ("second/b", &format!("{PROSE}echo b\n")),
        ("second/c", &format!("{PROSE}echo c\n")),
    ]);
    repo.write(
        "examples/first/a/meta.yaml",
        "description: A.\ntitle: Same Words\n",
    );
    repo.write(
        "examples/second/b/meta.yaml",
        "title: same words \ndescription: B.\n",
    );
    repo.nbe(["record"]).run().code(0);
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!(
        (code, found),
        (0, vec!["NBE119:2".to_string(), "NBE119:1".to_string()])
    );
    assert_eq!(
        report["findings"][0]["message"],
        "first/a is titled \"Same Words\", as second/b is; a reader cannot tell their pages apart"
    );
    // Linting one of them still compares it with the whole catalog.
    let (_, found, _) = codes(&repo, &["second"]);
    assert_eq!(found, ["NBE119:1"]);
    repo.nbe(["lint", "--deny", "warnings"]).run().code(1);
}

#[test]
fn a_command_missing_here_suggests_declaring_it_unless_declared() {
    let repo = repo_with(&[(
        "tools/keys",
        &format!(
            "{PROSE}setup() {{ echo ready; }}\nsetup\nnbe-no-such-tool generate\n./helper.sh\ncd .\nnbe-no-such-tool list\nnats --version\n"
        ),
    )]);
    repo.write("examples/tools/keys/cli/helper.sh", "echo helped\n");
    let (code, found, report) = codes(&repo, &[]);
    assert_eq!((code, found), (1, vec!["NBE120:5".to_string()]));
    assert_eq!(
        report["findings"][0]["message"],
        "`nbe-no-such-tool` is neither a builtin, a function of the script, nor a program in the tools dir or on PATH; if tools/keys/cli needs it, declare it in examples/tools/keys/meta.yaml: `clients: {cli: {requires: [nbe-no-such-tool]}}` (or `requires: [nbe-no-such-tool]` for every client)"
    );
    // Declared, the client is skipped where the program is missing: nothing to suggest, and no
    // recording asked for.
    repo.write(
        "examples/tools/keys/meta.yaml",
        "title: keys\ndescription: Keys.\nrequires: [nbe-no-such-tool]\n",
    );
    let out = repo.nbe(["lint", "--format", "json"]).run().code(0);
    assert!(out.stdout.contains("\"findings\": []"), "{}", out.stdout);
}
