//! What a reading command selects: which records (WHAT), which filters, which
//! window, current versions or all. Validated here, turned into SQL by the store.

use crate::error::{Error, Result};
use crate::window::TimeWindow;

/// The record sets `query`, `export` and `show` work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Conversions,
    Events,
    Offers,
    Advertisers,
    Partners,
    Verdicts,
    Approvals,
    Blocked,
    Deliveries,
}

impl What {
    pub const ALL: [What; 9] = [
        What::Conversions,
        What::Events,
        What::Offers,
        What::Advertisers,
        What::Partners,
        What::Verdicts,
        What::Approvals,
        What::Blocked,
        What::Deliveries,
    ];

    pub fn name(self) -> &'static str {
        match self {
            What::Conversions => "conversions",
            What::Events => "events",
            What::Offers => "offers",
            What::Advertisers => "advertisers",
            What::Partners => "partners",
            What::Verdicts => "verdicts",
            What::Approvals => "approvals",
            What::Blocked => "blocked",
            What::Deliveries => "deliveries",
        }
    }

    /// Plural or singular; `affiliates` is an alias of `partners` (Everflow's API
    /// says affiliate where its UI says partner).
    pub fn from_name(name: &str) -> Option<What> {
        let name = name.trim().to_ascii_lowercase();
        let what = match name.as_str() {
            "conversions" | "conversion" => What::Conversions,
            "events" | "event" => What::Events,
            "offers" | "offer" => What::Offers,
            "advertisers" | "advertiser" => What::Advertisers,
            "partners" | "partner" | "affiliates" | "affiliate" => What::Partners,
            "verdicts" | "verdict" => What::Verdicts,
            "approvals" | "approval" => What::Approvals,
            "blocked" | "blocks" | "block" => What::Blocked,
            "deliveries" | "delivery" => What::Deliveries,
            _ => return None,
        };
        Some(what)
    }

    pub fn parse(name: &str) -> Result<What> {
        What::from_name(name).ok_or_else(|| Error::InvalidArgument {
            flag: "WHAT",
            why: format!(
                "'{name}' is not something the archive holds; use one of: {} (alias: affiliates)",
                What::ALL.map(What::name).join(", ")
            ),
        })
    }
}

/// A filter flag; which ones apply depends on WHAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Offer,
    Affiliate,
    Advertiser,
    Status,
    Event,
    Country,
    Currency,
    /// `--sub1` … `--sub5` (1-based).
    Sub(u8),
    Kind,
}

impl FilterField {
    pub fn flag(self) -> &'static str {
        match self {
            FilterField::Offer => "--offer",
            FilterField::Affiliate => "--affiliate",
            FilterField::Advertiser => "--advertiser",
            FilterField::Status => "--status",
            FilterField::Event => "--event",
            FilterField::Country => "--country",
            FilterField::Currency => "--currency",
            FilterField::Sub(1) => "--sub1",
            FilterField::Sub(2) => "--sub2",
            FilterField::Sub(3) => "--sub3",
            FilterField::Sub(4) => "--sub4",
            FilterField::Sub(_) => "--sub5",
            FilterField::Kind => "--kind",
        }
    }
}

/// The filters given, each as (field, value), values already normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub equal: Vec<(FilterField, String)>,
}

impl Filters {
    pub fn push(&mut self, field: FilterField, value: Option<String>) {
        if let Some(value) = value {
            let value = match field {
                // Everflow writes these in upper case; users may not.
                FilterField::Country | FilterField::Currency => value.trim().to_ascii_uppercase(),
                FilterField::Status => value.trim().to_ascii_lowercase(),
                FilterField::Offer | FilterField::Affiliate | FilterField::Advertiser => {
                    value.trim().to_owned()
                }
                // Sub ids, event names and kinds are matched exactly as given:
                // a partner's sub id may well start or end with white space.
                _ => value,
            };
            self.equal.push((field, value));
        }
    }
}

/// Which time a window applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBasis {
    /// When the fact happened (the conversion, the edit…): the default.
    Fact,
    /// When the delivery reached us (`--by-received`).
    Received,
}

/// Everything a reading command selects by.
#[derive(Debug, Clone)]
pub struct Selection {
    pub what: What,
    pub filters: Filters,
    pub window: TimeWindow,
    pub basis: TimeBasis,
    /// Every version, not only the current one (`--versions`).
    pub all_versions: bool,
}
