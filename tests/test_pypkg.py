#!/usr/bin/python3
"""The Python package analysis/tagcascade, from the source tree: a run as a
wide and a tidy DataFrame and as an xarray Dataset with a decoded time axis
and the community axis; a step rule's compartments on a state axis; a sweep as
one row per run with its values and metrics; a fit's generations, posterior
and summary; a run's cascades as one row per cascade and its resolved
scenario; run(), sweep() and fit() call the program; every problem, in the
package and in its submodules, raises TagcascadeError naming the file or
repeating the program's message."""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    import pandas  # noqa: F401
    import xarray  # noqa: F401
except ImportError as e:
    print(f"skipped: {e} (Debian: python3-pandas, python3-xarray)")
    sys.exit(77)
# the source tree's package, as a user of the tree would put it on the path
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import tagcascade  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
os.environ["TAGCASCADE_BIN"] = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD),
                                            "tagcascade")
RECOVERY = os.path.join(ROOT, "scenarios", "fit", "recovery.yaml")


class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.run_ = tagcascade.run(RECOVERY, {"model.p": 0.15}, output=cls.path("r.h5"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def test_run_frames(self):
        r = self.run_
        df = r.frame()
        self.assertEqual(len(df), 72)
        self.assertEqual(str(df.index[0]), "2017-05-05 20:00:00+02:00")
        self.assertEqual(int(df["volume_human"].sum() + df["volume_bot"].sum()),
                         int(r.summary["volume"]))
        self.assertEqual(int(df["reshares_bot"].sum()), int(r.summary["reshares_bot"]))
        tidy = r.frame(tidy=True)
        self.assertEqual(list(tidy.columns), ["time", "counter", "class", "value"])
        self.assertEqual(set(tidy["class"]), {"human", "bot"})
        self.assertEqual(int(tidy[tidy.counter == "volume"]["value"].sum()), int(r.summary["volume"]))

    def test_run_xarray(self):
        ds = self.run_.to_xarray()
        self.assertTrue(str(ds["time"].dtype).startswith("datetime64"))
        self.assertEqual(str(ds["time"].values[0])[:19], "2017-05-05T18:00:00")  # UTC
        self.assertEqual(ds["reshares_by_community"].dims, ("time", "community"))
        self.assertEqual(list(ds["community"].values), ["all"])
        np.testing.assert_array_equal(ds["reshares_human"].values,
                                      self.run_.series["reshares_human"])

    def test_run_cascades_and_scenario(self):
        c = self.run_.cascades()
        with h5py.File(self.run_.path, "r") as f:
            roots = {k: f["summary/roots"][k][()] for k in ("t", "size", "author", "kind")}
            named = dict(zip(f["meta/accounts/id"][()], f["meta/accounts/name"].asstr()[()]))
        self.assertEqual(list(c.columns[:5]), ["time", "author", "author_name", "kind", "size"])
        self.assertEqual(len(c), len(roots["size"]))
        np.testing.assert_array_equal(c["size"], roots["size"])
        # clock time = the run's start + seconds, in the scenario's time zone
        self.assertEqual(str(c["time"].iloc[0]),
                         str(pandas.Timestamp("2017-05-05T20:00:00+02:00")
                             + pandas.Timedelta(seconds=float(roots["t"][0]))))
        for a, name in zip(c["author"], c["author_name"]):
            self.assertEqual(name, named.get(a, ""))
        self.assertIn("source", set(c["author_name"]))
        self.assertEqual(set(c["kind"][roots["kind"] == 0]), {"timeline post"})
        sc = self.run_.scenario()
        self.assertEqual(sc["model"]["p"], 0.15)
        self.assertEqual(sc["time"]["start"], "2017-05-05T20:00:00+02:00")  # text, as written
        from tagcascade import scenario
        self.assertEqual(scenario.lookup(sc, "population.bots.fraction"), 0.1)

    def test_submodules_raise(self):
        # the scripts' shared parts raise TagcascadeError naming the file, never exit
        from tagcascade import macronleaks, scenario, volume
        junk = self.path("junk2.h5")
        with open(junk, "w") as fh:
            fh.write("not hdf5")
        for fn, arg, words in ((volume.volume, (junk, 3600), "junk2.h5: cannot open as HDF5"),
                               (volume.volume, (self.run_.path, 7), "not a whole number"),
                               (volume.duration_s, ("an hour",), "--bin"),
                               (macronleaks.measure, (self.run_.path,), "no /cascade/events"),
                               (macronleaks.measure, (junk,), "junk2.h5: not an HDF5 file"),
                               (macronleaks.observed, (self.run_.path,), "tagcascade import"),
                               (scenario.parse, ("a: [1\n",), "line 2, column 1")):
            with self.assertRaises(tagcascade.TagcascadeError, msg=fn.__name__) as e:
                fn(*arg)
            self.assertIn(words, str(e.exception))
        start, bin_s, human, bot = volume.volume(self.run_.path, 3600)
        self.assertEqual((len(human), bin_s), (6, 3600))
        self.assertEqual(int(human.sum() + bot.sum()), int(self.run_.summary["volume"]))

    def test_step_rule_states(self):
        r = tagcascade.run(os.path.join(ROOT, "scenarios", "sir_demo.yaml"), {"graph.n": 2000},
                           output=self.path("sir.h5"))
        ds = r.to_xarray()
        self.assertEqual(list(ds["state"].values), ["S", "I", "R"])
        self.assertTrue((ds["compartments"].sum("state") == int(r.meta["graph_n"])).all())

    def test_sweep_table(self):
        sw = tagcascade.sweep(RECOVERY, {"sweep": "{grid: {model.p: [0.1, 0.2]}, replicates: 3}"},
                              output=self.path("s.h5"))
        t = sw.table()
        self.assertEqual(len(t), 6)
        self.assertEqual(list(t.columns[:4]), ["point", "replicate", "run_key", "model.p"])
        self.assertEqual(sorted(set(t["model.p"])), [0.1, 0.2])
        self.assertTrue((t.groupby("model.p")["reach"].mean().diff().dropna() > 0).all())

    def test_fit(self):
        f = tagcascade.fit(RECOVERY, {"fit.algorithm.particles": 30, "fit.algorithm.generations": 2},
                           output=self.path("f.h5"))
        g = f.generations()
        self.assertEqual(list(g.columns), ["epsilon", "ess", "acceptance", "simulations"])
        self.assertEqual(len(g), 2)
        post = f.posterior()
        self.assertEqual(list(post.columns), ["model.p", "population.bots.fraction", "weight",
                                              "distance"])
        self.assertAlmostEqual(post["weight"].sum(), 1.0)
        s = f.summary()
        self.assertTrue((s["q05"] <= s["median"]).all() and (s["median"] <= s["q95"]).all())

    def test_reshares(self):
        r = tagcascade.run(RECOVERY, {"model.p": 0.15, "output.cascade": "true"},
                           output=self.path("rc.h5"))
        d = r.reshares()
        self.assertEqual(list(d.columns), ["time", "account", "parent", "cascade", "depth", "class",
                                           "community"])
        self.assertTrue(set(d["community"]) <= set(r.communities))
        self.assertEqual(list(d["class"].cat.categories), ["human", "bot", "named"])
        # one row per account that adopted by resharing: no more than adopted
        self.assertLessEqual(int((d["class"] == "bot").sum()), int(r.summary["reach_bot"]))
        self.assertLessEqual(len(d), int(r.summary["reach"]))
        self.assertEqual(d["account"].nunique(), len(d))
        # every reshare lies inside the run, at the clock time its seconds say
        self.assertTrue((d["time"] >= r.times()[0]).all())
        self.assertEqual(int(d.groupby("cascade").size().sum()), len(d))
        self.assertTrue((d.groupby("cascade").size().reindex(range(len(r.cascades())),
                                                              fill_value=0).values
                         == r.cascades()["size"].values).all())
        # a schema 1 file gives the same columns (class a plain uint8 there)
        old = tagcascade.open(os.path.join(ROOT, "tests", "data", "schema1_run.h5")).reshares()
        self.assertEqual(list(old.columns), list(d.columns)[:-1])  # no community there
        self.assertEqual(list(old["class"].cat.categories), ["human", "bot", "named"])

    def test_observed(self):
        bins = self.path("bins.csv")
        with open(bins, "w") as fh:
            fh.write("start,count,human,bot\n2017-05-05T20:00:00+02:00,5,3,2\n"
                     "2017-05-05T21:00:00+02:00,7,7,0\n")
        subprocess.run([os.environ["TAGCASCADE_BIN"], "import", "--format", "volume", bins,
                        "-o", self.path("vol.h5"), "-q"], check=True)
        v = tagcascade.open(self.path("vol.h5"))
        f = v.frame()
        self.assertEqual(list(f["volume"]), [5, 7])
        self.assertEqual(list(f["volume_bot"]), [2, 0])
        self.assertEqual(str(f.index[1]), "2017-05-05 21:00:00+02:00")
        with self.assertRaises(tagcascade.TagcascadeError):
            v.cascades()
        paths = []
        for name, rows in (("a.csv", "0,1,\n60,2,1\n90,3,1\n300,4,2\n"), ("b.csv", "0,7,\n10,8,7\n")):
            paths.append(self.path(name))
            with open(paths[-1], "w") as fh:
                fh.write("time,account,parent\n" + rows)
        subprocess.run([os.environ["TAGCASCADE_BIN"], "import", "--format", "csv", *paths,
                        "-o", self.path("obs.h5"), "-q"], check=True)
        o = tagcascade.open(self.path("obs.h5"))
        c = o.cascades()
        self.assertEqual(sorted(c["size"]), [1, 3])
        self.assertEqual(sorted(c["depth"]), [1, 2])
        self.assertEqual(sorted(c["label"]), ["a.csv", "b.csv"])
        rs = o.reshares()
        self.assertEqual(len(rs), 4)
        self.assertEqual(sorted(rs["delay"].dt.total_seconds()), [10, 60, 90, 300])
        with self.assertRaises(tagcascade.TagcascadeError):
            o.frame()

    def test_errors(self):
        with self.assertRaises(tagcascade.TagcascadeError) as e:
            tagcascade.open(self.path("missing.h5"))
        self.assertIn("missing.h5: no such file", str(e.exception))
        with open(self.path("junk.h5"), "w") as fh:
            fh.write("not hdf5")
        with self.assertRaises(tagcascade.TagcascadeError):
            tagcascade.open(self.path("junk.h5"))
        with self.assertRaises(tagcascade.TagcascadeError) as e:
            tagcascade.run(RECOVERY, {"model.p": 3}, output=self.path("bad.h5"))
        self.assertIn("model.p: expected a number in [0, 1]", str(e.exception))
        self.assertFalse(os.path.exists(self.path("bad.h5")))
        # a program that cannot be started: raised too, naming it
        good, os.environ["TAGCASCADE_BIN"] = os.environ["TAGCASCADE_BIN"], self.path("junk.h5")
        try:
            with self.assertRaises(tagcascade.TagcascadeError) as e:
                tagcascade.run(RECOVERY, output=self.path("never.h5"))
            self.assertIn(f"cannot start {self.path('junk.h5')}: Permission denied",
                          str(e.exception))
        finally:
            os.environ["TAGCASCADE_BIN"] = good

    def test_no_exit_from_the_library(self):
        p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                            "import tagcascade\ntry:\n    tagcascade.open('/nonexistent.h5')\n"
                            "except tagcascade.TagcascadeError:\n    print('raised')",
                            os.path.join(ROOT, "analysis")], capture_output=True, text=True)
        self.assertEqual(p.stdout.strip(), "raised", p.stderr)


if __name__ == "__main__":
    unittest.main()
