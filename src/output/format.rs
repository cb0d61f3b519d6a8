//! The names of the output formats, as the command line spells them.

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    /// An aligned text table for people, fitted to the terminal.
    Table,
    /// RFC 4180 comma-separated values with a header row.
    Csv,
    /// The same with tabs.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// The name the command line uses.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// Whether `export` writes it (a table is for the terminal only).
    pub fn is_for_files(self) -> bool {
        !matches!(self, Format::Table)
    }

    /// The formats `export` writes, named as the command line names them
    /// ("csv, tsv, json or ndjson").
    pub fn file_format_names() -> String {
        use clap::ValueEnum;
        let names: Vec<&str> = Format::value_variants()
            .iter()
            .filter(|format| format.is_for_files())
            .map(|format| format.name())
            .collect();
        match names.split_last() {
            Some((last, [])) => (*last).to_owned(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// Whether a spreadsheet opens it (and `--excel` applies).
    pub fn is_delimited(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_command_line_s() {
        use clap::ValueEnum;
        for format in Format::value_variants() {
            let value = format.to_possible_value().expect("a value");
            assert_eq!(value.get_name(), format.name());
        }
        assert_eq!(Format::file_format_names(), "csv, tsv, json or ndjson");
    }
}
