//! The compact binary encoding of a request, for a QR code the holder's phone scans. It
//! carries every field of the JSON request (`docs/formats.md`, "Compact request"), so JSON
//! → compact → JSON is the identity and keeps the request digest, which is computed from
//! the decoded request, never from these bytes.
//!
//! ```text
//! version      1 byte   0x81 (the high bit tells a request from a presentation)
//! nonce       32 bytes
//! verifier     varint length + UTF-8
//! created      zigzag varint, seconds since the Unix epoch
//! lifetime     varint, expires - created in seconds
//! digests      varint n (1..=64), then n x 32 bytes: every parameter set the request
//!              names, each once, the validity set first
//! validity     digits (1 byte) + varint digest index
//! policies     varint count, then per policy:
//!   name         varint length + UTF-8
//!   flags        1 byte: bit 0 reveal_branch, bit 1 holder_bound, bit 2 a pseudonym
//!                (other bits zero)
//!   pseudonym    only with bit 2: varint length + UTF-8, the pseudonym's context
//!   alternatives varint count, then per alternative:
//!     type         1 byte (1 vaccination, 2 test, 3 recovery, 4 identity)
//!     disclose     varint count + attribute indexes (1 byte each, the schema's order)
//!     issuers      varint count + (varint length + identifier) each
//!     all_of       varint count + nodes
//! node         0x00 statement | 0x01 varint count + nodes (all_of) | 0x02 ... (any_of)
//! statement    attribute index (1 byte) + operator code (1 byte, as in the request digest)
//!              + for a comparison between attributes: the other attribute's index (1 byte)
//!              + otherwise varint count + values
//!              + params: 0 (none) or digits (1..=8) + varint digest index
//! value        code: varint 1 + its index in the value set, or 0 + varint length + text;
//!              date: zigzag(days - today); instant: zigzag(minutes - created minute);
//!              others as in the compact presentation (string: varint length + UTF-8,
//!              integer: zigzag, boolean: 1 byte)
//! ```
//! `today` is the UTC date of `created`. No byte may follow the last policy. Reading is
//! bounded: at most [`MAX_COMPACT_REQUEST_BYTES`], nesting at most the policy depth, every
//! count checked before what it counts is read; the decoded request then passes the same
//! checks as one read from JSON ([`PresentationRequest::check`]).

use super::params::PredicateParams;
use super::policy::{Alternative, Node, Policy, MAX_ALTERNATIVES, MAX_DEPTH};
use super::predicate::{Condition, Predicate};
use super::request::{check_counts, PresentationRequest, MAX_PREDICATES};
use super::{Error, MAX_SET_SIZE};
use crate::credential::bytes::{ByteReader, ByteWriter};
use crate::credential::{AttributeType, AttributeValue, CredentialType, Schema};

/// The version byte of the compact request encoding.
pub const REQUEST_COMPACT_VERSION: u8 = 0x81;

/// The largest compact request read (64 KiB, far above any QR code's 2,953 bytes).
pub const MAX_COMPACT_REQUEST_BYTES: usize = 64 << 10;

/// The most distinct parameter sets one compact request names.
const MAX_DIGESTS: usize = 64;

fn malformed(field: &'static str, problem: &'static str) -> Error {
    Error::from(crate::credential::json::invalid(
        "compact request",
        field,
        problem,
    ))
}

/// The reference points of relative values: the minute and the UTC day of `created`.
#[derive(Clone, Copy)]
struct Clock {
    minute: i64,
    day: i64,
}

impl Clock {
    fn of(created: i64) -> Self {
        Clock {
            minute: created.div_euclid(60),
            day: created.div_euclid(86_400),
        }
    }
}

/// The digest table of an encoding: each set once, in first-use order.
#[derive(Default)]
struct Digests(Vec<[u8; 32]>);

impl Digests {
    fn index(&mut self, digest: [u8; 32]) -> u64 {
        let i = self.0.iter().position(|d| *d == digest).unwrap_or_else(|| {
            self.0.push(digest);
            self.0.len() - 1
        });
        i as u64
    }
}

impl PresentationRequest {
    /// The compact binary encoding (module documentation); its QR code is what
    /// `request --qr` writes.
    pub fn to_compact(&self) -> Vec<u8> {
        let clock = Clock::of(self.created);
        // The digest table first: the validity set, then every statement's, in order.
        let mut digests = Digests::default();
        digests.index(self.validity.digest);
        let mut body = ByteWriter::default();
        body.varint(self.policies.len() as u64);
        for policy in &self.policies {
            let flags = u8::from(policy.reveal_branch)
                | u8::from(policy.holder_bound) << 1
                | u8::from(policy.pseudonym.is_some()) << 2;
            body.bytes(policy.name.as_bytes()).u8(flags);
            if let Some(context) = &policy.pseudonym {
                body.bytes(context.as_bytes());
            }
            body.varint(policy.alternatives.len() as u64);
            for a in &policy.alternatives {
                let schema = a.credential_type.schema();
                body.u8(a.credential_type.code())
                    .varint(a.disclose.len() as u64);
                for name in &a.disclose {
                    body.u8(attribute_index(schema, name));
                }
                body.varint(a.issuers.len() as u64);
                for id in &a.issuers {
                    body.bytes(id.as_bytes());
                }
                body.varint(a.all_of.len() as u64);
                for node in &a.all_of {
                    write_node(&mut body, node, schema, clock, &mut digests);
                }
            }
        }
        let mut w = ByteWriter::default();
        w.u8(REQUEST_COMPACT_VERSION)
            .raw(&self.nonce)
            .bytes(self.verifier.as_bytes())
            .zigzag(self.created)
            .varint(self.expires.saturating_sub(self.created).max(0) as u64)
            .varint(digests.0.len() as u64);
        for d in &digests.0 {
            w.raw(d);
        }
        w.u8(self.validity.digits).varint(0);
        w.buf.extend_from_slice(&body.buf);
        w.buf
    }

    /// `true` when `bytes` start like a compact request (its version byte), as opposed to
    /// a JSON request (`{`) or a PNG image of one.
    pub fn is_compact(bytes: &[u8]) -> bool {
        bytes.first() == Some(&REQUEST_COMPACT_VERSION)
    }

    /// Reads [`PresentationRequest::to_compact`]'s bytes. Refuses input above
    /// [`MAX_COMPACT_REQUEST_BYTES`] unread, a wrong version, any missing, malformed or
    /// trailing byte, an unknown type, attribute, operator or digest index, nesting beyond
    /// the policy depth, and a request that [`PresentationRequest::check`] refuses.
    /// Parameters are named by digest, as from JSON: resolve them against a parameter store.
    pub fn from_compact(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_COMPACT_REQUEST_BYTES {
            return Err(Error::RequestTooLarge {
                bytes: bytes.len(),
                max: MAX_COMPACT_REQUEST_BYTES,
            });
        }
        let mut r = ByteReader::new(bytes);
        if r.u8() != Some(REQUEST_COMPACT_VERSION) {
            return Err(malformed("version", "is not 0x81 (a compact request)"));
        }
        let nonce: [u8; 32] = r
            .raw(32)
            .and_then(|n| n.try_into().ok())
            .ok_or(malformed("nonce", "needs 32 bytes"))?;
        let verifier = text(&mut r).ok_or(malformed("verifier", "is not UTF-8 text"))?;
        let created = r.zigzag().ok_or(malformed("created", "is malformed"))?;
        let expires = r
            .varint()
            .and_then(|d| i64::try_from(d).ok())
            .and_then(|d| created.checked_add(d))
            .ok_or(malformed("expires", "is malformed"))?;
        let n = count(&mut r, MAX_DIGESTS, "digests")?;
        if n == 0 {
            return Err(malformed("digests", "must name the validity set"));
        }
        let mut digests = Vec::with_capacity(n);
        for _ in 0..n {
            let d: [u8; 32] = r
                .raw(32)
                .and_then(|d| d.try_into().ok())
                .ok_or(malformed("digests", "are truncated"))?;
            digests.push(d);
        }
        let validity =
            read_params(&mut r, &digests)?.ok_or(malformed("validity", "has no parameters"))?;
        let clock = Clock::of(created);
        let policy_count = count(&mut r, usize::MAX, "policies")?;
        check_counts(policy_count, [])?;
        let mut policies = Vec::with_capacity(policy_count);
        for _ in 0..policy_count {
            let name = text(&mut r).ok_or(malformed("name", "is not UTF-8 text"))?;
            let flags = match r.u8() {
                Some(f) if f < 8 => f,
                _ => return Err(malformed("flags", "must use bits 0 to 2 only")),
            };
            let reveal_branch = flags & 1 != 0;
            let holder_bound = flags & 2 != 0;
            let pseudonym = if flags & 4 != 0 {
                Some(text(&mut r).ok_or(malformed("pseudonym", "is not UTF-8 text"))?)
            } else {
                None
            };
            let alternatives = (0..count(&mut r, MAX_ALTERNATIVES, "alternatives")?)
                .map(|_| read_alternative(&mut r, clock, &digests))
                .collect::<Result<_, _>>()?;
            policies.push(Policy {
                name,
                alternatives,
                reveal_branch,
                holder_bound,
                pseudonym,
            });
        }
        if !r.is_empty() {
            return Err(malformed("end", "has bytes after the last policy"));
        }
        let request = PresentationRequest {
            verifier,
            nonce,
            created,
            expires,
            policies,
            validity,
        };
        request.check()?;
        Ok(request)
    }
}

/// The index of attribute `name` in `schema` (the request was checked: it is there).
fn attribute_index(schema: &Schema, name: &str) -> u8 {
    schema
        .attribute(name)
        .and_then(|(i, _)| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

fn read_attribute(r: &mut ByteReader<'_>, schema: &Schema) -> Result<&'static str, Error> {
    r.u8()
        .and_then(|i| schema.attributes.get(usize::from(i)))
        .map(|a| a.name)
        .ok_or(malformed("attribute", "is not an attribute of the type"))
}

fn text(r: &mut ByteReader<'_>) -> Option<String> {
    r.bytes()
        .and_then(|b| std::str::from_utf8(b).ok())
        .map(str::to_owned)
}

/// A count read before what it counts, at most `max` and never more than the bytes left.
fn count(r: &mut ByteReader<'_>, max: usize, field: &'static str) -> Result<usize, Error> {
    r.varint()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n <= max && *n <= r.remaining())
        .ok_or(malformed(field, "has a count out of range"))
}

fn write_params(w: &mut ByteWriter, params: Option<&PredicateParams>, digests: &mut Digests) {
    match params {
        Some(p) => {
            let i = digests.index(p.digest);
            w.u8(p.digits).varint(i);
        }
        None => {
            w.u8(0);
        }
    }
}

fn read_params(
    r: &mut ByteReader<'_>,
    digests: &[[u8; 32]],
) -> Result<Option<PredicateParams>, Error> {
    let digits = r.u8().ok_or(malformed("params", "are truncated"))?;
    if digits == 0 {
        return Ok(None);
    }
    if usize::from(digits) > crate::zk::MAX_DIGITS {
        return Err(malformed("params", "have more than 8 digits"));
    }
    let digest = r
        .varint()
        .and_then(|i| usize::try_from(i).ok())
        .and_then(|i| digests.get(i))
        .ok_or(malformed("params", "name a digest the table does not hold"))?;
    Ok(Some(PredicateParams::by_digest(digits, *digest)))
}

fn read_alternative(
    r: &mut ByteReader<'_>,
    clock: Clock,
    digests: &[[u8; 32]],
) -> Result<Alternative, Error> {
    let credential_type = r
        .u8()
        .and_then(CredentialType::from_code)
        .ok_or(malformed("type", "is not a credential type"))?;
    let schema = credential_type.schema();
    let disclose = (0..count(r, schema.len(), "disclose")?)
        .map(|_| read_attribute(r, schema).map(str::to_owned))
        .collect::<Result<_, _>>()?;
    let issuers = (0..count(r, MAX_PREDICATES, "issuers")?)
        .map(|_| text(r).ok_or(malformed("issuers", "are not UTF-8 text")))
        .collect::<Result<_, _>>()?;
    let all_of = read_nodes(r, schema, clock, digests, 1)?;
    Ok(Alternative {
        credential_type,
        disclose,
        issuers,
        all_of,
    })
}

fn write_node(
    w: &mut ByteWriter,
    node: &Node,
    schema: &Schema,
    clock: Clock,
    digests: &mut Digests,
) {
    match node {
        Node::Statement(p) => {
            w.u8(0).u8(attribute_index(schema, &p.attribute));
            w.u8(p.condition.code());
            if let Condition::Attribute(_, other) = &p.condition {
                w.u8(attribute_index(schema, other));
            } else {
                let ty = attribute_type(schema, &p.attribute);
                let values = p.condition.values();
                w.varint(values.len() as u64);
                for v in values {
                    write_value(w, ty, v, clock);
                }
            }
            write_params(w, p.params.as_ref(), digests);
        }
        Node::AllOf(children) | Node::AnyOf(children) => {
            w.u8(if matches!(node, Node::AllOf(_)) { 1 } else { 2 })
                .varint(children.len() as u64);
            for c in children {
                write_node(w, c, schema, clock, digests);
            }
        }
    }
}

fn read_nodes(
    r: &mut ByteReader<'_>,
    schema: &Schema,
    clock: Clock,
    digests: &[[u8; 32]],
    depth: usize,
) -> Result<Vec<Node>, Error> {
    if depth > MAX_DEPTH {
        return Err(malformed("all_of", "nests deeper than a policy may"));
    }
    (0..count(r, MAX_PREDICATES, "all_of")?)
        .map(|_| match r.u8() {
            Some(0) => read_statement(r, schema, clock, digests).map(Node::Statement),
            Some(1) => read_nodes(r, schema, clock, digests, depth + 1).map(Node::AllOf),
            Some(2) => read_nodes(r, schema, clock, digests, depth + 1).map(Node::AnyOf),
            _ => Err(malformed("all_of", "holds an unknown node")),
        })
        .collect()
}

fn read_statement(
    r: &mut ByteReader<'_>,
    schema: &Schema,
    clock: Clock,
    digests: &[[u8; 32]],
) -> Result<Predicate, Error> {
    let attribute = read_attribute(r, schema)?;
    let code = r.u8().ok_or(malformed("op", "is truncated"))?;
    let condition = if Condition::is_attribute_code(code) {
        let other = read_attribute(r, schema)?;
        Condition::from_code(code, vec![], Some(other.to_owned()))
    } else {
        let ty = attribute_type(schema, attribute);
        let values = (0..count(r, MAX_SET_SIZE, "values")?)
            .map(|_| read_value(r, ty, clock).ok_or(malformed("values", "are malformed")))
            .collect::<Result<Vec<_>, _>>()?;
        Condition::from_code(code, values, None)
    }
    .ok_or(malformed(
        "op",
        "is unknown or has the wrong number of values",
    ))?;
    let mut p = Predicate {
        attribute: attribute.to_owned(),
        condition,
        params: None,
    };
    p.check(schema)?;
    p.params = read_params(r, digests)?;
    Ok(p)
}

/// The type a statement's values have: the attribute's, a partial date's bounds being days.
fn attribute_type(schema: &Schema, name: &str) -> AttributeType {
    schema
        .attribute(name)
        .map_or(AttributeType::String, |(_, a)| a.ty.bound_type())
}

fn write_value(w: &mut ByteWriter, ty: AttributeType, v: &AttributeValue, clock: Clock) {
    match (ty, v) {
        (AttributeType::Date, AttributeValue::Date(d)) => {
            w.zigzag(d.saturating_sub(clock.day));
        }
        (AttributeType::Instant, AttributeValue::Instant(m)) => {
            w.zigzag(m.saturating_sub(clock.minute));
        }
        _ => {
            // Never a secret: statements on the holder secret are refused.
            let _ = v.write_compact_as(ty, w);
        }
    }
}

fn read_value(r: &mut ByteReader<'_>, ty: AttributeType, clock: Clock) -> Option<AttributeValue> {
    let value = match ty {
        AttributeType::Date => AttributeValue::Date(clock.day.checked_add(r.zigzag()?)?),
        AttributeType::Instant => AttributeValue::Instant(clock.minute.checked_add(r.zigzag()?)?),
        other => return AttributeValue::read_compact_as(other, r),
    };
    value.check(ty).ok().map(|()| value)
}
