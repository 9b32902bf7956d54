//! `nbe build`: the docs site, written to a directory nbe owns.

use std::path::Path;
use std::time::Instant;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::scaffold::leftover;
use crate::site::{self, badge::RecordingVerdicts};

/// Builds the site into `output` (default `site/` under the root) and reports what it worked around.
pub fn build(config: &Config, output: Option<&Path>) -> Result<i32> {
    let started = Instant::now();
    let catalog = Catalog::load(&config.root)?;
    super::warn_problems(&catalog);
    // The site publishes every page as it stands: text left for the author to replace is refused.
    let leftovers = leftover::in_catalog(&catalog, &catalog.select(&[])?);
    if !leftovers.is_empty() {
        for leftover in &leftovers {
            eprintln!("nbe: error: {}", leftover.shown(&catalog.root));
        }
        let places = match leftovers.len() {
            1 => "1 place still holds".to_string(),
            n => format!("{n} places still hold"),
        };
        eprintln!("nbe: the site is not built: {places} what nbe new wrote for the author to replace");
        return Ok(exit::FAILURE);
    }
    let output = output.map_or_else(|| config.root.join("site"), Path::to_path_buf);
    let site = site::build(&catalog, &RecordingVerdicts, &output)?;
    report(&site);
    eprintln!(
        "nbe: wrote {} pages to {} in {} ms",
        site.pages,
        output.display(),
        started.elapsed().as_millis()
    );
    Ok(exit::SUCCESS)
}

/// Prints the build's warnings.
pub fn report(site: &site::Site) {
    for warning in &site.warnings {
        eprintln!("nbe: warning: {warning}");
    }
}
