#!/usr/bin/python3
"""The #MacronLeaks replay against the published figures.

    macronleaks_table.py RUN.h5 [RUN.h5 ...] [--markdown] [--csv OUT.csv]
                         [--observed OBS.h5] [--figure VOLUME.png]

Reads replicate runs of scenarios/macronleaks.yaml (run with output.cascade on)
and prints, for each published figure, its value, its source and what the replay
produced: the mean and the range over the replicates; then the shape of the
volume over the run (the share of it before Posobiec's tweet, in the 13 h after
it and later, and per day), and, with --observed (real cascades imported with
'tagcascade import'), the shape of the cascades beside the real ones.
--figure draws the hourly volume of every run, people and bots. Bad input
exits 2."""
import argparse
import csv
import glob
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
from tagcascade import TagcascadeError  # noqa: E402
# the published figures and the measures of a run: tagcascade.macronleaks
from tagcascade.macronleaks import FIGURES, delays, fmt, measure, observed, shape  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--csv", help="also write the table here")
    ap.add_argument("--observed", help="real cascades imported with 'tagcascade import' "
                    "(e.g. the Twitter15/16 trees of tests/data): their delays replace "
                    "the published delay figures, and their shape is printed beside the "
                    "replay's cascades")
    ap.add_argument("--figure", metavar="VOLUME.png", help="draw the hourly volume here")
    a = ap.parse_args(argv)
    try:
        rows = [measure(p) for p in a.runs]
        obs = observed(a.observed) if a.observed else None
    except TagcascadeError as e:
        print(f"macronleaks_table.py: {e}", file=sys.stderr)
        return 2
    figures = list(FIGURES)
    if a.observed:
        d = delays(*obs)
        src = f"{os.path.basename(a.observed)}: {len(d):,} real reshares"
        figures = [f for f in figures if not f[0].startswith("delay")] + [
            ("delay_median_min", "median retweet delay (min), people",
             round(float(np.median(d)) / 60.0, 1), src),
            ("delay_1h", "retweets within 1 h of what they retweet (%), people",
             round(100.0 * float(np.mean(d <= 3600)), 1), src)]
    out = []
    for key, what, value, source in figures:
        xs = np.array([r[key] for r in rows], dtype=float)
        out.append((what, value, source, xs.mean(), xs.min(), xs.max()))
    n = len(rows)
    if a.markdown:
        print(f"| figure | published | source | replay: mean over {n} runs [min–max] |")
        print("|---|---|---|---|")
        for what, value, source, m, lo, hi in out:
            print(f"| {what} | {fmt(value)} | {source} | {fmt(m)} [{fmt(lo)}–{fmt(hi)}] |")
    else:
        w = max(len(o[0]) for o in out)
        print(f"{'figure':<{w}}  {'published':>9}  replay mean [min-max] over {n} runs")
        for what, value, source, m, lo, hi in out:
            print(f"{what:<{w}}  {fmt(value):>9}  {fmt(m)} [{fmt(lo)}-{fmt(hi)}]")
    if a.csv:
        with open(a.csv, "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh)
            wr.writerow(["figure", "published", "source", "mean", "min", "max", "runs"])
            for what, value, source, m, lo, hi in out:
                wr.writerow([what, value, source, m, lo, hi, n])
    print_volume_shape(rows, a.markdown)
    print_cascade_shape(rows, obs, a.markdown)
    if a.figure:
        draw_volume(rows, a.figure)
    return 0


def span(xs):
    xs = np.asarray(xs, float)
    return f"{fmt(xs.mean())} [{fmt(xs.min())}–{fmt(xs.max())}]"


def print_volume_shape(rows, markdown):
    """Where the volume falls: before Posobiec's tweet, in the 13 h after it,
    after those 13 h; and per day (from 04:00 Paris time, the night's trough)."""
    n = len(rows)
    items = [("volume over the whole run (posts, own posts, reshares)",
              [r["volume"] for r in rows]),
             ("share before Posobiec's tweet, 20:49 (%)", [r["vol_before"] for r in rows]),
             ("share in the 13 h after it (%)", [r["vol_13h"] for r in rows]),
             ("share after the first 13 h (%)", [r["vol_after_13h"] for r in rows]),
             ("share on Friday evening and night, to Saturday 04:00 (%)",
              [r["vol_day"][0] for r in rows]),
             ("share on Saturday 6 May, 04:00 to 04:00 (%)", [r["vol_day"][1] for r in rows]),
             ("share on Sunday 7 May, from 04:00 (%)", [r["vol_day"][2] for r in rows])]
    print()
    if markdown:
        print(f"| the volume's shape | replay: mean over {n} runs [min–max] |")
        print("|---|---|")
        for what, xs in items:
            print(f"| {what} | {span(xs)} |")
    else:
        w = max(len(x[0]) for x in items)
        for what, xs in items:
            print(f"{what:<{w}}  {span(xs)}")


def print_cascade_shape(rows, obs, markdown):
    """The cascades with at least one reshare, and those at least as large as the
    smallest real one, beside the real trees."""
    groups = [("replay, cascades with ≥ 1 reshare", 1)]
    if obs is not None:
        smallest = int(np.min(obs[0]["size"][obs[0]["size"] >= 1]))
        if smallest > 1:
            groups.append((f"replay, cascades with ≥ {smallest} reshares", smallest))
    cols = [("n", "cascades (per run)"), ("size", "median size"), ("mean_size", "mean size"),
            ("depth", "median depth"), ("structural_virality", "median structural virality"),
            ("t_10", "median time to 10 reshares (s)"), ("t_100", "median time to 100 (s)"),
            ("depth1", "reshares at depth 1 (%)")]
    table = []
    for name, k in groups:
        per = [shape(r["_roots"], r["_ev"], k) for r in rows]
        table.append([name] + [span([p[c] for p in per if np.isfinite(p[c])] or [np.nan])
                               for c, _ in cols])
    if obs is not None:
        o = shape(obs[0], obs[1], 1)
        table.append(["Twitter15/16 (observed)"] + [fmt(o[c]) for c, _ in cols])
    print()
    if markdown:
        print("| cascades | " + " | ".join(h for _, h in cols) + " |")
        print("|---" * (len(cols) + 1) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        for row in table:
            print(row[0])
            for (c, h), v in zip(cols, row[1:]):
                print(f"    {h:<34} {v}")


def draw_volume(rows, path):
    """Hourly volume of every run (thin lines) and its mean (thick), people and
    bots, over the replay's three days, with the night and the events marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    H = min(len(r["_hourly"]) for r in rows)
    hum = np.array([r["_hourly"][:H] - r["_hourly_bot"][:H] for r in rows])
    bot = np.array([r["_hourly_bot"][:H] for r in rows])
    x = np.arange(H) + 0.5
    fig, ax = plt.subplots(figsize=(12, 5))
    for night in range(0, H, 24):
        ax.axvspan(night + 4, min(night + 11, H), color="0.93", lw=0)  # 00:00-07:00 Paris
    for k in range(len(rows)):
        ax.plot(x, hum[k], color="tab:blue", lw=0.5, alpha=0.35)
        ax.plot(x, bot[k], color="tab:red", lw=0.5, alpha=0.35)
    ax.plot(x, hum.mean(0), color="tab:blue", lw=2.2, label="people")
    ax.plot(x, bot.mean(0), color="tab:red", lw=2.2, label="bots")
    top = ax.get_ylim()[1]
    # labels on three rows, so that events an hour or two apart do not overlap
    for k, (h, what) in enumerate(((0.82, "Posobiec 20:49"), (2.52, "WikiLeaks 22:31"),
                                   (4.0, "silence 00:00"), (28.0, "Sun 00:00"),
                                   (52.0, "Mon 00:00"))):
        if h >= H:
            continue
        ax.axvline(h, color="0.4", lw=0.8, ls="--")
        ax.text(h + 0.3, top * (0.95 - 0.07 * (k % 3)), what, fontsize=10, color="0.3")
    ticks = list(range(0, H + 1, 6))
    labels = []
    for t in ticks:
        day = ["Fri", "Sat", "Sun", "Mon"][(t + 20) // 24]
        labels.append(f"{day} {(t + 20) % 24:02d}:00")
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, fontsize=10)
    ax.set_xlim(0, H)
    ax.set_ylabel("posts and reshares per hour")
    ax.set_title(f"#MacronLeaks replay: hourly volume, {len(rows)} runs "
                 "(thin: each run; thick: mean; grey: 00:00–07:00 Paris)")
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
