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

use rand_core::CryptoRng;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Error;
use crate::bbs::{Bls12381Sha256, Bls12381Shake256, Scalar};
use crate::credential::bytes::ByteWriter;
use crate::credential::json::{b64_decode, b64_encode, invalid};
use crate::credential::{self, AttributeType, AttributeValue};
use crate::zk::{SetKind, SignedSet};

/// The largest digit base a request may use: the largest default span's (instants, 1024).
/// Larger bases only make the holder's work and the request grow.
pub const MAX_BASE: u32 = 1024;

/// The most signatures the distinct parameter sets of one request may hold together: 17
/// sets of the largest default base (16 instant predicates with fresh parameters and the
/// validity statements' set). Decoding a signature (a subgroup-checked G1 point) is the
/// main cost of reading a request.
pub const MAX_REQUEST_SIGNATURES: usize = 17 * 1024;

/// The parameter sets decoded while reading one request, by the digest of their encoding,
/// so that a set repeated across predicates (a long-lived [`ParameterSet`], or a hostile
/// request repeating one set hundreds of times) is decoded and subgroup-checked once.
#[derive(Default)]
pub(crate) struct ParamsCache {
    decoded: HashMap<[u8; 32], PredicateParams>,
    /// How many sets were decoded (cache misses).
    pub(crate) decodes: usize,
    /// How many signatures those sets hold.
    signatures: usize,
}

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
                base: 256,
                digits: 2,
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

/// The span of the validity statements every presentation proves (`valid_from <= now`,
/// `valid_until >= now`): the instant base with the fewest digits that cover
/// [`credential::MAX_VALIDITY_MINUTES`], the longest validity issuance allows (3 digits of
/// base 1024 for ten years). The one place the validity span is chosen.
pub fn validity_span() -> Span {
    let base = Span::default_for(AttributeType::Instant).map_or(MAX_BASE, |s| s.base);
    let mut span = Span { base, digits: 1 };
    while span.max_difference() < credential::MAX_VALIDITY_MINUTES.unsigned_abs() {
        span.digits += 1;
    }
    span
}

/// The most elements a set predicate may have.
pub const MAX_SET_SIZE: usize = 64;

/// The public parameters of one predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateParams {
    /// The digit count (1 for set membership).
    pub digits: u8,
    /// The parameter key and its signatures.
    pub set: SignedSet,
}

/// The set elements of a membership predicate as signed scalars: each value encoded under
/// both ciphersuites (codes and strings hash differently in each), without repeats, so that
/// one parameter set serves credentials of either suite.
fn set_elements(values: &[AttributeValue]) -> Result<Vec<Scalar>, Error> {
    // Refuse oversized sets before the (quadratic) encoding and de-duplication below.
    if values.is_empty() || values.len() > MAX_SET_SIZE {
        return Err(params_error("belong to a set of 1 to 64 elements"));
    }
    let mut out: Vec<Scalar> = Vec::with_capacity(2 * values.len());
    for v in values {
        for s in [
            v.to_scalar::<Bls12381Sha256>(&credential::api_id::<Bls12381Sha256>()),
            v.to_scalar::<Bls12381Shake256>(&credential::api_id::<Bls12381Shake256>()),
        ] {
            let s = s.map_err(credential::Error::from)?;
            if !out.contains(&s) {
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
    },
    /// Membership of these values.
    Set(Cow<'a, [AttributeValue]>),
}

/// What parameters for `what` must sign, at `span` for a range.
fn set_kind(what: &ParamsFor<'_>, span: Option<Span>) -> Result<(SetKind, u8), Error> {
    match (what, span) {
        (ParamsFor::Set(values), _) => Ok((SetKind::Elements(set_elements(values)?), 1)),
        (ParamsFor::Range { .. }, Some(span)) => {
            Ok((SetKind::Digits { base: span.base }, span.digits))
        }
        (ParamsFor::Range { attribute }, None) => Err(Error::PredicateNeedsOrder {
            name: (*attribute).to_owned(),
            type_name: "this",
        }),
    }
}

fn params_error(problem: &'static str) -> Error {
    Error::from(invalid("request", "predicates.params", problem))
}

impl PredicateParams {
    /// Fresh parameters for `what` over an attribute of type `ty`: a new parameter key
    /// signs the digits of the type's default span (or the set's elements) and is discarded.
    pub fn generate(
        what: &ParamsFor<'_>,
        ty: AttributeType,
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let (kind, digits) = set_kind(what, Span::default_for(ty))?;
        Ok(Self {
            digits,
            set: SignedSet::generate(rng, kind).map_err(Error::Predicate)?,
        })
    }

    /// Fresh parameters for the validity statements, at [`validity_span`].
    pub fn generate_validity(rng: &mut impl CryptoRng) -> Result<Self, Error> {
        let span = validity_span();
        Ok(Self {
            digits: span.digits,
            set: SignedSet::generate(rng, SetKind::Digits { base: span.base })
                .map_err(Error::Predicate)?,
        })
    }

    /// The digit base of a range predicate (`None` for membership).
    pub fn span(&self) -> Option<Span> {
        match self.set.kind() {
            SetKind::Digits { base } => Some(Span {
                base: *base,
                digits: self.digits,
            }),
            SetKind::Elements(_) => None,
        }
    }

    /// The JSON form: `{"base": u, "digits": k, "key": X, "signatures": A_0 || A_1 || ...}`
    /// (`base` is absent for sets, whose elements follow from the predicate's values).
    pub fn to_json(&self) -> Value {
        let mut o = serde_json::Map::new();
        if let SetKind::Digits { base } = self.set.kind() {
            o.insert("base".into(), Value::from(*base));
        }
        o.insert("digits".into(), Value::from(self.digits));
        o.insert(
            "key".into(),
            Value::from(b64_encode(&self.set.public_key().to_compressed())),
        );
        o.insert(
            "signatures".into(),
            Value::from(b64_encode(&self.set.signatures_to_octets())),
        );
        Value::Object(o)
    }

    /// Reads the JSON form of parameters for `what` and checks its shape (not its signatures: the
    /// holder runs [`SignedSet::check`] before proving). The base is at most [`MAX_BASE`],
    /// the digits at most 8.
    pub fn from_json(what: &ParamsFor<'_>, v: &Value) -> Result<Self, Error> {
        Self::from_json_cached(what, v, &mut ParamsCache::default())
    }

    /// [`PredicateParams::from_json`], decoding the points of each distinct set once.
    pub(crate) fn from_json_cached(
        what: &ParamsFor<'_>,
        v: &Value,
        cache: &mut ParamsCache,
    ) -> Result<Self, Error> {
        let o = v.as_object().ok_or(params_error("must be an object"))?;
        let digits = o
            .get("digits")
            .and_then(Value::as_u64)
            .and_then(|d| u8::try_from(d).ok())
            .filter(|d| (1..=crate::zk::MAX_DIGITS as u8).contains(d))
            .ok_or(params_error("need digits between 1 and 8"))?;
        let base = o.get("base").map(|b| {
            b.as_u64()
                .and_then(|b| u32::try_from(b).ok())
                .filter(|b| *b <= MAX_BASE)
                .ok_or(params_error("base must be an integer of at most 1024"))
        });
        let expected_fields = 3 + usize::from(base.is_some());
        if o.len() != expected_fields {
            return Err(params_error(
                "have only the fields base, digits, key, signatures",
            ));
        }
        let span = match base {
            Some(b) => Some(Span { base: b?, digits }),
            None => None,
        };
        if let Some(span) = span {
            if (f64::from(span.base)).log2() * f64::from(span.digits) > 62.0 {
                return Err(params_error("base^digits must stay below 2^62"));
            }
        }
        let (kind, expected_digits) = match (what, span) {
            (ParamsFor::Set(_), Some(_)) => return Err(params_error("a set takes no base")),
            (ParamsFor::Set(_), None) => set_kind(what, None)?,
            (ParamsFor::Range { .. }, None) => return Err(params_error("a range needs a base")),
            (ParamsFor::Range { .. }, Some(span)) => set_kind(what, Some(span))?,
        };
        if expected_digits != digits {
            return Err(params_error("a set has one digit"));
        }
        let text = |name: &'static str| -> Result<&str, Error> {
            o.get(name)
                .and_then(Value::as_str)
                .ok_or(params_error("need key and signatures"))
        };
        let (key, signatures) = (text("key")?, text("signatures")?);
        // What identifies the set: its kind (base or elements), digits, key and signatures.
        let mut w = ByteWriter::default();
        w.u8(digits);
        match &kind {
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
        w.bytes(key.as_bytes()).bytes(signatures.as_bytes());
        let id: [u8; 32] = Sha256::digest(&w.buf).into();
        if let Some(known) = cache.decoded.get(&id) {
            return Ok(known.clone());
        }
        cache.signatures += kind.len();
        if cache.signatures > MAX_REQUEST_SIGNATURES {
            return Err(params_error(
                "hold more than 17408 distinct signatures in one request",
            ));
        }
        let decode =
            |t: &str| b64_decode(t).map_err(|_| params_error("key and signatures are base64url"));
        let set = SignedSet::from_octets(kind, &decode(key)?, &decode(signatures)?)
            .map_err(Error::Predicate)?;
        let params = Self { digits, set };
        cache.decodes += 1;
        cache.decoded.insert(id, params.clone());
        Ok(params)
    }

    /// Appends what the request digest covers: the digit count, the base, the key and the
    /// signatures.
    pub(crate) fn write_canonical(&self, w: &mut ByteWriter) {
        w.u8(self.digits);
        w.varint(self.span().map_or(0, |s| u64::from(s.base)));
        w.raw(&self.set.public_key().to_compressed());
        w.bytes(&self.set.signatures_to_octets());
    }
}

/// The `format` tag of a parameter-set file.
pub const PARAMETER_SET_FORMAT: &str = "healthpass-params/1";

/// A long-lived parameter set (`healthpass params new`): one signed digit set per ordered
/// attribute type, at its default span, whose key was discarded after signing. Requests
/// made with `request --params FILE` reuse it for their range predicates instead of making
/// fresh ones; set predicates always get fresh parameters (their elements vary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterSet {
    /// The digit sets, one per ordered type.
    pub sets: Vec<(AttributeType, PredicateParams)>,
}

const ORDERED: [AttributeType; 3] = [
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
                Ok((
                    ty,
                    PredicateParams {
                        digits: span.digits,
                        set,
                    },
                ))
            })
            .collect::<Result<_, Error>>()?;
        Ok(Self { sets })
    }

    /// Parameters for the validity statements: the instant digit set, with
    /// [`validity_span`]'s digits.
    pub fn validity(&self) -> Option<PredicateParams> {
        let span = validity_span();
        self.for_type(AttributeType::Instant)
            .filter(|p| p.span().map(|s| s.base) == Some(span.base))
            .map(|p| PredicateParams {
                digits: span.digits,
                set: p.set.clone(),
            })
    }

    /// The digit set for attributes of type `ty`.
    pub fn for_type(&self, ty: AttributeType) -> Option<&PredicateParams> {
        let ty = ty.bound_type();
        self.sets.iter().find(|(t, _)| *t == ty).map(|(_, p)| p)
    }

    /// The JSON file: `{"format": "healthpass-params/1", "integer": {...}, "date": {...},
    /// "instant": {...}}`, each entry as [`PredicateParams::to_json`].
    pub fn to_json(&self) -> String {
        let mut o = serde_json::Map::new();
        o.insert("format".into(), Value::from(PARAMETER_SET_FORMAT));
        for (ty, p) in &self.sets {
            o.insert(ty.name().into(), p.to_json());
        }
        crate::credential::json::pretty(&Value::Object(o))
    }

    /// Reads the JSON file and checks every set's shape and signatures (`rng` draws the
    /// batching weights of the check).
    pub fn from_json(text: &str, rng: &mut impl CryptoRng) -> Result<Self, Error> {
        const WHAT: &str = "parameter set";
        let v: Value = crate::credential::json::parse(WHAT, text)?;
        let o = v
            .as_object()
            .ok_or(invalid(WHAT, "format", "the file must hold a JSON object"))?;
        crate::credential::json::check_format(
            WHAT,
            PARAMETER_SET_FORMAT,
            o.get("format").and_then(Value::as_str).unwrap_or(""),
        )?;
        if o.len() != 1 + ORDERED.len() {
            return Err(invalid(
                WHAT,
                "format",
                "has exactly the fields format, integer, date, instant",
            )
            .into());
        }
        let mut sets = Vec::with_capacity(ORDERED.len());
        for ty in ORDERED {
            let entry = o.get(ty.name()).ok_or(invalid(
                WHAT,
                "format",
                "needs integer, date and instant",
            ))?;
            let params = PredicateParams::from_json(
                &ParamsFor::Range {
                    attribute: ty.name(),
                },
                entry,
            )?;
            if params.span() != Span::default_for(ty) {
                return Err(
                    invalid(WHAT, "format", "holds a span other than the type's default").into(),
                );
            }
            params
                .set
                .check(&mut *rng)
                .map_err(|_| Error::PredicateParamsRejected {
                    predicate: format!("{} ranges", ty.name()),
                })?;
            sets.push((ty, params));
        }
        Ok(Self { sets })
    }
}
