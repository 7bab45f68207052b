//! End-to-end edge cases of the limb arithmetic (prover's comb and wide-window sums,
//! verifier's Straus and batched affine sums) through the public API: proofs whose `T1` and
//! `T2` are the identity, and hostile proofs whose points are equal or opposite.

use healthpass::bbs::{
    self, BatchItem, Bls12381Sha256, Error, G1Affine, Generators, PreparedSignature, Proof,
    ProofRandomScalars, Scalar,
};

type C = Bls12381Sha256;

/// A rewrite of a proof's first 144 octets (its three points).
type Rewrite = Box<dyn Fn(&[u8]) -> Vec<u8>>;

const L: usize = 48;
const DISCLOSED: [usize; 2] = [0, 5];

struct Setup {
    pk: bbs::PublicKey,
    sig: bbs::Signature,
    messages: Vec<Vec<u8>>,
}

fn setup() -> Setup {
    let sk = bbs::keygen::<C>(&[9u8; 32], b"limbs", None).unwrap();
    let pk = sk.public_key();
    let messages: Vec<Vec<u8>> = (0..L)
        .map(|i| format!("message {i}").into_bytes())
        .collect();
    let m: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let sig = bbs::sign::<C>(&sk, &pk, b"h", &m).unwrap();
    Setup { pk, sig, messages }
}

/// Random scalars with `e~ = r1~ = r3~ = 0` and every `m~_j = 0`: then `T1 = Abar * 0 +
/// D * 0` and `T2 = D * 0 + sum H_j * 0` are the identity, for the prover and (exactly
/// cancelling sums) for the verifier.
fn zero_blinding_scalars(i: u64) -> ProofRandomScalars {
    let mut v = vec![Scalar::from(i + 2), Scalar::from(3 * i + 5)];
    v.extend(std::iter::repeat_n(Scalar::zero(), 3 + L - DISCLOSED.len()));
    ProofRandomScalars::from_scalars(&v, L - DISCLOSED.len()).unwrap()
}

fn verify_all(s: &Setup, proofs: &[(Proof, Vec<u8>)]) -> Result<(), Error> {
    let shown: Vec<&[u8]> = DISCLOSED
        .iter()
        .map(|&i| s.messages[i].as_slice())
        .collect();
    let items: Vec<BatchItem<'_>> = proofs
        .iter()
        .map(|(proof, ph)| BatchItem {
            pk: &s.pk,
            proof,
            header: b"h",
            presentation_header: ph,
            disclosed_messages: &shown,
            disclosed_indexes: &DISCLOSED,
        })
        .collect();
    bbs::batch_proof_verify::<C>(&items)
}

#[test]
fn identity_commitments_verify_alone_and_in_joint_batches() {
    let s = setup();
    let m: Vec<&[u8]> = s.messages.iter().map(Vec::as_slice).collect();
    let prepared = PreparedSignature::<C>::new(&s.pk, &s.sig, b"h", &m).unwrap();
    let api_id = bbs::api_id::<C>();
    let scalars = bbs::messages_to_scalars::<C>(&m, &api_id).unwrap();
    let generators = Generators::new::<C>(L, &api_id).unwrap();
    let undisclosed: Vec<usize> = (0..L).filter(|i| !DISCLOSED.contains(i)).collect();
    let shown: Vec<&[u8]> = DISCLOSED.iter().map(|&i| m[i]).collect();
    let mut proofs = Vec::new();
    for i in 0..9u64 {
        let ph = format!("ph {i}").into_bytes();
        let init = prepared
            .proof_init(&DISCLOSED, zero_blinding_scalars(i))
            .unwrap();
        assert_eq!(init.result().t1, G1Affine::identity());
        assert_eq!(init.result().t2, G1Affine::identity());
        let c = prepared.proof_challenge(&init, &DISCLOSED, &ph).unwrap();
        // The draft-shaped prover (split tables, wide sums over zero scalars) agrees.
        let plain = bbs::proof_init::<C>(
            &s.pk,
            &s.sig,
            &generators,
            b"h",
            &scalars,
            &undisclosed,
            zero_blinding_scalars(i),
            &api_id,
        )
        .unwrap();
        assert_eq!(plain.result(), init.result());
        let proof = init.finalize(&c).unwrap();
        bbs::proof_verify::<C>(&s.pk, &proof, b"h", &ph, &shown, &DISCLOSED).unwrap();
        proofs.push((proof, ph));
    }
    // Nine proofs of 48 messages: the sums are computed jointly (straus_many).
    verify_all(&s, &proofs).unwrap();
}

/// Hostile proofs whose points are equal or opposite (so the verifier's sums meet `P + P`
/// and `P + (-P)`) fail cleanly, alone and among valid proofs in a joint batch.
#[test]
fn hostile_equal_and_opposite_points_fail_cleanly() {
    let s = setup();
    let m: Vec<&[u8]> = s.messages.iter().map(Vec::as_slice).collect();
    let shown: Vec<&[u8]> = DISCLOSED.iter().map(|&i| m[i]).collect();
    let mut proofs: Vec<(Proof, Vec<u8>)> = (0..10)
        .map(|i| {
            let ph = format!("ph {i}").into_bytes();
            let proof =
                bbs::proof_gen::<C>(&s.pk, &s.sig, b"h", &ph, &m, &DISCLOSED, &mut rand::rng())
                    .unwrap();
            (proof, ph)
        })
        .collect();
    // Octets: Abar, Bbar, D (48 each), then the scalars. Negating a compressed point flips
    // its sign bit.
    let neg = |p: &[u8]| {
        let mut p = p.to_vec();
        p[0] ^= 0x20;
        p
    };
    let hostile = |proof: &Proof, f: &dyn Fn(&[u8]) -> Vec<u8>| -> Proof {
        let bytes = proof.to_bytes();
        let mut out = f(&bytes[..144]);
        out.extend_from_slice(&bytes[144..]);
        Proof::from_bytes(&out).unwrap()
    };
    let d_of = |b: &[u8]| b[96..144].to_vec();
    let variants: Vec<Rewrite> = vec![
        // Abar = Bbar = D.
        Box::new(move |b: &[u8]| [d_of(b), d_of(b), d_of(b)].concat()),
        // Abar = -D, Bbar = D.
        Box::new(move |b: &[u8]| [neg(&d_of(b)), d_of(b), d_of(b)].concat()),
        // Bbar = -Abar.
        Box::new(move |b: &[u8]| [b[..48].to_vec(), neg(&b[..48]), d_of(b)].concat()),
    ];
    let bad = [1usize, 4, 8];
    for (k, &i) in bad.iter().enumerate() {
        proofs[i].0 = hostile(&proofs[i].0, variants[k].as_ref());
        assert_eq!(
            bbs::proof_verify::<C>(&s.pk, &proofs[i].0, b"h", &proofs[i].1, &shown, &DISCLOSED),
            Err(Error::VerificationFailed)
        );
    }
    assert_eq!(
        verify_all(&s, &proofs),
        Err(Error::BatchVerificationFailed {
            failed: bad.to_vec()
        })
    );
}
