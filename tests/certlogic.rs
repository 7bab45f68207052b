//! The CertLogic evaluator against the specification's test suite and the countries' rules
//! with their own test cases, plus negative and property tests.
//!
//! `cargo test --release --test certlogic -- --nocapture` prints the counts.

mod common;

use std::collections::BTreeMap;

use common::certlogic::{corpus_rules, spec_test_suite};
use healthpass::certlogic::{
    evaluate, evaluate_json, evaluate_with_limits, DateTime, EvalError, Expr, ExprError, Limits,
    Rule, RuleError, RuleOutcome, TimeUnit, Value,
};
use proptest::prelude::*;
use serde_json::{json, Value as Json};

// ---------------------------------------------------------------------------------------
// The specification's test suite

/// Every assertion of every file of `spec/testSuite/` that its directives do not skip must
/// evaluate to `expected`. Skipped ones are counted apart; the four skipped `in` assertions
/// (right-hand side `null`) must be errors, as the specification's text says.
#[test]
fn spec_test_suite_passes_in_full() {
    let (mut run, mut passed, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    let suite = spec_test_suite();
    assert_eq!(suite.len(), 14, "test-suite files");
    for (file, doc) in &suite {
        let suite_skipped = doc["directive"] == "skip";
        for case in doc["cases"].as_array().unwrap() {
            let case_skipped = suite_skipped || case["directive"] == "skip";
            for (i, assertion) in case["assertions"].as_array().unwrap().iter().enumerate() {
                let expr = assertion
                    .get("certLogicExpression")
                    .or_else(|| case.get("certLogicExpression"))
                    .unwrap_or_else(|| panic!("{file}: {}: no expression", case["name"]));
                let result = evaluate_json(expr, &assertion["data"]);
                if case_skipped || assertion["directive"] == "skip" {
                    skipped += 1;
                    if file == "ins-with-nulls.json" {
                        assert!(
                            matches!(result, Err(EvalError::WrongType { operator: "in", .. })),
                            "{file} #{i}: `in` over a non-array must be an error, got {result:?}"
                        );
                    }
                    continue;
                }
                run += 1;
                if result.as_ref().ok() == Some(&assertion["expected"]) {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{file}: {} #{i}: data {} expected {} got {result:?}",
                        case["name"], assertion["data"], assertion["expected"]
                    ));
                }
            }
        }
    }
    println!("spec/testSuite: {passed}/{run} assertions pass; {skipped} skipped by their directives");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!((run, skipped), (218, 14));
}

// ---------------------------------------------------------------------------------------
// The countries' rules and their test cases

/// Every rule parses; every test case's outcome equals its `expected`, run as the EU
/// tooling runs it (data context `{payload, external}`; a case whose `validationClock` lies
/// outside the rule's `[ValidFrom, ValidTo)` is inconsistent). Prints the agreement per
/// country.
#[test]
fn corpus_rules_agree_with_their_test_cases() {
    let rules = corpus_rules();
    let mut per_country: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut outside_validity = Vec::new();
    let (mut cases, mut agree) = (0, 0);
    for corpus_rule in &rules {
        let rule = Rule::from_json_str(&corpus_rule.text)
            .unwrap_or_else(|e| panic!("{}/{}: {e}", corpus_rule.country, corpus_rule.id));
        if rule.identifier != corpus_rule.id {
            println!("note: {}/{} holds rule {}", corpus_rule.country, corpus_rule.id, rule.identifier);
        }
        let entry = per_country.entry(corpus_rule.country.clone()).or_default();
        entry.0 += 1;
        for case in &corpus_rule.cases {
            cases += 1;
            entry.1 += 1;
            let label = format!("{}/{}/{}", corpus_rule.country, corpus_rule.id, case.file);
            if let Some(clock) = case.external["validationClock"].as_str() {
                let clock = DateTime::parse(clock).unwrap_or_else(|e| panic!("{label}: {e}"));
                if !rule.in_force_at(clock) {
                    outside_validity.push(label.clone());
                }
            }
            let outcome = rule.check(&case.payload, &case.external);
            if outcome.value().as_ref() == Some(&case.expected) {
                agree += 1;
                entry.2 += 1;
            } else {
                disagreements.push(format!(
                    "{label} ({}): expected {} got {outcome:?}",
                    case.name, case.expected
                ));
            }
        }
    }
    for (country, (r, c, a)) in &per_country {
        println!("{country}: {r} rules, {a}/{c} cases agree");
    }
    println!(
        "corpus: {} rules, {agree}/{cases} cases agree with `expected`; {} cases with a clock outside the rule's validity",
        rules.len(),
        outside_validity.len()
    );
    assert_eq!((rules.len(), cases), (149, 1029));
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(outside_validity.is_empty(), "{}", outside_validity.join("\n"));
}
