//! `healthpass rules compile` and `healthpass rules explain`: CertLogic rules compiled
//! into a policy (`presentation::rules`).

use std::path::{Path, PathBuf};

use healthpass::certlogic::Rule;
use healthpass::presentation::rules::{self, CompiledPolicy, ValueSets};
use healthpass::untrusted::Untrusted;
use serde_json::Value as Json;

use super::files::{self, write_output, CliError, CliResult, Mode};
use super::output::{out, outln};

/// `rules compile` arguments.
#[derive(clap::Args)]
pub(super) struct RulesCompileArgs {
    /// A CertLogic rule file (one rule, or an array of rules; repeatable).
    #[arg(long = "rules", value_name = "RULE.json", required = true)]
    pub rules: Vec<PathBuf>,
    /// Value sets (`valueSets.json`'s format: value-set id to its codes) [default: the
    /// embedded ones].
    #[arg(long, value_name = "VALUESETS.json")]
    pub valuesets: Option<PathBuf>,
    /// The validation clock (RFC 3339) [default: now].
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Compile a rule that needs a disclosure by disclosing the fields it reads (see
    /// `request --disclose-as-needed`).
    #[arg(long)]
    pub disclose_as_needed: bool,
    /// The policy file to write (`-`: standard output).
    #[arg(long, value_name = "POLICY.json")]
    pub out: PathBuf,
}

/// `rules explain` arguments.
#[derive(clap::Args)]
pub(super) struct RulesExplainArgs {
    /// CertLogic rule files (one rule, or an array of rules, each).
    #[arg(value_name = "RULE.json", required = true)]
    pub rules: Vec<PathBuf>,
    /// Value sets (`valueSets.json`'s format: value-set id to its codes) [default: the
    /// embedded ones].
    #[arg(long, value_name = "VALUESETS.json")]
    pub valuesets: Option<PathBuf>,
    /// The validation clock (RFC 3339) [default: now].
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// Compile a rule that needs a disclosure by disclosing the fields it reads.
    #[arg(long)]
    pub disclose_as_needed: bool,
}

fn load_rules(path: &Path) -> CliResult<Vec<Rule>> {
    let text = files::read_text(path, "rule file")?;
    let bad = |e: &dyn std::fmt::Display| {
        CliError::usage(format!(
            "{}: {}",
            files::shown(path),
            Untrusted(&e.to_string())
        ))
    };
    let json: Json = serde_json::from_str(&text).map_err(|e| bad(&e))?;
    match &json {
        Json::Array(items) => items
            .iter()
            .map(|r| Rule::from_json(r).map_err(|e| bad(&e)))
            .collect(),
        one => Ok(vec![Rule::from_json(one).map_err(|e| bad(&e))?]),
    }
}

/// Reads the rules and value sets and compiles them at the clock `seconds` (since the Unix
/// epoch): `rules compile`, `rules explain`, `request --rules` and `verify --rules`.
pub(super) fn compile_input(
    rule_files: &[PathBuf],
    valuesets: Option<&Path>,
    seconds: i64,
    disclose_as_needed: bool,
) -> CliResult<CompiledPolicy> {
    let mut all = Vec::new();
    for path in rule_files {
        all.extend(load_rules(path)?);
    }
    let value_sets = match valuesets {
        Some(path) => {
            let text = files::read_text(path, "value-set file")?;
            let json: Json = serde_json::from_str(&text).map_err(|e| {
                CliError::usage(format!(
                    "{}: {}",
                    files::shown(path),
                    Untrusted(&e.to_string())
                ))
            })?;
            ValueSets::from_json(&json)
                .map_err(|e| CliError::usage(format!("{}: {e}", files::shown(path))))?
        }
        None => ValueSets::embedded(),
    };
    let clock = healthpass::credential::calendar::format_rfc3339_seconds(seconds)
        .ok_or_else(|| CliError::usage("--at lies outside years 0000 to 9999"))?;
    let mut countries: Vec<&str> = all.iter().map(|r| r.country.as_str()).collect();
    countries.sort_unstable();
    countries.dedup();
    let name = format!("certlogic {}", countries.join(" "));
    rules::compile_with(
        &all,
        &rules::external(&clock, &value_sets),
        &name,
        disclose_as_needed,
    )
    .map_err(CliError::usage)
}

/// `healthpass rules compile`.
pub(super) fn compile(a: RulesCompileArgs) -> CliResult<()> {
    let policy = compile_input(
        &a.rules,
        a.valuesets.as_deref(),
        files::clock(a.at.as_deref())?,
        a.disclose_as_needed,
    )?;
    let text = serde_json::to_string_pretty(&policy.to_json()).unwrap_or_default() + "\n";
    write_output(&a.out, text.as_bytes(), Mode::Public)?;
    outln!(
        "wrote the policy of {} rule(s) to {}",
        policy.rules.len(),
        files::shown(&a.out)
    );
    Ok(())
}

/// `healthpass rules explain`.
pub(super) fn explain(a: RulesExplainArgs) -> CliResult<()> {
    let policy = compile_input(
        &a.rules,
        a.valuesets.as_deref(),
        files::clock(a.at.as_deref())?,
        a.disclose_as_needed,
    )?;
    out!("{}", policy.explain());
    Ok(())
}

/// `verify --rules`: the rules the request was made from, compiled again at its time; they
/// must give the request's policies (name, alternatives, disclosures and statements), and
/// every rule compiled by disclosing fields must hold on the disclosed values of each
/// verified credential. Returns, for people, what was disclosed, why, and each rule's
/// verdict; a rule that fails is a rejection (exit code 1).
pub(super) fn check_disclosed(
    a_rules: &[PathBuf],
    valuesets: Option<&Path>,
    request: &healthpass::presentation::PresentationRequest,
    verified: &healthpass::presentation::VerifiedPresentation,
) -> CliResult<Vec<String>> {
    let policy_names: Vec<&str> = request.policies.iter().map(|p| p.name.as_str()).collect();
    if a_rules.is_empty() {
        if let Some(name) = policy_names
            .iter()
            .find(|n| n.contains(rules::DISCLOSED_MARKER))
        {
            return Err(CliError::usage(format!(
                "the request's policy `{}` has rules evaluated on disclosed values: give the \
                 rules it was made from (--rules, and --valuesets if it was made with them)",
                Untrusted(name)
            )));
        }
        return Ok(Vec::new());
    }
    let compiled = compile_input(a_rules, valuesets, request.created, true)?;
    let policy = compiled
        .to_policy(request.created)
        .map_err(CliError::usage)?;
    let same = |p: &healthpass::presentation::Policy| {
        p.name == policy.name
            && p.alternatives.len() == policy.alternatives.len()
            && p.alternatives
                .iter()
                .zip(&policy.alternatives)
                .all(|(x, y)| {
                    x.credential_type == y.credential_type
                        && x.disclose == y.disclose
                        && x.describe() == y.describe()
                })
    };
    if request.policies.len() != 1 || !same(&request.policies[0]) {
        return Err(CliError::usage(
            "--rules: these rules (at the request's time, with these value sets) do not give \
             the request's policy",
        ));
    }
    let mut failed = Vec::new();
    let mut lines = Vec::new();
    for c in &verified.credentials {
        // One verdict per disclosed rule or part, in the order of `compiled.disclosed`.
        let verdicts = compiled.check_disclosed(c.credential_type, &c.disclosed);
        for (d, (label, passed)) in compiled
            .disclosed
            .iter()
            .filter(|d| d.credential_type == c.credential_type)
            .zip(verdicts)
        {
            let names: Vec<&str> = d.fields.iter().map(|l| l.attribute).collect();
            lines.push(format!(
                "rule {} evaluated on the disclosed {}: {} (disclosed because {})",
                Untrusted(&label),
                names.join(", "),
                if passed { "holds" } else { "FAILS" },
                d.reason()
            ));
            if !passed {
                failed.push(label);
            }
        }
    }
    if failed.is_empty() {
        Ok(lines)
    } else {
        Err(CliError::rejected(format!(
            "REJECTED: {}; rule(s) {} do not hold on the disclosed values",
            lines.join("; "),
            Untrusted(&failed.join(", "))
        )))
    }
}
