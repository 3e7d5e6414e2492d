//! The HTTP layer behind a trait, so that tests and unusual deployments can
//! replace reqwest.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::request::Method;

/// A request ready for the wire: absolute URL, headers (credentials
/// included) and body. Its `Debug` hides the `Authorization` header and
/// shows the URL with personal data redacted.
#[derive(Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: url::Url,
    /// The URL with personal data shown as `[redacted]`, for logs.
    pub log_url: String,
    /// The most bytes of body to accept; a transport fails with
    /// [`TransportError::TooLarge`] past it.
    pub max_body: usize,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, for form requests.
    pub body: Option<String>,
    /// How long to wait for the whole response.
    pub timeout: Duration,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let hidden = k.eq_ignore_ascii_case("authorization");
                (k.as_str(), if hidden { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.log_url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(|b| b.len()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A response off the wire. Its `Debug` shows the body's length only:
/// bodies hold personal data.
#[derive(Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body. [`Bytes`](crate::Bytes) rather than a `Vec`, so that
    /// reqwest's buffer is decoded where it lies instead of copied.
    pub body: crate::Bytes,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

impl HttpResponse {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why no response arrived.
#[derive(Debug)]
pub enum TransportError {
    /// The timeout passed first.
    Timeout,
    /// Connecting failed; nothing reached the server, so a retry is safe.
    Connect(Box<dyn std::error::Error + Send + Sync>),
    /// The body was longer than the request's `max_body`.
    TooLarge,
    /// Anything else.
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// A boxed future, as trait methods return them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends requests. The default is [`ReqwestTransport`]; implement this to
/// mock Twilio or route requests elsewhere.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends one request and returns the response, whatever its status.
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// The default transport: reqwest with rustls (see the crate's TLS
/// features), no redirects followed (so credentials never travel to
/// another host).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport that gives up connecting after `connect_timeout`.
    pub fn new(connect_timeout: Duration) -> Result<Self, crate::Error> {
        let builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none());
        // The rustls features name their provider; `native-tls` is reqwest's own.
        #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
        let builder = builder.tls_backend_preconfigured(tls::config()?);
        let client = builder
            .build()
            .map_err(|e| crate::Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport { client })
    }
}

/// rustls configured as reqwest configures its own (the platform's
/// verifier, TLS 1.2 and 1.3, HTTP/1.1 by ALPN) with the provider the
/// features name, which is never installed process-wide: a program's other
/// TLS users keep theirs, and theirs never changes this one.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
mod tls {
    use std::fmt;
    use std::sync::Arc;

    /// `rustls` (the default): aws-lc-rs, whose key exchange prefers
    /// X25519MLKEM768 (post-quantum) and falls back to X25519.
    #[cfg(feature = "rustls")]
    use rustls::crypto::aws_lc_rs::default_provider as provider;

    /// `rustls-ring` alone: ring, built from the parts rustls and webpki
    /// publish (rustls no longer offers a ready ring provider, since ring
    /// has no post-quantum key exchange).
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    use ring_provider::provider;

    pub(super) fn config() -> Result<rustls::ClientConfig, crate::Error> {
        let fail = |e: &dyn fmt::Display| crate::Error::Config(format!("cannot set up TLS: {e}"));
        let provider = Arc::new(provider());
        let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| fail(&e))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| fail(&e))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }

    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    mod ring_provider {
        use rustls::SignatureScheme;
        use rustls::crypto::{
            CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom, WebPkiSupportedAlgorithms,
        };
        use rustls::pki_types::PrivateKeyDer;
        use rustls::sign::SigningKey;
        use webpki::ring as algs;

        /// What webpki verifies with ring, by the schemes TLS names.
        static SIGNATURES: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
            all: &[
                algs::ECDSA_P256_SHA256,
                algs::ECDSA_P256_SHA384,
                algs::ECDSA_P384_SHA256,
                algs::ECDSA_P384_SHA384,
                algs::ED25519,
                algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
                algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
                algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
                algs::RSA_PKCS1_2048_8192_SHA256,
                algs::RSA_PKCS1_2048_8192_SHA384,
                algs::RSA_PKCS1_2048_8192_SHA512,
                algs::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
                algs::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
                algs::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
            ],
            mapping: &[
                (SignatureScheme::ECDSA_NISTP384_SHA384, &[algs::ECDSA_P384_SHA384, algs::ECDSA_P256_SHA384]),
                (SignatureScheme::ECDSA_NISTP256_SHA256, &[algs::ECDSA_P256_SHA256, algs::ECDSA_P384_SHA256]),
                (SignatureScheme::ED25519, &[algs::ED25519]),
                (SignatureScheme::RSA_PSS_SHA512, &[algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY]),
                (SignatureScheme::RSA_PSS_SHA384, &[algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY]),
                (SignatureScheme::RSA_PSS_SHA256, &[algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY]),
                (SignatureScheme::RSA_PKCS1_SHA512, &[algs::RSA_PKCS1_2048_8192_SHA512]),
                (SignatureScheme::RSA_PKCS1_SHA384, &[algs::RSA_PKCS1_2048_8192_SHA384]),
                (SignatureScheme::RSA_PKCS1_SHA256, &[algs::RSA_PKCS1_2048_8192_SHA256]),
            ],
        };

        #[derive(Debug)]
        struct Ring;

        impl SecureRandom for Ring {
            fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
                ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
                    .map_err(|_| GetRandomFailed)
            }
        }

        impl KeyProvider for Ring {
            fn load_private_key(
                &self,
                key: PrivateKeyDer<'static>,
            ) -> Result<std::sync::Arc<dyn SigningKey>, rustls::Error> {
                rustls::crypto::ring::sign::any_supported_type(&key)
            }
        }

        pub(super) fn provider() -> CryptoProvider {
            CryptoProvider {
                cipher_suites: rustls::crypto::ring::DEFAULT_CIPHER_SUITES.to_vec(),
                kx_groups: rustls::crypto::ring::DEFAULT_KX_GROUPS.to_vec(),
                signature_verification_algorithms: SIGNATURES,
                secure_random: &Ring,
                key_provider: &Ring,
            }
        }
    }
}

impl HttpClient for ReqwestTransport {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(async move {
            let method = match request.method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Put => reqwest::Method::PUT,
                Method::Patch => reqwest::Method::PATCH,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut builder = self.client.request(method, request.url).timeout(request.timeout);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            // reqwest names the URL in its errors, and URLs may hold identities.
            let classify = |e: reqwest::Error| {
                let e = e.without_url();
                if e.is_timeout() {
                    TransportError::Timeout
                } else if e.is_connect() {
                    TransportError::Connect(Box::new(e))
                } else {
                    TransportError::Other(Box::new(e))
                }
            };
            let mut response = builder.send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            // A declared length within the limit is read whole (hyper stops
            // at that length); a body of unknown length is read in chunks up
            // to the limit, so a huge body never sits in memory.
            let body = match response.content_length() {
                Some(declared) if declared > request.max_body as u64 => return Err(TransportError::TooLarge),
                Some(_) => response.bytes().await.map_err(classify)?,
                None => {
                    let mut body = Vec::new();
                    while let Some(chunk) = response.chunk().await.map_err(classify)? {
                        if body.len() + chunk.len() > request.max_body {
                            return Err(TransportError::TooLarge);
                        }
                        body.extend_from_slice(&chunk);
                    }
                    body.into()
                }
            };
            Ok(HttpResponse { status, headers, body })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default TLS set-up builds without a process-wide provider and
    /// really handshakes: a server that answers a ClientHello with
    /// plain text is a TLS failure, not a panic and not a success.
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    #[tokio::test]
    async fn https_goes_through_tls() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let port = listener.local_addr().expect("address").port();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().expect("accepts");
            let mut hello = [0u8; 5];
            socket.read_exact(&mut hello).expect("reads");
            let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            hello
        });
        let transport = ReqwestTransport::new(Duration::from_secs(5)).expect("builds");
        let request = HttpRequest {
            method: Method::Get,
            url: format!("https://127.0.0.1:{port}/").parse().expect("URL"),
            log_url: String::new(),
            max_body: 1024,
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(5),
        };
        let result = transport.execute(request).await;
        let hello = server.join().expect("server");
        // A TLS record of type handshake (22), version 3.x.
        assert_eq!((hello[0], hello[1]), (22, 3), "{hello:?}");
        assert!(result.is_err(), "plain text accepted as TLS: {result:?}");
    }

    #[test]
    fn response_debug_shows_the_body_length_not_the_body() {
        let response = HttpResponse {
            status: 200,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: crate::Bytes::from_static(br#"{"identity": "alice@example.com"}"#),
        };
        let shown = format!("{response:?}");
        assert!(shown.contains("status: 200") && shown.contains("[33 bytes]"), "{shown}");
        assert!(!shown.contains("alice"), "{shown}");
    }
}
