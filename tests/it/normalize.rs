//! The normalizer against outputs captured from real runs of this project's examples.
//!
//! Fixtures live in `tests/fixtures/normalize/`; each one's normalized form is an insta snapshot.
//! The acceptance tests edit a recorded output the way a second run (or a real regression) would
//! and check whether the normalized text changes.

use std::fs;
use std::path::PathBuf;
use std::sync::LazyLock;

use nbe::normalize::{Normalizer, Rules};

use crate::harness::{nbe_in, project_root};

fn fixtures() -> PathBuf {
    project_root().join("tests/fixtures/normalize")
}

fn fixture(name: &str) -> String {
    fs::read_to_string(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn normalize(text: &str) -> String {
    static NORMALIZER: LazyLock<Normalizer> =
        LazyLock::new(|| Normalizer::new(&Rules::default()).expect("built-in rules compile"));
    NORMALIZER.normalize(text)
}

/// Replaces exactly one occurrence of `from`, so an edit never silently misses.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

#[test]
fn every_fixture_matches_its_snapshot_and_is_idempotent() {
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .expect("fixtures directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(names.len() >= 19, "{names:?}");
    for name in names {
        let once = normalize(&fixture(&name));
        assert_eq!(normalize(&once), once, "{name} is not idempotent");
        insta::assert_snapshot!(name.trim_end_matches(".txt").replace('.', "-"), once);
    }
}

/// Each fixture is a recorded output of a shipped example: `(fixture, example)`.
const RECORDED: [(&str, &str); 19] = [
    ("backup-restore.txt", "jetstream/backup-restore"),
    ("benchmark.txt", "jetstream/benchmark"),
    ("cluster.txt", "topologies/cluster"),
    ("isolation.txt", "accounts/isolation"),
    ("kv-basics.txt", "kv/basics"),
    ("kv-watch.txt", "kv/watch"),
    ("leafnode.txt", "topologies/leafnode"),
    ("limits-stream.txt", "jetstream/limits-stream"),
    ("object-store-basics.txt", "object-store/basics"),
    ("publish-subscribe.txt", "messaging/publish-subscribe"),
    ("pull-consumer.txt", "jetstream/pull-consumer"),
    ("queue-groups.txt", "messaging/queue-groups"),
    ("request-reply.txt", "messaging/request-reply"),
    ("server-reports.txt", "monitoring/server-reports"),
    ("services-micro.txt", "services/micro"),
    ("stream-reports.txt", "jetstream/reports"),
    ("supercluster-arbiter.run1.txt", "topologies/supercluster-arbiter"),
    ("supercluster-arbiter.run2.txt", "topologies/supercluster-arbiter"),
    ("work-queue.txt", "jetstream/work-queue"),
];

/// A fixture is another run of its example: when the example changes, its normalized output
/// must still be the one the example's latest recording (`output.txt`) gives, with the example's
/// own `normalize:` rules. Otherwise the fixture tests an output the example no longer prints:
/// re-record the example and copy its `output.txt` over the fixture.
#[test]
fn every_fixture_is_a_current_run_of_its_example() {
    let listed: Vec<&str> = RECORDED.iter().map(|(f, _)| *f).collect();
    let mut names: Vec<String> = fs::read_dir(fixtures())
        .expect("fixtures directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert_eq!(
        names, listed,
        "every fixture names the example it was recorded from"
    );
    let catalog = nbe::catalog::Catalog::load(project_root()).expect("the shipped catalog loads");
    for (name, path) in RECORDED {
        let example = catalog
            .examples()
            .find(|e| e.path == path)
            .unwrap_or_else(|| panic!("{name}: no example {path}"));
        let normalizer = Normalizer::new(&example.normalize).expect("the example's rules compile");
        let output = example.default_client().expect("a client").output_txt();
        let recorded = fs::read_to_string(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display()));
        assert_eq!(
            normalizer.normalize(&fixture(name)),
            normalizer.normalize(&recorded),
            "{name} no longer matches {}: copy the recording over it",
            output.display()
        );
    }
}

/// Twin tests: two real runs of one small program per language (`programs/<kind>/`, run with
/// `nbe run`) differ raw in durations, timestamps, NUIDs, inboxes, consumer names and sandbox
/// paths, and normalize to the same text, in which a changed count or name still shows.
mod languages {
    use super::*;

    /// The kind, and a line of its output that a real change would alter.
    const PROGRAMS: [(&str, &str, &str); 8] = [
        (
            "c",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "cli",
            "Information for Consumer TICKETS >",
            "Information for Consumer ORDERS >",
        ),
        (
            "deno",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "go",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "java",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "node",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "python",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
        (
            "rust",
            "Stream TICKETS holds 3 messages",
            "Stream TICKETS holds 4 messages",
        ),
    ];

    fn run(kind: &str, n: u8) -> String {
        fixture(&format!("programs/{kind}/run{n}.txt"))
    }

    #[test]
    fn every_language_has_its_program_and_two_runs() {
        let mut kinds: Vec<String> = fs::read_dir(fixtures().join("programs"))
            .expect("programs directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        kinds.sort();
        let listed: Vec<&str> = PROGRAMS.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(kinds, listed);
    }

    #[test]
    fn two_runs_differ_raw_but_normalize_identically() {
        for (kind, _, _) in PROGRAMS {
            let (one, two) = (run(kind, 1), run(kind, 2));
            assert_ne!(one, two, "{kind}: the two runs are the same run");
            let normalized = normalize(&one);
            assert_eq!(normalized, normalize(&two), "{kind}");
            assert_eq!(normalize(&normalized), normalized, "{kind} is not idempotent");
            insta::assert_snapshot!(format!("program-{kind}"), normalized);
        }
    }

    #[test]
    fn a_real_change_survives() {
        for (kind, from, to) in PROGRAMS {
            let raw = run(kind, 1);
            assert_ne!(normalize(&edit(&raw, from, to)), normalize(&raw), "{kind}");
        }
    }

    /// Two consumers, or two inboxes, stay two: the numbering keeps which value is which.
    #[test]
    fn another_consumer_is_another_placeholder() {
        let raw = run("go", 1);
        let name = raw
            .lines()
            .find_map(|l| l.strip_prefix("Consumer: "))
            .expect("the consumer line")
            .to_owned();
        let edited = edit(&raw, &format!("Consumer: {name}"), "Consumer: Zz9yXw8V");
        assert_ne!(normalize(&edited), normalize(&raw));
    }

    /// A path under the run's home normalizes as the same path recorded in a container as root
    /// or on a machine with a user's home.
    #[test]
    fn sandbox_paths_match_other_machines() {
        let raw = run("cli", 1);
        let line = raw
            .lines()
            .find(|l| l.ends_with("/.config/nats/context/local.json"))
            .expect("the context file");
        for elsewhere in [
            "/root/.config/nats/context/local.json",
            "/home/ann/.config/nats/context/local.json",
            "/Users/ann/.config/nats/context/local.json",
        ] {
            assert_eq!(
                normalize(&edit(&raw, line, elsewhere)),
                normalize(&raw),
                "{elsewhere}"
            );
        }
    }
}

#[test]
fn two_supercluster_runs_differ_raw_but_normalize_identically() {
    let (one, two) = (
        fixture("supercluster-arbiter.run1.txt"),
        fixture("supercluster-arbiter.run2.txt"),
    );
    assert_ne!(one, two);
    assert_eq!(normalize(&one), normalize(&two));
}

mod acceptance {
    use super::*;

    fn run() -> String {
        fixture("supercluster-arbiter.run1.txt")
    }

    fn changes(edited: &str) -> bool {
        normalize(edited) != normalize(&run())
    }

    #[test]
    fn a_stream_name_matters() {
        assert!(changes(&run().replace("ORDERS", "INVOICES")));
    }

    #[test]
    fn a_message_count_matters() {
        assert!(changes(&edit(&run(), "Messages: 3\n", "Messages: 4\n")));
    }

    #[test]
    fn a_server_name_matters() {
        assert!(changes(&run().replace("west-az3", "west-az4")));
    }

    #[test]
    fn a_word_of_prose_matters() {
        assert!(changes(&edit(
            &run(),
            "Starting the servers",
            "Launching the servers"
        )));
    }

    #[test]
    fn uptimes_do_not_matter() {
        let text = run();
        let line = text
            .lines()
            .find(|l| l.starts_with("│ arbiter ") && l.contains("MiB"))
            .expect("arbiter row");
        let cells: Vec<&str> = line.split('│').collect();
        let uptime = cells[cells.len() - 3];
        let edited = edit(
            &text,
            line,
            &line.replace(uptime, &format!("{:<width$}", " 1h2m3s", width = uptime.len())),
        );
        assert!(!changes(&edited));
        assert!(!changes(&edit(&text, "Uptime: ", "Uptime: 1d")));
    }

    #[test]
    fn row_order_does_not_matter() {
        let text = run();
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("│ east-az") && l.contains("MiB"))
            .collect();
        assert_eq!(rows.len(), 3);
        let swapped = text
            .replacen(rows[0], "\u{0}", 1)
            .replacen(rows[2], rows[0], 1)
            .replacen('\u{0}', rows[2], 1);
        assert_ne!(swapped, text);
        assert!(!changes(&swapped));
    }

    #[test]
    fn leader_placement_does_not_matter() {
        let mut text = run();
        // The meta leader moves from west-az2 to west-az1: the summary's `*` and the RAFT `yes`.
        text = edit(&text, "│ west-az2* │", "│ west-az2  │");
        text = edit(&text, "│ west-az1  │ west ", "│ west-az1* │ west ");
        text = edit(&text, "│ hTiOv8JU │ yes    │", "│ hTiOv8JU │        │");
        text = edit(&text, "│ uZO7rd5U │        │", "│ uZO7rd5U │ yes    │");
        // The stream leader moves from west-az1 to west-az2.
        text = edit(&text, "Leader: west-az1 (122ms)", "Leader: west-az2 (7ms)");
        text = edit(
            &text,
            "Replica: west-az2, current, seen 50ms ago",
            "Replica: west-az1, current, seen 2ms ago",
        );
        text = edit(
            &text,
            "west-az1*, west-az2, west-az3 │",
            "west-az1, west-az2*, west-az3 │",
        );
        assert!(!changes(&text));
    }

    #[test]
    fn ids_do_not_matter() {
        let text = run();
        let start = text
            .find("Server information for west-az1 (")
            .expect("server info")
            + 33;
        let id = &text[start..start + 56];
        assert!(!changes(&text.replace(
            id,
            "NDWPOKTWCXUNLAA3JAW4SZCJXBVCEN4QIAS6ST2GEDEQKT4Z27AAY7HU"
        )));
    }
}

/// Property tests over generated `nats` CLI output.
mod properties {
    use proptest::prelude::*;
    use proptest::sample::subsequence;

    use super::normalize;

    /// One server row: a name, a cluster and a connection count (kept) plus volatile measurements
    /// and an id (masked).
    #[derive(Debug, Clone)]
    struct Server {
        name: String,
        cluster: String,
        conns: u32,
        mem: u32,
        cpu: u32,
        uptime: String,
        rtt: String,
        /// The server's public nkey: new on every run.
        id: String,
    }

    fn duration() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u32..1000, 0u32..100).prop_map(|(s, f)| format!("{s}.{f:02}s")),
            (1u32..60, 0u32..60).prop_map(|(m, s)| format!("{m}m{s}s")),
            (1u32..999).prop_map(|ms| format!("{ms}ms")),
            (1u32..999).prop_map(|us| format!("{us}µs")),
        ]
    }

    fn server() -> impl Strategy<Value = Server> {
        (
            "[a-z]{1,6}-[a-z0-9]{1,4}",
            "[a-z]{2,6}",
            0u32..5000,
            1u32..512,
            0u32..100,
            duration(),
            duration(),
            "N[A-Z2-7]{55}",
        )
            .prop_map(|(name, cluster, conns, mem, cpu, uptime, rtt, id)| Server {
                name,
                cluster,
                conns,
                mem,
                cpu,
                uptime,
                rtt,
                id,
            })
    }

    /// Servers with distinct names, as a real cluster has.
    fn servers() -> impl Strategy<Value = Vec<Server>> {
        proptest::collection::vec(server(), 1..8).prop_map(|mut v| {
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v.dedup_by(|a, b| a.name == b.name);
            v
        })
    }

    /// Renders a table the way go-pretty's rounded style does, right-aligning numeric columns.
    fn go_pretty(title: &str, header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let inner: usize = widths.iter().map(|w| w + 3).sum::<usize>() - 1;
        let line = |l: &str, j: &str, r: &str| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
            format!("{l}{}{r}\n", parts.join(j))
        };
        let row = |cells: &[String], align: bool| {
            let parts: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (cell, w))| {
                    if align && right[c] {
                        format!(" {cell:>w$} ")
                    } else {
                        format!(" {cell:<w$} ")
                    }
                })
                .collect();
            format!("│{}│\n", parts.join("│"))
        };
        let room = inner - title.len();
        let mut out = format!("╭{}╮\n", "─".repeat(inner));
        out += &format!(
            "│{}{title}{}│\n",
            " ".repeat(room - room / 2),
            " ".repeat(room / 2)
        );
        out += &line("├", "┬", "┤");
        out += &row(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>(), false);
        out += &line("├", "┼", "┤");
        for r in rows {
            out += &row(r, true);
        }
        out += &line("╰", "┴", "╯");
        out
    }

    fn overview(servers: &[Server]) -> String {
        let rows: Vec<Vec<String>> = servers
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.cluster.clone(),
                    "2.15.2".into(),
                    s.id.clone(),
                    s.conns.to_string(),
                    format!("{} MiB", s.mem),
                    s.cpu.to_string(),
                    s.uptime.clone(),
                    s.rtt.clone(),
                ]
            })
            .collect();
        let header = [
            "Name", "Cluster", "Version", "ID", "Conns", "Mem", "CPU %", "Uptime", "RTT",
        ];
        let right = [false, false, false, false, true, false, false, false, false];
        go_pretty("Server Overview", &header, &rows, &right)
    }

    fn document(servers: &[Server]) -> String {
        let info = servers
            .first()
            .map(|s| {
                format!(
                    "Process Details:\n\n     Version: 2.15.2\n      Uptime: {}\n\n",
                    s.uptime
                )
            })
            .unwrap_or_default();
        format!("Starting the servers...\n{}\n{info}Done.\n", overview(servers))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn normalizing_is_idempotent(servers in servers()) {
            let once = normalize(&document(&servers));
            prop_assert_eq!(normalize(&once), once);
        }

        #[test]
        fn row_order_and_volatile_cells_do_not_matter(
            servers in servers(),
            seed in any::<u64>(),
            volatile in proptest::collection::vec((1u32..512, 0u32..100, duration(), duration(), "N[A-Z2-7]{55}"), 8),
        ) {
            let mut other = servers.clone();
            // A deterministic shuffle from the seed, and fresh measurements for every row.
            other.sort_by_key(|s| (s.name.bytes().map(u64::from).sum::<u64>() ^ seed) % 97);
            for (s, (mem, cpu, uptime, rtt, id)) in other.iter_mut().zip(volatile) {
                (s.mem, s.cpu, s.uptime, s.rtt, s.id) = (mem, cpu, uptime, rtt, id);
            }
            prop_assert_eq!(normalize(&document(&servers)), normalize(&document(&other)));
        }

        #[test]
        fn kept_cells_matter(servers in servers(), which in 0usize..8, conns in 5000u32..6000) {
            let mut other = servers.clone();
            let i = which % other.len();
            other[i].conns = conns;
            prop_assert_ne!(normalize(&document(&servers)), normalize(&document(&other)));
            let mut renamed = servers.clone();
            renamed[i].cluster.push('x');
            prop_assert_ne!(normalize(&document(&servers)), normalize(&document(&renamed)));
        }

        #[test]
        fn arbitrary_text_never_panics_and_normalizes_once(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("╭".to_string()), Just("─".to_string()), Just("┬".to_string()), Just("╮".to_string()),
                    Just("│".to_string()), Just("├".to_string()), Just("┼".to_string()), Just("┤".to_string()),
                    Just("╰".to_string()), Just("┴".to_string()), Just("╯".to_string()), Just("+".to_string()),
                    Just("|".to_string()), Just("-".to_string()), Just("\n".to_string()), Just("\r".to_string()),
                    Just(": ".to_string()), Just(":".to_string()), Just("  ".to_string()), Just("*".to_string()),
                    Just(", ".to_string()), Just("\u{1b}[1m".to_string()), Just("Leader".to_string()),
                    Just("Replica".to_string()), Just("Uptime".to_string()), Just("Cluster Information".to_string()),
                    "[a-zA-Z0-9 ._/]{0,12}",
                    any::<char>().prop_map(|c| c.to_string()),
                ],
                0..200,
            ),
        ) {
            let text: String = text.concat();
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once);
        }

        /// Service instance ids are NUIDs: any two, with or without digits, whatever their case
        /// looks like, give the recorded run's normalized output. (CI once saw a NUID without a
        /// digit pass through `Service: greeter (...)` unmasked.)
        #[test]
        fn any_service_instance_ids_normalize_alike(
            first in prop_oneof!["[A-Za-z0-9]{22}", "[A-Za-z]{22}", "[a-z]{3}[A-Z][a-z]{2}[A-Z][a-z]{15}"],
            second in prop_oneof!["[A-Za-z0-9]{22}", "[A-Za-z]{22}"],
        ) {
            prop_assume!(first != second);
            let raw = super::fixture("services-micro.txt");
            let renamed = raw
                .replace("I57tT90e1D6g68CwAlYBDS", &first)
                .replace("NBGnfbuCO1UyhlunV9sczv", &second);
            prop_assert_ne!(&renamed, &raw);
            prop_assert_eq!(normalize(&renamed), normalize(&raw));
        }

        #[test]
        fn sampled_fixture_lines_normalize_once(
            lines in subsequence(super::fixture("supercluster-arbiter.run1.txt").lines().map(str::to_owned).collect::<Vec<_>>(), 0..120),
        ) {
            let once = normalize(&lines.join("\n"));
            prop_assert_eq!(normalize(&once), once);
        }
    }

    /// The fixtures of the second batch: reports, JSON, services and benchmarks.
    mod new_commands {
        use super::super::*;

        fn changes(name: &str, from: &str, to: &str) -> bool {
            let raw = fixture(name);
            normalize(&edit(&raw, from, to)) != normalize(&raw)
        }

        #[test]
        fn a_consumer_count_in_a_report_matters() {
            assert!(changes(
                "stream-reports.txt",
                "│ SENSORS │ File    │           │ 3 ",
                "│ SENSORS │ File    │           │ 4 "
            ));
        }

        #[test]
        fn a_json_ack_floor_matters() {
            assert!(changes(
                "stream-reports.txt",
                "\"num_pending\": 3,",
                "\"num_pending\": 4,"
            ));
        }

        #[test]
        fn a_benchmark_message_count_matters_but_its_rate_does_not() {
            let raw = fixture("benchmark.txt");
            let rate = raw
                .lines()
                .find_map(|l| {
                    l.split(" msgs/sec")
                        .next()
                        .filter(|_| l.contains("aggregated stats"))
                })
                .and_then(|l| l.rsplit(' ').next())
                .expect("an aggregated rate")
                .to_owned();
            assert!(!changes(
                "benchmark.txt",
                &format!("{rate} msgs/sec"),
                "1 msgs/sec"
            ));
            assert!(changes("benchmark.txt", "│ 2,000    │", "│ 2,001    │"));
        }

        #[test]
        fn a_service_request_count_matters() {
            assert!(changes(
                "services-micro.txt",
                "Requests: 3 in group",
                "Requests: 4 in group"
            ));
        }
    }
}

#[test]
fn nbe_normalize_prints_what_the_library_does_and_explains_on_stderr() {
    let text = fixture("cluster.txt");
    let expected = normalize(&text);
    let path = fixtures().join("cluster.txt");
    let from_file = nbe_in(project_root())
        .args(["normalize", path.to_str().unwrap()])
        .run()
        .code(0);
    assert_eq!(from_file.stdout, expected);
    assert_eq!(from_file.stderr, "", "nothing is explained unless asked");
    let from_stdin = nbe_in(project_root())
        .args(["normalize", "-", "--explain"])
        .stdin(&text)
        .run()
        .code(0);
    assert_eq!(
        from_stdin.stdout, expected,
        "--explain changes nothing printed on stdout"
    );
    for line in [
        "[uptime] masked Uptime column in table \"Server Overview\"",
        "[leader] masked Leader column in table \"RAFT Meta Group Information",
    ] {
        assert!(
            from_stdin.stderr.contains(line),
            "{line} in:\n{}",
            from_stdin.stderr
        );
    }
}
