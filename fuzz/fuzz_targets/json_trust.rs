//! A trust-list file.
#![no_main]
use healthpass::presentation::TrustList;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = TrustList::from_json(text);
    }
});
