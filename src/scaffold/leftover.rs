//! Text `nbe new` writes for the author to replace, found where it was left: the placeholder
//! description of a new example or category, and a program whose prose is still all its kind's
//! template's. Either would be published as it stands, so `nbe lint` (NBE118), `nbe check` and
//! `nbe build` refuse it.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use crate::catalog::{self, Catalog, Kind, Selected};
use crate::lint::code;
use crate::program::split;
use crate::program::syntax::Syntax;

/// The sentence every description `nbe new` writes ends with.
pub const PLACEHOLDER: &str = "(Written by nbe new: replace this.)";

/// One piece of template text left in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The category, example or client it belongs to.
    pub path: String,
    /// The file holding it.
    pub file: PathBuf,
    /// The one-based line, when known.
    pub line: Option<usize>,
    /// What is left and what to write instead.
    pub message: String,
}

impl Leftover {
    /// `file:line: message (NBE118)`, the file relative to the repository at `root`: what
    /// `nbe check` and `nbe build` say of it.
    pub fn shown(&self, root: &Path) -> String {
        let file = self.file.strip_prefix(root).unwrap_or(&self.file).display();
        let at = self.line.map(|line| format!(":{line}")).unwrap_or_default();
        format!("{file}{at}: {} ({})", self.message, code::TEMPLATE_TEXT.id)
    }
}

/// The placeholder in the `description` of the category or example at `path`, read from
/// `meta_path`.
pub fn in_description(path: &str, meta_path: &Path, description: &str) -> Option<Leftover> {
    // YAML folds a long description over lines: the placeholder is looked for word by word.
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !words(description).contains(PLACEHOLDER) {
        return None;
    }
    // The line where the placeholder starts; the whole description's first when it is folded.
    let line = std::fs::read_to_string(meta_path).ok().and_then(|text| {
        text.lines()
            .position(|line| line.contains("Written by nbe new"))
            .map(|index| index + 1)
    });
    Some(Leftover {
        path: path.to_string(),
        file: meta_path.to_path_buf(),
        line,
        message: format!(
            "the description of {path} is still the one nbe new wrote; say what a reader learns from it"
        ),
    })
}

/// The prose of the program `main` (its text `source`) of the client at `path`, when every
/// section of it is a section of the kind's template: the program's page would explain the
/// template, not the example.
pub fn in_program(path: &str, kind: Kind, main: &Path, source: &str) -> Option<Leftover> {
    let template = template_prose(kind)?;
    // A cheap look first, since most programs share no words with their template: the first
    // words of a comment are on its first line.
    let opening = |prose: &str| prose.split(' ').take(4).collect::<Vec<_>>().join(" ");
    if !template.iter().any(|prose| source.contains(&opening(prose))) {
        return None;
    }
    let sections = split::split(Syntax::for_file(main), source).ok()?.sections;
    let mut prose = sections.iter().filter(|s| !s.prose.trim().is_empty()).peekable();
    let first = prose.peek()?.line;
    prose
        .all(|s| template.contains(&words(&s.prose)))
        .then(|| Leftover {
            path: path.to_string(),
            file: main.to_path_buf(),
            line: Some(first),
            message: format!(
                "every comment of {path} is still its nbe new template's; write what this program shows"
            ),
        })
}

/// Every leftover of `selected`: in their categories' and examples' descriptions and their programs.
/// An example that silences NBE118 in its `meta.yaml` (`lint.allow`) is left alone.
pub fn in_catalog(catalog: &Catalog, selected: &[Selected]) -> Vec<Leftover> {
    let mut found = Vec::new();
    for category in &catalog.categories {
        if selected
            .iter()
            .any(|s| s.example.path.starts_with(&format!("{}/", category.name)))
        {
            found.extend(in_description(
                &category.name,
                &category.dir.join("meta.yaml"),
                &category.description,
            ));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for s in selected {
        if !seen.contains(&s.example.path.as_str()) {
            seen.push(&s.example.path);
            found.extend(in_description(
                &s.example.path,
                &s.example.meta_path,
                &s.example.description,
            ));
        }
        if let Ok(source) = std::fs::read_to_string(&s.client.main) {
            found.extend(in_program(&s.client.path, s.client.kind, &s.client.main, &source));
        }
    }
    // What lint would not report, check and build do not refuse.
    found.retain(|leftover| {
        !catalog.examples().any(|example| {
            catalog::segment_prefix(&leftover.path, &example.path)
                && example
                    .allows
                    .iter()
                    .any(|allow| allow.code == code::TEMPLATE_TEXT)
        })
    });
    found
}

/// `text` with its runs of whitespace made single spaces, so rewrapped prose compares equal.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The prose sections of `kind`'s template, as [`words`], split once per kind.
fn template_prose(kind: Kind) -> Option<&'static [String]> {
    static SPLIT: LazyLock<Vec<(Kind, Vec<String>)>> = LazyLock::new(|| {
        Kind::all()
            .filter_map(|kind| {
                let text = super::template(kind)?;
                let file = Path::new(kind.main_file());
                let sections = split::split(Syntax::for_file(file), text).ok()?.sections;
                let prose = sections
                    .iter()
                    .filter(|s| !s.prose.trim().is_empty())
                    .map(|s| words(&s.prose))
                    .collect();
                Some((kind, prose))
            })
            .collect()
    });
    SPLIT
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, prose)| prose.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_found_as_it_stands_and_not_once_its_prose_is_written() {
        for kind in Kind::all() {
            let Some(text) = super::super::template(kind) else {
                continue;
            };
            let main = Path::new(kind.main_file());
            let found = in_program("c/e/k", kind, main, text);
            assert!(found.is_some(), "{}", kind.name());
            let prose = template_prose(kind).unwrap();
            // The template's first prose line, rewritten by an author.
            let first = prose[0].split(' ').take(3).collect::<Vec<_>>().join(" ");
            let edited = text.replacen(&first, "Our own words about", 1);
            assert_ne!(edited, text, "{}", kind.name());
            assert_eq!(in_program("c/e/k", kind, main, &edited), None, "{}", kind.name());
        }
    }

    #[test]
    fn a_folded_placeholder_is_found() {
        let description = "What it shows. (Written by\n nbe new: replace this.)\n";
        let found = in_description("c/e", Path::new("/nonexistent/meta.yaml"), description).unwrap();
        assert_eq!(found.line, None);
        assert!(in_description("c/e", Path::new("x"), "Streams, written by hand.").is_none());
    }
}
