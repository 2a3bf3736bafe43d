//! The words the bot recognises in what people type, loaded from `dialogues/vocabulaire.toml`.
//!
//! Nothing French is written here: this module only knows the *groups* (yes, no, "je ne sais
//! pas", commands, negations…) and how each is matched (whole message, start of message, phrase
//! anywhere on word boundaries). The words themselves are content that agents extend without
//! Rust; the content loader validates them and builds a [`Vocabulaire`].

use std::collections::HashSet;

use regex::Regex;

use crate::text::contains_phrase;

/// A group of the vocabulary file. The names are read by the program: `check` refuses others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Groupe {
    Oui,
    Non,
    NeSaisPas,
    Merci,
    Salutation,
    Aide,
    Retour,
    Recommencer,
    Stop,
    Oubli,
    Details,
    PourquoiPas,
    Question,
    IntentionDefinition,
    IntentionContact,
    SuiviBeneficiaires,
    SuiviCout,
    SuiviCumul,
    SuiviDemarche,
    SuiviDuree,
    Negation,
    NegationApres,
    Coupure,
    Hesitation,
    Correction,
    MotsVides,
    MotsTropCourants,
    Formules,
    Habitants,
    Milliers,
    Numero,
    Separateurs,
    Argent,
    SujetAnct,
    CommuneIndices,
    CommuneDebuts,
    CommuneFins,
    Abreviations,
    Alertes,
    AlertesListe,
    AlertesStop,
    CommandeAide,
    CommandeRecharger,
    CommandeDemandes,
    CommandeStats,
    CommandeSansReponse,
    DiscordOrienter,
    DiscordQuestion,
}

impl Groupe {
    /// Every group with its name in the file, in the order of the shipped file.
    pub const ALL: [(Self, &'static str); 48] = [
        (Self::Oui, "oui"),
        (Self::Non, "non"),
        (Self::NeSaisPas, "ne-sais-pas"),
        (Self::Merci, "merci"),
        (Self::Salutation, "salutation"),
        (Self::Aide, "aide"),
        (Self::Retour, "retour"),
        (Self::Recommencer, "recommencer"),
        (Self::Stop, "stop"),
        (Self::Oubli, "oubli"),
        (Self::Details, "details"),
        (Self::PourquoiPas, "pourquoi-pas"),
        (Self::Question, "question"),
        (Self::IntentionDefinition, "intention-definition"),
        (Self::IntentionContact, "intention-contact"),
        (Self::SuiviBeneficiaires, "suivi-beneficiaires"),
        (Self::SuiviCout, "suivi-cout"),
        (Self::SuiviCumul, "suivi-cumul"),
        (Self::SuiviDemarche, "suivi-demarche"),
        (Self::SuiviDuree, "suivi-duree"),
        (Self::Negation, "negation"),
        (Self::NegationApres, "negation-apres"),
        (Self::Coupure, "coupure"),
        (Self::Hesitation, "hesitation"),
        (Self::Correction, "correction"),
        (Self::MotsVides, "mots-vides"),
        (Self::MotsTropCourants, "mots-trop-courants"),
        (Self::Formules, "formules"),
        (Self::Habitants, "habitants"),
        (Self::Milliers, "milliers"),
        (Self::Numero, "numero"),
        (Self::Separateurs, "separateurs"),
        (Self::Argent, "argent"),
        (Self::SujetAnct, "sujet-anct"),
        (Self::CommuneIndices, "commune-indices"),
        (Self::CommuneDebuts, "commune-debuts"),
        (Self::CommuneFins, "commune-fins"),
        (Self::Abreviations, "abreviations"),
        (Self::Alertes, "alertes"),
        (Self::AlertesListe, "alertes-liste"),
        (Self::AlertesStop, "alertes-stop"),
        (Self::CommandeAide, "commande-aide"),
        (Self::CommandeRecharger, "commande-recharger"),
        (Self::CommandeDemandes, "commande-demandes"),
        (Self::CommandeStats, "commande-stats"),
        (Self::CommandeSansReponse, "commande-sans-reponse"),
        (Self::DiscordOrienter, "discord-orienter"),
        (Self::DiscordQuestion, "discord-question"),
    ];

    #[must_use]
    pub fn name(self) -> &'static str {
        Self::ALL[self as usize].1
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == s).map(|(g, _)| *g)
    }

    /// The groups naming a command (`!stats`, Discord's `/orienter`): one word each, no space.
    #[must_use]
    pub fn is_command(self) -> bool {
        matches!(
            self,
            Self::CommandeAide
                | Self::CommandeRecharger
                | Self::CommandeDemandes
                | Self::CommandeStats
                | Self::CommandeSansReponse
                | Self::DiscordOrienter
                | Self::DiscordQuestion
        )
    }

    /// Groups whose words answer one question in opposite ways: a phrase may not be in two.
    pub const EXCLUSIVE: &'static [&'static [Self]] = &[
        &[Self::Oui, Self::Non, Self::NeSaisPas],
        &[Self::Aide, Self::Retour, Self::Recommencer, Self::Stop, Self::Oubli],
        &[Self::Alertes, Self::AlertesListe, Self::AlertesStop],
        &[
            Self::CommandeAide,
            Self::CommandeRecharger,
            Self::CommandeDemandes,
            Self::CommandeStats,
            Self::CommandeSansReponse,
        ],
        &[Self::DiscordOrienter, Self::DiscordQuestion],
    ];
}

/// The validated vocabulary: each group's phrases, folded, longest first (so that a longer
/// phrase wins over its own beginning), plus what is derived from them once.
#[derive(Debug, Clone)]
pub struct Vocabulaire {
    groups: Vec<Vec<String>>,
    /// Each group's first phrase as the file gives it (a command's name).
    firsts: Vec<Option<String>>,
    stop: HashSet<String>,
    number: Regex,
    population: Regex,
}

impl Default for Vocabulaire {
    fn default() -> Self {
        Self::new(vec![vec![]; Groupe::ALL.len()])
    }
}

/// The text between the end of `t` and its first or last alphanumeric character.
fn trimmed(t: &str) -> &str {
    t.trim_matches(|c: char| !c.is_alphanumeric()).trim()
}

fn alternation(words: &[String]) -> String {
    let mut w: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    if w.is_empty() {
        // A group left empty matches nothing.
        w.push("\u{0}".into());
    }
    w.join("|")
}

impl Vocabulaire {
    /// Builds the vocabulary from each group's folded phrases, in [`Groupe::ALL`] order.
    #[must_use]
    pub fn new(mut groups: Vec<Vec<String>>) -> Self {
        groups.resize(Groupe::ALL.len(), vec![]);
        let firsts = groups.iter().map(|g| g.iter().find(|w| !w.is_empty()).cloned()).collect();
        for g in &mut groups {
            g.retain(|w| !w.is_empty());
            g.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
            g.dedup();
        }
        let stop = groups[Groupe::MotsVides as usize].iter().cloned().collect();
        let thousands = alternation(&groups[Groupe::Milliers as usize]);
        let units = alternation(&groups[Groupe::Habitants as usize]);
        let number = Regex::new(&format!(
            r"(?P<int>\d{{1,3}}(?:[\ \u{{a0}}\u{{202f}}.]\d{{3}})+|\d+)(?:[.,](?P<frac>\d+))?\s*(?P<unit>(?:{thousands})\b)?"
        ))
        .expect("escaped alternation");
        let population = Regex::new(&format!(
            r"(?P<n>\d{{1,3}}(?:[\ \u{{a0}}\u{{202f}}.]\d{{3}})+|\d+(?:[.,]\d+)?\s*(?:(?:{thousands})\b)?)\s*(?:{units})\b"
        ))
        .expect("escaped alternation");
        Self { groups, firsts, stop, number, population }
    }

    /// The first phrase of a group in the file, folded: the name a command is shown under.
    #[must_use]
    pub fn first(&self, g: Groupe) -> Option<&str> {
        self.firsts[g as usize].as_deref()
    }

    /// The phrases of a group, folded, longest first.
    #[must_use]
    pub fn list(&self, g: Groupe) -> &[String] {
        &self.groups[g as usize]
    }

    /// The whole message (punctuation around it aside) is one of the group's phrases.
    #[must_use]
    pub fn is(&self, g: Groupe, folded: &str) -> bool {
        let t = trimmed(folded);
        let raw = folded.trim();
        self.list(g).iter().any(|w| w == t || (t.is_empty() && w == raw))
    }

    /// The message starts with one of the group's phrases (on a word boundary): the rest of it,
    /// trimmed. The longest phrase wins.
    #[must_use]
    pub fn strip_start<'t>(&self, g: Groupe, folded: &'t str) -> Option<&'t str> {
        let t = folded.trim_start();
        self.list(g).iter().find_map(|w| {
            let rest = t.strip_prefix(w.as_str())?;
            let boundary = rest.is_empty()
                || !rest.starts_with(|c: char| c.is_alphanumeric())
                || !w.ends_with(|c: char| c.is_alphanumeric());
            boundary.then(|| rest.trim_start_matches(|c: char| c.is_whitespace() || ",;:.!-".contains(c)).trim())
        })
    }

    /// The message ends with one of the group's phrases: what comes before it, trimmed.
    #[must_use]
    pub fn strip_end<'t>(&self, g: Groupe, folded: &'t str) -> Option<&'t str> {
        let t = folded.trim_end_matches(|c: char| !c.is_alphanumeric()).trim_end();
        self.list(g).iter().find_map(|w| {
            let rest = t.strip_suffix(w.as_str())?;
            let boundary = rest.is_empty()
                || !rest.ends_with(|c: char| c.is_alphanumeric())
                || !w.starts_with(|c: char| c.is_alphanumeric());
            boundary.then(|| rest.trim_end_matches(|c: char| !c.is_alphanumeric()).trim())
        })
    }

    /// One of the group's phrases occurs in the message on word boundaries.
    #[must_use]
    pub fn contains(&self, g: Groupe, folded: &str) -> bool {
        self.list(g).iter().any(|w| contains_phrase(folded, w))
    }

    /// The first of the group's phrases found in the message (longest first).
    #[must_use]
    pub fn find(&self, g: Groupe, folded: &str) -> Option<&str> {
        self.list(g).iter().find(|w| contains_phrase(folded, w)).map(String::as_str)
    }

    /// A word without weight for the search.
    #[must_use]
    pub fn is_stop_word(&self, w: &str) -> bool {
        self.stop.contains(w)
    }

    /// The number pattern: digits, thousands separators, a decimal part, a "thousand" unit.
    #[must_use]
    pub fn number_regex(&self) -> &Regex {
        &self.number
    }

    /// A number followed by a word for inhabitants.
    #[must_use]
    pub fn population_regex(&self) -> &Regex {
        &self.population
    }

    /// Removes every phrase of a group from the message (replaced by a space).
    #[must_use]
    pub fn remove_all(&self, g: Groupe, folded: &str) -> String {
        let mut out = folded.to_owned();
        for w in self.list(g) {
            while let Some(at) = find_phrase(&out, w) {
                out.replace_range(at..at + w.len(), " ");
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Byte offset of `phrase` in `text` on word boundaries.
fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let mut start = 0;
    while let Some(pos) = text[start..].find(phrase) {
        let at = start + pos;
        let end = at + phrase.len();
        if (at == 0 || !word(bytes[at - 1])) && (end == text.len() || !word(bytes[end])) {
            return Some(at);
        }
        start = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The shipped vocabulary, as the content loader builds it.
    pub(crate) fn shipped() -> Vocabulaire {
        let loaded = crate::content::shipped();
        loaded.content.expect("shipped content is valid").vocab.clone()
    }

    #[test]
    fn matching_modes() {
        let v = Vocabulaire::new(vec![vec!["oui".into(), "oui merci".into()], vec!["non".into()]]);
        assert!(v.is(Groupe::Oui, "oui !"));
        assert!(v.is(Groupe::Oui, "oui merci"));
        assert!(!v.is(Groupe::Oui, "ouistiti"));
        assert_eq!(v.strip_start(Groupe::Non, "non, 900"), Some("900"));
        assert_eq!(v.strip_start(Groupe::Non, "nonante"), None);
        assert_eq!(v.strip_end(Groupe::Non, "pas ca non ?"), Some("pas ca"));
        assert!(v.contains(Groupe::Non, "je dis non merci"));
        assert_eq!(v.remove_all(Groupe::Oui, "oui merci et oui"), "et");
    }
}
