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
    println!(
        "spec/testSuite: {passed}/{run} assertions pass; {skipped} skipped by their directives"
    );
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
            println!(
                "note: {}/{} holds rule {}",
                corpus_rule.country, corpus_rule.id, rule.identifier
            );
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
    assert!(
        outside_validity.is_empty(),
        "{}",
        outside_validity.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Invalid expressions

fn parse(expr: Json) -> Result<Expr, ExprError> {
    Expr::from_json(&expr)
}

#[test]
fn valid_forms_of_every_operation_parse() {
    for expr in [
        json!({"var": "payload.v.0.dn"}),
        json!({"var": ""}),
        json!({"if": [true, 1, 2]}),
        json!({"and": [true, 1]}),
        json!({"and": [true, 1, "x"]}),
        json!({"!": [false]}),
        json!({"===": [1, 1]}),
        json!({"in": ["a", ["a"]]}),
        json!({"+": [1, 2]}),
        json!({"<": [1, 2]}),
        json!({"<=": [1, 2, 3]}),
        json!({"after": [{"plusTime": ["2021", 0, "day"]}, {"plusTime": ["2020", 1, "year"]}]}),
        json!({"not-before": [1, 2, 3]}),
        json!({"plusTime": ["2021-01-01", -1, "month"]}),
        json!({"plusTime": ["2021-01-01", 2.0, "hour"]}),
        json!({"reduce": [[1], {"var": "current"}, 0]}),
        json!({"extractFromUVCI": [{"var": "x"}, 1]}),
        json!({"dccDateOfBirth": ["2004"]}),
        json!([1, "a", true, []]),
    ] {
        assert!(parse(expr.clone()).is_ok(), "{expr}");
    }
}

#[test]
fn unknown_operations_and_forbidden_literals_are_refused() {
    let cases = [
        (json!({"or": [true, false]}), "unknown"),
        (json!({"==": [1, 1]}), "unknown"),
        (json!({"missing": ["a"]}), "unknown"),
        (json!({"Var": "x"}), "unknown"),
        (json!({}), "shape"),
        (json!({"var": "x", "if": [true, 1, 2]}), "shape"),
        (json!(null), "literal"),
        (json!(1.5), "literal"),
        (json!(9007199254740992_u64), "literal"),
        (json!({"var": 1}), "var"),
        (json!({"var": ["x", null]}), "var"),
        (json!({"var": null}), "var"),
        (json!({"if": true}), "operands"),
        (json!({"and": {"a": 1}}), "operands"),
        // An invalid operation is found even where evaluation would never go.
        (json!({"if": [true, 1, {"or": [true]}]}), "unknown"),
        (json!({"and": [false, {"===": [1]}]}), "arity"),
        (json!([1, null]), "literal"),
    ];
    for (expr, what) in cases {
        let err = parse(expr.clone()).expect_err(&expr.to_string());
        let ok = match what {
            "unknown" => matches!(err, ExprError::UnknownOperator(_)),
            "shape" => matches!(err, ExprError::NotOneOperation(_)),
            "literal" => matches!(err, ExprError::Literal(_)),
            "var" => matches!(err, ExprError::VarPath(_)),
            "operands" => matches!(err, ExprError::OperandsNotArray(_)),
            "arity" => matches!(err, ExprError::Arity { .. }),
            _ => unreachable!(),
        };
        assert!(ok, "{expr}: {err:?}");
        // The same refusal through the evaluating entry point.
        assert_eq!(evaluate_json(&expr, &json!({})), Err(EvalError::Expr(err)));
    }
}

#[test]
fn wrong_arity_is_refused_for_every_operation() {
    let x = json!({"var": "x"});
    let date = json!({"plusTime": ["2021", 0, "day"]});
    let cases = [
        ("if", vec![json!(true), json!(1)], "3"),
        ("if", vec![json!(true), json!(1), json!(2), json!(3)], "3"),
        ("and", vec![json!(true)], "at least 2"),
        ("and", vec![], "at least 2"),
        ("!", vec![], "1"),
        ("!", vec![json!(true), json!(false)], "1"),
        ("===", vec![json!(1)], "2"),
        ("===", vec![json!(1), json!(1), json!(1)], "2"),
        ("in", vec![json!(1)], "2"),
        ("+", vec![json!(1), json!(2), json!(3)], "2"),
        ("<", vec![json!(1)], "2 or 3"),
        (">=", vec![json!(1), json!(2), json!(3), json!(4)], "2 or 3"),
        ("before", vec![date.clone()], "2 or 3"),
        (
            "not-after",
            vec![date.clone(), date.clone(), date.clone(), date],
            "2 or 3",
        ),
        ("plusTime", vec![x.clone(), json!(1)], "3"),
        ("reduce", vec![x.clone(), x.clone()], "3"),
        ("extractFromUVCI", vec![x.clone()], "2"),
        ("dccDateOfBirth", vec![x.clone(), x], "1"),
    ];
    for (op, operands, expected) in cases {
        let found = operands.len();
        let expr = json!({ op: operands });
        assert_eq!(
            parse(expr.clone()),
            Err(ExprError::Arity {
                operator: op,
                expected,
                found
            }),
            "{expr}"
        );
    }
}

#[test]
fn literal_operands_of_plustime_and_extractfromuvci_are_checked() {
    assert_eq!(
        parse(json!({"plusTime": ["2021", {"var": "n"}, "day"]})),
        Err(ExprError::PlusTimeAmount)
    );
    assert_eq!(
        parse(json!({"plusTime": ["2021", 1.5, "day"]})),
        Err(ExprError::PlusTimeAmount)
    );
    assert!(matches!(
        parse(json!({"plusTime": ["2021", 1, "week"]})),
        Err(ExprError::PlusTimeUnit(_))
    ));
    assert!(matches!(
        parse(json!({"plusTime": ["2021", 1, {"var": "unit"}]})),
        Err(ExprError::PlusTimeUnit(_))
    ));
    assert_eq!(
        parse(json!({"extractFromUVCI": ["a", "1"]})),
        Err(ExprError::UvciIndex)
    );
    assert_eq!(
        parse(json!({"extractFromUVCI": ["a", {"var": "i"}]})),
        Err(ExprError::UvciIndex)
    );
}

// ---------------------------------------------------------------------------------------
// Evaluation errors (each with the value the same operation gives on the right input)

/// A predicate on an error, for tables of negative cases.
type Check<E> = Box<dyn Fn(&E) -> bool>;

fn eval(expr: Json, data: Json) -> Result<Json, EvalError> {
    evaluate_json(&expr, &data)
}

#[test]
fn type_mismatches_are_typed_errors() {
    let date = json!({"plusTime": ["2021-06-01", 0, "day"]});
    let wrong = |op: &'static str, position| move |e: &EvalError| matches!(e, EvalError::WrongType { operator, position: p, .. } if *operator == op && *p == position);
    let neither = |op: &'static str| move |e: &EvalError| matches!(e, EvalError::NeitherTruthyNorFalsy { operator, .. } if *operator == op);
    let cases: Vec<(Json, Json, Check<EvalError>)> = vec![
        (
            json!({"if": [date.clone(), 1, 2]}),
            json!({}),
            Box::new(neither("if")),
        ),
        (
            json!({"if": [{"var": "x"}, 1, 2]}),
            json!({"x": 1.5}),
            Box::new(neither("if")),
        ),
        (
            json!({"and": [true, date.clone()]}),
            json!({}),
            Box::new(neither("and")),
        ),
        (
            json!({"!": [date.clone()]}),
            json!({}),
            Box::new(neither("!")),
        ),
        (json!({"<": ["1", 2]}), json!({}), Box::new(wrong("<", 1))),
        (
            json!({"<": [1, 2, {"var": "x"}]}),
            json!({"x": null}),
            Box::new(wrong("<", 3)),
        ),
        (
            json!({">=": [date.clone(), date.clone()]}),
            json!({}),
            Box::new(wrong(">=", 1)),
        ),
        (
            json!({"after": [date.clone(), "2021-06-01"]}),
            json!({}),
            Box::new(wrong("after", 2)),
        ),
        (
            json!({"not-before": [1, 2]}),
            json!({}),
            Box::new(wrong("not-before", 1)),
        ),
        (json!({"+": [1, "2"]}), json!({}), Box::new(wrong("+", 2))),
        (
            json!({"+": [{"var": "x"}, 2]}),
            json!({"x": 1.5}),
            Box::new(wrong("+", 1)),
        ),
        (
            json!({"in": ["a", {"var": "x"}]}),
            json!({"x": "abc"}),
            Box::new(wrong("in", 2)),
        ),
        (
            json!({"in": ["a", {"var": "x"}]}),
            json!({}),
            Box::new(wrong("in", 2)),
        ),
        (
            json!({"plusTime": [{"var": "x"}, 0, "day"]}),
            json!({}),
            Box::new(wrong("plusTime", 1)),
        ),
        (
            json!({"plusTime": [{"var": "x"}, 0, "day"]}),
            json!({"x": 20210601}),
            Box::new(wrong("plusTime", 1)),
        ),
        (
            json!({"dccDateOfBirth": [{"var": "x"}]}),
            json!({}),
            Box::new(wrong("dccDateOfBirth", 1)),
        ),
        (
            json!({"reduce": ["abc", {"var": "current"}, 0]}),
            json!({}),
            Box::new(wrong("reduce", 1)),
        ),
        (
            json!({"extractFromUVCI": [1, 0]}),
            json!({}),
            Box::new(wrong("extractFromUVCI", 1)),
        ),
    ];
    for (expr, data, check) in cases {
        let err = eval(expr.clone(), data.clone()).expect_err(&format!("{expr} over {data}"));
        assert!(check(&err), "{expr} over {data}: {err:?}");
    }
    // The same operations on operands of the right types.
    assert_eq!(
        eval(json!({"if": [{"var": "x"}, 1, 2]}), json!({"x": 0})),
        Ok(json!(2))
    );
    assert_eq!(
        eval(json!({"<": [1, 2, {"var": "x"}]}), json!({"x": 3})),
        Ok(json!(true))
    );
    assert_eq!(
        eval(json!({"after": [date.clone(), date.clone()]}), json!({})),
        Ok(json!(false))
    );
    assert_eq!(
        eval(json!({"not-before": [date.clone(), date]}), json!({})),
        Ok(json!(true))
    );
    assert_eq!(eval(json!({"+": [1, 2]}), json!({})), Ok(json!(3)));
    assert_eq!(
        eval(
            json!({"reduce": [{"var": "x"}, {"var": "current"}, 0]}),
            json!({})
        ),
        Ok(json!(0))
    );
    assert_eq!(
        eval(json!({"extractFromUVCI": [{"var": "x"}, 0]}), json!({})),
        Ok(Json::Null)
    );
}

#[test]
fn bad_date_strings_are_errors_good_ones_are_date_times() {
    for (expr, bad) in [
        ("plusTime", "2021-09-99"),
        ("plusTime", "2022-13"),
        ("plusTime", ""),
        ("plusTime", "yesterday"),
        ("plusTime", "2021-06-01T10:20:30+01:00:00"),
        ("dccDateOfBirth", "2004-01-01T00:00:00Z"),
        ("dccDateOfBirth", ""),
        ("dccDateOfBirth", "2004-02-30"),
    ] {
        let e = if expr == "plusTime" {
            json!({"plusTime": [{"var": "d"}, 0, "day"]})
        } else {
            json!({"dccDateOfBirth": [{"var": "d"}]})
        };
        assert!(
            matches!(eval(e, json!({"d": bad})), Err(EvalError::DateTime { operator, .. }) if operator == expr),
            "{expr}({bad:?})"
        );
    }
    assert_eq!(
        eval(
            json!({"plusTime": [{"var": "d"}, 1, "month"]}),
            json!({"d": "2021-01-31T10:00:00+01:00"})
        ),
        Ok(json!("2021-03-03T09:00:00.000Z"))
    );
    assert_eq!(
        eval(
            json!({"dccDateOfBirth": [{"var": "d"}]}),
            json!({"d": "1999-02"})
        ),
        Ok(json!("1999-02-28T00:00:00.000Z"))
    );
    assert_eq!(
        eval(
            json!({"plusTime": ["1970-01-01", 100000001, "day"]}),
            json!({})
        ),
        Err(EvalError::DateTime {
            operator: "plusTime",
            source: healthpass::certlogic::DateTimeError::OutOfRange
        })
    );
}

#[test]
fn strict_equality_is_defined_on_scalars_only() {
    let eq = |a: Json, b: Json| {
        eval(
            json!({"===": [{"var": "a"}, {"var": "b"}]}),
            json!({"a": a, "b": b}),
        )
    };
    assert_eq!(eq(json!("x"), json!("x")), Ok(json!(true)));
    assert_eq!(eq(json!(1), json!("1")), Ok(json!(false)));
    assert_eq!(eq(json!(null), json!(null)), Ok(json!(true)));
    assert_eq!(eq(json!(true), json!(true)), Ok(json!(true)));
    assert_eq!(eq(json!([1]), json!("1")), Ok(json!(false)));
    for (a, b) in [(json!([1]), json!([1])), (json!({"k": 1}), json!({"k": 1}))] {
        assert!(matches!(
            eq(a, b),
            Err(EvalError::UndefinedEquality {
                operator: "===",
                ..
            })
        ));
    }
    let d = json!({"plusTime": ["2021", 0, "day"]});
    assert!(matches!(
        eval(json!({"===": [d.clone(), d]}), json!({})),
        Err(EvalError::UndefinedEquality { .. })
    ));
    assert!(matches!(
        eval(json!({"in": [[1], [[1]]]}), json!({})),
        Err(EvalError::UndefinedEquality { operator: "in", .. })
    ));
    assert_eq!(
        eval(json!({"in": [[1], ["1", 1]]}), json!({})),
        Ok(json!(false))
    );
}

#[test]
fn data_access_follows_the_specification() {
    let data = json!({"v": [{"dn": 2, "0": "key"}], "0": "zero", "s": "abc"});
    let get = |path: &str| eval(json!({"var": path}), data.clone()).unwrap();
    assert_eq!(get("v.0.dn"), json!(2));
    assert_eq!(get("v.1.dn"), Json::Null);
    assert_eq!(get("v.-1"), Json::Null);
    assert_eq!(get("v.99999999999999999999999"), Json::Null);
    // An integer fragment indexes arrays only; a key fragment reads objects only.
    assert_eq!(get("0"), Json::Null);
    assert_eq!(get("v.0.0"), Json::Null);
    assert_eq!(get("v.length"), Json::Null);
    assert_eq!(get("s.0"), Json::Null);
    assert_eq!(get("s.length"), Json::Null);
    assert_eq!(get("v.0.dn.x"), Json::Null);
    assert_eq!(get(""), data);
}

#[test]
fn integer_overflow_is_an_error() {
    let max = 9_007_199_254_740_991_i64;
    assert_eq!(eval(json!({"+": [max, 0]})), Ok(json!(max)));
    assert_eq!(
        eval(json!({"+": [max, 1]})),
        Err(EvalError::IntegerOverflow)
    );
    assert_eq!(
        eval(json!({"+": [-max, -1]})),
        Err(EvalError::IntegerOverflow)
    );
    fn eval(expr: Json) -> Result<Json, EvalError> {
        evaluate_json(&expr, &json!({}))
    }
}

// ---------------------------------------------------------------------------------------
// Bounds: nesting and work

fn nested_nots(depth: usize) -> Json {
    (0..depth).fold(json!(true), |inner, _| json!({"!": [inner]}))
}

#[test]
fn nesting_is_bounded_without_overflowing_the_stack() {
    // 63 negations around a literal: 64 levels, the default limit.
    assert_eq!(
        evaluate_json(&nested_nots(63), &json!({})),
        Ok(json!(false))
    );
    assert_eq!(parse(nested_nots(64)), Err(ExprError::TooDeep(64)));
    assert_eq!(parse(nested_nots(500)), Err(ExprError::TooDeep(64)));
    // Arrays count as levels too.
    let deep_array = (0..100).fold(json!(1), |inner, _| json!([inner]));
    assert_eq!(parse(deep_array), Err(ExprError::TooDeep(64)));
    // A tighter limit is honoured.
    assert_eq!(
        Expr::from_json_with_depth(&nested_nots(10), 10),
        Err(ExprError::TooDeep(10))
    );
    assert!(Expr::from_json_with_depth(&nested_nots(9), 10).is_ok());
    // A rule file nested far too deeply is refused by the JSON reader.
    let deep = format!("{}true{}", "{\"!\":[".repeat(10_000), "]}".repeat(10_000));
    let text = format!(
        r#"{{"Identifier":"VR-XX-0001","Type":"Acceptance","Country":"XX","Version":"1.0.0","SchemaVersion":"1.0.0","Engine":"CERTLOGIC","EngineVersion":"1.0.0","CertificateType":"Vaccination","Description":[{{"lang":"en","desc":"a deeply nested hostile rule"}}],"ValidFrom":"2021-01-01T00:00:00Z","ValidTo":"2030-01-01T00:00:00Z","AffectedFields":["v"],"Logic":{deep}}}"#
    );
    assert!(matches!(
        Rule::from_json_str(&text),
        Err(RuleError::Shape(_))
    ));
    // An expression built by hand, beyond the limit, is stopped at evaluation.
    let mut expr = Expr::Bool(true);
    for _ in 0..200 {
        expr = Expr::Not(Box::new(expr));
    }
    assert_eq!(
        evaluate(&expr, Value::Null).map(|v| v.to_json()),
        Err(EvalError::TooDeep(64))
    );
}

#[test]
fn work_is_bounded() {
    // For each of 2,000 items, a reduce over a literal array of 1,000: millions of steps.
    let thousand: Vec<i64> = (0..1_000).collect();
    let hostile = json!({"reduce": [
        {"var": "xs"},
        {"+": [{"var": "accumulator"},
               {"reduce": [thousand, {"+": [{"var": "accumulator"}, 1]}, 0]}]},
        0
    ]});
    let expr = Expr::from_json(&hostile).unwrap();
    let long = json!({"xs": vec![0; 2_000]});
    assert_eq!(
        evaluate(&expr, Value::from_json(&long)).map(|v| v.to_json()),
        Err(EvalError::BudgetExhausted(1_000_000))
    );
    let tight = Limits {
        max_steps: 30_000,
        ..Limits::default()
    };
    let short = json!({"xs": [0, 0]});
    assert_eq!(
        evaluate_with_limits(&expr, Value::from_json(&short), tight).map(|v| v.to_json()),
        Ok(json!(2_000))
    );
    let ten = json!({"xs": vec![0; 10]});
    assert_eq!(
        evaluate_with_limits(&expr, Value::from_json(&ten), tight).map(|v| v.to_json()),
        Err(EvalError::BudgetExhausted(30_000))
    );
}

#[test]
fn values_built_by_reduce_nest_boundedly() {
    // Each step wraps the accumulator in one more array.
    let wrap = json!({"reduce": [{"var": "xs"}, [{"var": "accumulator"}], 0]});
    let deep = eval(wrap.clone(), json!({"xs": vec![0; 1_000]}));
    assert_eq!(deep, Err(EvalError::TooDeep(64)));
    assert_eq!(eval(wrap, json!({"xs": [0, 0]})), Ok(json!([[0]])));
}

#[test]
fn rule_outcomes_are_typed() {
    let rule = Rule::from_json(&base_rule()).unwrap();
    let check = |dn: Json| rule.check(&json!({"v": [{"dn": dn}]}), &json!({}));
    assert_eq!(check(json!(2)), RuleOutcome::Passed);
    assert_eq!(check(json!(1)), RuleOutcome::Failed);
    assert!(matches!(
        check(json!("2")),
        RuleOutcome::Error(EvalError::WrongType { .. })
    ));
    assert!(!check(json!("2")).passed());
    // No payload at all: the guard is falsy.
    assert_eq!(rule.check(&Json::Null, &Json::Null), RuleOutcome::Passed);
    let mut not_boolean = base_rule();
    not_boolean["Logic"] = json!({"if": [true, "yes", {"var": "payload.v"}]});
    let rule = Rule::from_json(&not_boolean).unwrap();
    assert_eq!(
        rule.check(&json!({}), &json!({})),
        RuleOutcome::NotBoolean(json!("yes"))
    );
    assert!(!rule.check(&json!({}), &json!({})).passed());
}

// ---------------------------------------------------------------------------------------
// Rule files

fn base_rule() -> Json {
    json!({
        "Identifier": "VR-XX-0001", "Type": "Acceptance", "Country": "XX",
        "Version": "1.0.0", "SchemaVersion": "1.0.0", "Engine": "CERTLOGIC",
        "EngineVersion": "0.7.5", "CertificateType": "Vaccination",
        "Description": [{"lang": "en", "desc": "At least two doses were given."},
                        {"lang": "de-at", "desc": "Mindestens zwei Dosen wurden gegeben."}],
        "ValidFrom": "2021-06-01T00:00:00Z", "ValidTo": "2030-06-01T00:00:00+02:00",
        "AffectedFields": ["v.0", "v.0.dn"],
        "Logic": {"if": [{"var": "payload.v.0"}, {">=": [{"var": "payload.v.0.dn"}, 2]}, true]}
    })
}

#[test]
fn a_well_formed_rule_parses_into_its_fields() {
    let rule = Rule::from_json(&base_rule()).unwrap();
    assert_eq!(rule.identifier, "VR-XX-0001");
    assert_eq!(
        rule.certificate_type,
        healthpass::certlogic::CertificateType::Vaccination
    );
    assert_eq!(
        rule.valid_to,
        DateTime::parse("2030-05-31T22:00:00Z").unwrap()
    );
    assert!(rule.in_force_at(DateTime::parse("2021-06-01T00:00:00Z").unwrap()));
    assert!(!rule.in_force_at(DateTime::parse("2021-05-31T23:59:59.999Z").unwrap()));
    assert!(!rule.in_force_at(rule.valid_to));
    assert!(rule.applies_to(healthpass::certlogic::CertificateType::Vaccination));
    assert!(!rule.applies_to(healthpass::certlogic::CertificateType::Test));
    // Fields the schema does not name are allowed (it does not forbid them).
    let mut extra = base_rule();
    extra["Comment"] = json!("x");
    assert!(Rule::from_json(&extra).is_ok());
    // The identifier may also end in a number without leading zeros (the schema's pattern).
    let mut short = base_rule();
    short["Identifier"] = json!("VR-XX-12");
    assert!(Rule::from_json(&short).is_ok());
}

#[test]
fn malformed_rules_are_refused() {
    let with = |key: &str, value: Json| {
        let mut r = base_rule();
        r[key] = value;
        r
    };
    let without = |key: &str| {
        let mut r = base_rule();
        r.as_object_mut().unwrap().remove(key);
        r
    };
    let field = |name: &'static str| move |e: &RuleError| matches!(e, RuleError::Field { field, .. } if *field == name);
    let shape = |e: &RuleError| matches!(e, RuleError::Shape(_));
    let cases: Vec<(Json, Check<RuleError>)> = vec![
        (without("Logic"), Box::new(shape)),
        (without("ValidTo"), Box::new(shape)),
        (without("AffectedFields"), Box::new(shape)),
        (with("Type", json!("Acceptence")), Box::new(shape)),
        (
            with("CertificateType", json!("vaccination")),
            Box::new(shape),
        ),
        (
            with("Description", json!("At least two doses were given.")),
            Box::new(shape),
        ),
        (with("AffectedFields", json!("v.0")), Box::new(shape)),
        (json!([base_rule()]), Box::new(shape)),
        (
            with("Identifier", json!("TR-XX-0001")),
            Box::new(field("Identifier")),
        ),
        (
            with("Identifier", json!("VR-YY-0001")),
            Box::new(field("Identifier")),
        ),
        (
            with("Identifier", json!("VR-XX-01")),
            Box::new(field("Identifier")),
        ),
        (
            with("Identifier", json!("VR-XX-00a1")),
            Box::new(field("Identifier")),
        ),
        (
            with("Identifier", json!("VRXX0001")),
            Box::new(field("Identifier")),
        ),
        (
            with("Identifier", json!("VR-XX-")),
            Box::new(field("Identifier")),
        ),
        (with("Country", json!("xx")), Box::new(field("Country"))),
        (with("Version", json!("1.0")), Box::new(field("Version"))),
        (
            with("EngineVersion", json!("v1.0.0")),
            Box::new(field("EngineVersion")),
        ),
        (
            with("Engine", json!("JSONLOGIC")),
            Box::new(|e: &RuleError| matches!(e, RuleError::Engine(_))),
        ),
        (
            with("Description", json!([])),
            Box::new(field("Description")),
        ),
        (
            with(
                "Description",
                json!([{"lang": "de", "desc": "Mindestens zwei Dosen wurden gegeben."}]),
            ),
            Box::new(field("Description")),
        ),
        (
            with("Description", json!([{"lang": "en", "desc": "Two doses."}])),
            Box::new(field("Description")),
        ),
        (
            with(
                "Description",
                json!([{"lang": "EN", "desc": "At least two doses were given."}]),
            ),
            Box::new(field("Description")),
        ),
        (
            with("ValidFrom", json!("2021-06-01T00:00:00.000Z")),
            Box::new(field("ValidFrom")),
        ),
        (
            with("ValidFrom", json!("2021-06-01")),
            Box::new(field("ValidFrom")),
        ),
        (
            with("ValidFrom", json!("2021-06-01T00:00:00")),
            Box::new(field("ValidFrom")),
        ),
        (
            with("ValidFrom", json!("2021-02-30T00:00:00Z")),
            Box::new(field("ValidFrom")),
        ),
        (
            with("ValidTo", json!("2021-06-01T00:00:00Z")),
            Box::new(field("ValidTo")),
        ),
        (
            with("AffectedFields", json!([])),
            Box::new(field("AffectedFields")),
        ),
        (with("Logic", json!(true)), Box::new(field("Logic"))),
        (with("Logic", json!({})), Box::new(field("Logic"))),
        (
            with("Logic", json!({"or": [true]})),
            Box::new(|e: &RuleError| matches!(e, RuleError::Logic(ExprError::UnknownOperator(_)))),
        ),
        (
            with("Logic", json!({"if": [true, true]})),
            Box::new(|e: &RuleError| matches!(e, RuleError::Logic(ExprError::Arity { .. }))),
        ),
    ];
    for (json, check) in cases {
        let err = Rule::from_json(&json).expect_err(&json.to_string());
        assert!(check(&err), "{json}: {err:?}");
    }
    for text in ["", "not json", "{\"Identifier\": ", "null"] {
        assert!(
            matches!(Rule::from_json_str(text), Err(RuleError::Shape(_))),
            "{text}"
        );
    }
    assert!(Rule::from_json_str(&base_rule().to_string()).is_ok());
}

// ---------------------------------------------------------------------------------------
// Property tests

/// Days in a month, written independently of the library's calendar.
fn month_length(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(month - 1) as usize]
}

/// `plusTime` by months or years computed the plain way: step the month one at a time,
/// then let a day the target month lacks roll over into the next month (ECMAScript's
/// `setUTCMonth`/`setUTCFullYear`).
fn naive_plus_months(mut y: i64, mut m: i64, d: i64, months: i64) -> (i64, i64, i64) {
    for _ in 0..months.abs() {
        m += months.signum();
        if m == 13 {
            (y, m) = (y + 1, 1);
        } else if m == 0 {
            (y, m) = (y - 1, 12);
        }
    }
    let length = month_length(y, m);
    if d > length {
        if m == 12 {
            (y + 1, 1, d - length)
        } else {
            (y, m + 1, d - length)
        }
    } else {
        (y, m, d)
    }
}

/// The calendar fields of an ISO string `YYYY-MM-DDThh:mm:ss.sssZ`.
fn fields(iso: &str) -> (i64, i64, i64, String) {
    let n = |r: std::ops::Range<usize>| iso[r].parse::<i64>().unwrap();
    (n(0..4), n(5..7), n(8..10), iso[10..].to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn plustime_months_and_years_match_a_naive_computation(
        y in 1900i64..2100, m in 1i64..=12, d_seed in 0i64..31,
        hour in 0u32..24, minute in 0u32..60,
        months in -240i64..=240, years in -100i64..=100,
    ) {
        let d = 1 + d_seed % month_length(y, m);
        let input = format!("{y:04}-{m:02}-{d:02}T{hour:02}:{minute:02}:00Z");
        let time = format!("T{hour:02}:{minute:02}:00.000Z");
        let start = DateTime::parse(&input).unwrap();

        let (ey, em, ed) = naive_plus_months(y, m, d, months);
        let got = fields(&start.plus(months, TimeUnit::Month).unwrap().to_iso_string());
        prop_assert_eq!(got, (ey, em, ed, time.clone()), "{} + {} months", input, months);

        let (ey, em, ed) = naive_plus_months(y, m, d, years * 12);
        let got = fields(&start.plus(years, TimeUnit::Year).unwrap().to_iso_string());
        prop_assert_eq!(got, (ey, em, ed, time), "{} + {} years", input, years);
    }

    #[test]
    fn plustime_days_and_hours_are_exact(
        millis in -4_000_000_000_000i64..4_000_000_000_000, days in -100_000i64..100_000,
        hours in -1_000_000i64..1_000_000,
    ) {
        let start = DateTime::from_millis(millis).unwrap();
        prop_assert_eq!(start.plus(days, TimeUnit::Day).unwrap().millis(), millis + days * 86_400_000);
        prop_assert_eq!(start.plus(hours, TimeUnit::Hour).unwrap().millis(), millis + hours * 3_600_000);
    }

    #[test]
    fn iso_strings_round_trip(millis in -62_167_219_200_000i64..253_402_300_800_000) {
        let t = DateTime::from_millis(millis).unwrap();
        prop_assert_eq!(DateTime::parse(&t.to_iso_string()), Ok(t));
    }

    /// Any JSON at all, as expression or data: a value or a typed error, never a panic.
    #[test]
    fn arbitrary_expressions_never_panic(expr in arbitrary_expression(), data in arbitrary_json()) {
        let _ = evaluate_json(&expr, &data);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        (-3i64..40).prop_map(Json::from),
        Just(json!(1.5)),
        prop_oneof![
            Just("".to_owned()),
            Just("2021-06-01".to_owned()),
            Just("2021-06-01T10:00:00+02:00".to_owned()),
            Just("2004-02".to_owned()),
            Just("URN:UVCI:01:NL:187/37512422923".to_owned()),
            "[a-z0-9:/#.-]{0,12}",
        ]
        .prop_map(Json::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            prop::collection::btree_map(
                prop_oneof![Just("x".to_owned()), Just("0".to_owned()), "[a-z]{1,3}"],
                inner,
                0..3
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

fn arbitrary_expression() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        arbitrary_json(),
        prop_oneof![
            Just(""),
            Just("x"),
            Just("x.0"),
            Just("0"),
            Just("x.y.1"),
            Just("accumulator"),
            Just("current")
        ]
        .prop_map(|p| json!({"var": p})),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let ops = prop_oneof![
            Just("if"),
            Just("and"),
            Just("!"),
            Just("==="),
            Just("in"),
            Just("+"),
            Just("<"),
            Just(">="),
            Just("after"),
            Just("not-before"),
            Just("reduce"),
            Just("dccDateOfBirth"),
            Just("nope"),
        ];
        prop_oneof![
            (ops, prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(op, args)| json!({ op: args })),
            (
                inner.clone(),
                -30i64..30,
                prop_oneof![Just("day"), Just("month"), Just("year"), Just("hour")]
            )
                .prop_map(|(d, n, u)| json!({"plusTime": [d, n, u]})),
            (inner, -2i64..6).prop_map(|(e, i)| json!({"extractFromUVCI": [e, i]})),
        ]
    })
}
