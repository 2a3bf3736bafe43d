//! Step helpers of the loader: reading files through the content source, parsing TOML,
//! and recording diagnostics.

use super::*;

impl Loader<'_> {
    pub(super) fn read(&mut self, rel: &str) -> Option<usize> {
        match self.source.read(rel) {
            Ok(bytes) => {
                bytes.hash(&mut self.hasher);
                let text = match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        let at = e.utf8_error().valid_up_to();
                        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                        let f = SourceFile::new(rel, text);
                        self.failed.insert(rel.to_owned());
                        self.diags.push(f.error(
                            "T004",
                            at..at + 1,
                            "ce fichier n'est pas en UTF-8 : enregistrez-le en UTF-8",
                        ));
                        return None;
                    }
                };
                self.files.push(SourceFile::new(rel, text));
                Some(self.files.len() - 1)
            }
            Err(e) => {
                self.failed.insert(rel.to_owned());
                self.diags.push(Diagnostic {
                    severity: crate::content::Severity::Error,
                    code: "T000",
                    path: PathBuf::from(rel),
                    line: 1,
                    col: 1,
                    message: format!("fichier illisible : {}", io_fr(&e)),
                    excerpt: None,
                    help: None,
                });
                None
            }
        }
    }

    /// Relative paths of the files with extension `ext` in `dir`, sorted.
    pub(super) fn list(&mut self, dir: &str, ext: &str) -> Vec<String> {
        let mut out = vec![];
        match self.source.entries(dir) {
            Ok(entries) => {
                for (name, folder) in entries {
                    if !folder && name.ends_with(ext) && !name.starts_with('.') {
                        out.push(format!("{dir}/{name}"));
                    }
                }
            }
            Err(e) => self.diags.push(Diagnostic {
                severity: crate::content::Severity::Error,
                code: "T000",
                path: PathBuf::from(dir),
                line: 1,
                col: 1,
                message: format!("dossier illisible : {}", io_fr(&e)),
                excerpt: None,
                help: None,
            }),
        }
        out.sort();
        out
    }

    pub(super) fn parse<T: DeserializeOwned>(&mut self, rel: &str) -> Option<(T, usize)> {
        let f = self.read(rel)?;
        match toml::from_str::<T>(&self.files[f].text) {
            Ok(v) => Some((v, f)),
            Err(e) => {
                let span = e.span().unwrap_or(0..1);
                let fr = toml_error_fr(e.message(), &self.files[f].text, span);
                let d = self.files[f].error(fr.code, fr.span, fr.message).with_help(fr.help);
                self.diags.push(d);
                // What depends on this file is not checked: its ids are unknown, not missing.
                self.failed.insert(rel.to_owned());
                None
            }
        }
    }

    /// Whether a file under `prefix` (a file or a folder) could not be read or parsed: the ids
    /// it defines are then unknown, and references to them are not reported as missing.
    pub(super) fn incomplete(&self, prefix: &str) -> bool {
        self.failed.iter().any(|p| p.starts_with(prefix))
    }

    pub(super) fn many<T: DeserializeOwned, R>(&mut self, dir: &str, get: impl Fn(T) -> Vec<R>) -> Vec<(R, usize)> {
        let mut out = vec![];
        for rel in self.list(dir, ".toml") {
            if let Some((file, f)) = self.parse::<T>(&rel) {
                out.extend(get(file).into_iter().map(|r| (r, f)));
            }
        }
        out
    }

    pub(super) fn err(
        &mut self,
        f: usize,
        code: &'static str,
        span: Range<usize>,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = self.files[f].error(code, span, msg);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    pub(super) fn warn(
        &mut self,
        f: usize,
        code: &'static str,
        span: Range<usize>,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = self.files[f].warning(code, span, msg);
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }
}
