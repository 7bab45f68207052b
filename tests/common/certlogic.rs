//! The CertLogic corpus in `tests/fixtures/certlogic/`: the specification's test suite and
//! the countries' rules with their test cases, walked from the directory tree (never listed
//! by hand).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// `tests/fixtures/certlogic/`.
pub fn certlogic_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/certlogic")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// One test case of a rule: a test file's payload, external parameters and expected value.
pub struct RuleCase {
    /// The test file's name, e.g. `test001.json`.
    pub file: String,
    /// Its `name`, if any.
    pub name: String,
    /// `payload` (`null` when the file has none, as JavaScript's `undefined` reads).
    pub payload: Value,
    /// `external`.
    pub external: Value,
    /// `expected`.
    pub expected: Value,
}

/// One rule of the corpus with its test cases.
pub struct CorpusRule {
    /// The rule set's country folder, e.g. `AT`.
    pub country: String,
    /// The rule's folder, e.g. `VR-AT-0001`.
    pub id: String,
    /// The text of `rule.json`.
    pub text: String,
    /// Its test cases, by file name.
    pub cases: Vec<RuleCase>,
}

/// Every rule of `rules/<COUNTRY>/<RULE-ID>/` with every test of its `tests/`.
pub fn corpus_rules() -> Vec<CorpusRule> {
    let mut rules = Vec::new();
    for country_dir in sorted_entries(&certlogic_dir().join("rules")) {
        let country = country_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for rule_dir in sorted_entries(&country_dir) {
            let id = rule_dir.file_name().unwrap().to_string_lossy().into_owned();
            let rule_path = rule_dir.join("rule.json");
            let text = std::fs::read_to_string(&rule_path)
                .unwrap_or_else(|e| panic!("{}: {e}", rule_path.display()));
            let cases = sorted_entries(&rule_dir.join("tests"))
                .into_iter()
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .map(|path| {
                    let json = read_json(&path);
                    RuleCase {
                        file: path.file_name().unwrap().to_string_lossy().into_owned(),
                        name: json["name"].as_str().unwrap_or("").to_owned(),
                        payload: json.get("payload").cloned().unwrap_or(Value::Null),
                        external: json.get("external").cloned().unwrap_or(Value::Null),
                        expected: json["expected"].clone(),
                    }
                })
                .collect();
            rules.push(CorpusRule {
                country: country.clone(),
                id,
                text,
                cases,
            });
        }
    }
    rules
}

/// Every file of `spec/testSuite/`, by name, parsed.
pub fn spec_test_suite() -> Vec<(String, Value)> {
    sorted_entries(&certlogic_dir().join("spec/testSuite"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                read_json(&p),
            )
        })
        .collect()
}
