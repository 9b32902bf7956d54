//! Scaffolding a new example (`nbe new`): its `meta.yaml`, one program per client kind from the
//! kind's template, and its entry in its category's list, the category itself too when asked.
//!
//! Everything is worked out and checked before the first file is written: the names (plain path
//! segments, as the catalog requires), the kinds (known, and runnable here, since a template must
//! run as it stands), that nothing of the example exists yet, and that each edited `meta.yaml`
//! still parses and lists what it listed plus the new name (an empty or missing list is left
//! alone: the catalog then takes every directory, the new one too). Lists are edited as text
//! ([`list::append`]), so an author's comments and order survive. Every file is written with
//! [`atomic_write`]; the lists last, so an interrupted scaffold leaves at worst an unlisted
//! directory, which the catalog names.
//!
//! The templates live in `clients/templates/<kind>/`, one per runnable kind, embedded here; the
//! integration tests scaffold and run every one.

pub mod leftover;
mod list;

use std::path::{Path, PathBuf};

use crate::atomic::atomic_write;
use crate::catalog::{self, Kind, paths};
use crate::error::{Error, Result};

/// The program each runnable kind starts with.
const TEMPLATES: [(&str, &str); 8] = [
    ("cli", include_str!("../../clients/templates/cli/main.sh")),
    ("go", include_str!("../../clients/templates/go/main.go")),
    ("python", include_str!("../../clients/templates/python/main.py")),
    ("rust", include_str!("../../clients/templates/rust/main.rs")),
    ("node", include_str!("../../clients/templates/node/main.js")),
    ("deno", include_str!("../../clients/templates/deno/main.ts")),
    ("java", include_str!("../../clients/templates/java/Main.java")),
    ("c", include_str!("../../clients/templates/c/main.c")),
];

/// What `nbe new` is asked for.
#[derive(Debug)]
pub struct Request<'a> {
    /// `category/example`.
    pub path: &'a str,
    /// Kind names (or aliases) of the clients to write.
    pub kinds: &'a [String],
    /// Create the category when it does not exist.
    pub create_category: bool,
}

/// What a scaffold wrote or changed, relative to the repository root, in order.
#[derive(Debug, Default)]
pub struct Created {
    /// New files.
    pub files: Vec<PathBuf>,
    /// Lists that got the new name, as `file` and the key.
    pub listed: Vec<(PathBuf, &'static str)>,
    /// The new clients, as `category/example/client`.
    pub clients: Vec<String>,
}

/// The kind names `nbe new --kind` takes, in tab order.
pub fn known_kinds() -> Vec<&'static str> {
    Kind::all()
        .filter(|kind| template(*kind).is_some())
        .map(Kind::name)
        .collect()
}

/// Scaffolds the example of `request` in the repository at `root`.
pub fn scaffold(root: &Path, request: &Request) -> Result<Created> {
    let (category, example) = names(request.path)?;
    let kinds = kinds(request.kinds)?;
    let examples = Path::new("examples");
    let root_meta = examples.join("meta.yaml");
    let category_dir = examples.join(category);
    let category_meta = category_dir.join("meta.yaml");
    let example_dir = category_dir.join(example);

    let root_text = read(root, &root_meta)?;
    let listed_categories = listed::<catalog::meta::RootMeta>(root, &root_meta, &root_text)?.categories;
    let category_exists =
        root.join(&category_dir).is_dir() || listed_categories.iter().any(|c| c == category);
    if !category_exists && !request.create_category {
        return Err(Error::Usage(format!(
            "there is no category {category:?} (no {} and no entry in {}); check the spelling, or pass \
             --create-category to create it",
            category_dir.display(),
            root_meta.display()
        )));
    }

    let mut edits: Vec<(PathBuf, String, &'static str)> = Vec::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    if category_exists {
        let text = read(root, &category_meta)?;
        let meta = listed::<catalog::meta::CategoryMeta>(root, &category_meta, &text)?;
        if root.join(&example_dir).exists() || meta.examples.iter().any(|e| e == example) {
            return Err(Error::Usage(format!(
                "{category}/{example} already exists ({} or its entry in {}); pick another name, or edit it",
                example_dir.display(),
                category_meta.display()
            )));
        }
        // An empty list means "every directory, by name": the new one is found without an entry,
        // and an entry would leave its siblings out.
        if !meta.examples.is_empty() {
            let edited = append(root, &category_meta, &text, "examples", example, &meta.examples)?;
            edits.push((category_meta, edited, "examples"));
        }
    } else {
        files.push((category_meta, category_yaml(category, example)));
        if !listed_categories.is_empty() && !listed_categories.iter().any(|c| c == category) {
            let edited = append(
                root,
                &root_meta,
                &root_text,
                "categories",
                category,
                &listed_categories,
            )?;
            edits.push((root_meta, edited, "categories"));
        }
    }
    files.push((example_dir.join("meta.yaml"), example_yaml(example)));
    for &kind in &kinds {
        let text = template(kind).unwrap_or_default();
        files.push((
            example_dir.join(kind.name()).join(kind.main_file()),
            text.to_string(),
        ));
    }

    let mut created = Created {
        clients: kinds
            .iter()
            .map(|kind| format!("{category}/{example}/{}", kind.name()))
            .collect(),
        ..Created::default()
    };
    for (path, text) in files {
        atomic_write(&root.join(&path), text.as_bytes())?;
        created.files.push(path);
    }
    // The example's list before the categories': a category is listed once it has its example.
    for (path, text, key) in edits {
        atomic_write(&root.join(&path), text.as_bytes())?;
        created.listed.push((path, key));
    }
    Ok(created)
}

/// The category and example names of `path`, each a plain path segment.
fn names(path: &str) -> Result<(&str, &str)> {
    let usage = |why: String| Error::Usage(format!("cannot create {path:?}: {why}"));
    let mut parts = path.trim_end_matches('/').split('/');
    let (Some(category), Some(example), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(usage(
            "give it as `category/example`, like `jetstream/mirror`".into(),
        ));
    };
    for (name, what) in [(category, "category"), (example, "example")] {
        if !paths::is_plain_name(name) {
            return Err(usage(format!(
                "{name:?} is not a valid {what} name: names become URLs, paths and arguments, so they use \
                 only lowercase letters, digits, '.', '_' and '-', and start with a letter or digit"
            )));
        }
    }
    Ok((category, example))
}

/// The kinds of `names`, each once, in the order given; unknown names are an error listing the known.
fn kinds(names: &[String]) -> Result<Vec<Kind>> {
    let mut kinds: Vec<Kind> = Vec::new();
    for name in names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    {
        let kind = Kind::from_dir_name(name).ok_or_else(|| {
            Error::Usage(format!(
                "unknown kind {name:?}; nbe new knows {}",
                known_kinds().join(", ")
            ))
        })?;
        if let Some(why) = kind.cannot_run_here() {
            return Err(Error::Usage(format!(
                "{why}, so nbe new has no template for it; it knows {}",
                known_kinds().join(", ")
            )));
        }
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        kinds.push(Kind::CLI);
    }
    Ok(kinds)
}

/// The template of `kind`, if it has one.
fn template(kind: Kind) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(name, _)| *name == kind.name())
        .map(|(_, text)| *text)
}

/// The text of `relative` under `root`; empty when it does not exist.
fn read(root: &Path, relative: &Path) -> Result<String> {
    match std::fs::read_to_string(root.join(relative)) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(format!("failed to read {}", relative.display()), e)),
    }
}

/// `text`, the content of `relative`, parsed as the catalog parses it.
fn listed<T: serde::de::DeserializeOwned + Default>(root: &Path, relative: &Path, text: &str) -> Result<T> {
    catalog::meta::parse(&root.join(relative), text)
}

/// `text` of `relative` with `item` appended to its list `key`, checked by parsing it again: the
/// list must read `before` and then `item`.
fn append(
    root: &Path,
    relative: &Path,
    text: &str,
    key: &str,
    item: &str,
    before: &[String],
) -> Result<String> {
    let edited = list::append(text, key, item)
        .map_err(|why| Error::Usage(format!("cannot add {item:?} to {}: {why}", relative.display())))?;
    let after = match key {
        "categories" => listed::<catalog::meta::RootMeta>(root, relative, &edited)?.categories,
        _ => listed::<catalog::meta::CategoryMeta>(root, relative, &edited)?.examples,
    };
    let expected: Vec<&str> = before.iter().map(String::as_str).chain([item]).collect();
    if after != expected {
        return Err(Error::Usage(format!(
            "cannot add {item:?} to `{key}:` in {} without rewriting it; add it by hand",
            relative.display()
        )));
    }
    Ok(edited)
}

/// A new category's `meta.yaml`, listing its first example.
fn category_yaml(category: &str, example: &str) -> String {
    format!(
        "title: {}\ndescription: |\n  What the examples of this category have in common, and what a reader\n  \
         learns from them.\n  {}\nexamples:\n  - {example}\n",
        catalog::title_case(category),
        leftover::PLACEHOLDER
    )
}

/// A new example's `meta.yaml`.
fn example_yaml(example: &str) -> String {
    format!(
        "title: {}\ndescription: |\n  What this example shows, and what to notice in its output.\n  {}\n",
        catalog::title_case(example),
        leftover::PLACEHOLDER
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runnable_kind_has_one_template_and_every_template_a_kind() {
        for kind in Kind::all() {
            assert_eq!(
                template(kind).is_some(),
                kind.unrunnable().is_none(),
                "{}",
                kind.name()
            );
        }
        for (name, _) in TEMPLATES {
            assert!(
                Kind::from_dir_name(name).is_some_and(|kind| kind.name() == name),
                "{name}"
            );
        }
    }

    #[test]
    fn names_are_plain_segments_and_kinds_known() {
        assert_eq!(names("kv/watch-2").unwrap(), ("kv", "watch-2"));
        for bad in ["kv", "kv/Watch", "kv/a/b", "../x", "kv/-a"] {
            assert!(names(bad).is_err(), "{bad}");
        }
        let err = kinds(&["go".into(), "cobol".into()]).unwrap_err().to_string();
        assert!(
            err.contains("unknown kind \"cobol\"") && err.contains("cli, go"),
            "{err}"
        );
        let err = kinds(&["ruby".into()]).unwrap_err().to_string();
        assert!(err.contains("cannot run ruby clients"), "{err}");
        let picked: Vec<_> = kinds(&["javascript".into(), "cli".into(), "node".into()])
            .unwrap()
            .into_iter()
            .map(Kind::name)
            .collect();
        assert_eq!(picked, ["node", "cli"]);
    }

    #[test]
    fn the_written_meta_files_parse() {
        let dir = tempfile::tempdir().unwrap();
        let meta: catalog::meta::CategoryMeta =
            catalog::meta::parse(dir.path(), &category_yaml("key-value", "watch")).unwrap();
        assert_eq!(meta.title.as_deref(), Some("Key Value"));
        assert_eq!(meta.examples, ["watch"]);
        let meta: catalog::meta::ExampleMeta =
            catalog::meta::parse(dir.path(), &example_yaml("a-b")).unwrap();
        assert_eq!(meta.title.as_deref(), Some("A B"));
    }
}
