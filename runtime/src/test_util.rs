//! Test support for code that uses a generated client: an in-memory
//! transport that answers by rules that match requests, or from a script in
//! order, and records every request, so a test needs no server (feature
//! `test-util`).
//!
//! A rule matches a method, a path (exact, or with `{Name}` or `*` for any
//! one segment) and, if given, query parameters; it answers with one reply
//! every time ([`RuleBuilder::respond`]) or with a sequence, one reply per
//! request ([`RuleBuilder::respond_in_order`]), as wiremock's mocks and
//! aws-smithy-mocks' rules do. Rules are tried in the order they were
//! added; a request no rule answers takes the next scripted answer
//! ([`MockTransport::push_json`] and the other `push_` methods), and with
//! none left gets `404` with Twilio's error body.
//!
//! ```
//! use std::sync::Arc;
//! use twilio_runtime::test_util::{MockTransport, Reply};
//! use twilio_runtime::{Client, Credentials, Method, Request, RetryPolicy};
//!
//! # async fn run() -> Result<(), twilio_runtime::Error> {
//! let mock = Arc::new(MockTransport::new());
//! // DELETE of this SID: 429 (retry at once), then 204.
//! let delete = mock
//!     .on(Method::Delete, "/v2/Services/{ServiceSid}/Bindings/BS0123456789abcdef0123456789abcdef")
//!     .respond_in_order([Reply::status(429).header("retry-after", "0"), Reply::status(204)]);
//! // Every other DELETE of a binding: 204.
//! mock.on(Method::Delete, "/v2/Services/*/Bindings/*").respond(Reply::status(204));
//! let client = Client::builder(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
//!     .transport(mock.clone())
//!     .build()?;
//! let mut request = Request::new(Method::Delete, "https://chat.twilio.com");
//! request.push_path("/v2/Services/IS0123456789abcdef0123456789abcdef/Bindings/BS0123456789abcdef0123456789abcdef");
//! client.send_empty(request).await?;
//! assert_eq!(delete.hits(), 2);
//! assert_eq!(mock.requests()[0].method, "DELETE");
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::request::Method;
use crate::transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError};

/// What a rule or the script answers a request with: a response, or a
/// failure of the connection.
#[derive(Debug, Clone)]
pub struct Reply(Answer);

#[derive(Debug, Clone)]
enum Answer {
    Response(HttpResponse),
    ConnectError,
    Timeout,
}

impl Reply {
    /// A response with this status and no body (`Reply::status(204)`).
    pub fn status(status: u16) -> Reply {
        Reply(Answer::Response(HttpResponse { status, headers: Vec::new(), body: crate::Bytes::new() }))
    }

    /// A response with this status and a JSON body (a model, a
    /// `serde_json::json!` value).
    pub fn json(status: u16, body: impl serde::Serialize) -> Reply {
        let body = serde_json::to_vec(&body).unwrap_or_default();
        Reply(Answer::Response(HttpResponse {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.into(),
        }))
    }

    /// Twilio's error body with this status, code and message
    /// (`Reply::twilio_error(404, 20404, "The requested resource was not found")`).
    pub fn twilio_error(status: u16, code: i64, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({
                "code": code,
                "message": message,
                "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
                "status": status,
            }),
        )
    }

    /// A `200` page of a list as Twilio sends it: `items` under
    /// `items_key` (`"bindings"`), and the next page's URL if there is one.
    pub fn page<T: serde::Serialize>(items_key: &str, items: &[T], next_page_url: Option<&str>) -> Reply {
        Reply::json(200, crate::page_body(items_key, items, next_page_url))
    }

    /// A failed connection: nothing reached the server.
    pub fn connect_error() -> Reply {
        Reply(Answer::ConnectError)
    }

    /// No answer within the timeout.
    pub fn timeout() -> Reply {
        Reply(Answer::Timeout)
    }

    /// This reply with one more header (`.header("retry-after", "1")`); a
    /// connection failure has none.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Answer::Response(response) = &mut self.0 {
            response.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        }
        self
    }
}

impl From<HttpResponse> for Reply {
    fn from(response: HttpResponse) -> Self {
        Reply(Answer::Response(response))
    }
}

/// One segment of a rule's path.
#[derive(Debug)]
enum Segment {
    Any,
    Exact(String),
}

/// What a rule matches and answers, and how often it has answered.
#[derive(Debug)]
struct RuleState {
    method: Method,
    path: Vec<Segment>,
    query: Vec<(String, String)>,
    replies: Mutex<VecDeque<Reply>>,
    /// Whether the last reply answers every request after it.
    repeat: bool,
    hits: AtomicUsize,
}

impl RuleState {
    fn matches(&self, request: &HttpRequest) -> bool {
        let segments: Vec<String> = request
            .url
            .path_segments()
            .into_iter()
            .flatten()
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query: Vec<(String, String)> =
            request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        request.method == self.method
            && segments.len() == self.path.len()
            && self.path.iter().zip(&segments).all(|(want, got)| match want {
                Segment::Any => true,
                Segment::Exact(text) => text == got,
            })
            && self.query.iter().all(|pair| query.contains(pair))
    }

    /// The reply for a matching request, if the rule has one left.
    fn next(&self) -> Option<Reply> {
        let mut replies = self.replies.lock().ok()?;
        let reply =
            if self.repeat && replies.len() == 1 { replies.front().cloned() } else { replies.pop_front() };
        if reply.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        reply
    }
}

/// A rule added with [`MockTransport::on`]: ask it how many requests it
/// answered.
#[derive(Debug, Clone)]
pub struct Rule(Arc<RuleState>);

impl Rule {
    /// How many requests this rule has answered.
    pub fn hits(&self) -> usize {
        self.0.hits.load(Ordering::Relaxed)
    }

    /// Whether every reply of [`respond_in_order`](RuleBuilder::respond_in_order)
    /// has been given (never, for [`respond`](RuleBuilder::respond)).
    pub fn is_used_up(&self) -> bool {
        self.0.replies.lock().map(|r| r.is_empty()).unwrap_or(true)
    }
}

/// A rule being set up: what it matches; [`respond`](Self::respond) or
/// [`respond_in_order`](Self::respond_in_order) adds it.
#[derive(Debug)]
#[must_use = "a rule is added by `respond` or `respond_in_order`"]
pub struct RuleBuilder<'m> {
    mock: &'m MockTransport,
    method: Method,
    path: Vec<Segment>,
    query: Vec<(String, String)>,
}

impl RuleBuilder<'_> {
    /// Matches only requests whose query has `name=value` (decoded; other
    /// parameters may be there too).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers every matching request with `reply`.
    pub fn respond(self, reply: impl Into<Reply>) -> Rule {
        self.add([reply.into()].into(), true)
    }

    /// Answers matching requests with `replies`, one each, in order
    /// (`[Reply::status(429), Reply::status(204)]`); then the rule is used
    /// up and matches nothing more.
    pub fn respond_in_order(self, replies: impl IntoIterator<Item = Reply>) -> Rule {
        self.add(replies.into_iter().collect(), false)
    }

    fn add(self, replies: VecDeque<Reply>, repeat: bool) -> Rule {
        let rule = Arc::new(RuleState {
            method: self.method,
            path: self.path,
            query: self.query,
            replies: Mutex::new(replies),
            repeat,
            hits: AtomicUsize::new(0),
        });
        if let Ok(mut rules) = self.mock.rules.lock() {
            rules.push(rule.clone());
        }
        Rule(rule)
    }
}

/// A transport that answers by rules, else from a script in order, and
/// records every request it is given (see the [module](self)). With no rule
/// matching and the script used up it answers `404` with Twilio's error
/// body, so a missing answer shows as a clear error. A body longer than the
/// client's [`max_response_bytes`](crate::ClientBuilder::max_response_bytes)
/// is refused as the real transport refuses it.
#[derive(Debug, Default)]
pub struct MockTransport {
    rules: Mutex<Vec<Arc<RuleState>>>,
    script: Mutex<VecDeque<Reply>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl MockTransport {
    /// No rules and an empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// A rule for requests with this method and path: the path as sent
    /// (`/v2/Services/IS…/Bindings`, segments compared decoded), where `{Name}`
    /// or `*` stands for any one segment, so that an operation's path
    /// template matches every call of it; `?Name=value&…` after it matches
    /// those query parameters, as [`RuleBuilder::query`] does.
    pub fn on(&self, method: Method, path: &str) -> RuleBuilder<'_> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let path = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s == "*" || (s.starts_with('{') && s.ends_with('}')) {
                    Segment::Any
                } else {
                    Segment::Exact(s.to_owned())
                }
            })
            .collect();
        let query = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        RuleBuilder { mock: self, method, path, query }
    }

    fn push(&self, reply: Reply) -> &Self {
        if let Ok(mut script) = self.script.lock() {
            script.push_back(reply);
        }
        self
    }

    /// Answers the next request no rule answers with `status` and a JSON body.
    pub fn push_json(&self, status: u16, body: serde_json::Value) -> &Self {
        self.push(Reply::json(status, body))
    }

    /// Answers the next request no rule answers with this response.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.push(response.into())
    }

    /// Fails the next request no rule answers as if nothing were listening.
    pub fn push_connect_error(&self) -> &Self {
        self.push(Reply::connect_error())
    }

    /// Fails the next request no rule answers with a timeout.
    pub fn push_timeout(&self) -> &Self {
        self.push(Reply::timeout())
    }

    /// Every request sent so far, in order (`Debug` hides credentials).
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// How many answers are left in the script.
    pub fn remaining(&self) -> usize {
        self.script.lock().map(|s| s.len()).unwrap_or_default()
    }

    /// The reply for `request`: the first rule that matches and has one,
    /// else the script's next.
    fn answer(&self, request: &HttpRequest) -> Option<Reply> {
        let rules: Vec<Arc<RuleState>> = self.rules.lock().map(|r| r.clone()).unwrap_or_default();
        rules
            .iter()
            .filter(|rule| rule.matches(request))
            .find_map(|rule| rule.next())
            .or_else(|| self.script.lock().ok().and_then(|mut s| s.pop_front()))
    }
}

impl HttpClient for MockTransport {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let max_body = request.max_body;
        let answer = self.answer(&request);
        let unanswered = format!(
            "MockTransport: no rule answers {} {} and no scripted answer is left",
            request.method.as_str(),
            request.log_url
        );
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(request);
        }
        let outcome = match answer.map(|r| r.0) {
            // As the real transport does, a body past the client's limit is refused.
            Some(Answer::Response(response)) if response.body.len() > max_body => {
                Err(TransportError::TooLarge)
            }
            Some(Answer::Response(response)) => Ok(response),
            Some(Answer::ConnectError) => {
                Err(TransportError::Connect("connection refused (scripted)".into()))
            }
            Some(Answer::Timeout) => Err(TransportError::Timeout),
            None => Ok(HttpResponse {
                status: 404,
                headers: Vec::new(),
                body: serde_json::json!({"code": 20404, "message": unanswered, "status": 404})
                    .to_string()
                    .into_bytes()
                    .into(),
            }),
        };
        Box::pin(async move { outcome })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Client, Credentials, Error, Method, Request, RetryPolicy};

    #[tokio::test]
    async fn scripted_answers_come_in_order_and_are_counted() {
        let mock = Arc::new(MockTransport::new());
        mock.push_connect_error().push_timeout().push_json(200, serde_json::json!({"ok": true}));
        assert_eq!(mock.remaining(), 3);
        let no_retries = RetryPolicy { max_retries: 0, ..RetryPolicy::default() };
        let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
            .transport(mock.clone())
            .retry(no_retries)
            .build()
            .expect("builds");
        let request = || Request::new(Method::Get, "https://chat.twilio.com");
        let first = client.send_json::<serde_json::Value>(request()).await;
        assert!(matches!(first, Err(Error::Transport { .. })), "{first:?}");
        assert_eq!(mock.remaining(), 2);
        let second = client.send_json::<serde_json::Value>(request()).await;
        assert!(matches!(second, Err(Error::Timeout { .. })), "{second:?}");
        let third = client.send_json::<serde_json::Value>(request()).await.expect("answered");
        assert_eq!(third["ok"], true);
        assert_eq!(mock.remaining(), 0);
        let fourth = client.send_json::<serde_json::Value>(request()).await;
        assert_eq!(fourth.expect_err("script used up").status(), Some(404));
        assert_eq!(mock.requests().len(), 4);
    }

    fn sid(prefix: &str, n: usize) -> String {
        format!("{prefix}{n:032x}")
    }

    fn mock_client(mock: &Arc<MockTransport>) -> Client {
        Client::builder(Credentials::auth_token(sid("AC", 1), "token"))
            .transport(mock.clone())
            .retry(RetryPolicy { initial_backoff: std::time::Duration::ZERO, ..RetryPolicy::default() })
            .build()
            .expect("builds")
    }

    fn delete(binding: &str) -> Request {
        let mut request = Request::new(Method::Delete, "https://chat.twilio.com");
        request.push_path(&format!("/v2/Services/{}/Bindings/{binding}", sid("IS", 1)));
        request
    }

    /// Eight deletes in flight; the rules, not the order of arrival, decide
    /// each answer: one SID gets 429 then 204, one is not found.
    #[tokio::test(start_paused = true)]
    async fn rules_answer_by_request_whatever_the_order() {
        let mock = Arc::new(MockTransport::new());
        let busy = mock
            .on(Method::Delete, &format!("/v2/Services/{{ServiceSid}}/Bindings/{}", sid("BS", 3)))
            .respond_in_order([Reply::status(429).header("Retry-After", "1"), Reply::status(204)]);
        let gone = mock
            .on(Method::Delete, &format!("/v2/Services/*/Bindings/{}", sid("BS", 5)))
            .respond(Reply::twilio_error(404, 20404, "The requested resource was not found"));
        let rest =
            mock.on(Method::Delete, "/v2/Services/{ServiceSid}/Bindings/{Sid}").respond(Reply::status(204));
        let client = mock_client(&mock);
        let calls = (0..8).map(|n| {
            let client = client.clone();
            async move { (n, client.send_empty(delete(&sid("BS", n))).await) }
        });
        let outcomes = futures_util::future::join_all(calls).await;
        for (n, outcome) in outcomes {
            match n {
                5 => assert_eq!(outcome.expect_err("not found").api().and_then(|e| e.code), Some(20404)),
                _ => assert!(outcome.is_ok(), "{n}: {outcome:?}"),
            }
        }
        assert_eq!((busy.hits(), gone.hits(), rest.hits()), (2, 1, 6));
        assert!(busy.is_used_up() && !rest.is_used_up());
        assert_eq!(mock.requests().len(), 9);
        assert!(mock.requests().iter().all(|r| r.method == "DELETE"));
        assert!("DELETE" == Method::Delete && Method::Delete == *"DELETE");
    }

    #[tokio::test]
    async fn rules_match_method_path_and_query_then_the_script_answers() {
        let mock = Arc::new(MockTransport::new());
        let apn = mock
            .on(Method::Get, "/v2/Services/{ServiceSid}/Bindings?BindingType=apn")
            .respond(Reply::page("bindings", &[serde_json::json!({"sid": sid("BS", 1)})], None));
        let identity = mock
            .on(Method::Get, "/v2/Services/*/Bindings")
            .query("Identity", "alice@example.com")
            .respond_in_order([Reply::json(200, serde_json::json!({"who": "alice"}))]);
        mock.push_json(200, serde_json::json!({"scripted": true}));
        let client = mock_client(&mock);
        let list = |query: &[(&'static str, &str)]| {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com");
            request.push_path(&format!("/v2/Services/{}/Bindings", sid("IS", 1)));
            for (k, v) in query {
                request.query(k, v);
            }
            request
        };
        let page: serde_json::Value = client.send_json(list(&[("BindingType", "apn")])).await.expect("page");
        assert_eq!(page["bindings"][0]["sid"], sid("BS", 1));
        let who: serde_json::Value =
            client.send_json(list(&[("Identity", "alice@example.com")])).await.expect("identity");
        assert_eq!(who["who"], "alice");
        // The identity rule is used up: the script answers, then nothing does.
        let next: serde_json::Value =
            client.send_json(list(&[("Identity", "alice@example.com")])).await.expect("script");
        assert_eq!(next["scripted"], true);
        let none = client.send_json::<serde_json::Value>(list(&[])).await.expect_err("nothing answers");
        assert_eq!(none.status(), Some(404));
        assert!(none.to_string().contains("no rule answers GET"), "{none}");
        // A POST matches no GET rule; a path of another length matches no rule.
        let mut post = Request::new(Method::Post, "https://chat.twilio.com");
        post.push_path(&format!("/v2/Services/{}/Bindings", sid("IS", 1)));
        post.query("BindingType", &"apn");
        assert_eq!(client.send_empty(post).await.expect_err("no rule").status(), Some(404));
        assert_eq!((apn.hits(), identity.hits()), (1, 1));
        // Connection failures and timeouts are replies too.
        mock.on(Method::Get, "/down").respond(Reply::connect_error());
        mock.on(Method::Get, "/slow").respond(Reply::timeout());
        let no_retry = Client::builder(Credentials::auth_token(sid("AC", 1), "token"))
            .transport(mock.clone())
            .retry(RetryPolicy::none())
            .build()
            .expect("builds");
        let at = |path: &str| {
            let mut request = Request::new(Method::Get, "https://chat.twilio.com");
            request.push_path(path);
            request
        };
        assert!(matches!(no_retry.send_empty(at("/down")).await, Err(Error::Transport { .. })));
        assert!(matches!(no_retry.send_empty(at("/slow")).await, Err(Error::Timeout { .. })));
        // Only a whole `{Name}` segment stands for any segment.
        mock.on(Method::Get, "/odd/{open").respond(Reply::status(204));
        assert_eq!(no_retry.send_empty(at("/odd/other")).await.expect_err("no rule").status(), Some(404));
        assert_eq!(Method::from_name("delete"), Some(Method::Delete));
        assert_eq!(Method::from_name("TRACE"), None);
    }

    #[tokio::test]
    async fn the_response_limit_holds_for_scripted_bodies() {
        let mock = Arc::new(MockTransport::new());
        mock.push_json(200, serde_json::json!({"a": "0123456789"}))
            .push_json(200, serde_json::json!({"a": "0123456789"}));
        let client = |limit| {
            Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
                .transport(mock.clone())
                .max_response_bytes(limit)
                .build()
                .expect("builds")
        };
        let request = || Request::new(Method::Get, "https://chat.twilio.com");
        // `{"a":"0123456789"}` is 18 bytes.
        let small = client(17).send_json::<serde_json::Value>(request()).await;
        assert!(matches!(small, Err(Error::ResponseTooLarge { limit: 17, .. })), "{small:?}");
        let fits = client(18).send_json::<serde_json::Value>(request()).await;
        assert!(fits.is_ok(), "{fits:?}");
    }
}
