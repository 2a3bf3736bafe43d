//! From [`Reply`] values to what people read.
//!
//! [`blocks`] localises the replies into neutral blocks (paragraphs, questions with numbered
//! choices, cards, result items); each transport then lays the blocks out in its own format
//! ([`plain`] for the terminal and plain bodies). User text never reaches a renderer unescaped:
//! the blocks hold content and messages only, and each format escapes what it prints.

mod annotate;
pub mod demande;
pub mod discord;
pub mod html;
pub mod plain;

pub use annotate::{annotate, elsewhere};

use crate::catalogue::freshness::Day;
use crate::catalogue::model::{Acteur, Dates, Dispositif};
use crate::catalogue::search::Doc;
use crate::catalogue::{Commune, GUICHET_UNIQUE, Raison};
use crate::content::Content;
use crate::dialogue::model::Label;
use crate::i18n::{Arg, Args, format_number};
use crate::reply::{MatchView, Reply};

/// Narrow no-break space: French typography puts one before « : ; ! ? ».
const NNBSP: char = '\u{202f}';

/// A line of a card: a label (may be empty) and a value, with its kind for links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Text(String),
    Phone { label: String, number: String },
    Email { label: String, address: String },
    Web { label: String, url: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub title: String,
    pub lines: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(String),
    Question {
        text: String,
        choices: Vec<(usize, String, String)>,
    },
    /// A numbered result: number, title, lines.
    Item {
        n: usize,
        title: String,
        lines: Vec<Field>,
    },
    Card(Card),
}

struct Ctx<'a> {
    content: &'a Content,
    lang: &'a str,
    /// The person's commune is in this other département (a [`Reply::Context`] came first):
    /// contacts of the Manche are replaced by their own préfecture.
    ailleurs: Option<String>,
    /// The day of the turn, when known: information to be confirmed on that day says so.
    today: Option<Day>,
}

impl Ctx<'_> {
    /// Message `id`, or its `-hors-manche` variant for a person from another département when
    /// the locales have one (agents add a variant instead of a condition in code).
    fn msg(&self, id: &str, args: &[(&'static str, Arg)]) -> String {
        let locales = &self.content.locales;
        if self.ailleurs.is_some() {
            let variant = format!("{id}-hors-manche");
            if locales.has(self.lang, &variant) || locales.has(crate::i18n::REFERENCE, &variant) {
                return locales.msg(self.lang, &variant, args);
            }
        }
        locales.msg(self.lang, id, args)
    }

    /// Whether `a`'s contacts are not for this person (an actor of the Manche, for a person
    /// from elsewhere).
    fn not_theirs(&self, a: &Acteur) -> bool {
        self.ailleurs.as_deref().is_some_and(|dep| !a.serves(dep))
    }

    /// Whether a text of the catalogue sends to the Manche's single entry point, which a person
    /// from elsewhere must not be sent to.
    fn sends_to_guichet(&self, text: &str) -> bool {
        self.ailleurs.is_some() && guichet_email(self.content).is_some_and(|e| text.contains(e))
    }

    fn label(&self, l: &Label) -> String {
        match l {
            Label::Text(t) => t.clone(),
            Label::Message(id) => self.msg(id, &[]),
        }
    }
}

/// Localises replies into blocks.
#[must_use]
pub fn blocks(content: &Content, lang: &str, replies: &[Reply]) -> Vec<Block> {
    let mut cx = Ctx { content, lang, ailleurs: None, today: None };
    let mut out = vec![];
    for r in replies {
        match r {
            Reply::Context { elsewhere, today } => {
                cx.ailleurs.clone_from(elsewhere);
                cx.today = *today;
            }
            Reply::Say { id, args } => out.push(Block::Para(cx.msg(id, args))),
            Reply::Ask { id, args, choices } => out.push(Block::Question {
                text: cx.msg(id, args),
                choices: choices.iter().map(|c| (c.n, cx.label(&c.label), c.value.clone())).collect(),
            }),
            Reply::Resultats { items, autres, regles_anct, travaux, suite_financement, hors_manche } => {
                let flags = Flags { regles: *regles_anct, travaux: *travaux, hors_manche: *hors_manche };
                resultats(&cx, &mut out, items, *autres, flags, suite_financement);
            }
            Reply::Details { dispositif } => {
                if let Some(d) = content.catalogue.dispositif(dispositif) {
                    details(&cx, &mut out, d);
                }
            }
            Reply::Dispositif { dispositif } => {
                if let Some(d) = content.catalogue.dispositif(dispositif) {
                    out.push(Block::Card(short_dispositif(&cx, d)));
                }
            }
            Reply::Card { acteur } => {
                if let Some(a) = content.catalogue.acteur(acteur) {
                    out.push(Block::Card(acteur_card(&cx, a, true)));
                }
            }
            Reply::Sigle { index } => {
                if let Some(s) = content.catalogue.glossaire.get(*index) {
                    out.push(Block::Para(cx.msg(
                        "question-sigle",
                        &[
                            ("sigle", Arg::Text(s.sigle.clone())),
                            ("developpe", Arg::Text(s.developpe.clone())),
                            ("definition", Arg::Text(s.definition.clone())),
                        ],
                    )));
                }
            }
            Reply::Statuts { commune, insee, connus, offerts } => {
                let mut lines = vec![cx.msg("statuts-explication-titre", &[])];
                for id in offerts {
                    if let Some(s) = content.catalogue.statut(id) {
                        lines.push(format!("• {}{NNBSP}: {}", s.nom, s.explication));
                    }
                }
                out.push(Block::Para(lines.join("\n")));
                let name = commune.clone().unwrap_or_else(|| "-".into());
                let listed = insee.as_deref().and_then(|i| content.communes.by_insee(i));
                match listed {
                    Some(c) if !connus.is_empty() => {
                        let mut args: Args = vec![("commune", Arg::Text(name))];
                        args.extend(programme_args(content, lang, c, connus));
                        out.push(Block::Para(cx.msg("statuts-connus", &args)));
                    }
                    // No commune known: nothing to say of its programmes.
                    _ if commune.is_none() => {}
                    _ => out.push(Block::Para(cx.msg("statuts-aucun-connu", &[("commune", Arg::Text(name))]))),
                }
            }
            Reply::VoirAussi(docs) => {
                let mut names: Vec<String> = vec![];
                for d in docs {
                    let n = doc_name(content, *d);
                    if !names.contains(&n) {
                        names.push(n);
                    }
                }
                out.push(Block::Para(cx.msg("question-voir-aussi", &[("liste", Arg::Text(names.join("\u{202f}; ")))])));
            }
            Reply::Compris { items } => {
                let parts: Vec<String> = items.iter().map(|(role, value)| understood(&cx, *role, value)).collect();
                out.push(Block::Para(cx.msg("compris", &[("liste", Arg::Text(parts.join(" ; ")))])));
            }
            Reply::Suivi { dispositif, acteur, aspect, seul } => {
                if let Some(d) = dispositif.as_deref().and_then(|d| content.catalogue.dispositif(d)) {
                    suivi(&cx, &mut out, d, *aspect, *seul);
                } else if let Some(a) = acteur.as_deref().and_then(|a| content.catalogue.acteur(a)) {
                    out.push(Block::Card(acteur_card(&cx, a, !matches!(aspect, crate::reply::Aspect::Contact))));
                }
            }
            Reply::Resume { liste, colonnes, lignes } => resume(&cx, &mut out, liste, colonnes, lignes),
            Reply::Demande(d) => demande::blocks(&cx, &mut out, d),
            Reply::HorsChamp { sujet } => {
                if let Some(h) = content.catalogue.hors_champ.iter().find(|h| &h.id == sujet) {
                    // A door of the Manche is not a door for a commune of elsewhere.
                    let porte = if cx.ailleurs.is_some() && h.porte.contains("manche.gouv.fr") {
                        cx.msg("porte-hors-manche", &[])
                    } else {
                        h.porte.clone()
                    };
                    out.push(Block::Para(
                        cx.msg("hors-champ", &[("sujet", Arg::Text(h.nom.clone())), ("porte", Arg::Text(porte))]),
                    ));
                }
            }
        }
    }
    out
}

/// A summary of a questionnaire: one line per item with its answers, then the catalogue entries
/// related to the items that were not answered « non » in the first column.
fn resume(
    cx: &Ctx<'_>,
    out: &mut Vec<Block>,
    liste: &str,
    colonnes: &[String],
    lignes: &[(String, Vec<Option<crate::dialogue::Value>>)],
) {
    use crate::dialogue::Value;
    let cat = &cx.content.catalogue;
    let Some(l) = cat.liste(liste) else { return };
    let value = |v: &Option<Value>| -> String {
        match v {
            Some(Value::Bool(true)) => cx.msg("oui", &[]),
            Some(Value::Bool(false)) => cx.msg("non", &[]),
            Some(v) if v.is_unknown() => cx.msg("choix-nsp", &[]),
            Some(Value::Choice(c)) => c.clone(),
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Number(n)) => format_number(*n),
            _ => cx.msg("resume-sans-reponse", &[]),
        }
    };
    out.push(Block::Para(cx.msg(
        "resume-titre",
        &[("nombre", Arg::Number(i64::try_from(lignes.len()).unwrap_or(0))), ("liste", Arg::Text(l.nom.clone()))],
    )));
    let titles: Vec<String> = colonnes.iter().map(|t| cx.msg(t, &[])).collect();
    let mut lines = vec![];
    let mut links = vec![];
    for (item, answers) in lignes {
        let Some(e) = l.element(item) else { continue };
        let cells: Vec<String> = titles
            .iter()
            .zip(answers)
            .map(|(t, a)| cx.msg("resume-cellule", &[("titre", Arg::Text(t.clone())), ("valeur", Arg::Text(value(a)))]))
            .collect();
        lines.push(format!("• {} — {}", e.nom, cells.join(" · ")));
        let kept = !matches!(answers.first(), Some(Some(Value::Bool(false))));
        if kept && !e.dispositifs.is_empty() {
            let names: Vec<String> = e
                .dispositifs
                .iter()
                .filter_map(|d| {
                    cat.dispositif(d).map(|x| x.nom.clone()).or_else(|| cat.acteur(d).map(|a| a.nom.clone()))
                })
                .collect();
            links.push(format!(
                "• {}",
                cx.msg("resume-lien", &[("element", Arg::Text(e.nom.clone())), ("liste", Arg::Text(names.join(", ")))])
            ));
        }
    }
    if !lines.is_empty() {
        out.push(Block::Para(lines.join("\n")));
    }
    if !links.is_empty() {
        out.push(Block::Para(format!("{}\n{}", cx.msg("resume-liens", &[]), links.join("\n"))));
    }
}

/// One answer as the bot understood it: "commune : Genêts", "aucun programme"…
fn understood(cx: &Ctx<'_>, role: crate::dialogue::model::Role, value: &crate::dialogue::Value) -> String {
    use crate::dialogue::Value;
    use crate::dialogue::model::Role;
    let cat = &cx.content.catalogue;
    let ids: Vec<String> = match value {
        Value::Choice(c) => vec![c.clone()],
        Value::Multi(v) => v.clone(),
        _ => vec![],
    };
    let names = |f: &dyn Fn(&str) -> Option<String>| -> String {
        ids.iter().map(|i| f(i).unwrap_or_else(|| i.clone())).collect::<Vec<_>>().join(", ")
    };
    let text = match (role, value) {
        (Role::Commune, Value::Commune(insee)) => {
            cx.content.communes.by_insee(insee).map_or_else(|| insee.clone(), |c| c.nom.clone())
        }
        (Role::Commune, Value::Ailleurs { nom, departement_nom, .. }) => format!("{nom} ({departement_nom})"),
        (_, Value::Number(n)) => format_number(*n),
        (Role::Programmes, _) if ids.iter().all(|i| i == crate::dialogue::parse::AUCUN) => {
            crate::dialogue::parse::AUCUN.to_owned()
        }
        (Role::Programmes, _) => names(&|i| cat.statut(i).map(|s| s.nom.clone())),
        (Role::Themes, _) => names(&|i| cat.theme(i).map(|t| t.nom.to_lowercase())),
        (Role::Etape, _) => names(&|i| cat.etape(i).map(|t| t.nom.to_lowercase())),
        (Role::Besoin, _) => names(&|i| cat.besoin(i).map(|t| t.nom.to_lowercase())),
        (_, Value::Text(t)) => t.clone(),
        _ => names(&|_| None),
    };
    cx.msg(&format!("compris-{}", role.name()), &[("valeur", Arg::Text(text))])
}

/// One aspect of a dispositif, asked as a follow-up.
fn suivi(cx: &Ctx<'_>, out: &mut Vec<Block>, d: &Dispositif, aspect: crate::reply::Aspect, seul: bool) {
    use crate::catalogue::matching::{Profil, evaluate};
    use crate::reply::Aspect;
    let cat = &cx.content.catalogue;
    let nom = || ("nom", Arg::Text(d.nom.clone()));
    let contact = || ("contacts", Arg::Text(contact_line(cx, d)));
    let mut lines: Vec<Field> = vec![];
    match aspect {
        Aspect::Beneficiaires => {
            let c = &d.conditions;
            let mut conds = vec![];
            if let Some(n) = c.population_max {
                conds.push(cx.msg("raison-population-max", &[("max", Arg::Text(format_number(i64::from(n) + 1)))]));
            }
            if let Some(n) = c.population_min {
                conds.push(cx.msg("raison-population-min", &[("min", Arg::Text(format_number(i64::from(n))))]));
            }
            for s in &c.statuts_requis {
                conds.push(cx.msg("raison-statut-requis", &[("statut", Arg::Text(statut_nom(cx, s)))]));
            }
            for s in &c.statuts_exclus {
                conds.push(cx.msg("raison-statut-exclu", &[("statut", Arg::Text(statut_nom(cx, s)))]));
            }
            if !c.beneficiaires.is_empty() {
                conds.push(cx.msg("suivi-porteurs", &[("liste", Arg::Text(c.beneficiaires.join(", ")))]));
            }
            if conds.is_empty() {
                lines.push(Field::Text(cx.msg("suivi-sans-condition", &[nom()])));
            } else {
                lines.push(Field::Text(cx.msg("suivi-conditions", &[nom(), ("liste", Arg::Text(conds.join(" ; ")))])));
            }
            if d.regles_anct {
                lines.push(Field::Text(cx.msg("regles-anct", &[])));
            }
        }
        Aspect::Population(n) => {
            let p = Profil { population: Some(n), ..Profil::default() };
            let index = cat.dispositifs.iter().position(|x| x.id == d.id).unwrap_or(0);
            let pop = ("population", Arg::Text(format_number(i64::from(n))));
            match evaluate(cat, index, &p) {
                Err(
                    e @ (crate::catalogue::Echec::PopulationMax { .. } | crate::catalogue::Echec::PopulationMin { .. }),
                ) => {
                    let mut args = vec![nom()];
                    let id = crate::dialogue::echec_message(cat, d, &e, &mut args);
                    lines.push(Field::Text(cx.msg(id, &args)));
                }
                _ if d.conditions.population_max.is_some() || d.conditions.population_min.is_some() => {
                    lines.push(Field::Text(cx.msg("suivi-population-oui", &[nom(), pop])));
                }
                _ => lines.push(Field::Text(cx.msg("suivi-population-libre", &[nom(), pop]))),
            }
            if !d.conditions.statuts_requis.is_empty() || !d.conditions.statuts_exclus.is_empty() {
                let mut conds = vec![];
                for s in &d.conditions.statuts_requis {
                    conds.push(cx.msg("raison-statut-requis", &[("statut", Arg::Text(statut_nom(cx, s)))]));
                }
                for s in &d.conditions.statuts_exclus {
                    conds.push(cx.msg("raison-statut-exclu", &[("statut", Arg::Text(statut_nom(cx, s)))]));
                }
                lines.push(Field::Text(cx.msg("suivi-aussi", &[("liste", Arg::Text(conds.join(" ; ")))])));
            }
        }
        Aspect::Cout => match (&d.financement, &d.charge) {
            (Some(f), _) => lines.push(Field::Text(cx.msg("resultat-financement", &[("texte", Arg::Text(f.clone()))]))),
            (None, Some(c)) => lines.push(Field::Text(cx.msg("resultat-charge", &[("texte", Arg::Text(c.clone()))]))),
            (None, None) => lines.push(Field::Text(cx.msg("suivi-cout-inconnu", &[nom(), contact()]))),
        },
        Aspect::Cumul => lines.push(Field::Text(cx.msg("suivi-cumul", &[nom(), contact()]))),
        Aspect::Demarche => match &d.saisine {
            Some(s) => lines.push(Field::Text(cx.msg("details-saisine", &[("texte", Arg::Text(s.clone()))]))),
            None => lines.push(Field::Text(cx.msg("suivi-demarche-inconnue", &[nom(), contact()]))),
        },
        Aspect::Duree => match &d.charge {
            Some(c) => lines.push(Field::Text(cx.msg("resultat-charge", &[("texte", Arg::Text(c.clone()))]))),
            None => lines.push(Field::Text(cx.msg("suivi-duree-inconnue", &[nom(), contact()]))),
        },
        Aspect::Contact => {}
    }
    if seul {
        lines.push(Field::Text(cx.msg("resultat-contact", &[contact()])));
        out.push(Block::Card(Card { title: d.nom.clone(), lines }));
    } else {
        out.extend(lines.into_iter().filter_map(|l| match l {
            Field::Text(t) => Some(Block::Para(t)),
            _ => None,
        }));
    }
}

fn doc_name(content: &Content, d: Doc) -> String {
    let cat = &content.catalogue;
    match d {
        Doc::Dispositif(i) => cat.dispositifs[i].nom.clone(),
        Doc::Acteur(i) => cat.acteurs[i].nom.clone(),
        Doc::Sigle(i) => format!("{} ({})", cat.glossaire[i].sigle, cat.glossaire[i].developpe),
        Doc::Theme(i) => cat.themes[i].nom.clone(),
    }
}

/// What the result list must also say.
#[derive(Debug, Clone, Copy)]
struct Flags {
    regles: bool,
    travaux: bool,
    hors_manche: bool,
}

fn resultats(cx: &Ctx<'_>, out: &mut Vec<Block>, items: &[MatchView], autres: usize, flags: Flags, suite: &[String]) {
    let cat = &cx.content.catalogue;
    if flags.travaux {
        out.push(Block::Para(cx.msg("anct-pas-travaux", &[])));
    }
    if items.is_empty() {
        out.push(Block::Para(cx.msg("resultats-aucun", &[])));
    } else {
        out.push(Block::Para(
            cx.msg("resultats-titre", &[("nombre", Arg::Number(i64::try_from(items.len()).unwrap_or(0)))]),
        ));
    }
    for (i, m) in items.iter().enumerate() {
        let Some(d) = cat.dispositif(&m.dispositif) else {
            continue;
        };
        let mut lines = vec![];
        if !m.raisons.is_empty() {
            lines.push(Field::Text(cx.msg("resultat-pourquoi", &[("raisons", Arg::Text(raisons(cx, &m.raisons)))])));
        }
        if !m.a_verifier.is_empty() {
            lines.push(Field::Text(
                cx.msg("resultat-a-verifier", &[("conditions", Arg::Text(raisons(cx, &m.a_verifier)))]),
            ));
        }
        if let Some(f) = &d.financement {
            lines.push(Field::Text(cx.msg("resultat-financement", &[("texte", Arg::Text(f.clone()))])));
        } else if let Some(c) = &d.charge {
            lines.push(Field::Text(cx.msg("resultat-charge", &[("texte", Arg::Text(c.clone()))])));
        }
        lines.push(Field::Text(cx.msg("resultat-contact", &[("contacts", Arg::Text(contact_line(cx, d)))])));
        if expired(cx, &d.dates) {
            lines.extend(date_line(cx, &d.dates).map(Field::Text));
        }
        out.push(Block::Item { n: i + 1, title: d.nom.clone(), lines });
    }
    if autres > 0 {
        out.push(Block::Para(
            cx.msg("resultats-autres", &[("nombre", Arg::Number(i64::try_from(autres).unwrap_or(0)))]),
        ));
    }
    if flags.regles {
        out.push(Block::Para(cx.msg("regles-anct", &[])));
    }
    if !suite.is_empty() {
        let names: Vec<String> = suite.iter().filter_map(|id| cat.dispositif(id)).map(|d| d.nom.clone()).collect();
        out.push(Block::Para(cx.msg("suite-financement", &[("liste", Arg::Text(names.join(", ")))])));
    }
    out.push(Block::Para(cx.msg("resultats-details-aide", &[])));
    // Old information in the list: said once, dated by the oldest of it.
    let max = cat.max_age_months;
    let oldest = cx.today.and_then(|today| {
        items
            .iter()
            .filter_map(|m| cat.dispositif(&m.dispositif))
            .filter(|d| d.dates.to_confirm(today, max))
            .filter_map(|d| d.dates.latest())
            .min()
    });
    if let Some(oldest) = oldest {
        let date = cx.content.locales.date(cx.lang, "date-de-mois-annee", &oldest.to_string());
        out.push(Block::Para(cx.msg("a-confirmer-resultats", &[("date", Arg::Text(date))])));
    }
    // A request can be forwarded from here, when the content has a dialogue that sends one (in
    // the Manche only: elsewhere the entry point is another préfecture).
    let forwards = cx
        .content
        .dialogues
        .values()
        .any(|d| d.nodes.iter().any(|n| n.action == Some(crate::dialogue::model::Action::DemandeEnvoi)));
    if forwards && !flags.hors_manche {
        out.push(Block::Para(cx.msg("resultats-transmettre", &[])));
    }
    out.push(Block::Para(cx.msg(if flags.hors_manche { "guichet-hors-manche" } else { "guichet-unique" }, &[])));
}

/// The reasons of a match as one short sentence.
fn raisons(cx: &Ctx<'_>, rs: &[Raison]) -> String {
    let cat = &cx.content.catalogue;
    let parts: Vec<String> = rs
        .iter()
        .map(|r| match r {
            Raison::Theme(t) => cx.msg(
                "raison-theme",
                &[("theme", Arg::Text(cat.theme(t).map_or_else(|| t.clone(), |x| x.nom.to_lowercase())))],
            ),
            Raison::TousThemes => cx.msg("raison-tous-themes", &[]),
            Raison::Etape(e) => cx.msg(
                "raison-etape",
                &[("etape", Arg::Text(cat.etape(e).map_or_else(|| e.clone(), |x| x.nom.to_lowercase())))],
            ),
            Raison::PopulationMax(n) => {
                cx.msg("raison-population-max", &[("max", Arg::Text(format_number(i64::from(*n) + 1)))])
            }
            Raison::PopulationMin(n) => {
                cx.msg("raison-population-min", &[("min", Arg::Text(format_number(i64::from(*n))))])
            }
            Raison::StatutRequis(s) => cx.msg("raison-statut-requis", &[("statut", Arg::Text(statut_nom(cx, s)))]),
            Raison::StatutExclu(s) => cx.msg("raison-statut-exclu", &[("statut", Arg::Text(statut_nom(cx, s)))]),
            Raison::Besoin(b) => cx.msg("raison-besoin", &[("besoin", Arg::Text(b.clone()))]),
            Raison::Beneficiaire(b) => cx.msg("raison-beneficiaire", &[("porteur", Arg::Text(b.clone()))]),
        })
        .collect();
    let mut s = parts.join(", ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + &s[1..];
    }
    s
}

fn statut_nom(cx: &Ctx<'_>, s: &str) -> String {
    cx.content.catalogue.statut(s).map_or_else(|| s.to_owned(), |x| x.nom.clone())
}

/// "DDTM 50 : 02 33 06 39 00, ddtm@manche.gouv.fr" for each contact of a dispositif; actors
/// without details send to the single entry point.
fn contact_line(cx: &Ctx<'_>, d: &Dispositif) -> String {
    let mut parts = vec![];
    for id in &d.contacts {
        let Some(a) = cx.content.catalogue.acteur(id) else {
            continue;
        };
        if cx.not_theirs(a) {
            let own = cx.msg("contact-hors-manche", &[]);
            if !parts.contains(&own) {
                parts.push(own);
            }
            continue;
        }
        let site = a.contacts.iter().find(|s| s.telephone.is_some() || s.email.is_some());
        match site {
            Some(s) => {
                let bits: Vec<&str> = [s.telephone.as_deref(), s.email.as_deref()].into_iter().flatten().collect();
                parts.push(format!("{} ({})", a.short_name(), bits.join(", ")));
            }
            None => match a.contacts.iter().find_map(|s| s.web.as_deref()) {
                Some(web) => parts.push(format!("{} ({web})", a.short_name())),
                None => parts.push(cx.msg("carte-contact-inconnu", &[("nom", Arg::Text(a.short_name().to_owned()))])),
            },
        }
    }
    parts.join("\u{202f}; ")
}

fn short_dispositif(cx: &Ctx<'_>, d: &Dispositif) -> Card {
    let mut lines = vec![Field::Text(d.resume.clone())];
    if let Some(f) = &d.financement {
        lines.push(Field::Text(cx.msg("resultat-financement", &[("texte", Arg::Text(f.clone()))])));
    }
    if let Some(c) = &d.charge {
        lines.push(Field::Text(cx.msg("resultat-charge", &[("texte", Arg::Text(c.clone()))])));
    }
    lines.push(Field::Text(cx.msg("resultat-contact", &[("contacts", Arg::Text(contact_line(cx, d)))])));
    lines.extend(date_line(cx, &d.dates).map(Field::Text));
    Card { title: d.nom.clone(), lines }
}

fn details(cx: &Ctx<'_>, out: &mut Vec<Block>, d: &Dispositif) {
    let mut elsewhere = false;
    let mut lines = vec![Field::Text(d.resume.clone())];
    if !d.details.is_empty() {
        lines.push(Field::Text(cx.msg("details-prestations", &[])));
        lines.extend(d.details.iter().map(|x| Field::Text(format!("• {x}"))));
    }
    if let Some(f) = &d.financement {
        lines.push(Field::Text(cx.msg("resultat-financement", &[("texte", Arg::Text(f.clone()))])));
    }
    if let Some(c) = &d.charge {
        lines.push(Field::Text(cx.msg("resultat-charge", &[("texte", Arg::Text(c.clone()))])));
    }
    if let Some(s) = &d.saisine {
        if cx.sends_to_guichet(s) {
            lines.push(Field::Text(cx.msg("saisine-hors-manche", &[])));
        } else {
            lines.push(Field::Text(cx.msg("details-saisine", &[("texte", Arg::Text(s.clone()))])));
        }
    }
    if d.regles_anct {
        lines.push(Field::Text(cx.msg("regles-anct", &[])));
    }
    lines.push(Field::Text(cx.msg("details-source", &[("source", Arg::Text(d.source.clone()))])));
    lines.extend(date_line(cx, &d.dates).map(Field::Text));
    out.push(Block::Card(Card { title: d.nom.clone(), lines }));
    let mut seen = vec![];
    for id in &d.contacts {
        if id == GUICHET_UNIQUE || seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(a) = cx.content.catalogue.acteur(id) {
            if cx.not_theirs(a) {
                elsewhere = true;
                continue;
            }
            out.push(Block::Card(acteur_card(cx, a, false)));
        }
    }
    if elsewhere {
        out.push(Block::Para(cx.msg("guichet-hors-manche", &[])));
    }
}

/// « Information de mars 2024. », or, when it is to be confirmed on the day of the turn, what
/// to check: past its validity, a yearly call of another year, older than the allowed age.
fn date_line(cx: &Ctx<'_>, dates: &Dates) -> Option<String> {
    let locales = &cx.content.locales;
    let since = dates.source_date.as_ref().or(dates.verifie_le.as_ref())?;
    let mut date = locales.date(cx.lang, "date-de-mois-annee", since);
    if let (Some(_), Some(v)) = (&dates.source_date, &dates.verifie_le) {
        let verifie = locales.date(cx.lang, "date-mois-annee", v);
        date = cx.msg("date-verifiee", &[("date", Arg::Text(date)), ("verifie", Arg::Text(verifie))]);
    }
    let mut args: Args = vec![("date", Arg::Text(date))];
    let expired = cx.today.zip(dates.until()).filter(|(today, until)| today > until).map(|(_, until)| until);
    let id = match (cx.today, expired) {
        (Some(_), Some(_)) if dates.appel_annuel && dates.valable_jusqu_au.is_none() => "information-annuelle",
        (Some(_), Some(until)) => {
            args.push(("fin", Arg::Text(locales.date(cx.lang, "date-jour-mois-annee", &until.to_string()))));
            "information-echue"
        }
        (Some(today), None) if dates.to_confirm(today, cx.content.catalogue.max_age_months) => {
            "information-a-confirmer"
        }
        _ => "information",
    };
    Some(cx.msg(id, &args))
}

/// Whether a record shown on the day of the turn is past its validity (a line of its own in a
/// result list).
fn expired(cx: &Ctx<'_>, dates: &Dates) -> bool {
    cx.today.zip(dates.until()).is_some_and(|(today, until)| today > until)
}

/// The single entry point's address, as the data gives it (the first email of the contacts of
/// the `guichet-unique` record).
#[must_use]
pub fn guichet_email(content: &Content) -> Option<&str> {
    let cat = &content.catalogue;
    cat.dispositif(GUICHET_UNIQUE)?
        .contacts
        .iter()
        .filter_map(|id| cat.acteur(id))
        .flat_map(|a| &a.contacts)
        .find_map(|s| s.email.as_deref())
}

/// Arguments saying in which programmes a commune is listed, by whom and since when: `nombre`,
/// `valeur` (the names; with several, each with its list's date), `editeur`, `date`.
#[must_use]
pub fn programme_args(content: &Content, lang: &str, commune: &Commune, ids: &[String]) -> Args {
    let locales = &content.locales;
    let mut names = vec![];
    let mut editeurs: Vec<String> = vec![];
    let mut dates = vec![];
    for id in ids {
        let nom = content.catalogue.statut(id).map_or_else(|| id.clone(), |s| s.nom.clone());
        match commune.statuts.iter().find(|r| &r.statut == id) {
            Some(row) => {
                if !editeurs.contains(&row.editeur) {
                    editeurs.push(row.editeur.clone());
                }
                let date = locales.date(lang, "date-mois-annee", &row.source_date);
                names.push(if ids.len() > 1 {
                    locales.msg(lang, "programme-date", &[("nom", Arg::Text(nom)), ("date", Arg::Text(date.clone()))])
                } else {
                    nom
                });
                dates.push(date);
            }
            None => names.push(nom),
        }
    }
    vec![
        ("nombre", Arg::Number(i64::try_from(ids.len()).unwrap_or(0))),
        ("valeur", Arg::Text(locales.join(lang, &names))),
        ("editeur", Arg::Text(locales.join(lang, &editeurs))),
        ("date", Arg::Text(dates.first().cloned().unwrap_or_default())),
    ]
}

/// A contact card: name, then each site's lines. `full` adds domains and modalities.
fn acteur_card(cx: &Ctx<'_>, a: &Acteur, full: bool) -> Card {
    let title = match &a.sigle {
        Some(s) if !a.nom.contains(s.as_str()) => format!("{} ({s})", a.nom),
        _ => a.nom.clone(),
    };
    let mut lines = vec![];
    if full {
        if !a.domaines.is_empty() {
            lines.push(Field::Text(cx.msg("carte-domaines", &[("liste", Arg::Text(a.domaines.join(", ")))])));
        }
        lines.push(Field::Text(a.presentation.clone()));
        for (kind, text) in &a.interventions {
            if cx.sends_to_guichet(text) {
                continue;
            }
            lines.push(Field::Text(format!("{}{NNBSP}: {text}", cx.msg(&format!("ingenierie-{kind}"), &[]))));
        }
    }
    if cx.not_theirs(a) {
        // The Manche's contacts are not this person's: their own préfecture is.
        lines.push(Field::Text(cx.msg("carte-hors-manche", &[])));
        return Card { title, lines };
    }
    for s in &a.contacts {
        let mut head = s.libelle.clone();
        if let Some(addr) = &s.adresse {
            head = format!("{head}{NNBSP}: {addr}");
        }
        lines.push(Field::Text(head));
        if let Some(t) = &s.telephone {
            lines.push(Field::Phone { label: cx.msg("carte-tel", &[]), number: t.clone() });
        }
        if let Some(t) = &s.fax {
            lines.push(Field::Text(format!("{} {t}", cx.msg("carte-fax", &[]))));
        }
        if let Some(e) = &s.email {
            lines.push(Field::Email { label: cx.msg("carte-email", &[]), address: e.clone() });
        }
        if let Some(w) = &s.web {
            lines.push(Field::Web { label: cx.msg("carte-web", &[]), url: w.clone() });
        }
    }
    if a.is_incomplete() {
        lines.push(Field::Text(cx.msg("carte-contact-inconnu", &[("nom", Arg::Text(a.short_name().to_owned()))])));
    }
    if full
        && let Some(m) = &a.modalites
        && !cx.sends_to_guichet(m)
    {
        lines.push(Field::Text(cx.msg("carte-modalites", &[("texte", Arg::Text(m.clone()))])));
    }
    if full {
        lines.extend(date_line(cx, &a.dates).map(Field::Text));
    }
    Card { title, lines }
}
