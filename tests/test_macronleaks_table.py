#!/usr/bin/python3
"""The replay's calibration table (analysis/macronleaks_table.py) reads the right
numbers out of a run, and the classroom demo script makes its figure."""
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
            s = f["series"]
            vol = s["posts_human"][:] + s["posts_bot"][:] + s["reshares_human"][:] + s["reshares_bot"][:]
            lo = int(t0[r0] // 60)
            self.assertEqual(m["volume_3h30"], int(vol[lo:lo + 210].sum()))
        self.assertTrue(0 < m["delay_median_min"] < 24 * 60)
        self.assertTrue(0 < m["delay_1h"] < 100)

    def test_markdown_and_bad_input(self):
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_table.py"),
                            self.out, "--markdown"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| retweets of WikiLeaks' 22:31 tweet | 4,860 |", p.stdout)
        self.assertEqual(len(p.stdout.strip().splitlines()), 2 + len(macronleaks_table.FIGURES))
        bad = os.path.join(self.tmp.name, "bad.h5")
        with open(bad, "w") as fh:
            fh.write("not hdf5")
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "macronleaks_table.py"), bad],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("bad.h5", p.stderr)


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
