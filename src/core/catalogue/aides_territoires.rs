//! Correspondence with the Aides-territoires data model, kept in one place so that exporting our
//! dispositifs to it (or importing its aids) is a small step.
//!
//! Values are those of the Aides-territoires code base (`aid_types`: `grant`, `loan`,
//! `recoverable_advance`, `other`, `technical`, `financial`, `legal`; `mobilization_steps`:
//! `preop`, `op`, `postop`; `targeted_audiences`: `commune`, `epci`, `department`, `region`, …).
//! Its categories are not mapped: our themes are carried as they are, to be matched by hand
//! against the platform's category list when an export is first made.

use serde::Serialize;

use super::model::{Catalogue, Dispositif};

/// Aid types for a nature of dispositif.
#[must_use]
pub fn aid_types(nature: &str) -> &'static [&'static str] {
    match nature {
        "ingenierie" | "etude" | "strategie" | "chef-de-projet" | "programme" => &["technical"],
        "financement" => &["grant"],
        "portage" => &["financial"],
        // A platform or a guichet is not an aid.
        _ => &[],
    }
}

/// Mobilisation step for a stage of the project.
#[must_use]
pub fn mobilization_step(etape: &str) -> Option<&'static str> {
    match etape {
        "idee" | "diagnostic" | "faisabilite" => Some("preop"),
        "montage" | "realisation" => Some("op"),
        _ => None,
    }
}

/// Targeted audiences for a beneficiary.
#[must_use]
pub fn audiences(beneficiaire: &str) -> &'static [&'static str] {
    match beneficiaire {
        "commune" => &["commune"],
        "epci" => &["epci"],
        "collectivite" => &["commune", "epci", "department", "region"],
        _ => &[],
    }
}

/// A dispositif in the shape of an Aides-territoires aid.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Aid {
    pub name: String,
    pub description: String,
    pub aid_types: Vec<&'static str>,
    pub mobilization_steps: Vec<&'static str>,
    pub targeted_audiences: Vec<&'static str>,
    pub financers: Vec<String>,
    /// Our theme ids, for matching against the platform's categories.
    pub themes: Vec<String>,
    pub origin_url: Option<String>,
}

/// Converts one dispositif.
#[must_use]
pub fn to_aid(cat: &Catalogue, d: &Dispositif) -> Aid {
    let mut steps: Vec<&'static str> = if d.etapes.is_empty() {
        vec!["preop", "op"]
    } else {
        d.etapes.iter().filter_map(|e| mobilization_step(e)).collect()
    };
    steps.dedup();
    let mut targeted: Vec<&'static str> = if d.conditions.beneficiaires.is_empty() {
        vec!["commune", "epci"]
    } else {
        d.conditions.beneficiaires.iter().flat_map(|b| audiences(b).iter().copied()).collect()
    };
    targeted.sort_unstable();
    targeted.dedup();
    Aid {
        name: d.nom.clone(),
        description: d.resume.clone(),
        aid_types: aid_types(&d.nature).to_vec(),
        mobilization_steps: steps,
        targeted_audiences: targeted,
        financers: d.porteurs.iter().filter_map(|p| cat.acteur(p)).map(|a| a.nom.clone()).collect(),
        themes: d.themes.clone(),
        origin_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_natures_steps_and_audiences() {
        assert_eq!(aid_types("financement"), ["grant"]);
        assert_eq!(aid_types("etude"), ["technical"]);
        assert!(aid_types("plateforme").is_empty());
        assert_eq!(mobilization_step("diagnostic"), Some("preop"));
        assert_eq!(mobilization_step("realisation"), Some("op"));
        assert_eq!(audiences("collectivite"), ["commune", "epci", "department", "region"]);
    }
}
