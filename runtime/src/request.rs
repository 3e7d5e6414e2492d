//! A transport-neutral description of one API call, built by generated code
//! and sent by a [`Client`](crate::Client) (or inspected in tests).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The method named `name` (`"DELETE"`, any case), if it is one.
    pub fn from_name(name: &str) -> Option<Method> {
        [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether repeating the request cannot change the outcome, so that it
    /// may be retried.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }
}

/// `Method::Delete == "DELETE"`: methods compare with their names.
impl PartialEq<str> for Method {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Method {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Method> for &str {
    fn eq(&self, other: &Method) -> bool {
        *self == other.as_str()
    }
}

/// Everything but RFC 3986's unreserved characters, so that a path
/// parameter stays one segment whatever it holds.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'!')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Literal path text from the spec: only what a URL cannot hold is encoded.
const LITERAL: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// One API call: method, server, encoded path, query, headers and form body.
///
/// Values that may be personal data (identities in a path, parameters the
/// spec marks as PII) are added with the `_pii` methods: they are sent as
/// usual, and shown as `[redacted]` in `Debug` and [`Request::log_url`].
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    method: Method,
    server: String,
    path: String,
    /// The path with personal path parameters redacted.
    shown_path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    form: Vec<(&'static str, String)>,
    json: Option<String>,
    problem: Option<Problem>,
    /// Keys whose values are personal data.
    pii: Vec<&'static str>,
    /// The personal values themselves (identities in the path, values of
    /// `pii` keys), so that what the server quotes back can be redacted.
    personal: Vec<String>,
    /// The spec's operationId and path template, for tracing.
    operation: (&'static str, &'static str),
    /// Per-call overrides of the client's settings.
    call: CallOptions,
    /// Whether a redirect (3xx) is the answer this call expects.
    redirect: bool,
}

/// Why a request cannot be sent; sending it gives the matching [`Error`](crate::Error).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A value cannot make a valid request ([`Error::InvalidInput`](crate::Error::InvalidInput)).
    Invalid(String),
    /// A SID given as text is not one ([`Error::InvalidSid`](crate::Error::InvalidSid)).
    Sid(crate::SidError),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Invalid(text) => f.write_str(text),
            Problem::Sid(error) => fmt::Display::fmt(error, f),
        }
    }
}

/// Settings of one call that override the client's, set on a request
/// builder with `with_timeout` and `with_retry`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// How long the call may take, per attempt.
    pub timeout: Option<std::time::Duration>,
    /// When to retry it.
    pub retry: Option<crate::RetryPolicy>,
}

/// What stands in for personal data.
pub(crate) const REDACTED: &str = "[redacted]";

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |pairs: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
            pairs
                .iter()
                .map(|(k, v)| (*k, if self.pii.contains(k) { REDACTED.to_owned() } else { v.clone() }))
                .collect()
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("server", &self.server)
            .field("path", &self.shown_path)
            .field("query", &shown(&self.query))
            .field("headers", &shown(&self.headers))
            .field("form", &shown(&self.form))
            .field("json", &self.json.as_ref().map(|j| format!("[{} bytes]", j.len())))
            .field("problem", &self.problem)
            .field("operation", &self.operation.0)
            .field("call", &self.call)
            .finish()
    }
}

impl Request {
    /// A request to `server` (`https://chat.twilio.com`) with an empty path.
    pub fn new(method: Method, server: &str) -> Self {
        Request {
            method,
            server: server.trim_end_matches('/').to_owned(),
            path: String::new(),
            shown_path: String::new(),
            pii: Vec::new(),
            personal: Vec::new(),
            operation: ("", ""),
            call: CallOptions::default(),
            redirect: false,
            query: Vec::new(),
            headers: Vec::new(),
            form: Vec::new(),
            json: None,
            problem: None,
        }
    }

    /// Names the spec's operation (`ListBinding`) and path template
    /// (`/v2/Services/{ServiceSid}/Bindings`), which tracing shows instead of
    /// the filled path.
    pub fn operation(mut self, operation_id: &'static str, template: &'static str) -> Self {
        self.operation = (operation_id, template);
        self
    }

    /// The spec's operationId, if the request names it.
    pub fn operation_id(&self) -> &'static str {
        self.operation.0
    }

    /// The spec's path template, if the request names it.
    pub fn template(&self) -> &'static str {
        self.operation.1
    }

    /// Makes a redirect (3xx) this call's answer, for operations whose only
    /// documented response is one: the client returns it, never follows it.
    pub fn expect_redirect(&mut self) {
        self.redirect = true;
    }

    /// Whether a redirect is this call's answer.
    pub fn expects_redirect(&self) -> bool {
        self.redirect
    }

    /// Overrides the client's settings for this call.
    pub fn set_call_options(&mut self, call: CallOptions) {
        self.call = call;
    }

    /// This call's overrides of the client's settings.
    pub fn call_options(&self) -> CallOptions {
        self.call
    }

    /// Appends literal path text from the spec. Text with a `.` or `..`
    /// segment (spelled plainly or percent-encoded), which a URL parser
    /// would resolve so that the request goes elsewhere, makes the request
    /// invalid.
    pub fn push_path(&mut self, literal: &str) {
        let climbs = literal.split('/').any(|segment| {
            let decoded = segment.replace("%2e", ".").replace("%2E", ".");
            decoded == "." || decoded == ".."
        });
        if climbs {
            self.invalid(
                "path text with a `.` or `..` segment cannot be sent: it would change the request's path",
            );
        }
        let encoded: String = utf8_percent_encode(literal, LITERAL).collect();
        self.path.push_str(&encoded);
        self.shown_path.push_str(&encoded);
    }

    /// Like [`push_path_param`](Self::push_path_param), for a value that may
    /// be personal data (a user's identity): shown as `[redacted]`.
    pub fn push_path_param_pii(&mut self, value: &impl ParamValue) {
        let shown = self.shown_path.len();
        let mut parts = Vec::new();
        value.append_to("", &mut parts);
        self.personal.extend(parts.into_iter().map(|(_, v)| v));
        self.push_path_param(value);
        self.shown_path.truncate(shown);
        self.shown_path.push_str(REDACTED);
    }

    /// Appends a path parameter, percent-encoded so that it stays inside its
    /// segment: `/`, `?`, `#`, `%` and the rest cannot change the path or the
    /// query. Values that URL parsers would resolve as `.` or `..`, and empty
    /// values, cannot be sent as a segment and make the request invalid.
    pub fn push_path_param(&mut self, value: &impl ParamValue) {
        self.note(value);
        let mut parts = Vec::new();
        value.append_to("", &mut parts);
        let text = parts.into_iter().map(|(_, v)| v).collect::<Vec<_>>().join(",");
        let segment_is_whole = self.path.ends_with('/');
        if segment_is_whole && matches!(text.as_str(), "" | "." | "..") {
            self.invalid(&format!(
                "path parameter {text:?} cannot be sent: it would change the request's path"
            ));
        }
        let encoded = encode_segment(&text);
        self.path.push_str(&encoded);
        self.shown_path.push_str(&encoded);
    }

    /// Adds query parameters: one pair per value, repeated keys for lists.
    pub fn query(&mut self, key: &'static str, value: &impl ParamValue) {
        self.note(value);
        value.append_to(key, &mut self.query);
    }

    /// Adds a header.
    pub fn header(&mut self, key: &'static str, value: &impl ParamValue) {
        self.note(value);
        value.append_to(key, &mut self.headers);
    }

    /// Adds fields to the `application/x-www-form-urlencoded` body.
    pub fn form(&mut self, key: &'static str, value: &impl ParamValue) {
        self.note(value);
        value.append_to(key, &mut self.form);
    }

    /// Adds query parameters that are personal data.
    pub fn query_pii(&mut self, key: &'static str, value: &impl ParamValue) {
        self.pii.push(key);
        let from = self.query.len();
        self.query(key, value);
        self.personal.extend(self.query[from..].iter().map(|(_, v)| v.clone()));
    }

    /// Adds a header that is personal data.
    pub fn header_pii(&mut self, key: &'static str, value: &impl ParamValue) {
        self.pii.push(key);
        let from = self.headers.len();
        self.header(key, value);
        self.personal.extend(self.headers[from..].iter().map(|(_, v)| v.clone()));
    }

    /// Adds form fields that are personal data.
    pub fn form_pii(&mut self, key: &'static str, value: &impl ParamValue) {
        self.pii.push(key);
        let from = self.form.len();
        self.form(key, value);
        self.personal.extend(self.form[from..].iter().map(|(_, v)| v.clone()));
    }

    /// The personal values this request sends (identities in its path,
    /// values of personal parameters): what an error message that quotes
    /// them must not show.
    pub fn personal_values(&self) -> &[String] {
        &self.personal
    }

    /// The keys whose values are personal data.
    pub fn pii_keys(&self) -> &[&'static str] {
        &self.pii
    }

    /// The path with personal path parameters shown as `[redacted]`.
    pub fn shown_path(&self) -> &str {
        &self.shown_path
    }

    /// The full URL on the server the code names, with personal data shown
    /// as `[redacted]`: for logs.
    pub fn log_url(&self) -> String {
        let mut url = format!("{}{}", self.server, self.shown_path);
        if !self.query.is_empty() {
            let pairs = self.query.iter().map(|(k, v)| (*k, v.as_str()));
            let _ = write!(url, "?{}", shown_query(pairs, &self.pii));
        }
        url
    }

    /// Sets a JSON body. `key` is the body's name in the model (`body`); an
    /// absent optional body (`None`) sends nothing.
    pub fn json(&mut self, _key: &'static str, value: &impl serde::Serialize) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(value) => self.json = Some(value.to_string()),
            Err(error) => self.invalid(&format!("the request body cannot be encoded: {error}")),
        }
    }

    /// The JSON body, if any.
    pub fn json_body(&self) -> Option<&str> {
        self.json.as_deref()
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The server the generated code names, before any override.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The percent-encoded path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Query pairs, in order, not yet encoded.
    pub fn query_pairs(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// Headers, in order.
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// Form fields, in order, not yet encoded.
    pub fn form_pairs(&self) -> &[(&'static str, String)] {
        &self.form
    }

    /// Notes that a required parameter, `name` in the spec and set with
    /// the builder's `setter`, was not given: the request cannot be sent,
    /// and `send()` says which one is missing.
    pub fn require(&mut self, given: bool, name: &str, setter: &str) {
        if !given {
            let operation = match self.operation.0 {
                "" => String::new(),
                id => format!("{id}: "),
            };
            self.invalid(&format!("{operation}`{name}` is required: set it with `.{setter}(…)`"));
        }
    }

    /// Why the request cannot be sent, if it cannot.
    pub fn problem(&self) -> Option<&Problem> {
        self.problem.as_ref()
    }

    /// Records the first reason the request cannot be sent.
    fn invalid(&mut self, why: &str) {
        self.problem.get_or_insert_with(|| Problem::Invalid(why.to_owned()));
    }

    /// Records a value's own problem (a SID that did not check), if any.
    fn note(&mut self, value: &(impl ParamValue + ?Sized)) {
        if self.problem.is_none() {
            self.problem = value.problem().map(Problem::Sid);
        }
    }

    /// The encoded query string, without `?`.
    pub fn query_string(&self) -> String {
        encode_pairs(&self.query)
    }

    /// The encoded form body.
    pub fn form_body(&self) -> Option<String> {
        (!self.form.is_empty()).then(|| encode_pairs(&self.form))
    }

    /// The full URL on the server the code names.
    pub fn url(&self) -> String {
        let mut url = format!("{}{}", self.server, self.path);
        if !self.query.is_empty() {
            let _ = write!(url, "?{}", self.query_string());
        }
        url
    }
}

/// `text` percent-encoded as one path segment.
pub(crate) fn encode_segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).collect()
}

/// A query string with the values of `pii` keys shown as `[redacted]`.
pub(crate) fn shown_query<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>, pii: &[&str]) -> String {
    let encode = url::form_urlencoded::byte_serialize;
    let mut shown = String::new();
    for (i, (k, v)) in pairs.enumerate() {
        if i > 0 {
            shown.push('&');
        }
        shown.extend(encode(k.as_bytes()));
        shown.push('=');
        if pii.contains(&k) {
            shown.push_str(REDACTED);
        } else {
            shown.extend(encode(v.as_bytes()));
        }
    }
    shown
}

fn encode_pairs(pairs: &[(&'static str, String)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        out.append_pair(key, value);
    }
    out.finish()
}

/// A value that can be sent as a query parameter, form field, header or path
/// segment. Lists add one pair per item; `None` adds nothing. A SID given as
/// text that did not check ([`Checked`](crate::sid::Checked)) adds nothing
/// and makes the request invalid.
pub trait ParamValue {
    /// Appends this value's pairs under `key`.
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>);

    /// Why this value cannot be sent, if it cannot.
    fn problem(&self) -> Option<crate::SidError> {
        None
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        (**self).append_to(key, out);
    }

    fn problem(&self) -> Option<crate::SidError> {
        (**self).problem()
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Some(value) = self {
            value.append_to(key, out);
        }
    }

    fn problem(&self) -> Option<crate::SidError> {
        self.as_ref().and_then(ParamValue::problem)
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        for value in self {
            value.append_to(key, out);
        }
    }

    fn problem(&self) -> Option<crate::SidError> {
        self.iter().find_map(ParamValue::problem)
    }
}

impl<T: ParamValue> ParamValue for Result<T, crate::SidError> {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        if let Ok(value) = self {
            value.append_to(key, out);
        }
    }

    fn problem(&self) -> Option<crate::SidError> {
        self.as_ref().err().cloned()
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
                out.push((key, self.to_string()));
            }
        }
    )*};
}

display_param!(str, String, bool, i32, i64, u32, u64, usize, f64, url::Url);

impl ParamValue for crate::Date {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((key, self.format("%Y-%m-%d").to_string()));
    }
}

impl ParamValue for crate::DateTime {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((key, self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)));
    }
}

impl ParamValue for serde_json::Value {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        match self {
            serde_json::Value::String(text) => out.push((key, text.clone())),
            serde_json::Value::Null => {}
            other => out.push((key, other.to_string())),
        }
    }
}

impl ParamValue for BTreeMap<String, serde_json::Value> {
    fn append_to(&self, key: &'static str, out: &mut Vec<(&'static str, String)>) {
        out.push((key, serde_json::to_string(self).unwrap_or_default()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::sid::{Checked, Sid};
    type TestSid = crate::sid::tests::TestSid;
    const GOOD: &str = "BS0123456789abcdef0123456789abcdef";

    #[test]
    fn a_missing_required_value_names_itself_and_its_setter() {
        let mut request = Request::new(Method::Post, "https://bulkexports.twilio.com")
            .operation("CreateExportCustomJob", "/v1/Exports/{ResourceType}/Jobs");
        request.require(true, "EndDay", "end_day");
        assert_eq!(request.problem(), None);
        request.require(false, "StartDay", "start_day");
        request.require(false, "FriendlyName", "friendly_name");
        assert_eq!(
            request.problem(),
            Some(&Problem::Invalid(
                "CreateExportCustomJob: `StartDay` is required: set it with `.start_day(…)`".to_owned()
            )),
            "the first one missing"
        );
        let mut bare = Request::new(Method::Post, "https://x.twilio.com");
        bare.require(false, "To", "to");
        assert_eq!(
            bare.problem().map(ToString::to_string).as_deref(),
            Some("`To` is required: set it with `.to(…)`")
        );
    }

    #[test]
    fn a_sid_that_did_not_check_is_the_requests_problem_wherever_it_is() {
        let bad = || TestSid::parse("BS1".to_owned());
        let good = || TestSid::parse(GOOD.to_owned());
        let problem = |fill: &dyn Fn(&mut Request)| {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com/");
            fill(&mut request);
            request.problem().map(ToString::to_string)
        };
        let short = Some(
            "invalid TestSid: wrong length (3 characters given); expected `BS` followed by 32 hexadecimal digits"
                .to_owned(),
        );
        assert_eq!(problem(&|r| r.query("Sid", &bad())), short);
        assert_eq!(problem(&|r| r.query("Sid", &&bad())), short, "through a reference");
        assert_eq!(problem(&|r| r.query("Sid", &Some(bad()))), short, "in an Option");
        assert_eq!(problem(&|r| r.query("Sid", &vec![good(), bad()])), short, "in a list");
        assert_eq!(problem(&|r| r.push_path_param(&bad())), short, "in the path");
        assert_eq!(problem(&|r| r.query("Sid", &vec![good()])), None);
        assert_eq!(problem(&|r| r.query("Sid", &None::<Checked<TestSid>>)), None);
        // The first problem is kept.
        let first = problem(&|r| {
            r.query("A", &TestSid::parse("XX0123456789abcdef0123456789abcdef".to_owned()));
            r.query("B", &bad());
        });
        assert!(first.is_some_and(|p| p.contains("wrong prefix")), "the first");
        let invalid = problem(&|r| {
            r.invalid("PageSize must be at least 1");
            r.query("B", &bad());
        });
        assert_eq!(invalid.as_deref(), Some("PageSize must be at least 1"));
    }

    #[test]
    fn path_parameters_stay_in_their_segment() {
        let cases = [
            ("alice", "alice"),
            ("a/b", "a%2Fb"),
            ("a?b=c#d", "a%3Fb%3Dc%23d"),
            ("100%", "100%25"),
            ("x&y+z;w=v", "x%26y%2Bz%3Bw%3Dv"),
            ("with space", "with%20space"),
            ("../etc", "..%2Fetc"),
            ("ünï", "%C3%BCn%C3%AF"),
        ];
        for (value, encoded) in cases {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com/");
            request.push_path("/v2/Users/");
            request.push_path_param(&value);
            assert_eq!(request.path(), format!("/v2/Users/{encoded}"), "{value:?}");
            assert_eq!(request.problem(), None, "{value:?}");
        }
        for value in ["", ".", ".."] {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com");
            request.push_path("/v2/Users/");
            request.push_path_param(&value);
            assert!(request.problem().is_some(), "{value:?}");
        }
        for literal in ["/v1/../../etc/passwd", "/v1/./x", "/v1/%2e%2E/x", "/v1/..", "../v1"] {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com");
            request.push_path(literal);
            assert!(request.problem().is_some(), "{literal:?}");
        }
        for literal in ["/v1/Services/", "/v2/a.b/c..d", "/v1/Calls/x.json", "/v1/..."] {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com");
            request.push_path(literal);
            assert_eq!(request.problem(), None, "{literal:?}");
        }
    }

    #[test]
    fn lists_repeat_keys_and_none_adds_nothing() {
        let mut request = Request::new(Method::Get, "https://chat.twilio.com");
        request.push_path("/v2/Services");
        request.query("BindingType", &vec!["apn", "fcm"]);
        request.query("PageSize", &Some(50));
        request.query("Identity", &None::<String>);
        request.query("Identity", &vec!["a&b=c"]);
        assert_eq!(
            request.url(),
            "https://chat.twilio.com/v2/Services?BindingType=apn&BindingType=fcm&PageSize=50&Identity=a%26b%3Dc"
        );
    }

    #[test]
    fn methods_have_their_names() {
        let names: Vec<&str> = [Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete]
            .map(Method::as_str)
            .to_vec();
        assert_eq!(names, ["GET", "POST", "PUT", "PATCH", "DELETE"]);
        assert_eq!(
            [Method::Delete == "DELETE", Method::Delete == *"DELETE", "DELETE" == Method::Delete],
            [true; 3]
        );
        assert_eq!([Method::Get == "DELETE", Method::Get == *"DELETE", "DELETE" == Method::Get], [false; 3]);
        assert_eq!(Method::from_name("delete"), Some(Method::Delete));
        assert_eq!(Method::from_name("TRACE"), None);
    }

    #[test]
    fn dates_and_date_times_are_sent_in_their_iso_forms() {
        let mut request = Request::new(Method::Get, "https://bulkexports.twilio.com");
        request.query("Day", &crate::Date::from_ymd_opt(2024, 1, 2));
        let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 1, 2, 3, 4, 5).single();
        request.query("After", &at);
        assert_eq!(
            request.query_pairs(),
            [("Day", "2024-01-02".to_owned()), ("After", "2024-01-02T03:04:05Z".to_owned())]
        );
    }

    #[test]
    fn headers_forms_and_json_bodies_keep_what_they_are_given() {
        let mut request = Request::new(Method::Post, "https://conversations.twilio.com");
        request.header("X-Twilio-Webhook-Enabled", &true);
        request.header_pii("X-Identity", &"alice");
        request.form("FriendlyName", &"a b&c");
        request.form_pii("Identity", &vec!["bob", "carol"]);
        assert_eq!(
            request.headers(),
            [("X-Twilio-Webhook-Enabled", "true".to_owned()), ("X-Identity", "alice".to_owned())]
        );
        assert_eq!(
            request.form_pairs(),
            [
                ("FriendlyName", "a b&c".to_owned()),
                ("Identity", "bob".to_owned()),
                ("Identity", "carol".to_owned())
            ]
        );
        assert_eq!(request.form_body().as_deref(), Some("FriendlyName=a+b%26c&Identity=bob&Identity=carol"));
        assert_eq!(request.pii_keys(), ["X-Identity", "Identity"]);
        assert_eq!(Request::new(Method::Post, "https://x.twilio.com").form_body(), None);

        request.json("body", &serde_json::json!({"a": [1, "x"]}));
        assert_eq!(request.json_body(), Some(r#"{"a":[1,"x"]}"#));
        let mut empty = Request::new(Method::Post, "https://x.twilio.com");
        empty.json("body", &None::<serde_json::Value>);
        assert_eq!(empty.json_body(), None);
    }

    #[test]
    fn personal_path_parameters_are_redacted_only_where_shown() {
        let mut request = Request::new(Method::Get, "https://chat.twilio.com");
        request.push_path("/v2/Users/");
        request.push_path_param_pii(&"alice smith");
        request.push_path("/Bindings");
        assert_eq!(request.path(), "/v2/Users/alice%20smith/Bindings");
        assert_eq!(request.shown_path(), "/v2/Users/[redacted]/Bindings");
    }

    #[test]
    fn dates_json_values_and_maps_are_sent_as_text() {
        let mut out = Vec::new();
        let date: crate::DateTime = "2024-01-02T03:04:05Z".parse().expect("valid date");
        date.append_to("StartDate", &mut out);
        serde_json::json!("text").append_to("A", &mut out);
        serde_json::json!(null).append_to("B", &mut out);
        serde_json::json!({"k": 1}).append_to("C", &mut out);
        let map: BTreeMap<String, serde_json::Value> = [("k".to_owned(), serde_json::json!([true]))].into();
        map.append_to("D", &mut out);
        assert_eq!(
            out,
            [
                ("StartDate", "2024-01-02T03:04:05Z".to_owned()),
                ("A", "text".to_owned()),
                ("C", r#"{"k":1}"#.to_owned()),
                ("D", r#"{"k":[true]}"#.to_owned()),
            ]
        );
    }
}
