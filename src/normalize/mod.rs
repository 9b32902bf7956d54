//! Normalization of raw example output, so that two runs of the same example compare equal.
//!
//! The pipeline is an ordered list of small named rules (see `docs/normalization.md`):
//!
//! 1. transport clean-up (`transport`): line endings, carriage returns, ANSI escapes, trailing
//!    whitespace;
//! 2. line drops: leaked nats-server log lines (`server-log`), then the example's `drop:` regexes;
//!    then trailing blank lines, including those a dropped last line leaves behind;
//! 3. the example's `redact:` regexes, on each line;
//! 4. structure (`document`): box-drawn tables (`table`) and `Key: value` blocks under section
//!    headings (`keyvalue`) are parsed, everything else stays a line;
//! 5. the built-in `nats` CLI profile and the example's column, sort and key rules (`profile`),
//!    then value-shape rules (`redact`) on whatever those rules did not claim;
//! 6. the example's unordered regions (`unordered`);
//! 7. identifier numbering (`placeholder`), in final output order;
//! 8. canonical rendering of tables and key/value blocks.
//!
//! Before a recording made by another runner is adopted, `legacy` removes what that runner
//! printed around the program (Docker build and compose lines).

mod document;
mod keyvalue;
pub mod legacy;
mod placeholder;
mod profile;
mod redact;
mod rules;
mod table;
pub(crate) mod transport;
mod unordered;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use regex::Regex;

pub use rules::{ColumnRule, KeyRule, RULE_KEYS, RedactRule, Rules, SortRule, UnorderedRule};

use document::Block;
use placeholder::Tokens;
use profile::Profile;
use unordered::Unordered;

/// A per-example rule that cannot be compiled.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A regex in a rule does not compile.
    #[error("invalid regex in normalize rule {rule}: {source}")]
    Regex {
        /// Where the regex is, like `redact[2].pattern`.
        rule: String,
        /// Why it does not compile.
        source: Box<regex::Error>,
    },
    /// A rule is malformed.
    #[error("invalid normalize rule {rule}: {reason}")]
    Invalid {
        /// Which rule, like `unordered[0]`.
        rule: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// One change a rule made, as reported by [`Normalizer::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The 1-based line of the input the change applies to.
    pub line: usize,
    /// The name of the rule (`uptime`, `sort-rows`, `redact[0]`...).
    pub rule: String,
    /// What the rule did.
    pub message: String,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: [{}] {}", self.line, self.rule, self.message)
    }
}

/// A compiled set of normalization rules: the built-in `nats` CLI profile plus an example's
/// overrides. Cheap to share between threads.
#[derive(Debug, Clone)]
pub struct Normalizer {
    disabled: HashSet<String>,
    drop: Vec<Regex>,
    redact: Vec<(Regex, String)>,
    /// The example's own column, sort and key rules.
    own: profile::Own,
    /// Those in front of the built-in profile, made when something is first normalized: loading
    /// the catalog (as every `nbe run` does) compiles no built-in pattern.
    profile: OnceLock<Profile>,
    /// The example's own unordered rules; [`Unordered::built_in`] follow them.
    unordered: Vec<Unordered>,
}

/// Compiled normalizers shared by every example with the same rules: most examples have no
/// overrides at all, so a whole catalog usually needs one, and memory does not grow with it.
#[derive(Debug, Default)]
pub struct Shared {
    compiled: Mutex<Vec<(Rules, Arc<Normalizer>)>>,
}

impl Shared {
    /// The normalizer for `rules`, compiled on first use.
    pub fn get(&self, rules: &Rules) -> Result<Arc<Normalizer>, RuleError> {
        let mut compiled = self.compiled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, normalizer)) = compiled.iter().find(|(known, _)| known == rules) {
            return Ok(Arc::clone(normalizer));
        }
        let normalizer = Arc::new(Normalizer::new(rules)?);
        compiled.push((rules.clone(), Arc::clone(&normalizer)));
        Ok(normalizer)
    }
}

/// The state of one normalization: identifiers seen so far and, when explaining, what changed.
pub(crate) struct Pass<'a> {
    disabled: &'a HashSet<String>,
    tokens: Tokens,
    explain: Option<Vec<Explanation>>,
}

impl Pass<'_> {
    fn enabled(&self, rule: &str) -> bool {
        // Most examples disable nothing: no need to hash the name.
        self.disabled.is_empty() || !self.disabled.contains(rule)
    }

    fn note(&mut self, line: usize, rule: &str, message: impl FnOnce() -> String) {
        if let Some(explain) = &mut self.explain {
            explain.push(Explanation {
                line,
                rule: rule.to_owned(),
                message: message(),
            });
        }
    }

    /// Applies the value-shape rules to one text, the value of `label` (a column header or a
    /// key; empty for a line or a title).
    fn shapes(&mut self, s: &mut Cow<'_, str>, line: usize, label: &str) {
        let mut fired = Vec::new();
        let disabled = self.disabled;
        let enabled = |r: &str| disabled.is_empty() || !disabled.contains(r);
        redact::built_in().apply(s, label, &mut self.tokens, &enabled, &mut |r| fired.push(r));
        for rule in fired {
            self.note(line, rule, || {
                format!("masked a volatile value shaped like {rule}")
            });
        }
    }
}

/// The display width of `s`, as `unicode-width` measures it; ASCII, which most text is, is one
/// column a byte without a table look-up.
pub(crate) fn display_width(s: &str) -> usize {
    // Every ASCII character is one column wide, except that `\r\n` is one.
    if s.bytes().all(|b| b.is_ascii() && b != b'\r') {
        s.len()
    } else {
        unicode_width::UnicodeWidthStr::width(s)
    }
}

/// Appends `n` copies of `c` to `out`.
pub(crate) fn push_repeated(out: &mut String, c: char, n: usize) {
    let mut buf = [0; 4];
    let c = c.encode_utf8(&mut buf);
    out.reserve(c.len() * n);
    for _ in 0..n {
        out.push_str(c);
    }
}

/// Compiles the regex of a per-example rule; an error names the rule, like `redact[2].pattern`.
fn compile(rule: String, pattern: &str) -> Result<Regex, RuleError> {
    Regex::new(pattern).map_err(|e| RuleError::Regex {
        rule,
        source: Box::new(e),
    })
}

impl Normalizer {
    /// Compiles the built-in profile together with an example's rules.
    pub fn new(rules: &Rules) -> Result<Normalizer, RuleError> {
        // The names come from the compiled built-in tables: only an example that disables a rule
        // needs them at load time.
        if !rules.disable.is_empty() {
            let known: HashSet<&str> = profile::names()
                .chain(redact::names())
                .chain(["server-log"])
                .chain(Unordered::BUILT_IN)
                .collect();
            for (i, name) in rules.disable.iter().enumerate() {
                if !known.contains(name.as_str()) {
                    return Err(RuleError::Invalid {
                        rule: format!("disable[{i}]"),
                        reason: format!("there is no built-in rule named {name:?}"),
                    });
                }
            }
        }
        let drop = rules
            .drop
            .iter()
            .enumerate()
            .map(|(i, p)| compile(format!("drop[{i}]"), p))
            .collect::<Result<_, _>>()?;
        let redact = rules
            .redact
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok((
                    compile(format!("redact[{i}].pattern"), &r.pattern)?,
                    r.replace.clone(),
                ))
            })
            .collect::<Result<_, RuleError>>()?;
        let unordered = rules
            .unordered
            .iter()
            .enumerate()
            .map(|(i, u)| Unordered::new(i, u))
            .collect::<Result<_, _>>()?;
        Ok(Normalizer {
            disabled: rules.disable.iter().cloned().collect(),
            drop,
            redact,
            own: profile::Own::new(rules)?,
            profile: OnceLock::new(),
            unordered,
        })
    }

    /// The example's profile rules in front of the built-in ones.
    fn profile(&self) -> &Profile {
        self.profile.get_or_init(|| self.own.profile())
    }

    /// Normalizes raw output.
    pub fn normalize(&self, input: &str) -> String {
        self.run(input, None)
    }

    /// Normalizes raw output and lists which rule changed which input line.
    pub fn explain(&self, input: &str) -> (String, Vec<Explanation>) {
        let mut explain = Vec::new();
        let out = self.run(input, Some(&mut explain));
        (out, explain)
    }

    fn run(&self, input: &str, explain: Option<&mut Vec<Explanation>>) -> String {
        let mut pass = Pass {
            disabled: &self.disabled,
            tokens: Tokens::default(),
            explain: explain.as_ref().map(|_| Vec::new()),
        };
        let mut lines = transport::clean_lines(input);
        lines.retain(|(n, text)| self.keep(*n, text, &mut pass));
        transport::trim_blank_end(&mut lines);
        for (n, text) in &mut lines {
            for (i, (re, with)) in self.redact.iter().enumerate() {
                if let Cow::Owned(new) = re.replace_all(text, with.as_str())
                    && new != *text
                {
                    *text = Cow::Owned(new);
                    pass.note(*n, &format!("redact[{i}]"), || "replaced text".to_owned());
                }
            }
        }
        let mut blocks = document::parse(&lines);
        pass.tokens.know_nuids(redact::known_nuids(&blocks));
        for block in &mut blocks {
            match block {
                Block::Line(n, text) => pass.shapes(text, *n, ""),
                Block::Table(t) => self.profile().table(t, &mut pass),
                Block::Keys(k) => self.profile().keys(k, &mut pass),
            }
        }
        self.order(&mut blocks, &mut pass);
        if !pass.tokens.is_empty() {
            for block in &mut blocks {
                block.texts_mut(&mut |s| pass.tokens.resolve(s));
            }
        }
        // Sorting again with numbers orders what differed only in identifiers; the first
        // pass already explained every sort.
        let notes = pass.explain.take();
        self.order(&mut blocks, &mut pass);
        pass.explain = notes;
        let mut out = String::with_capacity(input.len() + input.len() / 8);
        for block in &blocks {
            block.render(&mut out);
        }
        // A redaction can still empty the last lines.
        out.truncate(out.trim_end_matches('\n').len());
        if !out.is_empty() {
            out.push('\n');
        }
        if let (Some(explain), Some(mut notes)) = (explain, pass.explain) {
            notes.sort_by_key(|e| e.line);
            *explain = notes;
        }
        out
    }

    /// Puts tables, then the unordered regions, in their canonical order.
    fn order(&self, blocks: &mut [Block], pass: &mut Pass) {
        for block in blocks.iter_mut() {
            if let Block::Table(t) = block {
                self.profile().order(t, pass);
            }
        }
        for rule in self.unordered.iter().chain(Unordered::built_in()) {
            if pass.enabled(rule.name()) {
                rule.apply(blocks, pass);
            }
        }
    }

    /// Decides whether a cleaned line survives the drop rules.
    fn keep(&self, line: usize, text: &str, pass: &mut Pass) -> bool {
        if pass.enabled("server-log") && transport::is_server_log(text) {
            pass.note(line, "server-log", || "dropped a nats-server log line".to_owned());
            return false;
        }
        match self.drop.iter().position(|re| re.is_match(text)) {
            Some(i) => {
                pass.note(line, &format!("drop[{i}]"), || "dropped the line".to_owned());
                false
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normalize(s: &str) -> String {
        Normalizer::new(&Rules::default()).expect("valid").normalize(s)
    }

    fn rules(yaml: &str) -> Rules {
        serde_saphyr::from_str(yaml).expect("valid yaml")
    }

    #[test]
    fn normalizer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Normalizer>();
    }

    #[test]
    fn bad_regexes_name_the_rule() {
        let err = Normalizer::new(&rules("redact: [{pattern: '(', replace: x}]")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid regex in normalize rule redact[0].pattern: "),
            "{err}"
        );
        let err = Normalizer::new(&rules("columns: [{table: '[', column: X}]")).unwrap_err();
        assert!(err.to_string().contains("columns[0].table"), "{err}");
        let err = Normalizer::new(&rules("unordered: [{end: x}]")).unwrap_err();
        assert!(err.to_string().contains("unordered[0]"), "{err}");
        let err = Normalizer::new(&rules("disable: [nope]")).unwrap_err();
        assert!(err.to_string().contains("disable[0]"), "{err}");
    }

    #[test]
    fn the_documented_example_compiles() {
        let doc = include_str!("../../docs/normalization.md");
        let yaml = doc
            .split("```yaml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .expect("a yaml block");
        #[derive(serde::Deserialize)]
        struct Meta {
            normalize: Rules,
        }
        let meta: Meta =
            serde_saphyr::from_str(&yaml.replace("description: ...", "")).expect("valid meta.yaml");
        assert_eq!(meta.normalize.unordered.len(), 2);
        Normalizer::new(&meta.normalize).expect("the documented rules compile");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(serde_saphyr::from_str::<Rules>("colums: []").is_err());
    }

    #[test]
    fn server_log_lines_are_dropped() {
        assert_eq!(
            normalize("a\n[12] 2026/11/25 16:55:07.234195 [INF] Server is ready\nb\n"),
            "a\nb\n"
        );
    }

    #[test]
    fn blank_lines_before_a_dropped_last_line_go_like_trailing_ones() {
        let log = "[1] 2026/11/25 10:00:00.000000 [INF] bye\n";
        let plain = Normalizer::new(&Rules::default()).unwrap();
        assert_eq!(plain.normalize(&format!("x\n\n{log}")), "x\n");
        assert_eq!(plain.normalize("x\n\n"), "x\n");
        // A region without `end` runs to the end of the output, where a blank line would sort first.
        let region = Normalizer::new(&rules("unordered: [{start: '^begin$'}]")).unwrap();
        let text = "x\nbegin\nb\na\n\n";
        assert_eq!(region.normalize(&format!("{text}{log}")), "x\nbegin\na\nb\n");
        assert_eq!(region.normalize(text), "x\nbegin\na\nb\n");
    }

    #[test]
    fn drop_and_redact_rules_apply() {
        let n = Normalizer::new(&rules(
            "drop: ['^noise']\nredact: [{pattern: 'seq=\\d+', replace: 'seq=[seq]'}]",
        ))
        .unwrap();
        assert_eq!(n.normalize("noise 1\nseq=42 ok\n"), "seq=[seq] ok\n");
    }

    #[test]
    fn ids_are_numbered_by_first_appearance() {
        let a = "NAMIWDS5NRHWD6QMFLIC4VE3NFDJH7QCXMUNZ7Q2KBSGX6AJD3PYJL5Z";
        let b = "NC7PBUYOJM2XCAEYHCVLZ4C73J5ND4RF66PUOJFABOKJTMTAWDHAODQE";
        assert_eq!(normalize(&format!("{b}\n{a}\n{b}")), "[id-1]\n[id-2]\n[id-1]\n");
    }

    #[test]
    fn unordered_lines_are_sorted() {
        let n = Normalizer::new(&rules("unordered: [{lines: '^got '}]")).unwrap();
        assert_eq!(
            n.normalize("start\ngot b\ngot a\nend\n"),
            "start\ngot a\ngot b\nend\n"
        );
        let n = Normalizer::new(&rules("unordered: [{start: '^begin$', end: '^end$'}]")).unwrap();
        assert_eq!(
            n.normalize("z\nbegin\n2\n1\nend\n0\n"),
            "z\nbegin\n1\n2\nend\n0\n"
        );
    }

    #[test]
    fn bench_clients_are_compared_in_order_whichever_starts_first() {
        let text = |x: u8, y: u8| {
            format!(
                "16:55:07 Starting Core NATS publisher benchmark [clients=2]\n\
                 16:55:07 [{x}] Starting Core NATS publisher, publishing 2,500 messages\n\
                 16:55:07 [{y}] Starting Core NATS publisher, publishing 2,500 messages\n"
            )
        };
        let one = normalize(&text(2, 1));
        assert_eq!(one, normalize(&text(1, 2)));
        assert!(
            one.contains("[time] [1] Starting Core NATS publisher, publishing 2,500 messages\n[time] [2]"),
            "{one}"
        );
    }

    #[test]
    fn service_ping_replies_are_sorted_by_number() {
        let (a, b) = ("hf5ncF5D8jrEJM3LPTY7NS", "1oWMBLR8T31r7NVG1n2161");
        let text = |x: &str, y: &str| format!("info {b}\ngreeter {x}    rtt=1ms\ngreeter {y}    rtt=2ms\n");
        let one = normalize(&text(a, b));
        assert_eq!(one, normalize(&text(b, a)));
        assert!(
            one.ends_with("greeter [nuid-1]    rtt=[rtt]\ngreeter [nuid-2]    rtt=[rtt]\n"),
            "{one}"
        );
    }

    #[test]
    fn ping_replies_are_sorted() {
        assert_eq!(
            normalize("n3    rtt=1.1ms\nn1    rtt=1.0ms\n"),
            "n1    rtt=[rtt]\nn3    rtt=[rtt]\n"
        );
    }

    #[test]
    fn explain_names_rule_and_line() {
        let n = Normalizer::new(&Rules::default()).unwrap();
        let input = "╭──────────────────╮\n│ Server Overview  │\n├──────┬───────────┤\n│ Name │ Uptime    │\n├──────┼───────────┤\n│ n1   │ 4.08s     │\n╰──────┴───────────╯";
        let (_, notes) = n.explain(input);
        let shown: Vec<String> = notes.iter().map(ToString::to_string).collect();
        assert!(
            shown.contains(&"line 6: [uptime] masked Uptime column in table \"Server Overview\"".to_owned()),
            "{shown:?}"
        );
    }

    #[test]
    fn column_mask_and_sort_overrides() {
        let n = Normalizer::new(&rules(
            "columns: [{table: '^Things$', column: size, mask: '[size]'}]\nsort: [{table: Things, by: Name}]",
        ))
        .unwrap();
        let input = "╭──────────────╮\n│    Things    │\n├──────┬───────┤\n│ Name │ Size  │\n├──────┼───────┤\n│ b    │ 1 KiB │\n│ a    │ 2 KiB │\n╰──────┴───────╯";
        assert_eq!(
            n.normalize(input),
            "╭───────────────╮\n│     Things    │\n├──────┬────────┤\n│ Name │ Size   │\n├──────┼────────┤\n│ a    │ [size] │\n│ b    │ [size] │\n╰──────┴────────╯\n"
        );
    }

    #[test]
    fn key_rules_are_section_aware() {
        let input = "Statistics:\n\n  Messages: 64 in 123 out\n     Bytes: 1 KiB\n\nState:\n\n  Messages: 5\n     Bytes: 235 B";
        assert_eq!(
            normalize(input),
            "Statistics:\n\n  Messages: [traffic]\n     Bytes: [traffic]\n\nState:\n\n  Messages: 5\n     Bytes: 235 B\n"
        );
    }

    #[test]
    fn key_overrides_mask_values() {
        let n = Normalizer::new(&rules(
            "keys: [{section: '^State$', key: bytes, mask: '[bytes]'}]",
        ))
        .unwrap();
        assert_eq!(
            n.normalize("State:\n\n  Messages: 5\n     Bytes: 235 B"),
            "State:\n\n  Messages: 5\n     Bytes: [bytes]\n"
        );
    }

    #[test]
    fn cluster_peers_hide_the_leader() {
        let one = "Cluster Information:\n\n     Name: c1\n   Leader: n1 (43ms)\n  Replica: n2, current, seen 18ms ago\n  Replica: n3, outdated, not seen";
        let two = "Cluster Information:\n\n     Name: c1\n   Leader: n3\n  Replica: n2, current, seen 1ms ago\n  Replica: n1, current, seen 2ms ago";
        let want = "Cluster Information:\n\n     Name: c1\n   Leader: [leader]\n  Replica: n1\n  Replica: n2\n  Replica: n3\n";
        assert_eq!(normalize(one), want);
        assert_eq!(normalize(two), want);
    }

    #[test]
    fn url_lists_are_sorted() {
        let input = "  Client URLs: 10.0.0.2:4225\n               10.0.0.1:4227\n         Host: 0.0.0.0:4225";
        assert_eq!(
            normalize(input),
            "  Client URLs: [ip]:4225\n               [ip]:4227\n         Host: 0.0.0.0:4225\n"
        );
    }

    #[test]
    fn summaries_lose_leader_markers_and_volatile_totals() {
        let input = "\
╭───────────────────────────────────────────╮
│             JetStream Summary             │
├────────┬─────────┬──────────┬─────────────┤
│ Server │ Cluster │ Messages │     API Req │
├────────┼─────────┼──────────┼─────────────┤
│ b      │ c1      │       10 │          14 │
│ a*     │ c1      │       10 │         203 │
├────────┼─────────┼──────────┼─────────────┤
│        │         │       20 │         217 │
╰────────┴─────────┴──────────┴─────────────╯";
        insta::assert_snapshot!(normalize(input), @r"
        ╭───────────────────────────────────────╮
        │           JetStream Summary           │
        ├────────┬─────────┬──────────┬─────────┤
        │ Server │ Cluster │ Messages │ API Req │
        ├────────┼─────────┼──────────┼─────────┤
        │ a      │ c1      │ 10       │ [count] │
        │ b      │ c1      │ 10       │ [count] │
        ├────────┼─────────┼──────────┼─────────┤
        │        │         │ 20       │ [count] │
        ╰────────┴─────────┴──────────┴─────────╯
        ");
    }

    #[test]
    fn multi_line_cells_move_with_their_row() {
        let input = "\
╭──────────────────────────╮
│      Server Overview     │
├──────┬─────────┬─────────┤
│ Name │ Cluster │ Tags    │
├──────┼─────────┼─────────┤
│ n2   │ c1      │ az:2    │
│      │         │ ssd     │
│ n1   │ c1      │ az:1    │
╰──────┴─────────┴─────────╯";
        let out = normalize(input);
        assert!(
            out.contains("│ n1   │ c1      │ az:1 │\n│ n2   │ c1      │ az:2 │\n│      │         │ ssd  │"),
            "{out}"
        );
    }

    #[test]
    fn peer_columns_are_sorted_and_unmarked() {
        let input = "\
+----------+-------------+
| Consumer | Cluster     |
+----------+-------------+
| C1       | n3*, n1, n2 |
+----------+-------------+";
        assert!(normalize(input).contains("│ C1       │ n1, n2, n3 │"));
    }

    /// Every name `disable:` accepts is derived from the rules themselves (see `Normalizer::new`)
    /// and documented, so the docs list exactly what can be switched off.
    #[test]
    fn every_rule_name_is_documented() {
        let doc = include_str!("../../docs/normalization.md");
        let names = profile::names()
            .chain(redact::names())
            .chain(["server-log"])
            .chain(Unordered::BUILT_IN);
        for name in names {
            assert!(
                doc.contains(&format!("`{name}`")),
                "{name} is not in docs/normalization.md"
            );
            Normalizer::new(&rules(&format!("disable: [{name}]"))).expect("a known name");
        }
    }

    #[test]
    fn disabled_rules_do_not_run() {
        let n = Normalizer::new(&rules("disable: [clock]")).unwrap();
        assert_eq!(n.normalize("16:57:01 Published"), "16:57:01 Published\n");
    }
}
