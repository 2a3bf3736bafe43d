//! Questionnaires written as content only: the engine's loops over data, per-item answers,
//! summaries and exports, tried on a third questionnaire that no code knows
//! (`tests/fixtures/questionnaire/`), and the shipped levers checked against the source.

use std::sync::Arc;

use aiguilleur::catalogue::model::ChampValeur;
use aiguilleur::content::{self, Content};
use aiguilleur::dialogue::{self, Session, Value};
use aiguilleur::reply::Reply;

use crate::support::{self, Chat};

fn essai() -> (tempfile::TempDir, Arc<Content>) {
    let dir = support::content_with(&support::root().join("tests/fixtures/questionnaire"));
    let loaded = content::load(dir.path());
    let errors: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join(""));
    let c = Arc::new(loaded.content.expect("valid"));
    (dir, c)
}

fn say(c: &Content, s: &mut Session, text: &str) -> Vec<Reply> {
    dialogue::step(c, s, text, 0)
}

fn asked(r: &[Reply]) -> Vec<String> {
    r.iter().filter_map(|x| if let Reply::Ask { id, .. } = x { Some(id.clone()) } else { None }).collect()
}

#[test]
fn a_third_questionnaire_walks_its_list_with_answers_per_item() {
    let (_dir, c) = essai();
    let mut s = Session::new("orientation", "fr", &c.version, 0);
    let r = say(&c, &mut s, "bonjour");
    assert!(r.iter().any(|x| matches!(x, Reply::Say { id, .. } if id == "arbres-presentation")), "{r:?}");
    // The trigger opens it; the choices come from the list's field.
    let r = say(&c, &mut s, "arbres");
    assert_eq!(s.dialogue, "arbres");
    let Some(Reply::Ask { choices, .. }) = r.last() else { panic!("{r:?}") };
    let labels: Vec<String> = choices.iter().map(|ch| format!("{:?}", ch.label)).collect();
    assert_eq!(choices.len(), 3, "{labels:?}");
    // "Vert": two items, in list order; a "non" skips the second question.
    let r = say(&c, &mut s, "vert");
    assert_eq!(asked(&r), ["q-arbres-aime"]);
    assert_eq!(s.boucle.as_ref().map(|b| b.items.clone()), Some(vec!["chene".to_owned(), "houx".to_owned()]));
    let r = say(&c, &mut s, "non");
    assert_eq!(asked(&r), ["q-arbres-aime"]);
    let r = say(&c, &mut s, "oui");
    assert_eq!(asked(&r), ["q-arbres-pourquoi"]);
    // Back: to the same item's first question, its answer forgotten.
    say(&c, &mut s, "retour");
    assert!(!s.slots.contains_key("aime@houx"));
    say(&c, &mut s, "oui");
    let r = say(&c, &mut s, "il reste vert l'hiver");
    assert_eq!(s.slots.get("aime@chene"), Some(&Value::Bool(false)));
    assert_eq!(s.slots.get("aime@houx"), Some(&Value::Bool(true)));
    assert_eq!(s.slots.get("pourquoi@houx"), Some(&Value::Text("il reste vert l'hiver".into())));
    let resume = r.iter().find_map(|x| {
        if let Reply::Resume { lignes, liste, .. } = x { Some((liste.clone(), lignes.clone())) } else { None }
    });
    let (liste, lignes) = resume.expect("a summary");
    assert_eq!(liste, "arbres");
    assert_eq!(lignes.len(), 2);
    assert_eq!(lignes[0].1, vec![Some(Value::Bool(false)), None]);
    // The summary reads as text, and the export writes one row per item, no person.
    let text = aiguilleur::render::plain::plain(&aiguilleur::render::blocks(&c, "fr", &r));
    assert!(text.contains("Houx — aimé\u{202f}: Oui · pourquoi\u{202f}: il reste vert l'hiver"), "{text}");
    let csv = aiguilleur::export::csv(&c, &c.dialogues["arbres"], &[s.clone()]).unwrap().unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.lines().nth(2).unwrap().ends_with("houx,Houx,Vert,Oui,il reste vert l'hiver"), "{csv}");
}

#[test]
fn the_filter_value_for_all_items_and_the_links_to_the_catalogue() {
    let (_dir, c) = essai();
    let mut s = Session::new("arbres", "fr", &c.version, 0);
    say(&c, &mut s, "bonjour");
    say(&c, &mut s, "toutes");
    assert_eq!(s.boucle.as_ref().map(|b| b.items.len()), Some(3));
    for _ in 0..2 {
        say(&c, &mut s, "non");
    }
    say(&c, &mut s, "oui");
    let r = say(&c, &mut s, "ses couleurs");
    let text = aiguilleur::render::plain::plain(&aiguilleur::render::blocks(&c, "fr", &r));
    assert!(text.contains("Érable rouge\u{202f}: Fonds vert"), "{text}");
}

/// The CLCT presentation, as committed beside the tests (a clean clone has nothing else); where
/// the shared original stands beside the project, the copy must be that original.
fn source() -> String {
    let copy = std::fs::read_to_string(support::root().join("tests/fixtures/sources/clct-manche-2024-03-12.md"))
        .expect("tests/fixtures/sources/clct-manche-2024-03-12.md");
    if let Ok(original) = std::fs::read_to_string(support::root().join("../shared/sources/clct-manche-2024-03-12.md")) {
        assert_eq!(copy, original, "the committed copy of the source differs from ../shared/sources/");
    }
    copy
}

/// The levers' table of the source, cell by cell: sector, lever, the five marks.
fn source_table() -> Vec<(String, String, [bool; 5])> {
    let src = source();
    let start = src.find("# 43 leviers d").expect("table heading");
    let end = src.find("# Questionnaire collectivités").expect("next heading");
    let mut rows = vec![];
    let mut sector = String::new();
    for line in src[start..end].lines().filter(|l| l.contains('\t')) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 7 || cells[1].trim().is_empty() {
            continue;
        }
        if !cells[0].trim().is_empty() {
            sector = cells[0].trim().to_owned();
        }
        let marks = std::array::from_fn(|i| cells[2 + i].trim() == "X");
        rows.push((sector.clone(), cells[1].trim().to_owned(), marks));
    }
    rows
}

#[test]
fn the_levers_match_the_source_table_cell_by_cell() {
    let c = support::content();
    let liste = c.catalogue.liste("leviers").expect("data/listes/leviers.toml");
    let table = source_table();
    assert_eq!(table.len(), 43);
    assert_eq!(liste.elements.len(), table.len());
    for (e, (sector, name, marks)) in liste.elements.iter().zip(&table) {
        assert_eq!(&e.nom, name);
        assert_eq!(e.valeur("secteur"), Some(&ChampValeur::Texte(sector.clone())), "{name}");
        for (field, mark) in ["climat", "biodiversite", "ressources", "adaptation", "sante"].iter().zip(marks) {
            assert_eq!(e.valeur(field), Some(&ChampValeur::OuiNon(*mark)), "{name}: {field}");
        }
    }
}

#[test]
fn the_working_groups_and_their_pilots_are_those_of_the_source() {
    let c = support::content();
    let src = source();
    let start = src.find("# Groupes de travail thématiques").unwrap();
    let end = src.find("# Les prochaines échéances").unwrap();
    let flat = |t: &str| aiguilleur::text::words(&aiguilleur::text::fold(t)).collect::<Vec<_>>().join(" ");
    let slide = flat(&src[start..end]);
    let groups = c.catalogue.liste("groupes-cop").expect("data/listes/groupes-cop.toml");
    assert_eq!(groups.elements.len(), 7);
    for g in groups.elements.iter().skip(1) {
        assert!(slide.contains(&flat(&g.nom)), "{}", g.nom);
        for f in ["pilote", "domaines"] {
            let Some(ChampValeur::Texte(t)) = g.valeur(f) else { panic!("{f}") };
            assert!(slide.contains(&flat(t)), "{}: {t}", g.nom);
        }
    }
}

#[test]
fn a_questionnaire_killed_midway_resumes_at_the_same_lever() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite");
    let mut chat = Chat::start(&db, "maire-leviers");
    chat.send("leviers");
    chat.expect("Pour quelle commune");
    chat.send("Avranches");
    chat.expect("Quel secteur");
    chat.send("eau");
    chat.expect("Levier 1/3");
    chat.send("oui");
    chat.expect("mise en œuvre");
    chat.kill();
    let mut chat = Chat::start(&db, "maire-leviers");
    chat.send("non");
    chat.expect("l'ampleur des actions de votre collectivité");
    chat.kill();
    // The export reads what was kept: Avranches, the first lever's two answers.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["leviers", "--csv", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{csv}");
    assert!(
        csv.contains("1,50025,Avranches,sobriete-dans-l-utilisation-de-la-ressource-en-eau,Sobriété dans l'utilisation de la ressource en eau,Eau,Oui,Non,,"),
        "{csv}"
    );
}
