//! A dudect-style constant-time check (Reparaz, Balasch and Verbauwhede, "Dude, is my code
//! constant time?", DATE 2017): for each secret-dependent path, time many runs on two classes
//! of secret input — a special value (zero, one, digit 0, all-zero messages) and fresh random
//! values — in a random interleaving, and compare the two timing distributions with Welch's
//! t-test. A path whose time depends on the secret shows a |t| that grows with the number of
//! samples; `|t| < 4.5` is the usual "no leak detected" threshold.
//!
//! ```sh
//! cargo run --release --example dudect              # full run: 10^5 timings per path
//! cargo run --release --example dudect -- --quick   # CI: 5,000 timings per path
//! cargo run --release --example dudect -- --samples 200000 --only field
//! ```
//!
//! A leaky control (the verifier's variable-time inversion, which is allowed to leak because
//! it only ever sees public values) runs with the same harness and must exceed the threshold,
//! so that a harness that cannot see a difference does not pass silently. The program exits
//! with 1 when a constant-time path exceeds the threshold or the control does not. In the
//! short run (`--quick`), a path whose verdict is wrong is measured again with four times the
//! timings and only a second wrong verdict counts: a real difference grows with the number of
//! timings, a burst of machine noise does not.
//!
//! The t statistic is computed on all timings and on timings cropped at several upper
//! percentiles (dudect's way of removing interrupts and other one-sided noise); the largest
//! |t| is reported. `docs/threat-model.md` gives the figures and how to read them.

use std::hint::black_box;
use std::time::Instant;

use healthpass::bbs::{self, Bls12381Sha256 as C, Generators, PreparedSignature, Scalar};
use healthpass::group::bench_internals::{self as internals, CombTable, Limbs, WideTable};
use healthpass::zk::{self, Formula, PredicateStatement, SetKind, SignedSet};
use rand::{Rng, RngExt};

/// Welch's t-test accumulated online (Welford's update).
#[derive(Clone, Copy, Default)]
struct Welch {
    n: [f64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn push(&mut self, class: usize, x: f64) {
        self.n[class] += 1.0;
        let d = x - self.mean[class];
        self.mean[class] += d / self.n[class];
        self.m2[class] += d * (x - self.mean[class]);
    }

    fn t(&self) -> f64 {
        if self.n[0] < 2.0 || self.n[1] < 2.0 {
            return 0.0;
        }
        let v0 = self.m2[0] / (self.n[0] - 1.0);
        let v1 = self.m2[1] / (self.n[1] - 1.0);
        let se = (v0 / self.n[0] + v1 / self.n[1]).sqrt();
        if se == 0.0 {
            return 0.0;
        }
        (self.mean[0] - self.mean[1]) / se
    }
}

/// The threshold above which a path is reported as leaking.
const THRESHOLD: f64 = 4.5;
/// Cropping percentiles, as dudect uses them: `1 - 0.5^(10 (i + 1) / CROPS)`.
const CROPS: usize = 10;

/// What one path measured.
struct Outcome {
    name: &'static str,
    samples: usize,
    max_t: f64,
    mean_ns: [f64; 2],
    leaky_control: bool,
}

impl Outcome {
    /// A constant-time path over the threshold, or a leaky control under it.
    fn verdict_is_wrong(&self) -> bool {
        (self.max_t >= THRESHOLD) != self.leaky_control
    }
}

/// Times `samples` runs of `op` over inputs of two classes. `input(class, rng)` makes an
/// input before the timed window (class 0: the special secret; class 1: a random secret);
/// `op` is timed alone. Inputs are made in blocks so that making them does not interleave
/// with the timed runs, and the class of each run is drawn at random.
fn measure<T>(
    name: &'static str,
    samples: usize,
    leaky_control: bool,
    mut input: impl FnMut(usize, &mut rand::rngs::ThreadRng) -> T,
    mut op: impl FnMut(&T),
) -> Outcome {
    let mut rng = rand::rng();
    let block = 1000.min(samples).max(1);
    let mut classes = Vec::with_capacity(samples);
    let mut times = Vec::with_capacity(samples);
    // Warm caches and tables on both classes.
    for class in [0, 1, 0, 1] {
        let x = input(class, &mut rng);
        op(&x);
    }
    while times.len() < samples {
        let n = block.min(samples - times.len());
        let cls: Vec<usize> = (0..n).map(|_| usize::from(rng.random::<bool>())).collect();
        let inputs: Vec<T> = cls.iter().map(|&c| input(c, &mut rng)).collect();
        for (x, &c) in inputs.iter().zip(&cls) {
            let start = Instant::now();
            op(black_box(x));
            let elapsed = start.elapsed().as_nanos() as f64;
            times.push(elapsed);
            classes.push(c);
        }
    }
    // Percentile thresholds from the whole run.
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let cut = |p: f64| sorted[((sorted.len() - 1) as f64 * p) as usize];
    let crops: Vec<f64> = (0..CROPS)
        .map(|i| cut(1.0 - 0.5f64.powf(10.0 * (i as f64 + 1.0) / CROPS as f64)))
        .collect();
    let mut all = Welch::default();
    let mut cropped = vec![Welch::default(); CROPS];
    for (&x, &c) in times.iter().zip(&classes) {
        all.push(c, x);
        for (w, &limit) in cropped.iter_mut().zip(&crops) {
            if x <= limit {
                w.push(c, x);
            }
        }
    }
    let max_t = std::iter::once(&all)
        .chain(&cropped)
        .map(|w| w.t().abs())
        .fold(0.0, f64::max);
    Outcome {
        name,
        samples,
        max_t,
        mean_ns: all.mean,
        leaky_control,
    }
}

/// A random field element in Montgomery form (its top limb kept below `p`'s, so it is
/// below `p`).
fn random_fp(rng: &mut impl Rng) -> Limbs {
    let mut limbs = [0u64; 6];
    for l in &mut limbs {
        *l = rng.next_u64();
    }
    limbs[5] %= 0x1a01_11ea_397f_e699;
    internals::to_montgomery(&limbs)
}

/// Class 0: the field element `special` (Montgomery form); class 1: a random one.
fn fp_of_class(class: usize, special: u64, rng: &mut impl Rng) -> Limbs {
    if class == 0 {
        internals::to_montgomery(&[special, 0, 0, 0, 0, 0])
    } else {
        random_fp(rng)
    }
}

/// Class 0: the scalar zero; class 1: a random scalar.
fn scalar_of_class(class: usize, rng: &mut impl Rng) -> Scalar {
    if class == 0 {
        Scalar::zero()
    } else {
        random_scalar(rng)
    }
}

fn random_scalar(rng: &mut impl Rng) -> Scalar {
    let mut wide = [0u8; 64];
    rng.fill_bytes(&mut wide);
    Scalar::from_bytes_wide(&wide)
}

/// Runs `inner` `reps` times per timing so that one timing lasts well above the clock's
/// resolution.
fn repeat(reps: usize, mut inner: impl FnMut()) {
    for _ in 0..reps {
        inner();
    }
}

/// The paths, by the name `--only` matches.
const PATHS: &[&str] = &[
    "field-mul",
    "field-invert",
    "glv",
    "comb",
    "wide",
    "proof",
    "digit",
    "scan",
    "branch",
    "control",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut samples = 100_000usize;
    let mut quick = false;
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => {
                quick = true;
                samples = 5_000;
            }
            "--samples" => {
                samples = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or_else(|| usage("--samples takes a number"))
            }
            "--only" => only = Some(it.next().cloned().unwrap_or_else(|| usage("--only NAME"))),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let mut failed = false;
    println!(
        "{:<52} {:>9} {:>12} {:>12} {:>8}  verdict",
        "path", "timings", "class0 ns", "class1 ns", "max |t|"
    );
    for path in PATHS {
        if only.as_deref().is_some_and(|o| !path.contains(o)) {
            continue;
        }
        let mut outcome = run_path(path, samples);
        let mut wrong = outcome.verdict_is_wrong();
        print(&outcome);
        // A short run is noisy: a verdict it gets wrong is measured again with four times
        // the timings, and only a second wrong verdict counts (a real leak grows with the
        // number of timings; noise does not).
        if quick && wrong {
            outcome = run_path(path, 4 * samples);
            wrong = outcome.verdict_is_wrong();
            print(&outcome);
        }
        failed |= wrong;
    }
    println!("threshold |t| = {THRESHOLD}");
    if failed {
        std::process::exit(1);
    }
}

fn print(o: &Outcome) {
    let verdict = match (o.leaky_control, o.max_t >= THRESHOLD) {
        (false, false) => "ok: no leak detected",
        (false, true) => "LEAK",
        (true, true) => "ok: control detected",
        (true, false) => "CONTROL NOT DETECTED",
    };
    println!(
        "{:<52} {:>9} {:>12.1} {:>12.1} {:>8.2}  {verdict}",
        o.name, o.samples, o.mean_ns[0], o.mean_ns[1], o.max_t
    );
}

/// Measures one path with `samples` timings.
fn run_path(path: &str, samples: usize) -> Outcome {
    match path {
        "field-mul" => measure(
            "field-mul (0 vs random)",
            samples,
            false,
            |class, rng| {
                let a = fp_of_class(class, 0, rng);
                (a, random_fp(rng))
            },
            |(a, b)| {
                repeat(32, || {
                    black_box(internals::fp_mul(a, b));
                })
            },
        ),
        "field-invert" => measure(
            "field-invert (1 vs random)",
            samples,
            false,
            |class, rng| fp_of_class(class, 1, rng),
            |a| {
                black_box(internals::fp_invert(a));
            },
        ),
        "glv" => measure(
            "glv-split (0 vs random)",
            samples,
            false,
            scalar_of_class,
            |k| {
                repeat(8, || {
                    black_box(internals::glv_decompose(k));
                })
            },
        ),
        "comb" => {
            let comb = CombTable::new(&bbs::p1::<C>().expect("P1"));
            measure(
                "comb-product (0 vs random)",
                samples,
                false,
                scalar_of_class,
                |k| {
                    black_box(comb.mul(k));
                },
            )
        }
        "wide" => {
            let mut rng = rand::rng();
            let tables: Vec<WideTable> = (0..8)
                .map(|_| {
                    WideTable::new(&(bbs::p1::<C>().expect("P1") * random_scalar(&mut rng)).into())
                })
                .collect();
            measure(
                "wide-sum, 8 terms (0 vs random)",
                samples,
                false,
                |class, rng| {
                    (0..8)
                        .map(|_| scalar_of_class(class, rng))
                        .collect::<Vec<_>>()
                },
                |scalars| {
                    black_box(internals::wide_sum(&tables, scalars));
                },
            )
        }
        "proof" => {
            let (zeros, random) = prepared_pair(10);
            let mut rng = rand::rng();
            measure(
                "prepared proof_gen, L=10 (messages 0 vs random)",
                samples,
                false,
                |class, _| class,
                |&class| {
                    let prepared = if class == 0 { &zeros } else { &random };
                    black_box(prepared.proof_gen(b"ph", &[0], &mut rng).expect("proof"));
                },
            )
        }
        "digit" => digit_proof(samples),
        "scan" => {
            // The holder's read of its digit's signature from a set of 2^16 digits: every
            // entry is compared and read through a mask, whatever the digit.
            let mut rng = rand::rng();
            let set =
                SignedSet::generate(&mut rng, SetKind::Digits { base: 1 << 16 }).expect("set");
            measure(
                "digit signature scan, base 2^16 (digit 0 vs random)",
                samples,
                false,
                |class, rng| {
                    Scalar::from(if class == 0 {
                        0
                    } else {
                        rng.random_range(1..1u64 << 16)
                    })
                },
                |digit| {
                    black_box(set.signature_scan_for_timing(digit));
                },
            )
        }
        "branch" => branch_proof(samples),
        "control" => measure(
            "CONTROL field-invert-vartime (1 vs random)",
            samples,
            true,
            |class, rng| fp_of_class(class, 1, rng),
            |a| {
                black_box(internals::fp_invert_vartime(a));
            },
        ),
        other => usage(&format!("unknown path `{other}`")),
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("dudect: {problem}\nusage: dudect [--quick] [--samples N] [--only NAME]");
    std::process::exit(2)
}

/// Two prepared credentials of `l` messages under one key: all messages zero, and random.
fn prepared_pair(l: usize) -> (PreparedSignature<C>, PreparedSignature<C>) {
    let mut rng = rand::rng();
    let api_id = bbs::api_id::<C>();
    let sk = bbs::keygen::<C>(&[7u8; 32], b"dudect", None).expect("key");
    let pk = sk.public_key();
    let generators = Generators::new::<C>(l, &api_id).expect("generators");
    let make = |scalars: Vec<Scalar>| {
        let sig =
            bbs::core_sign::<C>(&sk, &pk, &generators, b"hdr", &scalars, &api_id).expect("sign");
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"hdr", &scalars, &api_id).expect("prepare")
    };
    let zeros = make(vec![Scalar::zero(); l]);
    let random = make((0..l).map(|_| random_scalar(&mut rng)).collect());
    (zeros, random)
}

/// A range proof over one hidden message whose difference to the bound is digit 0 (class 0)
/// or a random non-zero digit (class 1), in base 64 with one digit. Each class draws from 32
/// prepared credentials of its own, so that both classes touch as many tables (a single
/// credential for class 0 would be cache-hot and look faster).
fn digit_proof(samples: usize) -> Outcome {
    let mut rng = rand::rng();
    let api_id = bbs::api_id::<C>();
    let sk = bbs::keygen::<C>(&[9u8; 32], b"dudect-digit", None).expect("key");
    let pk = sk.public_key();
    let generators = Generators::new::<C>(2, &api_id).expect("generators");
    let set = SignedSet::generate(&mut rng, SetKind::Digits { base: 64 }).expect("set");
    // Message 1 is the value; the bound is 0, so the value is the digit.
    let mut prepare = |digit: u64| {
        let scalars = [random_scalar(&mut rng), Scalar::from(digit)];
        let sig =
            bbs::core_sign::<C>(&sk, &pk, &generators, b"hdr", &scalars, &api_id).expect("sign");
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"hdr", &scalars, &api_id).expect("prepare")
    };
    let zeros: Vec<PreparedSignature<C>> = (0..32).map(|_| prepare(0)).collect();
    let others: Vec<PreparedSignature<C>> = (0..32u64).map(|i| prepare(1 + i % 63)).collect();
    let statement = [PredicateStatement {
        message_index: 1,
        minus_index: None,
        negate: false,
        offset: Scalar::zero(),
        digit_count: 1,
        scale: 1,
        set,
    }];
    let mut prove_rng = rand::rng();
    measure(
        "predicate digit proof, base 64 (digit 0 vs 1..63)",
        samples,
        false,
        |class, rng| (class, rng.random_range(0..32usize)),
        |&(class, i)| {
            let prepared = if class == 0 { &zeros[i] } else { &others[i] };
            black_box(
                zk::prove(prepared, &[], &statement, b"ctx", &mut prove_rng)
                    .expect("a true statement"),
            );
        },
    )
}

/// An OR of two one-digit base-64 ranges (`m_1 in 0..63 OR m_2 in 0..63`) whose first
/// (class 0) or second (class 1) branch holds: which branch is true is the secret. Each class
/// draws from 32 prepared credentials of its own, as in [`digit_proof`].
fn branch_proof(samples: usize) -> Outcome {
    let mut rng = rand::rng();
    let api_id = bbs::api_id::<C>();
    let sk = bbs::keygen::<C>(&[10u8; 32], b"dudect-branch", None).expect("key");
    let pk = sk.public_key();
    let generators = Generators::new::<C>(3, &api_id).expect("generators");
    let set = SignedSet::generate(&mut rng, SetKind::Digits { base: 64 }).expect("set");
    let mut prepare = |first: bool, i: u64| {
        let (a, b) = if first {
            (i % 64, 64 + i)
        } else {
            (64 + i, i % 64)
        };
        let scalars = [random_scalar(&mut rng), Scalar::from(a), Scalar::from(b)];
        let sig =
            bbs::core_sign::<C>(&sk, &pk, &generators, b"hdr", &scalars, &api_id).expect("sign");
        PreparedSignature::<C>::from_scalars(&pk, &sig, b"hdr", &scalars, &api_id).expect("prepare")
    };
    let firsts: Vec<PreparedSignature<C>> = (0..32).map(|i| prepare(true, i)).collect();
    let seconds: Vec<PreparedSignature<C>> = (0..32).map(|i| prepare(false, i)).collect();
    let range = |index: usize| {
        Formula::Predicate(PredicateStatement {
            message_index: index,
            minus_index: None,
            negate: false,
            offset: Scalar::zero(),
            digit_count: 1,
            scale: 1,
            set: set.clone(),
        })
    };
    let formula = Formula::Any(vec![range(1), range(2)]);
    let mut prove_rng = rand::rng();
    measure(
        "OR of two ranges (first vs second branch true)",
        samples,
        false,
        |class, rng| (class, rng.random_range(0..32usize)),
        |&(class, i)| {
            let prepared = if class == 0 { &firsts[i] } else { &seconds[i] };
            black_box(
                zk::prove_formula(prepared, &[], &formula, b"ctx", &mut prove_rng)
                    .expect("a true statement"),
            );
        },
    )
}
