//! A mutation fuzzer for the loader and the generator.
//!
//! It starts from real specs (the Bindings fragments and the hostile corpus),
//! mutates them as text and as YAML trees, and runs the whole pipeline on
//! each mutant. Every mutant must end in `Ok` or in an `Err` naming the file;
//! a panic is a finding, reported with the seed and iteration that reproduce
//! it. Runs are deterministic for a given seed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use serde_yaml::Value;
use twilio_codegen::{Input, generate};

/// What a fuzzing run did.
#[derive(Debug, Default)]
pub struct Stats {
    /// Mutants run through the pipeline.
    pub executions: u64,
    /// Mutants that generated code.
    pub generated: u64,
    /// Mutants rejected with a spec error.
    pub rejected: u64,
    /// Panics, each with the seed, iteration and a description.
    pub findings: Vec<String>,
}

/// Text that specs might plausibly (or maliciously) contain.
const TOKENS: &[&str] = &[
    "$ref: '#/components/schemas/missing'",
    "$ref: '#/components/schemas/chat.v2.service.binding'",
    "{",
    "}",
    "[",
    "]",
    ":",
    "- ",
    "enum: []",
    "type: integer",
    "type: object",
    "format: uri-map",
    "pattern: ^BS[0-9a-fA-F]{32}$",
    "nullable: true",
    "'*/ \"`\\n",
    "名前",
    "StartTime<",
    "in: cookie",
    "required: true",
    "~1",
    "&anchor",
    "*anchor",
    "!!binary",
    "1e400",
    "-1",
    "null",
];

/// How long one mutant may take before it counts as a hang.
pub const PER_MUTANT: Duration = Duration::from_secs(10);

/// The pipeline's outcome for one mutant, as a worker reports it.
type Outcome = Result<Result<(), String>, String>;

/// Runs mutants of `seeds` until `budget` has passed or `max` mutants have
/// run, with a deterministic random sequence from `seed`. Each mutant runs on
/// a worker thread; one that takes longer than `per_mutant` is a finding (a
/// hang), and ends the run, since its thread cannot be stopped.
pub fn run(seeds: &[Input], seed: u64, budget: Duration, max: u64, per_mutant: Duration) -> Stats {
    let (to_worker, inbox) = std::sync::mpsc::channel::<Input>();
    let (outbox, from_worker) = std::sync::mpsc::channel::<Outcome>();
    std::thread::spawn(move || {
        for input in inbox {
            let outcome = catch_unwind(AssertUnwindSafe(|| generate(std::slice::from_ref(&input))));
            let outcome = match outcome {
                Ok(Ok(_)) => Ok(Ok(())),
                Ok(Err(error)) => Ok(Err(error.to_string())),
                Err(panic) => Err(panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default()),
            };
            if outbox.send(outcome).is_err() {
                break;
            }
        }
    });
    let mut rng = fastrand::Rng::with_seed(seed);
    let trees: Vec<Option<Value>> = seeds.iter().map(|s| serde_yaml::from_str(&s.text).ok()).collect();
    let mut stats = Stats::default();
    let started = Instant::now();
    while stats.executions < max && started.elapsed() < budget {
        let pick = rng.usize(..seeds.len());
        let text = match (&trees[pick], rng.u8(..3)) {
            (Some(tree), 0) => mutate_tree(&mut rng, tree.clone()),
            _ => mutate_text(&mut rng, &seeds[pick].text),
        };
        let input = Input { name: format!("mutant-{}.yaml", stats.executions), text };
        if let Ok(dir) = std::env::var("FUZZ_DUMP") {
            let _ = std::fs::write(format!("{dir}/current.yaml"), &input.text);
        }
        let (name, text) = (input.name.clone(), input.text.clone());
        if to_worker.send(input).is_err() {
            break;
        }
        let dump = |kind: &str| {
            if let Ok(dir) = std::env::var("FUZZ_DUMP") {
                let _ = std::fs::write(format!("{dir}/{kind}-{}.yaml", stats.executions), &text);
            }
        };
        match from_worker.recv_timeout(per_mutant) {
            Ok(Ok(Ok(()))) => stats.generated += 1,
            Ok(Ok(Err(error))) => {
                stats.rejected += 1;
                if !error.starts_with(&name) {
                    stats.findings.push(format!(
                        "seed {seed}, run {}: error without the file: {error}",
                        stats.executions
                    ));
                }
            }
            Ok(Err(message)) => {
                stats.findings.push(format!("seed {seed}, run {}: panic: {message}", stats.executions));
                dump("panic");
            }
            Err(_) => {
                stats.findings.push(format!(
                    "seed {seed}, run {}: hang: no result after {:.0} s",
                    stats.executions,
                    per_mutant.as_secs_f64()
                ));
                dump("hang");
                stats.executions += 1;
                break;
            }
        }
        stats.executions += 1;
    }
    stats
}

/// A few random line edits: deletions, copies, swaps, inserted tokens, flipped characters.
pub fn mutate_text(rng: &mut fastrand::Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for _ in 0..rng.usize(1..4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let at = rng.usize(..lines.len());
        match rng.u8(..7) {
            0 => {
                lines.remove(at);
            }
            1 => {
                let copy = lines[at].clone();
                lines.insert(rng.usize(..=lines.len()), copy);
            }
            2 => {
                let other = rng.usize(..lines.len());
                lines.swap(at, other);
            }
            3 => {
                let indent = " ".repeat(rng.usize(..12));
                lines.insert(at, format!("{indent}{}", TOKENS[rng.usize(..TOKENS.len())]));
            }
            4 => {
                // Replace a value after a colon.
                if let Some((key, _)) = lines[at].clone().split_once(": ") {
                    lines[at] = format!("{key}: {}", TOKENS[rng.usize(..TOKENS.len())]);
                }
            }
            5 => {
                // Flip a character.
                let mut chars: Vec<char> = lines[at].chars().collect();
                if !chars.is_empty() {
                    let i = rng.usize(..chars.len());
                    chars[i] = char::from(rng.u8(32..127));
                }
                lines[at] = chars.into_iter().collect();
            }
            _ => {
                lines.truncate(at);
            }
        }
    }
    lines.join("\n")
}

fn mutate_tree(rng: &mut fastrand::Rng, mut tree: Value) -> String {
    for _ in 0..rng.usize(1..4) {
        let donor = random_node(rng, &tree).cloned().unwrap_or(Value::Null);
        if let Some(node) = random_node_mut(rng, &mut tree) {
            *node = match rng.u8(..5) {
                0 => Value::Null,
                1 => Value::String(TOKENS[rng.usize(..TOKENS.len())].to_owned()),
                2 => Value::Number(rng.i64(-5..1000).into()),
                3 => donor,
                _ => Value::Sequence(vec![donor]),
            };
        }
    }
    serde_yaml::to_string(&tree).unwrap_or_default()
}

/// A node picked by a random walk from the root.
fn random_node<'v>(rng: &mut fastrand::Rng, mut node: &'v Value) -> Option<&'v Value> {
    for _ in 0..rng.usize(1..12) {
        let next = match node {
            Value::Mapping(map) if !map.is_empty() => map.values().nth(rng.usize(..map.len())),
            Value::Sequence(items) if !items.is_empty() => items.get(rng.usize(..items.len())),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => break,
        }
    }
    Some(node)
}

fn random_node_mut<'v>(rng: &mut fastrand::Rng, mut node: &'v mut Value) -> Option<&'v mut Value> {
    for _ in 0..rng.usize(1..12) {
        let len = match &*node {
            Value::Mapping(map) => map.len(),
            Value::Sequence(items) => items.len(),
            _ => 0,
        };
        if len == 0 {
            break;
        }
        let index = rng.usize(..len);
        node = match node {
            Value::Mapping(map) => map.values_mut().nth(index)?,
            Value::Sequence(items) => items.get_mut(index)?,
            _ => return None,
        };
    }
    Some(node)
}
