//! What the xtask's test files share: git run safely to set checkouts up,
//! a copy of the repository to write into, the upstream Chat spec.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs git to set a checkout up, with every program-running setting off,
/// so that only the code under test could run the checkout's programs.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_COMMITTER_DATE", "2024-06-18T12:00:00+00:00")
        .env("GIT_AUTHOR_DATE", "2024-06-18T12:00:00+00:00")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "core.fsmonitor=false"])
        .args([
            "-c",
            "log.showSignature=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "commit.gpgSign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The upstream Chat v2 spec the repository carries.
pub fn chat_spec() -> String {
    fs::read_to_string(xtask::root().join("spec/upstream/twilio_chat_v2.yaml")).expect("readable")
}

/// A copy of the repository's generated crate and specs to write into, with
/// an `xtask/` folder so that the xtask binary run with
/// `CARGO_MANIFEST_DIR=dir/xtask` takes `dir` as the repository.
pub fn workspace_copy(dir: &Path) {
    let root = xtask::root();
    let mut stack = vec![PathBuf::from("generated"), PathBuf::from("spec")];
    while let Some(rel) = stack.pop() {
        fs::create_dir_all(dir.join(&rel)).expect("dirs");
        for entry in fs::read_dir(root.join(&rel)).expect("readable").flatten() {
            let sub = rel.join(entry.file_name());
            if entry.path().is_dir() {
                stack.push(sub);
            } else {
                fs::copy(entry.path(), dir.join(&sub)).expect("copies");
            }
        }
    }
    fs::copy(root.join("Cargo.toml"), dir.join("Cargo.toml")).expect("copies");
    fs::create_dir_all(dir.join("xtask")).expect("dirs");
}
