//! Diagnostics of the content check: what is wrong, where, and what was probably meant.
//!
//! A diagnostic is printed the way agents read it in a terminal or in CI:
//!
//! ```text
//! dialogues/orientation.toml:42:9: erreur[D003]: nœud inconnu « populaton »
//!    |
//! 42 | next = "populaton"
//!    |         ^^^^^^^^^
//!    = vouliez-vous dire « population » ?
//! ```
//!
//! Messages are French: they are read by the préfecture's and the Département's agents.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code (`T001`, `D003`…), documented in `dialogues/LISEZMOI.md`.
    pub code: &'static str,
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The line of the file that holds the problem, and the caret's width on it.
    pub excerpt: Option<(String, usize)>,
    /// "vouliez-vous dire … ?", or another hint.
    pub help: Option<String>,
}

impl Diagnostic {
    #[must_use]
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "erreur",
            Severity::Warning => "avertissement",
        };
        writeln!(f, "{}:{}:{}: {kind}[{}]: {}", self.path.display(), self.line, self.col, self.code, self.message)?;
        if let Some((text, width)) = &self.excerpt {
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {text}")?;
            let before: String =
                text.chars().take(self.col.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            writeln!(f, "{pad} | {before}{}", "^".repeat((*width).max(1)))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{} = {help}", " ".repeat(self.line.to_string().len()))?;
        }
        Ok(())
    }
}

/// A content file kept in memory so that byte offsets become `line:col` and excerpts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to agents: relative to the content root.
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    #[must_use]
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { path: path.into(), text, line_starts }
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// 1-based line and column (in characters) of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line + 1, col)
    }

    fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).map_or(self.text.len(), |e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// A diagnostic pointing at `span` of this file.
    #[must_use]
    pub fn diag(
        &self,
        severity: Severity,
        code: &'static str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, col) = self.position(span.start);
        let text = self.line_text(line).to_owned();
        let end = span.end.min(self.line_starts.get(line).map_or(self.text.len(), |e| e - 1)).max(span.start);
        let width = self.text.get(span.start..end).map_or(1, |s| s.chars().count());
        Diagnostic {
            severity,
            code,
            path: self.path.clone(),
            line,
            col,
            message: message.into(),
            excerpt: Some((text, width)),
            help: None,
        }
    }

    #[must_use]
    pub fn error(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.diag(Severity::Error, code, span, message)
    }

    #[must_use]
    pub fn warning(&self, code: &'static str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        self.diag(Severity::Warning, code, span, message)
    }

    /// The byte range of line `line` (1-based), for problems found by line (CSV files).
    #[must_use]
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let start = self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let end = self.line_starts.get(line).map_or(self.text.len(), |e| e - 1);
        start..end.max(start)
    }
}

/// "vouliez-vous dire « x » ?" for the nearest of `candidates`, when one is near enough.
#[must_use]
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    nearest(wanted, candidates).map(|best| format!("vouliez-vous dire « {best} » ?"))
}

/// The nearest of `candidates` to `wanted`, when one is near enough (accents and case aside).
#[must_use]
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_folded = crate::text::fold(wanted);
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&wanted_folded, &crate::text::fold(c)), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_in_characters() {
        let f = SourceFile::new("a.toml", "é = 1\nnext = \"x\"\n".to_owned());
        assert_eq!(f.position(0), (1, 1));
        let off = f.text.find("\"x\"").unwrap();
        assert_eq!(f.position(off), (2, 8));
    }

    #[test]
    fn renders_line_and_caret() {
        let f = SourceFile::new("d.toml", "[[node]]\nnext = \"populaton\"\n".to_owned());
        let start = f.text.find("\"populaton\"").unwrap();
        let d = f
            .error("D003", start..start + 11, "nœud inconnu « populaton »")
            .with_help(did_you_mean("populaton", ["commune", "population"]));
        let shown = d.to_string();
        assert!(shown.starts_with("d.toml:2:8: erreur[D003]: nœud inconnu « populaton »\n"), "{shown}");
        assert!(shown.contains("2 | next = \"populaton\"\n  |        ^^^^^^^^^^^\n"), "{shown}");
        assert!(shown.contains("vouliez-vous dire « population » ?"), "{shown}");
    }
}
