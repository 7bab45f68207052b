//! A request file, as the holder reads it, then answered with the fixture credentials (what a
//! hostile verifier makes the holder do).
#![no_main]
use healthpass::presentation::{self, PresentationRequest};
use healthpass_fuzz::{rng, world};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(request) = PresentationRequest::from_json(text) else {
        return;
    };
    let w = world();
    let _ = presentation::present(&request, &w.credentials, request.created, &mut rng());
});
