//! Value-shape redactions: volatile values recognised by how they look, wherever they appear.
//!
//! These run on text lines, key/value values and table cells that no column or key rule claimed.
//! Each rule is small and named; identifiers become tokens that [`super::placeholder`] numbers
//! once the document is in its final order.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::{Captures, Regex};

use super::document::Block;
use super::placeholder::Tokens;

/// How a match is rewritten.
enum Replace {
    /// A replacement string with `$name` expansion.
    With(&'static str),
    /// A function of the captures; returning `None` keeps the match (a shape check failed).
    Fn(fn(&Captures, &mut Tokens) -> Option<String>),
    /// A function of the whole match, for rules that need no group: finding matches is cheaper
    /// than capturing them.
    Whole(fn(&str, &mut Tokens) -> Option<String>),
    /// A fixed text for each match, unless configuration is named before it (see
    /// [`names_configuration`]): for durations, which are measurements or settings.
    Unconfigured(&'static str),
}

/// One named shape rule.
pub(crate) struct ShapeRule {
    /// The rule's name, as used in explanations and `disable:`.
    pub name: &'static str,
    /// A cheap test that holds for every text the regex matches: when it fails, the regex need
    /// not run. It sees what one scan of the text found (see [`Look`]).
    may_match: fn(&Look) -> bool,
    regex: Regex,
    /// The fewest bytes a match of `regex` spans: a shorter text cannot match.
    min_len: usize,
    replace: Replace,
}

/// Durations as Go prints them (`1.5s`, `5m2s`, `344ms`, `488.967µs`, `1h0m0s`, `2d3h`).
pub(crate) const DURATION: &str =
    r"\d+(?:\.\d+)?(?:ns|µs|μs|us|ms|s|m|h|d|y)(?:\d+(?:\.\d+)?(?:ns|µs|μs|us|ms|s|m|h))*";

/// A duration in a form that says it was measured rather than configured: a unit below the
/// second (`14ms`, `5.451061ms`, `1.2µs`, `350ns`), three or more decimals (`9.996026299s`,
/// `0.019572s`), or a fraction after minutes or hours (`1m2.5s`). Settings are round: `30s`,
/// `2m0s`, natscli's `30.00s`.
const MEASURED: &str =
    r"\b(?:[0-9]+(?:\.[0-9]+)?(?:ns|µs|μs|us|ms)|[0-9]+\.[0-9]{3,}[smh]|(?:[0-9]+[hm])+[0-9]+\.[0-9]+s)\b";

/// The ordered list of built-in shape rules.
///
/// Each rule's pre-check must hold whenever its regex matches (a unit test checks this on every
/// fixture line and on generated text); it only has to be cheap, not exact.
fn rules() -> Vec<ShapeRule> {
    let r = |name, may_match, pattern: &str, replace| ShapeRule {
        name,
        may_match,
        regex: Regex::new(pattern).unwrap_or_else(|e| panic!("built-in rule {name}: {e}")),
        min_len: regex_syntax::parse(pattern)
            .unwrap_or_else(|e| panic!("built-in rule {name}: {e}"))
            .properties()
            .minimum_len()
            .unwrap_or(usize::MAX),
        replace,
    };
    vec![
        r(
            "json-volatile",
            |l| l.json_key,
            r#""(uptime|rtt|now|start|config_load_time|mem|cpu|cores|gomaxprocs|git_commit|go|time|created|ts|active|last_active|idle|cid)"(\s*:\s*)(?:"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)"#,
            Replace::With(r#""$1"$2"[$1]""#),
        ),
        r(
            "timestamp",
            |l| l.digit_colon_digit && l.clock && l.date,
            // The hour may be one digit (Rust's `time` crate), the offset may hold seconds
            // (`+00:00:00`), and Java's `ZonedDateTime` adds its zone in brackets (`Z[UTC]`).
            r"\b\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}(?::?\d{2}){1,2})?(?:\[[A-Za-z0-9_/+:-]+\])?(?: [+-]\d{2}(?::?\d{2}){1,2})?(?: [A-Z]{3,5})?(?: m=[+-][0-9.]+)?",
            Replace::With("[timestamp]"),
        ),
        r(
            "date-text",
            |l| l.digit_colon_digit && l.clock && l.weekday,
            // `Date.toString()` and `toUTCString()` of JavaScript, C's `asctime` and `date`:
            // `Mon Dec 07 2026 03:13:56 GMT+0000 (Coordinated Universal Time)`,
            // `Mon, 07 Dec 2026 03:13:56 GMT`, `Mon Dec  7 03:13:57 UTC 2026`.
            r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +(?:\d{1,2} +[A-Z][a-z]{2}|[A-Z][a-z]{2} +\d{1,2})(?: +\d{4})? +\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?: (?:(?:GMT|UTC|[A-Z]{1,3}T)(?:[+-]\d{4})?|[+-]\d{4}))?(?: \([A-Za-z ]+\))?(?: \d{4})?",
            Replace::With("[timestamp]"),
        ),
        r(
            "clock",
            |l| l.digit_colon_digit && l.clock,
            r"\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b",
            Replace::With("[time]"),
        ),
        r(
            "nkey",
            |l| l.base32_run >= 56,
            r"\b[NACUOPX][A-Z2-7]{55}\b",
            Replace::Whole(|m, t| Some(t.token("id", m))),
        ),
        r(
            "nkey-seed",
            |l| l.base32_run >= 58,
            r"\bS[NACUOPX][A-Z2-7]{56}\b",
            Replace::Whole(|m, t| Some(t.token("seed", m))),
        ),
        r(
            "jwt",
            |l| l.holds("eyj"),
            r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
            Replace::Whole(|m, t| Some(t.token("jwt", m))),
        ),
        r(
            "inbox",
            |l| l.holds("_inbox"),
            // With a custom prefix too (`_INBOX_joe.`): every token after the prefix is masked on
            // its own, so a reply inbox keeps its connection's NUID (`_INBOX.[inbox-1].[inbox-2]`
            // and `_INBOX.[inbox-1].*`); a wildcard stays.
            r"\b(_INBOX(?:_[A-Za-z0-9_-]+)?)((?:\.[A-Za-z0-9_-]+)+)",
            Replace::Fn(|c, t| {
                let mut out = c[1].to_owned();
                for part in c[2].split('.').skip(1) {
                    out.push('.');
                    out.push_str(&t.token("inbox", part));
                }
                Some(out)
            }),
        ),
        r(
            "inbox",
            |l| l.alnum_22,
            // An inbox under a prefix of the program's own (`app.replies.<nuid>.<token>`): the
            // NUID and a made-up token after it (see `is_generated_token`) are inbox tokens.
            r"\b([A-Za-z0-9]{22})\.([A-Za-z0-9]+)\b",
            Replace::Fn(|c, t| {
                (is_nuid(&c[1]) && is_generated_token(&c[2]))
                    .then(|| format!("{}.{}", t.token("inbox", &c[1]), t.token("inbox", &c[2])))
            }),
        ),
        r(
            CONSUMER_NAME,
            |l| l.holds("consumer") || l.holds("durable") || l.holds("$js.ack."),
            // Where a consumer's name stands: after the word (`Created consumer Aq4BmB3v`,
            // `Consumer: ...`, natscli's `Consumer TICKETS > ...`), and in API and ack subjects.
            r#"(?:(?i:\b(?:consumer|durable)\b)(?: [A-Za-z0-9_-]+ > |:? +["'`]?)|\$JS\.API\.CONSUMER\.(?:MSG\.NEXT|DURABLE\.CREATE|LEADER\.STEPDOWN|[A-Z]+)\.[A-Za-z0-9_-]+\.|\$JS\.ACK\.[A-Za-z0-9_-]+\.)([A-Za-z0-9_-]+)"#,
            Replace::Fn(|c, t| {
                let name = c.get(1)?;
                is_generated_name(name.as_str()).then(|| {
                    let prefix = &c[0][..name.start() - c.get(0).map_or(0, |m| m.start())];
                    format!("{prefix}{}", t.token("consumer", name.as_str()))
                })
            }),
        ),
        r(
            "ack-timestamp",
            |l| l.holds("$js.ack."),
            // The ack subject of a JetStream message carries the time it was stored, in
            // nanoseconds; the sequence numbers around it are kept.
            r"(\$JS\.ACK\.(?:[^.\s]+\.)+?)\d{16,}\b",
            Replace::With("${1}[ts]"),
        ),
        r(
            "raft-group",
            |l| l.holds("-r"),
            r"\b([SCM]-R\d+[FM]-)([A-Za-z0-9]{8})\b",
            Replace::Fn(|c, t| Some(format!("{}{}", &c[1], t.token("group", &c[2])))),
        ),
        r(
            "nuid",
            |l| l.alnum_22,
            r"\b[A-Za-z0-9]{22}\b",
            Replace::Whole(|m, t| (is_nuid(m) || t.is_known_nuid(m)).then(|| t.token("nuid", m))),
        ),
        r(
            "ephemeral-port",
            |l| l.colon_five_digits,
            r"\b((?:\d{1,3}\.){3}\d{1,3}|localhost|\[::1\]):(\d{5})\b",
            Replace::Fn(|c, _| {
                let port: u32 = c[2].parse().ok()?;
                (port >= 32768).then(|| format!("{}:[port]", &c[1]))
            }),
        ),
        r(
            "server-seq",
            |l| l.holds("\"seq\""),
            r#""seq"(\s*:\s*)\d+(,\s*"time")"#,
            Replace::With(r#""seq"$1"[seq]"$2"#),
        ),
        r(
            "json-port",
            |l| l.holds("\"port\""),
            r#""port"(\s*:\s*)(\d{5})\b"#,
            Replace::Fn(|c, _| {
                let port: u32 = c[2].parse().ok()?;
                (port >= 32768).then(|| format!(r#""port"{}"[port]""#, &c[1]))
            }),
        ),
        r(
            "backup-size",
            |l| l.holds("compressed"),
            r"\b\d[\d.,]* [KMGTP]?i?B (compressed|uncompressed)\b",
            Replace::With("[size] $1"),
        ),
        r(
            "ip",
            |l| l.digit_dots >= 3,
            r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
            Replace::Whole(|m, _| (!matches!(m, "127.0.0.1" | "0.0.0.0")).then(|| "[ip]".to_owned())),
        ),
        r(
            "sandbox-path",
            |l| l.holds("/nbe-"),
            // nbe's own run directory (`<temp dir>/nbe-XXXXXX/`, see `runner::sandbox`): `HOME`,
            // `TMPDIR` and the working directory of the run, wherever the temp dir is, so that
            // `/tmp/nbe-aw16Hf/home/.config` reads as `/root/.config` or `/home/ann/.config` does.
            // A file `mktemp` makes there (`tmp.Kg8vc9NSw2`) is masked with it, as `tmp-path` does.
            r"(?:/[^/\s\x22',;)\]]+)*/nbe-[A-Za-z0-9]{6}/(home|tmp|work)\b(?:/tmp\.[A-Za-z0-9]{10}\b)?",
            Replace::With("[$1]"),
        ),
        r(
            "tmp-path",
            |l| l.holds("/tmp/") || l.holds("/var/folders/"),
            r"(?:/private)?(?:/var/folders/[^/\s]+/[^/\s]+/T|/tmp)/[^/\s\x22',;)\]]+",
            Replace::With("[tmp]"),
        ),
        r(
            "home-path",
            |l| l.holds("/home/") || l.holds("/users/") || l.holds("/root"),
            r"/(?:home|Users)/[^/\s\x22',;)\]]+|/root\b",
            Replace::With("[home]"),
        ),
        r(
            "ago",
            |l| l.holds(" ago"),
            &format!(r"\b{DURATION} ago\b"),
            Replace::With("[duration] ago"),
        ),
        r(
            "elapsed",
            |l| l.space_digit && (l.holds("took ") || l.holds("in ") || l.holds("after ")),
            &format!(r"\b(took|in|after) {DURATION}\b"),
            Replace::With("$1 [duration]"),
        ),
        r(
            "perfdata",
            |l| l.holds("_time="),
            r"\b([a-z_]+_time)=[0-9.]+s\b",
            Replace::With("$1=[duration]"),
        ),
        r(
            "paren-duration",
            |l| l.paren_digit,
            &format!(r"\({DURATION}\)"),
            Replace::With("([duration])"),
        ),
        r(
            "rtt",
            |l| l.holds("rtt"),
            &format!(r"(?i)\b(rtt(?: time)?[:=]? ?){DURATION}"),
            Replace::With("${1}[rtt]"),
        ),
        r(
            "url-rtt",
            |l| l.holds("://"),
            &format!(r"^(\s*[a-z]+://\S+: ){DURATION}$"),
            Replace::With("${1}[rtt]"),
        ),
        r(
            "bench-rate",
            |l| l.holds("/sec"),
            r"\b\d[\d,]*(?:\.\d+)? (msgs|[KMGT]?i?B)/sec\b",
            // The unit of a byte rate follows its size (`486 KiB/sec` on a slow run, `2 MiB/sec`
            // on a fast one), so it goes with the number; `msgs` never changes.
            Replace::Fn(|c, _| {
                Some(if &c[1] == "msgs" {
                    "[rate] msgs/sec".to_owned()
                } else {
                    "[size]/sec".to_owned()
                })
            }),
        ),
        r(
            "bench-stat",
            |l| l.p_digit || l.holds("min") || l.holds("avg") || l.holds("max") || l.holds("stddev"),
            r"\b(min|avg|max|stddev|P\d+(?:\.\d+)?)(:? )\d[\d,]*(?:\.\d+)?(?:ns|µs|μs|us|ms|s)?",
            Replace::With("${1}${2}[stat]"),
        ),
        r(
            "progress",
            |l| l.percent_last && l.bracket,
            r"^(\s*\w+)\s+\S+ \[[=>\- ]*\]\s+\d+%$",
            Replace::With("$1 [progress]"),
        ),
        r(
            "bracket-duration",
            |l| l.bracket_digit,
            // A duration alone in brackets is a timing note (`[9.99s]`, `[1.2ms]`).
            &format!(r"\[{}\]", DURATION.replace(r"\d", "[0-9]")),
            Replace::With("[duration]"),
        ),
        r(
            "measured-duration",
            |l| l.measured,
            // Durations as Go, Rust (`{:?}`) and most programs print them, in a form that says
            // they were measured (see `MEASURED`).
            MEASURED,
            Replace::Unconfigured("[duration]"),
        ),
        r(
            "iso-duration",
            |l| l.holds("pt"),
            // Java's `Duration` (`PT0.686768867S`, `PT1M2.5S`): with a fraction of a second it was
            // measured; a whole one (`PT30S`) is a setting.
            r"\bPT(?:\d+H)?(?:\d+M)?\d+\.\d+S\b",
            Replace::With("[duration]"),
        ),
        r(
            "timedelta",
            |l| l.digit_colon_digit && l.dot_six,
            // Python's `timedelta` (`0:00:00.019583`): a clock-shaped duration with microseconds.
            r"\b[0-9]+:[0-9]{2}:[0-9]{2}\.[0-9]{6}\b",
            Replace::With("[duration]"),
        ),
    ]
}

/// The literals the pre-checks ask about, in lower case: one scan finds them all, ignoring
/// ASCII case (the `rtt` rule ignores case; for the others a literal found in another case only
/// means the regex runs for nothing).
const LITERALS: [&str; 28] = [
    "eyj",
    "_inbox",
    "consumer",
    "durable",
    "$js.ack.",
    "/nbe-",
    "pt",
    "-r",
    "\"seq\"",
    "\"port\"",
    "compressed",
    "/tmp/",
    "/var/folders/",
    "/home/",
    "/users/",
    "/root",
    " ago",
    "took ",
    "in ",
    "after ",
    "_time=",
    "rtt",
    "://",
    "/sec",
    "min",
    "avg",
    "max",
    "stddev",
];

// Each literal has its bit in `Look::literals`.
const _: () = assert!(LITERALS.len() <= 32);

static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        // Texts are short and many: a full DFA spends the least time per text.
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(LITERALS)
        .expect("valid literals")
});

/// What one scan of a text found: the facts the rules' pre-checks test.
#[derive(Debug, Default)]
pub(crate) struct Look {
    /// Bit `i` is set when the `i`th of [`LITERALS`] occurs.
    literals: u32,
    /// A `"`.
    quote: bool,
    /// One of [`JSON_KEYS`] in quotes, then a colon (with only spaces between).
    json_key: bool,
    /// A `-` or `/` with a digit on either side (as in `2026-11-25`).
    date: bool,
    /// A `:` with a digit on either side and another `:` two digits on (as in `16:55:07`).
    clock: bool,
    /// A `:` between two digits (`16:55`).
    digit_colon_digit: bool,
    /// How many `.` stand between two digits (`127.0.0.1` has three), up to 255.
    digit_dots: u8,
    /// The longest run of base-32 characters (`A-Z`, `2-7`).
    base32_run: usize,
    /// A run of exactly 22 ASCII letters and digits, with no letter or digit on either side.
    alnum_22: bool,
    /// A `:` followed by five digits.
    colon_five_digits: bool,
    /// A `(` followed by a digit.
    paren_digit: bool,
    /// A `P` followed by a digit (`P99`).
    p_digit: bool,
    /// A space followed by a digit.
    space_digit: bool,
    /// The text ends with `%`.
    percent_last: bool,
    /// A `[`.
    bracket: bool,
    /// A `[` followed by a digit.
    bracket_digit: bool,
    /// A `.` between digits with at least six digits after it (microseconds).
    dot_six: bool,
    /// A number ending in what a measured duration ends in (see [`MEASURED`]): a unit below
    /// the second, or `s`, `m` or `h` after three decimals or after a fraction following `m` or
    /// `h`.
    measured: bool,
    /// A weekday's abbreviation before a space or a comma (`Mon `, `Tue,`).
    weekday: bool,
}

/// Byte classes for [`Look::new`], one bit each.
const DIGIT: u8 = 1;
/// `A-Z` and `2-7`.
const BASE32: u8 = 2;
const ALNUM: u8 = 4;
/// A byte a pre-check looks at more closely: `"`, `:`, `.`, `(`, `P`, space, `[`, `-` and `/`.
const MARK: u8 = 8;

/// The JSON keys the `json-volatile` rule masks the values of.
const JSON_KEYS: [&str; 18] = [
    "uptime",
    "rtt",
    "now",
    "start",
    "config_load_time",
    "mem",
    "cpu",
    "cores",
    "gomaxprocs",
    "git_commit",
    "go",
    "time",
    "created",
    "ts",
    "active",
    "last_active",
    "idle",
    "cid",
];

/// The class bits of every byte.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut class = 0;
        if c.is_ascii_digit() {
            class |= DIGIT;
        }
        if c.is_ascii_uppercase() || (c >= b'2' && c <= b'7') {
            class |= BASE32;
        }
        if c.is_ascii_alphanumeric() {
            class |= ALNUM;
        }
        if matches!(c, b'"' | b':' | b'.' | b'(' | b'P' | b' ' | b'[' | b'-' | b'/') {
            class |= MARK;
        }
        table[i] = class;
        i += 1;
    }
    table
};

impl Look {
    /// Scans `s` once.
    pub(crate) fn new(s: &str) -> Look {
        let b = s.as_bytes();
        let mut look = Look {
            percent_last: b.last() == Some(&b'%'),
            ..Look::default()
        };
        let is_digit = |i: usize| b.get(i).is_some_and(|&c| CLASS[usize::from(c)] & DIGIT != 0);
        // What a regex's `\d` can be next to: an ASCII digit or a byte of a non-ASCII character
        // (`\d` is Unicode-aware). Facts built on it never rule out a match.
        let digitish = |i: usize| b.get(i).is_some_and(|&c| c >= 0x80 || c.is_ascii_digit());
        let (mut base32, mut alnum) = (0usize, 0usize);
        for (i, &c) in b.iter().enumerate() {
            let class = CLASS[usize::from(c)];
            if class & MARK != 0 {
                match c {
                    b'"' => look.quote = true,
                    b':' => {
                        look.digit_colon_digit |= i > 0 && is_digit(i - 1) && is_digit(i + 1);
                        look.colon_five_digits |= (1..=5).all(|k| is_digit(i + k));
                        // Two digits are two to eight bytes: the next colon is 3 to 9 bytes on.
                        look.clock |= i > 0
                            && digitish(i - 1)
                            && digitish(i + 1)
                            && b.get(i + 3..b.len().min(i + 10))
                                .is_some_and(|r| r.contains(&b':'));
                        look.json_key |= look.quote && Self::json_key_before(&b[..i]);
                    }
                    b'-' | b'/' => look.date |= i > 0 && digitish(i - 1) && digitish(i + 1),
                    b'.' if i > 0 && is_digit(i - 1) && is_digit(i + 1) => {
                        look.digit_dots = look.digit_dots.saturating_add(1);
                        look.dot_six |= (2..=6).all(|k| is_digit(i + k));
                    }
                    b'(' => look.paren_digit |= is_digit(i + 1),
                    b'P' => look.p_digit |= is_digit(i + 1),
                    b' ' => {
                        look.space_digit |= is_digit(i + 1);
                        // A weekday is a capital and two small letters (and maybe a comma).
                        look.weekday |= i >= 3
                            && (b[i - 3].is_ascii_uppercase() || b[i - 1] == b',')
                            && Self::weekday_before(&b[..i]);
                    }
                    b'[' => {
                        look.bracket = true;
                        look.bracket_digit |= is_digit(i + 1);
                    }
                    _ => {}
                }
            }
            // Most digits are followed by another digit, a space or a dot: no unit to look at.
            if class & DIGIT != 0
                && !look.measured
                && matches!(b.get(i + 1), Some(b'n' | b'u' | b'm' | b's' | b'h' | 0xC2 | 0xCE))
            {
                look.measured = Self::measured_at(b, i);
            }
            if class & BASE32 != 0 {
                base32 += 1;
            } else {
                look.base32_run = look.base32_run.max(base32);
                base32 = 0;
            }
            if class & ALNUM != 0 {
                alnum += 1;
            } else {
                look.alnum_22 |= alnum == 22;
                alnum = 0;
            }
        }
        look.base32_run = look.base32_run.max(base32);
        look.alnum_22 |= alnum == 22;
        for found in FINDER.find_overlapping_iter(s) {
            let (id, end) = (found.pattern().as_usize(), found.end());
            // The rules that use these words want a number after them.
            let counts = match LITERALS[id] {
                "took " | "in " | "after " | "pt" => digitish(end),
                "min" | "avg" | "max" | "stddev" => {
                    let end = if b.get(end) == Some(&b':') { end + 1 } else { end };
                    b.get(end) == Some(&b' ') && digitish(end + 1)
                }
                _ => true,
            };
            if counts {
                look.literals |= 1 << id;
            }
        }
        look
    }

    /// Returns true if `before`, the text before a colon, ends with one of [`JSON_KEYS`] in quotes and
    /// then nothing but whitespace. Any non-ASCII byte counts as whitespace, as `\s` knows Unicode
    /// spaces.
    fn json_key_before(before: &[u8]) -> bool {
        let end = before
            .iter()
            .rposition(|&c| !(c >= 0x80 || c.is_ascii_whitespace() || c == 0x0B))
            .map_or(0, |p| p + 1);
        let Some(quoted) = before[..end].strip_suffix(b"\"") else {
            return false;
        };
        JSON_KEYS.iter().any(|k| {
            quoted
                .strip_suffix(k.as_bytes())
                .is_some_and(|rest| rest.ends_with(b"\""))
        })
    }

    /// Returns true if the digit at `i` ends a measured duration's number (see [`MEASURED`]).
    fn measured_at(b: &[u8], i: usize) -> bool {
        match &b[i + 1..] {
            [b'n' | b'u' | b'm', b's', ..] | [0xC2, 0xB5, b's', ..] | [0xCE, 0xBC, b's', ..] => true,
            [unit @ (b's' | b'm' | b'h'), ..] => {
                let digits = |end: usize| b[..end].iter().rev().take_while(|c| c.is_ascii_digit()).count();
                let decimals = digits(i + 1);
                let Some(dot) = (i + 1 - decimals).checked_sub(1).filter(|&d| b[d] == b'.') else {
                    return false;
                };
                let whole = digits(dot);
                decimals >= 3
                    || (*unit == b's'
                        && whole > 0
                        && dot > whole
                        && matches!(b[dot - whole - 1], b'm' | b'h'))
            }
            _ => false,
        }
    }

    /// Returns true if `before`, the text before a space, ends with a weekday's abbreviation,
    /// or with one and a comma.
    fn weekday_before(before: &[u8]) -> bool {
        let before = before.strip_suffix(b",").unwrap_or(before);
        before.len() >= 3
            && [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"]
                .iter()
                .any(|d| before.ends_with(*d))
    }

    /// Returns true if `literal` (one of [`LITERALS`]) occurs, in any ASCII case.
    fn holds(&self, literal: &str) -> bool {
        self.literals != 0
            && LITERALS
                .iter()
                .position(|l| *l == literal)
                .is_some_and(|i| self.literals & (1 << i) != 0)
    }
}

/// Returns true for a whole value shaped like a NUID (see [`is_nuid`]). Id columns use it to give
/// NUIDs the class the `nuid` rule gives them.
pub(crate) fn is_whole_nuid(s: &str) -> bool {
    is_base62_22(s) && is_nuid(s)
}

/// Returns true for 22 base-62 characters: the length and alphabet of a NUID, whatever its case.
fn is_base62_22(s: &str) -> bool {
    s.len() == 22 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Collects the values that stand where only a NUID stands, so that the `nuid` rule masks them
/// everywhere even when their shape is ambiguous (a NUID without a digit whose case happens to
/// look like joined words):
/// - 22 base-62 characters in an `ID` column (service instances in `nats service ls` and
///   `stats`);
/// - the id after a service's name in `nats service info` (`Service: greeter (ID)`);
/// - the id after a service's name in a `nats service ping` reply (`greeter ID  rtt=...`).
pub(crate) fn known_nuids(blocks: &[Block]) -> HashSet<String> {
    static PING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\S+ ([A-Za-z0-9]{22}) +rtt=").expect("valid ping regex"));
    static SERVICE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\S+ \(([A-Za-z0-9]{22})\)$").expect("valid service regex"));
    static RTT: LazyLock<memchr::memmem::Finder> = LazyLock::new(|| memchr::memmem::Finder::new("rtt="));
    let mut found = HashSet::new();
    for block in blocks {
        match block {
            Block::Line(_, text) => {
                if let Some(c) = RTT.find(text.as_bytes()).and_then(|_| PING.captures(text)) {
                    found.insert(c[1].to_owned());
                }
            }
            Block::Keys(keys) => {
                for item in keys.items.iter().filter(|i| i.key == "Service") {
                    if let Some(c) = SERVICE.captures(&item.value) {
                        found.insert(c[1].to_owned());
                    }
                }
            }
            Block::Table(table) => {
                let Some(header) = table.header.first() else {
                    continue;
                };
                for (column, _) in header.cells.iter().enumerate().filter(|(_, h)| *h == "ID") {
                    let cells = table.body.iter().filter_map(|row| row.cells.get(column));
                    found.extend(cells.filter(|c| is_base62_22(c)).map(|c| c.to_string()));
                }
            }
        }
    }
    found
}

/// NUIDs are 22 random characters: base 62 in most client libraries, capitals and digits in
/// nats.c (checked first). Letters of both cases and a digit keep ordinary long
/// words out. About one NUID in fifty has no digit; then the case must look random rather than
/// like the capitals of joined words (`SubjectDeleteMarkerTTL`, `AllowDirectAccessToAll`): at least
/// two places where a lone lower-case letter stands between capitals, or two capitals follow each
/// other before the end. Joined words have almost none; random case has several.
fn is_nuid(s: &str) -> bool {
    let bytes = s.as_bytes();
    let has = |f: fn(&u8) -> bool| bytes.iter().any(f);
    // nats.c draws from capitals and digits only; a random one of 22 holds both.
    if !has(u8::is_ascii_lowercase) {
        return has(u8::is_ascii_uppercase) && has(u8::is_ascii_digit);
    }
    if !has(u8::is_ascii_uppercase) {
        return false;
    }
    if has(u8::is_ascii_digit) {
        return true;
    }
    let upper = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_none_or(u8::is_ascii_uppercase);
    let lone_lower = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_lowercase() && upper(i.checked_sub(1)) && upper(Some(i + 1)))
        .count();
    // Runs of two or more capitals that end before the last character (a trailing acronym is
    // common in identifiers).
    let capital_runs = (1..bytes.len() - 1)
        .filter(|&i| {
            bytes[i - 1].is_ascii_uppercase()
                && bytes[i].is_ascii_uppercase()
                && !bytes[i + 1].is_ascii_uppercase()
        })
        .count();
    lone_lower + capital_runs >= 2
}

/// The compiled shape rules.
pub(crate) struct Shapes {
    rules: Vec<ShapeRule>,
    /// The fewest bytes any rule can match: nearly half the texts that reach the rules are
    /// shorter (`0`, `c1`, `R3` in table cells).
    min_len: usize,
}

static BUILT_IN: LazyLock<Shapes> = LazyLock::new(|| {
    let rules = rules();
    let min_len = rules.iter().map(|r| r.min_len).min().unwrap_or(0);
    Shapes { rules, min_len }
});

/// The names of the shape rules, in order.
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.rules.iter().map(|r| r.name)
}

/// The built-in shapes.
pub(crate) fn built_in() -> &'static Shapes {
    &BUILT_IN
}

impl Shapes {
    /// Applies every enabled rule to `s`, calling `fired` with the name of each rule that changed it.
    /// `label` names what `s` is the value of (a column header or a key; empty for a line): a
    /// label naming configuration keeps its durations.
    ///
    /// A rule applies where its regex matches the text as it was before any rule changed it, so a
    /// placeholder one rule writes never counts as a match of a later rule.
    pub(crate) fn apply<'a>(
        &self,
        s: &mut Cow<'a, str>,
        label: &str,
        tokens: &mut Tokens,
        enabled: &dyn Fn(&str) -> bool,
        fired: &mut dyn FnMut(&'static str),
    ) {
        // The value of a `Consumer:` or `Durable Name:` key is a name all by itself.
        if is_consumer_label(label) && enabled(CONSUMER_NAME) && is_generated_name(s) {
            *s = Cow::Owned(tokens.token("consumer", s));
            fired(CONSUMER_NAME);
            return;
        }
        // Most cells and lines hold nothing volatile; one look at the bytes rules them out.
        if s.len() < self.min_len || !may_be_volatile(s) {
            return;
        }
        let look = Look::new(s);
        // The text before the first change, once there was one.
        let mut original: Option<Cow<'a, str>> = None;
        for rule in &self.rules {
            // Most texts that pass a pre-check hold a match (three in four on the mix), so the
            // replacement is what looks for it: an `is_match` first would search twice.
            if s.len() < rule.min_len || !(rule.may_match)(&look) || !enabled(rule.name) {
                continue;
            }
            let out = match &rule.replace {
                Replace::With(with) => rule.regex.replace_all(s, *with),
                Replace::Fn(f) => rule
                    .regex
                    .replace_all(s, |c: &Captures| f(c, tokens).unwrap_or_else(|| c[0].to_owned())),
                Replace::Whole(f) => replace_matches(&rule.regex, s, |_, m| f(m, tokens)),
                Replace::Unconfigured(with) => {
                    let text: &str = s;
                    replace_matches(&rule.regex, s, |start, _| {
                        (!names_configuration(label) && !names_configuration(&text[..start]))
                            .then(|| (*with).to_owned())
                    })
                }
            };
            // Checked only when the rule would change something: most candidates match nothing.
            if let Cow::Owned(out) = out
                && out != *s
                && original.as_ref().is_none_or(|o| rule.regex.is_match(o))
            {
                let before = std::mem::replace(s, Cow::Owned(out));
                original.get_or_insert(before);
                fired(rule.name);
            }
        }
    }
}

/// `s` with every match of `regex` replaced by `f` of it (or kept, when `f` gives `None`), as
/// [`Regex::replace_all`] does with a closure, without capturing groups: borrowed when nothing
/// matched.
/// `f` is given where the match starts too.
fn replace_matches<'s>(
    regex: &Regex,
    s: &'s str,
    mut f: impl FnMut(usize, &str) -> Option<String>,
) -> Cow<'s, str> {
    let mut out = String::new();
    let (mut last, mut matched) = (0, false);
    for m in regex.find_iter(s) {
        matched = true;
        out.push_str(&s[last..m.start()]);
        match f(m.start(), m.as_str()) {
            Some(with) => out.push_str(&with),
            None => out.push_str(m.as_str()),
        }
        last = m.end();
    }
    if !matched {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// A cheap first look for [`Shapes::apply`]: every shape holds a digit, `_`, `/` or `"`, except a
/// NUID without a digit, which is a run of 22 letters, and a consumer name without one, which
/// follows the word `consumer` or `durable`. False means no rule can match.
fn may_be_volatile(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut letters = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() || matches!(b, b'_' | b'/' | b'"') {
            return true;
        }
        if b.is_ascii_alphabetic() {
            letters += 1;
            if letters == 22 {
                return true;
            }
            // `consumer` or `durable`, in any case, found by their `u`.
            if b.eq_ignore_ascii_case(&b'u')
                && (ends_word(bytes, i, b"cons", b"mer") || ends_word(bytes, i, b"d", b"rable"))
            {
                return true;
            }
        } else {
            letters = 0;
        }
    }
    false
}

/// Returns true if `before`, the byte at `i` and `after` spell a word there, in any ASCII case.
fn ends_word(bytes: &[u8], i: usize, before: &[u8], after: &[u8]) -> bool {
    i >= before.len()
        && bytes[i - before.len()..i].eq_ignore_ascii_case(before)
        && bytes
            .get(i + 1..i + 1 + after.len())
            .is_some_and(|a| a.eq_ignore_ascii_case(after))
}

/// Words that say a duration is configuration (`Ack Wait`, `Duplicate Window`), not a
/// measurement.
const CONFIG_WORDS: [&str; 12] = [
    "wait",
    "window",
    "timeout",
    "max",
    "ttl",
    "frequency",
    "backoff",
    "interval",
    "heartbeat",
    "delay",
    "limit",
    "duration",
];

/// Returns true if `s` holds one of [`CONFIG_WORDS`], in any ASCII case.
pub(crate) fn names_configuration(s: &str) -> bool {
    CONFIG_WORDS.iter().any(|w| {
        s.as_bytes()
            .windows(w.len())
            .any(|part| part.eq_ignore_ascii_case(w.as_bytes()))
    })
}

/// Returns true for a token a client library made up after an inbox's NUID (the 8 characters
/// of nats.go's reply tokens, or a NUID): 6 or more letters and digits with mixed case, or with
/// both letters and digits. A file extension or a word (`json`, `replies`) is no such token.
fn is_generated_token(token: &str) -> bool {
    let b = token.as_bytes();
    let has = |f: fn(&u8) -> bool| b.iter().any(f);
    b.len() >= 6
        && ((has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase))
            || (has(u8::is_ascii_alphabetic) && has(u8::is_ascii_digit)))
}

/// The rule masking generated consumer names.
const CONSUMER_NAME: &str = "consumer-name";

/// Returns true for the keys whose value is a consumer's name (`Consumer`, `Durable Name`).
fn is_consumer_label(label: &str) -> bool {
    ["consumer", "consumer name", "durable", "durable name"]
        .iter()
        .any(|l| label.eq_ignore_ascii_case(l))
}

/// Returns true for a consumer name a client library or the server made up: 8 to 10 characters
/// of base 62 (with `-` and `_`, the server's alphabet) with mixed case, or with a digit before
/// its trailing digits. Names a person gives (`processor`, `worker12`, `ORDERS01`) are kept.
fn is_generated_name(name: &str) -> bool {
    let b = name.as_bytes();
    if !(8..=10).contains(&b.len())
        || !b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
    {
        return false;
    }
    let has = |f: fn(&u8) -> bool| b.iter().any(f);
    let head = name.trim_end_matches(|c: char| c.is_ascii_digit()).as_bytes();
    (has(u8::is_ascii_uppercase) && has(u8::is_ascii_lowercase)) || head.iter().any(u8::is_ascii_digit)
}

/// Returns true if `s` is exactly one duration (`1.23s`, `5m2s`, `0s`).
pub(crate) fn is_duration(s: &str) -> bool {
    static WHOLE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("^{DURATION}$")).expect("valid duration regex"));
    // Every unit ends with one of these letters: most numbers are ruled out without the regex.
    s.starts_with(|c: char| c.is_ascii_digit()) && s.ends_with(['s', 'm', 'h', 'd', 'y']) && WHOLE.is_match(s)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    fn apply(s: &str) -> (String, Vec<&'static str>) {
        let mut s = Cow::Borrowed(s);
        let mut fired = Vec::new();
        built_in().apply(&mut s, "", &mut Tokens::default(), &|_| true, &mut |n| {
            fired.push(n)
        });
        (super::super::placeholder::erase(&s).into_owned(), fired)
    }

    fn check(rule: &str, input: &str, want: &str) {
        let (got, fired) = apply(input);
        assert_eq!(got, want, "{input}");
        assert!(fired.contains(&rule), "{rule} did not fire on {input}: {fired:?}");
    }

    #[test]
    fn timestamp() {
        check("timestamp", "created 2026-11-25 16:57:01", "created [timestamp]");
        check(
            "timestamp",
            "\"t\": \"2026-11-25T16:57:01.123456789Z\"",
            "\"t\": \"[timestamp]\"",
        );
        check("timestamp", "at 2026-11-25T16:57:01+01:00.", "at [timestamp].");
        check("timestamp", "2026/11/25 16:55:07.234195 x", "[timestamp] x");
    }

    #[test]
    fn clock() {
        check("clock", "16:57:01 Published 7 bytes", "[time] Published 7 bytes");
        assert_eq!(apply("port 4222:6222").0, "port 4222:6222");
    }

    #[test]
    fn nkey() {
        check(
            "nkey",
            "for n1 (NAMIWDS5NRHWD6QMFLIC4VE3NFDJH7QCXMUNZ7Q2KBSGX6AJD3PYJL5Z)",
            "for n1 ([id])",
        );
    }

    #[test]
    fn inbox() {
        check(
            "inbox",
            "reply _INBOX.kJ3lP0aZ9x2QwErTyUiOp1.7",
            "reply _INBOX.[inbox].[inbox]",
        );
        check(
            "inbox",
            "Inbox: _INBOX_joe.Y3We0NGzdccNgk02Y2VOJx.aHamyjP4",
            "Inbox: _INBOX_joe.[inbox].[inbox]",
        );
        check(
            "inbox",
            "sub _INBOX.AUWUE2P2UEF2PLMYL8U6JC.*",
            "sub _INBOX.[inbox].*",
        );
        check(
            "inbox",
            "Inbox: app.replies.Y3We0NGzdccNgk02Y2VOJx.aHamyjP4",
            "Inbox: app.replies.[inbox].[inbox]",
        );
        // A NUID before a word is only a NUID.
        check("nuid", "wrote Y3We0NGzdccNgk02Y2VOJx.json", "wrote [nuid].json");
    }

    /// The tokens of inboxes are numbered one by one, so a reply inbox shows its connection's.
    #[test]
    fn inbox_tokens_keep_their_relation() {
        let mut s = Cow::Borrowed("_INBOX.Rtvsq5cx3ojAkDo9cSsJjF.x1 _INBOX.Rtvsq5cx3ojAkDo9cSsJjF.y2");
        let mut tokens = Tokens::default();
        built_in().apply(&mut s, "", &mut tokens, &|_| true, &mut |_| {});
        tokens.resolve(&mut s);
        assert_eq!(s, "_INBOX.[inbox-1].[inbox-2] _INBOX.[inbox-1].[inbox-3]");
    }

    #[test]
    fn consumer_name() {
        check(
            "consumer-name",
            "Created consumer Aq4BmB3v",
            "Created consumer [consumer]",
        );
        check("consumer-name", "Consumer: 68RLCQA7", "Consumer: [consumer]");
        check(
            "consumer-name",
            "durable \"IwmDNEFA\" ready",
            "durable \"[consumer]\" ready",
        );
        check(
            "consumer-name",
            "Information for Consumer TICKETS > 75nuwF5I created",
            "Information for Consumer TICKETS > [consumer] created",
        );
        check(
            "consumer-name",
            "$JS.API.CONSUMER.MSG.NEXT.TICKETS.nkx4dGA7",
            "$JS.API.CONSUMER.MSG.NEXT.TICKETS.[consumer]",
        );
        // Without a digit anywhere on the line (seen in a run of the Go program).
        check(
            "consumer-name",
            "Info subject: $JS.API.CONSUMER.INFO.TICKETS.wTDVFhgo",
            "Info subject: $JS.API.CONSUMER.INFO.TICKETS.[consumer]",
        );
        // Names people give, and ordinary words after `consumer`, are kept.
        for kept in [
            "Created consumer processor",
            "consumer worker12 is ready",
            "Consumer: ORDERS01",
            "the consumer receives messages",
            "Information for Consumer TICKETS > dispatch created",
        ] {
            assert_eq!(apply(kept).0, kept);
        }
    }

    #[test]
    fn consumer_name_as_a_value() {
        let mut s = Cow::Borrowed("IwmDNEFA");
        let mut fired = Vec::new();
        built_in().apply(
            &mut s,
            "Durable Name",
            &mut Tokens::default(),
            &|_| true,
            &mut |n| fired.push(n),
        );
        assert_eq!(super::super::placeholder::erase(&s), "[consumer]");
        assert_eq!(fired, ["consumer-name"]);
        let mut s = Cow::Borrowed("IwmDNEFA");
        built_in().apply(&mut s, "Stream", &mut Tokens::default(), &|_| true, &mut |_| {});
        assert_eq!(s, "IwmDNEFA", "only under a consumer's key");
    }

    #[test]
    fn ack_timestamp() {
        check(
            "ack-timestamp",
            "$JS.ACK.TICKETS.processor.1.3.1.1796613227101154019.2",
            "$JS.ACK.TICKETS.processor.1.3.1.[ts].2",
        );
    }

    #[test]
    fn timestamps_of_every_language() {
        for (raw, want) in [
            // Rust's `time` crate: the hour is not padded and the offset has seconds.
            ("Now: 2026-12-07 3:18:54.403341072 +00:00:00", "Now: [timestamp]"),
            ("at 2026-12-07 2:53:47.645863656 +00:00:00.", "at [timestamp]."),
            // Java's `Instant` and `ZonedDateTime`.
            ("Now: 2026-12-07T03:14:36.709410957Z", "Now: [timestamp]"),
            (
                "(stored 2026-12-07T03:14:36.653305950Z[UTC])",
                "(stored [timestamp])",
            ),
            ("2026-12-07T02:53:47.645863+00:00[UTC] x", "[timestamp] x"),
            ("2026-12-07T03:53:47.645+01:00[Europe/Paris]", "[timestamp]"),
            // Python's `datetime`.
            ("Now: 2026-12-07 03:13:52.693424", "Now: [timestamp]"),
            (
                "(stored 2026-12-07 03:13:52.676254+00:00)",
                "(stored [timestamp])",
            ),
            // JavaScript's `Date`.
            ("Now: 2026-12-07T03:13:56.830Z", "Now: [timestamp]"),
        ] {
            check("timestamp", raw, want);
        }
    }

    #[test]
    fn date_text() {
        for (raw, want) in [
            (
                "Now as text: Mon Dec 07 2026 03:13:56 GMT+0000 (Coordinated Universal Time)",
                "Now as text: [timestamp]",
            ),
            (
                "Now in UTC: Mon, 07 Dec 2026 03:13:56 GMT",
                "Now in UTC: [timestamp]",
            ),
            (
                "Now as text: Mon Dec  7 03:13:57 2026",
                "Now as text: [timestamp]",
            ),
            ("Today is Mon Dec  7 03:13:58 UTC 2026", "Today is [timestamp]"),
            ("Sun Jan 31 23:59:59 CET 2027 done", "[timestamp] done"),
        ] {
            check("date-text", raw, want);
        }
        assert_eq!(apply("Mon 16:57 meeting").0, "Mon 16:57 meeting");
    }

    #[test]
    fn measured_duration() {
        for (raw, want) in [
            ("Elapsed: 9.996026299s", "Elapsed: [duration]"),
            ("hold 1m2.497372462s left", "hold [duration] left"),
            ("Hold: 1m2.5s", "Hold: [duration]"),
            ("Elapsed: 5.451061ms", "Elapsed: [duration]"),
            (
                "Elapsed: 39ms, then 1.2µs and 350ns",
                "Elapsed: [duration], then [duration] and [duration]",
            ),
            ("Elapsed: 0.019572s", "Elapsed: [duration]"),
        ] {
            check("measured-duration", raw, want);
        }
        // Settings are round, or say they are settings.
        for kept in [
            "Ack wait: 30s",
            "Ack Wait: 30.00s",
            "Duplicate Window: 2m0s",
            "heartbeat every 500ms",
            "a 1.5s pause",
            "TTL 3600s",
        ] {
            assert_eq!(apply(kept).0, kept);
        }
    }

    #[test]
    fn measured_durations_under_a_setting_label_are_kept() {
        let mut s = Cow::Borrowed("500ms");
        built_in().apply(
            &mut s,
            "Idle Heartbeat",
            &mut Tokens::default(),
            &|_| true,
            &mut |_| {},
        );
        assert_eq!(s, "500ms");
        let mut s = Cow::Borrowed("5.451061ms");
        built_in().apply(&mut s, "Elapsed", &mut Tokens::default(), &|_| true, &mut |_| {});
        assert_eq!(s, "[duration]");
    }

    #[test]
    fn bracket_duration() {
        check("bracket-duration", "left: [9.99s]", "left: [duration]");
        check("bracket-duration", "left: [10s]", "left: [duration]");
    }

    #[test]
    fn iso_duration() {
        check("iso-duration", "Elapsed: PT0.686768867S", "Elapsed: [duration]");
        check("iso-duration", "took PT1.001S", "took [duration]");
        check("iso-duration", "hold PT1M2.5S left", "hold [duration] left");
        assert_eq!(apply("Ack wait: PT30S").0, "Ack wait: PT30S");
    }

    #[test]
    fn timedelta() {
        check("timedelta", "Elapsed: 0:00:00.019583", "Elapsed: [duration]");
    }

    #[test]
    fn sandbox_path() {
        for (raw, want) in [
            (
                "/tmp/nbe-aw16Hf/home/.config/nats/context/local.json",
                "[home]/.config/nats/context/local.json",
            ),
            ("Home: /tmp/nbe-aw16Hf/home", "Home: [home]"),
            ("Working in /tmp/nbe-aw16Hf/work", "Working in [work]"),
            (
                "Scratch file: /tmp/nbe-aw16Hf/tmp/tmp.GE1FIVVq6E",
                "Scratch file: [tmp]",
            ),
            (
                "store /tmp/nbe-aw16Hf/tmp/store/jetstream",
                "store [tmp]/store/jetstream",
            ),
            (
                "/private/var/folders/ab/cd/T/nbe-Zx81Qq/home/.config",
                "[home]/.config",
            ),
            ("/scratch/t/nbe-Zx81Qq/tmp/x", "[tmp]/x"),
        ] {
            check("sandbox-path", raw, want);
        }
        // The same path recorded elsewhere reads alike.
        assert_eq!(
            apply("/root/.config/nats").0,
            apply("/tmp/nbe-aw16Hf/home/.config/nats").0
        );
        assert_eq!(
            apply("/home/ann/.config/nats").0,
            apply("/tmp/nbe-aw16Hf/home/.config/nats").0
        );
    }

    #[test]
    fn nuids_of_capitals_and_digits() {
        check("nuid", "NUID: AUWUE2P2UEF2PLMYL8U6JC", "NUID: [nuid]");
        assert_eq!(apply("ABCDEFGHIJKLMNOPQRSTUV").0, "ABCDEFGHIJKLMNOPQRSTUV");
    }

    #[test]
    fn raft_group() {
        check(
            "raft-group",
            "Cluster Group: S-R3F-ARCa5TxM",
            "Cluster Group: S-R3F-[group]",
        );
    }

    #[test]
    fn nuid() {
        check("nuid", "id kJ3lP0aZ9x2QwErTyUiOp1 done", "id [nuid] done");
        // Without a digit, and with nothing else on the line that looks volatile (seen in CI:
        // `nats service info` names the instance this way).
        check(
            "nuid",
            "          Service: greeter (qCBpDNmMQqSyfMQcTPZEhh)",
            "          Service: greeter ([nuid])",
        );
        assert_eq!(
            apply("ConfigurationDigestAbcd stays").0,
            "ConfigurationDigestAbcd stays"
        );
    }

    #[test]
    fn ephemeral_port() {
        check("ephemeral-port", "127.0.0.1:50610", "127.0.0.1:[port]");
        assert_eq!(apply("127.0.0.1:4222").0, "127.0.0.1:4222");
    }

    #[test]
    fn ip() {
        check("ip", "Client URLs: 172.28.0.2:4225", "Client URLs: [ip]:4225");
        assert_eq!(apply("0.0.0.0:4225 127.0.0.1").0, "0.0.0.0:4225 127.0.0.1");
    }

    #[test]
    fn tmp_path() {
        check(
            "tmp-path",
            "Storage Directory: /tmp/tmp.Ab12/s1/jetstream",
            "Storage Directory: [tmp]/s1/jetstream",
        );
    }

    #[test]
    fn home_path() {
        check(
            "home-path",
            "Path: /root/.config/nats/context/a.json",
            "Path: [home]/.config/nats/context/a.json",
        );
        check("home-path", "/home/ann/x", "[home]/x");
    }

    #[test]
    fn ago() {
        check(
            "ago",
            "Replica: n2, current, seen 161µs ago",
            "Replica: n2, current, seen [duration] ago",
        );
    }

    #[test]
    fn elapsed() {
        check(
            "elapsed",
            "OK:connected to nats://127.0.0.1:4222 in 1.23ms",
            "OK:connected to nats://127.0.0.1:4222 in [duration]",
        );
        check(
            "elapsed",
            "not ready after 1ms: route",
            "not ready after [duration]: route",
        );
    }

    #[test]
    fn perfdata() {
        check(
            "perfdata",
            "took 0.0004s|connect_time=0.0021s;0.5000;1.0000",
            "took [duration]|connect_time=[duration];0.5000;1.0000",
        );
    }

    #[test]
    fn nkey_seed() {
        check(
            "nkey-seed",
            "seed SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY",
            "seed [seed]",
        );
    }

    #[test]
    fn jwt() {
        check(
            "jwt",
            "token eyJ0eXAiOiJKV1Qi.eyJqdGkiOiJB.c2lnbmF0dXJl done",
            "token [jwt] done",
        );
    }

    #[test]
    fn paren_duration() {
        check(
            "paren-duration",
            "received [x] (114ms) on",
            "received [x] ([duration]) on",
        );
    }

    #[test]
    fn rtt() {
        check("rtt", "Received with rtt 488.967µs", "Received with rtt [rtt]");
        check("rtt", "n1      rtt=1.042081ms", "n1      rtt=[rtt]");
        check("rtt", "OK:rtt time 400µs", "OK:rtt time [rtt]");
    }

    #[test]
    fn url_rtt() {
        check(
            "url-rtt",
            "   nats://127.0.0.1:4222: 82µs",
            "   nats://127.0.0.1:4222: [rtt]",
        );
    }

    #[test]
    fn bench_rate() {
        check(
            "bench-rate",
            "stats: 3,890,884 msgs/sec ~ 59 MiB/sec",
            "stats: [rate] msgs/sec ~ [size]/sec",
        );
    }

    /// Seen under load: a slow run printed `486 KiB/sec` where the snapshot had `MiB/sec`.
    #[test]
    fn bench_rates_in_any_unit_normalize_alike() {
        let line = |rate: &str| apply(&format!("stats: 1,234 msgs/sec ~ {rate}")).0;
        let want = line("59 MiB/sec");
        for rate in ["486 KiB/sec", "1.5 GiB/sec", "900 B/sec", "12 KB/sec", "3 MB/sec"] {
            assert_eq!(line(rate), want, "{rate}");
        }
        assert_eq!(want, "stats: [rate] msgs/sec ~ [size]/sec");
    }

    #[test]
    fn bench_stat() {
        check(
            "bench-stat",
            "min 1,945,442 | avg 0.11us | P99.9: 11.44us",
            "min [stat] | avg [stat] | P99.9: [stat]",
        );
    }

    #[test]
    fn progress() {
        check(
            "progress",
            "Finished      0s [=======] 100%",
            "Finished [progress]",
        );
    }

    #[test]
    fn json_volatile() {
        check(
            "json-volatile",
            r#"  "uptime": "4s","#,
            r#"  "uptime": "[uptime]","#,
        );
        check("json-volatile", r#""mem": 1234"#, r#""mem": "[mem]""#);
        check(
            "json-volatile",
            r#""idle":"0s","cid":7"#,
            r#""idle":"[idle]","cid":"[cid]""#,
        );
    }

    #[test]
    fn backup_size() {
        check(
            "backup-size",
            "Received 311 B compressed data in 1 chunks, 386 B uncompressed",
            "Received [size] compressed data in 1 chunks, [size] uncompressed",
        );
    }

    #[test]
    fn server_seq() {
        check(
            "server-seq",
            r#""flags":7,"seq":77,"time":"x""#,
            r#""flags":7,"seq":"[seq]","time":"[time]""#,
        );
        assert_eq!(apply(r#""seq": 5,"#).0, r#""seq": 5,"#);
    }

    #[test]
    fn json_port() {
        check(
            "json-port",
            r#""ip":"127.0.0.1","port":57094,"#,
            r#""ip":"127.0.0.1","port":"[port]","#,
        );
        assert_eq!(apply(r#""port": 4222"#).0, r#""port": 4222"#);
    }

    #[test]
    fn whole_nuids() {
        assert!(is_whole_nuid("hf5ncF5D8jrEJM3LPTY7NS"));
        assert!(is_whole_nuid("mPPBofkKrOivbKMWHuzFiq"), "a NUID without a digit");
        assert!(
            !is_whole_nuid("NatsServerStatusReport"),
            "CamelCase words are no NUID"
        );
        assert!(!is_whole_nuid("greeter") && !is_whole_nuid("hf5ncF5D8jrEJM3LPTY7N"));
    }

    #[test]
    fn deterministic_text_is_kept() {
        for s in [
            "Ack Wait: 30.00s",
            "Messages: 5",
            "Host: 0.0.0.0:4225",
            "nats: error: no servers",
            "2.15.2",
        ] {
            assert_eq!(apply(s).0, s);
        }
    }

    /// Texts on which every shape rule matches at least once.
    const SAMPLES: [&str; 36] = [
        "Now: 2026-12-07 3:18:54.403341072 +00:00:00 (stored 2026-12-07T03:14:36.653305950Z[UTC])",
        "Now as text: Mon Dec 07 2026 03:13:56 GMT+0000 (Coordinated Universal Time)",
        "Mon, 07 Dec 2026 03:13:56 GMT and Mon Dec  7 03:13:57 UTC 2026",
        "Created consumer Aq4BmB3v on $JS.API.CONSUMER.INFO.TICKETS.nkx4dGA7",
        "Reply subject: $JS.ACK.TICKETS.HV5zlJQE.1.1.1.1796613534401189790.2",
        "Inbox: _INBOX_joe.Y3We0NGzdccNgk02Y2VOJx.aHamyjP4 app.replies.Y3We0NGzdccNgk02Y2VOJx.aHamyjP4",
        "/tmp/nbe-aw16Hf/home/.config and /tmp/nbe-aw16Hf/tmp/tmp.GE1FIVVq6E",
        "left [9.99s], took 9.996026299s then 1.2µs, PT0.686768867S, 0:00:00.019583",
        "Elapsed: 39ms, 1m2.5s, 350ns",
        r#""uptime": "4s", "mem": 1234"#,
        "created 2026-11-25 16:57:01 and 2026/11/25 16:55:07.234195 +0000 UTC m=+0.001",
        "16:57:01 Published",
        "for n1 (NAMIWDS5NRHWD6QMFLIC4VE3NFDJH7QCXMUNZ7Q2KBSGX6AJD3PYJL5Z)",
        "seed SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY",
        "token eyJ0eXAiOiJKV1Qi.eyJqdGkiOiJB.c2lnbmF0dXJl done",
        "reply _INBOX.kJ3lP0aZ9x2QwErTyUiOp1.7",
        "Cluster Group: S-R3F-ARCa5TxM",
        "id kJ3lP0aZ9x2QwErTyUiOp1 done",
        "127.0.0.1:50610 and localhost:40000",
        r#""flags":7,"seq":77,"time":"x""#,
        r#""ip":"127.0.0.1","port":57094,"#,
        "Received 311 B compressed data in 1 chunks, 386 B uncompressed",
        "Client URLs: 172.28.0.2:4225",
        "Storage Directory: /tmp/tmp.Ab12/s1 /private/var/folders/ab/cd/T/x",
        "Path: /root/.config /home/ann/x /Users/bob",
        "Replica: n2, current, seen 161µs ago",
        "connected in 1.23ms, took 5s, not ready after 1ms",
        "took 0.0004s|connect_time=0.0021s;0.5000;1.0000",
        "received [x] (114ms) on",
        "Received with RTT 488.967µs, rtt=1ms, OK:rtt time 400µs",
        "   nats://127.0.0.1:4222: 82µs",
        "stats: 3,890,884 msgs/sec ~ 59 MiB/sec",
        "min 1,945,442 | avg 0.11us | max 3 | stddev 58,006 | P99.9: 11.44us",
        "Finished      0s [=======] 100%",
        "é16:57:01 µs 2026-11-25T16:57:01Z",
        "ünicode (12µs) ago Ü 10.0.0.1",
    ];

    /// The `.txt` files of a fixtures directory and of its subdirectories.
    fn fixture_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("a fixtures directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                files.extend(fixture_files(&path));
            } else if path.extension().is_some_and(|e| e == "txt") {
                files.push(path);
            }
        }
        files
    }

    /// The lines of every recorded fixture (the catalog's and the programs' of every language),
    /// and the cells of their tables.
    fn fixture_texts() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize");
        let mut texts = Vec::new();
        for path in fixture_files(&dir) {
            let text = std::fs::read_to_string(path).expect("a fixture");
            for line in text.lines() {
                texts.push(line.to_owned());
                texts.extend(line.split(['│', '|']).map(|c| c.trim().to_owned()));
            }
        }
        texts
    }

    /// Fails when a rule's regex matches a text its pre-check rules out.
    fn assert_pre_checks_hold(text: &str) {
        let look = Look::new(text);
        for rule in &built_in().rules {
            assert!(
                !rule.regex.is_match(text) || (rule.may_match)(&look),
                "{} matches {text:?} but its pre-check rules it out ({look:?})",
                rule.name
            );
        }
    }

    #[test]
    fn pre_checks_hold_wherever_a_rule_matches() {
        for rule in &built_in().rules {
            assert!(
                SAMPLES.iter().any(|s| rule.regex.is_match(s)),
                "no sample for {}",
                rule.name
            );
        }
        for text in SAMPLES.iter().map(|s| s.to_string()).chain(fixture_texts()) {
            assert_pre_checks_hold(&text);
        }
    }

    proptest::proptest! {
        #[test]
        fn pre_checks_hold_on_generated_text(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(SAMPLES.to_vec()).prop_map(str::to_owned),
                    "[0-9]{1,6}",
                    "[A-Z2-7]{50,60}",
                    "[A-Za-z0-9]{20,24}",
                    "[ :./()\"%\\[\\]P_=,-]{1,3}",
                    "(ago|took|in|after|rtt|RTT|µs|ms|s|é|Ü|\u{a0}|sec|B|MiB)",
                    // Unicode spaces, which `\s` matches, and JSON keys. (Not Unicode digits:
                    // the digit facts read ASCII digits, as natscli and nats-server print.)
                    "(\u{2003}|\u{3000}|\"uptime\"|\"go\"|\"cid\"|min|max|T|Z|\\+)",
                ],
                0..10,
            ),
        ) {
            assert_pre_checks_hold(&parts.concat());
        }
    }

    /// The shortest shape is three bytes (`1ms`); texts shorter than that skip the rules.
    #[test]
    fn short_texts_match_no_shape() {
        assert_eq!(built_in().min_len, 3);
        assert_eq!(apply("1ms").0, "[duration]");
        assert_eq!(apply("(1s)").0, "([duration])");
        for rule in &built_in().rules {
            for text in ["1:2", "(1)", "1.2", "abc", "in", "\"a\""] {
                assert!(!rule.regex.is_match(text), "{} matches {text:?}", rule.name);
            }
        }
    }

    #[test]
    fn whole_durations() {
        assert!(is_duration("1.23s") && is_duration("5m2s") && is_duration("344ms") && is_duration("0s"));
        assert!(!is_duration("5 B") && !is_duration("s1") && !is_duration("1.2.3"));
    }
}
