#!/usr/bin/python3
# Tests for analysis/compare_runs.py on small runs made with the tagcascade binary
# (env BIN, default build/tagcascade): 3 bot fractions x 3 seeds of a 300-account
# scenario, a run of another duration and a run with no posts at all.
# Run: BIN=build/tagcascade /usr/bin/python3 tests/test_compare_runs.py
import contextlib
import csv
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANALYSIS = os.path.join(ROOT, "analysis")
COMPARE = os.path.join(ANALYSIS, "compare_runs.py")
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))
PYTHON = "/usr/bin/python3"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
sys.path.insert(0, ANALYSIS)

FRACTIONS = ["0", "0.1", "0.3"]
SEEDS = [1, 2, 3]
KEY = "population.bots.fraction"
SCENARIO = """\
# small: 300 accounts, two hubs, 3 h in 5-minute intervals
name: classroom
seed: 1
time: {start: 2017-05-05T20:00:00+02:00, duration: 3h, output_interval: 5m}
graph:
  generator: ba
  n: 300
  m: 3
  communities: [{name: us, share: 0.4}, {name: fr, share: 0.6}]
  mixing: 0.1
  reciprocity: 0.2
population:
  humans: {delay: {median: 20m, sigma: 1.5}}
  bots: {fraction: 0.1, placement: followers, delay: {min: 3s, max: 9s}}
accounts:
  - {name: a, community: us, followers: 60, in_community: 0.8}
  - {name: b, community: fr, followers: 120, in_community: 0.5}
model: {name: ic, p: 0.12, p_bot: 0.6}
events:
  - {at: 10m, post: a, label: "first # post"}
  - {at: 40m, post: b}
"""


def binary():
    exe = BIN if os.path.isabs(BIN) else os.path.join(ROOT, BIN)
    return exe if os.path.isfile(exe) and os.access(exe, os.X_OK) else None


def compare(*args, cwd=None):
    return subprocess.run([PYTHON, COMPARE, *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def call(*args):
    """compare_runs.main(args) in this process (saves a Python start per call), with the
    exit status, stdout and stderr that the command would give."""
    import compare_runs
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = compare_runs.main(list(args))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
    return Result(rc, out.getvalue(), err.getvalue())


def parse_table(stdout):
    """The printed table as a list of dicts, keyed by the header's columns."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("group"))
    head = re.split(r"\s{2,}", lines[start].strip())
    rows = []
    for line in lines[start + 2:]:
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) != len(head):
            break
        rows.append(dict(zip(head, cells)))
    return rows


def reach_cell(cell):
    """'29 [26-46]' -> (29.0, 26.0, 46.0)"""
    m = re.fullmatch(r"([\d.]+) \[([\d.]+)-([\d.]+)\]", cell)
    return tuple(float(x) for x in m.groups())


def from_file(path):
    """What the table reports, computed here from the file with h5py."""
    with h5py.File(path, "r") as f:
        s = f["series"]
        vol = sum(s[k][()] for k in ("posts_human", "posts_bot", "reshares_human",
                                     "reshares_bot"))
        bot = s["posts_bot"][()] + s["reshares_bot"][()]
        adopters = int(s["new_adopters_human"][()].sum() + s["new_adopters_bot"][()].sum())
        return {"reach": int(f["summary/reach"][()]), "adopters": adopters,
                "volume": int(vol.sum()),
                "bot_share": bot.sum() / vol.sum() if vol.sum() else np.nan,
                "peak_t": float(s["t"][int(np.argmax(vol))]) if vol.sum() else np.nan}


class CompareRuns(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        scen = os.path.join(cls.dir, "classroom.yaml")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(SCENARIO)
        exe = binary()

        def make(name, *sets):
            out = os.path.join(cls.dir, name)
            args = [exe, "run", scen, "--quiet", "-o", out]
            for s in sets:
                args += ["--set", s] if "=" in s else ["--seed", s]
            p = subprocess.run(args, capture_output=True, text=True, timeout=60, cwd=cls.dir)
            if p.returncode != 0:
                raise RuntimeError(f"{' '.join(args)} failed: {p.stderr}")
            return out

        cls.runs = {}  # fraction -> [files]
        for fr in FRACTIONS:
            cls.runs[fr] = [make(f"bots{fr}_seed{s}.h5", f"{KEY}={fr}", str(s)) for s in SEEDS]
        cls.all = [f for fr in FRACTIONS for f in cls.runs[fr]]
        cls.shorter = make("shorter.h5", "time.duration=2h")
        cls.silent = make("silent.h5", "events=[]")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.dir, name)

    def assert_exit2(self, p, *words):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        for w in words:
            self.assertIn(w, p.stderr)

    def assert_figure(self, p, path):
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip().splitlines()[-1], path)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), PNG_SIGNATURE)
        self.assertGreater(os.path.getsize(path), 20000)
        import matplotlib.image
        img = matplotlib.image.imread(path)[:, :, :3]
        self.assertGreater(img.std(), 0.05)  # not a blank page
        self.assertGreater((img.min(axis=2) < 0.9).mean(), 0.03)  # enough ink
        return img

    # grouping by a resolved parameter

    def test_by_fraction(self):
        png, table = self.out("by.png"), self.out("by.csv")
        files = self.all[::-1]  # given out of order: groups come sorted by value
        files = files[1::2] + files[::2]
        p = compare("--by", KEY, *files, "-o", png, "--csv", table, "--title", "Bots")
        self.assert_figure(p, png)
        rows = parse_table(p.stdout)
        self.assertEqual([r["group"] for r in rows], ["bots 0 %", "bots 10 %", "bots 30 %"])
        self.assertEqual([r["replicates"] for r in rows], ["3", "3", "3"])
        with open(table, newline="", encoding="utf-8") as f:
            rec = list(csv.DictReader(f))
        self.assertEqual([r["group"] for r in rec], [r["group"] for r in rows])
        for fr, row, c in zip(FRACTIONS, rows, rec):
            got = [from_file(f) for f in self.runs[fr]]
            reach = [g["reach"] for g in got]
            self.assertEqual(reach, [g["adopters"] for g in got])  # one meaning of reach
            want = (np.median(reach), min(reach), max(reach))
            self.assertEqual(reach_cell(row["reach median [min-max]"]), want)
            self.assertEqual((float(c["reach_median"]), float(c["reach_min"]),
                              float(c["reach_max"])), want)
            self.assertEqual(float(c["value"]), float(fr))
            self.assertEqual(int(c["replicates"]), 3)
            self.assertEqual(float(c["volume_median"]), np.median([g["volume"] for g in got]))
            self.assertAlmostEqual(float(c["bot_share_volume_median"]),
                                   np.median([g["bot_share"] for g in got]), places=5)
            self.assertEqual(float(c["peak_t_s"]), np.median([g["peak_t"] for g in got]))
            self.assertEqual(sorted(c["files"].split(";")), sorted(self.runs[fr]))
        self.assertEqual(rows[0]["bot share of volume (median)"], "0.0 %")
        self.assertGreater(float(rec[2]["bot_share_volume_median"]), 0)

    def test_label_format_and_other_keys(self):
        png = self.out("fmt.png")
        p = call("--by", KEY, "--label-format", "{value:.0%} bots", *self.all, "-o", png)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([r["group"] for r in parse_table(p.stdout)],
                         ["0% bots", "10% bots", "30% bots"])
        p = call("--by", "seed", *self.all, "-o", png)  # 3 seeds x 3 fractions
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = parse_table(p.stdout)
        self.assertEqual([r["group"] for r in rows], ["seed=1", "seed=2", "seed=3"])
        self.assertEqual([r["replicates"] for r in rows], ["3", "3", "3"])
        self.assert_exit2(call("--by", "model.nope", *self.all, "-o", png),
                          "model.nope", self.all[0])
        self.assert_exit2(call("--by", "model.name", "--label-format", "{pct}",
                                  *self.all, "-o", png), "pct")

    # explicit groups, one group per file

    def test_groups(self):
        png = self.out("groups.png")
        hi, lo = self.runs["0.3"], self.runs["0"]
        p = call("--group", "many bots", *hi, "--group", "no bots", *lo[:2], "-o", png,
                    "--bin", "15m")
        self.assert_figure(p, png)
        rows = parse_table(p.stdout)
        self.assertEqual([r["group"] for r in rows], ["many bots", "no bots"])  # as given
        self.assertEqual([r["replicates"] for r in rows], ["3", "2"])
        for files, row in ((hi, rows[0]), (lo[:2], rows[1])):
            reach = [from_file(f)["reach"] for f in files]
            self.assertEqual(reach_cell(row["reach median [min-max]"])[0], np.median(reach))
        p = call(*lo, "-o", png)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([r["group"] for r in parse_table(p.stdout)],
                         [os.path.basename(f) for f in lo])  # each file its own group
        self.assert_exit2(call("--group", "x", *lo, "--by", KEY, "-o", png), "--group")
        self.assert_exit2(call("--group", "lonely", "-o", png), "--group")
        self.assert_exit2(call(*lo, "--bin", "7m", "-o", png), "7m")

    def test_formats(self):
        for ext, head in ((".pdf", b"%PDF"), (".svg", b"<?xml")):
            path = self.out("fig" + ext)
            p = call("--by", KEY, *self.all, "-o", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(path, "rb") as f:
                self.assertEqual(f.read(len(head)), head)
        self.assert_exit2(call(*self.all, "-o", self.out("fig.jpg")), "fig.jpg")
        p = compare(self.all[0], cwd=self.dir)  # default output name
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.isfile(self.out("compare.png")))

    # bad input

    def test_incompatible_axes(self):
        png = self.out("never.png")
        p = call("--by", KEY, *self.all, self.shorter, "-o", png)
        self.assert_exit2(p, self.shorter, "time axes")
        self.assertFalse(os.path.exists(png))
        p = call("--group", "3h", self.all[0], "--group", "2h", self.shorter, "-o", png)
        self.assert_exit2(p, self.shorter, self.all[0])
        self.assertFalse(os.path.exists(png))

    def test_not_runs(self):
        png = self.out("never2.png")
        text = self.out("notes.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        self.assert_exit2(compare("--by", KEY, *self.all, text, "-o", png), text, "HDF5")
        missing = self.out("missing.h5")
        self.assert_exit2(call(self.all[0], missing, "-o", png), missing)
        other = self.out("other.h5")
        with h5py.File(other, "w") as f:
            f.attrs["schema_version"] = np.int32(1)
            f.attrs["kind"] = "sweep"
        self.assert_exit2(call("--group", "g", self.all[0], other, "-o", png), other)
        self.assertFalse(os.path.exists(png))

    def test_zero_volume(self):
        self.assertEqual(from_file(self.silent)["volume"], 0)
        png, table = self.out("silent.png"), self.out("silent.csv")
        p = call("--group", "nothing posted", self.silent, "--group", "bots",
                 *self.runs["0.3"], "-o", png, "--csv", table)
        self.assert_figure(p, png)
        row = parse_table(p.stdout)[0]
        self.assertEqual(row["reach median [min-max]"], "0 [0-0]")
        self.assertEqual(row["volume median"], "0")
        self.assertEqual(row["bot share of volume (median)"], "-")
        self.assertEqual(row["peak time (median)"], "-")
        with open(table, newline="", encoding="utf-8") as f:
            self.assertEqual(next(csv.DictReader(f))["bot_share_volume_median"], "")
        p = call(self.silent, "-o", self.out("alone.png"))  # nothing but zeros
        self.assert_figure(p, self.out("alone.png"))

    # pieces

    def test_resolved_reader(self):
        from tagcascade import scenario
        with h5py.File(self.runs["0.3"][1], "r") as f:
            text = f["meta/resolved"].asstr()[()]
        tree = scenario.parse(text)
        self.assertEqual(scenario.lookup(tree, KEY), 0.3)
        self.assertEqual(scenario.lookup(tree, "seed"), 2)
        self.assertEqual(scenario.lookup(tree, "accounts.1.followers"), 120)
        self.assertEqual(scenario.lookup(tree, "events.0.label"), "first # post")
        self.assertEqual(scenario.lookup(tree, "graph.communities.1.name"), "fr")
        # a time stays the text the scenario wrote, as tagcascade reads it
        self.assertEqual(scenario.lookup(tree, "time.start"), "2017-05-05T20:00:00+02:00")
        tree = scenario.parse("sweep:\n  grid: {population.bots.fraction: [0, 0.1]}\n"
                              "list:\n  - x: 'it''s'\n    y: \"a\\\"b\"  # note\n  - - 1\n")
        self.assertEqual(scenario.lookup(tree, "sweep.grid.population.bots.fraction.1"), 0.1)
        self.assertEqual(scenario.lookup(tree, "list.0"), {"x": "it's", "y": 'a"b'})
        self.assertEqual(scenario.lookup(tree, "list.1"), [1])
        with self.assertRaises(KeyError):
            scenario.lookup(tree, "list.5")
        with self.assertRaises(scenario.TagcascadeError) as e:
            scenario.parse("a: {b: 1\n")
        self.assertEqual(str(e.exception), "line 2, column 1: expected ',' or '}', but got "
                         "'<stream end>' (while parsing a flow mapping at line 1, column 4)")

    def test_resolved_syntax_error(self):
        # a run whose /meta/resolved is not YAML: the message names the file, the
        # line and the column, and the status is 2
        bad = self.out("bad_resolved.h5")
        with open(self.all[0], "rb") as src, open(bad, "wb") as dst:
            dst.write(src.read())
        with h5py.File(bad, "r+") as f:
            text = f["meta/resolved"].asstr()[()].replace("m: 3\n", "m: [3\n", 1)
            del f["meta/resolved"]
            f["meta/resolved"] = text
        line = text.splitlines().index("  m: [3") + 1
        p = call("--by", KEY, self.all[1], bad, "-o", self.out("never3.png"))
        self.assert_exit2(p, f"{bad}: cannot read /meta/resolved (line {line + 1}, column ",
                          "expected ',' or ']'", f"flow sequence at line {line}, column 6)")
        self.assertFalse(os.path.exists(self.out("never3.png")))

    def test_band(self):
        import compare_runs as cr
        rows = [[0, 10], [4, 30], [1, 20]]  # fewer than 5 replicates: min-max
        med, lo, hi, name = cr.band_of(rows)
        self.assertEqual(name, "min-max")
        np.testing.assert_array_equal([med, lo, hi], [[1, 20], [0, 10], [4, 30]])
        rows = [[x] for x in range(11)]  # 11 replicates: 10-90 %
        med, lo, hi, name = cr.band_of(rows)
        self.assertEqual(name, "10-90 %")
        np.testing.assert_allclose([med[0], lo[0], hi[0]], [5, 1, 9])

    def test_colour_ramp(self):
        import compare_runs as cr
        lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b, _ in cr.colours(5)]
        self.assertTrue(all(x > y for x, y in zip(lum, lum[1:])), lum)  # more = darker

    def test_help(self):
        p = compare("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        for w in ("--by", "--group", "--label-format", "--bin", "--csv", "--title"):
            self.assertIn(w, p.stdout)


if __name__ == "__main__":
    if binary() is None:
        print(f"no tagcascade binary at {BIN} (build it with make)")
        sys.exit(77)
    unittest.main()
