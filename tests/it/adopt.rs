//! Another examples repository, as its maintainer has it: no `clients/` folder and programs written
//! the way other collections write them (Go without `go.mod`, Java in a package, Deno `main.js`
//! importing nats.deno from deno.land, Node importing `nats`). nbe's built-in defaults run them
//! unchanged; the repository's own `clients/kinds.toml` and `clients/<kind>/` files adapt nbe.

use std::path::PathBuf;

use crate::harness::Repo;

/// The cache nbe uses by default, shared with the other tests' builds (see `clients::cache_dir`).
fn cache_dir() -> String {
    let dir: PathBuf = nbe::cache::root().unwrap();
    dir.display().to_string()
}

/// A fresh word, so each test run's programs are new to the shared cache and really get built.
fn nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// Programs as other collections write them, each publishing one message to itself and printing
/// it: kind directory, file, source. `NONCE` is replaced by a fresh word.
const PROGRAMS: [(&str, &str, &str); 7] = [
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

// NONCE
func main() {
	nc, err := nats.Connect(os.Getenv("NATS_URL"))
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer nc.Close()
	sub, _ := nc.SubscribeSync("adopt")
	nc.Publish("adopt", []byte("go without go.mod"))
	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Printf("received: %s\n", msg.Data)
}
"#,
    ),
    (
        "rust",
        "main.rs",
        r#"// NONCE
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = async_nats::connect(std::env::var("NATS_URL")?).await?;
    let mut subscriber = client.subscribe("adopt").await?;
    let payload = serde_json::json!({ "from": "rust", "uses": ["futures", "serde_json", "rand"] });
    client.publish("adopt", payload.to_string().into()).await?;
    let message = subscriber.next().await.ok_or("no message")?;
    let value: serde_json::Value = serde_json::from_slice(&message.payload)?;
    let dice: u8 = rand::random_range(1..=6);
    println!("received: {} (a die shows 1 to 6: {})", value["uses"], (1..=6).contains(&dice));
    Ok(())
}
"#,
    ),
    (
        "node",
        "main.js",
        r#"// NONCE
import { connect, StringCodec } from "nats";

const nc = await connect({ servers: process.env.NATS_URL });
const codec = StringCodec();
const sub = nc.subscribe("adopt", { max: 1 });
nc.publish("adopt", codec.encode("node with the nats package"));
for await (const msg of sub) {
  console.log(`received: ${codec.decode(msg.data)}`);
}
await nc.close();
"#,
    ),
    (
        "deno",
        "main.js",
        r#"// NONCE
import { connect } from "https://deno.land/x/nats@v1.x/src/mod.ts";
import { StringCodec } from "https://deno.land/x/nats@v1.16.0/src/mod.ts";

const nc = await connect({ servers: Deno.env.get("NATS_URL") });
const codec = StringCodec();
const sub = nc.subscribe("adopt", { max: 1 });
nc.publish("adopt", codec.encode("deno.land imports through the import map"));
for await (const msg of sub) {
  console.log(`received: ${codec.decode(msg.data)}`);
}
await nc.close();
"#,
    ),
    (
        "java",
        "Main.java",
        r#"package example;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

// NONCE
public class Main {
    public static void main(String[] args) throws Exception {
        try (Connection nc = Nats.connect(System.getenv("NATS_URL"))) {
            Subscription sub = nc.subscribe("adopt");
            nc.publish("adopt", Greeting.text().getBytes(StandardCharsets.UTF_8));
            Message msg = sub.nextMessage(Duration.ofSeconds(5));
            System.out.println("received: " + new String(msg.getData(), StandardCharsets.UTF_8));
        }
    }
}
"#,
    ),
    (
        "java",
        "Greeting.java",
        r#"package example;

import io.nats.client.NKey;
import io.nats.jwt.JwtUtils;

/** The text the program sends: a second file of the same package, using the JWT helpers. */
final class Greeting {
    static String text() throws Exception {
        NKey account = NKey.createAccount(null);
        NKey user = NKey.createUser(null);
        String jwt = JwtUtils.issueUserJWT(
                account, new String(account.getPublicKey()), new String(user.getPublicKey()), "adopter");
        return "java in package example, with a user JWT of " + jwt.split("\\.").length + " parts";
    }
}
"#,
    ),
    (
        "python",
        "main.py",
        r#"# NONCE
import asyncio
import os

import nats
import nkeys


async def main():
    nc = await nats.connect(os.environ["NATS_URL"])
    sub = await nc.subscribe("adopt")
    await nc.publish("adopt", b"python with nkeys at hand")
    msg = await sub.next_msg(timeout=5)
    print(f"received: {msg.data.decode()} ({nkeys.__name__})")
    await nc.drain()


asyncio.run(main())
"#,
    ),
];

/// What each kind's program prints.
const RECEIVED: [(&str, &str); 6] = [
    ("go", "received: go without go.mod"),
    (
        "rust",
        "received: [\"futures\",\"serde_json\",\"rand\"] (a die shows 1 to 6: true)",
    ),
    ("node", "received: node with the nats package"),
    ("deno", "received: deno.land imports through the import map"),
    (
        "java",
        "received: java in package example, with a user JWT of 3 parts",
    ),
    ("python", "received: python with nkeys at hand (nkeys)"),
];

/// A repository with no `clients/` folder holding the programs of [`PROGRAMS`] of the kinds named.
fn repository_with(kinds: &[&str]) -> Repo {
    let repo = Repo::new();
    let nonce = nonce();
    for (kind, file, source) in PROGRAMS {
        if kinds.contains(&kind) {
            repo.write(
                &format!("examples/adopt/greet/{kind}/{file}"),
                &source.replace("NONCE", &nonce),
            );
        }
    }
    repo
}

/// Records every client of `repo` and checks each printed what its kind's program prints.
#[track_caller]
fn records_as_written(repo: &Repo, kinds: &[&str]) {
    assert!(!repo.exists("clients"));
    repo.nbe(["record"])
        .env("NBE_CACHE_DIR", &cache_dir())
        .run()
        .code(0)
        .summary(&format!("{} passed, 0 failed, 0 skipped", kinds.len()));
    for (kind, expected) in RECEIVED {
        if kinds.contains(&kind) {
            let output = repo.read(&format!("examples/adopt/greet/{kind}/output.txt"));
            assert_eq!(output.trim(), expected, "{kind}");
        }
    }
}

#[test]
fn go_python_and_java_programs_run_with_the_built_in_defaults() {
    let kinds = ["go", "python", "java"];
    records_as_written(&repository_with(&kinds), &kinds);
}

#[test]
fn node_and_deno_programs_of_the_nats_v2_generation_run_unchanged() {
    let kinds = ["node", "deno"];
    records_as_written(&repository_with(&kinds), &kinds);
}

#[test]
fn rust_programs_find_the_crates_examples_commonly_use() {
    let kinds = ["rust"];
    records_as_written(&repository_with(&kinds), &kinds);
}

#[test]
fn an_unreachable_deno_import_fails_naming_the_import_and_the_fix() {
    let repo = Repo::new();
    repo.write(
        "examples/adopt/elsewhere/deno/main.ts",
        &format!(
            "// {}\nimport {{ nothing }} from \"https://deno.land/x/not_reachable_here@v0.1.0/mod.ts\";\nconsole.log(nothing);\n",
            nonce()
        ),
    );
    repo.nbe(["run", "adopt/elsewhere/deno"])
        .env("NBE_CACHE_DIR", &cache_dir())
        .run()
        .code(1)
        .stderr_has("Import 'https://deno.land/x/not_reachable_here@v0.1.0/mod.ts' failed")
        .stderr_has("examples/adopt/elsewhere/deno/main.ts:2:")
        .stderr_has("in the \"imports\" of the repository's clients/deno/deno.json");
}

#[test]
fn a_repository_kinds_table_overrides_fields_key_by_key_and_adds_kinds() {
    let repo = Repo::new();
    repo.write(
        "clients/kinds.toml",
        "# Our scripts greet in our own words.\n[[kind]]\nname = \"cli\"\nenv = { GREETING = \"hello from kinds.toml\" }\n\n\
         [[kind]]\nname = \"awk\"\nlabel = \"Awk\"\nmain = [\"main.awk\", \"script.awk\"]\nserver = \"none\"\n\
         requires = [\"awk\"]\nrun = 'exec awk -f \"$NBE_MAIN\"'\n",
    );
    repo.script("adopt/words", "echo \"$GREETING\"\n");
    repo.write(
        "examples/adopt/words/awk/script.awk",
        "BEGIN { print \"awk, a kind of this repository\" }\n",
    );
    repo.nbe(["record"])
        .run()
        .code(0)
        .summary("2 passed, 0 failed, 0 skipped");
    assert_eq!(
        repo.read("examples/adopt/words/cli/output.txt").trim(),
        "hello from kinds.toml"
    );
    assert_eq!(
        repo.read("examples/adopt/words/awk/output.txt").trim(),
        "awk, a kind of this repository"
    );
}

#[test]
fn an_unknown_field_in_the_repository_kinds_table_is_reported_at_its_line_and_column() {
    let repo = Repo::new();
    repo.write(
        "clients/kinds.toml",
        "[[kind]]\nname = \"go\"\n  runn = \"exec ./client\"\n",
    );
    repo.script("adopt/any", "echo any\n");
    repo.nbe(["list"])
        .run()
        .code(2)
        .stderr_has("clients/kinds.toml:3:3: unknown field `runn`, expected one of");
}

#[test]
fn a_repository_pattern_that_does_not_compile_is_refused_before_anything_runs() {
    // nbe compiles only the patterns a repository's table changes (the built-in ones are known
    // valid): a changed one is still checked when the table is loaded, not when a run fails.
    let repo = Repo::new();
    repo.write(
        "clients/kinds.toml",
        "[[kind]]\nname = \"cli\"\nfailure = '^(?P<thrown>.+'\n",
    );
    repo.script("adopt/any", "echo any > ran.txt\n");
    repo.nbe(["run", "adopt/any"])
        .run()
        .code(2)
        .stderr_has("clients/kinds.toml: kind \"cli\": `failure`: regex parse error");
    assert!(!repo.exists("examples/adopt/any/cli/ran.txt"), "nothing ran");
}

#[test]
fn a_repository_go_mod_replaces_the_built_in_one_and_doctor_says_so() {
    let repo = Repo::new();
    repo.write(
        "clients/go/go.mod",
        "module adopter.example/greeter\n\ngo 1.26.0\n\nrequire github.com/nats-io/nats.go v1.55.0\n",
    );
    repo.write(
        "examples/adopt/module/go/main.go",
        &format!(
            "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime/debug\"\n)\n\n// {}\nfunc main() {{\n\tinfo, _ := debug.ReadBuildInfo()\n\tfmt.Println(\"module\", info.Main.Path)\n}}\n",
            nonce()
        ),
    );
    repo.nbe(["run", "adopt/module/go"])
        .env("NBE_CACHE_DIR", &cache_dir())
        .run()
        .code(0)
        .stdout_has("module adopter.example/greeter");
    repo.nbe(["doctor"])
        .run()
        .stdout_has("the repository's defaults (go.mod)")
        .stdout_has("built-in defaults");
}

#[test]
fn doctor_says_a_kind_is_not_ready_when_its_defaults_pin_no_library() {
    let repo = Repo::new();
    repo.write(
        "clients/python/requirements.txt",
        "# our programs only need this one\nnkeys==0.2.1\n",
    );
    repo.script("adopt/any", "echo any\n");
    repo.nbe(["doctor"])
        .run()
        .stdout_has("  python     not ready: no nats-py version where the kinds table's `library.pattern` looks, in requirements.txt of its defaults (clients/python/)")
        .stdout_has("  go         ready  ");
}

#[test]
fn a_main_file_that_needs_a_check_counts_only_where_the_check_passes() {
    let repo = Repo::new();
    repo.write(
        "clients/kinds.toml",
        "[[kind]]\nname = \"awk\"\nlabel = \"Awk\"\nmain = [\"main.awk\", \"fancy.awk\"]\n\
         main_check = { \"fancy.awk\" = \"test -n \\\"$NBE_IT_FANCY\\\"\" }\nserver = \"none\"\nrun = 'exec awk -f \"$NBE_MAIN\"'\n",
    );
    repo.write(
        "examples/adopt/fancy/awk/fancy.awk",
        "BEGIN { print \"fancy\" }\n",
    );
    repo.nbe(["run", "adopt/fancy/awk"])
        .env("NBE_IT_FANCY", "yes")
        .run()
        .code(0)
        .stdout_has("fancy");
    repo.nbe(["run", "adopt/fancy/awk"])
        .env("NBE_IT_FANCY", "")
        .run()
        .code(2)
        .stderr_has("the awk client has no main.awk or fancy.awk; add the program there (its fancy.awk counts only where `test -n \"$NBE_IT_FANCY\"` succeeds, and it fails on this machine)");
}

#[test]
fn a_node_main_ts_runs_where_node_strips_types_and_is_left_out_with_the_reason_elsewhere() {
    let repo = Repo::new();
    repo.write(
        "examples/adopt/typed/node/main.ts",
        &format!(
            "// {}\nconst greeting: string = \"typescript on node\";\nconsole.log(greeting);\n",
            nonce()
        ),
    );
    let strips_types = std::process::Command::new("node")
        .args(["-e", "process.exit(process.features.typescript ? 0 : 1)"])
        .status()
        .is_ok_and(|status| status.success());
    let run = repo
        .nbe(["run", "adopt/typed/node"])
        .env("NBE_CACHE_DIR", &cache_dir())
        .run();
    if strips_types {
        run.code(0).stdout_has("typescript on node");
    } else {
        run.code(2).stderr_has(
            "the node client has no main.js or main.mjs or main.ts; add the program there (its main.ts counts only where",
        );
    }
}

#[test]
fn a_deno_client_with_its_own_commented_deno_json_builds_with_it_as_it_is() {
    let repo = Repo::new();
    repo.write(
        "examples/adopt/own/deno/deno.json",
        "{\n  // this client pins its own client library\n  \"imports\": { \"@nats-io/transport-node\": \"npm:@nats-io/transport-node@3.4.0\" }\n}\n",
    );
    repo.write(
        "examples/adopt/own/deno/main.ts",
        &format!(
            "// {}\nimport {{ connect }} from \"@nats-io/transport-node\";\n\nconst nc = await connect({{ servers: Deno.env.get(\"NATS_URL\") }});\nconsole.log(\"connected with its own deno.json\");\nawait nc.close();\n",
            nonce()
        ),
    );
    repo.nbe(["run", "adopt/own/deno"])
        .env("NBE_CACHE_DIR", &cache_dir())
        .run()
        .code(0)
        .stdout_has("connected with its own deno.json");
}
