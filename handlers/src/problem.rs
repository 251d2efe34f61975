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
    /// Seconds after which a retry may succeed (`Retry-After`), for a 503.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
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

    /// A failure that is not the caller's: logged with its whole source chain. Answered 503 with
    /// `Retry-After` when the database could not be reached (a restart, a failover), else 500.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        let error = error.into();
        if platform::db::unavailable(error.as_ref()) {
            tracing::warn!(error = %format!("{error:#}"), "database unavailable");
            let mut problem = Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is unavailable for a moment; retry shortly",
            );
            problem.retry_after = Some(1);
            return problem;
        }
        tracing::error!(error = %format!("{error:#}"), "request failed");
        Self::failed()
    }

    /// 500, as every failure that is not the caller's answers (the cause is in the log only).
    pub fn failed() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request could not be completed; it is safe to retry",
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let self_retry_after = self.retry_after;
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self_retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON body whose every rejection (syntax, wrong type, unknown field, missing field, wrong
/// content type, too large) is a problem+json naming what is wrong.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| Problem::new(e.status(), e.body_text()))?;
        // serde reads a struct from an array too (`[]` as a struct of defaults): every body of
        // this API is an object.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                    Ok(_) => Problem::invalid("body", "must be a JSON object"),
                    Err(_) => Problem::new(StatusCode::BAD_REQUEST, "the body is not valid JSON"),
                },
            );
        }
        match Json::<T>::from_bytes(&bytes) {
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

/// `application/json`, or another `application/*+json`, as axum's `Json` accepts.
fn json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Deserialises an integer field that a client may write as `12` or `12.0`: JSON Schema counts
/// both as an integer, so the contract's `integer` accepts both; anything with a fraction is
/// still refused, with the field's own message.
pub fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::Deserialize;
    let mut value = serde_json::Value::deserialize(deserializer)?;
    if let Some(n) = value
        .as_f64()
        .filter(|n| value.is_f64() && n.fract() == 0.0 && n.abs() < 9.0e15)
    {
        value = (n as i64).into();
    }
    T::deserialize(value).map_err(serde::de::Error::custom)
}

/// A query string whose every rejection (wrong type, unknown parameter) is a problem+json 422
/// naming the parameter, as a body's is.
pub struct Params<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => {
                // "Failed to deserialize query string: minutes: invalid digit found in string"
                let text = rejection.body_text();
                let detail = text
                    .trim_start_matches("Failed to deserialize query string: ")
                    .to_string();
                let field = match detail.split_once(": ") {
                    Some((field, _)) if !field.contains(' ') => field.to_string(),
                    // "unknown field `x`, expected ..." names the parameter in backticks.
                    _ => detail.split('`').nth(1).unwrap_or("query").to_string(),
                };
                Err(Problem::invalid(field, detail))
            }
        }
    }
}

/// Path parameters that must parse (a UUID): one that does not names nothing, so the answer is a
/// problem+json 404, as for an id that parses but is unknown, never axum's plain-text 400.
pub struct Ids<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Ids<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|_| {
                Problem::new(
                    StatusCode::NOT_FOUND,
                    "no such resource: the id in the path names nothing",
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;

    use super::Problem;

    #[test]
    fn a_database_that_went_away_is_503_with_retry_after_and_a_bug_is_500() {
        let lost = sqlx::Error::Io(std::io::ErrorKind::ConnectionRefused.into());
        let response = Problem::internal(lost).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let response = Problem::internal(sqlx::Error::RowNotFound).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!response.headers().contains_key(header::RETRY_AFTER));
    }
}
