//! The verifier's trust list: the issuers it accepts, with their keys and the credential
//! types each may issue.

use serde::{Deserialize, Serialize};

use super::Error;
use crate::credential::file::IssuerJson;
use crate::credential::json::{check_format, parse, pretty};
use crate::credential::IssuerInfo;

/// Format tag of a trust-list file.
pub const TRUST_LIST_FORMAT: &str = "healthpass-trust-list/1";

/// A list of trusted issuer keys. An issuer may have several keys, each under its own key
/// identifier (`kid`), and at most one without a key identifier (its default key: the key
/// a presentation that names no key is checked with). Each (issuer, kid) pair is listed at
/// most once.
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
    /// The trusted issuer keys, in the order they were added.
    pub fn issuers(&self) -> &[IssuerInfo] {
        &self.issuers
    }

    /// The keys of the issuer with identifier `id`.
    pub fn keys<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a IssuerInfo> + 'a {
        self.issuers.iter().filter(move |i| i.id == id)
    }

    /// The key a presentation names: issuer `id`, key identifier `kid` (`None`: the
    /// issuer's key without a key identifier). [`Error::UntrustedIssuer`] when the issuer is
    /// not listed; [`Error::UnknownKey`] when it is, without that key.
    pub fn key(&self, id: &str, kid: Option<&str>) -> Result<&IssuerInfo, Error> {
        if let Some(key) = self
            .issuers
            .iter()
            .find(|i| i.id == id && i.kid.as_deref() == kid)
        {
            return Ok(key);
        }
        Err(match self.keys(id).next() {
            None => Error::UntrustedIssuer {
                issuer: id.to_owned(),
            },
            Some(_) => Error::UnknownKey {
                issuer: id.to_owned(),
                kid: kid.map(str::to_owned),
            },
        })
    }

    /// Adds an issuer key. Adding one that is already there unchanged does nothing and
    /// returns `false`; one whose identifier and key identifier are there with another key
    /// or description is an [`Error::IssuerConflict`] unless `replace` is set. A key under a
    /// new key identifier is added next to the issuer's other keys.
    pub fn add(&mut self, issuer: IssuerInfo, replace: bool) -> Result<bool, Error> {
        issuer.check()?;
        match self
            .issuers
            .iter_mut()
            .find(|i| i.id == issuer.id && i.kid == issuer.kid)
        {
            Some(existing) if *existing == issuer => Ok(false),
            Some(existing) if replace => {
                *existing = issuer;
                Ok(true)
            }
            Some(_) => Err(Error::IssuerConflict {
                id: issuer.id,
                kid: issuer.kid,
            }),
            None => {
                self.issuers.push(issuer);
                Ok(true)
            }
        }
    }

    /// Removes issuer `id`'s key `kid` (`None`: its key without a key identifier); `false`
    /// when it is not listed.
    pub fn remove(&mut self, id: &str, kid: Option<&str>) -> bool {
        let before = self.issuers.len();
        self.issuers
            .retain(|i| !(i.id == id && i.kid.as_deref() == kid));
        self.issuers.len() != before
    }

    /// The trust-list file.
    pub fn to_json(&self) -> String {
        let file = TrustFile {
            format: TRUST_LIST_FORMAT.to_owned(),
            issuers: self.issuers.iter().map(IssuerJson::new).collect(),
        };
        pretty(&file)
    }

    /// Reads a trust-list file; an (identifier, key identifier) pair listed twice is an
    /// error.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "trust list";
        let file: TrustFile = parse(WHAT, text)?;
        check_format(WHAT, TRUST_LIST_FORMAT, &file.format)?;
        let mut list = TrustList::default();
        for issuer in file.issuers {
            let info = issuer.into_info(WHAT)?;
            if list.key(&info.id, info.kid.as_deref()).is_ok() {
                return Err(Error::IssuerConflict {
                    id: info.id,
                    kid: info.kid,
                });
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
        assert_eq!(t.key("a", None).unwrap().suite, Suite::Shake256);
    }

    #[test]
    fn several_keys_per_issuer_by_key_id() {
        let mut rng = rand::rng();
        let key = |id: &str, kid: Option<&str>, rng: &mut _| {
            IssuerKey::generate(id, "A", "NL", Suite::Sha256, &CredentialType::ALL, rng)
                .unwrap()
                .with_kid(kid)
                .unwrap()
                .info()
                .clone()
        };
        let old = key("a", None, &mut rng);
        let k1 = key("a", Some("2026-1"), &mut rng);
        let k2 = key("a", Some("2026-2"), &mut rng);
        let b1 = key("b", Some("2026-1"), &mut rng);
        let mut t = TrustList::default();
        for k in [&old, &k1, &k2, &b1] {
            assert!(t.add(k.clone(), false).unwrap());
        }
        assert_eq!(t.keys("a").count(), 3);
        assert_eq!(t.key("a", None).unwrap(), &old);
        assert_eq!(t.key("a", Some("2026-2")).unwrap(), &k2);
        assert_eq!(t.key("b", Some("2026-1")).unwrap(), &b1);
        assert!(matches!(
            t.key("a", Some("2027-1")),
            Err(Error::UnknownKey { kid: Some(k), .. }) if k == "2027-1"
        ));
        assert!(matches!(
            t.key("b", None),
            Err(Error::UnknownKey { kid: None, .. })
        ));
        assert!(matches!(
            t.key("c", None),
            Err(Error::UntrustedIssuer { .. })
        ));
        // Another key under a listed key identifier is a conflict.
        let again = key("a", Some("2026-1"), &mut rng);
        assert!(matches!(
            t.add(again.clone(), false),
            Err(Error::IssuerConflict { kid: Some(_), .. })
        ));
        let text = t.to_json();
        let back = TrustList::from_json(&text).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.to_json(), text);
        // A file listing a pair twice is refused.
        let mut twice = t.clone();
        twice.issuers.push(again);
        assert!(matches!(
            TrustList::from_json(&twice.to_json()),
            Err(Error::IssuerConflict { .. })
        ));
        assert!(t.remove("a", None));
        assert!(!t.remove("a", None));
        assert!(matches!(t.key("a", None), Err(Error::UnknownKey { .. })));
        assert_eq!(t.key("a", Some("2026-1")).unwrap(), &k1);
    }
}
