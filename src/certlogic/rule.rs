//! Rule files: the EU DCC validation-rule format (`tests/fixtures/certlogic/rule.schema.json`,
//! the gateway's "EU DCC Validation Rule" schema) parsed into a typed [`Rule`], and a rule
//! evaluated over a payload and its `external` parameters.
//!
//! A rule's `Logic` runs over the data context `{ "payload": …, "external": … }`, as the EU
//! test tooling runs it; the rule passes when it evaluates to `true`.

use serde::Deserialize;
use serde_json::Value as Json;

use super::datetime::DateTime;
use super::eval::{evaluate_with_limits, EvalError, Limits};
use super::expr::{Expr, ExprError};
use super::value::Value;

/// A rule's `Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum RuleType {
    /// `"Acceptance"`: what a country accepts for entry.
    Acceptance,
    /// `"Invalidation"`: certificates invalidated (identifier prefix `IR`).
    Invalidation,
}

/// A rule's `CertificateType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum CertificateType {
    /// `"General"`: applies to every certificate type.
    General,
    /// `"Test"`.
    Test,
    /// `"Vaccination"`.
    Vaccination,
    /// `"Recovery"`.
    Recovery,
}

impl CertificateType {
    /// The identifier prefix the gateway requires of an acceptance rule of this type.
    pub fn identifier_prefix(self) -> &'static str {
        match self {
            CertificateType::General => "GR",
            CertificateType::Test => "TR",
            CertificateType::Vaccination => "VR",
            CertificateType::Recovery => "RR",
        }
    }
}

/// One entry of a rule's `Description`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Description {
    /// The language: `xx` or `xx-yy`, lower case.
    pub lang: String,
    /// The text, at least 20 characters.
    pub desc: String,
}

/// A parsed, checked validation rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// `Identifier`, e.g. `VR-AT-0001`.
    pub identifier: String,
    /// `Type`.
    pub rule_type: RuleType,
    /// `Country`, the owner's ISO 3166 alpha-2 code.
    pub country: String,
    /// `Version` (semver).
    pub version: String,
    /// `SchemaVersion` (semver).
    pub schema_version: String,
    /// `Engine`: always `CERTLOGIC` here.
    pub engine: String,
    /// `EngineVersion` (semver).
    pub engine_version: String,
    /// `CertificateType`.
    pub certificate_type: CertificateType,
    /// `Description`, with at least an English entry.
    pub description: Vec<Description>,
    /// `ValidFrom`: the rule is in force from this instant on.
    pub valid_from: DateTime,
    /// `ValidTo`: the rule is no longer in force from this instant on.
    pub valid_to: DateTime,
    /// `AffectedFields`: the payload fields the rule reads.
    pub affected_fields: Vec<String>,
    /// `Logic`, checked.
    pub logic: Expr,
}

/// Why a rule file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not JSON, or not of the rule's shape (a missing field, a field of the wrong type, a
    /// `Type` or `CertificateType` outside its enumeration).
    #[error("not a validation rule: {0}")]
    Shape(String),
    /// A field whose value breaks the schema or the gateway's constraints.
    #[error("rule field {field}: {reason}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// An engine other than CertLogic.
    #[error("rule engine {0:?} is not CERTLOGIC")]
    Engine(String),
    /// `Logic` is not a valid CertLogic expression.
    #[error("rule logic: {0}")]
    Logic(#[from] ExprError),
}

/// The outcome of a rule over one payload.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleOutcome {
    /// The logic evaluated to `true`.
    Passed,
    /// The logic evaluated to `false`.
    Failed,
    /// The logic evaluated to something other than a boolean (which a validation rule
    /// should never do); not a pass.
    NotBoolean(Json),
    /// Evaluation failed; not a pass (the specification advises treating an error as
    /// `false`).
    Error(EvalError),
}

impl RuleOutcome {
    /// `true` only for [`RuleOutcome::Passed`].
    pub fn passed(&self) -> bool {
        matches!(self, RuleOutcome::Passed)
    }

    /// The outcome as the JSON value the rule's test cases expect (`true`/`false`), or
    /// `None` for an error.
    pub fn value(&self) -> Option<Json> {
        match self {
            RuleOutcome::Passed => Some(Json::Bool(true)),
            RuleOutcome::Failed => Some(Json::Bool(false)),
            RuleOutcome::NotBoolean(v) => Some(v.clone()),
            RuleOutcome::Error(_) => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawRule {
    identifier: String,
    #[serde(rename = "Type")]
    rule_type: RuleType,
    country: String,
    version: String,
    schema_version: String,
    engine: String,
    engine_version: String,
    certificate_type: CertificateType,
    description: Vec<Description>,
    valid_from: String,
    valid_to: String,
    affected_fields: Vec<String>,
    logic: Json,
}

impl Rule {
    /// Parses a rule file.
    pub fn from_json_str(text: &str) -> Result<Rule, RuleError> {
        let json: Json = serde_json::from_str(text).map_err(|e| RuleError::Shape(e.to_string()))?;
        Rule::from_json(&json)
    }

    /// Parses a rule from JSON, refusing anything the rule schema or the gateway's
    /// constraints refuse. The identifier may end in four digits (as the gateway and every
    /// published rule write it, `VR-AT-0000`) or in a number without leading zeros (as the
    /// copied schema's pattern says).
    pub fn from_json(json: &Json) -> Result<Rule, RuleError> {
        let raw = RawRule::deserialize(json).map_err(|e| RuleError::Shape(e.to_string()))?;
        let field = |field, reason| RuleError::Field { field, reason };
        if !is_upper_code(&raw.country) {
            return Err(field("Country", "must be two capital letters"));
        }
        check_identifier(&raw).map_err(|reason| field("Identifier", reason))?;
        for (name, value) in [
            ("Version", &raw.version),
            ("SchemaVersion", &raw.schema_version),
            ("EngineVersion", &raw.engine_version),
        ] {
            if !starts_with_semver(value) {
                return Err(field(name, "must start with MAJOR.MINOR.PATCH"));
            }
        }
        if raw.engine != "CERTLOGIC" {
            return Err(RuleError::Engine(super::datetime::truncated(&raw.engine)));
        }
        check_description(&raw.description).map_err(|reason| field("Description", reason))?;
        let valid_from = timestamp(&raw.valid_from).ok_or(field(
            "ValidFrom",
            "must be YYYY-MM-DDThh:mm:ss with Z or ±hh:mm",
        ))?;
        let valid_to = timestamp(&raw.valid_to).ok_or(field(
            "ValidTo",
            "must be YYYY-MM-DDThh:mm:ss with Z or ±hh:mm",
        ))?;
        if valid_from >= valid_to {
            return Err(field("ValidTo", "must be after ValidFrom"));
        }
        if raw.affected_fields.is_empty() {
            return Err(field("AffectedFields", "must name at least one field"));
        }
        match &raw.logic {
            Json::Object(map) if !map.is_empty() => {}
            _ => return Err(field("Logic", "must be a non-empty object")),
        }
        let logic = Expr::from_json(&raw.logic)?;
        Ok(Rule {
            identifier: raw.identifier,
            rule_type: raw.rule_type,
            country: raw.country,
            version: raw.version,
            schema_version: raw.schema_version,
            engine: raw.engine,
            engine_version: raw.engine_version,
            certificate_type: raw.certificate_type,
            description: raw.description,
            valid_from,
            valid_to,
            affected_fields: raw.affected_fields,
            logic,
        })
    }

    /// Whether the rule is in force at `clock`: `ValidFrom <= clock < ValidTo`.
    pub fn in_force_at(&self, clock: DateTime) -> bool {
        self.valid_from <= clock && clock < self.valid_to
    }

    /// Whether the rule applies to a certificate of type `certificate`: its own type, or
    /// every type for a `General` rule.
    pub fn applies_to(&self, certificate: CertificateType) -> bool {
        self.certificate_type == CertificateType::General || self.certificate_type == certificate
    }

    /// Evaluates the logic over `{ "payload": payload, "external": external }` (pass
    /// `Json::Null` for a missing payload) with the default [`Limits`].
    pub fn check(&self, payload: &Json, external: &Json) -> RuleOutcome {
        self.check_with_limits(payload, external, Limits::default())
    }

    /// [`Rule::check`] within `limits`.
    pub fn check_with_limits(
        &self,
        payload: &Json,
        external: &Json,
        limits: Limits,
    ) -> RuleOutcome {
        let data = Value::record(
            vec![
                ("payload", Value::from_json(payload)),
                ("external", Value::from_json(external)),
            ],
            limits.max_depth,
        );
        let Some(data) = data else {
            return RuleOutcome::Error(EvalError::TooDeep(limits.max_depth));
        };
        match evaluate_with_limits(&self.logic, data, limits) {
            Ok(Value::Bool(true)) => RuleOutcome::Passed,
            Ok(Value::Bool(false)) => RuleOutcome::Failed,
            Ok(other) => RuleOutcome::NotBoolean(other.to_json()),
            Err(e) => RuleOutcome::Error(e),
        }
    }
}

/// `XR-CC-NNNN`: a prefix the type allows, the rule's country, a number.
fn check_identifier(raw: &RawRule) -> Result<(), &'static str> {
    let id = raw.identifier.as_bytes();
    if id.len() < 7 || id[2] != b'-' || id[5] != b'-' {
        return Err("must be PREFIX-CC-NUMBER, e.g. VR-AT-0001");
    }
    let number = &raw.identifier[6..];
    let four_digits = number.len() == 4;
    let no_leading_zero = !number.starts_with('0');
    if !number.bytes().all(|b| b.is_ascii_digit()) || !(four_digits || no_leading_zero) {
        return Err("must end in four digits");
    }
    let expected_prefix = match raw.rule_type {
        RuleType::Invalidation => "IR",
        RuleType::Acceptance => raw.certificate_type.identifier_prefix(),
    };
    if &raw.identifier[..2] != expected_prefix {
        return Err(
            "prefix must match Type and CertificateType (GR, VR, TR, RR; IR for invalidation)",
        );
    }
    if raw.identifier[3..5] != raw.country {
        return Err("country code must match Country");
    }
    Ok(())
}

fn is_upper_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn starts_with_semver(s: &str) -> bool {
    let mut parts = s.splitn(3, '.');
    let number =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let (major, minor) = (parts.next(), parts.next());
    let patch = parts
        .next()
        .map(|p| &p[..p.bytes().take_while(u8::is_ascii_digit).count()]);
    number(major) && number(minor) && number(patch)
}

fn check_description(description: &[Description]) -> Result<(), &'static str> {
    let lang_ok = |l: &str| {
        let b = l.as_bytes();
        let lower = |s: &[u8]| s.len() == 2 && s.iter().all(u8::is_ascii_lowercase);
        lower(b) || (b.len() == 5 && b[2] == b'-' && lower(&b[..2]) && lower(&b[3..]))
    };
    if description.is_empty() {
        return Err("must have at least one entry");
    }
    if description.iter().any(|d| !lang_ok(&d.lang)) {
        return Err("lang must be xx or xx-yy in lower case");
    }
    if description.iter().any(|d| d.desc.chars().count() < 20) {
        return Err("desc must have at least 20 characters");
    }
    if !description.iter().any(|d| d.lang == "en") {
        return Err("must have an English (en) entry");
    }
    Ok(())
}

/// `ValidFrom`/`ValidTo`: `YYYY-MM-DDThh:mm:ss` with `Z` or `±hh:mm`, no fraction.
fn timestamp(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    let offset_ok = match b.len() {
        20 => b[19] == b'Z',
        25 => matches!(b[19], b'+' | b'-') && b[22] == b':',
        _ => false,
    };
    offset_ok.then(|| DateTime::parse(s).ok()).flatten()
}
