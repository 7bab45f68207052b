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
/// A compressed encoding (`N` octets, small x) of a point on the curve but outside the
/// prime-order subgroup; `torsion_free` decodes without the subgroup check.
pub fn off_subgroup<const N: usize>(torsion_free: impl Fn(&[u8; N]) -> Option<bool>) -> [u8; N] {
    for x in 1u8..=255 {
        let mut b = [0u8; N];
        b[0] = 0x80;
        b[N - 1] = x;
        if torsion_free(&b) == Some(false) {
            return b;
        }
    }
    unreachable!("some small x gives a point outside the subgroup");
}

pub fn g1_off_subgroup() -> [u8; 48] {
    off_subgroup(|b| {
        Option::<bls12_381::G1Affine>::from(bls12_381::G1Affine::from_compressed_unchecked(b))
            .map(|p| bool::from(p.is_torsion_free()))
    })
}

pub fn g2_off_subgroup() -> [u8; 96] {
    off_subgroup(|b| {
        Option::<bls12_381::G2Affine>::from(bls12_381::G2Affine::from_compressed_unchecked(b))
            .map(|p| bool::from(p.is_torsion_free()))
    })
}

pub fn g1_identity() -> [u8; 48] {
    let mut b = [0u8; 48];
    b[0] = 0xc0;
    b
}

/// The group order r, big-endian.
pub const R: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

pub mod certlogic;
pub mod cli;
