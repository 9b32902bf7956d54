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
use super::setup::{self, Setup};
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
    /// The output of each step, by the step's first line, when the recording attributed it to
    /// steps (see [`crate::runner::trace`]); the page then shows it under each step's code.
    pub steps: Option<std::collections::BTreeMap<usize, String>>,
    /// The verdict on its recording.
    pub verdict: Verdict,
    /// Tool versions and date of the recording.
    pub provenance: Provenance,
    /// The client library and its pinned version, like `nats.go v1.47.0`.
    pub library: Option<String>,
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
    /// The sidebar's list.
    nav: String,
    /// The language a client page shows, and whether the page is the client's own (not the
    /// example's), for the script that remembers the reader's language.
    kind: Option<(Kind, bool)>,
}

/// The previous and next links, as a `<nav>` shown above and below the content.
fn pager(frame: &Frame, place: &str) -> String {
    if frame.prev.is_none() && frame.next.is_none() {
        return String::new();
    }
    let mut out =
        format!("<nav class=\"pager pager-{place}\" aria-label=\"Previous and next example ({place})\">");
    for (rel, link) in [("prev", &frame.prev), ("next", &frame.next)] {
        match link {
            Some((href, label)) => {
                let word = if rel == "prev" { "Previous" } else { "Next" };
                let _ = write!(
                    out,
                    "<a class=\"{rel}\" rel=\"{rel}\" href=\"{}\"><small>{word}</small>{}</a>",
                    escape(href),
                    escape(label)
                );
            }
            None => out.push_str("<span></span>"),
        }
    }
    out.push_str("</nav>\n");
    out
}

fn layout(frame: &Frame, main: &str) -> String {
    let root = "../".repeat(frame.depth);
    let mut out = String::with_capacity(main.len() + frame.nav.len() + 4096);
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
    let kind = match frame.kind {
        Some((kind, own)) => format!(" data-kind=\"{}\" data-own=\"{}\"", kind.name(), u8::from(own)),
        None => String::new(),
    };
    let _ = write!(
        out,
        "<script src=\"{root}assets/site.js\" defer></script>\n</head>\n<body data-root=\"{root}\"{kind}>\n\
         <a class=\"skip\" href=\"#main\">Skip to the content</a>\n\
         <header class=\"top\">\n<a class=\"home\" href=\"{root}index.html\">{SITE_NAME}</a>\n\
         <form class=\"search\" role=\"search\" hidden>\n\
         <input type=\"search\" name=\"q\" placeholder=\"Search examples (/)\" aria-label=\"Search examples\" autocomplete=\"off\">\n\
         <ol class=\"results\" hidden></ol>\n</form>\n</header>\n\
         <div class=\"shell\">\n<nav class=\"sidebar\" aria-label=\"All examples\">\n\
         <details class=\"toc\"><summary>Browse the examples</summary>\n{nav}</details>\n</nav>\n<div class=\"page\">\n",
        nav = frame.nav
    );
    if !frame.crumbs.is_empty() {
        out.push_str("<nav class=\"crumbs\" aria-label=\"Breadcrumbs\"><ol>");
        for (href, label) in &frame.crumbs {
            let _ = write!(out, "<li><a href=\"{}\">{}</a></li>", escape(href), escape(label));
        }
        out.push_str("</ol></nav>\n");
    }
    out.push_str(&pager(frame, "top"));
    out.push_str("<main id=\"main\">\n");
    out.push_str(main);
    out.push_str("</main>\n<footer class=\"bottom\">\n");
    out.push_str(&pager(frame, "bottom"));
    if frame.prev.is_some() || frame.next.is_some() {
        out.push_str("<p class=\"keys\" hidden>Keys: <kbd>k</kbd> previous, <kbd>j</kbd> next, <kbd>/</kbd> search.</p>\n");
    }
    out.push_str("<p>Built by <code>nbe build</code>. Every example runs against the real <code>nats-server</code> and <code>nats</code>.</p>\n</footer>\n</div>\n</div>\n</body>\n</html>\n");
    out
}

/// `data-langs` of a link to an example's page: `kind=dir` for each of its clients, so the script
/// can send a reader who chose a language straight to that language's page.
fn langs_attr(example: &Example) -> String {
    let pairs: Vec<String> = example
        .clients
        .iter()
        .map(|c| format!("{}={}", c.kind.name(), c.dir_name()))
        .collect();
    format!(" data-langs=\"{}\"", escape(&pairs.join(" ")))
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

    /// The sidebar's list: every category, and the examples of the one the page belongs to
    /// (linked in `kind` where they have it). The page itself is marked `aria-current`.
    fn nav(
        &self,
        depth: usize,
        category: Option<&Category>,
        example: Option<&Example>,
        kind: Option<Kind>,
    ) -> String {
        let mut out = String::from("<ol class=\"toc-list\">\n");
        for other in &self.catalog.categories {
            let here = category.is_some_and(|c| c.name == other.name);
            let current = if here && example.is_none() {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<li{}><a href=\"{}\"{current}>{}</a>",
                if here { " class=\"here\"" } else { "" },
                href(depth, &other.name),
                escape(&other.title)
            );
            if here {
                out.push_str("<ol>");
                for item in &other.examples {
                    let target = kind
                        .and_then(|k| item.clients.iter().find(|c| c.kind == k))
                        .map_or(item.path.as_str(), |c| c.path.as_str());
                    let current = if example.is_some_and(|e| e.path == item.path) {
                        " aria-current=\"page\""
                    } else {
                        ""
                    };
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\"{current}{}>{}</a></li>",
                        href(depth, target),
                        if target == item.path {
                            langs_attr(item)
                        } else {
                            String::new()
                        },
                        escape(&item.title)
                    );
                }
                out.push_str("</ol>");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
        out
    }

    fn client_links(example: &Example, depth: usize) -> String {
        let mut out = String::from("<ul class=\"langs\" aria-label=\"Languages\">");
        for client in &example.clients {
            let _ = write!(
                out,
                "<li><a href=\"{}\" data-lang=\"{}\">{}</a></li>",
                href(depth, &client.path),
                client.kind.name(),
                escape(client.kind.label())
            );
        }
        out.push_str("</ul>");
        out
    }

    /// The site's front page: jump links to the categories, then each category's examples as a
    /// dense list of one-sentence entries.
    pub fn index(&self) -> String {
        let mut main = String::from(
            "<h1>NATS examples</h1>\n<p class=\"lede\">Small programs that show one NATS idea each, in the languages NATS speaks. \
             Every one runs against the real <code>nats-server</code> and <code>nats</code>, and its output here is what it printed.</p>\n\
             <nav class=\"jump-links\" aria-label=\"Categories\"><ul>\n",
        );
        for category in &self.catalog.categories {
            let _ = writeln!(
                main,
                "<li><a href=\"#{}\">{} <span class=\"count\">{}</span></a></li>",
                escape(&category.name),
                escape(&category.title),
                category.examples.len()
            );
        }
        main.push_str("</ul></nav>\n");
        for category in &self.catalog.categories {
            let _ = write!(
                main,
                "<section class=\"category\" id=\"{name}\" aria-labelledby=\"h-{name}\">\n<h2 id=\"h-{name}\"><a href=\"{}\">{}</a></h2>\n\
                 <p class=\"summary\">{}</p>\n",
                href(0, &category.name),
                escape(&category.title),
                escape(&first_sentence(&markdown::plain(&category.description))),
                name = escape(&category.name),
            );
            self.example_list(&mut main, category, 0);
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
                nav: self.nav(0, None, None, None),
                kind: None,
            },
            &main,
        )
    }

    /// A dense list of a category's examples: title, the description's first sentence, languages.
    fn example_list(&self, out: &mut String, category: &Category, depth: usize) {
        out.push_str("<ul class=\"examples\">\n");
        for example in &category.examples {
            let summary = markdown::plain(&example.description);
            let _ = writeln!(
                out,
                "<li><a class=\"title\" href=\"{}\"{}>{}</a><p>{}</p>{}</li>",
                href(depth, &example.path),
                langs_attr(example),
                escape(&example.title),
                escape(&first_sentence(&summary)),
                Self::client_links(example, depth)
            );
        }
        out.push_str("</ul>\n");
    }

    /// A category's page: its description and its examples.
    pub fn category(&self, category: &Category, warnings: &mut Vec<Warning>) -> String {
        let location = Location::file(category.dir.join("meta.yaml"));
        let mut main = format!("<h1>{}</h1>\n<div class=\"intro-text\">", escape(&category.title));
        main.push_str(&self.markdown(&category.description, &location, &category.name, 1, warnings));
        main.push_str("</div>\n");
        self.example_list(&mut main, category, 1);
        layout(
            &Frame {
                title: format!("{} · {SITE_NAME}", category.title),
                description: markdown::plain(&category.description),
                depth: 1,
                crumbs: vec![(page_url(1, ""), "All examples".into())],
                prev: None,
                next: None,
                player: false,
                nav: self.nav(1, Some(category), None, None),
                kind: None,
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
        let mut main = String::from("<article class=\"example\">\n");
        self.client_lead(&mut main, view, depth, &files, warnings);
        self.client_code(&mut main, view, depth, warnings);
        self.client_output(&mut main, view, index, &files);
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
                player: view.cast.is_some(),
                nav: self.nav(depth, Some(category), Some(example), Some(client.kind)),
                kind: Some((client.kind, own_dir)),
            },
            &main,
        )
    }

    /// The head of a client's page: the example's title and description beside the language tabs,
    /// the command a reader runs the program with, the quieter `nbe run` that verifies it, and
    /// what the recording was made with.
    fn client_lead(
        &self,
        main: &mut String,
        view: &ClientView,
        depth: usize,
        files: &str,
        warnings: &mut Vec<Warning>,
    ) {
        let (example, client) = (view.example, view.client);
        let meta = Location::file(&example.meta_path);
        let _ = write!(
            main,
            "<header class=\"lead\">\n<div class=\"intro\">\n<h1>{}</h1>\n{}</div>\n\
             <div class=\"side\">\n<nav class=\"tabs\" aria-label=\"Languages\"><ul>\n",
            escape(&example.title),
            self.markdown(&example.description, &meta, &example.path, depth, warnings)
        );
        // A tab per language the example has, in tab order: a reader never meets a dead tab.
        for other in &example.clients {
            let current = if other.kind == client.kind {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = writeln!(
                main,
                "<li><a href=\"{}\" data-lang=\"{}\"{current}>{}</a></li>",
                href(depth, &other.path),
                other.kind.name(),
                escape(other.kind.label())
            );
        }
        main.push_str("</ul></nav>\n");
        let source_name = client.main_name();
        if let Some(command) = &client.kind.spec().by_hand {
            let _ = writeln!(
                main,
                "<div class=\"run\"><pre><code><span class=\"prompt\" aria-hidden=\"true\">$ </span>{cmd}</code></pre>\
                 <button type=\"button\" class=\"copy\" data-copy=\"{cmd}\" aria-label=\"Copy the command\" hidden>Copy</button></div>",
                cmd = escape(&command.replace("{main}", source_name)),
            );
        }
        let _ = write!(
            main,
            "<p class=\"verify\">Verify it as the site did: <code>nbe run {path}</code></p>\n\
             <p class=\"file\"><a href=\"{files}{source}\">{source}</a>\
             <button type=\"button\" class=\"copy\" data-copy-program hidden>Copy the program</button>\
             <a href=\"#output\">{jump}</a>{edit}</p>\n",
            // With each step's output under its step, the end of the page holds the replay alone.
            jump = if view.steps.is_some() {
                "Jump to the replay"
            } else {
                "Jump to the output"
            },
            path = escape(&client.path),
            source = escape(source_name),
            edit = self.edit_link(client),
        );
        main.push_str(&provenance(
            &view.verdict,
            &view.provenance,
            view.library.as_deref(),
        ));
        main.push_str(&allowed(example));
        main.push_str("</div>\n</header>\n");
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
            "<a class=\"edit\" href=\"{}\">Edit this page</a>",
            escape(&template.replace("{path}", &path.join("/")))
        )
    }

    /// The program, as prose beside code, or as written when it could not be split. The blocks
    /// at the top that only prepare the run (see [`setup`]) fold into one "Setup" disclosure.
    fn client_code(&self, main: &mut String, view: &ClientView, depth: usize, warnings: &mut Vec<Warning>) {
        let client = view.client;
        main.push_str("<section class=\"program\" id=\"code\" aria-label=\"Code\">\n");
        let source_location = |line: usize| Location {
            path: client.main.clone(),
            line: Some(line),
            column: None,
        };
        let row = |out: &mut String, prose: &str, code: Option<String>| {
            let class = if code.is_some() { "step" } else { "step prose-only" };
            let _ = write!(
                out,
                "<div class=\"{class}\">\n<div class=\"prose\">{prose}</div>\n"
            );
            if let Some(code) = code {
                out.push_str(&code);
            }
            out.push_str("</div>\n");
        };
        match &view.program {
            Program::Split { source, split } => {
                let shell = client.kind.main_file().ends_with(".sh");
                let blocks = split::blocks(&split.sections);
                // The first line of each block with code: the step its recorded output is under.
                let mut firsts = split::steps(source, &blocks).into_iter().map(|step| step.first);
                let mut folded = String::new();
                let mut what = Setup::default();
                let mut folding = true;
                let mut rows = String::new();
                let count = blocks.len();
                for (at, block) in blocks.into_iter().enumerate() {
                    let (prose, marker) = setup::markers(block.prose);
                    let mut code = String::new();
                    let mut html = String::new();
                    for (piece, range) in block.code.iter().enumerate() {
                        if piece > 0 {
                            let gap = piece_gap(source, block.code[piece - 1].end, range.start);
                            code.push_str(gap);
                            html.push_str(gap);
                        }
                        code.push_str(&source[range.clone()]);
                        html.push_str(&highlight(source, &split.tokens, range.clone()));
                    }
                    // The last block always shows: a program that is all setup has nothing else.
                    let judged = (folding && at + 1 < count)
                        .then(|| setup::judge(&code, shell, marker))
                        .flatten();
                    folding = judged.is_some();
                    let prose = self.markdown(
                        &prose,
                        &source_location(block.line),
                        &client.path,
                        depth,
                        warnings,
                    );
                    let code = (!block.code.is_empty()).then(|| {
                        let code = code_box(&format!(
                            "<pre class=\"code\" tabindex=\"0\"><code class=\"language-{}\">{html}</code></pre>",
                            client.kind.name(),
                        ));
                        let output = firsts
                            .next()
                            .and_then(|first| view.steps.as_ref()?.get(&first));
                        match output {
                            Some(output) => format!(
                                "<div class=\"step-code\">\n{code}<div class=\"step-output\"><p class=\"step-output-label\">Output</p>{}</div>\n</div>\n",
                                terminal_block(output, STEP_WHOLE, STEP_HEAD)
                            ),
                            None => code,
                        }
                    });
                    match judged {
                        Some(judged) => {
                            what.merge(judged);
                            row(&mut folded, &prose, code);
                        }
                        None => row(&mut rows, &prose, code),
                    }
                }
                if !folded.is_empty() {
                    let _ = write!(
                        main,
                        "<details class=\"setup\"><summary><span class=\"setup-title\">Setup</span> \
                         <span class=\"setup-what\">{}</span></summary>\n{folded}</details>\n",
                        what.summary()
                    );
                }
                main.push_str(&rows);
                let _ = writeln!(
                    main,
                    "<script type=\"application/json\" id=\"program-source\">{}</script>",
                    script_json(&serde_json::Value::String(source.clone()))
                );
            }
            Program::Plain(text) => {
                row(
                    main,
                    "<p class=\"note\">This program could not be split into prose and code, so it is shown as written.</p>\n",
                    Some(code_box(&format!(
                        "<pre class=\"code plain\" tabindex=\"0\"><code>{}</code></pre>",
                        escape(text)
                    ))),
                );
                let _ = writeln!(
                    main,
                    "<script type=\"application/json\" id=\"program-source\">{}</script>",
                    script_json(&serde_json::Value::String(text.clone()))
                );
            }
        }
        main.push_str("</section>\n");
    }

    /// The recorded output as text, with the recording behind a "Replay" control in the same
    /// place: whole when it is short, else its first lines with the rest behind a `<details>` that
    /// opens without JavaScript (and that find-in-page opens too).
    fn client_output(&self, main: &mut String, view: &ClientView, index: usize, files: &str) {
        let replay = view.cast.is_some();
        let _ = write!(
            main,
            "<section class=\"output\" aria-labelledby=\"output\">\n<div class=\"output-head\"><h2 id=\"output\">{}</h2>{}</div>\n",
            if view.steps.is_some() {
                "Replay the run"
            } else {
                "Output"
            },
            if replay {
                format!(
                    "<button type=\"button\" class=\"replay\" data-cast=\"cast-{index}\" hidden>Replay</button>"
                )
            } else {
                String::new()
            }
        );
        match (&view.output, &view.steps) {
            // Each step's output is under its code: the recording is the one copy of it here.
            (Some(_), Some(_)) => main.push_str(
                "<div class=\"screen\"><p class=\"note\">Each step's output is shown under its code above.</p></div>\n",
            ),
            (Some(output), None) => {
                let _ = writeln!(
                    main,
                    "<div class=\"screen\">{}</div>",
                    terminal_block(output, OUTPUT_WHOLE, OUTPUT_HEAD)
                );
            }
            (None, _) => main.push_str("<p class=\"note\">This client has not been recorded yet.</p>\n"),
        }
        if let Some(cast) = &view.cast {
            if replay {
                let _ = writeln!(
                    main,
                    "<script type=\"application/json\" id=\"cast-{index}\">{}</script>",
                    script_json(&serde_json::Value::String(cast.clone()))
                );
            }
            let _ = writeln!(
                main,
                "<p class=\"hint\">{}<a href=\"{files}output.cast\" download>Download the recording</a> to play it with <code>asciinema play</code>.</p>",
                if replay {
                    "Replay plays the recording in place, with pauses over two seconds shortened. "
                } else {
                    ""
                }
            );
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

fn provenance(verdict: &Verdict, provenance: &Provenance, library: Option<&str>) -> String {
    let mut out = String::from("<dl class=\"provenance\">\n");
    if let Some(library) = library {
        let _ = writeln!(out, "<dt>Client</dt><dd>{}</dd>", escape(library));
    }
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
    if let Some(servers) = &provenance.servers {
        let _ = writeln!(out, "<dt>Servers</dt><dd>{}</dd>", escape(servers));
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

/// A code block, in a box whose edges show when the code scrolls sideways. The page has one copy
/// button for the whole program, in its head, rather than one per block.
fn code_box(pre: &str) -> String {
    format!("<div class=\"code-box\">{pre}</div>\n")
}

/// `text` with every run of blank lines cut to one: a blank line separates, a second only
/// spreads the output out.
fn squeeze_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.split_inclusive('\n') {
        let is_blank = line.trim().is_empty();
        if !(is_blank && blank) {
            out.push_str(line);
        }
        blank = is_blank;
    }
    out
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

/// A step's output up to this many lines is shown whole.
const STEP_WHOLE: usize = 20;
/// How many lines of a longer step's output show before its "show all" fold.
const STEP_HEAD: usize = 10;

/// `text` cut at `places` (offset, step's first line), in order, each segment added to its step's
/// text: the steps' outputs. A place inside a line moves to the next line's start, so a line is
/// never split between two steps; what comes before the first place is the first step's.
pub(super) fn segments(text: &str, places: &[(usize, usize)]) -> std::collections::BTreeMap<usize, String> {
    let mut steps = std::collections::BTreeMap::<usize, String>::new();
    let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(places.len());
    for &(offset, step) in places {
        let mut at = offset.min(text.len());
        // A hand-edited cast may place a marker inside a character.
        while !text.is_char_boundary(at) {
            at += 1;
        }
        if at > 0 && text.as_bytes()[at - 1] != b'\n' {
            at = text[at..]
                .find('\n')
                .map_or(text.len(), |newline| at + newline + 1);
        }
        let at = cuts.last().map_or(at, |&(before, _)| at.max(before));
        cuts.push((at, step));
    }
    if let Some(first) = cuts.first_mut() {
        first.0 = 0;
    }
    for (index, &(start, step)) in cuts.iter().enumerate() {
        let end = cuts.get(index + 1).map_or(text.len(), |&(end, _)| end);
        steps.entry(step).or_default().push_str(&text[start..end]);
    }
    steps.retain(|_, text| !text.trim().is_empty());
    steps
}

/// Output as a terminal block: whole up to `whole` lines, else its first `head` lines with the
/// rest behind a `<details>` that opens without JavaScript (and that find-in-page opens too).
fn terminal_block(output: &str, whole: usize, head: usize) -> String {
    let output = squeeze_blank_lines(output);
    match output_fold(&output, whole, head) {
        None => format!("<pre class=\"terminal\" tabindex=\"0\">{}</pre>", escape(&output)),
        Some(at) => {
            let (first, rest) = output.split_at(at);
            let lines = output.lines().count();
            let hidden = rest.lines().count();
            format!(
                "<pre class=\"terminal head\" tabindex=\"0\">{}</pre>\n<details class=\"more\"><summary>\
                 <span class=\"when-closed\">Show all {lines} lines ({hidden} more)</span>\
                 <span class=\"when-open\">The other {hidden} lines</span></summary>\n\
                 <pre class=\"terminal rest\" tabindex=\"0\">{}</pre>\n</details>",
                escape(first),
                escape(rest)
            )
        }
    }
}

/// Where a long output folds: the byte just after its first `head` lines, or `None` when it has
/// at most `whole` lines and is shown whole.
fn output_fold(output: &str, whole: usize, head: usize) -> Option<usize> {
    if output.lines().count() <= whole {
        return None;
    }
    output.match_indices('\n').nth(head - 1).map(|(at, _)| at + 1)
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
        assert_eq!(output_fold(&lines(OUTPUT_WHOLE), OUTPUT_WHOLE, OUTPUT_HEAD), None);
        let long = lines(OUTPUT_WHOLE + 1);
        let at = output_fold(&long, OUTPUT_WHOLE, OUTPUT_HEAD).unwrap();
        assert_eq!(&long[..at], lines(OUTPUT_HEAD));
        assert!(long[at..].starts_with(&format!("line {}\n", OUTPUT_HEAD + 1)));
    }

    #[test]
    fn each_step_gets_its_segments_cut_at_line_starts() {
        let text = "a1\na2\nb1 and the rest of b1\nc1\nb2\n";
        // Step 7 began mid-line: that line stays with step 5, and step 7 keeps nothing. Step 9
        // printed nothing.
        let places = [(0, 3), (6, 5), (10, 7), (28, 5), (31, 9), (31, 5)];
        let steps = segments(text, &places);
        assert_eq!(
            steps.into_iter().collect::<Vec<_>>(),
            [
                (3, "a1\na2\n".to_string()),
                (5, "b1 and the rest of b1\nc1\nb2\n".to_string()),
            ]
        );
        // Output before the first marker is the first step's.
        let steps = segments("x\ny\n", &[(2, 4)]);
        assert_eq!(steps.get(&4).map(String::as_str), Some("x\ny\n"));
        // A place inside a character, or past the end, cuts nothing it should not.
        let steps = segments("é\nü\n", &[(0, 1), (1, 2), (9, 3)]);
        assert_eq!(
            steps.into_iter().collect::<Vec<_>>(),
            [(1, "é\n".to_string()), (2, "ü\n".to_string())]
        );
    }

    proptest::proptest! {
        /// Any places, in any text: no panic, no line split between steps, nothing made up.
        #[test]
        fn segments_keep_lines_whole(
            text in "(é|ü|a|b| |\n){0,60}",
            places in proptest::collection::vec((0usize..80, 1usize..5), 0..8),
        ) {
            let steps = segments(&text, &places);
            let total: usize = steps.values().map(String::len).sum();
            proptest::prop_assert!(total <= text.len());
            for part in steps.values() {
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                for line in part.split_inclusive('\n') {
                    proptest::prop_assert!(lines.contains(&line), "{line:?} is a whole line of the text");
                }
            }
        }
    }

    #[test]
    fn provenance_names_what_is_known() {
        let html = provenance(
            &Verdict::Stale(String::new()),
            &Provenance {
                nats_server: Some("v2.15.2".into()),
                nats: None,
                date: Some("2025-11-25".into()),
                servers: Some("Verified on nats-server v2.14.10, v2.15.2".into()),
            },
            None,
        );
        assert!(html.contains("2025-11-25 with nats-server v2.15.2<"), "{html}");
        assert!(
            html.contains("<dt>Servers</dt><dd>Verified on nats-server v2.14.10, v2.15.2</dd>"),
            "{html}"
        );
        assert!(!html.contains("Client"), "{html}");
        assert!(html.contains("class=\"status stale\""), "{html}");
        assert!(
            !provenance(&Verdict::NotRecorded(String::new()), &Provenance::default(), None)
                .contains("Recorded")
        );
        assert!(
            !provenance(&Verdict::NotRecorded(String::new()), &Provenance::default(), None)
                .contains("Servers")
        );
        let html = provenance(
            &Verdict::Verified,
            &Provenance::default(),
            Some("nats.go v1.47.0"),
        );
        assert!(html.contains("<dt>Client</dt><dd>nats.go v1.47.0</dd>"), "{html}");
    }

    #[test]
    fn runs_of_blank_lines_become_one() {
        assert_eq!(squeeze_blank_lines("a\n\n\n\nb\n \n\nc\n"), "a\n\nb\n \nc\n");
        assert_eq!(squeeze_blank_lines("a\nb"), "a\nb");
    }
}
