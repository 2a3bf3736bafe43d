//! Replays the fuzzers' corpus and every crash they found (fuzz/corpus/<target>/,
//! fuzz/regressions/<target>/) through the same code as the fuzz targets.

use std::path::{Path, PathBuf};

use aiguilleur::fuzzing;

fn inputs(target: &str) -> Vec<PathBuf> {
    let root = crate::support::root().join("fuzz");
    let mut out = vec![];
    for dir in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) {
            out.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    out.sort();
    out
}

fn replay(target: &str, run: impl Fn(&Path, &[u8])) -> usize {
    let root = crate::support::root().join("fuzz/root");
    let files = inputs(target);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        run(&root, &data);
    }
    files.len()
}

#[test]
fn fuzz_corpus_and_regressions_replay_without_panic() {
    let n = replay("answers", fuzzing::answers)
        + replay("transcript", |_, d| fuzzing::transcript(d))
        + replay("dialogue_toml", fuzzing::dialogue_toml)
        + replay("data_toml", fuzzing::data_toml);
    assert!(n > 0, "no fuzz corpus committed under fuzz/corpus/");
}
