//! Holder-bound credentials in presentations (`docs/protocol.md`, "Holder binding").
//!
//! A bound credential's signature covers, after the schema's `L` messages, the blind, the
//! holder secret `hs` and the nym secret `nym` (`credential::holder`). Its presentation is
//! the ordinary one (the core's ProofInit, challenge and ProofFinalize through
//! `zk::prove_formula`) over those `L + 3` messages, all three extra ones hidden, with two
//! additions proven under the same challenge `c`:
//!
//! - **one holder**: the presentation carries one Pedersen commitment
//!   `C_h = G * hs + H * rho` (`G, H` the formula module's Pedersen generators), and each
//!   bound credential proves that `C_h` opens to its own signed `hs`: with a fresh `rho~`
//!   and its own fresh BBS blinding `m~_hs`, `T = G * m~_hs + H * rho~`, the response
//!   `rho^ = rho~ + c * rho`; the verifier recomputes `T = G * m^_hs + H * rho^ - C_h * c`
//!   from the BBS proof's response `m^_hs`. Every proof has its own blindings, so no
//!   blinding is ever answered under two challenges. By the binding of `C_h`, all the
//!   bound credentials of a presentation carry one holder secret.
//! - **a pseudonym** (when the policy asks for one): `P = OP * nym` and `Ut = OP * m~_nym`
//!   for `context_id`, the pseudonym extension's PseudonymProofInit
//!   (per-verifier-linkability §7.3.1, `bbs::nym`); the verifier's `Uv = OP * m^_nym - P * c`
//!   (§7.3.2).
//!
//! The first-round points go after the credential's context, so the transcript (the BBS
//! presentation header) and the challenge cover them:
//!
//! ```text
//! context' = context || "HEALTHPASS_HOLDER_V1_" || C_h || T
//!            || (0x00 | 0x01 || P || Ut || I2OSP(len(context_id), 8) || context_id)
//! ```

use bls12_381::{G1Affine, Scalar};
use group::Curve;

use crate::bbs::nym::{self, Pseudonym};
use crate::bbs::octets::Serializer;
use crate::bbs::{Ciphersuite, Proof};
use crate::group::{fixed_msm_ct, msm_vartime};
use crate::zk;

/// The label of the holder part of a bound credential's context.
pub const HOLDER_LABEL: &[u8] = b"HEALTHPASS_HOLDER_V1_";

/// What a bound credential's presentation adds to the BBS and formula proofs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderProof {
    /// `rho^`, the response of the opening of the presentation's holder commitment.
    pub response: Scalar,
    /// The pseudonym, when the policy asks for one.
    pub pseudonym: Option<Pseudonym>,
}

/// The pseudonym's `context_id` for a verifier and a context: `I2OSP(len(verifier), 1) ||
/// verifier || context` (the verifier identifier has 1 to 255 bytes). The holder is shown
/// both before presenting.
pub fn context_id(verifier: &str, context: &str) -> Vec<u8> {
    let v = verifier.as_bytes();
    let mut out = Vec::with_capacity(1 + v.len() + context.len());
    out.push(u8::try_from(v.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(&v[..v.len().min(255)]);
    out.extend_from_slice(context.as_bytes());
    out
}

/// `context || "HEALTHPASS_HOLDER_V1_" || C_h || T || pseudonym part` (module docs).
pub(crate) fn extended_context(
    context: &[u8],
    commitment: &G1Affine,
    t: &G1Affine,
    pseudonym: Option<(&Pseudonym, &G1Affine, &[u8])>,
) -> Vec<u8> {
    let mut s = Serializer::new();
    s.raw(context).raw(HOLDER_LABEL).point(commitment).point(t);
    match pseudonym {
        None => {
            s.raw(&[0]);
        }
        Some((p, u, id)) => {
            s.raw(&[1]).point(p.point()).point(u).length_prefixed(id);
        }
    }
    s.as_bytes().to_vec()
}

/// The holder's commitment `C_h = G * hs + H * rho`, constant time (the Pedersen
/// generators' cached tables).
pub(crate) fn holder_commitment<C: Ciphersuite>(
    holder_secret: &Scalar,
    rho: &Scalar,
) -> Result<G1Affine, zk::Error> {
    let (g, h) = zk::formula::pedersen::<C>()?;
    Ok(fixed_msm_ct(&[g, h], &[(0, *holder_secret), (1, *rho)]).to_affine())
}

/// The prover's first round for one bound credential: `T = G * m~_hs + H * rho~`, and the
/// pseudonym with `Ut` when `context_id` is given. Constant time in the secrets.
pub(crate) fn prover_points<C: Ciphersuite>(
    m_tilde_hs: &Scalar,
    rho_tilde: &Scalar,
    nym: Option<(&nym::NymSecrets, &Scalar, &[u8])>,
    api_id: &[u8],
) -> Result<(G1Affine, Option<(Pseudonym, G1Affine)>), zk::Error> {
    let (g, h) = zk::formula::pedersen::<C>()?;
    let t = fixed_msm_ct(&[g, h], &[(0, *m_tilde_hs), (1, *rho_tilde)]).to_affine();
    let pseudonym = nym
        .map(|(secrets, m_tilde, id)| nym::pseudonym_init::<C>(secrets, &[*m_tilde], id, api_id))
        .transpose()?;
    Ok((t, pseudonym))
}

/// The verifier's first round for one bound credential, from the BBS proof: the
/// responses `m^` of the holder secret and of the nym (at `hs_position` and
/// `hs_position + 1` among the hidden messages) and the challenge. Returns `T` and, with a
/// pseudonym, `Uv`.
pub(crate) fn verifier_points<C: Ciphersuite>(
    proof: &Proof,
    hs_position: usize,
    commitment: &G1Affine,
    holder: &HolderProof,
    context_id: Option<&[u8]>,
    api_id: &[u8],
) -> Result<(G1Affine, Option<G1Affine>), zk::Error> {
    let responses = proof
        .m_hat
        .get(hs_position..hs_position + 2)
        .ok_or(zk::Error::Bbs(crate::bbs::Error::VerificationFailed))?;
    let c = proof.challenge;
    let (g, h) = zk::formula::pedersen::<C>()?;
    let t = msm_vartime(&[g, h, *commitment], &[responses[0], holder.response, -c]).to_affine();
    let u = match (&holder.pseudonym, context_id) {
        (Some(p), Some(id)) => Some(nym::pseudonym_verify_init::<C>(
            p,
            &responses[1..],
            &c,
            id,
            api_id,
        )?),
        (None, None) => None,
        _ => return Err(zk::Error::Bbs(crate::bbs::Error::VerificationFailed)),
    };
    Ok((t, u))
}

/// The compact encoding's holder section, after the last credential, present only when a
/// credential is holder-bound: `C_h` (48 bytes), then per credential a flag byte (0 not
/// bound, 1 bound) and, when bound, `rho^` (32 bytes) and, when its policy asks for one, the
/// pseudonym (48 bytes).
pub(crate) fn write_compact(
    w: &mut crate::credential::bytes::ByteWriter,
    commitment: &G1Affine,
    holders: &[Option<&HolderProof>],
) {
    w.raw(&commitment.to_compressed());
    for h in holders {
        match h {
            None => {
                w.u8(0);
            }
            Some(h) => {
                w.u8(1)
                    .raw(&crate::bbs::octets::scalar_to_octets(&h.response));
                if let Some(p) = &h.pseudonym {
                    w.raw(&p.to_bytes());
                }
            }
        }
    }
}

/// Reads the compact holder section ([`write_compact`]) for `pseudonyms.len()` credentials
/// (`true` where the policy asks for a pseudonym). `Err` names the problem.
pub(crate) fn read_compact(
    r: &mut crate::credential::bytes::ByteReader<'_>,
    pseudonyms: &[bool],
) -> Result<(G1Affine, Vec<Option<HolderProof>>), &'static str> {
    use crate::bbs::octets::{octets_to_g1, octets_to_scalar};
    let commitment = r
        .raw(48)
        .ok_or("truncated holder commitment")
        .and_then(|b| octets_to_g1(b).map_err(|_| "invalid holder commitment"))?;
    let mut holders = Vec::with_capacity(pseudonyms.len());
    for &with_pseudonym in pseudonyms {
        match r.u8() {
            Some(0) => holders.push(None),
            Some(1) => {
                let response = r
                    .raw(32)
                    .ok_or("truncated holder response")
                    .and_then(|b| octets_to_scalar(b).map_err(|_| "invalid holder response"))?;
                let pseudonym =
                    if with_pseudonym {
                        Some(r.raw(48).ok_or("truncated pseudonym").and_then(|b| {
                            Pseudonym::from_bytes(b).map_err(|_| "invalid pseudonym")
                        })?)
                    } else {
                        None
                    };
                holders.push(Some(HolderProof {
                    response,
                    pseudonym,
                }));
            }
            _ => return Err("truncated or invalid holder flag"),
        }
    }
    Ok((commitment, holders))
}
