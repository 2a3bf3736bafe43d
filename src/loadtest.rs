//! `aiguilleur bench`: many simulated conversations at once through the core and the store,
//! reporting throughput, latency percentiles, stored bytes per session and peak memory.
//!
//! Sessions are interleaved round-robin on one thread, as the adapters serialise turns through
//! one bot: every session is alive (stored, reloaded each turn) for the whole run.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::bot::{Bot, Incoming};
use crate::catalogue::search::SearchIndex;
use crate::content::Content;
use crate::store::Store;

/// Conversations replayed by the simulated people (cycled through).
const SCRIPTS: &[&[&str]] = &[
    &["bonjour", "Genêts", "oui", "aucun", "revitaliser le centre-bourg", "on y réfléchit", "conseil", "détails 1"],
    &[
        "maire de Saint-Lô, pvd, on veut ouvrir un tiers-lieu",
        "oui",
        "on réfléchit",
        "conseil",
        "pourquoi pas les petites centralités",
    ],
    &[
        "bonjour",
        "50530",
        "4",
        "non",
        "1 600",
        "aucun programme",
        "c'est quoi la DETR ?",
        "salle des fetes",
        "travaux",
        "financement",
    ],
    &["salut", "Percy", "oui", "je ne sais pas", "école", "2", "1", "retour", "3"],
    &[
        "bonjour",
        "cherbourg",
        "oui",
        "acv",
        "qui contacter à la DDTM ?",
        "mobilités",
        "étude",
        "un chef de projet",
        "détails 2",
    ],
];

/// Replaces the catalogue's dispositifs with `size` drawn from the shipped ones (same field
/// distribution), and rebuilds the indexes.
pub fn with_synthetic_catalogue(mut content: Content, size: usize) -> Content {
    let base = content.catalogue.dispositifs.clone();
    content.catalogue.dispositifs = (0..size)
        .map(|i| {
            let mut d = base[i % base.len()].clone();
            if i >= base.len() {
                d.id = format!("{}-{i}", d.id);
            }
            d
        })
        .collect();
    content.catalogue.index();
    content.search = SearchIndex::build(&content.catalogue, &content.vocab);
    content
}

/// The figures of a run.
#[derive(Debug, Clone)]
pub struct Report {
    pub sessions: usize,
    pub turns: usize,
    pub seconds: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub bytes_per_session: f64,
    pub peak_rss_mb: f64,
    /// Mean latency per scripted message (µs), slowest first.
    pub by_message: Vec<(String, f64)>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "sessions: {}", self.sessions)?;
        writeln!(f, "turns: {}", self.turns)?;
        writeln!(f, "turns/s: {:.0}", self.turns as f64 / self.seconds)?;
        writeln!(f, "p50 µs: {:.1}", self.p50_us)?;
        writeln!(f, "p99 µs: {:.1}", self.p99_us)?;
        writeln!(f, "bytes/session: {:.0}", self.bytes_per_session)?;
        write!(f, "peak RSS MB: {:.1}", self.peak_rss_mb)
    }
}

/// Runs `sessions` conversations through `bot`.
///
/// # Errors
/// When the store fails.
pub fn run<S: Store>(bot: &mut Bot<S>, sessions: usize) -> Result<Report, crate::store::StoreError> {
    let longest = SCRIPTS.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut latencies: Vec<u32> = Vec::with_capacity(sessions * longest);
    let mut by_message: std::collections::HashMap<&str, (u64, u64)> = std::collections::HashMap::new();
    let started = Instant::now();
    let mut msg = Incoming {
        transport: "bench".into(),
        user: String::new(),
        conversation: "c".into(),
        text: String::new(),
        event_id: None,
        now: 1_700_000_000,
        sent_at: None,
        reach: None,
    };
    for turn in 0..longest {
        for s in 0..sessions {
            let script = SCRIPTS[s % SCRIPTS.len()];
            let Some(text) = script.get(turn) else { continue };
            msg.user.clear();
            msg.user.push_str(&format!("u{s}"));
            msg.text.clear();
            msg.text.push_str(text);
            msg.now += 1;
            let t0 = Instant::now();
            let replies = bot.handle(&msg)?;
            let dt = t0.elapsed();
            debug_assert!(!replies.is_empty());
            latencies.push(u32::try_from(dt.as_micros()).unwrap_or(u32::MAX));
            let e = by_message.entry(text).or_default();
            e.0 += u64::try_from(dt.as_nanos()).unwrap_or(u64::MAX);
            e.1 += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(latencies.get(i).copied().unwrap_or(0))
    };
    // What an idle session costs in the store: its key and its stored form.
    let mut bytes = 0usize;
    for s in 0..sessions {
        msg.user = format!("u{s}");
        if let Some(session) = bot.store_mut().load(&msg.key())? {
            bytes += msg.key().len() + serde_json::to_string(&session).map_or(0, |j| j.len());
        }
    }
    Ok(Report {
        sessions,
        turns: latencies.len(),
        seconds,
        p50_us: pct(0.50),
        p99_us: pct(0.99),
        bytes_per_session: bytes as f64 / sessions.max(1) as f64,
        peak_rss_mb: peak_rss_mb(),
        by_message: {
            let mut v: Vec<(String, f64)> = by_message
                .into_iter()
                .map(|(k, (ns, n))| (k.to_owned(), ns as f64 / n.max(1) as f64 / 1000.0))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            v
        },
    })
}

/// Peak resident memory of this process (Linux), in MB.
#[must_use]
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Loads the content, with a synthetic catalogue if asked.
///
/// # Errors
/// When the shipped content does not validate.
pub fn content(root: &Path, catalogue_size: Option<usize>) -> anyhow::Result<Arc<Content>> {
    let loaded = crate::content::load(root);
    let content = loaded.content.ok_or_else(|| anyhow::anyhow!("contenu invalide : lancez `aiguilleur check`"))?;
    Ok(Arc::new(match catalogue_size {
        Some(n) => with_synthetic_catalogue(content, n),
        None => content,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn every_scripted_turn_gets_a_reply_and_is_measured() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let content = content(root, Some(200)).unwrap();
        assert_eq!(content.catalogue.dispositifs.len(), 200);
        let mut bot = Bot::new(content, MemoryStore::default(), "fr");
        let r = run(&mut bot, 12).unwrap();
        let expected: usize = (0..12).map(|s| SCRIPTS[s % SCRIPTS.len()].len()).sum();
        assert_eq!(r.turns, expected);
        assert!(r.bytes_per_session > 50.0, "{r}");
        assert!(r.p99_us >= r.p50_us);
    }
}
