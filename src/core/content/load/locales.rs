//! Step of the loader: the Fluent messages of every language, and the ids the content uses.

use super::*;

impl Loader<'_> {
    pub(super) fn locales(&mut self, uses: &Uses) -> Locales {
        let mut langs: Vec<String> = match self.source.entries("locales") {
            Ok(entries) => entries.into_iter().filter(|(_, folder)| *folder).map(|(name, _)| name).collect(),
            Err(_) => vec![],
        };
        langs.sort();
        let mut ids_by_lang: HashMap<String, HashMap<String, (usize, Range<usize>)>> = HashMap::new();
        let mut resources = vec![];
        for lang in &langs {
            let mut res_list = vec![];
            let ids = ids_by_lang.entry(lang.clone()).or_default();
            for rel in self.list(&format!("locales/{lang}"), ".ftl") {
                let Some(f) = self.read(&rel) else { continue };
                let text = self.files[f].text.clone();
                let res = match FluentResource::try_new(text) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        for e in errors {
                            let d = self.files[f].error(
                                "F001",
                                e.pos.clone(),
                                fluent_error_at(&self.files[f].text, e.pos.start, &e.kind),
                            );
                            self.diags.push(d);
                        }
                        r
                    }
                };
                for (id, span) in message_ids(&self.files[f].text) {
                    if let Some((pf, pspan)) = ids.get(&id).cloned() {
                        let (line, _) = self.files[pf].position(pspan.start);
                        let help = Some(format!("première définition : {}:{line}", self.files[pf].path.display()));
                        let d = self.files[f]
                            .error("F004", span, format!("message « {id} » défini deux fois"))
                            .with_help(help);
                        self.diags.push(d);
                    } else {
                        ids.insert(id, (f, span));
                    }
                }
                res_list.push(res);
            }
            resources.push((lang.clone(), res_list));
        }
        let reference = ids_by_lang.get(REFERENCE).cloned().unwrap_or_default();
        if reference.is_empty() {
            self.diags.push(reference_error(
                "F000",
                "aucun message en français : la langue de référence est obligatoire".into(),
                None,
            ));
        }
        let known: Vec<&str> = reference.keys().map(String::as_str).collect();
        for (id, f, span) in uses {
            if !reference.contains_key(id) {
                let help = did_you_mean(id, known.iter().copied());
                let d = self.files[*f]
                    .error("F002", span.clone(), format!("message inconnu « {id} » dans locales/{REFERENCE}/"))
                    .with_help(help);
                self.diags.push(d);
            }
        }
        for id in CODE_MESSAGES {
            if !reference.is_empty() && !reference.contains_key(*id) {
                self.diags.push(reference_error(
                    "F002",
                    format!("message « {id} » absent : le programme l'utilise"),
                    did_you_mean(id, known.iter().copied()),
                ));
            }
        }
        for (lang, ids) in &ids_by_lang {
            if lang == REFERENCE {
                continue;
            }
            let mut missing: Vec<&String> = reference.keys().filter(|id| !ids.contains_key(*id)).collect();
            missing.sort();
            if !missing.is_empty() {
                let first = ids.values().next().map(|(f, _)| *f);
                let shown: Vec<&str> = missing.iter().take(8).map(|s| s.as_str()).collect();
                let msg = format!(
                    "{} message(s) non traduit(s) en « {lang} » (le français sera utilisé) : {}{}",
                    missing.len(),
                    shown.join(", "),
                    if missing.len() > 8 { ", …" } else { "" }
                );
                match first {
                    Some(f) => {
                        self.warn(f, "F003", 0..0, msg);
                    }
                    None => self.diags.push(Diagnostic {
                        severity: crate::content::Severity::Warning,
                        code: "F003",
                        path: PathBuf::from(format!("locales/{lang}")),
                        line: 1,
                        col: 1,
                        message: msg,
                        excerpt: None,
                        help: None,
                    }),
                }
            }
            for (id, (f, span)) in ids {
                if !reference.contains_key(id) {
                    self.warn(
                        *f,
                        "F005",
                        span.clone(),
                        format!("message « {id} » absent du français : il ne sera jamais utilisé"),
                    );
                }
            }
        }
        self.variables(&ids_by_lang);
        Locales::new(resources)
    }

    /// A variable of a message that its other language names differently (`{ $comune }` in
    /// French, `{ $commune }` in English) is a typo: the bot would print it as is.
    fn variables(&mut self, ids_by_lang: &HashMap<String, HashMap<String, (usize, Range<usize>)>>) {
        let Some(reference) = ids_by_lang.get(REFERENCE) else { return };
        let mut langs: Vec<&String> = ids_by_lang.keys().filter(|l| *l != REFERENCE).collect();
        langs.sort();
        let mut ids: Vec<&String> = reference.keys().collect();
        ids.sort();
        let mut reported: HashSet<(usize, usize)> = HashSet::new();
        // How often each variable is written, every language together: of two near names, the
        // rarer is the typo.
        let mut count: HashMap<String, usize> = HashMap::new();
        for ids in ids_by_lang.values() {
            for (f, span) in ids.values() {
                for (v, _) in message_variables(&self.files[*f].text, span.start) {
                    *count.entry(v).or_default() += 1;
                }
            }
        }
        for lang in langs {
            for id in &ids {
                let Some((of, ospan)) = ids_by_lang[lang].get(*id) else { continue };
                let (rf, rspan) = &reference[*id];
                let ours = message_variables(&self.files[*rf].text, rspan.start);
                let theirs = message_variables(&self.files[*of].text, ospan.start);
                for (mine, other, f, other_lang) in
                    [(&ours, &theirs, *rf, lang.as_str()), (&theirs, &ours, *of, REFERENCE)]
                {
                    let other_names: Vec<&str> = other.iter().map(|(v, _)| v.as_str()).collect();
                    let mine_names: Vec<&str> = mine.iter().map(|(v, _)| v.as_str()).collect();
                    let free: Vec<&str> = other_names.iter().copied().filter(|v| !mine_names.contains(v)).collect();
                    for (v, at) in mine {
                        if other_names.contains(&v.as_str()) || !reported.insert((f, at.start)) {
                            continue;
                        }
                        let Some(near) = super::super::diag::nearest(v, free.iter().copied()) else { continue };
                        let (rare, common) =
                            (count.get(v).copied().unwrap_or(0), count.get(near).copied().unwrap_or(0));
                        if rare > common || (rare == common && f != *rf) {
                            continue;
                        }
                        self.err(
                            f,
                            "F006",
                            at.clone(),
                            format!(
                                "variable « ${v} » inconnue pour le message « {id} » : le bot l'afficherait telle quelle"
                            ),
                        )
                        .help = Some(format!("vouliez-vous dire « ${near} » ? (c'est celle du même message en « {other_lang} »)"));
                    }
                }
            }
        }
    }
}

/// The variables (`$name`) of the message whose id starts at `start`, with their spans: its
/// first line and the lines that continue it (indented, or a closing `}` or variant).
fn message_variables(text: &str, start: usize) -> Vec<(String, Range<usize>)> {
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
    while end < text.len() {
        let line = &text[end..];
        if !line.starts_with([' ', '\t', '}', '[', '*', '.']) {
            break;
        }
        end = line.find('\n').map_or(text.len(), |i| end + i + 1);
    }
    let body = &text[start..end];
    let mut out = vec![];
    for (i, _) in body.match_indices('$') {
        let name: String =
            body[i + 1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
        if !name.is_empty() {
            out.push((name.clone(), start + i..start + i + 1 + name.len()));
        }
    }
    out
}

/// Message ids defined in a Fluent file, with their spans (line starts `id =`).
pub(super) fn message_ids(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = vec![];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let first = line.chars().next();
        if first.is_some_and(|c| c.is_ascii_alphabetic())
            && let Some(eq) = line.find('=')
        {
            let id = line[..eq].trim_end();
            if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                out.push((id.to_owned(), offset..offset + id.len()));
            }
        }
        offset += line.len();
    }
    out
}

pub(super) fn find_key(text: &str, within: Range<usize>, key: &str) -> Range<usize> {
    text.get(within.clone())
        .and_then(|t| t.find(key))
        .map_or(within.start..within.start + 1, |p| within.start + p..within.start + p + key.len())
}

/// An error about the reference language's folder as a whole (no line to show).
fn reference_error(code: &'static str, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic {
        severity: crate::content::Severity::Error,
        code,
        path: PathBuf::from(format!("locales/{REFERENCE}")),
        line: 1,
        col: 1,
        message,
        excerpt: None,
        help,
    }
}
