#!/usr/bin/env python3
"""Turn the peers benchmark's criterion results into the table and plot of docs/benchmarks.md.

Reads target/criterion/<operation>/L=<l>/<library>/<baseline>/estimates.json (criterion's
median point estimates; with several rounds saved as baselines `round<k>`, the median over the
rounds), writes the markdown table between the markers
`<!-- peers:begin -->` and `<!-- peers:end -->` of ../docs/benchmarks.md, and draws
../docs/peers.svg (a log-scale bar chart). Standard library only.
"""

import json
import math
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CRITERION = os.path.join(HERE, "target", "criterion")
DOC = os.path.join(HERE, "..", "docs", "benchmarks.md")
SVG = os.path.join(HERE, "..", "docs", "peers.svg")

LIBS = ["healthpass", "bbs_plus", "zkryptium", "bbs"]
OPS = ["proof_gen", "prepared_proof_gen", "proof_verify", "batch_per_proof"]
SIZES = [10, 100]
# (label, our operation, reference operation, reference library, target at L=10, L=100)
TARGETS = [
    ("proof_gen / bbs_plus proof_gen", "proof_gen", "proof_gen", "bbs_plus", 0.9, 1.2),
    ("prepared proof_gen / bbs_plus proof_gen", "prepared_proof_gen", "proof_gen", "bbs_plus", 0.35, 0.5),
    ("proof_verify / bbs_plus proof_verify", "proof_verify", "proof_verify", "bbs_plus", 0.8, 0.8),
    ("batch per proof (64) / our proof_verify", "batch_per_proof", "proof_verify", "healthpass", 0.5, 0.7),
]


def medians():
    """{(op, l, lib): median in ms}, the median over the saved rounds (or the latest run)."""
    runs = {}
    for root, _dirs, files in os.walk(CRITERION):
        name = os.path.basename(root)
        if "benchmark.json" not in files or not (name.startswith("round") or name == "new"):
            continue
        with open(os.path.join(root, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(root, "estimates.json")) as f:
            est = json.load(f)
        group, lib = bench["group_id"], bench["function_id"]
        if "/L=" not in group or lib not in LIBS:
            continue
        op, l = group.split("/L=")
        runs.setdefault((op, int(l), lib), {})[name] = est["median"]["point_estimate"] / 1e6
    out = {}
    for key, by_run in runs.items():
        rounds = [v for k, v in by_run.items() if k.startswith("round")] or list(by_run.values())
        rounds.sort()
        out[key] = rounds[len(rounds) // 2]
    return out


def fmt(ms):
    return "-" if ms is None else (f"{ms:.3f}" if ms < 1 else f"{ms:.2f}")


def table(m):
    lines = [
        "| operation | L | " + " | ".join(LIBS) + " | healthpass / bbs_plus | healthpass / zkryptium | healthpass / bbs |",
        "|---|---|" + "---|" * (len(LIBS) + 3),
    ]
    for op in OPS:
        for l in SIZES:
            ours = m.get((op, l, "healthpass"))
            if ours is None:
                continue
            cells = [fmt(m.get((op, l, lib))) for lib in LIBS]
            ratios = []
            for peer in ["bbs_plus", "zkryptium", "bbs"]:
                # The prepared and batch paths are compared with the peer's plain operation.
                ref_op = {"prepared_proof_gen": "proof_gen", "batch_per_proof": "proof_verify"}.get(op, op)
                ref = m.get((ref_op, l, peer))
                ratios.append("-" if ref is None else f"{ours / ref:.2f}")
            lines.append(f"| {op} | {l} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    lines += [
        "",
        "Medians in milliseconds (batch: per proof; the median of the rounds' criterion medians).",
        "The prepared and batch rows are divided by the peer's plain `proof_gen` / `proof_verify`.",
        "",
        "| target (issue #3) | L=10 | L=100 |",
        "|---|---|---|",
    ]
    for label, ours_op, ref_op, ref_lib, t10, t100 in TARGETS:
        cells = []
        for l, t in ((10, t10), (100, t100)):
            ours, ref = m.get((ours_op, l, "healthpass")), m.get((ref_op, l, ref_lib))
            if ours is None or ref is None:
                cells.append("-")
                continue
            r = ours / ref
            cells.append(f"{r:.2f} (<= {t}) {'met' if r <= t else '**missed**'}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def svg(m):
    """A horizontal log-scale bar chart: one block per (operation, L), one bar per library."""
    colors = {"healthpass": "#1b9e77", "bbs_plus": "#d95f02", "zkryptium": "#7570b3", "bbs": "#e7298a"}
    rows = []
    for op in OPS:
        for l in SIZES:
            bars = [(lib, m.get((op, l, lib))) for lib in LIBS if m.get((op, l, lib)) is not None]
            if bars:
                rows.append((f"{op} L={l}", bars))
    bar_h, gap, left, width = 14, 12, 190, 520
    lo, hi = 0.1, 1000.0  # ms, log scale
    scale = lambda ms: left + width * (math.log10(max(ms, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    height = 40 + sum(len(b) * bar_h + gap for _, b in rows) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="16" font-size="13">BBS proofs, median time (ms, log scale), one thread</text>']
    y = 30
    for decade in [0.1, 1, 10, 100, 1000]:
        x = scale(decade)
        out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 16}" text-anchor="middle">{decade:g}</text>')
    for label, bars in rows:
        out.append(f'<text x="{left - 8}" y="{y + bar_h * len(bars) / 2 + 4:.1f}" text-anchor="end">{label}</text>')
        for lib, ms in bars:
            w = scale(ms) - left
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colors[lib]}"/>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}">{lib} {fmt(ms)}</text>')
            y += bar_h
        y += gap
    out.append("</svg>")
    return "\n".join(out)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()}, {rustc}"


def main():
    m = medians()
    if not m:
        sys.exit("no criterion results under peers/target/criterion: run `cargo bench --bench peers` first")
    block = "\n".join([
        "<!-- peers:begin -->",
        f"Machine: {machine()}. Command: `bash peers/run.sh`.",
        "",
        table(m),
        "",
        "![BBS proof timings, healthpass and peers](peers.svg)",
        "<!-- peers:end -->",
    ])
    with open(SVG, "w") as f:
        f.write(svg(m) + "\n")
    with open(DOC) as f:
        doc = f.read()
    begin, end = doc.find("<!-- peers:begin -->"), doc.find("<!-- peers:end -->")
    if begin < 0 or end < 0:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    else:
        doc = doc[:begin] + block + doc[end + len("<!-- peers:end -->"):]
    with open(DOC, "w") as f:
        f.write(doc)
    print(table(m))


if __name__ == "__main__":
    main()
