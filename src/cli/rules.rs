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
/// epoch): `rules compile`, `rules explain` and `request --rules`.
pub(super) fn compile_input(
    rule_files: &[PathBuf],
    valuesets: Option<&Path>,
    seconds: i64,
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
    rules::compile(&all, &rules::external(&clock, &value_sets), &name).map_err(CliError::usage)
}

/// `healthpass rules compile`.
pub(super) fn compile(a: RulesCompileArgs) -> CliResult<()> {
    let policy = compile_input(
        &a.rules,
        a.valuesets.as_deref(),
        files::clock(a.at.as_deref())?,
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
    )?;
    out!("{}", policy.explain());
    Ok(())
}
