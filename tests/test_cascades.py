#!/usr/bin/python3
# Checks `tagcascade import` against an independent networkx computation on real
# Twitter15/16 trees and on a hand-made CSV cascade, then analysis/cascades.py.
# Run from the project root: /usr/bin/python3 tests/test_cascades.py (env BIN).
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", "build/tagcascade")
PYTHON = "/usr/bin/python3"
TAR = os.path.join(ROOT, "tests", "data", "twitter15_16_trees.tar.xz")
CASCADES = os.path.join(ROOT, "analysis", "cascades.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SKIP_LINE = "skipped: python3-networkx is not installed"
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import tcread  # noqa: E402

try:
    import networkx as nx
except ImportError:
    nx = None

# ['parent_uid', 'parent_tweet_id', 'parent_delay_min']->['child_uid', 'child_tweet_id', 'child_delay_min']
EDGE = re.compile(r"\['([^']*)', '([^']*)', '([^']*)'\]->\['([^']*)', '([^']*)', '([^']*)'\]")


def run(*args, timeout=120):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def extract(dest):
    """Unpack the tar.xz under dest; return the tree files' member names, sorted."""
    trees = []
    with tarfile.open(TAR, "r:xz") as tf:
        for m in tf:
            parts = m.name.split("/")
            if not m.isfile() or m.name.startswith("/") or ".." in parts:
                continue
            path = os.path.join(dest, *parts)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(tf.extractfile(m).read())
            if len(parts) == 3 and parts[1] == "tree" and parts[2].endswith(".txt"):
                trees.append(m.name)
    return sorted(trees)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def edges(text):
    return [m.groups() for m in map(EDGE.fullmatch, (s.strip() for s in text.splitlines())) if m]


def quirks(name, text, twice):
    """Names of the quirks a tree file shows (used to pick the sample)."""
    lines = text.splitlines()
    rows = edges(text)
    root = next(r for r in rows if r[0] == "ROOT")
    q = set()
    if not lines[0].startswith("['ROOT'"):
        q.add("root line not first")
    if root[4] != os.path.basename(name)[:-4]:
        q.add("root tweet id is not the file name")
    if len(set(lines)) < len(lines):
        q.add("duplicated lines")
    if any(float(r[5]) < 0 for r in rows):
        q.add("negative delay")
    if any(r[0] == r[3] for r in rows):
        q.add("self-loop")
    first = {}
    if any(first.setdefault(r[3], r[0]) != r[0] for r in rows if r[0] != "ROOT"):
        q.add("child under two parents")
    if os.path.basename(name) in twice:
        q.add("in both data sets")
    return q


def pick_sample(dest, trees):
    """A deterministic sample of about 200 files: the 3 largest, every file whose
    ROOT line is misplaced or names another tweet, then from the smaller half (to
    keep the test fast) the first 12 files with each other quirk and every k-th file."""
    text = {n: read(os.path.join(dest, n)) for n in trees}
    base = [os.path.basename(n) for n in trees]
    twice = {b for b in base if base.count(b) > 1}
    q = {n: quirks(n, text[n], twice) for n in trees}
    by_size = sorted(trees, key=lambda n: -text[n].count("\n"))
    pick = by_size[:3]
    for kind in ("root line not first", "root tweet id is not the file name"):
        pick += [n for n in trees if kind in q[n]]
    small = sorted(by_size[len(by_size) // 2:])
    for kind in ("duplicated lines", "negative delay", "self-loop", "child under two parents",
                 "in both data sets"):
        pick += [n for n in small if kind in q[n]][:12]
    pick = list(dict.fromkeys(pick))
    rest = [n for n in small if n not in pick]
    pick += rest[::len(rest) // (200 - len(pick))][:200 - len(pick)]
    return sorted(pick), text, q


def expected(text):
    """Independent size, depth, structural virality and reshare times of one tree:
    the ROOT line gives the root; each account keeps its first parent in file
    order (self-loops ignored); accounts not reachable from the root are dropped."""
    rows = edges(text)
    root = next(r[3] for r in rows if r[0] == "ROOT")
    g = nx.DiGraph()
    g.add_node(root)
    t = {}
    for pu, _, _, cu, _, delay in rows:
        if pu == "ROOT" or pu == cu or cu == root or cu in t:
            continue
        g.add_edge(pu, cu)
        t[cu] = max(0.0, float(delay)) * 60.0
    dist = nx.single_source_shortest_path_length(g, root)
    tree = g.subgraph(dist).to_undirected()
    sv = nx.average_shortest_path_length(tree) if len(dist) >= 2 else math.nan
    times = sorted(t[u] for u in dist if u != root)
    return len(dist) - 1, max(dist.values()), sv, times


def labels(dest):
    v = {}
    for d in ("twitter15", "twitter16"):
        with open(os.path.join(dest, d, "label.txt"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    lab, tid = line.strip().split(":")
                    v[f"{d}/tree/{tid}.txt"] = lab
    return v


def copy_sample(src, dest, names):
    for n in names + ["twitter15/label.txt", "twitter16/label.txt"]:
        os.makedirs(os.path.dirname(os.path.join(dest, n)), exist_ok=True)
        with open(os.path.join(src, n), "rb") as a, open(os.path.join(dest, n), "wb") as b:
            b.write(a.read())


class ImportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.full_dir = os.path.join(d, "full")
        cls.trees = extract(cls.full_dir)
        cls.sample, cls.text, cls.quirks = pick_sample(cls.full_dir, cls.trees)
        cls.sample_dir = os.path.join(d, "sample")
        copy_sample(cls.full_dir, cls.sample_dir, cls.sample)
        cls.full_h5 = os.path.join(d, "full.h5")
        cls.sample_h5 = os.path.join(d, "sample.h5")
        cls.full_run = run(BIN, "import", "--format", "twitter1516", cls.full_dir, "-o", cls.full_h5)
        cls.sample_run = run(BIN, "import", "--format", "twitter1516", cls.sample_dir,
                             "-o", cls.sample_h5)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def imported(self, which):
        p = self.full_run if which == "full" else self.sample_run
        self.assertEqual(p.returncode, 0, f"import of the {which} data failed:\n{p.stderr}")
        return tcread.open_cascades(self.full_h5 if which == "full" else self.sample_h5)

    def by_label(self, c):
        rows = {}
        for i, lab in enumerate(c.roots["label"]):
            rows.setdefault(lab, []).append(i)
        return rows

    def test_sample_has_quirks(self):
        seen = set().union(*(self.quirks[n] for n in self.sample))
        self.assertEqual(len(seen), 7, seen)
        self.assertGreaterEqual(len(self.sample), 180)
        self.assertEqual(len(self.trees), 2308)

    @unittest.skipIf(nx is None, SKIP_LINE)
    def test_sample_matches_networkx(self):
        c = self.imported("sample")
        self.assertEqual(c.kind, "observed")
        self.assertEqual(len(c), len(self.sample))
        rows = self.by_label(c)
        ev_root, ev_t = c.events["root"], c.events["t"]
        cache = {}
        for n in self.sample:
            label = os.path.basename(n)[:-4]
            self.assertIn(label, rows, f"{n}: no cascade labelled {label}")
            if self.text[n] not in cache:
                cache[self.text[n]] = expected(self.text[n])
            size, depth, sv, times = cache[self.text[n]]
            for r in rows[label]:  # a tree in both data sets appears twice, identical
                got = (int(c.roots["size"][r]), int(c.roots["depth"][r]),
                       float(c.roots["structural_virality"][r]))
                msg = f"{n}: (size, depth, SV) imported {got}, networkx {(size, depth, sv)}"
                self.assertEqual(got[:2], (size, depth), msg)
                self.assertTrue(math.isclose(got[2], sv, rel_tol=1e-9), msg)
                t = np.sort(ev_t[ev_root == r])
                np.testing.assert_allclose(t, times, rtol=1e-12, atol=1e-9,
                                           err_msg=f"{n}: reshare times (s)")

    def test_sample_veracity(self):
        c = self.imported("sample")
        want = labels(self.sample_dir)
        rows = self.by_label(c)
        for n in self.sample:
            for r in rows[os.path.basename(n)[:-4]]:
                self.assertEqual(c.roots["veracity"][r], want[n], n)

    def test_full_quirks_counted(self):
        c = self.imported("full")
        self.assertEqual(c.meta["source"], "twitter1516")
        self.assertEqual(c.meta["files"], 2308)
        for k in ("duplicate_edges", "negative_delays", "multi_parent_children"):
            self.assertGreater(c.meta[k], 0, k)
        self.assertEqual(len(c) + c.meta["empty_cascades"], 2308)
        self.assertEqual(len(c), 2308, f"{c.meta['empty_cascades']} empty cascades")
        self.assertEqual(set(c.roots["veracity"]), {"true", "false", "unverified", "non-rumor"})
        self.assertEqual(len(c.events["t"]), int(np.sum(c.roots["size"])))

    def test_csv_star_and_chain(self):
        # a star of 4 nodes (root s0, leaves s1..s3) and a chain of 5 (c0 -> ... -> c4)
        rows = ["time,account,parent", "0,s0,", "10,s1,s0", "20,s2,s0", "30,s3,s0",
                "5,c0,", "15,c1,c0", "25,c2,c1", "35,c3,c2", "45,c4,c3"]
        csv = os.path.join(self.tmp.name, "hand.csv")
        out = os.path.join(self.tmp.name, "hand.h5")
        with open(csv, "w") as f:
            f.write("\n".join(rows) + "\n")
        p = run(BIN, "import", "--format", "csv", csv, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        c = tcread.open_cascades(out)
        self.assertEqual(c.meta["source"], "csv")
        self.assertEqual(len(c), 2)
        got = {c.account_names[a]: (int(c.roots["size"][i]), int(c.roots["depth"][i]),
                                    float(c.roots["structural_virality"][i]))
               for i, a in enumerate(c.roots["author"])}
        n_star, n_chain = 4, 5
        self.assertEqual(got["s0"][:2], (3, 1))
        self.assertAlmostEqual(got["s0"][2], 2 * (n_star - 1) / n_star, places=12)  # 1.5
        self.assertEqual(got["c0"][:2], (4, 4))
        self.assertAlmostEqual(got["c0"][2], (n_chain + 1) / 3, places=12)  # 2.0
        r = list(c.roots["author"]).index(c.account_names.index("c0"))
        np.testing.assert_allclose(np.sort(c.events["t"][c.events["root"] == r]),
                                   [10, 20, 30, 40])

    def test_plot_and_table(self):
        self.imported("full")
        sim = os.path.join(self.tmp.name, "run.h5")
        p = run(BIN, "run", "scenarios/macronleaks.yaml", "--set", "graph.n=20000",
                "--set", "accounts.1.followers=5000", "-q", "-o", sim)
        self.assertEqual(p.returncode, 0, p.stderr)
        fig = os.path.join(self.tmp.name, "cascades.png")
        p = run(PYTHON, CASCADES, "--simulated", sim, "--observed", self.full_h5, "-o", fig)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(fig, "rb") as f:
            self.assertEqual(f.read(8), PNG_SIGNATURE)
        reshared = int(np.sum(tcread.open_cascades(sim).roots["size"] >= 1))
        self.assertIn(f"| simulated: run.h5 | {reshared} |", p.stdout)
        self.assertIn("| observed: full.h5 | 2308 |", p.stdout)
        print("\n" + p.stdout, file=sys.stderr)
        # --pool: the same run given twice is one group of twice the cascades
        p = run(PYTHON, CASCADES, "--pool", "--simulated", sim, sim, "-o", fig)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"| simulated: 2 files | {2 * reshared} |", p.stdout)

    def test_plot_bad_input(self):
        fig = os.path.join(self.tmp.name, "bad.png")
        p = run(PYTHON, CASCADES, "--observed", os.path.join(self.tmp.name, "nope.h5"), "-o", fig)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("nope.h5: no such file", p.stderr)
        p = run(PYTHON, CASCADES, "--observed", TAR, "-o", fig)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("not an HDF5 file", p.stderr)
        self.assertFalse(os.path.exists(fig))


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    if not result.wasSuccessful():
        sys.exit(1)
    if nx is None:
        print(SKIP_LINE)
        sys.exit(77)
