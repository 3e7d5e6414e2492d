//! The crate as a user's own code meets it: one-chain set-up, a scripted
//! transport instead of a server, response models built by hand, per-call
//! overrides, SIDs compared with strings, typed links, and one tracing span
//! per request with no identity in it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use twilio_bindings::chat_v2::{Binding, BindingType};
use twilio_bindings::runtime::test_util::MockTransport;
use twilio_bindings::runtime::{Links, TryStreamExt};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error, RetryPolicy};

const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const BINDING: &str = "BS0123456789abcdef0123456789abcdef";

fn scripted() -> (Arc<MockTransport>, Client) {
    let mock = Arc::new(MockTransport::new());
    let client = Client::builder()
        .credentials(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
        .transport(mock.clone())
        .build()
        .expect("builds");
    (mock, client)
}

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid")
}

#[test]
fn one_chain_builds_a_client_against_a_mock() {
    let client: Client = Client::builder()
        .credentials(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
        .base_url("http://127.0.0.1:4010")
        .expect("a valid URL")
        .timeout(Duration::from_secs(5))
        .build()
        .expect("builds");
    assert!(client.runtime().user_agent().starts_with("twilio-bindings/"));
    // Without credentials, and without asking for the environment's,
    // building says what to do.
    let error = Client::builder()
        .base_url("http://127.0.0.1:4010")
        .and_then(|b| b.build())
        .expect_err("no credentials");
    assert!(error.to_string().contains("from_env"), "{error}");
    if std::env::var_os("TWILIO_ACCOUNT_SID").is_none() {
        let error = Client::builder().from_env().build().expect_err("no credentials in the environment");
        assert!(error.to_string().contains("TWILIO_ACCOUNT_SID"), "{error}");
    }
}

#[tokio::test]
async fn a_scripted_transport_stands_in_for_twilio() {
    let (mock, client) = scripted();
    mock.push_json(
        200,
        serde_json::json!({
            "bindings": [{"sid": BINDING, "binding_type": "apn", "links": {"user": "https://chat.twilio.com/v2/Services/IS1/Users/US1"}}],
            "meta": {"next_page_url": null},
        }),
    );
    let bindings: Vec<Binding> = client
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .binding_type([BindingType::Apn])
        .stream()
        .try_collect()
        .await
        .expect("lists");
    assert_eq!(bindings.len(), 1);
    let sid = bindings[0].sid.as_ref().expect("a SID");
    assert!(*sid == BINDING && sid == &BINDING.parse::<BindingSid>().expect("valid"));
    let user = bindings[0].links.as_ref().and_then(|l| l.url("user")).expect("a typed link");
    assert_eq!(user.path(), "/v2/Services/IS1/Users/US1");

    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), format!("/v2/Services/{SERVICE}/Bindings"));
    assert_eq!(requests[0].url.query(), Some("BindingType=apn"));
    assert_eq!(mock.remaining(), 0);

    // Models are built by hand for tests, with Default and assignments.
    let mut built = Binding::default();
    built.sid = Some(BINDING.parse().expect("valid"));
    built.binding_type = Some(BindingType::Fcm);
    assert_ne!(built, bindings[0]);
    assert_eq!(built.binding_type.as_ref().map(BindingType::as_str), Some("fcm"));
}

#[tokio::test]
async fn one_call_can_override_timeout_and_retries() {
    let (mock, client) = scripted();
    for _ in 0..3 {
        mock.push_json(503, serde_json::json!({"message": "busy"}));
    }
    let sid: BindingSid = BINDING.parse().expect("valid");
    let error = client
        .chat_v2()
        .service(service())
        .binding(sid.clone())
        .fetch()
        .with_retry(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
        .with_timeout(Duration::from_millis(1234))
        .send()
        .await
        .expect_err("503, not retried");
    assert!(matches!(&error, Error::Api(api) if api.status == 503), "{error:?}");
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "the call's own policy: no retry");
    assert_eq!(requests[0].timeout, Duration::from_millis(1234));
}

/// Every span's name and fields, and every event, as a subscriber records
/// them (with the span's id, for fields recorded later).
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<Recorded>>>);

/// A span's id (none for an event) and what was recorded.
type Recorded = (Option<u64>, String);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Spans {
    fn on_new_span(&self, attrs: &tracing::span::Attributes<'_>, id: &tracing::span::Id, _: Context<'_, S>) {
        let mut text = attrs.metadata().name().to_owned();
        attrs.record(&mut Fields(&mut text));
        if let Ok(mut spans) = self.0.lock() {
            spans.push((Some(id.into_u64()), text));
        }
    }

    fn on_record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>, _: Context<'_, S>) {
        if let Ok(mut spans) = self.0.lock() {
            if let Some((_, text)) = spans.iter_mut().rev().find(|(span, _)| *span == Some(id.into_u64())) {
                values.record(&mut Fields(text));
            }
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut text = String::from("event");
        event.record(&mut Fields(&mut text));
        if let Ok(mut spans) = self.0.lock() {
            spans.push((None, text));
        }
    }
}

#[tokio::test]
async fn tracing_shows_one_span_per_request_without_identities() {
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let (mock, client) = scripted();
    mock.push_json(429, serde_json::json!({}));
    mock.push_response(twilio_bindings::runtime::HttpResponse {
        status: 200,
        headers: vec![("twilio-request-id".to_owned(), "RQ0123456789abcdef0123456789abcdef".to_owned())],
        body: br#"{"bindings": [], "meta": {}}"#.to_vec().into(),
    });
    mock.push_json(200, serde_json::json!({"bindings": [], "meta": {}}));
    let user = client.chat_v2().service(service()).user("alice@example.com");
    user.user_bindings()
        .list()
        .with_retry(RetryPolicy { initial_backoff: Duration::ZERO, ..RetryPolicy::default() })
        .send()
        .await
        .expect("lists after a retry");
    client
        .chat_v2()
        .service(service())
        .bindings()
        .list()
        .identity(["alice@example.com"])
        .send()
        .await
        .expect("lists");

    let recorded: Vec<String> =
        spans.0.lock().map(|s| s.iter().map(|(_, text)| text.clone()).collect()).unwrap_or_default();
    let requests: Vec<&String> = recorded.iter().filter(|s| s.starts_with("twilio.request")).collect();
    assert_eq!(requests.len(), 2, "{recorded:#?}");
    assert!(requests[0].contains("operation=\"ListUserBinding\""), "{}", requests[0]);
    assert!(
        requests[0].contains("path=\"/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings\""),
        "{}",
        requests[0]
    );
    assert!(requests[0].contains("method=\"GET\"") && requests[0].contains("status=200"), "{}", requests[0]);
    assert!(requests[0].contains("attempts=2"), "{}", requests[0]);
    assert!(requests[0].contains("request_id=\"RQ0123456789abcdef0123456789abcdef\""), "{}", requests[0]);
    assert!(
        recorded.iter().any(|s| s.starts_with("event") && s.contains("retrying") && s.contains("attempt=1")),
        "{recorded:#?}"
    );
    for line in &recorded {
        assert!(!line.contains("alice") && !line.contains("token"), "{line}");
    }
}
