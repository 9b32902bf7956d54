//! The pages: HTML written by hand around the model, every piece of example text escaped on the way in.
//!
//! Every link is relative, so the site works from any directory, over `file://` and behind any
//! path prefix. Page `depth` is how many directories below the site root a page lives.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::catalog::{Catalog, Category, Client, Example, Kind};
use crate::error::Location;

use super::Warning;
use super::badge::Provenance;
use super::highlight::highlight;
use super::html::{escape, script_json};
use super::markdown::{self, Context, page_url};
use super::split::Split;
use crate::suite::verdict::Verdict;

/// The name of the site, at the end of every `<title>`.
pub const SITE_NAME: &str = "NATS examples";

/// A client's program, split for the page or shown as written.
#[derive(Debug)]
pub enum Program {
    /// Prose and code, with tokens for highlighting.
    Split {
        /// The source text.
        source: String,
        /// Its sections and tokens.
        split: Split,
    },
    /// Source the splitter could not read, shown plainly.
    Plain(String),
}

/// Everything a client page shows, read once.
#[derive(Debug)]
pub struct ClientView<'a> {
    /// The example.
    pub example: &'a Example,
    /// The client.
    pub client: &'a Client,
    /// The program.
    pub program: Program,
    /// `output.txt`, terminal escapes removed.
    pub output: Option<String>,
    /// `output.cast`, verbatim.
    pub cast: Option<String>,
    /// The verdict on its recording.
    pub verdict: Verdict,
    /// Tool versions and date of the recording.
    pub provenance: Provenance,
}

/// What the pages are built from.
#[derive(Debug)]
pub struct Model<'a> {
    /// The catalog.
    pub catalog: &'a Catalog,
    /// Every catalog path, for resolving links.
    pub known: BTreeSet<String>,
    /// One view per client, in catalog order.
    pub clients: Vec<ClientView<'a>>,
    /// Whether the asciinema player's files are part of the site.
    pub player: bool,
}

/// A link's `href` and text.
type Link = (String, String);

/// The `href` attribute value, escaped, of the page of catalog path `target` from a page `depth`
/// directories deep. Catalog names are directory names, which may hold `"`, `&` or `<`.
fn href(depth: usize, target: &str) -> String {
    escape(&page_url(depth, target))
}

/// The frame around a page's content.
struct Frame {
    title: String,
    description: String,
    depth: usize,
    crumbs: Vec<Link>,
    prev: Option<Link>,
    next: Option<Link>,
    player: bool,
}

fn layout(frame: &Frame, main: &str) -> String {
    let root = "../".repeat(frame.depth);
    let mut out = String::with_capacity(main.len() + 4096);
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<title>{}</title>\n",
        escape(&frame.title)
    );
    if !frame.description.is_empty() {
        let _ = writeln!(
            out,
            "<meta name=\"description\" content=\"{}\">",
            escape(&frame.description)
        );
    }
    let _ = writeln!(out, "<link rel=\"stylesheet\" href=\"{root}assets/site.css\">");
    if frame.player {
        let _ = writeln!(
            out,
            "<link rel=\"stylesheet\" href=\"{root}assets/asciinema-player.css\">"
        );
    }
    for (rel, link) in [("prev", &frame.prev), ("next", &frame.next)] {
        if let Some((href, _)) = link {
            let _ = writeln!(out, "<link rel=\"{rel}\" href=\"{}\">", escape(href));
        }
    }
    let _ = writeln!(
        out,
        "<script src=\"{root}assets/search-index.js\" defer></script>"
    );
    if frame.player {
        let _ = writeln!(
            out,
            "<script src=\"{root}assets/asciinema-player.min.js\" defer></script>"
        );
    }
    let _ = write!(
        out,
        "<script src=\"{root}assets/site.js\" defer></script>\n</head>\n<body data-root=\"{root}\">\n\
         <a class=\"skip\" href=\"#main\">Skip to the content</a>\n\
         <header class=\"top\">\n<a class=\"home\" href=\"{root}index.html\">{SITE_NAME}</a>\n\
         <form class=\"search\" role=\"search\" hidden>\n\
         <input type=\"search\" name=\"q\" placeholder=\"Search examples (/)\" aria-label=\"Search examples\" autocomplete=\"off\">\n\
         <ol class=\"results\" hidden></ol>\n</form>\n</header>\n"
    );
    if !frame.crumbs.is_empty() {
        out.push_str("<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><ol>");
        for (href, label) in &frame.crumbs {
            let _ = write!(out, "<li><a href=\"{}\">{}</a></li>", escape(href), escape(label));
        }
        out.push_str("</ol></nav>\n");
    }
    out.push_str("<main id=\"main\">\n");
    out.push_str(main);
    out.push_str("</main>\n<footer class=\"bottom\">\n");
    if frame.prev.is_some() || frame.next.is_some() {
        out.push_str("<nav class=\"pager\" aria-label=\"Examples\">");
        for (rel, link, arrow) in [("prev", &frame.prev, "←"), ("next", &frame.next, "→")] {
            match link {
                Some((href, label)) if rel == "prev" => {
                    let _ = write!(
                        out,
                        "<a rel=\"prev\" href=\"{}\">{arrow} {}</a>",
                        escape(href),
                        escape(label)
                    );
                }
                Some((href, label)) => {
                    let _ = write!(
                        out,
                        "<a rel=\"next\" href=\"{}\">{} {arrow}</a>",
                        escape(href),
                        escape(label)
                    );
                }
                None => out.push_str("<span></span>"),
            }
        }
        out.push_str("</nav>\n<p class=\"keys\" hidden>Keys: <kbd>k</kbd> previous, <kbd>j</kbd> next, <kbd>/</kbd> search.</p>\n");
    }
    out.push_str("<p>Built by <code>nbe build</code>. Every example runs against the real <code>nats-server</code> and <code>nats</code>.</p>\n</footer>\n</body>\n</html>\n");
    out
}

impl Model<'_> {
    fn markdown(
        &self,
        text: &str,
        location: &Location,
        source_dir: &str,
        depth: usize,
        warnings: &mut Vec<Warning>,
    ) -> String {
        let rendered = markdown::render(
            text,
            Context {
                known: &self.known,
                source_dir,
                depth,
            },
        );
        warnings.extend(rendered.warnings.into_iter().map(|message| Warning {
            location: location.clone(),
            message,
        }));
        rendered.html
    }

    fn client_links(example: &Example, depth: usize) -> String {
        let mut out = String::from("<ul class=\"langs\">");
        for client in &example.clients {
            let _ = write!(
                out,
                "<li><a href=\"{}\">{}</a></li>",
                href(depth, &client.path),
                escape(client.kind.label())
            );
        }
        out.push_str("</ul>");
        out
    }

    /// The site's front page.
    pub fn index(&self, warnings: &mut Vec<Warning>) -> String {
        let mut main = String::from(
            "<h1>NATS examples</h1>\n<p class=\"lede\">Small programs that show one NATS idea each, in the languages NATS speaks. \
             Every one runs against the real <code>nats-server</code> and <code>nats</code>, and its output here is what it printed.</p>\n",
        );
        for category in &self.catalog.categories {
            let _ = write!(
                main,
                "<section class=\"category\">\n<h2><a href=\"{}\">{}</a></h2>\n",
                href(0, &category.name),
                escape(&category.title)
            );
            let location = Location::file(category.dir.join("meta.yaml"));
            main.push_str(&self.markdown(&category.description, &location, &category.name, 0, warnings));
            self.example_list(&mut main, category, 0, false, warnings);
            main.push_str("</section>\n");
        }
        layout(
            &Frame {
                title: format!("{SITE_NAME}: runnable NATS examples"),
                description: "Runnable NATS examples, recorded against the real nats-server and nats.".into(),
                depth: 0,
                crumbs: Vec::new(),
                prev: None,
                next: None,
                player: false,
            },
            &main,
        )
    }

    fn example_list(
        &self,
        out: &mut String,
        category: &Category,
        depth: usize,
        long: bool,
        warnings: &mut Vec<Warning>,
    ) {
        out.push_str("<ul class=\"examples\">\n");
        for example in &category.examples {
            let _ = write!(
                out,
                "<li><a class=\"title\" href=\"{}\">{}</a>",
                href(depth, &example.path),
                escape(&example.title)
            );
            if long {
                let location = Location::file(&example.meta_path);
                out.push_str(&self.markdown(&example.description, &location, &example.path, depth, warnings));
            } else {
                let summary = markdown::plain(&example.description);
                let _ = write!(out, "<p>{}</p>", escape(&first_sentence(&summary)));
            }
            out.push_str(&Self::client_links(example, depth));
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }

    /// A category's page: its description and its examples.
    pub fn category(&self, category: &Category, warnings: &mut Vec<Warning>) -> String {
        let location = Location::file(category.dir.join("meta.yaml"));
        let mut main = format!("<h1>{}</h1>\n", escape(&category.title));
        main.push_str(&self.markdown(&category.description, &location, &category.name, 1, warnings));
        self.example_list(&mut main, category, 1, true, warnings);
        layout(
            &Frame {
                title: format!("{} · {SITE_NAME}", category.title),
                description: markdown::plain(&category.description),
                depth: 1,
                crumbs: vec![(page_url(1, ""), "All examples".into())],
                prev: None,
                next: None,
                player: false,
            },
            &main,
        )
    }

    /// The page of one client; `own_dir` is false on the example's page, which shows its default client.
    pub fn client(&self, index: usize, own_dir: bool, warnings: &mut Vec<Warning>) -> String {
        let view = &self.clients[index];
        let (example, client) = (view.example, view.client);
        let depth = if own_dir { 3 } else { 2 };
        // Files of the client (its source, its recording) as seen from this page.
        let files = if own_dir {
            String::new()
        } else {
            format!("{}/", client.dir_name())
        };
        let category = self.category_of(example);
        let mut main = String::new();
        self.client_intro(&mut main, view, category, depth, &files, warnings);
        self.client_code(&mut main, view, depth, warnings);
        Self::client_output(&mut main, view);
        self.client_recording(&mut main, view, index, &files);
        main.push_str("</article>\n");
        let (prev, next) = self.neighbours(example, client.kind, depth);
        let title = if own_dir {
            format!(
                "{} in {} · {} · {SITE_NAME}",
                example.title,
                client.kind.label(),
                category.title
            )
        } else {
            format!("{} · {} · {SITE_NAME}", example.title, category.title)
        };
        layout(
            &Frame {
                title,
                description: markdown::plain(&example.description),
                depth,
                crumbs: vec![
                    (page_url(depth, ""), "All examples".into()),
                    (page_url(depth, &category.name), category.title.clone()),
                ],
                prev,
                next,
                player: self.player && view.cast.is_some(),
            },
            &main,
        )
    }

    /// The top of a client's page: the example's title and description, the language tabs, the
    /// command that runs it and what its recording was made with.
    fn client_intro(
        &self,
        main: &mut String,
        view: &ClientView,
        category: &Category,
        depth: usize,
        files: &str,
        warnings: &mut Vec<Warning>,
    ) {
        let (example, client) = (view.example, view.client);
        let _ = write!(
            main,
            "<article class=\"example\">\n<header class=\"intro\">\n<p class=\"eyebrow\"><a href=\"{}\">{}</a></p>\n<h1>{}</h1>\n",
            href(depth, &category.name),
            escape(&category.title),
            escape(&example.title)
        );
        let meta = Location::file(&example.meta_path);
        main.push_str(&self.markdown(&example.description, &meta, &example.path, depth, warnings));
        main.push_str("</header>\n<nav class=\"tabs\" aria-label=\"Languages\"><ul>\n");
        // A tab per language the example has, in tab order: a reader never meets a dead tab.
        for other in &example.clients {
            let current = if other.kind == client.kind {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(
                main,
                "<li><a href=\"{}\"{current}>{}</a></li>",
                href(depth, &other.path),
                escape(other.kind.label())
            );
        }
        let command = format!("nbe run {}", client.path);
        let source_name = client.kind.main_file();
        let _ = write!(
            main,
            "</ul></nav>\n<div class=\"run\"><pre><code><span class=\"prompt\" aria-hidden=\"true\">$ </span>{cmd}</code></pre>\
             <button type=\"button\" class=\"copy\" data-copy=\"{cmd}\" hidden>Copy</button></div>\n\
             <p class=\"jump\">Jump to the <a href=\"#output\">output</a> or the <a href=\"#recording\">recording</a>, \
             or read the source: <a href=\"{files}{source}\">{source}</a>.</p>\n",
            cmd = escape(&command),
            source = escape(source_name),
        );
        main.push_str(&provenance(&view.verdict, &view.provenance));
        main.push_str(&allowed(example));
    }

    /// The program, as prose beside code, or as written when it could not be split.
    fn client_code(&self, main: &mut String, view: &ClientView, depth: usize, warnings: &mut Vec<Warning>) {
        let client = view.client;
        main.push_str("<section class=\"program\" aria-labelledby=\"code\">\n<h2 id=\"code\">Code</h2>\n");
        let source_location = |line: usize| Location {
            path: client.main.clone(),
            line: Some(line),
            column: None,
        };
        match &view.program {
            Program::Split { source, split } => {
                for section in &split.sections {
                    let class = if section.code.is_empty() {
                        "step prose-only"
                    } else {
                        "step"
                    };
                    let _ = write!(main, "<div class=\"{class}\">\n<div class=\"prose\">");
                    let location = source_location(section.line);
                    main.push_str(&self.markdown(&section.prose, &location, &client.path, depth, warnings));
                    main.push_str("</div>\n");
                    if !section.code.is_empty() {
                        let _ = writeln!(
                            main,
                            "<pre class=\"code\"><code class=\"language-{}\">{}</code></pre>",
                            client.kind.name(),
                            highlight(source, &split.tokens, section.code.clone())
                        );
                    }
                    main.push_str("</div>\n");
                }
            }
            Program::Plain(text) => {
                let _ = write!(
                    main,
                    "<p class=\"note\">This program could not be split into prose and code, so it is shown as written.</p>\n\
                     <pre class=\"code plain\"><code>{}</code></pre>\n",
                    escape(text)
                );
            }
        }
        main.push_str("</section>\n");
    }

    /// The recorded output as text.
    fn client_output(main: &mut String, view: &ClientView) {
        main.push_str(
            "<section class=\"output\" aria-labelledby=\"output\">\n<h2 id=\"output\">Output</h2>\n",
        );
        match &view.output {
            Some(output) => {
                let _ = writeln!(main, "<pre class=\"terminal\">{}</pre>", escape(output));
            }
            None => main.push_str("<p class=\"note\">This client has not been recorded yet.</p>\n"),
        }
        main.push_str("</section>\n");
    }

    /// The recording: the player when this build has it, else a download link.
    fn client_recording(&self, main: &mut String, view: &ClientView, index: usize, files: &str) {
        main.push_str("<section class=\"recording\" aria-labelledby=\"recording\">\n<h2 id=\"recording\">Recording</h2>\n");
        match (&view.cast, self.player) {
            (Some(cast), true) => {
                let _ = write!(
                    main,
                    "<div class=\"player\" data-cast=\"cast-{index}\"><p class=\"note\">The recording plays with JavaScript; \
                     the <a href=\"#output\">output</a> above is the same text.</p></div>\n\
                     <script type=\"application/json\" id=\"cast-{index}\">{}</script>\n\
                     <p class=\"hint\">Pauses longer than two seconds are shortened. \
                     <a href=\"{files}output.cast\" download>Download the recording</a> to play it with <code>asciinema play</code>.</p>\n",
                    script_json(&serde_json::Value::String(cast.clone()))
                );
            }
            (Some(_), false) => {
                let _ = writeln!(
                    main,
                    "<p class=\"note\">This build has no recording player; the <a href=\"#output\">output</a> above is the same text. \
                     <a href=\"{files}output.cast\" download>Download the recording</a> to play it with <code>asciinema play</code>.</p>"
                );
            }
            (None, _) => main.push_str("<p class=\"note\">There is no recording of this client yet.</p>\n"),
        }
        main.push_str("</section>\n");
    }

    fn category_of(&self, example: &Example) -> &Category {
        self.catalog
            .categories
            .iter()
            .find(|c| c.examples.iter().any(|e| e.path == example.path))
            .expect("every example belongs to a category of its catalog")
    }

    /// The previous and next examples in catalog order, in the same language when they have it.
    fn neighbours(&self, example: &Example, kind: Kind, depth: usize) -> (Option<Link>, Option<Link>) {
        let examples: Vec<&Example> = self.catalog.examples().collect();
        let at = examples.iter().position(|e| e.path == example.path).unwrap_or(0);
        let link = |other: &Example| {
            let path = match other.clients.iter().find(|c| c.kind == kind) {
                Some(client) => client.path.as_str(),
                None => other.path.as_str(),
            };
            (page_url(depth, path), other.title.clone())
        };
        let prev = at.checked_sub(1).map(|i| link(examples[i]));
        let next = examples.get(at + 1).map(|e| link(e));
        (prev, next)
    }
}

fn provenance(verdict: &Verdict, provenance: &Provenance) -> String {
    let mut out = String::from("<dl class=\"provenance\">\n");
    let tools = match (&provenance.nats_server, &provenance.nats) {
        (Some(server), Some(cli)) => format!("nats-server {server} and nats {cli}"),
        (Some(server), None) => format!("nats-server {server}"),
        (None, Some(cli)) => format!("nats {cli}"),
        (None, None) => String::new(),
    };
    let text = match (&provenance.date, tools.is_empty()) {
        (Some(date), false) => format!("{date} with {tools}"),
        (Some(date), true) => date.clone(),
        (None, false) => format!("with {tools}"),
        (None, true) => String::new(),
    };
    if !text.is_empty() {
        let _ = writeln!(out, "<dt>Recorded</dt><dd>{}</dd>", escape(&text));
    }
    let _ = writeln!(
        out,
        "<dt>Status</dt><dd><span class=\"status {}\">{}</span> {}</dd>\n</dl>",
        verdict.class(),
        escape(verdict.word()),
        escape(&verdict.explanation())
    );
    out
}

/// The line naming the `nbe lint` findings the example's meta.yaml silences, with their
/// reasons, so a reader sees what was judged not to apply; empty when there are none.
fn allowed(example: &Example) -> String {
    if example.allows.is_empty() {
        return String::new();
    }
    let items: Vec<String> = example
        .allows
        .iter()
        .map(|allow| {
            format!(
                "<code>{}</code> {}: {}",
                allow.code.id,
                escape(allow.code.name),
                escape(&allow.reason)
            )
        })
        .collect();
    format!(
        "<p class=\"lint-allowed\">Lint findings silenced for this example: {}.</p>\n",
        items.join("; ")
    )
}

/// The first sentence of a plain-text description, for lists.
fn first_sentence(text: &str) -> String {
    match text.find(". ") {
        Some(at) => text[..=at].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences_end_at_the_first_full_stop() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("Only one"), "Only one");
    }

    #[test]
    fn provenance_names_what_is_known() {
        let html = provenance(
            &Verdict::Stale(String::new()),
            &Provenance {
                nats_server: Some("v2.15.2".into()),
                nats: None,
                date: Some("2025-11-25".into()),
            },
        );
        assert!(html.contains("2025-11-25 with nats-server v2.15.2<"), "{html}");
        assert!(html.contains("class=\"status stale\""), "{html}");
        assert!(
            !provenance(&Verdict::NotRecorded(String::new()), &Provenance::default()).contains("Recorded")
        );
    }
}
