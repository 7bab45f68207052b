//! CertLogic: the plaintext reference semantics of the EU DCC business rules.
//!
//! CertLogic is the JsonLogic dialect with date-times in which EU/EEA countries published
//! their acceptance rules for the EU Digital COVID Certificate. This module implements the
//! CertLogic specification, version 1.3.3 (`tests/fixtures/certlogic/spec/README.md`, with
//! `design-choices.md`), section by section:
//!
//! | specification | here |
//! |---|---|
//! | §"Truthy and falsy values" | [`Value::truthiness`] |
//! | §"Literal values" | [`Expr::from_json`] (booleans, integers, strings, arrays; no `null`, objects or fractions) |
//! | §"Dates and date-times" | [`DateTime`] (milliseconds, UTC) |
//! | §"Data access (`var`)" | [`Expr::Var`], [`VarPath`] |
//! | §"If-then-else (`if`)" | [`Expr::If`] |
//! | §"Operations with infix operators" | [`Expr::And`], [`Expr::StrictEquals`], [`Expr::In`], [`Expr::Plus`], [`Expr::Compare`], [`Expr::CompareDateTimes`] (two- and three-operand forms) |
//! | §"Negation (`!`)" | [`Expr::Not`] |
//! | §"Offset date-time (`plusTime`)" | [`Expr::PlusTime`], [`DateTime::parse`], [`DateTime::plus`] |
//! | §"DCC Date of birth (`dccDateOfBirth`)" | [`Expr::DccDateOfBirth`], [`DateTime::parse_date_of_birth`] |
//! | §"Reduction (`reduce`)" | [`Expr::Reduce`] |
//! | §"Extract data from an UCI (`extractFromUVCI`)" | [`Expr::ExtractFromUvci`], [`extract_from_uvci`] |
//!
//! An expression is parsed and checked as a whole first ([`Expr::from_json`], errors
//! [`ExprError`]), then evaluated ([`evaluate`], errors [`EvalError`]): the specification's
//! invalid expressions and type mismatches are typed errors, never panics, and every
//! evaluation is bounded in depth and work ([`Limits`]). Rule files of the EU gateway's
//! format are [`Rule`]s, evaluated over a payload and its `external` parameters into a
//! [`RuleOutcome`].
//!
//! Where the specification leaves a choice, or its reference implementations disagree, the
//! choice is documented at the item and in `docs/certlogic.md`. In short: `plusTime` by months
//! and years follows the specification's ECMAScript methods (a missing day rolls over into
//! the next month); `===` on two arrays, objects or date-times is an error; an integer path
//! fragment only indexes arrays; date-time strings outside the listed formats are errors.
//!
//! This module is plain data processing: it depends on nothing cryptographic (only on the
//! project's calendar arithmetic, [`crate::credential::calendar`]).
//!
//! # Example
//! ```
//! use healthpass::certlogic::{evaluate_json, Rule, RuleOutcome};
//! use serde_json::json;
//!
//! // "the holder is a minor" (the specification's own example)
//! let minor = json!({ "after": [
//!     { "dccDateOfBirth": [ { "var": "payload.dob" } ] },
//!     { "plusTime": [ { "var": "external.validationClock" }, -18, "year" ] } ] });
//! let data = json!({ "payload": { "dob": "2004-01" },
//!                    "external": { "validationClock": "2022-01-30T13:37:00Z" } });
//! assert_eq!(evaluate_json(&minor, &data)?, json!(true));
//!
//! let rule = Rule::from_json(&json!({
//!     "Identifier": "VR-XX-0001", "Type": "Acceptance", "Country": "XX",
//!     "Version": "1.0.0", "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC",
//!     "EngineVersion": "0.7.5", "CertificateType": "Vaccination",
//!     "Description": [ { "lang": "en", "desc": "At least two doses were given." } ],
//!     "ValidFrom": "2021-06-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00Z",
//!     "AffectedFields": [ "v.0", "v.0.dn" ],
//!     "Logic": { "if": [ { "var": "payload.v.0" },
//!                        { ">=": [ { "var": "payload.v.0.dn" }, 2 ] }, true ] } }))?;
//! let outcome = rule.check(&json!({ "v": [ { "dn": 1 } ] }), &json!({}));
//! assert_eq!(outcome, RuleOutcome::Failed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod datetime;
mod eval;
mod expr;
mod rule;
mod value;

pub use datetime::{DateTime, DateTimeError, TimeUnit, MAX_MILLIS};
pub use eval::{evaluate, evaluate_with_limits, extract_from_uvci, EvalError, Limits};
pub use expr::{Comparison, Expr, ExprError, PathFragment, VarPath, DEFAULT_MAX_DEPTH};
pub use rule::{CertificateType, Description, Rule, RuleError, RuleOutcome, RuleType};
pub use value::{json_integer, Array, Object, Value, ValueKind, MAX_SAFE_INTEGER};

/// Parses `expr` and evaluates it over the data context `data` with the default [`Limits`],
/// giving the result as JSON (a date-time as its ISO string): the shape of the
/// specification's test suite.
pub fn evaluate_json(
    expr: &serde_json::Value,
    data: &serde_json::Value,
) -> Result<serde_json::Value, EvalError> {
    let expr = Expr::from_json(expr)?;
    evaluate(&expr, Value::from_json(data)).map(|v| v.to_json())
}
