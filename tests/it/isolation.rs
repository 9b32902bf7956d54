//! Hermetic runs and their clean end: namespaces, the run's init, the host fallback, and what a killed nbe leaves.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::Signal;

use crate::harness::{
    KillOnDrop, Repo, entries, eventually, free_port, marker, nbe_in, processes_of_runs_of, processes_with,
    programs_for_nobody, project_root, tools_dir, wait_for,
};

/// An example that hard-codes the default client port, as most examples do.
fn default_port_example(name: &str) -> String {
    format!(
        "set -euo pipefail\nnats-server -p 4222 --name {name} > server.log 2>&1 &\n{}nats pub isolated hello\n",
        wait_for(4222)
    )
}

#[test]
fn two_supercluster_runs_at_once_pass_beside_a_users_own_server_on_4222() {
    let name = marker("ns");
    let mut host = KillOnDrop(
        Command::new(tools_dir().join("nats-server"))
            .args(["-a", "127.0.0.1", "-p", "4222", "--name", &format!("{name}-host")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The shipped example hard-codes 4222 to 4228, 6222 to 6227, 7222 to 7228 and 8222 to 8228.
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let nbe = nbe_in(project_root()).args([
                "--isolation",
                "namespace",
                "test",
                "--update",
                "no",
                "topologies/supercluster-arbiter",
            ]);
            nbe.spawn()
        })
        .collect();
    let pids: Vec<u32> = runs.iter().map(|run| run.pid()).collect();
    for run in runs {
        run.wait().code(0).summary("1 passed, 0 failed, 0 skipped");
    }
    assert!(
        host.0.try_wait().unwrap().is_none(),
        "the user's own server kept running"
    );
    assert_eq!(
        processes_with(&name).len(),
        1,
        "only the user's server is left: {:?}",
        processes_with(&name)
    );
    // Only these two nbe processes' runs count: other tests may run the same example meanwhile.
    for pid in pids {
        assert_eq!(processes_of_runs_of(pid), Vec::<String>::new());
    }
}

#[test]
fn without_namespaces_a_busy_port_is_named_with_its_owner() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let repo = Repo::new();
    repo.script("ports/busy", &format!("nats-server -p {port} &\n"));
    repo.nbe(["--isolation", "none", "run", "ports/busy"])
        .run()
        .code(2)
        .stderr_has(&format!("uses port {port}, which "))
        .stderr_has(&format!("(pid {})", std::process::id()));
}

#[test]
fn doctor_tells_which_isolation_this_machine_supports() {
    let repo = Repo::new();
    repo.nbe(["doctor"])
        .run()
        .code(0)
        .stdout_has("isolation    namespace")
        .stdout_has("host         read-only in runs")
        .stdout_has("builds       contained (the host read-only");
    // Asked not to use namespaces, doctor says plainly that nothing is contained.
    repo.nbe(["--isolation", "none", "doctor"])
        .run()
        .code(0)
        .stdout_has("isolation    none")
        .stdout_has("tmp          shared with the host")
        .stdout_has("host         not contained: a run can read and write whatever the caller can")
        .stdout_has("builds       not contained: prepare and build steps run on the host");
}

#[test]
fn ctrl_c_during_a_parallel_test_run_leaves_no_process_and_no_temp_dir() {
    let name = marker("sigint-j4");
    let tmp = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    for n in 0..6 {
        // Every example uses the same port: only the namespaces keep them apart.
        repo.script(
            &format!("slow/hang-{n}"),
            &format!(
                "nats-server -p 4222 --name {name}-{n} > s.log 2>&1 &\n{}sleep 600\n",
                wait_for(4222)
            ),
        );
    }
    let running = repo
        .nbe(["--isolation", "namespace", "test", "-j", "4"])
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .spawn();
    eventually(Duration::from_secs(60), "four servers come up", || {
        processes_with(&name)
            .iter()
            .filter(|p| p.contains("nats-server"))
            .count()
            >= 4
    });
    running.interrupt_and_expect_nothing_left(&name, tmp.path());
}

#[test]
fn an_ordinary_user_gets_namespaces_through_a_user_namespace() {
    assert!(
        nix::unistd::Uid::effective().is_root(),
        "this test switches from root to nobody"
    );
    let name = marker("userns");
    let repo = Repo::new();
    repo.script("ports/as-nobody", &default_port_example(&name));
    // The temp repository is private to root; nobody must be able to read it.
    std::fs::set_permissions(repo.root(), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let programs = programs_for_nobody();
    repo.nbe(["doctor"])
        .by_nobody(programs.path())
        .run()
        .code(0)
        .stdout_has("namespace (network, PID and mount namespaces in a user namespace)")
        .stdout_has("tmp          private per run")
        .stdout_has("host         read-only in runs")
        .stdout_has("builds       contained");
    repo.nbe(["--isolation", "namespace", "run", "ports/as-nobody"])
        .by_nobody(programs.path())
        .run()
        .code(0)
        .stdout_has("Published 5 bytes to \"isolated\"");
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

/// Both isolation modes, for the cases that must behave the same in each.
const MODES: [&str; 2] = ["namespace", "none"];

#[test]
fn a_script_that_signals_itself_ends_with_128_plus_the_signal_in_both_modes() {
    let repo = Repo::new();
    repo.script("signals/term", "echo before\nkill -TERM $$\necho carried on\n")
        .script("signals/kill", "echo before\nkill -KILL $$\necho carried on\n");
    for mode in MODES {
        for (example, code) in [("signals/term", 143), ("signals/kill", 137)] {
            repo.nbe(["--isolation", mode, "run", example])
                .run()
                .code(code)
                .stdout_has("before")
                .stdout_lacks("carried on");
        }
    }
}

#[test]
fn nbes_sigterm_ends_an_example_without_a_handler_in_both_modes() {
    // Outside nbe, SIGTERM ends a shell that has no trap; as PID 1 of a namespace it would be
    // ignored, and the script would carry on once its `sleep` died.
    let repo = Repo::new();
    repo.script("signals/sleeper", "echo ready\nsleep 600\necho carried on\n");
    for mode in MODES {
        repo.nbe(["--isolation", mode, "run", "--timeout", "1s", "signals/sleeper"])
            .run()
            .code(124)
            .stdout_has("ready")
            .stdout_lacks("carried on");
    }
}

#[test]
fn nbes_sigterm_reaches_a_scripts_term_trap_within_the_grace_period_in_both_modes() {
    // Without forwarding, the trap would never run: the init holds the signal, and the run is
    // killed once the grace period is over.
    let repo = Repo::new();
    repo.script(
        "signals/trapper",
        "trap 'echo the TERM trap fired; exit 0' TERM\necho ready\nsleep 600 &\nwait\n",
    );
    for mode in MODES {
        let outcome = repo
            .nbe(["--isolation", mode, "run", "--timeout", "1s", "signals/trapper"])
            .run()
            .code(124)
            .stdout_has("ready")
            .stdout_has("the TERM trap fired");
        // The timeout, then the trap at once: well within the 2 s grace period.
        assert!(
            outcome.elapsed < Duration::from_millis(2500),
            "{mode}: {:?}",
            outcome.elapsed
        );
    }
}

/// A long example: a server on `port` named after `name`, a sleep carrying `name`, and a daemon
/// that left the example's session, all waiting for the end of the run.
fn long_example(name: &str, port: u16) -> String {
    format!(
        "nats-server -p {port} --name {name}-server > s.log 2>&1 &\n\
         setsid bash -c 'exec -a {name}-daemon sleep 600' < /dev/null > /dev/null 2>&1 &\n\
         {}echo ready\nexec -a {name}-sleep sleep 600\n",
        wait_for(port)
    )
}

/// Kills nbe with SIGKILL once `ready` of its runs are up, and asserts that nothing of its runs
/// outlives it, and that the next nbe removes the temp dirs it left, but not a live nbe's.
fn sigkill_leaves_nothing(mode: &str, examples: usize, jobs: &str, port: impl Fn(usize) -> u16) {
    let name = marker(&format!("sigkill-{mode}"));
    let tmp = tempfile::tempdir().unwrap();
    let tmp_var = tmp.path().to_str().unwrap();
    let repo = Repo::new();
    for n in 0..examples {
        repo.script(
            &format!("slow/hang-{n}"),
            &long_example(&format!("{name}-{n}"), port(n)),
        );
    }
    let running = repo
        .nbe(["--isolation", mode, "test", "-j", jobs])
        .env("TMPDIR", tmp_var)
        .spawn();
    let nbe = running.pid();
    let expected = examples.min(jobs.parse().unwrap());
    eventually(Duration::from_secs(60), "every run is up", || {
        processes_with(&name)
            .iter()
            .filter(|p| p.contains("-sleep"))
            .count()
            >= expected
    });
    assert!(!processes_of_runs_of(nbe).is_empty());
    running.signal(Signal::SIGKILL);
    running.wait();
    let killed = std::time::Instant::now();
    eventually(
        Duration::from_secs(10),
        "nothing of the killed nbe's runs is left",
        || processes_of_runs_of(nbe).is_empty() && processes_with(&name).is_empty(),
    );
    // At once, not after a grace period.
    assert!(
        killed.elapsed() < Duration::from_secs(1),
        "the runs outlived nbe by {:?}",
        killed.elapsed()
    );
    assert_eq!(entries(tmp.path()).len(), expected, "the killed runs' temp dirs");

    // A live nbe's temp dir stays when the next nbe sweeps those of dead ones.
    let other = marker(&format!("sigkill-{mode}-live"));
    let live_port = free_port();
    repo.script("slow/live", &long_example(&other, live_port))
        .script("quick/echo", "echo hi\n");
    let mut live = repo
        .nbe(["--isolation", mode, "run", "slow/live"])
        .env("TMPDIR", tmp_var)
        .spawn();
    assert_eq!(live.line(), "ready\n");
    repo.nbe(["--isolation", mode, "run", "quick/echo"])
        .env("TMPDIR", tmp_var)
        .run()
        .code(0);
    assert_eq!(
        entries(tmp.path()).len(),
        1,
        "only the live nbe's temp dir is left: {:?}",
        entries(tmp.path())
    );
    live.interrupt_and_expect_nothing_left(&other, tmp.path());
}

#[test]
fn sigkill_to_nbe_ends_its_parallel_namespaced_runs() {
    // Every example uses the same port: only the namespaces keep them apart.
    sigkill_leaves_nothing("namespace", 6, "4", |_| 4222);
}

#[test]
fn sigkill_to_nbe_ends_its_run_on_the_host() {
    let port = free_port();
    sigkill_leaves_nothing("none", 1, "1", |_| port);
}

#[test]
fn a_namespaced_run_has_a_private_tmp() {
    let name = marker("private-tmp");
    let host_file = Path::new("/tmp").join(&name);
    let repo = Repo::new();
    // Both examples claim the same fixed path for a while; on a shared /tmp one of them would fail.
    for n in 0..2 {
        repo.script(
            &format!("tmp/fixed-{n}"),
            &format!(
                "set -euo pipefail\nmkdir /tmp/fixed-lock\ntouch /tmp/{name}\nsleep 2\nrmdir /tmp/fixed-lock\necho \"tmp is TMPDIR: $([ /tmp -ef \"$TMPDIR\" ] && echo yes)\"\n"
            ),
        );
    }
    let out = repo.nbe(["--isolation", "namespace", "record", "-j", "2"]).run();
    let leaked = std::fs::remove_file(&host_file).is_ok();
    assert!(!leaked, "{} leaked onto the host", host_file.display());
    out.code(0).summary("2 passed, 0 failed, 0 skipped");
    assert_eq!(
        repo.read("examples/tmp/fixed-0/cli/output.txt"),
        "tmp is TMPDIR: yes\n"
    );
    Repo::new()
        .nbe(["doctor"])
        .run()
        .code(0)
        .stdout_has("tmp          private per run")
        .stdout_has("host         read-only in runs")
        .stdout_has("builds       contained");
}

#[test]
fn without_namespaces_the_reaper_ends_servers_daemons_double_forks_and_term_ignorers() {
    let name = marker("none-leak");
    let (background, daemon) = (free_port(), free_port());
    let script = format!(
        r#"nats-server -p {background} --name {name}-bg > bg.log 2>&1 &
setsid nats-server -p {daemon} --name {name}-daemon < /dev/null > daemon.log 2>&1 &
( ( exec -a {name}-double-fork sleep 300 ) & ) < /dev/null > /dev/null 2>&1
setsid bash -c 'trap "" TERM; while :; do sleep 0.2; done' {name}-stubborn < /dev/null > /dev/null 2>&1 &
{}{}echo started
"#,
        wait_for(background),
        wait_for(daemon)
    );
    let repo = Repo::new();
    repo.script("leaks/everything", &script);
    let out = repo
        .nbe(["--isolation", "none", "run", "leaks/everything"])
        .run()
        .code(0)
        .stdout_has("started");
    assert!(out.elapsed < Duration::from_secs(60), "{out:?}");
    assert_eq!(processes_with(&name), Vec::<String>::new());
}

#[test]
fn without_namespaces_a_timeout_and_ctrl_c_leave_nothing() {
    let name = marker("none-stop");
    let port = free_port();
    let script = format!(
        "nats-server -p {port} --name {name} > s.log 2>&1 &\nsetsid bash -c 'exec -a {name}-daemon sleep 600' < /dev/null > /dev/null 2>&1 &\n{}echo ready\nsleep 600\n",
        wait_for(port)
    );
    let repo = Repo::new();
    repo.script("slow/hangs", &script);
    let tmp = tempfile::tempdir().unwrap();
    repo.nbe(["--isolation", "none", "run", "--timeout", "3s", "slow/hangs"])
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .run()
        .code(124)
        .stdout_has("ready");
    assert_eq!(processes_with(&name), Vec::<String>::new());
    assert_eq!(entries(tmp.path()), Vec::<String>::new());
    let mut running = repo
        .nbe(["--isolation", "none", "run", "slow/hangs"])
        .env("TMPDIR", tmp.path().to_str().unwrap())
        .spawn();
    assert_eq!(running.line(), "ready\n");
    assert_eq!(
        processes_with(&name).len(),
        2,
        "server and daemon run before the interrupt"
    );
    running.interrupt_and_expect_nothing_left(&name, tmp.path());
}

#[test]
fn without_namespaces_runs_go_one_at_a_time_whatever_j_says() {
    let lock = tempfile::tempdir().unwrap();
    let lock = lock.path().join("lock");
    let repo = Repo::new();
    for n in 0..3 {
        // A run finding the lock taken ran beside another one.
        repo.script(
            &format!("serial/run-{n}"),
            &format!(
                "set -e\nmkdir {0} || {{ echo overlapped; exit 1; }}\nsleep 1\nrmdir {0}\necho alone\n",
                lock.display()
            ),
        );
    }
    repo.nbe(["--isolation", "none", "record", "-j", "3"])
        .run()
        .code(0)
        .stderr_has("so they go one at a time (-j 1)")
        .summary("3 passed, 0 failed, 0 skipped");
}

#[test]
fn sigkill_comes_after_the_grace_period_and_only_to_what_ignored_sigterm() {
    let name = marker("grace");
    // The stubborn process notes when SIGTERM came (in ms) and keeps noting that it is alive, a
    // line at a time (SIGKILL may cut the last line short).
    let script = format!(
        r#"bash -c 'trap "date +%s%3N >> termed" TERM; while :; do date +%s%3N >> alive; sleep 0.05; done' {name}-stubborn &
until [ -s alive ]; do sleep 0.05; done
echo ready
sleep 600
"#
    );
    let repo = Repo::new();
    repo.script("slow/stubborn", &script);
    for mode in MODES {
        let out = repo
            .nbe([
                "--isolation",
                mode,
                "run",
                "--keep",
                "--timeout",
                "2s",
                "slow/stubborn",
            ])
            .run();
        let kept = out
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("nbe: kept the run's temp dir: "))
            .unwrap_or_else(|| panic!("no kept temp dir ({mode}): {out:?}"));
        // Read both notes, then remove the kept dir before anything can fail.
        let notes = |file: &str| -> Vec<u64> {
            let text = std::fs::read_to_string(Path::new(kept).join("work").join(file)).unwrap_or_default();
            text.lines().filter_map(|line| line.parse().ok()).collect()
        };
        let (termed, alive) = (notes("termed"), notes("alive"));
        std::fs::remove_dir_all(kept).unwrap();
        let out = out.code(124).stdout_has("ready");
        assert_eq!(
            processes_with(&name),
            Vec::<String>::new(),
            "SIGKILL came ({mode}): {out:?}"
        );
        let (Some(&termed), Some(&alive)) = (termed.first(), alive.last()) else {
            panic!("the stubborn process noted no SIGTERM ({termed:?}) or no life ({alive:?}) ({mode})");
        };
        // The loop notes every 50 ms, so it was seen alive within ~0.1 s of SIGKILL.
        assert!(
            alive >= termed + 1800,
            "SIGKILL came {} ms after SIGTERM ({mode}), not after the 2 s grace",
            alive.saturating_sub(termed)
        );
    }
}
