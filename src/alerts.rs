//! Alerts: a person asks to be told when the catalogue changes (« prévenez-moi des nouveautés
//! sur la mobilité », « m'alerter » after results); « mes alertes » lists, « stop alertes » ends.
//!
//! Pure, like the core: what a request is ([`request`]), the subscription it makes
//! ([`subscription`]), what changed between two catalogues ([`snapshot`], [`changes`]), which
//! changes concern a subscriber ([`concerns`]) and the message that says so ([`message`]). The
//! bot stores subscriptions in the turn's transaction; the driver's service pushes the messages
//! through the outbox of the subscriber's transport ([`crate::driver::service`]), one a day at
//! most, and records the catalogue version each subscriber was last told about (its baseline):
//! a restart compares the catalogue with that version, so nothing is announced twice.

use std::collections::BTreeMap;

use crate::catalogue::{Dispositif, Profil};
use crate::content::Content;
use crate::dialogue::Session;
use crate::dialogue::model::Role;
use crate::dialogue::vocab::Groupe;
use crate::i18n::Arg;
use crate::reply::Reply;
use crate::store::Subscription;

/// At most one alert per person in this many seconds.
pub const ALERT_EVERY: i64 = 86_400;

/// The name under which a catalogue snapshot is kept in the store (`meta`).
#[must_use]
pub fn snapshot_name(version: &str) -> String {
    format!("catalogue:{version}")
}

/// What the person asked about alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    Subscribe,
    List,
    Stop,
}

/// The alert request in a message, if any (the words are content: `dialogues/vocabulaire.toml`).
#[must_use]
pub fn request(content: &Content, folded: &str) -> Option<Request> {
    let v = &content.vocab;
    if v.is(Groupe::AlertesStop, folded) {
        Some(Request::Stop)
    } else if v.is(Groupe::AlertesListe, folded) {
        Some(Request::List)
    } else if v.contains(Groupe::Alertes, folded) {
        Some(Request::Subscribe)
    } else {
        None
    }
}

/// The subscription a request makes: the themes named in the message, else those of the
/// conversation's project (« m'alerter » after results), else every theme; and what is known of
/// the commune.
#[must_use]
pub fn subscription(content: &Content, session: &Session, folded: &str, key: &str, user: &str) -> Subscription {
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let mut themes = vec![];
    if let Some((_, node)) = dialogue.node_of_role(Role::Themes) {
        let labels = node.labels(&session.lang);
        let rest = content.vocab.remove_all(Groupe::Alertes, folded);
        if let Some(found) = crate::dialogue::parse::multi(&content.vocab, &rest, &node.choices, labels) {
            themes = found.into_iter().filter_map(|i| node.choices.get(i)).map(|c| c.value.clone()).collect();
        }
    }
    let mut profile = crate::dialogue::profil(content, session);
    if themes.is_empty() {
        themes.clone_from(&profile.themes);
    }
    themes.retain(|t| content.catalogue.theme(t).is_some());
    // The subscription is about the commune, not this project's stage or need.
    profile.themes.clear();
    profile.etape = None;
    profile.besoin = None;
    profile.porteur = None;
    Subscription {
        key: key.to_owned(),
        user: user.to_owned(),
        transport: key.split(':').next().unwrap_or_default().to_owned(),
        dest: String::new(),
        themes,
        profile,
        created: session.updated,
        last_alert: None,
        baseline: content.version.clone(),
    }
}

/// The themes of a subscription in words (« Mobilités, Habitat »), or `None` for every theme.
#[must_use]
pub fn themes_text(content: &Content, sub: &Subscription) -> Option<String> {
    let names: Vec<&str> =
        sub.themes.iter().filter_map(|t| content.catalogue.theme(t)).map(|t| t.nom.as_str()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// What the bot answers to a request, given the person's current subscription; and what the
/// turn must store: `Some(Some(sub))` subscribes, `Some(None)` unsubscribes.
#[must_use]
pub fn answer(
    content: &Content,
    request: Request,
    current: Option<&Subscription>,
    new: Option<Subscription>,
) -> (Vec<Reply>, Option<Option<Subscription>>) {
    match (request, new, current) {
        (Request::Subscribe, Some(sub), _) => {
            let reply = match themes_text(content, &sub) {
                Some(t) => Reply::say_with("alertes-ok-themes", vec![("themes", Arg::Text(t))]),
                None => Reply::say("alertes-ok-tout"),
            };
            (vec![reply], Some(Some(sub)))
        }
        (Request::Subscribe, None, _) => (vec![Reply::say("alertes-terminal")], None),
        (Request::List, _, Some(sub)) => {
            let since = crate::catalogue::freshness::Day::from_unix(sub.created).to_string();
            let reply = match themes_text(content, sub) {
                Some(t) => Reply::say_with(
                    "alertes-liste-themes",
                    vec![("themes", Arg::Text(t)), ("depuis", Arg::Text(since))],
                ),
                None => Reply::say_with("alertes-liste-tout", vec![("depuis", Arg::Text(since))]),
            };
            (vec![reply], None)
        }
        (Request::Stop, _, Some(_)) => (vec![Reply::say("alertes-stop")], Some(None)),
        (Request::List | Request::Stop, _, None) => (vec![Reply::say("alertes-aucune")], None),
    }
}

/// What an alert compares: each scheme's card, field by field, as text.
pub type Snapshot = BTreeMap<String, BTreeMap<String, String>>;

/// The fields of a card compared, each with the Fluent id that names it in an alert.
const FIELDS: [(&str, &str); 12] = [
    ("nom", "alerte-champ-nom"),
    ("resume", "alerte-champ-resume"),
    ("nature", "alerte-champ-nature"),
    ("porteurs", "alerte-champ-porteurs"),
    ("contacts", "alerte-champ-contacts"),
    ("themes", "alerte-champ-themes"),
    ("etapes", "alerte-champ-etapes"),
    ("conditions", "alerte-champ-conditions"),
    ("details", "alerte-champ-details"),
    ("financement", "alerte-champ-financement"),
    ("saisine", "alerte-champ-saisine"),
    ("dates", "alerte-champ-dates"),
];

fn fields(d: &Dispositif) -> BTreeMap<String, String> {
    let list = |v: &[String]| v.join("\n");
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let values = [
        d.nom.clone(),
        d.resume.clone(),
        d.nature.clone(),
        list(&d.porteurs),
        list(&d.contacts),
        list(&d.themes),
        list(&d.etapes),
        format!("{:?}", d.conditions),
        list(&d.details),
        format!("{}\n{}", opt(&d.financement), opt(&d.charge)),
        opt(&d.saisine),
        format!("{:?}", d.dates),
    ];
    FIELDS.iter().zip(values).map(|((f, _), v)| ((*f).to_owned(), v)).collect()
}

/// Every scheme's card fields.
#[must_use]
pub fn snapshot(content: &Content) -> Snapshot {
    content.catalogue.dispositifs.iter().map(|d| (d.id.clone(), fields(d))).collect()
}

/// A scheme new or changed since a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub dispositif: String,
    /// Empty: new. Else the Fluent ids of the fields that changed.
    pub fields: Vec<&'static str>,
}

/// The schemes of `now` new or changed since `before`, in catalogue order (removed ones are not
/// announced).
#[must_use]
pub fn changes(before: &Snapshot, now: &Content) -> Vec<Change> {
    now.catalogue
        .dispositifs
        .iter()
        .filter_map(|d| {
            let current = fields(d);
            match before.get(&d.id) {
                None => Some(Change { dispositif: d.id.clone(), fields: vec![] }),
                Some(old) => {
                    let changed: Vec<&'static str> =
                        FIELDS.iter().filter(|(f, _)| old.get(*f) != current.get(*f)).map(|(_, id)| *id).collect();
                    (!changed.is_empty()).then(|| Change { dispositif: d.id.clone(), fields: changed })
                }
            }
        })
        .collect()
}

/// Whether a change concerns a subscriber: the scheme serves one of the subscription's themes
/// (or every theme), and its conditions do not rule the commune out.
#[must_use]
pub fn concerns(content: &Content, sub: &Subscription, change: &Change) -> bool {
    let cat = &content.catalogue;
    let Some(index) = cat.dispositifs.iter().position(|d| d.id == change.dispositif) else { return false };
    let d = &cat.dispositifs[index];
    let themed = sub.themes.is_empty() || d.themes.is_empty() || d.themes.iter().any(|t| sub.themes.contains(t));
    let profile = Profil { themes: sub.themes.clone(), ..sub.profile.clone() };
    themed && crate::catalogue::matching::evaluate(cat, index, &profile).is_ok()
}

/// The alert: one message listing the new and changed schemes, what changed in each card.
#[must_use]
pub fn message(content: &Content, lang: &str, changes: &[&Change]) -> Vec<Reply> {
    let mut out = vec![Reply::say("alerte-titre")];
    for c in changes {
        let Some(d) = content.catalogue.dispositif(&c.dispositif) else { continue };
        let nom = Arg::Text(d.nom.clone());
        if c.fields.is_empty() {
            out.push(Reply::say_with("alerte-nouveau", vec![("nom", nom)]));
        } else {
            let names: Vec<String> = c.fields.iter().map(|f| content.locales.msg(lang, f, &[])).collect();
            let champs = Arg::Text(names.join(", "));
            out.push(Reply::say_with("alerte-modifie", vec![("nom", nom), ("champs", champs)]));
        }
    }
    out.push(Reply::say("alerte-fin"));
    out
}

/// The alerts due at `now`, given the snapshots kept by version: for each subscription whose
/// baseline differs from the current version, the changes that concern it; those with none only
/// move their baseline. A subscriber alerted less than [`ALERT_EVERY`] ago waits (their baseline
/// stays, so nothing is lost). Returns (subscription with its new baseline and, when alerted,
/// `last_alert` set; the alert, if any).
#[must_use]
pub fn due(
    content: &Content,
    lang: &str,
    subs: Vec<Subscription>,
    snapshots: &dyn Fn(&str) -> Option<Snapshot>,
    now: i64,
) -> Vec<(Subscription, Option<Vec<Reply>>)> {
    let mut out = vec![];
    for mut sub in subs {
        if sub.baseline == content.version {
            continue;
        }
        if sub.last_alert.is_some_and(|t| now - t < ALERT_EVERY) {
            continue;
        }
        // A baseline whose snapshot was never kept (an old base): nothing can be compared.
        let changes = snapshots(&sub.baseline).map(|before| changes(&before, content)).unwrap_or_default();
        let mine: Vec<&Change> = changes.iter().filter(|c| concerns(content, &sub, c)).collect();
        sub.baseline.clone_from(&content.version);
        if mine.is_empty() {
            out.push((sub, None));
        } else {
            sub.last_alert = Some(now);
            let msg = message(content, lang, &mine);
            out.push((sub, Some(msg)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(overrides: &[(&str, &str)]) -> Content {
        crate::content::load_with(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), overrides).content.unwrap()
    }

    fn sub(content: &Content, text: &str) -> Subscription {
        let s = Session::new("orientation", "fr", &content.version, 10);
        subscription(content, &s, &crate::text::fold(text), "matrix:!r:maire", "maire")
    }

    #[test]
    fn requests_and_subscriptions_read_from_the_vocabulary() {
        let c = loaded(&[]);
        let f = crate::text::fold;
        assert_eq!(request(&c, &f("Prévenez-moi des nouveautés sur la mobilité")), Some(Request::Subscribe));
        assert_eq!(request(&c, &f("m'alerter")), Some(Request::Subscribe));
        assert_eq!(request(&c, &f("mes alertes")), Some(Request::List));
        assert_eq!(request(&c, &f("Stop alertes !")), Some(Request::Stop));
        assert_eq!(request(&c, &f("c'est quoi la DETR ?")), None);
        assert_eq!(sub(&c, "prévenez-moi des nouveautés sur la mobilité").themes, ["mobilites"]);
        assert!(sub(&c, "m'alerter").themes.is_empty(), "no theme known: every theme");
        assert_eq!(sub(&c, "m'alerter").baseline, c.version);
    }

    #[test]
    fn changed_cards_concern_matching_subscribers_once_a_day() {
        let before = loaded(&[]);
        let path = "data/dispositifs/anct.toml";
        let text = std::fs::read_to_string(before.root.join(path)).unwrap();
        let at = text.find("id = \"anct-lot-mobilite\"").unwrap();
        let (head, tail) = text.split_at(at);
        let changed =
            format!("{head}{}", tail.replacen("financement = \"\"\"\n", "financement = \"\"\"\nEn 2027 : ", 1));
        let after = loaded(&[(path, &changed)]);
        let snap = snapshot(&before);
        let found = changes(&snap, &after);
        assert_eq!(
            found,
            [Change { dispositif: "anct-lot-mobilite".into(), fields: vec!["alerte-champ-financement"] }]
        );
        assert!(changes(&snap, &before).is_empty());

        let (mobility, housing) = (sub(&before, "m'alerter sur la mobilité"), sub(&before, "m'alerter sur l'habitat"));
        assert!(concerns(&after, &mobility, &found[0]));
        assert!(!concerns(&after, &housing, &found[0]));
        let snapshots = |v: &str| (v == before.version).then(|| snap.clone());
        let due_now = due(&after, "fr", vec![mobility.clone(), housing.clone()], &snapshots, 1000);
        assert_eq!(due_now.len(), 2);
        let (told, alert) = &due_now[0];
        assert_eq!((told.baseline.as_str(), told.last_alert), (after.version.as_str(), Some(1000)));
        let alert = alert.as_ref().expect("an alert for mobility");
        let said = crate::render::plain::plain(&crate::render::blocks(&after, "fr", alert));
        assert!(said.contains("Modifié") && said.contains("Accessibilité, mobilité et connexions"), "{said}");
        assert!(said.contains("(financement)"), "{said}");
        assert!(due_now[1].1.is_none(), "housing: nothing, only the baseline moves");
        assert_eq!(due_now[1].0.baseline, after.version);
        // Told already: nothing more; alerted less than a day ago: waits, baseline kept.
        assert!(due(&after, "fr", vec![told.clone()], &snapshots, 2000).is_empty());
        let waiting = Subscription { last_alert: Some(900), ..mobility };
        assert!(due(&after, "fr", vec![waiting.clone()], &snapshots, 1000).is_empty());
        assert_eq!(due(&after, "fr", vec![waiting], &snapshots, 900 + ALERT_EVERY).len(), 1);
    }
}
