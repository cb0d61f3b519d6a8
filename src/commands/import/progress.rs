//! Import's progress on a terminal: a bar by bytes of a file, a spinner for
//! a pipe, each one line no wider than the terminal (a wider line wraps
//! onto a second row).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// The bar takes the columns the text leaves (`wide_bar`); a fixed 30-column
/// bar made the line 83 columns wide in an 80-column terminal.
const FILE_LINE: &str =
    "{spinner} importing [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}";

/// The widest [`FILE_LINE`] is without its bar: a spinner, 14 columns of
/// words and brackets, `1023.99 KiB/1023.99 MiB` (23), a rate of
/// `1023.99 MiB/s` (13, with its space), ` ETA ` and 4 columns of time.
const FILE_TEXT_WIDTH: usize = 1 + 14 + 23 + 14 + 5 + 4;

/// In a terminal narrower than that: no bar, no rate (at most 34 columns).
const NARROW_FILE_LINE: &str = "{spinner} {bytes}/{total_bytes} ETA {eta}";

/// A pipe has no size to measure against: at most 37 columns.
const PIPE_LINE: &str = "{spinner} importing {bytes} {bytes_per_sec}";

/// A bar on a terminal (by bytes of a file of `size`, a spinner for a pipe);
/// nothing otherwise.
pub(super) fn progress_bar(size: Option<u64>) -> ProgressBar {
    let stderr = std::io::stderr();
    if !stderr.is_terminal() {
        return ProgressBar::hidden();
    }
    let width = terminal_size::terminal_size_of(&stderr).map(|(width, _)| usize::from(width.0));
    match size {
        Some(size) => {
            let template = match width {
                Some(width) if width <= FILE_TEXT_WIDTH => NARROW_FILE_LINE,
                _ => FILE_LINE,
            };
            ProgressBar::new(size).with_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            )
        }
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template(PIPE_LINE)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}
