//! Admin commands: one registry, read by the driver in a private conversation.
//!
//! A command is `!name` (case and accents ignored), typed by one of the transport's configured
//! admins. Anyone else typing a registered command gets a French refusal; any other `!word` from
//! them is an ordinary message. An admin's unknown command gets the list (`!aide`).
//!
//! Adding a command (`!stats`, `!demandes`, `!sans-reponse`…) is one entry in [`COMMANDS`]: its
//! name, its line in `!aide` (a Fluent message, in `locales/*/admin.ftl`, listed in
//! [`crate::i18n`]'s messages used by the code) and the function that answers it.

use super::{Driver, reload};
use crate::i18n::Arg;
use crate::reply::Reply;

/// An admin command.
pub struct Command {
    /// Typed as `!name`.
    pub name: &'static str,
    /// Other spellings accepted.
    pub aliases: &'static [&'static str],
    /// Fluent id of its line in `!aide`.
    pub help: &'static str,
    /// Runs it (outside the bot's lock) and says what it did.
    pub run: fn(&Driver, &Parsed) -> Vec<Reply>,
}

/// Every admin command, in the order `!aide` lists them.
pub const COMMANDS: &[Command] = &[
    Command { name: "aide", aliases: &["help"], help: "admin-aide-aide", run: help },
    Command { name: "recharger", aliases: &["recharge", "reload"], help: "admin-aide-recharger", run: reload },
    Command { name: "demandes", aliases: &["demande"], help: "admin-aide-demandes", run: demandes },
];

/// How many demands `!demandes` shows.
const LAST_DEMANDES: usize = 10;

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
        write!(f, "!{}", self.name)
    }
}

/// Reads `!name args`; anything else is not a command.
#[must_use]
pub fn parse(text: &str) -> Option<Parsed> {
    let rest = text.trim().strip_prefix('!')?;
    let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let name = crate::text::fold(word);
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '-') {
        return None;
    }
    let command = COMMANDS.iter().find(|c| c.name == name || c.aliases.contains(&name.as_str()));
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

fn help(_: &Driver, _: &Parsed) -> Vec<Reply> {
    std::iter::once(Reply::say("admin-aide")).chain(COMMANDS.iter().map(|c| Reply::say(c.help))).collect()
}

fn reload(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    reload::outcome_replies(&reload::try_reload(driver.bot(), &driver.content_root))
}

/// The last demands forwarded: reference, date, commune, status (no personal data).
fn demandes(driver: &Driver, _: &Parsed) -> Vec<Reply> {
    let mut bot = driver.bot().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_whatever_the_case() {
        let p = parse(" !Recharger ").unwrap();
        assert_eq!((p.name.as_str(), p.command.map(|c| c.name)), ("recharger", Some("recharger")));
        assert_eq!(parse("!reload").unwrap().command.map(|c| c.name), Some("recharger"));
        assert_eq!(parse("!AIDE maintenant").unwrap().args, "maintenant");
        assert!(parse("!inconnue").unwrap().command.is_none());
        assert!(parse("recharger").is_none());
        assert!(parse("!").is_none());
        assert!(parse("!!!").is_none(), "an exclamation, not a command");
    }
}
