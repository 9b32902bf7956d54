//! Where a report goes: stdout until its reader goes away.
//!
//! A reader that leaves early (`nbe test | head -1`, `nbe check | true`) closes the pipe, and the
//! next write fails with a broken pipe. For a command with a verdict that ends the report, never the
//! command: the clients still run (and `record` still writes), and the exit status is the one the
//! verdict gives. So [`UntilGone`] drops what no one reads and tells the reporter it went well.

use std::io::{ErrorKind, Result, Write};

/// A writer that discards everything once its reader has gone; other write errors stay errors.
#[derive(Debug)]
pub struct UntilGone<W: Write> {
    out: W,
    gone: bool,
}

impl<W: Write> UntilGone<W> {
    /// Writes to `out` while someone reads it.
    pub fn new(out: W) -> Self {
        Self { out, gone: false }
    }

    /// What a write did, with a broken pipe read as the end of the output.
    fn unless_gone<T>(&mut self, result: Result<T>, done: T) -> Result<T> {
        match result {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for UntilGone<W> {
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        if self.gone {
            return Ok(buf.len());
        }
        let written = self.out.write(buf);
        self.unless_gone(written, buf.len())
    }

    fn flush(&mut self) -> Result<()> {
        if self.gone {
            return Ok(());
        }
        let flushed = self.out.flush();
        self.unless_gone(flushed, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader left after `room` bytes.
    struct Pipe {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(ErrorKind::BrokenPipe.into());
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_the_output_without_an_error() {
        let mut out = UntilGone::new(Pipe {
            room: 6,
            written: Vec::new(),
        });
        out.write_all(b"first\n").unwrap();
        out.write_all(b"second\n").unwrap();
        out.flush().unwrap();
        out.write_all(b"third\n").unwrap();
        assert!(out.gone);
        assert_eq!(out.out.written, b"first\n");
    }

    #[test]
    fn other_errors_stay_errors() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> Result<usize> {
                Err(ErrorKind::StorageFull.into())
            }
            fn flush(&mut self) -> Result<()> {
                Ok(())
            }
        }
        let mut out = UntilGone::new(Full);
        assert_eq!(out.write_all(b"x").unwrap_err().kind(), ErrorKind::StorageFull);
    }
}
