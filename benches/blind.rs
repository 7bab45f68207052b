//! Criterion benchmarks of blind issuance and pseudonyms (issue 14): a credential of L = 10
//! signer messages and one committed message (the holder secret), disclosing 2 signer
//! messages. `commit`, `blind_sign` (which checks the commitment's proof), `verify`,
//! `proof_gen`, `proof_verify`; with pseudonyms (one nym) `commit_with_nym`,
//! `blind_sign_with_nym`, `proof_gen_with_nym`, `proof_verify_with_nym`; and, for comparison
//! in the same run, the core's `proof_gen`/`proof_verify` with the same hidden count
//! (12 messages, 2 disclosed: 10 hidden, as the blind proof hides 8 signer messages, the blind
//! and the committed one).
//!
//! The `presentation` group compares, in one run, a holder-bound presentation
//! (`presentation::present_as` with the holder's secrets, and its verification) with an
//! unbound one of the same hidden count: a vaccination credential (17 messages) disclosing
//! one attribute unbound (16 hidden), and bound (20 messages: the blind, the holder secret
//! and the nym added) disclosing four (16 hidden); plus the bound one with a pseudonym.
//!
//! Run: `cargo bench --bench blind` (results in `docs/benchmarks.md`).

use criterion::{criterion_group, criterion_main, Criterion};
use healthpass::bbs::nym::{self, ProverNyms, SignerNymEntropy};
use healthpass::bbs::{self, blind, Bls12381Sha256, Bls12381Shake256, Ciphersuite};
use healthpass::credential::holder::CommitmentSecrets;
use healthpass::credential::{CredentialType, Holder, HolderKeys, IssuerKey, Suite};
use healthpass::presentation::{self, CredentialRequest, Policy, PresentationRequest, TrustList};

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

/// Bound against unbound presentations with the same hidden count (module docs).
fn bench_presentations(c: &mut Criterion) {
    const NOW: i64 = 1_717_243_200;
    let rng = &mut rand::rng();
    let issuer = IssuerKey::generate(
        "gb-nhs",
        "NHS",
        "GB",
        Suite::Sha256,
        &CredentialType::ALL,
        rng,
    )
    .unwrap();
    let attributes = serde_json::json!({
        "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS", "certificate_id": "URN:UVCI:01:GB:1",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2025-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2,
        "vaccination_date": "2024-02-01" });
    let unbound = issuer
        .issue_at(CredentialType::Vaccination, &attributes, NOW, rng)
        .unwrap();
    let holder = Holder::generate(rng);
    let (commitment, secrets) = holder.commit(rng).unwrap();
    let bound = issuer
        .issue_bound_at(
            CredentialType::Vaccination,
            &attributes,
            &commitment,
            NOW,
            rng,
        )
        .unwrap();
    let secrets: Vec<CommitmentSecrets> = secrets
        .into_iter()
        .filter(|s| s.suite() == Suite::Sha256)
        .collect();
    holder.accept(&bound, &secrets[0]).unwrap();
    let keys = HolderKeys::new(holder, secrets);
    let mut trust = TrustList::default();
    trust.add(issuer.info().clone(), false).unwrap();
    let request = |disclose: &[&str], bound: bool, pseudonym: Option<&str>| {
        let mut p: Policy =
            CredentialRequest::new(CredentialType::Vaccination, disclose, &[], vec![])
                .unwrap()
                .into();
        p.holder_bound = bound;
        p.pseudonym = pseudonym.map(str::to_owned);
        PresentationRequest::new("venue", vec![p], NOW, 600, &mut rand::rng()).unwrap()
    };
    let one = ["vaccine_product"];
    let four = [
        "vaccine_product",
        "dose_number",
        "total_doses",
        "manufacturer",
    ];
    let cases = [
        (
            "unbound, 16 hidden",
            request(&one, false, None),
            unbound,
            None,
        ),
        (
            "bound, 16 hidden",
            request(&four, true, None),
            bound.clone(),
            Some(&keys),
        ),
        (
            "bound + pseudonym, 16 hidden",
            request(&four, true, Some("2026-12-02")),
            bound,
            Some(&keys),
        ),
    ];
    let mut g = c.benchmark_group("sha256/presentation vaccination");
    g.sample_size(20);
    for (name, r, credential, keys) in &cases {
        let creds = std::slice::from_ref(credential);
        g.bench_function(format!("present ({name})"), |b| {
            b.iter(|| presentation::present_as(r, creds, *keys, NOW, &mut rand::rng()).unwrap())
        });
        let p = presentation::present_as(r, creds, *keys, NOW, rng).unwrap();
        g.bench_function(format!("verify ({name})"), |b| {
            b.iter(|| presentation::verify(r, &p, &trust, NOW).unwrap())
        });
    }
    g.finish();
    // The 1.1x check, robust to the machine's load changing between criterion's groups:
    // the cases interleaved round by round, medians of each.
    let rounds = 40;
    let mut times = vec![[Vec::new(), Vec::new()]; cases.len()];
    for round in 0..rounds {
        for k in 0..cases.len() {
            // Rotate the order so that no case always runs first.
            let (_, r, credential, keys) = &cases[(k + round) % cases.len()];
            let creds = std::slice::from_ref(credential);
            let t = std::time::Instant::now();
            let p = presentation::present_as(r, creds, *keys, NOW, rng).unwrap();
            let present = t.elapsed();
            let t = std::time::Instant::now();
            presentation::verify(r, &p, &trust, NOW).unwrap();
            let verify = t.elapsed();
            times[(k + round) % cases.len()][0].push(present);
            times[(k + round) % cases.len()][1].push(verify);
        }
    }
    let median = |v: &mut Vec<std::time::Duration>| {
        v.sort_unstable();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    let medians: Vec<[f64; 2]> = times
        .iter_mut()
        .map(|[p, v]| [median(p), median(v)])
        .collect();
    for ((name, ..), [p, v]) in cases.iter().zip(&medians) {
        println!(
            "interleaved ({rounds} rounds) {name}: present {p:.2} ms ({:.3}x unbound), verify {v:.2} ms ({:.3}x unbound)",
            p / medians[0][0],
            v / medians[0][1]
        );
    }
}

fn benches(c: &mut Criterion) {
    bench_suite::<Bls12381Sha256>(c, "sha256");
    bench_suite::<Bls12381Shake256>(c, "shake256");
    bench_presentations(c);
}

criterion_group!(blind_benches, benches);
criterion_main!(blind_benches);
