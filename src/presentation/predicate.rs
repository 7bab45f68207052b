//! Statements a policy or request asks a holder to prove: comparisons with a bound or
//! between two attributes, two-sided ranges, set membership and its complement, equality
//! and inequality. This module parses and checks them, carries them in requests, evaluates
//! them in the clear, and turns them into the `zk` atoms that prove them (`atoms`; the
//! formula a presented credential proves is built in `presentation::formula`).
//!
//! Syntax (`request --prove`, policy files): `ATTRIBUTE OP BOUND` with `OP` one of `>=`,
//! `>`, `<=`, `<`, `=`, `!=`; `ATTRIBUTE OP ATTRIBUTE` (two attributes of one credential);
//! `ATTRIBUTE in LOW..HIGH` (both ends included); `ATTRIBUTE in {A,B,...}`;
//! `ATTRIBUTE not in {A,B,...}` (codes with a value set). A bound of a date may be `today`
//! with an optional offset in days or years (`today-18y`, `today-14d`), a bound of an
//! instant `now` with an offset in hours, days or years (`now-72h`); they are resolved to
//! absolute values, in UTC, when the request is made. An offset is one sign and 1 to 6
//! digits; an instant bound is rounded to the minute in the direction that keeps the
//! statement exact.

use core::fmt;
use std::borrow::Cow;

use serde_json::Value;

use super::attribute::check_attribute;
use super::params::{ParamsFor, PredicateParams, Span, MAX_SET_SIZE};
use super::Error;
use crate::bbs::{Ciphersuite, Scalar};
use crate::credential;
use crate::credential::bytes::ByteWriter;
use crate::credential::{calendar, AttributeType, AttributeValue, Schema, HOLDER_SECRET};
use crate::zk::{EqualityStatement, Formula, PredicateStatement};

/// A comparison between two attributes of one credential (`dose_number >= total_doses`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Comparison {
    /// `>=`.
    AtLeast,
    /// `>`.
    Greater,
    /// `<=`.
    AtMost,
    /// `<`.
    Less,
    /// `=`.
    Equal,
    /// `!=`.
    NotEqual,
}

impl Comparison {
    const ALL: [Comparison; 6] = [
        Comparison::AtLeast,
        Comparison::Greater,
        Comparison::AtMost,
        Comparison::Less,
        Comparison::Equal,
        Comparison::NotEqual,
    ];

    /// The operator as written: `>=`, `>`, `<=`, `<`, `=`, `!=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::Greater => ">",
            Comparison::AtMost => "<=",
            Comparison::Less => "<",
            Comparison::Equal => "=",
            Comparison::NotEqual => "!=",
        }
    }

    fn from_symbol(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.symbol() == s)
    }

    /// `a OP b` on two integers.
    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            Comparison::AtLeast => a >= b,
            Comparison::Greater => a > b,
            Comparison::AtMost => a <= b,
            Comparison::Less => a < b,
            Comparison::Equal => a == b,
            Comparison::NotEqual => a != b,
        }
    }

    /// In words, on a timeline or on numbers.
    fn words(self, timeline: bool) -> &'static str {
        match (self, timeline) {
            (Comparison::AtLeast, true) => "on or after",
            (Comparison::Greater, true) => "after",
            (Comparison::AtMost, true) => "on or before",
            (Comparison::Less, true) => "before",
            (Comparison::AtLeast, false) => "at least",
            (Comparison::Greater, false) => "more than",
            (Comparison::AtMost, false) => "at most",
            (Comparison::Less, false) => "less than",
            (Comparison::Equal, _) => "equal to",
            (Comparison::NotEqual, _) => "not equal to",
        }
    }
}

/// What a predicate asserts about an attribute's value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// `value >= bound`.
    AtLeast(AttributeValue),
    /// `value > bound`.
    Greater(AttributeValue),
    /// `value <= bound`.
    AtMost(AttributeValue),
    /// `value < bound`.
    Less(AttributeValue),
    /// `low <= value <= high`.
    Between(AttributeValue, AttributeValue),
    /// `value` is one of the set's elements.
    OneOf(Vec<AttributeValue>),
    /// `value = v`.
    Equal(AttributeValue),
    /// `value != v`.
    NotEqual(AttributeValue),
    /// `value` is none of the listed codes: it is one of the rest of the attribute's value
    /// set (or the empty "not applicable" code).
    NoneOf(Vec<AttributeValue>),
    /// `value OP` the value of another attribute of the same credential.
    Attribute(Comparison, String),
}

impl Condition {
    /// The operator's name in JSON (`>=`, `>`, `<=`, `<`, `range`, `in`, `=`, `!=`,
    /// `not in`; a comparison between attributes has its comparison's symbol).
    pub fn op(&self) -> &'static str {
        match self {
            Condition::AtLeast(_) => ">=",
            Condition::Greater(_) => ">",
            Condition::AtMost(_) => "<=",
            Condition::Less(_) => "<",
            Condition::Between(..) => "range",
            Condition::OneOf(_) => "in",
            Condition::Equal(_) => "=",
            Condition::NotEqual(_) => "!=",
            Condition::NoneOf(_) => "not in",
            Condition::Attribute(c, _) => c.symbol(),
        }
    }

    /// The operator's code in the request digest and the compact request: 1 and up in the
    /// order of [`Condition::OPS`], `16 + comparison` between attributes.
    pub(crate) fn code(&self) -> u8 {
        match self {
            Condition::Attribute(c, _) => 16 + *c as u8,
            other => Self::OPS
                .iter()
                .position(|op| *op == other.op())
                .map_or(0, |i| i as u8 + 1),
        }
    }

    /// The operators of conditions on values, in the order of their codes.
    const OPS: [&'static str; 9] = [">=", ">", "<=", "<", "range", "in", "=", "!=", "not in"];

    /// `true` for the codes of comparisons between attributes (16 and up).
    pub(crate) fn is_attribute_code(code: u8) -> bool {
        usize::from(code.wrapping_sub(16)) < Comparison::ALL.len()
    }

    /// The condition with operator code `code` ([`Condition::code`]) over `values`, or for a
    /// comparison between attributes over the `other` attribute; `None` for an unknown code
    /// or the wrong number of values.
    pub(crate) fn from_code(
        code: u8,
        values: Vec<AttributeValue>,
        other: Option<String>,
    ) -> Option<Self> {
        if Self::is_attribute_code(code) {
            let cmp = Comparison::ALL[usize::from(code - 16)];
            return (values.is_empty()).then_some(Condition::Attribute(cmp, other?));
        }
        let op = Self::OPS.get(usize::from(code).checked_sub(1)?)?;
        other.is_none().then_some(())?;
        Self::from_op(op, values)
    }

    /// The bounds or elements, in order (none for a comparison between attributes).
    pub fn values(&self) -> Vec<&AttributeValue> {
        match self {
            Condition::AtLeast(v)
            | Condition::Greater(v)
            | Condition::AtMost(v)
            | Condition::Less(v)
            | Condition::Equal(v)
            | Condition::NotEqual(v) => {
                vec![v]
            }
            Condition::Between(lo, hi) => vec![lo, hi],
            Condition::OneOf(set) | Condition::NoneOf(set) => set.iter().collect(),
            Condition::Attribute(..) => vec![],
        }
    }

    fn from_op(op: &str, mut values: Vec<AttributeValue>) -> Option<Self> {
        let single =
            |values: &mut Vec<AttributeValue>| (values.len() == 1).then(|| values.remove(0));
        Some(match op {
            ">=" => Condition::AtLeast(single(&mut values)?),
            ">" => Condition::Greater(single(&mut values)?),
            "<=" => Condition::AtMost(single(&mut values)?),
            "<" => Condition::Less(single(&mut values)?),
            "=" => Condition::Equal(single(&mut values)?),
            "!=" => Condition::NotEqual(single(&mut values)?),
            "range" if values.len() == 2 => {
                let hi = values.pop()?;
                Condition::Between(values.pop()?, hi)
            }
            "in" => Condition::OneOf(values),
            "not in" => Condition::NoneOf(values),
            _ => return None,
        })
    }
}

/// A predicate over one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predicate {
    /// The attribute it constrains.
    pub attribute: String,
    /// What it asserts.
    pub condition: Condition,
    /// The public parameters of its proof; every predicate of a request has them (the
    /// verifier makes them with the request), a freshly parsed one does not yet.
    pub params: Option<PredicateParams>,
}

fn syntax(text: &str, problem: &'static str) -> Error {
    Error::PredicateSyntax {
        text: text.to_owned(),
        problem,
    }
}

/// How a bound written to the second becomes a whole minute (instants are signed as whole
/// minutes, a minute `m` standing for the second `60 m`). Each statement over seconds has
/// exactly one equivalent over minutes, so a bound never accepts what its statement
/// excludes (nor refuses what it includes): `60 m >= t` is `m >= ceil(t / 60)`, `60 m > t`
/// is `m > floor(t / 60)`, `60 m <= t` is `m <= floor(t / 60)`, `60 m < t` is
/// `m < ceil(t / 60)`, and `60 m = t` needs `t` to be a whole minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rounding {
    /// Towards the future (`>=`, `<`, a range's low end).
    Up,
    /// Towards the past (`>`, `<=`, a range's high end).
    Down,
    /// A set element: a whole minute or nothing.
    Exact,
}

impl Rounding {
    /// The rounding that keeps the statement `value OP bound` exact.
    fn for_op(op: &str) -> Self {
        match op {
            ">=" | "<" => Rounding::Up,
            "=" | "!=" => Rounding::Exact,
            _ => Rounding::Down,
        }
    }
}

/// An offset after `today` or `now`: a sign, 1 to 6 ASCII digits and a one-letter unit
/// from `units` (`-18y`, `+14d`, `-72h`); nothing at all is no offset. Returns the signed
/// amount and the unit.
fn parse_offset(rest: &str, units: &[u8], whole: &str) -> Result<(i64, u8), Error> {
    let b = rest.as_bytes();
    if b.is_empty() {
        return Ok((0, units[0]));
    }
    let bad = || {
        syntax(
            whole,
            "an offset is a sign, 1 to 6 digits and a unit, like -18y, -14d or -72h",
        )
    };
    let negative = match b[0] {
        b'-' => true,
        b'+' => false,
        _ => return Err(bad()),
    };
    let (digits, unit) = match b[1..].split_last() {
        Some((unit, digits)) if (1..=6).contains(&digits.len()) => (digits, *unit),
        _ => return Err(bad()),
    };
    if !digits.iter().all(u8::is_ascii_digit) || !unit.is_ascii_alphabetic() {
        return Err(bad());
    }
    if !units.contains(&unit) {
        return Err(syntax(
            whole,
            if units.contains(&b'h') {
                "`now` takes offsets in hours (h), days (d) or years (y)"
            } else {
                "`today` takes offsets in days (d) or years (y)"
            },
        ));
    }
    let n = digits
        .iter()
        .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0'));
    Ok((if negative { -n } else { n }, unit))
}

/// Reads a bound or element of type `ty`: a literal in the attribute's JSON text form, or
/// for dates `today[±N(d|y)]` and for instants `now[±N(h|d|y)]`, resolved at `now`
/// (seconds since the Unix epoch). An instant bound is computed to the second, then made
/// a whole minute by `rounding`. All arithmetic is checked: a bound outside years 0000 to
/// 9999 is an error.
fn parse_value(
    ty: AttributeType,
    s: &str,
    now: i64,
    whole: &str,
    rounding: Rounding,
) -> Result<AttributeValue, Error> {
    let out_of_range = || syntax(whole, "the bound falls outside years 0000 to 9999");
    // `""` is the empty string or code ("not applicable"), which the bare form cannot write.
    let s = match ty {
        AttributeType::String | AttributeType::Code(_) if s == "\"\"" => "",
        _ => s,
    };
    match ty {
        AttributeType::Date => {
            if let Some(rest) = s.strip_prefix("today") {
                let today = now.div_euclid(86_400);
                let day = match parse_offset(rest, b"dy", whole)? {
                    (n, b'd') => today.checked_add(n),
                    (n, _) => calendar::add_years(today, n),
                };
                let day = day.filter(|d| calendar::format_date(*d).is_some());
                return day.map(AttributeValue::Date).ok_or_else(out_of_range);
            }
        }
        AttributeType::Instant => {
            let seconds = if let Some(rest) = s.strip_prefix("now") {
                match parse_offset(rest, b"hdy", whole)? {
                    (n, b'h') => now.checked_add(n * 3600),
                    (n, b'd') => now.checked_add(n * 86_400),
                    (n, _) => calendar::add_years(now.div_euclid(86_400), n)
                        .and_then(|d| d.checked_mul(86_400))
                        .and_then(|d| d.checked_add(now.rem_euclid(86_400))),
                }
                .ok_or_else(out_of_range)?
            } else if s.as_bytes().get(19) == Some(&b'.') {
                return Err(syntax(
                    whole,
                    "an instant bound is given to the second, without a fraction",
                ));
            } else if let Some(t) = calendar::parse_rfc3339_seconds(s) {
                t
            } else {
                return AttributeValue::from_json(ty, &Value::from(s)).map_err(|source| {
                    Error::InvalidValue {
                        name: whole.to_owned(),
                        source,
                    }
                });
            };
            let (minute, rest) = (seconds.div_euclid(60), seconds.rem_euclid(60));
            let minute = match rounding {
                Rounding::Up if rest != 0 => minute + 1,
                Rounding::Exact if rest != 0 => {
                    return Err(syntax(
                        whole,
                        "an instant in a set or an (in)equality must be a whole minute (instants are signed to the minute)",
                    ))
                }
                _ => minute,
            };
            return Some(minute)
                .filter(|m| calendar::format_instant(*m).is_some())
                .map(AttributeValue::Instant)
                .ok_or_else(out_of_range);
        }
        _ => {}
    }
    let json = match ty {
        AttributeType::Integer => s.parse::<i64>().map(Value::from).unwrap_or(Value::from(s)),
        AttributeType::Boolean => s.parse::<bool>().map(Value::from).unwrap_or(Value::from(s)),
        _ => Value::from(s),
    };
    AttributeValue::from_json(ty, &json).map_err(|source| Error::InvalidValue {
        name: whole.to_owned(),
        source,
    })
}

impl Predicate {
    /// Parses a predicate in the command-line syntax against `schema`, resolving `today` and
    /// `now` at `now` (seconds since the Unix epoch, UTC). Instant bounds are rounded to the
    /// minute so that the statement over minutes is the one written over seconds (`>=` and
    /// `<` round up, `>` and `<=` round down, a range inwards; set elements must be whole
    /// minutes); offsets are unsigned digits after one sign.
    pub fn parse(schema: &Schema, text: &str, now: i64) -> Result<Self, Error> {
        let t = text.trim();
        let (name, op, rhs) = if let Some(i) = t.find(" not in ") {
            (&t[..i], "not in", t[i + 8..].trim())
        } else if let Some(i) = t.find(" in ") {
            (&t[..i], "in", t[i + 4..].trim())
        } else {
            let i = t.find(['<', '>', '=', '!']).ok_or_else(|| {
                syntax(
                    text,
                    "expected ATTRIBUTE OP BOUND (OP one of >=, >, <=, <, =, !=), ATTRIBUTE OP ATTRIBUTE, or ATTRIBUTE [not] in {A,B} / in LOW..HIGH",
                )
            })?;
            let op = match (t.as_bytes()[i], t.as_bytes().get(i + 1)) {
                (b'=', Some(b'=')) => return Err(syntax(text, "equality is `=`, not `==`")),
                (b'!', Some(b'=')) | (b'<' | b'>', Some(b'=')) => &t[i..i + 2],
                (b'!', _) => return Err(syntax(text, "`!` is only part of `!=`")),
                _ => &t[i..i + 1],
            };
            (&t[..i], op, t[i + op.len()..].trim())
        };
        let name = name.trim();
        let index = check_attribute(schema, name)?;
        if name == HOLDER_SECRET {
            return Err(Error::PredicateOnHolderSecret);
        }
        let ty = schema.attributes[index].ty.bound_type();
        let value = |s: &str, rounding| parse_value(ty, s.trim(), now, text, rounding);
        let set = |rhs: &str| -> Result<Vec<AttributeValue>, Error> {
            let inner = rhs
                .strip_prefix('{')
                .and_then(|r| r.strip_suffix('}'))
                .ok_or_else(|| syntax(text, "after `not in` comes {A,B,...}"))?;
            inner
                .split(',')
                .map(|e| value(e, Rounding::Exact))
                .collect()
        };
        let condition = match op {
            "in" => {
                if rhs.starts_with('{') {
                    Condition::OneOf(set(rhs)?)
                } else if let Some((lo, hi)) = rhs.split_once("..") {
                    Condition::Between(value(lo, Rounding::Up)?, value(hi, Rounding::Down)?)
                } else {
                    return Err(syntax(text, "after `in` comes {A,B,...} or LOW..HIGH"));
                }
            }
            "not in" => Condition::NoneOf(set(rhs)?),
            // The right-hand side names another attribute of the schema: a comparison
            // between the two (attribute names never parse as values of ordered types).
            other if schema.attribute(rhs).is_some() => Condition::Attribute(
                Comparison::from_symbol(other).ok_or_else(|| syntax(text, "unknown operator"))?,
                rhs.to_owned(),
            ),
            other => Condition::from_op(other, vec![value(rhs, Rounding::for_op(other))?])
                .ok_or_else(|| syntax(text, "unknown operator"))?,
        };
        let p = Predicate {
            attribute: name.to_owned(),
            condition,
            params: None,
        };
        p.check(schema)?;
        Ok(p)
    }

    /// The width `HIGH - LOW` of a range `LOW..HIGH` that one digit proves: a range over an
    /// attribute signed as one message (not a partial date, whose ends are two messages),
    /// `LOW < HIGH`, and at most [`MAX_WINDOW_BASE`](super::params::MAX_WINDOW_BASE) digits.
    /// A verifier makes its parameters sign the digits `0..=HIGH-LOW`; the one statement
    /// `m - LOW` in that set then proves both bounds (`docs/notes/predicates.md`,
    /// "Windows"). `None` for every other predicate.
    pub fn window(&self, schema: &Schema) -> Result<Option<u64>, Error> {
        let index = check_attribute(schema, &self.attribute)?;
        let Condition::Between(lo, hi) = &self.condition else {
            return Ok(None);
        };
        if schema.companion_index(index).is_some() {
            return Ok(None);
        }
        Ok(match (lo.as_integer(), hi.as_integer()) {
            (Some(lo), Some(hi)) if lo < hi => hi
                .checked_sub(lo)
                .and_then(|w| u64::try_from(w).ok())
                .filter(|w| *w < super::params::MAX_WINDOW_BASE),
            _ => None,
        })
    }

    /// `true` when this predicate is proven as one window statement with `params`: it is a
    /// [`window`](Self::window) and the parameters' digits cover exactly `HIGH - LOW`. The
    /// holder and the verifier both decide the statement's shape with it, from the request.
    pub(crate) fn proven_as_window(
        &self,
        schema: &Schema,
        params: &PredicateParams,
    ) -> Result<bool, Error> {
        Ok(match (self.window(schema)?, params.span()) {
            (Some(width), Some(span)) => span.max_difference() == width,
            _ => false,
        })
    }

    /// What this predicate's parameters sign: the elements of its set (`in`, and `not in` on
    /// a code: the rest of the value set), or digits (comparisons, ranges, `=` on a partial
    /// date, ordered comparisons between attributes). `None` for the statements proven
    /// without parameters: `=` and `!=` (an equality, or a hiding inequality proof, over the
    /// attribute or the difference of two; `zk::formula`).
    pub fn params_for(&self, schema: &Schema) -> Result<Option<ParamsFor<'_>>, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        let range = ParamsFor::Range {
            attribute: &self.attribute,
            window: self.window(schema)?,
        };
        Ok(match &self.condition {
            Condition::OneOf(values) => Some(ParamsFor::Set(Cow::Borrowed(values))),
            Condition::Equal(_) if ty == AttributeType::PartialDate => Some(range),
            Condition::Equal(_) | Condition::NotEqual(_) => None,
            Condition::NoneOf(values) => {
                Some(ParamsFor::Set(Cow::Owned(self.complement(ty, values)?)))
            }
            Condition::Attribute(Comparison::Equal | Comparison::NotEqual, _) => None,
            _ => Some(range),
        })
    }

    /// The codes of `ty`'s value set other than `excluded`, with the empty "not applicable"
    /// code: the set a listed code is in exactly when it is none of `excluded`. A code
    /// outside the value set (signed only by an issuer allowing it:
    /// `IssuerKey::set_allow_unlisted_codes`) proves neither `in` nor `not in` this way;
    /// `!=` proves it for any code (the CertLogic compiler writes negated membership so).
    fn complement(
        &self,
        ty: AttributeType,
        excluded: &[AttributeValue],
    ) -> Result<Vec<AttributeValue>, Error> {
        let AttributeType::Code(set) = ty else {
            return Err(syntax(
                &self.to_string(),
                "`!=` and `not in` on a code need an attribute with a value set",
            ));
        };
        let rest: Vec<AttributeValue> = core::iter::once("")
            .chain(set.codes())
            .map(|c| AttributeValue::Code(c.to_owned()))
            .filter(|c| !excluded.contains(c))
            .collect();
        if rest.len() > MAX_SET_SIZE {
            return Err(syntax(
                &self.to_string(),
                "the value set has more than 256 other codes, more than a set proof takes: list the accepted codes with `in {...}`",
            ));
        }
        Ok(rest)
    }

    /// Attaches fresh parameters (a new key, signatures, the key discarded), as a verifier
    /// does when it makes a request.
    pub fn with_fresh_params(
        mut self,
        schema: &Schema,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        self.params = match self.params_for(schema)? {
            Some(what) => Some(PredicateParams::generate(&what, ty, rng)?),
            None => None,
        };
        Ok(self)
    }

    /// Attaches parameters from a long-lived [`ParameterSet`](super::ParameterSet) for a
    /// range or comparison (set predicates and [windows](Self::window) still get fresh
    /// parameters: their elements or width vary from request to request).
    pub fn with_params_from(
        mut self,
        schema: &Schema,
        set: &super::params::ParameterSet,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        match self.params_for(schema)? {
            Some(
                ParamsFor::Set(_)
                | ParamsFor::Range {
                    window: Some(_), ..
                },
            ) => return self.with_fresh_params(schema, rng),
            None => {
                self.params = None;
                return Ok(self);
            }
            Some(ParamsFor::Range { .. }) => {}
        }
        self.params = Some(
            set.for_type(ty)
                .cloned()
                .ok_or(Error::PredicateNeedsOrder {
                    name: self.attribute.clone(),
                    type_name: ty.name(),
                })?,
        );
        Ok(self)
    }

    /// Attaches parameters from the verifier's parameter store: a set of the kind this
    /// predicate needs (the type's default digits, or its `in {..}` elements) when the store
    /// has one, otherwise a fresh one, added to the store.
    pub fn with_params_in(
        mut self,
        schema: &Schema,
        store: &super::ParamStore,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        self.params = match self.set_kind(schema)? {
            Some((kind, digits)) => Some(PredicateParams::new(digits, store.obtain(kind, rng)?)),
            None => None,
        };
        Ok(self)
    }

    /// The predicate's parameters, or the error a request without them deserves.
    pub fn params(&self) -> Result<&PredicateParams, Error> {
        self.params.as_ref().ok_or_else(|| {
            Error::from(crate::credential::json::invalid(
                "request",
                "predicates",
                "a predicate has no parameters (requests carry them)",
            ))
        })
    }

    /// Attaches the signed set that the predicate's parameters name, after checking that it
    /// is what this predicate needs: the set the digest names, the elements of its `in {..}`
    /// set (encoded as [`ParamsFor::Set`] signs them), or digits for a comparison or range.
    /// A set that is not is [`Error::PredicateParamsRejected`] (the holder never proves
    /// against it).
    pub fn resolve(&mut self, set: crate::zk::SignedSet, schema: &Schema) -> Result<(), Error> {
        self.accepts_set(&set, schema)?;
        let params = self.params.as_mut().ok_or(Error::PredicateParamsRejected {
            predicate: String::new(),
        })?;
        params.resolve(set)
    }

    /// Checks that `set` is what this predicate needs: its `in {..}` set's elements (as
    /// [`ParamsFor::Set`] signs them), or digits for a comparison or range.
    pub(crate) fn accepts_set(
        &self,
        set: &crate::zk::SignedSet,
        schema: &Schema,
    ) -> Result<(), Error> {
        let fits = match self.params_for(schema)? {
            Some(what @ ParamsFor::Set(_)) => *set.kind() == what.set_kind(None)?.0,
            Some(ParamsFor::Range { .. }) => {
                matches!(set.kind(), crate::zk::SetKind::Digits { .. })
            }
            None => false,
        };
        if fits {
            Ok(())
        } else {
            Err(Error::PredicateParamsRejected {
                predicate: self.to_string(),
            })
        }
    }

    /// The signed set a request would name for this predicate over an attribute of
    /// `schema`: digits of the attribute type's default span, or the set's elements (`None`
    /// for a statement proven without parameters).
    pub fn set_kind(&self, schema: &Schema) -> Result<Option<(crate::zk::SetKind, u8)>, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        self.params_for(schema)?
            .map(|what| what.set_kind(Span::default_for(ty)))
            .transpose()
    }

    /// The attributes the predicate reads: its own, and the other one of a comparison
    /// between attributes.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        let other = match &self.condition {
            Condition::Attribute(_, other) => Some(other.as_str()),
            _ => None,
        };
        core::iter::once(self.attribute.as_str()).chain(other)
    }

    /// Checks the predicate against `schema`: known attributes other than the holder secret,
    /// values of the attribute's type, comparisons and ranges only over integers, dates and
    /// instants, `low <= high`, sets of 1 to [`MAX_SET_SIZE`] distinct elements, `not in` only on codes
    /// with a value set, comparisons between two distinct attributes of one ordered type.
    pub fn check(&self, schema: &Schema) -> Result<(), Error> {
        let index = check_attribute(schema, &self.attribute)?;
        if self.attribute == HOLDER_SECRET {
            return Err(Error::PredicateOnHolderSecret);
        }
        let text = self.to_string();
        let ty = schema.attributes[index].ty;
        let partial = ty == AttributeType::PartialDate;
        match &self.condition {
            Condition::OneOf(_) | Condition::NoneOf(_) if partial => {
                return Err(syntax(
                    &text,
                    "the attribute may hold a partial date (a range of days): use a comparison or a range, not a set",
                ))
            }
            Condition::NotEqual(_) if partial => {
                return Err(syntax(
                    &text,
                    "the attribute may hold a partial date (a range of days): `!=` is not defined on it; use a comparison or a range",
                ))
            }
            Condition::NoneOf(_) if !matches!(ty, AttributeType::Code(_)) => {
                return Err(syntax(
                    &text,
                    "`not in` needs a code attribute with a value set (its complement is proven)",
                ))
            }
            _ => {}
        }
        for v in self.condition.values() {
            v.check(ty.bound_type())
                .map_err(|source| Error::InvalidValue {
                    name: self.attribute.clone(),
                    source,
                })?;
        }
        let ordered_only = matches!(
            self.condition,
            Condition::AtLeast(_)
                | Condition::Greater(_)
                | Condition::AtMost(_)
                | Condition::Less(_)
                | Condition::Between(..)
                | Condition::Attribute(..)
        );
        if ordered_only && !ty.is_ordered() {
            return Err(Error::PredicateNeedsOrder {
                name: self.attribute.clone(),
                type_name: ty.name(),
            });
        }
        match &self.condition {
            Condition::Between(lo, hi) if lo.as_integer() > hi.as_integer() => {
                Err(syntax(&text, "the range's low end is above its high end"))
            }
            Condition::OneOf(set) | Condition::NoneOf(set)
                if set.is_empty()
                    || set.len() > MAX_SET_SIZE
                    || set.iter().enumerate().any(|(i, v)| set[..i].contains(v)) =>
            {
                Err(syntax(&text, "a set has 1 to 256 distinct elements"))
            }
            Condition::Attribute(cmp, other) => {
                let other_ty = schema.attributes[check_attribute(schema, other)?].ty;
                if other == HOLDER_SECRET {
                    return Err(Error::PredicateOnHolderSecret);
                }
                if *other == self.attribute {
                    return Err(syntax(&text, "compares an attribute with itself"));
                }
                if !other_ty.is_ordered() {
                    return Err(Error::PredicateNeedsOrder {
                        name: other.clone(),
                        type_name: other_ty.name(),
                    });
                }
                if other_ty.bound_type() != ty.bound_type() {
                    return Err(syntax(
                        &text,
                        "compares attributes of different types (integers with integers, dates with dates, instants with instants)",
                    ));
                }
                let partial = partial || other_ty == AttributeType::PartialDate;
                if partial && matches!(cmp, Comparison::Equal | Comparison::NotEqual) {
                    return Err(syntax(
                        &text,
                        "a partial date (a range of days) takes only <, <=, >, >= against another attribute",
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `true` when `value` satisfies the predicate. A partial date satisfies a lower bound
    /// (`>=`, `>`, a range's low end) by its first possible day and an upper bound (`<=`,
    /// `<`, a range's high end) by its last, so that the predicate holds for every day it
    /// can stand for (and `=` only when it is a full date); the unknown date (`""`)
    /// satisfies no comparison. A comparison between attributes needs the other value:
    /// see [`Predicate::evaluate`] (here it is `false`).
    pub fn holds(&self, value: &AttributeValue) -> bool {
        self.evaluate(|name| (name == self.attribute).then_some(value))
    }

    /// `true` when the predicate holds on the values `value_of` gives by attribute name
    /// (`false` when one it reads is missing). See [`Predicate::holds`] for partial dates;
    /// a comparison between attributes holds when it holds for every pair of days the two
    /// can stand for.
    pub fn evaluate<'a>(&self, value_of: impl Fn(&str) -> Option<&'a AttributeValue>) -> bool {
        let Some(value) = value_of(&self.attribute) else {
            return false;
        };
        let ends = value.ends();
        let cmp =
            |b: &AttributeValue, upper: bool, f: fn(i64, i64) -> bool| match (ends, b.as_integer())
            {
                (Some((first, last)), Some(b)) => f(if upper { last } else { first }, b),
                _ => false,
            };
        match &self.condition {
            Condition::AtLeast(b) => cmp(b, false, |v, b| v >= b),
            Condition::Greater(b) => cmp(b, false, |v, b| v > b),
            Condition::AtMost(b) => cmp(b, true, |v, b| v <= b),
            Condition::Less(b) => cmp(b, true, |v, b| v < b),
            Condition::Between(lo, hi) => {
                cmp(lo, false, |v, b| v >= b) && cmp(hi, true, |v, b| v <= b)
            }
            Condition::OneOf(set) => set.contains(value),
            Condition::NoneOf(set) => !set.contains(value),
            Condition::Equal(v) | Condition::NotEqual(v) => {
                let equal = match (ends, v.as_integer()) {
                    (Some(e), Some(b)) => e == (b, b),
                    _ => value == v,
                };
                equal == matches!(self.condition, Condition::Equal(_))
            }
            Condition::Attribute(c, other) => {
                let Some(((af, al), (bf, bl))) =
                    value_of(other).and_then(|o| Some((ends?, o.ends()?)))
                else {
                    return false;
                };
                match c {
                    Comparison::AtLeast | Comparison::Greater => c.holds(af, bl),
                    Comparison::AtMost | Comparison::Less => c.holds(al, bf),
                    Comparison::Equal => af == al && bf == bl && af == bf,
                    Comparison::NotEqual => al < bf || af > bl,
                }
            }
        }
    }

    /// The message indexes the predicate's lower and upper bounds are proven over in a
    /// credential of `schema`: the attribute's own index for both, except for a partial
    /// date, whose lower bounds are proven over its companion (the first possible day).
    pub fn message_indexes(&self, schema: &Schema) -> Result<(usize, usize), Error> {
        message_indexes(schema, &self.attribute)
    }

    /// The JSON form: `{"attribute": ..., "op": ..., "values": [...], "params": {...}}`
    /// (`params` when present, see [`PredicateParams::to_json`]); a comparison between
    /// attributes has `"other": NAME` instead of `values`.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::json!({
            "attribute": self.attribute,
            "op": self.condition.op(),
        });
        match &self.condition {
            Condition::Attribute(_, other) => v["other"] = Value::from(other.as_str()),
            c => {
                v["values"] = c.values().iter().map(|v| v.to_json()).collect::<Value>();
            }
        }
        if let Some(params) = &self.params {
            v["params"] = params.to_json();
        }
        v
    }

    /// Reads the JSON form against `schema` and checks it; values must be in their canonical
    /// form ([`AttributeValue::from_canonical_json`]).
    /// The parameters are read as a digest (not resolved).
    pub fn from_json(schema: &Schema, v: &Value) -> Result<Self, Error> {
        let bad = |problem| {
            Error::from(crate::credential::json::invalid(
                "request",
                "predicates",
                problem,
            ))
        };
        let o = v.as_object().ok_or(bad("must hold objects"))?;
        if o.len() != 3 + usize::from(o.contains_key("params")) {
            return Err(bad(
                "have exactly the fields attribute, op, values (or other), params",
            ));
        }
        let name = o
            .get("attribute")
            .and_then(Value::as_str)
            .ok_or(bad("need an attribute"))?;
        let op = o
            .get("op")
            .and_then(Value::as_str)
            .ok_or(bad("need an op"))?;
        let index = check_attribute(schema, name)?;
        let condition = if let Some(other) = o.get("other") {
            let other = other.as_str().ok_or(bad("name the other attribute"))?;
            check_attribute(schema, other)?;
            let cmp = Comparison::from_symbol(op).ok_or(bad("have an unknown op"))?;
            Condition::Attribute(cmp, other.to_owned())
        } else {
            let raw = o
                .get("values")
                .and_then(Value::as_array)
                .ok_or(bad("need values"))?;
            if raw.len() > MAX_SET_SIZE {
                return Err(bad("have at most 256 values (MAX_SET_SIZE)"));
            }
            let ty = schema.attributes[index].ty.bound_type();
            let values = raw
                .iter()
                .map(|x| {
                    AttributeValue::from_canonical_json(ty, x).map_err(|source| {
                        Error::InvalidValue {
                            name: name.to_owned(),
                            source,
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Condition::from_op(op, values)
                .ok_or(bad("have an unknown op or the wrong number of values"))?
        };
        let mut p = Predicate {
            attribute: name.to_owned(),
            condition,
            params: None,
        };
        p.check(schema)?;
        if let Some(params) = o.get("params") {
            p.params = Some(PredicateParams::from_json(params)?);
        }
        Ok(p)
    }

    /// Appends the canonical encoding that the request digest covers: the attribute name,
    /// the operator's code, the values in their compact form (for a comparison between
    /// attributes, the other attribute's name) and the parameters.
    pub(crate) fn write_canonical(&self, w: &mut ByteWriter) {
        w.bytes(self.attribute.as_bytes()).u8(self.condition.code());
        if let Condition::Attribute(_, other) = &self.condition {
            w.bytes(other.as_bytes());
        }
        let values = self.condition.values();
        w.varint(values.len() as u64);
        for v in values {
            v.write_compact(w);
        }
        match &self.params {
            Some(params) => {
                w.u8(1);
                params.write_canonical(w);
            }
            None => {
                w.u8(0);
            }
        }
    }
}

/// The message indexes of attribute `name`'s first and last possible values in a
/// credential of `schema` (its companion and itself for a partial date, itself twice
/// otherwise).
fn message_indexes(schema: &Schema, name: &str) -> Result<(usize, usize), Error> {
    let index = check_attribute(schema, name)?;
    Ok((schema.companion_index(index).unwrap_or(index), index))
}

impl Predicate {
    /// The predicate in plain words, e.g. `dose_number is at least 2` or
    /// `vaccination_date is on or before 2026-11-15`.
    pub fn describe(&self) -> String {
        let a = &self.attribute;
        let timeline = |v: Option<&&AttributeValue>| {
            matches!(
                v,
                Some(AttributeValue::Date(_)) | Some(AttributeValue::Instant(_))
            )
        };
        let words = |c: Comparison, v: &AttributeValue| {
            format!("{a} is {} {v}", c.words(timeline(Some(&v))))
        };
        match &self.condition {
            Condition::AtLeast(v) => words(Comparison::AtLeast, v),
            Condition::Greater(v) => words(Comparison::Greater, v),
            Condition::AtMost(v) => words(Comparison::AtMost, v),
            Condition::Less(v) => words(Comparison::Less, v),
            Condition::Equal(v) => format!("{a} is {v}"),
            Condition::NotEqual(v) => format!("{a} is not {v}"),
            Condition::Between(lo, hi) => format!("{a} is between {lo} and {hi}, both included"),
            Condition::OneOf(set) | Condition::NoneOf(set) => {
                let items: Vec<String> = set.iter().map(ToString::to_string).collect();
                let which = if matches!(self.condition, Condition::OneOf(_)) {
                    "one"
                } else {
                    "none"
                };
                format!("{a} is {which} of {}", items.join(", "))
            }
            Condition::Attribute(c, other) => format!("{a} is {} {other}", c.words(false)),
        }
    }
}

/// The predicate in words close to its syntax, e.g. `dose_number >= 2`.
impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.attribute;
        // As the grammar writes it: the empty string or code as `""`.
        let text = |v: &AttributeValue| match v {
            AttributeValue::String(s) | AttributeValue::Code(s) if s.is_empty() => {
                "\"\"".to_owned()
            }
            v => v.to_string(),
        };
        match &self.condition {
            Condition::Between(lo, hi) => write!(f, "{a} in {lo}..{hi}"),
            Condition::OneOf(set) | Condition::NoneOf(set) => {
                let items: Vec<String> = set.iter().map(text).collect();
                let op = self.condition.op();
                write!(f, "{a} {op} {{{}}}", items.join(","))
            }
            Condition::Attribute(c, other) => write!(f, "{a} {} {other}", c.symbol()),
            c => write!(f, "{a} {} {}", c.op(), text(c.values()[0])),
        }
    }
}

/// The `zk` atoms that prove `predicate` over hidden attributes of a credential of
/// `schema`, with the bounds encoded as the credential layer signs them (their AND):
/// - one range statement for a comparison, two (a lower and an upper bound on one
///   message, sharing its response) for a range or `=` on a partial date; a lower bound is
///   proven over the first possible value (a partial date's companion), an upper bound over
///   the last;
/// - one membership statement for `in` and `not in` (the rest of the value set);
/// - an equality for `=`, a hiding inequality for `!=` (`zk::formula`: 0 and 144 bytes);
/// - for a comparison between two attributes, the same over their difference `m_a - m_b`,
///   each attribute at the end that keeps the statement sound for a partial date.
///
/// The parameters of range and membership statements must be resolved.
pub(crate) fn atoms<C: Ciphersuite>(
    predicate: &Predicate,
    schema: &Schema,
) -> Result<Vec<Formula>, Error> {
    let (lower_index, upper_index) = predicate.message_indexes(schema)?;
    let api_id = credential::api_id::<C>();
    let scalar = |v: &AttributeValue| {
        v.to_scalar::<C>(&api_id)
            .map_err(|e| Error::from(credential::Error::from(e)))
    };
    let one = Scalar::from(1u64);
    let equality = |minus_index, value, equal| {
        Ok(vec![Formula::Equality(EqualityStatement {
            message_index: upper_index,
            minus_index,
            value,
            equal,
        })])
    };
    let partial = schema.companion_index(upper_index).is_some();
    // A range or membership statement over the predicate's parameters.
    let statement = |message_index: usize, minus_index, negate: bool, offset: Scalar| {
        let params = predicate.params()?;
        Ok::<_, Error>(Formula::Predicate(PredicateStatement {
            message_index,
            minus_index,
            negate,
            offset,
            digit_count: usize::from(params.digits),
            scale: params.scale(),
            set: params.set()?.clone(),
        }))
    };
    // A lower bound (`m - a >= 0`) over the first possible value, an upper bound
    // (`a - m >= 0`, negated) over the last.
    let lower = |offset| statement(lower_index, None, false, offset);
    let upper = |offset| statement(upper_index, None, true, offset);
    match &predicate.condition {
        Condition::AtLeast(b) => Ok(vec![lower(scalar(b)?)?]),
        Condition::Greater(b) => Ok(vec![lower(scalar(b)? + one)?]),
        Condition::AtMost(b) => Ok(vec![upper(scalar(b)?)?]),
        Condition::Less(b) => Ok(vec![upper(scalar(b)? - one)?]),
        Condition::Between(lo, _) if predicate.proven_as_window(schema, predicate.params()?)? => {
            Ok(vec![lower(scalar(lo)?)?])
        }
        Condition::Between(lo, hi) => Ok(vec![lower(scalar(lo)?)?, upper(scalar(hi)?)?]),
        Condition::Equal(v) if partial => Ok(vec![lower(scalar(v)?)?, upper(scalar(v)?)?]),
        Condition::Equal(v) => equality(None, scalar(v)?, true),
        Condition::NotEqual(_) if partial => Err(syntax(
            &predicate.to_string(),
            "`!=` on a partial date (a range of days) cannot be proven",
        )),
        Condition::NotEqual(v) => equality(None, scalar(v)?, false),
        // The parameters' elements are what `params_for` chose (checked by the holder
        // against the predicate when it checks the parameters).
        Condition::OneOf(_) | Condition::NoneOf(_) => {
            Ok(vec![statement(upper_index, None, false, Scalar::zero())?])
        }
        Condition::Attribute(cmp, other) => {
            // `a >= b` holds for every value of a partial `a` and `b` when it holds for the
            // first day of `a` and the last of `b`; `a <= b` the other way round.
            let (other_lower, other_upper) = message_indexes(schema, other)?;
            let zero = Scalar::zero();
            let difference =
                |a, b, negate, offset| Ok(vec![statement(a, Some(b), negate, offset)?]);
            match cmp {
                Comparison::AtLeast => difference(lower_index, other_upper, false, zero),
                Comparison::Greater => difference(lower_index, other_upper, false, one),
                Comparison::AtMost => difference(upper_index, other_lower, true, zero),
                Comparison::Less => difference(upper_index, other_lower, true, -one),
                Comparison::Equal => equality(Some(other_upper), zero, true),
                Comparison::NotEqual => equality(Some(other_upper), zero, false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::CredentialType;

    const NOW: i64 = 1_717_243_200; // 2024-06-01T12:00:00Z

    fn parse(t: CredentialType, s: &str) -> Result<Predicate, Error> {
        Predicate::parse(t.schema(), s, NOW)
    }

    #[test]
    fn parses_the_documented_forms() {
        let v = CredentialType::Vaccination;
        let p = parse(v, "dose_number >= 2").unwrap();
        assert_eq!(p.condition, Condition::AtLeast(AttributeValue::Integer(2)));
        let p = parse(v, "birth_date <= today-18y").unwrap();
        assert_eq!(p.to_string(), "birth_date <= 2006-06-01");
        let p = parse(CredentialType::Test, "sample_time >= now-72h").unwrap();
        assert_eq!(p.to_string(), "sample_time >= 2024-05-29T12:00:00Z");
        let p = parse(
            v,
            "vaccine_product in {EU/1/20/1528, EU/1/20/1507,BBIBP-CorV}",
        )
        .unwrap();
        assert!(matches!(&p.condition, Condition::OneOf(s) if s.len() == 3));
        assert!(p.holds(&AttributeValue::Code("BBIBP-CorV".into())));
        let p = parse(v, "dose_number in 2..10").unwrap();
        assert!(p.holds(&AttributeValue::Integer(10)) && !p.holds(&AttributeValue::Integer(11)));
        let p = parse(v, "valid_until > now").unwrap();
        assert_eq!(Predicate::from_json(v.schema(), &p.to_json()).unwrap(), p);
    }

    #[test]
    fn parses_equalities_complements_windows_and_attribute_comparisons() {
        let (v, t, r) = (
            CredentialType::Vaccination,
            CredentialType::Test,
            CredentialType::Recovery,
        );
        let p = parse(t, "test_type = LP6464-4").unwrap();
        assert_eq!(
            p.condition,
            Condition::Equal(AttributeValue::Code("LP6464-4".into()))
        );
        assert!(p.holds(&AttributeValue::Code("LP6464-4".into())));
        assert!(!p.holds(&AttributeValue::Code("LP217198-3".into())));
        let p = parse(t, "test_result != 260373001").unwrap();
        assert!(p.holds(&AttributeValue::Code("260415000".into())));
        assert!(!p.holds(&AttributeValue::Code("260373001".into())));
        let p = parse(v, "dose_number != 3").unwrap();
        assert!(p.holds(&AttributeValue::Integer(2)) && !p.holds(&AttributeValue::Integer(3)));
        let p = parse(v, "vaccine_product not in {EU/1/20/1528,EU/1/20/1507}").unwrap();
        assert_eq!(
            p.to_string(),
            "vaccine_product not in {EU/1/20/1528,EU/1/20/1507}"
        );
        assert!(p.holds(&AttributeValue::Code("EU/1/21/1529".into())));
        assert!(!p.holds(&AttributeValue::Code("EU/1/20/1507".into())));
        // The complement is the rest of the value set, "not applicable" included.
        let Some(ParamsFor::Set(rest)) = p.params_for(v.schema()).unwrap() else {
            panic!("a set")
        };
        assert_eq!(rest.len(), 39 - 2 + 1);
        let p = parse(t, "sample_time in now-72h..now").unwrap();
        assert_eq!(
            p.to_string(),
            "sample_time in 2024-05-29T12:00:00Z..2024-06-01T12:00:00Z"
        );
        let p = parse(r, "first_positive_date in today-180d..today-11d").unwrap();
        assert_eq!(
            p.to_string(),
            "first_positive_date in 2023-12-04..2024-05-21"
        );
        let p = parse(v, "dose_number >= total_doses").unwrap();
        assert_eq!(
            p.condition,
            Condition::Attribute(Comparison::AtLeast, "total_doses".into())
        );
        assert_eq!(p.to_string(), "dose_number >= total_doses");
        let values = |d: i64, t: i64| {
            move |n: &str| match n {
                "dose_number" => Some(AttributeValue::Integer(d)),
                "total_doses" => Some(AttributeValue::Integer(t)),
                _ => None,
            }
        };
        let eval = |p: &Predicate, d, t| {
            let f = values(d, t);
            let (a, b) = (f("dose_number"), f("total_doses"));
            p.evaluate(|n| match n {
                "dose_number" => a.as_ref(),
                _ => b.as_ref(),
            })
        };
        assert!(eval(&p, 2, 2) && eval(&p, 3, 2) && !eval(&p, 1, 2));
        let p = parse(v, "dose_number > total_doses").unwrap();
        assert!(eval(&p, 3, 2) && !eval(&p, 2, 2));
        // Round trips through the request's JSON form.
        for text in [
            "test_type = LP6464-4",
            "test_result != 260373001",
            "test_type not in {LP217198-3}",
            "sample_time = 2024-06-01T10:00:00Z",
        ] {
            let p = parse(t, text).unwrap();
            assert_eq!(Predicate::from_json(t.schema(), &p.to_json()).unwrap(), p);
        }
        let p = parse(v, "dose_number >= total_doses").unwrap();
        assert_eq!(Predicate::from_json(v.schema(), &p.to_json()).unwrap(), p);
        // An instant in an equality is a whole minute.
        assert!(parse(t, "sample_time = 2024-06-01T10:00:30Z").is_err());
    }

    #[test]
    fn refuses_what_cannot_be_proven() {
        let v = CredentialType::Vaccination;
        assert!(matches!(
            parse(v, "holder_secret >= 1"),
            Err(Error::PredicateOnHolderSecret)
        ));
        assert!(matches!(
            parse(v, "family_name >= A"),
            Err(Error::PredicateNeedsOrder { .. })
        ));
        assert!(matches!(
            parse(v, "height >= 2"),
            Err(Error::UnknownAttribute { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number in 5..2"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number == 2"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number ! 2"),
            Err(Error::PredicateSyntax { .. })
        ));
        // `not in` needs a value set; comparisons between attributes an order and one type.
        assert!(matches!(
            parse(v, "family_name not in {A}"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number >= vaccination_date"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number >= dose_number"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "family_name >= given_name"),
            Err(Error::PredicateNeedsOrder { .. })
        ));
        assert!(matches!(
            parse(v, "dose_number >= holder_secret"),
            Err(Error::PredicateOnHolderSecret)
        ));
        assert!(matches!(
            parse(v, "birth_date != 1978-01-01"),
            Err(Error::PredicateSyntax { .. })
        ));
        // A code outside the value set is a code (an issuer may sign it on purpose).
        assert!(parse(v, "vaccine_product not in {EU/1/99/0000}").is_ok());
        assert!(matches!(
            parse(v, "birth_date <= now-1h"),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            parse(v, "birth_date <= today-5h"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(parse(v, "vaccine_product in {X}").is_ok());
    }
}
