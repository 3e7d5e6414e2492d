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
//! Every claim below is also a test (`tests/tests/guide.rs`), run against a
//! local mock, so the guide cannot drift from the code.
//!
//! # Quick start
//!
//! ```no_run
//! use twilio_bindings::chat_v2::BindingType;
//! use twilio_bindings::{Client, Error};
//!
//! # async fn run() -> Result<(), Error> {
//! // TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET).
//! let client = Client::from_env()?;
//! let service = "IS00000000000000000000000000000000";
//!
//! let page = client
//!     .chat_v2()
//!     .service(service)
//!     .bindings()
//!     .list()
//!     .binding_type(BindingType::Apn)
//!     .identity("alice")
//!     .send()
//!     .await?;
//! for binding in &page.items {
//!     println!("{:?} {:?}", binding.sid, binding.binding_type);
//! }
//!
//! client.chat_v2().service(service).binding("BS00000000000000000000000000000000").delete().send().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Arguments
//!
//! - **SIDs** are taken as users hold them: text (`&str`, `String`,
//!   `&String`) or the SID types of [`sid`] (owned or borrowed). Text is
//!   checked before anything is sent: one that is not a SID of the right
//!   kind makes `send()` fail with [`Error::InvalidSid`], which shows its
//!   length and what is wrong, never the text.
//! - **List filters** (`binding_type`, `identity`) take one value or
//!   several: `.binding_type(BindingType::Apn)`, `.binding_type([BindingType::Apn,
//!   BindingType::Fcm])`, a `Vec` or a slice; each call adds to the values
//!   given before. Collect an iterator into a `Vec` first.
//! - **Binding types** are three enums, one per place Twilio's spec defines
//!   them ([`chat_v2::BindingType`], [`chat_v2::UserBindingType`],
//!   [`conversations_v1::ServiceBindingType`]); they convert into each other
//!   (`From`, value by value, an unknown value keeping its text), and every
//!   filter takes any of them: `.user_bindings().list().binding_type(BindingType::Apn)`.
//! - In Chat, `user(...)` takes a User SID *or* the user's identity: any
//!   string, percent-encoded as one path segment, so characters such as
//!   `/ ? # % &` cannot change the request; it is redacted in `Debug`.
//!
//! # Pagination
//!
//! `send()` on a list returns one [`Page`]: its `items`, and `meta` with
//! Twilio's paging links. [`Page::next_page`] fetches the next one;
//! [`Page::next_page_url`] can be stored and passed to the builder's
//! `resume` later. `stream()` returns every item across pages and `pages()`
//! every page, fetching a page at a time; `limit(n)` stops either after `n`
//! items and, unless `page_size` is set, asks Twilio for pages of at most
//! `n` (within the API's range), as Twilio's SDKs do:
//!
//! ```no_run
//! use twilio_bindings::runtime::StreamExt;
//! # async fn run(client: twilio_bindings::Client) -> Result<(), twilio_bindings::Error> {
//! let service = "IS00000000000000000000000000000000";
//! let mut bindings = client.conversations_v1().service(service).bindings().list().limit(5).stream();
//! while let Some(binding) = bindings.next().await {
//!     println!("{:?}", binding?.endpoint);
//! }
//! let mut pages = client.chat_v2().service(service).bindings().list().pages();
//! while let Some(page) = pages.next().await {
//!     println!("{} bindings on this page", page?.items.len());
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Pages are followed through `meta.next_page_url` exactly as Twilio gives it,
//! never rebuilt from page numbers, and only on the API's own host: a URL
//! elsewhere is refused with [`Error::ForeignUrl`], so credentials never leave.
//! A listing ends when the next URL is null, repeats, or leads to an empty page.
//! `page_size` is clamped to the spec's range, given in the table above.
//!
//! # Errors and retries
//!
//! Every call returns [`Error`]. It separates invalid input (nothing was
//! sent), transport failures, timeouts, responses that do not decode, and
//! Twilio's own errors: [`Error::Api`] carries an [`ApiError`] with Twilio's
//! `code`, `message` (with the identities the call sent redacted; the raw
//! text is [`ApiError::raw_message`]), `more_info`, the HTTP status, the
//! wait a `Retry-After` asked for, and the raw body even when it is not
//! Twilio's JSON. [`Error::is_retryable`] says whether the same call may
//! succeed later, and [`Error::retry_after`] when.
//!
//! ```no_run
//! # async fn run(client: twilio_bindings::Client) {
//! let service = "IS00000000000000000000000000000000";
//! match client.chat_v2().service(service).binding("BS00000000000000000000000000000000").fetch().send().await {
//!     Ok(binding) => println!("{:?}", binding.binding_type),
//!     Err(error) if error.status() == Some(404) => println!("no such binding"),
//!     Err(error) if error.is_retryable() => println!("try again in {:?}", error.retry_after()),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```
//!
//! The client retries by its [`RetryPolicy`]: by default GET and DELETE
//! answered with 429 or 503, and connections that could not be made, up to
//! three times. It waits exactly what a `Retry-After` asks, never less;
//! otherwise 0.5 s doubling, with jitter, at most 20 s. A whole call takes at
//! most 60 s, waits included: a wait that would not fit is not waited, and
//! the call fails at once with the server's answer. Requests time out after
//! 30 s each (10 s to connect); response bodies over 64 MiB are refused;
//! redirects are never followed. `RetryPolicy::none()` sends each call once.
//!
//! # Setting up
//!
//! [`Client::builder`] takes every setting: credentials, a base URL (for
//! mocks and proxies), Twilio's edge and region, timeouts, the retry policy,
//! the largest response, the transport. It reads the environment only when
//! asked: `from_env()` takes every setting not given on the builder from
//! `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN` (or `TWILIO_API_KEY` and
//! `TWILIO_API_SECRET`), `TWILIO_EDGE`, `TWILIO_REGION` and `TWILIO_BASE_URL`;
//! without it, no `TWILIO_*` variable changes what the client does.
//! [`Client::from_env`] is `Client::builder().from_env().build()`.
//!
//! ```no_run
//! use twilio_bindings::{Client, Credentials, RetryPolicy};
//! # fn run() -> Result<(), twilio_bindings::Error> {
//! let mock = Client::builder().from_env().base_url("http://127.0.0.1:4010")?.build()?;
//! let explicit = Client::builder()
//!     .credentials(Credentials::auth_token("AC00000000000000000000000000000000", "token"))
//!     .region("ie1")
//!     .retry(RetryPolicy::none())
//!     .build()?;
//! # Ok(())
//! # }
//! ```
//!
//! One call can override the client's timeout and retries:
//! `.list().with_timeout(Duration::from_secs(5)).with_retry(policy).send()`.
//!
//! # Observability
//!
//! With the `tracing` feature, every request is one span, `twilio.request`,
//! with the spec's operation, the method, the path *template* (never the
//! filled path, which can hold an identity), then the status and the number
//! of attempts; each retry is an event with its wait. No secret and no
//! personal data is recorded.
//!
//! # Testing code that uses this crate
//!
//! With the `test-util` feature, `runtime::test_util::MockTransport`
//! stands in for Twilio: give it to the builder's `transport`, and read back
//! the requests it recorded. It answers by rules that match a request's
//! method, path (as sent, or an operation's path template, where `{Sid}`
//! matches any segment) and query, each with one reply or a sequence
//! (`respond_in_order([Reply::status(429), Reply::status(204)])`), so calls
//! in flight together each get their own answer; or from a script, in
//! order. `Reply` makes one-line answers: a status, a JSON body, a Twilio
//! error, a page of models. Response models implement `Default`, and each
//! list builder's `page_body` turns models into the page Twilio would send.
//!
//! Retries wait as the server asks, so a test of a 429 would take that
//! long: run it on tokio's paused clock (`#[tokio::test(start_paused =
//! true)]`, with tokio's `test-util` feature) and the waits pass at once,
//! while `tokio::time::Instant` still shows the client waited. This example
//! is `examples/testing.rs`, which the test suite runs:
//!
//! ```rust,ignore
#![doc = include_str!("../examples/testing.rs")]
//! ```
//!
//! # Types
//!
//! - SIDs are newtypes checked on every way in (`parse`, `TryFrom`,
//!   `Deserialize`, and text given to a call). SIDs in Twilio's responses are
//!   kept as sent, so one odd SID never fails a response; response fields
//!   are `Option<...Sid>`, and a SID compares with text:
//!   `binding.sid.as_ref().is_some_and(|sid| sid == "BS…")`.
//! - Enums are `#[non_exhaustive]` and keep values they do not know in an
//!   `Unknown` variant; `as_str()` gives the wire value. Parsing a string
//!   accepts only known values, so a typo never reaches Twilio.
//! - Fields Twilio may leave out or send as `null` are `Option`s; date-times
//!   are [`runtime::DateTime`]; `url` and `links` hold the URLs as Twilio
//!   sends them (parse with [`runtime::Url`], or [`Links::url`]), so one odd
//!   URL never fails a response.
//! - Secrets never appear in `Debug` output, and fields the spec marks as
//!   personal data (`identity`, `endpoint`), identities in paths and in the
//!   path segments of URLs and page links print as `[redacted]`, in errors too.
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

#[rustfmt::skip]
mod generated;

pub use generated::*;
/// The runtime every generated client shares: HTTP, credentials, retries,
/// paging, errors, SIDs and test support.
#[doc(inline)]
pub use twilio_runtime as runtime;
