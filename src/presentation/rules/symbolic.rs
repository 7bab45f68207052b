//! Partial evaluation of a CertLogic expression over a payload whose shape is known (the
//! credential type decides which of `v`/`t`/`r` exists and every array's length) and whose
//! values are hidden attributes.
//!
//! Every sub-expression evaluates to guarded alternatives: `(condition, value)` pairs whose
//! conditions are statements over hidden attributes and exclude each other. A value is a
//! known CertLogic [`Value`] (the known operations are computed by the evaluator's own
//! functions), a hidden payload field ([`Leaf`]), a hidden date shifted by `plusTime`, a
//! structure holding hidden fields, or an evaluation error that the types alone decide.
//! `if`, `and` and `!` split alternatives on a hidden field's truthiness, so laziness (an
//! untaken branch never fails) is kept exactly. A rule passes where its result is the
//! boolean `true`: the disjunction of the conditions of those alternatives.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::certlogic::{
    evaluate, extract_from_uvci, Comparison, DateTime, Expr, PathFragment, TimeUnit, Value,
};
use crate::credential::{calendar, CredentialType, ValueSet};

use super::bounds::{self, SolveError};
use super::formula::{Formula, Literal, Op, Statement};

/// What a hidden payload field is, as far as the compiler is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A code from a value set (or `""`).
    Code(ValueSet),
    /// A free string; `optional` when the payload may omit it (the credential then holds `""`).
    Text {
        /// The DCC payload may leave it out.
        optional: bool,
    },
    /// An integer.
    Integer,
    /// A date `YYYY-MM-DD`, signed as its day.
    Date,
    /// A date and time, signed as its minute (floored).
    Instant,
    /// A date `YYYY-MM-DD` signed as an instant on that day (`r.0.df`, `r.0.du`: validity).
    DayOfInstant,
    /// The birth date, possibly partial, signed as its last possible day.
    BirthDate,
    /// A payload field that is checked at issuance but not signed (`ver`, `nam.fnt`).
    Unsigned,
}

/// A hidden payload field and the attribute that holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    /// Its DCC payload path (`v.0.dt`).
    pub path: &'static str,
    /// The profile attribute (`""` for unsigned fields).
    pub attribute: &'static str,
    /// What it is.
    pub kind: FieldKind,
}

const fn leaf(path: &'static str, attribute: &'static str, kind: FieldKind) -> Leaf {
    Leaf {
        path,
        attribute,
        kind,
    }
}

const TEXT: FieldKind = FieldKind::Text { optional: false };
const OPTIONAL: FieldKind = FieldKind::Text { optional: true };

/// The compiler's field table: DCC payload path to attribute (`docs/formats.md` prints
/// it). The first column is the entry array the field belongs to (`*`: every type).
pub const FIELDS: [(&str, Leaf); 33] = [
    ("*", leaf("ver", "", FieldKind::Unsigned)),
    ("*", leaf("nam.fn", "family_name", OPTIONAL)),
    ("*", leaf("nam.gn", "given_name", OPTIONAL)),
    ("*", leaf("nam.fnt", "", FieldKind::Unsigned)),
    ("*", leaf("nam.gnt", "", FieldKind::Unsigned)),
    ("*", leaf("dob", "birth_date", FieldKind::BirthDate)),
    (
        "v",
        leaf("v.0.tg", "disease", FieldKind::Code(ValueSet::Disease)),
    ),
    (
        "v",
        leaf(
            "v.0.vp",
            "vaccine_type",
            FieldKind::Code(ValueSet::VaccineType),
        ),
    ),
    (
        "v",
        leaf(
            "v.0.mp",
            "vaccine_product",
            FieldKind::Code(ValueSet::VaccineProduct),
        ),
    ),
    (
        "v",
        leaf(
            "v.0.ma",
            "manufacturer",
            FieldKind::Code(ValueSet::Manufacturer),
        ),
    ),
    ("v", leaf("v.0.dn", "dose_number", FieldKind::Integer)),
    ("v", leaf("v.0.sd", "total_doses", FieldKind::Integer)),
    ("v", leaf("v.0.dt", "vaccination_date", FieldKind::Date)),
    (
        "v",
        leaf("v.0.co", "country", FieldKind::Code(ValueSet::Country)),
    ),
    ("v", leaf("v.0.is", "issuer_name", TEXT)),
    ("v", leaf("v.0.ci", "certificate_id", TEXT)),
    (
        "t",
        leaf("t.0.tg", "disease", FieldKind::Code(ValueSet::Disease)),
    ),
    (
        "t",
        leaf("t.0.tt", "test_type", FieldKind::Code(ValueSet::TestType)),
    ),
    ("t", leaf("t.0.nm", "test_name", OPTIONAL)),
    ("t", leaf("t.0.ma", "test_device", OPTIONAL)),
    ("t", leaf("t.0.sc", "sample_time", FieldKind::Instant)),
    (
        "t",
        leaf(
            "t.0.tr",
            "test_result",
            FieldKind::Code(ValueSet::TestResult),
        ),
    ),
    ("t", leaf("t.0.tc", "test_centre", OPTIONAL)),
    (
        "t",
        leaf("t.0.co", "country", FieldKind::Code(ValueSet::Country)),
    ),
    ("t", leaf("t.0.is", "issuer_name", TEXT)),
    ("t", leaf("t.0.ci", "certificate_id", TEXT)),
    (
        "r",
        leaf("r.0.tg", "disease", FieldKind::Code(ValueSet::Disease)),
    ),
    ("r", leaf("r.0.fr", "first_positive_date", FieldKind::Date)),
    ("r", leaf("r.0.df", "valid_from", FieldKind::DayOfInstant)),
    ("r", leaf("r.0.du", "valid_until", FieldKind::DayOfInstant)),
    (
        "r",
        leaf("r.0.co", "country", FieldKind::Code(ValueSet::Country)),
    ),
    ("r", leaf("r.0.is", "issuer_name", TEXT)),
    ("r", leaf("r.0.ci", "certificate_id", TEXT)),
];

/// The payload key of a credential type's entry array.
pub fn entry_key(t: CredentialType) -> &'static str {
    match t {
        CredentialType::Vaccination => "v",
        CredentialType::Test => "t",
        _ => "r",
    }
}

/// The payload of a credential of type `t`, its values hidden.
fn payload(t: CredentialType) -> Base<'static> {
    let key = entry_key(t);
    let last = |path: &'static str| path.rsplit('.').next().unwrap_or(path);
    let entry: Vec<(&'static str, Base<'static>)> = FIELDS
        .iter()
        .filter(|(k, _)| *k == key)
        .map(|(_, l)| (last(l.path), Base::Leaf(*l)))
        .collect();
    let common = |path: &str| {
        FIELDS
            .iter()
            .find(|(k, l)| *k == "*" && l.path == path)
            .map(|(_, l)| Base::Leaf(*l))
            .unwrap_or(Base::Known(Value::Null))
    };
    Base::Object(vec![
        ("ver", common("ver")),
        (
            "nam",
            Base::Object(vec![
                ("fn", common("nam.fn")),
                ("gn", common("nam.gn")),
                ("fnt", common("nam.fnt")),
                ("gnt", common("nam.gnt")),
            ]),
        ),
        ("dob", common("dob")),
        (key, Base::Array(vec![Base::Object(entry)])),
    ])
}

/// A partially known value.
#[derive(Clone, Debug)]
pub(crate) enum Base<'a> {
    /// Known at compile time.
    Known(Value<'a>),
    /// A hidden payload field.
    Leaf(Leaf),
    /// `plusTime(field, amount, unit)` (or `dccDateOfBirth(dob)`: amount 0 days).
    Time {
        leaf: Leaf,
        amount: i64,
        unit: TimeUnit,
    },
    /// An array with hidden parts.
    Array(Vec<Base<'a>>),
    /// An object with hidden parts.
    Object(Vec<(&'a str, Base<'a>)>),
    /// An evaluation error that the types alone decide.
    Error,
}

type Sym<'a> = Vec<(Formula, Base<'a>)>;

/// Why a part of a rule cannot be compiled into statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Obstacle {
    /// The CertLogic operator.
    pub operator: &'static str,
    /// The payload field it reads (its DCC path).
    pub field: String,
    /// Why.
    pub reason: String,
    /// `true` when disclosing the field would let the verifier evaluate the part.
    pub disclosable: bool,
}

fn obstacle(operator: &'static str, leaf: &Leaf, reason: &str, disclosable: bool) -> Obstacle {
    Obstacle {
        operator,
        field: leaf.path.to_owned(),
        reason: reason.to_owned(),
        disclosable,
    }
}

/// The most alternatives one sub-expression may have.
const MAX_ALTERNATIVES: usize = 512;

static TEMPLATES: LazyLock<HashMap<String, Expr>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let ops = [
        "===",
        "in",
        "+",
        "<",
        ">",
        "<=",
        ">=",
        "before",
        "after",
        "not-before",
        "not-after",
    ];
    for op in ops {
        for arity in [2usize, 3] {
            let args: Vec<_> = ["a", "b", "c"][..arity]
                .iter()
                .map(|v| serde_json::json!({ "var": v }))
                .collect();
            if let Ok(e) = Expr::from_json(&serde_json::json!({ op: args })) {
                map.insert(format!("{op}/{arity}"), e);
            }
        }
    }
    map
});

/// Applies a CertLogic operation to known operands with the evaluator itself.
fn known_op<'a>(operator: &str, args: Vec<Value<'a>>) -> Base<'a> {
    let Some(template) = TEMPLATES.get(&format!("{operator}/{}", args.len())) else {
        return Base::Error;
    };
    let names = ["a", "b", "c"];
    let data = Value::record(names.iter().copied().zip(args).collect(), 64);
    match data.map(|d| evaluate(template, d)) {
        Some(Ok(v)) => Base::Known(v),
        _ => Base::Error,
    }
}

fn bool_sym<'a>(f: Formula, t: CredentialType) -> Sym<'a> {
    let not = f.negated(t);
    vec![
        (f, Base::Known(Value::Bool(true))),
        (not, Base::Known(Value::Bool(false))),
    ]
}

/// How truthy a value is.
enum Truth {
    Known(Option<bool>),
    Hidden(Formula),
}

/// The partial evaluator for one credential type.
pub(crate) struct Compiler<'a> {
    pub t: CredentialType,
    pub external: Value<'a>,
}

impl<'a> Compiler<'a> {
    /// The condition under which `logic` evaluates to `true` over a credential of this type.
    pub fn passes(&self, logic: &'a Expr) -> Result<Formula, Obstacle> {
        let context = Base::Object(vec![
            ("payload", payload(self.t)),
            ("external", Base::Known(self.external.clone())),
        ]);
        let sym = self.eval(logic, &context)?;
        Ok(Formula::any(
            sym.into_iter()
                .filter(|(_, b)| matches!(b, Base::Known(Value::Bool(true))))
                .map(|(g, _)| g)
                .collect(),
        ))
    }

    fn check(&self, sym: Sym<'a>) -> Result<Sym<'a>, Obstacle> {
        let mut out: Sym<'a> = Vec::new();
        for (g, b) in sym {
            if g == Formula::False {
                continue;
            }
            // Merge alternatives with the same boolean or error.
            let key = |b: &Base| match b {
                Base::Known(Value::Bool(x)) => Some(u8::from(*x)),
                Base::Known(Value::Null) => Some(2),
                Base::Error => Some(3),
                _ => None,
            };
            if let Some(k) = key(&b) {
                if let Some(slot) = out.iter_mut().find(|(_, o)| key(o) == Some(k)) {
                    slot.0 = Formula::any(vec![slot.0.clone(), g]);
                    continue;
                }
            }
            out.push((g, b));
        }
        if out.len() > MAX_ALTERNATIVES {
            return Err(Obstacle {
                operator: "if",
                field: String::new(),
                reason: format!("more than {MAX_ALTERNATIVES} cases to tell apart"),
                disclosable: false,
            });
        }
        Ok(out)
    }

    fn truth(&self, b: &Base<'a>, operator: &'static str) -> Result<Truth, Obstacle> {
        Ok(match b {
            Base::Known(v) => Truth::Known(v.truthiness()),
            Base::Array(items) => Truth::Known(Some(!items.is_empty())),
            Base::Object(entries) => Truth::Known(Some(!entries.is_empty())),
            Base::Time { .. } | Base::Error => Truth::Known(None),
            Base::Leaf(l) => match l.kind {
                FieldKind::Code(_) | FieldKind::Text { .. } => Truth::Hidden(Formula::compare(
                    l.attribute,
                    Op::Ne,
                    Literal::Str(String::new()),
                )),
                FieldKind::Integer => {
                    Truth::Hidden(Formula::compare(l.attribute, Op::Ne, Literal::Int(0)))
                }
                FieldKind::Date | FieldKind::Instant | FieldKind::DayOfInstant => {
                    Truth::Known(Some(true))
                }
                FieldKind::BirthDate => {
                    return Err(obstacle(
                        operator,
                        l,
                        "the truthiness of a possibly empty birth date has no statement",
                        true,
                    ))
                }
                FieldKind::Unsigned => {
                    return Err(obstacle(operator, l, "the field is not signed", false))
                }
            },
        })
    }

    /// Splits `sym` on truthiness: (condition truthy, value), (condition falsy, value); an
    /// alternative that is neither goes to `errors`.
    #[allow(clippy::type_complexity)]
    fn split(
        &self,
        sym: Sym<'a>,
        operator: &'static str,
    ) -> Result<(Sym<'a>, Sym<'a>, Formula), Obstacle> {
        let (mut truthy, mut falsy, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for (g, b) in sym {
            match self.truth(&b, operator)? {
                Truth::Known(Some(true)) => truthy.push((g, b)),
                Truth::Known(Some(false)) => falsy.push((g, b)),
                Truth::Known(None) => errors.push(g),
                Truth::Hidden(f) => {
                    falsy.push((Formula::all(vec![g.clone(), f.negated(self.t)]), b.clone()));
                    truthy.push((Formula::all(vec![g, f]), b));
                }
            }
        }
        Ok((truthy, falsy, Formula::any(errors)))
    }

    fn guard(g: &Formula, sym: Sym<'a>) -> Sym<'a> {
        sym.into_iter()
            .map(|(h, b)| (Formula::all(vec![g.clone(), h]), b))
            .filter(|(h, _)| *h != Formula::False)
            .collect()
    }

    fn reachable(sym: &Sym<'a>) -> Formula {
        Formula::any(sym.iter().map(|(g, _)| g.clone()).collect())
    }

    fn eval_all(&self, exprs: &'a [Expr], env: &Base<'a>) -> Result<Vec<Sym<'a>>, Obstacle> {
        exprs.iter().map(|e| self.eval(e, env)).collect()
    }

    /// Every combination of the operands' alternatives.
    fn product(&self, syms: &[Sym<'a>]) -> Result<Vec<(Formula, Vec<Base<'a>>)>, Obstacle> {
        let mut out = vec![(Formula::True, Vec::new())];
        for sym in syms {
            let mut next = Vec::new();
            for (g, bases) in &out {
                for (h, b) in sym {
                    let guard = Formula::all(vec![g.clone(), h.clone()]);
                    if guard == Formula::False {
                        continue;
                    }
                    let mut bases = bases.clone();
                    bases.push(b.clone());
                    next.push((guard, bases));
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return Err(Obstacle {
                    operator: "and",
                    field: String::new(),
                    reason: format!("more than {MAX_ALTERNATIVES} cases to tell apart"),
                    disclosable: false,
                });
            }
            out = next;
        }
        Ok(out)
    }

    fn lift(
        &self,
        syms: &[Sym<'a>],
        mut f: impl FnMut(&[Base<'a>]) -> Result<Sym<'a>, Obstacle>,
    ) -> Result<Sym<'a>, Obstacle> {
        let mut out = Vec::new();
        for (g, bases) in self.product(syms)? {
            out.extend(Self::guard(&g, f(&bases)?));
        }
        self.check(out)
    }

    pub(crate) fn eval(&self, expr: &'a Expr, env: &Base<'a>) -> Result<Sym<'a>, Obstacle> {
        let one = |b: Base<'a>| vec![(Formula::True, b)];
        let sym = match expr {
            Expr::Bool(b) => one(Base::Known(Value::Bool(*b))),
            Expr::Int(i) => one(Base::Known(Value::Int(*i))),
            Expr::Str(s) => one(Base::Known(Value::Str(s))),
            Expr::Array(items) => {
                let syms = self.eval_all(items, env)?;
                self.lift(&syms, |bases| Ok(one(array(bases.to_vec()))))?
            }
            Expr::Var(path) => one(access(env, path.fragments())),
            Expr::If(ops) => {
                let [guard, then, otherwise] = &**ops;
                let g = self.eval(guard, env)?;
                let (truthy, falsy, errors) = self.split(g, "if")?;
                let mut out = vec![(errors, Base::Error)];
                for (branch, sym) in [(then, truthy), (otherwise, falsy)] {
                    let reach = Self::reachable(&sym);
                    if reach != Formula::False {
                        out.extend(Self::guard(&reach, self.eval(branch, env)?));
                    }
                }
                self.check(out)?
            }
            Expr::And(operands) => {
                let mut out = Vec::new();
                let mut going = Formula::True;
                for (i, operand) in operands.iter().enumerate() {
                    if going == Formula::False {
                        break;
                    }
                    let sym = Self::guard(&going, self.eval(operand, env)?);
                    if i + 1 == operands.len() {
                        out.extend(sym);
                        break;
                    }
                    let (truthy, falsy, errors) = self.split(sym, "and")?;
                    out.push((errors, Base::Error));
                    out.extend(falsy);
                    going = Self::reachable(&truthy);
                }
                self.check(out)?
            }
            Expr::Not(operand) => {
                let sym = self.eval(operand, env)?;
                let (truthy, falsy, errors) = self.split(sym, "!")?;
                self.check(vec![
                    (errors, Base::Error),
                    (Self::reachable(&truthy), Base::Known(Value::Bool(false))),
                    (Self::reachable(&falsy), Base::Known(Value::Bool(true))),
                ])?
            }
            Expr::StrictEquals(ops) => {
                let syms = self.eval_all(&ops[..], env)?;
                self.lift(&syms, |b| self.equals("===", &b[0], &b[1]))?
            }
            Expr::In(ops) => {
                let syms = self.eval_all(&ops[..], env)?;
                self.lift(&syms, |b| self.member(&b[0], &b[1]))?
            }
            Expr::Plus(ops) => {
                let syms = self.eval_all(&ops[..], env)?;
                self.lift(&syms, |b| match (known(&b[0]), known(&b[1])) {
                    (Some(x), Some(y)) => Ok(one(known_op("+", vec![x, y]))),
                    _ => hidden_leaf(b)
                        .map(|l| Err(obstacle("+", &l, "arithmetic on a hidden value", true)))
                        .unwrap_or(Ok(one(Base::Error))),
                })?
            }
            Expr::Compare(c, operands) => {
                let syms = self.eval_all(operands, env)?;
                self.lift(&syms, |b| self.compare(expr.operator(), *c, b, false))?
            }
            Expr::CompareDateTimes(c, operands) => {
                let syms = self.eval_all(operands, env)?;
                self.lift(&syms, |b| self.compare(expr.operator(), *c, b, true))?
            }
            Expr::PlusTime { date, amount, unit } => {
                let sym = self.eval(date, env)?;
                self.lift(&[sym], |b| self.plus_time(&b[0], *amount, *unit))?
            }
            Expr::DccDateOfBirth(operand) => {
                let sym = self.eval(operand, env)?;
                self.lift(&[sym], |b| {
                    Ok(one(match &b[0] {
                        Base::Known(Value::Str(s)) => DateTime::parse_date_of_birth(s)
                            .map_or(Base::Error, |d| Base::Known(Value::DateTime(d))),
                        Base::Leaf(l) if l.kind == FieldKind::BirthDate => {
                            return Err(obstacle(
                                "dccDateOfBirth",
                                l,
                                "a possibly empty birth date has no statement",
                                true,
                            ))
                        }
                        Base::Leaf(l) => return Err(not_a_date("dccDateOfBirth", l)),
                        _ => Base::Error,
                    }))
                })?
            }
            Expr::ExtractFromUvci { operand, index } => {
                let sym = self.eval(operand, env)?;
                self.lift(&[sym], |b| {
                    Ok(one(match &b[0] {
                        Base::Known(Value::Null) => Base::Known(Value::Null),
                        Base::Known(Value::Str(s)) => Base::Known(
                            extract_from_uvci(s, *index).map_or(Value::Null, Value::Str),
                        ),
                        Base::Leaf(l) => {
                            return Err(obstacle(
                                "extractFromUVCI",
                                l,
                                "a string operation on a hidden value",
                                l.kind != FieldKind::Unsigned,
                            ))
                        }
                        _ => Base::Error,
                    }))
                })?
            }
            Expr::Reduce(ops) => {
                let [operand, lambda, initial] = &**ops;
                let sym = self.eval(operand, env)?;
                let mut out = Vec::new();
                for (g, b) in sym {
                    let items = match b {
                        Base::Known(Value::Null) => {
                            out.extend(Self::guard(&g, self.eval(initial, env)?));
                            continue;
                        }
                        Base::Known(Value::Array(a)) => {
                            a.iter().map(Base::Known).collect::<Vec<_>>()
                        }
                        Base::Array(items) => items,
                        _ => {
                            out.push((g, Base::Error));
                            continue;
                        }
                    };
                    let mut acc = Self::guard(&g, self.eval(initial, env)?);
                    for current in items {
                        let mut next = Vec::new();
                        for (h, a) in acc {
                            let context = Base::Object(vec![
                                ("accumulator", a),
                                ("current", current.clone()),
                            ]);
                            next.extend(Self::guard(&h, self.eval(lambda, &context)?));
                        }
                        acc = self.check(next)?;
                    }
                    out.extend(acc);
                }
                self.check(out)?
            }
        };
        self.check(sym)
    }

    fn equals(&self, op: &'static str, a: &Base<'a>, b: &Base<'a>) -> Result<Sym<'a>, Obstacle> {
        let one = |b: Base<'a>| Ok(vec![(Formula::True, b)]);
        let constant = |x: bool| one(Base::Known(Value::Bool(x)));
        if let (Some(x), Some(y)) = (known(a), known(b)) {
            return one(known_op("===", vec![x, y]));
        }
        match (a, b) {
            (Base::Leaf(l), Base::Known(v)) | (Base::Known(v), Base::Leaf(l)) => {
                match self.leaf_equals(op, l, v)? {
                    Some(f) => Ok(bool_sym(f, self.t)),
                    None => constant(false),
                }
            }
            (Base::Leaf(x), Base::Leaf(y)) if x == y => constant(true),
            (Base::Leaf(x), Base::Leaf(y)) => {
                let ordered =
                    |k| matches!(k, FieldKind::Integer | FieldKind::Date | FieldKind::Instant);
                if x.kind == y.kind && ordered(x.kind) {
                    Ok(bool_sym(
                        Formula::Atom(Statement::Attributes {
                            left: x.attribute,
                            op: Op::Eq,
                            right: y.attribute,
                        }),
                        self.t,
                    ))
                } else if kind_of_leaf(x) != kind_of_leaf(y) {
                    constant(false)
                } else {
                    Err(obstacle(op, x, "equality of two hidden strings", true))
                }
            }
            // Date-times, arrays and objects with hidden parts: equal kinds are an error,
            // different kinds unequal.
            (x, y) => {
                let (kx, ky) = (kind(x), kind(y));
                match (kx, ky) {
                    (Some(p), Some(q)) if p != q => constant(false),
                    (Some(_), Some(_)) => one(Base::Error),
                    _ => one(Base::Error),
                }
            }
        }
    }

    /// `leaf === value` as a statement; `None` when it never holds.
    fn leaf_equals(
        &self,
        op: &'static str,
        l: &Leaf,
        v: &Value<'a>,
    ) -> Result<Option<Formula>, Obstacle> {
        let s = match (l.kind, v) {
            (FieldKind::Unsigned, _) => {
                return Err(obstacle(op, l, "the field is not signed", false))
            }
            (FieldKind::Integer, Value::Int(n)) => {
                return Ok(Some(Formula::compare(
                    l.attribute,
                    Op::Eq,
                    Literal::Int(*n),
                )))
            }
            (FieldKind::Integer, _) => return Ok(None),
            (FieldKind::Text { optional: true }, Value::Null | Value::Str("")) => {
                return Err(obstacle(
                    op,
                    l,
                    "an absent optional field and an empty one are both signed as \"\"",
                    true,
                ))
            }
            (_, Value::Str(s)) => *s,
            _ => return Ok(None),
        };
        Ok(match l.kind {
            // Any code text, listed in the value set or not (an issuer may sign unlisted
            // codes): `ATTR = ""` for the empty code.
            FieldKind::Code(_) | FieldKind::Text { .. } => Some(Formula::compare(
                l.attribute,
                Op::Eq,
                Literal::Str(s.to_owned()),
            )),
            FieldKind::Date => calendar::parse_date(s)
                .filter(|d| calendar::format_date(*d).as_deref() == Some(s))
                .map(|d| Formula::compare(l.attribute, Op::Eq, Literal::Date(d))),
            FieldKind::DayOfInstant => calendar::parse_date(s)
                .filter(|d| calendar::format_date(*d).as_deref() == Some(s))
                .map(|d| {
                    Formula::Atom(Statement::Range {
                        attribute: l.attribute,
                        low: Literal::Instant(d * 1440),
                        high: Literal::Instant(d * 1440 + 1439),
                    })
                }),
            _ => {
                return Err(obstacle(
                    op,
                    l,
                    "the signed value does not keep the payload's exact text",
                    false,
                ))
            }
        })
    }

    fn member(&self, needle: &Base<'a>, haystack: &Base<'a>) -> Result<Sym<'a>, Obstacle> {
        let one = |b: Base<'a>| Ok(vec![(Formula::True, b)]);
        let items: Vec<Base<'a>> = match haystack {
            Base::Known(Value::Array(a)) => a.iter().map(Base::Known).collect(),
            Base::Array(items) => items.clone(),
            _ => return one(Base::Error),
        };
        if let (Some(n), Some(h)) = (known(needle), known(haystack)) {
            return one(known_op("in", vec![n, h]));
        }
        // A hidden field among known scalars: one set (no comparison can fail).
        if let Base::Leaf(l) = needle {
            if items
                .iter()
                .all(|i| matches!(i, Base::Known(v) if v.kind() != crate::certlogic::ValueKind::Array && v.kind() != crate::certlogic::ValueKind::Object && v.kind() != crate::certlogic::ValueKind::DateTime))
            {
                let mut parts = Vec::new();
                for item in &items {
                    if let Base::Known(v) = item {
                        if let Some(f) = self.leaf_equals("in", l, v)? {
                            parts.push(f);
                        }
                    }
                }
                let f = Formula::any(parts);
                return Ok(bool_sym(f, self.t));
            }
        }
        // In general: item by item, stopping at the first match, failing at an error.
        let mut out = Vec::new();
        let mut going = Formula::True;
        for item in &items {
            for (g, b) in self.equals("in", needle, item)? {
                let g = Formula::all(vec![going.clone(), g]);
                match b {
                    Base::Known(Value::Bool(true)) => out.push((g, b)),
                    Base::Known(Value::Bool(false)) => {}
                    _ => out.push((g, Base::Error)),
                }
            }
            let stopped = Formula::any(out.iter().map(|(g, _)| g.clone()).collect());
            going = Formula::all(vec![going, stopped.negated(self.t)]);
        }
        out.push((going, Base::Known(Value::Bool(false))));
        self.check(out)
    }

    fn plus_time(&self, b: &Base<'a>, amount: i64, unit: TimeUnit) -> Result<Sym<'a>, Obstacle> {
        let one = |b: Base<'a>| Ok(vec![(Formula::True, b)]);
        match b {
            Base::Known(Value::Str(s)) => one(DateTime::parse(s)
                .and_then(|d| d.plus(amount, unit))
                .map_or(Base::Error, |d| Base::Known(Value::DateTime(d)))),
            Base::Leaf(l) => match l.kind {
                FieldKind::Date | FieldKind::Instant | FieldKind::DayOfInstant => one(Base::Time {
                    leaf: *l,
                    amount,
                    unit,
                }),
                FieldKind::Integer => one(Base::Error),
                // A code may be any text (unlisted codes), a date among them.
                _ => Err(not_a_date("plusTime", l)),
            },
            _ => one(Base::Error),
        }
    }

    fn compare(
        &self,
        operator: &'static str,
        c: Comparison,
        bases: &[Base<'a>],
        times: bool,
    ) -> Result<Sym<'a>, Obstacle> {
        let one = |b: Base<'a>| Ok(vec![(Formula::True, b)]);
        if let Some(values) = bases.iter().map(known).collect::<Option<Vec<_>>>() {
            return one(known_op(operator, values));
        }
        // Type errors first: the evaluator evaluates every operand, then checks types.
        let fits = |b: &Base<'a>| match (b, times) {
            (Base::Known(Value::Int(_)), false) | (Base::Known(Value::DateTime(_)), true) => true,
            (Base::Leaf(l), false) => l.kind == FieldKind::Integer,
            (Base::Time { .. }, true) => true,
            _ => false,
        };
        if !bases.iter().all(fits) {
            return one(Base::Error);
        }
        let op = match c {
            Comparison::Less => Op::Lt,
            Comparison::Greater => Op::Gt,
            Comparison::LessOrEqual => Op::Le,
            Comparison::GreaterOrEqual => Op::Ge,
        };
        let mut parts = Vec::new();
        for pair in bases.windows(2) {
            parts.push(self.pair(operator, op, &pair[0], &pair[1])?);
        }
        Ok(bool_sym(Formula::all(parts), self.t))
    }

    /// `a OP b` for two operands of a comparison, at least one hidden.
    fn pair(
        &self,
        operator: &'static str,
        op: Op,
        a: &Base<'a>,
        b: &Base<'a>,
    ) -> Result<Formula, Obstacle> {
        match (a, b) {
            (Base::Known(Value::Int(x)), Base::Known(Value::Int(y))) => {
                Ok(constant(op.holds(x, y)))
            }
            (Base::Known(Value::DateTime(x)), Base::Known(Value::DateTime(y))) => {
                Ok(constant(op.holds(&x.millis(), &y.millis())))
            }
            (Base::Leaf(l), Base::Known(Value::Int(n))) => {
                Ok(Formula::compare(l.attribute, op, Literal::Int(*n)))
            }
            (Base::Known(Value::Int(n)), Base::Leaf(l)) => Ok(Formula::compare(
                l.attribute,
                op.swapped(),
                Literal::Int(*n),
            )),
            (Base::Leaf(x), Base::Leaf(y)) if x == y => Ok(constant(op.holds(&0, &0))),
            (Base::Leaf(x), Base::Leaf(y)) => Ok(Formula::Atom(Statement::Attributes {
                left: x.attribute,
                op,
                right: y.attribute,
            })),
            (Base::Time { leaf, amount, unit }, Base::Known(Value::DateTime(d))) => {
                self.time_bound(operator, leaf, *amount, *unit, op, d.millis())
            }
            (Base::Known(Value::DateTime(d)), Base::Time { leaf, amount, unit }) => {
                self.time_bound(operator, leaf, *amount, *unit, op.swapped(), d.millis())
            }
            (
                Base::Time {
                    leaf: x,
                    amount: m,
                    unit: u,
                },
                Base::Time {
                    leaf: y,
                    amount: n,
                    unit: v,
                },
            ) => {
                let linear = |u: TimeUnit| matches!(u, TimeUnit::Day | TimeUnit::Hour);
                let shift = |amount: i64, u: TimeUnit| match u {
                    TimeUnit::Day => Some(amount * 86_400_000),
                    TimeUnit::Hour => Some(amount * 3_600_000),
                    _ => None,
                };
                if x == y && (m, u) == (n, v) {
                    return Ok(constant(op.holds(&0, &0)));
                }
                let same_scale =
                    x.kind == y.kind && matches!(x.kind, FieldKind::Date | FieldKind::Instant);
                if same_scale && linear(*u) && linear(*v) && shift(*m, *u) == shift(*n, *v) {
                    return Ok(Formula::Atom(Statement::Attributes {
                        left: x.attribute,
                        op,
                        right: y.attribute,
                    }));
                }
                Err(obstacle(
                    operator,
                    x,
                    &format!(
                        "compares two hidden dates with different offsets ({} and {})",
                        x.path, y.path
                    ),
                    true,
                ))
            }
            _ => Ok(Formula::False),
        }
    }

    /// `plusTime(leaf, amount, unit) OP bound` (milliseconds) as statements on the leaf's
    /// attribute.
    fn time_bound(
        &self,
        operator: &'static str,
        l: &Leaf,
        amount: i64,
        unit: TimeUnit,
        op: Op,
        bound: i64,
    ) -> Result<Formula, Obstacle> {
        let (domain, per_day, literal): Scale = match l.kind {
            FieldKind::Date => ((calendar::MIN_DAY, calendar::MAX_DAY), 1, Literal::Date),
            _ => (
                (calendar::MIN_MINUTE, calendar::MAX_MINUTE),
                1440,
                Literal::Instant,
            ),
        };
        let kind = l.kind;
        let h = move |x: i64| {
            let millis = match kind {
                FieldKind::Date => x * 86_400_000,
                FieldKind::DayOfInstant => x.div_euclid(1440) * 86_400_000,
                _ => x * 60_000,
            };
            bounds::shift(millis, amount, unit)
        };
        let set = bounds::solve(domain, &h, op, bound, unit, per_day).map_err(|e| {
            obstacle(
                operator,
                l,
                match e {
                    SolveError::OutOfRange => "plusTime leaves the date range for some dates",
                    SolveError::NotBounded => "plusTime could not be inverted exactly",
                },
                true,
            )
        })?;
        let a = l.attribute;
        Ok(Formula::any(
            set.into_iter()
                .map(|(x, y)| match (x == domain.0, y == domain.1) {
                    (true, true) => Formula::True,
                    (true, false) => Formula::compare(a, Op::Le, literal(y)),
                    (false, true) => Formula::compare(a, Op::Ge, literal(x)),
                    _ if x == y => Formula::compare(a, Op::Eq, literal(x)),
                    _ => Formula::Atom(Statement::Range {
                        attribute: a,
                        low: literal(x),
                        high: literal(y),
                    }),
                })
                .collect(),
        ))
    }
}

/// A hidden time's domain, values per day and literal form.
type Scale = ((i64, i64), i64, fn(i64) -> Literal);

fn constant(b: bool) -> Formula {
    if b {
        Formula::True
    } else {
        Formula::False
    }
}

fn not_a_date(operator: &'static str, l: &Leaf) -> Obstacle {
    obstacle(
        operator,
        l,
        "reads a field that is not a date as a date",
        l.kind != FieldKind::Unsigned,
    )
}

fn hidden_leaf(bases: &[Base<'_>]) -> Option<Leaf> {
    bases.iter().find_map(|b| match b {
        Base::Leaf(l) => Some(*l),
        _ => None,
    })
}

/// The JSON kind a leaf's payload value has.
fn kind_of_leaf(l: &Leaf) -> crate::certlogic::ValueKind {
    match l.kind {
        FieldKind::Integer => crate::certlogic::ValueKind::Integer,
        _ => crate::certlogic::ValueKind::String,
    }
}

fn kind(b: &Base<'_>) -> Option<crate::certlogic::ValueKind> {
    use crate::certlogic::ValueKind as K;
    Some(match b {
        Base::Known(v) => v.kind(),
        Base::Leaf(l) => kind_of_leaf(l),
        Base::Time { .. } => K::DateTime,
        Base::Array(_) => K::Array,
        Base::Object(_) => K::Object,
        Base::Error => return None,
    })
}

/// The known value of `b`, if nothing in it is hidden.
fn known<'a>(b: &Base<'a>) -> Option<Value<'a>> {
    match b {
        Base::Known(v) => Some(v.clone()),
        Base::Array(items) => Value::array(items.iter().map(known).collect::<Option<_>>()?, 64),
        Base::Object(entries) => Value::record(
            entries
                .iter()
                .map(|(k, v)| Some((*k, known(v)?)))
                .collect::<Option<_>>()?,
            64,
        ),
        _ => None,
    }
}

fn array(items: Vec<Base<'_>>) -> Base<'_> {
    let all_known: Option<Vec<_>> = items.iter().map(known).collect();
    match all_known.and_then(|v| Value::array(v, 64)) {
        Some(v) => Base::Known(v),
        None => Base::Array(items),
    }
}

/// `var` over a partially known context, as the evaluator's data access: integer fragments
/// index arrays, keys read objects, anything else is `null`.
fn access<'a>(env: &Base<'a>, fragments: &[PathFragment]) -> Base<'a> {
    let mut current = env.clone();
    for fragment in fragments {
        let next = match (&current, fragment) {
            (Base::Known(Value::Array(a)), PathFragment::Index(Some(i))) => {
                a.get(*i).map(Base::Known)
            }
            (Base::Known(Value::Object(o)), PathFragment::Key(k)) => o.get(k).map(Base::Known),
            (Base::Array(items), PathFragment::Index(Some(i))) => items.get(*i).cloned(),
            (Base::Object(entries), PathFragment::Key(k)) => entries
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone()),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return Base::Known(Value::Null),
        }
    }
    current
}
