//! Questions asked instead of answers: quick questions ("c'est quoi la DETR ?"), follow-ups
//! about the card last shown ("qui peut en bénéficier ?"), and questions outside the field.
//!
//! The bot answers with a card only when it is confident: the best document must answer most of
//! the question's meaning ([`Hit::coverage`]) with a score that is not made of one common word.
//! The thresholds were measured on `tests/questions/` with `aiguilleur eval --seuils` (see the
//! README). Below them it says so plainly and gives the one door that fits: the subject's own
//! service for a question outside the field (`data/hors-champ.toml`), the single entry point for
//! anything else.

use super::engine::Turn;
use super::vocab::Groupe;
use crate::catalogue::matching::{self, Profil};
use crate::catalogue::search::{Doc, Hit, Intent};
use crate::content::Content;
use crate::i18n::Arg;
use crate::reply::{Aspect, Reply};
use crate::text::fold;

/// How sure the search must be before answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// The message is worded as a question.
    Question,
    /// The message was not an answer to the current question: only a clear hit.
    Strong,
    /// Nothing else is expected (after the results): answer, or say there is no answer.
    Any,
}

/// The thresholds a hit must pass to be given as the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seuils {
    /// Least share of the question's meaning the document answers.
    pub coverage: f32,
    /// Least score.
    pub score: f32,
}

/// Thresholds for a message worded as a question (measured: see the module header).
pub const QUESTION: Seuils = Seuils { coverage: 0.4, score: 2.0 };
/// Thresholds for a message that was not an answer and not worded as a question.
pub const STRONG: Seuils = Seuils { coverage: 0.75, score: 5.0 };
/// Share of the coverage threshold asked of a hit the question names.
const NAMED_COVERAGE: f32 = 0.5;
/// Coverage above which the catalogue wins over a subject outside the field named in the same
/// question ("qui contacter à la DDTM ?" is about the DDTM, whatever else it says).
const CATALOGUE_WINS: f32 = 0.8;

/// The thresholds in use: [`QUESTION`] and [`STRONG`], unless an evaluation sweeps others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub question: Seuils,
    pub strong: Seuils,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { question: QUESTION, strong: STRONG }
    }
}

impl Strength {
    fn seuils(self, t: &Thresholds) -> Seuils {
        match self {
            Self::Question | Self::Any => t.question,
            Self::Strong => t.strong,
        }
    }
}

/// The message is worded as a question rather than as an answer.
#[must_use]
pub fn looks_like_question(content: &Content, folded: &str) -> bool {
    let v = &content.vocab;
    let t = folded.trim();
    t.ends_with('?') || v.strip_start(Groupe::Question, t).is_some() || v.contains(Groupe::IntentionDefinition, t)
}

/// A long message reduced to what it asks: letter formulas and courtesy dropped, and what it
/// says it is *not* ("ni PVD ni ACV", "pas de subvention") blanked, so that a negated programme
/// or need is never taken for the subject.
#[must_use]
pub fn reduce(content: &Content, folded: &str) -> String {
    let t = content.vocab.remove_all(Groupe::Formules, folded);
    // The commune's name says who asks, not what about ("Saint-Pair-sur-Mer" is no question
    // about the sea).
    let t = match content.communes.find_in_sentence(&t, true) {
        Some(i) => super::answer::without_name(&content.communes, &t, &content.communes.manche[i].nom),
        None => t,
    };
    without_negated(content, &t)
}

/// `t` with every negated mention of a programme, an acronym, a need or a theme blanked.
fn without_negated(content: &Content, t: &str) -> String {
    let v = &content.vocab;
    let cat = &content.catalogue;
    let phrases = cat
        .statuts
        .iter()
        .flat_map(statut_phrases)
        .chain(cat.glossaire.iter().flat_map(|g| [g.sigle.as_str(), g.developpe.as_str()]))
        .chain(cat.besoins.iter().flat_map(|b| b.synonymes.iter().map(String::as_str)))
        .chain(cat.themes.iter().flat_map(|th| th.synonymes.iter().map(String::as_str)));
    let blanks: Vec<(usize, usize)> = phrases.flat_map(|p| negated_mentions(v, t, &fold(p))).collect();
    let mut out = t.to_owned();
    for (a, b) in blanks {
        out.replace_range(a..b, &" ".repeat(b - a));
    }
    out
}

/// Where `phrase` (folded, three letters or more) stands negated in `t`: "pas PVD", "ni PVD".
fn negated_mentions(v: &super::vocab::Vocabulaire, t: &str, phrase: &str) -> Vec<(usize, usize)> {
    if phrase.chars().count() < 3 {
        return vec![];
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    t.match_indices(phrase)
        .map(|(at, _)| (at, at + phrase.len()))
        .filter(|&(at, end)| {
            let bounded = (at == 0 || !word(t.as_bytes()[at - 1])) && (end == t.len() || !word(t.as_bytes()[end]));
            bounded && (super::parse::negated_before(v, t, at) || super::parse::negated_after(v, t, end))
        })
        .collect()
}

/// The programmes the message says the commune is not in ("on n'est pas village d'avenir").
fn negated_statuts<'c>(content: &'c Content, folded: &str) -> Vec<&'c str> {
    content
        .catalogue
        .statuts
        .iter()
        .filter(|s| statut_phrases(s).any(|p| !negated_mentions(&content.vocab, folded, &fold(p)).is_empty()))
        .map(|s| s.id.as_str())
        .collect()
}

/// The ways to name a programme: its name, its id, its synonyms.
fn statut_phrases(s: &crate::catalogue::model::Statut) -> impl Iterator<Item = &str> {
    [s.nom.as_str(), s.id.as_str()].into_iter().chain(s.synonymes.iter().map(String::as_str))
}

/// The aspect a follow-up asks about, read from its wording.
#[must_use]
pub fn aspect_of(content: &Content, folded: &str) -> Option<Aspect> {
    let v = &content.vocab;
    if v.contains(Groupe::SuiviBeneficiaires, folded)
        && let Some(n) = super::parse::population_in_sentence(v, folded)
    {
        return u32::try_from(n).ok().map(Aspect::Population);
    }
    [
        (Groupe::SuiviCumul, Aspect::Cumul),
        (Groupe::SuiviBeneficiaires, Aspect::Beneficiaires),
        (Groupe::SuiviDuree, Aspect::Duree),
        (Groupe::SuiviCout, Aspect::Cout),
        (Groupe::IntentionContact, Aspect::Contact),
        (Groupe::SuiviDemarche, Aspect::Demarche),
    ]
    .into_iter()
    .find(|(g, _)| v.contains(*g, folded))
    .map(|(_, a)| a)
}

/// What a question is about once its form is set aside: the search terms left after removing
/// the words that ask (openers, aspects, intents), numbers and population units.
fn subject_terms(content: &Content, text: &str) -> Vec<String> {
    let v = &content.vocab;
    let mut t = text.to_owned();
    for g in [
        Groupe::SuiviBeneficiaires,
        Groupe::SuiviCout,
        Groupe::SuiviCumul,
        Groupe::SuiviDemarche,
        Groupe::SuiviDuree,
        Groupe::IntentionContact,
        Groupe::IntentionDefinition,
    ] {
        t = v.remove_all(g, &t);
    }
    // "800 habitants" says who asks, not what about.
    t = v.population_regex().replace_all(&t, " ").into_owned();
    if let Some(rest) = v.strip_start(Groupe::Question, &t) {
        t = rest.to_owned();
    }
    content.search.query_terms(&t).into_iter().filter(|w| !w.chars().all(|c| c.is_ascii_digit())).collect()
}

/// The best reading of a question: the whole text, or one of its sentences when it has several
/// (a letter asks in one sentence and explains in the others), whichever is answered best.
#[derive(Debug, Clone)]
pub struct Reading {
    pub hits: Vec<Hit>,
    /// The question's terms, once its form is set aside.
    pub terms: Vec<String>,
    pub intent: Intent,
}

impl Reading {
    #[must_use]
    pub fn top(&self) -> Option<&Hit> {
        self.hits.first()
    }

    /// The best hit, when it passes the thresholds. A question that names the document (its
    /// name, acronym or a key phrase) needs less coverage: the rest of it is context.
    #[must_use]
    pub fn confident(&self, s: Seuils) -> Option<&Hit> {
        self.top().filter(|h| {
            let least = if h.named > 0 { s.coverage * NAMED_COVERAGE } else { s.coverage };
            h.coverage >= least && h.score >= s.score
        })
    }
}

/// Whether the question asks for money and nothing else, by a word of the financing need ("des
/// subventions", "qui finance") and none of another need's ("des subventions pour un
/// diagnostic" asks for a study, which the engineering offers pay for).
fn asks_money(content: &Content, reduced: &str) -> bool {
    let says = |financement: bool| {
        content
            .catalogue
            .besoins
            .iter()
            .filter(|b| b.financement == financement)
            .flat_map(|b| &b.synonymes)
            .any(|s| crate::text::contains_phrase(reduced, &fold(s)))
    };
    says(true) && !says(false)
}

/// For a question asking for money, a financing dispositif (subsidy, aid platform, portage) of
/// the first hits before an engineering one it does not name by its name: "des subventions pour la
/// rénovation énergétique de l'école" is not answered by a study the ANCT pays for.
fn money_first(content: &Content, reading: &Reading, top: Hit) -> Hit {
    let cat = &content.catalogue;
    let Doc::Dispositif(d) = top.doc else {
        return top;
    };
    if top.named == 2 || cat.financing.contains(&d) {
        return top;
    }
    reading
        .hits
        .iter()
        .find(|h| matches!(h.doc, Doc::Dispositif(i) if cat.financing.contains(&i)) && h.rivals(top.coverage))
        .cloned()
        .unwrap_or(top)
}

/// Reads a question (see [`Reading`]).
#[must_use]
pub fn read(content: &Content, folded: &str) -> Reading {
    let reduced = reduce(content, folded);
    let intent = content.search.intent(&reduced);
    let mut candidates = vec![reduced.clone()];
    let sentences: Vec<&str> =
        reduced.split(['.', '?', '!', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect();
    // The whole message first; its sentences one by one only when the whole names nothing.
    let whole = content.search.search_terms(&subject_terms(content, &reduced), intent);
    if sentences.len() > 1 && !whole.iter().take(3).any(|h| h.named > 0) {
        candidates.extend(sentences.iter().map(|s| (*s).to_owned()));
    }
    let mut best: Option<Reading> = None;
    for (k, c) in candidates.into_iter().enumerate() {
        let terms = subject_terms(content, &c);
        // A sentence of one word ("quel accompagnement ?") cannot stand for a whole message.
        if k > 0 && terms.len() < 2 {
            continue;
        }
        let hits = content.search.search_terms(&terms, intent);
        // A sentence wins over the whole text when it names something the whole does not, or
        // answers a clearly larger share of what it asks.
        let better = match (&best, hits.first()) {
            (None, _) => true,
            (Some(b), Some(h)) => b
                .top()
                .is_none_or(|t| (h.named, h.coverage > t.coverage + 0.15) > (t.named, false) && h.named >= t.named),
            (Some(_), None) => false,
        };
        if better {
            best = Some(Reading { hits, terms, intent });
        }
    }
    best.unwrap_or(Reading { hits: vec![], terms: vec![], intent })
}

impl Turn<'_> {
    /// A quick answer. Returns whether something was said; with [`Strength::Any`] something
    /// always is (at worst: no answer, and the single entry point).
    pub(super) fn quick(&mut self, input: &str, strength: Strength) -> bool {
        let folded = fold(input);
        let waiting = self.s.suivi.take().and_then(|k| Aspect::from_key(&k));
        if let Some(replies) = anct_pays(self.content, &folded) {
            self.out.extend(replies);
            return true;
        }
        let reduced = reduce(self.content, &folded);
        let aspect = aspect_of(self.content, &reduced).or(waiting);
        let mut reading = read(self.content, &folded);
        // A programme's own dispositif is no answer for a commune that is not in it, by the
        // message ("on n'est pas village d'avenir mais on voudrait un chef de projet") or by its
        // answers so far.
        let cat = &self.content.catalogue;
        let negated = negated_statuts(self.content, &folded);
        let known = self.profil().statuts;
        let closed = |d: &crate::catalogue::model::Dispositif| {
            let requis = &d.conditions.statuts_requis;
            d.reserved()
                && (requis.iter().all(|r| negated.contains(&r.as_str()))
                    || known.as_ref().is_some_and(|k| !requis.iter().any(|r| k.contains(r))))
        };
        // Named by its name, it is what the question is about ("les chefs de projet Villages
        // d'avenir, c'est pour qui ?"): its card says whom it serves.
        reading.hits.retain(|h| match h.doc {
            _ if h.named == 2 => true,
            Doc::Dispositif(d) => !closed(&cat.dispositifs[d]),
            // An acteur that only serves such dispositifs (the Villages d'avenir project leaders).
            Doc::Acteur(a) => {
                let id = &cat.acteurs[a].id;
                let mut serves =
                    cat.dispositifs.iter().filter(|d| d.contacts.contains(id) || d.porteurs.contains(id)).peekable();
                serves.peek().is_none() || !serves.all(closed)
            }
            _ => true,
        });
        let hors = self.content.catalogue.hors_champ_of(&reduced);
        let confident = reading.confident(strength.seuils(&self.content.thresholds)).cloned();
        // "Qui paie le bureau d'études ?" right after the concertation lot: about that card,
        // which speaks of the same things, not about another one naming them.
        if let Some(aspect) = aspect
            && let Some(subject) = self.subject_hit(&reading)
            && confident.as_ref().is_none_or(|c| c.doc != subject.doc && c.named < 2 && subject.rivals(c.coverage))
        {
            let _ = subject;
            self.followup(aspect);
            return true;
        }
        match (confident, hors) {
            // Outside the field unless the question names what the catalogue found.
            (Some(hit), h)
                if h.is_none() || hit.coverage >= CATALOGUE_WINS || (hit.named > 0 && hit.coverage >= 0.5) =>
            {
                let money = asks_money(self.content, &reduced);
                let hit = if money { money_first(self.content, &reading, hit) } else { hit };
                self.answer_doc(&reading, &hit, aspect, money);
                return true;
            }
            (_, Some(h)) => {
                self.out.push(Reply::HorsChamp { sujet: h.id.clone() });
                return true;
            }
            _ => {}
        }
        // A follow-up without its subject: about what was shown last. With nothing shown, "de
        // quel dispositif parlez-vous ?" only for a message worded as a question: « pas d'email »
        // typed at the contact question is an answer not understood, not a question on a card.
        if let Some(aspect) = aspect
            && reading.terms.iter().all(|t| !self.content.search.knows(t))
            && reading.terms.len() <= 2
            && (self.s.sujet.is_some() || strength == Strength::Any || looks_like_question(self.content, &folded))
        {
            self.followup(aspect);
            return true;
        }
        if strength == Strength::Any {
            self.out.push(Reply::say("question-rien"));
            return true;
        }
        false
    }

    /// The hit for the subject last shown, if the question's words are found in it.
    fn subject_hit(&self, reading: &Reading) -> Option<Hit> {
        let s = self.s.sujet.as_deref()?;
        let cat = &self.content.catalogue;
        let doc = if let Some(d) = s.strip_prefix("dispositif:") {
            Doc::Dispositif(cat.dispositifs.iter().position(|x| x.id == d)?)
        } else {
            Doc::Acteur(cat.acteurs.iter().position(|x| s.strip_prefix("acteur:") == Some(x.id.as_str()))?)
        };
        reading.hits.iter().find(|h| h.doc == doc && h.coverage > 0.0).cloned()
    }

    /// The aspect of the subject last shown, or the question "which one?".
    fn followup(&mut self, aspect: Aspect) {
        let cat = &self.content.catalogue;
        match self.s.sujet.clone() {
            Some(s) => {
                if let Some(d) = s.strip_prefix("dispositif:").filter(|d| cat.dispositif(d).is_some()) {
                    self.out.push(Reply::Suivi { dispositif: Some(d.to_owned()), acteur: None, aspect, seul: true });
                } else if let Some(a) = s.strip_prefix("acteur:").filter(|a| cat.acteur(a).is_some()) {
                    self.out.push(Reply::Suivi { dispositif: None, acteur: Some(a.to_owned()), aspect, seul: true });
                } else {
                    self.ask_which(aspect);
                }
            }
            None => self.ask_which(aspect),
        }
    }

    fn ask_which(&mut self, aspect: Aspect) {
        self.s.suivi = Some(aspect.key());
        self.out.push(Reply::say("suivi-quel-dispositif"));
    }

    /// The answer for a confident hit: its card, an aspect of it, or what a glossary entry or
    /// a theme leads to.
    fn answer_doc(&mut self, reading: &Reading, top: &Hit, aspect: Option<Aspect>, money: bool) {
        let content = self.content;
        let cat = &content.catalogue;
        let mut shown: Vec<Doc> = vec![top.doc];
        // An aspect of a named dispositif ("qui peut bénéficier de la DETR ?"): its card, then
        // the answer to the aspect when the card does not already give it.
        if let Some(aspect) = aspect.filter(|a| !matches!(a, Aspect::Contact | Aspect::Cout | Aspect::Duree))
            && reading.intent != Intent::Definition
        {
            let dispositif = match top.doc {
                Doc::Dispositif(i) => Some(i),
                Doc::Sigle(i) => cat.glossaire[i].voir.iter().find_map(|v| match doc_of(content, v) {
                    Some(Doc::Dispositif(d)) => Some(d),
                    _ => None,
                }),
                _ => None,
            };
            if let Some(d) = dispositif {
                let id = cat.dispositifs[d].id.clone();
                self.out.push(Reply::Dispositif { dispositif: id.clone() });
                self.out.push(Reply::Suivi { dispositif: Some(id), acteur: None, aspect, seul: false });
                return;
            }
        }
        // A theme is a way in, not an answer: a dispositif the question names comes first, and
        // so does anything it names by its name or acronym ("l'expertise du Cerema" in a
        // question about the coast).
        let top = match top.doc {
            Doc::Theme(_) => {
                let near = || reading.hits.iter().take(5);
                // A programme's own dispositif only when named by its name: who is in the
                // programme is not known here.
                let open = |h: &Hit| match h.doc {
                    Doc::Dispositif(d) => h.named == 2 || !cat.dispositifs[d].reserved(),
                    _ => false,
                };
                near()
                    .find(|h| open(h) && h.named > 0 && h.rivals(top.coverage))
                    .or_else(|| near().find(|h| h.named == 2 && !matches!(h.doc, Doc::Theme(_))))
                    .unwrap_or(top)
            }
            _ => top,
        };
        shown[0] = top.doc;
        match top.doc {
            Doc::Sigle(i) => {
                self.out.push(Reply::Sigle { index: i });
                let s = &cat.glossaire[i];
                // A programme (PVD, ACV…): what being a laureate opens.
                let statut = fold(&s.sigle);
                let opened: Vec<&str> = cat
                    .dispositifs
                    .iter()
                    .filter(|d| d.conditions.statuts_requis.contains(&statut))
                    .map(|d| d.id.as_str())
                    .collect();
                for id in opened.iter().take(2) {
                    self.out.push(Reply::Dispositif { dispositif: (*id).to_owned() });
                    if let Some(doc) = doc_of(content, id) {
                        shown.push(doc);
                    }
                }
                if let Some(first) = s.voir.first()
                    && let Some(doc) = doc_of(content, first)
                    && !shown.contains(&doc)
                {
                    if reading.intent != Intent::Definition || matches!(doc, Doc::Dispositif(_)) {
                        self.out.push(card(content, doc));
                    }
                    shown.push(doc);
                }
            }
            Doc::Theme(i) => {
                let theme = &cat.themes[i];
                let p = Profil { themes: vec![theme.id.clone()], ..Profil::default() };
                let (specific, _) = matching::top(cat, &p, usize::MAX, |d| d.themes.contains(&theme.id));
                let mut specific: Vec<usize> = specific.iter().map(|m| m.dispositif).collect();
                // A programme's own dispositif (Action cœur de ville) comes last: the commune
                // is not known yet, and few communes are in a programme.
                let reserved = |d: &usize| cat.dispositifs[*d].reserved();
                // Then the theme's dispositif the question's own words point to ("la boulangerie
                // ferme, racheter le local" → the legal and land studies of commercial
                // premises), when they point to it about as well as to the theme; then the others
                // in their usual order.
                let found = |d: &usize| {
                    reading.hits.iter().take(5).position(|h| {
                        !reserved(d) && h.doc == Doc::Dispositif(*d) && h.rivals(top.coverage) && h.coverage > 0.0
                    })
                };
                // Asked for money: the theme's financing first.
                let paid = |d: &usize| money && !cat.financing.contains(d);
                specific.sort_by_key(|d| (reserved(d), paid(d), found(d).unwrap_or(usize::MAX)));
                // A theme with no financing of its own: the best financing for it.
                if money
                    && specific.first().is_none_or(paid)
                    && let Some(m) = matching::top_financing(cat, &p, 1, |_| true).first()
                {
                    specific.retain(|d| *d != m.dispositif);
                    specific.insert(0, m.dispositif);
                }
                specific.truncate(3);
                // "Le plus indiqué" only when the question's words (or its asking for money) chose
                // it; otherwise a first lead, which the questions that follow refine.
                let chosen = specific.first().is_some_and(|d| found(d).is_some() || (money && !paid(d)));
                let header = if chosen { "question-theme" } else { "question-theme-piste" };
                self.out.push(Reply::say_with(header, vec![("theme", Arg::Text(theme.nom.to_lowercase()))]));
                let best = if specific.is_empty() { matching::top(cat, &p, 1, |_| true).0 } else { vec![] };
                if let Some(&d) = specific.first().or(best.first().map(|m| &m.dispositif)) {
                    self.out.push(Reply::Dispositif { dispositif: cat.dispositifs[d].id.clone() });
                    shown.push(Doc::Dispositif(d));
                }
                // The other dispositifs of the theme come before unrelated hits.
                let also: Vec<Doc> = specific.iter().skip(1).take(2).map(|&d| Doc::Dispositif(d)).collect();
                if !also.is_empty() {
                    self.out.push(Reply::VoirAussi(also));
                    return;
                }
            }
            doc => self.out.push(card(content, doc)),
        }
        let also = see_also(content, &reading.hits, &shown, top.score);
        if !also.is_empty() {
            self.out.push(Reply::VoirAussi(also));
        }
    }
}

/// "L'ANCT peut-elle financer nos travaux ?": the ANCT's rule said plainly, then what does fund
/// works.
fn anct_pays(content: &Content, folded: &str) -> Option<Vec<Reply>> {
    let v = &content.vocab;
    if !(v.contains(Groupe::SujetAnct, folded) && v.contains(Groupe::Argent, folded)) {
        return None;
    }
    let cat = &content.catalogue;
    let works = Profil {
        etape: cat.etape_travaux().map(|e| e.id.clone()),
        besoin: cat.besoin_financement().map(|b| b.id.clone()),
        ..Profil::default()
    };
    let funding: Vec<Doc> =
        matching::top_financing(cat, &works, 5, |_| true).iter().map(|m| Doc::Dispositif(m.dispositif)).collect();
    let mut out = vec![];
    if let Some(i) = v.list(Groupe::SujetAnct).iter().find_map(|w| content.search.sigle(w)) {
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
