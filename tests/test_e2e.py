#!/usr/bin/python3
"""End to end: the default scenario runs, its file holds every dataset that
docs/hdf5.md documents, the numbers agree with each other, overrides take effect,
and the figure is a PNG."""
import collections
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))
PY = "/usr/bin/python3"
SCENARIO = os.path.join(ROOT, "scenarios", "macronleaks.yaml")
COUNTERS = ["posts", "reshares", "new_adopters", "new_exposed", "own_posts"]


def run(*args):
    return subprocess.run([BIN, *args], cwd=ROOT, capture_output=True, text=True)


class DefaultRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "run.h5")
        p = run("run", SCENARIO, "-o", cls.out, "--quiet")
        if p.returncode != 0:
            raise RuntimeError("run failed: " + p.stderr)
        cls.f = h5py.File(cls.out, "r")

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        cls.tmp.cleanup()

    def test_documented_layout(self):
        f = self.f
        self.assertEqual(f.attrs["schema_version"], 2)
        self.assertEqual(f.attrs["kind"], "run")
        T = f["series"].attrs["n_intervals"]
        self.assertEqual(T, 52 * 60)  # 52 h of 1-minute intervals
        C = len(f["meta/communities"])
        self.assertEqual(C, 3)
        self.assertEqual(f["series/t"].shape, (T,))
        for c in COUNTERS:
            for cls in ("human", "bot"):
                d = f[f"series/{c}_{cls}"]
                self.assertEqual((d.shape, d.dtype), ((T,), np.int64), d.name)
                self.assertIsNotNone(d.compression, d.name)
            d = f[f"series/{c}_by_community"]
            self.assertEqual(d.shape, (T, C))
            self.assertEqual(list(d.attrs["columns"]), list(f["meta/communities"].asstr()[:]))
        for k in ["reach", "reach_human", "reach_bot", "exposed", "exposed_human",
                  "exposed_bot", "posts", "reshares", "reshares_human", "reshares_bot",
                  "volume", "peak_volume", "max_depth", "max_breadth", "peak_t",
                  "bot_share_volume", "bot_share_accounts"]:
            self.assertIn(k, f["summary"], k)
        for k in ["author", "t", "size", "depth", "max_breadth", "structural_virality",
                  "t_10", "t_100", "t_1000", "bot_reshares", "via_bot"]:
            # the five timeline posts and every own post
            self.assertEqual(f[f"summary/roots/{k}"].shape, f["summary/roots/kind"].shape, k)
        for k in ["cascades", "largest_size", "largest_structural_virality",
                  "mean_structural_virality"]:
            self.assertIn(k, f["summary"], k)
        for k in ["t", "account", "parent", "root", "depth"]:
            self.assertIn(k, f["cascade/events"])
        meta = f["meta"].attrs
        for k in ["name", "seed", "version", "threads", "ranks", "wall_time_s", "start",
                  "utc_offset_s", "graph_n", "graph_m", "graph_hash", "model"]:
            self.assertIn(k, meta, k)
        self.assertEqual(meta["seed"], 20170505)
        self.assertEqual(meta["utc_offset_s"], 7200)
        self.assertEqual(meta["start"], "2017-05-05T20:00:00+02:00")
        self.assertGreaterEqual(meta["graph_n"], 300000)
        with open(SCENARIO, encoding="utf-8") as fh:
            self.assertEqual(f["meta/scenario"].asstr()[()], fh.read())
        self.assertIn("p_bot: 0.34999999999999998", f["meta/resolved"].asstr()[()])
        self.assertEqual(list(f["meta/accounts/name"].asstr()[:]),
                         ["posobiec", "wikileaks", "fn_bureau"])
        self.assertEqual(list(f["meta/events/t"][:]),
                         [2940.0, 5460.0, 5460.0, 7200.0, 9060.0, 13500.0, 14400.0, 19560.0,
                          19560.0, 43200.0])
        self.assertEqual(list(f["meta/events/kind"].asstr()[:]),
                         ["post", "post", "bot_wave", "post", "post", "post", "silence",
                          "damping", "debunk", "press"])

    def test_numbers_agree(self):
        f = self.f
        s = {k: f["summary"][k][()] for k in f["summary"] if k != "roots"}
        ser = {k: f["series"][k][:] for k in f["series"]}
        for cls in ("human", "bot"):
            self.assertEqual(ser[f"reshares_{cls}"].sum(), s[f"reshares_{cls}"])
            self.assertEqual(ser[f"new_exposed_{cls}"].sum(), s[f"exposed_{cls}"])
            self.assertEqual(ser[f"new_adopters_{cls}"].sum(), s[f"reach_{cls}"])
        for c in COUNTERS:
            self.assertTrue(np.array_equal(ser[f"{c}_by_community"].sum(axis=1),
                                           ser[f"{c}_human"] + ser[f"{c}_bot"]), c)
        self.assertEqual(s["posts"], 5)
        # repeats and reposts of bots are reshares in the volume, not new adopters
        self.assertGreater(s["repeats"], 0)
        self.assertEqual(f["summary/roots/size"][:].sum(), s["reshares"] - s["repeats"])
        self.assertEqual(f["summary/roots/bot_reshares"][:].sum(), s["reshares_bot"] - s["repeats"])
        sv = f["summary/roots/structural_virality"][:]
        size = f["summary/roots/size"][:]
        self.assertEqual(s["cascades"], (size > 0).sum())
        self.assertEqual(s["largest_size"], size.max())
        self.assertAlmostEqual(s["mean_structural_virality"], sv[size > 0].mean())
        self.assertTrue(np.all(sv[size > 0] >= 2 * size[size > 0] / (size[size > 0] + 1) - 1e-12),
                        "a tree's structural virality is at least the star's")
        self.assertEqual(len(f["cascade/events/t"]), s["reshares"] - s["repeats"])
        # a bot adopts by a reshare or by a post of its own (a root of kind 2)
        self.assertEqual(int((f["cascade/events/class"][:] == 1).sum()) +
                         int((f["summary/roots/kind"][:] == 2).sum()), s["reach_bot"])
        self.assertTrue(np.all(f["series/active_bots"][:] <= 18000))
        self.assertGreater(s["trending_s"], 0)
        # the volume: timeline posts, own posts (one per root beyond the five) and reshares
        own = int((f["summary/roots/kind"][:] > 0).sum())
        self.assertEqual(own, ser["own_posts_human"].sum() + ser["own_posts_bot"].sum())
        self.assertEqual(s["volume"], s["posts"] + own + s["reshares"])
        self.assertGreater(s["reshares"], 1000)
        self.assertTrue(0 < s["bot_share_volume"] < 1)
        t = f["cascade/events/t"][:]
        self.assertTrue(np.all(np.diff(t) >= 0), "cascade events ordered by time")
        # nothing happens before the first post (20:49 = 2,940 s after the start)
        first = np.nonzero(ser["posts_human"] + ser["reshares_human"] + ser["reshares_bot"])[0][0]
        self.assertEqual(first, 49)

    def test_summary_and_export(self):
        p = run("summary", self.out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("run 'macronleaks' (seed 20170505)", p.stdout)
        self.assertIn("wikileaks", p.stdout)
        big = int(np.argmax(self.f["summary/roots/size"][:]))
        size = int(self.f["summary/roots/size"][big])
        # (CSV, and GEXF's clock times, are checked on a small run in test_exports)
        with tempfile.TemporaryDirectory() as d:
            for fmt in ("graphml", "gexf"):
                out = os.path.join(d, "c." + fmt)
                extra = ["--time", "seconds"] if fmt == "gexf" else []
                p = run("export", self.out, "--cascade", str(big), "--format", fmt, *extra,
                        "-o", out)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(p.stderr, "", "the run's world builds again: no note")
                with open(out, encoding="utf-8") as fh:
                    self.assertEqual(fh.read().count("<edge "), size, fmt)
                # read back by networkx: the tree, its attributes, absolute times
                import networkx as nx
                g = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
                self.assertTrue(g.is_directed())
                self.assertEqual((g.number_of_nodes(), g.number_of_edges()), (size + 1, size))
                data = dict(g.nodes(data=True))
                cls = collections.Counter(d["class"] for d in data.values())
                bots = int(self.f["summary/roots/bot_reshares"][big])
                self.assertEqual(cls["bot"], bots, fmt)
                # people, and the named accounts (the original poster among them)
                self.assertEqual(cls["human"] + cls["named"], size + 1 - bots, fmt)
                self.assertGreaterEqual(cls["named"], 1, fmt)
                communities = set(self.f["meta/communities"].asstr()[:])
                self.assertTrue(all(d["community"] in communities for d in data.values()))
                depth = max(d["depth"] for d in data.values())
                self.assertEqual(depth, int(self.f["summary/roots/depth"][big]))
                self.assertTrue(all(d["time"].startswith("2017-05-0") for d in data.values()))
                if fmt == "gexf":
                    # Gephi's timeline in seconds since the run's start: each node
                    # starts at its reshare
                    t0 = float(self.f["summary/roots/t"][big])
                    self.assertTrue(all(abs(d["start"] - t0 - d["time_s"]) < 1e-3
                                        for d in data.values()))

    def test_figure(self):
        png = os.path.join(self.tmp.name, "fig.png")
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "plot_series.py"), self.out,
                            "-o", png], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(png, "rb") as fh:
            self.assertEqual(fh.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(png), 20000)


class Overrides(unittest.TestCase):
    def test_set_and_seed(self):
        with tempfile.TemporaryDirectory() as d:
            a, b, c = (os.path.join(d, x) for x in ("a.h5", "b.h5", "c.h5"))
            small = ["--set", "graph.n=20000", "--set", "accounts.1.followers=4000", "-q"]
            self.assertEqual(run("run", SCENARIO, "-o", a, *small).returncode, 0)
            p = run("run", SCENARIO, "-o", b, *small, "--set", "population.bots.fraction=0")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(run("run", SCENARIO, "-o", c, *small, "--seed", "99").returncode, 0)
            with h5py.File(a) as fa, h5py.File(b) as fb, h5py.File(c) as fc:
                self.assertEqual(fa["meta"].attrs["graph_n"], 20003)
                self.assertGreater(fa["summary/reshares_bot"][()], 0)
                self.assertEqual(fb["summary/reshares_bot"][()], 0)
                self.assertIn("fraction: 0\n", fb["meta/resolved"].asstr()[()])
                self.assertEqual(fc["meta"].attrs["seed"], 99)
                self.assertNotEqual(fa["meta"].attrs["graph_hash"], fc["meta"].attrs["graph_hash"])

    def test_hub_following(self):
        """A named account that follows others sees posts; with p_hub = 1 it
        reshares, with p_hub = 0 (or following nobody) it never does."""
        text = """time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 500, m: 4, reciprocity: 0.5}
accounts:
  - {name: a, community: all, followers: 400}
  - {name: b, community: all, followers: 10, following: 300}
model: {name: ic, p: 0.3, p_hub: 1}
events: [{at: 1m, post: a}]
output: {cascade: true}
"""
        with tempfile.TemporaryDirectory() as d:
            scen = os.path.join(d, "s.yaml")
            with open(scen, "w") as fh:
                fh.write(text)
            adopted = {}
            for name, sets in (("on", []), ("off", ["--set", "model.p_hub=0"]),
                               ("alone", ["--set", "accounts.1.following=0"])):
                out = os.path.join(d, name + ".h5")
                p = run("run", scen, "-o", out, "-q", *sets)
                self.assertEqual(p.returncode, 0, p.stderr)
                with h5py.File(out) as f:
                    b = f["meta/accounts/id"][1]
                    self.assertEqual(f["meta/accounts/followers"][1], 10)
                    adopted[name] = b in set(f["cascade/events/account"][:])
            self.assertEqual(adopted, {"on": True, "off": False, "alone": False})

    def test_validate_and_help(self):
        p = run("validate", SCENARIO)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("# graph: 300003 accounts", p.stdout)
        for args in (["--help"], ["run", "--help"], ["validate", "--help"]):
            p = run(*args)
            self.assertEqual(p.returncode, 0)
            self.assertIn("usage: tagcascade", p.stdout)
        p = run("models")
        self.assertEqual(p.returncode, 0)
        self.assertIn("ic", p.stdout)
        self.assertEqual(run("frobnicate").returncode, 2)


if __name__ == "__main__":
    unittest.main(verbosity=1)
