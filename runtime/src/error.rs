//! The one error type of generated clients, and Twilio's error body.

use std::time::Duration;

use serde::Deserialize;

/// The call an error happened in: the operation (the spec's id, the method
/// and the path *template*), the host it went to and how many attempts were
/// made. It never holds the filled path or the query, which can hold an
/// identity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Call {
    /// The spec's `operationId` (`ListBinding`); empty for a request that
    /// names none.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: crate::Method,
    /// The spec's path template (`/v2/Services/{ServiceSid}/Bindings`);
    /// empty for a request that names none.
    pub path: &'static str,
    /// The host the call went to (`chat.twilio.com`).
    pub host: String,
    /// How many times the request was sent.
    pub attempts: u32,
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let method = self.method.as_str();
        match (self.operation, self.path) {
            ("", "") => write!(f, "{method}")?,
            ("", path) => write!(f, "{method} {path}")?,
            (operation, "") => write!(f, "{operation} ({method})")?,
            (operation, path) => write!(f, "{operation} ({method} {path})")?,
        }
        let plural = if self.attempts == 1 { "" } else { "s" };
        write!(f, " at {}, {} attempt{plural}", escape(&self.host), self.attempts)
    }
}

/// Everything that can go wrong with a call.
///
/// An error from a call that was sent names the call ([`Call`]: operation,
/// method, path template, host, attempts; see [`call`](Self::call)), never
/// the filled path; Twilio's errors carry its request id. `Display` and
/// `Debug` never show personal data or raw control characters: server text
/// is escaped, URLs are cut to their host, and kept response bodies show
/// only their length (the fields still hold them).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input cannot make a valid request; nothing was sent.
    #[error("invalid input: {}", escape(.0))]
    InvalidInput(String),

    /// A SID did not have the expected form; nothing was sent.
    #[error(transparent)]
    InvalidSid(#[from] crate::SidError),

    /// The client is missing configuration, such as credentials.
    #[error("configuration: {}", escape(.0))]
    Config(String),

    /// The request could not be sent or the response not received. The
    /// message gives the call, then the causes, outermost first.
    #[error("transport error in {call}: {}", chain(.source.as_ref()))]
    #[non_exhaustive]
    Transport {
        /// The call.
        call: Box<Call>,
        /// What failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The response body was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("the response body is larger than {limit} bytes in {call}")]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The call.
        call: Box<Call>,
        /// The limit, in bytes.
        limit: usize,
    },

    /// No response arrived within the timeout.
    #[error("timed out after {after:?} in {call}")]
    #[non_exhaustive]
    Timeout {
        /// The call.
        call: Box<Call>,
        /// The timeout that passed: the attempt's, or what was left of the
        /// call's budget.
        after: Duration,
    },

    /// Twilio answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A successful response could not be decoded into the expected type.
    #[error("could not decode the response (HTTP {status}{}) in {call}: {}", request(.request_id.as_deref()), escape(message))]
    #[non_exhaustive]
    Decode {
        /// The call.
        call: Box<Call>,
        /// The HTTP status.
        status: u16,
        /// Twilio's `Twilio-Request-Id`, if it sent one.
        request_id: Option<String>,
        /// What did not fit; values quoted from the body are redacted.
        message: String,
        /// The body as received, cut to 4 KiB.
        body: String,
    },

    /// A `next_page_url` pointed somewhere other than the API's own host, so
    /// it was not followed: credentials go only to the API.
    #[error("refused to follow a next page URL to {} in {call}", origin(url))]
    #[non_exhaustive]
    ForeignUrl {
        /// The call whose page named the URL.
        call: Box<Call>,
        /// The URL, as the page gave it.
        url: String,
    },
}

/// `, request RQ…` for a request id, or nothing.
fn request(id: Option<&str>) -> String {
    id.map(|id| format!(", request {}", escape(id))).unwrap_or_default()
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::InvalidInput(text) => f.debug_tuple("InvalidInput").field(&escape(text)).finish(),
            Error::InvalidSid(error) => f.debug_tuple("InvalidSid").field(error).finish(),
            Error::Config(text) => f.debug_tuple("Config").field(&escape(text)).finish(),
            Error::Transport { call, source } => f
                .debug_struct("Transport")
                .field("call", call)
                .field("source", &chain(source.as_ref()))
                .finish(),
            Error::ResponseTooLarge { call, limit } => {
                f.debug_struct("ResponseTooLarge").field("call", call).field("limit", limit).finish()
            }
            Error::Timeout { call, after } => {
                f.debug_struct("Timeout").field("call", call).field("after", after).finish()
            }
            Error::Api(error) => f.debug_tuple("Api").field(error).finish(),
            Error::Decode { call, status, request_id, message, body } => f
                .debug_struct("Decode")
                .field("call", call)
                .field("status", status)
                .field("request_id", &request_id.as_deref().map(escape))
                .field("message", &escape(message))
                .field("body", &format_args!("[{} bytes]", body.len()))
                .finish(),
            Error::ForeignUrl { call, url } => {
                f.debug_struct("ForeignUrl").field("call", call).field("url", &origin(url)).finish()
            }
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
            Error::Timeout { .. } | Error::Transport { .. } => true,
            _ => false,
        }
    }

    /// The call this error happened in, if a request was sent (or a page's
    /// next URL refused): operation, method, path template, host, attempts.
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::Transport { call, .. }
            | Error::ResponseTooLarge { call, .. }
            | Error::Timeout { call, .. }
            | Error::Decode { call, .. }
            | Error::ForeignUrl { call, .. } => Some(call),
            Error::Api(error) => error.call.as_ref(),
            _ => None,
        }
    }

    /// Twilio's `Twilio-Request-Id` for the response that caused this
    /// error, if it sent one: what Twilio's support asks for.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
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
#[error("Twilio API error (HTTP {status}{code}{request}): {message}{wait}{call}", code = self.code.map(|c| format!(", code {c}")).unwrap_or_default(), request = request(self.request_id.as_deref()), message = escape(self.message.as_deref().unwrap_or("no message")), wait = self.retry_after.map(|w| format!(" (retry after {w:?})")).unwrap_or_default(), call = self.call.as_ref().map(|c| format!(" in {c}")).unwrap_or_default())]
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
    /// Twilio's `Twilio-Request-Id` for the response, if it sent one: what
    /// Twilio's support asks for.
    pub request_id: Option<String>,
    /// The call that got this answer, when the client made it.
    pub call: Option<Call>,
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
            .field("request_id", &self.request_id.as_deref().map(escape))
            .field("call", &self.call)
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
            request_id: None,
            call: None,
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

    fn call() -> Call {
        Call {
            operation: "ListBinding",
            method: crate::Method::Get,
            path: "/v2/Services/{ServiceSid}/Bindings",
            host: "chat.twilio.com".to_owned(),
            attempts: 2,
        }
    }

    #[test]
    fn errors_name_the_call_and_the_request_id() {
        let mut api = ApiError::from_response(404, br#"{"code": 20404, "message": "not found"}"#);
        api.request_id = Some("RQ0123\u{1b}[2K".to_owned());
        api.call = Some(call());
        let shown = Error::Api(Box::new(api)).to_string();
        assert_eq!(
            shown,
            "Twilio API error (HTTP 404, code 20404, request RQ0123\\u{1b}[2K): not found in ListBinding (GET /v2/Services/{ServiceSid}/Bindings) at chat.twilio.com, 2 attempts"
        );
        let timeout =
            Error::Timeout { call: Box::new(Call { attempts: 1, ..call() }), after: Duration::from_secs(3) };
        assert_eq!(
            timeout.to_string(),
            "timed out after 3s in ListBinding (GET /v2/Services/{ServiceSid}/Bindings) at chat.twilio.com, 1 attempt"
        );
        let bare = Call { operation: "", path: "", ..call() };
        assert_eq!(bare.to_string(), "GET at chat.twilio.com, 2 attempts");
    }

    #[test]
    fn no_answer_in_time_and_failed_connections_may_succeed_later() {
        let call = || Box::new(call());
        assert!(Error::Timeout { call: call(), after: Duration::from_secs(1) }.is_retryable());
        assert!(Error::Transport { call: call(), source: "connection refused".into() }.is_retryable());
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
        let error = Error::Decode {
            call: Box::new(call()),
            status: 502,
            request_id: Some("RQ1".to_owned()),
            message: String::new(),
            body: String::new(),
        };
        assert_eq!(error.status(), Some(502));
        assert_eq!(error.api(), None);
        assert_eq!(error.request_id(), Some("RQ1"));
        assert_eq!(error.call().map(|c| c.attempts), Some(2));
    }
}
