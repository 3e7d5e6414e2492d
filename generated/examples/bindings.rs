//! List, and optionally delete, the push-notification bindings of a Chat or
//! Conversations service.
//!
//! `--help` describes every flag. In short:
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

use twilio_bindings::runtime::TryStreamExt;
use twilio_bindings::sid::{BindingSid, ServiceSid};
use twilio_bindings::{Client, Error};

/// One binding, whichever API it came from.
#[derive(serde::Serialize)]
struct Row {
    sid: Option<BindingSid>,
    binding_type: Option<String>,
    identity: Option<String>,
    endpoint: Option<String>,
    date_created: Option<String>,
}

/// List, and optionally delete, the push-notification bindings of a Chat or
/// Conversations service.
#[derive(clap::Parser)]
#[command(
    name = "bindings",
    after_help = "Credentials come from TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with \
                  TWILIO_API_KEY and TWILIO_API_SECRET. TWILIO_EDGE and TWILIO_REGION pick Twilio's \
                  edge and region; TWILIO_BASE_URL (or --base-url) sends requests elsewhere."
)]
struct Options {
    /// Which API: chat (Chat v2) or conversations (Conversations v1).
    #[arg(long, default_value = "chat", value_parser = ["chat", "conversations"])]
    api: String,
    /// The service whose bindings to list (IS followed by 32 hexadecimal digits).
    #[arg(long, value_parser = |s: &str| s.parse::<ServiceSid>().map_err(|e| e.to_string()))]
    service: ServiceSid,
    /// Chat only: the bindings of one user, by User SID or identity.
    #[arg(long)]
    user: Option<String>,
    /// Only bindings of this type (apn, gcm, fcm; twilsock with conversations). Repeatable.
    #[arg(long = "type")]
    types: Vec<String>,
    /// Only bindings of this user identity. Repeatable.
    #[arg(long = "identity")]
    identities: Vec<String>,
    /// At most this many bindings.
    #[arg(long)]
    limit: Option<usize>,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    json: bool,
    /// Delete the bindings listed, after a confirmation on standard input.
    #[arg(long)]
    delete: bool,
    /// With --delete: only say what would be deleted.
    #[arg(long, requires = "delete")]
    dry_run: bool,
    /// With --delete: do not ask.
    #[arg(long, requires = "delete")]
    yes: bool,
    /// Send requests to this URL instead of Twilio (a mock such as Prism, a proxy).
    #[arg(long)]
    base_url: Option<String>,
}

fn client(options: &Options) -> Result<Client, Error> {
    // Everything not given here comes from the environment.
    let mut builder = Client::builder().from_env();
    if let Some(base) = &options.base_url {
        builder = builder.base_url(base)?;
    }
    builder.build()
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
            let types: Vec<UserBindingType> = options.types.iter().filter_map(|t| t.parse().ok()).collect();
            let request =
                client.chat_v2().service(service).user(user).user_bindings().list().binding_type(types);
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
            let types: Vec<BindingType> = options.types.iter().filter_map(|t| t.parse().ok()).collect();
            let request = client
                .chat_v2()
                .service(service)
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
            let types: Vec<ServiceBindingType> =
                options.types.iter().filter_map(|t| t.parse().ok()).collect();
            let request = client
                .conversations_v1()
                .service(service)
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
    let service = options.service.clone();
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
    let options = match <Options as clap::Parser>::try_parse() {
        Ok(options) => options,
        // `--help` prints to standard output and succeeds; mistakes go to
        // standard error with exit code 2.
        Err(error) => error.exit(),
    };
    if options.user.is_some() && options.api != "chat" {
        eprintln!("--user works with --api chat only: Conversations has no per-user bindings");
        return ExitCode::from(2);
    }
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
