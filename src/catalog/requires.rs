//! What a client needs beyond its kind, as its example's `meta.yaml` declares it, and whether this
//! machine has it.
//!
//! `requires: [nsc, docker]` at the top of an example's `meta.yaml` binds every client;
//! `clients: {cli: {requires: [mkcert]}}` binds one (by directory or kind name). An item is a
//! program, looked up as the kinds' own programs are ([`find_program`]: the tools dir, then
//! `PATH`), or, when it holds a `/`, a file relative to the example (one the example builds or
//! ships, like `./certs/ca.pem`). A client missing one is skipped with the reason wherever clients
//! run, and counted apart from passes; `nbe check` does not ask it for a recording it cannot make.
//!
//! `clients: {node: {hooks: true}}` turns one client's package-manager install hooks on (its
//! kind's `prepare_hooks` prepares it), for a package that cannot work without its `postinstall`;
//! they are off for every other client. A kind without `prepare_hooks` refuses the key.

use std::path::{Path, PathBuf};

use crate::catalog::meta::{self, ExampleMeta};
use crate::catalog::{Client, Selected};
use crate::error::{Error, Result};
use crate::runner::toolchain::find_program;
use crate::runner::tools::{Tools, search_path};

/// Checks the `requires:` and `clients:` of an example's `meta.yaml` (at `meta_path`, holding
/// `text`) and gives each of `clients` what binds it.
pub(super) fn declare(
    clients: &mut [Client],
    meta: &ExampleMeta,
    meta_path: &Path,
    text: &str,
) -> Result<()> {
    check_items(&meta.requires, &["requires"], meta_path, text)?;
    for (name, settings) in &meta.clients {
        if !clients.iter().any(|client| client.is_named(name)) {
            let known: Vec<&str> = clients.iter().map(Client::dir_name).collect();
            return Err(Error::catalog(
                meta::key_location(meta_path, text, name),
                format!(
                    "`clients` names {name:?}, which is not a client of this example; use one of: {}",
                    known.join(", ")
                ),
            ));
        }
        check_items(
            &settings.requires,
            &["clients", name, "requires"],
            meta_path,
            text,
        )?;
        if settings.hooks
            && let Some(client) = clients
                .iter()
                .find(|client| client.is_named(name) && client.kind.spec().prepare_hooks.is_none())
        {
            return Err(Error::catalog(
                meta::value_location(meta_path, text, &["clients", name, "hooks"]),
                format!(
                    "`clients.{name}.hooks` asks for install hooks, but {} clients have none to run (no `prepare_hooks` in its kind); remove the key",
                    client.kind
                ),
            ));
        }
    }
    for client in clients {
        client.requires = meta
            .requires
            .iter()
            .chain(
                meta.clients
                    .iter()
                    .filter(|(name, _)| client.is_named(name))
                    .flat_map(|(_, settings)| &settings.requires),
            )
            .map(|need| need.trim().to_string())
            .collect();
        client.hooks = meta
            .clients
            .iter()
            .any(|(name, settings)| settings.hooks && client.is_named(name));
    }
    Ok(())
}

/// Refuses an empty item and an absolute path: a file requirement is the example's own.
fn check_items(items: &[String], steps: &[&str], meta_path: &Path, text: &str) -> Result<()> {
    for (index, item) in items.iter().enumerate() {
        let index = index.to_string();
        let mut at: Vec<&str> = steps.to_vec();
        at.push(&index);
        let problem = if item.trim().is_empty() {
            "is empty; name a program (`nsc`) or a file of the example (`./certs/ca.pem`)"
        } else if item.trim().starts_with('/') {
            "is an absolute path; name a file relative to the example (`./certs/ca.pem`), or a program by its name"
        } else {
            continue;
        };
        return Err(Error::catalog(
            meta::value_location(meta_path, text, &at),
            format!("`{}` item {item:?} {problem}", steps.join(".")),
        ));
    }
    Ok(())
}

/// The program `name` as the kinds look for theirs ([`find_program`]: `tools`' dir, then `PATH`),
/// on `PATH` alone when the tools were not found.
pub fn find(name: &str, tools: Option<&Tools>) -> Option<PathBuf> {
    match tools {
        Some(tools) => find_program(name, tools),
        None => search_path(name),
    }
}

/// Why `selected` cannot run on this machine, naming the first requirement missing and where it
/// is declared; `None` when it has them all. Programs are looked for in `tools`' dir, then on
/// `PATH` (only `PATH` without tools).
pub fn unmet(selected: Selected, tools: Option<&Tools>) -> Option<String> {
    let example = selected.example;
    let declared = format!("examples/{}/meta.yaml", example.path);
    selected.client.requires.iter().find_map(|need| {
        if need.contains('/') {
            let file = example.dir.join(need);
            (!file.exists()).then(|| {
                format!(
                    "requires {need}, which {} does not hold (declared by `requires` in {declared}); build or add it first",
                    example.path
                )
            })
        } else {
            find(need, tools).is_none().then(|| {
                format!(
                    "requires `{need}`, which is neither in the tools dir nor on PATH (declared by `requires` in {declared}); install it to run this client"
                )
            })
        }
    })
}
