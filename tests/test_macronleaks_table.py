#!/usr/bin/python3
"""The replay's calibration table (analysis/macronleaks_table.py) reads the right
numbers out of a run, and the classroom demo script makes its figure."""
import csv
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
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import macronleaks_table  # noqa: E402


class Table(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "m.h5")
        p = subprocess.run([BIN, "run", os.path.join(ROOT, "scenarios", "macronleaks.yaml"),
                            "-o", cls.out, "--quiet", "--seed", "3"], capture_output=True, text=True)
        if p.returncode:
            raise RuntimeError(p.stderr)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_numbers_from_the_file(self):
        m = macronleaks_table.measure(self.out)
        with h5py.File(self.out, "r") as f:
            names = list(f["meta/accounts/name"].asstr()[:])
            pos = f["meta/accounts/id"][names.index("posobiec")]
            author, t0 = f["summary/roots/author"][:], f["summary/roots/t"][:]
            r0 = int(np.nonzero(author == pos)[0][0])
            ev_t, ev_root = f["cascade/events/t"][:], f["cascade/events/root"][:]
            dt = ev_t[ev_root == r0] - t0[r0]
            self.assertEqual(m["posobiec_1min"], int((dt <= 60).sum()))
            self.assertEqual(m["posobiec_5min"], int((dt <= 300).sum()))
            self.assertEqual(m["posobiec_total"], int(f["summary/roots/size"][r0]))
            self.assertEqual(m["bots_took_part"], int(f["summary/reach_bot"][()]))
            self.assertEqual(m["took_part"], int(f["summary/reach"][()]))
            self.assertAlmostEqual(m["bots_of_took_part"], 100.0 * int(f["summary/reach_bot"][()])
                                   / int(f["summary/reach"][()]), places=9)
            s = f["series"]
            vol = sum(s[k][:] for k in ("posts_human", "posts_bot", "own_posts_human",
                                        "own_posts_bot", "reshares_human", "reshares_bot"))
            lo = int(t0[r0] // 60)
            self.assertEqual(m["volume_3h30"], int(vol[lo:lo + 210].sum()))
            self.assertEqual(m["volume"], int(f["summary/volume"][()]))
            late = 100.0 * vol[lo + 13 * 60:].sum() / vol.sum()
            self.assertAlmostEqual(m["vol_after_13h"], late, places=9)
            self.assertAlmostEqual(m["vol_before"] + m["vol_13h"] + m["vol_after_13h"], 100.0)
            self.assertAlmostEqual(sum(m["vol_day"]), 100.0)
            # the cascade shape, from the roots table and the events
            sh = macronleaks_table.shape(m["_roots"], m["_ev"], 1)
            size = f["summary/roots/size"][:]
            keep = size >= 1
            self.assertEqual(sh["n"], int(keep.sum()))
            self.assertEqual(sh["depth"], float(np.median(f["summary/roots/depth"][:][keep])))
            d = f["cascade/events/depth"][:]
            self.assertAlmostEqual(sh["depth1"], 100.0 * np.mean(d == 1))
        self.assertTrue(0 < m["delay_median_min"] < 24 * 60)
        self.assertTrue(0 < m["delay_1h"] < 100)

    def test_markdown_and_bad_input(self):
        fig = os.path.join(self.tmp.name, "volume.png")
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_table.py"),
                            self.out, "--markdown", "--figure", fig],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| retweets of WikiLeaks' 22:31 tweet | 4,860 |", p.stdout)
        blocks = p.stdout.strip().split("\n\n")
        self.assertEqual(len(blocks), 3, p.stdout)
        self.assertEqual(len(blocks[0].splitlines()), 2 + len(macronleaks_table.FIGURES))
        self.assertIn("| share after the first 13 h (%) |", blocks[1])
        self.assertIn("| replay, cascades with ≥ 1 reshare |", blocks[2])
        self.assertGreater(os.path.getsize(fig), 10000)
        bad = os.path.join(self.tmp.name, "bad.h5")
        with open(bad, "w") as fh:
            fh.write("not hdf5")
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_table.py"), bad],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("bad.h5", p.stderr)


class Search(unittest.TestCase):
    """analysis/macronleaks_search.py: every point of the grid over every seed,
    ranked by its distance to the published figures, every run in the CSV."""

    SMALL = ["--grid", "graph.n=20000", "--grid", "accounts.0.followers=800",
             "--grid", "accounts.1.followers=5000", "--grid", "accounts.2.followers=600",
             "--grid", "time.duration=6h",
             # Saturday's press coverage (events.9), moved inside the 6 h
             "--grid", "events.9.at=4h", "--grid", "events.9.until=5h"]

    def test_grid_over_seeds(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "runs.csv")
            p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_search.py"),
                                *self.SMALL, "--grid", "model.p=0.02,0.08", "--seeds", "2",
                                "--jobs", "2", "--csv", out],
                               capture_output=True, text=True, env=dict(os.environ, BIN=BIN))
            self.assertEqual(p.returncode, 0, p.stderr)
            lines = p.stdout.strip().splitlines()
            self.assertIn("2 points x 2 seeds", lines[0])
            ranked = [ln for ln in lines[2:] if "model.p=" in ln]
            self.assertEqual(len(ranked), 2)
            dist = [float(ln.split()[0]) for ln in ranked]
            self.assertLessEqual(dist[0], dist[1])
            with open(out, encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            self.assertEqual(len(rows), 4)
            self.assertEqual(sorted({(r["point"], r["seed"]) for r in rows}),
                             [("0", "1"), ("0", "2"), ("1", "1"), ("1", "2")])
            # a larger adoption probability gives more volume, seed for seed
            vol = {(r["model.p"], r["seed"]): float(r["volume"]) for r in rows}
            for s in ("1", "2"):
                self.assertGreater(vol[("0.08", s)], vol[("0.02", s)])

    def test_bad_grid(self):
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_search.py"),
                            "--grid", "model.p"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("expected KEY=V1,V2,...", p.stderr)


class DemoBots(unittest.TestCase):
    def test_demo_script_makes_the_figure(self):
        with tempfile.TemporaryDirectory() as d:
            sc = os.path.join(d, "tiny.yaml")
            with open(sc, "w") as fh:
                fh.write("name: tiny\ntime: {start: '2017-05-05T20:00:00+02:00', duration: 3h}\n"
                         "graph: {generator: ba, n: 2000, m: 3}\n"
                         "accounts: [{name: hub, community: all, followers: 500}]\n"
                         "model: {name: ic, p: 0.05, p_bot: 0.5}\n"
                         "events: [{at: 10m, post: hub}]\n")
            env = dict(os.environ, BIN=BIN, PY=PY, OUT=os.path.join(d, "out"), REPLICATES="2",
                       SCENARIO=sc)
            p = subprocess.run(["sh", os.path.join(ROOT, "analysis", "demo_bots.sh")], cwd=ROOT,
                               env=env, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr)
            png = os.path.join(d, "out", "bots.png")
            self.assertGreater(os.path.getsize(png), 20000)
            rows = open(os.path.join(d, "out", "bots.csv"), encoding="utf-8").read().splitlines()
            self.assertEqual(len(rows), 1 + 5)
            self.assertIn("figure:", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
