#!/usr/bin/python3
"""The #MacronLeaks replay against the published figures.

    macronleaks_table.py RUN.h5 [RUN.h5 ...] [--markdown] [--csv OUT.csv]

Reads replicate runs of scenarios/macronleaks.yaml (run with output.cascade on)
and prints, for each published figure, its value, its source and what the replay
produced: the mean and the range over the replicates. Bad input exits 2."""
import argparse
import csv
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcread  # noqa: E402

# figure, published value, source; the replay's value comes from measure()
FIGURES = [
    ("posobiec_1min", "retweets of Posobiec's first tweet within 1 min", 15,
     "published analyses of the night"),
    ("posobiec_5min", "retweets of Posobiec's first tweet within 5 min", 87,
     "published analyses of the night"),
    ("posobiec_total", "retweets of Posobiec's first tweet (20:49)", 810,
     "ZATAZ (article 004 of docs/macronleaks.md)"),
    ("wikileaks_2231", "retweets of WikiLeaks' 22:31 tweet", 4860,
     "ZATAZ (article 004 of docs/macronleaks.md)"),
    ("volume_3h30", "tweets with the hashtag within 3.5 h of Posobiec's tweet", 47000,
     "published analyses of the night"),
    ("bots_took_part", "bot accounts that took part", 18000, "Ferrara 2017"),
    ("bot_share", "share of messages from bots (%)", 40,
     "#macrongate, article 004 of docs/macronleaks.md"),
    ("delay_median_min", "median retweet delay (min), people", 70,
     "rumour cascades, as commonly cited (--observed computes it from real trees)"),
    ("delay_1h", "retweets within 1 h of what they retweet (%), people", 48,
     "rumour cascades, as commonly cited (--observed computes it from real trees)"),
]


def fail(msg):
    print(f"macronleaks_table.py: {msg}", file=sys.stderr)
    sys.exit(2)


def measure(path):
    try:
        run = tcread.open_run(path)
    except SystemExit as e:
        fail(str(e))
    with h5py.File(path, "r") as f:
        if "cascade" not in f:
            fail(f"{path}: no /cascade/events (run the scenario with output.cascade: true)")
        names = [tcread._text(x) for x in f["meta/accounts/name"][()]]
        ids = list(f["meta/accounts/id"][()])
        roots = {k: f["summary/roots"][k][()] for k in ("author", "t", "size")}
        if "class" not in f["cascade/events"]:
            fail(f"{path}: /cascade/events has no class column (written since schema 1.1)")
        ev = {k: f["cascade/events"][k][()] for k in ("t", "account", "parent", "root", "class")}
        interval = float(f["series"].attrs["interval_s"])
    try:
        pos, wl = ids[names.index("posobiec")], ids[names.index("wikileaks")]
    except ValueError:
        fail(f"{path}: not a run of the #MacronLeaks scenario (no posobiec or wikileaks)")
    pr = [i for i in range(len(roots["author"])) if roots["author"][i] == pos]
    wr = [i for i in range(len(roots["author"])) if roots["author"][i] == wl]
    if not pr or len(wr) < 2:
        fail(f"{path}: the timeline lacks Posobiec's or WikiLeaks' posts")
    p0 = pr[0]
    w2 = ([i for i in wr if abs(roots["t"][i] - 9060.0) < 1] or [wr[-1]])[0]
    tp = roots["t"][p0]
    dt = ev["t"][ev["root"] == p0] - tp
    s = run.series
    tt = np.arange(len(s["posts_human"])) * interval
    vol = run.volume_human + run.volume_bot
    bot_vol = run.volume_bot
    win = (tt >= tp) & (tt < tp + 3.5 * 3600)
    d = delays(roots, ev)
    return {
        "posobiec_1min": int((dt <= 60).sum()),
        "posobiec_5min": int((dt <= 300).sum()),
        "posobiec_total": int(roots["size"][p0]),
        "wikileaks_2231": int(roots["size"][w2]),
        "volume_3h30": int(vol[win].sum()),
        "bots_took_part": int(run.summary["reach_bot"]),
        "bot_share": 100.0 * float(bot_vol.sum()) / max(float(vol.sum()), 1.0),
        "delay_median_min": float(np.nanmedian(d)) / 60.0,
        "delay_1h": 100.0 * float(np.mean(d <= 3600)),
    }


def delays(roots, ev):
    """Seconds from the post each person reshared (its parent's post or reshare,
    in the same cascade) to the reshare."""
    when = {}
    for r in range(len(roots["author"])):
        when[(r, int(roots["author"][r]))] = float(roots["t"][r])
    for r, a, ti in zip(ev["root"], ev["account"], ev["t"]):
        when.setdefault((int(r), int(a)), float(ti))
    people = ev["class"] != 1 if "class" in ev else np.ones(len(ev["t"]), bool)
    out = [ti - when[(int(r), int(p))] for r, p, ti in
           zip(ev["root"][people], ev["parent"][people], ev["t"][people])
           if (int(r), int(p)) in when]
    return np.array(out or [np.nan])


def observed_delays(path):
    """The same delays in an imported file of real cascades (tagcascade import)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        fail(f"{path}: cannot open as HDF5 ({e})")
    with f:
        if f.attrs.get("kind") not in ("observed", b"observed") or "cascade" not in f:
            fail(f"{path}: not a file written by 'tagcascade import'")
        roots = {k: f["summary/roots"][k][()] for k in ("author", "t")}
        ev = {k: f["cascade/events"][k][()] for k in ("t", "account", "parent", "root")}
    return delays(roots, ev)


def fmt(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if x != int(x) else f"{int(x)}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--csv", help="also write the table here")
    ap.add_argument("--observed", help="real cascades imported with 'tagcascade import' "
                    "(e.g. the Twitter15/16 trees of tests/data): their delays replace "
                    "the published delay figures")
    a = ap.parse_args(argv)
    rows = [measure(p) for p in a.runs]
    figures = list(FIGURES)
    if a.observed:
        d = observed_delays(a.observed)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
