//! Reading and validating the content files. Every problem becomes a [`Diagnostic`]; loading goes
//! on after a problem so that one run of `check` lists them all.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::DatedRecord;
use super::diag::{Diagnostic, SourceFile, did_you_mean};
use super::raw::{self, S};
use super::source::Source;
use super::{Content, Loaded, MAIN_DIALOGUE};
use crate::catalogue::Communes;
use crate::catalogue::communes::{Commune, StatutCommune};
use crate::catalogue::freshness::{DEFAULT_MAX_AGE_MONTHS, Day};
use crate::catalogue::model::{self as m, Acteur, Catalogue, Conditions, Dates, Dispositif, Sigle, Site, Statut, Term};
use crate::catalogue::search::SearchIndex;
use crate::dialogue::model::{Action, AnswerKind, Choice, Condition, Dialogue, Label, Next, Node, Propose};
use crate::dialogue::vocab::{Groupe, Vocabulaire};
use crate::i18n::{CODE_MESSAGES, Locales, REFERENCE};
use crate::text::fold;

mod catalogue;
mod checks;
mod communes;
mod dates;
mod dialogues;
mod files;
mod french;
mod listes;
mod locales;
mod loops;
mod meaning;
mod needs;
mod roles;
mod vocab;

pub use vocab::VOCABULAIRE;

use checks::{check_phone, is_email};
use dialogues::fold_labels;
use french::{fluent_error_at, io_fr, toml_error_fr};
use locales::find_key;

pub struct Loader<'s> {
    /// Where the content comes from (shown in `Content::root`).
    root: PathBuf,
    /// The files, read only through this source.
    source: &'s dyn Source,
    files: Vec<SourceFile>,
    diags: Vec<Diagnostic>,
    hasher: std::collections::hash_map::DefaultHasher,
    /// Where each node of each dialogue is written: (dialogue, node) → (file, span).
    node_spans: HashMap<(String, String), (usize, Range<usize>)>,
    /// Records with their dates and where they are written, for the list of records to re-check.
    dated: Vec<DatedRecord>,
    /// Files that could not be read or parsed (see `incomplete`).
    failed: BTreeSet<String>,
    /// References to ids, checked once every use is known (see `resolve_references`).
    references: Vec<checks::Reference>,
    /// Dispositifs whose `beneficiaires` leave out communes: (file, span, id, list).
    restricted: Vec<(usize, Range<usize>, String, Vec<String>)>,
    /// Names cited where their definition is misspelled (reported once, at the definition): not
    /// reported again where other files cite them.
    misspelled: HashSet<String>,
}

/// Where an id was defined: file index and span, for "duplicate" and "unknown" diagnostics.
type Defs = HashMap<String, (usize, Range<usize>)>;

/// Fluent ids used by dialogue files, with where they are used.
type Uses = Vec<(String, usize, Range<usize>)>;

impl<'s> Loader<'s> {
    pub fn new(root: &Path, source: &'s dyn Source) -> Self {
        Self {
            root: root.to_path_buf(),
            source,
            files: vec![],
            diags: vec![],
            hasher: std::collections::hash_map::DefaultHasher::new(),
            node_spans: HashMap::new(),
            dated: vec![],
            failed: BTreeSet::new(),
            references: vec![],
            restricted: vec![],
            misspelled: HashSet::new(),
        }
    }

    pub fn run(mut self) -> Loaded {
        let vocab = self.vocabulaire();
        let mut cat = Catalogue::default();
        let themes = self.terms::<raw::ThemesFile>("data/themes.toml", |f| f.themes, "thème", &mut cat.themes);
        let etapes = self.terms::<raw::EtapesFile>("data/etapes.toml", |f| f.etapes, "étape", &mut cat.etapes);
        let statuts = self.statuts(&mut cat.statuts);
        self.besoins(&mut cat.besoins);
        self.hors_champ(&mut cat.hors_champ);
        let acteur_raws = self.many::<raw::ActeursFile, _>("data/acteurs", |f| f.acteurs);
        let dispositif_raws = self.many::<raw::DispositifsFile, _>("data/dispositifs", |f| f.dispositifs);
        let acteurs = self.acteurs(acteur_raws, &mut cat.acteurs);
        let dispositifs = self.dispositifs(dispositif_raws, &themes, &etapes, &statuts, &acteurs, &mut cat.dispositifs);
        for (what, defs, file) in [
            ("thème", &themes, "data/themes.toml"),
            ("étape", &etapes, "data/etapes.toml"),
            ("statut", &statuts, "data/statuts.toml"),
            ("acteur", &acteurs, "data/acteurs/"),
        ] {
            self.resolve_references(what, defs, file);
        }
        self.glossaire(&dispositifs, &acteurs, &mut cat.glossaire);
        cat.listes = self.listes(&[&dispositifs, &acteurs]);
        cat.max_age_months = self.fraicheur();
        cat.index();
        let communes = self.communes(&statuts, &cat.statuts, &vocab);
        let (mut dialogues, uses) = self.dialogues(&cat, &vocab);
        self.porteur_asked(&dialogues);
        let locales = self.locales(&uses);
        fold_labels(&mut dialogues, &locales);

        let a_completer: Vec<(PathBuf, usize, String)> = cat
            .acteurs
            .iter()
            .filter(|a| a.is_incomplete())
            .map(|a| {
                let (f, span) = &acteurs[&a.id];
                let (line, _) = self.files[*f].position(span.start);
                (self.files[*f].path.clone(), line, a.nom.clone())
            })
            .collect();

        self.typography();
        let has_errors = self.diags.iter().any(Diagnostic::is_error);
        let mut content = (!has_errors).then(|| {
            let search = SearchIndex::build(&cat, &vocab);
            Content {
                vocab,
                thresholds: crate::dialogue::followup::Thresholds::default(),
                root: self.root.clone(),
                version: format!("{:016x}", self.hasher.finish()),
                dialogues,
                catalogue: cat,
                communes,
                locales,
                search,
                a_completer: a_completer.clone(),
            }
        });
        // A dialogue that traps people is refused like a broken one.
        if let Some(c) = &content
            && self.dead_ends(c)
        {
            content = None;
        }
        self.diags.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        let max_age_months = content.as_ref().map_or(DEFAULT_MAX_AGE_MONTHS, |c| c.catalogue.max_age_months);
        Loaded { content, diagnostics: self.diags, a_completer, dated: self.dated, max_age_months }
    }

    /// Runs the dead-end walk; each problem becomes an error at the node. True if any.
    fn dead_ends(&mut self, c: &Content) -> bool {
        use crate::dialogue::walk::{DeadEndKind, walk};
        let found = walk(c);
        for d in &found {
            let Some((f, span)) = self.node_spans.get(&(d.dialogue.clone(), d.node.clone())).cloned() else {
                continue;
            };
            let said = if d.answer.is_empty() { "un message vide".to_owned() } else { format!("« {} »", d.answer) };
            let msg = match d.kind {
                DeadEndKind::Loop => format!(
                    "impasse : à la question « {} », répondre {said} plusieurs fois de suite ne permet jamais d'avancer",
                    d.node
                ),
                DeadEndKind::NeverEnds => format!(
                    "impasse : en répondant {said} à chaque question, le dialogue « {} » ne se termine jamais (bloqué à « {} »)",
                    d.dialogue, d.node
                ),
                DeadEndKind::ListAnnounced => format!(
                    "la question « {} » annonce une liste (son texte finit par « : ») mais n'en montre aucune",
                    d.node
                ),
            };
            self.err(f, "D030", span, msg).help = Some(
                "chaque question doit accepter « je ne sais pas » et laisser passer après des réponses incomprises : voir dialogues/LISEZMOI.md, « Pas d'impasse »"
                    .into(),
            );
        }
        !found.is_empty()
    }
}
