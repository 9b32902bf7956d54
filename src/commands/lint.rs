//! `nbe lint`: checks examples without running them and reports findings.

use std::io::{IsTerminal, Write};

use crate::catalog::Catalog;
use crate::config::{ColorChoice, Config, Format};
use crate::error::Result;
use crate::exit;
use crate::lint::{self, code::Severity, render};

/// Lints the examples under `prefixes` (all when empty) and returns the exit code: 1 when a
/// finding is an error (or a warning, with `deny_warnings`), else 0.
pub fn lint(
    config: &Config,
    prefixes: &[String],
    format: Format,
    color: ColorChoice,
    deny_warnings: bool,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let found = lint::lint(&catalog, prefixes, config.tools().ok().as_ref())?;
    let text = match format {
        Format::Human => render::human(
            &found,
            &catalog.root,
            color.enabled(std::io::stdout().is_terminal()),
        ),
        Format::Json => format!("{:#}\n", render::json(&found, &catalog.root)),
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(super::stdout_failed)?;
    let failing = found.count(Severity::Error) > 0 || (deny_warnings && found.count(Severity::Warning) > 0);
    Ok(if failing { exit::FAILURE } else { exit::SUCCESS })
}
