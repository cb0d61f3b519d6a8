//! The thirteen webhook kinds Everflow can send, under the names its own
//! webhook-configuration API uses (conversions and events are ours: that API has
//! no name for them).

use std::fmt;

/// One kind of webhook delivery. The kind is never in the body: it comes from the
/// URL we handed out, or, as a fallback, from the body's shape.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum WebhookKind {
    OfferCreated,
    OfferUpdated,
    AdvertiserCreated,
    AdvertiserUpdated,
    AdvertiserSignedUp,
    AffiliateCreated,
    AffiliateUpdated,
    AffiliateSignedUp,
    AffiliateSignupVerdict,
    AffiliateApprovedForOffer,
    ConversionRegistered,
    EventRegistered,
    TrafficOptimized,
}

/// What a kind's body describes; kinds of one family share a body shape and a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Offer,
    Advertiser,
    Partner,
    SignupVerdict,
    OfferApproval,
    Conversion,
    BlockedVariable,
}

/// What a delivery's resource is, whatever event type carried it: an offer is
/// one resource whether `offer_created` or `offer_updated` brought it, and
/// its identity is (resource type, id).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum ResourceType {
    Offer,
    Advertiser,
    Partner,
    SignupVerdict,
    OfferApproval,
    Conversion,
    /// Post-conversion events have conversion ids of their own.
    Event,
    BlockedVariable,
}

impl ResourceType {
    pub const ALL: [ResourceType; 8] = [
        ResourceType::Conversion,
        ResourceType::Event,
        ResourceType::Offer,
        ResourceType::Advertiser,
        ResourceType::Partner,
        ResourceType::SignupVerdict,
        ResourceType::OfferApproval,
        ResourceType::BlockedVariable,
    ];

    /// The name stored in the archive.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<ResourceType> {
        ResourceType::ALL
            .into_iter()
            .find(|resource_type| resource_type.as_str() == name)
    }

    /// The event types that carry this resource.
    pub fn kinds(self) -> Vec<WebhookKind> {
        WebhookKind::ALL
            .into_iter()
            .filter(|kind| kind.resource_type() == self)
            .collect()
    }
}

impl WebhookKind {
    pub const ALL: [WebhookKind; 13] = [
        WebhookKind::OfferCreated,
        WebhookKind::OfferUpdated,
        WebhookKind::AdvertiserCreated,
        WebhookKind::AdvertiserUpdated,
        WebhookKind::AdvertiserSignedUp,
        WebhookKind::AffiliateCreated,
        WebhookKind::AffiliateUpdated,
        WebhookKind::AffiliateSignedUp,
        WebhookKind::AffiliateSignupVerdict,
        WebhookKind::AffiliateApprovedForOffer,
        WebhookKind::ConversionRegistered,
        WebhookKind::EventRegistered,
        WebhookKind::TrafficOptimized,
    ];

    /// The canonical name, used in URLs and stored in the archive.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The small integer a typed table keys by instead of the name (schema
    /// version 5, `conversions.kind`): the kind's place in [`WebhookKind::ALL`],
    /// from 1. Stored in archives, so never renumbered: a new kind goes last.
    pub fn code(self) -> i64 {
        WebhookKind::ALL
            .iter()
            .position(|kind| *kind == self)
            .map_or(0, |place| place as i64 + 1)
    }

    /// Parses a name as it appears in a URL. Everflow's UI says "Partner" where its
    /// API says "affiliate", so `partner_…` is accepted as an alias of `affiliate_…`.
    pub fn from_name(name: &str) -> Option<WebhookKind> {
        let canonical = match name.strip_prefix("partner_") {
            Some(rest) => format!("affiliate_{rest}"),
            None => name.to_owned(),
        };
        WebhookKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == canonical)
    }

    /// The `partner_…` spelling of an `affiliate_…` kind (Everflow's UI says
    /// partner where its API says affiliate).
    pub fn partner_alias(self) -> Option<&'static str> {
        Some(match self {
            WebhookKind::AffiliateCreated => "partner_created",
            WebhookKind::AffiliateUpdated => "partner_updated",
            WebhookKind::AffiliateSignedUp => "partner_signed_up",
            WebhookKind::AffiliateSignupVerdict => "partner_signup_verdict",
            WebhookKind::AffiliateApprovedForOffer => "partner_approved_for_offer",
            _ => return None,
        })
    }

    pub fn resource_type(self) -> ResourceType {
        match self {
            WebhookKind::OfferCreated | WebhookKind::OfferUpdated => ResourceType::Offer,
            WebhookKind::AdvertiserCreated
            | WebhookKind::AdvertiserUpdated
            | WebhookKind::AdvertiserSignedUp => ResourceType::Advertiser,
            WebhookKind::AffiliateCreated
            | WebhookKind::AffiliateUpdated
            | WebhookKind::AffiliateSignedUp => ResourceType::Partner,
            WebhookKind::AffiliateSignupVerdict => ResourceType::SignupVerdict,
            WebhookKind::AffiliateApprovedForOffer => ResourceType::OfferApproval,
            WebhookKind::ConversionRegistered => ResourceType::Conversion,
            WebhookKind::EventRegistered => ResourceType::Event,
            WebhookKind::TrafficOptimized => ResourceType::BlockedVariable,
        }
    }

    /// The family of the kind's resource: conversions and events share one.
    pub fn family(self) -> Family {
        match self.resource_type() {
            ResourceType::Offer => Family::Offer,
            ResourceType::Advertiser => Family::Advertiser,
            ResourceType::Partner => Family::Partner,
            ResourceType::SignupVerdict => Family::SignupVerdict,
            ResourceType::OfferApproval => Family::OfferApproval,
            ResourceType::Conversion | ResourceType::Event => Family::Conversion,
            ResourceType::BlockedVariable => Family::BlockedVariable,
        }
    }
}

impl fmt::Display for WebhookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// schema.sql and migration 0005 write these codes as literals.
    #[test]
    fn conversion_kinds_keep_the_codes_the_schema_names() {
        assert_eq!(WebhookKind::ConversionRegistered.code(), 11);
        assert_eq!(WebhookKind::EventRegistered.code(), 12);
        let mut codes: Vec<i64> = WebhookKind::ALL.iter().map(|k| k.code()).collect();
        codes.dedup();
        assert_eq!(codes, (1..=13).collect::<Vec<_>>());
    }

    /// The names are stored in every archive (deliveries.kind,
    /// versions.resource_type): derived from the variants, they must stay
    /// these.
    #[test]
    fn names_are_the_ones_archives_hold() {
        let kinds: Vec<&str> = WebhookKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "offer_created",
                "offer_updated",
                "advertiser_created",
                "advertiser_updated",
                "advertiser_signed_up",
                "affiliate_created",
                "affiliate_updated",
                "affiliate_signed_up",
                "affiliate_signup_verdict",
                "affiliate_approved_for_offer",
                "conversion_registered",
                "event_registered",
                "traffic_optimized",
            ]
        );
        let types: Vec<&str> = ResourceType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            types,
            [
                "conversion",
                "event",
                "offer",
                "advertiser",
                "partner",
                "signup_verdict",
                "offer_approval",
                "blocked_variable",
            ]
        );
    }

    /// `ALL` is the order codes and listings use; it holds every variant.
    #[test]
    fn the_lists_hold_every_variant() {
        use strum::VariantArray;
        assert_eq!(WebhookKind::ALL.as_slice(), WebhookKind::VARIANTS);
        let mut types = ResourceType::ALL.to_vec();
        types.sort();
        assert_eq!(types, ResourceType::VARIANTS);
    }

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in WebhookKind::ALL {
            assert_eq!(WebhookKind::from_name(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn every_kind_carries_one_resource_type_and_every_type_has_a_kind() {
        for resource_type in ResourceType::ALL {
            let kinds = resource_type.kinds();
            assert!(!kinds.is_empty(), "{resource_type:?}");
            assert!(kinds.iter().all(|k| k.resource_type() == resource_type));
        }
        assert_eq!(
            ResourceType::Offer.kinds(),
            [WebhookKind::OfferCreated, WebhookKind::OfferUpdated]
        );
    }

    #[test]
    fn partner_is_an_alias_of_affiliate() {
        assert_eq!(
            WebhookKind::from_name("partner_signup_verdict"),
            Some(WebhookKind::AffiliateSignupVerdict)
        );
        assert_eq!(
            WebhookKind::from_name("partner_created"),
            Some(WebhookKind::AffiliateCreated)
        );
        assert_eq!(WebhookKind::from_name("partner_conversion"), None);
        for kind in WebhookKind::ALL {
            if let Some(alias) = kind.partner_alias() {
                assert_eq!(WebhookKind::from_name(alias), Some(kind));
            }
        }
        assert_eq!(WebhookKind::from_name("offer_deleted"), None);
    }
}
