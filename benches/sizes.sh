#!/bin/bash
# Sizes and whole-command times of the typical and entry.json presentations.
# usage: benches/sizes.sh [BINARY]   (default target/release/healthpass; build it first)
set -e
B=$(realpath "${1:-$(dirname "$0")/../target/release/healthpass}")
POL=$(cd "$(dirname "$0")/.." && pwd)/examples/policies/entry.json
D=$(mktemp -d); cd $D
export HEALTHPASS_PARAMS_STORE=$D/store
AT=2026-06-01T12:00:00Z
$B issuer init --id gb-nhs --out-dir keys --country GB >/dev/null
$B trust add keys/gb-nhs.public.json --trust-list trust.json >/dev/null
common='"family_name":"Lovelace","given_name":"Augusta Ada","birth_date":"1815-12-10","country":"GB","issuer_name":"NHS England","certificate_id":"URN:UVCI:01:GB:P1","valid_from":"2026-01-01T00:00:00Z","valid_until":"2027-01-01T00:00:00Z","disease":"840539006"'
echo "{$common,\"vaccine_type\":\"1119349007\",\"vaccine_product\":\"EU/1/20/1528\",\"manufacturer\":\"ORG-100030215\",\"dose_number\":2,\"total_doses\":2,\"vaccination_date\":\"2026-04-01\"}" > v.attrs.json
echo "{$common,\"test_type\":\"LP6464-4\",\"test_name\":\"\",\"test_device\":\"\",\"sample_time\":\"2026-05-31T12:00:00Z\",\"test_result\":\"260415000\",\"test_centre\":\"Centre\"}" > t.attrs.json
echo "{$common,\"first_positive_date\":\"2026-04-01\"}" > r.attrs.json
for x in v:vaccination t:test r:recovery; do
  $B issue --issuer keys/gb-nhs.secret.json --type ${x#*:} --attributes ${x%%:*}.attrs.json --out ${x%%:*}.cred.json >/dev/null
done
t() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1; }
echo "request entry: $(t $B request --policy $POL --at $AT --out entry.req.json) s"
echo "request vacc: $(t $B request --type vaccination --disclose vaccine_product --prove 'dose_number >= 2' --prove 'vaccination_date <= today-14d' --at $AT --out vt.req.json) s"
echo "request test: $(t $B request --type test --disclose test_result --prove 'sample_time in now-72h..now' --at $AT --out tt.req.json) s"
run() { # req cred out
  local pt=$(t $B present --credential $2 --request $1 --at $AT --out $3.json --compact $3.bin)
  local vt=$(t $B verify --trust-list trust.json --request $1 --presentation $3.json --at 2026-06-01T12:01:00Z)
  printf "%-22s compact %5d B  json %5d B  present %ss verify %ss\n" $3 $(stat -c %s $3.bin) $(stat -c %s $3.json) $pt $vt
}
run vt.req.json v.cred.json typical-vaccination
run tt.req.json t.cred.json typical-test
run entry.req.json v.cred.json entry-vaccination
run entry.req.json t.cred.json entry-test
run entry.req.json r.cred.json entry-recovery

rm -rf $D
