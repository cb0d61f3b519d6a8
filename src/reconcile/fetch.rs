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
/// Rows one window may bring into memory (a few KB each): a day with more
/// is read as its two halves, and so on, so memory stays bounded by this
/// whatever a day's volume.
pub const MOST_ROWS: u64 = 10_000;
/// The bytes of rows one window may hold: a window whose rows take more is
/// read as its halves too (or refused when it cannot be halved), so that
/// rows larger than Everflow's keep memory bounded as well (serve's
/// background runs: RELIABILITY.md).
const MOST_ROW_BYTES: u64 = 24 * 1024 * 1024;

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

/// Reads `window` in windows of at most [`MOST_ROWS`] rows (halving it as
/// long as it is longer than a few minutes), calling `each` with every
/// window read, in order.
pub fn read_bounded(
    client: &mut ReportingClient,
    window: &DayWindow,
    each: &mut dyn FnMut(&DayWindow, WindowRead) -> Result<()>,
) -> Result<()> {
    let most_rows = window.can_halve().then_some(MOST_ROWS);
    match read_window_within(client, window, most_rows)? {
        Some(read) => each(window, read),
        None => {
            let (first, second) = window.halves();
            read_bounded(client, &first, each)?;
            read_bounded(client, &second, each)
        }
    }
}

pub fn read_window(client: &mut ReportingClient, window: &DayWindow) -> Result<WindowRead> {
    read_window_within(client, window, None)?.ok_or_else(|| {
        Error::EverflowApi("a window was refused as too large without a limit".to_owned())
    })
}

/// The window read whole, or `None` as soon as its first page says it holds
/// more than `most_rows`.
fn read_window_within(
    client: &mut ReportingClient,
    window: &DayWindow,
    most_rows: Option<u64>,
) -> Result<Option<WindowRead>> {
    let request = serde_json::json!({
        "from": window.request_from(),
        "to": window.request_to(),
        "timezone_id": TIMEZONE_UTC,
        "show_conversions": true,
        "show_events": true,
    })
    .to_string();
    let Some(first) = read_pages(client, &request, window, most_rows)? else {
        return Ok(None);
    };
    if first.stable {
        return Ok(Some(first));
    }
    tracing::warn!(
        window = window.describe(),
        "Everflow's total changed while paging; reading the window again"
    );
    read_pages(client, &request, window, None)
}

fn read_pages(
    client: &mut ReportingClient,
    request: &str,
    window: &DayWindow,
    most_rows: Option<u64>,
) -> Result<Option<WindowRead>> {
    let mut by_id: HashMap<String, ReportRow> = HashMap::new();
    let mut read = WindowRead {
        stable: true,
        ..WindowRead::default()
    };
    let mut first_total = None;
    // Rows received over the pages, and the bytes of those kept.
    let (mut received, mut held_bytes) = (0u64, 0u64);
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
        received += rows_here;
        check_page(page, rows_here, &paging, received, total)?;
        if page == 1 && most_rows.is_some_and(|most| total > most) {
            return Ok(None);
        }
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
                        held_bytes += row.raw.len() as u64;
                        by_id.entry(row.conversion_id().to_owned()).or_insert(row);
                    }
                }
                Err(why) => read.unreadable.push(why),
            }
        }
        if held_bytes > MOST_ROW_BYTES {
            if most_rows.is_some() {
                return Ok(None);
            }
            return Err(Error::EverflowApi(format!(
                "the rows of {} take more than {} MiB, and the window cannot be read in shorter ones: not the documented report; check --api-base",
                window.describe(),
                MOST_ROW_BYTES / (1024 * 1024)
            )));
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
    Ok(Some(read))
}

/// Refuses a page with more rows than were asked for or than its own
/// `page_size` says, or rows beyond the report's `total_count` (`received`
/// counts this page's): an API that does not keep to its own sizes is not
/// trusted with the archive.
fn check_page(page: u64, rows_here: u64, paging: &Paging, received: u64, total: u64) -> Result<()> {
    let most = paging
        .page_size
        .filter(|size| *size > 0)
        .map_or(PAGE_SIZE, |size| size.min(PAGE_SIZE));
    if rows_here > most {
        return Err(Error::EverflowApi(format!(
            "page {page} of the conversions report holds {rows_here} rows, more than the {most} asked for: not the documented report, so none of the window's rows were used; check --api-base"
        )));
    }
    if received > total {
        return Err(Error::EverflowApi(format!(
            "the conversions report sent {received} rows by page {page}, more than its total_count of {total}: not the documented report, so none of the window's rows were used; check --api-base"
        )));
    }
    Ok(())
}
