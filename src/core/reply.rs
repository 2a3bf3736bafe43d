//! What the bot answers, as data. Renderers turn these into text, Matrix HTML or Discord embeds.

use crate::catalogue::Raison;
use crate::catalogue::search::Doc;
use crate::dialogue::model::{Label, Role, Value};
use crate::i18n::Args;

/// A request forwarded to the single entry point: what the person said and what the bot knows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DemandeView {
    pub envoi: bool,
    /// INSEE code of a commune of the Manche.
    pub insee: Option<String>,
    /// The commune's name (also outside the Manche).
    pub commune: Option<String>,
    pub population: Option<i64>,
    /// `None`: unknown; empty: no programme.
    pub programmes: Option<Vec<String>>,
    pub themes: Vec<String>,
    pub etape: Option<String>,
    pub besoin: Option<String>,
    pub description: String,
    pub demandeur: String,
    /// The person's role, as a choice id or in their words.
    pub qualite: String,
    /// Email and/or phone, or a Tchap address, as given.
    pub contact: String,
    /// The dispositifs proposed for this profile, and why.
    pub dispositifs: Vec<MatchView>,
    /// Filled in by the bot once the confirmed demand is stored (`envoi: true`).
    #[serde(default)]
    pub envoi_info: Option<Envoi>,
}

/// How a stored demand leaves: its reference, its recipient, and who sends it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Envoi {
    /// `DEM-2026-0042`.
    pub reference: String,
    /// The single entry point's address.
    pub to: String,
    /// The bot sends it by email (SMTP configured); otherwise the person gets the text and a
    /// `mailto:` link.
    pub courriel: bool,
}

impl DemandeView {
    /// The email address in the contact, if there is one (the copy and `Reply-To` go there).
    #[must_use]
    pub fn email(&self) -> Option<String> {
        crate::dialogue::parse::contact_parts(&self.contact).0
    }
}

/// What a follow-up question asks about the dispositif last shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// Who may benefit: its conditions.
    Beneficiaires,
    /// What it costs, who pays.
    Cout,
    /// Whether it adds up with other aid.
    Cumul,
    /// How to ask for it.
    Demarche,
    /// How long it takes.
    Duree,
    /// Whom to call.
    Contact,
    /// "Et pour une commune de 800 habitants ?": its conditions against that population.
    Population(u32),
}

impl Aspect {
    /// The name kept in a session while the bot asks which dispositif is meant.
    #[must_use]
    pub fn key(self) -> String {
        match self {
            Self::Beneficiaires => "beneficiaires".into(),
            Self::Cout => "cout".into(),
            Self::Cumul => "cumul".into(),
            Self::Demarche => "demarche".into(),
            Self::Duree => "duree".into(),
            Self::Contact => "contact".into(),
            Self::Population(n) => format!("population:{n}"),
        }
    }

    #[must_use]
    pub fn from_key(k: &str) -> Option<Self> {
        Some(match k {
            "beneficiaires" => Self::Beneficiaires,
            "cout" => Self::Cout,
            "cumul" => Self::Cumul,
            "demarche" => Self::Demarche,
            "duree" => Self::Duree,
            "contact" => Self::Contact,
            _ => Self::Population(k.strip_prefix("population:")?.parse().ok()?),
        })
    }
}

/// One numbered choice of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceView {
    pub n: usize,
    pub label: Label,
    /// What the adapters send back when the choice is clicked (Discord buttons).
    pub value: String,
}

/// A dispositif in a result list.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MatchView {
    pub dispositif: String,
    pub raisons: Vec<Raison>,
    pub a_verifier: Vec<Raison>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A sentence.
    Say { id: String, args: Args },
    /// A question, last in its message, with its choices if any.
    Ask { id: String, args: Args, choices: Vec<ChoiceView> },
    /// The matching dispositifs.
    Resultats {
        items: Vec<MatchView>,
        /// How many more fit, beyond those shown.
        autres: usize,
        /// The ANCT's principles apply to one of the items.
        regles_anct: bool,
        /// The project is at the works stage: say what the ANCT does not do.
        travaux: bool,
        /// Financing dispositifs for later, when the project is still upstream.
        suite_financement: Vec<String>,
        /// The commune is outside the Manche: its own préfecture is the entry point.
        hors_manche: bool,
    },
    /// Everything about one dispositif ("détails 2").
    Details { dispositif: String },
    /// A short card of a dispositif (quick questions).
    Dispositif { dispositif: String },
    /// A contact card.
    Card { acteur: String },
    /// A glossary entry.
    Sigle { index: usize },
    /// Programme statuses explained (`offerts`: those the question offers), and those the
    /// programme table lists for the commune (`connus`, with the commune's INSEE code).
    Statuts { commune: Option<String>, insee: Option<String>, connus: Vec<String>, offerts: Vec<String> },
    /// What the replies that follow depend on; says nothing itself. `elsewhere`: the person's
    /// commune is in this other département (renderers send them to their own préfecture, never
    /// to the Manche's contacts). `today`: the day of the turn (renderers say what information is
    /// to be confirmed).
    Context { elsewhere: Option<String>, today: Option<crate::catalogue::freshness::Day> },
    /// "Voir aussi" after a quick answer.
    VoirAussi(Vec<Doc>),
    /// What the bot understood from a sentence that answered several questions at once, for
    /// the person to correct.
    Compris { items: Vec<(Role, Value)> },
    /// One aspect of a dispositif (or acteur) asked about without naming it.
    /// `seul`: on its own (a follow-up), with the contact line; else it completes a card just
    /// shown.
    Suivi { dispositif: Option<String>, acteur: Option<String>, aspect: Aspect, seul: bool },
    /// A question outside the bot's field: it says so and where to ask (`data/hors-champ.toml`).
    HorsChamp { sujet: String },
    /// The request to the single entry point, as it will be sent (`envoi: false`, a preview) or
    /// sent (`envoi: true`: the bot keeps it with the turn, gives it its reference and delivers
    /// it).
    Demande(Box<DemandeView>),
    /// The answers given for each item of a loop (`action = "resume"`): the list, the column
    /// titles (Fluent ids), and per item its answers in column order (`None`: not asked).
    Resume { liste: String, colonnes: Vec<String>, lignes: Vec<(String, Vec<Option<Value>>)> },
}

impl Reply {
    #[must_use]
    pub fn say(id: &str) -> Self {
        Self::Say { id: id.to_owned(), args: vec![] }
    }

    #[must_use]
    pub fn say_with(id: &str, args: Args) -> Self {
        Self::Say { id: id.to_owned(), args }
    }
}
