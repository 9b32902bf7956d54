//! Reading the programs of the catalog: which bytes are prose and which are code.
//!
//! - [`syntax`] parses a program with a real grammar (syntect, the syntax set `bat` ships);
//! - [`split`] cuts it into prose (its comments, as Markdown) and the code they describe;
//! - [`memo`] keeps [`split::code`]'s and [`syntax::Syntax::parse`]'s answers on disk, per program
//!   text and nbe build.
//!
//! Two readers share the one split, so they can never disagree about what a comment is: the docs
//! site shows the prose beside the code, and the staleness hash of a recording
//! ([`crate::snapshot::files_hash`]) covers only the code ([`split::code`]), so editing prose
//! never makes a recording stale.

pub mod memo;
pub mod split;
pub mod syntax;
