//! The version matrix: the same clients on other versions of nats-server, natscli or a client
//! library (`nbe test --server-version A,B`, `--cli-version`, `--client KIND=VERSION`).
//!
//! Each combination of the versions asked for is a [`Variant`]: a column of the matrix, with the
//! [`RunOptions`] its runs use (the tools with the other versions first on `PATH` and in the
//! fixture, the kinds' defaults folders at the other library versions). Versions are installed
//! on demand into the cache ([`crate::runner::install`]) before anything runs. A variant whose
//! versions are all the pinned ones is *pinned*: it compares and writes snapshots as a plain run
//! does. Any other variant compares with the same snapshots (they hold the pinned versions'
//! output) and never writes one: its mismatch is shown with the diff and fails, so the exit status
//! says whether the examples work on that version.
//!
//! A column shows behaviour, not the version it was asked for: before comparing, the versions it
//! sets and the pinned ones they replace are masked on both sides ([`Variant::mask`]: the server's
//! `Version:` lines and INFO, `nats server list`, the API level after the version and the levels
//! a stream's info shows, and the padding of a table cell that held a version). A client that
//! still differs on another column is run again on the pinned versions; when that run differs from
//! the snapshot too, the client is flaky, and is reported so rather than as a version difference.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::RunOptions;
use crate::catalog::versions::{Component, Requirements};
use crate::catalog::{Kind, Selected};
use crate::config::VersionsRequest;
use crate::error::Result;
use crate::report::Versions;
use crate::runner::install;
use crate::runner::tools::{self, Tool};

/// One column of a version matrix.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Its place among the columns, in the order the versions were asked for.
    pub column: usize,
    /// The versions it sets, in axis order (server, cli, a library).
    pub chosen: Vec<(Component, String)>,
    /// True when every version it sets is the pinned one, so its results may write snapshots.
    pub pinned: bool,
    /// What its runs share: the base options with its tools and defaults folders.
    pub options: RunOptions,
}

impl Variant {
    /// Every combination of the versions in `request`, installed and ready, in the order asked:
    /// servers × CLIs × client libraries (an axis not asked for keeps the pinned version).
    pub fn all(request: &VersionsRequest, base: &RunOptions) -> Result<Vec<Variant>> {
        let axis = |component: Component, versions: &[String]| -> Vec<Option<(Component, String)>> {
            if versions.is_empty() {
                vec![None]
            } else {
                versions.iter().map(|v| Some((component, v.clone()))).collect()
            }
        };
        let servers = axis(Component::Server, &request.server);
        let clis = axis(Component::Cli, &request.cli);
        let libraries: Vec<Option<(Component, String)>> = if request.clients.is_empty() {
            vec![None]
        } else {
            request
                .clients
                .iter()
                .map(|(kind, v)| Some((Component::Library(*kind), v.clone())))
                .collect()
        };
        let mut variants = Vec::new();
        for server in &servers {
            for cli in &clis {
                for library in &libraries {
                    let chosen: Vec<(Component, String)> =
                        [server, cli, library].into_iter().flatten().cloned().collect();
                    variants.push(Self::new(chosen, base)?.at(variants.len()));
                }
            }
        }
        Ok(variants)
    }

    /// The variant setting the versions `chosen`, with what it needs installed; `pinned` when each
    /// is the pinned version (nothing to install then).
    pub fn new(chosen: Vec<(Component, String)>, base: &RunOptions) -> Result<Self> {
        let mut options = base.clone();
        let mut pinned = true;
        for (component, version) in &chosen {
            if pinned_version(*component, &base.root).as_deref() == Some(version.as_str()) {
                continue;
            }
            pinned = false;
            match component {
                Component::Server => tool_override(&mut options, tools::NATS_SERVER, version, base)?,
                Component::Cli => tool_override(&mut options, tools::NATS, version, base)?,
                Component::Library(kind) => {
                    let dir =
                        install::library_defaults(*kind, version, &base.root, &base.tools, &base.cache)?;
                    options.library_defaults.push((*kind, dir));
                }
            }
        }
        Ok(Self {
            column: 0,
            chosen,
            pinned,
            options,
        })
    }

    /// The same variant as column `column` of its matrix.
    fn at(self, column: usize) -> Self {
        Self { column, ..self }
    }

    /// The versions the same runs would use as pinned ones: what `nbe set-versions` does before it
    /// re-runs the catalog with the new versions (they are the pinned ones from then on).
    pub fn as_pinned(self) -> Self {
        Self { pinned: true, ..self }
    }

    /// The column heading, like `server v2.11.4` or `server v2.11.4, go v1.50.0`.
    pub fn label(&self) -> String {
        self.chosen
            .iter()
            .map(|(component, version)| format!("{} {version}", component.key()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What the reports of its results carry.
    pub fn versions(&self) -> Versions {
        Versions {
            column: self.column,
            label: self.label(),
            chosen: self
                .chosen
                .iter()
                .map(|(component, version)| (component.key().to_string(), version.clone()))
                .collect(),
        }
    }

    /// `text` with the versions this variant sets, and the pinned ones they replace, made
    /// placeholders (`[server version]`), and, when it sets the server's, the JetStream API level
    /// the server announces with it: what two columns' outputs are compared by.
    pub fn mask(&self, text: &str, root: &Path) -> String {
        let versions: Vec<(Component, Vec<String>)> = self
            .chosen
            .iter()
            .map(|(component, version)| {
                let pinned = pinned_version(*component, root);
                (
                    *component,
                    [Some(version.clone()), pinned].into_iter().flatten().collect(),
                )
            })
            .collect();
        mask(text, &versions)
    }

    /// Whether `kind`'s clients belong in this column: a column choosing a library version is
    /// only about that library's clients.
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.chosen.iter().all(|(component, _)| match component {
            Component::Library(library) => *library == kind,
            Component::Server | Component::Cli => true,
        })
    }

    /// The version of `component` its runs use.
    pub fn version_of(&self, component: Component, root: &Path) -> Option<String> {
        self.chosen
            .iter()
            .find(|(chosen, _)| *chosen == component)
            .map(|(_, version)| version.clone())
            .or_else(|| pinned_version(component, root))
    }
}

/// `text` with each of the `versions` of a component made its placeholder (`[server version]`),
/// with or without its `v`, and, for the server, the API level after it.
fn mask(text: &str, versions: &[(Component, Vec<String>)]) -> String {
    let mut masked = text.to_string();
    for (component, versions) in versions {
        let placeholder = format!("[{} version]", component.key());
        for version in versions {
            let bare = regex::escape(version.trim_start_matches('v'));
            let pattern = Regex::new(&format!(r"\bv?{bare}\b")).expect("an escaped version is a valid regex");
            masked = pattern
                .replace_all(&masked, regex::NoExpand(&placeholder))
                .into_owned();
        }
        if *component == Component::Server {
            masked = API_LEVEL
                .replace_all(&masked, "${1}[server API level]")
                .into_owned();
        }
    }
    // A table cell holding a version was padded to that version's width: the placeholder in it
    // is followed by as many spaces as the longest version of its column needed.
    PADDED_CELL.replace_all(&masked, "$1 $2").into_owned()
}

/// The JetStream API level a server announces beside its version: in its INFO (`"api_lvl":5`),
/// its start log (`API Level: 5`), `nats server` reports (`API Level: 5`, `"api_level": 5`,
/// `API Support Level: 5`), and the levels `nats stream info` and `nats consumer info` show of an
/// asset (`Required API Level: 1 hosted at level 5`, `"_nats.level": "1"`).
static API_LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)("api_lvl":\s*|"api_level":\s*|API (?:Support )?Level:\s*|hosted at level\s+|"_nats\.level":\s*")\d+"#,
    )
    .expect("a valid regex")
});

/// A version placeholder, the spaces that pad its table cell, and the cell's border.
static PADDED_CELL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\[[a-z]+ version\]) +([│|])").expect("a valid regex"));

/// The pinned version of `component`: `tools.versions` for the tools, the kind's defaults folder
/// for a library.
pub fn pinned_version(component: Component, root: &Path) -> Option<String> {
    match component {
        Component::Server => Some(tools::NATS_SERVER.version().to_string()),
        Component::Cli => Some(tools::NATS.version().to_string()),
        Component::Library(kind) => install::pinned_library(kind, Some(root)),
    }
}

/// Why `selected` does not run on `variant` (the plain run's pinned versions without one): the
/// first of its example's `versions:` requirements the versions miss.
pub fn unmet(selected: Selected, variant: Option<&Variant>, root: &Path) -> Option<String> {
    let requires: &Requirements = &selected.example.requires;
    if requires.0.is_empty() {
        return None;
    }
    let kind = selected.client.kind;
    requires.unmet(|component| {
        // A library requirement binds only the clients of that library's kind.
        if matches!(component, Component::Library(library) if library != kind) {
            return None;
        }
        match variant {
            Some(variant) => variant.version_of(component, root),
            None => pinned_version(component, root),
        }
    })
}

/// Points `options` at `tool` in `version`, installing it first when the cache lacks it.
fn tool_override(options: &mut RunOptions, tool: Tool, version: &str, base: &RunOptions) -> Result<()> {
    let dir: PathBuf = install::tool(tool, version, &base.cache)?;
    options.tools = options.tools.with_override(tool, dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_columns_versions_and_api_levels_are_masked_and_nothing_else() {
        let versions = [(
            Component::Server,
            vec!["v2.11.11".to_string(), "v2.15.2".to_string()],
        )];
        assert_eq!(
            mask(
                "nats-server: v2.11.11\n\"version\":\"2.15.2\",\"api_lvl\":5\n  Version:  2.15.2\n  API Level:       1\nv2.11.110 2.15.20\n",
                &versions
            ),
            "nats-server: [server version]\n\"version\":\"[server version]\",\"api_lvl\":[server API level]\n  Version:  [server version]\n  API Level:       [server API level]\nv2.11.110 2.15.20\n"
        );
        assert_eq!(
            mask(
                "  Required API Level: 1 hosted at level 5\n  API Support Level: 5\n  \"_nats.level\": \"1\",\n",
                &versions
            ),
            "  Required API Level: [server API level] hosted at level [server API level]\n  API Support Level: [server API level]\n  \"_nats.level\": \"[server API level]\",\n"
        );
        // Two versions of different lengths pad their table cells differently.
        assert_eq!(
            mask("│ n1 │ 2.15.2   │ yes │\n│ n1 │ 2.11.11 │ yes │\n", &versions),
            "│ n1 │ [server version] │ yes │\n│ n1 │ [server version] │ yes │\n"
        );
        let cli = [(Component::Cli, vec!["v0.2.0".to_string()])];
        assert_eq!(mask("API Level: 5 v0.2.0", &cli), "API Level: 5 [cli version]");
    }
}
