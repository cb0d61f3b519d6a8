//! `evarchive show WHAT ID`: every version of one record, oldest fact first,
//! with arrival times, redelivery counts and the body pretty-printed.

use std::io::Write;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::cli::ShowArgs;
use crate::error::{Error, Result};
use crate::output::write_pretty_json;
use crate::selection::What;
use crate::store::read::{VersionRecord, open_reader, versions_of};
use crate::window::parse_zone;

pub fn run(db: &std::path::Path, args: ShowArgs) -> Result<()> {
    let what = What::parse(&args.what)?;
    let kinds: &[&str] = match what {
        What::Conversions => &["conversion_registered"],
        What::Events => &["event_registered"],
        What::Offers => &["offer_created", "offer_updated"],
        What::Advertisers => &[
            "advertiser_created",
            "advertiser_updated",
            "advertiser_signed_up",
        ],
        What::Partners => &[
            "affiliate_created",
            "affiliate_updated",
            "affiliate_signed_up",
        ],
        What::Verdicts => &["affiliate_signup_verdict"],
        What::Approvals => &["affiliate_approved_for_offer"],
        What::Blocked => &["traffic_optimized"],
        What::Deliveries => {
            return Err(Error::InvalidArgument {
                flag: "WHAT",
                why: "show takes a record (offer, conversion…); list deliveries with `evarchive query deliveries`".to_owned(),
            });
        }
    };
    let zone = parse_zone(&args.tz)?;
    let id = args.id.trim();
    let conn = open_reader(db)?;
    let versions = versions_of(&conn, kinds, id)?;
    if versions.is_empty() {
        return Err(Error::NotFound {
            what: what.name(),
            id: id.to_owned(),
        });
    }
    let mut out = std::io::stdout().lock();
    print_versions(&mut out, &versions, &zone).map_err(Error::Output)
}

/// The version each resource is currently at: the latest fact among the
/// current versions of its kinds (an offer's offer_updated outranks its
/// offer_created). `versions` is ordered by resource, then fact time.
fn current_positions(versions: &[VersionRecord]) -> Vec<usize> {
    let mut current: Vec<usize> = Vec::new();
    for (index, version) in versions.iter().enumerate() {
        if !version.is_current {
            continue;
        }
        match current.last_mut() {
            Some(last) if versions[*last].resource_id == version.resource_id => *last = index,
            _ => current.push(index),
        }
    }
    current
}

fn print_versions(
    out: &mut dyn Write,
    versions: &[VersionRecord],
    zone: &TimeZone,
) -> std::io::Result<()> {
    let total = versions.len();
    let current = current_positions(versions);
    for (index, version) in versions.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let current = if current.contains(&index) {
            " (current)"
        } else {
            ""
        };
        writeln!(
            out,
            "── {} {} · version {} of {total}{current}",
            version.kind,
            version.resource_id,
            index + 1
        )?;
        writeln!(
            out,
            "fact time:      {}",
            time(version.fact_time.map(|s| s * 1000), zone)
        )?;
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
        pretty_body(out, &version.raw)?;
    }
    Ok(())
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
