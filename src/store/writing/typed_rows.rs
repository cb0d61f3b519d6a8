//! The typed columns of each family, written into the family's table.

use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use crate::store::conversion_fields::{STORED, stored_values};
use crate::store::dating::{Dating, date};

use crate::everflow::kind::{Family, WebhookKind};
use crate::everflow::records::{
    AccountColumns, BlockedVariableColumns, ConversionColumns, OfferApprovalColumns, OfferColumns,
    ResourceRecord, SignupVerdictColumns, TypedColumns,
};

/// The table holding a family's typed rows.
pub fn table_of(family: Family) -> &'static str {
    match family {
        Family::Conversion => "conversions",
        Family::Offer => "offers",
        Family::Advertiser | Family::Partner => "accounts",
        Family::SignupVerdict => "signup_verdicts",
        Family::OfferApproval => "offer_approvals",
        Family::BlockedVariable => "blocked_variables",
    }
}

/// Follows a version's `is_current` in its typed row.
pub fn set_typed_row_current(
    conn: &Connection,
    family: Family,
    version_id: i64,
    current: bool,
) -> rusqlite::Result<()> {
    let sql = format!(
        "UPDATE {} SET is_current = ?1 WHERE version_id = ?2",
        table_of(family)
    );
    conn.prepare_cached(&sql)?
        .execute(params![current, version_id])?;
    Ok(())
}

/// Where a typed row comes from: its version, the event type that first
/// carried it, and when that delivery arrived (Unix milliseconds): the
/// row's time when its body carries no plausible one.
pub struct RowOrigin {
    pub version_id: i64,
    pub kind: WebhookKind,
    pub is_current: bool,
    pub received_at: i64,
}

pub fn insert_typed_row(
    conn: &Connection,
    origin: &RowOrigin,
    resource: &ResourceRecord,
) -> rusqlite::Result<()> {
    let row = RowHead {
        version_id: origin.version_id,
        kind: origin.kind,
        is_current: origin.is_current,
        received_at: origin.received_at,
        dating: date(resource.fact_time, origin.received_at),
    };
    match &resource.columns {
        TypedColumns::Conversion(c) => insert_conversion(conn, &row, c),
        TypedColumns::Offer(c) => insert_offer(conn, &row, c),
        TypedColumns::Advertiser(c) => insert_account(conn, &row, "advertiser", c),
        TypedColumns::Partner(c) => insert_account(conn, &row, "partner", c),
        TypedColumns::SignupVerdict(c) => insert_signup_verdict(conn, &row, c),
        TypedColumns::OfferApproval(c) => insert_offer_approval(conn, &row, c),
        TypedColumns::BlockedVariable(c) => insert_blocked_variable(conn, &row, c),
    }
}

/// The columns every typed table starts with.
struct RowHead {
    version_id: i64,
    /// By name in every typed table but `conversions`, which keeps its
    /// code (schema version 5).
    kind: WebhookKind,
    is_current: bool,
    received_at: i64,
    /// The family's time column holds `dating.time` (the body's plausible
    /// time, else the arrival) and `time_source` says which.
    dating: Dating,
}

fn insert_conversion(
    conn: &Connection,
    row: &RowHead,
    c: &ConversionColumns,
) -> rusqlite::Result<()> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let places: Vec<String> = (1..=5 + STORED.len()).map(|n| format!("?{n}")).collect();
        format!(
            "INSERT INTO conversions (version_id, kind, is_current, received_at, time_source, {}) VALUES ({})",
            STORED.join(", "),
            places.join(", ")
        )
    });
    let head = [
        Value::Integer(row.version_id),
        Value::Integer(row.kind.code()),
        Value::Integer(i64::from(row.is_current)),
        Value::Integer(row.received_at),
        row.dating
            .source()
            .map_or(Value::Null, |s| Value::Text(s.to_owned())),
    ];
    // The dated time replaces the body's, by position (found once).
    static TIME_AT: LazyLock<Option<usize>> = LazyLock::new(|| {
        STORED
            .iter()
            .position(|column| *column == "conversion_time")
    });
    let stored = stored_values(c).enumerate().map(|(at, value)| {
        if Some(at) == *TIME_AT {
            Value::Integer(row.dating.time)
        } else {
            value
        }
    });
    conn.prepare_cached(&SQL)?
        .execute(params_from_iter(head.into_iter().chain(stored)))?;
    Ok(())
}

fn insert_offer(conn: &Connection, row: &RowHead, c: &OfferColumns) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO offers (version_id, kind, is_current, received_at, offer_id, name,
                             status, currency_id, advertiser_id, time_created, time_saved,
                             time_source, payout_type, payout_micros, payout_percentage_micros,
                             revenue_type, revenue_micros, revenue_percentage_micros)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18)",
    )?
    .execute(params![
        row.version_id,
        row.kind.as_str(),
        row.is_current,
        row.received_at,
        c.offer_id,
        c.name,
        c.status,
        c.currency_id,
        c.advertiser_id,
        c.time_created,
        // The version's time: the last save, else the creation, else the arrival.
        row.dating.time,
        row.dating.source(),
        c.payout.model,
        c.payout.amount,
        c.payout.percentage,
        c.revenue.model,
        c.revenue.amount,
        c.revenue.percentage,
    ])?;
    Ok(())
}

fn insert_account(
    conn: &Connection,
    row: &RowHead,
    role: &str,
    c: &AccountColumns,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO accounts (version_id, kind, is_current, received_at, role, account_id,
                               name, status, currency_id, time_created, time_saved,
                               has_signup, signup_website_url, signup_company_description,
                               signup_referral_code, signup_advertise_method,
                               signup_heard_about_us, signup_legal_type,
                               signup_promotional_information, signup_country_code,
                               time_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21)",
    )?
    .execute(params![
        row.version_id,
        row.kind.as_str(),
        row.is_current,
        row.received_at,
        role,
        c.account_id,
        c.name,
        c.status,
        c.currency_id,
        c.time_created,
        // As for offers: the last save, else the creation, else the arrival.
        row.dating.time,
        c.has_signup,
        c.signup_website_url,
        c.signup_company_description,
        c.signup_referral_code,
        c.signup_advertise_method,
        c.signup_heard_about_us,
        c.signup_legal_type,
        c.signup_promotional_information,
        c.signup_country_code,
        row.dating.source(),
    ])?;
    Ok(())
}

fn insert_signup_verdict(
    conn: &Connection,
    row: &RowHead,
    c: &SignupVerdictColumns,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO signup_verdicts (version_id, is_current, received_at, affiliate_id,
                                      affiliate_name, new_status, employee_id,
                                      employee_full_name, verdict_time, time_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        row.version_id,
        row.is_current,
        row.received_at,
        c.affiliate_id,
        c.affiliate_name,
        c.new_status,
        c.employee_id,
        c.employee_full_name,
        row.dating.time,
        row.dating.source(),
    ])?;
    Ok(())
}

fn insert_offer_approval(
    conn: &Connection,
    row: &RowHead,
    c: &OfferApprovalColumns,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO offer_approvals (version_id, is_current, received_at, offer_id,
                                      affiliate_id, event_time, offer_name, affiliate_name,
                                      time_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        row.version_id,
        row.is_current,
        row.received_at,
        c.offer_id,
        c.affiliate_id,
        row.dating.time,
        c.offer_name,
        c.affiliate_name,
        row.dating.source(),
    ])?;
    Ok(())
}

fn insert_blocked_variable(
    conn: &Connection,
    row: &RowHead,
    c: &BlockedVariableColumns,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO blocked_variables (version_id, is_current, received_at,
                                        blocked_variable_id, optimization_id,
                                        optimization_run_id, variable, value, offer_id,
                                        offer_name, affiliate_id, affiliate_name, action,
                                        manual_override, time_created, time_blocked,
                                        time_blocked_until, cvr, time_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19)",
    )?
    .execute(params![
        row.version_id,
        row.is_current,
        row.received_at,
        c.blocked_variable_id,
        c.optimization_id,
        c.optimization_run_id,
        c.variable,
        c.value,
        c.offer_id,
        c.offer_name,
        c.affiliate_id,
        c.affiliate_name,
        c.action,
        c.manual_override,
        c.time_created,
        row.dating.time,
        c.time_blocked_until,
        c.cvr,
        row.dating.source(),
    ])?;
    Ok(())
}
