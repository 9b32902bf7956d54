//! Recordings: `output.txt` (the raw merged output) and `output.cast` (an asciicast v2 session),
//! written by `nbe record` and read, with the snapshot, by `nbe check`, the docs site and the
//! scheduler. The one owner of the asciicast format.
//!
//! The cast replays the output with the timings of the real run. Events never split a UTF-8
//! character, nor a CRLF: the bytes of an incomplete trailing character, and a trailing carriage
//! return, are carried into the next event.
//!
//! The two files must tell the same story: the text of a cast's output events, joined and with
//! CRLF read as LF, is exactly `output.txt` ([`cast_agrees`]). `nbe check`, and the site's badge
//! with it, hold a recording edited by hand to that.
//!
//! A recording that attributed its output to the program's steps (see [`crate::runner::trace`])
//! has a marker event `[time, "m", "main.sh:LINE"]` where each step's output begins, among the
//! output events at that place; LINE is the first line of the step's code. The asciinema player
//! shows them on its progress bar; the docs page shows each step's output under its code
//! ([`step_places`]). The header of such a cast also lists the main file's code lines at the
//! time (`code_lines`): a prose edit moves the code without changing it (and needs no new
//! recording), and a marker finds its line again as the same line of code.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::atomic::atomic_write;
use crate::catalog::{Catalog, Client, Selected};
use crate::error::{Error, Result};
use crate::program::memo;
use crate::program::split::StepLines;
use crate::program::syntax::Syntax;
use crate::runner::trace::Marker;
use crate::snapshot::{self, Snapshot};

/// A client's recorded files, each read once: its snapshot, `output.txt` and `output.cast`.
///
/// `nbe check` judges them; the docs site also shows them, so it reads them once for both.
#[derive(Debug)]
pub struct Recording {
    /// The accepted snapshot; `None` when there is none.
    pub snapshot: Result<Option<Snapshot>>,
    /// The raw bytes of `output.txt`.
    pub output: std::io::Result<Vec<u8>>,
    /// The raw bytes of `output.cast`.
    pub cast: std::io::Result<Vec<u8>>,
}

impl Recording {
    /// Reads the recorded files of `selected`; a missing or unreadable file is kept as its error.
    pub fn read(catalog: &Catalog, selected: Selected) -> Recording {
        Self::read_in(&catalog.root, selected)
    }

    /// Reads the recorded files of `selected` in the repository at `root`.
    pub fn read_in(root: &Path, selected: Selected) -> Recording {
        let client = selected.client;
        Recording {
            snapshot: Snapshot::read(&snapshot::path(root, &client.path)),
            output: std::fs::read(client.output_txt()),
            cast: std::fs::read(client.output_cast()),
        }
    }
}

/// Writes the recordings of `client` from a run's `output` and `events` (see [`cast`]), each file
/// replaced atomically; `started` is when the run began.
pub fn write(client: &Client, taken: Taken, started: SystemTime) -> Result<()> {
    write_to(
        client,
        [&client.output_txt(), &client.output_cast()],
        taken,
        started,
    )
}

/// What a run gave a recording: its output, when each piece arrived (time, end offset), and where
/// its steps began (empty when it did not attribute them).
#[derive(Debug, Clone, Copy)]
pub struct Taken<'a> {
    /// The merged output.
    pub output: &'a [u8],
    /// When each piece of it arrived: (time since start, end offset).
    pub events: &'a [(Duration, usize)],
    /// Where each step's output began, in order.
    pub markers: &'a [Marker],
}

impl<'a> Taken<'a> {
    /// What `result` gives a recording.
    pub fn of(result: &'a crate::runner::RunResult) -> Self {
        Self {
            output: &result.output,
            events: &result.events,
            markers: &result.markers,
        }
    }
}

/// Keeps the recording of the run that wrote the pending snapshot `pending` of `client` beside
/// it (`<client>.snap.new.txt` and `.snap.new.cast`), so that accepting the snapshot also makes
/// that run the client's recording ([`accept_pending`]): one step leaves `nbe check` green.
/// Nothing of nbe reads them as snapshots, since their names do not end in `.snap` or `.snap.new`.
pub fn write_pending(client: &Client, pending: &Path, taken: Taken, started: SystemTime) -> Result<()> {
    let [txt, cast] = pending_files(pending);
    write_to(client, [&txt, &cast], taken, started)
}

/// Accepts the pending snapshot `pending` of `client`: the recording kept beside it (if any)
/// becomes `output.txt` and `output.cast`, then the snapshot replaces the accepted one, each by a
/// rename. True when a recording came with it; without one (a snapshot pending from an older nbe)
/// `nbe record` makes the recording agree.
pub fn accept_pending(client: &Client, pending: &Path) -> Result<bool> {
    let [txt, cast] = pending_files(pending);
    let recorded = txt.is_file() && cast.is_file();
    for (from, to) in [(&txt, client.output_txt()), (&cast, client.output_cast())] {
        if recorded {
            std::fs::rename(from, &to).map_err(|e| {
                Error::io(
                    format!("failed to move {} to {}", from.display(), to.display()),
                    e,
                )
            })?;
        } else {
            // Half a recording is none: it goes.
            snapshot::remove(from)?;
        }
    }
    snapshot::accept(pending)?;
    Ok(recorded)
}

/// Removes the pending snapshot `pending` and the recording kept beside it.
pub fn remove_pending(pending: &Path) -> Result<()> {
    for file in pending_files(pending) {
        snapshot::remove(&file)?;
    }
    snapshot::remove(pending)
}

/// The files keeping a pending snapshot's recording: `<pending>.txt` and `<pending>.cast`.
fn pending_files(pending: &Path) -> [PathBuf; 2] {
    ["txt", "cast"].map(|extension| {
        let mut name = pending.as_os_str().to_os_string();
        name.push(format!(".{extension}"));
        PathBuf::from(name)
    })
}

/// Writes a run's recording of `client` to `[txt, cast]`, each atomically.
fn write_to(
    client: &Client,
    [txt_path, cast_path]: [&Path; 2],
    taken: Taken,
    started: SystemTime,
) -> Result<()> {
    let timestamp = started
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let txt = output_txt(taken.output);
    // The steps the run attributed its output to, read from the same file.
    let code_lines = if taken.markers.is_empty() {
        Vec::new()
    } else {
        let source = std::fs::read_to_string(&client.main)
            .map_err(|e| Error::io(format!("failed to read {}", client.main.display()), e))?;
        memo::step_lines(Syntax::for_file(&client.main), &source)
            .map(|lines| lines.code)
            .unwrap_or_default()
    };
    let cast = cast(
        taken,
        &txt,
        Meta {
            timestamp,
            title: &format!("nbe run {}", client.path),
            main: client.main_name(),
            code_lines: &code_lines,
        },
    );
    atomic_write(txt_path, &txt)?;
    atomic_write(cast_path, cast.as_bytes())
}

/// How long the recorded run of `client` took: the time of the last event of its `output.cast`;
/// `None` without a readable cast.
pub fn duration(client: &Client) -> Option<Duration> {
    let cast = std::fs::read(client.output_cast()).ok()?;
    let last = cast
        .split(|&b| b == b'\n')
        .rev()
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))?;
    let event: serde_json::Value = serde_json::from_slice(last).ok()?;
    let seconds = event.as_array()?.first()?.as_f64()?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// The `timestamp` of an asciicast v2 header line, when there is one.
pub fn cast_timestamp(cast: &[u8]) -> Option<i64> {
    let header = cast.split(|&b| b == b'\n').next()?;
    let header: serde_json::Value = serde_json::from_slice(header).ok()?;
    header.get("timestamp")?.as_i64()
}

/// What is wrong with an `output.cast` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CastError {
    /// The bytes are not UTF-8.
    #[error("output.cast is not UTF-8 ({0})")]
    NotUtf8(std::str::Utf8Error),
    /// The file is empty.
    #[error("output.cast is empty")]
    Empty,
    /// The first line is not JSON.
    #[error("output.cast line 1 is not JSON: {0}")]
    HeaderNotJson(String),
    /// The first line is JSON but not an asciicast v2 header.
    #[error("output.cast line 1 is not an asciicast v2 header")]
    NotV2,
    /// An event line is wrong.
    #[error("output.cast line {line}: {why}")]
    Event {
        /// One-based line number.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// A marker event does not name a step's line of the main file.
    #[error("output.cast line {line}: the marker {label:?} {why}")]
    Marker {
        /// One-based line number of the event.
        line: usize,
        /// What it says.
        label: String,
        /// What is wrong with it.
        why: String,
    },
    /// The cast's text is not `output.txt`'s.
    #[error(
        "output.cast does not show what output.txt holds (they differ from line {line} of the output on); one of them was edited or damaged"
    )]
    Disagrees {
        /// The first line of the output (one-based) where the two differ.
        line: usize,
    },
}

/// The terminal of the recorded session is as wide as the widest line (the nats CLI's tables are
/// wide), within these bounds, so the player never wraps a table.
const CAST_WIDTH: std::ops::RangeInclusive<usize> = 80..=250;

/// The terminal is as tall as the output, up to a screenful; the player scrolls like a terminal.
const CAST_HEIGHT: std::ops::RangeInclusive<usize> = 1..=40;

/// The text of `output.txt`: the raw output with CRLF turned into LF.
pub fn output_txt(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().peekable();
    while let Some(&byte) = bytes.next() {
        if byte == b'\r' && bytes.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(byte);
    }
    out
}

/// The first line of an asciicast v2 file.
#[derive(Serialize)]
struct Header<'a> {
    version: u32,
    width: usize,
    height: usize,
    timestamp: u64,
    title: &'a str,
    env: Env,
    /// The main file's code lines when recorded, with markers only (see the module doc).
    #[serde(skip_serializing_if = "<[usize]>::is_empty")]
    code_lines: &'a [usize],
}

/// What the run's terminal was.
#[derive(Serialize)]
#[serde(rename_all = "UPPERCASE")]
struct Env {
    shell: &'static str,
    term: &'static str,
}

/// What a cast says about its run besides the output.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    /// The start of the run in Unix seconds.
    pub timestamp: u64,
    /// Like `nbe run kv/put/cli`.
    pub title: &'a str,
    /// The main file's name, which markers name their line in (`main.sh`).
    pub main: &'a str,
    /// The main file's code lines, written in the header when there are markers.
    pub code_lines: &'a [usize],
}

/// An asciicast v2 recording of `taken`: its output events, and its markers at their places.
///
/// `txt` is [`output_txt`] of the output, which sizes the terminal.
pub fn cast(taken: Taken, txt: &[u8], meta: Meta) -> String {
    let output = taken.output;
    let text = String::from_utf8_lossy(txt);
    let widest = text
        .lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0);
    let header = Header {
        version: 2,
        width: widest.clamp(*CAST_WIDTH.start(), *CAST_WIDTH.end()),
        height: text
            .lines()
            .count()
            .clamp(*CAST_HEIGHT.start(), *CAST_HEIGHT.end()),
        timestamp: meta.timestamp,
        title: meta.title,
        env: Env {
            shell: "/bin/bash",
            term: "xterm-256color",
        },
        code_lines: if taken.markers.is_empty() {
            &[]
        } else {
            meta.code_lines
        },
    };
    let mut out = Events {
        text: serde_json::to_string(&header).expect("a cast header serializes"),
        last: Duration::ZERO,
    };
    out.text.push('\n');
    let mut start = 0;
    let mut carry: Vec<u8> = Vec::new();
    let mut markers = taken.markers.iter().peekable();
    // Each marker ends the output before it, as if an event ended there.
    let mut take = |out: &mut Events, at: Duration, end: usize, carry: &mut Vec<u8>| {
        let end = end.min(output.len());
        if end <= start {
            return;
        }
        carry.extend_from_slice(&output[start..end]);
        start = end;
        let mut complete = complete_len(carry);
        // A carriage return may be the first half of a CRLF; its event would turn the LF after it
        // into a second CRLF, so it waits for what follows.
        if carry[..complete].ends_with(b"\r") {
            complete -= 1;
        }
        if complete == 0 {
            return;
        }
        let rest = carry.split_off(complete);
        out.output(at, carry);
        *carry = rest;
    };
    for &(at, end) in taken.events {
        while let Some(marker) = markers.next_if(|marker| marker.offset < end) {
            take(&mut out, at, marker.offset, &mut carry);
            out.marker(marker.at, &format!("{}:{}", meta.main, marker.line));
        }
        take(&mut out, at, end, &mut carry);
    }
    if !carry.is_empty() {
        let at = taken.events.last().map(|(at, _)| *at).unwrap_or_default();
        out.output(at, &carry);
    }
    // Steps that printed nothing after the last output still began.
    for marker in markers {
        out.marker(marker.at, &format!("{}:{}", meta.main, marker.line));
    }
    out.text
}

/// The events of a cast being written, whose times never go back.
struct Events {
    text: String,
    last: Duration,
}

impl Events {
    /// Appends one output event; a terminal needs CRLF where the pipe carried LF.
    fn output(&mut self, at: Duration, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes)
            .replace("\r\n", "\n")
            .replace('\n', "\r\n");
        self.push(at, "o", &text);
    }

    /// Appends one marker event.
    fn marker(&mut self, at: Duration, label: &str) {
        self.push(at, "m", label);
    }

    fn push(&mut self, at: Duration, kind: &str, data: &str) {
        // A marker's time and its output's come from two clock readings; the later one wins.
        self.last = self.last.max(at);
        // Microseconds are what asciinema itself writes; more digits only add noise.
        let seconds = self.last.as_micros() as f64 / 1e6;
        let event = serde_json::json!([seconds, kind, data]);
        self.text.push_str(&event.to_string());
        self.text.push('\n');
    }
}

/// The length of `bytes` without an incomplete UTF-8 character at its end.
fn complete_len(bytes: &[u8]) -> usize {
    // A character is at most 4 bytes: look back at most 3 for the lead byte of the last one.
    for back in 1..=bytes.len().min(4) {
        let at = bytes.len() - back;
        let byte = bytes[at];
        if byte & 0b1100_0000 == 0b1000_0000 {
            continue;
        }
        let needed = match byte {
            0xF0..=0xF7 => 4,
            0xE0..=0xEF => 3,
            0xC0..=0xDF => 2,
            _ => 1,
        };
        return if back < needed { at } else { bytes.len() };
    }
    bytes.len()
}

/// The text an asciicast v2 file shows: the data of its output (`"o"`) events joined, with CRLF
/// read as LF. Fails, naming the line, unless `cast` is a header and then events whose times
/// never go back.
pub fn cast_text(cast: &[u8]) -> std::result::Result<String, CastError> {
    read_cast(cast).map(|(text, _)| text)
}

/// A marker event of a cast: where a step's output begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastMarker {
    /// The event's one-based line in the cast.
    pub event_line: usize,
    /// Where it stands in the cast's text ([`cast_text`]), in bytes.
    pub offset: usize,
    /// What it says, like `main.sh:12`.
    pub label: String,
}

impl CastMarker {
    /// The line of `main` the marker names, or why it names none.
    pub fn line_in(&self, main: &str) -> std::result::Result<usize, CastError> {
        let bad = |why: String| CastError::Marker {
            line: self.event_line,
            label: self.label.clone(),
            why,
        };
        let (file, line) = self
            .label
            .rsplit_once(':')
            .ok_or_else(|| bad(format!("is not `{main}:LINE`")))?;
        if file != main {
            return Err(bad(format!("names {file}, not {main}")));
        }
        line.parse::<usize>()
            .ok()
            .filter(|&line| line > 0)
            .ok_or_else(|| bad(format!("is not `{main}:LINE`")))
    }
}

/// The markers of a cast, in order, each with its place in the cast's text.
pub fn cast_markers(cast: &[u8]) -> std::result::Result<Vec<CastMarker>, CastError> {
    read_cast(cast).map(|(_, markers)| markers)
}

/// Where each step's output begins in `cast`, in order: (offset in the cast's text, first line of
/// the step of `main` as it is `now`). A marker names the line of code it began at when recorded;
/// with the header's `code_lines`, that is the same line of code now, wherever prose edits moved
/// it, and its step is the one holding it. Fails, naming the marker, when it names no line of
/// code (prose, or past the end), or, in a cast without `code_lines`, no step's first line.
pub fn step_places(
    cast: &[u8],
    main: &str,
    now: &StepLines,
) -> std::result::Result<Vec<(usize, usize)>, CastError> {
    let markers = cast_markers(cast)?;
    if markers.is_empty() {
        return Ok(Vec::new());
    }
    let recorded = recorded_code_lines(cast);
    markers
        .iter()
        .map(|marker| {
            let line = marker.line_in(main)?;
            let bad = |why: String| CastError::Marker {
                line: marker.event_line,
                label: marker.label.clone(),
                why,
            };
            let current = match &recorded {
                Some(recorded) => {
                    let nth = recorded.binary_search(&line).map_err(|_| {
                        bad(format!(
                            "names line {line}, where {main} had no code when recorded (a line of prose, or past its end)"
                        ))
                    })?;
                    *now.code.get(nth).ok_or_else(|| {
                        bad(format!("names line {line}, past the code {main} has now"))
                    })?
                }
                None if now.starts.contains(&line) => line,
                None => {
                    return Err(bad(format!(
                        "names line {line}, where no step of {main} begins (a line of prose, inside a step, or past its end)"
                    )));
                }
            };
            // Steps follow each other in the file: the step holding a line is the last one
            // beginning at or before it.
            let step = now.starts.partition_point(|&start| start <= current);
            let first = now.starts.get(step.wrapping_sub(1)).copied().unwrap_or(current);
            Ok((marker.offset, first))
        })
        .collect()
}

/// The `code_lines` of a cast's header, when it has them.
fn recorded_code_lines(cast: &[u8]) -> Option<Vec<usize>> {
    let header = cast.split(|&b| b == b'\n').next()?;
    let header: serde_json::Value = serde_json::from_slice(header).ok()?;
    let lines = header.get("code_lines")?.as_array()?;
    lines.iter().map(|n| n.as_u64().map(|n| n as usize)).collect()
}

/// The checks of [`cast_text`], giving its text and its markers.
fn read_cast(cast: &[u8]) -> std::result::Result<(String, Vec<CastMarker>), CastError> {
    let text = std::str::from_utf8(cast).map_err(CastError::NotUtf8)?;
    let mut lines = text.lines().enumerate();
    let Some((_, first)) = lines.next() else {
        return Err(CastError::Empty);
    };
    let header: serde_json::Value =
        serde_json::from_str(first).map_err(|e| CastError::HeaderNotJson(e.to_string()))?;
    if header.get("version").and_then(serde_json::Value::as_u64) != Some(2) {
        return Err(CastError::NotV2);
    }
    let mut last = 0.0;
    let mut shown = String::new();
    let mut markers = Vec::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| CastError::Event {
            line: index + 1,
            why: why.to_string(),
        };
        let event: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(&e.to_string()))?;
        let (time, kind, data) = match event.as_array().map(Vec::as_slice) {
            Some([time, kind, data]) => (time.as_f64(), kind.as_str(), data.as_str()),
            _ => (None, None, None),
        };
        let (Some(time), Some(kind), Some(data)) = (time, kind, data) else {
            return Err(bad("not an event [time, kind, data]"));
        };
        if time < last {
            return Err(bad(&format!("time {time} goes back from {last}")));
        }
        last = time;
        match kind {
            // Each event's CRLFs are read alone, so that a marker's offset is in the text's terms.
            "o" => shown.push_str(&data.replace("\r\n", "\n")),
            "m" => markers.push(CastMarker {
                event_line: index + 1,
                offset: shown.len(),
                label: data.to_string(),
            }),
            _ => {}
        }
    }
    Ok((shown.replace("\r\n", "\n"), markers))
}

/// Checks that `cast` is a cast showing exactly the text of `output_txt` (both with CRLF read as
/// LF), so that neither file can be edited without the other.
pub fn cast_agrees(cast: &[u8], output_txt: &[u8]) -> std::result::Result<(), CastError> {
    let shown = cast_text(cast)?;
    let recorded = String::from_utf8_lossy(output_txt).replace("\r\n", "\n");
    if shown == recorded {
        return Ok(());
    }
    let line = shown
        .split_inclusive('\n')
        .zip(recorded.split_inclusive('\n'))
        .take_while(|(a, b)| a == b)
        .count()
        + 1;
    Err(CastError::Disagrees { line })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// The cast of `output`, arrived at `events`, with `markers`, started at 7 s past the epoch.
    fn cast_of(output: &[u8], events: &[(Duration, usize)], markers: &[Marker], title: &str) -> String {
        let taken = Taken {
            output,
            events,
            markers,
        };
        let meta = Meta {
            timestamp: 7,
            title,
            main: "main.sh",
            code_lines: &[2, 3, 5, 9, 12],
        };
        cast(taken, &output_txt(output), meta)
    }

    fn marker(at: u64, offset: usize, line: u32) -> Marker {
        Marker {
            at: ms(at),
            offset,
            line,
        }
    }

    #[test]
    fn markers_stand_where_their_step_began_among_the_output() {
        let output = b"one\ntwo\r\nthree\n";
        // The second step began inside the first read, the third after the second read.
        let events = [(ms(10), 9), (ms(30), output.len())];
        let markers = [
            marker(1, 0, 2),
            marker(20, 4, 5),
            marker(25, 9, 9),
            marker(40, 15, 12),
        ];
        let cast = cast_of(output, &events, &markers, "t");
        let lines: Vec<_> = cast.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                r#"[0.001,"m","main.sh:2"]"#,
                r#"[0.01,"o","one\r\n"]"#,
                r#"[0.02,"m","main.sh:5"]"#,
                r#"[0.02,"o","two\r\n"]"#,
                r#"[0.025,"m","main.sh:9"]"#,
                r#"[0.03,"o","three\r\n"]"#,
                r#"[0.04,"m","main.sh:12"]"#,
            ]
        );
        cast_agrees(cast.as_bytes(), &output_txt(output)).unwrap();
        let read = cast_markers(cast.as_bytes()).unwrap();
        // Offsets are in output.txt's terms: the CRLF counts as one byte.
        let places: Vec<_> = read
            .iter()
            .map(|m| (m.event_line, m.offset, m.label.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                (2, 0, "main.sh:2"),
                (4, 4, "main.sh:5"),
                (6, 8, "main.sh:9"),
                (8, 14, "main.sh:12")
            ]
        );
        assert_eq!(read[1].line_in("main.sh"), Ok(5));
        let wrong = |label: &str| CastMarker {
            event_line: 3,
            offset: 0,
            label: label.into(),
        };
        assert_eq!(
            wrong("other.sh:5").line_in("main.sh").unwrap_err().to_string(),
            "output.cast line 3: the marker \"other.sh:5\" names other.sh, not main.sh"
        );
        assert!(wrong("main.sh:x").line_in("main.sh").is_err());
        assert!(wrong("main.sh:0").line_in("main.sh").is_err());
        assert!(wrong("chapter 1").line_in("main.sh").is_err());
    }

    #[test]
    fn markers_find_their_code_again_after_prose_edits_move_it() {
        let output = b"one\ntwo\n";
        let markers = [marker(1, 0, 2), marker(2, 4, 5)];
        let cast = cast_of(output, &[(ms(3), 8)], &markers, "t");
        assert!(
            cast.lines()
                .next()
                .unwrap()
                .contains(r#""code_lines":[2,3,5,9,12]"#)
        );
        // As recorded: the steps begin at lines 2 and 5.
        let same = StepLines {
            starts: vec![2, 5, 12],
            code: vec![2, 3, 5, 9, 12],
        };
        assert_eq!(
            step_places(cast.as_bytes(), "main.sh", &same),
            Ok(vec![(0, 2), (4, 5)])
        );
        // Two lines of prose added at the top, and a comment splitting the last step: the same
        // code lines, two lines down; line 5's code is now line 7.
        let moved = StepLines {
            starts: vec![4, 7, 11, 14],
            code: vec![4, 5, 7, 11, 14],
        };
        assert_eq!(
            step_places(cast.as_bytes(), "main.sh", &moved),
            Ok(vec![(0, 4), (4, 7)])
        );
        // A marker on a line that held no code, or with no code lines to read it by.
        let prose = cast.replace(r#""m","main.sh:5""#, r#""m","main.sh:4""#);
        assert_eq!(
            step_places(prose.as_bytes(), "main.sh", &same)
                .unwrap_err()
                .to_string(),
            "output.cast line 4: the marker \"main.sh:4\" names line 4, where main.sh had no code when recorded (a line of prose, or past its end)"
        );
        let bare = cast.replace(r#","code_lines":[2,3,5,9,12]"#, "");
        assert_eq!(
            step_places(bare.as_bytes(), "main.sh", &same),
            Ok(vec![(0, 2), (4, 5)])
        );
        let inside = bare.replace(r#""m","main.sh:5""#, r#""m","main.sh:3""#);
        assert!(step_places(inside.as_bytes(), "main.sh", &same).is_err());
        // Without markers there is nothing to place.
        let plain = cast_of(output, &[(ms(3), 8)], &[], "t");
        assert!(!plain.contains("code_lines"));
        assert_eq!(step_places(plain.as_bytes(), "main.sh", &same), Ok(vec![]));
    }

    #[test]
    fn output_txt_turns_crlf_into_lf_only() {
        assert_eq!(output_txt(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }

    #[test]
    fn events_keep_their_timings_and_never_split_a_character() {
        let output = "é€x\n".as_bytes();
        // Split inside "é" (2 bytes) and inside "€" (3 bytes).
        let cast = cast_of(
            output,
            &[(ms(10), 1), (ms(20), 3), (ms(30), output.len())],
            &[],
            "nbe run a/b/cli",
        );
        let lines: Vec<_> = cast.lines().collect();
        assert!(
            lines[0]
                .starts_with(r#"{"version":2,"width":80,"height":1,"timestamp":7,"title":"nbe run a/b/cli""#)
        );
        assert_eq!(lines[1], r#"[0.02,"o","é"]"#);
        assert_eq!(lines[2], r#"[0.03,"o","€x\r\n"]"#);
        assert_eq!(lines.len(), 3);
        cast_text(cast.as_bytes()).unwrap();
    }

    #[test]
    fn a_crlf_split_between_reads_stays_in_one_event() {
        let output = b"a\r\nb\r\n";
        let cast = cast_of(output, &[(ms(1), 2), (ms(2), output.len())], &[], "t");
        let lines: Vec<_> = cast.lines().collect();
        assert_eq!(lines[1], r#"[0.001,"o","a"]"#);
        assert_eq!(
            lines[2], r#"[0.002,"o","\r\nb\r\n"]"#,
            "one CRLF, not a CR and then a CRLF"
        );
        cast_agrees(cast.as_bytes(), &output_txt(output)).unwrap();
    }

    #[test]
    fn a_cast_agrees_with_its_output_txt_and_nothing_else() {
        let output = "one\ntwo é\nthree\n".as_bytes();
        let txt = output_txt(output);
        let events = [(ms(1), 3), (ms(2), 9), (ms(3), output.len())];
        let cast = cast_of(output, &events, &[], "t");
        cast_agrees(cast.as_bytes(), &txt).unwrap();
        cast_agrees(cast.as_bytes(), &output_txt(b"one\r\ntwo \xc3\xa9\r\nthree\r\n")).unwrap();
        let err = cast_agrees(cast.as_bytes(), b"one\ntwo e\nthree\n").unwrap_err();
        assert_eq!(err, CastError::Disagrees { line: 2 });
        assert!(
            cast_agrees(cast.as_bytes(), b"one\ntwo \xc3\xa9\n").is_err(),
            "a line missing"
        );
        let tampered = cast.replace("three", "four");
        assert!(cast_agrees(tampered.as_bytes(), &txt).is_err());
        // Input and marker events are not output.
        let with_input =
            "{\"version\": 2}\n[0.1, \"o\", \"a\\r\\n\"]\n[0.2, \"i\", \"typed\"]\n[0.3, \"m\", \"\"]\n";
        cast_agrees(with_input.as_bytes(), b"a\n").unwrap();
    }

    #[test]
    fn a_recording_lasts_until_its_last_event() {
        let dir = tempfile::tempdir().unwrap();
        let client = Client {
            path: "a/b/cli".into(),
            kind: crate::catalog::Kind::CLI,
            dir: dir.path().to_path_buf(),
            main: dir.path().join("main.sh"),
            requires: Vec::new(),
            hooks: false,
        };
        assert_eq!(duration(&client), None, "no cast, no duration");
        let output = b"one\ntwo\n";
        let text = cast_of(output, &[(ms(250), 4), (ms(11_600), 8)], &[], "t");
        std::fs::write(client.output_cast(), &text).unwrap();
        assert_eq!(duration(&client), Some(ms(11_600)));
        std::fs::write(client.output_cast(), "{\"version\": 2}\nnot json\n").unwrap();
        assert_eq!(duration(&client), None);
    }

    #[test]
    fn validation_rejects_broken_casts() {
        assert_eq!(cast_text(b""), Err(CastError::Empty));
        assert_eq!(cast_text(b"{\"version\": 1}\n"), Err(CastError::NotV2));
        let back = cast_text(b"{\"version\": 2}\n[1.0, \"o\", \"a\"]\n[0.5, \"o\", \"b\"]\n");
        assert_eq!(
            back.unwrap_err().to_string(),
            "output.cast line 3: time 0.5 goes back from 1"
        );
        assert!(cast_text(b"{\"version\": 2}\n[1.0, \"o\"]\n").is_err());
        assert!(matches!(
            cast_text(b"{\"version\": 2}\n\xff\n"),
            Err(CastError::NotUtf8(_))
        ));
    }

    #[test]
    fn the_terminal_fits_the_widest_table_and_a_screenful() {
        let row = format!("│{}│\n", "─".repeat(130));
        let output = row.repeat(60);
        let cast = cast_of(
            output.as_bytes(),
            &[(Duration::from_millis(5), output.len())],
            &[],
            "t",
        );
        let header: serde_json::Value = serde_json::from_str(cast.lines().next().unwrap()).unwrap();
        assert_eq!(header["width"], 132, "box-drawing characters are one column each");
        assert_eq!(header["height"], 40);
    }

    #[test]
    fn a_pending_recording_becomes_the_clients_when_accepted_and_goes_when_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let client = Client {
            path: "a/b/cli".into(),
            kind: crate::catalog::Kind::CLI,
            dir: dir.path().join("client"),
            main: dir.path().join("client/main.sh"),
            requires: Vec::new(),
            hooks: false,
        };
        std::fs::create_dir_all(&client.dir).unwrap();
        let pending = dir.path().join("snapshots/a/b/cli.snap.new");
        std::fs::create_dir_all(pending.parent().unwrap()).unwrap();
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(7);
        let taken = Taken {
            output: b"new\n",
            events: &[(ms(5), 4)],
            markers: &[],
        };
        write_pending(&client, &pending, taken, started).unwrap();
        std::fs::write(&pending, "pending").unwrap();
        assert!(accept_pending(&client, &pending).unwrap());
        assert_eq!(std::fs::read(client.output_txt()).unwrap(), b"new\n");
        let cast = std::fs::read(client.output_cast()).unwrap();
        assert_eq!(cast_agrees(&cast, b"new\n"), Ok(()));
        assert_eq!(
            std::fs::read_to_string(pending.with_extension("")).unwrap(),
            "pending"
        );
        let [txt, cast] = pending_files(&pending);
        assert!(!pending.exists() && !txt.exists() && !cast.exists());

        // Half a recording is not used, and does not stay; rejecting removes all of it.
        std::fs::write(&pending, "again").unwrap();
        std::fs::write(&txt, "half").unwrap();
        assert!(!accept_pending(&client, &pending).unwrap());
        assert!(!txt.exists());
        assert_eq!(std::fs::read(client.output_txt()).unwrap(), b"new\n");
        let taken = Taken {
            output: b"x\n",
            events: &[],
            markers: &[],
        };
        write_pending(&client, &pending, taken, started).unwrap();
        std::fs::write(&pending, "third").unwrap();
        remove_pending(&pending).unwrap();
        assert!(!pending.exists() && !txt.exists() && !cast.exists());
    }
}
