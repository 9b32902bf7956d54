//! The author's loop: help that says each thing once, scaffolding a new example with `nbe new`,
//! and failure reports that point at the failing line.

use crate::harness::Repo;

#[test]
fn global_options_are_listed_once_in_the_top_level_help() {
    let repo = Repo::new();
    repo.nbe(["--help"])
        .run()
        .code(0)
        .stdout_has("Global options:")
        .stdout_has("--tools-dir")
        .stdout_has("--isolation");
    for help in [
        &["test", "--help"][..],
        &["help", "test"],
        &["run", "-h"],
        &["doctor", "--help"],
    ] {
        repo.nbe(help)
            .run()
            .code(0)
            .stdout_has("nbe --help")
            .stdout_lacks("--tools-dir")
            .stdout_lacks("--root")
            .stdout_lacks("NBE_ISOLATION");
    }
    // Still accepted after the subcommand, as before.
    let empty = tempfile::tempdir().unwrap();
    repo.nbe(["list", "--isolation", "none", "--tools-dir"])
        .args([empty.path()])
        .run()
        .code(0);
}
