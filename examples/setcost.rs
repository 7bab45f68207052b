//! The cost of a large digit set (issue 13): making a set of `base` digits (the verifier,
//! once), its canonical encoding and decoding (a parameter store's file), and the holder's
//! one-time check of its signatures.
//!
//! ```sh
//! cargo run --release --example setcost -- 65536
//! ```

use std::time::Instant;

use healthpass::presentation::{set_from_bytes, set_to_bytes};
use healthpass::zk::{SetKind, SignedSet};

fn main() {
    let base: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1 << 16);
    let mut rng = rand::rng();
    let t = Instant::now();
    let set = SignedSet::generate(&mut rng, SetKind::Digits { base }).expect("set");
    let generate = t.elapsed();
    let t = Instant::now();
    let bytes = set_to_bytes(&set);
    let encode = t.elapsed();
    let t = Instant::now();
    let back = set_from_bytes(&bytes).expect("decode");
    let decode = t.elapsed();
    assert_eq!(back, set);
    let t = Instant::now();
    set.check(&mut rng).expect("check");
    let check = t.elapsed();
    let t = Instant::now();
    for d in 0..64u64 {
        std::hint::black_box(set.signature_scan_for_timing(&bls12_381::Scalar::from(d)));
    }
    let scan = t.elapsed() / 64;
    println!("base {base}: {} bytes", bytes.len());
    println!(
        "  generate (sign every digit)  {:>10.1} ms",
        generate.as_secs_f64() * 1e3
    );
    println!(
        "  encode                        {:>10.1} ms",
        encode.as_secs_f64() * 1e3
    );
    println!(
        "  decode (subgroup checks)      {:>10.1} ms",
        decode.as_secs_f64() * 1e3
    );
    println!(
        "  check (holder, once)          {:>10.1} ms",
        check.as_secs_f64() * 1e3
    );
    println!(
        "  one digit's signature scan    {:>10.3} ms",
        scan.as_secs_f64() * 1e3
    );
}
