//! The profile read from the answers (through the dialogue's roles), the result list, the
//! details of one result, and why a dispositif is not proposed.

use super::engine::Turn;
use super::model::{Dialogue, Propose, Role, Value};
use super::parse::{AUCUN, NSP};
use crate::catalogue::matching::{Echec, Profil, evaluate, top, top_financing};
use crate::catalogue::{Dispositif, GUICHET_UNIQUE};
use crate::i18n::{Arg, Args, format_number};
use crate::reply::{MatchView, Reply};

/// How many dispositifs a result list shows at once.
const SHOWN: usize = 6;

/// A choice answer as a list of values, "je ne sais pas" left out.
fn chosen(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Choice(c)) if c != NSP => vec![c.clone()],
        Some(Value::Multi(list)) => list.iter().filter(|x| *x != NSP).cloned().collect(),
        _ => vec![],
    }
}

impl Turn<'_> {
    /// The value a role has in this conversation: in the current dialogue, else in another one
    /// set aside (a request reads the project from the orientation).
    pub(super) fn known(&self, role: Role) -> Option<&Value> {
        self.role_value(role).or_else(|| {
            self.s.suspendus.iter().find_map(|(id, p)| {
                let slot = self.content.dialogues.get(id)?.roles.slot(role)?;
                p.slots.get(slot)
            })
        })
    }

    /// What the answers say of the project, read through the dialogues' roles.
    pub(super) fn profil(&self) -> Profil {
        let mut p = Profil::default();
        match self.known(Role::Commune) {
            Some(Value::Commune(insee)) => p.commune = Some(insee.clone()),
            Some(Value::Ailleurs { departement, .. }) => p.hors_manche = Some(departement.clone()),
            _ => {}
        }
        if let Some(Value::Number(n)) = self.known(Role::Population) {
            p.population = u32::try_from(*n).ok();
        }
        p.statuts = match self.known(Role::Programmes) {
            Some(v @ Value::Multi(list)) if !v.is_unknown() => {
                Some(list.iter().filter(|s| *s != AUCUN).cloned().collect())
            }
            Some(Value::Choice(c)) if c != NSP => Some(if c == AUCUN { vec![] } else { vec![c.clone()] }),
            _ => None,
        };
        p.themes = chosen(self.known(Role::Themes));
        p.etape = chosen(self.known(Role::Etape)).into_iter().next();
        p.besoin = chosen(self.known(Role::Besoin)).into_iter().next();
        p.porteur = chosen(self.known(Role::Porteur)).into_iter().next();
        p
    }

    /// The request to the single entry point, from everything the conversation knows.
    pub(super) fn demande(&self, envoi: bool) -> crate::reply::DemandeView {
        let p = self.profil();
        let cat = &self.content.catalogue;
        let text = |role: Role| match self.known(role) {
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Choice(c)) => self.choice_label(role, c),
            _ => String::new(),
        };
        let (insee, commune) = match self.known(Role::Commune) {
            Some(Value::Commune(insee)) => {
                (Some(insee.clone()), self.content.communes.by_insee(insee).map(|c| c.nom.clone()))
            }
            Some(Value::Ailleurs { nom, .. }) => (None, Some(nom.clone())),
            _ => (None, None),
        };
        let (matches, _) = top(cat, &p, SHOWN, |_| true);
        crate::reply::DemandeView {
            envoi,
            insee,
            commune,
            population: p.population.map(i64::from),
            programmes: p.statuts.clone(),
            themes: p.themes.clone(),
            etape: p.etape.clone(),
            besoin: p.besoin.clone(),
            description: text(Role::Description),
            demandeur: text(Role::Demandeur),
            qualite: text(Role::Qualite),
            contact: text(Role::Contact),
            dispositifs: matches
                .into_iter()
                .map(|m| MatchView {
                    dispositif: cat.dispositifs[m.dispositif].id.clone(),
                    raisons: m.raisons,
                    a_verifier: m.a_verifier,
                })
                .collect(),
            envoi_info: None,
        }
    }

    /// The label of a choice answer, in the conversation's language (kept as sent).
    fn choice_label(&self, role: Role, value: &str) -> String {
        let node = self.dialogue.node_of_role(role).map(|(_, n)| n);
        let label = node.and_then(|n| n.choices.iter().find(|c| c.value == value)).map(|c| &c.label);
        match label {
            Some(super::model::Label::Message(id)) => self.content.locales.msg(&self.s.lang, id, &[]),
            Some(super::model::Label::Text(t)) => t.clone(),
            None => value.to_owned(),
        }
    }

    pub(super) fn results(&mut self) {
        let p = self.profil();
        let cat = &self.content.catalogue;
        let (matches, total) = top(cat, &p, SHOWN, |_| true);
        let regles_anct = matches.iter().any(|m| cat.dispositifs[m.dispositif].regles_anct);
        let shown: Vec<MatchView> = matches
            .into_iter()
            .map(|m| MatchView {
                dispositif: cat.dispositifs[m.dispositif].id.clone(),
                raisons: m.raisons,
                a_verifier: m.a_verifier,
            })
            .collect();
        let etape = p.etape.as_deref().and_then(|e| cat.etape(e));
        let travaux = etape.is_some_and(|e| e.travaux);
        let upstream = etape.is_some_and(|e| e.amont);
        let suite_financement = match (upstream, cat.etape_travaux(), cat.besoin_financement()) {
            (true, Some(works), Some(money)) => {
                let later = Profil { etape: Some(works.id.clone()), besoin: Some(money.id.clone()), ..p.clone() };
                let financing = |d: &Dispositif| !shown.iter().any(|s| s.dispositif == d.id);
                top_financing(cat, &later, 5, financing)
                    .iter()
                    .map(|m| cat.dispositifs[m.dispositif].id.clone())
                    .collect()
            }
            _ => vec![],
        };
        self.s.results = shown.iter().map(|m| m.dispositif.clone()).collect();
        self.out.push(Reply::Resultats {
            autres: total.saturating_sub(SHOWN),
            items: shown,
            regles_anct,
            travaux,
            suite_financement,
            hors_manche: p.hors_manche.is_some(),
        });
    }

    /// The answers of a loop, item by item (`action = "resume"`).
    pub(super) fn summary(&mut self, node: &super::model::Node) {
        let Some(r) = &node.resume else { return };
        let Some(b) = self.dialogue.node(&r.boucle).and_then(|(_, n)| n.boucle.as_ref()) else { return };
        let items = match self.s.slots.get(&r.boucle) {
            Some(Value::Multi(v)) => v.clone(),
            _ => vec![],
        };
        let lignes = items
            .iter()
            .map(|it| {
                let answers =
                    r.colonnes.iter().map(|(slot, _)| self.s.slots.get(&format!("{slot}@{it}")).cloned()).collect();
                (it.clone(), answers)
            })
            .collect();
        self.out.push(Reply::Resume {
            liste: b.liste.clone(),
            colonnes: r.colonnes.iter().map(|(_, t)| t.clone()).collect(),
            lignes,
        });
    }

    pub(super) fn explain_statuts(&mut self) {
        // The programmes the status question offers are the ones explained and taken from data.
        let dialogue: &Dialogue = self.dialogue;
        let question = dialogue.nodes.iter().find(|n| n.propose == Some(Propose::StatutsCommune));
        let offerts: Vec<String> = question
            .map(|n| n.choices.iter().map(|c| c.value.clone()).filter(|v| self.content.catalogue.statut(v).is_some()))
            .into_iter()
            .flatten()
            .collect();
        let (commune, insee, connus) = match self.role_value(Role::Commune) {
            Some(Value::Commune(insee)) => match self.content.communes.by_insee(insee) {
                Some(c) => (
                    Some(c.nom.clone()),
                    Some(insee.clone()),
                    question.map(|n| super::engine::listed_statuts(c, n)).unwrap_or_default(),
                ),
                None => (None, None, vec![]),
            },
            _ => (None, None, vec![]),
        };
        if !connus.is_empty()
            && let Some(slot) = self.role_slot(Role::Programmes)
        {
            // The data knows: use it, the person may correct it with "retour".
            self.s.slots.insert(slot.to_owned(), Value::Multi(connus.clone()));
        }
        self.out.push(Reply::Statuts { commune, insee, connus, offerts });
    }

    pub(super) fn details(&mut self, n: usize) {
        match self.s.results.get(n.wrapping_sub(1)) {
            Some(id) => self.out.push(Reply::Details { dispositif: id.clone() }),
            None => self.out.push(Reply::say_with(
                "details-introuvable",
                vec![("nombre", Arg::Number(i64::try_from(self.s.results.len()).unwrap_or(0)))],
            )),
        }
    }

    pub(super) fn why_not(&mut self, name: &str) {
        let cat = &self.content.catalogue;
        let Some(index) = super::followup::find_dispositif(self.content, name) else {
            self.out.push(Reply::say_with("pourquoi-pas-introuvable", vec![("nom", Arg::Text(name.to_owned()))]));
            self.ask_current_if_pending_question();
            return;
        };
        let d = &cat.dispositifs[index];
        let p = self.profil();
        let mut args: Args = vec![("nom", Arg::Text(d.nom.clone()))];
        let id = match evaluate(cat, index, &p) {
            Ok(_) if d.id == GUICHET_UNIQUE || self.s.results.contains(&d.id) => "pourquoi-pas-retenu",
            Ok(_) if p == Profil::default() => "pourquoi-pas-profil",
            Ok(_) if !self.s.results.is_empty() => "pourquoi-pas-classe",
            Ok(_) => "pourquoi-pas-retenu",
            Err(e) => echec_message(cat, d, &e, &mut args),
        };
        self.out.push(Reply::say_with(id, args));
        self.ask_current_if_pending_question();
    }
}

/// The message saying why a dispositif does not fit, with its arguments.
pub fn echec_message(cat: &crate::catalogue::Catalogue, d: &Dispositif, e: &Echec, args: &mut Args) -> &'static str {
    match e {
        Echec::PopulationMax { max, population } => {
            args.push(("max", Arg::Text(format_number(i64::from(*max) + 1))));
            args.push(("population", Arg::Text(format_number(i64::from(*population)))));
            "pourquoi-pas-population-max"
        }
        Echec::PopulationMin { min, population } => {
            args.push(("min", Arg::Text(format_number(i64::from(*min)))));
            args.push(("population", Arg::Text(format_number(i64::from(*population)))));
            "pourquoi-pas-population-min"
        }
        Echec::StatutRequis(list) => {
            let names: Vec<String> =
                list.iter().map(|s| cat.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone())).collect();
            args.push(("statut", Arg::Text(names.join(" ou "))));
            "pourquoi-pas-statut-requis"
        }
        Echec::StatutExclu(s) => {
            args.push(("statut", Arg::Text(cat.statut(s).map_or(s.clone(), |x| x.nom.clone()))));
            "pourquoi-pas-statut-exclu"
        }
        Echec::Beneficiaire { porteur, beneficiaires } => {
            args.push(("porteur", Arg::Text(porteur.clone())));
            args.push(("beneficiaires", Arg::Text(beneficiaires.join(", "))));
            "pourquoi-pas-beneficiaire"
        }
        Echec::Departement => "pourquoi-pas-departement",
        Echec::Theme => {
            let themes: Vec<String> =
                d.themes.iter().filter_map(|t| cat.theme(t)).map(|t| t.nom.to_lowercase()).collect();
            args.push(("themes", Arg::Text(themes.join(", "))));
            "pourquoi-pas-theme"
        }
        Echec::Etape => {
            let etapes: Vec<String> =
                d.etapes.iter().filter_map(|t| cat.etape(t)).map(|t| t.nom.to_lowercase()).collect();
            args.push(("etapes", Arg::Text(etapes.join(", "))));
            "pourquoi-pas-etape"
        }
    }
}
