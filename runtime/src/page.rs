//! Twilio's list pages, and streams of items across them.
//!
//! A page holds its items under a key named by the operation (`bindings`)
//! and paging links under `meta`. The next page is `meta.next_page_url`,
//! followed as given and never rebuilt from page numbers; a stream stops when
//! that URL is null, repeats, or leads to an empty page.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, body_text};
use crate::request::{Method, Request};
use crate::transport::HttpResponse;

/// Paging links and counters of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One page of a list.
#[derive(Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Paging links.
    pub meta: PageMeta,
    client: Client,
    items_key: &'static str,
    server: String,
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page").field("items", &self.items).field("meta", &self.meta).finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Page<T> {
    /// The URL of the next page, to resume a listing later.
    pub fn next_page_url(&self) -> Option<&str> {
        self.meta.next_page_url.as_deref().filter(|u| !u.is_empty())
    }

    /// Fetches the next page, or `None` on the last one.
    pub async fn next_page(&self) -> Result<Option<Page<T>>, Error> {
        match self.next_page_url() {
            Some(url) => self.client.page_at(&self.server, url, self.items_key).await.map(Some),
            None => Ok(None),
        }
    }
}

/// A stream of items across pages, as list operations return it.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

impl Client {
    /// Sends a list request and returns its first page.
    pub async fn send_page<T: DeserializeOwned>(
        &self,
        request: Request,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let response = self.execute(&request).await?;
        self.page_from(&response, request.server(), items_key)
    }

    /// Fetches the page at `url`, a `next_page_url` from a page of a list
    /// served by `server`.
    pub async fn page_at<T: DeserializeOwned>(
        &self,
        server: &str,
        url: &str,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let url = self.follow(server, url)?;
        let response = self.execute_url(Method::Get, url, Vec::new(), None).await?;
        self.page_from(&response, server, items_key)
    }

    /// Checks that a next-page URL stays on the API's host, and sends it to
    /// where this client sends that API's requests (a base URL override or
    /// an edge), so paging through a proxy stays behind the proxy.
    fn follow(&self, server: &str, next: &str) -> Result<url::Url, Error> {
        let base = self.resolve_base(server)?;
        let canonical = url::Url::parse(server).ok();
        let target = base.join(next).map_err(|_| Error::ForeignUrl(next.to_owned()))?;
        let origin = |u: &url::Url| {
            (u.scheme().to_owned(), u.host_str().map(str::to_owned), u.port_or_known_default())
        };
        if origin(&target) == origin(&base) {
            return Ok(target);
        }
        if canonical.as_ref().is_some_and(|c| origin(c) == origin(&target)) {
            let mut rebased = target.clone();
            rebased.set_scheme(base.scheme()).map_err(|()| Error::ForeignUrl(next.to_owned()))?;
            rebased.set_host(base.host_str()).map_err(|_| Error::ForeignUrl(next.to_owned()))?;
            rebased.set_port(base.port()).map_err(|()| Error::ForeignUrl(next.to_owned()))?;
            return Ok(rebased);
        }
        Err(Error::ForeignUrl(next.to_owned()))
    }

    fn page_from<T: DeserializeOwned>(
        &self,
        response: &HttpResponse,
        server: &str,
        items_key: &'static str,
    ) -> Result<Page<T>, Error> {
        let mut de = serde_json::Deserializer::from_slice(&response.body);
        let decoded = PageSeed::<T> { items_key, item: PhantomData }
            .deserialize(&mut de)
            .and_then(|page| de.end().map(|()| page));
        let (items, meta) = decoded.map_err(|e| Error::Decode {
            status: response.status,
            message: e.to_string(),
            body: body_text(&response.body),
        })?;
        Ok(Page { items, meta, client: self.clone(), items_key, server: server.to_owned() })
    }

    /// Every item of a list, page after page, up to `limit` items.
    pub fn stream<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
        items_key: &'static str,
        limit: Option<usize>,
    ) -> ItemStream<T> {
        let state = StreamState {
            client: self.clone(),
            next: Some(Next::First(request)),
            buffer: VecDeque::new(),
            remaining: limit,
            seen: HashSet::new(),
            items_key,
            server: String::new(),
        };
        Box::pin(futures_util::stream::unfold(state, StreamState::step))
    }
}

enum Next {
    First(Request),
    Url(String),
}

struct StreamState<T> {
    client: Client,
    next: Option<Next>,
    buffer: VecDeque<T>,
    remaining: Option<usize>,
    /// Hashes of the page URLs fetched so far, to stop on a repeat.
    seen: HashSet<u64>,
    items_key: &'static str,
    server: String,
}

impl<T: DeserializeOwned + Send + 'static> StreamState<T> {
    async fn step(mut self) -> Option<(Result<T, Error>, Self)> {
        loop {
            if self.remaining == Some(0) {
                return None;
            }
            if let Some(item) = self.buffer.pop_front() {
                if let Some(n) = self.remaining.as_mut() {
                    *n -= 1;
                }
                return Some((Ok(item), self));
            }
            let page = match self.next.take()? {
                Next::First(request) => {
                    self.server = request.server().to_owned();
                    if let Ok(url) = self.client.url_for(&request) {
                        self.seen.insert(hash(url.as_str()));
                    }
                    self.client.send_page::<T>(request, self.items_key).await
                }
                Next::Url(url) => self.client.page_at::<T>(&self.server, &url, self.items_key).await,
            };
            let page = match page {
                Ok(page) => page,
                Err(error) => return Some((Err(error), self)),
            };
            let empty = page.items.is_empty();
            if let Some(url) = page.next_page_url() {
                if !empty && self.seen.insert(hash(url)) {
                    self.next = Some(Next::Url(url.to_owned()));
                }
            }
            self.buffer.extend(page.items);
        }
    }
}

fn hash(url: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    url.hash(&mut hasher);
    hasher.finish()
}

/// Reads a page whose items sit under a key known only at run time.
struct PageSeed<T> {
    items_key: &'static str,
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
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.items_key {
                items = Some(map.next_value::<Vec<T>>()?);
            } else if key == "meta" {
                meta = Some(map.next_value::<Option<PageMeta>>()?.unwrap_or_default());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let items = items.ok_or_else(|| de::Error::missing_field(self.items_key))?;
        Ok((items, meta.unwrap_or_default()))
    }
}
