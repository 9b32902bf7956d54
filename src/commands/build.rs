//! `nbe build`: the docs site, written to a directory nbe owns.

use std::path::Path;
use std::time::Instant;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::site::{self, badge::RecordingVerdicts};

/// Builds the site into `output` (default `site/` under the root) and reports what it worked around.
pub fn build(config: &Config, output: Option<&Path>) -> Result<i32> {
    let started = Instant::now();
    let catalog = Catalog::load(&config.root)?;
    super::warn_problems(&catalog);
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
