//! The counters of a period, as agents read them: a table, a CSV, a few lines for `!stats`.
//!
//! Every value is a content id (written with its label from the content) or a count. Communes
//! are counted only over the whole period, and a commune seen in fewer than
//! [`COMMUNE_MIN_CONVERSATIONS`] distinct conversations is folded into « autres communes »: a
//! small commune's mayor is not to be recognised in a slide.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{TRANCHES, dim};
use crate::content::Content;

/// A commune is shown by name only from this many distinct conversations over the period.
pub const COMMUNE_MIN_CONVERSATIONS: i64 = 5;

/// The value standing for the communes below the threshold.
pub const AUTRES_COMMUNES: &str = "autres";

/// The week column of the rows counted over the whole period (communes).
pub const PERIODE: &str = "periode";

/// A counter read back from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// ISO week (`2026-W49`).
    pub week: String,
    pub dim: String,
    pub value: String,
    pub n: i64,
}

/// One line of the report (and of the CSV).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// ISO week, or [`PERIODE`].
    pub semaine: String,
    pub dimension: String,
    pub valeur: String,
    pub libelle: String,
    pub nombre: i64,
}

/// The counters of a period.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every ISO week of the period, in order (weeks without counters included).
    pub weeks: Vec<String>,
    pub lines: Vec<Line>,
    /// The stages in project order (from the idea to the works), as charts show them.
    pub etapes: Vec<String>,
}

/// The dimensions of the table, in order, with their French titles.
pub const TITRES: [(&str, &str); 13] = [
    (dim::CONVERSATIONS, "Conversations commencées (par transport)"),
    (dim::RESULTATS, "Conversations arrivées aux résultats (par transport)"),
    (dim::DEMANDES, "Demandes transmises (par transport)"),
    (dim::SANS_REPONSE, "Questions sans réponse (par transport)"),
    (dim::THEME, "Par thème"),
    (dim::ETAPE, "Par étape du projet"),
    (dim::BESOIN, "Par besoin"),
    (dim::TRANCHE, "Par tranche de population"),
    (dim::PROGRAMME, "Par programme"),
    (dim::EPCI, "Par EPCI"),
    (dim::COMMUNE, "Par commune (au moins 5 conversations)"),
    (dim::DISPOSITIF, "Dispositifs proposés"),
    (dim::DETAILS, "Fiches ouvertes avec « détails »"),
];

/// The French label of a value.
#[must_use]
pub fn label(content: &Content, dimension: &str, value: &str) -> String {
    let c = &content.catalogue;
    let found = match dimension {
        dim::CONVERSATIONS | dim::RESULTATS | dim::DEMANDES | dim::SANS_REPONSE => Some(
            match value {
                "matrix" => "Tchap",
                "discord" => "Discord",
                "console" => "terminal",
                other => other,
            }
            .to_owned(),
        ),
        dim::THEME => c.theme(value).map(|t| t.nom.clone()),
        dim::ETAPE => c.etape(value).map(|t| t.nom.clone()),
        dim::BESOIN => c.besoins.iter().find(|b| b.id == value).map(|b| b.nom.clone()),
        dim::PROGRAMME => c.statuts.iter().find(|s| s.id == value).map(|s| s.nom.clone()),
        dim::TRANCHE => tranche_label(value).map(str::to_owned),
        dim::EPCI => content.communes.by_epci(value).map(|c| c.epci_nom.clone()),
        dim::COMMUNE if value == AUTRES_COMMUNES => {
            Some(format!("autres communes (moins de {COMMUNE_MIN_CONVERSATIONS} conversations chacune)"))
        }
        dim::COMMUNE => content.communes.by_insee(value).map(|c| c.nom.clone()),
        dim::DISPOSITIF | dim::DETAILS => c.dispositif(value).map(|d| d.nom.clone()),
        _ => None,
    };
    found.unwrap_or_else(|| match value {
        "inconnu" | "inconnue" | "nsp" => "non dit".to_owned(),
        "hors-manche" => "hors de la Manche".to_owned(),
        "aucun" if dimension == dim::PROGRAMME => "aucun programme".to_owned(),
        // An id the content no longer has (renamed since): shown as it was counted.
        other => other.to_owned(),
    })
}

fn tranche_label(id: &str) -> Option<&'static str> {
    Some(match id {
        "moins-500" => "moins de 500 habitants",
        "500-1499" => "500 à 1 499 habitants",
        "1500-3499" => "1 500 à 3 499 habitants",
        "3500-9999" => "3 500 à 9 999 habitants",
        "10000-plus" => "10 000 habitants et plus",
        _ => return None,
    })
}

/// Every ISO week from `from` to `to` (both included).
#[must_use]
pub fn weeks_between(from: &str, to: &str) -> Vec<String> {
    let (Some(mut t), Some(end)) = (super::week_start(from), super::week_start(to)) else { return vec![] };
    let mut out = vec![];
    while t <= end && out.len() < 10_000 {
        out.push(super::iso_week(t));
        t += 7 * 86_400;
    }
    out
}

/// The report of the counters of weeks `from` to `to`.
#[must_use]
pub fn build(content: &Content, counts: &[Count], from: &str, to: &str) -> Report {
    let mut lines = vec![];
    let mut communes: BTreeMap<&str, i64> = BTreeMap::new();
    for c in counts.iter().filter(|c| c.week.as_str() >= from && c.week.as_str() <= to) {
        if c.dim == dim::COMMUNE {
            *communes.entry(c.value.as_str()).or_default() += c.n;
            continue;
        }
        lines.push(Line {
            semaine: c.week.clone(),
            dimension: c.dim.clone(),
            valeur: c.value.clone(),
            libelle: label(content, &c.dim, &c.value),
            nombre: c.n,
        });
    }
    let order = |d: &str| TITRES.iter().position(|(t, _)| *t == d).unwrap_or(TITRES.len());
    lines.sort_by(|a, b| {
        (order(&a.dimension), &a.semaine, &a.valeur).cmp(&(order(&b.dimension), &b.semaine, &b.valeur))
    });
    let mut others = 0;
    for (insee, n) in communes {
        if n >= COMMUNE_MIN_CONVERSATIONS {
            lines.push(Line {
                semaine: PERIODE.into(),
                dimension: dim::COMMUNE.into(),
                valeur: insee.into(),
                libelle: label(content, dim::COMMUNE, insee),
                nombre: n,
            });
        } else {
            others += n;
        }
    }
    if others > 0 {
        lines.push(Line {
            semaine: PERIODE.into(),
            dimension: dim::COMMUNE.into(),
            valeur: AUTRES_COMMUNES.into(),
            libelle: label(content, dim::COMMUNE, AUTRES_COMMUNES),
            nombre: others,
        });
    }
    let etapes = content.catalogue.etapes.iter().map(|e| e.id.clone()).collect();
    Report { weeks: weeks_between(from, to), lines, etapes }
}

impl Report {
    /// The total of a dimension over the period, by value, largest first.
    #[must_use]
    pub fn totals(&self, dimension: &str) -> Vec<(String, String, i64)> {
        let mut by: BTreeMap<&str, (&str, i64)> = BTreeMap::new();
        for l in self.lines.iter().filter(|l| l.dimension == dimension) {
            let e = by.entry(&l.valeur).or_insert((&l.libelle, 0));
            e.1 += l.nombre;
        }
        let mut out: Vec<(String, String, i64)> =
            by.into_iter().map(|(v, (l, n))| (v.to_owned(), l.to_owned(), n)).collect();
        if dimension == dim::TRANCHE {
            let rank = |v: &str| TRANCHES.iter().position(|(t, _)| *t == v).unwrap_or(TRANCHES.len());
            out.sort_by_key(|(v, _, _)| rank(v));
        } else if dimension == dim::ETAPE {
            let rank = |v: &str| self.etapes.iter().position(|e| e == v).unwrap_or(self.etapes.len());
            out.sort_by_key(|(v, _, _)| rank(v));
        } else {
            out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        }
        out
    }

    /// The count of a dimension in one week, all values together.
    #[must_use]
    pub fn week_total(&self, week: &str, dimension: &str) -> i64 {
        self.lines.iter().filter(|l| l.semaine == week && l.dimension == dimension).map(|l| l.nombre).sum()
    }

    /// The count of one value of a dimension in one week.
    #[must_use]
    pub fn week_value(&self, week: &str, dimension: &str, value: &str) -> i64 {
        self.lines
            .iter()
            .filter(|l| l.semaine == week && l.dimension == dimension && l.valeur == value)
            .map(|l| l.nombre)
            .sum()
    }

    /// The CSV: `semaine,dimension,valeur,libelle,nombre`.
    ///
    /// # Errors
    /// Never in practice (writing to memory).
    pub fn csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(["semaine", "dimension", "valeur", "libelle", "nombre"])?;
        for l in &self.lines {
            w.write_record([&l.semaine, &l.dimension, &l.valeur, &l.libelle, &l.nombre.to_string()])?;
        }
        let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The table printed by `aiguilleur stats`.
    #[must_use]
    pub fn table(&self) -> String {
        let mut out = String::new();
        let (first, last) =
            (self.weeks.first().cloned().unwrap_or_default(), self.weeks.last().cloned().unwrap_or_default());
        let _ = writeln!(out, "Statistiques anonymes, semaines {first} à {last}\n");
        let _ = writeln!(
            out,
            "{:<10} {:>13} {:>10} {:>9} {:>13}",
            "semaine", "conversations", "résultats", "demandes", "sans réponse"
        );
        for w in &self.weeks {
            let _ = writeln!(
                out,
                "{:<10} {:>13} {:>10} {:>9} {:>13}",
                w,
                self.week_total(w, dim::CONVERSATIONS),
                self.week_total(w, dim::RESULTATS),
                self.week_total(w, dim::DEMANDES),
                self.week_total(w, dim::SANS_REPONSE)
            );
        }
        for (d, title) in TITRES {
            let totals = self.totals(d);
            if totals.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title}");
            for (_, libelle, n) in totals {
                let _ = writeln!(out, "  {n:>6}  {libelle}");
            }
        }
        out
    }
}
