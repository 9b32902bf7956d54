//! The docs site: the catalog, its recordings and their status, rendered to static HTML.
//!
//! [`render`] turns the catalog into a [`Site`], a sorted map from relative path to bytes, without
//! touching the output directory; [`build`] writes one to disk through [`outdir`], which only ever
//! replaces a directory nbe wrote. `nbe serve` serves a `Site` straight from memory. The same input
//! always gives the same bytes: nothing depends on the clock, and every collection is ordered.
//! Clients are read, and their pages rendered, on every core, and put back in catalog order; the
//! grammars' parses come from the memo in the cache directory, so only a changed program is parsed.
//!
//! - [`crate::program`] reads programs with real grammars and cuts them into prose and code (the
//!   staleness hash reads the same split); [`highlight`] colours code; [`markdown`] renders prose and resolves links between examples;
//! - [`badge`] says what a recording was made with and the verdict on it;
//! - [`page`] writes the HTML, folding the blocks [`setup`] judges to only prepare the run;
//!   [`search`] writes the search index; `assets/` holds the stylesheet, the small script (which
//!   also matches searches against the index) and the monospace font, and `assets/player/` the
//!   terminal player, built in so a site builds the same in any checkout;
//! - [`preview`] is the local preview server behind `nbe serve`.

pub mod badge;
mod highlight;
pub mod html;
pub mod markdown;
pub mod outdir;
mod page;
pub mod preview;
mod search;
pub mod setup;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::catalog::{Catalog, Client, Example, Kind, Selected};
use crate::error::{Error, Location, Result};
use crate::normalize::transport::strip_ansi;
use crate::program::split;
use crate::program::syntax::{self, Syntax};
use crate::recording::{self, Recording};
use crate::verified::{self, Verified};

use badge::Verdicts;
use page::{ClientView, Model, Program};

/// The asciinema player's files, built into nbe (see `assets/player/README.md`): `cargo install`
/// from a fresh clone has no `node_modules` to read them from, and a repository adopting nbe has none.
pub const PLAYER: [(&str, &[u8]); 2] = [
    (
        "asciinema-player.min.js",
        include_bytes!("assets/player/asciinema-player.min.js"),
    ),
    (
        "asciinema-player.css",
        include_bytes!("assets/player/asciinema-player.css"),
    ),
];

const STYLESHEET: &str = include_str!("assets/site.css");
// The script shows at most 36 rows of a recording; `recording::CAST_HEIGHT` lets nbe record up to 40.
// Taller recordings scroll in the player, so the two need not agree; changing either changes pages.
const SCRIPT: &str = include_str!("assets/site.js");
/// JetBrains Mono (SIL Open Font License), from the `@fontsource/jetbrains-mono` npm package, latin
/// subset: built in, so every site has its code font without node_modules or outside requests.
const FONTS: [(&str, &[u8]); 3] = [
    (
        "jetbrains-mono-400.woff2",
        include_bytes!("assets/fonts/jetbrains-mono-latin-400-normal.woff2"),
    ),
    (
        "jetbrains-mono-700.woff2",
        include_bytes!("assets/fonts/jetbrains-mono-latin-700-normal.woff2"),
    ),
    ("jetbrains-mono-OFL.txt", include_bytes!("assets/fonts/OFL.txt")),
];

/// Something in the examples the site had to work around; the build still succeeds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What, and what the page shows instead.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A rendered site: every file by its path relative to the site root.
#[derive(Debug, Default)]
pub struct Site {
    /// Files in path order.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Problems worked around, sorted and without repeats.
    pub warnings: Vec<Warning>,
    /// How many HTML pages there are.
    pub pages: usize,
}

/// Renders the whole site of `catalog`, asking `verdicts` for the verdict on each client.
pub fn render(catalog: &Catalog, verdicts: &dyn Verdicts) -> Site {
    let mut site = Site::default();
    let mut warnings = Vec::new();
    for (name, bytes) in PLAYER {
        site.files.insert(format!("assets/{name}"), bytes.to_vec());
    }
    let known: BTreeSet<String> = catalog.all_paths().map(str::to_owned).collect();
    let clients: Vec<ClientView<'_>> = read_clients(catalog, verdicts)
        .into_iter()
        .map(|read| {
            site.files.extend(read.files);
            warnings.extend(read.warnings);
            read.view
        })
        .collect();
    let model = Model {
        catalog,
        known,
        clients,
    };
    let add_page = |site: &mut Site, path: String, html: String| {
        site.files.insert(path, html.into_bytes());
        site.pages += 1;
    };
    add_page(&mut site, "index.html".into(), model.index());
    for category in &catalog.categories {
        add_page(
            &mut site,
            format!("{}/index.html", category.name),
            model.category(category, &mut warnings),
        );
    }
    // The client pages are most of the work, and independent of each other: one share per core.
    let indices: Vec<usize> = (0..model.clients.len()).collect();
    let rendered = on_every_core(&indices, |&index| {
        let view = &model.clients[index];
        let mut warnings = Vec::new();
        let mut pages = vec![(
            format!("{}/index.html", view.client.path),
            model.client(index, true, &mut warnings),
        )];
        if page_client(view.example).is_some_and(|c| c.path == view.client.path) {
            pages.push((
                format!("{}/index.html", view.example.path),
                model.client(index, false, &mut warnings),
            ));
        }
        (pages, warnings)
    });
    for (pages, more) in rendered {
        for (path, html) in pages {
            add_page(&mut site, path, html);
        }
        warnings.extend(more);
    }
    site.files
        .insert("assets/site.css".into(), STYLESHEET.as_bytes().to_vec());
    site.files
        .insert("assets/site.js".into(), SCRIPT.as_bytes().to_vec());
    for (name, bytes) in FONTS {
        site.files.insert(format!("assets/{name}"), bytes.to_vec());
    }
    site.files.insert(
        "assets/search-index.js".into(),
        search::index(catalog, &model.clients).into_bytes(),
    );
    // Paths relative to the root read better and do not depend on where the repository is. This is
    // the one place warnings get them, whichever part of the site raised them.
    for warning in &mut warnings {
        if let Ok(relative) = warning.location.path.strip_prefix(&catalog.root) {
            warning.location.path = relative.to_path_buf();
        }
    }
    warnings.sort();
    warnings.dedup();
    site.warnings = warnings;
    site
}

/// The client an example's own page shows: the one `nbe run category/example` runs, or, when that
/// command would ask which one (several clients, none `cli`), the first.
fn page_client(example: &Example) -> Option<&Client> {
    example.default_client().or(example.clients.first())
}

/// A client as [`read_client`] read it: its view, the files it puts on the site, the warnings.
struct ReadClient<'a> {
    view: ClientView<'a>,
    files: Vec<(String, Vec<u8>)>,
    warnings: Vec<Warning>,
}

/// Reads every client of the catalog, in catalog order, on as many threads as there are cores:
/// a program the parse memo has not seen yet costs tens of milliseconds of its grammar's regexes,
/// and a first build of a few hundred programs would otherwise take seconds on one core.
fn read_clients<'a>(catalog: &'a Catalog, verdicts: &dyn Verdicts) -> Vec<ReadClient<'a>> {
    let selected: Vec<Selected<'a>> = catalog.clients().collect();
    // Each kind's library is read once, not once per client.
    let libraries: BTreeMap<Kind, Option<String>> = selected
        .iter()
        .map(|one| one.client.kind)
        .collect::<BTreeSet<Kind>>()
        .into_iter()
        .map(|kind| (kind, library(catalog, kind)))
        .collect();
    let libraries = &libraries;
    on_every_core(&selected, |&one| {
        read_client(catalog, one, verdicts, libraries[&one.client.kind].clone())
    })
}

/// `work` applied to every item, in order, the items shared out among as many threads as there
/// are cores.
fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The client library of `kind` and its pinned version, like `nats.go v1.55.0`, for its pages.
fn library(catalog: &Catalog, kind: Kind) -> Option<String> {
    let library = kind.spec().library.as_ref()?;
    let version = crate::runner::install::pinned_library(kind, Some(&catalog.root))?;
    Some(format!("{} {version}", library.name))
}

/// Reads a client's files, degrading (with a warning) wherever they cannot be used as they are;
/// `library` is what [`library`] says of its kind.
fn read_client<'a>(
    catalog: &Catalog,
    selected: Selected<'a>,
    verdicts: &dyn Verdicts,
    library: Option<String>,
) -> ReadClient<'a> {
    let client = selected.client;
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    // The path is made relative to the root with every other warning's, at the end of `render`.
    let mut warn = |line: Option<usize>, message: String| {
        warnings.push(Warning {
            location: Location {
                path: client.main.clone(),
                line,
                column: None,
            },
            message,
        });
    };
    let program = match std::fs::read(&client.main) {
        Ok(bytes) => {
            files.push((format!("{}/{}", client.path, client.main_name()), bytes.clone()));
            match String::from_utf8(bytes) {
                Ok(source) => match split::split(Syntax::for_file(&client.main), &source) {
                    Ok(split) => Program::Split { source, split },
                    Err(err) => {
                        warn(
                            Some(err.line),
                            format!("{}; the page shows the program as written", err.message),
                        );
                        Program::Plain(source)
                    }
                },
                Err(err) => {
                    let bytes = err.as_bytes();
                    let line = syntax::line_of(bytes, err.utf8_error().valid_up_to());
                    warn(
                        Some(line),
                        "invalid UTF-8; the page shows the program as written".into(),
                    );
                    Program::Plain(String::from_utf8_lossy(bytes).into_owned())
                }
            }
        }
        Err(err) => {
            warn(None, format!("cannot be read ({err}); the page shows no code"));
            Program::Plain(String::new())
        }
    };
    let recording = Recording::read(catalog, selected);
    let output = recording
        .output
        .as_ref()
        .ok()
        .map(|bytes| terminal_text(&String::from_utf8_lossy(bytes)));
    let cast = recording.cast.as_ref().ok().map(|bytes| {
        files.push((format!("{}/output.cast", client.path), bytes.clone()));
        String::from_utf8_lossy(bytes).into_owned()
    });
    let steps = step_outputs(&program, client, &recording);
    let verdict = verdicts.of(selected, &recording);
    let view = ClientView {
        example: selected.example,
        client,
        program,
        output,
        cast,
        steps,
        provenance: badge::Provenance {
            servers: verified_servers(
                catalog,
                selected,
                badge::current_hash(&verdict, &recording),
                &mut warnings,
            ),
            ..badge::provenance(&recording)
        },
        verdict,
        library,
    };
    ReadClient {
        view,
        files,
        warnings,
    }
}

/// The output of each step of `program`, by the step's first line, when its recording attributed
/// the output to steps and agrees with itself; `None` otherwise (the page then shows one output
/// block). Each step's text is its segments joined in order, each cut at line starts (a step that
/// began mid-line begins at the next line), as plain text ([`terminal_text`]).
fn step_outputs(
    program: &Program,
    client: &Client,
    recording: &Recording,
) -> Option<BTreeMap<usize, String>> {
    let Program::Split { source, split } = program else {
        return None;
    };
    let (Ok(raw), Ok(cast)) = (&recording.output, &recording.cast) else {
        return None;
    };
    recording::cast_agrees(cast, raw).ok()?;
    let now = split::StepLines::of(&split::steps(source, &split::blocks(&split.sections)));
    let places = recording::step_places(cast, client.main_name(), &now).ok()?;
    if places.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    Some(
        page::segments(&text, &places)
            .into_iter()
            // Blank lines a step ends with only push the next step down.
            .map(|(step, text)| (step, format!("{}\n", terminal_text(&text).trim_end())))
            .collect(),
    )
}

/// What the verified file of `selected`'s example says of the server versions it was tested on
/// ([`badge::servers`], with the client's files hash when `current` knows it); a file that cannot be read shows nothing, and is a warning once (with
/// the example's first client).
fn verified_servers(
    catalog: &Catalog,
    selected: Selected,
    current: Option<&str>,
    warnings: &mut Vec<Warning>,
) -> Option<String> {
    let first = selected
        .example
        .clients
        .first()
        .is_some_and(|first| first.path == selected.client.path);
    match Verified::read(&catalog.root, &selected.example.path) {
        Ok(verified) => badge::servers(selected, &verified?, current),
        Err(_) if !first => None,
        Err(Error::Catalog { location, message }) => {
            warnings.push(Warning { location, message });
            None
        }
        Err(err) => {
            let path = catalog.root.join(verified::relative_path(&selected.example.path));
            warnings.push(Warning {
                location: Location::file(path),
                message: err.to_string(),
            });
            None
        }
    }
}

/// Terminal output as plain text, line by line: a carriage return ending a line is dropped (a CRLF
/// file edited by hand reads like the LF-only ones `recording::output_txt` writes; a lone carriage
/// return stays), then ANSI escape sequences are removed with the normalizer's own pattern.
fn terminal_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for (at, line) in raw.split('\n').enumerate() {
        if at > 0 {
            out.push('\n');
        }
        out.push_str(&strip_ansi(line.strip_suffix('\r').unwrap_or(line)));
    }
    out
}

/// Writes every file of `site` under `dir`, which exists and is empty.
pub fn write(site: &Site, dir: &Path) -> Result<()> {
    for (path, bytes) in &site.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("failed to create {}", parent.display()), e))?;
        }
        std::fs::write(&target, bytes)
            .map_err(|e| Error::io(format!("failed to write {}", target.display()), e))?;
    }
    Ok(())
}

/// Renders the site and puts it at `output`, replacing only a site nbe wrote before.
pub fn build(catalog: &Catalog, verdicts: &dyn Verdicts, output: &Path) -> Result<Site> {
    let examples = catalog.root.join("examples");
    let absolute = std::path::absolute(output).map_err(|e| Error::io("failed to resolve --output", e))?;
    if absolute.starts_with(&examples) || examples.starts_with(&absolute) {
        return Err(Error::Usage(format!(
            "--output {} overlaps the examples directory {}; choose a directory outside it",
            output.display(),
            examples.display()
        )));
    }
    let site = render(catalog, verdicts);
    outdir::replace_with(&absolute, |dir| write(&site, dir))?;
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::verdict::Verdict;

    /// Verdicts that trust nothing, so tests do not depend on snapshot files.
    pub(super) struct Unrecorded;

    impl Verdicts for Unrecorded {
        fn of(&self, _: Selected, _: &Recording) -> Verdict {
            Verdict::NotRecorded(String::new())
        }
    }

    const HOSTILE: &str = "<script>alert('x')</script>";

    /// A repository whose every text tries to inject a script, with one broken program per kind of damage.
    fn hostile_repo() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let write = |path: &str, content: &[u8]| {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        };
        write("examples/meta.yaml", b"categories: [evil]\n");
        write(
            "examples/evil/meta.yaml",
            format!("title: \"Evil {HOSTILE}\"\ndescription: \"{HOSTILE} [go](evil/inject/go)\"\nexamples: [inject]\n").as_bytes(),
        );
        write(
            "examples/evil/inject/meta.yaml",
            format!("title: \"Inject {HOSTILE}\"\ndescription: \"Raw {HOSTILE} and [bad](javascript:alert(1)).\"\n").as_bytes(),
        );
        write(
            "examples/evil/inject/cli/main.sh",
            format!("#!/bin/bash\n# Prose {HOSTILE} <img src=x onerror=alert(1)>\necho \"{HOSTILE}\"\n")
                .as_bytes(),
        );
        write(
            "examples/evil/inject/cli/output.txt",
            format!("{HOSTILE}\n").as_bytes(),
        );
        write(
            "examples/evil/inject/cli/output.cast",
            format!("{{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1764028800}}\n[0.1, \"o\", \"</script>{HOSTILE}\"]\n").as_bytes(),
        );
        write(
            "examples/evil/inject/go/main.go",
            b"package main\n\n/* never closed\nfunc main() {}\n",
        );
        write(
            "examples/evil/inject/python/main.py",
            b"# Fine prose.\nprint('\xff\xfe')\n",
        );
        tmp
    }

    fn pages(site: &Site) -> impl Iterator<Item = (&String, String)> {
        site.files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes.clone()).unwrap()))
    }

    #[test]
    fn example_text_never_becomes_markup() {
        let repo = hostile_repo();
        let catalog = Catalog::load(repo.path()).unwrap();
        let site = render(&catalog, &Unrecorded);
        assert!(site.files.contains_key("assets/asciinema-player.min.js"));
        assert_eq!(site.pages, 6, "{:?}", site.files.keys().collect::<Vec<_>>());
        for (path, html) in pages(&site) {
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<script>alert"), "{path}");
            assert!(!lower.contains("<img"), "{path}");
            assert!(!lower.contains("javascript:"), "{path}");
            // The only script elements are the site's own.
            for (at, _) in lower.match_indices("<script") {
                let tag = &lower[at..at + 40.min(lower.len() - at)];
                assert!(
                    tag.starts_with("<script src=") || tag.starts_with("<script type=\"application/json\""),
                    "{path}: {tag}"
                );
            }
            assert_eq!(
                lower.matches("<script").count(),
                lower.matches("</script>").count(),
                "{path}"
            );
        }
        let (_, page) = pages(&site)
            .find(|(p, _)| *p == "evil/inject/cli/index.html")
            .unwrap();
        assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(page.contains("<title>Inject &lt;script&gt;"));
        assert!(page.contains(r#"<a href="../../../evil/inject/go/index.html" data-lang="go">Go</a>"#));
    }

    #[test]
    fn malformed_programs_degrade_and_are_reported() {
        let repo = hostile_repo();
        let catalog = Catalog::load(repo.path()).unwrap();
        let site = render(&catalog, &Unrecorded);
        let warnings: Vec<String> = site.warnings.iter().map(ToString::to_string).collect();
        assert!(
            warnings.contains(&"examples/evil/inject/go/main.go:3: unterminated block comment: `/*` has no `*/`; the page shows the program as written".to_string()),
            "{warnings:#?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("examples/evil/inject/python/main.py:2: invalid UTF-8")),
            "{warnings:#?}"
        );
        let (_, go) = pages(&site)
            .find(|(p, _)| *p == "evil/inject/go/index.html")
            .unwrap();
        assert!(go.contains("could not be split") && go.contains("/* never closed"));
        let (_, python) = pages(&site)
            .find(|(p, _)| *p == "evil/inject/python/index.html")
            .unwrap();
        assert!(python.contains("print(&#39;\u{fffd}\u{fffd}&#39;)"));
    }

    #[test]
    fn rendering_is_deterministic() {
        let repo = hostile_repo();
        let catalog = Catalog::load(repo.path()).unwrap();
        let first = render(&catalog, &Unrecorded);
        let second = render(&Catalog::load(repo.path()).unwrap(), &Unrecorded);
        assert_eq!(first.files, second.files);
        let out = tempfile::tempdir().unwrap();
        build(&catalog, &Unrecorded, &out.path().join("a")).unwrap();
        build(&catalog, &Unrecorded, &out.path().join("b")).unwrap();
        for (path, bytes) in &first.files {
            assert_eq!(
                &std::fs::read(out.path().join("a").join(path)).unwrap(),
                bytes,
                "{path}"
            );
            assert_eq!(
                &std::fs::read(out.path().join("b").join(path)).unwrap(),
                bytes,
                "{path}"
            );
        }
    }

    #[test]
    fn output_inside_examples_is_refused() {
        let repo = hostile_repo();
        let catalog = Catalog::load(repo.path()).unwrap();
        let err = build(&catalog, &Unrecorded, &repo.path().join("examples/site")).unwrap_err();
        assert!(
            err.to_string().contains("overlaps the examples directory"),
            "{err}"
        );
    }

    #[test]
    fn without_cli_the_example_page_shows_the_first_client() {
        let tmp = tempfile::tempdir().unwrap();
        for (path, content) in [
            ("examples/meta.yaml", "categories: [c]\n"),
            ("examples/c/meta.yaml", "examples: [e]\n"),
            ("examples/c/e/python/main.py", "print('python')\n"),
            ("examples/c/e/go/main.go", "package main\n"),
        ] {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let catalog = Catalog::load(tmp.path()).unwrap();
        let example = catalog.examples().next().unwrap();
        assert!(example.default_client().is_none());
        let err = catalog.client("c/e").unwrap_err().to_string();
        assert!(err.contains("none is `cli`"), "{err}");
        let first = &example.clients[0].path;
        let site = render(&catalog, &Unrecorded);
        let page = String::from_utf8(site.files["c/e/index.html"].clone()).unwrap();
        assert!(page.contains(&format!("nbe run {first}")), "{page}");
    }

    /// A one-example repository whose `examples/meta.yaml` ends with `root_extra`.
    fn one_example(root_extra: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for (path, content) in [
            ("examples/meta.yaml", format!("categories: [c]\n{root_extra}")),
            ("examples/c/meta.yaml", "examples: [e]\n".to_string()),
            ("examples/c/e/cli/main.sh", "# Say hi.\necho hi\n".to_string()),
        ] {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        tmp
    }

    #[test]
    fn edit_links_follow_the_site_edit_url() {
        let repo = one_example("site:\n  edit_url: \"https://example.com/r/edit/main/{path}?a=1&b=2\"\n");
        let site = render(&Catalog::load(repo.path()).unwrap(), &Unrecorded);
        let page = String::from_utf8(site.files["c/e/cli/index.html"].clone()).unwrap();
        assert!(
            page.contains(
                r#"<a class="edit" href="https://example.com/r/edit/main/examples/c/e/cli/main.sh?a=1&amp;b=2">Edit this page</a>"#
            ),
            "{page}"
        );

        let repo = one_example("");
        let site = render(&Catalog::load(repo.path()).unwrap(), &Unrecorded);
        let page = String::from_utf8(site.files["c/e/cli/index.html"].clone()).unwrap();
        assert!(!page.contains("Edit this page"), "no template, no link");

        let repo = one_example("site:\n  edit_url: https://example.com/r/edit/main/\n");
        let err = Catalog::load(repo.path()).unwrap_err().to_string();
        assert!(
            err.contains("meta.yaml:3") && err.contains("with `{path}`"),
            "{err}"
        );
        let repo = one_example("site:\n  edit_url: \"javascript:alert(1)//{path}\"\n");
        let err = Catalog::load(repo.path()).unwrap_err().to_string();
        assert!(err.contains("not an http(s) URL"), "{err}");
    }

    #[test]
    fn a_page_has_one_copy_button_for_its_program_and_one_for_its_command() {
        let repo = one_example("");
        let site = render(&Catalog::load(repo.path()).unwrap(), &Unrecorded);
        let page = String::from_utf8(site.files["c/e/cli/index.html"].clone()).unwrap();
        assert_eq!(
            page.matches("<button type=\"button\" class=\"copy\"").count(),
            2,
            "{page}"
        );
        assert!(page.contains("data-copy=\"bash main.sh\""), "{page}");
        assert!(page.contains("data-copy-program"), "{page}");
        assert!(
            page.contains(
                "<script type=\"application/json\" id=\"program-source\">\"# Say hi.\\necho hi\\n\"</script>"
            ),
            "{page}"
        );
    }

    #[test]
    fn catalog_names_that_would_need_escaping_never_reach_a_page() {
        let tmp = tempfile::tempdir().unwrap();
        for (path, content) in [
            ("examples/meta.yaml", "categories: [\"say\\\"hi&bye\"]\n"),
            ("examples/say\"hi&bye/meta.yaml", "examples: [\"it's\"]\n"),
            ("examples/say\"hi&bye/it's/cli/main.sh", "echo hi\n"),
        ] {
            let path = tmp.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        // Such names would become paths and links; the catalog refuses them before a page is made.
        let err = Catalog::load(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("not a valid category name"), "{err}");
        assert!(err.contains("rename the directory"), "{err}");
    }

    #[test]
    fn terminal_escapes_are_removed() {
        assert_eq!(
            terminal_text("\u{1b}[1;32mok\u{1b}[0m\r\n\u{1b}]0;title\u{7}done\r\n"),
            "ok\ndone\n"
        );
    }

    #[test]
    fn an_unterminated_escape_ends_with_its_line() {
        assert_eq!(terminal_text("\u{1b}]0;never ends\nnext\r\n"), "\nnext\n");
        assert_eq!(
            terminal_text("lone\rcarriage return\n"),
            "lone\rcarriage return\n"
        );
    }

    #[test]
    fn the_built_in_player_is_the_version_the_lockfile_locks() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let lock: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(manifest.join("package-lock.json")).unwrap())
                .unwrap();
        let locked = lock["packages"]["node_modules/asciinema-player"]["version"]
            .as_str()
            .expect("package-lock.json locks asciinema-player");
        let built_in = std::fs::read_to_string(manifest.join("src/site/assets/player/VERSION")).unwrap();
        assert_eq!(
            built_in.trim(),
            locked,
            "run `make player` to copy the locked player into src/site/assets/player"
        );
    }
}
