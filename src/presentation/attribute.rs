//! Attribute names in requests and presentations, checked against a credential type's
//! schema (the lowest step of the presentation layer: requests, predicates and verification
//! all name attributes).

use super::Error;
use crate::credential::{Schema, HOLDER_SECRET};

/// The index of attribute `name` in `schema`, or [`Error::UnknownAttribute`].
pub(crate) fn check_attribute(schema: &Schema, name: &str) -> Result<usize, Error> {
    schema
        .attribute(name)
        .map(|(i, _)| i)
        .ok_or_else(|| Error::UnknownAttribute {
            credential_type: schema.credential_type,
            name: name.to_owned(),
            known: schema
                .names()
                .filter(|n| *n != HOLDER_SECRET)
                .collect::<Vec<_>>()
                .join(", "),
        })
}
