//! `evarchive export WHAT`: every matching record, streamed, CSV by default.

use crate::commands::reading::{self, announce_window, note_dated_by_arrival};
use crate::config::ExportConfig;
use crate::error::Result;
use crate::store::read::{open_reader, select_rows};

pub fn run(config: ExportConfig) -> Result<()> {
    let conn = open_reader(&config.db)?;
    let selection = &config.selection;
    announce_window(&selection.window, selection.what, selection.basis);
    let (destination, mut sink) = reading::output_sink(
        config.format,
        config.excel,
        selection.window.zone.clone(),
        config.output.as_deref(),
    )?;
    let written = select_rows(&conn, selection, &config.columns, None, sink.as_mut());
    let selected = destination.settle(sink, written)?;
    note_dated_by_arrival(selected.by_arrival, selected.rows);
    eprintln!(
        "evarchive: exported {} {}",
        selected.rows,
        selection.what.name()
    );
    Ok(())
}
