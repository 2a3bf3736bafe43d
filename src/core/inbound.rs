//! What comes in: the person's words out of what a platform delivers.
//!
//! The counterpart of [`crate::render`]: platforms wrap a message in things the person did not
//! type for the bot (a mention of the bot in a group room, the quoted lines older Matrix clients
//! put before a reply). Taking them off is text work, done here without the platforms' crates, so
//! that it is tested with the core; the adapters only call it.

/// The lower-case ways people name the bot in a group room (user id, short name, display name),
/// longest first so that `@aiguilleur:x.fr` is taken off whole before `aiguilleur` is tried.
/// Names shorter than three characters are left out: they would match ordinary words.
#[must_use]
pub fn bot_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = names.into_iter().map(str::to_lowercase).filter(|n| n.chars().count() >= 3).collect();
    out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    out.dedup();
    out
}

/// Whether `body` names the bot anywhere (see [`bot_names`]).
#[must_use]
pub fn names_bot(body: &str, names: &[String]) -> bool {
    let lower = body.to_lowercase();
    names.iter().any(|n| lower.contains(n.as_str()))
}

/// Takes a leading mention off the text: `Aiguilleur : bonjour`, `@aiguilleur:x.fr, bonjour`.
/// A name further in the sentence is part of it and stays.
#[must_use]
pub fn strip_leading_mention(body: &str, names: &[String]) -> String {
    let trimmed = body.trim_start();
    for name in names {
        for candidate in [name.clone(), format!("@{name}")] {
            let n = candidate.len();
            if trimmed.len() >= n && trimmed.is_char_boundary(n) && trimmed[..n].to_lowercase() == candidate {
                let rest = trimmed[n..].trim_start_matches(|c: char| c == ':' || c == ',' || c.is_whitespace());
                return rest.to_owned();
            }
        }
    }
    body.to_owned()
}

/// Drops the `> <@user> quoted` lines that older Matrix clients put before a reply (only in a
/// message that relates to another, where they can be a quote and not the person's own `>`).
#[must_use]
pub fn strip_reply_fallback(body: &str, is_relation: bool) -> String {
    if !is_relation || !body.starts_with("> ") {
        return body.to_owned();
    }
    let rest: Vec<&str> = body.lines().skip_while(|l| l.starts_with('>')).collect();
    rest.join("\n").trim_start().to_owned()
}

/// The text of a Discord message without the mentions of the bot (`<@id>` or `<@!id>`), wherever
/// they are.
#[must_use]
pub fn strip_discord_mention(text: &str, bot_id: u64) -> String {
    text.replace(&format!("<@{bot_id}>"), " ").replace(&format!("<@!{bot_id}>"), " ").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_longest_first_short_ones_left_out() {
        let names = bot_names(["@Aiguilleur:agent.tchap.gouv.fr", "aiguilleur", "Aiguilleur", "AI"]);
        assert_eq!(names, ["@aiguilleur:agent.tchap.gouv.fr", "aiguilleur"]);
        assert!(names_bot("Bonjour AIGUILLEUR", &names));
        assert!(!names_bot("Bonjour à tous", &names));
    }

    #[test]
    fn leading_mention_taken_off() {
        let names = bot_names(["@aiguilleur:agent.tchap.gouv.fr", "aiguilleur"]);
        assert_eq!(
            strip_leading_mention("Aiguilleur : qui contacter à la DDTM ?", &names),
            "qui contacter à la DDTM ?"
        );
        assert_eq!(strip_leading_mention("@aiguilleur:agent.tchap.gouv.fr, bonjour", &names), "bonjour");
        assert_eq!(strip_leading_mention("@aiguilleur bonjour", &names), "bonjour");
        assert_eq!(strip_leading_mention("bonjour aiguilleur", &names), "bonjour aiguilleur");
        assert_eq!(strip_leading_mention("Élu : bonjour", &names), "Élu : bonjour");
    }

    #[test]
    fn reply_fallback_dropped() {
        assert_eq!(strip_reply_fallback("> <@bot:x> Quelle commune ?\n\nGenêts", true), "Genêts");
        assert_eq!(strip_reply_fallback("> citation", false), "> citation");
    }

    #[test]
    fn discord_mentions_of_the_bot_are_removed() {
        assert_eq!(strip_discord_mention("<@42> Carolles", 42), "Carolles");
        assert_eq!(strip_discord_mention("bonjour <@!42>", 42), "bonjour");
        assert_eq!(strip_discord_mention("<@43> x", 42), "<@43> x");
    }
}
