//! One module per subcommand; each takes resolved values and returns nbe's exit code.

mod build;
mod doctor;
mod list;
mod normalize;
mod run;
mod serve;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::error::Result;

/// Runs the command line and returns the exit code.
pub fn dispatch(cli: Cli) -> Result<i32> {
    let config = || Config::resolve(cli.root.as_deref(), cli.tools_dir.clone());
    match cli.command {
        Command::List { prefix, json } => list::list(&config()?, prefix.as_deref(), json),
        Command::Run { path, timeout, keep } => run::run(&config()?, &path, timeout, keep),
        Command::Build { output } => build::build(&config()?, output.as_deref()),
        Command::Serve { addr } => serve::serve(&config()?, &addr),
        Command::Doctor => doctor::doctor(cli.root.as_deref(), cli.tools_dir.clone()),
        Command::Normalize {
            file,
            explain,
            example,
        } => {
            let config = example.as_ref().map(|_| config()).transpose()?;
            normalize::normalize(config.as_ref(), file.as_deref(), explain, example.as_deref())
        }
    }
}
