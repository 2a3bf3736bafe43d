//! How old a piece of knowledge is, and whether it should be checked again.
//!
//! Every record of the catalogue carries the date of its source (`source_date`), the date an
//! agent last checked it against a current source (`verifie_le`, absent until someone did), and,
//! where a source gives one, the end of its validity (`valable_jusqu_au`: a programme's last
//! year, a yearly call). From these and today's date, [`Dates::staleness`] says what is wrong.
//! No clock here: today is passed in (the bot's turn time, or `check`'s date).

use serde::Serialize;

/// How old (in months since its latest date) a record may be before the bot asks people to
/// confirm it with the contact and `check` lists it, unless `data/fraicheur.toml` says otherwise.
pub const DEFAULT_MAX_AGE_MONTHS: u32 = 18;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    /// `AAAA-MM-JJ`, the only form content files use.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if s.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = s[..4].parse::<i32>().ok()?;
        let month = s[5..7].parse::<u32>().ok().filter(|m| (1..=12).contains(m))?;
        let day = s[8..].parse::<u32>().ok().filter(|d| (1..=days_in_month(year, month)).contains(d))?;
        Some(Self { year, month, day })
    }

    /// The UTC day of a Unix time (seconds).
    #[must_use]
    pub fn from_unix(secs: i64) -> Self {
        // Howard Hinnant's civil_from_days.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
        let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).unwrap_or(1970);
        Self { year, month, day }
    }

    /// Unix time (seconds) of this day at midnight UTC.
    #[must_use]
    pub fn to_unix(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }

    /// Whole months from `self` to `later` (negative when `later` is earlier).
    #[must_use]
    pub fn months_until(self, later: Self) -> i32 {
        let mut m = (later.year - self.year) * 12 + i32::try_from(later.month).unwrap_or(0)
            - i32::try_from(self.month).unwrap_or(0);
        if later.day < self.day {
            m -= 1;
        }
        m
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The dates of a record, as written in its file (`AAAA-MM-JJ`, checked by the loader).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dates {
    /// Date of the source document the record was written from.
    pub source_date: Option<String>,
    /// Date an agent last checked the record against a current source.
    pub verifie_le: Option<String>,
    /// Last day the source says the record holds (a programme's end).
    pub valable_jusqu_au: Option<String>,
    /// A yearly call (DETR, DSIL…): what is said holds for the year of the latest date only.
    pub appel_annuel: bool,
}

/// Why a record should be checked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Staleness {
    /// Today is past `valable_jusqu_au`, or past the year of a yearly call.
    Expired { until: Day, yearly: bool },
    /// No agent has checked it since it was written from its source.
    NeverVerified,
    /// Its latest date (check, else source) is older than the allowed age.
    TooOld { since: Day, months: i32 },
    /// Neither a source date nor a check date: its age is unknown.
    Undated,
}

impl Dates {
    /// The latest of the source date and the check date: what the information's age counts from.
    #[must_use]
    pub fn latest(&self) -> Option<Day> {
        let s = self.source_date.as_deref().and_then(Day::parse);
        let v = self.verifie_le.as_deref().and_then(Day::parse);
        s.max(v)
    }

    /// The last day the record holds: its `valable_jusqu_au`, else for a yearly call the end of
    /// the year of its latest date.
    #[must_use]
    pub fn until(&self) -> Option<Day> {
        self.valable_jusqu_au.as_deref().and_then(Day::parse).or_else(|| {
            self.appel_annuel.then(|| self.latest().map(|d| Day { year: d.year, month: 12, day: 31 })).flatten()
        })
    }

    /// Every reason to check the record again on `today`.
    #[must_use]
    pub fn staleness(&self, today: Day, max_age_months: u32) -> Vec<Staleness> {
        let mut out = vec![];
        if let Some(until) = self.until()
            && today > until
        {
            out.push(Staleness::Expired { until, yearly: self.valable_jusqu_au.is_none() });
        }
        if self.verifie_le.is_none() {
            out.push(Staleness::NeverVerified);
        }
        match self.latest() {
            Some(since) => {
                let months = since.months_until(today);
                if months >= i32::try_from(max_age_months).unwrap_or(i32::MAX) {
                    out.push(Staleness::TooOld { since, months });
                }
            }
            None => out.push(Staleness::Undated),
        }
        out
    }

    /// Whether people must be told to confirm the information with the contact: past its
    /// validity, or older than the allowed age. (Never verified alone is for agents.)
    #[must_use]
    pub fn to_confirm(&self, today: Day, max_age_months: u32) -> bool {
        self.staleness(today, max_age_months)
            .iter()
            .any(|s| matches!(s, Staleness::Expired { .. } | Staleness::TooOld { .. }))
    }
}

impl Staleness {
    /// The reason in French, for agents reading `check`.
    #[must_use]
    pub fn describe(&self, max_age_months: u32) -> String {
        match self {
            Self::Expired { until, yearly: false } => format!("validité dépassée (valable jusqu'au {until})"),
            Self::Expired { until, yearly: true } => {
                format!("appel annuel : l'information valait pour {} (jusqu'au {until})", until.year)
            }
            Self::NeverVerified => "jamais vérifiée (pas de « verifie_le »)".to_owned(),
            Self::TooOld { since, months } => {
                format!("information du {since}, vieille de {months} mois (plus de {max_age_months})")
            }
            Self::Undated => "sans date (ni « source_date » ni « verifie_le »)".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(d("2024-03-12"), Day { year: 2024, month: 3, day: 12 });
        assert!(Day::parse("2024-02-30").is_none());
        assert!(Day::parse("2023-02-29").is_none());
        assert!(Day::parse("2024-02-29").is_some());
        assert!(Day::parse("2024-3-12").is_none());
        assert!(Day::parse("12/03/2024").is_none());
    }

    #[test]
    fn unix_days() {
        assert_eq!(Day::from_unix(0), d("1970-01-01"));
        assert_eq!(Day::from_unix(1_700_000_000), d("2023-11-14"));
        assert_eq!(Day::from_unix(1_709_164_800), d("2024-02-29"));
        assert_eq!(Day::from_unix(1_798_761_600 - 1), d("2026-12-31"));
        for s in ["1970-01-01", "2024-02-29", "2024-03-12", "2026-12-31", "2000-03-01"] {
            assert_eq!(Day::from_unix(d(s).to_unix()), d(s), "{s}");
        }
        assert_eq!(d("2027-01-01").to_unix(), 1_798_761_600);
    }

    #[test]
    fn months() {
        assert_eq!(d("2024-03-12").months_until(d("2024-09-12")), 6);
        assert_eq!(d("2024-03-12").months_until(d("2024-09-11")), 5);
        assert_eq!(d("2024-03-12").months_until(d("2026-12-15")), 33);
        assert_eq!(d("2024-03-12").months_until(d("2023-11-14")), -4);
    }

    #[test]
    fn reasons() {
        let dates = Dates {
            source_date: Some("2024-03-12".into()),
            verifie_le: None,
            valable_jusqu_au: Some("2026-12-31".into()),
            appel_annuel: false,
        };
        assert_eq!(dates.staleness(d("2024-06-01"), 18), vec![Staleness::NeverVerified]);
        assert!(!dates.to_confirm(d("2024-06-01"), 18));
        let late = dates.staleness(d("2027-01-15"), 18);
        assert_eq!(late.len(), 3, "{late:?}");
        assert!(matches!(late[0], Staleness::Expired { .. }));
        assert!(dates.to_confirm(d("2025-09-12"), 18));
        assert!(!dates.to_confirm(d("2025-09-11"), 18));
        let checked = Dates { verifie_le: Some("2026-11-30".into()), ..dates.clone() };
        assert!(checked.staleness(d("2026-12-15"), 18).is_empty());
        assert!(!checked.to_confirm(d("2026-12-15"), 18));
        assert_eq!(Dates::default().staleness(d("2026-12-15"), 18), vec![Staleness::NeverVerified, Staleness::Undated]);
    }

    #[test]
    fn yearly_calls_hold_for_the_year_of_their_latest_date() {
        let detr = Dates { source_date: Some("2024-03-12".into()), appel_annuel: true, ..Dates::default() };
        assert_eq!(detr.until(), Some(d("2024-12-31")));
        assert!(!detr.to_confirm(d("2024-12-31"), 18));
        assert!(detr.to_confirm(d("2025-01-01"), 18));
        assert!(matches!(detr.staleness(d("2025-01-01"), 18)[0], Staleness::Expired { yearly: true, .. }));
        let checked = Dates { verifie_le: Some("2027-01-10".into()), ..detr };
        assert_eq!(checked.until(), Some(d("2027-12-31")));
        assert!(!checked.to_confirm(d("2027-06-01"), 18));
    }
}
