//! Any text as a golden transcript: parsed or refused with a line number, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = aiguilleur::transcript::parse(std::path::Path::new("fuzz.txt"), text);
});
