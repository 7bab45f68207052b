//! The prepared credential (`PreparedSignature`): with the draft's mocked random scalars it
//! reproduces every valid fixture proof byte for byte; its random proofs are ordinary draft
//! proofs; wrong inputs are rejected.

mod common;

use common::*;
use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Generators, PreparedSignature,
    Proof, ProofRandomScalars, PublicKey, Scalar, Signature,
};

fn fixture_proofs<C: Ciphersuite>() -> usize {
    let mut reproduced = 0;
    for (name, f) in json_files(&suite_dir::<C>().join("proof")) {
        if !f["result"]["valid"].as_bool().unwrap() {
            continue;
        }
        let case = ProofCase::parse(&f);
        let (indexes, ph) = (&case.indexes, &case.ph);
        let pk = PublicKey::from_bytes(&case.pk_bytes).unwrap();
        let sig = Signature::from_bytes(&hex_field(&f, "signature")).unwrap();
        let prepared =
            PreparedSignature::<C>::new(&pk, &sig, &case.header, &msgs(&case.messages)).unwrap();
        let mocked = case.mocked_scalars::<C>();
        let random = ProofRandomScalars::from_scalars(&mocked, mocked.len() - 5).unwrap();
        let init = prepared.proof_init(indexes, random).unwrap();
        let hexp = |p: &bbs::G1Affine| hex::encode(p.to_compressed());
        assert_eq!(hexp(&init.result().t1), f["trace"]["T1"], "{name}");
        assert_eq!(hexp(&init.result().t2), f["trace"]["T2"], "{name}");
        let c = prepared.proof_challenge(&init, indexes, ph).unwrap();
        assert_eq!(scalar_hex(&c), f["trace"]["challenge"], "{name}");
        let proof = init.finalize(&c).unwrap();
        assert_eq!(hex::encode(proof.to_bytes()), f["proof"], "{name}");
        reproduced += 1;
    }
    reproduced
}

#[test]
fn reproduces_the_fixture_proofs_with_mocked_scalars() {
    assert_eq!(fixture_proofs::<Bls12381Sha256>(), 5);
    assert_eq!(fixture_proofs::<Bls12381Shake256>(), 5);
}

struct Setup {
    pk: PublicKey,
    sig: Signature,
    messages: Vec<Vec<u8>>,
}

fn setup<C: Ciphersuite>(l: usize) -> Setup {
    let sk = bbs::keygen::<C>(&[3u8; 32], b"prepared test", None).unwrap();
    let pk = sk.public_key();
    let messages: Vec<Vec<u8>> = (0..l)
        .map(|i| format!("attribute {i}").into_bytes())
        .collect();
    let sig = bbs::sign::<C>(&sk, &pk, b"hdr", &msgs(&messages)).unwrap();
    Setup { pk, sig, messages }
}

fn proofs_verify_and_tampering_fails<C: Ciphersuite>() {
    let s = setup::<C>(6);
    let m = msgs(&s.messages);
    let prepared = PreparedSignature::<C>::new(&s.pk, &s.sig, b"hdr", &m).unwrap();
    assert_eq!(prepared.message_count(), 6);
    let mut rng = rand::rng();
    for disclosed in [vec![], vec![4, 1], vec![0, 1, 2, 3, 4, 5]] {
        let proof = prepared.proof_gen(b"ph", &disclosed, &mut rng).unwrap();
        let shown: Vec<&[u8]> = disclosed.iter().map(|&i| m[i]).collect();
        bbs::proof_verify::<C>(&s.pk, &proof, b"hdr", b"ph", &shown, &disclosed).unwrap();
        // Wrong presentation header, wrong header.
        let wrong_ph = bbs::proof_verify::<C>(&s.pk, &proof, b"hdr", b"PH", &shown, &disclosed);
        assert_eq!(wrong_ph, Err(Error::VerificationFailed));
        let wrong_header = bbs::proof_verify::<C>(&s.pk, &proof, b"", b"ph", &shown, &disclosed);
        assert_eq!(wrong_header, Err(Error::VerificationFailed));
        // A wrong disclosed message.
        if !disclosed.is_empty() {
            let mut lie = shown.clone();
            lie[0] = b"forged";
            let r = bbs::proof_verify::<C>(&s.pk, &proof, b"hdr", b"ph", &lie, &disclosed);
            assert_eq!(r, Err(Error::VerificationFailed));
        }
        // Every byte flipped in turn: decoding or verification fails.
        let bytes = proof.to_bytes();
        for i in 0..bytes.len() {
            let mut t = bytes.clone();
            t[i] ^= 0x01;
            let r = Proof::from_bytes(&t)
                .and_then(|p| bbs::proof_verify::<C>(&s.pk, &p, b"hdr", b"ph", &shown, &disclosed));
            assert!(r.is_err(), "flipped byte {i} was accepted");
        }
    }
}

#[test]
fn proofs_verify_and_tampering_fails_sha256() {
    proofs_verify_and_tampering_fails::<Bls12381Sha256>();
}

#[test]
fn proofs_verify_and_tampering_fails_shake256() {
    proofs_verify_and_tampering_fails::<Bls12381Shake256>();
}

#[test]
fn a_signature_on_other_messages_is_refused() {
    let s = setup::<Bls12381Sha256>(3);
    let mut m = msgs(&s.messages);
    m[2] = b"other";
    let r = PreparedSignature::<Bls12381Sha256>::new(&s.pk, &s.sig, b"hdr", &m);
    assert_eq!(r.unwrap_err(), Error::VerificationFailed);
    let m = msgs(&s.messages);
    let r = PreparedSignature::<Bls12381Sha256>::new(&s.pk, &s.sig, b"other header", &m);
    assert_eq!(r.unwrap_err(), Error::VerificationFailed);
}

#[test]
fn bad_indexes_are_errors_not_panics() {
    let s = setup::<Bls12381Sha256>(3);
    let p = PreparedSignature::<Bls12381Sha256>::new(&s.pk, &s.sig, b"hdr", &msgs(&s.messages))
        .unwrap();
    let mut rng = rand::rng();
    assert!(matches!(
        p.proof_gen(b"", &[3], &mut rng),
        Err(Error::IndexOutOfRange { index: 3, .. })
    ));
    assert!(matches!(
        p.proof_gen(b"", &[1, 1], &mut rng),
        Err(Error::DuplicateIndex { index: 1 })
    ));
    let blinding = Scalar::from(5u64);
    assert_eq!(
        p.proof_gen_with_blindings(b"", &[1], &[(1, blinding)], &mut rng)
            .unwrap_err(),
        Error::BlindingNotForHiddenMessage { index: 1 }
    );
    assert_eq!(
        p.proof_gen_with_blindings(b"", &[1], &[(0, blinding), (0, blinding)], &mut rng)
            .unwrap_err(),
        Error::BlindingNotForHiddenMessage { index: 0 }
    );
    // Three messages, one disclosed: `5 + U = 7` scalars are needed, 6 given (the error
    // counts all of them, not only the `m~`).
    let short = ProofRandomScalars::from_scalars(&[Scalar::one(); 6], 1).unwrap();
    assert_eq!(
        p.proof_init(&[0], short).unwrap_err(),
        Error::RandomScalarCount {
            expected: 7,
            actual: 6
        }
    );
}

#[test]
fn caller_blindings_set_the_responses() {
    let s = setup::<Bls12381Sha256>(5);
    let api_id = bbs::api_id::<Bls12381Sha256>();
    let m = msgs(&s.messages);
    let scalars = bbs::messages_to_scalars::<Bls12381Sha256>(&m, &api_id).unwrap();
    let p = PreparedSignature::<Bls12381Sha256>::new(&s.pk, &s.sig, b"hdr", &m).unwrap();
    let blinding = Scalar::from(123_456_789u64);
    // Hidden messages are 0, 2, 4; the blinding is for message 2 (the second hidden one).
    let proof = p
        .proof_gen_with_blindings(b"ph", &[1, 3], &[(2, blinding)], &mut rand::rng())
        .unwrap();
    assert_eq!(proof.m_hat()[1], blinding + scalars[2] * proof.challenge());
    assert_ne!(proof.m_hat()[0], blinding + scalars[0] * proof.challenge());
    let shown = [m[1], m[3]];
    bbs::proof_verify::<Bls12381Sha256>(&s.pk, &proof, b"hdr", b"ph", &shown, &[1, 3]).unwrap();
}

#[test]
fn another_interface_through_message_scalars() {
    type C = Bls12381Shake256;
    let api_id = [C::ID, b"HEALTHPASS_TEST_".as_slice()].concat();
    let sk = bbs::keygen::<C>(&[9u8; 32], b"", None).unwrap();
    let pk = sk.public_key();
    let scalars: Vec<Scalar> = [19_000u64, 2, 7].map(Scalar::from).to_vec();
    let generators = Generators::new::<C>(3, &api_id).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"h", &scalars, &api_id).unwrap();
    let p = PreparedSignature::<C>::from_scalars(&pk, &sig, b"h", &scalars, &api_id).unwrap();
    assert_eq!(p.api_id(), &api_id[..]);
    let proof = p.proof_gen(b"nonce", &[1], &mut rand::rng()).unwrap();
    let verify = |api: &[u8]| {
        bbs::core_proof_verify::<C>(
            &pk,
            &proof,
            &Generators::new::<C>(3, api).unwrap(),
            b"h",
            b"nonce",
            &[scalars[1]],
            &[1],
            api,
        )
    };
    verify(&api_id).unwrap();
    assert_eq!(verify(&bbs::api_id::<C>()), Err(Error::VerificationFailed));
    // Prepared under the wrong interface, the signature does not check.
    let wrong =
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"h", &scalars, &bbs::api_id::<C>());
    assert_eq!(wrong.unwrap_err(), Error::VerificationFailed);
}

#[test]
fn debug_prints_nothing_secret() {
    let s = setup::<Bls12381Sha256>(2);
    let m = msgs(&s.messages);
    let p = PreparedSignature::<Bls12381Sha256>::new(&s.pk, &s.sig, b"hdr", &m).unwrap();
    let shown = format!("{p:?}");
    let api_id = bbs::api_id::<Bls12381Sha256>();
    let scalars = bbs::messages_to_scalars::<Bls12381Sha256>(&m, &api_id).unwrap();
    assert!(shown.contains("message_count: 2"), "{shown}");
    for secret in [scalar_hex(s.sig.e()), scalar_hex(&scalars[0])] {
        assert!(!shown.contains(&secret[..16]), "{shown}");
    }
    assert!(!shown.contains(&hex::encode(s.sig.a().to_compressed())[..16]));
    assert!(!shown.contains(&format!("{:?}", scalars[0])));
}

/// Signing and proving with many hidden messages go through three kinds of constant-time
/// sums as a generator sequence warms up (no table on its first use, the wide-window tables
/// from its second use on, the 5-bit fixed-base tables for short sums). Every use must give
/// the same signature and the same proof, and the proofs must verify.
fn multiplication_paths_agree<C: Ciphersuite>() {
    let l = 40;
    // A fresh generator sequence (its own api_id), so its first use has no tables.
    let api_id = [C::ID, b"PATHS_TEST_"].concat();
    let generators = Generators::new::<C>(l, &api_id).unwrap();
    let sk = bbs::keygen::<C>(&[9u8; 32], b"paths", None).unwrap();
    let pk = sk.public_key();
    let messages = seeded_random_scalars::<C>(b"messages", b"paths", l);
    let sign = || bbs::core_sign::<C>(&sk, &pk, &generators, b"hdr", &messages, &api_id).unwrap();
    let sig = sign();
    for _ in 0..3 {
        assert_eq!(sign().to_bytes(), sig.to_bytes());
    }
    let prepared =
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"hdr", &messages, &api_id).unwrap();
    for disclosed in [vec![], vec![0, 17], (1..l).collect::<Vec<_>>()] {
        let hidden = l - disclosed.len();
        let undisclosed: Vec<usize> = (0..l).filter(|i| !disclosed.contains(i)).collect();
        let scalars = seeded_random_scalars::<C>(b"blindings", b"paths", 5 + hidden);
        let random = || ProofRandomScalars::from_scalars(&scalars, hidden).unwrap();
        let mut proofs = Vec::new();
        for _ in 0..3 {
            let init = bbs::proof_init::<C>(
                &pk,
                &sig,
                &generators,
                b"hdr",
                &messages,
                &undisclosed,
                random(),
                &api_id,
            )
            .unwrap();
            let c = prepared.proof_challenge(&init, &disclosed, b"ph").unwrap();
            proofs.push(init.finalize(&c).unwrap().to_bytes());
            let init = prepared.proof_init(&disclosed, random()).unwrap();
            let c = prepared.proof_challenge(&init, &disclosed, b"ph").unwrap();
            proofs.push(init.finalize(&c).unwrap().to_bytes());
        }
        assert!(proofs.iter().all(|p| *p == proofs[0]), "{hidden} hidden");
        let disclosed_messages: Vec<Scalar> = disclosed.iter().map(|&i| messages[i]).collect();
        let proof = Proof::from_bytes(&proofs[0]).unwrap();
        let verify = |ph: &[u8]| {
            bbs::core_proof_verify::<C>(
                &pk,
                &proof,
                &generators,
                b"hdr",
                ph,
                &disclosed_messages,
                &disclosed,
                &api_id,
            )
        };
        assert_eq!(verify(b"ph"), Ok(()));
        assert_eq!(verify(b"other ph"), Err(Error::VerificationFailed));
    }
}

#[test]
fn every_multiplication_path_gives_the_same_signature_and_proof() {
    multiplication_paths_agree::<Bls12381Sha256>();
    multiplication_paths_agree::<Bls12381Shake256>();
}
