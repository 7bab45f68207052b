#!/usr/bin/env bash
# Side-by-side benchmark of healthpass against bbs_plus 0.25, zkryptium 0.8 and bbs 0.4, then
# the table and plot of docs/benchmarks.md. Run from anywhere: `bash peers/run.sh`.
# The suite runs ROUNDS times (default 3, each saved as a criterion baseline `round<k>`); the
# report takes, for each benchmark, the median of the rounds' medians, which steadies the
# ratios on a machine shared with other work. Extra arguments go to criterion
# (e.g. `--measurement-time 3`).
set -euo pipefail
cd "$(dirname "$0")"
rounds="${ROUNDS:-3}"
for k in $(seq 1 "$rounds"); do
    cargo bench --bench peers -- --noplot --save-baseline "round$k" "$@"
done
python3 report.py
