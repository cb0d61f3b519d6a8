//! `evarchive import`'s progress bar in a real terminal: tmux, 80 columns
//! wide, with every byte the import wrote to it recorded (`pipe-pane`). The
//! bar only draws on a terminal, so without tmux the test says so and skips.

use crate::common;

use std::time::{Duration, Instant};

use common::edited_sample;
use common::terminal::{Tmux, quoted, tmux_present};
use serde_json::json;
use unicode_width::UnicodeWidthStr;

/// How long the import may take in a debug build before the test gives up.
const PATIENCE: Duration = Duration::from_secs(120);

/// The fixed 30-column bar made the line 83 columns wide in this import, in
/// an 80-column terminal, which wrapped it onto two rows (indicatif padded
/// it to 160 columns).
#[test]
fn the_progress_line_fits_an_80_column_terminal() {
    let Some(lines) = progress_lines(80) else {
        return;
    };
    assert!(lines.iter().all(|line| line.contains("importing [")));
    for line in lines {
        assert!(line.width() <= 80, "{} columns: {line}", line.width());
    }
}

/// Too narrow for the bar and the rate, the line keeps the sizes and ETA.
#[test]
fn a_50_column_terminal_gets_a_line_without_the_bar() {
    let Some(lines) = progress_lines(50) else {
        return;
    };
    for line in lines {
        assert!(!line.contains("importing ["), "{line}");
        assert!(line.width() <= 50, "{} columns: {line}", line.width());
    }
}

/// The progress lines an import of some 12 MiB drew in a terminal `width`
/// columns wide; None when tmux is not installed (the test is skipped).
fn progress_lines(width: u16) -> Option<Vec<String>> {
    if !tmux_present("the progress bar only draws on a terminal") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // Some 10 MiB, so sizes and rates print as wide as they get (12.34 MiB).
    let bodies: Vec<String> = (1..=1200)
        .map(|id| {
            let body = edited_sample("conversion_registered", |doc| {
                doc["conversion_id"] = json!(id);
                doc["transaction_id"] = json!(format!("tx{id}"));
                doc["sub5"] = json!("x".repeat(9000));
            });
            String::from_utf8(body).expect("UTF-8")
        })
        .collect();
    let file = dir.path().join("bodies.ndjson");
    std::fs::write(&file, bodies.join("\n")).expect("write");
    let db = dir.path().join("archive.db");
    let recorded = dir.path().join("terminal.raw");
    let status = dir.path().join("status");
    let binary = assert_cmd::cargo::cargo_bin("evarchive");

    let tmux = Tmux::new(&dir.path().join("tmux.sock"));
    let script = format!(
        "{wait} go; {binary} --db {db} import --kind conversion_registered {file}; echo $? > {status}; {wait} -S done",
        wait = tmux.command_line("wait-for"),
        binary = quoted(&binary),
        db = quoted(&db),
        file = quoted(&file),
        status = quoted(&status),
    );
    let columns = width.to_string();
    tmux.run(&["new-session", "-d", "-x", &columns, "-y", "30", &script]);
    tmux.run(&["pipe-pane", "-o", &format!("cat > {}", quoted(&recorded))]);
    tmux.run(&["wait-for", "-S", "go"]);
    let mut done = tmux.spawn(&["wait-for", "done"]);
    let deadline = Instant::now() + PATIENCE;
    while done.try_wait().expect("wait-for").is_none() {
        if Instant::now() > deadline {
            let _ = done.kill();
            panic!("the import did not end within {PATIENCE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // pipe-pane hands the output to cat on its own time: wait for the summary.
    let text = loop {
        let bytes = std::fs::read(&recorded).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if text.contains("committed 1200 deliveries") {
            break text;
        }
        assert!(Instant::now() < deadline, "no summary in: {text:?}");
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(tmux);
    assert_eq!(
        std::fs::read_to_string(&status)
            .expect("exit status")
            .trim(),
        "0"
    );
    let progress: Vec<String> = segments(&text)
        .into_iter()
        .filter(|line| line.contains(" ETA "))
        .collect();
    assert!(!progress.is_empty(), "the bar never drew: {text:?}");
    Some(progress)
}

/// What the terminal showed as lines: the text between carriage returns and
/// newlines, with escape sequences (clear line, cursor moves) taken out.
fn segments(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters… final byte (@ to ~).
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            plain.push('\n');
        } else {
            plain.push(c);
        }
    }
    plain
        .split(['\r', '\n'])
        .map(str::to_owned)
        .filter(|line| !line.is_empty())
        .collect()
}
