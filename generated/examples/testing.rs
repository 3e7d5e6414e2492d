//! Testing code that uses `twilio-bindings` without a server (feature
//! `test-util`): a scripted transport answers with typed models and records
//! what was sent; rules answer by request (method, path, query), so calls
//! in flight together each get their own answer; and on tokio's paused
//! clock a retry's wait takes no time. The crate's guide shows this file;
//! the test suite runs it.

use std::sync::Arc;
use std::time::Duration;

use twilio_bindings::chat_v2::{Binding, BindingType, ListBindingRequest};
use twilio_bindings::runtime::Method;
use twilio_bindings::runtime::test_util::{MockTransport, Reply};
use twilio_bindings::{Client, Credentials, Error, TryStreamExt};

/// Lists a service's APN bindings from a scripted answer, and checks what
/// the client sent.
pub async fn scripted_listing() -> Result<Vec<Binding>, Error> {
    // Models implement `Default`; a test sets the fields it needs.
    let mut binding = Binding::default();
    binding.sid = Some("BS0123456789abcdef0123456789abcdef".parse()?);
    binding.binding_type = Some(BindingType::Apn);

    // The answer: one page of this list, as Twilio would send it.
    let mock = Arc::new(MockTransport::new());
    mock.push_json(200, ListBindingRequest::page_body(&[binding], None));

    let client = Client::builder()
        .credentials(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
        .transport(mock.clone())
        .build()?;
    let bindings: Vec<Binding> = client
        .chat_v2()
        .service("IS0123456789abcdef0123456789abcdef")
        .bindings()
        .list()
        .binding_type(BindingType::Apn)
        .stream()
        .try_collect()
        .await?;

    // What was sent, as the transport recorded it.
    let sent = &mock.requests()[0];
    assert_eq!(sent.url.path(), "/v2/Services/IS0123456789abcdef0123456789abcdef/Bindings");
    assert_eq!(sent.url.query(), Some("BindingType=apn"));
    Ok(bindings)
}

/// Deletes eight bindings at once. One rule answers the DELETE of one SID
/// with 429 (retry after 30 s) then 204, another says one SID is gone, a
/// third answers every other DELETE: each call gets its own answer,
/// whatever order they arrive in. Run on tokio's paused clock
/// (`#[tokio::test(start_paused = true)]`, or `start_paused(true)` on a
/// runtime builder; tokio's `test-util` feature), the 30 s wait is skipped
/// at once: the test takes no time and still checks that the client waited.
pub async fn deletes_by_rule() -> Result<Vec<Result<(), Error>>, Error> {
    let service = "IS0123456789abcdef0123456789abcdef";
    let sid = |n: usize| format!("BS{n:032x}");
    let mock = Arc::new(MockTransport::new());
    let busy = mock
        .on(Method::Delete, &format!("/v2/Services/{{ServiceSid}}/Bindings/{}", sid(3)))
        .respond_in_order([Reply::status(429).header("retry-after", "30"), Reply::status(204)]);
    mock.on(Method::Delete, &format!("/v2/Services/{{ServiceSid}}/Bindings/{}", sid(5)))
        .respond(Reply::twilio_error(404, 20404, "The requested resource was not found"));
    mock.on(Method::Delete, "/v2/Services/{ServiceSid}/Bindings/{Sid}").respond(Reply::status(204));

    let client = Client::builder()
        .credentials(Credentials::auth_token("AC0123456789abcdef0123456789abcdef", "token"))
        .transport(mock.clone())
        .build()?;
    let started = tokio::time::Instant::now();
    let deletes = (0..8).map(|n| client.chat_v2().service(service).binding(sid(n)).delete().send());
    let outcomes = futures_util::future::join_all(deletes).await;

    assert_eq!(busy.hits(), 2, "429, then 204 after the wait");
    assert!(started.elapsed() >= Duration::from_secs(30), "the client waited as asked");
    assert!(mock.requests().iter().all(|r| r.method == "DELETE"));
    Ok(outcomes)
}

fn main() -> Result<(), Error> {
    let paused = tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true).build();
    let runtime = paused.map_err(|e| Error::Config(e.to_string()))?;
    let bindings = runtime.block_on(scripted_listing())?;
    println!("{} binding(s), the first {:?}", bindings.len(), bindings[0].sid);
    let deletes = runtime.block_on(deletes_by_rule())?;
    let failed = deletes.iter().filter(|d| d.is_err()).count();
    println!("{} deletes, {failed} failed", deletes.len());
    Ok(())
}
