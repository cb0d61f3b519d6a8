//! What a reading command selects: which records (WHAT), which filters, which
//! window, current versions or all. Validated in `config`, turned into SQL by
//! the store.

use clap::ValueEnum;

use crate::everflow::ResourceType;
use crate::everflow::numbered::numbered_name;
use crate::window::TimeWindow;

/// The record sets `query`, `export` and `show` work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum What {
    #[value(alias = "conversion")]
    Conversions,
    /// Post-conversion events.
    #[value(alias = "event")]
    Events,
    #[value(alias = "offer")]
    Offers,
    #[value(alias = "advertiser")]
    Advertisers,
    /// Partners (Everflow's API says affiliates).
    #[value(aliases = ["partner", "affiliates", "affiliate"])]
    Partners,
    /// Partner sign-up verdicts.
    #[value(alias = "verdict")]
    Verdicts,
    /// Partners approved for offers.
    #[value(alias = "approval")]
    Approvals,
    /// Traffic-optimisation blocks.
    #[value(aliases = ["blocks", "block"])]
    Blocked,
    /// Every delivery of any kind, with its outcome.
    #[value(alias = "delivery")]
    Deliveries,
    /// Requests refused after authentication (the capped refusal log).
    #[value(alias = "refusal")]
    Refusals,
}

impl What {
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The name of one (`1 conversion matched`), from the plural.
    pub fn singular(self) -> String {
        let name = self.name();
        match (name.strip_suffix("ies"), name.strip_suffix('s')) {
            (Some(stem), _) => format!("{stem}y"),
            (None, Some(stem)) => stem.to_owned(),
            (None, None) => name.to_owned(),
        }
    }

    /// The resource type of a WHAT that is a record; none for the logs
    /// (deliveries, refusals).
    pub fn resource_type(self) -> Option<ResourceType> {
        Some(match self {
            What::Conversions => ResourceType::Conversion,
            What::Events => ResourceType::Event,
            What::Offers => ResourceType::Offer,
            What::Advertisers => ResourceType::Advertiser,
            What::Partners => ResourceType::Partner,
            What::Verdicts => ResourceType::SignupVerdict,
            What::Approvals => ResourceType::OfferApproval,
            What::Blocked => ResourceType::BlockedVariable,
            What::Deliveries | What::Refusals => return None,
        })
    }

    /// The WHAT that lists the records of `resource_type` (every type has
    /// one: a test says so).
    pub fn listing(resource_type: ResourceType) -> Option<What> {
        What::value_variants()
            .iter()
            .copied()
            .find(|what| what.resource_type() == Some(resource_type))
    }
}

/// A filter flag; which ones apply depends on WHAT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    Offer,
    Affiliate,
    Advertiser,
    Status,
    ConversionId,
    TransactionId,
    Event,
    Country,
    Currency,
    /// `--sub1` … `--sub10` (1-based).
    Sub(u8),
    Kind,
    /// `--misrouted`: a flag, given with no values.
    Misrouted,
}

impl FilterField {
    pub fn flag(self) -> &'static str {
        match self {
            FilterField::Offer => "--offer",
            FilterField::Affiliate => "--affiliate",
            FilterField::Advertiser => "--advertiser",
            FilterField::Status => "--status",
            FilterField::ConversionId => "--conversion-id",
            FilterField::TransactionId => "--transaction-id",
            FilterField::Event => "--event",
            FilterField::Country => "--country",
            FilterField::Currency => "--currency",
            FilterField::Sub(slot) => numbered_name(&crate::numbered!("--", "sub"), slot),
            FilterField::Kind => "--kind",
            FilterField::Misrouted => "--misrouted",
        }
    }

    /// A value as the archive stores it.
    fn normalise(self, value: &str) -> String {
        match self {
            // Everflow writes these in upper case; users may not.
            FilterField::Country | FilterField::Currency => value.trim().to_ascii_uppercase(),
            FilterField::Status => value.trim().to_ascii_lowercase(),
            FilterField::Offer
            | FilterField::Affiliate
            | FilterField::Advertiser
            | FilterField::ConversionId
            | FilterField::TransactionId
            | FilterField::Kind
            | FilterField::Misrouted => value.trim().to_owned(),
            // Sub ids and event names are matched exactly as given: a partner's
            // sub id may well start or end with white space.
            FilterField::Event | FilterField::Sub(_) => value.to_owned(),
        }
    }
}

/// The filters given: per field, the values any of which may match (none
/// for a flag).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub any_of: Vec<(FilterField, Vec<String>)>,
}

impl Filters {
    /// Adds a filter on `field` unless no value was given; values are
    /// normalised as the archive stores them, duplicates and blanks dropped.
    pub fn push<S: AsRef<str>>(&mut self, field: FilterField, values: &[S]) {
        let mut normalised: Vec<String> = Vec::with_capacity(values.len());
        for value in values {
            let value = field.normalise(value.as_ref());
            if !value.is_empty() && !normalised.contains(&value) {
                normalised.push(value);
            }
        }
        if !normalised.is_empty() {
            self.any_of.push((field, normalised));
        }
    }

    /// Adds a filter that takes no value (`--misrouted`): its condition
    /// alone selects.
    pub fn push_flag(&mut self, field: FilterField) {
        self.any_of.push((field, Vec::new()));
    }

    pub fn values(&self, field: FilterField) -> Option<&[String]> {
        self.any_of
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, values)| values.as_slice())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_command_line_s_and_every_type_is_listed() {
        for what in What::value_variants() {
            let value = what.to_possible_value().expect("a value");
            assert_eq!(value.get_name(), what.name());
        }
        for resource_type in ResourceType::ALL {
            let what = What::listing(resource_type).expect("a listing");
            assert_eq!(what.resource_type(), Some(resource_type));
        }
        assert_eq!(
            What::listing(ResourceType::SignupVerdict),
            Some(What::Verdicts)
        );
    }

    #[test]
    fn the_singular_comes_from_the_plural() {
        let names: Vec<String> = [
            What::Conversions,
            What::Deliveries,
            What::Blocked,
            What::Partners,
        ]
        .iter()
        .map(|what| what.singular())
        .collect();
        assert_eq!(names, ["conversion", "delivery", "blocked", "partner"]);
    }

    #[test]
    fn values_are_normalised_and_deduplicated() {
        let mut filters = Filters::default();
        filters.push(FilterField::Status, &["Approved", " approved ", "PENDING"]);
        filters.push(FilterField::Country, &["us", "", "gb"]);
        filters.push(FilterField::Sub(1), &[" a,b "]);
        filters.push::<&str>(FilterField::Offer, &[]);
        assert_eq!(
            filters.any_of,
            vec![
                (
                    FilterField::Status,
                    vec!["approved".to_owned(), "pending".to_owned()]
                ),
                (FilterField::Country, vec!["US".to_owned(), "GB".to_owned()]),
                (FilterField::Sub(1), vec![" a,b ".to_owned()]),
            ]
        );
    }

    #[test]
    fn every_sub_slot_has_its_flag() {
        assert_eq!(FilterField::Sub(1).flag(), "--sub1");
        assert_eq!(FilterField::Sub(10).flag(), "--sub10");
    }
}
