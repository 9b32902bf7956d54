//! The normalizer against outputs captured from real runs of this project's examples.
//!
//! Fixtures live in `tests/fixtures/normalize/`; each one's normalized form is an insta snapshot.
//! The acceptance tests edit a recorded output the way a second run (or a real regression) would
//! and check whether the normalized text changes.

use std::fs;
use std::path::{Path, PathBuf};

use nbe::normalize::{Normalizer, Rules};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize")
}

fn fixture(name: &str) -> String {
    fs::read_to_string(fixtures().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn normalize(text: &str) -> String {
    Normalizer::new(&Rules::default())
        .expect("built-in rules compile")
        .normalize(text)
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
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let once = normalize(&fixture(&name));
        assert_eq!(normalize(&once), once, "{name} is not idempotent");
        insta::assert_snapshot!(name.trim_end_matches(".txt").replace('.', "-"), once);
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
        // The meta leader moves from east-az1 to east-az2: the summary's `*` and the RAFT `yes`.
        text = edit(&text, "│ east-az1* │", "│ east-az1  │");
        text = edit(&text, "│ east-az2  │ east ", "│ east-az2* │ east ");
        text = edit(&text, "│ 6arG4jtP │ yes    │", "│ 6arG4jtP │        │");
        text = edit(&text, "│ Pl1TTxO3 │        │", "│ Pl1TTxO3 │ yes    │");
        // The stream leader moves from west-az3 to west-az1.
        text = edit(&text, "Leader: west-az3 (124ms)", "Leader: west-az1 (7ms)");
        text = edit(
            &text,
            "Replica: west-az1, current, seen 56ms ago",
            "Replica: west-az3, current, seen 2ms ago",
        );
        text = edit(
            &text,
            "west-az1, west-az2, west-az3* │",
            "west-az1*, west-az2, west-az3 │",
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
