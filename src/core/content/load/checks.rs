//! Checks shared by every step: ids defined once, references to defined ids, values from a
//! fixed list, sources, dates, phone numbers and emails.

use super::*;

/// A use of an id, checked once every use is known.
#[derive(Debug, Clone)]
pub(super) struct Reference {
    what: &'static str,
    code: &'static str,
    name: String,
    f: usize,
    span: Range<usize>,
}

impl Loader<'_> {
    /// Records a definition; a second one with the same id is an error.
    pub(super) fn define(&mut self, defs: &mut Defs, what: &str, id: &S, f: usize) -> bool {
        let name = id.get_ref().clone();
        if name.trim().is_empty() {
            self.err(f, "C012", id.span(), format!("identifiant de {what} vide"));
            return false;
        }
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.err(
                f,
                "C016",
                id.span(),
                format!(
                    "identifiant « {name} » invalide : lettres minuscules sans accent, chiffres et tirets seulement"
                ),
            );
        }
        if let Some((pf, pspan)) = defs.get(&name).cloned() {
            let (line, _) = self.files[pf].position(pspan.start);
            let first = format!("première définition : {}:{line}", self.files[pf].path.display());
            self.err(f, "C001", id.span(), format!("{what} « {name} » défini deux fois")).help = Some(first);
            return false;
        }
        defs.insert(name, (f, id.span()));
        true
    }

    /// An id that must be one of `defs`: recorded, and reported by `resolve_references` once
    /// every use is known. Returns whether it is defined.
    pub(super) fn reference(&mut self, defs: &Defs, what: &'static str, code: &'static str, r: &S, f: usize) -> bool {
        self.references.push(Reference { what, code, name: r.get_ref().clone(), f, span: r.span() });
        defs.contains_key(r.get_ref())
    }

    /// Reports the unknown references to `what` ids, defined in `defs` by `file`. Nothing when
    /// that file could not be read (its ids are unknown, not missing). When a definition is used
    /// nowhere and a near name is cited at least twice, the definition is the likely typo: one
    /// error there instead of one at each use.
    pub(super) fn resolve_references(&mut self, what: &'static str, defs: &Defs, file: &str) {
        let refs: Vec<Reference> = self.references.iter().filter(|r| r.what == what).cloned().collect();
        if self.incomplete(file) {
            return;
        }
        let used: HashSet<&str> = refs.iter().map(|r| r.name.as_str()).filter(|n| defs.contains_key(*n)).collect();
        let unused: Vec<&str> = defs.keys().map(String::as_str).filter(|d| !used.contains(d)).collect();
        let mut unknown: std::collections::BTreeMap<&str, Vec<&Reference>> = std::collections::BTreeMap::new();
        for r in refs.iter().filter(|r| !defs.contains_key(&r.name)) {
            unknown.entry(r.name.as_str()).or_default().push(r);
        }
        let mut diags = vec![];
        let mut blamed: HashSet<&str> = HashSet::new();
        for (name, uses) in unknown {
            if let Some(def) = super::super::diag::nearest(name, unused.iter().copied())
                && (uses.len() >= 2 || blamed.contains(def))
            {
                self.misspelled.insert(name.to_owned());
                if blamed.insert(def) {
                    let (df, dspan) = defs[def].clone();
                    let places: Vec<String> = uses
                        .iter()
                        .take(3)
                        .map(|u| {
                            format!("{}:{}", self.files[u.f].path.display(), self.files[u.f].position(u.span.start).0)
                        })
                        .collect();
                    let more = if uses.len() > 3 { ", …" } else { "" };
                    let d = self.files[df]
                        .error(
                            uses[0].code,
                            dspan,
                            format!(
                                "identifiant de {what} « {def} » utilisé nulle part, alors que « {name} » est cité {} \
                                 fois ({}{more}) : c'est sans doute ici qu'il est mal écrit",
                                uses.len(),
                                places.join(", ")
                            ),
                        )
                        .with_help(Some(format!("écrivez id = \"{name}\"")));
                    diags.push(d);
                }
                continue;
            }
            for u in uses {
                let help = did_you_mean(name, defs.keys().map(String::as_str));
                let d =
                    self.files[u.f].error(u.code, u.span.clone(), format!("{what} inconnu « {name} »")).with_help(help);
                diags.push(d);
            }
        }
        self.diags.extend(diags);
    }

    pub(super) fn one_of(&mut self, allowed: &[&str], what: &str, r: &S, f: usize) -> bool {
        if allowed.contains(&r.get_ref().as_str()) {
            return true;
        }
        let help = did_you_mean(r.get_ref(), allowed.iter().copied())
            .or_else(|| Some(format!("valeurs possibles : {}", allowed.join(", "))));
        self.err(f, "C006", r.span(), format!("{what} : valeur inconnue « {} »", r.get_ref())).help = help;
        false
    }

    pub(super) fn source_of(&mut self, what: &str, source: Option<&S>, f: usize, span: Range<usize>) -> String {
        match source {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
            Some(s) => {
                self.err(
                    f,
                    "C009",
                    s.span(),
                    format!("{what} : champ « source » vide ; indiquez d'où viennent ces informations"),
                );
                String::new()
            }
            None => {
                self.err(
                    f,
                    "C009",
                    span.start..span.start + 1,
                    format!("{what} sans « source » : indiquez d'où viennent ces informations"),
                );
                String::new()
            }
        }
    }

    pub(super) fn date(&mut self, d: Option<&S>, f: usize) -> Option<String> {
        let d = d?;
        let s = d.get_ref();
        if Day::parse(s).is_none() {
            self.err(
                f,
                "C014",
                d.span(),
                format!("date « {s} » invalide : écrivez AAAA-MM-JJ, par exemple 2024-03-12"),
            );
        }
        Some(s.clone())
    }
}

pub(super) fn check_phone(l: &mut Loader, t: &S, f: usize) {
    let digits: String = t.get_ref().chars().filter(char::is_ascii_digit).collect();
    let shape_ok = t.get_ref().chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '+' || c == '.');
    if digits.len() != 10 || !digits.starts_with('0') || !shape_ok {
        l.err(
            f,
            "C011",
            t.span(),
            format!("numéro « {} » invalide : dix chiffres attendus, par exemple 02 33 06 39 00", t.get_ref()),
        );
    }
}

pub(super) fn is_email(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}
