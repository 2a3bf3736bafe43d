//! The terminal: an interactive chat with line editing, or, when standard input is not a
//! terminal, one message per input line and the replies on standard output, flushed each turn.
//!
//! It goes through the driver like every transport; its replies are printed, not kept (a
//! terminal that is gone has nobody to read them). The person at the terminal runs the bot and
//! owns its database: admin commands (`!aide`, `!recharger`) are theirs.

use std::io::{BufRead, IsTerminal, Write};

use crate::driver::{Driver, Message, RenderCx, Transport};
use crate::render::Block;

/// The line that ends each reply when standard input is not a terminal.
pub const REPLY_END: &str = "---";

/// The terminal as a transport: plain text, printed at once.
pub struct Console;

impl Transport for Console {
    const NAME: &'static str = "console";
    const DURABLE: bool = false;
    type Dest = ();
    type Body = String;

    fn render(&self, blocks: &[Block], _: &RenderCx<'_>) -> String {
        crate::render::plain::plain(blocks)
    }

    fn lane((): &()) -> String {
        String::new()
    }
}

/// The person at the terminal (their conversation's name).
#[must_use]
pub fn user() -> String {
    std::env::var("USER").unwrap_or_else(|_| "terminal".into())
}

/// The reply to `text` (or to the opening of the conversation), as text.
fn say(driver: &Driver, text: &str, open: bool) -> String {
    let msg = Message::new(Console::NAME, &user(), "terminal", text.to_owned(), None, ()).opening(open).private(true);
    driver.accept(&Console, &msg).map(|out| out.env.body).unwrap_or_default()
}

/// Runs the chat until end of input or "stop" on a terminal.
///
/// # Errors
/// When the terminal cannot be read or written.
pub fn run(driver: &Driver) -> anyhow::Result<()> {
    if std::io::stdin().is_terminal() { interactive(driver) } else { piped(driver) }
}

fn piped(driver: &Driver) -> anyhow::Result<()> {
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
        // A reply holds blank lines between its parts: a line "---" marks its end.
        writeln!(out, "{}\n{REPLY_END}", say(driver, line, false))?;
        out.flush()?;
    }
    Ok(())
}

fn interactive(driver: &Driver) -> anyhow::Result<()> {
    let mut rl = rustyline::DefaultEditor::new()?;
    println!("{}\n", say(driver, "", true));
    loop {
        match rl.readline("› ") {
            Ok(line) => {
                let _ = rl.add_history_entry(line.as_str());
                println!("\n{}\n", say(driver, &line, false));
            }
            Err(rustyline::error::ReadlineError::Interrupted | rustyline::error::ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
