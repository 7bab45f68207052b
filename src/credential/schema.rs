//! Schemas: ordered lists of named, typed attributes. The travel-health profile defines one
//! schema per credential type (vaccination, test, recovery), each the common attributes
//! followed by the type's own.

use core::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use super::attribute::AttributeType;
use super::valueset::ValueSet;

/// The name of the holder secret attribute, which no one may disclose or put a predicate on.
pub const HOLDER_SECRET: &str = "holder_secret";

/// One attribute of a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttributeSpec {
    /// The attribute's snake_case name.
    pub name: &'static str,
    /// Its type.
    pub ty: AttributeType,
}

/// A schema: identifier, version and the ordered attributes. The position of an attribute
/// is its BBS message index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    /// The credential type it describes.
    pub credential_type: CredentialType,
    /// The schema identifier, signed in the BBS header (e.g. `healthpass/vaccination`).
    pub id: &'static str,
    /// The schema version, signed in the BBS header.
    pub version: u8,
    /// The attributes in signing order.
    pub attributes: Vec<AttributeSpec>,
}

impl Schema {
    /// The index and description of the attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<(usize, &AttributeSpec)> {
        self.attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name)
    }

    /// The number of attributes (`L`, the BBS message count).
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// `true` when the schema has no attributes (never, for the profile's schemas).
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }

    /// The attribute names, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.attributes.iter().map(|a| a.name)
    }
}

/// The credential types of the travel-health profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CredentialType {
    /// A vaccination certificate.
    Vaccination,
    /// A test certificate.
    Test,
    /// A certificate of recovery.
    Recovery,
}

impl CredentialType {
    /// Every type of the profile.
    pub const ALL: [CredentialType; 3] = [
        CredentialType::Vaccination,
        CredentialType::Test,
        CredentialType::Recovery,
    ];

    /// The type's name on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            CredentialType::Vaccination => "vaccination",
            CredentialType::Test => "test",
            CredentialType::Recovery => "recovery",
        }
    }

    /// The type's one-byte code in the compact encoding.
    pub fn code(self) -> u8 {
        match self {
            CredentialType::Vaccination => 1,
            CredentialType::Test => 2,
            CredentialType::Recovery => 3,
        }
    }

    /// The type with compact code `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The current schema of this type.
    pub fn schema(self) -> &'static Schema {
        &SCHEMAS[self as usize]
    }

    /// The schema of this type at `version`, if this build knows it.
    pub fn schema_version(self, version: u8) -> Option<&'static Schema> {
        let s = self.schema();
        (s.version == version).then_some(s)
    }
}

impl fmt::Display for CredentialType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a type that the profile does not define.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown credential type `{0}` (expected vaccination, test or recovery)")]
pub struct UnknownType(pub String);

impl FromStr for CredentialType {
    type Err = UnknownType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|t| t.name() == s)
            .ok_or_else(|| UnknownType(s.to_owned()))
    }
}

const fn spec(name: &'static str, ty: AttributeType) -> AttributeSpec {
    AttributeSpec { name, ty }
}

const fn code(name: &'static str, set: ValueSet) -> AttributeSpec {
    spec(name, AttributeType::Code(set))
}

/// The attributes every credential of the profile starts with. The holder secret comes
/// first so that it has the same index in every credential.
const COMMON: [AttributeSpec; 9] = [
    spec(HOLDER_SECRET, AttributeType::Secret),
    spec("family_name", AttributeType::String),
    spec("given_name", AttributeType::String),
    spec("birth_date", AttributeType::Date),
    code("country", ValueSet::Country),
    spec("issuer_name", AttributeType::String),
    spec("certificate_id", AttributeType::String),
    spec("valid_from", AttributeType::Instant),
    spec("valid_until", AttributeType::Instant),
];

const VACCINATION: [AttributeSpec; 7] = [
    code("disease", ValueSet::Disease),
    code("vaccine_type", ValueSet::VaccineType),
    code("vaccine_product", ValueSet::VaccineProduct),
    code("manufacturer", ValueSet::Manufacturer),
    spec("dose_number", AttributeType::Integer),
    spec("total_doses", AttributeType::Integer),
    spec("vaccination_date", AttributeType::Date),
];

const TEST: [AttributeSpec; 7] = [
    code("disease", ValueSet::Disease),
    code("test_type", ValueSet::TestType),
    spec("test_name", AttributeType::String),
    spec("test_device", AttributeType::String),
    spec("sample_time", AttributeType::Instant),
    code("test_result", ValueSet::TestResult),
    spec("test_centre", AttributeType::String),
];

const RECOVERY: [AttributeSpec; 2] = [
    code("disease", ValueSet::Disease),
    spec("first_positive_date", AttributeType::Date),
];

static SCHEMAS: LazyLock<[Schema; 3]> = LazyLock::new(|| {
    let make = |credential_type, id, own: &[AttributeSpec]| Schema {
        credential_type,
        id,
        version: 1,
        attributes: COMMON.iter().chain(own).copied().collect(),
    };
    [
        make(
            CredentialType::Vaccination,
            "healthpass/vaccination",
            &VACCINATION,
        ),
        make(CredentialType::Test, "healthpass/test", &TEST),
        make(CredentialType::Recovery, "healthpass/recovery", &RECOVERY),
    ]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_in_type_order_with_unique_names() {
        for t in CredentialType::ALL {
            let s = t.schema();
            assert_eq!(s.credential_type, t);
            assert_eq!(s.attribute(HOLDER_SECRET).map(|(i, _)| i), Some(0));
            let mut names: Vec<_> = s.names().collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.len());
            assert_eq!(CredentialType::from_code(t.code()), Some(t));
            assert_eq!(t.name().parse::<CredentialType>(), Ok(t));
        }
        assert_eq!(CredentialType::Vaccination.schema().len(), 16);
        assert_eq!(CredentialType::Test.schema().len(), 16);
        assert_eq!(CredentialType::Recovery.schema().len(), 11);
        assert!("passport".parse::<CredentialType>().is_err());
    }
}
