//! List, and optionally delete, the push-notification bindings of a Chat or
//! Conversations service.
//!
//! ```text
//! cargo run -p twilio-bindings --example bindings -- --service ISxxxxxxxx [options]
//!
//!   --api chat|conversations   which API (default: chat)
//!   --service SID              the service (IS…)
//!   --user IDENTITY            Chat only: the bindings of one user (SID or identity)
//!   --type TYPE                only bindings of this type (apn, gcm, fcm, twilsock); repeatable
//!   --identity IDENTITY        only bindings of this user identity; repeatable
//!   --limit N                  at most N bindings
//!   --json                     print JSON lines instead of a table
//!   --delete                   delete the bindings listed, after a confirmation
//!   --dry-run                  with --delete: only say what would be deleted
//!   --yes                      with --delete: do not ask
//!   --base-url URL             send requests there instead of Twilio (a mock, a proxy)
//! ```
//!
//! Credentials come from `TWILIO_ACCOUNT_SID` and `TWILIO_AUTH_TOKEN` (or
//! `TWILIO_API_KEY` and `TWILIO_API_SECRET`).

use std::io::{BufRead, Write};
use std::process::ExitCode;

use twilio_bindings::runtime::{Client as Runtime, TryStreamExt};
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Credentials, Error};

/// One binding, whichever API it came from.
#[derive(serde::Serialize)]
struct Row {
    sid: Option<BindingSid>,
    binding_type: Option<String>,
    identity: Option<String>,
    endpoint: Option<String>,
    date_created: Option<String>,
}

#[derive(Default)]
struct Options {
    api: String,
    service: Option<ServiceSid>,
    user: Option<String>,
    types: Vec<String>,
    identities: Vec<String>,
    limit: Option<usize>,
    json: bool,
    delete: bool,
    dry_run: bool,
    yes: bool,
    base_url: Option<String>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { api: "chat".to_owned(), ..Options::default() };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--api" => options.api = value()?,
            "--service" => options.service = Some(value()?.parse().map_err(|e| format!("--service: {e}"))?),
            "--user" => options.user = Some(value()?),
            "--type" => options.types.push(value()?),
            "--identity" => options.identities.push(value()?),
            "--limit" => options.limit = Some(value()?.parse().map_err(|e| format!("--limit: {e}"))?),
            "--json" => options.json = true,
            "--delete" => options.delete = true,
            "--dry-run" => options.dry_run = true,
            "--yes" => options.yes = true,
            "--base-url" => options.base_url = Some(value()?),
            "-h" | "--help" => return Err(usage()),
            other => return Err(format!("unknown argument {other:?}\n{}", usage())),
        }
    }
    if !matches!(options.api.as_str(), "chat" | "conversations") {
        return Err(format!("--api must be chat or conversations, not {:?}", options.api));
    }
    if options.user.is_some() && options.api != "chat" {
        return Err("--user works with --api chat only: Conversations has no per-user bindings".to_owned());
    }
    if options.service.is_none() {
        return Err(format!("--service is required\n{}", usage()));
    }
    Ok(options)
}

fn usage() -> String {
    "usage: bindings --service ISxxx [--api chat|conversations] [--user IDENTITY] [--type T]... \
     [--identity I]... [--limit N] [--json] [--delete [--dry-run] [--yes]] [--base-url URL]"
        .to_owned()
}

fn client(options: &Options) -> Result<Client, Error> {
    let mut builder = Runtime::builder(Credentials::from_env()?);
    if let Some(base) = &options.base_url {
        builder = builder.base_url(base)?;
    }
    Ok(Client::new(builder.build()?))
}

/// A [`Row`] from any of the three binding types, which share field names.
macro_rules! row {
    ($binding:expr) => {
        Row {
            sid: $binding.sid,
            binding_type: $binding.binding_type.map(|t| t.to_string()),
            identity: $binding.identity,
            endpoint: $binding.endpoint,
            date_created: $binding.date_created.map(|d| d.to_rfc3339()),
        }
    };
}

/// Every item of a list request, up to the limit.
macro_rules! collect {
    ($request:expr, $options:expr) => {{
        let request = $request;
        let request = match $options.limit {
            Some(limit) => request.limit(limit),
            None => request,
        };
        request.stream().try_collect().await?
    }};
}

/// Lists the bindings the options select.
async fn list(client: &Client, options: &Options, service: &ServiceSid) -> Result<Vec<Row>, Error> {
    let parse_types = |known: &[&str]| -> Result<(), Error> {
        match options.types.iter().find(|t| !known.contains(&t.as_str())) {
            Some(bad) => Err(Error::InvalidInput(format!(
                "unknown binding type {bad:?} (known: {})",
                known.join(", ")
            ))),
            None => Ok(()),
        }
    };
    let rows = match (options.api.as_str(), &options.user) {
        ("chat", Some(user)) => {
            use twilio_bindings::chat_v2::UserBindingType;
            parse_types(UserBindingType::KNOWN)?;
            let types = options.types.iter().filter_map(|t| t.parse::<UserBindingType>().ok());
            let request = client
                .chat_v2()
                .service(service.clone())
                .user(user)
                .user_bindings()
                .list()
                .binding_type(types);
            let items: Vec<_> = collect!(request, options);
            items
                .into_iter()
                .filter(|b| {
                    options.identities.is_empty()
                        || b.identity.as_ref().is_some_and(|i| options.identities.contains(i))
                })
                .map(|b| row!(b))
                .collect()
        }
        ("chat", None) => {
            use twilio_bindings::chat_v2::BindingType;
            parse_types(BindingType::KNOWN)?;
            let types = options.types.iter().filter_map(|t| t.parse::<BindingType>().ok());
            let request = client
                .chat_v2()
                .service(service.clone())
                .bindings()
                .list()
                .binding_type(types)
                .identity(options.identities.clone());
            let items: Vec<_> = collect!(request, options);
            items.into_iter().map(|b| row!(b)).collect()
        }
        _ => {
            use twilio_bindings::conversations_v1::ServiceBindingType;
            parse_types(ServiceBindingType::KNOWN)?;
            let types = options.types.iter().filter_map(|t| t.parse::<ServiceBindingType>().ok());
            let request = client
                .conversations_v1()
                .service(service.clone())
                .bindings()
                .list()
                .binding_type(types)
                .identity(options.identities.clone());
            let items: Vec<_> = collect!(request, options);
            items.into_iter().map(|b| row!(b)).collect()
        }
    };
    Ok(rows)
}

async fn delete(
    client: &Client,
    options: &Options,
    service: &ServiceSid,
    sid: BindingSid,
) -> Result<(), Error> {
    match (options.api.as_str(), &options.user) {
        ("chat", Some(user)) => {
            client.chat_v2().service(service.clone()).user(user).user_binding(sid).delete().send().await
        }
        ("chat", None) => client.chat_v2().service(service.clone()).binding(sid).delete().send().await,
        _ => client.conversations_v1().service(service.clone()).binding(sid).delete().send().await,
    }
}

fn print(rows: &[Row], json: bool) {
    if json {
        for row in rows {
            println!("{}", serde_json::to_string(row).unwrap_or_default());
        }
        return;
    }
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let table: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.sid.as_ref().map_or_else(|| "-".to_owned(), |s| s.to_string()),
                cell(&r.binding_type),
                cell(&r.identity),
                cell(&r.endpoint),
                cell(&r.date_created),
            ]
        })
        .collect();
    let header = ["SID", "TYPE", "IDENTITY", "ENDPOINT", "CREATED"].map(str::to_owned);
    let widths: Vec<usize> = (0..5)
        .map(|i| table.iter().chain([&header]).map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in [&header].into_iter().chain(&table) {
        let line: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        println!("{}", line.join("  ").trim_end());
    }
    println!("{} binding(s)", rows.len());
}

async fn run(options: Options) -> Result<(), String> {
    let service = options.service.clone().ok_or("--service is required")?;
    let client = client(&options).map_err(|e| e.to_string())?;
    let rows = list(&client, &options, &service).await.map_err(|e| e.to_string())?;
    print(&rows, options.json);
    if !options.delete || rows.is_empty() {
        return Ok(());
    }
    let sids: Vec<BindingSid> = rows.into_iter().filter_map(|r| r.sid).collect();
    if options.dry_run {
        eprintln!("dry run: would delete {} binding(s)", sids.len());
        return Ok(());
    }
    if !options.yes {
        eprint!("Delete {} binding(s)? [y/N] ", sids.len());
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer).map_err(|e| e.to_string())?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing deleted");
            return Ok(());
        }
    }
    let mut failed = 0;
    for sid in sids {
        match delete(&client, &options, &service, sid.clone()).await {
            Ok(()) => eprintln!("deleted {sid}"),
            Err(error) => {
                failed += 1;
                eprintln!("could not delete {sid}: {error}");
            }
        }
    }
    if failed > 0 { Err(format!("{failed} deletion(s) failed")) } else { Ok(()) }
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
