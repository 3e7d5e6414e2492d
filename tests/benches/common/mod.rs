//! What the client benchmarks share: a loopback server of pre-rendered pages
//! of Chat v2 bindings, the bindings themselves, and the hand-written
//! reqwest + serde_json loop that the generated client is measured against.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";

/// The lists a server answers: each a path (`/v2/Services/IS…/Bindings`)
/// and its pages as whole HTTP responses, plus one binding for fetches.
pub struct Rendered {
    pub lists: Vec<(String, Vec<Vec<u8>>)>,
    pub single: Vec<u8>,
}

/// Serves what `render` makes of the server's base URL on 127.0.0.1,
/// keep-alive, forever, from a runtime of its own (one thread, or a worker
/// per core when `workers`), so that a client's runtime runs only the client.
/// Responses are rendered once, before serving: the server only copies
/// bytes, so what is measured is the client. `?Page=N` picks a page.
pub fn serve(workers: bool, render: impl FnOnce(&str) -> Rendered) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    listener.set_nonblocking(true).expect("non-blocking");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let rendered = Arc::new(render(&base));
    let runtime = if workers {
        tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime")
    } else {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
    };
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = TcpListener::from_std(listener).expect("tokio listener");
            loop {
                let Ok((mut socket, _)) = listener.accept().await else { return };
                let rendered = rendered.clone();
                let _ = socket.set_nodelay(true);
                tokio::spawn(async move {
                    let mut buffer = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        let head_end = loop {
                            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match socket.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
                        buffer.drain(..head_end);
                        let target = head.split_whitespace().nth(1).unwrap_or("/");
                        let path = target.split('?').next().unwrap_or(target);
                        let list = rendered.lists.iter().find(|(p, _)| p == path);
                        let response: &[u8] = match list {
                            None => &rendered.single,
                            Some((_, pages)) => {
                                let n = target
                                    .split(['?', '&'])
                                    .find_map(|p| p.strip_prefix("Page="))
                                    .and_then(|v| v.parse::<usize>().ok())
                                    .unwrap_or(0);
                                &pages[n.min(pages.len() - 1)]
                            }
                        };
                        if socket.write_all(response).await.is_err() {
                            return;
                        }
                    }
                });
            }
        })
    });
    base
}

/// A whole HTTP response around `body`.
pub fn response(body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

/// Binding `i` of `service`, as Twilio sends it.
pub fn binding(service: &str, i: usize) -> serde_json::Value {
    let sid = format!("BS{i:032x}");
    serde_json::json!({
        "sid": sid, "account_sid": ACCOUNT, "service_sid": service,
        "date_created": "2016-10-21T11:37:03Z", "date_updated": "2016-10-21T11:37:03Z",
        "endpoint": format!("endpoint-{i}"), "identity": format!("user-{}", i % 997), "binding_type": "apn",
        "credential_sid": "CR0123456789abcdef0123456789abcdef",
        "message_types": ["removed_from_channel", "new_message", "added_to_channel", "invited_to_channel"],
        "url": format!("https://chat.twilio.com/v2/Services/{service}/Bindings/{sid}"),
        "links": {"user": format!("https://chat.twilio.com/v2/Services/{service}/Users/user-{}", i % 997)}
    })
}

/// The path of a service's list of bindings.
pub fn list_path(service: &str) -> String {
    format!("/v2/Services/{service}/Bindings")
}

/// The `pages` pages of `size` bindings of `service`, as HTTP responses whose
/// next-page links lead to `base`.
pub fn pages(base: &str, service: &str, pages: usize, size: usize) -> Vec<Vec<u8>> {
    let url = |n: usize| format!("{base}{}?PageSize={size}&Page={n}&PageToken=PT{n}", list_path(service));
    (0..pages)
        .map(|n| {
            let items: Vec<_> = (0..size).map(|i| binding(service, n * size + i)).collect();
            let body = serde_json::json!({
                "bindings": items,
                "meta": {
                    "page": n, "page_size": size, "key": "bindings",
                    "first_page_url": url(0), "url": url(n),
                    "previous_page_url": if n == 0 { None } else { Some(url(n - 1)) },
                    "next_page_url": if n + 1 < pages { Some(url(n + 1)) } else { None },
                }
            });
            response(body.to_string().as_bytes())
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct HandPage<T> {
    bindings: Vec<T>,
    meta: HandMeta,
}

#[derive(serde::Deserialize)]
struct HandMeta {
    next_page_url: Option<String>,
}

/// The loop a user would write by hand: GET, decode the page into `T`s,
/// follow `next_page_url` until it is null. Returns the items.
pub async fn hand_loop<T: DeserializeOwned>(http: &reqwest::Client, first: String) -> usize {
    let mut url = Some(first);
    let mut count = 0;
    while let Some(next) = url.take() {
        let bytes = http
            .get(&next)
            .basic_auth(ACCOUNT, Some("token"))
            .send()
            .await
            .expect("sent")
            .bytes()
            .await
            .expect("body");
        let page: HandPage<T> = serde_json::from_slice(&bytes).expect("decodes");
        count += page.bindings.len();
        std::hint::black_box(page.bindings);
        url = page.meta.next_page_url;
    }
    count
}

/// This process's peak resident set, in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// The median of `v` (the upper one of an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The first and third quartiles of `v`.
pub fn quartiles(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 { (f64::NAN, f64::NAN) } else { (v[n / 4], v[(3 * n / 4).min(n - 1)]) }
}
