//! The JSON files of the credential layer: the issuer's public and secret files and the
//! credential file. `docs/formats.md` describes them with examples.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroize;

use super::attribute::{AttributeType, AttributeValue, HolderSecret};
use super::holder::Binding;
use super::issuer::{values_from_json, Credential, IssuerInfo, IssuerKey};
use super::json::{b64_decode, b64_encode, check_format, invalid, parse, pretty, wipe_strings};
use super::schema::CredentialType;
use super::schema::HOLDER_SECRET;
use super::Error;
use crate::bbs::nym::SignerNymEntropy;
use crate::bbs::{PublicKey, SecretKey, Signature};

/// Format tag of an issuer's public file.
pub const ISSUER_PUBLIC_FORMAT: &str = "healthpass-issuer/1";
/// Format tag of an issuer's secret file.
pub const ISSUER_SECRET_FORMAT: &str = "healthpass-issuer-secret/1";
/// Format tag of a credential file.
pub const CREDENTIAL_FORMAT: &str = "healthpass-credential/1";

/// An issuer's public description as JSON (in the public file, the secret file, the
/// credential file and the trust list).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssuerJson {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    name: String,
    country: String,
    ciphersuite: String,
    public_key: String,
    schemas: Vec<String>,
}

impl IssuerJson {
    pub(crate) fn new(info: &IssuerInfo) -> Self {
        Self {
            id: info.id.clone(),
            kid: info.kid.clone(),
            name: info.name.clone(),
            country: info.country.clone(),
            ciphersuite: info.suite.name().to_owned(),
            public_key: b64_encode(&info.public_key.to_bytes()),
            schemas: info.schemas.iter().map(|s| s.name().to_owned()).collect(),
        }
    }

    pub(crate) fn into_info(self, what: &'static str) -> Result<IssuerInfo, Error> {
        let suite = self.ciphersuite.parse().map_err(|_| {
            invalid(
                what,
                "ciphersuite",
                "is not bls12-381-sha-256 or bls12-381-shake-256",
            )
        })?;
        let key = b64_decode(&self.public_key)
            .map_err(|_| invalid(what, "public_key", "is not unpadded base64url"))?;
        let public_key = PublicKey::from_bytes(&key).map_err(|source| Error::InvalidEncoding {
            what,
            field: "public_key",
            source,
        })?;
        let schemas = self
            .schemas
            .iter()
            .map(|s| s.parse::<CredentialType>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                invalid(
                    what,
                    "schemas",
                    "names a type other than vaccination, test, recovery, identity",
                )
            })?;
        let info = IssuerInfo {
            id: self.id,
            kid: self.kid,
            name: self.name,
            country: self.country,
            suite,
            public_key,
            schemas,
        };
        info.check()?;
        Ok(info)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicFile {
    format: String,
    issuer: IssuerJson,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretFile {
    format: String,
    issuer: IssuerJson,
    secret_key: String,
}

impl Drop for SecretFile {
    fn drop(&mut self) {
        self.secret_key.zeroize();
    }
}

impl IssuerInfo {
    /// The issuer's public file (`ID.public.json`).
    pub fn to_public_json(&self) -> String {
        pretty(&PublicFile {
            format: ISSUER_PUBLIC_FORMAT.to_owned(),
            issuer: IssuerJson::new(self),
        })
    }

    /// Reads an issuer's public file.
    pub fn from_public_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "issuer public file";
        let file: PublicFile = parse(WHAT, text)?;
        check_format(WHAT, ISSUER_PUBLIC_FORMAT, &file.format)?;
        file.issuer.into_info(WHAT)
    }
}

impl IssuerJson {
    fn new_empty() -> Self {
        Self {
            id: String::new(),
            kid: None,
            name: String::new(),
            country: String::new(),
            ciphersuite: String::new(),
            public_key: String::new(),
            schemas: Vec::new(),
        }
    }
}

impl IssuerKey {
    /// The issuer's secret file (`ID.secret.json`).
    ///
    /// # Security
    /// The string holds the secret key; write it with mode 0600 and zeroize it when done.
    pub fn to_secret_json(&self) -> String {
        let mut key = self.secret_key().to_bytes();
        let file = SecretFile {
            format: ISSUER_SECRET_FORMAT.to_owned(),
            issuer: IssuerJson::new(self.info()),
            secret_key: b64_encode(&key),
        };
        key.zeroize();
        pretty(&file)
    }

    /// Reads an issuer's secret file; the secret key must match the public key in it.
    pub fn from_secret_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "issuer secret file";
        let mut file: SecretFile = parse(WHAT, text)?;
        check_format(WHAT, ISSUER_SECRET_FORMAT, &file.format)?;
        let mut bytes = b64_decode(&file.secret_key)
            .map_err(|_| invalid(WHAT, "secret_key", "is not unpadded base64url"))?;
        let secret = SecretKey::from_bytes(&bytes);
        bytes.zeroize();
        let secret = secret.map_err(|source| Error::InvalidEncoding {
            what: WHAT,
            field: "secret_key",
            source,
        })?;
        let issuer = std::mem::replace(&mut file.issuer, IssuerJson::new_empty());
        IssuerKey::from_parts(issuer.into_info(WHAT)?, secret)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialFile {
    format: String,
    #[serde(rename = "type")]
    credential_type: String,
    schema: String,
    schema_version: u8,
    issuer: IssuerJson,
    attributes: Value,
    signature: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profile_signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    binding: Option<BindingJson>,
}

/// A bound credential's binding: the commitment's digest and the signer's nym entropy,
/// both base64url.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingJson {
    commitment: String,
    nym_entropy: String,
}

impl Drop for CredentialFile {
    fn drop(&mut self) {
        // The attributes hold the holder secret and personal data.
        wipe_strings(&mut self.attributes);
    }
}

impl Credential {
    /// The credential file: type, schema, issuer, every attribute (the holder secret as
    /// base64url) in schema order, the signature, and the presentation profile's signature
    /// when issuance made one (`profile_signature`). A holder-bound credential has no
    /// `holder_secret` attribute (the issuer never knew it) and a `binding` object.
    ///
    /// # Security
    /// The string holds the holder secret and personal data; write it with mode 0600.
    pub fn to_json(&self) -> String {
        let schema = self.schema();
        let attributes = schema
            .names()
            .zip(&self.values)
            .filter(|(n, _)| self.binding.is_none() || *n != HOLDER_SECRET)
            .map(|(n, v)| (n.to_owned(), v.to_json()))
            .collect();
        pretty(&CredentialFile {
            format: CREDENTIAL_FORMAT.to_owned(),
            credential_type: self.credential_type().name().to_owned(),
            schema: schema.id.to_owned(),
            schema_version: schema.version,
            issuer: IssuerJson::new(&self.issuer),
            attributes: Value::Object(attributes),
            signature: b64_encode(&self.signature.to_bytes()),
            profile_signature: self
                .profile_signature
                .as_ref()
                .map(|s| b64_encode(&s.to_bytes())),
            binding: self.binding.as_ref().map(|b| BindingJson {
                commitment: b64_encode(&b.commitment),
                nym_entropy: b64_encode(&b.nym_entropy.to_bytes()),
            }),
        })
    }

    /// Reads a credential file, validating every attribute against the schema; each value
    /// must be in its canonical form ([`AttributeValue::from_canonical_json`]). The
    /// signature is decoded but not verified: see [`Credential::verify`].
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "credential file";
        let mut file: CredentialFile = parse(WHAT, text)?;
        check_format(WHAT, CREDENTIAL_FORMAT, &file.format)?;
        let credential_type: CredentialType = file.credential_type.parse().map_err(|_| {
            invalid(
                WHAT,
                "type",
                "is not vaccination, test, recovery or identity",
            )
        })?;
        let schema = credential_type
            .schema_version(file.schema_version)
            .filter(|s| s.id == file.schema)
            .ok_or_else(|| Error::UnknownSchema {
                credential_type,
                schema: file.schema.clone(),
                version: file.schema_version,
            })?;
        let binding = file
            .binding
            .as_ref()
            .map(|b| {
                let commitment = b64_decode(&b.commitment)
                    .ok()
                    .and_then(|d| <[u8; 32]>::try_from(d).ok())
                    .ok_or_else(|| {
                        invalid(
                            WHAT,
                            "binding",
                            "has a commitment that is not 32 bytes of base64url",
                        )
                    })?;
                let entropy = b64_decode(&b.nym_entropy).map_err(|_| {
                    invalid(WHAT, "binding", "has a nym_entropy that is not base64url")
                })?;
                let nym_entropy = SignerNymEntropy::from_bytes(&entropy).map_err(|source| {
                    Error::InvalidEncoding {
                        what: WHAT,
                        field: "binding",
                        source,
                    }
                })?;
                Ok::<_, Error>(Binding {
                    commitment,
                    nym_entropy,
                })
            })
            .transpose()?;
        let values = if binding.is_some() {
            // The holder secret is not in the file: the slot is signed as 0.
            if file.attributes.get(HOLDER_SECRET).is_some() {
                return Err(Error::from(invalid(
                    WHAT,
                    "attributes",
                    "holds `holder_secret`, which a holder-bound credential does not have",
                )));
            }
            let mut attributes = file.attributes.clone();
            if let Some(o) = attributes.as_object_mut() {
                o.insert(HOLDER_SECRET.to_owned(), Value::Null);
            }
            let values = values_from_json(schema, &attributes, |ty, v| match ty {
                AttributeType::Secret => Ok(AttributeValue::Secret(HolderSecret::bound_slot())),
                _ => AttributeValue::from_canonical_json(ty, v),
            });
            wipe_strings(&mut attributes);
            values?
        } else {
            values_from_json(
                schema,
                &file.attributes,
                AttributeValue::from_canonical_json,
            )?
        };
        let sig = b64_decode(&file.signature)
            .map_err(|_| invalid(WHAT, "signature", "is not unpadded base64url"))?;
        let signature = Signature::from_bytes(&sig).map_err(|source| Error::InvalidEncoding {
            what: WHAT,
            field: "signature",
            source,
        })?;
        let profile_signature = file
            .profile_signature
            .as_ref()
            .map(|text| {
                let bytes = b64_decode(text)
                    .map_err(|_| invalid(WHAT, "profile_signature", "is not unpadded base64url"))?;
                Signature::from_bytes(&bytes).map_err(|source| Error::InvalidEncoding {
                    what: WHAT,
                    field: "profile_signature",
                    source,
                })
            })
            .transpose()?;
        let issuer = std::mem::replace(&mut file.issuer, IssuerJson::new_empty());
        let mut credential =
            Credential::from_parts_under(issuer.into_info(WHAT)?, schema, values, signature)?;
        credential.binding = binding;
        if profile_signature.is_some() && (credential.binding.is_some() || schema.profile) {
            return Err(Error::from(invalid(
                WHAT,
                "profile_signature",
                "is only for a credential whose issuer generated the holder secret",
            )));
        }
        credential.profile_signature = profile_signature;
        Ok(credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::json::FormatError;
    use crate::credential::Suite;

    #[test]
    fn issuer_files_round_trip() {
        let mut rng = rand::rng();
        for suite in Suite::ALL {
            let key =
                IssuerKey::generate("x-1", "X", "", suite, &CredentialType::ALL, &mut rng).unwrap();
            let secret = key.to_secret_json();
            let back = IssuerKey::from_secret_json(&secret).unwrap();
            assert_eq!(back.info(), key.info());
            assert_eq!(back.to_secret_json(), secret);
            let public = key.info().to_public_json();
            assert_eq!(IssuerInfo::from_public_json(&public).unwrap(), *key.info());
            assert!(!format!("{key:?}").contains(&b64_encode(&key.secret_key().to_bytes())));
        }
    }

    #[test]
    fn wrong_format_tags_are_named() {
        let mut rng = rand::rng();
        let key = IssuerKey::generate("x", "X", "", Suite::Sha256, &[], &mut rng).unwrap();
        let public = key.info().to_public_json();
        let e = IssuerKey::from_secret_json(&public).unwrap_err();
        assert!(matches!(e, Error::Format(FormatError::Json { .. })), "{e}");
        let swapped = public.replace(ISSUER_PUBLIC_FORMAT, "healthpass-issuer/9");
        let e = IssuerInfo::from_public_json(&swapped).unwrap_err();
        assert!(
            matches!(e, Error::Format(FormatError::WrongFormat { .. })),
            "{e}"
        );
    }
}
