//! Exit codes: the contract between nbe and the shells and CI systems that call it.

/// Everything that was asked for succeeded.
pub const SUCCESS: i32 = 0;
/// At least one example failed, mismatched its snapshot, was stale (`test`, `check`) or is new with
/// no accepted snapshot yet (`test`).
pub const FAILURE: i32 = 1;
/// The command line, the catalog or the machine is wrong: nothing meaningful could be run.
pub const USAGE: i32 = 2;
/// An example ran longer than its timeout and was stopped (the value `timeout(1)` uses).
pub const TIMEOUT: i32 = 124;
/// nbe was interrupted by Ctrl-C or SIGTERM and stopped everything it had started (128 + SIGINT).
pub const INTERRUPTED: i32 = 130;
