//! One error type for every route: client errors say what was wrong, internal errors are logged.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kefu_api::{ApiError, FieldError};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The request is wrong; `code` and `message` go to the client as they are.
    #[error("{code}: {message}")]
    Client {
        /// HTTP status, 4xx.
        status: StatusCode,
        /// Stable machine-readable code.
        code: &'static str,
        /// A sentence for people.
        message: String,
        /// The field to blame, if any.
        field: Option<&'static str>,
    },
    /// Too many requests: 429 `rate_limited` with a `Retry-After` header.
    #[error("rate limited for {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the client may try again.
        retry_after_secs: u64,
    },
    /// The shop's order system failed; it is logged, the client hears 502
    /// `order_source_unavailable`.
    #[error("order source: {0}")]
    OrderSourceUnavailable(String),
    /// Something broke inside; the client only hears "something went wrong".
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A client error without a field.
    pub fn client(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        AppError::Client {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// 404 with a uniform body.
    pub fn not_found() -> Self {
        AppError::client(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }

    /// 404 for an order lookup: the same for an unknown order and a wrong verifier.
    pub fn order_not_found() -> Self {
        AppError::client(
            StatusCode::NOT_FOUND,
            "order_not_found",
            "no order matches this order number and e-mail or phone digits",
        )
    }

    /// 401 asking for a bearer token.
    pub fn unauthorized() -> Self {
        AppError::client(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid bearer token is required",
        )
    }
}

impl From<FieldError> for AppError {
    fn from(err: FieldError) -> Self {
        AppError::Client {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid_field",
            message: err.to_string(),
            field: Some(err.field),
        }
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(err: crate::store::StoreError) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<crate::orders::OrderSourceError> for AppError {
    fn from(err: crate::orders::OrderSourceError) -> Self {
        match err {
            crate::orders::OrderSourceError::Store(err) => err.into(),
            crate::orders::OrderSourceError::Unavailable(what) => {
                AppError::OrderSourceUnavailable(what)
            }
        }
    }
}

impl From<crate::limits::RetryAfter> for AppError {
    fn from(retry: crate::limits::RetryAfter) -> Self {
        AppError::RateLimited {
            retry_after_secs: retry.0,
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
            _ => "malformed_json",
        };
        let message = match status {
            StatusCode::PAYLOAD_TOO_LARGE => format!(
                "the body is larger than {} bytes",
                kefu_api::limits::MAX_BODY_BYTES
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "send the body as JSON with `Content-Type: application/json`".to_owned()
            }
            _ => rejection.body_text(),
        };
        AppError::client(status, code, message)
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::client(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            rejection.body_text(),
        )
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::Client {
                status,
                code,
                message,
                field,
            } => (
                status,
                ApiError {
                    error: code.to_owned(),
                    message,
                    field: field.map(str::to_owned),
                },
            ),
            AppError::RateLimited { retry_after_secs } => {
                let body = ApiError {
                    error: "rate_limited".to_owned(),
                    message: format!("too many requests; try again in {retry_after_secs} s"),
                    field: None,
                };
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, retry_after_secs.to_string())],
                    Json(body),
                )
                    .into_response();
            }
            AppError::OrderSourceUnavailable(what) => {
                tracing::error!(error = %what, "the order system failed");
                (
                    StatusCode::BAD_GATEWAY,
                    ApiError {
                        error: "order_source_unavailable".to_owned(),
                        message: "order status cannot be looked up right now; please try again \
                                  later"
                            .to_owned(),
                        field: None,
                    },
                )
            }
            AppError::Internal(err) => {
                tracing::error!(error = %format!("{err:#}"), "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ApiError {
                        error: "internal".to_owned(),
                        message: "something went wrong; please try again".to_owned(),
                        field: None,
                    },
                )
            }
        };
        (status, Json(body)).into_response()
    }
}

/// `Json` whose rejections become [`AppError`]s with JSON bodies.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct AppJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        Json(self.0).into_response()
    }
}

/// `Query` whose rejections become [`AppError`]s with JSON bodies (400 `invalid_query`).
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct AppQuery<T>(pub T);
