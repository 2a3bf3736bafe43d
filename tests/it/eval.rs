//! The evaluation set (`tests/questions/`) and the dead-end walk, as `cargo test` runs them: the
//! goal of issue 11 (no wrong answer outside the field, 90 % right or honest) must hold, and no
//! dialogue may trap a person.

use aiguilleur::dialogue::walk::walk;
use aiguilleur::eval;

use crate::support;

fn report(dir: &str) -> eval::Report {
    let questions = eval::load(&support::root().join(dir)).expect("questions load");
    assert!(!questions.is_empty(), "{dir}: no question");
    let r = eval::run(&support::content(), &questions);
    eprintln!("{dir}:\n{}", eval::render(&r, false));
    r
}

#[test]
fn evaluation_set_meets_the_goal() {
    let r = report("tests/questions");
    assert!(r.overall.total() >= 80, "at least 80 questions: {}", r.overall.total());
    let count = |cat: &str| r.by_category.iter().find(|(c, _)| c == cat).map_or(0, |(_, n)| n.total());
    assert!(count("faq") >= 20 && count("hors-champ") >= 15 && count("suivi") >= 10 && count("negation") >= 10);
    assert_eq!(r.wrong_outside(), 0, "a question outside the field got a scheme");
    assert!(r.meets_goal(), "{:.1} % right or honest", r.overall.right_or_honest());
    // Every question of this set is answered right or honestly (since 1 December): a change
    // that shows a wrong door to one of them is a regression (`aiguilleur eval --detail`).
    assert_eq!(r.overall.wrong, 0, "wrong doors:\n{}", eval::render(&r, true));
}

#[test]
fn held_out_questions_written_by_someone_else_meet_the_goal() {
    let r = report("tests/questions/aveugle");
    assert!(r.meets_goal(), "{:.1} % right or honest", r.overall.right_or_honest());
}

#[test]
fn no_dialogue_has_a_dead_end() {
    let found = walk(&support::content());
    assert!(found.is_empty(), "{found:?}");
}
