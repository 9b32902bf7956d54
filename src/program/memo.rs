//! A memo of [`split::code`] on disk, so that hashing the catalog does not parse every program
//! again on every `nbe check`.
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
use super::syntax::{LexError, Syntax};

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
    let Some(path) = entry(syntax, source) else {
        return split::code(syntax, source);
    };
    // A memo entry is `C` and the code. A program the grammar cannot read is not memoized: it is
    // rare, and the parse error is what the caller needs (the hash then takes the file's bytes).
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Some(code) = text.strip_prefix('C')
    {
        return Ok(code.to_string());
    }
    let answer = split::code(syntax, source);
    let text = match &answer {
        Ok(code) => format!("C{code}"),
        Err(_) => return answer,
    };
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::atomic::atomic_write(&path, text.as_bytes());
    }
    answer
}

/// Where the memo keeps the answer for `source` read with `syntax` by this build.
fn entry(syntax: &Syntax, source: &str) -> Option<PathBuf> {
    let build = BUILD.as_ref()?;
    let dir = DIR.as_ref()?;
    let mut hasher = Sha256::new();
    for part in [FORMAT, build, syntax.name(), source] {
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
        let path = entry(syntax, source).expect("a cache root and a build identity");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("C{}", split::code(syntax, source).unwrap())
        );
        // Another text or another grammar is another entry.
        assert_ne!(entry(syntax, "package other\n"), Some(path.clone()));
        assert_ne!(entry(Syntax::of(Kind::named("rust")), source), Some(path));
    }
}
