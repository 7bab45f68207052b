//! `presentation::verify_batch` (issue 15 §5): many presentations verified with their BBS
//! proofs in one batch give, entry by entry, exactly what `presentation::verify` gives
//! alone: the valid ones their verified presentation, every refused one its own error, with
//! both ciphersuites in one batch and a tampered presentation among good ones.

use std::sync::OnceLock;

use healthpass::credential::{Credential, CredentialType, IssuerKey, Suite};
use healthpass::presentation::{
    self, BatchEntry, CredentialRequest, Error, ParameterSet, Predicate, Presentation,
    PresentationRequest, TrustList, VerifiedPresentation,
};
use proptest::prelude::*;
use serde_json::json;

/// 2026-11-29T12:00:00Z.
const NOW: i64 = 1_795_953_600;

fn issuer(suite: Suite) -> &'static IssuerKey {
    static KEYS: OnceLock<(IssuerKey, IssuerKey)> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut rng = rand::rng();
        let mut k = |id, suite| {
            IssuerKey::generate(id, "RKI", "DE", suite, &CredentialType::ALL, &mut rng).unwrap()
        };
        (k("de-rki", Suite::Sha256), k("de-pei", Suite::Shake256))
    });
    match suite {
        Suite::Sha256 => &keys.0,
        _ => &keys.1,
    }
}

fn trust() -> TrustList {
    let mut t = TrustList::default();
    for suite in [Suite::Sha256, Suite::Shake256] {
        t.add(issuer(suite).info().clone(), false).unwrap();
    }
    t
}

/// A trust list that knows only the other issuer.
fn trust_without(suite: Suite) -> TrustList {
    let other = match suite {
        Suite::Sha256 => Suite::Shake256,
        _ => Suite::Sha256,
    };
    let mut t = TrustList::default();
    t.add(issuer(other).info().clone(), false).unwrap();
    t
}

fn credential(suite: Suite) -> Credential {
    let attributes = json!({
        "family_name": "Mustermann", "given_name": "Erika", "birth_date": "1964-08-12",
        "country": "DE", "issuer_name": "RKI", "certificate_id": "URN:UVCI:01:DE:BATCH",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 3, "total_doses": 3,
        "vaccination_date": "2026-06-01",
    });
    issuer(suite)
        .issue_at(
            CredentialType::Vaccination,
            &attributes,
            NOW - 86_400,
            &mut rand::rng(),
        )
        .unwrap()
}

/// The typical vaccination request: `vaccine_product` disclosed, two predicates proven.
fn request() -> PresentationRequest {
    static SET: OnceLock<ParameterSet> = OnceLock::new();
    let params = SET.get_or_init(|| ParameterSet::generate(&mut rand::rng()).unwrap());
    let t = CredentialType::Vaccination;
    let schema = t.schema();
    let mut rng = rand::rng();
    let predicates = ["dose_number >= 2", "valid_until >= now"]
        .iter()
        .map(|p| {
            Predicate::parse(schema, p, NOW)
                .unwrap()
                .with_params_from(schema, params, &mut rng)
                .unwrap()
        })
        .collect();
    let asked = CredentialRequest::new(t, &["vaccine_product"], &[], predicates).unwrap();
    PresentationRequest::new("gate", vec![asked], NOW, 600, &mut rng).unwrap()
}

/// Eight requests answered by valid presentations: six of the SHA-256 issuer, two of the
/// SHAKE-256 one (made once).
fn pool() -> &'static [(PresentationRequest, Presentation)] {
    static POOL: OnceLock<Vec<(PresentationRequest, Presentation)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (sha, shake) = (credential(Suite::Sha256), credential(Suite::Shake256));
        (0..8)
            .map(|i| {
                let r = request();
                let c = match suite_of(i) {
                    Suite::Sha256 => &sha,
                    _ => &shake,
                };
                let p = presentation::present(&r, std::slice::from_ref(c), NOW, &mut rand::rng())
                    .unwrap();
                (r, p)
            })
            .collect()
    })
}

/// The suite of the pool's `i`-th entry.
fn suite_of(i: usize) -> Suite {
    if i % 4 == 3 {
        Suite::Shake256
    } else {
        Suite::Sha256
    }
}

/// How an entry of a batch is spoiled.
#[derive(Clone, Copy, Debug)]
enum Spoil {
    /// Left valid.
    Not,
    /// The low bit of the `j`-th hidden message's response (the BBS proof) flipped.
    Response(usize),
    /// The low bit of a predicate proof's last byte flipped.
    Predicate,
    /// The presentation of another request.
    OtherRequest,
    /// Verified against a trust list without its issuer.
    Untrusted,
    /// Verified after the request expired.
    Expired,
}

fn spoil_strategy() -> impl Strategy<Value = Spoil> {
    prop_oneof![
        3 => Just(Spoil::Not),
        2 => (0usize..15).prop_map(Spoil::Response),
        1 => Just(Spoil::Predicate),
        1 => Just(Spoil::OtherRequest),
        1 => Just(Spoil::Untrusted),
        1 => Just(Spoil::Expired),
    ]
}

/// The inputs of entry `i` of the pool, spoiled as `how`.
fn entry(i: usize, how: Spoil) -> (PresentationRequest, Presentation, TrustList, i64) {
    let pool = pool();
    let (request, mut p) = pool[i % pool.len()].clone();
    debug_assert_eq!(pool.len(), 8);
    let mut trust = trust();
    let mut now = NOW + 1;
    match how {
        Spoil::Not => {}
        Spoil::Response(j) => {
            // Abar, Bbar, D (48 bytes each), e^, r1^, r3^ (32 each), then the m^_j (as
            // many as the presented schema hides: the profile's fewer).
            let hidden = (p.credentials[0].proof.len() - 272) / 32;
            let at = 3 * 48 + 3 * 32 + 32 * (j % hidden) + 31;
            p.credentials[0].proof[at] ^= 1;
        }
        Spoil::Predicate => {
            // The last byte of the first digit's response in the formula proof.
            p.credentials[0].formula_proof[127] ^= 1;
        }
        Spoil::OtherRequest => p = pool[(i + 1) % pool.len()].1.clone(),
        Spoil::Untrusted => trust = trust_without(suite_of(i)),
        Spoil::Expired => now = request.expires + 1,
    }
    (request, p, trust, now)
}

type Outcome = Result<VerifiedPresentation, Error>;

/// The batch's results and each entry's result alone.
fn batch_and_alone(spoils: &[Spoil]) -> (Vec<Outcome>, Vec<Outcome>) {
    let inputs: Vec<_> = spoils
        .iter()
        .enumerate()
        .map(|(i, &how)| entry(i, how))
        .collect();
    let entries: Vec<BatchEntry> = inputs
        .iter()
        .map(|(request, presentation, trust, now)| BatchEntry {
            request,
            presentation,
            trust,
            now: *now,
        })
        .collect();
    let batch = presentation::verify_batch(&entries);
    let alone = inputs
        .iter()
        .map(|(r, p, t, now)| presentation::verify(r, p, t, *now))
        .collect();
    (batch, alone)
}

fn same(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => format!("{a:?}") == format!("{b:?}"),
        _ => false,
    }
}

#[test]
fn a_tampered_presentation_among_good_ones_gets_the_verdict_it_gets_alone() {
    // Entry 2's BBS proof is tampered in a response no predicate uses: only the BBS
    // proof's own check (here: in the batch) can find it.
    let mut spoils = [Spoil::Not; 8];
    spoils[2] = Spoil::Response(0);
    let (batch, alone) = batch_and_alone(&spoils);
    assert_eq!(batch.len(), 8);
    for (i, (b, a)) in batch.iter().zip(&alone).enumerate() {
        assert!(same(b, a), "entry {i}: batch {b:?}, alone {a:?}");
        assert_eq!(b.is_ok(), i != 2, "entry {i}: {b:?}");
    }
    assert!(
        matches!(
            batch[2],
            Err(Error::ProofInvalid {
                credential_type: CredentialType::Vaccination
            })
        ),
        "{:?}",
        batch[2]
    );
    // The good ones carry what verify returns: the disclosed value and both predicates.
    let v = batch[0].as_ref().unwrap();
    assert_eq!(v.credentials[0].disclosed[0].1.to_string(), "EU/1/20/1528");
    assert_eq!(v.credentials[0].predicates.len(), 2);
}

#[test]
fn every_spoiled_response_is_found_in_a_batch_of_both_suites() {
    // Each of the 15 hidden messages' responses, in an entry of either suite.
    for j in 0..15 {
        let mut spoils = [Spoil::Not; 8];
        spoils[j % 8] = Spoil::Response(j);
        let (batch, alone) = batch_and_alone(&spoils);
        for (i, (b, a)) in batch.iter().zip(&alone).enumerate() {
            assert!(same(b, a), "response {j}, entry {i}: {b:?} / {a:?}");
            assert_eq!(b.is_ok(), i != j % 8, "response {j}, entry {i}");
        }
    }
}

#[test]
fn a_batch_of_one_and_an_empty_batch() {
    assert!(presentation::verify_batch(&[]).is_empty());
    for how in [Spoil::Not, Spoil::Response(4)] {
        let (batch, alone) = batch_and_alone(&[how]);
        assert!(same(&batch[0], &alone[0]), "{how:?}");
        assert_eq!(batch[0].is_ok(), matches!(how, Spoil::Not));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever mix of valid and refused presentations, each entry of the batch gets
    /// exactly what it gets alone, and the valid ones are accepted.
    #[test]
    fn batch_verdicts_equal_single_verdicts(spoils in proptest::collection::vec(spoil_strategy(), 1..9)) {
        let (batch, alone) = batch_and_alone(&spoils);
        prop_assert_eq!(batch.len(), spoils.len());
        for (i, ((b, a), how)) in batch.iter().zip(&alone).zip(&spoils).enumerate() {
            prop_assert!(same(b, a), "entry {} ({:?}): batch {:?}, alone {:?}", i, how, b, a);
            prop_assert_eq!(b.is_ok(), matches!(how, Spoil::Not), "entry {} ({:?})", i, how);
        }
    }
}
