//! Steps of the loader: `data/besoins.toml` (the kinds of help, and the natures of dispositifs
//! that answer each) and `data/hors-champ.toml` (subjects outside the bot's field, and where to
//! ask instead).

use super::{Defs, Loader};
use crate::catalogue::model::{self as m, Besoin, HorsChamp};
use crate::content::raw;
use crate::text::fold;

impl Loader<'_> {
    pub(super) fn besoins(&mut self, out: &mut Vec<Besoin>) -> Defs {
        let mut defs = Defs::new();
        let Some((file, f)) = self.parse::<raw::BesoinsFile>("data/besoins.toml") else {
            return defs;
        };
        for b in file.besoins {
            let b = b.into_inner();
            if !self.define(&mut defs, "besoin", &b.id, f) {
                continue;
            }
            for n in &b.natures {
                self.one_of(m::NATURES, "nature", n, f);
            }
            if b.natures.is_empty() {
                self.err(
                    f,
                    "C020",
                    b.id.span(),
                    format!(
                        "le besoin « {} » n'a aucune nature : aucun dispositif ne pourrait y répondre \
                         (natures possibles : {})",
                        b.id.get_ref(),
                        m::NATURES.join(", ")
                    ),
                );
            }
            out.push(Besoin {
                id: b.id.into_inner(),
                nom: b.nom.into_inner(),
                synonymes: b.synonymes.into_iter().map(toml::Spanned::into_inner).collect(),
                natures: b.natures.into_iter().map(toml::Spanned::into_inner).collect(),
                financement: b.financement,
            });
        }
        if out.iter().filter(|b| b.financement).count() > 1 {
            self.err(f, "C021", 0..1, "un seul besoin peut porter « financement = true »");
        }
        defs
    }

    pub(super) fn hors_champ(&mut self, out: &mut Vec<HorsChamp>) {
        let mut defs = Defs::new();
        let Some((file, f)) = self.parse::<raw::HorsChampFile>("data/hors-champ.toml") else {
            return;
        };
        for h in file.sujets {
            let span = h.span();
            let h = h.into_inner();
            if !self.define(&mut defs, "sujet", &h.id, f) {
                continue;
            }
            self.source_of(&format!("sujet « {} »", h.id.get_ref()), h.source.as_ref(), f, span);
            let mut mots = vec![];
            for w in &h.mots {
                let folded = fold(w.get_ref()).trim().to_owned();
                if folded.chars().count() < 3 {
                    self.err(
                        f,
                        "C022",
                        w.span(),
                        "expression trop courte (3 lettres au moins) : elle prendrait trop de messages",
                    );
                    continue;
                }
                mots.push(folded);
            }
            out.push(HorsChamp { id: h.id.into_inner(), nom: h.nom.into_inner(), mots, porte: h.porte.into_inner() });
        }
    }
}
