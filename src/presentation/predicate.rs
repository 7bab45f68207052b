//! Predicates a request may ask a holder to prove over hidden attributes: comparisons,
//! two-sided ranges and set membership. This module parses and checks them and carries
//! them in requests; the zero-knowledge sub-proofs that prove them are a later layer
//! (`healthpass::zk`), for which presentations already have room.
//!
//! Syntax (`request --prove`): `ATTRIBUTE OP BOUND` with `OP` one of `>=`, `>`, `<=`, `<`,
//! or `ATTRIBUTE in LOW..HIGH` (both ends included) or `ATTRIBUTE in {A,B,...}`. A bound
//! of a date may be `today` with an optional offset in days or years (`today-18y`,
//! `today-14d`), a bound of an instant `now` with an offset in hours, days or years
//! (`now-72h`); they are resolved to absolute values, in UTC, when the request is made. An
//! offset is one sign and 1 to 6 digits; an instant bound is rounded to the minute in the
//! direction that keeps the statement exact.

use core::fmt;

use serde_json::Value;

use super::attribute::check_attribute;
use super::params::{ParamsFor, PredicateParams, Span, MAX_SET_SIZE};
use super::Error;
use crate::bbs::{Ciphersuite, Scalar};
use crate::credential;
use crate::credential::bytes::ByteWriter;
use crate::credential::{calendar, AttributeType, AttributeValue, Schema, HOLDER_SECRET};
use crate::zk::PredicateStatement;

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
}

impl Condition {
    /// The operator's name in JSON (`>=`, `>`, `<=`, `<`, `range`, `in`).
    pub fn op(&self) -> &'static str {
        match self {
            Condition::AtLeast(_) => ">=",
            Condition::Greater(_) => ">",
            Condition::AtMost(_) => "<=",
            Condition::Less(_) => "<",
            Condition::Between(..) => "range",
            Condition::OneOf(_) => "in",
        }
    }

    fn code(&self) -> u8 {
        match self {
            Condition::AtLeast(_) => 1,
            Condition::Greater(_) => 2,
            Condition::AtMost(_) => 3,
            Condition::Less(_) => 4,
            Condition::Between(..) => 5,
            Condition::OneOf(_) => 6,
        }
    }

    /// The bounds or elements, in order.
    pub fn values(&self) -> Vec<&AttributeValue> {
        match self {
            Condition::AtLeast(v)
            | Condition::Greater(v)
            | Condition::AtMost(v)
            | Condition::Less(v) => {
                vec![v]
            }
            Condition::Between(lo, hi) => vec![lo, hi],
            Condition::OneOf(set) => set.iter().collect(),
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
            "range" if values.len() == 2 => {
                let hi = values.pop()?;
                Condition::Between(values.pop()?, hi)
            }
            "in" => Condition::OneOf(values),
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
                        "an instant in a set must be a whole minute (instants are signed to the minute)",
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
        let (name, op, rhs) = if let Some(i) = t.find(" in ") {
            (&t[..i], "in", t[i + 4..].trim())
        } else {
            let i = t.find(['<', '>']).ok_or_else(|| {
                syntax(
                    text,
                    "expected ATTRIBUTE >= BOUND (or >, <=, <) or ATTRIBUTE in {A,B} / LOW..HIGH",
                )
            })?;
            let op = if t[i + 1..].starts_with('=') {
                &t[i..i + 2]
            } else {
                &t[i..i + 1]
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
        let condition = match op {
            "in" => {
                if let Some(inner) = rhs.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                    Condition::OneOf(
                        inner
                            .split(',')
                            .map(|e| value(e, Rounding::Exact))
                            .collect::<Result<_, _>>()?,
                    )
                } else if let Some((lo, hi)) = rhs.split_once("..") {
                    Condition::Between(value(lo, Rounding::Up)?, value(hi, Rounding::Down)?)
                } else {
                    return Err(syntax(text, "after `in` comes {A,B,...} or LOW..HIGH"));
                }
            }
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

    /// What this predicate's parameters sign: the elements of its set, or digits.
    pub fn params_for(&self) -> ParamsFor<'_> {
        match &self.condition {
            Condition::OneOf(values) => ParamsFor::Set(values),
            _ => ParamsFor::Range {
                attribute: &self.attribute,
            },
        }
    }

    /// Attaches fresh parameters (a new key, signatures, the key discarded), as a verifier
    /// does when it makes a request.
    pub fn with_fresh_params(
        mut self,
        schema: &Schema,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        self.params = Some(PredicateParams::generate(self.params_for(), ty, rng)?);
        Ok(self)
    }

    /// Attaches parameters from a long-lived [`ParameterSet`](super::ParameterSet) for a range or comparison (set
    /// predicates still get fresh parameters: their elements vary from request to request).
    pub fn with_params_from(
        mut self,
        schema: &Schema,
        set: &super::params::ParameterSet,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        if matches!(self.condition, Condition::OneOf(_)) {
            return self.with_fresh_params(schema, rng);
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
        let ty = schema.attributes[check_attribute(schema, &self.attribute)?].ty;
        let (kind, digits) = self.set_kind(ty)?;
        self.params = Some(PredicateParams::new(digits, store.obtain(kind, rng)?));
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
    pub fn resolve(&mut self, set: crate::zk::SignedSet) -> Result<(), Error> {
        self.accepts_set(&set)?;
        let params = self.params.as_mut().ok_or(Error::PredicateParamsRejected {
            predicate: String::new(),
        })?;
        params.resolve(set)
    }

    /// Checks that `set` is what this predicate needs: its `in {..}` set's elements (as
    /// [`ParamsFor::Set`] signs them), or digits for a comparison or range.
    pub(crate) fn accepts_set(&self, set: &crate::zk::SignedSet) -> Result<(), Error> {
        let fits = match (self.params_for(), set.kind()) {
            (ParamsFor::Set(_), kind) => *kind == self.params_for().set_kind(None)?.0,
            (ParamsFor::Range { .. }, crate::zk::SetKind::Digits { .. }) => true,
            (ParamsFor::Range { .. }, crate::zk::SetKind::Elements(_)) => false,
        };
        if fits {
            Ok(())
        } else {
            Err(Error::PredicateParamsRejected {
                predicate: self.to_string(),
            })
        }
    }

    /// The signed set a request would name for this predicate over an attribute of type
    /// `ty`: digits of the type's default span, or the set's elements.
    pub fn set_kind(&self, ty: AttributeType) -> Result<(crate::zk::SetKind, u8), Error> {
        self.params_for().set_kind(Span::default_for(ty))
    }

    /// Checks the predicate against `schema`: a known attribute other than the holder secret,
    /// values of its type, comparisons and ranges only over integers, dates and instants,
    /// `low <= high`, sets of 1 to [`MAX_SET_SIZE`] distinct elements.
    pub fn check(&self, schema: &Schema) -> Result<(), Error> {
        let index = check_attribute(schema, &self.attribute)?;
        if self.attribute == HOLDER_SECRET {
            return Err(Error::PredicateOnHolderSecret);
        }
        let ty = schema.attributes[index].ty;
        if ty == AttributeType::PartialDate && matches!(self.condition, Condition::OneOf(_)) {
            return Err(syntax(
                &self.to_string(),
                "the attribute may hold a partial date (a range of days): use a comparison or a range, not a set",
            ));
        }
        for v in self.condition.values() {
            v.check(ty.bound_type())
                .map_err(|source| Error::InvalidValue {
                    name: self.attribute.clone(),
                    source,
                })?;
        }
        let ordered_only = !matches!(self.condition, Condition::OneOf(_));
        if ordered_only && !ty.is_ordered() {
            return Err(Error::PredicateNeedsOrder {
                name: self.attribute.clone(),
                type_name: ty.name(),
            });
        }
        match &self.condition {
            Condition::Between(lo, hi) if lo.as_integer() > hi.as_integer() => Err(syntax(
                &self.to_string(),
                "the range's low end is above its high end",
            )),
            Condition::OneOf(set)
                if set.is_empty()
                    || set.len() > MAX_SET_SIZE
                    || set.iter().enumerate().any(|(i, v)| set[..i].contains(v)) =>
            {
                Err(syntax(
                    &self.to_string(),
                    "a set has 1 to 256 distinct elements",
                ))
            }
            _ => Ok(()),
        }
    }

    /// `true` when `value` satisfies the predicate. A partial date satisfies a lower bound
    /// (`>=`, `>`, a range's low end) by its first possible day and an upper bound (`<=`,
    /// `<`, a range's high end) by its last, so that the predicate holds for every day it
    /// can stand for; the unknown date (`""`) satisfies no comparison.
    pub fn holds(&self, value: &AttributeValue) -> bool {
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
        }
    }

    /// The message indexes the predicate's lower and upper bounds are proven over in a
    /// credential of `schema`: the attribute's own index for both, except for a partial
    /// date, whose lower bounds are proven over its companion (the first possible day).
    pub fn message_indexes(&self, schema: &Schema) -> Result<(usize, usize), Error> {
        let index = check_attribute(schema, &self.attribute)?;
        Ok((schema.companion_index(index).unwrap_or(index), index))
    }

    /// The JSON form: `{"attribute": ..., "op": ..., "values": [...], "params": {...}}`
    /// (`params` when present, see [`PredicateParams::to_json`]).
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::json!({
            "attribute": self.attribute,
            "op": self.condition.op(),
            "values": self.condition.values().iter().map(|v| v.to_json()).collect::<Vec<_>>(),
        });
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
            return Err(bad("have exactly the fields attribute, op, values, params"));
        }
        let name = o
            .get("attribute")
            .and_then(Value::as_str)
            .ok_or(bad("need an attribute"))?;
        let op = o
            .get("op")
            .and_then(Value::as_str)
            .ok_or(bad("need an op"))?;
        let raw = o
            .get("values")
            .and_then(Value::as_array)
            .ok_or(bad("need values"))?;
        let index = check_attribute(schema, name)?;
        let ty = schema.attributes[index].ty.bound_type();
        let values = raw
            .iter()
            .map(|x| {
                AttributeValue::from_canonical_json(ty, x).map_err(|source| Error::InvalidValue {
                    name: name.to_owned(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let condition = Condition::from_op(op, values)
            .ok_or(bad("have an unknown op or the wrong number of values"))?;
        let mut p = Predicate {
            attribute: name.to_owned(),
            condition,
            params: None,
        };
        if let Some(params) = o.get("params") {
            p.params = Some(PredicateParams::from_json(params)?);
        }
        p.check(schema)?;
        Ok(p)
    }

    /// Appends the canonical encoding that the request digest covers: the attribute name,
    /// the operator's code, the values in their compact form and the parameters.
    pub(crate) fn write_canonical(&self, w: &mut ByteWriter) {
        w.bytes(self.attribute.as_bytes()).u8(self.condition.code());
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

impl Predicate {
    /// The predicate in plain words, e.g. `dose_number is at least 2` or
    /// `vaccination_date is on or before 2026-11-15`.
    pub fn describe(&self) -> String {
        let a = &self.attribute;
        let timeline = matches!(
            self.condition.values().first(),
            Some(AttributeValue::Date(_)) | Some(AttributeValue::Instant(_))
        );
        let (at_least, more, at_most, less) = if timeline {
            ("on or after", "after", "on or before", "before")
        } else {
            ("at least", "more than", "at most", "less than")
        };
        match &self.condition {
            Condition::AtLeast(v) => format!("{a} is {at_least} {v}"),
            Condition::Greater(v) => format!("{a} is {more} {v}"),
            Condition::AtMost(v) => format!("{a} is {at_most} {v}"),
            Condition::Less(v) => format!("{a} is {less} {v}"),
            Condition::Between(lo, hi) => format!("{a} is between {lo} and {hi}, both included"),
            Condition::OneOf(set) => {
                let items: Vec<String> = set.iter().map(ToString::to_string).collect();
                format!("{a} is one of {}", items.join(", "))
            }
        }
    }
}

/// The predicate in words close to its syntax, e.g. `dose_number >= 2`.
impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = &self.attribute;
        match &self.condition {
            Condition::Between(lo, hi) => write!(f, "{a} in {lo}..{hi}"),
            Condition::OneOf(set) => {
                let items: Vec<String> = set.iter().map(ToString::to_string).collect();
                write!(f, "{a} in {{{}}}", items.join(","))
            }
            c => write!(f, "{a} {} {}", c.op(), c.values()[0]),
        }
    }
}

/// The `zk` statements that prove `predicate` over the message at `message_index`, with the
/// bounds encoded as the credential layer signs them: one statement for a comparison or a
/// set, two (a lower and an upper bound on one message, sharing its blinding) for a range.
/// The parameters must be resolved.
pub(crate) fn statements<C: Ciphersuite>(
    predicate: &Predicate,
    params: &PredicateParams,
    (lower_index, upper_index): (usize, usize),
) -> Result<Vec<PredicateStatement>, Error> {
    let set = params.set()?;
    let api_id = credential::api_id::<C>();
    let scalar = |v: &AttributeValue| {
        v.to_scalar::<C>(&api_id)
            .map_err(|e| Error::from(credential::Error::from(e)))
    };
    let one = Scalar::from(1u64);
    // A lower bound (`m - a >= 0`) is proven over `lower_index`, an upper bound
    // (`a - m >= 0`, negated) and a set over `upper_index`: for a partial date, its first
    // and its last possible day.
    let statement = |negate: bool, offset: Scalar| PredicateStatement {
        message_index: if negate { upper_index } else { lower_index },
        minus_index: None,
        negate,
        offset,
        digit_count: usize::from(params.digits),
        set: set.clone(),
    };
    Ok(match &predicate.condition {
        Condition::AtLeast(b) => vec![statement(false, scalar(b)?)],
        Condition::Greater(b) => vec![statement(false, scalar(b)? + one)],
        Condition::AtMost(b) => vec![statement(true, scalar(b)?)],
        Condition::Less(b) => vec![statement(true, scalar(b)? - one)],
        Condition::Between(lo, hi) => {
            vec![statement(false, scalar(lo)?), statement(true, scalar(hi)?)]
        }
        Condition::OneOf(_) => vec![PredicateStatement {
            message_index: upper_index,
            ..statement(false, Scalar::zero())
        }],
    })
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
            parse(v, "dose_number = 2"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "birth_date <= now-1h"),
            Err(Error::InvalidValue { .. })
        ));
        assert!(matches!(
            parse(v, "birth_date <= today-5h"),
            Err(Error::PredicateSyntax { .. })
        ));
        assert!(matches!(
            parse(v, "vaccine_product in {X}"),
            Err(Error::InvalidValue { .. })
        ));
    }
}
