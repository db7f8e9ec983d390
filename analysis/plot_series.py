#!/usr/bin/python3
# Plot one tagcascade run: hashtag volume per interval (human vs bot, with timeline
# posts marked) above cumulative reach and exposure, against local clock time.
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcread  # noqa: E402


def rate_unit(interval_s):
    if interval_s == 60:
        return "per minute"
    if interval_s % 60 == 0:
        return f"per {interval_s / 60:g} min"
    return f"per {interval_s:g} s"


def auto_bin(n_intervals, interval_s, most=300):
    """Intervals per plotted bar: the smallest round number of minutes (or 1)
    that keeps the bars at or under `most`, so bursts do not hide the night."""
    for k in (1, 2, 5, 10, 15, 30, 60, 120, 240):
        if n_intervals / k <= most:
            return k
    return int(np.ceil(n_intervals / most))


def rebin(v, k):
    pad = (-len(v)) % k
    return np.append(v, np.zeros(pad, v.dtype)).reshape(-1, k).sum(axis=1)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Plot hashtag volume and cumulative reach/exposure of a tagcascade run.")
    p.add_argument("file", metavar="FILE.h5", help="tagcascade run file (HDF5)")
    p.add_argument("-o", "--output", metavar="FIG.png", required=True,
                   help="output figure; format from the extension (.png or .pdf)")
    p.add_argument("--title", help="figure title, shown above the scenario name and seed")
    p.add_argument("--bin", type=int, metavar="K",
                   help="add up K output intervals per bar of the volume panel "
                        "(default: as few as keep it to 300 bars)")
    a = p.parse_args(argv)

    if os.path.splitext(a.output)[1].lower() not in (".png", ".pdf"):
        p.error(f"output {a.output}: extension must be .png or .pdf")
    try:
        run = tcread.open_run(a.file)
    except SystemExit as e:
        p.error(str(e))  # exits with status 2

    m, s = run.meta, run.series
    interval = float(m["interval_s"])
    title = f"scenario {m.get('name', '?')}, seed {m.get('seed', '?')}"
    if a.title:
        title = f"{a.title}\n{title}"

    fig, (top, bot) = plt.subplots(2, 1, sharex=True, figsize=(11, 6.5),
                                   gridspec_kw={"height_ratios": [3, 2]})
    fig.suptitle(title)

    # Top: volume per bin of K intervals, human and bot stacked, as steps.
    k = a.bin if a.bin and a.bin > 0 else auto_bin(len(s["t"]), interval)
    x = np.append(run.times, run.to_clock([s["t"][-1] + interval])) if len(run.times) else run.times
    hv, bv = rebin(run.volume_human, k), rebin(run.volume_bot, k)
    xb = run.to_clock(np.arange(len(hv) + 1) * k * interval)
    h = np.append(hv, hv[-1:])
    b = np.append(bv, bv[-1:])
    top.stackplot(xb, h, b, labels=["human", "bot"], colors=["tab:blue", "tab:red"],
                  step="post", linewidth=0)
    top.set_ylabel(f"hashtag volume\n(posts + reshares {rate_unit(interval * k)})")
    top.set_ylim(0, max(1, (h + b).max(initial=0)) * 1.15)  # headroom for event labels

    # Timeline posts: dashed line on both panels, account name on the top one.
    # Labels of posts close in time are staggered in height so they stay legible.
    span = max(len(s["t"]) * interval, interval)
    prev_t, prev_y = None, 0.98
    for ev in sorted((e for e in run.events if e["kind"] == "post"), key=lambda e: e["t"]):
        when = run.to_clock([ev["t"]])[0]
        for ax in (top, bot):
            ax.axvline(when, color="0.3", ls="--", lw=0.8)
        close = prev_t is not None and ev["t"] - prev_t < 0.04 * span
        y = (0.62 if prev_y > 0.9 else 0.98) if close else 0.98
        top.text(when, y, " " + (ev["account"] or ev["label"]) + " ",
                 transform=top.get_xaxis_transform(), rotation=90, va="top",
                 ha="right", fontsize=8, color="0.2",
                 bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=0.5))
        prev_t, prev_y = ev["t"], y
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1), title="volume by class")

    # Bottom: cumulative accounts that used / saw the hashtag.
    reach = np.cumsum(s["new_adopters_human"] + s["new_adopters_bot"])
    exposed = np.cumsum(s["new_exposed_human"] + s["new_exposed_bot"])
    bot.step(x, np.append(exposed, exposed[-1:]), where="post", color="tab:orange",
             label="exposed (saw it)")
    bot.step(x, np.append(reach, reach[-1:]), where="post", color="tab:green",
             label="reach (used it)")
    bot.set_ylabel("accounts (cumulative)")
    bot.set_ylim(bottom=0)
    bot.legend(loc="upper left", bbox_to_anchor=(1.01, 1))

    for ax in (top, bot):
        ax.grid(True, alpha=0.3)
    tcread.clock_axis(bot, run.tz)
    fig.tight_layout()
    fig.savefig(a.output, dpi=120)
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
