//! Server fixtures: the `nats-server`s a client's run gets before its program starts.
//!
//! Language clients expect a server at `NATS_URL`. The run's command is wrapped in nbe's hidden
//! `__fixture` subcommand, so the servers start inside the run's namespaces (on the private
//! loopback, at the usual ports) and belong to the run: they die with it whatever happens.
//! `__fixture` starts one server with JetStream, or three clustered ones, each with its own store
//! dir and log file in the run's temp dir, waits until every `/healthz` answers 200, runs the
//! program with `NATS_URL` set, then stops the servers and exits with the program's status. The
//! servers' logs never reach the run's output; the runner reads them afterwards for a failed run.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::catalog::Server;
use crate::error::{Error, Result};

/// The hidden subcommand that runs a program beside its server fixture.
pub const FIXTURE_EXEC: &str = "__fixture";

/// How long servers get to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a server is asked whether it is ready, or whether it has stopped. A server starts in
/// a few milliseconds and stops in about one after SIGTERM: at 10 ms each wait cost about 5 ms of
/// every run's wall time, and stopping about 9, for a `connect` or a `waitid` that costs microseconds.
const POLL: Duration = Duration::from_millis(1);

/// The ports of one server: client, cluster route, HTTP monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// Where clients connect.
    pub client: u16,
    /// Where cluster routes connect.
    pub cluster: u16,
    /// `/healthz` and the other monitoring endpoints.
    pub http: u16,
}

/// The fixed ports of node `index` in a private network namespace: the ports examples expect.
pub fn standard_ports(index: u16) -> Ports {
    Ports {
        client: 4222 + index,
        cluster: 6222 + index,
        http: 8222 + index,
    }
}

/// Free ports on the host for node by node, for runs without namespaces.
pub fn free_ports(nodes: usize) -> Result<Vec<Ports>> {
    // All listeners stay open until every port is picked, so no port is handed out twice.
    let listeners = (0..nodes * 3)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io("failed to find free ports for the server fixture", e))?;
    let ports = listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io("failed to find free ports for the server fixture", e))?;
    Ok(ports
        .chunks(3)
        .map(|p| Ports {
            client: p[0],
            cluster: p[1],
            http: p[2],
        })
        .collect())
}

/// How many servers a fixture has.
pub fn nodes(server: Server) -> usize {
    match server {
        Server::None => 0,
        Server::Jetstream => 1,
        Server::Cluster => 3,
    }
}

/// The arguments of `nbe __fixture` that run `command` beside the servers.
pub fn wrap(nats_server: &Path, dir: &Path, ports: &[Ports], command: &[&str]) -> Vec<String> {
    let ports: Vec<String> = ports
        .iter()
        .map(|p| format!("{}/{}/{}", p.client, p.cluster, p.http))
        .collect();
    let mut wrapped = vec![
        FIXTURE_EXEC.to_string(),
        nats_server.display().to_string(),
        dir.display().to_string(),
        ports.join(","),
        "--".to_string(),
    ];
    wrapped.extend(command.iter().map(|s| s.to_string()));
    wrapped
}

/// The log files of a fixture's servers, in `dir`.
pub fn logs(dir: &Path) -> Vec<PathBuf> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "log"))
        .collect();
    logs.sort();
    logs
}

/// The body of `nbe __fixture`: starts the servers, runs the program, stops the servers, and
/// returns the program's exit status (128+N when signal N killed it).
pub fn exec(nats_server: &Path, dir: &Path, ports: &str, command: &[String]) -> Result<i32> {
    let ports = parse_ports(ports)?;
    let (program, args) = command
        .split_first()
        .ok_or_else(|| Error::Usage(format!("{FIXTURE_EXEC} needs a command")))?;
    let mut servers = Servers(Vec::new());
    for (index, node) in ports.iter().enumerate() {
        servers.0.push(start(nats_server, dir, index, node, &ports)?);
    }
    if let Err(why) = wait_ready(&ports, &mut servers) {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "nbe: the nats-server fixture did not start: {why}");
        for log in logs(dir) {
            let _ = writeln!(stderr, "--- {}", log.display());
            let _ = stderr.write_all(&std::fs::read(&log).unwrap_or_default());
        }
        return Ok(crate::exit::USAGE);
    }
    let url = format!("nats://127.0.0.1:{}", ports[0].client);
    let status = Command::new(program)
        .args(args)
        .env("NATS_URL", url)
        .status()
        .map_err(|e| Error::io(format!("failed to start {program}"), e))?;
    drop(servers);
    use std::os::unix::process::ExitStatusExt;
    Ok(status
        .code()
        .or_else(|| status.signal().map(|signal| 128 + signal))
        .unwrap_or(1))
}

fn parse_ports(text: &str) -> Result<Vec<Ports>> {
    let bad = || Error::Usage(format!("{FIXTURE_EXEC}: bad ports {text:?}"));
    text.split(',')
        .map(|node| {
            let parts: Vec<u16> = node
                .split('/')
                .map(|p| p.parse().map_err(|_| bad()))
                .collect::<Result<_>>()?;
            match parts[..] {
                [client, cluster, http] => Ok(Ports {
                    client,
                    cluster,
                    http,
                }),
                _ => Err(bad()),
            }
        })
        .collect()
}

/// The fixture's servers, stopped (SIGTERM, then SIGKILL) when dropped.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &self.0 {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + super::GRACE;
        for child in &mut self.0 {
            while Instant::now() < deadline && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(POLL);
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts node `index`: JetStream with its own store dir, logging to `dir/n<index>.log`.
fn start(nats_server: &Path, dir: &Path, index: usize, node: &Ports, all: &[Ports]) -> Result<Child> {
    let name = format!("n{}", index + 1);
    let store = dir.join(&name);
    std::fs::create_dir_all(&store)
        .map_err(|e| Error::io(format!("failed to create {}", store.display()), e))?;
    let mut command = Command::new(nats_server);
    command
        .args(["-a", "127.0.0.1", "-n", &name, "-js"])
        .arg("-p")
        .arg(node.client.to_string())
        .arg("-m")
        .arg(node.http.to_string())
        .arg("-sd")
        .arg(&store)
        .arg("-l")
        .arg(dir.join(format!("{name}.log")));
    if all.len() > 1 {
        let routes: Vec<String> = all
            .iter()
            .filter(|other| *other != node)
            .map(|other| format!("nats://127.0.0.1:{}", other.cluster))
            .collect();
        command
            .args(["--cluster_name", "nbe", "--cluster"])
            .arg(format!("nats://127.0.0.1:{}", node.cluster))
            .arg("--routes")
            .arg(routes.join(","));
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| Error::io(format!("failed to start {}", nats_server.display()), e))
}

/// Why the fixture's servers did not become ready.
#[derive(Debug, thiserror::Error)]
enum NotReady {
    #[error("a nats-server exited with {0}")]
    Exited(std::process::ExitStatus),
    #[error("http://127.0.0.1:{port}/healthz did not answer 200 within {}s", READY_TIMEOUT.as_secs())]
    Timeout { port: u16 },
}

/// Waits until every server's `/healthz` answers 200 (JetStream included), or says why not.
fn wait_ready(ports: &[Ports], servers: &mut Servers) -> std::result::Result<(), NotReady> {
    let started = Instant::now();
    for node in ports {
        loop {
            if healthz(node.http) {
                break;
            }
            if let Some(status) = servers.0.iter_mut().find_map(|c| c.try_wait().ok().flatten()) {
                return Err(NotReady::Exited(status));
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(NotReady::Timeout { port: node.http });
            }
            std::thread::sleep(POLL);
        }
    }
    Ok(())
}

/// True when `GET /healthz` on `port` answers 200.
fn healthz(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 16];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    head[..read].starts_with(b"HTTP/1.1 200") || head[..read].starts_with(b"HTTP/1.0 200")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_round_trip_through_the_command_line() {
        let ports = vec![standard_ports(0), standard_ports(1), standard_ports(2)];
        let wrapped = wrap(
            Path::new("/t/nats-server"),
            Path::new("/d"),
            &ports,
            &["bash", "-c", "x"],
        );
        assert_eq!(wrapped[..2], [FIXTURE_EXEC, "/t/nats-server"]);
        assert_eq!(parse_ports(&wrapped[3]).unwrap(), ports);
        assert_eq!(wrapped[wrapped.len() - 3..], ["bash", "-c", "x"]);
        assert!(parse_ports("1/2").is_err());
    }

    #[test]
    fn free_ports_are_distinct() {
        let ports = free_ports(3).unwrap();
        let mut all: Vec<u16> = ports.iter().flat_map(|p| [p.client, p.cluster, p.http]).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 9);
    }
}
