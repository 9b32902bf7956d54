//! The `meta.yaml` files of the catalog: their models, and reading them with precise error locations.

use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Location, Result};
use crate::normalize;

/// `examples/meta.yaml`: the order of the categories.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootMeta {
    /// Category directory names, in reading order.
    #[serde(default)]
    pub categories: Vec<String>,
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
}

/// Reads and parses a YAML file; a missing file gives the default, an empty one too.
///
/// Returns the parsed value and the text, which callers use to locate later semantic errors.
pub fn read<T: DeserializeOwned + Default>(path: &Path) -> Result<(T, String)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok((T::default(), String::new())),
        Err(err) => return Err(Error::io(format!("failed to read {}", path.display()), err)),
    };
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok((T::default(), text));
    }
    match serde_yaml::from_str(&text) {
        Ok(value) => Ok((value, text)),
        Err(err) => {
            let location = match err.location() {
                Some(at) => Location::at(path, at.line(), at.column()),
                None => Location::at(path, 1, 1),
            };
            Err(Error::catalog(
                location,
                format!("{}; fix the YAML", strip_location(&err.to_string())),
            ))
        }
    }
}

/// serde_yaml appends " at line L column C" to its messages; nbe prints the location up front instead.
fn strip_location(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
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
    fn locates_keys_and_items() {
        let text = "title: T\nexamples:\n  - one\n  - \"two\"\ntimeout: 3s\n";
        let path = Path::new("m.yaml");
        assert_eq!(item_location(path, text, "two").to_string(), "m.yaml:4:6");
        assert_eq!(key_location(path, text, "timeout").to_string(), "m.yaml:5:1");
    }
}
