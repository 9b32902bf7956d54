//! Publishing only what the repository holds, and writing it safely: symlinks that leave the
//! repository, catalog names that would become links, the modes of the files nbe writes, two
//! records of one client at once, and recordings edited by hand. Each case drives the real binary.

use std::time::Duration;

use crate::harness::{Outcome, Repo, eventually, shared_with_runs};
use crate::site::Server;

/// The cli client every test here uses, and its files.
const CLIENT: &str = "c/e/cli";
const MAIN: &str = "examples/c/e/cli/main.sh";
const OUTPUT: &str = "examples/c/e/cli/output.txt";
const CAST: &str = "examples/c/e/cli/output.cast";
const SNAP: &str = "snapshots/c/e/cli.snap";

/// What leaks would look like: a line of `/etc/passwd`, and a variable of nbe's own environment
/// (which `/proc/self/environ` holds for whoever reads it).
const PASSWD_LINE: &str = "root:x:0:0";
const SECRET: &str = "NBE_IT_SECRET";
const SECRET_VALUE: &str = "hunter2-never-published";

/// A repository with the one client `c/e/cli` and hand-written recordings (nothing is run).
fn one_client() -> Repo {
    let repo = Repo::new();
    repo.write(MAIN, "#!/bin/bash\n# Say hello.\necho hello\n")
        .write(OUTPUT, "hello\n")
        .write(
            CAST,
            "{\"version\": 2, \"width\": 80, \"height\": 1, \"timestamp\": 1764028800}\n[0.1, \"o\", \"hello\\r\\n\"]\n",
        );
    repo
}

/// A script that starts its own JetStream server, stores a value in a key-value bucket and reads
/// it back. The port is random, so runs never collide even without namespaces.
fn kv_script(extra: &str) -> String {
    format!(
        r#"#!/usr/bin/env bash
set -euo pipefail
# A JetStream server of its own; its data lives in the run's temp dir.
port=$((20000 + RANDOM % 20000))
nats-server -a 127.0.0.1 -p "$port" -js -sd "$TMPDIR/js" >/dev/null 2>&1 &
export NATS_URL="nats://127.0.0.1:$port"
# Wait until it answers.
until nats account info >/dev/null 2>&1; do sleep 0.1; done
nats kv add demo >/dev/null
# Store a greeting and read it back.
nats kv put demo greeting hello
nats kv get demo greeting --raw
echo
{extra}"#
    )
}

/// Asserts that nothing of `/etc/passwd` or of nbe's environment shows in what nbe printed.
#[track_caller]
fn leaks_nothing(outcome: &Outcome, what: &str) {
    for secret in [PASSWD_LINE, SECRET_VALUE] {
        assert!(
            !outcome.stdout.contains(secret) && !outcome.stderr.contains(secret),
            "{what} printed {secret:?}:\n{}\n{}",
            outcome.stdout,
            outcome.stderr
        );
    }
}

#[test]
fn a_symlink_that_leaves_the_repository_is_a_catalog_error_for_every_command() {
    let outside = tempfile::Builder::new()
        .prefix("nbe-it-outside-")
        .tempdir()
        .unwrap();
    std::fs::create_dir_all(outside.path().join("cli")).unwrap();
    std::fs::write(outside.path().join("cli/main.sh"), "echo outside\n").unwrap();
    let outside_dir = outside.path().display().to_string();
    // (what, the link nbe must name, the target it must name, how to make it)
    type Make<'a> = Box<dyn Fn(&Repo) + 'a>;
    let cases: Vec<(&str, &str, &str, Make<'_>)> = vec![
        (
            "a program linked to /etc/passwd",
            MAIN,
            "/etc/passwd",
            Box::new(|repo| {
                repo.symlink(MAIN, "/etc/passwd");
            }),
        ),
        (
            "a recording linked to /proc/self/environ",
            OUTPUT,
            "/proc/self/environ",
            Box::new(|repo| {
                repo.symlink(OUTPUT, "/proc/self/environ");
            }),
        ),
        (
            "a cast linked through a link inside the repository to /etc/shadow",
            CAST,
            "/etc/shadow",
            Box::new(|repo| {
                repo.symlink("hop", "/etc/shadow")
                    .symlink(CAST, "../../../../hop");
            }),
        ),
        (
            "another file climbing out with ../",
            "examples/c/e/cli/notes.txt",
            "/etc/passwd",
            Box::new(|repo| {
                repo.symlink(
                    "examples/c/e/cli/notes.txt",
                    "../../../../../../../../../../../../../../etc/passwd",
                );
            }),
        ),
        (
            "a directory inside the client linked to /etc",
            "examples/c/e/cli/config",
            "/etc",
            Box::new(|repo| {
                repo.symlink("examples/c/e/cli/config", "/etc");
            }),
        ),
        (
            "an example directory linked outside",
            "examples/c/e",
            &outside_dir,
            Box::new(|repo| {
                std::fs::remove_dir_all(repo.path("examples/c/e")).unwrap();
                repo.symlink("examples/c/e", outside.path());
            }),
        ),
        (
            "a category meta.yaml linked to /etc/passwd",
            "examples/c/meta.yaml",
            "/etc/passwd",
            Box::new(|repo| {
                repo.symlink("examples/c/meta.yaml", "/etc/passwd");
            }),
        ),
        (
            "a snapshot linked to /etc/passwd",
            SNAP,
            "/etc/passwd",
            Box::new(|repo| {
                repo.symlink(SNAP, "/etc/passwd");
            }),
        ),
    ];
    for (what, link, target, make) in &cases {
        let repo = one_client();
        make(&repo);
        let site = repo.path("site");
        for args in [
            vec!["list"],
            vec!["check"],
            vec!["build", "--output", site.to_str().unwrap()],
            vec!["run", "c/e"],
            vec!["record"],
            vec!["test"],
        ] {
            let outcome = repo.nbe(&args).env(SECRET, SECRET_VALUE).run();
            let context = format!("{what}: nbe {}", args.join(" "));
            assert_eq!(
                outcome.code, 2,
                "{context}: exit code\n{}\n{}",
                outcome.stdout, outcome.stderr
            );
            for named in [*link, *target, "outside the repository"] {
                assert!(
                    outcome.stderr.contains(named),
                    "{context}: the error does not name {named:?}:\n{}",
                    outcome.stderr
                );
            }
            leaks_nothing(&outcome, &context);
        }
        assert!(!site.exists(), "{what}: a site was written");
        let server = Server::start(&repo);
        for target in [
            "/",
            "/c/e/cli/main.sh",
            "/c/e/cli/output.cast",
            "/c/e/cli/index.html",
        ] {
            let (status, body) = server.get(target);
            assert_eq!(status, 500, "{what}: GET {target}: {body}");
            assert!(
                !body.contains(PASSWD_LINE) && !body.contains(SECRET_VALUE),
                "{what}: GET {target} served a secret: {body}"
            );
        }
    }
}

#[test]
fn a_player_linked_out_of_the_repository_is_never_read() {
    let repo = one_client();
    // nbe's player is built in: a repository's own node_modules, even a hostile one, is not read.
    let bundle = "node_modules/asciinema-player/dist/bundle";
    repo.symlink(&format!("{bundle}/asciinema-player.min.js"), "/etc/passwd")
        .write(&format!("{bundle}/asciinema-player.css"), ".ap {}\n");
    let site = repo.path("site");
    repo.nbe(["build", "--output"])
        .args([&site])
        .run()
        .code(0)
        .stderr_lacks("player");
    assert!(site.join("assets/asciinema-player.min.js").exists());
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains(PASSWD_LINE),
                "{}",
                entry.path().display()
            );
        }
    }
}

#[test]
fn symlinks_inside_the_repository_are_followed_and_covered_by_the_files_hash() {
    let repo = Repo::new();
    repo.write(
        "shared/hello.sh",
        "#!/bin/bash\n# Greet from a program kept outside the examples.\necho hello from a shared script\n",
    )
    .write("shared/a.conf", "port: 1\n")
    .write("shared/b.conf", "port: 1\n")
    .symlink(MAIN, "../../../../shared/hello.sh");
    let record = || {
        repo.nbe(["record"])
            .run()
            .code(0)
            .summary("1 passed, 0 failed, 0 skipped");
        repo.nbe(["check"])
            .run()
            .code(0)
            .summary("1 passed, 0 failed, 0 skipped");
    };
    let stale = |why: &str| {
        let check = repo.nbe(["check"]).run();
        assert!(
            check.code == 1
                && check.stdout.contains("older than its files")
                && check.stdout.contains(&format!("nbe record {CLIENT}")),
            "{why}: the recording is not stale:\n{}",
            check.stdout
        );
    };
    record();
    assert_eq!(repo.read(OUTPUT), "hello from a shared script\n");
    repo.nbe(["build", "--output"])
        .args([repo.path("site")])
        .run()
        .code(0);
    assert!(
        repo.read("site/c/e/cli/main.sh")
            .contains("echo hello from a shared script")
    );

    repo.symlink("examples/c/e/cli/server.conf", "../../../../shared/a.conf");
    stale("a link added after recording");
    record();
    repo.symlink("examples/c/e/cli/server.conf", "../../../../shared/b.conf");
    stale("the link points at another file with the same content");
    record();
    repo.write("shared/b.conf", "port: 2\n");
    stale("the linked file changed");
}

#[test]
fn catalog_names_that_would_not_be_plain_links_are_refused() {
    let site = |repo: &Repo| repo.path("site").display().to_string();
    let category = Repo::new();
    category
        .write("examples/meta.yaml", "categories: [\"javascript:alert(1)\"]\n")
        .script("javascript:alert(1)/e", "echo hi\n");
    let example = Repo::new();
    example.script("c/Say Hi", "echo hi\n");
    for (repo, name) in [
        (&category, "examples/javascript:alert(1)"),
        (&example, "examples/c/Say Hi"),
    ] {
        for args in [
            vec!["list".to_string()],
            vec!["build".into(), "--output".into(), site(repo)],
        ] {
            repo.nbe(&args)
                .run()
                .code(2)
                .stderr_has(name)
                .stderr_has("rename the directory")
                .stdout_lacks("alert");
        }
        assert!(!repo.exists("site"));
    }

    let fine = Repo::new();
    fine.script("v2.0/kv_put-1", "echo hi\n");
    fine.nbe(["list"]).run().code(0).stdout_has("v2.0/kv_put-1");
}

#[test]
fn written_files_get_the_mode_a_plain_write_gives_under_the_umask() {
    for (mask, file, dir) in [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)] {
        let repo = Repo::new();
        repo.script("c/e", "#!/bin/bash\necho hello\n");
        repo.nbe(["record"]).umask(mask).run().code(0);
        repo.script("c/e", "#!/bin/bash\necho changed\n");
        repo.nbe(["test"]).umask(mask).run().code(1);
        repo.nbe(["build", "--output"])
            .args([repo.path("site")])
            .umask(mask)
            .run()
            .code(0);
        for path in [
            OUTPUT,
            CAST,
            SNAP,
            "snapshots/c/e/cli.snap.new",
            "site/index.html",
            "site/c/e/cli/output.cast",
            "site/.nbe-site",
        ] {
            assert_eq!(repo.mode(path), file, "{path} under umask {mask:03o}");
        }
        for path in ["snapshots/c/e", "site", "site/c/e/cli", "site/assets"] {
            assert_eq!(repo.mode(path), dir, "{path} under umask {mask:03o}");
        }
    }

    // Replacing a file keeps the mode its owner gave it.
    let repo = Repo::new();
    repo.script("c/e", "#!/bin/bash\necho hello\n");
    repo.nbe(["record"]).run().code(0);
    for (path, mode) in [(OUTPUT, 0o640), (SNAP, 0o664)] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(repo.path(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    repo.nbe(["record"]).umask(0o077).run().code(0);
    assert_eq!(repo.mode(OUTPUT), 0o640);
    assert_eq!(repo.mode(SNAP), 0o664);
    assert_eq!(
        repo.mode(CAST),
        0o644,
        "untouched by hand, written under umask 022 first"
    );
}

#[test]
fn two_records_of_one_client_at_once_leave_a_consistent_recording() {
    let repo = Repo::new();
    let shared = shared_with_runs();
    for round in 0..3 {
        // The two runs meet at a barrier before their last lines, so both nbe processes hash and
        // write at about the same moment. A run sees the host read-only, so it cannot announce
        // itself there: each waits in a process whose command line names the barrier, which the
        // test finds in /proc, then both go when the test creates the barrier's `go` file. The
        // random line makes each run's recording its own, so a recording mixed from both shows.
        let barrier = shared.path().join(format!("barrier-{round}"));
        std::fs::create_dir_all(&barrier).unwrap();
        let marker = format!("nbe-it-barrier-{}", barrier.display());
        let go = barrier.join("go");
        repo.script(
            "c/e",
            &kv_script(&format!(
                "bash -c ': {marker}; for _ in $(seq 6000); do [ -e \"{go}\" ] && break; sleep 0.01; done'\n\
                 echo \"run $RANDOM$RANDOM\"\n\
                 seq 1 20000\n",
                go = go.display()
            )),
        );
        let records: Vec<_> = (0..2)
            .map(|_| {
                let nbe = repo.nbe(["record", "--timeout", "60s"]);
                std::thread::spawn(move || nbe.run())
            })
            .collect();
        eventually(Duration::from_secs(60), "both runs at the barrier", || {
            waiting_with(&marker) >= 2
        });
        std::fs::write(&go, "").unwrap();
        for record in records {
            record
                .join()
                .unwrap()
                .code(0)
                .summary("1 passed, 0 failed, 0 skipped");
        }
        let check = repo.nbe(["check"]).run();
        assert_eq!(check.code, 0, "round {round}: {}", check.stdout);
        let temp_files: Vec<_> = std::fs::read_dir(repo.path("examples/c/e/cli"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with(".nbe-"))
            .collect();
        assert_eq!(temp_files, Vec::<std::ffi::OsString>::new(), "round {round}");
    }
}

#[test]
fn a_record_waits_while_another_nbe_writes_the_same_client() {
    let repo = Repo::new();
    repo.script("c/e", "#!/bin/bash\necho hello\n");
    // What another `nbe record` of this client holds while it writes.
    let client = repo.path("examples/c/e/cli");
    let held = std::fs::File::open(&client).unwrap();
    held.lock().unwrap();
    let record = repo.nbe(["record"]).spawn();
    // The record ran the client and now waits for the lock: the kernel lists it as blocked.
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&client).unwrap());
    eventually(Duration::from_secs(30), "the record waiting for the lock", || {
        std::fs::read_to_string("/proc/locks")
            .unwrap()
            .lines()
            .any(|line| line.contains("->") && line.contains(&format!(":{inode} ")))
    });
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        !repo.exists(OUTPUT),
        "output.txt was written while another nbe held the client"
    );
    assert!(!repo.exists(SNAP));
    drop(held);
    record.wait().code(0).summary("1 passed, 0 failed, 0 skipped");
    assert_eq!(repo.read(OUTPUT), "hello\n");
    repo.nbe(["check"]).run().code(0);
}

/// How many processes have `marker` in their command line.
fn waiting_with(marker: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .filter(|cmdline| String::from_utf8_lossy(cmdline).contains(marker))
        .count()
}

#[test]
fn a_temp_file_an_interrupted_nbe_left_behind_is_not_one_of_the_clients_files() {
    let repo = Repo::new();
    repo.script("c/e", "#!/bin/bash\necho hello\n");
    // What a `nbe record` killed while writing output.txt leaves next to it.
    repo.write("examples/c/e/cli/.nbe-a1B2c3.tmp", "hel");
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    std::fs::remove_file(repo.path("examples/c/e/cli/.nbe-a1B2c3.tmp")).unwrap();
    let check = repo.nbe(["check"]).run();
    assert_eq!(
        check.code, 0,
        "removing the leftover made the recording stale: {}",
        check.stdout
    );
}

#[test]
fn a_cast_edited_by_hand_fails_the_check_and_the_badge() {
    let repo = Repo::new();
    repo.script("c/e", &kv_script(""));
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    let recorded = repo.read(CAST);
    let (header, events) = recorded.split_once('\n').unwrap();
    assert!(events.contains("hello"), "{recorded}");
    let site = repo.path("site");
    for (what, tampered) in [
        (
            "an event's text",
            format!("{header}\n{}", events.replacen("hello", "howdy", 1)),
        ),
        ("a dropped output event", {
            // The first output event (a recording's first events may be step markers,
            // which hold no text).
            let first = events.lines().position(|l| l.contains(",\"o\",")).unwrap();
            format!(
                "{header}\n{}",
                events
                    .lines()
                    .enumerate()
                    .filter(|(i, _)| *i != first)
                    .map(|(_, l)| format!("{l}\n"))
                    .collect::<String>()
            )
        }),
    ] {
        repo.write(CAST, &tampered);
        repo.nbe(["check"])
            .run()
            .code(1)
            .stdout_has(&format!(
                "{CLIENT}: output.cast does not show what output.txt holds"
            ))
            .stdout_has(&format!("nbe record {CLIENT}"))
            .summary("0 passed, 1 failed, 0 skipped");
        repo.nbe(["build", "--output"]).args([&site]).run().code(0);
        let page = std::fs::read_to_string(site.join("c/e/cli/index.html")).unwrap();
        assert!(
            page.contains(r#"<span class="status failing">failing</span>"#),
            "{what}: {page}"
        );
    }
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
}
