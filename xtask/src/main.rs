//! `cargo xtask`: the project's commands.
//!
//! - `cargo xtask codegen [--check] [--spec FILE]... [--out DIR]`
//! - `cargo xtask corpus [--dir DIR]... [--hostile DIR]... [--no-build]`
//! - `cargo xtask fuzz [--seconds N] [--seed S]`
//! - `cargo xtask bench [--quick]`
//! - `cargo xtask slice`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use xtask::{Mode, Target, codegen, corpus, default_specs, read_specs, root, slice};

const USAGE: &str = "\
usage:
  cargo xtask codegen [--check] [--spec FILE]... [--out DIR]
      Generates the client. Without --spec, reads spec/*.yaml; without --out,
      writes the checked-in crate in generated/. --check writes nothing and
      fails if any generated file is out of date.
  cargo xtask corpus [--dir DIR]... [--hostile DIR]... [--no-build]
      Generates a crate from every spec in DIR (default ../shared/twilio-oai/spec)
      under target/corpus/, builds them with clippy -D warnings and prints a table
      (skipped operations and why go to stderr). Specs under --hostile DIR may end
      in a spec error instead.
  cargo xtask fuzz [--seconds N] [--seed S]
      Runs mutants of the fragments and the hostile specs through the generator
      for N seconds (default 60) from seed S (default: the clock); any panic is
      reported with the seed that reproduces it. Build with --release for speed.
  cargo xtask bench [--quick]
      Measures the generator (per stage, against the parse floor, and as a whole
      release process), the generated code's size and compile time, and the
      client's paging throughput and memory; writes BENCHMARKS.md. Runs itself
      in release mode. --quick skips compile times and takes fewer samples.
  cargo xtask slice
      Cuts the Bindings fragments in spec/ out of ../shared/twilio-oai/spec.";

fn main() -> ExitCode {
    // openapiv3 panics on some malformed specs; the generator turns those
    // panics into spec errors, so their default report would only be noise.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.location().is_some_and(|l| l.file().contains("openapiv3")) {
            default_hook(info);
        }
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => run_codegen(&args[1..]),
        Some("slice") => run_slice(),
        Some("corpus") => run_corpus(&args[1..]),
        Some("fuzz") => run_fuzz(&args[1..]),
        Some("bench") => run_bench(&args[1..]),
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run_codegen(args: &[String]) -> Result<(), String> {
    let mut mode = Mode::Write;
    let mut specs: Vec<PathBuf> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut quiet = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--quiet" | "-q" => quiet = true,
            "--spec" => specs.push(iter.next().ok_or("--spec needs a file")?.into()),
            "--out" => out = Some(iter.next().ok_or("--out needs a directory")?.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let started = Instant::now();
    let root = root();
    if specs.is_empty() {
        specs = default_specs(&root).map_err(|e| e.to_string())?;
    }
    let inputs = read_specs(&root, &specs).map_err(|e| e.to_string())?;
    let target = match out {
        Some(dir) => Target::Standalone(std::path::absolute(&dir).unwrap_or(dir)),
        None => Target::Workspace,
    };
    let report = codegen(&root, &inputs, &target, mode).map_err(|e| e.to_string())?;
    for line in &report.skipped {
        eprintln!("{line}");
    }
    if mode == Mode::Check {
        let stale: Vec<String> = report
            .changed
            .iter()
            .map(|f| format!("{f} was not up-to-date, run `cargo xtask codegen`"))
            .chain(
                report
                    .removed
                    .iter()
                    .map(|f| format!("{f} is no longer generated, run `cargo xtask codegen`")),
            )
            .collect();
        if !stale.is_empty() {
            return Err(stale.join("\n"));
        }
    }
    if !quiet {
        let verb = if mode == Mode::Check { "checked" } else { "generated" };
        eprintln!(
            "{verb} {} files ({} lines) from {} specs in {:.1} ms: {} changed, {} removed, {} skipped operations",
            report.changed.len() + report.unchanged,
            report.lines,
            inputs.len(),
            started.elapsed().as_secs_f64() * 1e3,
            report.changed.len(),
            report.removed.len(),
            report.skipped.len(),
        );
    }
    Ok(())
}

fn run_slice() -> Result<(), String> {
    let root = root();
    let upstream = root.join("../shared/twilio-oai/spec");
    for fragment in slice::FRAGMENTS {
        let source = upstream.join(fragment.upstream);
        let text = std::fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
        let cut = slice::slice(&text, fragment.paths).map_err(|e| format!("{}: {e}", source.display()))?;
        let target = root.join("spec").join(fragment.file);
        std::fs::write(&target, cut).map_err(|e| format!("{}: {e}", target.display()))?;
        eprintln!("wrote spec/{} from {}", fragment.file, fragment.upstream);
    }
    Ok(())
}

fn run_corpus(args: &[String]) -> Result<(), String> {
    let root = root();
    let mut dirs: Vec<(PathBuf, bool)> = Vec::new();
    let mut build = true;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--dir" => dirs.push((iter.next().ok_or("--dir needs a directory")?.into(), false)),
            "--hostile" => dirs.push((iter.next().ok_or("--hostile needs a directory")?.into(), true)),
            "--no-build" => build = false,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if dirs.iter().all(|(_, hostile)| *hostile) {
        dirs.push((root.join("../shared/twilio-oai/spec"), false));
    }
    let started = Instant::now();
    let (rows, build_secs) = corpus::run(&root, &dirs, build).map_err(|e| e.to_string())?;
    let table = corpus::table(&rows, build_secs);
    println!("{table}");
    let _ = std::fs::write(root.join("target/corpus/report.md"), &table);
    eprintln!("corpus: {} specs in {:.1} s", rows.len(), started.elapsed().as_secs_f64());
    let failed: Vec<&str> = rows.iter().filter(|r| !r.passed()).map(|r| r.name.as_str()).collect();
    if failed.is_empty() { Ok(()) } else { Err(format!("failed: {}", failed.join(", "))) }
}

fn run_fuzz(args: &[String]) -> Result<(), String> {
    let mut seconds = 60u64;
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            iter.next().and_then(|v| v.parse().ok()).ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--seconds" => seconds = number("--seconds")?,
            "--seed" => seed = number("--seed")?,
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let seeds = xtask::fuzz_seeds(&root()).map_err(|e| e.to_string())?;
    // Panics are findings; the report lists each once.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let stats = xtask::fuzz::run(&seeds, seed, std::time::Duration::from_secs(seconds), u64::MAX);
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz: seed {seed}: {} executions in {elapsed:.1} s ({:.0}/s): {} generated, {} rejected, {} findings",
        stats.executions,
        stats.executions as f64 / elapsed.max(1e-9),
        stats.generated,
        stats.rejected,
        stats.findings.len()
    );
    if stats.findings.is_empty() { Ok(()) } else { Err(stats.findings.join("\n")) }
}

/// How to read the generator tables, and where the time goes.
const READING: &str = "\
## Reading the generator figures

- Goal: `cargo xtask codegen --check` on the three fragments under 10 ms of process
  time: see the whole-process table (wall time; `hyperfine -N` also reports user
  and system time).
- Goal: large specs within 2x of the parse floor: the last column. Large specs
  (over 64 KiB) are parsed in pieces on every core (path items in shares,
  components and the rest apart; any piece that fails falls back to one whole
  parse, so errors are reported as usual), which brings load under the floor.
  Parts of every file (one per resource and type) are emitted and formatted on a
  worker per core. syn parsing plus prettyplease printing is the largest stage
  left; emitting less code per operation is the lever after that.
- The three fragments are too small to split: their ratio is mostly fixed costs.
";

/// What each dependency of the generated crate is for.
const DEPENDENCIES: &str = "\
## Dependencies of `twilio-bindings`

`cargo tree -p twilio-bindings -e normal --depth 2` shows the tree; the crate itself
depends only on `twilio-runtime`, which depends on:

| crate | why |
|---|---|
| reqwest (rustls, no default features) | HTTP client behind the `HttpClient` trait; rustls so no system OpenSSL |
| tokio (`time`) | sleeping between retries; reqwest's runtime |
| serde, serde_json | decoding responses, JSON bodies |
| futures-core, futures-util | the `Stream` of items across pages |
| url | parsing base URLs and next-page URLs, query encoding |
| percent-encoding | encoding path parameters as one segment |
| chrono (`serde`, `clock`) | `date-time` fields, `Retry-After` dates |
| thiserror | the error types |
| base64 | the HTTP Basic `Authorization` header |
| fastrand | jitter in retry backoff |

The generator's dependencies (openapiv3, serde_yaml, quote, syn, prettyplease, heck)
never reach users: they belong to `twilio-codegen` and `xtask`.
";

fn run_bench(args: &[String]) -> Result<(), String> {
    let quick = args.iter().any(|a| a == "--quick");
    let root = root();
    if cfg!(debug_assertions) {
        // Timings of a debug build mean nothing: run the release build.
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .current_dir(&root)
                .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
                .args(args)
                .status()
                .map_err(|e| e.to_string())?;
        return if status.success() { Ok(()) } else { Err("the release benchmark failed".to_owned()) };
    }
    let started = Instant::now();
    let generator = xtask::bench::run(&root, quick)?;
    let client = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&root)
        .args(["bench", "--quiet", "-p", "tests", "--bench", "client"])
        .output()
        .map_err(|e| e.to_string())?;
    if !client.status.success() {
        return Err(format!("the client benchmark failed:\n{}", String::from_utf8_lossy(&client.stderr)));
    }
    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        std::env::consts::ARCH
    );
    let text = format!(
        "# Benchmarks\n\n\
         Measured by `cargo xtask bench` on one machine ({machine}) in one run, so the\n\
         figures compare side by side; the machine is shared and noisy, so read\n\
         ratios, not absolute times. Reproduce with:\n\n\
         ```sh\n\
         cargo xtask bench                               # everything below, writes this file\n\
         cargo bench -p tests --bench client             # the client tables only\n\
         cargo build --release -p xtask && hyperfine -N 'target/release/xtask codegen --check -q'\n\
         ```\n\n\
         The parse floor is serde_yaml → openapiv3 alone, the least any\n\
         generator built on openapiv3 must spend. Benchmarks are not tests: nothing\n\
         here is asserted in the test suite.\n\n{generator}\n{READING}\n{}\n{DEPENDENCIES}",
        String::from_utf8_lossy(&client.stdout)
    );
    std::fs::write(root.join("BENCHMARKS.md"), text).map_err(|e| e.to_string())?;
    eprintln!("wrote BENCHMARKS.md in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
