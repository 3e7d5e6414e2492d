//! `cargo xtask contract`: every operation of every spec called through the
//! typed API of the crate generated from it, against Prism serving that
//! spec with request validation on.
//!
//! For each spec this generates the crate (as `cargo xtask codegen --spec
//! FILE --out DIR` does) and a probe program beside it
//! ([`twilio_codegen::probe`]), builds them all in one cargo run under
//! `target/contract/`, starts Prism on a copy of the spec and runs the
//! probe: once with Prism's static examples (lists followed to their second
//! page), then `dynamic` times with responses Prism makes up from the
//! schemas. Every call must be accepted by Prism and its answer decode;
//! what fails is a failure unless `tests/prism/faults.txt` lists it, with
//! its evidence, as a fault of Prism or of the spec.
//!
//! The copy of the spec Prism serves differs in one thing, which the spec
//! already means: a form body's array property gets the OpenAPI default
//! `encoding` (`style: form, explode: true`: repeated keys, `Tag=a&Tag=b`,
//! as Twilio's SDKs send), with `allowReserved: true` and without
//! `nullable`, because Prism 5.16 reads no array from a form body
//! otherwise (it takes `Tag=a&Tag=b` for one string, refuses a
//! percent-encoded `,` in an exploded array as "Reserved characters used in
//! request body", and a `$ref`'d nullable array as "must be array,null").

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_yaml::Value;

use crate::{Failure, Mode, Target};

/// The faults of Prism or of a spec that the contract accepts, each with
/// its evidence, relative to the root.
pub const FAULTS: &str = "tests/prism/faults.txt";

/// One call's outcome, as the probe printed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `METHOD PATH`.
    pub op: String,
    /// `all`, `required`, `next page`, with ` (dynamic)` for made-up answers.
    pub call: String,
    /// `ok`, `rejected`, `decode`, `unsent` or `error`.
    pub kind: String,
    /// Why, for anything but `ok`.
    pub detail: String,
}

/// What one spec's contract found.
#[derive(Debug, Default)]
pub struct Row {
    /// The spec's file name.
    pub spec: String,
    /// Operations in the spec.
    pub operations: usize,
    /// Operations the generator skipped (not expressible), with why.
    pub skipped: Vec<String>,
    /// Calls made.
    pub calls: usize,
    /// Calls accepted and decoded.
    pub ok: usize,
    /// Calls that failed, not listed as faults.
    pub failures: Vec<Outcome>,
    /// Calls that failed, listed as faults of Prism or the spec.
    pub faults: Vec<Outcome>,
    /// Seconds for the spec (Prism's start, the calls).
    pub seconds: f64,
    /// Why the spec could not be checked at all, if it could not.
    pub broken: Option<String>,
}

impl Row {
    /// Whether every call passed or is a listed fault.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.broken.is_none()
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

/// The copy of a spec Prism serves: form arrays encoded as the spec means
/// them (see the module docs).
pub fn prism_copy(text: &str) -> Result<String, String> {
    let mut doc: Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let components = doc.get("components").and_then(|c| c.get("schemas")).cloned().unwrap_or(Value::Null);
    let resolve = |schema: &Value| -> Value {
        let mut schema = schema.clone();
        for _ in 0..16 {
            let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next())
            else {
                break;
            };
            schema = components.get(name).cloned().unwrap_or(Value::Null);
        }
        schema
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_mapping_mut) else {
        return Ok(text.to_owned());
    };
    for (_, item) in paths.iter_mut() {
        let Some(item) = item.as_mapping_mut() else { continue };
        for (_, op) in item.iter_mut() {
            let Some(content) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(|c| c.get_mut("application/x-www-form-urlencoded"))
            else {
                continue;
            };
            let Some(schema) = content.get("schema").map(&resolve) else { continue };
            let mut encoding = serde_yaml::Mapping::new();
            let mut schema = schema;
            if let Some(properties) = schema.get_mut("properties").and_then(Value::as_mapping_mut) {
                for (name, property) in properties.iter_mut() {
                    let mut resolved = resolve(property);
                    if resolved.get("type").and_then(Value::as_str) != Some("array") {
                        continue;
                    }
                    if let Some(map) = resolved.as_mapping_mut() {
                        map.remove("nullable");
                    }
                    *property = resolved;
                    let rule: Value =
                        serde_yaml::from_str("{style: form, explode: true, allowReserved: true}")
                            .map_err(|e| e.to_string())?;
                    encoding.insert(name.clone(), rule);
                }
            }
            if encoding.is_empty() {
                continue;
            }
            if let Some(content) = content.as_mapping_mut() {
                content.insert("schema".into(), schema);
                content.insert("encoding".into(), Value::Mapping(encoding));
            }
        }
    }
    serde_yaml::to_string(&doc).map_err(|e| e.to_string())
}

/// Reads the probe's lines; `dynamic` marks each call as made with
/// made-up answers.
pub fn outcomes(stdout: &str, dynamic: bool) -> Vec<Outcome> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut parts = line.strip_prefix("RESULT\t")?.splitn(4, '\t');
            let (op, call, kind) = (parts.next()?, parts.next()?, parts.next()?);
            let call = if dynamic { format!("{call} (dynamic)") } else { call.to_owned() };
            Some(Outcome {
                op: op.to_owned(),
                call,
                kind: kind.to_owned(),
                detail: parts.next().unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// A listed fault: spec, operation (`*`: any), call (a call's name, or
/// `static`, `dynamic` or `*` for every call with those answers) and
/// outcome (`kind`, `*`, or `kind ~ text` the detail must hold), with the
/// evidence.
#[derive(Debug, Clone)]
pub struct Fault {
    spec: String,
    op: String,
    call: String,
    kind: String,
}

impl Fault {
    fn covers(&self, spec: &str, outcome: &Outcome) -> bool {
        let dynamic = outcome.call.ends_with("(dynamic)");
        let call_matches = match self.call.as_str() {
            "*" => true,
            "static" => !dynamic,
            "dynamic" => dynamic,
            call => outcome.call == call,
        };
        let (kind, holds) = self.kind.split_once(" ~ ").unwrap_or((&self.kind, ""));
        let outcome_matches = (kind == "*" || kind == outcome.kind) && outcome.detail.contains(holds);
        self.spec == spec && (self.op == "*" || self.op == outcome.op) && call_matches && outcome_matches
    }
}

/// Reads `tests/prism/faults.txt`: `SPEC | METHOD PATH | CALL | OUTCOME |
/// evidence` per line, `#` comments.
pub fn faults(root: &Path) -> Result<Vec<Fault>, Failure> {
    let text = crate::read_text(&root.join(FAULTS), crate::MAX_OWN_FILE)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
        let [spec, op, call, kind, evidence] = parts.as_slice() else {
            return Err(Failure::Io(
                root.join(FAULTS),
                std::io::Error::other(format!(
                    "line {}: not `SPEC | METHOD PATH | CALL | OUTCOME | evidence`",
                    n + 1
                )),
            ));
        };
        if evidence.is_empty() {
            return Err(Failure::Io(
                root.join(FAULTS),
                std::io::Error::other(format!("line {}: no evidence", n + 1)),
            ));
        }
        out.push(Fault {
            spec: (*spec).to_owned(),
            op: (*op).to_owned(),
            call: (*call).to_owned(),
            kind: (*kind).to_owned(),
        });
    }
    Ok(out)
}

/// A spec's crate and probe, generated.
struct Prepared {
    spec: PathBuf,
    name: String,
    operations: usize,
    skipped: Vec<String>,
}

/// Generates the crate and the probe of each spec under `scratch`.
fn prepare(root: &Path, scratch: &Path, specs: &[PathBuf]) -> Result<Vec<Prepared>, Failure> {
    let mut prepared: Vec<Prepared> = Vec::new();
    for spec in specs {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        // The same spec from two folders (the stored upstream and Twilio's
        // current) gets two crates.
        let mut name = stem.clone();
        for n in 2.. {
            if !prepared.iter().any(|p| p.name == name) {
                break;
            }
            name = format!("{stem}_{n}");
        }
        let inputs = crate::read_specs(root, std::slice::from_ref(spec))?;
        let target = Target::Member(scratch.join(&name));
        let output = crate::generate(root, &inputs, &target)?;
        crate::write_output(root, &inputs, &output, &target, Mode::Write)?;
        let texts: Vec<String> = inputs.iter().map(|i| i.text.clone()).collect();
        let specs = twilio_codegen::probe::Specs::new(&texts)
            .map_err(|e| Failure::Io(spec.clone(), std::io::Error::other(e)))?;
        let program = twilio_codegen::probe::program(&output.api, &specs, &name);
        let probe = scratch.join(format!("probe-{name}"));
        crate::output::write_all(&[
            (
                probe.join("Cargo.toml"),
                twilio_codegen::probe::manifest(&name, &format!("../{name}")).into_bytes(),
            ),
            (probe.join("src/main.rs"), program.into_bytes()),
        ])?;
        let copy =
            prism_copy(&inputs[0].text).map_err(|e| Failure::Io(spec.clone(), std::io::Error::other(e)))?;
        crate::output::write_all(&[(probe.join("prism.yaml"), copy.into_bytes())])?;
        let operations =
            output.api.domains.values().flat_map(|d| d.resources.values()).map(|r| r.operations.len()).sum();
        let skipped = output.api.skipped.iter().map(|s| format!("{}: {}", s.pointer, s.reason)).collect();
        prepared.push(Prepared { spec: spec.clone(), name, operations, skipped });
    }
    Ok(prepared)
}

/// Builds every probe in one cargo run; returns the build's log.
fn build(root: &Path, scratch: &Path, prepared: &[Prepared]) -> Result<(bool, String), Failure> {
    let members: Vec<String> =
        prepared.iter().flat_map(|p| [format!("{:?}", p.name), format!("\"probe-{}\"", p.name)]).collect();
    let manifest = format!(
        "# Written by `cargo xtask contract`.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    crate::output::write_all(&[(scratch.join("Cargo.toml"), manifest.into_bytes())])?;
    let lock = crate::read_bounded(&root.join("Cargo.lock"), crate::MAX_OWN_FILE)?;
    crate::output::write_all(&[(scratch.join("Cargo.lock"), lock)])?;
    let output = crate::cargo(scratch)
        .env("CARGO_TARGET_DIR", crate::target_dir(root))
        .args(["build", "--workspace", "--bins", "--keep-going", "--quiet", "--message-format=short"])
        .output()
        .map_err(io(scratch))?;
    Ok((output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned()))
}

/// Where the build puts the probe of `name`.
fn probe_binary(root: &Path, name: &str) -> PathBuf {
    crate::target_dir(root).join("debug").join(format!("probe-{name}"))
}

/// Runs the probe of `name` against Prism at `base`.
fn probe(root: &Path, name: &str, base: &str, prefer: Option<&str>) -> Result<String, String> {
    let binary = probe_binary(root, name);
    let mut command = std::process::Command::new(&binary);
    command.arg(base);
    command.args(prefer);
    let output = command.output().map_err(|e| format!("{}: {e}", binary.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "the probe failed ({}): {}",
            output.status,
            stderr.lines().last().unwrap_or_default()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Checks every spec in `specs`, with `dynamic` runs of made-up answers
/// each; `progress` hears of each spec as it ends.
pub fn run(
    root: &Path,
    specs: &[PathBuf],
    dynamic: usize,
    progress: &mut dyn FnMut(&Row),
) -> Result<Vec<Row>, Failure> {
    let scratch = crate::target_dir(root).join("contract");
    let known = faults(root)?;
    let prepared = prepare(root, &scratch, specs)?;
    let started = Instant::now();
    let (built, log) = build(root, &scratch, &prepared)?;
    crate::tell!(
        "contract: {} crates and their probes built in {:.1} s",
        prepared.len(),
        started.elapsed().as_secs_f64()
    );
    let mut rows = Vec::new();
    for p in &prepared {
        let started = Instant::now();
        let spec = p.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut row = Row {
            spec: spec.clone(),
            operations: p.operations,
            skipped: p.skipped.clone(),
            ..Row::default()
        };
        // A failed build may leave an older probe behind, or none at all
        // (a dependency failed, the disk is full).
        let failed_build = !built
            && (!probe_binary(root, &p.name).is_file()
                || [
                    format!("could not compile `probe-{}`", p.name),
                    format!("could not compile `{}`", p.name),
                ]
                .iter()
                .any(|line| log.contains(line)));
        if failed_build {
            let first = log.lines().find(|l| l.contains("error")).unwrap_or("the build failed");
            row.broken = Some(format!("build: {first}"));
            progress(&row);
            rows.push(row);
            continue;
        }
        // Nothing to call (a spec of schemas only): Prism refuses to serve it.
        if p.operations == 0 {
            progress(&row);
            rows.push(row);
            continue;
        }
        let prism =
            crate::prism::Prism::start(root, &scratch.join(format!("probe-{}", p.name)).join("prism.yaml"));
        let prism = match prism {
            Ok(prism) => prism,
            Err(error) => {
                row.broken = Some(error);
                progress(&row);
                rows.push(row);
                continue;
            }
        };
        let mut all = Vec::new();
        let runs = std::iter::once(None).chain(std::iter::repeat_n(Some("dynamic=true"), dynamic));
        for prefer in runs {
            match probe(root, &p.name, &prism.url(), prefer) {
                Ok(stdout) => all.extend(outcomes(&stdout, prefer.is_some())),
                Err(error) => row.broken = Some(error),
            }
        }
        drop(prism);
        row.calls = all.len();
        for outcome in all {
            if outcome.kind == "ok" {
                row.ok += 1;
            } else if known.iter().any(|f| f.covers(&spec, &outcome)) {
                row.faults.push(outcome);
            } else {
                row.failures.push(outcome);
            }
        }
        row.seconds = started.elapsed().as_secs_f64();
        progress(&row);
        rows.push(row);
    }
    Ok(rows)
}

/// The table of rows, with a total line.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | operations | not expressible | calls | accepted and decoded | rejected | decode failures | other failures | listed faults | s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let count = |r: &Row, kind: &str| r.failures.iter().filter(|o| o.kind == kind).count();
    let mut totals = [0usize; 8];
    for r in rows {
        let rejected = count(r, "rejected");
        let decode = count(r, "decode");
        let other = r.failures.len() - rejected - decode;
        let line = [r.operations, r.skipped.len(), r.calls, r.ok, rejected, decode, other, r.faults.len()];
        for (total, n) in totals.iter_mut().zip(line) {
            *total += n;
        }
        let broken =
            r.broken.as_deref().map(|b| format!(" ({})", twilio_codegen::docs::plain(b))).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {}{broken} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} |",
            r.spec, line[0], line[1], line[2], line[3], line[4], line[5], line[6], line[7], r.seconds
        );
    }
    let _ = writeln!(
        out,
        "| **{} specs** | {} | {} | {} | {} | {} | {} | {} | {} | |",
        rows.len(),
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        totals[4],
        totals[5],
        totals[6],
        totals[7]
    );
    out
}

/// Every failure, one line each, grouped by spec.
pub fn failures(rows: &[Row]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        let lines = out.entry(r.spec.clone()).or_default();
        lines.extend(r.broken.iter().cloned());
        lines.extend(r.failures.iter().map(|o| format!("{} | {} | {} | {}", o.op, o.call, o.kind, o.detail)));
    }
    out.retain(|_, lines| !lines.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_arrays_are_encoded_as_the_spec_means_them() {
        let spec = "openapi: 3.0.1\ncomponents:\n  schemas:\n    tags: {type: array, nullable: true, items: {type: string}}\n\
                    paths:\n  /v1/Things:\n    post:\n      requestBody:\n        content:\n          application/x-www-form-urlencoded:\n\
                    \x20           schema:\n              type: object\n              properties:\n\
                    \x20               Tag: {$ref: '#/components/schemas/tags'}\n                Name: {type: string}\n";
        let copy = prism_copy(spec).expect("a copy");
        let doc: Value = serde_yaml::from_str(&copy).expect("YAML");
        let content = &doc["paths"]["/v1/Things"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"];
        let rule = &content["encoding"]["Tag"];
        assert_eq!(
            (rule["style"].as_str(), rule["explode"].as_bool(), rule["allowReserved"].as_bool()),
            (Some("form"), Some(true), Some(true))
        );
        assert!(content["encoding"].get("Name").is_none());
        let tag = &content["schema"]["properties"]["Tag"];
        assert_eq!(tag["type"].as_str(), Some("array"));
        assert!(tag.get("nullable").is_none(), "{copy}");
    }

    #[test]
    fn probe_lines_are_read_and_faults_matched() {
        let stdout = "noise\nRESULT\tGET /v1/Things\tall\tok\t\nRESULT\tPOST /v1/Things\trequired\tdecode\tinvalid type: x\n";
        let read = outcomes(stdout, true);
        assert_eq!(read.len(), 2);
        assert_eq!(
            (read[1].call.as_str(), read[1].kind.as_str(), read[1].detail.as_str()),
            ("required (dynamic)", "decode", "invalid type: x")
        );
        let fault = Fault {
            spec: "s.yaml".to_owned(),
            op: "POST /v1/Things".to_owned(),
            call: "dynamic".to_owned(),
            kind: "decode".to_owned(),
        };
        assert!(fault.covers("s.yaml", &read[1]));
        assert!(!fault.covers("t.yaml", &read[1]));
        let static_only = Fault { call: "static".to_owned(), ..fault };
        assert!(!static_only.covers("s.yaml", &read[1]));
    }
}
