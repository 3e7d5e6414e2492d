//! `cargo xtask bench`: generator speed per stage against the parse floor,
//! whole-process codegen time, generated-code size and compile time. The
//! client's paging benchmark is `cargo bench -p tests --bench client`, which
//! this command runs too. Nothing here asserts a time: it measures and
//! writes `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use twilio_codegen::{Input, emit, load, lower};

/// Medians of repeated in-process runs of each stage, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stages {
    /// serde_yaml → openapiv3 alone: the floor.
    pub parse_floor: f64,
    /// Our load: the nesting check and the same parse.
    pub load: f64,
    /// Lowering to the model.
    pub lower: f64,
    /// Emitting tokens for every part, one after another (one thread).
    pub emit: f64,
    /// syn and prettyplease on every part, one after another (one thread).
    pub format: f64,
    /// The whole pipeline as `generate` runs it (emit and format on every core).
    pub total: f64,
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Times each stage `runs` times on `inputs`.
pub fn stages(inputs: &[Input], runs: usize) -> Stages {
    let mut samples: [Vec<f64>; 6] = Default::default();
    for _ in 0..runs {
        let t = Instant::now();
        for input in inputs {
            let parsed: Result<openapiv3::OpenAPI, _> = serde_yaml::from_str(&input.text);
            std::hint::black_box(parsed.is_ok());
        }
        samples[0].push(ms(t.elapsed()));

        let t = Instant::now();
        let specs: Vec<_> = inputs.iter().filter_map(|i| load::load(&i.name, &i.text).ok()).collect();
        samples[1].push(ms(t.elapsed()));

        let t = Instant::now();
        let Ok((api, _)) = lower::lower(&specs, &Default::default()) else { return zero() };
        samples[2].push(ms(t.elapsed()));

        let t = Instant::now();
        let parts: Vec<_> = emit::plan(&api).into_iter().flat_map(|(_, parts)| parts).collect();
        let tokens: Vec<_> = parts.iter().map(|p| emit::emit(&api, p)).collect();
        samples[3].push(ms(t.elapsed()));

        let t = Instant::now();
        for part in tokens {
            std::hint::black_box(twilio_codegen::format(part).map(|s| s.len()).unwrap_or_default());
        }
        samples[4].push(ms(t.elapsed()));

        let t = Instant::now();
        std::hint::black_box(twilio_codegen::generate(inputs).map(|o| o.files.len()).unwrap_or_default());
        samples[5].push(ms(t.elapsed()));
    }
    let [parse_floor, load, lower, emit, format, total] = samples.map(median);
    Stages { parse_floor, load, lower, emit, format, total }
}

fn zero() -> Stages {
    Stages { parse_floor: 0.0, load: 0.0, lower: 0.0, emit: 0.0, format: 0.0, total: 0.0 }
}

/// The median wall time of running the release `xtask` binary with `args`.
pub fn process(root: &Path, args: &[String], runs: usize) -> Result<f64, String> {
    let binary = crate::target_dir(root).join("release/xtask");
    let mut samples = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let output = Command::new(&binary).args(args).output().map_err(|e| e.to_string())?;
        samples.push(ms(t.elapsed()));
        // A command that failed did not do the work: its time means nothing.
        if !output.status.success() {
            return Err(format!(
                "`xtask {}` failed, so it cannot be timed:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    Ok(median(samples))
}

/// Seconds that `cargo` takes with `args`, with an optional target
/// directory; an error if cargo fails.
fn cargo_seconds(root: &Path, args: &[&str], target: Option<&Path>) -> Result<f64, String> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.current_dir(root).args(args);
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let t = Instant::now();
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(t.elapsed().as_secs_f64())
}

/// Seconds for a clean debug build of a user's program that depends on
/// `twilio-bindings` with one TLS feature, in a scratch crate of its own
/// under the target directory, pinned by the workspace's `Cargo.lock`.
pub fn user_crate_build(root: &Path, features: &str) -> Result<f64, String> {
    let dir = crate::target_dir(root).join(format!("bench-user-{features}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let bindings = root.join("generated").display().to_string().replace('\\', "/");
    let manifest = format!(
        "[package]\nname = \"user-{features}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n\
         twilio-bindings = {{ path = {bindings:?}, default-features = false, features = [{features:?}] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n[workspace]\n"
    );
    let main = "#[tokio::main]\nasync fn main() -> Result<(), twilio_bindings::runtime::Error> {\n    \
                let client = twilio_bindings::Client::builder().build()?;\n    \
                let _ = client.chat_v2();\n    Ok(())\n}\n";
    let write =
        |path: PathBuf, text: &str| fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), main)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let seconds = cargo_seconds(&dir, &["build", "-q"], Some(&dir.join("target")));
    let _ = fs::remove_dir_all(&dir);
    seconds
}

/// Runs every benchmark and returns `BENCHMARKS.md`.
pub fn run(root: &Path, quick: bool) -> Result<String, String> {
    let runs = if quick { 5 } else { 21 };
    let upstream = root.join(crate::upstream::UPSTREAM_DIR);
    let read = |paths: Vec<PathBuf>| crate::read_specs(root, &paths).map_err(|e| e.to_string());
    let fragments = crate::default_specs(root).map_err(|e| e.to_string())?;
    // Twilio's whole API, where `../shared` holds it beside the repository;
    // otherwise the specs the repository carries.
    let shared = root.join("../shared/twilio-oai/spec");
    let corpus_dirs =
        if shared.is_dir() { vec![shared] } else { vec![upstream.clone(), root.join("spec/history")] };
    let mut corpus: Vec<PathBuf> = corpus_dirs
        .iter()
        .flat_map(|dir| fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    corpus.sort();
    let corpus_label = format!("{} Twilio specs, one crate each", corpus.len());
    let sets: Vec<(&str, Vec<PathBuf>)> = vec![
        ("three Bindings fragments", fragments.clone()),
        ("twilio_chat_v2.yaml", vec![upstream.join("twilio_chat_v2.yaml")]),
        ("twilio_conversations_v1.yaml", vec![upstream.join("twilio_conversations_v1.yaml")]),
        (corpus_label.as_str(), corpus.clone()),
    ];

    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Generator, in process (ms; medians of {runs} runs, or for the corpus row the sum of each spec's median of {} runs)\n",
        runs.min(5)
    );
    let _ = writeln!(
        out,
        "| input | parse floor | load | lower | emit | format | whole pipeline | pipeline / floor |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, paths) in &sets {
        let inputs = read(paths.clone())?;
        // The corpus is one crate per spec, as `cargo xtask corpus` makes it.
        let groups: Vec<Vec<Input>> =
            if paths.len() > 3 { inputs.into_iter().map(|i| vec![i]).collect() } else { vec![inputs] };
        let mut sum = zero();
        for group in &groups {
            let s = stages(group, if groups.len() > 1 { runs.min(5) } else { runs });
            sum.parse_floor += s.parse_floor;
            sum.load += s.load;
            sum.lower += s.lower;
            sum.emit += s.emit;
            sum.format += s.format;
            sum.total += s.total;
        }
        let _ = writeln!(
            out,
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2}× |",
            sum.parse_floor,
            sum.load,
            sum.lower,
            sum.emit,
            sum.format,
            sum.total,
            sum.total / sum.parse_floor.max(1e-9)
        );
    }

    let _ = writeln!(out, "\n## Generator, whole process (release, median of {runs} runs, wall ms)\n");
    let _ = writeln!(out, "| command | wall |\n|---|---:|");
    let scratch = crate::target_dir(root).join("bench-out");
    let spec_out = |spec: &Path| -> Vec<String> {
        let name = spec.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        vec![
            "codegen".into(),
            "-q".into(),
            "--spec".into(),
            spec.display().to_string(),
            "--out".into(),
            scratch.join(name).display().to_string(),
        ]
    };
    let commands: Vec<(String, Vec<String>)> = vec![
        (
            "`cargo xtask codegen --check` (three fragments)".to_owned(),
            vec!["codegen".into(), "--check".into(), "-q".into()],
        ),
        (
            "`codegen --spec twilio_chat_v2.yaml --out DIR` (no change to write)".to_owned(),
            spec_out(&upstream.join("twilio_chat_v2.yaml")),
        ),
        (
            "`codegen --spec twilio_conversations_v1.yaml --out DIR` (no change to write)".to_owned(),
            spec_out(&upstream.join("twilio_conversations_v1.yaml")),
        ),
    ];
    for (name, args) in &commands {
        process(root, args, 1)?;
        let _ = writeln!(out, "| {name} | {:.1} |", process(root, args, runs)?);
    }
    // The corpus: one process per spec, as `cargo xtask corpus` runs them.
    for spec in &corpus {
        process(root, &spec_out(spec), 1)?;
    }
    let corpus_runs = if quick { 1 } else { 3 };
    let mut total: Vec<f64> = Vec::new();
    for _ in 0..corpus_runs {
        let mut sum = 0.0;
        for spec in &corpus {
            sum += process(root, &spec_out(spec), 1)?;
        }
        total.push(sum);
    }
    let _ = writeln!(
        out,
        "| {} specs, one `codegen --spec … --out DIR` process each (sum; median of {corpus_runs}) | {:.1} |",
        corpus.len(),
        median(total)
    );

    let _ = writeln!(out, "\n## Generated code\n");
    let generated = root.join("generated/src/generated");
    let mut lines = 0;
    let mut bytes = 0;
    for entry in fs::read_dir(&generated).map_err(|e| e.to_string())?.flatten() {
        let text = fs::read_to_string(entry.path()).unwrap_or_default();
        lines += text.lines().count();
        bytes += text.len();
    }
    let inputs = read(fragments)?;
    let api = twilio_codegen::generate(&inputs).map_err(|e| e.to_string())?.api;
    let operations: usize =
        api.domains.values().flat_map(|d| d.resources.values()).map(|r| r.operations.len()).sum();
    let _ = writeln!(
        out,
        "| crate | operations | lines | bytes | lines / operation | bytes / operation |\n|---|---:|---:|---:|---:|---:|\n| twilio-bindings (generated part) | {operations} | {lines} | {bytes} | {:.0} | {:.0} |",
        lines as f64 / operations.max(1) as f64,
        bytes as f64 / operations.max(1) as f64
    );

    if !quick {
        let _ = writeln!(out, "\n## Compile time (seconds, wall)\n");
        let _ = writeln!(out, "| build | time |\n|---|---:|");
        let clean = crate::target_dir(root).join("bench-clean");
        let _ = fs::remove_dir_all(&clean);
        let full = cargo_seconds(root, &["build", "-q", "-p", "twilio-bindings"], Some(&clean))?;
        let lib = root.join("generated/src/lib.rs");
        let touch = || {
            let text = fs::read(&lib).unwrap_or_default();
            let _ = fs::write(&lib, text);
        };
        let mut own: Vec<f64> = Vec::new();
        for _ in 0..3 {
            touch();
            own.push(cargo_seconds(root, &["build", "-q", "-p", "twilio-bindings"], Some(&clean))?);
        }
        let _ = writeln!(out, "| twilio-bindings with all dependencies, clean, debug | {full:.1} |");
        let _ = writeln!(
            out,
            "| twilio-bindings alone (dependencies built), debug, median of 3 | {:.2} |",
            median(own)
        );
        let _ = fs::remove_dir_all(&clean);
    }
    Ok(out)
}
