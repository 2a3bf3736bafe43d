//! A commune outside the Manche is never sent to the Manche's single entry point, whatever it
//! asks; and the age of the information shown depends on the day of the conversation.

use aiguilleur::bot::{Bot, Incoming};
use aiguilleur::catalogue::freshness::Day;
use aiguilleur::store::MemoryStore;

use crate::support;

const GUICHET: &str = "ingenierie@manche.gouv.fr";

struct Talk {
    bot: Bot<MemoryStore>,
    now: i64,
}

impl Talk {
    fn on(day: &str) -> Self {
        let now = Day::parse(day).unwrap().to_unix() + 9 * 3600;
        Self { bot: Bot::new(support::content(), MemoryStore::default(), "fr"), now }
    }

    fn say(&mut self, text: &str) -> String {
        self.now += 30;
        let msg = Incoming {
            transport: "test".into(),
            user: "maire".into(),
            conversation: "ailleurs".into(),
            text: text.into(),
            event_id: None,
            now: self.now,
            sent_at: None,
            reach: None,
        };
        let replies = self.bot.handle(&msg).unwrap();
        self.bot.plain(&replies)
    }
}

/// The profile of a Rennes mayor up to the results, for a theme and a need.
fn results_for(talk: &mut Talk, commune: &str, theme: &str, etape: &str, besoin: &str) -> String {
    talk.say("recommencer");
    for t in [commune, "12000", "aucun", theme, etape] {
        talk.say(t);
    }
    talk.say(besoin)
}

#[test]
fn a_commune_outside_the_manche_never_sees_its_single_entry_point() {
    let content = support::content();
    let mut talk = Talk::on("2026-12-15");
    talk.say("bonjour");
    let mut seen = 0;
    for theme in ["centre-bourg", "tiers-lieu", "concertation", "commerce", "santé", "mobilité"] {
        for (etape, besoin) in
            [("on y réfléchit", "conseil"), ("travaux", "financement"), ("montage", "un chef de projet")]
        {
            let r = results_for(&mut talk, "Rennes", theme, etape, besoin);
            assert!(r.contains("préfecture de votre département"), "{theme}/{etape}: {r}");
            assert!(!r.contains(GUICHET), "{theme}/{etape}: {r}");
            for n in 1..=6 {
                let d = talk.say(&format!("détails {n}"));
                assert!(!d.contains(GUICHET), "{theme}/{etape}, détails {n}: {d}");
                seen += 1;
            }
        }
    }
    // Every dispositif, actor and glossary entry asked about by name.
    let cat = &content.catalogue;
    let names = cat
        .dispositifs
        .iter()
        .map(|d| d.nom.clone())
        .chain(cat.acteurs.iter().map(|a| format!("qui contacter à {} ?", a.nom)))
        .chain(cat.glossaire.iter().map(|s| format!("c'est quoi {} ?", s.sigle)));
    for q in names {
        let r = talk.say(&q);
        assert!(!r.contains(GUICHET), "{q}: {r}");
        seen += 1;
    }
    for q in ["qui contacter ?", "on peut avoir de l'aide ?", "pourquoi pas idm", "pourquoi pas xyz", "stop"] {
        let r = talk.say(q);
        assert!(!r.contains(GUICHET), "{q}: {r}");
    }
    assert!(seen > 150, "{seen}");

    // The same questions from the Manche do give the address: the check above is not vacuous.
    let mut manche = Talk::on("2026-12-15");
    manche.say("bonjour");
    let r = results_for(&mut manche, "Genêts", "centre-bourg", "on y réfléchit", "conseil");
    assert!(r.contains(GUICHET), "{r}");
    assert!(manche.say("détails 2").contains(GUICHET) || manche.say("détails 3").contains(GUICHET));
}

#[test]
fn old_or_expired_information_is_to_be_confirmed_on_the_day_it_is_shown() {
    // In April 2024 the CLCT's information is a month old: shown with its date, nothing to confirm.
    let mut talk = Talk::on("2024-04-10");
    let r = talk.say("c'est quoi les petites centralités ?");
    assert!(r.contains("Information de mars 2024."), "{r}");
    assert!(!r.contains("à confirmer"), "{r}");
    assert!(!r.contains("Prévu jusqu'au"), "{r}");
    // In December 2026 it is older than 18 months.
    let mut talk = Talk::on("2026-12-15");
    let r = talk.say("c'est quoi les petites centralités ?");
    assert!(r.contains("Information de mars 2024\u{202f}: à confirmer auprès du contact"), "{r}");
    // In 2027 the 2022-2026 agreement is over.
    let mut talk = Talk::on("2027-01-15");
    let r = talk.say("c'est quoi les petites centralités ?");
    assert!(r.contains("Prévu jusqu'au 31 décembre 2026 d'après une information de mars 2024"), "{r}");
    // A yearly call is of its year only.
    let mut talk = Talk::on("2024-06-01");
    assert!(!talk.say("detr ?").contains("Appel annuel"));
    let mut talk = Talk::on("2025-02-01");
    assert!(talk.say("detr ?").contains("Appel annuel, information de mars 2024"));
}
