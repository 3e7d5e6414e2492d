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

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

/// An object id (SHA-1).
pub type Id = [u8; 20];

/// The most bytes one object may inflate to: far above any Twilio spec.
const MAX_OBJECT: u64 = 64 * 1024 * 1024;

/// The most deltas one packed object may stack (git's default is 50).
const MAX_DELTA_DEPTH: usize = 1000;

/// The most commits walked back to find the one that last changed a file.
const MAX_WALK: usize = 20_000;

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
    /// The checkout could not be read (named why); nothing is known.
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

fn bad(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.into())
}

/// Reads at most `limit` bytes of a regular file (never a device or FIFO).
fn read_small(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(bad(format!("{} is not a regular file", path.display())));
    }
    let mut bytes = Vec::new();
    File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(bad(format!("{} is larger than {limit} bytes", path.display())));
    }
    Ok(bytes)
}

/// Inflates a zlib stream, refusing more than `limit` bytes of output.
fn inflate(reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(reader).take(limit + 1).read_to_end(&mut out)?;
    if out.len() as u64 > limit {
        return Err(bad("an object inflates past the size limit"));
    }
    Ok(out)
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
}

/// A pack's index (version 2): sorted ids and their offsets.
struct PackIndex {
    pack: PathBuf,
    ids: Vec<Id>,
    offsets: Vec<u64>,
}

impl PackIndex {
    fn read(idx: &Path) -> io::Result<PackIndex> {
        let bytes = read_small(idx, 1 << 30)?;
        let word = |at: usize| -> io::Result<u32> {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| bad("truncated pack index"))
        };
        if bytes.get(..4) != Some(b"\xfftOc".as_slice()) || word(4)? != 2 {
            return Err(bad(format!("{}: not a version 2 pack index", idx.display())));
        }
        let count = word(8 + 255 * 4)? as usize;
        let ids_at = 8 + 256 * 4;
        let offsets_at = ids_at + count * 20 + count * 4;
        let large_at = offsets_at + count * 4;
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let raw = bytes.get(ids_at + i * 20..ids_at + i * 20 + 20).ok_or_else(|| bad("truncated ids"))?;
            let mut id = [0u8; 20];
            id.copy_from_slice(raw);
            ids.push(id);
        }
        let mut offsets = Vec::with_capacity(count);
        for i in 0..count {
            let small = word(offsets_at + i * 4)?;
            let offset = if small & 0x8000_0000 == 0 {
                u64::from(small)
            } else {
                let at = large_at + (small & 0x7fff_ffff) as usize * 8;
                let raw = bytes.get(at..at + 8).ok_or_else(|| bad("truncated large offsets"))?;
                u64::from_be_bytes(raw.try_into().map_err(|_| bad("truncated large offsets"))?)
            };
            offsets.push(offset);
        }
        Ok(PackIndex { pack: idx.with_extension("pack"), ids, offsets })
    }

    fn offset(&self, id: &Id) -> Option<u64> {
        self.ids.binary_search(id).ok().map(|i| self.offsets[i])
    }
}

/// A checkout's git directory, read as files.
struct Repo {
    /// The directory that holds the checkout (and `.git`).
    work_tree: PathBuf,
    /// `HEAD` and per-worktree refs.
    git_dir: PathBuf,
    /// Objects and shared refs.
    common_dir: PathBuf,
    packs: Vec<PackIndex>,
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
                let text = String::from_utf8(read_small(&dot_git, 4096).ok()?).ok()?;
                dir.join(text.trim().strip_prefix("gitdir:")?.trim())
            } else {
                return None;
            };
            let common_dir = match read_small(&git_dir.join("commondir"), 4096) {
                Ok(text) => git_dir.join(String::from_utf8(text).ok()?.trim()),
                Err(_) => git_dir.clone(),
            };
            return Some(Repo { work_tree: dir.to_path_buf(), git_dir, common_dir, packs: Vec::new() });
        }
        None
    }

    fn origin_of(mut self, relative: &str, wanted: &Id) -> io::Result<Origin> {
        let config = read_small(&self.common_dir.join("config"), 1 << 20).unwrap_or_default();
        if String::from_utf8_lossy(&config).to_ascii_lowercase().contains("objectformat = sha256") {
            return Err(bad("a SHA-256 repository, which this reader does not support"));
        }
        self.load_packs()?;
        let head = self.head()?;
        let head_commit = self.commit(&head)?;
        if self.blob_at(&head_commit.tree, relative)? != Some(*wanted) {
            return Ok(Origin::Modified { head: hex(&head) });
        }
        // Back along first parents while the file stays the same.
        let (mut last, mut last_date) = (head, head_commit.date);
        let mut parent = head_commit.parents.first().copied();
        for _ in 0..MAX_WALK {
            let Some(id) = parent else { break };
            // A shallow or partial clone ends here: what is known stands.
            let Ok(commit) = self.commit(&id) else { break };
            if self.blob_at(&commit.tree, relative).ok().flatten() != Some(*wanted) {
                break;
            }
            (last, last_date) = (id, commit.date);
            parent = commit.parents.first().copied();
        }
        Ok(Origin::Committed { commit: hex(&last), date: last_date })
    }

    fn load_packs(&mut self) -> io::Result<()> {
        let dir = self.common_dir.join("objects/pack");
        let mut idx: Vec<PathBuf> = match fs::read_dir(&dir) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                .collect(),
            Err(_) => Vec::new(),
        };
        idx.sort();
        for path in idx {
            self.packs.push(PackIndex::read(&path)?);
        }
        Ok(())
    }

    /// The commit `HEAD` names, through at most a few symbolic refs.
    fn head(&self) -> io::Result<Id> {
        let mut text = String::from_utf8_lossy(&read_small(&self.git_dir.join("HEAD"), 4096)?).into_owned();
        for _ in 0..5 {
            let Some(name) = text.trim().strip_prefix("ref:").map(|r| r.trim().to_owned()) else {
                return parse_hex(&text).ok_or_else(|| bad("HEAD holds no commit id"));
            };
            if !name.starts_with("refs/") || name.split('/').any(|p| p.is_empty() || p == "..") {
                return Err(bad(format!("HEAD names an odd ref {name:?}")));
            }
            text = match self.loose_ref(&name) {
                Some(value) => value,
                None => self.packed_ref(&name).ok_or_else(|| bad(format!("ref {name} not found")))?,
            };
        }
        Err(bad("HEAD's refs nest too deep"))
    }

    fn loose_ref(&self, name: &str) -> Option<String> {
        [&self.git_dir, &self.common_dir]
            .iter()
            .find_map(|dir| read_small(&dir.join(name), 4096).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    fn packed_ref(&self, name: &str) -> Option<String> {
        let bytes = read_small(&self.common_dir.join("packed-refs"), 64 << 20).ok()?;
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
            .find_map(|l| l.split_once(' ').filter(|(_, n)| *n == name).map(|(id, _)| id.to_owned()))
    }

    fn object(&self, id: &Id) -> io::Result<(Kind, Vec<u8>)> {
        let name = hex(id);
        let loose = self.common_dir.join("objects").join(&name[..2]).join(&name[2..]);
        let (kind, data) = if let Ok(compressed) = read_small(&loose, MAX_OBJECT) {
            let raw = inflate(compressed.as_slice(), MAX_OBJECT + 64)?;
            let nul = raw.iter().position(|&b| b == 0).ok_or_else(|| bad("loose object without a header"))?;
            let header = &raw[..nul];
            let space = header.iter().position(|&b| b == b' ').ok_or_else(|| bad("bad object header"))?;
            let kind = Kind::from_name(&header[..space]).ok_or_else(|| bad("unknown object type"))?;
            (kind, raw[nul + 1..].to_vec())
        } else {
            let (pack, offset) = self
                .packs
                .iter()
                .find_map(|p| p.offset(id).map(|o| (p, o)))
                .ok_or_else(|| bad(format!("object {name} not found")))?;
            let mut file = File::open(&pack.pack)?;
            self.packed(&mut file, offset, 0)?
        };
        // An object whose bytes do not hash to its id is not that object.
        let mut hasher = Sha1::new();
        let kind_name = match kind {
            Kind::Commit => "commit",
            Kind::Tree => "tree",
            Kind::Blob => "blob",
            Kind::Tag => "tag",
        };
        hasher.update(format!("{kind_name} {}\0", data.len()).as_bytes());
        hasher.update(&data);
        let actual: Id = hasher.finalize().into();
        if actual != *id {
            return Err(bad(format!("object {name} does not match its id")));
        }
        Ok((kind, data))
    }

    /// The object at `offset` of a pack, with its deltas applied.
    fn packed(&self, file: &mut File, offset: u64, depth: usize) -> io::Result<(Kind, Vec<u8>)> {
        if depth > MAX_DELTA_DEPTH {
            return Err(bad("a delta chain is too long"));
        }
        file.seek(SeekFrom::Start(offset))?;
        let mut byte = [0u8; 1];
        file.read_exact(&mut byte)?;
        let code = (byte[0] >> 4) & 7;
        let mut size = u64::from(byte[0] & 15);
        let mut shift = 4;
        while byte[0] & 0x80 != 0 {
            file.read_exact(&mut byte)?;
            if shift > 56 {
                return Err(bad("object size overflows"));
            }
            size |= u64::from(byte[0] & 0x7f) << shift;
            shift += 7;
        }
        if size > MAX_OBJECT {
            return Err(bad("a packed object is larger than the size limit"));
        }
        match code {
            6 => {
                // OFS_DELTA: the base sits a variable-length distance back.
                file.read_exact(&mut byte)?;
                let mut distance = u64::from(byte[0] & 0x7f);
                while byte[0] & 0x80 != 0 {
                    file.read_exact(&mut byte)?;
                    distance = ((distance + 1) << 7) | u64::from(byte[0] & 0x7f);
                }
                let delta = inflate(&mut *file, size)?;
                let base_at =
                    offset.checked_sub(distance).ok_or_else(|| bad("delta base before the pack"))?;
                let (kind, base) = self.packed(file, base_at, depth + 1)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            7 => {
                let mut base_id = [0u8; 20];
                file.read_exact(&mut base_id)?;
                let delta = inflate(&mut *file, size)?;
                let (kind, base) = self.object(&base_id)?;
                Ok((kind, apply_delta(&base, &delta)?))
            }
            other => {
                let kind = Kind::from_pack(other).ok_or_else(|| bad("unknown packed object type"))?;
                Ok((kind, inflate(&mut *file, size)?))
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

    /// The blob at `path` (`/`-separated) in `tree`, if there is one.
    fn blob_at(&self, tree: &Id, path: &str) -> io::Result<Option<Id>> {
        let mut current = *tree;
        let parts: Vec<&str> = path.split('/').collect();
        for (i, part) in parts.iter().enumerate() {
            let (kind, data) = self.object(&current)?;
            if kind != Kind::Tree {
                return Ok(None);
            }
            let entries = tree_entries(&data)?;
            let Some((mode, id)) = entries.get(part.as_bytes()) else { return Ok(None) };
            let last = i + 1 == parts.len();
            // A regular file (100644 or 100755) at the end, trees before it;
            // a symlink is not the file.
            match (last, mode.as_slice()) {
                (true, b"100644" | b"100755") => return Ok(Some(*id)),
                (false, b"40000") => current = *id,
                _ => return Ok(None),
            }
        }
        Ok(None)
    }
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

/// A tree's entries: name → (mode, id).
type Entries = BTreeMap<Vec<u8>, (Vec<u8>, Id)>;

/// A tree's entries by name: mode and id.
fn tree_entries(data: &[u8]) -> io::Result<Entries> {
    let mut entries = BTreeMap::new();
    let mut rest = data;
    while !rest.is_empty() {
        let space = rest.iter().position(|&b| b == b' ').ok_or_else(|| bad("bad tree entry"))?;
        let nul = rest.iter().position(|&b| b == 0).ok_or_else(|| bad("bad tree entry"))?;
        if nul < space || rest.len() < nul + 21 {
            return Err(bad("bad tree entry"));
        }
        let mut id = [0u8; 20];
        id.copy_from_slice(&rest[nul + 1..nul + 21]);
        entries.insert(rest[space + 1..nul].to_vec(), (rest[..space].to_vec(), id));
        rest = &rest[nul + 21..];
    }
    Ok(entries)
}

/// Applies a git delta to `base`.
fn apply_delta(base: &[u8], delta: &[u8]) -> io::Result<Vec<u8>> {
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
    if base_size != base.len() as u64 || result_size > MAX_OBJECT {
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
        assert_eq!(apply_delta(base, &delta).ok().as_deref(), Some(b"hello there".as_slice()));
        assert!(apply_delta(base, &[12, 1, 1, b'x']).is_err(), "wrong base size");
        assert!(apply_delta(base, &[11, 5, 0x80 | 0x01 | 0x10, 8, 5]).is_err(), "copy past the end");
        assert!(apply_delta(base, &[11, 1, 0]).is_err(), "reserved op");
    }

    #[test]
    fn blob_ids_match_git() {
        // `printf hello | git hash-object --stdin`
        assert_eq!(hex(&blob_id(b"hello")), "b6fc4c620b67d95f953a5c1c1230aaab5db5a1b0");
    }
}
