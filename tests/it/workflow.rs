//! The GitHub Actions workflow runs the nbe commands README.md documents for CI, and nbe takes them.
//!
//! The workflow cannot run here (`make lint` checks its form with actionlint); this keeps what it
//! runs and what the README tells a maintainer to run from drifting apart.

use std::collections::BTreeMap;

use crate::harness::{nbe_outside_a_repo, project_root};

#[derive(serde::Deserialize)]
struct Workflow {
    jobs: BTreeMap<String, Job>,
}

#[derive(serde::Deserialize)]
struct Job {
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(serde::Deserialize)]
struct Step {
    run: Option<String>,
}

/// Every nbe command the workflow runs, without the binary's path, the matrix's partition as `K/N`.
fn workflow_commands() -> Vec<String> {
    let text = std::fs::read_to_string(project_root().join(".github/workflows/examples.yml")).unwrap();
    let workflow: Workflow = serde_saphyr::from_str(&text).unwrap();
    let mut commands: Vec<String> = workflow
        .jobs
        .values()
        .flat_map(|job| &job.steps)
        .filter_map(|step| step.run.as_deref())
        .flat_map(str::lines)
        .filter_map(|line| line.trim().strip_prefix("target/debug/nbe "))
        .map(|command| command.replace("${{ matrix.partition }}", "K/N"))
        .collect();
    commands.sort();
    commands
}

/// The commands in the first `sh` block of README.md's CI section, without `nbe ` and comments.
fn readme_commands() -> Vec<String> {
    let text = std::fs::read_to_string(project_root().join("README.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|section| section.starts_with("Spreading a large catalog over CI machines"))
        .expect("README.md has the section \"Spreading a large catalog over CI machines\"");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the CI section has an sh block of commands");
    let mut commands: Vec<String> = block
        .lines()
        .map(|line| line.split(" # ").next().unwrap().trim())
        .filter(|line| !line.is_empty())
        .map(|line| {
            line.strip_prefix("nbe ")
                .unwrap_or_else(|| panic!("not an nbe command: {line}"))
                .to_string()
        })
        .collect();
    commands.sort();
    commands
}

#[test]
fn the_workflow_runs_the_commands_the_readme_documents() {
    let commands = workflow_commands();
    assert_eq!(commands, readme_commands());
    for needed in ["test --partition K/N", "lint", "check", "build", "install-tools"] {
        assert!(
            commands.iter().any(|command| command.starts_with(needed)),
            "the workflow runs no `nbe {needed}`: {commands:?}"
        );
    }
    // And nbe knows each subcommand and flag the workflow uses.
    let nowhere = tempfile::tempdir().unwrap();
    for command in &commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let help = nbe_outside_a_repo(nowhere.path())
            .args([words[0], "--help"])
            .run()
            .code(0);
        for flag in words.iter().filter(|word| word.starts_with("--")) {
            assert!(
                help.stdout.contains(&format!("{flag} ")),
                "`nbe {}` takes no {flag}:\n{}",
                words[0],
                help.stdout
            );
        }
    }
}
