//! Content files on disk: the one [`Source`] that does I/O, kept out of the core.

use std::io;
use std::path::{Path, PathBuf};

use aiguilleur_core::content::source::Source;

/// The content folder on disk (holding `dialogues/`, `locales/`, `data/`).
#[derive(Debug, Clone)]
pub struct Disk {
    root: PathBuf,
}

impl Disk {
    #[must_use]
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf() }
    }
}

impl Source for Disk {
    fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.root.join(rel))
    }

    fn entries(&self, dir: &str) -> io::Result<Vec<(String, bool)>> {
        let mut out = vec![];
        for e in std::fs::read_dir(self.root.join(dir))? {
            let e = e?;
            out.push((e.file_name().to_string_lossy().into_owned(), e.path().is_dir()));
        }
        Ok(out)
    }
}

/// The content directory to use when none is given: the shipped content of an installed binary
/// (`/usr/bin/aiguilleur` reads `/usr/share/aiguilleur`), else the project holding the binary (when
/// run with `cargo run`), else the current directory.
#[must_use]
pub fn default_root() -> PathBuf {
    let installed = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.parent()?.join("share/aiguilleur")));
    if let Some(shared) = installed.filter(|d| d.join("dialogues").is_dir()) {
        return shared;
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR"));
    if built.join("dialogues").is_dir() {
        return built.to_path_buf();
    }
    PathBuf::from(".")
}
