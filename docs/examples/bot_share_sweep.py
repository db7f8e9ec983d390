#!/usr/bin/python3
"""Worked example 2: what changes when more of the accounts are bots?

    /usr/bin/python3 docs/examples/bot_share_sweep.py          # under a minute on 2 cores
    /usr/bin/python3 docs/examples/bot_share_sweep.py --quick  # 4 s
    /usr/bin/python3 docs/examples/bot_share_sweep.py --fractions 0,0.2 --replicates 10

The question of `make demo-bots`, asked from Python: by default 0, 5, 10, 20
and 40 % of the replay's accounts bots, 4 runs each (90 s of CPU); with --quick
0, 10 and 30 % of the classroom replay's, 2 runs each. Read it top to bottom:

  1. a sweep: the same scenario at several shares of bots, each run several
     times with different seeds (replicates), by tagcascade.sweep()
  2. the sweep as a table, one row per run (Sweep.table())
  3. per share of bots: the mean over the replicates and its 95 % interval
     (pandas groupby)
  4. one figure, saved as PNG

It writes into --out (default ./out): sweep.h5 (every run's summary and
series), sweep.csv (the table of step 3) and sweep.png (the figure). Any
problem is printed and the exit status is 2.
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")  # draw into files, never on a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

# From the source tree, the package of the same tree (analysis/tagcascade);
# installed, the one python3 finds.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if os.path.isdir(os.path.join(ROOT, "analysis", "tagcascade")):
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
import tagcascade  # noqa: E402

KEY = "population.bots.fraction"  # the scenario key the sweep varies
# what we look at in each run, from the sweep's summary metrics (docs/sweep.md):
# the people (not bots) who used the hashtag, and the bots' share of its volume
METRICS = {"reach_human": "people reached", "bot_share_volume": "bots' share of the volume"}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Sweep the share of accounts that are bots and "
                                 "compare the people reached and the bots' share of the "
                                 "volume: mean and 95 %% interval over the replicates.")
    ap.add_argument("--out", default="out", metavar="DIR",
                    help="folder for sweep.h5, sweep.csv and sweep.png (default ./out)")
    ap.add_argument("--quick", action="store_true",
                    help="3 shares (0, 0.1, 0.3) x 2 replicates of the classroom replay "
                         "(scenarios/classroom.yaml) over its first 7 h: a few seconds")
    ap.add_argument("--scenario", metavar="FILE",
                    help="another scenario (default scenarios/macronleaks.yaml, or "
                         "scenarios/classroom.yaml with --quick)")
    ap.add_argument("--fractions", metavar="F,F,...",
                    help="the shares of bots, comma-separated (default 0,0.05,0.1,0.2,0.4)")
    ap.add_argument("--replicates", type=int, metavar="N",
                    help="runs per share, each with its own seed (default 4)")
    a = ap.parse_args(argv)
    try:
        return sweep(a)
    except tagcascade.TagcascadeError as e:
        print(f"bot_share_sweep.py: {e}", file=sys.stderr)
        return 2


def sweep(a):
    scenario = a.scenario or os.path.join(
        ROOT, "scenarios", "classroom.yaml" if a.quick else "macronleaks.yaml")
    fractions = a.fractions or ("0,0.1,0.3" if a.quick else "0,0.05,0.1,0.2,0.4")
    replicates = a.replicates or (2 if a.quick else 4)
    os.makedirs(a.out, exist_ok=True)

    # ------------------------------------------------------------ 1. the sweep
    # A sweep section says what to vary and how often to repeat each point. It
    # can live in the scenario file; here it comes as an override, the way
    # `tagcascade sweep --set 'sweep={...}'` takes it. The program runs the
    # points x replicates runs in parallel on every core and writes one file.
    # Every run draws its own random numbers (docs/sweep.md, "Seeds"); add
    # `paired: true` to give replicate r of every point the same ones, when the
    # question is the difference a change makes run for run.
    sets = {"sweep": f"{{grid: {{{KEY}: [{fractions}]}}, replicates: {replicates}}}"}
    if a.quick:
        sets["time.duration"] = "7h"  # the night, to 03:00: the timeline's events all fall in it
    path = os.path.join(a.out, "sweep.h5")
    sw = tagcascade.sweep(scenario, sets, output=path)
    print(f"sweep file: {path}: {sw.points} shares of bots x {sw.replicates} replicates "
          f"of scenario {sw.meta['name']}")

    # ------------------------------------------------------------ 2. the table
    # table(): one row per finished run: point (0 .. points-1), replicate, the
    # swept value(s) under their key, then every summary metric of the run.
    t = sw.table()
    print(f"{len(t)} runs; columns: point, replicate, run_key, {KEY}, "
          f"{', '.join(sw.metrics[:4])}, ...")

    # ------------------------------------------------------------ 3. groupby
    # One group per share of bots. For each metric: the mean over the
    # replicates and a 95 % interval for that mean. The interval is a bootstrap
    # one: draw the replicates again with replacement many times, take the mean
    # of each draw, keep the middle 95 % of those means. It needs no
    # assumption about the shape of the runs' spread; with very few replicates
    # it is too narrow (with 2 it is about the range of the two): run more
    # replicates before trusting it.
    rows = []
    for value, g in t.groupby(KEY):
        row = {KEY: value, "runs": len(g)}
        for metric in METRICS:
            v = g[metric].to_numpy(float)
            lo, hi = bootstrap_interval(v)
            row.update({metric: v.mean(), f"{metric}_lo": lo, f"{metric}_hi": hi})
        rows.append(row)
    summary = pd.DataFrame(rows).set_index(KEY)
    summary.to_csv(os.path.join(a.out, "sweep.csv"))

    head = ("bots", "runs", "people reached: mean [95 % interval]",
            "bots' share of the volume: mean [95 % interval]")
    print(f"{head[0]:>6}  {head[1]:>4}  {head[2]:>38}  {head[3]:>48}")
    for value, r in summary.iterrows():
        people = f"{r['reach_human']:,.1f} [{r['reach_human_lo']:,.1f}, {r['reach_human_hi']:,.1f}]"
        share = (f"{100 * r['bot_share_volume']:.2f} % [{100 * r['bot_share_volume_lo']:.2f}, "
                 f"{100 * r['bot_share_volume_hi']:.2f}]")
        print(f"{100 * value:>5g}%  {int(r['runs']):>4}  {people:>38}  {share:>48}")

    # ------------------------------------------------------------ 4. a figure
    png = os.path.join(a.out, "sweep.png")
    draw(sw, t, summary, png)
    print(f"figure: {png}")
    return 0


def bootstrap_interval(v, draws=2000, level=0.95, seed=1):
    """The bootstrap interval of the mean of v: `draws` resamples of v with
    replacement, the (1 - level) / 2 and (1 + level) / 2 quantiles of their
    means. A fixed seed: the same runs give the same interval."""
    rng = np.random.default_rng(seed)
    means = v[rng.integers(0, len(v), size=(draws, len(v)))].mean(axis=1)
    return tuple(np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))


def draw(sw, t, summary, png):
    x = 100 * summary.index.to_numpy(float)  # shares in percent
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.2))
    fig.suptitle(f"What the bots change (scenario {sw.meta['name']}, {sw.replicates} "
                 f"replicates per share of bots)")

    # Left: people reached. Each run a dot, the mean a line, its 95 % interval a band.
    left.scatter(100 * t[KEY], t["reach_human"], s=18, color="tab:blue", alpha=0.45,
                 label="one run")
    left.plot(x, summary["reach_human"], "-o", color="tab:blue", label="mean over the runs")
    left.fill_between(x, summary["reach_human_lo"], summary["reach_human_hi"],
                      color="tab:blue", alpha=0.2, lw=0, label="95 % interval of the mean")
    left.set_xlabel("bots (% of the accounts)")
    left.set_ylabel("people reached\n(people who used the hashtag)")
    left.set_ylim(bottom=0)
    left.set_title("People reached")
    left.legend(loc="lower right")

    # Right: the bots' share of the messages against their share of the
    # accounts. Above the diagonal the bots post more than their number.
    share = 100 * summary["bot_share_volume"]
    right.scatter(100 * t[KEY], 100 * t["bot_share_volume"], s=18, color="tab:red",
                  alpha=0.45, label="one run")
    right.plot(x, share, "-o", color="tab:red", label="mean over the runs")
    right.fill_between(x, 100 * summary["bot_share_volume_lo"],
                       100 * summary["bot_share_volume_hi"], color="tab:red", alpha=0.2, lw=0,
                       label="95 % interval of the mean")
    right.plot([0, x.max()], [0, x.max()], ls="--", color="0.4",
               label="in proportion to their number")
    right.set_xlabel("bots (% of the accounts)")
    right.set_ylabel("bots' share of the volume (%)\n(posts and reshares by bots)")
    right.set_ylim(0, 100)
    right.set_title("Bots' share of the hashtag")
    right.legend(loc="upper left")

    for ax in (left, right):
        ax.set_xticks(x)
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
