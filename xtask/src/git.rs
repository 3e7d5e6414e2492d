//! Where a spec file in a git checkout came from, read from the checkout's
//! objects without running git.
//!
//! A checkout unpacked from an archive or found in a shared folder brings
//! its own `.git/config`, and git obeys it: `log.showSignature` with a
//! `gpg.program`, `core.fsmonitor`, a pager, a lazy fetch through a
//! promisor remote each run a program the checkout names. So nothing here
//! starts a process: `HEAD`, refs, loose objects and packs are read as
//! files (zlib through `flate2`, ids checked with SHA-1), every read
//! bounded, and no configuration is consulted except to refuse a SHA-256
//! repository. What cannot be read this way (an alternate object store, a
//! missing object in a shallow or partial clone) ends the search with what
//! is known, never with a guess.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::{FileExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

/// An object id (SHA-1).
pub type Id = [u8; 20];

/// The most bytes one object's resolution may hold at once: its deltas,
/// its base and the result together. Far above any tree or commit of
/// twilio-oai (blobs are never read: a file is known by its id).
const MAX_OBJECT: u64 = 64 * 1024 * 1024;

/// The most bytes inflated for one file's origin, every object and delta
/// counted: the work a checkout can ask for, however its objects are
/// shaped. A real twilio-oai history costs a few megabytes.
const MAX_INFLATED: u64 = 1 << 30;

/// The most deltas one object may stack, counted across packs and ids
/// (git's default depth is 50).
const MAX_DELTA_DEPTH: usize = 1000;

/// The most commits walked back to find the one that last changed a file.
const MAX_WALK: usize = 20_000;

/// The most pack files a checkout may have (a fresh clone has one).
const MAX_PACKS: usize = 256;

/// What a checkout says about one of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No git checkout holds the file.
    NoCheckout,
    /// A checkout holds it, but not at the path it has upstream (another
    /// repository's file, whose commits say nothing about twilio-oai).
    OtherPath(String),
    /// The file is as committed: the last commit that changed it (on the
    /// first-parent line from `HEAD`) and that commit's date.
    Committed {
        /// The commit, 40 hex digits.
        commit: String,
        /// Its committer date, `YYYY-MM-DD` in the committer's time zone.
        date: String,
    },
    /// The file differs from what `HEAD` holds (uncommitted changes), so no
    /// commit describes it.
    Modified {
        /// `HEAD`'s commit.
        head: String,
    },
    /// The checkout could not be read (named why, with paths only inside
    /// its git directory); nothing is known.
    Unreadable(String),
}

/// Where `file` (with these `contents`) came from, if it lies in a git
/// checkout at `upstream_path` (`spec/yaml/twilio_chat_v2.yaml`).
pub fn origin(file: &Path, contents: &[u8], upstream_path: &str) -> Origin {
    let Some(repo) = Repo::find(file) else { return Origin::NoCheckout };
    let Ok(absolute) = std::path::absolute(file) else { return Origin::NoCheckout };
    let relative = match absolute.strip_prefix(&repo.work_tree) {
        Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
        Err(_) => return Origin::NoCheckout,
    };
    if relative != upstream_path {
        return Origin::OtherPath(relative);
    }
    match repo.origin_of(&relative, &blob_id(contents)) {
        Ok(origin) => origin,
        Err(error) => Origin::Unreadable(error.to_string()),
    }
}

/// The id git gives a blob with these contents.
pub fn blob_id(contents: &[u8]) -> Id {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", contents.len()).as_bytes());
    hasher.update(contents);
    hasher.finalize().into()
}

fn hex(id: &Id) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_hex(text: &str) -> Option<Id> {
    let text = text.trim();
    if text.len() != 40 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut id = [0u8; 20];
    for (i, byte) in id.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(id)
}

/// An error about the checkout. Its text names files only by their place
/// in the git directory: it may reach a CHANGELOG that is published.
fn bad(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.into())
}

/// Opens a regular file (never a device or FIFO: it is opened without
/// blocking, then refused by what the open file is). `what` names it in
/// errors.
fn open_regular(path: &Path, what: &str) -> io::Result<File> {
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| bad(format!("{what}: {}", e.kind())))?;
    if !file.metadata()?.is_file() {
        return Err(bad(format!("{what} is not a regular file")));
    }
    Ok(file)
}

/// Reads at most `limit` bytes of a regular file.
fn read_small(path: &Path, what: &str, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path, what)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(bad(format!("{what} is larger than {limit} bytes")));
    }
    Ok(bytes)
}

/// Reads a file from a position on, without moving a shared cursor.
struct At<'f> {
    file: &'f File,
    at: u64,
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

/// The kinds of object this reader needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl Kind {
    fn from_name(name: &[u8]) -> Option<Kind> {
        match name {
            b"commit" => Some(Kind::Commit),
            b"tree" => Some(Kind::Tree),
            b"blob" => Some(Kind::Blob),
            b"tag" => Some(Kind::Tag),
            _ => None,
        }
    }

    fn from_pack(code: u8) -> Option<Kind> {
        match code {
            1 => Some(Kind::Commit),
            2 => Some(Kind::Tree),
            3 => Some(Kind::Blob),
            4 => Some(Kind::Tag),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Commit => "commit",
            Kind::Tree => "tree",
            Kind::Blob => "blob",
            Kind::Tag => "tag",
        }
    }
}

/// A pack and its index (version 1 or 2), both open and read where
/// needed: a lookup reads the fan-out entry and about log2(n) ids, so an
/// index costs no memory whatever its size.
struct Pack {
    /// `pack-….pack`, for errors.
    name: String,
    idx: File,
    pack: File,
    version: u32,
    count: u32,
    /// Objects before each first byte, and up to it.
    fanout: [u32; 256],
}

impl Pack {
    fn open(idx_path: &Path) -> io::Result<Pack> {
        let name = idx_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let idx = open_regular(idx_path, &format!("objects/pack/{name}"))?;
        let pack_name = name.strip_suffix(".idx").unwrap_or(&name).to_owned() + ".pack";
        let pack = open_regular(&idx_path.with_extension("pack"), &format!("objects/pack/{pack_name}"))?;
        let size = idx.metadata()?.len();
        let mut head = [0u8; 8];
        idx.read_exact_at(&mut head, 0).map_err(|_| bad(format!("{name}: truncated pack index")))?;
        let (version, table_at) = if head[..4] == *b"\xfftOc" {
            match u32::from_be_bytes([head[4], head[5], head[6], head[7]]) {
                2 => (2, 8),
                other => return Err(bad(format!("{name}: pack index version {other} is unknown"))),
            }
        } else {
            (1, 0)
        };
        let mut table = [0u8; 1024];
        idx.read_exact_at(&mut table, table_at).map_err(|_| bad(format!("{name}: truncated pack index")))?;
        let mut fanout = [0u32; 256];
        for (i, entry) in fanout.iter_mut().enumerate() {
            *entry = u32::from_be_bytes([table[4 * i], table[4 * i + 1], table[4 * i + 2], table[4 * i + 3]]);
        }
        if fanout.windows(2).any(|w| w[0] > w[1]) {
            return Err(bad(format!("{name}: the pack index's fan-out is not sorted")));
        }
        let count = fanout[255];
        // The size the header promises, so that no lookup reads past it.
        let n = u64::from(count);
        let least = match version {
            1 => 1024 + n * 24 + 40,
            _ => 8 + 1024 + n * 28 + 40,
        };
        if size < least {
            return Err(bad(format!("{name}: the pack index is shorter than its {count} objects need")));
        }
        Ok(Pack { name: pack_name, idx, pack, version, count, fanout })
    }

    fn id_at(&self, i: u32) -> io::Result<Id> {
        let mut id = [0u8; 20];
        let at = match self.version {
            1 => 1024 + u64::from(i) * 24 + 4,
            _ => 8 + 1024 + u64::from(i) * 20,
        };
        self.idx.read_exact_at(&mut id, at)?;
        Ok(id)
    }

    fn offset_at(&self, i: u32) -> io::Result<u64> {
        let n = u64::from(self.count);
        let mut word = [0u8; 4];
        let at = match self.version {
            1 => 1024 + u64::from(i) * 24,
            _ => 8 + 1024 + n * 24 + u64::from(i) * 4,
        };
        self.idx.read_exact_at(&mut word, at)?;
        let small = u32::from_be_bytes(word);
        if self.version == 1 || small & 0x8000_0000 == 0 {
            return Ok(u64::from(small));
        }
        let mut large = [0u8; 8];
        let at = 8 + 1024 + n * 28 + u64::from(small & 0x7fff_ffff) * 8;
        self.idx.read_exact_at(&mut large, at).map_err(|_| bad(format!("{}: truncated index", self.name)))?;
        Ok(u64::from_be_bytes(large))
    }

    /// Where `id` is in the pack, if it is there.
    fn offset(&self, id: &Id) -> io::Result<Option<u64>> {
        let first = usize::from(id[0]);
        let (mut low, mut high) = (if first == 0 { 0 } else { self.fanout[first - 1] }, self.fanout[first]);
        while low < high {
            let mid = low + (high - low) / 2;
            match self.id_at(mid)?.cmp(id) {
                std::cmp::Ordering::Equal => return self.offset_at(mid).map(Some),
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
            }
        }
        Ok(None)
    }
}

/// Where one step of a delta chain lies.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Loose(Id),
    Packed(usize, u64),
}

/// A checkout's git directory, read as files.
struct Repo {
    /// The directory that holds the checkout (and `.git`).
    work_tree: PathBuf,
    /// `HEAD` and per-worktree refs.
    git_dir: PathBuf,
    /// Objects and shared refs.
    common_dir: PathBuf,
    packs: Vec<Pack>,
    /// Bytes inflated so far, against [`MAX_INFLATED`].
    inflated: Cell<u64>,
    /// What each tree holds at each depth of the path looked for: a tree
    /// seen again (every commit that leaves it alone) is not read again.
    trees: RefCell<BTreeMap<(Id, usize), Option<Id>>>,
}

impl Repo {
    /// The checkout that holds `file`: the nearest folder above it with a
    /// `.git` directory, or a `.git` file naming one (`gitdir: …`).
    fn find(file: &Path) -> Option<Repo> {
        let absolute = std::path::absolute(file).ok()?;
        for dir in absolute.ancestors().skip(1) {
            let dot_git = dir.join(".git");
            let Ok(meta) = fs::symlink_metadata(&dot_git) else { continue };
            let git_dir = if meta.is_dir() {
                dot_git
            } else if meta.is_file() {
                let text = String::from_utf8(read_small(&dot_git, ".git", 4096).ok()?).ok()?;
                dir.join(text.trim().strip_prefix("gitdir:")?.trim())
            } else {
                return None;
            };
            let common_dir = match read_small(&git_dir.join("commondir"), "commondir", 4096) {
                Ok(text) => git_dir.join(String::from_utf8(text).ok()?.trim()),
                Err(_) => git_dir.clone(),
            };
            return Some(Repo {
                work_tree: dir.to_path_buf(),
                git_dir,
                common_dir,
                packs: Vec::new(),
                inflated: Cell::new(0),
                trees: RefCell::default(),
            });
        }
        None
    }

    fn origin_of(mut self, relative: &str, wanted: &Id) -> io::Result<Origin> {
        let config = read_small(&self.common_dir.join("config"), "config", 1 << 20).unwrap_or_default();
        if String::from_utf8_lossy(&config).to_ascii_lowercase().contains("objectformat = sha256") {
            return Err(bad("a SHA-256 repository, which this reader does not support"));
        }
        self.load_packs()?;
        let parts: Vec<&str> = relative.split('/').collect();
        let head = self.head()?;
        let head_commit = self.commit(&head)?;
        if self.blob_at(&head_commit.tree, &parts, 0)? != Some(*wanted) {
            return Ok(Origin::Modified { head: hex(&head) });
        }
        // Back along first parents while the file stays the same.
        let (mut last, mut last_date) = (head, head_commit.date);
        let mut parent = head_commit.parents.first().copied();
        let mut seen = BTreeSet::from([head]);
        for _ in 0..MAX_WALK {
            let Some(id) = parent else { break };
            if !seen.insert(id) {
                return Err(bad("the history loops"));
            }
            // A shallow or partial clone ends here: what is known stands;
            // a checkout past the work budget says so.
            let commit = match self.commit(&id) {
                Ok(commit) => commit,
                Err(e) if self.spent() => return Err(e),
                Err(_) => break,
            };
            match self.blob_at(&commit.tree, &parts, 0) {
                Ok(Some(blob)) if blob == *wanted => {}
                Err(e) if self.spent() => return Err(e),
                _ => break,
            }
            (last, last_date) = (id, commit.date);
            parent = commit.parents.first().copied();
        }
        Ok(Origin::Committed { commit: hex(&last), date: last_date })
    }

    /// Whether the work budget is used up.
    fn spent(&self) -> bool {
        self.inflated.get() > MAX_INFLATED
    }

    /// Inflates a zlib stream, refusing more than `limit` bytes of output
    /// and counting what it inflates against the work budget.
    fn inflate(&self, reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
        let left = MAX_INFLATED.saturating_sub(self.inflated.get());
        let mut out = Vec::new();
        let result = flate2::read::ZlibDecoder::new(reader).take(limit.min(left) + 1).read_to_end(&mut out);
        self.inflated.set(self.inflated.get().saturating_add(out.len() as u64));
        result?;
        if self.spent() {
            return Err(bad(format!(
                "reading this checkout's history takes more than {MAX_INFLATED} bytes of objects"
            )));
        }
        if out.len() as u64 > limit {
            return Err(bad("an object inflates past its size"));
        }
        Ok(out)
    }

    fn load_packs(&mut self) -> io::Result<()> {
        let dir = self.common_dir.join("objects/pack");
        let mut idx: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .take(MAX_PACKS + 1)
                .collect(),
            Err(_) => Vec::new(),
        };
        if idx.len() > MAX_PACKS {
            return Err(bad(format!("more than {MAX_PACKS} pack files")));
        }
        idx.sort();
        for path in idx {
            self.packs.push(Pack::open(&path)?);
        }
        Ok(())
    }

    /// The commit `HEAD` names, through at most a few symbolic refs.
    fn head(&self) -> io::Result<Id> {
        let mut text =
            String::from_utf8_lossy(&read_small(&self.git_dir.join("HEAD"), "HEAD", 4096)?).into_owned();
        for _ in 0..5 {
            let Some(name) = text.trim().strip_prefix("ref:").map(|r| r.trim().to_owned()) else {
                return parse_hex(&text).ok_or_else(|| bad("HEAD holds no commit id"));
            };
            if !name.starts_with("refs/") || name.split('/').any(|p| p.is_empty() || p == "..") {
                return Err(bad(format!("HEAD names an odd ref {:?}", name.escape_debug().to_string())));
            }
            text = match self.loose_ref(&name) {
                Some(value) => value,
                None => self
                    .packed_ref(&name)
                    .ok_or_else(|| bad(format!("ref {:?} not found", name.escape_debug().to_string())))?,
            };
        }
        Err(bad("HEAD's refs nest too deep"))
    }

    fn loose_ref(&self, name: &str) -> Option<String> {
        [&self.git_dir, &self.common_dir]
            .iter()
            .find_map(|dir| read_small(&dir.join(name), "a ref", 4096).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    fn packed_ref(&self, name: &str) -> Option<String> {
        let bytes = read_small(&self.common_dir.join("packed-refs"), "packed-refs", 64 << 20).ok()?;
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
            .find_map(|l| l.split_once(' ').filter(|(_, n)| *n == name).map(|(id, _)| id.to_owned()))
    }

    /// Where the object `id` lies: loose, or in a pack.
    fn place(&self, id: &Id) -> io::Result<Place> {
        let name = hex(id);
        if self.common_dir.join("objects").join(&name[..2]).join(&name[2..]).exists() {
            return Ok(Place::Loose(*id));
        }
        for (i, pack) in self.packs.iter().enumerate() {
            if let Some(offset) = pack.offset(id)? {
                return Ok(Place::Packed(i, offset));
            }
        }
        Err(bad(format!("object {name} not found")))
    }

    /// The object `id`, checked against its id.
    fn object(&self, id: &Id) -> io::Result<(Kind, Vec<u8>)> {
        let (kind, data) = self.resolve(self.place(id)?)?;
        // An object whose bytes do not hash to its id is not that object.
        let mut hasher = Sha1::new();
        hasher.update(format!("{} {}\0", kind.name(), data.len()).as_bytes());
        hasher.update(&data);
        let actual: Id = hasher.finalize().into();
        if actual != *id {
            return Err(bad(format!("object {} does not match its id", hex(id))));
        }
        Ok((kind, data))
    }

    /// The object at `place` with its deltas applied. The chain is walked
    /// in a loop, never by recursion: its depth counts every step whether
    /// the base is named by offset or by id, a place met twice is a cycle,
    /// and the deltas held together with the base and the result stay
    /// within [`MAX_OBJECT`].
    fn resolve(&self, mut place: Place) -> io::Result<(Kind, Vec<u8>)> {
        let mut deltas: Vec<Vec<u8>> = Vec::new();
        let mut held: u64 = 0;
        let mut visited = BTreeSet::new();
        let (kind, mut data) = loop {
            if !visited.insert(place) {
                return Err(bad("a delta is its own base"));
            }
            if deltas.len() > MAX_DELTA_DEPTH {
                return Err(bad("a delta chain is too long"));
            }
            let room = MAX_OBJECT - held;
            let step = match place {
                Place::Loose(id) => Step::Whole(self.loose(&id, room)?),
                Place::Packed(pack, offset) => self.packed(pack, offset, room)?,
            };
            match step {
                Step::Whole(whole) => break whole,
                Step::Delta(delta, base) => {
                    held += delta.len() as u64;
                    deltas.push(delta);
                    place = base;
                }
            }
        };
        while let Some(delta) = deltas.pop() {
            held -= delta.len() as u64;
            data = apply_delta(&data, &delta, (MAX_OBJECT - held).saturating_sub(data.len() as u64))?;
        }
        Ok((kind, data))
    }

    /// A loose object, of at most `room` bytes.
    fn loose(&self, id: &Id, room: u64) -> io::Result<(Kind, Vec<u8>)> {
        let name = hex(id);
        let path = self.common_dir.join("objects").join(&name[..2]).join(&name[2..]);
        let file = open_regular(&path, &format!("objects/{}/{}", &name[..2], &name[2..]))?;
        let mut raw = self.inflate(file, room.saturating_add(64))?;
        let nul = raw.iter().position(|&b| b == 0).ok_or_else(|| bad("loose object without a header"))?;
        let header = &raw[..nul];
        let space = header.iter().position(|&b| b == b' ').ok_or_else(|| bad("bad object header"))?;
        let kind = Kind::from_name(&header[..space]).ok_or_else(|| bad("unknown object type"))?;
        raw.drain(..=nul);
        if raw.len() as u64 > room {
            return Err(bad("a loose object is larger than the size limit"));
        }
        Ok((kind, raw))
    }

    /// The entry at `offset` of a pack: a whole object, or a delta and
    /// where its base is.
    fn packed(&self, index: usize, offset: u64, room: u64) -> io::Result<Step> {
        let pack = &self.packs[index];
        let mut reader = At { file: &pack.pack, at: offset };
        let mut byte = [0u8; 1];
        let truncated = |_| bad(format!("{}: truncated pack", pack.name));
        reader.read_exact(&mut byte).map_err(truncated)?;
        let code = (byte[0] >> 4) & 7;
        let mut size = u64::from(byte[0] & 15);
        let mut shift = 4;
        while byte[0] & 0x80 != 0 {
            reader.read_exact(&mut byte).map_err(truncated)?;
            if shift > 56 {
                return Err(bad("object size overflows"));
            }
            size |= u64::from(byte[0] & 0x7f) << shift;
            shift += 7;
        }
        if size > room {
            return Err(bad("a packed object is larger than the size limit"));
        }
        match code {
            6 => {
                // OFS_DELTA: the base sits a variable-length distance back.
                reader.read_exact(&mut byte).map_err(truncated)?;
                let mut distance = u64::from(byte[0] & 0x7f);
                while byte[0] & 0x80 != 0 {
                    reader.read_exact(&mut byte).map_err(truncated)?;
                    if distance > u64::MAX >> 8 {
                        return Err(bad("delta distance overflows"));
                    }
                    distance = ((distance + 1) << 7) | u64::from(byte[0] & 0x7f);
                }
                let base = offset.checked_sub(distance).ok_or_else(|| bad("delta base before the pack"))?;
                Ok(Step::Delta(self.inflate(reader, size)?, Place::Packed(index, base)))
            }
            7 => {
                let mut base_id = [0u8; 20];
                reader.read_exact(&mut base_id).map_err(truncated)?;
                let delta = self.inflate(reader, size)?;
                Ok(Step::Delta(delta, self.place(&base_id)?))
            }
            other => {
                let kind = Kind::from_pack(other).ok_or_else(|| bad("unknown packed object type"))?;
                Ok(Step::Whole((kind, self.inflate(reader, size)?)))
            }
        }
    }

    fn commit(&self, id: &Id) -> io::Result<Commit> {
        let (kind, data) = self.object(id)?;
        if kind != Kind::Commit {
            return Err(bad(format!("{} is not a commit", hex(id))));
        }
        let text = String::from_utf8_lossy(&data);
        let mut commit = Commit { tree: [0; 20], parents: Vec::new(), date: String::new() };
        for line in text.lines().take_while(|l| !l.is_empty()) {
            if let Some(tree) = line.strip_prefix("tree ") {
                commit.tree = parse_hex(tree).ok_or_else(|| bad("bad tree line"))?;
            } else if let Some(parent) = line.strip_prefix("parent ") {
                commit.parents.push(parse_hex(parent).ok_or_else(|| bad("bad parent line"))?);
            } else if let Some(committer) = line.strip_prefix("committer ") {
                commit.date = committer_date(committer).ok_or_else(|| bad("bad committer line"))?;
            }
        }
        if commit.date.is_empty() {
            return Err(bad("a commit without a committer"));
        }
        Ok(commit)
    }

    /// The blob at `parts[depth..]` in `tree`, if there is one; each tree
    /// is read once for each depth it is met at.
    fn blob_at(&self, tree: &Id, parts: &[&str], depth: usize) -> io::Result<Option<Id>> {
        if let Some(known) = self.trees.borrow().get(&(*tree, depth)) {
            return Ok(*known);
        }
        let (kind, data) = self.object(tree)?;
        let found = match (kind, tree_entry(&data, parts[depth].as_bytes())?) {
            (Kind::Tree, Some((mode, id))) => {
                // A regular file (100644 or 100755) at the end, trees
                // before it; a symlink is not the file.
                match (depth + 1 == parts.len(), mode) {
                    (true, b"100644" | b"100755") => Some(id),
                    (false, b"40000") => self.blob_at(&id, parts, depth + 1)?,
                    _ => None,
                }
            }
            _ => None,
        };
        self.trees.borrow_mut().insert((*tree, depth), found);
        Ok(found)
    }
}

/// One step of a delta chain.
enum Step {
    /// An object as it is.
    Whole((Kind, Vec<u8>)),
    /// A delta, and where its base lies.
    Delta(Vec<u8>, Place),
}

struct Commit {
    tree: Id,
    parents: Vec<Id>,
    date: String,
}

/// `Name <mail> 1718000000 +0200` → the date in that zone, `YYYY-MM-DD`.
fn committer_date(line: &str) -> Option<String> {
    let mut words = line.rsplit(' ');
    let zone = words.next()?;
    let seconds: i64 = words.next()?.parse().ok()?;
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = zone.get(1..3)?.parse().ok()?;
    let minutes: i32 = zone.get(3..5)?.parse().ok()?;
    let offset = chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
    let time = chrono::DateTime::from_timestamp(seconds, 0)?.with_timezone(&offset);
    Some(time.format("%Y-%m-%d").to_string())
}

/// The entry called `name` in a tree's bytes: its mode and id. The tree
/// is scanned, not collected, so a huge tree costs no more than its bytes.
fn tree_entry<'t>(data: &'t [u8], name: &[u8]) -> io::Result<Option<(&'t [u8], Id)>> {
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(|| bad("bad tree entry"))?;
        let nul = rest.iter().position(|&b| b == 0).ok_or_else(|| bad("bad tree entry"))?;
        if nul < space || rest.len() < nul + 21 {
            return Err(bad("bad tree entry"));
        }
        if &rest[space + 1..nul] == name {
            let mut id = [0u8; 20];
            id.copy_from_slice(&rest[nul + 1..nul + 21]);
            return Ok(Some((&rest[..space], id)));
        }
        rest = &rest[nul + 21..];
    }
    Ok(None)
}

/// Applies a git delta to `base`, giving at most `room` bytes.
fn apply_delta(base: &[u8], delta: &[u8], room: u64) -> io::Result<Vec<u8>> {
    let mut at = 0;
    let varint = |at: &mut usize| -> io::Result<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *delta.get(*at).ok_or_else(|| bad("truncated delta"))?;
            *at += 1;
            if shift > 56 {
                return Err(bad("delta size overflows"));
            }
            value |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
    };
    let base_size = varint(&mut at)?;
    let result_size = varint(&mut at)?;
    if base_size != base.len() as u64 || result_size > room {
        return Err(bad("a delta does not fit its base"));
    }
    let mut out = Vec::with_capacity(result_size as usize);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut field = |bits: std::ops::Range<u8>| -> io::Result<usize> {
                let mut value = 0usize;
                for (i, bit) in bits.enumerate() {
                    if op & (1 << bit) != 0 {
                        let byte = *delta.get(at).ok_or_else(|| bad("truncated delta"))?;
                        at += 1;
                        value |= usize::from(byte) << (8 * i);
                    }
                }
                Ok(value)
            };
            let offset = field(0..4)?;
            let size = match field(4..7)? {
                0 => 0x10000,
                n => n,
            };
            let copied =
                base.get(offset..offset + size).ok_or_else(|| bad("a delta copies past its base"))?;
            out.extend_from_slice(copied);
        } else if op != 0 {
            let literal = delta.get(at..at + op as usize).ok_or_else(|| bad("truncated delta"))?;
            out.extend_from_slice(literal);
            at += op as usize;
        } else {
            return Err(bad("a delta with a reserved instruction"));
        }
    }
    if out.len() as u64 != result_size {
        return Err(bad("a delta gives the wrong size"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committer_dates_use_the_committers_zone() {
        assert_eq!(committer_date("A <a@b> 1718236800 +0000").as_deref(), Some("2024-06-13"));
        assert_eq!(committer_date("A <a@b> 1718236800 -0100").as_deref(), Some("2024-06-12"));
        assert_eq!(committer_date("A <a@b> 1718236800 +2359").as_deref(), Some("2024-06-13"));
        assert_eq!(committer_date("A <a@b> x +0000"), None);
        assert_eq!(committer_date("A <a@b> 1718236800 0000"), None);
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello world";
        // base 11, result 11: copy 6 bytes from 0, insert "there"
        let delta = [11, 11, 0x80 | 0x01 | 0x10, 0, 6, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(apply_delta(base, &delta, 64).ok().as_deref(), Some(b"hello there".as_slice()));
        assert!(apply_delta(base, &[12, 1, 1, b'x'], 64).is_err(), "wrong base size");
        assert!(apply_delta(base, &[11, 5, 0x80 | 0x01 | 0x10, 8, 5], 64).is_err(), "copy past the end");
        assert!(apply_delta(base, &[11, 1, 0], 64).is_err(), "reserved op");
        assert!(apply_delta(base, &delta, 10).is_err(), "a result larger than the room left");
    }

    #[test]
    fn blob_ids_match_git() {
        // `printf hello | git hash-object --stdin`
        assert_eq!(hex(&blob_id(b"hello")), "b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0");
    }
}
