//! A credential file, then its signature check (`Credential::verify`).
#![no_main]
use healthpass::credential::Credential;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Credential::from_json(text) {
        let _ = c.verify();
    }
});
