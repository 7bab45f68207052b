//! Proof octets (draft §4.2.4.5), then ProofVerify (§3.5.4) in both ciphersuites against the
//! draft's `proof003` case: only the draft's own valid proofs may verify.
#![no_main]
use healthpass::bbs::Proof;
use healthpass_fuzz::{proof_cases, proof_verify};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(proof) = Proof::from_bytes(data) else {
        return;
    };
    for suite in 0..2 {
        if proof_verify(suite, &proof).is_ok() {
            assert!(
                proof_cases()[suite].valid_proofs.iter().any(|p| p == data),
                "forged proof"
            );
        }
    }
});
