//! One turn of the dialogue: global words, pending sub-questions, answer parsing, extraction of
//! other answers from the same sentence, branching, skipping what is known, and results.

use super::model::{Action, AnswerKind, Dialogue, Label, Next, Node, Propose, Value};
use super::parse;
use super::quick;
use super::session::{Pending, Session};
use crate::catalogue::matching::{Echec, Profil, evaluate, top, top_financing};
use crate::catalogue::{GUICHET_UNIQUE, Lookup};
use crate::content::Content;
use crate::i18n::{Arg, Args, format_number};
use crate::reply::{ChoiceView, MatchView, Reply};
use crate::text::{fold, name_key};

/// How many dispositifs a result list shows at once.
const SHOWN: usize = 6;

/// Runs one turn: `input` is what the person typed, `now` the time in seconds.
pub fn step(content: &Content, session: &mut Session, input: &str, now: i64) -> Vec<Reply> {
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let mut t = Turn { content, dialogue, s: session, out: vec![] };
    t.s.updated = now;
    t.run(input);
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
    if !content.dialogues.contains_key(&session.dialogue) {
        session.dialogue = crate::content::MAIN_DIALOGUE.to_owned();
        session.node = Some(String::new());
    }
    let dialogue = content.dialogues.get(&session.dialogue).unwrap_or_else(|| content.main_dialogue());
    let lost = session.node.as_deref().is_some_and(|n| dialogue.node(n).is_none())
        || session.history.iter().any(|n| dialogue.node(n).is_none());
    if !lost {
        return vec![];
    }
    let mut t = Turn { content, dialogue, s: session, out: vec![] };
    t.reset();
    t.out.push(Reply::say("reprise-contenu-change"));
    t.enter(dialogue.start);
    t.out
}

struct Turn<'a> {
    content: &'a Content,
    dialogue: &'a Dialogue,
    s: &'a mut Session,
    out: Vec<Reply>,
}

/// Global words, recognised at any point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Aide,
    Retour,
    Recommencer,
    Stop,
}

fn command(folded: &str) -> Option<Command> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    Some(match t {
        "aide" | "help" | "a l'aide" | "au secours" | "je suis perdu" | "perdu" | "?" | "comment ca marche" => {
            Command::Aide
        }
        "retour"
        | "precedent"
        | "revenir"
        | "back"
        | "question precedente"
        | "revenir en arriere"
        | "retour en arriere" => Command::Retour,
        "recommencer" | "recommence" | "on recommence" | "reset" | "restart" | "nouvelle demande"
        | "tout recommencer" | "reprendre a zero" | "recommencer a zero" => Command::Recommencer,
        "stop" | "arreter" | "arrete" | "quitter" | "fin" | "au revoir" | "terminer" | "c'est tout" | "bye"
        | "annuler" => Command::Stop,
        _ => return None,
    })
}

/// A polite word in the middle of the dialogue, and the message that answers it.
fn courtesy(folded: &str) -> Option<&'static str> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    if is_greeting(t) {
        return Some("question-reprise");
    }
    let thanks = matches!(
        t,
        "merci"
            | "ok merci"
            | "merci beaucoup"
            | "merci bien"
            | "super merci"
            | "parfait merci"
            | "d'accord merci"
            | "tres bien merci"
            | "ok"
            | "d'accord"
            | "entendu"
            | "compris"
            | "top"
            | "super"
            | "genial"
            | "cool"
            | "nickel"
            | "parfait"
            | "bien recu"
            | "merci pour l'info"
            | "merci pour votre aide"
    );
    thanks.then_some("merci-reponse")
}

fn is_greeting(folded: &str) -> bool {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    matches!(
        t,
        "bonjour"
            | "bonsoir"
            | "salut"
            | "hello"
            | "coucou"
            | "bjr"
            | "hey"
            | "allo"
            | "start"
            | "demarrer"
            | "commencer"
            | "bonjour a vous"
            | "bonjour madame"
            | "bonjour monsieur"
    )
}

impl<'a> Turn<'a> {
    fn run(&mut self, input: &str) {
        let folded = fold(input);
        let fresh = !self.s.greeted || self.s.node.is_none() && self.s.results.is_empty();
        if fresh {
            let first = !self.s.greeted;
            self.s.greeted = true;
            self.out.push(Reply::say(if first { "accueil" } else { "accueil-retour" }));
            if first {
                self.out.push(Reply::say("vie-privee"));
            }
            self.reset();
            if folded.is_empty() || is_greeting(&folded) || command(&folded).is_some() {
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
        if folded.is_empty() {
            self.out.push(Reply::say("message-vide"));
            self.ask_current();
            return;
        }
        if let Some(c) = command(&folded) {
            self.command(c);
            return;
        }
        if let Some(n) = details_request(&folded) {
            self.details(n);
            return;
        }
        if let Some(name) = why_not_request(&folded) {
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

    fn reset(&mut self) {
        self.s.slots.clear();
        self.s.history.clear();
        self.s.pending = None;
        self.s.misses = 0;
        self.s.results.clear();
        self.s.node = None;
    }

    /// The node waiting for an answer. Borrowed from the dialogue, not from the turn, so that
    /// the turn can be changed while the node is read (no clone of choices per turn).
    fn current(&self) -> Option<(usize, &'a Node)> {
        let dialogue: &'a Dialogue = self.dialogue;
        self.s.node.as_deref().and_then(|id| dialogue.node(id))
    }

    /// Handles a message as an answer (or a question). Returns false if nothing was understood
    /// and, with `quiet`, nothing was said.
    fn answer(&mut self, input: &str, folded: &str, quiet: bool) -> bool {
        let Some((index, node)) = self.current() else {
            // After the results: a quick question, or help.
            if !self.quick(input, quick::Strength::Any) {
                self.out.push(Reply::say("aide-resultats"));
            }
            return true;
        };
        let question = quick::looks_like_question(folded);
        if question && self.quick(input, quick::Strength::Question) {
            self.out.push(Reply::say("question-reprise"));
            self.ask_current();
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
        let pending_before = self.s.pending.is_some();
        match self.parse_answer(node, input, folded) {
            Some(value) => {
                self.accept(index, node, value, folded);
                true
            }
            // The answer opened a sub-question (several communes fit): it is asked already.
            None if !pending_before && self.s.pending.is_some() => true,
            None if node.answer.is_none() => {
                if !self.quick(input, quick::Strength::Any) {
                    self.out.push(Reply::say("aide-resultats"));
                }
                true
            }
            None if question => {
                // A question the catalogue cannot answer: say so, then ask again.
                self.out.push(Reply::say("question-rien"));
                self.out.push(Reply::say("question-reprise"));
                self.ask_current();
                true
            }
            None => {
                if self.quick(input, quick::Strength::Strong) {
                    self.out.push(Reply::say("question-reprise"));
                    self.ask_current();
                    return true;
                }
                if quiet {
                    // The person has not seen the question yet: fill what can be read, then ask.
                    self.extract(folded, index);
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
    fn pending(&mut self, p: &Pending, node: &Node, index: usize, input: &str, folded: &str) -> Option<bool> {
        match p {
            Pending::Communes { insee } => {
                let names: Vec<String> =
                    insee.iter().filter_map(|c| self.content.communes.by_insee(c)).map(|c| fold(&c.nom)).collect();
                let chosen = choice_index(folded, &names).or_else(|| {
                    let key = name_key(input);
                    names.iter().position(|n| name_key(n) == key)
                });
                if let Some(i) = chosen {
                    self.s.pending = None;
                    let value = Value::Commune(insee[i].clone());
                    self.accept(index, node, value, "");
                    return Some(true);
                }
                // Another name altogether: read it as a new answer.
                self.s.pending = None;
                Some(false)
            }
            Pending::Confirm { value } => {
                if let Some(yes) = parse::yes_no(folded) {
                    self.s.pending = None;
                    if yes {
                        self.accept(index, node, value.clone(), "");
                    } else if let Some(v) =
                        self.parse_answer(node, input, folded).filter(|_| parse::number(folded).is_some())
                    {
                        // "non, 900"
                        self.accept(index, node, v, "");
                    } else {
                        self.ask(node);
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

    fn parse_answer(&mut self, node: &Node, input: &str, folded: &str) -> Option<Value> {
        let kind = node.answer?;
        match kind {
            AnswerKind::Number => parse::number(folded).map(Value::Number),
            AnswerKind::YesNo => parse::yes_no(folded).map(Value::Bool),
            AnswerKind::Text => {
                (!folded.trim().is_empty()).then(|| Value::Text(input.trim().chars().take(2000).collect()))
            }
            AnswerKind::Choice => {
                let labels = self.labels(node);
                parse::choice(folded, &node.choices, labels).map(|i| Value::Choice(node.choices[i].value.clone()))
            }
            AnswerKind::Multi => {
                let labels = self.labels(node);
                parse::multi(folded, &node.choices, labels).map(|v| {
                    let mut values: Vec<String> = v.into_iter().map(|i| node.choices[i].value.clone()).collect();
                    // "aucun" or "nsp" beside real statuses means the real ones.
                    if values.iter().any(|v| v != "aucun" && v != "nsp") {
                        values.retain(|v| v != "aucun" && v != "nsp");
                    } else if values.len() > 1 {
                        // "aucune idée": not knowing wins over "none".
                        values.retain(|v| v == "nsp");
                    }
                    Value::Multi(values)
                })
            }
            AnswerKind::Commune => self.parse_commune(input),
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

    fn labels(&self, node: &'a Node) -> &'a [String] {
        node.labels(&self.s.lang)
    }

    /// Stores an answer, reads other answers from the same sentence, and moves on.
    fn accept(&mut self, index: usize, node: &Node, value: Value, folded: &str) {
        if let Some(slot) = &node.slot {
            if slot == "commune" {
                // A new commune invalidates what was derived from the old one.
                self.s.slots.remove("population");
            }
            self.s.slots.insert(slot.clone(), value);
        }
        self.s.history.push(node.id.clone());
        self.s.misses = 0;
        // A short answer answers one question; "je ne sais pas" says nothing of the rest.
        let unsure = self.s.slots.get(node.slot.as_deref().unwrap_or_default()).is_some_and(|v| match v {
            Value::Multi(v) => v.iter().any(|x| x == "nsp"),
            Value::Choice(c) => c == "nsp",
            _ => false,
        });
        if !unsure && crate::text::words(folded).count() > 2 {
            self.extract(folded, index);
        }
        self.go_next(index);
    }

    /// Fills slots of other nodes that the sentence answers plainly.
    fn extract(&mut self, folded: &str, current: usize) {
        // The commune's own name says nothing about the project ("…-sur-Mer" is no seaside theme).
        let without;
        let folded = match self.s.slots.get("commune") {
            Some(Value::Commune(insee)) => match self.content.communes.by_insee(insee) {
                Some(c) => {
                    without = without_name(folded, &c.nom);
                    without.as_str()
                }
                None => folded,
            },
            _ => folded,
        };
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
                AnswerKind::Number => parse::population_in_sentence(folded).map(Value::Number),
                AnswerKind::Choice => {
                    let labels = self.labels(n);
                    parse::longest_phrase(folded, &n.choices, labels, parse::Mode::Extract)
                        .map(|c| Value::Choice(n.choices[c].value.clone()))
                }
                AnswerKind::Multi => {
                    let labels = self.labels(n);
                    let found = parse::all_phrases(folded, &n.choices, labels, parse::Mode::Extract);
                    (!found.is_empty())
                        .then(|| Value::Multi(found.into_iter().map(|c| n.choices[c].value.clone()).collect()))
                }
                AnswerKind::YesNo | AnswerKind::Text => None,
            };
            if let Some(v) = value {
                self.s.slots.insert(slot.clone(), v);
            }
        }
    }

    fn next_of(&self, index: usize) -> Option<usize> {
        match &self.dialogue.nodes[index].next {
            Next::End => None,
            Next::Goto(t) => Some(*t),
            Next::Branch(branches) => branches.iter().find_map(|(cond, t)| {
                let holds = match cond {
                    None => true,
                    Some(c) => match (self.s.slots.get(&c.slot), c.op) {
                        (None, super::model::Op::Inconnu) => true,
                        (None, _) => false,
                        (Some(_), super::model::Op::Connu) => true,
                        (Some(_), super::model::Op::Inconnu) => false,
                        (Some(v), op) => v.matches(op, &c.value),
                    },
                };
                holds.then_some(*t)
            }),
        }
    }

    fn go_next(&mut self, index: usize) {
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
    fn skip_known(&mut self) {
        if let Some((i, n)) = self.current() {
            let known = n.slot.as_ref().is_some_and(|s| self.s.slots.contains_key(s));
            if known {
                self.go_next(i);
            } else {
                self.enter(i);
            }
        }
    }

    /// Enters node `index`: says, acts, and asks, skipping what is known.
    fn enter(&mut self, mut index: usize) {
        for _ in 0..=self.dialogue.nodes.len() * 2 {
            let dialogue: &'a Dialogue = self.dialogue;
            let node = &dialogue.nodes[index];
            if node.answer.is_some() && node.slot.as_ref().is_some_and(|s| self.s.slots.contains_key(s)) {
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
                Some(Action::ExpliquerStatuts) => self.explain_statuts(),
                None => {}
            }
            if node.answer.is_some() {
                self.s.node = Some(node.id.clone());
                self.s.misses = 0;
                if let Some(value) = self.proposal(node) {
                    let args = self.proposal_args(node, &value);
                    self.s.pending = Some(Pending::Confirm { value });
                    let choices = vec![
                        ChoiceView { n: 1, label: Label::Message("oui".into()), value: "oui".into() },
                        ChoiceView { n: 2, label: Label::Message("non".into()), value: "non".into() },
                    ];
                    self.out.push(Reply::Ask { id: node.confirme.clone().unwrap_or_default(), args, choices });
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

    fn proposal(&self, node: &Node) -> Option<Value> {
        let commune = match self.s.slots.get("commune") {
            Some(Value::Commune(insee)) => self.content.communes.by_insee(insee)?,
            _ => return None,
        };
        match node.propose? {
            Propose::PopulationCommune => commune.population.map(|p| Value::Number(i64::from(p))),
            Propose::StatutsCommune => (!commune.statuts.is_empty())
                .then(|| Value::Multi(commune.statuts.iter().map(|(s, _)| s.clone()).collect())),
        }
    }

    fn proposal_args(&self, _node: &Node, value: &Value) -> Args {
        let mut args = self.args();
        match value {
            Value::Number(n) => args.push(("valeur", Arg::Text(format_number(*n)))),
            Value::Multi(v) => {
                let names: Vec<String> = v
                    .iter()
                    .map(|s| self.content.catalogue.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone()))
                    .collect();
                args.push(("valeur", Arg::Text(names.join(", "))));
            }
            _ => {}
        }
        args
    }

    /// Arguments every dialogue message may use: `commune`, `population`.
    fn args(&self) -> Args {
        let mut args = vec![];
        match self.s.slots.get("commune") {
            Some(Value::Commune(insee)) => {
                if let Some(c) = self.content.communes.by_insee(insee) {
                    args.push(("commune", Arg::Text(c.nom.clone())));
                }
            }
            Some(Value::Ailleurs { nom, .. }) => args.push(("commune", Arg::Text(nom.clone()))),
            _ => args.push(("commune", Arg::Text("-".into()))),
        }
        if let Some(Value::Number(n)) = self.s.slots.get("population") {
            args.push(("population", Arg::Text(format_number(*n))));
        }
        args
    }

    fn choices(&self, node: &Node) -> Vec<ChoiceView> {
        node.choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceView { n: i + 1, label: c.label.clone(), value: c.value.clone() })
            .collect()
    }

    fn ask(&mut self, node: &Node) {
        let id = node.ask.clone().unwrap_or_default();
        self.out.push(Reply::Ask { id, args: self.args(), choices: self.choices(node) });
    }

    fn ask_current(&mut self) {
        let Some((_, node)) = self.current() else {
            self.out.push(Reply::say("aide-resultats"));
            return;
        };
        if let Some(Pending::Confirm { value }) = self.s.pending.clone() {
            let args = self.proposal_args(node, &value);
            let choices = vec![
                ChoiceView { n: 1, label: Label::Message("oui".into()), value: "oui".into() },
                ChoiceView { n: 2, label: Label::Message("non".into()), value: "non".into() },
            ];
            self.out.push(Reply::Ask { id: node.confirme.clone().unwrap_or_default(), args, choices });
            return;
        }
        self.s.pending = None;
        if node.answer.is_some() {
            self.ask(node);
        } else {
            self.out.push(Reply::say("aide-resultats"));
        }
    }

    /// Not an answer: a polite word gets a polite reply, anything else a reformulation.
    fn not_understood(&mut self, node: &Node, folded: &str) {
        if let Some(reply) = courtesy(folded) {
            self.out.push(Reply::say(reply));
            self.ask_current();
        } else {
            self.misunderstood(node);
        }
    }

    /// Not understood: a reformulated question with examples, never the same sentence twice in
    /// a row (the wording alternates).
    fn misunderstood(&mut self, node: &Node) {
        self.s.misses = self.s.misses.saturating_add(1);
        let kind = node.answer.unwrap_or(AnswerKind::Text);
        let id = if self.s.misses % 2 == 1 {
            node.reformule.clone().unwrap_or_else(|| format!("incompris-{}", kind.message_suffix()))
        } else {
            "incompris-encore".to_owned()
        };
        let choices = match &self.s.pending {
            Some(Pending::Confirm { .. }) => vec![
                ChoiceView { n: 1, label: Label::Message("oui".into()), value: "oui".into() },
                ChoiceView { n: 2, label: Label::Message("non".into()), value: "non".into() },
            ],
            _ => self.choices(node),
        };
        if matches!(self.s.pending, Some(Pending::Confirm { .. })) {
            self.out.push(Reply::Say { id: "incompris-oui-non".into(), args: vec![] });
            let args = self.s.pending.clone().map(|p| match p {
                Pending::Confirm { value } => self.proposal_args(node, &value),
                Pending::Communes { .. } => vec![],
            });
            self.out.push(Reply::Ask {
                id: node.confirme.clone().unwrap_or_default(),
                args: args.unwrap_or_default(),
                choices,
            });
            return;
        }
        self.out.push(Reply::Ask { id, args: self.args(), choices });
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
                        let kind = node.answer.unwrap_or(AnswerKind::Text);
                        self.out.push(Reply::say(&format!("aide-{}", kind.message_suffix())));
                        self.out.push(Reply::say("aide-generale"));
                    }
                    _ => self.out.push(Reply::say("aide-resultats")),
                }
                self.ask_current();
            }
            Command::Retour => {
                self.s.pending = None;
                let Some(prev) = self.s.history.pop() else {
                    self.out.push(Reply::say("retour-impossible"));
                    self.ask_current();
                    return;
                };
                if let Some((i, n)) = self.dialogue.node(&prev) {
                    if let Some(slot) = &n.slot {
                        self.s.slots.remove(slot);
                        if slot == "commune" {
                            self.s.slots.remove("population");
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
                self.reset();
                self.out.push(Reply::say("stop-ok"));
            }
        }
    }

    fn profil(&self) -> Profil {
        let mut p = Profil::default();
        match self.s.slots.get("commune") {
            Some(Value::Commune(insee)) => p.commune = Some(insee.clone()),
            Some(Value::Ailleurs { departement, .. }) => p.hors_manche = Some(departement.clone()),
            _ => {}
        }
        if let Some(Value::Number(n)) = self.s.slots.get("population") {
            p.population = u32::try_from(*n).ok();
        }
        p.statuts = match self.s.slots.get("statuts") {
            Some(Value::Multi(v)) if v.iter().any(|s| s == "nsp") => None,
            Some(Value::Multi(v)) => Some(v.iter().filter(|s| *s != "aucun").cloned().collect()),
            _ => None,
        };
        for (slot, field) in [("theme", &mut p.theme), ("etape", &mut p.etape), ("besoin", &mut p.besoin)] {
            if let Some(Value::Choice(c)) = self.s.slots.get(slot)
                && c != "nsp"
            {
                *field = Some(c.clone());
            }
        }
        p
    }

    fn results(&mut self) {
        let p = self.profil();
        let cat = &self.content.catalogue;
        let (matches, total) = top(cat, &p, SHOWN, |_| true);
        let regles_anct = matches.iter().any(|m| cat.dispositifs[m.dispositif].regles_anct);
        let shown: Vec<MatchView> = matches
            .into_iter()
            .map(|m| MatchView {
                dispositif: cat.dispositifs[m.dispositif].id.clone(),
                raisons: m.raisons,
                a_verifier: m.a_verifier,
            })
            .collect();
        let travaux = p.etape.as_deref() == Some("realisation");
        let upstream = p
            .etape
            .as_deref()
            .and_then(|e| cat.etape_rank(e))
            .zip(cat.etape_rank("montage"))
            .is_some_and(|(e, m)| e < m);
        let suite_financement = if upstream {
            let later = Profil { etape: Some("realisation".into()), besoin: Some("financement".into()), ..p.clone() };
            let financing = |d: &crate::catalogue::Dispositif| !shown.iter().any(|s| s.dispositif == d.id);
            top_financing(cat, &later, 5, financing).iter().map(|m| cat.dispositifs[m.dispositif].id.clone()).collect()
        } else {
            vec![]
        };
        self.s.results = shown.iter().map(|m| m.dispositif.clone()).collect();
        self.out.push(Reply::Resultats {
            autres: total.saturating_sub(SHOWN),
            items: shown,
            regles_anct,
            travaux,
            suite_financement,
            hors_manche: p.hors_manche.is_some(),
        });
    }

    fn explain_statuts(&mut self) {
        let (commune, connus) = match self.s.slots.get("commune") {
            Some(Value::Commune(insee)) => match self.content.communes.by_insee(insee) {
                Some(c) => (Some(c.nom.clone()), c.statuts.iter().map(|(s, _)| s.clone()).collect()),
                None => (None, vec![]),
            },
            _ => (None, vec![]),
        };
        if !connus.is_empty() {
            // The data knows: use it, the person may correct it with "retour".
            self.s.slots.insert("statuts".into(), Value::Multi(connus.clone()));
        }
        self.out.push(Reply::Statuts { commune, connus });
    }

    fn details(&mut self, n: usize) {
        match self.s.results.get(n.wrapping_sub(1)) {
            Some(id) => self.out.push(Reply::Details { dispositif: id.clone() }),
            None => self.out.push(Reply::say_with(
                "details-introuvable",
                vec![("nombre", Arg::Number(i64::try_from(self.s.results.len()).unwrap_or(0)))],
            )),
        }
    }

    fn why_not(&mut self, name: &str) {
        let cat = &self.content.catalogue;
        let Some(index) = quick::find_dispositif(self.content, name) else {
            self.out.push(Reply::say_with("pourquoi-pas-introuvable", vec![("nom", Arg::Text(name.to_owned()))]));
            self.ask_current_if_pending_question();
            return;
        };
        let d = &cat.dispositifs[index];
        let p = self.profil();
        let mut args: Args = vec![("nom", Arg::Text(d.nom.clone()))];
        let id = match evaluate(cat, index, &p) {
            Ok(_) if d.id == GUICHET_UNIQUE || self.s.results.contains(&d.id) => "pourquoi-pas-retenu",
            Ok(_) if p == Profil::default() => "pourquoi-pas-profil",
            Ok(_) if !self.s.results.is_empty() => "pourquoi-pas-classe",
            Ok(_) => "pourquoi-pas-retenu",
            Err(Echec::PopulationMax { max, population }) => {
                args.push(("max", Arg::Text(format_number(i64::from(max) + 1))));
                args.push(("population", Arg::Text(format_number(i64::from(population)))));
                "pourquoi-pas-population-max"
            }
            Err(Echec::PopulationMin { min, population }) => {
                args.push(("min", Arg::Text(format_number(i64::from(min)))));
                args.push(("population", Arg::Text(format_number(i64::from(population)))));
                "pourquoi-pas-population-min"
            }
            Err(Echec::StatutRequis(list)) => {
                let names: Vec<String> =
                    list.iter().map(|s| cat.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone())).collect();
                args.push(("statut", Arg::Text(names.join(" ou "))));
                "pourquoi-pas-statut-requis"
            }
            Err(Echec::StatutExclu(s)) => {
                args.push(("statut", Arg::Text(cat.statut(&s).map_or(s.clone(), |x| x.nom.clone()))));
                "pourquoi-pas-statut-exclu"
            }
            Err(Echec::Departement) => "pourquoi-pas-departement",
            Err(Echec::Theme) => {
                let themes: Vec<String> =
                    d.themes.iter().filter_map(|t| cat.theme(t)).map(|t| t.nom.to_lowercase()).collect();
                args.push(("themes", Arg::Text(themes.join(", "))));
                "pourquoi-pas-theme"
            }
            Err(Echec::Etape) => {
                let etapes: Vec<String> =
                    d.etapes.iter().filter_map(|t| cat.etape(t)).map(|t| t.nom.to_lowercase()).collect();
                args.push(("etapes", Arg::Text(etapes.join(", "))));
                "pourquoi-pas-etape"
            }
        };
        self.out.push(Reply::say_with(id, args));
        self.ask_current_if_pending_question();
    }

    fn ask_current_if_pending_question(&mut self) {
        if self.current().is_some_and(|(_, n)| n.answer.is_some()) {
            self.ask_current();
        }
    }

    /// A quick answer from the catalogue. Returns whether one was given.
    fn quick(&mut self, input: &str, strength: quick::Strength) -> bool {
        match quick::answer(self.content, input, strength) {
            Some(replies) => {
                self.out.extend(replies);
                true
            }
            None if strength == quick::Strength::Any => {
                self.out.push(Reply::say("question-rien"));
                true
            }
            None => false,
        }
    }
}

/// `folded` with the words of `name` (compared as name keys) blanked out.
fn without_name(folded: &str, name: &str) -> String {
    let key = name_key(name);
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
    let same = |(a, b): (usize, usize), w: &str| match &folded[a..b] {
        "st" => w == "saint",
        "ste" => w == "sainte",
        x => x == w,
    };
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

fn choice_index(folded: &str, names: &[String]) -> Option<usize> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    let n: usize = t.parse().ok()?;
    (1..=names.len()).contains(&n).then(|| n - 1)
}

/// "détails 2", "detail 2", "plus sur le 2", "2 ?"…
fn details_request(folded: &str) -> Option<usize> {
    let t = folded.trim_matches(|c: char| !c.is_alphanumeric()).trim();
    for p in [
        "details",
        "detail",
        "plus sur le",
        "plus sur",
        "en savoir plus sur le",
        "en savoir plus sur",
        "savoir plus",
        "info",
        "infos",
    ] {
        if let Some(rest) = t.strip_prefix(p) {
            let rest = rest.trim().trim_start_matches("n°").trim_start_matches("du ").trim_start_matches("le ").trim();
            if let Ok(n) = rest.parse() {
                return Some(n);
            }
        }
    }
    None
}

/// "pourquoi pas X ?", "pourquoi je n'ai pas X", "et X, pourquoi pas ?"
fn why_not_request(folded: &str) -> Option<&str> {
    let t = folded.trim_end_matches(|c: char| !c.is_alphanumeric()).trim();
    if let Some(rest) = t.strip_suffix("pourquoi pas").or_else(|| t.strip_suffix("pourquoi pas nous")) {
        let rest = rest.trim().trim_end_matches(',').trim();
        let rest =
            ["et les ", "et la ", "et le ", "et l'", "et "].iter().find_map(|p| rest.strip_prefix(p)).unwrap_or(rest);
        let rest = rest.trim();
        if !rest.is_empty() {
            return Some(rest);
        }
    }
    for p in [
        "pourquoi pas les ",
        "pourquoi pas la ",
        "pourquoi pas le ",
        "pourquoi pas l'",
        "pourquoi pas de ",
        "pourquoi pas d'",
        "pourquoi pas ",
        "pourquoi je n'ai pas ",
        "pourquoi on n'a pas ",
        "pourquoi on a pas ",
        "pourquoi on n'a pas droit aux ",
        "pourquoi on n'a pas droit a ",
        "pourquoi nous n'avons pas ",
        "pourquoi n'ai-je pas ",
        "pourquoi pas droit aux ",
    ] {
        if let Some(rest) = t.strip_prefix(p) {
            let rest = rest.trim();
            if !rest.is_empty() {
                return Some(rest);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_name_is_blanked_before_extraction() {
        assert_eq!(without_name("agon coutainville, projet", "Agon-Coutainville").trim_start(), ", projet");
        assert_eq!(without_name("maire de st-pair-sur-mer", "Saint-Pair-sur-Mer").trim_end(), "maire de");
        assert_eq!(without_name("rien a voir", "Genêts"), "rien a voir");
    }

    #[test]
    fn global_words() {
        assert_eq!(command("aide"), Some(Command::Aide));
        assert_eq!(command("retour !"), Some(Command::Retour));
        assert_eq!(command("on recommence"), Some(Command::Recommencer));
        assert_eq!(command("stop"), Some(Command::Stop));
        assert_eq!(command("aide pour recruter"), None);
    }

    #[test]
    fn details_and_why_not() {
        assert_eq!(details_request("details 2"), Some(2));
        assert_eq!(details_request("detail n°3"), Some(3));
        assert_eq!(details_request("details"), None);
        assert_eq!(why_not_request("pourquoi pas les petites centralites ?"), Some("petites centralites"));
        assert_eq!(why_not_request("pourquoi pas"), None);
        assert_eq!(why_not_request("pourquoi on a pas petites centralites"), Some("petites centralites"));
        assert_eq!(why_not_request("et les petites centralites, pourquoi pas ?"), Some("petites centralites"));
    }
}
