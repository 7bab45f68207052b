//! Criterion benchmarks of the draft's operations: sign, verify, proof_gen and proof_verify
//! at L = 1, 10 and 100 messages of 32 bytes, disclosing 0, 2 and all but one; proof
//! generation from a prepared credential (`prepared_proof_gen`, and `prepare` for its one-off
//! cost); and batch verification of 64 proofs (`batch_proof_verify`, time per proof on the
//! throughput line).
//!
//! Run: `cargo bench --bench bbs` (results in `docs/benchmarks.md`); one group with a filter,
//! e.g. `cargo bench --bench bbs -- 'sha256/L=10/'`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use healthpass::bbs::{
    self, BatchItem, Bls12381Sha256, Bls12381Shake256, Ciphersuite, PreparedSignature, Proof,
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

fn benches(c: &mut Criterion) {
    bench_suite::<Bls12381Sha256>(c, "sha256");
    bench_suite::<Bls12381Shake256>(c, "shake256");
    bench_batch::<Bls12381Sha256>(c, "sha256");
    bench_batch::<Bls12381Shake256>(c, "shake256");
}

criterion_group!(bbs_benches, benches);
criterion_main!(bbs_benches);
