//! Offers, advertisers and partners: records that are edited over time. Each is
//! one resource whichever event type (created, updated, signed up) carried
//! it, so its current version is the typed row marked current.

use super::{Dataset, DatasetColumn, FilterSql, TIME_SOURCE, col, millis, seconds};
use crate::rows::ColumnKind::{Code, Flag, Id, Money, Percentage, Terms, Text, Time, TimeMillis};
use crate::selection::FilterField;

pub static OFFERS: Dataset = Dataset {
    from: "offers AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("coalesce(t.time_saved, t.time_created)"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: &[
        col("offer_id", Id, "t.offer_id"),
        col("name", Text, "t.name"),
        col("offer_status", Code, "t.status").label("status"),
        col("currency_id", Code, "t.currency_id").label("currency"),
        col("advertiser_id", Id, "t.advertiser_id"),
        // The default payout/revenue entry's terms (schema version 8), with
        // Everflow's names for the parts; an amount the type does not use is
        // blank, not 0.
        col(
            "payout",
            Terms,
            "json_array(t.payout_type, t.payout_micros, t.payout_percentage_micros)",
        ),
        col(
            "revenue",
            Terms,
            "json_array(t.revenue_type, t.revenue_micros, t.revenue_percentage_micros)",
        ),
        col("payout_type", Code, "t.payout_type"),
        col("payout_amount", Money, "t.payout_micros"),
        col(
            "payout_percentage",
            Percentage,
            "t.payout_percentage_micros",
        ),
        col("revenue_type", Code, "t.revenue_type"),
        col("revenue_amount", Money, "t.revenue_micros"),
        col(
            "revenue_percentage",
            Percentage,
            "t.revenue_percentage_micros",
        ),
        col("time_created", Time, "t.time_created").label("created"),
        col("time_saved", Time, "t.time_saved").label("saved"),
        col("kind", Code, "t.kind"),
        col("received_at", TimeMillis, "t.received_at").label("received"),
        col("is_current", Flag, "t.is_current"),
        TIME_SOURCE,
    ],
    // A narrow terminal leaves out the advertiser, then the currency, the
    // revenue and the payout, and the name only after them: at 80 columns
    // the samples' offer shows its name (shortened), payout and revenue.
    table_columns: &[
        ("offer_id", 0),
        ("name", 1),
        ("offer_status", 0),
        ("payout", 2),
        ("revenue", 3),
        ("currency_id", 4),
        ("advertiser_id", 5),
        ("time_saved", 0),
    ],
    filters: &[
        (FilterField::Offer, FilterSql::Column("t.offer_id")),
        (
            FilterField::Advertiser,
            FilterSql::Column("t.advertiser_id"),
        ),
        (FilterField::Status, FilterSql::Column("t.status")),
        (FilterField::Currency, FilterSql::Column("t.currency_id")),
    ],
    statuses: None,
};

/// Everything after the id column; advertisers and partners differ only in
/// which sign-up fields Everflow fills.
macro_rules! account_columns {
    ($id:literal) => {
        &[
            col($id, Id, "t.account_id"),
            col("name", Text, "t.name"),
            col("account_status", Code, "t.status").label("status"),
            col("currency_id", Code, "t.currency_id").label("currency"),
            col("time_created", Time, "t.time_created").label("created"),
            col("time_saved", Time, "t.time_saved").label("saved"),
            col("signed_up", Flag, "t.has_signup"),
            col("website_url", Text, "t.signup_website_url"),
            col("company_description", Text, "t.signup_company_description"),
            col("referral_code", Text, "t.signup_referral_code"),
            col("advertise_method", Text, "t.signup_advertise_method"),
            col("heard_about_us", Text, "t.signup_heard_about_us"),
            col("legal_type", Text, "t.signup_legal_type"),
            col(
                "promotional_information",
                Text,
                "t.signup_promotional_information",
            ),
            col("country_code", Code, "t.signup_country_code"),
            col("kind", Code, "t.kind"),
            col("received_at", TimeMillis, "t.received_at").label("received"),
            col("is_current", Flag, "t.is_current"),
            TIME_SOURCE,
        ]
    };
}

const ADVERTISER_COLUMNS: &[DatasetColumn] = account_columns!("advertiser_id");
const PARTNER_COLUMNS: &[DatasetColumn] = account_columns!("affiliate_id");

pub static ADVERTISERS: Dataset = Dataset {
    from: "accounts AS t",
    base_filter: "t.role = 'advertiser'",
    current_filter: "t.is_current = 1",
    fact_time: seconds("coalesce(t.time_saved, t.time_created)"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: ADVERTISER_COLUMNS,
    table_columns: &[
        ("advertiser_id", 0),
        ("name", 1),
        ("account_status", 0),
        ("currency_id", 2),
        ("signed_up", 3),
        ("time_saved", 0),
    ],
    filters: &[
        (FilterField::Advertiser, FilterSql::Column("t.account_id")),
        (FilterField::Status, FilterSql::Column("t.status")),
        (FilterField::Currency, FilterSql::Column("t.currency_id")),
    ],
    statuses: None,
};

pub static PARTNERS: Dataset = Dataset {
    base_filter: "t.role = 'partner'",
    columns: PARTNER_COLUMNS,
    table_columns: &[
        ("affiliate_id", 0),
        ("name", 1),
        ("account_status", 0),
        ("currency_id", 2),
        ("signed_up", 3),
        ("time_saved", 0),
    ],
    filters: &[
        (FilterField::Affiliate, FilterSql::Column("t.account_id")),
        (FilterField::Status, FilterSql::Column("t.status")),
        (FilterField::Currency, FilterSql::Column("t.currency_id")),
    ],
    ..ADVERTISERS
};
