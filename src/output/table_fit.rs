//! Choosing which columns a table shows, and how wide, for a terminal width.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::rows::{Column, ColumnKind};

/// Free text is never shortened below this many characters (with its `…`):
/// a name cut shorter says nothing.
const MIN_SHRUNK_WIDTH: usize = 9;

/// The columns to show (indices, in order) and the width of each.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Fitted {
    pub visible: Vec<usize>,
    pub widths: Vec<usize>,
}

/// What a psql-style table of these widths takes: a space, the cells joined
/// by ` | `, and the trailing space.
fn table_width(widths: impl Iterator<Item = usize>) -> usize {
    let (sum, count) = widths.fold((0, 0), |(sum, count), width| (sum + width, count + 1));
    (sum + 3 * count).saturating_sub(1)
}

/// Only free text may be shortened; ids, codes, numbers and times never are.
fn shrinkable(column: &Column) -> bool {
    matches!(column.kind, ColumnKind::Text | ColumnKind::Json)
}

/// Fits columns whose content is `natural` characters wide into `max_width`
/// (none: no limit). Shrinks free text first, then leaves out the columns of
/// the highest rank (the rightmost of equal rank first); rank 0 stays even
/// if the table must then be wider than the terminal.
pub(super) fn fit(columns: &[Column], natural: &[usize], max_width: Option<usize>) -> Fitted {
    let mut visible: Vec<usize> = (0..columns.len()).collect();
    let Some(max_width) = max_width else {
        return Fitted {
            widths: natural.to_vec(),
            visible,
        };
    };
    loop {
        let minimum = table_width(visible.iter().map(|&i| {
            if shrinkable(&columns[i]) {
                natural[i].min(MIN_SHRUNK_WIDTH)
            } else {
                natural[i]
            }
        }));
        let droppable = visible
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].table.rank > 0)
            .max_by_key(|(position, i)| (columns[**i].table.rank, *position))
            .map(|(position, _)| position);
        match droppable {
            Some(position) if minimum > max_width => {
                visible.remove(position);
            }
            _ => break,
        }
    }
    let widths = share_width(columns, natural, &visible, max_width);
    Fitted { visible, widths }
}

/// Widths for the visible columns: fixed ones at their natural width, free
/// text sharing what is left, each taking no more than it needs.
fn share_width(
    columns: &[Column],
    natural: &[usize],
    visible: &[usize],
    max_width: usize,
) -> Vec<usize> {
    let fixed = table_width(visible.iter().map(|&i| {
        if shrinkable(&columns[i]) {
            0
        } else {
            natural[i]
        }
    }));
    let mut left = max_width.saturating_sub(fixed);
    let mut widths: Vec<usize> = visible.iter().map(|&i| natural[i]).collect();
    let mut flexible: Vec<usize> = (0..visible.len())
        .filter(|&position| shrinkable(&columns[visible[position]]))
        .collect();
    // Narrowest first: each takes its fair share of what is left, or less.
    flexible.sort_by_key(|&position| widths[position]);
    let count = flexible.len();
    for (taken, position) in flexible.into_iter().enumerate() {
        let share = left / (count - taken);
        let width = widths[position].min(share.max(MIN_SHRUNK_WIDTH));
        widths[position] = width;
        left = left.saturating_sub(width);
    }
    widths
}

/// `text` in at most `width` terminal columns, ending in `…` when cut.
pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut kept = String::new();
    let mut used = 0;
    for character in text.chars() {
        let character_width = character.width().unwrap_or(0);
        if used + character_width + 1 > width {
            break;
        }
        kept.push(character);
        used += character_width;
    }
    if width > 0 {
        kept.push('…');
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_terminal_columns() {
        assert_eq!(truncate("Orchid Partners", 9), "Orchid P…");
        assert_eq!(truncate("Orchid", 9), "Orchid");
        assert_eq!(truncate("日本語のテキスト", 7), "日本語…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn nothing_is_cut_without_a_limit() {
        let columns = [Column::new("a", ColumnKind::Text).rank(1)];
        assert_eq!(
            fit(&columns, &[50], None),
            Fitted {
                visible: vec![0],
                widths: vec![50]
            }
        );
    }
}
