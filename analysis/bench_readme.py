#!/usr/bin/python3
"""The README's table of cascades next to graph-tool, from the output of
`make bench` (part 1): the rows are read from that output, never typed.

    /usr/bin/python3 analysis/bench_readme.py docs/bench/cascades-2026-12-07.txt

prints the Markdown table. Rows the output lacks are left out; an output with no
row of part 1 is refused (exit 2)."""
import argparse
import sys

COLUMNS = ("workload graph threads runs run_s wall_s edges edges_per_s reach peak_MB "
           "gt_s gt_edges_per_s gt_reach gt_peak_MB gt/tc").split()

# (workload, graph, threads, label): the README's rows, in order
ROWS = [
    ("ic_p0.2", "ba_100k", 1, "IC p = 0.2, 100 k × 5"),
    ("ic_p0.12", "ba_100k", 1, "IC p = 0.12, 100 k × 5"),
    ("sir", "ba_100k", 1, "SIR β 0.12 γ 0.5, 100 k × 5"),
    ("ic_p0.2", "ba_1m", 1, "IC p = 0.2, 1 M × 10"),
    ("ic_p0.2", "ba_1m", 2, "IC p = 0.2, 1 M × 10"),
    ("ic_p0.12", "ba_1m", 1, "IC p = 0.12, 1 M × 10"),
    ("ic_p0.12", "ba_1m", 2, "IC p = 0.12, 1 M × 10"),
    ("ic_nx0.12", "ba_1m", 2, "IC p = 0.12, 1 M × 10, exposures not counted"),
    ("sir", "ba_1m", 1, "SIR β 0.12 γ 0.5, 1 M × 10"),
    ("sir", "ba_1m", 2, "SIR β 0.12 γ 0.5, 1 M × 10"),
    ("sir_nx", "ba_1m", 2, "SIR β 0.12 γ 0.5, 1 M × 10, exposures not counted"),
    ("sir_off", "ba_1m", 2, "SIR, plain step engine, 1 M × 10"),
]

HEAD = ("| workload (directed BA + 20 % follow-back) | threads | tagcascade s | edges/s | "
        "reach | peak MB | graph-tool s | graph-tool / tagcascade |\n"
        "|---|---|---|---|---|---|---|---|")


def rows_of(text):
    """{(workload, graph, threads): {column: text}} for the rows of part 1."""
    found = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) != len(COLUMNS) or not f[2].isdigit() or not f[1].startswith("ba_"):
            continue
        r = dict(zip(COLUMNS, f))
        found[(r["workload"], r["graph"], int(r["threads"]))] = r
    return found


def seconds(x):
    """Three decimals below 0.1 s, two above, as the bench's medians allow."""
    v = float(x)
    return f"{v:.3f}" if v < 0.1 else f"{v:.2f}"


def table(text):
    found = rows_of(text)
    out = [HEAD]
    for w, g, th, label in ROWS:
        r = found.get((w, g, th))
        if r is None:
            continue
        eps = r["edges_per_s"]
        eps = f"{float(eps) / 1e6:.1f} M" if eps != "-" else "-"
        gt = seconds(r["gt_s"]) if r["gt_s"] != "-" else "-"
        ratio = f"{float(r['gt/tc']):.2f}" if r["gt/tc"] != "-" else "-"
        out.append(f"| {label} | {th} | {seconds(r['run_s'])} | {eps} | "
                   f"{int(r['reach']):,} | {r['peak_MB']} | {gt} | {ratio} |")
    return "\n".join(out), len(out) - 1


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("output", help="the text `make bench` printed")
    a = p.parse_args(argv)
    try:
        with open(a.output, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        p.error(f"{a.output}: {e.strerror}")
    md, n = table(text)
    if n == 0:
        p.error(f"{a.output}: no row of part 1 (cascades next to graph-tool)")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
