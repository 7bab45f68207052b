//! A predicate parameter file (`params new`), with its signature checks.
#![no_main]
use healthpass::presentation::ParameterSet;
use healthpass_fuzz::rng;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ParameterSet::from_json(text, &mut rng());
    }
});
