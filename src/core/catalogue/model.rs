//! The validated catalogue: dispositifs, acteurs, themes, étapes, statuts, glossary.
//!
//! These are plain values built once by the content loader; nothing here reads files.

use std::collections::HashMap;

use serde::Serialize;

pub use super::freshness::Dates;

/// The seven kinds of engineering of the source's fiche template, in the order it lists them.
pub const INGENIERIES: &[&str] =
    &["amont", "projet", "administrative", "reglementaire-juridique", "fonciere", "financiere", "concertation"];

/// Natures of a dispositif (what kind of help it is).
pub const NATURES: &[&str] =
    &["ingenierie", "etude", "financement", "chef-de-projet", "plateforme", "programme", "portage", "strategie"];

/// Categories of actors, as the source's list of identified actors groups them.
pub const CATEGORIES: &[&str] = &["etat", "epa", "epic", "collectivite", "syndicat-mixte", "association", "autre"];

/// Who may carry a project.
pub const BENEFICIAIRES: &[&str] = &["commune", "epci", "collectivite"];

#[derive(Debug, Clone, Default, Serialize)]
pub struct Conditions {
    pub population_min: Option<u32>,
    pub population_max: Option<u32>,
    pub statuts_requis: Vec<String>,
    pub statuts_exclus: Vec<String>,
    pub beneficiaires: Vec<String>,
    /// Département codes where the dispositif exists (empty: everywhere).
    pub departements: Vec<String>,
}

impl Conditions {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.population_min.is_none()
            && self.population_max.is_none()
            && self.statuts_requis.is_empty()
            && self.statuts_exclus.is_empty()
            && self.departements.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Dispositif {
    pub id: String,
    pub nom: String,
    pub resume: String,
    pub nature: String,
    pub porteurs: Vec<String>,
    pub contacts: Vec<String>,
    pub themes: Vec<String>,
    pub etapes: Vec<String>,
    pub conditions: Conditions,
    pub details: Vec<String>,
    pub financement: Option<String>,
    pub charge: Option<String>,
    pub saisine: Option<String>,
    pub regles_anct: bool,
    pub mots_cles: Vec<String>,
    pub source: String,
    /// Date of the source, of the last check by an agent, end of validity.
    pub dates: Dates,
}

impl Dispositif {
    /// Reserved to the communes of a programme (PVD, ACV, Villages d'avenir…).
    #[must_use]
    pub fn reserved(&self) -> bool {
        !self.conditions.statuts_requis.is_empty()
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Site {
    pub libelle: String,
    pub adresse: Option<String>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub web: Option<String>,
}

impl Site {
    /// Whether the site gives a way to reach someone (not just a label).
    #[must_use]
    pub fn is_reachable(&self) -> bool {
        self.telephone.is_some() || self.email.is_some() || self.web.is_some() || self.adresse.is_some()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Acteur {
    pub id: String,
    pub nom: String,
    pub sigle: Option<String>,
    pub categorie: String,
    pub domaines: Vec<String>,
    pub presentation: String,
    /// Keyed by the kinds of [`INGENIERIES`], in that order.
    pub interventions: Vec<(String, String)>,
    pub modalites: Option<String>,
    pub contacts: Vec<Site>,
    pub mots_cles: Vec<String>,
    pub source: String,
    pub dates: Dates,
    /// Département codes the actor serves (empty: everywhere). A person from elsewhere is not
    /// sent to its contacts but to their own préfecture.
    pub departements: Vec<String>,
}

impl Acteur {
    /// The short name people use: the acronym when there is one.
    #[must_use]
    pub fn short_name(&self) -> &str {
        self.sigle.as_deref().unwrap_or(&self.nom)
    }

    /// A fiche with no way to reach anyone is "à compléter": the bot then sends people to the
    /// single entry point.
    #[must_use]
    pub fn is_incomplete(&self) -> bool {
        !self.contacts.iter().any(Site::is_reachable)
    }

    /// Whether the actor serves département `code` (one outside its territory is not).
    #[must_use]
    pub fn serves(&self, code: &str) -> bool {
        self.departements.is_empty() || self.departements.iter().any(|d| d == code)
    }
}

/// A theme or an étape: an id, a label and the words people use for it.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: String,
    pub nom: String,
    pub synonymes: Vec<String>,
    /// Étapes only: an upstream stage (reflection, diagnosis, feasibility), where the ANCT's
    /// engineering applies.
    pub amont: bool,
    /// Étapes only: the works stage (the ANCT funds no works: the bot says so).
    pub travaux: bool,
}

/// A kind of help people ask for (`data/besoins.toml`), and the natures of dispositifs that
/// answer it.
#[derive(Debug, Clone, Serialize)]
pub struct Besoin {
    pub id: String,
    pub nom: String,
    pub synonymes: Vec<String>,
    pub natures: Vec<String>,
    /// The need for money: the bot lists later financing for upstream projects with it.
    pub financement: bool,
}

/// A subject outside the bot's field (`data/hors-champ.toml`): the words that name it and the
/// door to knock on instead.
#[derive(Debug, Clone, Serialize)]
pub struct HorsChamp {
    pub id: String,
    /// How the bot names the subject ("l'état civil").
    pub nom: String,
    /// Folded phrases that name it.
    pub mots: Vec<String>,
    /// Whom to ask instead, in one sentence.
    pub porte: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statut {
    pub id: String,
    pub nom: String,
    pub explication: String,
    pub synonymes: Vec<String>,
    pub source: String,
    /// A programme's end (`valable_jusqu_au`), and the date of its source.
    pub dates: Dates,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sigle {
    pub sigle: String,
    pub developpe: String,
    pub definition: String,
    pub voir: Vec<String>,
    pub source: String,
}

/// Each word of more than three letters without its plural mark.
fn singular_words(t: &str) -> String {
    t.split(' ')
        .map(|w| if w.chars().count() > 4 { w.strip_suffix(['s', 'x']).unwrap_or(w) } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A list of items from data (`data/listes/*.toml`) that a questionnaire walks through, one
/// item at a time (the levers of the ecological planning, say).
#[derive(Debug, Clone, Serialize)]
pub struct Liste {
    pub id: String,
    pub nom: String,
    pub source: String,
    pub champs: Vec<Champ>,
    pub elements: Vec<Element>,
}

/// A column of a list: its id, its type, its label.
#[derive(Debug, Clone, Serialize)]
pub struct Champ {
    pub id: String,
    /// `oui-non` (a mark) rather than `texte`.
    pub oui_non: bool,
    pub libelle: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ChampValeur {
    Texte(String),
    OuiNon(bool),
}

/// One item of a list.
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    pub id: String,
    pub nom: String,
    pub valeurs: Vec<(String, ChampValeur)>,
    /// Catalogue entries (dispositifs or acteurs) the item relates to.
    pub dispositifs: Vec<String>,
}

impl Element {
    #[must_use]
    pub fn valeur(&self, champ: &str) -> Option<&ChampValeur> {
        self.valeurs.iter().find(|(k, _)| k == champ).map(|(_, v)| v)
    }

    /// A text field as an id (folded, words joined by hyphens): what a choice made of the
    /// field's values stores.
    #[must_use]
    pub fn valeur_id(&self, champ: &str) -> Option<String> {
        match self.valeur(champ)? {
            ChampValeur::Texte(t) => Some(slug(t)),
            ChampValeur::OuiNon(b) => Some(b.to_string()),
        }
    }
}

/// Folded words joined by hyphens: "Agriculture et sols" → `agriculture-et-sols`.
#[must_use]
pub fn slug(text: &str) -> String {
    crate::text::words(&crate::text::fold(text)).collect::<Vec<_>>().join("-")
}

impl Liste {
    /// The distinct values of a text field, in the order they first appear.
    #[must_use]
    pub fn valeurs_distinctes(&self, champ: &str) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for e in &self.elements {
            if let Some(ChampValeur::Texte(t)) = e.valeur(champ)
                && !out.contains(t)
            {
                out.push(t.clone());
            }
        }
        out
    }

    #[must_use]
    pub fn element(&self, id: &str) -> Option<&Element> {
        self.elements.iter().find(|e| e.id == id)
    }
}

/// Everything the matching and the search read.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub dispositifs: Vec<Dispositif>,
    pub acteurs: Vec<Acteur>,
    pub themes: Vec<Term>,
    /// In project order, from the idea to the works.
    pub etapes: Vec<Term>,
    pub statuts: Vec<Statut>,
    pub glossaire: Vec<Sigle>,
    pub besoins: Vec<Besoin>,
    pub hors_champ: Vec<HorsChamp>,
    pub listes: Vec<Liste>,
    /// Months after which a record's information is to be confirmed (`data/fraicheur.toml`).
    pub max_age_months: u32,
    pub(crate) dispositif_by_id: HashMap<String, usize>,
    pub(crate) acteur_by_id: HashMap<String, usize>,
    /// Matching keys, one per dispositif (see `matching`).
    pub(crate) keys: Vec<super::matching::Key>,
    /// For each theme, the dispositifs that serve it or every theme.
    pub(crate) by_theme: Vec<Vec<usize>>,
    /// The subsidies and the aid platform.
    pub(crate) financing: Vec<usize>,
}

impl Catalogue {
    #[must_use]
    pub fn dispositif(&self, id: &str) -> Option<&Dispositif> {
        self.dispositif_by_id.get(id).map(|&i| &self.dispositifs[i])
    }

    #[must_use]
    pub fn acteur(&self, id: &str) -> Option<&Acteur> {
        self.acteur_by_id.get(id).map(|&i| &self.acteurs[i])
    }

    #[must_use]
    pub fn theme(&self, id: &str) -> Option<&Term> {
        self.themes.iter().find(|t| t.id == id)
    }

    #[must_use]
    pub fn etape(&self, id: &str) -> Option<&Term> {
        self.etapes.iter().find(|t| t.id == id)
    }

    #[must_use]
    pub fn etape_rank(&self, id: &str) -> Option<usize> {
        self.etapes.iter().position(|t| t.id == id)
    }

    #[must_use]
    pub fn liste(&self, id: &str) -> Option<&Liste> {
        self.listes.iter().find(|l| l.id == id)
    }

    /// The works stage, if the étapes declare one.
    #[must_use]
    pub fn etape_travaux(&self) -> Option<&Term> {
        self.etapes.iter().find(|t| t.travaux)
    }

    /// The need for money, if the needs declare one.
    #[must_use]
    pub fn besoin_financement(&self) -> Option<&Besoin> {
        self.besoins.iter().find(|b| b.financement)
    }

    #[must_use]
    pub fn besoin(&self, id: &str) -> Option<&Besoin> {
        self.besoins.iter().find(|b| b.id == id)
    }

    /// The subject outside the field that the text names, if any (its longest phrase wins).
    /// Plurals aside: "procurations" names "procuration".
    #[must_use]
    pub fn hors_champ_of(&self, folded: &str) -> Option<&HorsChamp> {
        let text = singular_words(folded);
        self.hors_champ
            .iter()
            .filter_map(|h| {
                h.mots
                    .iter()
                    .filter(|m| crate::text::contains_phrase(&text, &singular_words(m)))
                    .map(String::len)
                    .max()
                    .map(|l| (l, h))
            })
            .max_by_key(|(l, _)| *l)
            .map(|(_, h)| h)
    }

    #[must_use]
    pub fn statut(&self, id: &str) -> Option<&Statut> {
        self.statuts.iter().find(|t| t.id == id)
    }

    /// Rebuilds the id maps after the vectors were filled.
    pub fn index(&mut self) {
        self.dispositif_by_id = self.dispositifs.iter().enumerate().map(|(i, d)| (d.id.clone(), i)).collect();
        self.acteur_by_id = self.acteurs.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        self.keys = self.dispositifs.iter().map(|d| super::matching::Key::of(self, d)).collect();
        self.by_theme = self
            .themes
            .iter()
            .map(|t| {
                (0..self.dispositifs.len())
                    .filter(|&i| self.dispositifs[i].themes.is_empty() || self.dispositifs[i].themes.contains(&t.id))
                    .collect()
            })
            .collect();
        self.financing = (0..self.dispositifs.len())
            .filter(|&i| matches!(self.dispositifs[i].nature.as_str(), "financement" | "plateforme"))
            .collect();
    }
}
