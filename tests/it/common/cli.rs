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
    let output = command(db, args, env).output().expect("binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `evarchive --db DB ARGS…` with NOW pinned, no inherited EVARCHIVE_*
/// settings, no terminal width, and `env` set.
fn command(db: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut command = std::process::Command::cargo_bin("evarchive").expect("binary");
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env("EVARCHIVE_NOW", NOW)
        .env_remove("EVARCHIVE_TZ")
        .env_remove("EVARCHIVE_DB")
        .env_remove("COLUMNS")
        .envs(env.iter().copied());
    command
}

/// Runs and insists on exit 0; returns stdout.
pub fn stdout_of(db: &Path, args: &[&str]) -> String {
    let run = evarchive(db, args);
    assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    run.stdout
}

/// A number from /proc/PID/status (`VmHWM`: the peak resident set), in KiB;
/// None once the process has exited.
pub fn proc_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `evarchive_with`, watching the child's peak resident set (`VmHWM`) every
/// few milliseconds while it runs: the last reading before it exited, in
/// KiB (a peak in its very last milliseconds may be missed, never
/// overstated).
pub fn evarchive_watched(db: &Path, args: &[&str], env: &[(&str, &str)]) -> (Run, u64) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command(db, args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = proc_kib(child.id(), "VmHWM") {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8(stdout.join().expect("stdout")).expect("UTF-8 stdout"),
        stderr: String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned(),
    };
    (run, peak)
}
