//! The public parameters of predicates: for each predicate in a request, a weak
//! Boneh-Boyen parameter key and its signatures on the digits (ranges) or on the set's
//! elements (membership), as `healthpass::zk` needs them. The verifier makes them when it
//! makes the request; the holder checks them before proving; presentations never carry them.
//!
//! Default spans per attribute type (`docs/notes/predicates.md` says why):
//!
//! | type | base | digits | span |
//! |---|---|---|---|
//! | integer | 64 | 1 | 0 to 63 |
//! | date (days) | 256 | 2 | 65,536 days, about 179 years |
//! | instant (minutes) | 1024 | 2 | 1,048,576 minutes, about 728 days |

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use ff::Field;
use rand_core::CryptoRng;
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::Error;
use crate::bbs::{Bls12381Sha256, Bls12381Shake256, Scalar};
use crate::credential::bytes::{ByteReader, ByteWriter};
use crate::credential::json::{b64_decode, b64_encode, invalid};
use crate::credential::{self, AttributeType, AttributeValue};
use crate::zk::{SetKind, SignedSet};

/// The largest digit base a set may have: 2^16 ([`crate::zk::MAX_SET_SIZE`]), one digit
/// for 65,536 days or hours.
pub const MAX_BASE: u32 = 1 << 16;

/// The tag that opens a signed set's canonical encoding ([`set_to_bytes`]).
pub const SET_TAG: &[u8] = b"healthpass-set/1";

/// The largest signed-set encoding a reader takes: a digit set of [`zk::MAX_SET_SIZE`]
/// signatures (48 bytes each) with its key and header.
///
/// [`zk::MAX_SET_SIZE`]: crate::zk::MAX_SET_SIZE
pub const MAX_SET_BYTES: usize = 128 + 96 + 48 * crate::zk::MAX_SET_SIZE;

/// The base and digit count of a range predicate: the digits cover differences from
/// `0` to `base^digits - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The digit base `u`.
    pub base: u32,
    /// The digit count `k`.
    pub digits: u8,
}

impl Span {
    /// The default span of an ordered attribute type (`None` for strings, codes and the
    /// holder secret, which take no range predicates).
    pub fn default_for(ty: AttributeType) -> Option<Span> {
        match ty {
            AttributeType::Integer => Some(Span {
                base: 64,
                digits: 1,
            }),
            AttributeType::Date | AttributeType::PartialDate => Some(Span {
                base: VALIDITY_BASE,
                digits: 1,
            }),
            AttributeType::Instant => Some(Span {
                base: 1024,
                digits: 2,
            }),
            _ => None,
        }
    }

    /// The largest difference the span covers, `base^digits - 1` (`u64::MAX` when that does
    /// not fit).
    pub fn max_difference(self) -> u64 {
        u64::from(self.base)
            .checked_pow(u32::from(self.digits))
            .map_or(u64::MAX, |v| v.saturating_sub(1))
    }
}

/// The digit base of the validity statements: 2^16, so that each statement is one digit
/// (128 bytes) counted in the type's validity unit ([`CredentialType::validity_unit`]: 65,535
/// hours, about seven and a half years, or days for identity documents), which covers every
/// validity issuance allows ([`credential::MAX_VALIDITY_UNITS`]). The same digit set serves
/// date comparisons (one digit of days, 179 years).
///
/// [`CredentialType::validity_unit`]: credential::CredentialType::validity_unit
pub const VALIDITY_BASE: u32 = 1 << 16;

/// The span of the validity statements every presentation proves (`valid_from <= now`,
/// `valid_until >= now`): one digit of [`VALIDITY_BASE`], in validity units. The one place
/// the validity span is chosen.
pub fn validity_span() -> Span {
    Span {
        base: VALIDITY_BASE,
        digits: 1,
    }
}

/// The validity span of requests that prove the validity in minutes: two digits of base
/// 4,096 (288 bytes a statement, 16.7 million minutes). Requests of this span are still
/// made ([`PredicateParams::generate_validity_in_minutes`]) and answered, for credentials
/// issued before issuance put the validity on whole units.
pub const MINUTE_VALIDITY_SPAN: Span = Span {
    base: 1 << 12,
    digits: 2,
};

/// The most elements a set predicate may have: enough for the largest EU DCC value sets a
/// policy lists (88 lab-test manufacturers, 249 countries). Each element is signed under
/// both ciphersuites, so a set holds at most twice as many signatures.
pub const MAX_SET_SIZE: usize = 256;

/// The public parameters of one predicate: its digit count and the signed set it proves
/// against, named by the set's digest ([`set_digest`]). Requests carry the digest only; the
/// set itself comes from a parameter store ([`super::ParamStore`]) and is attached with
/// [`super::Predicate::resolve`]. Two parameters are equal when their digit counts and
/// digests are (the digest names the set).
#[derive(Clone, Debug)]
pub struct PredicateParams {
    /// The digit count (1 for set membership).
    pub digits: u8,
    /// The SHA-256 digest of the set's canonical encoding.
    pub digest: [u8; 32],
    set: Option<SignedSet>,
    /// The statements' scale (`zk::PredicateStatement::scale`): 1, except for the validity
    /// statements in units, where the request sets it per credential type. Derived, never
    /// written.
    scale: u32,
}

impl PartialEq for PredicateParams {
    fn eq(&self, other: &Self) -> bool {
        self.digits == other.digits && self.digest == other.digest
    }
}

impl Eq for PredicateParams {}

/// The set elements of a membership predicate as signed scalars: each value encoded under
/// both ciphersuites (codes and strings hash differently in each), without repeats, so that
/// one parameter set serves credentials of either suite.
fn set_elements(values: &[AttributeValue]) -> Result<Vec<Scalar>, Error> {
    // Refuse oversized sets before the encoding and de-duplication below.
    if values.is_empty() || values.len() > MAX_SET_SIZE {
        return Err(params_error("belong to a set of 1 to 256 elements"));
    }
    let mut out: Vec<Scalar> = Vec::with_capacity(2 * values.len());
    let mut seen = std::collections::HashSet::with_capacity(2 * values.len());
    for v in values {
        for s in [
            v.to_scalar::<Bls12381Sha256>(&credential::api_id::<Bls12381Sha256>()),
            v.to_scalar::<Bls12381Shake256>(&credential::api_id::<Bls12381Shake256>()),
        ] {
            let s = s.map_err(credential::Error::from)?;
            if seen.insert(s.to_bytes()) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// What the parameters of one predicate sign: the digits of a range (comparisons and
/// ranges), or the elements of a set (membership).
#[derive(Clone, Debug)]
pub enum ParamsFor<'a> {
    /// A comparison or a range over the attribute named here.
    Range {
        /// The attribute (named in errors).
        attribute: &'a str,
        /// For a two-sided range `LOW..HIGH` that one digit can prove
        /// ([`Predicate::window`](super::Predicate::window)): `HIGH - LOW`. Its parameters
        /// then sign the digits `0..=HIGH-LOW` and the range is one statement.
        window: Option<u64>,
    },
    /// Membership of these values.
    Set(Cow<'a, [AttributeValue]>),
}

impl ParamsFor<'_> {
    /// What parameters for this predicate must sign, at `span` for a range, and their digit
    /// count.
    pub(crate) fn set_kind(&self, span: Option<Span>) -> Result<(SetKind, u8), Error> {
        match (self, span) {
            (ParamsFor::Set(values), _) => Ok((SetKind::Elements(set_elements(values)?), 1)),
            (
                ParamsFor::Range {
                    window: Some(width),
                    ..
                },
                Some(_),
            ) => Ok((window_kind(*width)?, 1)),
            (ParamsFor::Range { .. }, Some(span)) => {
                Ok((SetKind::Digits { base: span.base }, span.digits))
            }
            (ParamsFor::Range { attribute, .. }, None) => Err(Error::PredicateNeedsOrder {
                name: (*attribute).to_owned(),
                type_name: "this",
            }),
        }
    }
}

/// A set made with a fresh key (discarded once the set is signed), for a verifier without a
/// parameter store. A digit set is made once per process and base, then reused, as a
/// parameter store reuses its sets across requests: a set of 2^16 digits takes seconds to
/// make, and a holder checks each set once. The key is drawn from `rng` either way, so that
/// a seeded generator yields the same sequence whether the set was made or reused. Element
/// sets are made afresh.
pub(crate) fn fresh_set(kind: SetKind, rng: &mut impl CryptoRng) -> Result<SignedSet, Error> {
    static DIGITS: LazyLock<Mutex<HashMap<u32, SignedSet>>> = LazyLock::new(Default::default);
    let x = Zeroizing::new(Scalar::random(&mut *rng));
    let SetKind::Digits { base } = kind else {
        return SignedSet::sign(&x, kind).map_err(Error::Predicate);
    };
    let mut made = DIGITS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(set) = made.get(&base) {
        return Ok(set.clone());
    }
    let set = SignedSet::sign(&x, kind).map_err(Error::Predicate)?;
    made.insert(base, set.clone());
    Ok(set)
}

/// The largest digit set a window takes: `LOW..HIGH` with `HIGH - LOW` below it is proven
/// as one digit of the set `0..=HIGH-LOW` (128 bytes instead of two bounds of 288). 2^14
/// digits cover eleven days in minutes (a 72-hour window is 4,321 digits) and 44 years in
/// days; the prover's constant-time selection reads every signature of the set, so the cap
/// also bounds the time a window adds to proving.
pub const MAX_WINDOW_BASE: u64 = 1 << 14;

/// The digit set of a window of `width`: the digits `0..=width`.
fn window_kind(width: u64) -> Result<SetKind, Error> {
    match u32::try_from(width.saturating_add(1)) {
        Ok(base) if (2..=MAX_WINDOW_BASE).contains(&u64::from(base)) => {
            Ok(SetKind::Digits { base })
        }
        _ => Err(params_error("a window's width is 1 to 16383")),
    }
}

fn params_error(problem: &'static str) -> Error {
    Error::from(invalid("request", "predicates.params", problem))
}

impl PredicateParams {
    /// Parameters that prove `digits` digits against `set` (resolved: the set is attached).
    pub fn new(digits: u8, set: SignedSet) -> Self {
        Self {
            digits,
            digest: set_digest(&set),
            set: Some(set),
            scale: 1,
        }
    }

    /// Parameters named by digest only, as a request carries them; [`PredicateParams::resolve`]
    /// attaches the set.
    pub fn by_digest(digits: u8, digest: [u8; 32]) -> Self {
        Self {
            digits,
            digest,
            set: None,
            scale: 1,
        }
    }

    /// Fresh parameters for `what` over an attribute of type `ty`: a new parameter key
    /// signs the digits of the type's default span (or the set's elements) and is discarded.
    pub fn generate(
        what: &ParamsFor<'_>,
        ty: AttributeType,
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let (kind, digits) = what.set_kind(Span::default_for(ty))?;
        Ok(Self::new(digits, fresh_set(kind, rng)?))
    }

    /// Fresh parameters for the validity statements, at [`validity_span`] (2^16 signatures:
    /// about two seconds to make; `docs/benchmarks.md`).
    pub fn generate_validity(rng: &mut impl CryptoRng) -> Result<Self, Error> {
        Self::generate_span(validity_span(), rng)
    }

    /// Fresh parameters for validity statements in minutes, at [`MINUTE_VALIDITY_SPAN`]:
    /// for credentials whose validity is not on whole units.
    pub fn generate_validity_in_minutes(rng: &mut impl CryptoRng) -> Result<Self, Error> {
        Self::generate_span(MINUTE_VALIDITY_SPAN, rng)
    }

    fn generate_span(span: Span, rng: &mut impl CryptoRng) -> Result<Self, Error> {
        Ok(Self::new(
            span.digits,
            fresh_set(SetKind::Digits { base: span.base }, rng)?,
        ))
    }

    /// The statements' scale (1 unless set by [`PredicateParams::with_scale`]).
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// These parameters for statements that prove a difference in units of `scale` (the
    /// validity statements in hours or days).
    pub fn with_scale(mut self, scale: u32) -> Self {
        self.scale = scale;
        self
    }

    /// The signed set, once resolved; otherwise [`Error::UnknownParams`] naming its digest.
    pub fn set(&self) -> Result<&SignedSet, Error> {
        self.set.as_ref().ok_or_else(|| Error::UnknownParams {
            digest: hex(&self.digest),
        })
    }

    /// `true` once the set is attached.
    pub fn is_resolved(&self) -> bool {
        self.set.is_some()
    }

    /// Attaches `set`, which must be the one the digest names.
    pub fn resolve(&mut self, set: SignedSet) -> Result<(), Error> {
        if set_digest(&set) != self.digest {
            return Err(Error::UnknownParams {
                digest: hex(&self.digest),
            });
        }
        self.set = Some(set);
        Ok(())
    }

    /// The digit base of a range predicate (`None` for membership or before resolution).
    pub fn span(&self) -> Option<Span> {
        match self.set.as_ref()?.kind() {
            SetKind::Digits { base } => Some(Span {
                base: *base,
                digits: self.digits,
            }),
            SetKind::Elements(_) => None,
        }
    }

    /// The JSON form: `{"digits": k, "set": "<base64url SHA-256 of the set>"}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "digits": self.digits, "set": b64_encode(&self.digest) })
    }

    /// Reads the JSON form: exactly `digits` (1 to 8) and `set` (32 bytes).
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        let o = v.as_object().ok_or(params_error("must be an object"))?;
        if o.len() != 2 {
            return Err(params_error("have exactly the fields digits and set"));
        }
        let digits = o
            .get("digits")
            .and_then(Value::as_u64)
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| (1..=crate::zk::MAX_DIGITS as u8).contains(d))
            .ok_or(params_error("need digits between 1 and 8"))?;
        let digest = o
            .get("set")
            .and_then(Value::as_str)
            .and_then(|t| b64_decode(t).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or(params_error(
                "need set, the 32-byte digest of a parameter set in unpadded base64url",
            ))?;
        Ok(Self::by_digest(digits, digest))
    }

    /// Appends what the request digest covers: the digit count and the set's digest.
    pub(crate) fn write_canonical(&self, w: &mut ByteWriter) {
        w.u8(self.digits).raw(&self.digest);
    }
}

/// The digests of the sets whose signatures this process has checked (or a parameter store
/// had checked before), so that each is checked once.
fn checked() -> &'static std::sync::Mutex<std::collections::HashSet<[u8; 32]>> {
    static CHECKED: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<[u8; 32]>>> =
        std::sync::OnceLock::new();
    CHECKED.get_or_init(Default::default)
}

/// Remembers that the set named `digest` passed [`SignedSet::check`].
pub(crate) fn remember_checked(digest: [u8; 32]) {
    if let Ok(mut set) = checked().lock() {
        set.insert(digest);
    }
}

/// `true` when the set named `digest` passed [`SignedSet::check`] in this process.
pub(crate) fn was_checked(digest: &[u8; 32]) -> bool {
    checked()
        .lock()
        .map(|s| s.contains(digest))
        .unwrap_or(false)
}

/// Lower-case hexadecimal, as digests are shown and named in parameter stores.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical encoding of a signed set, which its digest and its file in a parameter
/// store are:
///
/// ```text
/// bytes("healthpass-set/1")
/// || "D" || varint(base)                            digits 0..base-1
///  | "E" || varint(n) || c_1 || ... || c_n          elements (32-byte big-endian scalars)
/// || X (96 bytes, compressed G2)
/// || A_1 || ... || A_n (48 bytes each, compressed G1, in element order)
/// ```
pub fn set_to_bytes(set: &SignedSet) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.bytes(SET_TAG);
    write_kind(&mut w, set.kind());
    w.raw(&set.public_key().to_compressed())
        .raw(&set.signatures_to_octets());
    w.buf
}

fn write_kind(w: &mut ByteWriter, kind: &SetKind) {
    match kind {
        SetKind::Digits { base } => {
            w.u8(b'D').varint(u64::from(*base));
        }
        SetKind::Elements(elements) => {
            w.u8(b'E').varint(elements.len() as u64);
            for e in elements {
                w.raw(&crate::bbs::octets::scalar_to_octets(e));
            }
        }
    }
}

/// The name of a signed set: SHA-256 of [`set_to_bytes`].
///
/// The digests of the last 16 sets are kept with a clone of each set, so that
/// naming a set again (each request a service resolves, each statement it attaches) costs a
/// pointer comparison ([`SignedSet::is_same_set`]) instead of encoding and hashing up to
/// 3 MB.
pub fn set_digest(set: &SignedSet) -> [u8; 32] {
    type Memo = Mutex<Vec<(SignedSet, [u8; 32])>>;
    static DIGESTS: LazyLock<Memo> = LazyLock::new(Default::default);
    let known = DIGESTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(s, _)| s.is_same_set(set))
        .map(|(_, d)| *d);
    if let Some(digest) = known {
        return digest;
    }
    let digest: [u8; 32] = Sha256::digest(set_to_bytes(set)).into();
    let mut memo = DIGESTS.lock().unwrap_or_else(PoisonError::into_inner);
    if memo.len() >= DIGESTS_KEPT {
        memo.remove(0);
    }
    memo.push((set.clone(), digest));
    digest
}

/// How many sets [`set_digest`] remembers the digest of.
const DIGESTS_KEPT: usize = 16;

/// Reads the kind of a set from the start of its encoding (the tag, then the kind), without
/// reading the points: what a store listing shows.
pub fn set_kind_from_bytes(bytes: &[u8]) -> Result<SetKind, Error> {
    read_kind(&mut ByteReader::new(bytes))
}

fn read_kind(r: &mut ByteReader<'_>) -> Result<SetKind, Error> {
    let bad = |problem| Error::from(invalid("parameter set", "encoding", problem));
    if r.bytes() != Some(SET_TAG) {
        return Err(bad("does not start with the tag healthpass-set/1"));
    }
    let max = crate::zk::MAX_SET_SIZE as u64;
    match r.u8() {
        Some(b'D') => {
            let base = r
                .varint()
                .filter(|b| (2..=u64::from(MAX_BASE)).contains(b))
                .ok_or(bad("has a digit base outside 2 to the largest base"))?;
            Ok(SetKind::Digits { base: base as u32 })
        }
        Some(b'E') => {
            let n = r
                .varint()
                .filter(|n| (1..=max).contains(n))
                .ok_or(bad("has an element count outside 1 to the largest set"))?;
            let elements = (0..n)
                .map(|_| {
                    r.raw(32)
                        .and_then(|b| crate::bbs::octets::octets_to_scalar(b).ok())
                        .ok_or(bad("has a truncated or non-canonical element"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SetKind::Elements(elements))
        }
        _ => Err(bad("has an unknown kind (expected D or E)")),
    }
}

/// Decodes a signed set from [`set_to_bytes`]: the exact length, every point subgroup
/// checked and not the identity, distinct canonical elements. The signatures are not
/// checked here ([`SignedSet::check`]).
pub fn set_from_bytes(bytes: &[u8]) -> Result<SignedSet, Error> {
    if bytes.len() > MAX_SET_BYTES {
        return Err(Error::from(invalid(
            "parameter set",
            "encoding",
            "is larger than the largest set",
        )));
    }
    let mut r = ByteReader::new(bytes);
    let kind = read_kind(&mut r)?;
    let key = r.raw(96);
    let signatures = r.raw(48 * kind.len());
    match (key, signatures, r.is_empty()) {
        (Some(key), Some(signatures), true) => {
            SignedSet::from_octets(kind, key, signatures).map_err(Error::Predicate)
        }
        _ => Err(Error::from(invalid(
            "parameter set",
            "encoding",
            "does not hold one key and one signature per element",
        ))),
    }
}

/// A long-lived parameter set (`healthpass params new`): one signed digit set per ordered
/// attribute type, at its default span, whose key was discarded after signing. A parameter
/// store keeps its sets ([`super::ParamStore::put`]), and requests name them by digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterSet {
    /// The digit sets, one per ordered type.
    pub sets: Vec<(AttributeType, PredicateParams)>,
}

/// The ordered types, each with its own digit set.
pub(crate) const ORDERED: [AttributeType; 3] = [
    AttributeType::Integer,
    AttributeType::Date,
    AttributeType::Instant,
];

impl ParameterSet {
    /// Makes fresh digit sets for every ordered type (the keys are discarded).
    pub fn generate(rng: &mut impl CryptoRng) -> Result<Self, Error> {
        let sets = ORDERED
            .iter()
            .map(|&ty| {
                let span = Span::default_for(ty).ok_or(params_error("unordered type"))?;
                let set = SignedSet::generate(&mut *rng, SetKind::Digits { base: span.base })
                    .map_err(Error::Predicate)?;
                Ok((ty, PredicateParams::new(span.digits, set)))
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self { sets })
    }

    /// The digit set for attributes of type `ty`.
    pub fn for_type(&self, ty: AttributeType) -> Option<&PredicateParams> {
        let ty = ty.bound_type();
        self.sets.iter().find(|(t, _)| *t == ty).map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_round_trip_and_their_digest_names_them() {
        let mut rng = rand::rng();
        let digits = SignedSet::generate(&mut rng, SetKind::Digits { base: 16 }).unwrap();
        let values = [AttributeValue::Code("EU/1/20/1528".into())];
        let (kind, _) = ParamsFor::Set(Cow::Borrowed(&values[..]))
            .set_kind(None)
            .unwrap();
        let elements = SignedSet::generate(&mut rng, kind).unwrap();
        for set in [digits, elements] {
            let bytes = set_to_bytes(&set);
            assert_eq!(set_from_bytes(&bytes).unwrap(), set);
            assert_eq!(set_kind_from_bytes(&bytes).unwrap(), *set.kind());
            assert_eq!(set_digest(&set), <[u8; 32]>::from(Sha256::digest(&bytes)));
            // Every truncation and any trailing byte is refused.
            for n in 0..bytes.len() {
                assert!(set_from_bytes(&bytes[..n]).is_err(), "{n}");
            }
            assert!(set_from_bytes(&[&bytes[..], &[0]].concat()).is_err());
            // A set named by another digest is not attached.
            let mut p = PredicateParams::by_digest(1, [7; 32]);
            assert!(matches!(p.set(), Err(Error::UnknownParams { .. })));
            assert!(p.resolve(set.clone()).is_err());
            let mut p = PredicateParams::by_digest(1, set_digest(&set));
            p.resolve(set).unwrap();
            assert!(p.is_resolved());
        }
    }

    #[test]
    fn remembered_digests_name_each_set_by_its_own_contents() {
        let mut rng = rand::rng();
        let kind = SetKind::Digits { base: 4 };
        let sets: Vec<SignedSet> = (0..DIGESTS_KEPT + 2)
            .map(|_| SignedSet::generate(&mut rng, kind.clone()).unwrap())
            .collect();
        let direct = |s: &SignedSet| <[u8; 32]>::from(Sha256::digest(set_to_bytes(s)));
        // Twice over, so the second pass reads what the first remembered (and evicted).
        for _ in 0..2 {
            for set in &sets {
                assert_eq!(set_digest(set), direct(set));
                assert_eq!(set_digest(&set.clone()), direct(set));
            }
        }
        // Same kind, another key: never taken for one another.
        assert_ne!(set_digest(&sets[0]), set_digest(&sets[1]));
        assert!(sets[0].is_same_set(&sets[0].clone()));
        assert!(!sets[0].is_same_set(&sets[1]));
        // An equal set decoded anew is another allocation, named by the same digest.
        let copy = set_from_bytes(&set_to_bytes(&sets[0])).unwrap();
        assert!(!copy.is_same_set(&sets[0]));
        assert_eq!(set_digest(&copy), set_digest(&sets[0]));
    }

    #[test]
    fn refuses_malformed_sets() {
        let mut w = ByteWriter::default();
        w.bytes(SET_TAG).u8(b'D').varint(u64::from(MAX_BASE) + 1);
        assert!(set_kind_from_bytes(&w.buf).is_err());
        let mut w = ByteWriter::default();
        w.bytes(b"healthpass-set/0").u8(b'D').varint(4);
        assert!(set_kind_from_bytes(&w.buf).is_err());
        let mut w = ByteWriter::default();
        w.bytes(SET_TAG).u8(b'X').varint(4);
        assert!(set_kind_from_bytes(&w.buf).is_err());
        assert!(set_from_bytes(&vec![0; MAX_SET_BYTES + 1]).is_err());
    }
}
