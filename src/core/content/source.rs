//! Where content files come from. The loader reads through [`Source`] only: the disk when the
//! program runs (`aiguilleur::disk::Disk`, outside the core), memory in tests, fuzzing and previews of
//! an edit. The content module itself opens no file.

use std::collections::BTreeMap;
use std::io;

/// Files by path relative to the content root (`data/themes.toml`), with `/` as separator.
pub trait Source {
    /// The bytes of a file.
    ///
    /// # Errors
    /// When the file cannot be read (missing, unreadable).
    fn read(&self, rel: &str) -> io::Result<Vec<u8>>;

    /// The entries of a folder: names, and whether each is a folder.
    ///
    /// # Errors
    /// When the folder cannot be read (missing, unreadable).
    fn entries(&self, dir: &str) -> io::Result<Vec<(String, bool)>>;

    /// Whether a folder exists.
    fn is_dir(&self, dir: &str) -> bool {
        self.entries(dir).is_ok()
    }
}

/// Files held in memory.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    files: BTreeMap<String, Vec<u8>>,
}

impl Memory {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, rel: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(rel.trim_start_matches('/').to_owned(), bytes.into());
    }
}

impl Source for Memory {
    fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        self.files.get(rel).cloned().ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }

    fn entries(&self, dir: &str) -> io::Result<Vec<(String, bool)>> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let mut out: Vec<(String, bool)> = vec![];
        for path in self.files.keys().filter_map(|p| p.strip_prefix(&prefix)) {
            let (name, folder) = match path.split_once('/') {
                Some((first, _)) => (first, true),
                None => (path, false),
            };
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_owned(), folder));
            }
        }
        if out.is_empty() {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        Ok(out)
    }
}

/// Some files given as text over another source (an agent's edit before it is saved, a fuzzed
/// file): the given ones win, the others come from below.
pub struct Overlay<'a> {
    pub base: &'a dyn Source,
    pub files: &'a [(String, String)],
}

impl Source for Overlay<'_> {
    fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        match self.files.iter().find(|(p, _)| p == rel) {
            Some((_, text)) => Ok(text.clone().into_bytes()),
            None => self.base.read(rel),
        }
    }

    fn entries(&self, dir: &str) -> io::Result<Vec<(String, bool)>> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let mut out = self.base.entries(dir).unwrap_or_default();
        let mut given = false;
        for path in self.files.iter().filter_map(|(p, _)| p.strip_prefix(&prefix)) {
            given = true;
            let (name, folder) = match path.split_once('/') {
                Some((first, _)) => (first, true),
                None => (path, false),
            };
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_owned(), folder));
            }
        }
        if out.is_empty() && !given {
            return self.base.entries(dir);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_lists_files_and_folders() {
        let mut m = Memory::new();
        m.insert("data/themes.toml", "x");
        m.insert("data/acteurs/a.toml", "y");
        let mut e = m.entries("data").unwrap();
        e.sort();
        assert_eq!(e, vec![("acteurs".to_owned(), true), ("themes.toml".to_owned(), false)]);
        assert!(m.read("data/nope").is_err());
        assert!(!m.is_dir("locales"));
        let files = [("data/new.toml".to_owned(), "z".to_owned())];
        let o = Overlay { base: &m, files: &files };
        assert_eq!(o.read("data/new.toml").unwrap(), b"z");
        assert_eq!(o.entries("data").unwrap().len(), 3);
    }
}
