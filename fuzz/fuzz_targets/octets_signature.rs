//! Signature octets (draft §4.2.4.3), then Verify (§3.5.2) in both ciphersuites against the
//! draft's `signature001` vector: only its own signature may verify.
#![no_main]
use healthpass::bbs::Signature;
use healthpass_fuzz::{signature_cases, signature_verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(signature) = Signature::from_bytes(data) else {
        return;
    };
    for suite in 0..2 {
        if signature_verify(suite, &signature).is_ok() {
            assert_eq!(
                data,
                &signature_cases()[suite].signature[..],
                "forged signature"
            );
        }
    }
});
