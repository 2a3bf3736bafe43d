//! The dead-end walk: every question of every dialogue answered with "je ne sais pas", with
//! nonsense and with an empty message, again and again, must let the person move on. Also: no
//! question announces a list (its text ends with « : ») without showing one.
//!
//! Run by the content loader (so `check` and a reload refuse a dialogue that traps people) and
//! by the tests. Pure: it drives [`super::step`] on fresh sessions.

use super::model::{AnswerKind, Dialogue, Node};
use super::session::{Pending, Session};
use crate::content::Content;
use crate::reply::Reply;

/// What a person may type that the walk tries at every question.
pub const BAD_ANSWERS: &[&str] = &["je ne sais pas", "xqzw blorp", ""];

/// Turns of the same bad answer after which a question that still holds the person is a trap.
const PATIENCE: usize = 6;

/// A problem found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadEnd {
    pub dialogue: String,
    pub node: String,
    /// The answer that loops (empty for a list announced but not shown).
    pub answer: String,
    pub kind: DeadEndKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadEndKind {
    /// The same answer, repeated, never leaves the question.
    Loop,
    /// The dialogue, answered with this all along, never ends.
    NeverEnds,
    /// A question whose text announces a list (« : » at the end) shows none.
    ListAnnounced,
}

/// An answer that moves a question on, for reaching the next ones.
fn good_answer(content: &Content, node: &Node, pending: Option<&Pending>) -> String {
    match pending {
        Some(Pending::Confirm { .. }) => {
            return content.vocab.list(super::vocab::Groupe::Oui).last().cloned().unwrap_or_default();
        }
        Some(Pending::Communes { .. }) => return "1".into(),
        None => {}
    }
    match node.answer {
        Some(AnswerKind::Commune) => content.communes.manche.first().map(|c| c.nom.clone()).unwrap_or_default(),
        Some(AnswerKind::Number) => "1000".into(),
        Some(AnswerKind::Choice | AnswerKind::Multi) => "1".into(),
        Some(AnswerKind::YesNo) => content.vocab.list(super::vocab::Groupe::Oui).last().cloned().unwrap_or_default(),
        Some(AnswerKind::Text) | None => "projet".into(),
        Some(AnswerKind::Contact) => "essai@example.org".into(),
    }
}

fn start(content: &Content, d: &Dialogue) -> (Session, Vec<Reply>) {
    let mut s = Session::new(&d.id, "fr", &content.version, 0);
    let greeting = content.vocab.list(super::vocab::Groupe::Salutation).last().cloned().unwrap_or_default();
    let replies = super::step(content, &mut s, &greeting, 0);
    (s, replies)
}

fn node_of<'d>(d: &'d Dialogue, s: &Session) -> Option<&'d Node> {
    s.node.as_deref().and_then(|n| d.node(n)).map(|(_, n)| n)
}

/// Whether the session waits for an answer to a question.
fn asking(d: &Dialogue, s: &Session) -> bool {
    node_of(d, s).is_some_and(|n| n.answer.is_some())
}

/// Walks every dialogue of the content.
#[must_use]
pub fn walk(content: &Content) -> Vec<DeadEnd> {
    let mut out = vec![];
    let mut ids: Vec<&String> = content.dialogues.keys().collect();
    ids.sort();
    for id in ids {
        walk_dialogue(content, &content.dialogues[id], &mut out);
    }
    out.dedup();
    out
}

fn walk_dialogue(content: &Content, d: &Dialogue, out: &mut Vec<DeadEnd>) {
    // A loop asks its questions once per item: the longest walk grows with the lists.
    let items: usize = content.catalogue.listes.iter().map(|l| l.elements.len()).sum();
    let limit = (d.nodes.len() * (PATIENCE + 2) + 4) * (items + 1);
    let lists = |replies: &[Reply], s: &Session, out: &mut Vec<DeadEnd>| {
        for r in replies {
            if let Reply::Ask { id, choices, args } = r
                && choices.is_empty()
                && content.locales.msg("fr", id, args).trim_end().ends_with(':')
            {
                out.push(DeadEnd {
                    dialogue: d.id.clone(),
                    node: s.node.clone().unwrap_or_default(),
                    answer: String::new(),
                    kind: DeadEndKind::ListAnnounced,
                });
            }
        }
    };
    // The whole dialogue answered with the same bad answer must end.
    for bad in BAD_ANSWERS {
        let (mut s, replies) = start(content, d);
        lists(&replies, &s, out);
        let mut turns = 0;
        while asking(d, &s) && turns < limit {
            let replies = super::step(content, &mut s, bad, 0);
            lists(&replies, &s, out);
            turns += 1;
        }
        if asking(d, &s) {
            out.push(DeadEnd {
                dialogue: d.id.clone(),
                node: s.node.clone().unwrap_or_default(),
                answer: (*bad).to_owned(),
                kind: DeadEndKind::NeverEnds,
            });
        }
    }
    // Each question reached by good answers must let go of a repeated bad answer.
    let (mut s, _) = start(content, d);
    let mut visited = std::collections::HashSet::new();
    for _ in 0..limit {
        let Some(node) = node_of(d, &s).filter(|n| n.answer.is_some()) else {
            break;
        };
        let here = (node.id.clone(), s.pending.is_some());
        if !visited.insert(here) {
            break;
        }
        for bad in BAD_ANSWERS {
            let mut probe = s.clone();
            let before = (probe.node.clone(), probe.pending.is_some());
            let mut left = false;
            for _ in 0..PATIENCE {
                let replies = super::step(content, &mut probe, bad, 0);
                lists(&replies, &probe, out);
                if (probe.node.clone(), probe.pending.is_some()) != before || !asking(d, &probe) {
                    left = true;
                    break;
                }
            }
            if !left {
                out.push(DeadEnd {
                    dialogue: d.id.clone(),
                    node: node.id.clone(),
                    answer: (*bad).to_owned(),
                    kind: DeadEndKind::Loop,
                });
            }
        }
        let answer = good_answer(content, node, s.pending.as_ref());
        super::step(content, &mut s, &answer, 0);
    }
}
