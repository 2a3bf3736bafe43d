//! Error texts in French for what the parsers report (TOML, Fluent, I/O): an agent reads
//! them, never a Rust or serde word.

use super::*;

pub(super) fn io_fr(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        _ => "erreur de lecture",
    }
}

/// Turns a `toml`/serde error message into a French one, with a code and a hint.
pub(super) fn toml_error_fr(msg: &str) -> (&'static str, String, Option<String>) {
    let ticks: Vec<&str> = msg.split('`').skip(1).step_by(2).collect();
    if msg.starts_with("unknown field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        let expected: Vec<&str> = ticks.iter().skip(1).copied().collect();
        let help = did_you_mean(wanted, expected.iter().copied())
            .or_else(|| Some(format!("champs possibles : {}", expected.join(", "))));
        return ("T002", format!("champ inconnu « {wanted} »"), help);
    }
    if msg.starts_with("missing field") {
        let wanted = ticks.first().copied().unwrap_or_default();
        return ("T003", format!("champ obligatoire « {wanted} » manquant"), None);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let rest = rest
            .replace("expected", "attendu :")
            .replace("a string", "un texte entre guillemets")
            .replace("a sequence", "une liste [ … ]")
            .replace("string", "texte")
            .replace("integer", "nombre")
            .replace("boolean", "booléen (true ou false)");
        return ("T001", format!("type invalide : {rest}"), None);
    }
    if msg.contains("duplicate key") {
        let key = ticks.first().copied().unwrap_or_default();
        return ("T001", format!("clé « {key} » donnée deux fois"), None);
    }
    if msg.contains("data did not match any variant") {
        return ("T001", "valeur de « next » illisible : un nom de nœud entre guillemets, ou une liste de { if = \"…\", goto = \"…\" }".into(), None);
    }
    let mut fr = msg.trim().to_owned();
    for (en, tr) in [
        ("invalid basic string", "texte entre guillemets mal fermé"),
        ("invalid literal string", "texte entre apostrophes mal fermé"),
        ("invalid string", "texte mal écrit"),
        ("invalid table header", "en-tête de table invalide"),
        ("invalid array", "liste invalide"),
        ("invalid inline table", "table en ligne invalide"),
        ("invalid key", "clé invalide"),
        ("unclosed array", "liste non fermée : il manque « ] »"),
        ("unclosed table", "table non fermée"),
        ("unexpected content", "contenu inattendu"),
        ("unexpected end of input", "fin de fichier inattendue"),
        ("expected newline", "retour à la ligne attendu"),
        ("string values must be quoted", "les textes doivent être entre guillemets"),
        ("expected", "attendu :"),
        ("found", "trouvé :"),
    ] {
        fr = fr.replace(en, tr);
    }
    ("T001", format!("syntaxe TOML : {fr}"), Some("voir dialogues/LISEZMOI.md, section « Erreurs fréquentes »".into()))
}

pub(super) fn fluent_error_fr(kind: &fluent_syntax::parser::ErrorKind) -> String {
    use fluent_syntax::parser::ErrorKind as K;
    match kind {
        K::ExpectedToken(c) => format!("caractère « {c} » attendu"),
        K::ExpectedCharRange { range } => format!("caractère attendu parmi {range}"),
        K::ExpectedMessageField { entry_id } => {
            format!("le message « {entry_id} » n'a pas de texte")
        }
        K::UnterminatedStringLiteral => "guillemet non fermé".into(),
        K::UnbalancedClosingBrace => "accolade « } » sans « { »".into(),
        K::MissingDefaultVariant => "variante par défaut manquante : marquez-en une avec *".into(),
        other => format!("{other:?}"),
    }
}
