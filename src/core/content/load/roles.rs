//! Step of the loader: the `[dialogue.roles]` table, the contract between a dialogue file and
//! the matching. Each role names the slot that plays it; `check` verifies that a question fills
//! that slot with answers the matching understands, so that renaming a slot or a stage in one
//! place only is caught here instead of silently changing the results.

use super::Loader;
use crate::catalogue::model::{BENEFICIAIRES, Catalogue};
use crate::content::diag::did_you_mean;
use crate::content::raw;
use crate::dialogue::model::{Action, AnswerKind, Node, Role, Roles};
use crate::dialogue::parse::{AUCUN, NSP};

impl Loader<'_> {
    /// The roles declared by a dialogue; `None` when one is wrong (diagnostics say why).
    pub(super) fn roles(
        &mut self,
        head: &raw::DialogueHead,
        f: usize,
        nodes: &[Node],
        cat: &Catalogue,
    ) -> Option<Roles> {
        let mut roles = Roles::default();
        let mut declared = vec![];
        let mut unknown_role = false;
        let mut ok = true;
        let role_names: Vec<&str> = Role::ALL.iter().map(|(_, n)| *n).collect();
        let slots: Vec<&str> = nodes.iter().filter_map(|n| n.slot.as_deref()).collect();
        if let Some(table) = &head.roles {
            for (key, slot) in table.get_ref() {
                let Some(role) = Role::parse(key.get_ref()) else {
                    let help = did_you_mean(key.get_ref(), role_names.iter().copied()).or_else(|| {
                        Some(format!(
                            "à gauche, le nom du rôle est lu par le programme et ne se renomme pas (rôles : {}) ; \
                             seule la case, à droite, prend le nouveau nom",
                            role_names.join(", ")
                        ))
                    });
                    self.err(f, "D020", key.span(), format!("rôle inconnu « {} »", key.get_ref())).help = help;
                    unknown_role = true;
                    continue;
                };
                let Some(node) = nodes.iter().find(|n| n.slot.as_deref() == Some(slot.get_ref())) else {
                    let help = did_you_mean(slot.get_ref(), slots.iter().copied());
                    self.err(
                        f,
                        "D021",
                        slot.span(),
                        format!(
                            "le rôle « {} » lit la case « {} », qu'aucune question ne remplit : les résultats \
                             ne tiendraient plus compte de cette réponse",
                            role.name(),
                            slot.get_ref()
                        ),
                    )
                    .help = help;
                    ok = false;
                    // Declared, wrongly: not reported again as undeclared.
                    declared.push(role);
                    continue;
                };
                ok &= self.role_fits(role, node, slot, f, cat);
                roles.0.push((role, slot.get_ref().clone()));
            }
        }
        // An unknown role is most often a renamed one: not reported again as missing.
        if unknown_role {
            return None;
        }
        let sends = nodes.iter().any(|n| matches!(n.action, Some(Action::DemandeApercu | Action::DemandeEnvoi)));
        let shows_results = nodes.iter().any(|n| n.action == Some(Action::Resultats));
        let is_main = head.id.get_ref() == crate::content::MAIN_DIALOGUE;
        let example = "par exemple : themes = \"theme\" (le nom de la case que remplit la question)";
        // What the dialogue does, the roles that needs, why, and a hint.
        let needs = [
            (sends, Role::REQUIRED_FOR_REQUEST, "transmet une demande, qui s'appuie", None),
            (
                shows_results || is_main,
                Role::REQUIRED_FOR_RESULTS,
                "montre des résultats, qui s'appuient",
                Some(example),
            ),
        ];
        for (needed, required, why, help) in needs {
            let missing: Vec<&str> = required
                .iter()
                .filter(|r| needed && roles.slot(**r).is_none() && !declared.contains(*r))
                .map(|r| r.name())
                .collect();
            if !missing.is_empty() {
                let at = head.roles.as_ref().map_or_else(|| head.id.span(), toml::Spanned::span);
                let message = format!(
                    "rôle(s) non déclaré(s) dans [dialogue.roles] : {} ; ce dialogue {why} sur ces réponses",
                    missing.join(", ")
                );
                self.err(f, "D022", at, message).help = help.map(Into::into);
                ok = false;
            }
        }
        ok.then_some(roles)
    }

    /// The question filling a role's slot must give answers of the right kind, with values the
    /// catalogue knows.
    fn role_fits(&mut self, role: Role, node: &Node, slot: &raw::S, f: usize, cat: &Catalogue) -> bool {
        let kind = node.answer;
        let (kinds, known): (&[AnswerKind], Vec<&str>) = match role {
            Role::Commune => (&[AnswerKind::Commune], vec![]),
            Role::Population => (&[AnswerKind::Number], vec![]),
            Role::Programmes => (
                &[AnswerKind::Multi, AnswerKind::Choice],
                cat.statuts.iter().map(|s| s.id.as_str()).chain([AUCUN]).collect(),
            ),
            Role::Themes => {
                (&[AnswerKind::Multi, AnswerKind::Choice], cat.themes.iter().map(|t| t.id.as_str()).collect())
            }
            Role::Etape => (&[AnswerKind::Choice], cat.etapes.iter().map(|t| t.id.as_str()).collect()),
            Role::Besoin => (&[AnswerKind::Choice], cat.besoins.iter().map(|t| t.id.as_str()).collect()),
            Role::Porteur => (&[AnswerKind::Choice], BENEFICIAIRES.to_vec()),
            Role::Description | Role::Demandeur => (&[AnswerKind::Text], vec![]),
            Role::Qualite => (&[AnswerKind::Choice, AnswerKind::Text], vec![]),
            Role::Contact => (&[AnswerKind::Contact], vec![]),
        };
        // A slot without a readable answer kind is reported where the kind is written.
        let Some(kind) = kind else { return true };
        if !kinds.contains(&kind) {
            let wanted: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            self.err(
                f,
                "D023",
                slot.span(),
                format!(
                    "le rôle « {} » attend une question de type {} ; la case « {} » est remplie par le nœud « {} »",
                    role.name(),
                    wanted.join(" ou "),
                    slot.get_ref(),
                    node.id
                ),
            );
            return false;
        }
        let mut ok = true;
        let file = match role {
            Role::Programmes => "data/statuts.toml",
            Role::Themes => "data/themes.toml",
            Role::Etape => "data/etapes.toml",
            Role::Besoin => "data/besoins.toml",
            _ => "",
        };
        // The data file did not parse: its ids are unknown, not missing.
        if !file.is_empty() && self.incomplete(file) {
            return true;
        }
        if !known.is_empty() {
            for c in &node.choices {
                if c.value != NSP && !known.contains(&c.value.as_str()) && !self.misspelled.contains(&c.value) {
                    let help = did_you_mean(&c.value, known.iter().copied());
                    self.err(
                        f,
                        "D024",
                        slot.span(),
                        format!(
                            "la question « {} » (rôle « {} ») propose le choix « {} », que les données ne \
                             connaissent pas : aucun dispositif ne pourrait y correspondre",
                            node.id,
                            role.name(),
                            c.value
                        ),
                    )
                    .help = help;
                    ok = false;
                }
            }
        }
        ok
    }
}
