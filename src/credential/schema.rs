//! Schemas: ordered lists of named, typed attributes. The travel-health profile defines one
//! schema per credential type: vaccination, test and recovery, each the common attributes
//! followed by the type's own, and identity (an identity document: names, birth date,
//! nationality, document number), which a verifier asks for together with a health
//! credential of the same holder (`credential::holder`).

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
    /// `true` for a presentation profile ([`CredentialType::presentation_profile`]): the
    /// companion signature over the attributes typical policies read.
    pub profile: bool,
}

impl Schema {
    /// The index and description of the attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<(usize, &AttributeSpec)> {
        self.attributes
            .iter()
            .enumerate()
            .find(|(_, a)| a.name == name)
    }

    /// The number of attributes. The BBS message count `L` can be larger: see
    /// [`Schema::message_count`].
    pub fn len(&self) -> usize {
        self.attributes.len()
    }

    /// The number of BBS messages (`L`): one per attribute, then one companion message per
    /// partial-date attribute (its first day), in attribute order.
    pub fn message_count(&self) -> usize {
        self.attributes.iter().map(|a| a.ty.message_count()).sum()
    }

    /// The message index of the companion of attribute `index` (the first day of a partial
    /// date), `None` when the attribute has no companion.
    pub fn companion_index(&self, index: usize) -> Option<usize> {
        let spec = self.attributes.get(index)?;
        (spec.ty.message_count() == 2).then(|| {
            self.len()
                + self.attributes[..index]
                    .iter()
                    .filter(|a| a.ty.message_count() == 2)
                    .count()
        })
    }

    /// The message indexes that disclosing attribute `index` reveals: its own, and its
    /// companion's when it has one.
    pub fn message_indexes(&self, index: usize) -> impl Iterator<Item = usize> {
        core::iter::once(index).chain(self.companion_index(index))
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
    /// An identity document, issued by an identity authority: names, birth date,
    /// nationality and document number.
    Identity,
}

impl CredentialType {
    /// Every type of the profile.
    pub const ALL: [CredentialType; 4] = [
        CredentialType::Vaccination,
        CredentialType::Test,
        CredentialType::Recovery,
        CredentialType::Identity,
    ];

    /// The health types (those of the EU DCC).
    pub const HEALTH: [CredentialType; 3] = [
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
            CredentialType::Identity => "identity",
        }
    }

    /// The unit of the type's validity, in minutes: issuance signs `valid_from` and
    /// `valid_until` on whole units ([`crate::credential::align_validity`]), so that a
    /// presentation proves each validity bound as one digit counted in these units. An hour
    /// (60) for health credentials, a day (1,440) for identity documents, whose validity
    /// runs for years and is given as dates.
    pub fn validity_unit(self) -> u32 {
        match self {
            CredentialType::Identity => 1440,
            _ => 60,
        }
    }

    /// The type's one-byte code in the compact encoding.
    pub fn code(self) -> u8 {
        match self {
            CredentialType::Vaccination => 1,
            CredentialType::Test => 2,
            CredentialType::Recovery => 3,
            CredentialType::Identity => 4,
        }
    }

    /// The type with compact code `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The current schema of this type (version [`CURRENT_SCHEMA_VERSION`]), under which new
    /// credentials are issued and requests are read.
    pub fn schema(self) -> &'static Schema {
        &SCHEMAS[self as usize][usize::from(CURRENT_SCHEMA_VERSION - 1)]
    }

    /// The schema of this type at `version`, if this build knows it (versions 1 and 2).
    pub fn schema_version(self, version: u8) -> Option<&'static Schema> {
        SCHEMAS[self as usize].get(usize::from(version).checked_sub(1)?)
    }

    /// The schema of this type at `version`, or of its presentation profile when `profile`
    /// is set: what a presentation names.
    pub fn schema_for(self, version: u8, profile: bool) -> Option<&'static Schema> {
        if profile {
            self.presentation_profile().filter(|p| p.version == version)
        } else {
            self.schema_version(version)
        }
    }

    /// The type's presentation profile: a companion schema over the attributes that typical
    /// policies and the EU's acceptance rules read (validity, disease, product or test,
    /// doses and dates, result), with the holder secret first. Issuance signs it next to the
    /// full credential (same issuer key, same values, its own header), and a holder
    /// presents it whenever the request reads nothing else: every attribute it leaves out
    /// (names, birth date, identifiers, issuer name, country) then costs no hidden-message
    /// response, 32 bytes each (`docs/notes/predicates.md`, "Presentation profiles"). `None`
    /// for identity documents.
    pub fn presentation_profile(self) -> Option<&'static Schema> {
        PROFILES[self as usize].as_ref()
    }
}

impl fmt::Display for CredentialType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name of a type that the profile does not define.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown credential type `{0}` (expected vaccination, test, recovery or identity)")]
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

/// The schema version new credentials are issued under.
///
/// Version 2 changed, from version 1: `birth_date` is a [`AttributeType::PartialDate`]
/// (`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `""`), signed as its last possible day at index 3 and
/// its first possible day in a companion message after the last attribute. Every other
/// attribute keeps its name, type and index.
pub const CURRENT_SCHEMA_VERSION: u8 = 2;

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

/// The identity document's own attributes: after the first four of [`COMMON`] (the holder
/// secret first, as in every schema, then the names and the birth date), the nationality,
/// the document number and the document's validity (every presentation proves the credential
/// valid at the request's time).
const IDENTITY: [AttributeSpec; 4] = [
    code("nationality", ValueSet::Country),
    spec("document_number", AttributeType::String),
    spec("valid_from", AttributeType::Instant),
    spec("valid_until", AttributeType::Instant),
];

/// Every known schema: per type (in [`CredentialType`] order), versions 1 and 2 (for
/// identity, version 1 is never issued: it exists so that every type has the same versions).
static SCHEMAS: LazyLock<[[Schema; 2]; 4]> = LazyLock::new(|| {
    let make = |credential_type, id, own: &[AttributeSpec]| {
        let common: &[AttributeSpec] = if credential_type == CredentialType::Identity {
            &COMMON[..4]
        } else {
            &COMMON
        };
        let v1 = Schema {
            credential_type,
            id,
            version: 1,
            attributes: common.iter().chain(own).copied().collect(),
            profile: false,
        };
        let mut v2 = Schema {
            version: 2,
            ..v1.clone()
        };
        for a in &mut v2.attributes {
            if a.name == "birth_date" {
                a.ty = AttributeType::PartialDate;
            }
        }
        [v1, v2]
    };
    [
        make(
            CredentialType::Vaccination,
            "healthpass/vaccination",
            &VACCINATION,
        ),
        make(CredentialType::Test, "healthpass/test", &TEST),
        make(CredentialType::Recovery, "healthpass/recovery", &RECOVERY),
        make(CredentialType::Identity, "healthpass/identity", &IDENTITY),
    ]
});

/// The attributes of each type's presentation profile, in signing order (every name is an
/// attribute of the type's current schema, with the same type).
const PROFILE_ATTRIBUTES: [&[&str]; 4] = [
    &[
        HOLDER_SECRET,
        "valid_from",
        "valid_until",
        "disease",
        "vaccine_type",
        "vaccine_product",
        "manufacturer",
        "dose_number",
        "total_doses",
        "vaccination_date",
    ],
    &[
        HOLDER_SECRET,
        "valid_from",
        "valid_until",
        "disease",
        "test_type",
        "test_device",
        "sample_time",
        "test_result",
    ],
    &[
        HOLDER_SECRET,
        "valid_from",
        "valid_until",
        "disease",
        "first_positive_date",
    ],
    &[],
];

/// The presentation profiles ([`CredentialType::presentation_profile`]), per type, at the
/// current schema version: identifier `<schema id>-profile`.
static PROFILES: LazyLock<[Option<Schema>; 4]> = LazyLock::new(|| {
    CredentialType::ALL.map(|t| {
        let full = t.schema();
        let names = PROFILE_ATTRIBUTES[t as usize];
        (!names.is_empty()).then(|| Schema {
            credential_type: t,
            id: match t {
                CredentialType::Vaccination => "healthpass/vaccination-profile",
                CredentialType::Test => "healthpass/test-profile",
                _ => "healthpass/recovery-profile",
            },
            version: full.version,
            attributes: names
                .iter()
                .filter_map(|n| full.attribute(n).map(|(_, a)| *a))
                .collect(),
            profile: true,
        })
    })
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
        assert_eq!(CredentialType::Identity.schema().len(), 8);
        assert!("passport".parse::<CredentialType>().is_err());
    }

    #[test]
    fn version_2_differs_from_version_1_only_in_birth_date() {
        for t in CredentialType::ALL {
            let (v1, v2) = (t.schema_version(1).unwrap(), t.schema_version(2).unwrap());
            assert_eq!(t.schema(), v2);
            assert!(t.schema_version(0).is_none() && t.schema_version(3).is_none());
            assert_eq!((v1.version, v2.version), (1, 2));
            assert_eq!(v1.len(), v2.len());
            assert_eq!(v1.message_count(), v1.len());
            assert_eq!(v2.message_count(), v2.len() + 1);
            for (i, (a, b)) in v1.attributes.iter().zip(&v2.attributes).enumerate() {
                assert_eq!(a.name, b.name);
                if a.name == "birth_date" {
                    assert_eq!(i, 3);
                    assert_eq!(
                        (a.ty, b.ty),
                        (AttributeType::Date, AttributeType::PartialDate)
                    );
                    assert_eq!(v2.companion_index(i), Some(v2.len()));
                    assert_eq!(v1.companion_index(i), None);
                } else {
                    assert_eq!(a.ty, b.ty);
                    assert_eq!(v2.companion_index(i), None);
                }
            }
        }
    }
}
