//! Property tests: decoders and verifiers never panic on arbitrary bytes, every single-byte
//! mutation of a valid signature or proof is rejected, and random messages with random
//! disclosure sets round-trip, for both ciphersuites.

use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Proof, PublicKey, SecretKey, Signature,
};
use proptest::prelude::*;
use rand::SeedableRng;

const HEADER: &[u8] = b"properties header";
const PH: &[u8] = b"properties nonce";

/// A `rand` 0.10 generator seeded from bytes that proptest chose (proptest has its own rand).
fn rng_from(seed: [u8; 32]) -> rand::rngs::StdRng {
    rand::rngs::StdRng::from_seed(seed)
}

struct Signed {
    pk: PublicKey,
    sig: Signature,
    msgs: Vec<Vec<u8>>,
}

fn signed<C: Ciphersuite>(n: usize) -> Signed {
    let sk = bbs::keygen::<C>(&[3u8; 32], b"properties", None).unwrap();
    let pk = sk.public_key();
    let msgs: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("attribute {i}").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
    let sig = bbs::sign::<C>(&sk, &pk, HEADER, &refs).unwrap();
    Signed { pk, sig, msgs }
}

fn every_byte_mutation_is_rejected<C: Ciphersuite>() {
    let s = signed::<C>(4);
    let refs: Vec<&[u8]> = s.msgs.iter().map(Vec::as_slice).collect();
    let sig = s.sig.to_bytes();
    for i in 0..sig.len() {
        for flip in [0x01u8, 0x80] {
            let mut b = sig;
            b[i] ^= flip;
            let ok = Signature::from_bytes(&b)
                .and_then(|sig| bbs::verify::<C>(&s.pk, &sig, HEADER, &refs));
            assert!(ok.is_err(), "signature byte {i} ^ {flip:#x} accepted");
        }
    }
    let disclosed = [0usize, 2];
    let revealed = [refs[0], refs[2]];
    let proof = bbs::proof_gen::<C>(
        &s.pk,
        &s.sig,
        HEADER,
        PH,
        &refs,
        &disclosed,
        &mut rand::rng(),
    )
    .unwrap()
    .to_bytes();
    for i in 0..proof.len() {
        let mut b = proof.clone();
        b[i] ^= 0x01;
        let ok = Proof::from_bytes(&b)
            .and_then(|p| bbs::proof_verify::<C>(&s.pk, &p, HEADER, PH, &revealed, &disclosed));
        assert!(ok.is_err(), "proof byte {i} ^ 0x01 accepted");
    }
}

#[test]
fn every_byte_mutation_is_rejected_sha256() {
    every_byte_mutation_is_rejected::<Bls12381Sha256>();
}

#[test]
fn every_byte_mutation_is_rejected_shake256() {
    every_byte_mutation_is_rejected::<Bls12381Shake256>();
}

fn round_trip<C: Ciphersuite>(
    msgs: &[Vec<u8>],
    mask: &[bool],
    seed: [u8; 32],
    header: &[u8],
    ph: &[u8],
) -> Result<(), TestCaseError> {
    let mut rng = rng_from(seed);
    let mut key_material = [0u8; 32];
    rand::Rng::fill_bytes(&mut rng, &mut key_material);
    let sk = bbs::keygen::<C>(&key_material, b"", None).unwrap();
    let pk = sk.public_key();
    let refs: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
    let sig = bbs::sign::<C>(&sk, &pk, header, &refs).unwrap();
    prop_assert_eq!(Signature::from_bytes(&sig.to_bytes()).unwrap(), sig);
    bbs::verify::<C>(&pk, &sig, header, &refs).unwrap();
    let disclosed: Vec<usize> = (0..msgs.len()).filter(|&i| mask[i]).collect();
    let revealed: Vec<&[u8]> = disclosed.iter().map(|&i| refs[i]).collect();
    let proof = bbs::proof_gen::<C>(&pk, &sig, header, ph, &refs, &disclosed, &mut rng).unwrap();
    let bytes = proof.to_bytes();
    prop_assert_eq!(bytes.len(), 272 + 32 * (msgs.len() - disclosed.len()));
    let decoded = Proof::from_bytes(&bytes).unwrap();
    prop_assert_eq!(&decoded, &proof);
    prop_assert!(bbs::proof_verify::<C>(&pk, &decoded, header, ph, &revealed, &disclosed).is_ok());
    // The same statement with one more byte of presentation header fails.
    let longer = [ph, b"!"].concat();
    prop_assert!(
        bbs::proof_verify::<C>(&pk, &decoded, header, &longer, &revealed, &disclosed).is_err()
    );
    Ok(())
}

fn messages_and_mask() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<bool>)> {
    (0usize..12).prop_flat_map(|n| {
        (
            prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), n),
            prop::collection::vec(any::<bool>(), n),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_disclosure_round_trips_sha256(
        (msgs, mask) in messages_and_mask(),
        seed in any::<[u8; 32]>(),
        header in prop::collection::vec(any::<u8>(), 0..20),
        ph in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        round_trip::<Bls12381Sha256>(&msgs, &mask, seed, &header, &ph)?;
    }

    #[test]
    fn random_disclosure_round_trips_shake256(
        (msgs, mask) in messages_and_mask(),
        seed in any::<[u8; 32]>(),
        header in prop::collection::vec(any::<u8>(), 0..20),
        ph in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        round_trip::<Bls12381Shake256>(&msgs, &mask, seed, &header, &ph)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = SecretKey::from_bytes(&bytes);
        let _ = PublicKey::from_bytes(&bytes);
        let _ = Signature::from_bytes(&bytes);
        let _ = Proof::from_bytes(&bytes);
        for len in [32usize, 80, 96] {
            if bytes.len() >= len {
                let _ = SecretKey::from_bytes(&bytes[..32]);
                let _ = Signature::from_bytes(&bytes[..80.min(bytes.len())]);
                let _ = PublicKey::from_bytes(&bytes[..len]);
            }
        }
    }

    #[test]
    fn verifiers_never_panic_on_arbitrary_proofs(
        tail in prop::collection::vec(any::<u8>(), 0..200),
        indexes in prop::collection::vec(0usize..20, 0..5),
    ) {
        // Start from a structurally valid proof so the arbitrary bytes reach the verifier.
        let s = signed::<Bls12381Sha256>(3);
        let refs: Vec<&[u8]> = s.msgs.iter().map(Vec::as_slice).collect();
        let proof = bbs::proof_gen::<Bls12381Sha256>(&s.pk, &s.sig, HEADER, PH, &refs, &[], &mut rand::rng()).unwrap();
        let mut bytes = proof.to_bytes();
        let n = tail.len().min(bytes.len() - 144);
        bytes[144..144 + n].copy_from_slice(&tail[..n]);
        let revealed: Vec<&[u8]> = indexes.iter().map(|_| &b"x"[..]).collect();
        if let Ok(p) = Proof::from_bytes(&bytes) {
            let r = bbs::proof_verify::<Bls12381Sha256>(&s.pk, &p, HEADER, PH, &revealed, &indexes);
            // Only an unchanged proof with no disclosure claimed may verify (the arbitrary
            // bytes can equal the originals, e.g. an empty or coinciding tail).
            prop_assert!(r.is_err() || (bytes == proof.to_bytes() && indexes.is_empty()));
        }
        let r = Signature::from_bytes(&bytes[..80]).and_then(|sig| bbs::verify::<Bls12381Sha256>(&s.pk, &sig, HEADER, &refs));
        prop_assert!(r.is_err());
    }
}
