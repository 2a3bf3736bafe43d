//! Content: the dialogues, the Fluent messages and the catalogue, loaded and validated as a whole.
//!
//! [`load`] reads `dialogues/`, `locales/` and `data/` under a root, parses each file into raw
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

/// Loads and validates the content folder `root` on disk.
#[must_use]
pub fn load(root: &Path) -> Loaded {
    load_from(root, &crate::disk::Disk::new(root))
}

/// Like [`load`], with some files' text given in memory (relative path, text) instead of read
/// from disk: for fuzzing the parsers and for previews of an edit.
#[must_use]
pub fn load_with(root: &Path, overrides: &[(&str, &str)]) -> Loaded {
    let files: Vec<(String, String)> = overrides.iter().map(|(p, t)| ((*p).to_owned(), (*t).to_owned())).collect();
    let disk = crate::disk::Disk::new(root);
    load_from(root, &source::Overlay { base: &disk, files: &files })
}
