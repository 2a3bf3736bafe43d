//! Quick questions ("c'est quoi la DETR ?", "qui contacter pour l'assainissement ?"): the best
//! match with its card, and up to two "voir aussi".

use crate::catalogue::matching::{self, Profil};
use crate::catalogue::search::{Doc, Hit, Intent, intent};
use crate::content::Content;
use crate::i18n::Arg;
use crate::reply::Reply;
use crate::text::fold;

/// How sure the search must be before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// The message is worded as a question.
    Question,
    /// The message was not an answer to the current question: only a clear hit.
    Strong,
    /// Nothing else is expected (after the results): any hit, else say there is none.
    Any,
}

impl Strength {
    fn threshold(self) -> f32 {
        match self {
            Self::Question => 3.0,
            Self::Strong => 7.0,
            Self::Any => 1.5,
        }
    }
}

const QUESTION_STARTS: &[&str] = &[
    "c'est quoi",
    "c est quoi",
    "cest quoi",
    "qu'est-ce",
    "qu'est ce",
    "quest ce",
    "qui ",
    "quoi ",
    "comment ",
    "pourquoi ",
    "quel ",
    "quelle ",
    "quels ",
    "quelles ",
    "ou ",
    "combien ",
    "est-ce",
    "est ce",
    "que veut dire",
    "que signifie",
    "a qui ",
    "aide pour ",
    "on a une ",
    "on a un ",
    "j'ai une question",
    "une question",
    "peut-on ",
    "peut on ",
    "puis-je ",
    "je cherche ",
];

/// The message is worded as a question rather than as an answer.
#[must_use]
pub fn looks_like_question(folded: &str) -> bool {
    let t = folded.trim();
    t.ends_with('?')
        || QUESTION_STARTS.iter().any(|p| t.starts_with(p))
        || t.contains("c'est quoi")
        || t.contains("ca donne droit")
}

/// The answer to a quick question, or `None` when the catalogue has nothing sure enough.
#[must_use]
pub fn answer(content: &Content, input: &str, strength: Strength) -> Option<Vec<Reply>> {
    if let Some(replies) = anct_pays(content, input) {
        return Some(replies);
    }
    let hits = content.search.search(input);
    let top = hits.first()?;
    if top.score < strength.threshold() {
        return None;
    }
    let folded = fold(input);
    let wants = intent(&folded);
    let mut out = vec![];
    let mut shown: Vec<Doc> = vec![top.doc];
    match top.doc {
        Doc::Sigle(i) => {
            out.push(Reply::Sigle { index: i });
            let s = &content.catalogue.glossaire[i];
            // A programme (PVD, ACV…): what being a laureate opens.
            let statut = fold(&s.sigle);
            let opened: Vec<&str> = content
                .catalogue
                .dispositifs
                .iter()
                .filter(|d| d.conditions.statuts_requis.contains(&statut))
                .map(|d| d.id.as_str())
                .collect();
            for id in opened.iter().take(2) {
                out.push(Reply::Dispositif { dispositif: (*id).to_owned() });
                if let Some(doc) = doc_of(content, id) {
                    shown.push(doc);
                }
            }
            if let Some(first) = s.voir.first()
                && let Some(doc) = doc_of(content, first)
            {
                if wants != Intent::Definition || matches!(doc, Doc::Dispositif(_)) {
                    out.push(card(content, doc));
                }
                shown.push(doc);
            }
        }
        Doc::Theme(i) => {
            let theme = &content.catalogue.themes[i];
            out.push(Reply::say_with("question-theme", vec![("theme", Arg::Text(theme.nom.to_lowercase()))]));
            let p = Profil { theme: Some(theme.id.clone()), ..Profil::default() };
            let (specific, _) = matching::top(&content.catalogue, &p, 3, |d| d.themes.contains(&theme.id));
            let specific: Vec<usize> = specific.iter().map(|m| m.dispositif).collect();
            let best = if specific.is_empty() { matching::top(&content.catalogue, &p, 1, |_| true).0 } else { vec![] };
            if let Some(&d) = specific.first().or(best.first().map(|m| &m.dispositif)) {
                out.push(Reply::Dispositif { dispositif: content.catalogue.dispositifs[d].id.clone() });
                shown.push(Doc::Dispositif(d));
            }
            // The other dispositifs of the theme come before unrelated hits.
            let also: Vec<Doc> = specific.iter().skip(1).take(2).map(|&d| Doc::Dispositif(d)).collect();
            if !also.is_empty() {
                out.push(Reply::VoirAussi(also));
                return Some(out);
            }
        }
        doc => out.push(card(content, doc)),
    }
    let also = see_also(content, &hits, &shown, top.score);
    if !also.is_empty() {
        out.push(Reply::VoirAussi(also));
    }
    Some(out)
}

/// "L'ANCT peut-elle financer nos travaux ?": the ANCT's rule said plainly, then what does fund
/// works.
fn anct_pays(content: &Content, input: &str) -> Option<Vec<Reply>> {
    let folded = fold(input);
    let about_anct = crate::text::words(&folded).any(|w| w == "anct");
    let about_money = ["financ", "pay", "subvention", "travaux", "investiss", "maitrise d'oeuvre", "moe", "argent"]
        .iter()
        .any(|k| folded.contains(k));
    if !(about_anct && about_money) {
        return None;
    }
    let works = Profil { etape: Some("realisation".into()), besoin: Some("financement".into()), ..Profil::default() };
    let funding: Vec<Doc> = matching::top_financing(&content.catalogue, &works, 5, |_| true)
        .iter()
        .map(|m| Doc::Dispositif(m.dispositif))
        .collect();
    let mut out = vec![];
    if let Some(i) = content.search.sigle("anct") {
        out.push(Reply::Sigle { index: i });
    }
    out.push(Reply::say("anct-pas-travaux"));
    out.push(Reply::VoirAussi(funding));
    Some(out)
}

fn card(content: &Content, doc: Doc) -> Reply {
    match doc {
        Doc::Dispositif(i) => Reply::Dispositif { dispositif: content.catalogue.dispositifs[i].id.clone() },
        Doc::Acteur(i) => Reply::Card { acteur: content.catalogue.acteurs[i].id.clone() },
        Doc::Sigle(i) => Reply::Sigle { index: i },
        Doc::Theme(i) => Reply::say_with(
            "question-theme",
            vec![("theme", Arg::Text(content.catalogue.themes[i].nom.to_lowercase()))],
        ),
    }
}

fn doc_of(content: &Content, id: &str) -> Option<Doc> {
    let cat = &content.catalogue;
    cat.dispositifs
        .iter()
        .position(|d| d.id == id)
        .map(Doc::Dispositif)
        .or_else(|| cat.acteurs.iter().position(|a| a.id == id).map(Doc::Acteur))
}

/// Up to two more hits worth a look, skipping what was shown and glossary entries pointing at it.
fn see_also(content: &Content, hits: &[Hit], shown: &[Doc], top: f32) -> Vec<Doc> {
    let mut out = vec![];
    for h in hits.iter().skip(1) {
        if out.len() == 2 || h.score < top * 0.35 {
            break;
        }
        if shown.contains(&h.doc) || matches!(h.doc, Doc::Theme(_)) {
            continue;
        }
        if let Doc::Sigle(i) = h.doc {
            let voir = &content.catalogue.glossaire[i].voir;
            if voir.iter().filter_map(|v| doc_of(content, v)).any(|d| shown.contains(&d) || out.contains(&d)) {
                continue;
            }
        }
        out.push(h.doc);
    }
    out
}

/// The dispositif a person names in "pourquoi pas X ?".
#[must_use]
pub fn find_dispositif(content: &Content, name: &str) -> Option<usize> {
    let hits = content.search.search(name);
    hits.iter().find_map(|h| match h.doc {
        Doc::Dispositif(i) => Some(i),
        Doc::Sigle(s) => content.catalogue.glossaire[s]
            .voir
            .iter()
            .find_map(|v| content.catalogue.dispositifs.iter().position(|d| &d.id == v)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_recognised() {
        assert!(looks_like_question("c'est quoi la detr ?"));
        assert!(looks_like_question("qui contacter pour l'assainissement"));
        assert!(looks_like_question("pvd ca donne droit a quoi"));
        assert!(!looks_like_question("genets"));
        assert!(!looks_like_question("2"));
    }
}
