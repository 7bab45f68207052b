//! The service's camera-frame path for JPEG (`/v1/scan`): the JPEG/QR reader with its header
//! caps and a short deadline, then the compact decoder on what it read.
#![no_main]
use std::time::Duration;

use healthpass::presentation::{qr, Presentation};
use healthpass_fuzz::world;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bytes) = qr::read_jpeg_within(data, Duration::from_secs(2)) {
        for request in &world().requests {
            let _ = Presentation::from_compact(&bytes, request);
        }
    }
});
