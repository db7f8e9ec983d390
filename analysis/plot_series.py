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
    return f"per {interval_s:g} s"


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Plot hashtag volume and cumulative reach/exposure of a tagcascade run.")
    p.add_argument("file", metavar="FILE.h5", help="tagcascade run file (HDF5)")
    p.add_argument("-o", "--output", metavar="FIG.png", required=True,
                   help="output figure; format from the extension (.png or .pdf)")
    p.add_argument("--title", help="figure title, shown above the scenario name and seed")
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

    # Top: volume per interval, human and bot stacked, as steps over each interval.
    x = np.append(run.times, run.to_clock([s["t"][-1] + interval])) if len(run.times) else run.times
    h = np.append(run.volume_human, run.volume_human[-1:])
    b = np.append(run.volume_bot, run.volume_bot[-1:])
    top.stackplot(x, h, b, labels=["human", "bot"], colors=["tab:blue", "tab:red"],
                  step="post", linewidth=0)
    top.set_ylabel(f"hashtag volume\n(posts + reshares {rate_unit(interval)})")
    top.set_ylim(0, max(1, (h + b).max(initial=0)) * 1.15)  # headroom for event labels

    # Timeline posts: dashed line on both panels, account name on the top one.
    # A label goes left of its line, or right when the previous post is close by.
    span = max(len(s["t"]) * interval, interval)
    prev_t, prev_left = None, False
    for ev in sorted((e for e in run.events if e["kind"] == "post"), key=lambda e: e["t"]):
        when = run.to_clock([ev["t"]])[0]
        for ax in (top, bot):
            ax.axvline(when, color="0.3", ls="--", lw=0.8)
        left = not (prev_left and ev["t"] - prev_t < 0.02 * span)
        top.text(when, 0.98, " " + (ev["account"] or ev["label"]) + " ",
                 transform=top.get_xaxis_transform(), rotation=90, va="top",
                 ha="right" if left else "left", fontsize=8, color="0.2")
        prev_t, prev_left = ev["t"], left
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
