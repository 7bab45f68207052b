//! Criterion benchmarks of the predicate proofs (`healthpass::zk`): each predicate kind on
//! its own, linked to a 16-attribute BBS proof, generation and verification.
//!
//! Run: `cargo bench --bench predicates` (results in `docs/benchmarks.md`).

use criterion::{criterion_group, criterion_main, Criterion};
use healthpass::bbs::{self, Bls12381Sha256, Generators, PreparedSignature, Scalar};
use healthpass::zk::{self, EqualityStatement, Formula, PredicateStatement, SetKind, SignedSet};

type C = Bls12381Sha256;
const API_ID: &[u8] = b"HEALTHPASS_BENCH_";

fn statement(
    index: usize,
    negate: bool,
    offset: u64,
    k: usize,
    set: &SignedSet,
) -> PredicateStatement {
    PredicateStatement {
        message_index: index,
        minus_index: None,
        negate,
        offset: Scalar::from(offset),
        digit_count: k,
        scale: 1,
        set: set.clone(),
    }
}

fn benches(c: &mut Criterion) {
    let mut rng = rand::rng();
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    // 16 attributes as in the vaccination profile: [1] dose, [2] date (days), [3] product
    // code, [4] instant (minutes); the rest stand for hashed strings.
    let mut messages: Vec<Scalar> = (0..16u64)
        .map(|i| Scalar::from(1_000_000_007 * (i + 1)))
        .collect();
    messages[1] = Scalar::from(2u64);
    messages[2] = Scalar::from(18_779u64);
    messages[3] = Scalar::from(5_000_003u64);
    messages[4] = Scalar::from(29_500_000u64);
    let generators = Generators::new::<C>(messages.len(), API_ID).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"header", &messages, API_ID).unwrap();
    let prepared =
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"header", &messages, API_ID).unwrap();

    let d64 = SignedSet::generate(&mut rng, SetKind::Digits { base: 64 }).unwrap();
    let d256 = SignedSet::generate(&mut rng, SetKind::Digits { base: 256 }).unwrap();
    let d1024 = SignedSet::generate(&mut rng, SetKind::Digits { base: 1024 }).unwrap();
    let products = SignedSet::generate(
        &mut rng,
        SetKind::Elements((0..10u64).map(|i| Scalar::from(5_000_000 + i)).collect()),
    )
    .unwrap();
    let cases: Vec<(&str, Vec<PredicateStatement>)> = vec![
        ("none", vec![]),
        ("integer>=", vec![statement(1, false, 2, 1, &d64)]),
        ("date<=", vec![statement(2, true, 18_793, 2, &d256)]),
        (
            "instant>=",
            vec![statement(4, false, 29_000_000, 2, &d1024)],
        ),
        ("set", vec![statement(3, false, 0, 1, &products)]),
        (
            "vaccination",
            vec![
                statement(1, false, 2, 1, &d64),
                statement(2, true, 18_793, 2, &d256),
                statement(4, false, 29_000_000, 2, &d1024),
            ],
        ),
    ];
    let disclosed = [5usize];
    let revealed = [messages[5]];
    let mut group = c.benchmark_group("predicates");
    group.sample_size(20);
    for (name, st) in &cases {
        group.bench_function(format!("prove/{name}"), |b| {
            b.iter(|| zk::prove::<C>(&prepared, &disclosed, st, b"ctx", &mut rng).unwrap())
        });
        let proof = zk::prove::<C>(&prepared, &disclosed, st, b"ctx", &mut rng).unwrap();
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| {
                zk::verify::<C>(
                    &pk,
                    &proof,
                    &generators,
                    b"header",
                    &revealed,
                    &disclosed,
                    st,
                    b"ctx",
                    API_ID,
                    &mut rng,
                )
                .unwrap()
            })
        });
    }
    group.bench_function("params/check/base1024", |b| {
        b.iter(|| d1024.check(&mut rng).unwrap())
    });
    group.bench_function("params/generate/base1024", |b| {
        b.iter(|| SignedSet::generate(&mut rng, SetKind::Digits { base: 1024 }).unwrap())
    });
    group.finish();
}

/// The two typical presentations of issue #5, end to end through the library: the holder's
/// `present` (parameters already checked once, as a long-lived parameter set is) and the
/// verifier's `verify`.
/// A German issuer of every type and a trust list holding it.
fn issuer_and_trust(
    rng: &mut impl rand::CryptoRng,
) -> (
    healthpass::credential::IssuerKey,
    healthpass::presentation::TrustList,
) {
    use healthpass::credential::{CredentialType, IssuerKey, Suite};
    let issuer = IssuerKey::generate(
        "de-rki",
        "RKI",
        "DE",
        Suite::Sha256,
        &CredentialType::ALL,
        rng,
    )
    .unwrap();
    let mut trust = healthpass::presentation::TrustList::default();
    trust.add(issuer.info().clone(), false).unwrap();
    (issuer, trust)
}

fn typical_presentations(c: &mut Criterion) {
    use healthpass::credential::CredentialType;
    use healthpass::presentation::{
        self, CredentialRequest, ParameterSet, Predicate, PresentationRequest,
    };
    use serde_json::json;

    let now = 1_795_953_600; // 2026-11-29T12:00:00Z
    let mut rng = rand::rng();
    let (issuer, trust) = issuer_and_trust(&mut rng);
    let params = ParameterSet::generate(&mut rng).unwrap();
    let common = json!({
        "family_name": "Mustermann", "given_name": "Erika", "birth_date": "1964-08-12",
        "country": "DE", "issuer_name": "RKI", "certificate_id": "URN:UVCI:01:DE:BENCH",
        "valid_from": "2026-11-28T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z",
        "disease": "840539006",
    });
    let with = |extra: serde_json::Value| {
        let mut a = common.clone();
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    let cases = [
        (
            "vaccination",
            CredentialType::Vaccination,
            with(
                json!({ "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
                "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2,
                "vaccination_date": "2026-06-01" }),
            ),
            "vaccine_product",
            vec![
                "dose_number >= 2",
                "vaccination_date <= today-14d",
                "valid_until >= now",
            ],
        ),
        (
            "test",
            CredentialType::Test,
            with(
                json!({ "test_type": "LP217198-3", "test_name": "Rapid", "test_device": "1232",
                "sample_time": "2026-11-28T07:30:00Z", "test_result": "260415000",
                "test_centre": "Testzentrum Mitte" }),
            ),
            "test_result",
            vec!["sample_time >= now-72h", "valid_until >= now"],
        ),
    ];
    let mut group = c.benchmark_group("presentation");
    group.sample_size(20);
    for (name, t, attributes, disclose, prove) in cases {
        let credential = issuer.issue(t, &attributes, &mut rng).unwrap();
        let schema = t.schema();
        let predicates = prove
            .iter()
            .map(|p| {
                Predicate::parse(schema, p, now)
                    .unwrap()
                    .with_params_from(schema, &params, &mut rng)
                    .unwrap()
            })
            .collect();
        let asked = CredentialRequest::new(t, &[disclose], &[], predicates).unwrap();
        let request = PresentationRequest::new("border", vec![asked], now, 600, &mut rng).unwrap();
        let credentials = std::slice::from_ref(&credential);
        let answer = presentation::present(&request, credentials, now, &mut rng).unwrap();
        group.bench_function(format!("present/{name}"), |b| {
            b.iter(|| presentation::present(&request, credentials, now, &mut rng).unwrap())
        });
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| presentation::verify(&request, &answer, &trust, now + 60).unwrap())
        });
        // 16 presentations verified in one batch (the time of the batch: divide by 16).
        let copies: Vec<presentation::BatchEntry> = (0..16)
            .map(|_| presentation::BatchEntry {
                request: &request,
                presentation: &answer,
                trust: &trust,
                now: now + 60,
            })
            .collect();
        group.bench_function(format!("verify_batch16/{name}"), |b| {
            b.iter(|| {
                assert!(presentation::verify_batch(&copies)
                    .iter()
                    .all(Result::is_ok))
            })
        });
    }
    group.finish();
}

/// The formula atoms of issue #11 and an OR of two branches, over the same 16 attributes:
/// `=` and `!=` to a code, a difference of two messages (`dose_number >= total_doses`), and
/// `(dose >= total AND date in window) OR dose > total`.
fn formulas(c: &mut Criterion) {
    let mut rng = rand::rng();
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    // [1] dose, [2] date (days), [3] product code, [6] total doses.
    let mut messages: Vec<Scalar> = (0..16u64)
        .map(|i| Scalar::from(1_000_000_007 * (i + 1)))
        .collect();
    messages[1] = Scalar::from(3u64);
    messages[2] = Scalar::from(18_779u64);
    messages[3] = Scalar::from(5_000_003u64);
    messages[6] = Scalar::from(2u64);
    let generators = Generators::new::<C>(messages.len(), API_ID).unwrap();
    let sig = bbs::core_sign::<C>(&sk, &pk, &generators, b"header", &messages, API_ID).unwrap();
    let prepared =
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"header", &messages, API_ID).unwrap();
    let d16 = SignedSet::generate(&mut rng, SetKind::Digits { base: 16 }).unwrap();
    let d256 = SignedSet::generate(&mut rng, SetKind::Digits { base: 256 }).unwrap();
    let equality = |equal: bool| {
        Formula::Equality(EqualityStatement {
            message_index: 3,
            minus_index: None,
            value: Scalar::from(5_000_004u64 - u64::from(equal)),
            equal,
        })
    };
    let difference = |at_least: u64| {
        Formula::Predicate(PredicateStatement {
            minus_index: Some(6),
            ..statement(1, false, at_least, 1, &d16)
        })
    };
    let or2 = Formula::Any(vec![
        Formula::All(vec![
            difference(0),
            Formula::Predicate(statement(2, false, 18_700, 2, &d256)),
            Formula::Predicate(statement(2, true, 18_800, 2, &d256)),
        ]),
        Formula::All(vec![difference(1)]),
    ]);
    let cases: Vec<(&str, Formula)> = vec![
        ("=", equality(true)),
        ("!=", equality(false)),
        ("difference>=", difference(0)),
        ("or2", or2),
    ];
    let disclosed = [5usize];
    let revealed = [messages[5]];
    let mut group = c.benchmark_group("formulas");
    group.sample_size(20);
    for (name, f) in &cases {
        group.bench_function(format!("prove/{name}"), |b| {
            b.iter(|| zk::prove_formula::<C>(&prepared, &disclosed, f, b"ctx", &mut rng).unwrap())
        });
        let proof = zk::prove_formula::<C>(&prepared, &disclosed, f, b"ctx", &mut rng).unwrap();
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| {
                zk::verify_formula::<C>(
                    &pk,
                    &proof,
                    &generators,
                    b"header",
                    &revealed,
                    &disclosed,
                    f,
                    b"ctx",
                    API_ID,
                    &mut rng,
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

/// The example policy of issue #11 (`examples/policies/entry.json`), one credential per
/// alternative and branch: present and verify, with the compact size printed once. The
/// two vaccination branches (complete course, booster) and the two tests (PCR, rapid
/// antigen) each prove the same OR, so their figures should agree.
fn entry_policy(c: &mut Criterion) {
    use healthpass::credential::CredentialType;
    use healthpass::presentation::{self, Policy, PresentationRequest};
    use serde_json::json;

    let now = 1_795_953_600; // 2026-11-29T12:00:00Z
    let mut rng = rand::rng();
    let (issuer, trust) = issuer_and_trust(&mut rng);
    let policy = Policy::from_policy_json(include_str!("../examples/policies/entry.json"), now)
        .unwrap()
        .with_params(None, &mut rng)
        .unwrap();
    let request = PresentationRequest::new("border", vec![policy], now, 600, &mut rng).unwrap();
    let common = json!({
        "family_name": "Mustermann", "given_name": "Erika", "birth_date": "1964-08-12",
        "country": "DE", "issuer_name": "RKI", "certificate_id": "URN:UVCI:01:DE:BENCH",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z",
        "disease": "840539006",
    });
    let with = |extra: serde_json::Value| {
        let mut a = common.clone();
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    let vaccination = |dose: i64, date: &str| {
        with(
            json!({ "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
            "manufacturer": "ORG-100030215", "dose_number": dose, "total_doses": 2,
            "vaccination_date": date }),
        )
    };
    let test = |test_type: &str, sample: &str| {
        with(
            json!({ "test_type": test_type, "test_name": "", "test_device": "",
            "sample_time": sample, "test_result": "260415000", "test_centre": "Mitte" }),
        )
    };
    let cases = [
        (
            "course",
            CredentialType::Vaccination,
            vaccination(2, "2026-09-01"),
        ),
        (
            "booster",
            CredentialType::Vaccination,
            vaccination(3, "2025-01-01"),
        ),
        (
            "pcr",
            CredentialType::Test,
            test("LP6464-4", "2026-11-27T12:00:00Z"),
        ),
        (
            "rat",
            CredentialType::Test,
            test("LP217198-3", "2026-11-29T06:00:00Z"),
        ),
        (
            "recovery",
            CredentialType::Recovery,
            with(json!({ "first_positive_date": "2026-10-01" })),
        ),
    ];
    let mut group = c.benchmark_group("entry_policy");
    group.sample_size(10);
    for (name, t, attributes) in cases {
        let credential = issuer.issue(t, &attributes, &mut rng).unwrap();
        let credentials = std::slice::from_ref(&credential);
        let answer = presentation::present(&request, credentials, now, &mut rng).unwrap();
        println!(
            "entry_policy/{name}: compact {} bytes (formula proof {} bytes, BBS proof {} bytes)",
            answer.to_compact().unwrap().len(),
            answer.credentials[0].formula_proof.len(),
            answer.credentials[0].proof.len()
        );
        group.bench_function(format!("present/{name}"), |b| {
            b.iter(|| presentation::present(&request, credentials, now, &mut rng).unwrap())
        });
        group.bench_function(format!("verify/{name}"), |b| {
            b.iter(|| presentation::verify(&request, &answer, &trust, now + 60).unwrap())
        });
    }
    group.finish();
}

/// The prover's constant-time selection of a digit's signature (every entry of the set is
/// read), for the digit sets the validity, window and date statements use, and the one-time
/// costs of a 2^16 set: making it (the verifier) and checking it (the holder).
fn large_sets(c: &mut Criterion) {
    let mut rng = rand::rng();
    let mut group = c.benchmark_group("sets");
    group.sample_size(10);
    for base in [4096u32, 16384, 65536] {
        let set = SignedSet::generate(&mut rng, SetKind::Digits { base }).unwrap();
        let digit = Scalar::from(u64::from(base) / 3);
        group.bench_function(format!("scan/{base}"), |b| {
            b.iter(|| set.signature_scan_for_timing(&digit))
        });
        if base == 65536 {
            group.bench_function("check/65536", |b| b.iter(|| set.check(&mut rng).unwrap()));
        }
    }
    group.bench_function("generate/65536", |b| {
        b.iter(|| SignedSet::generate(&mut rng, SetKind::Digits { base: 65536 }).unwrap())
    });
    group.finish();
}

criterion_group!(
    predicate_benches,
    benches,
    large_sets,
    typical_presentations,
    formulas,
    entry_policy
);
criterion_main!(predicate_benches);
