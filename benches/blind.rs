//! Criterion benchmarks of blind issuance and pseudonyms (issue 14): a credential of L = 10
//! signer messages and one committed message (the holder secret), disclosing 2 signer
//! messages. `commit`, `blind_sign` (which checks the commitment's proof), `verify`,
//! `proof_gen`, `proof_verify`; with pseudonyms (one nym) `commit_with_nym`,
//! `blind_sign_with_nym`, `proof_gen_with_nym`, `proof_verify_with_nym`; and, for comparison
//! in the same run, the core's `proof_gen`/`proof_verify` with the same hidden count
//! (12 messages, 2 disclosed: 10 hidden, as the blind proof hides 8 signer messages, the blind
//! and the committed one).
//!
//! Run: `cargo bench --bench blind` (results in `docs/benchmarks.md`).

use criterion::{criterion_group, criterion_main, Criterion};
use healthpass::bbs::nym::{self, ProverNyms, SignerNymEntropy};
use healthpass::bbs::{self, blind, Bls12381Sha256, Bls12381Shake256, Ciphersuite};

fn bench_suite<C: Ciphersuite>(c: &mut Criterion, suite: &str) {
    let sk = bbs::keygen::<C>(&[1u8; 32], b"bench", None).unwrap();
    let pk = sk.public_key();
    let (header, ph, context) = (b"bench header", b"bench nonce", b"verifier-1/venue-42");
    let rng = &mut rand::rng();
    let owned: Vec<[u8; 32]> = (0..12).map(|i| [i as u8; 32]).collect();
    let all: Vec<&[u8]> = owned.iter().map(|m| &m[..]).collect();
    let (msgs, committed) = (&all[..10], &all[10..11]);
    let disclosed = [0usize, 5];
    let revealed: Vec<&[u8]> = disclosed.iter().map(|&i| msgs[i]).collect();
    let mut g = c.benchmark_group(format!("{suite}/blind L=10 M=1"));
    g.sample_size(20);

    g.bench_function("commit", |b| {
        b.iter(|| blind::commit::<C>(committed, rng).unwrap())
    });
    let (com, sb) = blind::commit::<C>(committed, rng).unwrap();
    g.bench_function("blind_sign", |b| {
        b.iter(|| blind::blind_sign::<C>(&sk, &pk, Some(&com), header, msgs).unwrap())
    });
    let sig = blind::blind_sign::<C>(&sk, &pk, Some(&com), header, msgs).unwrap();
    g.bench_function("verify", |b| {
        b.iter(|| blind::verify::<C>(&pk, &sig, header, msgs, committed, Some(&sb)).unwrap())
    });
    let gen = |rng: &mut rand::rngs::ThreadRng| {
        blind::proof_gen::<C>(
            &pk,
            &sig,
            header,
            ph,
            msgs,
            committed,
            &disclosed,
            &[],
            Some(&sb),
            rng,
        )
        .unwrap()
    };
    g.bench_function("proof_gen (2 disclosed, 10 hidden)", |b| {
        b.iter(|| gen(rng))
    });
    let proof = gen(rng);
    g.bench_function("proof_verify", |b| {
        b.iter(|| {
            blind::proof_verify::<C>(&pk, &proof, header, ph, 10, &revealed, &[], &disclosed, &[])
                .unwrap()
        })
    });

    // The core with the same hidden count, in the same run.
    let core_sig = bbs::sign::<C>(&sk, &pk, header, &all).unwrap();
    g.bench_function(
        "core proof_gen (12 messages, 2 disclosed, 10 hidden)",
        |b| {
            b.iter(|| {
                bbs::proof_gen::<C>(&pk, &core_sig, header, ph, &all, &disclosed, rng).unwrap()
            })
        },
    );
    let core_proof =
        bbs::proof_gen::<C>(&pk, &core_sig, header, ph, &all, &disclosed, rng).unwrap();
    g.bench_function("core proof_verify (12 messages, 2 disclosed)", |b| {
        b.iter(|| {
            bbs::proof_verify::<C>(&pk, &core_proof, header, ph, &revealed, &disclosed).unwrap()
        })
    });

    // Pseudonyms, one nym.
    let nyms = ProverNyms::random(rng, 1);
    g.bench_function("commit_with_nym", |b| {
        b.iter(|| nym::commit_with_nym::<C>(committed, &nyms, rng).unwrap())
    });
    let (ncom, nsb) = nym::commit_with_nym::<C>(committed, &nyms, rng).unwrap();
    let entropy = SignerNymEntropy::random(rng);
    g.bench_function("blind_sign_with_nym", |b| {
        b.iter(|| {
            nym::blind_sign_with_nym::<C>(&sk, &pk, &ncom, 1, &entropy, header, msgs).unwrap()
        })
    });
    let nsig = nym::blind_sign_with_nym::<C>(&sk, &pk, &ncom, 1, &entropy, header, msgs).unwrap();
    let secrets = nym::verify_finalize_with_nym::<C>(
        &pk,
        &nsig,
        header,
        msgs,
        committed,
        &nyms,
        &entropy,
        Some(&nsb),
    )
    .unwrap();
    let ngen = |rng: &mut rand::rngs::ThreadRng| {
        nym::proof_gen_with_nym::<C>(
            &pk,
            &nsig,
            header,
            ph,
            &secrets,
            context,
            msgs,
            committed,
            &disclosed,
            &[],
            Some(&nsb),
            rng,
        )
        .unwrap()
    };
    g.bench_function("proof_gen_with_nym (2 disclosed, 11 hidden)", |b| {
        b.iter(|| ngen(rng))
    });
    let (nproof, pseudonym) = ngen(rng);
    g.bench_function("proof_verify_with_nym", |b| {
        b.iter(|| {
            nym::proof_verify_with_nym::<C>(
                &pk,
                &nproof,
                header,
                ph,
                &pseudonym,
                context,
                1,
                10,
                &revealed,
                &[],
                &disclosed,
                &[],
            )
            .unwrap()
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_suite::<Bls12381Sha256>(c, "sha256");
    bench_suite::<Bls12381Shake256>(c, "shake256");
}

criterion_group!(blind_benches, benches);
criterion_main!(blind_benches);
