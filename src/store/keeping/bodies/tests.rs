//! Compression round trips, dictionaries and deltas.

use super::*;

fn round_trip(dictionaries: &Dictionaries, resource_type: ResourceType, raw: &[u8]) -> usize {
    let stored = dictionaries.compress(resource_type, raw);
    let back = dictionaries
        .decompress(
            &stored.bytes,
            stored.codec,
            stored.dictionary_id,
            stored.length,
            None,
        )
        .expect("decompresses");
    assert_eq!(back, raw, "byte for byte");
    stored.bytes.len()
}

fn conversion(n: u64) -> Vec<u8> {
    format!(
        r#"{{"conversion_id": {n}, "transaction_id": "{:032x}", "status": "approved", "payout": 2.5, "sub1": "s{}", "relationship": {{"offer": {{"network_offer_id": 2, "name": "VPN Annual"}}}}}}"#,
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        n % 977
    )
    .into_bytes()
}

#[test]
fn bodies_read_back_byte_for_byte_with_or_without_a_dictionary() {
    let dictionaries = Dictionaries::default();
    let odd = [
        &b"{ \"a\" :\n\t1 ,\"b\":[ ]   }\r\n"[..],
        "{\"name\": \"ünïcødé ✓ 日本語 😀\", \"z\": 1, \"a\": 2}".as_bytes(),
        b"conversion_id=1&payout=2.50",
        b"",
    ];
    for raw in odd {
        round_trip(&dictionaries, ResourceType::Offer, raw);
    }
    let samples: Vec<Vec<u8>> = (0..2000).map(conversion).collect();
    let trained = train(&samples, 16 * 1024).expect("trains");
    dictionaries.add(Dictionary::new(7, ResourceType::Conversion, &trained));
    assert_eq!(dictionaries.newest_id(ResourceType::Conversion), Some(7));
    let body = conversion(123_456);
    let with = round_trip(&dictionaries, ResourceType::Conversion, &body);
    let without = round_trip(&dictionaries, ResourceType::Offer, &body);
    assert!(with < without, "the dictionary helps: {with} < {without}");
    for raw in odd {
        round_trip(&dictionaries, ResourceType::Conversion, raw);
    }
}

#[test]
fn ten_mib_reads_back_exactly() {
    let dictionaries = Dictionaries::default();
    let mut big = Vec::with_capacity(10 << 20);
    let mut n: u64 = 1;
    while big.len() < 10 << 20 {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        big.extend_from_slice(format!("{:x},", n >> 20).as_bytes());
    }
    round_trip(&dictionaries, ResourceType::Offer, &big);
}

#[test]
fn a_missing_dictionary_is_an_error_not_garbage() {
    let dictionaries = Dictionaries::default();
    let error = dictionaries
        .decompress(b"x", Codec::ZstdWithDictionary, Some(9), 1, None)
        .expect_err("no dictionary 9");
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
}

/// ~30 KB of offer-like text that differs with `seed`.
fn offer(seed: u64, edit: &str) -> Vec<u8> {
    let mut n = seed;
    let mut text = String::from("{\"network_offer_id\": 1, \"html_description\": \"");
    while text.len() < 30_000 {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(["traffic ", "allowed ", "email ", "geo ", "cap "][(n >> 33) as usize % 5]);
        text.push_str(&format!("{} ", (n >> 40) % 1000));
    }
    text.push_str(edit);
    text.push_str("\"}");
    text.into_bytes()
}

#[test]
fn a_version_kept_against_its_base_reads_back_and_costs_a_fraction() {
    let dictionaries = Dictionaries::default();
    let first = offer(1, "");
    let base = Base {
        body_id: 41,
        sha256: [7; 32],
        bytes: first.clone(),
    };
    let edited = offer(1, " daily cap now 50");
    let alone = dictionaries
        .compress(ResourceType::Offer, &edited)
        .bytes
        .len();
    let delta = dictionaries
        .compress_against(ResourceType::Offer, &base, &edited)
        .expect("a small delta");
    assert_eq!(delta.codec, Codec::Zstd);
    assert_eq!(delta.reference_body_id, Some(41));
    assert!(
        delta.bytes.len() * 20 < alone,
        "{} bytes against {alone} alone",
        delta.bytes.len()
    );
    let back = dictionaries
        .decompress(&delta.bytes, delta.codec, None, delta.length, Some(&first))
        .expect("decompresses");
    assert_eq!(back, edited);
    dictionaries
        .decompress(&delta.bytes, delta.codec, None, delta.length, None)
        .expect_err("a delta without its base is an error, not garbage");
    // A body unlike its base (noise) is kept against it only if that is
    // smaller than alone.
    let mut n: u64 = 99;
    let other: Vec<u8> = (0..30_000)
        .map(|_| {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            b"0123456789abcdef"[(n >> 60) as usize]
        })
        .collect();
    let alone = dictionaries
        .compress(ResourceType::Offer, &other)
        .bytes
        .len();
    if let Some(kept) = dictionaries.compress_against(ResourceType::Offer, &base, &other) {
        assert!(
            kept.bytes.len() < alone,
            "{} against {alone}",
            kept.bytes.len()
        );
    }
}
