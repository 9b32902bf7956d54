//! Snapshots: the normalized baseline of each client, in insta's `.snap` file format.
//!
//! `snapshots/<category>/<example>/<client>.snap` holds a YAML header between `---` lines and the
//! normalized output. A pending snapshot (`<client>.snap.new`) sits beside it until it is accepted
//! (renamed over the `.snap`) or rejected (deleted), by nbe or by `cargo insta review`/`accept`.
//!
//! nbe writes the header exactly as insta's own emitter does, so accepting with cargo-insta (which
//! re-serializes the file) leaves the same bytes as accepting with nbe. Like insta, trailing
//! whitespace of the body is not significant.
//!
//! Nothing here starts a process: the tool versions a snapshot records come from the caller.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::atomic::atomic_write;
use crate::catalog::{Selected, paths};
use crate::error::{Error, Location, Result};
use crate::program::memo;
use crate::program::syntax::Syntax;

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
    /// `sha256:<hex>` of what the client's runs depend on: its code without prose, its other
    /// files, the example's run settings (see [`files_hash`]).
    pub files_hash: String,
}

/// The versions of the tools a run used, as a snapshot records them (`v2.15.2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolVersions {
    /// `nats-server`'s.
    pub nats_server: String,
    /// `nats`'s.
    pub nats: String,
}

/// Why a snapshot file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The first line is not `---`.
    #[error("the file does not start with a `---` header line")]
    NoHeader,
    /// The header never ends.
    #[error("the header has no closing `---` line")]
    UnclosedHeader,
    /// The header is not YAML nbe can read.
    #[error("the header is not valid YAML: {why}")]
    HeaderNotYaml {
        /// The line of the file the YAML reader stopped at, when it says.
        line: Option<usize>,
        /// What is wrong, in nbe's words where the reader's would name its own internals.
        why: String,
    },
    /// A field of the header holds what nbe never writes there, like a `files_hash` that is no hash.
    #[error("`{field}` {why}")]
    Field {
        /// The field, like `info.files_hash`.
        field: String,
        /// The line of the file it is on, when it can be told.
        line: Option<usize>,
        /// What is wrong with it.
        why: String,
    },
}

impl ParseError {
    /// The line of the file the problem is on, when it is known.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Field { line, .. } | Self::HeaderNotYaml { line, .. } => *line,
            Self::NoHeader => Some(1),
            Self::UnclosedHeader => None,
        }
    }
}

/// The error of a header the YAML reader refused, at its line of the file (the header starts on
/// line 2). The reader's own words for a budget breach (`Nodes { nodes: 250001 }`) or a repeated
/// key (`set DuplicateKeyPolicy in Options`) name its internals, so nbe says those itself.
fn not_yaml(err: &serde_saphyr::Error) -> ParseError {
    let line = err
        .location()
        .map(|at| at.line() as usize)
        .filter(|line| *line > 0)
        .map(|line| line + 1);
    // The breach or repeated key itself, under the wrappers that add a snippet or an alias trail.
    let mut inner = err;
    while let serde_saphyr::Error::AliasError { error, .. } | serde_saphyr::Error::WithSnippet { error, .. } =
        inner
    {
        inner = error;
    }
    let why = match inner {
        serde_saphyr::Error::Budget { .. } => {
            "it holds far more than the six short lines nbe writes (too many values, aliases or levels)"
                .to_string()
        }
        serde_saphyr::Error::DuplicateMappingKey { key: Some(key), .. } => format!("`{key}` is there twice"),
        serde_saphyr::Error::DuplicateMappingKey { key: None, .. } => "a key is there twice".to_string(),
        other => {
            use serde_saphyr::MessageFormatter;
            serde_saphyr::DefaultMessageFormatter
                .format_message(other)
                .into_owned()
        }
    };
    ParseError::HeaderNotYaml { line, why }
}

/// The fields under `info:`, in the order nbe writes them.
const INFO_FIELDS: [&str; 4] = ["nbe", "nats_server", "nats", "files_hash"];

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
    info: Option<serde_json::Value>,
}

impl Snapshot {
    /// The snapshot of `selected` for a body produced with tools of `versions` from the current files.
    pub fn new(root: &Path, selected: Selected, versions: &ToolVersions, body: &str) -> Result<Self> {
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
                nats_server: versions.nats_server.clone(),
                nats: versions.nats.clone(),
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
    pub fn parse(text: &str) -> std::result::Result<Self, ParseError> {
        let mut lines = text.split_inclusive('\n');
        if lines.next().map(str::trim_end) != Some("---") {
            return Err(ParseError::NoHeader);
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
            return Err(ParseError::UnclosedHeader);
        }
        let body: String = lines.collect();
        let fields: Header = serde_saphyr::from_str(&header).map_err(|err| not_yaml(&err))?;
        let malformed = |field: &str, why: String| ParseError::Field {
            field: field.to_string(),
            line: field_line(&header, field),
            why,
        };
        let info = fields.info.as_ref().filter(|info| !info.is_null());
        if info.is_some_and(|info| !info.is_object()) {
            return Err(malformed(
                "info",
                format!("is not a mapping of {}", INFO_FIELDS.join(", ")),
            ));
        }
        let info = |key: &str| -> std::result::Result<String, ParseError> {
            match info.and_then(|info| info.get(key)) {
                Some(serde_json::Value::String(text)) => Ok(text.clone()),
                Some(serde_json::Value::Null) | None => Ok(String::new()),
                Some(value @ (serde_json::Value::Bool(_) | serde_json::Value::Number(_))) => {
                    Ok(value.to_string())
                }
                Some(_) => Err(malformed(&format!("info.{key}"), "is not a single value".into())),
            }
        };
        let files_hash = info("files_hash")?;
        if !files_hash.is_empty() && !is_files_hash(&files_hash) {
            return Err(malformed(
                "info.files_hash",
                format!("is `{files_hash}`, not `sha256:` and 64 hexadecimal digits as nbe writes it"),
            ));
        }
        Ok(Self {
            source: fields.source.unwrap_or_default(),
            expression: fields.expression.unwrap_or_default(),
            info: Info {
                nbe: info("nbe")?,
                nats_server: info("nats_server")?,
                nats: info("nats")?,
                files_hash,
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
            .map_err(|reason| Error::CorruptSnapshot {
                location: Location {
                    path: path.to_path_buf(),
                    line: reason.line(),
                    column: None,
                },
                reason: reason.to_string(),
            })
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

/// The pending snapshots of `clients`, in their order: (client path, `.snap.new` path).
pub fn pending(root: &Path, clients: &[Selected]) -> Vec<(String, PathBuf)> {
    clients
        .iter()
        .map(|s| (s.client.path.clone(), pending_path(&path(root, &s.client.path))))
        .filter(|(_, pending)| pending.is_file())
        .collect()
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
    files_under(root, |relative| {
        relative
            .strip_suffix(".snap")
            .or_else(|| relative.strip_suffix(".snap.new"))
            .map(str::to_string)
    })
}

/// Every file under `snapshots/` that `owner` names a catalog path for (given the file's path
/// relative to `snapshots/`), with that path, sorted by file name.
pub fn files_under(root: &Path, owner: impl Fn(&str) -> Option<String>) -> Result<Vec<(PathBuf, String)>> {
    let dir = root.join(DIR);
    let mut found = Vec::new();
    if !dir.is_dir() {
        return Ok(found);
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", dir.display()), e.into()))?;
        let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        if let (true, Some(owner)) = (entry.file_type().is_file(), owner(&relative.to_string_lossy())) {
            found.push((entry.path().to_path_buf(), owner));
        }
    }
    Ok(found)
}

/// `sha256:<hex>` over what a run of the client depends on, so that changing what runs makes its
/// recording stale and editing prose does not:
///
/// - its programs (the main file, and every other file with its extension) without their prose:
///   the code lines of the site's own prose/code split ([`crate::program::split::code`], memoized by [`memo`]); a program the grammar
///   cannot read (or that is not UTF-8) counts byte for byte;
/// - every other file of the client (data, configuration) byte for byte, and what each symbolic
///   link says (see [`paths::own_files`]);
/// - the example's `meta.yaml` keys that change a run ([`crate::catalog::RUN_KEYS`]: timeout,
///   normalize rules, expected exit status and error lines, server), not its title or description.
pub fn files_hash(selected: Selected) -> Result<String> {
    let client = selected.client;
    let mut hasher = Sha256::new();
    let mut add = |name: &str, bytes: &[u8]| {
        // Lengths keep the encoding unambiguous: no file can pose as the end of another.
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| Error::io(format!("failed to read {}", path.display()), e))
    };
    let program = client.main.extension();
    for file in paths::own_files(&client.dir)? {
        if let Some(link) = &file.link {
            // No file name holds a NUL, so a link's entry never reads like a file's.
            add(
                &format!("{}\0link", file.relative),
                link.as_os_str().as_encoded_bytes(),
            );
        }
        let Some(path) = &file.file else { continue };
        let bytes = read(path)?;
        let code = (program.is_some() && Path::new(&file.relative).extension() == program)
            .then(|| std::str::from_utf8(&bytes).ok())
            .flatten()
            .and_then(|source| memo::code(Syntax::for_file(&client.main), source).ok());
        match code {
            Some(code) => add(&format!("{}\0code", file.relative), code.as_bytes()),
            None => add(&file.relative, &bytes),
        }
    }
    add("../meta.yaml\0run", selected.example.run_settings.as_bytes());
    let digest = hasher.finalize();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("sha256:{hex}"))
}

/// True for what [`files_hash`] returns: `sha256:` and 64 lowercase hexadecimal digits.
pub fn is_files_hash(text: &str) -> bool {
    text.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The line of the snapshot file that `field` (`source`, or `info.files_hash` under `info:`) is on,
/// found in `header`, the text between the `---` lines, as nbe and insta write it: a key per line.
/// The line of `info:` when its fields are not on lines of their own.
fn field_line(header: &str, field: &str) -> Option<usize> {
    let lines: Vec<&str> = header.lines().collect();
    // The header starts on the file's line 2, after the opening `---`.
    let line = |index: usize| index + 2;
    let key = |text: &str, name: &str| {
        text.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    };
    let (parent, child) = match field.split_once('.') {
        Some((parent, child)) => (parent, Some(child)),
        None => (field, None),
    };
    let start = lines.iter().position(|text| key(text, parent))?;
    let Some(child) = child else {
        return Some(line(start));
    };
    let nested = lines[start + 1..]
        .iter()
        .take_while(|text| text.starts_with([' ', '\t']))
        .position(|text| key(text.trim_start(), child));
    Some(line(nested.map_or(start, |index| start + 1 + index)))
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
                files_hash: format!("sha256:{}", "00ff".repeat(16)),
            },
            body: "hello\n  world\n\n".into(),
        }
    }

    #[test]
    fn renders_the_insta_header() {
        let hash = "00ff".repeat(16);
        assert_eq!(
            sample().render(),
            format!(
                "---\nsource: examples/kv/put/cli/main.sh\nexpression: nbe run kv/put/cli\ninfo:\n  nbe: 0.1.0\n  \
                 nats_server: v2.15.2\n  nats: v0.5.0\n  files_hash: \"sha256:{hash}\"\n---\nhello\n  world\n"
            )
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
        assert_eq!(Snapshot::parse("no header\n"), Err(ParseError::NoHeader));
        assert_eq!(
            Snapshot::parse("---\nsource: a\n"),
            Err(ParseError::UnclosedHeader)
        );
    }

    #[test]
    fn malformed_fields_are_named_with_their_line() {
        let with_hash = |hash: &str| {
            let valid = format!("\"sha256:{}\"", "00ff".repeat(16));
            sample().render().replace(&valid, hash)
        };
        let valid = format!("\"sha256:{}\"", "0f".repeat(32));
        assert!(Snapshot::parse(&with_hash(&valid)).is_ok());
        let err = Snapshot::parse(&with_hash("sha256:00ff")).unwrap_err();
        assert_eq!(err.line(), Some(8));
        assert_eq!(
            err.to_string(),
            "`info.files_hash` is `sha256:00ff`, not `sha256:` and 64 hexadecimal digits as nbe writes it"
        );
        let upper = format!("\"sha256:{}\"", "0F".repeat(32));
        assert!(Snapshot::parse(&with_hash(&upper)).is_err());
        let err = Snapshot::parse(&sample().render().replace("nats: v0.5.0", "nats: [v0.5.0]")).unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.line()),
            ("`info.nats` is not a single value", Some(7))
        );
        let err = Snapshot::parse("---\nsource: a\ninfo: 7\n---\nbody\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        let err = Snapshot::parse("---\ninfo: {nbe: {a: 1}}\n---\n").unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.line()),
            ("`info.nbe` is not a single value", Some(2))
        );
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

    /// The staleness hash of the one client of a catalog holding `files` (path under
    /// `examples/c/e/`, content).
    fn hash_of(files: &[(&str, &str)]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let examples = dir.path().join("examples");
        let mut all = vec![
            ("../../meta.yaml", "categories: [c]\n"),
            ("../meta.yaml", "examples: [e]\n"),
        ];
        all.extend_from_slice(files);
        for (path, content) in all {
            let path = examples.join("c/e").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let catalog = crate::catalog::Catalog::load(dir.path()).unwrap();
        assert!(catalog.problems.is_empty(), "{:?}", catalog.problems);
        files_hash(catalog.clients().next().unwrap()).unwrap()
    }

    #[test]
    fn the_hash_covers_what_runs_and_not_the_prose() {
        let main = "#!/bin/bash\n# Start a server.\nnats-server -p 4222 & # in the background\n\n# Publish.\nnats pub a b\n";
        let meta = "title: A title\ndescription: What it shows.\ntimeout: 30s\n";
        let base = hash_of(&[
            ("meta.yaml", meta),
            ("cli/main.sh", main),
            ("cli/a.conf", "# a\nport: 1\n"),
        ]);
        let with = |meta: &str, main: &str, conf: &str| {
            hash_of(&[("meta.yaml", meta), ("cli/main.sh", main), ("cli/a.conf", conf)])
        };
        let conf = "# a\nport: 1\n";
        // Prose: reworded, added, removed; the sections spaced differently.
        let prose = main
            .replace("# Start a server.", "# Start one server,\n# in the background.")
            .replace("\n\n# Publish.", "\n");
        assert_eq!(with(meta, &prose, conf), base);
        // What only people read in meta.yaml.
        let retitled = meta
            .replace("A title", "Another title")
            .replace("What it shows.", "Other words.");
        assert_eq!(with(&retitled, main, conf), base);
        // Code, a trailing comment (shown in the code), data files, the run settings.
        assert_ne!(
            with(meta, &main.replace("nats pub a b", "nats pub a c"), conf),
            base
        );
        assert_ne!(
            with(meta, &main.replace("in the background", "behind"), conf),
            base
        );
        assert_ne!(with(meta, main, "# b\nport: 1\n"), base);
        assert_ne!(with(&meta.replace("30s", "31s"), main, conf), base);
        assert_ne!(with(&format!("{meta}server: jetstream\n"), main, conf), base);
        assert_ne!(
            with(&format!("{meta}expect: {{exit_status: 1}}\n"), main, conf),
            base
        );
    }

    #[test]
    fn pending_paths_sit_beside_the_snapshot() {
        let snap = path(Path::new("/r"), "a/b/cli");
        assert_eq!(snap, Path::new("/r/snapshots/a/b/cli.snap"));
        assert_eq!(pending_path(&snap), Path::new("/r/snapshots/a/b/cli.snap.new"));
        assert_eq!(pending_path(&snap).with_extension(""), snap);
    }
}
