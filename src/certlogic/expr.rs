//! CertLogic expressions, parsed and checked before any evaluation (specification
//! §"Introduction": "the CertLogic evaluator function checks the validity of the expression
//! first, before evaluating any of its operands").
//!
//! [`Expr::from_json`] refuses, with an [`ExprError`], everything the specification calls an
//! invalid expression: an unknown operation, an operation not of the form
//! `{ "<operator>": [ <operands> ] }`, the wrong number of operands, a `var` whose path is not
//! a string, a `plusTime` whose amount is not an integer literal or whose unit is not one of
//! the four, an `extractFromUVCI` whose index is not an integer literal, and the literals the
//! specification forbids (`null`, objects, non-integer numbers). The whole expression is
//! checked, including branches that evaluation would never take; its nesting is bounded.

use serde_json::Value as Json;

use super::datetime::{truncated, TimeUnit};
use super::value::{json_integer, ValueKind};

/// How deeply operations may nest by default (the corpus's deepest rule nests 13; JSON
/// parsed by `serde_json` cannot nest operations deeper than 64 anyway).
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// A checked CertLogic expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A boolean literal.
    Bool(bool),
    /// An integer literal.
    Int(i64),
    /// A string literal.
    Str(String),
    /// An array literal: "a JSON array evaluates to an array with every item evaluated
    /// separately".
    Array(Vec<Expr>),
    /// Data access, `{ "var": "<path>" }` (§"Data access").
    Var(VarPath),
    /// `{ "if": [ guard, then, else ] }` (§"If-then-else").
    If(Box<[Expr; 3]>),
    /// `{ "and": [ e1, …, en ] }`, n ≥ 2 (§"Operations with infix operators").
    And(Vec<Expr>),
    /// `{ "!": [ e ] }` (§"Negation").
    Not(Box<Expr>),
    /// `{ "===": [ a, b ] }`.
    StrictEquals(Box<[Expr; 2]>),
    /// `{ "in": [ a, b ] }`.
    In(Box<[Expr; 2]>),
    /// `{ "+": [ a, b ] }`.
    Plus(Box<[Expr; 2]>),
    /// `<`, `>`, `<=`, `>=` on integers with two or three operands.
    Compare(Comparison, Vec<Expr>),
    /// `before`, `after`, `not-after`, `not-before` on date-times with two or three operands.
    CompareDateTimes(Comparison, Vec<Expr>),
    /// `{ "plusTime": [ date, amount, unit ] }` (§"Offset date-time").
    PlusTime {
        /// The operand that must evaluate to a date or date-time string.
        date: Box<Expr>,
        /// The integer literal amount (may be negative).
        amount: i64,
        /// The time unit literal.
        unit: TimeUnit,
    },
    /// `{ "reduce": [ operand, lambda, initial ] }` (§"Reduction").
    Reduce(Box<[Expr; 3]>),
    /// `{ "extractFromUVCI": [ operand, index ] }` (§"Extract data from an UCI").
    ExtractFromUvci {
        /// The operand that must evaluate to a string or `null`.
        operand: Box<Expr>,
        /// The integer literal index (0-based; negative ones give `null`).
        index: i64,
    },
    /// `{ "dccDateOfBirth": [ operand ] }` (§"DCC Date of birth").
    DccDateOfBirth(Box<Expr>),
}

/// The order a comparison checks. The date-time operators map onto these as the
/// specification says: `after` is `>`, `before` `<`, `not-after` `<=`, `not-before` `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `<` / `before`.
    Less,
    /// `>` / `after`.
    Greater,
    /// `<=` / `not-after`.
    LessOrEqual,
    /// `>=` / `not-before`.
    GreaterOrEqual,
}

impl Comparison {
    /// Whether `left` and `right` are in this order.
    pub fn holds<T: Ord>(self, left: &T, right: &T) -> bool {
        match self {
            Comparison::Less => left < right,
            Comparison::Greater => left > right,
            Comparison::LessOrEqual => left <= right,
            Comparison::GreaterOrEqual => left >= right,
        }
    }
}

/// The path of a `var`: fragments separated by periods; `""` is the whole data context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarPath {
    text: String,
    fragments: Vec<PathFragment>,
}

/// One fragment of a [`VarPath`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathFragment {
    /// A key of an object.
    Key(String),
    /// An integer fragment, which "signifies array indexing" (0-based). `None` for an index
    /// no array can have (negative, or too large): access gives `null`.
    Index(Option<usize>),
}

impl VarPath {
    /// The path of `{ "var": text }`.
    pub fn new(text: &str) -> VarPath {
        let fragments = if text.is_empty() {
            Vec::new()
        } else {
            text.split('.').map(PathFragment::parse).collect()
        };
        VarPath {
            text: text.to_owned(),
            fragments,
        }
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The fragments, outermost first (none for `""`).
    pub fn fragments(&self) -> &[PathFragment] {
        &self.fragments
    }
}

impl PathFragment {
    /// An optionally signed run of ASCII digits is an index; anything else a key.
    fn parse(fragment: &str) -> PathFragment {
        let digits = fragment.strip_prefix('-').unwrap_or(fragment);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let index = if fragment.starts_with('-') {
                None
            } else {
                digits.parse().ok()
            };
            PathFragment::Index(index)
        } else {
            PathFragment::Key(fragment.to_owned())
        }
    }
}

/// Why a JSON value is not a valid CertLogic expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// A literal the specification does not allow (`null`, a non-integer number).
    #[error("{0} is not an allowed CertLogic literal")]
    Literal(ValueKind),
    /// An object that does not have exactly one key.
    #[error("an expression object must have exactly one key (the operation), found {0}")]
    NotOneOperation(usize),
    /// An operation CertLogic does not define.
    #[error("unknown operation {0:?}")]
    UnknownOperator(String),
    /// `var` with something other than a string path.
    #[error("`var` takes a string path, found {0}")]
    VarPath(ValueKind),
    /// An operation whose operands are not an array.
    #[error("the operands of `{0}` must be an array")]
    OperandsNotArray(&'static str),
    /// The wrong number of operands.
    #[error("`{operator}` takes {expected} operands, found {found}")]
    Arity {
        /// The operation.
        operator: &'static str,
        /// How many it takes, in words.
        expected: &'static str,
        /// How many it was given.
        found: usize,
    },
    /// A `plusTime` amount that is not an integer literal.
    #[error("the amount of `plusTime` must be an integer literal")]
    PlusTimeAmount,
    /// A `plusTime` unit that is not `"year"`, `"month"`, `"day"` or `"hour"`.
    #[error("the unit of `plusTime` must be \"year\", \"month\", \"day\" or \"hour\", found {0}")]
    PlusTimeUnit(String),
    /// An `extractFromUVCI` index that is not an integer literal.
    #[error("the index of `extractFromUVCI` must be an integer literal")]
    UvciIndex,
    /// Operations nested deeper than the limit.
    #[error("expression nested deeper than {0} levels")]
    TooDeep(usize),
}

/// The operations CertLogic defines, with the name each is written as.
const OPERATORS: [&str; 19] = [
    "var",
    "if",
    "and",
    "!",
    "===",
    "in",
    "+",
    "<",
    ">",
    "<=",
    ">=",
    "after",
    "before",
    "not-after",
    "not-before",
    "plusTime",
    "reduce",
    "extractFromUVCI",
    "dccDateOfBirth",
];

impl Expr {
    /// Parses and checks an expression, with operations nested at most
    /// [`DEFAULT_MAX_DEPTH`] deep.
    pub fn from_json(json: &Json) -> Result<Expr, ExprError> {
        Expr::from_json_with_depth(json, DEFAULT_MAX_DEPTH)
    }

    /// Parses and checks an expression, with operations and array literals nested at most
    /// `max_depth` deep.
    pub fn from_json_with_depth(json: &Json, max_depth: usize) -> Result<Expr, ExprError> {
        parse(json, max_depth, 1)
    }

    /// The operation's name as CertLogic writes it (`"literal"` and `"array"` for those).
    pub fn operator(&self) -> &'static str {
        match self {
            Expr::Bool(_) | Expr::Int(_) | Expr::Str(_) => "literal",
            Expr::Array(_) => "array",
            Expr::Var(_) => "var",
            Expr::If(_) => "if",
            Expr::And(_) => "and",
            Expr::Not(_) => "!",
            Expr::StrictEquals(_) => "===",
            Expr::In(_) => "in",
            Expr::Plus(_) => "+",
            Expr::Compare(c, _) => match c {
                Comparison::Less => "<",
                Comparison::Greater => ">",
                Comparison::LessOrEqual => "<=",
                Comparison::GreaterOrEqual => ">=",
            },
            Expr::CompareDateTimes(c, _) => match c {
                Comparison::Less => "before",
                Comparison::Greater => "after",
                Comparison::LessOrEqual => "not-after",
                Comparison::GreaterOrEqual => "not-before",
            },
            Expr::PlusTime { .. } => "plusTime",
            Expr::Reduce(_) => "reduce",
            Expr::ExtractFromUvci { .. } => "extractFromUVCI",
            Expr::DccDateOfBirth(_) => "dccDateOfBirth",
        }
    }

    /// The direct sub-expressions, in operand order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Bool(_) | Expr::Int(_) | Expr::Str(_) | Expr::Var(_) => Vec::new(),
            Expr::Array(items) | Expr::And(items) => items.iter().collect(),
            Expr::Compare(_, items) | Expr::CompareDateTimes(_, items) => items.iter().collect(),
            Expr::If(ops) | Expr::Reduce(ops) => ops.iter().collect(),
            Expr::StrictEquals(ops) | Expr::In(ops) | Expr::Plus(ops) => ops.iter().collect(),
            Expr::Not(e) | Expr::DccDateOfBirth(e) => vec![e],
            Expr::PlusTime { date, .. } => vec![date],
            Expr::ExtractFromUvci { operand, .. } => vec![operand],
        }
    }
}

fn parse(json: &Json, max_depth: usize, depth: usize) -> Result<Expr, ExprError> {
    if depth > max_depth {
        return Err(ExprError::TooDeep(max_depth));
    }
    let (operator, operands) = match json {
        Json::Bool(b) => return Ok(Expr::Bool(*b)),
        Json::Number(n) => {
            return json_integer(n)
                .map(Expr::Int)
                .ok_or(ExprError::Literal(ValueKind::Number))
        }
        Json::String(s) => return Ok(Expr::Str(s.clone())),
        Json::Null => return Err(ExprError::Literal(ValueKind::Null)),
        Json::Array(items) => {
            return items
                .iter()
                .map(|item| parse(item, max_depth, depth + 1))
                .collect::<Result<_, _>>()
                .map(Expr::Array)
        }
        Json::Object(map) => {
            let mut entries = map.iter();
            match (entries.next(), entries.next()) {
                (Some(entry), None) => entry,
                _ => return Err(ExprError::NotOneOperation(map.len())),
            }
        }
    };
    let Some(&name) = OPERATORS.iter().find(|&&known| known == operator) else {
        return Err(ExprError::UnknownOperator(truncated(operator)));
    };
    if name == "var" {
        return match operands {
            Json::String(path) => Ok(Expr::Var(VarPath::new(path))),
            other => Err(ExprError::VarPath(json_kind(other))),
        };
    }
    let Json::Array(operands) = operands else {
        return Err(ExprError::OperandsNotArray(name));
    };
    let arity = |expected: &'static str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(ExprError::Arity {
                operator: name,
                expected,
                found: operands.len(),
            })
        }
    };
    let n = operands.len();
    let sub = |i: usize| parse(&operands[i], max_depth, depth + 1);
    let all = || -> Result<Vec<Expr>, ExprError> { (0..n).map(sub).collect() };
    let two = || -> Result<Box<[Expr; 2]>, ExprError> { Ok(Box::new([sub(0)?, sub(1)?])) };
    let three =
        || -> Result<Box<[Expr; 3]>, ExprError> { Ok(Box::new([sub(0)?, sub(1)?, sub(2)?])) };
    let comparison = match name {
        "<" | "before" => Some(Comparison::Less),
        ">" | "after" => Some(Comparison::Greater),
        "<=" | "not-after" => Some(Comparison::LessOrEqual),
        ">=" | "not-before" => Some(Comparison::GreaterOrEqual),
        _ => None,
    };
    if let Some(c) = comparison {
        arity("2 or 3", n == 2 || n == 3)?;
        return Ok(if name.len() <= 2 {
            Expr::Compare(c, all()?)
        } else {
            Expr::CompareDateTimes(c, all()?)
        });
    }
    Ok(match name {
        "if" => {
            arity("3", n == 3)?;
            Expr::If(three()?)
        }
        "and" => {
            arity("at least 2", n >= 2)?;
            Expr::And(all()?)
        }
        "!" => {
            arity("1", n == 1)?;
            Expr::Not(Box::new(sub(0)?))
        }
        "===" | "in" | "+" => {
            arity("2", n == 2)?;
            match name {
                "===" => Expr::StrictEquals(two()?),
                "in" => Expr::In(two()?),
                _ => Expr::Plus(two()?),
            }
        }
        "plusTime" => {
            arity("3", n == 3)?;
            let amount = match &operands[1] {
                Json::Number(x) => json_integer(x).ok_or(ExprError::PlusTimeAmount)?,
                _ => return Err(ExprError::PlusTimeAmount),
            };
            let unit = match &operands[2] {
                Json::String(u) => TimeUnit::from_name(u),
                _ => None,
            }
            .ok_or_else(|| ExprError::PlusTimeUnit(truncated(&operands[2].to_string())))?;
            Expr::PlusTime {
                date: Box::new(sub(0)?),
                amount,
                unit,
            }
        }
        "reduce" => {
            arity("3", n == 3)?;
            Expr::Reduce(three()?)
        }
        "extractFromUVCI" => {
            arity("2", n == 2)?;
            let index = match &operands[1] {
                Json::Number(x) => json_integer(x).ok_or(ExprError::UvciIndex)?,
                _ => return Err(ExprError::UvciIndex),
            };
            Expr::ExtractFromUvci {
                operand: Box::new(sub(0)?),
                index,
            }
        }
        _ => {
            arity("1", n == 1)?;
            Expr::DccDateOfBirth(Box::new(sub(0)?))
        }
    })
}

/// The kind of a JSON value, for error messages.
pub(crate) fn json_kind(json: &Json) -> ValueKind {
    match json {
        Json::Null => ValueKind::Null,
        Json::Bool(_) => ValueKind::Boolean,
        Json::Number(n) if json_integer(n).is_some() => ValueKind::Integer,
        Json::Number(_) => ValueKind::Number,
        Json::String(_) => ValueKind::String,
        Json::Array(_) => ValueKind::Array,
        Json::Object(_) => ValueKind::Object,
    }
}
