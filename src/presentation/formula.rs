//! What one presented credential proves, as one `zk` formula: the validity statements and
//! the policy's statements over hidden attributes, with every choice the credential type
//! does not reveal (two alternatives of one type, an `any_of` inside an alternative) an OR
//! whose proof hides the branch that holds (`zk::formula`, `docs/notes/or-proofs.md`).
//!
//! The holder and the verifier build the same formula from public information only: the
//! request, the presented type (and branch, when the policy reveals branches) and the
//! disclosed values. A statement over disclosed attributes is evaluated on the disclosed
//! values and folded away as a constant: a true one drops out, a false one makes its
//! `all_of` false and drops that branch from its `any_of`.

use super::policy::{Branch, Node, Policy};
use super::predicate::{self, Predicate};
use super::request::PresentationRequest;
use super::Error;
use crate::bbs::Ciphersuite;
use crate::credential::{AttributeValue, CredentialType, Schema};
use crate::zk::Formula;

/// The formula a credential of one type proves for one policy.
#[derive(Debug)]
pub(crate) struct ProvenFormula {
    /// The formula (an empty AND when everything was checked in the clear).
    pub formula: Formula,
    /// The statement (its index in `hidden`) each atom of the formula comes from, in the
    /// formula's depth-first order (for the holder's refusals).
    pub atoms: Vec<usize>,
    /// Every statement over hidden attributes the formula reads (the validity statements
    /// first), for the holder's checks of their parameters.
    pub hidden: Vec<Predicate>,
    /// How many of `hidden` are validity statements.
    pub validity: usize,
    /// What the presentation proves, for people: the validity, then each statement as the
    /// policy writes it (an `any_of` as `any_of(...)`, several alternatives of the type
    /// as `any_of(all_of(...), ...)`).
    pub described: Vec<String>,
}

/// A folded node: a constant (with the first false statement checked in the clear) or a
/// formula over hidden attributes.
#[allow(clippy::large_enum_variant)] // short-lived, one per node; boxing buys nothing
enum Folded {
    Constant(Result<(), String>),
    Formula(Formula),
}

struct Builder<'a, C> {
    schema: &'a Schema,
    disclosed: &'a [(String, AttributeValue)],
    atoms: Vec<usize>,
    hidden: Vec<Predicate>,
    suite: core::marker::PhantomData<C>,
}

impl<C: Ciphersuite> Builder<'_, C> {
    fn statement(&mut self, p: &Predicate) -> Result<Folded, Error> {
        let disclosed = self.disclosed;
        let value_of = |n: &str| disclosed.iter().find(|(d, _)| d == n).map(|(_, v)| v);
        if p.attributes().all(|a| value_of(a).is_some()) {
            return Ok(Folded::Constant(if p.evaluate(value_of) {
                Ok(())
            } else {
                Err(p.to_string())
            }));
        }
        let atoms = predicate::atoms::<C>(p, self.schema)?;
        self.atoms
            .extend(core::iter::repeat_n(self.hidden.len(), atoms.len()));
        self.hidden.push(p.clone());
        Ok(Folded::Formula(match <[Formula; 1]>::try_from(atoms) {
            Ok([one]) => one,
            Err(many) => Formula::All(many),
        }))
    }

    fn node(&mut self, n: &Node) -> Result<Folded, Error> {
        match n {
            Node::Statement(p) => self.statement(p),
            Node::AllOf(c) => self.all(c.iter().map(Item::Node)),
            Node::AnyOf(c) => self.any(c.iter().map(Item::Node)),
        }
    }

    fn item(&mut self, item: Item<'_>) -> Result<Folded, Error> {
        match item {
            Item::Node(n) => self.node(n),
            Item::Statement(p) => self.statement(p),
            Item::All(nodes) => self.all(nodes.iter().map(Item::Node)),
            Item::Statements(s) => self.all(s.iter().map(Item::Statement)),
        }
    }

    /// An AND: false when a child is false (the atoms built for its other children are
    /// dropped with it), true children dropped.
    fn all<'n>(&mut self, children: impl Iterator<Item = Item<'n>>) -> Result<Folded, Error> {
        let mut kept = Vec::new();
        let (atoms, hidden) = (self.atoms.len(), self.hidden.len());
        for c in children {
            match self.item(c)? {
                Folded::Constant(Ok(())) => {}
                Folded::Constant(Err(e)) => {
                    self.atoms.truncate(atoms);
                    self.hidden.truncate(hidden);
                    return Ok(Folded::Constant(Err(e)));
                }
                Folded::Formula(f) => kept.push(f),
            }
        }
        Ok(match <[Formula; 1]>::try_from(kept) {
            Ok([one]) => Folded::Formula(one),
            Err(kept) if kept.is_empty() => Folded::Constant(Ok(())),
            Err(kept) => Folded::Formula(Formula::All(kept)),
        })
    }

    /// An OR: true when a child is true (the atoms built for its other children are then
    /// dropped), false children dropped.
    fn any<'n>(&mut self, children: impl Iterator<Item = Item<'n>>) -> Result<Folded, Error> {
        let mut kept = Vec::new();
        let mut first_false = None;
        let (atoms, hidden) = (self.atoms.len(), self.hidden.len());
        for c in children {
            match self.item(c)? {
                Folded::Constant(Ok(())) => {
                    self.atoms.truncate(atoms);
                    self.hidden.truncate(hidden);
                    return Ok(Folded::Constant(Ok(())));
                }
                Folded::Constant(Err(e)) => {
                    first_false.get_or_insert(e);
                }
                Folded::Formula(f) => kept.push(f),
            }
        }
        Ok(match <[Formula; 1]>::try_from(kept) {
            Ok([one]) => Folded::Formula(one),
            Err(kept) if kept.is_empty() => Folded::Constant(Err(first_false.unwrap_or_default())),
            Err(kept) => Folded::Formula(Formula::Any(kept)),
        })
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Node(&'a Node),
    Statement(&'a Predicate),
    All(&'a [Node]),
    Statements(&'a [Predicate]),
}

/// The alternatives of `policy` a credential of `credential_type` is held to: the one its
/// branch names when the policy reveals branches, otherwise every alternative of the type.
/// Fails with [`Error::BranchMismatch`] or [`Error::SchemaMismatch`] when there is none.
pub(crate) fn alternatives_for<'p>(
    policy: &'p Policy,
    credential_type: CredentialType,
    branch: Option<&Branch>,
    schema_version: u8,
) -> Result<Vec<AlternativeView<'p>>, Error> {
    let mismatch = || Error::BranchMismatch { credential_type };
    let schema_mismatch = || Error::SchemaMismatch {
        expected: policy.alternatives[0].credential_type,
        found: credential_type,
        version: schema_version,
    };
    match (branch, policy.reveal_branch) {
        (Some(b), true) => {
            let a = policy
                .alternatives
                .get(b.alternative)
                .ok_or_else(mismatch)?;
            if a.credential_type != credential_type {
                return Err(schema_mismatch());
            }
            let asked = a.resolve(&b.choices).map_err(|_| mismatch())?;
            Ok(vec![AlternativeView::Branch(asked.predicates)])
        }
        (None, false) => {
            let all: Vec<AlternativeView<'p>> = policy
                .alternatives
                .iter()
                .filter(|a| a.credential_type == credential_type)
                .map(|a| AlternativeView::Tree(&a.all_of))
                .collect();
            if all.is_empty() {
                return Err(schema_mismatch());
            }
            Ok(all)
        }
        _ => Err(mismatch()),
    }
}

/// One alternative as the formula sees it: a whole statement tree, or one revealed
/// branch's statements.
pub(crate) enum AlternativeView<'p> {
    /// An alternative's `all_of`.
    Tree(&'p [Node]),
    /// The statements of a revealed branch.
    Branch(Vec<Predicate>),
}

/// Builds the formula a credential of `schema` proves for `policy` in answer to `request`,
/// held to `alternatives` ([`alternatives_for`]), with `disclosed` giving the disclosed
/// values. Fails with [`Error::DisclosedValueFails`] when the statements checked on the
/// disclosed values leave nothing that can hold.
pub(crate) fn build<C: Ciphersuite>(
    request: &PresentationRequest,
    alternatives: &[AlternativeView<'_>],
    credential_type: CredentialType,
    schema: &Schema,
    disclosed: &[(String, AttributeValue)],
) -> Result<ProvenFormula, Error> {
    let mut b = Builder::<C> {
        schema,
        disclosed,
        atoms: Vec::new(),
        hidden: Vec::new(),
        suite: core::marker::PhantomData,
    };
    let validity = request.validity_statements(schema)?;
    let validity_part = b.all(validity.iter().map(Item::Statement))?;
    let validity_count = b.hidden.len();
    // A revealed branch is a plain AND of its statements; alternatives of the type an OR.
    let policy_part = match alternatives {
        [AlternativeView::Branch(statements)] => b.all(statements.iter().map(Item::Statement))?,
        _ => b.any(alternatives.iter().map(|a| match a {
            AlternativeView::Tree(nodes) => Item::All(nodes),
            AlternativeView::Branch(statements) => Item::Statements(statements),
        }))?,
    };
    // One flat AND at the root: the validity atoms, then the policy's (a plain AND of
    // one-message statements keeps the version 1 transcript).
    let mut parts = Vec::new();
    for part in [validity_part, policy_part] {
        match part {
            Folded::Constant(Ok(())) => {}
            Folded::Constant(Err(predicate)) => {
                return Err(Error::DisclosedValueFails {
                    credential_type,
                    predicate,
                })
            }
            Folded::Formula(Formula::All(children)) => parts.extend(children),
            Folded::Formula(f) => parts.push(f),
        }
    }
    let formula = match <[Formula; 1]>::try_from(parts) {
        Ok([one]) => one,
        Err(parts) => Formula::All(parts),
    };
    let described = describe(alternatives, request);
    Ok(ProvenFormula {
        formula,
        atoms: b.atoms,
        hidden: b.hidden,
        validity: validity_count,
        described,
    })
}

/// What is proven, for people: `valid at T`, then the statements.
fn describe(alternatives: &[AlternativeView<'_>], request: &PresentationRequest) -> Vec<String> {
    let at =
        crate::credential::calendar::format_rfc3339_seconds(request.created).unwrap_or_default();
    let mut out = vec![format!("valid_from <= {at} <= valid_until")];
    let one = |a: &AlternativeView<'_>| -> Vec<String> {
        match a {
            AlternativeView::Tree(nodes) => nodes.iter().map(Node::describe).collect(),
            AlternativeView::Branch(s) => s.iter().map(ToString::to_string).collect(),
        }
    };
    match alternatives {
        [a] => out.extend(one(a)),
        many => {
            let parts: Vec<String> = many
                .iter()
                .map(|a| format!("all_of({})", one(a).join(", ")))
                .collect();
            out.push(format!("any_of({})", parts.join(", ")));
        }
    }
    out
}

/// The `zk` atoms that prove `predicates` over hidden attributes of a credential of
/// `schema` under suite `C`, in order (their AND), for hand-made proofs: a presentation of
/// one alternative with nothing disclosed proves `Formula::All` of the validity statements'
/// atoms ([`PresentationRequest::validity_statements`]) followed by its statements' atoms.
pub fn zk_atoms<C: Ciphersuite>(
    predicates: &[Predicate],
    schema: &Schema,
) -> Result<Vec<Formula>, Error> {
    let mut out = Vec::new();
    for p in predicates {
        out.extend(predicate::atoms::<C>(p, schema)?);
    }
    Ok(out)
}
