//! See `aiguilleur::fuzzing::transcript`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aiguilleur::fuzzing::transcript(data));
