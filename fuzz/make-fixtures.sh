#!/usr/bin/env bash
# Rewrites the fuzz fixtures and seed corpora.
#
# fuzz/fixtures/ (embedded by the targets, see src/lib.rs), made with the command line: a
# throwaway issuer (made for fuzzing only, never used elsewhere), its trust list, and one
# credential and request (with predicates) per credential type.
#
# fuzz/corpus/TARGET/seed-*: the seeds, from the golden files (the draft's vectors in
# tests/fixtures/, the golden compact files in tests/fixtures/compact/), the fixtures above,
# and presentations (JSON, compact, QR PNG, the QR codes as camera-like JPEG frames), attribute
# files and a parameter set made here.
#
#     cargo build --release --bin healthpass --example jpeg_seed && fuzz/make-fixtures.sh
#
# (needs jq and xxd). The parameter store's cache of decoded points (fixtures/params/*.points)
# is committed with the sets: the targets resolve the requests' sets at start-up, and
# decoding the 2^16 validity set in full (every point decompressed and subgroup-checked)
# took most of a 20-second CI run of a target.
set -euo pipefail
cd "$(dirname "$0")"
hp=${HEALTHPASS:-../target/release/healthpass}
jpeg_seed=${JPEG_SEED:-../target/release/examples/jpeg_seed}
out=fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out" && mkdir -p "$out/keys"

"$hp" issuer init --id fz-issuer --name "Fuzz Issuer" --country NL --out-dir "$out/keys" >/dev/null
"$hp" trust add "$out/keys/fz-issuer.public.json" --trust-list "$out/trust.json" >/dev/null
"$hp" params new --store "$out/params" >/dev/null

common='"family_name": "van der Berg", "given_name": "Maria Johanna", "birth_date": "1961-04-23",
  "country": "NL", "issuer_name": "Ministry of Health", "certificate_id": "URN:UVCI:01:NL:FUZZ#1",
  "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z", "disease": "840539006"'
cat >"$tmp/vaccination.attributes.json" <<JSON
{ $common, "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
  "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2, "vaccination_date": "2024-02-01" }
JSON
cat >"$tmp/test.attributes.json" <<JSON
{ $common, "test_type": "LP217198-3", "test_name": "Panbio COVID-19 Ag Rapid Test",
  "test_device": "1232", "sample_time": "2024-05-31T09:45:00Z", "test_result": "260415000",
  "test_centre": "Teststraat Utrecht" }
JSON
cat >"$tmp/recovery.attributes.json" <<JSON
{ $common, "first_positive_date": "2024-03-02" }
JSON

request() { # TYPE DISCLOSE PREDICATE...
    local t=$1 d=$2
    shift 2
    local args=()
    for p in "$@"; do args+=(--prove "$p"); done
    "$hp" request --params-store "$out/params" --type "$t" --disclose "$d" --issuer fz-issuer "${args[@]}" \
        --valid-for 600 --out "$out/$t.request.json" >/dev/null
}
request vaccination vaccine_product,dose_number \
    "vaccination_date <= today-14d" "valid_until >= now" "total_doses in {2,3}"
request test test_result,sample_time,test_device "birth_date <= today-18y"
request recovery first_positive_date,country "valid_from in 2023-06-01T00:00:00Z..2025-01-01T00:00:00Z"

for t in vaccination test recovery; do
    "$hp" issue --issuer "$out/keys/fz-issuer.secret.json" --type "$t" \
        --attributes "$tmp/$t.attributes.json" --out "$out/$t.credential.json" >/dev/null
    "$hp" present --params-store "$out/params" --credential "$out/$t.credential.json" --request "$out/$t.request.json" \
        --out "$tmp/$t.presentation.json" --compact "$tmp/$t.presentation.bin" \
        --qr "$tmp/$t.presentation.png" >/dev/null
done

# ---- seeds ----
vec=../tests/fixtures
rm -rf corpus && mkdir corpus
seed() { # TARGET NAME < bytes
    mkdir -p "corpus/$1"
    cat >"corpus/$1/seed-$2"
}
hexof() { jq -r "$1" "$2" | xxd -r -p; }
# round_trip: a format byte, then the input.
rt() { # KIND NAME FILE
    { printf "\\x$(printf %02x "$1")"; cat "$3"; } | seed round_trip "$2"
}

for s in sha-256 shake-256; do
    hexof .keyPair.publicKey "$vec/bls12-381-$s/keypair.json" | seed octets_key "pk-$s"
    hexof .keyPair.secretKey "$vec/bls12-381-$s/keypair.json" | seed octets_key "sk-$s"
    for n in 001 002; do
        hexof .signature "$vec/bls12-381-$s/signature/signature$n.json" | seed octets_signature "$s-$n"
    done
    for n in 001 003 012 014; do
        hexof .proof "$vec/bls12-381-$s/proof/proof$n.json" | seed octets_proof "$s-$n"
    done
    for n in 001 002; do
        hexof .commitmentWithProof "$vec/blind/bls12-381-$s/commit/commit$n.json" | seed octets_blind "$s-$n"
    done
    hexof .pseudonym "$vec/pseudonyms/bls12-381-$s/nymProof/nymProof001.json" | seed octets_blind "$s-pseudonym"
done
for t in vaccination test recovery; do
    seed compact "golden-$t" <"$vec/compact/$t.bin"
    seed compact "$t" <"$tmp/$t.presentation.bin"
    seed compact_verify "$t" <"$tmp/$t.presentation.bin"
    seed json_attributes "$t" <"$tmp/$t.attributes.json"
    seed json_credential "$t" <"$out/$t.credential.json"
    seed json_presentation "$t" <"$tmp/$t.presentation.json"
    seed qr_png "$t" <"$tmp/$t.presentation.png"
    "$jpeg_seed" "$tmp/$t.presentation.png" "$tmp/$t.frame.jpg"
    seed scan_jpeg "$t.jpg" <"$tmp/$t.frame.jpg"
    rt 3 "compact-$t" "$tmp/$t.presentation.bin"
    rt 5 "presentation-$t" "$tmp/$t.presentation.json"
    rt 6 "credential-$t" "$out/$t.credential.json"
done
"$jpeg_seed" --blank 64 "$tmp/blank.jpg"
seed scan_jpeg blank-64px.jpg <"$tmp/blank.jpg"
# Small requests as seeds (the fixture requests, 17 to 84 KB of digit signatures, would make
# every mutation slow): none, a set and an integer range predicate, two issuers.
"$hp" request --type vaccination --disclose vaccine_product,dose_number --out "$tmp/r1.json" >/dev/null
"$hp" request --params-store "$tmp/p" --type test --disclose test_result --prove "test_type in {LP217198-3,LP6464-4}" \
    --issuer fz-issuer --issuer other --out "$tmp/r2.json" >/dev/null
"$hp" request --params-store "$tmp/p" --type vaccination --disclose vaccine_product --prove "dose_number >= 2" \
    --out "$tmp/r3.json" >/dev/null
for n in 1 2 3; do
    seed json_request "small-$n" <"$tmp/r$n.json"
    rt 4 "request-$n" "$tmp/r$n.json"
done
# Compact requests (the bytes of a request's QR code).
at=2026-06-01T12:00:00Z
"$hp" request --params-store "$tmp/p" --policy ../examples/policies/entry.json --at "$at" \
    --compact "$tmp/entry.bin" >/dev/null
"$hp" request --params-store "$tmp/p" --type vaccination --disclose vaccine_product --prove "dose_number >= 2" \
    --prove "vaccination_date <= today-14d" --at "$at" --compact "$tmp/demo.bin" >/dev/null
"$hp" request --params-store "$tmp/p" --type test --type vaccination --disclose test:test_result \
    --prove "test:sample_time in now-72h..now" --issuer nl-vws --at "$at" --compact "$tmp/two.bin" >/dev/null
for n in entry demo two; do seed compact_request "$n" <"$tmp/$n.bin"; done
for f in "$out"/params/*.set; do seed json_params "$(basename "$f" .set | cut -c1-8)" <"$f"; done
seed json_trust trust <"$out/trust.json"
seed json_issuer_key public <"$out/keys/fz-issuer.public.json"
seed json_issuer_key secret <"$out/keys/fz-issuer.secret.json"
rt 0 pk corpus/octets_key/seed-pk-sha-256
rt 1 signature corpus/octets_signature/seed-sha-256-001
rt 2 proof corpus/octets_proof/seed-sha-256-003
rt 7 trust "$out/trust.json"
i=0
while IFS= read -r p; do
    i=$((i + 1))
    printf %s "$p" | seed predicate_parse "$i"
done <<'LIST'
dose_number >= 2
vaccination_date <= today-14d
valid_until >= now
valid_until > now+2h
birth_date <= today-18y
total_doses in {1,2,3}
country in {NL,BE,DE}
dose_number in 1..3
sample_time >= now-72h
valid_from in 2020-01-01T00:00:00Z..2030-01-01T00:00:00Z
first_positive_date >= 2024-01-01
LIST
du -sh "$out" corpus
