//! Everflow-shaped deliveries generated from the sample payloads, for the
//! benchmarks that bypass HTTP (the storage ceiling, storage size, the bulk
//! archive).
//!
//! The fields that vary in real traffic vary here as much: a random 32-hex
//! transaction id, IPv4 and IPv6 addresses, user agents with their version
//! numbers, device ids (with their MD5/SHA-1 forms) on mobile, random sub ids
//! and click ids, order ids, click times spread over a week before the
//! conversion. A template with a counter would compress unrealistically
//! well; BENCHMARKS.md states what these bodies compress to with plain zstd.

use serde_json::{Value, json};
use sha2::Digest;

/// Offers, partners and advertisers a large archive spreads its conversions over.
pub const OFFERS: u64 = 200;
pub const PARTNERS: u64 = 2000;
pub const ADVERTISERS: u64 = 50;
const STATUSES: [&str; 4] = ["approved", "approved", "pending", "rejected"];
const PLACES: [(&str, &str, &str, &str); 8] = [
    ("US", "CA", "Los Angeles", "803"),
    ("US", "NY", "New York", "501"),
    ("US", "TX", "Houston", "618"),
    ("GB", "ENG", "London", ""),
    ("DE", "BE", "Berlin", ""),
    ("CA", "ON", "Toronto", ""),
    ("FR", "IDF", "Paris", ""),
    ("BR", "SP", "São Paulo", ""),
];
const LANGUAGES: [&str; 6] = ["en-US", "en-GB", "de-DE", "fr-FR", "pt-BR", "es-ES"];
const ISPS: [&str; 8] = [
    "Comcast Cable",
    "Verizon Wireless",
    "AT&T Services",
    "BT",
    "Deutsche Telekom AG",
    "Rogers Communications",
    "Orange S.A.",
    "Claro S.A.",
];
/// (platform, device type, browser, user agent with `{v}` slots for versions)
const DEVICES: [(&str, &str, &str, &str); 6] = [
    (
        "Windows",
        "desktop",
        "Chrome",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.{v}.{v} Safari/537.36",
    ),
    (
        "macOS",
        "desktop",
        "Safari",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_{v}) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}.{v} Safari/605.1.15",
    ),
    (
        "iOS",
        "mobile",
        "Mobile Safari",
        "Mozilla/5.0 (iPhone; CPU iPhone OS {v}_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v}.0 Mobile/15E148 Safari/604.1",
    ),
    (
        "Android",
        "mobile",
        "Chrome Mobile",
        "Mozilla/5.0 (Linux; Android {v}; SM-S{v}B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.{v}.{v} Mobile Safari/537.36",
    ),
    (
        "Android",
        "tablet",
        "Samsung Internet",
        "Mozilla/5.0 (Linux; Android {v}; SM-X{v}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/{v}.0 Chrome/{v}.0.0.0 Safari/537.36",
    ),
    (
        "Windows",
        "desktop",
        "Firefox",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    ),
];
const WORDS: [&str; 48] = [
    "traffic",
    "allowed",
    "email",
    "social",
    "native",
    "search",
    "display",
    "push",
    "incentivized",
    "not",
    "brand",
    "bidding",
    "geo",
    "mobile",
    "desktop",
    "only",
    "trial",
    "annual",
    "subscription",
    "first",
    "deposit",
    "lead",
    "form",
    "submit",
    "payout",
    "per",
    "approved",
    "sale",
    "landing",
    "page",
    "creative",
    "banner",
    "video",
    "adult",
    "content",
    "prohibited",
    "restricted",
    "contact",
    "manager",
    "before",
    "running",
    "cap",
    "daily",
    "weekly",
    "conversion",
    "window",
    "days",
    "cookie",
];

/// SplitMix64: fast, deterministic per seed, good enough to look random.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }

    pub fn token(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..length)
            .map(|_| char::from(*self.pick(ALPHABET)))
            .collect()
    }

    fn ip(&mut self) -> String {
        if self.chance(20) {
            format!(
                "2a02:{:x}:{:x}:{:x}::{:x}",
                self.below(0x10000),
                self.below(0x10000),
                self.below(0x10000),
                self.below(0x10000)
            )
        } else {
            format!(
                "{}.{}.{}.{}",
                self.below(223) + 1,
                self.below(256),
                self.below(256),
                self.below(254) + 1
            )
        }
    }

    fn user_agent(&mut self, template: &str) -> String {
        let mut agent = String::new();
        for (i, part) in template.split("{v}").enumerate() {
            if i > 0 {
                agent.push_str(&(self.below(140) + 1).to_string());
            }
            agent.push_str(part);
        }
        agent
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(4),
            self.hex(4),
            self.hex(12)
        )
    }

    /// `bytes` of offer-description-like text.
    pub fn prose(&mut self, bytes: usize) -> String {
        let mut text = String::with_capacity(bytes + 32);
        text.push_str("<p>");
        while text.len() < bytes {
            let word = *self.pick(&WORDS[..]);
            text.push_str(word);
            if self.chance(8) {
                text.push_str(".</p><p>");
            } else if self.chance(5) {
                text.push_str(&format!(" {}% ", self.below(100)));
            } else {
                text.push(' ');
            }
        }
        text.push_str("</p>");
        text
    }
}

/// A conversion body: the sample with every field real traffic varies made
/// random, ~1.7–2 KB like the sample.
pub struct ConversionFactory {
    template: Value,
}

impl ConversionFactory {
    pub fn new() -> Result<ConversionFactory, String> {
        Ok(ConversionFactory {
            template: sample("conversion_registered")?,
        })
    }

    /// The body of conversion number `n`, happening at `time` (Unix seconds).
    pub fn body(&self, n: u64, time: i64) -> Vec<u8> {
        let mut doc = self.template.clone();
        let mut rng = Rng::new(n);
        let offer = rng.below(OFFERS) + 1;
        let partner = rng.below(PARTNERS) + 1;
        let (country, region, city, dma) = *rng.pick(&PLACES);
        let (platform, device_type, browser, agent) = *rng.pick(&DEVICES);
        let mobile = device_type != "desktop";
        let ip = rng.ip();
        doc["conversion_id"] = json!(n);
        doc["transaction_id"] = json!(rng.hex(32));
        doc["conversion_unix_timestamp"] = json!(time);
        doc["click_unix_timestamp"] = json!(time - rng.below(7 * 86_400) as i64);
        doc["status"] = json!(rng.pick(&STATUSES));
        doc["payout"] = json!(format!("{}.{:02}", rng.below(40), rng.below(100)));
        doc["revenue"] = json!(format!("{}.{:02}", rng.below(60) + 5, rng.below(100)));
        doc["sale_amount"] = json!(if rng.chance(30) {
            json!(format!("{}.{:02}", rng.below(300), rng.below(100)))
        } else {
            json!(0)
        });
        doc["order_id"] = json!(if rng.chance(40) {
            format!("ORD-{}", rng.below(100_000_000))
        } else {
            String::new()
        });
        let sub1_length = 8 + rng.below(9) as usize;
        doc["sub1"] = json!(rng.token(sub1_length));
        doc["sub2"] = json!(format!("ad{}", rng.below(5000)));
        doc["sub3"] = json!(if rng.chance(60) {
            rng.token(40)
        } else {
            String::new()
        });
        doc["sub4"] = json!(if rng.chance(30) {
            format!("placement_{}", rng.below(900))
        } else {
            String::new()
        });
        doc["source_id"] = json!(if rng.chance(50) {
            rng.below(100_000).to_string()
        } else {
            String::new()
        });
        doc["country"] = json!(country);
        doc["region"] = json!(region);
        doc["city"] = json!(city);
        doc["dma"] = json!(dma);
        doc["session_user_ip"] = json!(ip);
        doc["conversion_user_ip"] = json!(if rng.chance(70) { ip } else { rng.ip() });
        doc["platform"] = json!(platform);
        doc["os_version"] = json!(format!("{}.{}", rng.below(18) + 1, rng.below(10)));
        doc["device_type"] = json!(device_type);
        doc["browser"] = json!(browser);
        doc["language"] = json!(rng.pick(&LANGUAGES));
        doc["http_user_agent"] = json!(rng.user_agent(agent));
        doc["isp"] = json!(rng.pick(&ISPS));
        doc["url"] = json!(format!(
            "https://shop{}.example.com/checkout/thanks?order={}",
            offer,
            rng.below(100_000_000)
        ));
        if mobile {
            let id = rng.uuid();
            let (md5, sha1) = digests(&id);
            let (id_field, prefix) = if platform == "iOS" {
                ("idfa", "idfa")
            } else {
                ("google_ad_id", "google_ad_id")
            };
            doc[id_field] = json!(id);
            doc[format!("{prefix}_md5")] = json!(md5);
            doc[format!("{prefix}_sha1")] = json!(sha1);
        }
        doc["network_offer_payout_revenue_id"] = json!(offer * 3 + rng.below(3));
        doc["relationship"]["offer"]["network_offer_id"] = json!(offer);
        doc["relationship"]["offer"]["name"] = json!(format!("Offer {offer}"));
        doc["relationship"]["advertiser"]["network_advertiser_id"] = json!(offer % ADVERTISERS + 1);
        doc["relationship"]["advertiser"]["name"] =
            json!(format!("Advertiser {}", offer % ADVERTISERS + 1));
        doc["relationship"]["affiliate"]["network_affiliate_id"] = json!(partner);
        doc["relationship"]["affiliate"]["name"] = json!(format!("Partner {partner}"));
        doc["relationship"]["query_parameters"] = json!({
            "utm_source": format!("src{}", rng.below(50)),
            "gclid": rng.token(32),
        });
        serde_json::to_vec(&doc).unwrap_or_default()
    }
}

/// Offer bodies of ~30 KB: each offer has its own description, and its
/// versions differ in a few fields, as edits in Everflow's UI do.
pub struct OfferFactory {
    template: Value,
}

impl OfferFactory {
    pub fn new() -> Result<OfferFactory, String> {
        Ok(OfferFactory {
            template: sample("offer_updated")?,
        })
    }

    /// Version `version` (0, 1, …) of offer `offer`, saved at `time`.
    pub fn body(&self, offer: u64, version: u64, time: i64) -> Vec<u8> {
        let mut doc = self.template.clone();
        let mut per_offer = Rng::new(offer * 7919);
        let mut per_version = Rng::new(offer * 1_000_003 + version);
        doc["network_offer_id"] = json!(offer);
        doc["name"] = json!(format!("Offer {offer} {}", per_offer.token(10)));
        doc["network_advertiser_id"] = json!(offer % ADVERTISERS + 1);
        doc["destination_url"] = json!(format!(
            "https://lp{}.example.com/{}?tid={{transaction_id}}&s1={{sub1}}",
            offer,
            per_offer.token(12)
        ));
        let mut description = per_offer.prose(28 * 1024);
        // An edit: a sentence changed somewhere.
        if version > 0 {
            let at = (per_version.below(description.len() as u64 / 2) as usize) & !7;
            let at = (0..8)
                .map(|back| at - back.min(at))
                .find(|&i| description.is_char_boundary(i))
                .unwrap_or(0);
            description.insert_str(at, &per_version.prose(60));
        }
        doc["html_description"] = json!(description);
        doc["time_saved"] = json!(time);
        doc["daily_conversion_cap"] = json!(per_version.below(500));
        doc["offer_status"] = json!(if per_version.chance(90) {
            "active"
        } else {
            "paused"
        });
        serde_json::to_vec(&doc).unwrap_or_default()
    }
}

fn sample(kind: &str) -> Result<Value, String> {
    let path = format!(
        "{}/examples/samples/{kind}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// MD5 and SHA-1 of a device id, as Everflow sends them beside it. (MD5 is
/// stood in for by a truncated SHA-256: only the entropy matters here.)
fn digests(id: &str) -> (String, String) {
    let sha = hex::encode(sha2::Sha256::digest(id.as_bytes()));
    (sha[..32].to_owned(), sha[..40].to_owned())
}
