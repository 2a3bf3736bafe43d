//! The core crate (`src/core`) stays sans-IO: its dependencies are parsers and formatters only,
//! and its code opens no file, socket or process outside its own tests. The compiler already
//! keeps it from naming the store, the driver or a transport (it does not depend on them); this
//! keeps anyone from giving it those powers back through its `Cargo.toml`.

use std::path::Path;

use crate::support;

/// What the core may depend on: text, parsing, formatting, logging.
const ALLOWED: &[&str] = &[
    "csv",
    "fluent-bundle",
    "fluent-syntax",
    "regex",
    "serde",
    "serde_spanned",
    "strsim",
    "toml",
    "tracing",
    "unic-langid",
    "unicode-normalization",
];

#[test]
fn the_core_depends_on_parsers_and_formatters_only() {
    let text = std::fs::read_to_string(support::root().join("src/core/Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let deps = manifest["dependencies"].as_table().expect("[dependencies]");
    let extra: Vec<&String> = deps.keys().filter(|d| !ALLOWED.contains(&d.as_str())).collect();
    assert!(extra.is_empty(), "the sans-IO core gained dependencies: {extra:?}");
    // The root crate uses the core; the core never the root crate.
    assert!(!deps.contains_key("aiguilleur"));
}

#[test]
fn the_core_opens_no_file_socket_or_process() {
    let mut offenders = vec![];
    scan(&support::root().join("src/core"), &mut offenders);
    assert!(offenders.is_empty(), "I/O in the core: {offenders:#?}");
}

fn scan(dir: &Path, offenders: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            scan(&path, offenders);
        } else if path.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Test code (an item under `#[cfg(test)]`) may read the shipped content: skipped,
            // up to the brace that closes it.
            let (mut skipping, mut depth, mut opened) = (false, 0i32, false);
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    (skipping, depth, opened) = (true, 0, false);
                    continue;
                }
                if skipping {
                    for c in line.chars() {
                        match c {
                            '{' => (depth, opened) = (depth + 1, true),
                            '}' => depth -= 1,
                            _ => {}
                        }
                    }
                    skipping = !(opened && depth == 0);
                    continue;
                }
                if ["std::fs", "std::net", "std::process", "File::open", "std::env::var"]
                    .iter()
                    .any(|w| line.contains(w))
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
}
