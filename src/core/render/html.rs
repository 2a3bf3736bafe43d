//! Matrix HTML (`org.matrix.custom.html`): the formatted body of the bot's notices.
//!
//! Only the tags every Matrix client keeps are used: `p`, `br`, `b`, `ol`/`li` and `a` with
//! `mailto:`, `tel:` and `https:` links. Every text that reaches the output goes through
//! [`escape`] (some messages quote what the person typed); links are made from addresses that
//! match strict patterns, never from free text as is.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use super::{Block, Field};

/// Lays blocks out as HTML, one paragraph (or list) per block.
#[must_use]
pub fn html(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Para(t) => {
                out.push_str("<p>");
                out.push_str(&text(t));
                out.push_str("</p>");
            }
            Block::Question { text: q, choices } => {
                out.push_str("<p>");
                out.push_str(&text(q));
                out.push_str("</p>");
                if !choices.is_empty() {
                    let first = choices[0].0;
                    let consecutive = choices.iter().enumerate().all(|(i, (n, _, _))| *n == first + i);
                    if consecutive {
                        if first == 1 {
                            out.push_str("<ol>");
                        } else {
                            let _ = write!(out, "<ol start=\"{first}\">");
                        }
                        for (_, label, _) in choices {
                            let _ = write!(out, "<li>{}</li>", text(label));
                        }
                        out.push_str("</ol>");
                    } else {
                        // Numbers with gaps: written out, since `<li value>` is not kept by clients.
                        let lines: Vec<String> =
                            choices.iter().map(|(n, label, _)| format!("{n}. {}", text(label))).collect();
                        let _ = write!(out, "<p>{}</p>", lines.join("<br>"));
                    }
                }
            }
            Block::Item { n, title, lines } => {
                let _ = write!(out, "<p><b>{n}. {}</b>", text(title));
                for l in lines {
                    out.push_str("<br>");
                    out.push_str(&field(l));
                }
                out.push_str("</p>");
            }
            Block::Card(c) => {
                let _ = write!(out, "<p><b>{}</b>", text(&c.title));
                for l in &c.lines {
                    out.push_str("<br>");
                    out.push_str(&field(l));
                }
                out.push_str("</p>");
            }
        }
    }
    out
}

/// Escapes the five HTML-significant characters (also safe inside quoted attributes).
#[must_use]
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn field(f: &Field) -> String {
    match f {
        Field::Text(t) => text(t),
        Field::Phone { label, number } => match tel_uri(number) {
            Some(uri) => format!("{} <a href=\"{}\">{}</a>", escape(label), escape(&uri), escape(number)),
            None => format!("{} {}", escape(label), escape(number)),
        },
        Field::Email { label, address } if EMAIL.is_match(address) => {
            format!("{} <a href=\"mailto:{}\">{}</a>", escape(label), escape(address), escape(address))
        }
        Field::Email { label, address } => format!("{} {}", escape(label), escape(address)),
        Field::Web { label, url } => match web_uri(url) {
            Some(href) => format!("{} <a href=\"{}\">{}</a>", escape(label), escape(&href), escape(url)),
            None => format!("{} {}", escape(label), escape(url)),
        },
    }
}

/// An address, a web site or a French phone number.
static LINKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
        r"|(?P<web>https?://[^\s<>()]+[^\s<>().,;:!?»])",
        r"|(?P<tel>(?-u:\b)0[1-9](?:[ .\u{a0}\u{202f}]?[0-9]{2}){4}(?-u:\b))",
    ))
    .expect("valid link pattern")
});

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$").expect("valid email pattern")
});

/// Escaped text, newlines as `<br>`, addresses, sites and phone numbers as links.
fn text(s: &str) -> String {
    // Most lines hold no address, site or number: no need to run the pattern on them.
    if !s.bytes().any(|b| b == b'@' || b.is_ascii_digit()) && !s.contains("http") {
        return lines(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for caps in LINKS.captures_iter(s) {
        let m = caps.get(0).expect("whole match");
        out.push_str(&lines(&s[last..m.start()]));
        let shown = escape(m.as_str());
        if let Some(e) = caps.name("email") {
            let _ = write!(out, "<a href=\"mailto:{}\">{shown}</a>", escape(e.as_str()));
        } else if let Some(href) = caps.name("web").and_then(|w| web_uri(w.as_str())) {
            let _ = write!(out, "<a href=\"{}\">{shown}</a>", escape(&href));
        } else if let Some(uri) = caps.name("tel").and_then(|t| tel_uri(t.as_str())) {
            let _ = write!(out, "<a href=\"{}\">{shown}</a>", escape(&uri));
        } else {
            out.push_str(&shown);
        }
        last = m.end();
    }
    out.push_str(&lines(&s[last..]));
    out
}

fn lines(s: &str) -> String {
    escape(s).replace('\n', "<br>")
}

/// `tel:+33233063900` for a French number written `02 33 06 39 00`; `None` for anything else.
fn tel_uri(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let plus = number.trim_start().starts_with('+');
    let other = number.chars().any(|c| !(c.is_ascii_digit() || " .-+()\u{a0}\u{202f}".contains(c)));
    if other || digits.is_empty() {
        return None;
    }
    if plus {
        return Some(format!("tel:+{digits}"));
    }
    if digits.len() == 10 && digits.starts_with('0') {
        return Some(format!("tel:+33{}", &digits[1..]));
    }
    None
}

/// A web link: `https://` or `http://` as written, or a bare domain given `https://`.
fn web_uri(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\'' | '`')) {
        return None;
    }
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(url.to_owned());
    }
    // A demand's ready email (`mailto:` with its subject and body percent-encoded).
    if lower.starts_with("mailto:") {
        return Some(url.to_owned());
    }
    // A bare site such as `ingenierie-departementale-manche.fr`: no scheme means no other scheme.
    if !lower.contains(':') && lower.split('/').next().is_some_and(|h| h.contains('.')) {
        return Some(format!("https://{url}"));
    }
    None
}

/// Above this (HTML plus plain, in bytes) a reply is split over several notices; Matrix events
/// are limited to 64 KiB in all.
const MAX_BODY: usize = 24_000;

/// The plain and HTML bodies of the notices carrying `blocks`: usually one, several when the
/// reply is very long (split between blocks, in order).
#[must_use]
pub fn notices(blocks: &[Block]) -> Vec<(String, String)> {
    let mut groups: Vec<&[Block]> = vec![];
    let mut start = 0;
    let mut size = 0;
    for (i, b) in blocks.iter().enumerate() {
        let s = block_size(b);
        if i > start && size + s > MAX_BODY {
            groups.push(&blocks[start..i]);
            start = i;
            size = 0;
        }
        size += s;
    }
    if start < blocks.len() {
        groups.push(&blocks[start..]);
    }
    groups.into_iter().map(|g| (super::plain::plain(g), html(g))).collect()
}

/// A generous estimate of a block's HTML plus plain size.
fn block_size(b: &Block) -> usize {
    let text = match b {
        Block::Para(t) => t.len(),
        Block::Question { text, choices } => text.len() + choices.iter().map(|(_, l, _)| l.len() + 16).sum::<usize>(),
        Block::Item { title, lines, .. } => title.len() + lines.len() * 200,
        Block::Card(c) => c.title.len() + c.lines.len() * 200,
    };
    text * 3 + 64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Card;

    #[test]
    fn long_replies_are_split_between_blocks_in_order() {
        let blocks: Vec<Block> = (0..40).map(|i| Block::Para(format!("{i} {}", "x".repeat(1000)))).collect();
        let parts = notices(&blocks);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|(plain, html)| plain.len() + html.len() < 2 * MAX_BODY));
        let all: Vec<&str> = parts.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(all.join("\n\n"), crate::render::plain::plain(&blocks));
        assert_eq!(notices(&blocks[..1]).len(), 1);
    }

    #[test]
    fn escapes_user_text() {
        let blocks = vec![Block::Para("Je ne connais pas « <script>alert('x')</script> & co ».".into())];
        let out = html(&blocks);
        assert_eq!(out, "<p>Je ne connais pas « &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co ».</p>");
    }

    #[test]
    fn injected_links_stay_text() {
        let out = html(&[Block::Para("<a href=\"javascript:alert(1)\">clic</a> javascript:alert(1)".into())]);
        assert!(!out.contains("<a"), "{out}");
        assert!(out.contains("&lt;a href=&quot;javascript:alert(1)&quot;&gt;"), "{out}");
    }

    #[test]
    fn card_with_links() {
        let card = Card {
            title: "DDTM 50 <Manche>".into(),
            lines: vec![
                Field::Text("477 boulevard de la Dollée\nSaint-Lô".into()),
                Field::Phone { label: "Tél.".into(), number: "02 33 06 39 00".into() },
                Field::Email { label: "Courriel :".into(), address: "ddtm@manche.gouv.fr".into() },
                Field::Web { label: "Site :".into(), url: "https://www.manche.gouv.fr".into() },
            ],
        };
        let out = html(&[Block::Card(card)]);
        assert_eq!(
            out,
            "<p><b>DDTM 50 &lt;Manche&gt;</b><br>477 boulevard de la Dollée<br>Saint-Lô\
             <br>Tél. <a href=\"tel:+33233063900\">02 33 06 39 00</a>\
             <br>Courriel : <a href=\"mailto:ddtm@manche.gouv.fr\">ddtm@manche.gouv.fr</a>\
             <br>Site : <a href=\"https://www.manche.gouv.fr\">https://www.manche.gouv.fr</a></p>"
        );
    }

    #[test]
    fn bad_addresses_are_not_links() {
        let out = html(&[Block::Card(Card {
            title: "X".into(),
            lines: vec![
                Field::Email { label: "Courriel".into(), address: "a@b.fr\" onclick=\"x".into() },
                Field::Web { label: "Site".into(), url: "javascript:alert(1)".into() },
                Field::Phone { label: "Tél.".into(), number: "appeler le standard".into() },
            ],
        })]);
        assert!(!out.contains("<a"), "{out}");
        assert!(out.contains("a@b.fr&quot; onclick=&quot;x"), "{out}");
    }

    #[test]
    fn links_inside_sentences() {
        let out = text(
            "Écrivez à ingenierie@manche.gouv.fr ou appelez le 02 33 75 49 50, voir https://aides-territoires.beta.gouv.fr.",
        );
        assert_eq!(
            out,
            "Écrivez à <a href=\"mailto:ingenierie@manche.gouv.fr\">ingenierie@manche.gouv.fr</a> ou appelez le \
             <a href=\"tel:+33233754950\">02 33 75 49 50</a>, voir \
             <a href=\"https://aides-territoires.beta.gouv.fr\">https://aides-territoires.beta.gouv.fr</a>."
        );
    }

    #[test]
    fn numbered_choices() {
        let q = Block::Question {
            text: "C'est bien ça ?".into(),
            choices: vec![(1, "Oui".into(), "oui".into()), (2, "Non <b>".into(), "non".into())],
        };
        assert_eq!(html(&[q]), "<p>C&#39;est bien ça ?</p><ol><li>Oui</li><li>Non &lt;b&gt;</li></ol>");
        let gaps = Block::Question {
            text: "?".into(),
            choices: vec![(1, "a".into(), "a".into()), (5, "b".into(), "b".into())],
        };
        assert_eq!(html(&[gaps]), "<p>?</p><p>1. a<br>5. b</p>");
    }

    #[test]
    fn numbered_results_in_bold() {
        let item = Block::Item { n: 2, title: "Réseau IDM".into(), lines: vec![Field::Text("Gratuit".into())] };
        assert_eq!(html(&[item]), "<p><b>2. Réseau IDM</b><br>Gratuit</p>");
    }
}
