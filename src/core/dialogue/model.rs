//! A validated dialogue: nodes that say, ask, store and branch.
//!
//! Built by the content loader from `dialogues/*.toml`; node references are indexes, checked once.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The kind of answer a node expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    Commune,
    Number,
    Choice,
    Multi,
    YesNo,
    Text,
    /// How to reach the person: an email address and/or a phone number.
    Contact,
}

impl AnswerKind {
    pub const NAMES: &'static [&'static str] = &["commune", "number", "choice", "multi", "yes-no", "text", "contact"];

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "commune" => Self::Commune,
            "number" | "nombre" => Self::Number,
            "choice" | "choix" => Self::Choice,
            "multi" => Self::Multi,
            "yes-no" | "oui-non" => Self::YesNo,
            "text" | "texte" => Self::Text,
            "contact" => Self::Contact,
            _ => return None,
        })
    }

    /// The name written in dialogue files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Number => "number",
            Self::Choice => "choice",
            Self::Multi => "multi",
            Self::YesNo => "yes-no",
            Self::Text => "text",
            Self::Contact => "contact",
        }
    }

    /// Suffix of the Fluent ids used for this kind (`incompris-nombre`, `aide-nombre`…).
    #[must_use]
    pub fn message_suffix(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Number => "nombre",
            Self::Choice | Self::Multi => "choix",
            Self::YesNo => "oui-non",
            Self::Text => "texte",
            Self::Contact => "contact",
        }
    }
}

/// What a choice shows: a Fluent message (dialogue choices) or a label from data (themes…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Message(String),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: Label,
    /// Folded words and phrases that also select this choice.
    pub aussi: Vec<String>,
}

/// Values the engine can propose for confirmation instead of asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propose {
    /// The INSEE population of the commune already given.
    PopulationCommune,
    /// The programme statuses recorded for that commune.
    StatutsCommune,
    /// The address the person writes from, when the platform gives one (a Tchap address).
    AdressePlateforme,
}

impl Propose {
    pub const NAMES: &'static [&'static str] = &["population-commune", "statuts-commune", "adresse-plateforme"];

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "population-commune" => Some(Self::PopulationCommune),
            "statuts-commune" => Some(Self::StatutsCommune),
            "adresse-plateforme" => Some(Self::AdressePlateforme),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Match the profile and show the dispositifs.
    Resultats,
    /// Explain the programme statuses and what the commune data says.
    ExpliquerStatuts,
    /// Sum up the answers given for each item of a loop (see [`Resume`]).
    Resume,
    /// Show the request to the single entry point as it will be sent (from the roles).
    DemandeApercu,
    /// Send it: the bot keeps it with the turn and delivers it.
    DemandeEnvoi,
}

impl Action {
    pub const NAMES: &'static [&'static str] =
        &["resultats", "expliquer-statuts", "resume", "demande-apercu", "demande-envoi"];

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "resultats" => Some(Self::Resultats),
            "expliquer-statuts" => Some(Self::ExpliquerStatuts),
            "resume" => Some(Self::Resume),
            "demande-apercu" => Some(Self::DemandeApercu),
            "demande-envoi" => Some(Self::DemandeEnvoi),
            _ => None,
        }
    }

    /// An action that ends a dialogue on a reply (the node then waits for no answer).
    #[must_use]
    pub fn ends(self) -> bool {
        matches!(self, Self::Resultats | Self::Resume | Self::DemandeEnvoi)
    }
}

/// A loop node: the nodes from `corps` on are done once for each item of a list from data,
/// their answers kept per item; entering the loop node again moves to the next item, and after
/// the last one the dialogue goes on at the node's `next`.
#[derive(Debug, Clone)]
pub struct Boucle {
    /// The list's id (`data/listes/`).
    pub liste: String,
    pub filtre: Option<Filtre>,
    /// Index of the first node of the body.
    pub corps: usize,
}

/// Keeps the items whose field `champ` equals the value of `slot` (as an id), unless the slot
/// holds `tous` (or "je ne sais pas").
#[derive(Debug, Clone)]
pub struct Filtre {
    pub champ: String,
    pub slot: String,
    pub tous: Option<String>,
}

/// What `action = "resume"` sums up: the items of a loop node, and for each the answers of some
/// slots under a column title (a Fluent id).
#[derive(Debug, Clone)]
pub struct Resume {
    pub boucle: String,
    pub colonnes: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contient,
    Connu,
    Inconnu,
}

/// `slot op value`, e.g. `statuts contient nsp`, `population < 1500`, `theme connu`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub slot: String,
    pub op: Op,
    pub value: String,
}

impl Condition {
    /// Parses the small condition language of dialogue files.
    ///
    /// # Errors
    /// A French sentence saying what is wrong, for `check`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split_whitespace().collect();
        let (slot, op, value) = match parts.as_slice() {
            [slot, "connu"] | [slot, "est", "connu"] => (*slot, Op::Connu, ""),
            [slot, "inconnu"] | [slot, "est", "inconnu"] => (*slot, Op::Inconnu, ""),
            [slot, op, value] => {
                let op = match *op {
                    "=" | "==" | "est" => Op::Eq,
                    "!=" => Op::Ne,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "contient" | "contains" => Op::Contient,
                    other => {
                        return Err(format!(
                            "opérateur inconnu « {other} » (attendu : =, !=, <, <=, >, >=, contient, connu, inconnu)"
                        ));
                    }
                };
                (*slot, op, *value)
            }
            _ => {
                return Err("condition illisible : écrivez « case opérateur valeur », par exemple « population < 1500 » ou « statuts contient nsp »".to_owned());
            }
        };
        if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) && value.parse::<i64>().is_err() {
            return Err(format!("« {value} » n'est pas un nombre : les opérateurs <, <=, >, >= comparent des nombres"));
        }
        Ok(Self { slot: slot.to_owned(), op, value: value.to_owned() })
    }
}

#[derive(Debug, Clone)]
pub enum Next {
    End,
    Goto(usize),
    /// The first branch whose condition holds (a branch without condition always holds).
    Branch(Vec<(Option<Condition>, usize)>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    /// Its choices include "je ne sais pas" (`nsp = true` in the file).
    pub nsp_choice: bool,
    pub say: Option<String>,
    pub ask: Option<String>,
    pub reformule: Option<String>,
    pub confirme: Option<String>,
    pub answer: Option<AnswerKind>,
    pub slot: Option<String>,
    pub choices: Vec<Choice>,
    pub propose: Option<Propose>,
    pub action: Option<Action>,
    pub next: Next,
    pub boucle: Option<Boucle>,
    pub resume: Option<Resume>,
    /// Slots cleared when the node is entered (to answer them again: "modifier").
    pub efface: Vec<String>,
    /// The choices' labels, folded, by language: computed once at load, read at every turn.
    pub folded_labels: HashMap<String, Vec<String>>,
}

impl Node {
    /// The folded labels of the choices in `lang` (French when the language is unknown).
    #[must_use]
    pub fn labels(&self, lang: &str) -> &[String] {
        self.folded_labels
            .get(lang)
            .or_else(|| self.folded_labels.get(crate::i18n::REFERENCE))
            .map_or(&[], Vec::as_slice)
    }
}

/// The part a slot plays when the engine matches the catalogue. The dialogue file declares them
/// (`[dialogue.roles]`), so that the engine reads no slot name of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Commune,
    Population,
    Programmes,
    Themes,
    Etape,
    Besoin,
    Porteur,
    /// The project in the person's own words (the forwarded request).
    Description,
    /// The person's name.
    Demandeur,
    /// Their role (maire, adjoint, secrétaire de mairie…).
    Qualite,
    /// How to reach them.
    Contact,
}

impl Role {
    pub const ALL: [(Self, &'static str); 11] = [
        (Self::Commune, "commune"),
        (Self::Population, "population"),
        (Self::Programmes, "programmes"),
        (Self::Themes, "themes"),
        (Self::Etape, "etape"),
        (Self::Besoin, "besoin"),
        (Self::Porteur, "porteur"),
        (Self::Description, "description"),
        (Self::Demandeur, "demandeur"),
        (Self::Qualite, "qualite"),
        (Self::Contact, "contact"),
    ];

    /// The roles a dialogue that forwards a request must declare.
    pub const REQUIRED_FOR_REQUEST: &'static [Self] =
        &[Self::Commune, Self::Description, Self::Demandeur, Self::Qualite, Self::Contact];

    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL[self as usize].1
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(r, _)| *r)
    }

    /// The roles a dialogue that shows results must declare.
    pub const REQUIRED_FOR_RESULTS: &'static [Self] =
        &[Self::Commune, Self::Population, Self::Programmes, Self::Themes, Self::Etape, Self::Besoin];
}

/// Slot names by role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(pub Vec<(Role, String)>);

impl Roles {
    /// The slot that plays `role`, if the dialogue declares it.
    #[must_use]
    pub fn slot(&self, role: Role) -> Option<&str> {
        self.0.iter().find(|(r, _)| *r == role).map(|(_, s)| s.as_str())
    }

    /// The role a slot plays.
    #[must_use]
    pub fn of(&self, slot: &str) -> Option<Role> {
        self.0.iter().find(|(_, s)| s == slot).map(|(r, _)| *r)
    }
}

#[derive(Debug, Clone)]
pub struct Dialogue {
    pub id: String,
    pub start: usize,
    pub nodes: Vec<Node>,
    pub by_id: HashMap<String, usize>,
    pub roles: Roles,
    /// Fluent id of the one-line presentation offered in the greeting.
    pub presentation: Option<String>,
    /// Folded phrases that open this dialogue from anywhere.
    pub declencheurs: Vec<String>,
}

impl Dialogue {
    /// The node that fills `slot`.
    #[must_use]
    pub fn node_of_slot(&self, slot: &str) -> Option<(usize, &Node)> {
        self.nodes.iter().enumerate().find(|(_, n)| n.slot.as_deref() == Some(slot))
    }

    /// The node that fills the slot playing `role`.
    #[must_use]
    pub fn node_of_role(&self, role: Role) -> Option<(usize, &Node)> {
        self.roles.slot(role).and_then(|s| self.node_of_slot(s))
    }
}

impl Dialogue {
    #[must_use]
    pub fn node(&self, id: &str) -> Option<(usize, &Node)> {
        self.by_id.get(id).map(|&i| (i, &self.nodes[i]))
    }
}

/// A slot's value, as stored in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "valeur")]
pub enum Value {
    Number(i64),
    Choice(String),
    Multi(Vec<String>),
    Bool(bool),
    Text(String),
    /// A commune of the Manche, by INSEE code.
    Commune(String),
    /// A commune of another département.
    Ailleurs {
        nom: String,
        departement: String,
        departement_nom: String,
    },
    /// The person does not know, or would rather not say: the question is passed.
    Inconnu,
}

impl Value {
    /// The person said they do not know (the value says nothing of the project).
    #[must_use]
    pub fn is_unknown(&self) -> bool {
        match self {
            Self::Inconnu => true,
            Self::Choice(c) => c == crate::dialogue::parse::NSP,
            Self::Multi(v) => v.iter().any(|x| x == crate::dialogue::parse::NSP),
            _ => false,
        }
    }
}

impl Value {
    /// The value compared by `=`, `!=` and `contient` in conditions.
    #[must_use]
    pub fn matches(&self, op: Op, wanted: &str) -> bool {
        match (self, op) {
            (Self::Number(n), Op::Lt | Op::Le | Op::Gt | Op::Ge | Op::Eq | Op::Ne) => {
                let Ok(w) = wanted.parse::<i64>() else {
                    return false;
                };
                match op {
                    Op::Lt => *n < w,
                    Op::Le => *n <= w,
                    Op::Gt => *n > w,
                    Op::Ge => *n >= w,
                    Op::Eq => *n == w,
                    _ => *n != w,
                }
            }
            (Self::Multi(v), Op::Contient | Op::Eq) => v.iter().any(|x| x == wanted),
            (Self::Multi(v), Op::Ne) => !v.iter().any(|x| x == wanted),
            (Self::Choice(s) | Self::Text(s) | Self::Commune(s), Op::Eq) => s == wanted,
            (Self::Choice(s) | Self::Text(s) | Self::Commune(s), Op::Ne) => s != wanted,
            (Self::Text(s), Op::Contient) => crate::text::fold(s).contains(&crate::text::fold(wanted)),
            (Self::Bool(b), Op::Eq) => *b == matches!(wanted, "oui" | "vrai" | "true"),
            (Self::Bool(b), Op::Ne) => *b != matches!(wanted, "oui" | "vrai" | "true"),
            (Self::Ailleurs { .. }, Op::Eq) => wanted == "hors-manche",
            (Self::Ailleurs { .. }, Op::Ne) => wanted != "hors-manche",
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse() {
        assert_eq!(
            Condition::parse("statuts contient nsp").unwrap(),
            Condition { slot: "statuts".into(), op: Op::Contient, value: "nsp".into() }
        );
        assert_eq!(Condition::parse("theme connu").unwrap().op, Op::Connu);
        assert!(Condition::parse("population < beaucoup").is_err());
        assert!(Condition::parse("population ~ 3").is_err());
        assert!(Condition::parse("n'importe quoi ici et là").is_err());
    }

    #[test]
    fn values_compare() {
        assert!(Value::Number(800).matches(Op::Lt, "1500"));
        assert!(!Value::Number(1600).matches(Op::Lt, "1500"));
        assert!(Value::Multi(vec!["pvd".into()]).matches(Op::Contient, "pvd"));
        assert!(Value::Choice("idee".into()).matches(Op::Eq, "idee"));
    }
}
