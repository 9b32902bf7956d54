//! How `nbe lint` shows its findings: like a compiler for people, as one JSON object for machines.
//!
//! The human report is rendered by `annotate-snippets`, the renderer rustc and cargo use: each
//! finding shows its code and message, the source lines it is about with the places that make it
//! up underlined and labelled, and why it matters and the fix as a note and a help line. It is
//! maintained by the Rust project, renders plain text byte for byte the same when colour is off
//! (what the tests compare), and takes spans over the file's own text, which is what nbe has.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde_json::json;

use super::code::Severity;
use super::{Finding, Lint};

/// The human report: every finding, then the allowed ones in one line each, then a summary line.
///
/// A code's note and help are said once per file: the second fixed sleep of a script needs no
/// second explanation of why fixed sleeps are a problem. Each file is read once.
pub fn human(lint: &Lint, root: &Path, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let mut explained: HashSet<(&Path, &str)> = HashSet::new();
    let mut sources: HashMap<&Path, Option<String>> = HashMap::new();
    for finding in &lint.findings {
        let source = match finding.line {
            Some(_) => sources
                .entry(finding.file.as_path())
                .or_insert_with(|| std::fs::read_to_string(&finding.file).ok())
                .as_deref(),
            None => None,
        };
        let file = relative(&finding.file, root);
        let level = match finding.severity() {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .clone()
            .primary_title(finding.message.as_str())
            .id(finding.code.id);
        let mut group = Group::with_title(title);
        match (source, finding.line) {
            (Some(source), Some(line)) => {
                let mut snippet = Snippet::source(source)
                    .line_start(1)
                    .path(file.as_str())
                    .fold(true);
                let primary_label = finding
                    .notes
                    .iter()
                    .find(|note| note.line == line)
                    .map(|note| note.label.as_str());
                let mut primary =
                    AnnotationKind::Primary.span(span(source, line, finding.column.unwrap_or(1)));
                if let Some(label) = primary_label {
                    primary = primary.label(label);
                }
                snippet = snippet.annotation(primary);
                for note in finding.notes.iter().filter(|note| note.line != line) {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(span(source, note.line, note.column))
                            .label(note.label.as_str()),
                    );
                }
                group = group.element(snippet);
            }
            _ => {
                let mut origin = Origin::path(file.as_str());
                if let Some(line) = finding.line {
                    origin = origin.line(line);
                }
                group = group.element(origin);
            }
        }
        if explained.insert((finding.file.as_path(), finding.code.id)) {
            group = group
                .element(Level::NOTE.message(format!(
                    "{} ({}): {}",
                    finding.code.id, finding.code.name, finding.code.why
                )))
                .element(Level::HELP.message(finding.code.fix));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    for allowed in &lint.allowed {
        let finding = &allowed.finding;
        out.push_str(&format!(
            "allowed: {} {}: {} (reason: {})\n",
            finding.code.id,
            location(finding, root),
            finding.message,
            allowed.reason
        ));
    }
    out.push_str(&format!(
        "{}, {}, {} allowed\n",
        counted(lint.count(Severity::Error), "error"),
        counted(lint.count(Severity::Warning), "warning"),
        lint.allowed.len()
    ));
    out
}

/// `1 error`, `2 errors`, `0 errors`.
fn counted(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// The JSON report: `findings`, `allowed` (each with its `reason`) and a `summary`.
pub fn json(lint: &Lint, root: &Path) -> serde_json::Value {
    let finding = |finding: &Finding| {
        json!({
            "code": finding.code.id,
            "name": finding.code.name,
            "severity": finding.severity(),
            "path": finding.path,
            "file": relative(&finding.file, root),
            "line": finding.line,
            "column": finding.column,
            "message": finding.message,
            "why": finding.code.why,
            "fix": finding.code.fix,
            "notes": finding.notes,
        })
    };
    json!({
        "findings": lint.findings.iter().map(finding).collect::<Vec<_>>(),
        "allowed": lint.allowed.iter().map(|allowed| {
            let mut value = finding(&allowed.finding);
            value["reason"] = json!(allowed.reason);
            value
        }).collect::<Vec<_>>(),
        "summary": {
            "errors": lint.count(Severity::Error),
            "warnings": lint.count(Severity::Warning),
            "allowed": lint.allowed.len(),
        },
    })
}

/// `file:line:column` of a finding, relative to the root.
fn location(finding: &Finding, root: &Path) -> String {
    let mut at = relative(&finding.file, root);
    if let Some(line) = finding.line {
        at.push_str(&format!(":{line}"));
        if let Some(column) = finding.column {
            at.push_str(&format!(":{column}"));
        }
    }
    at
}

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// The byte range from the one-based `column` (in characters) of `line` to the end of its text.
fn span(source: &str, line: usize, column: usize) -> std::ops::Range<usize> {
    let mut start = 0;
    for (index, text) in source.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let body = text.trim_end();
            let from = body
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(body.len(), |(at, _)| at);
            let indent = body.len() - body.trim_start().len();
            let from = from.max(indent).min(body.len());
            return start + from..start + body.len().max(from);
        }
        start += text.len();
    }
    source.len()..source.len()
}
