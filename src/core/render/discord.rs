//! Discord: blocks laid out as messages of text, embeds and components, within Discord's limits.
//!
//! Pure data, no serenity: the adapter turns these values into its builders. Paragraphs and
//! question texts go into a message's content, numbered results and cards into embeds (title,
//! link, description, fields), choices into buttons (rows of five, at most 25) or select menus past
//! that. Everything is escaped for Discord markdown, and `@everyone` / `@here` are broken by a
//! zero-width space (the adapter also sends an empty `allowed_mentions`). Whatever exceeds a limit
//! is split across embeds or messages, never cut: a label too long for a button is shortened only
//! when the full numbered list is also written in the message.

use super::{Block, Field};

/// Discord's limits, in characters (Unicode scalar values, as Discord and serenity count them).
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_DESCRIPTION: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FIELDS: usize = 25;
    /// Title, description, field names and values of all the embeds of one message.
    pub const EMBEDS_TOTAL: usize = 6000;
    pub const EMBEDS: usize = 10;
    pub const ROWS: usize = 5;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const BUTTON_LABEL: usize = 80;
    pub const SELECT_OPTIONS: usize = 25;
    pub const OPTION_LABEL: usize = 100;
    pub const PLACEHOLDER: usize = 150;
}

/// Prefix of the custom ids of the components this bot sends.
const ID_PREFIX: &str = "aig";
/// The name of a field that continues the previous one, or has no name (Discord wants one).
pub const BLANK: &str = "\u{200b}";

/// One Discord message.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub content: String,
    pub embeds: Vec<Embed>,
    pub components: Vec<Row>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Embed {
    pub title: Option<String>,
    /// The title's link.
    pub url: Option<String>,
    pub description: String,
    pub fields: Vec<EmbedField>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmbedField {
    pub name: String,
    pub value: String,
}

/// An action row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Row {
    Buttons(Vec<Button>),
    Select(Select),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Button {
    pub custom_id: String,
    pub label: String,
}

/// A string select menu; each option's value is the choice's number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Select {
    pub custom_id: String,
    pub placeholder: String,
    pub options: Vec<SelectOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SelectOption {
    pub label: String,
    pub value: String,
}

/// Who a question's components are for, and which turn asked it: a click is taken only from
/// that person and only while that question is the last one asked (the adapter checks the turn).
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    pub owner: &'a str,
    /// Any token unique to the turn (the adapter uses the id of the event that led to it).
    pub turn: &'a str,
    /// The select menus' localised prompt.
    pub placeholder: &'a str,
}

/// What a clicked component says: whose question it was, the turn that asked it, and the
/// choice (buttons carry it in their id, select menus in their value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clicked {
    pub owner: String,
    pub turn: String,
    pub choice: Option<usize>,
}

/// The custom id of choice `n`'s button (`Ok(n)`) or of select menu `i` (`Err(i)`).
#[must_use]
pub fn custom_id(asker: &Asker<'_>, what: Result<usize, usize>) -> String {
    match what {
        Ok(n) => format!("{ID_PREFIX}:{}:{}:{n}", asker.owner, asker.turn),
        Err(i) => format!("{ID_PREFIX}:{}:{}:m{i}", asker.owner, asker.turn),
    }
}

/// Reads a custom id made by [`custom_id`]; `None` for anything else.
#[must_use]
pub fn parse_custom_id(id: &str) -> Option<Clicked> {
    let mut parts = id.strip_prefix(ID_PREFIX)?.strip_prefix(':')?.split(':');
    let owner = parts.next().filter(|o| !o.is_empty())?.to_owned();
    let turn = parts.next().filter(|o| !o.is_empty())?.to_owned();
    let last = parts.next()?;
    let choice = match last.strip_prefix('m') {
        Some(i) => {
            i.parse::<usize>().ok()?;
            None
        }
        None => Some(last.parse().ok()?),
    };
    parts.next().is_none().then_some(Clicked { owner, turn, choice })
}

/// Lays blocks out as Discord messages; the components of a question are for `asker`.
#[must_use]
pub fn messages(blocks: &[Block], asker: &Asker<'_>) -> Vec<Message> {
    let mut out = Out::default();
    for b in blocks {
        match b {
            Block::Para(t) => out.text(&escape(t)),
            Block::Question { text, choices } => out.question(text, choices, asker),
            Block::Item { n, title, lines } => out.embeds(card(&format!("{n}. {title}"), lines)),
            Block::Card(c) => out.embeds(card(&c.title, &c.lines)),
        }
    }
    out.finish()
}

fn len(s: &str) -> usize {
    s.chars().count()
}

#[derive(Default)]
struct Out {
    done: Vec<Message>,
    cur: Message,
}

impl Out {
    fn flush(&mut self) {
        let m = std::mem::take(&mut self.cur);
        if !m.content.is_empty() || !m.embeds.is_empty() || !m.components.is_empty() {
            self.done.push(m);
        }
    }

    /// Adds an escaped paragraph to the content. Text after embeds or components starts a new
    /// message, so that what people read stays in the order of the blocks.
    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        if !self.cur.embeds.is_empty() || !self.cur.components.is_empty() {
            self.flush();
        }
        let sep = if self.cur.content.is_empty() { 0 } else { 2 };
        if len(&self.cur.content) + sep + len(t) <= limits::CONTENT {
            if sep > 0 {
                self.cur.content.push_str("\n\n");
            }
            self.cur.content.push_str(t);
            return;
        }
        for chunk in split(t, limits::CONTENT) {
            self.flush();
            self.cur.content = chunk;
        }
    }

    fn question(&mut self, text: &str, choices: &[(usize, String, String)], asker: &Asker<'_>) {
        let (rows, listed) = components(choices, asker);
        let mut t = escape(text);
        if !listed.is_empty() {
            for (n, label) in &listed {
                t.push_str(&format!("\n{n}. {}", escape(label)));
            }
        }
        self.text(&t);
        if !rows.is_empty() {
            // The components go with the last piece of the question's text.
            self.cur.components = rows;
        }
    }

    fn embeds(&mut self, embeds: Vec<Embed>) {
        for e in embeds {
            if !self.cur.components.is_empty()
                || self.cur.embeds.len() >= limits::EMBEDS
                || total(&self.cur.embeds) + embed_len(&e) > limits::EMBEDS_TOTAL
            {
                self.flush();
            }
            self.cur.embeds.push(e);
        }
    }

    fn finish(mut self) -> Vec<Message> {
        self.flush();
        self.done
    }
}

/// The characters of an embed that count towards the 6000 of a message.
fn embed_len(e: &Embed) -> usize {
    e.title.as_deref().map_or(0, len)
        + len(&e.description)
        + e.fields.iter().map(|f| len(&f.name) + len(&f.value)).sum::<usize>()
}

fn total(embeds: &[Embed]) -> usize {
    embeds.iter().map(embed_len).sum()
}

/// Buttons when the choices fit (25 at most, labels of 80 characters), else select menus (25
/// options each, five menus at most). Returns the rows, and the choices that must also be
/// listed in the text because their label had to be shortened or found no place.
fn components(choices: &[(usize, String, String)], asker: &Asker<'_>) -> (Vec<Row>, Vec<(usize, String)>) {
    let mut listed = vec![];
    if choices.is_empty() {
        return (vec![], listed);
    }
    let max_buttons = limits::ROWS * limits::BUTTONS_PER_ROW;
    if choices.len() <= max_buttons && choices.iter().all(|(_, l, _)| len(l) <= limits::BUTTON_LABEL) {
        let rows = choices
            .chunks(limits::BUTTONS_PER_ROW)
            .map(|row| {
                Row::Buttons(
                    row.iter()
                        .map(|(n, label, _)| Button { custom_id: custom_id(asker, Ok(*n)), label: label.clone() })
                        .collect(),
                )
            })
            .collect();
        return (rows, listed);
    }
    let shown = limits::ROWS * limits::SELECT_OPTIONS;
    let mut rows = vec![];
    let mut shortened = false;
    for (i, group) in choices[..choices.len().min(shown)].chunks(limits::SELECT_OPTIONS).enumerate() {
        let options = group
            .iter()
            .map(|(n, label, _)| {
                let full = format!("{n}. {label}");
                let label = if len(&full) <= limits::OPTION_LABEL {
                    full
                } else {
                    shortened = true;
                    shorten(&full, limits::OPTION_LABEL)
                };
                SelectOption { label, value: n.to_string() }
            })
            .collect();
        rows.push(Row::Select(Select {
            custom_id: custom_id(asker, Err(i)),
            placeholder: shorten(asker.placeholder, limits::PLACEHOLDER),
            options,
        }));
    }
    if shortened || choices.len() > shown {
        listed = choices.iter().map(|(n, l, _)| (*n, l.clone())).collect();
    }
    (rows, listed)
}

/// `s` cut to `max` characters with an ellipsis (only where the full text is shown elsewhere).
#[must_use]
pub fn shorten(s: &str, max: usize) -> String {
    if len(s) <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A card's lines: plain lines, and groups of a heading (a site) followed by its contacts.
enum Part<'a> {
    Line(&'a str),
    Group { head: Option<&'a str>, contacts: Vec<&'a Field> },
}

fn parts(lines: &[Field]) -> Vec<Part<'_>> {
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        let head = match &lines[i] {
            Field::Text(t) => {
                if !lines.get(i + 1).is_some_and(is_contact) {
                    out.push(Part::Line(t));
                    i += 1;
                    continue;
                }
                i += 1;
                Some(t.as_str())
            }
            _ => None,
        };
        let mut contacts = vec![];
        while let Some(f) = lines.get(i).filter(|f| is_contact(f)) {
            contacts.push(f);
            i += 1;
        }
        out.push(Part::Group { head, contacts });
    }
    out
}

/// A way to reach someone: a phone, an email, a site, or a number under a label.
fn is_contact(f: &Field) -> bool {
    match f {
        Field::Text(t) => is_number_line(t),
        _ => true,
    }
}

/// A text line that is a number under a label ("Fax : 02 33 06 39 09"): it belongs to the site
/// above it, where a site's heading never is only digits.
fn is_number_line(t: &str) -> bool {
    let value = t.rsplit_once(':').map_or(t, |(_, v)| v);
    let digits = value.chars().filter(char::is_ascii_digit).count();
    digits >= 6
        && value.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || matches!(c, '.' | '+' | '-' | '(' | ')'))
}

/// A contact line, escaped; a web address stays a bare link (Discord links it).
fn contact(f: &Field) -> String {
    match f {
        Field::Text(t) => escape(t),
        Field::Phone { label, number } => format!("{} {}", escape(label), escape(number)),
        Field::Email { label, address } => format!("{} {}", escape(label), escape(address)),
        Field::Web { label, url } => match link(url) {
            Some(u) => format!("{} {u}", escape(label)),
            None => format!("{} {}", escape(label), escape(url)),
        },
    }
}

/// A web address usable as a link (`https://` added when the data gives a bare host).
fn link(url: &str) -> Option<String> {
    let u = url.trim();
    // A `mailto:` link (a demand to send by hand) is shown as text: embeds link the web only.
    if u.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("mailto:")) {
        return None;
    }
    let u = if u.starts_with("http://") || u.starts_with("https://") { u.to_owned() } else { format!("https://{u}") };
    let host = u.split("://").nth(1).unwrap_or("");
    let ok = !host.is_empty()
        && host.contains('.')
        && !u.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '|' | '\\'));
    ok.then_some(u)
}

/// The embeds of one card or result: as many as its size needs, the first with the title.
fn card(title: &str, lines: &[Field]) -> Vec<Embed> {
    let url = lines.iter().find_map(|f| if let Field::Web { url, .. } = f { link(url) } else { None });
    let mut b = EmbedsBuilder::default();
    let title = escape(title);
    if len(&title) <= limits::EMBED_TITLE {
        b.cur.title = Some(title);
        b.cur.url = url;
    } else {
        // Too long for a title: the whole of it heads the description.
        b.cur.title = Some(shorten(&title, limits::EMBED_TITLE));
        b.line(&title);
    }
    for p in parts(lines) {
        match p {
            Part::Line(t) if b.cur.fields.is_empty() => b.line(&escape(t)),
            Part::Line(t) => b.field(BLANK, &escape(t)),
            Part::Group { head, contacts } => {
                let value: Vec<String> = contacts.into_iter().map(contact).collect();
                let value = value.join("\n");
                match head.map(escape) {
                    Some(h) if len(&h) <= limits::FIELD_NAME => b.field(&h, &value),
                    Some(h) => b.field(BLANK, &format!("{h}\n{value}")),
                    None => b.field(BLANK, &value),
                }
            }
        }
    }
    b.finish()
}

#[derive(Default)]
struct EmbedsBuilder {
    done: Vec<Embed>,
    cur: Embed,
}

impl EmbedsBuilder {
    fn room(&self) -> usize {
        limits::EMBEDS_TOTAL.saturating_sub(embed_len(&self.cur))
    }

    fn next(&mut self) {
        self.done.push(std::mem::take(&mut self.cur));
    }

    /// A description line; past the description's size, a continuation embed.
    fn line(&mut self, t: &str) {
        for chunk in split(t, limits::EMBED_DESCRIPTION) {
            let sep = usize::from(!self.cur.description.is_empty());
            let need = sep + len(&chunk);
            if !self.cur.fields.is_empty()
                || len(&self.cur.description) + need > limits::EMBED_DESCRIPTION
                || need > self.room()
            {
                self.next();
            }
            if !self.cur.description.is_empty() {
                self.cur.description.push('\n');
            }
            self.cur.description.push_str(&chunk);
        }
    }

    /// A field; a value too long goes on in fields with a blank name.
    fn field(&mut self, name: &str, value: &str) {
        let value = if value.is_empty() { BLANK.to_owned() } else { value.to_owned() };
        for (i, chunk) in split(&value, limits::FIELD_VALUE).into_iter().enumerate() {
            let name = if i == 0 { name } else { BLANK };
            if self.cur.fields.len() >= limits::FIELDS || len(name) + len(&chunk) > self.room() {
                self.next();
            }
            self.cur.fields.push(EmbedField { name: name.to_owned(), value: chunk });
        }
    }

    fn finish(mut self) -> Vec<Embed> {
        self.next();
        self.done
    }
}

/// Cuts `t` into pieces of at most `max` characters: at line breaks if possible, else at spaces,
/// else anywhere but right after a backslash (which would lose its escape).
fn split(t: &str, max: usize) -> Vec<String> {
    let mut out = vec![];
    let mut rest = t;
    while len(rest) > max {
        let cut = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let head = &rest[..cut];
        let at =
            head.rfind('\n').filter(|&i| i > 0).or_else(|| head.rfind(' ').filter(|&i| i > 0)).unwrap_or_else(|| {
                let mut i = cut;
                while i > 1 && head[..i].ends_with('\\') {
                    i = head[..i - 1].char_indices().last().map_or(0, |(j, _)| j + 1);
                }
                i
            });
        out.push(rest[..at].trim_end().to_owned());
        rest = rest[at..].trim_start_matches(['\n', ' ']);
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

/// Escapes text for Discord markdown: every character that can open a format, a quote, a list,
/// a heading, a masked link, a spoiler or a mention gets a backslash; `@everyone` and `@here` get
/// a zero-width space. Web addresses are left alone so that Discord still links them (markdown
/// does not apply inside a link).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut line_start = true;
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(n) = url_len(rest) {
            out.push_str(&rest[..n]);
            rest = &rest[n..];
            line_start = false;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        let after = &rest[c.len_utf8()..];
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '<' | '>' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '-' | '+' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '@' => {
                out.push('@');
                let lower: String = after.chars().take(8).collect::<String>().to_lowercase();
                if lower.starts_with("everyone") || lower.starts_with("here") {
                    out.push('\u{200b}');
                }
            }
            _ => out.push(c),
        }
        line_start = c == '\n' || (line_start && c.is_whitespace());
        rest = after;
    }
    out
}

/// The length in bytes of a web address at the start of `s`, without trailing punctuation.
fn url_len(s: &str) -> Option<usize> {
    let scheme = if s.starts_with("https://") {
        8
    } else if s.starts_with("http://") {
        7
    } else {
        return None;
    };
    let end = s.find(|c: char| c.is_whitespace() || c == '<' || c == '>').unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»', '"', '\'']);
    (url.len() > scheme).then_some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Card;

    const ASKER: Asker<'static> = Asker { owner: "42", turn: "9", placeholder: "Choisir" };

    fn q(n: usize) -> Block {
        Block::Question {
            text: "Quel thème ?".into(),
            choices: (1..=n).map(|i| (i, format!("Choix {i}"), format!("v{i}"))).collect(),
        }
    }

    #[test]
    fn escapes_markdown_and_mentions() {
        assert_eq!(
            escape("*gras* _it_ ~~barré~~ `code` ||spoiler||"),
            r"\*gras\* \_it\_ \~\~barré\~\~ \`code\` \|\|spoiler\|\|"
        );
        assert_eq!(escape("# titre\n- liste\n> citation"), "\\# titre\n\\- liste\n\\> citation");
        assert_eq!(escape("Saint-Lô 2024-03-12"), "Saint-Lô 2024-03-12");
        assert_eq!(escape("[lien](https://x.fr)"), r"\[lien\](https://x.fr)");
        assert_eq!(escape("<@123> <#4> <t:1:R>"), r"\<@123\> \<#4\> \<t:1:R\>");
        assert_eq!(escape("@everyone et @here"), "@\u{200b}everyone et @\u{200b}here");
        assert_eq!(escape("@Everyone"), "@\u{200b}Everyone");
        assert_eq!(escape("ddtm@manche.gouv.fr"), "ddtm@manche.gouv.fr");
        assert_eq!(escape(r"a\b"), r"a\\b");
        assert_eq!(
            escape("voir https://www.x.fr/a_b*c, puis"),
            "voir https://www.x.fr/a_b*c, puis",
            "links stay links"
        );
        assert_eq!(escape("(http://x.fr)."), "(http://x.fr).");
    }

    #[test]
    fn user_text_quoted_by_the_bot_never_pings() {
        let blocks = vec![Block::Para("Je n'ai rien trouvé pour « @everyone **urgent** »".into())];
        let m = messages(&blocks, &ASKER);
        assert_eq!(m.len(), 1);
        assert!(!m[0].content.contains("@everyone"), "{}", m[0].content);
        assert!(m[0].content.contains(r"\*\*urgent\*\*"));
    }

    #[test]
    fn choices_become_rows_of_five_buttons() {
        let m = messages(&[Block::Para("Bonjour".into()), q(19)], &ASKER);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].content, "Bonjour\n\nQuel thème ?");
        let sizes: Vec<usize> = m[0]
            .components
            .iter()
            .map(|r| match r {
                Row::Buttons(b) => b.len(),
                Row::Select(_) => 0,
            })
            .collect();
        assert_eq!(sizes, [5, 5, 5, 4]);
        let Row::Buttons(b) = &m[0].components[3] else { unreachable!() };
        assert_eq!(b[3], Button { custom_id: "aig:42:9:19".into(), label: "Choix 19".into() });
        let clicked = |choice| Some(Clicked { owner: "42".into(), turn: "9".into(), choice });
        assert_eq!(parse_custom_id("aig:42:9:19"), clicked(Some(19)));
        assert_eq!(parse_custom_id("aig:42:9:m0"), clicked(None));
        assert_eq!(parse_custom_id("autre:42:9:1"), None);
        assert_eq!(parse_custom_id("aig:42:9:x"), None);
        assert_eq!(parse_custom_id("aig:42:1"), None);
    }

    #[test]
    fn past_25_choices_a_select_menu() {
        let m = messages(&[q(30)], &ASKER);
        assert_eq!(m[0].components.len(), 2);
        let Row::Select(s) = &m[0].components[0] else { panic!("{:?}", m[0].components) };
        assert_eq!(s.options.len(), 25);
        assert_eq!(s.custom_id, "aig:42:9:m0");
        assert_eq!(s.placeholder, "Choisir");
        assert_eq!(s.options[0], SelectOption { label: "1. Choix 1".into(), value: "1".into() });
        let Row::Select(s) = &m[0].components[1] else { unreachable!() };
        assert_eq!(s.options.len(), 5);
        assert_eq!(s.custom_id, "aig:42:9:m1");
        assert!(!m[0].content.contains("Choix 1"), "no list when every label fits");
    }

    #[test]
    fn long_labels_are_listed_in_full_in_the_text() {
        let long = "x".repeat(120);
        let blocks = vec![Block::Question { text: "Q ?".into(), choices: vec![(1, long.clone(), String::new())] }];
        let m = messages(&blocks, &ASKER);
        let Row::Select(s) = &m[0].components[0] else { panic!() };
        assert_eq!(s.options[0].label.chars().count(), 100);
        assert!(m[0].content.contains(&long), "the full label is in the text");
    }

    #[test]
    fn long_text_is_split_never_cut() {
        let words: Vec<String> = (0..1500).map(|i| format!("mot{i}")).collect();
        let para = words.join(" ");
        let m = messages(&[Block::Para(para.clone()), Block::Para("fin".into())], &ASKER);
        assert!(m.len() >= 4);
        for x in &m {
            assert!(x.content.chars().count() <= limits::CONTENT);
        }
        let joined: Vec<&str> = m.iter().map(|x| x.content.as_str()).collect();
        let joined = joined.join(" ");
        assert_eq!(joined.replace("\n\n", " "), format!("{para} fin"));
        // No space at all: cut anywhere, but never between a backslash and what it escapes.
        let stars = "*".repeat(2500);
        let m = messages(&[Block::Para(stars)], &ASKER);
        assert_eq!(m.len(), 3);
        for x in &m {
            assert!(x.content.chars().count() <= limits::CONTENT);
            assert!(x.content.starts_with("\\*") && x.content.ends_with("\\*"), "{}", x.content.len());
        }
        let n: usize = m.iter().map(|x| x.content.matches("\\*").count()).sum();
        assert_eq!(n, 2500);
    }

    fn site(i: usize) -> Vec<Field> {
        vec![
            Field::Text(format!("Site {i} : 1 rue de la Paix")),
            Field::Phone { label: "Tél. :".into(), number: "02 33 00 00 00".into() },
            Field::Text("Fax : 02 33 00 00 01".into()),
            Field::Email { label: "Courriel :".into(), address: format!("site_{i}@manche.gouv.fr") },
        ]
    }

    #[test]
    fn cards_are_embeds_with_fields_and_a_link() {
        let mut lines = vec![Field::Text("Présentation".into())];
        lines.extend(site(1));
        lines.push(Field::Text("Délégation sans contact".into()));
        lines.push(Field::Text("Sur place".into()));
        lines.push(Field::Web { label: "Site :".into(), url: "www.exemple.fr".into() });
        lines.push(Field::Text("Modalités : sur rendez-vous".into()));
        let m = messages(&[Block::Card(Card { title: "DDTM 50".into(), lines })], &ASKER);
        assert_eq!(m.len(), 1);
        let e = &m[0].embeds[0];
        assert_eq!(e.title.as_deref(), Some("DDTM 50"));
        assert_eq!(e.url.as_deref(), Some("https://www.exemple.fr"));
        assert_eq!(e.description, "Présentation");
        assert_eq!(e.fields[0].name, "Site 1 : 1 rue de la Paix");
        assert_eq!(
            e.fields[0].value,
            "Tél. : 02 33 00 00 00\nFax : 02 33 00 00 01\nCourriel : site\\_1@manche.gouv.fr"
        );
        assert_eq!(e.fields[1], EmbedField { name: BLANK.into(), value: "Délégation sans contact".into() });
        assert_eq!(e.fields[2], EmbedField { name: "Sur place".into(), value: "Site : https://www.exemple.fr".into() });
        assert_eq!(e.fields[3].value, "Modalités : sur rendez-vous");
    }

    #[test]
    fn big_cards_split_within_every_embed_limit() {
        let mut lines = vec![Field::Text("a ".repeat(3000))];
        for i in 0..60 {
            lines.extend(site(i));
        }
        lines.push(Field::Text("b".repeat(1500)));
        let title = "T".repeat(300);
        let blocks: Vec<Block> =
            (0..3).map(|_| Block::Card(Card { title: title.clone(), lines: lines.clone() })).collect();
        let m = messages(&blocks, &ASKER);
        let mut fields = 0;
        for x in &m {
            assert!(x.embeds.len() <= limits::EMBEDS);
            assert!(total(&x.embeds) <= limits::EMBEDS_TOTAL, "{}", total(&x.embeds));
            for e in &x.embeds {
                assert!(e.title.as_deref().map_or(0, len) <= limits::EMBED_TITLE);
                assert!(len(&e.description) <= limits::EMBED_DESCRIPTION);
                assert!(e.fields.len() <= limits::FIELDS);
                for f in &e.fields {
                    assert!(len(&f.name) <= limits::FIELD_NAME && !f.name.is_empty());
                    assert!(len(&f.value) <= limits::FIELD_VALUE && !f.value.is_empty());
                    fields += 1;
                }
            }
        }
        // 60 sites and the long last line (two fields) for each card: nothing dropped.
        assert_eq!(fields, 3 * (60 + 2));
        let all: String = m.iter().flat_map(|x| &x.embeds).map(|e| e.description.clone()).collect();
        assert_eq!(all.matches(&title).count(), 3, "the long title is kept whole in the description");
    }

    #[test]
    fn text_after_embeds_starts_a_new_message() {
        let item = Block::Item { n: 1, title: "Études".into(), lines: vec![Field::Text("Pourquoi : thème".into())] };
        let m = messages(&[Block::Para("Voici".into()), item, Block::Para("Tapez « détails 1 »".into()), q(2)], &ASKER);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].content, "Voici");
        assert_eq!(m[0].embeds[0].title.as_deref(), Some("1. Études"));
        assert_eq!(m[0].embeds[0].description, "Pourquoi : thème");
        assert_eq!(m[1].content, "Tapez « détails 1 »\n\nQuel thème ?");
        assert_eq!(m[1].components.len(), 1);
    }
}
