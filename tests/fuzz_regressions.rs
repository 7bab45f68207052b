//! Every input the fuzzers (`fuzz/`) found crashing, kept as a regression test of the main
//! crate: each is now decided with a typed error, without a panic or an oversized allocation.
//! The inputs live in `fuzz/regressions/` (see its README for where each came from).

use std::time::Duration;

use healthpass::credential::CredentialType;
use healthpass::presentation::{qr, Error, Predicate};

/// 2024-06-01T12:00:00Z, the fuzz target's clock.
const NOW: i64 = 1_717_243_200;

#[test]
fn the_fuzzed_pngs_are_refused_without_allocating_their_frame() {
    let inputs: [(&str, &[u8]); 4] = [
        (
            "huge-dimensions.png",
            include_bytes!("../fuzz/regressions/qr_png/huge-dimensions.png"),
        ),
        (
            "oom-2605",
            include_bytes!(
                "../fuzz/regressions/qr_png/oom-26055ed217bd2d6e6bc3588838557f3f92b66bfc"
            ),
        ),
        (
            "oom-7a82",
            include_bytes!(
                "../fuzz/regressions/qr_png/oom-7a8250c6e44a0f3cea7dc741b716a8b458633949"
            ),
        ),
        (
            "oom-9e02",
            include_bytes!(
                "../fuzz/regressions/qr_png/oom-9e02032b767488fdc1910ec131d9fff7b78ab3fd"
            ),
        ),
    ];
    for (name, png) in inputs {
        match qr::read_png_within(png, Duration::from_secs(2)) {
            Err(Error::ImageTooLarge { width, height }) => {
                assert!(
                    u64::from(width) * u64::from(height) > qr::MAX_DECLARED_PIXELS
                        || width > qr::MAX_SIDE
                        || height > qr::MAX_SIDE,
                    "{name}: {width}x{height} is within the caps but was refused as too large"
                );
            }
            // The fuzzer's inputs need not be well-formed past the header: a decoding error
            // is as good, as long as nothing was allocated for the declared frame.
            Err(Error::Qr { .. }) if name != "huge-dimensions.png" => {}
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn the_fuzzed_relative_bounds_are_syntax_errors() {
    let inputs: [&[u8]; 2] = [
        include_bytes!(
            "../fuzz/regressions/predicate_parse/crash-ff0f2fac453a2e154e433077970263f4e1e904be"
        ),
        include_bytes!("../fuzz/regressions/predicate_parse/now-plus-minus-overflow"),
    ];
    for input in inputs {
        let text = std::str::from_utf8(input).expect("the inputs are UTF-8");
        for t in CredentialType::ALL {
            match Predicate::parse(t.schema(), text, NOW) {
                // A schema without `valid_until` refuses the attribute; every schema that
                // has it refuses the bound.
                Err(Error::PredicateSyntax { .. } | Error::UnknownAttribute { .. }) => {}
                other => panic!("{t}: {text:?} gave {other:?}"),
            }
        }
    }
    // The same shape with an unsigned count still parses: the refusal is of the sign trick.
    let fine = Predicate::parse(CredentialType::Test.schema(), "valid_until > now+3d", NOW);
    assert!(fine.is_ok(), "{fine:?}");
}

/// The fuzz targets build their world from `fuzz/fixtures/` and abort at start-up when a
/// fixture no longer reads (twice a format change left them stale, and only the fuzz step
/// of CI found it). Every fixture request, credential and the trust list must still read
/// with today's library; rewrite them with `fuzz/make-fixtures.sh` when this fails.
#[test]
fn the_fuzz_fixtures_still_read() {
    use healthpass::credential::Credential;
    let (requests, _trust) = fuzz_world();
    assert_eq!(requests.len(), 3);
    for t in ["vaccination", "test", "recovery"] {
        Credential::from_json(&read_fixture(&format!("{t}.credential.json")))
            .unwrap_or_else(|e| panic!("fuzz/fixtures/{t}.credential.json: {e}"));
    }
}

/// A file of `fuzz/fixtures/`.
fn read_fixture(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fixtures");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The fuzz fixtures' requests, their parameter sets resolved from a copy of the store (reading
/// it writes the cache of decoded points), and their trust list; a fixture that no longer
/// reads panics naming its file.
fn fuzz_world() -> (
    Vec<healthpass::presentation::PresentationRequest>,
    healthpass::presentation::TrustList,
) {
    use healthpass::presentation::{ParamStore, PresentationRequest, TrustList};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fixtures");
    let store_dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir.join("params")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, store_dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let store = ParamStore::open(store_dir.path()).unwrap();
    let requests = ["vaccination", "test", "recovery"]
        .iter()
        .map(|t| {
            let name = format!("{t}.request.json");
            let mut r = PresentationRequest::from_json(&read_fixture(&name))
                .unwrap_or_else(|e| panic!("fuzz/fixtures/{name}: {e}"));
            store
                .resolve(&mut r)
                .unwrap_or_else(|e| panic!("fuzz/fixtures/{name}: {e}"));
            r
        })
        .collect();
    (
        requests,
        TrustList::from_json(&read_fixture("trust.json")).unwrap(),
    )
}

/// `round_trip` (kind 3, the compact presentation), found by CI's 20-second run: a
/// presentation of schema version 127 with the profile flag (byte `0xff`). The decoder reads
/// an unknown version with the current schema's types, so that `verify` can name it; the
/// encoder refused it ("an unknown schema"), so the decoded presentation did not re-encode.
/// Now both read and write it alike: it decodes, re-encodes to its bytes, and `verify`
/// refuses it as a schema this build does not know.
#[test]
fn a_compact_presentation_of_an_unknown_schema_round_trips_and_is_refused() {
    use healthpass::presentation::{verify, Presentation};
    let input: &[u8] = include_bytes!(
        "../fuzz/regressions/round_trip/crash-3e6edcc343cbf010ca0754a7a94df4c0c37383cf"
    );
    // The fuzz target's input is the kind byte, then the compact presentation.
    let (&kind, bytes) = input.split_first().unwrap();
    assert_eq!(kind, 3, "a compact presentation");
    let (requests, trust) = fuzz_world();
    let mut decoded = 0;
    for request in &requests {
        let p = match Presentation::from_compact(bytes, request) {
            Ok(p) => p,
            Err(Error::Compact { problem, .. })
                if problem == healthpass::presentation::NOT_CANONICAL =>
            {
                panic!("the decoder let through bytes the encoder does not write")
            }
            Err(_) => continue,
        };
        decoded += 1;
        assert_eq!(p.to_compact().unwrap(), bytes, "re-encodes to its bytes");
        assert_eq!(p.credentials[0].schema_version, 127);
        assert!(p.credentials[0].profile);
        match verify(request, &p, &trust, request.created + 60) {
            Err(Error::SchemaMismatch { version: 127, .. }) => {}
            other => panic!("expected the unknown schema refused, got {other:?}"),
        }
        // A known version in its place decodes as that schema, and re-encodes too.
        let mut known = bytes.to_vec();
        known[1 + 16 + 1 + 1] = p.credentials[0].credential_type.schema().version;
        let q = Presentation::from_compact(&known, request).expect("a known version decodes");
        assert_eq!(q.to_compact().unwrap(), known);
        assert!(!q.credentials[0].profile);
    }
    assert_eq!(decoded, 1, "the input answers one of the fixture requests");
}
