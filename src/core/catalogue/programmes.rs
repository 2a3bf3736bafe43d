//! The programme table (`data/statuts-communes.csv`) rebuilt from a national list.
//!
//! The State's open-data portal publishes, for each programme, the list of its communes as a CSV
//! file with an INSEE code column (the ANCT names its files `liste-pvd-com2025-20260427.csv`:
//! programme, geography, date). [`read_national`] keeps the rows of one département, as rows of
//! the table; [`replace_programme`] puts them in place of that programme's rows and leaves the
//! other programmes alone. No I/O: `aiguilleur programmes importer` reads and writes the files.

use std::collections::BTreeMap;

use super::communes::Communes;
use super::freshness::Day;

/// Columns of `data/statuts-communes.csv`, in order.
pub const HEADER: &[&str] =
    &["insee", "commune", "statut", "signature", "editeur", "source_date", "source", "verifie_le"];

/// Defaults that read the ANCT's files as published.
pub const DEFAULT_INSEE_COLUMN: &str = "insee_com";
pub const DEFAULT_DATE_COLUMN: &str = "date_signature";
pub const DEFAULT_EDITEUR: &str = "l'ANCT";

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Row {
    pub statut: String,
    pub insee: String,
    pub commune: String,
    pub signature: String,
    pub editeur: String,
    pub source_date: String,
    pub source: String,
    pub verifie_le: String,
}

impl Row {
    fn fields(&self) -> [&str; 8] {
        [
            &self.insee,
            &self.commune,
            &self.statut,
            &self.signature,
            &self.editeur,
            &self.source_date,
            &self.source,
            &self.verifie_le,
        ]
    }
}

/// How to read a national list.
#[derive(Debug, Clone)]
pub struct Options {
    /// Statut id the rows get (`pvd`, `vda`…).
    pub statut: String,
    pub insee_column: String,
    /// Column of the signature date, used when the file has it.
    pub date_column: String,
    /// Field separator; `None`: guessed from the header line (`;`, `,` or a tab).
    pub separator: Option<u8>,
    /// Who publishes the list, as said after « la liste de ».
    pub editeur: String,
    /// What the `source` column says: the file and where it was found.
    pub source: String,
    /// Date of the list (`AAAA-MM-JJ`).
    pub source_date: String,
    /// Département whose communes are kept.
    pub departement: String,
}

/// What a national list gave.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub rows: Vec<Row>,
    /// Data lines read.
    pub lines: usize,
    /// Codes of other départements.
    pub elsewhere: usize,
    /// Codes of the département that `data/communes.csv` does not know (an older geography).
    pub unknown: Vec<String>,
    /// Signature dates that could not be read (kept empty).
    pub bad_dates: usize,
}

/// The date a file name ends with (`liste-pvd-com2023-20240807.csv` → `2024-08-07`).
#[must_use]
pub fn date_from_file_name(name: &str) -> Option<String> {
    let stem = name.rsplit(['/', '\\']).next()?.split('.').next()?;
    let digits: String =
        stem.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    if digits.len() != 8 {
        return None;
    }
    let iso = format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..]);
    Day::parse(&iso).map(|_| iso)
}

/// The separator of a CSV file, from its header line.
#[must_use]
pub fn guess_separator(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    [(b';', count(';')), (b'\t', count('\t')), (b',', count(','))]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| s)
}

/// INSEE codes in a cell: `50025`, `"=""50025"""` (a spreadsheet's text), `1001` (a code that
/// lost its leading zero), several codes separated by `;` or spaces.
fn insee_codes(cell: &str) -> Vec<String> {
    cell.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let w = w.to_ascii_uppercase();
            let ok = w.chars().all(|c| c.is_ascii_digit()) || w.starts_with("2A") || w.starts_with("2B");
            match w.len() {
                5 if ok => Some(w),
                4 if w.chars().all(|c| c.is_ascii_digit()) => Some(format!("0{w}")),
                _ => None,
            }
        })
        .collect()
}

/// A signature date as the table writes it; `None` when it cannot be read.
fn signature_date(cell: &str) -> Option<String> {
    let c = cell.trim();
    if c.is_empty() {
        return Some(String::new());
    }
    if let Some(iso) = c.get(..10).filter(|d| Day::parse(d).is_some()) {
        return Some(iso.to_owned());
    }
    let parts: Vec<&str> = c.split(['/', ' ']).collect();
    if let [d, m, y, ..] = parts[..] {
        let iso = format!("{y:0>4}-{m:0>2}-{d:0>2}");
        return Day::parse(&iso).map(|_| iso);
    }
    None
}

/// Reads a national list: the rows of `options.departement`, one per commune.
///
/// # Errors
/// An unreadable file, or a header without the INSEE column (the message names the columns).
pub fn read_national(text: &str, options: &Options, communes: &Communes) -> Result<Imported, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    let separator = options.separator.unwrap_or_else(|| guess_separator(header_line));
    let mut reader =
        csv::ReaderBuilder::new().delimiter(separator).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| format!("en-tête illisible : {e}"))?.iter().map(|h| h.trim().to_owned()).collect();
    let Some(insee_at) = headers.iter().position(|h| h == &options.insee_column) else {
        return Err(format!(
            "colonne « {} » absente ; colonnes du fichier : {} (choisissez avec --colonne-insee, et --separateur si besoin)",
            options.insee_column,
            headers.join(", ")
        ));
    };
    let date_at = headers.iter().position(|h| h == &options.date_column);
    let mut out = Imported::default();
    let mut by_insee: BTreeMap<String, Row> = BTreeMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| format!("ligne illisible : {e}"))?;
        out.lines += 1;
        let signature = match date_at.and_then(|i| rec.get(i)) {
            Some(cell) => signature_date(cell).unwrap_or_else(|| {
                out.bad_dates += 1;
                String::new()
            }),
            None => String::new(),
        };
        for code in insee_codes(rec.get(insee_at).unwrap_or_default()) {
            if !code.starts_with(&options.departement) {
                out.elsewhere += 1;
                continue;
            }
            let Some(c) = communes.by_insee(&code) else {
                if !out.unknown.contains(&code) {
                    out.unknown.push(code);
                }
                continue;
            };
            let row = by_insee.entry(code.clone()).or_insert_with(|| Row {
                statut: options.statut.clone(),
                insee: code.clone(),
                commune: c.nom.clone(),
                signature: String::new(),
                editeur: options.editeur.clone(),
                source_date: options.source_date.clone(),
                source: options.source.clone(),
                verifie_le: String::new(),
            });
            if row.signature.is_empty() {
                row.signature.clone_from(&signature);
            }
        }
    }
    out.rows = by_insee.into_values().collect();
    Ok(out)
}

/// Parses the table's text (header checked).
///
/// # Errors
/// A wrong header or an unreadable line.
pub fn parse_table(text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| format!("en-tête illisible : {e}"))?;
    if !headers.iter().eq(HEADER.iter().copied()) {
        return Err(format!("en-tête attendu : {}", HEADER.join(",")));
    }
    let mut rows = vec![];
    for rec in reader.records() {
        let r = rec.map_err(|e| format!("ligne illisible : {e}"))?;
        if r.len() != HEADER.len() {
            return Err(format!("{} colonnes attendues, {} trouvées", HEADER.len(), r.len()));
        }
        rows.push(Row {
            insee: r[0].to_owned(),
            commune: r[1].to_owned(),
            statut: r[2].to_owned(),
            signature: r[3].to_owned(),
            editeur: r[4].to_owned(),
            source_date: r[5].to_owned(),
            source: r[6].to_owned(),
            verifie_le: r[7].to_owned(),
        });
    }
    Ok(rows)
}

/// The table's text, rows sorted by programme then INSEE code.
#[must_use]
pub fn write_table(rows: &[Row]) -> String {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| (&a.statut, &a.insee).cmp(&(&b.statut, &b.insee)));
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(vec![]);
    // Writing to memory cannot fail.
    let _ = w.write_record(HEADER);
    for r in sorted {
        let _ = w.write_record(r.fields());
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// What replacing a programme's rows changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub before: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// `table` with the rows of `statut` replaced by `rows` (other programmes untouched).
///
/// # Errors
/// When the current table cannot be read.
pub fn replace_programme(table: &str, statut: &str, rows: Vec<Row>) -> Result<(String, Change), String> {
    let current = parse_table(table)?;
    let (old, mut kept): (Vec<Row>, Vec<Row>) = current.into_iter().partition(|r| r.statut == statut);
    let change = Change {
        before: old.len(),
        added: rows.iter().filter(|r| !old.iter().any(|o| o.insee == r.insee)).map(|r| r.insee.clone()).collect(),
        removed: old.iter().filter(|o| !rows.iter().any(|r| r.insee == o.insee)).map(|o| o.insee.clone()).collect(),
    };
    kept.extend(rows);
    Ok((write_table(&kept), change))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_separators() {
        assert_eq!(date_from_file_name("data/liste-pvd-com2023-20240807.csv").as_deref(), Some("2024-08-07"));
        assert_eq!(date_from_file_name("liste-va-com2024-20240905.csv").as_deref(), Some("2024-09-05"));
        assert_eq!(date_from_file_name("liste.csv"), None);
        assert_eq!(date_from_file_name("liste-20241399.csv"), None);
        assert_eq!(guess_separator("insee_com;lib_com;id_va"), b';');
        assert_eq!(guess_separator("insee_com,lib_com,id_pvd,date_signature"), b',');
        assert_eq!(guess_separator("insee_com"), b',');
    }

    #[test]
    fn codes_and_dates() {
        assert_eq!(insee_codes("50025"), vec!["50025"]);
        assert_eq!(insee_codes("=\"50025\""), vec!["50025"]);
        assert_eq!(insee_codes("1001"), vec!["01001"]);
        assert_eq!(insee_codes("13055;13070"), vec!["13055", "13070"]);
        assert_eq!(insee_codes("2a004"), vec!["2A004"]);
        assert_eq!(signature_date("2021-06-28").as_deref(), Some("2021-06-28"));
        assert_eq!(signature_date("28/06/2021").as_deref(), Some("2021-06-28"));
        assert_eq!(signature_date("2021-06-28T00:00:00Z").as_deref(), Some("2021-06-28"));
        assert_eq!(signature_date("").as_deref(), Some(""));
        assert_eq!(signature_date("bientôt"), None);
    }

    #[test]
    fn replacing_keeps_the_other_programmes() {
        let row = |statut: &str, insee: &str| Row {
            statut: statut.into(),
            insee: insee.into(),
            commune: "X".into(),
            signature: String::new(),
            editeur: "l'ANCT".into(),
            source_date: "2024-01-01".into(),
            source: "s, avec virgule".into(),
            verifie_le: String::new(),
        };
        let table = write_table(&[row("vda", "50029"), row("pvd", "50025"), row("pvd", "50003")]);
        assert!(table.starts_with("insee,commune,statut,signature,editeur,source_date,source,verifie_le\n50003,"));
        let (new, change) = replace_programme(&table, "pvd", vec![row("pvd", "50025"), row("pvd", "50041")]).unwrap();
        assert_eq!(change, Change { before: 2, added: vec!["50041".into()], removed: vec!["50003".into()] });
        let rows = parse_table(&new).unwrap();
        let ids: Vec<(&str, &str)> = rows.iter().map(|r| (r.statut.as_str(), r.insee.as_str())).collect();
        assert_eq!(ids, vec![("pvd", "50025"), ("pvd", "50041"), ("vda", "50029")]);
        assert_eq!(rows[0].source, "s, avec virgule");
    }
}
