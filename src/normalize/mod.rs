//! Normalization of raw example output (placeholder; the real pipeline lands separately).

use serde::Deserialize;

/// Per-example normalization overrides, read from the `normalize:` block of an example's `meta.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {}

/// A compiled set of normalization rules.
#[derive(Debug, Clone, Default)]
pub struct Normalizer {}

impl Normalizer {
    /// Compiles the built-in profile together with per-example rules.
    pub fn new(_rules: &Rules) -> Result<Self, String> {
        Ok(Self {})
    }

    /// Normalizes raw output.
    pub fn normalize(&self, input: &str) -> String {
        input.replace("\r\n", "\n")
    }

    /// Normalizes raw output and tells which rule changed which line.
    pub fn explain(&self, input: &str) -> (String, Vec<String>) {
        (self.normalize(input), Vec::new())
    }
}
