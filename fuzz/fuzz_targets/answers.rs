//! Any text as an answer, at every question of the dialogue: a reply, no panic, and the
//! renderers escape it.
#![no_main]

use std::sync::{Arc, OnceLock};

use aiguilleur::content::Content;
use aiguilleur::dialogue::{self, Session};
use libfuzzer_sys::fuzz_target;

fn content() -> &'static Arc<Content> {
    static C: OnceLock<Arc<Content>> = OnceLock::new();
    C.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("root");
        Arc::new(aiguilleur::content::load(&root).content.expect("fuzz content validates"))
    })
}

/// Answers that bring a session to each question in turn.
const PATH: &[&str] = &["bonjour", "Genêts", "oui", "aucun", "centre-bourg", "idee", "conseil"];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let c = content();
    let folded = aiguilleur::text::fold(&text);
    let _ = dialogue::parse::number(&folded);
    let _ = dialogue::parse::yes_no(&folded);
    let _ = c.communes.lookup(&text);
    let _ = c.search.search(&text);
    let mut s = Session::new("orientation", "fr", &c.version, 0);
    for (i, step) in PATH.iter().enumerate() {
        let mut probe = s.clone();
        let replies = dialogue::step(c, &mut probe, &text, i as i64);
        assert!(!replies.is_empty(), "no reply at step {i}");
        let _ = aiguilleur::render::plain::plain(&aiguilleur::render::blocks(c, "fr", &replies));
        dialogue::step(c, &mut s, step, i as i64);
    }
});
