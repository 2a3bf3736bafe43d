//! A request to the single entry point, as the person reviews it and as the préfecture receives
//! it: one card, every line from Fluent. The email's bodies (`text`, `html`) are built from the
//! same lines.

use super::{Block, Card, Ctx, Field, raisons};
use crate::content::Content;
use crate::i18n::{Arg, format_number};
use crate::reply::{DemandeView, Envoi};

/// The request's lines: (label message, value), in reading order; empty values left out.
pub(super) fn lines(cx: &Ctx<'_>, d: &DemandeView) -> Vec<(String, String)> {
    let cat = &cx.content.catalogue;
    let mut out = vec![];
    let mut push = |label: &str, value: String| {
        if !value.trim().is_empty() {
            out.push((cx.msg(label, &[]), value));
        }
    };
    let commune = match (&d.commune, &d.insee) {
        (Some(c), Some(i)) => {
            cx.msg("demande-commune-insee", &[("commune", Arg::Text(c.clone())), ("insee", Arg::Text(i.clone()))])
        }
        (Some(c), None) => c.clone(),
        _ => String::new(),
    };
    push("demande-champ-commune", commune);
    push("demande-champ-population", d.population.map(format_number).unwrap_or_default());
    let programmes = match &d.programmes {
        Some(list) if list.is_empty() => cx.msg("demande-aucun-programme", &[]),
        Some(list) => list
            .iter()
            .map(|s| cat.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        None => String::new(),
    };
    push("demande-champ-programmes", programmes);
    push(
        "demande-champ-themes",
        d.themes.iter().filter_map(|t| cat.theme(t)).map(|t| t.nom.clone()).collect::<Vec<_>>().join(", "),
    );
    push(
        "demande-champ-etape",
        d.etape.as_deref().and_then(|e| cat.etape(e)).map(|e| e.nom.clone()).unwrap_or_default(),
    );
    push(
        "demande-champ-besoin",
        d.besoin.as_deref().and_then(|b| cat.besoin(b)).map(|b| b.nom.clone()).unwrap_or_default(),
    );
    push("demande-champ-description", d.description.clone());
    let who = match (d.demandeur.trim(), d.qualite.trim()) {
        ("", q) => q.to_owned(),
        (n, "") => n.to_owned(),
        (n, q) => format!("{n}, {q}"),
    };
    push("demande-champ-demandeur", who);
    push("demande-champ-contact", d.contact.clone());
    out
}

/// The dispositifs proposed, one line each with why.
pub(super) fn proposed(cx: &Ctx<'_>, d: &DemandeView) -> Vec<String> {
    d.dispositifs
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let x = cx.content.catalogue.dispositif(&m.dispositif)?;
            let why = if m.raisons.is_empty() { String::new() } else { format!(" — {}", raisons(cx, &m.raisons)) };
            Some(format!("{}. {}{why}", i + 1, x.nom))
        })
        .collect()
}

/// The request as a card; once stored (`envoi_info`), its reference and how it leaves.
pub(super) fn blocks(cx: &Ctx<'_>, out: &mut Vec<Block>, d: &DemandeView) {
    if let (true, Some(e)) = (d.envoi, &d.envoi_info) {
        sent(cx, out, d, e);
        return;
    }
    let title = cx.msg("demande-titre", &[("commune", Arg::Text(d.commune.clone().unwrap_or_default()))]);
    let mut card_lines: Vec<Field> =
        lines(cx, d).into_iter().map(|(label, value)| Field::Text(format!("{label} {value}"))).collect();
    let proposed = proposed(cx, d);
    if !proposed.is_empty() {
        card_lines.push(Field::Text(cx.msg("demande-champ-dispositifs", &[])));
        card_lines.extend(proposed.into_iter().map(Field::Text));
    }
    out.push(Block::Card(Card { title, lines: card_lines }));
}

/// The stored demand: its reference, and either that the bot sends it (with a copy to the
/// person) or, without SMTP, the ready text and a `mailto:` link.
fn sent(cx: &Ctx<'_>, out: &mut Vec<Block>, d: &DemandeView, e: &Envoi) {
    let reference = || ("reference", Arg::Text(e.reference.clone()));
    let to = || ("destinataire", Arg::Text(e.to.clone()));
    if e.courriel {
        out.push(Block::Para(cx.msg("demande-envoyee", &[reference(), to()])));
        if let Some(email) = d.email() {
            out.push(Block::Para(cx.msg("demande-copie", &[("courriel", Arg::Text(email))])));
        }
        out.push(Block::Para(cx.msg("demande-envoi-differe", &[])));
        return;
    }
    let mail = email_of(cx, d, &e.reference);
    out.push(Block::Para(cx.msg("demande-sans-courriel", &[reference(), to()])));
    let mut lines = vec![Field::Text(cx.msg("demande-objet", &[("objet", Arg::Text(mail.subject.clone()))]))];
    lines.extend(mail.text.lines().map(|l| Field::Text(l.to_owned())));
    out.push(Block::Card(Card { title: cx.msg("demande-texte-pret", &[to()]), lines }));
    let url = mailto(&e.to, &mail.subject, &mail.text);
    out.push(Block::Card(Card {
        title: cx.msg("demande-lien-titre", &[]),
        lines: vec![Field::Web { label: cx.msg("demande-lien", &[]), url }],
    }));
}

/// A demand's email, as the préfecture reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Courriel {
    pub subject: String,
    /// Plain text.
    pub text: String,
    /// The HTML alternative (everything the person typed escaped).
    pub html: String,
}

/// The email of demand `reference`, in `lang`: subject, plain text and HTML, from the same
/// lines as the card the person confirmed.
#[must_use]
pub fn email(content: &Content, lang: &str, d: &DemandeView, reference: &str) -> Courriel {
    let cx = Ctx { content, lang, ailleurs: None, today: None };
    email_of(&cx, d, reference)
}

fn email_of(cx: &Ctx<'_>, d: &DemandeView, reference: &str) -> Courriel {
    use super::html::escape;
    let commune = d.commune.clone().unwrap_or_default();
    let subject = cx.msg(
        "courriel-objet",
        &[("reference", Arg::Text(reference.to_owned())), ("commune", Arg::Text(commune.clone()))],
    );
    let intro =
        cx.msg("courriel-intro", &[("reference", Arg::Text(reference.to_owned())), ("commune", Arg::Text(commune))]);
    let fin = cx.msg("courriel-fin", &[("reference", Arg::Text(reference.to_owned()))]);
    let lines = lines(cx, d);
    let proposed = proposed(cx, d);
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<html><body>\n<p>{}</p>\n<table>\n", escape(&intro));
    for (label, value) in &lines {
        text.push_str(&format!("{label} {value}\n"));
        html.push_str(&format!(
            "<tr><th align=\"left\" valign=\"top\">{}</th><td>{}</td></tr>\n",
            escape(label),
            escape(value).replace('\n', "<br>")
        ));
    }
    html.push_str("</table>\n");
    if !proposed.is_empty() {
        let title = cx.msg("demande-champ-dispositifs", &[]);
        text.push_str(&format!("\n{title}\n"));
        html.push_str(&format!("<p>{}</p>\n<ul>\n", escape(&title)));
        for p in &proposed {
            text.push_str(&format!("{p}\n"));
            html.push_str(&format!("<li>{}</li>\n", escape(p)));
        }
        html.push_str("</ul>\n");
    }
    text.push_str(&format!("\n{fin}\n"));
    html.push_str(&format!("<p>{}</p>\n</body></html>\n", escape(&fin)));
    Courriel { subject, text, html }
}

/// A `mailto:` link with its subject and body (RFC 6068: everything but the unreserved
/// characters percent-encoded, UTF-8; line breaks as CRLF).
#[must_use]
pub fn mailto(to: &str, subject: &str, body: &str) -> String {
    format!(
        "mailto:{}?subject={}&body={}",
        encode(to, b"@"),
        encode(subject, b""),
        encode(&body.replace("\r\n", "\n").replace('\n', "\r\n"), b"")
    )
}

fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_links_encode_everything_but_the_unreserved() {
        let url = mailto("ingenierie@manche.gouv.fr", "Demande – Genêts & co", "Ligne 1\nL'été ?");
        assert_eq!(
            url,
            "mailto:ingenierie@manche.gouv.fr?subject=Demande%20%E2%80%93%20Gen%C3%AAts%20%26%20co\
             &body=Ligne%201%0D%0AL%27%C3%A9t%C3%A9%20%3F"
        );
    }
}
