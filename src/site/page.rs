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
use crate::program::split::{self, Split};
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

/// The two columns that head a client page's first row.
struct Lead {
    /// Title and description.
    header: String,
    /// Tabs, the run command, links and the verdict.
    side: String,
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
        let lead = self.client_lead(view, depth, &files, warnings);
        let mut main = String::from("<article class=\"example\">\n");
        self.client_code(&mut main, view, &lead, depth, warnings);
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

    /// The top of a client's page, as the two columns of its first row: the example's title and
    /// description head the prose; the language tabs, the command that runs it and the verdict on
    /// its recording head the code, so the first code starts beside the description, above the
    /// fold (the breadcrumb already names the category).
    fn client_lead(&self, view: &ClientView, depth: usize, files: &str, warnings: &mut Vec<Warning>) -> Lead {
        let (example, client) = (view.example, view.client);
        let mut header = format!("<header class=\"intro\">\n<h1>{}</h1>\n", escape(&example.title));
        let meta = Location::file(&example.meta_path);
        header.push_str(&self.markdown(&example.description, &meta, &example.path, depth, warnings));
        header.push_str("</header>\n");
        let mut side =
            String::from("<div class=\"side\">\n<nav class=\"tabs\" aria-label=\"Languages\"><ul>\n");
        // A tab per language the example has, in tab order: a reader never meets a dead tab.
        for other in &example.clients {
            let current = if other.kind == client.kind {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(
                side,
                "<li><a href=\"{}\"{current}>{}</a></li>",
                href(depth, &other.path),
                escape(other.kind.label())
            );
        }
        let command = format!("nbe run {}", client.path);
        let source_name = client.main_name();
        let _ = write!(
            side,
            "</ul></nav>\n<div class=\"run\"><pre><code><span class=\"prompt\" aria-hidden=\"true\">$ </span>{cmd}</code></pre>\
             <button type=\"button\" class=\"copy\" data-copy=\"{cmd}\" hidden>Copy</button></div>\n\
             <p class=\"jump\">Jump to the <a href=\"#output\">output</a> or the <a href=\"#recording\">recording</a>, \
             or read the source: <a href=\"{files}{source}\">{source}</a>.{edit}</p>\n",
            cmd = escape(&command),
            source = escape(source_name),
            edit = self.edit_link(client),
        );
        side.push_str(&provenance(&view.verdict, &view.provenance));
        side.push_str(&allowed(example));
        side.push_str("</div>\n");
        Lead { header, side }
    }

    /// The "edit this page" link to the program in the repository, when `examples/meta.yaml` says
    /// where that is (`site.edit_url`).
    fn edit_link(&self, client: &Client) -> String {
        let Some(template) = &self.catalog.edit_url else {
            return String::new();
        };
        let path = client
            .main
            .strip_prefix(&self.catalog.root)
            .unwrap_or(&client.main);
        let path: Vec<String> = path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        format!(
            " <a class=\"edit\" href=\"{}\">Edit this page</a>.",
            escape(&template.replace("{path}", &path.join("/")))
        )
    }

    /// The program, as prose beside code, or as written when it could not be split. `lead` heads
    /// the two columns of the first row.
    fn client_code(
        &self,
        main: &mut String,
        view: &ClientView,
        lead: &Lead,
        depth: usize,
        warnings: &mut Vec<Warning>,
    ) {
        let client = view.client;
        main.push_str("<section class=\"program\" id=\"code\" aria-label=\"Code\">\n");
        let source_location = |line: usize| Location {
            path: client.main.clone(),
            line: Some(line),
            column: None,
        };
        let row = |main: &mut String, first: bool, prose: &str, code: Option<String>| {
            let class = match (first, code.is_some()) {
                // The first row always has its code column: the tabs and the run command.
                (true, _) => "step lead",
                (false, true) => "step",
                (false, false) => "step prose-only",
            };
            let _ = write!(main, "<div class=\"{class}\">\n<div class=\"prose\">");
            if first {
                let _ = write!(main, "{}<div class=\"lead-prose\">{prose}</div>", lead.header);
            } else {
                main.push_str(prose);
            }
            main.push_str("</div>\n");
            if first {
                let _ = write!(main, "<div class=\"lead-code\">\n{}", lead.side);
            }
            if let Some(code) = code {
                main.push_str(&code);
            }
            if first {
                main.push_str("</div>\n");
            }
            main.push_str("</div>\n");
        };
        match &view.program {
            Program::Split { source, split } => {
                let blocks = split::blocks(&split.sections);
                if blocks.is_empty() {
                    row(main, true, "", None);
                }
                for (at, block) in blocks.into_iter().enumerate() {
                    let location = source_location(block.line);
                    let prose = self.markdown(block.prose, &location, &client.path, depth, warnings);
                    let code = (!block.code.is_empty()).then(|| {
                        let mut html = String::new();
                        for (at, range) in block.code.iter().enumerate() {
                            if at > 0 {
                                html.push_str(piece_gap(source, block.code[at - 1].end, range.start));
                            }
                            html.push_str(&highlight(source, &split.tokens, range.clone()));
                        }
                        code_box(&format!(
                            "<pre class=\"code\"><code class=\"language-{}\">{html}</code></pre>",
                            client.kind.name(),
                        ))
                    });
                    row(main, at == 0, &prose, code);
                }
            }
            Program::Plain(text) => row(
                main,
                true,
                "<p class=\"note\">This program could not be split into prose and code, so it is shown as written.</p>\n",
                Some(code_box(&format!(
                    "<pre class=\"code plain\"><code>{}</code></pre>",
                    escape(text)
                ))),
            ),
        }
        main.push_str("</section>\n");
    }

    /// The recorded output as text: whole when it is short, else its first lines with the rest
    /// behind a `<details>` that opens without JavaScript (and that find-in-page opens too).
    fn client_output(main: &mut String, view: &ClientView) {
        main.push_str(
            "<section class=\"output\" aria-labelledby=\"output\">\n<h2 id=\"output\">Output</h2>\n",
        );
        match &view.output {
            Some(output) => match output_fold(output) {
                None => {
                    let _ = writeln!(main, "<pre class=\"terminal\">{}</pre>", escape(output));
                }
                Some(at) => {
                    let (head, rest) = output.split_at(at);
                    let lines = output.lines().count();
                    let hidden = rest.lines().count();
                    let _ = writeln!(
                        main,
                        "<pre class=\"terminal head\">{}</pre>\n<details class=\"more\"><summary>\
                         <span class=\"when-closed\">Show all {lines} lines ({hidden} more)</span>\
                         <span class=\"when-open\">The other {hidden} lines</span></summary>\n\
                         <pre class=\"terminal rest\">{}</pre>\n</details>",
                        escape(head),
                        escape(rest)
                    );
                }
            },
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

/// A code block with its copy button, which the script shows and fills from the block's text
/// (the run command's button is `copy`, these are `copy-code`).
fn code_box(pre: &str) -> String {
    format!(
        "<div class=\"code-box\">{pre}<button type=\"button\" class=\"copy-code\" aria-label=\"Copy the code\" hidden>Copy</button></div>\n"
    )
}

/// What goes between two pieces of code joined into one block (see `split::blocks`): a blank
/// line where the source had one between them, else only a line break (the prose comments in
/// between are on the page beside the code).
fn piece_gap(source: &str, end: usize, start: usize) -> &'static str {
    let between = source.get(end..start).unwrap_or_default();
    // The first line is the rest of the piece's own last line, so look at the lines after it.
    if between.lines().skip(1).any(|line| line.trim().is_empty()) {
        "\n\n"
    } else {
        "\n"
    }
}

/// Outputs up to this many lines are shown whole.
const OUTPUT_WHOLE: usize = 40;
/// How many lines of a longer output show before its "show all" fold.
const OUTPUT_HEAD: usize = 24;

/// Where a long output folds: the byte just after its first [`OUTPUT_HEAD`] lines, or `None` when
/// it has at most [`OUTPUT_WHOLE`] lines and is shown whole.
fn output_fold(output: &str) -> Option<usize> {
    if output.lines().count() <= OUTPUT_WHOLE {
        return None;
    }
    output
        .match_indices('\n')
        .nth(OUTPUT_HEAD - 1)
        .map(|(at, _)| at + 1)
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
    fn joined_pieces_keep_a_blank_line_only_where_the_source_had_one() {
        let source = "#!/bin/sh\n\n# Prose.\na\nfunc {\n  // Prose.\n  b\n";
        // `#!/bin/sh` ends at 9, `a` starts at 20; `func {` ends at 28, `  b` starts at 41.
        assert_eq!(piece_gap(source, 9, 20), "\n\n");
        assert_eq!(piece_gap(source, 28, 41), "\n");
    }

    #[test]
    fn long_outputs_fold_after_their_first_lines() {
        let lines = |n: usize| (1..=n).map(|i| format!("line {i}\n")).collect::<String>();
        assert_eq!(output_fold(&lines(OUTPUT_WHOLE)), None);
        let long = lines(OUTPUT_WHOLE + 1);
        let at = output_fold(&long).unwrap();
        assert_eq!(&long[..at], lines(OUTPUT_HEAD));
        assert!(long[at..].starts_with(&format!("line {}\n", OUTPUT_HEAD + 1)));
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
