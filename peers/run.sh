#!/usr/bin/env bash
# Side-by-side benchmark of healthpass against bbs_plus 0.25, zkryptium 0.8 and bbs 0.4, then
# the table and plot of docs/benchmarks.md. Run from anywhere: `bash peers/run.sh`.
# Extra arguments go to criterion (e.g. `--measurement-time 3`).
set -euo pipefail
cd "$(dirname "$0")"
cargo bench --bench peers -- --noplot "$@"
python3 report.py
