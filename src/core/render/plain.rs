//! Plain text: the terminal, transcripts, and the plain body of Matrix messages.

use super::{Block, Field};

/// Lays blocks out as plain text, one blank line between blocks.
#[must_use]
pub fn plain(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        match b {
            Block::Para(t) => out.push_str(t),
            Block::Question { text, choices } => {
                out.push_str(text);
                for (n, label, _) in choices {
                    out.push_str(&format!("\n  {n}. {label}"));
                }
            }
            Block::Item { n, title, lines } => {
                out.push_str(&format!("{n}. {title}"));
                for l in lines {
                    out.push_str("\n   ");
                    out.push_str(&field(l));
                }
            }
            Block::Card(c) => {
                out.push_str(&format!("▸ {}", c.title));
                for l in &c.lines {
                    out.push_str("\n  ");
                    out.push_str(&field(l));
                }
            }
        }
    }
    out
}

fn field(f: &Field) -> String {
    match f {
        Field::Text(t) => t.clone(),
        Field::Phone { label, number } => format!("{label} {number}"),
        Field::Email { label, address } => format!("{label} {address}"),
        Field::Web { label, url } => format!("{label} {url}"),
    }
}
