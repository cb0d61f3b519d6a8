//! `evarchive query WHAT`: matching records, newest first, as a table by default.

use crate::cli::QueryArgs;
use crate::commands::reading::{self, all_column_names, announce_window};
use crate::error::Result;
use crate::output::Format;
use crate::selection::What;
use crate::store::read::{Dataset, open_reader, select_rows};

pub fn run(db: &std::path::Path, args: QueryArgs) -> Result<()> {
    let what = What::parse(&args.what)?;
    let format = reading::format(&args.format, &Format::ALL)?;
    let selection = reading::selection(what, args.filters, &args.window)?;
    let dataset = Dataset::of(what);
    // A terminal table shows a few telling columns; other formats feed
    // programs, which get everything.
    let mut default: Vec<&str> = match format {
        Format::Table => dataset.table_columns.to_vec(),
        _ => all_column_names(dataset),
    };
    if format == Format::Table && selection.all_versions {
        default.push("is_current");
    }
    let columns = reading::columns(dataset, args.columns.as_deref(), &default)?;
    let conn = open_reader(db)?;
    announce_window(&selection.window, selection.basis);

    let limit = (args.limit > 0).then_some(args.limit);
    let mut sink = reading::stdout_sink(format, false, selection.window.zone.clone());
    let selected = select_rows(&conn, &selection, &columns, limit, sink.as_mut())?;
    if selected.more {
        eprintln!(
            "evarchive: more than {} {} matched; showing the newest {}. Use --limit N (0 for all) or `evarchive export`",
            selected.rows,
            what.name(),
            selected.rows
        );
    } else {
        eprintln!("evarchive: {} {} matched", selected.rows, what.name());
    }
    Ok(())
}
