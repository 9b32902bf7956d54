//! Failed programs read well: one program per kind failing in that kind's usual way, run through
//! the real toolchains, client libraries and server, and the first lines of each report: the
//! error as the headline, the repository's paths, library frames folded, the server log only when
//! it says something.

use std::path::PathBuf;

use crate::clients::repo_with_defaults;

/// The cache nbe uses by default, so these programs' libraries and builds are shared with the
/// other tests and with `nbe test` of the catalog.
fn cache_dir() -> PathBuf {
    nbe::cache::root().unwrap()
}

/// Per kind: the client's main file and a program that fails as programs of that kind usually do.
const FAILING: [(&str, &str, &str); 8] = [
    (
        "python",
        "main.py",
        r#"import asyncio
import os

import nats


async def main():
    # Asks a bucket for a key nobody put.
    nc = await nats.connect(os.environ["NATS_URL"])
    kv = await nc.jetstream().create_key_value(bucket="profiles")
    entry = await kv.get("sue.color")
    print(entry.value)


if __name__ == "__main__":
    asyncio.run(main())
"#,
    ),
    (
        "go",
        "main.go",
        r#"package main

import (
	"os"

	"github.com/nats-io/nats.go"
)

// Panics on a key nobody put.
func main() {
	nc, err := nats.Connect(os.Getenv("NATS_URL"))
	if err != nil {
		panic(err)
	}
	js, _ := nc.JetStream()
	kv, err := js.CreateKeyValue(&nats.KeyValueConfig{Bucket: "profiles"})
	if err != nil {
		panic(err)
	}
	if _, err := kv.Get("sue.color"); err != nil {
		panic(err)
	}
}
"#,
    ),
    (
        "node",
        "main.js",
        r#"import { connect } from "@nats-io/transport-node";

// A request nobody answers.
const nc = await connect({ servers: process.env.NATS_URL });
await nc.request("nobody.home", "hi", { timeout: 500 });
"#,
    ),
    (
        "deno",
        "main.ts",
        r#"import { connect } from "@nats-io/transport-node";

// A request nobody answers.
const nc = await connect({ servers: Deno.env.get("NATS_URL") });
await nc.request("nobody.home", "hi", { timeout: 500 });
"#,
    ),
    (
        "java",
        "Main.java",
        r#"import io.nats.client.Connection;
import io.nats.client.Nats;

public class Main {
    // Opens a bucket nobody made, and wraps what went wrong.
    public static void main(String[] args) throws Exception {
        try (Connection nc = Nats.connect(System.getenv("NATS_URL"))) {
            nc.keyValue("missing").get("sue.color");
        } catch (Exception e) {
            throw new IllegalStateException("reading the profile failed", e);
        }
    }
}
"#,
    ),
    (
        "rust",
        "main.rs",
        r#"// Expects a bucket nobody made.
#[tokio::main]
async fn main() {
    let url = std::env::var("NATS_URL").unwrap();
    let client = async_nats::connect(&url).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let kv = js.get_key_value("missing").await.expect("the profiles bucket exists");
    drop(kv);
}
"#,
    ),
    (
        "c",
        "main.c",
        r#"#include <stdio.h>

// Reads through a null pointer, as a program with a missed check does.
int main(void)
{
    int *missing = NULL;
    printf("about to read\n");
    fflush(stdout);
    return *missing;
}
"#,
    ),
    (
        "cli",
        "main.sh",
        r#"# Speaks nonsense to the server, which logs it as an error, then gives up.
hostport=${NATS_URL#nats://}
exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}"
printf 'HELLO THERE\r\n' >&3
read -r info <&3
read -r answer <&3
echo "the server said: ${answer%$'\r'}"
exit 1
"#,
    ),
];

#[test]
fn a_failed_program_of_every_kind_leads_with_its_error_and_names_repository_files() {
    let repo = repo_with_defaults();
    for (kind, main, source) in FAILING {
        repo.write(&format!("examples/fail/{kind}/{kind}/{main}"), source);
    }
    // The script gets a server of its own to speak to.
    repo.write("examples/fail/cli/meta.yaml", "server: jetstream\n");
    let cache = cache_dir();
    let out = repo
        .nbe(["test"])
        .env("NBE_CACHE_DIR", cache.to_str().unwrap())
        .run()
        .code(1)
        .summary("0 passed, 8 failed, 0 skipped");
    // What varies between runs and machines: durations, the cache's place, Rust's thread id, Go's
    // code offsets, server log times and client ids, Node's version.
    let masks = [
        (r"\[\d+\.\d+s\]", "[TIME]"),
        (&regex::escape(&cache.display().to_string()), "[CACHE]"),
        (r"thread 'main' \(\d+\)", "thread 'main' (N)"),
        (r"\+0x[0-9a-f]+", "+0xN"),
        (r"\[\d+\] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d+ ", "[LOG] "),
        (r"127\.0\.0\.1:\d+ - cid:\d+", "127.0.0.1:PORT - cid:N"),
        (r"Node\.js v[\d.]+", "Node.js vN"),
    ];
    let mut masked = out.stdout.clone();
    for (pattern, mask) in masks {
        masked = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&masked, mask)
            .into_owned();
    }
    // Each client's report, in the order of the table, whatever order they finished in.
    let mut reports = String::new();
    for (kind, _, _) in FAILING {
        let start = masked
            .find(&format!("FAIL fail/{kind}/{kind} "))
            .unwrap_or_else(|| panic!("no report of {kind}:\n{masked}"));
        let block: Vec<&str> = masked[start..]
            .lines()
            .enumerate()
            .take_while(|(index, line)| *index == 0 || line.starts_with("    |"))
            .map(|(_, line)| line)
            .collect();
        reports.push_str(&block.join("\n"));
        reports.push('\n');
    }
    insta::assert_snapshot!("reports", reports);
    // No copy of a program is named, only the repository's files.
    assert!(
        !out.stdout.contains("/work/") && !out.stdout.contains("/tmp/nbe-"),
        "{}",
        out.stdout
    );
    // The server's log, kept whole where the report says.
    let kept = out
        .stdout
        .split("(the whole log: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap();
    assert!(std::fs::read_to_string(kept).unwrap().contains("Server is ready"));
}

#[test]
fn nbe_run_names_the_repository_files_in_the_live_output_and_keeps_a_prompt_live() {
    let repo = crate::harness::Repo::new();
    repo.script(
        "where/am-i",
        "# Where the program runs, and a prompt without a newline.\necho \"$PWD/main.sh:2: here\"\nprintf 'ready? '\nexit 3\n",
    );
    let out = repo
        .nbe(["run", "where/am-i"])
        .run()
        .code(3)
        .stdout_has("examples/where/am-i/cli/main.sh:2: here\nready? ");
    assert!(!out.stdout.contains("/tmp/nbe-"), "{}", out.stdout);
}
