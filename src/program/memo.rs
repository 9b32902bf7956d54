//! A memo of [`split::code`], of [`Syntax::parse`], of whether a program has prose (for
//! `nbe lint`) and of where its steps begin on disk, so that hashing, linting or building the site of the catalog does not
//! parse every program again on every run.
//!
//! Parsing a program with its grammar takes tens of milliseconds (syntect matches its regexes on
//! every line), and the staleness hash of each recording reads every program of its client:
//! without a memo, `nbe check` and the site's badges spend seconds on a catalog of a few hundred
//! programs that did not change. The memo is keyed by the program's text, its grammar, and the
//! identity of the running nbe build (its executable's size and modification time), so a new nbe,
//! whose splitter may read the same text differently, never sees an older build's answers.
//!
//! It lives under the cache root (`<cache>/code/`), one file per key, written whole (temp file,
//! then rename). Anything that goes wrong with it (no cache root, an unreadable or unwritable
//! file, an executable nbe cannot stat) only costs the parse: the answer is always
//! [`split::code`]'s own.

use std::path::PathBuf;
use std::sync::LazyLock;

use sha2::{Digest, Sha256};

use super::split;
use super::syntax::{LexError, Parsed, Syntax};

/// Bumped when the memo's format changes.
const FORMAT: &str = "nbe-code-memo-1";

/// The running build's identity, or `None` when it cannot be told (then nothing is memoized).
static BUILD: LazyLock<Option<String>> = LazyLock::new(|| {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(format!(
        "{} {} {} {}",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_secs(),
        modified.subsec_nanos()
    ))
});

/// The directory of the memo, or `None` when there is no cache root.
static DIR: LazyLock<Option<PathBuf>> =
    LazyLock::new(|| crate::cache::root().ok().map(|root| crate::cache::code(&root)));

/// [`split::code`], answered from the memo when this build already read the same text.
pub fn code(syntax: &Syntax, source: &str) -> Result<String, LexError> {
    remembered("code", syntax, source, || split::code(syntax, source))
}

/// Whether [`split::split`] finds prose in `source` (a section whose prose is more than blank),
/// answered from the memo when this build already read the same text: `nbe lint` asks it of
/// every program, and would otherwise parse each one on every run.
pub fn has_prose(syntax: &Syntax, source: &str) -> Result<bool, LexError> {
    let answer = remembered("prose", syntax, source, || {
        split::split(syntax, source).map(|split| {
            let prose = split
                .sections
                .iter()
                .any(|section| !section.prose.trim().is_empty());
            if prose { "yes" } else { "no" }.to_string()
        })
    })?;
    Ok(answer == "yes")
}

/// Where the steps of `source` begin and its code lines ([`split::StepLines`]), answered from
/// the memo when this build already read the same text: `nbe check` asks it of every recording
/// that attributes its output to steps.
pub fn step_lines(syntax: &Syntax, source: &str) -> Result<split::StepLines, LexError> {
    let numbers = |list: &[usize]| list.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
    let answer = remembered("steps", syntax, source, || {
        split::split(syntax, source).map(|split| {
            let lines = split::StepLines::of(&split::steps(source, &split::blocks(&split.sections)));
            format!("{}\n{}", numbers(&lines.starts), numbers(&lines.code))
        })
    })?;
    let mut parts = answer
        .split('\n')
        .map(|part| part.split_whitespace().filter_map(|n| n.parse().ok()).collect());
    Ok(split::StepLines {
        starts: parts.next().unwrap_or_default(),
        code: parts.next().unwrap_or_default(),
    })
}

/// The answer to `question` about `source` read with `syntax`: from the memo when this build
/// already answered it, else `answer()`'s, which is then kept.
fn remembered(
    question: &str,
    syntax: &Syntax,
    source: &str,
    answer: impl FnOnce() -> Result<String, LexError>,
) -> Result<String, LexError> {
    let Some(path) = entry(question, syntax, source) else {
        return answer();
    };
    // A memo entry is `C` and the answer. A program the grammar cannot read is not memoized: it
    // is rare, and the parse error is what the caller needs (the hash then takes the file's bytes).
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Some(code) = text.strip_prefix('C')
    {
        return Ok(code.to_string());
    }
    let answer = answer();
    let text = match &answer {
        Ok(code) => format!("C{code}"),
        Err(_) => return answer,
    };
    store(&path, text.as_bytes());
    answer
}

/// [`Syntax::parse`], answered from the memo when this build already parsed the same text with the
/// same grammar. A text the grammar cannot read is parsed again each time, like in [`code`].
pub(super) fn parse(syntax: &Syntax, source: &str) -> Result<Parsed, LexError> {
    let Some(path) = entry("parse", syntax, source) else {
        return syntax.parse_fresh(source);
    };
    // An entry that does not decode (cut short, or written by a build with the same identity but
    // another format) is parsed again and replaced.
    if let Ok(bytes) = std::fs::read(&path)
        && let Ok(parsed) = serde_json::from_slice(&bytes)
    {
        return Ok(parsed);
    }
    let parsed = syntax.parse_fresh(source)?;
    if let Ok(json) = serde_json::to_vec(&parsed) {
        store(&path, &json);
    }
    Ok(parsed)
}

/// Writes a memo entry whole; failing only costs the next reader a parse.
fn store(path: &std::path::Path, bytes: &[u8]) {
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::atomic::atomic_write(path, bytes);
    }
}

/// Where the memo keeps this build's answer to `question` about `source` read with `syntax`.
fn entry(question: &str, syntax: &Syntax, source: &str) -> Option<PathBuf> {
    let build = BUILD.as_ref()?;
    let dir = DIR.as_ref()?;
    let mut hasher = Sha256::new();
    for part in [FORMAT, question, build, syntax.name(), source] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let hex: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Some(dir.join(&hex[..2]).join(&hex[2..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Kind;

    #[test]
    fn the_memo_gives_what_the_splitter_gives() {
        let syntax = Syntax::of(Kind::named("go"));
        let source = "// Prose.\npackage main\n\nfunc main() {}\n";
        // Twice: the first may fill the memo, the second reads it.
        for _ in 0..2 {
            assert_eq!(
                code(syntax, source).unwrap(),
                split::code(syntax, source).unwrap()
            );
        }
        let path = entry("code", syntax, source).expect("a cache root and a build identity");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("C{}", split::code(syntax, source).unwrap())
        );
        // Another text or another grammar is another entry.
        assert_ne!(entry("code", syntax, "package other\n"), Some(path.clone()));
        assert_ne!(
            entry("code", Syntax::of(Kind::named("rust")), source),
            Some(path.clone())
        );
        assert_ne!(entry("prose", syntax, source), Some(path));
    }

    #[test]
    fn the_memo_tells_prose_as_the_splitter_does() {
        let syntax = Syntax::of(Kind::named("go"));
        for (source, prose) in [
            ("// Prose.\npackage main\n", true),
            ("package main // not prose\n\nfunc main() {}\n", false),
        ] {
            for _ in 0..2 {
                assert_eq!(has_prose(syntax, source).unwrap(), prose, "{source}");
            }
        }
    }

    #[test]
    fn a_memoized_parse_is_the_fresh_parse() {
        let syntax = Syntax::of(Kind::named("cli"));
        let source =
            "#!/bin/bash\n# Prose with `code`.\ncat <<EOF\n# not prose\nEOF\necho \"$NATS_URL\" 42\n";
        let path = entry("parse", syntax, source).expect("a cache root and a build identity");
        let _ = std::fs::remove_file(&path);
        // The first parse fills the memo, the second reads it; both are the grammar's answer.
        for _ in 0..2 {
            assert_eq!(
                parse(syntax, source).unwrap(),
                syntax.parse_fresh(source).unwrap()
            );
        }
        assert!(path.exists());
        // A damaged entry is parsed again and replaced.
        std::fs::write(&path, b"{\"tokens\": [").unwrap();
        assert_eq!(
            parse(syntax, source).unwrap(),
            syntax.parse_fresh(source).unwrap()
        );
        let stored: Parsed = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(stored, syntax.parse_fresh(source).unwrap());
        // A text the grammar cannot read is an error every time, and never memoized.
        let broken = "cat <<EOF\nnever ends\n";
        assert!(parse(syntax, broken).is_err());
        assert!(parse(syntax, broken).is_err());
        assert!(!entry("parse", syntax, broken).unwrap().exists());
    }
}
