//! healthpass against other Rust BBS implementations, same process, same inputs, one thread:
//! L messages of 32 octets (L = 10 and 100), the messages at indexes 0 and L/2 disclosed.
//!
//! - `healthpass`: `bbs::proof_gen` / `bbs::proof_verify` (SHA-256 suite), the prepared
//!   credential (`PreparedSignature::proof_gen`), and `bbs::batch_proof_verify` over 64 proofs
//!   (reported per proof).
//! - `bbs_plus` 0.25 (docknetwork): its IETF-style proof (`proof_23_ietf`), parameters and the
//!   prepared public key made once, messages already mapped to field elements.
//! - `zkryptium` 0.8: its draft BBS (`BbsBls12381Sha256`), octet-string messages.
//! - `bbs` 0.4 (Hyperledger Ursa): the older BBS+ proof, messages hashed by the crate.
//!
//! Ids are `{operation}/L={l}/{library}`, the libraries of one operation measured back to
//! back; `scripts/peers_report.py` turns criterion's
//! medians into the table and plot of `docs/benchmarks.md`.

use std::collections::{BTreeMap, BTreeSet};

use criterion::{criterion_group, criterion_main, Criterion};

const SIZES: [usize; 2] = [10, 100];
const BATCH: usize = 64;

/// One measured operation of one library: `(operation, library, divisor, routine)`; the
/// routine's time is divided by `divisor` (the batch size for per-proof batch timings).
type Case = (&'static str, &'static str, u32, Box<dyn FnMut()>);

/// Runs every case, one operation at a time, the libraries back to back, so that load from
/// elsewhere on a shared machine hits the numbers being compared alike.
fn run(c: &mut Criterion, l: usize, mut cases: Vec<Case>) {
    for op in [
        "proof_gen",
        "prepared_proof_gen",
        "proof_verify",
        "batch_per_proof",
    ] {
        for (name, lib, divisor, routine) in cases.iter_mut().filter(|case| case.0 == op) {
            let mut group = c.benchmark_group(format!("{name}/L={l}"));
            group.sample_size(if *lib == "zkryptium" || *divisor > 1 {
                10
            } else {
                50
            });
            let divisor = *divisor;
            group.bench_function(*lib, |b| {
                b.iter_custom(|iters| {
                    let start = std::time::Instant::now();
                    for _ in 0..iters {
                        routine();
                    }
                    start.elapsed() / divisor
                })
            });
            group.finish();
        }
    }
}

fn all(c: &mut Criterion) {
    for l in SIZES {
        let mut cases = healthpass(l);
        cases.extend(bbs_plus(l));
        cases.extend(zkryptium(l));
        cases.extend(ursa_bbs(l));
        run(c, l, cases);
    }
}

fn messages(l: usize) -> Vec<Vec<u8>> {
    (0..l)
        .map(|i| {
            let mut m = [0u8; 32];
            m[..8].copy_from_slice(&(i as u64).to_be_bytes());
            m[8..].fill(0x5a);
            m.to_vec()
        })
        .collect()
}

fn disclosed(l: usize) -> Vec<usize> {
    vec![0, l / 2]
}

fn healthpass(l: usize) -> Vec<Case> {
    use healthpass::bbs::{self, BatchItem, Bls12381Sha256 as S, PreparedSignature};
    let sk = bbs::keygen::<S>(&[1u8; 32], b"peers", None).unwrap();
    let pk = sk.public_key();
    let owned = messages(l);
    let d = disclosed(l);
    let sig = {
        let msgs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        bbs::sign::<S>(&sk, &pk, b"header", &msgs).unwrap()
    };
    let gen = {
        let (owned, d) = (owned.clone(), d.clone());
        move || {
            let msgs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
            bbs::proof_gen::<S>(&pk, &sig, b"header", b"ph", &msgs, &d, &mut rand::rng()).unwrap()
        }
    };
    let prepared = {
        let msgs: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        PreparedSignature::<S>::new(&pk, &sig, b"header", &msgs).unwrap()
    };
    let proof = gen();
    let proofs: Vec<_> = (0..BATCH).map(|_| gen()).collect();
    let shown: Vec<Vec<u8>> = d.iter().map(|&i| owned[i].clone()).collect();
    let (d2, d3, shown2) = (d.clone(), d.clone(), shown.clone());
    vec![
        ("proof_gen", "healthpass", 1, Box::new(move || drop(gen()))),
        (
            "prepared_proof_gen",
            "healthpass",
            1,
            Box::new(move || drop(prepared.proof_gen(b"ph", &d, &mut rand::rng()).unwrap())),
        ),
        (
            "proof_verify",
            "healthpass",
            1,
            Box::new(move || {
                let shown: Vec<&[u8]> = shown.iter().map(Vec::as_slice).collect();
                bbs::proof_verify::<S>(&pk, &proof, b"header", b"ph", &shown, &d2).unwrap()
            }),
        ),
        (
            "batch_per_proof",
            "healthpass",
            BATCH as u32,
            Box::new(move || {
                let shown: Vec<&[u8]> = shown2.iter().map(Vec::as_slice).collect();
                let items: Vec<BatchItem<'_>> = proofs
                    .iter()
                    .map(|proof| BatchItem {
                        pk: &pk,
                        proof,
                        header: b"header",
                        presentation_header: b"ph",
                        disclosed_messages: &shown,
                        disclosed_indexes: &d3,
                    })
                    .collect();
                bbs::batch_proof_verify::<S>(&items).unwrap()
            }),
        ),
    ]
}

fn bbs_plus(l: usize) -> Vec<Case> {
    use ark_bls12_381::{Bls12_381, Fr};
    use ark_std::rand::{rngs::StdRng, SeedableRng};
    use bbs_plus::prelude::{
        KeypairG2, PreparedPublicKeyG2, PreparedSignatureParams23G1, Signature23G1,
        SignatureParams23G1,
    };
    use bbs_plus::proof_23_ietf::PoKOfSignature23G1Protocol;
    use blake2::Blake2b512;
    use dock_crypto_utils::hashing_utils::field_elem_from_try_and_incr;
    use dock_crypto_utils::signature::MessageOrBlinding;

    let mut rng = StdRng::seed_from_u64(l as u64);
    let params = SignatureParams23G1::<Bls12_381>::new::<Blake2b512>(b"peers", l as u32);
    let keypair = KeypairG2::<Bls12_381>::generate_using_rng_and_bbs23_params(&mut rng, &params);
    let prepared_pk = PreparedPublicKeyG2::from(keypair.public_key.clone());
    let prepared_params = PreparedSignatureParams23G1::from(params.clone());
    let scalars: Vec<Fr> = messages(l)
        .iter()
        .map(|m| field_elem_from_try_and_incr::<Fr, Blake2b512>(m))
        .collect();
    let d: BTreeSet<usize> = disclosed(l).into_iter().collect();
    let revealed: BTreeMap<usize, Fr> = d.iter().map(|&i| (i, scalars[i])).collect();
    let sig =
        Signature23G1::<Bls12_381>::new(&mut rng, &scalars, &keypair.secret_key, &params).unwrap();
    let gen = {
        let (params, revealed) = (params.clone(), revealed.clone());
        move |rng: &mut StdRng| {
            let protocol = PoKOfSignature23G1Protocol::init(
                rng,
                &sig,
                &params,
                scalars.iter().enumerate().map(|(i, m)| {
                    if d.contains(&i) {
                        MessageOrBlinding::RevealMessage(m)
                    } else {
                        MessageOrBlinding::BlindMessageRandomly(m)
                    }
                }),
            )
            .unwrap();
            let mut bytes = b"ph".to_vec();
            protocol
                .challenge_contribution(&revealed, &params, &mut bytes)
                .unwrap();
            let challenge = field_elem_from_try_and_incr::<Fr, Blake2b512>(&bytes);
            protocol.gen_proof(&challenge).unwrap()
        }
    };
    let proof = gen(&mut rng);
    vec![
        (
            "proof_gen",
            "bbs_plus",
            1,
            Box::new(move || drop(gen(&mut rng))),
        ),
        (
            "proof_verify",
            "bbs_plus",
            1,
            Box::new(move || {
                let mut bytes = b"ph".to_vec();
                proof
                    .challenge_contribution(&revealed, &params, &mut bytes)
                    .unwrap();
                let challenge = field_elem_from_try_and_incr::<Fr, Blake2b512>(&bytes);
                proof
                    .verify(
                        &revealed,
                        &challenge,
                        prepared_pk.clone(),
                        prepared_params.clone(),
                    )
                    .unwrap()
            }),
        ),
    ]
}

fn zkryptium(l: usize) -> Vec<Case> {
    use zkryptium::keys::pair::KeyPair;
    use zkryptium::schemes::algorithms::BbsBls12381Sha256 as Z;
    use zkryptium::schemes::generics::{PoKSignature, Signature};

    let keypair = KeyPair::<Z>::generate(&[1u8; 32], Some(b"peers"), None).unwrap();
    let (sk, pk) = (keypair.private_key().clone(), keypair.public_key().clone());
    let msgs = messages(l);
    let d = disclosed(l);
    let shown: Vec<Vec<u8>> = d.iter().map(|&i| msgs[i].clone()).collect();
    let sig = Signature::<Z>::sign(Some(&msgs), &sk, &pk, Some(b"header")).unwrap();
    let sig_bytes = sig.to_bytes();
    let gen = {
        let (pk, d) = (pk.clone(), d.clone());
        move || {
            PoKSignature::<Z>::proof_gen(
                &pk,
                &sig_bytes,
                Some(b"header"),
                Some(b"ph"),
                Some(&msgs),
                Some(&d),
            )
            .unwrap()
        }
    };
    let proof = gen();
    vec![
        ("proof_gen", "zkryptium", 1, Box::new(move || drop(gen()))),
        (
            "proof_verify",
            "zkryptium",
            1,
            Box::new(move || {
                proof
                    .proof_verify(&pk, Some(&shown), Some(&d), Some(b"header"), Some(b"ph"))
                    .unwrap()
            }),
        ),
    ]
}

fn ursa_bbs(l: usize) -> Vec<Case> {
    use bbs::prelude::*;

    let (pk, sk) = Issuer::new_keys(l).unwrap();
    let msgs = messages(l);
    let d = disclosed(l);
    let signed: Vec<SignatureMessage> = msgs.iter().map(|m| SignatureMessage::hash(m)).collect();
    let sig = Signature::new(&signed, &sk, &pk).unwrap();
    let request = Verifier::new_proof_request(&d, &pk).unwrap();
    let nonce = Verifier::generate_proof_nonce();
    let gen = {
        let (request, nonce) = (request.clone(), nonce);
        move || {
            let proof_messages: Vec<ProofMessage> = msgs
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    if d.contains(&i) {
                        ProofMessage::Revealed(SignatureMessage::hash(m))
                    } else {
                        ProofMessage::Hidden(HiddenMessage::ProofSpecificBlinding(
                            SignatureMessage::hash(m),
                        ))
                    }
                })
                .collect();
            let pok = Prover::commit_signature_pok(&request, &proof_messages, &sig).unwrap();
            let mut bytes = pok.to_bytes();
            bytes.extend_from_slice(&nonce.to_bytes_uncompressed_form()[..]);
            let challenge = ProofChallenge::hash(&bytes);
            Prover::generate_signature_pok(pok, &challenge).unwrap()
        }
    };
    let proof = gen();
    vec![
        ("proof_gen", "bbs", 1, Box::new(move || drop(gen()))),
        (
            "proof_verify",
            "bbs",
            1,
            Box::new(move || {
                drop(Verifier::verify_signature_pok(&request, &proof, &nonce).unwrap())
            }),
        ),
    ]
}

criterion_group!(peers, all);
criterion_main!(peers);
