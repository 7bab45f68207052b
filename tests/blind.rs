//! Blind signatures (`bbs::blind`) and pseudonyms (`bbs::nym`): the pinned public API, round
//! trips (property tests), and a rejection for every wrong input: a tampered commitment
//! proof, wrong committed messages, a wrong blind, a wrong context id, a pseudonym from
//! another context or credential, wrong counts and indexes, and malformed octets (wrong
//! lengths, identity and off-subgroup points, zero and non-canonical scalars).

mod common;

use common::{g1_identity, g1_off_subgroup, R};
use healthpass::bbs::blind::{self, CommitmentWithProof, SecretProverBlind};
use healthpass::bbs::nym::{self, NymSecrets, ProverNyms, Pseudonym, SignerNymEntropy};
use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Proof, ProofRandomScalars,
    PublicKey, Scalar, SecretKey, Signature,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

type Rng = rand::rngs::ThreadRng;

/// The API of issue 14 §1, exactly: each operation coerced to a function pointer of the
/// pinned type, so a changed signature fails to compile.
#[allow(clippy::type_complexity)]
struct PinnedApi {
    commit: fn(&[&[u8]], &mut Rng) -> Result<(CommitmentWithProof, SecretProverBlind), Error>,
    commitment_from_bytes: fn(&[u8]) -> Result<CommitmentWithProof, Error>,
    commitment_to_bytes: fn(&CommitmentWithProof) -> Vec<u8>,
    blind_from_bytes: fn(&[u8]) -> Result<SecretProverBlind, Error>,
    blind_sign: fn(
        &SecretKey,
        &PublicKey,
        Option<&CommitmentWithProof>,
        &[u8],
        &[&[u8]],
    ) -> Result<Signature, Error>,
    verify: fn(
        &PublicKey,
        &Signature,
        &[u8],
        &[&[u8]],
        &[&[u8]],
        Option<&SecretProverBlind>,
    ) -> Result<(), Error>,
    proof_gen: fn(
        &PublicKey,
        &Signature,
        &[u8],
        &[u8],
        &[&[u8]],
        &[&[u8]],
        &[usize],
        &[usize],
        Option<&SecretProverBlind>,
        &mut Rng,
    ) -> Result<Proof, Error>,
    proof_verify: fn(
        &PublicKey,
        &Proof,
        &[u8],
        &[u8],
        usize,
        &[&[u8]],
        &[&[u8]],
        &[usize],
        &[usize],
    ) -> Result<(), Error>,
}

fn pinned<C: Ciphersuite>() -> PinnedApi {
    PinnedApi {
        commit: |m, rng| blind::commit::<C>(m, rng),
        commitment_from_bytes: CommitmentWithProof::from_bytes,
        commitment_to_bytes: CommitmentWithProof::to_bytes,
        blind_from_bytes: SecretProverBlind::from_bytes,
        blind_sign: blind::blind_sign::<C>,
        verify: blind::verify::<C>,
        proof_gen: |pk, sig, h, ph, m, cm, d, dc, b, rng| {
            blind::proof_gen::<C>(pk, sig, h, ph, m, cm, d, dc, b, rng)
        },
        proof_verify: blind::proof_verify::<C>,
    }
}

const HEADER: &[u8] = b"issuer header";
const PH: &[u8] = b"verifier nonce";
const MESSAGES: [&[u8]; 3] = [b"Ada", b"1815-12-10", b"EU/1/20/1528"];
const COMMITTED: [&[u8]; 2] = [b"holder secret", b"device key"];

fn keys<C: Ciphersuite>() -> (SecretKey, PublicKey) {
    let sk = bbs::keygen::<C>(&[9u8; 32], b"blind tests", None).unwrap();
    let pk = sk.public_key();
    (sk, pk)
}

fn pinned_api_round_trip<C: Ciphersuite>() {
    let api = pinned::<C>();
    let (sk, pk) = keys::<C>();
    let rng = &mut rand::rng();
    let (com, b) = (api.commit)(&COMMITTED, rng).unwrap();
    let com = (api.commitment_from_bytes)(&(api.commitment_to_bytes)(&com)).unwrap();
    let b = (api.blind_from_bytes)(&b.to_bytes()[..]).unwrap();
    let sig = (api.blind_sign)(&sk, &pk, Some(&com), HEADER, &MESSAGES).unwrap();
    (api.verify)(&pk, &sig, HEADER, &MESSAGES, &COMMITTED, Some(&b)).unwrap();
    let proof = (api.proof_gen)(
        &pk,
        &sig,
        HEADER,
        PH,
        &MESSAGES,
        &COMMITTED,
        &[1],
        &[1],
        Some(&b),
        rng,
    )
    .unwrap();
    (api.proof_verify)(
        &pk,
        &proof,
        HEADER,
        PH,
        3,
        &[MESSAGES[1]],
        &[COMMITTED[1]],
        &[1],
        &[1],
    )
    .unwrap();
    // Its negative: the undisclosed holder secret cannot be claimed to be another value.
    assert_eq!(
        (api.proof_verify)(
            &pk,
            &proof,
            HEADER,
            PH,
            3,
            &[MESSAGES[1]],
            &[b"x"],
            &[1],
            &[1]
        ),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn pinned_api_sha256() {
    pinned_api_round_trip::<Bls12381Sha256>();
}

#[test]
fn pinned_api_shake256() {
    pinned_api_round_trip::<Bls12381Shake256>();
}

/// One issued blind credential.
struct Issued {
    sk: SecretKey,
    pk: PublicKey,
    com: CommitmentWithProof,
    blind: SecretProverBlind,
    sig: Signature,
}

fn issue<C: Ciphersuite>() -> Issued {
    let (sk, pk) = keys::<C>();
    let (com, blind) = blind::commit::<C>(&COMMITTED, &mut rand::rng()).unwrap();
    let sig = blind::blind_sign::<C>(&sk, &pk, Some(&com), HEADER, &MESSAGES).unwrap();
    Issued {
        sk,
        pk,
        com,
        blind,
        sig,
    }
}

fn tampered_commitment<C: Ciphersuite>() {
    let i = issue::<C>();
    let bytes = i.com.to_bytes();
    // Each response and the challenge, changed by one: the proof no longer verifies.
    for k in 0..bytes.len().div_ceil(32) - 2 {
        let mut t = bytes.clone();
        let at = 48 + 32 * k + 31;
        t[at] ^= 1;
        let Ok(t) = CommitmentWithProof::from_bytes(&t) else {
            continue; // (a scalar that became zero or non-canonical: refused at decoding)
        };
        assert_eq!(
            blind::blind_sign::<C>(&i.sk, &i.pk, Some(&t), HEADER, &MESSAGES),
            Err(Error::VerificationFailed),
            "scalar {k}"
        );
    }
    // Another commitment point with the same proof.
    let (other, _) = blind::commit::<C>(&COMMITTED, &mut rand::rng()).unwrap();
    let mut t = bytes.clone();
    t[..48].copy_from_slice(&other.to_bytes()[..48]);
    let t = CommitmentWithProof::from_bytes(&t).unwrap();
    assert_eq!(
        blind::blind_sign::<C>(&i.sk, &i.pk, Some(&t), HEADER, &MESSAGES),
        Err(Error::VerificationFailed)
    );
    // A commitment made for the pseudonym interface (another api_id) is refused here.
    let nyms = ProverNyms::random(&mut rand::rng(), 1);
    let (nym_com, _) = nym::commit_with_nym::<C>(&COMMITTED[..1], &nyms, &mut rand::rng()).unwrap();
    assert_eq!(
        blind::blind_sign::<C>(&i.sk, &i.pk, Some(&nym_com), HEADER, &MESSAGES),
        Err(Error::VerificationFailed)
    );
    // The untampered one is signed.
    assert!(blind::blind_sign::<C>(&i.sk, &i.pk, Some(&i.com), HEADER, &MESSAGES).is_ok());
}

#[test]
fn tampered_commitment_proof_is_refused() {
    tampered_commitment::<Bls12381Sha256>();
    tampered_commitment::<Bls12381Shake256>();
}

#[test]
fn commitment_of_one_suite_is_refused_by_the_other() {
    let i = issue::<Bls12381Sha256>();
    let (sk, pk) = keys::<Bls12381Shake256>();
    assert_eq!(
        blind::blind_sign::<Bls12381Shake256>(&sk, &pk, Some(&i.com), HEADER, &MESSAGES),
        Err(Error::VerificationFailed)
    );
}

fn wrong_inputs<C: Ciphersuite>() {
    let i = issue::<C>();
    let ok = |m: &[&[u8]], c: &[&[u8]], b: Option<&SecretProverBlind>| {
        blind::verify::<C>(&i.pk, &i.sig, HEADER, m, c, b)
    };
    ok(&MESSAGES, &COMMITTED, Some(&i.blind)).unwrap();
    let fail = Err(Error::VerificationFailed);
    assert_eq!(
        ok(&MESSAGES, &[b"other", COMMITTED[1]], Some(&i.blind)),
        fail
    );
    assert_eq!(ok(&MESSAGES, &COMMITTED[..1], Some(&i.blind)), fail);
    assert_eq!(
        ok(&MESSAGES, &[COMMITTED[1], COMMITTED[0]], Some(&i.blind)),
        fail
    );
    assert_eq!(ok(&MESSAGES[..2], &COMMITTED, Some(&i.blind)), fail);
    let (_, other_blind) = blind::commit::<C>(&COMMITTED, &mut rand::rng()).unwrap();
    assert_eq!(ok(&MESSAGES, &COMMITTED, Some(&other_blind)), fail);
    assert_eq!(ok(&MESSAGES, &COMMITTED, None), fail);
    assert_eq!(
        blind::verify::<C>(
            &i.pk,
            &i.sig,
            b"other",
            &MESSAGES,
            &COMMITTED,
            Some(&i.blind)
        ),
        fail
    );

    // Proofs: a wrong blind or wrong committed messages give a proof that does not verify.
    let rng = &mut rand::rng();
    let verify = |p: &Proof, cm: &[&[u8]], ci: &[usize], l: usize| {
        blind::proof_verify::<C>(&i.pk, p, HEADER, PH, l, &MESSAGES[..1], cm, &[0], ci)
    };
    for (committed, b) in [
        (&COMMITTED[..], &other_blind),
        (&[COMMITTED[0], b"other"][..], &i.blind),
    ] {
        let p = blind::proof_gen::<C>(
            &i.pk,
            &i.sig,
            HEADER,
            PH,
            &MESSAGES,
            committed,
            &[0],
            &[],
            Some(b),
            rng,
        )
        .unwrap();
        assert_eq!(verify(&p, &[], &[], 3), fail);
    }
    let p = blind::proof_gen::<C>(
        &i.pk,
        &i.sig,
        HEADER,
        PH,
        &MESSAGES,
        &COMMITTED,
        &[0],
        &[0],
        Some(&i.blind),
        rng,
    )
    .unwrap();
    verify(&p, &COMMITTED[..1], &[0], 3).unwrap();
    assert_eq!(verify(&p, &[b"other"], &[0], 3), fail);
    // The committed message claimed at another index, or L off by one.
    assert_eq!(verify(&p, &COMMITTED[..1], &[1], 3), fail);
    assert_eq!(verify(&p, &COMMITTED[..1], &[0], 2), fail);
    assert_eq!(verify(&p, &COMMITTED[..1], &[0], 4), fail);
    assert_eq!(
        verify(&p, &COMMITTED[..1], &[0], 5),
        Err(Error::IndexOutOfRange { index: 0, count: 0 })
    );
    // Another presentation header or header.
    assert_eq!(
        blind::proof_verify::<C>(
            &i.pk,
            &p,
            HEADER,
            b"replayed",
            3,
            &MESSAGES[..1],
            &COMMITTED[..1],
            &[0],
            &[0]
        ),
        fail
    );
}

#[test]
fn wrong_messages_blind_and_headers_are_rejected() {
    wrong_inputs::<Bls12381Sha256>();
    wrong_inputs::<Bls12381Shake256>();
}

#[test]
fn signatures_without_commitment() {
    type C = Bls12381Sha256;
    let (sk, pk) = keys::<C>();
    let sig = blind::blind_sign::<C>(&sk, &pk, None, HEADER, &MESSAGES).unwrap();
    blind::verify::<C>(&pk, &sig, HEADER, &MESSAGES, &[], None).unwrap();
    let (_, b) = blind::commit::<C>(&[], &mut rand::rng()).unwrap();
    assert_eq!(
        blind::verify::<C>(&pk, &sig, HEADER, &MESSAGES, &[], Some(&b)),
        Err(Error::VerificationFailed)
    );
    // Not an ordinary signature over the same messages either (other api_id, Q_2).
    assert!(bbs::verify::<C>(&pk, &sig, HEADER, &MESSAGES).is_err());
    let p = blind::proof_gen::<C>(
        &pk,
        &sig,
        HEADER,
        PH,
        &MESSAGES,
        &[],
        &[2],
        &[],
        None,
        &mut rand::rng(),
    )
    .unwrap();
    blind::proof_verify::<C>(&pk, &p, HEADER, PH, 3, &[MESSAGES[2]], &[], &[2], &[]).unwrap();
    assert_eq!(
        blind::proof_verify::<C>(&pk, &p, HEADER, PH, 3, &[MESSAGES[1]], &[], &[2], &[]),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn index_and_count_errors() {
    type C = Bls12381Sha256;
    let i = issue::<C>();
    let gen = |d: &[usize], dc: &[usize]| {
        blind::proof_gen::<C>(
            &i.pk,
            &i.sig,
            HEADER,
            PH,
            &MESSAGES,
            &COMMITTED,
            d,
            dc,
            Some(&i.blind),
            &mut rand::rng(),
        )
    };
    assert_eq!(
        gen(&[3], &[]).unwrap_err(),
        Error::IndexOutOfRange { index: 3, count: 3 }
    );
    // The blind (index L of the one list) cannot be disclosed: committed indexes stop at M.
    assert_eq!(
        gen(&[], &[2]).unwrap_err(),
        Error::IndexOutOfRange { index: 2, count: 2 }
    );
    assert_eq!(
        gen(&[1, 1], &[]).unwrap_err(),
        Error::DuplicateIndex { index: 1 }
    );
    let p = gen(&[0, 1, 2], &[0, 1]).unwrap();
    // Every message disclosed: U = 1, the blind alone.
    assert_eq!(p.undisclosed_count(), 1);
    let v = |l: usize, m: &[&[u8]], d: &[usize]| {
        blind::proof_verify::<C>(&i.pk, &p, HEADER, PH, l, m, &COMMITTED, d, &[0, 1])
    };
    v(3, &MESSAGES, &[0, 1, 2]).unwrap();
    assert!(matches!(
        v(3, &MESSAGES[..2], &[0, 1, 2]),
        Err(Error::MessageCountMismatch { .. })
    ));
    assert!(matches!(
        v(9, &MESSAGES, &[0, 1, 2]),
        Err(Error::MessageCountMismatch { .. })
    ));
    assert!(v(usize::MAX, &MESSAGES, &[0, 1, 2]).is_err());
    // Too few random scalars for a commitment.
    assert_eq!(
        blind::core_commit::<C>(
            &[Scalar::one()],
            &[Scalar::one(), Scalar::one()],
            &blind::api_id::<C>()
        )
        .unwrap_err(),
        Error::RandomScalarCount {
            expected: 3,
            actual: 2
        }
    );
    // A zero blind is refused (it would be the "no commitment" blind).
    assert_eq!(
        blind::core_commit::<C>(
            &[Scalar::one()],
            &[Scalar::zero(), Scalar::one(), Scalar::one()],
            &blind::api_id::<C>()
        )
        .unwrap_err(),
        Error::ZeroScalar
    );
    // Random scalars of the wrong count for a blind proof.
    let api_id = blind::api_id::<C>();
    assert!(matches!(
        blind::core_blind_proof_gen::<C>(
            &i.pk,
            &i.sig,
            HEADER,
            PH,
            &[],
            &[],
            &[],
            &[],
            None,
            ProofRandomScalars::from_scalars(&[Scalar::one(); 7], 2).unwrap(),
            &api_id,
        ),
        Err(Error::RandomScalarCount { .. }) | Err(Error::MessageCountMismatch { .. })
    ));
}

fn set_scalar(bytes: &mut [u8], at: usize, value: &[u8; 32]) {
    bytes[at..at + 32].copy_from_slice(value);
}

#[test]
fn commitment_decoding() {
    let i = issue::<Bls12381Sha256>();
    let good = i.com.to_bytes();
    assert_eq!(good.len(), 112 + 32 * 2);
    assert_eq!(CommitmentWithProof::from_bytes(&good).unwrap(), i.com);
    for len in [0, 47, 48, 80, 111, 113, 143, 144 + 31] {
        assert_eq!(
            CommitmentWithProof::from_bytes(&vec![1u8; len]),
            Err(Error::InvalidCommitmentLength { actual: len }),
            "{len}"
        );
    }
    let mut t = good.clone();
    t[..48].copy_from_slice(&g1_identity());
    assert_eq!(
        CommitmentWithProof::from_bytes(&t),
        Err(Error::IdentityPoint)
    );
    t[..48].copy_from_slice(&g1_off_subgroup());
    assert_eq!(
        CommitmentWithProof::from_bytes(&t),
        Err(Error::PointNotInSubgroup)
    );
    t[..48].copy_from_slice(&[0xffu8; 48]);
    assert_eq!(
        CommitmentWithProof::from_bytes(&t),
        Err(Error::MalformedPoint)
    );
    for at in [48, 48 + 32, good.len() - 32] {
        let mut t = good.clone();
        set_scalar(&mut t, at, &[0u8; 32]);
        assert_eq!(CommitmentWithProof::from_bytes(&t), Err(Error::ZeroScalar));
        set_scalar(&mut t, at, &R);
        assert_eq!(
            CommitmentWithProof::from_bytes(&t),
            Err(Error::NonCanonicalScalar)
        );
    }
    // `len` is the encoding's length; `commitment` is `C`; `Debug` prints the octets.
    assert_eq!(i.com.len(), good.len());
    assert_eq!(i.com.commitment().to_compressed()[..], good[..48]);
    assert_eq!(
        format!("{:?}", i.com),
        format!("CommitmentWithProof({})", hex::encode(&good))
    );
    // Up to MAX_MESSAGES committed scalars decode (the proof is checked later, by the
    // signer); one more is refused.
    let mut one = [0u8; 32];
    one[31] = 1;
    let most: Vec<u8> = good[..48]
        .iter()
        .copied()
        .chain(one.repeat(bbs::MAX_MESSAGES + 2))
        .collect();
    let decoded = CommitmentWithProof::from_bytes(&most).unwrap();
    assert_eq!(decoded.len(), most.len());
    assert_eq!(decoded.to_bytes(), most);
    let more = [&most[..], &one[..]].concat();
    assert_eq!(
        CommitmentWithProof::from_bytes(&more),
        Err(Error::TooManyMessages {
            actual: bbs::MAX_MESSAGES + 1,
            max: bbs::MAX_MESSAGES
        })
    );
    // A huge claimed M is refused before any work.
    let huge = vec![0u8; 112 + 32 * 5000];
    assert_eq!(
        CommitmentWithProof::from_bytes(&huge),
        Err(Error::TooManyMessages {
            actual: 5000,
            max: bbs::MAX_MESSAGES
        })
    );
}

#[test]
fn secret_decoding_and_redaction() {
    let i = issue::<Bls12381Sha256>();
    let bytes = i.blind.to_bytes();
    assert_eq!(SecretProverBlind::from_bytes(&bytes[..]).unwrap(), i.blind);
    for bad in [&[][..], &bytes[..31], &[1u8; 33][..]] {
        assert!(matches!(
            SecretProverBlind::from_bytes(bad),
            Err(Error::InvalidLength { .. })
        ));
    }
    assert_eq!(
        SecretProverBlind::from_bytes(&[0u8; 32]),
        Err(Error::ZeroScalar)
    );
    assert_eq!(
        SecretProverBlind::from_bytes(&R),
        Err(Error::NonCanonicalScalar)
    );
    // Equality is by value: another blind is not equal.
    let other = issue::<Bls12381Sha256>().blind;
    assert_ne!(other, i.blind);
    let shown = format!("{:?}", i.blind);
    assert!(!shown.contains(&hex::encode(&bytes[..])[..8]), "{shown}");
    assert_eq!(shown, "SecretProverBlind(<redacted>)");

    let nyms = ProverNyms::random(&mut rand::rng(), 3);
    let nb = nyms.to_bytes();
    assert_eq!(nb.len(), 96);
    assert_eq!(ProverNyms::from_bytes(&nb).unwrap(), nyms);
    let shown = format!("{nyms:?}");
    assert!(!shown.contains(&hex::encode(&nb[..4])), "{shown}");
    assert_eq!(shown, "ProverNyms(<3 redacted>)");
    let secrets = NymSecrets::from_bytes(&nb).unwrap();
    assert_eq!(format!("{secrets:?}"), "NymSecrets(<3 redacted>)");
    // Equal exactly when every scalar is: one differing scalar of three makes them unequal.
    let mut last_differs = nb.to_vec();
    last_differs[64..96].copy_from_slice(&ProverNyms::random(&mut rand::rng(), 1).to_bytes());
    assert_ne!(NymSecrets::from_bytes(&last_differs).unwrap(), secrets);
    assert_ne!(NymSecrets::from_bytes(&nb[..64]).unwrap(), secrets);
    assert_eq!(NymSecrets::from_bytes(&nb).unwrap(), secrets);
    // The signer's entropy is public: it round-trips and prints its octets.
    let entropy = SignerNymEntropy::random(&mut rand::rng());
    let eb = entropy.to_bytes();
    assert_eq!(SignerNymEntropy::from_bytes(&eb).unwrap(), entropy);
    assert_eq!(SignerNymEntropy::from_bytes(&eb).unwrap().to_bytes(), eb);
    assert_eq!(
        format!("{entropy:?}"),
        format!("SignerNymEntropy({})", hex::encode(eb))
    );
    for bad in [&[][..], &nb[..31], &nb[..33]] {
        assert!(matches!(
            NymSecrets::from_bytes(bad),
            Err(Error::InvalidLength { .. })
        ));
    }
    // The error names the length expected: whole scalars, at most MAX_MESSAGES of them.
    assert_eq!(
        NymSecrets::from_bytes(&nb[..69]).err(),
        Some(Error::InvalidLength {
            what: "nym secrets",
            expected: 64,
            actual: 69
        })
    );
    let mut one = [0u8; 32];
    one[31] = 1;
    let most = one.repeat(bbs::MAX_MESSAGES);
    assert_eq!(
        NymSecrets::from_bytes(&most).unwrap().len(),
        bbs::MAX_MESSAGES
    );
    assert_eq!(
        NymSecrets::from_bytes(&[&most[..], &one[..]].concat()).err(),
        Some(Error::InvalidLength {
            what: "nym secrets",
            expected: 32 * bbs::MAX_MESSAGES,
            actual: 32 * (bbs::MAX_MESSAGES + 1)
        })
    );
    let mut zero = nb.to_vec();
    zero[32..64].fill(0);
    assert_eq!(NymSecrets::from_bytes(&zero), Err(Error::ZeroScalar));
    assert_eq!(
        SignerNymEntropy::from_bytes(&[0u8; 32]),
        Err(Error::ZeroScalar)
    );
    assert_eq!(
        SignerNymEntropy::from_bytes(&R),
        Err(Error::NonCanonicalScalar)
    );
}

#[test]
fn pseudonym_decoding() {
    assert_eq!(
        Pseudonym::from_bytes(&g1_identity()),
        Err(Error::IdentityPoint)
    );
    assert_eq!(
        Pseudonym::from_bytes(&g1_off_subgroup()),
        Err(Error::PointNotInSubgroup)
    );
    assert!(matches!(
        Pseudonym::from_bytes(&[0u8; 47]),
        Err(Error::InvalidLength { .. })
    ));
    // A pseudonym round-trips and prints its octets.
    let point =
        bbs::G1Affine::from(bbs::G1Affine::generator() * Scalar::from(5u64)).to_compressed();
    let nym = Pseudonym::from_bytes(&point).unwrap();
    assert_eq!(nym.to_bytes(), point);
    assert_eq!(nym.point().to_compressed(), point);
    assert_eq!(
        format!("{nym:?}"),
        format!("Pseudonym({})", hex::encode(point))
    );
    // The base point of G1 is not a pseudonym (draft §3.3).
    let bp1 = bbs::G1Affine::generator().to_compressed();
    assert_eq!(Pseudonym::from_bytes(&bp1), Err(Error::BasePointPseudonym));
}

/// One credential issued with pseudonyms.
struct NymIssued {
    pk: PublicKey,
    sig: Signature,
    blind: SecretProverBlind,
    secrets: NymSecrets,
}

fn nym_issue<C: Ciphersuite>(nym_count: usize) -> NymIssued {
    let (sk, pk) = keys::<C>();
    let rng = &mut rand::rng();
    let nyms = ProverNyms::random(rng, nym_count);
    let (com, blind) = nym::commit_with_nym::<C>(&COMMITTED, &nyms, rng).unwrap();
    let entropy = SignerNymEntropy::random(rng);
    let sig = nym::blind_sign_with_nym::<C>(&sk, &pk, &com, nym_count, &entropy, HEADER, &MESSAGES)
        .unwrap();
    let secrets = nym::verify_finalize_with_nym::<C>(
        &pk,
        &sig,
        HEADER,
        &MESSAGES,
        &COMMITTED,
        &nyms,
        &entropy,
        Some(&blind),
    )
    .unwrap();
    // The nym secrets are the prover's nyms with the entropy added: not the nyms themselves.
    assert_ne!(secrets.to_bytes()[..], nyms.to_bytes()[..]);
    // A wrong entropy, nym vector or blind: the finalisation fails.
    let other = ProverNyms::random(rng, nym_count);
    for (n, e) in [(&nyms, SignerNymEntropy::random(rng)), (&other, entropy)] {
        assert_eq!(
            nym::verify_finalize_with_nym::<C>(
                &pk,
                &sig,
                HEADER,
                &MESSAGES,
                &COMMITTED,
                n,
                &e,
                Some(&blind)
            ),
            Err(Error::VerificationFailed)
        );
    }
    NymIssued {
        pk,
        sig,
        blind,
        secrets,
    }
}

fn present<C: Ciphersuite>(i: &NymIssued, context: &[u8]) -> (Proof, Pseudonym) {
    nym::proof_gen_with_nym::<C>(
        &i.pk,
        &i.sig,
        HEADER,
        PH,
        &i.secrets,
        context,
        &MESSAGES,
        &COMMITTED,
        &[0],
        &[],
        Some(&i.blind),
        &mut rand::rng(),
    )
    .unwrap()
}

fn nym_verify<C: Ciphersuite>(
    i: &NymIssued,
    p: &Proof,
    nym: &Pseudonym,
    context: &[u8],
    n: usize,
) -> Result<(), Error> {
    nym::proof_verify_with_nym::<C>(
        &i.pk,
        p,
        HEADER,
        PH,
        nym,
        context,
        n,
        3,
        &MESSAGES[..1],
        &[],
        &[0],
        &[],
    )
}

fn pseudonyms<C: Ciphersuite>(nym_count: usize) {
    let i = nym_issue::<C>(nym_count);
    let (p, venue) = present::<C>(&i, b"verifier-1/venue-42");
    nym_verify::<C>(&i, &p, &venue, b"verifier-1/venue-42", nym_count).unwrap();
    // Same credential, same context: the same pseudonym, in a fresh (different) proof.
    let (p2, again) = present::<C>(&i, b"verifier-1/venue-42");
    assert_eq!(again, venue);
    assert_ne!(p2.to_bytes(), p.to_bytes());
    // Another context: another pseudonym.
    let (p3, elsewhere) = present::<C>(&i, b"verifier-1/venue-43");
    assert_ne!(elsewhere, venue);
    let fail = Err(Error::VerificationFailed);
    // A wrong context id, a pseudonym from another context, a wrong N.
    assert_eq!(
        nym_verify::<C>(&i, &p, &venue, b"verifier-1/venue-43", nym_count),
        fail
    );
    assert_eq!(
        nym_verify::<C>(&i, &p, &elsewhere, b"verifier-1/venue-42", nym_count),
        fail
    );
    assert_eq!(
        nym_verify::<C>(&i, &p3, &venue, b"verifier-1/venue-43", nym_count),
        fail
    );
    assert!(nym_verify::<C>(&i, &p, &venue, b"verifier-1/venue-42", nym_count + 1).is_err());
    // A pseudonym of another credential in the same context.
    let other = nym_issue::<C>(nym_count);
    let (_, theirs) = present::<C>(&other, b"verifier-1/venue-42");
    assert_ne!(theirs, venue);
    assert_eq!(
        nym_verify::<C>(&i, &p, &theirs, b"verifier-1/venue-42", nym_count),
        fail
    );
    // The proof is not an ordinary blind proof (its challenge covers the pseudonym).
    assert!(
        blind::proof_verify::<C>(&i.pk, &p, HEADER, PH, 3, &MESSAGES[..1], &[], &[0], &[]).is_err()
    );
    assert_eq!(
        nym::calculate_pseudonym::<C>(&i.secrets, b"verifier-1/venue-42").unwrap(),
        venue
    );
    // The nym secrets cannot be disclosed: committed indexes stop before them.
    assert_eq!(
        nym::proof_gen_with_nym::<C>(
            &i.pk,
            &i.sig,
            HEADER,
            PH,
            &i.secrets,
            b"ctx",
            &MESSAGES,
            &COMMITTED,
            &[],
            &[2],
            Some(&i.blind),
            &mut rand::rng(),
        )
        .unwrap_err(),
        Error::IndexOutOfRange { index: 2, count: 2 }
    );
    assert!(nym::proof_verify_with_nym::<C>(
        &i.pk,
        &p,
        HEADER,
        PH,
        &venue,
        b"verifier-1/venue-42",
        nym_count,
        3,
        &MESSAGES[..1],
        &[b"x"],
        &[0],
        &[2],
    )
    .is_err());
}

#[test]
fn pseudonyms_sha256() {
    pseudonyms::<Bls12381Sha256>(1);
    pseudonyms::<Bls12381Sha256>(3);
}

#[test]
fn pseudonyms_shake256() {
    pseudonyms::<Bls12381Shake256>(1);
}

#[test]
fn nym_counts_are_checked() {
    type C = Bls12381Sha256;
    let (sk, pk) = keys::<C>();
    let rng = &mut rand::rng();
    let nyms = ProverNyms::random(rng, 2);
    let (com, _) = nym::commit_with_nym::<C>(&[], &nyms, rng).unwrap();
    let entropy = SignerNymEntropy::random(rng);
    for n in [0, 3] {
        assert_eq!(
            nym::blind_sign_with_nym::<C>(&sk, &pk, &com, n, &entropy, HEADER, &MESSAGES),
            Err(Error::InvalidNymCount {
                nyms: n,
                committed: 2
            })
        );
    }
}

/// A proof with pseudonyms is refused with the exact count error when the nym count does not
/// fit the proof, and made only with exactly `5 + U` random scalars.
#[test]
fn nym_proof_counts_are_checked() {
    type C = Bls12381Sha256;
    let i = nym_issue::<C>(2);
    let ctx = b"verifier-1/venue-42";
    let (p, venue) = present::<C>(&i, ctx);
    // One of the three signer messages is disclosed: U = 2 + blind + 2 committed + 2 nyms.
    let hidden = p.undisclosed_count();
    assert_eq!(hidden, 7);
    for n in [0, hidden] {
        assert_eq!(
            nym_verify::<C>(&i, &p, &venue, ctx, n),
            Err(Error::InvalidNymCount {
                nyms: n,
                committed: hidden - 1
            }),
            "{n}"
        );
    }
    // A disclosed committed index that reaches the nyms (the 2 committed messages, then the
    // nyms) is out of range for the verifier too: a proof that discloses committed message
    // 0, presented as disclosing one of the nyms' indexes. With 1 and 3 nyms, so that the
    // count (2) is not also 4 / 2.
    for nyms in [1, 3] {
        let i = nym_issue::<C>(nyms);
        let (p0, venue0) = nym::proof_gen_with_nym::<C>(
            &i.pk,
            &i.sig,
            HEADER,
            PH,
            &i.secrets,
            ctx,
            &MESSAGES,
            &COMMITTED,
            &[0],
            &[0],
            Some(&i.blind),
            &mut rand::rng(),
        )
        .unwrap();
        let verify_as = |index: usize| {
            nym::proof_verify_with_nym::<C>(
                &i.pk,
                &p0,
                HEADER,
                PH,
                &venue0,
                ctx,
                nyms,
                3,
                &MESSAGES[..1],
                &COMMITTED[..1],
                &[0],
                &[index],
            )
        };
        verify_as(0).unwrap();
        for index in 2..2 + nyms {
            assert_eq!(
                verify_as(index),
                Err(Error::IndexOutOfRange { index, count: 2 }),
                "{nyms} nyms, index {index}"
            );
        }
    }
    let scalars = |n: u64| (1..=n).map(Scalar::from).collect::<Vec<_>>();
    for u in [hidden - 1, hidden + 1] {
        let random = ProofRandomScalars::from_scalars(&vec![Scalar::one(); 5 + u], u).unwrap();
        assert_eq!(
            nym::core_proof_gen_with_nym::<C>(
                &i.pk,
                &i.sig,
                HEADER,
                PH,
                &i.secrets,
                ctx,
                &scalars(3),
                &scalars(2),
                &[0],
                &[],
                Some(&i.blind),
                random,
                &nym::api_id::<C>(),
            )
            .err(),
            Some(Error::RandomScalarCount {
                expected: 5 + hidden,
                actual: 5 + u
            }),
            "{u}"
        );
    }
}

fn seeded(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Random messages, committed messages and which of each are disclosed.
/// Messages, each with whether it is disclosed.
type Marked = Vec<(Vec<u8>, bool)>;

fn statement() -> impl Strategy<Value = (Marked, Marked, u64)> {
    let msg = (prop::collection::vec(any::<u8>(), 0..12), any::<bool>());
    (
        prop::collection::vec(msg.clone(), 0..5),
        prop::collection::vec(msg, 0..4),
        any::<u64>(),
    )
}

fn split(v: &[(Vec<u8>, bool)]) -> (Vec<&[u8]>, Vec<usize>, Vec<&[u8]>) {
    let all = v.iter().map(|(m, _)| m.as_slice()).collect();
    let idx: Vec<usize> = (0..v.len()).filter(|&i| v[i].1).collect();
    let disclosed = idx.iter().map(|&i| v[i].0.as_slice()).collect();
    (all, idx, disclosed)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn blind_round_trips((signer, committed, seed) in statement()) {
        type C = Bls12381Sha256;
        let (sk, pk) = keys::<C>();
        let rng = &mut seeded(seed);
        let (m, mi, md) = split(&signer);
        let (c, ci, cd) = split(&committed);
        let (com, b) = blind::commit::<C>(&c, rng).unwrap();
        prop_assert_eq!(CommitmentWithProof::from_bytes(&com.to_bytes()).unwrap(), com.clone());
        let sig = blind::blind_sign::<C>(&sk, &pk, Some(&com), HEADER, &m).unwrap();
        blind::verify::<C>(&pk, &sig, HEADER, &m, &c, Some(&b)).unwrap();
        let p = blind::proof_gen::<C>(&pk, &sig, HEADER, PH, &m, &c, &mi, &ci, Some(&b), rng)
            .unwrap();
        let p = Proof::from_bytes(&p.to_bytes()).unwrap();
        blind::proof_verify::<C>(&pk, &p, HEADER, PH, m.len(), &md, &cd, &mi, &ci).unwrap();
        prop_assert!(
            blind::proof_verify::<C>(&pk, &p, HEADER, b"other", m.len(), &md, &cd, &mi, &ci)
                .is_err()
        );
    }

    #[test]
    fn nym_round_trips(
        (signer, committed, seed) in statement(),
        n in 1usize..4,
        context in prop::collection::vec(any::<u8>(), 0..20),
    ) {
        type C = Bls12381Shake256;
        let (sk, pk) = keys::<C>();
        let rng = &mut seeded(seed);
        let (m, mi, md) = split(&signer);
        let (c, ci, cd) = split(&committed);
        let nyms = ProverNyms::random(rng, n);
        let (com, b) = nym::commit_with_nym::<C>(&c, &nyms, rng).unwrap();
        let entropy = SignerNymEntropy::random(rng);
        let sig = nym::blind_sign_with_nym::<C>(&sk, &pk, &com, n, &entropy, HEADER, &m).unwrap();
        let secrets = nym::verify_finalize_with_nym::<C>(
            &pk, &sig, HEADER, &m, &c, &nyms, &entropy, Some(&b)).unwrap();
        let (p, pseudonym) = nym::proof_gen_with_nym::<C>(
            &pk, &sig, HEADER, PH, &secrets, &context, &m, &c, &mi, &ci, Some(&b), rng).unwrap();
        prop_assert_eq!(Pseudonym::from_bytes(&pseudonym.to_bytes()).unwrap(), pseudonym);
        prop_assert_eq!(nym::calculate_pseudonym::<C>(&secrets, &context).unwrap(), pseudonym);
        nym::proof_verify_with_nym::<C>(
            &pk, &p, HEADER, PH, &pseudonym, &context, n, m.len(), &md, &cd, &mi, &ci).unwrap();
        let mut other = context.clone();
        other.push(0);
        prop_assert!(nym::proof_verify_with_nym::<C>(
            &pk, &p, HEADER, PH, &pseudonym, &other, n, m.len(), &md, &cd, &mi, &ci).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = CommitmentWithProof::from_bytes(&bytes);
        let _ = SecretProverBlind::from_bytes(&bytes);
        let _ = Pseudonym::from_bytes(&bytes);
        let _ = NymSecrets::from_bytes(&bytes);
        let _ = ProverNyms::from_bytes(&bytes);
        let _ = SignerNymEntropy::from_bytes(&bytes);
        if let Ok(c) = CommitmentWithProof::from_bytes(&bytes) {
            prop_assert_eq!(c.to_bytes(), bytes.clone());
            let _ = blind::core_commit_verify::<Bls12381Sha256>(&c, &blind::api_id::<Bls12381Sha256>());
        }
    }
}

#[test]
fn new_errors_say_what_is_wrong() {
    assert_eq!(
        Error::InvalidCommitmentLength { actual: 7 }.to_string(),
        "commitment with proof: expected 112 + 32*M octets (M committed messages), got 7"
    );
    assert_eq!(
        Error::InvalidNymCount {
            nyms: 0,
            committed: 2
        }
        .to_string(),
        "0 nym secrets do not fit 2 committed scalars (at least one is needed)"
    );
    assert_eq!(
        Error::BasePointPseudonym.to_string(),
        "pseudonym is the base point of G1"
    );
}
