//! A small, fixed archive filled through the real server: conversions around
//! midnight and the 1 Nov 2026 DST change in New York, two currencies, a
//! negative adjustment, a conversion with two versions, an event, and sub ids
//! a spreadsheet would execute. Every other kind comes from the samples.

use serde_json::json;

use super::{ALL_KINDS, TestServer, edited_sample, sample};

/// "Now" for every command run against the fixture.
pub const NOW: &str = "2026-11-03T12:00:00Z";

/// (conversion_id, UTC time, offer, affiliate, status, payout, revenue, currency, country, subs)
pub struct FixtureConversion {
    pub id: i64,
    pub time: &'static str,
    pub offer: (i64, &'static str),
    pub affiliate: (i64, &'static str),
    pub status: &'static str,
    pub payout: &'static str,
    pub revenue: &'static str,
    pub currency: &'static str,
    pub country: &'static str,
    pub sub1: &'static str,
    pub sub2: &'static str,
    pub sub3: &'static str,
    pub transaction_id: &'static str,
}

pub const CONVERSIONS: [FixtureConversion; 6] = [
    // 23:30 on 31 Oct in New York (EDT), already 1 Nov in UTC.
    FixtureConversion {
        id: 5001,
        time: "2026-11-01T03:30:00Z",
        offer: (2, "VPN Annual"),
        affiliate: (15, "Orchid Partners"),
        status: "approved",
        payout: "0.10",
        revenue: "0.30",
        currency: "USD",
        country: "US",
        sub1: "=HYPERLINK(\"http://evil.example\",\"x\")",
        sub2: "",
        sub3: "",
        transaction_id: "t5001",
    },
    // Midnight, 1 Nov, in New York.
    FixtureConversion {
        id: 5002,
        time: "2026-11-01T04:00:00Z",
        offer: (2, "VPN Annual"),
        affiliate: (13, "Bluefin Traffic"),
        status: "approved",
        payout: "0.20",
        revenue: "0.50",
        currency: "USD",
        country: "GB",
        sub1: "+1-555-0100",
        sub2: "ad,\"quoted\"\nsecond line, ünïcødé ✓",
        sub3: "",
        transaction_id: "t5002",
    },
    // 23:30 on 1 Nov in New York, after the clocks went back (EST).
    FixtureConversion {
        id: 5003,
        time: "2026-11-02T04:30:00Z",
        offer: (3, "Meal Kit Intro"),
        affiliate: (15, "Orchid Partners"),
        status: "pending",
        payout: "-1.25",
        revenue: "0",
        currency: "USD",
        country: "US",
        sub1: "@SUM(A1:A9)",
        sub2: "",
        sub3: "-2+3+cmd|' /C calc'!A0",
        transaction_id: "t5003",
    },
    // Midnight, 2 Nov, in New York.
    FixtureConversion {
        id: 5004,
        time: "2026-11-02T05:00:00Z",
        offer: (3, "Meal Kit Intro"),
        affiliate: (13, "Bluefin Traffic"),
        status: "rejected",
        payout: "3",
        revenue: "5.00",
        currency: "EUR",
        country: "DE",
        sub1: "\tTAB",
        sub2: "\rCR",
        sub3: "",
        transaction_id: "1234567890123456",
    },
    // 5005 arrives twice: pending first, then approved five minutes later.
    FixtureConversion {
        id: 5005,
        time: "2026-11-02T12:00:00Z",
        offer: (2, "VPN Annual"),
        affiliate: (15, "Orchid Partners"),
        status: "pending",
        payout: "1.00",
        revenue: "2.00",
        currency: "USD",
        country: "US",
        sub1: "",
        sub2: "",
        sub3: "",
        transaction_id: "t5005",
    },
    FixtureConversion {
        id: 5005,
        time: "2026-11-02T12:05:00Z",
        offer: (2, "VPN Annual"),
        affiliate: (15, "Orchid Partners"),
        status: "approved",
        payout: "1.00",
        revenue: "2.00",
        currency: "USD",
        country: "US",
        sub1: "",
        sub2: "",
        sub3: "",
        transaction_id: "t5005",
    },
];

fn unix(time: &str) -> i64 {
    time.parse::<jiff::Timestamp>()
        .expect("fixture time")
        .as_second()
}

pub fn conversion_body(c: &FixtureConversion) -> Vec<u8> {
    edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(c.id);
        doc["conversion_unix_timestamp"] = json!(unix(c.time));
        doc["click_unix_timestamp"] = json!(unix(c.time) - 600);
        doc["status"] = json!(c.status);
        doc["transaction_id"] = json!(c.transaction_id);
        // Money as Everflow may send it: numeric strings, exact decimals.
        doc["payout"] = json!(c.payout);
        doc["revenue"] = json!(c.revenue);
        doc["currency_id"] = json!(c.currency);
        doc["country"] = json!(c.country);
        doc["sub1"] = json!(c.sub1);
        doc["sub2"] = json!(c.sub2);
        doc["sub3"] = json!(c.sub3);
        doc["relationship"]["offer"]["network_offer_id"] = json!(c.offer.0);
        doc["relationship"]["offer"]["name"] = json!(c.offer.1);
        doc["relationship"]["affiliate"]["network_affiliate_id"] = json!(c.affiliate.0);
        doc["relationship"]["affiliate"]["name"] = json!(c.affiliate.1);
    })
}

pub fn event_body() -> Vec<u8> {
    edited_sample("event_registered", |doc| {
        doc["conversion_id"] = json!(9001);
        doc["conversion_unix_timestamp"] = json!(unix("2026-11-01T15:00:00Z"));
        doc["payout"] = json!(0.05);
        doc["revenue"] = json!(0.1);
        doc["relationship"]["affiliate"]["network_affiliate_id"] = json!(15);
        doc["relationship"]["affiliate"]["name"] = json!("Orchid Partners");
    })
}

/// Starts a server and fills it with the fixture; the caller may keep it
/// running (to query while it writes) or stop it.
pub fn filled_server() -> TestServer {
    let server = TestServer::start();
    for kind in ALL_KINDS {
        if kind != "conversion_registered" && kind != "event_registered" {
            assert_eq!(server.post_kind(kind, &sample(kind)).status, 200, "{kind}");
        }
    }
    for conversion in &CONVERSIONS {
        let reply = server.post_kind("conversion_registered", &conversion_body(conversion));
        assert_eq!(reply.status, 200, "{}: {:?}", conversion.id, reply.json);
    }
    assert_eq!(
        server.post_kind("event_registered", &event_body()).status,
        200
    );
    server
}
