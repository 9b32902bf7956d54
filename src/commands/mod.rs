//! One module per subcommand; each takes resolved values and returns nbe's exit code.

mod doctor;
mod list;
mod normalize;
mod run;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::error::Result;

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
    }
}
