//! nbe's integration tests: the real `nbe` binary against real `nats-server` and `nats`.
//!
//! Tests read like specifications through the one small fluent harness in [`harness`]: build a
//! throwaway examples repository with [`harness::Repo`], run `nbe` in it (to completion, or left
//! running to act on), and assert on the [`harness::Outcome`].

mod adopt;
mod author;
mod clients;
mod compat;
mod contain;
mod failures;
mod harness;
mod isolation;
mod lint;
mod matrix;
mod migrate;
mod normalize;
mod record;
mod regress;
mod run;
mod safety;
mod site;
mod steps;
mod tools;
mod verdicts;
mod verified;
mod workflow;
