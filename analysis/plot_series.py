#!/usr/bin/python3
# Plot one tagcascade run: hashtag volume per interval (human vs bot, with timeline
# posts marked) above cumulative reach and exposure, against local clock time.
import argparse
import glob
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
import tcread  # noqa: E402
from tagcascade.plots import auto_bin, rate_unit, rebin  # noqa: E402


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

    m = run.meta
    title = f"scenario {m.get('name', '?')}, seed {m.get('seed', '?')}"
    if a.title:
        title = f"{a.title}\n{title}"

    fig = draw(run, title, a.bin)
    fig.savefig(a.output, dpi=120)
    print(a.output)
    return 0


# the interventions of the timeline, as the figure names them
INTERVENTIONS = {"silence": "silence", "damping": "damping", "takedown": "takedown",
                 "debunk": "debunk", "bot_wave": "bot wave"}


def draw(run, title, k=None):
    """The figure of a run: volume by class over time with the timeline's posts
    and interventions marked and the trending intervals shaded; below, the
    accounts reached and exposed, or a step rule's compartments."""
    m, s = run.meta, run.series
    interval = float(m["interval_s"])
    fig, (top, bot) = plt.subplots(2, 1, sharex=True, figsize=(11, 6.5),
                                   gridspec_kw={"height_ratios": [3, 2]})
    fig.suptitle(title)

    # Top: volume per bin of K intervals, human and bot stacked, as steps; the
    # bot layer only when bots posted.
    k = k if k and k > 0 else auto_bin(len(s["t"]), interval)
    x = np.append(run.times, run.to_clock([s["t"][-1] + interval])) if len(run.times) else run.times
    hv, bv = rebin(run.volume_human, k), rebin(run.volume_bot, k)
    xb = run.to_clock(np.arange(len(hv) + 1) * k * interval)
    h = np.append(hv, hv[-1:])
    b = np.append(bv, bv[-1:])
    if b.any():
        top.stackplot(xb, h, b, labels=["human", "bot"], colors=["tab:blue", "tab:red"],
                      step="post", linewidth=0)
    else:
        top.stackplot(xb, h, labels=["human"], colors=["tab:blue"], step="post", linewidth=0)
    top.set_ylabel(f"hashtag volume\n(posts + reshares {rate_unit(interval * k)})")
    top.set_ylim(0, max(1, (h + b).max(initial=0)) * 1.15)  # headroom for event labels

    # Trending: the intervals in which the tag trended, shaded.
    tr = s.get("trending")
    if tr is not None and np.any(tr):
        on = np.flatnonzero(np.diff(np.concatenate([[0], (tr > 0).astype(int), [0]])))
        for i0, i1 in zip(on[::2], on[1::2]):
            t0, t1 = run.to_clock([s["t"][0] + i0 * interval, s["t"][0] + i1 * interval])
            top.axvspan(t0, t1, color="gold", alpha=0.3, lw=0, zorder=0,
                        label="trending" if i0 == on[0] else None)

    # Timeline posts (dashed) and interventions (dotted, purple): a line on both
    # panels, the name on the top one. Labels close in time are staggered in
    # height, over three levels, so they stay apart.
    span = max(len(s["t"]) * interval, interval)
    marks = sorted((e for e in run.events if e["kind"] == "post" or e["kind"] in INTERVENTIONS),
                   key=lambda e: e["t"])
    levels = (0.98, 0.66, 0.34)
    prev_t, level = None, 0
    for ev in marks:
        when = run.to_clock([ev["t"]])[0]
        post = ev["kind"] == "post"
        for ax in (top, bot):
            ax.axvline(when, color="0.3" if post else "tab:purple", ls="--" if post else ":",
                       lw=0.8 if post else 1.2)
        level = (level + 1) % len(levels) if prev_t is not None and ev["t"] - prev_t < 0.04 * span else 0
        text = (ev["account"] or ev["label"]) if post else INTERVENTIONS[ev["kind"]]
        top.text(when, levels[level], " " + text + " ", transform=top.get_xaxis_transform(),
                 rotation=90, va="top", ha="right", fontsize=8,
                 color="0.2" if post else "tab:purple",
                 bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=0.5))
        prev_t = ev["t"]
    top.legend(loc="upper left", bbox_to_anchor=(1.01, 1), title="volume by class")

    if run.states:
        # Bottom: a step rule's compartments, the accounts in each state.
        c = s["compartments"]
        for j, name in enumerate(run.states):
            bot.step(x, np.append(c[:, j], c[-1:, j]), where="post", label=name)
        bot.set_ylabel("accounts in each state")
    else:
        # Bottom: cumulative accounts that used / saw the hashtag.
        reach = np.cumsum(s["new_adopters_human"] + s["new_adopters_bot"])
        if "new_exposed_human" in s:  # absent under output.exposures: false
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
    return fig


if __name__ == "__main__":
    sys.exit(main())
