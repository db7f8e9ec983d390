#!/usr/bin/python3
# Does `tagcascade fit` recover what it should? For each of N cases, known
# parameter values are drawn from the fit section's priors (uniform priors
# only), the scenario is run at them to make the observed volume (CSV, as a
# researcher would import it), and the scenario is fitted to that curve. Prints
# each case's truth and 90 % posterior interval, the share of cases whose
# interval covers the truth, and, with --windows, the mean interval width when
# the observed window is shorter: the same number of bins over less time,
# so fewer posts.
import argparse
import csv
import glob
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
from tagcascade import TagcascadeError  # noqa: E402
from tagcascade.volume import duration_s, volume, write_csv  # noqa: E402


class CoverageError(Exception):
    pass


def weighted_quantile(x, w, q):
    o = np.argsort(x, kind="stable")
    c = np.cumsum(w[o])
    return x[o][np.searchsorted(c, q * c[-1])]


def interval(fit_h5):
    with h5py.File(fit_h5, "r") as f:
        th, w = f["fit/theta"][-1], f["fit/weight"][-1]
        sims = int(f["fit/simulations"][()].sum())
    return [(weighted_quantile(th[:, k], w, 0.05), weighted_quantile(th[:, k], w, 0.95))
            for k in range(th.shape[1])], sims


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise CoverageError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-400:]}")
    return p


def main(argv=None):
    ap = argparse.ArgumentParser(description="Coverage of tagcascade fit's 90 % intervals.")
    ap.add_argument("scenario", help="a scenario with a fit section of uniform priors")
    ap.add_argument("--cases", type=int, default=20)
    ap.add_argument("--bins", type=int, default=4, help="bins of the observed curve (default 4)")
    ap.add_argument("--window", default="6h", help="the observed window from the scenario's "
                    "start (default 6h): bins of window / bins")
    ap.add_argument("--windows", default="", help="shorter windows, comma-separated (e.g. "
                    "1h,3h): each case is fitted to them too, in as many bins")
    ap.add_argument("--window-cases", type=int, default=None,
                    help="fit the shorter windows for the first N cases only (default: all)")
    ap.add_argument("--bin-exe", default=os.path.join(HERE, "..", "build", "tagcascade"))
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--csv", help="write one row per case and window here")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="passed to every fit (e.g. fit.algorithm.particles=100)")
    a = ap.parse_args(argv)
    try:
        with open(a.scenario, encoding="utf-8") as f:
            sc = yaml.safe_load(f)
        params = sc["fit"]["parameters"]
        keys = list(params)
        for k in keys:
            if params[k].get("prior") != "uniform":
                raise CoverageError(f"{a.scenario}: fit.parameters.{k}: this check draws the "
                                    "truth from uniform priors only")
        lo = np.array([float(params[k]["min"]) for k in keys])
        hi = np.array([float(params[k]["max"]) for k in keys])
        full_s = duration_s(a.window, "--window")
        windows = [duration_s(w, "--windows") for w in a.windows.split(",") if w]
        rng = np.random.default_rng(20170505)
        rows = []
        thr = ["--threads", str(a.threads)] if a.threads else []
        with tempfile.TemporaryDirectory() as tmp:
            for c in range(a.cases):
                # the middle 80 % of each prior: truths on the edge of the support
                # cannot be covered by an interval inside it
                truth = lo + (hi - lo) * (0.1 + 0.8 * rng.random(len(keys)))
                sets = [x for k, v in zip(keys, truth) for x in ("--set", f"{k}={v:.6g}")]
                obs_h5 = os.path.join(tmp, f"obs{c}.h5")
                run([a.bin_exe, "run", a.scenario, "-q", "-o", obs_h5, *sets, *thr])
                short = a.window_cases is None or c < a.window_cases
                for win in [full_s] + ([w for w in windows if w < full_s] if short else []):
                    if win % a.bins:
                        raise CoverageError(f"a window of {win} s does not split into {a.bins} "
                                            "whole-second bins")
                    start, bin_s, human, bot = volume(obs_h5, win // a.bins)
                    if len(human) < a.bins:
                        raise CoverageError(f"the scenario runs shorter than {win} s")
                    obs_csv = os.path.join(tmp, f"obs{c}_{win}.csv")
                    with open(obs_csv, "w", encoding="utf-8") as f:
                        write_csv(f, start, bin_s, human[:a.bins], bot[:a.bins])
                    fit_h5 = os.path.join(tmp, f"fit{c}_{win}.h5")
                    extra = [x for kv in a.set for x in ("--set", kv)]
                    run([a.bin_exe, "fit", a.scenario, "-q", "-o", fit_h5,
                         "--set", f"fit.observed.volume={obs_csv}", *extra, *thr])
                    iv, sims = interval(fit_h5)
                    cov = [bool(l <= t <= h) for (l, h), t in zip(iv, truth)]
                    rows.append({"case": c, "window_s": win, "simulations": sims,
                                 **{f"truth:{k}": t for k, t in zip(keys, truth)},
                                 **{f"lo:{k}": l for k, (l, h) in zip(keys, iv)},
                                 **{f"hi:{k}": h for k, (l, h) in zip(keys, iv)},
                                 **{f"covered:{k}": v for k, v in zip(keys, cov)}})
                    print(f"case {c:2d} window {win / 3600:4g} h: " + "; ".join(
                        f"{k} {t:.4g} in [{l:.4g}, {h:.4g}] {'yes' if v else 'NO'}"
                        for k, t, (l, h), v in zip(keys, truth, iv, cov)), flush=True)
        full = [r for r in rows if r["window_s"] == full_s]
        print("\ncoverage of the 90 % intervals over", len(full), f"cases ({a.window} in {a.bins} bins):")
        for k in keys:
            share = np.mean([r[f"covered:{k}"] for r in full])
            width = np.mean([(r[f"hi:{k}"] - r[f"lo:{k}"]) / (params[k]["max"] - params[k]["min"])
                             for r in full])
            print(f"  {k:36s} {share * 100:5.1f} %   mean width {width:.3f} of the prior's")
        allc = np.mean([all(r[f"covered:{k}"] for k in keys) for r in full])
        print(f"  {'every parameter at once':36s} {allc * 100:5.1f} %")
        if windows:
            print(f"\nmean interval width (share of the prior's) by observed window ({a.bins} bins):")
            wcases = {r["case"] for r in rows if r["window_s"] != full_s}
            for win in sorted({r["window_s"] for r in rows}):
                # the same cases in every window
                sel = [r for r in rows if r["window_s"] == win and r["case"] in wcases]
                print(f"  {win / 3600:4g} h: " + ", ".join(
                    f"{k} {np.mean([(r[f'hi:{k}'] - r[f'lo:{k}']) / (params[k]['max'] - params[k]['min']) for r in sel]):.3f}"
                    for k in keys) + f"  ({len(sel)} fits)")
        if a.csv:
            with open(a.csv, "w", newline="", encoding="utf-8") as f:
                w = csv.DictWriter(f, fieldnames=list(rows[0]))
                w.writeheader()
                w.writerows(rows)
    except (CoverageError, OSError, KeyError, yaml.YAMLError, TagcascadeError) as e:
        print(f"fit_coverage.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
