//! Step of the loader: the communes (the Manche's, the former ones, those outside the
//! Manche) and the programme table, every row validated.

use super::*;
use crate::catalogue::programmes::HEADER as STATUTS_COMMUNES_HEADER;

/// One list of the programme table: statut, date of the list, date of its check.
type ListKey = (String, String, Option<String>);
/// Its rows: file, first line, how many communes, who publishes it.
type ListRows = (usize, usize, usize, String);

impl Loader<'_> {
    pub(super) fn csv_rows(&mut self, rel: &str, header: &[&str]) -> Vec<(Vec<String>, usize, usize)> {
        let Some(f) = self.read(rel) else {
            return vec![];
        };
        let mut rows = vec![];
        let text = self.files[f].text.clone();
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        match reader.headers() {
            Ok(h) if h.iter().eq(header.iter().copied()) => {}
            _ => {
                let span = self.files[f].line_span(1);
                self.err(f, "K001", span, format!("en-tête attendu : {}", header.join(",")));
                return rows;
            }
        }
        for rec in reader.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                    if r.len() != header.len() {
                        let span = self.files[f].line_span(line);
                        self.err(f, "K001", span, format!("{} colonnes attendues, {} trouvées", header.len(), r.len()));
                        continue;
                    }
                    rows.push((r.iter().map(str::to_owned).collect(), f, line));
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| usize::try_from(p.line()).unwrap_or(1));
                    let span = self.files[f].line_span(line);
                    self.err(f, "K001", span, "ligne CSV illisible");
                }
            }
        }
        rows
    }

    pub(super) fn communes(&mut self, statuts: &Defs, statut_list: &[Statut], vocab: &Vocabulaire) -> Communes {
        let mut manche = vec![];
        for (r, f, line) in self
            .csv_rows("data/communes.csv", &["insee", "nom", "codes_postaux", "population", "epci_siren", "epci_nom"])
        {
            let population = if r[3].is_empty() {
                None
            } else if let Ok(p) = r[3].parse() {
                Some(p)
            } else {
                let span = self.files[f].line_span(line);
                self.err(f, "K001", span, format!("population « {} » : un nombre est attendu", r[3]));
                None
            };
            manche.push(Commune {
                insee: r[0].clone(),
                nom: r[1].clone(),
                codes_postaux: r[2].split_whitespace().map(str::to_owned).collect(),
                population,
                epci_siren: r[4].clone(),
                epci_nom: r[5].clone(),
                statuts: vec![],
            });
        }
        let ailleurs = self.ailleurs();
        let anciennes: Vec<(String, String)> = self
            .csv_rows("data/communes-anciennes.csv", &["nom", "insee", "type"])
            .into_iter()
            .map(|(r, _, _)| (r[0].clone(), r[1].clone()))
            .collect();
        self.statuts_communes(statuts, statut_list, &mut manche);
        Communes::new(manche, ailleurs, &anciennes, crate::catalogue::communes::Words::from_vocab(vocab))
    }

    /// `data/communes-hors-manche.csv`, every row checked.
    fn ailleurs(&mut self) -> Vec<crate::catalogue::communes::Ailleurs> {
        let rows = self.csv_rows(
            "data/communes-hors-manche.csv",
            &["insee", "nom", "codes_postaux", "departement", "departement_nom"],
        );
        let mut out = Vec::with_capacity(rows.len());
        for (r, f, line) in rows {
            let insee_ok = r[0].len() == 5 && r[0].chars().all(|c| c.is_ascii_alphanumeric());
            let postaux: Vec<String> = r[2].split_whitespace().map(str::to_owned).collect();
            let postaux_ok = postaux.iter().all(|p| p.len() == 5 && p.chars().all(|c| c.is_ascii_digit()));
            let problem = if !insee_ok {
                Some(format!("code INSEE « {} » : cinq caractères attendus (par exemple 35238)", r[0]))
            } else if r[1].trim().is_empty() {
                Some("nom de commune vide".to_owned())
            } else if !postaux_ok {
                Some(format!("codes postaux « {} » : cinq chiffres chacun, séparés par des espaces", r[2]))
            } else if r[3].trim().is_empty() || r[4].trim().is_empty() {
                Some("département manquant (code et nom)".to_owned())
            } else {
                None
            };
            if let Some(msg) = problem {
                let span = self.files[f].line_span(line);
                self.err(f, "K003", span, msg);
                continue;
            }
            out.push(crate::catalogue::communes::Ailleurs {
                insee: r[0].clone(),
                nom: r[1].clone(),
                codes_postaux: postaux,
                departement: r[3].clone(),
                departement_nom: r[4].clone(),
            });
        }
        out
    }

    /// `data/statuts-communes.csv`: one row per commune and programme, from a public list.
    pub(super) fn statuts_communes(&mut self, statuts: &Defs, statut_list: &[Statut], manche: &mut [Commune]) {
        let by_insee: HashMap<String, usize> = manche.iter().enumerate().map(|(i, c)| (c.insee.clone(), i)).collect();
        let mut groups: Vec<(ListKey, ListRows)> = vec![];
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (r, f, line) in self.csv_rows("data/statuts-communes.csv", STATUTS_COMMUNES_HEADER) {
            let span = self.files[f].line_span(line);
            let [insee, commune, statut, signature, editeur, source_date, source, verifie_le] = &r[..] else {
                continue;
            };
            let Some(&i) = by_insee.get(insee) else {
                self.err(f, "K002", span, format!("code INSEE « {insee} » : aucune commune de la Manche"));
                continue;
            };
            if !statuts.contains_key(statut) {
                if self.incomplete("data/statuts.toml") || self.misspelled.contains(statut) {
                    continue;
                }
                let help = did_you_mean(statut, statuts.keys().map(String::as_str));
                self.err(f, "K002", span, format!("statut inconnu « {statut} »")).help = help;
                continue;
            }
            if source.trim().is_empty() || editeur.trim().is_empty() {
                self.err(
                    f,
                    "C009",
                    span,
                    "ligne sans « source » ou sans « editeur » : indiquez la liste publique qui la confirme",
                );
                continue;
            }
            if !commune.is_empty() && fold(commune) != fold(&manche[i].nom) {
                let help = Some(format!("le code {insee} est celui de « {} »", manche[i].nom));
                self.warn(f, "K004", span.clone(), format!("« {commune} » ne correspond pas au code INSEE {insee}"))
                    .help = help;
            }
            let mut bad_date = false;
            for (what, value, required) in
                [("source_date", source_date, true), ("signature", signature, false), ("verifie_le", verifie_le, false)]
            {
                if (required || !value.is_empty()) && Day::parse(value).is_none() {
                    self.err(
                        f,
                        "C014",
                        span.clone(),
                        format!("{what} « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2024-08-07"),
                    );
                    bad_date = true;
                }
            }
            if bad_date {
                continue;
            }
            if let Some(first) = seen.insert((insee.clone(), statut.clone()), line) {
                self.err(f, "K003", span, format!("{insee} ({}) figure deux fois pour « {statut} »", manche[i].nom))
                    .help = Some(format!("première ligne : {first}"));
                continue;
            }
            let verifie = (!verifie_le.is_empty()).then(|| verifie_le.clone());
            let key = (statut.clone(), source_date.clone(), verifie.clone());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.2 += 1,
                None => groups.push((key, (f, line, 1, editeur.clone()))),
            }
            manche[i].statuts.push(StatutCommune {
                statut: statut.clone(),
                signature: (!signature.is_empty()).then(|| signature.clone()),
                editeur: editeur.clone(),
                source_date: source_date.clone(),
                source: source.clone(),
                verifie_le: verifie,
            });
        }
        for ((statut, source_date, verifie_le), (f, line, n, editeur)) in groups {
            let programme = statut_list.iter().find(|s| s.id == statut);
            let nom = format!(
                "{} : {n} commune(s), liste de {editeur} du {source_date}",
                programme.map_or(statut.as_str(), |s| s.nom.as_str())
            );
            let dates = Dates {
                source_date: Some(source_date),
                verifie_le,
                valable_jusqu_au: programme.and_then(|s| s.dates.valable_jusqu_au.clone()),
                appel_annuel: false,
            };
            let offset = self.files[f].line_span(line).start;
            self.record_dates(f, offset, "programme", &nom, &dates);
        }
    }
}
