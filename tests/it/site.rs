//! `nbe build` and `nbe serve` as a user runs them: the real binary on throwaway repositories.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::{Outcome, Repo, Running, eventually};

/// A throwaway repository with two examples in one category, one of them in two languages.
fn topologies() -> Repo {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [topologies]\n")
        .write(
            "examples/topologies/meta.yaml",
            "title: Topologies\ndescription: How servers connect.\nexamples: [cluster, arbiter]\n",
        )
        .write(
            "examples/topologies/cluster/meta.yaml",
            "description: Three servers routed together. The [arbiter](../arbiter) builds on it.\n",
        )
        .write(
            "examples/topologies/cluster/cli/main.sh",
            "#!/bin/bash\n# Start one *server*.\nnats-server -p 4222 &\n",
        )
        .write(
            "examples/topologies/cluster/cli/output.txt",
            "\u{1b}[1mstarted\u{1b}[0m\n",
        )
        .write(
            "examples/topologies/cluster/cli/output.cast",
            "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1764028800}\n[0.5, \"o\", \"started\\r\\n\"]\n",
        )
        .write(
            "examples/topologies/arbiter/cli/main.sh",
            "# Arbiter.\necho arbiter\n",
        )
        .write(
            "examples/topologies/arbiter/go/main.go",
            "package main\n\n// Main.\nfunc main() {}\n",
        );
    repo
}

/// `nbe build --output <output>` in `repo`.
fn build(repo: &Repo, output: &Path) -> Outcome {
    repo.nbe(["build", "--output"]).args([output]).run()
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn build_writes_every_page_and_the_same_bytes_every_time() {
    let repo = topologies();
    let out = repo.path("site");
    build(&repo, &out).code(0).stderr_has("wrote 7 pages");
    for page in [
        "index.html",
        "topologies/index.html",
        "topologies/cluster/index.html",
        "topologies/cluster/cli/index.html",
        "topologies/arbiter/index.html",
        "topologies/arbiter/cli/index.html",
        "topologies/arbiter/go/index.html",
        "topologies/arbiter/go/main.go",
        "topologies/cluster/cli/output.cast",
        "assets/search-index.js",
        ".nbe-site",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
    let first = tree(&out);
    build(&repo, &out).code(0);
    assert_eq!(tree(&out), first, "rebuilding in place changes nothing");
    let elsewhere = repo.path("elsewhere/site");
    build(&repo, &elsewhere).code(0);
    assert_eq!(
        tree(&elsewhere),
        first,
        "the output does not depend on where it goes"
    );

    let cluster = String::from_utf8(first[Path::new("topologies/cluster/cli/index.html")].clone()).unwrap();
    assert!(cluster.contains("<title>Cluster in CLI · Topologies · NATS examples</title>"));
    assert!(
        cluster.contains(r#"href="../../../topologies/arbiter/index.html">arbiter</a>"#),
        "links between examples"
    );
    assert!(
        cluster.contains("<pre class=\"terminal\" tabindex=\"0\">started\n</pre>"),
        "terminal escapes are stripped"
    );
    assert!(
        cluster.contains("2025-11-25"),
        "the recording date comes from the asciicast header"
    );
    assert!(cluster.contains(r#"<link rel="next" href="../../../topologies/arbiter/cli/index.html">"#));
    // Tabs only for the languages the example has: the cluster has no Go client, so no Go tab.
    assert!(!cluster.contains(">Go<"), "no tab for a missing language");
    assert!(!cluster.contains("class=\"absent\""), "no struck-through tabs");
    let go = String::from_utf8(first[Path::new("topologies/arbiter/go/index.html")].clone()).unwrap();
    assert!(
        go.contains(r#"<link rel="prev" href="../../../topologies/cluster/index.html">"#),
        "no Go cluster: the example page"
    );
    assert!(go.contains(
        r#"<a href="../../../topologies/arbiter/go/index.html" data-lang="go" aria-current="page">Go</a>"#
    ));
}

#[test]
fn a_page_folds_its_setup_names_how_to_run_it_and_carries_its_font() {
    let repo = topologies();
    repo.write(
        "examples/topologies/cluster/cli/main.sh",
        "#!/bin/bash\n\nset -euo pipefail\n\n# A server to talk to.\nnats-server -p 4222 -m 8222 > server.log 2>&1 &\n\n\
         # Wait until it answers.\nuntil curl -fsS http://127.0.0.1:8222/healthz > /dev/null; do\n  sleep 0.1\ndone\n\n\
         # Counts what a subject received.\ncount() {\n  nats sub \"$1\" --count 1\n}\n\n\
         # The idea: publish a message.\nnats pub greet hello\n\n# Clean up.\nkill %1\n",
    );
    // The Go client library's pinned version, where the kinds table says it is written.
    repo.write(
        "clients/go/go.mod",
        "module example\n\ngo 1.26\n\nrequire github.com/nats-io/nats.go v1.2.3\n",
    );
    let out = repo.path("site");
    build(&repo, &out).code(0);
    let page = std::fs::read_to_string(out.join("topologies/cluster/cli/index.html")).unwrap();
    let setup = page
        .find("<details class=\"setup\">")
        .expect("a Setup disclosure");
    let idea = page.find("The idea: publish a message.").unwrap();
    assert!(setup < idea, "the setup comes first, folded");
    assert!(
        page.contains(
            "starts the server, waits until it is ready, defines <code>count</code></span></summary>"
        ),
        "{page}"
    );
    assert_eq!(page.matches("<details class=\"setup\">").count(), 1, "one fold");
    assert!(!page[idea..].contains("<details class=\"setup\">"));
    // How a reader runs it, then nbe's own command in a quieter line.
    assert!(page.contains("</span>bash main.sh</code></pre>"), "{page}");
    assert!(page.contains(
        "<p class=\"verify\">Verify it as the site did: <code>nbe run topologies/cluster/cli</code></p>"
    ));
    let go = std::fs::read_to_string(out.join("topologies/arbiter/go/index.html")).unwrap();
    assert!(go.contains("</span>go run .</code></pre>"), "{go}");
    assert!(go.contains("<dt>Client</dt><dd>nats.go v1.2.3</dd>"), "{go}");
    assert!(!page.contains("<dt>Client</dt>"), "the CLI has no client library");
    // The code font is built into nbe: this repository has no node_modules.
    assert!(!repo.path("node_modules").exists());
    for font in [
        "jetbrains-mono-400.woff2",
        "jetbrains-mono-700.woff2",
        "jetbrains-mono-OFL.txt",
    ] {
        assert!(out.join("assets").join(font).is_file(), "{font}");
    }
    let css = std::fs::read_to_string(out.join("assets/site.css")).unwrap();
    assert!(css.contains("url(\"jetbrains-mono-400.woff2\")"));
}

#[test]
fn a_build_keeps_its_parses_in_the_cache_and_reads_them_back() {
    let repo = topologies();
    let cache = repo.path("cache");
    let build_with_cache = |out: &str| {
        repo.nbe(["build", "--output"])
            .args([repo.path(out)])
            .env("NBE_CACHE_DIR", cache.to_str().unwrap())
            .run()
            .code(0);
    };
    build_with_cache("first");
    // One parse memo per program (three), beside the staleness hash's memo of their code.
    let entries = |dir: &Path| {
        tree(dir)
            .into_values()
            .filter(|bytes| bytes.starts_with(b"{\"tokens\""))
            .count()
    };
    assert_eq!(entries(&cache.join("code")), 3);
    // A second build reads them: its pages are the same bytes.
    build_with_cache("second");
    assert_eq!(tree(&repo.path("first")), tree(&repo.path("second")));
    assert_eq!(
        entries(&cache.join("code")),
        3,
        "no new entries for the same programs"
    );
}

#[test]
fn build_replaces_only_what_it_wrote() {
    let repo = topologies();
    build(&repo, &repo.path("public")).code(0);
    repo.write("public/leftover.html", "old");
    build(&repo, &repo.path("public")).code(0);
    assert!(
        !repo.exists("public/leftover.html"),
        "a site nbe wrote is replaced whole"
    );

    let mine = repo.path("notes");
    repo.write("notes/todo.txt", "keep me");
    build(&repo, &mine)
        .code(2)
        .stderr_has(&format!("refusing to replace {}", mine.display()))
        .stderr_has(".nbe-site marker")
        .stderr_has("pass --output");
    assert_eq!(repo.read("notes/todo.txt"), "keep me");
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

#[test]
fn broken_programs_are_warnings_with_file_and_line() {
    let repo = topologies();
    repo.write(
        "examples/topologies/arbiter/go/main.go",
        "package main\n\n/* unterminated\nfunc main() {}\n",
    );
    build(&repo, &repo.path("site"))
        .code(0)
        .stderr_has("warning: examples/topologies/arbiter/go/main.go:3: unterminated block comment");
}

#[test]
fn the_player_is_built_in_so_a_checkout_without_node_modules_gets_it() {
    let repo = topologies();
    assert!(!repo.path("node_modules").exists());
    build(&repo, &repo.path("site")).code(0).stderr_lacks("player");
    let page = repo.read("site/topologies/cluster/cli/index.html");
    assert!(page.contains("assets/asciinema-player.min.js"), "{page}");
    assert!(!page.contains("This build has no recording player"));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/site/assets/player");
    for name in ["asciinema-player.min.js", "asciinema-player.css"] {
        assert_eq!(
            std::fs::read(repo.path("site/assets").join(name)).unwrap(),
            std::fs::read(committed.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn serve_refuses_addresses_beyond_loopback() {
    topologies()
        .nbe(["serve", "--addr", "0.0.0.0:0"])
        .run()
        .code(2)
        .stderr_has("only listens on loopback");
}

/// A running `nbe serve` and the address it listens on, stopped when dropped.
pub(crate) struct Server {
    /// Held so that dropping the server stops it.
    _nbe: Running,
    addr: String,
}

impl Server {
    /// Starts `nbe serve` on a free loopback port and reads the address from its first line.
    pub(crate) fn start(repo: &Repo) -> Self {
        Self::start_with(repo, &[])
    }

    /// Starts `nbe serve` with `extra` arguments (like `--poll`).
    pub(crate) fn start_with(repo: &Repo, extra: &[&str]) -> Self {
        let mut nbe = repo.nbe(["serve", "--addr", "127.0.0.1:0"]).args(extra).spawn();
        let line = nbe.line();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Self { _nbe: nbe, addr }
    }

    /// Sends a raw request line (so nothing normalizes the path) and returns status and body.
    pub(crate) fn get(&self, target: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
}

#[test]
fn serve_answers_pages_refuses_traversal_and_rebuilds_on_change() {
    let repo = topologies();
    repo.write("secret.txt", "do not serve");
    let server = Server::start(&repo);

    let (status, index) = server.get("/");
    assert_eq!(status, 200);
    assert!(index.contains("/__nbe/version"), "served pages reload themselves");
    assert_eq!(server.get("/topologies/cluster/cli/").0, 200);
    for target in [
        "/../secret.txt",
        "/topologies/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fsecret.txt",
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 403, "{target}");
        assert!(!body.contains("do not serve"));
    }
    for target in ["secret.txt", "http://example.com/secret.txt", "/%zz"] {
        assert_eq!(server.get(target).0, 400, "{target}");
    }
    assert_eq!(server.get("/etc/passwd").0, 404);
    assert_eq!(server.get("//etc/passwd").0, 404);

    let (_, before) = server.get("/__nbe/version");
    repo.write(
        "examples/topologies/cluster/cli/main.sh",
        "# Changed prose.\necho changed\n",
    );
    eventually(Duration::from_secs(10), "a rebuild", || {
        server.get("/__nbe/version").1 != before
    });
    let (_, page) = server.get("/topologies/cluster/cli/index.html");
    assert!(page.contains("Changed prose."));
}

#[test]
fn serve_redirects_only_within_the_site_and_closes_connections_that_never_finish_their_headers() {
    let repo = topologies();
    let server = Server::start(&repo);
    for target in ["/topologies", "//topologies", "///topologies?from=x"] {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 301"), "{target}: {response}");
        assert!(
            response.to_lowercase().contains("\r\nlocation: /topologies/\r\n"),
            "{target}: {response}"
        );
    }
    // Half a request: the server closes the connection after its header timeout, not never.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: {}\r\n", server.addr).unwrap();
    stream
        .set_read_timeout(Some(nbe::site::preview::HEADER_TIMEOUT * 4))
        .unwrap();
    let started = std::time::Instant::now();
    let mut rest = Vec::new();
    let read = stream.read_to_end(&mut rest);
    assert!(
        read.is_ok(),
        "the connection was still open after {:?}: {read:?}",
        started.elapsed()
    );
    // The server is still there for everyone else.
    assert_eq!(server.get("/").0, 200);
}

impl Server {
    /// The version the server is at: it grows by one on every rebuild.
    fn version(&self) -> u64 {
        self.get("/__nbe/version").1.parse().unwrap()
    }

    /// Waits until a rebuild after `version` shows `text` at `target`.
    fn shows(&self, target: &str, text: &str) {
        eventually(Duration::from_secs(10), &format!("{text:?} at {target}"), || {
            self.get(target).1.contains(text)
        });
    }
}

/// Adds a third example in a directory that did not exist when the server started.
fn add_leaf(repo: &Repo) {
    repo.write(
        "examples/topologies/leaf/cli/main.sh",
        "# A leaf node.\necho leaf\n",
    )
    .write(
        "examples/topologies/meta.yaml",
        "title: Topologies\ndescription: How servers connect.\nexamples: [cluster, arbiter, leaf]\n",
    );
}

#[test]
fn serve_watches_directories_created_after_it_started() {
    let repo = topologies();
    let server = Server::start(&repo);
    assert_eq!(server.get("/topologies/leaf/cli/").0, 404);

    add_leaf(&repo);
    server.shows("/topologies/leaf/cli/", "A leaf node.");
    // Only a file in the new directory changes: it is watched too.
    repo.write(
        "examples/topologies/leaf/cli/main.sh",
        "# A changed leaf.\necho leaf\n",
    );
    server.shows("/topologies/leaf/cli/", "A changed leaf.");
    // `snapshots/` did not exist either; a first snapshot makes the page's status change.
    assert!(!repo.exists("snapshots"));
    let before = server.version();
    repo.write("snapshots/topologies/leaf/cli.snap", "not a snapshot\n");
    eventually(Duration::from_secs(10), "a rebuild for the new snapshot", || {
        server.version() > before
    });
    // Removed and made again, it is a new directory, watched again.
    let before = server.version();
    std::fs::remove_dir_all(repo.path("snapshots")).unwrap();
    eventually(Duration::from_secs(10), "a rebuild for the removal", || {
        server.version() > before
    });
    let before = server.version();
    repo.write("snapshots/topologies/leaf/cli.snap", "again\n");
    eventually(
        Duration::from_secs(10),
        "a rebuild for the new snapshots/",
        || server.version() > before,
    );
    let before = server.version();
    repo.write("snapshots/topologies/leaf/cli.snap", "and again\n");
    eventually(Duration::from_secs(10), "a rebuild for a change in it", || {
        server.version() > before
    });
}

#[test]
fn serve_polls_when_asked() {
    let repo = topologies();
    let server = Server::start_with(&repo, &["--poll"]);
    repo.write(
        "examples/topologies/cluster/cli/main.sh",
        "# Polled prose.\necho changed\n",
    );
    server.shows("/topologies/cluster/cli/", "Polled prose.");
    add_leaf(&repo);
    server.shows("/topologies/leaf/cli/", "A leaf node.");
    repo.write(
        "examples/topologies/leaf/cli/main.sh",
        "# A polled leaf.\necho leaf\n",
    );
    server.shows("/topologies/leaf/cli/", "A polled leaf.");
}

#[test]
fn serve_rebuilds_once_per_change_and_not_for_writes_beside_the_examples() {
    let repo = topologies();
    let server = Server::start(&repo);
    let before = server.version();
    // `nbe build` writes its default output, `site/`, into the repository being served.
    build(&repo, &repo.path("site")).code(0);
    repo.write("notes.txt", "not part of the site\n");
    // Longer than a debounced rebuild takes to start, so one would have landed by now.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        server.version(),
        before,
        "writes beside the examples rebuilt the site"
    );

    // One save that is several events (create, write, rename) is one rebuild.
    let main = repo.path("examples/topologies/cluster/cli/main.sh");
    let temporary = repo.path("examples/topologies/cluster/cli/.main.sh.swp");
    std::fs::write(&temporary, "# Saved like an editor does.\necho saved\n").unwrap();
    std::fs::rename(&temporary, &main).unwrap();
    server.shows("/topologies/cluster/cli/", "Saved like an editor does.");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(server.version(), before + 1, "one save rebuilt more than once");
}

#[test]
fn programs_with_string_interpolation_build_pages_with_their_prose() {
    let repo = topologies();
    repo.write(
        "examples/topologies/arbiter/elixir/main.exs",
        "# Say which subject a message came on.\nIO.puts(\"received #{msg.body} on #{msg.topic}\")\n\n# Then the count.\nIO.puts(\"#{Enum.count(list)} in all\")\n",
    )
    .write(
        "examples/topologies/arbiter/zig/main.zig",
        "// Print the subject.\nstd.debug.print(\"on {s}\\n\", .{subject});\n",
    );
    let out = repo.path("site");
    let outcome = build(&repo, &out).code(0);
    assert!(
        !outcome.stderr.contains("unterminated"),
        "a valid program was reported as malformed:\n{}",
        outcome.stderr
    );
    let elixir = std::fs::read_to_string(out.join("topologies/arbiter/elixir/index.html")).unwrap();
    assert!(
        elixir.contains("Say which subject a message came on."),
        "{elixir}"
    );
    assert!(elixir.contains("Then the count."), "{elixir}");
    let zig = std::fs::read_to_string(out.join("topologies/arbiter/zig/index.html")).unwrap();
    assert!(zig.contains("<p>Print the subject.</p>"), "{zig}");
}
