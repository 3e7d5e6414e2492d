//! `cargo xtask history`: regenerates the Bindings crate from older upstream
//! specs (`spec/history/`), each in a scratch copy of the repository under
//! the committed name lock, as `cargo xtask update-spec` would; the crate,
//! its example program, its doctests and the README's example must still
//! compile, so that a spec change renames nothing users call.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{Failure, upstream};

/// One version's outcome.
#[derive(Debug)]
pub struct Row {
    /// The history file.
    pub version: String,
    /// Breaking and other changes the report listed.
    pub breaking: usize,
    /// Changes that break nothing.
    pub compatible: usize,
    /// `ok`, or what failed.
    pub result: String,
    /// Seconds for the update and the build.
    pub seconds: f64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| Failure::Io(path.to_path_buf(), e)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Failure> {
    fs::create_dir_all(to).map_err(io(to))?;
    for entry in fs::read_dir(from).map_err(io(from))?.flatten() {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            fs::copy(&source, &target).map_err(io(&source))?;
        }
    }
    Ok(())
}

/// A scratch workspace holding the generated crate, the specs, the README
/// and a crate that compiles the README's example; the runtime is the
/// repository's own, so its build is shared.
fn scratch(root: &Path, dir: &Path) -> Result<(), Failure> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io(dir))?;
    }
    copy_dir(&root.join("generated"), &dir.join("generated"))?;
    copy_dir(&root.join(upstream::UPSTREAM_DIR), &dir.join(upstream::UPSTREAM_DIR))?;
    for entry in fs::read_dir(root.join("spec")).map_err(io(root))?.flatten() {
        if entry.path().is_file() {
            fs::copy(entry.path(), dir.join("spec").join(entry.file_name())).map_err(io(&entry.path()))?;
        }
    }
    for file in ["README.md", "Cargo.lock"] {
        fs::copy(root.join(file), dir.join(file)).map_err(io(&root.join(file)))?;
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(io(root))?;
    let runtime = root.join("runtime").display().to_string().replace('\\', "/");
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.starts_with("members") {
                "members = [\"generated\", \"readme\"]".to_owned()
            } else if line.starts_with("default-members") || line.starts_with("twilio-codegen") {
                String::new()
            } else if line.starts_with("twilio-runtime") {
                format!("twilio-runtime = {{ path = {runtime:?} }}")
            } else if line.starts_with("twilio-bindings") {
                "twilio-bindings = { path = \"generated\" }".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(dir.join("Cargo.toml"), manifest + "\n").map_err(io(dir))?;
    fs::create_dir_all(dir.join("readme/src")).map_err(io(dir))?;
    fs::write(
        dir.join("readme/Cargo.toml"),
        "[package]\nname = \"readme\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\ntwilio-bindings.workspace = true\n",
    )
    .map_err(io(dir))?;
    fs::write(
        dir.join("readme/src/lib.rs"),
        "//! The README's example, compiled.\n#[doc = include_str!(\"../../README.md\")]\nmod readme {}\n",
    )
    .map_err(io(dir))
}

/// Regenerates from each of `versions` and builds; returns a row per version.
pub fn run(root: &Path, versions: &[PathBuf]) -> Result<Vec<Row>, Failure> {
    let base = crate::target_dir(root).join("history");
    let mut rows = Vec::new();
    for version in versions {
        let started = Instant::now();
        let name = version.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = base.join(&name);
        scratch(root, &dir)?;
        let incoming = upstream::find(std::slice::from_ref(version))
            .map_err(|e| Failure::Io(version.clone(), std::io::Error::other(e)))?;
        let update = upstream::update(&dir, &incoming)?;
        let breaking = update.changes.iter().filter(|c| c.breaking).count();
        let compatible = update.changes.len() - breaking;
        let mut result = "ok".to_owned();
        for args in [
            &["check", "--quiet", "-p", "twilio-bindings", "--all-targets"][..],
            &["test", "--quiet", "--doc", "-p", "twilio-bindings", "-p", "readme"][..],
        ] {
            let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", crate::target_dir(root))
                .args(args)
                .output()
                .map_err(io(&dir))?;
            if !output.status.success() {
                let log = String::from_utf8_lossy(&output.stderr);
                let first = log.lines().find(|l| l.starts_with("error")).unwrap_or("failed");
                result = format!("`cargo {}`: {first}", args[0]);
                break;
            }
        }
        rows.push(Row {
            version: name,
            breaking,
            compatible,
            result,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(rows)
}
