//! See `aiguilleur::fuzzing::answers`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    aiguilleur::fuzzing::answers(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("root"), data);
});
