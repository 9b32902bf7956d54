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

use std::collections::HashMap;

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
const MAX_INCLUDES: usize = 8;

/// The entries of `file`, with the `include`d files of `files` read in place.
pub fn scan(file: &WrittenFile, files: &HashMap<String, WrittenFile>) -> Vec<Entry> {
    let mut entries = Vec::new();
    Scanner {
        chars: file.text.chars().collect(),
        at: 0,
        line: file.first_line,
        files,
        depth: 0,
    }
    .map(&mut Vec::new(), &mut entries);
    entries
}

struct Scanner<'a> {
    chars: Vec<char>,
    at: usize,
    line: usize,
    files: &'a HashMap<String, WrittenFile>,
    depth: usize,
}

impl Scanner<'_> {
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
    fn map(&mut self, path: &mut Vec<String>, entries: &mut Vec<Entry>) {
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
                    self.value(path, "", entries);
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
                self.include(&name, path, entries);
                continue;
            }
            if key.is_empty() {
                self.bump();
                continue;
            }
            let value = self.value(path, &key, entries);
            entries.push(Entry {
                path: path.clone(),
                key,
                value,
                line,
            });
        }
    }

    /// Reads a value: a block (its entries go to `entries`), a list (skipped) or plain text.
    fn value(&mut self, path: &mut Vec<String>, key: &str, entries: &mut Vec<Entry>) -> Option<String> {
        match self.peek() {
            Some('{') => {
                self.bump();
                path.push(key.to_string());
                self.map(path, entries);
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

    fn include(&mut self, name: &str, path: &mut Vec<String>, entries: &mut Vec<Entry>) {
        let name = name.trim_start_matches("./");
        let Some(file) = self.files.get(name) else {
            return;
        };
        if self.depth >= MAX_INCLUDES {
            return;
        }
        let mut nested = Scanner {
            chars: file.text.chars().collect(),
            at: 0,
            line: file.first_line,
            files: self.files,
            depth: self.depth + 1,
        };
        nested.map(path, entries);
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
        let entries = scan(&main, &files);
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
    }
}
