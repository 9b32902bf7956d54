//! The `nbe` binary: parse the command line, run, exit with the documented code.

fn main() {
    let cli = nbe::cli::Cli::parse();
    std::process::exit(nbe::run(cli));
}
