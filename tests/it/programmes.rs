//! The programme table: `aiguilleur programmes importer` rebuilds a programme's rows from a
//! national list in the ANCT's layout, and the bot proposes what the table says.

use std::path::Path;
use std::process::Command;

use aiguilleur::catalogue::programmes::{self, Row};

use crate::support;

fn shipped_table() -> String {
    std::fs::read_to_string(support::root().join("data/statuts-communes.csv")).unwrap()
}

fn rows_of(table: &str, statut: &str) -> Vec<Row> {
    programmes::parse_table(table).unwrap().into_iter().filter(|r| r.statut == statut).collect()
}

fn import(content: &Path, file: &str, statut: &str, extra: &[&str]) -> std::process::Output {
    let fixture = support::root().join("tests/fixtures/programmes").join(file);
    // The source text is the agent's to give (the file and where it was found): the shipped one.
    let source = rows_of(&shipped_table(), statut)[0].source.clone();
    Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["programmes", "importer"])
        .arg(&fixture)
        .args(["--programme", statut, "--source", &source, "--content"])
        .arg(content)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn the_ancts_lists_rebuild_the_shipped_rows() {
    let shipped = shipped_table();
    for (file, statut, count) in [
        ("liste-pvd-com2023-20240807.csv", "pvd", 37),
        ("liste-va-com2024-20240905.csv", "vda", 37),
        ("liste-ti-com2023-20230802.csv", "ti", 152),
    ] {
        // A copy of the content whose table lacks this programme.
        let dir = support::content_copy();
        let table = dir.path().join("data/statuts-communes.csv");
        let others: Vec<Row> =
            programmes::parse_table(&shipped).unwrap().into_iter().filter(|r| r.statut != statut).collect();
        std::fs::write(&table, programmes::write_table(&others)).unwrap();

        let out = import(dir.path(), file, statut, &[]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{file}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(&format!("{count} commune(s) de la Manche")), "{stdout}");
        assert!(stdout.contains("avant : 0"), "{stdout}");
        let rebuilt = std::fs::read_to_string(&table).unwrap();
        assert_eq!(rows_of(&rebuilt, statut), rows_of(&shipped, statut), "{file}");
        assert_eq!(rows_of(&rebuilt, statut).len(), count);
        // The whole file is the shipped one again: other programmes untouched, same order.
        assert_eq!(rebuilt, shipped, "{file}");
    }
}

#[test]
fn importing_the_same_list_again_changes_nothing_and_says_so() {
    let dir = support::content_copy();
    let out = import(dir.path(), "liste-pvd-com2023-20240807.csv", "pvd", &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("avant : 37 ; ajoutée(s) : aucune ; retirée(s) : aucune"), "{stdout}");
    assert!(stdout.contains("dont 3 hors de la Manche"), "{stdout}");
    assert_eq!(std::fs::read_to_string(dir.path().join("data/statuts-communes.csv")).unwrap(), shipped_table());
}

#[test]
fn a_wrong_column_or_programme_is_refused_and_the_table_kept() {
    let dir = support::content_copy();
    let out = import(dir.path(), "liste-va-com2024-20240905.csv", "vda", &["--colonne-insee", "code_insee"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("colonne « code_insee » absente"), "{stderr}");
    assert!(stderr.contains("insee_com, lib_com, id_va, date_signature"), "{stderr}");

    let fixture = support::root().join("tests/fixtures/programmes/liste-pvd-com2023-20240807.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["programmes", "importer"])
        .arg(&fixture)
        .args(["--programme", "pvdd", "--content"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("programme « pvdd » inconnu"));
    assert_eq!(std::fs::read_to_string(dir.path().join("data/statuts-communes.csv")).unwrap(), shipped_table());
}

#[test]
fn a_separator_given_wrongly_finds_no_column() {
    let dir = support::content_copy();
    let out = import(dir.path(), "liste-va-com2024-20240905.csv", "vda", &["--separateur", ","]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    // Guessed from the header line when not given.
    let out = import(dir.path(), "liste-va-com2024-20240905.csv", "vda", &["--separateur", ";"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_shipped_table_counts_and_dates() {
    let content = support::content();
    let mut per: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in &content.communes.manche {
        for s in &c.statuts {
            *per.entry(s.statut.as_str()).or_default() += 1;
            assert!(!s.source.is_empty() && !s.source_date.is_empty() && !s.editeur.is_empty(), "{}", c.nom);
        }
    }
    let expected = [
        ("acv", 2),
        ("acv-entrees-de-ville", 1),
        ("france-services", 28),
        ("ort", 3),
        ("pvd", 37),
        ("ti", 152),
        ("vda", 37),
    ];
    assert_eq!(per.into_iter().collect::<Vec<_>>(), expected);
    let avranches = content.communes.by_insee("50025").unwrap();
    assert_eq!(avranches.statuts.len(), 1);
    assert_eq!(avranches.statuts[0].statut, "pvd");
    assert_eq!(avranches.statuts[0].source_date, "2024-08-07");
    assert_eq!(avranches.statuts[0].signature.as_deref(), Some("2021-06-28"));
}
