//! The network API key: kept out of every log, message and debug print.

/// Shown wherever the key would have been.
const REDACTED: &str = "[api key]";

#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// None for an empty key.
    pub fn new(key: &str) -> Option<ApiKey> {
        (!key.is_empty()).then(|| ApiKey(key.to_owned()))
    }

    /// For the request header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with the key replaced: for anything that came back from the
    /// other side (an error body may echo the request).
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, REDACTED)
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_prints() {
        let key = ApiKey::new("s3cret-key").expect("a key");
        assert_eq!(format!("{key:?}"), "[api key]");
        assert_eq!(key.redact("bad key s3cret-key!"), "bad key [api key]!");
        assert!(ApiKey::new("").is_none());
    }
}
