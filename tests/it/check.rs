//! `check` on the shipped content, and on each broken fixture (snapshots of what agents read).

use std::process::Command;

use aiguilleur::content;

use crate::support;

#[test]
fn shipped_content_passes_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["check", "--content"])
        .arg(support::root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Contenu valide"), "{stdout}");
    assert!(stdout.contains("Fiches à compléter"), "{stdout}");
}

/// Renders the diagnostics of a fixture (errors and warnings about the fixture's own files).
fn diagnostics(case: &str) -> (String, usize) {
    let overlay = support::root().join("tests/fixtures/broken").join(case);
    let dir = support::content_with(&overlay);
    let loaded = content::load(dir.path());
    let shown: String = loaded.diagnostics.iter().filter(|d| d.code != "F003").map(ToString::to_string).collect();
    (shown, loaded.errors())
}

macro_rules! broken {
    ($name:ident, $case:literal, $first:literal) => {
        #[test]
        fn $name() {
            let (shown, errors) = diagnostics($case);
            assert!(shown.starts_with($first), "expected to start with {:?}:\n{shown}", $first);
            insta::assert_snapshot!($case, shown);
            if $case != "noeud-inatteignable" {
                assert!(errors > 0, "{shown}");
            }
        }
    };
}

broken!(toml_syntax_error, "toml-syntaxe", "data/dispositifs/zz-essai.toml:3:36: erreur[T001]");
broken!(unknown_field_suggests, "champ-inconnu", "data/dispositifs/zz-essai.toml:3:1: erreur[T002]");
broken!(unknown_actor_and_theme, "acteur-inconnu", "data/dispositifs/zz-essai.toml:6:13: erreur[C002]");
broken!(duplicate_id, "id-duplique", "data/dispositifs/zz-essai.toml:2:6: erreur[C001]");
broken!(no_contact_no_source, "sans-contact", "data/dispositifs/zz-essai.toml:1:1: erreur[C009]");
broken!(contact_without_source, "contact-sans-source", "data/acteurs/zz-essai.toml:2:6: erreur[C008]");
broken!(fluent_syntax_and_duplicate, "fluent-syntaxe", "locales/fr/zz-essai.ftl:3:1: erreur[F001]");
broken!(unknown_node, "noeud-inconnu", "dialogues/orientation.toml:26:8: erreur[D003]");
broken!(unknown_fluent_id, "fluent-inconnu", "dialogues/orientation.toml:22:7: erreur[F002]");
broken!(bad_condition, "condition-illisible", "dialogues/orientation.toml:55:10: erreur[D011]");
broken!(unreachable_node, "noeud-inatteignable", "dialogues/orientation.toml:105:6: avertissement[D007]");
broken!(unknown_answer_kind, "reponse-inconnue", "dialogues/orientation.toml:35:10: erreur[D004]");

#[test]
fn check_exits_1_on_errors_and_names_the_file() {
    let overlay = support::root().join("tests/fixtures/broken/noeud-inconnu");
    let dir = support::content_with(&overlay);
    let out =
        Command::new(env!("CARGO_BIN_EXE_aiguilleur")).args(["check", "--content"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("vouliez-vous dire « population » ?"), "{stdout}");
    assert!(stdout.contains("contenu refusé"), "{stdout}");
}

#[test]
fn chat_refuses_broken_content_with_the_diagnostics() {
    let overlay = support::root().join("tests/fixtures/broken/acteur-inconnu");
    let dir = support::content_with(&overlay);
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["chat", "--db", ":memory:", "--content"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("erreur[C002]"), "{stderr}");
}

broken!(list_announced_without_choices, "liste-annoncee", "dialogues/orientation.toml:21:6: erreur[D030]");

fn check_at(content: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .arg("check")
        .args(args)
        .arg("--content")
        .arg(content)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn records_to_recheck_are_listed_with_their_reason_and_strict_fails_on_them() {
    let root = support::root();
    let (code, stdout) = check_at(&root, &["--date", "2027-01-15"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("Fiches à revérifier au 2027-01-15"), "{stdout}");
    // Expired: the Petites centralités agreement covered 2022-2026.
    let pc = stdout.lines().find(|l| l.contains("Petites centralités")).expect("Petites centralités listed");
    assert!(pc.contains("validité dépassée (valable jusqu'au 2026-12-31)"), "{pc}");
    assert!(pc.contains("jamais vérifiée"), "{pc}");
    assert!(pc.contains("vieille de 34 mois (plus de 18)"), "{pc}");
    assert!(pc.starts_with("  data/dispositifs/departement.toml:"), "{pc}");
    // A yearly call of 2024.
    let detr = stdout.lines().find(|l| l.contains("(DETR)")).expect("DETR listed");
    assert!(detr.contains("appel annuel : l'information valait pour 2024"), "{detr}");
    // The programme table, one line per list.
    let pvd = stdout.lines().find(|l| l.contains("Petites villes de demain : 37 commune(s)")).expect("PVD rows");
    assert!(pvd.contains("data/statuts-communes.csv:"), "{pvd}");
    assert!(pvd.contains("validité dépassée"), "{pvd}");

    let (code, stdout) = check_at(&root, &["--strict", "--date", "2027-01-15"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("à revérifier : refusé avec --strict"), "{stdout}");

    // Before the source's date nothing is old yet, but nothing was ever verified either.
    let (code, stdout) = check_at(&root, &["--strict", "--date", "2024-04-01"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(!stdout.contains("validité dépassée"), "{stdout}");
    assert!(stdout.contains("jamais vérifiée"), "{stdout}");

    let (code, _) = check_at(&root, &["--date", "2027-02-30"]);
    assert_eq!(code, Some(2));
}

#[test]
fn strict_passes_once_every_record_is_checked() {
    // An agent checks everything in December 2026: each record gets its « verifie_le ».
    let dir = support::content_copy();
    let mut files = vec![];
    for sub in ["data", "data/dispositifs", "data/acteurs"] {
        for e in std::fs::read_dir(dir.path().join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text
            .lines()
            .map(|l| {
                if l.starts_with("source_date = ") { format!("{l}\nverifie_le = \"2026-12-01\"") } else { l.to_owned() }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&p, text).unwrap();
    }
    let table = dir.path().join("data/statuts-communes.csv");
    let rows: Vec<aiguilleur::catalogue::programmes::Row> =
        aiguilleur::catalogue::programmes::parse_table(&std::fs::read_to_string(&table).unwrap())
            .unwrap()
            .into_iter()
            .map(|mut r| {
                r.verifie_le = "2026-12-01".into();
                r
            })
            .collect();
    std::fs::write(&table, aiguilleur::catalogue::programmes::write_table(&rows)).unwrap();

    let (code, stdout) = check_at(dir.path(), &["--strict", "--date", "2026-12-15"]);
    // Sigles carry no dates; acteurs and dispositifs all do.
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 fiche(s) à revérifier"), "{stdout}");
    // A month later the programmes of 2020-2026 and the yearly calls of 2026 are over.
    let (code, stdout) = check_at(dir.path(), &["--strict", "--date", "2027-01-15"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("appel annuel : l'information valait pour 2026"), "{stdout}");
    assert!(!stdout.contains("jamais vérifiée"), "{stdout}");
}

#[test]
fn typography_before_colons_is_checked_in_what_the_bot_says() {
    let root = support::root();
    let text = std::fs::read_to_string(root.join("locales/fr/bot.ftl")).unwrap();
    let broken =
        text.replace("retour-ok = D'accord, revenons en arrière.", "retour-ok = D'accord : revenons en arrière !");
    assert_ne!(broken, text);
    let loaded = content::load_with(&root, &[("locales/fr/bot.ftl", &broken)]);
    let t010: Vec<String> = loaded.diagnostics.iter().filter(|d| d.code == "T010").map(ToString::to_string).collect();
    assert_eq!(t010.len(), 2, "{t010:?}");
    assert!(t010[0].contains("avertissement[T010]"), "{}", t010[0]);
    assert!(t010[0].contains("espace fine insécable attendue avant « : »"), "{}", t010[0]);
    // The shipped content has none.
    let shipped = content::load(&root);
    assert!(!shipped.diagnostics.iter().any(|d| d.code == "T010"), "{:?}", shipped.diagnostics);
}
broken!(
    commune_outside_the_manche_checked,
    "commune-hors-manche-mal-ecrite",
    "data/communes-hors-manche.csv:4:1: erreur[K003]"
);
