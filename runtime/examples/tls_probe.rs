//! Connects once to the URL given, through the transport this build's TLS
//! feature sets up, and prints the status or why there is none: the test
//! of the default's post-quantum key exchange runs it once per feature.

use std::time::Duration;

use twilio_runtime::{HttpClient, HttpRequest, Method, ReqwestTransport};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(url) = std::env::args().nth(1).and_then(|u| url::Url::parse(&u).ok()) else {
        eprintln!("usage: tls_probe URL");
        std::process::exit(2);
    };
    let transport = match ReqwestTransport::new(Duration::from_secs(5)) {
        Ok(transport) => transport,
        Err(error) => {
            println!("error: {error}");
            return;
        }
    };
    let request = HttpRequest {
        method: Method::Get,
        log_url: url.to_string(),
        url,
        max_body: 1024,
        headers: Vec::new(),
        body: None,
        timeout: Duration::from_secs(5),
    };
    match transport.execute(request).await {
        Ok(response) => println!("status {}", response.status),
        Err(error) => println!("error: {error:?}"),
    }
}
