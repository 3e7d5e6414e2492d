//! `Debug` output of the URLs in Twilio's responses, with only what cannot
//! be personal.
//!
//! A resource's `url` and `links` repeat the request's path, and a Chat
//! path can hold a user's identity: Twilio's own example links a binding
//! to `/v2/Services/IS…/Users/TestUser`. So a URL is shown with its scheme
//! and host, the path segments that are SIDs or words of the API's own path
//! templates (`Services`, `Users`), and `[redacted]` for every other
//! segment and for any query; the fields themselves keep the URLs as sent.

use std::fmt;

use crate::Json;
use crate::request::REDACTED;

/// Shows `value`'s URLs in `Debug` with only the path segments that are
/// SIDs or among `words` (generated code passes its API's path words).
pub struct ShownUrls<'a, T: ?Sized>(pub &'a T, pub &'static [&'static str]);

impl<T: UrlText + ?Sized> fmt::Debug for ShownUrls<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.show(self.1, f)
    }
}

/// A value that holds URLs, for [`ShownUrls`].
pub trait UrlText {
    /// Writes the value as `Debug` would, each URL cut to what cannot be
    /// personal.
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl UrlText for str {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&shown_url(self, words), f)
    }
}

impl UrlText for String {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().show(words, f)
    }
}

impl UrlText for url::Url {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().show(words, f)
    }
}

impl<T: UrlText> UrlText for Option<T> {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&ShownUrls(value, words)).finish(),
            None => f.write_str("None"),
        }
    }
}

impl<T: UrlText + ?Sized> UrlText for Box<T> {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).show(words, f)
    }
}

impl<T: UrlText> UrlText for Vec<T> {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(|v| ShownUrls(v, words))).finish()
    }
}

impl UrlText for std::collections::BTreeMap<String, Json> {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k, ShownUrls(v, words)))).finish()
    }
}

impl UrlText for Json {
    fn show(&self, words: &'static [&'static str], f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::String(text) => text.show(words, f),
            Json::Array(items) => f.debug_list().entries(items.iter().map(|v| ShownUrls(v, words))).finish(),
            Json::Object(map) => {
                f.debug_map().entries(map.iter().map(|(k, v)| (k, ShownUrls(v, words)))).finish()
            }
            other => fmt::Debug::fmt(other, f),
        }
    }
}

/// Whether a path segment is a SID: two capital letters and 32 hex digits.
fn is_sid(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    bytes.len() == 34
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..].iter().all(u8::is_ascii_hexdigit)
}

/// A URL's text with every path segment that is neither a SID nor one of
/// `words` redacted, and its query too; text that is no URL is redacted
/// whole.
pub fn shown_url(text: &str, words: &[&str]) -> String {
    let Ok(url) = url::Url::parse(text) else { return REDACTED.to_owned() };
    let Some(host) = url.host_str() else { return REDACTED.to_owned() };
    let mut shown = format!("{}://{host}", url.scheme());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    for segment in url.path().split('/').skip(1) {
        shown.push('/');
        if segment.is_empty() || is_sid(segment) || words.contains(&segment) {
            shown.push_str(segment);
        } else {
            shown.push_str(REDACTED);
        }
    }
    if url.query().is_some() {
        shown.push('?');
        shown.push_str(REDACTED);
    }
    crate::error::escape(&shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &[&str] = &["v2", "Services", "Users", "Bindings"];

    #[test]
    fn boxed_and_listed_urls_are_cut_too() {
        let url = "https://chat.twilio.com/v2/Users/alice".to_owned();
        let boxed: Box<String> = Box::new(url.clone());
        assert_eq!(
            format!("{:?}", ShownUrls(&boxed, WORDS)),
            r#""https://chat.twilio.com/v2/Users/[redacted]""#
        );
        let parsed: Vec<url::Url> = vec![url.parse().expect("a URL")];
        assert_eq!(
            format!("{:?}", ShownUrls(&parsed, WORDS)),
            r#"["https://chat.twilio.com/v2/Users/[redacted]"]"#
        );
        let list = vec![url.clone(), url];
        assert_eq!(
            format!("{:?}", ShownUrls(&list, WORDS)),
            r#"["https://chat.twilio.com/v2/Users/[redacted]", "https://chat.twilio.com/v2/Users/[redacted]"]"#
        );
    }

    #[test]
    fn only_sids_and_path_words_show() {
        let cases = [
            (
                "https://chat.twilio.com/v2/Services/ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Users/TestUser",
                "https://chat.twilio.com/v2/Services/ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Users/[redacted]",
            ),
            (
                "https://chat.twilio.com/v2/Users/alice%40example.com?Identity=bob",
                "https://chat.twilio.com/v2/Users/[redacted]?[redacted]",
            ),
            ("http://127.0.0.1:4010/v2/Services/", "http://127.0.0.1:4010/v2/Services/"),
            ("/v2/Users/alice", "[redacted]"),
            ("not a url", "[redacted]"),
        ];
        for (url, shown) in cases {
            assert_eq!(shown_url(url, WORDS), shown, "{url}");
        }
    }

    #[test]
    fn links_show_their_names_and_cut_urls() {
        let links: std::collections::BTreeMap<String, Json> = serde_json::from_value(serde_json::json!({
            "user": "https://chat.twilio.com/v2/Services/IS1/Users/TestUser",
            "n": 7,
        }))
        .unwrap_or_default();
        let shown = format!("{:?}", ShownUrls(&Some(links), WORDS));
        assert_eq!(
            shown,
            r#"Some({"n": Number(7), "user": "https://chat.twilio.com/v2/Services/[redacted]/Users/[redacted]"})"#
        );
        assert_eq!(format!("{:?}", ShownUrls(&None::<String>, WORDS)), "None");
    }
}
