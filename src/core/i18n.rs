//! Every sentence the bot says, from Fluent files loaded at run time (`locales/<lang>/*.ftl`).
//!
//! French is the reference; a translation may lack messages, and then French is used. Code refers
//! to messages by id only, and lists the ids it uses in [`CODE_MESSAGES`] so that `check` can
//! prove each exists.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The reference language.
pub const REFERENCE: &str = "fr";

/// Message ids that the Rust code emits (dialogue files name theirs; `check` verifies both).
pub const CODE_MESSAGES: &[&str] = &[
    "accueil",
    "accueil-retour",
    "vie-privee",
    "excuse-retard",
    "oubli-confirme",
    "oubli-fait",
    "oubli-annule",
    "message-vide",
    "message-trop-long",
    "aide-generale",
    "aide-commune",
    "aide-nombre",
    "aide-choix",
    "aide-oui-non",
    "aide-texte",
    "aide-resultats",
    "incompris-commune",
    "incompris-nombre",
    "incompris-choix",
    "incompris-oui-non",
    "incompris-texte",
    "incompris-encore",
    "retour-impossible",
    "retour-ok",
    "recommencer-ok",
    "stop-ok",
    "reprise",
    "reprise-contenu-change",
    "commune-plusieurs",
    "commune-hors-manche",
    "choix-nsp",
    "oui",
    "non",
    "statuts-aucun-connu",
    "statuts-connus",
    "statuts-explication-titre",
    "resultats-titre",
    "resultats-aucun",
    "resultats-autres",
    "resultats-details-aide",
    "resultat-pourquoi",
    "resultat-financement",
    "resultat-charge",
    "resultat-contact",
    "resultat-a-verifier",
    "raison-theme",
    "raison-tous-themes",
    "raison-etape",
    "raison-population-max",
    "raison-population-min",
    "raison-statut-requis",
    "raison-statut-exclu",
    "raison-besoin",
    "regles-anct",
    "anct-pas-travaux",
    "suite-financement",
    "guichet-unique",
    "guichet-hors-manche",
    "details-introuvable",
    "details-saisine",
    "details-prestations",
    "details-source",
    "pourquoi-pas-introuvable",
    "pourquoi-pas-retenu",
    "pourquoi-pas-classe",
    "pourquoi-pas-population-max",
    "pourquoi-pas-population-min",
    "pourquoi-pas-statut-requis",
    "pourquoi-pas-statut-exclu",
    "pourquoi-pas-departement",
    "pourquoi-pas-theme",
    "pourquoi-pas-etape",
    "pourquoi-pas-profil",
    "question-rien",
    "question-voir-aussi",
    "question-sigle",
    "question-theme",
    "question-reprise",
    "merci-reponse",
    "carte-contact-inconnu",
    "carte-tel",
    "carte-fax",
    "carte-email",
    "carte-web",
    "carte-domaines",
    "carte-modalites",
    "ingenierie-amont",
    "ingenierie-projet",
    "ingenierie-administrative",
    "ingenierie-reglementaire-juridique",
    "ingenierie-fonciere",
    "ingenierie-financiere",
    "ingenierie-concertation",
    "erreur-interne",
    "message-indechiffrable",
    "rechargement-ok",
    "rechargement-inchange",
    "rechargement-refuse",
    "admin-refus",
    "admin-inconnue",
    "admin-aide",
    "admin-aide-aide",
    "admin-aide-recharger",
    "admin-aide-demandes",
    "admin-demandes-titre",
    "admin-demandes-aucune",
    "admin-demandes-ligne",
    "demande-statut-en-attente",
    "demande-statut-envoyee",
    "demande-statut-echec",
    "demande-statut-manuelle",
    "demande-statut-annulee",
    // The stored demand and its email (render/demande.rs).
    "demande-envoyee",
    "demande-copie",
    "demande-envoi-differe",
    "demande-sans-courriel",
    "demande-objet",
    "demande-texte-pret",
    "demande-lien-titre",
    "demande-lien",
    "courriel-objet",
    "courriel-intro",
    "courriel-fin",
    "admin-aide-stats",
    "admin-aide-sans-reponse",
    "admin-stats",
    "admin-stats-semaine",
    "admin-stats-themes",
    "admin-sans-reponse",
    "admin-sans-reponse-groupe",
    "admin-sans-reponse-vide",
    // Alerts (src/alerts.rs).
    "alertes-terminal",
    "alertes-ok-themes",
    "alertes-ok-tout",
    "alertes-liste-themes",
    "alertes-liste-tout",
    "alertes-aucune",
    "alertes-stop",
    "alerte-titre",
    "alerte-nouveau",
    "alerte-modifie",
    "alerte-fin",
    "alerte-champ-nom",
    "alerte-champ-resume",
    "alerte-champ-nature",
    "alerte-champ-porteurs",
    "alerte-champ-contacts",
    "alerte-champ-themes",
    "alerte-champ-etapes",
    "alerte-champ-conditions",
    "alerte-champ-details",
    "alerte-champ-financement",
    "alerte-champ-saisine",
    "alerte-champ-dates",
    "discord-choisir",
    "discord-bouton-autre",
    "discord-bouton-perime",
    "discord-serveur-refuse",
    "discord-commande-orienter",
    "discord-commande-question",
    "discord-option-texte",
    "discord-option-nom",
    // Dates, lists, freshness, hors Manche (render/mod.rs, render/annotate.rs).
    "date-mois-annee",
    "date-de-mois-annee",
    "date-jour-mois-annee",
    "liste-et",
    "programme-date",
    "saisine-hors-manche",
    "carte-hors-manche",
    "contact-hors-manche",
    "porte-hors-manche",
    "a-confirmer-resultats",
    "date-verifiee",
    "information",
    "information-a-confirmer",
    "information-echue",
    "information-annuelle",
    "compris",
    "correction-ok",
    "demande-aucun-programme",
    "demande-champ-dispositifs",
    "demande-commune-insee",
    "demande-titre",
    "hors-champ",
    "nsp-garde",
    "nsp-ok",
    "question-passee",
    "raison-beneficiaire",
    "recours-guichet",
    "reprise-parcours",
    "resultats-transmettre",
    "resume-cellule",
    "resume-lien",
    "resume-liens",
    "resume-sans-reponse",
    "stop-parcours",
    "suivi-aussi",
    "suivi-conditions",
    "suivi-cout-inconnu",
    "suivi-cumul",
    "suivi-demarche-inconnue",
    "suivi-duree-inconnue",
    "suivi-population-libre",
    "suivi-population-oui",
    "suivi-porteurs",
    "suivi-quel-dispositif",
    "suivi-sans-condition",
    "statut-liste-differente",
    "question-theme-piste",
];

/// Fluent bundles by language.
pub struct Locales {
    bundles: HashMap<String, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locales").field("languages", &self.bundles.keys().collect::<Vec<_>>()).finish()
    }
}

/// A message argument: text, or a number that drives plural selection.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

pub type Args = Vec<(&'static str, Arg)>;

/// A message argument's name that comes from content (a list's field, say), as the `'static`
/// name [`Args`] holds. Names are interned once: their number is bounded by the content.
#[must_use]
pub fn arg_name(name: &str) -> Option<&'static str> {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let mut names =
        NAMES.get_or_init(|| Mutex::new(HashSet::new())).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = names.get(name) {
        return Some(n);
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    Some(leaked)
}

impl Locales {
    /// Bundles from already-parsed resources (the loader parses and reports errors).
    #[must_use]
    pub fn new(resources: Vec<(String, Vec<FluentResource>)>) -> Self {
        let mut bundles = HashMap::new();
        for (lang, resources) in resources {
            let langid: LanguageIdentifier = lang.parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            for res in resources {
                // Duplicates are reported by the loader; the first definition wins here.
                let _ = bundle.add_resource(res);
            }
            bundles.insert(lang, bundle);
        }
        Self { bundles }
    }

    #[must_use]
    pub fn languages(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.bundles.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    #[must_use]
    pub fn has(&self, lang: &str, id: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(id))
    }

    /// The message `id` in `lang`, or in French when the translation lacks it. A missing id
    /// (which `check` forbids) gives the id itself, so that nothing is silently dropped.
    #[must_use]
    pub fn msg(&self, lang: &str, id: &str, args: &[(&'static str, Arg)]) -> String {
        let bundle = self.bundles.get(lang).filter(|b| b.has_message(id)).or_else(|| self.bundles.get(REFERENCE));
        let Some(bundle) = bundle else {
            return id.to_owned();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::error!(id, "message Fluent absent");
            return id.to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Text(s) => fargs.set(*k, FluentValue::from(s.as_str())),
                Arg::Number(n) => fargs.set(*k, FluentValue::from(*n)),
            }
        }
        let mut errors = vec![];
        let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, ?errors, "erreur de formatage Fluent");
        }
        out.into_owned()
    }
}

impl Locales {
    /// A date written `AAAA-MM-JJ` in words, with message `id` of the language (which receives
    /// `jour` and `mois` as numbers and `annee` as text): « août 2024 », « d'août 2024 »,
    /// « 1er décembre 2026 ». A text that is no date is given back as it is.
    #[must_use]
    pub fn date(&self, lang: &str, id: &str, iso: &str) -> String {
        let Some(d) = crate::catalogue::freshness::Day::parse(iso) else {
            return iso.to_owned();
        };
        self.msg(
            lang,
            id,
            &[
                ("jour", Arg::Number(i64::from(d.day))),
                ("mois", Arg::Number(i64::from(d.month))),
                ("annee", Arg::Text(d.year.to_string())),
            ],
        )
    }

    /// Items as the language lists them: « a, b et c ».
    #[must_use]
    pub fn join(&self, lang: &str, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [head @ .., last] => self.msg(
                lang,
                "liste-et",
                &[("debut", Arg::Text(head.join(", "))), ("dernier", Arg::Text(last.clone()))],
            ),
        }
    }
}

/// A number written the French way: `1 400` with a narrow no-break space.
#[must_use]
pub fn format_number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 4);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_french() {
        assert_eq!(format_number(1400), "1\u{202f}400");
        assert_eq!(format_number(800), "800");
        assert_eq!(format_number(78258), "78\u{202f}258");
    }

    #[test]
    fn falls_back_to_french() {
        let fr = FluentResource::try_new("bonjour = Bonjour { $nom }\nseul = Seulement en français\n".into()).unwrap();
        let en = FluentResource::try_new("bonjour = Hello { $nom }\n".into()).unwrap();
        let l = Locales::new(vec![("fr".into(), vec![fr]), ("en".into(), vec![en])]);
        assert_eq!(l.msg("en", "bonjour", &[("nom", Arg::Text("Anne".into()))]), "Hello Anne");
        assert_eq!(l.msg("en", "seul", &[]), "Seulement en français");
        assert_eq!(l.msg("fr", "absent", &[]), "absent");
    }
}
