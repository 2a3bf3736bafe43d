//! Questions the bot could not answer, grouped by similarity so that the most frequent gaps in
//! the content come first (`aiguilleur sans-reponse`, `!sans-reponse`).
//!
//! Two questions are alike when their meaningful words (folded, stemmed, small words dropped by
//! the vocabulary) overlap by at least half (Jaccard), or when their folded texts are within a
//! small edit distance. Greedy: each question joins the first group it is alike with.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::dialogue::vocab::Vocabulaire;
use crate::text::{fold, stem, words};

/// A question kept: when, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub at: i64,
    pub text: String,
}

/// Questions alike, with how many times they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The phrasing seen most often (the first seen, on a tie).
    pub exemple: String,
    pub count: usize,
    /// The last time one came (seconds).
    pub last: i64,
    /// Other phrasings, as typed, most frequent first.
    pub variantes: Vec<String>,
}

const ALIKE: f64 = 0.5;

fn key(vocab: &Vocabulaire, text: &str) -> BTreeSet<String> {
    let folded = fold(text);
    words(&folded).filter(|w| w.len() > 1 && !vocab.is_stop_word(w)).map(stem).collect()
}

/// Folded, without the punctuation around it: two phrasings equal up to case, accents and a
/// question mark are one.
fn norm(text: &str) -> String {
    fold(text).trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

fn alike(a: &BTreeSet<String>, b: &BTreeSet<String>, fa: &str, fb: &str) -> bool {
    if fa == fb {
        return true;
    }
    let union = a.union(b).count();
    let shared = a.intersection(b).count();
    #[allow(clippy::cast_precision_loss)]
    let jaccard = if union == 0 { 0.0 } else { shared as f64 / union as f64 };
    jaccard >= ALIKE || strsim::normalized_levenshtein(fa, fb) >= 0.85
}

/// The questions grouped, most frequent group first (then the most recent).
#[must_use]
pub fn group(vocab: &Vocabulaire, questions: &[Question]) -> Vec<Group> {
    struct Acc {
        key: BTreeSet<String>,
        folded: String,
        forms: Vec<(String, usize)>,
        count: usize,
        last: i64,
    }
    let mut groups: Vec<Acc> = vec![];
    for q in questions {
        let text = q.text.trim();
        if text.is_empty() {
            continue;
        }
        let (k, f) = (key(vocab, text), norm(text));
        let g = match groups.iter_mut().position(|g| alike(&g.key, &k, &g.folded, &f)) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Acc { key: k, folded: f.clone(), forms: vec![], count: 0, last: q.at });
                groups.last_mut().expect("just pushed")
            }
        };
        g.count += 1;
        g.last = g.last.max(q.at);
        match g.forms.iter_mut().find(|(t, _)| norm(t) == f) {
            Some(form) => form.1 += 1,
            None => g.forms.push((text.to_owned(), 1)),
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|mut g| {
            // Stable: the first seen wins a tie.
            g.forms.sort_by_key(|f| std::cmp::Reverse(f.1));
            let mut forms = g.forms.into_iter().map(|(t, _)| t);
            let exemple = forms.next().unwrap_or_default();
            Group { exemple, count: g.count, last: g.last, variantes: forms.collect() }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(b.last.cmp(&a.last)));
    out
}

/// The list printed by `aiguilleur sans-reponse`: count, last date, the question and up to
/// `variants` other phrasings.
#[must_use]
pub fn render(groups: &[Group], variants: usize) -> String {
    let mut out = String::new();
    if groups.is_empty() {
        out.push_str("Aucune question sans réponse enregistrée.\n");
        return out;
    }
    let total: usize = groups.iter().map(|g| g.count).sum();
    let _ =
        writeln!(out, "{total} question(s) sans réponse, {} groupe(s), les plus fréquentes d'abord :", groups.len());
    for g in groups {
        let day = crate::catalogue::freshness::Day::from_unix(g.last);
        let _ = writeln!(out, "{:>5} × « {} » (dernière le {day})", g.count, g.exemple);
        for v in g.variantes.iter().take(variants) {
            let _ = writeln!(out, "        aussi : « {v} »");
        }
        if g.variantes.len() > variants {
            let _ = writeln!(out, "        et {} autre(s) formulation(s)", g.variantes.len() - variants);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alike_questions_are_grouped_most_frequent_first() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let content = crate::content::load(root).content.unwrap();
        let q = |at, text: &str| Question { at, text: text.into() };
        let questions = [
            q(1, "Qui s'occupe du déneigement des routes ?"),
            q(2, "Comment obtenir une licence IV ?"),
            q(3, "qui s'occupe du deneigement des routes"),
            q(4, "déneigement des routes communales, qui s'en occupe ?"),
            q(5, "comment obtenir la licence IV pour un bar ?"),
            q(6, "Quel est l'horaire des marées ?"),
        ];
        let groups = group(&content.vocab, &questions);
        assert_eq!(groups.iter().map(|g| g.count).collect::<Vec<_>>(), [3, 2, 1], "{groups:#?}");
        assert_eq!(groups[0].exemple, "Qui s'occupe du déneigement des routes ?");
        assert_eq!(groups[0].last, 4);
        assert_eq!(groups[0].variantes, ["déneigement des routes communales, qui s'en occupe ?"]);
        let text = render(&groups, 3);
        assert!(text.starts_with("6 question(s) sans réponse, 3 groupe(s)"), "{text}");
    }
}
