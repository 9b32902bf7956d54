//! `nbe normalize`: the normalizer on a file or stdin, optionally explained.

use std::io::{Read, Write};
use std::path::Path;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::{Error, Location, Result};
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
    let normalizer = match (config, example) {
        (Some(config), Some(path)) => {
            let catalog = Catalog::load(&config.root)?;
            let example = catalog.client(path)?.example;
            Normalizer::new(&example.normalize).map_err(|err| {
                Error::catalog(Location::file(&example.meta_path), format!("normalize: {err}"))
            })?
        }
        _ => Normalizer::new(&Rules::default()).map_err(|err| Error::Usage(err.to_string()))?,
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
