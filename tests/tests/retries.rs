//! What the runtime promises about retries, redirects, body caps and
//! secrets, each pinned by a test that fails when the promise is broken
//! (these are the mutations that once survived the suite). Waits are read on
//! tokio's paused clock, so no test depends on how fast the machine is.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use twilio_runtime::{
    BoxFuture, Client, Credentials, Error, HttpClient, HttpRequest, HttpResponse, Method, Request,
    ReqwestTransport, RetryPolicy, TransportError,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "auth-token-that-must-never-leak";

/// A transport that answers from a script, one answer per attempt, and
/// keeps every request it was given.
#[derive(Debug, Default)]
struct Scripted {
    answers: Mutex<Vec<Result<HttpResponse, TransportError>>>,
    seen: Mutex<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(answers: Vec<Result<HttpResponse, TransportError>>) -> Arc<Self> {
        Arc::new(Scripted {
            answers: Mutex::new(answers.into_iter().rev().collect()),
            seen: Mutex::default(),
        })
    }

    fn attempts(&self) -> usize {
        self.seen.lock().map(|s| s.len()).unwrap_or_default()
    }
}

impl HttpClient for Scripted {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(request);
        }
        let answer =
            self.answers.lock().ok().and_then(|mut a| a.pop()).unwrap_or_else(|| Ok(response(200, &[])));
        Box::pin(async move { answer })
    }
}

fn response(status: u16, headers: &[(&str, &str)]) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        body: b"{}".to_vec().into(),
    }
}

fn statuses(status: u16, n: usize) -> Vec<Result<HttpResponse, TransportError>> {
    (0..n).map(|_| Ok(response(status, &[]))).collect()
}

fn connect_error() -> Result<HttpResponse, TransportError> {
    Err(TransportError::Connect("connection refused".into()))
}

fn scripted_client(transport: Arc<dyn HttpClient>, retry: RetryPolicy) -> Client {
    Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
        .base_url("http://127.0.0.1:9")
        .expect("valid")
        .retry(retry)
        .transport(transport)
        .build()
        .expect("builds")
}

fn retry(max_retries: u32, initial: Duration, max: Duration) -> RetryPolicy {
    RetryPolicy { max_retries, initial_backoff: initial, max_backoff: max, max_elapsed: None }
}

fn request(method: Method) -> Request {
    let mut request = Request::new(method, "https://chat.twilio.com");
    request.push_path("/v2/Services");
    request
}

#[tokio::test(start_paused = true)]
async fn only_idempotent_methods_are_retried() {
    for (method, attempts) in
        [(Method::Get, 3), (Method::Delete, 3), (Method::Put, 3), (Method::Post, 1), (Method::Patch, 1)]
    {
        for status in [429, 503] {
            let transport = Scripted::new(statuses(status, 5));
            let client = scripted_client(
                transport.clone(),
                retry(2, Duration::from_millis(10), Duration::from_secs(1)),
            );
            let error = client.execute(&request(method)).await.expect_err("an error status");
            assert_eq!(error.status(), Some(status));
            assert_eq!(transport.attempts(), attempts, "{method:?} {status}");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn connect_errors_are_retried_for_every_method() {
    // Nothing reached the server, so even a POST is safe to send again.
    for method in [Method::Get, Method::Post] {
        let transport = Scripted::new(vec![connect_error(), connect_error(), Ok(response(200, &[]))]);
        let client =
            scripted_client(transport.clone(), retry(3, Duration::from_millis(10), Duration::from_secs(1)));
        client.execute(&request(method)).await.expect("third time lucky");
        assert_eq!(transport.attempts(), 3, "{method:?}");
    }
    let transport = Scripted::new(vec![connect_error(), connect_error(), connect_error(), connect_error()]);
    let client =
        scripted_client(transport.clone(), retry(2, Duration::from_millis(10), Duration::from_secs(1)));
    assert!(matches!(client.execute(&request(Method::Get)).await, Err(Error::Transport { .. })));
    assert_eq!(transport.attempts(), 3);
    // Other transport errors may have reached the server: not retried.
    let transport = Scripted::new(vec![Err(TransportError::Other("reset".into()))]);
    let client =
        scripted_client(transport.clone(), retry(3, Duration::from_millis(10), Duration::from_secs(1)));
    assert!(client.execute(&request(Method::Get)).await.is_err());
    assert_eq!(transport.attempts(), 1);
}

#[tokio::test(start_paused = true)]
async fn computed_waits_are_capped_and_retry_after_is_obeyed() {
    let cap = Duration::from_millis(100);
    // Exponential backoff from 1 s would wait 1, 2 and 4 s and more.
    let transport = Scripted::new(statuses(503, 3));
    let client = scripted_client(transport.clone(), retry(3, Duration::from_secs(1), cap));
    let started = tokio::time::Instant::now();
    client.execute(&request(Method::Get)).await.expect("the fourth attempt succeeds");
    assert_eq!(transport.attempts(), 4);
    assert_eq!(started.elapsed(), cap * 3, "three waits, each capped");

    // A `Retry-After` longer than the cap is obeyed, to the millisecond:
    // never a retry before the server allows one.
    let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", "2")]))]);
    let client =
        scripted_client(transport.clone(), retry(3, Duration::from_millis(1), Duration::from_millis(200)));
    let started = tokio::time::Instant::now();
    client.execute(&request(Method::Get)).await.expect("succeeds after the wait");
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    assert_eq!(transport.attempts(), 2);

    // Retry-After as an HTTP date an hour away, with no budget: waited.
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc2822();
    let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", &later)]))]);
    let client = scripted_client(transport.clone(), retry(3, Duration::from_millis(1), cap));
    let started = tokio::time::Instant::now();
    client.execute(&request(Method::Get)).await.expect("succeeds after the wait");
    assert!(started.elapsed() >= Duration::from_secs(3590), "{:?}", started.elapsed());

    // Retry-After as a near HTTP date is honored.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(4)).to_rfc2822();
    let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", &soon)]))]);
    let client =
        scripted_client(transport.clone(), retry(3, Duration::from_millis(1), Duration::from_secs(20)));
    let started = tokio::time::Instant::now();
    client.execute(&request(Method::Get)).await.expect("succeeds after the wait");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(2) && waited <= Duration::from_secs(4), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_wait_past_the_budget_fails_at_once_with_the_wait() {
    let budget = RetryPolicy {
        max_elapsed: Some(Duration::from_secs(10)),
        ..retry(3, Duration::from_millis(1), Duration::from_secs(1))
    };
    let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", "30")]))]);
    let client = scripted_client(transport.clone(), budget);
    let started = tokio::time::Instant::now();
    let error = client.execute(&request(Method::Get)).await.expect_err("the wait does not fit");
    assert_eq!(started.elapsed(), Duration::ZERO, "no waiting at all");
    assert_eq!(transport.attempts(), 1);
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.is_retryable());
    assert!(error.to_string().contains("retry after 30s"), "{error}");

    // Within the budget it is waited; the budget also bounds each attempt.
    let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", "9")]))]);
    let client = scripted_client(transport.clone(), budget);
    let started = tokio::time::Instant::now();
    client.execute(&request(Method::Get)).await.expect("succeeds after 9 s");
    assert_eq!(started.elapsed(), Duration::from_secs(9));
    let attempts =
        transport.seen.lock().map(|s| s.iter().map(|r| r.timeout).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(
        attempts,
        [Duration::from_secs(10), Duration::from_secs(1)],
        "the second attempt has 1 s left"
    );

    // None: one attempt, whatever the server says.
    let transport = Scripted::new(statuses(503, 1));
    let client = scripted_client(transport.clone(), RetryPolicy::none());
    let error = client.execute(&request(Method::Get)).await.expect_err("503");
    assert_eq!(transport.attempts(), 1);
    assert!(error.is_retryable() && error.retry_after().is_none());
    let not_found = Scripted::new(statuses(404, 1));
    let error = scripted_client(not_found, RetryPolicy::none())
        .execute(&request(Method::Get))
        .await
        .expect_err("404");
    assert!(!error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn a_wait_of_exactly_the_budget_left_does_not_fit() {
    // The wait would end at the deadline itself, leaving no time to try.
    let budget =
        RetryPolicy { max_elapsed: Some(Duration::from_secs(5)), ..retry(3, Duration::ZERO, Duration::ZERO) };
    let transport = Scripted::new(vec![Ok(response(503, &[("retry-after", "5")]))]);
    let error =
        scripted_client(transport.clone(), budget).execute(&request(Method::Get)).await.expect_err("no time");
    assert_eq!((transport.attempts(), error.retry_after()), (1, Some(Duration::from_secs(5))));
    let transport = Scripted::new(vec![Ok(response(503, &[("retry-after", "4")]))]);
    scripted_client(transport.clone(), budget).execute(&request(Method::Get)).await.expect("4 s fit");
    assert_eq!(transport.attempts(), 2);
}

/// Time sums saturate: a server (or proxy, or mock) that asks for a wait no
/// clock can add, or a budget of `Duration::MAX`, is an answer, never a panic.
#[tokio::test(start_paused = true)]
async fn waits_and_budgets_too_large_for_the_clock_do_not_panic() {
    for huge in ["18446744073709551615", "9223372036854775808", "9300000000000000000"] {
        let transport = Scripted::new(vec![Ok(response(429, &[("retry-after", huge)]))]);
        let error = scripted_client(transport.clone(), RetryPolicy::default())
            .execute(&request(Method::Get))
            .await
            .expect_err("a wait past the default budget is the call's error");
        assert_eq!(transport.attempts(), 1, "{huge}");
        assert_eq!(error.retry_after(), Some(Duration::from_secs(huge.parse().expect("a number"))));
    }
    // A budget of `Duration::MAX`: calls work, and waits are obeyed.
    let endless = RetryPolicy { max_elapsed: Some(Duration::MAX), ..RetryPolicy::default() };
    let transport = Scripted::new(vec![Ok(response(503, &[("retry-after", "7")]))]);
    let started = tokio::time::Instant::now();
    scripted_client(transport.clone(), endless).execute(&request(Method::Get)).await.expect("after 7 s");
    assert_eq!((transport.attempts(), started.elapsed()), (2, Duration::from_secs(7)));
    // And a call with a `Duration::MAX` timeout per attempt.
    let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
        .base_url("http://127.0.0.1:9")
        .expect("valid")
        .retry(endless)
        .timeout(Duration::MAX)
        .transport(Scripted::new(Vec::new()))
        .build()
        .expect("builds");
    client.execute(&request(Method::Get)).await.expect("200");
}

#[tokio::test(start_paused = true)]
async fn a_timeout_names_the_shorter_of_the_budget_and_the_attempt_timeout() {
    let timed_out = |budget: Option<u64>, attempt: u64| async move {
        let policy = RetryPolicy { max_elapsed: budget.map(Duration::from_secs), ..RetryPolicy::none() };
        let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
            .base_url("http://127.0.0.1:9")
            .expect("valid")
            .retry(policy)
            .timeout(Duration::from_secs(attempt))
            .transport(Scripted::new(vec![Err(TransportError::Timeout)]))
            .build()
            .expect("builds");
        match client.execute(&request(Method::Get)).await {
            Err(twilio_runtime::Error::Timeout { after, .. }) => after.as_secs(),
            other => panic!("not a timeout: {other:?}"),
        }
    };
    assert_eq!(timed_out(Some(2), 30).await, 2, "the budget is shorter");
    assert_eq!(timed_out(Some(60), 30).await, 30, "the attempt's timeout is shorter");
    assert_eq!(timed_out(None, 30).await, 30, "no budget");
}

#[tokio::test]
async fn kept_error_bodies_are_cut_to_4_kib() {
    let big = "x".repeat(10_000);
    let transport = Scripted::new(vec![Ok(HttpResponse {
        status: 500,
        headers: Vec::new(),
        body: big.clone().into_bytes().into(),
    })]);
    let client = scripted_client(transport, retry(0, Duration::ZERO, Duration::ZERO));
    let error = client.execute(&request(Method::Get)).await.expect_err("500");
    assert_eq!(error.api().map(|a| a.body.len()), Some(4096));

    let transport = Scripted::new(vec![Ok(HttpResponse {
        status: 200,
        headers: Vec::new(),
        body: big.into_bytes().into(),
    })]);
    let client = scripted_client(transport, retry(0, Duration::ZERO, Duration::ZERO));
    let error = client.send_json::<serde_json::Value>(request(Method::Get)).await.expect_err("not JSON");
    assert!(matches!(&error, Error::Decode { body, .. } if body.len() == 4096), "{error:?}");
}

#[tokio::test]
async fn authorization_never_shows_in_debug() {
    let transport = Scripted::new(vec![]);
    let client = scripted_client(transport.clone(), retry(0, Duration::ZERO, Duration::ZERO));
    client.execute(&request(Method::Get)).await.expect("ok");
    let sent = transport.seen.lock().map(|s| s[0].clone()).expect("one request");
    let authorization = sent.headers.iter().find(|(k, _)| k == "authorization").map(|(_, v)| v.clone());
    let authorization = authorization.expect("credentials are sent");
    let builder = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN));
    for text in [format!("{sent:?}"), format!("{client:?}"), format!("{transport:?}"), format!("{builder:?}")]
    {
        assert!(!text.contains(TOKEN) && !text.contains(&authorization), "{text}");
        let encoded = authorization.trim_start_matches("Basic ");
        assert!(!text.contains(encoded), "{text}");
    }
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&elsewhere).await;
    let server = MockServer::start().await;
    let target = format!("{}/stolen", elsewhere.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(&server)
        .await;
    let counting = Arc::new(Counting {
        inner: ReqwestTransport::new(Duration::from_secs(5)).expect("builds"),
        calls: AtomicUsize::new(0),
    });
    let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
        .base_url(&server.uri())
        .expect("valid")
        .transport(counting.clone())
        .build()
        .expect("builds");
    let error = client.execute(&request(Method::Get)).await.expect_err("a redirect is not success");
    assert_eq!(error.status(), Some(302));
    assert_eq!(
        elsewhere.received_requests().await.unwrap_or_default().len(),
        0,
        "credentials went elsewhere"
    );
    assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
}

/// The real transport, counting its calls.
#[derive(Debug)]
struct Counting {
    inner: ReqwestTransport,
    calls: AtomicUsize,
}

impl HttpClient for Counting {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.execute(request)
    }
}

#[tokio::test]
async fn real_connect_errors_are_retried_and_resets_are_not() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let counting = Arc::new(Counting {
        inner: ReqwestTransport::new(Duration::from_secs(5)).expect("builds"),
        calls: AtomicUsize::new(0),
    });
    let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
        .base_url(&format!("http://{address}"))
        .expect("valid")
        .retry(retry(2, Duration::from_millis(1), Duration::from_millis(5)))
        .transport(counting.clone())
        .build()
        .expect("builds");
    assert!(matches!(client.execute(&request(Method::Get)).await, Err(Error::Transport { .. })));
    assert_eq!(counting.calls.load(Ordering::SeqCst), 3, "nothing listening: retried twice");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let server = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            count.fetch_add(1, Ordering::SeqCst);
            let _ = socket.set_zero_linger();
            drop(socket);
        }
    });
    let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", TOKEN))
        .base_url(&format!("http://{address}"))
        .expect("valid")
        .retry(retry(2, Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .expect("builds");
    assert!(matches!(client.execute(&request(Method::Get)).await, Err(Error::Transport { .. })));
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "a reset may have reached the server: not retried");
    server.abort();
}
