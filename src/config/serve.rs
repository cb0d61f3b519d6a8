//! `serve`'s validated settings.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use super::{BackgroundPlan, StaleRule};
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::everflow::WebhookKind;
use crate::store::retention::RetentionRules;
use crate::store::{TrainingRules, WriterLimits};

/// Tokens travel in URLs pasted into Everflow, so they must survive that
/// unescaped, and be long enough not to be guessed.
const MIN_TOKEN_LENGTH: usize = 16;

#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// The token given (--token, or read from --token-file); None means the
    /// archive's, which `evarchive token --rotate` may replace while serving.
    pub token: Option<String>,
    /// Where the token was read from, when --token-file gave it.
    pub token_file: Option<PathBuf>,
    pub max_body: usize,
    /// How long a request body may take to arrive before it is refused (408).
    pub body_timeout: Duration,
    /// Where Everflow reaches us, for printing URLs; None means the bound address.
    pub public_url: Option<String>,
    /// Not a flag: the defaults suit any machine; tests shrink the queue.
    pub writer_limits: WriterLimits,
    /// Body bytes all requests may hold at once (at least two maximal
    /// bodies). Not a flag either; tests shrink it.
    pub body_budget: usize,
    /// Bytes kept free on the archive's disk (a reserve file, and the floor
    /// below which deliveries wait).
    pub disk_reserve: u64,
    /// When bodies' compression dictionaries are trained (not a flag; tests
    /// train early).
    pub training: TrainingRules,
    /// Serve HTTPS with these files; None means plain HTTP (e.g. behind a proxy).
    pub tls: Option<TlsFiles>,
    /// Kinds whose silence turns `/healthz` degraded (`--stale-after`).
    pub stale_after: Vec<StaleRule>,
    /// `--retain`: prune what nothing has arrived about for this long, daily.
    pub retention: Option<RetentionRules>,
    /// `--reconcile-every`: reconcile with Everflow's API in the background.
    pub reconcile: Option<BackgroundPlan>,
    /// `--adopt-archive`: serve the archive in place though its marker names
    /// another one.
    pub adopt_archive: bool,
}

/// The PEM files HTTPS is served with. Only their presence as a pair is checked
/// here; their content is read when the server starts.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The defaults the command line has (tests and benchmarks start from them).
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// 32 MiB: hundreds of typical bodies or a few very large ones at once, and
/// with what storing them costs on top, well inside a small VPS's memory
/// (RELIABILITY.md: peak RSS under hostile uploads).
pub const DEFAULT_BODY_BUDGET: usize = 32 * 1024 * 1024;
/// 64 MiB: as much as the WAL grows before the checkpointer restarts it, so
/// a checkpoint always has room to move it into the database.
pub const DEFAULT_DISK_RESERVE_MIB: u64 = 64;
const MIB: u64 = 1024 * 1024;

impl ServeConfig {
    /// The defaults for an archive at `db` on `listen`, with `token`.
    pub fn new(db: PathBuf, listen: SocketAddr, token: Option<String>) -> ServeConfig {
        ServeConfig {
            db,
            listen,
            token,
            token_file: None,
            max_body: DEFAULT_MAX_BODY,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            public_url: None,
            writer_limits: WriterLimits::default(),
            body_budget: DEFAULT_BODY_BUDGET,
            disk_reserve: DEFAULT_DISK_RESERVE_MIB * MIB,
            training: TrainingRules::default(),
            tls: None,
            stale_after: Vec::new(),
            retention: None,
            reconcile: None,
            adopt_archive: false,
        }
    }

    pub fn from_args(db: PathBuf, args: ServeArgs) -> Result<ServeConfig> {
        let listen = args
            .listen
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| Error::InvalidArgument {
                flag: "--listen",
                why: format!(
                    "'{}' is not an ADDRESS:PORT such as 127.0.0.1:8080 or 0.0.0.0:443",
                    args.listen
                ),
            })?;
        let token = match (args.token, &args.token_file) {
            (Some(token), _) => Some(validate_token(token, "--token")?),
            (None, Some(path)) => Some(token_from_file(path)?),
            (None, None) => None,
        };
        if args.max_body == 0 {
            return Err(Error::InvalidArgument {
                flag: "--max-body",
                why: "must be at least 1 byte (the default is 10485760, 10 MiB)".to_owned(),
            });
        }
        if args.body_timeout == 0 {
            return Err(Error::InvalidArgument {
                flag: "--body-timeout",
                why: "must be at least 1 second (the default is 30)".to_owned(),
            });
        }
        let tls = tls_files(args.tls_cert, args.tls_key)?;
        let reconcile = super::reconcile::background_plan(
            args.reconcile_every.as_deref(),
            &args.reconcile_window,
            args.api,
        )?;
        let public_url = args.public_url.as_deref().map(public_url).transpose()?;
        Ok(ServeConfig {
            db,
            listen,
            token,
            token_file: args.token_file,
            max_body: args.max_body,
            body_timeout: Duration::from_secs(args.body_timeout),
            public_url,
            writer_limits: WriterLimits::default(),
            body_budget: DEFAULT_BODY_BUDGET,
            disk_reserve: args.disk_reserve * MIB,
            training: TrainingRules::default(),
            tls,
            stale_after: args
                .stale_after
                .iter()
                .map(|rule| stale_rule(rule))
                .collect::<Result<_>>()?,
            retention: args
                .retain
                .as_deref()
                .map(|text| {
                    super::retention_age::retention_age(text)
                        .map(|keep_for| {
                            let mut rules = RetentionRules::keeping(keep_for);
                            if let Some(seconds) = args.retain_first_run_after {
                                rules.first_run_after = Duration::from_secs(seconds);
                            }
                            rules
                        })
                        .map_err(|why| Error::InvalidArgument {
                            flag: "--retain",
                            why: format!("'{text}' {why}"),
                        })
                })
                .transpose()?,
            reconcile,
            adopt_archive: args.adopt_archive,
        })
    }
}

fn tls_files(cert: Option<PathBuf>, key: Option<PathBuf>) -> Result<Option<TlsFiles>> {
    let (given, missing) = match (cert, key) {
        (Some(cert), Some(key)) => return Ok(Some(TlsFiles { cert, key })),
        (None, None) => return Ok(None),
        (Some(_), None) => ("--tls-cert", "--tls-key"),
        (None, Some(_)) => ("--tls-key", "--tls-cert"),
    };
    Err(Error::InvalidArgument {
        flag: "--tls-cert/--tls-key",
        why: format!(
            "{given} was given without {missing}. HTTPS needs both the certificate chain (--tls-cert, e.g. fullchain.pem) and its private key (--tls-key, e.g. privkey.pem); give neither to serve plain HTTP"
        ),
    })
}

/// The base of the printed URLs, which Everflow must be able to use as given.
/// `2h` (conversions) or `KIND=DURATION` (`offer_updated=7d`); durations
/// as --since takes them, days of 24 hours.
fn stale_rule(text: &str) -> Result<StaleRule> {
    let invalid = |why: String| Error::InvalidArgument {
        flag: "--stale-after",
        why: format!(
            "'{text}' {why}; give a duration such as 2h, 90m or 1d (for conversion_registered), or KIND=DURATION such as offer_updated=7d"
        ),
    };
    let (kind, duration) = match text.split_once('=') {
        Some((kind, duration)) => (
            WebhookKind::from_name(kind.trim())
                .ok_or_else(|| invalid(format!("names no webhook kind ('{kind}')")))?,
            duration.trim(),
        ),
        None => (WebhookKind::ConversionRegistered, text.trim()),
    };
    Ok(StaleRule {
        kind,
        after: super::positive_duration(duration).map_err(|why| invalid(why.to_owned()))?,
    })
}

pub(crate) fn public_url(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(Error::InvalidArgument {
            flag: "--public-url",
            why: format!(
                "'{url}' is not an http:// or https:// URL; give the address Everflow reaches this server at, e.g. https://hooks.example.com"
            ),
        }),
    }
}

fn validate_token(token: String, flag: &'static str) -> Result<String> {
    let url_safe = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if token.len() < MIN_TOKEN_LENGTH || !url_safe {
        return Err(Error::InvalidArgument {
            flag,
            why: format!(
                "use at least {MIN_TOKEN_LENGTH} characters from A-Z a-z 0-9 - . _ ~ (it is pasted into URLs), or leave it out to have one generated"
            ),
        });
    }
    Ok(token)
}

/// The token in `path`, without the whitespace (a final newline) around it.
/// A file that cannot be read or holds nothing is a bad command line: serve
/// must not start with no token, nor guess one.
fn token_from_file(path: &std::path::Path) -> Result<String> {
    let invalid = |why: String| Error::InvalidArgument {
        flag: "--token-file",
        why,
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        invalid(format!(
            "cannot read {}: {e}; give a file serve's user can read, holding the token alone",
            path.display()
        ))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(invalid(format!(
            "{} is empty; put the token in it (at least {MIN_TOKEN_LENGTH} characters from A-Z a-z 0-9 - . _ ~), or leave --token-file out to use the archive's",
            path.display()
        )));
    }
    validate_token(token.to_owned(), "--token-file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_rules_name_a_kind_or_mean_conversions() {
        let rule = stale_rule("2h").expect("valid");
        assert_eq!(rule.kind, WebhookKind::ConversionRegistered);
        assert_eq!(rule.after, Duration::from_secs(7200));
        let rule = stale_rule("partner_updated=1d").expect("valid");
        assert_eq!(rule.kind, WebhookKind::AffiliateUpdated);
        assert_eq!(rule.after, Duration::from_secs(86_400));
        for bad in ["", "soon", "offer=2h", "0s", "-2h", "1 month"] {
            let error = stale_rule(bad).expect_err(bad);
            assert_eq!(error.exit_code(), 2, "{bad}");
            assert!(error.to_string().contains("--stale-after"), "{error}");
        }
    }

    #[test]
    fn public_urls_need_their_scheme() {
        assert_eq!(
            public_url("https://hooks.example.com/").expect("valid"),
            "https://hooks.example.com"
        );
        assert_eq!(
            public_url("http://10.0.0.5:8080").expect("valid"),
            "http://10.0.0.5:8080"
        );
        for bad in [
            "hooks.example.com",
            "ftp://x",
            "https://",
            "https://a b",
            "",
        ] {
            let error = public_url(bad).expect_err(bad);
            assert_eq!(error.exit_code(), 2);
            assert!(error.to_string().contains("--public-url"), "{error}");
        }
    }
}
