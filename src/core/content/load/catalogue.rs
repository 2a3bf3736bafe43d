//! Steps of the loader: the catalogue (themes, étapes, statuts, acteurs, dispositifs,
//! glossary).

use super::*;

impl Loader<'_> {
    pub(super) fn terms<T: DeserializeOwned>(
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

    pub(super) fn statuts(&mut self, out: &mut Vec<Statut>) -> Defs {
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

    pub(super) fn acteurs(&mut self, raws: Vec<(Spanned<raw::RawActeur>, usize)>, out: &mut Vec<Acteur>) -> Defs {
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
                let mut site = site.into_inner();
                // « Quand on ne sait pas : on laisse vide » : an empty value is no value.
                let blank = |v: &Option<S>| v.as_ref().is_some_and(|s| s.get_ref().trim().is_empty());
                for v in [&mut site.telephone, &mut site.fax, &mut site.email, &mut site.web] {
                    if blank(v) {
                        *v = None;
                    }
                }
                if site.adresse.as_ref().is_some_and(|s| s.trim().is_empty()) {
                    site.adresse = None;
                }
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
    pub(super) fn dispositifs(
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
            let blank_contact = d.contacts.iter().find(|c| c.get_ref().trim().is_empty()).map(S::span);
            for a in d.porteurs.iter().chain(&d.contacts).filter(|a| !a.get_ref().trim().is_empty()) {
                self.reference(acteurs, "acteur", "C002", a, f);
            }
            if d.contacts.iter().all(|c| c.get_ref().trim().is_empty()) || blank_contact.is_some() {
                let at = blank_contact.unwrap_or_else(|| d.id.span());
                self.err(
                    f,
                    "C007",
                    at,
                    format!(
                        "dispositif « {} » sans contact : contacts = [\"…\"] nomme l'acteur (une fiche de \
                         data/acteurs/) dont les coordonnées sont montrées",
                        d.id.get_ref()
                    ),
                )
                .help = Some(
                    "coordonnées inconnues : nommez quand même l'acteur et laissez sa fiche sans coordonnées (elle \
                     est listée « à compléter » et le bot renvoie vers ingenierie@manche.gouv.fr) ; acteur \
                     inconnu : contacts = [\"prefecture-guichet\"], le guichet unique"
                        .into(),
                );
            }
            if let Some(c) = &d.conditions {
                let b = &c.get_ref().beneficiaires;
                if !b.is_empty() && !b.iter().any(|x| x.get_ref() == "commune") {
                    let at = b[0].span().start..b[b.len() - 1].span().end;
                    let list: Vec<String> = b.iter().map(|x| x.get_ref().clone()).collect();
                    self.restricted.push((f, at, d.id.get_ref().clone(), list));
                }
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

    pub(super) fn glossaire(&mut self, dispositifs: &Defs, acteurs: &Defs, out: &mut Vec<Sigle>) {
        let Some((file, f)) = self.parse::<raw::GlossaireFile>("data/glossaire.toml") else {
            return;
        };
        let mut defs = Defs::new();
        // A dispositif or acteur file that did not parse: its ids are unknown, not missing.
        let partial = self.incomplete("data/dispositifs/") || self.incomplete("data/acteurs/");
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
                if !partial
                    && !self.misspelled.contains(v.get_ref())
                    && !dispositifs.contains_key(v.get_ref())
                    && !acteurs.contains_key(v.get_ref())
                {
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
}
