//! Hostile and odd input: 10 000 generated messages through the bot (SQLite store on disk) and
//! every renderer. Each gets a reply, nothing panics, and no typed text reaches Matrix HTML or
//! Discord markdown unescaped. `AIGUILLEUR_HOSTILE_MESSAGES=100000` runs a larger set by hand.

use aiguilleur::bot::{Bot, Incoming, MAX_MESSAGE_BYTES};
use aiguilleur::render::{self, discord};
use aiguilleur::store::SqliteStore;

use crate::support::{self, Rng};

/// Payloads people (or attackers) send.
const PAYLOADS: &[&str] = &[
    "",
    "   \t  ",
    "\0\0\0",
    "Gen\0êts",
    "\u{202e}stênéG",
    "Ge\u{200b}nê\u{200d}ts",
    "\u{feff}bonjour",
    "🏡🏫🚲",
    "👍",
    "<a href=javascript:alert(1)>clic</a>",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><b>gras</b>",
    "&lt;déjà échappé&gt; &amp;",
    "[lien](javascript:alert(1))",
    "**urgent** __souligné__ ~~barré~~ `code` ||spoiler||",
    "# Titre\n> citation\n- liste",
    "@room",
    "@everyone",
    "@here attention",
    "<@123456789> <@&42> <#99>",
    "'; DROP TABLE sessions; --",
    "1 OR 1=1",
    "\" OR \"\"=\"",
    "%s%s%s%n",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "{ $commune }",
    "../../etc/passwd",
    "null",
    "NaN",
    "99999999999999999999999999999",
    "-1",
    "0",
    "1.2.3.4",
    "oui non oui non",
    "\u{0}\u{1}\u{2}\u{7f}",
    "ﬁ ligature Œuvre",
    "ßẞ İı",
];

/// Answers that move conversations through the dialogue, mixed with the payloads.
const ANSWERS: &[&str] = &[
    "bonjour",
    "Genêts",
    "oui",
    "aucun",
    "centre-bourg",
    "on y réfléchit",
    "conseil",
    "détails 1",
    "retour",
    "recommencer",
];

fn generate(rng: &mut Rng) -> String {
    let pick = |rng: &mut Rng, list: &[&str]| list[rng.below(list.len())].to_owned();
    match rng.below(12) {
        0 => "x".repeat(1 << 20), // 1 MB
        1 => {
            // Random bytes, decoded the way the terminal and the transports decode them.
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| u8::try_from(rng.below(256)).unwrap()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        2 | 3 => format!("pourquoi pas {}", pick(rng, PAYLOADS)),
        4 => format!("c'est quoi {} ?", pick(rng, PAYLOADS)),
        5 => format!("{} {}", pick(rng, ANSWERS), pick(rng, PAYLOADS)),
        6..=8 => pick(rng, ANSWERS),
        _ => pick(rng, PAYLOADS),
    }
}

/// HTML tags the Matrix renderer may emit; anything else came from somewhere it should not.
const TAGS: &[&str] = &["p", "/p", "br", "b", "/b", "ol", "/ol", "li", "/li", "a", "/a"];

fn check_html(html: &str, input: &str) {
    for (i, _) in html.match_indices('<') {
        let tag: String = html[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
        assert!(TAGS.contains(&tag.as_str()), "unexpected tag <{tag} in HTML for input {input:?}:\n{html}");
    }
    for (i, _) in html.match_indices("href=\"") {
        let url = &html[i + 6..];
        assert!(
            ["mailto:", "tel:", "https://", "http://"].iter().any(|p| url.starts_with(p)),
            "unsafe link for input {input:?}: {}",
            &url[..url.len().min(60)]
        );
    }
}

fn check_discord(text: &str, input: &str) {
    let lower = text.to_lowercase();
    assert!(!lower.contains("@everyone") && !lower.contains("@here"), "a ping for input {input:?}: {text}");
    if input.len() >= 4 && input.chars().any(|c| "*_~`|<>[]".contains(c)) && !input.contains("http") {
        assert!(!text.contains(input), "markdown passed through unescaped for input {input:?}: {text}");
    }
}

#[test]
fn ten_thousand_hostile_messages_each_get_a_safe_reply() {
    let total: usize = std::env::var("AIGUILLEUR_HOSTILE_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("hostile.sqlite")).unwrap();
    let mut bot = Bot::new(support::content(), store, "fr");
    let mut rng = Rng(0xdead_beef);
    let asker = discord::Asker { owner: "1", turn: "t", placeholder: "Choisissez" };
    let (mut too_long, mut echoed) = (0, 0);
    for i in 0..total {
        let text = generate(&mut rng);
        let msg = Incoming {
            transport: "test".into(),
            user: format!("u{}", i % 37),
            conversation: "c".into(),
            text: text.clone(),
            event_id: Some(format!("$e{i}")),
            now: 1_700_000_000 + i64::try_from(i).unwrap(),
            sent_at: None,
            reach: None,
        };
        let replies = bot.handle(&msg).unwrap_or_else(|e| panic!("store error for {text:?}: {e}"));
        assert!(!replies.is_empty(), "no reply to {text:?}");
        let blocks = bot.blocks(&replies);
        let plain = render::plain::plain(&blocks);
        assert!(!plain.trim().is_empty(), "empty reply to {text:?}");
        if text.len() > MAX_MESSAGE_BYTES {
            too_long += 1;
            assert!(plain.len() < 1000, "a long message must get a short notice");
        }
        let payload = text.strip_prefix("pourquoi pas ").unwrap_or(&text);
        if payload.len() >= 4 && plain.contains(payload) {
            echoed += 1;
        }
        check_html(&render::html::html(&blocks), payload);
        for m in discord::messages(&blocks, &asker) {
            check_discord(&m.content, payload);
            for e in &m.embeds {
                check_discord(&e.description, payload);
                for f in &e.fields {
                    check_discord(&f.name, payload);
                    check_discord(&f.value, payload);
                }
            }
        }
        // A replayed event is never answered twice.
        if i % 1000 == 0 {
            assert!(bot.handle(&msg).unwrap().is_empty(), "event {i} answered twice");
        }
    }
    assert!(too_long > 0 && echoed > 0, "the generator must exercise long messages ({too_long}) and echoes ({echoed})");
    eprintln!(
        "hostile input: {total} messages, {too_long} over the size limit, {echoed} quoting typed text; all answered and escaped"
    );
}
