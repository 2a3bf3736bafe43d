//! Step of the loader: what a dialogue means, beyond its form. A setting that does nothing where
//! it is written is refused; a condition that compares an answer with a value the question never
//! gives is refused; an answer that nothing reads (no role, no condition, no summary) is
//! reported, since it changes nothing the bot says.

use super::*;
use crate::dialogue::model::Op;

/// The words a condition may compare a yes-no answer with.
const OUI_NON: &[&str] = &["oui", "non", "vrai", "faux", "true", "false"];

impl Loader<'_> {
    /// Settings that have no effect on this node: choices on a question that offers none,
    /// `reformule` without a question, `confirme` without `propose`, a proposal of the wrong kind.
    pub(super) fn no_effect(&mut self, n: &raw::RawNode, answer: Option<AnswerKind>, f: usize, span: &Range<usize>) {
        let kind = match (&n.answer, answer) {
            (None, _) => None,
            (Some(_), Some(k)) => Some(k),
            // An unreadable kind is reported where it is written.
            (Some(_), None) => return,
        };
        let offers_choices = matches!(kind, Some(AnswerKind::Choice | AnswerKind::Multi));
        if !offers_choices {
            let why = match kind {
                Some(k) => format!("sur une question de type « {} »", k.name()),
                None => "sur un nœud qui ne pose pas de question (pas d'« answer »)".to_owned(),
            };
            let text = self.files[f].text.clone();
            let mut settings: Vec<(&str, Range<usize>)> = vec![];
            if let Some(c) = n.choices.first() {
                settings.push(("choices", find_key(&text, span.start..c.span().start, "choices")));
            }
            if let Some(from) = &n.choices_from {
                settings.push(("choices_from", from.span()));
            }
            if n.nsp {
                // The node's text: from its header to the next block.
                let end = text[span.start + 1..].find("\n[").map_or(text.len(), |i| span.start + 1 + i);
                let at = find_key(&text, span.start..end, "nsp =");
                settings.push(("nsp", at.start..at.start + 3));
            }
            for (name, at) in settings {
                self.err(
                    f,
                    "D012",
                    at,
                    format!(
                        "« {name} » n'a aucun effet {why} : seules les questions « choice » et « multi » \
                         proposent des choix (et leurs synonymes « aussi »)"
                    ),
                )
                .help = Some(match kind {
                    Some(AnswerKind::YesNo) => "oui et non sont déjà compris : retirez ce réglage".into(),
                    Some(AnswerKind::Number) => {
                        "une question « number » attend un nombre : retirez ce réglage, ou changez « answer »".into()
                    }
                    _ => "retirez ce réglage, ou changez « answer » en « choice » ou « multi »".into(),
                });
            }
        }
        if let (Some(r), None) = (&n.reformule, &n.ask) {
            self.err(f, "D012", r.span(), "« reformule » n'a aucun effet sans « ask » (la question à reformuler)");
        }
        if let (Some(c), None) = (&n.confirme, &n.propose) {
            self.err(
                f,
                "D012",
                c.span(),
                "« confirme » n'a aucun effet sans « propose » (la valeur connue à faire confirmer)",
            );
        }
        if let (Some(p), Some(k)) = (&n.propose, kind) {
            let wanted: &[AnswerKind] = match Propose::parse(p.get_ref()) {
                Some(Propose::PopulationCommune) => &[AnswerKind::Number],
                Some(Propose::StatutsCommune) => &[AnswerKind::Multi, AnswerKind::Choice],
                Some(Propose::AdressePlateforme) => &[AnswerKind::Contact],
                None => &[],
            };
            if !wanted.is_empty() && !wanted.contains(&k) {
                let names: Vec<&str> = wanted.iter().map(|k| k.name()).collect();
                self.err(
                    f,
                    "D012",
                    p.span(),
                    format!(
                        "« propose = \"{}\" » n'a aucun effet sur une question de type « {} » : il faut une question {}",
                        p.get_ref(),
                        k.name(),
                        names.join(" ou ")
                    ),
                );
            }
        }
    }

    /// A condition comparing a choice or yes-no answer with a value the question never gives
    /// would never (or always) hold: refused. True when all are fine.
    pub(super) fn condition_values(
        &mut self,
        conditions: &[(Condition, Range<usize>)],
        nodes: &[Node],
        f: usize,
    ) -> bool {
        let mut ok = true;
        for (cond, at) in conditions {
            if !matches!(cond.op, Op::Eq | Op::Ne | Op::Contient) {
                continue;
            }
            let Some(node) = nodes.iter().find(|n| n.slot.as_deref() == Some(cond.slot.as_str())) else { continue };
            let values: Vec<&str> = match node.answer {
                Some(AnswerKind::Choice | AnswerKind::Multi) => node.choices.iter().map(|c| c.value.as_str()).collect(),
                Some(AnswerKind::YesNo) => OUI_NON.to_vec(),
                _ => continue,
            };
            if values.is_empty() || values.contains(&cond.value.as_str()) || self.misspelled.contains(&cond.value) {
                continue;
            }
            let help = did_you_mean(&cond.value, values.iter().copied())
                .or_else(|| Some(format!("valeurs possibles : {}", values.join(", "))));
            self.err(
                f,
                "D013",
                at.clone(),
                format!(
                    "la condition compare la case « {} » à « {} », que la question « {} » ne donne jamais : \
                     cette branche ne dépendrait pas de la réponse",
                    cond.slot, cond.value, node.id
                ),
            )
            .help = help;
            ok = false;
        }
        ok
    }

    /// Answers stored in a slot that nothing reads: a warning at the slot.
    pub(super) fn unused_answers(
        &mut self,
        head: &raw::DialogueHead,
        nodes: &[(raw::RawNode, Range<usize>)],
        conditions: &[(Condition, Range<usize>)],
        f: usize,
    ) {
        let mut read: HashSet<&str> = conditions.iter().map(|(c, _)| c.slot.as_str()).collect();
        if let Some(roles) = &head.roles {
            read.extend(roles.get_ref().values().map(|s| s.get_ref().as_str()));
        }
        for (n, _) in nodes {
            if let Some(filtre) = &n.filtre {
                read.insert(filtre.get_ref().slot.get_ref());
            }
            if let Some(r) = &n.resume {
                read.extend(r.get_ref().colonnes.iter().map(|c| c.get_ref().slot.get_ref().as_str()));
            }
        }
        for (n, _) in nodes {
            let Some(slot) = &n.slot else { continue };
            if n.answer.is_none() || read.contains(slot.get_ref().as_str()) {
                continue;
            }
            self.warn(
                f,
                "D025",
                slot.span(),
                format!(
                    "la réponse à la question « {} » est rangée dans la case « {} », que rien ne lit (ni un rôle de \
                     [dialogue.roles], ni une condition « if », ni une synthèse) : elle ne change rien à ce que dit \
                     le bot",
                    n.id.get_ref(),
                    slot.get_ref()
                ),
            )
            .help = Some(
                "pour que les résultats en tiennent compte, déclarez son rôle dans [dialogue.roles] (voir « Les rôles \
                 des cases ») ; sinon lisez-la dans une condition, ou retirez la question"
                    .into(),
            );
        }
    }
}

impl Loader<'_> {
    /// A dispositif reserved to intercommunalités or other collectivités is only kept from a
    /// commune when some question asks who carries the project (role `porteur`): without one,
    /// the condition would filter nothing and « pourquoi pas » would say it fits.
    pub(super) fn porteur_asked(&mut self, dialogues: &HashMap<String, Dialogue>) {
        use crate::dialogue::model::Role;
        let showing: Vec<&Dialogue> =
            dialogues.values().filter(|d| d.nodes.iter().any(|n| n.action == Some(Action::Resultats))).collect();
        if showing.is_empty() || showing.iter().all(|d| d.roles.slot(Role::Porteur).is_some()) {
            return;
        }
        for (f, at, id, list) in std::mem::take(&mut self.restricted) {
            self.err(
                f,
                "C024",
                at,
                format!(
                    "dispositif « {id} » réservé à : {} ; or aucune question ne demande qui porte le projet (rôle \
                     « porteur » de [dialogue.roles]) : cette condition ne filtrerait rien, le bot le proposerait \
                     à une commune et dirait qu'il lui correspond",
                    list.join(", ")
                ),
            )
            .help = Some(
                "ajoutez « commune » si une commune peut en bénéficier ; sinon, une question qui remplit le rôle \
                 « porteur » (voir dialogues/LISEZMOI.md, « Exemple complet »)"
                    .into(),
            );
        }
    }
}
