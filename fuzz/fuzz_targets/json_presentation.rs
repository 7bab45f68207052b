//! A presentation file, then full verification against each fixture request and the trust
//! list.
#![no_main]
use healthpass::presentation::{self, Presentation};
use healthpass_fuzz::world;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = Presentation::from_json(text) else {
        return;
    };
    let w = world();
    for (i, request) in w.requests.iter().enumerate() {
        let _ = presentation::verify(request, &p, &w.trust, w.now(i));
    }
});
