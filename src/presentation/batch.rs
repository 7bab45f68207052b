//! Batch verification of presentations: many presentations, each against its own request
//! and trust list, with their BBS proofs checked together (issue 15 §5).
//!
//! Every check of [`verify`] runs per presentation as it does alone (the request, issuer,
//! schema, disclosure and predicate checks, each predicate proof's recomputed commitments),
//! except the pairing-heavy ones: CoreProofVerify of each credential's BBS proof (draft
//! §3.6.4), checked in one [`bbs::core_batch_proof_verify`] per ciphersuite, and the
//! predicate digits' pairing equations, checked in one [`DigitPairings::check_many`]: each
//! one multi-pairing with random weights, bisected when it fails to name the invalid
//! proofs. A presentation
//! that fails anything — a check of its own or its BBS proof in the batch — is verified
//! again alone with [`verify`], so its result is exactly the one [`verify`] gives (the same
//! error, in the same order of checks); a presentation that passes everything gets the
//! [`VerifiedPresentation`] [`verify`] would return.

use bls12_381::Scalar;

use super::verify::{verify, verify_with, VerifiedPresentation};
use super::{Error, Presentation, PresentationRequest, TrustList};
use crate::bbs::{self, Ciphersuite, CoreBatchItem, Generators, Proof, PublicKey};
use crate::credential::{with_suite, IssuerInfo, Suite};
use crate::zk::{self, DeferredChecks, DigitPairings, Formula, LinkedFormulaProof};

/// One presentation to verify in a batch: the arguments of [`verify`].
#[derive(Clone, Copy, Debug)]
pub struct BatchEntry<'a> {
    /// The request it answers.
    pub request: &'a PresentationRequest,
    /// The presentation.
    pub presentation: &'a Presentation,
    /// The trust list in force for it.
    pub trust: &'a TrustList,
    /// The time of verification (seconds since the Unix epoch).
    pub now: i64,
}

/// Verifies every entry as [`verify`] does, with the BBS proofs of all of them checked in
/// one batch: one result per entry, in order, each exactly what [`verify`] returns for that
/// entry alone (up to the batch's `2^-128` error on a proof that passes). A rejected entry
/// costs its checks twice (once here, once alone); the others share the pairing work.
///
/// ```
/// # use healthpass::credential::{CredentialType, IssuerKey, Suite};
/// # use healthpass::presentation::{self, BatchEntry, CredentialRequest, PresentationRequest, TrustList};
/// # let mut rng = rand::rng();
/// # let issuer = IssuerKey::generate("nl-rivm", "RIVM", "NL", Suite::Sha256,
/// #     &CredentialType::ALL, &mut rng)?;
/// # let attributes = serde_json::json!({
/// #     "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
/// #     "country": "NL", "issuer_name": "RIVM", "certificate_id": "URN:UVCI:01:NL:2",
/// #     "valid_from": "2021-06-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z",
/// #     "disease": "840539006", "first_positive_date": "2021-05-20" });
/// # let credential = issuer.issue(CredentialType::Recovery, &attributes, &mut rng)?;
/// # let mut trust = TrustList::default();
/// # trust.add(issuer.info().clone(), false)?;
/// let now = 1_700_000_000;
/// let asked = CredentialRequest::new(CredentialType::Recovery, &["first_positive_date"], &[], vec![])?;
/// let requests = (0..3)
///     .map(|_| PresentationRequest::new("border", vec![asked.clone()], now, 600, &mut rng))
///     .collect::<Result<Vec<_>, _>>()?;
/// let answers = requests
///     .iter()
///     .map(|r| presentation::present(r, std::slice::from_ref(&credential), now, &mut rng))
///     .collect::<Result<Vec<_>, _>>()?;
/// let entries: Vec<BatchEntry> = requests
///     .iter()
///     .zip(&answers)
///     .map(|(request, presentation)| BatchEntry { request, presentation, trust: &trust, now })
///     .collect();
/// assert!(presentation::verify_batch(&entries).iter().all(Result::is_ok));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_batch(entries: &[BatchEntry<'_>]) -> Vec<Result<VerifiedPresentation, Error>> {
    // Every check but the BBS proofs'; those are collected, with their entry.
    let mut passed: Vec<Option<VerifiedPresentation>> = Vec::with_capacity(entries.len());
    let mut pending: Vec<(usize, Deferred)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let mut checks = ProofChecks::Deferred(Vec::new());
        let verified = verify_with(e.request, e.presentation, e.trust, e.now, &mut checks).ok();
        if let (Some(_), ProofChecks::Deferred(d)) = (&verified, checks) {
            pending.extend(d.into_iter().map(|d| (i, d)));
        }
        passed.push(verified);
    }
    // The BBS proofs, one batch per ciphersuite.
    let mut suites: Vec<Suite> = Vec::new();
    for (_, d) in &pending {
        if !suites.contains(&d.suite) {
            suites.push(d.suite);
        }
    }
    for suite in suites {
        let batch: Vec<&(usize, Deferred)> =
            pending.iter().filter(|(_, d)| d.suite == suite).collect();
        let failed: Vec<usize> = with_suite!(suite, C => check_batch::<C>(&batch));
        for f in failed {
            passed[batch[f].0] = None;
        }
    }
    // The predicate proofs' digits, all in one pairing product.
    let digits: Vec<&DigitPairings> = pending
        .iter()
        .map(|(_, d)| &d.check.digit_pairings)
        .collect();
    for f in DigitPairings::check_many(&digits, &mut rand::rng()) {
        passed[pending[f].0] = None;
    }
    // A rejected entry gets exactly the verdict it gets alone.
    entries
        .iter()
        .zip(passed)
        .map(|(e, v)| match v {
            Some(v) => Ok(v),
            None => verify(e.request, e.presentation, e.trust, e.now),
        })
        .collect()
}

/// The positions in `batch` of the proofs that fail.
fn check_batch<C: Ciphersuite>(batch: &[&(usize, Deferred)]) -> Vec<usize> {
    let items: Vec<CoreBatchItem<'_>> = batch
        .iter()
        .map(|(_, d)| CoreBatchItem {
            pk: &d.pk,
            proof: &d.proof,
            generators: &d.generators,
            header: &d.header,
            presentation_header: &d.check.presentation_header,
            disclosed_messages: &d.check.disclosed_messages,
            disclosed_indexes: &d.check.disclosed_indexes,
            api_id: &d.api_id,
        })
        .collect();
    match bbs::core_batch_proof_verify::<C>(&items, &mut rand::rng()) {
        Ok(()) => Vec::new(),
        Err(bbs::Error::BatchVerificationFailed { failed }) => failed,
        Err(_) => (0..batch.len()).collect(),
    }
}

/// A credential's BBS proof check, left for the batch.
pub(super) struct Deferred {
    suite: Suite,
    pk: PublicKey,
    proof: Proof,
    generators: Generators,
    header: Vec<u8>,
    api_id: Vec<u8>,
    check: DeferredChecks,
}

/// How [`verify_with`] checks each credential's proofs: all at once (as [`verify`] does),
/// or everything but the BBS proof and the digits' pairing equations, whose checks are
/// collected for a batch.
pub(super) enum ProofChecks {
    /// `zk::verify`: the BBS proof and the predicate proofs, now.
    Now,
    /// `zk::verify_deferred`: the checks but the BBS proof's and the predicate digits'
    /// pairing equations now; those collected.
    Deferred(Vec<Deferred>),
}

impl ProofChecks {
    /// Checks a credential's linked proof (step 5 of [`verify`]), or all of it but the BBS
    /// proof and the digits' pairing equations, whose checks are kept for the batch.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn verify<C: Ciphersuite>(
        &mut self,
        issuer: &IssuerInfo,
        linked: &LinkedFormulaProof,
        generators: &Generators,
        header: &[u8],
        disclosed_messages: &[Scalar],
        disclosed_indexes: &[usize],
        formula: &Formula,
        context: &[u8],
        api_id: &[u8],
    ) -> Result<(), zk::Error> {
        match self {
            ProofChecks::Now => zk::verify_formula::<C>(
                &issuer.public_key,
                linked,
                generators,
                header,
                disclosed_messages,
                disclosed_indexes,
                formula,
                context,
                api_id,
                &mut rand::rng(),
            ),
            ProofChecks::Deferred(collected) => {
                let check = zk::verify_formula_deferred::<C>(
                    linked,
                    generators.message_count(),
                    disclosed_messages,
                    disclosed_indexes,
                    formula,
                    context,
                )?;
                collected.push(Deferred {
                    suite: issuer.suite,
                    pk: issuer.public_key,
                    proof: linked.bbs.clone(),
                    generators: generators.clone(),
                    header: header.to_vec(),
                    api_id: api_id.to_vec(),
                    check,
                });
                Ok(())
            }
        }
    }
}
