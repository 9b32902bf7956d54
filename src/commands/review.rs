//! `nbe review`: show each pending snapshot's diff and ask what to do with it.
//!
//! Answers are read line by line from stdin, so a script (or a test) can answer too.

use std::io::{BufRead, IsTerminal, Write};

use crate::catalog::Catalog;
use crate::config::{ColorChoice, Config};
use crate::error::{Error, Result};
use crate::exit;
use crate::recording;
use crate::report::diff;
use crate::report::human::Style;
use crate::snapshot::{self, Snapshot};

/// Reviews the pending snapshots under `prefixes`.
pub fn review(config: &Config, prefixes: &[String], color: ColorChoice) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let pending = snapshot::pending(&catalog.root, &catalog.select(prefixes)?);
    let style = Style::new(color.enabled(std::io::stdout().is_terminal()));
    // Answers typed on a terminal echo themselves; piped ones are echoed so the transcript reads well.
    let echo = !std::io::stdin().is_terminal();
    let mut answers = std::io::stdin().lock().lines();
    let mut out = std::io::stdout().lock();
    let write_failed = super::stdout_failed;
    let (mut accepted, mut rejected, mut skipped) = (0, 0, 0);
    for (index, (path, file)) in pending.iter().enumerate() {
        let snap = snapshot::path(&catalog.root, path);
        let old = Snapshot::read(&snap)?.map(|s| s.body);
        let new = Snapshot::read(file)?.map(|s| s.body).unwrap_or_default();
        let shown = |p: &std::path::Path| p.strip_prefix(&catalog.root).unwrap_or(p).display().to_string();
        let title = if old.is_some() {
            "changed snapshot"
        } else {
            "new snapshot"
        };
        let text = diff(old.as_deref().unwrap_or(""), &new, &shown(&snap), &shown(file));
        write!(
            out,
            "\n{path} ({title}, {} of {})\n{}",
            index + 1,
            pending.len(),
            style.diff(&text)
        )
        .map_err(write_failed)?;
        loop {
            write!(out, "accept (a), reject (r) or skip (s)? ").map_err(write_failed)?;
            out.flush().map_err(write_failed)?;
            let Some(answer) = answers.next() else {
                // stdin ended: leave this and the remaining snapshots pending.
                writeln!(out).map_err(write_failed)?;
                skipped += pending.len() - index;
                writeln!(out, "{accepted} accepted, {rejected} rejected, {skipped} skipped")
                    .map_err(write_failed)?;
                return Ok(exit::SUCCESS);
            };
            let answer = answer.map_err(|e| Error::io("failed to read stdin", e))?;
            if echo {
                writeln!(out, "{answer}").map_err(write_failed)?;
            }
            match answer.trim() {
                "a" | "accept" => {
                    if !recording::accept_pending(catalog.client(path)?.client, file)? {
                        writeln!(
                            out,
                            "{path} came without its run's output.txt and output.cast: run `nbe record {path}` so that `nbe check` agrees"
                        )
                        .map_err(write_failed)?;
                    }
                    accepted += 1;
                }
                "r" | "reject" => {
                    recording::remove_pending(file)?;
                    rejected += 1;
                }
                "s" | "skip" => skipped += 1,
                _ => continue,
            }
            break;
        }
    }
    if pending.is_empty() {
        writeln!(out, "no pending snapshots").map_err(write_failed)?;
    }
    writeln!(out, "{accepted} accepted, {rejected} rejected, {skipped} skipped").map_err(write_failed)?;
    Ok(exit::SUCCESS)
}
