#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS (default 20), one after the other, on one
# core. Needs a nightly toolchain and cargo-fuzz. Exits non-zero at the first target that
# finds a crash, leak, timeout or out-of-memory input (libFuzzer writes it to
# fuzz/artifacts/TARGET/).
#     fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-20}
# -a: debug assertions and overflow checks, so that silent integer wrap-around is found too.
cargo +nightly fuzz build -a
for target in $(cargo +nightly fuzz list); do
    echo "== fuzz $target (${seconds} s)"
    # Seeds are committed as corpus/TARGET/seed-*; what libFuzzer adds there is ignored by git.
    mkdir -p "corpus/$target"
    log=$(mktemp)
    # -timeout is wall-clock time per input. 60 s, not 10: on a loaded machine (CI runners,
    # a shared 2-core box) the first input's fixture set-up (about 1 s of CPU) and the
    # parameter-set seed (about 2 s of CPU under the sanitizer) took 12 to 29 s of wall time
    # and were reported as timeouts; a real hang still stops the run.
    if ! cargo +nightly fuzz run -a "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 60 "$log"
        rm -f "$log"
        echo "fuzz target $target failed (input under fuzz/artifacts/$target/)"
        exit 1
    fi
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    rm -f "$log"
done
echo "every fuzz target ran ${seconds} s without a finding"
