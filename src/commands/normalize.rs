//! `nbe normalize`: the normalizer on a file or stdin, optionally explained.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::exit;
use crate::normalize::{Normalizer, Rules};

/// Prints the normalized form of `file` (stdin when absent or `-`).
pub fn normalize(
    config: Option<&Config>,
    file: Option<&Path>,
    explain: bool,
    example: Option<&str>,
) -> Result<i32> {
    let mut raw = Vec::new();
    match file.filter(|f| *f != Path::new("-")) {
        Some(path) => {
            raw = std::fs::read(path)
                .map_err(|e| Error::io(format!("failed to read {}", path.display()), e))?;
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut raw)
                .map_err(|e| Error::io("failed to read stdin", e))?;
        }
    }
    let text = String::from_utf8_lossy(&raw);
    // An example's normalizer is compiled when the catalog loads, where a bad rule is a catalog error.
    let normalizer = match (config, example) {
        (Some(config), Some(path)) => {
            Arc::clone(&Catalog::load(&config.root)?.client(path)?.example.normalizer)
        }
        // The built-in rules always compile; an error here would be nbe's own bug, reported as such.
        _ => Arc::new(Normalizer::new(&Rules::default()).map_err(|err| Error::Usage(err.to_string()))?),
    };
    let normalized = if explain {
        let (normalized, explanations) = normalizer.explain(&text);
        let mut stderr = std::io::stderr().lock();
        for explanation in explanations {
            let _ = writeln!(stderr, "{explanation}");
        }
        normalized
    } else {
        normalizer.normalize(&text)
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(normalized.as_bytes())
        .map_err(super::stdout_failed)?;
    Ok(exit::SUCCESS)
}
