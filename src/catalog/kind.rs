//! Client kinds: the languages an example can be written in, in the order the docs site shows them.

/// A client language. The directory of a client is named after its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClientKind {
    /// The `nats` command line, driven by a bash script.
    Cli,
    /// A plain shell script.
    Shell,
    /// Go.
    Go,
    /// Python.
    Python,
    /// JavaScript (Node.js).
    JavaScript,
    /// Rust.
    Rust,
    /// C#.
    CSharp,
    /// Java.
    Java,
    /// Ruby.
    Ruby,
    /// Elixir.
    Elixir,
    /// Crystal.
    Crystal,
    /// C.
    C,
}

impl ClientKind {
    /// Every kind, in display order.
    pub const ALL: [ClientKind; 12] = [
        Self::Cli,
        Self::Shell,
        Self::Go,
        Self::Python,
        Self::JavaScript,
        Self::Rust,
        Self::CSharp,
        Self::Java,
        Self::Ruby,
        Self::Elixir,
        Self::Crystal,
        Self::C,
    ];

    /// The directory name of a client of this kind.
    pub fn dir_name(self) -> &'static str {
        match self {
            Self::Cli => "cli",
            Self::Shell => "shell",
            Self::Go => "go",
            Self::Python => "python",
            Self::JavaScript => "javascript",
            Self::Rust => "rust",
            Self::CSharp => "csharp",
            Self::Java => "java",
            Self::Ruby => "ruby",
            Self::Elixir => "elixir",
            Self::Crystal => "crystal",
            Self::C => "c",
        }
    }

    /// The human label, as on a language tab.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cli => "CLI",
            Self::Shell => "Shell",
            Self::Go => "Go",
            Self::Python => "Python",
            Self::JavaScript => "JavaScript",
            Self::Rust => "Rust",
            Self::CSharp => "C#",
            Self::Java => "Java",
            Self::Ruby => "Ruby",
            Self::Elixir => "Elixir",
            Self::Crystal => "Crystal",
            Self::C => "C",
        }
    }

    /// The file name of the program of a client of this kind.
    pub fn main_file(self) -> &'static str {
        match self {
            Self::Cli | Self::Shell => "main.sh",
            Self::Go => "main.go",
            Self::Python => "main.py",
            Self::JavaScript => "main.js",
            Self::Rust => "main.rs",
            Self::CSharp => "main.cs",
            Self::Java => "main.java",
            Self::Ruby => "main.rb",
            Self::Elixir => "main.exs",
            Self::Crystal => "main.cr",
            Self::C => "main.c",
        }
    }

    /// The command that runs the main file in its working directory, when nbe knows how to run this kind.
    pub fn command(self) -> Option<&'static [&'static str]> {
        match self {
            Self::Cli | Self::Shell => Some(&["bash", "main.sh"]),
            _ => None,
        }
    }

    /// The kind whose directory is called `name`.
    pub fn from_dir_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.dir_name() == name)
    }
}

impl std::fmt::Display for ClientKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.dir_name())
    }
}
