//! Unordered regions: output written concurrently by several processes, compared in sorted order.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::document::Block;
use super::placeholder;
use super::rules::UnorderedRule;
use super::{Pass, RuleError, compile};

/// How a region is delimited.
#[derive(Debug, Clone)]
enum Region {
    /// The blocks strictly between a line matching `start` and the next line matching `end`.
    Between { start: Regex, end: Option<Regex> },
    /// Every run of consecutive lines matching the regex.
    Lines(Regex),
}

/// One compiled unordered rule.
#[derive(Debug, Clone)]
pub(crate) struct Unordered {
    name: String,
    region: Region,
    /// Text every line of a built-in region holds, tested before the regex: a cheap way to rule
    /// out most lines.
    literal: Option<memchr::memmem::Finder<'static>>,
}

impl Unordered {
    /// Compiles the `i`th `unordered:` rule.
    pub(crate) fn new(i: usize, rule: &UnorderedRule) -> Result<Unordered, RuleError> {
        let name = format!("unordered[{i}]");
        let re = |field: &str, p: &str| compile(format!("{name}.{field}"), p);
        let region = match (&rule.start, &rule.end, &rule.lines) {
            (Some(start), end, None) => Region::Between {
                start: re("start", start)?,
                end: end.as_deref().map(|e| re("end", e)).transpose()?,
            },
            (None, None, Some(lines)) => Region::Lines(re("lines", lines)?),
            _ => {
                return Err(RuleError::Invalid {
                    rule: name,
                    reason: "give either `start` (and optionally `end`) or `lines`".to_owned(),
                });
            }
        };
        Ok(Unordered {
            name,
            region,
            literal: None,
        })
    }

    /// The built-in rules, by name: lines the `nats` CLI prints in the order concurrent work ends.
    ///
    /// - `ping-order`: `nats server ping` and `nats service ping` print one line per responder in
    ///   the order replies arrive;
    /// - `bench-order`: `nats bench` with several clients announces each client as it starts.
    pub(crate) const BUILT_IN: [&str; 2] = ["ping-order", "bench-order"];

    /// The compiled built-in rules, in the order of [`Self::BUILT_IN`]: compiled once, when
    /// something is first normalized.
    pub(crate) fn built_in() -> &'static [Unordered] {
        static COMPILED: LazyLock<Vec<Unordered>> = LazyLock::new(Unordered::compile_built_in);
        &COMPILED
    }

    fn compile_built_in() -> Vec<Unordered> {
        let lines = |name: &str, literal: &'static str, pattern: &str| Unordered {
            name: name.to_owned(),
            region: Region::Lines(Regex::new(pattern).expect("built-in unordered regexes are valid")),
            literal: Some(memchr::memmem::Finder::new(literal)),
        };
        vec![
            lines(Self::BUILT_IN[0], " rtt=", r"^\S+(?: \S+)? +rtt=\S+$"),
            lines(
                Self::BUILT_IN[1],
                "] Starting",
                r"^(?:\[time\] )?\[\d+\] Starting\b",
            ),
        ]
    }

    /// The rule's name, as used in explanations and `disable:`.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Sorts the regions this rule finds in `blocks`.
    pub(crate) fn apply(&self, blocks: &mut [Block], pass: &mut Pass) {
        let line_matches = |b: &Block, re: &Regex| matches!(b, Block::Line(_, t) if self.literal.as_ref().is_none_or(|l| l.find(t.as_bytes()).is_some()) && re.is_match(t));
        let mut i = 0;
        while i < blocks.len() {
            let (from, to) = match &self.region {
                Region::Lines(re) => {
                    if !line_matches(&blocks[i], re) {
                        i += 1;
                        continue;
                    }
                    let len = blocks[i..].iter().take_while(|b| line_matches(b, re)).count();
                    (i, i + len)
                }
                Region::Between { start, end } => {
                    if !line_matches(&blocks[i], start) {
                        i += 1;
                        continue;
                    }
                    let from = i + 1;
                    let len = match end {
                        Some(end) => blocks[from..]
                            .iter()
                            .take_while(|b| !line_matches(b, end))
                            .count(),
                        None => blocks.len() - from,
                    };
                    (from, from + len)
                }
            };
            if sort_blocks(&mut blocks[from..to]) {
                let line = first_line(&blocks[from]);
                pass.note(line, &self.name, || {
                    format!("sorted {} unordered lines", to - from)
                });
            }
            i = to.max(i + 1);
        }
    }
}

fn first_line(block: &Block) -> usize {
    match block {
        Block::Line(n, _) => *n,
        Block::Table(t) => t.lines.0,
        Block::Keys(k) => k.items.first().map_or(0, |i| i.line),
    }
}

/// Sorts blocks by their rendered text with identifiers hidden, ties broken by the full text;
/// returns true if the order changed.
fn sort_blocks(blocks: &mut [Block]) -> bool {
    placeholder::sort_changed(blocks, |b| {
        let mut out = String::new();
        b.render(&mut out);
        // The rendering is the block's text only for the moment: the key keeps its own copy.
        let key = placeholder::sort_key([out.as_str()], [out.as_str()]);
        key.into_iter().map(|k| Cow::Owned(k.into_owned())).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(start: Option<&str>, end: Option<&str>, lines: Option<&str>) -> Result<Unordered, RuleError> {
        let rule = UnorderedRule {
            start: start.map(str::to_owned),
            end: end.map(str::to_owned),
            lines: lines.map(str::to_owned),
        };
        Unordered::new(0, &rule)
    }

    fn sorted(rule: &Unordered, lines: &[&str]) -> Vec<String> {
        let mut blocks: Vec<Block> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| Block::Line(i + 1, (*l).into()))
            .collect();
        let disabled = Default::default();
        let mut pass = Pass {
            disabled: &disabled,
            tokens: Default::default(),
            explain: None,
        };
        rule.apply(&mut blocks, &mut pass);
        blocks
            .iter()
            .map(|b| {
                if let Block::Line(_, t) = b {
                    t.to_string()
                } else {
                    unreachable!()
                }
            })
            .collect()
    }

    #[test]
    fn a_region_without_end_runs_to_the_end() {
        let rule = rule(Some("^go$"), None, None).expect("valid");
        assert_eq!(sorted(&rule, &["b", "go", "z", "a"]), ["b", "go", "a", "z"]);
    }

    #[test]
    fn separate_runs_sort_separately() {
        let rule = rule(None, None, Some("^got ")).expect("valid");
        assert_eq!(
            sorted(&rule, &["got 2", "got 1", "x", "got 0"]),
            ["got 1", "got 2", "x", "got 0"]
        );
    }

    #[test]
    fn start_and_lines_together_are_rejected() {
        let err = rule(Some("a"), None, Some("b")).expect_err("an error");
        assert_eq!(
            err.to_string(),
            "invalid normalize rule unordered[0]: give either `start` (and optionally `end`) or `lines`"
        );
        assert!(
            rule(Some("("), None, None)
                .expect_err("an error")
                .to_string()
                .contains("unordered[0].start")
        );
    }
}
