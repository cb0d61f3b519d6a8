//! CSV and TSV (RFC 4180 quoting, via the `csv` crate), plain or in the
//! spreadsheet profile.

use std::io::{self, Write};

use jiff::tz::TimeZone;

use super::cell::{Cell, CellRenderer, TimeStyle};
use super::spreadsheet_safety::{Origin, spreadsheet_safe};
use super::{BUFFER_BYTES, check_row_width};
use crate::rows::{Column, ColumnKind, RowSink, Value};

/// Makes Excel read the file as UTF-8 rather than the local code page.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) struct DelimitedSink<'w> {
    // The csv writer buffers by itself (BUFFER_BYTES); a BufWriter underneath
    // would only copy every byte twice.
    writer: csv::Writer<Box<dyn Write + 'w>>,
    excel: bool,
    columns: Vec<Column>,
    cells: CellRenderer,
    guarded: String,
}

impl<'w> DelimitedSink<'w> {
    pub(super) fn new(
        delimiter: u8,
        excel: bool,
        zone: TimeZone,
        out: Box<dyn Write + 'w>,
    ) -> DelimitedSink<'w> {
        let terminator = if excel {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let out: Box<dyn Write + 'w> = if excel {
            Box::new(BomFirst {
                bom_sent: false,
                out,
            })
        } else {
            out
        };
        let writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .buffer_capacity(BUFFER_BYTES)
            .from_writer(out);
        let times = if excel {
            TimeStyle::Civil
        } else {
            TimeStyle::Rfc3339
        };
        DelimitedSink {
            writer,
            excel,
            columns: Vec::new(),
            cells: CellRenderer::new(zone, times),
            guarded: String::new(),
        }
    }
}

impl RowSink for DelimitedSink<'_> {
    fn begin(&mut self, columns: &[Column]) -> io::Result<()> {
        self.columns = columns.to_vec();
        self.writer
            .write_record(columns.iter().map(|column| column.name))
            .map_err(csv_to_io)
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        check_row_width(&self.columns, values)?;
        for (column, &value) in self.columns.iter().zip(values) {
            let cell = self.cells.render(column.kind, value);
            let field: &str = match cell {
                Cell::Null => "",
                Cell::Bool(true) => "true",
                Cell::Bool(false) => "false",
                Cell::Number(text) if self.excel && column.kind == ColumnKind::Id => {
                    spreadsheet_safe(text, Origin::NumericId, &mut self.guarded)
                }
                Cell::Text(text) | Cell::Json(text) if self.excel => {
                    spreadsheet_safe(text, Origin::Untrusted, &mut self.guarded)
                }
                Cell::Number(text) | Cell::Text(text) | Cell::Json(text) | Cell::Stamp(text) => {
                    text
                }
            };
            self.writer.write_field(field).map_err(csv_to_io)?;
        }
        self.writer.write_record(None::<&[u8]>).map_err(csv_to_io)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Puts the UTF-8 BOM ahead of the first bytes written, so that creating a
/// sink cannot fail and an unused one writes nothing.
struct BomFirst<'w> {
    bom_sent: bool,
    out: Box<dyn Write + 'w>,
}

impl Write for BomFirst<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.bom_sent {
            self.out.write_all(UTF8_BOM)?;
            self.bom_sent = true;
        }
        self.out.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Hands back the I/O error itself, so the caller still sees a broken pipe
/// as `BrokenPipe` (csv's own conversion would make it `Other`).
fn csv_to_io(error: csv::Error) -> io::Error {
    if !error.is_io_error() {
        return io::Error::other(error);
    }
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        kind => io::Error::other(format!("{kind:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;
    use crate::output::test_rows::{AWKWARD, COLUMNS, render, render_fixture};

    #[test]
    fn csv_prints_the_fixture_exactly() {
        let expected = concat!(
            "id,sub1,payout,clicks,converted_at,received_at,is_fraud,params\n",
            "1,plain,2.50,3,2026-03-08T01:59:59-05:00,2026-03-08T01:59:59.123-05:00,false,",
            "\"{\"\"a\"\": 1.50, \"\"b\"\": [true, null]}\"\n",
            "ab-12,\"a,\"\"b\"\"\nü€😀\",-1.25,0,2026-03-08T03:00:00-04:00,,true,not json\n",
            "3,,0.30,,,,,\n",
        );
        assert_eq!(render_fixture(Format::Csv), expected);
    }

    #[test]
    fn tsv_prints_the_fixture_exactly() {
        let expected = concat!(
            "id\tsub1\tpayout\tclicks\tconverted_at\treceived_at\tis_fraud\tparams\n",
            "1\tplain\t2.50\t3\t2026-03-08T01:59:59-05:00\t2026-03-08T01:59:59.123-05:00\tfalse\t",
            "\"{\"\"a\"\": 1.50, \"\"b\"\": [true, null]}\"\n",
            "ab-12\t\"a,\"\"b\"\"\nü€😀\"\t-1.25\t0\t2026-03-08T03:00:00-04:00\t\ttrue\tnot json\n",
            "3\t\t0.30\t\t\t\t\t\n",
        );
        assert_eq!(render_fixture(Format::Tsv), expected);
    }

    #[test]
    fn awkward_text_survives_a_csv_reader() {
        for (format, delimiter) in [(Format::Csv, b','), (Format::Tsv, b'\t')] {
            let printed = render_fixture(format);
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .from_reader(printed.as_bytes());
            let records: Vec<csv::StringRecord> =
                reader.records().collect::<Result<_, _>>().expect("parses");
            assert_eq!(records.len(), 3);
            assert_eq!(&records[1][1], AWKWARD);
            assert_eq!(&records[0][7], r#"{"a": 1.50, "b": [true, null]}"#);
        }
    }

    #[test]
    fn a_lone_empty_field_is_not_a_blank_line() {
        let only = [Column::new("sub1", ColumnKind::Text)];
        let printed = render(Format::Csv, false, None, &only, &[vec![Value::Text("")]]);
        assert_eq!(printed, "sub1\n\"\"\n");
    }

    #[test]
    fn no_rows_still_prints_the_header() {
        assert_eq!(
            render(Format::Csv, false, None, &COLUMNS[..2], &[]),
            "id,sub1\n"
        );
        assert_eq!(
            render(Format::Tsv, true, None, &COLUMNS[..2], &[]),
            "\u{feff}id\tsub1\r\n"
        );
    }

    /// A reader that went away, as `evarchive export | head` does.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_stays_a_broken_pipe() {
        let zone = crate::output::test_rows::new_york();
        let mut sink = DelimitedSink::new(b',', false, zone, Box::new(ClosedPipe));
        sink.begin(&COLUMNS).expect("buffered");
        let error = sink.finish().expect_err("the pipe is closed");
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
