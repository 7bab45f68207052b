//! Acceptance policies (`healthpass-policy/1`): alternatives of one credential each, every
//! alternative an AND of statements with nested `all_of` / `any_of`. A request carries one
//! policy per credential it asks for (several: an AND of credentials); the holder answers
//! each with one credential that satisfies one alternative, and one branch of every `any_of`
//! on its way.
//!
//! ```json
//! { "format": "healthpass-policy/1", "name": "entry",
//!   "any_of": [ { "type": "vaccination", "disclose": ["vaccine_product"],
//!                 "all_of": ["dose_number >= 2", { "any_of": ["..", ".."] }] },
//!               { "type": "test", "all_of": ["sample_time in now-72h..now"] } ],
//!   "reveal_branch": false }
//! ```
//!
//! What the verifier learns: the credential type (so, among alternatives of different
//! types, which one), the disclosed values and that the policy holds. With
//! `"reveal_branch": true` the presentation also names the branch (the alternative and the
//! choice at every `any_of`), and is then an ordinary AND of statements. Without it, a
//! choice the type does not already reveal (two alternatives of one type, or an `any_of`
//! inside an alternative) needs the hidden OR composition (`docs/notes/`); alternatives
//! of one type must then have identical `disclose` and `issuers` lists, or those would
//! reveal the branch.

use serde_json::{Map, Value};

use super::predicate::Predicate;
use super::request::{CredentialRequest, MAX_PREDICATES};
use super::Error;
use crate::credential::bytes::ByteWriter;
use crate::credential::json::{check_format, invalid, parse};
use crate::credential::{AttributeValue, Credential, CredentialType, Schema};

/// The `format` tag of a policy file.
pub const POLICY_FORMAT: &str = "healthpass-policy/1";

/// The most alternatives one policy may have.
pub const MAX_ALTERNATIVES: usize = 16;

/// The deepest nesting of `all_of` / `any_of` inside an alternative (the alternative's own
/// `all_of` is level 1).
pub const MAX_DEPTH: usize = 4;

/// The most branches (ways of choosing at every `any_of`) one alternative may have: bounds
/// the holder's search and the hidden OR's size.
pub const MAX_BRANCHES: usize = 64;

/// The longest policy name, in bytes.
pub const MAX_NAME_BYTES: usize = 128;

/// A node of an alternative's statement tree.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // statements are the common node; boxing them buys nothing
pub enum Node {
    /// One statement.
    Statement(Predicate),
    /// Every child holds.
    AllOf(Vec<Node>),
    /// At least one child holds.
    AnyOf(Vec<Node>),
}

/// One alternative: a credential of one type, what it discloses, the accepted issuers and
/// the statements it must satisfy (their AND).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// The credential type.
    pub credential_type: CredentialType,
    /// The attributes to disclose (possibly none).
    pub disclose: Vec<String>,
    /// The accepted issuers; empty: any issuer in the verifier's trust list.
    pub issuers: Vec<String>,
    /// The statements, all of which must hold.
    pub all_of: Vec<Node>,
}

/// A policy: any one of its alternatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// A name for people (e.g. `entry`).
    pub name: String,
    /// The alternatives, in the order the holder tries them.
    pub alternatives: Vec<Alternative>,
    /// Whether the presentation names the branch it satisfies (the verifier's explicit
    /// choice of size over privacy).
    pub reveal_branch: bool,
    /// Whether the credential must be holder-bound (`credential::holder`): issued on a
    /// commitment to its holder's secret, presentable only with that secret. All the
    /// holder-bound credentials of one presentation are proven to carry one holder secret.
    pub holder_bound: bool,
    /// The context of a pseudonym the credential must show (implies `holder_bound`): the
    /// pseudonym is the same for one credential in one context (with the request's
    /// verifier), unlinkable across contexts ([`super::context_id`]).
    pub pseudonym: Option<String>,
}

/// Which way a presentation satisfies a policy: the alternative, then the choice made at
/// every `any_of` met on the way, in document order (a chosen child's own `any_of`s before
/// the next sibling's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Branch {
    /// The alternative's index.
    pub alternative: usize,
    /// The child chosen at each `any_of`.
    pub choices: Vec<usize>,
}

impl core::fmt::Display for Branch {
    /// `alternative 2` or `alternative 1, choices 2.1` (1-based, as people count).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "alternative {}", self.alternative + 1)?;
        if !self.choices.is_empty() {
            let c: Vec<String> = self.choices.iter().map(|c| (c + 1).to_string()).collect();
            write!(f, ", choices {}", c.join("."))?;
        }
        Ok(())
    }
}

/// Why a credential does not satisfy a policy, for the holder to explain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No alternative asks for a credential of this type.
    WrongType,
    /// The issuer is not among the alternative's accepted issuers.
    IssuerNotAccepted,
    /// The credential is not valid at the request's time.
    NotValid,
    /// A statement (the first that fails, of the branch that got furthest) does not hold.
    Statement(String),
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Failure::WrongType => f.write_str("the policy asks for no credential of its type"),
            Failure::IssuerNotAccepted => f.write_str("its issuer is not accepted"),
            Failure::NotValid => f.write_str("it is not valid at the request's time"),
            Failure::Statement(s) => write!(
                f,
                "`{}` does not hold",
                crate::untrusted::Untrusted(s.as_str())
            ),
        }
    }
}

/// Every branch of an AND of nodes: the choices made and the statements that must hold.
pub type Branches<'a> = Vec<(Vec<usize>, Vec<&'a Predicate>)>;

fn too_many_branches() -> Error {
    Error::from(invalid(
        "policy",
        "any_of",
        "gives an alternative more than 64 branches",
    ))
}

fn expand(nodes: &[Node]) -> Result<Branches<'_>, Error> {
    let mut out: Branches<'_> = vec![(vec![], vec![])];
    for node in nodes {
        let options: Branches<'_> = match node {
            Node::Statement(p) => vec![(vec![], vec![p])],
            Node::AllOf(children) => expand(children)?,
            Node::AnyOf(children) => {
                let mut options = Vec::new();
                for (i, child) in children.iter().enumerate() {
                    for (c, ps) in expand(core::slice::from_ref(child))? {
                        options.push(([vec![i], c].concat(), ps));
                    }
                }
                options
            }
        };
        if out.len().saturating_mul(options.len()) > MAX_BRANCHES {
            return Err(too_many_branches());
        }
        out = out
            .iter()
            .flat_map(|(c, ps)| {
                options.iter().map(move |(oc, ops)| {
                    (
                        [c.as_slice(), oc].concat(),
                        ps.iter().chain(ops).copied().collect(),
                    )
                })
            })
            .collect();
    }
    Ok(out)
}

impl Node {
    fn statements(&self) -> Box<dyn Iterator<Item = &Predicate> + '_> {
        match self {
            Node::Statement(p) => Box::new(core::iter::once(p)),
            Node::AllOf(c) | Node::AnyOf(c) => Box::new(c.iter().flat_map(Node::statements)),
        }
    }

    fn map_statements(
        self,
        f: &mut dyn FnMut(Predicate) -> Result<Predicate, Error>,
    ) -> Result<Node, Error> {
        let mut children = |c: Vec<Node>| -> Result<Vec<Node>, Error> {
            c.into_iter().map(|n| n.map_statements(f)).collect()
        };
        Ok(match self {
            Node::Statement(p) => Node::Statement(f(p)?),
            Node::AllOf(c) => Node::AllOf(children(c)?),
            Node::AnyOf(c) => Node::AnyOf(children(c)?),
        })
    }

    fn has_any_of(&self) -> bool {
        match self {
            Node::Statement(_) => false,
            Node::AllOf(c) => c.iter().any(Node::has_any_of),
            Node::AnyOf(_) => true,
        }
    }

    fn depth(&self) -> usize {
        match self {
            Node::Statement(_) => 0,
            Node::AllOf(c) | Node::AnyOf(c) => 1 + c.iter().map(Node::depth).max().unwrap_or(0),
        }
    }

    /// The statement tree in the syntax of a policy file's statements, e.g.
    /// `any_of(all_of(a, b), c)`.
    pub fn describe(&self) -> String {
        match self {
            Node::Statement(p) => p.to_string(),
            Node::AllOf(c) | Node::AnyOf(c) => {
                let op = if matches!(self, Node::AllOf(_)) {
                    "all_of"
                } else {
                    "any_of"
                };
                let parts: Vec<String> = c.iter().map(Node::describe).collect();
                format!("{op}({})", parts.join(", "))
            }
        }
    }

    fn write_canonical(&self, w: &mut ByteWriter) {
        match self {
            Node::Statement(p) => {
                w.u8(0);
                p.write_canonical(w);
            }
            Node::AllOf(c) | Node::AnyOf(c) => {
                w.u8(if matches!(self, Node::AllOf(_)) { 1 } else { 2 })
                    .varint(c.len() as u64);
                c.iter().for_each(|n| n.write_canonical(w));
            }
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Node::Statement(p) => p.to_json(),
            Node::AllOf(c) => {
                serde_json::json!({ "all_of": c.iter().map(Node::to_json).collect::<Vec<_>>() })
            }
            Node::AnyOf(c) => {
                serde_json::json!({ "any_of": c.iter().map(Node::to_json).collect::<Vec<_>>() })
            }
        }
    }
}

impl Alternative {
    /// Every attribute the alternative reads: those it discloses, then those its statements
    /// read (with repeats).
    pub fn reads(&self) -> impl Iterator<Item = &str> {
        self.disclose
            .iter()
            .map(String::as_str)
            .chain(self.statements().flat_map(Predicate::attributes))
    }

    /// Every statement of the alternative, in document order.
    pub fn statements(&self) -> impl Iterator<Item = &Predicate> {
        self.all_of.iter().flat_map(Node::statements)
    }

    /// Every statement of the alternative, mutably, in document order.
    pub fn statements_mut(&mut self) -> Vec<&mut Predicate> {
        fn walk<'a>(nodes: &'a mut [Node], out: &mut Vec<&'a mut Predicate>) {
            for n in nodes {
                match n {
                    Node::Statement(p) => out.push(p),
                    Node::AllOf(c) | Node::AnyOf(c) => walk(c, out),
                }
            }
        }
        let mut all = Vec::new();
        walk(&mut self.all_of, &mut all);
        all
    }

    /// `true` when the alternative has an `any_of`, so that satisfying it involves a choice.
    pub fn has_choice(&self) -> bool {
        self.all_of.iter().any(Node::has_any_of)
    }

    /// Every branch: the choices at each `any_of` and the statements that must then hold.
    pub fn branches(&self) -> Result<Branches<'_>, Error> {
        expand(&self.all_of)
    }

    /// The alternative's type, disclosure and issuers with its root statements (those
    /// outside every `any_of`, which hold whichever branch does).
    pub fn root(&self) -> CredentialRequest {
        CredentialRequest {
            credential_type: self.credential_type,
            disclose: self.disclose.clone(),
            issuers: self.issuers.clone(),
            predicates: self
                .all_of
                .iter()
                .filter_map(|n| match n {
                    Node::Statement(p) => Some(p.clone()),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The alternative for one branch (`choices`), as a plain AND of statements.
    pub fn resolve(&self, choices: &[usize]) -> Result<CredentialRequest, Error> {
        let (_, predicates) = self
            .branches()?
            .into_iter()
            .find(|(c, _)| c == choices)
            .ok_or_else(|| {
                Error::from(invalid(
                    "presentation",
                    "branch",
                    "names no branch of the policy",
                ))
            })?;
        Ok(CredentialRequest {
            credential_type: self.credential_type,
            disclose: self.disclose.clone(),
            issuers: self.issuers.clone(),
            predicates: predicates.into_iter().cloned().collect(),
        })
    }

    /// The description of the alternative's statements, for people.
    pub fn describe(&self) -> Vec<String> {
        self.all_of.iter().map(Node::describe).collect()
    }

    fn check(&self) -> Result<(), Error> {
        if self.all_of.iter().map(Node::depth).max().unwrap_or(0) + 1 > MAX_DEPTH {
            return Err(Error::from(invalid(
                "policy",
                "all_of",
                "nests all_of / any_of more than 4 levels deep",
            )));
        }
        if self.statements().count() > MAX_PREDICATES {
            return Err(Error::from(invalid(
                "policy",
                "all_of",
                "holds more than 16 statements in one alternative",
            )));
        }
        let branches = self.branches()?;
        // Each branch is a plain request for one credential: check it as one (names,
        // issuers, statements against the schema, disclosed and hidden attributes).
        CredentialRequest {
            credential_type: self.credential_type,
            disclose: self.disclose.clone(),
            issuers: self.issuers.clone(),
            predicates: self.statements().cloned().collect(),
        }
        .check()?;
        if branches.iter().any(|(_, ps)| ps.is_empty()) && self.has_choice() {
            return Err(Error::from(invalid(
                "policy",
                "any_of",
                "has an empty branch (an any_of that always holds)",
            )));
        }
        Ok(())
    }

    /// The first branch `credential` satisfies, or the first failing statement of the
    /// branch that got furthest (plaintext evaluation: the holder's check before proving).
    pub fn evaluate(&self, credential: &Credential) -> Result<Vec<usize>, Failure> {
        let value_of = |name: &str| -> Option<&AttributeValue> { credential.value(name) };
        let branches = self
            .branches()
            .map_err(|_| Failure::Statement("(the policy has too many branches)".into()))?;
        let mut best: Option<(usize, String)> = None;
        for (choices, predicates) in branches {
            match predicates.iter().position(|p| !p.evaluate(value_of)) {
                None => return Ok(choices),
                Some(i) => {
                    if best.as_ref().is_none_or(|(n, _)| i > *n) {
                        best = Some((i, predicates[i].to_string()));
                    }
                }
            }
        }
        Err(Failure::Statement(best.map(|(_, s)| s).unwrap_or_default()))
    }
}

impl From<CredentialRequest> for Policy {
    /// The policy of one alternative: the request's statements, all of which must hold.
    fn from(c: CredentialRequest) -> Self {
        Policy {
            name: c.credential_type.name().to_owned(),
            alternatives: vec![Alternative {
                credential_type: c.credential_type,
                disclose: c.disclose,
                issuers: c.issuers,
                all_of: c.predicates.into_iter().map(Node::Statement).collect(),
            }],
            reveal_branch: false,
            holder_bound: false,
            pseudonym: None,
        }
    }
}

impl Policy {
    /// Checks the policy: a name of 1 to [`MAX_NAME_BYTES`] bytes without control
    /// characters, 1 to [`MAX_ALTERNATIVES`] alternatives, each checked like a request for
    /// one credential, nested at most [`MAX_DEPTH`] levels with at most [`MAX_BRANCHES`]
    /// branches and [`MAX_PREDICATES`] statements; alternatives of one type with identical
    /// `disclose` and `issuers` lists (differing lists would reveal the branch).
    pub fn check(&self) -> Result<(), Error> {
        let bad = |field, problem| Error::from(invalid("policy", field, problem));
        if self.name.is_empty()
            || self.name.len() > MAX_NAME_BYTES
            || self.name.chars().any(char::is_control)
        {
            return Err(bad(
                "name",
                "must have 1 to 128 bytes and no control characters",
            ));
        }
        if self.alternatives.is_empty() || self.alternatives.len() > MAX_ALTERNATIVES {
            return Err(bad("any_of", "must hold 1 to 16 alternatives"));
        }
        if let Some(p) = &self.pseudonym {
            if p.is_empty() || p.len() > MAX_NAME_BYTES || p.chars().any(char::is_control) {
                return Err(bad(
                    "pseudonym",
                    "must have 1 to 128 bytes and no control characters",
                ));
            }
        }
        for (i, a) in self.alternatives.iter().enumerate() {
            a.check()?;
            if let Some(b) = self.alternatives[..i]
                .iter()
                .find(|b| b.credential_type == a.credential_type)
            {
                if b.disclose != a.disclose || b.issuers != a.issuers {
                    return Err(Error::AlternativesDiffer {
                        credential_type: a.credential_type,
                    });
                }
            }
        }
        Ok(())
    }

    /// `true` when the credential must be holder-bound: `holder_bound`, or a pseudonym
    /// asked for (only bound credentials have nym secrets).
    pub fn requires_binding(&self) -> bool {
        self.holder_bound || self.pseudonym.is_some()
    }

    /// `true` when a credential of `credential_type` that satisfies `branch` is held by
    /// this policy to nothing outside `schema` (a presentation profile): the branch's
    /// alternative when the policy reveals branches, otherwise every alternative of the
    /// type (their OR is proven). The validity attributes are in every profile.
    pub fn reads_only(
        &self,
        credential_type: CredentialType,
        branch: &Branch,
        schema: &Schema,
    ) -> bool {
        let mut held = self.alternatives.iter().enumerate().filter(|(i, a)| {
            a.credential_type == credential_type
                && (!self.reveal_branch || *i == branch.alternative)
        });
        held.all(|(_, a)| a.reads().all(|n| schema.attribute(n).is_some()))
    }

    /// The first alternative of `credential_type` (every alternative of one type has the
    /// same disclosure and issuer lists, see [`Policy::check`]).
    pub fn alternative_of_type(&self, credential_type: CredentialType) -> Option<usize> {
        self.alternatives
            .iter()
            .position(|a| a.credential_type == credential_type)
    }

    /// Attaches parameters to every statement over a hidden attribute: from the verifier's
    /// parameter store (see [`Predicate::with_params_in`]), or fresh ones without a store.
    /// Statements over disclosed attributes need none: the verifier checks them on the
    /// disclosed values.
    pub fn with_params(
        mut self,
        store: Option<&super::ParamStore>,
        rng: &mut impl rand_core::CryptoRng,
    ) -> Result<Self, Error> {
        for a in &mut self.alternatives {
            let schema = a.credential_type.schema();
            let disclose = &a.disclose;
            let mut attach = |p: Predicate| {
                if p.attributes().all(|n| disclose.iter().any(|d| d == n)) {
                    return Ok(p);
                }
                match store {
                    Some(store) => p.with_params_in(schema, store, &mut *rng),
                    None => p.with_fresh_params(schema, &mut *rng),
                }
            };
            a.all_of = core::mem::take(&mut a.all_of)
                .into_iter()
                .map(|n| n.map_statements(&mut attach))
                .collect::<Result<_, _>>()?;
        }
        Ok(self)
    }

    /// Reads a policy file (`healthpass-policy/1`, strict JSON: no duplicate key, no unknown
    /// field), resolving `today` and `now` in its statements at `now` (seconds since the
    /// Unix epoch), and checks it.
    pub fn from_policy_json(text: &str, now: i64) -> Result<Self, Error> {
        const WHAT: &str = "policy";
        if text.len() > super::MAX_REQUEST_BYTES {
            return Err(Error::RequestTooLarge {
                bytes: text.len(),
                max: super::MAX_REQUEST_BYTES,
            });
        }
        let v: Value = parse(WHAT, text)?;
        let o = object(&v, "format")?;
        check_format(
            WHAT,
            POLICY_FORMAT,
            o.get("format").and_then(Value::as_str).unwrap_or(""),
        )?;
        let policy = read_policy(o, &["format"], &mut |ty, node| {
            let text = node.as_str().ok_or(invalid(
                WHAT,
                "all_of",
                "holds statements (strings) and {\"all_of\": [...]} / {\"any_of\": [...]} objects",
            ))?;
            Predicate::parse(ty.schema(), text, now)
        })?;
        policy.check()?;
        Ok(policy)
    }

    /// The form a request carries: like the policy file without `format`, every statement
    /// as a resolved predicate object with its parameters ([`Predicate::to_json`]).
    pub fn to_json(&self) -> Value {
        let alternatives: Vec<Value> = self
            .alternatives
            .iter()
            .map(|a| {
                serde_json::json!({
                    "type": a.credential_type.name(),
                    "disclose": a.disclose,
                    "issuers": a.issuers,
                    "all_of": a.all_of.iter().map(Node::to_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut o = serde_json::json!({
            "name": self.name,
            "any_of": alternatives,
            "reveal_branch": self.reveal_branch,
        });
        if self.holder_bound {
            o["holder_bound"] = Value::Bool(true);
        }
        if let Some(p) = &self.pseudonym {
            o["pseudonym"] = Value::from(p.as_str());
        }
        o
    }

    /// Reads the form a request carries (see [`Policy::to_json`]).
    pub(crate) fn from_request_json(v: &Value) -> Result<Self, Error> {
        let o = object(v, "policies")?;
        let policy = read_policy(o, &[], &mut |ty, node| {
            Predicate::from_json(ty.schema(), node)
        })?;
        policy.check()?;
        Ok(policy)
    }

    /// Appends what the request digest covers: the name, `reveal_branch`, and every
    /// alternative's type, disclosure list, issuers and statement tree.
    pub(crate) fn write_canonical(&self, w: &mut ByteWriter) {
        w.bytes(self.name.as_bytes())
            .u8(u8::from(self.reveal_branch))
            .varint(self.alternatives.len() as u64);
        for a in &self.alternatives {
            w.u8(a.credential_type.code());
            w.varint(a.disclose.len() as u64);
            for name in &a.disclose {
                w.bytes(name.as_bytes());
            }
            w.varint(a.issuers.len() as u64);
            for id in &a.issuers {
                w.bytes(id.as_bytes());
            }
            w.varint(a.all_of.len() as u64);
            a.all_of.iter().for_each(|n| n.write_canonical(w));
        }
    }

    /// The `index`-th statement (in document order) of alternative `alternative`.
    pub fn statement_mut(&mut self, alternative: usize, index: usize) -> Option<&mut Predicate> {
        self.alternatives
            .get_mut(alternative)?
            .statements_mut()
            .into_iter()
            .nth(index)
    }

    /// Every statement of every alternative with its credential type's schema, mutably (to
    /// attach parameter sets).
    pub fn statements_mut(&mut self) -> Vec<(&'static Schema, &mut Predicate)> {
        self.alternatives
            .iter_mut()
            .flat_map(|a| {
                let schema = a.credential_type.schema();
                a.statements_mut().into_iter().map(move |p| (schema, p))
            })
            .collect()
    }

    /// The statements in every alternative, for limits on a whole request.
    pub fn statement_count(&self) -> usize {
        self.alternatives
            .iter()
            .map(|a| a.statements().count())
            .sum()
    }
}

fn object<'a>(v: &'a Value, field: &'static str) -> Result<&'a Map<String, Value>, Error> {
    v.as_object()
        .ok_or_else(|| Error::from(invalid("policy", field, "must be a JSON object")))
}

/// Reads the fields common to a policy file and a request's policy; `extra` names the
/// other fields allowed at the top; `statement` reads one statement.
fn read_policy(
    o: &Map<String, Value>,
    extra: &[&str],
    statement: &mut dyn FnMut(CredentialType, &Value) -> Result<Predicate, Error>,
) -> Result<Policy, Error> {
    const WHAT: &str = "policy";
    let bad = |field, problem| Error::from(invalid(WHAT, field, problem));
    if o.keys().any(|k| {
        ![
            "name",
            "any_of",
            "reveal_branch",
            "holder_bound",
            "pseudonym",
        ]
        .contains(&k.as_str())
            && !extra.contains(&k.as_str())
    }) {
        return Err(bad(
            "any_of",
            "has an unknown field (a policy has format, name, any_of, reveal_branch, holder_bound, pseudonym)",
        ));
    }
    let holder_bound = match o.get("holder_bound") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or(bad("holder_bound", "must be true or false"))?,
    };
    let pseudonym = match o.get("pseudonym") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .ok_or(bad("pseudonym", "must be a string (the context)"))?
                .to_owned(),
        ),
    };
    let name = o
        .get("name")
        .and_then(Value::as_str)
        .ok_or(bad("name", "is missing or not a string"))?
        .to_owned();
    let reveal_branch = match o.get("reveal_branch") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or(bad("reveal_branch", "must be true or false"))?,
    };
    let alternatives = o
        .get("any_of")
        .and_then(Value::as_array)
        .ok_or(bad("any_of", "is missing or not a list of alternatives"))?;
    if alternatives.is_empty() || alternatives.len() > MAX_ALTERNATIVES {
        return Err(bad("any_of", "must hold 1 to 16 alternatives"));
    }
    let alternatives = alternatives
        .iter()
        .map(|a| {
            let a = object(a, "any_of")?;
            if a
                .keys()
                .any(|k| !["type", "disclose", "issuers", "all_of"].contains(&k.as_str()))
            {
                return Err(bad(
                    "any_of",
                    "holds an alternative with an unknown field (it has type, disclose, issuers, all_of)",
                ));
            }
            let credential_type: CredentialType = a
                .get("type")
                .and_then(Value::as_str)
                .and_then(|t| t.parse().ok())
                .ok_or(bad("type", "is missing or not vaccination, test, recovery or identity"))?;
            let names = |field: &'static str| -> Result<Vec<String>, Error> {
                match a.get(field) {
                    None => Ok(vec![]),
                    Some(v) => v
                        .as_array()
                        .and_then(|l| {
                            (l.len() <= 64).then_some(())?;
                            l.iter().map(|x| x.as_str().map(str::to_owned)).collect()
                        })
                        .ok_or(bad(field, "must be a list of at most 64 strings")),
                }
            };
            let (disclose, issuers) = (names("disclose")?, names("issuers")?);
            let all_of = a
                .get("all_of")
                .and_then(Value::as_array)
                .ok_or(bad("all_of", "is missing or not a list"))?;
            let mut budget = MAX_PREDICATES;
            let all_of = read_nodes(all_of, credential_type, 1, &mut budget, statement)?;
            Ok(Alternative {
                credential_type,
                disclose,
                issuers,
                all_of,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Policy {
        name,
        alternatives,
        reveal_branch,
        holder_bound,
        pseudonym,
    })
}

/// Reads a list of nodes at nesting `depth`, at most `budget` statements in all (checked
/// before each is parsed, so a hostile file cannot make the reader parse many).
fn read_nodes(
    nodes: &[Value],
    ty: CredentialType,
    depth: usize,
    budget: &mut usize,
    statement: &mut dyn FnMut(CredentialType, &Value) -> Result<Predicate, Error>,
) -> Result<Vec<Node>, Error> {
    let bad = |field, problem| Error::from(invalid("policy", field, problem));
    if depth > MAX_DEPTH {
        return Err(bad(
            "all_of",
            "nests all_of / any_of more than 4 levels deep",
        ));
    }
    // An alternative's own list may be empty (valid on validity alone), a nested one not.
    if nodes.is_empty() && depth > 1 {
        return Err(bad("all_of", "holds an empty all_of or any_of"));
    }
    nodes
        .iter()
        .map(|n| {
            let group = n.as_object().and_then(|o| {
                let (k, v) = o.iter().next().filter(|_| o.len() == 1)?;
                Some((k.as_str(), v.as_array()?))
            });
            match group {
                Some(("all_of", c)) => Ok(Node::AllOf(read_nodes(
                    c,
                    ty,
                    depth + 1,
                    budget,
                    statement,
                )?)),
                Some(("any_of", c)) => Ok(Node::AnyOf(read_nodes(
                    c,
                    ty,
                    depth + 1,
                    budget,
                    statement,
                )?)),
                _ => {
                    if *budget == 0 {
                        return Err(bad(
                            "all_of",
                            "holds more than 16 statements in one alternative",
                        ));
                    }
                    *budget -= 1;
                    Ok(Node::Statement(statement(ty, n)?))
                }
            }
        })
        .collect()
}
