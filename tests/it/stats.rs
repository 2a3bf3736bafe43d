//! Statistics end to end: a few hundred generated conversations through the bot, then the real
//! `aiguilleur stats --csv --svg` and `aiguilleur sans-reponse` on their base. The CSV must hold
//! exactly the counts the generator knows it produced, and neither the CSV nor the SVG any user
//! id or typed text; the SVG is rendered to a PNG (`rsvg-convert`, Debian package
//! `librsvg2-bin`, installed by `.ci/run`) under `target/stats/` for a person to look at.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use aiguilleur::bot::{Bot, Incoming};
use aiguilleur::catalogue::freshness::Day;
use aiguilleur::reply::Reply;
use aiguilleur::stats::{iso_week, week_start};
use aiguilleur::store::{SqliteStore, Store};

use crate::support::{self, Rng};

const CONVERSATIONS: usize = 300;
const WEEKS: usize = 8;
const FIRST_WEEK: &str = "2026-W36";
const TRANSPORTS: [&str; 3] = ["matrix", "discord", "console"];
/// Questions the catalogue has no answer for (each checked to get « pas trouvé de réponse »).
const ODD_QUESTIONS: [&str; 3] = [
    "quelle est la couleur préférée du préfet ?",
    "combien de moutons paissent au mont Saint-Michel ?",
    "quelle est la couleur préférée du préfet",
];

/// The population band, written here independently of the code under test.
fn band(population: u32) -> &'static str {
    match population {
        0..500 => "moins-500",
        500..1500 => "500-1499",
        1500..3500 => "1500-3499",
        3500..10_000 => "3500-9999",
        _ => "10000-plus",
    }
}

type Key = (String, String, String);

#[test]
fn generated_conversations_are_counted_exactly_and_anonymously() {
    let content = support::content();
    let cat = &content.catalogue;
    // Communes of every band, named without ambiguity; a few of them often (shown by name), the
    // others rarely (folded into « autres communes »).
    let mut by_band: BTreeMap<&str, Vec<&aiguilleur::catalogue::Commune>> = BTreeMap::new();
    let names: Vec<String> = content.communes.manche.iter().map(|c| c.nom.to_lowercase()).collect();
    for c in &content.communes.manche {
        let unique = names.iter().filter(|n| **n == c.nom.to_lowercase()).count() == 1;
        if let Some(p) = c.population
            && unique
            && !c.nom.contains(' ')
        {
            by_band.entry(band(p)).or_default().push(c);
        }
    }
    assert_eq!(by_band.len(), 5, "a commune in every band");
    let communes: Vec<_> = by_band.values().flat_map(|v| v.iter().take(4).copied()).collect();

    // Choices answered by their number, as people do on a phone (the names are long).
    let dialogue = content.main_dialogue();
    let numbered = |role| {
        let (_, node) = dialogue.node_of_role(role).unwrap();
        node.choices.iter().enumerate().map(|(i, c)| ((i + 1).to_string(), c.value.clone())).collect::<Vec<_>>()
    };
    use aiguilleur::dialogue::model::{Role, Value};
    let (themes, etapes, besoins) = (numbered(Role::Themes), numbered(Role::Etape), numbered(Role::Besoin));
    let known = |list: &[(String, String)], ok: &dyn Fn(&str) -> bool| -> Vec<(String, String)> {
        list.iter().filter(|(_, v)| ok(v)).cloned().collect()
    };
    let themes = known(&themes, &|v| cat.theme(v).is_some());
    let etapes = known(&etapes, &|v| cat.etape(v).is_some());
    let besoins = known(&besoins, &|v| cat.besoins.iter().any(|b| b.id == v));
    assert!(themes.len() > 10 && etapes.len() >= 4 && besoins.len() >= 3);

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite");
    let mut bot = Bot::new(content.clone(), SqliteStore::open(&db).unwrap(), "fr");
    let mut rng = Rng(0x57a7_5eed);
    let mut expected: BTreeMap<Key, i64> = BTreeMap::new();
    let mut add = |week: &str, dim: &str, value: &str| {
        *expected.entry((week.to_owned(), dim.to_owned(), value.to_owned())).or_default() += 1;
    };
    let mut commune_totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut odd_asked: BTreeMap<&str, usize> = BTreeMap::new();
    let start = week_start(FIRST_WEEK).unwrap();
    let (mut reached, mut stopped, mut details, mut odd) = (0, 0, 0, 0);
    for c in 0..CONVERSATIONS {
        // Communes: the first of each band half the time (distinct conversations well above the
        // threshold), the others now and then.
        let commune = if rng.below(2) == 0 {
            communes[4 * rng.below(5) % communes.len()]
        } else {
            communes[rng.below(communes.len())]
        };
        let (theme_n, theme) = &themes[rng.below(themes.len())];
        let (etape_n, etape) = &etapes[rng.below(etapes.len())];
        let (besoin_n, besoin) = &besoins[rng.below(besoins.len())];
        let transport = TRANSPORTS[c % TRANSPORTS.len()];
        let at = start + i64::try_from((c % WEEKS) * 7 * 86_400 + rng.below(5) * 86_400 + 9 * 3600).unwrap();
        let week = iso_week(at);
        let user = format!("@maire-{c}:exemple.fr");
        let mut turn = 0;
        let mut say = |bot: &mut Bot<SqliteStore>, text: &str| -> Vec<Reply> {
            turn += 1;
            let msg = Incoming {
                transport: transport.into(),
                user: user.clone(),
                conversation: format!("!salon-{c}"),
                text: text.into(),
                event_id: Some(format!("$ev-{c}-{turn}")),
                now: at + turn,
                sent_at: None,
                reach: None,
            };
            bot.handle(&msg).unwrap()
        };
        add(&week, "conversations", transport);
        let stop_early = rng.below(10) == 0;
        let script = ["bonjour", &commune.nom, "oui", "aucun", theme_n, etape_n, besoin_n];
        let upto = if stop_early { 5 } else { script.len() };
        let mut last = vec![];
        for text in &script[..upto] {
            last = say(&mut bot, text);
        }
        let key = format!("{transport}:!salon-{c}:{user}");
        let session = bot.store_mut().load(&key).unwrap().unwrap();
        assert_eq!(session.slots.get("theme"), Some(&Value::Multi(vec![theme.clone()])), "conversation {c}");
        if stop_early {
            stopped += 1;
            assert!(!last.iter().any(|r| matches!(r, Reply::Resultats { .. })));
        } else {
            let items = last
                .iter()
                .find_map(|r| match r {
                    Reply::Resultats { items, .. } => Some(items.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("conversation {c} ({script:?}) reached no results: {last:?}"));
            reached += 1;
            add(&week, "resultats", transport);
            assert_eq!(session.slots.get("etape"), Some(&Value::Choice(etape.clone())), "conversation {c}");
            assert_eq!(session.slots.get("besoin"), Some(&Value::Choice(besoin.clone())), "conversation {c}");
            add(&week, "theme", theme);
            add(&week, "etape", etape);
            add(&week, "besoin", besoin);
            add(&week, "programme", "aucun");
            add(&week, "tranche", band(commune.population.unwrap()));
            add(&week, "epci", &commune.epci_siren);
            *commune_totals.entry(commune.insee.clone()).or_default() += 1;
            for m in &items {
                add(&week, "dispositif", &m.dispositif);
            }
            if rng.below(3) == 0 {
                let r = say(&mut bot, "détails 1");
                assert!(
                    r.iter().any(|r| matches!(r, Reply::Details { dispositif } if *dispositif == items[0].dispositif))
                );
                add(&week, "details", &items[0].dispositif);
                details += 1;
            }
            // Asked twice in a conversation: counted twice, the profile still once.
            if rng.below(10) == 0 {
                say(&mut bot, "détails 1");
                add(&week, "details", &items[0].dispositif);
                details += 1;
            }
        }
        if rng.below(4) == 0 {
            let q = ODD_QUESTIONS[rng.below(ODD_QUESTIONS.len())];
            let r = say(&mut bot, q);
            assert!(
                r.iter().any(|r| matches!(r, Reply::Say { id, .. } if id == "question-rien")),
                "« {q} » found an answer: {r:?}"
            );
            add(&week, "sans-reponse", transport);
            *odd_asked.entry(q).or_default() += 1;
            odd += 1;
        }
        // Greetings and thanks are no questions, even when the bot finds no answer to them.
        say(&mut bot, "merci");
    }
    drop(bot);
    let mut shown = 0;
    let mut others = 0;
    for (insee, n) in &commune_totals {
        if *n >= aiguilleur::stats::report::COMMUNE_MIN_CONVERSATIONS {
            *expected.entry(("periode".into(), "commune".into(), insee.clone())).or_default() += n;
            shown += 1;
        } else {
            others += n;
        }
    }
    assert!(shown >= 3 && others > 0, "both sides of the threshold: {commune_totals:?}");
    expected.insert(("periode".into(), "commune".into(), "autres".into()), others);
    println!(
        "{CONVERSATIONS} conversations: {reached} with results, {stopped} stopped before, {details} « détails », \
         {odd} questions without an answer; {shown} communes shown, {others} conversations in « autres communes »"
    );

    // The real command line, on the base the bot wrote.
    let (csv, svg) = (dir.path().join("stats.csv"), dir.path().join("stats.svg"));
    let day = |t: i64| Day::from_unix(t).to_string();
    let last_week = week_start(FIRST_WEEK).unwrap() + i64::try_from(WEEKS * 7 * 86_400 - 86_400).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["--content"])
        .arg(support::root())
        .args(["stats", "--depuis", &day(start), "--jusqu-au", &day(last_week), "--csv"])
        .arg(&csv)
        .arg("--svg")
        .arg(&svg)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{table}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(table.contains(&format!("{FIRST_WEEK} ")), "{table}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut found: BTreeMap<Key, i64> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["semaine", "dimension", "valeur", "libelle", "nombre"]
    );
    let mut values = BTreeSet::new();
    for row in reader.records() {
        let row = row.unwrap();
        found.insert((row[0].into(), row[1].into(), row[2].into()), row[4].parse().unwrap());
        values.insert(row[2].to_owned());
    }
    let diff: Vec<_> = expected
        .iter()
        .filter(|(k, n)| found.get(*k) != Some(n))
        .map(|(k, n)| format!("{k:?}: expected {n}, found {:?}", found.get(k)))
        .chain(found.keys().filter(|k| !expected.contains_key(*k)).map(|k| format!("{k:?}: unexpected")))
        .collect();
    assert!(diff.is_empty(), "{} differences:\n{}", diff.len(), diff.join("\n"));

    // Anonymous by construction: every value is an id of the content, a transport or a band.
    let mut known: BTreeSet<String> = TRANSPORTS.iter().map(|t| (*t).to_owned()).collect();
    known.extend(cat.themes.iter().chain(&cat.etapes).map(|t| t.id.clone()));
    known.extend(cat.besoins.iter().map(|b| b.id.clone()));
    known.extend(cat.dispositifs.iter().map(|d| d.id.clone()));
    known.extend(content.communes.manche.iter().flat_map(|c| [c.insee.clone(), c.epci_siren.clone()]));
    known.extend(["aucun", "autres"].map(String::from));
    known.extend(aiguilleur::stats::TRANCHES.iter().map(|(t, _)| (*t).to_owned()));
    let strange: Vec<&String> = values.iter().filter(|v| !known.contains(*v)).collect();
    assert!(strange.is_empty(), "values that are no content id: {strange:?}");
    let drawing = std::fs::read_to_string(&svg).unwrap();
    for (what, doc) in [("CSV", &text), ("SVG", &drawing), ("table", &table)] {
        for secret in ["maire-", "exemple.fr", "salon-", "$ev-", "@"] {
            assert!(!doc.contains(secret), "the {what} holds « {secret} »");
        }
        // Words typed by the people (as words: « commercial » holds no « merci »).
        let words: BTreeSet<String> = doc.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
        for typed in ["couleur", "moutons", "paissent", "préfet", "merci", "bonjour"] {
            assert!(!words.contains(typed), "the {what} holds « {typed} »");
        }
    }
    for title in ["Demande par thème", "Demande par étape du projet", "Demande par tranche de population"] {
        assert!(drawing.contains(title), "{title}");
    }
    render_png(&svg);

    // The questions without an answer, grouped: the two phrasings of the same question are one.
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["--content"])
        .arg(support::root())
        .args(["sans-reponse", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{listed}");
    let couleur = odd_asked[ODD_QUESTIONS[0]] + odd_asked[ODD_QUESTIONS[2]];
    let moutons = odd_asked[ODD_QUESTIONS[1]];
    assert!(listed.starts_with(&format!("{odd} question(s) sans réponse, 2 groupe(s)")), "{listed}");
    let (first, second) = if couleur >= moutons { (couleur, moutons) } else { (moutons, couleur) };
    let counts: Vec<usize> =
        listed.lines().filter_map(|l| l.split_once(" × ").and_then(|(n, _)| n.trim().parse().ok())).collect();
    assert_eq!(counts, [first, second], "{listed}");
    assert!(!listed.contains("merci") && !listed.contains("bonjour"), "{listed}");
}

/// The SVG as a PNG under `target/stats/`, for a person to look at.
fn render_png(svg: &Path) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../stats");
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("statistiques.png");
    let svg_copy = dir.join("statistiques.svg");
    std::fs::copy(svg, &svg_copy).unwrap();
    let status = Command::new("rsvg-convert")
        .arg("-o")
        .arg(&png)
        .arg(svg)
        .status()
        .unwrap_or_else(|e| panic!("rsvg-convert ({e}): install the Debian package librsvg2-bin (.ci/run does)"));
    assert!(status.success(), "rsvg-convert failed");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000, "{} bytes", bytes.len());
    println!("PNG: {}", png.canonicalize().unwrap().display());
}
