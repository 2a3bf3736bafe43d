//! A request to the single entry point, as the person reviews it and as the préfecture receives
//! it: one card, every line from Fluent. The email's bodies (`text`, `html`) are built from the
//! same lines.

use super::{Block, Card, Ctx, Field, raisons};
use crate::i18n::{Arg, format_number};
use crate::reply::DemandeView;

/// The request's lines: (label message, value), in reading order; empty values left out.
pub(super) fn lines(cx: &Ctx<'_>, d: &DemandeView) -> Vec<(String, String)> {
    let cat = &cx.content.catalogue;
    let mut out = vec![];
    let mut push = |label: &str, value: String| {
        if !value.trim().is_empty() {
            out.push((cx.msg(label, &[]), value));
        }
    };
    let commune = match (&d.commune, &d.insee) {
        (Some(c), Some(i)) => {
            cx.msg("demande-commune-insee", &[("commune", Arg::Text(c.clone())), ("insee", Arg::Text(i.clone()))])
        }
        (Some(c), None) => c.clone(),
        _ => String::new(),
    };
    push("demande-champ-commune", commune);
    push("demande-champ-population", d.population.map(format_number).unwrap_or_default());
    let programmes = match &d.programmes {
        Some(list) if list.is_empty() => cx.msg("demande-aucun-programme", &[]),
        Some(list) => list
            .iter()
            .map(|s| cat.statut(s).map_or_else(|| s.clone(), |x| x.nom.clone()))
            .collect::<Vec<_>>()
            .join(", "),
        None => String::new(),
    };
    push("demande-champ-programmes", programmes);
    push(
        "demande-champ-themes",
        d.themes.iter().filter_map(|t| cat.theme(t)).map(|t| t.nom.clone()).collect::<Vec<_>>().join(", "),
    );
    push(
        "demande-champ-etape",
        d.etape.as_deref().and_then(|e| cat.etape(e)).map(|e| e.nom.clone()).unwrap_or_default(),
    );
    push(
        "demande-champ-besoin",
        d.besoin.as_deref().and_then(|b| cat.besoin(b)).map(|b| b.nom.clone()).unwrap_or_default(),
    );
    push("demande-champ-description", d.description.clone());
    let who = match (d.demandeur.trim(), d.qualite.trim()) {
        ("", q) => q.to_owned(),
        (n, "") => n.to_owned(),
        (n, q) => format!("{n}, {q}"),
    };
    push("demande-champ-demandeur", who);
    push("demande-champ-contact", d.contact.clone());
    out
}

/// The dispositifs proposed, one line each with why.
pub(super) fn proposed(cx: &Ctx<'_>, d: &DemandeView) -> Vec<String> {
    d.dispositifs
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let x = cx.content.catalogue.dispositif(&m.dispositif)?;
            let why = if m.raisons.is_empty() { String::new() } else { format!(" — {}", raisons(cx, &m.raisons)) };
            Some(format!("{}. {}{why}", i + 1, x.nom))
        })
        .collect()
}

/// The request as a card.
pub(super) fn blocks(cx: &Ctx<'_>, out: &mut Vec<Block>, d: &DemandeView) {
    let title = cx.msg("demande-titre", &[("commune", Arg::Text(d.commune.clone().unwrap_or_default()))]);
    let mut card_lines: Vec<Field> =
        lines(cx, d).into_iter().map(|(label, value)| Field::Text(format!("{label} {value}"))).collect();
    let proposed = proposed(cx, d);
    if !proposed.is_empty() {
        card_lines.push(Field::Text(cx.msg("demande-champ-dispositifs", &[])));
        card_lines.extend(proposed.into_iter().map(Field::Text));
    }
    out.push(Block::Card(Card { title, lines: card_lines }));
}
