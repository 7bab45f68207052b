//! Conformance with the draft's test vectors (`tests/fixtures`, see `SOURCE.md`), for both
//! ciphersuites, through the public API only. Every fixture file in a suite's directory is
//! visited; every valid case must reproduce byte for byte and every invalid one must fail.

mod common;

use common::*;
use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Generators, Proof, ProofRandomScalars,
    PublicKey, Signature,
};
use serde_json::Value;

/// Counts the cases each test ran, so that an empty directory cannot pass silently.
struct Count {
    valid: usize,
    invalid: usize,
}

fn keypair<C: Ciphersuite>() {
    let (_, f) = json_files(&suite_dir::<C>())
        .into_iter()
        .find(|(n, _)| n == "keypair.json")
        .expect("keypair.json");
    let sk = bbs::keygen::<C>(
        &hex_field(&f, "keyMaterial"),
        &hex_field(&f, "keyInfo"),
        Some(&hex_field(&f, "keyDst")),
    )
    .unwrap();
    assert_eq!(hex::encode(sk.to_bytes()), f["keyPair"]["secretKey"]);
    assert_eq!(
        hex::encode(sk.public_key().to_bytes()),
        f["keyPair"]["publicKey"]
    );
    // The fixture's key_dst is api_id || "KEYGEN_DST_", not KeyGen's default, so the
    // default must give a different key.
    let default = bbs::keygen::<C>(
        &hex_field(&f, "keyMaterial"),
        &hex_field(&f, "keyInfo"),
        None,
    )
    .unwrap();
    assert_ne!(default.to_bytes(), sk.to_bytes());
}

fn utilities<C: Ciphersuite>() {
    let dir = suite_dir::<C>();
    let files = json_files(&dir);
    let get = |name: &str| files.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let api_id = bbs::api_id::<C>();

    let g = get("generators.json");
    let generators = Generators::new::<C>(10, &api_id).unwrap();
    assert_eq!(hex::encode(generators.p1.to_compressed()), g["P1"]);
    assert_eq!(hex::encode(generators.q1().to_compressed()), g["Q1"]);
    let expected: Vec<&str> = g["MsgGenerators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let got: Vec<String> = generators
        .h()
        .iter()
        .map(|h| hex::encode(h.to_compressed()))
        .collect();
    assert_eq!(got, expected);
    // A shorter sequence is a prefix of the longer one (the cache must not change results).
    let three = Generators::new::<C>(3, &api_id).unwrap();
    assert_eq!(three.h(), &generators.h()[..3]);

    let h2s = get("h2s.json");
    let s = bbs::hash_to_scalar::<C>(&hex_field(&h2s, "message"), &hex_field(&h2s, "dst")).unwrap();
    assert_eq!(scalar_hex(&s), h2s["scalar"]);

    let map = get("MapMessageToScalarAsHash.json");
    let dst = hex_field(&map, "dst");
    assert_eq!(dst, [&api_id[..], bbs::MAP_DST_SUFFIX].concat());
    let cases = map["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    let messages: Vec<Vec<u8>> = cases.iter().map(|c| hex_field(c, "message")).collect();
    let scalars = bbs::messages_to_scalars::<C>(&msgs(&messages), &api_id).unwrap();
    for (c, s) in cases.iter().zip(&scalars) {
        assert_eq!(scalar_hex(s), c["scalar"]);
    }

    let mock = get("mockedRng.json");
    let count = mock["count"].as_u64().unwrap() as usize;
    let scalars =
        seeded_random_scalars::<C>(&hex_field(&mock, "seed"), &hex_field(&mock, "dst"), count);
    let expected: Vec<String> = mock["mockedScalars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(scalars.iter().map(scalar_hex).collect::<Vec<_>>(), expected);
}

fn signatures<C: Ciphersuite>() -> Count {
    let mut count = Count {
        valid: 0,
        invalid: 0,
    };
    for (name, f) in json_files(&suite_dir::<C>().join("signature")) {
        let messages = hex_list(&f["messages"]);
        let header = hex_field(&f, "header");
        let sk = bbs::SecretKey::from_bytes(&hex_field(&f["signerKeyPair"], "secretKey")).unwrap();
        let pk_bytes = hex_field(&f["signerKeyPair"], "publicKey");
        let result = PublicKey::from_bytes(&pk_bytes).and_then(|pk| {
            let sig = Signature::from_bytes(&hex_field(&f, "signature"))?;
            bbs::verify::<C>(&pk, &sig, &header, &msgs(&messages))
        });
        if f["result"]["valid"].as_bool().unwrap() {
            result.unwrap_or_else(|e| panic!("{name}: {e}"));
            let pk = PublicKey::from_bytes(&pk_bytes).unwrap();
            assert_eq!(sk.public_key(), pk, "{name}");
            let sig = bbs::sign::<C>(&sk, &pk, &header, &msgs(&messages)).unwrap();
            assert_eq!(hex::encode(sig.to_bytes()), f["signature"], "{name}");
            // Trace: the domain.
            let api_id = bbs::api_id::<C>();
            let generators = Generators::new::<C>(messages.len(), &api_id).unwrap();
            let domain = bbs::calculate_domain::<C>(&pk, &generators, &header, &api_id).unwrap();
            assert_eq!(scalar_hex(&domain), f["trace"]["domain"], "{name}");
            count.valid += 1;
        } else {
            assert!(
                result.is_err(),
                "{name} ({}) was accepted",
                f["result"]["reason"]
            );
            count.invalid += 1;
        }
    }
    count
}

fn proofs<C: Ciphersuite>() -> Count {
    let mut count = Count {
        valid: 0,
        invalid: 0,
    };
    let api_id = bbs::api_id::<C>();
    for (name, f) in json_files(&suite_dir::<C>().join("proof")) {
        let case = ProofCase::parse(&f);
        let mocked = case.mocked_scalars::<C>();
        let ProofCase {
            messages,
            header,
            ph,
            indexes,
            pk_bytes,
            valid,
        } = case;
        let disclosed: Vec<&[u8]> = indexes
            .iter()
            .map(|&i| messages.get(i).map_or(&[][..], Vec::as_slice))
            .collect();
        let proof_bytes = hex_field(&f, "proof");
        let result = PublicKey::from_bytes(&pk_bytes).and_then(|pk| {
            let proof = Proof::from_bytes(&proof_bytes)?;
            bbs::proof_verify::<C>(&pk, &proof, &header, &ph, &disclosed, &indexes)
        });
        if !valid {
            assert!(
                result.is_err(),
                "{name} ({}) was accepted",
                f["result"]["reason"]
            );
            count.invalid += 1;
            continue;
        }
        result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let pk = PublicKey::from_bytes(&pk_bytes).unwrap();
        let sig = Signature::from_bytes(&hex_field(&f, "signature")).unwrap();
        bbs::verify::<C>(&pk, &sig, &header, &msgs(&messages)).unwrap();

        // Regenerate the proof with the draft's mocked random scalars (count 5 + U).
        let u = messages.len() - indexes.len();
        let trace = &f["trace"];
        let rs = &trace["random_scalars"];
        for (k, key) in ["r1", "r2", "e_tilde", "r1_tilde", "r3_tilde"]
            .iter()
            .enumerate()
        {
            assert_eq!(scalar_hex(&mocked[k]), rs[*key], "{name}: {key}");
        }
        for (k, m) in rs["m_tilde_scalars"].as_array().unwrap().iter().enumerate() {
            assert_eq!(&scalar_hex(&mocked[5 + k]), m, "{name}: m~{k}");
        }
        let scalars = bbs::messages_to_scalars::<C>(&msgs(&messages), &api_id).unwrap();
        let generators = Generators::new::<C>(messages.len(), &api_id).unwrap();
        let undisclosed: Vec<usize> = (0..messages.len())
            .filter(|i| !indexes.contains(i))
            .collect();
        let random = ProofRandomScalars::from_scalars(&mocked, u).unwrap();
        let init = bbs::proof_init::<C>(
            &pk,
            &sig,
            &generators,
            &header,
            &scalars,
            &undisclosed,
            random,
            &api_id,
        )
        .unwrap();
        let r = init.result();
        let hexp = |p: &bbs::G1Affine| hex::encode(p.to_compressed());
        assert_eq!(hexp(&r.a_bar), trace["A_bar"], "{name}");
        assert_eq!(hexp(&r.b_bar), trace["B_bar"], "{name}");
        assert_eq!(hexp(&r.d), trace["D"], "{name}");
        // One SHA-256 vector prints `T = h''` in the draft; the JSON carries T1/T2 anyway.
        assert_eq!(hexp(&r.t1), trace["T1"], "{name}");
        assert_eq!(hexp(&r.t2), trace["T2"], "{name}");
        assert_eq!(scalar_hex(&r.domain), trace["domain"], "{name}");
        let disclosed_scalars: Vec<_> = indexes.iter().map(|&i| scalars[i]).collect();
        let c = bbs::proof_challenge_calculate::<C>(r, &indexes, &disclosed_scalars, &ph, &api_id)
            .unwrap();
        assert_eq!(scalar_hex(&c), trace["challenge"], "{name}");
        let proof = init.finalize(&c).unwrap();
        assert_eq!(hex::encode(proof.to_bytes()), f["proof"], "{name}");

        // The all-in-one core function gives the same bytes.
        let random = ProofRandomScalars::from_scalars(&mocked, u).unwrap();
        let again = bbs::core_proof_gen::<C>(
            &pk,
            &sig,
            &generators,
            &header,
            &ph,
            &scalars,
            &indexes,
            random,
            &api_id,
        )
        .unwrap();
        assert_eq!(again, proof, "{name}");
        count.valid += 1;
    }
    count
}

fn suite<C: Ciphersuite>() -> (usize, usize) {
    keypair::<C>();
    utilities::<C>();
    let s = signatures::<C>();
    let p = proofs::<C>();
    // The draft ships 3 valid and 7 invalid signatures, 5 valid and 10 invalid proofs per suite.
    assert_eq!((s.valid, s.invalid), (3, 7), "signature cases");
    assert_eq!((p.valid, p.invalid), (5, 10), "proof cases");
    (s.valid + p.valid, s.invalid + p.invalid)
}

#[test]
fn sha256_vectors() {
    let (valid, invalid) = suite::<Bls12381Sha256>();
    eprintln!("BLS12-381-SHA-256: {valid} valid and {invalid} invalid cases");
}

#[test]
fn shake256_vectors() {
    let (valid, invalid) = suite::<Bls12381Shake256>();
    eprintln!("BLS12-381-SHAKE-256: {valid} valid and {invalid} invalid cases");
}

#[test]
fn shared_messages_file_matches_fixture_messages() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messages.json");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let shared = hex_list(&v);
    assert_eq!(shared.len(), 10);
    assert!(shared[9].is_empty(), "m_10 is the empty message");
}
