//! The compact presentation decoder, against each fixture request (one per credential type).
#![no_main]
use healthpass::presentation::Presentation;
use healthpass_fuzz::world;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for request in &world().requests {
        let _ = Presentation::from_compact(data, request);
    }
});
