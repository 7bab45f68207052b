//! Tests of the predicate proofs through the crate's internals (including a cheating prover
//! that bypasses the holder's refusal, which only the crate's own tests can build).

use std::sync::OnceLock;

use bls12_381::{G1Affine, G2Affine, Scalar};
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
        minus_index: None,
        negate: false,
        offset: int(bound),
        digit_count: k,
        scale: 1,
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
        minus_index: None,
        negate: false,
        offset: Scalar::zero(),
        digit_count: 1,
        scale: 1,
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
        minus_index: None,
        negate: false,
        offset: int(6),
        digit_count: 1,
        scale: 1,
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

// ---- Formulas: differences, equalities, windows, OR ------------------------------------

fn prove_f(
    cred: &Credential,
    disclosed: &[usize],
    f: &Formula,
) -> Result<LinkedFormulaProof, Error> {
    prove_formula::<C>(&prepared(cred), disclosed, f, CONTEXT, &mut rand::rng())
}

fn prove_f_as(cred: &Credential, f: &Formula, prover: Prover) -> LinkedFormulaProof {
    formula::prove_inner::<C>(&prepared(cred), &[], f, CONTEXT, &mut rand::rng(), prover).unwrap()
}

fn verify_f_with(
    cred: &Credential,
    proof: &LinkedFormulaProof,
    disclosed: &[usize],
    f: &Formula,
    context: &[u8],
) -> Result<(), Error> {
    let revealed: Vec<Scalar> = disclosed.iter().map(|&i| cred.messages[i]).collect();
    verify_formula::<C>(
        &cred.pk,
        proof,
        &cred.generators,
        HEADER,
        &revealed,
        disclosed,
        f,
        context,
        API_ID,
        &mut rand::rng(),
    )
}

fn verify_f(cred: &Credential, proof: &LinkedFormulaProof, f: &Formula) -> Result<(), Error> {
    verify_f_with(cred, proof, &[], f, CONTEXT)
}

fn eq(index: usize, value: Scalar) -> Formula {
    Formula::Equality(EqualityStatement {
        message_index: index,
        minus_index: None,
        value,
        equal: true,
    })
}

fn ne(index: usize, value: Scalar) -> Formula {
    Formula::Equality(EqualityStatement {
        equal: false,
        ..match eq(index, value) {
            Formula::Equality(e) => e,
            _ => unreachable!(),
        }
    })
}

fn pred(st: PredicateStatement) -> Formula {
    Formula::Predicate(st)
}

/// `m_a - m_b >= bound` (one base-16 digit).
fn difference_at_least(a: usize, b: usize, bound: i64) -> Formula {
    pred(PredicateStatement {
        minus_index: Some(b),
        ..at_least(a, bound, 16, 1)
    })
}

/// Messages of a vaccination-like credential: [dose_number, total_doses, vaccination date
/// (days), product code, test type code].
fn doses(dose: i64, total: i64) -> Credential {
    credential(&[
        int(dose),
        int(total),
        int(18_779),
        Scalar::from(1_000_003u64),
        Scalar::from(7_000u64),
    ])
}

#[test]
fn differences_of_two_messages() {
    // dose_number >= total_doses is m_0 - m_1 >= 0; > is >= 1.
    for (dose, total, at_least_holds, greater_holds) in [
        (2, 2, true, false),
        (3, 2, true, true),
        (1, 2, false, false),
    ] {
        let cred = doses(dose, total);
        for (f, holds) in [
            (difference_at_least(0, 1, 0), at_least_holds),
            (difference_at_least(0, 1, 1), greater_holds),
        ] {
            match prove_f(&cred, &[], &f) {
                Ok(p) => {
                    assert!(holds);
                    verify_f(&cred, &p, &f).unwrap();
                    // Not a proof of the reversed difference, nor with either message disclosed.
                    assert!(verify_f(&cred, &p, &difference_at_least(1, 0, 0)).is_err());
                    assert!(verify_f_with(&cred, &p, &[1], &f, CONTEXT).is_err());
                }
                Err(e) => {
                    assert!(!holds, "{dose} {total}");
                    assert_eq!(e, Error::NotSatisfied { predicate: 0 });
                    // A cheating prover's proof of the false difference is rejected.
                    let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
                    assert_eq!(verify_f(&cred, &forged, &f), Err(Error::VerificationFailed));
                }
            }
        }
    }
    // The subject must be hidden: a disclosed minuend is refused.
    assert_eq!(
        prove_f(&doses(3, 2), &[1], &difference_at_least(0, 1, 0)).unwrap_err(),
        Error::BadMessageIndex {
            predicate: 0,
            index: 1
        }
    );
}

#[test]
fn equalities_are_proven_without_disclosure() {
    let cred = doses(3, 2);
    let code = Scalar::from(1_000_003u64);
    let other = Scalar::from(1_000_004u64);
    // In a plain AND, `m = v` makes m a known message of the BBS proof: 32 bytes less than
    // hiding it, none for the statement.
    let f = Formula::All(vec![eq(3, code), ne(4, Scalar::from(7_001u64))]);
    let p = prove_f(&cred, &[], &f).unwrap();
    verify_f(&cred, &p, &f).unwrap();
    assert_eq!(p.bbs.undisclosed_count(), 4);
    assert_eq!(f.known_messages().unwrap(), vec![(3, code)]);
    assert_eq!(FormulaProof::encoded_len(&f).unwrap(), 144);
    assert_eq!(p.formula.to_bytes().len(), 144);
    // Against another value, either statement fails.
    for wrong in [
        Formula::All(vec![eq(3, other), ne(4, Scalar::from(7_001u64))]),
        Formula::All(vec![eq(3, code), ne(4, Scalar::from(7_002u64))]),
    ] {
        assert!(verify_f(&cred, &p, &wrong).is_err());
    }
    // The holder refuses false statements.
    assert_eq!(
        prove_f(&cred, &[], &eq(3, other)).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
    assert_eq!(
        prove_f(
            &cred,
            &[],
            &Formula::All(vec![eq(3, code), ne(4, Scalar::from(7_000u64))])
        )
        .unwrap_err(),
        Error::NotSatisfied { predicate: 1 }
    );
    // A forged inequality (m = v, so no inverse exists) and a forged equality are rejected.
    for f in [ne(4, Scalar::from(7_000u64)), eq(3, other)] {
        let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
        assert!(verify_f(&cred, &forged, &f).is_err());
    }
    // Differences: m_0 - m_1 = 1 and m_0 - m_1 != 0, alone and together with a range on m_0.
    let diff = |value: i64, equal: bool| {
        Formula::Equality(EqualityStatement {
            message_index: 0,
            minus_index: Some(1),
            value: int(value),
            equal,
        })
    };
    let f = Formula::All(vec![
        diff(1, true),
        diff(0, false),
        pred(at_least(0, 3, 16, 1)),
    ]);
    let p = prove_f(&cred, &[], &f).unwrap();
    verify_f(&cred, &p, &f).unwrap();
    assert!(verify_f(
        &cred,
        &p,
        &Formula::All(vec![
            diff(2, true),
            diff(0, false),
            pred(at_least(0, 3, 16, 1))
        ])
    )
    .is_err());
    assert_eq!(
        prove_f(&cred, &[], &diff(2, true)).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
    // A forged difference: the BBS responses of tied messages must agree with the offsets.
    let forged = prove_f_as(&cred, &diff(2, true), Prover::Cheating(None, None));
    assert_eq!(
        verify_f(&cred, &forged, &diff(2, true)),
        Err(Error::VerificationFailed)
    );
    // Contradictory equalities in one branch are not a statement.
    assert!(matches!(
        prove_f(&cred, &[], &Formula::All(vec![eq(3, code), eq(3, other)])),
        Err(Error::InvalidParameters(_))
    ));
}

/// Every 48-byte point and 32-byte scalar of a formula proof's bytes.
fn elements(bytes: &[u8]) -> Vec<Vec<u8>> {
    (0..bytes.len())
        .flat_map(|i| [bytes.get(i..i + 32), bytes.get(i..i + 48)])
        .flatten()
        .map(<[u8]>::to_vec)
        .collect()
}

#[test]
fn inequality_hides_the_code() {
    // A verifier holding the whole value set must not tell two codes apart from `m != v`.
    let v = Scalar::from(7_001u64);
    let f = ne(4, v);
    let value_set: Vec<Scalar> = (6_990..7_010u64).map(Scalar::from).collect();
    let (g, h) = (
        bbs::create_generators::<C>(2, PEDERSEN_API_ID).unwrap()[0],
        bbs::create_generators::<C>(2, PEDERSEN_API_ID).unwrap()[1],
    );
    let cred_a = sample_with(4, Scalar::from(7_000u64));
    let mut cred_b = cred_a.messages.clone();
    cred_b[4] = Scalar::from(7_005u64);
    let cred_b = credential(&cred_b);
    let mut bases = vec![
        G1Affine::generator(),
        g,
        h,
        cred_a.generators.p1,
        *cred_a.generators.q1(),
    ];
    bases.extend(cred_a.generators.h());
    let mut proofs = Vec::new();
    for cred in [&cred_a, &cred_a, &cred_b] {
        let p = prove_f(cred, &[], &f).unwrap();
        verify_f(cred, &p, &f).unwrap();
        let bytes = p.formula.to_bytes();
        assert_eq!(bytes.len(), 144);
        // No element is a deterministic function of a candidate code: [w - v]K, [w]K or
        // [(w - v)^-1]K for any public base K, or w - v, its inverse, w itself.
        let seen = elements(&bytes);
        for w in &value_set {
            let d = w - v;
            let inv = d.invert().unwrap_or(Scalar::zero());
            for s in [d, inv, *w] {
                assert!(!seen.contains(&crate::bbs::octets::scalar_to_octets(&s).to_vec()));
                for k in &bases {
                    let point = G1Affine::from(k * s).to_compressed().to_vec();
                    assert!(!seen.contains(&point));
                }
            }
        }
        proofs.push(p.formula);
    }
    // Two proofs of the same code share no element: nothing sent is fixed by the code.
    let (a1, a2) = (
        elements(&proofs[0].to_bytes()),
        elements(&proofs[1].to_bytes()),
    );
    let a2: std::collections::HashSet<_> = a2.into_iter().collect();
    assert!(a1.iter().all(|x| !a2.contains(x)));
    // A broken variant that sent [m - v]G (as a tag) would be caught by the scan above.
    let tag = G1Affine::from(g * (Scalar::from(7_000u64) - v))
        .to_compressed()
        .to_vec();
    assert!(value_set
        .iter()
        .any(|w| G1Affine::from(g * (w - v)).to_compressed().to_vec() == tag));
}

#[test]
fn windows_over_days_and_minutes() {
    // lo <= m <= hi as two statements on one message sharing its blinding: dates in days
    // (base 256, two digits) and instants in minutes (base 1024, two digits).
    for (value, base) in [(18_779i64, 256u32), (29_500_000, 1024)] {
        let cred = credential(&[int(value)]);
        for (lo, hi, holds) in [
            (value - 4320, value, true),
            (value, value + 1, true),
            (value - 1, value - 1, false),
            (value + 1, value + 4320, false),
            (value - 180, value - 11, false),
        ] {
            let f = Formula::All(vec![
                pred(at_least(0, lo, base, 2)),
                pred(at_most(0, hi, base, 2)),
            ]);
            match prove_f(&cred, &[], &f) {
                Ok(p) => {
                    assert!(holds, "{value} in {lo}..{hi}");
                    verify_f(&cred, &p, &f).unwrap();
                    let narrower = Formula::All(vec![
                        pred(at_least(0, lo + 1, base, 2)),
                        pred(at_most(0, hi, base, 2)),
                    ]);
                    assert!(verify_f(&cred, &p, &narrower).is_err());
                }
                Err(e) => {
                    assert!(!holds, "{value} in {lo}..{hi}");
                    assert!(matches!(e, Error::NotSatisfied { .. }));
                }
            }
        }
    }
}

/// The booster policy, over `doses`: `(dose >= total AND date in window) OR dose > total`.
fn booster_policy() -> Formula {
    Formula::Any(vec![
        Formula::All(vec![
            difference_at_least(0, 1, 0),
            pred(at_least(2, 18_700, 256, 2)),
            pred(at_most(2, 18_800, 256, 2)),
        ]),
        Formula::All(vec![difference_at_least(0, 1, 1)]),
    ])
}

/// A test-type policy: `(type = A AND date >= ..) OR (type = B AND date >= ..)`.
fn test_policy(a_bound: i64, b_bound: i64) -> Formula {
    Formula::Any(vec![
        Formula::All(vec![
            eq(4, Scalar::from(7_000u64)),
            pred(at_least(2, a_bound, 256, 2)),
        ]),
        Formula::All(vec![
            eq(4, Scalar::from(7_001u64)),
            pred(at_least(2, b_bound, 256, 2)),
        ]),
    ])
}

/// The shape of a formula proof: everything but the values.
fn layout(p: &FormulaProof) -> Vec<usize> {
    let mut out = vec![p.links.len(), p.branches.len(), p.atoms.len()];
    for b in &p.branches {
        out.extend([
            usize::from(b.share.is_some()),
            b.m_hat.len(),
            b.rho_hat.len(),
        ]);
    }
    for a in &p.atoms {
        out.push(match a {
            AtomProof::Predicate(p) => p.to_bytes().len(),
            AtomProof::Equality => 0,
            AtomProof::NotEqual(_) => 1,
        });
    }
    out
}

#[test]
fn or_hides_the_branch() {
    // Branch 1 holds (complete course in the window), branch 2 holds (booster, date outside
    // the window), both hold.
    let f = booster_policy();
    let mut sizes = Vec::new();
    let mut layouts = Vec::new();
    for cred in [
        doses(2, 2),
        credential(&[int(3), int(2), int(18_900), Scalar::one(), Scalar::one()]),
        doses(3, 2),
    ] {
        let p = prove_f(&cred, &[], &f).unwrap();
        verify_f(&cred, &p, &f).unwrap();
        let bytes = p.formula.to_bytes();
        assert_eq!(FormulaProof::from_bytes(&bytes, &f).unwrap(), p.formula);
        sizes.push((bytes.len(), p.bbs.to_bytes().len()));
        layouts.push(layout(&p.formula));
    }
    assert!(sizes.windows(2).all(|w| w[0] == w[1]), "{sizes:?}");
    assert!(layouts.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(sizes[0].0, FormulaProof::encoded_len(&f).unwrap());
    // docs/notes/or-proofs.md, "Byte cost".
    assert_eq!(sizes[0].0, 1424);
    // Equalities inside branches (PCR within 72 h or RAT within 24 h, in days here).
    let f = test_policy(18_770, 18_778);
    let pcr = doses(2, 2);
    let rat = sample_with(4, Scalar::from(7_001u64));
    let rat = credential(&[
        int(2),
        int(2),
        int(18_779),
        Scalar::from(1_000_003u64),
        rat.messages[4],
    ]);
    let a = prove_f(&pcr, &[], &f).unwrap();
    let b = prove_f(&rat, &[], &f).unwrap();
    verify_f(&pcr, &a, &f).unwrap();
    verify_f(&rat, &b, &f).unwrap();
    assert_eq!(a.formula.to_bytes().len(), b.formula.to_bytes().len());
    assert_eq!(layout(&a.formula), layout(&b.formula));
    // Neither proof verifies against a stricter policy.
    assert!(verify_f(&rat, &b, &test_policy(18_770, 18_780)).is_err());
    assert!(verify_f(&pcr, &a, &test_policy(18_780, 18_778)).is_err());
}

#[test]
fn or_with_no_true_branch_is_refused_and_a_forged_one_rejected() {
    // dose 1 of 2: neither branch holds.
    let cred = doses(1, 2);
    let f = booster_policy();
    assert_eq!(
        prove_f(&cred, &[], &f).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
    // A hand-made proof that pretends the first branch holds (its digits are the low digits
    // of a negative difference): rejected.
    let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
    assert_eq!(verify_f(&cred, &forged, &f), Err(Error::VerificationFailed));
    // A test of neither type.
    let other = sample_with(4, Scalar::from(42u64));
    let other = credential(&[
        int(2),
        int(2),
        int(18_779),
        Scalar::one(),
        other.messages[4],
    ]);
    let f = test_policy(18_770, 18_778);
    assert!(prove_f(&other, &[], &f).is_err());
    let forged = prove_f_as(&other, &f, Prover::Cheating(None, None));
    assert_eq!(
        verify_f(&other, &forged, &f),
        Err(Error::VerificationFailed)
    );
    // Shares that do not sum to the challenge: move value between two branches' shares.
    let good = prove_f(&doses(3, 2), &[], &booster_policy()).unwrap();
    let mut bad = good.clone();
    bad.formula.branches[0].share = bad.formula.branches[0].share.map(|s| s + Scalar::one());
    assert!(verify_f(&doses(3, 2), &bad, &booster_policy()).is_err());
}

#[test]
fn nested_or_and_roots_with_links() {
    // valid_until-like range at the root, an OR whose second branch holds an OR.
    let f = Formula::All(vec![
        pred(at_least(2, 18_000, 256, 2)),
        Formula::Any(vec![
            Formula::All(vec![eq(3, Scalar::from(1u64))]),
            Formula::Any(vec![
                Formula::All(vec![ne(4, Scalar::from(7_000u64))]),
                Formula::All(vec![
                    difference_at_least(0, 1, 0),
                    eq(3, Scalar::from(1_000_003u64)),
                ]),
            ]),
        ]),
    ]);
    let mut lens = Vec::new();
    for cred in [
        doses(3, 2),
        doses(1, 2),
        credential(&[int(1), int(2), int(18_779), Scalar::one(), Scalar::one()]),
    ] {
        let r = prove_f(&cred, &[], &f);
        let holds = cred.messages[0] != int(1) || cred.messages[3] == Scalar::one();
        match r {
            Ok(p) => {
                assert!(holds);
                verify_f(&cred, &p, &f).unwrap();
                lens.push(p.formula.to_bytes().len());
            }
            Err(e) => {
                assert!(!holds);
                assert_eq!(e, Error::NotSatisfied { predicate: 1 });
                let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
                assert!(verify_f(&cred, &forged, &f).is_err());
            }
        }
    }
    assert_eq!(lens.len(), 2);
    assert_eq!(lens[0], lens[1]);
}

#[test]
fn every_byte_of_a_formula_proof_matters() {
    let cred = doses(3, 2);
    let f = Formula::All(vec![ne(3, Scalar::one()), test_policy(18_770, 18_778)]);
    let p = prove_f(&cred, &[], &f).unwrap();
    verify_f(&cred, &p, &f).unwrap();
    let bytes = p.formula.to_bytes();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        if let Ok(decoded) = FormulaProof::from_bytes(&b, &f) {
            let tampered = LinkedFormulaProof {
                bbs: p.bbs.clone(),
                formula: decoded,
            };
            assert!(verify_f(&cred, &tampered, &f).is_err(), "byte {i}");
        }
    }
    assert!(FormulaProof::from_bytes(&bytes[1..], &f).is_err());
    // Wrong context (another request or nonce), other disclosure.
    assert_eq!(
        verify_f_with(&cred, &p, &[], &f, b"another request"),
        Err(Error::VerificationFailed)
    );
    assert!(verify_f_with(&cred, &p, &[0], &f, CONTEXT).is_err());
}

#[test]
fn plain_ands_keep_the_version_1_transcript() {
    // The formula API and the predicate API make the same proofs of a plain AND: the
    // version 1 transcript, the same bytes.
    let cred = sample();
    let st = vec![at_least(1, 2, 16, 1), member(3)];
    let linked = prove(&cred, &[], &st).unwrap();
    let as_formula = LinkedFormulaProof {
        bbs: linked.bbs.clone(),
        formula: FormulaProof {
            links: vec![],
            branches: vec![],
            atoms: linked
                .predicates
                .iter()
                .cloned()
                .map(AtomProof::Predicate)
                .collect(),
        },
    };
    let f = Formula::All(st.iter().cloned().map(Formula::Predicate).collect());
    verify_f(&cred, &as_formula, &f).unwrap();
    let p = prove_f(&cred, &[], &f).unwrap();
    verify(
        &cred,
        &LinkedProof {
            bbs: p.bbs,
            predicates: p
                .formula
                .atoms
                .into_iter()
                .map(|a| match a {
                    AtomProof::Predicate(p) => p,
                    _ => unreachable!(),
                })
                .collect(),
        },
        &[],
        &st,
    )
    .unwrap();
}

/// `m = (m^_1 - m^_2) / (c_1 - c_2)` when one blinding answers two challenges.
fn extract(m1: Scalar, c1: Scalar, m2: Scalar, c2: Scalar) -> Scalar {
    (m1 - m2) * (c1 - c2).invert().unwrap()
}

#[test]
fn a_blinding_reused_under_two_challenges_reveals_the_message() {
    let cred = doses(3, 2);
    let f = booster_policy();
    // Message 0 (dose_number) is the first message of each branch and of the root.
    let recover = |p: &LinkedFormulaProof| -> Vec<Scalar> {
        let c = *p.bbs.challenge();
        let m_bbs = p.bbs.m_hat()[0];
        let shares = [
            p.formula.branches[0].share.unwrap(),
            c - p.formula.branches[0].share.unwrap(),
        ];
        (0..2)
            .map(|b| extract(m_bbs, c, p.formula.branches[b].m_hat[0], shares[b]))
            .collect()
    };
    // The deliberately broken prover: each branch answers with the BBS blinding. Its proof
    // verifies, and the proven branch's response gives the hidden dose number away.
    let broken = prove_f_as(&cred, &f, Prover::ReuseBlindings);
    verify_f(&cred, &broken, &f).unwrap();
    assert!(recover(&broken).contains(&int(3)));
    // The real prover draws fresh blindings per branch: no branch's response gives it.
    for _ in 0..4 {
        let p = prove_f(&cred, &[], &f).unwrap();
        assert!(!recover(&p).contains(&int(3)));
        // ...nor two branches together.
        let c = *p.bbs.challenge();
        let s = p.formula.branches[0].share.unwrap();
        assert_ne!(
            extract(
                p.formula.branches[0].m_hat[0],
                s,
                p.formula.branches[1].m_hat[0],
                c - s
            ),
            int(3)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Whichever branches hold, the proof verifies and has the same length.
    #[test]
    fn or_proofs_for_any_values(dose in 0i64..6, total in 1i64..4, day in 18_650i64..18_850) {
        let cred = credential(&[int(dose), int(total), int(day), Scalar::one(), Scalar::one()]);
        let f = booster_policy();
        let holds = (dose >= total && (18_700..=18_800).contains(&day)) || dose > total;
        match prove_f(&cred, &[], &f) {
            Ok(p) => {
                prop_assert!(holds);
                prop_assert!(verify_f(&cred, &p, &f).is_ok());
                prop_assert_eq!(p.formula.to_bytes().len(), FormulaProof::encoded_len(&f).unwrap());
            }
            Err(e) => {
                prop_assert!(!holds);
                prop_assert_eq!(e, Error::NotSatisfied { predicate: 0 });
            }
        }
    }
}

// ---- Review: OR branches that do not hold must still be simulated ----------------------

/// A product code outside the signed set, dose 2 of 2 (messages as in [`doses`]).
fn doses_with_unknown_product() -> Credential {
    credential(&[
        int(2),
        int(2),
        int(18_779),
        Scalar::from(42u64),
        Scalar::from(7_000u64),
    ])
}

#[test]
fn a_membership_branch_that_does_not_hold_is_simulated() {
    // `product in set OR dose = 2`: the product is not in the set, the second branch holds.
    // The simulated membership branch must not leave an inconsistent `Vbar` (whose pairing
    // check would reject a true statement, and tell the verifier which branch failed).
    let cred = doses_with_unknown_product();
    for f in [
        Formula::Any(vec![pred(member(3)), eq(0, int(2))]),
        Formula::Any(vec![eq(0, int(2)), pred(member(3))]),
    ] {
        let proof = prove_f(&cred, &[], &f).unwrap();
        assert_eq!(verify_f(&cred, &proof, &f), Ok(()));
        let bytes = proof.formula.to_bytes();
        assert_eq!(FormulaProof::from_bytes(&bytes, &f).unwrap(), proof.formula);
    }
    // Neither branch holds: refused, and a forged proof is rejected.
    let f = Formula::Any(vec![pred(member(3)), eq(0, int(3))]);
    assert_eq!(
        prove_f(&cred, &[], &f).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
    let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
    assert_eq!(verify_f(&cred, &forged, &f), Err(Error::VerificationFailed));
    // A plain membership of a product outside the set is still refused and unforgeable.
    let f = pred(member(3));
    assert!(prove_f(&cred, &[], &f).is_err());
    let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
    assert_eq!(verify_f(&cred, &forged, &f), Err(Error::VerificationFailed));
}

#[test]
fn forged_inequalities_identities_and_non_canonical_encodings_are_rejected() {
    let cred = doses(2, 2);
    // `dose != 2` is false: at the root, and in an OR whose other branch is false too.
    for f in [
        ne(0, int(2)),
        Formula::Any(vec![ne(0, int(2)), eq(1, int(3))]),
    ] {
        assert!(prove_f(&cred, &[], &f).is_err());
        let forged = prove_f_as(&cred, &f, Prover::Cheating(None, None));
        assert_eq!(verify_f(&cred, &forged, &f), Err(Error::VerificationFailed));
    }
    // A true OR (the first branch holds); links are messages 0 and 1.
    let f = Formula::Any(vec![ne(0, int(1)), eq(1, int(3))]);
    let good = prove_f(&cred, &[], &f).unwrap();
    assert_eq!(verify_f(&cred, &good, &f), Ok(()));
    // Identity link commitment, identity inequality commitment: rejected in memory.
    let mut bad = good.clone();
    bad.formula.links[0].commitment = G1Affine::identity();
    assert_eq!(verify_f(&cred, &bad, &f), Err(Error::VerificationFailed));
    let mut bad = good.clone();
    if let AtomProof::NotEqual(n) = &mut bad.formula.atoms[0] {
        n.commitment = G1Affine::identity();
    }
    assert_eq!(verify_f(&cred, &bad, &f), Err(Error::VerificationFailed));
    // Swapping the two links' commitments: rejected.
    let mut bad = good.clone();
    bad.formula.links.swap(0, 1);
    assert_eq!(verify_f(&cred, &bad, &f), Err(Error::VerificationFailed));
    // The decoder refuses the identity and a non-canonical scalar (r + rho^ as 32 bytes).
    let bytes = good.formula.to_bytes();
    let mut b = bytes.clone();
    b[..48].copy_from_slice(&G1Affine::identity().to_compressed());
    assert!(matches!(
        FormulaProof::from_bytes(&b, &f),
        Err(Error::Malformed(_))
    ));
    let mut b = bytes.clone();
    b[48..80].copy_from_slice(&[0xff; 32]);
    assert!(matches!(
        FormulaProof::from_bytes(&b, &f),
        Err(Error::Malformed(_))
    ));
    assert!(FormulaProof::from_bytes(&bytes[1..], &f).is_err());
    assert_eq!(FormulaProof::from_bytes(&bytes, &f).unwrap(), good.formula);
}

/// `verify_deferred` leaves exactly the BBS proof and the digits' pairing equations: a
/// proof whose digit carries a wrong signature (its transcript consistent) passes the
/// deferred steps and its BBS proof passes in a batch, and only the digits' combined check
/// finds it, naming exactly that proof among honest ones; `verify` refuses it alone.
#[test]
fn deferred_checks_batch_and_name_exactly_the_failing_proofs() {
    let cred = sample();
    let st = vec![at_least(1, 2, 16, 1), at_most(2, 18_779 + 14, 64, 2)];
    let forged_at = [2usize, 5];
    let proofs: Vec<LinkedProof> = (0..7)
        .map(|i| {
            let prover = if forged_at.contains(&i) {
                Prover::Cheating(None, Some(G1Affine::generator()))
            } else {
                Prover::Honest
            };
            super::prove_inner::<C>(
                &prepared(&cred),
                &[],
                &st,
                CONTEXT,
                &mut rand::rng(),
                prover,
            )
            .unwrap()
        })
        .collect();
    let checks: Vec<DeferredChecks> = proofs
        .iter()
        .map(|p| {
            super::verify_deferred::<C>(p, cred.messages.len(), &[], &[], &st, CONTEXT).unwrap()
        })
        .collect();
    fn item<'a>(
        cred: &'a Credential,
        p: &'a LinkedProof,
        c: &'a DeferredChecks,
    ) -> bbs::CoreBatchItem<'a> {
        bbs::CoreBatchItem {
            pk: &cred.pk,
            proof: &p.bbs,
            generators: &cred.generators,
            header: HEADER,
            presentation_header: &c.presentation_header,
            disclosed_messages: &c.disclosed_messages,
            disclosed_indexes: &c.disclosed_indexes,
            api_id: API_ID,
        }
    }
    let items: Vec<bbs::CoreBatchItem> = proofs
        .iter()
        .zip(&checks)
        .map(|(p, c)| item(&cred, p, c))
        .collect();
    bbs::core_batch_proof_verify::<C>(&items, &mut rand::rng()).unwrap();
    let digits: Vec<&DigitPairings> = checks.iter().map(|c| &c.digit_pairings).collect();
    assert_eq!(
        DigitPairings::check_many(&digits, &mut rand::rng()),
        forged_at
    );
    assert!(DigitPairings::check_many(&[digits[0], digits[1]], &mut rand::rng()).is_empty());
    assert!(DigitPairings::check_many(&[], &mut rand::rng()).is_empty());
    for (i, p) in proofs.iter().enumerate() {
        assert_eq!(
            verify(&cred, p, &[], &st).is_ok(),
            !forged_at.contains(&i),
            "{i}"
        );
    }
    // A tampered BBS response: the deferred steps pass or fail, but never the whole.
    let mut tampered = proofs[0].clone();
    let bytes = tampered.bbs.to_bytes();
    let mut b = bytes.clone();
    b[3 * 48 + 3 * 32 + 31] ^= 1;
    tampered.bbs = bbs::Proof::from_bytes(&b).unwrap();
    if let Ok(c) =
        super::verify_deferred::<C>(&tampered, cred.messages.len(), &[], &[], &st, CONTEXT)
    {
        let both = [items[1], item(&cred, &tampered, &c)];
        assert!(bbs::core_batch_proof_verify::<C>(&both, &mut rand::rng()).is_err());
    }
}

/// Equalities of one branch are tied into groups (`Scope::tie`): a repeated or implied
/// equality is consistent, a contradicting one is refused before any proving. Within one
/// group (two differences) and across two pinned groups (two values, then a difference).
#[test]
fn tied_equalities_are_checked_for_consistency() {
    let cred = doses(3, 2);
    let diff = |value: i64| {
        Formula::Equality(EqualityStatement {
            message_index: 0,
            minus_index: Some(1),
            value: int(value),
            equal: true,
        })
    };
    let contradiction = |f: &Formula| {
        matches!(
            prove_f(&cred, &[], f),
            Err(Error::InvalidParameters(
                "the equalities of one branch contradict each other"
            ))
        )
    };
    // One group: m_0 - m_1 = 1 twice holds; = 1 and = 2 contradict.
    let twice = Formula::All(vec![diff(1), diff(1)]);
    let p = prove_f(&cred, &[], &twice).unwrap();
    verify_f(&cred, &p, &twice).unwrap();
    assert!(contradiction(&Formula::All(vec![diff(1), diff(2)])));
    // Two pinned groups joined: m_0 = 3, m_1 = 2, then m_0 - m_1 = 1 holds, = 2 contradicts.
    let joined = Formula::All(vec![eq(0, int(3)), eq(1, int(2)), diff(1)]);
    let p = prove_f(&cred, &[], &joined).unwrap();
    verify_f(&cred, &p, &joined).unwrap();
    assert!(contradiction(&Formula::All(vec![
        eq(0, int(3)),
        eq(1, int(2)),
        diff(2)
    ])));
    // A free group joined to a pinned one takes its value: m_1 = 2 and m_0 - m_1 = 1 fix
    // m_0 = 3 (a known message of the proof), and = 2 would fix it to 4, which is false.
    let implied = Formula::All(vec![eq(1, int(2)), diff(1)]);
    assert_eq!(
        implied.known_messages().unwrap(),
        vec![(0, int(3)), (1, int(2))]
    );
    let p = prove_f(&cred, &[], &implied).unwrap();
    verify_f(&cred, &p, &implied).unwrap();
    assert!(prove_f(&cred, &[], &Formula::All(vec![eq(1, int(2)), diff(2)])).is_err());
    // The other order: m_0 - m_1 = 1 first puts m_1 in m_0's group as m_0 - 1, then m_1 = 2
    // pins the group through m_1's offset: m_0 = 3 again, and m_0 = 4 contradicts it.
    let reversed = Formula::All(vec![diff(1), eq(1, int(2))]);
    assert_eq!(
        reversed.known_messages().unwrap(),
        vec![(0, int(3)), (1, int(2))]
    );
    let p = prove_f(&cred, &[], &reversed).unwrap();
    verify_f(&cred, &p, &reversed).unwrap();
    assert!(contradiction(&Formula::All(vec![
        diff(1),
        eq(1, int(2)),
        eq(0, int(4))
    ])));
}

/// A formula has at most `MAX_FORMULA_NODES` nodes and `MAX_FORMULA_DEPTH` levels, through
/// ANDs and ORs alike.
#[test]
fn formulas_are_bounded_in_size_and_depth() {
    let cred = doses(3, 2);
    let bounded = |f: &Formula| {
        matches!(
            prove_f(&cred, &[], f),
            Err(Error::InvalidParameters(
                "a formula has at most 256 nodes, nested at most 8 deep"
            ))
        )
    };
    // Wide and shallow: one AND of 256 atoms is 257 nodes.
    let wide = Formula::All(vec![eq(0, int(3)); MAX_FORMULA_NODES]);
    assert!(bounded(&wide));
    let fits = Formula::All(vec![eq(0, int(3)); MAX_FORMULA_NODES - 1]);
    assert!(!bounded(&fits));
    // Narrow and deep: the atom under 9 ANDs, or under 9 ORs.
    let nest = |wrap: fn(Vec<Formula>) -> Formula, levels: usize| {
        (0..levels).fold(eq(0, int(3)), |f, _| wrap(vec![f]))
    };
    for wrap in [Formula::All as fn(Vec<Formula>) -> Formula, Formula::Any] {
        assert!(bounded(&nest(wrap, MAX_FORMULA_DEPTH + 1)));
        assert!(!bounded(&nest(wrap, MAX_FORMULA_DEPTH)));
    }
}

/// When a formula does not hold, the error names the first atom of the first root OR with no
/// true branch, not of one that holds.
#[test]
fn an_unsatisfied_formula_names_the_or_that_fails() {
    let cred = doses(3, 2);
    let f = Formula::All(vec![
        Formula::Any(vec![eq(0, int(3)), eq(0, int(4))]),
        Formula::Any(vec![eq(1, int(5)), eq(1, int(6))]),
    ]);
    assert_eq!(
        prove_f(&cred, &[], &f).unwrap_err(),
        Error::NotSatisfied { predicate: 2 }
    );
}

/// A proof checked against a formula of another shape (the same atoms and links, other
/// branches) is refused as `WrongShape` before any arithmetic.
#[test]
fn a_proof_of_another_shape_is_refused_as_such() {
    let cred = doses(3, 2);
    let two = Formula::Any(vec![
        Formula::All(vec![eq(0, int(3)), eq(1, int(2))]),
        eq(0, int(4)),
    ]);
    let three = Formula::Any(vec![eq(0, int(3)), eq(1, int(2)), eq(0, int(4))]);
    let p = prove_f(&cred, &[], &two).unwrap();
    verify_f(&cred, &p, &two).unwrap();
    assert_eq!(
        verify_f(&cred, &p, &three),
        Err(Error::WrongShape { predicate: 0 })
    );
}

/// A golden challenge: the formula transcript of a fixed statement, proven with a seeded
/// generator (key, signature and signed sets are deterministic too), hashes to this
/// challenge. Prover and verifier share `serialize_formula` and
/// `PredicateStatement::serialize`, so a change to either that both sides make alike still
/// verifies; only a pinned transcript shows that the challenge no longer binds what it did
/// (a difference's `minus_index` written as a plain `m_a = v`, a predicate's parameters left
/// out). When the transcript is changed on purpose, this value changes with it; so does an
/// upgrade of `rand` that changes `StdRng`'s stream (the lock file pins it).
#[test]
fn a_formula_transcript_is_pinned_by_a_golden_challenge() {
    use rand::SeedableRng;
    let seeded = |seed| rand::rngs::StdRng::seed_from_u64(seed);
    let cred = doses(3, 2);
    let digits = SignedSet::generate(&mut seeded(1), SetKind::Digits { base: 16 }).unwrap();
    let products = SignedSet::generate(
        &mut seeded(2),
        SetKind::Elements((0..5u64).map(|i| Scalar::from(1_000_000 + i)).collect()),
    )
    .unwrap();
    let f = Formula::All(vec![
        // dose - total >= 0 (a predicate over a difference: version 2 writes minus_index)
        pred(PredicateStatement {
            minus_index: Some(1),
            set: digits.clone(),
            ..at_least(0, 0, 16, 1)
        }),
        // date - dose = 18_776 (an equality over a difference with minus_index 0)
        Formula::Equality(EqualityStatement {
            message_index: 2,
            minus_index: Some(0),
            value: int(18_776),
            equal: true,
        }),
        Formula::Any(vec![
            eq(4, int(7_001)),
            pred(PredicateStatement {
                set: products.clone(),
                ..member(3)
            }),
        ]),
    ]);
    let prove_seeded =
        || prove_formula::<C>(&prepared(&cred), &[], &f, CONTEXT, &mut seeded(7)).unwrap();
    let p = prove_seeded();
    verify_f(&cred, &p, &f).unwrap();
    assert_eq!(
        p.bbs.to_bytes(),
        prove_seeded().bbs.to_bytes(),
        "deterministic"
    );
    assert_eq!(
        hex::encode(p.bbs.challenge().to_bytes()),
        "5f8db4590b2ed8c802600173c1e4a389997b4befd3abd3f4306652f468012348"
    );
    // Another statement that holds as well (`date = 18_779`, no difference): the proof
    // does not verify it.
    let plain = Formula::All(vec![
        pred(PredicateStatement {
            minus_index: Some(1),
            set: digits.clone(),
            ..at_least(0, 0, 16, 1)
        }),
        eq(2, int(18_779)),
        Formula::Any(vec![
            eq(4, int(7_001)),
            pred(PredicateStatement {
                set: products.clone(),
                ..member(3)
            }),
        ]),
    ]);
    assert!(verify_f(&cred, &p, &plain).is_err());
}

/// Every vector of a formula proof has the length its formula gives it, checked before any
/// equation: one element more or fewer in any one of them (links, branches, atoms, a
/// branch's responses), or a share on the wrong branch, is `WrongShape`, never a panic or
/// a later, vaguer error.
#[test]
fn each_vector_of_a_formula_proof_is_checked_for_its_length() {
    let f = Formula::All(vec![
        pred(at_least(2, 18_000, 256, 2)),
        Formula::Any(vec![
            Formula::All(vec![eq(3, Scalar::from(1u64))]),
            Formula::All(vec![
                difference_at_least(0, 1, 0),
                eq(3, Scalar::from(1_000_003u64)),
            ]),
        ]),
    ]);
    let cred = doses(3, 2);
    let p = prove_f(&cred, &[], &f).unwrap();
    verify_f(&cred, &p, &f).unwrap();
    let fp = &p.formula;
    assert!(!fp.links.is_empty() && fp.branches.len() == 2 && fp.atoms.len() == 4);
    let mut variants: Vec<(String, FormulaProof)> = Vec::new();
    let mut push = |what: String, change: &dyn Fn(&mut FormulaProof)| {
        let mut q = fp.clone();
        change(&mut q);
        variants.push((what, q));
    };
    push("a link more".into(), &|q| q.links.push(q.links[0].clone()));
    push("a link fewer".into(), &|q| {
        q.links.pop();
    });
    push("a branch more".into(), &|q| {
        q.branches.push(q.branches[0].clone())
    });
    push("a branch fewer".into(), &|q| {
        q.branches.pop();
    });
    push("an atom more".into(), &|q| q.atoms.push(q.atoms[0].clone()));
    push("an atom fewer".into(), &|q| {
        q.atoms.pop();
    });
    for b in 0..fp.branches.len() {
        push(format!("branch {b}: share toggled"), &|q| {
            let share = &mut q.branches[b].share;
            *share = if share.is_some() {
                None
            } else {
                Some(Scalar::one())
            };
        });
        push(format!("branch {b}: an m^ more"), &|q| {
            q.branches[b].m_hat.push(Scalar::one());
        });
        push(format!("branch {b}: a rho^ more"), &|q| {
            q.branches[b].rho_hat.push(Scalar::one());
        });
        push(format!("branch {b}: a rho^ fewer"), &|q| {
            q.branches[b].rho_hat.pop();
        });
    }
    for (what, q) in variants {
        let tampered = LinkedFormulaProof {
            bbs: p.bbs.clone(),
            formula: q,
        };
        assert_eq!(
            verify_f(&cred, &tampered, &f),
            Err(Error::WrongShape { predicate: 0 }),
            "{what}"
        );
    }
}

/// `scale * base^digits` must stay below `2^120` (so that no sum of digits wraps around
/// `r`): the bound multiplies the digit count by the base's bit length. Base 8192 (13 bits)
/// with 8 digits is 104 bits: a scale up to `2^16` fits, `2^17` does not.
#[test]
fn a_range_too_wide_for_the_field_is_refused() {
    use rand::SeedableRng;
    let wide = SignedSet::generate(
        &mut rand::rngs::StdRng::seed_from_u64(3),
        SetKind::Digits { base: 8192 },
    )
    .unwrap();
    let statement = |scale| PredicateStatement {
        digit_count: 8,
        scale,
        set: wide.clone(),
        ..at_least(0, 0, 16, 1)
    };
    assert_eq!(statement(1 << 10).check_shape(), Ok(()));
    assert_eq!(statement(1 << 16).check_shape(), Ok(()));
    assert_eq!(
        statement(1 << 17).check_shape(),
        Err(Error::InvalidParameters(
            "scale * base^digits must stay below 2^120"
        ))
    );
    let seven = PredicateStatement {
        digit_count: 7,
        ..statement(1 << 17)
    };
    assert_eq!(seven.check_shape(), Ok(()), "91 + 17 bits");
}

/// An OR inside a simulated branch, whose last child (the one that takes the challenge
/// left) ties two messages by `m_1 - m_0 = v`, so that the first message of the group
/// carries an offset and its response depends on that challenge: the formula holds through
/// its first branch only; the proof verifies, and does not verify another difference there.
#[test]
fn an_or_inside_a_simulated_branch_is_simulated_whole() {
    let cred = doses(3, 2);
    let diff = |value: i64| {
        Formula::Equality(EqualityStatement {
            message_index: 1,
            minus_index: Some(0),
            value: int(value),
            equal: true,
        })
    };
    let f = |value| {
        Formula::Any(vec![
            eq(0, int(3)),
            Formula::Any(vec![
                eq(1, int(5)),
                Formula::All(vec![diff(value), eq(2, int(18_000))]),
            ]),
        ])
    };
    let p = prove_f(&cred, &[], &f(7)).unwrap();
    verify_f(&cred, &p, &f(7)).unwrap();
    assert_eq!(verify_f(&cred, &p, &f(8)), Err(Error::VerificationFailed));
}

/// The digit count is 1 to 8 and the scale 1 to 2^20, both bounds included.
#[test]
fn digit_counts_and_scales_are_bounded() {
    let digits = |k| PredicateStatement {
        digit_count: k,
        ..at_least(0, 0, 16, 1)
    };
    let scaled = |scale| PredicateStatement {
        scale,
        ..at_least(0, 0, 16, 1)
    };
    let count = Err(Error::InvalidParameters(
        "digit count must be between 1 and 8",
    ));
    let scale = Err(Error::InvalidParameters(
        "the scale must be between 1 and 2^20",
    ));
    assert_eq!(digits(1).check_shape(), Ok(()));
    assert_eq!(digits(8).check_shape(), Ok(()));
    assert_eq!(digits(0).check_shape(), count);
    assert_eq!(digits(9).check_shape(), count);
    assert_eq!(scaled(1).check_shape(), Ok(()));
    assert_eq!(scaled(1 << 20).check_shape(), Ok(()));
    assert_eq!(scaled(0).check_shape(), scale);
    assert_eq!(scaled((1 << 20) + 1).check_shape(), scale);
}

/// A membership statement is one digit, without sign, offset or scale: any one of them
/// alone is refused.
#[test]
fn a_membership_statement_has_no_digits_sign_offset_or_scale() {
    let refused = Err(Error::InvalidParameters(
        "membership is one digit, no sign and no offset",
    ));
    assert_eq!(member(3).check_shape(), Ok(()));
    let variants = [
        PredicateStatement {
            digit_count: 2,
            ..member(3)
        },
        PredicateStatement {
            negate: true,
            ..member(3)
        },
        PredicateStatement {
            offset: Scalar::one(),
            ..member(3)
        },
        PredicateStatement {
            scale: 2,
            ..member(3)
        },
    ];
    for (i, st) in variants.iter().enumerate() {
        assert_eq!(st.check_shape(), refused, "variant {i}");
    }
}

/// A set has 1 to 65,536 elements, a digit base is at least 2, both bounds included; the
/// kind is checked before the signatures are counted.
#[test]
fn set_sizes_and_bases_are_bounded() {
    let pk = G2Affine::generator();
    let parts = |kind| SignedSet::from_parts(kind, pk, vec![]);
    let size = Err(Error::InvalidParameters(
        "set size must be between 1 and 65536",
    ));
    let count = Err(Error::InvalidParameters(
        "one signature per element is required",
    ));
    assert_eq!(parts(SetKind::Digits { base: 65_536 }).map(|_| ()), count);
    assert_eq!(parts(SetKind::Digits { base: 65_537 }).map(|_| ()), size);
    assert_eq!(parts(SetKind::Elements(vec![])).map(|_| ()), size);
    assert_eq!(
        parts(SetKind::Digits { base: 1 }).map(|_| ()),
        Err(Error::InvalidParameters("a digit base must be at least 2"))
    );
    assert_eq!(parts(SetKind::Digits { base: 2 }).map(|_| ()), count);
    assert!(SetKind::Elements(vec![]).is_empty());
    assert!(!SetKind::Digits { base: 2 }.is_empty());
    assert!(!SetKind::Elements(vec![Scalar::one()]).is_empty());
}

/// The uncompressed form a parameter store caches reads back to the same set, and nothing
/// shorter or longer does.
#[test]
fn a_set_round_trips_through_its_uncompressed_cache() {
    let set = digits(16);
    let bytes = set.to_uncompressed();
    assert_eq!(bytes.len(), 192 + 96 * 16);
    let back = SignedSet::from_uncompressed_trusted(set.kind().clone(), &bytes).unwrap();
    assert_eq!(back.signatures_to_octets(), set.signatures_to_octets());
    assert_eq!(back.public_key(), set.public_key());
    for cut in [&bytes[..bytes.len() - 1], &bytes[1..], &[1u8][..]] {
        assert!(SignedSet::from_uncompressed_trusted(set.kind().clone(), cut).is_err());
    }
}

/// `is_same_set` names one decoded set (shared signatures): a clone is the same set; a set
/// of the same kind under another key, or decoded again, is not.
#[test]
fn the_same_set_is_one_allocation_of_one_kind_and_key() {
    use rand::SeedableRng;
    let set = digits(16);
    assert!(set.is_same_set(&set.clone()));
    let other = SignedSet::generate(
        &mut rand::rngs::StdRng::seed_from_u64(5),
        SetKind::Digits { base: 16 },
    )
    .unwrap();
    assert!(!set.is_same_set(&other));
    let again =
        SignedSet::from_uncompressed_trusted(set.kind().clone(), &set.to_uncompressed()).unwrap();
    assert!(!set.is_same_set(&again));
}

/// A simulated OR of three children: the challenge shares of all three must add up to the
/// one their OR got, whichever child takes the rest.
#[test]
fn a_simulated_or_of_three_splits_its_challenge_exactly() {
    let cred = doses(3, 2);
    let f = |last: i64| {
        Formula::Any(vec![
            eq(0, int(3)),
            Formula::Any(vec![eq(1, int(5)), eq(1, int(6)), eq(1, int(last))]),
        ])
    };
    let p = prove_f(&cred, &[], &f(7)).unwrap();
    verify_f(&cred, &p, &f(7)).unwrap();
    assert_eq!(verify_f(&cred, &p, &f(8)), Err(Error::VerificationFailed));
}

/// An atom's proof must be of its statement's kind: an inequality answered by an equality's
/// (empty) proof, or an equality by an inequality's, is `WrongShape` naming the atom, not a
/// statement left unchecked.
#[test]
fn an_atom_proof_of_the_wrong_kind_is_refused_as_such() {
    let cred = doses(3, 2);
    let f = Formula::All(vec![eq(0, int(3)), ne(3, Scalar::one())]);
    let p = prove_f(&cred, &[], &f).unwrap();
    verify_f(&cred, &p, &f).unwrap();
    let (equality, not_equal) = (p.formula.atoms[0].clone(), p.formula.atoms[1].clone());
    assert!(matches!(equality, AtomProof::Equality));
    assert!(matches!(not_equal, AtomProof::NotEqual(_)));
    for (i, atom) in [(1, equality), (0, not_equal)] {
        let mut q = p.clone();
        q.formula.atoms[i] = atom;
        assert_eq!(
            verify_f(&cred, &q, &f),
            Err(Error::WrongShape { predicate: i })
        );
    }
}

/// The predicate proof decoder bounds the digit count as the statement does: 8 digits
/// decode, 9 and 0 are refused before any byte is read, even when the bytes are well formed.
#[test]
fn a_predicate_proof_decoder_bounds_its_digit_count() {
    let cred = sample();
    let st = vec![at_most(2, 18_800, 64, 2)];
    let bytes = prove(&cred, &[], &st).unwrap().predicates[0].to_bytes();
    let per_digit = 2 * 48 + 32;
    let (digit, d_hat) = (
        &bytes[..per_digit],
        &bytes[2 * per_digit..2 * per_digit + 32],
    );
    let well_formed = |k: usize| {
        let mut b = digit.repeat(k);
        b.extend(d_hat.repeat(k.saturating_sub(1)));
        assert_eq!(b.len(), PredicateProof::encoded_len(k));
        b
    };
    let count = Err(Error::InvalidParameters(
        "digit count must be between 1 and 8",
    ));
    for k in 1..=MAX_DIGITS {
        let decoded = PredicateProof::from_bytes(&well_formed(k), k).unwrap();
        assert_eq!(decoded.to_bytes(), well_formed(k), "{k} digits");
    }
    assert_eq!(PredicateProof::from_bytes(&well_formed(9), 9), count);
    assert_eq!(PredicateProof::from_bytes(&[], 0), count);
}

/// An OR of three children carries two challenge shares: its proof decodes from its own
/// bytes, and a share more or fewer is refused as a wrong length.
#[test]
fn an_or_of_three_encodes_two_challenge_shares() {
    let cred = doses(3, 2);
    let f = Formula::Any(vec![eq(1, int(5)), eq(1, int(2)), eq(1, int(7))]);
    let p = prove_f(&cred, &[], &f).unwrap();
    let bytes = p.formula.to_bytes();
    assert_eq!(FormulaProof::from_bytes(&bytes, &f).unwrap(), p.formula);
    // Per branch: its share (not the last's) and its one message, whose group the
    // equality pins (no free group); an equality's own proof is empty.
    assert_eq!(p.formula.branches.len(), 3);
    assert_eq!(bytes.len(), p.formula.links.len() * 80 + (2 + 3) * 32);
    for len in [bytes.len() - 32, bytes.len() + 32] {
        let mut b = bytes.clone();
        b.resize(len, 1);
        assert!(FormulaProof::from_bytes(&b, &f).is_err(), "{len} bytes");
    }
}

/// Differences chained through a shared message put each message in one group at the right
/// offset, even when the message joined is already offset in its group:
/// `m_0 - m_2 = 5` puts `m_2` at `m_0 - 5`; `m_1 - m_2 = 2` then joins `m_0`'s group to
/// `m_1`'s through `m_2`'s offset, so `m_1 = 7` fixes `m_0 = 10` and `m_2 = 5`.
#[test]
fn chained_differences_join_groups_through_an_offset() {
    let diff = |a: usize, b: usize, v: i64| {
        Formula::Equality(EqualityStatement {
            message_index: a,
            minus_index: Some(b),
            value: int(v),
            equal: true,
        })
    };
    let cred = credential(&[int(10), int(7), int(5), int(0)]);
    let f = |pin: i64| Formula::All(vec![diff(0, 2, 5), diff(1, 2, 2), eq(1, int(pin))]);
    assert_eq!(
        f(7).known_messages().unwrap(),
        vec![(0, int(10)), (1, int(7)), (2, int(5))]
    );
    let p = prove_f(&cred, &[], &f(7)).unwrap();
    verify_f(&cred, &p, &f(7)).unwrap();
    let free = Formula::All(vec![diff(0, 2, 5), diff(1, 2, 2)]);
    let p = prove_f(&cred, &[], &free).unwrap();
    verify_f(&cred, &p, &free).unwrap();
    // False chains: m_1 = 8 would make m_0 = 11.
    assert!(prove_f(&cred, &[], &f(8)).is_err());
    // Pinning both ends of the chain: m_1 = 7 fixes m_0 = 10 through the offsets, so
    // m_0 = 10 agrees and m_0 = 11 contradicts it before any message is read.
    let both = |m0: i64| {
        Formula::All(vec![
            diff(0, 2, 5),
            diff(1, 2, 2),
            eq(1, int(7)),
            eq(0, int(m0)),
        ])
    };
    let p = prove_f(&cred, &[], &both(10)).unwrap();
    verify_f(&cred, &p, &both(10)).unwrap();
    assert_eq!(
        prove_f(&cred, &[], &both(11)).unwrap_err(),
        Error::InvalidParameters("the equalities of one branch contradict each other")
    );
    let false_chain = Formula::All(vec![diff(0, 2, 5), diff(1, 2, 3)]);
    assert!(prove_f(&cred, &[], &false_chain).is_err());
}

/// A message an equality pins in the root (a known message of the proof) can still be the
/// subject of other atoms: its response is `c * value`, on both sides. The proof does not
/// transfer to another true statement.
#[test]
fn a_pinned_message_is_the_subject_of_other_atoms() {
    let cred = doses(3, 2);
    let f = |other: i64| Formula::All(vec![eq(0, int(3)), ne(0, int(other))]);
    assert_eq!(f(5).known_messages().unwrap(), vec![(0, int(3))]);
    let p = prove_f(&cred, &[], &f(5)).unwrap();
    verify_f(&cred, &p, &f(5)).unwrap();
    assert_eq!(verify_f(&cred, &p, &f(6)), Err(Error::VerificationFailed));
    let ranged = Formula::All(vec![eq(0, int(3)), pred(at_least(0, 2, 16, 1))]);
    let p = prove_f(&cred, &[], &ranged).unwrap();
    verify_f(&cred, &p, &ranged).unwrap();
    let other = Formula::All(vec![eq(0, int(3)), pred(at_least(0, 1, 16, 1))]);
    assert_eq!(verify_f(&cred, &p, &other), Err(Error::VerificationFailed));
}

/// The digit split looks at every bit left past the last digit: a difference of `16 * 2^64`
/// (its quotient by 16 has only high bits), `16 * (2^64 + 1)` (two equal halves), `2^100`,
/// or `2^128 + 2^136` (past 128 bits) does not fit one base-16 digit, so the holder refuses
/// it as out of span instead of proving a false split; the largest difference that fits,
/// 15, is proven.
#[test]
fn a_difference_past_the_digits_is_out_of_span_in_any_bit() {
    let two_64 = Scalar::from(1u64 << 32).square();
    for (what, difference) in [
        ("16 * 2^64", two_64 * Scalar::from(16u64)),
        (
            "16 * 2^64 + 5",
            two_64 * Scalar::from(16u64) + Scalar::from(5u64),
        ),
        ("2^100", two_64 * Scalar::from(1u64 << 36)),
        // The quotient's two 64-bit halves equal: 2^64 + 1.
        (
            "16 * (2^64 + 1)",
            (two_64 + Scalar::one()) * Scalar::from(16u64),
        ),
        // Past 128 bits, high bytes whose XOR is zero: 2^128 + 2^136.
        ("2^128 + 2^136", two_64.square() * Scalar::from(257u64)),
    ] {
        let cred = sample_with(1, difference);
        assert_eq!(
            prove(&cred, &[], &[at_least(1, 0, 16, 1)]).unwrap_err(),
            Error::OutOfSpan { predicate: 0 },
            "{what}"
        );
    }
    // A negative difference is false, not out of span.
    assert_eq!(
        prove(&sample_with(1, int(-1)), &[], &[at_least(1, 0, 16, 1)]).unwrap_err(),
        Error::NotSatisfied { predicate: 0 }
    );
    let cred = sample_with(1, int(15));
    let st = [at_least(1, 0, 16, 1)];
    let proof = prove(&cred, &[], &st).unwrap();
    verify(&cred, &proof, &[], &st).unwrap();
}

/// The verifier's recomputation of a predicate's commitments (`predicate::recompute`)
/// refuses, before any arithmetic, a proof of another shape (one digit more or fewer, one
/// `d^` more or fewer) and a proof with an identity `V` or `Vbar`, alone or both: with
/// both, every equation would hold for any digit. An honest proof is recomputed.
#[test]
fn recomputing_a_predicate_refuses_other_shapes_and_identities() {
    let cred = sample();
    let st = at_most(2, 18_800, 64, 2);
    let proof = prove(&cred, &[], std::slice::from_ref(&st)).unwrap();
    let good = &proof.predicates[0];
    let (m_hat, c) = (Scalar::from(5u64), Scalar::from(7u64));
    let recompute = |p: &PredicateProof| predicate::recompute(0, &st, p, &m_hat, &c).map(|_| ());
    assert_eq!(recompute(good), Ok(()));
    let shape = Err(Error::WrongShape { predicate: 0 });
    let mut more_digits = good.clone();
    more_digits.digits.push(good.digits[0].clone());
    let mut fewer_digits = good.clone();
    fewer_digits.digits.pop();
    let mut more_d_hat = good.clone();
    more_d_hat.d_hat.push(good.d_hat[0]);
    let mut fewer_d_hat = good.clone();
    fewer_d_hat.d_hat.pop();
    for p in [&more_digits, &fewer_digits, &more_d_hat, &fewer_d_hat] {
        assert_eq!(recompute(p), shape);
    }
    for (v, v_bar) in [(true, false), (false, true), (true, true)] {
        let mut hollow = good.clone();
        if v {
            hollow.digits[1].v = G1Affine::identity();
        }
        if v_bar {
            hollow.digits[1].v_bar = G1Affine::identity();
        }
        assert_eq!(
            recompute(&hollow),
            Err(Error::VerificationFailed),
            "V identity {v}, Vbar identity {v_bar}"
        );
    }
}

/// A parameter set reassembled from its parts refuses the identity as its key or as any one
/// signature, each alone; its own parts reassemble.
#[test]
fn a_set_with_an_identity_key_or_signature_is_refused() {
    let set = digits(16);
    let signatures: Vec<G1Affine> = set
        .signatures_to_octets()
        .chunks(48)
        .map(|c| G1Affine::from_compressed(c.try_into().unwrap()).unwrap())
        .collect();
    let kind = set.kind().clone();
    let rebuilt =
        SignedSet::from_parts(kind.clone(), *set.public_key(), signatures.clone()).unwrap();
    assert_eq!(rebuilt.signatures_to_octets(), set.signatures_to_octets());
    rebuilt.check(&mut rand::rng()).unwrap();
    let refused = Err(Error::InvalidParameters("identity point in parameters"));
    let identity_key =
        SignedSet::from_parts(kind.clone(), G2Affine::identity(), signatures.clone());
    assert_eq!(identity_key.map(|_| ()), refused);
    for j in [0, 7, 15] {
        let mut sigs = signatures.clone();
        sigs[j] = G1Affine::identity();
        let one = SignedSet::from_parts(kind.clone(), *set.public_key(), sigs);
        assert_eq!(one.map(|_| ()), refused, "signature {j}");
    }
}

/// The constant-time scan of a digit set finds a digit by all of its bits: `3`, and not
/// `3 + 2^64` or `3 + 2^64 + 2^72` (high bytes whose OR is set but whose XOR is zero),
/// which share its low 64 bits. The timing program's entry point returns the same signature.
#[test]
fn a_digit_scan_compares_every_bit() {
    let set = digits(16);
    let signatures = set.signatures_to_octets();
    let third = G1Affine::from_compressed(signatures[3 * 48..4 * 48].try_into().unwrap()).unwrap();
    assert_eq!(set.signature_ct(&Scalar::from(3u64)), Some(third));
    assert_eq!(set.signature_scan_for_timing(&Scalar::from(3u64)), third);
    let two_64 = Scalar::from(1u64 << 32).square();
    for high in [two_64, two_64 * Scalar::from(257u64)] {
        assert_eq!(set.signature_ct(&(high + Scalar::from(3u64))), None);
    }
    assert_eq!(set.signature_ct(&Scalar::from(16u64)), None);
}
