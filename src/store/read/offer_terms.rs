//! An offer version's payout and revenue as its typed row keeps them (schema
//! version 8), for `show offer`.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::everflow::PricingTerms;

/// The payout and revenue of offer version `version_id`; `None` when it has
/// no typed row.
pub fn offer_terms(
    conn: &Connection,
    version_id: i64,
) -> Result<Option<(PricingTerms, PricingTerms)>> {
    let terms = conn
        .prepare_cached(
            "SELECT payout_type, payout_micros, payout_percentage_micros,
                    revenue_type, revenue_micros, revenue_percentage_micros
             FROM offers WHERE version_id = ?1",
        )?
        .query_row([version_id], |row| {
            Ok((
                PricingTerms {
                    model: row.get(0)?,
                    amount: row.get(1)?,
                    percentage: row.get(2)?,
                },
                PricingTerms {
                    model: row.get(3)?,
                    amount: row.get(4)?,
                    percentage: row.get(5)?,
                },
            ))
        })
        .optional()?;
    Ok(terms)
}
