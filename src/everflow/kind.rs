//! The thirteen webhook kinds Everflow can send, under the names its own
//! webhook-configuration API uses (conversions and events are ours: that API has
//! no name for them).

use std::fmt;

/// One kind of webhook delivery. The kind is never in the body: it comes from the
/// URL we handed out, or, as a fallback, from the body's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
        match self {
            WebhookKind::OfferCreated => "offer_created",
            WebhookKind::OfferUpdated => "offer_updated",
            WebhookKind::AdvertiserCreated => "advertiser_created",
            WebhookKind::AdvertiserUpdated => "advertiser_updated",
            WebhookKind::AdvertiserSignedUp => "advertiser_signed_up",
            WebhookKind::AffiliateCreated => "affiliate_created",
            WebhookKind::AffiliateUpdated => "affiliate_updated",
            WebhookKind::AffiliateSignedUp => "affiliate_signed_up",
            WebhookKind::AffiliateSignupVerdict => "affiliate_signup_verdict",
            WebhookKind::AffiliateApprovedForOffer => "affiliate_approved_for_offer",
            WebhookKind::ConversionRegistered => "conversion_registered",
            WebhookKind::EventRegistered => "event_registered",
            WebhookKind::TrafficOptimized => "traffic_optimized",
        }
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

    pub fn family(self) -> Family {
        match self {
            WebhookKind::OfferCreated | WebhookKind::OfferUpdated => Family::Offer,
            WebhookKind::AdvertiserCreated
            | WebhookKind::AdvertiserUpdated
            | WebhookKind::AdvertiserSignedUp => Family::Advertiser,
            WebhookKind::AffiliateCreated
            | WebhookKind::AffiliateUpdated
            | WebhookKind::AffiliateSignedUp => Family::Partner,
            WebhookKind::AffiliateSignupVerdict => Family::SignupVerdict,
            WebhookKind::AffiliateApprovedForOffer => Family::OfferApproval,
            WebhookKind::ConversionRegistered | WebhookKind::EventRegistered => Family::Conversion,
            WebhookKind::TrafficOptimized => Family::BlockedVariable,
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

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in WebhookKind::ALL {
            assert_eq!(WebhookKind::from_name(kind.as_str()), Some(kind));
        }
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
        assert_eq!(WebhookKind::from_name("offer_deleted"), None);
    }
}
