//! An attributes file (`issue --attributes`), issued as each credential type by the fixture
//! issuer, as `healthpass issue` does; an issued credential must verify.
#![no_main]
use healthpass::credential::CredentialType;
use healthpass_fuzz::{rng, world};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(attributes) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    for t in CredentialType::ALL {
        if let Ok(c) = world().issuer.issue(t, &attributes, &mut rng()) {
            c.verify().expect("an issued credential verifies");
        }
    }
});
