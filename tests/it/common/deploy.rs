//! Reading the deploy files of examples/deploy as systemd and bash read
//! them, for tests/it/deploy_files.rs.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn deploy_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deploy")
}

pub fn repo_file(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn deploy_file(name: &str) -> String {
    repo_file(&format!("examples/deploy/{name}"))
}

/// The values of every `KEY=value` line of a unit file or drop-in, in order
/// (an empty value too: in systemd it resets the list).
pub fn unit_values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#') && !line.starts_with(';'))
        .filter_map(|line| line.strip_prefix(key)?.strip_prefix('='))
        .map(str::to_owned)
        .collect()
}

/// The one value of `key` in a unit file.
pub fn unit_value(text: &str, key: &str) -> String {
    match unit_values(text, key).as_slice() {
        [value] => value.clone(),
        values => panic!("{key}: expected one value, found {values:?}"),
    }
}

/// `(name, value, active)` for every `EVARCHIVE_…=value` line of an
/// environment file, the commented-out examples (`#NAME=value`) included.
pub fn env_settings(text: &str) -> Vec<(String, String, bool)> {
    text.lines()
        .filter_map(|line| {
            let (active, setting) = match line.strip_prefix('#') {
                Some(rest) => (false, rest),
                None => (true, line),
            };
            let (name, value) = setting.split_once('=')?;
            let is_name = name.starts_with("EVARCHIVE_")
                && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
            is_name.then(|| (name.to_owned(), value.to_owned(), active))
        })
        .collect()
}

/// The value of a `NAME=value` line of a shell script (its constants).
pub fn script_constant(script: &str, name: &str) -> String {
    let prefix = format!("{name}=");
    script
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name}= in the script"))
        .to_owned()
}

/// The port of `HOST:PORT`.
pub fn port_of(address: &str) -> u16 {
    let (_, port) = address.rsplit_once(':').expect("HOST:PORT");
    port.parse().expect("a port")
}

/// Whether `text` names `word` on its own (not as part of a longer name).
pub fn names(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let next = text[at + word.len()..].chars().next();
        !matches!(next, Some(c) if c.is_ascii_alphanumeric() || c == '_')
    })
}

/// A size as Caddy (`10MB`, `10MiB`) or nginx (`10m`, `10k`) writes it, in
/// bytes: Caddy's KB/MB/GB are powers of 1000, its KiB/MiB/GiB and nginx's
/// k/m/g powers of 1024.
pub fn size_in_bytes(size: &str) -> u64 {
    let digits = size.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let number: u64 = digits.parse().unwrap_or_else(|_| panic!("size {size}"));
    let unit = match &size[digits.len()..] {
        "" | "B" => 1,
        "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        "KiB" | "k" | "K" => 1 << 10,
        "MiB" | "m" | "M" => 1 << 20,
        "GiB" | "g" | "G" => 1 << 30,
        other => panic!("unknown unit {other} in {size}"),
    };
    number * unit
}

/// What the real binary prints for `ARGS --help`.
pub fn help_of(args: &[&str]) -> String {
    let output = Command::new(assert_cmd::cargo::cargo_bin("evarchive"))
        .args(args)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("UTF-8")
}
