//! Content: the dialogues, the Fluent messages and the catalogue, loaded and validated as a whole.
//!
//! [`load_from`] reads `dialogues/`, `locales/` and `data/` from a [`Source`] (the disk when the
//! program runs: `aiguilleur::content::load`), parses each file into raw
//! types that keep spans, then validates everything together and returns one immutable
//! [`Content`] with every diagnostic found (never only the first). Content with errors is refused:
//! a running bot keeps its previous content.

pub mod diag;
mod load;
mod raw;
pub mod source;

pub use source::Source;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use diag::{Diagnostic, Severity, SourceFile};

use crate::catalogue::freshness::{Dates, Day, Staleness};
use crate::catalogue::search::SearchIndex;
use crate::catalogue::{Catalogue, Communes};
use crate::dialogue::Dialogue;
use crate::i18n::Locales;

/// The main dialogue, run for a new conversation.
pub const MAIN_DIALOGUE: &str = "orientation";

/// Everything the bot knows, validated. Shared behind an `Arc`; replaced whole on reload.
#[derive(Debug)]
pub struct Content {
    pub root: PathBuf,
    /// The words the bot recognises (`dialogues/vocabulaire.toml`).
    pub vocab: crate::dialogue::vocab::Vocabulaire,
    /// How sure the quick-question search must be (see `dialogue::followup`).
    pub thresholds: crate::dialogue::followup::Thresholds,
    /// Changes whenever any content file changes (a hash of all of them).
    pub version: String,
    pub dialogues: HashMap<String, Dialogue>,
    pub catalogue: Catalogue,
    pub communes: Communes,
    pub locales: Locales,
    pub search: SearchIndex,
    /// Fiches with no way to reach anyone: (file, line, actor name).
    pub a_completer: Vec<(PathBuf, usize, String)>,
}

impl Content {
    /// The dialogue a new conversation runs.
    ///
    /// # Panics
    /// Never on validated content: [`load`] refuses content without it.
    #[must_use]
    pub fn main_dialogue(&self) -> &Dialogue {
        &self.dialogues[MAIN_DIALOGUE]
    }
}

/// The result of loading: content when there was no error, and every diagnostic.
pub struct Loaded {
    pub content: Option<Content>,
    pub diagnostics: Vec<Diagnostic>,
    /// Fiches to complete, listed even when the content has errors.
    pub a_completer: Vec<(PathBuf, usize, String)>,
    /// Every dated record (dispositifs, acteurs, statuts, groups of the programme table).
    pub dated: Vec<DatedRecord>,
    /// Months after which information is to be confirmed (`data/fraicheur.toml`).
    pub max_age_months: u32,
}

/// A record with its dates and where it is written.
#[derive(Debug, Clone)]
pub struct DatedRecord {
    pub path: PathBuf,
    pub line: usize,
    /// `dispositif`, `acteur`, `statut` or `programme` (rows of `data/statuts-communes.csv`).
    pub kind: &'static str,
    pub nom: String,
    pub dates: Dates,
}

impl Loaded {
    #[must_use]
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    #[must_use]
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// The records to check again on `today`, each with its reasons (expired, never verified,
    /// older than the allowed age, undated), in file order.
    #[must_use]
    pub fn to_recheck(&self, today: Day) -> Vec<(&DatedRecord, Vec<Staleness>)> {
        let mut out: Vec<(&DatedRecord, Vec<Staleness>)> = self
            .dated
            .iter()
            .map(|r| (r, r.dates.staleness(today, self.max_age_months)))
            .filter(|(_, why)| !why.is_empty())
            .collect();
        out.sort_by(|a, b| (&a.0.path, a.0.line).cmp(&(&b.0.path, b.0.line)));
        out
    }
}

/// Loads and validates the content a [`Source`] holds; `root` only names it (for messages and
/// [`Content::root`]). Does no I/O of its own: the source does.
#[must_use]
pub fn load_from(root: &Path, source: &dyn Source) -> Loaded {
    load::Loader::new(root, source).run()
}

/// The shipped content, for the core's own tests: read from the project's folder.
#[cfg(test)]
pub(crate) fn shipped() -> Loaded {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = source::Memory::new();
    for dir in ["dialogues", "locales", "data"] {
        add_files(&mut files, &root, dir);
    }
    load_from(&root, &files)
}

#[cfg(test)]
fn add_files(files: &mut source::Memory, root: &Path, rel: &str) {
    for e in std::fs::read_dir(root.join(rel)).expect("shipped content") {
        let e = e.expect("shipped content");
        let name = format!("{rel}/{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            add_files(files, root, &name);
        } else {
            files.insert(&name, std::fs::read(e.path()).expect("shipped content"));
        }
    }
}
