//! Shared fixtures of the healthpass fuzz targets: the verifier's requests and trust list,
//! the holder's credentials, an issuer key, and the draft's proof and signature vectors,
//! all read once from committed files (`fuzz/fixtures/`, made by `make-fixtures.sh`, the
//! requests' parameter sets from the store `fuzz/fixtures/params/`, and
//! `tests/fixtures/`).

use std::sync::OnceLock;

use healthpass::bbs::{self, Bls12381Sha256, Bls12381Shake256, PublicKey};
use healthpass::credential::{Credential, IssuerKey};
use healthpass::presentation::{ParamStore, PresentationRequest, TrustList};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::Value;

/// The credential types the fixtures cover, in the order of [`World::requests`].
pub const TYPES: [&str; 3] = ["vaccination", "test", "recovery"];

/// The fixture files of the presentation layer.
pub struct World {
    /// One request per credential type ([`TYPES`]), each with disclosures and predicates.
    pub requests: Vec<PresentationRequest>,
    /// The trust list that holds the fixtures' issuer.
    pub trust: TrustList,
    /// One credential per type ([`TYPES`]), issued by the fixtures' issuer.
    pub credentials: Vec<Credential>,
    /// The fixtures' issuer (a throwaway key made for fuzzing only).
    pub issuer: IssuerKey,
}

impl World {
    /// A time at which request `i` is valid: one minute after it was made.
    pub fn now(&self, i: usize) -> i64 {
        self.requests[i].created + 60
    }
}

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/", $name))
    };
}

/// The presentation-layer fixtures, read on first use.
pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| World {
        requests: [
            fixture!("vaccination.request.json"),
            fixture!("test.request.json"),
            fixture!("recovery.request.json"),
        ]
        .iter()
        .map(|t| {
            let mut r = PresentationRequest::from_json(t).expect("fixture request");
            ParamStore::open(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/params"))
                .and_then(|store| store.resolve(&mut r))
                .expect("fixture parameter sets");
            r
        })
        .collect(),
        trust: TrustList::from_json(fixture!("trust.json")).expect("fixture trust list"),
        credentials: [
            fixture!("vaccination.credential.json"),
            fixture!("test.credential.json"),
            fixture!("recovery.credential.json"),
        ]
        .iter()
        .map(|t| Credential::from_json(t).expect("fixture credential"))
        .collect(),
        issuer: IssuerKey::from_secret_json(fixture!("keys/fz-issuer.secret.json"))
            .expect("fixture issuer key"),
    })
}

/// A seeded generator: targets stay deterministic (the weights of batched checks, holder
/// blindings), so that a crash reproduces from its input alone.
pub fn rng() -> StdRng {
    StdRng::seed_from_u64(9)
}

/// One of the draft's proof vectors (`tests/fixtures/<suite>/proof/proof003.json`): what a
/// proof is verified against.
pub struct ProofCase {
    /// The signer's public key.
    pub pk: PublicKey,
    /// The signature header.
    pub header: Vec<u8>,
    /// The presentation header.
    pub presentation_header: Vec<u8>,
    /// The disclosed messages, in the order of `indexes`.
    pub disclosed: Vec<Vec<u8>>,
    /// The disclosed indexes.
    pub indexes: Vec<usize>,
    /// Every proof of the draft's vectors that is valid for exactly this case.
    pub valid_proofs: Vec<Vec<u8>>,
}

/// One of the draft's signature vectors (`signature001.json`).
pub struct SignatureCase {
    /// The signer's public key.
    pub pk: PublicKey,
    /// The header.
    pub header: Vec<u8>,
    /// The signed messages.
    pub messages: Vec<Vec<u8>>,
    /// The only valid signature of the case.
    pub signature: Vec<u8>,
}

fn hex_field(v: &Value, key: &str) -> Vec<u8> {
    hex::decode(v[key].as_str().expect(key)).expect(key)
}

fn proof_case(files: &[&str]) -> ProofCase {
    let cases: Vec<Value> = files
        .iter()
        .map(|t| serde_json::from_str(t).expect("proof vector"))
        .collect();
    let first = &cases[0];
    let messages: Vec<Vec<u8>> = first["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| hex::decode(m.as_str().expect("message")).expect("message"))
        .collect();
    let indexes: Vec<usize> = first["disclosedIndexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .map(|i| i.as_u64().expect("index") as usize)
        .collect();
    let same = |c: &Value| {
        [
            "signerPublicKey",
            "header",
            "presentationHeader",
            "messages",
            "disclosedIndexes",
        ]
        .iter()
        .all(|k| c[k] == first[k])
            && c["result"]["valid"] == Value::Bool(true)
    };
    ProofCase {
        pk: PublicKey::from_bytes(&hex_field(first, "signerPublicKey")).expect("key"),
        header: hex_field(first, "header"),
        presentation_header: hex_field(first, "presentationHeader"),
        disclosed: indexes.iter().map(|&i| messages[i].clone()).collect(),
        indexes,
        valid_proofs: cases
            .iter()
            .filter(|c| same(c))
            .map(|c| hex_field(c, "proof"))
            .collect(),
    }
}

fn signature_case(text: &str) -> SignatureCase {
    let v: Value = serde_json::from_str(text).expect("signature vector");
    SignatureCase {
        pk: PublicKey::from_bytes(
            &hex::decode(v["signerKeyPair"]["publicKey"].as_str().unwrap()).unwrap(),
        )
        .expect("key"),
        header: hex_field(&v, "header"),
        messages: v["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| hex::decode(m.as_str().expect("message")).expect("message"))
            .collect(),
        signature: hex_field(&v, "signature"),
    }
}

macro_rules! vector {
    ($suite:literal, $name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/bls12-381-",
            $suite,
            "/",
            $name
        ))
    };
}

/// The proof cases of the SHA-256 and SHAKE-256 suites, in that order.
pub fn proof_cases() -> &'static [ProofCase; 2] {
    static CASES: OnceLock<[ProofCase; 2]> = OnceLock::new();
    CASES.get_or_init(|| {
        [
            proof_case(&[
                vector!("sha-256", "proof/proof003.json"),
                vector!("sha-256", "proof/proof014.json"),
                vector!("sha-256", "proof/proof015.json"),
            ]),
            proof_case(&[
                vector!("shake-256", "proof/proof003.json"),
                vector!("shake-256", "proof/proof014.json"),
                vector!("shake-256", "proof/proof015.json"),
            ]),
        ]
    })
}

/// The signature cases of the SHA-256 and SHAKE-256 suites, in that order.
pub fn signature_cases() -> &'static [SignatureCase; 2] {
    static CASES: OnceLock<[SignatureCase; 2]> = OnceLock::new();
    CASES.get_or_init(|| {
        [
            signature_case(vector!("sha-256", "signature/signature001.json")),
            signature_case(vector!("shake-256", "signature/signature001.json")),
        ]
    })
}

/// ProofVerify of `proof` against proof case `suite` (0 SHA-256, 1 SHAKE-256).
pub fn proof_verify(suite: usize, proof: &bbs::Proof) -> Result<(), bbs::Error> {
    let c = &proof_cases()[suite];
    let msgs: Vec<&[u8]> = c.disclosed.iter().map(Vec::as_slice).collect();
    let f = if suite == 0 {
        bbs::proof_verify::<Bls12381Sha256>
    } else {
        bbs::proof_verify::<Bls12381Shake256>
    };
    f(
        &c.pk,
        proof,
        &c.header,
        &c.presentation_header,
        &msgs,
        &c.indexes,
    )
}

/// Verify of `signature` against signature case `suite` (0 SHA-256, 1 SHAKE-256).
pub fn signature_verify(suite: usize, signature: &bbs::Signature) -> Result<(), bbs::Error> {
    let c = &signature_cases()[suite];
    let msgs: Vec<&[u8]> = c.messages.iter().map(Vec::as_slice).collect();
    let f = if suite == 0 {
        bbs::verify::<Bls12381Sha256>
    } else {
        bbs::verify::<Bls12381Shake256>
    };
    f(&c.pk, signature, &c.header, &msgs)
}
