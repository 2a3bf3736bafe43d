//! See `aiguilleur::fuzzing::data_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aiguilleur::fuzzing::data_toml(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("root"), data);
});
