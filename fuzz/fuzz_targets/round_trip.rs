//! Decode, re-encode, compare. The first byte picks the format; the rest is the input.
//! Binary encodings (octets, compact) must re-encode to the very input bytes; JSON files,
//! which allow any whitespace, must decode from their re-encoding to the same value, whose
//! encoding is then a fixed point.
#![no_main]
use healthpass::bbs::{Proof, PublicKey, Signature};
use healthpass::credential::Credential;
use healthpass::presentation::{
    Error, Presentation, PresentationRequest, TrustList, NOT_CANONICAL,
};
use healthpass_fuzz::world;
use libfuzzer_sys::fuzz_target;

/// `decode(encode(x)) == x` and `encode` is then a fixed point.
macro_rules! json_round_trip {
    ($text:expr, $decode:expr) => {
        if let Ok(x) = $decode($text) {
            let once = x.to_json();
            let back = $decode(&once).expect("a re-encoded file decodes");
            assert_eq!(back, x, "decode(encode(x)) != x");
            assert_eq!(back.to_json(), once, "encoding is not a fixed point");
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, input)) = data.split_first() else {
        return;
    };
    let text = std::str::from_utf8(input).ok();
    match kind {
        0 => {
            if let Ok(x) = PublicKey::from_bytes(input) {
                assert_eq!(x.to_bytes()[..], input[..]);
            }
        }
        1 => {
            if let Ok(x) = Signature::from_bytes(input) {
                assert_eq!(x.to_bytes()[..], input[..]);
            }
        }
        2 => {
            if let Ok(x) = Proof::from_bytes(input) {
                assert_eq!(x.to_bytes(), input);
            }
        }
        3 => {
            for request in &world().requests {
                match Presentation::from_compact(input, request) {
                    Ok(p) => assert_eq!(p.to_compact().expect("re-encodes"), input),
                    // Decoded, but not to what the encoder writes: `from_compact`'s last
                    // check refused it, where the decoder should have.
                    Err(Error::Compact { problem, .. }) => {
                        assert_ne!(problem, NOT_CANONICAL, "the decoder let it through");
                    }
                    Err(_) => {}
                }
            }
        }
        4 => {
            if let Some(t) = text {
                json_round_trip!(t, PresentationRequest::from_json);
            }
        }
        5 => {
            if let Some(t) = text {
                json_round_trip!(t, Presentation::from_json);
            }
        }
        6 => {
            if let Some(t) = text {
                json_round_trip!(t, Credential::from_json);
            }
        }
        7 => {
            if let Some(t) = text {
                json_round_trip!(t, TrustList::from_json);
            }
        }
        _ => {}
    }
});
