//! Reading one day of the report: every page until `paging.total_count`,
//! each row once (rows can shift between pages while Everflow fills a
//! window, so a row may come twice), and a second reading when the total
//! moved meanwhile.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::client::ReportingClient;
use super::report_row::ReportRow;
use super::windows::DayWindow;
use crate::error::{Error, Result};

/// Asked for; Everflow may answer with fewer (its `paging.page_size` says).
const PAGE_SIZE: u64 = 2000;
/// A day with more pages than this is not a day of this report.
const MOST_PAGES: u64 = 100_000;
/// UTC (API.md 2.1): the `*_unix_timestamp` fields are UTC whatever the zone.
const TIMEZONE_UTC: u32 = 67;

#[derive(Debug, Default)]
pub struct WindowRead {
    /// Each conversion once, by conversion_id, whose time is in the window
    /// (or unknown).
    pub rows: Vec<ReportRow>,
    /// Everflow's `total_count` for the request (its overlap included).
    pub total_count: u64,
    pub pages: u64,
    /// Whether `total_count` stayed the same over the pages of the last
    /// reading (two readings were made when it did not).
    pub stable: bool,
    /// Rows no webhook of their kind would be archived as, and why.
    pub unreadable: Vec<String>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    conversions: Vec<&'a RawValue>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    page_size: Option<u64>,
    #[serde(default)]
    total_count: Option<u64>,
}

pub fn read_window(client: &mut ReportingClient, window: &DayWindow) -> Result<WindowRead> {
    let request = serde_json::json!({
        "from": window.request_from(),
        "to": window.request_to(),
        "timezone_id": TIMEZONE_UTC,
        "show_conversions": true,
        "show_events": true,
    })
    .to_string();
    let first = read_pages(client, &request, window)?;
    if first.stable {
        return Ok(first);
    }
    tracing::warn!(
        window = window.describe(),
        "Everflow's total changed while paging; reading the window again"
    );
    read_pages(client, &request, window)
}

fn read_pages(
    client: &mut ReportingClient,
    request: &str,
    window: &DayWindow,
) -> Result<WindowRead> {
    let mut by_id: HashMap<String, ReportRow> = HashMap::new();
    let mut read = WindowRead {
        stable: true,
        ..WindowRead::default()
    };
    let mut first_total = None;
    for page in 1..=MOST_PAGES {
        let body = client.page(request, page, PAGE_SIZE)?;
        let envelope: Envelope<'_> = serde_json::from_str(&body).map_err(|e| {
            Error::EverflowApi(format!(
                "page {page} of the conversions report is not the documented {{\"conversions\":[…],\"paging\":{{…}}}} ({e})"
            ))
        })?;
        read.pages = page;
        let rows_here = envelope.conversions.len() as u64;
        let paging = envelope.paging.unwrap_or(Paging {
            page_size: None,
            total_count: None,
        });
        let total = paging.total_count.unwrap_or(rows_here);
        match first_total {
            None => first_total = Some(total),
            Some(first) if first != total => read.stable = false,
            Some(_) => {}
        }
        read.total_count = total;
        for raw in envelope.conversions {
            match ReportRow::read(raw.get()) {
                Ok(row) => {
                    let in_window = row
                        .columns
                        .conversion_time
                        .is_none_or(|t| window.contains(t));
                    if in_window {
                        by_id.entry(row.conversion_id().to_owned()).or_insert(row);
                    }
                }
                Err(why) => read.unreadable.push(why),
            }
        }
        let page_size = paging
            .page_size
            .filter(|size| *size > 0)
            .unwrap_or(rows_here);
        if rows_here == 0 || page * page_size >= total {
            break;
        }
    }
    let mut rows: Vec<ReportRow> = by_id.into_values().collect();
    rows.sort_by(|a, b| {
        (a.columns.conversion_time, a.conversion_id())
            .cmp(&(b.columns.conversion_time, b.conversion_id()))
    });
    read.rows = rows;
    Ok(read)
}
