//! The communes of the Manche (and the names of the others), and how a typed name finds one.
//!
//! A person types "st lo", "Genets", "50530", "50199", "Percy" (an old commune, now
//! Percy-en-Normandie) or "Rennes" (not in the Manche). [`Communes::lookup`] turns that into one
//! commune, a short list to choose from, or "outside the Manche". No I/O: the loader fills it.

use std::collections::HashMap;

use serde::Serialize;

use crate::text::{fold, name_key, typo_budget};

/// Code of the Manche in the Code officiel géographique.
pub const MANCHE: &str = "50";

#[derive(Debug, Clone, Serialize)]
pub struct Commune {
    pub insee: String,
    pub nom: String,
    pub codes_postaux: Vec<String>,
    pub population: Option<u32>,
    pub epci_siren: String,
    pub epci_nom: String,
    /// Programmes the commune is listed in by a public source (`data/statuts-communes.csv`).
    pub statuts: Vec<StatutCommune>,
}

/// One row of the programme table: a commune listed in a programme, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatutCommune {
    /// Statut id (`data/statuts.toml`).
    pub statut: String,
    /// Date the commune's convention or label was signed, when the list gives it.
    pub signature: Option<String>,
    /// Who publishes the list, as said after « la liste de » (« l'ANCT »).
    pub editeur: String,
    /// Date of the list (`AAAA-MM-JJ`).
    pub source_date: String,
    /// The list itself: file name and permanent link.
    pub source: String,
    /// Date an agent checked the row, if one did.
    pub verifie_le: Option<String>,
}

/// A commune of another département: enough to say where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Ailleurs {
    pub insee: String,
    pub nom: String,
    pub codes_postaux: Vec<String>,
    pub departement: String,
    pub departement_nom: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// One commune of the Manche (index into [`Communes::manche`]).
    Found(usize),
    /// Several communes of the Manche fit: the person chooses.
    Several(Vec<usize>),
    /// Only communes outside the Manche fit (indexes into [`Communes::ailleurs`]).
    Outside(Vec<usize>),
    NotFound,
}

#[derive(Debug, Default)]
struct Outside {
    list: Vec<Ailleurs>,
    by_key: HashMap<String, Vec<usize>>,
    by_code: HashMap<String, Vec<usize>>,
}

impl Outside {
    /// Indexes the communes outside the Manche (validated by the loader).
    fn index(list: Vec<Ailleurs>, key: &dyn Fn(&str) -> String) -> Self {
        let mut o = Self::default();
        for a in list {
            let i = o.list.len();
            o.by_key.entry(key(&a.nom)).or_default().push(i);
            o.by_code.entry(a.insee.clone()).or_default().push(i);
            for cp in &a.codes_postaux {
                let e = o.by_code.entry(cp.clone()).or_default();
                if e.last() != Some(&i) {
                    e.push(i);
                }
            }
            o.list.push(a);
        }
        o
    }
}

#[derive(Debug, Clone, Default)]
pub struct Communes {
    pub manche: Vec<Commune>,
    /// The other communes of France (read and checked with the rest of the content, so that
    /// `check` reports their bad rows too).
    ailleurs: std::sync::Arc<Outside>,
    keys: Vec<String>,
    by_key: HashMap<String, Vec<usize>>,
    by_insee: HashMap<String, usize>,
    by_postal: HashMap<String, Vec<usize>>,
    /// Words that start a commune name of the Manche, for finding one inside a sentence.
    first_words: HashMap<String, Vec<usize>>,
    words: Words,
}

/// The words around commune names, from the vocabulary (`dialogues/vocabulaire.toml`): those
/// that announce a name in a sentence, those to drop before and after it in an answer, and the
/// abbreviations inside names.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub cues: Vec<String>,
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    /// Short form → full form, one word each ("st" → "saint").
    pub abbreviations: Vec<(String, String)>,
}

impl Words {
    /// From the vocabulary's groups.
    #[must_use]
    pub fn from_vocab(v: &crate::dialogue::vocab::Vocabulaire) -> Self {
        use crate::dialogue::vocab::Groupe;
        Self {
            cues: v.list(Groupe::CommuneIndices).to_vec(),
            prefixes: v.list(Groupe::CommuneDebuts).to_vec(),
            suffixes: v.list(Groupe::CommuneFins).to_vec(),
            abbreviations: v
                .list(Groupe::Abreviations)
                .iter()
                .filter_map(|e| e.split_once(' ').map(|(a, b)| (a.trim().to_owned(), b.trim().to_owned())))
                .collect(),
        }
    }
}

/// How many candidates a short choice list may hold.
const MAX_CHOICES: usize = 8;

impl Communes {
    /// Builds the indexes. `anciennes` maps former commune names (communes déléguées) to the
    /// INSEE code of the commune they now belong to.
    #[must_use]
    pub fn new(manche: Vec<Commune>, ailleurs: Vec<Ailleurs>, anciennes: &[(String, String)], words: Words) -> Self {
        let mut c = Self { manche, words, ..Self::default() };
        c.ailleurs = std::sync::Arc::new(Outside::index(ailleurs, &|s| c.key(s)));
        for (i, commune) in c.manche.iter().enumerate() {
            let key = c.key(&commune.nom);
            c.by_key.entry(key.clone()).or_default().push(i);
            c.first_words.entry(key.split(' ').next().unwrap_or_default().to_owned()).or_default().push(i);
            c.keys.push(key);
            c.by_insee.insert(commune.insee.clone(), i);
            for cp in &commune.codes_postaux {
                c.by_postal.entry(cp.clone()).or_default().push(i);
            }
        }
        for (nom, insee) in anciennes {
            if let Some(&i) = c.by_insee.get(insee) {
                let key = c.key(nom);
                let entry = c.by_key.entry(key.clone()).or_default();
                if !entry.contains(&i) {
                    entry.push(i);
                }
                let fw = c.first_words.entry(key.split(' ').next().unwrap_or_default().to_owned()).or_default();
                if !fw.contains(&i) {
                    fw.push(i);
                }
            }
        }
        c
    }

    /// A key for comparing names: folded words, abbreviations written out ("St-Lô" and
    /// "saint lo" agree).
    #[must_use]
    pub fn key(&self, s: &str) -> String {
        let k = name_key(s);
        if self.words.abbreviations.is_empty() {
            return k;
        }
        k.split(' ')
            .map(|w| self.words.abbreviations.iter().find(|(a, _)| a == w).map_or(w, |(_, full)| full.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn outside(&self) -> &Outside {
        &self.ailleurs
    }

    /// How many communes outside the Manche are known.
    #[must_use]
    pub fn ailleurs_len(&self) -> usize {
        self.ailleurs.list.len()
    }

    /// A commune outside the Manche, by the index a [`Lookup::Outside`] gave.
    #[must_use]
    pub fn ailleurs(&self, index: usize) -> Option<&Ailleurs> {
        self.outside().list.get(index)
    }

    #[must_use]
    pub fn by_insee(&self, insee: &str) -> Option<&Commune> {
        self.by_insee.get(insee).map(|&i| &self.manche[i])
    }

    /// A commune of the EPCI whose SIREN is `siren` (for its name); a linear scan, for reports.
    #[must_use]
    pub fn by_epci(&self, siren: &str) -> Option<&Commune> {
        self.manche.iter().find(|c| c.epci_siren == siren)
    }

    #[must_use]
    pub fn index_of(&self, insee: &str) -> Option<usize> {
        self.by_insee.get(insee).copied()
    }

    /// What the person meant by `input`, a whole answer to "quelle commune ?".
    #[must_use]
    pub fn lookup(&self, input: &str) -> Lookup {
        let folded = fold(input);
        let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 5 && folded.chars().filter(|c| c.is_alphabetic()).count() == 0 {
            return self.lookup_code(&digits);
        }
        let key = self.strip_cues(&self.key(input));
        if key.is_empty() {
            return Lookup::NotFound;
        }
        if let Some(found) = self.by_key.get(&key) {
            return several(found.clone());
        }
        // A unique prefix on word boundaries: "cherbourg" for Cherbourg-en-Cotentin.
        let prefixed: Vec<usize> = self
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| k.starts_with(&key) && k[key.len()..].starts_with(' '))
            .map(|(i, _)| i)
            .collect();
        if !prefixed.is_empty() {
            // Many names start the same way ("saint jean"): the first ones, in order; the person
            // can also type the full name.
            return several(prefixed.into_iter().take(MAX_CHOICES).collect());
        }
        if let Some(outside) = self.outside().by_key.get(&key) {
            return Lookup::Outside(outside.clone());
        }
        // Typos: the nearest names within the budget of their length.
        let budget = typo_budget(key.chars().count());
        if budget > 0 {
            let mut best: Vec<(usize, usize)> = self
                .keys
                .iter()
                .enumerate()
                // Lengths further apart than the budget cannot be within it: skip the costly part.
                .filter(|(_, k)| k.len().abs_diff(key.len()) <= budget * 2)
                .filter_map(|(i, k)| {
                    let d = strsim::damerau_levenshtein(&key, k);
                    (d <= budget).then_some((d, i))
                })
                .collect();
            best.sort_unstable();
            if let Some(&(d0, _)) = best.first() {
                let nearest: Vec<usize> =
                    best.iter().filter(|(d, _)| *d == d0).map(|&(_, i)| i).take(MAX_CHOICES).collect();
                return several(nearest);
            }
        }
        // A sentence holding a name: "je suis maire de genets".
        if let Some(i) = self.find_in_sentence(&folded, false) {
            return Lookup::Found(i);
        }
        Lookup::NotFound
    }

    fn lookup_code(&self, code: &str) -> Lookup {
        // A postal code of the Manche can also be the INSEE code of another commune (50410 is
        // Percy-en-Normandie's postal code and Pontorson's INSEE code): offer both.
        let mut list = self.by_postal.get(code).cloned().unwrap_or_default();
        if let Some(&i) = self.by_insee.get(code)
            && !list.contains(&i)
        {
            list.push(i);
        }
        if !list.is_empty() {
            return several(list);
        }
        if let Some(list) = self.outside().by_code.get(code) {
            let mut list = list.clone();
            list.dedup();
            return Lookup::Outside(list);
        }
        Lookup::NotFound
    }

    /// A commune of the Manche named inside a sentence. With `need_cue`, the name must follow a
    /// word such as "de", "à" or "commune", so that ordinary words are not taken for names.
    #[must_use]
    pub fn find_in_sentence(&self, folded: &str, need_cue: bool) -> Option<usize> {
        let key = self.key(folded);
        let toks: Vec<&str> = key.split(' ').collect();
        // Where each word ends in the text, to see what follows a name at the very start.
        let ends: Vec<usize> = {
            let mut v = vec![];
            let mut inside = false;
            for (i, c) in folded.char_indices() {
                let w = c.is_alphanumeric();
                if inside && !w {
                    v.push(i);
                }
                inside = w;
            }
            if inside {
                v.push(folded.len());
            }
            v
        };
        // A name opening the message and closed by punctuation ("Genêts, 450 habitants…").
        let opens = |len: usize| {
            ends.get(len - 1)
                .is_some_and(|&e| folded[e..].trim_start().chars().next().is_none_or(|c| ",.;:".contains(c)))
        };
        let mut found: Option<(usize, usize)> = None; // (length in words, index)
        for start in 0..toks.len() {
            let Some(cands) = self.first_words.get(toks[start]) else {
                continue;
            };
            if need_cue && start > 0 && !self.words.cues.iter().any(|c| c == toks[start - 1]) {
                continue;
            }
            for end in (start + 1..=toks.len().min(start + 8)).rev() {
                let phrase = toks[start..end].join(" ");
                if phrase.len() < 3 {
                    continue;
                }
                if let Some(list) = self.by_key.get(&phrase) {
                    if need_cue && start == 0 && !opens(end) {
                        break;
                    }
                    if list.len() == 1 && cands.contains(&list[0]) && found.is_none_or(|(l, _)| end - start > l) {
                        found = Some((end - start, list[0]));
                    }
                    break;
                }
            }
        }
        found.map(|(_, i)| i)
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.manche.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.manche.is_empty()
    }
}

fn several(mut list: Vec<usize>) -> Lookup {
    list.dedup();
    match list.len() {
        0 => Lookup::NotFound,
        1 => Lookup::Found(list[0]),
        _ => Lookup::Several(list),
    }
}

impl Communes {
    /// Drops the words people put before and after a name: "commune de", "je suis maire de",
    /// "merci".
    fn strip_cues(&self, key: &str) -> String {
        let mut k = key;
        for p in &self.words.prefixes {
            if let Some(rest) = k.strip_prefix(p.as_str()).filter(|r| r.starts_with(' ')) {
                k = rest;
                break;
            }
        }
        let mut out = k.trim().to_owned();
        for suffix in &self.words.suffixes {
            if let Some(rest) = out.strip_suffix(suffix.as_str()).filter(|r| r.ends_with(' ')) {
                out = rest.trim_end().to_owned();
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(insee: &str, nom: &str, cps: &[&str], pop: u32) -> Commune {
        Commune {
            insee: insee.into(),
            nom: nom.into(),
            codes_postaux: cps.iter().map(|s| (*s).to_owned()).collect(),
            population: Some(pop),
            epci_siren: String::new(),
            epci_nom: String::new(),
            statuts: vec![],
        }
    }

    fn sample() -> Communes {
        Communes::new(
            vec![
                commune("50199", "Genêts", &["50530"], 451),
                commune("50502", "Saint-Lô", &["50000"], 19471),
                commune("50129", "Cherbourg-en-Cotentin", &["50100", "50130"], 78258),
                commune("50393", "Percy-en-Normandie", &["50410"], 2641),
                commune("50001", "Saint-Jean-de-Daye", &["50620"], 700),
                commune("50002", "Saint-Jean-des-Champs", &["50320"], 1400),
                commune("50003", "Ducey-Les Chéris", &["50220"], 3000),
            ],
            vec![Ailleurs {
                insee: "35238".into(),
                nom: "Rennes".into(),
                codes_postaux: vec!["35000".into(), "35200".into()],
                departement: "35".into(),
                departement_nom: "Ille-et-Vilaine".into(),
            }],
            &[("Percy".into(), "50393".into())],
            Words {
                cues: vec!["de".into(), "a".into(), "maire".into(), "commune".into()],
                prefixes: vec!["commune de".into(), "maire de".into()],
                suffixes: vec!["merci".into()],
                abbreviations: vec![("st".into(), "saint".into())],
            },
        )
    }

    #[test]
    fn names_codes_and_old_names() {
        let c = sample();
        assert_eq!(c.lookup("genets"), Lookup::Found(0));
        assert_eq!(c.lookup("St-Lo"), Lookup::Found(1));
        assert_eq!(c.lookup("saint lô"), Lookup::Found(1));
        assert_eq!(c.lookup("50502"), Lookup::Found(1));
        assert_eq!(c.lookup("50530"), Lookup::Found(0));
        assert_eq!(c.lookup("Percy"), Lookup::Found(3));
        assert_eq!(c.lookup("cherbourg"), Lookup::Found(2));
        assert_eq!(c.lookup("ducey les cheris"), Lookup::Found(6));
        assert_eq!(c.lookup("commune de Genêts"), Lookup::Found(0));
    }

    #[test]
    fn typos_and_ambiguity() {
        let c = sample();
        assert_eq!(c.lookup("Cherbourg en Cotantin"), Lookup::Found(2));
        assert_eq!(c.lookup("saint jean"), Lookup::Several(vec![4, 5]));
        assert_eq!(c.lookup("xyzzy"), Lookup::NotFound);
    }

    #[test]
    fn outside_the_manche() {
        let c = sample();
        assert_eq!(c.lookup("Rennes"), Lookup::Outside(vec![0]));
        assert_eq!(c.lookup("35000"), Lookup::Outside(vec![0]));
        assert_eq!(c.ailleurs(0).unwrap().departement_nom, "Ille-et-Vilaine");
    }

    #[test]
    fn in_a_sentence_with_a_cue() {
        let c = sample();
        assert_eq!(c.find_in_sentence(&fold("maire de Genêts, pas de programme"), true), Some(0));
        assert_eq!(c.find_in_sentence(&fold("genets pas de programme"), true), None);
        assert_eq!(c.find_in_sentence(&fold("on est à saint-lô"), true), Some(1));
    }
}
