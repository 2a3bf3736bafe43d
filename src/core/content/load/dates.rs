//! Step of the loader: dates of records, the freshness setting, French typography — what
//! makes knowledge dated and re-checkable.

use super::*;

impl Loader<'_> {
    /// The three dates of a record, each checked (`AAAA-MM-JJ`).
    pub(super) fn dates(
        &mut self,
        source_date: Option<&S>,
        verifie_le: Option<&S>,
        valable: Option<&S>,
        f: usize,
    ) -> Dates {
        let dates = Dates {
            source_date: self.date(source_date, f),
            verifie_le: self.date(verifie_le, f),
            valable_jusqu_au: self.date(valable, f),
            appel_annuel: false,
        };
        if let (Some(s), Some(v), Some(at)) = (
            dates.source_date.as_deref().and_then(Day::parse),
            dates.verifie_le.as_deref().and_then(Day::parse),
            verifie_le,
        ) && v < s
        {
            self.warn(
                f,
                "C018",
                at.span(),
                format!(
                    "« verifie_le » ({v}) est antérieure à « source_date » ({s}) : une vérification suit sa source"
                ),
            );
        }
        dates
    }

    /// Remembers a dated record and where it starts, for `check`'s list of records to re-check.
    pub(super) fn record_dates(&mut self, f: usize, offset: usize, kind: &'static str, nom: &str, dates: &Dates) {
        let (line, _) = self.files[f].position(offset);
        self.dated.push(DatedRecord {
            path: self.files[f].path.clone(),
            line,
            kind,
            nom: nom.to_owned(),
            dates: dates.clone(),
        });
    }

    /// A département code: two digits, 2A, 2B, or three digits overseas.
    pub(super) fn departement_code(&mut self, code: &S, f: usize) {
        let c = code.get_ref();
        let ok = matches!(c.as_str(), "2A" | "2B")
            || (c.len() == 2 || c.len() == 3) && c.chars().all(|x| x.is_ascii_digit());
        if !ok {
            self.err(f, "C006", code.span(), format!("code de département « {c} » invalide : par exemple « 50 »"));
        }
    }

    /// French typography in what the bot says (`locales/fr/`, `data/*.toml`): a narrow no-break
    /// space (U+202F) before « : ; ! ? » and inside « », not an ordinary or a no-break space.
    /// Comment lines are skipped; a warning, so that a draft still loads.
    pub(super) fn typography(&mut self) {
        for f in 0..self.files.len() {
            let path = self.files[f].path.to_string_lossy().replace('\\', "/");
            let spoken = (path.starts_with("locales/fr/") && path.ends_with(".ftl"))
                || (path.starts_with("data/") && path.ends_with(".toml"));
            if !spoken {
                continue;
            }
            let mut found = vec![];
            let mut offset = 0;
            for line in self.files[f].text.split_inclusive('\n') {
                if !line.trim_start().starts_with('#') {
                    let chars: Vec<(usize, char)> = line.char_indices().collect();
                    for w in chars.windows(2) {
                        let ((i, a), (_, b)) = (w[0], w[1]);
                        let space = a == ' ' || a == '\u{a0}';
                        let what = match (a, b) {
                            (_, ':' | ';' | '!' | '?' | '»') if space => Some(b),
                            ('«', ' ' | '\u{a0}') => Some('«'),
                            _ => None,
                        };
                        if let Some(c) = what {
                            found.push((offset + i, c));
                        }
                    }
                }
                offset += line.len();
            }
            for (at, c) in found {
                self.warn(
                    f,
                    "T010",
                    at..at + 1,
                    format!(
                        "typographie : espace fine insécable attendue {} « {c} »",
                        if c == '«' { "après" } else { "avant" }
                    ),
                )
                .help = Some("remplacez cette espace par une espace fine insécable (U+202F)".into());
            }
        }
    }

    /// `data/fraicheur.toml`: months after which information is to be confirmed. Optional.
    pub(super) fn fraicheur(&mut self) -> u32 {
        const REL: &str = "data/fraicheur.toml";
        if self.source.read(REL).is_err() {
            return DEFAULT_MAX_AGE_MONTHS;
        }
        let Some((file, f)) = self.parse::<raw::FraicheurFile>(REL) else {
            return DEFAULT_MAX_AGE_MONTHS;
        };
        match u32::try_from(*file.age_max_mois.get_ref()) {
            Ok(n) if (1..=240).contains(&n) => n,
            _ => {
                self.err(
                    f,
                    "C015",
                    file.age_max_mois.span(),
                    "age_max_mois : un nombre de mois entre 1 et 240 est attendu",
                );
                DEFAULT_MAX_AGE_MONTHS
            }
        }
    }
}
