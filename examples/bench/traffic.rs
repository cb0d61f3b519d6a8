//! Everflow-shaped deliveries generated from the sample payloads, for the
//! benchmarks that bypass HTTP (the storage ceiling and the bulk archive).

use serde_json::{Value, json};

/// A conversion body: the sample with its identity, time, offer, partner,
/// status and amounts varied, ~1.7 KB like the sample.
pub struct ConversionFactory {
    template: Value,
}

/// Offers, partners and advertisers a large archive spreads its conversions over.
pub const OFFERS: u64 = 200;
pub const PARTNERS: u64 = 2000;
pub const ADVERTISERS: u64 = 50;
const STATUSES: [&str; 4] = ["approved", "approved", "pending", "rejected"];
const COUNTRIES: [&str; 6] = ["US", "GB", "DE", "CA", "FR", "US"];

impl ConversionFactory {
    pub fn new() -> Result<ConversionFactory, String> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/samples/conversion_registered.json"
        );
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let template = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        Ok(ConversionFactory { template })
    }

    /// The body of conversion number `n`, happening at `time` (Unix seconds).
    pub fn body(&self, n: u64, time: i64) -> Vec<u8> {
        let mut doc = self.template.clone();
        let mix = n.wrapping_mul(2_654_435_761) >> 7;
        let offer = mix % OFFERS + 1;
        let partner = (mix / 7) % PARTNERS + 1;
        doc["conversion_id"] = json!(n);
        doc["transaction_id"] = json!(format!("{:032x}", n.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        doc["conversion_unix_timestamp"] = json!(time);
        doc["click_unix_timestamp"] = json!(time - (mix % 3600) as i64);
        doc["status"] = json!(STATUSES[(mix % 4) as usize]);
        doc["payout"] = json!(format!("{}.{:02}", mix % 20, mix % 100));
        doc["revenue"] = json!(format!("{}.{:02}", mix % 20 + 5, (mix / 3) % 100));
        doc["country"] = json!(COUNTRIES[(mix % 6) as usize]);
        doc["sub1"] = json!(format!("s{}", mix % 1000));
        doc["sub2"] = json!(format!("ad{}", mix % 97));
        doc["relationship"]["offer"]["network_offer_id"] = json!(offer);
        doc["relationship"]["offer"]["name"] = json!(format!("Offer {offer}"));
        doc["relationship"]["advertiser"]["network_advertiser_id"] = json!(offer % ADVERTISERS + 1);
        doc["relationship"]["advertiser"]["name"] =
            json!(format!("Advertiser {}", offer % ADVERTISERS + 1));
        doc["relationship"]["affiliate"]["network_affiliate_id"] = json!(partner);
        doc["relationship"]["affiliate"]["name"] = json!(format!("Partner {partner}"));
        serde_json::to_vec_pretty(&doc).unwrap_or_default()
    }
}
