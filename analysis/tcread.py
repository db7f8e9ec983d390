# Reader for tagcascade files (HDF5, schema_version 1 and 2, see docs/hdf5.md): open_run(),
# open_cascades() and open_sweep() load a file into plain Python/numpy objects;
# clock_axis() formats a local time axis.
import os
from datetime import datetime, timedelta, timezone

import h5py
import numpy as np

# the layouts this reader reads (docs/hdf5.md, "Schema versions"); the newest last
SCHEMA_VERSIONS = (1, 2)
SCHEMA_VERSION = SCHEMA_VERSIONS[-1]


def _text(v):
    """Decode a bytes/str scalar (h5py may return either) to str."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8")
    return str(v)


def _value(v):
    """Attribute value as a plain Python value (str, int, float) where possible."""
    if isinstance(v, np.ndarray) and v.size == 1:
        v = v.reshape(-1)[0]
    if isinstance(v, (bytes, np.bytes_, str)):
        return _text(v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def _strings(ds):
    """A 1-D string dataset as a list of str."""
    return [_text(x) for x in ds[()]]


class Run:
    """One run file, fully loaded into memory (the HDF5 file is closed)."""

    def __init__(self, path, f):
        self.path = path
        self.schema_version = int(_value(f.attrs["schema_version"]))
        self.meta = {k: _value(v) for k, v in f["meta"].attrs.items()}
        m = f["meta"]
        self.communities = _strings(m["communities"]) if "communities" in m else []
        for name in ("scenario", "resolved"):
            if name in m:
                self.meta[name] = _text(m[name][()])

        self.events = []
        if "events" in m:
            g = m["events"]
            ts = g["t"][()]
            kinds, accounts, labels = _strings(g["kind"]), _strings(g["account"]), _strings(g["label"])
            for i in range(len(ts)):
                self.events.append({"t": float(ts[i]), "kind": kinds[i],
                                    "account": accounts[i], "label": labels[i]})

        self.series = {k: ds[()] for k, ds in f["series"].items()
                       if isinstance(ds, h5py.Dataset)}
        # step rules: the states the compartment columns stand for
        self.states = (_strings(f["series/compartments"].attrs["states"])
                       if "compartments" in self.series else [])
        self.summary = {}
        if "summary" in f:
            for k, ds in f["summary"].items():
                if isinstance(ds, h5py.Dataset) and ds.shape == ():
                    self.summary[k] = _value(ds[()])

        self.tz = timezone(timedelta(seconds=int(self.meta["utc_offset_s"])))
        self.start = datetime.fromisoformat(self.meta["start"]).astimezone(self.tz)
        self.times = self.to_clock(self.series["t"])
        s = self.series
        # volume: the timeline's posts, the adopters' own posts (files of a version
        # without own posts have none) and the reshares
        zero = np.zeros_like(s["posts_human"])
        self.volume_human = s["posts_human"] + s.get("own_posts_human", zero) + s["reshares_human"]
        self.volume_bot = s["posts_bot"] + s.get("own_posts_bot", zero) + s["reshares_bot"]

    def to_clock(self, seconds):
        """Simulated seconds since start -> numpy array of tz-aware datetimes."""
        return np.array([self.start + timedelta(seconds=float(x)) for x in seconds],
                        dtype=object)


def _open_checked(path, kinds, what):
    """Open a tagcascade file read-only after checking that it exists, is HDF5, has
    this reader's schema_version and one of `kinds`; SystemExit names the file."""
    if not os.path.isfile(path):
        raise SystemExit(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise SystemExit(f"{path}: not an HDF5 file ({e})")
    if "schema_version" not in f.attrs:
        f.close()
        raise SystemExit(f"{path}: not a tagcascade {what} (no schema_version attribute)")
    version = _value(f.attrs["schema_version"])
    if version not in SCHEMA_VERSIONS:
        f.close()
        raise SystemExit(f"{path}: unsupported schema_version {version} "
                         f"(this reader handles {SCHEMA_VERSIONS[0]} to {SCHEMA_VERSIONS[-1]})")
    kind = _value(f.attrs.get("kind", ""))
    if kind not in kinds:
        f.close()
        raise SystemExit(f"{path}: not a tagcascade {what} (kind={kind!r})")
    return f


def open_run(path):
    """Open a tagcascade run file read-only and return a Run.

    Raises SystemExit (with a message naming the file) if the file is missing,
    not HDF5, or not a tagcascade run of a schema_version this reader handles."""
    with _open_checked(path, ("run",), "run") as f:
        try:
            return Run(path, f)
        except KeyError as e:
            raise SystemExit(f"{path}: malformed tagcascade run (missing {e})")


def tz_label(tz):
    """'UTC+02:00' style name for a fixed-offset timezone ('UTC' for zero)."""
    return tz.tzname(None)


def clock_axis(ax, tz, fmt="%a %H:%M"):
    """Show a datetime x axis as local clock time in tz, labelled with the offset."""
    import matplotlib.dates as mdates
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(tz=tz))
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt, tz=tz))
    ax.set_xlabel(f"time ({tz_label(tz)})")


class Cascades:
    """The cascade tables of a run or observed file: /summary/roots (one row per
    cascade) and, when present, /cascade/events (one row per reshare)."""

    def __init__(self, path, f):
        self.path = path
        self.kind = _value(f.attrs["kind"])
        self.meta = {k: _value(v) for k, v in f["meta"].attrs.items()}
        m = f["meta"]
        self.account_names = _strings(m["account_names"]) if "account_names" in m else None
        self.roots = {}
        for k, ds in f["summary/roots"].items():
            if isinstance(ds, h5py.Dataset):
                self.roots[k] = _strings(ds) if ds.dtype.kind in "SOU" else ds[()]
        self.events = None
        if "cascade/events" in f:
            self.events = {k: ds[()] for k, ds in f["cascade/events"].items()
                           if isinstance(ds, h5py.Dataset)}

    def __len__(self):
        return len(self.roots["size"])


def open_cascades(path):
    """Open a run or observed file (kind 'run' or 'observed') and return its
    Cascades. Raises SystemExit naming the file on any problem, as open_run does."""
    with _open_checked(path, ("run", "observed"), "run or observed file") as f:
        need = ["summary/roots/" + k for k in ("size", "depth", "structural_virality")]
        missing = [k for k in need if k not in f]
        if "meta" not in f or missing:
            raise SystemExit(f"{path}: no cascade table (missing {(missing or ['meta'])[0]})")
        return Cascades(path, f)


class Sweep:
    """A sweep file: P points x R replicates. Everything but the per-run series is
    loaded into memory; series(p, r) reads one run's /series from the file."""

    def __init__(self, path, f):
        self.path = path
        self.schema_version = int(_value(f.attrs["schema_version"]))
        self.meta = {k: _value(v) for k, v in f["meta"].attrs.items()}
        for name in ("scenario", "resolved"):
            if name in f["meta"]:
                self.meta[name] = _text(f["meta"][name][()])
        s = f["sweep"]
        self.keys = _strings(s["keys"])
        self.params = {}
        for k in self.keys:
            ds = s["params"][k]
            self.params[k] = (np.array(_strings(ds), dtype=str) if ds.dtype.kind in "SOU"
                              else ds[()].astype(float))
        self.params_text = _strings(s["params_text"])
        self.resolved = _strings(s["resolved"]) if "resolved" in s else []
        self.metrics = _strings(s["metrics"])
        self.summary = np.asarray(s["summary"][()], dtype=float)
        self.done = np.asarray(s["done"][()]).astype(bool)
        self.run_key = np.asarray(s["run_key"][()])
        self.points, self.replicates = (int(n) for n in self.done.shape)
        want = (int(self.meta.get("points", self.points)),
                int(self.meta.get("replicates", self.replicates)))
        if self.summary.shape != want + (len(self.metrics),) or self.done.shape != want:
            raise KeyError(f"sweep shapes: summary {self.summary.shape}, done "
                           f"{self.done.shape}, meta points x replicates {want}")
        self.has_series = "runs" in f
        self.tz = timezone(timedelta(seconds=int(self.meta["utc_offset_s"])))
        self.start = datetime.fromisoformat(self.meta["start"]).astimezone(self.tz)

    def metric(self, name):
        """One summary metric as a [P, R] float array, NaN where a run is not done."""
        if name not in self.metrics:
            raise KeyError(f"unknown metric {name!r} (valid: {', '.join(self.metrics)})")
        return np.where(self.done, self.summary[:, :, self.metrics.index(name)], np.nan)

    def series(self, p, r):
        """The /runs/<p>/<r>/series datasets of one run as a dict, or None if absent."""
        if not (0 <= p < self.points and 0 <= r < self.replicates):
            raise IndexError(f"run ({p}, {r}) outside {self.points} x {self.replicates}")
        with h5py.File(self.path, "r") as f:
            g = f.get(f"runs/{int(p)}/{int(r)}/series")
            if g is None:
                return None
            return {k: ds[()] for k, ds in g.items() if isinstance(ds, h5py.Dataset)}

    def to_clock(self, seconds):
        """Simulated seconds since start -> numpy array of tz-aware datetimes."""
        return np.array([self.start + timedelta(seconds=float(x)) for x in seconds],
                        dtype=object)


def open_sweep(path):
    """Open a tagcascade sweep file (kind 'sweep') read-only and return a Sweep.
    Raises SystemExit naming the file on any problem, as open_run does."""
    with _open_checked(path, ("sweep",), "sweep") as f:
        try:
            return Sweep(path, f)
        except KeyError as e:
            raise SystemExit(f"{path}: malformed tagcascade sweep ({e})")
