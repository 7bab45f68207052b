//! Formulas over hidden messages: AND/OR trees of atoms (ranges and set membership over a
//! message or a difference of two, equality and inequality to a public value), proven
//! under the one BBS challenge, with OR branches composed by Cramer-Damgard-Schoenmakers so
//! that the proof does not say which branch holds.
//!
//! The construction, its soundness and hiding arguments and the byte cost of every part are
//! in `docs/notes/or-proofs.md` (rendered in the [`zk`](super) module documentation).

use bls12_381::{G1Affine, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use super::error::Error;
use super::predicate::{
    self, Commitments, DigitPairings, PredicateProof, PredicateStatement, PredicateWitness,
};
use crate::bbs::octets::{
    octets_to_g1, octets_to_nonzero_scalar, octets_to_scalar, scalar_to_octets, Serializer,
    OCTET_POINT_LENGTH, OCTET_SCALAR_LENGTH,
};
use crate::bbs::{self, Ciphersuite, PreparedSignature, Proof, PublicKey};
use crate::group::{msm_ct, msm_vartime};

/// The label that opens a version 2 transcript (any formula that is not a plain AND of
/// one-message predicates, which keep the version 1 transcript byte for byte).
pub const TRANSCRIPT_LABEL_V2: &[u8] = b"HEALTHPASS_PREDICATES_V2_";

/// The `api_id` from which the Pedersen generators `G, H` of the OR links and inequality
/// proofs are made (`create_generators(2, PEDERSEN_API_ID)`, draft §4.1.1): nobody knows
/// `log_G H`.
pub const PEDERSEN_API_ID: &[u8] = b"HEALTHPASS_ZK_PEDERSEN_V1_";

/// The most nodes (atoms, ANDs and ORs) a formula may have.
pub const MAX_FORMULA_NODES: usize = 256;

/// The deepest nesting of ANDs and ORs a formula may have.
pub const MAX_FORMULA_DEPTH: usize = 8;

/// `subject = value` (when `equal`) or `subject != value`, where the subject is the hidden
/// message `message_index`, or `m_a - m_b` with `minus_index`. Any message kind: codes and
/// strings are compared as the scalars they are signed as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EqualityStatement {
    /// Index of the hidden message `m_a`.
    pub message_index: usize,
    /// Index of a hidden message `m_b` subtracted from `m_a`, if any.
    pub minus_index: Option<usize>,
    /// The public value `v`.
    pub value: Scalar,
    /// `true` for `=`, `false` for `!=`.
    pub equal: bool,
}

impl EqualityStatement {
    /// The messages the statement reads.
    pub fn message_indexes(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.message_index).chain(self.minus_index)
    }
}

/// A statement over the hidden messages of one credential: atoms combined with AND and OR.
///
/// Every node of an [`Formula::Any`] is a *branch*: it is proven under its own share of the
/// challenge, and the proof has the same size and layout whichever branch holds.
// A formula has at most MAX_FORMULA_NODES nodes: unboxed predicates keep it easy to write.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formula {
    /// A range or set-membership predicate (the digit proof of [`PredicateStatement`]).
    Predicate(PredicateStatement),
    /// `=` or `!=` to a public value.
    Equality(EqualityStatement),
    /// Every child holds (an empty list holds).
    All(Vec<Formula>),
    /// At least one child holds; the proof hides which.
    Any(Vec<Formula>),
}

/// The proof that the committed value `C = [subject - v]G + [rho]H` opens as the subject's
/// (`rho^`), and that it is not zero (`[inv]C + [sigma]H = G`: `inv^`, `sigma^`). 144 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotEqualProof {
    /// `C`, a hiding commitment to `subject - v`.
    pub commitment: G1Affine,
    /// `rho^`.
    pub rho_hat: Scalar,
    /// `inv^`, for `inv = (subject - v)^-1`.
    pub inv_hat: Scalar,
    /// `sigma^`, for `sigma = -rho * inv`.
    pub sigma_hat: Scalar,
}

/// The proof of one atom, in the formula's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtomProof {
    /// A range or membership proof.
    Predicate(PredicateProof),
    /// An equality costs no bytes: its branch's responses are tied by it.
    Equality,
    /// An inequality.
    NotEqual(NotEqualProof),
}

/// The Pedersen commitment `C_j = [m_j]G + [rho_j]H` to a hidden message that some OR
/// branch constrains, with the response `rho^_j` of its opening under the BBS challenge
/// (the opening's `m^_j` is the BBS response). 80 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkProof {
    /// `C_j`.
    pub commitment: G1Affine,
    /// `rho^_j`.
    pub rho_hat: Scalar,
}

/// One branch (a child of an OR node): its challenge share (absent for the last child,
/// whose share is what the parent's challenge leaves), one `m^` per group of messages its
/// equalities tie together (none for a group whose value they fix), and one `rho^` per
/// message it constrains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchProof {
    /// `c_b`, unless the branch is its OR's last child.
    pub share: Option<Scalar>,
    /// The responses of the branch's free message groups.
    pub m_hat: Vec<Scalar>,
    /// The responses of the openings of the branch's messages' commitments.
    pub rho_hat: Vec<Scalar>,
}

/// The proof of a formula, apart from the BBS proof it is linked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormulaProof {
    /// One per message any OR branch constrains, in ascending message order.
    pub links: Vec<LinkProof>,
    /// One per branch, in the formula's depth-first order.
    pub branches: Vec<BranchProof>,
    /// One per atom, in the formula's depth-first order.
    pub atoms: Vec<AtomProof>,
}

/// A BBS proof together with the formula proof that shares its challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedFormulaProof {
    /// The BBS proof; an ordinary draft proof whose presentation header is the transcript.
    pub bbs: Proof,
    /// The formula's proof.
    pub formula: FormulaProof,
}

/// An atom of the plan: the statement, its branch (0 is the root), and its position.
struct Atom<'a> {
    formula: &'a Formula,
    scope: usize,
}

/// Messages tied by equalities within one branch: `m_j = x_g + offset_j` for the group `g`
/// of `j`, with `x_g = 0` when the group is fixed by an equality to a value.
struct Scope {
    /// The OR node this branch belongs to (`None` for the root).
    parent: Option<usize>,
    /// The messages the branch's atoms read (the root also holds every linked message).
    attrs: Vec<usize>,
    /// The group of each message of `attrs`.
    group: Vec<usize>,
    /// `offset_j` for each message of `attrs`.
    offset: Vec<Scalar>,
    /// Per group: fixed (`x_g = 0`) or free.
    fixed: Vec<bool>,
}

impl Scope {
    fn position(&self, index: usize) -> usize {
        self.attrs.binary_search(&index).unwrap_or(0)
    }

    /// The free groups, in order of their first message.
    fn free_groups(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for &g in &self.group {
            if !self.fixed[g] && !out.contains(&g) {
                out.push(g);
            }
        }
        out
    }

    /// Ties the messages of `a - b = v` (or `a = v`), merging groups. Fails when the
    /// branch's equalities contradict each other.
    fn tie(
        &mut self,
        a: usize,
        b: Option<usize>,
        v: Scalar,
        pinned: &mut [Option<Scalar>],
    ) -> bool {
        let pa = self.position(a);
        let ga = self.group[pa];
        let Some(b) = b else {
            // x_ga + offset_a = v.
            let want = v - self.offset[pa];
            return match pinned[ga] {
                Some(w) => w == want,
                None => {
                    pinned[ga] = Some(want);
                    true
                }
            };
        };
        let pb = self.position(b);
        let gb = self.group[pb];
        if ga == gb {
            return self.offset[pa] - self.offset[pb] == v;
        }
        // m_b = m_a - v: x_gb = x_ga + shift.
        let shift = self.offset[pa] - v - self.offset[pb];
        for j in 0..self.attrs.len() {
            if self.group[j] == gb {
                self.group[j] = ga;
                self.offset[j] += shift;
            }
        }
        match (pinned[ga], pinned[gb].take()) {
            (Some(wa), Some(wb)) => wa == wb - shift,
            (None, Some(wb)) => {
                pinned[ga] = Some(wb - shift);
                true
            }
            _ => true,
        }
    }
}

/// An OR node: its branches and the branch it sits in.
struct Or {
    parent: usize,
    children: Vec<usize>,
}

/// What the prover and the verifier derive from a formula before any cryptography.
struct Plan<'a> {
    atoms: Vec<Atom<'a>>,
    scopes: Vec<Scope>,
    ors: Vec<Or>,
    /// Messages some branch constrains: each gets a Pedersen link.
    linked: Vec<usize>,
    /// Root messages whose value the root's equalities fix: they join the BBS disclosed
    /// messages, with these values.
    known: Vec<(usize, Scalar)>,
    /// A plain AND of one-message predicates: the version 1 transcript.
    v1: bool,
}

fn walk<'a>(
    node: &'a Formula,
    scope: usize,
    depth: usize,
    nodes: &mut usize,
    plan: &mut Plan<'a>,
) -> Result<(), Error> {
    *nodes += 1;
    if *nodes > MAX_FORMULA_NODES || depth > MAX_FORMULA_DEPTH {
        return Err(Error::InvalidParameters(
            "a formula has at most 256 nodes, nested at most 8 deep",
        ));
    }
    match node {
        Formula::Predicate(_) | Formula::Equality(_) => {
            plan.atoms.push(Atom {
                formula: node,
                scope,
            });
        }
        Formula::All(children) => {
            for c in children {
                walk(c, scope, depth + 1, nodes, plan)?;
            }
        }
        Formula::Any(children) => {
            if children.is_empty() {
                return Err(Error::InvalidParameters("an OR needs at least one branch"));
            }
            let or = plan.ors.len();
            plan.ors.push(Or {
                parent: scope,
                children: Vec::new(),
            });
            for c in children {
                let s = plan.scopes.len();
                plan.scopes.push(Scope {
                    parent: Some(or),
                    attrs: Vec::new(),
                    group: Vec::new(),
                    offset: Vec::new(),
                    fixed: Vec::new(),
                });
                plan.ors[or].children.push(s);
                walk(c, s, depth + 1, nodes, plan)?;
            }
        }
    }
    Ok(())
}

fn atom_indexes(f: &Formula) -> Vec<usize> {
    match f {
        Formula::Predicate(p) => p.message_indexes().collect(),
        Formula::Equality(e) => e.message_indexes().collect(),
        _ => Vec::new(),
    }
}

impl<'a> Plan<'a> {
    /// Walks the formula, checks every atom's shape and that it reads only hidden messages
    /// (`undisclosed`, when given), and ties each branch's equalities.
    fn new(formula: &'a Formula, undisclosed: Option<&[usize]>) -> Result<Self, Error> {
        let mut plan = Plan {
            atoms: Vec::new(),
            scopes: vec![Scope {
                parent: None,
                attrs: Vec::new(),
                group: Vec::new(),
                offset: Vec::new(),
                fixed: Vec::new(),
            }],
            ors: Vec::new(),
            linked: Vec::new(),
            known: Vec::new(),
            v1: true,
        };
        walk(formula, 0, 0, &mut 0, &mut plan)?;
        plan.v1 = plan.ors.is_empty()
            && plan
                .atoms
                .iter()
                .all(|a| matches!(a.formula, Formula::Predicate(p) if p.minus_index.is_none()));
        for (i, atom) in plan.atoms.iter().enumerate() {
            if let Formula::Predicate(p) = atom.formula {
                p.check_shape()?;
            }
            for index in atom_indexes(atom.formula) {
                if undisclosed.is_some_and(|u| u.binary_search(&index).is_err()) {
                    return Err(Error::BadMessageIndex {
                        predicate: i,
                        index,
                    });
                }
                plan.scopes[atom.scope].attrs.push(index);
                if atom.scope != 0 {
                    plan.linked.push(index);
                }
            }
        }
        plan.linked.sort_unstable();
        plan.linked.dedup();
        let linked = plan.linked.clone();
        plan.scopes[0].attrs.extend(linked);
        for (s, scope) in plan.scopes.iter_mut().enumerate() {
            scope.attrs.sort_unstable();
            scope.attrs.dedup();
            let n = scope.attrs.len();
            scope.group = (0..n).collect();
            scope.offset = vec![Scalar::ZERO; n];
            let mut pinned = vec![None; n];
            for atom in plan.atoms.iter().filter(|a| a.scope == s) {
                if let Formula::Equality(e) = atom.formula {
                    if e.equal && !scope.tie(e.message_index, e.minus_index, e.value, &mut pinned) {
                        return Err(Error::InvalidParameters(
                            "the equalities of one branch contradict each other",
                        ));
                    }
                }
            }
            // Fold each fixed group's value into its offsets: x_g = 0.
            for j in 0..n {
                if let Some(w) = pinned[scope.group[j]] {
                    scope.offset[j] += w;
                }
            }
            scope.fixed = pinned.iter().map(Option::is_some).collect();
        }
        let root = &plan.scopes[0];
        plan.known = (0..root.attrs.len())
            .filter(|&j| root.fixed[root.group[j]])
            .map(|j| (root.attrs[j], root.offset[j]))
            .collect();
        Ok(plan)
    }

    fn scope_atoms(&self, s: usize) -> impl Iterator<Item = (usize, &Atom<'a>)> {
        self.atoms
            .iter()
            .enumerate()
            .filter(move |(_, a)| a.scope == s)
    }

    /// The encoded proof length: 80 per link; per branch 32 for its share (all but each
    /// OR's last), 32 per free group, 32 per message; per atom its own.
    fn encoded_len(&self) -> usize {
        let link = OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH;
        let mut n = self.linked.len() * link;
        for (s, scope) in self.scopes.iter().enumerate().skip(1) {
            n += OCTET_SCALAR_LENGTH
                * (usize::from(!self.is_last(s)) + scope.free_groups().len() + scope.attrs.len());
        }
        for a in &self.atoms {
            n += match a.formula {
                Formula::Predicate(p) => PredicateProof::encoded_len(p.digit_count),
                Formula::Equality(e) if e.equal => 0,
                _ => OCTET_POINT_LENGTH + 3 * OCTET_SCALAR_LENGTH,
            };
        }
        n
    }

    fn is_last(&self, s: usize) -> bool {
        self.scopes[s]
            .parent
            .is_some_and(|o| self.ors[o].children.last() == Some(&s))
    }

    /// The disclosed indexes and messages BBS sees: the caller's and the known ones.
    fn bbs_disclosed(&self, disclosed: &[usize], messages: &[Scalar]) -> (Vec<usize>, Vec<Scalar>) {
        let mut all: Vec<(usize, Scalar)> = disclosed
            .iter()
            .copied()
            .zip(messages.iter().copied())
            .collect();
        all.extend(self.known.iter().copied());
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().unzip()
    }
}

/// Appends the formula's public statement to the transcript: `"&"` or `"|"` with the child
/// count for AND and OR, `"P"` and the predicate's parameters, `"="` or `"!"` with
/// `I2OSP(a, 8) || I2OSP(b + 1, 8) || v` (b + 1 = 0 when there is no second message).
fn serialize_formula(f: &Formula, s: &mut Serializer) {
    match f {
        Formula::All(c) | Formula::Any(c) => {
            s.raw(if matches!(f, Formula::All(_)) {
                b"&"
            } else {
                b"|"
            })
            .integer(c.len());
            for child in c {
                serialize_formula(child, s);
            }
        }
        Formula::Predicate(p) => {
            s.raw(b"P");
            p.serialize(s, true);
        }
        Formula::Equality(e) => {
            s.raw(if e.equal { b"=" } else { b"!" })
                .integer(e.message_index)
                .integer(e.minus_index.map_or(0, |i| i + 1))
                .scalar(&e.value);
        }
    }
}

/// The first-round elements of one atom.
#[allow(clippy::large_enum_variant)]
enum AtomCommitments {
    Predicate(Commitments),
    Equality,
    NotEqual {
        c: G1Affine,
        t_c: G1Affine,
        t_n: G1Affine,
    },
}

/// Every first-round element, in transcript order.
struct FirstRound {
    /// `(C_j, T_j)` per linked message.
    links: Vec<(G1Affine, G1Affine)>,
    /// Per branch (root excluded), `T` per message.
    branches: Vec<Vec<G1Affine>>,
    atoms: Vec<AtomCommitments>,
}

/// The transcript, the BBS presentation header: version 1 for a plain AND of one-message
/// predicates (`docs/notes/predicates.md`), otherwise
/// `"HEALTHPASS_PREDICATES_V2_" || I2OSP(len(context), 8) || context || formula || first
/// round` (`docs/notes/or-proofs.md`).
fn transcript(context: &[u8], formula: &Formula, plan: &Plan, first: &FirstRound) -> Vec<u8> {
    if plan.v1 {
        let statements: Vec<&PredicateStatement> = plan
            .atoms
            .iter()
            .filter_map(|a| match a.formula {
                Formula::Predicate(p) => Some(p),
                _ => None,
            })
            .collect();
        let commitments: Vec<&Commitments> = first
            .atoms
            .iter()
            .filter_map(|a| match a {
                AtomCommitments::Predicate(c) => Some(c),
                _ => None,
            })
            .collect();
        return predicate::transcript_v1(context, &statements, &commitments);
    }
    let mut s = Serializer::new();
    s.raw(TRANSCRIPT_LABEL_V2).length_prefixed(context);
    serialize_formula(formula, &mut s);
    for (index, (c, t)) in plan.linked.iter().zip(&first.links) {
        s.integer(*index).point(c).point(t);
    }
    for ts in &first.branches {
        for t in ts {
            s.point(t);
        }
    }
    for a in &first.atoms {
        match a {
            AtomCommitments::Predicate(c) => c.serialize(&mut s),
            AtomCommitments::Equality => {}
            AtomCommitments::NotEqual { c, t_c, t_n } => {
                s.point(c).point(t_c).point(t_n);
            }
        }
    }
    s.as_bytes().to_vec()
}

/// The Pedersen generators `(G, H)`.
pub(crate) fn pedersen<C: Ciphersuite>() -> Result<(G1Affine, G1Affine), Error> {
    let g = bbs::create_generators::<C>(2, PEDERSEN_API_ID)?;
    Ok((g[0], g[1]))
}

/// How the prover behaves (always honestly outside the crate's own tests).
#[derive(Clone, Copy)]
pub(crate) enum Prover {
    /// Refuses false statements.
    Honest,
    /// Test only: proves whatever it is asked, treating every atom as true (and, for
    /// predicates, commits to this lowest digit or element with this signature).
    #[cfg(test)]
    Cheating(Option<Scalar>, Option<G1Affine>),
    /// Test only, deliberately broken: each branch reuses the BBS blinding of its messages
    /// instead of drawing its own, so a message is answered under two challenges with one
    /// blinding.
    #[cfg(test)]
    ReuseBlindings,
}

/// An inequality's secrets between commitment and response.
struct NotEqualWitness {
    c: G1Affine,
    rho: Scalar,
    inv: Scalar,
    sigma: Scalar,
    rho_tilde: Scalar,
    inv_tilde: Scalar,
    sigma_tilde: Scalar,
}

impl Drop for NotEqualWitness {
    fn drop(&mut self) {
        self.rho.zeroize();
        self.inv.zeroize();
        self.sigma.zeroize();
        self.rho_tilde.zeroize();
        self.inv_tilde.zeroize();
        self.sigma_tilde.zeroize();
    }
}

enum AtomWitness {
    Predicate(PredicateWitness),
    Equality,
    NotEqual(NotEqualWitness),
}

/// A list of secret scalars that is wiped when dropped.
#[derive(Default)]
struct Secrets(Vec<Scalar>);

impl Drop for Secrets {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The subject `m_a - m_b` (or `m_a`) from per-message values of one branch.
fn subject(values: &[Scalar], scope: &Scope, a: usize, b: Option<usize>) -> Scalar {
    let mut s = values[scope.position(a)];
    if let Some(b) = b {
        s -= values[scope.position(b)];
    }
    s
}

/// Proves knowledge of the prepared signature, discloses the messages at
/// `disclosed_indexes`, and proves `formula` over the hidden messages, all under one
/// challenge bound to `context`.
///
/// Fails with [`Error::NotSatisfied`] (naming the first atom, in depth-first order, of the
/// first part of the formula that fails) when the formula does not hold, and with
/// [`Error::OutOfSpan`] when a required range holds but its digits cannot express it. The
/// parameter sets are not checked here; call [`SignedSet::check`](super::SignedSet::check)
/// on each first.
///
/// # Security
/// Constant time in the messages, blindings, digits and in which OR branches hold: proven
/// and simulated branches run the same operations (`docs/notes/or-proofs.md` lists the
/// exceptions: the base-`u` split of a range's difference).
pub fn prove_formula<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    formula: &Formula,
    context: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<LinkedFormulaProof, Error> {
    prove_inner(
        prepared,
        disclosed_indexes,
        formula,
        context,
        rng,
        Prover::Honest,
    )
}

pub(crate) fn prove_inner<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    formula: &Formula,
    context: &[u8],
    rng: &mut impl CryptoRng,
    prover: Prover,
) -> Result<LinkedFormulaProof, Error> {
    prove_with_blindings(
        prepared,
        disclosed_indexes,
        formula,
        context,
        &[],
        rng,
        prover,
    )
}

/// [`prove_formula`] with the caller's BBS blindings `m~` for some hidden messages that the
/// formula does not read (`(index, m~)`), for extensions that prove more about those
/// messages under the same challenge (a holder-secret link, a pseudonym): the caller puts
/// its first-round points in `context`.
#[allow(clippy::too_many_lines)]
pub(crate) fn prove_with_blindings<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    formula: &Formula,
    context: &[u8],
    extra_blindings: &[(usize, Scalar)],
    rng: &mut impl CryptoRng,
    prover: Prover,
) -> Result<LinkedFormulaProof, Error> {
    let count = prepared.message_count();
    let disclosed = bbs::check_indexes(disclosed_indexes, count)?;
    let undisclosed = super::complement(&disclosed, count);
    let plan = Plan::new(formula, Some(&undisclosed))?;
    let (g, h) = pedersen::<C>()?;
    let message = |i: usize| prepared.message(i).copied().unwrap_or(Scalar::ZERO);
    #[cfg(test)]
    let cheating = !matches!(prover, Prover::Honest);
    #[cfg(not(test))]
    let cheating = {
        let _ = prover;
        false
    };

    // 1. Every atom's witness and whether it holds (the same work either way).
    let mut digits = Vec::with_capacity(plan.atoms.len());
    let mut holds = Vec::with_capacity(plan.atoms.len());
    for atom in &plan.atoms {
        let (d, h) = match atom.formula {
            Formula::Predicate(p) => {
                let mut s = message(p.message_index);
                if let Some(b) = p.minus_index {
                    s -= message(b);
                }
                let mut delta = s - p.offset;
                if p.negate {
                    delta = -delta;
                }
                s.zeroize();
                let d = predicate::digits(p, &delta);
                delta.zeroize();
                #[cfg_attr(not(test), allow(unused_mut))]
                let mut d = d?;
                #[cfg(test)]
                if let Prover::Cheating(element, signature) = prover {
                    predicate::cheat(p, &mut d, element, signature);
                }
                let h = d.holds;
                (Some(d), h)
            }
            Formula::Equality(e) => {
                let mut s = message(e.message_index);
                if let Some(b) = e.minus_index {
                    s -= message(b);
                }
                let eq = s.ct_eq(&e.value);
                s.zeroize();
                (None, if e.equal { eq } else { !eq })
            }
            _ => (None, Choice::from(0)),
        };
        digits.push(d);
        holds.push(if cheating { Choice::from(1) } else { h });
    }
    // 2. Which branches hold: atoms, then ORs bottom-up (nested ORs come after their parents).
    let mut scope_true = vec![Choice::from(1); plan.scopes.len()];
    for (a, atom) in plan.atoms.iter().enumerate() {
        scope_true[atom.scope] &= holds[a];
    }
    let mut or_true = vec![Choice::from(0); plan.ors.len()];
    for (o, or) in plan.ors.iter().enumerate().rev() {
        for &c in &or.children {
            or_true[o] |= scope_true[c];
        }
        scope_true[or.parent] &= or_true[o];
    }
    if !bool::from(scope_true[0]) {
        // The holder refuses; this path is not secret.
        for (a, _) in plan.scope_atoms(0) {
            if !bool::from(holds[a]) {
                return Err(match &digits[a] {
                    Some(d) => d.refusal(a).unwrap_or(Error::NotSatisfied { predicate: a }),
                    None => Error::NotSatisfied { predicate: a },
                });
            }
        }
        let first_atom_under = |o: usize| {
            let mut inside = vec![false; plan.scopes.len()];
            for (s, scope) in plan.scopes.iter().enumerate() {
                inside[s] = match scope.parent {
                    Some(p) => p == o || inside[plan.ors[p].parent],
                    None => false,
                };
            }
            plan.atoms.iter().position(|a| inside[a.scope]).unwrap_or(0)
        };
        let o = (0..plan.ors.len())
            .find(|&o| plan.ors[o].parent == 0 && !bool::from(or_true[o]))
            .unwrap_or(0);
        return Err(Error::NotSatisfied {
            predicate: first_atom_under(o),
        });
    }
    // 3. Top-down: the proven branch of each OR (the first that holds, if its parent is
    // proven), and the simulation challenge `e` of every branch (zero when proven, its
    // challenge share when simulated; a simulated parent's last child takes what the
    // others leave). Constant time in which branches hold.
    let mut real = vec![Choice::from(1); plan.scopes.len()];
    let mut e = Secrets(vec![Scalar::ZERO; plan.scopes.len()]);
    let mut fixer = vec![Choice::from(0); plan.scopes.len()];
    for or in &plan.ors {
        let p = or.parent;
        let r = Secrets(
            or.children
                .iter()
                .map(|_| predicate::random_scalar(rng))
                .collect(),
        );
        let total: Scalar = r.0.iter().sum();
        let mut taken = Choice::from(0);
        for (i, &c) in or.children.iter().enumerate() {
            let chosen = real[p] & scope_true[c] & !taken;
            taken |= chosen;
            let last = Choice::from(u8::from(i + 1 == or.children.len()));
            fixer[c] = chosen | (!real[p] & last);
            let fill =
                Scalar::conditional_select(&(e.0[p] - (total - r.0[i])), &Scalar::ZERO, real[p]);
            e.0[c] = Scalar::conditional_select(&r.0[i], &fill, fixer[c]);
            real[c] = chosen;
        }
    }
    // 4. Blindings: per branch, one random `r_g` per free group, and for every message
    // `m~_j = r_g + e * offset_j` (zero for a fixed group when proven). The root's are the
    // BBS blindings; its fixed messages join the disclosed ones.
    let mut m_tilde: Vec<Secrets> = Vec::with_capacity(plan.scopes.len());
    let mut values: Vec<Secrets> = Vec::with_capacity(plan.scopes.len());
    for (s, scope) in plan.scopes.iter().enumerate() {
        let r = Secrets(
            scope
                .fixed
                .iter()
                .map(|&f| {
                    if f {
                        Scalar::ZERO
                    } else {
                        predicate::random_scalar(rng)
                    }
                })
                .collect(),
        );
        let mut mt = Secrets(Vec::with_capacity(scope.attrs.len()));
        for j in 0..scope.attrs.len() {
            #[cfg_attr(not(test), allow(unused_mut))]
            let mut blinding = r.0[scope.group[j]] + e.0[s] * scope.offset[j];
            #[cfg(test)]
            if s != 0 && matches!(prover, Prover::ReuseBlindings) {
                blinding = m_tilde[0].0[plan.scopes[0].position(scope.attrs[j])];
            }
            mt.0.push(blinding);
            blinding.zeroize();
        }
        m_tilde.push(mt);
        values.push(Secrets(scope.attrs.iter().map(|&i| message(i)).collect()));
    }
    let root = &plan.scopes[0];
    let known: Vec<usize> = plan.known.iter().map(|(i, _)| *i).collect();
    let blindings: Vec<(usize, Scalar)> = root
        .attrs
        .iter()
        .zip(&m_tilde[0].0)
        .filter(|(i, _)| !known.contains(i))
        .map(|(&i, &b)| (i, b))
        .chain(extra_blindings.iter().copied())
        .collect();
    let mut bbs_disclosed = disclosed.clone();
    bbs_disclosed.extend(&known);
    bbs_disclosed.sort_unstable();
    let init = prepared.proof_init_with_rng(&bbs_disclosed, &blindings, rng);
    let mut blindings = blindings;
    for (_, b) in blindings.iter_mut() {
        b.zeroize();
    }
    let init = init?;
    // 5. Links: `C_j = [m_j]G + [rho_j]H`, opened under the BBS challenge with the BBS
    // blinding of `m_j`.
    let link_rho = Secrets(
        plan.linked
            .iter()
            .map(|_| predicate::random_scalar(rng))
            .collect(),
    );
    let link_rho_tilde = Secrets(
        plan.linked
            .iter()
            .map(|_| predicate::random_scalar(rng))
            .collect(),
    );
    let mut links = Vec::with_capacity(plan.linked.len());
    for (l, &index) in plan.linked.iter().enumerate() {
        let c = msm_ct(&[g, h], &[message(index), link_rho.0[l]]).to_affine();
        let t = msm_ct(
            &[g, h],
            &[m_tilde[0].0[root.position(index)], link_rho_tilde.0[l]],
        )
        .to_affine();
        links.push((c, t));
    }
    let link_of = |index: usize| plan.linked.binary_search(&index).unwrap_or(0);
    // 6. Each branch's openings of its messages' commitments:
    // `T = [m~]G + [rho~]H - [e]C_j`.
    let mut branch_rho_tilde: Vec<Secrets> = Vec::with_capacity(plan.scopes.len());
    let mut branch_t = Vec::with_capacity(plan.scopes.len());
    for (s, scope) in plan.scopes.iter().enumerate().skip(1) {
        let rt = Secrets(
            scope
                .attrs
                .iter()
                .map(|_| predicate::random_scalar(rng))
                .collect(),
        );
        let ts: Vec<G1Affine> = scope
            .attrs
            .iter()
            .enumerate()
            .map(|(j, &index)| {
                msm_ct(
                    &[g, h, links[link_of(index)].0],
                    &[m_tilde[s].0[j], rt.0[j], -e.0[s]],
                )
                .to_affine()
            })
            .collect();
        branch_rho_tilde.push(rt);
        branch_t.push(ts);
    }
    // 7. The atoms.
    let mut witnesses = Vec::with_capacity(plan.atoms.len());
    for (atom, d) in plan.atoms.iter().zip(digits) {
        let s = atom.scope;
        let scope = &plan.scopes[s];
        let w = match (atom.formula, d) {
            (Formula::Predicate(p), Some(d)) => {
                let mut st = subject(&m_tilde[s].0, scope, p.message_index, p.minus_index);
                let w = predicate::commit(p, d, &st, &e.0[s], rng);
                st.zeroize();
                AtomWitness::Predicate(w)
            }
            (Formula::Equality(eq), _) if !eq.equal => {
                let mut delta =
                    subject(&values[s].0, scope, eq.message_index, eq.minus_index) - eq.value;
                let mut st = subject(&m_tilde[s].0, scope, eq.message_index, eq.minus_index);
                let rho = predicate::random_scalar(rng);
                let inv = delta.invert().unwrap_or(Scalar::ZERO);
                let c = msm_ct(&[g, h], &[delta, rho]).to_affine();
                delta.zeroize();
                let w = NotEqualWitness {
                    c,
                    rho,
                    inv,
                    sigma: -(rho * inv),
                    rho_tilde: predicate::random_scalar(rng),
                    inv_tilde: predicate::random_scalar(rng),
                    sigma_tilde: predicate::random_scalar(rng),
                };
                st -= e.0[s] * eq.value;
                let t_c = msm_ct(&[g, h, c], &[st, w.rho_tilde, -e.0[s]]).to_affine();
                st.zeroize();
                let t_n = msm_ct(&[c, h, g], &[w.inv_tilde, w.sigma_tilde, -e.0[s]]).to_affine();
                witnesses.push((AtomWitness::NotEqual(w), Some((t_c, t_n))));
                continue;
            }
            _ => AtomWitness::Equality,
        };
        witnesses.push((w, None));
    }
    let first = FirstRound {
        links: links.clone(),
        branches: branch_t,
        atoms: witnesses
            .iter()
            .map(|(w, t)| match (w, t) {
                (AtomWitness::Predicate(w), _) => AtomCommitments::Predicate(w.commitments()),
                (AtomWitness::NotEqual(w), Some((t_c, t_n))) => AtomCommitments::NotEqual {
                    c: w.c,
                    t_c: *t_c,
                    t_n: *t_n,
                },
                _ => AtomCommitments::Equality,
            })
            .collect(),
    };
    let ph = transcript(context, formula, &plan, &first);
    let c = prepared.proof_challenge(&init, &bbs_disclosed, &ph)?;
    let bbs_proof = init.finalize(&c)?;
    // 8. Challenges top-down: the fixing child of each OR takes what the others leave;
    // `k` (the multiplier of the witness) is the challenge when proven, zero when simulated.
    let mut ch = vec![Scalar::ZERO; plan.scopes.len()];
    ch[0] = c;
    for or in &plan.ors {
        let total: Scalar = or.children.iter().map(|&s| e.0[s]).sum();
        for &s in &or.children {
            let rest = ch[or.parent] - (total - e.0[s]);
            ch[s] = Scalar::conditional_select(&e.0[s], &rest, fixer[s]);
        }
    }
    let k = Secrets(
        (0..plan.scopes.len())
            .map(|s| Scalar::conditional_select(&Scalar::ZERO, &ch[s], real[s]))
            .collect(),
    );
    // 9. Responses.
    let link_proofs = links
        .iter()
        .enumerate()
        .map(|(l, (commitment, _))| LinkProof {
            commitment: *commitment,
            rho_hat: link_rho_tilde.0[l] + c * link_rho.0[l],
        })
        .collect();
    let mut branches = Vec::with_capacity(plan.scopes.len() - 1);
    for (s, scope) in plan.scopes.iter().enumerate().skip(1) {
        let m_hat = scope
            .free_groups()
            .into_iter()
            .map(|grp| {
                let j = scope.group.iter().position(|&x| x == grp).unwrap_or(0);
                // base = r_g + k * x_g = m^_j - c_b * offset_j.
                m_tilde[s].0[j] + k.0[s] * values[s].0[j] - ch[s] * scope.offset[j]
            })
            .collect();
        let rho_hat = scope
            .attrs
            .iter()
            .enumerate()
            .map(|(j, &index)| branch_rho_tilde[s - 1].0[j] + k.0[s] * link_rho.0[link_of(index)])
            .collect();
        branches.push(BranchProof {
            share: (!plan.is_last(s)).then_some(ch[s]),
            m_hat,
            rho_hat,
        });
    }
    let atoms = witnesses
        .iter()
        .zip(&plan.atoms)
        .map(|((w, _), atom)| {
            let k = &k.0[atom.scope];
            match w {
                AtomWitness::Predicate(w) => AtomProof::Predicate(w.respond(k)),
                AtomWitness::Equality => AtomProof::Equality,
                AtomWitness::NotEqual(w) => AtomProof::NotEqual(NotEqualProof {
                    commitment: w.c,
                    rho_hat: w.rho_tilde + k * w.rho,
                    inv_hat: w.inv_tilde + k * w.inv,
                    sigma_hat: w.sigma_tilde + k * w.sigma,
                }),
            }
        })
        .collect();
    Ok(LinkedFormulaProof {
        bbs: bbs_proof,
        formula: FormulaProof {
            links: link_proofs,
            branches,
            atoms,
        },
    })
}

/// Verifies a [`LinkedFormulaProof`]: derives every branch's challenge from the shares,
/// every message's response in every branch, recomputes every first-round element, rebuilds
/// the transcript (the BBS presentation header), verifies the BBS proof (with the messages
/// the root's equalities fix as known messages), and checks every digit's pairing equation
/// in one batched pairing product (`rng` draws the batching weights).
#[allow(clippy::too_many_arguments)]
pub fn verify_formula<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &LinkedFormulaProof,
    generators: &bbs::Generators,
    header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    formula: &Formula,
    context: &[u8],
    api_id: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    let (bbs_check, pairs) = verify_formula_parts::<C>(
        proof,
        generators.message_count(),
        disclosed_messages,
        disclosed_indexes,
        formula,
        context,
    )?;
    bbs::core_proof_verify::<C>(
        pk,
        &proof.bbs,
        generators,
        header,
        &bbs_check.presentation_header,
        &bbs_check.disclosed_messages,
        &bbs_check.disclosed_indexes,
        api_id,
    )?;
    predicate::check_pairings(&pairs, rng)
}

/// What [`verify_formula_deferred`] leaves to the caller: the BBS proof's check (draft
/// §3.6.4 CoreProofVerify) with these inputs, and the digits' pairing equations; both can
/// be checked in a batch with other proofs' ([`bbs::core_batch_proof_verify`],
/// [`DigitPairings::check_many`]).
#[derive(Clone, Debug)]
pub struct DeferredChecks {
    /// The BBS presentation header: the transcript of the formula's first round and
    /// context.
    pub presentation_header: Vec<u8>,
    /// The messages the BBS proof discloses (the presentation's disclosed messages and the
    /// known messages the root's equalities fix), paired with `disclosed_indexes`.
    pub disclosed_messages: Vec<Scalar>,
    /// Their indexes, sorted.
    pub disclosed_indexes: Vec<usize>,
    /// The pairing equations of every predicate's digits.
    pub digit_pairings: DigitPairings,
}

/// [`verify_formula`] without its two closing checks: every step but CoreProofVerify and
/// the digits' pairing equations, returning those checks' inputs. The proof is valid when
/// this returns `Ok`, `bbs::core_proof_verify(pk, &proof.bbs, generators, header,
/// &checks.presentation_header, &checks.disclosed_messages, &checks.disclosed_indexes,
/// api_id)` succeeds and `checks.digit_pairings` hold (each alone or in a batch).
pub fn verify_formula_deferred<C: Ciphersuite>(
    proof: &LinkedFormulaProof,
    message_count: usize,
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    formula: &Formula,
    context: &[u8],
) -> Result<DeferredChecks, Error> {
    let (checks, pairs) = verify_formula_parts::<C>(
        proof,
        message_count,
        disclosed_messages,
        disclosed_indexes,
        formula,
        context,
    )?;
    Ok(DeferredChecks {
        digit_pairings: DigitPairings::of(&pairs),
        ..checks
    })
}

/// The work of [`verify_formula`] before its two closing checks: the BBS proof's inputs and
/// the digits whose pairing equations remain to be checked.
type Parts<'a> = (
    DeferredChecks,
    Vec<(&'a PredicateStatement, &'a PredicateProof)>,
);

#[allow(clippy::too_many_lines)]
fn verify_formula_parts<'a, C: Ciphersuite>(
    proof: &'a LinkedFormulaProof,
    l: usize,
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    formula: &'a Formula,
    context: &[u8],
) -> Result<Parts<'a>, Error> {
    let (indexes, messages) = bbs::sort_disclosed(disclosed_indexes, disclosed_messages)?;
    let indexes = bbs::check_indexes(&indexes, l)?;
    let undisclosed = super::complement(&indexes, l);
    let plan = Plan::new(formula, Some(&undisclosed))?;
    let fp = &proof.formula;
    let shape = |predicate| Error::WrongShape { predicate };
    if fp.links.len() != plan.linked.len()
        || fp.branches.len() + 1 != plan.scopes.len()
        || fp.atoms.len() != plan.atoms.len()
    {
        return Err(shape(0));
    }
    let (bbs_indexes, bbs_messages) = plan.bbs_disclosed(&indexes, &messages);
    let bbs_indexes = bbs::check_indexes(&bbs_indexes, l)?;
    let hidden = super::complement(&bbs_indexes, l);
    if hidden.len() != proof.bbs.undisclosed_count() {
        return Err(Error::VerificationFailed);
    }
    let (g, h) = pedersen::<C>()?;
    let c = *proof.bbs.challenge();
    // Challenges: shares, the last child of each OR takes the rest.
    let mut ch = vec![Scalar::ZERO; plan.scopes.len()];
    ch[0] = c;
    for (s, b) in fp.branches.iter().enumerate() {
        let s = s + 1;
        let scope = &plan.scopes[s];
        if b.share.is_some() == plan.is_last(s)
            || b.m_hat.len() != scope.free_groups().len()
            || b.rho_hat.len() != scope.attrs.len()
        {
            return Err(shape(0));
        }
    }
    for or in &plan.ors {
        let mut rest = ch[or.parent];
        for &s in &or.children {
            if let Some(share) = fp.branches[s - 1].share {
                ch[s] = share;
                rest -= share;
            } else {
                ch[s] = rest;
            }
        }
    }
    // Responses per branch and message: the root's from BBS (known messages: c * value),
    // tied by the root's equalities; a branch's from its groups.
    let mut responses: Vec<Vec<Scalar>> = Vec::with_capacity(plan.scopes.len());
    let root = &plan.scopes[0];
    let mut root_hat = Vec::with_capacity(root.attrs.len());
    for (j, &index) in root.attrs.iter().enumerate() {
        root_hat.push(if root.fixed[root.group[j]] {
            c * root.offset[j]
        } else {
            let p = hidden
                .binary_search(&index)
                .map_err(|_| Error::VerificationFailed)?;
            proof.bbs.m_hat()[p]
        });
    }
    for j in 0..root.attrs.len() {
        let g0 = root.group[j];
        if root.fixed[g0] {
            continue;
        }
        let first = root.group.iter().position(|&x| x == g0).unwrap_or(j);
        if root_hat[j] - c * root.offset[j] != root_hat[first] - c * root.offset[first] {
            return Err(Error::VerificationFailed);
        }
    }
    responses.push(root_hat);
    for (s, scope) in plan.scopes.iter().enumerate().skip(1) {
        let free = scope.free_groups();
        let b = &fp.branches[s - 1];
        responses.push(
            (0..scope.attrs.len())
                .map(|j| {
                    let base = free
                        .iter()
                        .position(|&x| x == scope.group[j])
                        .map_or(Scalar::ZERO, |p| b.m_hat[p]);
                    base + ch[s] * scope.offset[j]
                })
                .collect(),
        );
    }
    // First-round elements.
    let mut links = Vec::with_capacity(plan.linked.len());
    for (lp, &index) in fp.links.iter().zip(&plan.linked) {
        if bool::from(lp.commitment.is_identity()) {
            return Err(Error::VerificationFailed);
        }
        let m = responses[0][root.position(index)];
        let t = msm_vartime(&[g, h, lp.commitment], &[m, lp.rho_hat, -c]).to_affine();
        links.push((lp.commitment, t));
    }
    let link_of = |index: usize| plan.linked.binary_search(&index).unwrap_or(0);
    let mut branch_t = Vec::with_capacity(fp.branches.len());
    for (s, scope) in plan.scopes.iter().enumerate().skip(1) {
        let b = &fp.branches[s - 1];
        branch_t.push(
            scope
                .attrs
                .iter()
                .enumerate()
                .map(|(j, &index)| {
                    msm_vartime(
                        &[g, h, links[link_of(index)].0],
                        &[responses[s][j], b.rho_hat[j], -ch[s]],
                    )
                    .to_affine()
                })
                .collect(),
        );
    }
    let mut atoms = Vec::with_capacity(plan.atoms.len());
    let mut pairs = Vec::new();
    for (i, (atom, ap)) in plan.atoms.iter().zip(&fp.atoms).enumerate() {
        let s = atom.scope;
        let scope = &plan.scopes[s];
        atoms.push(match (atom.formula, ap) {
            (Formula::Predicate(p), AtomProof::Predicate(pp)) => {
                let sh = subject(&responses[s], scope, p.message_index, p.minus_index);
                pairs.push((p, pp));
                AtomCommitments::Predicate(predicate::recompute(i, p, pp, &sh, &ch[s])?)
            }
            (Formula::Equality(e), AtomProof::Equality) if e.equal => AtomCommitments::Equality,
            (Formula::Equality(e), AtomProof::NotEqual(np)) if !e.equal => {
                if bool::from(np.commitment.is_identity()) {
                    return Err(Error::VerificationFailed);
                }
                let sh = subject(&responses[s], scope, e.message_index, e.minus_index);
                let t_c = msm_vartime(
                    &[g, h, np.commitment],
                    &[sh - ch[s] * e.value, np.rho_hat, -ch[s]],
                )
                .to_affine();
                let t_n = msm_vartime(&[np.commitment, h, g], &[np.inv_hat, np.sigma_hat, -ch[s]])
                    .to_affine();
                AtomCommitments::NotEqual {
                    c: np.commitment,
                    t_c,
                    t_n,
                }
            }
            _ => return Err(shape(i)),
        });
    }
    let first = FirstRound {
        links,
        branches: branch_t,
        atoms,
    };
    let presentation_header = transcript(context, formula, &plan, &first);
    Ok((
        DeferredChecks {
            presentation_header,
            disclosed_messages: bbs_messages,
            disclosed_indexes: bbs_indexes,
            digit_pairings: DigitPairings::default(),
        },
        pairs,
    ))
}

impl Formula {
    /// The messages whose value the root's equalities fix (`m = v`, or chains of
    /// `m_a - m_b = v` ending in one), with those values: they are *known* messages of the
    /// BBS proof (treated as disclosed by BBS, proven rather than disclosed by the
    /// presentation), so the BBS proof has that many fewer hidden messages. A layer that
    /// checks the BBS proof's length must count them.
    pub fn known_messages(&self) -> Result<Vec<(usize, Scalar)>, Error> {
        Ok(Plan::new(self, None)?.known)
    }
}

impl FormulaProof {
    /// The encoded length of a proof of `formula` (it depends on the formula only, never on
    /// which branch holds): 80 bytes per linked message; per branch 32 for its share (all but
    /// each OR's last child), 32 per free group of messages, 32 per message; per atom, a
    /// range or set its [`PredicateProof::encoded_len`], an equality 0, an inequality 144.
    pub fn encoded_len(formula: &Formula) -> Result<usize, Error> {
        Ok(Plan::new(formula, None)?.encoded_len())
    }

    /// `links (C || rho^) || branches (share? || m^... || rho^...) || atoms`, with a range
    /// or set as [`PredicateProof::to_bytes`] and an inequality as
    /// `C || rho^ || inv^ || sigma^`. A plain AND of predicates is their proofs, concatenated.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for l in &self.links {
            out.extend_from_slice(&l.commitment.to_compressed());
            out.extend_from_slice(&scalar_to_octets(&l.rho_hat));
        }
        for b in &self.branches {
            for s in b.share.iter().chain(&b.m_hat).chain(&b.rho_hat) {
                out.extend_from_slice(&scalar_to_octets(s));
            }
        }
        for a in &self.atoms {
            match a {
                AtomProof::Predicate(p) => out.extend(p.to_bytes()),
                AtomProof::Equality => {}
                AtomProof::NotEqual(n) => {
                    out.extend_from_slice(&n.commitment.to_compressed());
                    for s in [&n.rho_hat, &n.inv_hat, &n.sigma_hat] {
                        out.extend_from_slice(&scalar_to_octets(s));
                    }
                }
            }
        }
        out
    }

    /// Decodes a proof of `formula`: exact length, subgroup points that are not the
    /// identity, canonical scalars (non-zero where a zero could only come from a forger: the
    /// shares and the responses of links and branches may be zero).
    pub fn from_bytes(bytes: &[u8], formula: &Formula) -> Result<Self, Error> {
        let plan = Plan::new(formula, None)?;
        let expected = plan.encoded_len();
        if bytes.len() != expected {
            return Err(Error::Malformed(bbs::Error::InvalidLength {
                what: "formula proof",
                expected,
                actual: bytes.len(),
            }));
        }
        let mut rest = bytes;
        let mut take = |n: usize| {
            let (head, tail) = rest.split_at(n);
            rest = tail;
            head
        };
        let m = Error::Malformed;
        let mut links = Vec::with_capacity(plan.linked.len());
        for _ in &plan.linked {
            links.push(LinkProof {
                commitment: octets_to_g1(take(OCTET_POINT_LENGTH)).map_err(m)?,
                rho_hat: octets_to_scalar(take(OCTET_SCALAR_LENGTH)).map_err(m)?,
            });
        }
        let mut branches = Vec::with_capacity(plan.scopes.len() - 1);
        for (s, scope) in plan.scopes.iter().enumerate().skip(1) {
            let mut scalars = |n: usize| {
                (0..n)
                    .map(|_| octets_to_scalar(take(OCTET_SCALAR_LENGTH)).map_err(m))
                    .collect::<Result<Vec<_>, _>>()
            };
            let share = scalars(usize::from(!plan.is_last(s)))?.pop();
            let m_hat = scalars(scope.free_groups().len())?;
            let rho_hat = scalars(scope.attrs.len())?;
            branches.push(BranchProof {
                share,
                m_hat,
                rho_hat,
            });
        }
        let mut atoms = Vec::with_capacity(plan.atoms.len());
        for a in &plan.atoms {
            atoms.push(match a.formula {
                Formula::Predicate(p) => AtomProof::Predicate(PredicateProof::from_bytes(
                    take(PredicateProof::encoded_len(p.digit_count)),
                    p.digit_count,
                )?),
                Formula::Equality(e) if e.equal => AtomProof::Equality,
                _ => AtomProof::NotEqual(NotEqualProof {
                    commitment: octets_to_g1(take(OCTET_POINT_LENGTH)).map_err(m)?,
                    rho_hat: octets_to_nonzero_scalar(take(OCTET_SCALAR_LENGTH)).map_err(m)?,
                    inv_hat: octets_to_nonzero_scalar(take(OCTET_SCALAR_LENGTH)).map_err(m)?,
                    sigma_hat: octets_to_nonzero_scalar(take(OCTET_SCALAR_LENGTH)).map_err(m)?,
                }),
            });
        }
        Ok(Self {
            links,
            branches,
            atoms,
        })
    }
}
