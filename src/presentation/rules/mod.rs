//! The CertLogic compiler: EU DCC acceptance rules ([`crate::certlogic::Rule`]) and a
//! validation clock become a policy (`healthpass-policy/1`, the contract in
//! `docs/formats.md`) whose statements a holder proves over hidden attributes.
//!
//! CertLogic's rule-set semantics are kept: a rule applies to its `CertificateType`
//! (`General` rules to every type) when the clock lies in `[ValidFrom, ValidTo)`; every
//! applicable rule must hold; a type no rule applies to is accepted on validity alone. The
//! policy has one alternative per credential type whose rules can hold.
//!
//! For each type the compiler evaluates every rule partially (module `symbolic`): what depends
//! only on the clock, the value sets and the certificate type (which of `v`/`t`/`r` exists,
//! array lengths, `reduce` over them) is computed at compile time with the evaluator's own
//! operations; what depends on the payload becomes statements over the attributes that hold
//! it ([`FIELDS`]): comparisons of dates and instants with bounds derived from the clock
//! (`plusTime` by days and hours inverted exactly, by months and years solved exactly around
//! the roll-over, module `bounds`), code equality and membership (negated membership becomes the
//! complement within the value set), comparisons between attributes, and CertLogic's
//! truthiness (`issuer_name != ""`). `if`, `and` and `!` become `all_of` and `any_of`. A part
//! that no statement expresses (a string operation on a hidden field, two hidden dates with
//! different offsets) is refused, naming the rule, the operator and the field
//! ([`RulesError::NeedsDisclosure`]); a rule is never weakened.

mod bounds;
mod formula;
mod symbolic;

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

pub use formula::{Formula, Literal, Op, Statement};
pub use symbolic::{entry_key, FieldKind, Leaf, Obstacle, FIELDS};

use crate::certlogic::{CertificateType, DateTime, Expr, Rule, RuleType, Value};
use crate::credential::{calendar, AttributeValue, CredentialType, ValueSet};
use crate::untrusted::Untrusted;

/// The policy format the compiler emits.
pub const POLICY_FORMAT: &str = "healthpass-policy/1";

/// Why rules could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RulesError {
    /// A part of a rule needs the value of a field: no statement over hidden attributes
    /// expresses it.
    #[error("rule {}: `{operator}` on {field}: {reason}{}", Untrusted(.rule), if *.disclosable { " (it would need the field disclosed: --disclose-as-needed)" } else { "" })]
    NeedsDisclosure {
        /// The rule's identifier.
        rule: String,
        /// The CertLogic operator.
        operator: &'static str,
        /// The payload field (DCC path).
        field: String,
        /// Why.
        reason: String,
        /// Whether disclosing the field would make the part checkable by the verifier.
        disclosable: bool,
    },
    /// A rule reads a value set that was not given.
    #[error("rule {}: reads value set `{}`, which was not given (--valuesets)", Untrusted(.rule), Untrusted(.id))]
    MissingValueSet {
        /// The rule's identifier.
        rule: String,
        /// The value set's identifier.
        id: String,
    },
    /// A rule that is not an acceptance rule.
    #[error("rule {}: only acceptance rules compile into policies", Untrusted(.rule))]
    NotAcceptance {
        /// The rule's identifier.
        rule: String,
    },
    /// The validation clock is not an RFC 3339 date and time.
    #[error("the validation clock `{}` is not an RFC 3339 date and time", Untrusted(.clock))]
    Clock {
        /// What was given.
        clock: String,
    },
    /// A value-set file that is not an object of value-set identifiers to lists of codes.
    #[error("value sets: {problem}")]
    ValueSets {
        /// What is wrong.
        problem: String,
    },
}

/// Value sets by identifier: the codes a rule's `external.valueSets.<id>` reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValueSets(pub BTreeMap<String, Vec<String>>);

impl ValueSets {
    /// The value sets the project embeds (`data/valuesets/`).
    pub fn embedded() -> ValueSets {
        ValueSets(
            ValueSet::ALL
                .into_iter()
                .map(|set| {
                    let mut codes: Vec<String> =
                        set.codes().into_iter().map(str::to_owned).collect();
                    codes.sort();
                    (set.id().to_owned(), codes)
                })
                .collect(),
        )
    }

    /// Reads `valueSets.json` (or a test case's `external.valueSets`): an object of
    /// identifiers to arrays of code strings.
    pub fn from_json(json: &Json) -> Result<ValueSets, RulesError> {
        let bad = |problem: &str| RulesError::ValueSets {
            problem: problem.to_owned(),
        };
        let object = json
            .as_object()
            .ok_or_else(|| bad("expected an object of value-set identifiers to code lists"))?;
        let mut sets = BTreeMap::new();
        for (id, codes) in object {
            let codes = codes
                .as_array()
                .ok_or_else(|| bad("every value set must be an array of codes"))?
                .iter()
                .map(|c| c.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("every code must be a string"))?;
            sets.insert(id.clone(), codes);
        }
        Ok(ValueSets(sets))
    }

    /// The JSON object of `external.valueSets`.
    pub fn to_json(&self) -> Json {
        json!(self.0)
    }
}

/// What a rule became for one credential type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledRule {
    /// The rule's identifier.
    pub id: String,
    /// The credential type.
    pub credential_type: CredentialType,
    /// The condition under which the rule passes.
    pub formula: Formula,
}

/// A rule, or a part of one, that needs a disclosure, compiled with `--disclose-as-needed`:
/// the presentation discloses exactly the fields it reads, and the verifier evaluates it on
/// them with the plaintext evaluator ([`CompiledPolicy::check_disclosed`]).
///
/// A rule whose logic is an `and` is split into parts (see [`rule_parts`]): the parts zero
/// knowledge can prove are proven ([`CompiledRule`]), and only the parts that need a
/// disclosure are disclosed, each as a `DisclosedRule` whose `rule.logic` is the part.
#[derive(Clone, Debug, PartialEq)]
pub struct DisclosedRule {
    /// The rule (its `logic` is the part, when `part` is given).
    pub rule: Rule,
    /// The credential type it is evaluated for.
    pub credential_type: CredentialType,
    /// The fields it reads (payload path and attribute), all disclosed.
    pub fields: Vec<Leaf>,
    /// Why it needs them ([`RulesError::NeedsDisclosure`]).
    pub why: RulesError,
    /// For a part of a rule: its number (from 1) and the rule's number of parts.
    pub part: Option<(usize, usize)>,
}

impl DisclosedRule {
    /// Why the rule needs its fields disclosed, in words: the operator, the field and the
    /// reason no statement over hidden attributes expresses it.
    pub fn reason(&self) -> String {
        match &self.why {
            RulesError::NeedsDisclosure {
                operator,
                field,
                reason,
                ..
            } => format!("`{operator}` on {field}: {reason}"),
            other => other.to_string(),
        }
    }

    /// The rule's identifier, with the part's number when it is a part
    /// (`RR-XX-0001 (part 2 of 3)`).
    pub fn label(&self) -> String {
        match self.part {
            Some((k, n)) => format!("{} (part {k} of {n})", self.rule.identifier),
            None => self.rule.identifier.clone(),
        }
    }
}

/// The marker a compiled policy's name carries when rules of it are evaluated on disclosed
/// values: a verifier must then be given the same rules (the policy format holds statements
/// only, and the name is covered by the request's digest).
pub const DISCLOSED_MARKER: &str = "; evaluated on disclosed values: ";

/// Rules compiled at one validation clock.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledPolicy {
    /// The policy's name.
    pub name: String,
    /// The validation clock (`None` when `external` has none: every rule is applied and
    /// reading the clock gives `null`, as in CertLogic).
    pub clock: Option<DateTime>,
    /// Per credential type, the rules that apply (in force and of the type or `General`).
    pub rules: Vec<CompiledRule>,
    /// The rules not in force at the clock (not applied).
    pub not_in_force: Vec<String>,
    /// The rules evaluated by the verifier on disclosed fields (`--disclose-as-needed`).
    pub disclosed: Vec<DisclosedRule>,
    /// The data context's `external` the rules were compiled over.
    pub external: Json,
}

impl CompiledPolicy {
    /// The condition a credential of type `t` must meet (`True`: validity alone).
    pub fn formula(&self, t: CredentialType) -> Formula {
        Formula::all(
            self.rules
                .iter()
                .filter(|r| r.credential_type == t)
                .map(|r| r.formula.clone())
                .collect(),
        )
    }

    /// The types whose condition can hold, with it.
    pub fn alternatives(&self) -> Vec<(CredentialType, Formula)> {
        CredentialType::HEALTH
            .into_iter()
            .map(|t| (t, self.formula(t)))
            .filter(|(_, f)| *f != Formula::False)
            .collect()
    }

    /// Whether a credential of type `t` with the attribute values `attributes` (an
    /// `ATTRS.json` object) meets the policy's statements, evaluated in plaintext.
    pub fn holds(&self, t: CredentialType, attributes: &Json) -> bool {
        self.formula(t).holds(t, attributes)
    }

    /// The attributes a credential of type `t` discloses: the fields of its disclosed
    /// rules, each once, in the order of the type's schema.
    pub fn disclose(&self, t: CredentialType) -> Vec<&'static str> {
        let read: Vec<&str> = self
            .disclosed
            .iter()
            .filter(|d| d.credential_type == t)
            .flat_map(|d| d.fields.iter().map(|l| l.attribute))
            .collect();
        t.schema()
            .attributes
            .iter()
            .map(|a| a.name)
            .filter(|n| read.contains(n))
            .collect()
    }

    /// The policy's name: `name`, and when rules are evaluated on disclosed values,
    /// [`DISCLOSED_MARKER`] and their identifiers.
    pub fn policy_name(&self) -> String {
        let mut ids: Vec<&str> = self
            .disclosed
            .iter()
            .map(|d| d.rule.identifier.as_str())
            .collect();
        ids.dedup();
        if ids.is_empty() {
            self.name.clone()
        } else {
            format!("{}{DISCLOSED_MARKER}{}", self.name, ids.join(" "))
        }
    }

    /// The verifier's side of `--disclose-as-needed`: every disclosed rule of the presented
    /// type `t`, evaluated with the plaintext evaluator ([`Rule::check`]) over a payload made
    /// of the disclosed values of the fields it reads (their payload forms: a date, the day
    /// of a validity instant, a sample time, a code, an integer). Returns each disclosed
    /// rule's [`DisclosedRule::label`] with whether it passed, in the order of
    /// `self.disclosed`; an empty list when none applies.
    pub fn check_disclosed(
        &self,
        t: CredentialType,
        disclosed: &[(String, AttributeValue)],
    ) -> Vec<(String, bool)> {
        self.disclosed
            .iter()
            .filter(|d| d.credential_type == t)
            .map(|d| {
                let passed = disclosed_payload(t, &d.fields, disclosed)
                    .is_some_and(|payload| d.rule.check(&payload, &self.external).passed());
                (d.label(), passed)
            })
            .collect()
    }

    /// The policy JSON of the contract (`healthpass-policy/1`).
    pub fn to_json(&self) -> Json {
        let alternatives: Vec<Json> = self
            .alternatives()
            .into_iter()
            .map(|(t, f)| {
                let mut a = json!({ "type": t.name(), "all_of": f.conjuncts() });
                let disclose = self.disclose(t);
                if !disclose.is_empty() {
                    a["disclose"] = json!(disclose);
                }
                a
            })
            .collect();
        json!({
            "format": POLICY_FORMAT,
            "name": self.policy_name(),
            "any_of": alternatives,
            "reveal_branch": false,
        })
    }

    /// The policy of the presentation layer ([`crate::presentation::Policy`]), read from
    /// [`CompiledPolicy::to_json`] as a policy file is (`healthpass request --policy`), at
    /// `now` (seconds since the Unix epoch; compiled statements hold no relative bound).
    pub fn to_policy(
        &self,
        now: i64,
    ) -> Result<crate::presentation::Policy, crate::presentation::Error> {
        crate::presentation::Policy::from_policy_json(&self.to_json().to_string(), now)
    }

    /// The compiled statements in words, per credential type, as a verifier reads them.
    pub fn explain(&self) -> String {
        let mut out = format!(
            "Rules compiled at {}{}:\n",
            self.clock
                .map_or("no validation clock".to_owned(), DateTime::to_iso_string),
            if self.not_in_force.is_empty() {
                String::new()
            } else {
                format!(" (not in force then: {})", self.not_in_force.join(", "))
            }
        );
        for t in CredentialType::HEALTH {
            let f = self.formula(t);
            out.push_str(&format!("\nA {t} credential "));
            match f {
                Formula::True => out.push_str("is accepted when valid: no rule constrains it.\n"),
                Formula::False => out.push_str("is never accepted.\n"),
                _ => {
                    out.push_str("is accepted when valid and, proven without disclosing them:\n");
                    // As the policy writes it (`Formula::for_policy`).
                    words(&Formula::All(f.for_policy()), 1, &mut out);
                }
            }
            for d in self.disclosed.iter().filter(|d| d.credential_type == t) {
                let names: Vec<&str> = d.fields.iter().map(|l| l.attribute).collect();
                out.push_str(&format!(
                    "  and discloses {} for the verifier to evaluate {} on them ({})\n",
                    names.join(", "),
                    Untrusted(&d.label()),
                    d.reason()
                ));
            }
            for r in self.rules.iter().filter(|r| r.credential_type == t) {
                let what = match &r.formula {
                    Formula::True => "always holds".to_owned(),
                    Formula::False => "never holds".to_owned(),
                    f => format!("{} statement(s)", f.size()),
                };
                out.push_str(&format!("    ({}: {what})\n", Untrusted(&r.id)));
            }
        }
        out
    }
}

fn words(f: &Formula, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match f {
        Formula::True => out.push_str(&format!("{pad}- always\n")),
        Formula::False => out.push_str(&format!("{pad}- never\n")),
        Formula::Atom(s) => out.push_str(&format!("{pad}- {s}\n")),
        Formula::All(parts) => {
            if depth > 1 {
                out.push_str(&format!("{pad}- all of:\n"));
            }
            for p in parts {
                words(p, depth + usize::from(depth > 1), out);
            }
        }
        Formula::Any(parts) => {
            out.push_str(&format!("{pad}- one of:\n"));
            for p in parts {
                words(p, depth + 1, out);
            }
        }
    }
}

/// The value-set identifiers an expression reads (`external.valueSets.<id>`).
fn value_sets_read(expr: &Expr, out: &mut Vec<String>) {
    if let Expr::Var(path) = expr {
        if let Some(rest) = path.as_str().strip_prefix("external.valueSets.") {
            out.push(rest.split('.').next().unwrap_or(rest).to_owned());
        }
    }
    for child in expr.children() {
        value_sets_read(child, out);
    }
}

/// The credential types a rule of certificate type `c` applies to.
fn types_of(c: CertificateType) -> Vec<CredentialType> {
    match c {
        CertificateType::General => CredentialType::HEALTH.to_vec(),
        CertificateType::Vaccination => vec![CredentialType::Vaccination],
        CertificateType::Test => vec![CredentialType::Test],
        CertificateType::Recovery => vec![CredentialType::Recovery],
    }
}

/// Compiles `rules` over the data context's `external` (its `validationClock`, RFC 3339,
/// is the clock; `valueSets` the value sets; anything else is read as it is) into a policy
/// called `name`.
pub fn compile(rules: &[Rule], external: &Json, name: &str) -> Result<CompiledPolicy, RulesError> {
    compile_with(rules, external, name, false)
}

/// [`compile`]; with `disclose_as_needed`, a rule with a part that needs a disclosable field
/// ([`RulesError::NeedsDisclosure`] with `disclosable`) is compiled by disclosing exactly the
/// fields it reads ([`DisclosedRule`]) instead of being refused. A rule whose parts need
/// what disclosure cannot give (an unsigned field) is still refused.
pub fn compile_with(
    rules: &[Rule],
    external: &Json,
    name: &str,
    disclose_as_needed: bool,
) -> Result<CompiledPolicy, RulesError> {
    let clock = match external.get("validationClock") {
        None | Some(Json::Null) => None,
        Some(c) => Some(
            c.as_str()
                .and_then(|text| DateTime::parse(text).ok())
                .ok_or_else(|| RulesError::Clock {
                    clock: c.to_string(),
                })?,
        ),
    };
    let mut compiled = Vec::new();
    let mut not_in_force = Vec::new();
    let mut disclosed = Vec::new();
    for rule in rules {
        if rule.rule_type != RuleType::Acceptance {
            return Err(RulesError::NotAcceptance {
                rule: rule.identifier.clone(),
            });
        }
        if clock.is_some_and(|c| !rule.in_force_at(c)) {
            not_in_force.push(rule.identifier.clone());
            continue;
        }
        let mut sets = Vec::new();
        value_sets_read(&rule.logic, &mut sets);
        if let Some(id) = sets
            .into_iter()
            .find(|id| external["valueSets"].get(id.as_str()).is_none())
        {
            return Err(RulesError::MissingValueSet {
                rule: rule.identifier.clone(),
                id,
            });
        }
        for t in types_of(rule.certificate_type) {
            let compiler = symbolic::Compiler {
                t,
                external: Value::from_json(external),
            };
            let why = |o: symbolic::Obstacle| RulesError::NeedsDisclosure {
                rule: rule.identifier.clone(),
                operator: o.operator,
                field: o.field,
                reason: o.reason,
                disclosable: o.disclosable,
            };
            let o = match compiler.passes(&rule.logic) {
                Ok(formula) => {
                    compiled.push(CompiledRule {
                        id: rule.identifier.clone(),
                        credential_type: t,
                        formula,
                    });
                    continue;
                }
                Err(o) if disclose_as_needed && o.disclosable => o,
                Err(o) => return Err(why(o)),
            };
            // Per part: prove what zero knowledge can, disclose only what the other parts
            // read (a rule that is one part is disclosed whole).
            let parts = rule_parts(&rule.logic);
            let n = parts.len();
            let mut proven = Vec::new();
            for (k, part) in parts.into_iter().enumerate() {
                let o = if n == 1 {
                    o.clone()
                } else {
                    match compiler.passes(&part) {
                        Ok(f) => {
                            proven.push(f);
                            continue;
                        }
                        Err(o) if o.disclosable => o,
                        Err(o) => return Err(why(o)),
                    }
                };
                let Some(fields) = fields_read(&part, t) else {
                    return Err(why(o));
                };
                let mut r = rule.clone();
                r.logic = part;
                disclosed.push(DisclosedRule {
                    rule: r,
                    credential_type: t,
                    fields,
                    why: why(o),
                    part: (n > 1).then_some((k + 1, n)),
                });
            }
            if n > 1 {
                compiled.push(CompiledRule {
                    id: rule.identifier.clone(),
                    credential_type: t,
                    formula: Formula::all(proven),
                });
            }
        }
    }
    Ok(CompiledPolicy {
        name: name.to_owned(),
        clock,
        rules: compiled,
        not_in_force,
        disclosed,
        external: external.clone(),
    })
}

/// A rule's logic as parts that must all evaluate to `true` for it to pass, each evaluable
/// on its own: CertLogic's `and` returns its first falsy operand or its last, so `and(a, b,
/// c)` is `true` exactly when `a` and `b` are truthy and `c` is `true` (evaluation is pure:
/// an operand the evaluator would not reach changes nothing when an earlier one fails). A
/// non-last operand becomes `!(!(a))` (`true` exactly when `a` is truthy; an error when it is
/// neither, as in `and`); nested `and`s are split the same way. Anything else is one part.
pub fn rule_parts(logic: &Expr) -> Vec<Expr> {
    fn truthy(e: &Expr, out: &mut Vec<Expr>) {
        match e {
            Expr::And(items) => items.iter().for_each(|i| truthy(i, out)),
            other => out.push(Expr::Not(Box::new(Expr::Not(Box::new(other.clone()))))),
        }
    }
    fn parts(e: &Expr, out: &mut Vec<Expr>) {
        match e {
            Expr::And(items) if !items.is_empty() => {
                let (last, first) = items.split_last().unwrap_or((e, &[]));
                first.iter().for_each(|i| truthy(i, out));
                parts(last, out);
            }
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    parts(logic, &mut out);
    out
}

/// The signed fields a rule reads for a credential of type `t` (its `payload.…` paths that
/// name a field of [`FIELDS`]; paths to a whole entry are decided by the type), or `None`
/// when it reads one that cannot be disclosed (unsigned).
fn fields_read(expr: &Expr, t: CredentialType) -> Option<Vec<Leaf>> {
    fn walk(expr: &Expr, key: &str, out: &mut Vec<Leaf>) -> bool {
        if let Expr::Var(path) = expr {
            if let Some(path) = path.as_str().strip_prefix("payload.") {
                if let Some((_, leaf)) = FIELDS
                    .iter()
                    .find(|(k, l)| (*k == "*" || *k == key) && l.path == path)
                {
                    if leaf.attribute.is_empty() {
                        return false;
                    }
                    if !out.contains(leaf) {
                        out.push(*leaf);
                    }
                }
            }
        }
        expr.children().into_iter().all(|c| walk(c, key, out))
    }
    let mut out = Vec::new();
    walk(expr, entry_key(t), &mut out).then_some(out)
}

/// The payload a disclosed rule is evaluated over: each field it reads, from the disclosed
/// attribute that holds it, in its payload form. `None` when one is missing.
fn disclosed_payload(
    t: CredentialType,
    fields: &[Leaf],
    disclosed: &[(String, AttributeValue)],
) -> Option<Json> {
    let key = entry_key(t);
    let mut payload = json!({ key: [{}] });
    for leaf in fields {
        let value = &disclosed.iter().find(|(n, _)| n == leaf.attribute)?.1;
        let text = |minutes_or_days: Option<String>| minutes_or_days.map(Json::String);
        let v = match (leaf.kind, value) {
            (FieldKind::DayOfInstant, AttributeValue::Instant(m)) => {
                text(calendar::format_date(m.div_euclid(1440)))?
            }
            (FieldKind::Date, AttributeValue::Date(d)) => text(calendar::format_date(*d))?,
            (FieldKind::Instant, AttributeValue::Instant(m)) => text(calendar::format_instant(*m))?,
            (FieldKind::Integer, AttributeValue::Integer(i)) => json!(i),
            (_, AttributeValue::String(s) | AttributeValue::Code(s)) => json!(s),
            (_, other) => json!(other.to_string()),
        };
        let mut at = &mut payload;
        let parts: Vec<&str> = leaf.path.split('.').collect();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            at = match part.parse::<usize>() {
                Ok(index) => at.get_mut(index)?,
                Err(_) if last => {
                    at[*part] = v.clone();
                    break;
                }
                Err(_) => {
                    if at.get(*part).is_none() {
                        at[*part] = json!({});
                    }
                    &mut at[*part]
                }
            };
        }
    }
    Some(payload)
}

/// The data context's `external` for a clock and value sets.
pub fn external(clock: &str, value_sets: &ValueSets) -> Json {
    json!({ "validationClock": clock, "valueSets": value_sets.to_json() })
}
