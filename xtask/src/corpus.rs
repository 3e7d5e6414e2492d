//! `cargo xtask corpus`: generate a crate from every spec in a folder (by
//! default all of Twilio's), build them all with clippy, and print a table.
//!
//! Each spec goes through exactly the code path of `cargo xtask codegen
//! --spec FILE --out DIR`. The crates are members of one scratch workspace
//! under `target/corpus/`, built in one cargo invocation with the main
//! target directory, so dependencies compiled for the workspace are reused.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::{Failure, Mode, Target, codegen, read_specs};

/// One spec's outcome.
#[derive(Debug, Clone)]
pub struct Row {
    /// The crate (and spec file stem).
    pub name: String,
    /// Operations generated.
    pub operations: usize,
    /// Operations skipped.
    pub skipped: usize,
    /// Generated lines.
    pub lines: usize,
    /// Generation time in milliseconds (in-process, wall clock).
    pub millis: f64,
    /// `ok`, `spec error: …` or `clippy: …`.
    pub result: String,
    /// Whether generation succeeded.
    pub generated: bool,
    /// Whether a spec error is the expected outcome (hostile specs).
    pub hostile: bool,
}

impl Row {
    /// Whether this row is what it should be.
    pub fn passed(&self) -> bool {
        self.result == "ok" || (self.hostile && self.result.starts_with("spec error"))
    }
}

/// What the build of the corpus found.
#[derive(Debug, Default)]
pub struct Build {
    /// Wall time of clippy and the doctest count, in seconds.
    pub seconds: f64,
    /// Every doctest rustdoc found in the generated crates (there must be none:
    /// spec text never becomes code).
    pub doctests: Vec<String>,
}

/// Generates every spec in `dirs` into `target/corpus/` and, if `build`,
/// runs clippy over them and has rustdoc list their doctests. Returns the
/// rows and what the build found.
/// `dirs` pairs each folder with whether its specs are hostile (a spec error
/// is then the expected outcome).
pub fn run(root: &Path, dirs: &[(PathBuf, bool)], build: bool) -> Result<(Vec<Row>, Build), Failure> {
    let scratch = crate::target_dir(root).join("corpus");
    let mut specs: Vec<(PathBuf, bool)> = Vec::new();
    for (dir, hostile) in dirs {
        let entries = fs::read_dir(dir).map_err(|e| Failure::Io(dir.clone(), e))?;
        specs.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
                // The provenance record beside the upstream specs is no spec.
                .filter(|p| p.file_name().is_none_or(|n| n != crate::upstream::PROVENANCE))
                .map(|p| (p, *hostile)),
        );
    }
    specs.sort();

    let mut rows = Vec::new();
    for (spec, hostile) in &specs {
        let hostile = *hostile;
        let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let inputs = read_specs(root, std::slice::from_ref(spec))?;
        let started = Instant::now();
        let outcome = codegen(root, &inputs, &Target::Member(scratch.join(&name)), Mode::Write);
        let millis = started.elapsed().as_secs_f64() * 1e3;
        rows.push(match outcome {
            Ok(report) => {
                for line in report.skipped.iter().chain(&report.warnings) {
                    crate::tell!("{line}");
                }
                let result = match report.invented.first() {
                    Some(first) => format!("numbered name: {first}"),
                    None => "ok".to_owned(),
                };
                Row {
                    name,
                    operations: report.operations,
                    skipped: report.skipped.len(),
                    lines: report.lines,
                    millis,
                    result,
                    generated: true,
                    hostile,
                }
            }
            Err(Failure::Spec(error)) => Row {
                name,
                operations: 0,
                skipped: 0,
                lines: 0,
                millis,
                result: format!("spec error: {}", error.message),
                generated: false,
                hostile,
            },
            Err(other) => return Err(other),
        });
    }

    let mut found = Build::default();
    if build {
        let started = Instant::now();
        build_all(root, &scratch, &mut rows)?;
        found.doctests = doctests(root, &scratch)?;
        found.seconds = started.elapsed().as_secs_f64();
    }
    Ok((rows, found))
}

/// Builds the generated crates with `cargo clippy -D warnings` and records
/// each crate's first problem.
fn build_all(root: &Path, scratch: &Path, rows: &mut [Row]) -> Result<(), Failure> {
    let members: Vec<String> = rows.iter().filter(|r| r.generated).map(|r| format!("{:?}", r.name)).collect();
    let manifest = format!(
        "# Written by `cargo xtask corpus`.\n[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    let write = |path: PathBuf, text: &[u8]| fs::write(&path, text).map_err(|e| Failure::Io(path, e));
    write(scratch.join("Cargo.toml"), manifest.as_bytes())?;
    // The workspace's lock file, so that dependencies match and are reused.
    let lock = fs::read(root.join("Cargo.lock")).map_err(|e| Failure::Io(root.join("Cargo.lock"), e))?;
    write(scratch.join("Cargo.lock"), &lock)?;

    let output = crate::cargo(scratch)
        .env("CARGO_TARGET_DIR", crate::target_dir(root))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format=short",
            "--",
            "-D",
            "warnings",
        ])
        .output()
        .map_err(|e| Failure::Io(scratch.to_path_buf(), e))?;
    let log = String::from_utf8_lossy(&output.stderr);
    fs::write(scratch.join("clippy.log"), log.as_bytes())
        .map_err(|e| Failure::Io(scratch.join("clippy.log"), e))?;
    for row in rows.iter_mut().filter(|r| r.generated) {
        let prefix = format!("{}/", row.name);
        let failed = log.contains(&format!("could not compile `{}`", row.name));
        let first = log.lines().find(|l| l.starts_with(&prefix) && l.contains(": error"));
        if failed || first.is_some() {
            row.result = format!("clippy: {}", first.unwrap_or("failed (see target/corpus/clippy.log)"));
        }
    }
    // A build that failed without naming a crate (a broken toolchain, say).
    if !output.status.success() && rows.iter().all(|r| !r.result.starts_with("clippy")) {
        let last = log.lines().last().unwrap_or_default();
        return Err(Failure::Io(
            scratch.to_path_buf(),
            std::io::Error::other(format!("cargo clippy failed: {last}")),
        ));
    }
    Ok(())
}

/// Every doctest in the corpus, as rustdoc lists them. Listed, never run:
/// a doctest here would be spec text.
fn doctests(root: &Path, scratch: &Path) -> Result<Vec<String>, Failure> {
    let output = crate::cargo(scratch)
        .env("CARGO_TARGET_DIR", crate::target_dir(root))
        .args(["test", "--doc", "--workspace", "--no-fail-fast", "--quiet", "--", "--list"])
        .output()
        .map_err(|e| Failure::Io(scratch.to_path_buf(), e))?;
    let listed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let log = String::from_utf8_lossy(&output.stderr);
        let last = log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
        return Err(Failure::Io(
            scratch.to_path_buf(),
            std::io::Error::other(format!("cargo test --doc -- --list failed: {last}")),
        ));
    }
    Ok(listed.lines().filter(|l| l.ends_with(": test")).map(str::to_owned).collect())
}

/// The rows as a Markdown table with a total line.
pub fn table(rows: &[Row], build: &Build) -> String {
    let build_secs = build.seconds;
    let mut out = String::from(
        "| spec | operations | skipped | lines | generation (ms) | result |\n|---|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.1} | {} |",
            r.name, r.operations, r.skipped, r.lines, r.millis, r.result
        );
    }
    let ops: usize = rows.iter().map(|r| r.operations).sum();
    let skipped: usize = rows.iter().map(|r| r.skipped).sum();
    let lines: usize = rows.iter().map(|r| r.lines).sum();
    let millis: f64 = rows.iter().map(|r| r.millis).sum();
    let ok = rows.iter().filter(|r| r.result == "ok").count();
    let _ = writeln!(
        out,
        "| **{} specs** | {ops} | {skipped} | {lines} | {millis:.1} | {ok} ok; {} doctests; clippy and doctest list {build_secs:.1} s |",
        rows.len(),
        build.doctests.len()
    );
    out
}
