//! A driver for counting instructions per operation with `valgrind --tool=callgrind`
//! (counts do not depend on the machine's load, unlike times). It warms the caches, then
//! runs one operation `n` times:
//!
//! ```sh
//! cargo build --release --example opcount
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/opcount <L> <n> <op>
//! ```
//!
//! `op` is `plain` (`bbs::proof_gen`), `prepared` (`PreparedSignature::proof_gen`),
//! `verify` (`bbs::proof_verify`) or `batch` (`bbs::batch_proof_verify` of 64 proofs, `n`
//! times). The count of one operation is the difference between two runs with different
//! `n`, divided by the difference in operations (`docs/benchmarks.md` uses `n` = 1 and 5,
//! and 1 and 2 batches).

use healthpass::bbs::{self, BatchItem, Bls12381Sha256 as C, PreparedSignature};

fn main() -> Result<(), bbs::Error> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let l: usize = arg(1, "100").parse().unwrap_or(100);
    let n: usize = arg(2, "1").parse().unwrap_or(1);
    let op = arg(3, "prepared");
    let sk = bbs::keygen::<C>(&[3u8; 32], b"opcount", None)?;
    let pk = sk.public_key();
    let messages: Vec<Vec<u8>> = (0..l).map(|i| vec![i as u8; 32]).collect();
    let m: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let sig = bbs::sign::<C>(&sk, &pk, b"hdr", &m)?;
    let prepared = PreparedSignature::<C>::new(&pk, &sig, b"hdr", &m)?;
    let mut rng = rand::rng();
    let shown = [m[0], m[1]];
    let proofs = (0..64)
        .map(|_| prepared.proof_gen(b"ph", &[0, 1], &mut rng))
        .collect::<Result<Vec<_>, _>>()?;
    let items: Vec<BatchItem<'_>> = proofs
        .iter()
        .map(|proof| BatchItem {
            pk: &pk,
            proof,
            header: b"hdr",
            presentation_header: b"ph",
            disclosed_messages: &shown,
            disclosed_indexes: &[0, 1],
        })
        .collect();
    let run = |op: &str, rng: &mut rand::rngs::ThreadRng| -> Result<(), bbs::Error> {
        match op {
            "plain" => bbs::proof_gen::<C>(&pk, &sig, b"hdr", b"ph", &m, &[0, 1], rng).map(drop),
            "prepared" => prepared.proof_gen(b"ph", &[0, 1], rng).map(drop),
            "verify" => bbs::proof_verify::<C>(&pk, &proofs[0], b"hdr", b"ph", &shown, &[0, 1]),
            "batch" => bbs::batch_proof_verify::<C>(&items),
            other => {
                eprintln!("unknown operation {other:?}: plain, prepared, verify or batch");
                std::process::exit(2)
            }
        }
    };
    // Warm-up: tables are built on a generator sequence's second use.
    for _ in 0..2 {
        run(&op, &mut rng)?;
    }
    let start = std::time::Instant::now();
    for _ in 0..n {
        run(&op, &mut rng)?;
    }
    eprintln!(
        "{op} L={l}: {:?} per call",
        start.elapsed() / n.max(1) as u32
    );
    Ok(())
}
