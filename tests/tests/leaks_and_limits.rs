//! The security review's client findings, each against a server on
//! 127.0.0.1: personal data stays out of `Debug` and error messages, server
//! text is escaped, response bodies are capped, edges and regions are host
//! labels, a base URL's path survives paging, and paging stops on URLs that
//! differ only in ways that do not matter.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twilio_bindings::runtime::{Request, StreamExt};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error, RetryPolicy};
use wiremock::matchers::{any, path, path_regex, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const BINDING: &str = "BS0123456789abcdef0123456789abcdef";
const IDENTITY: &str = "alice.private@example.com";

fn builder(base: &str) -> twilio_bindings::ClientBuilder {
    twilio_bindings::runtime::Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000001",
        "token",
    ))
    .base_url(base)
    .expect("valid base URL")
    .retry(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
    .timeout(Duration::from_secs(5))
}

fn client(base: &str) -> Client {
    Client::new(builder(base).build().expect("builds"))
}

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid")
}

fn page(items: usize, page: Option<i64>, next: Option<String>) -> serde_json::Value {
    let bindings: Vec<_> = (0..items).map(|i| serde_json::json!({"sid": format!("BS{i:032x}")})).collect();
    serde_json::json!({
        "bindings": bindings,
        "meta": {"page": page, "next_page_url": next, "url": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Users/{IDENTITY}/Bindings?Identity={IDENTITY}")},
    })
}

#[tokio::test]
async fn identities_stay_out_of_debug_and_errors() {
    let chat = client("http://127.0.0.1:9").chat_v2();
    let user = chat.service(service()).user(IDENTITY);
    let list = user.user_bindings().list();
    let request: Request = list.to_request();
    let filtered = chat.service(service()).bindings().list().identity([IDENTITY]).to_request();
    let texts = [
        format!("{user:?}"),
        format!("{list:?}"),
        format!("{request:?}"),
        format!("{filtered:?}"),
        request.log_url(),
        filtered.log_url(),
    ];
    for text in &texts {
        assert!(!text.contains("alice"), "identity leaked: {text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
    // The real request still carries the identity.
    assert!(request.path().contains("alice.private%40example.com"), "{}", request.path());
    assert!(filtered.query_string().contains("alice.private%40example.com"));

    // A transport error names no URL; a decode error shows no body.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let refused = client(&format!("http://{address}"))
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .identity([IDENTITY])
        .send()
        .await
        .expect_err("nothing listens");
    for text in [refused.to_string(), format!("{refused:?}")] {
        assert!(!text.contains("alice") && !text.contains("Identity="), "{text}");
    }
    // The cause is there, not just "error sending request".
    assert!(refused.to_string().matches(": ").count() >= 2, "{refused}");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!("{{\"sid\": 7, \"identity\": \"{IDENTITY}\"}}")),
        )
        .mount(&server)
        .await;
    let sid: BindingSid = BINDING.parse().expect("valid");
    let error = client(&server.uri())
        .chat_v2()
        .service(service())
        .binding(sid)
        .fetch()
        .send()
        .await
        .expect_err("bad");
    assert!(matches!(&error, Error::Decode { body, .. } if body.contains(IDENTITY)), "the body is kept");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("alice"), "{text}");
    }

    // Page meta links repeat the filters.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some(0), None)))
        .mount(&server)
        .await;
    let page =
        client(&server.uri()).chat_v2().service(service()).bindings().list().send().await.expect("page");
    assert!(page.meta.url.as_deref().is_some_and(|u| u.contains("alice")));
    let shown = format!("{page:?}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(
        shown.starts_with("Page {") && shown.contains("PageMeta") && shown.contains("page: Some(0)"),
        "{shown}"
    );
    assert!(shown.contains("url: Some([redacted])") && shown.contains("items: ["), "{shown}");

    // A password in the base URL is refused (it would send a second
    // Authorization header), without showing it.
    let with_password = twilio_bindings::runtime::Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000001",
        "t",
    ))
    .base_url("http://user:hunter2@127.0.0.1:9/")
    .expect_err("credentials in a base URL are refused");
    assert!(!format!("{with_password} {with_password:?}").contains("hunter2"), "{with_password:?}");
    let bad = twilio_bindings::runtime::Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000001",
        "t",
    ))
    .base_url("ftp://user:hunter2@host");
    assert!(!bad.expect_err("not http").to_string().contains("hunter2"));
}

#[tokio::test]
async fn server_text_is_escaped_in_messages() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"code": 20404, "message": "not found\n[ERROR] forged log line \u{1b}[31m\u{202e}txt.exe"});
    Mock::given(any()).respond_with(ResponseTemplate::new(404).set_body_json(body)).mount(&server).await;
    let sid: BindingSid = BINDING.parse().expect("valid");
    let error = client(&server.uri())
        .chat_v2()
        .service(service())
        .binding(sid)
        .fetch()
        .send()
        .await
        .expect_err("404");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains('\n') && !text.contains('\u{1b}') && !text.contains('\u{202e}'), "{text:?}");
        assert!(text.contains("\\n[ERROR]"), "{text}");
    }
    assert_eq!(
        error.api().and_then(|a| a.message.as_deref()).map(|m| m.contains('\n')),
        Some(true),
        "the field keeps it"
    );

    // A foreign next page URL: only its host is named, escaped.
    let server = MockServer::start().await;
    let foreign = format!("https://evil.example/steal?Identity={IDENTITY}\n");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some(0), Some(foreign))))
        .mount(&server)
        .await;
    let results: Vec<_> =
        client(&server.uri()).chat_v2().service(service()).bindings().list().stream().collect().await;
    let error = results.into_iter().find_map(Result::err).expect("refused");
    assert!(matches!(error, Error::ForeignUrl { .. }));
    let text = format!("{error} {error:?}");
    assert!(text.contains("evil.example") && !text.contains("alice") && !text.contains('\n'), "{text}");
}

/// A server that answers one request with a chunked body of the given chunk
/// sizes, with no `Content-Length`, so only counting the bytes can stop it.
async fn chunked_server(chunks: Vec<usize>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for size in chunks {
            let frame = format!("{size:x}\r\n");
            let ok = socket.write_all(frame.as_bytes()).await.is_ok()
                && socket.write_all(&vec![b' '; size]).await.is_ok()
                && socket.write_all(b"\r\n").await.is_ok()
                && socket.flush().await.is_ok();
            if !ok {
                return;
            }
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    });
    format!("http://{address}")
}

#[tokio::test]
async fn response_bodies_are_capped() {
    let sid: BindingSid = BINDING.parse().expect("valid");
    // Without a length: counted while read.
    let base = chunked_server(vec![64 * 1024; 128]).await;
    let capped = Client::new(builder(&base).max_response_bytes(1024 * 1024).build().expect("builds"));
    let error =
        capped.chat_v2().service(service()).binding(sid.clone()).fetch().send().await.expect_err("too large");
    assert!(matches!(error, Error::ResponseTooLarge { limit: 1_048_576, .. }), "{error:?}");
    // With a length: refused before reading.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(" ".repeat(4096)))
        .mount(&server)
        .await;
    let small = Client::new(builder(&server.uri()).max_response_bytes(1000).build().expect("builds"));
    let error =
        small.chat_v2().service(service()).binding(sid.clone()).fetch().send().await.expect_err("too large");
    assert!(matches!(error, Error::ResponseTooLarge { limit: 1000, .. }), "{error:?}");
    // The default is far above any real page.
    const { assert!(twilio_bindings::runtime::DEFAULT_MAX_RESPONSE_BYTES >= 32 * 1024 * 1024) };
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not() {
    const LIMIT: usize = 4096;
    let sid: BindingSid = BINDING.parse().expect("valid");
    let fetch = |base: String| {
        let sid = sid.clone();
        async move {
            let client = Client::new(builder(&base).max_response_bytes(LIMIT).build().expect("builds"));
            client
                .chat_v2()
                .service(service())
                .binding(sid)
                .fetch()
                .send()
                .await
                .expect_err("spaces are no binding")
        }
    };
    let too_large = |error: &Error| matches!(error, Error::ResponseTooLarge { limit: LIMIT, .. });
    // Counted while read: the limit in one chunk or two is fine; past it, in
    // one chunk or two, is not.
    for chunks in [vec![LIMIT], vec![LIMIT - 1, 1]] {
        let error = fetch(chunked_server(chunks.clone()).await).await;
        assert!(matches!(error, Error::Decode { .. }), "{chunks:?}: {error:?}");
    }
    for chunks in [vec![LIMIT + 5], vec![LIMIT, 1], vec![1, LIMIT]] {
        let error = fetch(chunked_server(chunks.clone()).await).await;
        assert!(too_large(&error), "{chunks:?}: {error:?}");
    }
    // With a length: the limit is read, one byte more is refused.
    for (size, refused) in [(LIMIT, false), (LIMIT + 1, true)] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_string(" ".repeat(size)))
            .mount(&server)
            .await;
        let error = fetch(server.uri()).await;
        assert_eq!(too_large(&error), refused, "{size}: {error:?}");
    }
}

#[test]
fn edges_and_regions_must_be_host_labels() {
    for (edge, region) in [("sydney", "au1"), ("dublin", "ie1"), ("ashburn", "us1")] {
        assert!(builder("http://127.0.0.1:9").edge(edge).region(region).build().is_ok(), "{edge} {region}");
    }
    for bad in ["au1.evil.example:443/", "evil.example", "a/b", "a b", "-au1", "au1-", "x@y", &"a".repeat(64)]
    {
        let core = twilio_runtime_builder().region(bad).build();
        assert!(matches!(core, Err(Error::Config(_))), "region {bad:?} accepted");
        let core = twilio_runtime_builder().edge(bad).build();
        assert!(matches!(core, Err(Error::Config(_))), "edge {bad:?} accepted");
    }
}

fn twilio_runtime_builder() -> twilio_bindings::ClientBuilder {
    twilio_bindings::runtime::Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000001",
        "t",
    ))
}

#[tokio::test]
async fn a_base_url_path_survives_paging() {
    let server = MockServer::start().await;
    let next = format!("https://chat.twilio.com/v2/Services/{SERVICE}/Bindings?PageToken=2");
    Mock::given(path(format!("/proxy/twilio/v2/Services/{SERVICE}/Bindings")))
        .and(query_param("PageToken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(1, Some(1), None)))
        .mount(&server)
        .await;
    Mock::given(path(format!("/proxy/twilio/v2/Services/{SERVICE}/Bindings")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(2, Some(0), Some(next))))
        .mount(&server)
        .await;
    let client = client(&format!("{}/proxy/twilio/", server.uri()));
    let count = client.chat_v2().service(service()).bindings().list().stream().count().await;
    assert_eq!(count, 3);
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.url.path().starts_with("/proxy/twilio/v2/")), "{requests:?}");
}

/// A server whose every page links to a next page on itself with the query
/// `next(n)` for the n-th request; returns it with its request counter.
async fn looping(
    number: Option<i64>,
    next: impl Fn(usize) -> String + Send + Sync + 'static,
) -> (MockServer, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let server = MockServer::start().await;
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = counter.clone();
    let base = server.uri();
    Mock::given(path_regex("/v2/Services/.*/Bindings"))
        .respond_with(move |_: &wiremock::Request| {
            let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let url = format!("{base}/v2/Services/{SERVICE}/Bindings{}", next(n));
            ResponseTemplate::new(200).set_body_json(page(1, number, Some(url)))
        })
        .mount(&server)
        .await;
    (server, counter)
}

#[tokio::test]
async fn paging_stops_on_urls_that_differ_in_nothing_that_matters() {
    // The same page again under ever new fragments.
    let (server, _) = looping(None, |n| format!("?PageToken=1#frag{n}")).await;
    let count = client(&server.uri()).chat_v2().service(service()).bindings().list().stream().count().await;
    assert_eq!(count, 2, "the first page, then the linked one; its #fragment twin is a repeat");

    // The same query, its pairs in another order.
    let (server, _) = looping(None, |n| {
        if n % 2 == 0 { "?PageToken=1&PageSize=1" } else { "?PageSize=1&PageToken=1" }.to_owned()
    })
    .await;
    let count = client(&server.uri()).chat_v2().service(service()).bindings().list().stream().count().await;
    assert_eq!(count, 2, "the first page, then the linked one; its reordered twin is a repeat");

    // Ever new junk parameters, the page number never moving.
    let (server, counter2) = looping(Some(0), |n| format!("?Page=0&junk={n}")).await;
    let count = client(&server.uri()).chat_v2().service(service()).bindings().list().stream().count().await;
    let limit = twilio_bindings::runtime::MAX_PAGES_WITHOUT_PROGRESS;
    assert_eq!(count, limit + 1, "a page that does not move is followed {limit} times at most");
    assert_eq!(counter2.load(std::sync::atomic::Ordering::SeqCst), limit + 1);
}

/// Twilio's own example of a user binding: `links.user` ends in the
/// identity the binding was listed under.
fn twilio_example_binding() -> serde_json::Value {
    serde_json::json!({
        "sid": BINDING,
        "service_sid": SERVICE,
        "identity": IDENTITY,
        "endpoint": "endpoint-of-alice",
        "url": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Users/{IDENTITY}/Bindings/{BINDING}"),
        "links": {"user": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Users/{IDENTITY}")},
    })
}

#[tokio::test]
async fn links_and_urls_show_no_identity_in_debug() {
    let binding: twilio_bindings::chat_v2::Binding =
        serde_json::from_value(twilio_example_binding()).expect("decodes");
    let shown = format!("{binding:?}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(shown.contains(&format!("/v2/Services/{SERVICE}/Users/[redacted]")), "{shown}");
    // The fields keep what Twilio sent.
    assert!(
        binding.links.as_ref().is_some_and(|l| l["user"].as_str().is_some_and(|u| u.ends_with(IDENTITY)))
    );

    let server = MockServer::start().await;
    let body = serde_json::json!({"bindings": [twilio_example_binding()], "meta": {"page": 0, "next_page_url": null}});
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let page =
        client(&server.uri()).chat_v2().service(service()).bindings().list().send().await.expect("page");
    let shown = format!("{page:?}");
    assert!(!shown.contains("alice") && shown.contains("[redacted]"), "{shown}");
}

#[tokio::test]
async fn twilio_messages_lose_the_identities_the_call_sent() {
    let server = MockServer::start().await;
    let message = format!(
        "The requested resource /v2/Services/{SERVICE}/Users/{}/Bindings was not found",
        IDENTITY.replace('@', "%40")
    );
    let body = serde_json::json!({"code": 20404, "message": message, "status": 404});
    Mock::given(any()).respond_with(ResponseTemplate::new(404).set_body_json(body)).mount(&server).await;
    let error = client(&server.uri())
        .chat_v2()
        .service(service())
        .user(IDENTITY)
        .user_bindings()
        .list()
        .send()
        .await
        .expect_err("404");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(shown.contains("/Users/[redacted]/Bindings was not found"), "{shown}");
    let api = error.api().expect("Twilio's error");
    assert!(api.raw_message().is_some_and(|m| m.contains("alice")), "the raw message is kept");

    // A filter value quoted back is redacted too.
    let filtered = client(&server.uri())
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .identity([IDENTITY])
        .send()
        .await
        .expect_err("404");
    assert!(!format!("{filtered}").contains("alice"), "{filtered}");
}

#[tokio::test]
async fn a_hand_built_path_cannot_climb() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let mut request = Request::new(twilio_bindings::runtime::Method::Get, "https://chat.twilio.com");
    request.push_path("/v1/../../etc/passwd");
    let error = client.runtime().send_json::<serde_json::Value>(request).await.expect_err("refused");
    assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing was sent");
}

/// Credentials are checked as Twilio's when the client builds, by the
/// builder or from the environment: an identity or a typo never travels as
/// the login, and the error shows no value.
#[test]
fn credentials_are_checked_as_twilios_and_never_shown() {
    use twilio_bindings::runtime::Credentials as Runtime;
    let account = "AC0123456789abcdef0123456789abcdef";
    let key = "SK0123456789abcdef0123456789abcdef";
    let build = |credentials: Runtime| twilio_bindings::runtime::Client::builder(credentials).build();
    assert!(build(Runtime::auth_token(account, "token")).is_ok());
    assert!(build(Runtime::api_key(account, key, "secret")).is_ok());
    let cases = [
        (Runtime::auth_token(IDENTITY, "token"), "account SID"),
        (Runtime::auth_token("AC0123", "token"), "account SID"),
        (Runtime::auth_token("SK0123456789abcdef0123456789abcdef", "token"), "account SID"),
        (Runtime::api_key(account, IDENTITY, "secret"), "API key"),
        (Runtime::api_key(account, "AC0123456789abcdef0123456789abcdeg", "secret"), "API key"),
        (Runtime::auth_token(account, ""), "empty"),
    ];
    for (credentials, what) in cases {
        let error = build(credentials).expect_err("refused");
        let shown = format!("{error} {error:?}");
        assert!(shown.contains(what), "{shown}");
        assert!(
            !shown.contains("alice") && !shown.contains("AC0123\"") && !shown.contains("abcdeg"),
            "{shown}"
        );
    }
    let from_env = |name: &str, value: &str| {
        let vars = [("TWILIO_ACCOUNT_SID", account), ("TWILIO_AUTH_TOKEN", "token"), (name, value)];
        Runtime::from_lookup(|n| vars.iter().rev().find(|(k, _)| *k == n).map(|(_, v)| (*v).to_owned()))
            .and_then(build)
    };
    let error = from_env("TWILIO_ACCOUNT_SID", IDENTITY).expect_err("an identity is no account SID");
    assert!(
        error.to_string().contains("TWILIO_ACCOUNT_SID") && !error.to_string().contains("alice"),
        "{error}"
    );
    assert!(from_env("TWILIO_API_KEY", "nope").is_ok(), "a key without its secret is not used");
}
