//! What the service reloads on SIGHUP: the trust list, the policies and the parameter sets.
//!
//! Making a request from a policy goes through one small interface, [`Policy::make_request`]:
//! everything else in the service only sees the [`PresentationRequest`] it returns.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use healthpass::credential::json::parse;
use healthpass::credential::CredentialType;
use healthpass::presentation::{
    CredentialRequest, Error as PError, ParamStore, Predicate, PredicateParams,
    PresentationRequest, TrustList,
};
use healthpass::untrusted::Untrusted;
use healthpass::zk::SignedSet;
use rand::CryptoRng;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The format tag of a policy file (`docs/formats.md`, the contract of issue 11).
pub const POLICY_FORMAT: &str = "healthpass-policy/1";

/// The largest policy, trust list or parameter file the service reads.
const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// A policy the officer can pick: a name and how to make a request from it.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The policy's name (unique in the service).
    pub name: String,
    /// The credential type asked for.
    pub credential_type: CredentialType,
    disclose: Vec<String>,
    issuers: Vec<String>,
    statements: Vec<String>,
    /// The parameters of each statement's predicate, resolved from the store once when the
    /// configuration is loaded (reading and decoding sets per request would cost a second).
    params: Vec<Option<PredicateParams>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    format: String,
    name: String,
    any_of: Vec<Alternative>,
    #[serde(default)]
    reveal_branch: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Alternative {
    #[serde(rename = "type")]
    credential_type: String,
    #[serde(default)]
    disclose: Vec<String>,
    #[serde(default)]
    issuers: Vec<String>,
    #[serde(default)]
    all_of: Vec<serde_json::Value>,
}

impl Policy {
    /// Reads a `healthpass-policy/1` file. Until the policy layer lands in the library, the
    /// service takes the subset the request of today can express: one alternative whose
    /// `all_of` lists statements (an `and` of predicates).
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value = parse("policy", text).map_err(|e| e.to_string())?;
        let file: PolicyFile = serde_json::from_value(value).map_err(|e| e.to_string())?;
        if file.format != POLICY_FORMAT {
            return Err(format!("the format is not `{POLICY_FORMAT}`"));
        }
        if file.name.is_empty()
            || file.name.len() > 64
            || !file
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err("the name must be 1 to 64 characters a-z, A-Z, 0-9, '-', '_', '.'".into());
        }
        let _ = file.reveal_branch;
        let [alt] = <[Alternative; 1]>::try_from(file.any_of).map_err(|_| {
            "this service takes policies of exactly one alternative (any_of of one)".to_owned()
        })?;
        let credential_type: CredentialType =
            alt.credential_type.parse().map_err(|e| format!("{e}"))?;
        let statements = alt
            .all_of
            .iter()
            .map(|s| {
                s.as_str().map(str::to_owned).ok_or_else(|| {
                    "this service takes `all_of` lists of statements only".to_owned()
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let policy = Policy {
            name: file.name,
            credential_type,
            disclose: alt.disclose,
            issuers: alt.issuers,
            statements,
            params: Vec::new(),
        };
        // Checked once now, so that a request is never refused later for the policy's sake.
        policy
            .make_request("check", 0, 600, None, &mut rand::rng())
            .map_err(|e| e.to_string())?;
        Ok(policy)
    }

    /// The one interface between the service and request-making: a fresh request (fresh
    /// nonce) for this policy at `now`, valid for `validity` seconds, naming its predicates'
    /// parameter sets by digest from the verifier's store `params` (sets it lacks are made
    /// and added; without a store the predicates have no parameters, which only a check of
    /// the policy wants).
    pub fn make_request(
        &self,
        verifier: &str,
        now: i64,
        validity: i64,
        params: Option<&ParamStore>,
        rng: &mut impl CryptoRng,
    ) -> Result<PresentationRequest, healthpass::presentation::Error> {
        let schema = self.credential_type.schema();
        let predicates = self
            .statements
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut p = Predicate::parse(schema, text, now)?;
                match (self.params.get(i).cloned().flatten(), params) {
                    (Some(resolved), _) => {
                        p.params = Some(resolved);
                        Ok(p)
                    }
                    (None, Some(store)) => p.with_params_in(schema, store, rng),
                    (None, None) => Ok(p),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let disclose: Vec<&str> = self.disclose.iter().map(String::as_str).collect();
        let issuers: Vec<&str> = self.issuers.iter().map(String::as_str).collect();
        let asked = CredentialRequest::new(self.credential_type, &disclose, &issuers, predicates)?;
        PresentationRequest::new(verifier, vec![asked], now, validity, rng)
    }

    /// The statements, as written in the policy.
    pub fn statements(&self) -> &[String] {
        &self.statements
    }

    /// The disclosed attributes.
    pub fn disclose(&self) -> &[String] {
        &self.disclose
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
    /// The policies' sets, decoded once, by digest (open requests read back from the store
    /// are resolved from these without decoding a set again).
    pub sets: BTreeMap<[u8; 32], SignedSet>,
}

impl Config {
    /// Attaches the parameter sets `request` names: the policies' decoded sets, or (for a
    /// set no policy in force uses, e.g. after a reload) the store's, decoded.
    pub fn resolve(&self, request: &mut PresentationRequest) -> Result<(), PError> {
        let mut missing = false;
        for p in request.predicates_mut() {
            let Some(digest) = p
                .params
                .as_ref()
                .filter(|x| !x.is_resolved())
                .map(|x| x.digest)
            else {
                continue;
            };
            match self.sets.get(&digest) {
                Some(set) => p.resolve(set.clone())?,
                None => missing = true,
            }
        }
        if missing {
            self.params.resolve(request)?;
        }
        Ok(())
    }
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
            let mut policy = policy;
            let template = policy
                .make_request("load", 0, 600, Some(&params), &mut rand::rng())
                .map_err(|e| format!("policy {}: {e}", path.display()))?;
            policy.params = template.credentials[0]
                .predicates
                .iter()
                .map(|p| p.params.clone())
                .collect();
            policies.insert(policy.name.clone(), policy);
        }
        if policies.is_empty() {
            return Err("give at least one --policy".into());
        }
        let sets = policies
            .values()
            .flat_map(|p| p.params.iter().flatten())
            .filter_map(|x| Some((x.digest, x.set().ok()?.clone())))
            .collect();
        Ok(Config {
            sets,
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
    fn policies_of_the_contract_subset_are_read_and_others_refused() {
        let ok = r#"{"format":"healthpass-policy/1","name":"entry","any_of":[{"type":"vaccination",
            "disclose":["vaccine_product"],"all_of":["dose_number >= 2","valid_until >= now"]}]}"#;
        let p = Policy::from_json(ok).unwrap();
        assert_eq!(p.name, "entry");
        assert_eq!(p.statements().len(), 2);
        let r = p
            .make_request("v", 1_700_000_000, 300, None, &mut rand::rng())
            .unwrap();
        assert_eq!(r.credentials[0].predicates.len(), 2);
        for bad in [
            ok.replace("policy/1", "policy/9"),
            ok.replace("dose_number >= 2", "dose_number >>= 2"),
            ok.replace("vaccine_product", "no_such"),
            ok.replace("\"entry\"", "\"a b\""),
            ok.replace("\"all_of\"", "\"all_of\":[],\"x\""),
            ok.replace("}]}", "},{\"type\":\"test\"}]}"),
        ] {
            assert!(Policy::from_json(&bad).is_err(), "{bad}");
        }
    }
}
