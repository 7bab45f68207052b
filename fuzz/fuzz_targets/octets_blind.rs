//! The blind and pseudonym decoders (issue 14): `CommitmentWithProof::from_bytes`
//! (blind draft §4.4.2), then CoreCommitVerify (§4.3.2) in both ciphersuites under the blind
//! and the pseudonym interfaces; and `SecretProverBlind`, `Pseudonym`, `NymSecrets`,
//! `ProverNyms` and `SignerNymEntropy` from octets. Every accepted input re-encodes to
//! itself, and only the drafts' own commitments (tests/fixtures/blind, pseudonyms) verify.
#![no_main]
use healthpass::bbs::blind::{self, CommitmentWithProof, SecretProverBlind};
use healthpass::bbs::nym::{self, NymSecrets, ProverNyms, Pseudonym, SignerNymEntropy};
use healthpass::bbs::{Bls12381Sha256, Bls12381Shake256};
use libfuzzer_sys::fuzz_target;

/// The drafts' valid commitments with proof (both suites, both interfaces).
const KNOWN: [&str; 12] = [
    include_str!("../../tests/fixtures/blind/bls12-381-sha-256/commit/commit001.json"),
    include_str!("../../tests/fixtures/blind/bls12-381-sha-256/commit/commit002.json"),
    include_str!("../../tests/fixtures/blind/bls12-381-shake-256/commit/commit001.json"),
    include_str!("../../tests/fixtures/blind/bls12-381-shake-256/commit/commit002.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-sha-256/nymCommit/nymCommit001.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-sha-256/nymCommit/nymCommit002.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-sha-256/nymCommit/nymCommit003.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-sha-256/nymCommit/nymCommit004.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-shake-256/nymCommit/nymCommit001.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-shake-256/nymCommit/nymCommit002.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-shake-256/nymCommit/nymCommit003.json"),
    include_str!("../../tests/fixtures/pseudonyms/bls12-381-shake-256/nymCommit/nymCommit004.json"),
];

fn known(data: &[u8]) -> bool {
    KNOWN.iter().any(|f| {
        let v: serde_json::Value = serde_json::from_str(f).expect("fixture");
        hex::decode(v["commitmentWithProof"].as_str().expect("hex")).expect("hex") == data
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = CommitmentWithProof::from_bytes(data) {
        assert_eq!(c.to_bytes(), data, "commitment re-encodes");
        let verifies = [
            blind::core_commit_verify::<Bls12381Sha256>(&c, &blind::api_id::<Bls12381Sha256>()),
            blind::core_commit_verify::<Bls12381Shake256>(&c, &blind::api_id::<Bls12381Shake256>()),
            blind::core_commit_verify::<Bls12381Sha256>(&c, &nym::api_id::<Bls12381Sha256>()),
            blind::core_commit_verify::<Bls12381Shake256>(&c, &nym::api_id::<Bls12381Shake256>()),
        ];
        if verifies.iter().any(Result::is_ok) {
            assert!(known(data), "forged commitment proof");
        }
    }
    if let Ok(b) = SecretProverBlind::from_bytes(data) {
        assert_eq!(&b.to_bytes()[..], data);
    }
    if let Ok(p) = Pseudonym::from_bytes(data) {
        assert_eq!(&p.to_bytes()[..], data);
    }
    if let Ok(n) = NymSecrets::from_bytes(data) {
        assert_eq!(&n.to_bytes()[..], data);
    }
    if let Ok(n) = ProverNyms::from_bytes(data) {
        assert_eq!(&n.to_bytes()[..], data);
    }
    if let Ok(e) = SignerNymEntropy::from_bytes(data) {
        assert_eq!(&e.to_bytes()[..], data);
    }
});
