//! The shared secret. Everflow signs nothing, so the secret travels in the URL
//! the admin pastes (`?token=`), or in a Bearer header for other senders.
//! Which tokens are accepted is `token_check`'s.

use actix_web::HttpRequest;
use actix_web::http::header;

pub(super) fn presented_tokens<'a>(
    req: &'a HttpRequest,
    query: &'a [(String, String)],
) -> impl Iterator<Item = &'a str> {
    let from_query = query
        .iter()
        .filter(|(name, _)| name == "token")
        .map(|(_, value)| value.as_str());
    let from_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_credentials);
    from_query.chain(from_header)
}

/// A 32-byte random token, URL-safe: 64 hex characters.
/// The credentials of an `Authorization: Bearer …` header; the scheme's name
/// is case-insensitive (RFC 9110), so `BEARER` and `bearer` work too.
fn bearer_credentials(value: &str) -> Option<&str> {
    let (scheme, credentials) = value.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(credentials.trim())
}

pub fn generate_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// The query string without any `token` pair, so the secret is never archived.
pub fn query_without_token(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            !name.is_empty() && name != "token"
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_dropped_from_archived_query_strings() {
        assert_eq!(
            query_without_token("token=abc&conversion_id=7&sub1=a%3Db"),
            "conversion_id=7&sub1=a%3Db"
        );
        assert_eq!(query_without_token("a=1&token=x&token=y&b="), "a=1&b=");
        assert_eq!(query_without_token("token=abc"), "");
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in [
            "Bearer abc",
            "bearer abc",
            "BEARER abc",
            "BeArEr   abc ",
            " Bearer abc",
        ] {
            assert_eq!(bearer_credentials(header), Some("abc"), "{header}");
        }
        for header in ["Basic abc", "Bearerabc", "Bearer", "Token abc"] {
            assert_eq!(bearer_credentials(header), None, "{header}");
        }
    }

    #[test]
    fn generated_tokens_are_long_hex_and_differ() {
        let a = generate_token().expect("random");
        let b = generate_token().expect("random");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
