//! An offer's payout or revenue in one cell, for people: the type and the
//! amounts it uses, `cpa 12.50`, `rps 35%`, `cpa_cps 1.00 + 5%`. Programs get
//! the parts as their own columns (`payout_type`, `payout_amount`,
//! `payout_percentage`, …).

use super::money_text::{write_money, write_percentage};

/// The terms as one line; `None` when there is nothing to say.
pub fn format_terms(
    model: Option<&str>,
    amount: Option<i64>,
    percentage: Option<i64>,
) -> Option<String> {
    let mut text = String::new();
    write_terms(model, amount, percentage, &mut text);
    (!text.is_empty()).then_some(text)
}

/// Appends the [`format_terms`] spelling to `out`.
pub(super) fn write_terms(
    model: Option<&str>,
    amount: Option<i64>,
    percentage: Option<i64>,
    out: &mut String,
) {
    let start = out.len();
    if let Some(model) = model {
        out.push_str(model);
    }
    if let Some(amount) = amount {
        if out.len() > start {
            out.push(' ');
        }
        write_money(amount, out);
    }
    if let Some(percentage) = percentage {
        if amount.is_some() {
            out.push_str(" + ");
        } else if out.len() > start {
            out.push(' ');
        }
        write_percentage(percentage, out);
        out.push('%');
    }
}

/// The stored form of a `Terms` cell, `[type, amount, percentage]` (see
/// [`ColumnKind::Terms`]); `None` when it is something else.
///
/// [`ColumnKind::Terms`]: crate::rows::ColumnKind::Terms
pub(super) fn parse_stored_terms(text: &str) -> Option<(Option<String>, Option<i64>, Option<i64>)> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_each_shape_of_terms() {
        let cases = [
            (Some("cpa"), Some(12_500_000), None, Some("cpa 12.50")),
            (Some("rps"), None, Some(35_000_000), Some("rps 35%")),
            (
                Some("cpa_cps"),
                Some(1_000_000),
                Some(5_500_000),
                Some("cpa_cps 1.00 + 5.5%"),
            ),
            (Some("cpa"), None, None, Some("cpa")),
            (None, Some(-250_000), None, Some("-0.25")),
            (None, None, Some(10_000_000), Some("10%")),
            (None, None, None, None),
        ];
        for (model, amount, percentage, expected) in cases {
            assert_eq!(
                format_terms(model, amount, percentage).as_deref(),
                expected,
                "{model:?} {amount:?} {percentage:?}"
            );
        }
    }

    #[test]
    fn reads_the_stored_form() {
        assert_eq!(
            parse_stored_terms(r#"["cpa",12500000,null]"#),
            Some((Some("cpa".to_owned()), Some(12_500_000), None))
        );
        assert_eq!(parse_stored_terms("cpa 12.50"), None);
    }
}
