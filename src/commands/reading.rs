//! What every reading command shares: turning filter and window flags into a
//! validated `Selection`, choosing columns, and opening the output.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::cli::{FilterArgs, WindowArgs};
use crate::error::{Error, Result};
use crate::everflow::WebhookKind;
use jiff::tz::TimeZone;

use crate::output::{self, Format, RenderOptions};
use crate::rows::RowSink;
use crate::selection::{FilterField, Filters, Selection, TimeBasis, What};
use crate::store::read::{Dataset, DatasetColumn};
use crate::window::{TimeWindow, now, resolve_window};

/// Validates the selection flags of `what`. A filter that `what` has no field
/// for is refused rather than silently ignored.
pub fn selection(what: What, filters: FilterArgs, window: &WindowArgs) -> Result<Selection> {
    let window_flags = resolve_window(
        window.since.as_deref(),
        window.until.as_deref(),
        &window.tz,
        now()?,
    )?;
    let all_versions = filters.versions;
    let filters = filters_of(filters)?;
    let dataset = Dataset::of(what);
    if let Some((field, _)) = filters
        .equal
        .iter()
        .find(|(field, _)| dataset.filter_column(*field).is_none())
    {
        return Err(Error::InvalidArgument {
            flag: field.flag(),
            why: format!("{} have no such field to filter on", what.name()),
        });
    }
    Ok(Selection {
        what,
        filters,
        window: window_flags,
        basis: if window.by_received {
            TimeBasis::Received
        } else {
            TimeBasis::Fact
        },
        all_versions,
    })
}

fn filters_of(args: FilterArgs) -> Result<Filters> {
    let mut filters = Filters::default();
    filters.push(FilterField::Offer, args.offer);
    filters.push(FilterField::Affiliate, args.affiliate);
    filters.push(FilterField::Advertiser, args.advertiser);
    filters.push(FilterField::Status, args.status);
    filters.push(FilterField::Event, args.event);
    filters.push(FilterField::Country, args.country);
    filters.push(FilterField::Currency, args.currency);
    for (slot, value) in [args.sub1, args.sub2, args.sub3, args.sub4, args.sub5]
        .into_iter()
        .enumerate()
    {
        filters.push(FilterField::Sub(slot as u8 + 1), value);
    }
    if let Some(kind) = args.kind {
        let kind = WebhookKind::from_name(kind.trim()).ok_or_else(|| Error::InvalidArgument {
            flag: "--kind",
            why: format!(
                "'{kind}' is not a webhook kind; use one of: {}",
                WebhookKind::ALL.map(WebhookKind::as_str).join(", ")
            ),
        })?;
        filters.push(FilterField::Kind, Some(kind.as_str().to_owned()));
    }
    Ok(filters)
}

pub fn format(name: &str, allowed: &[Format]) -> Result<Format> {
    Format::from_name(name)
        .filter(|format| allowed.contains(format))
        .ok_or_else(|| Error::InvalidArgument {
            flag: "--format",
            why: format!(
                "'{name}' is not an output format here; use one of: {}",
                allowed
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The columns to print: those named by `--columns`, else `default`.
pub fn columns<'d>(
    dataset: &'d Dataset,
    named: Option<&[String]>,
    default: &[&str],
) -> Result<Vec<&'d DatasetColumn>> {
    let names: Vec<&str> = match named {
        Some(named) => named
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .collect(),
        None => default.to_vec(),
    };
    names
        .into_iter()
        .map(|name| {
            dataset.column(name).ok_or_else(|| Error::InvalidArgument {
                flag: "--columns",
                why: format!(
                    "no column '{name}' here; the columns are: {}",
                    dataset
                        .columns
                        .iter()
                        .map(|c| c.column.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        })
        .collect()
}

/// Every column of the dataset, by name.
pub fn all_column_names(dataset: &Dataset) -> Vec<&'static str> {
    dataset.columns.iter().map(|c| c.column.name).collect()
}

/// Tells the user on stderr which window was applied.
pub fn announce_window(window: &TimeWindow, basis: TimeBasis) {
    let basis = match basis {
        TimeBasis::Fact => "by the time of the fact",
        TimeBasis::Received => "by the time received",
    };
    eprintln!("evarchive: window {} ({basis})", window.describe());
}

/// How wide a table may be: the terminal's width when stdout is a terminal
/// (`COLUMNS` wins when set), unlimited when piped.
pub fn table_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(width, _)| usize::from(width.0))
}

/// A renderer printing to stdout; tables fit the terminal.
pub fn stdout_sink(format: Format, excel: bool, zone: TimeZone) -> Box<dyn RowSink> {
    let max_width = if format == Format::Table {
        table_width()
    } else {
        None
    };
    output::sink(
        RenderOptions {
            format,
            excel,
            zone,
            max_width,
        },
        Box::new(std::io::stdout().lock()),
    )
}

/// Where the output goes: stdout, or a file written under a temporary name
/// and renamed into place by `Destination::finish`, so it is never half-written.
pub enum Destination {
    Stdout,
    File { partial: PathBuf, path: PathBuf },
}

impl Destination {
    pub fn open(path: Option<&Path>) -> Result<(Destination, Box<dyn Write>)> {
        let Some(path) = path else {
            return Ok((Destination::Stdout, Box::new(std::io::stdout().lock())));
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|source| Error::Io {
            context: format!("cannot create {}", partial.display()),
            source,
        })?;
        Ok((
            Destination::File {
                partial,
                path: path.to_owned(),
            },
            Box::new(file),
        ))
    }

    pub fn finish(self) -> Result<()> {
        if let Destination::File { partial, path } = self {
            std::fs::rename(&partial, &path).map_err(|source| Error::Io {
                context: format!("cannot rename {} to {}", partial.display(), path.display()),
                source,
            })?;
        }
        Ok(())
    }

    /// Removes the partial file of a failed export.
    pub fn abandon(self) {
        if let Destination::File { partial, .. } = self {
            let _ = std::fs::remove_file(partial);
        }
    }
}
