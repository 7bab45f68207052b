//! Bad input gets a specific error, never a panic; every tampered statement is rejected.

mod common;

use common::{g1_identity, g1_off_subgroup, g2_off_subgroup, R};
use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Proof, PublicKey, Scalar,
    SecretKey, Signature,
};

const HEADER: &[u8] = b"healthpass test header";
const PH: &[u8] = b"verifier nonce 0001";

fn messages() -> Vec<Vec<u8>> {
    [
        &b"Ada"[..],
        b"Lovelace",
        b"1815-12-10",
        b"EU/1/20/1528",
        b"2",
        b"2021-06-01",
        b"",
    ]
    .iter()
    .map(|m| m.to_vec())
    .collect()
}

fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
    v.iter().map(Vec::as_slice).collect()
}

struct Fixture {
    sk: SecretKey,
    pk: PublicKey,
    sig: Signature,
    msgs: Vec<Vec<u8>>,
}

fn fixture<C: Ciphersuite>() -> Fixture {
    let sk = bbs::keygen::<C>(&[42u8; 32], b"negative tests", None).unwrap();
    let pk = sk.public_key();
    let msgs = messages();
    let sig = bbs::sign::<C>(&sk, &pk, HEADER, &refs(&msgs)).unwrap();
    Fixture { sk, pk, sig, msgs }
}

#[test]
fn secret_key_decoding() {
    assert_eq!(
        SecretKey::from_bytes(&[1u8; 31]).unwrap_err(),
        Error::InvalidLength {
            what: "secret key",
            expected: 32,
            actual: 31
        }
    );
    assert_eq!(
        SecretKey::from_bytes(&[0u8; 32]).unwrap_err(),
        Error::ZeroSecretKey
    );
    assert_eq!(
        SecretKey::from_bytes(&R).unwrap_err(),
        Error::NonCanonicalScalar
    );
    assert_eq!(
        SecretKey::from_bytes(&[0xff; 32]).unwrap_err(),
        Error::NonCanonicalScalar
    );
    let mut r_minus_1 = R;
    r_minus_1[31] = 0;
    assert!(SecretKey::from_bytes(&r_minus_1).is_ok());
}

#[test]
fn keygen_rejects_bad_lengths() {
    assert_eq!(
        bbs::keygen::<Bls12381Sha256>(&[1u8; 31], b"", None).unwrap_err(),
        Error::KeyMaterialTooShort { actual: 31 }
    );
    assert_eq!(
        bbs::keygen::<Bls12381Sha256>(&[1u8; 32], &vec![0u8; 65536], None).unwrap_err(),
        Error::KeyInfoTooLong { actual: 65536 }
    );
    assert_eq!(
        bbs::keygen::<Bls12381Sha256>(&[1u8; 32], b"", Some(&[b'x'; 256])).unwrap_err(),
        Error::DstTooLong { actual: 256 }
    );
    assert!(bbs::keygen::<Bls12381Shake256>(&[1u8; 32], &vec![0u8; 65535], None).is_ok());
}

#[test]
fn public_key_decoding() {
    assert!(matches!(
        PublicKey::from_bytes(&[0u8; 95]).unwrap_err(),
        Error::InvalidLength {
            expected: 96,
            actual: 95,
            ..
        }
    ));
    let mut identity = [0u8; 96];
    identity[0] = 0xc0;
    assert_eq!(
        PublicKey::from_bytes(&identity).unwrap_err(),
        Error::IdentityPoint
    );
    assert_eq!(
        PublicKey::from_bytes(&g2_off_subgroup()).unwrap_err(),
        Error::PointNotInSubgroup
    );
    // Uncompressed flag clear: not a valid compressed encoding.
    assert_eq!(
        PublicKey::from_bytes(&[0u8; 96]).unwrap_err(),
        Error::MalformedPoint
    );
    // x >= p.
    let mut big = [0xffu8; 96];
    big[0] = 0x9f;
    assert_eq!(
        PublicKey::from_bytes(&big).unwrap_err(),
        Error::MalformedPoint
    );
}

#[test]
fn signature_decoding() {
    let f = fixture::<Bls12381Sha256>();
    let good = f.sig.to_bytes();
    assert!(matches!(
        Signature::from_bytes(&good[..79]).unwrap_err(),
        Error::InvalidLength {
            expected: 80,
            actual: 79,
            ..
        }
    ));
    let mut b = good;
    b[..48].copy_from_slice(&g1_identity());
    assert_eq!(Signature::from_bytes(&b).unwrap_err(), Error::IdentityPoint);
    let mut b = good;
    b[..48].copy_from_slice(&g1_off_subgroup());
    assert_eq!(
        Signature::from_bytes(&b).unwrap_err(),
        Error::PointNotInSubgroup
    );
    let mut b = good;
    b[48..].copy_from_slice(&[0u8; 32]);
    assert_eq!(Signature::from_bytes(&b).unwrap_err(), Error::ZeroScalar);
    let mut b = good;
    b[48..].copy_from_slice(&R);
    assert_eq!(
        Signature::from_bytes(&b).unwrap_err(),
        Error::NonCanonicalScalar
    );
    assert_eq!(Signature::from_bytes(&good).unwrap(), f.sig);
}

#[test]
fn proof_decoding() {
    let f = fixture::<Bls12381Sha256>();
    let proof = bbs::proof_gen::<Bls12381Sha256>(
        &f.pk,
        &f.sig,
        HEADER,
        PH,
        &refs(&f.msgs),
        &[0, 3],
        &mut rand::rng(),
    )
    .unwrap();
    let good = proof.to_bytes();
    assert_eq!(good.len(), 272 + 32 * 5);
    for len in [0, 1, 271, 273, good.len() - 1, good.len() + 1] {
        let mut b = good.clone();
        b.resize(len, 0);
        assert_eq!(
            Proof::from_bytes(&b).unwrap_err(),
            Error::InvalidProofLength { actual: len }
        );
    }
    for point in 0..3 {
        let mut b = good.clone();
        b[48 * point..48 * (point + 1)].copy_from_slice(&g1_identity());
        assert_eq!(
            Proof::from_bytes(&b).unwrap_err(),
            Error::IdentityPoint,
            "point {point}"
        );
        let mut b = good.clone();
        b[48 * point..48 * (point + 1)].copy_from_slice(&g1_off_subgroup());
        assert_eq!(
            Proof::from_bytes(&b).unwrap_err(),
            Error::PointNotInSubgroup,
            "point {point}"
        );
    }
    let scalars = (good.len() - 144) / 32;
    for k in 0..scalars {
        let at = 144 + 32 * k;
        let mut b = good.clone();
        b[at..at + 32].copy_from_slice(&[0u8; 32]);
        assert_eq!(
            Proof::from_bytes(&b).unwrap_err(),
            Error::ZeroScalar,
            "scalar {k}"
        );
        let mut b = good.clone();
        b[at..at + 32].copy_from_slice(&R);
        assert_eq!(
            Proof::from_bytes(&b).unwrap_err(),
            Error::NonCanonicalScalar,
            "scalar {k}"
        );
    }
    assert_eq!(Proof::from_bytes(&good).unwrap(), proof);
}

fn tampered_statements<C: Ciphersuite>() {
    let f = fixture::<C>();
    let msgs = refs(&f.msgs);
    let disclosed = [1usize, 3];
    let proof = bbs::proof_gen::<C>(
        &f.pk,
        &f.sig,
        HEADER,
        PH,
        &msgs,
        &disclosed,
        &mut rand::rng(),
    )
    .unwrap();
    let revealed = [msgs[1], msgs[3]];
    bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &revealed, &disclosed).unwrap();
    let failed = |r: Result<(), Error>| assert_eq!(r.unwrap_err(), Error::VerificationFailed);
    // Wrong header, wrong presentation header (nonce), wrong disclosed value, wrong index.
    failed(bbs::proof_verify::<C>(
        &f.pk,
        &proof,
        b"other header",
        PH,
        &revealed,
        &disclosed,
    ));
    failed(bbs::proof_verify::<C>(
        &f.pk,
        &proof,
        HEADER,
        b"replayed nonce",
        &revealed,
        &disclosed,
    ));
    failed(bbs::proof_verify::<C>(
        &f.pk,
        &proof,
        HEADER,
        PH,
        &[msgs[1], b"EU/1/20/1507"],
        &disclosed,
    ));
    failed(bbs::proof_verify::<C>(
        &f.pk,
        &proof,
        HEADER,
        PH,
        &revealed,
        &[1, 4],
    ));
    failed(bbs::proof_verify::<C>(
        &f.pk,
        &proof,
        HEADER,
        PH,
        &[msgs[3], msgs[1]],
        &disclosed,
    ));
    // Wrong issuer key.
    let other = bbs::keygen::<C>(&[7u8; 32], b"another issuer", None)
        .unwrap()
        .public_key();
    failed(bbs::proof_verify::<C>(
        &other, &proof, HEADER, PH, &revealed, &disclosed,
    ));
    // Signature checks.
    bbs::verify::<C>(&f.pk, &f.sig, HEADER, &msgs).unwrap();
    failed(bbs::verify::<C>(&other, &f.sig, HEADER, &msgs));
    failed(bbs::verify::<C>(&f.pk, &f.sig, b"", &msgs));
    let mut swapped = msgs.clone();
    swapped.swap(0, 1);
    failed(bbs::verify::<C>(&f.pk, &f.sig, HEADER, &swapped));
}

#[test]
fn tampered_statements_sha256() {
    tampered_statements::<Bls12381Sha256>();
}

#[test]
fn tampered_statements_shake256() {
    tampered_statements::<Bls12381Shake256>();
}

#[test]
fn suites_do_not_cross() {
    let f = fixture::<Bls12381Sha256>();
    let msgs = refs(&f.msgs);
    assert_eq!(
        bbs::verify::<Bls12381Shake256>(&f.pk, &f.sig, HEADER, &msgs).unwrap_err(),
        Error::VerificationFailed
    );
    let proof =
        bbs::proof_gen::<Bls12381Sha256>(&f.pk, &f.sig, HEADER, PH, &msgs, &[0], &mut rand::rng())
            .unwrap();
    assert_eq!(
        bbs::proof_verify::<Bls12381Shake256>(&f.pk, &proof, HEADER, PH, &[msgs[0]], &[0])
            .unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn index_and_count_errors() {
    type C = Bls12381Sha256;
    let f = fixture::<C>();
    let msgs = refs(&f.msgs);
    let l = msgs.len();
    let mut rng = rand::rng();
    assert_eq!(
        bbs::proof_gen::<C>(&f.pk, &f.sig, HEADER, PH, &msgs, &[l], &mut rng).unwrap_err(),
        Error::IndexOutOfRange { index: l, count: l }
    );
    assert_eq!(
        bbs::proof_gen::<C>(&f.pk, &f.sig, HEADER, PH, &msgs, &[usize::MAX], &mut rng).unwrap_err(),
        Error::IndexOutOfRange {
            index: usize::MAX,
            count: l
        }
    );
    assert_eq!(
        bbs::proof_gen::<C>(&f.pk, &f.sig, HEADER, PH, &msgs, &[2, 1, 2], &mut rng).unwrap_err(),
        Error::DuplicateIndex { index: 2 }
    );
    // Unordered but distinct indexes are fine, and the verifier may list them in any order.
    let proof = bbs::proof_gen::<C>(&f.pk, &f.sig, HEADER, PH, &msgs, &[3, 0], &mut rng).unwrap();
    bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &[msgs[3], msgs[0]], &[3, 0]).unwrap();
    bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &[msgs[0], msgs[3]], &[0, 3]).unwrap();
    assert_eq!(
        bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &[msgs[0], msgs[0]], &[0, 0])
            .unwrap_err(),
        Error::DuplicateIndex { index: 0 }
    );
    assert_eq!(
        bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &[msgs[0]], &[0, 3]).unwrap_err(),
        Error::MessageCountMismatch {
            expected: 2,
            actual: 1
        }
    );
    // L = U + R = 7: index 7 is out of range.
    assert_eq!(
        bbs::proof_verify::<C>(&f.pk, &proof, HEADER, PH, &[msgs[0], msgs[0]], &[0, 7])
            .unwrap_err(),
        Error::IndexOutOfRange { index: 7, count: 7 }
    );
    assert!(matches!(
        bbs::proof_verify::<C>(
            &f.pk,
            &proof,
            HEADER,
            PH,
            &[msgs[0], msgs[0]],
            &[0, usize::MAX]
        )
        .unwrap_err(),
        Error::IndexOutOfRange { .. }
    ));
    // A signature over the wrong number of messages.
    assert_eq!(
        bbs::verify::<C>(&f.pk, &f.sig, HEADER, &msgs[..l - 1]).unwrap_err(),
        Error::VerificationFailed
    );
    let too_many = vec![&b""[..]; bbs::MAX_MESSAGES + 1];
    assert!(matches!(
        bbs::sign::<C>(&f.sk, &f.pk, HEADER, &too_many).unwrap_err(),
        Error::TooManyMessages { .. }
    ));
}

#[test]
fn empty_message_list_and_full_disclosure() {
    type C = Bls12381Shake256;
    let sk = bbs::keygen::<C>(&[9u8; 32], b"", None).unwrap();
    let pk = sk.public_key();
    let sig = bbs::sign::<C>(&sk, &pk, b"", &[]).unwrap();
    bbs::verify::<C>(&pk, &sig, b"", &[]).unwrap();
    let proof = bbs::proof_gen::<C>(&pk, &sig, b"", b"", &[], &[], &mut rand::rng()).unwrap();
    assert_eq!(proof.to_bytes().len(), 272);
    bbs::proof_verify::<C>(&pk, &proof, b"", b"", &[], &[]).unwrap();
    assert_eq!(
        bbs::proof_verify::<C>(&pk, &proof, b"h", b"", &[], &[]).unwrap_err(),
        Error::VerificationFailed
    );
}

#[test]
fn secrets_are_not_printed() {
    let sk = bbs::keygen::<Bls12381Sha256>(&[5u8; 32], b"", None).unwrap();
    let hex_sk: String = sk.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let printed = format!("{sk:?} {sk:#?}");
    assert!(!printed.contains(&hex_sk[..16]), "{printed}");
    assert!(printed.contains("redacted"));
    let random = bbs::ProofRandomScalars::random(&mut rand::rng(), 3);
    assert_eq!(format!("{random:?}"), "ProofRandomScalars(<redacted>)");
    // Constant-time equality still compares values.
    let same = SecretKey::from_bytes(&sk.to_bytes()).unwrap();
    assert_eq!(sk, same);
    let other = bbs::keygen::<Bls12381Sha256>(&[6u8; 32], b"", None).unwrap();
    assert_ne!(sk, other);
}

#[test]
fn low_level_steps_name_unsorted_and_repeated_indexes() {
    type C = Bls12381Sha256;
    let f = fixture::<C>();
    let api_id = bbs::api_id::<C>();
    let msgs = refs(&f.msgs);
    let scalars = bbs::messages_to_scalars::<C>(&msgs, &api_id).unwrap();
    let generators = bbs::Generators::new::<C>(msgs.len(), &api_id).unwrap();
    let init = |undisclosed: &[usize]| {
        let random = bbs::ProofRandomScalars::random(&mut rand::rng(), undisclosed.len());
        bbs::proof_init::<C>(
            &f.pk,
            &f.sig,
            &generators,
            HEADER,
            &scalars,
            undisclosed,
            random,
            &api_id,
        )
        .map(|_| ())
    };
    assert_eq!(
        init(&[3, 1]).unwrap_err(),
        Error::UnsortedIndexes { index: 1 }
    );
    assert_eq!(
        init(&[1, 1]).unwrap_err(),
        Error::DuplicateIndex { index: 1 }
    );
    assert!(init(&[1, 3]).is_ok());
}

/// `expand_message` (RFC 9380 §5.3) at each suite's limits: an empty output and one past
/// the suite's maximum are refused, the maximum itself is produced; a 255-octet DST is the
/// longest accepted. (Kills the boundary mutants of `Ciphersuite::expand_message`.)
fn expand_message_limits<C: Ciphersuite>() {
    let msg: [&[u8]; 2] = [b"abc", b"def"];
    assert_eq!(
        C::expand_message(&msg, b"DST", 0).unwrap_err(),
        Error::ExpandLengthTooLarge { requested: 0 }
    );
    assert_eq!(
        C::expand_message(&msg, b"DST", C::MAX_EXPAND_LEN)
            .unwrap()
            .len(),
        C::MAX_EXPAND_LEN
    );
    assert_eq!(
        C::expand_message(&msg, b"DST", C::MAX_EXPAND_LEN + 1).unwrap_err(),
        Error::ExpandLengthTooLarge {
            requested: C::MAX_EXPAND_LEN + 1
        }
    );
    assert_eq!(C::expand_message(&msg, b"DST", 1).unwrap().len(), 1);
    assert_eq!(C::expand_message(&msg, &[b'x'; 255], 48).unwrap().len(), 48);
    assert_eq!(
        C::expand_message(&msg, &[b'x'; 256], 48).unwrap_err(),
        Error::DstTooLong { actual: 256 }
    );
    // The parts are concatenated: the same octets split differently expand the same.
    assert_eq!(
        C::expand_message(&msg, b"DST", 48).unwrap(),
        C::expand_message(&[b"abcdef"], b"DST", 48).unwrap()
    );
}

#[test]
fn expand_message_at_the_suite_limits() {
    // RFC 9380 §5.3.1: ell = ceil(len / 32) <= 255 for SHA-256; §5.3.2: len < 2^16 for XOF.
    assert_eq!(Bls12381Sha256::MAX_EXPAND_LEN, 255 * 32);
    assert_eq!(Bls12381Shake256::MAX_EXPAND_LEN, 65535);
    expand_message_limits::<Bls12381Sha256>();
    expand_message_limits::<Bls12381Shake256>();
}

/// Each error says what is wrong, with its figures (kills the mutant that empties
/// `Display`).
#[test]
fn errors_say_what_is_wrong() {
    let cases = [
        (
            Error::InvalidLength {
                what: "G1 point",
                expected: 48,
                actual: 47,
            },
            "G1 point: expected 48 octets, got 47",
        ),
        (
            Error::DstTooLong { actual: 256 },
            "domain-separation tag must be at most 255 octets, got 256",
        ),
        (
            Error::IndexOutOfRange { index: 9, count: 7 },
            "index 9 is out of range for 7 messages",
        ),
        (
            Error::BatchVerificationFailed { failed: vec![1, 4] },
            "batch verification failed for proofs [1, 4]",
        ),
        (Error::VerificationFailed, "verification failed"),
    ];
    for (error, text) in cases {
        assert_eq!(error.to_string(), text);
    }
}

/// A proof is `272 + 32 * U` octets (draft §4.2.4.4): the public constant, `len` and the
/// encoding agree for several `U`. (Written for the surviving mutants of `proof.rs` lines 16
/// and 89, which changed `PROOF_BASE_LENGTH` and `Proof::len` unnoticed.)
#[test]
fn proof_length_is_272_plus_32_per_hidden_message() {
    type C = Bls12381Sha256;
    assert_eq!(bbs::PROOF_BASE_LENGTH, 272);
    let f = fixture::<C>();
    let msgs = refs(&f.msgs);
    let all: Vec<usize> = (0..msgs.len()).collect();
    for disclosed in [&[][..], &[0, 2][..], &all[..]] {
        let proof = bbs::proof_gen::<C>(
            &f.pk,
            &f.sig,
            HEADER,
            PH,
            &msgs,
            disclosed,
            &mut rand::rng(),
        )
        .unwrap();
        let u = msgs.len() - disclosed.len();
        assert_eq!(proof.undisclosed_count(), u);
        assert_eq!(proof.len(), 272 + 32 * u);
        assert_eq!(proof.to_bytes().len(), proof.len());
    }
}

/// A signature's accessors give the two parts of its octets, `A || e` (draft §4.2.4.2).
/// (Kills the surviving mutant that made `Signature::e` return zero.)
#[test]
fn signature_parts_are_its_octets() {
    let f = fixture::<Bls12381Sha256>();
    let bytes = f.sig.to_bytes();
    assert_eq!(f.sig.a().to_compressed()[..], bytes[..48]);
    assert_eq!(bbs::octets::scalar_to_octets(f.sig.e())[..], bytes[48..]);
}

/// `create_generators` makes up to `MAX_MESSAGES + 1` points (`Q_1` and one per message),
/// each the draft's (the first two match a short call), and refuses one more with the
/// message count in the error. Before this test nothing asked for the limit itself, so
/// moving it by one (`>` to `>=`, `MAX_MESSAGES + 1` to `- 1` or `* 1`) went unnoticed.
#[test]
fn generators_up_to_the_message_limit() {
    type C = Bls12381Sha256;
    // An interface of its own, so that the generator cache of the other tests plays no part.
    let api_id = b"healthpass generator limit test";
    let all = bbs::create_generators::<C>(bbs::MAX_MESSAGES + 1, api_id).unwrap();
    assert_eq!(all.len(), bbs::MAX_MESSAGES + 1);
    assert_eq!(
        all[..2],
        bbs::create_generators::<C>(2, api_id).unwrap()[..]
    );
    assert_eq!(
        bbs::create_generators::<C>(bbs::MAX_MESSAGES + 2, api_id).unwrap_err(),
        Error::TooManyMessages {
            actual: bbs::MAX_MESSAGES + 1,
            max: bbs::MAX_MESSAGES
        }
    );
}

/// Public values print their octets in hex (`PublicKey(…)`, `Signature(…)`, `Proof(…)`), so
/// that a log shows which key or proof it was; secrets are redacted
/// (`secrets_are_not_printed`). Kills the mutant that printed a public key as nothing.
#[test]
fn public_values_print_their_octets() {
    type C = Bls12381Sha256;
    let f = fixture::<C>();
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let proof = bbs::proof_gen::<C>(
        &f.pk,
        &f.sig,
        HEADER,
        PH,
        &refs(&f.msgs),
        &[1],
        &mut rand::rng(),
    )
    .unwrap();
    assert_eq!(
        format!("{:?}", f.pk),
        format!("PublicKey({})", hex(&f.pk.to_bytes()))
    );
    assert_eq!(
        format!("{:?}", f.sig),
        format!("Signature({})", hex(&f.sig.to_bytes()))
    );
    assert_eq!(
        format!("{proof:?}"),
        format!("Proof({})", hex(&proof.to_bytes()))
    );
}

/// The core ProofInit (draft §3.7.1) refuses a wrong number of random scalars, counting all
/// of them (`5 + U` needed, `5 + m~` given), and its state prints only its public result.
/// (Kills the mutants of that error's counts and of `ProofInit`'s `Debug`.)
#[test]
fn core_proof_init_counts_its_random_scalars_and_prints_its_result() {
    type C = Bls12381Sha256;
    let api_id = bbs::api_id::<C>();
    let f = fixture::<C>();
    let scalars = bbs::messages_to_scalars::<C>(&refs(&f.msgs), &api_id).unwrap();
    let generators = bbs::Generators::new::<C>(scalars.len(), &api_id).unwrap();
    let init = |undisclosed: &[usize], random| {
        bbs::proof_init::<C>(
            &f.pk,
            &f.sig,
            &generators,
            HEADER,
            &scalars,
            undisclosed,
            random,
            &api_id,
        )
    };
    // Two hidden messages: 7 scalars needed; 6 given.
    assert_eq!(
        bbs::ProofRandomScalars::from_scalars(&[Scalar::one(); 6], 2).unwrap_err(),
        Error::RandomScalarCount {
            expected: 7,
            actual: 6
        }
    );
    let short = bbs::ProofRandomScalars::from_scalars(&[Scalar::one(); 6], 1).unwrap();
    assert_eq!(
        init(&[1, 4], short).unwrap_err(),
        Error::RandomScalarCount {
            expected: 7,
            actual: 6
        }
    );
    let state = init(
        &[1, 4],
        bbs::ProofRandomScalars::random(&mut rand::rng(), 2),
    )
    .unwrap();
    let printed = format!("{state:?}");
    assert!(
        printed.starts_with(&format!("ProofInit {{ result: {:?}", state.result())),
        "{printed}"
    );
    assert!(printed.ends_with(".. }"), "{printed}");
}

/// ProofVerifyInit (draft §3.7.3) with the caller's generators: `R + U` must be their `L` and
/// there must be one message per disclosed index; the error gives `L` and `U + R`. (Kills the
/// mutants that let `R + U != L` through when the disclosed messages matched, and those of
/// the error's count.)
#[test]
fn proof_verify_init_checks_the_message_counts() {
    type C = Bls12381Sha256;
    let api_id = bbs::api_id::<C>();
    let f = fixture::<C>();
    let msgs = refs(&f.msgs);
    let proof =
        bbs::proof_gen::<C>(&f.pk, &f.sig, HEADER, PH, &msgs, &[0, 2], &mut rand::rng()).unwrap();
    let scalars = bbs::messages_to_scalars::<C>(&msgs, &api_id).unwrap();
    let disclosed = [scalars[0], scalars[2]];
    let init = |l: usize, disclosed: &[Scalar]| {
        let generators = bbs::Generators::new::<C>(l, &api_id).unwrap();
        bbs::proof_verify_init::<C>(
            &f.pk,
            &proof,
            &generators,
            HEADER,
            disclosed,
            &[0, 2],
            &api_id,
        )
    };
    assert!(init(7, &disclosed).is_ok());
    // R + U = 7 against generators for 6 and for 8 messages.
    for l in [6, 8] {
        assert_eq!(
            init(l, &disclosed).unwrap_err(),
            Error::MessageCountMismatch {
                expected: l,
                actual: 7
            }
        );
    }
    // One disclosed message for two disclosed indexes.
    assert_eq!(
        init(7, &disclosed[..1]).unwrap_err(),
        Error::MessageCountMismatch {
            expected: 7,
            actual: 6
        }
    );
}

/// CoreSign and CoreVerify (draft §3.6.1, §3.6.2) with the caller's generators refuse a
/// message list of another length, naming both counts. (Kills the mutant that dropped
/// that check.)
#[test]
fn core_sign_and_verify_check_the_message_count() {
    type C = Bls12381Sha256;
    let api_id = bbs::api_id::<C>();
    let f = fixture::<C>();
    let messages = [Scalar::from(1u64), Scalar::from(2u64)];
    let three = bbs::Generators::new::<C>(3, &api_id).unwrap();
    let two = bbs::Generators::new::<C>(2, &api_id).unwrap();
    let mismatch = Error::MessageCountMismatch {
        expected: 3,
        actual: 2,
    };
    assert_eq!(
        bbs::core_sign::<C>(&f.sk, &f.pk, &three, HEADER, &messages, &api_id).unwrap_err(),
        mismatch
    );
    let sig = bbs::core_sign::<C>(&f.sk, &f.pk, &two, HEADER, &messages, &api_id).unwrap();
    assert_eq!(
        bbs::core_verify::<C>(&f.pk, &sig, &three, HEADER, &messages, &api_id),
        Err(mismatch)
    );
    assert_eq!(
        bbs::core_verify::<C>(&f.pk, &sig, &two, HEADER, &messages, &api_id),
        Ok(())
    );
}
