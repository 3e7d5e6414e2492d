//! The client: credentials, where requests go, retries and timeouts.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Call, Error, body_text, redact_quoted};
use crate::request::Request;
use crate::transport::{HttpClient, HttpRequest, HttpResponse, ReqwestTransport, TransportError};

/// How a client authenticates: HTTP Basic with an Account SID and Auth
/// Token, or with an API Key SID and secret; or an OAuth 2.0 access token
/// (`Authorization: Bearer`), as Twilio's Organizations API takes. Secrets
/// never appear in `Debug` output, logs or errors.
#[derive(Clone)]
pub struct Credentials {
    account_sid: String,
    username: String,
    secret: String,
    /// Whether `secret` is an OAuth 2.0 access token.
    bearer: bool,
}

impl Credentials {
    /// An Account SID and its Auth Token.
    pub fn auth_token(account_sid: impl Into<String>, auth_token: impl Into<String>) -> Self {
        let account_sid = account_sid.into();
        Credentials { username: account_sid.clone(), account_sid, secret: auth_token.into(), bearer: false }
    }

    /// An OAuth 2.0 access token (from Twilio's `/v1/token`, say), sent as
    /// `Authorization: Bearer …`; no account SID goes with it.
    pub fn bearer(access_token: impl Into<String>) -> Self {
        Credentials {
            account_sid: String::new(),
            username: String::new(),
            secret: access_token.into(),
            bearer: true,
        }
    }

    /// An API Key SID and its secret, for the account that owns the key.
    pub fn api_key(
        account_sid: impl Into<String>,
        key_sid: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        Credentials {
            account_sid: account_sid.into(),
            username: key_sid.into(),
            secret: secret.into(),
            bearer: false,
        }
    }

    /// Reads `TWILIO_ACCOUNT_SID` with either `TWILIO_API_KEY` and
    /// `TWILIO_API_SECRET` (preferred when both are set) or
    /// `TWILIO_AUTH_TOKEN`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(env_var)
    }

    /// Like [`from_env`](Self::from_env), reading variables through `get`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let account_sid = get("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::Config("TWILIO_ACCOUNT_SID is not set".to_owned()))?;
        match (get("TWILIO_API_KEY"), get("TWILIO_API_SECRET"), get("TWILIO_AUTH_TOKEN")) {
            (Some(key), Some(secret), _) => Ok(Credentials::api_key(account_sid, key, secret)),
            (_, _, Some(token)) => Ok(Credentials::auth_token(account_sid, token)),
            _ => Err(Error::Config(
                "set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET".to_owned(),
            )),
        }
    }

    /// The account the credentials act for (empty for an access token).
    pub fn account_sid(&self) -> &str {
        &self.account_sid
    }

    /// Checks the credentials' form, as a client does when it builds: an
    /// Account SID (`AC` and 32 hexadecimal digits), an API Key SID (`SK`
    /// and 32) for an API key, and a secret. The error names what is wrong,
    /// never the value: a login sent to Twilio is not the place to find out
    /// that `TWILIO_ACCOUNT_SID` holds something else.
    pub fn check(&self) -> Result<(), Error> {
        if self.bearer {
            // Sent as a header: one token, nothing that could end the line.
            let token = !self.secret.is_empty() && self.secret.bytes().all(|b| b.is_ascii_graphic());
            return if token {
                Ok(())
            } else {
                Err(Error::Config(
                    "the access token is empty or holds spaces or control characters".to_owned(),
                ))
            };
        }
        let is_sid = |text: &str, prefix: &str| {
            text.len() == 34 && text.starts_with(prefix) && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
        };
        if !is_sid(&self.account_sid, "AC") {
            return Err(Error::Config(
                "the account SID (TWILIO_ACCOUNT_SID, or the one given to `Credentials`) is not an Account SID: `AC` and 32 hexadecimal digits".to_owned(),
            ));
        }
        if self.username != self.account_sid && !is_sid(&self.username, "SK") {
            return Err(Error::Config(
                "the API key (TWILIO_API_KEY, or the one given to `Credentials::api_key`) is not an API Key SID: `SK` and 32 hexadecimal digits".to_owned(),
            ));
        }
        if self.secret.is_empty() {
            return Err(Error::Config("the auth token or API secret is empty".to_owned()));
        }
        Ok(())
    }

    fn authorization(&self) -> String {
        if self.bearer {
            return format!("Bearer {}", self.secret);
        }
        let pair = format!("{}:{}", self.username, self.secret);
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("account_sid", &self.account_sid)
            .field("username", &self.username)
            .field("secret", &crate::Redacted)
            .field("bearer", &self.bearer)
            .finish()
    }
}

/// Where a call answered with a redirect points: its `Location` header, and
/// the `redirect_to` of its JSON body when Twilio sends one (Bulk Exports'
/// day downloads). Such URLs can carry signatures: `Debug` shows their hosts
/// only.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The status (301, 302, 303, 307 or 308).
    pub status: u16,
    /// The `Location` header, as sent.
    pub location: Option<String>,
    /// The JSON body's `redirect_to`, as sent.
    pub redirect_to: Option<String>,
}

impl Redirect {
    /// Where it points: `Location`, else `redirect_to`.
    pub fn url(&self) -> Option<&str> {
        self.location.as_deref().or(self.redirect_to.as_deref())
    }
}

impl fmt::Debug for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = |url: &Option<String>| url.as_deref().map(|u| crate::redact::shown_url(u, &[]));
        f.debug_struct("Redirect")
            .field("status", &self.status)
            .field("location", &host(&self.location))
            .field("redirect_to", &host(&self.redirect_to))
            .finish()
    }
}

/// When and how often a call is retried.
///
/// A call is retried when Twilio answers a GET, PUT or DELETE with 429 (too
/// many requests) or 503 (unavailable), and when a connection could not be
/// made (nothing reached Twilio, so any method). Before retry *n* (from 0)
/// it waits what the response's `Retry-After` asks, exactly, never less;
/// without one, `initial_backoff * 2^n` plus up to half of that at random,
/// at most `max_backoff`. A call never takes longer than `max_elapsed`,
/// attempts and waits together: each attempt's timeout is cut to what is
/// left of it, and a wait that would end past it is not waited; the call
/// fails at once with the server's answer ([`Error::retry_after`] gives the
/// wait it asked for).
///
/// The default: 3 retries, 500 ms first backoff, 20 s longest backoff,
/// 60 s for the whole call. [`RetryPolicy::none`] sends each call once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The first backoff; each retry doubles it, with up to half of it added
    /// at random.
    pub initial_backoff: Duration,
    /// The longest computed backoff. A `Retry-After` is obeyed even when
    /// longer, within `max_elapsed`.
    pub max_backoff: Duration,
    /// The longest a whole call may take, attempts and waits included;
    /// `None` for no limit beyond the per-attempt timeout.
    pub max_elapsed: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_elapsed: Some(Duration::from_secs(60)),
        }
    }
}

impl RetryPolicy {
    /// Each call is sent once, never retried (the timeouts still hold).
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }
}

/// Configures a client: a runtime [`Client`], or a generated crate's own
/// client (`T`), which wraps one.
///
/// A builder reads the environment only when asked, with
/// [`from_env`](Self::from_env): then every setting not given on the
/// builder comes from `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN` (or
/// `TWILIO_API_KEY` and `TWILIO_API_SECRET`), `TWILIO_EDGE`,
/// `TWILIO_REGION` and `TWILIO_BASE_URL` when it builds. Without it, no
/// `TWILIO_*` variable changes what the client does.
///
/// Defaults: 30 s per attempt, 10 s to connect, [`RetryPolicy::default`],
/// responses up to [`DEFAULT_MAX_RESPONSE_BYTES`], Twilio's own hosts,
/// reqwest as the transport.
pub struct ClientBuilder<T = Client> {
    credentials: Option<Credentials>,
    /// Whether unset settings come from the environment.
    from_env: bool,
    base_url: Option<url::Url>,
    edge: Option<String>,
    region: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    transport: Option<Arc<dyn HttpClient>>,
    max_body: usize,
    output: std::marker::PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ClientBuilder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("from_env", &self.from_env)
            .field("base_url", &self.base_url.as_ref().map(|u| without_userinfo(u.as_str())))
            .field("edge", &self.edge)
            .field("region", &self.region)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl<T> Clone for ClientBuilder<T> {
    fn clone(&self) -> Self {
        ClientBuilder {
            credentials: self.credentials.clone(),
            from_env: self.from_env,
            base_url: self.base_url.clone(),
            edge: self.edge.clone(),
            region: self.region.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            retry: self.retry,
            transport: self.transport.clone(),
            max_body: self.max_body,
            output: std::marker::PhantomData,
        }
    }
}

impl<T: From<Client>> Default for ClientBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// The largest response body a client accepts by default: far above any
/// Twilio page (a 1,000-item page is about 1 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Whether `label` can be one label of a host name: letters, digits and
/// inner hyphens, at most 63 of them.
fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// An environment variable's value; an empty one counts as unset.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A URL's text without its user name and password, for messages.
fn without_userinfo(text: &str) -> String {
    match text.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let authority = &rest[..authority_end];
            let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{}", &rest[authority_end..])
        }
        None => text.to_owned(),
    }
}

impl<T: From<Client>> ClientBuilder<T> {
    /// A builder with nothing set, which reads no environment variable.
    pub fn new() -> Self {
        ClientBuilder {
            credentials: None,
            from_env: false,
            base_url: None,
            edge: None,
            region: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            transport: None,
            max_body: DEFAULT_MAX_RESPONSE_BYTES,
            output: std::marker::PhantomData,
        }
    }

    /// Takes every setting not given on this builder, before or after this
    /// call, from the environment when it builds: credentials from
    /// `TWILIO_ACCOUNT_SID` with `TWILIO_AUTH_TOKEN` (or `TWILIO_API_KEY`
    /// and `TWILIO_API_SECRET`), then `TWILIO_EDGE`, `TWILIO_REGION` and
    /// `TWILIO_BASE_URL` (which points any program at a mock). Empty
    /// variables count as unset.
    pub fn from_env(mut self) -> Self {
        self.from_env = true;
        self
    }

    /// Authenticates with these credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sends every request to this base URL instead of Twilio's hosts: for
    /// tests, mocks and proxies. Paths are appended to it.
    /// A path in it (`http://proxy/twilio`) prefixes every request's path,
    /// next pages included.
    pub fn base_url(mut self, base_url: &str) -> Result<Self, Error> {
        let shown = without_userinfo(base_url);
        let url = url::Url::parse(base_url)
            .map_err(|e| Error::Config(format!("invalid base URL {shown:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::Config(format!("invalid base URL {shown:?}: not an http(s) URL with a host")));
        }
        // Credentials in the URL would travel beside the client's own, as a
        // second `Authorization` header: they belong in `credentials`.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(format!(
                "invalid base URL {shown:?}: it holds a user name or password; give credentials with `credentials`"
            )));
        }
        self.base_url = Some(url);
        Ok(self)
    }

    /// The largest response body to accept, in bytes; a larger one is
    /// [`Error::ResponseTooLarge`]. Default: [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// The Twilio edge location (`sydney`, `dublin`, …); see
    /// [`region`](Self::region).
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into()).filter(|e| !e.is_empty());
        self
    }

    /// The Twilio region (`au1`, `ie1`, …). With an edge and no region, the
    /// region is `us1`. Hosts become `{product}.{edge}.{region}.twilio.com`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into()).filter(|r| !r.is_empty());
        self
    }

    /// How long a whole request may take, per attempt. Default: 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When to retry. Default: [`RetryPolicy::default`].
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends requests through another transport.
    pub fn transport(mut self, transport: Arc<dyn HttpClient>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Builds the client. Edge and region must be single DNS labels
    /// (`sydney`, `au1`): anything else could send requests, and
    /// credentials, to another host.
    pub fn build(self) -> Result<T, Error> {
        self.build_with(env_var)
    }

    /// [`build`](Self::build), reading the environment through `var`.
    fn build_with(mut self, var: impl Fn(&str) -> Option<String>) -> Result<T, Error> {
        if self.from_env {
            self.edge = self.edge.or_else(|| var("TWILIO_EDGE"));
            self.region = self.region.or_else(|| var("TWILIO_REGION"));
            if let (None, Some(base)) = (&self.base_url, var("TWILIO_BASE_URL")) {
                self = self.base_url(&base)?;
            }
            if self.credentials.is_none() {
                self.credentials = Some(Credentials::from_lookup(&var)?);
            }
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config("no credentials: give them with `credentials`, or call `from_env`".to_owned())
        })?;
        credentials.check()?;
        for (what, value) in [("edge", &self.edge), ("region", &self.region)] {
            if let Some(value) = value.as_deref().filter(|v| !is_dns_label(v)) {
                return Err(Error::Config(format!(
                    "invalid {what} {:?}: expected one DNS label, such as `sydney` or `au1`",
                    crate::error::escape(value)
                )));
            }
        }
        let transport = match self.transport {
            Some(transport) => transport,
            None => Arc::new(ReqwestTransport::new(self.connect_timeout)?),
        };
        let authorization = credentials.authorization();
        let client = Client {
            inner: Arc::new(Inner {
                credentials,
                authorization,
                base_url: self.base_url,
                edge: self.edge,
                region: self.region,
                timeout: self.timeout,
                retry: self.retry,
                transport,
                max_body: self.max_body,
                user_agent: user_agent(None),
            }),
        };
        Ok(T::from(client))
    }
}

fn user_agent(product: Option<&str>) -> String {
    let runtime = concat!("twilio-runtime/", env!("CARGO_PKG_VERSION"));
    let platform = format!("({} {})", std::env::consts::OS, std::env::consts::ARCH);
    match product {
        Some(product) => format!("{product} {platform} {runtime} rust"),
        None => format!("{runtime} {platform} rust"),
    }
}

/// An authenticated connection to Twilio's APIs; cheap to clone and share.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    credentials: Credentials,
    authorization: String,
    base_url: Option<url::Url>,
    edge: Option<String>,
    region: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    transport: Arc<dyn HttpClient>,
    max_body: usize,
    user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.inner.credentials)
            .field("base_url", &self.inner.base_url.as_ref().map(|u| without_userinfo(u.as_str())))
            .field("edge", &self.inner.edge)
            .field("region", &self.inner.region)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with these credentials and default settings; it reads no
    /// environment variable.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new().credentials(credentials)
    }

    /// A client configured from the environment alone:
    /// `ClientBuilder::new().from_env().build()`.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().from_env().build()
    }

    /// The same client, naming `product` (`twilio-bindings/0.1.0`) first in
    /// its User-Agent.
    pub fn with_product(&self, product: &str) -> Self {
        let mut inner = (*self.inner).clone();
        inner.user_agent = user_agent(Some(product));
        Client { inner: Arc::new(inner) }
    }

    /// The User-Agent header sent with each request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// The account this client acts for.
    pub fn account_sid(&self) -> &str {
        self.inner.credentials.account_sid()
    }

    /// Where a request for `server` goes: the base URL override, or the
    /// server with edge and region applied.
    pub fn resolve_base(&self, server: &str) -> Result<url::Url, Error> {
        if let Some(base) = &self.inner.base_url {
            return Ok(base.clone());
        }
        let mut url = url::Url::parse(server)
            .map_err(|e| Error::Config(format!("invalid server URL {server:?}: {e}")))?;
        let region = self.inner.region.clone().or_else(|| self.inner.edge.as_ref().map(|_| "us1".to_owned()));
        if let (Some(host), Some(region)) = (url.host_str().map(str::to_owned), region) {
            if let Some(product) = host.strip_suffix(".twilio.com").and_then(|h| h.split('.').next()) {
                let host = match &self.inner.edge {
                    Some(edge) => format!("{product}.{edge}.{region}.twilio.com"),
                    None => format!("{product}.{region}.twilio.com"),
                };
                url.set_host(Some(&host))
                    .map_err(|e| Error::Config(format!("invalid edge or region: {e}")))?;
            }
        }
        Ok(url)
    }

    /// The absolute URL a request goes to.
    pub fn url_for(&self, request: &Request) -> Result<url::Url, Error> {
        match request.problem() {
            Some(crate::request::Problem::Sid(error)) => return Err(Error::InvalidSid(error.clone())),
            Some(crate::request::Problem::Invalid(why)) => return Err(Error::InvalidInput(why.clone())),
            None => {}
        }
        let base = self.resolve_base(request.server())?;
        let mut text = base.as_str().trim_end_matches('/').to_owned();
        text.push_str(request.path());
        if !request.query_pairs().is_empty() {
            text.push('?');
            text.push_str(&request.query_string());
        }
        url::Url::parse(&text)
            .map_err(|e| Error::InvalidInput(format!("cannot build a URL from {text:?}: {e}")))
    }

    /// Sends a request and expects no body back.
    pub async fn send_empty(&self, request: Request) -> Result<(), Error> {
        self.execute(&request).await.map(|_| ())
    }

    /// Sends a request whose answer is a redirect (3xx), and returns where
    /// it points, without following it.
    pub async fn send_redirect(&self, mut request: Request) -> Result<Redirect, Error> {
        request.expect_redirect();
        let answered = self.answer(&request).await?;
        let response = &answered.response;
        // Twilio puts the target in a JSON body's `redirect_to` too.
        let redirect_to = serde_json::from_slice::<serde_json::Value>(&response.body)
            .ok()
            .and_then(|body| body.get("redirect_to").and_then(|v| v.as_str()).map(str::to_owned));
        Ok(Redirect {
            status: response.status,
            location: response.header("location").map(str::to_owned),
            redirect_to,
        })
    }

    /// Sends a request and decodes its JSON body.
    pub async fn send_json<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        let answered = self.answer(&request).await?;
        decode(&answered)
    }

    /// Sends a request, checking statuses and retrying as configured, and
    /// returns the successful response.
    pub async fn execute(&self, request: &Request) -> Result<HttpResponse, Error> {
        self.answer(request).await.map(|a| a.response)
    }

    /// [`execute`](Self::execute), keeping the call with the response.
    pub(crate) async fn answer(&self, request: &Request) -> Result<Answered, Error> {
        let url = self.url_for(request)?;
        let mut headers: Vec<(String, String)> =
            request.headers().iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        let body = match (request.json_body(), request.form_body()) {
            (Some(json), _) => {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
                Some(json.to_owned())
            }
            (None, Some(form)) => {
                headers.push(("content-type".to_owned(), "application/x-www-form-urlencoded".to_owned()));
                Some(form)
            }
            (None, None) => None,
        };
        self.execute_url(request, request.method(), url, request.log_url(), headers, body).await
    }

    /// Sends to `url` for `origin` (the request itself, or the list request
    /// a next page belongs to), whose per-call options apply, retrying as
    /// configured. With the `tracing` feature, one span per call names the
    /// operation, method and path template (never the filled path, which can
    /// hold an identity), then the status and the attempts; retries are
    /// events with their waits.
    pub(crate) async fn execute_url(
        &self,
        origin: &Request,
        method: crate::Method,
        url: url::Url,
        log_url: String,
        mut headers: Vec<(String, String)>,
        body: Option<String>,
    ) -> Result<Answered, Error> {
        let host = url.host_str().unwrap_or_default().to_owned();
        let call = origin.call_options();
        let timeout = call.timeout.unwrap_or(self.inner.timeout);
        let retry = call.retry.unwrap_or(self.inner.retry);
        headers.push(("authorization".to_owned(), self.inner.authorization.clone()));
        headers.push(("user-agent".to_owned(), self.inner.user_agent.clone()));
        // JSON, unless the operation asks for JSON of another name.
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("accept")) {
            headers.push(("accept".to_owned(), "application/json".to_owned()));
        }
        let http =
            HttpRequest { method, url, log_url, max_body: self.inner.max_body, headers, body, timeout };
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "twilio.request",
            operation = origin.operation_id(),
            method = method.as_str(),
            path = origin.template(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let attempts = async {
            let started = tokio::time::Instant::now();
            // A budget too large for the clock is no budget: every time sum
            // saturates, so no header and no setting can panic the call.
            let deadline = retry.max_elapsed.and_then(|budget| started.checked_add(budget));
            let mut http = http;
            let mut attempt = 0;
            let (outcome, asked) = loop {
                // An attempt may take what is left of the call's budget.
                if let Some(deadline) = deadline {
                    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                    if left.is_zero() {
                        break (Err(TransportError::Timeout), None);
                    }
                    http.timeout = timeout.min(left);
                }
                // The last attempt allowed sends the request itself, the
                // others a copy.
                if attempt >= retry.max_retries {
                    let outcome = self.inner.transport.execute(http).await;
                    let asked = outcome.as_ref().ok().and_then(retry_after);
                    break (outcome, asked);
                }
                let outcome = self.inner.transport.execute(http.clone()).await;
                let retryable = match &outcome {
                    Ok(response) => matches!(response.status, 429 | 503) && method.is_idempotent(),
                    Err(TransportError::Connect(_)) => true,
                    Err(_) => false,
                };
                let asked = outcome.as_ref().ok().and_then(retry_after);
                if !retryable {
                    break (outcome, asked);
                }
                // Never earlier than the server allows; a computed backoff
                // is capped, a `Retry-After` is not.
                let wait = asked.unwrap_or_else(|| backoff(&retry, attempt).min(retry.max_backoff));
                let fits = deadline
                    .is_none_or(|d| tokio::time::Instant::now().checked_add(wait).is_some_and(|end| end < d));
                if !fits {
                    break (outcome, asked);
                }
                attempt += 1;
                #[cfg(feature = "tracing")]
                tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                tokio::time::sleep(wait).await;
            };
            #[cfg(feature = "tracing")]
            {
                let current = tracing::Span::current();
                current.record("attempts", attempt + 1);
                if let Ok(response) = &outcome {
                    current.record("status", response.status);
                    if let Some(id) = request_id(response) {
                        current.record("request_id", id.as_str());
                    }
                }
            }
            let call = Call {
                operation: origin.operation_id(),
                method,
                path: origin.template(),
                host,
                attempts: attempt + 1,
            };
            // A redirect is the answer only where the call expects one; the
            // transport never follows it.
            let redirect = origin.expects_redirect() && (300..400).contains(&response_status(&outcome));
            match outcome {
                Ok(response) if (200..300).contains(&response.status) || redirect => {
                    Ok(Answered { response, call })
                }
                Ok(response) => {
                    let mut error = ApiError::from_response(response.status, &response.body)
                        .redacting(origin.personal_values());
                    error.retry_after = asked;
                    error.request_id = request_id(&response);
                    error.call = Some(call);
                    Err(Error::Api(Box::new(error)))
                }
                Err(TransportError::Timeout) => Err(Error::Timeout {
                    call: Box::new(call),
                    after: retry.max_elapsed.map_or(timeout, |b| b.min(timeout)),
                }),
                Err(TransportError::TooLarge) => {
                    Err(Error::ResponseTooLarge { call: Box::new(call), limit: self.inner.max_body })
                }
                Err(TransportError::Connect(source) | TransportError::Other(source)) => {
                    Err(Error::Transport { call: Box::new(call), source })
                }
            }
        };
        #[cfg(feature = "tracing")]
        let attempts = tracing::Instrument::instrument(attempts, span);
        attempts.await
    }
}

/// The status of a response, or 0 without one.
fn response_status(outcome: &Result<HttpResponse, TransportError>) -> u16 {
    outcome.as_ref().map_or(0, |r| r.status)
}

/// A successful response and the call that got it.
pub(crate) struct Answered {
    pub(crate) response: HttpResponse,
    pub(crate) call: Call,
}

/// Decodes a JSON body, or explains why it does not fit.
pub(crate) fn decode<T: DeserializeOwned>(answered: &Answered) -> Result<T, Error> {
    serde_json::from_slice(&answered.response.body).map_err(|e| decode_error(answered, &e.to_string()))
}

/// The error for a body that does not fit, naming the call.
pub(crate) fn decode_error(answered: &Answered, message: &str) -> Error {
    Error::Decode {
        call: Box::new(answered.call.clone()),
        status: answered.response.status,
        request_id: request_id(&answered.response),
        message: redact_quoted(message),
        body: body_text(&answered.response.body),
    }
}

/// Twilio's id for the request (`Twilio-Request-Id`), as sent, at most 128
/// characters: server text, shown escaped.
fn request_id(response: &HttpResponse) -> Option<String> {
    response.header("twilio-request-id").map(|id| id.chars().take(128).collect())
}

/// The wait a `Retry-After` header asks for, in seconds or as an HTTP date.
fn retry_after(response: &HttpResponse) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.signed_duration_since(chrono::Utc::now()).to_std().unwrap_or_default();
    Some(wait)
}

/// Exponential backoff with jitter: `initial * 2^attempt`, plus up to half
/// of that at random.
fn backoff(retry: &RetryPolicy, attempt: u32) -> Duration {
    let base = retry.initial_backoff.saturating_mul(1 << attempt.min(16));
    let jitter = base.mul_f64(fastrand::f64() / 2.0);
    base.saturating_add(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(edge: Option<&str>, region: Option<&str>) -> Client {
        let mut builder =
            Client::builder(Credentials::auth_token("AC00000000000000000000000000000123", "secret-token"));
        if let Some(edge) = edge {
            builder = builder.edge(edge);
        }
        if let Some(region) = region {
            builder = builder.region(region);
        }
        builder.build().expect("builds")
    }

    #[test]
    fn edge_and_region_rewrite_hosts() {
        let cases = [
            (None, None, "https://chat.twilio.com/"),
            (Some("sydney"), None, "https://chat.sydney.us1.twilio.com/"),
            (Some("sydney"), Some("au1"), "https://chat.sydney.au1.twilio.com/"),
            (None, Some("ie1"), "https://chat.ie1.twilio.com/"),
        ];
        for (edge, region, expected) in cases {
            let url = client(edge, region).resolve_base("https://chat.twilio.com").map(|u| u.to_string());
            assert_eq!(url.ok().as_deref(), Some(expected), "{edge:?} {region:?}");
        }
    }

    #[test]
    fn the_environment_is_read_only_when_asked() {
        let vars = |name: &str| match name {
            "TWILIO_ACCOUNT_SID" => Some("AC000000000000000000000000000000e0".to_owned()),
            "TWILIO_AUTH_TOKEN" => Some("env-token".to_owned()),
            "TWILIO_BASE_URL" => Some("http://127.0.0.1:4010".to_owned()),
            "TWILIO_EDGE" => Some("sydney".to_owned()),
            "TWILIO_REGION" => Some("ie1".to_owned()),
            _ => None,
        };
        let base = |c: &Client| c.resolve_base("https://chat.twilio.com").map(|u| u.to_string()).ok();
        let from_env: Client = ClientBuilder::new().from_env().build_with(vars).expect("builds");
        assert_eq!(from_env.account_sid(), "AC000000000000000000000000000000e0");
        assert_eq!(base(&from_env).as_deref(), Some("http://127.0.0.1:4010/"));
        assert_eq!(from_env.inner.edge.as_deref(), Some("sydney"));
        // Given settings win over the environment, before or after the step.
        let given: Client = ClientBuilder::new()
            .base_url("http://127.0.0.1:9")
            .expect("valid")
            .from_env()
            .edge("dublin")
            .build_with(vars)
            .expect("builds");
        assert_eq!(given.inner.edge.as_deref(), Some("dublin"));
        assert_eq!(base(&given).as_deref(), Some("http://127.0.0.1:9/"));
        // Without the step nothing is read, whichever way the builder began.
        let explicit = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "t"))
            .build_with(vars)
            .expect("builds");
        let new: Client = ClientBuilder::new()
            .credentials(Credentials::auth_token("AC00000000000000000000000000000001", "t"))
            .build_with(vars)
            .expect("builds");
        for client in [&explicit, &new] {
            assert_eq!(client.account_sid(), "AC00000000000000000000000000000001");
            assert_eq!((client.inner.edge.as_deref(), client.inner.region.as_deref()), (None, None));
            assert_eq!(base(client).as_deref(), Some("https://chat.twilio.com/"));
        }
        let none = ClientBuilder::<Client>::new().build_with(vars).expect_err("no credentials and no step");
        assert!(none.to_string().contains("from_env"), "{none}");
        assert!(
            ClientBuilder::<Client>::new().from_env().build_with(|_| None).is_err(),
            "no credentials anywhere"
        );
    }

    #[test]
    fn settings_show_in_debug_and_accessors() {
        let builder = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "t"))
            .connect_timeout(Duration::from_millis(1234))
            .timeout(Duration::from_millis(5678))
            .max_response_bytes(4321);
        let text = format!("{builder:?}");
        assert!(text.contains("1.234s") && text.contains("5.678s") && text.contains("4321"), "{text}");
        let client = builder.build().expect("builds");
        assert!(client.user_agent().starts_with("twilio-runtime/"), "{}", client.user_agent());
        let named = client.with_product("twilio-bindings/9.9.9");
        assert!(named.user_agent().starts_with("twilio-bindings/9.9.9 ("), "{}", named.user_agent());
        assert!(format!("{client:?}").starts_with("Client {"), "{client:?}");
    }

    #[test]
    fn environment_variables_and_accessors() {
        // Set and non-empty wherever tests run.
        assert!(env_var("PATH").is_some());
        assert_eq!(env_var("TWILIO_TEST_SURELY_UNSET_VARIABLE"), None);
        let key = Credentials::api_key(
            "AC00000000000000000000000000000001",
            "SK00000000000000000000000000000001",
            "key-secret",
        );
        assert_eq!(key.account_sid(), "AC00000000000000000000000000000001");
        assert_eq!(client(None, None).account_sid(), "AC00000000000000000000000000000123");
    }

    #[test]
    fn user_names_and_passwords_leave_urls() {
        let cases = [
            ("http://user:pw@host:1/p?q=1", "http://host:1/p?q=1"),
            ("https://user@host", "https://host"),
            ("http://host/a@b", "http://host/a@b"),
            ("http://127.0.0.1:9/", "http://127.0.0.1:9/"),
            ("not a url", "not a url"),
        ];
        for (text, shown) in cases {
            assert_eq!(without_userinfo(text), shown, "{text}");
        }
        let refused =
            Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "secret-token"))
                .base_url("http://user:hunter2@127.0.0.1:9/")
                .expect_err("credentials in a base URL are refused");
        let text = format!("{refused} {refused:?}");
        assert!(text.contains("127.0.0.1:9") && text.contains("user name or password"), "{text}");
        assert!(!text.contains("hunter2") && !text.contains("user:"), "{text}");
        assert!(
            Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "t"))
                .base_url("http://user@127.0.0.1:9/")
                .is_err()
        );
        let client =
            Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "secret-token"))
                .base_url("http://127.0.0.1:9/")
                .expect("valid")
                .build()
                .expect("builds");
        let client = format!("{client:?}");
        assert!(client.contains("127.0.0.1:9") && !client.contains("secret-token"), "{client}");
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let client = client(None, None);
        let text = format!(
            "{client:?} {:?}",
            Credentials::api_key(
                "AC00000000000000000000000000000001",
                "SK00000000000000000000000000000001",
                "key-secret"
            )
        );
        assert!(!text.contains("secret-token") && !text.contains("key-secret"), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }

    #[test]
    fn credentials_from_variables() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
        };
        let token = Credentials::from_lookup(vars(&[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
            ("TWILIO_AUTH_TOKEN", "t"),
        ]));
        assert_eq!(token.map(|c| c.username).ok().as_deref(), Some("AC00000000000000000000000000000001"));
        let key = Credentials::from_lookup(vars(&[
            ("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001"),
            ("TWILIO_AUTH_TOKEN", "t"),
            ("TWILIO_API_KEY", "SK00000000000000000000000000000001"),
            ("TWILIO_API_SECRET", "s"),
        ]));
        assert_eq!(key.map(|c| c.username).ok().as_deref(), Some("SK00000000000000000000000000000001"));
        assert!(
            Credentials::from_lookup(vars(&[("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000001")]))
                .is_err()
        );
        assert!(Credentials::from_lookup(vars(&[])).is_err());
    }

    #[test]
    fn backoff_doubles_with_up_to_half_again_of_jitter() {
        let retry = RetryPolicy { initial_backoff: Duration::from_millis(100), ..RetryPolicy::default() };
        assert_eq!(RetryPolicy::none().max_retries, 0);
        let waits: Vec<Duration> = (0..400).map(|_| backoff(&retry, 2)).collect();
        let (low, high) = (Duration::from_millis(400), Duration::from_millis(600));
        assert!(waits.iter().all(|w| (low..high).contains(w)), "{waits:?}");
        // The jitter spreads the waits over the whole range.
        assert!(waits.iter().any(|w| *w < Duration::from_millis(450)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(550)));
    }

    #[tokio::test]
    async fn headers_and_bodies_reach_the_transport() {
        let mock = std::sync::Arc::new(crate::test_util::MockTransport::new());
        mock.push_json(200, serde_json::json!({}))
            .push_json(200, serde_json::json!({}))
            .push_json(200, serde_json::json!({}));
        let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "token"))
            .transport(mock.clone())
            .build();
        let client = client.expect("builds");
        let mut form = Request::new(crate::Method::Post, "https://conversations.twilio.com");
        form.push_path("/v1/Services");
        form.header("X-Twilio-Webhook-Enabled", &true);
        form.form("FriendlyName", &"a b");
        client.send_empty(form).await.expect("sent");
        let mut json = Request::new(crate::Method::Post, "https://conversations.twilio.com");
        json.push_path("/v1/Services");
        json.json("body", &serde_json::json!({"a": 1}));
        client.send_empty(json).await.expect("sent");
        let mut scim = Request::new(crate::Method::Get, "https://preview-iam.twilio.com");
        scim.push_path("/Organizations/OR0/scim/Users");
        scim.header("Accept", &"application/scim+json");
        client.send_empty(scim).await.expect("sent");

        let requests = mock.requests();
        let header = |i: usize, name: &str| {
            requests[i].headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
        };
        assert_eq!(requests[0].body.as_deref(), Some("FriendlyName=a+b"));
        assert_eq!(header(0, "content-type").as_deref(), Some("application/x-www-form-urlencoded"));
        assert_eq!(header(0, "x-twilio-webhook-enabled").as_deref(), Some("true"));
        assert_eq!(requests[1].body.as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(header(1, "content-type").as_deref(), Some("application/json"));
        // JSON is asked for, unless the operation asks for JSON of another name.
        assert_eq!(header(0, "accept").as_deref(), Some("application/json"));
        let accepts: Vec<_> =
            requests[2].headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case("accept")).collect();
        assert_eq!(accepts.len(), 1, "{accepts:?}");
        assert_eq!(header(2, "accept").as_deref(), Some("application/scim+json"));
        let shown = format!("{:?}", requests[0]);
        assert!(shown.starts_with("HttpRequest {"), "{shown}");
        for part in [
            "method: Post",
            "url: \"https://conversations.twilio.com/v1/Services\"",
            "(\"x-twilio-webhook-enabled\", \"true\")",
            "(\"authorization\", \"[redacted]\")",
            "body: Some(16)",
        ] {
            assert!(shown.to_lowercase().contains(&part.to_lowercase()), "{part} in {shown}");
        }
    }

    /// An operation whose only answer is a redirect gets where it points,
    /// never following it; any other call still takes a 3xx as an error.
    #[tokio::test]
    async fn redirects_are_answers_only_where_expected() {
        use crate::test_util::{MockTransport, Reply};
        let mock = Arc::new(MockTransport::new());
        let signed = "https://bucket.s3.amazonaws.com/AC0/day.json.gz?X-Amz-Signature=secret";
        mock.on(crate::Method::Get, "/v1/Exports/Messages/Days/2024-01-02")
            .respond(Reply::json(307, serde_json::json!({"redirect_to": signed})));
        mock.on(crate::Method::Get, "/v1/authorize")
            .respond(Reply::status(302).header("Location", "https://example.com/cb?code=1"));
        let client = Client::builder(Credentials::auth_token("AC00000000000000000000000000000001", "t"))
            .transport(mock)
            .build()
            .expect("builds");
        let get = |path: &str| {
            let mut request = Request::new(crate::Method::Get, "https://bulkexports.twilio.com");
            request.push_path(path);
            request
        };
        let day =
            client.send_redirect(get("/v1/Exports/Messages/Days/2024-01-02")).await.expect("a redirect");
        assert_eq!((day.status, day.url()), (307, Some(signed)));
        assert_eq!(
            format!("{day:?}"),
            r#"Redirect { status: 307, location: None, redirect_to: Some("https://bucket.s3.amazonaws.com/[redacted]/[redacted]?[redacted]") }"#
        );
        let authorize = client.send_redirect(get("/v1/authorize")).await.expect("a redirect");
        assert_eq!(authorize.url(), Some("https://example.com/cb?code=1"));
        let error = client.send_empty(get("/v1/authorize")).await.expect_err("not expected");
        assert_eq!(error.status(), Some(302));
    }

    #[test]
    fn access_tokens_are_sent_as_bearer_and_checked() {
        let token = Credentials::bearer("eyJhbGciOi.token-value");
        assert!(token.check().is_ok());
        assert_eq!(token.authorization(), "Bearer eyJhbGciOi.token-value");
        assert!(!format!("{token:?}").contains("token-value"));
        for bad in ["", "two words", "line\nbreak"] {
            let error = Credentials::bearer(bad).check().expect_err("refused");
            assert!(!error.to_string().contains("words") && !error.to_string().contains("break"), "{error}");
        }
    }
}
