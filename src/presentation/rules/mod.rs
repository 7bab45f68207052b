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
use crate::credential::{CredentialType, ValueSet};
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

/// Rules compiled at one validation clock.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// The policy JSON of the contract (`healthpass-policy/1`).
    pub fn to_json(&self) -> Json {
        let alternatives: Vec<Json> = self
            .alternatives()
            .into_iter()
            .map(|(t, f)| json!({ "type": t.name(), "all_of": f.conjuncts() }))
            .collect();
        json!({
            "format": POLICY_FORMAT,
            "name": self.name,
            "any_of": alternatives,
            "reveal_branch": false,
        })
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
                    words(&f, 1, &mut out);
                }
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
            let formula =
                compiler
                    .passes(&rule.logic)
                    .map_err(|o| RulesError::NeedsDisclosure {
                        rule: rule.identifier.clone(),
                        operator: o.operator,
                        field: o.field,
                        reason: o.reason,
                        disclosable: o.disclosable,
                    })?;
            compiled.push(CompiledRule {
                id: rule.identifier.clone(),
                credential_type: t,
                formula,
            });
        }
    }
    Ok(CompiledPolicy {
        name: name.to_owned(),
        clock,
        rules: compiled,
        not_in_force,
    })
}

/// The data context's `external` for a clock and value sets.
pub fn external(clock: &str, value_sets: &ValueSets) -> Json {
    json!({ "validationClock": clock, "valueSets": value_sets.to_json() })
}
