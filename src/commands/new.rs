//! `nbe new`: scaffolds an example, then says what it wrote and what to run next.

use crate::config::Config;
use crate::error::Result;
use crate::exit;
use crate::scaffold::{self, Request};

/// Scaffolds the example of `request` and prints the files, the lists and the next commands.
pub fn new(config: &Config, request: &Request) -> Result<i32> {
    let created = scaffold::scaffold(&config.root, request)?;
    for file in &created.files {
        println!("created {}", file.display());
    }
    for (file, key) in &created.listed {
        println!("added to `{key}:` in {}", file.display());
    }
    let path = request.path.trim_end_matches('/');
    println!("next: fill in the title and description of its meta.yaml, write the program, then");
    for client in &created.clients {
        println!("  nbe run {client}");
    }
    println!("  nbe record {path}");
    println!("  nbe test {path}");
    Ok(exit::SUCCESS)
}
