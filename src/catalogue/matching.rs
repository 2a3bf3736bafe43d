//! Which dispositifs fit a profile, and why; or why not.
//!
//! Conditions are hard: a dispositif whose condition fails is never proposed, but
//! [`evaluate`] says which condition failed so the bot can explain it. A condition that cannot
//! be decided (the person does not know the commune's status) keeps the dispositif, marked
//! "à vérifier". Themes, stages and the kind of help wanted only rank.

use super::GUICHET_UNIQUE;
use super::model::{Catalogue, Dispositif};

/// What the bot knows of the person's project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profil {
    /// INSEE code of a commune of the Manche.
    pub commune: Option<String>,
    /// Département code when the commune is outside the Manche.
    pub hors_manche: Option<String>,
    pub population: Option<u32>,
    /// `None`: unknown. `Some(vec![])`: no programme.
    pub statuts: Option<Vec<String>>,
    pub theme: Option<String>,
    pub etape: Option<String>,
    pub besoin: Option<String>,
}

/// A reason a dispositif fits (or, in `a_verifier`, a condition still to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raison {
    Theme(String),
    TousThemes,
    Etape(String),
    PopulationMax(u32),
    PopulationMin(u32),
    StatutRequis(String),
    StatutExclu(String),
    Besoin(String),
}

/// Why a dispositif does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Echec {
    PopulationMax { max: u32, population: u32 },
    PopulationMin { min: u32, population: u32 },
    StatutRequis(Vec<String>),
    StatutExclu(String),
    Departement,
    Theme,
    Etape,
}

impl Echec {
    /// A failed eligibility rule, as opposed to a dispositif that is merely off-topic.
    #[must_use]
    pub fn is_hard(&self) -> bool {
        !matches!(self, Self::Theme | Self::Etape)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index into [`Catalogue::dispositifs`].
    pub dispositif: usize,
    pub score: i32,
    pub raisons: Vec<Raison>,
    pub a_verifier: Vec<Raison>,
}

/// Kinds of help people ask for, and the natures that answer each.
fn besoin_fits(besoin: &str, nature: &str) -> bool {
    match besoin {
        // Project leaders (Villages d'avenir, VTA) accompany: that is advice too.
        "conseil" => matches!(nature, "ingenierie" | "etude" | "strategie" | "programme" | "chef-de-projet"),
        "financement" => matches!(nature, "financement" | "plateforme" | "portage"),
        "chef-de-projet" => nature == "chef-de-projet",
        _ => false,
    }
}

/// Evaluates one dispositif against the profile.
///
/// # Errors
/// The first condition that fails, hard conditions before themes and stages.
pub fn evaluate(cat: &Catalogue, index: usize, p: &Profil) -> Result<Match, Echec> {
    let d: &Dispositif = &cat.dispositifs[index];
    let c = &d.conditions;
    let mut m = Match { dispositif: index, score: 0, raisons: vec![], a_verifier: vec![] };

    if !c.departements.is_empty() && p.hors_manche.as_ref().is_some_and(|dep| !c.departements.contains(dep)) {
        return Err(Echec::Departement);
    }
    if let Some(max) = c.population_max {
        match p.population {
            Some(pop) if pop > max => {
                return Err(Echec::PopulationMax { max, population: pop });
            }
            Some(_) => m.raisons.push(Raison::PopulationMax(max)),
            None => m.a_verifier.push(Raison::PopulationMax(max)),
        }
    }
    if let Some(min) = c.population_min {
        match p.population {
            Some(pop) if pop < min => {
                return Err(Echec::PopulationMin { min, population: pop });
            }
            Some(_) => m.raisons.push(Raison::PopulationMin(min)),
            None => m.a_verifier.push(Raison::PopulationMin(min)),
        }
    }
    let statuts = p.statuts.as_ref();
    for exclu in &c.statuts_exclus {
        match statuts {
            Some(s) if s.contains(exclu) => return Err(Echec::StatutExclu(exclu.clone())),
            Some(_) => m.raisons.push(Raison::StatutExclu(exclu.clone())),
            None => m.a_verifier.push(Raison::StatutExclu(exclu.clone())),
        }
    }
    if !c.statuts_requis.is_empty() {
        match statuts {
            Some(s) => match c.statuts_requis.iter().find(|r| s.contains(r)) {
                Some(r) => m.raisons.push(Raison::StatutRequis(r.clone())),
                None => return Err(Echec::StatutRequis(c.statuts_requis.clone())),
            },
            None => m.a_verifier.extend(c.statuts_requis.iter().map(|r| Raison::StatutRequis(r.clone()))),
        }
    }
    // Eligibility that targets a profile is worth more than a dispositif open to all.
    m.score += 3 * i32::try_from(m.raisons.len()).unwrap_or(0);
    // A dispositif reserved to the commune's programme is the most specific door of all.
    if c.statuts_requis.iter().any(|r| m.raisons.contains(&Raison::StatutRequis(r.clone()))) {
        m.score += 6;
    }

    match p.theme.as_deref().filter(|t| *t != "nsp") {
        Some(t) if d.themes.iter().any(|x| x == t) => {
            m.score += 5;
            m.raisons.insert(0, Raison::Theme(t.to_owned()));
        }
        Some(_) if !d.themes.is_empty() => return Err(Echec::Theme),
        Some(_) => m.score += 1,
        None => {}
    }
    match p.etape.as_deref().filter(|e| *e != "nsp") {
        Some(e) if d.etapes.iter().any(|x| x == e) => {
            m.score += 3;
            m.raisons.push(Raison::Etape(e.to_owned()));
        }
        // The next stage still fits (a project "still thinking" soon needs its diagnosis),
        // ranked lower; earlier or further stages do not.
        Some(e) if !d.etapes.is_empty() => {
            let near = cat
                .etape_rank(e)
                .is_some_and(|r| d.etapes.iter().filter_map(|x| cat.etape_rank(x)).any(|x| x == r + 1));
            if !near {
                return Err(Echec::Etape);
            }
        }
        Some(_) => m.score += 1,
        None => {}
    }
    if let Some(b) = p.besoin.as_deref() {
        if besoin_fits(b, &d.nature) {
            m.score += 3;
            m.raisons.push(Raison::Besoin(b.to_owned()));
        } else if matches!(b, "conseil" | "financement" | "chef-de-projet") {
            m.score -= 2;
        }
    }
    if d.themes.is_empty() && !m.raisons.iter().any(|r| matches!(r, Raison::Theme(_))) {
        m.raisons.insert(0, Raison::TousThemes);
    }
    Ok(m)
}

/// The dispositifs that fit, best first (ties keep catalogue order). The single entry point is
/// left out: it closes every answer.
#[must_use]
pub fn match_profil(cat: &Catalogue, p: &Profil) -> Vec<Match> {
    let mut out: Vec<Match> = (0..cat.dispositifs.len())
        .filter(|&i| cat.dispositifs[i].id != GUICHET_UNIQUE)
        .filter_map(|i| evaluate(cat, i, p).ok())
        .collect();
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.dispositif.cmp(&b.dispositif)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::{Conditions, Dispositif};

    fn disp(id: &str, themes: &[&str], cond: Conditions) -> Dispositif {
        Dispositif {
            id: id.into(),
            nom: id.into(),
            resume: String::new(),
            nature: "etude".into(),
            porteurs: vec![],
            contacts: vec![],
            themes: themes.iter().map(|s| (*s).to_owned()).collect(),
            etapes: vec![],
            conditions: cond,
            details: vec![],
            financement: None,
            charge: None,
            saisine: None,
            regles_anct: false,
            mots_cles: vec![],
            source: "test".into(),
            verifie_le: None,
        }
    }

    fn catalogue() -> Catalogue {
        let mut c = Catalogue {
            dispositifs: vec![
                disp(
                    "pc",
                    &["revitalisation"],
                    Conditions {
                        population_max: Some(1499),
                        statuts_exclus: vec!["pvd".into()],
                        ..Conditions::default()
                    },
                ),
                disp(
                    "pvd-etudes",
                    &["revitalisation"],
                    Conditions { statuts_requis: vec!["pvd".into()], ..Conditions::default() },
                ),
                disp("idm", &[], Conditions::default()),
                disp("tourisme", &["tourisme"], Conditions::default()),
            ],
            ..Catalogue::default()
        };
        c.index();
        c
    }

    fn profil(pop: u32, statuts: &[&str]) -> Profil {
        Profil {
            population: Some(pop),
            statuts: Some(statuts.iter().map(|s| (*s).to_owned()).collect()),
            theme: Some("revitalisation".into()),
            ..Profil::default()
        }
    }

    fn ids(cat: &Catalogue, p: &Profil) -> Vec<String> {
        match_profil(cat, p).iter().map(|m| cat.dispositifs[m.dispositif].id.clone()).collect()
    }

    #[test]
    fn small_commune_without_programme() {
        let cat = catalogue();
        assert_eq!(ids(&cat, &profil(800, &[])), ["pc", "idm"]);
    }

    #[test]
    fn pvd_commune() {
        let cat = catalogue();
        assert_eq!(ids(&cat, &profil(800, &["pvd"])), ["pvd-etudes", "idm"]);
        assert_eq!(evaluate(&cat, 0, &profil(800, &["pvd"])), Err(Echec::StatutExclu("pvd".into())));
    }

    #[test]
    fn too_big() {
        let cat = catalogue();
        assert_eq!(evaluate(&cat, 0, &profil(1600, &[])), Err(Echec::PopulationMax { max: 1499, population: 1600 }));
    }

    #[test]
    fn unknown_status_is_to_check() {
        let cat = catalogue();
        let p = Profil { statuts: None, ..profil(800, &[]) };
        let m = evaluate(&cat, 0, &p).unwrap();
        assert_eq!(m.a_verifier, vec![Raison::StatutExclu("pvd".into())]);
    }
}
