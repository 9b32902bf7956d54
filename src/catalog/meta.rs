//! The `meta.yaml` files of the catalog: their models, and reading them with precise error locations.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::granit_parser::{self, Event};
use serde_saphyr::{DefaultMessageFormatter, MessageFormatter};

use crate::error::{Error, Location, Result};
use crate::normalize;

/// `examples/meta.yaml`: the order of the categories.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootMeta {
    /// Category directory names, in reading order.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Settings of the docs site.
    #[serde(default)]
    pub site: SiteMeta,
}

/// The `site:` section of `examples/meta.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteMeta {
    /// Where a reader edits a program: a URL with `{path}`, which becomes the program's path from
    /// the repository root (like `https://example.com/repo/edit/main/{path}`). Absent: no link.
    pub edit_url: Option<String>,
}

/// `examples/<category>/meta.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryMeta {
    /// Display title; defaults to the title-cased directory name.
    pub title: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// Example directory names, in reading order.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// `examples/<category>/<example>/meta.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleMeta {
    /// Display title; defaults to the title-cased directory name.
    pub title: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// How long a run may take, like `90s`; overrides `--timeout`.
    pub timeout: Option<String>,
    /// Per-example normalization overrides.
    #[serde(default)]
    pub normalize: normalize::Rules,
    /// What a successful run looks like when it is not "exit 0 without error lines".
    #[serde(default)]
    pub expect: Expect,
    /// The server fixture nbe starts for the clients: `none`, `jetstream` or `cluster`.
    pub server: Option<super::Server>,
    /// The versions the example works with, as semver requirements per component, like
    /// `{server: ">=2.11.0"}` (see [`super::versions`]).
    #[serde(default)]
    pub versions: std::collections::BTreeMap<String, String>,
    /// What `nbe lint` is told about this example.
    #[serde(default)]
    pub lint: LintMeta,
    /// What every client of the example needs beyond its kind: programs (looked up in the tools
    /// dir, then on `PATH`) and files (a path holding `/`, relative to the example). A client
    /// whose requirement is missing is skipped with the reason.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Settings of single clients, by directory or kind name, like `{cli: {requires: [nsc]}}`.
    #[serde(default)]
    pub clients: std::collections::BTreeMap<String, ClientMeta>,
}

/// One client's settings under `clients:` in an example's `meta.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientMeta {
    /// What this client needs beyond its kind and the example's `requires`.
    #[serde(default)]
    pub requires: Vec<String>,
    /// Its package manager's install hooks run in `prepare` (its kind's `prepare_hooks`), like
    /// a `postinstall` of its own `package.json`; they are off otherwise.
    #[serde(default)]
    pub hooks: bool,
}

/// `lint:` in an example's `meta.yaml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintMeta {
    /// Findings silenced for this example, each with its reason.
    #[serde(default)]
    pub allow: Vec<AllowMeta>,
}

/// One `lint.allow` item as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowMeta {
    /// The finding code, like `NBE104`.
    pub code: String,
    /// Why the finding does not apply here; shown on the example's page.
    #[serde(default)]
    pub reason: String,
}

/// A finding code `nbe lint` does not report for one example, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The finding code, like `NBE104`.
    pub code: &'static crate::lint::code::Code,
    /// Why it does not apply to this example.
    pub reason: String,
    /// Where its `code` is written.
    pub location: Location,
}

/// The checked `lint.allow` list of the example `meta.yaml` at `path`: every code must be one
/// `nbe lint` knows and every item must say why.
pub fn allows(path: &Path, text: &str, lint: &LintMeta) -> Result<Vec<Allow>> {
    lint.allow
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let index = index.to_string();
            let location = value_location(path, text, &["lint", "allow", &index, "code"]);
            let Some(code) = crate::lint::code::Code::find(item.code.trim()) else {
                let known: Vec<&str> = crate::lint::code::CODES.iter().map(|code| code.id).collect();
                return Err(Error::catalog(
                    location,
                    format!(
                        "`lint.allow` names the unknown code {:?}; use one of {} (`nbe lint` prints the code of each finding)",
                        item.code,
                        known.join(", ")
                    ),
                ));
            };
            if item.reason.trim().is_empty() {
                return Err(Error::catalog(
                    value_location(path, text, &["lint", "allow", &index]),
                    format!(
                        "`lint.allow` silences {} without a reason; add `reason: ...` saying why the finding does not apply (the example's page shows it)",
                        code.id
                    ),
                ));
            }
            Ok(Allow {
                code,
                reason: item.reason.trim().to_string(),
                location,
            })
        })
        .collect()
}

/// The top-level keys of an example's `meta.yaml` that change what a run does or how it is
/// judged: its timeout, how its output is normalized, what it is expected to print and exit with,
/// and the server it gets. The staleness hash of a recording covers their values
/// ([`run_settings`]); every other key is in [`NON_RUN_KEYS`] (a test holds the two lists to
/// [`ExampleMeta`]'s fields, so a new key must be put in one of them).
pub const RUN_KEYS: [&str; 4] = ["expect", "normalize", "server", "timeout"];

/// The top-level keys of an example's `meta.yaml` that do not change what a run prints: what only
/// people read (the docs page's title and description), `versions`, `requires` and `clients`
/// (only requirements today), which decide whether a client runs on the machine at hand, not what
/// it prints when it does, and `lint`, which only `nbe lint` reads.
pub const NON_RUN_KEYS: [&str; 6] = ["clients", "description", "lint", "requires", "title", "versions"];

/// The values of the [`RUN_KEYS`] an example's `meta.yaml` sets, as canonical JSON (keys sorted):
/// the same for any spelling of the same values, whatever the YAML style, comments or the
/// [`NON_RUN_KEYS`] say. `text` is what [`read`] returned for an [`ExampleMeta`], so it parses.
pub fn run_settings(text: &str) -> String {
    let value: serde_json::Value = serde_saphyr::from_str(text).unwrap_or_default();
    let settings: serde_json::Map<String, serde_json::Value> = match value {
        serde_json::Value::Object(fields) => fields
            .into_iter()
            .filter(|(key, _)| RUN_KEYS.contains(&key.as_str()))
            .collect(),
        _ => serde_json::Map::new(),
    };
    serde_json::Value::Object(settings).to_string()
}

/// The declared outcome of an example that is meant to show a failure.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The exit status the example ends with; 0 when absent.
    #[serde(default)]
    pub exit_status: i32,
    /// Regular expressions of error lines the output is meant to contain.
    #[serde(default)]
    pub error_lines: Vec<String>,
    /// The clients (directory names, like `cli`) the expectation is for; every client when absent.
    /// The others are expected to exit 0 and print no error line: a program that handles a refusal
    /// as part of its logic prints its own words, where the `nats` CLI prints `nats: error: ...`.
    #[serde(default)]
    pub clients: Option<Vec<String>>,
}

/// Reads and parses a YAML file; a missing file gives the default, an empty one too.
///
/// Returns the parsed value and the text, which callers use to locate later semantic errors.
pub fn read<T: DeserializeOwned + Default>(path: &Path) -> Result<(T, String)> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok((T::default(), String::new())),
        Err(err) => return Err(Error::io(format!("failed to read {}", path.display()), err)),
    };
    // Not UTF-8 is a catalog error at the bad byte, so it is a problem of this one category or
    // example, like bad YAML, rather than an I/O error that stops the whole catalog.
    let text = String::from_utf8(bytes).map_err(|err| {
        let good = &err.as_bytes()[..err.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|b| **b == b'\n').count();
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |at| at + 1);
        let column = 1 + String::from_utf8_lossy(&good[line_start..]).chars().count();
        let byte = err.as_bytes()[good.len()];
        Error::catalog(
            Location::at(path, line, column),
            format!("byte 0x{byte:02X} is not UTF-8 text; save the file as UTF-8"),
        )
    })?;
    parse(path, &text).map(|value| (value, text))
}

/// Parses `text`, the content of the file at `path` (named in errors); an empty text, or one of
/// only comments, gives the default.
pub fn parse<T: DeserializeOwned + Default>(path: &Path, text: &str) -> Result<T> {
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(T::default());
    }
    // Snippets are off: nbe prints one line, `file:line:column: message; fix the YAML`.
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options(text, options) {
        Ok(value) => Ok(value),
        Err(err) => {
            let location = match err.location() {
                Some(at) if at.line() > 0 => {
                    Location::at(path, at.line() as usize, at.column().max(1) as usize)
                }
                _ => Location::at(path, 1, 1),
            };
            // The message without the " at line L, column C" the default rendering appends: nbe
            // prints the location up front instead.
            let message = DefaultMessageFormatter.format_message(&err);
            Err(Error::catalog(location, format!("{message}; fix the YAML")))
        }
    }
}

/// The location of the value at `steps` (mapping keys, and sequence indexes as numbers), like
/// `["normalize", "redact", "2", "pattern"]`; the deepest part of the path the file has when
/// not all of it is there, or the file start.
///
/// Semantic errors found after parsing (a zero timeout, a regex that does not compile) use it
/// to point at the value the user wrote, in block or flow style alike.
pub fn value_location(path: &Path, text: &str, steps: &[&str]) -> Location {
    let at = |marker: granit_parser::Marker| Location::at(path, marker.line(), marker.col() + 1);
    let mut best = Location::at(path, 1, 1);
    let mut best_depth = 0;
    // One frame per open collection: the path segment it was reached by, and its position.
    enum Frame {
        Mapping { segment: String, key: Option<String> },
        Sequence { segment: String, next: usize },
    }
    let mut frames: Vec<Frame> = Vec::new();
    for event in granit_parser::Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            break;
        };
        let starts_collection = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        if !starts_collection && !matches!(event, Event::Scalar(..) | Event::Alias(..)) {
            if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                frames.pop();
            }
            continue;
        }
        // A node is a mapping key, a value under a key, a sequence item, or the document root.
        let segment = match frames.last_mut() {
            Some(Frame::Mapping { key, .. }) if key.is_none() => {
                let text = match &event {
                    Event::Scalar(text, ..) => text.to_string(),
                    _ => String::new(),
                };
                *key = Some(text);
                if starts_collection {
                    // A collection as a key: nothing nbe reads lives under it.
                    frames.push(Frame::Mapping {
                        segment: String::new(),
                        key: None,
                    });
                }
                continue;
            }
            Some(Frame::Mapping { key, .. }) => key.take(),
            Some(Frame::Sequence { next, .. }) => {
                *next += 1;
                Some((*next - 1).to_string())
            }
            None => None,
        };
        let mut depth = 0;
        let mut on_path = true;
        for (step, part) in frames
            .iter()
            .map(|frame| match frame {
                Frame::Mapping { segment, .. } | Frame::Sequence { segment, .. } => segment.as_str(),
            })
            .skip(1)
            .chain(segment.as_deref())
            .enumerate()
        {
            if steps.get(step) != Some(&part) {
                on_path = false;
                break;
            }
            depth = step + 1;
        }
        if on_path && segment.is_some() && depth > best_depth {
            best = at(span.start);
            best_depth = depth;
            if depth == steps.len() {
                return best;
            }
        }
        let segment = segment.unwrap_or_default();
        match event {
            Event::MappingStart(..) => frames.push(Frame::Mapping { segment, key: None }),
            Event::SequenceStart(..) => frames.push(Frame::Sequence { segment, next: 0 }),
            _ => {}
        }
    }
    best
}

/// The location of `key:` at the start of a line, or the file start.
pub fn key_location(path: &Path, text: &str, key: &str) -> Location {
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            return Location::at(path, index + 1, line.len() - trimmed.len() + 1);
        }
    }
    Location::at(path, 1, 1)
}

/// The location of a list item `- item` (quoted or not), or of the file start.
pub fn item_location(path: &Path, text: &str, item: &str) -> Location {
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('-') else {
            continue;
        };
        let value = rest.trim().trim_matches(|c| c == '"' || c == '\'');
        if value == item {
            let column = line.find(item).unwrap_or(0) + 1;
            return Location::at(path, index + 1, column);
        }
    }
    Location::at(path, 1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse<T: DeserializeOwned + Default>(text: &str) -> Result<T> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("meta.yaml");
        std::fs::write(&path, text).unwrap();
        read::<T>(&path).map(|(value, _)| value)
    }

    #[test]
    fn unknown_keys_point_at_their_line_and_column() {
        let err = parse::<ExampleMeta>("title: A\n  \ntimeuot: 3s\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("meta.yaml:3:1: unknown field `timeuot`"), "{err}");
    }

    #[test]
    fn malformed_yaml_points_at_the_problem() {
        let err = parse::<CategoryMeta>("title: [unclosed\nexamples: []\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("meta.yaml:"), "{err}");
        assert!(err.ends_with("fix the YAML"), "{err}");
    }

    #[test]
    fn empty_and_comment_only_files_are_defaults() {
        assert!(parse::<CategoryMeta>("").unwrap().examples.is_empty());
        assert!(parse::<CategoryMeta>("# nothing yet\n").unwrap().title.is_none());
        assert!(parse::<CategoryMeta>("  \n\t\n").unwrap().title.is_none());
    }

    #[test]
    fn every_example_key_is_either_run_or_prose() {
        // serde lists the fields of the struct when it meets an unknown one.
        let err = parse::<ExampleMeta>("no_such_key: 1\n").unwrap_err().to_string();
        let listed = err.split_once("expected one of").map_or("", |(_, fields)| fields);
        let listed = listed.split(';').next().unwrap_or_default();
        let mut fields: Vec<&str> = listed.split(',').map(|f| f.trim().trim_matches('`')).collect();
        fields.sort_unstable();
        let mut classified: Vec<&str> = RUN_KEYS.iter().chain(&NON_RUN_KEYS).copied().collect();
        classified.sort_unstable();
        assert_eq!(fields, classified, "{err}");
    }

    #[test]
    fn run_settings_ignore_prose_comments_and_style() {
        let settings = run_settings(
            "title: A\ndescription: B\ntimeout: 90s # why\nexpect:\n  exit_status: 1\nserver: jetstream\n",
        );
        assert_eq!(
            settings,
            r#"{"expect":{"exit_status":1},"server":"jetstream","timeout":"90s"}"#
        );
        let restyled =
            "# Other words.\nserver: jetstream\nexpect: {exit_status: 1}\ntitle: Other\ntimeout: '90s'\n";
        assert_eq!(run_settings(restyled), settings);
        assert_ne!(run_settings(&restyled.replace("90s", "91s")), settings);
        assert_eq!(run_settings(""), "{}");
        assert_eq!(run_settings("# only a comment\n"), "{}");
        assert_eq!(run_settings("title: T\n"), "{}");
    }

    #[test]
    fn locates_keys_and_items() {
        let text = "title: T\nexamples:\n  - one\n  - \"two\"\ntimeout: 3s\n";
        let path = Path::new("m.yaml");
        assert_eq!(item_location(path, text, "two").to_string(), "m.yaml:4:6");
        assert_eq!(key_location(path, text, "timeout").to_string(), "m.yaml:5:1");
    }

    #[test]
    fn locates_values_by_path_in_block_and_flow_style() {
        let text = "title: T\nnormalize:\n  redact:\n    - pattern: a\n      replace: b\n    - {pattern: '(', replace: c}\n  drop: ['x', \"[\"]\nexpect:\n  exit_status: 300\n";
        let path = Path::new("m.yaml");
        let at = |steps: &[&str]| value_location(path, text, steps).to_string();
        assert_eq!(at(&["normalize", "redact", "1", "pattern"]), "m.yaml:6:17");
        assert_eq!(at(&["normalize", "redact", "0", "replace"]), "m.yaml:5:16");
        assert_eq!(at(&["normalize", "drop", "1"]), "m.yaml:7:15");
        assert_eq!(at(&["expect", "exit_status"]), "m.yaml:9:16");
        // The deepest part of the path that exists, else the file start.
        assert_eq!(at(&["normalize", "redact", "7", "pattern"]), "m.yaml:4:5");
        assert_eq!(at(&["timeout"]), "m.yaml:1:1");
    }
}
