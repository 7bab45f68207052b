//! The compact binary encoding of a presentation, for QR codes. It leaves out what the
//! verifier already has: the nonce and the names of the disclosed attributes come from the
//! request, the issuer's key and name from the trust list.
//!
//! ```text
//! version          1 byte   0x03
//! request_digest  32 bytes
//! count            1 byte   number of credentials (1..16)
//! per credential:
//!   type           1 byte   1 vaccination, 2 test, 3 recovery, 4 identity
//!   schema_version 1 byte
//!   issuer         varint length, then the identifier (1 to 64 of a-z 0-9 . _ -), or
//!                  `ID#KID` when the credential names its issuer's key (`kid`, same
//!                  grammar; `#` is in neither): see `issuer_field`
//!   branch         only when the policy reveals branches: varint count (1 to 16), then
//!                  varints: the alternative's index, the choice at each any_of
//!   disclosed      each value in the disclosure order of the policy's alternatives of
//!                  the presented type (they all have the same list), by type:
//!                  string/code varint length + UTF-8; integer/date/instant zigzag varint;
//!                  boolean 1 byte
//!   formula        varint length + the formula proof (`zk::FormulaProof`: the validity
//!                  statements and the policy's statements over hidden attributes)
//!   proof          varint length + the draft's proof octets (272 + 32 U)
//! holder           only when a credential is holder-bound (`super::binding`): C_h, then
//!                  per credential a flag, rho^ and the pseudonym
//! ```
//! No byte may follow the last credential (or the holder section).

use super::bundle::{Presentation, PresentedCredential};
use super::policy::{Branch, MAX_BRANCHES};
use super::request::PresentationRequest;
use super::Error;
use crate::credential::bytes::{ByteReader, ByteWriter};
use crate::credential::{AttributeType, AttributeValue, CredentialType};

/// The version byte of the compact encoding.
pub const COMPACT_VERSION: u8 = 4;

/// The bytes of the request digest a compact presentation carries: the first 16 of the 32.
/// They say which request it answers (a verifier looks the request up by them); the binding
/// itself is the proofs', whose challenges hash the whole digest, so a presentation made for
/// another request with the same first 16 bytes still fails verification.
pub const COMPACT_DIGEST_BYTES: usize = 16;

/// The `problem` of the [`Error::Compact`] for bytes that decode but are not what
/// [`Presentation::to_compact`] writes for the result. The decoder is meant to refuse every
/// such encoding itself, where it goes wrong; this check after it is a second line, so the
/// fuzz target `round_trip` treats reaching it as a finding.
pub const NOT_CANONICAL: &str = "not the canonical encoding of a presentation";

/// The flag on the schema version byte of a presented presentation profile.
const PROFILE_FLAG: u8 = 0x80;

/// The issuer field: `ID`, or `ID#KID` for a credential that names its issuer's key. A
/// presentation without a key identifier encodes as before key identifiers existed.
fn issuer_field(issuer: &str, kid: Option<&str>) -> String {
    match kid {
        Some(kid) => format!("{issuer}#{kid}"),
        None => issuer.to_owned(),
    }
}

/// Reads [`issuer_field`]: each part must be a valid identifier.
fn read_issuer_field(field: &str) -> Option<(String, Option<String>)> {
    let (issuer, kid) = match field.split_once('#') {
        Some((issuer, kid)) => (issuer, Some(kid)),
        None => (field, None),
    };
    let valid = crate::credential::is_valid_issuer_id(issuer)
        && kid.is_none_or(crate::credential::is_valid_key_id);
    valid.then(|| (issuer.to_owned(), kid.map(str::to_owned)))
}

impl Presentation {
    /// The compact binary encoding. The disclosed values must be in the request's order (as
    /// [`super::present`] makes them): the encoding carries values, not names.
    pub fn to_compact(&self) -> Result<Vec<u8>, Error> {
        let too_large = |problem| Error::Compact { offset: 0, problem };
        let mut w = ByteWriter::default();
        let count = u8::try_from(self.credentials.len())
            .map_err(|_| too_large("more than 255 credentials"))?;
        w.u8(COMPACT_VERSION)
            .raw(&self.request_digest[..COMPACT_DIGEST_BYTES])
            .u8(count);
        for c in &self.credentials {
            if c.schema_version & PROFILE_FLAG != 0 {
                return Err(too_large("a schema version of 128 or more"));
            }
            // As the decoder reads it: an unknown version with the current schema's types
            // (`verify` refuses it as `SchemaMismatch`), so that every decoded presentation
            // re-encodes to its bytes.
            let schema = c
                .credential_type
                .schema_for(c.schema_version, c.profile)
                .unwrap_or(c.credential_type.schema());
            w.u8(c.credential_type.code())
                .u8(c.schema_version | if c.profile { PROFILE_FLAG } else { 0 })
                .bytes(issuer_field(&c.issuer, c.kid.as_deref()).as_bytes());
            if let Some(b) = &c.branch {
                w.varint(1 + b.choices.len() as u64)
                    .varint(b.alternative as u64);
                for &choice in &b.choices {
                    w.varint(choice as u64);
                }
            }
            for (name, v) in &c.disclosed {
                let ty = schema
                    .attribute(name)
                    .map_or(AttributeType::String, |(_, a)| a.ty);
                if !v.write_compact_as(ty, &mut w) {
                    return Err(Error::HolderSecretNotDisclosable);
                }
            }
            w.bytes(&c.formula_proof).bytes(&c.proof);
        }
        if let Some(c) = &self.holder_commitment {
            let holders: Vec<_> = self.credentials.iter().map(|c| c.holder.as_ref()).collect();
            super::binding::write_compact(&mut w, c, &holders);
        }
        Ok(w.buf)
    }

    /// Decodes the compact encoding of a presentation that answers `request` (which gives
    /// the nonce and the disclosed attributes' names and types). The request digest is
    /// checked before anything else is read: a presentation for another request is
    /// [`Error::RequestDigestMismatch`] (a rejection), not a malformed encoding. Only the
    /// one encoding [`Presentation::to_compact`] writes is accepted: a decoded presentation
    /// must re-encode to the same bytes (issue 9, finding 3: one accepted encoding).
    pub fn from_compact(bytes: &[u8], request: &PresentationRequest) -> Result<Self, Error> {
        let p = Self::decode_compact(bytes, request)?;
        match p.to_compact() {
            Ok(again) if again == bytes => Ok(p),
            _ => Err(Error::Compact {
                offset: 0,
                problem: NOT_CANONICAL,
            }),
        }
    }

    fn decode_compact(bytes: &[u8], request: &PresentationRequest) -> Result<Self, Error> {
        let mut r = ByteReader::new(bytes);
        let at = |r: &ByteReader<'_>, problem| Error::Compact {
            offset: bytes.len() - r.remaining(),
            problem,
        };
        match r.u8() {
            Some(COMPACT_VERSION) => {}
            Some(_) => return Err(at(&r, "unknown version byte (expected 0x04)")),
            None => return Err(at(&r, "empty input")),
        }
        let digest = r
            .raw(COMPACT_DIGEST_BYTES)
            .ok_or_else(|| at(&r, "truncated request digest"))?;
        // The binding first: the values that follow are read with this request's shape,
        // which a presentation for another request does not have.
        let full = request.digest();
        if digest != &full[..COMPACT_DIGEST_BYTES] {
            return Err(Error::RequestDigestMismatch);
        }
        let count = usize::from(r.u8().ok_or_else(|| at(&r, "truncated credential count"))?);
        if count != request.policies.len() {
            return Err(Error::CredentialCountMismatch {
                expected: request.policies.len(),
                actual: count,
            });
        }
        let mut credentials = Vec::with_capacity(count);
        for policy in &request.policies {
            let code = r.u8().ok_or_else(|| at(&r, "truncated credential type"))?;
            let credential_type =
                CredentialType::from_code(code).ok_or_else(|| at(&r, "unknown credential type"))?;
            let version_byte = r.u8().ok_or_else(|| at(&r, "truncated schema version"))?;
            let (schema_version, profile) = (
                version_byte & !PROFILE_FLAG,
                version_byte & PROFILE_FLAG != 0,
            );
            let (issuer, kid) = r
                .bytes()
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or_else(|| at(&r, "truncated or non-UTF-8 issuer"))
                .and_then(|f| {
                    read_issuer_field(f)
                        .ok_or_else(|| at(&r, "invalid issuer identifier or key identifier"))
                })?;
            let branch = if policy.reveal_branch {
                let n = r
                    .varint()
                    .filter(|n| (1..=16).contains(n))
                    .ok_or_else(|| at(&r, "truncated or invalid branch length"))?;
                let mut path = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    let i = r
                        .varint()
                        .and_then(|i| usize::try_from(i).ok())
                        .filter(|&i| i < MAX_BRANCHES)
                        .ok_or_else(|| at(&r, "truncated or invalid branch"))?;
                    path.push(i);
                }
                Some(Branch {
                    alternative: path[0],
                    choices: path[1..].to_vec(),
                })
            } else {
                None
            };
            // The disclosed values' names and types: those of the policy's alternatives of
            // the presented type (all alike).
            let asked = policy
                .alternatives
                .iter()
                .find(|a| a.credential_type == credential_type)
                .ok_or(Error::SchemaMismatch {
                    expected: policy.alternatives[0].credential_type,
                    found: credential_type,
                    version: schema_version,
                })?;
            // Values are read with the types of the presented schema (an unknown version is
            // read as the current one and refused by `verify`).
            let schema = asked
                .credential_type
                .schema_for(schema_version, profile)
                .unwrap_or(asked.credential_type.schema());
            let mut disclosed = Vec::with_capacity(asked.disclose.len());
            for name in &asked.disclose {
                let ty = schema
                    .attribute(name)
                    .map(|(_, spec)| spec.ty)
                    .ok_or_else(|| at(&r, "the request names an unknown attribute"))?;
                let v = AttributeValue::read_compact_as(ty, &mut r)
                    .ok_or_else(|| at(&r, "truncated or malformed disclosed value"))?;
                disclosed.push((name.clone(), v));
            }
            let formula_proof = r
                .bytes()
                .ok_or_else(|| at(&r, "truncated formula proof"))?
                .to_vec();
            let proof = r.bytes().ok_or_else(|| at(&r, "truncated proof"))?.to_vec();
            credentials.push(PresentedCredential {
                credential_type,
                schema_version,
                profile,
                issuer,
                kid,
                branch,
                disclosed,
                formula_proof,
                proof,
                holder: None,
            });
        }
        let mut holder_commitment = None;
        if !r.is_empty() {
            let pseudonyms: Vec<bool> = request
                .policies
                .iter()
                .map(|p| p.pseudonym.is_some())
                .collect();
            let (c, holders) = super::binding::read_compact(&mut r, &pseudonyms)
                .map_err(|problem| at(&r, problem))?;
            for (credential, h) in credentials.iter_mut().zip(holders) {
                credential.holder = h;
            }
            holder_commitment = Some(c);
        }
        if !r.is_empty() {
            return Err(at(&r, "trailing bytes after the last credential"));
        }
        Ok(Presentation {
            nonce: request.nonce,
            request_digest: full,
            credentials,
            holder_commitment,
        })
    }
}
