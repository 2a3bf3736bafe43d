//! The command line: `chat`, `check`, `test-dialogues`. A contract that scripts rely on.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use aiguilleur::adapters::console;
use aiguilleur::bot::Bot;
use aiguilleur::catalogue::programmes;
use aiguilleur::content::{self, Loaded};
use aiguilleur::driver;
use aiguilleur::saisine;
use aiguilleur::store::SqliteStore;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "aiguilleur", version, about = "Oriente les élus de la Manche vers les dispositifs d'ingénierie")]
struct Cli {
    /// Dossier du contenu (dialogues/, locales/, data/).
    #[arg(long, global = true, value_name = "DIR")]
    content: Option<PathBuf>,
    /// Base SQLite des conversations (`:memory:` pour ne rien garder).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Durée de conservation des conversations inactives, en jours (puis effacées).
    #[arg(long, global = true, env = "AIGUILLEUR_RETENTION_DAYS", default_value_t = aiguilleur::bot::DEFAULT_RETENTION_DAYS)]
    retention_days: u32,
    /// Langue du bot.
    #[arg(long, global = true, default_value = "fr", value_parser = ["fr", "en"])]
    lang: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Conversation dans le terminal (une ligne par message si l'entrée n'est pas un terminal).
    Chat,
    /// Vérifie dialogues/, locales/ et data/ : erreurs au format fichier:ligne:colonne ; liste
    /// les fiches à revérifier (validité dépassée, jamais vérifiées, trop anciennes).
    Check {
        /// Échoue aussi quand des fiches sont à revérifier (pour une vérification bloquante).
        #[arg(long)]
        strict: bool,
        /// Date du jour pour le calcul des âges (AAAA-MM-JJ ; par défaut : aujourd'hui).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        date: Option<String>,
    },
    /// Tableau des programmes par commune (data/statuts-communes.csv).
    #[command(subcommand)]
    Programmes(ProgrammesCommand),
    /// Rejoue les conversations de référence (tests/conversations/ par défaut).
    TestDialogues {
        /// Dossier des transcriptions.
        dir: Option<PathBuf>,
    },
    /// Rejoue le jeu d'évaluation des questions (tests/questions/ par défaut) : justes, « je ne
    /// sais pas » honnêtes, fausses.
    Eval {
        /// Dossier des questions.
        dir: Option<PathBuf>,
        /// Liste aussi les « je ne sais pas ».
        #[arg(long)]
        detail: bool,
        /// Balaye les seuils de confiance de la recherche et affiche le résultat de chacun.
        #[arg(long)]
        seuils: bool,
        /// Montre comment une question est lue (termes, meilleurs résultats, couverture).
        #[arg(long, value_name = "QUESTION")]
        expliquer: Option<String>,
    },
    /// Charge simulée : N conversations simultanées à travers le cœur et la base (WAL).
    Bench {
        /// Nombre de conversations simultanées.
        #[arg(long, default_value_t = 1000)]
        sessions: usize,
        /// Taille d'un catalogue synthétique (même distribution que le catalogue livré).
        #[arg(long, value_name = "M")]
        catalogue_size: Option<usize>,
        /// Affiche aussi le temps moyen de chaque message du scénario, du plus lent au plus rapide.
        #[arg(long)]
        detail: bool,
    },
    /// Exporte les réponses d'un questionnaire (par exemple `aiguilleur leviers --csv`) : une
    /// ligne par collectivité et par élément, sans donnée personnelle.
    #[command(external_subcommand)]
    Questionnaire(Vec<String>),
    /// Vérifie l'installation avant la mise en service : contenu, base, secrets, serveurs (✔/✘ et la correction).
    Doctor {
        /// Fichier de configuration (aiguilleur.toml).
        #[arg(long, value_name = "FICHIER")]
        config: Option<PathBuf>,
    },
    /// Les demandes transmises au guichet unique et leur état (référence, date, commune, thème,
    /// étape, état, envoyée le), sans donnée personnelle.
    Demandes {
        /// Écrit un CSV (séparateur virgule, en-tête) plutôt qu'un tableau.
        #[arg(long)]
        csv: bool,
        /// Seulement les demandes faites ce jour-là ou après (AAAA-MM-JJ).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        depuis: Option<String>,
        /// Seulement celles dans cet état : en-attente, envoyee, echec, manuelle, annulee.
        #[arg(long, value_name = "ETAT")]
        statut: Option<String>,
    },
    /// Statistiques anonymes par semaine ISO (conversations, résultats, demandes ; par thème,
    /// étape, besoin, tranche de population, programme, EPCI, commune, transport ; dispositifs
    /// proposés, fiches ouvertes). Sans identifiant ni texte tapé.
    Stats {
        /// Première date comptée (AAAA-MM-JJ ; sa semaine entière ; par défaut : la première semaine comptée).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        depuis: Option<String>,
        /// Dernière date comptée (AAAA-MM-JJ ; sa semaine entière ; par défaut : aujourd'hui).
        #[arg(long = "jusqu-au", value_name = "AAAA-MM-JJ")]
        jusqu_au: Option<String>,
        /// Écrit le tableau en CSV (semaine,dimension,valeur,libelle,nombre) dans FICHIER.
        #[arg(long, value_name = "FICHIER")]
        csv: Option<PathBuf>,
        /// Dessine les graphiques (thèmes par semaine, étapes, tranches de population) en SVG dans FICHIER.
        #[arg(long, value_name = "FICHIER")]
        svg: Option<PathBuf>,
    },
    /// Questions restées sans réponse, regroupées par ressemblance, les plus fréquentes d'abord.
    SansReponse {
        /// Formulations voisines montrées par groupe.
        #[arg(long, default_value_t = 3)]
        variantes: usize,
    },
    /// Sauvegarde la base des conversations (--db) dans FICHIER, même bot en marche.
    Sauvegarde {
        /// Fichier de la copie (remplacé s'il existe).
        fichier: PathBuf,
    },
    /// Remplace la base des conversations (--db) par la sauvegarde FICHIER (bot arrêté).
    Restaure {
        /// Fichier d'une sauvegarde faite par `aiguilleur sauvegarde`.
        fichier: PathBuf,
    },
    /// Le bot sur Matrix / Tchap (configuration : fichier et variables d'environnement, voir le README).
    #[cfg(feature = "matrix")]
    Matrix {
        /// Fichier de configuration (aiguilleur.toml).
        #[arg(long, value_name = "FICHIER")]
        config: Option<PathBuf>,
    },
    /// Le bot sur Discord (jeton : variable DISCORD_TOKEN ou fichier, voir le README).
    #[cfg(feature = "discord")]
    Discord {
        /// Fichier de configuration (aiguilleur.toml).
        #[arg(long, value_name = "FICHIER")]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ProgrammesCommand {
    /// Remplace les lignes d'un programme par celles d'une liste nationale (fichier CSV de data.gouv.fr).
    Importer {
        /// La liste nationale, telle que publiée (par exemple liste-pvd-com2025-20260427.csv).
        fichier: PathBuf,
        /// Statut des lignes (identifiant de data/statuts.toml : pvd, acv, vda, ti…).
        #[arg(long)]
        programme: String,
        /// Colonne du code INSEE de la commune.
        #[arg(long, default_value = aiguilleur::catalogue::programmes::DEFAULT_INSEE_COLUMN)]
        colonne_insee: String,
        /// Colonne de la date de signature (prise si le fichier l'a).
        #[arg(long, default_value = aiguilleur::catalogue::programmes::DEFAULT_DATE_COLUMN)]
        colonne_date: String,
        /// Séparateur des colonnes (par défaut : deviné sur la ligne d'en-tête).
        #[arg(long)]
        separateur: Option<char>,
        /// Qui publie la liste, tel que le bot le dit après « la liste de ».
        #[arg(long, default_value = aiguilleur::catalogue::programmes::DEFAULT_EDITEUR)]
        editeur: String,
        /// Texte de la colonne source (par défaut : « ANCT, » et le nom du fichier) ; mettez-y l'adresse de la page.
        #[arg(long)]
        source: Option<String>,
        /// Date de la liste (AAAA-MM-JJ ; par défaut : la date qui termine le nom du fichier).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        date_source: Option<String>,
    },
}

fn main() -> ExitCode {
    // matrix-sdk logs harmless 404s at error level on a first start ("Account data not found"):
    // its HTTP and sync internals stay quiet unless asked for.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AIGUILLEUR_LOG")
                .unwrap_or_else(|_| "warn,matrix_sdk::http_client=off,matrix_sdk::sync=off".into()),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let root = cli.content.clone().unwrap_or_else(aiguilleur::disk::default_root);
    match run(&cli, &root) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aiguilleur : {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, root: &std::path::Path) -> anyhow::Result<ExitCode> {
    // These do not serve the content: no need to load it first.
    match &cli.command {
        Command::Doctor { config } => {
            let opts = aiguilleur::doctor::Options {
                config: config.clone(),
                content_root: root.to_path_buf(),
                db: cli.db.clone(),
            };
            let failures = aiguilleur::doctor::run(&opts, &mut |l| println!("{l}"));
            if failures == 0 {
                println!("Tout est prêt.");
                return Ok(ExitCode::SUCCESS);
            }
            println!("{failures} vérification(s) en échec.");
            return Ok(ExitCode::FAILURE);
        }
        Command::Sauvegarde { fichier } => {
            let db = cli.db.clone().unwrap_or_else(default_db);
            let s = aiguilleur::backup::sauvegarde(&db, fichier)?;
            println!("Sauvegarde de {} dans {} : {s}.", db.display(), fichier.display());
            return Ok(ExitCode::SUCCESS);
        }
        Command::Restaure { fichier } => {
            let db = cli.db.clone().unwrap_or_else(default_db);
            let s = aiguilleur::backup::restaure(fichier, &db)?;
            println!("Base {} restaurée depuis {} : {s}.", db.display(), fichier.display());
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let loaded = content::load(root);
    match &cli.command {
        Command::Check { strict, date } => {
            let today = match date {
                Some(d) => aiguilleur::catalogue::freshness::Day::parse(d)
                    .ok_or_else(|| anyhow::anyhow!("date « {d} » invalide : écrivez AAAA-MM-JJ"))?,
                None => aiguilleur::catalogue::freshness::Day::from_unix(aiguilleur::adapters::now()),
            };
            Ok(check(&loaded, today, *strict))
        }
        Command::Programmes(ProgrammesCommand::Importer {
            fichier,
            programme,
            colonne_insee,
            colonne_date,
            separateur,
            editeur,
            source,
            date_source,
        }) => {
            let options = programmes::Options {
                statut: programme.clone(),
                insee_column: colonne_insee.clone(),
                date_column: colonne_date.clone(),
                separator: separateur.map(|c| u8::try_from(c).unwrap_or(b',')),
                editeur: editeur.clone(),
                source: String::new(),
                source_date: String::new(),
                departement: aiguilleur::catalogue::communes::MANCHE.to_owned(),
            };
            import_programme(root, &loaded, fichier, options, source.as_deref(), date_source.as_deref())
        }
        Command::Chat => {
            let content = usable(loaded)?;
            let db = cli.db.clone().unwrap_or_else(default_db);
            let store = SqliteStore::open(&db)?;
            let guichet = aiguilleur::render::guichet_email(&content).unwrap_or_default().to_owned();
            let reglages = saisine::Reglages::read(&saisine::Section::default(), &guichet)?;
            let mut bot = Bot::new(content, store, &cli.lang)
                .with_retention_days(cli.retention_days)
                .with_saisine(reglages.saisine.clone());
            bot.purge_idle(driver::now())?;
            let driver = driver::Driver::new(bot, root.to_path_buf(), vec![console::user()]);
            // Demands confirmed here (and those left pending by an earlier run) leave by email.
            let envoyeur = match &reglages.smtp {
                Some(smtp) => Some(saisine::Envoyeur::spawn(Arc::clone(driver.bot()), saisine::Mailer::new(smtp)?)),
                None => None,
            };
            let result = console::run(&driver);
            if let Some(e) = envoyeur {
                e.stop();
            }
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demandes { csv, depuis, statut } => {
            let content = usable(loaded)?;
            let since = match depuis {
                Some(d) => aiguilleur::catalogue::freshness::Day::parse(d)
                    .ok_or_else(|| anyhow::anyhow!("date « {d} » invalide : écrivez AAAA-MM-JJ"))?
                    .to_unix(),
                None => 0,
            };
            let statut = match statut {
                Some(s) => Some(aiguilleur::store::DemandeStatut::parse(s).ok_or_else(|| {
                    anyhow::anyhow!("état « {s} » inconnu : en-attente, envoyee, echec, manuelle ou annulee")
                })?),
                None => None,
            };
            let db = cli.db.clone().unwrap_or_else(default_db);
            let mut store = SqliteStore::open(&db)?;
            let rows: Vec<_> = aiguilleur::store::Store::demandes(&mut store, since)?
                .into_iter()
                .filter(|r| statut.is_none_or(|s| r.statut == s))
                .collect();
            print!("{}", saisine::listing(&content, &cli.lang, &rows, *csv)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { sessions, catalogue_size, detail } => {
            let content = aiguilleur::loadtest::content(root, *catalogue_size)?;
            let tmp;
            let db = match &cli.db {
                Some(p) => p.clone(),
                None => {
                    tmp = tempfile_dir()?;
                    tmp.join("bench.sqlite")
                }
            };
            let store = SqliteStore::open(&db)?;
            let mut bot = Bot::new(content, store, &cli.lang);
            let report = aiguilleur::loadtest::run(&mut bot, *sessions)?;
            println!("store: sqlite {}", db.display());
            println!("{report}");
            if *detail {
                for (text, us) in &report.by_message {
                    println!("  {us:>9.1} µs  {text}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        #[cfg(feature = "matrix")]
        Command::Matrix { config } => {
            serve(cli, root, loaded, config.as_deref(), |c| aiguilleur::adapters::matrix::run(c, config.clone()))
        }
        #[cfg(feature = "discord")]
        Command::Discord { config } => {
            serve(cli, root, loaded, config.as_deref(), |c| aiguilleur::adapters::discord::run(c, config.clone()))
        }
        Command::Eval { dir, detail, seuils, expliquer } => {
            let Some(mut content) = loaded.content else {
                let today = aiguilleur::catalogue::freshness::Day::from_unix(aiguilleur::adapters::now());
                return Ok(check(&loaded, today, false));
            };
            if let Some(q) = expliquer {
                print!("{}", aiguilleur::eval::explain(&content, q));
                return Ok(ExitCode::SUCCESS);
            }
            let dir = dir.clone().unwrap_or_else(|| root.join("tests/questions"));
            let questions = aiguilleur::eval::load(&dir).map_err(anyhow::Error::msg)?;
            if *seuils {
                print!("{}", aiguilleur::eval::sweep(&mut content, &questions));
                return Ok(ExitCode::SUCCESS);
            }
            let report = aiguilleur::eval::run(&content, &questions);
            print!("{}", aiguilleur::eval::render(&report, *detail));
            Ok(if report.meets_goal() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Questionnaire(args) => {
            let content = usable(loaded)?;
            let name = args.first().cloned().unwrap_or_default();
            let dialogue = content
                .dialogues
                .get(&name)
                .filter(|_| aiguilleur::export::exportable(&content).contains(&name.as_str()));
            let Some(dialogue) = dialogue else {
                anyhow::bail!(
                    "commande inconnue « {name} » (questionnaires exportables : {}) ; `aiguilleur --help` liste les commandes",
                    aiguilleur::export::exportable(&content).join(", ")
                );
            };
            // The common options may come after the questionnaire's name too.
            let mut db = cli.db.clone();
            let mut rest = args.iter().skip(1);
            while let Some(a) = rest.next() {
                match a.as_str() {
                    "--csv" => {}
                    "--db" => db = rest.next().map(PathBuf::from),
                    other if other.starts_with("--db=") => db = Some(PathBuf::from(&other[5..])),
                    other => anyhow::bail!(
                        "option inconnue « {other} » : `aiguilleur {name} --csv [--db FICHIER]` écrit le CSV sur la sortie standard"
                    ),
                }
            }
            let db = db.unwrap_or_else(default_db);
            let mut store = SqliteStore::open(&db)?;
            let sessions = aiguilleur::store::Store::sessions(&mut store)?;
            let out = aiguilleur::export::csv(&content, dialogue, &sessions)?.unwrap_or_default();
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { depuis, jusqu_au, csv, svg } => {
            let content = usable(loaded)?;
            let day = |d: &Option<String>| -> anyhow::Result<Option<i64>> {
                d.as_deref()
                    .map(|d| {
                        aiguilleur::catalogue::freshness::Day::parse(d)
                            .map(aiguilleur::catalogue::freshness::Day::to_unix)
                            .ok_or_else(|| anyhow::anyhow!("date « {d} » invalide : écrivez AAAA-MM-JJ"))
                    })
                    .transpose()
            };
            let to = aiguilleur::stats::iso_week(day(jusqu_au)?.unwrap_or_else(driver::now));
            let db = cli.db.clone().unwrap_or_else(default_db);
            let mut store = SqliteStore::open(&db)?;
            let from = match day(depuis)? {
                Some(t) => aiguilleur::stats::iso_week(t),
                None => aiguilleur::store::Store::counts(&mut store, "", &to)?
                    .first()
                    .map_or_else(|| to.clone(), |c| c.week.clone()),
            };
            let counts = aiguilleur::store::Store::counts(&mut store, &from, &to)?;
            let report = aiguilleur::stats::report::build(&content, &counts, &from, &to);
            print!("{}", report.table());
            if let Some(path) = csv {
                std::fs::write(path, report.csv()?)?;
                println!("\nCSV écrit dans {}", path.display());
            }
            if let Some(path) = svg {
                std::fs::write(path, aiguilleur::stats::chart::svg(&report).map_err(anyhow::Error::msg)?)?;
                println!("Graphiques écrits dans {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::SansReponse { variantes } => {
            let content = usable(loaded)?;
            let db = cli.db.clone().unwrap_or_else(default_db);
            let mut store = SqliteStore::open(&db)?;
            let questions = aiguilleur::store::Store::unanswered(&mut store)?;
            let groups = aiguilleur::stats::unanswered::group(&content.vocab, &questions);
            print!("{}", aiguilleur::stats::unanswered::render(&groups, *variantes));
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor { .. } | Command::Sauvegarde { .. } | Command::Restaure { .. } => unreachable!("handled above"),
        Command::TestDialogues { dir } => {
            let content = usable(loaded)?;
            let dir = dir.clone().unwrap_or_else(|| root.join("tests/conversations"));
            let (total, report, failed) =
                aiguilleur::transcript::replay_dir(&content, &cli.lang, &dir).map_err(anyhow::Error::msg)?;
            print!("{report}");
            println!("{} passed, {failed} failed", total - failed);
            Ok(if failed == 0 && total > 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

/// Runs a long-running transport, on a tokio runtime, until it stops.
#[cfg(feature = "service")]
fn serve<F: std::future::Future<Output = anyhow::Result<()>>>(
    cli: &Cli,
    root: &std::path::Path,
    loaded: Loaded,
    config: Option<&std::path::Path>,
    run: impl FnOnce(driver::Common) -> F,
) -> anyhow::Result<ExitCode> {
    let content = usable(loaded)?;
    let guichet = aiguilleur::render::guichet_email(&content).unwrap_or_default().to_owned();
    let file: saisine::FileSection = aiguilleur::config::read_toml(config)?;
    let common = driver::Common {
        saisine: saisine::Reglages::read(&file.saisine, &guichet)?,
        content,
        content_root: root.to_path_buf(),
        db: cli.db.clone(),
        lang: cli.lang.clone(),
        retention_days: cli.retention_days,
    };
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run(common))?;
    Ok(ExitCode::SUCCESS)
}

/// The content, or the diagnostics and an error when it does not validate.
fn usable(loaded: Loaded) -> anyhow::Result<Arc<content::Content>> {
    for d in &loaded.diagnostics {
        if d.is_error() {
            eprint!("{d}");
        }
    }
    let errors = loaded.errors();
    loaded
        .content
        .map(Arc::new)
        .ok_or_else(|| anyhow::anyhow!("contenu invalide ({errors} erreur(s)) : lancez `aiguilleur check`"))
}

fn check(loaded: &Loaded, today: aiguilleur::catalogue::freshness::Day, strict: bool) -> ExitCode {
    for d in &loaded.diagnostics {
        print!("{d}");
    }
    let recheck = loaded.to_recheck(today);
    let (e, w) = (loaded.errors(), loaded.warnings());
    // Refused content: its errors alone, then the count; the lists of records to re-check or to
    // complete would bury them (they come back once the errors are fixed).
    if e > 0 {
        println!("{e} erreur(s), {w} avertissement(s) : contenu refusé.");
        return ExitCode::FAILURE;
    }
    if !recheck.is_empty() {
        println!(
            "Fiches à revérifier au {today} ({}) : le bot invite à confirmer auprès du contact ce qui a plus de {} mois ou a dépassé sa validité",
            recheck.len(),
            loaded.max_age_months
        );
        for (r, why) in &recheck {
            let why: Vec<String> = why.iter().map(|s| s.describe(loaded.max_age_months)).collect();
            println!("  {}:{}: {} « {} » : {}", r.path.display(), r.line, r.kind, r.nom, why.join(" ; "));
        }
    }
    if !loaded.a_completer.is_empty() {
        println!(
            "Fiches à compléter ({}) : aucune coordonnée, le bot renvoie vers ingenierie@manche.gouv.fr",
            loaded.a_completer.len()
        );
        for (path, line, nom) in &loaded.a_completer {
            println!("  {}:{line}: {nom}", path.display());
        }
    }
    if strict && !recheck.is_empty() {
        println!(
            "{} fiche(s) à revérifier : refusé avec --strict (mettez à jour la fiche et sa date « verifie_le »).",
            recheck.len()
        );
        ExitCode::FAILURE
    } else {
        if let Some(c) = &loaded.content {
            println!(
                "Contenu valide : {} dispositifs, {} acteurs, {} sigles, {} thèmes, {} communes ; {w} avertissement(s), {} fiche(s) à revérifier.",
                c.catalogue.dispositifs.len(),
                c.catalogue.acteurs.len(),
                c.catalogue.glossaire.len(),
                c.catalogue.themes.len(),
                c.communes.len(),
                recheck.len()
            );
        }
        ExitCode::SUCCESS
    }
}

/// `aiguilleur programmes importer`: the rows of one programme rebuilt from a national list,
/// the other programmes kept; the content is checked again before the file is replaced.
fn import_programme(
    root: &std::path::Path,
    loaded: &Loaded,
    file: &std::path::Path,
    mut options: programmes::Options,
    source: Option<&str>,
    date_source: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some(content) = &loaded.content else {
        anyhow::bail!("contenu invalide ({} erreur(s)) : corrigez-le d'abord (aiguilleur check)", loaded.errors());
    };
    let Some(statut) = content.catalogue.statut(&options.statut) else {
        let known: Vec<&str> = content.catalogue.statuts.iter().map(|s| s.id.as_str()).collect();
        anyhow::bail!("programme « {} » inconnu de data/statuts.toml ; connus : {}", options.statut, known.join(", "));
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    options.source_date = match date_source {
        Some(d) if aiguilleur::catalogue::freshness::Day::parse(d).is_some() => d.to_owned(),
        Some(d) => anyhow::bail!("date « {d} » invalide : écrivez AAAA-MM-JJ"),
        None => programmes::date_from_file_name(&name).ok_or_else(|| {
            anyhow::anyhow!("le nom « {name} » ne se termine pas par une date : donnez --date-source AAAA-MM-JJ")
        })?,
    };
    options.source = source.map_or_else(|| format!("ANCT, {name}"), str::to_owned);
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{} : {e}", file.display()))?;
    let imported = programmes::read_national(&text, &options, &content.communes).map_err(anyhow::Error::msg)?;
    let table_path = root.join("data/statuts-communes.csv");
    let table = std::fs::read_to_string(&table_path).map_err(|e| anyhow::anyhow!("{} : {e}", table_path.display()))?;
    let count = imported.rows.len();
    let (new_table, change) =
        programmes::replace_programme(&table, &options.statut, imported.rows).map_err(anyhow::Error::msg)?;
    // Checked as a whole before it replaces the file: a refused table never reaches the bot.
    let check = content::load_with(root, &[("data/statuts-communes.csv", &new_table)]);
    if check.errors() > 0 {
        for d in check.diagnostics.iter().filter(|d| d.is_error()) {
            eprint!("{d}");
        }
        anyhow::bail!("le tableau obtenu ne passe pas « check » : fichier inchangé");
    }
    std::fs::write(&table_path, new_table).map_err(|e| anyhow::anyhow!("{} : {e}", table_path.display()))?;
    println!(
        "{} ({}) : {count} commune(s) de la Manche, liste du {} (avant : {} ; ajoutée(s) : {} ; retirée(s) : {}).",
        statut.nom,
        options.statut,
        options.source_date,
        change.before,
        if change.added.is_empty() { "aucune".to_owned() } else { change.added.join(" ") },
        if change.removed.is_empty() { "aucune".to_owned() } else { change.removed.join(" ") },
    );
    println!("Fichier lu : {} ligne(s), dont {} hors de la Manche.", imported.lines, imported.elsewhere);
    if !imported.unknown.is_empty() {
        println!(
            "Codes de la Manche absents de data/communes.csv (géographie plus ancienne ?), ignorés : {}",
            imported.unknown.join(" ")
        );
    }
    if imported.bad_dates > 0 {
        println!("{} date(s) de signature illisible(s), laissée(s) vides.", imported.bad_dates);
    }
    println!("{} réécrit ; contenu valide.", table_path.display());
    Ok(ExitCode::SUCCESS)
}

/// A fresh directory for a throw-away benchmark database.
fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("aiguilleur-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The chat's database: `aiguilleur.sqlite` in the data directory.
fn default_db() -> PathBuf {
    driver::data_dir().join("aiguilleur.sqlite")
}
