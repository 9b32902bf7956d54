//! Recordings: `output.txt` (the raw merged output) and `output.cast` (an asciicast v2 session).
//!
//! The cast replays the output with the timings of the real run. Events never split a UTF-8
//! character, nor a CRLF: the bytes of an incomplete trailing character, and a trailing carriage
//! return, are carried into the next event.
//!
//! The two files must tell the same story: the text of a cast's output events, joined and with
//! CRLF read as LF, is exactly `output.txt` ([`cast_agrees`]). `nbe check`, and the site's badge
//! with it, hold a recording edited by hand to that.

use std::time::Duration;

use serde::Serialize;

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
}

/// What the run's terminal was.
#[derive(Serialize)]
#[serde(rename_all = "UPPERCASE")]
struct Env {
    shell: &'static str,
    term: &'static str,
}

/// An asciicast v2 recording of `output`, whose pieces arrived at `events` (time, end offset).
///
/// `txt` is [`output_txt`] of `output`, which sizes the terminal; `timestamp` is the start of the
/// run in Unix seconds; `title` is like `nbe run kv/put/cli`.
pub fn cast(output: &[u8], txt: &[u8], events: &[(Duration, usize)], timestamp: u64, title: &str) -> String {
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
        timestamp,
        title,
        env: Env {
            shell: "/bin/bash",
            term: "xterm-256color",
        },
    };
    let mut out = serde_json::to_string(&header).expect("a cast header serializes");
    out.push('\n');
    let mut start = 0;
    let mut carry: Vec<u8> = Vec::new();
    for &(at, end) in events {
        let end = end.min(output.len());
        if end <= start {
            continue;
        }
        carry.extend_from_slice(&output[start..end]);
        start = end;
        let mut complete = complete_len(&carry);
        // A carriage return may be the first half of a CRLF; its event would turn the LF after it
        // into a second CRLF, so it waits for what follows.
        if carry[..complete].ends_with(b"\r") {
            complete -= 1;
        }
        if complete == 0 {
            continue;
        }
        let rest = carry.split_off(complete);
        push_event(&mut out, at, &carry);
        carry = rest;
    }
    if !carry.is_empty() {
        let at = events.last().map(|(at, _)| *at).unwrap_or_default();
        push_event(&mut out, at, &carry);
    }
    out
}

/// Appends one output event; a terminal needs CRLF where the pipe carried LF.
fn push_event(out: &mut String, at: Duration, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\n', "\r\n");
    // Microseconds are what asciinema itself writes; more digits only add noise.
    let seconds = at.as_micros() as f64 / 1e6;
    let event = serde_json::json!([seconds, "o", text]);
    out.push_str(&event.to_string());
    out.push('\n');
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
/// read as LF. Fails, naming the line, unless `text` is a header and then events whose times
/// never go back.
pub fn cast_text(text: &str) -> Result<String, String> {
    let mut lines = text.lines().enumerate();
    let Some((_, first)) = lines.next() else {
        return Err("output.cast is empty".into());
    };
    let header: serde_json::Value =
        serde_json::from_str(first).map_err(|e| format!("output.cast line 1 is not JSON: {e}"))?;
    if header.get("version").and_then(serde_json::Value::as_u64) != Some(2) {
        return Err("output.cast line 1 is not an asciicast v2 header".into());
    }
    let mut last = 0.0;
    let mut shown = String::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| format!("output.cast line {}: {why}", index + 1);
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
        if kind == "o" {
            shown.push_str(data);
        }
    }
    Ok(shown.replace("\r\n", "\n"))
}

/// Checks that `cast` is a cast showing exactly the text of `output_txt` (both with CRLF read as
/// LF), so that neither file can be edited without the other.
pub fn cast_agrees(cast: &str, output_txt: &[u8]) -> Result<(), String> {
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
    Err(format!(
        "output.cast does not show what output.txt holds (they differ from line {line} of the output on); \
         one of them was edited or damaged"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn output_txt_turns_crlf_into_lf_only() {
        assert_eq!(output_txt(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }

    #[test]
    fn events_keep_their_timings_and_never_split_a_character() {
        let output = "é€x\n".as_bytes();
        // Split inside "é" (2 bytes) and inside "€" (3 bytes).
        let cast = cast(
            output,
            &output_txt(output),
            &[(ms(10), 1), (ms(20), 3), (ms(30), output.len())],
            7,
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
        cast_text(&cast).unwrap();
    }

    #[test]
    fn a_crlf_split_between_reads_stays_in_one_event() {
        let output = b"a\r\nb\r\n";
        let cast = cast(
            output,
            &output_txt(output),
            &[(ms(1), 2), (ms(2), output.len())],
            7,
            "t",
        );
        let lines: Vec<_> = cast.lines().collect();
        assert_eq!(lines[1], r#"[0.001,"o","a"]"#);
        assert_eq!(
            lines[2], r#"[0.002,"o","\r\nb\r\n"]"#,
            "one CRLF, not a CR and then a CRLF"
        );
        cast_agrees(&cast, &output_txt(output)).unwrap();
    }

    #[test]
    fn a_cast_agrees_with_its_output_txt_and_nothing_else() {
        let output = "one\ntwo é\nthree\n".as_bytes();
        let txt = output_txt(output);
        let events = [(ms(1), 3), (ms(2), 9), (ms(3), output.len())];
        let cast = cast(output, &txt, &events, 7, "t");
        cast_agrees(&cast, &txt).unwrap();
        cast_agrees(&cast, &output_txt(b"one\r\ntwo \xc3\xa9\r\nthree\r\n")).unwrap();
        let err = cast_agrees(&cast, b"one\ntwo e\nthree\n").unwrap_err();
        assert!(err.contains("from line 2"), "{err}");
        assert!(
            cast_agrees(&cast, b"one\ntwo \xc3\xa9\n").is_err(),
            "a line missing"
        );
        let tampered = cast.replace("three", "four");
        assert!(cast_agrees(&tampered, &txt).is_err());
        // Input and marker events are not output.
        let with_input =
            "{\"version\": 2}\n[0.1, \"o\", \"a\\r\\n\"]\n[0.2, \"i\", \"typed\"]\n[0.3, \"m\", \"\"]\n";
        cast_agrees(with_input, b"a\n").unwrap();
    }

    #[test]
    fn validation_rejects_broken_casts() {
        assert!(cast_text("").is_err());
        assert!(cast_text("{\"version\": 1}\n").is_err());
        assert!(cast_text("{\"version\": 2}\n[1.0, \"o\", \"a\"]\n[0.5, \"o\", \"b\"]\n").is_err());
        assert!(cast_text("{\"version\": 2}\n[1.0, \"o\"]\n").is_err());
    }

    #[test]
    fn the_terminal_fits_the_widest_table_and_a_screenful() {
        let row = format!("│{}│\n", "─".repeat(130));
        let output = row.repeat(60);
        let cast = cast(
            output.as_bytes(),
            &output_txt(output.as_bytes()),
            &[(Duration::from_millis(5), output.len())],
            7,
            "t",
        );
        let header: serde_json::Value = serde_json::from_str(cast.lines().next().unwrap()).unwrap();
        assert_eq!(header["width"], 132, "box-drawing characters are one column each");
        assert_eq!(header["height"], 40);
    }
}
