//! What the service reloads on SIGHUP: the trust list, the policies and the parameter sets.
//!
//! Making a request from a policy goes through one small interface, [`Policy::make_request`]:
//! everything else in the service only sees the [`PresentationRequest`] it returns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use healthpass::presentation::{self, ParamStore, PredicateParams, PresentationRequest, TrustList};
use healthpass::untrusted::Untrusted;
use rand::CryptoRng;
use sha2::{Digest, Sha256};

/// The largest policy, trust list or parameter file the service reads.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// A policy the officer can pick: the policy file's text, read again at each request's
/// time (its statements say `now` and `today`), and its name.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The policy's name (unique in the service).
    pub name: String,
    text: String,
    /// The policy as read at load time (for listing; requests read the text at their time).
    parsed: presentation::Policy,
}

impl Policy {
    /// Reads a `healthpass-policy/1` file ([`presentation::Policy::from_policy_json`]) and
    /// checks that its name suits a URL and a page: 1 to 64 characters `a-z A-Z 0-9 - _ .`.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let parsed = presentation::Policy::from_policy_json(text, 0).map_err(|e| e.to_string())?;
        let name = parsed.name.clone();
        if name.is_empty()
            || name.len() > 64
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err("the name must be 1 to 64 characters a-z, A-Z, 0-9, '-', '_', '.'".into());
        }
        Ok(Policy {
            name,
            text: text.to_owned(),
            parsed,
        })
    }

    /// The one interface between the service and request-making: a fresh request (fresh
    /// nonce) for this policy at `now`, valid for `validity` seconds, naming its parameter
    /// sets by digest from the verifier's store `params` (sets it lacks are made and added;
    /// without a store, fresh sets that only a check of the policy wants).
    pub fn make_request(
        &self,
        verifier: &str,
        now: i64,
        validity: i64,
        params: Option<&ParamStore>,
        rng: &mut impl CryptoRng,
    ) -> Result<PresentationRequest, presentation::Error> {
        let policy =
            presentation::Policy::from_policy_json(&self.text, now)?.with_params(params, rng)?;
        let validity_params = match params {
            Some(store) => store.validity(rng)?,
            None => PredicateParams::generate_validity(rng)?,
        };
        PresentationRequest::new_with_validity(
            verifier,
            vec![policy],
            now,
            validity,
            validity_params,
            rng,
        )
    }

    /// The policy as read at load time.
    pub fn policy(&self) -> &presentation::Policy {
        &self.parsed
    }
}

/// Everything reloaded on SIGHUP.
#[derive(Clone)]
pub struct Config {
    /// The trust list.
    pub trust: TrustList,
    /// The trust list file's bytes and their digest (ETag).
    pub trust_bytes: Vec<u8>,
    /// Its digest.
    pub trust_digest: String,
    /// The policies by name.
    pub policies: BTreeMap<String, Policy>,
    /// The verifier's parameter store (content-addressed signed sets, named by digest in
    /// requests and served at `/v1/params/{digest}`).
    pub params: ParamStore,
}

/// The files the configuration comes from.
#[derive(Clone, Debug)]
pub struct Sources {
    /// The trust list file.
    pub trust_list: PathBuf,
    /// The policy files.
    pub policies: Vec<PathBuf>,
    /// The parameter store folder.
    pub params_dir: PathBuf,
}

/// Lowercase hex SHA-256.
pub fn digest_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| format!("{what} {}: {e}", Untrusted(&path.display().to_string())))?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{what} {}: {e}", Untrusted(&path.display().to_string())))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "{what} {}: larger than {MAX_CONFIG_BYTES} bytes",
            path.display()
        ));
    }
    Ok(bytes)
}

fn text(path: &Path, what: &str, bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| format!("{what} {}: not UTF-8", path.display()))
}

impl Sources {
    /// Reads every file, and makes sure the parameter store (created when missing) holds
    /// the sets every policy's requests name (made once, then reused).
    pub fn load(&self) -> Result<Config, String> {
        let trust_bytes = read(&self.trust_list, "trust list")?;
        let trust = TrustList::from_json(&text(&self.trust_list, "trust list", &trust_bytes)?)
            .map_err(|e| format!("trust list {}: {e}", self.trust_list.display()))?;
        let params =
            ParamStore::open(&self.params_dir).map_err(|e| format!("parameter store: {e}"))?;
        let mut policies = BTreeMap::new();
        for path in &self.policies {
            let bytes = read(path, "policy")?;
            let policy = Policy::from_json(&text(path, "policy", &bytes)?)
                .map_err(|e| format!("policy {}: {e}", path.display()))?;
            if policies.contains_key(&policy.name) {
                return Err(format!("two policies are named `{}`", policy.name));
            }
            // Made once now: the store then holds every set the policy's requests name, and
            // a request is never refused later for the policy's sake.
            policy
                .make_request("load", 0, 600, Some(&params), &mut rand::rng())
                .map_err(|e| format!("policy {}: {e}", path.display()))?;
            policies.insert(policy.name.clone(), policy);
        }
        if policies.is_empty() {
            return Err("give at least one --policy".into());
        }
        Ok(Config {
            trust_digest: digest_hex(&trust_bytes),
            trust,
            trust_bytes,
            policies,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_files_are_read_and_bad_ones_refused() {
        let ok = r#"{"format":"healthpass-policy/1","name":"entry","any_of":[{"type":"vaccination",
            "disclose":["vaccine_product"],"all_of":["dose_number >= 2","valid_until >= now"]}]}"#;
        let p = Policy::from_json(ok).unwrap();
        assert_eq!(p.name, "entry");
        assert_eq!(p.policy().alternatives[0].statements().count(), 2);
        let r = p
            .make_request("v", 1_700_000_000, 300, None, &mut rand::rng())
            .unwrap();
        assert_eq!(r.policies[0].alternatives[0].statements().count(), 2);
        for bad in [
            ok.replace("policy/1", "policy/9"),
            ok.replace("dose_number >= 2", "dose_number >>= 2"),
            ok.replace("vaccine_product", "no_such"),
            ok.replace("\"entry\"", "\"a b\""),
            ok.replace("\"all_of\"", "\"all_of\":[],\"x\""),
        ] {
            assert!(Policy::from_json(&bad).is_err(), "{bad}");
        }
    }
}
