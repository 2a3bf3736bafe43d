//! Step of the loader: `data/listes/*.toml`, lists of items that questionnaires walk through.

use super::{Defs, Loader};
use crate::catalogue::model::{Champ, ChampValeur, Element, Liste};
use crate::content::diag::did_you_mean;
use crate::content::raw;

impl Loader<'_> {
    /// Reads every list; `known` are the ids an element's `dispositifs` may name.
    pub(super) fn listes(&mut self, known: &[&Defs]) -> Vec<Liste> {
        let mut out = vec![];
        let mut ids = Defs::new();
        // The folder is optional: content without questionnaires has none.
        if !self.source.is_dir("data/listes") {
            return out;
        }
        for rel in self.list("data/listes", ".toml") {
            let Some((file, f)) = self.parse::<raw::ListeFile>(&rel) else {
                continue;
            };
            let head_span = file.liste.span();
            let head = file.liste.into_inner();
            if !self.define(&mut ids, "liste", &head.id, f) {
                continue;
            }
            let source =
                self.source_of(&format!("liste « {} »", head.id.get_ref()), head.source.as_ref(), f, head_span);
            let mut champs: Vec<Champ> = vec![];
            for c in &head.champs {
                let c = c.get_ref();
                let oui_non = match c.kind.get_ref().as_str() {
                    "oui-non" => true,
                    "texte" => false,
                    other => {
                        let help = did_you_mean(other, ["texte", "oui-non"]);
                        self.err(
                            f,
                            "L001",
                            c.kind.span(),
                            format!("type de champ inconnu « {other} » (texte ou oui-non)"),
                        )
                        .help = help;
                        continue;
                    }
                };
                champs.push(Champ { id: c.id.get_ref().clone(), oui_non, libelle: c.libelle.get_ref().clone() });
            }
            let mut elements = vec![];
            let mut element_ids = Defs::new();
            for e in file.elements {
                let span = e.span();
                let table = e.into_inner();
                let text = |k: &str| table.get(k).and_then(toml::Value::as_str).map(str::to_owned);
                let (Some(id), Some(nom)) = (text("id"), text("nom")) else {
                    self.err(f, "L002", span.start..span.start + 1, "élément sans « id » ou sans « nom » (textes)");
                    continue;
                };
                let id_s = toml::Spanned::new(span.clone(), id.clone());
                if !self.define(&mut element_ids, "élément", &id_s, f) {
                    continue;
                }
                let mut valeurs = vec![];
                let mut dispositifs = vec![];
                for (k, v) in &table {
                    match k.as_str() {
                        "id" | "nom" => {}
                        "dispositifs" => {
                            for d in v.as_array().into_iter().flatten().filter_map(toml::Value::as_str) {
                                if !known.iter().any(|defs| defs.contains_key(d)) {
                                    if self.incomplete("data/dispositifs/")
                                        || self.incomplete("data/acteurs/")
                                        || self.misspelled.contains(d)
                                    {
                                        continue;
                                    }
                                    let all = known.iter().flat_map(|defs| defs.keys().map(String::as_str));
                                    let help = did_you_mean(d, all);
                                    self.err(
                                        f,
                                        "L003",
                                        span.start..span.start + 1,
                                        format!("élément « {id} » : dispositif ou acteur inconnu « {d} »"),
                                    )
                                    .help = help;
                                } else {
                                    dispositifs.push(d.to_owned());
                                }
                            }
                        }
                        champ => match (champs.iter().find(|c| c.id == champ), v) {
                            (Some(c), toml::Value::Boolean(b)) if c.oui_non => {
                                valeurs.push((champ.to_owned(), ChampValeur::OuiNon(*b)));
                            }
                            (Some(c), toml::Value::String(t)) if !c.oui_non => {
                                valeurs.push((champ.to_owned(), ChampValeur::Texte(t.clone())));
                            }
                            (Some(c), _) => {
                                let want = if c.oui_non {
                                    "true ou false, sans guillemets"
                                } else {
                                    "un texte entre guillemets"
                                };
                                self.err(
                                    f,
                                    "L004",
                                    span.start..span.start + 1,
                                    format!("élément « {id} », champ « {champ} » : attendu {want}"),
                                );
                            }
                            (None, _) => {
                                let help = did_you_mean(champ, champs.iter().map(|c| c.id.as_str()));
                                self.err(
                                    f,
                                    "L005",
                                    span.start..span.start + 1,
                                    format!("élément « {id} » : champ « {champ} » non déclaré dans [liste] champs"),
                                )
                                .help = help;
                            }
                        },
                    }
                }
                for c in &champs {
                    if !valeurs.iter().any(|(k, _)| k == &c.id) {
                        self.err(
                            f,
                            "L006",
                            span.start..span.start + 1,
                            format!("élément « {id} » : champ « {} » manquant", c.id),
                        );
                    }
                }
                elements.push(Element { id, nom, valeurs, dispositifs });
            }
            out.push(Liste { id: head.id.into_inner(), nom: head.nom.into_inner(), source, champs, elements });
        }
        out
    }
}
