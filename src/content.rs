//! The content: validated by the core ([`aiguilleur_core::content`], re-exported here whole),
//! read from disk by the two functions below, the only ones that open its files.

pub use aiguilleur_core::content::*;

use std::path::Path;

use crate::disk::Disk;

/// Loads and validates the content folder `root` on disk.
#[must_use]
pub fn load(root: &Path) -> Loaded {
    load_from(root, &Disk::new(root))
}

/// Like [`load`], with some files' text given in memory (relative path, text) instead of read
/// from disk: for fuzzing the parsers and for previews of an edit.
#[must_use]
pub fn load_with(root: &Path, overrides: &[(&str, &str)]) -> Loaded {
    let files: Vec<(String, String)> = overrides.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    let disk = Disk::new(root);
    load_from(root, &source::Overlay { base: &disk, files: &files })
}
