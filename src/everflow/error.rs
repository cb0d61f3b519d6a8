//! Why a delivery body could not be understood. Messages are read by whoever set up
//! the webhook, so each says what was wrong and how to fix it.

use super::kind::WebhookKind;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error(
        "the request body is empty or only white space: expected a JSON document describing the resource \
         (a GET webhook sends its fields in the query string instead)"
    )]
    Empty,

    #[error(
        "the request body is not UTF-8 text (invalid bytes after the first {valid_up_to}): \
         send the JSON document UTF-8 encoded"
    )]
    NotUtf8 { valid_up_to: usize },

    #[error("the request body is not valid JSON ({0}): send one complete JSON document")]
    InvalidJson(String),

    #[error(
        "the request body is form-encoded (name=value&…), not JSON: set the webhook to send \
         its JSON body, or to use GET so that its fields come in the query string"
    )]
    FormEncoded,

    #[error(
        "{kind} {field} is \"{placeholder}\", an Everflow macro that was never filled in: \
         the URL or body template names a macro Everflow does not know (check its spelling \
         in Everflow), so nothing was archived"
    )]
    UnexpandedMacro {
        kind: WebhookKind,
        field: String,
        placeholder: String,
    },

    #[error(
        "{kind} {field} is {sent}, which is not an amount evarchive can keep exactly \
         (a decimal number within ±9,223,372,036,854 units; \"\", \"null_value\" or null \
         for none): nothing was archived, so no total counts it as zero; correct the \
         amount in Everflow or in the postback URL"
    )]
    UnreadableAmount {
        kind: WebhookKind,
        field: String,
        sent: String,
    },

    #[error(
        "{kind} body must be {expected}: check that this URL's kind matches the \
         webhook's event type"
    )]
    UnexpectedShape {
        kind: WebhookKind,
        expected: &'static str,
    },

    #[error(
        "{kind} body has no usable {field} (missing, empty, 0 or \"null_value\"); it \
         identifies the resource, so nothing was archived: check that this URL's kind \
         matches the webhook's event type"
    )]
    MissingIdentity {
        kind: WebhookKind,
        field: &'static str,
    },

    #[error(
        "cannot tell the webhook kind from the body's shape; it must be one of: \
         a \"blocked_variables\" array or an array of blocked variables (traffic_optimized), \
         offer_id + affiliate_id + event_time (affiliate_approved_for_offer), \
         new_status + employee_id (affiliate_signup_verdict), \
         conversion_id + transaction_id (conversion_registered / event_registered), \
         or a top-level network_offer_id, network_advertiser_id or network_affiliate_id \
         (offer, advertiser or partner); or use the URL for the webhook's kind"
    )]
    Undetectable,
}

impl BodyError {
    /// A stable machine-readable reason, for responses and the rejection log.
    pub fn code(&self) -> &'static str {
        match self {
            BodyError::Empty => "empty_body",
            BodyError::NotUtf8 { .. } => "not_utf8",
            BodyError::InvalidJson(_) => "invalid_json",
            BodyError::FormEncoded => "form_encoded_body",
            BodyError::UnexpandedMacro { .. } => "unexpanded_macro",
            BodyError::UnreadableAmount { .. } => "unreadable_amount",
            BodyError::UnexpectedShape { .. } => "unexpected_shape",
            BodyError::MissingIdentity { .. } => "missing_identity",
            BodyError::Undetectable => "undetectable_kind",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_identity_names_kind_and_field() {
        let error = BodyError::MissingIdentity {
            kind: WebhookKind::OfferCreated,
            field: "network_offer_id",
        };
        assert!(
            error
                .to_string()
                .starts_with("offer_created body has no usable network_offer_id"),
            "{error}"
        );
        assert_eq!(error.code(), "missing_identity");
    }

    #[test]
    fn codes_are_stable() {
        let codes = [
            BodyError::Empty.code(),
            BodyError::NotUtf8 { valid_up_to: 0 }.code(),
            BodyError::InvalidJson(String::new()).code(),
            BodyError::FormEncoded.code(),
            BodyError::UnexpandedMacro {
                kind: WebhookKind::ConversionRegistered,
                field: String::new(),
                placeholder: String::new(),
            }
            .code(),
            BodyError::UnreadableAmount {
                kind: WebhookKind::ConversionRegistered,
                field: String::new(),
                sent: String::new(),
            }
            .code(),
            BodyError::UnexpectedShape {
                kind: WebhookKind::OfferCreated,
                expected: "",
            }
            .code(),
            BodyError::MissingIdentity {
                kind: WebhookKind::OfferCreated,
                field: "",
            }
            .code(),
            BodyError::Undetectable.code(),
        ];
        assert_eq!(
            codes,
            [
                "empty_body",
                "not_utf8",
                "invalid_json",
                "form_encoded_body",
                "unexpanded_macro",
                "unreadable_amount",
                "unexpected_shape",
                "missing_identity",
                "undetectable_kind"
            ]
        );
    }
}
