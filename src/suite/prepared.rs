//! The process set-up running needs, as a value: without a [`Prepared`] no client can be run.

use crate::error::{Error, Result};
use crate::runner;

/// Proof that this process adopts orphaned grandchildren (so the runner can end them) and stops
/// cleanly on Ctrl-C. Only [`Prepared::process`] makes one, and every run takes it.
#[derive(Debug)]
pub struct Prepared {
    _private: (),
}

impl Prepared {
    /// Makes nbe a child subreaper and installs the SIGINT and SIGTERM handlers (once per process).
    pub fn process() -> Result<Self> {
        runner::reaper::become_subreaper().map_err(|e| Error::io("failed to become a child subreaper", e))?;
        runner::install_interrupt_handler().map_err(|e| Error::io("failed to install signal handlers", e))?;
        Ok(Self { _private: () })
    }
}
