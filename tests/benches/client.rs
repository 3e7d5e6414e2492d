//! Client throughput: list 10,000 bindings (100 pages of 100) from a local
//! server through the generated client's auto-paging stream, side by side
//! with a hand-written reqwest + serde_json loop making the same requests and
//! decoding into the same type. Also peak memory for 10 and 100 pages, and
//! concurrent fetches through one shared client. While paging, the client
//! runs on one thread and the server on another, so that each way's time is
//! its own work and not the scheduler's; concurrent fetches run on the
//! default runtime, a worker per core.
//!
//! `cargo bench -p tests --bench client` prints Markdown tables. This is a
//! benchmark, not a test: it asserts nothing. `--profile stream|hand N` lists
//! N times one way only, for a profiler.

// Not every helper is used by every bench.
#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::{hand_loop, median, peak_rss_kib};
use futures_util::StreamExt;
use twilio_bindings::chat_v2::Binding;
use twilio_bindings::runtime::Client as Runtime;
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, RetryPolicy};

const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const PAGE_SIZE: usize = 100;

/// Serves `pages` pages of bindings of `SERVICE` (see `common::serve`).
fn serve(pages: usize, workers: bool) -> String {
    common::serve(workers, |base| common::Rendered {
        lists: vec![(common::list_path(SERVICE), common::pages(base, SERVICE, pages, PAGE_SIZE))],
        single: common::response(common::binding(SERVICE, 0).to_string().as_bytes()),
    })
}

fn client(base: &str) -> Client {
    let core = Runtime::builder(Credentials::auth_token(common::ACCOUNT, "token"))
        .base_url(base)
        .expect("base URL")
        .retry(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
        .build()
        .expect("client");
    Client::new(core)
}

async fn generated_stream(client: &Client) -> usize {
    let service: ServiceSid = SERVICE.parse().expect("valid");
    let mut stream = client.chat_v2().service(service).bindings().list().page_size(PAGE_SIZE as i64).stream();
    let mut count = 0;
    while let Some(item) = stream.next().await {
        std::hint::black_box(item.expect("decodes"));
        count += 1;
    }
    count
}

async fn hand_written(http: &reqwest::Client, base: &str) -> usize {
    hand_loop::<Binding>(http, format!("{base}/v2/Services/{SERVICE}/Bindings?PageSize={PAGE_SIZE}")).await
}

/// In a child process: list `pages` pages one way and print the items, the
/// peak RSS, and the peak RSS before listing (the server's rendered pages).
async fn memory_child(way: &str, pages: usize) {
    let base = serve(pages, false);
    let before = peak_rss_kib();
    let count = if way == "stream" {
        generated_stream(&client(&base)).await
    } else {
        hand_written(&reqwest::Client::new(), &base).await
    };
    println!("{count} {} {before}", peak_rss_kib());
}

/// What this benchmark prints when run again with `args`, in a process of
/// its own, its environment padded by `pad` bytes.
fn child(args: &[&str], pad: usize) -> String {
    let output = std::process::Command::new(std::env::current_exe().expect("bench binary"))
        .args(args)
        .env("TWILIO_BENCH_PAD", "x".repeat(pad))
        .output()
        .expect("child runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn memory(way: &str, pages: usize) -> (usize, u64) {
    let text = child(&["--memory", way, &pages.to_string()], 0);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u64>().unwrap_or(0));
    let (count, peak, before) =
        (parts.next().unwrap_or(0) as usize, parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (count, peak.saturating_sub(before))
}

fn main() {
    // Paging on one thread, as the server has its own: cross-thread wake-ups
    // made the run-to-run spread larger than the gap being measured.
    let one_thread = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--memory") {
        let pages = args.get(i + 2).and_then(|p| p.parse().ok()).unwrap_or(100);
        one_thread.block_on(memory_child(&args[i + 1], pages));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        let listings = args.get(i + 2).and_then(|n| n.parse().ok()).unwrap_or(100);
        one_thread.block_on(profile(args[i + 1] == "stream", listings));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--rounds") {
        let rounds = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(ROUNDS);
        one_thread.block_on(paging_rounds(rounds));
        return;
    }
    paging();
    memory_table();
    // Concurrent fetches on the default runtime, a worker per core, as most
    // programs run them.
    tokio::runtime::Runtime::new().expect("runtime").block_on(concurrent_fetches());
}

/// Both ways of listing, against one server of 100 pages.
struct Ways {
    base: String,
    client: Client,
    http: reqwest::Client,
}

impl Ways {
    fn new() -> Self {
        let base = serve(100, false);
        Ways { client: client(&base), http: reqwest::Client::new(), base }
    }

    /// Lists every page through the generated stream or by hand; returns
    /// the items.
    async fn list(&self, stream: bool) -> usize {
        if stream { generated_stream(&self.client).await } else { hand_written(&self.http, &self.base).await }
    }
}

/// Lists `listings` times one way only, for a profiler.
async fn profile(stream: bool, listings: usize) {
    let ways = Ways::new();
    for _ in 0..listings {
        ways.list(stream).await;
    }
}

/// Processes that time paging, and alternating rounds in each.
const PROCESSES: usize = 8;
const ROUNDS: usize = 16;

/// In a child process: `rounds` alternating rounds, after a warm-up of
/// each way, rotating which goes first; prints items/s of each way per round.
async fn paging_rounds(rounds: usize) {
    let ways = Ways::new();
    ways.list(true).await;
    ways.list(false).await;
    for round in 0..rounds {
        let (mut g, mut h) = (0.0, 0.0);
        for turn in 0..2 {
            let stream = (round + turn) % 2 == 0;
            let t = Instant::now();
            let rate = ways.list(stream).await as f64 / t.elapsed().as_secs_f64();
            *(if stream { &mut g } else { &mut h }) = rate;
        }
        println!("{g} {h}");
    }
}

/// Pools the rounds of several processes. A process has a bias of its own
/// that more rounds in it do not average out: the size of its environment
/// moves its stack, and that alone moved the ratio by 8% (0.94 under
/// `cargo bench`, 1.02 run directly). So each process gets an environment
/// padded differently, across a page.
fn paging() {
    let (mut generated, mut hand, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for process in 0..PROCESSES {
        let pad = process * 4096 / PROCESSES;
        for line in child(&["--rounds", &ROUNDS.to_string()], pad).lines() {
            let mut rates = line.split_whitespace().filter_map(|r| r.parse::<f64>().ok());
            if let (Some(g), Some(h)) = (rates.next(), rates.next()) {
                generated.push(g);
                hand.push(h);
                ratios.push(g / h);
            }
        }
    }
    let rounds = ratios.len();
    let (g, h) = (median(generated), median(hand));
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (sorted[rounds / 4], sorted[3 * rounds / 4]);
    println!(
        "## Client: 10,000 bindings in 100 pre-rendered pages from 127.0.0.1 ({PROCESSES} processes with differently padded environments, {ROUNDS} alternating rounds each; client and server on a thread each)\n"
    );
    println!("| way | items/s (median) | relative (median of per-round ratios) |\n|---|---:|---:|");
    println!(
        "| generated client, `list().stream()` | {g:.0} | {:.3} (quartiles {q1:.3}–{q3:.3}) |",
        median(ratios)
    );
    println!("| hand-written reqwest + serde_json loop | {h:.0} | 1.000 |");
}

fn memory_table() {
    println!(
        "\n## Client: peak memory while listing (RSS high-water mark above the server's pre-rendered pages)\n"
    );
    println!("| way | 10 pages | 100 pages |\n|---|---:|---:|");
    for way in ["stream", "hand"] {
        let (n10, m10) = memory(way, 10);
        let (n100, m100) = memory(way, 100);
        let name = if way == "stream" { "generated stream" } else { "hand-written loop" };
        println!("| {name} ({n10} / {n100} items) | {m10} KiB | {m100} KiB |");
    }
}

async fn concurrent_fetches() {
    let client = client(&serve(1, true));
    let fetches = 2000;
    println!(
        "\n## Client: {fetches} fetches through one shared client (the default runtime, a worker per core)\n"
    );
    println!("| concurrency | fetches/s |\n|---|---:|");
    let sid: BindingSid = "BS0123456789abcdef0123456789abcdef".parse().expect("valid");
    let service: ServiceSid = SERVICE.parse().expect("valid");
    for concurrency in [1, 8, 64] {
        let t = Instant::now();
        let done = futures_util::stream::iter(0..fetches)
            .map(|_| client.chat_v2().service(service.clone()).binding(sid.clone()).fetch().send())
            .buffer_unordered(concurrency)
            .filter(|r| std::future::ready(r.is_ok()))
            .count()
            .await;
        let rate = done as f64 / t.elapsed().max(Duration::from_micros(1)).as_secs_f64();
        println!("| {concurrency} | {rate:.0} |");
    }
}
