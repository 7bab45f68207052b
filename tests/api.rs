//! Pins the public API of the BBS core exactly as issue #2 specifies it: each operation is
//! coerced to a function pointer of the documented type, so any change of signature fails to
//! compile, and each pointer is then exercised once.

use healthpass::bbs::{
    self, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Proof, PublicKey, SecretKey,
    Signature,
};

type Rng = rand::rngs::ThreadRng;

#[allow(clippy::type_complexity)]
struct Api {
    keygen: fn(&[u8], &[u8], Option<&[u8]>) -> Result<SecretKey, Error>,
    sign: fn(&SecretKey, &PublicKey, &[u8], &[&[u8]]) -> Result<Signature, Error>,
    verify: fn(&PublicKey, &Signature, &[u8], &[&[u8]]) -> Result<(), Error>,
    proof_gen: fn(
        &PublicKey,
        &Signature,
        &[u8],
        &[u8],
        &[&[u8]],
        &[usize],
        &mut Rng,
    ) -> Result<Proof, Error>,
    proof_verify: fn(&PublicKey, &Proof, &[u8], &[u8], &[&[u8]], &[usize]) -> Result<(), Error>,
}

fn api<C: Ciphersuite>() -> Api {
    Api {
        keygen: bbs::keygen::<C>,
        sign: bbs::sign::<C>,
        verify: bbs::verify::<C>,
        // `rng: &mut impl CryptoRng` cannot be named in a turbofish; a non-capturing closure
        // coerces to the pointer type and checks the rest of the signature.
        proof_gen: |pk, sig, h, ph, m, d, rng| bbs::proof_gen::<C>(pk, sig, h, ph, m, d, rng),
        proof_verify: bbs::proof_verify::<C>,
    }
}

fn exercise<C: Ciphersuite>() {
    let a = api::<C>();
    let sk = (a.keygen)(&[8u8; 32], b"api", None).unwrap();
    let sk_from: fn(&[u8]) -> Result<SecretKey, Error> = SecretKey::from_bytes;
    let sk_to: fn(&SecretKey) -> [u8; 32] = SecretKey::to_bytes;
    let to_pk: fn(&SecretKey) -> PublicKey = SecretKey::public_key;
    let pk_from: fn(&[u8]) -> Result<PublicKey, Error> = PublicKey::from_bytes;
    let pk_to: fn(&PublicKey) -> [u8; 96] = PublicKey::to_bytes;
    let sig_from: fn(&[u8]) -> Result<Signature, Error> = Signature::from_bytes;
    let sig_to: fn(&Signature) -> [u8; 80] = Signature::to_bytes;
    let proof_from: fn(&[u8]) -> Result<Proof, Error> = Proof::from_bytes;
    let proof_to: fn(&Proof) -> Vec<u8> = Proof::to_bytes;

    let sk = sk_from(&sk_to(&sk)).unwrap();
    let pk = pk_from(&pk_to(&to_pk(&sk))).unwrap();
    let msgs: [&[u8]; 2] = [b"a", b"b"];
    let sig = sig_from(&sig_to(&(a.sign)(&sk, &pk, b"h", &msgs).unwrap())).unwrap();
    (a.verify)(&pk, &sig, b"h", &msgs).unwrap();
    let proof = (a.proof_gen)(&pk, &sig, b"h", b"ph", &msgs, &[1], &mut rand::rng()).unwrap();
    let proof = proof_from(&proof_to(&proof)).unwrap();
    (a.proof_verify)(&pk, &proof, b"h", b"ph", &[msgs[1]], &[1]).unwrap();
    assert_eq!(
        (a.proof_verify)(&pk, &proof, b"h", b"ph", &[msgs[0]], &[1]),
        Err(Error::VerificationFailed)
    );
}

#[test]
fn api_as_specified_sha256() {
    exercise::<Bls12381Sha256>();
}

#[test]
fn api_as_specified_shake256() {
    exercise::<Bls12381Shake256>();
}

#[test]
fn error_is_std_error_and_suites_are_thread_safe() {
    fn is_std_error<E: std::error::Error + Send + Sync + 'static>() {}
    fn is_suite<C: Ciphersuite + Send + Sync + 'static>() {}
    is_std_error::<Error>();
    is_suite::<Bls12381Sha256>();
    is_suite::<Bls12381Shake256>();
    assert_eq!(Error::VerificationFailed.to_string(), "verification failed");
}
