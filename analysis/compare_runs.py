#!/usr/bin/python3
# Compare groups of tagcascade runs, e.g. the same scenario with 0, 5, 10, 20, 40 % of
# the accounts being bots: hashtag volume over the night (median over each group's
# replicates with a band) above the people reached (bots apart) and the bots' share
# of the volume. Prints the numbers as a plain-text table (and, with --csv, as CSV).
# The peak time has one definition, in the table and the figure alike: the start
# of a run's busiest bin, on the bins the figure draws (--bin), median over runs.
# Type is sized to be read on a projector.
import argparse
import csv
import glob
import math
import os
import re
import sys
import warnings

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.gridspec import GridSpec  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
import tcread  # noqa: E402
from tagcascade import TagcascadeError, scenario  # noqa: E402
from tagcascade.plots import auto_bin, rate_unit, rebin  # noqa: E402

FORMATS = (".png", ".pdf", ".svg")
BAND_MIN_RUNS = 5  # from this many replicates on the band is 10-90 %, below it min-max
MOST_POINTS = 120  # auto binning keeps the volume lines at or under this many points
CMAP = "OrRd"      # sequential: later groups (more bots) darker
FONT = 14          # points: legible on a projector at the figure's size
DEFAULT_LABELS = {"population.bots.fraction": "bots {pct:g} %"}
KEY_LABELS = {
    "population.bots.fraction": "share of accounts that are bots",
    "model.p": "human reshare probability",
    "model.p_bot": "bot reshare probability",
}


class Bad(Exception):
    """Bad input: the message is shown and the exit status is 2."""


# ---------------------------------------------------------------- runs

def parse_bin(text, interval):
    """--bin: a duration such as 10m, 1h30m, 90s (or a bare integer K: K output
    intervals) -> number of output intervals per point."""
    t = text.strip()
    if re.fullmatch(r"\d+", t):
        k = int(t)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", t)
        if not parts or "".join(a + u for a, u in parts) != t:
            raise Bad(f"--bin {text}: not a duration (e.g. 10m, 1h, 90s) or a number "
                      "of output intervals")
        unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
        secs = sum(float(a) * unit[u] for a, u in parts)
        k = secs / interval
        if abs(k - round(k)) > 1e-9:
            raise Bad(f"--bin {text}: not a whole number of output intervals "
                      f"({interval:g} s each)")
        k = int(round(k))
    if k < 1:
        raise Bad(f"--bin {text}: must be at least one output interval ({interval:g} s)")
    return k


class RunData:
    """What the comparison needs of one run file, read by name from /series."""

    def __init__(self, path):
        run = tcread.open_run(path)  # SystemExit naming the file on any problem
        s, m = run.series, run.meta
        try:
            self.t = np.asarray(s["t"], float)
            self.vol_human = np.asarray(run.volume_human, float)
            self.vol_bot = np.asarray(run.volume_bot, float)
            self.interval = float(m["interval_s"])
            if "reach" in run.summary:
                self.reach = float(run.summary["reach"])
            else:
                self.reach = float(np.sum(s["new_adopters_human"]) + np.sum(s["new_adopters_bot"]))
            # people reached, bots apart: the bots' own adoption is not an audience
            if "reach_human" in run.summary:
                self.reach_human = float(run.summary["reach_human"])
                self.reach_bot = float(run.summary.get("reach_bot", self.reach - self.reach_human))
            else:
                self.reach_human = float(np.sum(s["new_adopters_human"]))
                self.reach_bot = float(np.sum(s["new_adopters_bot"]))
        except KeyError as e:
            raise Bad(f"{path}: malformed tagcascade run (missing {e})")
        if not (self.t.shape == self.vol_human.shape == self.vol_bot.shape):
            raise Bad(f"{path}: malformed tagcascade run (series of different lengths)")
        self.path = path
        self.name = str(m.get("name", "?"))
        self.seed = m.get("seed")
        self.tz, self.start = run.tz, run.start
        self.to_clock = run.to_clock
        self.resolved = m.get("resolved")
        n, bots = m.get("graph_n"), m.get("bots")
        self.bot_share_accounts = (float(bots) / float(n) if n and bots is not None
                                   else run.summary.get("bot_share_accounts", math.nan))
        self.posts = tuple((e["t"], e["account"] or e["label"]) for e in run.events
                           if e["kind"] == "post")
        self.volume = self.vol_human + self.vol_bot
        total = float(self.volume.sum())
        self.total = total
        self.bot_share = float(self.vol_bot.sum()) / total if total > 0 else math.nan

    def peak_t(self, k):
        """The start (seconds) of the busiest bin of k output intervals: the bins
        the figure draws; NaN without volume."""
        if not self.total > 0:
            return math.nan
        return float(self.t[int(np.argmax(rebin(self.volume, k))) * k])

    def axis(self):
        return (self.start, self.interval, len(self.t))

    def describe_axis(self):
        return (f"scenario {self.name}: starts {self.start.isoformat()}, "
                f"{len(self.t)} intervals of {self.interval:g} s")


def check_axes(runs):
    """Every run must share the first run's clock: start, interval and length."""
    axes = [r.axis() for r in runs]
    common = max(axes, key=axes.count)  # the axis most files share (the first on a tie)
    ref = runs[axes.index(common)]
    bad = [r for r in runs if r.axis() != common or not np.array_equal(r.t, ref.t)]
    if bad:
        same = axes.count(common) - 1
        also = f" (and {same} other file{'s' * (same != 1)})" if same else ""
        lines = ["time axes differ, cannot compare these runs on one clock:",
                 f"  {ref.path}{also}: {ref.describe_axis()}"]
        lines += [f"  {r.path}: {r.describe_axis()}" for r in bad]
        raise Bad("\n".join(lines))


# ---------------------------------------------------------------- groups

def sort_key(v):
    """Numbers (and durations such as '300.000s') by size, then other values as text."""
    if isinstance(v, bool):
        return (1, str(v))
    if isinstance(v, (int, float)):
        return (0, float(v), "")
    if isinstance(v, str):
        m = re.fullmatch(r"([-+]?\d+(?:\.\d*)?)s", v.strip())
        if m:
            return (0, float(m.group(1)), v)
    return (1, str(v))


def group_label(fmt, key, value):
    fields = {"key": key, "value": value}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fields["pct"] = round(float(value) * 100, 10)
    try:
        return fmt.format(**fields)
    except KeyError as e:
        avail = ", ".join("{" + k + "}" for k in fields)
        raise Bad(f"--label-format {fmt!r}: unknown field {e} for value {value!r} "
                  f"(available: {avail})")
    except (ValueError, IndexError) as e:
        raise Bad(f"--label-format {fmt!r}: {e}")


def groups_by_key(runs, key, fmt):
    values = {}
    for r in runs:
        if r.resolved is None:
            raise Bad(f"{r.path}: no /meta/resolved parameters to group by {key!r}")
        try:
            tree = scenario.parse(r.resolved)
        except TagcascadeError as e:
            raise Bad(f"{r.path}: cannot read /meta/resolved ({e})")
        try:
            v = scenario.lookup(tree, key)
        except KeyError:
            raise Bad(f"{r.path}: no parameter {key!r} in /meta/resolved")
        if isinstance(v, (dict, list)):
            raise Bad(f"{r.path}: {key!r} is a section of the scenario, not a value")
        values.setdefault(v, []).append(r)
    fmt = fmt or DEFAULT_LABELS.get(key, "{key}={value}")
    out = []
    for v in sorted(values, key=sort_key):
        out.append({"label": group_label(fmt, key, v), "value": v, "runs": values[v]})
    return out


# ---------------------------------------------------------------- statistics

def band_of(rows):
    """Rows = replicates x bins -> median, low, high per bin and the band's name."""
    m = np.asarray(rows, float)
    med = np.median(m, axis=0)
    if len(m) >= BAND_MIN_RUNS:
        lo, hi = np.percentile(m, [10, 90], axis=0)
        return med, lo, hi, "10-90 %"
    return med, m.min(axis=0), m.max(axis=0), "min-max"


def nanmedian(values):
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else math.nan


def stats(group, k):
    """A group's numbers; k: output intervals per bin of the figure (peak time)."""
    runs = group["runs"]
    reach = np.array([r.reach for r in runs])
    people = np.array([r.reach_human for r in runs])
    bots = np.array([r.reach_bot for r in runs])
    vol = np.array([r.total for r in runs])
    return {
        "n": len(runs),
        "reach": reach, "reach_median": float(np.median(reach)),
        "reach_min": float(reach.min()), "reach_max": float(reach.max()),
        "people": people, "people_median": float(np.median(people)),
        "people_min": float(people.min()), "people_max": float(people.max()),
        "bots_reached": bots, "bots_reached_median": float(np.median(bots)),
        "volume_median": float(np.median(vol)),
        "bot_share": np.array([r.bot_share for r in runs]),
        "bot_share_median": nanmedian([r.bot_share for r in runs]),
        "bot_accounts_median": nanmedian([r.bot_share_accounts for r in runs]),
        "peak_t_median": nanmedian([r.peak_t(k) for r in runs]),
    }


def num(v):
    """A count or median for the table: whole numbers plain, else 4 significant digits."""
    if not np.isfinite(v):
        return "-"
    return f"{v:.0f}" if float(v).is_integer() or abs(v) >= 1000 else f"{v:.4g}"


def pct(v):
    return "-" if not np.isfinite(v) else f"{100 * v:.1f} %"


def clock(ref, seconds):
    return "-" if not np.isfinite(seconds) else ref.to_clock([seconds])[0].strftime("%a %H:%M")


def text_table(groups, ref):
    head = ["group", "replicates", "reach median [min-max]", "volume median",
            "bot share of volume (median)", "peak time (median)",
            "people reached median [min-max]"]
    rows = [head]
    for g in groups:
        s = g["stats"]
        rows.append([g["label"], str(s["n"]),
                     f"{num(s['reach_median'])} [{num(s['reach_min'])}-{num(s['reach_max'])}]",
                     num(s["volume_median"]), pct(s["bot_share_median"]),
                     clock(ref, s["peak_t_median"]),
                     f"{num(s['people_median'])} [{num(s['people_min'])}-{num(s['people_max'])}]"])
    width = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = []
    for j, r in enumerate(rows):
        cells = [c.ljust(width[i]) if i == 0 else c.rjust(width[i]) for i, c in enumerate(r)]
        lines.append("  ".join(cells).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in width))
    return "\n".join(lines)


def write_csv(path, groups, ref, k):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["group", "value", "replicates", "reach_median", "reach_min", "reach_max",
                    "volume_median", "bot_share_volume_median", "peak_time", "peak_t_s",
                    "files", "people_reached_median", "people_reached_min",
                    "people_reached_max", "bots_reached_median", "peak_bin_s"])
        for g in groups:
            s = g["stats"]
            peak = s["peak_t_median"]
            w.writerow([g["label"], "" if g.get("value") is None else g["value"], s["n"],
                        f"{s['reach_median']:g}", f"{s['reach_min']:g}",
                        f"{s['reach_max']:g}", f"{s['volume_median']:g}",
                        "" if not np.isfinite(s["bot_share_median"])
                        else f"{s['bot_share_median']:.6g}",
                        "" if not np.isfinite(peak) else ref.to_clock([peak])[0].isoformat(),
                        "" if not np.isfinite(peak) else f"{peak:g}",
                        ";".join(r.path for r in g["runs"]),
                        f"{s['people_median']:g}", f"{s['people_min']:g}",
                        f"{s['people_max']:g}", f"{s['bots_reached_median']:g}",
                        f"{k * ref.interval:g}"])


# ---------------------------------------------------------------- figure

def colours(n):
    cmap = plt.get_cmap(CMAP)
    if n == 1:
        return [cmap(0.8)]
    return [cmap(x) for x in np.linspace(0.4, 1.0, n)]


def plot(groups, ref, k, title, by, out):
    names = list(dict.fromkeys(r.name for g in groups for r in g["runs"]))
    cols = colours(len(groups))
    plt.rcParams.update({"font.size": FONT, "axes.titlesize": FONT + 2,
                         "axes.labelsize": FONT, "xtick.labelsize": FONT - 1,
                         "ytick.labelsize": FONT - 1, "legend.fontsize": FONT - 2})
    fig = plt.figure(figsize=(14, 10))
    gs = GridSpec(2, 2, figure=fig, height_ratios=[3, 2.2], width_ratios=[2.6, 1.4])
    top = fig.add_subplot(gs[0, :])
    reach_ax = fig.add_subplot(gs[1, 0])
    share_ax = fig.add_subplot(gs[1, 1])
    head = f"{title}\n" if title else ""
    what = f"{len(groups)} group{'s' * (len(groups) != 1)}" + (f" by {by}" if by else "")
    fig.suptitle(f"{head}scenario {', '.join(names)}: hashtag volume and people reached, {what}",
                 fontsize=FONT + 4)

    # Top: volume over the night, median and band per group.
    interval = ref.interval
    t0 = float(ref.t[0]) if len(ref.t) else 0.0
    bands, ymax = set(), 0.0
    handles = []
    for g, c in zip(groups, cols):
        rows = [rebin(r.volume, k) for r in g["runs"]]
        med, lo, hi, name = band_of(rows)
        bands.add(name)
        x = ref.to_clock(t0 + (np.arange(len(med)) + 0.5) * k * interval)
        top.fill_between(x, lo, hi, color=c, alpha=0.25, linewidth=0)
        runs = f"{len(rows)} run{'s' * (len(rows) != 1)}"
        handles += top.plot(x, med, color=c, lw=2.5, label=f"{g['label']} ({runs})")
        ymax = max(ymax, float(np.max(hi, initial=0)))
        # the peak time of the table: the median over runs of their busiest bin
        peak = g["stats"]["peak_t_median"]
        if np.isfinite(peak):
            when = ref.to_clock([peak + k * interval / 2])[0]
            top.plot([when], [1.0], marker="v", ms=13, color=c, mec="0.2", mew=0.8,
                     transform=top.get_xaxis_transform(), clip_on=False, zorder=6)
    posts = {r.posts for g in groups for r in g["runs"]}
    if len(posts) == 1:  # every run has the same timeline posts: mark them
        evs = sorted(next(iter(posts)))
        span = max(len(ref.t) * interval, interval)
        prev_t, prev_y = None, 0.98
        for t, who in evs:
            when = ref.to_clock([t])[0]
            top.axvline(when, color="0.45", ls="--", lw=0.8, zorder=0)
            if len(evs) > 12:
                continue
            # names of posts close in time alternate in height so they stay legible
            close = prev_t is not None and t - prev_t < 0.04 * span
            y = (0.62 if prev_y > 0.9 else 0.98) if close else 0.98
            top.text(when, y, f" {who} ", transform=top.get_xaxis_transform(),
                     rotation=90, va="top", ha="right", fontsize=FONT - 3, color="0.3",
                     bbox=dict(facecolor="white", edgecolor="none", alpha=0.7, pad=0.5))
            prev_t, prev_y = t, y
    band_text = ("10-90 % of replicates" if bands == {"10-90 %"} else
                 "min-max of replicates" if bands == {"min-max"} else
                 f"10-90 % (min-max where < {BAND_MIN_RUNS} replicates)")
    single = all(g["stats"]["n"] == 1 for g in groups)
    if not single:
        handles.append(Patch(color="0.5", alpha=0.3, label=f"band: {band_text}"))
    handles.append(Line2D([], [], ls="", marker="v", ms=11, color="0.5", mec="0.2",
                          label="peak time (table)"))
    top.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1),
               fontsize=FONT - 2, title="one run per group" if single else
               "median over replicates", title_fontsize=FONT - 2)
    top.set_ylabel(f"hashtag volume\n(posts + reshares {rate_unit(interval * k)})")
    top.set_ylim(0, max(1.0, ymax) * 1.1)
    top.grid(True, alpha=0.3)
    tcread.clock_axis(top, ref.tz)
    # at most 7 ticks: "Sat 21:00" labels at this size must not touch
    import matplotlib.dates as mdates
    top.xaxis.set_major_locator(mdates.AutoDateLocator(tz=ref.tz, minticks=3, maxticks=7))

    # Bottom left: the people reached (bots apart: a bot's own adoption reaches
    # no one), one dot per replicate and the median; the bots that took part as
    # crosses beside them.
    rng = np.random.default_rng(0)  # fixed jitter: the same files give the same figure
    pos = np.arange(len(groups))
    for i, (g, c) in enumerate(zip(groups, cols)):
        s = g["stats"]
        jit = rng.uniform(-0.12, 0.12, s["n"]) if s["n"] > 1 else np.zeros(1)
        reach_ax.scatter(i + jit, s["people"], s=40, color=c, edgecolor="0.2", linewidth=0.5,
                         alpha=0.85, zorder=3)
        reach_ax.plot([i - 0.28, i + 0.28], [s["people_median"]] * 2, color="0.1", lw=2.5,
                      zorder=4)
        reach_ax.annotate(num(s["people_median"]), (i + 0.3, s["people_median"]),
                          fontsize=FONT - 2, va="center", color="0.1")
        if s["bots_reached_median"] > 0:
            reach_ax.scatter([i + 0.15], [s["bots_reached_median"]], marker="x", s=50,
                             color="0.45", zorder=3)
    meds = [g["stats"]["people_median"] for g in groups]
    if by and all(isinstance(g["value"], (int, float)) for g in groups) and len(groups) > 1:
        reach_ax.plot(pos, meds, color="0.5", lw=1, ls=":", zorder=2)
    reach_ax.legend(handles=[Line2D([], [], ls="", marker="o", color="0.6", mec="0.2",
                                    label="people reached, one run"),
                             Line2D([], [], color="0.1", lw=2.5, label="median"),
                             Line2D([], [], ls="", marker="x", color="0.45",
                                    label="bots that took part (median)")],
                    loc="best", fontsize=FONT - 3)
    top_reach = max([float(g["stats"]["people_max"]) for g in groups] +
                    [float(g["stats"]["bots_reached_median"]) for g in groups] + [1.0])
    reach_ax.set_ylim(0, top_reach * 1.15)
    reach_ax.set_ylabel("people reached\n(people who used the hashtag)")

    # Bottom right: the bots' share of the volume (and of the accounts).
    for i, (g, c) in enumerate(zip(groups, cols)):
        s = g["stats"]
        v = s["bot_share"][np.isfinite(s["bot_share"])] * 100
        if len(v):
            jit = rng.uniform(-0.12, 0.12, len(v)) if len(v) > 1 else np.zeros(1)
            share_ax.scatter(i + jit, v, s=18, color=c, edgecolor="0.2", linewidth=0.4,
                             alpha=0.8, zorder=3)
            share_ax.plot([i - 0.28, i + 0.28], [s["bot_share_median"] * 100] * 2,
                          color="0.1", lw=2.2, zorder=4)
        else:
            share_ax.text(i, 50, "no\nvolume", ha="center", va="center", fontsize=FONT - 4,
                          color="0.4")
        if np.isfinite(s["bot_accounts_median"]):
            share_ax.scatter([i], [s["bot_accounts_median"] * 100], marker="x", s=30,
                             color="tab:blue", zorder=5)
    share_ax.legend(handles=[Line2D([], [], color="0.1", lw=2.2, label="share of volume"),
                             Line2D([], [], ls="", marker="x", color="tab:blue",
                                    label="share of accounts")],
                    loc="upper left", fontsize=FONT - 4)
    share_ax.set_ylim(0, 105)
    share_ax.set_ylabel("bots' share (%)")

    labels = [g["label"] for g in groups]
    for ax, room in ((reach_ax, 60), (share_ax, 26)):  # about this many characters fit
        tilt = len(groups) * (max(len(x) for x in labels) + 2) > room
        ax.set_xticks(pos, labels, rotation=30 if tilt else 0,
                      ha="right" if tilt else "center", fontsize=FONT - 2)
        ax.set_xlim(-0.6, len(groups) - 0.4)
        ax.grid(True, axis="y", alpha=0.3)
    reach_ax.set_xlabel(f"{by} ({KEY_LABELS[by]})" if by in KEY_LABELS else (by or "group"))
    share_ax.set_xlabel("group")

    counts = ", ".join(f"{g['label']}: {g['stats']['n']}" for g in groups)
    lines = ("Lines: one run per group." if single else
             f"Lines: median over a group's replicates; band: {band_text}.")
    caption = (f"Replicates per group: {counts}. {lines} "
               f"Volume added up per {rate_unit(interval * k)[4:]}; peak time (triangles, "
               f"and the table): the start of each run's busiest {rate_unit(interval * k)[4:]}, "
               "median over the group's runs.")
    fig.text(0.01, 0.008, caption, fontsize=FONT - 3, color="0.25", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(out, dpi=120)
    plt.close(fig)


# ---------------------------------------------------------------- command line

class AppendGroup(argparse.Action):
    def __call__(self, parser, ns, values, option_string=None):
        if len(values) < 2:
            parser.error(f"{option_string} needs a label and at least one file")
        getattr(ns, self.dest).append(values)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compare groups of tagcascade runs (e.g. 0, 5, 10, 20, 40 %% bots): "
                    "hashtag volume over time (median and band over each group's "
                    "replicates) above the final reach and the bots' share of the volume. "
                    "Prints a table of the numbers.",
        epilog="examples:\n"
               "  compare_runs.py --by population.bots.fraction runs/*.h5 -o bots.png\n"
               "  compare_runs.py --group 'no bots' a1.h5 a2.h5 --group 'bots' b1.h5 b2.h5\n"
               "All runs must share one time axis (start, output interval, length).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", metavar="FILE.h5", help="tagcascade run files")
    p.add_argument("--by", metavar="KEY",
                   help="group the files by a parameter of their resolved scenario "
                        "(dotted key, e.g. population.bots.fraction, model.p); groups "
                        "are sorted by its value")
    p.add_argument("--group", nargs="+", action=AppendGroup, default=[],
                   metavar=("LABEL", "FILE"),
                   help="an explicit group: its label then its files (repeat the option "
                        "for each group; groups keep their order)")
    p.add_argument("--label-format", metavar="FMT",
                   help="with --by: Python format of the group labels, fields {key}, "
                        "{value} and, for numbers, {pct} (value x 100); default "
                        "'bots {pct:g} %%' for population.bots.fraction, else '{key}={value}'")
    p.add_argument("-o", "--output", metavar="OUT.png", default="compare.png",
                   help="output figure, format from the extension: .png, .pdf or .svg "
                        "(default compare.png)")
    p.add_argument("--title", help="figure title, shown above the scenario name")
    p.add_argument("--bin", metavar="DURATION",
                   help="add up the volume per DURATION (e.g. 10m, 1h; a bare number K "
                        "means K output intervals); default: a round duration that keeps "
                        f"each line to at most {MOST_POINTS} points")
    p.add_argument("--csv", metavar="OUT.csv", help="also write the table as CSV")
    a = p.parse_args(argv)

    if os.path.splitext(a.output)[1].lower() not in FORMATS:
        p.error(f"output {a.output}: extension must be one of {', '.join(FORMATS)}")
    for out in (a.output, a.csv):
        d = os.path.dirname(out) if out else ""
        if d and not os.path.isdir(d):
            p.error(f"output {out}: no such directory {d}")
    if a.group and (a.files or a.by):
        p.error("--group lists its own files: it does not go with FILE arguments or --by")
    if a.label_format and not a.by:
        p.error("--label-format formats the groups of --by")
    if not a.group and not a.files:
        p.error("no run files given")

    try:
        cache = {}

        def load(path):
            if path not in cache:
                try:
                    cache[path] = RunData(path)
                except SystemExit as e:
                    raise Bad(str(e.code))
            return cache[path]

        if a.group:
            groups = [{"label": g[0], "value": None, "runs": [load(f) for f in g[1:]]}
                      for g in a.group]
        else:
            runs = [load(f) for f in a.files]
            if a.by:
                groups = groups_by_key(runs, a.by, a.label_format)
            else:
                names = [os.path.basename(r.path) for r in runs]
                if len(set(names)) < len(names):  # same file names in several folders
                    names = [r.path for r in runs]
                groups = [{"label": n, "value": None, "runs": [r]} for n, r in zip(names, runs)]
        allruns = [r for g in groups for r in g["runs"]]
        check_axes(allruns)
        ref = allruns[0]
        k = (parse_bin(a.bin, ref.interval) if a.bin
             else auto_bin(len(ref.t), ref.interval, most=MOST_POINTS))
    except Bad as e:
        p.error(str(e))  # exits with status 2

    for g in groups:
        g["stats"] = stats(g, k)
    plot(groups, ref, k, a.title, a.by, a.output)
    if a.csv:
        write_csv(a.csv, groups, ref, k)
    print(text_table(groups, ref))
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
