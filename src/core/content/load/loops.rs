//! Step of the loader, inside a dialogue: loop nodes (`pour_chaque`, `filtre`, `corps`) and
//! summaries (`action = "resume"` with `resume = { boucle, colonnes }`).

use std::collections::BTreeSet;

use super::{Loader, Uses};
use crate::catalogue::model::Catalogue;
use crate::content::diag::did_you_mean;
use crate::content::raw;
use crate::dialogue::model::{Action, Boucle, Filtre, Resume};

impl Loader<'_> {
    /// The loop of a node, checked against the lists and the dialogue's nodes and slots.
    pub(super) fn loop_of(
        &mut self,
        n: &raw::RawNode,
        f: usize,
        cat: &Catalogue,
        slots: &BTreeSet<String>,
        resolve: &dyn Fn(&str) -> Option<usize>,
    ) -> Option<Boucle> {
        let liste = n.pour_chaque.as_ref()?;
        let Some(l) = cat.liste(liste.get_ref()) else {
            let help = did_you_mean(liste.get_ref(), cat.listes.iter().map(|l| l.id.as_str()));
            self.err(f, "D040", liste.span(), format!("liste inconnue « {} » (data/listes/)", liste.get_ref())).help =
                help;
            return None;
        };
        let Some(corps) = &n.corps else {
            self.err(
                f,
                "D041",
                liste.span(),
                "« pour_chaque » demande aussi « corps » : le premier nœud fait pour chaque élément",
            );
            return None;
        };
        let Some(first) = resolve(corps.get_ref()) else {
            self.err(f, "D003", corps.span(), format!("nœud inconnu « {} »", corps.get_ref()));
            return None;
        };
        let filtre = match &n.filtre {
            None => None,
            Some(fl) => {
                let fl = fl.get_ref();
                if !l.champs.iter().any(|c| &c.id == fl.champ.get_ref()) {
                    let help = did_you_mean(fl.champ.get_ref(), l.champs.iter().map(|c| c.id.as_str()));
                    self.err(
                        f,
                        "D042",
                        fl.champ.span(),
                        format!("la liste « {} » n'a pas de champ « {} »", l.id, fl.champ.get_ref()),
                    )
                    .help = help;
                    return None;
                }
                if !slots.contains(fl.slot.get_ref()) {
                    let help = did_you_mean(fl.slot.get_ref(), slots.iter().map(String::as_str));
                    self.err(
                        f,
                        "D011",
                        fl.slot.span(),
                        format!("le filtre lit la case « {} », qu'aucun nœud ne remplit", fl.slot.get_ref()),
                    )
                    .help = help;
                    return None;
                }
                Some(Filtre {
                    champ: fl.champ.get_ref().clone(),
                    slot: fl.slot.get_ref().clone(),
                    tous: fl.tous.as_ref().map(|t| t.get_ref().clone()),
                })
            }
        };
        Some(Boucle { liste: l.id.clone(), filtre, corps: first })
    }

    /// The summary of an `action = "resume"` node.
    pub(super) fn resume_of(
        &mut self,
        n: &raw::RawNode,
        f: usize,
        action: Option<Action>,
        slots: &BTreeSet<String>,
        uses: &mut Uses,
    ) -> Option<Resume> {
        match (&n.resume, action) {
            (None, Some(Action::Resume)) => {
                self.err(
                    f,
                    "D043",
                    n.id.span(),
                    "« action = \"resume\" » demande « resume = { boucle = …, colonnes = […] } »",
                );
                None
            }
            (Some(r), a) if a != Some(Action::Resume) => {
                self.err(f, "D043", r.span(), "« resume » n'a d'effet qu'avec « action = \"resume\" »");
                None
            }
            (Some(r), _) => {
                let r = r.get_ref();
                let mut colonnes = vec![];
                for c in &r.colonnes {
                    let c = c.get_ref();
                    if !slots.contains(c.slot.get_ref()) {
                        let help = did_you_mean(c.slot.get_ref(), slots.iter().map(String::as_str));
                        self.err(
                            f,
                            "D011",
                            c.slot.span(),
                            format!("la colonne lit la case « {} », qu'aucun nœud ne remplit", c.slot.get_ref()),
                        )
                        .help = help;
                        continue;
                    }
                    uses.push((c.titre.get_ref().clone(), f, c.titre.span()));
                    colonnes.push((c.slot.get_ref().clone(), c.titre.get_ref().clone()));
                }
                Some(Resume { boucle: r.boucle.get_ref().clone(), colonnes })
            }
            (None, _) => None,
        }
    }
}
