//! Step of the loader: the dialogue files (nodes, choices, branches, roles, loops).

use super::*;

impl Loader<'_> {
    pub(super) fn dialogues(&mut self, cat: &Catalogue, vocab: &Vocabulaire) -> (HashMap<String, Dialogue>, Uses) {
        let mut out = HashMap::new();
        let mut uses = Uses::new();
        let mut ids = Defs::new();
        for rel in self.list("dialogues", ".toml") {
            if rel == VOCABULAIRE {
                continue;
            }
            let Some((file, f)) = self.parse::<raw::DialogueFile>(&rel) else {
                continue;
            };
            if !self.define(&mut ids, "dialogue", &file.dialogue.id, f) {
                continue;
            }
            if let Some(d) = self.dialogue(file, f, cat, vocab, &mut uses) {
                out.insert(d.id.clone(), d);
            }
        }
        if !out.contains_key(MAIN_DIALOGUE) && !self.diags.iter().any(|d| d.path.starts_with("dialogues")) {
            self.diags.push(Diagnostic {
                severity: crate::content::Severity::Error,
                code: "D000",
                path: PathBuf::from("dialogues"),
                line: 1,
                col: 1,
                message: format!("aucun dialogue « {MAIN_DIALOGUE} » : c'est le dialogue principal"),
                excerpt: None,
                help: None,
            });
        }
        (out, uses)
    }

    #[allow(clippy::too_many_lines)]
    pub(super) fn dialogue(
        &mut self,
        file: raw::DialogueFile,
        f: usize,
        cat: &Catalogue,
        vocab: &Vocabulaire,
        uses: &mut Uses,
    ) -> Option<Dialogue> {
        let mut defs = Defs::new();
        let nodes_raw: Vec<(raw::RawNode, Range<usize>)> =
            file.nodes.into_iter().map(|n| (n.get_ref().clone(), n.span())).collect();
        for (n, _) in &nodes_raw {
            self.define(&mut defs, "nœud", &n.id, f);
            self.node_spans.insert((file.dialogue.id.get_ref().clone(), n.id.get_ref().clone()), (f, n.id.span()));
        }
        let index: HashMap<String, usize> =
            nodes_raw.iter().enumerate().map(|(i, (n, _))| (n.id.get_ref().clone(), i)).collect();
        let node_names: Vec<&str> = index.keys().map(String::as_str).collect::<Vec<_>>();
        let mut ok = true;
        let resolve = |l: &mut Self, target: &str, span: Range<usize>| -> Option<usize> {
            if let Some(&i) = index.get(target) {
                return Some(i);
            }
            let help = did_you_mean(target, node_names.iter().copied());
            l.err(f, "D003", span, format!("nœud inconnu « {target} »")).help = help;
            None
        };
        let resolve_quiet = |target: &str| index.get(target).copied();
        let start = resolve(self, file.dialogue.start.get_ref(), file.dialogue.start.span());
        ok &= start.is_some();
        let slots: BTreeSet<String> =
            nodes_raw.iter().filter_map(|(n, _)| n.slot.as_ref().map(|s| s.get_ref().clone())).collect();
        let mut nodes = vec![];
        let mut conditions: Vec<(Condition, Range<usize>)> = vec![];
        for (n, span) in &nodes_raw {
            for id in [&n.say, &n.ask, &n.reformule, &n.confirme].into_iter().flatten() {
                uses.push((id.get_ref().clone(), f, id.span()));
            }
            let answer = match &n.answer {
                Some(a) => match AnswerKind::parse(a.get_ref()) {
                    Some(k) => Some(k),
                    None => {
                        let help = did_you_mean(a.get_ref(), AnswerKind::NAMES.iter().copied());
                        self.err(f, "D004", a.span(), format!("type de réponse inconnu « {} »", a.get_ref())).help =
                            help;
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            self.no_effect(n, answer, f, span);
            if n.answer.is_some() && (n.slot.is_none() || n.ask.is_none()) {
                self.err(f, "D005", n.id.span(), format!("le nœud « {} » attend une réponse : il lui faut « ask » (la question) et « slot » (où ranger la réponse)", n.id.get_ref()));
                ok = false;
            }
            if n.answer.is_none() && n.slot.is_some() {
                self.err(
                    f,
                    "D005",
                    n.slot.as_ref().map_or(span.clone(), S::span),
                    "« slot » sans « answer » : précisez le type de réponse attendu",
                );
                ok = false;
            }
            let mut choices = vec![];
            for c in &n.choices {
                let c = c.get_ref();
                uses.push((c.label.get_ref().clone(), f, c.label.span()));
                choices.push(Choice {
                    value: c.value.get_ref().clone(),
                    label: Label::Message(c.label.get_ref().clone()),
                    aussi: c.aussi.iter().map(|s| fold(s)).collect(),
                });
            }
            if let Some(from) = &n.choices_from {
                let owned: Vec<(String, String, Vec<String>)>;
                let terms: Option<Vec<(&String, &String, &Vec<String>)>> = match from.get_ref().as_str() {
                    "themes" => Some(cat.themes.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    "etapes" => Some(cat.etapes.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    "besoins" => Some(cat.besoins.iter().map(|t| (&t.id, &t.nom, &t.synonymes)).collect()),
                    // "liste.champ": the distinct values of a text field of a list from data.
                    other => match other.split_once('.') {
                        Some((l, c))
                            if cat.liste(l).is_some_and(|l| l.champs.iter().any(|x| x.id == c && !x.oui_non)) =>
                        {
                            owned = cat
                                .liste(l)
                                .map(|l| l.valeurs_distinctes(c))
                                .unwrap_or_default()
                                .into_iter()
                                .map(|v| (m::slug(&v), v.clone(), vec![v]))
                                .collect();
                            Some(owned.iter().map(|(a, b, c)| (a, b, c)).collect())
                        }
                        _ => None,
                    },
                };
                match terms {
                    Some(terms) => choices.extend(terms.into_iter().map(|(id, nom, syn)| Choice {
                        value: id.clone(),
                        label: Label::Text(nom.clone()),
                        aussi: syn.iter().map(|s| fold(s)).collect(),
                    })),
                    None if self.incomplete("data/listes/") => ok = false,
                    None => {
                        let mut possible: Vec<String> =
                            ["themes", "etapes", "besoins"].iter().map(|s| (*s).to_owned()).collect();
                        for l in &cat.listes {
                            possible
                                .extend(l.champs.iter().filter(|c| !c.oui_non).map(|c| format!("{}.{}", l.id, c.id)));
                        }
                        let help = did_you_mean(from.get_ref(), possible.iter().map(String::as_str));
                        self.err(
                            f,
                            "D009",
                            from.span(),
                            format!(
                                "liste de choix inconnue « {} » (possibles : {})",
                                from.get_ref(),
                                possible.join(", ")
                            ),
                        )
                        .help = help;
                        ok = false;
                    }
                }
            }
            if n.nsp {
                choices.push(Choice {
                    value: "nsp".into(),
                    label: Label::Message("choix-nsp".into()),
                    aussi: vocab.list(Groupe::NeSaisPas).to_vec(),
                });
            }
            let from_broken = n.choices_from.as_ref().is_some_and(|from| {
                let file = match from.get_ref().as_str() {
                    "themes" => "data/themes.toml",
                    "etapes" => "data/etapes.toml",
                    "besoins" => "data/besoins.toml",
                    _ => "data/listes/",
                };
                self.incomplete(file)
            });
            if matches!(answer, Some(AnswerKind::Choice | AnswerKind::Multi)) && choices.is_empty() && !from_broken {
                self.err(
                    f,
                    "D006",
                    n.id.span(),
                    format!("le nœud « {} » propose un choix mais n'a pas de « choices »", n.id.get_ref()),
                );
                ok = false;
            }
            let mut seen_values = HashSet::new();
            for c in &n.choices {
                if !seen_values.insert(c.get_ref().value.get_ref().clone()) {
                    self.err(
                        f,
                        "C001",
                        c.get_ref().value.span(),
                        format!("choix « {} » donné deux fois", c.get_ref().value.get_ref()),
                    );
                }
            }
            let propose = n.propose.as_ref().and_then(|p| {
                let v = Propose::parse(p.get_ref());
                if v.is_none() {
                    let help = did_you_mean(p.get_ref(), Propose::NAMES.iter().copied());
                    self.err(f, "D010", p.span(), format!("proposition inconnue « {} »", p.get_ref())).help = help;
                }
                v
            });
            if propose.is_some() && n.confirme.is_none() {
                self.err(
                    f,
                    "D005",
                    n.id.span(),
                    "« propose » demande aussi « confirme » (la question de confirmation)",
                );
                ok = false;
            }
            let action = n.action.as_ref().and_then(|a| {
                let v = Action::parse(a.get_ref());
                if v.is_none() {
                    let help = did_you_mean(a.get_ref(), Action::NAMES.iter().copied());
                    self.err(f, "D010", a.span(), format!("action inconnue « {} »", a.get_ref())).help = help;
                }
                v
            });
            let next = match &n.next {
                None => Next::End,
                Some(next) => match next.get_ref() {
                    raw::RawNext::One(target) => match resolve(self, target, next.span()) {
                        Some(t) => Next::Goto(t),
                        None => {
                            ok = false;
                            Next::End
                        }
                    },
                    raw::RawNext::Branches(branches) => {
                        let mut out = vec![];
                        for b in branches {
                            let b = b.get_ref();
                            let cond = match &b.condition {
                                None => None,
                                Some(c) => match Condition::parse(c.get_ref()) {
                                    Ok(cond) => {
                                        conditions.push((cond.clone(), c.span()));
                                        if !slots.contains(&cond.slot) {
                                            let help = did_you_mean(&cond.slot, slots.iter().map(String::as_str));
                                            self.err(
                                                f,
                                                "D011",
                                                c.span(),
                                                format!(
                                                    "la condition lit la case « {} », qu'aucun nœud ne remplit",
                                                    cond.slot
                                                ),
                                            )
                                            .help = help;
                                            ok = false;
                                        }
                                        Some(cond)
                                    }
                                    Err(msg) => {
                                        self.err(f, "D008", c.span(), msg);
                                        ok = false;
                                        None
                                    }
                                },
                            };
                            match resolve(self, b.goto.get_ref(), b.goto.span()) {
                                Some(t) => out.push((cond, t)),
                                None => ok = false,
                            }
                        }
                        Next::Branch(out)
                    }
                },
            };
            let boucle = self.loop_of(n, f, cat, &slots, &resolve_quiet);
            ok &= n.pour_chaque.is_none() || boucle.is_some();
            let resume = self.resume_of(n, f, action, &slots, uses);
            ok &= n.resume.is_none() == resume.is_none() || action != Some(Action::Resume);
            if action == Some(Action::Resume) && resume.is_none() {
                ok = false;
            }
            for e in &n.efface {
                if !slots.contains(e.get_ref()) {
                    let help = did_you_mean(e.get_ref(), slots.iter().map(String::as_str));
                    self.err(
                        f,
                        "D011",
                        e.span(),
                        format!("« efface » nomme la case « {} », qu'aucun nœud ne remplit", e.get_ref()),
                    )
                    .help = help;
                    ok = false;
                }
            }
            nodes.push(Node {
                id: n.id.get_ref().clone(),
                boucle,
                resume,
                efface: n.efface.iter().map(|e| e.get_ref().clone()).collect(),
                nsp_choice: n.nsp
                    || n.choices.iter().any(|c| c.get_ref().value.get_ref() == crate::dialogue::parse::NSP),
                say: n.say.as_ref().map(|s| s.get_ref().clone()),
                ask: n.ask.as_ref().map(|s| s.get_ref().clone()),
                reformule: n.reformule.as_ref().map(|s| s.get_ref().clone()),
                confirme: n.confirme.as_ref().map(|s| s.get_ref().clone()),
                answer,
                slot: n.slot.as_ref().map(|s| s.get_ref().clone()),
                choices,
                propose,
                action,
                next,
                folded_labels: HashMap::new(),
            });
        }
        ok &= self.condition_values(&conditions, &nodes, f);
        // A summary sums up a loop node of the same dialogue.
        for (n, (raw, _)) in nodes.iter().zip(&nodes_raw) {
            if let Some(r) = &n.resume
                && !nodes.iter().any(|x| x.id == r.boucle && x.boucle.is_some())
            {
                let span = raw.resume.as_ref().map_or_else(|| raw.id.span(), |x| x.get_ref().boucle.span());
                let loops: Vec<&str> = nodes.iter().filter(|x| x.boucle.is_some()).map(|x| x.id.as_str()).collect();
                let help = did_you_mean(&r.boucle, loops.iter().copied());
                self.err(
                    f,
                    "D044",
                    span,
                    format!("« {} » n'est pas un nœud « pour_chaque » de ce dialogue", r.boucle),
                )
                .help = help;
                ok = false;
            }
        }
        // Unreachable nodes: a warning, the agent may be drafting. Skipped when a reference is
        // already broken: every node after it would be reported too.
        if let (Some(start), true) = (start, ok) {
            let mut seen = vec![false; nodes.len()];
            let mut stack = vec![start];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                match &nodes[i].next {
                    Next::End => {}
                    Next::Goto(t) => stack.push(*t),
                    Next::Branch(bs) => stack.extend(bs.iter().map(|(_, t)| *t)),
                }
                if let Some(b) = &nodes[i].boucle {
                    stack.push(b.corps);
                }
            }
            for (i, (n, _)) in nodes_raw.iter().enumerate() {
                if !seen[i] {
                    self.warn(
                        f,
                        "D007",
                        n.id.span(),
                        format!("nœud « {} » inatteignable : aucun « next » n'y mène", n.id.get_ref()),
                    );
                }
            }
        }
        let roles = self.roles(&file.dialogue, f, &nodes, cat);
        // With a role broken, an answer nobody reads is a consequence, not another mistake.
        if roles.is_some() {
            self.unused_answers(&file.dialogue, &nodes_raw, &conditions, f);
        }
        if !ok || defs.len() != nodes.len() {
            return None;
        }
        if let Some(p) = &file.dialogue.presentation {
            uses.push((p.get_ref().clone(), f, p.span()));
        }
        let declencheurs: Vec<String> = file
            .dialogue
            .declencheurs
            .iter()
            .map(|d| fold(d.get_ref()).trim().to_owned())
            .filter(|d| !d.is_empty())
            .collect();
        Some(Dialogue {
            id: file.dialogue.id.into_inner(),
            start: start?,
            nodes,
            by_id: index,
            roles: roles?,
            presentation: file.dialogue.presentation.map(Spanned::into_inner),
            declencheurs,
        })
    }
}

/// Folds every choice label once per language, so that no turn formats or folds them again.
pub(super) fn fold_labels(dialogues: &mut HashMap<String, Dialogue>, locales: &Locales) {
    for d in dialogues.values_mut() {
        for n in &mut d.nodes {
            for lang in locales.languages() {
                let labels = n
                    .choices
                    .iter()
                    .map(|c| match &c.label {
                        Label::Text(t) => fold(t),
                        Label::Message(id) => fold(&locales.msg(lang, id, &[])),
                    })
                    .collect();
                n.folded_labels.insert(lang.to_owned(), labels);
            }
        }
    }
}
