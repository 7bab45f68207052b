//! A signed set's canonical encoding (a parameter store's `<digest>.set` file): decoding,
//! and re-encoding a decoded set gives the same bytes.
#![no_main]
use healthpass::presentation::{set_from_bytes, set_to_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(set) = set_from_bytes(data) {
        assert_eq!(set_to_bytes(&set), data);
    }
});
