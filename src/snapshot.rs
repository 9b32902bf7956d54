//! Snapshots: the normalized baseline of each client, in insta's `.snap` file format.
//!
//! `snapshots/<category>/<example>/<client>.snap` holds a YAML header between `---` lines and the
//! normalized output. A pending snapshot (`<client>.snap.new`) sits beside it until it is accepted
//! (renamed over the `.snap`) or rejected (deleted), by nbe or by `cargo insta review`/`accept`.
//!
//! nbe writes the header exactly as insta's own emitter does, so accepting with cargo-insta (which
//! re-serializes the file) leaves the same bytes as accepting with nbe. Like insta, trailing
//! whitespace of the body is not significant.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::atomic::atomic_write;
use crate::catalog::Selected;
use crate::error::{Error, Result};
use crate::runner::{Tools, tools};

/// The directory of the snapshots, relative to the repository root.
pub const DIR: &str = "snapshots";

/// What a snapshot records besides the output: which code and which tools produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The nbe version that wrote it.
    pub nbe: String,
    /// `nats-server --version` of the run.
    pub nats_server: String,
    /// `nats --version` of the run.
    pub nats: String,
    /// `sha256:<hex>` of the client's files and the example's meta.yaml (see [`files_hash`]).
    pub files_hash: String,
}

/// One snapshot file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The client's main file, relative to the repository root.
    pub source: String,
    /// The command that reproduces the output, like `nbe run topologies/arbiter/cli`.
    pub expression: String,
    /// Provenance.
    pub info: Info,
    /// The normalized output.
    pub body: String,
}

/// The header as insta and nbe write it; unknown keys (`assertion_line`, `snapshot_kind`...) are ignored.
#[derive(Deserialize)]
struct Header {
    source: Option<String>,
    expression: Option<String>,
    info: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl Snapshot {
    /// The snapshot of `selected` for a body produced with `tools` from the current files.
    pub fn new(root: &Path, selected: Selected, tools: &Tools, body: &str) -> Result<Self> {
        let (nats_server, nats) = tool_versions(tools);
        let source = selected
            .client
            .main
            .strip_prefix(root)
            .unwrap_or(&selected.client.main);
        Ok(Self {
            source: source.display().to_string(),
            expression: format!("nbe run {}", selected.client.path),
            info: Info {
                nbe: env!("CARGO_PKG_VERSION").to_string(),
                nats_server: nats_server.clone(),
                nats: nats.clone(),
                files_hash: files_hash(selected)?,
            },
            body: body.to_string(),
        })
    }

    /// True when `normalized` is what this snapshot holds (trailing whitespace aside, as in insta).
    pub fn matches(&self, normalized: &str) -> bool {
        self.body.trim_end() == normalized.trim_end()
    }

    /// The file contents, byte for byte what insta would write for the same snapshot.
    pub fn render(&self) -> String {
        let mut out = String::from("---\n");
        for (key, value) in [("source", &self.source), ("expression", &self.expression)] {
            out.push_str(&format!("{key}: {}\n", yaml_scalar(value)));
        }
        out.push_str("info:\n");
        for (key, value) in [
            ("nbe", &self.info.nbe),
            ("nats_server", &self.info.nats_server),
            ("nats", &self.info.nats),
            ("files_hash", &self.info.files_hash),
        ] {
            out.push_str(&format!("  {key}: {}\n", yaml_scalar(value)));
        }
        out.push_str("---\n");
        out.push_str(self.body.trim_end());
        out.push('\n');
        out
    }

    /// Parses a snapshot file as insta does: header lines up to the second `---`, the rest is the body.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim_end) != Some("---") {
            return Err("the file does not start with a `---` header line".into());
        }
        let mut header = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if line.trim_end() == "---" {
                closed = true;
                break;
            }
            header.push_str(line);
        }
        if !closed {
            return Err("the header has no closing `---` line".into());
        }
        let body: String = lines.collect();
        let header: Header =
            serde_saphyr::from_str(&header).map_err(|e| format!("the header is not valid YAML: {e}"))?;
        let info = |key: &str| -> String {
            match header.info.as_ref().and_then(|info| info.get(key)) {
                Some(serde_json::Value::String(text)) => text.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            }
        };
        Ok(Self {
            source: header.source.unwrap_or_default(),
            expression: header.expression.unwrap_or_default(),
            info: Info {
                nbe: info("nbe"),
                nats_server: info("nats_server"),
                nats: info("nats"),
                files_hash: info("files_hash"),
            },
            body: body.replace("\r\n", "\n"),
        })
    }

    /// Reads the snapshot at `path`; `None` when there is none.
    pub fn read(path: &Path) -> Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(format!("failed to read {}", path.display()), e)),
        };
        Self::parse(&text)
            .map(Some)
            .map_err(|message| Error::Usage(format!("{}: {message}", path.display())))
    }

    /// Writes the snapshot to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        atomic_write(path, self.render().as_bytes())
    }
}

/// The accepted snapshot of a client: `snapshots/<client path>.snap`.
pub fn path(root: &Path, client_path: &str) -> PathBuf {
    root.join(DIR).join(format!("{client_path}.snap"))
}

/// The pending snapshot beside an accepted one.
pub fn pending_path(snap: &Path) -> PathBuf {
    let mut name = snap.as_os_str().to_os_string();
    name.push(".new");
    PathBuf::from(name)
}

/// Accepts a pending snapshot: renames it over the accepted one (a rename is atomic).
pub fn accept(pending: &Path) -> Result<()> {
    let snap = pending.with_extension("");
    std::fs::rename(pending, &snap)
        .map_err(|e| Error::io(format!("failed to accept {}", pending.display()), e))
}

/// Removes a file that may not exist (a pending snapshot, an unreferenced one).
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io(format!("failed to remove {}", path.display()), e))
        }
        _ => Ok(()),
    }
}

/// Every `.snap` and `.snap.new` file under `snapshots/`, with the client path it belongs to, sorted.
pub fn all(root: &Path) -> Result<Vec<(PathBuf, String)>> {
    let dir = root.join(DIR);
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", dir.display()), e.into()))?;
        let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let relative = relative.to_string_lossy();
        let client = relative
            .strip_suffix(".snap")
            .or_else(|| relative.strip_suffix(".snap.new"));
        if let (true, Some(client)) = (entry.file_type().is_file(), client) {
            found.push((entry.path().to_path_buf(), client.to_string()));
        }
    }
    Ok(found)
}

/// `sha256:<hex>` over the client's files (sorted relative paths and contents, recordings excluded)
/// and the example's meta.yaml, so that changing the program or its expectation makes a recording stale.
pub fn files_hash(selected: Selected) -> Result<String> {
    let client = selected.client;
    let recordings = [client.output_txt(), client.output_cast()];
    let mut hasher = Sha256::new();
    let mut add = |name: &str, path: &Path| -> Result<()> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::io(format!("failed to read {}", path.display()), e))?;
        // Lengths keep the encoding unambiguous: no file can pose as the end of another.
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        Ok(())
    };
    for entry in walkdir::WalkDir::new(&client.dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::io(format!("failed to read {}", client.dir.display()), e.into()))?;
        if !entry.file_type().is_file() || recordings.iter().any(|r| r == entry.path()) {
            continue;
        }
        let relative = entry.path().strip_prefix(&client.dir).unwrap_or(entry.path());
        add(&relative.to_string_lossy(), entry.path())?;
    }
    if selected.example.meta_path.is_file() {
        add("../meta.yaml", &selected.example.meta_path)?;
    }
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("sha256:{hex}"))
}

/// The versions of `nats-server` and `nats`, asked once per process (every run uses the same tools).
fn tool_versions(tools: &Tools) -> &'static (String, String) {
    static VERSIONS: OnceLock<(String, String)> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        let ask = |tool: tools::Tool| {
            tools::version_of(&tools.path(tool), &["--version"])
                // `nats-server: v2.15.2` and `v0.5.0`: the version is the last word.
                .and_then(|line| line.split_whitespace().last().map(str::to_string))
                .unwrap_or_else(|| "unknown".to_string())
        };
        (ask(tools::NATS_SERVER), ask(tools::NATS))
    })
}

/// A YAML scalar quoted exactly when insta's emitter quotes it.
fn yaml_scalar(value: &str) -> String {
    if !needs_quotes(value) {
        return value.to_string();
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\x7f' => out.push_str("\\u007f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// insta's (and yaml-rust's) rule: quote what a YAML reader would not read back as the same string.
fn needs_quotes(value: &str) -> bool {
    const KEYWORDS: [&str; 22] = [
        "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE", "false", "on", "On",
        "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    value.is_empty()
        || value.starts_with(' ')
        || value.ends_with(' ')
        || value.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@', '.'])
        || value.contains(|c: char| {
            matches!(
                c,
                ':' | '{'
                    | '}'
                    | '['
                    | ']'
                    | ','
                    | '#'
                    | '`'
                    | '"'
                    | '\''
                    | '\\'
                    | '\0'..='\x06'
                    | '\t'
                    | '\n'
                    | '\r'
                    | '\x0e'..='\x1a'
                    | '\x1c'..='\x1f'
            )
        })
        || KEYWORDS.contains(&value)
        || value.starts_with("0x")
        || value.parse::<i64>().is_ok()
        || value.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        Snapshot {
            source: "examples/kv/put/cli/main.sh".into(),
            expression: "nbe run kv/put/cli".into(),
            info: Info {
                nbe: "0.1.0".into(),
                nats_server: "v2.15.2".into(),
                nats: "v0.5.0".into(),
                files_hash: "sha256:00ff".into(),
            },
            body: "hello\n  world\n\n".into(),
        }
    }

    #[test]
    fn renders_the_insta_header() {
        assert_eq!(
            sample().render(),
            "---\nsource: examples/kv/put/cli/main.sh\nexpression: nbe run kv/put/cli\ninfo:\n  nbe: 0.1.0\n  \
             nats_server: v2.15.2\n  nats: v0.5.0\n  files_hash: \"sha256:00ff\"\n---\nhello\n  world\n"
        );
    }

    #[test]
    fn parsing_reads_back_what_rendering_writes() {
        let snapshot = sample();
        let parsed = Snapshot::parse(&snapshot.render()).unwrap();
        assert_eq!(parsed.info, snapshot.info);
        assert_eq!(parsed.source, snapshot.source);
        assert!(parsed.matches(&snapshot.body));
        assert!(!parsed.matches("hello\n world\n"));
    }

    #[test]
    fn parses_headers_insta_wrote_with_extra_keys() {
        let text = "---\nsource: a.rs\nassertion_line: 12\nexpression: x\nsnapshot_kind: text\n---\nbody\n";
        let parsed = Snapshot::parse(text).unwrap();
        assert_eq!(parsed.expression, "x");
        assert_eq!(parsed.body, "body\n");
        assert!(Snapshot::parse("no header\n").is_err());
        assert!(Snapshot::parse("---\nsource: a\n").is_err());
    }

    #[test]
    fn quotes_like_insta() {
        assert_eq!(yaml_scalar("v2.15.2"), "v2.15.2");
        assert_eq!(yaml_scalar("1.5"), "\"1.5\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("a: \"b\""), "\"a: \\\"b\\\"\"");
        assert_eq!(yaml_scalar(""), "\"\"");
        assert_eq!(yaml_scalar("-x"), "\"-x\"");
    }

    #[test]
    fn pending_paths_sit_beside_the_snapshot() {
        let snap = path(Path::new("/r"), "a/b/cli");
        assert_eq!(snap, Path::new("/r/snapshots/a/b/cli.snap"));
        assert_eq!(pending_path(&snap), Path::new("/r/snapshots/a/b/cli.snap.new"));
        assert_eq!(pending_path(&snap).with_extension(""), snap);
    }
}
