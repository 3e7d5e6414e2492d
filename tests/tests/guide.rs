//! The crate's guide, claim by claim, as a user writes it: each ordinary
//! line the guide shows compiles here as written, and does what the guide
//! says against a local mock (wiremock on 127.0.0.1, or the scripted
//! transport). A claim the code stops keeping fails here.

use std::sync::Arc;
use std::time::Duration;

use twilio_bindings::chat_v2::{BindingType, UserBindingType};
use twilio_bindings::conversations_v1::ServiceBindingType;
use twilio_bindings::runtime::test_util::MockTransport;
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error, RetryPolicy, StreamExt, TryStreamExt};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const BINDING: &str = "BS0123456789abcdef0123456789abcdef";

fn page(n: usize, next: Option<String>) -> serde_json::Value {
    let bindings: Vec<_> =
        (0..n).map(|i| serde_json::json!({"sid": format!("BS{i:032x}"), "binding_type": "apn"})).collect();
    serde_json::json!({"bindings": bindings, "meta": {"page": 0, "page_size": n, "next_page_url": next}})
}

fn client(base: &str) -> Client {
    Client::builder()
        .credentials(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
        .base_url(base)
        .expect("a base URL")
        .retry(RetryPolicy::none())
        .build()
        .expect("builds")
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

#[tokio::test]
async fn ordinary_lines_compile_and_do_what_the_guide_says() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("/Bindings$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(5, None)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/Bindings/BS"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"sid": BINDING})))
        .mount(&server)
        .await;
    let client = client(&server.uri());

    // SIDs as users hold them: text, a String, a &String, the type, a reference.
    let chat = client.chat_v2();
    let service_text = String::from(SERVICE);
    let typed: ServiceSid = SERVICE.parse().expect("a SID");
    let binding: BindingSid = BINDING.parse().expect("a SID");
    chat.service(SERVICE).binding(BINDING).fetch().send().await.expect("&str");
    chat.service(&service_text).binding(binding.clone()).fetch().send().await.expect("&String and the type");
    chat.service(service_text.clone()).binding(&binding).fetch().send().await.expect("String and &");
    chat.service(&typed).binding(BINDING.to_owned()).fetch().send().await.expect("& and String");

    // One filter value or several; `limit(5)` asks for pages of 5.
    let bindings: Vec<_> = chat
        .service(SERVICE)
        .bindings()
        .list()
        .binding_type(BindingType::Apn)
        .identity("alice")
        .limit(5)
        .stream()
        .try_collect()
        .await
        .expect("lists");
    assert_eq!(bindings.len(), 5);
    // The same enum's values serve every API's filter of that name.
    chat.service(SERVICE)
        .user("alice")
        .user_bindings()
        .list()
        .binding_type(BindingType::Apn)
        .send()
        .await
        .expect("converted");
    let many = [BindingType::Apn, BindingType::Fcm];
    client
        .conversations_v1()
        .service(SERVICE)
        .bindings()
        .list()
        .binding_type(many)
        .send()
        .await
        .expect("converted");
    let user_type: UserBindingType = BindingType::Gcm.into();
    assert_eq!(user_type, UserBindingType::Gcm);
    assert_eq!(ServiceBindingType::from(user_type).as_str(), "gcm");

    let requests = server.received_requests().await.expect("recorded");
    let lists: Vec<&Request> = requests.iter().filter(|r| r.url.path().ends_with("/Bindings")).collect();
    assert_eq!(
        query(lists[0]),
        [("BindingType", "apn"), ("Identity", "alice"), ("PageSize", "5")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    assert_eq!(query(lists[1]), [("BindingType".to_owned(), "apn".to_owned())], "no limit, no PageSize");
    assert_eq!(
        query(lists[2]),
        [("BindingType", "apn"), ("BindingType", "fcm")].map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    // A limit above the API's largest page asks for the largest page.
    let many = chat.service(SERVICE).bindings().list().limit(500).to_request();
    assert!(many.query_string().contains("PageSize=50"), "{}", many.query_string());
    let sized = chat.service(SERVICE).bindings().list().limit(500).page_size(20).to_request();
    assert!(sized.query_string().contains("PageSize=20"), "a given page size wins");
}

#[tokio::test]
async fn a_bad_sid_given_as_text_is_the_calls_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server.uri());
    let error =
        client.chat_v2().service("IS-not-a-sid").bindings().list().send().await.expect_err("not a SID");
    assert!(matches!(error, Error::InvalidSid(_)), "{error:?}");
    let error = client
        .chat_v2()
        .service(SERVICE)
        .binding("alice@example.com")
        .delete()
        .send()
        .await
        .expect_err("not a SID");
    assert!(!error.to_string().contains("alice"), "the text is not shown: {error}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn pages_stream_with_the_limits_of_the_item_stream() {
    let server = MockServer::start().await;
    let next = format!("{}/v2/Services/{SERVICE}/Bindings?PageToken=2", server.uri());
    Mock::given(method("GET"))
        .and(path_regex("/Bindings$"))
        .respond_with(move |request: &Request| {
            let second = request.url.query().is_some_and(|q| q.contains("PageToken=2"));
            let body = if second { page(3, None) } else { page(3, Some(next.clone())) };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    let list = || client(&server.uri()).chat_v2().service(SERVICE).bindings().list();
    let pages: Vec<_> = list().pages().try_collect().await.expect("pages");
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [3, 3]);
    assert!(pages[0].next_page_url().is_some() && pages[1].next_page_url().is_none());
    // Four items: the first page whole, the second cut, no third fetched.
    let pages: Vec<_> = list().limit(4).pages().try_collect().await.expect("pages");
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [3, 1]);
    let mut stream = list().limit(3).pages();
    assert_eq!(stream.next().await.map(|p| p.map(|p| p.items.len()).ok()), Some(Some(3)));
    assert!(stream.next().await.is_none(), "the limit is reached");
}

#[tokio::test]
async fn twilio_errors_say_whether_to_try_again() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(serde_json::json!({"code": 20429, "message": "Too Many Requests"})),
        )
        .mount(&server)
        .await;
    // The default policy's 60 s budget cannot hold a 30 s wait and more.
    let client = Client::builder()
        .credentials(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
        .base_url(&server.uri())
        .expect("a base URL")
        .retry(RetryPolicy { max_elapsed: Some(Duration::from_secs(20)), ..RetryPolicy::default() })
        .build()
        .expect("builds");
    let started = std::time::Instant::now();
    let error = client.chat_v2().service(SERVICE).binding(BINDING).fetch().send().await.expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(5), "failed at once");
    assert!(error.is_retryable());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(error.api().map(|e| e.code), Some(Some(20429)));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn scripted_tests_run_in_twilio_bindings_terms() {
    // The guide's testing example (generated/examples/testing.rs), run.
    let bindings = testing_example::scripted_listing().await.expect("runs");
    assert_eq!(bindings.len(), 1);
    assert_eq!(bindings[0].binding_type, Some(BindingType::Apn));
}

#[tokio::test(start_paused = true)]
async fn rules_answer_calls_in_flight_each_by_its_own_request() {
    // The guide's rules on the paused clock: a 30 s Retry-After takes no time.
    let started = std::time::Instant::now();
    let outcomes = testing_example::deletes_by_rule().await.expect("runs");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    for (n, outcome) in outcomes.iter().enumerate() {
        match n {
            5 => assert_eq!(outcome.as_ref().err().and_then(|e| e.api()).and_then(|e| e.code), Some(20404)),
            _ => assert!(outcome.is_ok(), "{n}: {outcome:?}"),
        }
    }
}

#[allow(dead_code)]
#[path = "../../generated/examples/testing.rs"]
mod testing_example;

/// The child half of the next test: runs only in a process started with
/// `TWILIO_*` variables set.
#[tokio::test]
async fn an_explicit_builder_ignores_the_environment() {
    if std::env::var_os("GUIDE_ENVIRONMENT_CHILD").is_none() {
        // The parent: run this very test again, with the environment set.
        let exe = std::env::current_exe().expect("the test binary");
        let output = std::process::Command::new(exe)
            .args(["--exact", "an_explicit_builder_ignores_the_environment", "--test-threads=1"])
            .env("GUIDE_ENVIRONMENT_CHILD", "1")
            .env("TWILIO_REGION", "ie1")
            .env("TWILIO_EDGE", "dublin")
            .env("TWILIO_BASE_URL", "http://127.0.0.1:9")
            .env("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000e00")
            .env("TWILIO_AUTH_TOKEN", "environment-token")
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains("1 passed"),
            "{text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let mock = Arc::new(MockTransport::new());
    mock.push_json(200, serde_json::json!({"sid": BINDING}));
    mock.push_json(200, serde_json::json!({"sid": BINDING}));
    let explicit = Client::builder()
        .credentials(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
        .transport(mock.clone())
        .build()
        .expect("builds");
    explicit.chat_v2().service(SERVICE).binding(BINDING).fetch().send().await.expect("fetched");
    // Asked for, the environment applies: edge and region (the base URL
    // override is the environment's too, so use the transport's record).
    let asked = Client::builder().from_env().transport(mock.clone()).build().expect("builds");
    assert_eq!(asked.runtime().account_sid(), "AC00000000000000000000000000000e00");
    let _ = asked.chat_v2().service(SERVICE).binding(BINDING).fetch().send().await;
    let requests = mock.requests();
    assert_eq!(requests[0].url.host_str(), Some("chat.twilio.com"), "TWILIO_REGION and the rest are ignored");
    assert_eq!(
        requests[1].url.as_str().split('/').nth(2),
        Some("127.0.0.1:9"),
        "TWILIO_BASE_URL applies when asked"
    );
}
