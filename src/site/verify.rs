//! What the site says about a client's recording: the tool versions and date, and whether it is verified.
//!
//! [`Verifier`] is the seam where `nbe check` plugs in; [`SnapshotVerifier`] is the small default
//! that only reads files: the snapshot's insta header and the recording's asciicast header.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::catalog::Client;

/// Whether a client's recorded output can be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The snapshot matches the client's files as they are now.
    Verified,
    /// The client's files changed since the snapshot was accepted.
    Stale,
    /// The last check failed, with why.
    Failing(String),
    /// There is no recording or no snapshot.
    NotRecorded,
}

impl Status {
    /// A short word for the page, also its CSS class.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Stale => "stale",
            Self::Failing(_) => "failing",
            Self::NotRecorded => "not recorded",
        }
    }

    /// One sentence telling the reader what the status means.
    pub fn explanation(&self) -> String {
        match self {
            Self::Verified => "Its output matches the accepted snapshot for the code shown here.".into(),
            Self::Stale => "The code changed after the output was recorded; it needs recording again.".into(),
            Self::Failing(why) => format!("The last check failed: {why}"),
            Self::NotRecorded => "It has not been recorded yet.".into(),
        }
    }
}

/// Decides the [`Status`] of a client.
pub trait Verifier {
    /// The status of `client`.
    fn status(&self, client: &Client) -> Status;
}

/// What the recording was made with, as far as the files tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `nats-server` version from the snapshot header.
    pub nats_server: Option<String>,
    /// `nats` version from the snapshot header.
    pub nats: Option<String>,
    /// Recording date (UTC, `YYYY-MM-DD`) from the asciicast header's `timestamp`.
    pub date: Option<String>,
}

/// The `info:` keys nbe writes into a snapshot header.
#[derive(Debug, Default, Deserialize)]
struct Info {
    nats_server: Option<serde_yaml::Value>,
    nats: Option<serde_yaml::Value>,
    files_hash: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Header {
    #[serde(default)]
    info: Info,
}

/// The default verifier: snapshot header against the client's files, nothing run.
#[derive(Debug, Clone)]
pub struct SnapshotVerifier {
    root: PathBuf,
}

impl SnapshotVerifier {
    /// A verifier for the repository at `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }
}

/// `snapshots/<category>/<example>/<client>.snap` under `root`.
pub fn snapshot_path(root: &Path, client: &Client) -> PathBuf {
    root.join("snapshots").join(format!("{}.snap", client.path))
}

/// The YAML header of a client's snapshot, when it exists and parses.
fn header(root: &Path, client: &Client) -> Option<Header> {
    let text = std::fs::read_to_string(snapshot_path(root, client)).ok()?;
    let body = text.strip_prefix("---\n")?;
    let end = body.find("\n---")?;
    serde_yaml::from_str(&body[..end]).ok()
}

/// Versions and date of a client's recording, from its snapshot header and its asciicast header.
pub fn provenance(root: &Path, client: &Client) -> Provenance {
    let info = header(root, client).map(|h| h.info).unwrap_or_default();
    Provenance {
        nats_server: info.nats_server.as_ref().and_then(yaml_text),
        nats: info.nats.as_ref().and_then(yaml_text),
        date: cast_timestamp(&client.output_cast()).map(date_of),
    }
}

impl Verifier for SnapshotVerifier {
    fn status(&self, client: &Client) -> Status {
        if !client.output_txt().is_file() {
            return Status::NotRecorded;
        }
        let Some(header) = header(&self.root, client) else {
            return Status::NotRecorded;
        };
        match (header.info.files_hash, files_hash(&client.dir)) {
            (Some(recorded), Ok(now)) if recorded == now => Status::Verified,
            _ => Status::Stale,
        }
    }
}

/// A YAML scalar as text (versions may be written unquoted, like `2.10`).
fn yaml_text(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The sha256 of a client's files (its program and anything beside it, not its recordings), hex.
///
/// Files are taken in path order; each contributes its path relative to the client directory, a NUL,
/// its length as 8 little-endian bytes and its content, so renaming or moving bytes between files
/// changes the hash.
pub fn files_hash(dir: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let name = relative.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_file() || matches!(name.as_str(), "output.txt" | "output.cast") {
            continue;
        }
        let content = std::fs::read(entry.path())?;
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((content.len() as u64).to_le_bytes());
        hasher.update(&content);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// The `timestamp` of an asciicast v2 header line, when there is one.
fn cast_timestamp(path: &Path) -> Option<i64> {
    let file = std::fs::File::open(path).ok()?;
    let mut line = String::new();
    BufReader::new(file.take(64 * 1024)).read_line(&mut line).ok()?;
    let header: serde_json::Value = serde_json::from_str(&line).ok()?;
    header.get("timestamp")?.as_i64()
}

/// `YYYY-MM-DD` (UTC) of a unix timestamp, by the days-from-civil algorithm run backwards.
fn date_of(timestamp: i64) -> String {
    let days = timestamp.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ClientKind;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(1_764_028_799), "2025-11-24");
        assert_eq!(date_of(1_764_028_800), "2025-11-25");
    }

    fn client(root: &Path) -> Client {
        let dir = root.join("examples/topologies/arbiter/cli");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.sh"), "echo hi\n").unwrap();
        Client {
            path: "topologies/arbiter/cli".into(),
            kind: ClientKind::Cli,
            main: dir.join("main.sh"),
            dir,
        }
    }

    fn write_snapshot(root: &Path, hash: &str) {
        let dir = root.join("snapshots/topologies/arbiter");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("cli.snap"),
            format!(
                "---\nsource: examples/topologies/arbiter/cli/main.sh\nexpression: output\ninfo:\n  nbe: 0.1.0\n  nats_server: v2.15.2\n  nats: 0.5.0\n  files_hash: {hash}\n---\nhi\n"
            ),
        )
        .unwrap();
    }

    #[test]
    fn status_follows_the_files_and_the_snapshot() {
        let root = tempfile::tempdir().unwrap();
        let client = client(root.path());
        let verifier = SnapshotVerifier::new(root.path());
        assert_eq!(verifier.status(&client), Status::NotRecorded);
        std::fs::write(client.output_txt(), "hi\n").unwrap();
        std::fs::write(
            client.output_cast(),
            "{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1764028800}\n[0.1, \"o\", \"hi\\r\\n\"]\n",
        )
        .unwrap();
        assert_eq!(verifier.status(&client), Status::NotRecorded);
        write_snapshot(root.path(), &files_hash(&client.dir).unwrap());
        assert_eq!(verifier.status(&client), Status::Verified);
        assert_eq!(
            provenance(root.path(), &client),
            Provenance {
                nats_server: Some("v2.15.2".into()),
                nats: Some("0.5.0".into()),
                date: Some("2025-11-25".into()),
            }
        );
        std::fs::write(&client.main, "echo changed\n").unwrap();
        assert_eq!(verifier.status(&client), Status::Stale);
    }

    #[test]
    fn recordings_do_not_change_the_files_hash() {
        let root = tempfile::tempdir().unwrap();
        let client = client(root.path());
        let before = files_hash(&client.dir).unwrap();
        std::fs::write(client.output_txt(), "new output\n").unwrap();
        assert_eq!(files_hash(&client.dir).unwrap(), before);
    }
}
