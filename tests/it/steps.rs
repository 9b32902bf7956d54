//! Output beside its step: `nbe record` of a bash script notes where each step of its page began
//! in the output (marker events in output.cast), `nbe check` holds the markers to the program,
//! and the page shows each step's output under its code. Real `nats-server` and `nats`, on ports
//! no other test uses (1521x).

use crate::harness::Repo;

const MAIN: &str = "examples/kv/steps/cli/main.sh";
const CAST: &str = "examples/kv/steps/cli/output.cast";

/// A script of five steps; the first line of each step's code is 1 (the lines before the first
/// prose join the first step), 12, 17, 20 and 24.
fn script(port: u16) -> String {
    format!(
        r#"#!/usr/bin/env bash
set -euo pipefail
nats-server -p {port} -js -sd "$TMPDIR/js" >/dev/null 2>&1 &
export NATS_URL=nats://127.0.0.1:{port}

# Wait until the server answers, then make a bucket.
# It prints nothing.
until nats account info >/dev/null 2>&1; do sleep 0.1; done
nats kv add demo >/dev/null

# Store three values, in a loop that is one step.
for n in 1 2 3; do
  nats kv put demo "key$n" "value $n"
done

# A step printing nothing.
true

# Read one back.
nats kv get demo key2 --raw
echo

# List the keys.
nats kv ls demo
"#
    )
}

/// The events of a cast after its header as (kind, data), consecutive output events joined.
fn events(cast: &str) -> Vec<(String, String)> {
    let mut events: Vec<(String, String)> = Vec::new();
    for line in cast.lines().skip(1) {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        let kind = event[1].as_str().unwrap().to_string();
        let data = event[2].as_str().unwrap().replace("\r\n", "\n");
        match events.last_mut() {
            Some((last, text)) if *last == "o" && kind == "o" => text.push_str(&data),
            _ => events.push((kind, data)),
        }
    }
    events
}

#[test]
fn a_recording_marks_where_each_step_began_and_the_page_shows_it_under_the_step() {
    let repo = Repo::new();
    repo.script("kv/steps", &script(15211));
    repo.nbe(["record"])
        .run()
        .code(0)
        .stdout_has("NEW kv/steps/cli [");
    let cast = repo.read(CAST);
    let got = events(&cast);
    let marker = |line: u32| ("m".to_string(), format!("main.sh:{line}"));
    let output = |text: &str| ("o".to_string(), text.to_string());
    assert_eq!(got[..2], [marker(1), marker(12)], "{got:?}");
    assert_eq!(got[2].0, "o", "{got:?}");
    let puts = &got[2].1;
    assert_eq!(
        puts.lines().count(),
        3,
        "the loop's three puts are its step's: {puts:?}"
    );
    assert_eq!(
        got[3..6],
        [marker(17), marker(20), output("value 2\n")],
        "{got:?}"
    );
    assert_eq!(got[6], marker(24), "{got:?}");
    let kv_ls = events(&cast).last().unwrap().clone();
    assert_eq!(kv_ls.0, "o");
    assert!(kv_ls.1.contains("key1") && kv_ls.1.contains("key3"), "{kv_ls:?}");
    let header: serde_json::Value = serde_json::from_str(cast.lines().next().unwrap()).unwrap();
    assert_eq!(header["code_lines"][0], 1);
    repo.nbe(["check"]).run().code(0);

    // The page: the value read back sits under `nats kv get`, in its step, before the next step.
    let site = repo.path("site");
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    let page = std::fs::read_to_string(site.join("kv/steps/cli/index.html")).unwrap();
    let get = page.find("key2").expect("the code of the step");
    let value = page[get..]
        .find("value 2")
        .map(|at| get + at)
        .expect("its output");
    let next = page[get..].find("List the keys.").map(|at| get + at).unwrap();
    assert!(value < next, "the output is under its own step");
    assert!(
        page[get..value].contains("class=\"step-output\""),
        "{}",
        &page[get..value]
    );
    assert!(page.contains("<h2 id=\"output\">Replay the run</h2>"));
    assert!(page.contains("<a href=\"#output\">Jump to the replay</a>"));
    assert_eq!(
        page.matches("<pre class=\"terminal").count(),
        page.matches("class=\"step-output\"").count(),
        "every terminal block is a step's: no second full copy of the output"
    );

    // Prose edits move the code without changing it: the markers find it again, no re-record.
    let moved = repo
        .read(MAIN)
        .replace("# Read one back.\n", "# Read one back,\n# by its key.\n");
    repo.write(MAIN, &moved);
    repo.nbe(["check"]).run().code(0);
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    let page = std::fs::read_to_string(site.join("kv/steps/cli/index.html")).unwrap();
    let get = page.find("by its key.").unwrap();
    let value = page[get..].find("value 2").map(|at| get + at).unwrap();
    assert!(page[get..value].contains("class=\"step-output\""));
}

#[test]
fn check_fails_on_a_marker_naming_prose_or_a_line_past_the_end() {
    let repo = Repo::new();
    repo.script("kv/steps", &script(15212));
    repo.nbe(["record"]).run().code(0);
    let cast = repo.read(CAST);
    for (line, why) in [
        (
            7,
            "names line 7, where main.sh had no code when recorded (a line of prose, or past its end)",
        ),
        (
            90,
            "names line 90, where main.sh had no code when recorded (a line of prose, or past its end)",
        ),
    ] {
        repo.write(
            CAST,
            &cast.replace("\"main.sh:12\"", &format!("\"main.sh:{line}\"")),
        );
        let event = cast.lines().position(|l| l.contains("\"main.sh:12\"")).unwrap() + 1;
        repo.nbe(["check"]).run().code(1).stdout_has(&format!(
            "kv/steps/cli: output.cast line {event}: the marker \"main.sh:{line}\" {why}; run `nbe record kv/steps/cli`"
        ));
    }
    // A marker that names no line of main.sh at all.
    repo.write(CAST, &cast.replace("\"main.sh:12\"", "\"step two\""));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("the marker \"step two\" is not `main.sh:LINE`");
    // `nbe record` alone rewrites the damaged recording, and check is green again.
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
}

#[test]
fn a_pending_recording_is_attributed_too_so_accepting_it_gives_the_page_its_steps() {
    let repo = Repo::new();
    repo.script("kv/steps", &script(15213));
    // On CI nothing pending is written, and no trap is set up.
    repo.nbe(["test"]).env("CI", "true").run().code(1);
    assert!(!repo.path("snapshots/kv/steps/cli.snap.new.cast").exists());
    // Locally the pending snapshot keeps its run's recording beside it, with the step markers.
    repo.nbe(["test"]).run().code(1).stdout_has("NEW kv/steps/cli [");
    let pending = repo.read("snapshots/kv/steps/cli.snap.new.cast");
    let markers: Vec<String> = events(&pending)
        .into_iter()
        .filter(|(kind, _)| kind == "m")
        .map(|(_, label)| label)
        .collect();
    assert_eq!(
        markers,
        [
            "main.sh:1",
            "main.sh:12",
            "main.sh:17",
            "main.sh:20",
            "main.sh:24"
        ]
    );
    repo.nbe(["accept", "kv/steps/cli"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    let site = repo.path("site");
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    let page = std::fs::read_to_string(site.join("kv/steps/cli/index.html")).unwrap();
    let get = page.find("key2").expect("the code of the step");
    let value = page[get..].find("value 2").map(|at| get + at).unwrap();
    assert!(page[get..value].contains("class=\"step-output\""));
}

/// A hostile script writes steps into nbe's FIFO itself, more than the answers' FIFO holds, and
/// reads no answer: nbe must neither wait on it forever (past the run's timeout) nor fail the
/// recording of what the script printed.
#[test]
fn a_script_flooding_the_step_fifo_cannot_hang_the_recording() {
    let repo = Repo::new();
    repo.script(
        "x/flood",
        "#!/usr/bin/env bash\n# More steps than the answers' FIFO (64 KiB) can hold.\nfor i in $(seq 1 70000); do echo 1; done > ../.nbe-step\necho done\n",
    );
    repo.nbe(["record", "--timeout", "30s"])
        .run()
        .code(0)
        .stdout_has("1 passed, 0 failed, 0 skipped");
    assert_eq!(repo.read("examples/x/flood/cli/output.txt"), "done\n");
    // The same step over and over is one marker, not 70,000.
    let cast = repo.read("examples/x/flood/cli/output.cast");
    assert_eq!(cast.matches("\"m\",").count(), 1, "{cast}");
}
