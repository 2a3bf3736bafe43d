//! Shared helpers: the shipped content, loaded once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aiguilleur::content::{self, Content};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn content() -> Arc<Content> {
    static C: OnceLock<Arc<Content>> = OnceLock::new();
    Arc::clone(C.get_or_init(|| {
        let loaded = content::load(&root());
        let errors: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        assert!(errors.is_empty(), "shipped content has errors:\n{}", errors.join(""));
        Arc::new(loaded.content.expect("content without errors"))
    }))
}

/// Copies the shipped content to a temporary root and overlays `overlay` (a directory mirroring
/// dialogues/, locales/, data/).
pub fn content_with(overlay: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["dialogues", "locales", "data"] {
        copy_dir(&root().join(sub), &dir.path().join(sub));
    }
    copy_dir(overlay, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A small deterministic generator (xorshift): the same campaign on every run, no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }
}
