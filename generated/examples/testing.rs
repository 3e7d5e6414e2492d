//! Testing code that uses `twilio-bindings` without a server: a scripted
//! transport answers with typed models, and records what was sent (feature
//! `test-util`). The crate's guide shows this file; the test suite runs it.

use std::sync::Arc;

use twilio_bindings::chat_v2::{Binding, BindingType, ListBindingRequest};
use twilio_bindings::runtime::test_util::MockTransport;
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

#[tokio::main]
async fn main() -> Result<(), Error> {
    let bindings = scripted_listing().await?;
    println!("{} binding(s), the first {:?}", bindings.len(), bindings[0].sid);
    Ok(())
}
