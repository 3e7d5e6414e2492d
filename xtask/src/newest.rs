//! `cargo xtask newest`: the crates users depend on, built and tested with
//! tomorrow's dependencies rather than this repository's lock file.
//!
//! A user who adds `twilio-bindings` to a project resolves every
//! dependency afresh, to its newest compatible version: a deprecation there
//! is a warning in their build, a break is an error. This copies the
//! repository (without its target directory and git data) into the target
//! directory, runs `cargo update` in the copy, as a toolchain without a
//! `rust-version` limit would resolve, and then runs clippy `-D warnings`
//! over the runtime and the generated crate with each TLS choice that needs
//! no system library, and the client suites. The build cache is the
//! repository's own, so only what changed is compiled again.

use std::fs;
use std::path::Path;
use std::time::Instant;

use crate::Failure;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

/// Copies the repository at `from` into `to`, leaving out build output,
/// git data, installed npm packages and an update's journal.
fn copy_repository(from: &Path, to: &Path) -> Result<(), Failure> {
    fs::create_dir_all(to).map_err(io(to))?;
    for entry in fs::read_dir(from).map_err(io(from))?.flatten() {
        let name = entry.file_name();
        let skip = [".git", "target", "node_modules", crate::transaction::JOURNAL];
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        let kind = entry.file_type().map_err(io(&source))?;
        if kind.is_dir() {
            copy_repository(&source, &target)?;
        } else if kind.is_file() {
            fs::copy(&source, &target).map_err(io(&source))?;
        }
    }
    Ok(())
}

/// The checks, each a cargo command run in the copy.
const CHECKS: &[&[&str]] = &[
    &[
        "clippy",
        "--quiet",
        "-p",
        "twilio-runtime",
        "-p",
        "twilio-bindings",
        "--all-targets",
        "--features",
        "twilio-runtime/tracing,twilio-runtime/test-util,twilio-bindings/tracing,twilio-bindings/test-util",
        "--",
        "-D",
        "warnings",
    ],
    &[
        "clippy",
        "--quiet",
        "-p",
        "twilio-runtime",
        "--all-targets",
        "--no-default-features",
        "--features",
        "rustls-ring,tracing,test-util",
        "--",
        "-D",
        "warnings",
    ],
    &["test", "--quiet", "-p", "twilio-runtime"],
    &[
        "test",
        "--quiet",
        "-p",
        "tests",
        "--test",
        "client",
        "--test",
        "faults",
        "--test",
        "retries",
        "--test",
        "leaks_and_limits",
        "--test",
        "user_code",
        "--test",
        "guide",
        "--test",
        "tls",
    ],
];

/// Runs the checks; fails naming the first that failed.
pub fn run(root: &Path) -> Result<(), Failure> {
    let started = Instant::now();
    let copy = crate::target_dir(root).join("newest/repository");
    if copy.exists() {
        fs::remove_dir_all(&copy).map_err(io(&copy))?;
    }
    copy_repository(root, &copy)?;
    let cargo = |args: &[&str]| {
        crate::cargo(&copy)
            .env("CARGO_TARGET_DIR", crate::target_dir(root))
            .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "allow")
            .args(args)
            .output()
            .map_err(io(&copy))
    };
    let updated = cargo(&["update"])?;
    let log = String::from_utf8_lossy(&updated.stderr);
    if !updated.status.success() {
        return Err(Failure::Io(copy, std::io::Error::other(format!("cargo update failed:\n{log}"))));
    }
    let moved: Vec<&str> =
        log.lines().map(str::trim).filter(|l| l.starts_with("Updating ") && l.contains(" -> ")).collect();
    crate::tell!("newest: {} dependencies newer than Cargo.lock", moved.len());
    for line in &moved {
        crate::tell!("  {line}");
    }
    for args in CHECKS {
        let step = Instant::now();
        let output = cargo(args)?;
        crate::tell!("newest: cargo {} ({:.0} s)", args.join(" "), step.elapsed().as_secs_f64());
        if !output.status.success() {
            // cargo's own output, as it printed it, then the verdict.
            let log = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = log.lines().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
            crate::tell!("{}\n{}", String::from_utf8_lossy(&output.stdout), tail.join("\n"));
            return Err(Failure::Io(
                copy,
                std::io::Error::other(format!(
                    "`cargo {}` fails with the newest dependencies",
                    args.join(" ")
                )),
            ));
        }
    }
    crate::tell!("newest: every check passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
