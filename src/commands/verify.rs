//! `evarchive verify`: the scrub a cautious operator runs monthly. Lists
//! every problem on stdout and exits 1 if there is any; changes nothing.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::store::read::{Step, open_reader, verify};

/// How often progress is shown on a terminal.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

pub fn run(db: &Path) -> Result<()> {
    let conn = open_reader(db)?;
    let started = Instant::now();
    let mut shown = Instant::now();
    let on_terminal = std::io::stderr().is_terminal();
    let scrub = verify(&conn, |step, done| {
        if on_terminal && shown.elapsed() >= PROGRESS_EVERY {
            shown = Instant::now();
            eprint!("\revarchive: {} {done}…   ", step_name(step));
        }
    })?;
    if on_terminal {
        eprint!("\r{:60}\r", "");
    }
    for problem in &scrub.problems {
        println!("{problem}");
    }
    println!(
        "checked the database's integrity, {} bodies ({} bytes as received), {} versions and the counters in {:.1} s: {} problem{}",
        scrub.bodies,
        scrub.body_bytes,
        scrub.versions,
        started.elapsed().as_secs_f64(),
        scrub.problems.len(),
        if scrub.problems.len() == 1 { "" } else { "s" }
    );
    match scrub.problems.len() {
        0 => Ok(()),
        problems => Err(Error::VerifyFailed { problems }),
    }
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Integrity => "checking the database's integrity",
        Step::Bodies => "bodies checked:",
        Step::Versions => "versions checked:",
        Step::Counters => "recounting the counters",
    }
}
