//! `evarchive show WHAT ID`: one record's states in the order they arrived,
//! then each version with its arrival times, redelivery count and body.

use std::io::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::ShowConfig;
use crate::error::{Error, Result};
use crate::everflow::{PricingTerms, ResourceType};
use crate::output::{format_terms, write_pretty_json};

use super::show_diff::field_changes;
use crate::store::read::{Reader, VersionRecord};

/// An offer version's payout and revenue, as its typed row keeps them.
type OfferTerms = Option<(PricingTerms, PricingTerms)>;

pub fn run(config: ShowConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    let versions = reader.versions_of(config.resource_type, &config.id)?;
    if versions.is_empty() {
        return Err(Error::NotFound {
            what: config.what.name(),
            id: config.id,
        });
    }
    // Offers only: what each version paid, so that a payout change reads
    // without diffing bodies by hand.
    let terms: Vec<OfferTerms> = match config.resource_type {
        ResourceType::Offer => versions
            .iter()
            .map(|version| reader.offer_terms(version.version_id))
            .collect::<Result<_>>()?,
        _ => vec![None; versions.len()],
    };
    let mut out = std::io::stdout().lock();
    let zone_name = config.zone.iana_name().unwrap_or("local").to_owned();
    // Composite identities (a verdict's partner id) may match several resources.
    let mut first = true;
    let mut start = 0;
    for resource in versions.chunk_by(|a, b| a.resource_id == b.resource_id) {
        if !first {
            writeln!(out).map_err(Error::Output)?;
        }
        first = false;
        let label = config.resource_type.as_str().replace('_', " ");
        let terms = &terms[start..start + resource.len()];
        start += resource.len();
        print_resource(&mut out, &label, resource, terms, &config, &zone_name)
            .map_err(Error::Output)?;
    }
    Ok(())
}

/// One arrival that gave the resource a state.
struct StateChange {
    received_at: i64,
    /// 1-based, in the order `show` lists the versions.
    version: usize,
    what: &'static str,
}

/// The arrivals that gave the resource its states, oldest first: each
/// version's first arrival, and each time archived content became current
/// again. Redeliveries that changed nothing are only counted.
fn state_changes(versions: &[VersionRecord]) -> Vec<StateChange> {
    let mut changes = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        let older_fact = versions.iter().any(|other| {
            other.first_received_at < version.first_received_at
                && other.fact_time > version.fact_time
        });
        changes.push(StateChange {
            received_at: version.first_received_at,
            version: index + 1,
            what: if older_fact {
                "arrived late: an older fact, not current"
            } else {
                "new content"
            },
        });
        for &received_at in &version.restored_at {
            changes.push(StateChange {
                received_at,
                version: index + 1,
                what: "the same content again: current again",
            });
        }
    }
    changes.sort_by_key(|change| (change.received_at, change.version));
    changes
}

fn print_resource(
    out: &mut dyn Write,
    label: &str,
    versions: &[VersionRecord],
    terms: &[OfferTerms],
    config: &ShowConfig,
    zone_name: &str,
) -> std::io::Result<()> {
    let zone = &config.zone;
    let total = versions.len();
    let deliveries: i64 = versions
        .iter()
        .map(|v| 1 + v.redeliveries + v.restored_at.len() as i64)
        .sum();
    let current = versions.iter().position(|v| v.is_current);
    writeln!(
        out,
        "── {label} {} · {total} version{} · {deliveries} deliver{}",
        versions[0].resource_id,
        plural(total),
        if deliveries == 1 { "y" } else { "ies" }
    )?;
    writeln!(out, "states, as they arrived ({zone_name}):")?;
    let changes = state_changes(versions);
    let last_current = changes
        .iter()
        .rposition(|change| Some(change.version - 1) == current);
    for (position, change) in changes.iter().enumerate() {
        let now = if Some(position) == last_current {
            "  ← current"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}  version {}  {}{now}",
            time(Some(change.received_at), zone),
            change.version,
            change.what
        )?;
    }
    for (index, version) in versions.iter().enumerate() {
        writeln!(out)?;
        let current = if version.is_current { " (current)" } else { "" };
        writeln!(
            out,
            "── version {} of {total}{current} · {}",
            index + 1,
            version.kind
        )?;
        // A version has a fact time only from its body (see store::dating);
        // one without is listed and reported by its arrival.
        match version.fact_time {
            Some(seconds) => {
                writeln!(out, "fact time:      {}", time(Some(seconds * 1000), zone))?;
                writeln!(out, "time source:    body")?;
            }
            None => {
                writeln!(
                    out,
                    "fact time:      {}",
                    time(Some(version.first_received_at), zone)
                )?;
                writeln!(
                    out,
                    "time source:    arrival (the body carries no plausible time)"
                )?;
            }
        }
        writeln!(
            out,
            "first received: {}",
            time(Some(version.first_received_at), zone)
        )?;
        writeln!(
            out,
            "last received:  {}",
            time(Some(version.last_received_at), zone)
        )?;
        writeln!(out, "redeliveries:   {}", version.redeliveries)?;
        if let Some((payout, revenue)) = &terms[index] {
            writeln!(out, "payout:         {}", terms_line(payout))?;
            writeln!(out, "revenue:        {}", terms_line(revenue))?;
        }
        match index.checked_sub(1).filter(|_| config.diff) {
            Some(before) => print_changes(out, &versions[before].raw, &version.raw, index)?,
            None => pretty_body(out, &version.raw)?,
        }
    }
    Ok(())
}

/// A version's body as its changes from the version listed before it.
fn print_changes(
    out: &mut dyn Write,
    before: &[u8],
    after: &[u8],
    index: usize,
) -> std::io::Result<()> {
    let Some(changes) = field_changes(before, after) else {
        writeln!(out, "body (not JSON: compared whole):")?;
        return pretty_body(out, after);
    };
    writeln!(
        out,
        "changes from version {index} ({} field{}):",
        changes.len(),
        plural(changes.len())
    )?;
    for change in changes {
        let old = change.old.as_deref().unwrap_or("(absent)");
        let new = change.new.as_deref().unwrap_or("(absent)");
        writeln!(out, "  {}: {old} → {new}", change.path)?;
    }
    Ok(())
}

/// Blank terms: the body names no default payout/revenue entry with a type
/// (see `everflow/extract/offer_terms.rs`).
fn terms_line(terms: &PricingTerms) -> String {
    format_terms(terms.model.as_deref(), terms.amount, terms.percentage)
        .unwrap_or_else(|| "(not set)".to_owned())
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn time(millis: Option<i64>, zone: &TimeZone) -> String {
    millis
        .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        .map_or_else(
            || "unknown".to_owned(),
            |t| {
                t.to_zoned_datetime(zone.clone())
                    .strftime("%Y-%m-%d %H:%M:%S%.3f %:z")
                    .to_string()
            },
        )
}

/// The body re-indented (keys in Everflow's order, numbers as sent); a body
/// that is not JSON (a GET query string) as it is.
fn pretty_body(out: &mut dyn Write, raw: &[u8]) -> std::io::Result<()> {
    if !write_pretty_json(out, raw)? {
        out.write_all(raw)?;
        writeln!(out)?;
    }
    Ok(())
}
