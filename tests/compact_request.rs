//! Compact requests (issue 13 §2): JSON → compact → JSON is the identity and keeps the
//! digest, the size targets hold, a presentation made from the compact form verifies
//! against the JSON one, and hostile compact bytes are refused without a panic.

use std::sync::OnceLock;

use healthpass::credential::{Credential, CredentialType, IssuerKey, Suite};
use healthpass::presentation::{
    self, CredentialRequest, Error, ParamStore, Policy, Predicate, PresentationRequest, TrustList,
    MAX_COMPACT_REQUEST_BYTES, REQUEST_COMPACT_VERSION,
};
use proptest::prelude::*;
use serde_json::json;

/// 2026-06-01T12:00:00Z.
const NOW: i64 = 1_780_315_200;

fn store() -> &'static ParamStore {
    static STORE: OnceLock<(tempfile::TempDir, ParamStore)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let store = ParamStore::open(dir.path()).unwrap();
            (dir, store)
        })
        .1
}

fn request(verifier: &str, policies: Vec<Policy>) -> PresentationRequest {
    let mut rng = rand::rng();
    let policies = policies
        .into_iter()
        .map(|p| p.with_params(Some(store()), &mut rng).unwrap())
        .collect::<Vec<_>>();
    let validity = store().validity(&mut rng).unwrap();
    PresentationRequest::new_with_validity(verifier, policies, NOW, 600, validity, &mut rng)
        .unwrap()
}

fn entry() -> PresentationRequest {
    let text = include_str!("../examples/policies/entry.json");
    request("border", vec![Policy::from_policy_json(text, NOW).unwrap()])
}

/// The demo's request: disclose the product, prove two statements.
fn demo() -> PresentationRequest {
    let schema = CredentialType::Vaccination.schema();
    let predicates = ["dose_number >= 2", "vaccination_date <= today-14d"]
        .iter()
        .map(|t| Predicate::parse(schema, t, NOW).unwrap())
        .collect();
    let asked = CredentialRequest::new(
        CredentialType::Vaccination,
        &["vaccine_product"],
        &[],
        predicates,
    )
    .unwrap();
    request("border-control-demo", vec![Policy::from(asked)])
}

fn round_trip(r: &PresentationRequest) -> Vec<u8> {
    let compact = r.to_compact();
    assert_eq!(compact[0], REQUEST_COMPACT_VERSION);
    assert!(PresentationRequest::is_compact(&compact));
    let back = PresentationRequest::from_compact(&compact).unwrap();
    assert_eq!(&back, r);
    assert_eq!(back.digest(), r.digest());
    assert_eq!(back.to_json(), r.to_json());
    assert_eq!(back.to_compact(), compact);
    compact
}

#[test]
fn json_compact_json_is_the_identity_and_the_targets_hold() {
    let demo = round_trip(&demo());
    let entry = round_trip(&entry());
    eprintln!(
        "compact requests: demo {} bytes, entry.json {} bytes",
        demo.len(),
        entry.len()
    );
    // Issue 13 §2: the demo's request at most 200 bytes (QR version 10 or lower at level
    // M), the example policy at most 400.
    assert!(demo.len() <= 200, "demo request: {} bytes", demo.len());
    assert!(
        entry.len() <= 400,
        "entry.json request: {} bytes",
        entry.len()
    );
    let qr = presentation::qr::Qr::new(&demo).unwrap();
    assert!(qr.version() <= 10 && qr.level() != 'L', "{qr:?}");
    // Every kind of statement, issuers, several credentials and reveal_branch.
    let policy = json!({
        "format": "healthpass-policy/1", "name": "every kind", "reveal_branch": true,
        "any_of": [
            { "type": "vaccination", "disclose": ["country"], "issuers": ["nl-vws", "de-rki"],
              "all_of": ["dose_number in 1..4", "dose_number != 3", "vaccine_product not in {EU/1/20/1507}",
                         "manufacturer = ORG-100030215", "birth_date <= today-18y",
                         "dose_number >= total_doses", "total_doses != dose_number",
                         { "any_of": ["vaccination_date in 2021-01-01..2030-12-31",
                                      "vaccination_date in today-30d..today"] }] },
            { "type": "vaccination", "disclose": ["country"], "issuers": ["nl-vws", "de-rki"],
              "all_of": ["valid_until > now+30d", "family_name != Smith"] }
        ]
    });
    let test = json!({
        "format": "healthpass-policy/1", "name": "t",
        "any_of": [{ "type": "test", "disclose": [],
                     "all_of": ["sample_time in now-72h..now", "test_device in {1232,1304}"] }]
    });
    round_trip(&request(
        "airline",
        vec![
            Policy::from_policy_json(&policy.to_string(), NOW).unwrap(),
            Policy::from_policy_json(&test.to_string(), NOW).unwrap(),
        ],
    ));
    // Holder binding and pseudonyms (issue 14), and the identity type.
    let bound = json!({
        "format": "healthpass-policy/1", "name": "bound", "holder_bound": true,
        "pseudonym": "venue-42/2026-12-02",
        "any_of": [{ "type": "identity", "disclose": ["family_name"], "all_of": [] }]
    });
    let mut just_bound = Policy::from_policy_json(&test.to_string(), NOW).unwrap();
    just_bound.holder_bound = true;
    round_trip(&request(
        "venue",
        vec![
            Policy::from_policy_json(&bound.to_string(), NOW).unwrap(),
            just_bound,
        ],
    ));
}

fn issuer() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| {
        IssuerKey::generate(
            "gb-nhs",
            "NHS England",
            "GB",
            Suite::Sha256,
            &CredentialType::ALL,
            &mut rand::rng(),
        )
        .unwrap()
    })
}

fn vaccination() -> Credential {
    let attributes = json!({
        "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS England", "certificate_id": "URN:UVCI:01:GB:P1",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2,
        "vaccination_date": "2026-04-01"
    });
    issuer()
        .issue_at(
            CredentialType::Vaccination,
            &attributes,
            NOW - 86_400,
            &mut rand::rng(),
        )
        .unwrap()
}

#[test]
fn a_presentation_made_from_the_compact_request_verifies_against_the_json_one() {
    let json_request = entry();
    let mut holder_side = PresentationRequest::from_compact(&json_request.to_compact()).unwrap();
    store().resolve(&mut holder_side).unwrap();
    let mut rng = rand::rng();
    let p = presentation::present(&holder_side, &[vaccination()], NOW, &mut rng).unwrap();
    let mut trust = TrustList::default();
    trust.add(issuer().info().clone(), false).unwrap();
    let mut verifier_side = json_request.clone();
    store().resolve(&mut verifier_side).unwrap();
    presentation::verify(&verifier_side, &p, &trust, NOW + 60).unwrap();
    // Another request (another nonce) refuses it.
    let mut other = entry();
    store().resolve(&mut other).unwrap();
    assert!(matches!(
        presentation::verify(&other, &p, &trust, NOW + 60),
        Err(Error::AnswersAnotherRequest)
    ));
}

#[test]
fn malformed_compact_requests_are_refused() {
    let good = entry().to_compact();
    // Every truncation, a trailing byte, another version.
    for n in 0..good.len() {
        assert!(
            PresentationRequest::from_compact(&good[..n]).is_err(),
            "{n}"
        );
    }
    assert!(PresentationRequest::from_compact(&[&good[..], &[0]].concat()).is_err());
    let mut v = good.clone();
    v[0] = 0x03;
    assert!(PresentationRequest::from_compact(&v).is_err());
    // Too large: refused before reading.
    let big = vec![REQUEST_COMPACT_VERSION; MAX_COMPACT_REQUEST_BYTES + 1];
    assert!(matches!(
        PresentationRequest::from_compact(&big),
        Err(Error::RequestTooLarge { .. })
    ));
    // Deep nesting: any_of(any_of(...)) 10 000 levels is refused, not a stack overflow.
    let mut deep = good[..1 + 32].to_vec();
    deep.extend([1, b'v', 0, 10, 1]); // verifier "v", created 0, 10 s, 1 digest
    deep.extend([7u8; 32]);
    deep.extend([2, 0]); // validity: 2 digits, digest 0
    deep.extend([1, 1, b'p', 0, 1, 1, 0, 0, 1]); // 1 policy "p", 1 alternative, vaccination, no lists, 1 node
    for _ in 0..10_000 {
        deep.extend([2, 1]);
    }
    let e = PresentationRequest::from_compact(&deep).unwrap_err();
    assert!(e.to_string().contains("nests deeper"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Any byte changed anywhere: refused with an error, or read as a request whose own
    /// compact form reads back to the same request; never a panic.
    #[test]
    fn mutated_compact_requests_never_panic(i in 0usize..4096, byte in any::<u8>()) {
        static GOOD: OnceLock<Vec<u8>> = OnceLock::new();
        let good = GOOD.get_or_init(|| entry().to_compact());
        let mut bytes = good.clone();
        let i = i % bytes.len();
        bytes[i] = byte;
        if let Ok(r) = PresentationRequest::from_compact(&bytes) {
            let again = PresentationRequest::from_compact(&r.to_compact()).unwrap();
            prop_assert_eq!(again, r);
        }
    }
}
