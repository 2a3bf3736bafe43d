//! Step of the loader: `dialogues/vocabulaire.toml`, the words the bot recognises.

use std::collections::HashMap;

use super::Loader;
use crate::content::diag::did_you_mean;
use crate::content::raw;
use crate::dialogue::vocab::{Groupe, Vocabulaire};
use crate::text::fold;

/// The vocabulary file, relative to the content root.
pub const VOCABULAIRE: &str = "dialogues/vocabulaire.toml";

impl Loader<'_> {
    /// Reads and validates the vocabulary. On errors the diagnostics say why and an empty
    /// vocabulary is returned (the content is refused anyway).
    pub(super) fn vocabulaire(&mut self) -> Vocabulaire {
        let Some((file, f)) = self.parse::<raw::VocabFile>(VOCABULAIRE) else {
            return Vocabulaire::default();
        };
        let mut groups: Vec<Vec<String>> = vec![vec![]; Groupe::ALL.len()];
        let mut present = vec![false; Groupe::ALL.len()];
        // Where each phrase was first given, by group, for the exclusive groups.
        let mut owner: HashMap<String, Groupe> = HashMap::new();
        let names: Vec<&str> = Groupe::ALL.iter().map(|(_, n)| *n).collect();
        for (key, group) in file {
            let Some(g) = Groupe::parse(key.get_ref()) else {
                let help = did_you_mean(key.get_ref(), names.iter().copied());
                self.err(
                    f,
                    "V001",
                    key.span(),
                    format!("groupe de vocabulaire inconnu « {} » : le programme ne le lit pas", key.get_ref()),
                )
                .help = help.or_else(|| Some(format!("groupes possibles : {}", names.join(", "))));
                continue;
            };
            present[g as usize] = true;
            let group = group.into_inner();
            // A word given in French and in English is normal ("stop", "contact"); twice in the
            // same language is a slip.
            let mut seen = std::collections::HashSet::new();
            let mut seen_en = std::collections::HashSet::new();
            let fr_count = group.fr.len();
            for (k, w) in group.fr.iter().chain(&group.en).enumerate() {
                let in_fr = k < fr_count;
                let folded = fold(w.get_ref()).trim().to_owned();
                if folded.is_empty() {
                    self.err(f, "V003", w.span(), "expression vide : retirez-la ou écrivez des mots");
                    continue;
                }
                // Discord refuses command names longer than 32 characters.
                if g.is_command()
                    && (!folded.chars().all(|c| c.is_alphanumeric() || c == '-') || folded.chars().count() > 32)
                {
                    self.err(
                        f,
                        "V006",
                        w.span(),
                        format!(
                            "« {} » ne peut pas servir de commande : une commande est un seul mot \
                             (lettres, chiffres, tirets, 32 au plus), sans espace",
                            w.get_ref()
                        ),
                    );
                    continue;
                }
                let fresh = if in_fr { seen.insert(folded.clone()) } else { seen_en.insert(folded.clone()) };
                if !fresh {
                    self.warn(f, "V004", w.span(), format!("« {} » figure deux fois dans [{}]", w.get_ref(), g.name()));
                    continue;
                }
                if let Some(set) = Groupe::EXCLUSIVE.iter().find(|set| set.contains(&g)) {
                    match owner.get(&folded) {
                        Some(other) if *other != g && set.contains(other) => {
                            self.err(
                                f,
                                "V005",
                                w.span(),
                                format!(
                                    "« {} » est à la fois dans [{}] et dans [{}] : le bot ne saurait pas \
                                     quoi comprendre ; gardez-le dans un seul groupe",
                                    w.get_ref(),
                                    other.name(),
                                    g.name()
                                ),
                            );
                            continue;
                        }
                        Some(_) => {}
                        None => {
                            owner.insert(folded.clone(), g);
                        }
                    }
                }
                if !in_fr && seen.contains(&folded) {
                    continue;
                }
                groups[g as usize].push(folded);
            }
        }
        for (g, name) in Groupe::ALL {
            if !present[g as usize] {
                self.err(
                    f,
                    "V002",
                    0..1,
                    format!("groupe [{name}] absent : le programme en a besoin (laissez-le, même avec peu de mots)"),
                );
            }
        }
        Vocabulaire::new(groups)
    }
}
