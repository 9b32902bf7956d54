//! The one error type of nbe. Messages read well after "nbe: ".

use std::path::PathBuf;

/// A position in a file the user wrote, shown as `file:line:column`; ordered by file, then position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// One-based line, when known.
    pub line: Option<usize>,
    /// One-based column, when known.
    pub column: Option<usize>,
}

impl Location {
    /// A location at a line and column of `path`.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Self {
            path: path.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// A location naming a whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            line: None,
            column: None,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Everything that stops nbe from doing what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A catalog file is malformed or refers to something that does not exist.
    #[error("{location}: {message}")]
    Catalog {
        /// Where the problem is.
        location: Location,
        /// What is wrong and what to do about it.
        message: String,
    },
    /// No `examples/` directory was found.
    #[error(
        "no examples directory found in {searched} or any parent; run nbe inside an examples repository or pass --root DIR"
    )]
    NoRoot {
        /// Where the search started.
        searched: PathBuf,
    },
    /// A tool nbe needs is not installed.
    #[error("{tool} not found (looked in {looked}); install it with:\n    {install}")]
    ToolMissing {
        /// The tool's name.
        tool: String,
        /// Where nbe looked.
        looked: String,
        /// The exact command that installs it.
        install: String,
    },
    /// An output directory holds files nbe did not write, so nbe will not replace it.
    #[error(
        "refusing to replace {dir}: {why}; nbe only replaces directories it wrote (they hold a .nbe-site marker), so pass --output with a new or empty directory, or move that directory away yourself"
    )]
    NotOurs {
        /// The directory.
        dir: PathBuf,
        /// Why it is not nbe's to replace.
        why: String,
    },
    /// A snapshot file cannot be read as one.
    #[error("{location}: malformed snapshot: {reason}")]
    CorruptSnapshot {
        /// The file, at the line of the problem when known.
        location: Location,
        /// What is wrong with it, as the snapshot reader tells it.
        reason: String,
    },
    /// An example needs a port that a process of the host already listens on (runs without namespaces).
    #[error(
        "{label} uses port {port}, which {owner} already listens on; stop it, or run with --isolation namespace where the machine allows it"
    )]
    PortInUse {
        /// The client, `category/example/client`.
        label: String,
        /// The port.
        port: u16,
        /// Who listens on it, like `nats-server (pid 123)`.
        owner: String,
    },
    /// A run was asked to start an empty command.
    #[error("empty command")]
    EmptyCommand,
    /// The command line is inconsistent, or names no example or client (the message suggests some).
    #[error("{0}")]
    Usage(String),
    /// The reader of a listing on stdout went away (`nbe list | head -1`); nbe ends quietly with 0.
    /// Commands with a verdict never stop for this (see [`crate::report::out`]).
    #[error("the reader of stdout went away")]
    ReaderGone,
    /// nbe was interrupted (Ctrl-C, SIGTERM) and stopped what it had started; ends with 130.
    #[error("interrupted; stopped every process nbe started")]
    Interrupted,
    /// An operating-system call failed.
    #[error("{context}: {source}")]
    Io {
        /// What nbe was doing.
        context: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl Error {
    /// Wraps an I/O error with what nbe was doing when it happened.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// A catalog error at `location`.
    pub fn catalog(location: Location, message: impl Into<String>) -> Self {
        Self::Catalog {
            location,
            message: message.into(),
        }
    }
}

/// Shorthand used throughout nbe.
pub type Result<T, E = Error> = std::result::Result<T, E>;
