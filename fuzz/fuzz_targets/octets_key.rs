//! Public and secret key octets (draft §4.2.4.6; 96 and 32 octets).
#![no_main]
use healthpass::bbs::{PublicKey, SecretKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(pk) = PublicKey::from_bytes(data) {
        assert_eq!(
            pk.to_bytes()[..],
            data[..],
            "public key re-encodes differently"
        );
    }
    if let Ok(sk) = SecretKey::from_bytes(data) {
        assert_eq!(
            sk.to_bytes()[..],
            data[..],
            "secret key re-encodes differently"
        );
        let _ = sk.public_key();
    }
});
