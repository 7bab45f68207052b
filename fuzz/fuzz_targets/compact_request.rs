//! A compact request (the bytes of a request's QR code), as the holder reads it: decoded,
//! and when it decodes, its own compact form must read back to the same request.
#![no_main]
use healthpass::presentation::PresentationRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = PresentationRequest::from_compact(data) {
        let again = PresentationRequest::from_compact(&request.to_compact())
            .expect("a decoded request re-encodes to a readable one");
        assert_eq!(again, request);
    }
});
