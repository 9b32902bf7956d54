//! The command line, as clap derive structs and nothing else.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// Runs, tests, records and publishes NATS documentation examples against the real nats-server and nats.
#[derive(Debug, Parser)]
#[command(name = "nbe", version, about, max_term_width = 100)]
pub struct Cli {
    /// The examples repository (default: $NBE_ROOT, else the nearest ancestor holding examples/).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Where nats-server and nats are (default: $NBE_TOOLS_DIR, else ROOT/.tools/bin, else PATH).
    #[arg(long, global = true, value_name = "DIR")]
    pub tools_dir: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List categories, examples and clients with their titles.
    List {
        /// Only what is under this path, like `topologies`.
        prefix: Option<String>,
        /// Print JSON for machines.
        #[arg(long)]
        json: bool,
    },
    /// Run one client in a fresh temp dir and stop everything it started.
    ///
    /// Exit status: the example's own; 124 on timeout; 130 when interrupted; 2 on usage or setup errors.
    Run {
        /// `category/example[/client]`; without a client: the only one, else `cli`.
        path: String,
        /// Stop the example after this long, like 90s or 2m (meta.yaml `timeout:` overrides).
        #[arg(long, value_parser = parse_duration, default_value = "120s")]
        timeout: Duration,
        /// Keep the temp dir and print its path.
        #[arg(long)]
        keep: bool,
    },
    /// Write the docs site: a page per category, example and client, with output and recording.
    ///
    /// Only a directory that nbe wrote before (it holds a `.nbe-site` marker) is ever replaced.
    Build {
        /// Where to write the site (default: ROOT/site).
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Preview the docs site on this machine; rebuilds and reloads the browser when examples change.
    Serve {
        /// Where to listen; loopback addresses only (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:8000", value_name = "ADDR")]
        addr: String,
    },
    /// Show which tools and toolchains nbe finds, and how to install missing ones.
    Doctor,
    /// Normalize raw example output (a file, or stdin) and print it.
    Normalize {
        /// The raw output; `-` or nothing for stdin.
        file: Option<PathBuf>,
        /// Tell on stderr which rule changed which line.
        #[arg(long)]
        explain: bool,
        /// Apply this example's `normalize:` overrides too, like `topologies/supercluster-arbiter`.
        #[arg(long, value_name = "PATH")]
        example: Option<String>,
    },
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::duration::parse(text)
}
