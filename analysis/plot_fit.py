#!/usr/bin/python3
# Plot a tagcascade fit (FIT.h5): each parameter's posterior (weighted
# histogram of the last generation, the prior's range as the axis, the truth
# when given), the pairs of parameters, the tolerance by generation, and the
# posterior predictive band of the volume over the observed curve.
import argparse
import sys

import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.ticker  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


class FitFileError(Exception):
    pass


def read_fit(path):
    """The fit file as a dict of numpy arrays and strings."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise FitFileError(f"{path}: cannot open as HDF5 ({e})") from None
    with f:
        if f.attrs.get("kind", b"") not in ("fit", b"fit"):
            raise FitFileError(f"{path}: not a fit file (kind {f.attrs.get('kind')!r})")
        g = f["fit"]
        d = {
            "name": f["meta"].attrs["name"],
            "keys": [k.decode() if isinstance(k, bytes) else k for k in g["parameters"][()]],
            "priors": [k.decode() if isinstance(k, bytes) else k for k in g["priors"][()]],
            "lo": g["prior_min"][()], "hi": g["prior_max"][()],
            "theta": g["theta"][()], "weight": g["weight"][()], "distance": g["distance"][()],
            "epsilon": g["epsilon"][()], "ess": g["ess"][()],
            "acceptance": g["acceptance"][()], "simulations": g["simulations"][()],
        }
        if "predictive" in g:
            p = g["predictive"]
            d["pred"] = {k: p[k][()] for k in ("t", "observed", "volume", "band")}
            d["pred"]["start"] = p.attrs["start"]
            d["pred"]["bin_s"] = float(p.attrs["bin_s"])
    return d


def weighted_quantile(x, w, q):
    o = np.argsort(x, kind="stable")
    c = np.cumsum(w[o])
    return x[o][np.searchsorted(c, q * c[-1])]


def short(key):
    return key if len(key) <= 28 else "…" + key[-27:]


def plot(d, out, truth=None):
    theta, w = d["theta"][-1], d["weight"][-1]
    K = theta.shape[1]
    pred = d.get("pred")
    plt.rcParams.update({"font.size": 13})
    ncol = max(K, 2)
    nrow = 2 + (1 if K > 1 else 0)
    fig = plt.figure(figsize=(4.6 * ncol, 4.0 * nrow), constrained_layout=True)
    gs = fig.add_gridspec(nrow, ncol)
    for k in range(K):
        ax = fig.add_subplot(gs[0, k])
        lo, hi = d["lo"][k], d["hi"][k]
        x = theta[:, k]
        rng = (lo, hi) if np.isfinite(lo) and np.isfinite(hi) else (x.min(), x.max())
        ax.hist(x, bins=30, range=rng, weights=w, density=True, color="#4477aa", alpha=0.8,
                label="posterior")
        q5, q50, q95 = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
        ax.axvspan(q5, q95, color="#4477aa", alpha=0.12, label="90 % interval")
        ax.axvline(q50, color="#223366", lw=2, label="median")
        if truth is not None and k < len(truth):
            ax.axvline(truth[k], color="#cc3311", lw=2, ls="--", label="truth")
        ax.set_xlabel(short(d["keys"][k]))
        ax.set_ylabel("density")
        ax.set_title(d["priors"][k], fontsize=10)
        if k == 0:
            ax.legend(fontsize=10, loc="best")
    if K > 1:
        pairs = [(a, b) for a in range(K) for b in range(a + 1, K)][:ncol]
        for j, (a, b) in enumerate(pairs):
            ax = fig.add_subplot(gs[1, j])
            ax.scatter(theta[:, a], theta[:, b], s=8 + 400 * w / w.max() / np.sqrt(len(w)),
                       alpha=0.5, color="#4477aa", edgecolors="none")
            if truth is not None and max(a, b) < len(truth):
                ax.plot(truth[a], truth[b], marker="x", color="#cc3311", ms=14, mew=3)
            ax.set_xlabel(short(d["keys"][a]))
            ax.set_ylabel(short(d["keys"][b]))
    row = nrow - 1
    ax = fig.add_subplot(gs[row, 0])
    gens = np.arange(len(d["epsilon"]))
    eps = np.where(np.isfinite(d["epsilon"]), d["epsilon"], np.nan)
    ax.plot(gens, eps, marker="o", color="#223366")
    ax.set_xlabel("generation")
    ax.set_ylabel("tolerance ε")
    ax.set_xticks(gens)
    ax2 = ax.twinx()
    ax2.bar(gens, d["acceptance"], alpha=0.25, color="#888888")
    ax2.set_ylabel("acceptance rate", color="#666666")
    if pred is not None:
        ax = fig.add_subplot(gs[row, 1:])
        hours = pred["t"] / 3600.0 + pred["bin_s"] / 7200.0
        band = pred["band"]
        ax.fill_between(hours, band[0], band[2], color="#4477aa", alpha=0.3,
                        label="posterior predictive, 5–95 %")
        ax.plot(hours, band[1], color="#4477aa", lw=2, label="predictive median")
        ax.plot(hours, pred["observed"], color="black", marker="o", ms=4, lw=1.5,
                label="observed")
        ax.set_xlabel(f"hours after {pred['start']}")
        ax.set_ylabel(f"posts per {pred['bin_s'] / 60:g} min")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.legend(fontsize=11, loc="best")
    fig.suptitle(f"fit of '{d['name']}': {len(d['epsilon'])} generations, "
                 f"{int(d['simulations'].sum()):,} simulations")
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__ or "Plot a tagcascade fit file.")
    ap.add_argument("fit", help="FIT.h5 written by tagcascade fit")
    ap.add_argument("-o", "--output", required=True, help="the figure (PNG, PDF, SVG)")
    ap.add_argument("--truth", help="known values, comma-separated in the parameters' order "
                    "(for fits to data made by the simulator)")
    a = ap.parse_args(argv)
    try:
        d = read_fit(a.fit)
        truth = None
        if a.truth:
            try:
                truth = [float(v) for v in a.truth.split(",")]
            except ValueError:
                raise FitFileError(f"--truth: expected numbers separated by commas, got {a.truth!r}")
        plot(d, a.output, truth)
    except (FitFileError, KeyError) as e:
        print(f"plot_fit.py: {e}", file=sys.stderr)
        return 2
    print(a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
