//! One module per subcommand; each takes resolved values and returns nbe's exit code.

mod accept;
mod build;
mod check;
mod doctor;
mod list;
mod normalize;
mod record;
mod regress;
mod review;
mod run;
mod serve;
mod test;

use crate::cli::{Cli, Command};
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::execute::RunOptions;

/// The error for a failed write to stdout; a closed pipe (`nbe list | head`) ends nbe quietly
/// (see [`crate::run`]).
pub(crate) fn stdout_failed(e: std::io::Error) -> Error {
    Error::io("failed to write to stdout", e)
}

/// Warns about every part of the catalog that did not load: `list` and `build` show the rest.
pub(crate) fn warn_problems(catalog: &crate::catalog::Catalog) {
    for problem in &catalog.problems {
        eprintln!("nbe: warning: {} left out: {}", problem.path, problem.error());
    }
}

/// Runs the command line and returns the exit code.
pub fn dispatch(cli: Cli) -> Result<i32> {
    let config = || Config::resolve(cli.root.as_deref(), cli.tools_dir.clone(), cli.isolation);
    match cli.command {
        Command::List {
            prefix,
            json,
            partition,
        } => list::list(&config()?, prefix.as_deref(), json, partition),
        Command::Run { path, timeout, keep } => run::run(&config()?, &path, timeout, keep),
        Command::Test {
            prefixes,
            run,
            update,
            repeat,
            unreferenced,
            report,
        } => {
            let config = config()?;
            let options = test::TestOptions {
                run: RunOptions::resolve(&config, &run)?,
                update: update.resolve(config::on_ci()),
                repeat,
                unreferenced,
            };
            test::test(&config, &prefixes, &options, &report)
        }
        Command::Record {
            prefixes,
            run,
            report,
        } => {
            let config = config()?;
            let options = RunOptions::resolve(&config, &run)?;
            record::record(&config, &prefixes, &options, &report)
        }
        Command::Check {
            prefixes,
            unreferenced,
            report,
        } => check::check(&config()?, &prefixes, unreferenced, &report),
        Command::Review { prefixes, color } => review::review(&config()?, &prefixes, color),
        Command::Accept { prefixes } => accept::settle(&config()?, &prefixes, true),
        Command::Reject { prefixes } => accept::settle(&config()?, &prefixes, false),
        Command::Build { output } => build::build(&config()?, output.as_deref()),
        Command::Serve { addr } => serve::serve(&config()?, &addr),
        Command::Doctor => doctor::doctor(cli.root.as_deref(), cli.tools_dir.clone(), cli.isolation),
        Command::Normalize {
            file,
            explain,
            example,
        } => {
            let config = example.as_ref().map(|_| config()).transpose()?;
            normalize::normalize(config.as_ref(), file.as_deref(), explain, example.as_deref())
        }
        Command::LoopbackExec { command } => Err(crate::runner::isolation::loopback_exec(&command)),
        Command::Fixture {
            server,
            dir,
            ports,
            command,
        } => crate::runner::fixture::exec(&server, &dir, &ports, &command),
    }
}
