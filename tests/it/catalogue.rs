//! The shipped catalogue: every population or status condition has a profile that passes it and
//! one that fails it, with the reason given.

use aiguilleur::catalogue::matching::{Echec, Profil, Raison, evaluate};

use crate::support;

#[test]
fn every_condition_passes_and_fails_with_its_reason() {
    let content = support::content();
    let cat = &content.catalogue;
    let mut checked = 0;
    for (i, d) in cat.dispositifs.iter().enumerate() {
        let c = &d.conditions;
        if c.population_max.is_none()
            && c.population_min.is_none()
            && c.statuts_requis.is_empty()
            && c.statuts_exclus.is_empty()
        {
            continue;
        }
        // A profile that meets every condition: population inside the bounds, the first
        // required status, none of the excluded ones.
        let pop = match (c.population_min, c.population_max) {
            (Some(min), _) => min,
            (None, Some(max)) => max,
            (None, None) => 1000,
        };
        let statuts: Vec<String> = c.statuts_requis.first().cloned().into_iter().collect();
        let ok = Profil { population: Some(pop), statuts: Some(statuts.clone()), ..Profil::default() };
        let m = evaluate(cat, i, &ok).unwrap_or_else(|e| panic!("{}: the passing profile fails: {e:?}", d.id));
        if let Some(max) = c.population_max {
            assert!(m.raisons.contains(&Raison::PopulationMax(max)), "{}: {:?}", d.id, m.raisons);
            let too_big = Profil { population: Some(max + 1), ..ok.clone() };
            assert_eq!(evaluate(cat, i, &too_big), Err(Echec::PopulationMax { max, population: max + 1 }), "{}", d.id);
            checked += 1;
        }
        if let Some(min) = c.population_min {
            assert!(m.raisons.contains(&Raison::PopulationMin(min)), "{}: {:?}", d.id, m.raisons);
            let too_small = Profil { population: Some(min - 1), ..ok.clone() };
            assert_eq!(
                evaluate(cat, i, &too_small),
                Err(Echec::PopulationMin { min, population: min - 1 }),
                "{}",
                d.id
            );
            checked += 1;
        }
        if let Some(req) = c.statuts_requis.first() {
            assert!(m.raisons.contains(&Raison::StatutRequis(req.clone())), "{}: {:?}", d.id, m.raisons);
            let without = Profil { statuts: Some(vec![]), ..ok.clone() };
            assert_eq!(evaluate(cat, i, &without), Err(Echec::StatutRequis(c.statuts_requis.clone())), "{}", d.id);
            checked += 1;
        }
        for excl in &c.statuts_exclus {
            assert!(m.raisons.contains(&Raison::StatutExclu(excl.clone())), "{}: {:?}", d.id, m.raisons);
            let mut with: Vec<String> = statuts.clone();
            with.push(excl.clone());
            let excluded = Profil { statuts: Some(with), ..ok.clone() };
            assert_eq!(evaluate(cat, i, &excluded), Err(Echec::StatutExclu(excl.clone())), "{}", d.id);
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} conditions found in the catalogue");
}

#[test]
fn catalogue_covers_the_source() {
    let content = support::content();
    let cat = &content.catalogue;
    for id in ["petites-centralites", "detr", "dsil", "fonds-vert", "fnadt", "aides-territoires", "guichet-unique"] {
        assert!(cat.dispositif(id).is_some(), "missing dispositif {id}");
    }
    for id in ["ddtm-50", "anct", "epfn", "departement-manche", "idm", "cerema", "ademe", "banque-des-territoires"] {
        assert!(cat.acteur(id).is_some(), "missing acteur {id}");
    }
    for d in &cat.dispositifs {
        assert!(!d.source.trim().is_empty(), "{} has no source", d.id);
        assert!(!d.contacts.is_empty(), "{} has no contact", d.id);
    }
    let ddtm = cat.acteur("ddtm-50").unwrap();
    assert_eq!(ddtm.contacts.len(), 4, "the DDTM 50 fiche has four sites in the source");
    assert_eq!(ddtm.contacts[0].telephone.as_deref(), Some("02 33 06 39 00"));
    assert_eq!(ddtm.contacts[0].email.as_deref(), Some("ddtm@manche.gouv.fr"));
}

#[test]
fn every_dispositif_exports_to_aides_territoires() {
    let content = support::content();
    let cat = &content.catalogue;
    let pc = cat.dispositif("petites-centralites").unwrap();
    let aid = aiguilleur::catalogue::aides_territoires::to_aid(cat, pc);
    assert_eq!(aid.aid_types, ["technical"]);
    assert_eq!(aid.mobilization_steps, ["preop"]);
    assert!(aid.financers.iter().any(|f| f.contains("foncier")), "{:?}", aid.financers);
    let detr = aiguilleur::catalogue::aides_territoires::to_aid(cat, cat.dispositif("detr").unwrap());
    assert_eq!(detr.aid_types, ["grant"]);
    assert!(detr.mobilization_steps.contains(&"op"));
    for d in &cat.dispositifs {
        let a = aiguilleur::catalogue::aides_territoires::to_aid(cat, d);
        assert!(!a.mobilization_steps.is_empty(), "{}", d.id);
        serde_json::to_string(&a).unwrap();
    }
}
