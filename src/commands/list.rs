//! `nbe list`: the catalog as a tree with titles, or as JSON.

use std::io::Write;

use serde_json::json;

use crate::catalog::{self, Catalog, Partition};
use crate::config::Config;
use crate::error::Result;
use crate::exit;

/// Prints the categories, examples and clients under `prefix`.
pub fn list(config: &Config, prefix: Option<&str>, json: bool, partition: Option<Partition>) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    super::warn_problems(&catalog);
    let prefixes: Vec<String> = prefix.into_iter().map(str::to_string).collect();
    let selected = catalog.select_in(&prefixes, partition)?;
    let wanted = |path: &str| {
        selected
            .iter()
            .any(|s| catalog::segment_prefix(&s.client.path, path))
    };
    let mut out = std::io::stdout().lock();
    let text = if json {
        let categories: Vec<_> = catalog
            .categories
            .iter()
            .filter(|c| wanted(&c.name))
            .map(|category| {
                let examples: Vec<_> = category
                    .examples
                    .iter()
                    .filter(|e| wanted(&e.path))
                    .map(|example| {
                        json!({
                            "path": example.path,
                            "title": example.title,
                            "description": example.description,
                            "clients": example.clients.iter().map(|c| c.dir_name()).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                json!({
                    "name": category.name,
                    "title": category.title,
                    "description": category.description,
                    "examples": examples,
                })
            })
            .collect();
        format!("{:#}\n", json!({ "categories": categories }))
    } else {
        let mut text = String::new();
        for category in catalog.categories.iter().filter(|c| wanted(&c.name)) {
            text.push_str(&format!("{}  {}\n", category.name, category.title));
            let examples: Vec<_> = category.examples.iter().filter(|e| wanted(&e.path)).collect();
            let width = examples.iter().map(|e| e.path.len()).max().unwrap_or(0);
            for example in examples {
                let clients: Vec<_> = example.clients.iter().map(|c| c.dir_name()).collect();
                text.push_str(&format!(
                    "  {:width$}  {}  [{}]\n",
                    example.path,
                    example.title,
                    clients.join(", ")
                ));
            }
        }
        text
    };
    out.write_all(text.as_bytes()).map_err(super::stdout_failed)?;
    Ok(exit::SUCCESS)
}
