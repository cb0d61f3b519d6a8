//! A typo in a retention age must never prune an archive: `prune
//! --older-than` and `serve --retain` take whole days or more (d, w, mo, y),
//! refuse minutes and hours with exit 2 naming the forms, and say the exact
//! cutoff they use before anything goes. (`serve --retain 5m` once meant
//! five minutes, and a minute after start every conversion was gone.)

use crate::common;

use std::time::{Duration, Instant};

use common::cli::evarchive;
use common::fixture::NOW;
use common::history::{OLD, RECENT, conversion, count, dump_line, empty_archive, import};
use common::serving::{ServeProcess, serve_refusing};

/// An archive of one conversion that arrived long ago and one recently.
fn old_and_recent() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = empty_archive();
    import(
        &db,
        &[
            dump_line("conversion_registered", OLD, &conversion("1", "approved")),
            dump_line(
                "conversion_registered",
                RECENT,
                &conversion("2", "approved"),
            ),
        ],
    );
    (dir, db)
}

#[test]
fn minutes_hours_and_bare_numbers_are_refused_and_nothing_goes() {
    let (_dir, db) = old_and_recent();
    for (age, said) in [
        ("5m", "'5m' would be minutes"),
        ("12m", "'12m' would be minutes"),
        ("36h", "'36h' is in hours or seconds"),
        ("90", "'90' is not a retention age"),
        ("1.5d", "'1.5d' is not a retention age"),
        ("0d", "'0d' keeps nothing"),
    ] {
        let run = evarchive(&db, &["prune", "--older-than", age]);
        assert_eq!(run.code, Some(2), "{age}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("invalid --older-than: {said}")),
            "{age}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("90d, 26w, 6mo"), "the forms are named");
        let (code, logged) = serve_refusing(&db, &["--retain", age]);
        assert_eq!(code, Some(2), "{age}: {logged}");
        assert!(
            logged.contains(&format!("invalid --retain: {said}")),
            "{logged}"
        );
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM versions"),
        2,
        "nothing went"
    );
}

#[test]
fn prune_says_its_exact_cutoff_before_it_starts() {
    let (_dir, db) = old_and_recent();
    // Now is pinned at 2026-11-03T12:00:00Z: 6mo is 180 days of 24 hours.
    let run = evarchive(&db, &["prune", "--older-than", "6mo", "--dry-run"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "evarchive: counting, without removing anything, what nothing has arrived about \
             since before 2026-05-07T12:00:00Z (6mo ago)\n"
        ),
        "{}",
        run.stderr
    );
    let run = evarchive(&db, &["prune", "--older-than", "90d"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "evarchive: removing what nothing has arrived about since before \
             2026-08-05T12:00:00Z (90d ago)\n"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(count(&db, "SELECT count(*) FROM versions"), 1);
}

#[test]
fn serve_says_the_cutoff_its_retention_means_today() {
    let (_dir, db) = empty_archive();
    let serve = ServeProcess::start_with_env(&db, &["--retain", "1y"], &[("EVARCHIVE_NOW", NOW)]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let expected = "retention 365 days, daily (today: what nothing has arrived about since \
                    before 2025-11-03T12:00:00Z)";
    while !serve.logged().contains(expected) {
        assert!(Instant::now() < deadline, "{}", serve.logged());
        std::thread::sleep(Duration::from_millis(20));
    }
    serve.signal("TERM");
}
