//! Client-library programs: every runnable kind built with its real toolchain and client library,
//! run against the server fixture; builds shared safely between parallel runs; a missing toolchain
//! and a broken build reported like test results; a broken example that blocks nothing else.

use std::path::{Path, PathBuf};

use crate::harness::{Repo, bare_nbe_in, programs_for_nobody, project_root, tools_dir};

/// The cache nbe uses by default, shared with `nbe test` of the shipped catalog (and with other
/// nbe processes, as a real cache is: its builds are locked and keyed by their inputs), so only
/// the first of them pays for downloading and compiling the client libraries.
fn cache_dir() -> PathBuf {
    nbe::cache::root().unwrap()
}

/// A repository holding the project's defaults folders (`clients/`), as a real one does.
pub fn repo_with_defaults() -> Repo {
    let repo = Repo::new();
    for entry in walkdir::WalkDir::new(project_root().join("clients")).min_depth(1) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(project_root()).unwrap();
        if entry.file_type().is_file() {
            repo.write(
                relative.to_str().unwrap(),
                &std::fs::read_to_string(entry.path()).unwrap(),
            );
        }
    }
    repo
}

/// A fresh word, so each test run's programs are new to the shared cache and really get built.
fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// One tiny program per kind: subscribe to `greet`, publish to it, print what arrived.
pub const PROGRAMS: [(&str, &str, &str); 7] = [
    (
        "go",
        "main.go",
        r#"package main

import (
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
)

func main() {
	nc, err := nats.Connect(os.Getenv("NATS_URL"))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer nc.Close()
	sub, _ := nc.SubscribeSync("greet")
	nc.Publish("greet", []byte("hello from go"))
	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("go received: %s\n", msg.Data)
}
"#,
    ),
    (
        "python",
        "main.py",
        r#"import asyncio, os
import nats

async def main():
    nc = await nats.connect(os.environ["NATS_URL"])
    sub = await nc.subscribe("greet")
    await nc.publish("greet", b"hello from python")
    msg = await sub.next_msg(timeout=5)
    print(f"python received: {msg.data.decode()}")
    await nc.close()

asyncio.run(main())
"#,
    ),
    (
        "rust",
        "main.rs",
        r#"use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), async_nats::Error> {
    let client = async_nats::connect(std::env::var("NATS_URL")?).await?;
    let mut sub = client.subscribe("greet").await?;
    client.publish("greet", "hello from rust".into()).await?;
    let msg = sub.next().await.ok_or("no message")?;
    println!("rust received: {}", String::from_utf8_lossy(&msg.payload));
    Ok(())
}
"#,
    ),
    (
        "node",
        "main.js",
        r#"import { connect } from "@nats-io/transport-node";

const nc = await connect({ servers: process.env.NATS_URL });
const sub = nc.subscribe("greet", { max: 1 });
nc.publish("greet", "hello from node");
for await (const msg of sub) {
  console.log(`node received: ${msg.string()}`);
}
await nc.close();
"#,
    ),
    (
        "deno",
        "main.ts",
        r#"import { connect } from "@nats-io/transport-node";

const nc = await connect({ servers: Deno.env.get("NATS_URL") });
const sub = nc.subscribe("greet", { max: 1 });
nc.publish("greet", "hello from deno");
for await (const msg of sub) {
  console.log(`deno received: ${msg.string()}`);
}
await nc.close();
"#,
    ),
    (
        "java",
        "Main.java",
        r#"import io.nats.client.*;
import java.time.Duration;

public class Main {
    public static void main(String[] args) throws Exception {
        try (Connection nc = Nats.connect(System.getenv("NATS_URL"))) {
            Subscription sub = nc.subscribe("greet");
            nc.publish("greet", "hello from java".getBytes());
            Message msg = sub.nextMessage(Duration.ofSeconds(5));
            System.out.println("java received: " + new String(msg.getData()));
        }
    }
}
"#,
    ),
    (
        "c",
        "main.c",
        r#"#include <stdio.h>
#include <stdlib.h>
#include <nats/nats.h>

int main(void) {
    natsConnection *nc = NULL;
    natsSubscription *sub = NULL;
    natsMsg *msg = NULL;
    if (natsConnection_ConnectTo(&nc, getenv("NATS_URL")) != NATS_OK) return 1;
    natsConnection_SubscribeSync(&sub, nc, "greet");
    natsConnection_PublishString(nc, "greet", "hello from c");
    if (natsSubscription_NextMsg(&msg, sub, 5000) != NATS_OK) return 1;
    printf("c received: %.*s\n", natsMsg_GetDataLength(msg), natsMsg_GetData(msg));
    natsMsg_Destroy(msg);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(nc);
    return 0;
}
"#,
    ),
];

#[test]
fn every_runnable_kind_runs_against_the_server_fixture() {
    let repo = repo_with_defaults();
    for (kind, main, source) in PROGRAMS {
        repo.write(&format!("examples/talk/greet/{kind}/{main}"), source);
    }
    for (kind, _, _) in PROGRAMS {
        repo.nbe(["run", &format!("talk/greet/{kind}")])
            .env("NBE_CACHE_DIR", cache_dir().to_str().unwrap())
            .run()
            .code(0)
            .stdout_has(&format!("{kind} received: hello from {kind}"));
    }
    assert!(
        !repo.exists("examples/talk/greet/go/client") && !repo.exists("examples/talk/greet/rust/target"),
        "builds go to the cache, never into the example"
    );
}

#[test]
fn parallel_builds_of_same_named_programs_never_mix() {
    let repo = repo_with_defaults();
    let nonce = nonce();
    let examples: Vec<String> = (1..=4).map(|n| format!("many/ex{n}")).collect();
    for example in &examples {
        let identity = format!("{example} {nonce}");
        repo.write(
            &format!("examples/{example}/go/main.go"),
            &format!("package main\n\nimport \"fmt\"\n\nfunc main() {{ fmt.Println(\"go {identity}\") }}\n"),
        );
        repo.write(
            &format!("examples/{example}/rust/main.rs"),
            &format!("fn main() {{\n    println!(\"rust {identity}\");\n}}\n"),
        );
    }
    repo.nbe(["record", "-j", "4"])
        .env("NBE_CACHE_DIR", cache_dir().to_str().unwrap())
        .run()
        .code(0)
        .summary("8 passed, 0 failed, 0 skipped");
    for example in &examples {
        for kind in ["go", "rust"] {
            let output = repo.read(&format!("examples/{example}/{kind}/output.txt"));
            assert_eq!(
                output.trim(),
                format!("{kind} {example} {nonce}"),
                "{example}/{kind}"
            );
        }
    }
}

#[test]
fn a_missing_toolchain_is_a_skip_that_names_the_fix() {
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/go/main.go", PROGRAMS[0].2);
    // Go lives outside these directories on every machine nbe supports (/usr/local/go, ~/go...).
    let path = "/usr/bin:/bin";
    repo.nbe(["test"])
        .env("PATH", path)
        .env("NBE_CACHE_DIR", cache_dir().to_str().unwrap())
        .run()
        .stdout_has("talk/greet/go")
        .stdout_has("go is not on PATH, so go clients cannot run; fix: install Go")
        .summary("0 passed, 0 failed, 1 skipped")
        .code(0);
    repo.nbe(["run", "talk/greet/go"])
        .env("PATH", path)
        .run()
        .code(2)
        .stderr_has("talk/greet/go: go is not on PATH");
}

#[test]
fn a_build_error_reads_like_a_test_failure_with_file_and_line() {
    let repo = repo_with_defaults();
    let broken = format!(
        "package main\n\nimport \"fmt\"\n\n// {}\nfunc main() {{\n\tfmt.Println(undefinedName)\n}}\n",
        nonce()
    );
    repo.write("examples/talk/broken/go/main.go", &broken);
    repo.write(
        "examples/talk/broken/c/main.c",
        &format!("/* {} */\nint main(void) {{\n    return missing;\n}}\n", nonce()),
    );
    let out = repo
        .nbe(["run", "talk/broken/go"])
        .env("NBE_CACHE_DIR", cache_dir().to_str().unwrap())
        .run()
        .code(1)
        .stderr_has("examples/talk/broken/go/main.go:7:14: undefined: undefinedName");
    assert!(
        out.stderr.lines().count() < 6,
        "the message, not a wall of tool output: {}",
        out.stderr
    );
    repo.nbe(["test", "talk/broken/c"])
        .env("NBE_CACHE_DIR", cache_dir().to_str().unwrap())
        .run()
        .code(1)
        .stdout_has("examples/talk/broken/c/main.c:3:12: error: ")
        .stdout_has("undeclared");
}

#[test]
fn a_broken_example_elsewhere_blocks_nothing() {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [good, bad]\n");
    repo.write("examples/good/meta.yaml", "examples: [fine]\n");
    repo.script("good/fine", "echo fine\n");
    // An example not listed yet (it runs, with a warning), and a listed one whose go client
    // holds a program but not its main file.
    repo.write("examples/bad/meta.yaml", "examples:\n  - half\n");
    repo.script("bad/unlisted", "echo never\n");
    repo.script("bad/half", "echo half\n");
    repo.write("examples/bad/half/go/helper.go", "package main\n");
    repo.nbe(["run", "good/fine"]).run().code(0).stdout_has("fine");
    repo.nbe(["run", "bad/half"]).run().code(0).stdout_has("half");
    repo.nbe(["run", "bad/unlisted"])
        .run()
        .code(0)
        .stdout_has("never")
        .stderr_has("warning: bad/unlisted is not listed under `examples:`");
    repo.nbe(["list"])
        .run()
        .code(0)
        .stdout_has("good/fine")
        .stderr_has("warning: bad/half/go left out:")
        .stderr_has("the go client has no main.go");
    // The three runnable clients are recorded; the broken one fails where it is.
    repo.nbe(["record"])
        .run()
        .code(1)
        .stdout_has("bad/unlisted")
        .stdout_has("bad/half/go")
        .summary("3 passed, 1 failed, 0 skipped");
    assert!(repo.exists("examples/good/fine/cli/output.txt"));
}

#[test]
fn meta_yaml_chooses_a_jetstream_server_or_a_cluster_and_logs_stay_out_of_the_output() {
    let repo = Repo::new();
    repo.write("examples/fix/js/meta.yaml", "server: jetstream\n");
    repo.script(
        "fix/js",
        "nats --server \"$NATS_URL\" stream add S --subjects s --defaults >/dev/null && echo stream made at \"$NATS_URL\"\n",
    );
    repo.write("examples/fix/trio/meta.yaml", "server: cluster\n");
    repo.script(
        "fix/trio",
        "nats --server \"$NATS_URL\" stream add R3 --subjects r --replicas 3 --defaults >/dev/null && echo three replicas\n",
    );
    repo.write("examples/fix/fails/meta.yaml", "server: jetstream\n");
    repo.script("fix/fails", "echo about to fail\nexit 3\n");
    repo.nbe(["run", "fix/js"])
        .run()
        .code(0)
        .stdout_has("stream made at nats://127.0.0.1:4222")
        .stdout_lacks("Server is ready");
    repo.nbe(["run", "fix/trio"])
        .run()
        .code(0)
        .stdout_has("three replicas");
    // A failed run names the log, which says nothing but INF here, and where it is kept whole.
    let failed = repo
        .nbe(["run", "fix/fails"])
        .run()
        .code(3)
        .stdout_lacks("Server is ready")
        .stderr_has("nats-server log n1.log: no warnings or errors (the whole log: ");
    assert!(!failed.stderr.contains("Server is ready"), "{}", failed.stderr);
    let kept = failed
        .stderr
        .split("(the whole log: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap();
    assert!(std::fs::read_to_string(kept).unwrap().contains("Server is ready"));
    // On the host network the fixture takes free ports instead of the standard ones.
    let out = repo.nbe(["--isolation", "none", "run", "fix/js"]).run().code(0);
    assert!(!out.stdout.contains(":4222"), "{}", out.stdout);
}

#[test]
fn an_nbe_under_tmp_reaches_itself_behind_the_runs_private_tmp() {
    // A clone under /tmp builds nbe there, and the server fixture is nbe again, started inside
    // the run's mount namespace, whose /tmp is the run's own: nbe's directory is bound back.
    let programs = programs_for_nobody();
    assert!(
        programs.path().starts_with("/tmp"),
        "{}",
        programs.path().display()
    );
    let repo = Repo::new();
    repo.write("examples/fix/js/meta.yaml", "server: jetstream\n");
    repo.script(
        "fix/js",
        "nats --server \"$NATS_URL\" stream add S --subjects s --defaults >/dev/null && echo stream made\n",
    );
    repo.nbe(["--isolation", "namespace", "run", "fix/js"])
        .run_copy_in(programs.path())
        .run()
        .code(0)
        .stdout_has("stream made");
}

#[test]
fn an_nbe_right_in_tmp_reaches_itself_behind_the_runs_private_tmp() {
    // `cp target/debug/nbe /tmp/nbe`: its directory is /tmp itself, which cannot be bound back
    // without undoing the private /tmp, so the file alone is.
    use std::os::unix::fs::PermissionsExt;
    let exe = tempfile::Builder::new()
        .prefix("nbe-it-exe-")
        .tempfile_in("/tmp")
        .unwrap()
        .into_temp_path();
    std::fs::copy(env!("CARGO_BIN_EXE_nbe"), &exe).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    let repo = Repo::new();
    repo.write("examples/fix/js/meta.yaml", "server: jetstream\n");
    repo.script(
        "fix/js",
        "nats --server \"$NATS_URL\" stream add S --subjects s --defaults >/dev/null && echo stream made\nls /tmp\n",
    );
    let host_only = tempfile::Builder::new()
        .prefix("nbe-it-host-")
        .tempfile_in("/tmp")
        .unwrap();
    let name = |path: &Path| path.file_name().unwrap().to_str().unwrap().to_string();
    let out = repo
        .nbe(["--isolation", "namespace", "run", "fix/js"])
        .run_copy_at(&exe)
        .run()
        .code(0)
        .stdout_has("stream made");
    // The run's /tmp holds nbe's file, but still nothing else of the host's /tmp.
    let listed: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert!(listed.contains(&name(&exe).as_str()), "{}", out.stdout);
    assert!(
        !listed.contains(&name(host_only.path()).as_str()),
        "{}",
        out.stdout
    );
}

#[test]
fn a_cache_under_tmp_stays_visible_behind_the_runs_private_tmp() {
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/c/main.c", PROGRAMS[6].2);
    // A namespaced run binds its own dir on /tmp; the products it runs (here the built binary,
    // through NBE_BUILT) are bound back because the run's environment names them.
    let cache = tempfile::Builder::new()
        .prefix("cache-under-tmp-")
        .tempdir_in("/tmp")
        .unwrap();
    repo.nbe(["--isolation", "namespace", "run", "talk/greet/c"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("c received: hello from c");
    assert!(
        cache.path().join("products/c/build").is_dir(),
        "the build went to the cache under /tmp"
    );
}

#[test]
fn a_tools_dir_under_tmp_keeps_its_links_behind_the_runs_private_tmp() {
    // `make toolchains` links `.tools/bin/deno` into `.tools/deno/`; in a clone under /tmp both are
    // hidden by the run's own /tmp unless nbe binds back where the tools dir's links lead.
    let tools = tempfile::Builder::new()
        .prefix("nbe-it-tools-")
        .tempdir()
        .unwrap();
    assert!(tools.path().starts_with("/tmp"), "{}", tools.path().display());
    let (real, bin) = (tools.path().join("real"), tools.path().join("bin"));
    std::fs::create_dir_all(&real).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    for name in ["nats-server", "nats"] {
        std::fs::copy(tools_dir().join(name), real.join(name)).unwrap();
        std::os::unix::fs::symlink(format!("../real/{name}"), bin.join(name)).unwrap();
    }
    let repo = Repo::new();
    repo.script(
        "fix/linked",
        "nats --version >/dev/null && echo the linked nats ran\n",
    );
    bare_nbe_in(repo.root())
        .args([
            "--isolation",
            "namespace",
            "--tools-dir",
            bin.to_str().unwrap(),
            "run",
            "fix/linked",
        ])
        .run()
        .code(0)
        .stdout_has("the linked nats ran");
}

#[test]
fn a_deno_run_keeps_no_transpiled_copy_of_its_program_in_the_shared_cache() {
    // Deno would keep the JavaScript of each TypeScript module in DENO_DIR/gen, keyed by the
    // module's path: a run's path is new each time, so every run added a file nothing reads, and
    // with namespaces (DENO_DIR read-only) the failed write cost 150 ms of retries a run. Without
    // namespaces nothing stops the write, so a run there shows whether Deno still tries it.
    let repo = repo_with_defaults();
    let (_, main, source) = PROGRAMS.iter().find(|(kind, _, _)| *kind == "deno").unwrap();
    repo.write(&format!("examples/talk/greet/deno/{main}"), source);
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    repo.nbe(["--isolation", "none", "run", "talk/greet/deno"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("deno received: hello from deno");
    assert!(
        cache.path().join("deno/npm").is_dir(),
        "the client library was downloaded into the kind's cache"
    );
    let kept: Vec<PathBuf> = walkdir::WalkDir::new(cache.path().join("deno/gen"))
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    assert!(kept.is_empty(), "transpiled copies kept in the cache: {kept:?}");
}
