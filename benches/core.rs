//! Criterion benchmarks of the core: one turn, a whole conversation, matching (shipped and
//! synthetic catalogues), a quick-question search, content load + validation, rendering, the
//! cost of keeping replies in the store until sent, and the cost of counting statistics.

use std::path::Path;
use std::sync::Arc;

use aiguilleur::bot::{Bot, Incoming};
use aiguilleur::catalogue::Catalogue;
use aiguilleur::catalogue::matching::{Profil, match_profil};
use aiguilleur::content::{self, Content};
use aiguilleur::dialogue::{self, Session};
use aiguilleur::reply::Reply;
use aiguilleur::store::MemoryStore;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

fn content() -> Arc<Content> {
    Arc::new(content::load(Path::new(env!("CARGO_MANIFEST_DIR"))).content.expect("valid content"))
}

const CONVERSATION: &[&str] =
    &["bonjour", "Genêts", "oui", "aucun", "revitaliser le centre-bourg", "on y réfléchit", "conseil", "détails 1"];

/// A session that has answered up to the theme question.
fn at_theme(c: &Content) -> Session {
    let mut s = Session::new("orientation", "fr", &c.version, 0);
    for input in &CONVERSATION[..4] {
        dialogue::step(c, &mut s, input, 0);
    }
    assert_eq!(s.node.as_deref(), Some("theme"));
    s
}

/// A catalogue of `n` dispositifs drawn from the shipped ones (same field distribution).
fn synthetic(base: &Catalogue, n: usize) -> Catalogue {
    let mut cat = base.clone();
    cat.dispositifs = (0..n)
        .map(|i| {
            let mut d = base.dispositifs[i % base.dispositifs.len()].clone();
            d.id = format!("{}-{i}", d.id);
            d
        })
        .collect();
    cat.index();
    cat
}

fn benches(c: &mut Criterion) {
    let content = content();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    c.bench_function("content load + validation", |b| b.iter(|| content::load(root)));

    let session = at_theme(&content);
    c.bench_function("one turn (theme answer)", |b| {
        b.iter_batched(
            || session.clone(),
            |mut s| dialogue::step(&content, &mut s, "on veut refaire la salle des fêtes", 0),
            BatchSize::SmallInput,
        );
    });

    c.bench_function("whole conversation in memory (8 turns, bot + store)", |b| {
        b.iter_batched(
            || Bot::new(Arc::clone(&content), MemoryStore::default(), "fr"),
            |mut bot| {
                for (i, t) in CONVERSATION.iter().enumerate() {
                    let msg = Incoming {
                        transport: "bench".into(),
                        user: "u".into(),
                        conversation: "c".into(),
                        text: (*t).to_owned(),
                        event_id: None,
                        now: i64::try_from(i).unwrap(),
                        sent_at: None,
                        reach: None,
                    };
                    bot.handle(&msg).unwrap();
                }
            },
            BatchSize::SmallInput,
        );
    });

    // The cost of keeping each reply in the store until sent (Matrix, Discord): the same turn on
    // the SQLite file in WAL mode, plain, then with the reply kept in its transaction and deleted
    // once "sent".
    let dir = tempfile::tempdir().unwrap();
    let store = aiguilleur::store::SqliteStore::open(&dir.path().join("bench.sqlite")).unwrap();
    let mut bot = Bot::new(Arc::clone(&content), store, "fr");
    let mut n = 0u64;
    let mut msg = move |text: &str| {
        n += 1;
        Incoming {
            transport: "bench".into(),
            user: "u".into(),
            conversation: "c".into(),
            text: text.to_owned(),
            event_id: Some(format!("$e{n}")),
            now: 1_700_000_000,
            sent_at: None,
            reach: None,
        }
    };
    for t in &CONVERSATION[..4] {
        bot.handle(&msg(t)).unwrap();
    }
    c.bench_function("quick question on the SQLite file, reply not kept", |b| {
        b.iter(|| bot.handle(&msg("c'est quoi la DETR ?")).unwrap());
    });
    let pack = |blocks: &[aiguilleur::render::Block]| aiguilleur::render::plain::plain(blocks);
    c.bench_function("quick question on the SQLite file, reply kept until sent", |b| {
        b.iter(|| {
            let kept = bot.handle_durable(&msg("c'est quoi la DETR ?"), &pack).unwrap().unwrap();
            bot.delivered(kept.id).unwrap();
        });
    });

    // The cost of counting (anonymous statistics): which counters a turn adds to, for an
    // ordinary turn and for the results turn (the profile and the schemes proposed), and the
    // results turn committed to the SQLite file with and without its counters.
    let mut s = at_theme(&content);
    for input in ["revitaliser le centre-bourg", "on y réfléchit"] {
        dialogue::step(&content, &mut s, input, 0);
    }
    let before_results = s.clone();
    let results = dialogue::step(&content, &mut s, "conseil", 0);
    let quick = dialogue::step(&content, &mut s.clone(), "c'est quoi la DETR ?", 0);
    let facts_of = |session: &Session, replies: &[Reply]| {
        let t = aiguilleur::stats::Turn {
            content: &content,
            transport: "matrix",
            started: false,
            session,
            replies,
            unanswered: false,
        };
        aiguilleur::stats::facts(&t, &mut false)
    };
    c.bench_function("statistics: counters of an ordinary turn (quick question)", |b| {
        b.iter(|| facts_of(&s, &quick));
    });
    c.bench_function("statistics: counters of the results turn", |b| b.iter(|| facts_of(&s, &results)));
    let facts = facts_of(&s, &results);
    assert!(facts.len() > 8, "{facts:?}");
    let mut store = aiguilleur::store::SqliteStore::open(&dir.path().join("stats.sqlite")).unwrap();
    let mut at = 1_700_000_000;
    for (label, counts) in [("without", &[][..]), ("with", &facts[..])] {
        c.bench_function(&format!("results turn committed to the SQLite file, {label} its counters"), |b| {
            b.iter(|| {
                at += 1;
                aiguilleur::store::Store::commit(
                    &mut store,
                    &aiguilleur::store::Commit {
                        session: Some(("bench:c:u", "u", &before_results)),
                        counts,
                        at,
                        ..aiguilleur::store::Commit::default()
                    },
                )
                .unwrap()
            });
        });
    }

    let profil = Profil {
        population: Some(451),
        statuts: Some(vec![]),
        themes: vec!["revitalisation".into()],
        etape: Some("idee".into()),
        besoin: Some("conseil".into()),
        ..Profil::default()
    };
    c.bench_function("match profile, shipped catalogue", |b| b.iter(|| match_profil(&content.catalogue, &profil)));
    for n in [1_000, 10_000] {
        let cat = synthetic(&content.catalogue, n);
        c.bench_function(&format!("match profile, {n} dispositifs"), |b| b.iter(|| match_profil(&cat, &profil)));
    }

    c.bench_function("quick question search", |b| b.iter(|| content.search.search("c'est quoi la DETR ?")));
    c.bench_function("quick question search with a typo", |b| {
        b.iter(|| content.search.search("qui contacter pour l'assainisement"))
    });

    // The turn that computes results, on the shipped catalogue and on 10 000 dispositifs.
    let at_besoin = |c: &Content| {
        let mut s = at_theme(c);
        for input in ["revitaliser le centre-bourg", "on y réfléchit"] {
            dialogue::step(c, &mut s, input, 0);
        }
        assert_eq!(s.node.as_deref(), Some("besoin"));
        s
    };
    let session = at_besoin(&content);
    c.bench_function("results turn, shipped catalogue", |b| {
        b.iter_batched(
            || session.clone(),
            |mut s| dialogue::step(&content, &mut s, "conseil", 0),
            BatchSize::SmallInput,
        );
    });
    let big = aiguilleur::loadtest::content(root, Some(10_000)).unwrap();
    let session = at_besoin(&big);
    c.bench_function("results turn, 10000 dispositifs", |b| {
        b.iter_batched(|| session.clone(), |mut s| dialogue::step(&big, &mut s, "conseil", 0), BatchSize::SmallInput);
    });

    let card = [Reply::Card { acteur: "ddtm-50".into() }];
    let blocks = aiguilleur::render::blocks(&content, "fr", &card);
    c.bench_function("render DDTM card: localise", |b| b.iter(|| aiguilleur::render::blocks(&content, "fr", &card)));
    c.bench_function("render DDTM card: plain text", |b| b.iter(|| aiguilleur::render::plain::plain(&blocks)));
    c.bench_function("render DDTM card: Matrix HTML", |b| b.iter(|| aiguilleur::render::html::html(&blocks)));
    let asker = aiguilleur::render::discord::Asker { owner: "1", turn: "t", placeholder: "Choisissez" };
    c.bench_function("render DDTM card: Discord embeds", |b| {
        b.iter(|| aiguilleur::render::discord::messages(&blocks, &asker))
    });
}

criterion_group!(core, benches);
criterion_main!(core);
