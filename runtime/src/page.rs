//! Twilio's list pages, and streams of items across them.
//!
//! A page holds its items under a key named by the operation (`bindings`)
//! and paging links under `meta`. The next page is `meta.next_page_url`,
//! followed as given and never rebuilt from page numbers; a stream stops when
//! that URL is null or repeats (compared without its `#fragment` and with
//! its query sorted), when it leads to an empty page, when the page number
//! stops going up for [`MAX_PAGES_WITHOUT_PROGRESS`] pages, or after
//! [`MAX_PAGES`] pages.

use std::collections::HashSet;
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_core::Stream;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::client::{Answered, Client};
use crate::error::{Call, Error};
use crate::request::{Method, Request};

/// Pages a stream follows without the page number going up before it
/// stops: a server that serves one page forever under ever new URLs.
pub const MAX_PAGES_WITHOUT_PROGRESS: usize = 3;

/// The most pages one stream follows (at Twilio's largest page size,
/// 100 million items).
pub const MAX_PAGES: usize = 100_000;

/// Paging links and counters of a page. `Debug` shows the links as
/// `[redacted]`: they repeat the request's filters, identities included.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// The page index, for information only.
    #[serde(default)]
    pub page: Option<i64>,
    /// The page size the server used.
    #[serde(default)]
    pub page_size: Option<i64>,
    /// The first page.
    #[serde(default)]
    pub first_page_url: Option<String>,
    /// The previous page, if any.
    #[serde(default)]
    pub previous_page_url: Option<String>,
    /// The next page, if any.
    #[serde(default)]
    pub next_page_url: Option<String>,
    /// This page.
    #[serde(default)]
    pub url: Option<String>,
    /// The key that holds the items.
    #[serde(default)]
    pub key: Option<String>,
}

impl PageMeta {
    /// The next page's URL, if there is one.
    fn next(&self) -> Option<&str> {
        self.next_page_url.as_deref().filter(|u| !u.is_empty())
    }
}

impl fmt::Debug for PageMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let link = |l: &Option<String>| l.as_ref().map(|_| crate::Redacted);
        f.debug_struct("PageMeta")
            .field("page", &self.page)
            .field("page_size", &self.page_size)
            .field("first_page_url", &link(&self.first_page_url))
            .field("previous_page_url", &link(&self.previous_page_url))
            .field("next_page_url", &link(&self.next_page_url))
            .field("url", &link(&self.url))
            .field("key", &self.key)
            .finish()
    }
}

/// One page of a list.
#[derive(Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Paging links.
    pub meta: PageMeta,
    client: Client,
    items_key: &'static str,
    /// The list request the pages answer: its server, and what to redact.
    origin: Request,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page").field("items", &self.items).field("meta", &self.meta).finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// The URL of the next page, to resume a listing later.
    pub fn next_page_url(&self) -> Option<&str> {
        self.meta.next()
    }

    /// Fetches the next page, or `None` on the last one.
    pub async fn next_page(&self) -> Result<Option<Page<T>>, Error> {
        match self.next_page_url() {
            Some(url) => self.client.page_at(&self.origin, url, self.items_key).await.map(Some),
            None => Ok(None),
        }
    }
}

/// A stream of items across pages, as list operations' `stream()` returns it.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A stream of whole pages, as list operations' `pages()` returns it: the
/// same pages an [`ItemStream`] goes through, with the same limits and
/// checks, each with its [`PageMeta`].
pub type PageStream<T> = Pin<Box<dyn Stream<Item = Result<Page<T>, Error>> + Send>>;

/// A list page as Twilio sends it: `items` under `items_key` and `meta`
/// with the next page's URL, if any. For scripting a transport in tests
/// (`test_util::MockTransport::push_json(200, page_body(..))`); generated
/// list builders have a `page_body` that knows their key.
pub fn page_body<T: Serialize>(items_key: &str, items: &[T], next_page_url: Option<&str>) -> crate::Json {
    let mut body = serde_json::Map::new();
    body.insert(items_key.to_owned(), serde_json::to_value(items).unwrap_or_default());
    body.insert(
        "meta".to_owned(),
        serde_json::json!({
            "key": items_key,
            "page": 0,
            "page_size": items.len(),
            "next_page_url": next_page_url,
        }),
    );
    crate::Json::Object(body)
}

impl Client {
    /// Sends a list request and returns its first page.
    pub async fn send_page<T: DeserializeOwned>(
        &self,
        request: Request,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let answered = self.answer(&request).await?;
        self.page_from(&answered, &request, items_key)
    }

    /// Fetches the page at `url`, a `next_page_url` from a page of the list
    /// that `origin` requested.
    pub async fn page_at<T: DeserializeOwned>(
        &self,
        origin: &Request,
        url: &str,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let url = self.follow(origin, url)?;
        let answered = self.execute_next(origin, url).await?;
        self.page_from(&answered, origin, items_key)
    }

    /// Sends a next page's request, to a URL checked by [`Client::follow`].
    async fn execute_next(&self, origin: &Request, url: url::Url) -> Result<Answered, Error> {
        let log_url = log_url(origin, &url);
        self.execute_url(origin, Method::Get, url, log_url, Vec::new(), None).await
    }

    /// Checks that a next-page URL stays on the API's host, and sends it to
    /// where this client sends that API's requests (a base URL override,
    /// path included, or an edge), so paging through a proxy stays behind
    /// the proxy.
    fn follow(&self, origin: &Request, next: &str) -> Result<url::Url, Error> {
        let server = origin.server();
        let base = self.resolve_base(server)?;
        // Refused before it is sent: the call names the API's host, no attempt.
        let refused = || Error::ForeignUrl {
            call: Box::new(Call {
                operation: origin.operation_id(),
                method: Method::Get,
                path: origin.template(),
                host: base.host_str().unwrap_or_default().to_owned(),
                attempts: 0,
            }),
            url: next.to_owned(),
        };
        let canonical = url::Url::parse(server).map_err(|_| refused())?;
        // Relative links are relative to the API's own host.
        let target = canonical.join(next).map_err(|_| refused())?;
        let same_origin = |a: &url::Url, b: &url::Url| {
            a.scheme() == b.scheme()
                && a.host_str() == b.host_str()
                && a.port_or_known_default() == b.port_or_known_default()
        };
        if same_origin(&target, &canonical) {
            if same_origin(&base, &canonical) && base.path().trim_end_matches('/').is_empty() {
                return Ok(target);
            }
            let mut rebased = base.clone();
            let prefix = base.path().trim_end_matches('/');
            rebased.set_path(&format!("{prefix}{}", target.path()));
            rebased.set_query(target.query());
            return Ok(rebased);
        }
        // A link already on the base URL's host (a mock that knows itself).
        let prefix = base.path().trim_end_matches('/');
        if same_origin(&target, &base) && target.path().starts_with(prefix) {
            return Ok(target);
        }
        Err(refused())
    }

    fn page_from<T: DeserializeOwned>(
        &self,
        answered: &Answered,
        origin: &Request,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let (items, meta) = decode_page(answered, items_key, 0)?;
        Ok(Page { items, meta, client: self.clone(), items_key, origin: origin.clone() })
    }

    /// Every item of a list, page after page, up to `limit` items.
    pub fn stream<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        items_key: &'static str,
        limit: Option<usize>,
    ) -> ItemStream<T> {
        StreamState::new(self.clone(), request, items_key).items(limit)
    }

    /// Every page of a list, page after page, until `limit` items have
    /// come (the last page is cut to it).
    pub fn page_stream<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        items_key: &'static str,
        limit: Option<usize>,
    ) -> PageStream<T> {
        let origin = request.clone();
        let pages = Box::pin(futures_util::stream::unfold(
            StreamState::new(self.clone(), request, items_key),
            StreamState::page::<T>,
        ));
        Box::pin(Pages { pages, remaining: limit, client: self.clone(), origin, items_key })
    }
}

/// The pages a stream fetches: each page's items and paging links.
type RawPages<T> = Pin<Box<dyn Stream<Item = Result<(Vec<T>, PageMeta), Error>> + Send>>;

/// Whole pages of a listing, up to a number of items.
struct Pages<T> {
    pages: RawPages<T>,
    remaining: Option<usize>,
    client: Client,
    origin: Request,
    items_key: &'static str,
}

impl<T> Unpin for Pages<T> {}

impl<T> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Checked first, so no page past the limit is fetched.
        if this.remaining == Some(0) {
            return Poll::Ready(None);
        }
        match ready!(this.pages.as_mut().poll_next(cx)) {
            Some(Ok((mut items, meta))) => {
                if let Some(n) = this.remaining.as_mut() {
                    items.truncate(*n);
                    *n -= items.len();
                }
                let page = Page {
                    items,
                    meta,
                    client: this.client.clone(),
                    items_key: this.items_key,
                    origin: this.origin.clone(),
                };
                Poll::Ready(Some(Ok(page)))
            }
            Some(Err(error)) => Poll::Ready(Some(Err(error))),
            None => Poll::Ready(None),
        }
    }
}

/// What a stream fetches next.
enum Next {
    /// The list request itself.
    First,
    /// A next-page URL, checked and rebased.
    Url(url::Url),
    /// A next-page URL that [`Client::follow`] refused.
    Refused(Error),
}

struct StreamState {
    client: Client,
    /// The list request: its server, and what to redact in logs.
    origin: Request,
    next: Option<Next>,
    /// Hashes of the page URLs fetched so far, normalized, to stop on a repeat.
    seen: HashSet<u64>,
    items_key: &'static str,
    /// Pages fetched.
    pages: usize,
    /// The most pages to fetch: [`MAX_PAGES`], lower in tests.
    max_pages: usize,
    /// The last page number the server gave.
    last_page: Option<i64>,
    /// Pages in a row whose number did not go up.
    stalled: usize,
    /// Items on the last page: room to make on the next.
    capacity: usize,
}

impl StreamState {
    fn new(client: Client, request: Request, items_key: &'static str) -> Self {
        StreamState {
            client,
            origin: request,
            next: Some(Next::First),
            capacity: 0,
            seen: HashSet::new(),
            items_key,
            pages: 0,
            max_pages: MAX_PAGES,
            last_page: None,
            stalled: 0,
        }
    }

    /// The items of every page, up to `limit`.
    fn items<T: DeserializeOwned + Send + 'static>(self, limit: Option<usize>) -> ItemStream<T> {
        let pages = Box::pin(futures_util::stream::unfold(self, Self::page::<T>));
        Box::pin(Items { items: Default::default(), pages, remaining: limit })
    }

    /// Fetches the next page and returns its items, or `None` when the
    /// listing has ended; after an error it ends.
    async fn page<T: DeserializeOwned>(mut self) -> Option<(Result<(Vec<T>, PageMeta), Error>, Self)> {
        let response = match self.next.take()? {
            Next::First => {
                if let Ok(url) = self.client.url_for(&self.origin) {
                    self.seen.insert(page_key(&url));
                }
                self.client.answer(&self.origin).await
            }
            Next::Url(url) => self.client.execute_next(&self.origin, url).await,
            Next::Refused(error) => Err(error),
        };
        let (items, meta) = match response.and_then(|r| decode_page::<T>(&r, self.items_key, self.capacity)) {
            Ok(page) => page,
            Err(error) => return Some((Err(error), self)),
        };
        self.pages += 1;
        // The page number must go up; a server that repeats one page
        // under new URLs is stopped after a few.
        match (self.last_page, meta.page) {
            (Some(last), Some(now)) if now <= last => self.stalled += 1,
            _ => self.stalled = 0,
        }
        self.last_page = meta.page.or(self.last_page);
        self.capacity = items.len();
        let go_on =
            !items.is_empty() && self.stalled < MAX_PAGES_WITHOUT_PROGRESS && self.pages < self.max_pages;
        if let Some(url) = meta.next()
            && go_on
        {
            // A refused link ends the stream with its error; a link seen
            // before ends it quietly.
            match self.client.follow(&self.origin, url) {
                Ok(target) => {
                    if self.seen.insert(page_key(&target)) {
                        self.next = Some(Next::Url(target));
                    }
                }
                Err(error) => self.next = Some(Next::Refused(error)),
            }
        }
        Some((Ok((items, meta)), self))
    }
}

/// The items of a listing, one page at a time. Each item moves once, out
/// of its page; the paging state moves once per page.
struct Items<T> {
    items: std::vec::IntoIter<T>,
    pages: RawPages<T>,
    remaining: Option<usize>,
}

// Items are moved out of the page, never pinned in place.
impl<T> Unpin for Items<T> {}

impl<T> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            // Checked first, so no page past the limit is fetched.
            if this.remaining == Some(0) {
                return Poll::Ready(None);
            }
            if let Some(item) = this.items.next() {
                if let Some(n) = this.remaining.as_mut() {
                    *n -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            // Frees the used-up page before the next one is decoded, which
            // can then reuse its memory.
            this.items = Default::default();
            match ready!(this.pages.as_mut().poll_next(cx)) {
                Some(Ok((items, _))) => this.items = items.into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

/// A page URL's identity, to stop on a repeat: the URL without its
/// fragment and with its query pairs sorted.
fn page_key(url: &url::Url) -> u64 {
    let mut pairs: Vec<_> = url.query_pairs().collect();
    pairs.sort_unstable();
    let mut hasher = DefaultHasher::new();
    url[..url::Position::AfterPath].hash(&mut hasher);
    pairs.hash(&mut hasher);
    hasher.finish()
}

/// A followed page's URL for logs: the list request's path as it shows it
/// (personal path parameters redacted) and the query with its personal
/// values redacted.
fn log_url(origin: &Request, url: &url::Url) -> String {
    let path =
        if url.path().ends_with(origin.path()) { origin.shown_path() } else { crate::request::REDACTED };
    let mut shown = format!("{}://{}{path}", url.scheme(), url.host_str().unwrap_or_default());
    let pairs: Vec<_> = url.query_pairs().collect();
    if !pairs.is_empty() {
        shown.push('?');
        shown.push_str(&crate::request::shown_query(
            pairs.iter().map(|(k, v)| (&**k, &**v)),
            origin.pii_keys(),
        ));
    }
    shown
}

/// Decodes a page's items and paging links, with room made up front for
/// `capacity` items.
fn decode_page<T: DeserializeOwned>(
    answered: &Answered,
    items_key: &'static str,
    capacity: usize,
) -> Result<(Vec<T>, PageMeta), Error> {
    let mut de = serde_json::Deserializer::from_slice(&answered.response.body);
    PageSeed::<T> { items_key, capacity, item: PhantomData }
        .deserialize(&mut de)
        .and_then(|page| de.end().map(|()| page))
        .map_err(|e| crate::client::decode_error(answered, &e.to_string()))
}

/// The most items a page is given room for before they are read: Twilio's
/// largest page size.
const LARGEST_PAGE: usize = 1000;

/// Reads a page whose items sit under a key known only at run time.
struct PageSeed<T> {
    items_key: &'static str,
    /// Items to make room for, so that the `Vec` is not regrown as it fills.
    capacity: usize,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for PageSeed<T> {
    type Value = (Vec<T>, PageMeta);

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageSeed<T> {
    type Value = (Vec<T>, PageMeta);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a Twilio page with `{}` and `meta`", self.items_key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        let mut meta = None;
        while let Some(key) = map.next_key_seed(KeySeed(self.items_key))? {
            match key {
                Key::Items => {
                    items = Some(
                        map.next_value_seed(ItemsSeed::<T> { capacity: self.capacity, item: PhantomData })?,
                    )
                }
                Key::Meta => meta = Some(map.next_value::<Option<PageMeta>>()?.unwrap_or_default()),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field(self.items_key))?;
        Ok((items, meta.unwrap_or_default()))
    }
}

/// Reads a page's items into a `Vec` with room for `capacity` of them.
struct ItemsSeed<T> {
    capacity: usize,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for ItemsSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ItemsSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of items")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.capacity.min(LARGEST_PAGE));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// A key of a page object, told apart without allocating.
enum Key {
    Items,
    Meta,
    Other,
}

/// Reads a page's key, given the key that holds the items.
struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(if key == self.0 {
            Key::Items
        } else if key == "meta" {
            Key::Meta
        } else {
            Key::Other
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use futures_util::StreamExt;
    use serde_json::json;

    use super::*;
    use crate::Credentials;
    use crate::test_util::MockTransport;

    const SERVER: &str = "https://chat.twilio.com";

    fn client(mock: &Arc<MockTransport>) -> Client {
        Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
            .transport(mock.clone())
            .build()
            .expect("builds")
    }

    /// A page of one item, numbered `page`, that links to page `page + 1`.
    fn page(page: Option<i64>, next: usize) -> serde_json::Value {
        json!({
            "bindings": [{"n": next}],
            "meta": {"page": page, "next_page_url": format!("{SERVER}/v2/Users/alice/Bindings?Page={next}&Identity=alice")},
        })
    }

    fn request() -> Request {
        let mut request = Request::new(Method::Get, SERVER);
        request.push_path("/v2/Users/");
        request.push_path_param_pii(&"alice");
        request.push_path("/Bindings");
        request.query_pii("Identity", &"alice");
        request
    }

    async fn count(state: StreamState) -> usize {
        state.items::<serde_json::Value>(None).count().await
    }

    fn state(client: Client, max_pages: usize) -> StreamState {
        StreamState { max_pages, ..StreamState::new(client, request(), "bindings") }
    }

    #[tokio::test]
    async fn pages_whose_number_goes_up_are_all_followed() {
        let mock = Arc::new(MockTransport::new());
        for n in 0..6 {
            mock.push_json(200, page(Some(n), n as usize + 1));
        }
        mock.push_json(200, json!({"bindings": [], "meta": {"page": 6}}));
        assert_eq!(count(state(client(&mock), MAX_PAGES)).await, 6);
        assert_eq!(mock.requests().len(), 7);
    }

    #[tokio::test]
    async fn a_page_number_that_stalls_stops_after_the_allowed_pages() {
        let mock = Arc::new(MockTransport::new());
        for n in 0..10 {
            mock.push_json(200, page(Some(4), n + 1));
        }
        count(state(client(&mock), MAX_PAGES)).await;
        // The first page, then MAX_PAGES_WITHOUT_PROGRESS that do not go up.
        assert_eq!(mock.requests().len(), 1 + MAX_PAGES_WITHOUT_PROGRESS);
    }

    #[tokio::test]
    async fn a_stream_stops_at_its_page_ceiling() {
        let mock = Arc::new(MockTransport::new());
        for n in 0..10 {
            mock.push_json(200, page(None, n + 1));
        }
        assert_eq!(count(state(client(&mock), 4)).await, 4);
        assert_eq!(mock.requests().len(), 4);
    }

    #[tokio::test]
    async fn followed_pages_are_logged_without_personal_data() {
        let mock = Arc::new(MockTransport::new());
        mock.push_json(200, page(None, 1));
        mock.push_json(200, json!({"bindings": [], "meta": {}}));
        count(state(client(&mock), MAX_PAGES)).await;
        let requests = mock.requests();
        assert_eq!(
            requests[0].log_url,
            "https://chat.twilio.com/v2/Users/[redacted]/Bindings?Identity=[redacted]"
        );
        assert_eq!(
            requests[1].log_url,
            "https://chat.twilio.com/v2/Users/[redacted]/Bindings?Page=1&Identity=[redacted]"
        );
        // A next page on another path shows no path at all.
        let origin = request();
        let elsewhere = url::Url::parse("https://chat.twilio.com/v2/Other").expect("valid");
        assert_eq!(log_url(&origin, &elsewhere), "https://chat.twilio.com[redacted]");
    }

    #[test]
    fn keys_and_items_that_do_not_fit_say_what_fits() {
        let key = KeySeed("bindings").deserialize(json!(5)).err().map(|e| e.to_string());
        assert_eq!(key.as_deref(), Some("invalid type: integer `5`, expected a key"));
        let body = crate::Bytes::from_static(br#"{"bindings": 5, "meta": {}}"#);
        let response = crate::HttpResponse { status: 200, headers: Vec::new(), body };
        let call = Call {
            operation: "",
            method: Method::Get,
            path: "",
            host: "chat.twilio.com".to_owned(),
            attempts: 1,
        };
        let answered = Answered { response, call };
        let error = decode_page::<serde_json::Value>(&answered, "bindings", 0).expect_err("not a list");
        assert!(error.to_string().contains("expected a list of items"), "{error}");
    }

    #[tokio::test]
    async fn a_body_that_is_not_a_page_says_what_a_page_is() {
        let mock = Arc::new(MockTransport::new());
        mock.push_json(200, json!(["not", "a", "page"]));
        let error = client(&mock)
            .send_page::<serde_json::Value>(request(), "bindings")
            .await
            .expect_err("not a page");
        assert!(error.to_string().contains("a Twilio page with `bindings` and `meta`"), "{error}");
        assert_eq!(error.status(), Some(200));
    }
}
