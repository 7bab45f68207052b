//! The `healthpass` command line. For now: `healthpass demo`, an end-to-end run of the BBS
//! core (issuer key, signature over 10 attributes, proof disclosing 2, verification).

use std::process::ExitCode;
use std::time::Instant;

use healthpass::bbs::{self, Bls12381Sha256, Proof, Signature};

fn demo() -> Result<(), bbs::Error> {
    type C = Bls12381Sha256;
    let attributes: [(&str, &[u8]); 10] = [
        ("family_name", b"Lovelace"),
        ("given_name", b"Ada"),
        ("birth_date", b"1990-12-10"),
        ("country", b"GB"),
        ("disease", b"840539006"),
        ("vaccine_product", b"EU/1/20/1528"),
        ("manufacturer", b"ORG-100030215"),
        ("dose_number", b"2"),
        ("vaccination_date", b"2021-06-01"),
        ("certificate_id", b"URN:UVCI:01:GB:DEMO0001"),
    ];
    let messages: Vec<&[u8]> = attributes.iter().map(|(_, v)| *v).collect();
    let disclosed = [5usize, 7];
    let header = b"healthpass demo: vaccination v1";
    let nonce: [u8; 32] = rand::random();

    println!(
        "healthpass demo: BBS signatures ({})",
        String::from_utf8_lossy(<C as bbs::Ciphersuite>::ID)
    );
    let t = Instant::now();
    let mut ikm: [u8; 32] = rand::random();
    let sk = bbs::keygen::<C>(&ikm, b"demo issuer", None)?;
    ikm.fill(0);
    let pk = sk.public_key();
    let keygen_time = t.elapsed();

    let t = Instant::now();
    let signature = bbs::sign::<C>(&sk, &pk, header, &messages)?;
    let sign_time = t.elapsed();

    let t = Instant::now();
    bbs::verify::<C>(&pk, &signature, header, &messages)?;
    let verify_time = t.elapsed();

    let t = Instant::now();
    let proof = bbs::proof_gen::<C>(
        &pk,
        &signature,
        header,
        &nonce,
        &messages,
        &disclosed,
        &mut rand::rng(),
    )?;
    let proof_time = t.elapsed();

    let proof_bytes = proof.to_bytes();
    let revealed: Vec<&[u8]> = disclosed.iter().map(|&i| messages[i]).collect();
    let t = Instant::now();
    bbs::proof_verify::<C>(
        &pk,
        &Proof::from_bytes(&proof_bytes)?,
        header,
        &nonce,
        &revealed,
        &disclosed,
    )?;
    let proof_verify_time = t.elapsed();

    println!("\nissuer signs {} attributes:", attributes.len());
    for (i, (name, value)) in attributes.iter().enumerate() {
        let shown = if disclosed.contains(&i) {
            "disclosed"
        } else {
            "hidden"
        };
        println!(
            "  {name:<17} {:<25} {shown}",
            String::from_utf8_lossy(value)
        );
    }
    println!("\nsizes:");
    println!("  public key   {:>5} bytes", pk.to_bytes().len());
    println!(
        "  signature    {:>5} bytes",
        Signature::to_bytes(&signature).len()
    );
    println!(
        "  proof        {:>5} bytes (272 + 32 x {} hidden)",
        proof_bytes.len(),
        proof.undisclosed_count()
    );
    println!("\ntimings:");
    for (step, d) in [
        ("keygen", keygen_time),
        ("sign", sign_time),
        ("verify", verify_time),
        ("proof_gen", proof_time),
        ("proof_verify", proof_verify_time),
    ] {
        println!("  {step:<13} {:>8.3} ms", d.as_secs_f64() * 1e3);
    }
    // A replayed proof (another verifier nonce) is rejected.
    let replay =
        bbs::proof_verify::<C>(&pk, &proof, header, b"another nonce", &revealed, &disclosed);
    println!(
        "\nthe proof under another verifier's nonce: {}",
        match replay {
            Ok(()) => "ACCEPTED (bug!)".to_string(),
            Err(e) => format!("rejected ({e})"),
        }
    );
    println!("verified: the verifier learnt only vaccine_product and dose_number");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => match demo() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("healthpass: demo failed: {e}");
                ExitCode::from(1)
            }
        },
        _ => {
            eprintln!("usage: healthpass demo");
            ExitCode::from(2)
        }
    }
}
