//! The verifier's trust list: the issuers it accepts, with their keys and the credential
//! types each may issue.

use serde::{Deserialize, Serialize};

use super::Error;
use crate::credential::file::IssuerJson;
use crate::credential::json::{check_format, parse, pretty};
use crate::credential::IssuerInfo;

/// Format tag of a trust-list file.
pub const TRUST_LIST_FORMAT: &str = "healthpass-trust-list/1";

/// A list of trusted issuers, each identifier at most once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustList {
    issuers: Vec<IssuerInfo>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustFile {
    format: String,
    issuers: Vec<IssuerJson>,
}

impl TrustList {
    /// The trusted issuers, in the order they were added.
    pub fn issuers(&self) -> &[IssuerInfo] {
        &self.issuers
    }

    /// The issuer with identifier `id`.
    pub fn find(&self, id: &str) -> Option<&IssuerInfo> {
        self.issuers.iter().find(|i| i.id == id)
    }

    /// Adds an issuer. Adding one that is already there unchanged does nothing and returns
    /// `false`; one whose identifier is there with another key or description is an
    /// [`Error::IssuerConflict`] unless `replace` is set.
    pub fn add(&mut self, issuer: IssuerInfo, replace: bool) -> Result<bool, Error> {
        issuer.check()?;
        match self.issuers.iter_mut().find(|i| i.id == issuer.id) {
            Some(existing) if *existing == issuer => Ok(false),
            Some(existing) if replace => {
                *existing = issuer;
                Ok(true)
            }
            Some(_) => Err(Error::IssuerConflict { id: issuer.id }),
            None => {
                self.issuers.push(issuer);
                Ok(true)
            }
        }
    }

    /// The trust-list file.
    pub fn to_json(&self) -> String {
        let file = TrustFile {
            format: TRUST_LIST_FORMAT.to_owned(),
            issuers: self.issuers.iter().map(IssuerJson::new).collect(),
        };
        pretty(&file)
    }

    /// Reads a trust-list file; an identifier listed twice is an error.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "trust list";
        let file: TrustFile = parse(WHAT, text)?;
        check_format(WHAT, TRUST_LIST_FORMAT, &file.format)?;
        let mut list = TrustList::default();
        for issuer in file.issuers {
            let info = issuer.into_info(WHAT)?;
            if list.find(&info.id).is_some() {
                return Err(Error::IssuerConflict { id: info.id });
            }
            list.issuers.push(info);
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::{CredentialType, IssuerKey, Suite};

    #[test]
    fn add_and_round_trip() {
        let mut rng = rand::rng();
        let a = IssuerKey::generate(
            "a",
            "A",
            "NL",
            Suite::Sha256,
            &CredentialType::ALL,
            &mut rng,
        )
        .unwrap();
        let b = IssuerKey::generate("a", "A", "NL", Suite::Shake256, &[], &mut rng).unwrap();
        let mut t = TrustList::default();
        assert!(t.add(a.info().clone(), false).unwrap());
        assert!(!t.add(a.info().clone(), false).unwrap());
        assert!(matches!(
            t.add(b.info().clone(), false),
            Err(Error::IssuerConflict { .. })
        ));
        let text = t.to_json();
        let back = TrustList::from_json(&text).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.to_json(), text);
        assert!(t.add(b.info().clone(), true).unwrap());
        assert_eq!(t.find("a").unwrap().suite, Suite::Shake256);
    }
}
