//! Criterion benchmarks of the draft's operations: sign, verify, proof_gen and proof_verify
//! at L = 1, 10 and 100 messages of 32 bytes, disclosing 0, 2 and all but one; proof
//! generation from a prepared credential (`prepared_proof_gen`, and `prepare` for its one-off
//! cost); and batch verification of 64 proofs (`batch_proof_verify`, time per proof on the
//! throughput line).
//!
//! Run: `cargo bench --bench bbs` (results in `docs/benchmarks.md`); one group with a filter,
//! e.g. `cargo bench --bench bbs -- 'sha256/L=10/'`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use healthpass::bbs::{
    self, BatchItem, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Generators, PreparedSignature,
    Proof, ProofRandomScalars,
};

fn disclosure_sets(l: usize) -> Vec<(String, Vec<usize>)> {
    let mut sets = vec![("0".to_string(), vec![])];
    if l > 2 {
        sets.push(("2".to_string(), vec![0, l / 2]));
    }
    if l > 1 {
        sets.push(("all-but-one".to_string(), (1..l).collect()));
    }
    sets
}

fn bench_suite<C: Ciphersuite>(c: &mut Criterion, suite: &str) {
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    let header = b"bench header";
    let ph = b"bench presentation header";
    let mut rng = rand::rng();
    for l in [1usize, 10, 100] {
        let owned: Vec<[u8; 32]> = (0..l).map(|i| [i as u8; 32]).collect();
        let msgs: Vec<&[u8]> = owned.iter().map(|m| &m[..]).collect();
        let sig = bbs::sign::<C>(&sk, &pk, header, &msgs).unwrap();
        let mut group = c.benchmark_group(format!("{suite}/L={l}"));
        group.sample_size(20);
        group.bench_function("sign", |b| {
            b.iter(|| bbs::sign::<C>(&sk, &pk, header, &msgs).unwrap())
        });
        group.bench_function("verify", |b| {
            b.iter(|| bbs::verify::<C>(&pk, &sig, header, &msgs).unwrap())
        });
        let prepared = PreparedSignature::<C>::new(&pk, &sig, header, &msgs).unwrap();
        group.bench_function("prepare", |b| {
            b.iter(|| PreparedSignature::<C>::new(&pk, &sig, header, &msgs).unwrap())
        });
        for (name, disclosed) in disclosure_sets(l) {
            let revealed: Vec<&[u8]> = disclosed.iter().map(|&i| msgs[i]).collect();
            group.bench_with_input(
                BenchmarkId::new("prepared_proof_gen", &name),
                &disclosed,
                |b, d| b.iter(|| prepared.proof_gen(ph, d, &mut rng).unwrap()),
            );
            group.bench_with_input(BenchmarkId::new("proof_gen", &name), &disclosed, |b, d| {
                b.iter(|| bbs::proof_gen::<C>(&pk, &sig, header, ph, &msgs, d, &mut rng).unwrap())
            });
            let proof =
                bbs::proof_gen::<C>(&pk, &sig, header, ph, &msgs, &disclosed, &mut rng).unwrap();
            group.bench_with_input(
                BenchmarkId::new("proof_verify", &name),
                &disclosed,
                |b, d| {
                    b.iter(|| {
                        bbs::proof_verify::<C>(&pk, &proof, header, ph, &revealed, d).unwrap()
                    })
                },
            );
        }
        group.finish();
    }
}

/// Proofs in one batch; criterion's throughput line gives proofs per second.
const BATCH: usize = 64;

/// `BATCH` proofs from one issuer (L messages, 2 disclosed) checked at once.
fn bench_batch<C: Ciphersuite>(c: &mut Criterion, suite: &str) {
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    let (header, ph) = (b"bench header", b"bench presentation header");
    for l in [10usize, 100] {
        let owned: Vec<[u8; 32]> = (0..l).map(|i| [i as u8; 32]).collect();
        let msgs: Vec<&[u8]> = owned.iter().map(|m| &m[..]).collect();
        let sig = bbs::sign::<C>(&sk, &pk, header, &msgs).unwrap();
        let disclosed = [0, l / 2];
        let revealed: Vec<&[u8]> = disclosed.iter().map(|&i| msgs[i]).collect();
        let proofs: Vec<Proof> = (0..BATCH)
            .map(|_| {
                bbs::proof_gen::<C>(&pk, &sig, header, ph, &msgs, &disclosed, &mut rand::rng())
                    .unwrap()
            })
            .collect();
        let items: Vec<BatchItem<'_>> = proofs
            .iter()
            .map(|proof| BatchItem {
                pk: &pk,
                proof,
                header,
                presentation_header: ph,
                disclosed_messages: &revealed,
                disclosed_indexes: &disclosed,
            })
            .collect();
        let mut group = c.benchmark_group(format!("{suite}/L={l}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(BATCH as u64));
        group.bench_function(format!("batch_proof_verify/2/n={BATCH}"), |b| {
            b.iter(|| bbs::batch_proof_verify::<C>(&items).unwrap())
        });
        group.finish();
    }
}

/// Where proof generation spends its time: each step of `proof_gen` (draft §3.5.3 over
/// §3.6.3) on its own, L messages with 2 disclosed (`docs/benchmarks.md` explains the split).
fn bench_steps<C: Ciphersuite>(c: &mut Criterion, suite: &str) {
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    let (header, ph) = (b"bench header", b"bench presentation header");
    let api_id = bbs::api_id::<C>();
    for l in [10usize, 100] {
        let owned: Vec<[u8; 32]> = (0..l).map(|i| [i as u8; 32]).collect();
        let msgs: Vec<&[u8]> = owned.iter().map(|m| &m[..]).collect();
        let sig = bbs::sign::<C>(&sk, &pk, header, &msgs).unwrap();
        let disclosed = [0, l / 2];
        let undisclosed: Vec<usize> = (0..l).filter(|i| !disclosed.contains(i)).collect();
        let scalars = bbs::messages_to_scalars::<C>(&msgs, &api_id).unwrap();
        let shown: Vec<_> = disclosed.iter().map(|&i| scalars[i]).collect();
        let generators = Generators::new::<C>(l, &api_id).unwrap();
        let random = || ProofRandomScalars::random(&mut rand::rng(), undisclosed.len());
        let init = || {
            bbs::proof_init::<C>(
                &pk,
                &sig,
                &generators,
                header,
                &scalars,
                &undisclosed,
                random(),
                &api_id,
            )
            .unwrap()
        };
        let mut group = c.benchmark_group(format!("{suite}/L={l}/proof_gen_steps"));
        group.sample_size(20);
        group.bench_function("messages_to_scalars", |b| {
            b.iter(|| bbs::messages_to_scalars::<C>(&msgs, &api_id).unwrap())
        });
        group.bench_function("generators", |b| {
            b.iter(|| Generators::new::<C>(l, &api_id).unwrap())
        });
        group.bench_function("calculate_domain", |b| {
            b.iter(|| bbs::calculate_domain::<C>(&pk, &generators, header, &api_id).unwrap())
        });
        group.bench_function("random_scalars", |b| b.iter(random));
        group.bench_function("proof_init", |b| b.iter(init));
        let first = init();
        group.bench_function("challenge", |b| {
            b.iter(|| {
                bbs::proof_challenge_calculate::<C>(first.result(), &disclosed, &shown, ph, &api_id)
                    .unwrap()
            })
        });
        let challenge =
            bbs::proof_challenge_calculate::<C>(first.result(), &disclosed, &shown, ph, &api_id)
                .unwrap();
        group.bench_function("finalize", |b| {
            b.iter_batched(
                init,
                |i| i.finalize(&challenge).unwrap(),
                BatchSize::SmallInput,
            )
        });
        group.finish();
    }
}

fn benches(c: &mut Criterion) {
    bench_suite::<Bls12381Sha256>(c, "sha256");
    bench_suite::<Bls12381Shake256>(c, "shake256");
    bench_batch::<Bls12381Sha256>(c, "sha256");
    bench_batch::<Bls12381Shake256>(c, "shake256");
    bench_steps::<Bls12381Sha256>(c, "sha256");
}

criterion_group!(bbs_benches, benches);
criterion_main!(bbs_benches);
