//! `evarchive export WHAT`: every matching record, streamed, CSV by default.

use crate::cli::ExportArgs;
use crate::commands::reading::{self, Destination, all_column_names, announce_window};
use crate::error::{Error, Result};
use crate::output::{self, Format, RenderOptions};
use crate::selection::What;
use crate::store::read::{Dataset, open_reader, select_rows};

const EXPORT_FORMATS: [Format; 4] = [Format::Csv, Format::Tsv, Format::Json, Format::Ndjson];

pub fn run(db: &std::path::Path, args: ExportArgs) -> Result<()> {
    let what = What::parse(&args.what)?;
    let format = reading::format(&args.format, &EXPORT_FORMATS)?;
    if args.excel && !matches!(format, Format::Csv | Format::Tsv) {
        return Err(Error::InvalidArgument {
            flag: "--excel",
            why: "goes with --format csv or tsv (spreadsheets open those)".to_owned(),
        });
    }
    let selection = reading::selection(what, args.filters, &args.window)?;
    let dataset = Dataset::of(what);
    let columns = reading::columns(dataset, args.columns.as_deref(), &all_column_names(dataset))?;
    let conn = open_reader(db)?;
    announce_window(&selection.window, selection.basis);

    let (destination, out) = Destination::open(args.output.as_deref())?;
    let mut sink = output::sink(
        RenderOptions {
            format,
            excel: args.excel,
            zone: selection.window.zone.clone(),
            max_width: None,
        },
        out,
    );
    match select_rows(&conn, &selection, &columns, None, sink.as_mut()) {
        Ok(selected) => {
            drop(sink);
            destination.finish()?;
            eprintln!("evarchive: exported {} {}", selected.rows, what.name());
            Ok(())
        }
        Err(error) => {
            drop(sink);
            destination.abandon();
            Err(error)
        }
    }
}
