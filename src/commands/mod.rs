//! One module per subcommand, each wiring only: it takes resolved values and returns nbe's exit code.
//!
//! [`dispatch`] is where the raw command line becomes resolved configuration, once: the global
//! flags into a [`Config`](crate::config::Config) (or, for `doctor`, the [`Globals`] it reports on), run and report flags
//! into [`RunOptions`] and [`ReportSettings`](crate::config::ReportSettings).

mod accept;
mod build;
mod check;
mod doctor;
mod install_tools;
mod lint;
mod list;
mod new;
mod normalize;
mod record;
mod review;
mod run;
mod serve;
mod set_versions;
mod test;

use crate::cli::{Cli, Command};
use crate::config::{self, Globals, RunFlags};
use crate::error::{Error, Result};
use crate::suite::RunOptions;

/// The error for a failed write of a listing to stdout; a closed pipe (`nbe list | head`) is
/// [`Error::ReaderGone`], which ends nbe quietly (see [`crate::run`]).
pub(crate) fn stdout_failed(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::ReaderGone;
    }
    Error::io("failed to write to stdout", e)
}

/// Warns about every part of the catalog that did not load: `list` and `build` show the rest.
pub(crate) fn warn_problems(catalog: &crate::catalog::Catalog) {
    for problem in &catalog.problems {
        eprintln!("nbe: warning: {} left out: {}", problem.path, problem.error());
    }
}

/// Warns about each example of `selected` its category does not list: it runs all the same.
pub(crate) fn warn_unlisted(catalog: &crate::catalog::Catalog, selected: &[crate::catalog::Selected]) {
    for warning in catalog.unlisted_in(selected) {
        eprintln!("nbe: warning: {warning}");
    }
}

/// Runs the command line and returns the exit code.
pub fn dispatch(cli: Cli) -> Result<i32> {
    let globals = Globals::from(&cli);
    let config = || globals.resolve();
    match cli.command {
        Command::List {
            prefix,
            json,
            partition,
        } => list::list(&config()?, prefix.as_deref(), json, partition),
        Command::Run { path, timeout, keep } => {
            let flags = RunFlags {
                timeout,
                jobs: None,
                partition: None,
                keep,
            };
            run::run(&config()?, &path, &flags)
        }
        Command::Test {
            prefixes,
            run,
            update,
            repeat,
            unreferenced,
            stress,
            seed,
            server_version,
            cli_version,
            client,
            save,
            report,
        } => {
            let config = config()?;
            let update = config::UpdateChoice::from(update).resolve(config::on_ci());
            let versions = config::VersionsRequest::parse(&server_version, &cli_version, &client)?;
            if save && versions.is_empty() {
                return Err(crate::error::Error::Usage(
                    "--save keeps the results of a version matrix: add the versions to run on, like --server-version v2.15.2,v2.11.11 (or --cli-version, --client KIND=VERSION)".into(),
                ));
            }
            let options = test::TestOptions {
                versions,
                save,
                // A pending snapshot keeps its run's recording beside it, and accepting it makes
                // that the client's recording: it is attributed to steps as `nbe record`'s is.
                run: RunOptions {
                    attribute: update == config::UpdateMode::New,
                    ..RunOptions::resolve(&config, &run.into())?
                },
                update,
                repeat,
                unreferenced: unreferenced.into(),
                stress: stress.then(|| seed.unwrap_or_else(crate::suite::stress::new_seed)),
            };
            test::test(&config, &prefixes, &options, &report.into())
        }
        Command::Record {
            prefixes,
            all,
            force,
            adopt,
            accept_changes,
            run,
            report,
        } => {
            let config = config()?;
            let options = RunOptions {
                attribute: true,
                ..RunOptions::resolve(&config, &run.into())?
            };
            let adopt = adopt.then_some(crate::suite::update::Adopt { accept_changes });
            let record_options = record::RecordOptions { all, force, adopt };
            record::record(&config, &prefixes, &options, record_options, &report.into())
        }
        Command::SetVersions {
            prefixes,
            server,
            cli,
            client,
            no_test,
            run,
            report,
        } => {
            let config = config()?;
            let request = config::VersionsRequest::parse(server.as_slice(), cli.as_slice(), &client)?;
            let options = RunOptions::resolve(&config, &run.into())?;
            set_versions::set_versions(&config, &request, &prefixes, &options, no_test, &report.into())
        }
        Command::Check {
            prefixes,
            unreferenced,
            report,
        } => check::check(&config()?, &prefixes, unreferenced.into(), &report.into()),
        Command::Lint {
            prefixes,
            format,
            color,
            deny,
        } => lint::lint(&config()?, &prefixes, format.into(), color.into(), deny.is_some()),
        Command::Review { prefixes, color } => review::review(&config()?, &prefixes, color.into()),
        Command::Accept { prefixes } => accept::settle(&config()?, &prefixes, true),
        Command::Reject { prefixes } => accept::settle(&config()?, &prefixes, false),
        Command::Build { output } => build::build(&config()?, output.as_deref()),
        Command::Serve { addr, poll } => serve::serve(&config()?, &addr, poll),
        Command::Doctor => doctor::doctor(&globals),
        Command::InstallTools { into } => install_tools::install_tools(&globals, into.as_deref()),
        Command::New {
            path,
            kind,
            create_category,
        } => new::new(
            &config()?,
            &crate::scaffold::Request {
                path: &path,
                kinds: &kind,
                create_category,
            },
        ),
        Command::Normalize {
            file,
            explain,
            example,
        } => {
            let config = example.as_ref().map(|_| config()).transpose()?;
            normalize::normalize(config.as_ref(), file.as_deref(), explain, example.as_deref())
        }
        Command::Init {
            loopback,
            private_tmp,
            read_only,
            writable,
            hide,
            keep,
            command,
        } => crate::runner::init::init(
            crate::runner::init::Setup {
                loopback,
                private_tmp: private_tmp.as_deref(),
                read_only,
                writable: &writable,
                hide: hide.as_deref(),
                keep: &keep,
            },
            &command,
        ),
        Command::Fixture {
            server,
            dir,
            ports,
            command,
        } => crate::runner::fixture::exec(&server, &dir, &ports, &command),
    }
}
