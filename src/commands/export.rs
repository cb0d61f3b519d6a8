//! `evarchive export WHAT`: every matching record, streamed, CSV by default.

use crate::commands::read_output::{self, announce_window, note_dated_by_arrival};
use crate::config::ExportConfig;
use crate::error::Result;
use crate::store::read::Reader;

pub fn run(config: ExportConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    let selection = &config.selection;
    announce_window(&selection.window, selection.what, selection.basis);
    let (destination, mut sink) = read_output::output_sink(
        config.format,
        config.excel,
        selection.window.zone.clone(),
        config.output.as_deref(),
    )?;
    let written = reader.select_rows(selection, &config.columns, None, sink.as_mut());
    let selected = destination.settle(sink, written)?;
    note_dated_by_arrival(selected.by_arrival, selected.rows);
    eprintln!(
        "evarchive: exported {} {}",
        selected.rows,
        selection.what.name()
    );
    Ok(())
}
