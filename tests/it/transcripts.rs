//! Every golden transcript of tests/conversations/ passes.

use aiguilleur::transcript;

use crate::support;

#[test]
fn all_golden_transcripts_pass() {
    let content = support::content();
    let dir = support::root().join("tests/conversations");
    let (total, report, failed) = transcript::replay_dir(&content, "fr", &dir).expect("transcripts readable");
    assert!(total >= 40, "expected the scenario and quick-question transcripts, found {total}");
    assert_eq!(failed, 0, "{failed} transcript(s) failed:\n{report}");
}

#[test]
fn a_wrong_expectation_is_reported_with_the_reply() {
    let content = support::content();
    let t = transcript::parse(std::path::Path::new("faux.txt"), "# faux\n> bonjour\n< ce texte n'y est pas\n").unwrap();
    let failures = transcript::replay(&content, "fr", &t);
    assert_eq!(failures.len(), 1);
    let shown = failures[0].to_string();
    assert!(shown.starts_with("faux.txt:3: attendu dans la réponse"), "{shown}");
    assert!(shown.contains("Quelle est votre commune"), "{shown}");
}
