//! Date-times as Twilio sends them, decoded fast.
//!
//! Twilio's JSON dates are RFC 3339 in UTC to the second
//! (`2016-10-21T11:37:03Z`). chrono's general parser spends about 1,700
//! instructions on each; a page of 50 bindings has 100 of them, which made
//! dates the largest cost of a typed page. That one form is read here
//! directly; any other text goes to chrono's parser, so what is accepted,
//! and every error, is chrono's.

use std::fmt;

use chrono::{NaiveDate, Utc};
use serde::Deserializer;
use serde::de::Visitor;

use crate::DateTime;

/// Parses an RFC 3339 date-time as chrono does (`DateTime<FixedOffset>`,
/// then UTC), `YYYY-MM-DDTHH:MM:SSZ` without chrono's general parser.
pub fn parse(text: &str) -> Result<DateTime, chrono::ParseError> {
    match utc_seconds(text.as_bytes()) {
        Some(value) => Ok(value),
        None => text.parse::<chrono::DateTime<chrono::FixedOffset>>().map(|d| d.with_timezone(&Utc)),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` exactly, a valid date and time (no leap second),
/// or `None` for chrono to decide.
fn utc_seconds(b: &[u8]) -> Option<DateTime> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T', h0, h1, b':', i0, i1, b':', s0, s1, b'Z'] = *b
    else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let two = |a: u8, b: u8| Some(digit(a)? * 10 + digit(b)?);
    let year = two(y0, y1)? * 100 + two(y2, y3)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, two(m0, m1)?, two(d0, d1)?)?;
    Some(date.and_hms_opt(two(h0, h1)?, two(i0, i1)?, two(s0, s1)?)?.and_utc())
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = DateTime;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<DateTime, E> {
        parse(value).map_err(E::custom)
    }
}

struct OptionalVisitor;

impl<'de> Visitor<'de> for OptionalVisitor {
    type Value = Option<DateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(DateVisitor).map(Some)
    }
}

/// A field's date-time (`deserialize_with`), from borrowed text.
pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime, D::Error> {
    deserializer.deserialize_str(DateVisitor)
}

/// An optional field's date-time (`deserialize_with`, with `default`).
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime>, D::Error> {
    deserializer.deserialize_option(OptionalVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` makes of `text`, as a result.
    fn chrono(text: &str) -> Result<DateTime, String> {
        serde_json::from_value::<DateTime>(serde_json::Value::String(text.to_owned()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn agrees_with_chrono_on_every_form() {
        for text in [
            "2016-10-21T11:37:03Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2024-02-29T12:00:00Z",
            "2023-02-29T12:00:00Z",
            "2016-13-21T11:37:03Z",
            "2016-10-32T11:37:03Z",
            "2016-10-21T24:00:00Z",
            "2016-10-21T11:60:03Z",
            "2016-10-21T11:37:60Z",
            "2016-12-31T23:59:60Z",
            "2016-10-21T11:37:03+02:00",
            "2016-10-21T11:37:03.250Z",
            "2016-10-21 11:37:03Z",
            "2016-10-21t11:37:03z",
            "2016-1a-21T11:37:03Z",
            "+016-10-21T11:37:03Z",
            "2016-10-21T11:37:03",
            "Fri, 21 Oct 2016 11:37:03 +0000",
            "",
        ] {
            let ours =
                parse(text).map_err(|e| <serde_json::Error as serde::de::Error>::custom(e).to_string());
            assert_eq!(ours, chrono(text), "{text:?}");
        }
    }

    #[test]
    fn the_fast_path_reads_twilios_form_itself() {
        // What `parse` gives is chrono's either way; this pins that the
        // common form does not fall through to chrono.
        let at = |text: &str| utc_seconds(text.as_bytes()).map(|d| d.to_rfc3339());
        assert_eq!(at("2016-10-21T11:37:03Z").as_deref(), Some("2016-10-21T11:37:03+00:00"));
        assert_eq!(at("1999-01-09T05:06:07Z").as_deref(), Some("1999-01-09T05:06:07+00:00"));
        assert_eq!(at("2024-02-29T23:59:59Z").as_deref(), Some("2024-02-29T23:59:59+00:00"));
        for other in [
            "2016-10-21T11:37:03+00:00",
            "2016-12-31T23:59:60Z",
            "2023-02-29T12:00:00Z",
            "2016-1a-21T11:37:03Z",
        ] {
            assert_eq!(at(other), None, "{other}: chrono decides");
        }
    }

    #[test]
    fn fields_decode_null_absent_and_text() {
        #[derive(serde::Deserialize)]
        struct Item {
            #[serde(default, deserialize_with = "optional")]
            created: Option<DateTime>,
            #[serde(deserialize_with = "required")]
            updated: DateTime,
        }
        let item: Item =
            serde_json::from_str(r#"{"created": "2016-10-21T11:37:03Z", "updated": "2016-10-21T11:37:04Z"}"#)
                .expect("decodes");
        assert_eq!(item.created.map(|d| d.timestamp()), Some(1_477_049_823));
        assert_eq!(item.updated.timestamp(), 1_477_049_824);
        let item: Item =
            serde_json::from_str(r#"{"created": null, "updated": "2016-10-21T11:37:04Z"}"#).expect("null");
        assert!(item.created.is_none());
        let item: Item = serde_json::from_str(r#"{"updated": "2016-10-21T11:37:04Z"}"#).expect("absent");
        assert!(item.created.is_none());
        for (bad, says) in [
            (r#"{"created": 7, "updated": "2016-10-21T11:37:04Z"}"#, "expected an RFC 3339 date-time"),
            (r#"{"updated": 7}"#, "expected an RFC 3339 date-time"),
            (r#"{"updated": "yesterday"}"#, "input contains invalid characters"),
        ] {
            let error = serde_json::from_str::<Item>(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
