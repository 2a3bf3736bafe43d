//! The terminal: an interactive chat with line editing, or, when standard input is not a
//! terminal, one message per input line and the replies on standard output, flushed each turn.

use std::io::{BufRead, IsTerminal, Write};

use super::now;
use crate::bot::{Bot, Incoming};
use crate::store::Store;

/// The line that ends each reply when standard input is not a terminal.
pub const REPLY_END: &str = "---";

fn incoming(text: &str) -> Incoming {
    let user = std::env::var("USER").unwrap_or_else(|_| "terminal".into());
    Incoming {
        transport: "console".into(),
        user,
        conversation: "terminal".into(),
        text: text.to_owned(),
        event_id: None,
        now: now(),
        sent_at: None,
    }
}

/// Runs the chat until end of input or "stop" on a terminal.
///
/// # Errors
/// When the store fails or the terminal cannot be written.
pub fn run<S: Store>(bot: &mut Bot<S>) -> anyhow::Result<()> {
    if std::io::stdin().is_terminal() { interactive(bot) } else { piped(bot) }
}

fn piped<S: Store>(bot: &mut Bot<S>) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut buf = Vec::new();
    let mut input = stdin.lock();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        // Invalid UTF-8 is replaced, not fatal: the person gets an answer anyway.
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end_matches(['\n', '\r']);
        let replies = bot.handle(&incoming(line))?;
        // A reply holds blank lines between its parts: a line "---" marks its end.
        writeln!(out, "{}\n{REPLY_END}", bot.plain(&replies))?;
        out.flush()?;
    }
    Ok(())
}

fn interactive<S: Store>(bot: &mut Bot<S>) -> anyhow::Result<()> {
    let mut rl = rustyline::DefaultEditor::new()?;
    let first = incoming("");
    let opening = if bot.has_session(&first)? { bot.resume(&first)? } else { bot.handle(&incoming("bonjour"))? };
    println!("{}\n", bot.plain(&opening));
    loop {
        match rl.readline("› ") {
            Ok(line) => {
                let _ = rl.add_history_entry(line.as_str());
                let replies = bot.handle(&incoming(&line))?;
                println!("\n{}\n", bot.plain(&replies));
            }
            Err(rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
