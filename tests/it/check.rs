//! `check` on the shipped content, and on each broken fixture (snapshots of what agents read).

use std::process::Command;

use aiguilleur::content;

use crate::support;

#[test]
fn shipped_content_passes_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["check", "--content"])
        .arg(support::root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Contenu valide"), "{stdout}");
    assert!(stdout.contains("Fiches à compléter"), "{stdout}");
}

/// `check` proves that each message the code says exists because the code lists them
/// (`CODE_MESSAGES`): every literal id said in `src/` must be on that list, or an agent could
/// delete a sentence the bot needs and `check` would not see it.
#[test]
fn every_message_the_code_says_is_listed_for_check() {
    let said = regex::Regex::new(r#"\b(?:say|say_with|msg)\("([a-z0-9]+(?:-[a-z0-9]+)+|[a-z]{3,})""#).unwrap();
    let mut missing = vec![];
    let mut seen = 0;
    let mut dirs = vec![support::root().join("src")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for c in said.captures_iter(&text) {
                    seen += 1;
                    if !aiguilleur::i18n::CODE_MESSAGES.contains(&&c[1]) {
                        missing.push(format!("{}: {}", path.display(), &c[1]));
                    }
                }
            }
        }
    }
    assert!(seen > 100, "the scan found only {seen} messages");
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "said by the code but not in CODE_MESSAGES: {missing:#?}");
}

/// Renders the diagnostics of a fixture (errors and warnings about the fixture's own files).
fn diagnostics(case: &str) -> (String, usize) {
    let dir = fixture(case);
    let loaded = content::load(dir.path());
    let shown: String = loaded.diagnostics.iter().filter(|d| d.code != "F003").map(ToString::to_string).collect();
    (shown, loaded.errors())
}

/// A copy of the shipped content with a fixture applied: its files (`dialogues/`, `locales/`,
/// `data/`) laid over the copy, then the edits of its `modif.toml` (what the agent did), each
/// `[[modif]]` naming a `fichier` and either `remplacer` (first occurrence, which must exist)
/// and `par`, or `ajouter` (text added at the end; the file is created if needed).
pub fn fixture(case: &str) -> tempfile::TempDir {
    let case_dir = support::root().join("tests/fixtures/broken").join(case);
    let overlay = tempfile::tempdir().unwrap();
    for sub in ["dialogues", "locales", "data"] {
        if case_dir.join(sub).is_dir() {
            support::copy_dir(&case_dir.join(sub), &overlay.path().join(sub));
        }
    }
    let dir = support::content_with(overlay.path());
    if let Ok(text) = std::fs::read_to_string(case_dir.join("modif.toml")) {
        let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{case}/modif.toml: {e}"));
        for m in table["modif"].as_array().expect("[[modif]]") {
            let file = m["fichier"].as_str().expect("fichier");
            let path = dir.path().join(file);
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            let new = if let Some(add) = m.get("ajouter").and_then(toml::Value::as_str) {
                format!("{old}{add}")
            } else {
                let from = m["remplacer"].as_str().expect("remplacer");
                let to = m["par"].as_str().expect("par");
                assert!(old.contains(from), "{case}: « {from} » not found in {file}: the fixture drifted");
                old.replacen(from, to, 1)
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap();
            }
            std::fs::write(&path, new).unwrap();
        }
    }
    dir
}

/// What `check` tells the agent about a fixture: every diagnostic, the records « à compléter »
/// of the fixture's own files, and the count.
fn agent_report(case: &str) -> (String, usize, usize) {
    let dir = fixture(case);
    let loaded = content::load(dir.path());
    let mut shown: String = loaded.diagnostics.iter().filter(|d| d.code != "F003").map(ToString::to_string).collect();
    for (path, line, nom) in &loaded.a_completer {
        if path.to_string_lossy().contains("zz-") {
            shown.push_str(&format!("à compléter : {}:{line}: {nom}\n", path.display()));
        }
    }
    // F003 (messages not translated into English) is about every new message: left out.
    let warnings = loaded.diagnostics.iter().filter(|d| !d.is_error() && d.code != "F003").count();
    shown.push_str(&format!("{} erreur(s), {warnings} avertissement(s)\n", loaded.errors()));
    (shown, loaded.errors(), warnings)
}

/// Words of Rust, serde or the TOML parser that an agent must never read.
const FOREIGN: &[&str] = &[
    "expected",
    "invalid",
    "missing",
    "found",
    "i64",
    "u32",
    "usize",
    "sequence",
    "string",
    "integer",
    "struct",
    "array",
    "comma",
    "unclosed",
    "unexpected",
    "variant",
    "Error",
    "panicked",
];

macro_rules! agent {
    ($name:ident, $case:literal, errors = $e:literal, warnings = $w:literal) => {
        #[test]
        fn $name() {
            let (shown, errors, warnings) = agent_report($case);
            insta::assert_snapshot!(concat!("agent-", $case), shown);
            assert_eq!((errors, warnings), ($e, $w), "{shown}");
            // The messages and hints (not the quoted lines of the files).
            let messages: Vec<&str> = shown
                .lines()
                .filter(|l| l.contains("erreur[") || l.contains("avertissement[") || l.trim_start().starts_with('='))
                .collect();
            for l in &messages {
                let words: Vec<&str> = l.split(|c: char| !c.is_alphanumeric()).collect();
                assert!(!FOREIGN.iter().any(|w| words.contains(w)), "a word of Rust or serde in: {l}");
            }
        }
    };
}

// The six mistakes of issue 18.
agent!(renamed_slot_is_refused, "slot-renomme", errors = 1, warnings = 0);
agent!(renamed_role_is_refused, "role-renomme", errors = 1, warnings = 0);
agent!(an_answer_nothing_reads_warns, "reponse-inutilisee", errors = 0, warnings = 1);
agent!(beneficiaires_without_a_question_is_refused, "beneficiaires-sans-question", errors = 1, warnings = 0);
agent!(settings_without_effect_are_refused, "reglage-sans-effet", errors = 2, warnings = 0);
agent!(unclosed_bracket_is_one_error_where_it_opens, "crochet-non-ferme", errors = 1, warnings = 0);
agent!(number_in_quotes_in_french, "nombre-entre-guillemets", errors = 1, warnings = 0);
agent!(typo_at_the_definition, "id-mal-ecrit-a-la-definition", errors = 1, warnings = 0);
agent!(statut_typo_at_the_definition, "statut-mal-ecrit-a-la-definition", errors = 1, warnings = 0);
// More mistakes an agent makes.
agent!(accented_key, "cle-accentuee", errors = 1, warnings = 0);
agent!(french_date, "date-mal-ecrite", errors = 1, warnings = 0);
agent!(date_without_quotes, "date-sans-guillemets", errors = 1, warnings = 0);
agent!(email_with_a_space_and_short_phone, "courriel-avec-espace", errors = 2, warnings = 0);
agent!(duplicate_choice, "choix-en-double", errors = 1, warnings = 0);
agent!(condition_on_a_statut_never_offered, "condition-statut-inconnu", errors = 1, warnings = 0);
agent!(yes_no_condition_misspelled, "oui-non-mal-ecrit", errors = 1, warnings = 0);
agent!(nature_misspelled, "nature-mal-ecrite", errors = 1, warnings = 0);
agent!(tab_in_fluent, "tabulation-fluent", errors = 1, warnings = 0);
agent!(empty_contact_is_no_contact, "contact-vide", errors = 1, warnings = 0);
agent!(unknown_fluent_variable, "variable-fluent-inconnue", errors = 1, warnings = 0);
agent!(admin_command_in_two_words, "commande-en-deux-mots", errors = 1, warnings = 0);
agent!(a_role_results_need_is_missing, "role-etape-oublie", errors = 1, warnings = 0);
agent!(a_role_the_demand_needs_is_missing, "role-contact-oublie", errors = 1, warnings = 0);

#[test]
fn every_fixture_is_tested() {
    let this = include_str!("check.rs");
    for e in std::fs::read_dir(support::root().join("tests/fixtures/broken")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(this.contains(&format!("\"{name}\"")), "fixture {name} has no test");
    }
}

macro_rules! broken {
    ($name:ident, $case:literal, $first:literal) => {
        #[test]
        fn $name() {
            let (shown, errors) = diagnostics($case);
            assert!(shown.starts_with($first), "expected to start with {:?}:\n{shown}", $first);
            insta::assert_snapshot!($case, shown);
            if $case != "noeud-inatteignable" {
                assert!(errors > 0, "{shown}");
            }
        }
    };
}

broken!(toml_syntax_error, "toml-syntaxe", "data/dispositifs/zz-essai.toml:3:36: erreur[T001]");
broken!(unknown_field_suggests, "champ-inconnu", "data/dispositifs/zz-essai.toml:3:1: erreur[T002]");
broken!(unknown_actor_and_theme, "acteur-inconnu", "data/dispositifs/zz-essai.toml:6:13: erreur[C002]");
broken!(duplicate_id, "id-duplique", "data/dispositifs/zz-essai.toml:2:6: erreur[C001]");
broken!(no_contact_no_source, "sans-contact", "data/dispositifs/zz-essai.toml:1:1: erreur[C009]");
broken!(contact_without_source, "contact-sans-source", "data/acteurs/zz-essai.toml:2:6: erreur[C008]");
broken!(fluent_syntax_and_duplicate, "fluent-syntaxe", "locales/fr/zz-essai.ftl:3:1: erreur[F001]");
broken!(unknown_node, "noeud-inconnu", "dialogues/orientation.toml:26:8: erreur[D003]");
broken!(unknown_fluent_id, "fluent-inconnu", "dialogues/orientation.toml:22:7: erreur[F002]");
broken!(bad_condition, "condition-illisible", "dialogues/orientation.toml:55:10: erreur[D011]");
broken!(unreachable_node, "noeud-inatteignable", "dialogues/orientation.toml:105:6: avertissement[D007]");
broken!(unknown_answer_kind, "reponse-inconnue", "dialogues/orientation.toml:35:10: erreur[D004]");

#[test]
fn check_exits_1_on_errors_and_names_the_file() {
    let overlay = support::root().join("tests/fixtures/broken/noeud-inconnu");
    let dir = support::content_with(&overlay);
    let out =
        Command::new(env!("CARGO_BIN_EXE_aiguilleur")).args(["check", "--content"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("vouliez-vous dire « population » ?"), "{stdout}");
    assert!(stdout.contains("contenu refusé"), "{stdout}");
    // The errors alone: no list of records to re-check or to complete to bury them.
    assert!(!stdout.contains("Fiches à"), "{stdout}");
}

#[test]
fn chat_refuses_broken_content_with_the_diagnostics() {
    let overlay = support::root().join("tests/fixtures/broken/acteur-inconnu");
    let dir = support::content_with(&overlay);
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["chat", "--db", ":memory:", "--content"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("erreur[C002]"), "{stderr}");
}

broken!(list_announced_without_choices, "liste-annoncee", "dialogues/orientation.toml:21:6: erreur[D030]");

fn check_at(content: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .arg("check")
        .args(args)
        .arg("--content")
        .arg(content)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn records_to_recheck_are_listed_with_their_reason_and_strict_fails_on_them() {
    let root = support::root();
    let (code, stdout) = check_at(&root, &["--date", "2027-01-15"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("Fiches à revérifier au 2027-01-15"), "{stdout}");
    // Expired: the Petites centralités agreement covered 2022-2026.
    let pc = stdout.lines().find(|l| l.contains("Petites centralités")).expect("Petites centralités listed");
    assert!(pc.contains("validité dépassée (valable jusqu'au 2026-12-31)"), "{pc}");
    assert!(pc.contains("jamais vérifiée"), "{pc}");
    assert!(pc.contains("vieille de 34 mois (plus de 18)"), "{pc}");
    assert!(pc.starts_with("  data/dispositifs/departement.toml:"), "{pc}");
    // A yearly call of 2024.
    let detr = stdout.lines().find(|l| l.contains("(DETR)")).expect("DETR listed");
    assert!(detr.contains("appel annuel : l'information valait pour 2024"), "{detr}");
    // The programme table, one line per list.
    let pvd = stdout.lines().find(|l| l.contains("Petites villes de demain : 37 commune(s)")).expect("PVD rows");
    assert!(pvd.contains("data/statuts-communes.csv:"), "{pvd}");
    assert!(pvd.contains("validité dépassée"), "{pvd}");

    let (code, stdout) = check_at(&root, &["--strict", "--date", "2027-01-15"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("à revérifier : refusé avec --strict"), "{stdout}");

    // Before the source's date nothing is old yet, but nothing was ever verified either.
    let (code, stdout) = check_at(&root, &["--strict", "--date", "2024-04-01"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(!stdout.contains("validité dépassée"), "{stdout}");
    assert!(stdout.contains("jamais vérifiée"), "{stdout}");

    let (code, _) = check_at(&root, &["--date", "2027-02-30"]);
    assert_eq!(code, Some(2));
}

#[test]
fn strict_passes_once_every_record_is_checked() {
    // An agent checks everything in December 2026: each record gets its « verifie_le ».
    let dir = support::content_copy();
    let mut files = vec![];
    for sub in ["data", "data/dispositifs", "data/acteurs"] {
        for e in std::fs::read_dir(dir.path().join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    for p in files {
        let text = std::fs::read_to_string(&p).unwrap();
        let text = text
            .lines()
            .map(|l| {
                if l.starts_with("source_date = ") { format!("{l}\nverifie_le = \"2026-12-01\"") } else { l.to_owned() }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&p, text).unwrap();
    }
    let table = dir.path().join("data/statuts-communes.csv");
    let rows: Vec<aiguilleur::catalogue::programmes::Row> =
        aiguilleur::catalogue::programmes::parse_table(&std::fs::read_to_string(&table).unwrap())
            .unwrap()
            .into_iter()
            .map(|mut r| {
                r.verifie_le = "2026-12-01".into();
                r
            })
            .collect();
    std::fs::write(&table, aiguilleur::catalogue::programmes::write_table(&rows)).unwrap();

    let (code, stdout) = check_at(dir.path(), &["--strict", "--date", "2026-12-15"]);
    // Sigles carry no dates; acteurs and dispositifs all do.
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 fiche(s) à revérifier"), "{stdout}");
    // A month later the programmes of 2020-2026 and the yearly calls of 2026 are over.
    let (code, stdout) = check_at(dir.path(), &["--strict", "--date", "2027-01-15"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("appel annuel : l'information valait pour 2026"), "{stdout}");
    assert!(!stdout.contains("jamais vérifiée"), "{stdout}");
}

#[test]
fn typography_before_colons_is_checked_in_what_the_bot_says() {
    let root = support::root();
    let text = std::fs::read_to_string(root.join("locales/fr/bot.ftl")).unwrap();
    let broken =
        text.replace("retour-ok = D'accord, revenons en arrière.", "retour-ok = D'accord : revenons en arrière !");
    assert_ne!(broken, text);
    let loaded = content::load_with(&root, &[("locales/fr/bot.ftl", &broken)]);
    let t010: Vec<String> = loaded.diagnostics.iter().filter(|d| d.code == "T010").map(ToString::to_string).collect();
    assert_eq!(t010.len(), 2, "{t010:?}");
    assert!(t010[0].contains("avertissement[T010]"), "{}", t010[0]);
    assert!(t010[0].contains("espace fine insécable attendue avant « : »"), "{}", t010[0]);
    // The shipped content has none.
    let shipped = content::load(&root);
    assert!(!shipped.diagnostics.iter().any(|d| d.code == "T010"), "{:?}", shipped.diagnostics);
}
broken!(
    commune_outside_the_manche_checked,
    "commune-hors-manche-mal-ecrite",
    "data/communes-hors-manche.csv:4:1: erreur[K003]"
);

/// A fenced block of the guide: its info string (after the backticks) and its text, without
/// the indentation of the fence.
struct Block {
    info: String,
    text: String,
}

fn fenced_blocks(markdown: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else { continue };
        let indent = line.len() - line.trim_start().len();
        let mut text = String::new();
        for l in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            let cut = l.len() - l.trim_start().len();
            text.push_str(&l[cut.min(indent)..]);
            text.push('\n');
        }
        out.push(Block { info: info.trim().to_owned(), text });
    }
    out
}

/// Whether `check`'s output shows `expected`: each line, `…` standing for any text.
fn shows(output: &str, expected: &str) -> Result<(), String> {
    for want in expected.lines().filter(|l| !l.trim().is_empty()) {
        let found = output.lines().any(|l| {
            let l = l.trim_end();
            if !want.contains('…') {
                return l == want.trim_end();
            }
            let mut rest = l;
            want.split('…').all(|part| match rest.find(part.trim_end_matches(' ').trim_start_matches(' ')) {
                Some(i) => {
                    rest = &rest[i + part.trim().len()..];
                    true
                }
                None => false,
            })
        });
        if !found {
            return Err(format!("line « {want} » not shown by check"));
        }
    }
    let errors = |t: &str| t.lines().filter(|l| l.contains(": erreur[")).count();
    if errors(output) != errors(expected) {
        return Err(format!("{} error(s) shown, {} in the guide", errors(output), errors(expected)));
    }
    Ok(())
}

/// The worked example of dialogues/LISEZMOI.md, applied to a copy of the content: every edit,
/// every `check` output it shows (compared with the program's), and its conversation.
#[test]
fn the_guide_worked_example_runs() {
    let guide = std::fs::read_to_string(support::root().join("dialogues/LISEZMOI.md")).unwrap();
    let dir = support::content_copy();
    let (mut edits, mut checks, mut conversations) = (0, 0, 0);
    let mut to_undo: Vec<(std::path::PathBuf, String)> = vec![];
    for b in fenced_blocks(&guide) {
        let attrs: Vec<&str> = b.info.split_whitespace().skip(1).collect();
        let trial = attrs.contains(&"essai");
        for a in &attrs {
            if let Some(file) = a.strip_prefix("ajouter=") {
                let path = dir.path().join(file);
                let mut text = std::fs::read_to_string(&path).unwrap_or_default();
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&b.text);
                std::fs::write(&path, text).unwrap();
                edits += 1;
            } else if let Some(file) = a.strip_prefix("remplacer=") {
                let path = dir.path().join(file);
                let text = std::fs::read_to_string(&path).unwrap();
                let (before, after) = b.text.split_once("# après :\n").expect("« # après : » in a replacement");
                let before = before.strip_prefix("# avant :\n").expect("« # avant : » first");
                assert!(text.contains(before), "the guide replaces in {file} text it does not hold:\n{before}");
                if trial {
                    to_undo.push((path.clone(), text.clone()));
                }
                std::fs::write(&path, text.replacen(before, after, 1)).unwrap();
                edits += 1;
            } else if let Some(file) = a.strip_prefix("conversation=") {
                let path = dir.path().join(file);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &b.text).unwrap();
                conversations += 1;
            } else if *a == "check" {
                let (_, out) = check_at(dir.path(), &[]);
                if let Err(e) = shows(&out, &b.text) {
                    panic!("check block {} of the guide: {e}\n--- check says:\n{out}", checks + 1);
                }
                checks += 1;
                for (path, text) in to_undo.drain(..) {
                    std::fs::write(path, text).unwrap();
                }
            }
        }
    }
    assert!(
        edits >= 8 && checks >= 4 && conversations >= 1,
        "{edits} edits, {checks} checks, {conversations} conversations"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["test-dialogues", "--content"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{conversations} passed, 0 failed")), "{stdout}");
}

/// Every condition of a dispositif that the guide documents (table « Les conditions, et la
/// question qui les nourrit ») is applied by the matching: a profile that breaks it is refused,
/// one that meets it is not.
#[test]
fn every_documented_condition_is_enforced_by_matching() {
    use aiguilleur::catalogue::Profil;
    use aiguilleur::catalogue::matching::evaluate;

    let guide = std::fs::read_to_string(support::root().join("dialogues/LISEZMOI.md")).unwrap();
    let table = guide.split("#### Les conditions, et la question qui les nourrit").nth(1).expect("the table");
    let documented: Vec<String> = table
        .lines()
        .skip_while(|l| !l.starts_with("| condition"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap_or_default()
                .split(',')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(documented.len() >= 6, "{documented:?}");

    let essai = r#"[[dispositif]]
id = "essai-conditions"
nom = "Essai"
resume = "Un essai."
nature = "etude"
contacts = ["prefecture-guichet"]
source = "Essai"
source_date = "2026-11-01"

[dispositif.conditions]
population_min = 100
population_max = 1499
statuts_requis = ["pvd"]
statuts_exclus = ["acv"]
beneficiaires = ["commune", "epci"]
departements = ["50"]
"#;
    let loaded = content::load_with(&support::root(), &[("data/dispositifs/zz-essai.toml", essai)]);
    let c = loaded.content.expect("content with the essai");
    let cat = &c.catalogue;
    let i = cat.dispositifs.iter().position(|d| d.id == "essai-conditions").unwrap();
    let fits = Profil {
        commune: Some("50025".into()),
        population: Some(800),
        statuts: Some(vec!["pvd".into()]),
        porteur: Some("commune".into()),
        ..Profil::default()
    };
    assert!(evaluate(cat, i, &fits).is_ok(), "{:?}", evaluate(cat, i, &fits));
    for condition in &documented {
        let mut broken = fits.clone();
        match condition.as_str() {
            "population_min" => broken.population = Some(50),
            "population_max" => broken.population = Some(1500),
            "statuts_requis" => broken.statuts = Some(vec![]),
            "statuts_exclus" => broken.statuts = Some(vec!["pvd".into(), "acv".into()]),
            "beneficiaires" => broken.porteur = Some("collectivite".into()),
            "departements" => {
                broken.commune = None;
                broken.hors_manche = Some("14".into());
            }
            other => panic!("the guide documents the condition « {other} », which this test does not know"),
        }
        assert!(evaluate(cat, i, &broken).is_err(), "{condition} not enforced");
    }
}
