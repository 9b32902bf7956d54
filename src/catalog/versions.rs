//! Versions: what an example's `versions:` in `meta.yaml` requires, and reading version numbers.
//!
//! An example can say which releases it works with, as semver requirements per component:
//! `versions: { server: ">=2.11.0", cli: ">=0.2.0", go: ">=1.40.0" }`. `server` is nats-server,
//! `cli` is natscli, and a kind's name is that kind's client library (the one `clients/kinds.toml`
//! names in its `library`). A run on versions outside the requirement skips the client with the
//! reason, whether the versions are the pinned ones or a matrix's (`nbe test --server-version`).

use std::fmt;

use semver::{Version, VersionReq};

use super::Kind;

/// What a version belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    /// nats-server.
    Server,
    /// natscli (`nats`).
    Cli,
    /// The client library of a kind.
    Library(Kind),
}

impl Component {
    /// The component a `versions:` key names: `server`, `cli`, or a kind with a client library.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "server" => Some(Self::Server),
            "cli" => Some(Self::Cli),
            kind => Kind::from_dir_name(kind)
                .filter(|kind| kind.spec().library.is_some())
                .map(Self::Library),
        }
    }

    /// Its `versions:` key.
    pub fn key(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Cli => "cli",
            Self::Library(kind) => kind.name(),
        }
    }

    /// The keys `versions:` accepts, for error messages.
    pub fn valid_keys() -> String {
        let kinds = Kind::all()
            .filter(|kind| kind.spec().library.is_some())
            .map(Kind::name);
        ["server", "cli"]
            .into_iter()
            .chain(kinds)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Server => f.write_str("nats-server"),
            Self::Cli => f.write_str("nats (natscli)"),
            Self::Library(kind) => match &kind.spec().library {
                Some(library) => write!(f, "{} ({kind})", library.name),
                None => write!(f, "the {kind} library"),
            },
        }
    }
}

/// The version requirements of one example, from its `versions:`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements(pub Vec<(Component, VersionReq)>);

impl Requirements {
    /// The first requirement `version_of` does not meet, as the sentence a skip gives; `None` when
    /// every requirement is met. A version nbe cannot read as a version number counts as met:
    /// the run decides then.
    pub fn unmet(&self, version_of: impl Fn(Component) -> Option<String>) -> Option<String> {
        self.0.iter().find_map(|(component, requirement)| {
            let version = version_of(*component)?;
            let parsed = parse(&version)?;
            (!requirement.matches(&parsed)).then(|| {
                format!(
                    "its meta.yaml `versions.{}` asks for {component} {requirement}; this run uses {version}",
                    component.key()
                )
            })
        })
    }
}

/// Reads a release number the way tools write them: an optional `v`, and a missing minor or patch
/// number counting as 0 (`v2.11.4`, `2.11.0`, `0.51`). `None` for anything else.
pub fn parse(text: &str) -> Option<Version> {
    let bare = text.trim().strip_prefix('v').unwrap_or(text.trim());
    if let Ok(version) = Version::parse(bare) {
        return Some(version);
    }
    let (numbers, rest) = match bare.find(['-', '+']) {
        Some(at) => bare.split_at(at),
        None => (bare, ""),
    };
    let parts: Vec<&str> = numbers.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let padded: Vec<&str> = parts.iter().copied().chain(["0", "0"]).take(3).collect();
    Version::parse(&format!("{}{rest}", padded.join("."))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_read_with_or_without_v_and_short_forms() {
        assert_eq!(parse("v2.11.4"), Some(Version::new(2, 11, 4)));
        assert_eq!(parse("2.11.0"), Some(Version::new(2, 11, 0)));
        assert_eq!(parse("0.51"), Some(Version::new(0, 51, 0)));
        assert_eq!(
            parse("v2.14.0-RC.1").map(|v| v.pre.to_string()),
            Some("RC.1".into())
        );
        assert_eq!(parse("latest"), None);
        assert_eq!(parse("1..2"), None);
    }

    #[test]
    fn an_unmet_requirement_names_the_key_the_requirement_and_the_version() {
        let requirements = Requirements(vec![
            (Component::Cli, VersionReq::parse(">=0.1.0").unwrap()),
            (Component::Server, VersionReq::parse(">=2.12.0").unwrap()),
        ]);
        let versions = |server: &'static str| {
            move |component| match component {
                Component::Server => Some(server.to_string()),
                _ => Some("v0.5.0".to_string()),
            }
        };
        assert_eq!(requirements.unmet(versions("v2.12.1")), None);
        assert_eq!(
            requirements.unmet(versions("v2.11.17")).as_deref(),
            Some("its meta.yaml `versions.server` asks for nats-server >=2.12.0; this run uses v2.11.17")
        );
        assert_eq!(requirements.unmet(versions("nightly")), None);
    }

    #[test]
    fn keys_are_server_cli_and_kinds_with_a_library() {
        assert_eq!(Component::from_key("server"), Some(Component::Server));
        assert_eq!(
            Component::from_key("go"),
            Some(Component::Library(Kind::named("go")))
        );
        assert_eq!(Component::from_key("ruby"), None);
        assert_eq!(Component::from_key("bash"), None);
        assert!(
            Component::valid_keys().starts_with("server, cli, go"),
            "{}",
            Component::valid_keys()
        );
    }
}
