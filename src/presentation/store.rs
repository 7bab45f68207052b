//! A parameter store: a content-addressed folder of signed sets (predicate parameters),
//! kept by verifiers and holders like a trust list.
//!
//! Each set is the file `<hex digest>.set` holding its canonical encoding
//! ([`super::set_to_bytes`]), so a file's name is the SHA-256 of its content and any copy of
//! a store can be checked by rehashing. A holder marks a set whose signatures it has checked
//! with an empty file `<hex digest>.checked`, and never checks it again. A set decoded once
//! is cached as `<hex digest>.points`, its points uncompressed, so later processes skip the
//! decompression and subgroup checks ([`ParamStore::get`]). Requests name sets
//! by digest only ([`super::PredicateParams`]); [`ParamStore::resolve`] (verifier) and
//! [`ParamStore::resolve_checked`] (holder) attach them.

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};

use super::params::{
    hex, remember_checked, set_from_bytes, set_kind_from_bytes, set_to_bytes, PredicateParams,
    MAX_SET_BYTES,
};
use super::policy::Policy;
use super::request::PresentationRequest;
use super::Error;
use crate::zk::{SetKind, SignedSet};

/// The most signatures the distinct sets of one request may hold together when a holder or
/// verifier resolves it: two sets of the largest base (the validity and date digit set,
/// and as much again for windows, integers and code sets), or 128 of base 1024. Decoding and
/// checking a set costs time in proportion to its signatures (`docs/benchmarks.md`); the
/// count is read from each file's header, before its points are decoded, so a request
/// naming more is refused before that work.
pub const MAX_REQUEST_SIGNATURES: usize = 2 * crate::zk::MAX_SET_SIZE;

/// What a holder runs on each set it loads (its check), or nothing (the verifier).
type Check<'a> = dyn FnMut(&[u8; 32], &SignedSet) -> Result<(), Error> + 'a;

/// A parameter store folder.
#[derive(Clone, Debug)]
pub struct ParamStore {
    dir: PathBuf,
}

/// One set of a store, as [`ParamStore::list`] describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSet {
    /// Its digest.
    pub digest: [u8; 32],
    /// What it signs.
    pub kind: SetKind,
    /// Whether this store's holder has checked its signatures.
    pub checked: bool,
}

fn store_error(path: &Path, problem: impl std::fmt::Display) -> Error {
    Error::ParamStore {
        path: path.display().to_string(),
        problem: problem.to_string(),
    }
}

/// The digest a store file name spells (`<64 hex digits>.set`).
fn digest_of_name(name: &str) -> Option<[u8; 32]> {
    let stem = name.strip_suffix(".set")?;
    if stem.len() != 64 || !stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&stem[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

impl ParamStore {
    /// Opens the store in `dir`, creating the folder when it is missing.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, Error> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(&dir).map_err(|e| store_error(&dir, e))?;
        Ok(Self { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of the set named `digest`.
    pub fn path_of(&self, digest: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.set", hex(digest)))
    }

    fn marker(&self, digest: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.checked", hex(digest)))
    }

    /// Writes `data` to `path` atomically: a temporary file in the same folder (its own for
    /// each write), synced, then renamed over the name.
    fn write_atomic(&self, path: &Path, data: &[u8]) -> Result<(), Error> {
        // One temporary name per process and write: two threads adding the same set must
        // not share (and rename away) each other's file.
        static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tmp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("set"),
            std::process::id(),
            WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let written = fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(data).and_then(|()| f.sync_all()))
            .and_then(|()| fs::rename(&tmp, path));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(store_error(path, e));
        }
        Ok(())
    }

    /// Adds `set` (nothing happens when it is there already) and returns its digest. The
    /// set is in memory decoded, so its cache of decoded points is written too: the next
    /// process skips the decoding (seconds for a set of 2^16 signatures).
    pub fn put(&self, set: &SignedSet) -> Result<[u8; 32], Error> {
        let bytes = set_to_bytes(set);
        let digest: [u8; 32] = Sha256::digest(&bytes).into();
        let path = self.path_of(&digest);
        if !path.is_file() {
            self.write_points(&digest, set);
            self.write_atomic(&path, &bytes)?;
        }
        Ok(digest)
    }

    /// Writes the cache of `set`'s decoded points, named `digest` (only a cache: a store
    /// that cannot be written still resolves).
    fn write_points(&self, digest: &[u8; 32], set: &SignedSet) {
        let mut cache = Vec::with_capacity(32 + 192 + 96 * set.kind().len());
        cache.extend_from_slice(digest);
        cache.extend_from_slice(&set.to_uncompressed());
        let _ = self.write_atomic(&self.points_path(digest), &cache);
    }

    /// Remembers that the set named `digest` passed [`SignedSet::check`].
    pub fn mark_checked(&self, digest: &[u8; 32]) -> Result<(), Error> {
        self.write_atomic(&self.marker(digest), b"")
    }

    /// `true` when the holder of this store has checked the set named `digest`.
    pub fn is_checked(&self, digest: &[u8; 32]) -> bool {
        self.marker(digest).is_file()
    }

    /// Reads the set named `digest`: `None` when the store does not have it; an error when
    /// the file is unreadable, larger than [`MAX_SET_BYTES`], not the set its name says
    /// (its SHA-256 differs) or malformed.
    pub fn get(&self, digest: &[u8; 32]) -> Result<Option<SignedSet>, Error> {
        self.read(digest)?
            .map(|b| self.decode_cached(digest, &b))
            .transpose()
    }

    /// The cache of the decoded set named `digest`: its points uncompressed.
    fn points_path(&self, digest: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.points", hex(digest)))
    }

    /// [`decode_with`] for a set of this store, through its cache of decoded points: a set fully
    /// decoded once (every point decompressed and subgroup-checked, about 0.1 ms a
    /// signature) is written uncompressed to `<hex digest>.points`, and later processes read
    /// that instead (`SignedSet::from_uncompressed_trusted`: points on the curve, about 2 µs
    /// a signature). The cache is taken only when its points compress to exactly the set's
    /// canonical encoding, so it can only ever give the set its digest names; a cache that
    /// does not is ignored and rewritten, and a store that cannot be written still works.
    fn decode_cached(&self, digest: &[u8; 32], bytes: &[u8]) -> Result<SignedSet, Error> {
        decode_with(digest, || {
            let kind = set_kind_from_bytes(bytes)?;
            if let Some(set) = self.cached_points(digest, kind, bytes) {
                return Ok(set);
            }
            let set = set_from_bytes(bytes)?;
            self.write_points(digest, &set);
            Ok(set)
        })
    }

    /// The file of the set named `digest`, its SHA-256 checked, not yet decoded.
    fn read(&self, digest: &[u8; 32]) -> Result<Option<Vec<u8>>, Error> {
        let path = self.path_of(digest);
        let bytes = match read_at_most(&path, MAX_SET_BYTES) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(None),
            Err(e) => return Err(store_error(&path, e)),
        };
        if <[u8; 32]>::from(Sha256::digest(&bytes)) != *digest {
            return Err(store_error(
                &path,
                "the file does not hold the set its name says (its SHA-256 differs)",
            ));
        }
        Ok(Some(bytes))
    }

    /// The set of `kind` in the cache of decoded points, when it holds exactly the set that
    /// `bytes` (its canonical encoding, named `digest`) is.
    fn cached_points(&self, digest: &[u8; 32], kind: SetKind, bytes: &[u8]) -> Option<SignedSet> {
        let size = 32 + 192 + 96 * kind.len();
        let cached = read_at_most(&self.points_path(digest), size).ok()??;
        cached
            .strip_prefix(&digest[..])
            .and_then(|points| SignedSet::from_uncompressed_trusted(kind, points).ok())
            .filter(|set| set_to_bytes(set) == bytes)
    }

    /// Every set of the store (files named `<64 hex digits>.set`), by digest. Only the
    /// start of each file is read (its kind), not its points.
    pub fn list(&self) -> Result<Vec<StoredSet>, Error> {
        let entries = fs::read_dir(&self.dir).map_err(|e| store_error(&self.dir, e))?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| store_error(&self.dir, e))?;
            let name = entry.file_name();
            let Some(digest) = name.to_str().and_then(digest_of_name) else {
                continue;
            };
            let path = entry.path();
            // The kind is at most 16 + 2 + 10 + 32 n bytes long.
            let head = read_prefix(&path, 64 + 32 * crate::zk::MAX_SET_SIZE.min(1024))
                .map_err(|e| store_error(&path, e))?;
            let kind = set_kind_from_bytes(&head).map_err(|e| store_error(&path, e))?;
            out.push(StoredSet {
                digest,
                kind,
                checked: self.is_checked(&digest),
            });
        }
        out.sort_by_key(|s| s.digest);
        Ok(out)
    }

    /// The digest of a set of this kind in the store (the first by digest), if any.
    pub fn find(&self, kind: &SetKind) -> Result<Option<[u8; 32]>, Error> {
        Ok(self
            .list()?
            .into_iter()
            .find(|s| s.kind == *kind)
            .map(|s| s.digest))
    }

    /// A set of this kind from the store, or a fresh one (a new key signs it and is
    /// discarded) added to the store: what a verifier names in its requests.
    pub fn obtain(&self, kind: SetKind, rng: &mut impl CryptoRng) -> Result<SignedSet, Error> {
        if let Some(digest) = self.find(&kind)? {
            if let Some(set) = self.get(&digest)? {
                return Ok(set);
            }
        }
        let set = super::params::fresh_set(kind, rng)?;
        self.put(&set)?;
        Ok(set)
    }

    /// The validity statements' parameters from this store: its digit set of the validity
    /// base ([`super::params::validity_span`]), made and added when missing.
    pub fn validity(&self, rng: &mut impl CryptoRng) -> Result<PredicateParams, Error> {
        let span = super::params::validity_span();
        let set = self.obtain(SetKind::Digits { base: span.base }, rng)?;
        Ok(PredicateParams::new(span.digits, set))
    }

    /// The parameters of validity statements in minutes from this store
    /// ([`super::params::MINUTE_VALIDITY_SPAN`]: two digits of a base-4096 set), made and
    /// added when missing: for credentials whose validity is not on whole units.
    pub fn validity_in_minutes(&self, rng: &mut impl CryptoRng) -> Result<PredicateParams, Error> {
        let span = super::params::MINUTE_VALIDITY_SPAN;
        let set = self.obtain(SetKind::Digits { base: span.base }, rng)?;
        Ok(PredicateParams::new(span.digits, set))
    }

    /// A verifier's request made at `now` (seconds since the Unix epoch), valid for
    /// `validity_seconds`, for `policies`, every parameter set (the statements' and the
    /// validity statements') from this store, made and added when missing: parameter sets
    /// are reused by digest across requests, never made afresh per request.
    pub fn request(
        &self,
        verifier: &str,
        policies: Vec<Policy>,
        now: i64,
        validity_seconds: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<PresentationRequest, Error> {
        let policies = policies
            .into_iter()
            .map(|p| p.with_params(Some(self), &mut *rng))
            .collect::<Result<Vec<_>, _>>()?;
        let validity = self.validity(rng)?;
        PresentationRequest::new_with_validity(
            verifier,
            policies,
            now,
            validity_seconds,
            validity,
            rng,
        )
    }

    /// Keeps every set `request` has attached (a request made in this process with fresh
    /// parameters), so that this store can resolve the request when it is read back.
    /// Returns how many sets were kept.
    pub fn keep(&self, request: &PresentationRequest) -> Result<usize, Error> {
        let mut kept = 0;
        for params in request.params() {
            if params.is_resolved() {
                self.put(params.set()?)?;
                kept += 1;
            }
        }
        Ok(kept)
    }

    /// The verifier's side: attaches every set `request` names from this store (the
    /// verifier's own, made with its requests; not checked again).
    pub fn resolve(&self, request: &mut PresentationRequest) -> Result<(), Error> {
        self.resolve_with(request, None, &mut |_, _| Ok(()))
    }

    /// The holder's side: attaches every set `request` names, from this store or, when it
    /// is missing, from the verifier's store `from` (the set is then added to this one).
    /// Every set's signatures are checked once ([`SignedSet::check`]) and the check is
    /// remembered by digest, in the store and for the process. Refuses a request naming a
    /// set it cannot find ([`Error::UnknownParams`], which names the digest), a set that
    /// does not fit its predicate or fails its check ([`Error::PredicateParamsRejected`]),
    /// and a request whose distinct sets hold more than [`MAX_REQUEST_SIGNATURES`]
    /// signatures.
    pub fn resolve_checked(
        &self,
        request: &mut PresentationRequest,
        from: Option<&ParamStore>,
        rng: &mut impl CryptoRng,
    ) -> Result<(), Error> {
        self.resolve_with(request, from, &mut |digest, set| {
            if !self.is_checked(digest) {
                set.check(&mut *rng)
                    .map_err(|_| Error::PredicateParamsRejected {
                        predicate: format!("the parameter set {}", hex(digest)),
                    })?;
                self.mark_checked(digest)?;
            }
            remember_checked(*digest);
            Ok(())
        })
    }

    fn resolve_with(
        &self,
        request: &mut PresentationRequest,
        from: Option<&ParamStore>,
        check: &mut Check<'_>,
    ) -> Result<(), Error> {
        // First every distinct set's file, from this store or the source, and the size its
        // header declares: the cap is enforced before any point is decoded.
        let mut files: Vec<([u8; 32], Vec<u8>, bool)> = Vec::new();
        let mut loaded: HashMap<[u8; 32], SignedSet> = HashMap::new();
        let mut signatures = 0usize;
        for p in request.params_mut() {
            let Some(digest) = p.digest() else {
                continue;
            };
            if files.iter().any(|(d, _, _)| *d == digest) || loaded.contains_key(&digest) {
                continue;
            }
            // A set of this store that this process decoded before is neither read nor
            // hashed again (its digest names its contents): what a service resolving every
            // request it reloads needs.
            if let Some(set) = decoded(&digest).filter(|_| self.path_of(&digest).is_file()) {
                signatures = signatures.saturating_add(set.kind().len());
                if signatures > MAX_REQUEST_SIGNATURES {
                    return Err(too_many_signatures());
                }
                loaded.insert(digest, set);
                continue;
            }
            let (bytes, fetched) = match self.read(&digest)? {
                Some(bytes) => (bytes, false),
                None => match from
                    .map(|source| source.read(&digest))
                    .transpose()?
                    .flatten()
                {
                    Some(bytes) => (bytes, true),
                    None => {
                        return Err(Error::UnknownParams {
                            digest: hex(&digest),
                        })
                    }
                },
            };
            signatures = signatures.saturating_add(set_kind_from_bytes(&bytes)?.len());
            if signatures > MAX_REQUEST_SIGNATURES {
                return Err(too_many_signatures());
            }
            files.push((digest, bytes, fetched));
        }
        // Then each is decoded and checked once; a fetched set is kept only once checked.
        for (digest, set) in &loaded {
            check(digest, set)?;
        }
        for (digest, bytes, fetched) in files {
            // A fetched set comes from elsewhere: fully decoded; this store's own through its
            // cache.
            let set = if fetched {
                decode_with(&digest, || set_from_bytes(&bytes))?
            } else {
                self.decode_cached(&digest, &bytes)?
            };
            check(&digest, &set)?;
            if fetched {
                self.put(&set)?;
            }
            loaded.insert(digest, set);
        }
        for mut p in request.params_mut() {
            let Some(digest) = p.digest() else {
                continue;
            };
            if let Some(set) = loaded.get(&digest) {
                p.resolve(set.clone())?;
            }
        }
        Ok(())
    }
}

fn too_many_signatures() -> Error {
    Error::from(crate::credential::json::invalid(
        "request",
        "predicates.params",
        "names sets that hold too many signatures together",
    ))
}

/// The sets this process decoded, by digest ([`decode_with`]).
static DECODED: Mutex<Vec<([u8; 32], SignedSet)>> = Mutex::new(Vec::new());

/// The set named `digest`, when this process decoded it before.
fn decoded(digest: &[u8; 32]) -> Option<SignedSet> {
    DECODED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(d, _)| d == digest)
        .map(|(_, set)| set.clone())
}

/// How many decoded sets the process keeps ([`decode_with`]).
const DECODED_SETS: usize = 16;

/// The set named `digest` (whose file's SHA-256 the caller checked), decoded by `decode`
/// unless this process decoded it before (a set is immutable: its digest names its
/// canonical encoding, and decoding, every point decompressed and subgroup-checked, is what
/// costs: about 0.1 ms a signature). The most recent [`DECODED_SETS`] are kept.
fn decode_with(
    digest: &[u8; 32],
    decode: impl FnOnce() -> Result<SignedSet, Error>,
) -> Result<SignedSet, Error> {
    if let Some(set) = decoded(digest) {
        return Ok(set);
    }
    let set = decode()?;
    let mut memo = DECODED.lock().unwrap_or_else(PoisonError::into_inner);
    if memo.len() >= DECODED_SETS {
        memo.remove(0);
    }
    memo.push((*digest, set.clone()));
    Ok(set)
}

/// Reads a whole file of at most `max` bytes (`None` when it does not exist).
fn read_at_most(path: &Path, max: usize) -> std::io::Result<Option<Vec<u8>>> {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut data = Vec::new();
    file.take(max as u64 + 1).read_to_end(&mut data)?;
    if data.len() > max {
        return Err(std::io::Error::other("larger than the largest set"));
    }
    Ok(Some(data))
}

/// The first `n` bytes of a file (fewer when it is shorter).
fn read_prefix(path: &Path, n: usize) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    fs::File::open(path)?
        .take(n as u64)
        .read_to_end(&mut data)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::CredentialType;
    use crate::presentation::{CredentialRequest, Predicate};

    fn temp_store(name: &str) -> ParamStore {
        let dir = std::env::temp_dir().join(format!(
            "healthpass-store-{name}-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        ParamStore::open(dir).unwrap()
    }

    /// A set added or decoded once is cached uncompressed; the cache is read only when its points
    /// compress to exactly the set's file, so a damaged, truncated, foreign or reordered
    /// cache is ignored (and the set decoded in full instead).
    #[test]
    fn the_cache_of_decoded_points_gives_only_the_set_its_digest_names() {
        let store = temp_store("points");
        let set = SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 16 }).unwrap();
        let digest = store.put(&set).unwrap();
        // `put` writes the cache of a set it holds decoded; a set read from its file alone
        // gets one on its first full decoding.
        assert!(store.points_path(&digest).exists());
        fs::remove_file(store.points_path(&digest)).unwrap();
        assert_eq!(store.get(&digest).unwrap().unwrap(), set);
        let cache = fs::read(store.points_path(&digest)).unwrap();
        assert_eq!(cache.len(), 32 + 192 + 96 * 16);
        let bytes = store.read(&digest).unwrap().unwrap();
        let kind = || SetKind::Digits { base: 16 };
        assert_eq!(
            store.cached_points(&digest, kind(), &bytes),
            Some(set.clone())
        );

        let other = SignedSet::generate(&mut rand::rng(), kind()).unwrap();
        let mut swapped = cache.clone();
        swapped[32 + 192..32 + 288].copy_from_slice(&cache[32 + 288..32 + 384]);
        swapped[32 + 288..32 + 384].copy_from_slice(&cache[32 + 192..32 + 288]);
        let mut flipped = cache.clone();
        flipped[32 + 192 + 50] ^= 1;
        let mut foreign = digest.to_vec();
        foreign.extend(other.to_uncompressed());
        let mut renamed = cache.clone();
        renamed[0] ^= 1;
        for (what, bad) in [
            ("swapped", swapped),
            ("flipped", flipped),
            ("foreign", foreign),
            ("renamed", renamed),
            ("truncated", cache[..cache.len() - 1].to_vec()),
            ("longer", [&cache[..], &[0]].concat()),
        ] {
            fs::write(store.points_path(&digest), &bad).unwrap();
            assert_eq!(store.cached_points(&digest, kind(), &bytes), None, "{what}");
        }
        // A store whose cache is junk still gives the set.
        fs::write(store.points_path(&digest), b"junk").unwrap();
        assert_eq!(store.get(&digest).unwrap().unwrap(), set);
        let _ = fs::remove_dir_all(store.dir());
    }

    fn request_in(store: &ParamStore, predicates: &[&str]) -> PresentationRequest {
        let t = CredentialType::Vaccination;
        let schema = t.schema();
        let mut rng = rand::rng();
        let predicates = predicates
            .iter()
            .map(|text| {
                let p = Predicate::parse(schema, text, 1_700_000_000).unwrap();
                p.with_params_in(schema, store, &mut rng).unwrap()
            })
            .collect();
        let c = CredentialRequest::new(t, &[], &[], predicates).unwrap();
        let validity = store.validity(&mut rng).unwrap();
        PresentationRequest::new_with_validity(
            "border",
            vec![c],
            1_700_000_000,
            600,
            validity,
            &mut rng,
        )
        .unwrap()
    }

    fn first(r: &mut PresentationRequest) -> &mut Predicate {
        r.policies[0].statement_mut(0, 0).unwrap()
    }

    #[test]
    fn requests_name_sets_that_stores_resolve() {
        let verifier = temp_store("verifier");
        let holder = temp_store("holder");
        let mut r = request_in(
            &verifier,
            &[
                "dose_number >= 2",
                "vaccine_product in {EU/1/20/1528,EU/1/20/1507}",
            ],
        );
        // The same kinds are reused, not made again.
        let mut again = request_in(&verifier, &["dose_number >= 1"]);
        assert_eq!(first(&mut again).params, first(&mut r).params);
        assert_eq!(again.validity, r.validity);
        // Integer digits, the set's elements, and the instant digits of the validity.
        assert_eq!(verifier.list().unwrap().len(), 3);
        let mut read = PresentationRequest::from_json(&r.to_json()).unwrap();
        assert_eq!(read, r);
        assert_eq!(read.digest(), r.digest());
        assert!(!first(&mut read).params().unwrap().is_resolved());
        assert!(!read.validity.is_resolved());
        // The holder has nothing: refused, naming the digest.
        let digest = hex(&r.validity.digest);
        let e = holder
            .resolve_checked(&mut read.clone(), None, &mut rand::rng())
            .unwrap_err();
        assert!(matches!(&e, Error::UnknownParams { digest: d } if *d == digest));
        assert!(e.to_string().contains(&digest), "{e}");
        // Fetched from the verifier's store, checked, remembered.
        holder
            .resolve_checked(&mut read, Some(&verifier), &mut rand::rng())
            .unwrap();
        assert!(read.validity.is_resolved());
        assert!(read.policies[0]
            .statements_mut()
            .iter()
            .all(|(_, p)| p.params().unwrap().is_resolved()));
        let listed = holder.list().unwrap();
        assert_eq!(listed.len(), 3);
        assert!(listed.iter().all(|s| s.checked));
        // The verifier resolves from its own store.
        let mut mine = PresentationRequest::from_json(&r.to_json()).unwrap();
        verifier.resolve(&mut mine).unwrap();
        let _ = fs::remove_dir_all(verifier.dir());
        let _ = fs::remove_dir_all(holder.dir());
    }

    #[test]
    fn tampered_or_forged_sets_are_refused() {
        let verifier = temp_store("forged");
        let holder = temp_store("forged-holder");
        let mut r = request_in(&verifier, &["dose_number >= 2"]);
        let digest = first(&mut r).params().unwrap().digest;
        // A file whose content is not what its name says.
        let path = verifier.path_of(&digest);
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            verifier.get(&digest),
            Err(Error::ParamStore { .. })
        ));
        // A set with a forged signature under its own (correct) digest: the holder's check
        // refuses it and does not keep it.
        let mut set = SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 64 }).unwrap();
        let mut raw = set_to_bytes(&set);
        let n = raw.len();
        let other = SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 64 }).unwrap();
        raw[n - 48..].copy_from_slice(&set_to_bytes(&other)[n - 48..]);
        set = set_from_bytes(&raw).unwrap();
        let forged = verifier.put(&set).unwrap();
        first(&mut r).params = Some(super::super::PredicateParams::by_digest(1, forged));
        let e = holder
            .resolve_checked(&mut r, Some(&verifier), &mut rand::rng())
            .unwrap_err();
        assert!(matches!(e, Error::PredicateParamsRejected { .. }), "{e}");
        // The validity set (good) may be kept; the forged one is not.
        assert!(holder.list().unwrap().iter().all(|s| s.digest != forged));
        assert!(holder.get(&forged).unwrap().is_none());
        // A digit set named for a membership predicate is refused.
        let mut m = request_in(&verifier, &["vaccine_product in {EU/1/20/1528}"]);
        first(&mut m).params = Some(super::super::PredicateParams::by_digest(1, forged));
        let e = verifier.resolve(&mut m).unwrap_err();
        assert!(matches!(e, Error::PredicateParamsRejected { .. }), "{e}");
        let _ = fs::remove_dir_all(verifier.dir());
        let _ = fs::remove_dir_all(holder.dir());
    }
}
