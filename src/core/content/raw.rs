//! Raw serde shapes of the content files, keeping the spans that diagnostics point at.
//!
//! Unknown keys are refused (`deny_unknown_fields`): a misspelt key is a typo to report, not a
//! field to ignore silently.

use serde::Deserialize;
use toml::Spanned;

pub type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialogueFile {
    pub dialogue: DialogueHead,
    #[serde(default, rename = "node")]
    pub nodes: Vec<Spanned<RawNode>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialogueHead {
    pub id: S,
    pub start: S,
    /// Which slot plays which role in matching (`commune = "commune"`, `themes = "theme"`…).
    pub roles: Option<Spanned<std::collections::BTreeMap<Spanned<String>, S>>>,
    /// Fluent id of the dialogue's one-line presentation (offered in the greeting).
    pub presentation: Option<S>,
    /// Phrases that open this dialogue from anywhere ("questionnaire COP").
    #[serde(default)]
    pub declencheurs: Vec<S>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: S,
    pub say: Option<S>,
    pub ask: Option<S>,
    pub reformule: Option<S>,
    pub confirme: Option<S>,
    pub answer: Option<S>,
    pub slot: Option<S>,
    #[serde(default)]
    pub choices: Vec<Spanned<RawChoice>>,
    pub choices_from: Option<S>,
    #[serde(default)]
    pub nsp: bool,
    pub propose: Option<S>,
    pub action: Option<S>,
    pub next: Option<Spanned<RawNext>>,
    /// A loop over the items of a list: its id (`data/listes/`).
    pub pour_chaque: Option<S>,
    /// Which items: those whose field equals a slot's value.
    pub filtre: Option<Spanned<RawFiltre>>,
    /// The first node done for each item.
    pub corps: Option<S>,
    /// For `action = "resume"`: the loop whose answers to sum up, and the columns.
    pub resume: Option<Spanned<RawResume>>,
    /// Slots cleared when the node is entered.
    #[serde(default)]
    pub efface: Vec<S>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFiltre {
    pub champ: S,
    pub slot: S,
    /// The slot value meaning "every item".
    pub tous: Option<S>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResume {
    pub boucle: S,
    pub colonnes: Vec<Spanned<RawColonne>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColonne {
    pub slot: S,
    pub titre: S,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub value: S,
    pub label: S,
    #[serde(default)]
    pub aussi: Vec<String>,
}

/// `next = "noeud"` or `next = [ { if = "…", goto = "…" }, … ]`. Deserialised by hand: an
/// untagged enum would buffer the value and lose the spans of the branches.
#[derive(Debug, Clone)]
pub enum RawNext {
    One(String),
    Branches(Vec<Spanned<RawBranch>>),
}

impl<'de> Deserialize<'de> for RawNext {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawNext;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a node name or a list of { if, goto } branches")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawNext, E> {
                Ok(RawNext::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawNext, A::Error> {
                let mut out = vec![];
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(RawNext::Branches(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBranch {
    #[serde(rename = "if")]
    pub condition: Option<S>,
    pub goto: S,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositifsFile {
    #[serde(default, rename = "dispositif")]
    pub dispositifs: Vec<Spanned<RawDispositif>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDispositif {
    pub id: S,
    pub nom: S,
    pub resume: S,
    pub nature: S,
    #[serde(default)]
    pub porteurs: Vec<S>,
    #[serde(default)]
    pub contacts: Vec<S>,
    #[serde(default)]
    pub themes: Vec<S>,
    #[serde(default)]
    pub etapes: Vec<S>,
    pub conditions: Option<Spanned<RawConditions>>,
    #[serde(default)]
    pub details: Vec<String>,
    pub financement: Option<String>,
    pub charge: Option<String>,
    pub saisine: Option<String>,
    #[serde(default)]
    pub regles_anct: bool,
    #[serde(default)]
    pub mots_cles: Vec<String>,
    pub source: Option<S>,
    pub source_date: Option<S>,
    pub verifie_le: Option<S>,
    pub valable_jusqu_au: Option<S>,
    /// A yearly call: what is said holds for the year of the latest date.
    #[serde(default)]
    pub appel_annuel: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConditions {
    pub population_min: Option<Spanned<i64>>,
    pub population_max: Option<Spanned<i64>>,
    #[serde(default)]
    pub statuts_requis: Vec<S>,
    #[serde(default)]
    pub statuts_exclus: Vec<S>,
    #[serde(default)]
    pub beneficiaires: Vec<S>,
    #[serde(default)]
    pub departements: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActeursFile {
    #[serde(default, rename = "acteur")]
    pub acteurs: Vec<Spanned<RawActeur>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawActeur {
    pub id: S,
    pub nom: S,
    pub sigle: Option<String>,
    pub categorie: S,
    #[serde(default)]
    pub domaines: Vec<String>,
    pub presentation: S,
    pub modalites: Option<String>,
    #[serde(default)]
    pub interventions: Option<Spanned<toml::Table>>,
    #[serde(default)]
    pub contacts: Vec<Spanned<RawSite>>,
    #[serde(default)]
    pub mots_cles: Vec<String>,
    pub source: Option<S>,
    pub source_date: Option<S>,
    pub verifie_le: Option<S>,
    pub valable_jusqu_au: Option<S>,
    /// Département codes the actor serves (empty: everywhere).
    #[serde(default)]
    pub departements: Vec<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub libelle: S,
    pub adresse: Option<String>,
    pub telephone: Option<S>,
    pub fax: Option<S>,
    pub email: Option<S>,
    pub web: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemesFile {
    #[serde(default, rename = "theme")]
    pub themes: Vec<Spanned<RawTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtapesFile {
    #[serde(default, rename = "etape")]
    pub etapes: Vec<Spanned<RawTerm>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    pub id: S,
    pub nom: S,
    #[serde(default)]
    pub synonymes: Vec<S>,
    /// Étapes only.
    pub amont: Option<Spanned<bool>>,
    /// Étapes only.
    pub travaux: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BesoinsFile {
    #[serde(default, rename = "besoin")]
    pub besoins: Vec<Spanned<RawBesoin>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBesoin {
    pub id: S,
    pub nom: S,
    #[serde(default)]
    pub synonymes: Vec<S>,
    pub natures: Vec<S>,
    #[serde(default)]
    pub financement: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HorsChampFile {
    #[serde(default, rename = "sujet")]
    pub sujets: Vec<Spanned<RawHorsChamp>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHorsChamp {
    pub id: S,
    pub nom: S,
    pub mots: Vec<S>,
    pub porte: S,
    pub source: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatutsFile {
    #[serde(default, rename = "statut")]
    pub statuts: Vec<Spanned<RawStatut>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatut {
    pub id: S,
    pub nom: S,
    pub explication: S,
    #[serde(default)]
    pub synonymes: Vec<S>,
    pub source: Option<S>,
    pub source_date: Option<S>,
    pub verifie_le: Option<S>,
    pub valable_jusqu_au: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaireFile {
    #[serde(default, rename = "sigle")]
    pub sigles: Vec<Spanned<RawSigle>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigle {
    pub sigle: S,
    pub developpe: S,
    pub definition: S,
    #[serde(default)]
    pub voir: Vec<S>,
    pub source: Option<S>,
}

/// `dialogues/vocabulaire.toml`: groups of phrases by name.
pub type VocabFile = std::collections::BTreeMap<Spanned<String>, Spanned<RawGroupe>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroupe {
    /// What the group means, for the agents reading the file.
    #[allow(dead_code)]
    pub sens: Option<String>,
    #[serde(default)]
    pub fr: Vec<S>,
    #[serde(default)]
    pub en: Vec<S>,
}

/// `data/listes/*.toml`: a list of items a questionnaire walks through.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListeFile {
    pub liste: Spanned<RawListeHead>,
    #[serde(default, rename = "element")]
    pub elements: Vec<Spanned<toml::Table>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawListeHead {
    pub id: S,
    pub nom: S,
    pub source: Option<S>,
    #[serde(default)]
    pub champs: Vec<Spanned<RawChamp>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChamp {
    pub id: S,
    #[serde(rename = "type")]
    pub kind: S,
    pub libelle: S,
}

/// `data/fraicheur.toml`: how old information may get before it is to be confirmed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FraicheurFile {
    pub age_max_mois: Spanned<i64>,
}
