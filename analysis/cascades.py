#!/usr/bin/python3
# Compare the shape of simulated and observed cascades: CCDFs of size, depth and
# structural virality, and reshares over time of the largest cascades of each file.
import argparse
import os
import sys
import types

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as ticker  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcread  # noqa: E402

# (dataset in /summary/roots, short name, axis label)
# roots columns a pooled group keeps
ROOT_KEYS = ("size", "depth", "structural_virality", "t")

MEASURES = [("size", "size", "cascade size (reshares)"),
            ("depth", "depth", "depth (longest chain of reshares, hops)"),
            ("structural_virality", "SV", "structural virality (mean distance between nodes, hops)")]


def ccdf(values):
    """Distinct positive values x and P(X >= x) among the positive values."""
    v = np.sort(np.asarray(values, float))
    v = v[np.isfinite(v) & (v > 0)]
    x, first = np.unique(v, return_index=True)
    return x, 1.0 - first / max(len(v), 1)


def growth(c, row):
    """Hours after the original post of each reshare of cascade `row`, sorted."""
    ev = c.events
    t = np.sort(ev["t"][ev["root"] == row]) - float(c.roots["t"][row])
    return t / 3600.0


def pool(cs):
    """One group from several files: roots tables end to end, events renumbered
    to point at their cascade's new row."""
    roots = {k: np.concatenate([np.asarray(c.roots[k]) for c in cs]) for k in ROOT_KEYS}
    events = None
    if all(c.events is not None for c in cs):
        parts, offset = [], 0
        for c in cs:
            parts.append({"t": np.asarray(c.events["t"]),
                          "root": np.asarray(c.events["root"]) + offset})
            offset += len(c.roots["size"])
        events = {k: np.concatenate([e[k] for e in parts]) for k in ("t", "root")}
    return types.SimpleNamespace(roots=roots, events=events)


def table_row(name, c, keep):
    cells = [name, str(int(keep.sum()))]
    for key, _, _ in MEASURES:
        v = np.asarray(c.roots[key], float)[keep]
        v = v[np.isfinite(v)]
        cells += [f"{np.median(v):.3g}", f"{np.mean(v):.3g}"] if len(v) else ["-", "-"]
    return "| " + " | ".join(cells) + " |"


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Compare cascade size, depth and structural virality of simulated "
                    "runs and observed cascades (tagcascade HDF5 files), and print a "
                    "summary table in Markdown.")
    p.add_argument("--simulated", nargs="+", default=[], metavar="RUN.h5",
                   help="run files written with output.cascade: true")
    p.add_argument("--observed", nargs="+", default=[], metavar="OBS.h5",
                   help="files written by `tagcascade import`")
    p.add_argument("-o", "--output", metavar="FIG.png", required=True,
                   help="output figure; format from the extension (.png or .pdf)")
    p.add_argument("--min-size", type=int, default=1, metavar="K",
                   help="leave out cascades with fewer than K reshares (default 1)")
    p.add_argument("--top", type=int, default=5, metavar="N",
                   help="largest cascades per group in the time panel (default 5)")
    p.add_argument("--pool", action="store_true",
                   help="one group for all --simulated files (e.g. replicates) and one "
                        "for all --observed files, instead of one per file")
    a = p.parse_args(argv)

    if not a.simulated and not a.observed:
        p.error("give at least one --simulated or --observed file")
    if os.path.splitext(a.output)[1].lower() not in (".png", ".pdf"):
        p.error(f"output {a.output}: extension must be .png or .pdf")
    groups = []
    for what, paths in (("simulated", a.simulated), ("observed", a.observed)):
        opened = []
        for path in paths:
            try:
                opened.append((f"{what}: {os.path.basename(path)}", tcread.open_cascades(path)))
            except SystemExit as e:
                p.error(str(e))  # exits with status 2
        if a.pool and len(opened) > 1:
            groups.append((f"{what}: {len(opened)} files", pool([c for _, c in opened])))
        else:
            groups += opened

    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    fig.suptitle(f"Cascades, simulated vs observed (cascades of size < {a.min_size} excluded)")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    header = ["group", "cascades"] + [f"{k} {s}" for _, k, _ in MEASURES for s in ("median", "mean")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    for i, (name, c) in enumerate(groups):
        color = colors[i % len(colors)]
        size = np.asarray(c.roots["size"])
        keep = size >= a.min_size
        lines.append(table_row(name, c, keep))
        for ax, (key, _, _) in zip(axes.flat, MEASURES):
            x, y = ccdf(np.asarray(c.roots[key], float)[keep])
            ax.plot(x, y, drawstyle="steps-pre", marker=".", ms=3, color=color,
                    label=f"{name} ({int(keep.sum())} cascades)")
        if c.events is None:
            continue
        rows = [r for r in np.argsort(-size, kind="stable")[:a.top] if keep[r]]
        for j, r in enumerate(rows):
            h = growth(c, r)
            axes[1, 1].step(np.append(h, h[-1:] * 1.05), np.arange(len(h) + 1), where="post",
                            color=color, alpha=1.0 - 0.6 * j / max(len(rows), 1),
                            label=f"{name} ({len(rows)} largest)" if j == 0 else None)

    for ax, (key, _, label) in zip(axes.flat, MEASURES):
        ax.set_xscale("log")
        if key != "size":  # narrow ranges: plain numbers on every tick
            ax.xaxis.set_major_formatter(ticker.LogFormatter())
            ax.xaxis.set_minor_formatter(ticker.LogFormatter(labelOnlyBase=False))
        ax.set_yscale("log")
        ax.set_xlabel(label)
        ax.set_ylabel("P(X ≥ x)")
        ax.set_title(f"CCDF of {key.replace('_', ' ')}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    ax = axes[1, 1]
    ax.set_xscale("symlog", linthresh=1.0)
    ax.set_xlim(left=0)
    ax.set_xlabel("hours after the original post (linear to 1 h, then log)")
    ax.set_ylabel("reshares (cumulative)")
    ax.set_title(f"Growth of the {a.top} largest cascades of each group")
    ax.grid(True, which="both", alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(a.output, dpi=120)
    print("\n".join(lines))
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
