//! Runtime support shared by generated Twilio clients: HTTP, credentials,
//! retries, paging, errors and SIDs.
//!
//! Generated code describes each call as a [`Request`] and hands it to a
//! [`Client`], which adds credentials, picks the host (a base URL override,
//! or Twilio's edge and region), retries 429 and 503 on idempotent calls,
//! enforces timeouts and turns failures into one [`Error`] type. List
//! operations return a [`Page`], an [`ItemStream`] of items across pages or
//! a [`PageStream`] of whole pages.
//!
//! Nothing here knows any particular API: the same runtime serves every
//! generated crate.

mod args;
mod client;
pub mod dates;
mod enums;
mod error;
mod page;
pub mod redact;
mod request;
pub mod sid;
#[cfg(feature = "test-util")]
pub mod test_util;
mod transport;

use std::collections::BTreeMap;
use std::fmt;

pub use args::OneOrMany;
pub use client::{Client, ClientBuilder, Credentials, DEFAULT_MAX_RESPONSE_BYTES, Redirect, RetryPolicy};
pub use enums::{UnknownValue, UnknownVariant};
pub use error::{ApiError, Call, Error};
pub use page::{ItemStream, MAX_PAGES, MAX_PAGES_WITHOUT_PROGRESS, Page, PageMeta, PageStream, page_body};
pub use request::{CallOptions, Method, ParamValue, Problem, Request};
pub use sid::{Checked, SidArg, SidError, SidProblem};
pub use transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, ReqwestTransport, TransportError};

#[doc(hidden)]
pub use serde;

/// Stream combinators for [`ItemStream`] (`next`, `try_collect`, …).
pub use futures_util::{StreamExt, TryStreamExt};

/// A date-time in UTC, as Twilio's `date-time` fields hold.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// A calendar date (`format: date`), sent and read as `YYYY-MM-DD`.
pub type Date = chrono::NaiveDate;

/// An absolute URL.
pub use url::Url;

/// A cheaply cloned byte buffer: the body of an [`HttpResponse`].
pub use bytes::Bytes;

/// Named links to related resources (`format: uri-map`), as Twilio sends
/// them: `links["user"].as_str()` gives the URL. The spec does not type the
/// values, so they stay JSON and one odd link never fails a whole response.
pub type UrlMap = BTreeMap<String, Json>;

/// Any JSON value, for schemas the spec leaves open.
pub type Json = serde_json::Value;

/// Typed access to a resource's named links ([`UrlMap`]):
/// `binding.links.as_ref().and_then(|l| l.url("user"))`.
pub trait Links {
    /// The link named `name`, if present and a valid URL.
    fn url(&self, name: &str) -> Option<Url>;
}

impl Links for UrlMap {
    fn url(&self, name: &str) -> Option<Url> {
        self.get(name).and_then(Json::as_str).and_then(|text| Url::parse(text).ok())
    }
}

/// Stands in for personal data and secrets in `Debug` output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Deserializers for response fields that keep what Twilio sends rather
/// than fail the whole response.
pub mod lenient {
    use serde::{Deserialize, Deserializer};

    use crate::sid::Sid;

    /// A SID as sent, without checking its form.
    pub fn sid<'de, D: Deserializer<'de>, T: Sid>(deserializer: D) -> Result<T, D::Error> {
        String::deserialize(deserializer).map(T::from_server)
    }

    /// An optional SID as sent, without checking its form.
    pub fn optional_sid<'de, D: Deserializer<'de>, T: Sid>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<String>::deserialize(deserializer).map(|v| v.map(T::from_server))
    }

    /// A field that may be absent (`None`, with `#[serde(default)]`),
    /// `null` (`Some(None)`) or a value: serde reads `null` as the outer
    /// `None` on its own.
    pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_give_urls_and_skip_what_is_not_one() {
        let links: UrlMap = serde_json::from_value(serde_json::json!({
            "user": "https://chat.twilio.com/v2/Services/IS1/Users/US1",
            "odd": 7,
            "relative": "/v2/Users",
        }))
        .unwrap_or_default();
        assert_eq!(
            links.url("user").map(String::from).as_deref(),
            Some("https://chat.twilio.com/v2/Services/IS1/Users/US1")
        );
        assert_eq!(links.url("odd"), None);
        assert_eq!(links.url("relative"), None);
        assert_eq!(links.url("missing"), None);
    }
}
