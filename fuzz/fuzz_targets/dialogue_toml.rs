//! Any text as the main dialogue file: the loader reports diagnostics, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("root");
    let loaded = aiguilleur::content::load_with(&root, &[("dialogues/orientation.toml", text)]);
    for d in &loaded.diagnostics {
        let _ = d.to_string();
    }
});
