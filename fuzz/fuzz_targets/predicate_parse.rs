//! The predicate expression parser (`request --prove`), against each credential type's schema.
#![no_main]
use healthpass::credential::CredentialType;
use healthpass::presentation::Predicate;
use libfuzzer_sys::fuzz_target;

/// 2024-06-01T12:00:00Z.
const NOW: i64 = 1_717_243_200;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for t in CredentialType::ALL {
            let _ = Predicate::parse(t.schema(), text, NOW);
        }
    }
});
