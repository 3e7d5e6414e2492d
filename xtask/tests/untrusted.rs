//! The generator's own inputs are untrusted too (security review, round 3):
//! a checkout's git config runs nothing, inputs are read within bounds and
//! only as regular files, names passed to `--from` are strict, a tampered
//! manifest removes no hand-written file, a failed `--out` leaves nothing
//! behind, and a closed stdout is no panic.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use xtask::upstream;

mod common;
use common::{chat_spec, git, workspace_copy};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("untrusted").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

/// A checkout whose spec was last changed by its first commit; later
/// commits change other files, and `HEAD` carries a signature.
fn checkout(dir: &Path, pack: bool) -> String {
    git(dir, &["init", "-q", "-b", "main"]);
    fs::create_dir_all(dir.join("spec/yaml")).expect("dirs");
    fs::write(dir.join("spec/yaml/twilio_chat_v2.yaml"), chat_spec()).expect("writes");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "spec"]);
    let first = git(dir, &["rev-parse", "HEAD"]);
    fs::write(dir.join("README.md"), "other\n").expect("writes");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "readme"]);
    // A signed commit, as `log.showSignature` would verify with gpg.program.
    let tree = git(dir, &["rev-parse", "HEAD^{tree}"]);
    let parent = git(dir, &["rev-parse", "HEAD"]);
    let signed = format!(
        "tree {tree}\nparent {parent}\nauthor t <t@example.com> 1718712000 +0000\n\
         committer t <t@example.com> 1718712000 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n fake\n -----END PGP SIGNATURE-----\n\nsigned\n"
    );
    let signed_path = dir.join("signed.txt");
    fs::write(&signed_path, signed).expect("writes");
    let id = git(dir, &["hash-object", "-t", "commit", "-w", signed_path.to_str().unwrap_or_default()]);
    fs::remove_file(&signed_path).expect("removes");
    git(dir, &["update-ref", "refs/heads/main", &id]);
    if pack {
        git(dir, &["gc", "-q", "--aggressive", "--prune=now"]);
        assert!(fs::read_dir(dir.join(".git/objects/pack")).expect("packs").count() > 0);
    }
    first
}

/// Makes the checkout hostile: every setting that runs a program names a
/// script that leaves `marker` behind.
fn make_hostile(dir: &Path, marker: &Path) {
    let script = dir.join("evil.sh");
    fs::write(&script, format!("#!/bin/sh\ntouch {}\ncat >/dev/null 2>&1\nexit 1\n", marker.display()))
        .expect("writes");
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).expect("chmod");
    let s = script.display();
    let config = format!(
        "[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {s}\n[gpg \"ssh\"]\n\tprogram = {s}\n\
         [core]\n\tfsmonitor = {s}\n\tpager = {s}\n\tsshCommand = {s}\n\thooksPath = {}\n\
         [diff]\n\texternal = {s}\n[filter \"x\"]\n\tsmudge = {s}\n\tclean = {s}\n",
        dir.display()
    );
    let path = dir.join(".git/config");
    let mut text = fs::read_to_string(&path).expect("config");
    text.push_str(&config);
    fs::write(&path, text).expect("writes");
    fs::write(dir.join(".gitattributes"), "* filter=x\n").expect("writes");
}

#[test]
fn a_hostile_checkout_runs_nothing_and_still_gives_its_commit() {
    for pack in [false, true] {
        let dir = scratch(if pack { "hostile-packed" } else { "hostile-loose" });
        let repo = dir.join("twilio-oai");
        fs::create_dir_all(&repo).expect("dirs");
        let first = checkout(&repo, pack);
        let marker = dir.join("ran");
        make_hostile(&repo, &marker);

        let found = upstream::find(std::slice::from_ref(&repo)).expect("found");
        assert!(!marker.exists(), "a program named by the checkout's config ran (packed: {pack})");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].commit, Some((first.clone(), "2024-06-18".to_owned())), "{:?}", found[0].note);
        // The file given by name is found in its checkout too.
        let file = repo.join("spec/yaml/twilio_chat_v2.yaml");
        let found = upstream::find(std::slice::from_ref(&file)).expect("found");
        assert_eq!(found[0].commit.as_ref().map(|c| c.0.as_str()), Some(first.as_str()));
        assert!(!marker.exists());

        // The config is hostile indeed: git itself runs its program.
        let _ = Command::new("git").current_dir(&repo).args(["log", "-1"]).stdout(Stdio::null()).status();
        assert!(marker.exists(), "the hostile config is not hostile (packed: {pack})");
    }
}

#[test]
fn a_changed_file_or_a_symlink_in_a_checkout_gets_no_commit() {
    let dir = scratch("dirty");
    let repo = dir.join("twilio-oai");
    fs::create_dir_all(&repo).expect("dirs");
    checkout(&repo, false);
    let file = repo.join("spec/yaml/twilio_chat_v2.yaml");
    fs::write(&file, chat_spec() + "\n# changed\n").expect("writes");
    let found = upstream::find(std::slice::from_ref(&repo)).expect("found");
    assert_eq!(found[0].commit, None);
    assert!(
        found[0].note.as_deref().is_some_and(|n| n.contains("uncommitted changes")),
        "{:?}",
        found[0].note
    );

    fs::remove_file(&file).expect("removes");
    std::os::unix::fs::symlink("/etc/hostname", &file).expect("symlink");
    let error = upstream::find(std::slice::from_ref(&repo)).expect_err("a symlink is refused");
    assert!(error.contains("is a symlink"), "{error}");
}

#[test]
fn given_commits_and_dates_are_checked_and_win() {
    let dir = scratch("given");
    let file = dir.join("twilio_chat_v2.yaml");
    fs::write(&file, chat_spec()).expect("writes");
    let given = |commit: Option<&str>, date: Option<&str>| upstream::Given {
        commit: commit.map(str::to_owned),
        date: date.map(str::to_owned),
    };
    let found =
        upstream::find_given(std::slice::from_ref(&file), &given(Some("abcdef1"), Some("2024-01-02")))
            .expect("found");
    assert_eq!(found[0].commit, Some(("abcdef1".to_owned(), "2024-01-02".to_owned())));
    for (commit, date) in
        [(Some("xyz"), None), (None, Some("9999-99-99")), (None, Some("9999-12-31")), (Some("ABCDEF1"), None)]
    {
        assert!(
            upstream::find_given(std::slice::from_ref(&file), &given(commit, date)).is_err(),
            "{commit:?} {date:?}"
        );
    }
    // A lone file with no date in its name says why nothing is known.
    let found = upstream::find(std::slice::from_ref(&file)).expect("found");
    assert_eq!(found[0].commit, None);
    assert!(found[0].note.as_deref().is_some_and(|n| n.contains("--commit")), "{:?}", found[0].note);
}

#[test]
fn only_upstream_names_are_taken() {
    let dir = scratch("names");
    for name in
        ["my_twilio_chat_v2.yaml", "9999-99-99_4ae76f3_twilio_chat_v2.yaml", "x_y_twilio_chat_v2.yaml"]
    {
        let file = dir.join(name);
        fs::write(&file, chat_spec()).expect("writes");
        let error = upstream::find(std::slice::from_ref(&file)).expect_err(name);
        assert!(error.contains("not a spec the fragments are cut from"), "{error}");
    }
}

#[test]
fn devices_fifos_and_huge_files_are_refused_at_once() {
    let dir = scratch("bounds");
    let zero = dir.join("twilio_chat_v2.yaml");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let fifo = dir.join("fifo.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let huge = dir.join("huge.yaml");
    let file = fs::File::create(&huge).expect("creates");
    file.set_len(xtask::MAX_SPEC + 1).expect("sparse file");

    let started = Instant::now();
    let from_zero = upstream::find(std::slice::from_ref(&zero)).expect_err("/dev/zero");
    assert!(
        from_zero.contains("not a regular file") && from_zero.contains("twilio_chat_v2.yaml"),
        "{from_zero}"
    );
    for spec in [&zero, &fifo, &huge] {
        let out = dir.join("out");
        let run = xtask(&[
            "codegen",
            "--spec",
            spec.to_str().unwrap_or_default(),
            "--out",
            out.to_str().unwrap_or_default(),
        ]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{stderr}");
        let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        assert!(stderr.contains(&name) && stderr.contains("refusing to read it"), "{stderr}");
        assert!(!out.exists());
    }
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

#[test]
fn a_tampered_manifest_removes_no_hand_written_file() {
    let dir = scratch("manifest");
    workspace_copy(&dir);
    let manifest = dir.join("generated/.codegen-manifest");
    let mut text = fs::read_to_string(&manifest).expect("manifest");
    let hand_written = ["Cargo.toml", "src/lib.rs", "README.md", "CHANGELOG.md", "examples/bindings.rs"];
    for rel in hand_written {
        let bytes = fs::read(dir.join("generated").join(rel)).expect("exists");
        text.push_str(&format!("{}  {rel}\n", xtask::output::sha256(&bytes)));
    }
    fs::write(&manifest, text).expect("writes");
    let inputs = xtask::read_specs(&dir, &xtask::default_specs(&dir).expect("specs")).expect("readable");
    xtask::codegen(&dir, &inputs, &xtask::Target::Workspace, xtask::Mode::Write).expect("generates");
    for rel in hand_written {
        assert!(dir.join("generated").join(rel).exists(), "{rel} was removed through the manifest");
    }
    let report =
        xtask::codegen(&dir, &inputs, &xtask::Target::Workspace, xtask::Mode::Check).expect("checks");
    assert!(report.changed.is_empty() && report.removed.is_empty(), "{report:?}");
}

#[test]
fn a_corrupt_model_is_refused_by_name_with_a_way_out() {
    let dir = scratch("model");
    workspace_copy(&dir);
    let model = dir.join("generated/src/generated/model.json");
    fs::write(&model, "{\"domains\": 7}").expect("writes");
    let error = xtask::generated_model(&dir, &xtask::Target::Workspace).expect_err("corrupt").to_string();
    assert!(error.contains("model.json") && error.contains("cargo xtask codegen"), "{error}");
    let file = xtask::root().join("spec/history/2025-07-03_4ae76f3_twilio_chat_v2.yaml");
    let incoming = upstream::find(std::slice::from_ref(&file)).expect("found");
    let error = upstream::update(&dir, &incoming).expect_err("no report from a corrupt model").to_string();
    assert!(error.contains("model.json"), "{error}");
    let huge = fs::File::create(&model).expect("creates");
    huge.set_len(xtask::MAX_OWN_FILE + 1).expect("sparse");
    let error = xtask::generated_model(&dir, &xtask::Target::Workspace).expect_err("too large").to_string();
    assert!(error.contains("larger than"), "{error}");
}

#[test]
fn a_failed_out_leaves_nothing_and_the_next_run_works() {
    let dir = scratch("failed-out");
    let long = "a".repeat(300);
    let spec = dir.join("long.yaml");
    let text =
        fs::read_to_string(xtask::root().join("spec/chat_v2_service_bindings.yaml")).expect("readable");
    fs::write(&spec, text.replace("https://chat.twilio.com", &format!("https://{long}.twilio.com")))
        .expect("writes");
    let out = dir.join("out");
    let out_arg = out.to_str().unwrap_or_default();
    let failed = xtask(&["codegen", "--spec", spec.to_str().unwrap_or_default(), "--out", out_arg]);
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("File name too long"));
    assert!(!out.exists(), "a failed run left {out:?}");
    // A folder of empty folders counts as empty too.
    fs::create_dir_all(out.join("src/generated")).expect("dirs");
    let fragment = xtask::root().join("spec/chat_v2_service_bindings.yaml");
    let good = xtask(&["codegen", "--spec", fragment.to_str().unwrap_or_default(), "--out", out_arg]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
}

#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("report")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("waits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked") && output.status.code() != Some(101), "{stderr}");
}

#[test]
fn a_tampered_name_lock_is_refused_by_entry() {
    let dir = scratch("lock");
    workspace_copy(&dir);
    let path = dir.join("generated/names.lock");
    let text = fs::read_to_string(&path).expect("lock");
    let tampered = text.replacen("\"identity\"", "\"\\u0456dentity\"", 1);
    assert_ne!(text, tampered);
    fs::write(&path, tampered).expect("writes");
    let inputs = xtask::read_specs(&dir, &xtask::default_specs(&dir).expect("specs")).expect("readable");
    let before = fs::read(dir.join("generated/src/generated/chat_v2.rs")).expect("generated");
    let error = xtask::codegen(&dir, &inputs, &xtask::Target::Workspace, xtask::Mode::Write)
        .expect_err("refused")
        .to_string();
    assert!(error.contains("names.lock") && error.contains("not an ASCII Rust identifier"), "{error}");
    assert!(error.contains("field Binding identity"), "the entry is named: {error}");
    assert_eq!(fs::read(dir.join("generated/src/generated/chat_v2.rs")).expect("generated"), before);
}

/// A journal left by an interrupted update is read back as untrusted: a
/// staged file that is a symlink (out of the repository, to `/dev/zero` or
/// to a FIFO) is refused at once, even when the plan's hash matches what
/// it points to, and nothing is moved.
#[test]
fn a_journal_with_symlinked_staged_files_moves_nothing() {
    let dir = scratch("journal");
    workspace_copy(&dir);
    let outside = dir.join("outside.txt");
    fs::write(&outside, "{}\n").expect("writes");
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let lock = dir.join("generated/names.lock");
    let before = fs::read(&lock).expect("lock");
    for target in [outside.clone(), PathBuf::from("/dev/zero"), fifo] {
        let journal = dir.join(xtask::transaction::JOURNAL);
        let _ = fs::remove_dir_all(&journal);
        fs::create_dir_all(&journal).expect("journal");
        std::os::unix::fs::symlink(&target, journal.join("0")).expect("symlink");
        let hash = xtask::output::sha256(b"{}\n");
        fs::write(journal.join("plan"), format!("write 0 {hash} generated/names.lock\n")).expect("plan");
        let started = Instant::now();
        let error = xtask::transaction::recover(&dir, &mut |_| Ok(())).expect_err("refused").to_string();
        assert!(started.elapsed() < Duration::from_secs(5), "{target:?}: {:?}", started.elapsed());
        assert!(error.contains("symlink"), "{target:?}: {error}");
        let meta = fs::symlink_metadata(&lock).expect("lock");
        assert!(meta.is_file() && !meta.file_type().is_symlink(), "{target:?}");
        assert_eq!(fs::read(&lock).expect("lock"), before, "{target:?}");
    }
    assert_eq!(fs::read_to_string(&outside).expect("outside"), "{}\n");
}

/// `cargo xtask slice` writes only the fragments' own files: a fragment
/// that is a symlink to a file outside the repository is refused, and the
/// file it points to is left as it was.
#[test]
fn slice_writes_through_no_symlink() {
    let dir = scratch("slice");
    workspace_copy(&dir);
    let outside = scratch("slice-outside").join("precious.txt");
    fs::write(&outside, "precious\n").expect("writes");
    let fragment = dir.join("spec/chat_v2_service_bindings.yaml");
    fs::remove_file(&fragment).expect("removes");
    std::os::unix::fs::symlink(&outside, &fragment).expect("symlink");
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("slice")
        .env("CARGO_MANIFEST_DIR", dir.join("xtask"))
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert!(stderr.contains("is a symlink"), "{stderr}");
    assert_eq!(fs::read_to_string(&outside).expect("outside"), "precious\n");
    assert!(fs::symlink_metadata(&fragment).expect("link").file_type().is_symlink());
}

/// What an error quotes from a tampered file reaches the terminal escaped:
/// no escape sequence (a window title, a colour), no carriage return that
/// erases the line, no newline that forges one.
#[test]
fn errors_quoting_tampered_files_are_escaped_for_the_terminal() {
    let dir = scratch("terminal");
    workspace_copy(&dir);
    let forged = "\u{1b}]0;owned\u{7}\r\u{1b}[2Kall files up to date\nok";
    let json = serde_json::to_string(forged).expect("json");
    // An unknown field of the provenance record, then an unknown variant in the model.
    let provenance = dir.join("spec/upstream/provenance.json");
    let text = fs::read_to_string(&provenance).expect("provenance");
    let model = dir.join("generated/src/generated/model.json");
    let model_text = fs::read_to_string(&model).expect("model");
    let cases: [(&Path, String, &[&str]); 2] = [
        (&provenance, text.replacen('{', &format!("{{{json}: 1,"), 1), &["codegen", "--check"]),
        (
            &model,
            model_text.replacen("\"http_method\": \"GET\"", &format!("\"http_method\": {json}"), 1),
            &["report"],
        ),
    ];
    for (file, tampered, args) in cases {
        let original = fs::read_to_string(file).expect("readable");
        fs::write(file, &tampered).expect("writes");
        let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .env("CARGO_MANIFEST_DIR", dir.join("xtask"))
            .output()
            .expect("xtask runs");
        fs::write(file, original).expect("restores");
        let out = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
        assert!(!run.status.success(), "{args:?}: {out}");
        assert!(out.contains("owned"), "{args:?}: the tampered text is quoted: {out}");
        for raw in ['\u{1b}', '\r', '\u{7}'] {
            assert!(!out.contains(raw), "{args:?}: raw {raw:?} in {out:?}");
        }
        assert!(!out.contains("\nall files up to date"), "{args:?}: {out:?}");
    }
    // A spec's file name is untrusted too (a folder given to `--from` or the corpus).
    let named = dir.join("a\u{1b}]0;owned\u{7}\r.yaml");
    fs::write(&named, "openapi: [").expect("writes");
    let run = xtask(&[
        "codegen",
        "--spec",
        named.to_str().unwrap_or_default(),
        "--out",
        dir.join("out").to_str().unwrap_or_default(),
    ]);
    let out = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && out.contains("owned"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
}
