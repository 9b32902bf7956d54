//! nbe's integration tests: the real `nbe` binary against real `nats-server` and `nats`.
//!
//! Tests read like specifications through a small fluent harness: build a throwaway examples
//! repository with [`Repo`], run `nbe` in it, and assert on the [`Outcome`].

mod harness;
mod isolation;
mod normalize;
mod regress;
mod run;
mod site;
