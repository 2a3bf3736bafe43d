//! Forgiving answer parsing: numbers, choices, yes/no, as people type them on a phone.
//!
//! All functions take the folded text (see [`crate::text::fold`]) and return `None` when the
//! answer cannot be read, never a guess between two equally likely readings.

use std::sync::LazyLock;

use regex::Regex;

use super::model::Choice;
use crate::text::{contains_phrase, typo_budget, within_one_edit};

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<int>\d{1,3}(?:[\ \u{a0}\u{202f}.]\d{3})+|\d+)
        (?:[.,](?P<frac>\d+))?
        \s*(?P<unit>k\b|mille\b|milles\b)?
    ",
    )
    .expect("valid regex")
});

static POPULATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<n>\d{1,3}(?:[\ \u{a0}\u{202f}.]\d{3})+|\d+(?:[.,]\d+)?\s*(?:k|mille)?)\s*(?:habitants?|hab\b|h\b|ames\b|administres\b)").expect("valid regex")
});

/// A whole number in the text: "1 200", "1200 hab", "environ 800", "1.2k", "1,5 mille".
#[must_use]
pub fn number(folded: &str) -> Option<i64> {
    let caps = NUMBER.captures(folded)?;
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

/// A population stated inside a sentence ("une commune de 800 habitants").
#[must_use]
pub fn population_in_sentence(folded: &str) -> Option<i64> {
    let caps = POPULATION.captures(folded)?;
    number(&caps["n"])
}

const YES: &[&str] = &[
    "oui",
    "ouais",
    "ouai",
    "ouaip",
    "ok",
    "okay",
    "d'accord",
    "daccord",
    "dac",
    "exact",
    "exactement",
    "c'est ca",
    "c'est bien ca",
    "c'est exact",
    "bien sur",
    "absolument",
    "tout a fait",
    "affirmatif",
    "yes",
    "yep",
    "voila",
    "oui oui",
    "oui merci",
    "oui c'est ca",
    "oui c'est bien ca",
    "correct",
    "c'est correct",
    "parfait",
    "vrai",
    "o",
];
const NO: &[&str] = &[
    "non",
    "nan",
    "nope",
    "no",
    "non merci",
    "pas du tout",
    "pas vraiment",
    "c'est faux",
    "faux",
    "non non",
    "negatif",
    "pas ca",
    "non c'est pas ca",
    "ce n'est pas ca",
    "n",
];

/// "oui", "ouais", "non merci"…: `Some(true)` or `Some(false)`.
#[must_use]
pub fn yes_no(folded: &str) -> Option<bool> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if NO.contains(&t) || t.starts_with("non ") || t.starts_with("non,") || t.starts_with("nan ") {
        return Some(false);
    }
    if YES.contains(&t) || t.starts_with("oui ") || t.starts_with("oui,") || t.starts_with("ouais ") {
        return Some(true);
    }
    // A small typo in a one-word answer: "ouii", "nonn".
    if t.len() <= 6 && !t.contains(' ') {
        if ["oui", "ouais"].iter().any(|y| within_one_edit(y, t)) && t.starts_with('o') {
            return Some(true);
        }
        if within_one_edit("non", t) && t.starts_with('n') {
            return Some(false);
        }
    }
    None
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

const TOO_COMMON: &[&str] = &[
    "non",
    "oui",
    "aucun",
    "aucune",
    "rien",
    "autre",
    "inconnu",
    "non aucun",
    "pas concerne",
    "conseil",
    "idee",
    "besoin",
];

/// Phrases of a choice, folded: its value, its label text and its synonyms.
fn phrases<'a>(c: &'a Choice, label: &'a str, mode: Mode) -> impl Iterator<Item = &'a str> {
    let skip_all = mode == Mode::Extract && c.value == "nsp";
    std::iter::once(c.value.as_str())
        .chain(std::iter::once(label))
        .chain(c.aussi.iter().map(String::as_str))
        .filter(move |p| !skip_all && !p.is_empty() && (mode == Mode::Answer || !TOO_COMMON.contains(p)))
}

/// Equal, taking a hyphen and a space as the same.
fn eq_loose(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y || matches!((x, y), (b'-', b' ') | (b' ', b'-')))
}

/// One choice among `choices` (`labels` are their folded display texts, same order).
#[must_use]
pub fn choice(folded: &str, choices: &[Choice], labels: &[String]) -> Option<usize> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if t.is_empty() {
        return None;
    }
    if let Some(n) = choice_number(t) {
        return (1..=choices.len()).contains(&n).then(|| n - 1);
    }
    if let Some(i) = exact(t, choices, labels) {
        return Some(i);
    }
    // A phrase inside the answer: the longest one decides, if it is unique.
    if let Some(i) = longest_phrase(t, choices, labels, Mode::Answer) {
        return Some(i);
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
        if let Some(i) = exact(&singular_t, &singular_choices, &singular_labels)
            .or_else(|| longest_phrase(&singular_t, &singular_choices, &singular_labels, Mode::Answer))
        {
            return Some(i);
        }
    }
    // Typos: the nearest phrase within the typo budget of its length.
    let mut best: Option<(usize, usize)> = None; // (distance, index)
    let mut tie = false;
    for (i, c) in choices.iter().enumerate() {
        for p in phrases(c, &labels[i], Mode::Answer) {
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
fn exact(t: &str, choices: &[Choice], labels: &[String]) -> Option<usize> {
    choices
        .iter()
        .enumerate()
        .find(|(i, c)| phrases(c, &labels[*i], Mode::Answer).any(|p| eq_loose(p, t)))
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

/// The choice whose phrase occurs in the text, the longest phrase winning; `None` when two
/// different choices tie.
#[must_use]
pub fn longest_phrase(t: &str, choices: &[Choice], labels: &[String], mode: Mode) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None; // (length, index)
    let mut tie = false;
    for (i, c) in choices.iter().enumerate() {
        for p in phrases(c, &labels[i], mode) {
            if p.chars().count() < 3 || p.chars().all(|c| c.is_ascii_digit()) || !contains_phrase(t, p) {
                continue;
            }
            match best {
                Some((l, bi)) if p.len() == l && bi != i => tie = true,
                Some((l, _)) if p.len() <= l => {}
                _ => {
                    best = Some((p.len(), i));
                    tie = false;
                }
            }
        }
    }
    if tie { None } else { best.map(|(_, i)| i) }
}

/// Several choices: "1 et 3", "PVD et villages d'avenir", "pvd, acv".
#[must_use]
pub fn multi(folded: &str, choices: &[Choice], labels: &[String]) -> Option<Vec<usize>> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if let Some(i) = exact(t, choices, labels) {
        return Some(vec![i]);
    }
    // Each part on its own: "1, 3", "pvd et acv".
    let parts: Vec<&str> = folded
        .split([',', ';', '+', '/', '&'])
        .flat_map(|p| p.split(" et "))
        .flat_map(|p| p.split(" ou "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 {
        let each: Option<Vec<usize>> = parts.iter().map(|p| choice(p, choices, labels)).collect();
        if let Some(mut v) = each {
            v.dedup();
            return Some(v);
        }
    }
    // Every choice named in a sentence: "on est petites villes de demain et villages d'avenir".
    let named = all_phrases(folded, choices, labels, Mode::Answer);
    if !named.is_empty() {
        return Some(named);
    }
    choice(folded, choices, labels).map(|i| vec![i])
}

/// Every choice with a phrase in the text (for a sentence naming several).
#[must_use]
pub fn all_phrases(t: &str, choices: &[Choice], labels: &[String], mode: Mode) -> Vec<usize> {
    (0..choices.len())
        .filter(|&i| {
            phrases(&choices[i], &labels[i], mode)
                .any(|p| p.chars().count() >= 3 && !p.chars().all(|c| c.is_ascii_digit()) && contains_phrase(t, p))
        })
        .collect()
}

/// "2", "2.", "n°2", "le 2", "numero 2", "choix 2".
fn choice_number(t: &str) -> Option<usize> {
    let t = t.strip_prefix("n°").or_else(|| t.strip_prefix("no ")).unwrap_or(t);
    let t = ["le ", "la ", "numero ", "choix ", "reponse "].iter().find_map(|p| t.strip_prefix(p)).unwrap_or(t);
    let t = t.trim_end_matches(['.', ')']).trim();
    if t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit()) {
        return t.parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialogue::model::Label;
    use crate::text::fold;

    #[test]
    fn numbers_as_typed() {
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
            assert_eq!(number(&fold(s)), Some(n), "{s}");
        }
        assert_eq!(number("beaucoup"), None);
        assert_eq!(number("99999999999999999999999"), None);
    }

    #[test]
    fn population_needs_a_unit_in_a_sentence() {
        assert_eq!(population_in_sentence(&fold("une commune de 800 habitants")), Some(800));
        assert_eq!(population_in_sentence(&fold("on a 2 projets")), None);
    }

    #[test]
    fn yes_and_no() {
        for y in ["oui", "Ouais", "ok", "oui merci", "c'est bien ça", "ouii", "tout à fait"] {
            assert_eq!(yes_no(&fold(y)), Some(true), "{y}");
        }
        for n in ["non", "non merci", "Nan", "pas du tout", "non, 900"] {
            assert_eq!(yes_no(&fold(n)), Some(false), "{n}");
        }
        assert_eq!(yes_no("peut-etre"), None);
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
            mk("aucun", &["pas de programme", "aucun programme"]),
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
        let (c, l) = choices();
        assert_eq!(choice("2", &c, &l), Some(1));
        assert_eq!(choice("n°3", &c, &l), Some(2));
        assert_eq!(choice("9", &c, &l), None);
        assert_eq!(choice(&fold("Action Cœur de Ville"), &c, &l), Some(1));
        assert_eq!(choice(&fold("on est en petites villes de demain"), &c, &l), Some(0));
        assert_eq!(choice(&fold("vilages d'avenir"), &c, &l), Some(2));
        assert_eq!(choice(&fold("pas de programme"), &c, &l), Some(3));
        assert_eq!(choice(&fold("je sais pas"), &c, &l), Some(4));
        assert_eq!(choice(&fold("poisson"), &c, &l), None);
    }

    #[test]
    fn several_choices() {
        let (c, l) = choices();
        assert_eq!(multi(&fold("PVD et Villages d'avenir"), &c, &l), Some(vec![0, 2]));
        assert_eq!(multi("1, 3", &c, &l), Some(vec![0, 2]));
        assert_eq!(multi("pvd", &c, &l), Some(vec![0]));
    }
}
