//! `cargo xtask`: the project's commands.
//!
//! - `cargo xtask codegen [--check] [--spec FILE]... [--out DIR]`
//! - `cargo xtask corpus [--dir DIR]... [--hostile DIR]... [--no-build]`
//! - `cargo xtask fuzz [--seconds N] [--seed S]`
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
