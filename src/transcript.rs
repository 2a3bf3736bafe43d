//! Golden transcripts: plain-text conversations that agents write and `test-dialogues` replays.
//!
//! ```text
//! # Petite commune sans programme
//! > bonjour
//! < commune
//! > Genêts
//! < habitants
//! ! Petites villes de demain
//! ```
//!
//! `>` is what the person types; `<` a fragment the bot's next reply must contain, `!` one it
//! must not contain (case and accents ignored); `#` a comment (the first one names the
//! scenario); `@ 2026-12-15`, before the first message, the day the conversation takes place
//! (what the bot says about the age of its information depends on it; by default a day of
//! November 2023); `% courriel`, before the first message, replays it as if SMTP were configured
//! (a confirmed demand is sent by the bot rather than handed over with a `mailto:` link).
//! Replayed through the bot with a fresh in-memory store.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::bot::{Bot, Incoming};
use crate::content::Content;
use crate::store::MemoryStore;
use crate::text::fold;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Contains(String),
    Lacks(String),
}

#[derive(Debug, Clone)]
pub struct Turn {
    pub line: usize,
    pub input: String,
    pub expect: Vec<(usize, Expect)>,
}

#[derive(Debug, Clone)]
pub struct Transcript {
    pub path: PathBuf,
    pub title: String,
    pub turns: Vec<Turn>,
    /// Unix time of the first message (`@ AAAA-MM-JJ`: that day at 10:00 UTC).
    pub start: Option<i64>,
    /// `% courriel`: SMTP configured.
    pub courriel: bool,
}

/// When a transcript without `@` takes place (14 November 2023).
const DEFAULT_START: i64 = 1_700_000_000;

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ParseError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// Parses a transcript file's text.
///
/// # Errors
/// A line that is none of `#`, `>`, `<`, `!` or blank; an expectation before any input.
pub fn parse(path: &Path, text: &str) -> Result<Transcript, ParseError> {
    let mut t =
        Transcript { path: path.to_path_buf(), title: String::new(), turns: vec![], start: None, courriel: false };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim_end();
        let err = |message: &str| ParseError { path: path.display().to_string(), line, message: message.to_owned() };
        if l.trim().is_empty() {
            continue;
        }
        let (mark, rest) = l.split_at(l.char_indices().nth(1).map_or(l.len(), |(i, _)| i));
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        match mark {
            "#" => {
                if t.title.is_empty() {
                    rest.trim().clone_into(&mut t.title);
                }
            }
            ">" => t.turns.push(Turn { line, input: rest.to_owned(), expect: vec![] }),
            "@" => {
                if !t.turns.is_empty() {
                    return Err(err("la date « @ » se place avant le premier message « > »"));
                }
                let day = crate::catalogue::freshness::Day::parse(rest.trim())
                    .ok_or_else(|| err("date illisible : écrivez « @ AAAA-MM-JJ », par exemple « @ 2026-12-15 »"))?;
                t.start = Some(day.to_unix() + 10 * 3600);
            }
            "%" => {
                if !t.turns.is_empty() || rest.trim() != "courriel" {
                    return Err(err("« % courriel » se place avant le premier message « > »"));
                }
                t.courriel = true;
            }
            "<" | "!" => {
                let Some(turn) = t.turns.last_mut() else {
                    return Err(err("une attente « < » ou « ! » doit suivre un message « > »"));
                };
                if rest.trim().is_empty() {
                    return Err(err("attente vide"));
                }
                let e = if mark == "<" {
                    Expect::Contains(rest.trim().to_owned())
                } else {
                    Expect::Lacks(rest.trim().to_owned())
                };
                turn.expect.push((line, e));
            }
            _ => {
                return Err(err("ligne illisible : elle doit commencer par #, @, %, >, < ou !"));
            }
        }
    }
    Ok(t)
}

/// A failed expectation, printed as a readable diff.
#[derive(Debug, Clone)]
pub struct Failure {
    pub path: PathBuf,
    pub line: usize,
    pub input: String,
    pub expect: Expect,
    pub reply: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (what, frag) = match &self.expect {
            Expect::Contains(s) => ("attendu dans la réponse", s),
            Expect::Lacks(s) => ("interdit dans la réponse", s),
        };
        writeln!(f, "{}:{}: {what} : « {frag} »", self.path.display(), self.line)?;
        writeln!(f, "  > {}", self.input)?;
        for l in self.reply.lines() {
            writeln!(f, "  - {l}")?;
        }
        Ok(())
    }
}

/// Replays one transcript; returns its failures (empty: it passes).
#[must_use]
pub fn replay(content: &Arc<Content>, lang: &str, t: &Transcript) -> Vec<Failure> {
    let mut bot = Bot::new(Arc::clone(content), MemoryStore::default(), lang);
    if t.courriel {
        let to = bot.saisine().to.clone();
        bot = bot.with_saisine(crate::saisine::Saisine { to, courriel: true });
    }
    let mut failures = vec![];
    for (i, turn) in t.turns.iter().enumerate() {
        let msg = Incoming {
            transport: "test".into(),
            user: "personne".into(),
            conversation: "transcript".into(),
            text: turn.input.clone(),
            event_id: None,
            now: t.start.unwrap_or(DEFAULT_START) + i64::try_from(i).unwrap_or(0) * 60,
            sent_at: None,
            reach: None,
        };
        let reply = match bot.handle(&msg) {
            Ok(r) => bot.plain(&r),
            Err(e) => format!("[erreur du stockage : {e}]"),
        };
        let folded = fold(&reply);
        for (line, e) in &turn.expect {
            let ok = match e {
                Expect::Contains(s) => folded.contains(&fold(s)),
                Expect::Lacks(s) => !folded.contains(&fold(s)),
            };
            if !ok {
                failures.push(Failure {
                    path: t.path.clone(),
                    line: *line,
                    input: turn.input.clone(),
                    expect: e.clone(),
                    reply: reply.clone(),
                });
            }
        }
    }
    failures
}

/// Replays every `*.txt` transcript under `dir` (recursively). Returns (transcripts, report,
/// failures count); the report lists each failure's diff.
///
/// # Errors
/// When the directory cannot be read or a transcript is malformed.
pub fn replay_dir(content: &Arc<Content>, lang: &str, dir: &Path) -> Result<(usize, String, usize), String> {
    let mut files = vec![];
    collect(dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    let mut report = String::new();
    let mut failed = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let t = parse(f, &text).map_err(|e| e.to_string())?;
        let failures = replay(content, lang, &t);
        if failures.is_empty() {
            let _ = writeln!(report, "ok      {} — {}", f.display(), t.title);
        } else {
            failed += 1;
            let _ = writeln!(report, "ÉCHEC   {} — {}", f.display(), t.title);
            for fl in failures {
                let _ = write!(report, "{fl}");
            }
        }
    }
    Ok((files.len(), report, failed))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "txt") {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_marks() {
        let t = parse(Path::new("t.txt"), "# Titre\n> bonjour\n< commune\n! erreur\n\n> 2\n").unwrap();
        assert_eq!(t.title, "Titre");
        assert_eq!(t.turns.len(), 2);
        assert_eq!(
            t.turns[0].expect,
            vec![(3, Expect::Contains("commune".into())), (4, Expect::Lacks("erreur".into()))]
        );
        assert!(parse(Path::new("t.txt"), "< avant\n").is_err());
        assert!(parse(Path::new("t.txt"), "> a\n? b\n").is_err());
    }
}
