//! Hermetic runs: private network and PID namespaces, and the host fallback's port check.

use crate::harness::{Repo, marker, processes_with};

/// An example that hard-codes the default client port, as most examples do.
fn default_port_example(name: &str) -> String {
    format!(
        "set -euo pipefail\nnats-server -p 4222 --name {name} > server.log 2>&1 &\n\
         for _ in $(seq 100); do nats rtt 1 >/dev/null 2>&1 && break; sleep 0.1; done\n\
         nats server check connection --format text | head -1 | cut -c1-2\n\
         nats pub isolated hello\n"
    )
}

#[test]
fn runs_on_the_same_ports_at_once_do_not_collide_even_with_a_host_server() {
    let name = marker("ns");
    let host = std::process::Command::new(crate::harness::tools_dir().join("nats-server"))
        .args(["-a", "127.0.0.1", "-p", "4222", "--name", &format!("{name}-host")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut host = scopeguard(host);
    let repo = Repo::new().script("ports/default", &default_port_example(&name));
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let nbe = repo
                .nbe()
                .args(["--isolation", "namespace", "run", "ports/default"]);
            std::thread::spawn(move || nbe.run())
        })
        .collect();
    for run in runs {
        let out = run.join().unwrap().code(0);
        assert!(
            out.stdout.contains("Published 5 bytes to \"isolated\""),
            "{out:?}"
        );
    }
    assert!(
        host.0.try_wait().unwrap().is_none(),
        "the host's own server kept running"
    );
    assert_eq!(
        processes_with(&name).len(),
        1,
        "only the host server is left: {:?}",
        processes_with(&name)
    );
    host.0.kill().unwrap();
}

#[test]
fn without_namespaces_a_busy_port_is_named_with_its_owner() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let repo = Repo::new().script("ports/busy", &format!("nats-server -p {port} &\n"));
    repo.nbe()
        .args(["--isolation", "none", "run", "ports/busy"])
        .run()
        .code(2)
        .stderr_has(&format!("uses port {port}, which "))
        .stderr_has(&format!("(pid {})", std::process::id()));
}

#[test]
fn doctor_tells_which_isolation_this_machine_supports() {
    Repo::new()
        .nbe()
        .args(["doctor"])
        .run()
        .code(0)
        .stdout_has("isolation    namespace");
}

/// Kills the wrapped child when the test ends, passing or not.
struct Guard(std::process::Child);

fn scopeguard(child: std::process::Child) -> Guard {
    Guard(child)
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
