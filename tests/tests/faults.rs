//! The client against a misbehaving server on 127.0.0.1: every fault ends in
//! its documented outcome (a typed error, a bounded retry, or success), with
//! no panic and no endless loop.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use twilio_bindings::chat_v2::BindingType;
use twilio_bindings::runtime::{StreamExt, TryStreamExt};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const BINDING: &str = "BS0123456789abcdef0123456789abcdef";

fn client(base: &str) -> Client {
    let core = twilio_bindings::runtime::Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000001",
        "token",
    ))
    .base_url(base)
    .expect("valid base URL")
    .retry(RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
        max_elapsed: None,
    })
    .timeout(Duration::from_millis(300))
    .build()
    .expect("client builds");
    Client::new(core)
}

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid")
}

fn binding() -> BindingSid {
    BINDING.parse().expect("valid")
}

/// A server that answers every request with `response`; returns the client
/// and the server, to count requests.
async fn serving(response: ResponseTemplate) -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    (client(&server.uri()), server)
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

async fn fetch(client: &Client) -> Result<twilio_bindings::chat_v2::Binding, Error> {
    client.chat_v2().service(service()).binding(binding()).fetch().send().await
}

#[tokio::test]
async fn server_errors() {
    // (status, requests made): 503 is retried twice, 500 and 502 are not.
    for (status, expected_requests) in [(500, 1), (502, 1), (503, 3)] {
        let (client, server) = serving(ResponseTemplate::new(status).set_body_string("down")).await;
        let error = fetch(&client).await.expect_err("an error status");
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.api().map(|a| a.body.as_str()), Some("down"));
        assert_eq!(requests(&server).await, expected_requests, "{status}");
    }
}

#[tokio::test]
async fn rate_limits_with_and_without_retry_after() {
    for header in [Some("0"), None, Some("not a number")] {
        let server = MockServer::start().await;
        let mut limited = ResponseTemplate::new(429);
        if let Some(value) = header {
            limited = limited.insert_header("Retry-After", value);
        }
        Mock::given(any()).respond_with(limited).up_to_n_times(2).mount(&server).await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"sid": BINDING})))
            .mount(&server)
            .await;
        let binding = fetch(&client(&server.uri())).await.expect("succeeds on the third try");
        assert_eq!(binding.sid.as_ref().map(BindingSid::as_str), Some(BINDING));
        assert_eq!(requests(&server).await, 3, "{header:?}");
    }
    // Always limited: the retries run out and the 429 is the error.
    let (client, server) = serving(ResponseTemplate::new(429)).await;
    assert_eq!(fetch(&client).await.expect_err("limited").status(), Some(429));
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn connection_reset() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("has an address");
    let server = tokio::spawn(async move {
        for _ in 0..3 {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let mut buffer = [0u8; 1024];
            let _ = socket.read(&mut buffer).await;
            // Closing with linger 0 sends a reset instead of a clean close.
            let _ = socket.set_zero_linger();
            drop(socket);
        }
    });
    let error = fetch(&client(&format!("http://{address}"))).await.expect_err("reset");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    server.abort();
}

#[tokio::test]
async fn nothing_listening() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("has an address");
    drop(listener);
    let error = fetch(&client(&format!("http://{address}"))).await.expect_err("refused");
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // It names the host and the attempts (two retries), and the operation by
    // its template, never the filled path.
    let call = error.call().expect("the call");
    assert_eq!((call.host.as_str(), call.attempts, call.operation), ("127.0.0.1", 3, "FetchBinding"));
    let shown = error.to_string();
    assert!(
        shown.starts_with(
            "transport error in FetchBinding (GET /v2/Services/{ServiceSid}/Bindings/{Sid}) at 127.0.0.1, 3 attempts: "
        ),
        "{shown}"
    );
    assert!(!shown.contains(SERVICE) && !shown.contains(BINDING), "{shown}");
}

#[tokio::test]
async fn slow_responses_time_out() {
    let (client, _server) = serving(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({})).set_delay(Duration::from_secs(2)),
    )
    .await;
    let error = fetch(&client).await.expect_err("too slow");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn bodies_that_do_not_decode() {
    let cases = [
        ("malformed", ResponseTemplate::new(200).set_body_string("{\"sid\": ")),
        ("truncated", ResponseTemplate::new(200).set_body_string(r#"{"sid": "BS0123456789abcdef01234567"#)),
        ("html", ResponseTemplate::new(200).set_body_string("<html><body>Gateway</body></html>")),
        ("wrong type", ResponseTemplate::new(200).set_body_json(serde_json::json!({"date_created": 42}))),
        ("empty", ResponseTemplate::new(200)),
    ];
    for (name, response) in cases {
        let (client, _server) = serving(response).await;
        match fetch(&client).await {
            Err(Error::Decode { status: 200, body, message, .. }) => {
                assert!(!message.is_empty(), "{name}");
                assert!(body.len() <= 4096, "{name}");
            }
            other => panic!("{name}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn missing_extra_and_null_fields() {
    let cases = [
        ("empty object", serde_json::json!({})),
        ("extra fields", serde_json::json!({"sid": BINDING, "brand_new_field": {"nested": [1, 2]}})),
        (
            "null everywhere",
            serde_json::json!({
                "sid": null, "account_sid": null, "service_sid": null, "date_created": null,
                "date_updated": null, "endpoint": null, "identity": null, "credential_sid": null,
                "binding_type": null, "message_types": null, "url": null, "links": null
            }),
        ),
    ];
    for (name, body) in cases {
        let (client, _server) = serving(ResponseTemplate::new(200).set_body_json(body)).await;
        fetch(&client).await.unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn unknown_enum_values_decode() {
    let (client, _server) =
        serving(ResponseTemplate::new(200).set_body_json(serde_json::json!({"binding_type": "web-push"})))
            .await;
    let binding = fetch(&client).await.expect("decodes");
    assert_eq!(binding.binding_type.as_ref().map(BindingType::as_str), Some("web-push"));
}

fn page(items: usize, next: Option<String>) -> serde_json::Value {
    let bindings: Vec<_> = (0..items).map(|i| serde_json::json!({"sid": format!("BS{i:032x}")})).collect();
    serde_json::json!({"bindings": bindings, "meta": {"next_page_url": next, "key": "bindings"}})
}

#[tokio::test]
async fn paging_never_loops() {
    // A next page URL that points back at the same page.
    let server = MockServer::start().await;
    let own_url = format!("{}/v2/Services/{SERVICE}/Bindings", server.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2, Some(own_url))))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server.uri())
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("stops");
    assert_eq!(items.len(), 2);
    assert_eq!(requests(&server).await, 1);

    // Two pages pointing at each other.
    let server = MockServer::start().await;
    let a = format!("{}/v2/Services/{SERVICE}/Bindings?PageToken=A", server.uri());
    let b = format!("{}/v2/Services/{SERVICE}/Bindings?PageToken=B", server.uri());
    Mock::given(wiremock::matchers::query_param("PageToken", "B"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some(a.clone()))))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some(b))))
        .mount(&server)
        .await;
    let count = client(&server.uri()).chat_v2().service(service()).bindings().list().stream().count().await;
    assert_eq!(count, 3, "first page, B, then A again is a repeat");

    // An empty page that still has a next page URL.
    let server = MockServer::start().await;
    let next = format!("{}/v2/Services/{SERVICE}/Bindings?PageToken=more", server.uri());
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0, Some(next))))
        .mount(&server)
        .await;
    let count = client(&server.uri()).chat_v2().service(service()).bindings().list().stream().count().await;
    assert_eq!(count, 0);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn pages_without_items_or_meta() {
    let (client, _server) =
        serving(ResponseTemplate::new(200).set_body_json(serde_json::json!({"meta": {}}))).await;
    let error = client.chat_v2().service(service()).bindings().list().send().await.expect_err("no items");
    assert!(matches!(&error, Error::Decode { message, .. } if message.contains("bindings")), "{error:?}");

    let (client, _server) =
        serving(ResponseTemplate::new(200).set_body_json(serde_json::json!({"bindings": []}))).await;
    let page = client.chat_v2().service(service()).bindings().list().send().await.expect("meta is optional");
    assert!(page.next_page_url().is_none());
}
