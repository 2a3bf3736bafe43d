//! Text folding and tokenising for French typed on a phone.
//!
//! Everything that compares what a person typed with content goes through [`fold`]: lower case,
//! accents dropped, ligatures expanded, typographic apostrophes and dashes unified. Nothing here
//! allocates more than the folded string and its tokens.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, without accents, `œ`→`oe`, `æ`→`ae`, typographic quotes and dashes made plain,
/// invisible and control characters removed, runs of white space collapsed to one space.
#[must_use]
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let mapped: &str = match c {
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '´' => "'",
            '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
            '«' | '»' | '\u{201c}' | '\u{201d}' => "\"",
            _ => "",
        };
        if !mapped.is_empty() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(mapped);
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
    out
}

/// Zero-width and bidirectional formatting characters: never meaningful in an answer.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// Words of a folded string: runs of letters and digits. Elisions are split off (`l'ecole` gives
/// `l`, `ecole`).
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// A key for comparing names: folded words joined by single spaces ("Saint-Lô" and "saint lo"
/// agree). Abbreviations ("St-Lô") are the vocabulary's: see `Communes::key`.
#[must_use]
pub fn name_key(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len() + 8);
    for w in words(&folded) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A light French stemmer for search: strips the plural marks `s` and `x` and the feminine or
/// adjectival endings that change nothing for matching (`-ales`→`-al`, `-aux`→`-al` but
/// `-eaux`→`-eau`).
#[must_use]
pub fn stem(w: &str) -> String {
    if w.len() <= 3 || w.chars().all(|c| c.is_ascii_digit()) {
        return w.to_owned();
    }
    // "réseaux", "bureaux", "eaux": the plural of "-eau", not of "-al".
    if let Some(base) = w.strip_suffix("eaux") {
        return format!("{base}eau");
    }
    if let Some(base) = w.strip_suffix("aux") {
        return format!("{base}al");
    }
    if let Some(base) = w.strip_suffix('s').or_else(|| w.strip_suffix('x')) {
        return base.to_owned();
    }
    w.to_owned()
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of two neighbours (optimal string alignment distance ≤ 1).
#[must_use]
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..] || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Less => ra == &rb[1..],
        std::cmp::Ordering::Greater => &ra[1..] == rb,
    }
}

/// How many edits a word of this length may carry and still be recognised: none for short words
/// (too many false friends), one from five letters, two from eleven.
#[must_use]
pub fn typo_budget(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=10 => 1,
        _ => 2,
    }
}

/// `phrase` (folded) occurs in `text` (folded) on word boundaries.
#[must_use]
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(pos) = text[start..].find(phrase) {
        let at = start + pos;
        let end = at + phrase.len();
        let before_ok = at == 0 || !is_word_byte(bytes[at - 1]);
        let after_ok = end == text.len() || !is_word_byte(bytes[end]);
        if before_ok && after_ok {
            return true;
        }
        start = at + text[at..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_drops_accents_ligatures_and_invisible_marks() {
        assert_eq!(fold("Cœur  de  Ville"), "coeur de ville");
        assert_eq!(fold("ÉCOLE"), "ecole");
        assert_eq!(fold("l’école"), "l'ecole");
        assert_eq!(fold("a\u{200b}b\u{202e}c"), "abc");
        assert_eq!(fold("  Genêts  "), "genets");
    }

    #[test]
    fn name_key_joins_folded_words() {
        assert_eq!(name_key("Saint-Lô"), "saint lo");
        assert_eq!(name_key("La Haye-du-Puits"), "la haye du puits");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("petites", "petite"));
        assert!(within_one_edit("centre", "cnetre"));
        assert!(within_one_edit("ecole", "ecale"));
        assert!(!within_one_edit("ecole", "ecoless"));
        assert!(!within_one_edit("abc", "cab"));
    }

    #[test]
    fn phrase_on_word_boundaries() {
        assert!(contains_phrase("on veut refaire la salle des fetes", "salle des fetes"));
        assert!(!contains_phrase("pvdx", "pvd"));
        assert!(contains_phrase("pvd et acv", "acv"));
    }

    #[test]
    fn stems_plurals() {
        assert_eq!(stem("ecoles"), "ecole");
        assert_eq!(stem("locaux"), "local");
        assert_eq!(stem("reseaux"), "reseau");
        assert_eq!(stem("bureaux"), "bureau");
        assert_eq!(stem("pvd"), "pvd");
    }
}
