//! One turn of the dialogue: the flow between questions.
//!
//! A message goes, in order, through: the welcome of a new conversation, the global words
//! (commands, "détails 2", "pourquoi pas X"), then [`Turn::answer`] (in `answer.rs`: corrections,
//! questions, "je ne sais pas", the answer itself and what else the sentence says). This file
//! moves between nodes (branching, skipping what is known, asking); `results.rs` matches the
//! catalogue, `followup.rs` answers questions. Every word the engine recognises comes from the
//! vocabulary (`dialogues/vocabulaire.toml`), every slot it reads from the dialogue's roles.

use super::model::{Action, Dialogue, Label, Next, Node, Op, Propose, Role, Value};
use super::session::{LoopState, Pending, Session};
use super::vocab::Groupe;
use crate::content::Content;
use crate::i18n::{Arg, Args, format_number};
use crate::reply::{ChoiceView, Reply};
use crate::text::fold;

/// Runs one turn: `input` is what the person typed, `now` the time in seconds.
pub fn step(content: &Content, session: &mut Session, input: &str, now: i64) -> Vec<Reply> {
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let mut t = Turn { content, dialogue, s: session, out: vec![] };
    t.s.updated = now;
    t.run(input);
    t.note_subject();
    t.out
}

/// What to say to someone coming back to a conversation: where it was, and the question again.
/// A session whose node no longer exists (the content changed) restarts politely.
pub fn reprompt(content: &Content, session: &mut Session, now: i64) -> Vec<Reply> {
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let mut t = Turn { content, dialogue, s: session, out: vec![] };
    t.s.updated = now;
    t.resume();
    t.out
}

/// Brings a session loaded from the store up to the current content. Returns the replies to say
/// first (a polite restart when its question disappeared).
pub fn upgrade(content: &Content, session: &mut Session) -> Vec<Reply> {
    if session.content_version == content.version {
        return vec![];
    }
    session.content_version.clone_from(&content.version);
    // Progress in a dialogue that no longer exists, or whose questions changed, is dropped.
    session.suspendus.retain(|id, p| {
        content.dialogues.get(id).is_some_and(|d| {
            p.node.as_deref().is_none_or(|n| d.node(n).is_some())
                && p.history.iter().all(|h| d.node(h.split('@').next().unwrap_or(h)).is_some())
        })
    });
    if !content.dialogues.contains_key(&session.dialogue) {
        session.dialogue = crate::content::MAIN_DIALOGUE.to_owned();
        session.node = Some(String::new());
    }
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let lost = session.node.as_deref().is_some_and(|n| dialogue.node(n).is_none())
        || session.history.iter().any(|n| dialogue.node(n.split('@').next().unwrap_or(n)).is_none());
    if !lost {
        return vec![];
    }
    let mut t = Turn { content, dialogue, s: session, out: vec![] };
    t.reset();
    t.out.push(Reply::say("reprise-contenu-change"));
    t.enter(dialogue.start);
    t.out
}

/// What the answers of a session say of the project (an alert subscription keeps the commune's
/// part of it).
#[must_use]
pub fn profil(content: &Content, session: &Session) -> crate::catalogue::Profil {
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let mut s = session.clone();
    Turn { content, dialogue, s: &mut s, out: vec![] }.profil()
}

pub(super) struct Turn<'a> {
    pub(super) content: &'a Content,
    pub(super) dialogue: &'a Dialogue,
    pub(super) s: &'a mut Session,
    pub(super) out: Vec<Reply>,
}

/// Global words, recognised at any point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Aide,
    Retour,
    Recommencer,
    Stop,
}

fn command(content: &Content, folded: &str) -> Option<Command> {
    let v = &content.vocab;
    [
        (Groupe::Aide, Command::Aide),
        (Groupe::Retour, Command::Retour),
        (Groupe::Recommencer, Command::Recommencer),
        (Groupe::Stop, Command::Stop),
    ]
    .into_iter()
    .find(|(g, _)| v.is(*g, folded))
    .map(|(_, c)| c)
}

/// "détails 2", "plus sur le 2"…: the result number.
fn details_request(content: &Content, folded: &str) -> Option<usize> {
    let v = &content.vocab;
    let rest = v.strip_start(Groupe::Details, folded)?;
    super::parse::choice_number(v, rest)
}

/// "pourquoi pas X ?", "et X, pourquoi pas ?": the name X, without its leading small words (the
/// rest is kept as typed: it is quoted back when nothing matches).
fn why_not_request<'t>(content: &Content, folded: &'t str) -> Option<&'t str> {
    let v = &content.vocab;
    let rest = v.strip_start(Groupe::PourquoiPas, folded).or_else(|| v.strip_end(Groupe::PourquoiPas, folded))?;
    let mut name =
        rest.trim().trim_end_matches(['?', '!', '.', ',', ';', ':']).trim_start_matches([',', ';', ':']).trim();
    // "et les petites centralités": the name starts at the first word that carries meaning.
    while let Some((first, tail)) = name.split_once(|c: char| c.is_whitespace() || c == '\'') {
        if !(v.is_stop_word(first) || v.is(Groupe::Separateurs, first)) {
            break;
        }
        name = tail.trim_start();
    }
    (!name.is_empty()).then_some(name)
}

/// The two choices of a confirmation.
pub(super) fn yes_no_choices() -> Vec<ChoiceView> {
    vec![
        ChoiceView { n: 1, label: Label::Message("oui".into()), value: "oui".into() },
        ChoiceView { n: 2, label: Label::Message("non".into()), value: "non".into() },
    ]
}

impl<'a> Turn<'a> {
    fn run(&mut self, input: &str) {
        let folded = fold(input);
        let v = &self.content.vocab;
        let target = self.trigger(&folded);
        let fresh = !self.s.greeted || self.s.node.is_none() && self.s.results.is_empty();
        if fresh {
            let first = !self.s.greeted;
            self.s.greeted = true;
            self.out.push(Reply::say(if first { "accueil" } else { "accueil-retour" }));
            if first {
                self.out.push(Reply::say("vie-privee"));
                self.offer_dialogues();
            }
            self.reset();
            if let Some(t) = target {
                self.switch(t);
                return;
            }
            if folded.trim().is_empty() || v.is(Groupe::Salutation, &folded) || command(self.content, &folded).is_some()
            {
                self.enter(self.dialogue.start);
                return;
            }
            // The first message may already answer: position on the first question silently.
            self.position(self.dialogue.start);
            if !self.answer(input, &folded, true) {
                self.ask_current();
            }
            return;
        }
        if folded.trim().is_empty() {
            self.out.push(Reply::say("message-vide"));
            self.misunderstood_current();
            return;
        }
        if let Some(t) = target {
            self.switch(t);
            return;
        }
        if let Some(c) = command(self.content, &folded) {
            self.command(c);
            return;
        }
        if let Some(n) = details_request(self.content, &folded) {
            self.details(n);
            return;
        }
        if let Some(name) = why_not_request(self.content, &folded) {
            self.why_not(name);
            return;
        }
        self.answer(input, &folded, false);
    }

    fn resume(&mut self) {
        if self.s.node.is_none() && self.s.results.is_empty() {
            self.s.greeted = true;
            self.out.push(Reply::say("accueil"));
            self.reset();
            self.enter(self.dialogue.start);
            return;
        }
        self.out.push(Reply::say("reprise"));
        self.ask_current();
    }

    pub(super) fn reset(&mut self) {
        self.s.slots.clear();
        self.s.history.clear();
        self.s.pending = None;
        self.s.misses = 0;
        self.s.results.clear();
        self.s.node = None;
        self.s.sujet = None;
        self.s.suivi = None;
        self.s.boucle = None;
        self.s.results_counted = false;
    }

    /// The other dialogue that the message opens ("questionnaire COP", "leviers"), if any: the
    /// whole message is one of its phrases, or a short message holds one of several words ("je
    /// veux faire le questionnaire COP"); a long sentence that only mentions it is about
    /// something else.
    fn trigger(&self, folded: &str) -> Option<&'a str> {
        let content: &'a Content = self.content;
        let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
        let length = crate::text::words(t).count();
        let mut ids: Vec<&'a String> = content.dialogues.keys().collect();
        ids.sort();
        ids.into_iter()
            .filter(|id| **id != self.s.dialogue)
            .find(|id| {
                content.dialogues[*id].declencheurs.iter().any(|d| {
                    d == t
                        || (d.contains(' ')
                            && length <= crate::text::words(d).count() + 3
                            && crate::text::contains_phrase(t, d))
                })
            })
            .map(String::as_str)
    }

    /// In the first greeting, one line for each other dialogue the person can open.
    fn offer_dialogues(&mut self) {
        let mut ids: Vec<&String> = self.content.dialogues.keys().filter(|id| **id != self.s.dialogue).collect();
        ids.sort();
        for id in ids {
            if let Some(p) = &self.content.dialogues[id].presentation {
                self.out.push(Reply::say(p));
            }
        }
    }

    /// Moves to another dialogue, keeping this one's progress for later; the other one resumes
    /// where it was, or starts (with what the roles both declare already known, the commune).
    fn switch(&mut self, target: &'a str) {
        let content: &'a Content = self.content;
        let Some(next) = content.dialogues.get(target) else { return };
        let from = std::mem::replace(&mut self.s.dialogue, target.to_owned());
        let progress = self.s.take_progress();
        let known: Vec<(Role, Value)> = self
            .dialogue
            .roles
            .0
            .iter()
            .filter_map(|(r, slot)| progress.slots.get(slot).map(|v| (*r, v.clone())))
            .collect();
        if progress.node.is_some() || !progress.slots.is_empty() {
            self.s.suspendus.insert(from, progress);
        }
        self.dialogue = next;
        match self.s.suspendus.remove(target) {
            Some(p) if p.node.is_some() => {
                self.s.restore_progress(p);
                self.out.push(Reply::say("reprise-parcours"));
                self.ask_current();
            }
            _ => {
                for (role, value) in known {
                    if let Some(slot) = next.roles.slot(role) {
                        self.s.slots.insert(slot.to_owned(), value);
                    }
                }
                self.enter(next.start);
            }
        }
    }

    /// The key under which a slot's answer is kept: with the item at hand while a loop runs, so
    /// that each item has its own answers.
    pub(super) fn slot_key(&self, slot: &str) -> String {
        match self.s.boucle.as_ref().and_then(LoopState::item) {
            Some(item) => format!("{slot}@{item}"),
            None => slot.to_owned(),
        }
    }

    /// A slot's value for the item at hand, else the slot's own.
    pub(super) fn slot_value(&self, slot: &str) -> Option<&Value> {
        self.s.slots.get(&self.slot_key(slot)).or_else(|| self.s.slots.get(slot))
    }

    /// The items a loop walks through: its list, filtered by the slot its filter reads.
    fn loop_items(&self, b: &super::model::Boucle) -> Vec<String> {
        let Some(liste) = self.content.catalogue.liste(&b.liste) else { return vec![] };
        let wanted = b.filtre.as_ref().and_then(|f| match self.s.slots.get(&f.slot) {
            Some(Value::Choice(c)) if Some(c) != f.tous.as_ref() && c != super::parse::NSP => Some((f, c.clone())),
            _ => None,
        });
        liste
            .elements
            .iter()
            .filter(|e| wanted.as_ref().is_none_or(|(f, v)| e.valeur_id(&f.champ).as_deref() == Some(v.as_str())))
            .map(|e| e.id.clone())
            .collect()
    }

    /// The node waiting for an answer. Borrowed from the dialogue, not from the turn, so that
    /// the turn can be changed while the node is read (no clone of choices per turn).
    pub(super) fn current(&self) -> Option<(usize, &'a Node)> {
        let dialogue: &'a Dialogue = self.dialogue;
        self.s.node.as_deref().and_then(|id| dialogue.node(id))
    }

    /// The slot playing `role` in this dialogue, if declared.
    pub(super) fn role_slot(&self, role: Role) -> Option<&'a str> {
        let dialogue: &'a Dialogue = self.dialogue;
        dialogue.roles.slot(role)
    }

    /// The value of the slot playing `role`.
    pub(super) fn role_value(&self, role: Role) -> Option<&Value> {
        self.role_slot(role).and_then(|s| self.s.slots.get(s))
    }

    fn next_of(&self, index: usize) -> Option<usize> {
        match &self.dialogue.nodes[index].next {
            Next::End => None,
            Next::Goto(t) => Some(*t),
            Next::Branch(branches) => branches.iter().find_map(|(cond, t)| {
                let holds = match cond {
                    None => true,
                    Some(c) => match (self.slot_value(&c.slot), c.op) {
                        (None | Some(Value::Inconnu), Op::Inconnu) => true,
                        (None | Some(Value::Inconnu), _) => false,
                        (Some(_), Op::Connu) => true,
                        (Some(_), Op::Inconnu) => false,
                        (Some(v), op) => v.matches(op, &c.value),
                    },
                };
                holds.then_some(*t)
            }),
        }
    }

    pub(super) fn go_next(&mut self, index: usize) {
        match self.next_of(index) {
            Some(t) => self.enter(t),
            None => self.end(),
        }
    }

    fn end(&mut self) {
        self.s.node = None;
        self.s.pending = None;
    }

    /// Sets the current node without saying anything (the first message may answer it).
    fn position(&mut self, index: usize) {
        self.s.node = Some(self.dialogue.nodes[index].id.clone());
    }

    /// From the current node, skip nodes whose answer is already known, then ask.
    pub(super) fn skip_known(&mut self) {
        if let Some((i, n)) = self.current() {
            let known = n.slot.as_ref().is_some_and(|s| self.s.slots.contains_key(&self.slot_key(s)));
            if known {
                self.go_next(i);
            } else {
                self.enter(i);
            }
        }
    }

    /// Enters node `index`: says, acts, and asks, skipping what is known.
    pub(super) fn enter(&mut self, mut index: usize) {
        let items: usize = self.content.catalogue.listes.iter().map(|l| l.elements.len()).sum();
        for _ in 0..=self.dialogue.nodes.len() * 2 * (items + 1) {
            let dialogue: &'a Dialogue = self.dialogue;
            let node = &dialogue.nodes[index];
            for e in &node.efface {
                let key = self.slot_key(e);
                self.s.slots.remove(&key);
            }
            if let Some(b) = &node.boucle {
                // A loop node: the next item, or, after the last, what follows the loop.
                let state = match self.s.boucle.take() {
                    Some(st) if st.noeud == node.id => LoopState { index: st.index + 1, ..st },
                    _ => {
                        let items = self.loop_items(b);
                        self.s.slots.insert(node.id.clone(), Value::Multi(items.clone()));
                        LoopState { noeud: node.id.clone(), items, index: 0 }
                    }
                };
                if state.index < state.items.len() {
                    self.s.boucle = Some(state);
                    index = b.corps;
                    continue;
                }
                match self.next_of(index) {
                    Some(t) => {
                        index = t;
                        continue;
                    }
                    None => return self.end(),
                }
            }
            if node.answer.is_some() && node.slot.as_ref().is_some_and(|s| self.s.slots.contains_key(&self.slot_key(s)))
            {
                match self.next_of(index) {
                    Some(t) => {
                        index = t;
                        continue;
                    }
                    None => return self.end(),
                }
            }
            if let Some(say) = &node.say {
                self.out.push(Reply::Say { id: say.clone(), args: self.args() });
            }
            match node.action {
                Some(Action::Resultats) => {
                    self.s.node = Some(node.id.clone());
                    self.results();
                    return;
                }
                Some(Action::Resume) => {
                    self.s.node = Some(node.id.clone());
                    self.summary(node);
                    return;
                }
                Some(Action::ExpliquerStatuts) => self.explain_statuts(),
                Some(a @ (Action::DemandeApercu | Action::DemandeEnvoi)) => {
                    let envoi = a == Action::DemandeEnvoi;
                    self.out.push(Reply::Demande(Box::new(self.demande(envoi))));
                    if envoi {
                        self.s.node = Some(node.id.clone());
                        return;
                    }
                }
                None => {}
            }
            if node.answer.is_some() {
                self.s.node = Some(node.id.clone());
                self.s.misses = 0;
                if let Some(value) = self.proposal(node) {
                    let args = self.proposal_args(node, &value);
                    self.s.pending = Some(Pending::Confirm { value });
                    self.out.push(Reply::Ask {
                        id: node.confirme.clone().unwrap_or_default(),
                        args,
                        choices: yes_no_choices(),
                    });
                } else {
                    self.ask(node);
                }
                return;
            }
            match self.next_of(index) {
                Some(t) => index = t,
                None => return self.end(),
            }
        }
        tracing::error!(dialogue = %self.dialogue.id, "boucle sans question dans le dialogue");
        self.end();
    }

    /// A value from data to confirm instead of asking (the commune's population, its
    /// programmes).
    pub(super) fn proposal(&self, node: &Node) -> Option<Value> {
        if node.propose == Some(Propose::AdressePlateforme) {
            return self.s.adresse.clone().map(Value::Text);
        }
        let commune = match self.role_value(Role::Commune) {
            Some(Value::Commune(insee)) => self.content.communes.by_insee(insee)?,
            _ => return None,
        };
        match node.propose? {
            Propose::PopulationCommune => commune.population.map(|p| Value::Number(i64::from(p))),
            Propose::StatutsCommune => {
                let ids = listed_statuts(commune, node);
                (!ids.is_empty()).then_some(Value::Multi(ids))
            }
            Propose::AdressePlateforme => None,
        }
    }

    pub(super) fn proposal_args(&self, _node: &Node, value: &Value) -> Args {
        let mut args = self.args();
        match value {
            Value::Number(n) => args.push(("valeur", Arg::Text(format_number(*n)))),
            Value::Multi(v) => {
                // Which list says so, and of when: « D'après la liste de l'ANCT (août 2024) ».
                if let Some(Value::Commune(insee)) = self.role_value(Role::Commune)
                    && let Some(c) = self.content.communes.by_insee(insee)
                {
                    args.extend(crate::render::programme_args(self.content, &self.s.lang, c, v));
                } else {
                    let names: Vec<String> = v
                        .iter()
                        .map(|s| self.content.catalogue.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone()))
                        .collect();
                    args.push(("valeur", Arg::Text(names.join(", "))));
                }
            }
            Value::Text(t) => args.push(("valeur", Arg::Text(t.clone()))),
            _ => {}
        }
        args
    }

    /// Arguments every dialogue message may use: `commune`, `population`.
    pub(super) fn args(&self) -> Args {
        let mut args = vec![];
        match self.role_value(Role::Commune) {
            Some(Value::Commune(insee)) => {
                if let Some(c) = self.content.communes.by_insee(insee) {
                    args.push(("commune", Arg::Text(c.nom.clone())));
                    args.push(("commune_connue", Arg::Text("oui".into())));
                }
            }
            Some(Value::Ailleurs { nom, .. }) => {
                args.push(("commune", Arg::Text(nom.clone())));
                args.push(("commune_connue", Arg::Text("oui".into())));
            }
            _ => {
                args.push(("commune", Arg::Text("-".into())));
                args.push(("commune_connue", Arg::Text("non".into())));
            }
        }
        if let Some(Value::Number(n)) = self.role_value(Role::Population) {
            args.push(("population", Arg::Text(format_number(*n))));
        }
        // In a loop: the item at hand, its place, and its text fields.
        if let Some(st) = &self.s.boucle
            && let Some(item) = st.item()
            && let Some(b) = self.dialogue.node(&st.noeud).and_then(|(_, n)| n.boucle.as_ref())
            && let Some(e) = self.content.catalogue.liste(&b.liste).and_then(|l| l.element(item))
        {
            args.push(("element", Arg::Text(e.nom.clone())));
            args.push(("numero", Arg::Number(i64::try_from(st.index + 1).unwrap_or(0))));
            args.push(("total", Arg::Number(i64::try_from(st.items.len()).unwrap_or(0))));
            for (k, v) in &e.valeurs {
                if let crate::catalogue::model::ChampValeur::Texte(t) = v
                    && let Some(name) = crate::i18n::arg_name(k)
                {
                    args.push((name, Arg::Text(t.clone())));
                }
            }
        }
        args
    }

    pub(super) fn choices(node: &Node) -> Vec<ChoiceView> {
        node.choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceView { n: i + 1, label: c.label.clone(), value: c.value.clone() })
            .collect()
    }

    pub(super) fn ask(&mut self, node: &Node) {
        let id = node.ask.clone().unwrap_or_default();
        self.out.push(Reply::Ask { id, args: self.args(), choices: Self::choices(node) });
    }

    pub(super) fn ask_current(&mut self) {
        let Some((_, node)) = self.current() else {
            self.out.push(Reply::say("aide-resultats"));
            return;
        };
        if let Some(Pending::Confirm { value }) = self.s.pending.clone() {
            let args = self.proposal_args(node, &value);
            self.out.push(Reply::Ask {
                id: node.confirme.clone().unwrap_or_default(),
                args,
                choices: yes_no_choices(),
            });
            return;
        }
        self.s.pending = None;
        if node.answer.is_some() {
            self.ask(node);
        } else {
            self.out.push(Reply::say("aide-resultats"));
        }
    }

    pub(super) fn ask_current_if_pending_question(&mut self) {
        if self.current().is_some_and(|(_, n)| n.answer.is_some()) {
            self.ask_current();
        }
    }

    fn command(&mut self, c: Command) {
        match c {
            Command::Aide => {
                match self.current() {
                    Some(_) if matches!(self.s.pending, Some(Pending::Confirm { .. })) => {
                        self.out.push(Reply::say("aide-oui-non"));
                        self.out.push(Reply::say("aide-generale"));
                    }
                    Some((_, node)) if node.answer.is_some() => {
                        let kind = node.answer.unwrap_or(super::model::AnswerKind::Text);
                        self.out.push(Reply::say(&format!("aide-{}", kind.message_suffix())));
                        self.out.push(Reply::say("aide-generale"));
                    }
                    _ => self.out.push(Reply::say("aide-resultats")),
                }
                self.ask_current();
            }
            Command::Retour => {
                self.s.pending = None;
                let Some(entry) = self.s.history.pop() else {
                    self.out.push(Reply::say("retour-impossible"));
                    self.ask_current();
                    return;
                };
                let (prev, item) = match entry.split_once('@') {
                    Some((n, i)) => (n.to_owned(), Some(i.to_owned())),
                    None => (entry.clone(), None),
                };
                self.restore_loop(item.as_deref());
                if let Some((i, n)) = self.dialogue.node(&prev) {
                    if let Some(slot) = &n.slot {
                        let key = self.slot_key(slot);
                        self.s.slots.remove(&key);
                        if Some(slot.as_str()) == self.role_slot(Role::Commune)
                            && let Some(p) = self.role_slot(Role::Population)
                        {
                            self.s.slots.remove(p);
                        }
                    }
                    self.s.results.clear();
                    self.out.push(Reply::say("retour-ok"));
                    self.enter(i);
                }
            }
            Command::Recommencer => {
                self.reset();
                self.out.push(Reply::say("recommencer-ok"));
                self.enter(self.dialogue.start);
            }
            Command::Stop => {
                let main = crate::content::MAIN_DIALOGUE;
                if self.s.dialogue != main && self.content.dialogues.contains_key(main) {
                    // Leaving another dialogue (a request, a questionnaire): back to the main one.
                    self.reset();
                    self.out.push(Reply::say("stop-parcours"));
                    self.s.dialogue.clear();
                    self.switch(main);
                    return;
                }
                self.reset();
                self.out.push(Reply::say("stop-ok"));
            }
        }
    }

    /// Back to an answer given for a loop's item: the loop is set on that item again (or left,
    /// for an answer given before it).
    fn restore_loop(&mut self, item: Option<&str>) {
        let Some(item) = item else {
            self.s.boucle = None;
            return;
        };
        if let Some(st) = &mut self.s.boucle
            && let Some(i) = st.items.iter().position(|x| x == item)
        {
            st.index = i;
            return;
        }
        // Back from after the loop: find the loop that walked through that item.
        for n in &self.dialogue.nodes {
            if n.boucle.is_some()
                && let Some(Value::Multi(items)) = self.s.slots.get(&n.id)
                && let Some(i) = items.iter().position(|x| x == item)
            {
                self.s.boucle = Some(LoopState { noeud: n.id.clone(), items: items.clone(), index: i });
                return;
            }
        }
    }

    /// After a turn, remembers what a follow-up without subject would be about: the dispositif
    /// or acteur shown on its own, last. A list of results shows several: no single subject.
    fn note_subject(&mut self) {
        let cat = &self.content.catalogue;
        for r in self.out.iter().rev() {
            let subject = match r {
                Reply::Dispositif { dispositif } | Reply::Details { dispositif } => {
                    Some(format!("dispositif:{dispositif}"))
                }
                Reply::Card { acteur } => Some(format!("acteur:{acteur}")),
                Reply::Suivi { dispositif: Some(d), .. } => Some(format!("dispositif:{d}")),
                Reply::Suivi { acteur: Some(a), .. } => Some(format!("acteur:{a}")),
                Reply::Sigle { index } => cat.glossaire.get(*index).and_then(|s| {
                    s.voir.iter().find_map(|v| {
                        if cat.dispositif(v).is_some() {
                            Some(format!("dispositif:{v}"))
                        } else {
                            cat.acteur(v).map(|_| format!("acteur:{v}"))
                        }
                    })
                }),
                Reply::Resultats { items, .. } => {
                    self.s.sujet = (items.len() == 1).then(|| format!("dispositif:{}", items[0].dispositif));
                    return;
                }
                _ => continue,
            };
            if subject.is_some() {
                self.s.sujet = subject;
                return;
            }
        }
    }
}

/// The programmes the table lists for `commune` that `node` offers as choices, once each (the
/// table also records France services or ORT, which the question does not ask about).
pub(super) fn listed_statuts(commune: &crate::catalogue::Commune, node: &Node) -> Vec<String> {
    let mut ids: Vec<String> = vec![];
    for row in &commune.statuts {
        if node.choices.iter().any(|c| c.value == row.statut) && !ids.contains(&row.statut) {
            ids.push(row.statut.clone());
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> std::sync::Arc<Content> {
        static C: std::sync::OnceLock<std::sync::Arc<Content>> = std::sync::OnceLock::new();
        C.get_or_init(|| std::sync::Arc::new(crate::content::shipped().content.expect("shipped content is valid")))
            .clone()
    }

    #[test]
    fn global_words() {
        let c = content();
        assert_eq!(command(&c, "aide"), Some(Command::Aide));
        assert_eq!(command(&c, "retour !"), Some(Command::Retour));
        assert_eq!(command(&c, "on recommence"), Some(Command::Recommencer));
        assert_eq!(command(&c, "stop"), Some(Command::Stop));
        assert_eq!(command(&c, "aide pour recruter"), None);
    }

    #[test]
    fn details_and_why_not() {
        let c = content();
        assert_eq!(details_request(&c, "details 2"), Some(2));
        assert_eq!(details_request(&c, "detail n°3"), Some(3));
        assert_eq!(details_request(&c, "details"), None);
        assert_eq!(why_not_request(&c, "pourquoi pas les petites centralites ?"), Some("petites centralites"));
        assert_eq!(why_not_request(&c, "pourquoi pas"), None);
        assert_eq!(why_not_request(&c, "pourquoi on a pas petites centralites"), Some("petites centralites"));
        assert_eq!(why_not_request(&c, "et les petites centralites, pourquoi pas ?"), Some("petites centralites"));
    }
}
