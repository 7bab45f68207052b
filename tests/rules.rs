//! The CertLogic compiler (`presentation::rules`) against the countries' rules and their
//! own test cases: every case whose payload is one certificate of one type is issued as a
//! credential (the fields its rule does not read filled with the neutral values below),
//! the rule is compiled at the case's validation clock with its value sets, and the
//! policy's verdict on the credential must equal `expected`. The other cases (empty,
//! mixed `v`/`t`/`r`, other than one entry, lacking a field the rule reads) are checked by
//! the evaluator alone and counted apart; refused issuances are counted apart too (they
//! never count as agreement).
//!
//! `cargo test --release --test rules -- --nocapture` prints the table of
//! `docs/certlogic.md`.

mod common;

use std::collections::BTreeMap;

use common::certlogic::{corpus_rules, CorpusRule, RuleCase};
use healthpass::certlogic::{CertificateType, DateTime, Rule};
use healthpass::credential::dcc::{self, Validity};
use healthpass::credential::CredentialType;
use healthpass::presentation::rules::{self, Formula, RulesError};
use serde_json::{json, Map, Value as Json};

/// The neutral values of the fields a rule does not read (documented in
/// `docs/certlogic.md`): a complete hcert 1.3 payload of each type.
pub fn neutral_entry(key: &str) -> Json {
    match key {
        "v" => json!({ "tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
                       "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2021-06-01",
                       "co": "NL", "is": "Neutral issuer", "ci": "URN:UVCI:01:NL:NEUTRAL" }),
        "t" => json!({ "tg": "840539006", "tt": "LP6464-4", "sc": "2021-06-01T00:00:00Z",
                       "tr": "260415000", "tc": "Neutral test centre",
                       "co": "NL", "is": "Neutral issuer", "ci": "URN:UVCI:01:NL:NEUTRAL" }),
        _ => json!({ "tg": "840539006", "fr": "2021-06-01", "df": "2021-06-12",
                     "du": "2021-12-01", "co": "NL", "is": "Neutral issuer",
                     "ci": "URN:UVCI:01:NL:NEUTRAL" }),
    }
}

/// Issuance time of every corpus credential: after every event of every payload (the
/// issuance checks refuse events after it; the rules never read it).
pub const ISSUED_AT: i64 = 4_102_444_800; // 2100-01-01T00:00:00Z

/// Validity wide enough not to interfere with any rule (2000-01-01 to 2099-12-31).
pub const WIDE: Validity = Validity {
    from: Some(946_684_800),
    until: Some(4_102_444_740),
};

/// Why a case goes to the evaluator alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvaluatorOnly {
    Empty,
    Mixed,
    NotOneEntry,
    LacksReadField,
}

/// The case's type key and payload completed with neutral values, or why it is not one
/// certificate of one type.
pub fn complete(rule: &Rule, payload: &Json) -> Result<(String, Json), EvaluatorOnly> {
    let Some(object) = payload.as_object() else {
        return Err(EvaluatorOnly::Empty);
    };
    let keys: Vec<&str> = ["v", "t", "r"]
        .into_iter()
        .filter(|k| object.contains_key(*k))
        .collect();
    let key = match keys.as_slice() {
        [] => return Err(EvaluatorOnly::Empty),
        [k] => *k,
        _ => return Err(EvaluatorOnly::Mixed),
    };
    let entries = object[key].as_array().ok_or(EvaluatorOnly::NotOneEntry)?;
    if entries.len() != 1 {
        return Err(EvaluatorOnly::NotOneEntry);
    }
    let entry = entries[0].as_object().ok_or(EvaluatorOnly::NotOneEntry)?;
    for field in &rule.affected_fields {
        let parts: Vec<&str> = field.split('.').collect();
        let lacks = match parts.as_slice() {
            [k, "0", f, ..] if *k == key => !entry.contains_key(*f),
            [k, ..] if ["v", "t", "r"].contains(k) => false,
            [top, rest @ ..] => {
                let mut at = payload.get(*top);
                for p in rest {
                    at = at.and_then(|v| v.get(*p));
                }
                at.is_none()
            }
            [] => false,
        };
        if lacks {
            return Err(EvaluatorOnly::LacksReadField);
        }
    }
    let mut full: Map<String, Json> = neutral_entry(key).as_object().cloned().unwrap_or_default();
    for (k, v) in entry {
        full.insert(k.clone(), v.clone());
    }
    let mut out = json!({ "ver": "1.3.0",
        "nam": { "fn": "Neutral", "fnt": "NEUTRAL", "gn": "Case", "gnt": "CASE" },
        "dob": "1980-01-01" });
    for (k, v) in object {
        out[k] = v.clone();
    }
    out[key] = json!([full]);
    Ok((key.to_owned(), out))
}

/// Whether the rule reads the recovery's validity (`r.0.df`, `r.0.du`): then the payload's
/// own validity is issued, else the wide one.
pub fn validity_for(rule: &Rule) -> Validity {
    if rule
        .affected_fields
        .iter()
        .any(|f| f == "r.0.df" || f == "r.0.du")
    {
        Validity::default()
    } else {
        WIDE
    }
}

/// The credential's validity holds at the clock (the policy's mandatory statements).
fn valid_at(attributes: &Json, clock: Option<DateTime>) -> bool {
    let Some(clock) = clock else { return true };
    let minute = clock.millis().div_euclid(60_000);
    let read = |k: &str| {
        attributes[k]
            .as_str()
            .and_then(healthpass::credential::calendar::parse_instant)
    };
    matches!((read("valid_from"), read("valid_until")), (Some(f), Some(u)) if f <= minute && minute <= u)
}

#[derive(Default, Debug, Clone)]
struct Tally {
    rules: usize,
    rules_compiled: usize,
    rules_refused: usize,
    cases: usize,
    zk: usize,
    zk_agree: usize,
    evaluator_only: usize,
    evaluator_agree: usize,
    issuance_refused: usize,
    compile_refused: usize,
    by_reason: BTreeMap<String, usize>,
}

fn evaluator_agrees(rule: &Rule, case: &RuleCase) -> bool {
    Json::Bool(rule.check(&case.payload, &case.external).passed()) == case.expected
}

fn run_rule(r: &CorpusRule, tally: &mut Tally, failures: &mut Vec<String>) {
    let rule = Rule::from_json_str(&r.text).unwrap();
    tally.rules += 1;
    let mut refused = false;
    for case in &r.cases {
        tally.cases += 1;
        let at = format!("{} {} {}", r.country, r.id, case.file);
        let (key, payload) = match complete(&rule, &case.payload) {
            Ok(x) => x,
            Err(why) => {
                tally.evaluator_only += 1;
                *tally.by_reason.entry(format!("{why:?}")).or_default() += 1;
                if evaluator_agrees(&rule, case) {
                    tally.evaluator_agree += 1;
                } else {
                    failures.push(format!("{at}: evaluator disagrees"));
                }
                continue;
            }
        };
        let text = payload.to_string();
        let (t, attributes) = match dcc::attributes(&text, validity_for(&rule), ISSUED_AT) {
            Ok(x) => x,
            Err(e) => {
                if std::env::var_os("RULES_VERBOSE").is_some() {
                    println!("REFUSED {at}: {e}");
                }
                tally.issuance_refused += 1;
                continue;
            }
        };
        if issuer()
            .issue_at(t, &attributes, ISSUED_AT, &mut rand::rng())
            .map_err(|e| {
                if std::env::var_os("RULES_VERBOSE").is_some() {
                    println!("REFUSED {at}: {e}");
                }
            })
            .is_err()
        {
            tally.issuance_refused += 1;
            continue;
        }
        assert_eq!(rules_key(t), key);
        let policy = match rules::compile(std::slice::from_ref(&rule), &case.external, &r.id) {
            Ok(p) => p,
            Err(e) => {
                refused = true;
                tally.compile_refused += 1;
                if !matches!(e, RulesError::NeedsDisclosure { .. }) {
                    failures.push(format!("{at}: {e}"));
                }
                continue;
            }
        };
        let clock = policy.clock;
        tally.zk += 1;
        let verdict = valid_at(&attributes, clock) && policy.holds(t, &attributes);
        if Json::Bool(verdict) == case.expected {
            tally.zk_agree += 1;
        } else {
            failures.push(format!(
                "{at} ({}): policy says {verdict}, expected {}; policy {}",
                case.name,
                case.expected,
                policy.to_json()
            ));
        }
    }
    if refused {
        tally.rules_refused += 1;
    } else {
        tally.rules_compiled += 1;
    }
}

/// One issuer for the whole corpus.
fn issuer() -> &'static healthpass::credential::IssuerKey {
    static KEY: std::sync::OnceLock<healthpass::credential::IssuerKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        healthpass::credential::IssuerKey::generate(
            "corpus",
            "Corpus",
            "NL",
            healthpass::credential::Suite::Sha256,
            &CredentialType::ALL,
            &mut rand::rng(),
        )
        .unwrap()
    })
}

fn rules_key(t: CredentialType) -> &'static str {
    rules::entry_key(t)
}

#[test]
fn corpus_policies_agree_with_expected() {
    let mut by_country: BTreeMap<String, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for r in corpus_rules() {
        let tally = by_country.entry(r.country.clone()).or_default();
        run_rule(&r, tally, &mut failures);
    }
    let mut all = Tally::default();
    println!("| rule set | rules compiled / refused | cases | through the policy / agreeing | evaluator only / agreeing | issuance refused |");
    println!("|---|---|---|---|---|---|");
    for (country, t) in &by_country {
        println!(
            "| {country} | {} / {} | {} | {} / {} | {} / {} | {} |",
            t.rules_compiled,
            t.rules_refused,
            t.cases,
            t.zk,
            t.zk_agree,
            t.evaluator_only,
            t.evaluator_agree,
            t.issuance_refused
        );
        all.rules += t.rules;
        all.rules_compiled += t.rules_compiled;
        all.rules_refused += t.rules_refused;
        all.cases += t.cases;
        all.zk += t.zk;
        all.zk_agree += t.zk_agree;
        all.evaluator_only += t.evaluator_only;
        all.evaluator_agree += t.evaluator_agree;
        all.issuance_refused += t.issuance_refused;
        all.compile_refused += t.compile_refused;
        for (k, v) in &t.by_reason {
            *all.by_reason.entry(k.clone()).or_default() += v;
        }
    }
    println!(
        "| **all** | {} / {} | {} | {} / {} | {} / {} | {} |",
        all.rules_compiled,
        all.rules_refused,
        all.cases,
        all.zk,
        all.zk_agree,
        all.evaluator_only,
        all.evaluator_agree,
        all.issuance_refused
    );
    println!(
        "evaluator only, by reason: {:?}; cases of refused rules: {}",
        all.by_reason, all.compile_refused
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty(), "{} failures", failures.len());
    assert_eq!(all.cases, 1029);
    // Every case that is one certificate of one type runs through the policy, except
    // refused issuances and the rules that need a disclosure.
    assert_eq!(
        all.zk + all.issuance_refused + all.compile_refused + all.evaluator_only,
        all.cases
    );
    assert!(all.rules_compiled * 100 >= all.rules * 95);
    let _ = Formula::True;
    let _ = CertificateType::General;
}
