//! The `nats-server`s a script starts, as the rules about them see each one: whether it runs
//! JetStream, where it stores, and which ports it listens on, from its command line and from
//! the configuration files the script wrote ([`super::conf`]). Command-line flags win over the
//! configuration, as they do in nats-server.

use super::conf::{self, Entry};
use super::shell::{Pos, ServerStart, UNKNOWN};

/// A started server, as the rules see it.
#[derive(Debug, Clone)]
pub struct Server {
    /// Where the script starts it.
    pub at: Pos,
    /// What to call it: its config file, else `nats-server`.
    pub label: String,
    /// Where JetStream is switched on (the flag's or the config line), when it is.
    pub jetstream: Option<usize>,
    /// Its storage directory as written, `./` and a trailing `/` removed; `None` for the default.
    /// Holds [`UNKNOWN`] when the script computes it.
    pub store_dir: Option<String>,
    /// Its ports: number, what listens there, and the line that sets it.
    pub ports: Vec<(u16, &'static str, usize)>,
    /// When it runs (see [`ServerStart::alive`]).
    pub alive: std::ops::Range<usize>,
    /// Why its configuration was read only in part, if it was (see [`conf`]'s bounds).
    pub problem: Option<conf::Problem>,
}

/// The port a server without `port`, `listen` or `-p` listens on for clients.
const DEFAULT_CLIENT_PORT: u16 = 4222;

impl Server {
    /// True when both servers run at some moment: only then can they conflict.
    pub fn overlaps(&self, other: &Server) -> bool {
        super::shell::overlap(&self.alive, &other.alive)
    }

    /// Reads one started server.
    pub fn of(start: &ServerStart) -> Self {
        let mut flags = Flags::default();
        let mut args = start.args.iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with('-') => (name, Some(value.to_string())),
                _ => (arg.as_str(), None),
            };
            let name = name.trim_start_matches('-');
            let mut value = || inline.clone().or_else(|| args.next().cloned());
            match name {
                "c" | "config" => flags.config = value(),
                "js" | "jetstream" => flags.jetstream = true,
                "sd" | "store_dir" => flags.store_dir = value(),
                "p" | "port" => flags.ports.push(("client", value())),
                "m" | "http_port" => flags.ports.push(("monitoring", value())),
                "ms" | "https_port" => flags.ports.push(("monitoring (https)", value())),
                "cluster" | "cluster_listen" => flags.ports.push(("cluster", value())),
                "a" | "addr" | "net" | "n" | "name" | "server_name" | "cluster_name" | "routes" | "l"
                | "log" | "P" | "pid" | "user" | "pass" | "auth" | "tlscert" | "tlskey" | "tlscacert" => {
                    value();
                }
                _ => {}
            }
        }
        let config = flags.config.as_deref().map(|name| name.trim_start_matches("./"));
        let scan = config
            .and_then(|name| start.files.get(name))
            .map(|file| conf::scan(file, &start.files))
            .unwrap_or_default();
        let entries = scan.entries;
        let at_line = start.at.line;
        let jetstream = if flags.jetstream {
            Some(at_line)
        } else {
            jetstream_line(&entries)
        };
        let store_dir = match flags.store_dir {
            Some(dir) => Some(dir),
            None => top(&entries, "jetstream", &["store_dir", "storedir", "store"])
                .and_then(|entry| entry.value.clone()),
        }
        .map(|dir| {
            let dir = dir.trim_start_matches("./").trim_end_matches('/');
            if dir.is_empty() {
                ".".to_string()
            } else {
                dir.to_string()
            }
        });
        let mut ports = Vec::new();
        let flag_kinds: Vec<&str> = flags.ports.iter().map(|(what, _)| *what).collect();
        for (what, value) in &flags.ports {
            if let Some(port) = value.as_deref().and_then(port_of) {
                ports.push((port, *what, at_line));
            }
        }
        for entry in &entries {
            let what = match (entry.path.as_slice(), entry.key.as_str()) {
                ([], "port" | "listen") => "client",
                ([], "http" | "http_port" | "monitor_port") => "monitoring",
                ([], "https" | "https_port") => "monitoring (https)",
                ([block], "port" | "listen") => match block.as_str() {
                    "cluster" => "cluster",
                    "gateway" => "gateway",
                    "leafnodes" | "leaf" => "leaf node",
                    "websocket" | "ws" => "websocket",
                    "mqtt" => "mqtt",
                    _ => continue,
                },
                _ => continue,
            };
            if flag_kinds.contains(&what) {
                continue;
            }
            if let Some(port) = entry.value.as_deref().and_then(port_of)
                && !ports.iter().any(|(p, w, _)| *p == port && *w == what)
            {
                ports.push((port, what, entry.line));
            }
        }
        // A config the script did not write (or names with a computed name) is unknown: its
        // ports may be anything.
        let config_known = config.is_none_or(|name| start.files.contains_key(name));
        let has_client_port = !config_known
            || flag_kinds.contains(&"client")
            || entries
                .iter()
                .any(|e| e.path.is_empty() && matches!(e.key.as_str(), "port" | "listen"));
        if !has_client_port {
            ports.push((DEFAULT_CLIENT_PORT, "client (the default)", at_line));
        }
        Self {
            at: start.at,
            label: config.map_or_else(|| "nats-server".to_string(), str::to_string),
            jetstream,
            store_dir,
            ports,
            alive: start.alive.clone(),
            problem: scan.problem,
        }
    }
}

#[derive(Default)]
struct Flags {
    config: Option<String>,
    jetstream: bool,
    store_dir: Option<String>,
    ports: Vec<(&'static str, Option<String>)>,
}

/// The line switching JetStream on in a configuration: a top-level `jetstream` block (unless
/// it says `enabled: false`) or `jetstream: enabled` (or true, on, yes).
fn jetstream_line(entries: &[Entry]) -> Option<usize> {
    let entry = entries
        .iter()
        .rev()
        .find(|e| e.path.is_empty() && e.key == "jetstream")?;
    let on = |value: &str| {
        matches!(
            value.to_lowercase().as_str(),
            "enabled" | "enable" | "true" | "on" | "yes"
        )
    };
    match &entry.value {
        Some(value) => on(value).then_some(entry.line),
        None => match top(entries, "jetstream", &["enabled", "enable"]).and_then(|e| e.value.as_deref()) {
            Some(value) if !on(value) => None,
            _ => Some(entry.line),
        },
    }
}

/// The last entry called one of `keys` right inside the top-level block `block`.
fn top<'e>(entries: &'e [Entry], block: &str, keys: &[&str]) -> Option<&'e Entry> {
    entries
        .iter()
        .rev()
        .find(|e| e.path.len() == 1 && e.path[0] == block && keys.contains(&e.key.as_str()))
}

/// The port of a `port`/`listen` value (`4222`, `127.0.0.1:4222`, `nats://h:6222`); `None` when
/// it is computed, random (`-1`) or zero.
fn port_of(value: &str) -> Option<u16> {
    if value.contains(UNKNOWN) {
        return None;
    }
    let digits = value.rsplit(':').next()?.trim().trim_end_matches('/');
    digits.parse::<u16>().ok().filter(|port| *port != 0)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::lint::shell::WrittenFile;

    fn start(args: &[&str], files: &[(&str, &str)]) -> Server {
        Server::of(&ServerStart {
            at: Pos { line: 9, column: 1 },
            background: true,
            args: args.iter().map(|a| a.to_string()).collect(),
            files: files
                .iter()
                .map(|(name, text)| {
                    (
                        name.to_string(),
                        WrittenFile {
                            name: name.to_string(),
                            text: text.to_string(),
                            first_line: 1,
                        },
                    )
                })
                .collect::<HashMap<_, _>>(),
            alive: 0..usize::MAX,
        })
    }

    #[test]
    fn flags_give_jetstream_store_and_ports() {
        let server = start(
            &[
                "-a",
                "127.0.0.1",
                "-p",
                "4223",
                "-m",
                "8222",
                "-js",
                "-sd",
                "./data/",
            ],
            &[],
        );
        assert_eq!(server.jetstream, Some(9));
        assert_eq!(server.store_dir.as_deref(), Some("data"));
        assert_eq!(server.ports, [(4223, "client", 9), (8222, "monitoring", 9)]);
        let plain = start(&["--store_dir=x"], &[]);
        assert_eq!(plain.jetstream, None);
        assert_eq!(plain.ports, [(4222, "client (the default)", 9)]);
    }

    #[test]
    fn configs_give_jetstream_store_and_ports() {
        let server = start(
            &["-c", "s.conf"],
            &[(
                "s.conf",
                "listen: 127.0.0.1:4225\nhttp: 8225\njetstream {\n  max_file_store: 1GB\n}\ncluster { port: 6225 }\n",
            )],
        );
        assert_eq!(server.jetstream, Some(3));
        assert_eq!(server.store_dir, None);
        assert_eq!(
            server.ports,
            [(4225, "client", 1), (8225, "monitoring", 2), (6225, "cluster", 6)]
        );
        let off = start(
            &["-c", "s.conf"],
            &[("s.conf", "jetstream: {\n  enabled: false\n}\n")],
        );
        assert_eq!(off.jetstream, None);
        let on = start(&["-c", "s.conf"], &[("s.conf", "jetstream: enabled\n")]);
        assert_eq!(on.jetstream, Some(1));
    }
}
