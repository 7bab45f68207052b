//! Shared helpers for the integration tests: fixture loading and the draft's mocked random
//! scalars (which the library deliberately does not expose in its default build).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use healthpass::bbs::{Ciphersuite, Scalar};
use serde_json::Value;

/// The fixture directory of a ciphersuite.
pub fn suite_dir<C: Ciphersuite>() -> PathBuf {
    let name = if C::ID == healthpass::bbs::Bls12381Sha256::ID {
        "bls12-381-sha-256"
    } else {
        "bls12-381-shake-256"
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Every JSON file in `dir`, sorted by name (walked, never listed by hand).
pub fn json_files(dir: &Path) -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

/// Decodes a hex string field.
pub fn hex_field(v: &Value, key: &str) -> Vec<u8> {
    hex::decode(v[key].as_str().unwrap_or_else(|| panic!("missing {key}"))).unwrap()
}

/// Decodes a JSON array of hex strings.
pub fn hex_list(v: &Value) -> Vec<Vec<u8>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| hex::decode(m.as_str().unwrap()).unwrap())
        .collect()
}

/// A scalar as 32 big-endian octets, hex-encoded.
pub fn scalar_hex(s: &Scalar) -> String {
    hex::encode(healthpass::bbs::octets::scalar_to_octets(s))
}

/// The draft's `seeded_random_scalars(SEED, dst, count)` (§8.1): one `expand_message` call
/// of `48 * count` octets, cut into 48-octet pieces, each reduced mod r.
pub fn seeded_random_scalars<C: Ciphersuite>(seed: &[u8], dst: &[u8], count: usize) -> Vec<Scalar> {
    let v = C::expand_message(&[seed], dst, 48 * count).unwrap();
    v.chunks(48)
        .map(|c| {
            let mut wide = [0u8; 64];
            for (d, s) in wide.iter_mut().zip(c.iter().rev()) {
                *d = *s;
            }
            Scalar::from_bytes_wide(&wide)
        })
        .collect()
}

/// The draft's mocked-RNG seed.
pub const MOCK_SEED: &[u8] = b"3.141592653589793238462643383279";

/// The message list as slices.
pub fn msgs(list: &[Vec<u8>]) -> Vec<&[u8]> {
    list.iter().map(Vec::as_slice).collect()
}

/// One proof fixture, parsed.
pub struct ProofCase {
    pub messages: Vec<Vec<u8>>,
    pub header: Vec<u8>,
    pub ph: Vec<u8>,
    pub indexes: Vec<usize>,
    pub pk_bytes: Vec<u8>,
    pub valid: bool,
}

impl ProofCase {
    pub fn parse(f: &Value) -> Self {
        ProofCase {
            messages: hex_list(&f["messages"]),
            header: hex_field(f, "header"),
            ph: hex_field(f, "presentationHeader"),
            indexes: f["disclosedIndexes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as usize)
                .collect(),
            pk_bytes: hex_field(f, "signerPublicKey"),
            valid: f["result"]["valid"].as_bool().unwrap(),
        }
    }

    /// The draft's mocked random scalars for this case: `seeded_random_scalars` with the
    /// suite's mock DST and count `5 + U`.
    pub fn mocked_scalars<C: Ciphersuite>(&self) -> Vec<Scalar> {
        let u = self.messages.len() - self.indexes.len();
        let dst = [
            &healthpass::bbs::api_id::<C>()[..],
            b"MOCK_RANDOM_SCALARS_DST_",
        ]
        .concat();
        seeded_random_scalars::<C>(MOCK_SEED, &dst, 5 + u)
    }
}
pub mod certlogic;
