//! A typed, async Rust client for Twilio's push-notification **Binding**
//! resources, generated from Twilio's OpenAPI specs by `cargo xtask codegen`.
//!
//! # Crate organization
//!
//! - [`Client`]: the entry point. [`Client::chat_v2`] and
//!   [`Client::conversations_v1`] lead to each API.
//! - [`chat_v2`] and [`conversations_v1`]: one module per API, generated.
//!   Each holds navigation types (`ServiceContext`, `BindingList`,
//!   `BindingContext`, …), one request builder per operation
//!   (`ListBindingRequest`, …) and the resource types (`Binding`, …).
//! - [`sid`]: SID newtypes shared by both APIs (`ServiceSid`, `BindingSid`, …),
//!   checked when you build them.
//! - [`runtime`]: hand-written support shared by every generated crate: HTTP,
//!   credentials, retries, paging, errors. Its main types are re-exported here.
//!
//! Resources nest the way Twilio's SDKs nest them. Each call below returns a
//! request builder: optional parameters are setters, and `.send().await`
//! sends it. These tables are generated from the spec with the code, so they
//! stay true when Twilio's spec changes:
//!
#![doc = include_str!("generated/apis.md")]
//!
//!
//! # Quick start
//!
//! ```no_run
//! use twilio_bindings::chat_v2::BindingType;
//! use twilio_bindings::sid::{BindingSid, ServiceSid};
//! use twilio_bindings::{Client, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! // TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).
//! let client = Client::from_env()?;
//! let service: ServiceSid = "IS00000000000000000000000000000000".parse()?;
//!
//! let page = client
//!     .chat_v2()
//!     .service(service.clone())
//!     .bindings()
//!     .list()
//!     .binding_type([BindingType::Apn, BindingType::Fcm])
//!     .identity(["alice"])
//!     .send()
//!     .await?;
//! for binding in &page.items {
//!     println!("{:?} {:?}", binding.sid, binding.binding_type);
//! }
//!
//! let sid: BindingSid = "BS00000000000000000000000000000000".parse()?;
//! client.chat_v2().service(service).binding(sid).delete().send().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Pagination
//!
//! `send()` on a list returns one [`Page`]: its `items`, and `meta` with
//! Twilio's paging links. [`Page::next_page`] fetches the next one;
//! [`Page::next_page_url`] can be stored and passed to the builder's
//! `resume` later. `stream()` returns every item across pages, fetching a
//! page at a time, optionally capped with `limit`:
//!
//! ```no_run
//! use twilio_bindings::runtime::StreamExt;
//! # async fn run(client: twilio_bindings::Client, service: twilio_bindings::sid::ServiceSid)
//! # -> Result<(), twilio_bindings::Error> {
//! let mut bindings = client.conversations_v1().service(service).bindings().list().limit(500).stream();
//! while let Some(binding) = bindings.next().await {
//!     let binding = binding?;
//!     println!("{:?}", binding.endpoint);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Pages are followed through `meta.next_page_url` exactly as Twilio gives it,
//! never rebuilt from page numbers, and only on the API's own host: a URL
//! elsewhere is refused with [`Error::ForeignUrl`], so credentials never leave.
//! A stream ends when the next URL is null, repeats, or leads to an empty page.
//! `page_size` is clamped to the spec's range, given in the table above.
//!
//! # Errors
//!
//! Every call returns [`Error`]. It separates invalid input (nothing was
//! sent), transport failures, timeouts, responses that do not decode, and
//! Twilio's own errors: [`Error::Api`] carries an [`ApiError`] with Twilio's
//! `code`, `message`, `more_info` and the HTTP status, and keeps the raw body
//! even when it is not Twilio's JSON.
//!
//! ```no_run
//! # async fn run(client: twilio_bindings::Client, service: twilio_bindings::sid::ServiceSid,
//! #              sid: twilio_bindings::sid::BindingSid) {
//! match client.chat_v2().service(service).binding(sid).fetch().send().await {
//!     Ok(binding) => println!("{:?}", binding.binding_type),
//!     Err(error) if error.status() == Some(404) => println!("no such binding"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```
//!
//! GET and DELETE requests answered with 429 or 503 are retried up to three
//! times with exponential backoff and jitter, honoring `Retry-After` (up to
//! the policy's longest wait); a connection that could not be made is
//! retried for any method. Requests time out after 30 s (10 s to connect),
//! and response bodies over 64 MiB are refused. Redirects are never followed.
//!
//! # Setting up
//!
//! [`Client::builder`] takes every setting: credentials, a base URL (for
//! mocks and proxies), Twilio's edge and region, timeouts, the retry policy,
//! the largest response, the transport. Whatever is not set when it builds
//! comes from the environment (`TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN`,
//! or `TWILIO_API_KEY` and `TWILIO_API_SECRET`; `TWILIO_EDGE`,
//! `TWILIO_REGION`, `TWILIO_BASE_URL`):
//!
//! ```no_run
//! # fn run() -> Result<(), twilio_bindings::Error> {
//! let client = twilio_bindings::Client::builder().base_url("http://127.0.0.1:4010")?.build()?;
//! # Ok(())
//! # }
//! ```
//!
//! One call can override the client's timeout and retries:
//! `.list().with_timeout(Duration::from_secs(5)).with_retry(policy).send()`.
//!
//! # Observability and tests
//!
//! With the `tracing` feature, every request is one span, `twilio.request`,
//! with the spec's operation, the method, the path *template* (never the
//! filled path, which can hold an identity), then the status and the number
//! of attempts; each retry is an event with its wait. No secret and no
//! personal data is recorded.
//!
//! With the `test-util` feature, `runtime::test_util::MockTransport` stands
//! in for Twilio in your tests: script its responses, pass it to
//! [`ClientBuilder::transport`], and read back the requests it recorded.
//! Response models such as [`chat_v2::Binding`] implement `Default`, so a
//! test builds one and assigns the fields it needs.
//!
//! # Types
//!
//! - SIDs are newtypes checked on every way in (`parse`, `TryFrom`,
//!   `Deserialize`): a malformed SID is an error before any request. SIDs in
//!   Twilio's responses are kept as sent, so one odd SID never fails a
//!   response.
//! - Enums are `#[non_exhaustive]` and keep values they do not know in an
//!   `Unknown` variant; `as_str()` gives the wire value. Parsing a string
//!   accepts only known values, so a typo never reaches Twilio.
//! - Fields Twilio may leave out or send as `null` are `Option`s; date-times
//!   are [`runtime::DateTime`]; `url` and `links` hold the URLs as Twilio
//!   sends them (parse with [`runtime::Url`]), so one odd URL never fails a
//!   response.
//! - Secrets never appear in `Debug` output, and fields the spec marks as
//!   personal data (`identity`, `endpoint`), identities in paths and page
//!   links print as `[redacted]`, in errors too. SIDs compare with strings
//!   (`sid == "BS…"`); named links parse with [`Links::url`].
//!
//! # Chat and Conversations
//!
//! Both APIs manage the same kind of binding. Their hosts, binding types and
//! page sizes differ as the tables under [Crate organization](#crate-organization)
//! show; Conversations names the service `chat_service_sid` in responses,
//! and only Chat has per-user bindings.
//!
//! # Upstream spec
//!
#![doc = include_str!("generated/upstream.md")]
//! `CHANGELOG.md` lists what changed in this API at each regeneration.
//!
//! # Identities in paths
//!
//! In Chat, `user(...)` takes a User SID *or* the user's identity: any
//! string, percent-encoded as one path segment, so characters such as
//! `/ ? # % &` cannot change the request.

#[rustfmt::skip]
mod generated;

pub use generated::*;
/// The runtime every generated client shares: HTTP, credentials, retries,
/// paging, errors, SIDs and test support.
#[doc(inline)]
pub use twilio_runtime as runtime;
pub use twilio_runtime::{
    ApiError, CallOptions, ClientBuilder, Credentials, DateTime, Error, ItemStream, Json, Links, Page,
    PageMeta, RetryPolicy, StreamExt, TryStreamExt, Url, UrlMap,
};
