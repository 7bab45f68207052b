//! The `healthpass` command line: parse, call the library, print. Exit codes: 0 success,
//! 1 a presentation or credential that was read but rejected, 2 unusable input, usage or a
//! write error, 130/143 interrupted by SIGINT/SIGTERM (temporary files removed).

mod commands;
mod demo;
pub(crate) mod files;
mod holder;
mod output;
pub(crate) mod report;
mod rules;
#[cfg(feature = "service")]
mod wallet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Privacy-preserving travel-health credentials on BBS signatures.
#[derive(Parser)]
#[command(name = "healthpass", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Issuer keys.
    #[command(subcommand)]
    Issuer(IssuerCommand),
    /// The verifier's trust list.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// The holder's secret: init, commitments for issuers, accepting bound credentials.
    #[command(subcommand)]
    Holder(HolderCommand),
    /// Issue a credential from a JSON file of attributes or an EU DCC payload (holder-bound
    /// with --commitment).
    Issue(IssueArgs),
    /// Predicate parameters (weak Boneh-Boyen digit sets) that requests can reuse.
    #[command(subcommand)]
    Params(ParamsCommand),
    /// Make a verifier's request from a policy file or --type/--disclose/--prove.
    Request(RequestArgs),
    /// Answer a request with a presentation: picks a credential that satisfies the policy,
    /// prints what will be disclosed and proven, then writes it.
    Present(PresentArgs),
    /// Verify a presentation against a request and a trust list.
    Verify(VerifyArgs),
    /// CertLogic acceptance rules: compile them into a policy, or explain them.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Describe any healthpass file (keys, credential, request, presentation, compact, QR).
    Inspect {
        /// The file.
        file: PathBuf,
    },
    /// Run issuer, traveller and verifier end to end in a temporary directory.
    Demo(DemoArgs),
    /// Run the verifier service: HTTP API, the officer's page, shared replay store.
    #[cfg(feature = "service")]
    Serve(crate::service::ServeArgs),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Compile rules at a validation clock into a policy (healthpass-policy/1).
    Compile(rules::RulesCompileArgs),
    /// Print the statements rules compile to, in words.
    Explain(rules::RulesExplainArgs),
}

#[derive(Subcommand)]
enum HolderCommand {
    /// Create the holder's secret: DIR/holder.secret.json (mode 0600), never overwritten
    /// without --force.
    Init(holder::HolderInitArgs),
    /// Make a fresh commitment to the holder secret for one issuance (the blind stays in
    /// the holder's folder).
    Commit(holder::HolderCommitArgs),
    /// Check a holder-bound credential's blind signature and record the binding.
    Accept(holder::HolderAcceptArgs),
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Create an issuer key: DIR/ID.secret.json (mode 0600) and DIR/ID.public.json
    /// (with --kid: DIR/ID.KID.secret.json and DIR/ID.KID.public.json).
    Init(IssuerInitArgs),
}

#[derive(Args)]
struct IssuerInitArgs {
    /// The issuer identifier (a-z, 0-9, '.', '_', '-'; at most 64 characters).
    #[arg(long)]
    id: String,
    /// The key identifier, when the issuer has (or will have) several keys: credentials and
    /// presentations name it, and verifiers pick that key of the trust list (same grammar
    /// as --id) [default: none, the issuer's default key].
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// The directory to write the key files to (created when missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    out_dir: PathBuf,
    /// Display name [default: the identifier].
    #[arg(long)]
    name: Option<String>,
    /// ISO 3166-1 alpha-2 country of the issuer [default: none].
    #[arg(long, default_value = "")]
    country: String,
    /// Ciphersuite: bls12-381-sha-256 or bls12-381-shake-256.
    #[arg(long, default_value = "bls12-381-sha-256")]
    ciphersuite: String,
    /// Credential types the issuer may issue, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "vaccination,test,recovery"
    )]
    schemas: Vec<String>,
    /// Replace an existing secret file.
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum ParamsCommand {
    /// Make long-lived parameter sets in a store: signed digits for integer, date and instant
    /// ranges, the signing keys discarded. Requests made with `--params-store DIR` name them.
    New(ParamsStoreArgs),
    /// Import a set file (`<digest>.set` from another store) into a store, after checking
    /// its signatures.
    Add(ParamsAddArgs),
    /// List the sets of a store.
    List(ParamsStoreArgs),
}

#[derive(Args)]
struct ParamsStoreArgs {
    /// The parameter store folder (created when missing).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
}

#[derive(Args)]
struct ParamsAddArgs {
    /// The set file.
    file: PathBuf,
    /// The parameter store folder (created when missing).
    #[arg(long, value_name = "DIR")]
    store: PathBuf,
}

#[derive(Subcommand)]
enum TrustCommand {
    /// Add an issuer's public file to a trust list (created when missing); a key under a
    /// new key identifier is added next to the issuer's other keys.
    Add(TrustAddArgs),
    /// Remove an issuer's key from a trust list (the end of a key rotation).
    Remove(TrustRemoveArgs),
}

#[derive(Args)]
struct TrustRemoveArgs {
    /// The issuer identifier.
    #[arg(long)]
    id: String,
    /// The key identifier [default: the issuer's key without one].
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// The trust list file.
    #[arg(long, value_name = "TRUST.json")]
    trust_list: PathBuf,
}

#[derive(Args)]
struct TrustAddArgs {
    /// The issuer's public file (ID.public.json).
    public: PathBuf,
    /// The trust list file.
    #[arg(long, value_name = "TRUST.json")]
    trust_list: PathBuf,
    /// Replace an entry with the same identifier and key identifier but another key.
    #[arg(long)]
    replace: bool,
}

/// `issue --issuer S (--type T --attributes A | --dcc P) [--commitment C]
/// [--allow-unlisted-codes] --out O`.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("source").required(true).args(["attributes", "dcc"]))]
struct IssueArgs {
    /// The issuer's secret file.
    #[arg(long, value_name = "SECRET.json")]
    issuer: PathBuf,
    /// vaccination, test, recovery or identity (with --attributes).
    #[arg(long = "type", value_name = "TYPE", requires = "attributes")]
    credential_type: Option<String>,
    /// A JSON object from attribute name to value (with --type).
    #[arg(long, value_name = "ATTRS.json", requires = "credential_type")]
    attributes: Option<PathBuf>,
    /// An EU DCC JSON payload (hcert schema 1.3); the type comes from it.
    #[arg(long, value_name = "PAYLOAD.json", conflicts_with = "credential_type")]
    dcc: Option<PathBuf>,
    /// With --dcc: valid_from (RFC 3339) instead of the payload's or the default.
    #[arg(long, value_name = "T", requires = "dcc")]
    valid_from: Option<String>,
    /// With --dcc: valid_until (RFC 3339) instead of the payload's or the default.
    #[arg(long, value_name = "T", requires = "dcc")]
    valid_until: Option<String>,
    /// The issuance time (RFC 3339) the checks use [default: now].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The holder's commitment (`holder commit`): issue a holder-bound credential. Its proof
    /// is checked; a commitment this issuer signed before is refused (the record is
    /// ID.commitments next to the issuer's secret file).
    #[arg(long, value_name = "COMMITMENT.json")]
    commitment: Option<PathBuf>,
    /// Sign codes outside their value sets (newer or older than the embedded lists) as
    /// given, instead of refusing them.
    #[arg(long)]
    allow_unlisted_codes: bool,
    /// The credential file to write (mode 0600; `-`: standard output).
    #[arg(long, value_name = "CREDENTIAL.json")]
    out: PathBuf,
    /// Replace an existing credential file.
    #[arg(long)]
    force: bool,
}

/// `request (--policy POLICY.json | --rules RULE.json [--rules ...] [--valuesets F] | --type T
/// [--type T2 ...] [--disclose ...] [--prove ...]) (--out REQUEST.json | --compact F | --qr
/// F)`. Every presented credential is proven valid at the request's time.
#[derive(Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["policy", "rules", "credential_types"]))]
#[command(group = clap::ArgGroup::new("request_output").required(true).multiple(true).args(["out", "compact", "qr"]))]
struct RequestArgs {
    /// A policy file (healthpass-policy/1: alternatives with all_of / any_of of statements;
    /// see docs/formats.md and examples/policies/).
    /// Repeatable: one policy per credential asked for (an AND of credentials).
    #[arg(long, value_name = "POLICY.json", conflicts_with_all = ["credential_types", "disclose", "issuers", "predicates", "rules"])]
    policy: Vec<PathBuf>,
    /// A CertLogic rule file (one rule or an array; repeatable), compiled at --at as
    /// `rules compile` does: every applicable rule must hold, one alternative per type.
    #[arg(long = "rules", value_name = "RULE.json", conflicts_with_all = ["credential_types", "disclose", "issuers", "predicates"])]
    rules: Vec<PathBuf>,
    /// With --rules: value sets (`valueSets.json`'s format) [default: the embedded ones].
    #[arg(long, value_name = "VALUESETS.json", requires = "rules")]
    valuesets: Option<PathBuf>,
    /// With --rules: a rule with a part no statement over hidden attributes expresses is
    /// compiled by disclosing exactly the fields it reads, for `verify --rules` to evaluate
    /// it on them (default: such a rule is refused, naming the rule, operator and field).
    #[arg(long, requires = "rules")]
    disclose_as_needed: bool,
    /// A credential type asked for (repeatable: an AND of types, one credential each).
    #[arg(long = "type", value_name = "TYPE")]
    credential_types: Vec<String>,
    /// Attributes to disclose, comma-separated; `TYPE:name` for one type only when
    /// several --type are given.
    #[arg(long, value_delimiter = ',', value_name = "a,b,c")]
    disclose: Vec<String>,
    /// An accepted issuer (repeatable; none: any issuer in the trust list).
    #[arg(long = "issuer", value_name = "ID")]
    issuers: Vec<String>,
    /// A statement to prove, e.g. 'dose_number >= 2', 'sample_time in now-72h..now',
    /// 'test_type = LP6464-4', 'dose_number >= total_doses' (repeatable; `TYPE:statement`
    /// for one type only when several --type are given).
    #[arg(long = "prove", value_name = "STATEMENT")]
    predicates: Vec<String>,
    /// The verifier's parameter store: the request names its sets, the validity statements'
    /// and the statements' (made there when missing) [default: $HEALTHPASS_PARAMS_STORE, else
    /// $XDG_DATA_HOME/healthpass/params].
    #[arg(long, value_name = "DIR")]
    params_store: Option<PathBuf>,
    /// Require holder-bound credentials (every policy of the request; a policy file can say
    /// `"holder_bound": true`). All holder-bound credentials of a presentation are proven to
    /// have one holder.
    #[arg(long)]
    require_bound: bool,
    /// Prove the validity in minutes (two digits of a base-4096 set, 288 bytes a statement)
    /// instead of whole hours (one digit, 128 bytes): for credentials issued before issuance
    /// put the validity on whole hours.
    #[arg(long)]
    validity_in_minutes: bool,
    /// Ask for a pseudonym in this context (every policy; implies holder-bound): the same
    /// credential gets the same pseudonym from this verifier in this context.
    #[arg(long, value_name = "CONTEXT")]
    pseudonym: Option<String>,
    /// The verifier's identifier.
    #[arg(long, default_value = "verifier")]
    verifier: String,
    /// Minutes until the request expires: 1 to 1440 (24 hours).
    #[arg(long, default_value_t = 10, value_name = "MINUTES",
          value_parser = clap::value_parser!(u32).range(1..=1440))]
    valid_for: u32,
    /// The time the request is made at (RFC 3339): `now` and `today` in predicates [default: now].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The request file to write, JSON (`-`: standard output).
    #[arg(long, value_name = "REQUEST.json")]
    out: Option<PathBuf>,
    /// Also write the compact request (for a QR code; `present --request` reads it).
    #[arg(long, value_name = "REQUEST.bin")]
    compact: Option<PathBuf>,
    /// Also write the compact request's QR code as a PNG (`present --request` reads it).
    #[arg(long, value_name = "REQUEST.png")]
    qr: Option<PathBuf>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("output").required(true).multiple(true).args(["out", "compact", "qr", "post", "show_qr"]))]
#[command(group = clap::ArgGroup::new("source").required(true).args(["request", "request_url"]))]
struct PresentArgs {
    /// A credential file (repeatable: the holder picks, for each policy of the request, the
    /// first credential that satisfies one of its alternatives).
    #[arg(long = "credential", value_name = "CREDENTIAL.json", required = true)]
    credentials: Vec<PathBuf>,
    /// The verifier's request.
    #[arg(long, value_name = "REQUEST.json")]
    request: Option<PathBuf>,
    /// The holder file (DIR/holder.secret.json): needed to present holder-bound
    /// credentials (their secrets are read from DIR/bindings/).
    #[arg(long, value_name = "HOLDER.json")]
    holder: Option<PathBuf>,
    /// Fetch the request from a verifier service (`healthpass serve`).
    #[arg(long, value_name = "URL")]
    request_url: Option<String>,
    /// Send the presentation to the request's response address (only on the origin the
    /// request was fetched from) and print the verifier's verdict.
    #[arg(long, requires = "request_url")]
    post: bool,
    /// With an https --request-url: also trust the certificates (a CA's, or the server's own)
    /// in this PEM file, besides the system's roots.
    #[arg(long, value_name = "CA.pem", requires = "request_url")]
    ca_cert: Option<PathBuf>,
    /// Write the presentation as JSON (`-`: standard output).
    #[arg(long, value_name = "PRESENTATION.json")]
    out: Option<PathBuf>,
    /// Write the compact binary encoding (`-`: standard output).
    #[arg(long, value_name = "PRESENTATION.bin")]
    compact: Option<PathBuf>,
    /// Write a PNG QR code of the compact encoding (`-`: standard output).
    #[arg(long, value_name = "PRESENTATION.png")]
    qr: Option<PathBuf>,
    /// Also print the QR code to the terminal.
    #[arg(long)]
    show_qr: bool,
    /// The holder's parameter store: the sets the request names, checked once [default:
    /// $HEALTHPASS_PARAMS_STORE, else $XDG_DATA_HOME/healthpass/params].
    #[arg(long, value_name = "DIR")]
    params_store: Option<PathBuf>,
    /// The verifier's parameter store, to fetch the sets the holder's store lacks from
    /// (each is checked, then added to --params-store).
    #[arg(long, value_name = "DIR")]
    params_from: Option<PathBuf>,
    /// The holder's clock (RFC 3339) for expiry checks [default: now].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
}

#[derive(Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["presentation", "compact", "qr"]))]
struct VerifyArgs {
    /// The verifier's trust list.
    #[arg(long, value_name = "TRUST.json")]
    trust_list: PathBuf,
    /// The request the presentation answers.
    #[arg(long, value_name = "REQUEST.json")]
    request: PathBuf,
    /// A presentation as JSON.
    #[arg(long, value_name = "PRESENTATION.json")]
    presentation: Option<PathBuf>,
    /// A presentation in the compact binary encoding.
    #[arg(long, value_name = "PRESENTATION.bin")]
    compact: Option<PathBuf>,
    /// A PNG image of a QR code of the compact encoding.
    #[arg(long, value_name = "PRESENTATION.png")]
    qr: Option<PathBuf>,
    /// The verifier's parameter store (the one its requests were made with) [default:
    /// $HEALTHPASS_PARAMS_STORE, else $XDG_DATA_HOME/healthpass/params].
    #[arg(long, value_name = "DIR")]
    params_store: Option<PathBuf>,
    /// Print the result as JSON: accepted, type, disclosed, proven, valid_at, holder_bound
    /// (and branch when the policy reveals branches, pseudonym when it asks for one).
    #[arg(long)]
    json: bool,
    /// The verifier's clock (RFC 3339) [default: now].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The CertLogic rules the request was made from with `request --rules
    /// --disclose-as-needed` (repeatable): the rules it compiled by disclosing fields are
    /// evaluated on the disclosed values.
    #[arg(long = "rules", value_name = "RULE.json")]
    rules: Vec<PathBuf>,
    /// With --rules: the value sets the request was made with.
    #[arg(long, value_name = "VALUESETS.json", requires = "rules")]
    valuesets: Option<PathBuf>,
}

#[derive(Args)]
struct DemoArgs {
    /// Keep the demo's files in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
    /// Do not draw the QR code in the terminal.
    #[arg(long)]
    no_qr: bool,
}

/// Parses the command line, runs the command and returns its exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    files::clean_up_on_signals();
    let result = match cli.command {
        Command::Issuer(IssuerCommand::Init(a)) => commands::issuer_init(a),
        Command::Trust(TrustCommand::Add(a)) => commands::trust_add(a),
        Command::Trust(TrustCommand::Remove(a)) => commands::trust_remove(a),
        Command::Holder(HolderCommand::Init(a)) => holder::init(a),
        Command::Holder(HolderCommand::Commit(a)) => holder::commit(a),
        Command::Holder(HolderCommand::Accept(a)) => holder::accept(a),
        Command::Issue(a) => commands::issue(a),
        Command::Params(ParamsCommand::New(a)) => commands::params_new(a),
        Command::Params(ParamsCommand::Add(a)) => commands::params_add(a),
        Command::Params(ParamsCommand::List(a)) => commands::params_list(a),
        Command::Request(a) => commands::request(a),
        Command::Present(a) => commands::present(a),
        Command::Verify(a) => commands::verify(a),
        Command::Rules(RulesCommand::Compile(a)) => rules::compile(a),
        Command::Rules(RulesCommand::Explain(a)) => rules::explain(a),
        Command::Inspect { file } => report::inspect(&file),
        Command::Demo(a) => demo::run(a),
        #[cfg(feature = "service")]
        Command::Serve(a) => crate::service::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error_line(&e.message);
            ExitCode::from(e.code)
        }
    }
}
