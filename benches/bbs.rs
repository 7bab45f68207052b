//! Criterion benchmarks of the BBS core, grouped by operation, message count `L` and
//! number of disclosed messages: `sign`, `verify`, `proof_gen`, `proof_verify`, the prepared
//! credential path (`prepared_proof_gen`) and batch verification (`batch_proof_verify`).
//!
//! Messages are 32 octets each. Run one group with a filter, for instance
//! `cargo bench --bench bbs -- 'proof_gen/L=10/'`; see `docs/benchmarks.md`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use healthpass::bbs::{
    self, BatchItem, Bls12381Sha256, PreparedSignature, Proof, PublicKey, SecretKey, Signature,
};

type Suite = Bls12381Sha256;

const SIZES: [usize; 3] = [1, 10, 100];

/// `L` messages of 32 octets, deterministic.
fn messages(l: usize) -> Vec<Vec<u8>> {
    (0..l)
        .map(|i| {
            let mut m = [0u8; 32];
            m[..8].copy_from_slice(&(i as u64).to_be_bytes());
            m[8..].fill(0xa5);
            m.to_vec()
        })
        .collect()
}

/// The disclosed-index sets measured for `L` messages: none, two, all but one.
fn disclosure_sets(l: usize) -> Vec<(String, Vec<usize>)> {
    let mut sets = vec![("0".to_string(), Vec::new())];
    if l > 2 {
        sets.push(("2".to_string(), vec![0, l / 2]));
    }
    if l > 1 {
        sets.push(("all-but-one".to_string(), (1..l).collect()));
    }
    sets
}

struct Fixture {
    sk: SecretKey,
    pk: PublicKey,
    messages: Vec<Vec<u8>>,
    signature: Signature,
}

impl Fixture {
    fn new(l: usize) -> Self {
        let sk = bbs::keygen::<Suite>(&[7u8; 32], b"bench", None).expect("keygen");
        let pk = sk.public_key();
        let messages = messages(l);
        let signature =
            bbs::sign::<Suite>(&sk, &pk, b"header", &refs(&messages)).expect("sign works");
        Self {
            sk,
            pk,
            messages,
            signature,
        }
    }

    fn proof(&self, disclosed: &[usize]) -> Proof {
        bbs::proof_gen::<Suite>(
            &self.pk,
            &self.signature,
            b"header",
            b"presentation",
            &refs(&self.messages),
            disclosed,
            &mut rand::rng(),
        )
        .expect("proof_gen works")
    }
}

fn refs(list: &[Vec<u8>]) -> Vec<&[u8]> {
    list.iter().map(Vec::as_slice).collect()
}

fn sign_verify(c: &mut Criterion) {
    for l in SIZES {
        let f = Fixture::new(l);
        let msgs = refs(&f.messages);
        c.bench_function(&format!("sign/L={l}"), |b| {
            b.iter(|| bbs::sign::<Suite>(&f.sk, &f.pk, b"header", &msgs).expect("sign"))
        });
        c.bench_function(&format!("verify/L={l}"), |b| {
            b.iter(|| bbs::verify::<Suite>(&f.pk, &f.signature, b"header", &msgs).expect("verify"))
        });
    }
}

fn proofs(c: &mut Criterion) {
    for l in SIZES {
        let f = Fixture::new(l);
        let msgs = refs(&f.messages);
        for (name, disclosed) in disclosure_sets(l) {
            let id = format!("L={l}/disclosed={name}");
            c.bench_function(&format!("proof_gen/{id}"), |b| {
                b.iter(|| f.proof(&disclosed))
            });
            let proof = f.proof(&disclosed);
            let shown: Vec<&[u8]> = disclosed.iter().map(|&i| msgs[i]).collect();
            c.bench_function(&format!("proof_verify/{id}"), |b| {
                b.iter(|| {
                    bbs::proof_verify::<Suite>(
                        &f.pk,
                        &proof,
                        b"header",
                        b"presentation",
                        &shown,
                        &disclosed,
                    )
                    .expect("proof_verify")
                })
            });
        }
    }
}

fn prepared(c: &mut Criterion) {
    for l in SIZES {
        let f = Fixture::new(l);
        let msgs = refs(&f.messages);
        let prepared = PreparedSignature::<Suite>::new(&f.pk, &f.signature, b"header", &msgs)
            .expect("valid signature");
        for (name, disclosed) in disclosure_sets(l) {
            c.bench_function(&format!("prepared_proof_gen/L={l}/disclosed={name}"), |b| {
                b.iter(|| {
                    prepared
                        .proof_gen(b"presentation", &disclosed, &mut rand::rng())
                        .expect("proof_gen")
                })
            });
        }
        c.bench_function(&format!("prepare/L={l}"), |b| {
            b.iter(|| {
                PreparedSignature::<Suite>::new(&f.pk, &f.signature, b"header", &msgs)
                    .expect("valid signature")
            })
        });
    }
}

/// Proofs in one batch; criterion's throughput line gives the time per proof.
const BATCH: usize = 64;

fn batch(c: &mut Criterion) {
    for l in [10, 100] {
        let f = Fixture::new(l);
        let msgs = refs(&f.messages);
        let disclosed = [0, l / 2];
        let proofs: Vec<Proof> = (0..BATCH).map(|_| f.proof(&disclosed)).collect();
        let shown: Vec<&[u8]> = disclosed.iter().map(|&i| msgs[i]).collect();
        let items: Vec<BatchItem<'_>> = proofs
            .iter()
            .map(|proof| BatchItem {
                pk: &f.pk,
                proof,
                header: b"header",
                presentation_header: b"presentation",
                disclosed_messages: &shown,
                disclosed_indexes: &disclosed,
            })
            .collect();
        let mut group = c.benchmark_group("batch_proof_verify");
        group.throughput(Throughput::Elements(BATCH as u64));
        group.sample_size(10);
        group.bench_function(format!("L={l}/disclosed=2/n={BATCH}"), |b| {
            b.iter(|| bbs::batch_proof_verify::<Suite>(&items).expect("valid batch"))
        });
        group.finish();
    }
}

criterion_group!(benches, sign_verify, proofs, prepared, batch);
criterion_main!(benches);
