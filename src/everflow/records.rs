//! What one delivery yields once understood: its resources, each with an identity,
//! the time of the fact it reports, a hash of its content and its typed columns.
//!
//! Conventions every extractor follows (Everflow is loose, the archive is exact):
//! - ids are normalised text: a JSON integer `2` and a string `"2"` both become
//!   `"2"`; `0`, `""` and `"null_value"` mean "unset" and become `None`;
//! - money is integer micro-units (`2.5` → `2_500_000`), parsed from the decimal
//!   text Everflow sent, never through binary floating point;
//! - times are Unix seconds; `0` means unset;
//! - text: `""` and `"null_value"` become `None`, anything else is kept verbatim.

use super::kind::WebhookKind;

/// Money in millionths of the currency unit: exact, and summable by SQLite.
pub type Micros = i64;

/// 2000-01-01T00:00:00Z: no Everflow record is older, so an earlier time
/// (`0`, `1`, a count, a date typed as digits) is not a time.
pub const EARLIEST_PLAUSIBLE_TIME: i64 = 946_684_800;

/// 2^53: beyond it a time has lost its precision in every JSON reader that
/// uses doubles, and it is milliseconds or noise anyway. (Far below it, a
/// time can still be implausible for its delivery: the store compares it
/// with the arrival, which the domain does not know.)
pub const LATEST_PLAUSIBLE_TIME: i64 = 1 << 53;

/// A body's time as a fact time, if it can be one: whole Unix seconds from
/// 2000 on and below 2^53.
pub fn plausible_unix_time(time: Option<i64>) -> Option<i64> {
    time.filter(|t| (EARLIEST_PLAUSIBLE_TIME..LATEST_PLAUSIBLE_TIME).contains(t))
}

/// Everything a delivery body yields. Most kinds carry one resource;
/// `traffic_optimized` carries one per blocked variable.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractedDelivery {
    pub kind: WebhookKind,
    pub resources: Vec<ResourceRecord>,
}

/// One resource version as found in a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRecord {
    /// The dedup identity within the kind (PAYLOADS.md); composite identities are
    /// their parts joined by `:` (e.g. verdict `11:1764000011:active`).
    pub resource_id: String,
    /// When the fact happened, by the kind's own timestamp, if the body
    /// carries a plausible one (see [`plausible_unix_time`]); orders versions.
    /// `None` when it carries none: the store dates such a record by its
    /// arrival (the domain knows no clock).
    pub fact_time: Option<i64>,
    /// SHA-256 of the resource's content with volatile envelope fields removed,
    /// canonicalised so that key order and white space do not matter.
    pub content_sha256: [u8; 32],
    pub columns: TypedColumns,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypedColumns {
    Conversion(Box<ConversionColumns>),
    Offer(OfferColumns),
    Advertiser(AccountColumns),
    Partner(AccountColumns),
    SignupVerdict(SignupVerdictColumns),
    OfferApproval(OfferApprovalColumns),
    BlockedVariable(BlockedVariableColumns),
}

/// `conversion_registered` and `event_registered`: the fields PAYLOADS.md lists as
/// worth columns, with the offer/advertiser/affiliate lifted out of `relationship`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversionColumns {
    pub conversion_id: Option<String>,
    pub conversion_time: Option<i64>,
    pub click_time: Option<i64>,
    pub status: Option<String>,
    pub transaction_id: Option<String>,
    pub is_event: Option<bool>,
    pub event: Option<String>,
    pub is_view_through: Option<bool>,
    pub currency_id: Option<String>,
    pub payout: Option<Micros>,
    pub revenue: Option<Micros>,
    pub payout_type: Option<String>,
    pub revenue_type: Option<String>,
    pub sale_amount: Option<Micros>,
    pub coupon_code: Option<String>,
    pub order_id: Option<String>,
    /// `sub1`…`sub10` (slots 6–10 exist since 2026).
    pub subs: [Option<String>; 10],
    /// `adv1`…`adv10`.
    pub advs: [Option<String>; 10],
    pub source_id: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub dma: Option<String>,
    pub session_user_ip: Option<String>,
    pub conversion_user_ip: Option<String>,
    pub platform: Option<String>,
    pub device_type: Option<String>,
    pub browser: Option<String>,
    pub http_user_agent: Option<String>,
    pub isp: Option<String>,
    pub url: Option<String>,
    pub referer: Option<String>,
    pub notes: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub offer_id: Option<String>,
    pub offer_name: Option<String>,
    pub offer_status: Option<String>,
    pub advertiser_id: Option<String>,
    pub advertiser_name: Option<String>,
    pub affiliate_id: Option<String>,
    pub affiliate_name: Option<String>,
    /// `relationship.query_parameters`, re-serialised as compact JSON.
    pub query_parameters: Option<String>,
}

/// `offer_created` / `offer_updated`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferColumns {
    pub offer_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub currency_id: Option<String>,
    pub advertiser_id: Option<String>,
    pub time_created: Option<i64>,
    pub time_saved: Option<i64>,
    /// What the offer pays a partner per conversion, from its default
    /// `relationship.payout_revenue` entry (see `extract/offer_terms.rs`).
    pub payout: PricingTerms,
    /// What the offer earns per conversion, from the same entry.
    pub revenue: PricingTerms,
}

/// One side of an offer's payout/revenue entry: Everflow's type (`cpa`,
/// `rps`, `cpa_cps`, …) and the amounts that type uses. An amount the type
/// does not use is `None`, not the `0` Everflow sends for it, so that no
/// reader takes it for "pays nothing".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PricingTerms {
    /// `payout_type` / `revenue_type`, verbatim.
    pub model: Option<String>,
    /// `payout_amount` / `revenue_amount`: a flat amount per action, click or
    /// thousand impressions, in the offer's currency.
    pub amount: Option<Micros>,
    /// `payout_percentage` / `revenue_percentage` in micro-units of a
    /// percentage point (35% is `35_000_000`): a share of the sale amount
    /// (or, for `prv`, of the revenue).
    pub percentage: Option<Micros>,
}

/// Advertisers and partners (created / updated / signed up).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountColumns {
    pub account_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub currency_id: Option<String>,
    pub time_created: Option<i64>,
    pub time_saved: Option<i64>,
    /// Whether the body carries a sign-up block (`signup` or `sign_up`).
    pub has_signup: bool,
    pub signup_website_url: Option<String>,
    /// Advertisers only.
    pub signup_company_description: Option<String>,
    /// Partners only, like the rest below.
    pub signup_referral_code: Option<String>,
    pub signup_advertise_method: Option<String>,
    pub signup_heard_about_us: Option<String>,
    pub signup_legal_type: Option<String>,
    pub signup_promotional_information: Option<String>,
    /// `mailing_address.country_code`; the rest of the personal data stays in the raw body.
    pub signup_country_code: Option<String>,
}

/// `affiliate_signup_verdict`: flat.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignupVerdictColumns {
    pub affiliate_id: Option<String>,
    pub affiliate_name: Option<String>,
    pub new_status: Option<String>,
    pub employee_id: Option<String>,
    pub employee_full_name: Option<String>,
    pub verdict_time: Option<i64>,
}

/// `affiliate_approved_for_offer`: the envelope's flat fields plus the two names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferApprovalColumns {
    pub offer_id: Option<String>,
    pub affiliate_id: Option<String>,
    pub event_time: Option<i64>,
    pub offer_name: Option<String>,
    pub affiliate_name: Option<String>,
}

/// One entry of `traffic_optimized`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockedVariableColumns {
    pub blocked_variable_id: Option<String>,
    pub optimization_id: Option<String>,
    pub optimization_run_id: Option<String>,
    pub variable: Option<String>,
    pub value: Option<String>,
    pub offer_id: Option<String>,
    pub offer_name: Option<String>,
    pub affiliate_id: Option<String>,
    pub affiliate_name: Option<String>,
    pub action: Option<String>,
    pub manual_override: Option<bool>,
    pub time_created: Option<i64>,
    pub time_blocked: Option<i64>,
    pub time_blocked_until: Option<i64>,
    /// `relationship.reporting.cvr`, kept as the decimal text Everflow sent.
    pub cvr: Option<String>,
}
