//! Batch verification: valid batches pass, and a failing batch names exactly its invalid
//! proofs, whatever made them invalid and however many issuers are mixed.

use healthpass::bbs::{
    self, BatchItem, Bls12381Sha256, Bls12381Shake256, Ciphersuite, CoreBatchItem, Error,
    Generators, Proof, PublicKey, Scalar,
};

struct Presentation {
    pk: PublicKey,
    proof: Proof,
    ph: Vec<u8>,
    shown: Vec<Vec<u8>>,
    indexes: Vec<usize>,
}

/// `n` proofs over `issuers` different keys (round robin), L = 4, two disclosed.
fn presentations<C: Ciphersuite>(n: usize, issuers: usize) -> Vec<Presentation> {
    let keys: Vec<_> = (0..issuers)
        .map(|k| {
            let sk = bbs::keygen::<C>(&[k as u8 + 1; 32], b"batch", None).unwrap();
            let pk = sk.public_key();
            (sk, pk)
        })
        .collect();
    let messages: Vec<Vec<u8>> = (0..4).map(|i| vec![i as u8; 10]).collect();
    let m: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let sigs: Vec<_> = keys
        .iter()
        .map(|(sk, pk)| bbs::sign::<C>(sk, pk, b"h", &m).unwrap())
        .collect();
    (0..n)
        .map(|i| {
            let k = i % issuers;
            let ph = format!("nonce {i}").into_bytes();
            let indexes = vec![3, 1];
            let proof = bbs::proof_gen::<C>(
                &keys[k].1,
                &sigs[k],
                b"h",
                &ph,
                &m,
                &indexes,
                &mut rand::rng(),
            )
            .unwrap();
            Presentation {
                pk: keys[k].1,
                proof,
                ph,
                shown: vec![messages[3].clone(), messages[1].clone()],
                indexes,
            }
        })
        .collect()
}

fn check<C: Ciphersuite>(ps: &[Presentation]) -> Result<(), Error> {
    let shown: Vec<Vec<&[u8]>> = ps
        .iter()
        .map(|p| p.shown.iter().map(Vec::as_slice).collect())
        .collect();
    let items: Vec<BatchItem<'_>> = ps
        .iter()
        .zip(&shown)
        .map(|(p, s)| BatchItem {
            pk: &p.pk,
            proof: &p.proof,
            header: b"h",
            presentation_header: &p.ph,
            disclosed_messages: s,
            disclosed_indexes: &p.indexes,
        })
        .collect();
    bbs::batch_proof_verify::<C>(&items)
}

#[test]
fn valid_batches_pass() {
    check::<Bls12381Sha256>(&presentations::<Bls12381Sha256>(9, 1)).unwrap();
    check::<Bls12381Shake256>(&presentations::<Bls12381Shake256>(5, 3)).unwrap();
    check::<Bls12381Sha256>(&[]).unwrap();
}

/// Proofs checked against the wrong presentation header or the wrong issuer fail their
/// recomputed challenge and are named.
#[test]
fn the_failing_proofs_are_named() {
    let mut ps = presentations::<Bls12381Sha256>(16, 2);
    // 1. Wrong presentation header: fails the challenge.
    ps[5].ph = b"replayed".to_vec();
    // 2. Another issuer's key (proof 9 is issuer 1's, proof 10 issuer 0's): the domain
    //    changes, so the challenge does.
    ps[9].pk = ps[10].pk;
    // 3. Malformed inputs among valid proofs: a disclosed index out of range, a wrong
    //    disclosed value, and a message count that does not match (one disclosed index too
    //    few). Each is named; the valid proofs around them still pass.
    ps[2].indexes = vec![3, 7];
    ps[12].shown[0] = b"not the signed value".to_vec();
    ps[14].indexes.pop();
    ps[14].shown.pop();
    assert_eq!(
        check::<Bls12381Sha256>(&ps),
        Err(Error::BatchVerificationFailed {
            failed: vec![2, 5, 9, 12, 14]
        })
    );
    // A batch of ten from one issuer (their sums computed together) passes whole.
    let mut long = presentations::<Bls12381Shake256>(12, 1);
    long.truncate(10);
    check::<Bls12381Shake256>(&long).unwrap();
}

/// A proof whose challenge is right but whose pairing equation is false: built with the
/// core functions from a signature that is not valid (the prover does not check it), so
/// only the combined pairing check can catch it, and bisection must find it.
#[test]
fn pairing_only_failures_are_found_by_bisection() {
    type C = Bls12381Sha256;
    let mut ps = presentations::<C>(12, 3);
    let api_id = bbs::api_id::<C>();
    let generators = Generators::new::<C>(4, &api_id).unwrap();
    let sk = bbs::keygen::<C>(&[1u8; 32], b"batch", None).unwrap();
    let pk = sk.public_key();
    let messages: Vec<Vec<u8>> = (0..4).map(|i| vec![i as u8; 10]).collect();
    let m: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let scalars = bbs::messages_to_scalars::<C>(&m, &api_id).unwrap();
    let good = bbs::core_sign::<C>(&sk, &pk, &generators, b"h", &scalars, &api_id).unwrap();
    // Another key's signature on the same messages: (A, e) does not verify under pk.
    let other = bbs::keygen::<C>(&[77u8; 32], b"", None).unwrap();
    let bad = bbs::core_sign::<C>(&other, &pk, &generators, b"h", &scalars, &api_id).unwrap();
    assert!(bbs::verify::<C>(&pk, &bad, b"h", &m).is_err());
    assert!(bbs::verify::<C>(&pk, &good, b"h", &m).is_ok());
    for &i in &[0usize, 7, 11] {
        ps[i].pk = pk;
        ps[i].proof =
            bbs::proof_gen::<C>(&pk, &bad, b"h", &ps[i].ph, &m, &[3, 1], &mut rand::rng()).unwrap();
        assert_eq!(
            bbs::proof_verify::<C>(&pk, &ps[i].proof, b"h", &ps[i].ph, &[m[3], m[1]], &[3, 1]),
            Err(Error::VerificationFailed)
        );
    }
    assert_eq!(
        check::<C>(&ps),
        Err(Error::BatchVerificationFailed {
            failed: vec![0, 7, 11]
        })
    );
    // Every proof bad: all named.
    let all: Vec<Presentation> = (0..4)
        .map(|i| {
            let ph = vec![i as u8];
            Presentation {
                pk,
                proof: bbs::proof_gen::<C>(&pk, &bad, b"h", &ph, &m, &[1], &mut rand::rng())
                    .unwrap(),
                ph,
                shown: vec![messages[1].clone()],
                indexes: vec![1],
            }
        })
        .collect();
    assert_eq!(
        check::<C>(&all),
        Err(Error::BatchVerificationFailed {
            failed: vec![0, 1, 2, 3]
        })
    );
}

#[test]
fn core_batch_over_another_interface() {
    type C = Bls12381Shake256;
    let api_id = [C::ID, b"HEALTHPASS_BATCH_TEST_".as_slice()].concat();
    let generators = Generators::new::<C>(3, &api_id).unwrap();
    let sk = bbs::keygen::<C>(&[2u8; 32], b"", None).unwrap();
    let pk = sk.public_key();
    let scalars: Vec<Scalar> = [1u64, 2, 3].map(Scalar::from).to_vec();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"", &scalars, &api_id).unwrap();
    let proofs: Vec<Proof> = (0..3)
        .map(|_| {
            let random = bbs::ProofRandomScalars::random(&mut rand::rng(), 2);
            bbs::core_proof_gen::<C>(
                &pk,
                &sig,
                &generators,
                b"",
                b"ph",
                &scalars,
                &[0],
                random,
                &api_id,
            )
            .unwrap()
        })
        .collect();
    let shown = [scalars[0]];
    let wrong = [scalars[1]];
    let items: Vec<CoreBatchItem<'_>> = proofs
        .iter()
        .enumerate()
        .map(|(i, proof)| CoreBatchItem {
            pk: &pk,
            proof,
            generators: &generators,
            header: b"",
            presentation_header: b"ph",
            disclosed_messages: if i == 1 { &wrong } else { &shown },
            disclosed_indexes: &[0],
            api_id: &api_id,
        })
        .collect();
    assert_eq!(
        bbs::core_batch_proof_verify::<C>(&items, &mut rand::rng()),
        Err(Error::BatchVerificationFailed { failed: vec![1] })
    );
    bbs::core_batch_proof_verify::<C>(&[items[0], items[2]], &mut rand::rng()).unwrap();
}

/// Long credentials (L = 60): from eight such proofs the batch computes all their sums
/// together. Valid proofs pass; a wrong disclosed value and a wrong presentation header are
/// named.
#[test]
fn long_credentials_in_a_batch() {
    type C = Bls12381Sha256;
    let sk = bbs::keygen::<C>(&[7u8; 32], b"long", None).unwrap();
    let pk = sk.public_key();
    let messages: Vec<Vec<u8>> = (0..60)
        .map(|i| format!("attribute {i}").into_bytes())
        .collect();
    let m: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let sig = bbs::sign::<C>(&sk, &pk, b"h", &m).unwrap();
    let mut ps: Vec<Presentation> = (0..10)
        .map(|i| {
            let ph = format!("nonce {i}").into_bytes();
            let indexes = vec![4, 40];
            let proof =
                bbs::proof_gen::<C>(&pk, &sig, b"h", &ph, &m, &indexes, &mut rand::rng()).unwrap();
            Presentation {
                pk,
                proof,
                ph,
                shown: vec![messages[4].clone(), messages[40].clone()],
                indexes,
            }
        })
        .collect();
    check::<C>(&ps).unwrap();
    ps[3].shown[1] = b"attribute 41".to_vec();
    ps[8].ph = b"nonce 9".to_vec();
    assert_eq!(
        check::<C>(&ps),
        Err(Error::BatchVerificationFailed { failed: vec![3, 8] })
    );
}
