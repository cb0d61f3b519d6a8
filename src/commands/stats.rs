//! `evarchive stats`: what the archive holds, per resource type, and its size
//! on disk.

use std::path::Path;

use crate::commands::read_output::{self, note_hidden_columns};
use crate::config::StatsConfig;
use crate::error::{Error, Result};
use crate::everflow::ResourceType;
use crate::output::Format;
use crate::rows::{Column, ColumnKind, Value};
use crate::selection::What;
use crate::store::read::{Reader, TypeStats};

pub fn run(config: StatsConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    let stats: Vec<TypeStats> = ResourceType::ALL
        .into_iter()
        .map(|resource_type| reader.type_stats(resource_type))
        .collect::<Result<_>>()?;
    let unattributed_refusals = reader.refusals_without_kind()?;

    use ColumnKind::{Code, Integer, TimeMillis};
    let columns = [
        Column::new("type", Code),
        Column::new("resources", Integer),
        Column::new("versions", Integer),
        Column::new("deliveries", Integer),
        Column::new("redeliveries", Integer),
        Column::new("refused", Integer).rank(1),
        Column::new("first_received", TimeMillis)
            .label("first")
            .rank(3),
        Column::new("last_received", TimeMillis)
            .label("last")
            .rank(2),
    ];
    let (_stdout, mut sink) =
        read_output::output_sink(config.format, false, jiff::tz::TimeZone::UTC, None)?;
    sink.begin(&columns).map_err(Error::Output)?;
    let optional = |v: Option<i64>| v.map_or(Value::Null, Value::Integer);
    for s in &stats {
        sink.row(&[
            Value::Text(type_name(s.resource_type)),
            Value::Integer(s.resources),
            Value::Integer(s.versions),
            Value::Integer(s.deliveries),
            Value::Integer(s.redeliveries),
            Value::Integer(s.refused),
            optional(s.first_received_at),
            optional(s.last_received_at),
        ])
        .map_err(Error::Output)?;
    }
    let sum = |f: fn(&TypeStats) -> i64| stats.iter().map(f).sum::<i64>();
    sink.row(&[
        Value::Text("TOTAL"),
        Value::Integer(sum(|s| s.resources)),
        Value::Integer(sum(|s| s.versions)),
        Value::Integer(sum(|s| s.deliveries)),
        Value::Integer(sum(|s| s.redeliveries)),
        Value::Integer(sum(|s| s.refused) + unattributed_refusals),
        optional(stats.iter().filter_map(|s| s.first_received_at).min()),
        optional(stats.iter().filter_map(|s| s.last_received_at).max()),
    ])
    .map_err(Error::Output)?;
    sink.finish().map_err(Error::Output)?;
    note_hidden_columns(sink.as_ref(), "use --format csv to see every column");

    let size = archive_size(&config.db);
    let mut line = format!(
        "archive {}: {} on disk ({size} bytes, with the WAL)",
        config.db.display(),
        human_bytes(size),
    );
    if unattributed_refusals > 0 {
        line.push_str(&format!(
            "; {unattributed_refusals} refused requests named no known kind"
        ));
    }
    if config.format == Format::Table {
        println!("{line}");
    } else {
        eprintln!("evarchive: {line}");
    }
    Ok(())
}

/// The name `query` uses for the records of a type.
fn type_name(resource_type: ResourceType) -> &'static str {
    What::listing(resource_type).map_or(resource_type.as_str(), What::name)
}

/// The database file plus its WAL and shared-memory files.
fn archive_size(db: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut path = db.as_os_str().to_owned();
            path.push(suffix);
            std::fs::metadata(path).ok().map(|m| m.len())
        })
        .sum()
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
