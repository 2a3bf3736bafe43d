//! A conversation's state: where it is in the dialogue and what it was told.
//!
//! Stored as JSON after every turn; the format is pinned by a snapshot test, so a change to it is
//! a conscious migration (old fields get `#[serde(default)]`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub dialogue: String,
    /// The node whose question waits for an answer; `None` before the start or after the end.
    pub node: Option<String>,
    pub slots: BTreeMap<String, Value>,
    /// Nodes answered, oldest first, for "retour".
    #[serde(default)]
    pub history: Vec<String>,
    pub lang: String,
    /// Version of the content the session was last run with.
    pub content_version: String,
    pub created: i64,
    pub updated: i64,
    #[serde(default)]
    pub pending: Option<Pending>,
    /// Answers not understood in a row at the current node.
    #[serde(default)]
    pub misses: u8,
    /// Dispositifs of the last result list, in the order shown.
    #[serde(default)]
    pub results: Vec<String>,
    /// The person has been welcomed (and told what is stored).
    #[serde(default)]
    pub greeted: bool,
    /// "oublie-moi" was asked: the next "oui" erases everything stored about the person.
    #[serde(default)]
    pub forget_asked: bool,
    /// The dispositif or acteur last shown on its own (`dispositif:ID`, `acteur:ID`): what a
    /// follow-up without its subject ("qui peut en bénéficier ?") is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sujet: Option<String>,
    /// A follow-up asked when nothing had been shown: the bot asked which dispositif, and will
    /// answer this aspect of the next one named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suivi: Option<String>,
    /// The loop in progress: its node, the items it walks through, the one at hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boucle: Option<LoopState>,
    /// The address the person writes from, when the platform gives a useful one (a Tchap
    /// address): proposed as their contact in a forwarded request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adresse: Option<String>,
    /// This conversation's first results were counted in the statistics (its profile and the
    /// schemes proposed are counted once; « recommencer » starts a new conversation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub results_counted: bool,
    /// The progress of the other dialogues the person started, kept while they are elsewhere.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suspendus: BTreeMap<String, Progress>,
}

/// Where a loop is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopState {
    pub noeud: String,
    pub items: Vec<String>,
    pub index: usize,
}

impl LoopState {
    #[must_use]
    pub fn item(&self) -> Option<&str> {
        self.items.get(self.index).map(String::as_str)
    }
}

/// A dialogue's progress, set aside while the person is in another one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub node: Option<String>,
    #[serde(default)]
    pub slots: BTreeMap<String, Value>,
    #[serde(default)]
    pub history: Vec<String>,
    #[serde(default)]
    pub pending: Option<Pending>,
    #[serde(default)]
    pub results: Vec<String>,
    #[serde(default)]
    pub boucle: Option<LoopState>,
}

impl Session {
    /// Sets the current dialogue's progress aside.
    #[must_use]
    pub fn take_progress(&mut self) -> Progress {
        self.misses = 0;
        Progress {
            node: self.node.take(),
            slots: std::mem::take(&mut self.slots),
            history: std::mem::take(&mut self.history),
            pending: self.pending.take(),
            results: std::mem::take(&mut self.results),
            boucle: self.boucle.take(),
        }
    }

    /// Takes up a dialogue's progress again.
    pub fn restore_progress(&mut self, p: Progress) {
        self.node = p.node;
        self.slots = p.slots;
        self.history = p.history;
        self.pending = p.pending;
        self.results = p.results;
        self.boucle = p.boucle;
        self.misses = 0;
    }
}

/// A question in progress that is not the node's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Pending {
    /// Several communes fit the name given: the person picks one (INSEE codes, in order).
    Communes { insee: Vec<String> },
    /// A value from data proposed for confirmation.
    Confirm { value: Value },
}

impl Session {
    #[must_use]
    pub fn new(dialogue: &str, lang: &str, content_version: &str, now: i64) -> Self {
        Self {
            dialogue: dialogue.to_owned(),
            node: None,
            slots: BTreeMap::new(),
            history: vec![],
            lang: lang.to_owned(),
            content_version: content_version.to_owned(),
            created: now,
            updated: now,
            pending: None,
            misses: 0,
            results: vec![],
            greeted: false,
            forget_asked: false,
            sujet: None,
            suivi: None,
            boucle: None,
            adresse: None,
            results_counted: false,
            suspendus: BTreeMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_format_is_stable() {
        let mut s = Session::new("orientation", "fr", "abc", 1_700_000_000);
        s.node = Some("population".into());
        s.slots.insert("commune".into(), Value::Commune("50199".into()));
        s.slots.insert("statuts".into(), Value::Multi(vec!["pvd".into()]));
        s.pending = Some(Pending::Confirm { value: Value::Number(451) });
        s.history.push("commune".into());
        s.greeted = true;
        insta::assert_snapshot!(serde_json::to_string_pretty(&s).unwrap());
        let back: Session = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }
}
