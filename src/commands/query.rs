//! `evarchive query WHAT`: matching records, newest first, as a table by default.

use crate::commands::read_output::{
    self, announce_window, note_dated_by_arrival, note_hidden_columns,
};
use crate::config::QueryConfig;
use crate::error::Result;
use crate::store::read::Reader;

pub fn run(config: QueryConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    let selection = &config.selection;
    announce_window(&selection.window, selection.what, selection.basis);
    let (_stdout, mut sink) =
        read_output::output_sink(config.format, false, selection.window.zone.clone(), None)?;
    let selected = reader.select_rows(selection, &config.columns, config.limit, sink.as_mut())?;
    note_hidden_columns(
        sink.as_ref(),
        "name the columns to print with --columns, or use --format csv",
    );
    note_dated_by_arrival(selected.by_arrival, selected.rows);
    let what = selection.what.name();
    if selected.more {
        eprintln!(
            "evarchive: more than {} {what} matched; showing the newest {}. Use --limit N (0 for all) or `evarchive export`",
            selected.rows, selected.rows
        );
    } else {
        eprintln!(
            "evarchive: {} {} matched",
            selected.rows,
            read_output::counted(selected.rows, &selection.what.singular(), what)
        );
    }
    Ok(())
}
