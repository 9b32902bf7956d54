//! nbe runs, tests, records and publishes NATS documentation examples.
//!
//! What flows through it (docs/ARCHITECTURE.md draws it larger):
//!
//! ```text
//! cli -> config -> commands --+--> suite (test, record) --------------------------------> report
//!   raw flags   resolved     |     run (runner) -> judge (verdict) -> normalize -> compare
//!               once         |                                                  (snapshot, update)
//!                            +--> check: recordings -> verdict -------------------------> report
//!                            +--> site: catalog + recordings + verdicts -> static HTML
//! catalog (examples/ tree, each example's compiled error lines and normalizer) feeds them all.
//! ```
//!
//! - [`cli`] parses the command line (the only module that knows clap); [`config`] holds the
//!   flags resolved once; [`commands`] wires each subcommand and nothing more;
//! - [`catalog`] discovers and validates categories, examples and clients, compiling what they declare;
//! - [`suite`] is the pipeline of `test` and `record`: one function runs, judges, normalizes and
//!   compares a client; its worker pool runs the longest first; [`suite::verdict`] is the one word
//!   for judging a client, from a run or from its recording (`nbe check`, the site's badge);
//!   [`suite::matrix`] runs the same clients on other versions (`nbe test --server-version`);
//! - [`runner`] runs one client in a sandbox and ends every process it started;
//! - [`normalize`] turns raw output into text that is stable across runs;
//! - [`snapshot`] reads and writes the insta-format baselines and hashes what a run depends on
//!   (no processes); [`program`] tells a program's prose from its code, for the site and that hash;
//!   [`recording`] owns `output.txt` and the asciicast format; [`atomic`] writes every file and
//!   [`lock`] keeps two nbe processes from writing one client at once; [`verified`] owns each
//!   example's saved matrix results (`nbe test --server-version A,B --save`);
//! - [`report`] holds the outcomes and the sentences for how a run ended, fans events out to the
//!   reporters and decides the exit code ([`exit`]);
//! - [`site`] renders the catalog and its recordings as a static docs site;
//! - [`scaffold`] starts a new example from the kinds' templates (`nbe new`).
//! - [`lint`] finds what is wrong with examples without running them (`nbe lint`).

pub mod atomic;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod duration;
pub mod error;
pub mod exit;
pub mod lint;
pub mod lock;
pub mod normalize;
pub mod program;
pub mod recording;
pub mod report;
pub mod runner;
pub mod scaffold;
pub mod site;
pub mod snapshot;
pub mod suite;
pub mod verified;

pub use error::{Error, Result};

/// Runs a parsed command line and returns the process exit code; errors are printed here.
pub fn run(cli: cli::Cli) -> i32 {
    match commands::dispatch(cli) {
        Ok(code) => code,
        // The reader of a listing went away (`nbe list | head -1`): nothing is left to tell it.
        // `test`, `record` and `check` never get here for that: their verdict is the exit status.
        Err(Error::ReaderGone) => exit::SUCCESS,
        // Ctrl-C during a build: the same status as during a run.
        Err(err @ Error::Interrupted) => {
            eprintln!("nbe: {err}");
            exit::INTERRUPTED
        }
        Err(err) => {
            eprintln!("nbe: {err}");
            exit::USAGE
        }
    }
}
