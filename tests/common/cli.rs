//! Running the real binary against an archive, with "now" pinned.

use std::path::Path;

use assert_cmd::cargo::CommandCargoExt;

use super::fixture::NOW;

/// What a run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// `evarchive --db DB ARGS…` with NOW pinned, no inherited EVARCHIVE_* settings
/// and no terminal width, so output is deterministic.
pub fn evarchive(db: &Path, args: &[&str]) -> Run {
    evarchive_with(db, args, &[])
}

/// The same with `env` set (e.g. `COLUMNS` for a terminal of that width).
pub fn evarchive_with(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = std::process::Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(db)
        .args(args)
        .env("EVARCHIVE_NOW", NOW)
        .env_remove("EVARCHIVE_TZ")
        .env_remove("EVARCHIVE_DB")
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .output()
        .expect("binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs and insists on exit 0; returns stdout.
pub fn stdout_of(db: &Path, args: &[&str]) -> String {
    let run = evarchive(db, args);
    assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    run.stdout
}
