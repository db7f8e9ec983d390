#!/usr/bin/python3
# Plot a tagcascade sweep: a summary metric against a swept key (median and 10-90 %
# band over replicates), a heatmap over two keys, or each point's time series.
import argparse
import glob
import os
import sys
import warnings

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
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
from tagcascade.plots import auto_bin, rate_unit, rebin  # noqa: E402

# axis labels of the /summary metrics (others: the name itself); peak_t is shown in hours
METRIC_LABELS = {
    "reach": "reach (accounts that used the hashtag)",
    "reach_human": "reach among humans (accounts)",
    "reach_bot": "reach among bots (accounts)",
    "exposed": "exposed (accounts that saw the hashtag)",
    "exposed_human": "exposed humans (accounts)",
    "exposed_bot": "exposed bots (accounts)",
    "posts": "original posts",
    "reshares": "reshares",
    "reshares_human": "reshares by humans",
    "reshares_bot": "reshares by bots",
    "volume": "hashtag volume (posts + reshares)",
    "peak_t": "busiest interval (hours after start)",
    "peak_volume": "volume in the busiest interval (posts + reshares)",
    "bot_share_volume": "bot share of the volume (0-1)",
    "bot_share_accounts": "bot share of the accounts (0-1)",
    "max_depth": "deepest cascade (hops)",
    "max_breadth": "most reshares at one depth",
    "cascades": "cascades with at least one reshare",
    "largest_size": "largest cascade (reshares)",
    "largest_structural_virality": "structural virality of the largest cascade (hops)",
    "mean_structural_virality": "mean structural virality (hops)",
}
METRIC_SCALE = {"peak_t": 1 / 3600.0}
KEY_LABELS = {
    "population.bots.fraction": "share of accounts that are bots",
    "model.p": "human reshare probability",
    "model.p_bot": "bot reshare probability",
}
SERIES_LABELS = {
    "volume": "hashtag volume (posts + reshares)",
    "posts": "original posts",
    "reshares": "reshares",
    "new_adopters": "new adopters (first use)",
    "new_exposed": "newly exposed accounts (first sight)",
}
CLASSES = {"human": "humans", "bot": "bots"}


def fmt(v):
    return f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)


def cell(v):
    """A heatmap cell's value: whole numbers with thousands separators, else 3 digits."""
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"


def key_label(key):
    return f"{key} ({KEY_LABELS[key]})" if key in KEY_LABELS else key


def series_label(name):
    base, _, cls = name.rpartition("_")
    if cls in CLASSES and base in SERIES_LABELS:
        return f"{SERIES_LABELS[base]}, {CLASSES[cls]}"
    return SERIES_LABELS.get(name, name.replace("_", " "))


def band(values):
    """Per row: median, 10th and 90th percentiles and number of the finite values.
    NaN (runs not done, or an undefined metric) is left out; NaN where none is left."""
    v = np.asarray(values, float).reshape(len(values), -1)
    n = np.isfinite(v).sum(axis=1)
    out = np.full((3, len(v)), np.nan)
    if (n > 0).any():
        out[:, n > 0] = np.nanpercentile(v[n > 0], [50, 10, 90], axis=1)
    return out[0], out[1], out[2], n


def padded(rows):
    """Ragged 1-D arrays -> 2-D array, NaN filled."""
    m = np.full((len(rows), max([len(r) for r in rows] + [1])), np.nan)
    for i, r in enumerate(rows):
        m[i, :len(r)] = r
    return m


def positions(sw, key):
    """x position of each point for `key` and the axis ticks (None when numeric)."""
    v = sw.params[key]
    if v.dtype.kind == "f":
        return v, None
    names = list(dict.fromkeys(v.tolist()))
    return np.array([names.index(x) for x in v], float), names


def varies_with(sw, key, fixed):
    """True if `key` takes several values among points sharing the values of `fixed`."""
    seen = {}
    for p in range(sw.points):
        seen.setdefault(tuple(sw.params[k][p] for k in fixed), set()).add(sw.params[key][p])
    return any(len(s) > 1 for s in seen.values())


def runs_text(n):
    n = n[n > 0]
    if not len(n):
        return "no runs"
    lo, hi = int(n.min()), int(n.max())
    return f"{lo} run{'s' * (hi != 1)} per point" if lo == hi else f"{lo}-{hi} runs per point"


def table(sw, vals, what):
    med, lo, hi, n = band(vals)
    lines = [f"| point | params | runs | {what} median | p10 | p90 |", "|---|---|---|---|---|---|"]
    for p in range(sw.points):
        cells = [str(p), sw.params_text[p] or "-", str(n[p])]
        cells += [f"{x:.6g}" for x in (med[p], lo[p], hi[p])] if n[p] else ["-"] * 3
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_lines(ax, sw, vals, xkey, metric):
    if xkey is None:  # nothing swept: one point
        pos, ticks, others = np.zeros(sw.points), ["scenario"], []
    else:
        pos, ticks = positions(sw, xkey)
        others = [k for k in sw.keys if k != xkey and varies_with(sw, k, [xkey])]
    groups = list(dict.fromkeys(tuple(sw.params[k][p] for k in others) for p in range(sw.points)))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    handles, counts = [], []
    for i, g in enumerate(groups):
        c = colors[i % len(colors)]
        pts = np.array([tuple(sw.params[k][p] for k in others) == g for p in range(sw.points)])
        xs = np.unique(pos[pts])
        rows = [vals[pts & (pos == x)].ravel() for x in xs]
        med, lo, hi, n = band(padded(rows))
        counts.append(n)
        ax.fill_between(xs, lo, hi, color=c, alpha=0.2, linewidth=0)
        for x, r in zip(xs, rows):
            r = r[np.isfinite(r)]
            ax.scatter(np.full(len(r), x), r, s=14, color=c, alpha=0.35, linewidth=0)
        name = "; ".join(f"{k}={fmt(v)}" for k, v in zip(others, g)) or "median"
        handles += ax.plot(xs, med, "-o", color=c, ms=5, label=name)
    handles += [Patch(color="0.5", alpha=0.3, label="10-90 % of replicates"),
                Line2D([], [], ls="", marker="o", color="0.5", alpha=0.5, label="one run")]
    ax.legend(handles=handles, fontsize=9, title=f"median of {runs_text(np.concatenate(counts))}",
              title_fontsize=9)
    if ticks is not None:
        ax.set_xticks(range(len(ticks)), ticks)
        ax.set_xlim(-0.5, len(ticks) - 0.5)
    label = key_label(xkey) if xkey else "point"
    along = [k for k in sw.keys if k != xkey and k not in others and len(set(sw.params[k])) > 1]
    if along:
        label += "\n(varied with it: " + ", ".join(along) + ")"
    ax.set_xlabel(label)
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    ax.set_ylim(bottom=min(0, np.nanmin(vals, initial=0)))
    ax.grid(True, alpha=0.3)


def plot_heatmap(fig, ax, sw, vals, xkey, ykey, metric):
    xpos, xt = positions(sw, xkey)
    ypos, yt = positions(sw, ykey)
    xs, ys = np.unique(xpos), np.unique(ypos)
    grid = np.full((len(ys), len(xs)), np.nan)
    n = np.zeros(grid.shape, int)
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            med, _, _, k = band(padded([vals[(xpos == x) & (ypos == y)].ravel()]))
            grid[j, i], n[j, i] = med[0], k[0]
    im = ax.imshow(np.ma.masked_invalid(grid), origin="lower", aspect="auto", cmap="viridis")
    im.cmap.set_bad("0.85")
    for j in range(len(ys)):
        for i in range(len(xs)):
            if n[j, i] == 0:
                ax.text(i, j, "no runs", ha="center", va="center", fontsize=9, color="0.3")
                continue
            dark = im.norm(grid[j, i]) < 0.5
            ax.text(i, j, cell(grid[j, i]), ha="center", va="center", fontsize=11,
                    color="white" if dark else "black")
    ax.set_xticks(range(len(xs)), xt if xt is not None else [fmt(x) for x in xs])
    ax.set_yticks(range(len(ys)), yt if yt is not None else [fmt(y) for y in ys])
    ax.set_xlabel(key_label(xkey))
    ax.set_ylabel(key_label(ykey))
    cb = fig.colorbar(im, ax=ax)
    cb.set_label(f"{METRIC_LABELS.get(metric, metric)}\nmedian of {runs_text(n.ravel())}")


def series_names(s):
    names = [k for k, v in s.items() if k != "t" and np.ndim(v) == 1]
    for base in ("posts", "own_posts", "reshares", "new_adopters", "new_exposed"):
        if base + "_human" in s:  # new_exposed: absent under output.exposures: false
            names.append(base)
    return sorted(set(names) | {"volume", "volume_human", "volume_bot"})


def pick_series(s, name):
    if name in s:
        return np.asarray(s[name], float)
    if name.startswith("volume"):
        cls = name[len("volume"):]
        # own posts: absent from the files of a version without them
        own = "own_posts" + cls
        own = pick_series(s, own) if own in s or own + "_human" in s else 0
        return pick_series(s, "posts" + cls) + own + pick_series(s, "reshares" + cls)
    return pick_series(s, name + "_human") + pick_series(s, name + "_bot")


def stored_series(sw):
    """{(p, r): series} of the finished runs whose series the file holds."""
    runs = {}
    for p in range(sw.points):
        for r in range(sw.replicates):
            s = sw.series(p, r) if sw.done[p, r] else None
            if s is not None:
                runs[(p, r)] = s
    return runs


def plot_series(ax, sw, runs, name, k):
    first = next(iter(runs.values()))
    interval = float(sw.meta["interval_s"])
    k = k if k and k > 0 else auto_bin(len(first["t"]), interval, most=200)
    numeric = len(sw.keys) == 1 and sw.params[sw.keys[0]].dtype.kind == "f"
    cmap = plt.get_cmap("viridis" if numeric or sw.points > 10 else "tab10")
    order = np.argsort(sw.params[sw.keys[0]]) if numeric else np.arange(sw.points)
    lines = ["| point | params | runs | total median | p10 | p90 |", "|---|---|---|---|---|---|"]
    for rank, p in enumerate(order):
        rows = [rebin(pick_series(s, name), k) for (q, _), s in runs.items() if q == p]
        if not rows:
            lines.append(f"| {p} | {sw.params_text[p] or '-'} | 0 | - | - | - |")
            continue
        m = padded(rows)
        med, lo, hi, _ = band(m.T)
        tm, tl, th, _ = band(m.sum(axis=1)[None, :])
        lines.append(f"| {p} | {sw.params_text[p] or '-'} | {len(rows)} | "
                     f"{tm[0]:.6g} | {tl[0]:.6g} | {th[0]:.6g} |")
        c = cmap(0.85 * rank / max(sw.points - 1, 1)) if cmap.N > 10 else cmap(rank % 10)
        t0 = float(first["t"][0]) if len(first["t"]) else 0.0
        x = sw.to_clock(t0 + (np.arange(m.shape[1]) + 0.5) * k * interval)
        ax.fill_between(x, lo, hi, color=c, alpha=0.2, linewidth=0)
        name_p = sw.params_text[p] or "scenario"
        ax.plot(x, med, color=c, lw=1.6, label=f"{name_p} ({len(rows)} runs)")
    ax.set_ylabel(f"{series_label(name)}\n({rate_unit(interval * k)})")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=8, title="median, band 10-90 % of replicates",
              title_fontsize=8)
    tcread.clock_axis(ax, sw.tz)
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Plot a tagcascade sweep file: a summary metric against a swept key "
                    "(median over replicates, 10-90 % band, one dot per run), a heatmap "
                    "of the median over two keys, or the time series of each point. "
                    "Only finished runs count. Prints the plotted numbers as a Markdown table.")
    p.add_argument("file", metavar="SWEEP.h5", help="sweep file written by `tagcascade sweep`")
    p.add_argument("-o", "--output", metavar="FIG.png", required=True,
                   help="output figure; format from the extension (.png or .pdf)")
    p.add_argument("--metric", metavar="NAME",
                   help="summary metric to plot (default reach; e.g. volume, exposed, "
                        "bot_share_volume, max_depth)")
    p.add_argument("--x", metavar="KEY", help="swept key on the x axis (default: the first); "
                   "other keys that vary get one line per combination")
    p.add_argument("--y", metavar="KEY", help="swept key on the y axis of a heatmap "
                   "(implies --heatmap)")
    p.add_argument("--heatmap", action="store_true",
                   help="heatmap of the median metric over two swept keys")
    p.add_argument("--series", metavar="NAME",
                   help="plot a time series per point instead of a metric: volume "
                        "(posts + reshares), volume_bot, posts, reshares_bot, "
                        "new_exposed_human, ... (needs sweep.series: true)")
    p.add_argument("--bin", type=int, metavar="K",
                   help="with --series: add up K output intervals per plotted step "
                        "(default: as few as keep it to 200 steps)")
    p.add_argument("--title", help="figure title, shown above the scenario name")
    a = p.parse_args(argv)

    if os.path.splitext(a.output)[1].lower() not in (".png", ".pdf"):
        p.error(f"output {a.output}: extension must be .png or .pdf")
    try:
        sw = tcread.open_sweep(a.file)
    except SystemExit as e:
        p.error(str(e))  # exits with status 2
    for key in (a.x, a.y):
        if key is not None and key not in sw.keys:
            p.error(f"{a.file}: unknown key {key!r}; swept keys: "
                    + (", ".join(sw.keys) or "none (one point)"))
    if a.series and (a.metric or a.heatmap or a.y):
        p.error("--series plots time series: it does not go with --metric, --heatmap or --y")
    metric = a.metric or "reach"
    if not a.series and metric not in sw.metrics:
        p.error(f"{a.file}: unknown metric {metric!r}; valid: {', '.join(sw.metrics)}")
    if not sw.done.any():
        p.error(f"{a.file}: no finished runs")
    if not a.series and np.isnan(sw.summary[..., sw.metrics.index(metric)][sw.done]).all():
        p.error(f"{a.file}: metric {metric!r} was not counted in this sweep"
                + (" (output.exposures: false)" if metric.startswith("exposed") else ""))

    ndone, total = int(sw.done.sum()), sw.points * sw.replicates
    runs = f"{ndone} runs" + (f" of {total}" if ndone < total else "") + \
        f" ({sw.points} point{'s' * (sw.points != 1)} x {sw.replicates} replicates)"
    head = f"{a.title}\n" if a.title else ""
    heatmap = a.heatmap or a.y is not None
    fig, ax = plt.subplots(figsize=(11, 6) if a.series else (8.5, 6))

    if a.series:
        stored = stored_series(sw)
        if not stored:
            p.error(f"{a.file}: no time series stored for its finished runs "
                    "(the sweep ran with sweep.series: false)")
        valid = series_names(next(iter(stored.values())))
        if a.series not in valid:
            p.error(f"{a.file}: unknown series {a.series!r}; valid: {', '.join(valid)}")
        text = plot_series(ax, sw, stored, a.series, a.bin)
        what = f"{series_label(a.series)} over time"
    elif heatmap:
        if len(sw.keys) < 2:
            p.error(f"{a.file}: a heatmap needs two swept keys; this sweep varies "
                    + (", ".join(sw.keys) or "none"))
        xkey = a.x or next(k for k in sw.keys if k != a.y)
        ykey = a.y or next(k for k in sw.keys if k != xkey)
        if xkey == ykey:
            p.error("--x and --y must be different keys")
        extra = [k for k in sw.keys if k not in (xkey, ykey) and varies_with(sw, k, [xkey, ykey])]
        if extra:
            p.error(f"{a.file}: {', '.join(extra)} also varies; a heatmap shows two keys "
                    "(use the line plot: --x KEY)")
        vals = sw.metric(metric) * METRIC_SCALE.get(metric, 1.0)
        plot_heatmap(fig, ax, sw, vals, xkey, ykey, metric)
        text = table(sw, vals, metric)
        what = f"median {metric}"
    else:
        xkey = a.x or (sw.keys[0] if sw.keys else None)
        vals = sw.metric(metric) * METRIC_SCALE.get(metric, 1.0)
        plot_lines(ax, sw, vals, xkey, metric)
        text = table(sw, vals, metric)
        what = f"{metric} against {xkey}" if xkey else f"{metric} of the one point"

    ax.set_title(f"{head}scenario {sw.meta.get('name', '?')}: {what}\n{runs}", fontsize=11)
    fig.tight_layout()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(a.output, dpi=120)
    print(text)
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
