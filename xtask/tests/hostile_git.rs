//! A checkout handed to `update-spec --from` is untrusted down to its
//! `.git` directory (security review, round 4): each test builds a hostile
//! one, byte by byte where git would refuse to, and reads it as `update-spec`
//! does, in a child process under a 3 GiB address-space limit and a time
//! limit. The child reports its peak memory; every case must end, in
//! seconds, within the reader's object bound of the baseline (a plain
//! packed checkout), and say what it knows without naming a local path.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};
use xtask::upstream;

mod common;
use common::{chat_spec, git};

type Id = [u8; 20];

/// The environment variable that turns [`child`] into the reader.
const CHILD: &str = "HOSTILE_GIT_CHECKOUT";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-git").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A checkout whose spec was added by its first commit and left alone by
/// the second; returns the first commit.
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
    if pack {
        git(dir, &["gc", "-q", "--prune=now"]);
    }
    first
}

fn hex(id: &Id) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse(text: &str) -> Id {
    let mut id = [0u8; 20];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex");
    }
    id
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("compresses");
    encoder.finish().expect("compresses")
}

fn sha1(parts: &[&[u8]]) -> Id {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// Writes a loose object; returns its id.
fn loose(git_dir: &Path, kind: &str, data: &[u8]) -> Id {
    let header = format!("{kind} {}\0", data.len());
    let id = sha1(&[header.as_bytes(), data]);
    let name = hex(&id);
    let dir = git_dir.join("objects").join(&name[..2]);
    fs::create_dir_all(&dir).expect("dirs");
    let mut raw = header.into_bytes();
    raw.extend_from_slice(data);
    fs::write(dir.join(&name[2..]), zlib(&raw)).expect("writes");
    id
}

/// A pack entry's type-and-size header.
fn entry_header(kind: u8, mut size: u64) -> Vec<u8> {
    let mut out = vec![(kind << 4) | (size & 15) as u8];
    size >>= 4;
    while size > 0 {
        *out.last_mut().expect("one byte") |= 0x80;
        out.push((size & 0x7f) as u8);
        size >>= 7;
    }
    out
}

/// Writes `objects/pack/pack-NAME.{pack,idx}` holding `entries` (each the
/// id it is indexed under and its raw bytes), with a version 2 index.
fn write_pack(git_dir: &Path, name: &str, entries: &[(Id, Vec<u8>)]) {
    let mut pack = b"PACK".to_vec();
    pack.extend_from_slice(&2u32.to_be_bytes());
    pack.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    let mut index: Vec<(Id, u32)> = Vec::new();
    for (id, bytes) in entries {
        index.push((*id, pack.len() as u32));
        pack.extend_from_slice(bytes);
    }
    let pack_sum = sha1(&[&pack]);
    pack.extend_from_slice(&pack_sum);
    index.sort();
    let mut idx = b"\xfftOc".to_vec();
    idx.extend_from_slice(&2u32.to_be_bytes());
    for byte in 0..=255u8 {
        let count = index.iter().filter(|(id, _)| id[0] <= byte).count() as u32;
        idx.extend_from_slice(&count.to_be_bytes());
    }
    for (id, _) in &index {
        idx.extend_from_slice(id);
    }
    idx.extend(std::iter::repeat_n(0u8, 4 * index.len()));
    for (_, offset) in &index {
        idx.extend_from_slice(&offset.to_be_bytes());
    }
    idx.extend_from_slice(&pack_sum);
    let idx_sum = sha1(&[&idx]);
    idx.extend_from_slice(&idx_sum);
    let dir = git_dir.join("objects/pack");
    fs::create_dir_all(&dir).expect("dirs");
    fs::write(dir.join(format!("pack-{name}.pack")), pack).expect("writes");
    fs::write(dir.join(format!("pack-{name}.idx")), idx).expect("writes");
}

/// What the child read, how long it took and its peak memory.
#[derive(Debug)]
struct Reading {
    /// `commit=…` or `note=…`, or the child's failure.
    said: String,
    peak_kib: u64,
    took: Duration,
}

/// Reads `checkout` as `update-spec --from` does, in this test binary run
/// again as a child, under the limits.
fn read_in_child(checkout: &Path) -> Reading {
    let exe = std::env::current_exe().expect("test binary");
    let started = Instant::now();
    let mut child = Command::new("sh")
        .args(["-c", "ulimit -v 3145728 && exec \"$0\" --exact child --nocapture --test-threads 1"])
        .arg(&exe)
        .env(CHILD, checkout)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let limit = Duration::from_secs(60);
    loop {
        if child.try_wait().expect("waits").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Reading { said: "killed after 60 s".to_owned(), peak_kib: 0, took: started.elapsed() };
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = started.elapsed();
    let output = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| {
        stdout.lines().find_map(|l| l.split_once(name)).map(|(_, v)| v.to_owned()).unwrap_or_default()
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
        return Reading { said: format!("failed ({}): {last}", output.status), peak_kib: 0, took };
    }
    Reading { said: field("said: "), peak_kib: field("peak_kib: ").parse().unwrap_or_default(), took }
}

/// The reader, when run as a child by [`read_in_child`]; nothing otherwise.
#[test]
fn child() {
    let Some(checkout) = std::env::var_os(CHILD) else { return };
    let found = upstream::find(&[PathBuf::from(checkout)]).expect("the checkout's file is found");
    let said = match (&found[0].commit, &found[0].note) {
        (Some((commit, date)), _) => format!("commit={commit} {date}"),
        (None, note) => format!("note={}", note.as_deref().unwrap_or_default()),
    };
    let status = fs::read_to_string("/proc/self/status").expect("status");
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).unwrap_or_default();
    println!("said: {said}");
    println!("peak_kib: {}", peak.trim().trim_end_matches("kB").trim());
}

/// Checks a reading: it ended, in seconds, within the object bound (64 MiB)
/// of the baseline, naming no local path.
fn within_bounds(case: &str, reading: &Reading, baseline_kib: u64, dir: &Path) {
    eprintln!("{case}: {:?}, peak {} KiB, {:?}", reading.said, reading.peak_kib, reading.took);
    assert!(reading.said.starts_with("commit=") || reading.said.starts_with("note="), "{case}: {reading:?}");
    assert!(reading.peak_kib <= baseline_kib + 64 * 1024 + 8 * 1024, "{case}: {reading:?}");
    assert!(reading.took < Duration::from_secs(20), "{case}: {reading:?}");
    let local = dir.display().to_string();
    assert!(!reading.said.contains(&local), "{case}: a local path in {reading:?}");
}

/// The peak memory of reading a plain packed checkout (in its own folder:
/// tests run side by side).
fn baseline(name: &str) -> u64 {
    let dir = scratch(&format!("baseline-{name}"));
    let first = checkout(&dir, true);
    let reading = read_in_child(&dir);
    assert!(reading.said.starts_with(&format!("commit={first}")), "{reading:?}");
    eprintln!("baseline: peak {} KiB, {:?}", reading.peak_kib, reading.took);
    reading.peak_kib
}

#[test]
fn deltas_that_are_their_own_base_end_at_once() {
    let baseline = baseline("deltas");
    // The tree `HEAD` holds becomes a packed delta whose base is itself: by
    // offset (distance 0) and by id. Each delta inflates to 4 MiB, so a
    // reader that follows them costs gigabytes, or its stack.
    let big = 4u64 << 20;
    for by_id in [false, true] {
        let dir = scratch(if by_id { "ref-delta-self" } else { "ofs-delta-self" });
        checkout(&dir, false);
        let git_dir = dir.join(".git");
        let tree = parse(&git(&dir, &["rev-parse", "HEAD^{tree}"]));
        let name = hex(&tree);
        fs::remove_file(git_dir.join("objects").join(&name[..2]).join(&name[2..])).expect("removes");
        let mut entry = entry_header(if by_id { 7 } else { 6 }, big);
        if by_id {
            entry.extend_from_slice(&tree);
        } else {
            entry.push(0);
        }
        entry.extend(zlib(&vec![0u8; big as usize]));
        write_pack(&git_dir, "self", &[(tree, entry)]);
        let reading = read_in_child(&dir);
        within_bounds(
            if by_id { "REF_DELTA to itself" } else { "OFS_DELTA to itself" },
            &reading,
            baseline,
            &dir,
        );
        assert!(reading.said.contains("its own base"), "{reading:?}");
    }
}

#[test]
fn a_fifo_pack_and_huge_sparse_indexes_cost_nothing() {
    let baseline = baseline("fifo");
    let dir = scratch("fifo-pack");
    checkout(&dir, true);
    let packs = dir.join(".git/objects/pack");
    let pack = fs::read_dir(&packs)
        .expect("packs")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    fs::remove_file(&pack).expect("removes");
    assert!(Command::new("mkfifo").arg(&pack).status().expect("mkfifo").success());
    let reading = read_in_child(&dir);
    within_bounds("a FIFO for a pack", &reading, baseline, &dir);
    assert!(reading.said.contains("not a regular file"), "{reading:?}");

    // Two sparse 1 GiB indexes (8 KiB on disk), whose headers promise
    // 38 million objects each, beside the real pack.
    let dir = scratch("sparse-idx");
    let first = checkout(&dir, true);
    let packs = dir.join(".git/objects/pack");
    let size = 1u64 << 30;
    let count = ((size - 8 - 1024 - 40) / 28) as u32;
    for name in ["pack-zz1", "pack-zz2"] {
        let mut head = b"\xfftOc".to_vec();
        head.extend_from_slice(&2u32.to_be_bytes());
        for _ in 0..256 {
            head.extend_from_slice(&count.to_be_bytes());
        }
        let idx = packs.join(format!("{name}.idx"));
        fs::write(&idx, head).expect("writes");
        fs::OpenOptions::new().write(true).open(&idx).expect("opens").set_len(size).expect("sparse");
        fs::write(packs.join(format!("{name}.pack")), b"").expect("writes");
    }
    let reading = read_in_child(&dir);
    within_bounds("two sparse 1 GiB indexes", &reading, baseline, &dir);
    assert!(reading.said.starts_with(&format!("commit={first}")), "{reading:?}");
}

#[test]
fn a_long_history_over_a_big_tree_reads_the_tree_once() {
    let baseline = baseline("big-tree");
    let dir = scratch("big-tree");
    let git_dir = dir.join(".git");
    fs::create_dir_all(git_dir.join("refs/heads")).expect("dirs");
    fs::write(git_dir.join("HEAD"), "ref: refs/heads/main\n").expect("writes");
    let spec = chat_spec();
    fs::create_dir_all(dir.join("spec/yaml")).expect("dirs");
    fs::write(dir.join("spec/yaml/twilio_chat_v2.yaml"), &spec).expect("writes");
    let blob = loose(&git_dir, "blob", spec.as_bytes());
    let entry = |mode: &str, name: &str, id: &Id| [format!("{mode} {name}\0").as_bytes(), id].concat();
    let yaml = loose(&git_dir, "tree", &entry("100644", "twilio_chat_v2.yaml", &blob));
    let spec_tree = loose(&git_dir, "tree", &entry("40000", "yaml", &yaml));
    // A root tree of about 30 MB: 800,000 entries beside `spec`.
    let mut root = Vec::with_capacity(32 << 20);
    for i in 0..800_000 {
        root.extend(entry("100644", &format!("f{i:07}"), &blob));
    }
    root.extend(entry("40000", "spec", &spec_tree));
    let root = loose(&git_dir, "tree", &root);
    // 3,000 commits over it, each a day apart.
    let mut parent: Option<Id> = None;
    let mut first = None;
    for i in 0..3000u64 {
        let at = 1_600_000_000 + i * 86_400;
        let parent_line = parent.map(|p| format!("parent {}\n", hex(&p))).unwrap_or_default();
        let text = format!(
            "tree {}\n{parent_line}author a <a@example.com> {at} +0000\ncommitter a <a@example.com> {at} +0000\n\nc{i}\n",
            hex(&root)
        );
        let id = loose(&git_dir, "commit", text.as_bytes());
        first.get_or_insert(id);
        parent = Some(id);
    }
    fs::write(git_dir.join("refs/heads/main"), format!("{}\n", hex(&parent.expect("commits"))))
        .expect("writes");
    let reading = read_in_child(&dir);
    within_bounds("3,000 commits over a 30 MB tree", &reading, baseline, &dir);
    let first = hex(&first.expect("a first commit"));
    assert_eq!(reading.said, format!("commit={first} 2020-09-13"), "{reading:?}");
}

#[test]
fn version_1_indexes_are_read_and_errors_name_no_local_path() {
    let dir = scratch("idx-v1");
    let first = checkout(&dir, true);
    let packs = dir.join(".git/objects/pack");
    let pack = fs::read_dir(&packs)
        .expect("packs")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let idx = pack.with_extension("idx");
    let v1 = packs.join("v1.idx");
    git(
        &dir,
        &[
            "index-pack",
            "--index-version=1",
            "-o",
            v1.to_str().unwrap_or_default(),
            pack.to_str().unwrap_or_default(),
        ],
    );
    fs::rename(&v1, &idx).expect("renames");
    assert_ne!(fs::read(&idx).expect("idx").get(..4), Some(b"\xfftOc".as_slice()), "a version 1 index");
    let found = upstream::find(std::slice::from_ref(&dir)).expect("found");
    assert_eq!(found[0].commit.as_ref().map(|c| c.0.as_str()), Some(first.as_str()), "{:?}", found[0].note);

    // A broken index: the note says why, naming files only inside `.git`.
    fs::write(&idx, b"\xfftOc\0\0\0\x07").expect("writes");
    let found = upstream::find(std::slice::from_ref(&dir)).expect("found");
    let note = found[0].note.clone().unwrap_or_default();
    assert!(found[0].commit.is_none() && note.contains("could not be read"), "{note}");
    assert!(note.contains("pack-") && !note.contains(&dir.display().to_string()), "{note}");
}
