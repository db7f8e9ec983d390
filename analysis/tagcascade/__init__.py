"""tagcascade from Python: open the files the simulator writes as pandas
DataFrames and xarray Datasets, and run it.

    import tagcascade
    run = tagcascade.run("scenarios/macronleaks.yaml", {"population.bots.fraction": 0.2})
    run.frame()                 # volume, reshares ... per interval, indexed by time
    run.to_xarray()             # the same with the community axis, time decoded
    run.cascades()              # one row per cascade: author, time, size, depth ...
    run.scenario()              # the resolved scenario as nested dicts
    tagcascade.open("sweep.h5").table()      # one row per run: point, replicate, values, metrics
    tagcascade.open("fit.h5").posterior()    # the last generation, with weights
    tagcascade.open("obs.h5").cascades()     # observed cascades (tagcascade import)

The analysis scripts' shared parts are submodules: tagcascade.scenario (YAML
text, dotted keys), tagcascade.plots (bins and rates of the figures),
tagcascade.volume (a run's volume per bin as CSV), tagcascade.macronleaks (the
replay's published figures, measured in a run).

Every problem with a file raises TagcascadeError naming it; nothing here exits.
The files' layout: docs/hdf5.md. Worked examples: docs/examples/*.py.
"""
import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
# the readers of the analysis scripts, beside this package in the source tree
# and in the installed share/tagcascade/analysis
from . import _tcread as tcread  # noqa: E402

__all__ = ["TagcascadeError", "open", "Run", "Sweep", "Fit", "Observed", "run", "sweep", "fit"]

COUNTERS = ("posts", "own_posts", "reshares", "new_adopters", "new_exposed")
# Run.cascades(): these columns first, the rest of /summary/roots after them
ROOT_COLUMNS = ("time", "author", "author_name", "kind", "size", "depth", "max_breadth",
                "structural_virality", "t_10", "t_100", "t_1000")


class TagcascadeError(Exception):
    """A tagcascade file that cannot be read, or a run that failed."""


def _checked(fn, path):
    try:
        return fn(path)
    except SystemExit as e:
        raise TagcascadeError(str(e)) from None


def open(path):
    """The file at `path` as a Run, Sweep, Fit or Observed (by its `kind`)."""
    if not os.path.isfile(path):
        raise TagcascadeError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            kind = f.attrs.get("kind", b"")
    except OSError as e:
        raise TagcascadeError(f"{path}: not an HDF5 file ({e})") from None
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind == "run":
        return Run(_checked(tcread.open_run, path))
    if kind == "sweep":
        return Sweep(_checked(tcread.open_sweep, path))
    if kind == "fit":
        return Fit(path)
    if kind == "observed":
        return Observed(path)
    raise TagcascadeError(f"{path}: a file of kind {kind!r}; this reads run, sweep, fit and "
                          "observed files")


class Run:
    """One run: `meta`, `series` (numpy arrays), `summary`, `events`, and
    DataFrame and xarray views of the series."""

    def __init__(self, r):
        self._r = r
        self.path, self.meta, self.series = r.path, r.meta, r.series
        self.summary, self.events, self.communities = r.summary, r.events, r.communities

    def times(self):
        """The start of each output interval, as tz-aware pandas timestamps."""
        import pandas as pd
        return pd.DatetimeIndex(list(self._r.times), name="time")

    def frame(self, tidy=False):
        """The per-interval counters by class: wide (one column per counter and
        class, e.g. reshares_bot, plus volume_human, volume_bot, trending),
        indexed by time; or tidy (time, counter, class, value)."""
        import pandas as pd
        cols = {}
        for c in COUNTERS:
            for k in ("human", "bot"):
                if f"{c}_{k}" in self.series:
                    cols[f"{c}_{k}"] = self.series[f"{c}_{k}"]
        cols["volume_human"] = self._r.volume_human
        cols["volume_bot"] = self._r.volume_bot
        if "trending" in self.series:
            cols["trending"] = self.series["trending"].astype(bool)
        wide = pd.DataFrame(cols, index=self.times())
        if not tidy:
            return wide
        long = wide.drop(columns=[c for c in ("trending",) if c in wide]).reset_index().melt(
            id_vars="time", var_name="column", value_name="value")
        split = long["column"].str.rsplit("_", n=1, expand=True)
        long["counter"], long["class"] = split[0], split[1]
        return long[["time", "counter", "class", "value"]]

    def scenario(self):
        """The resolved scenario (/meta/resolved: every default filled in) as
        nested dicts and lists, e.g. run.scenario()["population"]["bots"]["fraction"];
        tagcascade.scenario.lookup(tree, "population.bots.fraction") takes a dotted key."""
        from .scenario import parse
        text = self.meta.get("resolved")
        if text is None:
            raise TagcascadeError(f"{self.path}: no /meta/resolved")
        try:
            return parse(text)
        except TagcascadeError as e:
            raise TagcascadeError(f"{self.path}: /meta/resolved: {e}") from None

    def cascades(self):
        """One row per cascade (per original post, /summary/roots): `time` (the
        post's clock time), `author` (account id), `author_name` (the scenario's
        name of a named account, else empty), `kind` ("timeline post", "own post
        (person)", "own post (bot)"), then `size` (reshares), `depth`,
        `structural_virality`, `t_10` ... as the file holds them (docs/hdf5.md)."""
        import pandas as pd
        try:
            with h5py.File(self.path, "r") as f:
                g = f["summary/roots"]
                cols = {k: g[k][()] for k in g if isinstance(g[k], h5py.Dataset)}
                a = f["meta/accounts"] if "meta/accounts" in f else None
                names = ({int(i): _s(n) for i, n in zip(a["id"][()], a["name"][()])}
                         if a is not None else {})
        except (KeyError, OSError) as e:
            raise TagcascadeError(f"{self.path}: no cascade table ({e})") from None
        d = pd.DataFrame(cols)
        d["time"] = pd.to_timedelta(d.pop("t"), unit="s") + pd.Timestamp(self._r.start)
        d["author_name"] = [names.get(int(x), "") for x in d["author"]]
        if "kind" in d:
            d["kind"] = d["kind"].map({0: "timeline post", 1: "own post (person)",
                                       2: "own post (bot)"})
        first = [c for c in ROOT_COLUMNS if c in d]
        return d[first + [c for c in d if c not in first]].rename_axis("cascade")

    def reshares(self):
        """One row per adopting reshare (/cascade/events; runs with
        output.cascade: true): `time` (clock time), `account`, `parent`,
        `cascade` (row of cascades()), `depth`, `class` (human, bot, named),
        `community` (by name; files of 0.2 and later)."""
        d = _reshares(self.path)
        d.insert(0, "time", _clock(d.pop("t"), self._r.start))
        return d

    def to_xarray(self):
        """An xarray Dataset: every counter by class over `time` (datetime64,
        UTC) and, by community, over (`time`, `community`)."""
        import xarray as xr
        t = self.times().tz_convert("UTC").tz_localize(None)
        data = {}
        for name, v in self.series.items():
            if name == "t":
                continue
            if v.ndim == 1 and len(v) == len(t):
                data[name] = ("time", v)
            elif name.endswith("_by_community") and v.ndim == 2:
                data[name] = (("time", "community"), v)
            elif name == "compartments" and v.ndim == 2:
                data[name] = (("time", "state"), v)
        coords = {"time": t, "community": list(self.communities)}
        if self._r.states:
            coords["state"] = list(self._r.states)
        ds = xr.Dataset(data, coords=coords)
        ds["time"].attrs["description"] = "start of the output interval (UTC)"
        ds.attrs.update({k: v for k, v in self.meta.items()
                         if isinstance(v, (str, int, float, np.integer, np.floating))
                         and k not in ("scenario", "resolved")})
        return ds


class Sweep:
    """A sweep file: `keys`, `params`, `metrics`, and a tidy table of its runs."""

    def __init__(self, s):
        self._s = s
        self.path, self.meta, self.keys, self.metrics = s.path, s.meta, s.keys, s.metrics
        self.points, self.replicates = s.points, s.replicates

    def table(self, all_runs=False):
        """One row per finished run (every run with all_runs): point, replicate,
        run_key, the swept values, then every metric."""
        import pandas as pd
        s = self._s
        p, r = np.meshgrid(np.arange(s.points), np.arange(s.replicates), indexing="ij")
        d = {"point": p.ravel(), "replicate": r.ravel(), "run_key": s.run_key.ravel(),
             "done": s.done.ravel()}
        for k in s.keys:
            d[k] = np.asarray(s.params[k])[p.ravel()]
        for j, m in enumerate(s.metrics):
            d[m] = s.summary[:, :, j].ravel()
        t = pd.DataFrame(d)
        return t if all_runs else t[t["done"]].drop(columns="done").reset_index(drop=True)

    def series(self, p, r):
        """Run (p, r)'s series as a dict of arrays (None if the sweep kept none)."""
        return self._s.series(p, r)


class Fit:
    """A fit file: the generations and the posterior."""

    def __init__(self, path):
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                g = f["fit"]
                self.parameters = [_s(x) for x in g["parameters"][()]]
                self.priors = [_s(x) for x in g["priors"][()]]
                self.theta, self.weight = g["theta"][()], g["weight"][()]
                self.distance = g["distance"][()]
                self._gen = {k: g[k][()] for k in ("epsilon", "ess", "acceptance", "simulations")}
                self.stop_reason = _s(g.attrs["stop_reason"])
                self.predictive = ({k: g["predictive"][k][()] for k in g["predictive"]}
                                   if "predictive" in g else None)
        except (KeyError, OSError) as e:
            raise TagcascadeError(f"{path}: malformed tagcascade fit ({e})") from None

    def generations(self):
        """One row per generation: epsilon, ess, acceptance, simulations."""
        import pandas as pd
        return pd.DataFrame(self._gen).rename_axis("generation")

    def posterior(self, generation=-1):
        """The particles of a generation (the last by default): one column per
        parameter, then weight and distance."""
        import pandas as pd
        d = pd.DataFrame(self.theta[generation], columns=self.parameters)
        d["weight"] = self.weight[generation]
        d["distance"] = self.distance[generation]
        return d

    def summary(self):
        """Per parameter: weighted mean, median, 5 % and 95 %, and the prior."""
        import pandas as pd
        th, w = self.theta[-1], self.weight[-1]
        rows = []
        for k, name in enumerate(self.parameters):
            o = np.argsort(th[:, k], kind="stable")
            c = np.cumsum(w[o]) / w.sum()
            q = [th[o, k][np.searchsorted(c, x)] for x in (0.5, 0.05, 0.95)]
            rows.append({"parameter": name, "mean": float(np.sum(w * th[:, k]) / w.sum()),
                         "median": q[0], "q05": q[1], "q95": q[2], "prior": self.priors[k]})
        return pd.DataFrame(rows).set_index("parameter")


class Observed:
    """An observed file (`tagcascade import`): cascades (Twitter15/16 trees or
    CSV) or a volume curve (`/meta/source` = volume)."""

    def __init__(self, path):
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                self.meta = {k: _value(v) for k, v in f["meta"].attrs.items()}
                self.is_volume = self.meta.get("source") == "volume"
                if self.is_volume:
                    g = f["series"]
                    self.series = {k: g[k][()] for k in g if isinstance(g[k], h5py.Dataset)}
                    self.start = _s(g.attrs["start"])
        except (KeyError, OSError) as e:
            raise TagcascadeError(f"{path}: malformed tagcascade observed file ({e})") from None

    def _need(self, volume):
        if self.is_volume != volume:
            what = "a volume curve" if self.is_volume else "observed cascades"
            raise TagcascadeError(f"{self.path}: holds {what}: use "
                                  f"{'frame()' if self.is_volume else 'cascades() or reshares()'}")

    def frame(self):
        """A volume curve: one row per bin, indexed by the bin's clock time:
        volume (and volume_human, volume_bot when the data had classes)."""
        import pandas as pd
        self._need(True)
        t = _clock(self.series["t"], self.start)
        return pd.DataFrame({k: v for k, v in self.series.items() if k != "t"},
                            index=pd.DatetimeIndex(t, name="time"))

    def cascades(self):
        """Observed cascades: one row per cascade (/summary/roots): label (the
        source post or CSV file), veracity, author, size, depth,
        structural_virality, t_10 ..."""
        import pandas as pd
        self._need(False)
        try:
            with h5py.File(self.path, "r") as f:
                g = f["summary/roots"]
                cols = {k: g[k][()] for k in g if isinstance(g[k], h5py.Dataset)}
        except (KeyError, OSError) as e:
            raise TagcascadeError(f"{self.path}: no cascade table ({e})") from None
        d = pd.DataFrame(cols).drop(columns=["t"], errors="ignore")
        for k in ("label", "veracity"):
            if k in d:
                d[k] = [_s(x) for x in d[k]]
        first = [c for c in ("label", "veracity", "author", "size", "depth") if c in d]
        return d[first + [c for c in d if c not in first]].rename_axis("cascade")

    def reshares(self):
        """One row per reshare: `delay` (seconds after the cascade's root post,
        as a timedelta), `account`, `parent`, `cascade`, `depth`."""
        import pandas as pd
        self._need(False)
        d = _reshares(self.path)
        d.insert(0, "delay", pd.to_timedelta(d.pop("t"), unit="s"))
        return d


def _reshares(path):
    """/cascade/events as a DataFrame (t in seconds; class by name)."""
    import pandas as pd
    try:
        with h5py.File(path, "r") as f:
            g = f["cascade/events"]
            cols = {k: g[k][()] for k in g if isinstance(g[k], h5py.Dataset)}
            comms = [_s(c) for c in f["meta/communities"][()]] if "meta/communities" in f else []
    except (KeyError, OSError) as e:
        raise TagcascadeError(f"{path}: no /cascade/events (a run needs output.cascade: true) "
                              f"({e})") from None
    d = pd.DataFrame(cols).rename(columns={"root": "cascade"})
    if "community" in d and comms:
        # since 0.2: the resharer's community, by name
        d["community"] = pd.Categorical.from_codes(d["community"].astype(int), comms)
    order = [c for c in ("t", "account", "parent", "cascade", "depth", "class", "community")
             if c in d]
    d = d[order + [c for c in d if c not in order]]
    if "class" in d:
        # schema 2: an enumeration; schema 1: the same codes as uint8
        d["class"] = pd.Categorical.from_codes(d["class"].astype(int),
                                               ["human", "bot", "named"])
    return d


def _clock(seconds, start):
    """Seconds after the ISO 8601 `start` as tz-aware pandas timestamps."""
    import pandas as pd
    return pd.to_timedelta(np.asarray(seconds, dtype=float), unit="s") + pd.Timestamp(start)


def _value(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.generic):
        return v.item()
    return v


def _s(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def binary():
    """The tagcascade program: $TAGCASCADE_BIN, else `tagcascade` on PATH, else
    the source tree's build/tagcascade."""
    b = os.environ.get("TAGCASCADE_BIN") or shutil.which("tagcascade")
    if b:
        return b
    b = os.path.join(_HERE, "..", "..", "build", "tagcascade")
    if os.path.exists(b):
        return os.path.abspath(b)
    raise TagcascadeError("no tagcascade program: set TAGCASCADE_BIN, put it on PATH, or build "
                          "the source tree (make)")


def _call(command, scenario, sets, output, extra):
    if output is None:
        output = os.path.join(tempfile.mkdtemp(prefix="tagcascade."), command + ".h5")
    args = [binary(), command, os.fspath(scenario), "-o", os.fspath(output), "--quiet"]
    for k, v in (sets or {}).items():
        args += ["--set", f"{k}={v}"]
    try:
        p = subprocess.run(args + list(extra), capture_output=True, text=True)
    except OSError as e:  # not there, not executable
        raise TagcascadeError(f"cannot start {args[0]}: {e.strerror}") from None
    if p.returncode != 0:
        raise TagcascadeError(p.stderr.strip() or f"tagcascade {command} exited {p.returncode}")
    return open(output)


def run(scenario, sets=None, output=None, seed=None, threads=None):
    """Run a scenario (`sets`: {"model.p": 0.05, ...} as --set) and open the run."""
    extra = (["--seed", str(seed)] if seed is not None else []) + \
        (["--threads", str(threads)] if threads else [])
    return _call("run", scenario, sets, output, extra)


def sweep(scenario, sets=None, output=None, threads=None):
    """Run a scenario's sweep (a sweep section may come in `sets` as
    {"sweep": "{grid: {...}, replicates: 5}"}) and open it."""
    return _call("sweep", scenario, sets, output, ["--threads", str(threads)] if threads else [])


def fit(scenario, sets=None, output=None, threads=None):
    """Fit a scenario's fit section and open the fit."""
    return _call("fit", scenario, sets, output, ["--threads", str(threads)] if threads else [])


