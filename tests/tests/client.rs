//! The generated client against a real HTTP server on 127.0.0.1 (wiremock):
//! every operation's exact request, paging, identities, SIDs, errors,
//! retries, foreign next-page URLs, unknown enum values and secrets.

use std::time::{Duration, Instant};

use twilio_bindings::chat_v2::BindingType;
use twilio_bindings::conversations_v1::ServiceBindingType;
use twilio_bindings::runtime::{StreamExt, TryStreamExt};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error, RetryPolicy};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "auth-token-that-must-never-leak";
const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const BINDING: &str = "BS0123456789abcdef0123456789abcdef";
/// `Basic base64(ACCOUNT:TOKEN)`.
const AUTHORIZATION: &str =
    "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjphdXRoLXRva2VuLXRoYXQtbXVzdC1uZXZlci1sZWFr";

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid service SID")
}

fn binding_sid() -> BindingSid {
    BINDING.parse().expect("valid binding SID")
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = client_for(
        &server.uri(),
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_secs(2),
            max_elapsed: None,
        },
    );
    (server, client)
}

fn client_for(base: &str, retry: RetryPolicy) -> Client {
    let core = twilio_bindings::runtime::Client::builder(Credentials::auth_token(ACCOUNT, TOKEN))
        .base_url(base)
        .expect("valid base URL")
        .retry(retry)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client builds");
    Client::new(core)
}

fn binding_json(sid: &str, binding_type: &str) -> serde_json::Value {
    serde_json::json!({
        "sid": sid,
        "account_sid": ACCOUNT,
        "service_sid": SERVICE,
        "date_created": "2016-10-21T11:37:03Z",
        "date_updated": "2016-10-21T11:37:03Z",
        "endpoint": "TestUser-endpoint",
        "identity": "TestUser",
        "binding_type": binding_type,
        "credential_sid": "CR0123456789abcdef0123456789abcdef",
        "message_types": ["removed_from_channel", "new_message"],
        "url": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Bindings/{sid}"),
        "links": { "user": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Users/TestUser") }
    })
}

fn page_json(items: Vec<serde_json::Value>, next: Option<String>) -> serde_json::Value {
    serde_json::json!({
        "bindings": items,
        "meta": {
            "page": 0, "page_size": 50, "key": "bindings",
            "first_page_url": "https://chat.twilio.com/first", "previous_page_url": null,
            "url": "https://chat.twilio.com/this", "next_page_url": next
        }
    })
}

async fn ok_for_anything(server: &MockServer, body: serde_json::Value) {
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(server).await;
}

/// The one request the server received: method, raw path, raw query and
/// `Authorization` header.
async fn only_request(server: &MockServer) -> (String, String, Option<String>, String) {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected one request, got {requests:?}");
    let r = &requests[0];
    let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (r.method.to_string(), r.url.path().to_owned(), r.url.query().map(str::to_owned), auth)
}

#[tokio::test]
async fn each_operation_sends_the_exact_request() {
    struct Case {
        name: &'static str,
        method: &'static str,
        path: String,
        query: Option<&'static str>,
    }
    let service_path = format!("/v2/Services/{SERVICE}");
    let conversations_path = format!("/v1/Services/{SERVICE}");
    let cases = [
        Case {
            name: "chat list",
            method: "GET",
            path: format!("{service_path}/Bindings"),
            query: Some("BindingType=apn&BindingType=fcm&Identity=alice&Identity=bob&PageSize=50"),
        },
        Case {
            name: "chat fetch",
            method: "GET",
            path: format!("{service_path}/Bindings/{BINDING}"),
            query: None,
        },
        Case {
            name: "chat delete",
            method: "DELETE",
            path: format!("{service_path}/Bindings/{BINDING}"),
            query: None,
        },
        Case {
            name: "chat user list",
            method: "GET",
            path: format!("{service_path}/Users/alice/Bindings"),
            query: Some("BindingType=gcm&PageSize=7"),
        },
        Case {
            name: "chat user fetch",
            method: "GET",
            path: format!("{service_path}/Users/alice/Bindings/{BINDING}"),
            query: None,
        },
        Case {
            name: "chat user delete",
            method: "DELETE",
            path: format!("{service_path}/Users/alice/Bindings/{BINDING}"),
            query: None,
        },
        Case {
            name: "conversations list",
            method: "GET",
            path: format!("{conversations_path}/Bindings"),
            query: Some("BindingType=twilsock&Identity=carol&PageSize=100"),
        },
        Case {
            name: "conversations fetch",
            method: "GET",
            path: format!("{conversations_path}/Bindings/{BINDING}"),
            query: None,
        },
        Case {
            name: "conversations delete",
            method: "DELETE",
            path: format!("{conversations_path}/Bindings/{BINDING}"),
            query: None,
        },
    ];
    for case in cases {
        let (server, client) = setup().await;
        let body = if case.method == "DELETE" {
            serde_json::Value::Null
        } else if case.query.is_some() {
            page_json(vec![binding_json(BINDING, "apn")], None)
        } else {
            binding_json(BINDING, "apn")
        };
        if case.method == "DELETE" {
            Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
        } else {
            ok_for_anything(&server, body).await;
        }
        let chat = client.chat_v2().service(service());
        let conversations = client.conversations_v1().service(service());
        let result: Result<(), Error> = match case.name {
            "chat list" => chat
                .bindings()
                .list()
                .binding_type([BindingType::Apn, BindingType::Fcm])
                .identity(["alice"])
                .identity(["bob"])
                .page_size(50)
                .send()
                .await
                .map(|page| assert_eq!(page.items.len(), 1)),
            "chat fetch" => chat.binding(binding_sid()).fetch().send().await.map(|b| {
                assert_eq!(b.sid.as_ref().map(BindingSid::as_str), Some(BINDING));
            }),
            "chat delete" => chat.binding(binding_sid()).delete().send().await,
            "chat user list" => chat
                .user("alice")
                .user_bindings()
                .list()
                .binding_type([twilio_bindings::chat_v2::UserBindingType::Gcm])
                .page_size(7)
                .send()
                .await
                .map(|page| assert_eq!(page.items.len(), 1)),
            "chat user fetch" => {
                chat.user("alice").user_binding(binding_sid()).fetch().send().await.map(drop)
            }
            "chat user delete" => chat.user("alice").user_binding(binding_sid()).delete().send().await,
            "conversations list" => conversations
                .bindings()
                .list()
                .binding_type(["twilsock".parse::<ServiceBindingType>().expect("known in Conversations")])
                .identity(["carol"])
                .page_size(100)
                .send()
                .await
                .map(drop),
            "conversations fetch" => conversations.binding(binding_sid()).fetch().send().await.map(drop),
            "conversations delete" => conversations.binding(binding_sid()).delete().send().await,
            other => unreachable!("{other}"),
        };
        result.unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let (method, path, query, auth) = only_request(&server).await;
        assert_eq!(method, case.method, "{}", case.name);
        assert_eq!(path, case.path, "{}", case.name);
        assert_eq!(query.as_deref(), case.query, "{}", case.name);
        assert_eq!(auth, AUTHORIZATION, "{}", case.name);
    }
}

#[tokio::test]
async fn page_size_is_clamped_to_the_spec_maximum() {
    let (server, client) = setup().await;
    ok_for_anything(&server, page_json(vec![], None)).await;
    client.chat_v2().service(service()).bindings().list().page_size(1000).send().await.expect("sends");
    client
        .conversations_v1()
        .service(service())
        .bindings()
        .list()
        .page_size(1000)
        .send()
        .await
        .expect("sends");
    client.chat_v2().service(service()).bindings().list().page_size(-3).send().await.expect("sends");
    let queries: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.query().map(str::to_owned))
        .collect();
    assert_eq!(queries, [Some("PageSize=50".into()), Some("PageSize=100".into()), Some("PageSize=1".into())]);
}

/// Three pages of two bindings, linked by `next_page_url`.
async fn three_pages(server: &MockServer) {
    let base = format!("{}/v2/Services/{SERVICE}/Bindings", server.uri());
    let sid = |n: u8| format!("BS{n:032x}");
    let pages = [
        (None, vec![sid(1), sid(2)], Some(format!("{base}?PageSize=2&Page=1&PageToken=PT1"))),
        (Some("PT1"), vec![sid(3), sid(4)], Some(format!("{base}?PageSize=2&Page=2&PageToken=PT2"))),
        (Some("PT2"), vec![sid(5), sid(6)], None),
    ];
    for (token, sids, next) in pages {
        let items = sids.iter().map(|s| binding_json(s, "fcm")).collect();
        let mock = Mock::given(method("GET")).and(path(format!("/v2/Services/{SERVICE}/Bindings")));
        let mock = match token {
            Some(token) => mock.and(query_param("PageToken", token)),
            None => mock.and(query_param_is_missing("PageToken")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page_json(items, next)))
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn streams_follow_next_page_urls_across_three_pages() {
    let (server, client) = setup().await;
    three_pages(&server).await;
    let list = client.chat_v2().service(service()).bindings().list().page_size(2);

    let all: Vec<_> = list.clone().stream().try_collect().await.expect("all pages");
    let sids: Vec<String> = all.iter().filter_map(|b| b.sid.as_ref().map(|s| s.to_string())).collect();
    assert_eq!(sids, (1..=6).map(|n| format!("BS{n:032x}")).collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap_or_default();
    let queries: Vec<_> = requests.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect();
    assert_eq!(queries, ["PageSize=2", "PageSize=2&Page=1&PageToken=PT1", "PageSize=2&Page=2&PageToken=PT2"]);

    server.reset().await;
    three_pages(&server).await;
    let limited: Vec<_> = list.clone().limit(3).stream().try_collect().await.expect("three items");
    assert_eq!(limited.len(), 3);
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2, "stops fetching at the limit");

    server.reset().await;
    three_pages(&server).await;
    let limited: Vec<_> = list.clone().limit(2).stream().try_collect().await.expect("two items");
    assert_eq!(limited.len(), 2);
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1,
        "a limit at a page's end fetches no more"
    );

    // Page by page, and resuming from a stored URL.
    let first = list.clone().send().await.expect("first page");
    let next_url = first.next_page_url().expect("has a next page").to_owned();
    let second = first.next_page().await.expect("second page").expect("exists");
    assert_eq!(second.items.len(), 2);
    let resumed = list.resume(&next_url).await.expect("resumes");
    assert_eq!(resumed.items, second.items);
}

#[tokio::test]
async fn next_page_urls_on_other_hosts_are_refused() {
    let (server, client) = setup().await;
    let foreign = format!("https://evil.example.com/v2/Services/{SERVICE}/Bindings?Page=1");
    ok_for_anything(&server, page_json(vec![binding_json(BINDING, "apn")], Some(foreign))).await;
    let results: Vec<Result<_, Error>> =
        client.chat_v2().service(service()).bindings().list().stream().collect().await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    assert!(matches!(&results[1], Err(Error::ForeignUrl { url, .. }) if url.contains("evil.example.com")));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn next_page_urls_on_twilio_host_stay_behind_the_base_url() {
    let (server, client) = setup().await;
    let canonical = format!("https://chat.twilio.com/v2/Services/{SERVICE}/Bindings?PageToken=PT1");
    Mock::given(query_param_is_missing("PageToken"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page_json(vec![binding_json(BINDING, "apn")], Some(canonical))),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("PageToken", "PT1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(page_json(vec![binding_json(BINDING, "gcm")], None)),
        )
        .mount(&server)
        .await;
    let all: Vec<_> = client
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .stream()
        .try_collect()
        .await
        .expect("both pages");
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn identities_stay_one_path_segment() {
    let identities = [
        ("alice", "alice"),
        ("a/b", "a%2Fb"),
        ("what?x=1", "what%3Fx%3D1"),
        ("hash#tag", "hash%23tag"),
        ("100%", "100%25"),
        ("a&b", "a%26b"),
        ("a+b", "a%2Bb"),
        ("a;b", "a%3Bb"),
        ("a=b", "a%3Db"),
        ("with space", "with%20space"),
        ("../../Bindings", "..%2F..%2FBindings"),
        ("a..b", "a..b"),
        ("José Ünïcødé 名前", "Jos%C3%A9%20%C3%9Cn%C3%AFc%C3%B8d%C3%A9%20%E5%90%8D%E5%89%8D"),
        ("user@example.com", "user%40example.com"),
    ];
    for (identity, encoded) in identities {
        let (server, client) = setup().await;
        ok_for_anything(&server, page_json(vec![], None)).await;
        client
            .chat_v2()
            .service(service())
            .user(identity)
            .user_bindings()
            .list()
            .send()
            .await
            .expect(identity);
        client
            .chat_v2()
            .service(service())
            .user(identity)
            .user_binding(binding_sid())
            .delete()
            .send()
            .await
            .ok();
        let requests = server.received_requests().await.unwrap_or_default();
        assert_eq!(requests.len(), 2, "{identity:?}");
        assert_eq!(
            requests[0].url.path(),
            format!("/v2/Services/{SERVICE}/Users/{encoded}/Bindings"),
            "{identity:?}"
        );
        assert_eq!(requests[0].url.query(), None, "{identity:?}");
        assert_eq!(
            requests[1].url.path(),
            format!("/v2/Services/{SERVICE}/Users/{encoded}/Bindings/{BINDING}"),
            "{identity:?}"
        );
    }
    // Identities that URL parsers would resolve as dot segments cannot be sent.
    for identity in ["..", ".", ""] {
        let (server, client) = setup().await;
        let result = client.chat_v2().service(service()).user(identity).user_bindings().list().send().await;
        assert!(matches!(result, Err(Error::InvalidInput(_))), "{identity:?}: {result:?}");
        assert!(server.received_requests().await.unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn malformed_sids_are_rejected_before_any_request() {
    let (server, _client) = setup().await;
    for bad in [
        "",
        "IS123",
        "is0123456789abcdef0123456789abcdef",
        "BS0123456789abcdef0123456789abcdef",
        "IS0123456789abcdef0123456789abcdeg",
    ] {
        let error = bad.parse::<ServiceSid>().expect_err(bad);
        assert!(error.to_string().contains("expected `IS` followed by 32 hexadecimal digits"), "{error}");
        assert!(serde_json::from_value::<ServiceSid>(serde_json::json!(bad)).is_err());
        let converted: Error = error.into();
        assert!(matches!(converted, Error::InvalidSid(_)));
    }
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn twilio_error_bodies_become_typed_errors() {
    let (server, client) = setup().await;
    let body = serde_json::json!({
        "code": 20404, "message": "The requested resource was not found",
        "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404
    });
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(body)
                .insert_header("Twilio-Request-Id", "RQ0123456789abcdef"),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .mount(&server)
        .await;
    let error =
        client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect_err("404");
    let api = error.api().expect("an API error");
    assert_eq!((api.status, api.code), (404, Some(20404)));
    assert_eq!(api.message.as_deref(), Some("The requested resource was not found"));
    assert_eq!(api.more_info.as_deref(), Some("https://www.twilio.com/docs/errors/20404"));
    // Twilio's request id, the operation (never the filled path), the host and the attempts.
    assert_eq!(error.request_id(), Some("RQ0123456789abcdef"));
    let call = error.call().expect("the call");
    assert_eq!((call.operation, call.method.as_str(), call.attempts), ("FetchBinding", "GET", 1));
    assert_eq!(call.path, "/v2/Services/{ServiceSid}/Bindings/{Sid}");
    assert_eq!(
        error.to_string(),
        "Twilio API error (HTTP 404, code 20404, request RQ0123456789abcdef): The requested resource was not found \
         in FetchBinding (GET /v2/Services/{ServiceSid}/Bindings/{Sid}) at 127.0.0.1, 1 attempt"
    );

    let error =
        client.chat_v2().service(service()).binding(binding_sid()).delete().send().await.expect_err("500");
    let api = error.api().expect("an API error");
    assert_eq!((api.status, api.code, api.body.as_str()), (500, None, "<html>oops</html>"));
}

#[tokio::test]
async fn retries_429_honoring_retry_after() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    ok_for_anything(&server, binding_json(BINDING, "apn")).await;
    let started = Instant::now();
    client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect("retried");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited as Retry-After asked");
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 2);
}

#[tokio::test]
async fn retries_are_bounded() {
    let (server, client) = setup().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    // A bound, so that retrying forever fails here rather than hangs.
    let send = client.chat_v2().service(service()).binding(binding_sid()).delete().send();
    let error = tokio::time::timeout(std::time::Duration::from_secs(10), send)
        .await
        .expect("retries end")
        .expect_err("503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap_or_default().len(), 3, "one try and two retries");
}

#[tokio::test]
async fn slow_responses_time_out() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let error =
        client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect_err("slow");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
}

#[tokio::test]
async fn unknown_binding_types_round_trip() {
    let (server, client) = setup().await;
    ok_for_anything(&server, binding_json(BINDING, "carrier-pigeon")).await;
    let binding =
        client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect("decodes");
    let kind = binding.binding_type.clone().expect("present");
    assert!(matches!(kind, BindingType::Unknown(_)));
    assert_eq!(kind.as_str(), "carrier-pigeon");
    let json = serde_json::to_value(&binding).expect("serializes");
    assert_eq!(json["binding_type"], "carrier-pigeon");
    assert!(
        "carrier-pigeon".parse::<BindingType>().is_err(),
        "users cannot send an unknown value by mistake"
    );
    // Conversations knows `twilsock`.
    assert!("twilsock".parse::<ServiceBindingType>().is_ok());
}

#[tokio::test]
async fn odd_sids_in_responses_do_not_fail_the_response() {
    let (server, client) = setup().await;
    let mut body = binding_json("XX-not-a-sid", "apn");
    body["service_sid"] = serde_json::json!(null);
    ok_for_anything(&server, body).await;
    let binding =
        client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect("decodes");
    assert_eq!(binding.sid.as_ref().map(BindingSid::as_str), Some("XX-not-a-sid"));
    assert_eq!(binding.service_sid, None);
    assert_eq!(binding.date_created.map(|d| d.to_rfc3339()).as_deref(), Some("2016-10-21T11:37:03+00:00"));
    let user = binding
        .links
        .as_ref()
        .and_then(|l| l["user"].as_str())
        .and_then(|u| twilio_bindings::runtime::Url::parse(u).ok());
    assert_eq!(user.as_ref().and_then(|u| u.host_str()), Some("chat.twilio.com"));
}

#[tokio::test]
async fn secrets_and_personal_data_stay_out_of_debug() {
    let (server, client) = setup().await;
    ok_for_anything(&server, binding_json(BINDING, "apn")).await;
    let binding =
        client.chat_v2().service(service()).binding(binding_sid()).fetch().send().await.expect("decodes");
    let request = client.chat_v2().service(service()).bindings().list().identity(["secret-identity"]);
    let text = format!("{client:?} {request:?} {binding:?}");
    for secret in [TOKEN, "secret-identity", "TestUser-endpoint", "identity: Some"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("identity: [redacted]") && text.contains("endpoint: [redacted]"), "{text}");
    let ua = server.received_requests().await.unwrap_or_default()[0].headers.get("user-agent").cloned();
    let ua = ua.and_then(|v| v.to_str().ok().map(str::to_owned)).unwrap_or_default();
    assert!(ua.starts_with(concat!("twilio-bindings/", env!("CARGO_PKG_VERSION"))), "{ua}");
}
