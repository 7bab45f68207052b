//! The core's error type.

use core::fmt;

/// Everything that can go wrong in the BBS core.
///
/// Decoding errors are specific so that a caller can tell a truncated file from a forged
/// point; a failed cryptographic check is one opaque variant
/// ([`Error::VerificationFailed`]) so that nothing leaks about *why* a signature or proof
/// was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An octet string had the wrong length.
    InvalidLength {
        /// What was being decoded.
        what: &'static str,
        /// The length that was expected.
        expected: usize,
        /// The length that was given.
        actual: usize,
    },
    /// A proof's length is not `272 + 32 * U` for some `U >= 0` (draft §4.2.4.5).
    InvalidProofLength {
        /// The length that was given.
        actual: usize,
    },
    /// A commitment with proof's length is not `112 + 32 * M` for some `M >= 0`
    /// (draft-irtf-cfrg-bbs-blind-signatures §5.4.2, `octets_to_commitment_with_proof`).
    InvalidCommitmentLength {
        /// The length that was given.
        actual: usize,
    },
    /// A pseudonym's vector of nym secrets is empty, or longer than the committed messages
    /// it must end (draft-irtf-cfrg-bbs-per-verifier-linkability §6.1.2).
    InvalidNymCount {
        /// The number of nym secrets given.
        nyms: usize,
        /// The number of committed scalars (messages and nyms) they must fit in.
        committed: usize,
    },
    /// A pseudonym is the base point of G1, which the pseudonym draft excludes
    /// (draft-irtf-cfrg-bbs-per-verifier-linkability §3.3).
    BasePointPseudonym,
    /// An octet string is not a valid compressed point encoding (bad flags, or an
    /// x-coordinate that is not on the curve).
    MalformedPoint,
    /// A point is on the curve but not in the prime-order subgroup.
    PointNotInSubgroup,
    /// A point is the identity, which the draft never accepts.
    IdentityPoint,
    /// A scalar's encoding is not less than the group order `r`.
    NonCanonicalScalar,
    /// A scalar that must be non-zero is zero (e.g. a signature's `e` or a proof response).
    ZeroScalar,
    /// A secret key is zero.
    ZeroSecretKey,
    /// KeyGen's `key_material` is shorter than 32 octets (draft §3.4.1).
    KeyMaterialTooShort {
        /// The length that was given.
        actual: usize,
    },
    /// KeyGen's `key_info` is longer than 65535 octets (draft §3.4.1).
    KeyInfoTooLong {
        /// The length that was given.
        actual: usize,
    },
    /// A domain-separation tag longer than 255 octets was given to `hash_to_scalar`.
    DstTooLong {
        /// The length that was given.
        actual: usize,
    },
    /// More output was requested from `expand_message` than the ciphersuite can give.
    ExpandLengthTooLarge {
        /// The number of octets requested.
        requested: usize,
    },
    /// A disclosed index is not smaller than the number of messages.
    IndexOutOfRange {
        /// The offending index.
        index: usize,
        /// The number of messages.
        count: usize,
    },
    /// Indexes that must be strictly ascending (the low-level steps' contract) are not.
    UnsortedIndexes {
        /// The first index that is not above its predecessor.
        index: usize,
    },
    /// A disclosed index appears more than once.
    DuplicateIndex {
        /// The repeated index.
        index: usize,
    },
    /// The number of messages does not fit the signature, proof or index list.
    MessageCountMismatch {
        /// The number of messages expected.
        expected: usize,
        /// The number of messages given.
        actual: usize,
    },
    /// More messages than the implementation supports.
    TooManyMessages {
        /// The number of messages given.
        actual: usize,
        /// The largest supported number.
        max: usize,
    },
    /// Too few or too many caller-supplied random scalars.
    RandomScalarCount {
        /// The number expected.
        expected: usize,
        /// The number given.
        actual: usize,
    },
    /// Signing produced an invalid signature (`SK + e = 0` or `A` the identity); this happens
    /// with negligible probability for honest inputs.
    SigningFailed,
    /// A signature or proof did not verify. Deliberately says nothing more.
    VerificationFailed,
    /// A caller-chosen blinding was given for a message that is disclosed (or given twice):
    /// only hidden messages have blindings.
    BlindingNotForHiddenMessage {
        /// The message index the blinding was given for.
        index: usize,
    },
    /// Batch verification found invalid proofs; `failed` lists their positions in the batch,
    /// ascending. The other proofs of the batch are valid.
    BatchVerificationFailed {
        /// Positions of the proofs that did not verify.
        failed: Vec<usize>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidLength {
                what,
                expected,
                actual,
            } => write!(f, "{what}: expected {expected} octets, got {actual}"),
            Error::InvalidProofLength { actual } => write!(
                f,
                "proof: expected 272 + 32*U octets (U undisclosed messages), got {actual}"
            ),
            Error::InvalidCommitmentLength { actual } => write!(
                f,
                "commitment with proof: expected 112 + 32*M octets (M committed messages), got {actual}"
            ),
            Error::InvalidNymCount { nyms, committed } => write!(
                f,
                "{nyms} nym secrets do not fit {committed} committed scalars (at least one is needed)"
            ),
            Error::BasePointPseudonym => f.write_str("pseudonym is the base point of G1"),
            Error::MalformedPoint => f.write_str("malformed point encoding (not on the curve)"),
            Error::PointNotInSubgroup => f.write_str("point is not in the prime-order subgroup"),
            Error::IdentityPoint => f.write_str("point is the identity"),
            Error::NonCanonicalScalar => f.write_str("scalar is not reduced modulo r"),
            Error::ZeroScalar => f.write_str("scalar is zero"),
            Error::ZeroSecretKey => f.write_str("secret key is zero"),
            Error::KeyMaterialTooShort { actual } => {
                write!(f, "key material must be at least 32 octets, got {actual}")
            }
            Error::KeyInfoTooLong { actual } => {
                write!(f, "key info must be at most 65535 octets, got {actual}")
            }
            Error::DstTooLong { actual } => {
                write!(
                    f,
                    "domain-separation tag must be at most 255 octets, got {actual}"
                )
            }
            Error::ExpandLengthTooLarge { requested } => {
                write!(f, "expand_message cannot produce {requested} octets")
            }
            Error::IndexOutOfRange { index, count } => {
                write!(f, "index {index} is out of range for {count} messages")
            }
            Error::DuplicateIndex { index } => write!(f, "index {index} is given more than once"),
            Error::UnsortedIndexes { index } => {
                write!(f, "indexes must be strictly ascending, but {index} is not")
            }
            Error::MessageCountMismatch { expected, actual } => {
                write!(f, "expected {expected} messages, got {actual}")
            }
            Error::TooManyMessages { actual, max } => {
                write!(f, "{actual} messages given, at most {max} are supported")
            }
            Error::RandomScalarCount { expected, actual } => {
                write!(f, "expected {expected} random scalars, got {actual}")
            }
            Error::SigningFailed => f.write_str("signing failed"),
            Error::VerificationFailed => f.write_str("verification failed"),
            Error::BlindingNotForHiddenMessage { index } => {
                write!(
                    f,
                    "message {index} is not a hidden message: it cannot take a blinding"
                )
            }
            Error::BatchVerificationFailed { failed } => {
                write!(f, "batch verification failed for proofs {failed:?}")
            }
        }
    }
}

impl std::error::Error for Error {}
