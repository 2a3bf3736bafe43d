//! Quick questions: an in-memory inverted index over dispositifs, acteurs, the glossary and the
//! words people use for themes.
//!
//! Accent- and case-insensitive (everything is folded), the vocabulary's stop words dropped,
//! plurals stemmed, one typo forgiven in words of five letters or more (through a table of
//! one-deletion variants built once). Built once per content load; a search allocates only its
//! query terms and two small score tables.
//!
//! Each hit carries a *coverage*: the share of the question's meaning (its terms weighted by how
//! specific they are, unknown words counting as specific) that the document answers, names and
//! keywords counting fully and body text partly. A question whose words mostly go unanswered
//! ("comment refaire ma carte d'identité ?") gets a low coverage even when one ordinary word
//! ("carte") hits something: the bot then says it does not know rather than show a wrong door.

use std::collections::HashMap;

use std::collections::HashSet;

use super::model::Catalogue;
use crate::dialogue::vocab::Vocabulaire;
use crate::text::{fold, stem, words};

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
    /// Share of the question's weight this document answers, from 0 to 1.
    pub coverage: f32,
    /// The question names the document: 2 by its name or acronym ("fonds vert", "EPFN"), 1 by
    /// one of its key phrases ("diagnostic de territoire"), 0 otherwise.
    pub named: u8,
}

impl Hit {
    /// Whether this hit answers at least half of what a document of `coverage` answers: close
    /// enough to that one to be preferred for another reason (named, of the theme, a financing).
    #[must_use]
    pub fn rivals(&self, coverage: f32) -> bool {
        self.coverage * 2.0 >= coverage
    }
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
    /// Term → (document, field weight), and the term's idf.
    postings: HashMap<String, (Vec<(u32, f32)>, f32)>,
    /// The idf of a term found in one document only: the weight of an unknown word.
    max_idf: f32,
    stop: HashSet<String>,
    /// Phrases asking whom to contact, and what something is (from the vocabulary).
    contact: Vec<String>,
    definition: Vec<String>,
    /// One-deletion variants of every term → the terms they come from.
    deletions: HashMap<String, Vec<String>>,
    /// Folded acronyms → glossary index.
    sigles: HashMap<String, usize>,
    /// The phrases that name each document (as search terms), with their level (2: name or
    /// acronym, 1: key phrase).
    names: Vec<Vec<(Vec<String>, u8)>>,
}

/// How many hits a search returns at most.
const MAX_HITS: usize = 32;

const W_NAME: f32 = 3.0;
const W_KEYWORD: f32 = 2.5;
const W_BODY: f32 = 1.0;

impl SearchIndex {
    #[must_use]
    pub fn build(cat: &Catalogue, vocab: &Vocabulaire) -> Self {
        use crate::dialogue::vocab::Groupe;
        let mut idx = Self {
            stop: vocab.list(Groupe::MotsVides).iter().cloned().collect(),
            contact: vocab.list(Groupe::IntentionContact).to_vec(),
            definition: vocab.list(Groupe::IntentionDefinition).to_vec(),
            ..Self::default()
        };
        let mut acc: HashMap<String, HashMap<u32, f32>> = HashMap::new();
        let mut add = |idx: &mut Self, doc: Doc, fields: &[(&str, f32)]| {
            let id = u32::try_from(idx.docs.len()).expect("fewer than 4 billion documents");
            idx.docs.push(doc);
            idx.names.push(vec![]);
            for (text, weight) in fields {
                for term in terms(&idx.stop, text) {
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
        // What names each document: a name of two words or more (a single ordinary word such as
        // "Financement" names nothing), an acronym, a key phrase of two words or more.
        for (k, doc) in idx.docs.clone().into_iter().enumerate() {
            let (names, keys): (Vec<&str>, Vec<&str>) = match doc {
                Doc::Dispositif(i) => {
                    let d = &cat.dispositifs[i];
                    (vec![d.nom.as_str()], d.mots_cles.iter().map(String::as_str).collect())
                }
                Doc::Acteur(i) => {
                    let a = &cat.acteurs[i];
                    (
                        std::iter::once(a.nom.as_str()).chain(a.sigle.as_deref()).collect(),
                        a.mots_cles.iter().map(String::as_str).collect(),
                    )
                }
                Doc::Sigle(i) => (vec![cat.glossaire[i].sigle.as_str(), cat.glossaire[i].developpe.as_str()], vec![]),
                Doc::Theme(_) => (vec![], vec![]),
            };
            let acronyms: Vec<String> = match doc {
                Doc::Acteur(i) => cat.acteurs[i].sigle.iter().map(|s| fold(s)).collect(),
                Doc::Sigle(i) => vec![fold(&cat.glossaire[i].sigle)],
                _ => vec![],
            };
            let mut list = vec![];
            for (phrases, level) in [(names, 2u8), (keys, 1u8)] {
                for p in phrases {
                    let t = terms(&idx.stop, p);
                    let acronym = t.len() == 1 && acronyms.iter().any(|a| stem(a) == t[0]);
                    // Words that half the catalogue shares ("Manche", "territoires") are not
                    // needed to name a document.
                    let distinctive: Vec<String> = t
                        .iter()
                        .filter(|w| acc.get(*w).is_none_or(|docs| docs.len() * 10 < idx.docs.len()))
                        .cloned()
                        .collect();
                    // A key word found in very few documents names them too ("friche").
                    let rare = level == 1 && t.len() == 1 && acc.get(&t[0]).is_some_and(|d| d.len() <= 3);
                    // A phrase of two words or more whose one distinctive word is rare names its
                    // document when all its words are there ("étude juridique").
                    let whole = t.len() >= 2
                        && distinctive.len() == 1
                        && !distinctive[0].contains('-')
                        && acc.get(&distinctive[0]).is_some_and(|d| d.len() <= 3);
                    // In a name, a compound ("Sous-préfectures") says as much as two words; a key
                    // phrase such as "centre-ville" names nothing by itself.
                    let weight: usize =
                        distinctive.iter().map(|w| if w.contains('-') && level == 2 { 2 } else { 1 }).sum();
                    if acronym || rare || whole || weight >= 2 {
                        list.push((if acronym || rare || whole { t } else { distinctive }, level));
                    }
                }
            }
            idx.names[k] = list;
        }
        let n = idx.docs.len() as f32;
        idx.max_idf = (1.0 + n).ln();
        for (term, docs) in acc {
            let idf = (1.0 + n / docs.len() as f32).ln();
            let mut list: Vec<(u32, f32)> = docs.into_iter().collect();
            list.sort_unstable_by_key(|(d, _)| *d);
            for del in deletions(&term) {
                idx.deletions.entry(del).or_default().push(term.clone());
            }
            idx.postings.insert(term, (list, idf));
        }
        idx
    }

    /// The question's search terms (stop words dropped, stemmed).
    #[must_use]
    pub fn query_terms(&self, query: &str) -> Vec<String> {
        terms(&self.stop, query)
    }

    /// Whether a term is known to the index (as typed or within one typo).
    #[must_use]
    pub fn knows(&self, term: &str) -> bool {
        !self.matching_terms(term).is_empty()
    }

    /// The index terms a query term meets: itself, or those within one typo (weight 0.7).
    fn matching_terms(&self, term: &str) -> Vec<(&String, f32)> {
        if let Some((k, _)) = self.postings.get_key_value(term) {
            return vec![(k, 1.0)];
        }
        if term.chars().count() < 5 {
            return vec![];
        }
        let mut near: Vec<&String> = vec![];
        for del in std::iter::once(term.to_owned()).chain(deletions(term)) {
            if let Some(list) = self.deletions.get(&del) {
                near.extend(list.iter().filter(|t| crate::text::within_one_edit(t, term)));
            }
            if del.chars().count() >= 4
                && let Some((k, _)) = self.postings.get_key_value(&del)
            {
                near.push(k);
            }
        }
        near.sort();
        near.dedup();
        near.into_iter().map(|t| (t, 0.7)).collect()
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
        self.search_terms(&self.query_terms(&folded), self.intent(&folded))
    }

    /// Hits for already extracted terms, with the question's intent.
    #[must_use]
    pub fn search_terms(&self, terms: &[String], intent: Intent) -> Vec<Hit> {
        let mut scores: Vec<f32> = vec![0.0; self.docs.len()];
        let mut answered: Vec<f32> = vec![0.0; self.docs.len()];
        let mut total = 0.0;
        let mut matched_terms = 0;
        for term in terms {
            // A compound counts through its words; whole, it only names documents (below).
            if term.contains('-') {
                continue;
            }
            let near = self.matching_terms(term);
            let weight = near.iter().map(|(t, _)| self.postings[*t].1).fold(0.0, f32::max);
            // An unknown word is as specific as the rarest: the question is about something else.
            total += if near.is_empty() { self.max_idf } else { weight };
            if near.is_empty() {
                continue;
            }
            matched_terms += 1;
            // Each document counts a query term once, through its best field and spelling.
            let mut best: HashMap<u32, (f32, f32)> = HashMap::new();
            for (t, typo) in near {
                let (list, idf) = &self.postings[t];
                for (d, w) in list {
                    let e = best.entry(*d).or_insert((0.0, 0.0));
                    e.0 = e.0.max(w * idf * typo);
                    e.1 = e.1.max(idf * typo * (w / W_KEYWORD).min(1.0));
                }
            }
            for (d, (score, cover)) in best {
                scores[d as usize] += score;
                answered[d as usize] += cover;
            }
        }
        if matched_terms == 0 || total <= 0.0 {
            return vec![];
        }
        let present: HashSet<&str> = terms.iter().map(String::as_str).collect();
        let named_level = |d: usize| -> u8 {
            self.names[d]
                .iter()
                .filter(|(t, _)| t.iter().all(|w| present.contains(w.as_str())))
                .map(|(_, l)| *l)
                .max()
                .unwrap_or(0)
        };
        let mut hits: Vec<Hit> = scores
            .into_iter()
            .zip(answered)
            .enumerate()
            .filter(|(_, (s, _))| *s > 0.0)
            .map(|(d, (s, a))| {
                let doc = self.docs[d];
                let boost = match (intent, doc) {
                    (Intent::Definition, Doc::Sigle(_)) => 2.0,
                    (Intent::Contact, Doc::Acteur(_)) => 1.6,
                    (Intent::Contact, Doc::Sigle(_)) => 0.5,
                    _ => 1.0,
                };
                let named = named_level(d);
                // A question that names a document is about it.
                let bonus = match named {
                    2 => 1.6,
                    1 => 1.5,
                    _ => 1.0,
                };
                let coverage = (a / total).min(1.0);
                // What the document leaves unanswered counts against it: of two documents that
                // both hit, the one that answers more of the question comes first.
                Hit { doc, score: s * boost * bonus * (0.25 + coverage), coverage, named }
            })
            .collect();
        // Callers read the first few hits: keep the best ones only, then order them. A document
        // the question names by its name or acronym comes first.
        let order =
            |a: &Hit, b: &Hit| b.score.total_cmp(&a.score).then_with(|| doc_order(a.doc).cmp(&doc_order(b.doc)));
        if hits.len() > MAX_HITS {
            hits.select_nth_unstable_by(MAX_HITS, order);
            hits.truncate(MAX_HITS);
        }
        hits.sort_by(order);
        // "Ademe : quels réseaux pour la transition énergétique ?" is about ADEME: a document named
        // by its name or acronym comes first, unless it answers less than half of what the best
        // one does (the acronym "EPF" in a question about the EPFN's land buying).
        // It does not pass a document whose own name holds the words that named it ("fonds vert"
        // names the Fonds vert, and « Fonds vert – ingénierie » too).
        if let Some(first) = hits.first().map(|h| h.coverage)
            && let Some(k) = hits.iter().position(|h| h.named == 2 && h.rivals(first))
            && k > 0
        {
            let naming = self.naming_words(hits[k].doc, &present);
            let start = hits[..k].iter().rposition(|h| self.name_holds(h.doc, &naming)).map_or(0, |p| p + 1);
            hits[start..=k].rotate_right(1);
        }
        hits
    }

    fn index_of(&self, doc: Doc) -> Option<usize> {
        self.docs.iter().position(|x| *x == doc)
    }

    /// The words of the name or acronym by which the question names `doc` (all present).
    fn naming_words(&self, doc: Doc, present: &HashSet<&str>) -> Vec<String> {
        let Some(d) = self.index_of(doc) else {
            return vec![];
        };
        self.names[d]
            .iter()
            .filter(|(t, level)| *level == 2 && t.iter().all(|w| present.contains(w.as_str())))
            .flat_map(|(t, _)| t.iter().cloned())
            .collect()
    }

    /// Whether every word of `words` is in the name (or acronym) of `doc`.
    fn name_holds(&self, doc: Doc, words: &[String]) -> bool {
        let Some(d) = self.index_of(doc).and_then(|d| u32::try_from(d).ok()) else {
            return false;
        };
        !words.is_empty()
            && words.iter().all(|w| {
                self.postings
                    .get(w)
                    .is_some_and(|(list, _)| list.iter().any(|(x, weight)| *x == d && *weight >= W_NAME))
            })
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

/// Search terms of a text: folded words, stop words dropped, stemmed. A hyphenated compound
/// ("sous-préfecture", "tiers-lieux") is a term too, with its hyphen, besides its words: it does
/// not score, but a key phrase that holds it names its document.
fn terms(stop: &HashSet<String>, text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out: Vec<String> = words(&folded).filter(|w| !stop.contains(*w) && w.len() > 1).map(stem).collect();
    for run in folded.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let parts: Vec<String> = run.split('-').filter(|p| !p.is_empty()).map(stem).collect();
        if parts.len() >= 2 {
            out.push(parts.join("-"));
        }
    }
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

impl SearchIndex {
    /// Reads the question's intent from its wording.
    #[must_use]
    pub fn intent(&self, folded: &str) -> Intent {
        let has = |list: &[String]| list.iter().any(|p| crate::text::contains_phrase(folded, p));
        if has(&self.contact) {
            Intent::Contact
        } else if has(&self.definition) {
            Intent::Definition
        } else {
            Intent::Any
        }
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
                amont: false,
                travaux: false,
            }],
            ..Catalogue::default()
        };
        c.index();
        c
    }

    #[test]
    fn acronym_with_typo_and_accents() {
        let idx = SearchIndex::build(&cat(), &crate::dialogue::vocab::tests::shipped());
        assert_eq!(idx.search("c'est quoi la DETR ?")[0].doc, Doc::Sigle(0));
        assert_eq!(idx.search("dotation equipement")[0].doc, Doc::Sigle(0));
        assert_eq!(idx.search("on a des friches")[0].doc, Doc::Theme(0));
        assert_eq!(idx.search("on a une fricheq")[0].doc, Doc::Theme(0));
        assert!(idx.search("le la les").is_empty());
        // An unknown word weighs: the coverage drops.
        assert!(idx.search("detr")[0].coverage > 0.99);
        assert!(idx.search("detr epouvantail rhubarbe")[0].coverage < 0.5);
    }

    /// On the shipped catalogue: what a question names comes first, within limits.
    #[test]
    fn compounds_and_names_on_the_shipped_catalogue() {
        let content = crate::content::shipped().content.expect("shipped content");
        let cat = &content.catalogue;
        let first = |q: &str| match content.search.search(q)[0].doc {
            Doc::Acteur(i) => cat.acteurs[i].id.clone(),
            Doc::Dispositif(i) => cat.dispositifs[i].id.clone(),
            Doc::Sigle(i) => cat.glossaire[i].sigle.clone(),
            Doc::Theme(i) => cat.themes[i].id.clone(),
        };
        // "Sous-préfecture" is one thing, not "sous" and "préfecture".
        assert_eq!(first("la sous-prefecture peut nous accompagner sur un projet ?"), "sous-prefectures");
        // Named by its acronym: first, though another document shares more words.
        let ademe = "Ademe : quels réseaux pour accompagner les collectivités dans la transition énergétique ?";
        assert_eq!(first(ademe), "ademe");
        // Not ahead of a document whose own name holds the words that named it…
        let fv = "le fonds vert peut payer un chargé de mission pour notre plan de transition écologique ?";
        assert_eq!(first(fv), "fonds-vert-ingenierie");
        // … nor of one that answers more than twice as much of the question.
        assert_eq!(first("EPF Normandie peut racheter une friche en centre bourg pour nous ?"), "portage-epfn");
    }
}
