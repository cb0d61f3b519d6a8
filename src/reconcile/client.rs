//! One page of `POST {base}/networks/reporting/conversions`, asked politely:
//! a timeout on every request, at most 10 requests a second (Everflow allows
//! 20 per network, shared with every other client of the account), retries
//! of 429, 5xx and dropped connections, and errors that name the fix.

use std::io::Read;
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::retry::{ATTEMPTS, wait_before_retry};
use crate::config::ApiSettings;
use crate::error::{Error, Result};

const PATH: &str = "/networks/reporting/conversions";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A page of 2,000 rows is a few megabytes; a slow report gets this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const SPACING: Duration = Duration::from_millis(100);
/// The most a report row may take on average: a conversion's webhook body
/// (examples/samples) is under 2 KB, and the report row carries the same
/// fields. A page is read up to `page_size` times this (16 MiB for 2,000
/// rows), never the length the answer announces, so a broken or hostile
/// API costs that much memory at most.
const ROW_BYTES: u64 = 8 * 1024;
/// The envelope around the rows (`paging`, brackets).
const ENVELOPE_BYTES: u64 = 64 * 1024;

pub struct ReportingClient {
    agent: ureq::Agent,
    settings: ApiSettings,
    last_request: Option<Instant>,
}

impl ReportingClient {
    pub fn new(settings: ApiSettings) -> ReportingClient {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("evarchive/", env!("CARGO_PKG_VERSION")))
            // A redirect would carry the key's header to wherever it points.
            .redirects(0)
            .build();
        ReportingClient {
            agent,
            settings,
            last_request: None,
        }
    }

    /// The body of page `page` of the report `request` asks for.
    pub fn page(&mut self, request: &str, page: u64, page_size: u64) -> Result<String> {
        let url = format!("{}{PATH}", self.settings.base);
        let mut failed = 0;
        loop {
            self.pace();
            let response = self
                .agent
                .post(&url)
                .query("page", &page.to_string())
                .query("page_size", &page_size.to_string())
                .set("X-Eflow-API-Key", self.settings.key.expose())
                .set("Content-Type", "application/json")
                .send_string(request);
            failed += 1;
            let retry_after = match response {
                Ok(response) if response.status() >= 300 => {
                    return Err(Error::EverflowApi(format!(
                        "HTTP {} from {}: the API does not redirect; check --api-base (EVARCHIVE_EVERFLOW_API_BASE), or try --eu",
                        response.status(),
                        self.settings.base
                    )));
                }
                Ok(response) => return self.read_body(response, page, page_size),
                Err(ureq::Error::Status(status, response)) if status == 429 || status >= 500 => {
                    let why = format!("HTTP {status}");
                    if failed >= ATTEMPTS {
                        return Err(self.gave_up(&why));
                    }
                    tracing::warn!(status, page, "Everflow asked to retry later");
                    response.header("Retry-After").map(str::to_owned)
                }
                Err(ureq::Error::Status(status, response)) => {
                    return Err(self.refused(status, response));
                }
                Err(ureq::Error::Transport(transport)) => {
                    let why = self.settings.key.redact(&transport.to_string());
                    if failed >= ATTEMPTS {
                        return Err(self.gave_up(&why));
                    }
                    tracing::warn!(page, "cannot reach Everflow ({why}); retrying");
                    None
                }
            };
            sleep(wait_before_retry(failed, retry_after.as_deref()));
        }
    }

    /// Waits so that requests stay `SPACING` apart.
    fn pace(&mut self) {
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < SPACING {
                sleep(SPACING - since);
            }
        }
        self.last_request = Some(Instant::now());
    }

    /// The page's text, read up to what `page_size` rows may take: a
    /// larger page (announced or sent) is refused before it is held.
    fn read_body(&self, response: ureq::Response, page: u64, page_size: u64) -> Result<String> {
        let limit = largest_page_bytes(page_size);
        let too_large = |size: &str| {
            Error::EverflowApi(format!(
                "page {page} from {} is {size}, more than {page_size} rows can take ({:.1} MiB at most): not a page of the conversions report; check --api-base",
                self.settings.base,
                limit as f64 / (1024.0 * 1024.0)
            ))
        };
        let announced = response
            .header("Content-Length")
            .and_then(|length| length.trim().parse::<u64>().ok());
        if let Some(length) = announced.filter(|length| *length > limit) {
            return Err(too_large(&format!("announced as {length} bytes")));
        }
        let mut body = Vec::new();
        response
            .into_reader()
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                Error::EverflowApi(format!(
                    "a page from {} could not be read: {}",
                    self.settings.base,
                    self.settings.key.redact(&e.to_string())
                ))
            })?;
        if body.len() as u64 > limit {
            return Err(too_large(&format!("longer than {limit} bytes")));
        }
        String::from_utf8(body).map_err(|e| {
            Error::EverflowApi(format!(
                "page {page} from {} is not UTF-8 text (at byte {}): not a page of the conversions report",
                self.settings.base,
                e.utf8_error().valid_up_to()
            ))
        })
    }

    fn gave_up(&self, why: &str) -> Error {
        Error::EverflowApi(format!(
            "{} did not answer after {ATTEMPTS} attempts (last: {why}); try again later, and check --api-base",
            self.settings.base
        ))
    }

    /// 400, 401, 403, 404 and other refusals: not retried, and explained.
    fn refused(&self, status: u16, response: ureq::Response) -> Error {
        let said = everflow_error(response)
            .map(|text| format!(" (Everflow said: {})", self.settings.key.redact(&text)))
            .unwrap_or_default();
        let fix = match status {
            401 => {
                "the API key was not accepted: check the key in EVARCHIVE_EVERFLOW_API_KEY or --api-key-file (a network API key, from Control Center › Security)"
            }
            403 => {
                "the API key may not read network reports: use a network API key with reporting access; if the account is hosted in the EU, try --eu"
            }
            404 => {
                "the reporting endpoint was not found: check --api-base (EVARCHIVE_EVERFLOW_API_BASE); if the account is hosted in the EU, try --eu"
            }
            400 => {
                "Everflow refused the request: its report covers only the last 365 days, so start --since later"
            }
            _ => "Everflow refused the request",
        };
        Error::EverflowApi(format!(
            "HTTP {status} from {}{said}: {fix}",
            self.settings.base
        ))
    }
}

/// The most bytes a page of `page_size` rows is read to.
fn largest_page_bytes(page_size: u64) -> u64 {
    page_size
        .saturating_mul(ROW_BYTES)
        .saturating_add(ENVELOPE_BYTES)
}

/// The `error` of Everflow's error body `{"error":"…"}`, shortened.
fn everflow_error(response: ureq::Response) -> Option<String> {
    let mut body = String::new();
    response
        .into_reader()
        .take(64 * 1024)
        .read_to_string(&mut body)
        .ok()?;
    let value: serde_json::Value = serde_json::from_str(&body).ok()?;
    let text = value.get("error")?.as_str()?;
    Some(text.chars().take(200).collect())
}
