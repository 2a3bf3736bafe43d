//! Reading a message as the answer to the question asked: corrections of earlier answers
//! ("non, pas PVD"), questions asked instead, "je ne sais pas", the answer itself, and what
//! else the same sentence says. Nothing here can trap a person: "je ne sais pas" passes any
//! question, and three misunderstandings in a row pass it too (after the second, the bot shows
//! the choices again and the single entry point).

use super::engine::Turn;
use super::followup::Strength;
use super::model::{AnswerKind, Label, Node, Role, Value};
use super::parse::{self, AUCUN, Mode, NSP};
use super::session::Pending;
use super::vocab::Groupe;
use crate::catalogue::Lookup;
use crate::i18n::Arg;
use crate::reply::{ChoiceView, Reply};

/// Misunderstandings in a row after which the bot passes the question.
const MAX_MISSES: u8 = 3;

impl<'a> Turn<'a> {
    /// Handles a message as an answer (or a question). Returns false if nothing was understood
    /// and, with `quiet`, nothing was said.
    pub(super) fn answer(&mut self, input: &str, folded: &str, quiet: bool) -> bool {
        let Some((index, node)) = self.current() else {
            self.quick(input, Strength::Any);
            return true;
        };
        if node.answer.is_none() {
            // After the results: a correction recomputes them; anything else is a question.
            if self.correction(folded) {
                return true;
            }
            self.quick(input, Strength::Any);
            return true;
        }
        if !quiet && self.correction(folded) {
            return true;
        }
        let question = super::followup::looks_like_question(self.content, folded);
        if question && self.quick(input, Strength::Question) {
            self.resume_after_question(folded, quiet);
            return true;
        }
        if let Some(p) = self.s.pending.clone() {
            match self.pending(&p, node, index, input, folded) {
                Some(true) => return true,
                Some(false) => {}
                None => {
                    self.not_understood(node, folded);
                    return true;
                }
            }
        }
        if parse::is_nsp(&self.content.vocab, folded) && !node.nsp_choice {
            self.accept_unknown(index, node);
            return true;
        }
        let pending_before = self.s.pending.is_some();
        match self.parse_answer(node, input, folded) {
            Some(value) => {
                self.accept(index, node, value, folded);
                true
            }
            // The answer opened a sub-question (several communes fit): it is asked already.
            None if !pending_before && self.s.pending.is_some() => true,
            None if question => {
                // A question the catalogue cannot answer: say so, then ask again (a first
                // message may also say something of the project: it is kept).
                self.out.push(Reply::say("question-rien"));
                self.resume_after_question(folded, quiet);
                true
            }
            None => {
                // Not an answer to the question: a quick question put another way, if the
                // catalogue is sure of it.
                if self.quick(input, Strength::Question) {
                    self.out.push(Reply::say("question-reprise"));
                    self.ask_current();
                    return true;
                }
                if quiet {
                    // The person has not seen the question yet: fill what can be read, say what
                    // was understood (or that the message found no answer), then ask.
                    let filled = self.extract(folded, index);
                    if filled.is_empty() && crate::text::words(folded).count() >= 3 {
                        self.out.push(Reply::say("question-rien"));
                        self.out.push(Reply::say("question-reprise"));
                    }
                    self.say_understood(filled, None, 1);
                    self.skip_known();
                    return true;
                }
                self.not_understood(node, folded);
                true
            }
        }
    }

    /// A pending sub-question. `Some(true)`: handled. `Some(false)`: not about it, go on with the
    /// node. `None`: not understood.
    /// After a question put during the dialogue: says the dialogue resumes, then asks the
    /// current question again; a first message (`quiet`) that asks may also say who asks and
    /// about what, which is kept before the next question.
    fn resume_after_question(&mut self, folded: &str, quiet: bool) {
        self.out.push(Reply::say("question-reprise"));
        if quiet {
            let filled = self.extract(folded, usize::MAX);
            self.say_understood(filled, None, 1);
            self.skip_known();
        } else {
            self.ask_current();
        }
    }

    fn pending(&mut self, p: &Pending, node: &'a Node, index: usize, input: &str, folded: &str) -> Option<bool> {
        let v = &self.content.vocab;
        match p {
            Pending::Communes { insee } => {
                let names: Vec<String> = insee
                    .iter()
                    .filter_map(|c| self.content.communes.by_insee(c))
                    .map(|c| crate::text::fold(&c.nom))
                    .collect();
                let chosen = parse::choice_number(v, folded)
                    .filter(|n| (1..=names.len()).contains(n))
                    .map(|n| n - 1)
                    .or_else(|| {
                        let key = self.content.communes.key(input);
                        names.iter().position(|n| self.content.communes.key(n) == key)
                    });
                if let Some(i) = chosen {
                    self.s.pending = None;
                    let value = Value::Commune(insee[i].clone());
                    self.accept(index, node, value, "");
                    return Some(true);
                }
                // Another name altogether (or "je ne sais pas"): read it as a new answer.
                self.s.pending = None;
                Some(false)
            }
            Pending::Confirm { value } => {
                if parse::is_nsp(v, folded) {
                    self.accept_unknown(index, node);
                    return Some(true);
                }
                // The question shows "1. Oui 2. Non": a number answers it, not the node's choices.
                let numbered = match folded.trim_matches(|c: char| !c.is_alphanumeric()) {
                    "1" => Some(true),
                    "2" => Some(false),
                    _ => None,
                };
                if let Some(yes) = numbered.or_else(|| parse::yes_no(v, folded)) {
                    self.s.pending = None;
                    if yes {
                        self.accept(index, node, value.clone(), "");
                        return Some(true);
                    }
                    // "non, 900", "non, on est Villages d'avenir", "non, pas PVD": the rest is the
                    // answer; a bare "non" asks the question.
                    let rest = v.strip_start(Groupe::Non, folded).unwrap_or("");
                    match (!rest.is_empty()).then(|| self.parse_answer(node, rest, rest)).flatten() {
                        Some(v) => self.accept(index, node, v, rest),
                        None => self.ask(node),
                    }
                    return Some(true);
                }
                if let Some(v) = self.parse_answer(node, input, folded) {
                    self.s.pending = None;
                    self.accept(index, node, v, folded);
                    return Some(true);
                }
                None
            }
        }
    }

    fn labels(&self, node: &'a Node) -> &'a [String] {
        node.labels(&self.s.lang)
    }

    fn parse_answer(&mut self, node: &'a Node, input: &str, folded: &str) -> Option<Value> {
        let kind = node.answer?;
        let v = &self.content.vocab;
        match kind {
            AnswerKind::Number => parse::number(v, folded).map(Value::Number),
            AnswerKind::YesNo => parse::yes_no(v, folded).map(Value::Bool),
            AnswerKind::Text => {
                (!folded.trim().is_empty()).then(|| Value::Text(input.trim().chars().take(2000).collect()))
            }
            AnswerKind::Choice => {
                let labels = self.labels(node);
                parse::choice(v, folded, &node.choices, labels).map(|i| Value::Choice(node.choices[i].value.clone()))
            }
            AnswerKind::Multi => {
                let labels = self.labels(node);
                parse::multi(v, folded, &node.choices, labels).map(|list| {
                    Value::Multi(normalise_multi(list.into_iter().map(|i| node.choices[i].value.clone()).collect()))
                })
            }
            AnswerKind::Commune => self.parse_commune(input),
            AnswerKind::Contact => parse::contact(input).map(Value::Text),
        }
    }

    /// A commune answer; says what it found when that needs saying (ambiguity, outside the
    /// Manche). `None` when nothing fits.
    fn parse_commune(&mut self, input: &str) -> Option<Value> {
        let communes = &self.content.communes;
        match communes.lookup(input) {
            Lookup::Found(i) => Some(Value::Commune(communes.manche[i].insee.clone())),
            Lookup::Several(list) => {
                let insee: Vec<String> = list.iter().map(|&i| communes.manche[i].insee.clone()).collect();
                let choices = list
                    .iter()
                    .enumerate()
                    .map(|(n, &i)| {
                        let c = &communes.manche[i];
                        let cp = c.codes_postaux.first().cloned().unwrap_or_default();
                        ChoiceView { n: n + 1, label: Label::Text(format!("{} ({cp})", c.nom)), value: c.insee.clone() }
                    })
                    .collect();
                self.s.pending = Some(Pending::Communes { insee });
                self.out.push(Reply::Ask { id: "commune-plusieurs".into(), args: vec![], choices });
                None
            }
            Lookup::Outside(list) => {
                let a = communes.ailleurs(list[0])?;
                self.out.push(Reply::say_with(
                    "commune-hors-manche",
                    vec![("commune", Arg::Text(a.nom.clone())), ("departement", Arg::Text(a.departement_nom.clone()))],
                ));
                Some(Value::Ailleurs {
                    nom: a.nom.clone(),
                    departement: a.departement.clone(),
                    departement_nom: a.departement_nom.clone(),
                })
            }
            Lookup::NotFound => None,
        }
    }

    /// Stores an answer, reads other answers from the same sentence, and moves on.
    fn accept(&mut self, index: usize, node: &Node, value: Value, folded: &str) {
        if let Some(slot) = &node.slot {
            if Some(slot.as_str()) == self.role_slot(Role::Commune)
                && let Some(p) = self.role_slot(Role::Population)
            {
                // A new commune invalidates what was derived from the old one.
                self.s.slots.remove(p);
            }
            let key = self.slot_key(slot);
            self.s.slots.insert(key, value);
        }
        let entry = match self.s.boucle.as_ref().and_then(super::session::LoopState::item) {
            Some(item) => format!("{}@{item}", node.id),
            None => node.id.clone(),
        };
        self.s.history.push(entry);
        self.s.misses = 0;
        // A short answer answers one question; "je ne sais pas" says nothing of the rest; in a
        // loop, each answer is about the item at hand only.
        let unsure = node.slot.as_deref().and_then(|s| self.slot_value(s)).is_some_and(Value::is_unknown);
        if !unsure && self.s.boucle.is_none() && crate::text::words(folded).count() > 2 {
            let filled = self.extract(folded, index);
            self.say_understood(filled, node.slot.as_deref(), 2);
        }
        self.go_next(index);
    }

    /// "Je ne sais pas" (or three misunderstandings): the question is passed with a defined
    /// outcome. A value proposed from data (the INSEE population) is kept.
    pub(super) fn accept_unknown(&mut self, index: usize, node: &'a Node) {
        if let Some(Pending::Confirm { value }) = self.s.pending.take() {
            let mut args = self.proposal_args(node, &value);
            args.retain(|(k, _)| *k == "valeur");
            self.out.push(Reply::say_with("nsp-garde", args));
            self.accept(index, node, value, "");
            return;
        }
        self.s.pending = None;
        let value = match node.answer {
            Some(AnswerKind::Choice) if node.nsp_choice => Value::Choice(NSP.into()),
            Some(AnswerKind::Multi) if node.nsp_choice => Value::Multi(vec![NSP.into()]),
            _ => Value::Inconnu,
        };
        if !node.nsp_choice {
            self.out.push(Reply::say("nsp-ok"));
        }
        // Someone who does not know twice may rather be helped by a person: the single entry
        // point is offered once, and the questions go on.
        let unknown_before = self.s.slots.values().filter(|v| v.is_unknown()).count();
        if unknown_before == 1 {
            self.out.push(Reply::say("recours-guichet"));
        }
        self.accept(index, node, value, "");
    }

    /// Fills slots of other nodes that the sentence answers plainly; returns the slots filled.
    fn extract(&mut self, folded: &str, current: usize) -> Vec<String> {
        let v = &self.content.vocab;
        // The commune's own name says nothing about the project ("…-sur-Mer" is no seaside theme).
        let without;
        let folded = match self.role_value(Role::Commune) {
            Some(Value::Commune(insee)) => match self.content.communes.by_insee(insee) {
                Some(c) => {
                    without = without_name(&self.content.communes, folded, &c.nom);
                    without.as_str()
                }
                None => folded,
            },
            _ => folded,
        };
        let mut filled = vec![];
        for (i, n) in self.dialogue.nodes.iter().enumerate() {
            let (Some(kind), Some(slot)) = (n.answer, &n.slot) else {
                continue;
            };
            if i == current || self.s.slots.contains_key(slot) {
                continue;
            }
            let value = match kind {
                AnswerKind::Commune => self
                    .content
                    .communes
                    .find_in_sentence(folded, true)
                    .map(|c| Value::Commune(self.content.communes.manche[c].insee.clone())),
                AnswerKind::Number => parse::population_in_sentence(v, folded).map(Value::Number),
                AnswerKind::Choice => {
                    let found = parse::mentions(v, folded, &n.choices, self.labels(n), Mode::Extract);
                    parse::longest_positive(&found).map(|c| Value::Choice(n.choices[c].value.clone()))
                }
                AnswerKind::Multi => {
                    let found = parse::mentions(v, folded, &n.choices, self.labels(n), Mode::Extract);
                    // In a sentence about something else, the long phrases name the project
                    // ("une piste cyclable entre le bourg et la plage" is about cycling).
                    let longest = found.iter().filter(|m| m.positive).map(|m| m.len).max().unwrap_or(0);
                    let positive: Vec<String> = found
                        .iter()
                        .filter(|m| m.positive && m.len * 10 >= longest * 6)
                        .map(|m| n.choices[m.choice].value.clone())
                        .collect();
                    if !positive.is_empty() {
                        Some(Value::Multi(normalise_multi(positive)))
                    } else if found.iter().any(|m| m.negative) && n.choices.iter().any(|c| c.value == AUCUN) {
                        // "pas de PVD", "ni PVD ni rien": no programme.
                        Some(Value::Multi(vec![AUCUN.into()]))
                    } else {
                        None
                    }
                }
                AnswerKind::YesNo | AnswerKind::Text | AnswerKind::Contact => None,
            };
            if let Some(v) = value {
                self.s.slots.insert(slot.clone(), v);
                filled.push(slot.clone());
            }
        }
        filled
    }

    /// After a sentence that answered several questions at once, one sentence saying what was
    /// understood, so that the person can correct it ("non, pas PVD").
    fn say_understood(&mut self, mut filled: Vec<String>, answered: Option<&str>, least: usize) {
        if let Some(slot) = answered
            && !filled.is_empty()
        {
            filled.insert(0, slot.to_owned());
        }
        let mut items: Vec<(Role, Value)> = filled
            .iter()
            .filter_map(|slot| {
                let role = self.dialogue.roles.of(slot)?;
                let value = self.s.slots.get(slot)?;
                (!value.is_unknown()).then(|| (role, value.clone()))
            })
            .collect();
        items.sort_by_key(|(r, _)| *r);
        if items.len() >= least.max(1) {
            self.out.push(Reply::Compris { items });
        }
        self.note_list_disagreement(&filled);
    }

    /// "Nous ne sommes pas Petites villes de demain" when the ANCT's list says the commune is:
    /// the answer is kept, and the list said once, with its date, since the programme opens
    /// dispositifs the mayor would otherwise not see.
    fn note_list_disagreement(&mut self, filled: &[String]) {
        let Some(slot) = self.dialogue.roles.slot(Role::Programmes).filter(|s| filled.iter().any(|f| f == *s)) else {
            return;
        };
        let Some(node) = self.dialogue.nodes.iter().find(|n| n.slot.as_deref() == Some(slot)) else {
            return;
        };
        let Some(Value::Multi(listed)) = self.proposal(node) else {
            return;
        };
        let said: Vec<&str> = match self.s.slots.get(slot) {
            Some(Value::Multi(v)) => v.iter().map(String::as_str).collect(),
            Some(Value::Choice(c)) => vec![c.as_str()],
            _ => return,
        };
        if said.contains(&NSP) {
            return;
        }
        let missing: Vec<String> = listed.into_iter().filter(|s| !said.contains(&s.as_str())).collect();
        if !missing.is_empty() {
            let args = self.proposal_args(node, &Value::Multi(missing));
            self.out.push(Reply::say_with("statut-liste-differente", args));
        }
    }

    /// "non, pas PVD", "en fait on est Villages d'avenir": an earlier answer corrected. Only
    /// slots already answered (not the question being asked) are corrected; negations remove a
    /// value, and after a correcting word ("non", "en fait") a newly named value replaces.
    /// Returns whether something changed; then the bot says what it now holds and goes on.
    fn correction(&mut self, folded: &str) -> bool {
        let v = &self.content.vocab;
        let marked = v.strip_start(Groupe::Correction, folded).is_some();
        let current = self.current().and_then(|(_, n)| n.slot.clone());
        let mut changed: Vec<String> = vec![];
        let mut reask: Option<usize> = None;
        for role in [Role::Programmes, Role::Themes, Role::Etape, Role::Besoin, Role::Porteur] {
            let Some(slot) = self.role_slot(role) else { continue };
            if current.as_deref() == Some(slot) {
                continue;
            }
            let Some(stored) = self.s.slots.get(slot).cloned() else { continue };
            let Some((ni, n)) = self.dialogue.node_of_slot(slot) else { continue };
            let held: Vec<String> = match &stored {
                Value::Choice(c) => vec![c.clone()],
                Value::Multi(list) => list.clone(),
                _ => continue,
            };
            let found = parse::mentions(v, folded, &n.choices, self.labels(n), Mode::Extract);
            let removed: Vec<&str> = found
                .iter()
                .filter(|m| m.negative && !m.positive)
                .map(|m| n.choices[m.choice].value.as_str())
                .filter(|x| held.iter().any(|h| h == x))
                .collect();
            let added: Vec<String> = if marked {
                found
                    .iter()
                    .filter(|m| m.positive)
                    .map(|m| n.choices[m.choice].value.clone())
                    .filter(|x| !held.contains(x))
                    .collect()
            } else {
                vec![]
            };
            if removed.is_empty() && added.is_empty() {
                continue;
            }
            let new = match (&stored, n.answer) {
                (Value::Multi(_), _) | (_, Some(AnswerKind::Multi)) => {
                    let mut list: Vec<String> =
                        held.iter().filter(|h| !removed.contains(&h.as_str())).cloned().collect();
                    list.extend(added);
                    let list = normalise_multi(list);
                    if list.is_empty() {
                        n.choices.iter().any(|c| c.value == AUCUN).then(|| Value::Multi(vec![AUCUN.into()]))
                    } else {
                        Some(Value::Multi(list))
                    }
                }
                _ => added.first().map(|a| Value::Choice(a.clone())),
            };
            match new {
                Some(value) => {
                    self.s.slots.insert(slot.to_owned(), value);
                }
                None => {
                    self.s.slots.remove(slot);
                    reask = Some(reask.map_or(ni, |r| r.min(ni)));
                }
            }
            changed.push(slot.to_owned());
        }
        if changed.is_empty() {
            return false;
        }
        let items: Vec<(Role, Value)> = changed
            .iter()
            .filter_map(|slot| Some((self.dialogue.roles.of(slot)?, self.s.slots.get(slot)?.clone())))
            .collect();
        self.out.push(Reply::say("correction-ok"));
        if !items.is_empty() {
            self.out.push(Reply::Compris { items });
        }
        let after_results = self.current().is_some_and(|(_, n)| n.answer.is_none());
        match reask {
            Some(i) => {
                self.s.pending = None;
                self.s.results.clear();
                self.enter(i);
            }
            None if after_results => self.results(),
            None => self.ask_current(),
        }
        true
    }

    /// An empty message: counted as not understood, without the reformulation.
    pub(super) fn misunderstood_current(&mut self) {
        match self.current() {
            Some((_, node)) if node.answer.is_some() => {
                if self.s.misses + 1 >= 2 {
                    self.misunderstood(node);
                } else {
                    self.s.misses += 1;
                    self.ask_current();
                }
            }
            _ => self.ask_current(),
        }
    }

    /// Not an answer: a polite word gets a polite reply, anything else a reformulation.
    fn not_understood(&mut self, node: &'a Node, folded: &str) {
        let v = &self.content.vocab;
        if v.is(Groupe::Salutation, folded) {
            self.out.push(Reply::say("question-reprise"));
            self.ask_current();
        } else if v.is(Groupe::Merci, folded) {
            self.out.push(Reply::say("merci-reponse"));
            self.ask_current();
        } else {
            // Not the answer, but something the dialogue asks later ("revitaliser le centre"
            // while the programme is being confirmed): kept and said, then the question again.
            let filled = match self.current() {
                Some((index, _)) => self.extract(folded, index),
                None => vec![],
            };
            if filled.is_empty() {
                self.misunderstood(node);
            } else {
                self.say_understood(filled, None, 1);
                self.ask_current();
            }
        }
    }

    /// Not understood. First a reformulated question with examples; the second time, the
    /// question again with its choices and the single entry point; the third, the question is
    /// passed as "je ne sais pas": nobody stays stuck.
    fn misunderstood(&mut self, node: &'a Node) {
        self.s.misses = self.s.misses.saturating_add(1);
        let confirm = matches!(self.s.pending, Some(Pending::Confirm { .. }));
        if self.s.misses >= MAX_MISSES {
            self.out.push(Reply::say("question-passee"));
            if let Some((index, _)) = self.current() {
                self.accept_unknown(index, node);
            }
            return;
        }
        if self.s.misses >= 2 {
            self.out.push(Reply::say("incompris-encore"));
            self.out.push(Reply::say("recours-guichet"));
            self.ask_current();
            return;
        }
        if confirm {
            self.out.push(Reply::say("incompris-oui-non"));
            self.ask_current();
            return;
        }
        let kind = node.answer.unwrap_or(AnswerKind::Text);
        let id = node.reformule.clone().unwrap_or_else(|| format!("incompris-{}", kind.message_suffix()));
        self.out.push(Reply::Ask { id, args: self.args(), choices: Self::choices(node) });
    }
}

/// "Aucun" or "je ne sais pas" beside real values means the real ones; "je ne sais pas" beside
/// "aucun" means not knowing.
fn normalise_multi(mut values: Vec<String>) -> Vec<String> {
    values.dedup();
    if values.iter().any(|v| v != AUCUN && v != NSP) {
        values.retain(|v| v != AUCUN && v != NSP);
    } else if values.len() > 1 {
        values.retain(|v| v == NSP);
    }
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
    values
}

/// `folded` with the words of `name` (compared as name keys) blanked out.
pub(super) fn without_name(communes: &crate::catalogue::Communes, folded: &str, name: &str) -> String {
    let key = communes.key(name);
    let wanted: Vec<&str> = key.split(' ').collect();
    // Words of the text with their byte ranges, compared the way names are.
    let mut spans = vec![];
    let mut start = None;
    for (i, c) in folded.char_indices().chain(std::iter::once((folded.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s0)) => {
                spans.push((s0, i));
                start = None;
            }
            _ => {}
        }
    }
    let same = |(a, b): (usize, usize), w: &str| communes.key(&folded[a..b]) == w;
    let mut out = folded.to_owned();
    if wanted.is_empty() || spans.len() < wanted.len() {
        return out;
    }
    for i in 0..=spans.len() - wanted.len() {
        if wanted.iter().enumerate().all(|(k, w)| same(spans[i + k], w)) {
            let (a, b) = (spans[i].0, spans[i + wanted.len() - 1].1);
            out.replace_range(a..b, &" ".repeat(b - a));
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_name_is_blanked_before_extraction() {
        let c = crate::content::shipped().content.expect("valid");
        let w = |t, n| without_name(&c.communes, t, n);
        assert_eq!(w("agon coutainville, projet", "Agon-Coutainville").trim_start(), ", projet");
        assert_eq!(w("maire de st-pair-sur-mer", "Saint-Pair-sur-Mer").trim_end(), "maire de");
        assert_eq!(w("rien a voir", "Genêts"), "rien a voir");
    }

    #[test]
    fn several_values_keep_the_real_ones() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(normalise_multi(s(&["pvd", "aucun"])), s(&["pvd"]));
        assert_eq!(normalise_multi(s(&["aucun", "nsp"])), s(&["nsp"]));
        assert_eq!(normalise_multi(s(&["aucun"])), s(&["aucun"]));
    }
}
