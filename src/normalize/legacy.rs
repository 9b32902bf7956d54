//! Recordings made by other runners, cleaned before they are adopted (`nbe record --adopt`).
//!
//! A collection recorded with a Docker-based runner keeps, in its `output.txt`, what that runner
//! printed around the program: BuildKit progress (`[+] Building 1.2s (5/5) FINISHED`,
//! `#5 [2/3] RUN ...`), the classic builder's steps, image pulls, docker compose's network and
//! container lines (`Creating network ...`, `Container x  Started`), and compose's
//! `service-1  | ` prefix on every line of the program's own output. None of it is the
//! program's: [`clean`] drops the runner's lines and strips the prefixes, after the transport
//! clean-up every output gets (CRLF, carriage returns, ANSI escapes), so what is left compares
//! with a run under nbe.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::transport;

/// Lines a Docker-based runner prints, never a program: each pattern is anchored at the start
/// of a line, after the transport clean-up.
const RUNNER_LINES: [&str; 12] = [
    // BuildKit and docker compose v2 progress headers: `[+] Building 1.2s (5/5) FINISHED`,
    // `[+] Running 3/3`.
    r"^\[\+\] (?:Building|Running|Pulling|Creating|Stopping|Removing|Starting) ",
    // BuildKit's plain progress: `#5 [2/3] RUN go build`, `#5 DONE 0.3s`, `#5 0.512 go: ...`.
    r"^#\d+ ",
    // BuildKit's tty progress, once its redraws are collapsed: ` => [internal] load ...`.
    r"^\s*=> (?:\[|=> |CACHED |exporting |naming |writing |resolving |transferring )",
    // docker compose v2: ` ✔ Network app_default  Created`, ` Container app-nats-1  Started`.
    r"^\s*(?:[✔✘⠿] )?(?:Network|Container|Volume|Image) \S+\s+(?:Creating|Created|Starting|Started|Stopping|Stopped|Removing|Removed|Running|Recreate|Recreated|Waiting|Healthy|Pulling|Pulled|Building|Built|Exited)\b",
    // docker compose v1: `Creating network "app_default" with the default driver`,
    // `Creating app_nats_1 ... done`, `Attaching to app_nats_1, app_client_1`.
    r#"^(?:Creating|Removing) network "?\S+"?(?: with (?:the default driver|driver "?\w+"?))?$"#,
    r"^(?:Creating|Starting|Stopping|Removing|Recreating|Pulling|Building) \S+ \.\.\. ?(?:done|error)?$",
    r"^(?:Attaching to \S|Aborting on container exit\.\.\.$|\S+ exited with code \d+$)",
    // The classic builder: `Step 2/5 : RUN ...`, ` ---> 1a2b3c4d5e6f`, `Successfully built ...`.
    r"^(?:Step \d+/\d+ : |Sending build context to Docker daemon|Removing intermediate container |Successfully (?:built|tagged) )",
    r"^\s*---> ",
    // Image pulls: `a1b2c3d4e5f6: Pull complete`, `Digest: sha256:...`, `Status: Downloaded ...`.
    r"^[0-9a-f]{12}: (?:Pulling fs layer|Waiting|Downloading|Verifying Checksum|Download complete|Pull complete|Already exists|Pulling from )",
    r"^(?:Digest: sha256:[0-9a-f]+$|Status: (?:Downloaded newer image|Image is up to date) for |Unable to find image '.*' locally$|Using default tag: )",
    r"^\S+: Pulling from \S+$",
];

/// Runner lines, compiled once.
static RUNNER: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(RUNNER_LINES).expect("valid runner-line patterns"));

/// docker compose's prefix on a service's output: `client-1  | ` (v2) or `app_client_1  | `
/// (v1), the service name followed by its replica number.
static COMPOSE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9][a-z0-9_.-]*[-_]\d+ +\| ?").expect("valid compose prefix pattern")
});

/// `recording` without what a Docker-based runner added to it: its own lines are dropped and
/// compose's per-line service prefixes removed, after the transport clean-up (see the module
/// doc). Blank lines the runner left at the start and at the end go too; the rest is the
/// normalizer's.
pub fn clean(recording: &str) -> String {
    let mut out = String::with_capacity(recording.len());
    for (_, line) in transport::clean_lines(recording) {
        if RUNNER.is_match(&line) {
            continue;
        }
        let line = match COMPOSE_PREFIX.find(&line) {
            Some(prefix) => &line[prefix.end()..],
            None => &line[..],
        };
        if out.is_empty() && line.trim().is_empty() {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    // The runner's last lines can leave blank ones behind them.
    out.truncate(out.trim_end_matches('\n').len());
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runner_lines_go_and_program_lines_stay() {
        let recorded = "\
[+] Building 1.2s (5/5) FINISHED\r\n\
 => [internal] load build definition from Dockerfile  0.0s\r\n\
#5 [2/3] RUN go build -o /app/client .\r\n\
#5 DONE 0.3s\r\n\
[+] Running 3/3\r\n\
 ✔ Network app_default     Created  0.1s\r\n\
 ✔ Container app-nats-1    Started  0.3s\r\n\
Creating network \"app_default\" with the default driver\r\n\
Creating app_nats_1 ... done\r\n\
Attaching to app_client_1\r\n\
client-1  | Created stream TICKETS\r\n\
client-1  | Published 3 messages | 3 acknowledged\r\n\
app_client_1 exited with code 0\r\n";
        assert_eq!(
            clean(recorded),
            "Created stream TICKETS\nPublished 3 messages | 3 acknowledged\n"
        );
    }

    #[test]
    fn a_program_line_like_a_runner_line_but_not_one_stays() {
        for line in [
            "Step 1: connect",
            "Creating the stream ORDERS",
            "Container images are not used here",
            "# comment",
            "=> arrow",
            "Building 3 indexes",
        ] {
            assert_eq!(clean(line), format!("{line}\n"), "{line}");
        }
    }

    #[test]
    fn classic_builds_and_pulls_go() {
        let recorded = "\
Unable to find image 'synadia/nats-box:latest' locally\n\
latest: Pulling from synadia/nats-box\n\
a1b2c3d4e5f6: Pull complete\n\
Digest: sha256:0123abcd\n\
Status: Downloaded newer image for synadia/nats-box:latest\n\
Sending build context to Docker daemon  4.096kB\n\
Step 1/3 : FROM golang:1.22\n\
 ---> 1a2b3c4d5e6f\n\
Removing intermediate container 9f8e7d6c5b4a\n\
Successfully built 1a2b3c4d5e6f\n\
Successfully tagged client:latest\n\
\n\
hello\n";
        assert_eq!(clean(recorded), "hello\n");
    }
}
