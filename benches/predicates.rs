//! Criterion benchmarks of the predicate proofs (`healthpass::zk`): each predicate kind on
//! its own, linked to a 16-attribute BBS proof, generation and verification.
//!
//! Run: `cargo bench --bench predicates` (results in `docs/benchmarks.md`).

use criterion::{criterion_group, criterion_main, Criterion};
use healthpass::bbs::{self, Bls12381Sha256, Generators, PreparedSignature, Scalar};
use healthpass::zk::{self, PredicateStatement, SetKind, SignedSet};

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
        negate,
        offset: Scalar::from(offset),
        digit_count: k,
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

criterion_group!(predicate_benches, benches);
criterion_main!(predicate_benches);
