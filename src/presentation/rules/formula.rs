//! The compiler's output before it becomes policy JSON: statements over one credential's
//! attributes (the contract's grammar, `docs/formats.md`) and their boolean structure,
//! always in negation normal form (a negated statement is another statement), with a
//! plaintext evaluation over an attribute object ([`Formula::holds`]).

use core::fmt;

use serde_json::Value as Json;

use crate::credential::{calendar, AttributeType, AttributeValue, CredentialType, ValueSet};
use crate::presentation::policy::{MAX_BRANCHES, MAX_DEPTH};

/// A bound or element of a statement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Literal {
    /// An integer.
    Int(i64),
    /// A code or string.
    Str(String),
    /// A day (days since 1970-01-01).
    Date(i64),
    /// A minute (minutes since 1970-01-01T00:00Z).
    Instant(i64),
}

impl Literal {
    /// The integer an ordered literal stands for (days, minutes), `None` for strings.
    fn order(&self) -> Option<i64> {
        match self {
            Literal::Int(i) | Literal::Date(i) | Literal::Instant(i) => Some(*i),
            Literal::Str(_) => None,
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Str(s) if s.is_empty() => f.write_str("\"\""),
            Literal::Str(s) => f.write_str(s),
            Literal::Date(d) => f.write_str(&calendar::format_date(*d).unwrap_or_default()),
            Literal::Instant(m) => f.write_str(&calendar::format_instant(*m).unwrap_or_default()),
        }
    }
}

/// A comparison operator of the statement grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// The operator's text.
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> Op {
        match self {
            Op::Eq => Op::Ne,
            Op::Ne => Op::Eq,
            Op::Lt => Op::Ge,
            Op::Le => Op::Gt,
            Op::Gt => Op::Le,
            Op::Ge => Op::Lt,
        }
    }

    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn swapped(self) -> Op {
        match self {
            Op::Lt => Op::Gt,
            Op::Le => Op::Ge,
            Op::Gt => Op::Lt,
            Op::Ge => Op::Le,
            other => other,
        }
    }

    /// `left OP right`.
    pub fn holds<T: Ord>(self, left: &T, right: &T) -> bool {
        match self {
            Op::Eq => left == right,
            Op::Ne => left != right,
            Op::Lt => left < right,
            Op::Le => left <= right,
            Op::Gt => left > right,
            Op::Ge => left >= right,
        }
    }
}

/// One statement over one attribute of the credential (or two, for [`Statement::Attributes`]).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Statement {
    /// `ATTR OP V`.
    Compare {
        /// The attribute.
        attribute: &'static str,
        /// The operator.
        op: Op,
        /// The bound.
        value: Literal,
    },
    /// `ATTR in LO..HI`, both ends included.
    Range {
        /// The attribute.
        attribute: &'static str,
        /// The low end.
        low: Literal,
        /// The high end.
        high: Literal,
    },
    /// `ATTR in {A,B,...}` (sorted, distinct).
    OneOf {
        /// The attribute.
        attribute: &'static str,
        /// The elements.
        values: Vec<Literal>,
    },
    /// `ATTR not in {A,B,...}` on a code: any other text, listed in the value set or not
    /// (an issuer may sign unlisted codes). The compiler keeps it whole while it simplifies
    /// (it is the complement of [`Statement::OneOf`]); a policy proves it as one `ATTR != A`
    /// per excluded code ([`Formula::for_policy`]), never as membership in the rest of the
    /// value set, which an unlisted code could not prove.
    NoneOf {
        /// The attribute (a code).
        attribute: &'static str,
        /// The excluded codes (sorted, distinct; `""` among them excludes the empty code).
        values: Vec<Literal>,
    },
    /// `ATTR OP ATTR2`.
    Attributes {
        /// The left attribute.
        left: &'static str,
        /// The operator.
        op: Op,
        /// The right attribute.
        right: &'static str,
    },
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Compare {
                attribute,
                op,
                value,
            } => write!(f, "{attribute} {} {value}", op.text()),
            Statement::Range {
                attribute,
                low,
                high,
            } => write!(f, "{attribute} in {low}..{high}"),
            Statement::OneOf { attribute, values } => {
                write!(f, "{attribute} in {{")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("}")
            }
            Statement::NoneOf { attribute, values } => {
                write!(f, "{attribute} not in {{")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("}")
            }
            Statement::Attributes { left, op, right } => {
                write!(f, "{left} {} {right}", op.text())
            }
        }
    }
}

/// The attribute's type in `t`'s current schema.
fn attribute_type(t: CredentialType, name: &str) -> Option<AttributeType> {
    t.schema().attribute(name).map(|(_, spec)| spec.ty)
}

/// The value set of a code attribute, `None` for other types.
pub(crate) fn value_set_of(t: CredentialType, name: &str) -> Option<ValueSet> {
    match attribute_type(t, name)? {
        AttributeType::Code(set) => Some(set),
        _ => None,
    }
}

/// A read attribute value: an ordered integer (integers, days, minutes) or a text.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Plain {
    Ordered(i64),
    Text(String),
}

fn read(t: CredentialType, attributes: &Json, name: &str) -> Option<Plain> {
    let ty = attribute_type(t, name)?;
    let value = AttributeValue::from_json(ty, attributes.get(name)?).ok()?;
    match value {
        AttributeValue::String(s) | AttributeValue::Code(s) => Some(Plain::Text(s)),
        other => other.as_integer().map(Plain::Ordered),
    }
}

fn plain(literal: &Literal) -> Plain {
    match literal.order() {
        Some(i) => Plain::Ordered(i),
        None => Plain::Text(match literal {
            Literal::Str(s) => s.clone(),
            _ => String::new(),
        }),
    }
}

impl Statement {
    /// Whether the statement holds for the attribute values `attributes` (an `ATTRS.json`
    /// object of a credential of type `t`); `false` when an attribute is missing or
    /// unreadable.
    pub fn holds(&self, t: CredentialType, attributes: &Json) -> bool {
        let get = |name| read(t, attributes, name);
        match self {
            Statement::Compare {
                attribute,
                op,
                value,
            } => get(attribute).is_some_and(|v| op.holds(&v, &plain(value))),
            Statement::Range {
                attribute,
                low,
                high,
            } => get(attribute).is_some_and(|v| plain(low) <= v && v <= plain(high)),
            Statement::OneOf { attribute, values } => {
                get(attribute).is_some_and(|v| values.iter().any(|e| plain(e) == v))
            }
            Statement::NoneOf { attribute, values } => {
                get(attribute).is_some_and(|v| values.iter().all(|e| plain(e) != v))
            }
            Statement::Attributes { left, op, right } => match (get(left), get(right)) {
                (Some(a), Some(b)) => op.holds(&a, &b),
                _ => false,
            },
        }
    }

    /// The attributes it reads.
    pub fn attributes(&self) -> Vec<&'static str> {
        match self {
            Statement::Compare { attribute, .. }
            | Statement::Range { attribute, .. }
            | Statement::OneOf { attribute, .. }
            | Statement::NoneOf { attribute, .. } => vec![attribute],
            Statement::Attributes { left, right, .. } => vec![left, right],
        }
    }

    /// The statement that holds exactly when this one does not, for a credential of type
    /// `t` (a set on a code attribute becomes `not in` the set: any other text, since an
    /// issuer may sign codes outside the value set).
    pub fn negated(&self, t: CredentialType) -> Formula {
        match self {
            Statement::Compare {
                attribute,
                op,
                value,
            } => Formula::Atom(Statement::Compare {
                attribute,
                op: op.negated(),
                value: value.clone(),
            }),
            Statement::Range {
                attribute,
                low,
                high,
            } => Formula::any(vec![
                Formula::compare(attribute, Op::Lt, low.clone()),
                Formula::compare(attribute, Op::Gt, high.clone()),
            ]),
            Statement::OneOf { attribute, values } => match value_set_of(t, attribute) {
                Some(_) => Formula::Atom(Statement::NoneOf {
                    attribute,
                    values: values.clone(),
                }),
                None => Formula::all(
                    values
                        .iter()
                        .map(|v| Formula::compare(attribute, Op::Ne, v.clone()))
                        .collect(),
                ),
            },
            Statement::NoneOf { attribute, values } => Formula::one_of(attribute, values.clone()),
            Statement::Attributes { left, op, right } => Formula::Atom(Statement::Attributes {
                left,
                op: op.negated(),
                right,
            }),
        }
    }
}

impl Statement {
    /// The statement that holds exactly when this one does not, when that is one statement
    /// whatever the credential type (`a < b` and `a >= b`; `ATTR in S` and `ATTR not in S`).
    fn complement(&self) -> Option<Statement> {
        match self {
            Statement::Compare {
                attribute,
                op,
                value,
            } => Some(Statement::Compare {
                attribute,
                op: op.negated(),
                value: value.clone(),
            }),
            Statement::Attributes { left, op, right } => Some(Statement::Attributes {
                left,
                op: op.negated(),
                right,
            }),
            Statement::OneOf { attribute, values } => Some(Statement::NoneOf {
                attribute,
                values: values.clone(),
            }),
            Statement::NoneOf { attribute, values } => Some(Statement::OneOf {
                attribute,
                values: values.clone(),
            }),
            Statement::Range { .. } => None,
        }
    }
}

/// Whether `b` is the negation of `a` in form: complementary statements, or an `all` and
/// an `any` whose parts are complementary one for one.
fn complementary(a: &Formula, b: &Formula) -> bool {
    match (a, b) {
        (Formula::True, Formula::False) | (Formula::False, Formula::True) => true,
        (Formula::Atom(s), Formula::Atom(u)) => s.complement().as_ref() == Some(u),
        (Formula::All(xs), Formula::Any(ys)) | (Formula::Any(xs), Formula::All(ys)) => {
            xs.len() == ys.len()
                && xs.iter().all(|x| ys.iter().any(|y| complementary(x, y)))
                && ys.iter().all(|y| xs.iter().any(|x| complementary(x, y)))
        }
        _ => false,
    }
}

/// A boolean combination of statements, in negation normal form.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Formula {
    /// Always holds.
    True,
    /// Never holds.
    False,
    /// One statement.
    Atom(Statement),
    /// Every part holds.
    All(Vec<Formula>),
    /// At least one part holds.
    Any(Vec<Formula>),
}

impl Formula {
    /// `ATTR OP V`.
    pub fn compare(attribute: &'static str, op: Op, value: Literal) -> Formula {
        Formula::Atom(Statement::Compare {
            attribute,
            op,
            value,
        })
    }

    /// `ATTR in {values}`: `False` for no value, `ATTR = V` for one.
    pub fn one_of(attribute: &'static str, mut values: Vec<Literal>) -> Formula {
        values.sort();
        values.dedup();
        match values.len() {
            0 => Formula::False,
            1 => Formula::compare(attribute, Op::Eq, values.remove(0)),
            _ => Formula::Atom(Statement::OneOf { attribute, values }),
        }
    }

    /// `ATTR = ""`: the empty code or string (`""` in the contract's grammar is the empty
    /// value, `docs/formats.md`).
    pub fn empty(attribute: &'static str) -> Formula {
        Formula::compare(attribute, Op::Eq, Literal::Str(String::new()))
    }

    /// The same condition with every `not in` on a code written as what a policy proves,
    /// so that a code outside the value set proves it as CertLogic evaluates it:
    /// - when the whole formula also requires `ATTR in S` (a top-level conjunct), `ATTR not
    ///   in T` anywhere in it is `ATTR in S \ T` (one membership proof: given `ATTR in S`,
    ///   the two are the same for any text);
    /// - otherwise one `ATTR != A` per excluded code (a hiding inequality proof each).
    pub fn without_none_of(&self) -> Formula {
        let conjuncts = match self {
            Formula::All(parts) => parts.as_slice(),
            other => core::slice::from_ref(other),
        };
        let required: Vec<(&'static str, Vec<Literal>)> = conjuncts
            .iter()
            .filter_map(|p| match p {
                Formula::Atom(Statement::OneOf { attribute, values }) => {
                    Some((*attribute, values.clone()))
                }
                Formula::Atom(Statement::Compare {
                    attribute,
                    op: Op::Eq,
                    value: value @ Literal::Str(_),
                }) => Some((*attribute, vec![value.clone()])),
                _ => None,
            })
            .collect();
        self.none_of_rewritten(&required)
    }

    fn none_of_rewritten(&self, required: &[(&'static str, Vec<Literal>)]) -> Formula {
        match self {
            Formula::Atom(Statement::NoneOf { attribute, values }) => {
                match required.iter().find(|(a, _)| a == attribute) {
                    Some((_, set)) => Formula::one_of(
                        attribute,
                        set.iter()
                            .filter(|v| !values.contains(v))
                            .cloned()
                            .collect(),
                    ),
                    None => Formula::all(
                        values
                            .iter()
                            .map(|v| Formula::compare(attribute, Op::Ne, v.clone()))
                            .collect(),
                    ),
                }
            }
            Formula::All(parts) => Formula::all(
                parts
                    .iter()
                    .map(|p| p.none_of_rewritten(required))
                    .collect(),
            ),
            Formula::Any(parts) => Formula::any(
                parts
                    .iter()
                    .map(|p| p.none_of_rewritten(required))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Every part, simplified (constants folded, nesting flattened, repeats removed).
    pub fn all(parts: Vec<Formula>) -> Formula {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Formula::True => {}
                Formula::False => return Formula::False,
                Formula::All(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        Self::finish(out, true)
    }

    /// At least one part, simplified.
    pub fn any(parts: Vec<Formula>) -> Formula {
        let mut out = Vec::new();
        for p in parts {
            match p {
                Formula::False => {}
                Formula::True => return Formula::True,
                Formula::Any(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        // `ATTR = A` or `ATTR in {B, C}` together: one set.
        let mut merged: Vec<Formula> = Vec::new();
        for p in out {
            let elements = |f: &Formula| match f {
                Formula::Atom(Statement::Compare {
                    attribute,
                    op: Op::Eq,
                    value,
                }) => Some((*attribute, vec![value.clone()])),
                Formula::Atom(Statement::OneOf { attribute, values }) => {
                    Some((*attribute, values.clone()))
                }
                _ => None,
            };
            let mut joined = false;
            if let Some((name, values)) = elements(&p) {
                for m in &mut merged {
                    if let Some((other, mut existing)) = elements(m) {
                        if other == name {
                            existing.extend(values.iter().cloned());
                            *m = Formula::one_of(name, existing);
                            joined = true;
                            break;
                        }
                    }
                }
            }
            if !joined {
                merged.push(p);
            }
        }
        Self::finish(merged, false)
    }

    fn finish(mut parts: Vec<Formula>, all: bool) -> Formula {
        if let Some(parts) = Self::absorbed(&parts, all) {
            return if all {
                Formula::all(parts)
            } else {
                Formula::any(parts)
            };
        }
        let mut seen = Vec::new();
        parts.retain(|p| {
            let new = !seen.contains(p);
            if new {
                seen.push(p.clone());
            }
            new
        });
        match parts.len() {
            0 if all => Formula::True,
            0 => Formula::False,
            1 => parts.remove(0),
            _ if all => Formula::All(parts),
            _ => Formula::Any(parts),
        }
    }

    /// Absorption, for the statements `parts` of an `any` (or, `all`, of an `all`) holds
    /// directly: `L or (L and r)` is `L`, `L or (not L and r)` is `L or r`, and dually
    /// `L and (L or r)` is `L`, `L and (not L or r)` is `L and r`. An `if` compiles to
    /// `(c and a) or (not c and b)`; absorption keeps such chains shallow (the policy
    /// grammar nests at most four levels) and their proofs short. `None` when nothing
    /// changes.
    fn absorbed(parts: &[Formula], all: bool) -> Option<Vec<Formula>> {
        let atoms: Vec<&Statement> = parts
            .iter()
            .filter_map(|p| match p {
                Formula::Atom(s) => Some(s),
                _ => None,
            })
            .collect();
        if atoms.is_empty() {
            return Self::merged(parts, all);
        }
        let complements: Vec<Statement> = atoms.iter().filter_map(|s| s.complement()).collect();
        let mut changed = false;
        let mut out = Vec::with_capacity(parts.len());
        for p in parts {
            let inner = match (p, all) {
                (Formula::All(inner), false) | (Formula::Any(inner), true) => inner,
                _ => {
                    out.push(p.clone());
                    continue;
                }
            };
            let holds_atom = |f: &Formula| matches!(f, Formula::Atom(s) if atoms.contains(&s));
            let is_complement =
                |f: &Formula| matches!(f, Formula::Atom(s) if complements.contains(s));
            if inner.iter().any(holds_atom) {
                // `L or (L and r)`: the part adds nothing.
                changed = true;
                continue;
            }
            if inner.iter().any(is_complement) {
                changed = true;
                let kept = inner
                    .iter()
                    .filter(|f| !is_complement(f))
                    .cloned()
                    .collect();
                out.push(if all {
                    Formula::any(kept)
                } else {
                    Formula::all(kept)
                });
            } else {
                out.push(p.clone());
            }
        }
        if changed {
            Some(out)
        } else {
            Self::merged(parts, all)
        }
    }

    /// Merging, for the parts of an `any` (dually of an `all`): `(X and P) or (X and Q)`
    /// is `X` when `Q` is the negation of `P` (how the cases of a `product` of hidden
    /// booleans recombine: `true in [a, b, c]` is then `a or b or c`, not its eight
    /// cases). `None` when no two parts merge.
    fn merged(parts: &[Formula], all: bool) -> Option<Vec<Formula>> {
        let inner = |f: &Formula| -> Vec<Formula> {
            match (f, all) {
                (Formula::All(inner), false) | (Formula::Any(inner), true) => inner.clone(),
                _ => vec![f.clone()],
            }
        };
        let join = |fs: Vec<Formula>| {
            if all {
                Formula::any(fs)
            } else {
                Formula::all(fs)
            }
        };
        for i in 0..parts.len() {
            let p = inner(&parts[i]);
            for j in i + 1..parts.len() {
                let q = inner(&parts[j]);
                let common: Vec<Formula> = p.iter().filter(|x| q.contains(x)).cloned().collect();
                let dp: Vec<Formula> = p.iter().filter(|x| !common.contains(x)).cloned().collect();
                let dq: Vec<Formula> = q.iter().filter(|x| !common.contains(x)).cloned().collect();
                if dp.is_empty() || dq.is_empty() || !complementary(&join(dp), &join(dq)) {
                    continue;
                }
                let mut out: Vec<Formula> = parts
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i && *k != j)
                    .map(|(_, f)| f.clone())
                    .collect();
                out.push(join(common));
                return Some(out);
            }
        }
        None
    }

    /// Nesting depth: 0 for a statement or a constant, 1 + the deepest part's otherwise.
    pub fn depth(&self) -> usize {
        match self {
            Formula::True | Formula::False | Formula::Atom(_) => 0,
            Formula::All(parts) | Formula::Any(parts) => {
                1 + parts.iter().map(Formula::depth).max().unwrap_or(0)
            }
        }
    }

    /// The same condition as a disjunction of conjunctions of statements (depth at most
    /// 2), when it has at most `max_terms` of them.
    pub fn disjunctive(&self, max_terms: usize) -> Option<Formula> {
        fn terms(f: &Formula, max: usize) -> Option<Vec<Vec<Formula>>> {
            Some(match f {
                Formula::True => vec![vec![]],
                Formula::False => vec![],
                Formula::Atom(_) => vec![vec![f.clone()]],
                Formula::Any(parts) => {
                    let mut out = Vec::new();
                    for p in parts {
                        out.extend(terms(p, max)?);
                        if out.len() > max {
                            return None;
                        }
                    }
                    out
                }
                Formula::All(parts) => {
                    let mut out = vec![vec![]];
                    for p in parts {
                        let options = terms(p, max)?;
                        if out.len().saturating_mul(options.len()) > max {
                            return None;
                        }
                        out = out
                            .iter()
                            .flat_map(|t: &Vec<Formula>| {
                                options.iter().map(move |o| [t.as_slice(), o].concat())
                            })
                            .collect();
                    }
                    out
                }
            })
        }
        let terms = terms(self, max_terms)?;
        Some(Formula::any(terms.into_iter().map(Formula::all).collect()))
    }

    /// The formula that holds exactly when this one does not (for a credential of type `t`).
    pub fn negated(&self, t: CredentialType) -> Formula {
        match self {
            Formula::True => Formula::False,
            Formula::False => Formula::True,
            Formula::Atom(s) => s.negated(t),
            Formula::All(parts) => Formula::any(parts.iter().map(|p| p.negated(t)).collect()),
            Formula::Any(parts) => Formula::all(parts.iter().map(|p| p.negated(t)).collect()),
        }
    }

    /// Whether it holds for the attribute values `attributes` of a credential of type `t`.
    pub fn holds(&self, t: CredentialType, attributes: &Json) -> bool {
        match self {
            Formula::True => true,
            Formula::False => false,
            Formula::Atom(s) => s.holds(t, attributes),
            Formula::All(parts) => parts.iter().all(|p| p.holds(t, attributes)),
            Formula::Any(parts) => parts.iter().any(|p| p.holds(t, attributes)),
        }
    }

    /// The number of statements in it.
    pub fn size(&self) -> usize {
        match self {
            Formula::True | Formula::False => 0,
            Formula::Atom(_) => 1,
            Formula::All(parts) | Formula::Any(parts) => parts.iter().map(Formula::size).sum(),
        }
    }

    /// The policy node of the contract: a statement string, `{"all_of": [...]}` or
    /// `{"any_of": [...]}` (`True` is an empty `all_of`, `False` an empty `any_of`).
    pub fn to_node(&self) -> Json {
        match self {
            Formula::True => serde_json::json!({ "all_of": [] }),
            Formula::False => serde_json::json!({ "any_of": [] }),
            Formula::Atom(s) => Json::String(s.to_string()),
            Formula::All(parts) => {
                serde_json::json!({ "all_of": parts.iter().map(Formula::to_node).collect::<Vec<_>>() })
            }
            Formula::Any(parts) => {
                serde_json::json!({ "any_of": parts.iter().map(Formula::to_node).collect::<Vec<_>>() })
            }
        }
    }

    /// The statements of a top-level conjunction (what a policy alternative's `all_of`
    /// lists).
    ///
    /// The policy grammar nests at most [`MAX_DEPTH`] levels, the alternative's own `all_of`
    /// included: a conjunct nested deeper is written as its disjunctive form (the branches
    /// a holder chooses among are the same), when that has at most [`MAX_BRANCHES`] terms
    /// (a policy with more branches is refused whatever its form).
    pub fn conjuncts(&self) -> Vec<Json> {
        self.for_policy().iter().map(Formula::to_node).collect()
    }

    /// The top-level conjuncts as a policy alternative's `all_of` lists them (the same
    /// condition, their AND): a conjunct nested deeper than the grammar allows in its
    /// disjunctive form (see [`Formula::conjuncts`]), and conjuncts sharing disjuncts
    /// factored, `(X or P) and (X or Q)` as `X or (P and Q)`, when that stays within the
    /// depth and has fewer statements (`X` proven once: rule sets whose rules share
    /// exceptions stay within the policy's statement cap).
    pub fn for_policy(&self) -> Vec<Formula> {
        let shallow = |f: Formula| {
            if f.depth() < MAX_DEPTH {
                return f;
            }
            f.disjunctive(MAX_BRANCHES).unwrap_or(f)
        };
        let mut parts: Vec<Formula> = match self.without_none_of() {
            Formula::True => return vec![],
            Formula::All(parts) => parts.into_iter().map(shallow).collect(),
            other => vec![shallow(other)],
        };
        let disjuncts = |f: &Formula| match f {
            Formula::Any(inner) => inner.clone(),
            other => vec![other.clone()],
        };
        'factor: loop {
            for i in 0..parts.len() {
                for j in i + 1..parts.len() {
                    let (p, q) = (disjuncts(&parts[i]), disjuncts(&parts[j]));
                    let common: Vec<Formula> =
                        p.iter().filter(|x| q.contains(x)).cloned().collect();
                    if common.is_empty() || common.len() == p.len() || common.len() == q.len() {
                        continue;
                    }
                    let rest = |d: &[Formula]| {
                        Formula::any(d.iter().filter(|x| !common.contains(x)).cloned().collect())
                    };
                    let mut any = common.clone();
                    any.push(Formula::all(vec![rest(&p), rest(&q)]));
                    let factored = Formula::any(any);
                    if factored.depth() < MAX_DEPTH
                        && factored.size() < parts[i].size() + parts[j].size()
                    {
                        parts.remove(j);
                        parts[i] = factored;
                        continue 'factor;
                    }
                }
            }
            return parts;
        }
    }
}
