//! The issuer's public and secret key files (`issuer init`).
#![no_main]
use healthpass::credential::{IssuerInfo, IssuerKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = IssuerInfo::from_public_json(text);
        if let Ok(key) = IssuerKey::from_secret_json(text) {
            assert_eq!(key.secret_key().public_key(), key.info().public_key);
        }
    }
});
