//! `cargo xtask codegen` as users run it: exit codes, messages, and output
//! left exactly as it was when a run fails or only checks.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

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

    let out_arg = out.to_str().unwrap_or_default();
    let both = xtask(&["codegen", "--spec", &fragment(), "--spec", &conversations(), "--out", out_arg]);
    assert!(both.status.success(), "{}", String::from_utf8_lossy(&both.stderr));
    // A file of the user's own beside the generated ones is never touched.
    fs::write(out.join("src/generated/mine.rs"), "// mine").expect("writes");
    let checked = xtask(&["codegen", "--check", "--spec", &fragment(), "--out", out_arg]);
    assert!(!checked.status.success());
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(stderr.contains("conversations_v1.rs is no longer generated"), "{stderr}");
    assert!(!stderr.contains("mine.rs"), "{stderr}");
    let rewritten = xtask(&["codegen", "--spec", &fragment(), "--out", out_arg]);
    assert!(rewritten.status.success());
    assert!(!out.join("src/generated/conversations_v1.rs").exists(), "stale generated files are deleted");
    assert!(out.join("src/generated/mine.rs").exists(), "the user's file stays");
}

fn conversations() -> String {
    xtask::root().join("spec/conversations_v1_service_bindings.yaml").display().to_string()
}

fn failure(output: &Output) -> String {
    assert!(!output.status.success(), "succeeded: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn out_never_touches_a_directory_the_generator_did_not_make() {
    let dir = scratch("foreign");
    let theirs = dir.join("their-crate");
    fs::create_dir_all(theirs.join("src/generated")).expect("dirs");
    fs::write(theirs.join("Cargo.toml"), "[package]\nname = \"theirs\"\n").expect("writes");
    fs::write(theirs.join("src/lib.rs"), "mod generated;").expect("writes");
    fs::write(theirs.join("src/generated/chat_v2.rs"), "// theirs").expect("writes");
    let before = snapshot(&dir);
    let stderr =
        failure(&xtask(&["codegen", "--spec", &fragment(), "--out", theirs.to_str().unwrap_or_default()]));
    assert!(stderr.contains("is not empty and holds no .codegen-manifest"), "{stderr}");
    assert_eq!(snapshot(&dir), before, "nothing was touched");

    // `.` and `/` are directories like any other.
    let here = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--spec", &fragment(), "--out", "."])
        .current_dir(&theirs)
        .output()
        .expect("xtask runs");
    assert!(failure(&here).contains("holds no .codegen-manifest"));
    assert_eq!(snapshot(&dir), before, "nothing was touched");
    let root = failure(&xtask(&["codegen", "--spec", &fragment(), "--out", "/"]));
    assert!(root.contains("holds no .codegen-manifest"), "{root}");
    assert!(!Path::new("/src/generated").exists() && !Path::new("/.codegen-manifest").exists());
}

#[cfg(unix)]
#[test]
fn out_never_writes_or_deletes_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let dir = scratch("symlinks");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap_or_default();
    let victim = dir.join("victim");
    fs::create_dir_all(&victim).expect("dirs");
    fs::write(victim.join("precious.txt"), "precious").expect("writes");
    let generate = |specs: &[String]| {
        let mut args = vec!["codegen".to_owned()];
        for spec in specs {
            args.extend(["--spec".to_owned(), spec.clone()]);
        }
        args.extend(["--out".to_owned(), out_arg.to_owned()]);
        Command::new(env!("CARGO_BIN_EXE_xtask")).args(&args).output().expect("xtask runs")
    };
    assert!(generate(&[fragment(), conversations()]).status.success());

    // A generated file replaced by a symlink to someone else's file.
    let generated = out.join("src/generated");
    let chat = generated.join("chat_v2.rs");
    fs::remove_file(&chat).expect("removes");
    symlink(victim.join("precious.txt"), &chat).expect("symlink");
    let before = snapshot(&dir);
    assert!(failure(&generate(&[fragment()])).contains("is a symlink"));
    assert_eq!(snapshot(&dir), before);
    fs::remove_file(&chat).expect("removes");

    // Temporary names planted as symlinks are never written through.
    for name in ["chat_v2.rs.tmp~", ".chat_v2.rs.tmp", "mod.rs.tmp~"] {
        symlink(victim.join("precious.txt"), generated.join(name)).expect("symlink");
    }
    assert!(generate(&[fragment()]).status.success());
    assert_eq!(fs::read_to_string(victim.join("precious.txt")).unwrap_or_default(), "precious");

    // The generated directory itself replaced by a symlink to the victim.
    let moved = dir.join("moved");
    fs::rename(&generated, &moved).expect("moves");
    fs::copy(moved.join("mod.rs"), victim.join("mod.rs")).expect("copies");
    symlink(&victim, &generated).expect("symlink");
    let before = snapshot(&victim);
    assert!(failure(&generate(&[conversations()])).contains("is a symlink"));
    assert_eq!(snapshot(&victim), before, "nothing deleted or written through the link");
}

#[test]
fn edited_files_are_never_overwritten_or_deleted() {
    let dir = scratch("edited");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap_or_default();
    assert!(
        xtask(&["codegen", "--spec", &fragment(), "--spec", &conversations(), "--out", out_arg])
            .status
            .success()
    );
    let chat = out.join("src/generated/chat_v2.rs");
    let original = fs::read_to_string(&chat).unwrap_or_default();
    let edited = format!("{original}\n// my edit\n");
    fs::write(&chat, &edited).expect("writes");
    // Regenerating would change chat_v2.rs back: refused.
    let before = snapshot(&dir);
    let stderr =
        failure(&xtask(&["codegen", "--spec", &fragment(), "--spec", &conversations(), "--out", out_arg]));
    assert!(stderr.contains("chat_v2.rs: was edited since it was generated"), "{stderr}");
    assert_eq!(snapshot(&dir), before);
    // An edited file that is no longer generated is not deleted either.
    fs::write(&chat, original).expect("restores");
    let conv = out.join("src/generated/conversations_v1.rs");
    fs::write(&conv, "// edited").expect("writes");
    let stderr = failure(&xtask(&["codegen", "--spec", &fragment(), "--out", out_arg]));
    assert!(stderr.contains("is no longer generated but was edited since"), "{stderr}");
    assert!(conv.exists());
}

#[test]
fn unknown_arguments_are_errors() {
    let out = xtask(&["codegen", "--frobnicate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--frobnicate'"));
}

#[test]
fn every_command_explains_itself_without_running() {
    let spec = xtask::root().join("spec");
    let before = snapshot(&spec);
    for command in
        ["codegen", "report", "update-spec", "history", "slice", "corpus", "fuzz", "mutants", "bench"]
    {
        for help in ["--help", "-h"] {
            let out = xtask(&[command, help]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{command} {help}: {}", String::from_utf8_lossy(&out.stderr));
            assert!(stdout.contains(&format!("Usage: cargo xtask {command}")), "{command} {help}: {stdout}");
        }
    }
    let out = xtask(&["--help"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("update-spec"));
    assert_eq!(snapshot(&spec), before, "asking for help ran a command");
}

/// `--runtime vendored` makes a crate that can leave the checkout: moved to
/// an empty folder elsewhere, it builds, re-exports the root items
/// `twilio-bindings` has, and its docs name each spec by its file name,
/// never the path it was given (which may be a maintainer's home folder).
#[test]
fn a_vendored_standalone_crate_builds_after_a_move() {
    let dir = scratch("vendored");
    let spec = xtask::root().join("spec/upstream/twilio_conversations_v1.yaml");
    let out = dir.join("made/here/conversations");
    let made = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap_or_default(),
        "--out",
        out.to_str().unwrap_or_default(),
        "--runtime",
        "vendored",
        "--name",
        "conversations",
    ]);
    assert!(made.status.success(), "{}", failure(&made));
    let moved = dir.join("elsewhere/conversations");
    fs::create_dir_all(moved.parent().expect("a parent")).expect("dirs");
    fs::rename(&out, &moved).expect("moves");
    let manifest = fs::read_to_string(moved.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("path = \"twilio-runtime\"") && !manifest.contains(".."), "{manifest}");
    let lib = fs::read_to_string(moved.join("src/lib.rs")).expect("lib");
    assert!(lib.contains("//! - `twilio_conversations_v1.yaml`"), "{lib}");
    assert!(!lib.contains("spec/upstream") && !lib.contains(&dir.display().to_string()), "{lib}");
    // A user's program beside it uses the root items as twilio-bindings offers them.
    fs::write(
        moved.join("src/bin_check.rs"),
        "#[allow(dead_code)]\nfn uses(e: crate::Error, c: crate::Call, r: crate::RetryPolicy) -> (crate::Error, crate::Call, crate::RetryPolicy) { (e, c, r) }\n",
    )
    .expect("writes");
    fs::write(moved.join("src/lib.rs"), format!("{lib}\nmod bin_check;\n")).expect("writes");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = Command::new(cargo)
        .current_dir(&moved)
        .env("CARGO_TARGET_DIR", xtask::target_dir(&xtask::root()))
        .args(["build", "--quiet", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
}

/// The command behind the weekly workflow (.github/workflows/follow-twilio.yml),
/// on a local twilio-oai checkout: a release that changes the Bindings specs
/// regenerates and writes the change report for the pull request; a newer
/// commit whose Bindings specs are byte for byte the same changes nothing
/// (not the provenance, not the CHANGELOG) and writes no report.
#[test]
fn following_twilio_writes_a_report_only_when_the_specs_change() {
    let dir = scratch("follow");
    let repo = dir.join("repo");
    common::workspace_copy(&repo);
    let oai = dir.join("twilio-oai");
    fs::create_dir_all(oai.join("spec/yaml")).expect("dirs");
    let older = xtask::root().join("spec/history/2025-07-03_4ae76f3_twilio_chat_v2.yaml");
    fs::copy(&older, oai.join("spec/yaml/twilio_chat_v2.yaml")).expect("copies");
    common::git(&oai, &["init", "-q", "-b", "main"]);
    common::git(&oai, &["add", "."]);
    common::git(&oai, &["commit", "-q", "-m", "older chat"]);
    let commit = common::git(&oai, &["rev-parse", "HEAD"]);
    let report = dir.join("report.md");
    let follow = || {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["update-spec", "--from", oai.to_str().unwrap_or_default(), "--report-to"])
            .arg(&report)
            .env("CARGO_MANIFEST_DIR", repo.join("xtask"))
            .output()
            .expect("xtask runs")
    };
    let first = follow();
    assert!(first.status.success(), "{}", failure(&first));
    let body = fs::read_to_string(&report).expect("a report for the pull request");
    assert!(body.contains(&format!("at {}", &commit[..7])) && body.contains("Suggested version"), "{body}");
    let provenance = fs::read_to_string(repo.join("spec/upstream/provenance.json")).expect("provenance");
    assert!(provenance.contains(&commit), "{provenance}");

    // A newer commit with the same Bindings bytes: no change at all.
    fs::remove_file(&report).expect("removes");
    fs::write(oai.join("README.md"), "a newer release of other specs\n").expect("writes");
    common::git(&oai, &["add", "."]);
    common::git(&oai, &["commit", "-q", "-m", "other specs"]);
    let before = snapshot(&repo);
    let second = follow();
    assert!(second.status.success(), "{}", failure(&second));
    assert!(String::from_utf8_lossy(&second.stdout).contains("Already up to date"), "{}", failure(&second));
    assert!(!report.exists(), "no report, so no pull request");
    assert_eq!(snapshot(&repo), before, "nothing in the repository changed");
}

#[test]
fn a_release_tag_must_be_the_workspace_version() {
    let run = xtask(&["release", "--tag", "v9.9.9", "--dry-run"]);
    assert!(!run.status.success());
    let stderr = failure(&run);
    assert!(stderr.contains("\"v9.9.9\" is not `v0.") && stderr.contains("twilio-runtime"), "{stderr}");
}
