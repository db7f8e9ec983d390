#!/usr/bin/python3
"""The worked examples of docs/examples/, run with --quick from a temporary
folder as a reader would run them: default_replay.py (a run read as a
DataFrame and an xarray Dataset: busiest interval, people and bots, reshares by
community, largest cascades) and bot_share_sweep.py (a sweep over the share of
bots, a groupby with the mean and a 95 % interval). Every number they print is
checked against the file they wrote, read here with h5py alone; each writes a
PNG of a sensible size that is not blank; a scenario value the program refuses
ends the example with status 2 and the program's message."""
import csv
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timedelta

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    import pandas  # noqa: F401
    import xarray  # noqa: F401
except ImportError as e:
    print(f"skipped: {e} (Debian: python3-pandas, python3-xarray)")
    sys.exit(77)
PY = "/usr/bin/python3"
EXAMPLES = os.path.join(ROOT, "docs", "examples")
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
BIN = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "tagcascade")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def number(text):
    return float(text.replace(",", ""))


def volume(series):
    """Every message with the hashtag per interval: timeline posts, own posts
    and reshares, people and bots."""
    parts = ("posts", "own_posts", "reshares")
    human = sum(series[f"{p}_human"][()].astype(np.int64) for p in parts if f"{p}_human" in series)
    bot = sum(series[f"{p}_bot"][()].astype(np.int64) for p in parts if f"{p}_bot" in series)
    return human, bot


class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        env = dict(os.environ, TAGCASCADE_BIN=BIN)
        # both at once (the sweep runs in parallel itself), each in its own
        # folder, with the default --out
        procs = {}
        for name in ("default_replay", "bot_share_sweep"):
            cwd = os.path.join(cls.dir, name)
            os.mkdir(cwd)
            procs[name] = subprocess.Popen([PY, os.path.join(EXAMPLES, name + ".py"), "--quick"],
                                           cwd=cwd, env=env, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True)
        cls.results = {}
        for name, p in procs.items():
            out, err = p.communicate(timeout=300)
            cls.results[name] = (p.returncode, out, err)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def result(self, name):
        rc, out, err = self.results[name]
        self.assertEqual(rc, 0, err)
        return out, os.path.join(self.dir, name, "out")

    def assert_png(self, path, width, height):
        """A PNG of about width x height pixels, with enough ink not to be blank."""
        with open(path, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], PNG_SIGNATURE)
        w, h = struct.unpack(">II", head[16:24])  # the IHDR chunk comes first
        self.assertTrue(0.8 * width <= w <= 1.2 * width and 0.8 * height <= h <= 1.2 * height,
                        (w, h))
        self.assertGreater(os.path.getsize(path), 30000)
        import matplotlib.image
        img = matplotlib.image.imread(path)[:, :, :3]
        self.assertGreater(img.std(), 0.05)
        self.assertGreater((img.min(axis=2) < 0.9).mean(), 0.03)

    def test_default_replay(self):
        out, folder = self.result("default_replay")
        self.assertIn("scenario classroom, seed 20170505", out)
        with h5py.File(os.path.join(folder, "replay.h5"), "r") as f:
            s, meta = f["series"], f["meta"].attrs
            human, bot = volume(s)
            vol = human + bot
            start = datetime.fromisoformat(meta["start"])
            # the busiest interval: its start in the scenario's clock time, and its volume
            i = int(np.argmax(vol))
            when = start + timedelta(seconds=float(s["t"][i]))
            m = re.search(r"^busiest 10 minutes: (\S+) \(\w{3} \d\d:\d\d\), ([\d,]+) posts", out,
                          re.M)
            self.assertIsNotNone(m, out)
            self.assertEqual(datetime.fromisoformat(m.group(1)), when)
            self.assertEqual(m.group(1)[-6:], "+02:00")  # Paris time, as the scenario says
            self.assertEqual(number(m.group(2)), vol[i])
            self.assertEqual(float(s["t"][i]), float(f["summary/peak_t"][()]))
            # people and bots
            total = int(vol.sum())
            self.assertEqual(total, int(f["summary/volume"][()]))
            self.assertIn(f"hashtag volume: {total:,} posts and reshares", out)
            self.assertIn(f"by people: {int(human.sum()):,} ({100 * human.sum() / total:.1f} %)",
                          out)
            self.assertIn(f"by bots:   {int(bot.sum()):,} ({100 * bot.sum() / total:.1f} %)", out)
            self.assertIn(f"bots are {100 * int(meta['bots']) / int(meta['graph_n']):.1f} % of "
                          "the accounts", out)
            self.assertIn(f"accounts that used it: {int(f['summary/reach_human'][()]):,} people, "
                          f"{int(f['summary/reach_bot'][()]):,} bots", out)
            # reshares by community (the xarray part)
            names = [x.decode() if isinstance(x, bytes) else x for x in f["meta/communities"][()]]
            by = s["reshares_by_community"][()].sum(axis=0)
            self.assertEqual(int(by.sum()), int(s["reshares_human"][()].sum()
                                                + s["reshares_bot"][()].sum()))
            for name, n in zip(names, by):
                self.assertRegex(out, rf"\n  {name} +{int(n):,} \(")
            # the largest cascades, the first row of a tie first
            roots = {k: f["summary/roots"][k][()] for k in ("size", "depth", "bot_reshares",
                                                            "author")}
            named = dict(zip(f["meta/accounts/id"][()], f["meta/accounts/name"].asstr()[()]))
        top = np.argsort(-roots["size"], kind="stable")[:5]
        rows = out.split("largest cascades:\n", 1)[1].splitlines()[1:6]
        for rank, (line, r) in enumerate(zip(rows, top), 1):
            cells = re.split(r"\s{2,}", line.strip())
            by = named.get(roots["author"][r], f"account {roots['author'][r]}")
            self.assertEqual(cells[0], str(rank))
            self.assertEqual(cells[2], by, line)
            self.assertEqual([number(c) for c in (cells[3], cells[4], cells[6])],
                             [roots["size"][r], roots["depth"][r], roots["bot_reshares"][r]])
        # the DataFrame written as CSV holds the same counts
        with open(os.path.join(folder, "replay.csv"), encoding="utf-8") as fh:
            table = list(csv.DictReader(fh))
        self.assertEqual(len(table), len(vol))
        self.assertEqual(sum(int(r["volume_bot"]) for r in table), int(bot.sum()))
        self.assertEqual(datetime.fromisoformat(table[i]["time"]), when)
        self.assertIn(f"figure: {os.path.join('out', 'replay.png')}", out)
        self.assert_png(os.path.join(folder, "replay.png"), 1210, 770)

    def test_bot_share_sweep(self):
        out, folder = self.result("bot_share_sweep")
        with h5py.File(os.path.join(folder, "sweep.h5"), "r") as f:
            g = f["sweep"]
            metrics = [x.decode() if isinstance(x, bytes) else x for x in g["metrics"][()]]
            summary, done = g["summary"][()], g["done"][()].astype(bool)
            fractions = g["params/population.bots.fraction"][()]
        self.assertEqual(list(fractions), [0, 0.1, 0.3])
        self.assertEqual(summary.shape[:2], (3, 2))
        self.assertTrue(done.all())
        row = re.compile(r"^ +([\d.]+)% +(\d+) +([\d,.]+) \[([\d,.]+), ([\d,.]+)\] +"
                         r"([\d.]+) % \[([\d.]+), ([\d.]+)\]$", re.M)
        printed = row.findall(out)
        self.assertEqual(len(printed), 3, out)
        with open(os.path.join(folder, "sweep.csv"), encoding="utf-8") as fh:
            table = list(csv.DictReader(fh))
        for p, (cells, rec) in enumerate(zip(printed, table)):
            people = summary[p, :, metrics.index("reach_human")]
            share = summary[p, :, metrics.index("bot_share_volume")]
            self.assertEqual(float(cells[0]), 100 * fractions[p])
            self.assertEqual(int(cells[1]), 2)
            self.assertEqual(number(cells[2]), round(people.mean(), 1))
            self.assertAlmostEqual(float(cells[5]), 100 * share.mean(), places=2)
            self.assertAlmostEqual(float(rec["reach_human"]), people.mean(), places=9)
            self.assertAlmostEqual(float(rec["bot_share_volume"]), share.mean(), places=12)
            # a 95 % interval of the mean lies within the replicates' range, around the mean
            for v, lo, hi in ((people, "reach_human_lo", "reach_human_hi"),
                              (share, "bot_share_volume_lo", "bot_share_volume_hi")):
                self.assertTrue(v.min() <= float(rec[lo]) <= v.mean() <= float(rec[hi]) <= v.max(),
                                (v, rec[lo], rec[hi]))
        # no bots, no bots' volume; more bots, a larger share of it
        self.assertEqual(float(table[0]["bot_share_volume"]), 0.0)
        self.assertGreater(float(table[2]["bot_share_volume"]), float(table[1]["bot_share_volume"]))
        self.assert_png(os.path.join(folder, "sweep.png"), 1320, 572)

    def test_refused_scenario(self):
        p = subprocess.run([PY, os.path.join(EXAMPLES, "default_replay.py"), "--quick",
                            "--set", "model.p=3", "--out", self.dir],
                           env=dict(os.environ, TAGCASCADE_BIN=BIN), capture_output=True,
                           text=True, timeout=120)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("default_replay.py: ", p.stderr)
        self.assertIn("model.p: expected a number in [0, 1]", p.stderr)
        self.assertNotIn("Traceback", p.stderr)


if __name__ == "__main__":
    if not os.access(BIN, os.X_OK):
        print(f"no tagcascade binary at {BIN} (build it with make)")
        sys.exit(77)
    unittest.main()
