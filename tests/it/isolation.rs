//! Hermetic runs: private network and PID namespaces, and the host fallback's port check.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::{
    KillOnDrop, Repo, entries, eventually, free_port, marker, nbe_in, processes_with, programs_for_nobody,
    project_root, tools_dir, wait_for,
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
            std::thread::spawn(move || nbe.run())
        })
        .collect();
    for run in runs {
        run.join()
            .unwrap()
            .code(0)
            .summary("1 passed, 0 failed, 0 skipped");
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
    assert_eq!(processes_with("west-az1.conf"), Vec::<String>::new());
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
    Repo::new()
        .nbe(["doctor"])
        .run()
        .code(0)
        .stdout_has("isolation    namespace");
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
        .stdout_has("namespace (network + PID namespaces in a user namespace)");
    repo.nbe(["--isolation", "namespace", "run", "ports/as-nobody"])
        .by_nobody(programs.path())
        .run()
        .code(0)
        .stdout_has("Published 5 bytes to \"isolated\"");
    assert_eq!(processes_with(&name), Vec::<String>::new());
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
