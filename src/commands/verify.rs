//! `evarchive verify`: the scrub a cautious operator runs monthly. Lists
//! every problem on stdout and changes nothing; exits 4 when the only
//! problems are typed rows an outdated extraction made (`reindex` fixes
//! them), 1 when anything else is wrong (restore from a backup).

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::store::extraction::{EXTRACTION_VERSION, ExtractionAge};
use crate::store::read::{Reader, Remedy, Step};

/// How often progress is shown on a terminal.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

pub fn run(db: &Path) -> Result<()> {
    let reader = Reader::open(db)?;
    let started = Instant::now();
    let mut shown = Instant::now();
    let on_terminal = std::io::stderr().is_terminal();
    let scrub = reader.verify(|step, done| {
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
    let outdated = scrub
        .problems
        .iter()
        .filter(|problem| problem.remedy() == Remedy::Reindex)
        .count();
    match scrub.problems.len() {
        0 => Ok(()),
        // Every body reads back as it arrived: the typed rows are only
        // behind, and the bodies (the archive's record) can make them again.
        rows if rows == outdated => Err(Error::OutdatedExtraction {
            rows,
            why: match reader.extraction_age()? {
                ExtractionAge::Older(version) => format!(
                    " (the archive's typed rows were made by extraction {version}, this release's is {EXTRACTION_VERSION})"
                ),
                _ => String::new(),
            },
        }),
        problems => Err(Error::VerifyFailed { problems, outdated }),
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
