//! Offers, advertisers and partners: records that are edited over time. Their
//! current state is the newest version across the created/updated/signed-up
//! kinds, by `time_saved` (ties: the later arrival).

use super::{Dataset, DatasetColumn, col, millis, seconds};
use crate::rows::ColumnKind::{Flag, Id, Text, Time, TimeMillis};
use crate::selection::FilterField;

/// The newest current version per offer, whichever kind carried it.
const OFFER_IS_LATEST: &str = "(t.is_current = 1 AND NOT EXISTS (
        SELECT 1 FROM offers AS n
        WHERE n.offer_id = t.offer_id AND n.is_current = 1
          AND (coalesce(n.time_saved, n.time_created, 0), n.version_id)
            > (coalesce(t.time_saved, t.time_created, 0), t.version_id)))";

pub static OFFERS: Dataset = Dataset {
    from: "offers AS t",
    base_filter: "1",
    current_filter: OFFER_IS_LATEST,
    fact_time: seconds("coalesce(t.time_saved, t.time_created)"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    columns: &[
        col("offer_id", Id, "t.offer_id"),
        col("name", Text, "t.name"),
        col("offer_status", Text, "t.status"),
        col("currency_id", Text, "t.currency_id"),
        col("advertiser_id", Id, "t.advertiser_id"),
        col("time_created", Time, "t.time_created"),
        col("time_saved", Time, "t.time_saved"),
        col("kind", Text, "t.kind"),
        col("received_at", TimeMillis, "t.received_at"),
        col("is_current", Flag, OFFER_IS_LATEST),
    ],
    table_columns: &[
        "offer_id",
        "name",
        "offer_status",
        "currency_id",
        "advertiser_id",
        "time_saved",
    ],
    filters: &[
        (FilterField::Offer, "t.offer_id"),
        (FilterField::Advertiser, "t.advertiser_id"),
        (FilterField::Status, "t.status"),
        (FilterField::Currency, "t.currency_id"),
    ],
};

/// The newest current version per account of the same role.
const ACCOUNT_IS_LATEST: &str = "(t.is_current = 1 AND NOT EXISTS (
        SELECT 1 FROM accounts AS n
        WHERE n.role = t.role AND n.account_id = t.account_id AND n.is_current = 1
          AND (coalesce(n.time_saved, n.time_created, 0), n.version_id)
            > (coalesce(t.time_saved, t.time_created, 0), t.version_id)))";

/// Everything after the id column; advertisers and partners differ only in
/// which sign-up fields Everflow fills.
macro_rules! account_columns {
    ($id:literal) => {
        &[
            col($id, Id, "t.account_id"),
            col("name", Text, "t.name"),
            col("account_status", Text, "t.status"),
            col("currency_id", Text, "t.currency_id"),
            col("time_created", Time, "t.time_created"),
            col("time_saved", Time, "t.time_saved"),
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
            col("country_code", Text, "t.signup_country_code"),
            col("kind", Text, "t.kind"),
            col("received_at", TimeMillis, "t.received_at"),
            col("is_current", Flag, ACCOUNT_IS_LATEST),
        ]
    };
}

const ADVERTISER_COLUMNS: &[DatasetColumn] = account_columns!("advertiser_id");
const PARTNER_COLUMNS: &[DatasetColumn] = account_columns!("affiliate_id");

pub static ADVERTISERS: Dataset = Dataset {
    from: "accounts AS t",
    base_filter: "t.role = 'advertiser'",
    current_filter: ACCOUNT_IS_LATEST,
    fact_time: seconds("coalesce(t.time_saved, t.time_created)"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    columns: ADVERTISER_COLUMNS,
    table_columns: &[
        "advertiser_id",
        "name",
        "account_status",
        "currency_id",
        "signed_up",
        "time_saved",
    ],
    filters: &[
        (FilterField::Advertiser, "t.account_id"),
        (FilterField::Status, "t.status"),
        (FilterField::Currency, "t.currency_id"),
    ],
};

pub static PARTNERS: Dataset = Dataset {
    base_filter: "t.role = 'partner'",
    columns: PARTNER_COLUMNS,
    table_columns: &[
        "affiliate_id",
        "name",
        "account_status",
        "currency_id",
        "signed_up",
        "time_saved",
    ],
    filters: &[
        (FilterField::Affiliate, "t.account_id"),
        (FilterField::Status, "t.status"),
        (FilterField::Currency, "t.currency_id"),
    ],
    ..ADVERTISERS
};
