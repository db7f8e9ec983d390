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
        roots = {k: f["summary/roots"][k][()] for k in ROOT_COLS}
        if "class" not in f["cascade/events"]:
            fail(f"{path}: /cascade/events has no class column (written since schema 1.1)")
        ev = {k: f["cascade/events"][k][()]
              for k in ("t", "account", "parent", "root", "class", "depth")}
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
    hours = np.floor(tt / 3600.0).astype(int)
    hourly = np.bincount(hours, weights=vol, minlength=int(hours.max()) + 1)
    hourly_bot = np.bincount(hours, weights=bot_vol, minlength=int(hours.max()) + 1)
    total = max(float(vol.sum()), 1.0)
    return {
        "_hourly": hourly, "_hourly_bot": hourly_bot, "_roots": roots, "_ev": ev,
        "vol_before": 100.0 * float(vol[tt < tp].sum()) / total,
        "vol_13h": 100.0 * float(vol[(tt >= tp) & (tt < tp + 13 * 3600)].sum()) / total,
        "vol_after_13h": 100.0 * float(vol[tt >= tp + 13 * 3600].sum()) / total,
        "vol_day": [100.0 * float(vol[(tt >= lo) & (tt < hi)].sum()) / total
                    for lo, hi in ((0, 8 * 3600), (8 * 3600, 32 * 3600), (32 * 3600, np.inf))],
        "volume": int(vol.sum()),
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


ROOT_COLS = ("author", "t", "size", "depth", "structural_virality", "t_10", "t_100")


def shape(roots, ev, min_size):
    """The cascades of at least min_size reshares: the medians of depth,
    structural virality, size and time to 10 and 100 reshares (NaN where never
    reached counts as never: the median is over those that were), and the share
    of their reshares made straight from the original post."""
    size = np.asarray(roots["size"])
    keep = size >= min_size
    rows = np.flatnonzero(keep)
    out = {"n": int(keep.sum())}
    for k in ("size", "depth", "structural_virality", "t_10", "t_100"):
        v = np.asarray(roots[k], float)[keep]
        v = v[np.isfinite(v)]
        out[k] = float(np.median(v)) if len(v) else float("nan")
    out["mean_size"] = float(size[keep].mean()) if keep.any() else float("nan")
    sel = np.isin(ev["root"], rows)
    d = np.asarray(ev["depth"])[sel]
    out["depth1"] = 100.0 * float(np.mean(d == 1)) if len(d) else float("nan")
    return out


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


def observed(path):
    """The roots table and the events of an imported file of real cascades
    (tagcascade import)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        fail(f"{path}: cannot open as HDF5 ({e})")
    with f:
        if f.attrs.get("kind") not in ("observed", b"observed") or "cascade" not in f:
            fail(f"{path}: not a file written by 'tagcascade import'")
        roots = {k: f["summary/roots"][k][()] for k in ROOT_COLS}
        ev = {k: f["cascade/events"][k][()] for k in ("t", "account", "parent", "root", "depth")}
    return roots, ev


def fmt(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if x != int(x) else f"{int(x)}"


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
    rows = [measure(p) for p in a.runs]
    figures = list(FIGURES)
    obs = None
    if a.observed:
        obs = observed(a.observed)
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
