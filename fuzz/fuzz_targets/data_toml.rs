//! Any text as a catalogue file (dispositifs, then acteurs, then the glossary): diagnostics, no
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("root");
    for file in ["data/dispositifs/fuzz.toml", "data/acteurs/fuzz.toml", "data/glossaire.toml", "locales/fr/fuzz.ftl"] {
        let loaded = aiguilleur::content::load_with(&root, &[(file, text)]);
        for d in &loaded.diagnostics {
            let _ = d.to_string();
        }
    }
});
