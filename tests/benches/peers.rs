//! This crate beside what a user would otherwise pick: Twilio's official
//! SDKs (twilio-python and twilio-node, pinned in `bench/sdk/`) and two
//! hand-written reqwest + serde_json loops, one into untyped `Option<String>`
//! fields and one into this crate's typed `Binding`. Every way lists the same
//! pre-rendered pages of Chat v2 bindings (50 a page) from one loopback
//! server, each in a process of its own, so that its CPU (user + system, from
//! `getrusage` of the finished child) is its own; the server runs in this
//! process, whose own CPU over each run shows it is not the bottleneck.
//!
//! `cargo bench -p tests --bench peers [-- --rounds N]` prints Markdown;
//! `-- --serve` only serves and prints the base URL, and `-- --child WAY BASE
//! SERVICE ITEMS` (`stream`, `untyped`, `typed`) lists once, for a profiler
//! (the services are `IS…0a`, 10,000 items, and `IS…0b`, 100,000). The
//! SDKs are installed on first use into the target directory (pip with
//! `--require-hashes`, `npm ci --ignore-scripts`); a missing Python or Node,
//! or an install that fails, is a line in the output, not a failure. This is
//! a benchmark, not a test: it asserts nothing beyond every way listing every
//! item.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{hand_loop, median, peak_rss_kib, quartiles};
use futures_util::StreamExt;
use twilio_bindings::chat_v2::Binding;
use twilio_bindings::runtime::Client as Runtime;
use twilio_bindings::{Client, Credentials, RetryPolicy};

/// The two services listed: 10,000 and 100,000 bindings.
const SERVICES: [(&str, usize); 2] =
    [("IS0000000000000000000000000000000a", 10_000), ("IS0000000000000000000000000000000b", 100_000)];
/// Twilio's default page size for Chat v2 lists.
const PAGE_SIZE: usize = 50;
const ROUNDS: usize = 15;

/// A binding as a user who skips the model decodes it: text, as sent.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // Decoded to be measured, never read.
struct Untyped {
    sid: Option<String>,
    account_sid: Option<String>,
    service_sid: Option<String>,
    date_created: Option<String>,
    date_updated: Option<String>,
    endpoint: Option<String>,
    identity: Option<String>,
    credential_sid: Option<String>,
    binding_type: Option<String>,
    message_types: Option<Vec<String>>,
    url: Option<String>,
    links: Option<std::collections::BTreeMap<String, String>>,
}

/// In a child process: list `items` bindings of `service` one way (0: only
/// start, building the client), then print the items and the peak RSS.
async fn child(way: &str, base: &str, service: &str, items: usize) {
    let first = format!("{base}{}?PageSize={PAGE_SIZE}", common::list_path(service));
    let count = match way {
        "stream" => {
            let core = Runtime::builder(Credentials::auth_token(common::ACCOUNT, "token"))
                .base_url(base)
                .expect("base URL")
                .retry(RetryPolicy::none())
                .build()
                .expect("client");
            let client = Client::new(core);
            let mut count = 0;
            if items > 0 {
                let mut stream = client.chat_v2().service(service).bindings().list().stream();
                while let Some(item) = stream.next().await {
                    std::hint::black_box(item.expect("decodes"));
                    count += 1;
                }
            }
            count
        }
        hand => {
            let http = reqwest::Client::new();
            match (items, hand) {
                (0, _) => 0,
                (_, "typed") => hand_loop::<Binding>(&http, first).await,
                _ => hand_loop::<Untyped>(&http, first).await,
            }
        }
    };
    println!("{count} {}", peak_rss_kib());
}

/// How often each Rust way lists per round, interleaved with the others:
/// a Rust run is short, and the median of three steadies the ratios that
/// compare them (the SDKs, a second or more a run, list once a round).
const RUST_RUNS: usize = 3;

/// One way of listing: a name for the table, the command that lists
/// `BASE SERVICE ITEMS` given after it, and how often it lists a round.
struct Way {
    name: String,
    argv: Vec<String>,
    runs: usize,
}

/// What one run of one way cost.
#[derive(Clone, Copy)]
struct Run {
    cpu_ms: f64,
    server_ms: f64,
    rss_kib: f64,
}

/// CPU milliseconds (user + system) of this process or of its waited-for
/// children, so far.
fn cpu_ms(who: nix::sys::resource::UsageWho) -> f64 {
    let usage = nix::sys::resource::getrusage(who).expect("getrusage");
    let (user, system) = (usage.user_time(), usage.system_time());
    (user.tv_sec() + system.tv_sec()) as f64 * 1e3 + (user.tv_usec() + system.tv_usec()) as f64 / 1e3
}

/// The median of each figure of `runs`.
fn median_run(runs: &[Run]) -> Run {
    let of = |f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
    Run { cpu_ms: of(|r| r.cpu_ms), server_ms: of(|r| r.server_ms), rss_kib: of(|r| r.rss_kib) }
}

/// Runs `way` on `items` bindings of `service` once: its CPU, the server's
/// CPU meanwhile, its peak RSS. `Err` when it failed or listed too few.
fn run(way: &Way, base: &str, service: &str, items: usize) -> Result<Run, String> {
    use nix::sys::resource::UsageWho::{RUSAGE_CHILDREN, RUSAGE_SELF};
    let (program, args) = way.argv.split_first().expect("a command");
    let (children, server) = (cpu_ms(RUSAGE_CHILDREN), cpu_ms(RUSAGE_SELF));
    let output = Command::new(program)
        .args(args)
        .args([base, service, &items.to_string()])
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let (cpu, server) = (cpu_ms(RUSAGE_CHILDREN) - children, cpu_ms(RUSAGE_SELF) - server);
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<f64>().unwrap_or(-1.0));
    let (count, rss) = (parts.next().unwrap_or(-1.0), parts.next().unwrap_or(0.0));
    if !output.status.success() || count != items as f64 {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
        return Err(format!("{} listed {count} of {items} ({}): {last}", way.name, output.status));
    }
    Ok(Run { cpu_ms: cpu, server_ms: server, rss_kib: rss })
}

/// Where the SDKs are installed: the target directory's scratch space.
fn sdk_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sdk")
}

/// Runs `command`, or says why it could not.
fn sh(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned();
    Err(format!("{} ({last})", output.status))
}

/// Installs what `pins` pins into `dir` unless the same pins are installed
/// there already (a copy of them is the stamp), then copies `script` beside.
fn install(
    pins: &[&Path],
    dir: &Path,
    script: &Path,
    how: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), String> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
    let mut wanted = Vec::new();
    for pin in pins {
        wanted.extend(read(pin)?);
    }
    let stamp = dir.join(".pins");
    if std::fs::read(&stamp).ok().as_deref() != Some(&wanted[..]) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        how(dir)?;
        std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
    }
    let name = script.file_name().expect("a file");
    std::fs::copy(script, dir.join(name)).map_err(|e| e.to_string())?;
    Ok(())
}

/// twilio-python, installed from `bench/sdk/requirements.txt`.
fn python(sdk: &Path) -> Result<Way, String> {
    let version =
        Command::new("python3").arg("--version").output().map_err(|_| "python3 is not installed")?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let dir = sdk_dir().join("python");
    let requirements = sdk.join("requirements.txt");
    install(&[&requirements], &dir, &sdk.join("list.py"), |dir| {
        sh(Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--require-hashes",
            ])
            .arg("--target")
            .arg(dir)
            .arg("-r")
            .arg(&requirements))
        .map_err(|e| format!("pip could not install bench/sdk/requirements.txt: {e}"))
    })?;
    let pinned = pinned(&requirements, "twilio==");
    Ok(Way {
        name: format!("twilio-python {pinned} `bindings.stream()` ({version})"),
        argv: vec!["python3".into(), "-S".into(), dir.join("list.py").display().to_string()],
        runs: 1,
    })
}

/// twilio-node, installed from `bench/sdk/package-lock.json`.
fn node(sdk: &Path) -> Result<Way, String> {
    let version = Command::new("node").arg("--version").output().map_err(|_| "node is not installed")?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
    let dir = sdk_dir().join("node");
    let (package, lock) = (sdk.join("package.json"), sdk.join("package-lock.json"));
    install(&[&package, &lock], &dir, &sdk.join("list.js"), |dir| {
        std::fs::copy(&package, dir.join("package.json")).map_err(|e| e.to_string())?;
        std::fs::copy(&lock, dir.join("package-lock.json")).map_err(|e| e.to_string())?;
        sh(Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"])
            .current_dir(dir))
        .map_err(|e| format!("npm could not install bench/sdk/package-lock.json: {e}"))
    })?;
    let lock = std::fs::read_to_string(&lock).unwrap_or_default();
    let pinned = serde_json::from_str::<serde_json::Value>(&lock)
        .ok()
        .and_then(|l| l["packages"]["node_modules/twilio"]["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned());
    Ok(Way {
        name: format!("twilio-node {pinned} `bindings.each()` (Node {version})"),
        argv: vec!["node".into(), dir.join("list.js").display().to_string()],
        runs: 1,
    })
}

/// The version a requirements file pins after `prefix`.
fn pinned(requirements: &Path, prefix: &str) -> String {
    let text = std::fs::read_to_string(requirements).unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("?")
        .to_owned()
}

/// Serves both services' pages; returns the base URL.
fn serve() -> String {
    common::serve(false, |base| common::Rendered {
        lists: SERVICES
            .iter()
            .map(|&(service, items)| {
                (common::list_path(service), common::pages(base, service, items / PAGE_SIZE, PAGE_SIZE))
            })
            .collect(),
        single: Vec::new(),
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let items = args[i + 4].parse().expect("items");
        runtime.block_on(child(&args[i + 1], &args[i + 2], &args[i + 3], items));
        return;
    }
    if args.iter().any(|a| a == "--serve") {
        println!("{}", serve());
        loop {
            std::thread::park();
        }
    }
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(ROUNDS)
        .max(1);

    let me = std::env::current_exe().expect("bench binary").display().to_string();
    let rust = |name: &str, way: &str| Way {
        name: name.to_owned(),
        argv: vec![me.clone(), "--child".into(), way.into()],
        runs: RUST_RUNS,
    };
    let mut ways = vec![
        rust("`twilio-bindings` `list().stream()`", "stream"),
        rust("hand-written reqwest + serde_json into `Option<String>` fields", "untyped"),
        rust("the same hand loop into `twilio_bindings::chat_v2::Binding`", "typed"),
    ];
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/sdk");
    let mut skipped = Vec::new();
    for peer in [python as fn(&Path) -> Result<Way, String>, node] {
        match peer(&sdk) {
            Ok(way) => ways.push(way),
            Err(why) => skipped.push(why),
        }
    }

    let base = serve();

    // runs[way][size]: every round's cost; size 0 is start-up only.
    let sizes = [0, SERVICES[0].1, SERVICES[1].1];
    let mut runs = vec![vec![Vec::<Run>::new(); sizes.len()]; ways.len()];
    let mut failed: Vec<Option<String>> = vec![None; ways.len()];
    let started = Instant::now();
    for (s, &items) in sizes.iter().enumerate() {
        let service = SERVICES[s.saturating_sub(1)].0;
        // A warm-up of each way, then rounds whose first way rotates; a
        // way that lists several times a round counts with its median.
        for round in 0..=rounds {
            let mut costs: Vec<Vec<Run>> = vec![Vec::new(); ways.len()];
            for again in 0..RUST_RUNS {
                for turn in 0..ways.len() {
                    let w = (round + turn) % ways.len();
                    if failed[w].is_some() || again >= ways[w].runs {
                        continue;
                    }
                    match run(&ways[w], &base, service, items) {
                        Ok(cost) => costs[w].push(cost),
                        Err(e) => failed[w] = Some(e),
                    }
                }
            }
            if round > 0 {
                for (w, costs) in
                    costs.iter().enumerate().filter(|(w, c)| failed[*w].is_none() && !c.is_empty())
                {
                    runs[w][s].push(median_run(costs));
                }
            }
        }
    }

    println!(
        "## Client beside Twilio's SDKs and hand-written loops: listing Chat v2 Service Bindings\n\n\
         One loopback server of pre-rendered pages ({PAGE_SIZE} bindings a page); each way in a \
         process of its own, {rounds} rotating rounds after a warm-up, in which each Rust way \
         lists {RUST_RUNS} times, interleaved, and counts with its median. CPU is user + system of the \
         whole process (`getrusage` of the finished child), start-up included; \"start\" is a run \
         that only loads and builds a client. Medians; ratios are the median of each round's ratio \
         to `list().stream()`, quartiles in brackets. Server CPU is this process's own over a run \
         of 100,000 items.\n"
    );
    println!(
        "| way | start, CPU ms | 10,000 items, CPU ms | ÷ stream | 100,000 items, CPU ms | ÷ stream | peak RSS at 100,000 | server CPU ms |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let ratio = |w: usize, s: usize| {
        let ratios: Vec<f64> =
            runs[w][s].iter().zip(&runs[0][s]).map(|(a, b)| a.cpu_ms / b.cpu_ms.max(1e-9)).collect();
        let (q1, q3) = quartiles(ratios.clone());
        format!("{:.2}× [{q1:.2}–{q3:.2}]", median(ratios))
    };
    let cpu = |w: usize, s: usize| median(runs[w][s].iter().map(|r| r.cpu_ms).collect());
    for (w, way) in ways.iter().enumerate() {
        if let Some(why) = &failed[w] {
            println!("| {} | failed: {} |||||||", way.name, why.replace('|', "\\|"));
            continue;
        }
        println!(
            "| {} | {:.0} | {:.0} | {} | {:.0} | {} | {:.1} MiB | {:.0} |",
            way.name,
            cpu(w, 0),
            cpu(w, 1),
            ratio(w, 1),
            cpu(w, 2),
            ratio(w, 2),
            median(runs[w][2].iter().map(|r| r.rss_kib).collect()) / 1024.0,
            median(runs[w][2].iter().map(|r| r.server_ms).collect())
        );
    }
    for why in &skipped {
        println!("| skipped: {} |||||||", why.replace('|', "\\|"));
    }
    if failed[0].is_none() && failed[1].is_none() {
        // The typed stream against the untyped floor, round by round.
        for (s, &items) in sizes.iter().enumerate().skip(1) {
            let ratios: Vec<f64> =
                runs[0][s].iter().zip(&runs[1][s]).map(|(a, b)| a.cpu_ms / b.cpu_ms.max(1e-9)).collect();
            let (q1, q3) = quartiles(ratios.clone());
            println!(
                "\n`list().stream()` ÷ the untyped hand loop at {items} items, CPU: {:.3}× [{q1:.3}–{q3:.3}]",
                median(ratios)
            );
        }
    }
    eprintln!("peers: {} ways, {rounds} rounds, {:.0} s", ways.len(), started.elapsed().as_secs_f64());
}
