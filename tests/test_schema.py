#!/usr/bin/python3
"""Files that describe themselves (docs/hdf5.md, schema_version 2): every
dataset of a run, a step rule's run, a sweep, a fit, observed cascades and an
observed volume has `units` and `description`, and is named in docs/hdf5.md;
netCDF readers (xarray on h5netcdf, and netCDF4) open the groups with named
dimensions and coordinates and decode the time axis; `class` is an
enumeration; and a schema_version 1 file (tests/data/schema1_run.h5) is still
read by the program and the Python readers, with the numbers of a new run of
its scenario."""
import datetime
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
BIN = os.path.abspath(os.environ.get("BIN")
                      or os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD),
                                      "tagcascade"))
try:
    import xarray as xr
    import h5netcdf  # noqa: F401
except ImportError as e:
    print(f"skipped: {e} (Debian: python3-xarray, python3-h5netcdf)")
    sys.exit(77)
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import tcread  # noqa: E402
import tagcascade  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "golden")
# tests/data/schema1_run.h5 was written by 0.1.0 with: tagcascade run tiny.yaml and these
V1_SETS = ("--set", "output.cascade=true",
           "--set", "graph.communities=[{name: p, share: 0.5}, {name: q, share: 0.5}]",
           "--set", "accounts.0.community=p")
DATA = os.path.join(ROOT, "tests", "data")
V1 = os.path.join(DATA, "schema1_run.h5")
SWEEP = """
sweep:
  replicates: 2
  grid:
    population.bots.fraction: [0, 0.2]
"""


def tc(*args, cwd=None):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd)
    if p.returncode != 0:
        raise AssertionError(f"tagcascade {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = {k: obj.attrs[k] for k in obj.attrs}
        f.visititems(visit)
    return out


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.files = {}
        cls.files["run"] = os.path.join(d, "run.h5")
        tc("run", os.path.join(GOLDEN, "ba_bots.yaml"), "-q", "-o", cls.files["run"],
           "--set", "output.cascade=true")
        cls.files["sir"] = os.path.join(d, "sir.h5")
        tc("run", os.path.join(ROOT, "scenarios", "sir_demo.yaml"), "-q", "-o", cls.files["sir"],
           "--set", "graph.n=2000")
        sw = os.path.join(d, "sweep.yaml")
        with open(os.path.join(GOLDEN, "ba_bots.yaml")) as src, open(sw, "w") as dst:
            dst.write(src.read() + SWEEP)
        # the sweep scenario reads its graph next to it: run it from tests/golden
        cls.files["sweep"] = os.path.join(d, "sweep.h5")
        tc("sweep", sw, "-q", "-o", cls.files["sweep"], cwd=GOLDEN)
        cls.files["volume"] = os.path.join(d, "volume.h5")
        tc("import", "--format", "volume", os.path.join(DATA, "fit_hashtag_volume.csv"),
           "-o", cls.files["volume"], "-q")
        cls.files["observed"] = os.path.join(d, "observed.h5")
        tc("import", "--format", "csv", *cls.cascades_csv(d), "-o", cls.files["observed"], "-q")
        cls.files["fit"] = os.path.join(d, "fit.h5")
        tc("fit", "fit_binomial.yaml", "-q", "-o", cls.files["fit"],
           "--set", "fit.algorithm.particles=30", "--set", "fit.algorithm.max_simulations=90",
           "--set", "fit.algorithm.predictive=5", cwd=DATA)
        with open(os.path.join(ROOT, "docs", "hdf5.md"), encoding="utf-8") as f:
            cls.doc = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @staticmethod
    def cascades_csv(d):
        """Two small observed cascades, one CSV file each."""
        paths = []
        for name, rows in (("a.csv", "0,1,\n60,2,1\n90,3,1\n300,4,2\n"), ("b.csv", "0,7,\n10,8,7\n")):
            paths.append(os.path.join(d, name))
            with open(paths[-1], "w") as f:
                f.write("time,account,parent\n" + rows)
        return paths

    # ---------------------------------------------------------------- units
    def test_every_dataset_has_units_and_description(self):
        for kind, path in self.files.items():
            for name, attrs in datasets(path).items():
                with self.subTest(kind=kind, dataset=name):
                    self.assertIn("units", attrs)
                    self.assertIn("description", attrs)
                    self.assertTrue(str(attrs["units"]).strip())
                    self.assertGreater(len(str(attrs["description"])), 3)

    def test_every_dataset_is_documented(self):
        """Each dataset's name (its last part, or <counter>_<class> of /series)
        appears in docs/hdf5.md, so the table of descriptions and the reference
        cannot drift apart unnoticed."""
        for kind, path in self.files.items():
            for name in datasets(path):
                base = name.rsplit("/", 1)[-1]
                if name.startswith("sweep/params/"):
                    base = "params"
                with self.subTest(kind=kind, dataset=name):
                    self.assertRegex(self.doc, r"`[^`]*\b" + re.escape(base) + r"\b[^`]*`")

    def test_units_of_some_datasets(self):
        run = datasets(self.files["run"])
        self.assertEqual(run["series/posts_human"]["units"], "posts per interval")
        self.assertEqual(run["series/new_exposed_by_community"]["units"], "accounts per interval")
        self.assertEqual(run["summary/reach"]["units"], "accounts")
        self.assertEqual(run["summary/roots/t_10"]["units"], "s")
        self.assertEqual(run["meta/scenario"]["units"], "text")
        obs = datasets(self.files["observed"])
        self.assertIn("root post", obs["cascade/events/t"]["description"])
        self.assertIn("after /meta start", run["cascade/events/t"]["description"])

    # ---------------------------------------------------------------- axes
    def test_run_series_opens_with_named_axes_and_dates(self):
        with h5py.File(self.files["run"], "r") as f:
            start = datetime.datetime.fromisoformat(f["series"].attrs["start"])
            interval = float(f["series"].attrs["interval_s"])
            comms = [c.decode() if isinstance(c, bytes) else c for c in f["meta/communities"][:]]
            posts = f["series/reshares_by_community"][:]
        s = xr.open_dataset(self.files["run"], group="series", engine="h5netcdf")
        self.assertEqual(s.reshares_by_community.dims, ("t", "community"))
        self.assertEqual(s.posts_human.dims, ("t",))
        self.assertEqual(list(s.community.values), comms)
        self.assertEqual(s.t.dtype.kind, "M")  # decoded to datetime64
        t0 = start.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        self.assertEqual(s.t.values[0], np.datetime64(t0))
        self.assertEqual((s.t.values[1] - s.t.values[0]) / np.timedelta64(1, "s"), interval)
        np.testing.assert_array_equal(s.reshares_by_community.values, posts)
        self.assertFalse([d for d in s.dims if d.startswith("phony")])

    def test_compartments_on_a_state_axis(self):
        s = xr.open_dataset(self.files["sir"], group="series", engine="h5netcdf")
        with h5py.File(self.files["sir"], "r") as f:
            n = int(f["meta"].attrs["graph_n"])
        self.assertEqual(s.compartments.dims, ("t", "state"))
        self.assertEqual(list(s.state.values), ["S", "I", "R"])
        np.testing.assert_array_equal(s.compartments.sel(state="S").values + s.compartments.sel(
            state="I").values + s.compartments.sel(state="R").values, np.full(s.sizes["t"], n))

    def test_sweep_and_fit_axes(self):
        s = xr.open_dataset(self.files["sweep"], group="sweep", engine="h5netcdf")
        self.assertEqual(s.summary.dims, ("point", "replicate", "metrics"))
        self.assertEqual(s.sizes["point"], 2)
        self.assertEqual(s.sizes["replicate"], 2)
        with h5py.File(self.files["sweep"], "r") as f:
            reach = f["sweep/summary"][:, :, list(f["sweep/metrics"].asstr()[:]).index("reach")]
        np.testing.assert_array_equal(s.summary.sel(metrics="reach").values, reach)
        r = xr.open_dataset(self.files["sweep"], group="runs/1/0/series", engine="h5netcdf")
        self.assertEqual(r.posts_by_community.dims, ("t", "community"))
        fit = xr.open_dataset(self.files["fit"], group="fit", engine="h5netcdf")
        self.assertEqual(fit.theta.dims, ("generation", "particle", "parameters"))
        self.assertEqual(list(fit.parameters.values), ["model.p"])
        pred = xr.open_dataset(self.files["fit"], group="fit/predictive", engine="h5netcdf")
        self.assertEqual(pred.band.dims, ("quantile", "t"))
        self.assertEqual(list(pred["quantile"].values), [0.05, 0.5, 0.95])
        self.assertEqual(pred.t.dtype.kind, "M")
        vol = xr.open_dataset(self.files["volume"], group="series", engine="h5netcdf")
        self.assertEqual(vol.volume.dims, ("t",))
        self.assertEqual(str(vol.t.values[0])[:19], "2017-05-05T18:00:00")

    def test_netcdf4_reads_the_dimensions(self):
        try:
            import warnings
            with warnings.catch_warnings():
                # Debian's netCDF4 warns of numpy's struct sizes on import: no harm
                warnings.simplefilter("ignore", RuntimeWarning)
                import netCDF4
        except ImportError:
            self.skipTest("netCDF4 not installed (Debian: python3-netcdf4)")
        with netCDF4.Dataset(self.files["run"]) as nc:
            g = nc.groups["series"]
            self.assertEqual(g.variables["reshares_by_community"].dimensions, ("t", "community"))
            self.assertTrue(g.variables["t"].units.startswith("seconds since "))

    def test_class_is_an_enumeration(self):
        with h5py.File(self.files["run"], "r") as f:
            ev = f["cascade/events/class"]
            self.assertEqual(h5py.check_enum_dtype(ev.dtype), {"human": 0, "bot": 1, "named": 2})
            cls = ev[:]
            reach_bot = int(f["summary/reach_bot"][()])
            own_bot = int(f["summary/own_posts_bot"][()])
        self.assertEqual(cls.dtype, np.uint8)
        self.assertTrue(set(np.unique(cls)) <= {0, 1, 2})
        # every bot that adopted did so by one reshare (a row) or by a post of its own
        self.assertLessEqual(int((cls == 1).sum()), reach_bot)
        self.assertGreaterEqual(int((cls == 1).sum()) + own_bot, 1)

    # ---------------------------------------------------------------- version 1
    def test_schema1_file_still_read(self):
        with h5py.File(V1, "r") as f:
            self.assertEqual(int(f.attrs["schema_version"]), 1)
            self.assertIsNone(h5py.check_enum_dtype(f["cascade/events/class"].dtype))
        new = os.path.join(self.tmp.name, "tiny2.h5")
        tc("run", "tiny.yaml", "-q", "-o", new, *V1_SETS, cwd=GOLDEN)
        # the program: summary and export give what they give on the new file
        strip = lambda s: re.sub(r"(?m)^run .*\n|^ *(file|written).*\n", "", s)  # noqa: E731
        self.assertEqual(strip(tc("summary", V1)).splitlines()[2:],
                         strip(tc("summary", new)).splitlines()[2:])
        # export: the new file holds each account's community, the old one
        # gets them from its world built again (from tests/golden, where its
        # graph file is): the same output
        for fmt in ("csv", "graphml"):
            self.assertEqual(tc("export", V1, "--cascade", "0", "--format", fmt, cwd=GOLDEN),
                             tc("export", new, "--cascade", "0", "--format", fmt))
        self.assertIn(",p,", tc("export", V1, "--cascade", "0", "--format", "csv", cwd=GOLDEN))
        # the Python readers
        old, cur = tcread.open_run(V1), tcread.open_run(new)
        self.assertEqual(old.schema_version, 1)
        self.assertEqual(cur.schema_version, 2)
        for k in ("reach", "volume", "reshares_bot"):
            self.assertEqual(old.summary[k], cur.summary[k])
        a = tagcascade.open(V1).to_xarray()
        b = tagcascade.open(new).to_xarray()
        self.assertEqual(list(a.dims), list(b.dims))
        np.testing.assert_array_equal(a["reshares_human"].values, b["reshares_human"].values)
        np.testing.assert_array_equal(a.time.values, b.time.values)

    def test_unknown_schema_refused(self):
        bad = os.path.join(self.tmp.name, "v3.h5")
        with h5py.File(bad, "w") as f:
            f.attrs["schema_version"] = np.int32(3)
            f.attrs["kind"] = "run"
        with self.assertRaises(SystemExit) as cm:
            tcread.open_run(bad)
        self.assertIn("schema_version 3", str(cm.exception.code))
        self.assertIn("1 to 2", str(cm.exception.code))


if __name__ == "__main__":
    unittest.main(verbosity=1)
