//! Admin commands: one registry, read by the driver in a private conversation.
//!
//! A command is `!name` (case and accents ignored), typed by one of the transport's configured
//! admins. Anyone else typing a registered command gets a French refusal; any other `!word` from
//! them is an ordinary message. An admin's unknown command gets the list (`!aide`).
//!
//! Adding a command is one entry in [`COMMANDS`]: its vocabulary group (the words that name it,
//! in `dialogues/vocabulaire.toml`, the first French one shown by `!aide`), its line in `!aide` (a
//! Fluent message, in `locales/*/admin.ftl`, listed in [`crate::i18n`]'s messages used by the code)
//! and the function that answers it.

use super::{Driver, locked, reload};
use crate::dialogue::vocab::{Groupe, Vocabulaire};
use crate::i18n::Arg;
use crate::reply::Reply;
use crate::store::Store as _;

/// An admin command.
pub struct Command {
    /// The vocabulary group of its names, typed as `!name`.
    pub group: Groupe,
    /// Fluent id of its line in `!aide`.
    pub help: &'static str,
    /// Runs it (outside the bot's lock) and says what it did.
    pub run: fn(&Driver, &Parsed) -> Vec<Reply>,
}

/// Every admin command, in the order `!aide` lists them.
pub const COMMANDS: &[Command] = &[
    Command { group: Groupe::CommandeAide, help: "admin-aide-aide", run: help },
    Command { group: Groupe::CommandeRecharger, help: "admin-aide-recharger", run: reload },
    Command { group: Groupe::CommandeDemandes, help: "admin-aide-demandes", run: demandes },
    Command { group: Groupe::CommandeStats, help: "admin-aide-stats", run: stats },
    Command { group: Groupe::CommandeSansReponse, help: "admin-aide-sans-reponse", run: unanswered },
];

impl Command {
    /// Its name in `vocab`: the first word of its group (`aide`, `stats`…).
    #[must_use]
    pub fn name<'v>(&self, vocab: &'v Vocabulaire) -> &'v str {
        vocab.first(self.group).unwrap_or_default()
    }
}

/// How many demands `!demandes` shows.
const LAST_DEMANDES: usize = 10;
/// Weeks summed up by `!stats`: the current one and the three before.
const STATS_WEEKS: i64 = 4;
/// Groups of questions listed by `!sans-reponse`.
const UNANSWERED_SHOWN: usize = 10;

/// A message that reads as a command.
#[derive(Debug)]
pub struct Parsed {
    /// The name as typed, folded (lower case, no accents).
    pub name: String,
    /// What follows the name.
    pub args: String,
    /// The registered command, if the name is one.
    pub command: Option<&'static Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "![{}]", self.group.name())
    }
}

/// Reads `!name args`, the name among the commands of `vocab`; anything else is not a command.
#[must_use]
pub fn parse(text: &str, vocab: &Vocabulaire) -> Option<Parsed> {
    let rest = text.trim().strip_prefix('!')?;
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = crate::text::fold(word);
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-') {
        return None;
    }
    let command = COMMANDS.iter().find(|c| vocab.list(c.group).contains(&name));
    Some(Parsed { name, args: args.trim().to_owned(), command })
}

/// Runs an admin's command; an unknown one gets the list.
#[must_use]
pub fn run(driver: &Driver, parsed: &Parsed) -> Vec<Reply> {
    match parsed.command {
        Some(c) => (c.run)(driver, parsed),
        None => {
            let mut out = vec![Reply::say_with("admin-inconnue", vec![("commande", Arg::Text(parsed.name.clone()))])];
            out.extend(help(driver, parsed));
            out
        }
    }
}

fn help(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    let content = driver.content();
    let line = |c: &Command| Reply::say_with(c.help, vec![("commande", Arg::Text(c.name(&content.vocab).to_owned()))]);
    std::iter::once(Reply::say("admin-aide")).chain(COMMANDS.iter().map(line)).collect()
}

fn reload(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    reload::outcome_replies(&reload::try_reload(driver.bot(), &driver.content_root))
}

/// The last demands forwarded: reference, date, commune, status (no personal data).
fn demandes(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    let mut bot = locked(driver.bot());
    let rows = match crate::store::Store::demandes(bot.store_mut(), 0) {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!("base des conversations : demandes illisibles : {e}");
            return vec![Reply::say("erreur-interne")];
        }
    };
    if rows.is_empty() {
        return vec![Reply::say("admin-demandes-aucune")];
    }
    let (content, lang) = (std::sync::Arc::clone(bot.content()), bot.lang().to_owned());
    let last = &rows[rows.len().saturating_sub(LAST_DEMANDES)..];
    let mut out = vec![Reply::say_with(
        "admin-demandes-titre",
        vec![("nombre", Arg::Number(i64::try_from(last.len()).unwrap_or(0)))],
    )];
    for r in last.iter().rev() {
        let statut = crate::saisine::statut_text(&content, &lang, r);
        out.push(Reply::say_with(
            "admin-demandes-ligne",
            vec![
                ("reference", Arg::Text(r.reference.clone())),
                ("date", Arg::Text(crate::saisine::date(r.created))),
                ("commune", Arg::Text(r.commune.clone().unwrap_or_else(|| "-".into()))),
                ("statut", Arg::Text(statut)),
            ],
        ));
    }
    out
}

fn number(n: impl TryInto<i64>) -> Arg {
    Arg::Number(n.try_into().unwrap_or(i64::MAX))
}

/// The last four weeks: totals, one line a week, the themes most asked for.
fn stats(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    use crate::stats::{dim, iso_week, report};
    let now = super::now();
    let (from, to) = (iso_week(now - (STATS_WEEKS - 1) * 7 * 86_400), iso_week(now));
    let (content, counts) = {
        let mut bot = driver.lock();
        (std::sync::Arc::clone(bot.content()), bot.store_mut().counts(&from, &to))
    };
    let counts = match counts {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("base des conversations : statistiques illisibles : {e}");
            return vec![Reply::say("erreur-interne")];
        }
    };
    let r = report::build(&content, &counts, &from, &to);
    let total = |d| r.weeks.iter().map(|w| r.week_total(w, d)).sum::<i64>();
    let mut out = vec![Reply::say_with(
        "admin-stats",
        vec![
            ("depuis", Arg::Text(from.clone())),
            ("jusqua", Arg::Text(to.clone())),
            ("conversations", number(total(dim::CONVERSATIONS))),
            ("resultats", number(total(dim::RESULTATS))),
            ("demandes", number(total(dim::DEMANDES))),
            ("questions", number(total(dim::SANS_REPONSE))),
        ],
    )];
    for w in &r.weeks {
        out.push(Reply::say_with(
            "admin-stats-semaine",
            vec![
                ("semaine", Arg::Text(w.clone())),
                ("conversations", number(r.week_total(w, dim::CONVERSATIONS))),
                ("resultats", number(r.week_total(w, dim::RESULTATS))),
            ],
        ));
    }
    let themes: Vec<String> = r.totals(dim::THEME).into_iter().take(3).map(|(_, l, n)| format!("{l} ({n})")).collect();
    if !themes.is_empty() {
        out.push(Reply::say_with("admin-stats-themes", vec![("liste", Arg::Text(themes.join(", ")))]));
    }
    out
}

/// The questions without an answer, grouped, the most frequent first.
fn unanswered(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    let (content, questions) = {
        let mut bot = driver.lock();
        (std::sync::Arc::clone(bot.content()), bot.store_mut().unanswered())
    };
    let questions = match questions {
        Ok(q) => q,
        Err(e) => {
            tracing::error!("base des conversations : questions sans réponse illisibles : {e}");
            return vec![Reply::say("erreur-interne")];
        }
    };
    let groups = crate::stats::unanswered::group(&content.vocab, &questions);
    if groups.is_empty() {
        return vec![Reply::say("admin-sans-reponse-vide")];
    }
    let mut out = vec![Reply::say_with(
        "admin-sans-reponse",
        vec![("nombre", number(questions.len())), ("groupes", number(groups.len()))],
    )];
    out.extend(groups.iter().take(UNANSWERED_SHOWN).map(|g| {
        Reply::say_with(
            "admin-sans-reponse-groupe",
            vec![("nombre", number(g.count)), ("question", Arg::Text(g.exemple.clone()))],
        )
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_whatever_the_case_under_every_name_of_the_vocabulary() {
        let shipped = crate::content::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        let v = &shipped.content.expect("valid").vocab;
        let p = parse(" !Recharger ", v).unwrap();
        assert_eq!((p.name.as_str(), p.command.map(|c| c.name(v))), ("recharger", Some("recharger")));
        assert_eq!(parse("!reload", v).unwrap().command.map(|c| c.name(v)), Some("recharger"));
        assert_eq!(parse("!Sans-Réponse", v).unwrap().command.map(|c| c.group), Some(Groupe::CommandeSansReponse));
        assert_eq!(parse("!AIDE maintenant", v).unwrap().args, "maintenant");
        assert!(parse("!inconnue", v).unwrap().command.is_none());
        assert!(parse("recharger", v).is_none());
        assert!(parse("!", v).is_none());
        assert!(parse("!!!", v).is_none(), "an exclamation, not a command");
        // Every command has a name, and no two commands share one.
        let names: std::collections::HashSet<&str> = COMMANDS.iter().map(|c| c.name(v)).collect();
        assert_eq!(names.len(), COMMANDS.len());
        assert!(!names.contains(""));
    }
}
