//! Holder-bound credentials through the library (issue 14 §2-§3): blind issuance on the
//! holder's commitment, presentation only with the holder's secret, one holder across
//! credentials, pseudonyms, and what the verifier refuses.

use healthpass::bbs::Scalar;
use healthpass::credential::holder::CommitmentSecrets;
use healthpass::credential::{
    self, Credential, CredentialType, Holder, HolderCommitment, HolderKeys, IssuerKey, Suite,
};
use healthpass::presentation::{
    self, CredentialRequest, Error, Presentation, PresentationRequest, TrustList,
};
use serde_json::json;

/// 2024-06-01T12:00:00Z.
const NOW: i64 = 1_717_243_200;

fn attributes(t: CredentialType, family: &str) -> serde_json::Value {
    let mut a = json!({
        "family_name": family, "given_name": "Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS", "certificate_id": "URN:UVCI:01:GB:1",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2025-01-01T00:00:00Z",
        "disease": "840539006",
    });
    let own = match t {
        CredentialType::Vaccination => json!({
            "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
            "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2,
            "vaccination_date": "2024-02-01" }),
        CredentialType::Test => json!({
            "test_type": "LP217198-3", "test_name": "", "test_device": "1232",
            "sample_time": "2024-05-31T09:45:30Z", "test_result": "260415000",
            "test_centre": "Leeds" }),
        _ => json!({ "first_positive_date": "2024-03-02" }),
    };
    a.as_object_mut()
        .unwrap()
        .extend(own.as_object().unwrap().clone());
    a
}

struct Issuer {
    key: IssuerKey,
}

impl Issuer {
    fn new(id: &str, suite: Suite) -> Self {
        let key = IssuerKey::generate(id, id, "GB", suite, &CredentialType::ALL, &mut rand::rng())
            .unwrap();
        Issuer { key }
    }

    /// Issues a bound credential to `holder` and has the holder accept it.
    fn issue_to(&self, holder: &mut Wallet, t: CredentialType) -> Credential {
        let a = attributes(t, &holder.name);
        self.issue_with(holder, t, &a)
    }

    fn issue_with(
        &self,
        holder: &mut Wallet,
        t: CredentialType,
        a: &serde_json::Value,
    ) -> Credential {
        let (commitment, secrets) = holder.holder.commit(&mut rand::rng()).unwrap();
        // Through the commitment file, as the command line does.
        let commitment = HolderCommitment::from_json(&commitment.to_json()).unwrap();
        let credential = self
            .key
            .issue_bound_at(t, a, &commitment, NOW - 86_400, &mut rand::rng())
            .unwrap();
        // Through the credential file: no holder secret in it.
        let text = credential.to_json();
        assert!(!text.contains("holder_secret"), "{text}");
        let credential = Credential::from_json(&text).unwrap();
        assert!(matches!(
            credential.verify(),
            Err(credential::Error::NeedsHolder)
        ));
        let mine = secrets
            .into_iter()
            .find(|s| s.suite() == self.key.info().suite)
            .unwrap();
        let mine = CommitmentSecrets::from_json(&mine.to_json()).unwrap();
        holder.holder.accept(&credential, &mine).unwrap();
        holder.secrets.push(mine);
        credential
    }

    fn issue_unbound(&self, t: CredentialType) -> Credential {
        self.key
            .issue_at(
                t,
                &attributes(t, "Lovelace"),
                NOW - 86_400,
                &mut rand::rng(),
            )
            .unwrap()
    }
}

struct Wallet {
    name: String,
    holder: Holder,
    secrets: Vec<CommitmentSecrets>,
}

impl Wallet {
    fn new(name: &str) -> Self {
        let holder = Holder::from_json(&Holder::generate(&mut rand::rng()).to_json()).unwrap();
        Wallet {
            name: name.into(),
            holder,
            secrets: vec![],
        }
    }

    /// The holder secret, read back from the holder file (for the leak check).
    fn holder_secret_scalar(&self) -> Scalar {
        let v: serde_json::Value = serde_json::from_str(&self.holder.to_json()).unwrap();
        let b = credential::json::b64_decode(v["holder_secret"].as_str().unwrap()).unwrap();
        healthpass::bbs::octets::octets_to_scalar(&b).unwrap()
    }

    fn keys(&self) -> HolderKeys {
        HolderKeys::new(self.holder.clone(), self.secrets.clone())
    }
}

fn request(
    types: &[CredentialType],
    bound: bool,
    pseudonym: Option<&str>,
    verifier: &str,
) -> PresentationRequest {
    let asked: Vec<_> = types
        .iter()
        .map(|&t| {
            let disclose: &[&str] = if t == CredentialType::Vaccination {
                &["family_name"]
            } else {
                &[]
            };
            let mut p: presentation::Policy = CredentialRequest::new(t, disclose, &[], vec![])
                .unwrap()
                .into();
            p.holder_bound = bound;
            p.pseudonym = pseudonym.map(str::to_owned);
            p
        })
        .collect();
    PresentationRequest::new(verifier, asked, NOW, 600, &mut rand::rng()).unwrap()
}

fn trust(issuers: &[&Issuer]) -> TrustList {
    let mut t = TrustList::default();
    for i in issuers {
        t.add(i.key.info().clone(), false).unwrap();
    }
    t
}

fn present(
    r: &PresentationRequest,
    creds: &[Credential],
    w: Option<&Wallet>,
) -> Result<Presentation, Error> {
    let keys = w.map(Wallet::keys);
    presentation::present_as(r, creds, keys.as_ref(), NOW, &mut rand::rng())
}

/// Through both wire forms, then verified.
fn verify(
    r: &PresentationRequest,
    p: &Presentation,
    t: &TrustList,
) -> Result<presentation::VerifiedPresentation, Error> {
    let json = Presentation::from_json(&p.to_json()).unwrap();
    assert_eq!(&json, p);
    let compact = Presentation::from_compact(&p.to_compact().unwrap(), r).unwrap();
    assert_eq!(&compact, p);
    presentation::verify(r, p, t, NOW + 60)
}

#[test]
fn a_bound_credential_presents_only_with_its_holder() {
    for suite in Suite::ALL {
        let issuer = Issuer::new("gb-nhs", suite);
        let mut ada = Wallet::new("Lovelace");
        let credential = issuer.issue_to(&mut ada, CredentialType::Vaccination);
        let t = trust(&[&issuer]);
        for bound in [false, true] {
            let r = request(&[CredentialType::Vaccination], bound, None, "border");
            let p = present(&r, std::slice::from_ref(&credential), Some(&ada)).unwrap();
            assert!(p.holder_commitment.is_some());
            let v = verify(&r, &p, &t).unwrap();
            assert!(v.credentials[0].holder_bound);
            assert_eq!(v.credentials[0].pseudonym, None);
            // The credential file alone: refused by the holder's software.
            let e = present(&r, std::slice::from_ref(&credential), None).unwrap_err();
            assert!(matches!(e, Error::HolderNeeded), "{e}");
            // Another holder's file: refused, named.
            let mut bob = Wallet::new("Bob");
            let e = present(&r, std::slice::from_ref(&credential), Some(&bob)).unwrap_err();
            assert!(
                matches!(e, Error::Credential(credential::Error::NotBoundToHolder)),
                "{e}"
            );
            // Even with Ada's blind and nym (a stolen secrets file), Bob's secret fails.
            bob.secrets = ada.secrets.clone();
            let e = present(&r, std::slice::from_ref(&credential), Some(&bob)).unwrap_err();
            assert!(
                matches!(e, Error::Credential(credential::Error::NotBoundToHolder)),
                "{e}"
            );
        }
    }
}

#[test]
fn unbound_credentials_still_present_and_are_refused_where_binding_is_required() {
    let issuer = Issuer::new("gb-nhs", Suite::Sha256);
    let old = issuer.issue_unbound(CredentialType::Vaccination);
    let t = trust(&[&issuer]);
    let r = request(&[CredentialType::Vaccination], false, None, "border");
    let p = present(&r, std::slice::from_ref(&old), None).unwrap();
    assert!(p.holder_commitment.is_none() && p.credentials[0].holder.is_none());
    assert!(!verify(&r, &p, &t).unwrap().credentials[0].holder_bound);
    // Required: the holder refuses...
    let strict = request(&[CredentialType::Vaccination], true, None, "border");
    let e = present(&strict, std::slice::from_ref(&old), None).unwrap_err();
    assert!(matches!(e, Error::NotHolderBound { .. }), "{e}");
    // ...and a bound presentation stripped of its binding is refused by the verifier.
    let mut ada = Wallet::new("Lovelace");
    let bound = issuer.issue_to(&mut ada, CredentialType::Vaccination);
    let mut p = present(&strict, &[bound], Some(&ada)).unwrap();
    p.credentials[0].holder = None;
    let e = presentation::verify(&strict, &p, &t, NOW).unwrap_err();
    assert!(matches!(e, Error::NotHolderBound { .. }), "{e}");
    // Where it is not required, the stripped proof still does not verify as unbound.
    let mut p = present(
        &r,
        &[issuer.issue_to(&mut ada, CredentialType::Vaccination)],
        Some(&ada),
    )
    .unwrap();
    p.credentials[0].holder = None;
    p.holder_commitment = None;
    let e = presentation::verify(&r, &p, &t, NOW).unwrap_err();
    assert!(matches!(e, Error::ProofInvalid { .. }), "{e}");
}

/// A forced attempt: a presentation whose holder part is replaced by one made for another
/// holder secret (the thief's own, correctly committed), or tampered, is rejected.
#[test]
fn a_forced_holder_part_is_rejected_by_the_verifier() {
    let issuer = Issuer::new("gb-nhs", Suite::Sha256);
    let mut ada = Wallet::new("Lovelace");
    let mut eve = Wallet::new("Eve");
    let ada_cred = issuer.issue_to(&mut ada, CredentialType::Vaccination);
    let eve_cred = issuer.issue_to(&mut eve, CredentialType::Vaccination);
    let t = trust(&[&issuer]);
    let r = request(&[CredentialType::Vaccination], true, None, "border");
    let honest = present(&r, &[ada_cred], Some(&ada)).unwrap();
    let eves = present(&r, &[eve_cred], Some(&eve)).unwrap();
    verify(&r, &honest, &t).unwrap();
    // Eve's commitment and response on Ada's proof.
    let mut forged = honest.clone();
    forged.holder_commitment = eves.holder_commitment;
    forged.credentials[0].holder = eves.credentials[0].holder.clone();
    assert!(matches!(
        presentation::verify(&r, &forged, &t, NOW),
        Err(Error::ProofInvalid { .. })
    ));
    // A changed response.
    let mut forged = honest.clone();
    forged.credentials[0].holder.as_mut().unwrap().response += Scalar::from(1u64);
    assert!(matches!(
        presentation::verify(&r, &forged, &t, NOW),
        Err(Error::ProofInvalid { .. })
    ));
    // A commitment without any response.
    let mut forged = honest.clone();
    forged.holder_commitment = None;
    assert!(matches!(
        presentation::verify(&r, &forged, &t, NOW),
        Err(Error::ProofInvalid { .. })
    ));
}

/// The proof's response `m^` of the last-but-one hidden message (the holder secret) and
/// the challenge, read from the draft's proof octets.
fn hs_response_and_challenge(proof: &[u8]) -> (Scalar, Scalar) {
    let scalar = |b: &[u8]| healthpass::bbs::octets::octets_to_scalar(b).unwrap();
    let n = proof.len();
    (
        scalar(&proof[n - 32 * 3..n - 32 * 2]),
        scalar(&proof[n - 32..]),
    )
}

#[test]
fn several_credentials_prove_one_holder_and_two_holders_are_rejected() {
    let issuer = Issuer::new("gb-nhs", Suite::Shake256);
    let lab = Issuer::new("gb-lab", Suite::Shake256);
    let t = trust(&[&issuer, &lab]);
    let mut ada = Wallet::new("Lovelace");
    let mut bob = Wallet::new("Bob");
    let types = [CredentialType::Vaccination, CredentialType::Test];
    let ada_creds = [
        issuer.issue_to(&mut ada, types[0]),
        lab.issue_to(&mut ada, types[1]),
    ];
    let bob_creds = [
        issuer.issue_to(&mut bob, types[0]),
        lab.issue_to(&mut bob, types[1]),
    ];
    let r = request(&types, true, None, "border");
    let a = present(&r, &ada_creds, Some(&ada)).unwrap();
    let v = verify(&r, &a, &t).unwrap();
    assert!(v.credentials.iter().all(|c| c.holder_bound));
    // Never one blinding under two challenges: from the two proofs' responses for the holder
    // secret, (m^_1 - m^_2) / (c_1 - c_2) would be the secret if the blindings were shared.
    let (m1, c1) = hs_response_and_challenge(&a.credentials[0].proof);
    let (m2, c2) = hs_response_and_challenge(&a.credentials[1].proof);
    let candidate = (m1 - m2) * (c1 - c2).invert().unwrap();
    let ada_secret = ada.holder_secret_scalar();
    // (The check itself can catch a leak: a response made with the blinding of another
    // proof gives the secret back.)
    let r2 = Scalar::from(7u64);
    let shared = |c: Scalar| r2 + c * ada_secret;
    assert_eq!(
        (shared(c1) - shared(c2)) * (c1 - c2).invert().unwrap(),
        ada_secret
    );
    assert_ne!(
        candidate, ada_secret,
        "the holder secret leaks from two responses"
    );
    // Bob's presentation verifies on its own.
    let b = present(&r, &bob_creds, Some(&bob)).unwrap();
    verify(&r, &b, &t).unwrap();
    // Two holders' credentials together: Ada's wallet does not hold Bob's.
    let mixed = [ada_creds[0].clone(), bob_creds[1].clone()];
    let e = present(&r, &mixed, Some(&ada)).unwrap_err();
    assert!(
        matches!(e, Error::Credential(credential::Error::NotBoundToHolder)),
        "{e}"
    );
    // Forced through the library: Bob's test spliced into Ada's presentation.
    let mut spliced = a.clone();
    spliced.credentials[1] = b.credentials[1].clone();
    let e = presentation::verify(&r, &spliced, &t, NOW).unwrap_err();
    assert!(
        matches!(
            e,
            Error::ProofInvalid {
                credential_type: CredentialType::Test
            }
        ),
        "{e}"
    );
}

#[test]
fn bound_credentials_of_two_ciphersuites_are_refused_naming_the_issuers() {
    let nhs = Issuer::new("gb-nhs", Suite::Sha256);
    let lab = Issuer::new("gb-lab", Suite::Shake256);
    let mut ada = Wallet::new("Lovelace");
    let creds = [
        nhs.issue_to(&mut ada, CredentialType::Vaccination),
        lab.issue_to(&mut ada, CredentialType::Test),
    ];
    let r = request(
        &[CredentialType::Vaccination, CredentialType::Test],
        true,
        None,
        "border",
    );
    let e = present(&r, &creds, Some(&ada)).unwrap_err();
    let Error::MixedCiphersuites { issuers } = &e else {
        panic!("{e}")
    };
    assert_eq!(issuers.len(), 2);
    assert!(
        e.to_string().contains("gb-nhs") && e.to_string().contains("gb-lab"),
        "{e}"
    );
}

#[test]
fn pseudonyms_are_per_credential_and_context() {
    let issuer = Issuer::new("gb-nhs", Suite::Sha256);
    let t = trust(&[&issuer]);
    let mut ada = Wallet::new("Lovelace");
    let cred = issuer.issue_to(&mut ada, CredentialType::Vaccination);
    let other = issuer.issue_to(&mut ada, CredentialType::Vaccination);
    let nym = |verifier: &str, context: &str, c: &Credential| {
        let r = request(
            &[CredentialType::Vaccination],
            false,
            Some(context),
            verifier,
        );
        let p = present(&r, std::slice::from_ref(c), Some(&ada)).unwrap();
        let v = verify(&r, &p, &t).unwrap();
        assert!(v.credentials[0].holder_bound);
        v.credentials[0].pseudonym.unwrap()
    };
    let first = nym("venue", "2026-12-02", &cred);
    assert_eq!(first, nym("venue", "2026-12-02", &cred));
    assert_ne!(first, nym("venue", "2026-12-03", &cred));
    assert_ne!(first, nym("venue-2", "2026-12-02", &cred));
    // Pseudonyms belong to a credential: another credential of the same holder differs.
    assert_ne!(first, nym("venue", "2026-12-02", &other));
    // The pseudonym of another context, or none, is refused.
    let r = request(&[CredentialType::Vaccination], false, Some("a"), "venue");
    let r2 = request(&[CredentialType::Vaccination], false, Some("b"), "venue");
    let mut p = present(&r, std::slice::from_ref(&cred), Some(&ada)).unwrap();
    let p2 = present(&r2, std::slice::from_ref(&cred), Some(&ada)).unwrap();
    p.credentials[0].holder.as_mut().unwrap().pseudonym =
        p2.credentials[0].holder.as_ref().unwrap().pseudonym;
    assert!(matches!(
        presentation::verify(&r, &p, &t, NOW),
        Err(Error::ProofInvalid { .. })
    ));
    p.credentials[0].holder.as_mut().unwrap().pseudonym = None;
    assert!(matches!(
        presentation::verify(&r, &p, &t, NOW),
        Err(Error::PseudonymMismatch { .. })
    ));
    // An unbound credential cannot answer a pseudonym request.
    let e = present(
        &r,
        &[issuer.issue_unbound(CredentialType::Vaccination)],
        None,
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotHolderBound { .. }), "{e}");
}

#[test]
fn issuer_checks_the_commitment_proof() {
    let issuer = Issuer::new("gb-nhs", Suite::Sha256);
    let holder = Holder::generate(&mut rand::rng());
    let (commitment, _) = holder.commit(&mut rand::rng()).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&commitment.to_json()).unwrap();
    let text = json["commitments"]["bls12-381-sha-256"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes = healthpass::credential::json::b64_decode(&text).unwrap();
    // The last byte of s^ (a scalar that stays canonical).
    bytes[48 + 31] ^= 1;
    json["commitments"]["bls12-381-sha-256"] =
        healthpass::credential::json::b64_encode(&bytes).into();
    let tampered = HolderCommitment::from_json(&json.to_string()).unwrap();
    let e = issuer
        .key
        .issue_bound_at(
            CredentialType::Test,
            &attributes(CredentialType::Test, "x"),
            &tampered,
            NOW,
            &mut rand::rng(),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            credential::Error::Bbs(healthpass::bbs::Error::VerificationFailed)
        ),
        "{e}"
    );
    // Two commitments of one holder differ (fresh blinds and nyms every time).
    let (again, _) = holder.commit(&mut rand::rng()).unwrap();
    assert_ne!(again, commitment);
}

/// The border's question (issue 14 §2): "identity: disclose the names; vaccination: prove
/// the predicates; same holder". An identity authority and a health authority, one holder.
#[test]
fn identity_disclose_names_vaccination_prove_predicates_same_holder() {
    let authority = Issuer::new("gb-passport", Suite::Sha256);
    let nhs = Issuer::new("gb-nhs", Suite::Sha256);
    let t = trust(&[&authority, &nhs]);
    let identity = |family: &str| {
        json!({ "family_name": family, "given_name": "Ada", "birth_date": "1815-12-10",
                "nationality": "GB", "document_number": "P1234567",
                "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z" })
    };
    let mut ada = Wallet::new("Lovelace");
    let mut bob = Wallet::new("Bob");
    let bound_identity = |w: &mut Wallet| {
        let a = identity(&w.name);
        authority.issue_with(w, CredentialType::Identity, &a)
    };
    let ada_id = bound_identity(&mut ada);
    let bob_id = bound_identity(&mut bob);
    let ada_vac = nhs.issue_to(&mut ada, CredentialType::Vaccination);
    let bob_vac = nhs.issue_to(&mut bob, CredentialType::Vaccination);
    let schema = CredentialType::Vaccination.schema();
    let mut id_policy: presentation::Policy = CredentialRequest::new(
        CredentialType::Identity,
        &["family_name", "given_name"],
        &[],
        vec![],
    )
    .unwrap()
    .into();
    id_policy.holder_bound = true;
    let predicates = ["dose_number >= 2", "vaccination_date >= 2024-01-01"]
        .iter()
        .map(|p| presentation::Predicate::parse(schema, p, NOW).unwrap())
        .collect();
    let mut vac_policy: presentation::Policy =
        CredentialRequest::new(CredentialType::Vaccination, &[], &[], predicates)
            .unwrap()
            .into();
    vac_policy.holder_bound = true;
    let mut rng = rand::rng();
    let vac_policy = vac_policy.with_params(None, &mut rng).unwrap();
    let r = PresentationRequest::new("border", vec![id_policy, vac_policy], NOW, 600, &mut rng)
        .unwrap();
    let p = present(&r, &[ada_vac.clone(), ada_id.clone()], Some(&ada)).unwrap();
    let v = verify(&r, &p, &t).unwrap();
    assert_eq!(v.credentials[0].credential_type, CredentialType::Identity);
    let names: Vec<String> = v.credentials[0]
        .disclosed
        .iter()
        .map(|(_, x)| x.to_string())
        .collect();
    assert_eq!(names, ["Lovelace", "Ada"]);
    assert!(v.credentials[1].disclosed.is_empty());
    assert_eq!(
        v.credentials[1].proven.len(),
        3,
        "{:?}",
        v.credentials[1].proven
    );
    assert!(v.credentials.iter().all(|c| c.holder_bound));
    // Bob's vaccination with Ada's identity: refused by the holder's software, and when
    // forced (Bob's vaccination proof in Ada's presentation) by the verifier.
    let e = present(&r, &[bob_vac.clone(), ada_id.clone()], Some(&ada)).unwrap_err();
    assert!(
        matches!(e, Error::Credential(credential::Error::NotBoundToHolder)),
        "{e}"
    );
    let b = present(&r, &[bob_vac, bob_id], Some(&bob)).unwrap();
    verify(&r, &b, &t).unwrap();
    let mut mixed = p.clone();
    mixed.credentials[1] = b.credentials[1].clone();
    let e = presentation::verify(&r, &mixed, &t, NOW).unwrap_err();
    assert!(
        matches!(
            e,
            Error::ProofInvalid {
                credential_type: CredentialType::Vaccination
            }
        ),
        "{e}"
    );
    // A false predicate is refused by the holder.
    let strict = presentation::Predicate::parse(schema, "dose_number >= 3", NOW).unwrap();
    let mut policies = r.policies.clone();
    policies[1].alternatives[0].all_of = vec![presentation::Node::Statement(strict)];
    policies[1] = policies[1].clone().with_params(None, &mut rng).unwrap();
    let r2 = PresentationRequest::new("border", policies, NOW, 600, &mut rng).unwrap();
    let e = present(&r2, &[ada_vac, ada_id], Some(&ada)).unwrap_err();
    assert!(e.to_string().contains("dose_number >= 3"), "{e}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 6, ..Default::default() })]

    /// Any disclosure set of a bound credential (the holder secret never), with or without a
    /// pseudonym, presents, round-trips in both wire forms and verifies as holder-bound; the
    /// same presentation for another verifier's context is refused.
    #[test]
    fn bound_presentations_for_any_disclosure(mask in proptest::prelude::any::<u16>(), type_index in 0usize..4, with_nym: bool) {
        let t = CredentialType::ALL[type_index];
        let issuer = Issuer::new("gb-nhs", Suite::Sha256);
        let mut ada = Wallet::new("Lovelace");
        let a = if t == CredentialType::Identity {
            json!({ "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12",
                    "nationality": "GB", "document_number": "P1",
                    "valid_from": "2020-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z" })
        } else {
            attributes(t, "Lovelace")
        };
        let credential = issuer.issue_with(&mut ada, t, &a);
        let names: Vec<&str> = t
            .schema()
            .names()
            .enumerate()
            .filter(|(i, n)| *n != "holder_secret" && mask & (1 << i) != 0)
            .map(|(_, n)| n)
            .collect();
        let mut policy: presentation::Policy =
            CredentialRequest::new(t, &names, &[], vec![]).unwrap().into();
        policy.holder_bound = true;
        policy.pseudonym = with_nym.then(|| "ctx".to_owned());
        let r = PresentationRequest::new("venue", vec![policy], NOW, 600, &mut rand::rng()).unwrap();
        let p = present(&r, std::slice::from_ref(&credential), Some(&ada)).unwrap();
        let v = verify(&r, &p, &trust(&[&issuer])).unwrap();
        proptest::prop_assert!(v.credentials[0].holder_bound);
        proptest::prop_assert_eq!(v.credentials[0].disclosed.len(), names.len());
        proptest::prop_assert_eq!(v.credentials[0].pseudonym.is_some(), with_nym);
        // Another verifier's request of the same shape: the digest differs, refused.
        let mut other = r.clone();
        other.verifier = "venue-2".into();
        proptest::prop_assert!(presentation::verify(&other, &p, &trust(&[&issuer]), NOW).is_err());
    }
}
