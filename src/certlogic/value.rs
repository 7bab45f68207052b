//! The values CertLogic expressions evaluate to (specification §"Values"): JSON values, plus
//! date-times, which only `plusTime` and `dccDateOfBirth` construct.
//!
//! Values borrow from the expression and the data context (`'a`): reading a value set of
//! hundreds of codes or a whole payload copies nothing.

use std::rc::Rc;

use serde_json::{Map, Value as Json};

use super::datetime::DateTime;

/// The largest magnitude of a CertLogic integer: JavaScript's `Number.MAX_SAFE_INTEGER`
/// (the specification's integers are "a subset of JavaScript's `Number` type").
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// A CertLogic value.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    /// `null` (also what data access to anything missing gives).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer of magnitude at most [`MAX_SAFE_INTEGER`].
    Int(i64),
    /// Any other JSON number in the data (fractional or huge): neither truthy nor falsy and
    /// accepted by no arithmetic or comparison.
    Number(f64),
    /// A string.
    Str(&'a str),
    /// A date-time.
    DateTime(DateTime),
    /// An array.
    Array(Array<'a>),
    /// An object.
    Object(Object<'a>),
}

/// What kind of value something is, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// `null`.
    Null,
    /// A boolean.
    Boolean,
    /// An integer.
    Integer,
    /// A number that is not a CertLogic integer.
    Number,
    /// A string.
    String,
    /// A date-time.
    DateTime,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl std::fmt::Display for ValueKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ValueKind::Null => "null",
            ValueKind::Boolean => "a boolean",
            ValueKind::Integer => "an integer",
            ValueKind::Number => "a non-integer number",
            ValueKind::String => "a string",
            ValueKind::DateTime => "a date-time",
            ValueKind::Array => "an array",
            ValueKind::Object => "an object",
        })
    }
}

/// An array value: borrowed from JSON, or built during evaluation (array literals).
#[derive(Debug, Clone)]
pub struct Array<'a>(ArrayRepr<'a>);

#[derive(Debug, Clone)]
enum ArrayRepr<'a> {
    Json(&'a [Json]),
    Built {
        items: Rc<[Value<'a>]>,
        depth: usize,
    },
}

/// An object value: borrowed from JSON, or a record built during evaluation (the data
/// context of a `reduce` lambda, or of a rule: `payload` and `external`).
#[derive(Debug, Clone)]
pub struct Object<'a>(ObjectRepr<'a>);

#[derive(Debug, Clone)]
enum ObjectRepr<'a> {
    Json(&'a Map<String, Json>),
    Record {
        entries: Rc<[(&'a str, Value<'a>)]>,
        depth: usize,
    },
}

impl<'a> Value<'a> {
    /// The value of a JSON value, borrowed.
    pub fn from_json(json: &'a Json) -> Value<'a> {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match json_integer(n) {
                Some(i) => Value::Int(i),
                None => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Value::Str(s),
            Json::Array(items) => Value::Array(Array(ArrayRepr::Json(items))),
            Json::Object(map) => Value::Object(Object(ObjectRepr::Json(map))),
        }
    }

    /// An array built from values; `None` if it would nest deeper than `max_depth`.
    pub fn array(items: Vec<Value<'a>>, max_depth: usize) -> Option<Value<'a>> {
        let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
        (depth <= max_depth).then(|| {
            Value::Array(Array(ArrayRepr::Built {
                items: items.into(),
                depth,
            }))
        })
    }

    /// An object of the given keys and values (later keys do not replace earlier ones: keys
    /// are meant to be distinct); `None` if it would nest deeper than `max_depth`.
    pub fn record(entries: Vec<(&'a str, Value<'a>)>, max_depth: usize) -> Option<Value<'a>> {
        let depth = 1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0);
        (depth <= max_depth).then(|| {
            Value::Object(Object(ObjectRepr::Record {
                entries: entries.into(),
                depth,
            }))
        })
    }

    /// How many levels of built arrays and records this value nests (borrowed JSON counts
    /// as one level: its depth is the caller's, already bounded by its parser).
    fn depth(&self) -> usize {
        match self {
            Value::Array(Array(ArrayRepr::Built { depth, .. }))
            | Value::Object(Object(ObjectRepr::Record { depth, .. })) => *depth,
            Value::Array(_) | Value::Object(_) => 1,
            _ => 0,
        }
    }

    /// The kind of value.
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Null => ValueKind::Null,
            Value::Bool(_) => ValueKind::Boolean,
            Value::Int(_) => ValueKind::Integer,
            Value::Number(_) => ValueKind::Number,
            Value::Str(_) => ValueKind::String,
            Value::DateTime(_) => ValueKind::DateTime,
            Value::Array(_) => ValueKind::Array,
            Value::Object(_) => ValueKind::Object,
        }
    }

    /// CertLogic's truthiness (specification §"Truthy and falsy values"): `Some(false)` for
    /// `false`, `null`, `""`, `0`, `[]` and `{}`; `Some(true)` for `true`, non-empty strings,
    /// non-zero integers, non-empty arrays and objects; `None` for everything else (date-times,
    /// non-integer numbers), which is neither.
    pub fn truthiness(&self) -> Option<bool> {
        match self {
            Value::Null => Some(false),
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            Value::Str(s) => Some(!s.is_empty()),
            Value::Array(a) => Some(!a.is_empty()),
            Value::Object(o) => Some(!o.is_empty()),
            Value::Number(_) | Value::DateTime(_) => None,
        }
    }

    /// The value as JSON; a date-time becomes its ISO string (as JavaScript's `JSON.stringify`
    /// writes a `Date`).
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Number(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            Value::Str(s) => Json::String((*s).to_owned()),
            Value::DateTime(d) => Json::String(d.to_iso_string()),
            Value::Array(Array(ArrayRepr::Json(items))) => Json::Array(items.to_vec()),
            Value::Array(Array(ArrayRepr::Built { items, .. })) => {
                Json::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Object(Object(ObjectRepr::Json(map))) => Json::Object((*map).clone()),
            Value::Object(Object(ObjectRepr::Record { entries, .. })) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// `Some(b)` for a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl<'a> Array<'a> {
    /// The number of items.
    pub fn len(&self) -> usize {
        match &self.0 {
            ArrayRepr::Json(items) => items.len(),
            ArrayRepr::Built { items, .. } => items.len(),
        }
    }

    /// `true` when there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<Value<'a>> {
        match &self.0 {
            ArrayRepr::Json(items) => items.get(index).map(Value::from_json),
            ArrayRepr::Built { items, .. } => items.get(index).cloned(),
        }
    }

    /// The items, in order.
    pub fn iter(&self) -> impl Iterator<Item = Value<'a>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

impl<'a> Object<'a> {
    /// The number of keys.
    pub fn len(&self) -> usize {
        match &self.0 {
            ObjectRepr::Json(map) => map.len(),
            ObjectRepr::Record { entries, .. } => entries.len(),
        }
    }

    /// `true` when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value at `key`.
    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        match &self.0 {
            ObjectRepr::Json(map) => map.get(key).map(Value::from_json),
            ObjectRepr::Record { entries, .. } => entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone()),
        }
    }
}

/// A JSON number as a CertLogic integer: a whole number of magnitude at most
/// [`MAX_SAFE_INTEGER`] (so `1.0` is the integer 1, as in JavaScript).
pub fn json_integer(n: &serde_json::Number) -> Option<i64> {
    let i = if let Some(i) = n.as_i64() {
        i
    } else if n.is_u64() {
        return None; // above i64::MAX, so above the safe range
    } else {
        let x = n.as_f64()?;
        if x.fract() != 0.0 || x.abs() > MAX_SAFE_INTEGER as f64 {
            return None;
        }
        x as i64
    };
    (i.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs()).then_some(i)
}
