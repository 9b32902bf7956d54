//! The command line, as clap derive structs and nothing else.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::catalog::Partition;
use crate::runner::isolation::Request;

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

    /// How runs are isolated: private network and PID namespaces, or the host (one run at a time).
    #[arg(long, global = true, value_enum, default_value_t = Request::Auto, env = "NBE_ISOLATION")]
    pub isolation: Request,

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
        /// Only the examples of CI partition K of N, like 2/3.
        #[arg(long, value_name = "K/N")]
        partition: Option<Partition>,
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
    /// Brings up the loopback of a fresh network namespace, then execs the command (used by nbe itself).
    #[command(name = "__loopback-exec", hide = true)]
    LoopbackExec {
        /// The command to exec.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::duration::parse(text)
}
