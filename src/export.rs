//! Exports of a questionnaire's answers (`aiguilleur leviers --csv`): for every conversation
//! that answered a dialogue with a summary (`action = "resume"`), one row per item with the
//! collectivité and the answers. Generic: any dialogue written that way exports the same way.
//! Nothing about the person is written, only the commune the answers are for.

use std::collections::BTreeMap;

use crate::catalogue::model::ChampValeur;
use crate::content::Content;
use crate::dialogue::model::{Role, Value};
use crate::dialogue::{Dialogue, Session};

/// The dialogues that can be exported: those with a summary.
#[must_use]
pub fn exportable(content: &Content) -> Vec<&str> {
    let mut ids: Vec<&str> = content
        .dialogues
        .values()
        .filter(|d| d.nodes.iter().any(|n| n.resume.is_some()))
        .map(|d| d.id.as_str())
        .collect();
    ids.sort_unstable();
    ids
}

/// The slots a session holds for `dialogue` (current or set aside).
fn slots_of<'s>(s: &'s Session, dialogue: &str) -> Option<&'s BTreeMap<String, Value>> {
    if s.dialogue == dialogue { Some(&s.slots) } else { s.suspendus.get(dialogue).map(|p| &p.slots) }
}

fn cell(content: &Content, v: Option<&Value>) -> String {
    match v {
        Some(Value::Bool(true)) => content.locales.msg("fr", "oui", &[]),
        Some(Value::Bool(false)) => content.locales.msg("fr", "non", &[]),
        Some(v) if v.is_unknown() => content.locales.msg("fr", "choix-nsp", &[]),
        Some(Value::Choice(c)) => c.clone(),
        Some(Value::Text(t)) => t.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The CSV of a dialogue's answers, or `None` when the dialogue has no summary.
///
/// # Errors
/// Never in practice (writing to memory); a CSV error is passed on.
pub fn csv(content: &Content, dialogue: &Dialogue, sessions: &[Session]) -> Result<Option<String>, csv::Error> {
    let Some(resume) = dialogue.nodes.iter().find_map(|n| n.resume.as_ref()) else {
        return Ok(None);
    };
    let Some(liste) = dialogue
        .node(&resume.boucle)
        .and_then(|(_, n)| n.boucle.as_ref())
        .and_then(|b| content.catalogue.liste(&b.liste))
    else {
        return Ok(None);
    };
    let text_fields: Vec<&str> = liste.champs.iter().filter(|c| !c.oui_non).map(|c| c.id.as_str()).collect();
    let mut w = csv::Writer::from_writer(vec![]);
    let mut head: Vec<String> =
        vec!["questionnaire".into(), "insee".into(), "commune".into(), "element".into(), "nom".into()];
    head.extend(text_fields.iter().map(|f| (*f).to_owned()));
    head.extend(resume.colonnes.iter().map(|(slot, _)| slot.clone()));
    w.write_record(&head)?;
    let mut n = 0;
    for s in sessions {
        let Some(slots) = slots_of(s, &dialogue.id) else { continue };
        let Some(Value::Multi(items)) = slots.get(&resume.boucle) else { continue };
        let answered =
            items.iter().any(|it| resume.colonnes.iter().any(|(slot, _)| slots.contains_key(&format!("{slot}@{it}"))));
        if !answered {
            continue;
        }
        n += 1;
        let (insee, commune) = match dialogue.roles.slot(Role::Commune).and_then(|c| slots.get(c)) {
            Some(Value::Commune(insee)) => {
                (insee.clone(), content.communes.by_insee(insee).map(|c| c.nom.clone()).unwrap_or_default())
            }
            Some(Value::Ailleurs { nom, .. }) => (String::new(), nom.clone()),
            _ => (String::new(), String::new()),
        };
        for it in items {
            let Some(e) = liste.element(it) else { continue };
            let mut row = vec![n.to_string(), insee.clone(), commune.clone(), e.id.clone(), e.nom.clone()];
            for f in &text_fields {
                row.push(match e.valeur(f) {
                    Some(ChampValeur::Texte(t)) => t.clone(),
                    _ => String::new(),
                });
            }
            for (slot, _) in &resume.colonnes {
                row.push(cell(content, slots.get(&format!("{slot}@{it}"))));
            }
            w.write_record(&row)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}
