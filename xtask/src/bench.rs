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

/// Seconds that `cargo` takes with `args`, with an optional target
/// directory; an error if cargo fails.
fn cargo_seconds(root: &Path, args: &[&str], target: Option<&Path>) -> Result<f64, String> {
    let mut command = crate::cargo(root);
    command.args(args);
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

/// The TLS choices a user's program is built with: the default features,
/// then each other TLS feature alone.
const TLS_FEATURES: [Option<&str>; 3] = [None, Some("rustls-ring"), Some("native-tls")];

/// Clean builds of a user's programs, side by side in rotating rounds: a
/// typical service's program (tokio, reqwest with its default features,
/// serde_json) without the crate and with it, per TLS feature, and the
/// crate's program alone; medians, ratios per round, the slowest crates.
fn user_builds(root: &Path) -> String {
    let mut programs = vec![Program { service: true, bindings: None }];
    for feature in TLS_FEATURES {
        programs.push(Program { service: true, bindings: Some(feature) });
        programs.push(Program { service: false, bindings: Some(feature) });
    }
    let mut builds: Vec<Vec<Build>> = vec![Vec::new(); programs.len()];
    let mut failed: Vec<Option<String>> = vec![None; programs.len()];
    for round in 0..BUILD_ROUNDS {
        for k in 0..programs.len() {
            let which = (round + k) % programs.len();
            if failed[which].is_none() {
                crate::tell!("bench: clean build of {} (round {})", programs[which].label(), round + 1);
                match user_crate_build(root, programs[which]) {
                    Ok(build) => builds[which].push(build),
                    Err(e) => failed[which] = Some(e),
                }
            }
        }
    }
    let mut out = format!(
        "\n### A user's program, clean debug build, by TLS feature\n\n\
         {BUILD_ROUNDS} clean builds each, in rotating order: medians, and the median of each round's \
         ratio, quartiles in brackets. A *service* is the shape of a typical program: tokio, reqwest with \
         its default features and serde_json; *+ twilio-bindings* adds the crate to it (the marginal \
         cost, goal at most 1.10× with the default features), *alone* is a program with only the crate \
         and tokio. CPU is cargo's and everything it ran.\n\n\
         | program | seconds, wall | seconds, CPU | ÷ service alone, wall | five slowest crates of the median build (seconds, `cargo build --timings`) |\n\
         |---|---:|---:|---:|---|\n"
    );
    let baseline: Vec<f64> = builds[0].iter().map(|b| b.wall).collect();
    for (which, program) in programs.iter().enumerate() {
        let tls = match program.bindings {
            None => String::new(),
            Some(None) => " + twilio-bindings, default (`rustls`: aws-lc-rs)".to_owned(),
            Some(Some(feature)) => format!(" + twilio-bindings, `{feature}` (default features off)"),
        };
        let what = if program.service {
            format!("service{tls}")
        } else {
            format!("alone{tls}").replace("alone +", "alone:")
        };
        // A missing system library or tool is a line, not the end of the run.
        if let Some(e) = &failed[which] {
            let first = e.lines().find(|l| l.contains("error")).unwrap_or("the build failed");
            let _ = writeln!(out, "| {what} | not built | | | {} |", twilio_codegen::docs::plain(first));
            continue;
        }
        let runs = &builds[which];
        let walls: Vec<f64> = runs.iter().map(|b| b.wall).collect();
        let wall = median(walls.clone());
        let cpu = median(runs.iter().map(|b| b.cpu).collect());
        let (ratio, q1, q3) = ratios(&walls, &baseline);
        let typical = runs.iter().min_by(|a, b| (a.wall - wall).abs().total_cmp(&(b.wall - wall).abs()));
        let slowest: Vec<String> = typical
            .map(|b| b.slowest.iter().map(|(name, s)| format!("{name} {s:.1}")).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {what} | {wall:.1} | {cpu:.1} | {ratio:.2}× [{q1:.2}–{q3:.2}] | {} |",
            slowest.join(", ")
        );
    }
    out
}

/// How many clean builds of a user's program each TLS feature gets, in
/// rotating order: a noisy machine slows one build, not the median.
const BUILD_ROUNDS: usize = 3;

/// One clean debug build of a user's program.
#[derive(Clone)]
struct Build {
    /// Seconds, wall.
    wall: f64,
    /// Seconds of CPU, cargo's and everything it ran.
    cpu: f64,
    /// The five crates that took longest, with their seconds.
    slowest: Vec<(String, f64)>,
}

/// A user's program, for clean-build timing.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Program {
    /// The shape of a typical service: tokio, reqwest with its default
    /// features, serde_json.
    service: bool,
    /// Whether it depends on `twilio-bindings`, and with which TLS feature
    /// (`Some(None)`: the default features).
    bindings: Option<Option<&'static str>>,
}

impl Program {
    fn label(self) -> String {
        let shape = if self.service { "service" } else { "alone" };
        match self.bindings {
            None => shape.to_owned(),
            Some(feature) => format!("{shape}-{}", feature.unwrap_or("default")),
        }
    }
}

/// A clean debug build of `program`, in a scratch crate of its own under
/// the target directory, pinned by the workspace's `Cargo.lock` (`cargo
/// build --timings` names the slowest crates).
fn user_crate_build(root: &Path, program: Program) -> Result<Build, String> {
    let label = program.label();
    let dir = crate::target_dir(root).join(format!("bench-user-{label}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let mut dependencies =
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n".to_owned();
    let mut body = String::new();
    if program.service {
        dependencies.push_str("reqwest = \"0.13\"\nserde_json = \"1\"\n");
        body.push_str(
            "    let http = reqwest::Client::new();\n    \
             let status = http.get(\"https://example.com/\").build()?;\n    \
             println!(\"{}\", serde_json::json!({ \"url\": status.url().as_str() }));\n",
        );
    }
    if let Some(feature) = program.bindings {
        let bindings = root.join("generated").display().to_string().replace('\\', "/");
        let features = match feature {
            Some(feature) => format!(", default-features = false, features = [{feature:?}]"),
            None => String::new(),
        };
        dependencies.push_str(&format!("twilio-bindings = {{ path = {bindings:?}{features} }}\n"));
        body.push_str(
            "    let client = twilio_bindings::Client::from_env()?;\n    let _ = client.chat_v2();\n",
        );
    }
    let manifest = format!(
        "[package]\nname = \"user-{label}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\n[workspace]\n"
    );
    let main = format!(
        "#[tokio::main]\nasync fn main() -> Result<(), Box<dyn std::error::Error>> {{\n{body}    Ok(())\n}}\n"
    );
    let write =
        |path: PathBuf, text: &str| fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()));
    write(dir.join("Cargo.toml"), &manifest)?;
    write(dir.join("src/main.rs"), &main)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let target = dir.join("target");
    let before = children_cpu_ms()?;
    let seconds = cargo_seconds(&dir, &["build", "-q", "--timings"], Some(&target));
    let cpu = (children_cpu_ms()? - before) / 1e3;
    let slowest = fs::read_to_string(target.join("cargo-timings/cargo-timing.html"))
        .map(|html| slowest_units(&html, 5))
        .unwrap_or_default();
    let _ = fs::remove_dir_all(&dir);
    Ok(Build { wall: seconds?, cpu, slowest })
}

/// The `n` crates of a `cargo build --timings` report that took longest,
/// each unit of a crate (its build script, its library) added up.
fn slowest_units(html: &str, n: usize) -> Vec<(String, f64)> {
    let Some(start) = html.find("const UNIT_DATA = ") else { return Vec::new() };
    let data = &html[start + "const UNIT_DATA = ".len()..];
    let Some(Ok(serde_json::Value::Array(units))) =
        serde_json::Deserializer::from_str(data).into_iter::<serde_json::Value>().next()
    else {
        return Vec::new();
    };
    let mut crates: std::collections::BTreeMap<String, f64> = std::collections::BTreeMap::new();
    for unit in &units {
        let (Some(name), Some(duration)) = (unit["name"].as_str(), unit["duration"].as_f64()) else {
            continue;
        };
        *crates.entry(name.to_owned()).or_default() += duration;
    }
    let mut crates: Vec<(String, f64)> = crates.into_iter().collect();
    crates.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    crates.truncate(n);
    crates
}

/// The processes one contender runs for one piece of work, one after
/// another, each as `argv`; `{round}` in an argument becomes the round.
type Processes = Vec<Vec<String>>;

/// One timed whole process: wall and CPU (user + system) milliseconds.
fn timed(cwd: &Path, argv: &[String]) -> Result<(f64, f64), String> {
    let (program, args) = argv.split_first().ok_or("an empty command")?;
    let before = children_cpu_ms()?;
    let t = Instant::now();
    let output = Command::new(program).args(args).current_dir(cwd).output().map_err(|e| e.to_string())?;
    let wall = ms(t.elapsed());
    // A command that failed did not do the work: its time means nothing.
    if !output.status.success() {
        return Err(format!(
            "`{}` failed, so it cannot be timed:\n{}",
            argv.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok((wall, children_cpu_ms()? - before))
}

/// CPU milliseconds (user + system) of this process's waited-for children so far.
fn children_cpu_ms() -> Result<f64, String> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).map_err(|e| e.to_string())?;
    let (user, system) = (usage.user_time(), usage.system_time());
    Ok((user.tv_sec() + system.tv_sec()) as f64 * 1e3 + (user.tv_usec() + system.tv_usec()) as f64 / 1e3)
}

/// The wall and CPU milliseconds of each round of one contender.
#[derive(Debug, Default, Clone)]
struct Rounds {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

/// Runs each contender (one or more processes, one after another) once per
/// round, rotating which goes first, so that a noisy machine slows them
/// alike; `warmup` rounds are run first and dropped.
fn alternate(
    cwd: &Path,
    contenders: &[Processes],
    rounds: usize,
    warmup: usize,
) -> Result<Vec<Rounds>, String> {
    let mut results = vec![Rounds::default(); contenders.len()];
    for round in 0..warmup + rounds {
        for k in 0..contenders.len() {
            let which = (round + k) % contenders.len();
            let (mut wall, mut cpu) = (0.0, 0.0);
            for argv in &contenders[which] {
                let argv: Vec<String> =
                    argv.iter().map(|a| a.replace("{round}", &round.to_string())).collect();
                let (w, c) = timed(cwd, &argv)?;
                wall += w;
                cpu += c;
            }
            if round >= warmup {
                results[which].wall.push(wall);
                results[which].cpu.push(cpu);
            }
        }
    }
    Ok(results)
}

/// The median and quartiles of the per-round ratios `a / b`.
fn ratios(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    let mut r: Vec<f64> = a.iter().zip(b).filter(|(_, y)| **y > 0.0).map(|(x, y)| x / y).collect();
    r.sort_by(f64::total_cmp);
    let at = |q: f64| {
        r.get(((r.len().saturating_sub(1)) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.25), at(0.75))
}

/// This generator, progenitor 0.15.1 (`bench/progen`) and the parse floor,
/// whole processes in alternating rounds, on the fragments, two large specs
/// and the corpus.
fn side_by_side(
    root: &Path,
    fragments: &[PathBuf],
    upstream: &Path,
    corpus: &[PathBuf],
    quick: bool,
) -> Result<String, String> {
    let target = crate::target_dir(root);
    let harness = root.join("bench/progen");
    cargo_seconds(&harness, &["build", "-q", "--release", "--locked"], Some(&target.join("progen")))?;
    let progen = target.join("progen/release/progen").display().to_string();
    let xtask = target.join("release/xtask").display().to_string();
    let scratch = target.join("bench-out");
    let _ = fs::remove_dir_all(&scratch);
    let path = |p: &PathBuf| p.display().to_string();
    let stem = |p: &Path| p.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ours_spec = |spec: &PathBuf| -> Vec<String> {
        let out = scratch.join("ours").join(stem(spec));
        vec![
            xtask.clone(),
            "codegen".into(),
            "-q".into(),
            "--spec".into(),
            path(spec),
            "--out".into(),
            path(&out),
        ]
    };
    let progen_gen = |specs: &[PathBuf]| -> Vec<String> {
        // A fresh directory each round: progenitor always writes.
        let out = scratch.join("progen").join("{round}");
        let mut argv = vec![progen.clone(), "gen".into(), "--patch".into(), "--out".into(), path(&out)];
        argv.extend(specs.iter().map(path));
        argv
    };
    let floor = |specs: &[PathBuf]| -> Vec<String> {
        let mut argv = vec![progen.clone(), "parse".into()];
        argv.extend(specs.iter().map(path));
        argv
    };
    // One spec: each contender runs one process on it.
    let one = |spec: &PathBuf| -> [Processes; 3] {
        let alone = std::slice::from_ref(spec);
        [vec![ours_spec(spec)], vec![progen_gen(alone)], vec![floor(alone)]]
    };
    // The corpus: each contender runs one process per spec.
    let mut each: [Processes; 3] = Default::default();
    for spec in corpus {
        for (all, processes) in each.iter_mut().zip(one(spec)) {
            all.extend(processes);
        }
    }
    let (small, large, whole) = if quick { (7, 5, 1) } else { (31, 21, 5) };
    let work: Vec<(String, [Processes; 3], usize)> = vec![
        (
            "three Bindings fragments, `cargo xtask codegen --check`".to_owned(),
            [
                vec![vec![xtask.clone(), "codegen".into(), "--check".into(), "-q".into()]],
                vec![progen_gen(fragments)],
                vec![floor(fragments)],
            ],
            small,
        ),
        ("`twilio_chat_v2.yaml`".to_owned(), one(&upstream.join("twilio_chat_v2.yaml")), large),
        (
            "`twilio_conversations_v1.yaml`".to_owned(),
            one(&upstream.join("twilio_conversations_v1.yaml")),
            large,
        ),
        (format!("{} Twilio specs, one process each (sum)", corpus.len()), each, whole),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Generator against progenitor, whole processes (release, ms)\n\n\
         Each row is one run of alternating rounds (the first to run rotates, after 2 warm-up\n\
         rounds): this project's `xtask`, progenitor 0.15.1 (`bench/progen`: `progen gen --patch`,\n\
         which writes its output every time, as our `codegen --spec … --out DIR` writes only\n\
         what changed) and the parse floor (`progen parse`: serde_yaml → openapiv3 alone, in its\n\
         own process). Times are medians of wall and of CPU (user + system, from `getrusage`);\n\
         ratios are the median of the per-round ratios, with the quartiles in brackets.\n"
    );
    let _ = writeln!(
        out,
        "| work | rounds | ours wall / CPU | progenitor wall / CPU | floor wall / CPU | progenitor ÷ ours, CPU | ours ÷ floor, CPU | ours ÷ floor, wall |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, contenders, rounds) in &work {
        let r = alternate(root, contenders, *rounds, 2)?;
        let med = |v: &[f64]| median(v.to_vec());
        let (speedup, s25, s75) = ratios(&r[1].cpu, &r[0].cpu);
        let (over, o25, o75) = ratios(&r[0].cpu, &r[2].cpu);
        let (over_wall, w25, w75) = ratios(&r[0].wall, &r[2].wall);
        let _ = writeln!(
            out,
            "| {name} | {rounds} | {:.1} / {:.1} | {:.1} / {:.1} | {:.1} / {:.1} | {speedup:.2}× [{s25:.2}–{s75:.2}] | {over:.2}× [{o25:.2}–{o75:.2}] | {over_wall:.2}× [{w25:.2}–{w75:.2}] |",
            med(&r[0].wall),
            med(&r[0].cpu),
            med(&r[1].wall),
            med(&r[1].cpu),
            med(&r[2].wall),
            med(&r[2].cpu),
        );
    }
    let _ = fs::remove_dir_all(&scratch);
    Ok(out)
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
    crate::tell!("bench: the generator's stages, in process");
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

    crate::tell!("bench: against progenitor and the parse floor, whole processes");
    out.push_str(&side_by_side(root, &fragments, &upstream, &corpus, quick)?);

    let _ = writeln!(out, "\n## Generated code\n");
    let generated = root.join("generated/src/generated");
    let mut lines = 0;
    let mut bytes = 0;
    let sources = fs::read_dir(&generated).map_err(|e| e.to_string())?.flatten();
    // Rust only: the model, the name lock and the guide tables beside it are data.
    for entry in sources.filter(|e| e.path().extension().is_some_and(|x| x == "rs")) {
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
        crate::tell!("bench: compile times, clean builds");
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
        // A typical service's program with and without the crate, and the
        // crate's program alone, with each TLS choice (native-tls needs
        // OpenSSL's headers: `libssl-dev` and `pkg-config` on Debian), in
        // rounds.
        out.push_str(&user_builds(root));
    }
    Ok(out)
}
