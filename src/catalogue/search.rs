//! Quick questions: an in-memory inverted index over dispositifs, acteurs, the glossary and the
//! words people use for themes.
//!
//! Accent- and case-insensitive (everything is folded), French stop words dropped, plurals
//! stemmed, one typo forgiven in words of five letters or more (through a table of one-deletion
//! variants built once). Built once per content load; a search allocates only its query terms and
//! a small score table.

use std::collections::HashMap;

use super::model::Catalogue;
use crate::text::{fold, is_stop_word, stem, words};

/// What a hit points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Doc {
    Dispositif(usize),
    Acteur(usize),
    Sigle(usize),
    Theme(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub doc: Doc,
    pub score: f32,
}

/// What the question asks for, read from its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// "c'est quoi", "que veut dire": a definition.
    Definition,
    /// "qui contacter", "à qui s'adresser": an actor.
    Contact,
    Any,
}

#[derive(Debug, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// One-deletion variants of every term → the terms they come from.
    deletions: HashMap<String, Vec<String>>,
    /// Folded acronyms → glossary index.
    sigles: HashMap<String, usize>,
}

/// How many hits a search returns at most.
const MAX_HITS: usize = 32;

const W_NAME: f32 = 3.0;
const W_KEYWORD: f32 = 2.5;
const W_BODY: f32 = 1.0;

impl SearchIndex {
    #[must_use]
    pub fn build(cat: &Catalogue) -> Self {
        let mut idx = Self::default();
        let mut acc: HashMap<String, HashMap<u32, f32>> = HashMap::new();
        let mut add = |idx: &mut Self, doc: Doc, fields: &[(&str, f32)]| {
            let id = u32::try_from(idx.docs.len()).expect("fewer than 4 billion documents");
            idx.docs.push(doc);
            for (text, weight) in fields {
                for term in terms(text) {
                    let slot = acc.entry(term).or_default().entry(id).or_insert(0.0);
                    // The best field counts, repeated words don't pile up.
                    *slot = slot.max(*weight);
                }
            }
        };
        for (i, d) in cat.dispositifs.iter().enumerate() {
            let kw = d.mots_cles.join(" ");
            let details = d.details.join(" ");
            let body = format!("{} {} {}", d.resume, details, d.financement.as_deref().unwrap_or(""));
            add(&mut idx, Doc::Dispositif(i), &[(&d.nom, W_NAME), (&kw, W_KEYWORD), (&body, W_BODY)]);
        }
        for (i, a) in cat.acteurs.iter().enumerate() {
            let kw = format!("{} {} {}", a.mots_cles.join(" "), a.domaines.join(" "), a.sigle.as_deref().unwrap_or(""));
            let inter: Vec<&str> = a.interventions.iter().map(|(_, t)| t.as_str()).collect();
            let body = format!("{} {} {}", a.presentation, inter.join(" "), a.modalites.as_deref().unwrap_or(""));
            add(&mut idx, Doc::Acteur(i), &[(&a.nom, W_NAME), (&kw, W_KEYWORD), (&body, W_BODY * 0.6)]);
        }
        for (i, s) in cat.glossaire.iter().enumerate() {
            idx.sigles.insert(fold(&s.sigle), i);
            add(
                &mut idx,
                Doc::Sigle(i),
                &[(&s.sigle, W_NAME * 1.5), (&s.developpe, W_KEYWORD), (&s.definition, W_BODY * 0.5)],
            );
        }
        for (i, t) in cat.themes.iter().enumerate() {
            let syn = t.synonymes.join(" ");
            add(&mut idx, Doc::Theme(i), &[(&t.nom, W_KEYWORD), (&syn, W_KEYWORD)]);
        }
        let n = idx.docs.len() as f32;
        for (term, docs) in acc {
            let idf = (1.0 + n / docs.len() as f32).ln();
            let mut list: Vec<(u32, f32)> = docs.into_iter().map(|(d, w)| (d, w * idf)).collect();
            list.sort_unstable_by_key(|(d, _)| *d);
            for del in deletions(&term) {
                idx.deletions.entry(del).or_default().push(term.clone());
            }
            idx.postings.insert(term, list);
        }
        idx
    }

    /// The acronym of the glossary that `word` is, if any.
    #[must_use]
    pub fn sigle(&self, word: &str) -> Option<usize> {
        self.sigles.get(&fold(word)).copied()
    }

    /// Hits for `query`, best first.
    #[must_use]
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let folded = fold(query);
        let intent = intent(&folded);
        let mut scores: Vec<f32> = vec![0.0; self.docs.len()];
        let mut matched_terms = 0;
        for term in terms(&folded) {
            let mut found = false;
            if let Some(list) = self.postings.get(&term) {
                found = true;
                for (d, w) in list {
                    scores[*d as usize] += w;
                }
            } else if term.chars().count() >= 5 {
                // One typo: a deletion on either side meets.
                let mut near: Vec<&String> = vec![];
                for del in std::iter::once(term.clone()).chain(deletions(&term)) {
                    if let Some(list) = self.deletions.get(&del) {
                        near.extend(list.iter().filter(|t| crate::text::within_one_edit(t, &term)));
                    }
                    if self.postings.contains_key(&del) && del.chars().count() >= 4 {
                        near.push(self.postings.get_key_value(&del).map(|(k, _)| k).expect("present"));
                    }
                }
                near.sort();
                near.dedup();
                for t in near {
                    found = true;
                    for (d, w) in &self.postings[t] {
                        scores[*d as usize] += w * 0.7;
                    }
                }
            }
            matched_terms += usize::from(found);
        }
        if matched_terms == 0 {
            return vec![];
        }
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .enumerate()
            .filter(|(_, s)| *s > 0.0)
            .map(|(d, s)| {
                let doc = self.docs[d];
                let boost = match (intent, doc) {
                    (Intent::Definition, Doc::Sigle(_)) => 2.0,
                    (Intent::Contact, Doc::Acteur(_)) => 1.6,
                    (Intent::Contact, Doc::Sigle(_)) => 0.5,
                    _ => 1.0,
                };
                Hit { doc, score: s * boost }
            })
            .collect();
        // Callers read the first few hits: keep the best ones only, then order them.
        let order =
            |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then_with(|| doc_order(a.doc).cmp(&doc_order(b.doc)));
        if hits.len() > MAX_HITS {
            hits.select_nth_unstable_by(MAX_HITS, order);
            hits.truncate(MAX_HITS);
        }
        hits.sort_by(order);
        hits
    }
}

fn doc_order(d: Doc) -> (u8, usize) {
    match d {
        Doc::Sigle(i) => (0, i),
        Doc::Dispositif(i) => (1, i),
        Doc::Acteur(i) => (2, i),
        Doc::Theme(i) => (3, i),
    }
}

/// Search terms of a text: folded words, stop words dropped, stemmed.
fn terms(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out: Vec<String> = words(&folded).filter(|w| !is_stop_word(w) && w.len() > 1).map(stem).collect();
    out.sort();
    out.dedup();
    out
}

fn deletions(term: &str) -> Vec<String> {
    let chars: Vec<char> = term.chars().collect();
    if chars.len() < 4 {
        return vec![];
    }
    (0..chars.len()).map(|i| chars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect()).collect()
}

/// Reads the question's intent from its wording.
#[must_use]
pub fn intent(folded: &str) -> Intent {
    const DEF: &[&str] = &[
        "c'est quoi",
        "c est quoi",
        "cest quoi",
        "qu'est-ce",
        "qu'est ce",
        "quest ce",
        "que veut dire",
        "que signifie",
        "signifie",
        "definition",
        "ca veut dire",
        "kesako",
        "ca donne droit",
        "a quoi sert",
    ];
    const CONTACT: &[&str] = &[
        "qui contacter",
        "qui appeler",
        "a qui",
        "qui peut",
        "contacter",
        "contact",
        "joindre",
        "coordonnees",
        "telephone",
        "adresse",
        "qui s'occupe",
        "interlocuteur",
    ];
    if CONTACT.iter().any(|p| folded.contains(p)) {
        Intent::Contact
    } else if DEF.iter().any(|p| folded.contains(p)) {
        Intent::Definition
    } else {
        Intent::Any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::{Sigle, Term};

    fn cat() -> Catalogue {
        let mut c = Catalogue {
            glossaire: vec![Sigle {
                sigle: "DETR".into(),
                developpe: "Dotation d'équipement des territoires ruraux".into(),
                definition: "Subvention de l'État aux communes rurales.".into(),
                voir: vec![],
                source: "t".into(),
            }],
            themes: vec![Term {
                id: "foncier".into(),
                nom: "Foncier".into(),
                synonymes: vec!["friche".into(), "terrain".into()],
            }],
            ..Catalogue::default()
        };
        c.index();
        c
    }

    #[test]
    fn acronym_with_typo_and_accents() {
        let idx = SearchIndex::build(&cat());
        assert_eq!(idx.search("c'est quoi la DETR ?")[0].doc, Doc::Sigle(0));
        assert_eq!(idx.search("dotation equipement")[0].doc, Doc::Sigle(0));
        assert_eq!(idx.search("on a des friches")[0].doc, Doc::Theme(0));
        assert_eq!(idx.search("on a une fricheq")[0].doc, Doc::Theme(0));
        assert!(idx.search("le la les").is_empty());
    }
}
