//! Test support for code that uses a generated client: an in-memory
//! transport that replays scripted responses and records every request, so
//! a test needs no server (feature `test-util`).
//!
//! ```
//! use std::sync::Arc;
//! use twilio_runtime::test_util::MockTransport;
//! use twilio_runtime::{Client, Credentials, Method, Request};
//!
//! # async fn run() -> Result<(), twilio_runtime::Error> {
//! let mock = Arc::new(MockTransport::new());
//! mock.push_json(200, serde_json::json!({"sid": "BS0123456789abcdef0123456789abcdef"}));
//! let client = Client::builder(Credentials::auth_token("AC1", "token")).transport(mock.clone()).build()?;
//! let mut request = Request::new(Method::Get, "https://chat.twilio.com");
//! request.push_path("/v2/Services");
//! let body: serde_json::Value = client.send_json(request).await?;
//! assert_eq!(body["sid"], "BS0123456789abcdef0123456789abcdef");
//! assert_eq!(mock.requests()[0].url.path(), "/v2/Services");
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::sync::Mutex;

use crate::transport::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError};

/// One scripted answer.
#[derive(Debug)]
enum Answer {
    Response(HttpResponse),
    ConnectError,
    Timeout,
}

/// A transport that answers from a script, in order, and records every
/// request it is given. With the script used up it answers `404` with
/// Twilio's error body, so a missing answer shows as a clear error. A
/// scripted body longer than the client's
/// [`max_response_bytes`](crate::ClientBuilder::max_response_bytes) is
/// refused as the real transport refuses it.
#[derive(Debug, Default)]
pub struct MockTransport {
    script: Mutex<VecDeque<Answer>>,
    requests: Mutex<Vec<HttpRequest>>,
}

impl MockTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&self, answer: Answer) -> &Self {
        if let Ok(mut script) = self.script.lock() {
            script.push_back(answer);
        }
        self
    }

    /// Answers the next request with `status` and a JSON body.
    pub fn push_json(&self, status: u16, body: serde_json::Value) -> &Self {
        self.push_response(HttpResponse {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_string().into_bytes().into(),
        })
    }

    /// Answers the next request with this response.
    pub fn push_response(&self, response: HttpResponse) -> &Self {
        self.push(Answer::Response(response))
    }

    /// Fails the next request as if nothing were listening.
    pub fn push_connect_error(&self) -> &Self {
        self.push(Answer::ConnectError)
    }

    /// Fails the next request with a timeout.
    pub fn push_timeout(&self) -> &Self {
        self.push(Answer::Timeout)
    }

    /// Every request sent so far, in order (`Debug` hides credentials).
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// How many answers are left in the script.
    pub fn remaining(&self) -> usize {
        self.script.lock().map(|s| s.len()).unwrap_or_default()
    }
}

impl HttpClient for MockTransport {
    fn execute(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let max_body = request.max_body;
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(request);
        }
        let answer = self.script.lock().ok().and_then(|mut s| s.pop_front());
        let outcome = match answer {
            // As the real transport does, a body past the client's limit is refused.
            Some(Answer::Response(response)) if response.body.len() > max_body => Err(TransportError::TooLarge),
            Some(Answer::Response(response)) => Ok(response),
            Some(Answer::ConnectError) => Err(TransportError::Connect("connection refused (scripted)".into())),
            Some(Answer::Timeout) => Err(TransportError::Timeout),
            None => Ok(HttpResponse {
                status: 404,
                headers: Vec::new(),
                body: br#"{"code": 20404, "message": "MockTransport: no answer left in the script", "status": 404}"#
                    .to_vec()
                    .into(),
            }),
        };
        Box::pin(async move { outcome })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Client, Credentials, Error, Method, Request, RetryPolicy};

    #[tokio::test]
    async fn scripted_answers_come_in_order_and_are_counted() {
        let mock = Arc::new(MockTransport::new());
        mock.push_connect_error().push_timeout().push_json(200, serde_json::json!({"ok": true}));
        assert_eq!(mock.remaining(), 3);
        let no_retries = RetryPolicy { max_retries: 0, ..RetryPolicy::default() };
        let client = Client::builder(Credentials::auth_token("AC1", "token"))
            .transport(mock.clone())
            .retry(no_retries)
            .build()
            .expect("builds");
        let request = || Request::new(Method::Get, "https://chat.twilio.com");
        let first = client.send_json::<serde_json::Value>(request()).await;
        assert!(matches!(first, Err(Error::Transport(_))), "{first:?}");
        assert_eq!(mock.remaining(), 2);
        let second = client.send_json::<serde_json::Value>(request()).await;
        assert!(matches!(second, Err(Error::Timeout(_))), "{second:?}");
        let third = client.send_json::<serde_json::Value>(request()).await.expect("answered");
        assert_eq!(third["ok"], true);
        assert_eq!(mock.remaining(), 0);
        let fourth = client.send_json::<serde_json::Value>(request()).await;
        assert_eq!(fourth.expect_err("script used up").status(), Some(404));
        assert_eq!(mock.requests().len(), 4);
    }

    #[tokio::test]
    async fn the_response_limit_holds_for_scripted_bodies() {
        let mock = Arc::new(MockTransport::new());
        mock.push_json(200, serde_json::json!({"a": "0123456789"}))
            .push_json(200, serde_json::json!({"a": "0123456789"}));
        let client = |limit| {
            Client::builder(Credentials::auth_token("AC1", "token"))
                .transport(mock.clone())
                .max_response_bytes(limit)
                .build()
                .expect("builds")
        };
        let request = || Request::new(Method::Get, "https://chat.twilio.com");
        // `{"a":"0123456789"}` is 18 bytes.
        let small = client(17).send_json::<serde_json::Value>(request()).await;
        assert!(matches!(small, Err(Error::ResponseTooLarge { limit: 17 })), "{small:?}");
        let fits = client(18).send_json::<serde_json::Value>(request()).await;
        assert!(fits.is_ok(), "{fits:?}");
    }
}
