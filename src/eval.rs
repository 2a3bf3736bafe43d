//! The evaluation set (`tests/questions/*.toml`): questions in people's words, each labelled with
//! the cards a right answer shows first (or `hors-champ`, `quel-dispositif`). Every question is
//! played through the dialogue engine in a fresh conversation and classed **right**, **honest**
//! (no card, "je ne sais pas" and the single entry point) or **wrong**. The goal the issue set:
//! no wrong answer to a question outside the field, and at least 90 % right or honest.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::Content;
use crate::dialogue::{self, Session};
use crate::reply::Reply;
use crate::text::fold;

/// Label of a question outside the bot's field.
pub const HORS_CHAMP: &str = "hors-champ";
/// Label of a follow-up asked when nothing was shown: the bot must ask which dispositif.
pub const QUEL_DISPOSITIF: &str = "quel-dispositif";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub categorie: String,
    pub texte: String,
    pub attendu: Vec<String>,
    #[serde(default)]
    pub interdit: Vec<String>,
    #[serde(default)]
    pub avant: Vec<String>,
    #[serde(default)]
    pub suite: Vec<String>,
    pub source: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "question")]
    questions: Vec<Question>,
}

/// A question with where it was written.
#[derive(Debug, Clone)]
pub struct Labelled {
    pub file: PathBuf,
    pub index: usize,
    pub q: Question,
}

/// How an answer is classed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Right,
    Honest,
    Wrong,
}

/// One question played.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub question: Labelled,
    pub verdict: Verdict,
    /// What the bot showed first, in words for the report.
    pub got: String,
}

/// Reads every `*.toml` of `dir` (sorted), with errors as `file: message`.
///
/// # Errors
/// A file that cannot be read or parsed.
pub fn load(dir: &Path) -> Result<Vec<Labelled>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{} : {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{} : {e}", f.display()))?;
        let parsed: File = toml::from_str(&text).map_err(|e| format!("{} : {e}", f.display()))?;
        for (i, q) in parsed.questions.into_iter().enumerate() {
            if q.categorie == "faq" && q.source.as_deref().is_none_or(str::is_empty) {
                return Err(format!("{} : question {} (faq) sans source", f.display(), i + 1));
            }
            out.push(Labelled { file: f.clone(), index: i + 1, q });
        }
    }
    Ok(out)
}

/// What the replies show: the ids of the docs (first is the answer), and the kind of non-answer.
#[derive(Debug, Default)]
struct Shown {
    /// Each shown card with the ids it stands for (a glossary entry stands for itself and the
    /// cards it points to).
    docs: Vec<Vec<String>>,
    /// Every id appearing anywhere (results, "voir aussi"), for `interdit`.
    all: Vec<String>,
    hors_champ: bool,
    dont_know: bool,
    /// The bot said what it understood of the project and went on with its questions.
    understood: bool,
    which: bool,
    results: Vec<String>,
}

fn shown(content: &Content, replies: &[Reply]) -> Shown {
    let cat = &content.catalogue;
    let mut s = Shown::default();
    let push = |s: &mut Shown, ids: Vec<String>| {
        s.all.extend(ids.iter().cloned());
        s.docs.push(ids);
    };
    for r in replies {
        match r {
            Reply::Dispositif { dispositif } | Reply::Details { dispositif } => push(&mut s, vec![dispositif.clone()]),
            Reply::Card { acteur } => push(&mut s, vec![acteur.clone()]),
            Reply::Suivi { dispositif, acteur, .. } => {
                push(&mut s, dispositif.iter().chain(acteur.iter()).cloned().collect());
            }
            Reply::Sigle { index } => {
                if let Some(g) = cat.glossaire.get(*index) {
                    let mut ids = vec![fold(&g.sigle)];
                    ids.extend(g.voir.iter().cloned());
                    push(&mut s, ids);
                }
            }
            Reply::VoirAussi(docs) => {
                for d in docs {
                    s.all.push(doc_id(content, *d));
                }
            }
            Reply::Resultats { items, suite_financement, .. } => {
                s.results = items.iter().map(|m| m.dispositif.clone()).collect();
                s.all.extend(s.results.iter().cloned());
                // The financing for later is shown as such, not as an answer: `interdit` does not
                // read it.
                let _ = suite_financement;
            }
            Reply::HorsChamp { .. } => s.hors_champ = true,
            Reply::Compris { .. } => s.understood = true,
            Reply::Say { id, .. } if id == "question-rien" => s.dont_know = true,
            Reply::Say { id, .. } if id == "suivi-quel-dispositif" => s.which = true,
            _ => {}
        }
    }
    s
}

fn doc_id(content: &Content, d: crate::catalogue::search::Doc) -> String {
    use crate::catalogue::search::Doc;
    let cat = &content.catalogue;
    match d {
        Doc::Dispositif(i) => cat.dispositifs[i].id.clone(),
        Doc::Acteur(i) => cat.acteurs[i].id.clone(),
        Doc::Sigle(i) => fold(&cat.glossaire[i].sigle),
        Doc::Theme(i) => cat.themes[i].id.clone(),
    }
}

/// Plays `message` and returns the replies.
fn say(content: &Content, s: &mut Session, message: &str) -> Vec<Reply> {
    dialogue::step(content, s, message, 0)
}

/// For a first sentence: answers the questions still asked with the fitting `suite` answer
/// (the first that moves the question on), else "je ne sais pas", until the results.
fn finish(content: &Content, s: &mut Session, suite: &[String], mut last: Vec<Reply>) -> Vec<Reply> {
    let mut left: Vec<&String> = suite.iter().collect();
    let nsp = content.vocab.list(crate::dialogue::vocab::Groupe::NeSaisPas).last().cloned().unwrap_or_default();
    for _ in 0..20 {
        let asking = s
            .node
            .as_deref()
            .and_then(|n| content.dialogues.get(&s.dialogue).and_then(|d| d.node(n)))
            .is_some_and(|(_, n)| n.answer.is_some());
        if !asking {
            break;
        }
        let before = (s.node.clone(), s.pending.clone());
        let fit = left.iter().position(|a| {
            let mut probe = s.clone();
            say(content, &mut probe, a);
            (probe.node.clone(), probe.pending.clone()) != before && probe.misses == 0
        });
        let answer = match fit {
            Some(i) => left.remove(i).clone(),
            None => nsp.clone(),
        };
        last = say(content, s, &answer);
    }
    last
}

/// Plays one question and classes the answer.
#[must_use]
pub fn run_one(content: &Content, l: &Labelled) -> Outcome {
    let q = &l.q;
    let mut s = Session::new(crate::content::MAIN_DIALOGUE, "fr", &content.version, 0);
    for a in &q.avant {
        say(content, &mut s, a);
    }
    let mut replies = say(content, &mut s, &q.texte);
    if q.categorie == "negation" {
        replies = finish(content, &mut s, &q.suite, replies);
    }
    let shown = shown(content, &replies);
    let wanted: Vec<String> = q.attendu.iter().map(|a| fold(a)).collect();
    let forbidden = q
        .interdit
        .iter()
        .map(|a| fold(a))
        .find(|i| shown.all.contains(i) || shown.docs.iter().flatten().any(|d| d == i));
    let first = shown.docs.first();
    let got = if let Some(f) = first {
        f.join("|")
    } else if shown.hors_champ {
        HORS_CHAMP.into()
    } else if shown.which {
        QUEL_DISPOSITIF.into()
    } else if !shown.results.is_empty() {
        format!("résultats [{}]", shown.results.join(", "))
    } else if shown.dont_know {
        "je ne sais pas".into()
    } else if shown.understood {
        "orientation (projet compris, questions)".into()
    } else {
        "(rien)".into()
    };
    let verdict = if forbidden.is_some() {
        Verdict::Wrong
    } else if q.categorie == "negation" {
        if !shown.results.is_empty() && wanted.iter().all(|w| shown.results.contains(w)) {
            Verdict::Right
        } else if shown.results.is_empty() && shown.dont_know {
            Verdict::Honest
        } else {
            Verdict::Wrong
        }
    } else if wanted.iter().any(|w| w == HORS_CHAMP) {
        match (first, shown.hors_champ, shown.dont_know) {
            (Some(_), _, _) => Verdict::Wrong,
            (None, true, _) => Verdict::Right,
            (None, false, true) => Verdict::Honest,
            _ => Verdict::Wrong,
        }
    } else if wanted.iter().any(|w| w == QUEL_DISPOSITIF) {
        match (first, shown.which, shown.dont_know) {
            (Some(_), _, _) => Verdict::Wrong,
            (None, true, _) => Verdict::Right,
            (None, false, true) => Verdict::Honest,
            _ => Verdict::Wrong,
        }
    } else {
        match first {
            Some(ids) if ids.iter().any(|i| wanted.contains(i)) => Verdict::Right,
            Some(_) => Verdict::Wrong,
            None if shown.dont_know && !shown.hors_champ => Verdict::Honest,
            // No card, no pretence: the bot took the project into its questions.
            None if shown.understood && !shown.hors_champ => Verdict::Honest,
            None => Verdict::Wrong,
        }
    };
    let got = match forbidden {
        Some(f) => format!("{got} (interdit : {f})"),
        None => got,
    };
    Outcome { question: l.clone(), verdict, got }
}

/// Counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub right: usize,
    pub honest: usize,
    pub wrong: usize,
}

impl Counts {
    #[must_use]
    pub fn total(&self) -> usize {
        self.right + self.honest + self.wrong
    }

    /// Share of right or honest answers, in percent.
    #[must_use]
    pub fn right_or_honest(&self) -> f64 {
        if self.total() == 0 {
            return 100.0;
        }
        (self.right + self.honest) as f64 * 100.0 / self.total() as f64
    }

    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Right => self.right += 1,
            Verdict::Honest => self.honest += 1,
            Verdict::Wrong => self.wrong += 1,
        }
    }
}

/// A whole run: every outcome, counts overall and by category.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
    pub overall: Counts,
    pub by_category: Vec<(String, Counts)>,
}

impl Report {
    /// Wrong answers to questions outside the field.
    #[must_use]
    pub fn wrong_outside(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Wrong && o.question.q.attendu.iter().any(|a| a == HORS_CHAMP))
            .count()
    }

    /// The goal: no wrong answer outside the field, 90 % right or honest.
    #[must_use]
    pub fn meets_goal(&self) -> bool {
        self.wrong_outside() == 0 && self.overall.right_or_honest() >= 90.0
    }
}

/// Plays every question.
#[must_use]
pub fn run(content: &Content, questions: &[Labelled]) -> Report {
    let mut r = Report::default();
    for l in questions {
        let o = run_one(content, l);
        r.overall.add(o.verdict);
        match r.by_category.iter_mut().find(|(c, _)| *c == l.q.categorie) {
            Some((_, c)) => c.add(o.verdict),
            None => {
                let mut c = Counts::default();
                c.add(o.verdict);
                r.by_category.push((l.q.categorie.clone(), c));
            }
        }
        r.outcomes.push(o);
    }
    r
}

/// The report as `aiguilleur eval` prints it (French, for agents).
#[must_use]
pub fn render(r: &Report, verbose: bool) -> String {
    let mut out = String::new();
    let line = |out: &mut String, name: &str, c: &Counts| {
        let _ = writeln!(
            out,
            "{name:<12} {:>4} questions : {:>4} justes, {:>4} « je ne sais pas » honnêtes, {:>4} fausses ({:.1} % justes ou honnêtes)",
            c.total(),
            c.right,
            c.honest,
            c.wrong,
            c.right_or_honest()
        );
    };
    for (cat, c) in &r.by_category {
        line(&mut out, cat, c);
    }
    line(&mut out, "total", &r.overall);
    let _ = writeln!(out, "fausses hors champ : {}", r.wrong_outside());
    for o in &r.outcomes {
        let show = o.verdict == Verdict::Wrong || (verbose && o.verdict == Verdict::Honest);
        if show {
            let tag = if o.verdict == Verdict::Wrong { "FAUX" } else { "nsp " };
            let _ = writeln!(
                out,
                "{tag} {}:{} [{}] « {} » → {} (attendu : {})",
                o.question.file.display(),
                o.question.index,
                o.question.q.categorie,
                o.question.q.texte,
                o.got,
                o.question.q.attendu.join(", ")
            );
        }
    }
    let _ = writeln!(
        out,
        "{}",
        if r.meets_goal() {
            "Objectif atteint : 0 fausse hors champ, au moins 90 % justes ou honnêtes."
        } else {
            "Objectif NON atteint : 0 fausse hors champ et au moins 90 % justes ou honnêtes."
        }
    );
    out
}

/// How a question is read: its terms, the best hits with their coverage and score, the subject
/// outside the field it names, and the verdict of each threshold.
#[must_use]
pub fn explain(content: &Content, question: &str) -> String {
    let folded = fold(question);
    let reading = dialogue::followup::read(content, &folded);
    let mut out = String::new();
    let _ = writeln!(out, "réduite : {}", dialogue::followup::reduce(content, &folded));
    let _ = writeln!(out, "termes : {:?} ; intention : {:?}", reading.terms, reading.intent);
    let _ = writeln!(out, "aspect : {:?}", dialogue::followup::aspect_of(content, &folded));
    let _ = writeln!(
        out,
        "hors champ : {:?}",
        content.catalogue.hors_champ_of(&dialogue::followup::reduce(content, &folded)).map(|h| &h.id)
    );
    for h in reading.hits.iter().take(5) {
        let named = ["", "  nommé (mot-clé)", "  nommé (nom ou sigle)"][usize::from(h.named.min(2))];
        let id = doc_id(content, h.doc);
        let _ = writeln!(out, "  {id:<40} score {:>6.2}  couverture {:.2}{named}", h.score, h.coverage);
    }
    out
}

/// The evaluation for a grid of thresholds, to choose them on evidence.
#[must_use]
pub fn sweep(content: &mut Content, questions: &[Labelled]) -> String {
    use dialogue::followup::{Seuils, Thresholds};
    let mut out = String::new();
    let _ = writeln!(out, "couverture  score   justes  honnêtes  fausses  fausses-hors-champ  justes+honnêtes");
    let base = content.thresholds;
    for cov in [0.3_f32, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8] {
        for score in [1.0_f32, 2.0, 3.0, 4.0, 5.0] {
            content.thresholds = Thresholds { question: Seuils { coverage: cov, score }, strong: base.strong };
            let r = run(content, questions);
            let _ = writeln!(
                out,
                "{cov:>10.2} {score:>6.1} {:>8} {:>9} {:>8} {:>19} {:>15.1} %",
                r.overall.right,
                r.overall.honest,
                r.overall.wrong,
                r.wrong_outside(),
                r.overall.right_or_honest()
            );
        }
    }
    content.thresholds = base;
    out
}
