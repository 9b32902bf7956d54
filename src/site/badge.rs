//! What the site says about a client's recording: its verdict as a badge, the tool versions and
//! date, and the server versions its example's verified file says it was tested on.
//!
//! [`Verdicts`] is the seam; [`RecordingVerdicts`] answers exactly as `nbe check` does, so a page
//! never claims more than the checks prove.

use crate::catalog::Selected;
use crate::recording::{self, Recording};
use crate::snapshot;
use crate::suite::verdict::{self, Verdict};
use crate::verified::{Servers, Verified};

impl Verdict {
    /// A short word for the page.
    pub fn word(&self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Stale(_) => "stale",
            Self::Failing(_) => "failing",
            Self::NotRecorded(_) => "not recorded",
        }
    }

    /// The CSS class of the status badge (`assets/site.css` colours `.status.<class>`).
    pub fn class(&self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Stale(_) => "stale",
            Self::Failing(_) => "failing",
            Self::NotRecorded(_) => "not-recorded",
        }
    }

    /// One sentence telling the reader what the status means. The reasons `nbe check` gives are
    /// written for the maintainer; a reader gets a plain sentence, except for why a check fails.
    pub fn explanation(&self) -> String {
        match self {
            Self::Verified => "Its output matches the accepted snapshot for the code shown here.".into(),
            Self::Stale(_) => {
                "The code changed after the output was recorded; it needs recording again.".into()
            }
            Self::Failing(why) => format!("The last check failed: {why}"),
            Self::NotRecorded(_) => "It has not been recorded yet.".into(),
        }
    }
}

/// Decides the [`Verdict`] on a client's recording; asked from several threads at once.
pub trait Verdicts: Sync {
    /// The verdict on `selected`, whose recorded files are `recording`.
    fn of(&self, selected: Selected, recording: &Recording) -> Verdict;
}

/// What the recording was made with, as far as the files tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// `nats-server` version from the snapshot header.
    pub nats_server: Option<String>,
    /// `nats` version from the snapshot header.
    pub nats: Option<String>,
    /// Recording date (UTC, `YYYY-MM-DD`) from the asciicast header's `timestamp`.
    pub date: Option<String>,
    /// The nats-server versions the client was tested on, from its example's verified file
    /// ([`servers`]).
    pub servers: Option<String>,
}

/// The verdicts the site uses: exactly what `nbe check` decides, nothing run.
#[derive(Debug, Default)]
pub struct RecordingVerdicts;

impl Verdicts for RecordingVerdicts {
    fn of(&self, selected: Selected, recording: &Recording) -> Verdict {
        verdict::of_recording(selected, recording)
    }
}

/// The files hash the snapshot of a recording judged `verdict` names, when that is the client's
/// current one: only a verified recording is known to be current without hashing the files again.
pub fn current_hash<'r>(verdict: &Verdict, recording: &'r Recording) -> Option<&'r str> {
    let snapshot = recording.snapshot.as_ref().ok()?.as_ref()?;
    (*verdict == Verdict::Verified).then_some(snapshot.info.files_hash.as_str())
}

/// Versions and date of a client's recording, from its snapshot header and its asciicast header.
pub fn provenance(recording: &Recording) -> Provenance {
    let info = recording
        .snapshot
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .map(|s| &s.info);
    let known = |value: &str| (!value.is_empty()).then(|| value.to_string());
    Provenance {
        nats_server: info.and_then(|i| known(&i.nats_server)),
        nats: info.and_then(|i| known(&i.nats)),
        date: recording
            .cast
            .as_ref()
            .ok()
            .and_then(|cast| recording::cast_timestamp(cast))
            .map(date_of),
        servers: None,
    }
}

/// What `verified` (the example's verified file) says of the nats-server versions `selected` was
/// tested on, like `Verified on nats-server v2.14.10, v2.15.2; fails on v2.11.11`: from columns
/// setting the server alone, saved for the client's current files (the hash the badge judges a
/// recording current by). `None` without results, or with stale ones only.
///
/// `current` is that hash when the caller knows it already: the snapshot of a recording judged
/// [`Verdict::Verified`] names it, since that verdict means it is the files' hash.
pub fn servers(selected: Selected, verified: &Verified, current: Option<&str>) -> Option<String> {
    let client = selected.client.dir_name();
    // The hash is worked out only for a client the file holds results of.
    if !verified.clients().any(|name| name == client) {
        return None;
    }
    let hash = match current {
        Some(hash) => hash.to_string(),
        None => snapshot::files_hash(selected).ok()?,
    };
    let Servers { passed, failed } = verified.servers(client, &hash)?;
    let said = match (passed.is_empty(), failed.is_empty()) {
        (false, true) => format!("Verified on nats-server {}", passed.join(", ")),
        (false, false) => format!(
            "Verified on nats-server {}; fails on {}",
            passed.join(", "),
            failed.join(", ")
        ),
        (true, _) => format!("Fails on nats-server {}", failed.join(", ")),
    };
    Some(said)
}

/// `YYYY-MM-DD` (UTC) of a unix timestamp, by the days-from-civil algorithm run backwards.
fn date_of(timestamp: i64) -> String {
    let days = timestamp.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_the_words_in_css_form() {
        for status in [
            Verdict::Verified,
            Verdict::Stale(String::new()),
            Verdict::Failing(String::new()),
            Verdict::NotRecorded(String::new()),
        ] {
            assert_eq!(status.class(), status.word().replace(' ', "-"));
        }
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(951_782_400), "2000-02-29");
        assert_eq!(date_of(1_764_028_799), "2025-11-24");
        assert_eq!(date_of(1_764_028_800), "2025-11-25");
    }

    #[test]
    fn provenance_reads_the_cast_date_and_tolerates_missing_files() {
        let missing = || std::io::Error::from(std::io::ErrorKind::NotFound);
        let mut recording = Recording {
            snapshot: Ok(None),
            output: Err(missing()),
            cast: Err(missing()),
        };
        assert_eq!(provenance(&recording), Provenance::default());
        recording.cast = Ok(b"{\"version\": 2, \"width\": 80, \"height\": 24, \"timestamp\": 1764028800}\n[0.1, \"o\", \"x\"]\n".to_vec());
        assert_eq!(provenance(&recording).date.as_deref(), Some("2025-11-25"));
        recording.cast = Ok(b"not json\n".to_vec());
        assert_eq!(provenance(&recording).date, None);
    }
}
