//! The bodies of the fuzz targets (`fuzz/`), shared with the test that replays their corpus and
//! every crash they found (`tests/it/fuzz_corpus.rs`). Each must return normally on any input.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::content::{self, Content};
use crate::dialogue::{self, Session};

/// Any text as the main dialogue file: the loader reports diagnostics, never panics.
pub fn dialogue_toml(root: &Path, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = content::load_with(root, &[("dialogues/orientation.toml", text)]);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
}

/// Any text as a catalogue file (dispositifs, acteurs, glossary) and as a Fluent file.
pub fn data_toml(root: &Path, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for file in ["data/dispositifs/fuzz.toml", "data/acteurs/fuzz.toml", "data/glossaire.toml", "locales/fr/fuzz.ftl"] {
        let loaded = content::load_with(root, &[(file, text)]);
        for d in &loaded.diagnostics {
            let _ = d.to_string();
        }
    }
}

/// Any text as a golden transcript.
pub fn transcript(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crate::transcript::parse(Path::new("fuzz.txt"), text);
}

/// Answers that bring a session to each question in turn.
const PATH: &[&str] = &["bonjour", "Genêts", "oui", "aucun", "centre-bourg", "idee", "conseil"];

/// Any text as an answer at every question of the dialogue: a reply, and every renderer copes.
///
/// # Panics
/// When the content under `root` does not validate, or when a turn gives no reply (the bug the
/// target looks for).
pub fn answers(root: &Path, data: &[u8]) {
    static C: OnceLock<Arc<Content>> = OnceLock::new();
    let c = C.get_or_init(|| Arc::new(content::load(root).content.expect("fuzz content validates")));
    let text = String::from_utf8_lossy(data);
    let folded = crate::text::fold(&text);
    let _ = dialogue::parse::number(&c.vocab, &folded);
    let _ = dialogue::parse::yes_no(&c.vocab, &folded);
    let _ = dialogue::followup::read(c, &folded);
    let _ = c.communes.lookup(&text);
    let _ = c.search.search(&text);
    let mut s = Session::new("orientation", "fr", &c.version, 0);
    for (i, step) in PATH.iter().enumerate() {
        let mut probe = s.clone();
        let now = i64::try_from(i).unwrap_or(0);
        let replies = dialogue::step(c, &mut probe, &text, now);
        assert!(!replies.is_empty(), "no reply at step {i}");
        let blocks = crate::render::blocks(c, "fr", &replies);
        let _ = crate::render::plain::plain(&blocks);
        let _ = crate::render::html::html(&blocks);
        dialogue::step(c, &mut s, step, now);
    }
}
