//! An offer's payout and revenue, from `relationship.payout_revenue`: a
//! collection of entries, one per conversion event the offer pays for (the
//! base conversion and any post-conversion events), each with a payout type
//! and amount and a revenue type and amount.
//!
//! The offer's payout is that of its default entry (`is_default: true`, the
//! base conversion in Everflow's UI). When no entry says it is the default
//! and there is exactly one, that one is taken: an offer with a single
//! payout pays that payout, whatever its flag says. Several entries and no
//! single default (none, or two) leave the columns blank: choosing one
//! would be a guess, and the body keeps them all.

use crate::everflow::json::JsonObject;
use crate::everflow::lenient::{self, FieldReader};
use crate::everflow::records::PricingTerms;

/// The payout and revenue of the offer `offer` describes; both blank when it
/// carries no usable default entry.
pub fn offer_terms(offer: &FieldReader<'_>) -> (PricingTerms, PricingTerms) {
    let Some(entry) = default_entry(offer) else {
        return (PricingTerms::default(), PricingTerms::default());
    };
    let entry = FieldReader::new(&entry);
    (side(&entry, "payout"), side(&entry, "revenue"))
}

/// The entry whose terms are the offer's (see the module's rules).
fn default_entry<'a>(offer: &FieldReader<'a>) -> Option<JsonObject<'a>> {
    let items = lenient::collection_items(offer.get("relationship.payout_revenue")?)?;
    let entries: Vec<JsonObject<'a>> = items.into_iter().filter_map(JsonObject::parse).collect();
    let is_default = |entry: &JsonObject<'a>| FieldReader::new(entry).flag("is_default");
    let defaults = entries
        .iter()
        .filter(|entry| is_default(entry) == Some(true))
        .count();
    match (defaults, entries.len()) {
        (1, _) => entries
            .into_iter()
            .find(|entry| is_default(entry) == Some(true)),
        (0, 1) => entries.into_iter().next(),
        _ => None,
    }
}

/// Which amounts a pricing model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uses {
    Amount,
    Percentage,
    Both,
}

/// Everflow's models (its Custom Payout/Revenue API reference): a flat
/// amount per action (`cpa`/`rpa`), click (`cpc`/`rpc`) or thousand
/// impressions (`cpm`/`rpm`); a percentage of the sale (`cps`/`rps`) or of
/// the revenue (`prv`); both (`cpa_cps`/`rpa_rps`). The `_sku` variants
/// (price per product) use what their base model uses. `None`: a model
/// this release does not know.
fn uses(model: &str) -> Option<Uses> {
    let model = model.trim().to_ascii_lowercase();
    match model.strip_suffix("_sku").unwrap_or(&model) {
        "cpa" | "cpc" | "cpm" | "rpa" | "rpc" | "rpm" => Some(Uses::Amount),
        "cps" | "prv" | "rps" => Some(Uses::Percentage),
        "cpa_cps" | "rpa_rps" => Some(Uses::Both),
        _ => None,
    }
}

/// One side (`payout` or `revenue`) of an entry. Everflow sends both amounts
/// whatever the type, the unused one as `0`: it is left out, so that a CPA
/// payout does not read as "0% of the sale" too. Without a type nothing says
/// what the amounts mean, so none is kept; a type this release does not know
/// keeps both as sent.
fn side(entry: &FieldReader<'_>, prefix: &str) -> PricingTerms {
    let Some(model) = entry.text(&format!("{prefix}_type")) else {
        return PricingTerms::default();
    };
    let amount = entry.money(&format!("{prefix}_amount"));
    let percentage = entry.money(&format!("{prefix}_percentage"));
    let (amount, percentage) = match uses(&model) {
        Some(Uses::Amount) => (amount, None),
        Some(Uses::Percentage) => (None, percentage),
        Some(Uses::Both) | None => (amount, percentage),
    };
    PricingTerms {
        model: Some(model),
        amount,
        percentage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::json::JsonValue;
    use crate::everflow::kind::WebhookKind;
    use crate::everflow::test_samples::{doc, sample};

    fn terms_of(body: &JsonValue<'_>) -> (PricingTerms, PricingTerms) {
        let JsonValue::Object(fields) = body else {
            panic!("an object")
        };
        offer_terms(&FieldReader::new(fields))
    }

    fn terms(model: &str, amount: Option<i64>, percentage: Option<i64>) -> PricingTerms {
        PricingTerms {
            model: Some(model.to_owned()),
            amount,
            percentage,
        }
    }

    /// An offer whose `payout_revenue` holds `entries` (JSON text).
    fn offer_with(entries: &str) -> String {
        format!(
            r#"{{"network_offer_id": 1, "relationship": {{"payout_revenue": {{"total": 9, "entries": [{entries}]}}}}}}"#
        )
    }

    #[test]
    fn the_sample_pays_cpa_and_earns_rpa() {
        for kind in [WebhookKind::OfferCreated, WebhookKind::OfferUpdated] {
            assert_eq!(
                terms_of(&sample(kind)),
                (
                    terms("cpa", Some(12_500_000), None),
                    terms("rpa", Some(20_000_000), None)
                ),
                "{kind}"
            );
        }
    }

    #[test]
    fn each_model_keeps_the_amounts_it_uses() {
        let cases = [
            ("cpa", Some(2_500_000), None),
            ("CPC", Some(2_500_000), None),
            ("cpm", Some(2_500_000), None),
            ("cps", None, Some(35_000_000)),
            ("prv", None, Some(35_000_000)),
            ("cpa_cps", Some(2_500_000), Some(35_000_000)),
            ("cps_sku", None, Some(35_000_000)),
            ("cpa_cps_sku", Some(2_500_000), Some(35_000_000)),
            // A model this release does not know: both, as sent.
            ("cpx", Some(2_500_000), Some(35_000_000)),
        ];
        for (model, amount, percentage) in cases {
            let entry = format!(
                r#"{{"is_default": true, "payout_type": "{model}", "payout_amount": "2.50", "payout_percentage": 35,
                    "revenue_type": "rps", "revenue_amount": 0, "revenue_percentage": "12.5"}}"#
            );
            let (payout, revenue) = terms_of(&doc(&offer_with(&entry)));
            assert_eq!(payout, terms(model, amount, percentage), "{model}");
            assert_eq!(revenue, terms("rps", None, Some(12_500_000)), "{model}");
        }
    }

    #[test]
    fn the_default_entry_is_the_offers() {
        let event = r#"{"is_default": false, "entry_name": "Upsell", "payout_type": "cpa", "payout_amount": 99}"#;
        let base = r#"{"is_default": "true", "payout_type": "cpa", "payout_amount": 3}"#;
        let (payout, _) = terms_of(&doc(&offer_with(&format!("{event}, {base}"))));
        assert_eq!(payout, terms("cpa", Some(3_000_000), None));
    }

    #[test]
    fn a_single_entry_is_the_offers_without_its_flag() {
        for flag in ["", r#""is_default": false,"#, r#""is_default": null,"#] {
            let entry = format!(r#"{{{flag} "payout_type": "cpa", "payout_amount": 3}}"#);
            let (payout, _) = terms_of(&doc(&offer_with(&entry)));
            assert_eq!(payout, terms("cpa", Some(3_000_000), None), "{flag}");
        }
    }

    #[test]
    fn no_single_default_among_several_is_blank() {
        let entry = |default: bool| {
            format!(r#"{{"is_default": {default}, "payout_type": "cpa", "payout_amount": 3}}"#)
        };
        for entries in [
            format!("{}, {}", entry(false), entry(false)),
            format!("{}, {}", entry(true), entry(true)),
        ] {
            assert_eq!(
                terms_of(&doc(&offer_with(&entries))),
                Default::default(),
                "{entries}"
            );
        }
    }

    #[test]
    fn blank_where_nothing_says_what_is_paid() {
        let bodies = [
            r#"{"network_offer_id": 1}"#.to_owned(),
            r#"{"network_offer_id": 1, "relationship": {}}"#.to_owned(),
            r#"{"network_offer_id": 1, "relationship": {"payout_revenue": null}}"#.to_owned(),
            offer_with(""),
            offer_with(r#""not an entry""#),
            // No type: the zeros say nothing.
            offer_with(r#"{"is_default": true, "payout_amount": 0, "payout_type": "null_value"}"#),
        ];
        for body in bodies {
            assert_eq!(terms_of(&doc(&body)), Default::default(), "{body}");
        }
    }

    #[test]
    fn a_bare_array_of_entries_is_read_too() {
        let body = r#"{"relationship": {"payout_revenue": [{"is_default": 1, "revenue_type": "rpa", "revenue_amount": "0.10"}]}}"#;
        let (payout, revenue) = terms_of(&doc(body));
        assert_eq!(payout, PricingTerms::default());
        assert_eq!(revenue, terms("rpa", Some(100_000), None));
    }

    #[test]
    fn an_unreadable_amount_is_blank() {
        let entry = r#"{"is_default": true, "payout_type": "cpa", "payout_amount": "abc"}"#;
        let (payout, _) = terms_of(&doc(&offer_with(entry)));
        assert_eq!(payout, terms("cpa", None, None));
    }
}
