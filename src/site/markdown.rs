//! Markdown from descriptions and comments, rendered safely and with links between examples resolved.
//!
//! Raw HTML in Markdown is shown as text, never passed through, and only `http`, `https` and `mailto`
//! links keep a scheme (a `javascript:` link becomes `#`).
//!
//! Links to other examples are written as catalog paths, so they also work when browsing the
//! repository:
//!
//! - `[text](topologies/cluster)` names a category, example or client from the top of `examples/`;
//! - `[text](../cluster)` or `[text](./cli)` is resolved against the directory of the file the
//!   Markdown is in (an example's `meta.yaml` lives in the example directory, a program in its client
//!   directory);
//! - a `#fragment` is kept, so `[the output](../cluster/cli#output)` jumps to a section.
//!
//! A relative link that names nothing in the catalog is left as written and reported as a warning.

use std::collections::BTreeSet;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Where a piece of Markdown is, which decides how its relative links resolve.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Every catalog path: categories, examples and clients.
    pub known: &'a BTreeSet<String>,
    /// Catalog path of the directory holding the Markdown's file (`""` for `examples/` itself).
    pub source_dir: &'a str,
    /// How many directories below the site root the page is.
    pub depth: usize,
}

/// Markdown rendered to HTML, with what went wrong on the way.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Links that name nothing in the catalog.
    pub warnings: Vec<String>,
}

/// Renders `markdown` to HTML for a page in `context`.
pub fn render(markdown: &str, context: Context<'_>) -> Rendered {
    let mut warnings = Vec::new();
    let events =
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| {
            match event {
                // Raw HTML is shown as the text it is: comments and descriptions cannot inject markup.
                Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Link {
                    link_type,
                    dest_url: resolve(&dest_url, context, &mut warnings),
                    title,
                    id,
                }),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Event::Start(Tag::Image {
                    link_type,
                    dest_url: resolve(&dest_url, context, &mut warnings),
                    title,
                    id,
                }),
                event => event,
            }
        });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    Rendered { html, warnings }
}

/// The text of `markdown` without formatting, for search and `<meta name="description">`.
pub fn plain(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The URL a link destination points to on the page.
fn resolve<'a>(dest: &str, context: Context<'_>, warnings: &mut Vec<String>) -> CowStr<'a> {
    let (path, fragment) = match dest.find('#') {
        Some(at) => dest.split_at(at),
        None => (dest, ""),
    };
    if path.is_empty() || path.starts_with('/') {
        return dest.to_string().into();
    }
    if let Some(colon) = path.find(':').filter(|&at| !path[..at].contains('/')) {
        let scheme = path[..colon].to_ascii_lowercase();
        return if matches!(scheme.as_str(), "http" | "https" | "mailto") {
            dest.to_string().into()
        } else {
            "#".into()
        };
    }
    let explicit = path.starts_with("./") || path.starts_with("../");
    let candidates = [
        (!explicit).then(|| path.trim_end_matches('/').to_string()),
        join(context.source_dir, path),
    ];
    match candidates
        .into_iter()
        .flatten()
        .find(|c| context.known.contains(c))
    {
        Some(target) => format!("{}{fragment}", page_url(context.depth, &target)).into(),
        None => {
            warnings.push(format!(
                "link `{dest}` names no category, example or client; write a catalog path like `category/example`"
            ));
            dest.to_string().into()
        }
    }
}

/// `relative` joined to `dir` with `.` and `..` applied; `None` when it climbs above `examples/`.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The relative URL of the page of catalog path `target` from a page `depth` directories deep.
pub fn page_url(depth: usize, target: &str) -> String {
    let mut url = "../".repeat(depth);
    if !target.is_empty() {
        url.push_str(target);
        url.push('/');
    }
    url.push_str("index.html");
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<String> {
        [
            "topologies",
            "topologies/cluster",
            "topologies/cluster/cli",
            "topologies/arbiter",
        ]
        .into_iter()
        .map(String::from)
        .collect()
    }

    fn html(markdown: &str, source_dir: &str, depth: usize) -> Rendered {
        let known = known();
        render(
            markdown,
            Context {
                known: &known,
                source_dir,
                depth,
            },
        )
    }

    #[test]
    fn catalog_paths_become_relative_page_links() {
        let out = html(
            "See [c](topologies/cluster) and [o](topologies/cluster/cli#output).",
            "",
            3,
        );
        assert!(
            out.html
                .contains(r#"href="../../../topologies/cluster/index.html""#),
            "{}",
            out.html
        );
        assert!(
            out.html
                .contains(r#"href="../../../topologies/cluster/cli/index.html#output""#)
        );
        assert!(out.warnings.is_empty());
    }

    #[test]
    fn relative_links_resolve_against_the_source_directory() {
        let out = html("[c](../cluster) [same](./) [up](../)", "topologies/arbiter", 2);
        assert!(
            out.html.contains(r#"href="../../topologies/cluster/index.html""#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"href="../../topologies/arbiter/index.html""#));
        assert!(out.html.contains(r#"href="../../topologies/index.html""#));
    }

    #[test]
    fn unknown_relative_links_are_kept_and_reported() {
        let out = html(
            "[x](../nowhere) [web](https://nats.io) [top](#code)",
            "topologies/arbiter",
            2,
        );
        assert!(out.html.contains(r#"href="../nowhere""#));
        assert!(out.html.contains(r#"href="https://nats.io""#));
        assert!(out.html.contains(r##"href="#code""##));
        assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
        assert!(out.warnings[0].contains("../nowhere"));
    }

    #[test]
    fn raw_html_and_script_links_are_neutralised() {
        let out = html(
            "<script>alert(1)</script>\n\nInline <b onclick=\"x()\">bold</b> [x](javascript:alert(1)) [y](JavaScript:alert(2))",
            "",
            0,
        );
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("<b "), "{}", out.html);
        assert!(out.html.contains("&lt;script&gt;"), "{}", out.html);
        assert!(
            !out.html.to_ascii_lowercase().contains("javascript:"),
            "{}",
            out.html
        );
    }

    #[test]
    fn plain_text_drops_formatting() {
        assert_eq!(
            plain("A *lighter* `arbiter`.\nSecond line."),
            "A lighter arbiter. Second line."
        );
    }
}
