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

mod listes;
mod loops;
mod needs;
mod roles;
mod vocab;

pub use vocab::VOCABULAIRE;

pub struct Loader {
    root: PathBuf,
    /// Texts that replace (or add) files, by relative path.
    pub overrides: Vec<(String, String)>,
    files: Vec<SourceFile>,
    diags: Vec<Diagnostic>,
    hasher: std::collections::hash_map::DefaultHasher,
    /// Where each node of each dialogue is written: (dialogue, node) → (file, span).
    node_spans: HashMap<(String, String), (usize, Range<usize>)>,
    /// Records with their dates and where they are written, for the list of records to re-check.
    dated: Vec<DatedRecord>,
}

/// Where an id was defined: file index and span, for "duplicate" and "unknown" diagnostics.
type Defs = HashMap<String, (usize, Range<usize>)>;

/// Fluent ids used by dialogue files, with where they are used.
type Uses = Vec<(String, usize, Range<usize>)>;

impl Loader {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            overrides: vec![],
            files: vec![],
            diags: vec![],
            hasher: std::collections::hash_map::DefaultHasher::new(),
            node_spans: HashMap::new(),
            dated: vec![],
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
        self.glossaire(&dispositifs, &acteurs, &mut cat.glossaire);
        cat.listes = self.listes(&[&dispositifs, &acteurs]);
        cat.max_age_months = self.fraicheur();
        cat.index();
        let communes = self.communes(&statuts, &cat.statuts);
        let (mut dialogues, uses) = self.dialogues(&cat, &vocab);
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

    // ---- files ----

    fn read(&mut self, rel: &str) -> Option<usize> {
        let path = self.root.join(rel);
        let given = self.overrides.iter().find(|(p, _)| p == rel).map(|(_, t)| t.clone().into_bytes());
        match given.map_or_else(|| std::fs::read(&path), Ok) {
            Ok(bytes) => {
                bytes.hash(&mut self.hasher);
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                        let f = SourceFile::new(rel, text);
                        self.diags.push(f.error(
                            "T004",
                            at..at + 1,
                            "ce fichier n'est pas en UTF-8 : enregistrez-le en UTF-8",
                        ));
                        return None;
                    }
                };
                self.files.push(SourceFile::new(rel, text));
                Some(self.files.len() - 1)
            }
            Err(e) => {
                self.diags.push(Diagnostic {
                    severity: super::Severity::Error,
                    code: "T000",
                    path: PathBuf::from(rel),
                    line: 1,
                    col: 1,
                    message: format!("fichier illisible : {}", io_fr(&e)),
                    excerpt: None,
                    help: None,
                });
                None
            }
        }
    }

    /// Relative paths of the files with extension `ext` in `dir`, sorted.
    fn list(&mut self, dir: &str, ext: &str) -> Vec<String> {
        let mut out = vec![];
        match std::fs::read_dir(self.root.join(dir)) {
            Ok(entries) => {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(ext) && !name.starts_with('.') {
                        out.push(format!("{dir}/{name}"));
                    }
                }
            }
            Err(e) => self.diags.push(Diagnostic {
                severity: super::Severity::Error,
                code: "T000",
                path: PathBuf::from(dir),
                line: 1,
                col: 1,
                message: format!("dossier illisible : {}", io_fr(&e)),
                excerpt: None,
                help: None,
            }),
        }
        for (p, _) in &self.overrides {
            if p.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/') && rest.ends_with(ext)) && !out.contains(p)
            {
                out.push(p.clone());
            }
        }
        out.sort();
        out
    }

    fn parse<T: DeserializeOwned>(&mut self, rel: &str) -> Option<(T, usize)> {
        let f = self.read(rel)?;
        match toml::from_str::<T>(&self.files[f].text) {
            Ok(v) => Some((v, f)),
            Err(e) => {
                let span = e.span().unwrap_or(0..1);
                let (code, message, help) = toml_error_fr(e.message());
                let d = self.files[f].error(code, span, message).with_help(help);
                self.diags.push(d);
                None
            }
        }
    }

    fn many<T: DeserializeOwned, R>(&mut self, dir: &str, get: impl Fn(T) -> Vec<R>) -> Vec<(R, usize)> {
        let mut out = vec![];
        for rel in self.list(dir, ".toml") {
            if let Some((file, f)) = self.parse::<T>(&rel) {
                out.extend(get(file).into_iter().map(|r| (r, f)));
            }
        }
        out
    }

    fn err(&mut self, f: usize, code: &'static str, span: Range<usize>, msg: impl Into<String>) -> &mut Diagnostic {
        let d = self.files[f].error(code, span, msg);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn warn(&mut self, f: usize, code: &'static str, span: Range<usize>, msg: impl Into<String>) -> &mut Diagnostic {
        let d = self.files[f].warning(code, span, msg);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    /// Records a definition; a second one with the same id is an error.
    fn define(&mut self, defs: &mut Defs, what: &str, id: &S, f: usize) -> bool {
        let name = id.get_ref().clone();
        if name.trim().is_empty() {
            self.err(f, "C012", id.span(), format!("identifiant de {what} vide"));
            return false;
        }
        if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
            self.err(
                f,
                "C016",
                id.span(),
                format!(
                    "identifiant « {name} » invalide : lettres minuscules sans accent, chiffres et tirets seulement"
                ),
            );
        }
        if let Some((pf, pspan)) = defs.get(&name).cloned() {
            let (line, _) = self.files[pf].position(pspan.start);
            let first = format!("première définition : {}:{line}", self.files[pf].path.display());
            self.err(f, "C001", id.span(), format!("{what} « {name} » défini deux fois")).help = Some(first);
            return false;
        }
        defs.insert(name, (f, id.span()));
        true
    }

    /// An id that must be one of `defs`.
    fn reference(&mut self, defs: &Defs, what: &str, code: &'static str, r: &S, f: usize) -> bool {
        if defs.contains_key(r.get_ref()) {
            return true;
        }
        let help = did_you_mean(r.get_ref(), defs.keys().map(String::as_str));
        self.err(f, code, r.span(), format!("{what} inconnu « {} »", r.get_ref())).help = help;
        false
    }

    fn one_of(&mut self, allowed: &[&str], what: &str, r: &S, f: usize) -> bool {
        if allowed.contains(&r.get_ref().as_str()) {
            return true;
        }
        let help = did_you_mean(r.get_ref(), allowed.iter().copied())
            .or_else(|| Some(format!("valeurs possibles : {}", allowed.join(", "))));
        self.err(f, "C006", r.span(), format!("{what} inconnu « {} »", r.get_ref())).help = help;
        false
    }

    fn source_of(&mut self, what: &str, source: Option<&S>, f: usize, span: Range<usize>) -> String {
        match source {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
            Some(s) => {
                self.err(
                    f,
                    "C009",
                    s.span(),
                    format!("{what} : champ « source » vide ; indiquez d'où viennent ces informations"),
                );
                String::new()
            }
            None => {
                self.err(
                    f,
                    "C009",
                    span.start..span.start + 1,
                    format!("{what} sans « source » : indiquez d'où viennent ces informations"),
                );
                String::new()
            }
        }
    }

    fn date(&mut self, d: Option<&S>, f: usize) -> Option<String> {
        let d = d?;
        let s = d.get_ref();
        if Day::parse(s).is_none() {
            self.err(
                f,
                "C014",
                d.span(),
                format!("date « {s} » invalide : écrivez AAAA-MM-JJ, par exemple 2024-03-12"),
            );
        }
        Some(s.clone())
    }

    // ---- catalogue ----

    fn terms<T: DeserializeOwned>(
        &mut self,
        rel: &str,
        get: impl Fn(T) -> Vec<Spanned<raw::RawTerm>>,
        what: &str,
        out: &mut Vec<Term>,
    ) -> Defs {
        let mut defs = Defs::new();
        let Some((file, f)) = self.parse::<T>(rel) else {
            return defs;
        };
        let mut seen_syn: HashMap<String, String> = HashMap::new();
        for t in get(file) {
            let t = t.into_inner();
            if !self.define(&mut defs, what, &t.id, f) {
                continue;
            }
            let mut synonymes = vec![];
            for s in &t.synonymes {
                let key = fold(s.get_ref());
                if let Some(other) = seen_syn.get(&key) {
                    if other != t.id.get_ref() {
                        self.warn(
                            f,
                            "C010",
                            s.span(),
                            format!("synonyme « {} » déjà donné pour « {other} »", s.get_ref()),
                        );
                    }
                } else {
                    seen_syn.insert(key, t.id.get_ref().clone());
                }
                synonymes.push(s.get_ref().clone());
            }
            for flag in [&t.amont, &t.travaux].into_iter().flatten() {
                if what != "étape" {
                    self.err(
                        f,
                        "C023",
                        flag.span(),
                        "« amont » et « travaux » ne valent que pour les étapes (data/etapes.toml)",
                    );
                }
            }
            out.push(Term {
                id: t.id.into_inner(),
                nom: t.nom.into_inner(),
                synonymes,
                amont: t.amont.is_some_and(|a| *a.get_ref()),
                travaux: t.travaux.is_some_and(|a| *a.get_ref()),
            });
        }
        defs
    }

    fn statuts(&mut self, out: &mut Vec<Statut>) -> Defs {
        let mut defs = Defs::new();
        let Some((file, f)) = self.parse::<raw::StatutsFile>("data/statuts.toml") else {
            return defs;
        };
        for s in file.statuts {
            let span = s.span();
            let s = s.into_inner();
            if !self.define(&mut defs, "statut", &s.id, f) {
                continue;
            }
            let source = self.source_of("statut", s.source.as_ref(), f, span.clone());
            let dates = self.dates(s.source_date.as_ref(), s.verifie_le.as_ref(), s.valable_jusqu_au.as_ref(), f);
            self.record_dates(f, span.start, "statut", s.nom.get_ref(), &dates);
            out.push(Statut {
                id: s.id.into_inner(),
                nom: s.nom.into_inner(),
                explication: s.explication.into_inner(),
                synonymes: s.synonymes.into_iter().map(Spanned::into_inner).collect(),
                source,
                dates,
            });
        }
        defs
    }

    fn acteurs(&mut self, raws: Vec<(Spanned<raw::RawActeur>, usize)>, out: &mut Vec<Acteur>) -> Defs {
        let mut defs = Defs::new();
        for (a, f) in raws {
            let span = a.span();
            let a = a.into_inner();
            if !self.define(&mut defs, "acteur", &a.id, f) {
                continue;
            }
            self.one_of(m::CATEGORIES, "catégorie", &a.categorie, f);
            let mut interventions = vec![];
            if let Some(table) = &a.interventions {
                for (k, v) in table.get_ref() {
                    let Some(text) = v.as_str() else {
                        self.err(
                            f,
                            "T001",
                            table.span(),
                            format!("intervention « {k} » : le texte doit être entre guillemets"),
                        );
                        continue;
                    };
                    if !m::INGENIERIES.contains(&k.as_str()) {
                        let help = did_you_mean(k, m::INGENIERIES.iter().copied());
                        let at = find_key(&self.files[f].text, table.span(), k);
                        self.err(f, "C006", at, format!("type d'ingénierie inconnu « {k} »")).help = help;
                        continue;
                    }
                    interventions.push((k.clone(), text.to_owned()));
                }
            }
            interventions.sort_by_key(|(k, _)| m::INGENIERIES.iter().position(|x| x == k));
            let mut contacts = vec![];
            let mut has_detail = false;
            for site in a.contacts {
                let site = site.into_inner();
                if let Some(t) = site.telephone.as_ref().or(site.fax.as_ref()) {
                    check_phone(self, t, f);
                }
                if let Some(e) = &site.email
                    && !is_email(e.get_ref())
                {
                    self.err(f, "C011", e.span(), format!("adresse électronique « {} » invalide", e.get_ref()));
                }
                let s = Site {
                    libelle: site.libelle.into_inner(),
                    adresse: site.adresse,
                    telephone: site.telephone.map(Spanned::into_inner),
                    fax: site.fax.map(Spanned::into_inner),
                    email: site.email.map(Spanned::into_inner),
                    web: site.web.map(Spanned::into_inner),
                };
                has_detail |= s.is_reachable();
                contacts.push(s);
            }
            let source = match (&a.source, has_detail) {
                (Some(s), _) if !s.get_ref().trim().is_empty() => s.get_ref().clone(),
                (_, true) => {
                    self.err(
                        f,
                        "C008",
                        a.id.span(),
                        format!(
                            "acteur « {} » : coordonnées sans « source » ; aucune coordonnée sans source publique",
                            a.id.get_ref()
                        ),
                    );
                    String::new()
                }
                _ => self.source_of("acteur", a.source.as_ref(), f, span.clone()),
            };
            let dates = self.dates(a.source_date.as_ref(), a.verifie_le.as_ref(), a.valable_jusqu_au.as_ref(), f);
            self.record_dates(f, span.start, "acteur", a.nom.get_ref(), &dates);
            for code in &a.departements {
                self.departement_code(code, f);
            }
            out.push(Acteur {
                id: a.id.into_inner(),
                nom: a.nom.into_inner(),
                sigle: a.sigle,
                categorie: a.categorie.into_inner(),
                domaines: a.domaines,
                presentation: a.presentation.into_inner(),
                interventions,
                modalites: a.modalites,
                contacts,
                mots_cles: a.mots_cles,
                source,
                dates,
                departements: a.departements.into_iter().map(Spanned::into_inner).collect(),
            });
        }
        defs
    }

    #[allow(clippy::too_many_arguments)]
    fn dispositifs(
        &mut self,
        raws: Vec<(Spanned<raw::RawDispositif>, usize)>,
        themes: &Defs,
        etapes: &Defs,
        statuts: &Defs,
        acteurs: &Defs,
        out: &mut Vec<Dispositif>,
    ) -> Defs {
        let mut defs = Defs::new();
        for (d, f) in raws {
            let span = d.span();
            let d = d.into_inner();
            if !self.define(&mut defs, "dispositif", &d.id, f) {
                continue;
            }
            self.one_of(m::NATURES, "nature", &d.nature, f);
            for a in d.porteurs.iter().chain(&d.contacts) {
                self.reference(acteurs, "acteur", "C002", a, f);
            }
            if d.contacts.is_empty() {
                self.err(
                    f,
                    "C007",
                    d.id.span(),
                    format!(
                        "dispositif « {} » sans contact : ajoutez contacts = [\"…\"] (un acteur à appeler)",
                        d.id.get_ref()
                    ),
                );
            }
            for t in &d.themes {
                self.reference(themes, "thème", "C003", t, f);
            }
            for e in &d.etapes {
                self.reference(etapes, "étape", "C004", e, f);
            }
            let mut conditions = Conditions::default();
            if let Some(c) = d.conditions {
                let c = c.into_inner();
                for s in c.statuts_requis.iter().chain(&c.statuts_exclus) {
                    self.reference(statuts, "statut", "C005", s, f);
                }
                for b in &c.beneficiaires {
                    self.one_of(m::BENEFICIAIRES, "bénéficiaire", b, f);
                }
                let pop = |l: &mut Self, v: &Option<Spanned<i64>>| {
                    v.as_ref().and_then(|p| match u32::try_from(*p.get_ref()) {
                        Ok(n) => Some(n),
                        Err(_) => {
                            l.err(f, "C015", p.span(), "population impossible : un nombre positif est attendu");
                            None
                        }
                    })
                };
                conditions.population_min = pop(self, &c.population_min);
                conditions.population_max = pop(self, &c.population_max);
                if let (Some(min), Some(max), Some(at)) =
                    (conditions.population_min, conditions.population_max, &c.population_max)
                    && min > max
                {
                    self.err(
                        f,
                        "C015",
                        at.span(),
                        format!("population_max ({max}) plus petite que population_min ({min})"),
                    );
                }
                conditions.statuts_requis = c.statuts_requis.into_iter().map(Spanned::into_inner).collect();
                conditions.statuts_exclus = c.statuts_exclus.into_iter().map(Spanned::into_inner).collect();
                conditions.beneficiaires = c.beneficiaires.into_iter().map(Spanned::into_inner).collect();
                conditions.departements = c.departements.into_iter().map(Spanned::into_inner).collect();
            }
            let source =
                self.source_of(&format!("dispositif « {} »", d.id.get_ref()), d.source.as_ref(), f, span.clone());
            let mut dates = self.dates(d.source_date.as_ref(), d.verifie_le.as_ref(), d.valable_jusqu_au.as_ref(), f);
            dates.appel_annuel = d.appel_annuel;
            self.record_dates(f, span.start, "dispositif", d.nom.get_ref(), &dates);
            out.push(Dispositif {
                id: d.id.into_inner(),
                nom: d.nom.into_inner(),
                resume: d.resume.into_inner(),
                nature: d.nature.into_inner(),
                porteurs: d.porteurs.into_iter().map(Spanned::into_inner).collect(),
                contacts: d.contacts.into_iter().map(Spanned::into_inner).collect(),
                themes: d.themes.into_iter().map(Spanned::into_inner).collect(),
                etapes: d.etapes.into_iter().map(Spanned::into_inner).collect(),
                conditions,
                details: d.details,
                financement: d.financement,
                charge: d.charge,
                saisine: d.saisine,
                regles_anct: d.regles_anct,
                mots_cles: d.mots_cles,
                source,
                dates,
            });
        }
        defs
    }

    fn glossaire(&mut self, dispositifs: &Defs, acteurs: &Defs, out: &mut Vec<Sigle>) {
        let Some((file, f)) = self.parse::<raw::GlossaireFile>("data/glossaire.toml") else {
            return;
        };
        let mut defs = Defs::new();
        for s in file.sigles {
            let span = s.span();
            let s = s.into_inner();
            let key = fold(s.sigle.get_ref());
            if let Some((pf, pspan)) = defs.get(&key).cloned() {
                let (line, _) = self.files[pf].position(pspan.start);
                let first = format!("première définition : {}:{line}", self.files[pf].path.display());
                self.err(f, "C001", s.sigle.span(), format!("sigle « {} » défini deux fois", s.sigle.get_ref())).help =
                    Some(first);
                continue;
            }
            defs.insert(key, (f, s.sigle.span()));
            for v in &s.voir {
                if !dispositifs.contains_key(v.get_ref()) && !acteurs.contains_key(v.get_ref()) {
                    let help = did_you_mean(v.get_ref(), dispositifs.keys().chain(acteurs.keys()).map(String::as_str));
                    self.err(f, "C013", v.span(), format!("« {} » n'est ni un dispositif ni un acteur", v.get_ref()))
                        .help = help;
                }
            }
            let source = self.source_of("sigle", s.source.as_ref(), f, span);
            out.push(Sigle {
                sigle: s.sigle.into_inner(),
                developpe: s.developpe.into_inner(),
                definition: s.definition.into_inner(),
                voir: s.voir.into_iter().map(Spanned::into_inner).collect(),
                source,
            });
        }
    }

    // ---- communes ----

    fn csv_rows(&mut self, rel: &str, header: &[&str]) -> Vec<(Vec<String>, usize, usize)> {
        let Some(f) = self.read(rel) else {
            return vec![];
        };
        let mut rows = vec![];
        let text = self.files[f].text.clone();
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        match reader.headers() {
            Ok(h) if h.iter().eq(header.iter().copied()) => {}
            _ => {
                let span = self.files[f].line_span(1);
                self.err(f, "K001", span, format!("en-tête attendu : {}", header.join(",")));
                return rows;
            }
        }
        for rec in reader.records() {
            match rec {
                Ok(r) => {
                    let line = r.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                    if r.len() != header.len() {
                        let span = self.files[f].line_span(line);
                        self.err(f, "K001", span, format!("{} colonnes attendues, {} trouvées", header.len(), r.len()));
                        continue;
                    }
                    rows.push((r.iter().map(str::to_owned).collect(), f, line));
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| usize::try_from(p.line()).unwrap_or(1));
                    let span = self.files[f].line_span(line);
                    self.err(f, "K001", span, "ligne CSV illisible");
                }
            }
        }
        rows
    }

    /// A CSV file read whole, its header checked, its rows left for later parsing.
    fn csv_text(&mut self, rel: &str, header: &[&str]) -> String {
        let Some(f) = self.read(rel) else { return String::new() };
        let first = self.files[f].text.lines().next().unwrap_or_default().trim_end_matches('\r').to_owned();
        if first != header.join(",") {
            let span = self.files[f].line_span(1);
            self.err(f, "K001", span, format!("en-tête attendu : {}", header.join(",")));
        }
        self.files[f].text.clone()
    }

    fn communes(&mut self, statuts: &Defs, statut_list: &[Statut]) -> Communes {
        let mut manche = vec![];
        for (r, f, line) in self
            .csv_rows("data/communes.csv", &["insee", "nom", "codes_postaux", "population", "epci_siren", "epci_nom"])
        {
            let population = if r[3].is_empty() {
                None
            } else if let Ok(p) = r[3].parse() {
                Some(p)
            } else {
                let span = self.files[f].line_span(line);
                self.err(f, "K001", span, format!("population « {} » : un nombre est attendu", r[3]));
                None
            };
            manche.push(Commune {
                insee: r[0].clone(),
                nom: r[1].clone(),
                codes_postaux: r[2].split_whitespace().map(str::to_owned).collect(),
                population,
                epci_siren: r[4].clone(),
                epci_nom: r[5].clone(),
                statuts: vec![],
            });
        }
        let ailleurs = self.csv_text(
            "data/communes-hors-manche.csv",
            &["insee", "nom", "codes_postaux", "departement", "departement_nom"],
        );
        let anciennes: Vec<(String, String)> = self
            .csv_rows("data/communes-anciennes.csv", &["nom", "insee", "type"])
            .into_iter()
            .map(|(r, _, _)| (r[0].clone(), r[1].clone()))
            .collect();
        self.statuts_communes(statuts, statut_list, &mut manche);
        Communes::new(manche, &ailleurs, &anciennes)
    }

    // ---- dialogues ----

    fn dialogues(&mut self, cat: &Catalogue, vocab: &Vocabulaire) -> (HashMap<String, Dialogue>, Uses) {
        let mut out = HashMap::new();
        let mut uses = Uses::new();
        let mut ids = Defs::new();
        for rel in self.list("dialogues", ".toml") {
            if rel == VOCABULAIRE {
                continue;
            }
            let Some((file, f)) = self.parse::<raw::DialogueFile>(&rel) else {
                continue;
            };
            if !self.define(&mut ids, "dialogue", &file.dialogue.id, f) {
                continue;
            }
            if let Some(d) = self.dialogue(file, f, cat, vocab, &mut uses) {
                out.insert(d.id.clone(), d);
            }
        }
        if !out.contains_key(MAIN_DIALOGUE) && !self.diags.iter().any(|d| d.path.starts_with("dialogues")) {
            self.diags.push(Diagnostic {
                severity: super::Severity::Error,
                code: "D000",
                path: PathBuf::from("dialogues"),
                line: 1,
                col: 1,
                message: format!("aucun dialogue « {MAIN_DIALOGUE} » : c'est le dialogue principal"),
                excerpt: None,
                help: None,
            });
        }
        (out, uses)
    }

    #[allow(clippy::too_many_lines)]
    fn dialogue(
        &mut self,
        file: raw::DialogueFile,
        f: usize,
        cat: &Catalogue,
        vocab: &Vocabulaire,
        uses: &mut Uses,
    ) -> Option<Dialogue> {
        let mut defs = Defs::new();
        let nodes_raw: Vec<(raw::RawNode, Range<usize>)> =
            file.nodes.into_iter().map(|n| (n.get_ref().clone(), n.span())).collect();
        for (n, _) in &nodes_raw {
            self.define(&mut defs, "nœud", &n.id, f);
            self.node_spans.insert((file.dialogue.id.get_ref().clone(), n.id.get_ref().clone()), (f, n.id.span()));
        }
        let index: HashMap<String, usize> =
            nodes_raw.iter().enumerate().map(|(i, (n, _))| (n.id.get_ref().clone(), i)).collect();
        let node_names: Vec<&str> = index.keys().map(String::as_str).collect::<Vec<_>>();
        let mut ok = true;
        let resolve = |l: &mut Self, target: &str, span: Range<usize>| -> Option<usize> {
            if let Some(&i) = index.get(target) {
                return Some(i);
            }
            let help = did_you_mean(target, node_names.iter().copied());
            l.err(f, "D003", span, format!("nœud inconnu « {target} »")).help = help;
            None
        };
        let resolve_quiet = |target: &str| index.get(target).copied();
        let start = resolve(self, file.dialogue.start.get_ref(), file.dialogue.start.span());
        ok &= start.is_some();
        let slots: BTreeSet<String> =
            nodes_raw.iter().filter_map(|(n, _)| n.slot.as_ref().map(|s| s.get_ref().clone())).collect();
        let mut nodes = vec![];
        for (n, span) in &nodes_raw {
            for id in [&n.say, &n.ask, &n.reformule, &n.confirme].into_iter().flatten() {
                uses.push((id.get_ref().clone(), f, id.span()));
            }
            let answer = match &n.answer {
                Some(a) => match AnswerKind::parse(a.get_ref()) {
                    Some(k) => Some(k),
                    None => {
                        let help = did_you_mean(a.get_ref(), AnswerKind::NAMES.iter().copied());
                        self.err(f, "D004", a.span(), format!("type de réponse inconnu « {} »", a.get_ref())).help =
                            help;
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            if n.answer.is_some() && (n.slot.is_none() || n.ask.is_none()) {
                self.err(f, "D005", n.id.span(), format!("le nœud « {} » attend une réponse : il lui faut « ask » (la question) et « slot » (où ranger la réponse)", n.id.get_ref()));
                ok = false;
            }
            if n.answer.is_none() && n.slot.is_some() {
                self.err(
                    f,
                    "D005",
                    n.slot.as_ref().map_or(span.clone(), S::span),
                    "« slot » sans « answer » : précisez le type de réponse attendu",
                );
                ok = false;
            }
            let mut choices = vec![];
            for c in &n.choices {
                let c = c.get_ref();
                uses.push((c.label.get_ref().clone(), f, c.label.span()));
                choices.push(Choice {
                    value: c.value.get_ref().clone(),
                    label: Label::Message(c.label.get_ref().clone()),
                    aussi: c.aussi.iter().map(|s| fold(s)).collect(),
                });
            }
            if let Some(from) = &n.choices_from {
                let owned: Vec<(String, String, Vec<String>)>;
                let terms: Option<Vec<(&String, &String, &Vec<String>)>> = match from.get_ref().as_str() {
                    "themes" => Some(cat.themes.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    "etapes" => Some(cat.etapes.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    "besoins" => Some(cat.besoins.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    // "liste.champ": the distinct values of a text field of a list from data.
                    other => match other.split_once('.') {
                        Some((l, c))
                            if cat.liste(l).is_some_and(|l| l.champs.iter().any(|x| x.id == c && !x.oui_non)) =>
                        {
                            owned = cat
                                .liste(l)
                                .map(|l| l.valeurs_distinctes(c))
                                .unwrap_or_default()
                                .into_iter()
                                .map(|v| (m::slug(&v), v.clone(), vec![v]))
                                .collect();
                            Some(owned.iter().map(|(a, b, c)| (a, b, c)).collect())
                        }
                        _ => None,
                    },
                };
                match terms {
                    Some(terms) => choices.extend(terms.into_iter().map(|(id, nom, syn)| Choice {
                        value: id.clone(),
                        label: Label::Text(nom.clone()),
                        aussi: syn.iter().map(|s| fold(s)).collect(),
                    })),
                    None => {
                        let mut possible: Vec<String> =
                            ["themes", "etapes", "besoins"].iter().map(|s| (*s).to_owned()).collect();
                        for l in &cat.listes {
                            possible
                                .extend(l.champs.iter().filter(|c| !c.oui_non).map(|c| format!("{}.{}", l.id, c.id)));
                        }
                        let help = did_you_mean(from.get_ref(), possible.iter().map(String::as_str));
                        self.err(
                            f,
                            "D009",
                            from.span(),
                            format!(
                                "liste de choix inconnue « {} » (possibles : {})",
                                from.get_ref(),
                                possible.join(", ")
                            ),
                        )
                        .help = help;
                        ok = false;
                    }
                }
            }
            if n.nsp {
                choices.push(Choice {
                    value: "nsp".into(),
                    label: Label::Message("choix-nsp".into()),
                    aussi: vocab.list(Groupe::NeSaisPas).to_vec(),
                });
            }
            if matches!(answer, Some(AnswerKind::Choice | AnswerKind::Multi)) && choices.is_empty() {
                self.err(
                    f,
                    "D006",
                    n.id.span(),
                    format!("le nœud « {} » propose un choix mais n'a pas de « choices »", n.id.get_ref()),
                );
                ok = false;
            }
            let mut seen_values = HashSet::new();
            for c in &n.choices {
                if !seen_values.insert(c.get_ref().value.get_ref().clone()) {
                    self.err(
                        f,
                        "C001",
                        c.get_ref().value.span(),
                        format!("choix « {} » donné deux fois", c.get_ref().value.get_ref()),
                    );
                }
            }
            let propose = n.propose.as_ref().and_then(|p| {
                let v = Propose::parse(p.get_ref());
                if v.is_none() {
                    let help = did_you_mean(p.get_ref(), Propose::NAMES.iter().copied());
                    self.err(f, "D010", p.span(), format!("proposition inconnue « {} »", p.get_ref())).help = help;
                }
                v
            });
            if propose.is_some() && n.confirme.is_none() {
                self.err(
                    f,
                    "D005",
                    n.id.span(),
                    "« propose » demande aussi « confirme » (la question de confirmation)",
                );
                ok = false;
            }
            let action = n.action.as_ref().and_then(|a| {
                let v = Action::parse(a.get_ref());
                if v.is_none() {
                    let help = did_you_mean(a.get_ref(), Action::NAMES.iter().copied());
                    self.err(f, "D010", a.span(), format!("action inconnue « {} »", a.get_ref())).help = help;
                }
                v
            });
            let next = match &n.next {
                None => Next::End,
                Some(next) => match next.get_ref() {
                    raw::RawNext::One(target) => match resolve(self, target, next.span()) {
                        Some(t) => Next::Goto(t),
                        None => {
                            ok = false;
                            Next::End
                        }
                    },
                    raw::RawNext::Branches(branches) => {
                        let mut out = vec![];
                        for b in branches {
                            let b = b.get_ref();
                            let cond = match &b.condition {
                                None => None,
                                Some(c) => match Condition::parse(c.get_ref()) {
                                    Ok(cond) => {
                                        if !slots.contains(&cond.slot) {
                                            let help = did_you_mean(&cond.slot, slots.iter().map(String::as_str));
                                            self.err(
                                                f,
                                                "D011",
                                                c.span(),
                                                format!(
                                                    "la condition lit la case « {} », qu'aucun nœud ne remplit",
                                                    cond.slot
                                                ),
                                            )
                                            .help = help;
                                            ok = false;
                                        }
                                        Some(cond)
                                    }
                                    Err(msg) => {
                                        self.err(f, "D008", c.span(), msg);
                                        ok = false;
                                        None
                                    }
                                },
                            };
                            match resolve(self, b.goto.get_ref(), b.goto.span()) {
                                Some(t) => out.push((cond, t)),
                                None => ok = false,
                            }
                        }
                        Next::Branch(out)
                    }
                },
            };
            let boucle = self.loop_of(n, f, cat, &slots, &resolve_quiet);
            ok &= n.pour_chaque.is_none() || boucle.is_some();
            let resume = self.resume_of(n, f, action, &slots, uses);
            ok &= n.resume.is_none() == resume.is_none() || action != Some(Action::Resume);
            if action == Some(Action::Resume) && resume.is_none() {
                ok = false;
            }
            for e in &n.efface {
                if !slots.contains(e.get_ref()) {
                    let help = did_you_mean(e.get_ref(), slots.iter().map(String::as_str));
                    self.err(
                        f,
                        "D011",
                        e.span(),
                        format!("« efface » nomme la case « {} », qu'aucun nœud ne remplit", e.get_ref()),
                    )
                    .help = help;
                    ok = false;
                }
            }
            nodes.push(Node {
                id: n.id.get_ref().clone(),
                boucle,
                resume,
                efface: n.efface.iter().map(|e| e.get_ref().clone()).collect(),
                nsp_choice: n.nsp
                    || n.choices.iter().any(|c| c.get_ref().value.get_ref() == crate::dialogue::parse::NSP),
                say: n.say.as_ref().map(|s| s.get_ref().clone()),
                ask: n.ask.as_ref().map(|s| s.get_ref().clone()),
                reformule: n.reformule.as_ref().map(|s| s.get_ref().clone()),
                confirme: n.confirme.as_ref().map(|s| s.get_ref().clone()),
                answer,
                slot: n.slot.as_ref().map(|s| s.get_ref().clone()),
                choices,
                propose,
                action,
                next,
                folded_labels: HashMap::new(),
            });
        }
        // A summary sums up a loop node of the same dialogue.
        for (n, (raw, _)) in nodes.iter().zip(&nodes_raw) {
            if let Some(r) = &n.resume
                && !nodes.iter().any(|x| x.id == r.boucle && x.boucle.is_some())
            {
                let span = raw.resume.as_ref().map_or_else(|| raw.id.span(), |x| x.get_ref().boucle.span());
                let loops: Vec<&str> = nodes.iter().filter(|x| x.boucle.is_some()).map(|x| x.id.as_str()).collect();
                let help = did_you_mean(&r.boucle, loops.iter().copied());
                self.err(
                    f,
                    "D044",
                    span,
                    format!("« {} » n'est pas un nœud « pour_chaque » de ce dialogue", r.boucle),
                )
                .help = help;
                ok = false;
            }
        }
        // Unreachable nodes: a warning, the agent may be drafting. Skipped when a reference is
        // already broken: every node after it would be reported too.
        if let (Some(start), true) = (start, ok) {
            let mut seen = vec![false; nodes.len()];
            let mut stack = vec![start];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                match &nodes[i].next {
                    Next::End => {}
                    Next::Goto(t) => stack.push(*t),
                    Next::Branch(bs) => stack.extend(bs.iter().map(|(_, t)| *t)),
                }
                if let Some(b) = &nodes[i].boucle {
                    stack.push(b.corps);
                }
            }
            for (i, (n, _)) in nodes_raw.iter().enumerate() {
                if !seen[i] {
                    self.warn(
                        f,
                        "D007",
                        n.id.span(),
                        format!("nœud « {} » inatteignable : aucun « next » n'y mène", n.id.get_ref()),
                    );
                }
            }
        }
        let roles = self.roles(&file.dialogue, f, &nodes, cat);
        if !ok || defs.len() != nodes.len() {
            return None;
        }
        if let Some(p) = &file.dialogue.presentation {
            uses.push((p.get_ref().clone(), f, p.span()));
        }
        let declencheurs: Vec<String> = file
            .dialogue
            .declencheurs
            .iter()
            .map(|d| fold(d.get_ref()).trim().to_owned())
            .filter(|d| !d.is_empty())
            .collect();
        Some(Dialogue {
            id: file.dialogue.id.into_inner(),
            start: start?,
            nodes,
            by_id: index,
            roles: roles?,
            presentation: file.dialogue.presentation.map(Spanned::into_inner),
            declencheurs,
        })
    }

    // ---- locales ----

    fn locales(&mut self, uses: &Uses) -> Locales {
        let mut langs: Vec<String> = match std::fs::read_dir(self.root.join("locales")) {
            Ok(rd) => rd
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => vec![],
        };
        langs.sort();
        let mut ids_by_lang: HashMap<String, HashMap<String, (usize, Range<usize>)>> = HashMap::new();
        let mut resources = vec![];
        for lang in &langs {
            let mut res_list = vec![];
            let ids = ids_by_lang.entry(lang.clone()).or_default();
            for rel in self.list(&format!("locales/{lang}"), ".ftl") {
                let Some(f) = self.read(&rel) else { continue };
                let text = self.files[f].text.clone();
                let res = match FluentResource::try_new(text) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        for e in errors {
                            let d = self.files[f].error(
                                "F001",
                                e.pos.clone(),
                                format!("syntaxe Fluent : {}", fluent_error_fr(&e.kind)),
                            );
                            self.diags.push(d);
                        }
                        r
                    }
                };
                for (id, span) in message_ids(&self.files[f].text) {
                    if let Some((pf, pspan)) = ids.get(&id).cloned() {
                        let (line, _) = self.files[pf].position(pspan.start);
                        let help = Some(format!("première définition : {}:{line}", self.files[pf].path.display()));
                        let d = self.files[f]
                            .error("F004", span, format!("message « {id} » défini deux fois"))
                            .with_help(help);
                        self.diags.push(d);
                    } else {
                        ids.insert(id, (f, span));
                    }
                }
                res_list.push(res);
            }
            resources.push((lang.clone(), res_list));
        }
        let reference = ids_by_lang.get(REFERENCE).cloned().unwrap_or_default();
        if reference.is_empty() {
            self.diags.push(Diagnostic {
                severity: super::Severity::Error,
                code: "F000",
                path: PathBuf::from(format!("locales/{REFERENCE}")),
                line: 1,
                col: 1,
                message: "aucun message en français : la langue de référence est obligatoire".into(),
                excerpt: None,
                help: None,
            });
        }
        let known: Vec<&str> = reference.keys().map(String::as_str).collect();
        for (id, f, span) in uses {
            if !reference.contains_key(id) {
                let help = did_you_mean(id, known.iter().copied());
                let d = self.files[*f]
                    .error("F002", span.clone(), format!("message inconnu « {id} » dans locales/{REFERENCE}/"))
                    .with_help(help);
                self.diags.push(d);
            }
        }
        for id in CODE_MESSAGES {
            if !reference.is_empty() && !reference.contains_key(*id) {
                self.diags.push(Diagnostic {
                    severity: super::Severity::Error,
                    code: "F002",
                    path: PathBuf::from(format!("locales/{REFERENCE}")),
                    line: 1,
                    col: 1,
                    message: format!("message « {id} » absent : le programme l'utilise"),
                    excerpt: None,
                    help: did_you_mean(id, known.iter().copied()),
                });
            }
        }
        for (lang, ids) in &ids_by_lang {
            if lang == REFERENCE {
                continue;
            }
            let mut missing: Vec<&String> = reference.keys().filter(|id| !ids.contains_key(*id)).collect();
            missing.sort();
            if !missing.is_empty() {
                let first = ids.values().next().map(|(f, _)| *f);
                let shown: Vec<&str> = missing.iter().take(8).map(|s| s.as_str()).collect();
                let msg = format!(
                    "{} message(s) non traduit(s) en « {lang} » (le français sera utilisé) : {}{}",
                    missing.len(),
                    shown.join(", "),
                    if missing.len() > 8 { ", …" } else { "" }
                );
                match first {
                    Some(f) => {
                        self.warn(f, "F003", 0..0, msg);
                    }
                    None => self.diags.push(Diagnostic {
                        severity: super::Severity::Warning,
                        code: "F003",
                        path: PathBuf::from(format!("locales/{lang}")),
                        line: 1,
                        col: 1,
                        message: msg,
                        excerpt: None,
                        help: None,
                    }),
                }
            }
            for (id, (f, span)) in ids {
                if !reference.contains_key(id) {
                    self.warn(
                        *f,
                        "F005",
                        span.clone(),
                        format!("message « {id} » absent du français : il ne sera jamais utilisé"),
                    );
                }
            }
        }
        Locales::new(resources)
    }
}

// ---- dates of records, the programme table, the freshness setting ----
// Kept apart from the rest of the loader: what makes knowledge dated and re-checkable.

use crate::catalogue::programmes::HEADER as STATUTS_COMMUNES_HEADER;

/// One list of the programme table: statut, date of the list, date of its check.
type ListKey = (String, String, Option<String>);
/// Its rows: file, first line, how many communes, who publishes it.
type ListRows = (usize, usize, usize, String);

impl Loader {
    /// The three dates of a record, each checked (`AAAA-MM-JJ`).
    fn dates(&mut self, source_date: Option<&S>, verifie_le: Option<&S>, valable: Option<&S>, f: usize) -> Dates {
        let dates = Dates {
            source_date: self.date(source_date, f),
            verifie_le: self.date(verifie_le, f),
            valable_jusqu_au: self.date(valable, f),
            appel_annuel: false,
        };
        if let (Some(s), Some(v), Some(at)) = (
            dates.source_date.as_deref().and_then(Day::parse),
            dates.verifie_le.as_deref().and_then(Day::parse),
            verifie_le,
        ) && v < s
        {
            self.warn(
                f,
                "C018",
                at.span(),
                format!(
                    "« verifie_le » ({v}) est antérieure à « source_date » ({s}) : une vérification suit sa source"
                ),
            );
        }
        dates
    }

    /// Remembers a dated record and where it starts, for `check`'s list of records to re-check.
    fn record_dates(&mut self, f: usize, offset: usize, kind: &'static str, nom: &str, dates: &Dates) {
        let (line, _) = self.files[f].position(offset);
        self.dated.push(DatedRecord {
            path: self.files[f].path.clone(),
            line,
            kind,
            nom: nom.to_owned(),
            dates: dates.clone(),
        });
    }

    /// A département code: two digits, 2A, 2B, or three digits overseas.
    fn departement_code(&mut self, code: &S, f: usize) {
        let c = code.get_ref();
        let ok = matches!(c.as_str(), "2A" | "2B")
            || (c.len() == 2 || c.len() == 3) && c.chars().all(|x| x.is_ascii_digit());
        if !ok {
            self.err(f, "C006", code.span(), format!("code de département « {c} » invalide : par exemple « 50 »"));
        }
    }

    /// French typography in what the bot says (`locales/fr/`, `data/*.toml`): a narrow no-break
    /// space (U+202F) before « : ; ! ? » and inside « », not an ordinary or a no-break space.
    /// Comment lines are skipped; a warning, so that a draft still loads.
    fn typography(&mut self) {
        for f in 0..self.files.len() {
            let path = self.files[f].path.to_string_lossy().replace('\\', "/");
            let spoken = (path.starts_with("locales/fr/") && path.ends_with(".ftl"))
                || (path.starts_with("data/") && path.ends_with(".toml"));
            if !spoken {
                continue;
            }
            let mut found = vec![];
            let mut offset = 0;
            for line in self.files[f].text.split_inclusive('\n') {
                if !line.trim_start().starts_with('#') {
                    let chars: Vec<(usize, char)> = line.char_indices().collect();
                    for w in chars.windows(2) {
                        let ((i, a), (_, b)) = (w[0], w[1]);
                        let space = a == ' ' || a == '\u{a0}';
                        let what = match (a, b) {
                            (_, ':' | ';' | '!' | '?' | '»') if space => Some(b),
                            ('«', ' ' | '\u{a0}') => Some('«'),
                            _ => None,
                        };
                        if let Some(c) = what {
                            found.push((offset + i, c));
                        }
                    }
                }
                offset += line.len();
            }
            for (at, c) in found {
                self.warn(
                    f,
                    "T010",
                    at..at + 1,
                    format!(
                        "typographie : espace fine insécable attendue {} « {c} »",
                        if c == '«' { "après" } else { "avant" }
                    ),
                )
                .help = Some("remplacez cette espace par une espace fine insécable (U+202F)".into());
            }
        }
    }

    /// `data/fraicheur.toml`: months after which information is to be confirmed. Optional.
    fn fraicheur(&mut self) -> u32 {
        const REL: &str = "data/fraicheur.toml";
        let given = self.overrides.iter().any(|(p, _)| p == REL);
        if !given && !self.root.join(REL).exists() {
            return DEFAULT_MAX_AGE_MONTHS;
        }
        let Some((file, f)) = self.parse::<raw::FraicheurFile>(REL) else {
            return DEFAULT_MAX_AGE_MONTHS;
        };
        match u32::try_from(*file.age_max_mois.get_ref()) {
            Ok(n) if (1..=240).contains(&n) => n,
            _ => {
                self.err(
                    f,
                    "C015",
                    file.age_max_mois.span(),
                    "age_max_mois : un nombre de mois entre 1 et 240 est attendu",
                );
                DEFAULT_MAX_AGE_MONTHS
            }
        }
    }

    /// `data/statuts-communes.csv`: one row per commune and programme, from a public list.
    fn statuts_communes(&mut self, statuts: &Defs, statut_list: &[Statut], manche: &mut [Commune]) {
        let by_insee: HashMap<String, usize> = manche.iter().enumerate().map(|(i, c)| (c.insee.clone(), i)).collect();
        let mut groups: Vec<(ListKey, ListRows)> = vec![];
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (r, f, line) in self.csv_rows("data/statuts-communes.csv", STATUTS_COMMUNES_HEADER) {
            let span = self.files[f].line_span(line);
            let [insee, commune, statut, signature, editeur, source_date, source, verifie_le] = &r[..] else {
                continue;
            };
            let Some(&i) = by_insee.get(insee) else {
                self.err(f, "K002", span, format!("code INSEE « {insee} » : aucune commune de la Manche"));
                continue;
            };
            if !statuts.contains_key(statut) {
                let help = did_you_mean(statut, statuts.keys().map(String::as_str));
                self.err(f, "K002", span, format!("statut inconnu « {statut} »")).help = help;
                continue;
            }
            if source.trim().is_empty() || editeur.trim().is_empty() {
                self.err(
                    f,
                    "C009",
                    span,
                    "ligne sans « source » ou sans « editeur » : indiquez la liste publique qui la confirme",
                );
                continue;
            }
            if !commune.is_empty() && fold(commune) != fold(&manche[i].nom) {
                let help = Some(format!("le code {insee} est celui de « {} »", manche[i].nom));
                self.warn(f, "K004", span.clone(), format!("« {commune} » ne correspond pas au code INSEE {insee}"))
                    .help = help;
            }
            let mut bad_date = false;
            for (what, value, required) in
                [("source_date", source_date, true), ("signature", signature, false), ("verifie_le", verifie_le, false)]
            {
                if (required || !value.is_empty()) && Day::parse(value).is_none() {
                    self.err(
                        f,
                        "C014",
                        span.clone(),
                        format!("{what} « {value} » invalide : écrivez AAAA-MM-JJ, par exemple 2024-08-07"),
                    );
                    bad_date = true;
                }
            }
            if bad_date {
                continue;
            }
            if let Some(first) = seen.insert((insee.clone(), statut.clone()), line) {
                self.err(f, "K003", span, format!("{insee} ({}) figure deux fois pour « {statut} »", manche[i].nom))
                    .help = Some(format!("première ligne : {first}"));
                continue;
            }
            let verifie = (!verifie_le.is_empty()).then(|| verifie_le.clone());
            let key = (statut.clone(), source_date.clone(), verifie.clone());
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, g)) => g.2 += 1,
                None => groups.push((key, (f, line, 1, editeur.clone()))),
            }
            manche[i].statuts.push(StatutCommune {
                statut: statut.clone(),
                signature: (!signature.is_empty()).then(|| signature.clone()),
                editeur: editeur.clone(),
                source_date: source_date.clone(),
                source: source.clone(),
                verifie_le: verifie,
            });
        }
        for ((statut, source_date, verifie_le), (f, line, n, editeur)) in groups {
            let programme = statut_list.iter().find(|s| s.id == statut);
            let nom = format!(
                "{} : {n} commune(s), liste de {editeur} du {source_date}",
                programme.map_or(statut.as_str(), |s| s.nom.as_str())
            );
            let dates = Dates {
                source_date: Some(source_date),
                verifie_le,
                valable_jusqu_au: programme.and_then(|s| s.dates.valable_jusqu_au.clone()),
                appel_annuel: false,
            };
            let offset = self.files[f].line_span(line).start;
            self.record_dates(f, offset, "programme", &nom, &dates);
        }
    }
}

/// Folds every choice label once per language, so that no turn formats or folds them again.
fn fold_labels(dialogues: &mut HashMap<String, Dialogue>, locales: &Locales) {
    for d in dialogues.values_mut() {
        for n in &mut d.nodes {
            for lang in locales.languages() {
                let labels = n
                    .choices
                    .iter()
                    .map(|c| match &c.label {
                        Label::Text(t) => fold(t),
                        Label::Message(id) => fold(&locales.msg(lang, id, &[])),
                    })
                    .collect();
                n.folded_labels.insert(lang.to_owned(), labels);
            }
        }
    }
}

/// Message ids defined in a Fluent file, with their spans (line starts `id =`).
fn message_ids(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = vec![];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let first = line.chars().next();
        if first.is_some_and(|c| c.is_ascii_alphabetic())
            && let Some(eq) = line.find('=')
        {
            let id = line[..eq].trim_end();
            if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                out.push((id.to_owned(), offset..offset + id.len()));
            }
        }
        offset += line.len();
    }
    out
}

fn find_key(text: &str, within: Range<usize>, key: &str) -> Range<usize> {
    text.get(within.clone())
        .and_then(|t| t.find(key))
        .map_or(within.start..within.start + 1, |p| within.start + p..within.start + p + key.len())
}

fn check_phone(l: &mut Loader, t: &S, f: usize) {
    let digits: String = t.get_ref().chars().filter(char::is_ascii_digit).collect();
    let shape_ok = t.get_ref().chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '+' || c == '.');
    if digits.len() != 10 || !digits.starts_with('0') || !shape_ok {
        l.err(
            f,
            "C011",
            t.span(),
            format!("numéro « {} » invalide : dix chiffres attendus, par exemple 02 33 06 39 00", t.get_ref()),
        );
    }
}

fn is_email(s: &str) -> bool {
    let Some((user, domain)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

fn io_fr(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        _ => "erreur de lecture",
    }
}

/// Turns a `toml`/serde error message into a French one, with a code and a hint.
fn toml_error_fr(msg: &str) -> (&'static str, String, Option<String>) {
    let ticks: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    if msg.starts_with("unknown field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        let expected: Vec<&str> = ticks.iter().skip(1).copied().collect();
        let help = did_you_mean(wanted, expected.iter().copied())
            .or_else(|| Some(format!("champs possibles : {}", expected.join(", "))));
        return ("T002", format!("champ inconnu « {wanted} »"), help);
    }
    if msg.starts_with("missing field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        return ("T003", format!("champ obligatoire « {wanted} » manquant"), None);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let rest = rest
            .replace("expected", "attendu :")
            .replace("a string", "un texte entre guillemets")
            .replace("a sequence", "une liste [ … ]")
            .replace("string", "texte")
            .replace("integer", "nombre")
            .replace("boolean", "booléen (true ou false)");
        return ("T001", format!("type invalide : {rest}"), None);
    }
    if msg.contains("duplicate key") {
        let key = ticks.first().copied().unwrap_or_default();
        return ("T001", format!("clé « {key} » donnée deux fois"), None);
    }
    if msg.contains("data did not match any variant") {
        return ("T001", "valeur de « next » illisible : un nom de nœud entre guillemets, ou une liste de { if = \"…\", goto = \"…\" }".into(), None);
    }
    let mut fr = msg.trim().to_owned();
    for (en, tr) in [
        ("invalid basic string", "texte entre guillemets mal fermé"),
        ("invalid literal string", "texte entre apostrophes mal fermé"),
        ("invalid string", "texte mal écrit"),
        ("invalid table header", "en-tête de table invalide"),
        ("invalid array", "liste invalide"),
        ("invalid inline table", "table en ligne invalide"),
        ("invalid key", "clé invalide"),
        ("unclosed array", "liste non fermée : il manque « ] »"),
        ("unclosed table", "table non fermée"),
        ("unexpected content", "contenu inattendu"),
        ("unexpected end of input", "fin de fichier inattendue"),
        ("expected newline", "retour à la ligne attendu"),
        ("string values must be quoted", "les textes doivent être entre guillemets"),
        ("expected", "attendu :"),
        ("found", "trouvé :"),
    ] {
        fr = fr.replace(en, tr);
    }
    ("T001", format!("syntaxe TOML : {fr}"), Some("voir dialogues/LISEZMOI.md, section « Erreurs fréquentes »".into()))
}

fn fluent_error_fr(kind: &fluent_syntax::parser::ErrorKind) -> String {
    use fluent_syntax::parser::ErrorKind as K;
    match kind {
        K::ExpectedToken(c) => format!("caractère « {c} » attendu"),
        K::ExpectedCharRange { range } => format!("caractère attendu parmi {range}"),
        K::ExpectedMessageField { entry_id } => {
            format!("le message « {entry_id} » n'a pas de texte")
        }
        K::UnterminatedStringLiteral => "guillemet non fermé".into(),
        K::UnbalancedClosingBrace => "accolade « } » sans « { »".into(),
        K::MissingDefaultVariant => "variante par défaut manquante : marquez-en une avec *".into(),
        other => format!("{other:?}"),
    }
}
