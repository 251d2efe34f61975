//! Errors as `application/problem+json` (RFC 9457), with `errors` naming the fields at fault.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error (RFC 9457 problem details), sent as `application/problem+json`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 422 naming the field at fault.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let (field, message) = (field.into(), message.into());
        let detail = if message.starts_with(&field) {
            message.clone()
        } else {
            format!("{field} {message}")
        };
        let mut problem = Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail);
        problem.errors.push(FieldError { field, message });
        problem
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    /// A failure that is not the caller's: logged with its whole source chain, answered 500.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        let error = error.into();
        tracing::error!(error = %format!("{error:#}"), "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be completed; it is safe to retry",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// A JSON body whose every rejection (syntax, wrong type, unknown field, missing field, wrong
/// content type, too large) is a problem+json naming what is wrong.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => {
                    // serde's message names the path: "lines[0].quantity: invalid type ..."
                    let text = e.body_text();
                    let detail = text.trim_start_matches(
                        "Failed to deserialize the JSON body into the target type: ",
                    );
                    let field = detail.split(':').next().unwrap_or("body").trim();
                    let field = if field.contains(' ') { "body" } else { field };
                    Problem::invalid(field, detail.to_string())
                }
                JsonRejection::JsonSyntaxError(_) => {
                    Problem::new(StatusCode::BAD_REQUEST, "the body is not valid JSON")
                }
                JsonRejection::MissingJsonContentType(_) => Problem::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "send the body as Content-Type: application/json",
                ),
                other => Problem::new(other.status(), other.body_text()),
            }),
        }
    }
}
