//! `cargo xtask codegen` as users run it: exit codes, messages, and output
//! left exactly as it was when a run fails or only checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Every file under `dir` with its contents, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), fs::read(&path).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

fn fragment() -> String {
    xtask::root().join("spec/chat_v2_service_bindings.yaml").display().to_string()
}

#[test]
fn a_broken_spec_fails_with_its_place_and_changes_nothing() {
    let dir = scratch("broken");
    let out = dir.join("out");
    let spec = dir.join("broken.yaml");
    let good = xtask(&["codegen", "--spec", &fragment(), "--out", out.to_str().unwrap_or_default()]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    let before = snapshot(&out);

    let text = fs::read_to_string(fragment())
        .unwrap_or_default()
        .replace("$ref: '#/components/schemas/chat.v2.service.binding'", "$ref: '#/components/schemas/nope'");
    fs::write(&spec, text).expect("writes the broken spec");
    let failed = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
    ]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(stderr.contains("broken.yaml:"), "{stderr}");
    assert!(stderr.contains("/schema/properties/bindings/items: unresolved `$ref`"), "{stderr}");
    assert_eq!(snapshot(&out), before, "a failed run leaves the output as it was");
}

#[test]
fn check_mode_writes_nothing_and_names_stale_files() {
    let dir = scratch("check");
    let out = dir.join("out");
    let checked =
        xtask(&["codegen", "--check", "--spec", &fragment(), "--out", out.to_str().unwrap_or_default()]);
    assert!(!checked.status.success());
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(
        stderr.contains("src/generated/chat_v2.rs was not up-to-date, run `cargo xtask codegen`"),
        "{stderr}"
    );
    assert!(snapshot(&dir).is_empty(), "--check wrote files");

    let written = xtask(&["codegen", "--spec", &fragment(), "--out", out.to_str().unwrap_or_default()]);
    assert!(written.status.success());
    fs::write(out.join("src/generated/leftover.rs"), "// stale").expect("writes");
    let checked =
        xtask(&["codegen", "--check", "--spec", &fragment(), "--out", out.to_str().unwrap_or_default()]);
    assert!(!checked.status.success());
    assert!(String::from_utf8_lossy(&checked.stderr).contains("leftover.rs is no longer generated"));
    let rewritten = xtask(&["codegen", "--spec", &fragment(), "--out", out.to_str().unwrap_or_default()]);
    assert!(rewritten.status.success());
    assert!(!out.join("src/generated/leftover.rs").exists(), "stale files are deleted");
}

#[test]
fn unknown_arguments_are_errors() {
    let out = xtask(&["codegen", "--frobnicate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument"));
}
