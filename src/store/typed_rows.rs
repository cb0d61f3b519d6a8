//! The typed columns of each family, written into the family's table.

use rusqlite::{Connection, params};

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
/// carried it, and when that delivery arrived (Unix milliseconds).
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
        kind: origin.kind.as_str(),
        is_current: origin.is_current,
        received_at: origin.received_at,
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
    kind: &'static str,
    is_current: bool,
    received_at: i64,
}

fn insert_conversion(
    conn: &Connection,
    row: &RowHead,
    c: &ConversionColumns,
) -> rusqlite::Result<()> {
    let [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10] = &c.subs;
    let [a1, a2, a3, a4, a5, a6, a7, a8, a9, a10] = &c.advs;
    conn.prepare_cached(
        "INSERT INTO conversions (
            version_id, kind, is_current, received_at,
            conversion_id, conversion_time, click_time, status, transaction_id,
            is_event, event, is_view_through, currency_id,
            payout_micros, revenue_micros, payout_type, revenue_type, sale_amount_micros,
            coupon_code, order_id,
            sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10,
            adv1, adv2, adv3, adv4, adv5, adv6, adv7, adv8, adv9, adv10,
            source_id, country, region, city, dma, session_user_ip, conversion_user_ip,
            platform, device_type, browser, http_user_agent, isp, url, referer, notes,
            error_code, error_message,
            offer_id, offer_name, offer_status, advertiser_id, advertiser_name,
            affiliate_id, affiliate_name, query_parameters)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,
                 ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44,
                 ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, ?54, ?55, ?56, ?57, ?58,
                 ?59, ?60, ?61, ?62, ?63, ?64, ?65)",
    )?
    .execute(params![
        row.version_id,
        row.kind,
        row.is_current,
        row.received_at,
        c.conversion_id,
        c.conversion_time,
        c.click_time,
        c.status,
        c.transaction_id,
        c.is_event,
        c.event,
        c.is_view_through,
        c.currency_id,
        c.payout,
        c.revenue,
        c.payout_type,
        c.revenue_type,
        c.sale_amount,
        c.coupon_code,
        c.order_id,
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
        s7,
        s8,
        s9,
        s10,
        a1,
        a2,
        a3,
        a4,
        a5,
        a6,
        a7,
        a8,
        a9,
        a10,
        c.source_id,
        c.country,
        c.region,
        c.city,
        c.dma,
        c.session_user_ip,
        c.conversion_user_ip,
        c.platform,
        c.device_type,
        c.browser,
        c.http_user_agent,
        c.isp,
        c.url,
        c.referer,
        c.notes,
        c.error_code,
        c.error_message,
        c.offer_id,
        c.offer_name,
        c.offer_status,
        c.advertiser_id,
        c.advertiser_name,
        c.affiliate_id,
        c.affiliate_name,
        c.query_parameters,
    ])?;
    Ok(())
}

fn insert_offer(conn: &Connection, row: &RowHead, c: &OfferColumns) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO offers (version_id, kind, is_current, received_at, offer_id, name,
                             status, currency_id, advertiser_id, time_created, time_saved)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        row.version_id,
        row.kind,
        row.is_current,
        row.received_at,
        c.offer_id,
        c.name,
        c.status,
        c.currency_id,
        c.advertiser_id,
        c.time_created,
        c.time_saved,
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
                               signup_promotional_information, signup_country_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        row.version_id,
        row.kind,
        row.is_current,
        row.received_at,
        role,
        c.account_id,
        c.name,
        c.status,
        c.currency_id,
        c.time_created,
        c.time_saved,
        c.has_signup,
        c.signup_website_url,
        c.signup_company_description,
        c.signup_referral_code,
        c.signup_advertise_method,
        c.signup_heard_about_us,
        c.signup_legal_type,
        c.signup_promotional_information,
        c.signup_country_code,
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
                                      employee_full_name, verdict_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
        c.verdict_time,
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
                                      affiliate_id, event_time, offer_name, affiliate_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        row.version_id,
        row.is_current,
        row.received_at,
        c.offer_id,
        c.affiliate_id,
        c.event_time,
        c.offer_name,
        c.affiliate_name,
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
                                        time_blocked_until, cvr)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18)",
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
        c.time_blocked,
        c.time_blocked_until,
        c.cvr,
    ])?;
    Ok(())
}
