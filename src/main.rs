//! The `nbe` binary: parse the command line, run, exit with the documented code.

use clap::Parser;

fn main() {
    let cli = nbe::cli::Cli::parse();
    std::process::exit(nbe::run(cli));
}
