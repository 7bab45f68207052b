//! Secrets do not stay in freed memory (issue 9, finding 7): a global allocator that, while
//! armed, scans every block it frees for a needle (the holder secret's bytes, its base64url
//! text, or a hidden value's scalar) and counts the blocks that still hold it. One scan runs
//! at a time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

use healthpass::bbs::{self, Bls12381Sha256, Generators, PreparedSignature, Scalar};
use healthpass::credential::json::b64_decode;
use healthpass::credential::{AttributeValue, Credential, CredentialType, IssuerKey, Suite};
use healthpass::zk::{self, PredicateStatement, SetKind, SignedSet};
use rand::rngs::StdRng;
use rand::SeedableRng;
use zeroize::Zeroizing;

const MAX_NEEDLE: usize = 64;

struct Scanner;

static ARMED: AtomicBool = AtomicBool::new(false);
static NEEDLE: [AtomicU8; MAX_NEEDLE] = [const { AtomicU8::new(0) }; MAX_NEEDLE];
static NEEDLE_LEN: AtomicUsize = AtomicUsize::new(0);
static HITS: AtomicUsize = AtomicUsize::new(0);
/// One armed scan at a time (the test harness runs tests on several threads).
static SCAN: std::sync::Mutex<()> = std::sync::Mutex::new(());

unsafe impl GlobalAlloc for Scanner {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let n = NEEDLE_LEN.load(Ordering::SeqCst);
        if ARMED.load(Ordering::SeqCst) && n > 0 && layout.size() >= n {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let first = NEEDLE[0].load(Ordering::Relaxed);
            let found = (0..=block.len() - n).any(|i| {
                block[i] == first
                    && (1..n).all(|j| block[i + j] == NEEDLE[j].load(Ordering::Relaxed))
            });
            if found {
                HITS.fetch_add(1, Ordering::SeqCst);
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Scanner = Scanner;

/// Runs `f` with the allocator armed for `needle`; returns how many freed blocks held it.
fn freed_copies(needle: &[u8], f: impl FnOnce()) -> usize {
    assert!(needle.len() <= MAX_NEEDLE && !needle.is_empty());
    let _one_at_a_time = SCAN.lock().unwrap_or_else(|e| e.into_inner());
    for (slot, b) in NEEDLE.iter().zip(needle) {
        slot.store(*b, Ordering::SeqCst);
    }
    NEEDLE_LEN.store(needle.len(), Ordering::SeqCst);
    HITS.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    HITS.load(Ordering::SeqCst)
}

#[test]
fn the_holder_secret_is_wiped_from_freed_memory() {
    let mut rng = rand::rng();
    let issuer = IssuerKey::generate(
        "gb-nhs",
        "NHS",
        "GB",
        Suite::Sha256,
        &CredentialType::ALL,
        &mut rng,
    )
    .unwrap();
    let attributes = serde_json::json!({
        "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS", "certificate_id": "URN:UVCI:01:GB:Z",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2025-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 3, "total_doses": 3,
        "vaccination_date": "2024-01-01"
    });
    let credential = issuer
        .issue(CredentialType::Vaccination, &attributes, &mut rng)
        .unwrap();
    let text = Zeroizing::new(credential.to_json());
    let secret = credential.value("holder_secret").unwrap().clone();
    let b64 = Zeroizing::new(secret.to_string());
    let bytes = Zeroizing::new(b64_decode(&b64).unwrap());
    assert_eq!(bytes.len(), 32);

    // Reading a credential file decodes the secret's bytes.
    let hits = freed_copies(&bytes, || {
        let c = Credential::from_json(&text).unwrap();
        drop(c);
    });
    assert_eq!(hits, 0, "freed blocks held the holder secret's bytes");

    // Displaying the secret makes its base64url text.
    let hits = freed_copies(b64.as_bytes(), || {
        let shown = Zeroizing::new(secret.to_string());
        assert_eq!(*shown, *b64);
        let shown = Zeroizing::new(format!("{secret}"));
        drop(shown);
    });
    assert_eq!(hits, 0, "freed blocks held the holder secret's text");

    // Writing the credential file: the text grows in no buffer that is freed with a copy.
    let hits = freed_copies(b64.as_bytes(), || {
        let written = Zeroizing::new(credential.to_json());
        assert_eq!(*written, *text);
    });
    assert_eq!(
        hits, 0,
        "freed blocks held the credential file's holder secret"
    );

    // Issuing: the attribute map that holds the new secret is wiped. The same seed gives
    // the same secret, so the needle is known before issuing.
    let seeded = |seed| {
        issuer
            .issue(
                CredentialType::Vaccination,
                &attributes,
                &mut StdRng::seed_from_u64(seed),
            )
            .unwrap()
    };
    let first = seeded(42);
    let needle = Zeroizing::new(first.value("holder_secret").unwrap().to_string());
    drop(first);
    let hits = freed_copies(needle.as_bytes(), || drop(seeded(42)));
    assert_eq!(hits, 0, "freed blocks held the issued holder secret's text");

    // The holder secret is only ever redacted when debug-printed.
    let debug = format!("{:?}", AttributeValue::clone(&secret));
    assert!(!debug.contains(b64.as_str()));
}

/// The internal (Montgomery) bytes of a scalar, as it sits in memory.
fn in_memory(s: &Scalar) -> [u8; 32] {
    assert_eq!(std::mem::size_of::<Scalar>(), 32);
    // SAFETY: a `Scalar` is four `u64` limbs, 32 bytes, every bit pattern readable.
    #[allow(unsafe_code)]
    unsafe {
        std::mem::transmute_copy(s)
    }
}

/// A prepared signature over two messages (header `h`), for the prover tests below.
fn prepared_two(messages: &[Scalar; 2]) -> PreparedSignature<Bls12381Sha256> {
    type C = Bls12381Sha256;
    let api_id = b"ZEROIZE_TEST_";
    let sk = bbs::keygen::<C>(&[3u8; 32], b"zeroize", None).unwrap();
    let pk = sk.public_key();
    let generators = Generators::new::<C>(2, api_id).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"h", messages, api_id).unwrap();
    PreparedSignature::<C>::from_scalars(&pk, &sig, b"h", messages, api_id).unwrap()
}

#[test]
fn a_refused_membership_proof_leaves_no_copy_of_the_hidden_value() {
    type C = Bls12381Sha256;
    let mut rng = rand::rng();
    let hidden = bbs::calculate_random_scalars(&mut rng, 1)[0];
    let messages = [Scalar::from(7u64), hidden];
    let prepared = prepared_two(&messages);
    let set = SignedSet::generate(&mut rng, SetKind::Elements(vec![Scalar::from(1u64)])).unwrap();
    let st = PredicateStatement {
        message_index: 1,
        minus_index: None,
        negate: false,
        offset: Scalar::from(0u64),
        digit_count: 1,
        scale: 1,
        set,
    };
    let needle = in_memory(&hidden);
    let hits = freed_copies(&needle, || {
        let r = zk::prove::<C>(
            &prepared,
            &[0],
            std::slice::from_ref(&st),
            b"ctx",
            &mut rand::rng(),
        );
        assert_eq!(r.unwrap_err(), zk::Error::NotSatisfied { predicate: 0 });
    });
    assert_eq!(
        hits, 0,
        "freed blocks held the hidden value (the prover's digit)"
    );
}

/// Signing serializes the secret key into the input of the hash that makes `e` (draft
/// §3.6.1, CoreSign); that buffer is wiped before it is freed. (Kills the mutant that made
/// `Serializer`'s `Drop` do nothing, which no other test could see.)
#[test]
fn signing_leaves_no_copy_of_the_secret_key() {
    type C = Bls12381Sha256;
    let sk = bbs::keygen::<C>(&[9u8; 32], b"zeroize signing", None).unwrap();
    let pk = sk.public_key();
    let needle = Zeroizing::new(sk.to_bytes());
    let messages: [&[u8]; 3] = [b"a", b"b", b"c"];
    let hits = freed_copies(&needle[..], || {
        bbs::sign::<C>(&sk, &pk, b"h", &messages).unwrap();
    });
    assert_eq!(hits, 0, "freed blocks held the secret key's octets");
}

/// A `PreparedSignature` keeps the signed messages (the hidden ones are the holder's
/// secrets); preparing one and dropping it leaves no copy of a message in freed memory.
/// (Kills the mutant that made `PreparedSignature`'s `Drop` do nothing.)
#[test]
fn a_dropped_prepared_signature_leaves_no_copy_of_its_messages() {
    type C = Bls12381Sha256;
    let api_id = b"ZEROIZE_TEST_";
    let hidden = bbs::calculate_random_scalars(&mut rand::rng(), 1)[0];
    let messages = [Scalar::from(7u64), hidden];
    let sk = bbs::keygen::<C>(&[4u8; 32], b"zeroize", None).unwrap();
    let pk = sk.public_key();
    let generators = Generators::new::<C>(2, api_id).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"h", &messages, api_id).unwrap();
    let needle = in_memory(&hidden);
    let hits = freed_copies(&needle, || {
        let prepared =
            PreparedSignature::<C>::from_scalars(&pk, &sig, b"h", &messages, api_id).unwrap();
        drop(prepared);
    });
    assert_eq!(hits, 0, "freed blocks held a signed message");
}

/// ProofInit (draft §3.7.1) keeps the hidden messages and `e` until ProofFinalize; making
/// one and dropping it leaves no copy of a hidden message in freed memory. (Kills the mutant
/// that made `ProofInit`'s `Drop` do nothing.)
#[test]
fn a_dropped_proof_init_leaves_no_copy_of_the_hidden_messages() {
    type C = Bls12381Sha256;
    let api_id = b"ZEROIZE_TEST_";
    let hidden = bbs::calculate_random_scalars(&mut rand::rng(), 1)[0];
    let messages = [Scalar::from(7u64), hidden];
    let sk = bbs::keygen::<C>(&[5u8; 32], b"zeroize", None).unwrap();
    let pk = sk.public_key();
    let generators = Generators::new::<C>(2, api_id).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"h", &messages, api_id).unwrap();
    let needle = in_memory(&hidden);
    let hits = freed_copies(&needle, || {
        let random = bbs::ProofRandomScalars::random(&mut rand::rng(), 1);
        let init = bbs::proof_init::<C>(
            &pk,
            &sig,
            &generators,
            b"h",
            &messages,
            &[1],
            random,
            api_id,
        )
        .unwrap();
        drop(init);
    });
    assert_eq!(hits, 0, "freed blocks held a hidden message");
}

/// The holder file (issue 14): reading it and writing it back leave no freed copy of the
/// holder secret, as bytes or as its base64url text.
#[test]
fn the_holder_file_is_wiped_from_freed_memory() {
    let holder = healthpass::credential::Holder::generate(&mut rand::rng());
    let text = Zeroizing::new(holder.to_json());
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let b64 = Zeroizing::new(v["holder_secret"].as_str().unwrap().to_owned());
    healthpass::credential::json::wipe_strings(&mut v);
    let bytes = Zeroizing::new(b64_decode(&b64).unwrap());
    assert_eq!(bytes.len(), 32);
    for needle in [&bytes[..], b64.as_bytes()] {
        let hits = freed_copies(needle, || {
            let h = healthpass::credential::Holder::from_json(&text).unwrap();
            let written = Zeroizing::new(h.to_json());
            assert_eq!(*written, *text);
        });
        assert_eq!(hits, 0, "freed blocks held the holder secret");
    }
}

/// A random scalar and its 32 big-endian octets (the encoding of blinds and nym secrets).
fn secret_scalar() -> (Scalar, [u8; 32]) {
    let s = bbs::calculate_random_scalars(&mut rand::rng(), 1)[0];
    let mut be = s.to_bytes();
    be.reverse();
    (s, be)
}

/// The blind extension's `secret_prover_blind` and the pseudonym extension's nym secrets are
/// wiped when dropped. (Kills the mutants that made their `Drop` do nothing.)
#[test]
fn dropped_blinds_and_nym_secrets_leave_no_copy() {
    use healthpass::bbs::blind::SecretProverBlind;
    use healthpass::bbs::nym::NymSecrets;
    let (s, be) = secret_scalar();
    let hits = freed_copies(&in_memory(&s), || {
        drop(Box::new(SecretProverBlind::from_bytes(&be).unwrap()));
    });
    assert_eq!(hits, 0, "a freed block held the prover's blind");
    let (s, be) = secret_scalar();
    let hits = freed_copies(&in_memory(&s), || {
        drop(NymSecrets::from_bytes(&be).unwrap());
    });
    assert_eq!(hits, 0, "a freed block held a nym secret");
    // The scan sees a copy that is not wiped.
    let (s, _) = secret_scalar();
    let hits = freed_copies(&in_memory(&s), || drop(vec![s]));
    assert_eq!(hits, 1);
}

/// `m_1 = value` (or `!=`), the statement of the formula prover tests below.
fn on_message_1(value: u64, equal: bool) -> zk::Formula {
    zk::Formula::Equality(zk::EqualityStatement {
        message_index: 1,
        minus_index: None,
        value: Scalar::from(value),
        equal,
    })
}

/// How many freed blocks held `needle` after proving `formula` (message 0 disclosed) and
/// dropping the proof.
fn freed_copies_of_a_formula_proof(
    needle: &Scalar,
    prepared: &PreparedSignature<Bls12381Sha256>,
    formula: &zk::Formula,
) -> usize {
    freed_copies(&in_memory(needle), || {
        let proof =
            zk::prove_formula::<Bls12381Sha256>(prepared, &[0], formula, b"ctx", &mut rand::rng())
                .unwrap();
        drop(proof);
    })
}

/// An inequality's witness (`(m - v)^-1` and its blindings, `NotEqualWitness`) is wiped when
/// the prover drops it. (Kills the mutant that emptied its `Drop`, run 6's shard 2.)
#[test]
fn a_dropped_inequality_witness_leaves_no_copy() {
    let hidden = bbs::calculate_random_scalars(&mut rand::rng(), 1)[0];
    let prepared = prepared_two(&[Scalar::from(7u64), hidden]);
    let inverse = (hidden - Scalar::from(5u64)).invert().unwrap();
    let hits = freed_copies_of_a_formula_proof(&inverse, &prepared, &on_message_1(5, false));
    assert_eq!(hits, 0, "freed blocks held the inequality's witness");
}

/// A formula proof keeps each branch's message values and blindings in wiped lists
/// (`Secrets` in `src/zk/formula.rs`): proving an OR over a hidden message leaves no copy of
/// it in freed memory. (Kills the mutant that emptied `Secrets`' `Drop`.)
#[test]
fn a_formula_proof_leaves_no_copy_of_a_hidden_message() {
    let hidden = bbs::calculate_random_scalars(&mut rand::rng(), 1)[0];
    let prepared = prepared_two(&[Scalar::from(7u64), hidden]);
    let formula = zk::Formula::Any(vec![on_message_1(5, false), on_message_1(3, true)]);
    let hits = freed_copies_of_a_formula_proof(&hidden, &prepared, &formula);
    assert_eq!(hits, 0, "freed blocks held a hidden message");
}

/// A range proof commits to its digits in the predicate's witness (`PredicateWitness`:
/// digits, `tau`, their blindings); dropping the prover's witnesses leaves no copy of a
/// digit in freed memory. The digit is a scalar whose in-memory (Montgomery) form is as
/// random-looking as any; a digit set keeps no element scalars, so no public copy can
/// match. (Kills the mutant that emptied the witness's `Drop`.)
#[test]
fn a_range_proof_leaves_no_copy_of_its_digit() {
    type C = Bls12381Sha256;
    let mut rng = rand::rng();
    let digit = Scalar::from(777u64);
    let prepared = prepared_two(&[Scalar::from(7u64), digit]);
    let set = SignedSet::generate(&mut rng, SetKind::Digits { base: 1024 }).unwrap();
    let st = PredicateStatement {
        message_index: 1,
        minus_index: None,
        negate: false,
        offset: Scalar::from(0u64),
        digit_count: 1,
        scale: 1,
        set,
    };
    let hits = freed_copies(&in_memory(&digit), || {
        let proof = zk::prove::<C>(
            &prepared,
            &[0],
            std::slice::from_ref(&st),
            b"ctx",
            &mut rand::rng(),
        )
        .unwrap();
        drop(proof);
    });
    assert_eq!(hits, 0, "freed blocks held the digit of a range proof");
}
