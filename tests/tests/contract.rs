//! Contract tests: the generated client against Stoplight Prism serving
//! Twilio's full published specs (not our fragments), with request
//! validation on. Every operation with every filter, every named example and
//! dynamic responses must pass Prism's checks and decode into the typed
//! models; what Prism rejects must be impossible to send through the typed
//! API. The example program runs against Prism too.
//!
//! Prism is installed from `tests/prism/package.json` (pinned, with its lock
//! file) on first use, started on free loopback ports and stopped afterwards,
//! even when a check fails (`xtask::prism`, which `cargo xtask contract`
//! uses too). If it cannot start, the test fails.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use twilio_bindings::chat_v2::{BindingType, UserBindingType};
use twilio_bindings::conversations_v1::ServiceBindingType;
use twilio_bindings::runtime::{
    BoxFuture, HttpClient, HttpRequest, HttpResponse, Method, Request, ReqwestTransport, TransportError,
};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error};
use xtask::prism::Prism;

const SERVICE: &str = "ISaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const BINDING: &str = "BSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const DYNAMIC_RUNS: usize = 10;

fn root() -> PathBuf {
    xtask::root()
}

/// Prism serving one of the upstream specs (installed and started by
/// `xtask::prism`, stopped when dropped).
fn prism(spec: &str) -> Prism {
    Prism::start(&root(), &root().join("spec/upstream").join(spec)).unwrap_or_else(|e| panic!("{e}"))
}

/// One request and what Prism answered.
#[derive(Debug, Clone)]
struct Exchange {
    url: String,
    status: u16,
}

/// A transport that adds Prism's `Prefer` header and records every exchange:
/// the client's transport trait doubles as a test hook.
#[derive(Debug)]
struct Recording {
    inner: ReqwestTransport,
    prefer: Mutex<Option<String>>,
    log: Mutex<Vec<Exchange>>,
}

impl HttpClient for Recording {
    fn execute(&self, mut request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        if let Some(prefer) = self.prefer.lock().ok().and_then(|p| p.clone()) {
            request.headers.push(("prefer".to_owned(), prefer));
        }
        Box::pin(async move {
            let url = request.url.to_string();
            let response = self.inner.execute(request).await;
            if let Ok(r) = &response {
                if let Ok(mut log) = self.log.lock() {
                    log.push(Exchange { url, status: r.status });
                }
            }
            response
        })
    }
}

struct Api {
    client: Client,
    recording: Arc<Recording>,
}

impl Api {
    fn new(prism: &Prism) -> Api {
        let recording = Arc::new(Recording {
            inner: ReqwestTransport::new(Duration::from_secs(5)).expect("transport"),
            prefer: Mutex::new(None),
            log: Mutex::new(Vec::new()),
        });
        let core = twilio_bindings::runtime::Client::builder(Credentials::auth_token(
            "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "token",
        ))
        .base_url(&prism.url())
        .expect("base URL")
        .transport(recording.clone())
        .build()
        .expect("client");
        Api { client: Client::new(core), recording }
    }

    fn prefer(&self, prefer: Option<String>) {
        if let Ok(mut p) = self.recording.prefer.lock() {
            *p = prefer;
        }
    }

    fn last(&self) -> Exchange {
        self.recording.log.lock().ok().and_then(|l| l.last().cloned()).expect("a request was sent")
    }
}

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid")
}

fn binding() -> BindingSid {
    BINDING.parse().expect("valid")
}

/// The named examples of each operation's success response in the upstream
/// spec, keyed by `(METHOD, path)`.
fn examples(spec: &str) -> BTreeMap<(String, String), Vec<String>> {
    let text = std::fs::read_to_string(root().join("spec/upstream").join(spec)).expect("upstream spec");
    let doc: serde_json::Value = serde_yaml::from_str(&text).expect("upstream spec is YAML");
    let mut out = BTreeMap::new();
    for fragment in xtask::slice::FRAGMENTS.iter().filter(|f| f.upstream == spec) {
        for path in fragment.paths {
            for (method, op) in doc["paths"][path].as_object().into_iter().flatten() {
                let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else { continue };
                let names: Vec<String> = responses
                    .values()
                    .filter_map(|r| r.pointer("/content/application~1json/examples"))
                    .filter_map(|e| e.as_object())
                    .flat_map(|e| e.keys().cloned())
                    .collect();
                out.insert((method.to_uppercase(), (*path).to_owned()), names);
            }
        }
    }
    out
}

/// Runs one of the nine operations, with every optional filter set.
async fn call(api: &Api, method: &str, path: &str) -> Result<usize, Error> {
    let chat = api.client.chat_v2().service(service());
    let conversations = api.client.conversations_v1().service(service());
    match (method, path) {
        ("GET", "/v2/Services/{ServiceSid}/Bindings") => chat
            .bindings()
            .list()
            .binding_type([BindingType::Gcm, BindingType::Apn, BindingType::Fcm])
            .identity(["TestUser", "Other User"])
            .page_size(50)
            .send()
            .await
            .map(|p| p.items.len()),
        ("GET", "/v2/Services/{ServiceSid}/Bindings/{Sid}") => {
            chat.binding(binding()).fetch().send().await.map(|_| 1)
        }
        ("DELETE", "/v2/Services/{ServiceSid}/Bindings/{Sid}") => {
            chat.binding(binding()).delete().send().await.map(|()| 0)
        }
        ("GET", "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings") => chat
            .user("TestUser")
            .user_bindings()
            .list()
            .binding_type([UserBindingType::Gcm, UserBindingType::Apn, UserBindingType::Fcm])
            .page_size(50)
            .send()
            .await
            .map(|p| p.items.len()),
        ("GET", "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}") => {
            chat.user("TestUser").user_binding(binding()).fetch().send().await.map(|_| 1)
        }
        ("DELETE", "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}") => {
            chat.user("TestUser").user_binding(binding()).delete().send().await.map(|()| 0)
        }
        ("GET", "/v1/Services/{ChatServiceSid}/Bindings") => conversations
            .bindings()
            .list()
            .binding_type([
                ServiceBindingType::Apn,
                ServiceBindingType::Gcm,
                ServiceBindingType::Fcm,
                "twilsock".parse().expect("Conversations knows twilsock"),
            ])
            .identity(["TestUser"])
            .page_size(100)
            .send()
            .await
            .map(|p| p.items.len()),
        ("GET", "/v1/Services/{ChatServiceSid}/Bindings/{Sid}") => {
            conversations.binding(binding()).fetch().send().await.map(|_| 1)
        }
        ("DELETE", "/v1/Services/{ChatServiceSid}/Bindings/{Sid}") => {
            conversations.binding(binding()).delete().send().await.map(|()| 0)
        }
        other => panic!("no call for {other:?}"),
    }
}

/// What the typed API cannot send, Prism rejects when sent by hand.
async fn forbidden_requests(api: &Api, failures: &mut Vec<String>) {
    let raw = |path: &str, query: &[(&'static str, &str)]| {
        let mut request = Request::new(Method::Get, "https://chat.twilio.com");
        request.push_path(path);
        for (key, value) in query {
            request.query(key, value);
        }
        request
    };
    let cases = [
        ("bad SID", raw("/v2/Services/ISnot-a-sid/Bindings", &[])),
        (
            "PageSize over the maximum",
            raw(&format!("/v2/Services/{SERVICE}/Bindings"), &[("PageSize", "1000")]),
        ),
        ("unknown enum", raw(&format!("/v2/Services/{SERVICE}/Bindings"), &[("BindingType", "pigeon")])),
    ];
    for (name, request) in cases {
        match api.client.runtime().execute(&request).await {
            // 422 for a bad query; a path parameter that fails its pattern matches no route.
            Err(error) if matches!(error.status(), Some(422 | 404)) => {}
            other => {
                failures.push(format!("Prism should reject a hand-made request with a {name}: {other:?}"))
            }
        }
    }
    // The typed API cannot express them.
    if "ISnot-a-sid".parse::<ServiceSid>().is_ok() {
        failures.push("a malformed SID parsed".to_owned());
    }
    if "pigeon".parse::<BindingType>().is_ok() {
        failures.push("an unknown binding type parsed".to_owned());
    }
    let clamped = api.client.chat_v2().service(service()).bindings().list().page_size(1000).to_request();
    if clamped.query_pairs() != [("PageSize", "50".to_owned())] {
        failures.push(format!("page_size(1000) was not clamped to 50: {:?}", clamped.query_pairs()));
    }
    api.prefer(None);
    match api.client.chat_v2().service(service()).bindings().list().page_size(1000).send().await {
        Ok(_) => {}
        Err(e) => failures.push(format!("a clamped page size was rejected: {e}")),
    }
}

fn example_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let debug = exe.parent().and_then(Path::parent).expect("target/debug");
    let binary = debug.join("examples/bindings");
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "twilio-bindings", "--example", "bindings"])
            .current_dir(root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the example program does not build");
    }
    binary
}

/// Runs the example program; returns (success, stdout, stderr).
fn example(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(example_binary())
        .args(args)
        .env("TWILIO_ACCOUNT_SID", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
        .env("TWILIO_AUTH_TOKEN", "token")
        .env_remove("TWILIO_API_KEY")
        .env_remove("TWILIO_EDGE")
        .env_remove("TWILIO_REGION")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let output = child.wait_with_output().expect("the example ends");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn example_program(chat: &Prism, conversations: &Prism, failures: &mut Vec<String>) {
    let mut check = |name: &str, args: Vec<String>, stdin: &str, expect: &dyn Fn(&str, &str) -> bool| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, stdout, stderr) = example(&args, stdin);
        if !ok || !expect(&stdout, &stderr) {
            failures.push(format!("example {name}: ok={ok}\nstdout:\n{stdout}\nstderr:\n{stderr}"));
        }
    };
    let base = |p: &Prism, extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--service".to_owned(), SERVICE.to_owned(), "--base-url".to_owned(), p.url()];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };
    check("table", base(chat, &["--type", "gcm", "--identity", "TestUser"]), "", &|out, _| {
        out.contains("SID") && out.contains(BINDING) && out.contains("1 binding(s)")
    });
    check("json", base(chat, &["--json"]), "", &|out, _| {
        out.lines().all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()) && out.contains(BINDING)
    });
    check("user", base(chat, &["--user", "TestUser"]), "", &|out, _| out.contains("binding(s)"));
    check(
        "conversations",
        base(conversations, &["--api", "conversations", "--type", "twilsock"]),
        "",
        &|out, _| out.contains("binding(s)"),
    );
    check("dry run", base(chat, &["--delete", "--dry-run"]), "", &|_, err| {
        err.contains("would delete 1 binding(s)")
    });
    check("declined", base(chat, &["--delete"]), "n\n", &|_, err| err.contains("nothing deleted"));
    check("confirmed", base(chat, &["--delete"]), "y\n", &|_, err| {
        err.contains(&format!("deleted {BINDING}"))
    });
    check("--yes", base(conversations, &["--api", "conversations", "--delete", "--yes"]), "", &|_, err| {
        err.contains(&format!("deleted {BINDING}"))
    });
    let (ok, out, _) = example(&["--help"], "");
    let described = [
        "--api",
        "--service",
        "--user",
        "--type",
        "--identity",
        "--limit",
        "--json",
        "--delete",
        "--dry-run",
        "--yes",
        "--base-url",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_BASE_URL",
    ];
    if !ok || !described.iter().all(|flag| out.contains(flag)) {
        failures.push(format!("example --help: ok={ok}, on stdout:\n{out}"));
    }
    let (ok, _, err) = example(&["--service", "IS123"], "");
    if ok || !err.contains("expected `IS` followed by 32 hexadecimal digits") {
        failures.push(format!("example with a bad SID: ok={ok} {err}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn contract_against_prism() {
    let chat_prism = prism("twilio_chat_v2.yaml");
    let conversations_prism = prism("twilio_conversations_v1.yaml");
    let apis = [
        ("twilio_chat_v2.yaml", Api::new(&chat_prism)),
        ("twilio_conversations_v1.yaml", Api::new(&conversations_prism)),
    ];

    let mut failures = Vec::new();
    let (mut operations, mut named, mut responses) = (0, 0, 0);
    for (spec, api) in &apis {
        for ((method, path), names) in examples(spec) {
            operations += 1;
            let prefers = std::iter::once(None)
                .chain(names.iter().map(|n| Some(format!("example={n}"))))
                .chain((0..DYNAMIC_RUNS).map(|_| Some("dynamic=true".to_owned())));
            for prefer in prefers {
                named += usize::from(prefer.as_deref().is_some_and(|p| p.starts_with("example=")));
                api.prefer(prefer.clone());
                let outcome = call(api, &method, &path).await;
                responses += 1;
                let exchange = api.last();
                if exchange.status == 422 || exchange.status >= 500 {
                    failures.push(format!(
                        "{method} {path} ({prefer:?}): Prism answered {}: {}",
                        exchange.status, exchange.url
                    ));
                }
                if let Err(error) = outcome {
                    failures.push(format!("{method} {path} ({prefer:?}): {error}"));
                }
                if prefer.as_deref() == Some("example=readEmpty")
                    && !matches!(call(api, &method, &path).await, Ok(0))
                {
                    failures.push(format!("{method} {path}: readEmpty should have no items"));
                }
            }
        }
    }
    forbidden_requests(&apis[0].1, &mut failures).await;
    example_program(&chat_prism, &conversations_prism, &mut failures);
    eprintln!(
        "contract: {operations} operations, {named} named examples, {responses} responses checked against Prism"
    );
    assert_eq!(operations, 9, "all nine operations are in the upstream specs");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
