//! Tests of the predicate proofs through the crate's internals (including a cheating prover
//! that bypasses the holder's refusal, which only the crate's own tests can build).

use std::sync::OnceLock;

use bls12_381::Scalar;
use proptest::prelude::*;

use super::*;
use crate::bbs::{self, Bls12381Sha256, Generators, PublicKey, SecretKey, Signature};

type C = Bls12381Sha256;
const API_ID: &[u8] = b"HEALTHPASS_ZK_TEST_";
const HEADER: &[u8] = b"zk header";
const CONTEXT: &[u8] = b"request digest";

fn int(v: i64) -> Scalar {
    if v >= 0 {
        Scalar::from(v as u64)
    } else {
        -Scalar::from(v.unsigned_abs())
    }
}

struct Credential {
    pk: PublicKey,
    sig: Signature,
    generators: Generators,
    messages: Vec<Scalar>,
}

fn credential(values: &[Scalar]) -> Credential {
    let sk = bbs::keygen::<C>(&[11u8; 32], b"zk tests", None).unwrap();
    let pk = sk.public_key();
    let generators = Generators::new::<C>(values.len(), API_ID).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, HEADER, values, API_ID).unwrap();
    let _: &SecretKey = &sk;
    Credential {
        pk,
        sig,
        generators,
        messages: values.to_vec(),
    }
}

fn digits(base: u32) -> SignedSet {
    static SETS: OnceLock<std::sync::Mutex<Vec<(u32, SignedSet)>>> = OnceLock::new();
    let sets = SETS.get_or_init(Default::default);
    let mut sets = sets.lock().unwrap();
    if let Some((_, s)) = sets.iter().find(|(b, _)| *b == base) {
        return s.clone();
    }
    let s = SignedSet::generate(&mut rand::rng(), SetKind::Digits { base }).unwrap();
    sets.push((base, s.clone()));
    s
}

fn products() -> SignedSet {
    static SET: OnceLock<SignedSet> = OnceLock::new();
    SET.get_or_init(|| {
        let elements = (0..5u64).map(|i| Scalar::from(1_000_000 + i)).collect();
        SignedSet::generate(&mut rand::rng(), SetKind::Elements(elements)).unwrap()
    })
    .clone()
}

fn at_least(index: usize, bound: i64, base: u32, k: usize) -> PredicateStatement {
    PredicateStatement {
        message_index: index,
        negate: false,
        offset: int(bound),
        digit_count: k,
        set: digits(base),
    }
}

fn at_most(index: usize, bound: i64, base: u32, k: usize) -> PredicateStatement {
    PredicateStatement {
        negate: true,
        ..at_least(index, bound, base, k)
    }
}

fn member(index: usize) -> PredicateStatement {
    PredicateStatement {
        message_index: index,
        negate: false,
        offset: Scalar::zero(),
        digit_count: 1,
        set: products(),
    }
}

/// Messages: [name hash, dose, vaccination date (days), product code, valid_until (minutes)].
fn sample() -> Credential {
    credential(&[
        Scalar::from(987_654_321u64),
        int(2),
        int(18_779),
        Scalar::from(1_000_003u64),
        int(29_500_000),
    ])
}

/// The sample credential with message `i` replaced (and signed).
fn sample_with(i: usize, value: Scalar) -> Credential {
    let mut messages = sample().messages;
    messages[i] = value;
    credential(&messages)
}

fn prepared(cred: &Credential) -> bbs::PreparedSignature<C> {
    bbs::PreparedSignature::<C>::from_scalars(&cred.pk, &cred.sig, HEADER, &cred.messages, API_ID)
        .unwrap()
}

fn prove(
    cred: &Credential,
    disclosed: &[usize],
    st: &[PredicateStatement],
) -> Result<LinkedProof, Error> {
    super::prove::<C>(&prepared(cred), disclosed, st, CONTEXT, &mut rand::rng())
}

fn cheat(cred: &Credential, st: &[PredicateStatement], element: Option<Scalar>) -> LinkedProof {
    super::prove_inner::<C>(
        &prepared(cred),
        &[],
        st,
        CONTEXT,
        &mut rand::rng(),
        Prover::Cheating(element, None),
    )
    .unwrap()
}

fn verify_with(
    cred: &Credential,
    proof: &LinkedProof,
    disclosed: &[usize],
    st: &[PredicateStatement],
    context: &[u8],
) -> Result<(), Error> {
    let revealed: Vec<Scalar> = disclosed.iter().map(|&i| cred.messages[i]).collect();
    super::verify::<C>(
        &cred.pk,
        proof,
        &cred.generators,
        HEADER,
        &revealed,
        disclosed,
        st,
        context,
        API_ID,
        &mut rand::rng(),
    )
}

fn verify(
    cred: &Credential,
    proof: &LinkedProof,
    disclosed: &[usize],
    st: &[PredicateStatement],
) -> Result<(), Error> {
    verify_with(cred, proof, disclosed, st, CONTEXT)
}

#[test]
fn typical_vaccination_predicates() {
    let cred = sample();
    let st = vec![
        at_least(1, 2, 16, 1),            // dose_number >= 2
        at_most(2, 18_779 + 14, 64, 2),   // vaccination_date <= today - 14d
        at_least(4, 29_000_000, 1024, 2), // valid_until >= now
        member(3),                        // vaccine_product in {...}
    ];
    let proof = prove(&cred, &[], &st).unwrap();
    verify(&cred, &proof, &[], &st).unwrap();
    let sizes: Vec<usize> = proof
        .predicates
        .iter()
        .map(|p| p.to_bytes().len())
        .collect();
    assert_eq!(sizes, vec![128, 288, 288, 128]);
    // The BBS part is an ordinary draft proof over the transcript as presentation header.
    assert_eq!(proof.bbs.undisclosed_count(), 5);
}

#[test]
fn false_statements_are_refused() {
    let cred = sample();
    let cases = [
        at_least(1, 3, 16, 1),
        at_most(1, 1, 16, 1),
        at_most(2, 18_779 - 1, 64, 2),
        at_least(4, 29_500_001, 1024, 2),
    ];
    for (i, st) in cases.into_iter().enumerate() {
        assert_eq!(
            prove(&cred, &[], &[st]).unwrap_err(),
            Error::NotSatisfied { predicate: 0 },
            "case {i}"
        );
    }
    // True, but the difference 16 does not fit one base-16 digit.
    assert_eq!(
        prove(&cred, &[], &[at_least(1, 2 - 16, 16, 1)]).unwrap_err(),
        Error::OutOfSpan { predicate: 0 }
    );
    let cred2 = sample_with(3, Scalar::from(42u64));
    assert_eq!(
        prove(&cred2, &[], &[member(3)]).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
}

#[test]
fn cheating_prover_is_rejected() {
    let cred = sample();
    // dose 2 >= 3 is false: the digits of (2 - 3) mod 16 are signed, but do not recombine.
    for st in [
        at_least(1, 3, 16, 1),
        at_most(2, 18_700, 64, 2),
        at_least(4, 29_500_100, 1024, 2),
    ] {
        let proof = cheat(&cred, std::slice::from_ref(&st), None);
        assert_eq!(
            verify(&cred, &proof, &[], &[st]).unwrap_err(),
            Error::VerificationFailed
        );
    }
    // Membership: a value outside the set, proven with another element's signature.
    let outside = sample_with(3, Scalar::from(42u64));
    let proof = cheat(&outside, &[member(3)], Some(Scalar::from(1_000_001u64)));
    assert_eq!(
        verify(&outside, &proof, &[], &[member(3)]).unwrap_err(),
        Error::VerificationFailed
    );
    // Identity points in place of V and Vbar would satisfy every equation for any digit.
    let mut hollow = prove(&cred, &[], &[member(3)]).unwrap();
    hollow.predicates[0].digits[0].v = bls12_381::G1Affine::identity();
    hollow.predicates[0].digits[0].v_bar = bls12_381::G1Affine::identity();
    assert_eq!(
        verify(&cred, &hollow, &[], &[member(3)]).unwrap_err(),
        Error::VerificationFailed
    );
    // ... or with no valid signature at all.
    let proof = cheat(&outside, &[member(3)], None);
    assert_eq!(
        verify(&outside, &proof, &[], &[member(3)]).unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn proofs_do_not_transfer_to_other_statements() {
    let cred = sample();
    let st = vec![at_least(1, 2, 16, 1), member(3)];
    let proof = prove(&cred, &[0], &st).unwrap();
    verify(&cred, &proof, &[0], &st).unwrap();
    let other_bound = vec![at_least(1, 1, 16, 1), member(3)];
    let other_set = vec![
        at_least(1, 2, 16, 1),
        PredicateStatement {
            set: SignedSet::generate(
                &mut rand::rng(),
                SetKind::Elements(vec![Scalar::from(1_000_003u64)]),
            )
            .unwrap(),
            ..member(3)
        },
    ];
    let other_key = vec![
        PredicateStatement {
            set: SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 16 }).unwrap(),
            ..at_least(1, 2, 16, 1)
        },
        member(3),
    ];
    let other_direction = vec![at_most(1, 2, 16, 1), member(3)];
    for (name, statements) in [
        ("bound", other_bound),
        ("set", other_set),
        ("key", other_key),
        ("direction", other_direction),
    ] {
        assert!(verify(&cred, &proof, &[0], &statements).is_err(), "{name}");
    }
    assert_eq!(
        verify_with(&cred, &proof, &[0], &st, b"another request").unwrap_err(),
        Error::VerificationFailed
    );
    // Fewer statements than proofs, or a different disclosure.
    assert!(verify(&cred, &proof, &[0], &st[..1]).is_err());
    assert!(verify(&cred, &proof, &[], &st).is_err());
    // A predicate on a disclosed message is refused.
    assert_eq!(
        prove(&cred, &[1], &st).unwrap_err(),
        Error::BadMessageIndex {
            predicate: 0,
            index: 1
        }
    );
}

#[test]
fn every_byte_of_a_predicate_proof_matters() {
    let cred = sample();
    let st = vec![at_most(2, 18_800, 64, 2), member(3)];
    let proof = prove(&cred, &[], &st).unwrap();
    for p in 0..proof.predicates.len() {
        let bytes = proof.predicates[p].to_bytes();
        assert_eq!(bytes.len(), PredicateProof::encoded_len(st[p].digit_count));
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            if let Ok(decoded) = PredicateProof::from_bytes(&b, st[p].digit_count) {
                let mut tampered = proof.clone();
                tampered.predicates[p] = decoded;
                assert!(
                    verify(&cred, &tampered, &[], &st).is_err(),
                    "predicate {p} byte {i}"
                );
            }
        }
        assert_eq!(
            PredicateProof::from_bytes(&bytes, st[p].digit_count).unwrap(),
            proof.predicates[p]
        );
        assert!(PredicateProof::from_bytes(&bytes[1..], st[p].digit_count).is_err());
    }
}

#[test]
fn parameters_are_checked_by_the_holder() {
    let set = digits(16);
    set.check(&mut rand::rng()).unwrap();
    products().check(&mut rand::rng()).unwrap();
    // Replace one signature with a point whose discrete logarithm the verifier knows.
    let mut sigs = set.signatures_to_octets();
    let forged = bls12_381::G1Affine::from(bls12_381::G1Affine::generator() * Scalar::from(5u64));
    sigs[48 * 3..48 * 4].copy_from_slice(&forged.to_compressed());
    let bad = SignedSet::from_octets(set.kind().clone(), &set.public_key().to_compressed(), &sigs)
        .unwrap();
    assert_eq!(
        bad.check(&mut rand::rng()).unwrap_err(),
        Error::ParametersRejected
    );
    // Shape errors.
    assert!(SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 1 }).is_err());
    assert!(SignedSet::generate(&mut rand::rng(), SetKind::Elements(vec![])).is_err());
    assert!(SignedSet::generate(
        &mut rand::rng(),
        SetKind::Elements(vec![Scalar::one(), Scalar::one()])
    )
    .is_err());
    assert!(SignedSet::from_octets(
        set.kind().clone(),
        &set.public_key().to_compressed(),
        &sigs[..48]
    )
    .is_err());
}

/// Issue 9, finding 8: one parameter key `x` asked to sign both the digits `0..u` and an
/// element set holding `-1` (`r - 1`). If both were signed under the same public key, the
/// element's signature would pass as a digit `r - 1`, and `m >= a` would verify for
/// `m = a - 1`. Each kind of set is signed under its own key, derived from `x` and the set.
#[test]
fn one_key_cannot_sign_digits_and_elements() {
    let x = Scalar::from(0x1234_5678_9abc_def0u64);
    let digits = SignedSet::sign(&x, SetKind::Digits { base: 64 }).unwrap();
    let minus_one = -Scalar::one();
    let elements = SignedSet::sign(&x, SetKind::Elements(vec![minus_one])).unwrap();
    // The attack: 5 >= 6, with the digit -1 signed by the element set.
    let cred = credential(&[int(5)]);
    let st = PredicateStatement {
        message_index: 0,
        negate: false,
        offset: int(6),
        digit_count: 1,
        set: digits.clone(),
    };
    let signature = elements.signature_ct(&minus_one).unwrap();
    let forged = super::prove_inner::<C>(
        &prepared(&cred),
        &[],
        std::slice::from_ref(&st),
        CONTEXT,
        &mut rand::rng(),
        Prover::Cheating(Some(minus_one), Some(signature)),
    )
    .unwrap();
    assert_eq!(
        verify(&cred, &forged, &[], std::slice::from_ref(&st)).unwrap_err(),
        Error::VerificationFailed
    );
    digits.check(&mut rand::rng()).unwrap();
    elements.check(&mut rand::rng()).unwrap();
    assert_ne!(digits.public_key(), elements.public_key());
    // Other element sets and other bases get other keys too.
    let others = [
        SignedSet::sign(&x, SetKind::Digits { base: 65 }).unwrap(),
        SignedSet::sign(&x, SetKind::Elements(vec![Scalar::one()])).unwrap(),
        SignedSet::sign(&x, SetKind::Elements(vec![minus_one, Scalar::one()])).unwrap(),
    ];
    for o in &others {
        assert_ne!(o.public_key(), digits.public_key());
        assert_ne!(o.public_key(), elements.public_key());
    }
    // The same key and set give the same parameters (signing is deterministic).
    assert_eq!(
        SignedSet::sign(&x, SetKind::Digits { base: 64 }).unwrap(),
        digits
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Around the bounds: exactly at the bound, one past it, zero, the largest difference the
    /// digits can hold, negative values (dates before 1970).
    #[test]
    fn range_boundaries(value in -3000i64..3000, delta in prop::sample::select(vec![-1i64, 0, 1, 2, 255, 4094, 4095, 4096, 4097])) {
        // Lower bound: value >= value - delta, two base-64 digits hold 0..4095.
        let cred = credential(&[int(value)]);
        let lower = at_least(0, value - delta, 64, 2);
        let upper = at_most(0, value + delta, 64, 2);
        for st in [lower, upper] {
            let r = prove(&cred, &[], std::slice::from_ref(&st));
            if (0..4096).contains(&delta) {
                let proof = r.unwrap();
                prop_assert!(verify(&cred, &proof, &[], std::slice::from_ref(&st)).is_ok());
            } else if delta < 0 {
                prop_assert_eq!(r.unwrap_err(), Error::NotSatisfied { predicate: 0 });
            } else {
                prop_assert_eq!(r.unwrap_err(), Error::OutOfSpan { predicate: 0 });
            }
        }
    }
}

#[test]
fn errors_say_which_predicate_and_what_is_wrong() {
    // The holder's refusals are shown to people: each names the predicate and the fault; the
    // verifier's says nothing more than that verification failed.
    let cases = [
        (
            Error::NotSatisfied { predicate: 2 },
            "predicate 2 is not satisfied",
        ),
        (Error::OutOfSpan { predicate: 1 }, "exceeds the span"),
        (
            Error::BadMessageIndex {
                predicate: 0,
                index: 7,
            },
            "names message 7",
        ),
        (
            Error::WrongShape { predicate: 3 },
            "proof 3 has the wrong shape",
        ),
        (Error::ParametersRejected, "do not verify"),
        (Error::VerificationFailed, "verification failed"),
    ];
    for (e, words) in cases {
        assert!(e.to_string().contains(words), "{e:?} shows {e}");
    }
    assert_eq!(Error::VerificationFailed.to_string(), "verification failed");
    // A BBS verification failure stays opaque after the conversion.
    assert_eq!(
        Error::from(bbs::Error::VerificationFailed),
        Error::VerificationFailed
    );
}
