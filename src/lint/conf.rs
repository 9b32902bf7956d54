//! A tolerant scan of nats-server configuration text, for the few settings the lint rules read:
//! `jetstream` and its `store_dir`, and the ports a server listens on.
//!
//! The nats-server format is neither YAML nor JSON (`key: value`, `key = value`, `key value`,
//! blocks with or without a separator, unquoted values holding colons like `127.0.0.1:4222`,
//! `#` and `//` comments, `include file`), and no maintained Rust crate parses it. The rules need
//! only the mapping keys and the plain values beside them, so this scanner reads exactly those,
//! skips lists whole (routes, gateway URLs, users), and follows `include` into the files the same
//! script wrote. Text it does not understand is skipped, never an error: the lint must not fail on
//! a configuration nats-server accepts.
//!
//! A script is untrusted input, so the scan has bounds: each file is read once per configuration
//! however many times it is included (a file including the next one ten times, eight deep, would
//! otherwise be read 10^8 times), includes nest at most [`MAX_INCLUDE_DEPTH`] deep, at most
//! [`MAX_READ`] characters are read in all, and blocks nested deeper than [`MAX_BLOCK_DEPTH`] are
//! skipped whole. Going past the first two is a [`Problem`] the lint reports, never a crash.

use std::collections::{HashMap, HashSet};

use super::shell::WrittenFile;

/// A `key: value` or `key { ... }` of a configuration, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The keys of the blocks it is in, outermost first (`["jetstream"]`); empty at the top level.
    pub path: Vec<String>,
    /// Its key, lowercased (nats-server's keys are case-insensitive).
    pub key: String,
    /// The plain value, quotes removed; `None` for a block or a list.
    pub value: Option<String>,
    /// Its line in the script (the heredoc's line).
    pub line: usize,
}

/// How deep `include`s are followed.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// How many characters one configuration may read, its includes counted.
pub const MAX_READ: usize = 1 << 20;

/// How deep blocks are read; deeper ones are skipped, so the scan's recursion stays shallow.
const MAX_BLOCK_DEPTH: usize = 64;

/// Why a configuration was read only in part, at the script line of the `include` where the
/// scan stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The script line of the `include` that went past a bound.
    pub line: usize,
    /// What went past which bound, naming the files.
    pub message: String,
}

/// A configuration as the scan read it.
#[derive(Debug, Default)]
pub struct Scan {
    /// Its entries, those of included files in place.
    pub entries: Vec<Entry>,
    /// Why it was read only in part, if it was.
    pub problem: Option<Problem>,
}

/// The entries of `file`, with the `include`d files of `files` read in place, each once.
pub fn scan(file: &WrittenFile, files: &HashMap<String, WrittenFile>) -> Scan {
    let mut state = State {
        files,
        included: HashSet::from([file.name.as_str()]),
        read: file.text.len(),
        scan: Scan::default(),
        root: &file.name,
    };
    Scanner::new(file, 0, 0).map(&mut state, &mut Vec::new());
    state.scan
}

/// What every file of one configuration's scan shares: the files read so far and the budget.
struct State<'a> {
    files: &'a HashMap<String, WrittenFile>,
    /// The files read so far: an `include` of one of them reads nothing again (a cycle, or the
    /// same file included twice).
    included: HashSet<&'a str>,
    /// Characters read so far.
    read: usize,
    scan: Scan,
    /// The configuration's own file name, for messages.
    root: &'a str,
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    /// How deep in includes this file is.
    depth: usize,
    /// How deep in blocks the scan is, across includes.
    blocks: usize,
}

impl Scanner {
    fn new(file: &WrittenFile, depth: usize, blocks: usize) -> Self {
        Self {
            chars: file.text.chars().collect(),
            at: 0,
            line: file.first_line,
            depth,
            blocks,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Skips blanks, separators and comments (newlines too when `newlines`).
    fn skip(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            let comment = c == '#' || (c == '/' && self.chars.get(self.at + 1) == Some(&'/'));
            if comment {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if c == ' ' || c == '\t' || c == '\r' || (newlines && matches!(c, '\n' | ',' | ';')) {
                self.bump();
            } else {
                break;
            }
        }
    }

    /// Reads the entries of a mapping until its closing `}` (or the end of the text).
    fn map(&mut self, state: &mut State, path: &mut Vec<String>) {
        loop {
            self.skip(true);
            match self.peek() {
                None => return,
                Some('}') => {
                    self.bump();
                    return;
                }
                Some(']') => {
                    self.bump();
                    continue;
                }
                Some('[') | Some('{') => {
                    // Not a key: skip the value whole.
                    self.value(state, path, "");
                    continue;
                }
                _ => {}
            }
            let line = self.line;
            let mut key = String::new();
            while let Some(c) = self.peek() {
                if c.is_whitespace() || matches!(c, ':' | '=' | '{' | '[' | '}' | ',' | ';') {
                    break;
                }
                key.push(c);
                self.bump();
            }
            let key = key.trim_matches(|c| c == '"' || c == '\'').to_lowercase();
            self.skip(false);
            if matches!(self.peek(), Some(':') | Some('=')) {
                self.bump();
                self.skip(false);
            }
            if key == "include" {
                let name = self.plain();
                self.include(state, &name, path, line);
                continue;
            }
            if key.is_empty() {
                self.bump();
                continue;
            }
            let value = self.value(state, path, &key);
            state.scan.entries.push(Entry {
                path: path.clone(),
                key,
                value,
                line,
            });
        }
    }

    /// Reads a value: a block (its entries go to `entries`), a list (skipped) or plain text.
    fn value(&mut self, state: &mut State, path: &mut Vec<String>, key: &str) -> Option<String> {
        match self.peek() {
            Some('{') if self.blocks >= MAX_BLOCK_DEPTH => {
                self.skip_list();
                None
            }
            Some('{') => {
                self.bump();
                path.push(key.to_string());
                self.blocks += 1;
                self.map(state, path);
                self.blocks -= 1;
                path.pop();
                None
            }
            Some('[') => {
                self.skip_list();
                None
            }
            _ => Some(self.plain()),
        }
    }

    /// Skips a list, nested brackets and quoted text included.
    fn skip_list(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.bump() {
            match c {
                '[' | '{' => depth += 1,
                ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                '"' | '\'' => while self.bump().is_some_and(|inner| inner != c) {},
                _ => {}
            }
        }
    }

    /// Reads a plain value to the end of the line (or a separator), quotes removed.
    fn plain(&mut self) -> String {
        let mut value = String::new();
        if let Some(quote @ ('"' | '\'')) = self.peek() {
            self.bump();
            while let Some(c) = self.bump() {
                if c == quote {
                    break;
                }
                value.push(c);
            }
            return value;
        }
        while let Some(c) = self.peek() {
            if matches!(c, '\n' | ',' | ';' | '}' | ']' | '#') {
                break;
            }
            value.push(c);
            self.bump();
        }
        value.trim().to_string()
    }

    /// Reads the file an `include` on script line `line` names, in place, unless it was read
    /// already or a bound stops the scan.
    fn include(&mut self, state: &mut State, name: &str, path: &mut Vec<String>, line: usize) {
        let name = name.trim_start_matches("./");
        let Some((name, file)) = state.files.get_key_value(name) else {
            return;
        };
        if state.scan.problem.is_some() || !state.included.insert(name) {
            return;
        }
        let bound = if self.depth + 1 > MAX_INCLUDE_DEPTH {
            Some(format!("includes nest more than {MAX_INCLUDE_DEPTH} deep"))
        } else if state.read + file.text.len() > MAX_READ {
            Some(format!(
                "includes more than {} KiB of configuration",
                MAX_READ / 1024
            ))
        } else {
            None
        };
        if let Some(bound) = bound {
            state.scan.problem = Some(Problem {
                line,
                message: format!(
                    "{} {bound}, so nbe read it only up to the include of {name}",
                    state.root
                ),
            });
            return;
        }
        state.read += file.text.len();
        Scanner::new(file, self.depth + 1, self.blocks).map(state, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str, first_line: usize) -> WrittenFile {
        WrittenFile {
            name: name.to_string(),
            text: text.to_string(),
            first_line,
        }
    }

    #[test]
    fn reads_keys_values_blocks_and_includes() {
        let shared = file(
            "shared.conf",
            "jetstream: {\n  unique_tag: \"az:\"\n}\naccounts: {\n  APP: {\n    jetstream: true\n    users: [{user: a, password: b}]\n  }\n}\n",
            10,
        );
        let main = file(
            "s.conf",
            "server_name: s1 # a comment\nlisten: 127.0.0.1:4223\nhttp_port = 8222\ninclude shared.conf\ncluster {\n  name: c\n  port: 6222\n  routes: [\n    nats-route://127.0.0.1:6222,\n  ]\n}\n",
            1,
        );
        let files = HashMap::from([("shared.conf".to_string(), shared)]);
        let entries = scan(&main, &files).entries;
        let shown: Vec<String> = entries
            .iter()
            .map(|e| format!("{}:{}.{}={:?}", e.line, e.path.join("."), e.key, e.value))
            .collect();
        assert_eq!(
            shown,
            [
                "1:.server_name=Some(\"s1\")",
                "2:.listen=Some(\"127.0.0.1:4223\")",
                "3:.http_port=Some(\"8222\")",
                "11:jetstream.unique_tag=Some(\"az:\")",
                "10:.jetstream=None",
                "15:accounts.app.jetstream=Some(\"true\")",
                "16:accounts.app.users=None",
                "14:accounts.app=None",
                "13:.accounts=None",
                "6:cluster.name=Some(\"c\")",
                "7:cluster.port=Some(\"6222\")",
                "8:cluster.routes=None",
                "5:.cluster=None",
            ]
        );
    }

    #[test]
    fn odd_text_is_skipped_not_refused() {
        let weird = file("w.conf", "}}} [ unclosed\n\"quoted key\": 3\n{ x", 1);
        scan(&weird, &HashMap::new());
        let deep = file(
            "d.conf",
            &format!("{}port: 1{}", "a {".repeat(100_000), "}".repeat(100_000)),
            1,
        );
        let scanned = scan(&deep, &HashMap::new());
        assert_eq!(scanned.problem, None);
        assert!(scanned.entries.iter().all(|e| e.path.len() <= MAX_BLOCK_DEPTH));
    }

    /// Files `c0.conf`..: each sets its port and includes the next `times` times.
    fn chain(length: usize, times: usize) -> HashMap<String, WrittenFile> {
        (0..length)
            .map(|n| {
                let includes = if n + 1 < length {
                    format!("include c{}.conf\n", n + 1).repeat(times)
                } else {
                    String::new()
                };
                let name = format!("c{n}.conf");
                let text = format!("port_{n}: {n}\n{includes}");
                (name.clone(), file(&name, &text, 100 * n))
            })
            .collect()
    }

    #[test]
    fn each_file_is_read_once_however_often_it_is_included() {
        // Ten includes of the next file, eight deep: 10^7 reads without the once-only rule.
        let files = chain(8, 10);
        let scanned = scan(&files["c0.conf"], &files);
        assert_eq!(scanned.problem, None);
        let keys: Vec<&str> = scanned.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "port_0", "port_1", "port_2", "port_3", "port_4", "port_5", "port_6", "port_7"
            ]
        );
        // A cycle, and a file including itself, end too.
        let a = file("a.conf", "include b.conf\nx: 1\ninclude a.conf\n", 1);
        let b = file("b.conf", "include a.conf\ny: 2\n", 10);
        let files = HashMap::from([("a.conf".to_string(), a), ("b.conf".to_string(), b)]);
        let keys: Vec<String> = scan(&files["a.conf"], &files)
            .entries
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert_eq!(keys, ["y", "x"]);
    }

    #[test]
    fn going_past_a_bound_is_a_problem_at_the_include() {
        let files = chain(12, 1);
        let scanned = scan(&files["c0.conf"], &files);
        assert_eq!(scanned.entries.len(), MAX_INCLUDE_DEPTH + 1);
        assert_eq!(
            scanned.problem,
            Some(Problem {
                line: 801,
                message:
                    "c0.conf includes nest more than 8 deep, so nbe read it only up to the include of c9.conf"
                        .to_string()
            })
        );
        let big = file("big.conf", &"x: 1\n".repeat(MAX_READ / 5 + 1), 50);
        let main = file("main.conf", "port: 4222\ninclude big.conf\n", 1);
        let files = HashMap::from([("big.conf".to_string(), big)]);
        let scanned = scan(&main, &files);
        assert_eq!(scanned.entries.len(), 1);
        assert_eq!(scanned.problem.map(|p| (p.line, p.message)), Some((2, "main.conf includes more than 1024 KiB of configuration, so nbe read it only up to the include of big.conf".to_string())));
    }
}
