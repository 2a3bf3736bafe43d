//! Anonymous statistics: what a turn counts, by ISO week, and the reports made of the counters.
//!
//! [`facts`] looks at a turn after it ran (the replies, the session) and names the counters it
//! adds one to: conversations started, results reached, demands forwarded, quick questions left
//! without an answer, cards opened with « détails », and for a conversation reaching results its
//! profile (themes, stage, need, population band, programmes, EPCI, commune) and the schemes
//! proposed. A counter is a dimension and a value taken from the content's own ids (choice
//! values, INSEE codes, scheme ids): never a user id, never a word the person typed. The store
//! adds the counters in the turn's transaction ([`crate::store::Commit::counts`]).
//!
//! Pure: no I/O, no clock (the week comes from the turn's time). [`report`] aggregates counters
//! read back from the store, hides communes seen in too few conversations
//! ([`report::COMMUNE_MIN_CONVERSATIONS`]) and writes the table and the CSV; [`chart`] draws the
//! SVG; [`unanswered`] groups the questions left without an answer.

pub mod chart;
pub mod report;
pub mod unanswered;

use crate::catalogue::freshness::Day;
use crate::content::Content;
use crate::dialogue::Session;
use crate::dialogue::model::{Role, Value};
use crate::reply::Reply;

/// A counter: what is counted (`theme`, `dispositif`…) and which value (`mobilites`, an id).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fact {
    pub dim: &'static str,
    pub value: String,
}

impl Fact {
    fn new(dim: &'static str, value: impl Into<String>) -> Self {
        Self { dim, value: value.into() }
    }
}

/// Dimensions, as stored and written in the CSV.
pub mod dim {
    /// A conversation started (value: the transport).
    pub const CONVERSATIONS: &str = "conversations";
    /// A conversation reached its results (value: the transport).
    pub const RESULTATS: &str = "resultats";
    /// A demand forwarded to the single entry point (value: the transport).
    pub const DEMANDES: &str = "demandes";
    /// A quick question without an answer (value: the transport).
    pub const SANS_REPONSE: &str = "sans-reponse";
    pub const THEME: &str = "theme";
    pub const ETAPE: &str = "etape";
    pub const BESOIN: &str = "besoin";
    pub const TRANCHE: &str = "tranche";
    pub const PROGRAMME: &str = "programme";
    pub const EPCI: &str = "epci";
    pub const COMMUNE: &str = "commune";
    /// A scheme in a result list.
    pub const DISPOSITIF: &str = "dispositif";
    /// A scheme's full card opened (« détails 2 »).
    pub const DETAILS: &str = "details";
}

/// Population bands, as the CLCT reads them: (id, lower bound).
pub const TRANCHES: [(&str, i64); 5] =
    [("moins-500", 0), ("500-1499", 500), ("1500-3499", 1500), ("3500-9999", 3500), ("10000-plus", 10_000)];

/// The band of a population.
#[must_use]
pub fn tranche(population: i64) -> &'static str {
    TRANCHES.iter().rev().find(|(_, min)| population >= *min).map_or(TRANCHES[0].0, |(id, _)| id)
}

/// The ISO week of a time (seconds): `2026-W49`.
#[must_use]
pub fn iso_week(secs: i64) -> String {
    let (year, week) = iso_week_of_day(secs.div_euclid(86_400));
    format!("{year}-W{week:02}")
}

/// ISO year and week of a day number (days since 1970-01-01, a Thursday).
fn iso_week_of_day(days: i64) -> (i32, i64) {
    let weekday = (days + 3).rem_euclid(7); // Monday = 0
    let thursday = days - weekday + 3;
    let year = Day::from_unix(thursday * 86_400).year;
    let jan1 = Day { year, month: 1, day: 1 }.to_unix().div_euclid(86_400);
    (year, (thursday - jan1) / 7 + 1)
}

/// The Monday (seconds) starting ISO week `week` (`2026-W49`).
#[must_use]
pub fn week_start(week: &str) -> Option<i64> {
    let (y, w) = week.split_once("-W")?;
    let (year, w): (i32, i64) = (y.parse().ok()?, w.parse().ok()?);
    let jan4 = Day { year, month: 1, day: 4 }.to_unix().div_euclid(86_400);
    let monday1 = jan4 - (jan4 + 3).rem_euclid(7);
    Some((monday1 + (w - 1) * 7) * 86_400)
}

/// What a turn changed, as the bot saw it.
pub struct Turn<'a> {
    pub content: &'a Content,
    /// `console`, `matrix`, `discord`.
    pub transport: &'a str,
    /// The session was created by this turn.
    pub started: bool,
    pub session: &'a Session,
    pub replies: &'a [Reply],
    /// The turn left a question without an answer ([`unanswered`]).
    pub unanswered: bool,
}

/// The counters a turn adds one to; empty for most turns. A conversation's profile and the
/// schemes proposed are counted once per conversation (its first results), so that counts by
/// commune are counts of distinct conversations. Sets `session.results_counted` when it counts
/// them.
#[must_use]
pub fn facts(t: &Turn<'_>, results_counted: &mut bool) -> Vec<Fact> {
    let mut out = vec![];
    if t.started {
        out.push(Fact::new(dim::CONVERSATIONS, t.transport));
    }
    if t.unanswered {
        out.push(Fact::new(dim::SANS_REPONSE, t.transport));
    }
    for r in t.replies {
        match r {
            Reply::Resultats { items, .. } if !*results_counted => {
                *results_counted = true;
                out.push(Fact::new(dim::RESULTATS, t.transport));
                profile(t.content, t.session, &mut out);
                out.extend(items.iter().map(|m| Fact::new(dim::DISPOSITIF, m.dispositif.clone())));
            }
            Reply::Details { dispositif } => out.push(Fact::new(dim::DETAILS, dispositif.clone())),
            Reply::Demande(d) if d.envoi => out.push(Fact::new(dim::DEMANDES, t.transport)),
            _ => {}
        }
    }
    out
}

/// Whether the turn left a question without an answer worth keeping: the bot said it found
/// none, and the message says something (two words at least, not a greeting or a thank-you).
#[must_use]
pub fn unanswered(content: &Content, folded: &str, replies: &[Reply]) -> bool {
    use crate::dialogue::vocab::Groupe;
    let v = &content.vocab;
    replies.iter().any(|r| matches!(r, Reply::Say { id, .. } if id.starts_with("question-rien")))
        && crate::text::words(folded).nth(1).is_some()
        && !v.is(Groupe::Salutation, folded)
        && !v.is(Groupe::Merci, folded)
}

/// A question kept without an answer: at most this many bytes of it.
pub const QUESTION_MAX_BYTES: usize = 500;

/// The text kept of a question left without an answer: trimmed, at most
/// [`QUESTION_MAX_BYTES`].
#[must_use]
pub fn question_text(text: &str) -> &str {
    let t = text.trim();
    let mut end = t.len().min(QUESTION_MAX_BYTES);
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    &t[..end]
}

/// The profile's counters: only ids the content defines (choices, INSEE codes, EPCI SIREN).
fn profile(content: &Content, s: &Session, out: &mut Vec<Fact>) {
    let Some(dialogue) = content.dialogues.get(&s.dialogue) else { return };
    let value = |role| dialogue.roles.slot(role).and_then(|slot| s.slots.get(slot));
    let ids = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Choice(c)) => vec![c.clone()],
            Some(Value::Multi(m)) => m.clone(),
            Some(Value::Inconnu) => vec!["inconnu".into()],
            // Free text, numbers and anything else are not a category.
            _ => vec![],
        }
    };
    for (role, d) in [(Role::Themes, dim::THEME), (Role::Etape, dim::ETAPE), (Role::Besoin, dim::BESOIN)] {
        out.extend(ids(value(role)).into_iter().map(|v| Fact::new(d, v)));
    }
    out.extend(ids(value(Role::Programmes)).into_iter().map(|v| Fact::new(dim::PROGRAMME, v)));
    let commune = match value(Role::Commune) {
        Some(Value::Commune(insee)) => content.communes.by_insee(insee),
        _ => None,
    };
    let population = match value(Role::Population) {
        Some(Value::Number(n)) => Some(*n),
        _ => commune.and_then(|c| c.population).map(i64::from),
    };
    out.push(Fact::new(dim::TRANCHE, population.map_or("inconnue", tranche)));
    match commune {
        Some(c) => {
            out.push(Fact::new(dim::COMMUNE, c.insee.clone()));
            out.push(Fact::new(dim::EPCI, c.epci_siren.clone()));
        }
        None => {
            let outside = matches!(value(Role::Commune), Some(Value::Ailleurs { .. }));
            out.push(Fact::new(dim::EPCI, if outside { "hors-manche" } else { "inconnu" }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_at_year_ends() {
        let day = |y, m, d| Day { year: y, month: m, day: d }.to_unix() + 3600;
        assert_eq!(iso_week(day(2026, 12, 1)), "2026-W49");
        assert_eq!(iso_week(day(2021, 1, 3)), "2020-W53");
        assert_eq!(iso_week(day(2024, 12, 30)), "2025-W01");
        assert_eq!(iso_week(day(2026, 1, 1)), "2026-W01");
        assert_eq!(week_start("2026-W49"), Some(Day { year: 2026, month: 11, day: 30 }.to_unix()));
        assert_eq!(week_start("2025-W01"), Some(Day { year: 2024, month: 12, day: 30 }.to_unix()));
        for w in ["2020-W53", "2026-W01", "2026-W49"] {
            assert_eq!(iso_week(week_start(w).unwrap()), w);
        }
    }

    #[test]
    fn bands() {
        assert_eq!(
            [0, 499, 500, 1499, 1500, 3499, 3500, 9999, 10_000].map(tranche),
            [
                "moins-500",
                "moins-500",
                "500-1499",
                "500-1499",
                "1500-3499",
                "1500-3499",
                "3500-9999",
                "3500-9999",
                "10000-plus"
            ]
        );
    }
}
