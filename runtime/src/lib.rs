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

    /// A number Twilio may send as text (its prices are `"-0.0075"`): a
    /// JSON number, or a string that parses as one.
    pub fn number<'de, D: Deserializer<'de>, T: Number>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(NumberVisitor(std::marker::PhantomData))
    }

    /// An optional [`number`].
    pub fn optional_number<'de, D: Deserializer<'de>, T: Number>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(OptionalNumber(std::marker::PhantomData))
    }

    /// A list whose items the spec lets be `null`: the `null`s carry
    /// nothing and are left out.
    pub fn items<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Vec<T>, D::Error> {
        Vec::<Option<T>>::deserialize(deserializer).map(|items| items.into_iter().flatten().collect())
    }

    /// An optional [`items`].
    pub fn optional_items<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        Option::<Vec<Option<T>>>::deserialize(deserializer)
            .map(|items| items.map(|i| i.into_iter().flatten().collect()))
    }

    /// The numbers [`number`] reads: `f64`, `i64`, `i32`.
    pub trait Number: std::str::FromStr + Sized {
        /// From a JSON integer, if it fits.
        fn from_i64(value: i64) -> Option<Self>;
        /// From a JSON number with a fraction or an exponent, if it fits.
        fn from_f64(value: f64) -> Option<Self>;
    }

    impl Number for f64 {
        fn from_i64(value: i64) -> Option<Self> {
            Some(value as f64)
        }
        fn from_f64(value: f64) -> Option<Self> {
            Some(value)
        }
    }

    impl Number for i64 {
        fn from_i64(value: i64) -> Option<Self> {
            Some(value)
        }
        fn from_f64(value: f64) -> Option<Self> {
            // 2^63: every whole f64 in [-2^63, 2^63) is an i64 exactly.
            const END: f64 = 9_223_372_036_854_775_808.0;
            (value.fract() == 0.0 && (-END..END).contains(&value)).then_some(value as i64)
        }
    }

    impl Number for i32 {
        fn from_i64(value: i64) -> Option<Self> {
            i32::try_from(value).ok()
        }
        fn from_f64(value: f64) -> Option<Self> {
            i64::from_f64(value).and_then(Self::from_i64)
        }
    }

    struct NumberVisitor<T>(std::marker::PhantomData<T>);

    impl<T: Number> serde::de::Visitor<'_> for NumberVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, or text that is one")
        }

        fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<T, E> {
            T::from_i64(value).ok_or_else(|| E::custom("a number out of range"))
        }

        fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<T, E> {
            i64::try_from(value).ok().and_then(T::from_i64).ok_or_else(|| E::custom("a number out of range"))
        }

        fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<T, E> {
            T::from_f64(value).ok_or_else(|| E::custom("a number of another kind"))
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            value.trim().parse().map_err(|_| E::custom("text that is no number"))
        }
    }

    struct OptionalNumber<T>(std::marker::PhantomData<T>);

    impl<'de, T: Number> serde::de::Visitor<'de> for OptionalNumber<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a number, text that is one, or null")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
            number(deserializer).map(Some)
        }
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

    #[test]
    fn numbers_may_come_as_text_and_null_items_are_left_out() {
        #[derive(serde::Deserialize)]
        struct Price {
            #[serde(deserialize_with = "lenient::number")]
            base: f64,
            #[serde(default, deserialize_with = "lenient::optional_number")]
            count: Option<i64>,
            #[serde(default, deserialize_with = "lenient::optional_number")]
            small: Option<i32>,
            #[serde(default, deserialize_with = "lenient::optional_items")]
            reasons: Option<Vec<String>>,
        }
        let read = |json: serde_json::Value| {
            serde_json::from_value::<Price>(json).map(|p| (p.base, p.count, p.small, p.reasons))
        };
        assert_eq!(
            read(serde_json::json!({"base": "-0.0075", "count": "12", "small": 3})).ok(),
            Some((-0.0075, Some(12), Some(3), None))
        );
        assert_eq!(
            read(serde_json::json!({"base": 2, "count": null, "small": "4", "reasons": ["a", null, "b"]}))
                .ok(),
            Some((2.0, None, Some(4), Some(vec!["a".to_owned(), "b".to_owned()])))
        );
        assert_eq!(read(serde_json::json!({"base": 1.5, "count": 7.0})).ok().map(|p| p.1), Some(Some(7)));
        for bad in [
            serde_json::json!({"base": "cheap"}),
            serde_json::json!({"base": 1, "count": 1.5}),
            serde_json::json!({"base": 1, "small": 3_000_000_000u64}),
            serde_json::json!({"base": true}),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_kind_of_number_reads_integers_fractions_and_text_within_its_range() {
        use serde::de::IntoDeserializer;
        use serde::de::value::Error;
        let f = |v: serde_json::Value| lenient::number::<_, f64>(v).ok();
        let i = |v: serde_json::Value| lenient::number::<_, i64>(v).ok();
        let small = |v: serde_json::Value| lenient::number::<_, i32>(v).ok();
        assert_eq!(f(serde_json::json!(1.5)), Some(1.5));
        assert_eq!(f(serde_json::json!(-3)), Some(-3.0));
        assert_eq!(f(serde_json::json!(" 2.25 ")), Some(2.25));
        assert_eq!(i(serde_json::json!(12)), Some(12));
        assert_eq!(i(serde_json::json!(u64::MAX)), None);
        assert_eq!(i(serde_json::json!(-9_223_372_036_854_775_808.0_f64)), Some(i64::MIN));
        assert_eq!(i(serde_json::json!(9_223_372_036_854_775_808.0_f64)), None);
        assert_eq!(i(serde_json::json!(7.0)), Some(7));
        assert_eq!(i(serde_json::json!(7.5)), None);
        assert_eq!(small(serde_json::json!(-4.0)), Some(-4));
        assert_eq!(small(serde_json::json!(4_294_967_296.0_f64)), None);
        assert_eq!(small(serde_json::json!(5)), Some(5));
        let said = lenient::number::<_, f64>(serde_json::json!(true)).err().map(|e| e.to_string());
        assert_eq!(
            said.as_deref(),
            Some("invalid type: boolean `true`, expected a number, or text that is one")
        );
        // serde's own value deserializer hands `deserialize_option` a bool
        // as it is, so the optional visitor's own expectation shows.
        let said = lenient::optional_number::<_, f64>(IntoDeserializer::<Error>::into_deserializer(true))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            said.as_deref(),
            Some("invalid type: boolean `true`, expected a number, text that is one, or null")
        );
    }

    #[test]
    fn nullable_fields_tell_absent_from_null_and_null_items_are_left_out() {
        #[derive(serde::Deserialize)]
        struct Fields {
            #[serde(default, deserialize_with = "lenient::nullable")]
            note: Option<Option<String>>,
            #[serde(default, deserialize_with = "lenient::items")]
            tags: Vec<String>,
        }
        let read =
            |json: serde_json::Value| serde_json::from_value::<Fields>(json).map(|f| (f.note, f.tags)).ok();
        assert_eq!(read(serde_json::json!({})), Some((None, Vec::new())));
        assert_eq!(read(serde_json::json!({"note": null, "tags": [null]})), Some((Some(None), Vec::new())));
        assert_eq!(
            read(serde_json::json!({"note": "hi", "tags": ["a", null, "b"]})),
            Some((Some(Some("hi".to_owned())), vec!["a".to_owned(), "b".to_owned()]))
        );
    }
}
