//! The one error type of generated clients, and Twilio's error body.

use std::time::Duration;

use serde::Deserialize;

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input cannot make a valid request; nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// A SID did not have the expected form; nothing was sent.
    #[error(transparent)]
    InvalidSid(#[from] crate::SidError),

    /// The client is missing configuration, such as credentials.
    #[error("configuration: {0}")]
    Config(String),

    /// The request could not be sent or the response not received.
    #[error("transport: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// No response arrived within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),

    /// Twilio answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A successful response could not be decoded into the expected type.
    #[error("could not decode the response (HTTP {status}): {message}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not fit.
        message: String,
        /// The body as received, cut to 4 KiB.
        body: String,
    },

    /// A `next_page_url` pointed somewhere other than the API's own host, so
    /// it was not followed: credentials go only to the API.
    #[error("refused to follow a next page URL on another host: {0}")]
    ForeignUrl(String),
}

impl Error {
    /// The Twilio error, if Twilio answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The HTTP status of the response that caused this error, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Twilio's error response, with the HTTP status. Fields Twilio did not send
/// (or a body that is not Twilio's JSON) leave them `None`; the raw body is
/// always kept.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("Twilio API error (HTTP {status}{code}): {message}", code = self.code.map(|c| format!(", code {c}")).unwrap_or_default(), message = self.message.as_deref().unwrap_or("no message"))]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Twilio's error code (see `more_info`).
    pub code: Option<i64>,
    /// Twilio's message.
    pub message: Option<String>,
    /// A link to the error's documentation.
    pub more_info: Option<String>,
    /// Extra details Twilio sent.
    pub details: Option<serde_json::Value>,
    /// The body as received, cut to 4 KiB.
    pub body: String,
}

#[derive(Deserialize)]
struct TwilioBody {
    code: Option<i64>,
    message: Option<String>,
    more_info: Option<String>,
    details: Option<serde_json::Value>,
}

/// The most of a body that errors keep.
const BODY_LIMIT: usize = 4096;

/// A body as text, cut on a character boundary.
pub(crate) fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_LIMIT)]);
    text.into_owned()
}

impl ApiError {
    /// Reads Twilio's error body; a body that is not Twilio's JSON still
    /// gives the status and the raw text.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let parsed: Option<TwilioBody> = serde_json::from_slice(body).ok();
        let (code, message, more_info, details) = match parsed {
            Some(b) => (b.code, b.message, b.more_info, b.details),
            None => (None, None, None, None),
        };
        ApiError { status, code, message, more_info, details, body: body_text(body) }
    }
}
