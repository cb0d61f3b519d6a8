//! Answers for requests no endpoint takes: every client error carries the JSON
//! body `{"error", "message"}` the README promises, with a hint where the
//! mistake is a common one (a trailing slash, `/webhook/` for `/webhooks/`).

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::everflow::WebhookKind;

/// Any path no endpoint serves: 404, with the nearest right path when the
/// mistake is a common one. The query string (it may hold the token) is
/// never echoed.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let hint = match suggested_path(path) {
        Some(right) => format!("; did you mean {right}?"),
        None => ". Webhooks go to /webhooks/{kind} (kinds at GET /kinds), health to GET /healthz"
            .to_owned(),
    };
    HttpResponse::NotFound().json(json!({
        "error": "not_found",
        "message": format!("no endpoint at {path}{hint}"),
    }))
}

/// A path that is one slip away from a real one.
fn suggested_path(path: &str) -> Option<String> {
    let trimmed = path.trim_end_matches('/');
    let plural = match trimmed.strip_prefix("/webhook") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("/webhooks{rest}"),
        _ => trimmed.to_owned(),
    };
    let known = match plural.strip_prefix("/webhooks/") {
        Some(kind) => WebhookKind::from_name(kind).is_some(),
        None => ["/webhooks", "/healthz", "/kinds"].contains(&plural.as_str()),
    };
    (known && plural != path).then_some(plural)
}

/// A known path asked with a method it does not take: 405 with `Allow`.
pub fn method_not_allowed(
    allow: &'static str,
) -> impl Fn(HttpRequest) -> std::future::Ready<HttpResponse> + Clone {
    move |req: HttpRequest| {
        std::future::ready(
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allow))
                .json(json!({
                    "error": "method_not_allowed",
                    "message": format!("{} does not take {}; use {allow}", req.path(), req.method()),
                })),
        )
    }
}

/// Gives a JSON body to any client error that has none (one made by actix
/// itself, say), so a sender always learns what went wrong.
pub fn json_client_error<B>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let reason = status.canonical_reason().unwrap_or("client error");
    let body = json!({
        "error": reason.to_ascii_lowercase().replace([' ', '-'], "_"),
        "message": format!("the request was refused: {reason} ({})", status.as_u16()),
    })
    .to_string();
    let (request, mut plain) = response.into_parts();
    plain.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let with_body = plain.set_body(BoxBody::new(body));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(request, with_body).map_body(|_, body| EitherBody::right(body)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_slips_point_to_the_right_path() {
        let cases = [
            ("/webhooks/offer_created/", Some("/webhooks/offer_created")),
            ("/webhook/offer_created", Some("/webhooks/offer_created")),
            (
                "/webhook/partner_created/",
                Some("/webhooks/partner_created"),
            ),
            ("/webhook", Some("/webhooks")),
            ("/healthz/", Some("/healthz")),
            ("/webhooks/offer_deleted/", None),
            ("/webhookz", None),
            ("/", None),
        ];
        for (path, expected) in cases {
            assert_eq!(suggested_path(path).as_deref(), expected, "{path}");
        }
    }
}
