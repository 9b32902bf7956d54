//! Transport clean-up: what the terminal, pipes and leaked server logs add to the text.
//!
//! Runs first, on the raw capture, so that every later rule sees plain `\n`-separated lines
//! without colour codes, carriage returns or trailing spaces.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::placeholder;

/// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks) and two-byte escapes.
static ANSI: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?")
        .expect("valid ANSI regex")
});

/// A nats-server log line: optional `[pid]`, optional date and time, then a level tag.
static SERVER_LOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\[\d+\] )?(?:\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? )?\[(?:INF|WRN|ERR|DBG|TRC|FTL|SYS)\] ",
    )
    .expect("valid server log regex")
});

/// A cleaned line and its 1-based line number in the input. The text borrows from the input
/// unless cleaning changed more than trailing whitespace, so most lines are never copied.
pub(crate) type Line<'a> = (usize, Cow<'a, str>);

/// Splits `input` into clean lines, each paired with its 1-based line number in the input.
///
/// CRLF becomes LF; a lone CR keeps only what follows it (what a terminal shows when a progress
/// line is overwritten); ANSI escapes, private-use token characters and trailing whitespace are
/// removed. Trailing blank lines stay: [`trim_blank_end`] removes them once lines are dropped.
pub(crate) fn clean_lines(input: &str) -> Vec<Line<'_>> {
    let bytes = input.as_bytes();
    // Most lines have nothing to clean but trailing whitespace: no CR, no escape, no reserved
    // character (their UTF-8 starts with 0xEE) and no no-break space (0xC2 0xA0, where `µ` is
    // 0xC2 0xB5). Vectorized searches of the input find the next of each, and a line that ends
    // before both is only trimmed. Each search runs again only once a line passes its find, so
    // the input is read once by each.
    let nbsp_finder = memchr::memmem::Finder::new("\u{a0}");
    let special_from =
        |from: usize| memchr::memchr3(b'\r', 0x1b, 0xEE, &bytes[from..]).map_or(bytes.len(), |p| from + p);
    let nbsp_from = |from: usize| nbsp_finder.find(&bytes[from..]).map_or(bytes.len(), |p| from + p);
    let (mut special, mut nbsp) = (special_from(0), nbsp_from(0));
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
    let mut start = 0;
    for (i, raw) in input.split('\n').enumerate() {
        let end = start + raw.len();
        if special < start {
            special = special_from(start);
        }
        if nbsp < start {
            nbsp = nbsp_from(start);
        }
        let text = if special >= end && nbsp >= end {
            Cow::Borrowed(trim_end(raw))
        } else {
            clean_line(raw)
        };
        lines.push((i + 1, text));
        start = end + 1;
    }
    lines
}

/// `s` without trailing whitespace, as [`str::trim_end`] has it, with a fast path for the ASCII
/// whitespace that ends most lines.
fn trim_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    // The ASCII characters `char::is_whitespace` holds for.
    while end > 0 && matches!(bytes[end - 1], b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
        end -= 1;
    }
    if end > 0 && bytes[end - 1] >= 0x80 {
        // Perhaps a Unicode space: the general case.
        s[..end].trim_end()
    } else {
        &s[..end]
    }
}

/// Removes the blank lines at the end, including those a dropped last line leaves behind.
pub(crate) fn trim_blank_end(lines: &mut Vec<Line>) {
    while lines.last().is_some_and(|(_, l)| l.is_empty()) {
        lines.pop();
    }
}

/// Cleans one line (without its `\n`) that holds a CR, an escape, a reserved character or a
/// no-break space.
fn clean_line(raw: &str) -> Cow<'_, str> {
    // go-cmp diffs (`nats stream edit`) pick a regular or a no-break space at random, on
    // purpose, so that nobody parses them: a no-break space is read as a space.
    let spaced;
    let raw = if raw.contains('\u{a0}') {
        spaced = raw.replace('\u{a0}', " ");
        spaced.as_str()
    } else {
        raw
    };
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let stripped = strip_ansi(raw);
    // The last non-empty segment after a carriage return is what stays visible on a terminal.
    let visible = stripped.rsplit('\r').find(|s| !s.trim().is_empty()).unwrap_or("");
    let visible = visible.trim_end();
    // Reserved characters all encode with a leading 0xEE byte, which most lines do not have.
    if visible.as_bytes().contains(&0xEE) {
        let mut line: String = visible
            .chars()
            .filter(|c| !placeholder::is_reserved(*c))
            .collect();
        line.truncate(line.trim_end().len());
        Cow::Owned(line)
    } else {
        Cow::Owned(visible.to_owned())
    }
}

/// `s` without ANSI escape sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks) and
/// two-byte escapes. An OSC that is never terminated runs to the end of `s`, so apply this to one
/// line at a time.
pub(crate) fn strip_ansi(s: &str) -> Cow<'_, str> {
    if s.contains('\x1b') {
        ANSI.replace_all(s, "")
    } else {
        s.into()
    }
}

/// Returns true for nats-server log lines that leaked into the output.
pub(crate) fn is_server_log(line: &str) -> bool {
    // A log line starts with `[`, or with a digit of its date (`\d` is Unicode-aware, so any
    // non-ASCII byte may be one): most lines are ruled out by their first byte.
    line.as_bytes()
        .first()
        .is_some_and(|&b| b == b'[' || b.is_ascii_digit() || b >= 0x80)
        && line.contains("] ")
        && SERVER_LOG.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<String> {
        let mut lines = clean_lines(input);
        trim_blank_end(&mut lines);
        lines.into_iter().map(|(_, l)| l.into_owned()).collect()
    }

    #[test]
    fn crlf_becomes_lf() {
        assert_eq!(texts("a\r\nb\r\n"), ["a", "b"]);
    }

    #[test]
    fn lone_cr_keeps_the_visible_part() {
        assert_eq!(texts("10%\r50%\r100%\n"), ["100%"]);
        assert_eq!(texts("done\r\r\n"), ["done"]);
    }

    #[test]
    fn ansi_is_removed() {
        assert_eq!(
            texts("\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07"),
            ["red link"]
        );
    }

    #[test]
    fn trailing_space_and_blank_lines_are_dropped() {
        assert_eq!(texts("a  \n\nb\t\n\n\n"), ["a", "", "b"]);
    }

    #[test]
    fn reserved_characters_are_removed() {
        assert_eq!(texts("a\u{E000}b\u{E01F} \u{E020}"), ["ab \u{E020}"]);
    }

    #[test]
    fn no_break_spaces_become_spaces() {
        assert_eq!(
            texts("-\u{a0}\tMaxMsgsPer:\u{a0}\u{a0}-1,"),
            ["- \tMaxMsgsPer:  -1,"]
        );
    }

    #[test]
    fn line_numbers_follow_the_input() {
        assert_eq!(clean_lines("a\nb")[1], (2, Cow::Borrowed("b")));
    }

    #[test]
    fn server_logs_are_recognised() {
        assert!(is_server_log(
            "[1234] 2026/11/25 16:55:07.234195 [INF] Starting nats-server"
        ));
        assert!(is_server_log("2026/11/25 16:55:07.234195 [WRN] slow consumer"));
        assert!(is_server_log("[99] [ERR] boom"));
        assert!(!is_server_log("[#1] Received on \"a\""));
        assert!(!is_server_log("The [INF] tag marks info lines"));
    }
}
