//! Which dispositifs fit a profile, and why; or why not.
//!
//! Conditions are hard: a dispositif whose condition fails is never proposed, but
//! [`evaluate`] says which condition failed so the bot can explain it. A condition that cannot
//! be decided (the person does not know the commune's status) keeps the dispositif, marked
//! "à vérifier". Themes, stages and the kind of help wanted only rank.

use super::GUICHET_UNIQUE;
use super::model::{Catalogue, Dispositif};

/// What the bot knows of the person's project (kept with an alert subscription).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Profil {
    /// INSEE code of a commune of the Manche.
    pub commune: Option<String>,
    /// Département code when the commune is outside the Manche.
    pub hors_manche: Option<String>,
    pub population: Option<u32>,
    /// `None`: unknown. `Some(vec![])`: no programme.
    pub statuts: Option<Vec<String>>,
    /// The themes the project touches (empty: unknown).
    pub themes: Vec<String>,
    pub etape: Option<String>,
    pub besoin: Option<String>,
    /// Who carries the project (`commune`, `epci`…), when the dialogue asks.
    pub porteur: Option<String>,
}

/// A reason a dispositif fits (or, in `a_verifier`, a condition still to check).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Raison {
    Theme(String),
    TousThemes,
    Etape(String),
    PopulationMax(u32),
    PopulationMin(u32),
    StatutRequis(String),
    StatutExclu(String),
    Besoin(String),
    Beneficiaire(String),
}

/// Why a dispositif does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Echec {
    PopulationMax { max: u32, population: u32 },
    PopulationMin { min: u32, population: u32 },
    StatutRequis(Vec<String>),
    StatutExclu(String),
    Beneficiaire { porteur: String, beneficiaires: Vec<String> },
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

/// A dispositif's conditions and fit as small integers, computed once per catalogue load so that
/// matching a profile against thousands of dispositifs allocates nothing and compares no string.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Key {
    /// Bit `i`: theme `i` of the catalogue (0: every theme).
    themes: u128,
    /// Bit `i`: étape `i` (0: every stage).
    etapes: u64,
    requis: u64,
    exclus: u64,
    /// Bit per need of the catalogue (`data/besoins.toml`) that the nature answers.
    besoins: u32,
    /// Bit per beneficiary kind (`BENEFICIAIRES`) allowed (0: anyone).
    beneficiaires: u8,
    pop_min: Option<u32>,
    pop_max: Option<u32>,
    local: bool,
    guichet: bool,
}

fn bits<'a>(ids: impl IntoIterator<Item = &'a String>, index: impl Fn(&str) -> Option<usize>) -> u128 {
    ids.into_iter().filter_map(|id| index(id)).filter(|&i| i < 128).fold(0, |acc, i| acc | (1u128 << i))
}

impl Key {
    pub(crate) fn of(cat: &Catalogue, d: &Dispositif) -> Self {
        let theme = |id: &str| cat.themes.iter().position(|t| t.id == id);
        let etape = |id: &str| cat.etape_rank(id);
        let statut = |id: &str| cat.statuts.iter().position(|t| t.id == id);
        let low = |b: u128| u64::try_from(b & u128::from(u64::MAX)).unwrap_or(0);
        Self {
            themes: bits(&d.themes, theme),
            etapes: low(bits(&d.etapes, etape)),
            requis: low(bits(&d.conditions.statuts_requis, statut)),
            exclus: low(bits(&d.conditions.statuts_exclus, statut)),
            besoins: cat
                .besoins
                .iter()
                .enumerate()
                .filter(|(i, b)| *i < 32 && b.natures.contains(&d.nature))
                .fold(0, |acc, (i, _)| acc | (1 << i)),
            beneficiaires: beneficiary_bits(&d.conditions.beneficiaires),
            pop_min: d.conditions.population_min,
            pop_max: d.conditions.population_max,
            local: !d.conditions.departements.is_empty(),
            guichet: d.id == GUICHET_UNIQUE,
        }
    }
}

fn beneficiary_bits(list: &[String]) -> u8 {
    list.iter()
        .filter_map(|b| super::model::BENEFICIAIRES.iter().position(|x| x == b))
        .filter(|&i| i < 8)
        .fold(0, |acc, i| acc | (1 << i))
}

/// The profile in the same small integers.
struct ProfilKey<'a> {
    p: &'a Profil,
    theme: Option<u128>,
    etape: Option<(u64, u64)>,
    statuts: Option<u64>,
    besoin: Option<u32>,
    /// The need is one of the known kinds (a mismatch then ranks lower).
    besoin_known: bool,
    porteur: Option<u8>,
}

impl<'a> ProfilKey<'a> {
    fn of(cat: &Catalogue, p: &'a Profil) -> Self {
        let themes: Vec<&String> = p.themes.iter().filter(|t| !is_unknown(t)).collect();
        let etape = p.etape.as_deref().filter(|e| !is_unknown(e));
        let besoin = p.besoin.as_deref().filter(|b| !is_unknown(b));
        let besoin_index = besoin.and_then(|b| cat.besoins.iter().position(|x| x.id == b)).filter(|&i| i < 32);
        Self {
            p,
            // An unknown theme id matches no specific dispositif, as the string comparison did.
            theme: (!themes.is_empty()).then(|| {
                themes
                    .iter()
                    .filter_map(|t| cat.themes.iter().position(|x| &x.id == *t))
                    .filter(|&i| i < 128)
                    .fold(0, |acc, i| acc | (1u128 << i))
            }),
            etape: etape.map(|e| match cat.etape_rank(e).filter(|&r| r < 63) {
                Some(r) => (1u64 << r, 1u64 << (r + 1)),
                None => (0, 0),
            }),
            statuts: p.statuts.as_ref().map(|v| {
                v.iter()
                    .filter_map(|s| cat.statuts.iter().position(|x| &x.id == s))
                    .filter(|&i| i < 64)
                    .fold(0, |acc, i| acc | (1u64 << i))
            }),
            besoin: besoin.map(|_| besoin_index.map_or(0, |i| 1u32 << i)),
            besoin_known: besoin_index.is_some(),
            porteur: p.porteur.as_deref().filter(|x| !is_unknown(x)).map(|x| beneficiary_bits(&[x.to_owned()])),
        }
    }
}

/// "Je ne sais pas", as stored in a profile field.
fn is_unknown(v: &str) -> bool {
    v == crate::dialogue::parse::NSP
}

/// Why a dispositif fails, in integers (see [`Echec`] for the words).
#[derive(Debug, Clone, Copy)]
enum Fail {
    PopulationMax(u32, u32),
    PopulationMin(u32, u32),
    StatutRequis,
    StatutExclu(u64),
    Beneficiaire,
    Departement,
    Theme,
    Etape,
}

/// How a dispositif fits, without allocating: the score and which reasons hold.
#[derive(Debug, Clone, Copy, Default)]
struct Fit {
    score: i32,
    theme: bool,
    etape: bool,
    besoin: bool,
    pop_max: Option<bool>,
    pop_min: Option<bool>,
    /// `None`: the statuses are unknown (every condition on them is to check).
    statuts_known: bool,
    requis_met: u64,
    /// The profile's themes that this dispositif serves.
    themes: u128,
}

fn assess(cat: &Catalogue, i: usize, pk: &ProfilKey<'_>) -> Result<Fit, Fail> {
    let k = &cat.keys[i];
    let p = pk.p;
    if k.local
        && let Some(dep) = &p.hors_manche
        && !cat.dispositifs[i].conditions.departements.contains(dep)
    {
        return Err(Fail::Departement);
    }
    if let Some(porteur) = pk.porteur
        && k.beneficiaires != 0
        && porteur != 0
        && k.beneficiaires & porteur == 0
    {
        return Err(Fail::Beneficiaire);
    }
    let mut f = Fit { statuts_known: pk.statuts.is_some(), ..Fit::default() };
    let mut met = 0;
    if let Some(max) = k.pop_max {
        match p.population {
            Some(pop) if pop > max => return Err(Fail::PopulationMax(max, pop)),
            Some(_) => {
                f.pop_max = Some(true);
                met += 1;
            }
            None => f.pop_max = Some(false),
        }
    }
    if let Some(min) = k.pop_min {
        match p.population {
            Some(pop) if pop < min => return Err(Fail::PopulationMin(min, pop)),
            Some(_) => {
                f.pop_min = Some(true);
                met += 1;
            }
            None => f.pop_min = Some(false),
        }
    }
    if let Some(st) = pk.statuts {
        if st & k.exclus != 0 {
            return Err(Fail::StatutExclu(st & k.exclus));
        }
        met += k.exclus.count_ones();
        if k.requis != 0 {
            if st & k.requis == 0 {
                return Err(Fail::StatutRequis);
            }
            f.requis_met = st & k.requis;
            met += 1;
        }
    }
    // Eligibility that targets a profile is worth more than a dispositif open to all.
    f.score += 3 * i32::try_from(met).unwrap_or(0);
    // A dispositif reserved to the commune's programme is the most specific door of all.
    if f.requis_met != 0 {
        f.score += 6;
    }
    let stage_named = matches!(pk.etape, Some((e, _)) if e != 0 && k.etapes & e != 0);
    match pk.theme {
        Some(t) if t != 0 && k.themes & t != 0 => {
            f.score += 5;
            f.theme = true;
            f.themes = k.themes & t;
        }
        // A dispositif reserved to the commune's programme is shown whatever the theme when it
        // serves the project's stage: the programme covers the whole project (a PVD commune's
        // study of its shops is PVD business too).
        Some(_) if k.themes != 0 && !(f.requis_met != 0 && stage_named) => return Err(Fail::Theme),
        Some(_) if k.themes != 0 => {}
        Some(_) => f.score += 1,
        None => {}
    }
    match pk.etape {
        Some((e, _)) if e != 0 && k.etapes & e != 0 => {
            f.score += 3;
            f.etape = true;
        }
        // The next stage still fits (a project "still thinking" soon needs its diagnosis),
        // ranked lower; earlier or further stages do not.
        Some((_, next)) if k.etapes != 0 && k.etapes & next == 0 => return Err(Fail::Etape),
        Some(_) if k.etapes != 0 => {}
        Some(_) => f.score += 1,
        None => {}
    }
    if let Some(b) = pk.besoin {
        if k.besoins & b != 0 {
            f.score += 3;
            f.besoin = true;
        } else if pk.besoin_known {
            f.score -= 2;
        }
    }
    Ok(f)
}

/// The reasons of a fit, as shown to people (built only for what is shown).
fn materialise(cat: &Catalogue, i: usize, p: &Profil, f: &Fit) -> Match {
    let d = &cat.dispositifs[i];
    let c = &d.conditions;
    let mut m = Match { dispositif: i, score: f.score, raisons: vec![], a_verifier: vec![] };
    if f.theme {
        for (b, t) in cat.themes.iter().enumerate().take(128) {
            if f.themes & (1u128 << b) != 0 {
                m.raisons.push(Raison::Theme(t.id.clone()));
            }
        }
    } else if d.themes.is_empty() {
        m.raisons.push(Raison::TousThemes);
    }
    for (bound, held, reason) in [
        (f.pop_max, c.population_max, Raison::PopulationMax as fn(u32) -> Raison),
        (f.pop_min, c.population_min, Raison::PopulationMin),
    ] {
        match (bound, held) {
            (Some(true), Some(n)) => m.raisons.push(reason(n)),
            (Some(false), Some(n)) => m.a_verifier.push(reason(n)),
            _ => {}
        }
    }
    for exclu in &c.statuts_exclus {
        let r = Raison::StatutExclu(exclu.clone());
        if f.statuts_known { m.raisons.push(r) } else { m.a_verifier.push(r) }
    }
    if f.statuts_known {
        if let Some(r) = c.statuts_requis.iter().find(|r| {
            cat.statuts.iter().position(|s| &s.id == *r).is_some_and(|b| b < 64 && f.requis_met & (1 << b) != 0)
        }) {
            m.raisons.push(Raison::StatutRequis(r.clone()));
        }
    } else {
        m.a_verifier.extend(c.statuts_requis.iter().map(|r| Raison::StatutRequis(r.clone())));
    }
    if f.etape {
        m.raisons.push(Raison::Etape(p.etape.clone().unwrap_or_default()));
    }
    if f.besoin {
        m.raisons.push(Raison::Besoin(p.besoin.clone().unwrap_or_default()));
    }
    if let Some(porteur) = &p.porteur
        && !c.beneficiaires.is_empty()
        && c.beneficiaires.contains(porteur)
    {
        m.raisons.push(Raison::Beneficiaire(porteur.clone()));
    }
    m
}

/// Evaluates one dispositif against the profile.
///
/// # Errors
/// The first condition that fails, hard conditions before themes and stages.
pub fn evaluate(cat: &Catalogue, index: usize, p: &Profil) -> Result<Match, Echec> {
    let pk = ProfilKey::of(cat, p);
    match assess(cat, index, &pk) {
        Ok(f) => Ok(materialise(cat, index, p, &f)),
        Err(fail) => Err(match fail {
            Fail::PopulationMax(max, population) => Echec::PopulationMax { max, population },
            Fail::PopulationMin(min, population) => Echec::PopulationMin { min, population },
            Fail::StatutRequis => Echec::StatutRequis(cat.dispositifs[index].conditions.statuts_requis.clone()),
            Fail::StatutExclu(bits) => {
                let first = usize::try_from(bits.trailing_zeros()).unwrap_or(0);
                Echec::StatutExclu(cat.statuts.get(first).map(|s| s.id.clone()).unwrap_or_default())
            }
            Fail::Beneficiaire => Echec::Beneficiaire {
                porteur: p.porteur.clone().unwrap_or_default(),
                beneficiaires: cat.dispositifs[index].conditions.beneficiaires.clone(),
            },
            Fail::Departement => Echec::Departement,
            Fail::Theme => Echec::Theme,
            Fail::Etape => Echec::Etape,
        }),
    }
}

/// The `n` best dispositifs that fit and satisfy `keep`, best first (ties keep catalogue order),
/// and how many fit in all. The single entry point is left out: it closes every answer.
pub fn top(cat: &Catalogue, p: &Profil, n: usize, keep: impl Fn(&Dispositif) -> bool) -> (Vec<Match>, usize) {
    let pk = ProfilKey::of(cat, p);
    // With one theme and no programme, only that theme's dispositifs and those open to every
    // theme can fit (a programme's own dispositifs fit whatever the theme).
    let theme = pk
        .theme
        .filter(|&t| t.count_ones() == 1 && pk.statuts.is_none_or(|s| s == 0))
        .map(|t| usize::try_from(t.trailing_zeros()).unwrap_or(0));
    let candidates: &mut dyn Iterator<Item = usize> = match theme.and_then(|t| cat.by_theme.get(t)) {
        Some(list) => &mut list.iter().copied(),
        None => &mut (0..cat.dispositifs.len()),
    };
    rank(cat, p, &pk, n, candidates.filter(|&i| keep(&cat.dispositifs[i])))
}

/// Like [`top`], among the financing dispositifs only (subsidies and the aid platform).
#[must_use]
pub fn top_financing(cat: &Catalogue, p: &Profil, n: usize, keep: impl Fn(&Dispositif) -> bool) -> Vec<Match> {
    let pk = ProfilKey::of(cat, p);
    rank(cat, p, &pk, n, cat.financing.iter().copied().filter(|&i| keep(&cat.dispositifs[i]))).0
}

fn rank(
    cat: &Catalogue,
    p: &Profil,
    pk: &ProfilKey<'_>,
    n: usize,
    candidates: impl Iterator<Item = usize>,
) -> (Vec<Match>, usize) {
    let mut fits: Vec<(i32, usize, Fit)> = candidates
        .filter(|&i| !cat.keys[i].guichet)
        .filter_map(|i| assess(cat, i, pk).ok().map(|f| (f.score, i, f)))
        .collect();
    let total = fits.len();
    let order = |a: &(i32, usize, Fit), b: &(i32, usize, Fit)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if n < fits.len() {
        fits.select_nth_unstable_by(n, order);
        fits.truncate(n);
    }
    fits.sort_unstable_by(order);
    (fits.iter().map(|(_, i, f)| materialise(cat, *i, p, f)).collect(), total)
}

/// Every dispositif that fits, best first (ties keep catalogue order).
#[must_use]
pub fn match_profil(cat: &Catalogue, p: &Profil) -> Vec<Match> {
    top(cat, p, usize::MAX, |_| true).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::{Conditions, Dispositif, Statut, Term};

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
            dates: crate::catalogue::model::Dates::default(),
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
            // Validated content always defines the ids its dispositifs use.
            themes: ["revitalisation", "tourisme"]
                .iter()
                .map(|t| Term { id: (*t).into(), nom: (*t).into(), synonymes: vec![], amont: false, travaux: false })
                .collect(),
            statuts: vec![Statut {
                id: "pvd".into(),
                nom: "Petites villes de demain".into(),
                explication: String::new(),
                synonymes: vec![],
                source: String::new(),
                dates: crate::catalogue::model::Dates::default(),
            }],
            ..Catalogue::default()
        };
        c.index();
        c
    }

    fn profil(pop: u32, statuts: &[&str]) -> Profil {
        Profil {
            population: Some(pop),
            statuts: Some(statuts.iter().map(|s| (*s).to_owned()).collect()),
            themes: vec!["revitalisation".into()],
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
