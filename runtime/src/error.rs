//! The one error type of generated clients, and Twilio's error body.

use std::time::Duration;

use serde::Deserialize;

/// Everything that can go wrong with a call.
///
/// `Display` and `Debug` never show personal data or raw control
/// characters: server text is escaped, URLs are cut to their host, and kept
/// response bodies show only their length (the fields still hold them).
#[derive(thiserror::Error)]
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

    /// The request could not be sent or the response not received. The
    /// message gives the causes, outermost first.
    #[error("transport: {}", chain(.0.as_ref()))]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// The response body was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("the response body is larger than {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },

    /// No response arrived within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),

    /// Twilio answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A successful response could not be decoded into the expected type.
    #[error("could not decode the response (HTTP {status}): {}", escape(message))]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What did not fit; values quoted from the body are redacted.
        message: String,
        /// The body as received, cut to 4 KiB.
        body: String,
    },

    /// A `next_page_url` pointed somewhere other than the API's own host, so
    /// it was not followed: credentials go only to the API.
    #[error("refused to follow a next page URL to {}", origin(.0))]
    ForeignUrl(String),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::InvalidInput(text) => f.debug_tuple("InvalidInput").field(&escape(text)).finish(),
            Error::InvalidSid(error) => f.debug_tuple("InvalidSid").field(error).finish(),
            Error::Config(text) => f.debug_tuple("Config").field(&escape(text)).finish(),
            Error::Transport(error) => f.debug_tuple("Transport").field(&chain(error.as_ref())).finish(),
            Error::ResponseTooLarge { limit } => {
                f.debug_struct("ResponseTooLarge").field("limit", limit).finish()
            }
            Error::Timeout(after) => f.debug_tuple("Timeout").field(after).finish(),
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Decode { status, message, body } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("message", &escape(message))
                .field("body", &format_args!("[{} bytes]", body.len()))
                .finish(),
            Error::ForeignUrl(url) => f.debug_tuple("ForeignUrl").field(&origin(url)).finish(),
        }
    }
}

/// An error and its sources, outermost first, joined by `: `; a cause that
/// repeats the one before it is left out.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![escape(&error.to_string())];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = escape(&cause.to_string());
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// A URL from a server, cut to its scheme and host: its path and query may
/// hold personal data, and its text is the server's.
fn origin(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => escape(&format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or_default())),
        Err(_) => "an invalid URL".to_owned(),
    }
}

/// Server text made safe to print: control and bidi characters escaped, so
/// that it can neither forge lines nor reorder what a terminal shows.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = c.is_control()
            || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
        if hidden {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A decoder's message with the values it quotes from the body redacted
/// (serde names the offending string: `invalid type: string "alice"`).
pub(crate) fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find('"') {
        let Some(len) = rest[start + 1..].find('"') else { break };
        out.push_str(&rest[..start]);
        out.push_str("\"[redacted]\"");
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

impl Error {
    /// The Twilio error, if Twilio answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the same call may succeed if tried again later: Twilio was
    /// busy or failing (429, 500, 502, 503, 504), no answer came in time, or
    /// the connection failed. [`retry_after`](Self::retry_after) says how
    /// long the server asked to wait. (The client already retried as its
    /// [`RetryPolicy`](crate::RetryPolicy) allows.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(error) => matches!(error.status, 429 | 500 | 502 | 503 | 504),
            Error::Timeout(_) | Error::Transport(_) => true,
            _ => false,
        }
    }

    /// The wait the server asked for before a retry (`Retry-After`), if it
    /// answered with one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
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
/// always kept (`Debug` shows only its length).
///
/// Twilio's messages can quote the request (`The requested resource
/// /Services/IS…/Users/alice/Bindings was not found`), identities included.
/// So `message`, `Display` and `Debug` show every personal value the call
/// sent as `[redacted]`; [`raw_message`](Self::raw_message) gives the text as
/// Twilio sent it, for code that knows what it does with it.
#[derive(Clone, PartialEq, thiserror::Error)]
#[error("Twilio API error (HTTP {status}{code}): {message}{wait}", code = self.code.map(|c| format!(", code {c}")).unwrap_or_default(), message = escape(self.message.as_deref().unwrap_or("no message")), wait = self.retry_after.map(|w| format!(" (retry after {w:?})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// Twilio's error code (see `more_info`).
    pub code: Option<i64>,
    /// Twilio's message, with the personal values the call sent redacted.
    pub message: Option<String>,
    /// A link to the error's documentation.
    pub more_info: Option<String>,
    /// Extra details Twilio sent.
    pub details: Option<serde_json::Value>,
    /// The body as received, cut to 4 KiB.
    pub body: String,
    /// How long the server asked to wait before trying again (its
    /// `Retry-After`), if it did.
    pub retry_after: Option<Duration>,
    /// The message as Twilio sent it.
    raw_message: Option<String>,
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

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message.as_deref().map(escape))
            .field("more_info", &self.more_info.as_deref().map(escape))
            .field("details", &self.details.as_ref().map(|_| "[…]"))
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .field("retry_after", &self.retry_after)
            .finish()
    }
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
        ApiError {
            status,
            code,
            raw_message: message.clone(),
            message,
            more_info,
            details,
            body: body_text(body),
            retry_after: None,
        }
    }

    /// The message exactly as Twilio sent it, which may quote personal data
    /// from the request (an identity in a path it did not find).
    pub fn raw_message(&self) -> Option<&str> {
        self.raw_message.as_deref()
    }

    /// This error with every one of `personal` (and its encoded forms) shown
    /// as `[redacted]` in each of its text fields (`message`, `more_info`):
    /// a server or proxy may echo the request anywhere.
    pub fn redacting(mut self, personal: &[String]) -> Self {
        for text in [&mut self.message, &mut self.more_info].into_iter().flatten() {
            *text = redact_values(text, personal);
        }
        self
    }
}

/// `text` with each of `values`, as written, percent-encoded as a path
/// segment or form-encoded as a query value, replaced by `[redacted]`;
/// longer values first, so that one value inside another leaves nothing.
pub(crate) fn redact_values(text: &str, values: &[String]) -> String {
    let mut forms: Vec<String> = Vec::new();
    for value in values.iter().filter(|v| !v.is_empty()) {
        forms.push(value.clone());
        forms.push(crate::request::encode_segment(value));
        forms.push(url::form_urlencoded::byte_serialize(value.as_bytes()).collect());
    }
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    let mut out = text.to_owned();
    for form in &forms {
        if out.contains(form.as_str()) {
            out = out.replace(form.as_str(), crate::request::REDACTED);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_in_time_and_failed_connections_may_succeed_later() {
        assert!(Error::Timeout(Duration::from_secs(1)).is_retryable());
        assert!(Error::Transport("connection refused".into()).is_retryable());
        assert!(!Error::Config("bad".to_owned()).is_retryable());
    }

    #[test]
    fn every_quoted_value_is_redacted() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "alice", expected "x y" at line 1"#),
            r#"invalid type: string "[redacted]", expected "[redacted]" at line 1"#
        );
        assert_eq!(redact_quoted(r#""a""bc" tail "open"#), r#""[redacted]""[redacted]" tail "open"#);
        assert_eq!(redact_quoted("no quotes"), "no quotes");
    }

    #[test]
    fn messages_lose_the_identities_the_call_sent() {
        let body = br#"{"code": 20404, "message": "The requested resource /v2/Services/IS1/Users/alice%20smith/Bindings was not found (alice smith, alice+smith)"}"#;
        let error = ApiError::from_response(404, body).redacting(&["alice smith".to_owned()]);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("alice"), "{shown}");
        assert_eq!(
            error.message.as_deref(),
            Some(
                "The requested resource /v2/Services/IS1/Users/[redacted]/Bindings was not found ([redacted], [redacted])"
            )
        );
        assert!(error.raw_message().is_some_and(|m| m.contains("alice%20smith")));
        // Every text field, not only the message: a proxy may echo the URL anywhere.
        let body = br#"{"code": 20404, "message": "m", "more_info": "https://x/?Identity=alice%40example.com&u=/Users/alice@example.com"}"#;
        let error = ApiError::from_response(404, body).redacting(&["alice@example.com".to_owned()]);
        let shown = format!("{error} {error:?} {:?}", error.more_info);
        assert!(!shown.contains("alice"), "{shown}");
        // Nothing to redact leaves the message as sent.
        let plain = ApiError::from_response(404, body).redacting(&[String::new()]);
        assert_eq!(plain.message.as_deref(), plain.raw_message());
    }

    #[test]
    fn decode_errors_keep_their_status() {
        let error = Error::Decode { status: 502, message: String::new(), body: String::new() };
        assert_eq!(error.status(), Some(502));
        assert_eq!(error.api(), None);
    }
}
