//! The code lists of the travel-health profile: the EU Digital COVID Certificate's value
//! sets, embedded from `data/valuesets/` (see its README for their source).

use std::collections::HashMap;
use std::sync::OnceLock;

/// A code list that a `code` attribute's values must come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueSet {
    /// `disease-agent-targeted`: the disease or agent (e.g. `840539006`, COVID-19).
    Disease,
    /// `sct-vaccines-covid-19`: the type of vaccine (e.g. `1119349007`, mRNA vaccine).
    VaccineType,
    /// `vaccines-covid-19-names`: the medicinal product (e.g. `EU/1/20/1528`, Comirnaty).
    VaccineProduct,
    /// `vaccines-covid-19-auth-holders`: the marketing authorisation holder or manufacturer.
    Manufacturer,
    /// `covid-19-lab-test-type`: NAAT (`LP6464-4`) or rapid antigen test (`LP217198-3`).
    TestType,
    /// `covid-19-lab-result`: `260415000` not detected, `260373001` detected.
    TestResult,
    /// `country-2-codes`: ISO 3166-1 alpha-2 country codes.
    Country,
}

impl ValueSet {
    /// Every value set of the profile.
    pub const ALL: [ValueSet; 7] = [
        ValueSet::Disease,
        ValueSet::VaccineType,
        ValueSet::VaccineProduct,
        ValueSet::Manufacturer,
        ValueSet::TestType,
        ValueSet::TestResult,
        ValueSet::Country,
    ];

    /// The value set's identifier (`valueSetId`).
    pub fn id(self) -> &'static str {
        match self {
            ValueSet::Disease => "disease-agent-targeted",
            ValueSet::VaccineType => "sct-vaccines-covid-19",
            ValueSet::VaccineProduct => "vaccines-covid-19-names",
            ValueSet::Manufacturer => "vaccines-covid-19-auth-holders",
            ValueSet::TestType => "covid-19-lab-test-type",
            ValueSet::TestResult => "covid-19-lab-result",
            ValueSet::Country => "country-2-codes",
        }
    }

    fn source(self) -> &'static str {
        match self {
            ValueSet::Disease => include_str!("../../data/valuesets/disease-agent-targeted.json"),
            ValueSet::VaccineType => include_str!("../../data/valuesets/vaccine-prophylaxis.json"),
            ValueSet::VaccineProduct => {
                include_str!("../../data/valuesets/vaccine-medicinal-product.json")
            }
            ValueSet::Manufacturer => include_str!("../../data/valuesets/vaccine-mah-manf.json"),
            ValueSet::TestType => include_str!("../../data/valuesets/test-type.json"),
            ValueSet::TestResult => include_str!("../../data/valuesets/test-result.json"),
            ValueSet::Country => include_str!("../../data/valuesets/country-2-codes.json"),
        }
    }

    fn table(self) -> &'static HashMap<String, String> {
        static TABLES: OnceLock<HashMap<ValueSet, HashMap<String, String>>> = OnceLock::new();
        let tables = TABLES.get_or_init(|| {
            ValueSet::ALL
                .into_iter()
                .map(|set| (set, parse_table(set.source())))
                .collect()
        });
        &tables[&self]
    }

    /// `true` when `code` is in the list (active or not: a certificate issued while a code
    /// was active stays readable).
    pub fn contains(self, code: &str) -> bool {
        self.table().contains_key(code)
    }

    /// The display name of `code`, e.g. `Comirnaty` for `EU/1/20/1528`.
    pub fn display(self, code: &str) -> Option<&'static str> {
        self.table().get(code).map(String::as_str)
    }

    /// The codes of the list, sorted (byte order).
    pub fn codes(self) -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = self.table().keys().map(String::as_str).collect();
        codes.sort_unstable();
        codes
    }

    /// The number of codes in the list.
    pub fn len(self) -> usize {
        self.table().len()
    }

    /// `true` when the list has no codes (never, for the embedded lists).
    pub fn is_empty(self) -> bool {
        self.table().is_empty()
    }
}

/// Reads `valueSetValues` of an embedded value-set file into code -> display name. The
/// files are part of the build and checked by the tests, so a malformed entry is skipped
/// rather than turned into a run-time failure.
fn parse_table(source: &str) -> HashMap<String, String> {
    let value: serde_json::Value = serde_json::from_str(source).unwrap_or_default();
    value["valueSetValues"]
        .as_object()
        .map(|values| {
            values
                .iter()
                .map(|(code, entry)| {
                    let display = entry["display"].as_str().unwrap_or(code).to_owned();
                    (code.clone(), display)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_parse_with_their_ids() {
        let expected = [1, 9, 39, 31, 2, 2, 250];
        for (set, n) in ValueSet::ALL.into_iter().zip(expected) {
            assert_eq!(set.len(), n, "{}", set.id());
            let v: serde_json::Value = serde_json::from_str(set.source()).unwrap();
            assert_eq!(v["valueSetId"], set.id());
        }
    }

    #[test]
    fn display_names() {
        assert_eq!(
            ValueSet::VaccineProduct.display("EU/1/20/1528"),
            Some("Comirnaty")
        );
        assert_eq!(
            ValueSet::TestResult.display("260415000"),
            Some("Not detected")
        );
        assert_eq!(ValueSet::Country.display("NL"), Some("Netherlands"));
        assert!(ValueSet::VaccineProduct.contains("BBIBP-CorV"));
        assert!(!ValueSet::VaccineProduct.contains("EU/1/99/0000"));
    }
}
