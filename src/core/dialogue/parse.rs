//! Forgiving answer parsing: numbers, choices, yes/no, as people type them on a phone.
//!
//! All functions take the folded text (see [`crate::text::fold`]) and the [`Vocabulaire`], and
//! return `None` when the answer cannot be read, never a guess between two equally likely
//! readings. A choice named after a negation ("pas de PVD", "ni PVD ni rien") is read as *not*
//! chosen; [`mentions`] tells both.

use super::model::Choice;
use super::vocab::{Groupe, Vocabulaire};
use crate::text::{typo_budget, within_one_edit, words};

/// A whole number in the text: "1 200", "1200 hab", "environ 800", "1.2k", "1,5 mille".
#[must_use]
pub fn number(v: &Vocabulaire, folded: &str) -> Option<i64> {
    let caps = v.number_regex().captures(folded)?;
    let int: String = caps["int"].chars().filter(char::is_ascii_digit).collect();
    let int: i64 = int.parse().ok()?;
    let frac = caps.name("frac").map(|m| m.as_str());
    let unit = caps.name("unit").is_some();
    let value = match (frac, unit) {
        (Some(f), true) => {
            let scale = 10_i64.checked_pow(u32::try_from(f.len()).ok()?)?;
            int.checked_mul(1000)?.checked_add(f.parse::<i64>().ok()?.checked_mul(1000)? / scale)?
        }
        (None, true) => int.checked_mul(1000)?,
        // "1,5" without unit: not a count of inhabitants; keep the whole part.
        (_, false) => int,
    };
    Some(value)
}

/// A population stated inside a sentence ("une commune de 800 habitants"), not negated.
#[must_use]
pub fn population_in_sentence(v: &Vocabulaire, folded: &str) -> Option<i64> {
    let caps = v.population_regex().captures(folded)?;
    number(v, &caps["n"])
}

/// The answer without a leading hedge ("je crois que oui" → "oui").
fn without_hedge<'a>(v: &Vocabulaire, t: &'a str) -> &'a str {
    v.strip_start(Groupe::Hesitation, t).filter(|r| !r.is_empty()).unwrap_or(t)
}

/// "Je ne sais pas" in any of its forms, hedges aside ("euh je sais pas trop").
#[must_use]
pub fn is_nsp(v: &Vocabulaire, folded: &str) -> bool {
    let t = folded.trim();
    if v.is(Groupe::NeSaisPas, t) {
        return true;
    }
    let t = without_hedge(v, t);
    v.is(Groupe::NeSaisPas, t)
        || v.strip_start(Groupe::NeSaisPas, t).is_some_and(|rest| words(rest).count() <= 2 && !has_digit(rest))
}

fn has_digit(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
}

/// "oui", "ouais", "non merci", "je crois que oui", "plus vraiment": `Some(true)` or
/// `Some(false)`.
#[must_use]
pub fn yes_no(v: &Vocabulaire, folded: &str) -> Option<bool> {
    let t = folded.trim();
    for t in [t, without_hedge(v, t)] {
        if v.is(Groupe::Non, t) {
            return Some(false);
        }
        if v.is(Groupe::Oui, t) {
            return Some(true);
        }
    }
    let t = without_hedge(v, t);
    // At the head of a longer answer: "non, 900", "oui c'est ça merci". One-letter words ("o",
    // "n") only count alone.
    let head = |g| v.list(g).iter().filter(|w| w.chars().count() > 1).any(|w| starts_word(t, w));
    if head(Groupe::Non) {
        return Some(false);
    }
    if head(Groupe::Oui) {
        return Some(true);
    }
    // A small typo in a one-word answer: "ouii", "nonn".
    let bare = t.trim_matches(|c: char| !c.is_alphanumeric());
    if bare.len() <= 6 && !bare.contains(' ') {
        let near = |g| {
            v.list(g).iter().filter(|w| w.chars().count() >= 3 && !w.contains(' ')).any(|w| {
                within_one_edit(w, bare) && bare.chars().next() == w.chars().next() && bare.chars().count() >= 3
            })
        };
        if near(Groupe::Oui) {
            return Some(true);
        }
        if near(Groupe::Non) {
            return Some(false);
        }
    }
    None
}

/// `t` starts with the phrase `w` followed by a word boundary.
fn starts_word(t: &str, w: &str) -> bool {
    t.strip_prefix(w).is_some_and(|rest| rest.is_empty() || !rest.starts_with(|c: char| c.is_alphanumeric()))
}

/// How a phrase is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The text answers the question about these choices.
    Answer,
    /// The text answers another question; read only what it says plainly: never "don't know",
    /// and no bare words like "non" or "aucun" that sentences use for other things.
    Extract,
}

/// Choice values with a meaning of their own: no programme, don't know. A negation before them
/// does not flip them ("ni PVD ni rien" means no programme).
pub const AUCUN: &str = "aucun";
pub const NSP: &str = "nsp";

/// Phrases of a choice, folded: its value, its label text and its synonyms.
fn phrases<'a>(v: &'a Vocabulaire, c: &'a Choice, label: &'a str, mode: Mode) -> impl Iterator<Item = &'a str> {
    let skip_all = mode == Mode::Extract && c.value == NSP;
    std::iter::once(c.value.as_str()).chain(std::iter::once(label)).chain(c.aussi.iter().map(String::as_str)).filter(
        move |p| {
            !skip_all
                && !p.is_empty()
                && (mode == Mode::Answer || !v.list(Groupe::MotsTropCourants).iter().any(|w| w == p))
        },
    )
}

/// Equal, taking a hyphen and a space as the same.
fn eq_loose(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y || matches!((x, y), (b'-', b' ') | (b' ', b'-')))
}

/// Whether a choice is named in a text, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    pub choice: usize,
    /// Length of the longest phrase that names it.
    pub len: usize,
    /// Named at least once without a negation before it.
    pub positive: bool,
    /// Named at least once right after a negation ("pas de PVD").
    pub negative: bool,
}

/// Every choice named in the text, with its polarity. Phrases of fewer than three letters and
/// bare numbers are not looked for (too many false friends).
#[must_use]
pub fn mentions(v: &Vocabulaire, t: &str, choices: &[Choice], labels: &[String], mode: Mode) -> Vec<Mention> {
    let mut out: Vec<Mention> = vec![];
    for (i, c) in choices.iter().enumerate() {
        let flips = c.value != AUCUN && c.value != NSP;
        let mut m = Mention { choice: i, len: 0, positive: false, negative: false };
        for p in phrases(v, c, &labels[i], mode) {
            if p.chars().count() < 3 || p.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            for at in occurrences(t, p) {
                m.len = m.len.max(p.len());
                if flips && (negated_before(v, t, at) || negated_after(v, t, at + p.len())) {
                    m.negative = true;
                } else {
                    m.positive = true;
                }
            }
        }
        if m.len > 0 {
            out.push(m);
        }
    }
    // A phrase inside a longer one of another choice ("village" in "villages d'avenir") is not
    // a mention of its own.
    let spans: Vec<(usize, usize, usize)> = choices
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            phrases(v, c, &labels[i], mode)
                .filter(|p| p.chars().count() >= 3)
                .flat_map(move |p| occurrences(t, p).map(move |at| (i, at, at + p.len())))
                .collect::<Vec<_>>()
        })
        .collect();
    out.retain(|m| {
        spans
            .iter()
            .filter(|(i, _, _)| *i == m.choice)
            .any(|&(_, a, b)| !spans.iter().any(|&(j, x, y)| j != m.choice && x <= a && b <= y && (y - x) > (b - a)))
    });
    out
}

/// Byte offsets where `phrase` occurs in `text` on word boundaries.
fn occurrences<'a>(text: &'a str, phrase: &'a str) -> impl Iterator<Item = usize> + 'a {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    text.match_indices(phrase).map(|(at, _)| at).filter(move |&at| {
        let end = at + phrase.len();
        (at == 0 || !word(bytes[at - 1])) && (end == text.len() || !word(bytes[end]))
    })
}

/// A negation among the few words before byte `at`, in the same clause, with no word that ends
/// its reach ("pas PVD mais ACV") in between.
#[must_use]
pub fn negated_before(v: &Vocabulaire, t: &str, at: usize) -> bool {
    let before = &t[..at];
    // The clause: after the last punctuation.
    let clause = before.rfind([',', '.', ';', ':', '!', '?', '(', ')']).map_or(before, |i| &before[i + 1..]);
    let ws: Vec<&str> = words(clause).collect();
    let window = ws[ws.len().saturating_sub(4)..].join(" ");
    // Only what follows the last word that ends a negation's reach.
    let window = v
        .list(Groupe::Coupure)
        .iter()
        .filter_map(|c| occurrences(&window, c).last().map(|at| at + c.len()))
        .max()
        .map_or(window.as_str(), |cut| &window[cut..]);
    v.contains(Groupe::Negation, window)
}

static EMAIL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}").expect("valid regex")
});
static PHONE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?:\+33[\s.]?|0)[1-9](?:[\s.-]?\d{2}){4}").expect("valid regex"));
static MATRIX_ID: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"@[a-z0-9._=/+-]+:[a-z0-9.-]+(?::\d+)?").expect("valid regex"));

/// The email address and the phone number in a text, each if present.
#[must_use]
pub fn contact_parts(text: &str) -> (Option<String>, Option<String>) {
    let email = EMAIL.find(text).map(|m| m.as_str().to_lowercase());
    let phone = PHONE.find(text).map(|m| {
        let digits: String = m.as_str().chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
        let digits = digits.strip_prefix("+33").map_or(digits.clone(), |d| format!("0{d}"));
        digits.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    });
    (email, phone)
}

/// How to reach someone: an email address and/or a French phone number (or a Matrix address),
/// as "adresse / téléphone". `None` when there is none.
#[must_use]
pub fn contact(text: &str) -> Option<String> {
    let (email, phone) = contact_parts(text);
    let matrix =
        if email.is_none() { MATRIX_ID.find(&text.to_lowercase()).map(|m| m.as_str().to_owned()) } else { None };
    let parts: Vec<String> = [email.or(matrix), phone].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" / "))
}

/// A negation right after byte `end`, in the same clause ("PVD je crois pas", "PVD non").
#[must_use]
pub fn negated_after(v: &Vocabulaire, t: &str, end: usize) -> bool {
    let after = &t[end..];
    let clause = after.find([',', '.', ';', ':', '!', '?', '(', ')']).map_or(after, |i| &after[..i]);
    v.strip_start(Groupe::NegationApres, clause.trim_start()).is_some()
}

/// One choice among `choices` (`labels` are their folded display texts, same order).
#[must_use]
pub fn choice(v: &Vocabulaire, folded: &str, choices: &[Choice], labels: &[String]) -> Option<usize> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if t.is_empty() {
        return None;
    }
    if let Some(n) = choice_number(v, t) {
        return (1..=choices.len()).contains(&n).then(|| n - 1);
    }
    if let Some(i) = exact(v, t, choices, labels) {
        return Some(i);
    }
    let t = without_hedge(v, t);
    if let Some(i) = exact(v, t, choices, labels) {
        return Some(i);
    }
    // A phrase inside the answer: the longest positive one decides, if it is unique.
    let found = mentions(v, t, choices, labels, Mode::Answer);
    if let Some(i) = longest_positive(&found) {
        return Some(i);
    }
    if found.iter().any(|m| m.negative) {
        // "pas la mobilité": something was said, but not which choice is meant.
        return None;
    }
    // The same, plurals aside: "des conseils", "les etudes".
    let singular_t = singular(t);
    if singular_t != t {
        let singular_labels: Vec<String> = labels.iter().map(|l| singular(l)).collect();
        let singular_choices: Vec<Choice> = choices
            .iter()
            .map(|c| Choice {
                value: singular(&c.value),
                label: c.label.clone(),
                aussi: c.aussi.iter().map(|a| singular(a)).collect(),
            })
            .collect();
        if let Some(i) = exact(v, &singular_t, &singular_choices, &singular_labels)
            .or_else(|| longest_positive(&mentions(v, &singular_t, &singular_choices, &singular_labels, Mode::Answer)))
        {
            return Some(i);
        }
    }
    // Typos: the nearest phrase within the typo budget of its length.
    let mut best: Option<(usize, usize)> = None; // (distance, index)
    let mut tie = false;
    for (i, c) in choices.iter().enumerate() {
        for p in phrases(v, c, &labels[i], Mode::Answer) {
            let budget = typo_budget(p.chars().count());
            if budget == 0 || p.len().abs_diff(t.len()) > budget * 2 {
                continue;
            }
            let d = strsim::damerau_levenshtein(t, p);
            if d <= budget {
                match best {
                    Some((bd, bi)) if d == bd && bi != i => tie = true,
                    Some((bd, _)) if d >= bd => {}
                    _ => {
                        best = Some((d, i));
                        tie = false;
                    }
                }
            }
        }
    }
    if tie { None } else { best.map(|(_, i)| i) }
}

/// The choice one of whose phrases is the whole answer.
fn exact(v: &Vocabulaire, t: &str, choices: &[Choice], labels: &[String]) -> Option<usize> {
    choices
        .iter()
        .enumerate()
        .find(|(i, c)| phrases(v, c, &labels[*i], Mode::Answer).any(|p| eq_loose(p, t)))
        .map(|(i, _)| i)
}

/// Each word without its plural mark (`s`, `x`), for words of more than three letters.
fn singular(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for (i, w) in t.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let stripped = if w.chars().count() > 3 { w.strip_suffix(['s', 'x']).unwrap_or(w) } else { w };
        out.push_str(stripped);
    }
    out
}

/// The positively named choice with the longest phrase; `None` when two tie.
#[must_use]
pub fn longest_positive(found: &[Mention]) -> Option<usize> {
    let best = found.iter().filter(|m| m.positive).map(|m| m.len).max()?;
    let mut top = found.iter().filter(|m| m.positive && m.len == best);
    let first = top.next()?;
    top.next().is_none().then_some(first.choice)
}

/// Several choices: "1 et 3", "PVD et villages d'avenir", "pvd, acv", "pas PVD mais ACV".
/// Negated choices are left out; when only negations were said, the "none" choice if there is
/// one ("ni PVD ni rien").
#[must_use]
pub fn multi(v: &Vocabulaire, folded: &str, choices: &[Choice], labels: &[String]) -> Option<Vec<usize>> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if let Some(i) = exact(v, t, choices, labels) {
        return Some(vec![i]);
    }
    // Each part on its own: "1, 3", "pvd et acv".
    let mut parts: Vec<String> = vec![t.to_owned()];
    for sep in [",", ";", "+", "/", "&"] {
        parts = parts.iter().flat_map(|p| p.split(sep).map(str::to_owned).collect::<Vec<_>>()).collect();
    }
    for sep in v.list(Groupe::Separateurs) {
        let sep = format!(" {sep} ");
        parts = parts.iter().flat_map(|p| p.split(sep.as_str()).map(str::to_owned).collect::<Vec<_>>()).collect();
    }
    let parts: Vec<&str> = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    if parts.len() > 1 && parts.iter().all(|p| choice_number(v, p).is_some()) {
        let each: Option<Vec<usize>> = parts
            .iter()
            .map(|p| choice_number(v, p).filter(|n| (1..=choices.len()).contains(n)).map(|n| n - 1))
            .collect();
        if let Some(mut list) = each {
            list.dedup();
            return Some(list);
        }
    }
    // Every choice named in the sentence, negations aside.
    let found = mentions(v, t, choices, labels, Mode::Answer);
    let positive: Vec<usize> = found.iter().filter(|m| m.positive).map(|m| m.choice).collect();
    if !positive.is_empty() {
        return Some(positive);
    }
    if found.iter().any(|m| m.negative) {
        return choices.iter().position(|c| c.value == AUCUN).map(|i| vec![i]);
    }
    if parts.len() > 1 {
        let each: Option<Vec<usize>> = parts.iter().map(|p| choice(v, p, choices, labels)).collect();
        if let Some(mut list) = each {
            list.dedup();
            return Some(list);
        }
    }
    choice(v, t, choices, labels).map(|i| vec![i])
}

/// "2", "2.", "n°2", "le 2", "numero 2", "choix 2".
#[must_use]
pub fn choice_number(v: &Vocabulaire, t: &str) -> Option<usize> {
    let t = t.trim();
    let t = v.strip_start(Groupe::Numero, t).unwrap_or(t);
    let t = t.trim_end_matches(['.', ')']).trim();
    if t.len() <= 2 && !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialogue::model::Label;
    use crate::dialogue::vocab::tests::shipped;
    use crate::text::fold;

    #[test]
    fn contacts_as_typed() {
        assert_eq!(contact("jean.dupont@genets.fr"), Some("jean.dupont@genets.fr".into()));
        assert_eq!(contact("mairie@genets.fr ou au 02.33.70.83.44"), Some("mairie@genets.fr / 02 33 70 83 44".into()));
        assert_eq!(contact("+33 6 12 34 56 78"), Some("06 12 34 56 78".into()));
        assert_eq!(contact("@maire:agent.tchap.gouv.fr"), Some("@maire:agent.tchap.gouv.fr".into()));
        assert_eq!(contact("demain matin"), None);
    }

    #[test]
    fn numbers_as_typed() {
        let v = shipped();
        for (s, n) in [
            ("1 200", 1200),
            ("1200 hab", 1200),
            ("environ 800", 800),
            ("1.2k", 1200),
            ("1,5 mille", 1500),
            ("1.200", 1200),
            ("à peu près 2 000 habitants", 2000),
            ("1\u{202f}600", 1600),
            ("800h", 800),
        ] {
            assert_eq!(number(&v, &fold(s)), Some(n), "{s}");
        }
        assert_eq!(number(&v, "beaucoup"), None);
        assert_eq!(number(&v, "99999999999999999999999"), None);
    }

    #[test]
    fn population_needs_a_unit_in_a_sentence() {
        let v = shipped();
        assert_eq!(population_in_sentence(&v, &fold("une commune de 800 habitants")), Some(800));
        assert_eq!(population_in_sentence(&v, &fold("on a 2 projets")), None);
    }

    #[test]
    fn yes_and_no() {
        let v = shipped();
        for y in ["oui", "Ouais", "ok", "oui merci", "c'est bien ça", "ouii", "tout à fait", "je crois que oui"] {
            assert_eq!(yes_no(&v, &fold(y)), Some(true), "{y}");
        }
        for n in ["non", "non merci", "Nan", "pas du tout", "non, 900", "plus vraiment", "je ne crois pas"] {
            assert_eq!(yes_no(&v, &fold(n)), Some(false), "{n}");
        }
        assert_eq!(yes_no(&v, "peut-etre"), None);
        assert_eq!(yes_no(&v, "n importe quoi"), None);
        assert!(is_nsp(&v, &fold("euh je sais pas trop")));
        assert!(!is_nsp(&v, &fold("je ne sais pas si on a droit à la DETR pour l'école")));
    }

    fn choices() -> (Vec<Choice>, Vec<String>) {
        let mk = |v: &str, aussi: &[&str]| Choice {
            value: v.into(),
            label: Label::Text(v.into()),
            aussi: aussi.iter().map(|s| fold(s)).collect(),
        };
        let c = vec![
            mk("pvd", &["petites villes de demain", "petite ville de demain"]),
            mk("acv", &["action coeur de ville"]),
            mk("vda", &["villages d'avenir", "village d'avenir"]),
            mk("aucun", &["pas de programme", "aucun programme", "rien"]),
            mk("nsp", &["je ne sais pas", "sais pas"]),
        ];
        let labels = vec![
            "petites villes de demain".into(),
            "action coeur de ville".into(),
            "villages d'avenir".into(),
            "aucun".into(),
            "je ne sais pas".into(),
        ];
        (c, labels)
    }

    #[test]
    fn choices_by_number_label_synonym_and_typo() {
        let v = shipped();
        let (c, l) = choices();
        assert_eq!(choice(&v, "2", &c, &l), Some(1));
        assert_eq!(choice(&v, "n°3", &c, &l), Some(2));
        assert_eq!(choice(&v, "9", &c, &l), None);
        assert_eq!(choice(&v, &fold("Action Cœur de Ville"), &c, &l), Some(1));
        assert_eq!(choice(&v, &fold("on est en petites villes de demain"), &c, &l), Some(0));
        assert_eq!(choice(&v, &fold("vilages d'avenir"), &c, &l), Some(2));
        assert_eq!(choice(&v, &fold("pas de programme"), &c, &l), Some(3));
        assert_eq!(choice(&v, &fold("je sais pas"), &c, &l), Some(4));
        assert_eq!(choice(&v, &fold("poisson"), &c, &l), None);
        assert_eq!(choice(&v, &fold("pas petites villes de demain"), &c, &l), None);
    }

    #[test]
    fn several_choices_and_negations() {
        let v = shipped();
        let (c, l) = choices();
        assert_eq!(multi(&v, &fold("PVD et Villages d'avenir"), &c, &l), Some(vec![0, 2]));
        assert_eq!(multi(&v, "1, 3", &c, &l), Some(vec![0, 2]));
        assert_eq!(multi(&v, "pvd", &c, &l), Some(vec![0]));
        assert_eq!(multi(&v, &fold("ni PVD ni rien"), &c, &l), Some(vec![3]));
        assert_eq!(multi(&v, &fold("on n'est pas PVD"), &c, &l), Some(vec![3]));
        assert_eq!(multi(&v, &fold("pas PVD mais Villages d'avenir"), &c, &l), Some(vec![2]));
        assert_eq!(multi(&v, &fold("plus vraiment pvd"), &c, &l), Some(vec![3]));
    }
}
