//! `nbe serve`: the docs site on a loopback address, rebuilt and reloaded as the examples change.

use std::io::Write;
use std::net::TcpListener;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::site::preview::{self, Watching, loopback_addr};
use crate::site::{self, badge::RecordingVerdicts};

use super::build::report;

/// Serves the site at `addr` until the process is stopped; `poll` watches by modification times.
pub fn serve(config: &Config, addr: &str, poll: bool) -> Result<i32> {
    let addr = loopback_addr(addr)?;
    let listener =
        TcpListener::bind(addr).map_err(|e| Error::io(format!("failed to listen on {addr}"), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("failed to read the listening address", e))?;
    let root = config.root.clone();
    let render = {
        let root = root.clone();
        move || {
            let catalog = Catalog::load(&root)?;
            let site = site::render(&catalog, &RecordingVerdicts);
            report(&site);
            Ok(site)
        }
    };
    let mut stdout = std::io::stdout();
    // Tests and scripts read this line to learn the port when `--addr` asks for port 0.
    let _ = writeln!(
        stdout,
        "nbe: serving http://{bound}/ (rebuilds when examples change; Ctrl-C stops)"
    );
    let _ = stdout.flush();
    let watching = if poll { Watching::Polling } else { Watching::Events };
    preview::serve(listener, &root, watching, render)?;
    Ok(crate::exit::SUCCESS)
}
