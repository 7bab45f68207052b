//! Arithmetic in the BLS12-381 base field `Fp` on plain 64-bit limbs, the bottom of the
//! group layer: the point formulas ([`super::point`]), the GLV endomorphism ([`super::glv`])
//! and the sums above them are built on it.
//!
//! `bls12_381` keeps its field type private, so the few operations those need are here:
//! Montgomery multiplication, addition, subtraction, inversion and masked selection.
//!
//! **Invariants**: an element is six little-endian limbs below `p`; in "Montgomery form" the
//! limbs hold `a * 2^384 mod p` ([`to_montgomery`], [`from_montgomery`] convert). Every
//! function takes and returns values below `p`.
//!
//! **Timing**: every function is constant time (fixed loops, no branch or memory address that
//! depends on a value, corrections applied through masks kept opaque to the compiler),
//! except [`invert_vartime`], the binary extended Euclid, whose steps depend on its input: it
//! serves the verifier only, where every value is public.
//!
//! **Tests**: `tests` (identities, edge values, both inversions agreeing) and
//! `reference_tests` (property tests against a schoolbook reference modulo `p`, with the edge
//! values of the no-carry multiplication and of `reduce_once`); through the points,
//! `super::limb_tests` against `bls12_381`.

/// Six little-endian 64-bit limbs of a field element.
pub(crate) type Limbs = [u64; 6];

/// The modulus `p`.
pub(crate) const P: Limbs = [
    0xb9fe_ffff_ffff_aaab,
    0x1eab_fffe_b153_ffff,
    0x6730_d2a0_f6b0_f624,
    0x6477_4b84_f385_12bf,
    0x4b1b_a7b6_434b_acd7,
    0x1a01_11ea_397f_e69a,
];
/// `-p^-1 mod 2^64`.
const INV: u64 = 0x89f3_fffc_fffc_fffd;
/// One in Montgomery form: `2^384 mod p`.
pub(crate) const ONE: Limbs = [
    0x7609_0000_0002_fffd,
    0xebf4_000b_c40c_0002,
    0x5f48_9857_53c7_58ba,
    0x77ce_5853_7052_5745,
    0x5c07_1a97_a256_ec6d,
    0x15f6_5ec3_fa80_e493,
];
/// `2^768 mod p`: one Montgomery multiplication by it puts a value in Montgomery form.
const R2: Limbs = [
    0xf4df_1f34_1c34_1746,
    0x0a76_e6a6_09d1_04f1,
    0x8de5_476c_4c95_b6d5,
    0x67eb_88a9_939d_83c0,
    0x9a79_3e85_b519_952d,
    0x1198_8fe5_92ca_e3aa,
];
/// `beta * 2^384 mod p`, `beta` the cube root of unity `bls12_381` uses for its subgroup check:
/// one Montgomery multiplication by it multiplies by `beta` (in either form).
pub(crate) const BETA_MONT: Limbs = [
    0x30f1_361b_798a_64e8,
    0xf3b8_ddab_7ece_5a2a,
    0x16a8_ca3a_c615_77f7,
    0xc26a_2ff8_74fd_029b,
    0x3636_b766_6070_1c6e,
    0x051b_a4ab_241b_6160,
];

/// `a + b * c + carry` as (low, high) words.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) + u128::from(b) * u128::from(c) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// All ones if `mask_bit` is 1, zero if 0.
#[inline(always)]
fn expand(mask_bit: u64) -> u64 {
    mask_bit.wrapping_neg()
}

/// `t - p` if `t >= p`, else `t`, for `t < 2p`.
#[inline(always)]
fn reduce_once(t: &Limbs) -> Limbs {
    let mut r = [0u64; 6];
    let mut borrow = 0u64;
    for ((r, &t), &p) in r.iter_mut().zip(t).zip(&P) {
        let (d, b1) = t.overflowing_sub(p);
        let (d, b2) = d.overflowing_sub(borrow);
        *r = d;
        borrow = u64::from(b1 | b2);
    }
    // A final borrow means t < p: keep t. The mask goes through `black_box`: a mask LLVM can
    // see is 0 or all ones (it comes from a borrow bit) is turned into a branch here.
    select(&r, t, core::hint::black_box(expand(borrow)))
}

/// `b` where `mask` is all ones, `a` where it is zero.
#[inline(always)]
pub(crate) fn select(a: &Limbs, b: &Limbs, mask: u64) -> Limbs {
    let mut r = [0u64; 6];
    for ((r, &a), &b) in r.iter_mut().zip(a).zip(b) {
        *r = a ^ (mask & (a ^ b));
    }
    r
}

/// All ones if `a` is zero, else zero.
#[inline(always)]
pub(crate) fn is_zero(a: &Limbs) -> u64 {
    let or = a.iter().fold(0u64, |acc, &l| acc | l);
    expand(((or | or.wrapping_neg()) >> 63) ^ 1)
}

/// Montgomery multiplication `a * b * 2^-384 mod p`, for `a, b < p`. The word-by-word (CIOS)
/// form without the extra carry word, valid because `p`'s top limb is below `2^62`.
#[inline(always)]
pub(crate) fn mul(a: &Limbs, b: &Limbs) -> Limbs {
    let mut t = [0u64; 6];
    for &bi in b {
        let (t0, mut carry) = mac(t[0], a[0], bi, 0);
        let m = t0.wrapping_mul(INV);
        let (_, mut carry2) = mac(t0, m, P[0], 0);
        for j in 1..6 {
            let (x, c) = mac(t[j], a[j], bi, carry);
            carry = c;
            let (y, c2) = mac(x, m, P[j], carry2);
            carry2 = c2;
            t[j - 1] = y;
        }
        t[5] = carry.wrapping_add(carry2);
    }
    reduce_once(&t)
}

/// `a + b mod p`.
#[inline(always)]
pub(crate) fn add(a: &Limbs, b: &Limbs) -> Limbs {
    let mut t = [0u64; 6];
    let mut carry = 0u64;
    for ((t, &a), &b) in t.iter_mut().zip(a).zip(b) {
        let s = u128::from(a) + u128::from(b) + u128::from(carry);
        *t = s as u64;
        carry = (s >> 64) as u64;
    }
    // a + b < 2p < 2^382: no carry out of the top limb.
    reduce_once(&t)
}

/// `a - b mod p`.
#[inline(always)]
pub(crate) fn sub(a: &Limbs, b: &Limbs) -> Limbs {
    let mut d = [0u64; 6];
    let mut borrow = 0u64;
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        let (x, b1) = a.overflowing_sub(b);
        let (x, b2) = x.overflowing_sub(borrow);
        *d = x;
        borrow = u64::from(b1 | b2);
    }
    // On a borrow, add p back (mask opaque to the optimiser, as in `reduce_once`).
    let mask = core::hint::black_box(expand(borrow));
    let mut carry = 0u64;
    for (d, &p) in d.iter_mut().zip(&P) {
        let s = u128::from(*d) + u128::from(p & mask) + u128::from(carry);
        *d = s as u64;
        carry = (s >> 64) as u64;
    }
    d
}

/// `-a mod p` (zero stays zero).
#[inline(always)]
pub(crate) fn neg(a: &Limbs) -> Limbs {
    sub(&[0; 6], a)
}

/// `a^-1` in Montgomery form for `a` in Montgomery form (zero maps to zero): `a^(p-2)` by
/// square-and-multiply over the public exponent's bits.
pub(crate) fn invert(a: &Limbs) -> Limbs {
    let mut exponent = P;
    exponent[0] -= 2; // p is odd and its low limb above 2: no borrow.
    let mut r = ONE;
    for i in (0..381).rev() {
        r = mul(&r, &r);
        if (exponent[i / 64] >> (i % 64)) & 1 == 1 {
            r = mul(&r, a);
        }
    }
    r
}

/// `2^1152 mod p`: a Montgomery multiplication by it turns the plain inverse of a
/// Montgomery-form value into the Montgomery-form inverse.
const R3: Limbs = [
    0xed48_ac6b_d94c_a1e0,
    0x315f_831e_03a7_adf8,
    0x9a53_352a_615e_29dd,
    0x34c0_4e5e_921e_1761,
    0x2512_d435_6572_4728,
    0x0aa6_3460_9175_5d4d,
];

/// `a^-1` in Montgomery form for `a` in Montgomery form (zero maps to zero), by the binary
/// extended Euclidean algorithm: about ten times faster than [`invert`], and **variable
/// time** (its steps depend on `a`), so for public values only (the verifier).
pub(crate) fn invert_vartime(a: &Limbs) -> Limbs {
    if *a == [0; 6] {
        return [0; 6];
    }
    // Invariants: u = x1 * a and v = x2 * a (mod p); gcd(u, v) = 1.
    let (mut u, mut v) = (*a, P);
    let (mut x1, mut x2): (Limbs, Limbs) = ([1, 0, 0, 0, 0, 0], [0; 6]);
    let one: Limbs = [1, 0, 0, 0, 0, 0];
    while u != one && v != one {
        while u[0] & 1 == 0 {
            shift_right(&mut u);
            halve_mod_p(&mut x1);
        }
        while v[0] & 1 == 0 {
            shift_right(&mut v);
            halve_mod_p(&mut x2);
        }
        if greater_or_equal(&u, &v) {
            u = sub_plain(&u, &v);
            x1 = sub(&x1, &x2);
        } else {
            v = sub_plain(&v, &u);
            x2 = sub(&x2, &x1);
        }
    }
    let plain = if u == one { x1 } else { x2 };
    // plain = (a R)^-1 = a^-1 R^-1; times R^3 / R gives a^-1 R.
    mul(&plain, &R3)
}

/// `a >>= 1`.
fn shift_right(a: &mut Limbs) {
    for i in 0..5 {
        a[i] = (a[i] >> 1) | (a[i + 1] << 63);
    }
    a[5] >>= 1;
}

/// `a / 2 mod p` for `a < p`: `a / 2` when even, `(a + p) / 2` when odd (below `2^382`, so
/// no overflow).
fn halve_mod_p(a: &mut Limbs) {
    if a[0] & 1 == 1 {
        let mut carry = 0u64;
        for (x, &p) in a.iter_mut().zip(&P) {
            let s = u128::from(*x) + u128::from(p) + u128::from(carry);
            *x = s as u64;
            carry = (s >> 64) as u64;
        }
    }
    shift_right(a);
}

/// `a >= b` as integers.
fn greater_or_equal(a: &Limbs, b: &Limbs) -> bool {
    for i in (0..6).rev() {
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

/// `a - b` as integers, for `a >= b`.
fn sub_plain(a: &Limbs, b: &Limbs) -> Limbs {
    let mut d = [0u64; 6];
    let mut borrow = 0u64;
    for ((d, &a), &b) in d.iter_mut().zip(a).zip(b) {
        let (x, b1) = a.overflowing_sub(b);
        let (x, b2) = x.overflowing_sub(borrow);
        *d = x;
        borrow = u64::from(b1 | b2);
    }
    d
}

/// A canonical value into Montgomery form.
pub(crate) fn to_montgomery(a: &Limbs) -> Limbs {
    mul(a, &R2)
}

/// A Montgomery-form value back to canonical.
pub(crate) fn from_montgomery(a: &Limbs) -> Limbs {
    mul(a, &[1, 0, 0, 0, 0, 0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo(seed: u64) -> Limbs {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut out = [0u64; 6];
        for l in out.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *l = x;
        }
        out[5] &= 0x0fff_ffff_ffff_ffff; // below p
        out
    }

    #[test]
    fn montgomery_round_trip_and_identities() {
        for seed in 0..50 {
            let a = pseudo(seed);
            let b = pseudo(seed + 1000);
            let am = to_montgomery(&a);
            let bm = to_montgomery(&b);
            assert_eq!(from_montgomery(&am), a);
            // (a + b) - b = a, a - a = 0, a + (-a) = 0
            assert_eq!(sub(&add(&am, &bm), &bm), am);
            assert_eq!(sub(&am, &am), [0; 6]);
            assert_eq!(add(&am, &neg(&am)), [0; 6]);
            // a * b = b * a, a * 1 = a, a * a^-1 = 1
            assert_eq!(mul(&am, &bm), mul(&bm, &am));
            assert_eq!(mul(&am, &ONE), am);
            assert_eq!(mul(&am, &invert(&am)), ONE);
            assert_eq!(invert_vartime(&am), invert(&am));
            // (a + b) * b = a * b + b * b
            assert_eq!(
                mul(&add(&am, &bm), &bm),
                add(&mul(&am, &bm), &mul(&bm, &bm))
            );
        }
        assert_eq!(invert(&[0; 6]), [0; 6]);
        assert_eq!(invert_vartime(&[0; 6]), [0; 6]);
        for v in [
            ONE,
            neg(&ONE),
            [1, 0, 0, 0, 0, 0],
            [2, 0, 0, 0, 0, 0],
            sub(&[0; 6], &[1, 0, 0, 0, 0, 0]),
        ] {
            assert_eq!(invert_vartime(&v), invert(&v));
        }
        assert_eq!(neg(&[0; 6]), [0; 6]);
        assert_eq!(is_zero(&[0; 6]), u64::MAX);
        assert_eq!(is_zero(&ONE), 0);
        assert_eq!(is_zero(&[0, 0, 0, 0, 0, 1 << 63]), 0);
    }

    #[test]
    fn edge_values_reduce() {
        let p_minus_1 = sub(&[0; 6], &[1, 0, 0, 0, 0, 0]);
        let mut expected = P;
        expected[0] -= 1;
        assert_eq!(p_minus_1, expected);
        assert_eq!(add(&p_minus_1, &[1, 0, 0, 0, 0, 0]), [0; 6]);
        // (p - 1)^2 = 1 (in Montgomery form: (-R)(-R)/R = R).
        let minus_one = neg(&ONE);
        assert_eq!(mul(&minus_one, &minus_one), ONE);
    }
}

/// Property tests against an independent reference (schoolbook products and bit-by-bit
/// reduction modulo `p`), with the edge values of the no-carry CIOS precondition and of
/// `reduce_once` mixed in.
#[cfg(test)]
mod reference_tests {
    #![allow(clippy::needless_range_loop)]
    use super::*;
    use proptest::prelude::*;

    /// A little-endian number of any length, reduced modulo `p` one bit at a time.
    fn reduce(n: &[u64]) -> Limbs {
        let mut r = [0u64; 6];
        for i in (0..64 * n.len()).rev() {
            // r = 2r + bit; r < p < 2^381 so nothing leaves the top limb.
            let mut carry = (n[i / 64] >> (i % 64)) & 1;
            for l in r.iter_mut() {
                let next = *l >> 63;
                *l = (*l << 1) | carry;
                carry = next;
            }
            if greater_or_equal(&r, &P) {
                r = sub_plain(&r, &P);
            }
        }
        r
    }

    /// `a * b mod p` (plain integers, no Montgomery form).
    fn ref_mul(a: &Limbs, b: &Limbs) -> Limbs {
        let mut wide = [0u64; 12];
        for i in 0..6 {
            let mut carry = 0u128;
            for j in 0..6 {
                let t = u128::from(wide[i + j]) + u128::from(a[i]) * u128::from(b[j]) + carry;
                wide[i + j] = t as u64;
                carry = t >> 64;
            }
            wide[i + 6] = carry as u64;
        }
        reduce(&wide)
    }

    fn ref_add(a: &Limbs, b: &Limbs) -> Limbs {
        let mut wide = [0u64; 7];
        let mut carry = 0u128;
        for i in 0..6 {
            let t = u128::from(a[i]) + u128::from(b[i]) + carry;
            wide[i] = t as u64;
            carry = t >> 64;
        }
        wide[6] = carry as u64;
        reduce(&wide)
    }

    fn ref_neg(a: &Limbs) -> Limbs {
        if *a == [0; 6] {
            [0; 6]
        } else {
            sub_plain(&P, a)
        }
    }

    fn minus(k: u64) -> Limbs {
        sub_plain(&P, &[k, 0, 0, 0, 0, 0])
    }

    /// Values at the edges: 0, 1, 2, p - 1, p - 2, (p - 1) / 2, (p + 1) / 2, the largest
    /// values with a given top limb, one Montgomery, 2^380.
    fn edges() -> Vec<Limbs> {
        let mut half = P;
        for i in 0..6 {
            half[i] = (P[i] >> 1) | if i < 5 { P[i + 1] << 63 } else { 0 };
        }
        let half_plus = ref_add(&half, &[1, 0, 0, 0, 0, 0]);
        vec![
            [0; 6],
            [1, 0, 0, 0, 0, 0],
            [2, 0, 0, 0, 0, 0],
            minus(1),
            minus(2),
            half,
            half_plus,
            ONE,
            R2,
            BETA_MONT,
            [0, 0, 0, 0, 0, 1 << 60],
            [u64::MAX, u64::MAX, u64::MAX, u64::MAX, u64::MAX, P[5] - 1],
            sub_plain(&P, &[0, 1, 0, 0, 0, 0]),
        ]
    }

    /// Any value below `p`: an edge value or a uniformly random one.
    fn element() -> impl Strategy<Value = Limbs> {
        prop_oneof![
            1 => proptest::sample::select(edges()),
            3 => any::<[u64; 6]>().prop_map(|a| reduce(&a)),
            1 => (1u64..=256).prop_map(minus),
        ]
    }

    #[test]
    fn constants_are_what_they_claim() {
        // ONE = 2^384 mod p, R2 = 2^768 mod p, INV = -p^-1 mod 2^64.
        let mut two_384 = [0u64; 7];
        two_384[6] = 1;
        assert_eq!(ONE, reduce(&two_384));
        let mut two_768 = [0u64; 13];
        two_768[12] = 1;
        assert_eq!(R2, reduce(&two_768));
        assert_eq!(P[0].wrapping_mul(INV), u64::MAX);
        // p's top limb leaves the no-carry CIOS its spare bits.
        assert!(P[5] < (u64::MAX >> 1) - 1);
        // beta is a primitive cube root of one.
        let b = BETA_MONT;
        assert_ne!(b, ONE);
        assert_eq!(mul(&mul(&b, &b), &b), ONE);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn field_operations_match_the_reference(a in element(), b in element()) {
            // mul(a, b) = a b / 2^384: times 2^384 mod p (ONE as a plain integer) it is a b.
            let m = mul(&a, &b);
            prop_assert!(!greater_or_equal(&m, &P));
            prop_assert_eq!(ref_mul(&m, &ONE), ref_mul(&a, &b));
            prop_assert_eq!(to_montgomery(&a), ref_mul(&a, &ONE));
            prop_assert_eq!(from_montgomery(&to_montgomery(&a)), a);
            prop_assert_eq!(add(&a, &b), ref_add(&a, &b));
            prop_assert_eq!(sub(&a, &b), ref_add(&a, &ref_neg(&b)));
            prop_assert_eq!(neg(&a), ref_neg(&a));
            prop_assert_eq!(is_zero(&a), if a == [0; 6] { u64::MAX } else { 0 });
            prop_assert_eq!(select(&a, &b, 0), a);
            prop_assert_eq!(select(&a, &b, u64::MAX), b);
        }

        #[test]
        fn inversion_matches_the_reference(a in element()) {
            let inv = invert(&a);
            if a == [0; 6] {
                prop_assert_eq!(inv, [0; 6]);
            } else {
                prop_assert_eq!(mul(&a, &inv), ONE);
            }
        }
    }
}
