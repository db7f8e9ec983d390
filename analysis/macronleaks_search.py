#!/usr/bin/python3
"""Systematic search for the #MacronLeaks replay's parameters.

    macronleaks_search.py --grid KEY=V1,V2,... [--grid ...] [--seeds N] [--jobs J]
                          [--scenario FILE] [--csv OUT.csv] [--keep DIR]

Runs every point of the grid (the Cartesian product of the --grid lists; KEY a
dotted scenario key, as `tagcascade run --set`) with seeds 1 .. N, measures each
run as analysis/macronleaks_table.py does, and prints the points by their
distance to the targets: the mean over the published figures of
|log(replay mean / published)| (a factor 2 is 0.69), plus penalties for the
cascade shape beyond its targets (median structural virality above 3.5, median
depth above 6, under 50 % of reshares at depth 1, median time to 10 reshares
beyond 3x the observed 92 s) and for the share of the volume after the first
13 h away from --late (percent). The cascade shape is that of the cascades
as large as the real ones compared with (--min-size). Every run's metrics go
to --csv. Exits 2 on
bad arguments."""
import argparse
import concurrent.futures
import csv
import glob
import itertools
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
from tagcascade import TagcascadeError  # noqa: E402
from tagcascade import macronleaks as mt  # noqa: E402

ROOT = os.path.dirname(HERE)
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))

# the published figures the distance is taken to (tagcascade.macronleaks.FIGURES)
TARGETS = {key: value for key, _, value, _ in mt.FIGURES if not key.startswith("delay")}
OBSERVED_T10 = 92.0


def run_one(scenario, sets, seed, out, min_size):
    cmd = [BIN, "run", scenario, "-o", out, "--seed", str(seed), "--threads", "1", "--quiet"]
    for k, v in sets:
        cmd += ["--set", f"{k}={v}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + p.stderr)
    m = mt.measure(out)
    sh = mt.shape(m["_roots"], m["_ev"], min_size)
    row = {k: v for k, v in m.items() if not k.startswith("_") and k != "vol_day"}
    row.update({"sv": sh["structural_virality"], "depth": sh["depth"], "depth1": sh["depth1"],
                "t10": sh["t_10"], "cascades": sh["n"]})
    return row


def distance(rows, late):
    """The point's distance to the targets, from its runs' metrics."""
    mean = {k: float(np.nanmean([r[k] for r in rows])) for k in rows[0]}
    d = [abs(math.log(max(mean[k], 1e-9) / v)) for k, v in TARGETS.items()]
    fig = sum(d) / len(d)
    pen = 0.0
    pen += max(0.0, math.log(max(mean["sv"], 1e-9) / 3.5))
    pen += max(0.0, math.log(max(mean["depth"], 1e-9) / 6.0))
    pen += max(0.0, math.log(50.0 / max(mean["depth1"], 1e-9)))
    if np.isfinite(mean["t10"]):
        pen += max(0.0, abs(math.log(max(mean["t10"], 1e-9) / OBSERVED_T10)) - math.log(3.0))
    pen += abs(math.log(max(mean["vol_after_13h"], 0.1) / late))
    return fig + pen, fig, mean


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "macronleaks.yaml"))
    ap.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--late", type=float, default=40.0,
                    help="the share of the volume after the first 13 h aimed at (%%)")
    ap.add_argument("--min-size", type=int, default=55,
                    help="the cascade shape is taken over the cascades of at least this many "
                         "reshares (default 55: the smallest of the Twitter15/16 trees)")
    ap.add_argument("--csv", help="every run's metrics")
    ap.add_argument("--keep", metavar="DIR", help="keep the run files here")
    ap.add_argument("--top", type=int, default=10)
    a = ap.parse_args(argv)
    axes = []
    for g in a.grid:
        if "=" not in g:
            ap.error(f"--grid {g}: expected KEY=V1,V2,...")
        k, vs = g.split("=", 1)
        axes.append([(k, v) for v in vs.split(",") if v != ""])
    if a.seeds < 1:
        ap.error("--seeds: expected at least 1")
    points = list(itertools.product(*axes)) if axes else [()]
    tmp = tempfile.TemporaryDirectory()
    where = a.keep or tmp.name
    os.makedirs(where, exist_ok=True)
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        for i, pt in enumerate(points):
            for s in range(1, a.seeds + 1):
                out = os.path.join(where, f"p{i}_s{s}.h5")
                jobs.append((i, s, ex.submit(run_one, a.scenario, pt, s, out, a.min_size)))
        results = {}
        for i, s, f in jobs:
            try:
                results.setdefault(i, []).append((s, f.result()))
            except (RuntimeError, TagcascadeError) as e:
                print(f"macronleaks_search.py: point {i}: {e}", file=sys.stderr)
                return 2
            if not a.keep:
                os.unlink(os.path.join(where, f"p{i}_s{s}.h5"))
    scored = []
    for i, pt in enumerate(points):
        rows = [r for _, r in sorted(results[i])]
        total, fig, mean = distance(rows, a.late)
        scored.append((total, fig, i, pt, mean))
    scored.sort(key=lambda x: x[0])
    show = ["posobiec_1min", "posobiec_5min", "posobiec_total", "wikileaks_2231", "volume_3h30",
            "bots_took_part", "took_part", "bots_of_took_part", "bot_share", "sv", "depth", "depth1", "t10", "vol_after_13h"]
    print(f"{len(points)} points x {a.seeds} seeds; distance = figures + shape penalties")
    print("dist  figs  " + "  ".join(show) + "  | point")
    for total, fig, i, pt, mean in scored[:a.top]:
        vals = "  ".join(mt.fmt(mean[k]) if np.isfinite(mean[k]) else "nan" for k in show)
        print(f"{total:.3f} {fig:.3f}  {vals}  | " + " ".join(f"{k}={v}" for k, v in pt))
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            keys = sorted(results[0][0][1])
            w.writerow(["point", "seed"] + [k for k, _ in (points[0] if points[0] else [])] + keys)
            for i, pt in enumerate(points):
                for s, r in sorted(results[i]):
                    w.writerow([i, s] + [v for _, v in pt] + [r[k] for k in keys])
    return 0


if __name__ == "__main__":
    sys.exit(main())
