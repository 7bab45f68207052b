//! The evaluator: each operation exactly as the specification's §"Operations" defines it.
//!
//! Evaluation never panics and its work is bounded: every evaluation step, every item an
//! `in` or `reduce` visits and every 64 bytes a string operation reads costs one unit of a
//! budget ([`Limits::max_steps`]); recursion follows the (already bounded) nesting of the
//! expression; arrays and records built while evaluating nest at most
//! [`Limits::max_depth`] deep.

use super::datetime::{DateTime, DateTimeError};
use super::expr::{Comparison, Expr, PathFragment, VarPath, DEFAULT_MAX_DEPTH};
use super::value::{Value, ValueKind, MAX_SAFE_INTEGER};

/// Bounds on one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// How deeply operations may nest (checked again at evaluation, for expressions built
    /// by hand) and how deeply built arrays and records may nest.
    pub max_depth: usize,
    /// The evaluation budget, in steps.
    pub max_steps: u64,
}

impl Default for Limits {
    /// 64 levels and 1,000,000 steps: the corpus's most expensive case takes a few hundred.
    fn default() -> Limits {
        Limits {
            max_depth: DEFAULT_MAX_DEPTH,
            max_steps: 1_000_000,
        }
    }
}

/// Why evaluating a valid expression failed: the specification's errors ("type mismatches
/// that aren't detected through upfront validation") and this implementation's bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The expression itself is invalid (only from the functions that parse and evaluate).
    #[error("invalid expression: {0}")]
    Expr(#[from] super::expr::ExprError),
    /// The guard of `if`, or an operand of `and` or `!`, is neither truthy nor falsy.
    #[error("operand of `{operator}` is neither truthy nor falsy: {found}")]
    NeitherTruthyNorFalsy {
        /// The operation.
        operator: &'static str,
        /// What the operand evaluated to.
        found: ValueKind,
    },
    /// An operand of the wrong type.
    #[error("operand {position} of `{operator}` must be {expected}, found {found}")]
    WrongType {
        /// The operation.
        operator: &'static str,
        /// The operand's position, from 1.
        position: usize,
        /// What it must be.
        expected: &'static str,
        /// What it evaluated to.
        found: ValueKind,
    },
    /// `===` (or `in`) between two arrays, two objects or two date-times, where the
    /// specification says `===` "works reliable on strings and integers, but not on other
    /// types" and its reference implementations disagree (identity or structure).
    #[error("`{operator}` cannot compare {kind} with {kind}: strict equality is defined on null, booleans, integers and strings")]
    UndefinedEquality {
        /// `===` or `in`.
        operator: &'static str,
        /// The kind of both operands.
        kind: ValueKind,
    },
    /// A date-time string that is not in an allowed format, or a result out of range.
    #[error("`{operator}`: {source}")]
    DateTime {
        /// `plusTime` or `dccDateOfBirth`.
        operator: &'static str,
        /// What was wrong.
        source: DateTimeError,
    },
    /// `+` with a result beyond JavaScript's safe integers.
    #[error("`+` overflows the safe integer range (±{MAX_SAFE_INTEGER})")]
    IntegerOverflow,
    /// The evaluation used up its budget.
    #[error("evaluation exceeded its budget of {0} steps")]
    BudgetExhausted(u64),
    /// Operations, or built values, nested deeper than the limit.
    #[error("evaluation nested deeper than {0} levels")]
    TooDeep(usize),
}

/// Evaluates `expr` over the data context `data` with the default [`Limits`].
pub fn evaluate<'a>(expr: &'a Expr, data: Value<'a>) -> Result<Value<'a>, EvalError> {
    evaluate_with_limits(expr, data, Limits::default())
}

/// Evaluates `expr` over the data context `data` within `limits`.
pub fn evaluate_with_limits<'a>(
    expr: &'a Expr,
    data: Value<'a>,
    limits: Limits,
) -> Result<Value<'a>, EvalError> {
    Evaluator { limits, steps: 0 }.eval(expr, &data, 1)
}

struct Evaluator {
    limits: Limits,
    steps: u64,
}

/// One step per 64 bytes a string operation reads, and one for the operation.
fn string_cost(s: &str) -> u64 {
    1 + (s.len() / 64) as u64
}

impl Evaluator {
    fn charge(&mut self, steps: u64) -> Result<(), EvalError> {
        self.steps = self.steps.saturating_add(steps);
        if self.steps > self.limits.max_steps {
            Err(EvalError::BudgetExhausted(self.limits.max_steps))
        } else {
            Ok(())
        }
    }

    fn eval<'a>(
        &mut self,
        expr: &'a Expr,
        data: &Value<'a>,
        depth: usize,
    ) -> Result<Value<'a>, EvalError> {
        if depth > self.limits.max_depth {
            return Err(EvalError::TooDeep(self.limits.max_depth));
        }
        self.charge(1)?;
        let next = depth + 1;
        match expr {
            Expr::Bool(b) => Ok(Value::Bool(*b)),
            Expr::Int(i) => Ok(Value::Int(*i)),
            Expr::Str(s) => Ok(Value::Str(s)),
            Expr::Array(items) => {
                let values = items
                    .iter()
                    .map(|item| self.eval(item, data, next))
                    .collect::<Result<Vec<_>, _>>()?;
                self.built(Value::array(values, self.limits.max_depth))
            }
            Expr::Var(path) => self.access(data, path),
            Expr::If(ops) => {
                let [guard, then, otherwise] = &**ops;
                let guard = self.eval(guard, data, next)?;
                if truthiness("if", &guard)? {
                    self.eval(then, data, next)
                } else {
                    self.eval(otherwise, data, next)
                }
            }
            Expr::And(operands) => {
                // Lazily, in order: the first falsy operand, or the last one.
                let mut last = Value::Bool(true);
                for operand in operands {
                    last = self.eval(operand, data, next)?;
                    if !truthiness("and", &last)? {
                        break;
                    }
                }
                Ok(last)
            }
            Expr::Not(operand) => {
                let value = self.eval(operand, data, next)?;
                Ok(Value::Bool(!truthiness("!", &value)?))
            }
            Expr::StrictEquals(ops) => {
                let a = self.eval(&ops[0], data, next)?;
                let b = self.eval(&ops[1], data, next)?;
                Ok(Value::Bool(self.strict_equals("===", &a, &b)?))
            }
            Expr::In(ops) => {
                let needle = self.eval(&ops[0], data, next)?;
                let haystack = self.eval(&ops[1], data, next)?;
                let Value::Array(items) = haystack else {
                    return Err(wrong_type("in", 2, "an array", &haystack));
                };
                for item in items.iter() {
                    if self.strict_equals("in", &needle, &item)? {
                        return Ok(Value::Bool(true));
                    }
                }
                Ok(Value::Bool(false))
            }
            Expr::Plus(ops) => {
                let a = self.eval(&ops[0], data, next)?;
                let b = self.eval(&ops[1], data, next)?;
                match (&a, &b) {
                    (Value::Int(x), Value::Int(y)) => {
                        let sum = x + y; // both within ±2^53: no i64 overflow
                        if sum.unsigned_abs() > MAX_SAFE_INTEGER.unsigned_abs() {
                            Err(EvalError::IntegerOverflow)
                        } else {
                            Ok(Value::Int(sum))
                        }
                    }
                    (Value::Int(_), other) => Err(wrong_type("+", 2, "an integer", other)),
                    (other, _) => Err(wrong_type("+", 1, "an integer", other)),
                }
            }
            Expr::Compare(op, operands) => {
                let operator = expr.operator();
                let values = self.eval_all(operands, data, next)?;
                let ints = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Value::Int(x) => Ok(*x),
                        other => Err(wrong_type(operator, i + 1, "an integer", other)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::Bool(chain_holds(*op, &ints)))
            }
            Expr::CompareDateTimes(op, operands) => {
                let operator = expr.operator();
                let values = self.eval_all(operands, data, next)?;
                let times = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match v {
                        Value::DateTime(t) => Ok(*t),
                        other => Err(wrong_type(operator, i + 1, "a date-time", other)),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::Bool(chain_holds(*op, &times)))
            }
            Expr::PlusTime { date, amount, unit } => {
                let value = self.eval(date, data, next)?;
                let Value::Str(s) = value else {
                    return Err(wrong_type("plusTime", 1, "a string", &value));
                };
                self.charge(string_cost(s))?;
                let date_time = |e| EvalError::DateTime {
                    operator: "plusTime",
                    source: e,
                };
                let parsed = DateTime::parse(s).map_err(date_time)?;
                Ok(Value::DateTime(
                    parsed.plus(*amount, *unit).map_err(date_time)?,
                ))
            }
            Expr::Reduce(ops) => {
                let [operand, lambda, initial] = &**ops;
                let operand = self.eval(operand, data, next)?;
                let items = match operand {
                    Value::Null => return self.eval(initial, data, next),
                    Value::Array(items) => items,
                    other => return Err(wrong_type("reduce", 1, "an array or null", &other)),
                };
                let mut accumulator = self.eval(initial, data, next)?;
                for current in items.iter() {
                    let context = self.built(Value::record(
                        vec![("accumulator", accumulator), ("current", current)],
                        self.limits.max_depth,
                    ))?;
                    accumulator = self.eval(lambda, &context, next)?;
                }
                Ok(accumulator)
            }
            Expr::ExtractFromUvci { operand, index } => {
                let value = self.eval(operand, data, next)?;
                match value {
                    Value::Null => Ok(Value::Null),
                    Value::Str(uvci) => {
                        self.charge(string_cost(uvci))?;
                        Ok(extract_from_uvci(uvci, *index).map_or(Value::Null, Value::Str))
                    }
                    other => Err(wrong_type("extractFromUVCI", 1, "a string or null", &other)),
                }
            }
            Expr::DccDateOfBirth(operand) => {
                let value = self.eval(operand, data, next)?;
                let Value::Str(s) = value else {
                    return Err(wrong_type("dccDateOfBirth", 1, "a string", &value));
                };
                self.charge(string_cost(s))?;
                DateTime::parse_date_of_birth(s)
                    .map(Value::DateTime)
                    .map_err(|source| EvalError::DateTime {
                        operator: "dccDateOfBirth",
                        source,
                    })
            }
        }
    }

    fn eval_all<'a>(
        &mut self,
        operands: &'a [Expr],
        data: &Value<'a>,
        depth: usize,
    ) -> Result<Vec<Value<'a>>, EvalError> {
        operands
            .iter()
            .map(|operand| self.eval(operand, data, depth))
            .collect()
    }

    fn built<'a>(&self, value: Option<Value<'a>>) -> Result<Value<'a>, EvalError> {
        value.ok_or(EvalError::TooDeep(self.limits.max_depth))
    }

    /// §"Data access": drill down fragment by fragment; anything missing or undrillable is
    /// `null`. Integer fragments index arrays (and only arrays); other fragments are keys of
    /// objects (and only objects).
    fn access<'a>(&mut self, data: &Value<'a>, path: &VarPath) -> Result<Value<'a>, EvalError> {
        let mut current = data.clone();
        for fragment in path.fragments() {
            self.charge(1)?;
            let next = match (&current, fragment) {
                (Value::Array(items), PathFragment::Index(Some(i))) => items.get(*i),
                (Value::Object(object), PathFragment::Key(key)) => object.get(key),
                _ => None,
            };
            match next {
                Some(value) => current = value,
                None => return Ok(Value::Null),
            }
        }
        Ok(current)
    }

    /// `===` without type coercion: values of different kinds differ; null, booleans,
    /// integers, other numbers and strings compare by value; two arrays, two objects or two
    /// date-times are an error (see [`EvalError::UndefinedEquality`]).
    fn strict_equals(
        &mut self,
        operator: &'static str,
        a: &Value<'_>,
        b: &Value<'_>,
    ) -> Result<bool, EvalError> {
        self.charge(1)?;
        Ok(match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Number(x), Value::Number(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => {
                self.charge(string_cost(x).min(string_cost(y)))?;
                x == y
            }
            (Value::Array(_), Value::Array(_))
            | (Value::Object(_), Value::Object(_))
            | (Value::DateTime(_), Value::DateTime(_)) => {
                return Err(EvalError::UndefinedEquality {
                    operator,
                    kind: a.kind(),
                })
            }
            _ => false,
        })
    }
}

/// §"Operations with infix operators": two operands compare once; three mean
/// `(a op b) and (b op c)`.
fn chain_holds<T: Ord>(op: Comparison, values: &[T]) -> bool {
    values.windows(2).all(|pair| op.holds(&pair[0], &pair[1]))
}

fn truthiness(operator: &'static str, value: &Value<'_>) -> Result<bool, EvalError> {
    value.truthiness().ok_or(EvalError::NeitherTruthyNorFalsy {
        operator,
        found: value.kind(),
    })
}

fn wrong_type(
    operator: &'static str,
    position: usize,
    expected: &'static str,
    found: &Value<'_>,
) -> EvalError {
    EvalError::WrongType {
        operator,
        position,
        expected,
        found: found.kind(),
    }
}

/// The optional prefix of a UCI (specification §"Extract data from an UCI").
const UVCI_PREFIX: &str = "URN:UVCI:";

/// §"Extract data from an UCI": without its optional `URN:UVCI:` prefix, the string split on
/// `/`, `#` and `:`, fragment number `index` (0-based), or `None` if there is no such
/// fragment. The string is not checked against the UCI format.
pub fn extract_from_uvci(uvci: &str, index: i64) -> Option<&str> {
    let index = usize::try_from(index).ok()?;
    uvci.strip_prefix(UVCI_PREFIX)
        .unwrap_or(uvci)
        .split(['/', '#', ':'])
        .nth(index)
}
