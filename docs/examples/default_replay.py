#!/usr/bin/python3
"""Worked example 1: the #MacronLeaks replay from Python, start to finish.

    /usr/bin/python3 docs/examples/default_replay.py                 # the replay: about 6 s
    /usr/bin/python3 docs/examples/default_replay.py --quick         # classroom-sized: about 2 s
    /usr/bin/python3 docs/examples/default_replay.py --set model.p=0.06 --out out/p06

Read it top to bottom: each step is one thing a researcher does with a run.

  1. run a scenario with tagcascade.run() and get the run back
  2. the counters per output interval as a pandas DataFrame: the busiest
     minute, and how much of the hashtag people and bots posted
  3. the same counters as an xarray Dataset, with a community axis
  4. the cascades, one row each: the largest ones and who started them
  5. one figure, saved as PNG

It writes into --out (default ./out): replay.h5 (the run), replay.csv (the
DataFrame of step 2) and replay.png (the figure of step 5). Any problem (a
scenario the program refuses, a file it cannot read) is printed and the exit
status is 2.
"""
import argparse
import os
import sys

# matplotlib draws into files here, never on a screen: choose the file backend
# before pyplot is imported.
import matplotlib
matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

# The package tagcascade lives in analysis/ of the source tree; `make install`
# puts it where Debian's python3 finds it. From the source tree, put analysis/
# first on the path so this example uses the package of the same tree.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if os.path.isdir(os.path.join(ROOT, "analysis", "tagcascade")):
    sys.path.insert(0, os.path.join(ROOT, "analysis"))
import tagcascade  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run the #MacronLeaks replay and read it as "
                                 "pandas and xarray: busiest minute, people and bots, "
                                 "largest cascades, one figure.")
    ap.add_argument("--out", default="out", metavar="DIR",
                    help="folder for replay.h5, replay.csv and replay.png (default ./out)")
    ap.add_argument("--quick", action="store_true",
                    help="the classroom replay (scenarios/classroom.yaml: the same night on "
                         "40,000 accounts over 24 h, 10-minute intervals) instead of the full one")
    ap.add_argument("--scenario", metavar="FILE",
                    help="another scenario (default scenarios/macronleaks.yaml)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="change a scenario value, as `tagcascade run --set` (repeatable)")
    ap.add_argument("--seed", type=int, help="another seed (default: the scenario's)")
    a = ap.parse_args(argv)
    try:
        return replay(a)
    except tagcascade.TagcascadeError as e:
        # the package raises, it never exits: the script decides what a
        # problem means, here a message and status 2
        print(f"default_replay.py: {e}", file=sys.stderr)
        return 2


def replay(a):
    scenario = a.scenario or os.path.join(
        ROOT, "scenarios", "classroom.yaml" if a.quick else "macronleaks.yaml")
    sets = {}
    for kv in a.set:
        key, eq, value = kv.partition("=")
        if not eq:
            raise tagcascade.TagcascadeError(f"--set {kv}: expected KEY=VALUE")
        sets[key] = value
    os.makedirs(a.out, exist_ok=True)

    # ------------------------------------------------------------ 1. run it
    # tagcascade.run() calls the program (`tagcascade run SCENARIO --set ... -o
    # FILE`), waits, and opens the file it wrote. The program is
    # $TAGCASCADE_BIN, else `tagcascade` on PATH, else the source tree's
    # build/tagcascade. The file stays: open it again later with
    # tagcascade.open("out/replay.h5") without running anything.
    path = os.path.join(a.out, "replay.h5")
    run = tagcascade.run(scenario, sets, output=path, seed=a.seed)
    m = run.meta   # the file's /meta attributes: name, seed, start, interval_s ...
    print(f"scenario {m['name']}, seed {m['seed']}: {int(m['graph_n']):,} accounts, "
          f"{int(m['bots']):,} of them bots")
    print(f"run file: {path}")

    # ------------------------------------------------------------ 2. pandas
    # frame(): one row per output interval, indexed by its start in the
    # scenario's clock time (a tz-aware DatetimeIndex, here Paris time), one
    # column per counter and class: posts_human, reshares_bot, ... and
    # volume_human / volume_bot (timeline posts + own posts + reshares: every
    # message that carried the hashtag).
    df = run.frame()
    df["volume"] = df["volume_human"] + df["volume_bot"]
    df.to_csv(os.path.join(a.out, "replay.csv"))  # for R, a spreadsheet, ...

    # The busiest interval: idxmax() gives the index label, i.e. the time.
    interval = float(m["interval_s"])
    what = "minute" if interval == 60 else f"{interval / 60:g} minutes"
    peak = df["volume"].idxmax()
    print(f"busiest {what}: {peak.isoformat()} ({peak:%a %H:%M}), "
          f"{int(df.loc[peak, 'volume']):,} posts and reshares")

    # Who posted: add up the columns over the whole run.
    total = int(df["volume"].sum())
    people, bots = int(df["volume_human"].sum()), int(df["volume_bot"].sum())
    print(f"hashtag volume: {total:,} posts and reshares")
    if total:
        print(f"  by people: {people:,} ({100 * people / total:.1f} %)")
        print(f"  by bots:   {bots:,} ({100 * bots / total:.1f} %)")
    # The bots' share of the messages against their share of the accounts: a
    # few bots can carry much of a hashtag.
    print(f"  bots are {100 * int(m['bots']) / int(m['graph_n']):.1f} % of the accounts")
    # run.summary holds the file's /summary scalars: the accounts that used the
    # hashtag (reach), people and bots apart.
    print(f"accounts that used it: {int(run.summary['reach_human']):,} people, "
          f"{int(run.summary['reach_bot']):,} bots")

    # ------------------------------------------------------------ 3. xarray
    # to_xarray(): the same counters as an xarray Dataset with a time axis
    # (datetime64, UTC) and, for the *_by_community counters, a community axis
    # named by the scenario's communities. Sums, means and selections go by
    # axis name.
    ds = run.to_xarray()
    reshares = ds["reshares_by_community"].sum("time")
    print("reshares by community:")
    for name in ds["community"].values:
        n = int(reshares.sel(community=name))
        share = 100 * n / max(int(reshares.sum()), 1)
        print(f"  {name:<16} {n:>9,} ({share:.1f} %)")

    # ------------------------------------------------------------ 4. cascades
    # cascades(): one row per original post (timeline posts and the posts
    # people and bots wrote themselves); `size` counts its reshares, `depth`
    # its longest chain, `structural_virality` how far from a broadcast it is
    # (1 or 2: one account reached everyone; larger: a chain of people).
    c = run.cascades()
    top = c.nlargest(5, "size")
    print("largest cascades:")
    print(f"  {'rank':>4}  {'posted':<9}  {'by':<16}  {'size':>7}  {'depth':>5}  "
          f"{'virality':>8}  {'bot reshares':>12}")
    for rank, (_, r) in enumerate(top.iterrows(), 1):
        by = r["author_name"] or f"account {r['author']}"
        print(f"  {rank:>4}  {r['time']:%a %H:%M}  {by:<16}  {int(r['size']):>7,}  "
              f"{int(r['depth']):>5}  {r['structural_virality']:>8.2f}  "
              f"{int(r['bot_reshares']):>12,}")

    # ------------------------------------------------------------ 5. a figure
    # Top: the volume per 10 minutes (resample() adds up the rows of each 10
    # minutes), people and bots stacked, the timeline's posts marked. Bottom:
    # the people reached in each community, cumulated over time.
    png = os.path.join(a.out, "replay.png")
    draw(run, df, ds, png)
    print(f"figure: {png}")
    return 0


def draw(run, df, ds, png):
    tz = df.index.tz
    step = max(float(run.meta["interval_s"]), 600.0)
    binned = df[["volume_human", "volume_bot"]].resample(f"{step:.0f}s").sum()
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(11, 7),
                                      gridspec_kw={"height_ratios": [3, 2]})
    fig.suptitle(f"#MacronLeaks replay (scenario {run.meta['name']}, seed {run.meta['seed']}): "
                 "who carried the hashtag")

    # stairs with `step="post"`: each bin's value holds from its start to the next
    x = binned.index
    top.stackplot(x, binned["volume_human"], binned["volume_bot"], step="post",
                  labels=["people", "bots"], colors=["tab:blue", "tab:red"], linewidth=0)
    top.set_ylabel(f"hashtag volume\n(posts + reshares per {step / 60:g} min)")
    top.set_ylim(0, binned.sum(axis=1).max() * 1.25 + 1)  # room for the labels
    # the timeline's posts (run.events: kind, t in seconds, account, label)
    posts = [e for e in run.events if e["kind"] == "post"]
    for k, e in enumerate(posts):
        when = df.index[0] + pd.Timedelta(seconds=e["t"])
        top.axvline(when, color="0.3", ls="--", lw=0.8)
        top.text(when, 0.98 - 0.2 * (k % 3), f" {e['account']} ", rotation=90, va="top",
                 ha="right", fontsize=8, color="0.2", transform=top.get_xaxis_transform(),
                 bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=0.5))
    top.legend(loc="upper right", title="posted by")

    # xarray: cumulative sum along the time axis, one line per community
    reached = ds["new_adopters_by_community"].cumsum("time")
    for name in ds["community"].values:
        bottom.step(df.index, reached.sel(community=name).values, where="post",
                    label=str(name))
    bottom.set_ylabel("accounts reached\n(used the hashtag, cumulative)")
    bottom.set_ylim(bottom=0)
    bottom.legend(loc="upper left", title="community")

    # time in the scenario's clock (Paris time for the replay), weekday and hour
    for ax in (top, bottom):
        ax.grid(True, alpha=0.3)
    bottom.xaxis.set_major_locator(mdates.AutoDateLocator(tz=tz, maxticks=9))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%a %H:%M", tz=tz))
    bottom.set_xlabel(f"time ({tz})")
    bottom.set_xlim(df.index[0], df.index[-1])
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
