//! Disk-full cycles on a small tmpfs: a reader pins the WAL while deliveries
//! pour in until `serve` turns them away (503 disk_full); on odd cycles
//! another program then fills the disk to the last byte. The reader lets go,
//! the filler is removed, and the archive must take deliveries again by
//! itself, with every acknowledged one stored. Needs `mount` (root).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::args::Options;
use crate::serving::{Serving, TOKEN, agent, conversion, post, scratch};

pub fn run(options: &Options) -> Result<(), String> {
    let cycles = options.number("cycles", 6);
    let dir = scratch("disk")?;
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
        .arg(&dir)
        .status()
        .map_err(|e| e.to_string())?;
    if !mounted.success() {
        return Err("cannot mount a tmpfs (run as root)".to_owned());
    }
    let result = cycle_all(&dir, cycles);
    let _ = Command::new("umount").arg(&dir).status();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn cycle_all(dir: &Path, cycles: u64) -> Result<(), String> {
    let db = dir.join("archive.db");
    let serving = Serving::start(&[], &db, &["--disk-reserve", "8"])?;
    let url = serving.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    let agent = agent();
    let mut acknowledged = Vec::new();
    let mut next = 1u64;
    let mut largest_wal = 0u64;
    let mut recoveries = Vec::new();
    let mut with_disk_full = 0;
    let mut after_filler_removed = 0;
    let started = Instant::now();
    for cycle in 0..cycles {
        let reader = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| e.to_string())?;
        reader.execute_batch("BEGIN").map_err(|e| e.to_string())?;
        let _: i64 = reader
            .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
            .map_err(|e| e.to_string())?;
        loop {
            match post(&agent, &url, &conversion(next)) {
                200 => acknowledged.push(next),
                503 => break,
                other => return Err(format!("cycle {cycle}: answered {other}")),
            }
            next += 1;
        }
        largest_wal =
            largest_wal.max(std::fs::metadata(dir.join("archive.db-wal")).map_or(0, |m| m.len()));
        // Odd cycles: something else takes every byte left.
        let filler = dir.join("filler");
        if cycle % 2 == 1 {
            let _ = Command::new("dd")
                .args(["if=/dev/zero", "bs=1M"])
                .arg(format!("of={}", filler.display()))
                .stderr(std::process::Stdio::null())
                .status();
        }
        drop(reader);
        let freed = Instant::now();
        if cycle % 2 == 1 {
            // Does the WAL's space come back with the disk still full of filler?
            if wait_healthy(&serving, &agent, Duration::from_secs(15)).is_ok() {
                with_disk_full += 1;
                let _ = std::fs::remove_file(&filler);
            } else {
                let _ = std::fs::remove_file(&filler);
                wait_healthy(&serving, &agent, Duration::from_secs(30))?;
                after_filler_removed += 1;
            }
        } else {
            wait_healthy(&serving, &agent, Duration::from_secs(30))?;
        }
        recoveries.push(freed.elapsed().as_secs_f64());
    }
    let log = serving.log();
    serving.stop();
    let archive = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let stored: i64 = archive
        .query_row("SELECT count(*) FROM versions", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    let integrity: String = archive
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    let released = log.matches("released the").count();
    println!(
        "disk: {cycles} disk-full cycles on a 64 MiB tmpfs in {:.0} s: {} deliveries acknowledged, {stored} stored ({} lost), largest WAL {:.1} MiB, reserve released {released} times; with the disk filled to the last byte by another program it recovered {with_disk_full} times by itself and {after_filler_removed} times only once the filler was removed; recovered in {} s after the reader let go; integrity_check {integrity}",
        started.elapsed().as_secs_f64(),
        acknowledged.len(),
        acknowledged.len() as i64 - stored,
        largest_wal as f64 / 1048576.0,
        recoveries
            .iter()
            .map(|s| format!("{s:.1}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if stored != acknowledged.len() as i64 || integrity != "ok" {
        return Err("acknowledged deliveries were lost".to_owned());
    }
    Ok(())
}

fn wait_healthy(serving: &Serving, agent: &ureq::Agent, limit: Duration) -> Result<(), String> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if agent
            .get(&serving.url("/healthz"))
            .call()
            .is_ok_and(|r| r.status() == 200)
        {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(format!("not healthy again within {limit:?}"))
}
