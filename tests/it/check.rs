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
