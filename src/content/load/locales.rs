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
            self.diags.push(Diagnostic {
                severity: crate::content::Severity::Error,
                code: "F000",
                path: PathBuf::from(format!("locales/{REFERENCE}")),
                line: 1,
                col: 1,
                message: "aucun message en français : la langue de référence est obligatoire".into(),
                excerpt: None,
                help: None,
            });
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
                self.diags.push(Diagnostic {
                    severity: crate::content::Severity::Error,
                    code: "F002",
                    path: PathBuf::from(format!("locales/{REFERENCE}")),
                    line: 1,
                    col: 1,
                    message: format!("message « {id} » absent : le programme l'utilise"),
                    excerpt: None,
                    help: did_you_mean(id, known.iter().copied()),
                });
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
        Locales::new(resources)
    }
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
