//! Exact decimal spelling of integer micro-units.

/// Micro-units per currency unit.
const MICROS: u64 = 1_000_000;

/// `micros` as an exact decimal with at least two places and no trailing
/// zeros beyond them: 2_500_000 → "2.50", 1 → "0.000001".
pub fn format_money(micros: i64) -> String {
    let mut text = String::with_capacity(24);
    write_money(micros, &mut text);
    text
}

/// Appends the [`format_money`] spelling to `out`, so renderers can reuse one
/// buffer for every cell.
pub(super) fn write_money(micros: i64, out: &mut String) {
    write_micros(micros, 2, out);
}

/// Appends a percentage held in micro-units of a percentage point as an
/// exact decimal without trailing zeros: 35_000_000 → "35", 12_500_000 →
/// "12.5" (Everflow's own spelling of `revenue_percentage`).
pub(super) fn write_percentage(micros: i64, out: &mut String) {
    write_micros(micros, 0, out);
}

/// `micros` as an exact decimal with at least `min_places` decimal places
/// and no trailing zeros beyond them (no point when there are none).
fn write_micros(micros: i64, min_places: usize, out: &mut String) {
    // unsigned_abs: i64::MIN has no positive i64 counterpart.
    let magnitude = micros.unsigned_abs();
    if micros < 0 {
        out.push('-');
    }
    out.push_str(itoa::Buffer::new().format(magnitude / MICROS));
    let mut fraction = magnitude % MICROS;
    let mut digits = [b'0'; 6];
    for digit in digits.iter_mut().rev() {
        // The remainder of a division by ten is one decimal digit.
        *digit = b'0' + (fraction % 10) as u8;
        fraction /= 10;
    }
    let mut kept = digits.len();
    while kept > min_places && digits[kept - 1] == b'0' {
        kept -= 1;
    }
    if kept > 0 {
        out.push('.');
    }
    out.extend(digits[..kept].iter().map(|&digit| char::from(digit)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_micros_exactly() {
        let cases = [
            (0, "0.00"),
            (300_000, "0.30"),
            (2_500_000, "2.50"),
            (-1_250_000, "-1.25"),
            (1, "0.000001"),
            (-1, "-0.000001"),
            (10, "0.00001"),
            (12_345_678, "12.345678"),
            (1_000_000, "1.00"),
            (100_000_000, "100.00"),
            (i64::MAX, "9223372036854.775807"),
            (i64::MIN, "-9223372036854.775808"),
        ];
        for (micros, expected) in cases {
            assert_eq!(format_money(micros), expected, "{micros} micros");
        }
    }

    #[test]
    fn spells_percentages_without_trailing_zeros() {
        let cases = [
            (35_000_000, "35"),
            (12_500_000, "12.5"),
            (0, "0"),
            (1, "0.000001"),
            (-2_250_000, "-2.25"),
            (100_000_000, "100"),
        ];
        for (micros, expected) in cases {
            let mut text = String::new();
            write_percentage(micros, &mut text);
            assert_eq!(text, expected, "{micros} micros");
        }
    }

    #[test]
    fn appends_to_what_is_there() {
        let mut text = String::from("x=");
        write_money(2_500_000, &mut text);
        assert_eq!(text, "x=2.50");
    }
}
