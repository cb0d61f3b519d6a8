//! The reading commands' validated settings: which records, which window,
//! which filters (each checked against what the records have), which format
//! and columns, where the output goes.

use std::path::PathBuf;

use jiff::tz::TimeZone;

use super::time_window;
use crate::cli::{
    ExportArgs, FileArgs, FilterArgs, QueryArgs, ReportArgs, ShowArgs, StatsArgs, Summable,
    WindowArgs,
};
use crate::error::{Error, Result};
use crate::everflow::ResourceType;
use crate::grouped_sums::{Dimension, REPORT_STATUSES, report_columns, status_slot};
use crate::output::Format;
use crate::selection::{FilterField, Filters, Selection, TimeBasis, What};
use crate::store::read::{Dataset, DatasetColumn};
use crate::window::parse_zone;

/// `query WHAT`.
#[derive(Debug)]
pub struct QueryConfig {
    pub db: PathBuf,
    pub selection: Selection,
    pub format: Format,
    pub columns: Vec<DatasetColumn>,
    /// Rows at most; `None` for all.
    pub limit: Option<u64>,
}

/// `export WHAT`.
#[derive(Debug)]
pub struct ExportConfig {
    pub db: PathBuf,
    pub selection: Selection,
    pub format: Format,
    pub excel: bool,
    pub columns: Vec<DatasetColumn>,
    pub output: Option<PathBuf>,
}

/// `report conversions|events`.
#[derive(Debug)]
pub struct ReportConfig {
    pub db: PathBuf,
    pub selection: Selection,
    /// The groups, currency always among them (last unless asked elsewhere).
    pub dimensions: Vec<Dimension>,
    /// The status slots shown (`--status` narrows them).
    pub slots: Vec<usize>,
    pub format: Format,
    pub excel: bool,
    pub output: Option<PathBuf>,
    /// `--columns`: the report's columns to print, by name.
    pub columns: Option<Vec<String>>,
}

/// `show WHAT ID`.
#[derive(Debug)]
pub struct ShowConfig {
    pub db: PathBuf,
    pub what: What,
    pub resource_type: ResourceType,
    pub id: String,
    pub zone: TimeZone,
    /// Each version after the first as its changes from the one before.
    pub diff: bool,
}

/// `stats`.
#[derive(Debug)]
pub struct StatsConfig {
    pub db: PathBuf,
    pub format: Format,
}

impl QueryConfig {
    pub fn from_args(db: PathBuf, args: QueryArgs) -> Result<QueryConfig> {
        let selection = selection(args.what, &args.filters, &args.window)?;
        let dataset = Dataset::of(args.what);
        // A terminal table shows a few telling columns, ranked for a narrow
        // terminal; other formats feed programs, which get everything.
        let columns = match (&args.columns, args.format) {
            (Some(names), _) => named_columns(dataset, names)?,
            (None, Format::Table) => {
                let mut columns: Vec<DatasetColumn> = dataset
                    .table_default()
                    .into_iter()
                    .filter_map(|column| {
                        let mut chosen = *dataset.column(column.name)?;
                        chosen.column = column;
                        Some(chosen)
                    })
                    .collect();
                if selection.all_versions
                    && let Some(current) = dataset.column("is_current")
                {
                    columns.push(*current);
                }
                columns
            }
            (None, _) => dataset.file_default(),
        };
        Ok(QueryConfig {
            db,
            selection,
            format: args.format,
            columns,
            limit: (args.limit > 0).then_some(args.limit),
        })
    }
}

impl ExportConfig {
    pub fn from_args(db: PathBuf, args: ExportArgs) -> Result<ExportConfig> {
        let format = args.format.unwrap_or(Format::Csv);
        if !format.is_for_files() {
            return Err(Error::InvalidArgument {
                flag: "--format",
                why: format!(
                    "export writes {}, not {}; `evarchive query` prints tables",
                    Format::file_format_names(),
                    format.name()
                ),
            });
        }
        check_excel(&args.file, format)?;
        let selection = selection(args.what, &args.filters, &args.window)?;
        let dataset = Dataset::of(args.what);
        let columns = match &args.columns {
            Some(names) => named_columns(dataset, names)?,
            None => dataset.file_default(),
        };
        Ok(ExportConfig {
            db,
            selection,
            format,
            excel: args.file.excel,
            columns,
            output: args.file.output,
        })
    }
}

impl ReportConfig {
    pub fn from_args(db: PathBuf, args: ReportArgs) -> Result<ReportConfig> {
        let what = match args.what {
            Summable::Conversions => What::Conversions,
            Summable::Events => What::Events,
        };
        if args.filters.versions {
            return Err(Error::InvalidArgument {
                flag: "--versions",
                why: "a report sums the current version of each conversion; with every version it would count a conversion once per status it went through".to_owned(),
            });
        }
        let mut dimensions: Vec<Dimension> = Vec::with_capacity(args.by.len() + 1);
        for dimension in args.by {
            if dimensions.contains(&dimension) {
                return Err(Error::InvalidArgument {
                    flag: "--by",
                    why: format!("'{}' is given twice", dimension.name()),
                });
            }
            dimensions.push(dimension);
        }
        // Amounts in different currencies are never added together.
        if !dimensions.contains(&Dimension::Currency) {
            dimensions.push(Dimension::Currency);
        }
        // Tables for a terminal; a spreadsheet or a file gets CSV.
        let format = args
            .format
            .unwrap_or(if args.file.excel || args.file.output.is_some() {
                Format::Csv
            } else {
                Format::Table
            });
        check_excel(&args.file, format)?;
        let selection = selection(what, &args.filters, &args.window)?;
        let slots: Vec<usize> = match selection.filters.values(FilterField::Status) {
            Some(statuses) => {
                let mut slots: Vec<usize> = statuses.iter().map(|s| status_slot(Some(s))).collect();
                slots.sort_unstable();
                slots
            }
            None => (0..REPORT_STATUSES.len()).collect(),
        };
        if let Some(names) = &args.columns {
            let every_slot: Vec<usize> = (0..=REPORT_STATUSES.len()).collect();
            let known = report_columns(&dimensions, &every_slot);
            if let Some(unknown) = names
                .iter()
                .find(|name| !known.iter().any(|c| c.name == name.trim()))
            {
                return Err(Error::InvalidArgument {
                    flag: "--columns",
                    why: format!(
                        "no column '{unknown}' in this report; its columns are: {}",
                        known.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
        Ok(ReportConfig {
            db,
            selection,
            dimensions,
            slots,
            format,
            excel: args.file.excel,
            output: args.file.output,
            columns: args.columns,
        })
    }
}

impl ShowConfig {
    pub fn from_args(db: PathBuf, args: ShowArgs) -> Result<ShowConfig> {
        let resource_type = args
            .what
            .resource_type()
            .ok_or_else(|| Error::InvalidArgument {
                flag: "WHAT",
                why: format!(
                    "show takes a record (offer, conversion…); list {} with `evarchive query {}`",
                    args.what.name(),
                    args.what.name()
                ),
            })?;
        Ok(ShowConfig {
            db,
            what: args.what,
            resource_type,
            id: args.id.trim().to_owned(),
            zone: parse_zone(&args.tz)?,
            diff: args.diff,
        })
    }
}

impl StatsConfig {
    pub fn from_args(db: PathBuf, args: StatsArgs) -> StatsConfig {
        StatsConfig {
            db,
            format: args.format,
        }
    }
}

/// `--excel` shapes CSV and TSV for a spreadsheet; nothing else opens there.
fn check_excel(file: &FileArgs, format: Format) -> Result<()> {
    if file.excel && !format.is_delimited() {
        return Err(Error::InvalidArgument {
            flag: "--excel",
            why: format!(
                "goes with --format csv or tsv (spreadsheets open those), not {}",
                format.name()
            ),
        });
    }
    Ok(())
}

/// The selection flags of `what`, validated: a filter `what` has no field for,
/// or a status none of its records can have, is refused rather than silently
/// matching nothing.
fn selection(what: What, args: &FilterArgs, window: &WindowArgs) -> Result<Selection> {
    let window_flags = time_window(&window.range)?;
    let mut filters = Filters::default();
    filters.push(FilterField::Offer, &args.offer);
    filters.push(FilterField::Affiliate, &args.affiliate);
    filters.push(FilterField::Advertiser, &args.advertiser);
    filters.push(FilterField::Status, &args.status);
    filters.push(FilterField::ConversionId, &args.conversion_id);
    filters.push(FilterField::TransactionId, &args.transaction_id);
    filters.push(FilterField::Event, &args.event);
    filters.push(FilterField::Country, &args.country);
    filters.push(FilterField::Currency, &args.currency);
    for (slot, values) in (1..).zip(args.subs()) {
        filters.push(FilterField::Sub(slot), values);
    }
    let kinds: Vec<&str> = args.kind.iter().map(|kind| kind.0.as_str()).collect();
    filters.push(FilterField::Kind, &kinds);
    if args.misrouted {
        filters.push_flag(FilterField::Misrouted);
    }

    let dataset = Dataset::of(what);
    for (field, values) in &filters.any_of {
        if !dataset.has_filter(*field) {
            return Err(Error::InvalidArgument {
                flag: field.flag(),
                why: format!("{} have no such field to filter on", what.name()),
            });
        }
        if *field == FilterField::Status
            && let Some(accepted) = dataset.statuses
            && let Some(unknown) = values.iter().find(|v| !accepted.contains(&v.as_str()))
        {
            return Err(Error::InvalidArgument {
                flag: "--status",
                why: format!(
                    "'{unknown}' is not a status {} can have; use one of: {}",
                    what.name(),
                    accepted.join(", ")
                ),
            });
        }
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
        all_versions: args.versions,
    })
}

/// The columns named by `--columns`, in that order. In a table too narrow
/// for them all, the first always stays and the others are left out from
/// the right (and named on stderr), as the default columns are by rank:
/// free text shrinks first, ids and money are never cut.
fn named_columns(dataset: &Dataset, names: &[String]) -> Result<Vec<DatasetColumn>> {
    names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .enumerate()
        .map(|(position, name)| {
            dataset
                .column(name)
                .map(|column| {
                    let mut ranked = *column;
                    ranked.column = ranked
                        .column
                        .rank(u8::try_from(position).unwrap_or(u8::MAX));
                    ranked
                })
                .ok_or_else(|| Error::InvalidArgument {
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
