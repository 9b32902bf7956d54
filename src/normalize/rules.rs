//! The per-example override schema: the `normalize:` block of an example's `meta.yaml`.
//!
//! These are plain data; [`crate::normalize::Normalizer::new`] validates and compiles them so
//! that a bad regex is reported once, when the example is loaded, rather than on every run.

use serde::Deserialize;

/// The keys of a `normalize:` block, as an author writes them (named in the advice about a flaky
/// example; a test holds them to [`Rules`]' fields).
pub const RULE_KEYS: [&str; 7] = [
    "columns",
    "sort",
    "keys",
    "redact",
    "drop",
    "unordered",
    "disable",
];

/// Per-example normalization overrides, read from the `normalize:` block of an example's `meta.yaml`.
///
/// Every list is optional; an empty `Rules` means "the built-in profile only".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Table columns to mask, by table title and column name.
    #[serde(default)]
    pub columns: Vec<ColumnRule>,
    /// Tables whose rows are sorted by a column before comparison.
    #[serde(default)]
    pub sort: Vec<SortRule>,
    /// Values of `Key: value` lines to mask, by section and key.
    #[serde(default)]
    pub keys: Vec<KeyRule>,
    /// Regex replacements applied to every line before tables and sections are parsed.
    #[serde(default)]
    pub redact: Vec<RedactRule>,
    /// Regexes of lines to drop entirely.
    #[serde(default)]
    pub drop: Vec<String>,
    /// Regions whose lines are written concurrently and compared in sorted order.
    #[serde(default)]
    pub unordered: Vec<UnorderedRule>,
    /// Names of built-in rules to switch off for this example (see `docs/normalization.md`).
    #[serde(default)]
    pub disable: Vec<String>,
}

/// Masks one column of the tables whose title matches.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRule {
    /// Regex matched against the table title; absent means every table with that column.
    #[serde(default)]
    pub table: Option<String>,
    /// The column header, compared case-insensitively.
    pub column: String,
    /// The placeholder written instead of each non-empty cell; `[masked]` when absent.
    #[serde(default)]
    pub mask: Option<String>,
}

/// Sorts the body rows of the tables whose title matches by one column.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SortRule {
    /// Regex matched against the table title; absent means every table with that column.
    #[serde(default)]
    pub table: Option<String>,
    /// The column header to sort by, compared case-insensitively.
    pub by: String,
}

/// Masks the value of a `Key: value` line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRule {
    /// Regex matched against the section heading (without its colon); absent means any section.
    #[serde(default)]
    pub section: Option<String>,
    /// The key, compared case-insensitively.
    pub key: String,
    /// The placeholder written instead of the value; `[masked]` when absent.
    #[serde(default)]
    pub mask: Option<String>,
}

/// A regex replacement applied line by line.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactRule {
    /// The regex to find.
    pub pattern: String,
    /// The replacement; `$1` and `${name}` refer to capture groups.
    pub replace: String,
}

/// A region of lines compared in sorted order.
///
/// Either `start` and `end` (the lines strictly between a line matching `start` and the next line
/// matching `end`), or `lines` (every run of consecutive lines matching it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnorderedRule {
    /// Regex of the line opening the region.
    #[serde(default)]
    pub start: Option<String>,
    /// Regex of the line closing the region; the end of the output when absent.
    #[serde(default)]
    pub end: Option<String>,
    /// Regex of lines that, when consecutive, form one unordered group.
    #[serde(default)]
    pub lines: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_keys_are_the_fields_of_rules() {
        // serde lists the fields of the struct when it meets an unknown one.
        let err = serde_saphyr::from_str::<Rules>("no_such_key: 1\n")
            .unwrap_err()
            .to_string();
        let listed = err.split_once("expected one of").map_or("", |(_, fields)| fields);
        let listed = listed.lines().next().unwrap_or_default();
        let fields: Vec<&str> = listed.split(',').map(|f| f.trim().trim_matches('`')).collect();
        assert_eq!(fields, RULE_KEYS, "{err}");
    }
}
