//! The route table: which path and method reach which handler; everything
//! else gets a JSON 404 or 405.

use actix_web::web;

use super::{fallback, health, metrics_endpoint, webhook};

pub fn configure(app: &mut web::ServiceConfig) {
    app.service(
        web::resource("/healthz")
            .route(web::get().to(health::healthz))
            .default_service(web::to(fallback::method_not_allowed("GET"))),
    )
    .service(
        web::resource("/webhooks")
            .route(web::post().to(webhook::receive_detected))
            .route(web::get().to(webhook::receive_detected))
            .default_service(web::to(fallback::method_not_allowed("GET, POST"))),
    )
    .service(
        web::resource("/webhooks/{kind}")
            .route(web::post().to(webhook::receive_declared))
            .route(web::get().to(webhook::receive_declared))
            .default_service(web::to(fallback::method_not_allowed("GET, POST"))),
    )
    .service(
        web::resource("/metrics")
            .route(web::get().to(metrics_endpoint::metrics))
            .default_service(web::to(fallback::method_not_allowed("GET"))),
    )
    .service(
        web::resource("/kinds")
            .route(web::get().to(webhook::list_kinds))
            .default_service(web::to(fallback::method_not_allowed("GET"))),
    )
    .default_service(web::to(fallback::not_found));
}
