//! nbe runs, tests, records and publishes NATS documentation examples.
//!
//! What flows through it:
//!
//! ```text
//! examples/ tree -> catalog -> sandbox run -> capture -> normalize -> compare -> report
//! ```
//!
//! - [`catalog`] discovers and validates categories, examples and clients;
//! - [`runner`] runs one client in a sandbox and ends every process it started;
//! - [`normalize`] turns raw output into text that is stable across runs;
//! - [`verdict`] judges a run against what its example declares;
//! - [`snapshot`] reads and writes the insta-format baselines, [`record`] the recordings;
//! - [`report`] presents outcomes to people, machines and CI; [`check`] verifies without running;
//! - [`execute`] runs many clients with shared options on a worker pool;
//! - [`site`] renders the catalog and its recordings as a static docs site;
//! - [`commands`] wires them into the subcommands of the command line ([`cli`]).

pub mod atomic;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod duration;
pub mod error;
pub mod exit;
pub mod normalize;
pub mod recording;
pub mod report;
pub mod runner;
pub mod site;
pub mod snapshot;
pub mod suite;

pub use error::{Error, Result};

/// Runs a parsed command line and returns the process exit code; errors are printed here.
pub fn run(cli: cli::Cli) -> i32 {
    match commands::dispatch(cli) {
        Ok(code) => code,
        // The reader of stdout went away (`nbe list | head -1`): nothing is left to tell it.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => exit::SUCCESS,
        Err(err) => {
            eprintln!("nbe: {err}");
            exit::USAGE
        }
    }
}
