//! A decoded compact presentation, fully verified against its request and the trust list. An
//! accepted presentation must be the one encoding of what it says (no malleability).
#![no_main]
use healthpass::presentation::{self, Presentation};
use healthpass_fuzz::world;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let w = world();
    for (i, request) in w.requests.iter().enumerate() {
        let Ok(p) = Presentation::from_compact(data, request) else {
            continue;
        };
        if presentation::verify(request, &p, &w.trust, w.now(i)).is_ok() {
            assert_eq!(
                p.to_compact().unwrap(),
                data,
                "accepted a non-canonical encoding"
            );
        }
    }
});
