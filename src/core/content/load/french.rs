//! Error texts in French for what the parsers report (TOML, Fluent, I/O): an agent reads
//! them, never a Rust or serde word. A message this module does not know becomes a plain
//! "syntaxe incorrecte" at the place the parser gives, never the English text.

use std::ops::Range;

use super::*;

pub(super) fn io_fr(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        _ => "erreur de lecture",
    }
}

/// A parse error of a TOML file, in French: code, where (the real cause when it can be found,
/// such as the `[` of a list never closed), message and hint.
pub(super) struct TomlError {
    pub code: &'static str,
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// Turns a `toml`/serde error into a French one. `text` is the file, `span` where the parser
/// stopped.
pub(super) fn toml_error_fr(msg: &str, text: &str, span: Range<usize>) -> TomlError {
    let ticks: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    let plain = |message: String, help: Option<String>| TomlError { code: "T001", span: span.clone(), message, help };
    if msg.starts_with("unknown field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        let expected: Vec<&str> = ticks.iter().skip(1).copied().collect();
        let help = did_you_mean(wanted, expected.iter().copied())
            .or_else(|| Some(format!("champs possibles : {}", expected.join(", "))));
        return TomlError { code: "T002", span, message: format!("champ inconnu « {wanted} »"), help };
    }
    if msg.starts_with("missing field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        return TomlError {
            code: "T003",
            span,
            message: format!("champ obligatoire « {wanted} » manquant"),
            help: None,
        };
    }
    let written = text.get(span.clone()).unwrap_or_default();
    if msg.starts_with("invalid type: map") && is_bare_date(written) {
        return plain(
            format!("date écrite sans guillemets : « {written} »"),
            Some(format!("écrivez-la entre guillemets : \"{written}\"")),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return plain(
            format!("valeur du mauvais type : {} ; attendu : {}", found_fr(found), expected_fr(expected)),
            hint_for(expected),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return plain(format!("valeur impossible : {} ; attendu : {}", found_fr(found), expected_fr(expected)), None);
    }
    if msg.starts_with("invalid length") {
        return plain("nombre d'éléments incorrect dans cette liste".into(), None);
    }
    if msg.contains("data did not match any variant") {
        return plain(
            "valeur de « next » illisible : un nom de nœud entre guillemets, ou une liste de { if = \"…\", goto = \"…\" }"
                .into(),
            None,
        );
    }
    if msg.starts_with("duplicate key") {
        let key = ticks.first().map_or_else(|| text.get(span.clone()).unwrap_or_default().trim(), |k| *k);
        return plain(
            format!("champ « {key} » donné deux fois"),
            Some("gardez une seule ligne pour ce champ dans ce bloc".into()),
        );
    }
    // A syntax error: a list or a table left open is reported where it was opened.
    if let Some((open, at)) = unclosed(text)
        && at <= span.start
    {
        let line = text[..at].matches('\n').count() + 1;
        let (message, help) = if open == '[' {
            (
                format!("crochet ouvert ligne {line} non fermé"),
                "ajoutez « ] » à la fin de la liste (après son dernier élément)",
            )
        } else {
            (
                format!("accolade ouverte ligne {line} non fermée"),
                "ajoutez « } » à la fin de la table, sur la même ligne",
            )
        };
        return TomlError { code: "T001", span: at..at + 1, message, help: Some(help.into()) };
    }
    let (what, expected) = msg.split_once(", expected ").unwrap_or((msg, ""));
    let what = what.lines().next().unwrap_or_default().trim();
    if what == "invalid unquoted key" || what == "invalid key" {
        let line_start = text[..span.start.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        let key: String = text[line_start..].chars().take_while(|c| !matches!(c, '=' | '\n')).collect();
        let key = key.trim();
        if !key.is_empty() && !key.is_ascii() {
            let plain = crate::text::fold(key);
            return TomlError {
                code: "T001",
                span: line_start..line_start + key.len(),
                message: format!("nom de champ « {key} » avec un accent : les noms de champs s'écrivent sans accent"),
                help: Some(format!("écrivez « {plain} »")),
            };
        }
    }
    let fr = SYNTAX.iter().find(|(en, _)| *en == what).map_or("syntaxe incorrecte à cet endroit", |(_, fr)| *fr);
    let tokens: Vec<String> = expected
        .split(", ")
        .filter_map(|e| {
            e.strip_prefix('`')
                .and_then(|t| t.strip_suffix('`'))
                .map(|t| format!("« {t} »"))
                .or_else(|| EXPECTED.iter().find(|(en, _)| *en == e).map(|(_, fr)| (*fr).to_owned()))
        })
        .collect();
    let message = if tokens.is_empty() { fr.to_owned() } else { format!("{fr} ; attendu : {}", tokens.join(" ou ")) };
    plain(message, Some("voir dialogues/LISEZMOI.md, « Écrire en TOML : l'essentiel »".into()))
}

/// `2024-03-12` (with or without a time), as TOML reads a date written without quotes.
fn is_bare_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// The parser's syntax messages, in French.
const SYNTAX: &[(&str, &str)] = &[
    ("missing comma between array elements", "virgule manquante entre deux éléments de la liste"),
    ("missing comma between key-value pairs", "virgule manquante entre deux champs de la table { … }"),
    ("missing assignment between key-value pairs", "« = » manquant entre le nom du champ et sa valeur"),
    ("key with no value", "champ sans valeur : il faut « nom = valeur »"),
    ("missing value", "valeur manquante après « = »"),
    ("missing value for key", "valeur manquante après « = »"),
    ("string values must be quoted", "un texte doit être écrit entre guillemets droits \"…\""),
    ("unclosed array", "liste non fermée : il manque « ] »"),
    ("unclosed inline table", "table { … } non fermée : il manque « } »"),
    ("unclosed table", "en-tête de bloc non fermé : il manque « ] »"),
    ("unclosed array table", "en-tête de bloc [[…]] non fermé : il manque « ]] »"),
    ("invalid basic string", "texte entre guillemets mal fermé : le guillemet de fin manque sur cette ligne"),
    ("invalid multi-line basic string", "texte entre triples guillemets \"\"\" mal fermé"),
    ("invalid literal string", "texte entre apostrophes mal fermé"),
    ("invalid multi-line literal string", "texte entre triples apostrophes mal fermé"),
    ("invalid string", "texte mal écrit"),
    ("missing opening quote", "guillemet ouvrant manquant"),
    ("invalid unquoted key", "nom de champ invalide : lettres sans accent, chiffres, « - » et « _ » seulement"),
    ("invalid key", "nom de champ invalide : lettres sans accent, chiffres, « - » et « _ » seulement"),
    ("unquoted keys cannot be empty", "nom de champ vide"),
    ("unexpected content", "contenu inattendu à cet endroit"),
    ("unexpected key or value", "contenu inattendu à cet endroit"),
    ("unexpected content between comment and newline", "contenu inattendu dans un commentaire"),
    ("invalid comment character", "caractère interdit dans un commentaire"),
    ("carriage return must be followed by newline", "fin de ligne mal formée"),
    (
        "missing escaped value",
        "« \\ » doit être suivi d'un caractère : écrivez « \\\\ » pour une barre oblique inversée",
    ),
    ("invalid date-time", "date mal écrite : écrivez-la entre guillemets, \"AAAA-MM-JJ\""),
    ("invalid integer number", "nombre mal écrit : des chiffres seulement, sans espace ni guillemets"),
    ("unexpected leading zero", "nombre mal écrit : pas de zéro au début"),
    ("invalid float", "nombre mal écrit"),
    ("invalid boolean", "true ou false attendu"),
    ("invalid value", "valeur illisible"),
    ("invalid table", "en-tête de bloc invalide"),
    ("invalid table header", "en-tête de bloc invalide"),
    ("invalid inline table element", "élément de table { … } invalide"),
    ("missing key for inline table element", "nom de champ manquant dans la table { … }"),
    ("invalid key-value pair", "ligne illisible : il faut « nom = valeur »"),
];

const EXPECTED: &[(&str, &str)] = &[
    ("letters", "des lettres"),
    ("numbers", "des chiffres"),
    ("newline", "un retour à la ligne"),
    ("whitespace", "une espace"),
];

/// What serde found, in French.
fn found_fr(found: &str) -> String {
    let (kind, value) = match found.split_once(' ') {
        Some((k, v)) => (k, v.trim_matches('`')),
        None => (found, ""),
    };
    let shown = if value.is_empty() { String::new() } else { format!("« {value} » ") };
    match kind {
        "string" => format!("{shown}est un texte entre guillemets"),
        "integer" => format!("{shown}est un nombre"),
        "floating" => "un nombre à virgule".to_owned(),
        "boolean" => format!("{shown}est un oui/non (true ou false)"),
        "sequence" => "une liste [ … ]".to_owned(),
        "map" => "une table".to_owned(),
        "char" => format!("{shown}est un caractère"),
        _ => "cette valeur".to_owned(),
    }
}

/// What serde expected, in French.
fn expected_fr(expected: &str) -> &'static str {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "an integer" => "un nombre entier, sans guillemets",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "un nombre entier positif, sans guillemets",
        "f32" | "f64" | "a float" => "un nombre, sans guillemets",
        "a string" | "a borrowed string" | "string" | "a character" => "un texte entre guillemets",
        "a boolean" => "true ou false, sans guillemets",
        "a sequence" => "une liste entre crochets [ … ]",
        e if e.starts_with("struct ") || e == "a map" => "une table",
        e if e.contains("tuple") => "une liste",
        _ => "une valeur d'une autre forme (voir dialogues/LISEZMOI.md)",
    }
}

fn hint_for(expected: &str) -> Option<String> {
    match expected_fr(expected) {
        "un nombre entier, sans guillemets" | "un nombre entier positif, sans guillemets" => {
            Some("retirez les guillemets : population_max = 1499".into())
        }
        "un texte entre guillemets" => Some("mettez la valeur entre guillemets droits : \"…\"".into()),
        "une liste entre crochets [ … ]" => Some("une liste, même d'un seul élément : [\"…\"]".into()),
        _ => None,
    }
}

/// The `[` or `{` of a value left open, with its byte offset: a key (`nom = `) or a block header
/// met inside a list means the list was not closed before it; a line end inside `{ … }` too.
fn unclosed(text: &str) -> Option<(char, usize)> {
    let b = text.as_bytes();
    let mut stack: Vec<(char, usize)> = vec![];
    let mut i = 0;
    let mut line_start = true;
    let mut after_eq = false;
    while i < b.len() {
        let c = b[i];
        if line_start && !stack.is_empty() && stack.iter().all(|(o, _)| *o == '[') {
            let rest = &text[i..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            let line = trimmed.lines().next().unwrap_or_default();
            if looks_like_key(line) || looks_like_header(line) {
                return stack.first().copied();
            }
        }
        line_start = false;
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'\n' => {
                if let Some(&('{', at)) = stack.last() {
                    return Some(('{', at));
                }
                line_start = true;
                if stack.is_empty() {
                    after_eq = false;
                }
            }
            b'"' | b'\'' => {
                let triple = text[i..].starts_with(if c == b'"' { "\"\"\"" } else { "'''" });
                let delim = if triple { 3 } else { 1 };
                i += delim;
                loop {
                    if i >= b.len() {
                        return None;
                    }
                    if c == b'"' && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && b[i] == b'\n' {
                        // An unclosed one-line string: the parser reports it at the right place.
                        return None;
                    }
                    if b[i] == c && (!triple || text[i..].starts_with(if c == b'"' { "\"\"\"" } else { "'''" })) {
                        i += delim;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'=' => after_eq = true,
            b'[' if after_eq || !stack.is_empty() => stack.push(('[', i)),
            b'{' if after_eq || !stack.is_empty() => stack.push(('{', i)),
            b']' | b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.first().copied()
}

/// `nom =` at the start of a line (a bare or quoted key).
fn looks_like_key(line: &str) -> bool {
    let key_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'));
    match key_end {
        Some(n) if n > 0 => line[n..].trim_start().starts_with('=') && !line[n..].trim_start().starts_with("=="),
        _ => false,
    }
}

/// `[bloc]` or `[[bloc]]` alone on a line.
fn looks_like_header(line: &str) -> bool {
    let line = line.split('#').next().unwrap_or_default().trim_end();
    let inner = line.trim_start_matches('[').trim_end_matches(']');
    line.starts_with('[')
        && line.ends_with(']')
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// A Fluent syntax error in French, with what usually causes it at `pos` (a line indented with
/// a tab: Fluent only continues a message on lines that start with spaces).
pub(super) fn fluent_error_at(text: &str, pos: usize, kind: &fluent_syntax::parser::ErrorKind) -> String {
    let line_start = text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..].starts_with('\t') {
        return "syntaxe Fluent : cette ligne commence par une tabulation ; pour continuer le message de la ligne \
                précédente, commencez-la par des espaces"
            .into();
    }
    format!("syntaxe Fluent : {}", fluent_error_fr(kind))
}

fn fluent_error_fr(kind: &fluent_syntax::parser::ErrorKind) -> String {
    use fluent_syntax::parser::ErrorKind as K;
    match kind {
        K::ExpectedToken(c) => format!("caractère « {c} » attendu"),
        K::ExpectedCharRange { range } => format!("caractère attendu parmi {range}"),
        K::ExpectedMessageField { entry_id } => {
            format!("le message « {entry_id} » n'a pas de texte")
        }
        K::ExpectedTermField { entry_id } => format!("le terme « {entry_id} » n'a pas de texte"),
        K::UnterminatedStringLiteral => "guillemet non fermé".into(),
        K::UnbalancedClosingBrace => "accolade « } » sans « { »".into(),
        K::MissingDefaultVariant => "variante par défaut manquante : marquez-en une avec *".into(),
        K::MultipleDefaultVariants => "une seule variante par défaut (marquée *) est permise".into(),
        K::MissingValue => "texte manquant après « = »".into(),
        K::UnknownEscapeSequence(s) => format!("séquence « \\{s} » inconnue"),
        K::ExpectedLiteral => "valeur attendue".into(),
        K::ExpectedInlineExpression => "variable { $nom } ou message attendu entre les accolades".into(),
        _ => {
            "syntaxe incorrecte : une ligne qui continue un message commence par des espaces (pas de tabulation)".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_list_is_found_where_it_opens() {
        let text = "[[d]]\nid = \"a\"\nthemes = [\"x\"\netapes = [\"y\"]\n";
        assert_eq!(unclosed(text), Some(('[', text.find("[\"x").unwrap())));
        let text = "a = [\n  \"x\",\n  \"y\",\n]\n[[d]]\nb = { c = 1 }\n";
        assert_eq!(unclosed(text), None);
        let text = "a = [\"x\"\n[[d]]\n";
        assert_eq!(unclosed(text), Some(('[', 4)));
        let text = "a = { b = 1\nc = 2\n";
        assert_eq!(unclosed(text), Some(('{', 4)));
        assert_eq!(unclosed("a = \"[\" # ]\nb = 1\n"), None);
    }

    #[test]
    fn serde_words_become_french() {
        let e = toml_error_fr("invalid type: string \"1499\", expected i64", "", 0..1);
        assert_eq!(
            e.message,
            "valeur du mauvais type : « \"1499\" » est un texte entre guillemets ; attendu : un nombre entier, sans guillemets"
        );
        let e = toml_error_fr("missing comma between array elements, expected `,`", "a = 1\n", 0..1);
        assert_eq!(e.message, "virgule manquante entre deux éléments de la liste ; attendu : « , »");
        let e = toml_error_fr("something new the parser says, expected `x`", "a = 1\n", 0..1);
        assert!(e.message.starts_with("syntaxe incorrecte à cet endroit"), "{}", e.message);
    }
}
