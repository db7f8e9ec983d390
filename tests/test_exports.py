#!/usr/bin/python3
"""Exports for Gephi and networkx: `tagcascade export` (one cascade) and
`tagcascade graph export` (the follower graph, whole or one community), read
back with networkx and compared with the run file read with h5py: the tree,
each node's depth, time, class and community, the clock times of a GEXF
timeline, the graph's hash, sizes and class counts, and the refusals.
Run: /usr/bin/python3 tests/test_exports.py"""
import collections
import math
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
from datetime import datetime, timedelta

import h5py
import networkx as nx
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(os.environ.get("BIN") or os.path.join(ROOT, "build", "tagcascade"))
BA = os.path.join(ROOT, "tests", "golden", "ba_bots.yaml")   # 2 communities, bots, 2 named
SBM = os.path.join(ROOT, "tests", "golden", "sbm.yaml")      # a block model
CLASSES = {0: "human", 1: "bot", 2: "named"}


def run(*args, cwd=ROOT):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True)


def read_gexf_clock(path):
    """networkx's read_gexf has no reader for timeformat="dateTime" (KeyError:
    'dateTime', networkx 2.8 and 3.x alike): read the ISO 8601 times as text."""
    reader = nx.readwrite.gexf.GEXFReader(node_type=None, version="1.2draft")
    reader.python_type["dateTime"] = str
    return reader(path)


def fnv_hash(n, edges):
    """tc_net_hash of the audience CSR that `edges` (follower, followee) make:
    audience(u) = u's followers, sorted."""
    aud = [[] for _ in range(n)]
    for a, b in edges:
        aud[b].append(a)
    off, dst = [0], []
    for u in range(n):
        dst += sorted(aud[u])
        off.append(len(dst))
    data = (struct.pack("<qq", n, len(dst)) + np.array(off, dtype="<i8").tobytes()
            + np.array(dst, dtype="<i4").tobytes())
    h = 0xCBF29CE484222325
    for c in data:
        h = ((h ^ c) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def node_id(s):
    return int(s[1:]) if s.startswith("n") else int(s)


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.d = cls.tmp.name
        cls.run_h5 = os.path.join(cls.d, "ba.h5")
        p = run("run", BA, "-o", cls.run_h5, "-q")
        if p.returncode:
            raise RuntimeError("run failed: " + p.stderr)
        cls.f = h5py.File(cls.run_h5, "r")
        f = cls.f
        cls.comms = list(f["meta/communities"].asstr()[:])
        cls.hubs = dict(zip(f["meta/accounts/id"][:], f["meta/accounts/name"].asstr()[:]))
        cls.hub_comm = dict(zip(f["meta/accounts/id"][:], f["meta/accounts/community"][:]))
        cls.ev = {k: f["cascade/events/" + k][:]
                  for k in ("t", "account", "parent", "root", "depth", "class")}
        cls.roots = {k: f["summary/roots/" + k][:] for k in ("author", "t", "size", "depth")}
        cls.start = datetime.fromisoformat(f["meta"].attrs["start"])

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        cls.tmp.cleanup()

    def export(self, *args, name):
        out = os.path.join(self.d, name)
        p = run("export", self.run_h5, *args, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "", "a run whose world builds again exports with no note")
        return out

    def rows(self, r):
        sel = self.ev["root"] == r
        return {k: v[sel] for k, v in self.ev.items()}

    def check_tree(self, g, r, fmt):
        """g against the rows of cascade r of /cascade/events."""
        ev = self.rows(r)
        author, t0 = int(self.roots["author"][r]), float(self.roots["t"][r])
        size = int(self.roots["size"][r])
        self.assertTrue(g.is_directed())
        self.assertEqual((g.number_of_nodes(), g.number_of_edges()), (size + 1, size), fmt)
        nodes = {node_id(u): d for u, d in g.nodes(data=True)}
        self.assertEqual(set(nodes), {author, *map(int, ev["account"])}, fmt)
        self.assertEqual({(node_id(a), node_id(b)) for a, b in g.edges()},
                         set(zip(map(int, ev["parent"]), map(int, ev["account"]))), fmt)
        root = nodes[author]
        self.assertEqual((root["depth"], root["time_s"]), (0, 0.0))
        self.assertEqual(root["class"], "named", "the original poster is a named account")
        self.assertEqual(root["label"], self.hubs[author])
        self.assertEqual(root["community"], self.comms[self.hub_comm[author]])
        for i in range(len(ev["t"])):
            d = nodes[int(ev["account"][i])]
            self.assertEqual(d["depth"], ev["depth"][i], fmt)
            self.assertAlmostEqual(d["time_s"], ev["t"][i] - t0, delta=6e-4)
            self.assertEqual(d["class"], CLASSES[int(ev["class"][i])], fmt)
            self.assertIn(d["community"], self.comms)
        # the clock time: the run's start + the reshare, to the whole second
        for a, d in nodes.items():
            t = t0 if a == author else float(ev["t"][ev["account"] == a][0])
            want = self.start + timedelta(seconds=math.floor(t))
            self.assertEqual(datetime.fromisoformat(d["time"]), want, fmt)
            self.assertEqual(d["time"][-6:], "+02:00", "the run's time zone")
        return nodes

    def test_cascades_graphml_and_gexf(self):
        """Every cascade of the run, read back with networkx: the tree, depth,
        time, class; the communities of the resharers add up to the run's
        reshares per community, which the engine counted itself."""
        f = self.f
        self.assertEqual(f["summary/repeats"][()], 0, "every reshare is a row of the tree")
        by_comm = collections.Counter()
        for r in range(len(self.roots["author"])):
            gm = nx.read_graphml(self.export("--cascade", str(r), name=f"c{r}.graphml"))
            nodes = self.check_tree(gm, r, "graphml")
            author = int(self.roots["author"][r])
            by_comm.update(d["community"] for a, d in nodes.items() if a != author)
        r = int(np.argmax(self.roots["size"]))
        path = self.export("--cascade", str(r), "--format", "gexf", name="c.gexf")
        with open(path, encoding="utf-8") as fh:
            self.assertIn('mode="dynamic" defaultedgetype="directed" timeformat="dateTime"',
                          fh.read())
        gx = read_gexf_clock(path)
        xn = self.check_tree(gx, r, "gexf")
        # Gephi's timeline: each node and edge starts at its reshare's clock time
        for a, d in xn.items():
            self.assertEqual(d["start"], d["time"])
        for u, v, d in gx.edges(data=True):
            self.assertEqual(d["start"], xn[node_id(v)]["time"])
        # seconds since the run's start, which networkx's read_gexf reads as it is
        path = self.export("--cascade", str(r), "--format", "gexf", "--time", "seconds",
                           name="s.gexf")
        gs = nx.read_gexf(path)
        self.assertEqual(gs.number_of_nodes(), len(xn))
        t0 = float(self.roots["t"][r])
        for u, d in gs.nodes(data=True):
            self.assertAlmostEqual(d["start"], t0 + d["time_s"], delta=1e-3)
            self.assertEqual(d["community"], xn[node_id(u)]["community"])
        total = f["series/reshares_by_community"][:].sum(axis=0)
        self.assertEqual([by_comm[c] for c in self.comms], list(total))

    def test_cascade_csv(self):
        r = int(np.argmax(self.roots["size"]))
        with open(self.export("--cascade", str(r), "--format", "csv", name="c.csv"),
                  encoding="utf-8") as fh:
            lines = fh.read().splitlines()
        self.assertEqual(lines[0], "time,account,parent,depth,label,class,community,datetime")
        rows = [ln.split(",") for ln in lines[1:]]
        self.assertEqual(len(rows), self.roots["size"][r] + 1)
        author = int(self.roots["author"][r])
        self.assertEqual(rows[0][:6], ["0", str(author), "", "0", self.hubs[author], "named"])
        self.assertEqual(rows[0][6], self.comms[self.hub_comm[author]])
        ev = self.rows(r)
        self.assertEqual([int(x[1]) for x in rows[1:]], list(ev["account"]))
        self.assertEqual([x[5] for x in rows[1:]], [CLASSES[int(c)] for c in ev["class"]])
        self.assertTrue(all(x[6] in self.comms for x in rows))
        self.assertEqual(rows[0][7], (self.start + timedelta(
            seconds=float(self.roots["t"][r]))).isoformat())

    def graph(self, *args, name, src=None):
        out = os.path.join(self.d, name)
        p = run("graph", "export", src or BA, *args, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        return out, p

    def test_graph(self):
        """The follower graph of the scenario's world is the run's: its hash is
        /meta/graph_hash (so every follow is there, in its direction), its
        sizes and class counts are the run's."""
        f = self.f
        n, m = int(f["meta"].attrs["graph_n"]), int(f["meta"].attrs["graph_m"])
        path, p = self.graph(name="g.graphml")
        self.assertIn(f"{n} accounts, {m} follows", p.stderr)
        g = nx.read_graphml(path)
        self.assertEqual((g.number_of_nodes(), g.number_of_edges()), (n, m))
        edges = [(node_id(a), node_id(b)) for a, b in g.edges()]
        self.assertEqual(fnv_hash(n, edges), f["meta"].attrs["graph_hash"])
        nodes = {node_id(u): d for u, d in g.nodes(data=True)}
        cls = collections.Counter(d["class"] for d in nodes.values())
        bots = int(f["meta"].attrs["bots"])
        self.assertEqual((cls["bot"], cls["named"], cls["human"]),
                         (bots, len(self.hubs), n - bots - len(self.hubs)))
        self.assertAlmostEqual(bots / n, f["summary/bot_share_accounts"][()])
        # "A follows B": B's followers are its in-edges
        for u, d in g.nodes(data=True):
            self.assertEqual((d["followers"], d["followees"]), (g.in_degree(u), g.out_degree(u)))
        for a, followers in zip(f["meta/accounts/id"][:], f["meta/accounts/followers"][:]):
            self.assertEqual(nodes[a]["followers"], followers)
            self.assertEqual(nodes[a]["label"], self.hubs[a])
            self.assertEqual(nodes[a]["community"], self.comms[self.hub_comm[a]])
        self.assertIn("source follows target", g.graph["edges"])
        # the run file gives the same world, as GEXF
        gx = nx.read_gexf(self.graph("--format", "gexf", name="g.gexf", src=self.run_h5)[0])
        self.assertEqual(set(gx.edges()), {(str(a), str(b)) for a, b in edges})
        self.assertEqual({node_id(u): (d["class"], d["community"]) for u, d in gx.nodes(data=True)},
                         {u: (d["class"], d["community"]) for u, d in nodes.items()})
        # a resharer's community in the cascade export is its community here
        c = nx.read_graphml(self.export("--cascade", "0", name="g0.graphml"))
        for u, d in c.nodes(data=True):
            self.assertEqual(d["community"], nodes[node_id(u)]["community"])

        # one community, by name and by index: its accounts and the follows among them
        full = {u: d["community"] for u, d in nodes.items()}
        for arg, name in (("fr", "fr"), ("0", "us")):
            gc = nx.read_graphml(self.graph("--community", arg, name=f"c_{arg}.graphml")[0])
            want = {u for u, c in full.items() if c == name}
            self.assertEqual({node_id(u) for u in gc}, want, arg)
            self.assertEqual(gc.number_of_edges(),
                             sum(1 for a, b in edges if a in want and b in want), arg)
        out, _ = self.graph("--community", "fr", "--format", "csv", name="fr.csv")
        with open(os.path.join(self.d, "fr.nodes.csv"), encoding="utf-8") as fh:
            rows = fh.read().splitlines()
        self.assertEqual(rows[0], "id,label,class,community,followers,followees")
        self.assertEqual(len(rows) - 1, sum(1 for c in full.values() if c == "fr"))
        with open(os.path.join(self.d, "fr.edges.csv"), encoding="utf-8") as fh:
            rows = fh.read().splitlines()
        self.assertEqual(rows[0], "source,target")
        self.assertEqual(sorted(tuple(map(int, r.split(","))) for r in rows[1:]),
                         sorted((a, b) for a, b in edges if full[a] == full[b] == "fr"))
        self.assertFalse(os.path.exists(out), "csv writes OUT.nodes.csv and OUT.edges.csv")

    def test_refusals(self):
        """Bad input: exit 2, a message naming what is wrong, no file left."""
        d = os.path.join(self.d, "refused")
        os.mkdir(d)
        out = os.path.join(d, "x.graphml")
        for args, needle in (
                (("graph", "export", BA, "--community", "nowhere", "-o", out),
                 "--community: no community 'nowhere' in this world; its 2 communities "
                 "(name, or index from 0): us, fr"),
                (("graph", "export", BA, "--community", "2", "-o", out), "no community '2'"),
                (("graph", "export", BA, "--format", "csv"), "give -o OUT"),
                (("graph", "export", BA, "--format", "dot", "-o", out), "--format: expected"),
                (("graph", "export", self.run_h5, "--seed", "3", "-o", out),
                 "only with a SCENARIO"),
                (("export", self.run_h5, "--cascade", "0", "--time", "clock", "-o", out),
                 "--time: only with --format gexf"),
                (("export", self.run_h5, "--cascade", "0", "--format", "gexf", "--time", "noon",
                  "-o", out), "--time: expected clock, seconds or auto")):
            p = run(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn(needle, p.stderr, args)
            self.assertEqual(os.listdir(d), [], args)

    def test_sbm_world(self):
        """A block model's run builds its world again (its resolved scenario loads)."""
        h5 = os.path.join(self.d, "sbm.h5")
        self.assertEqual(run("run", SBM, "-o", h5, "-q").returncode, 0)
        p = run("export", h5, "--cascade", "0", "-o", os.path.join(self.d, "sbm.graphml"))
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        g = nx.read_graphml(os.path.join(self.d, "sbm.graphml"))
        with h5py.File(h5, "r") as f:
            comms = list(f["meta/communities"].asstr()[:])
            author = int(f["summary/roots/author"][0])
        self.assertEqual(g.nodes[f"n{author}"]["community"], "x")
        self.assertTrue({d["community"] for _, d in g.nodes(data=True)} <= set(comms))

    def test_world_gone(self):
        """A run whose graph file is not where it was: the cascade export takes
        the communities from the run file (written since 0.2); an older file
        without them goes on without communities and says why; the graph
        export refuses. A changed graph file is noticed by its hash."""
        d = os.path.join(self.d, "moved")
        os.mkdir(d)
        shutil.copy(os.path.join(ROOT, "tests", "golden", "tiny.txt"), d)
        with open(os.path.join(d, "s.yaml"), "w", encoding="utf-8") as fh:
            fh.write("time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}\n"
                     "graph: {file: tiny.txt, format: edgelist, direction: follows,\n"
                     "        communities: [{name: p, share: 0.5}, {name: q, share: 0.5}]}\n"
                     "accounts: [{name: hub, community: p, followers: 6}]\n"
                     "model: {name: ic, p: 0.9}\n"
                     "events: [{at: 1m, post: hub}]\n"
                     "output: {cascade: true}\n")
        self.assertEqual(run("run", "s.yaml", "-o", "r.h5", "-q", cwd=d).returncode, 0)
        p = run("export", "r.h5", "--cascade", "0", "-o", "here.graphml", cwd=d)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        here = nx.read_graphml(os.path.join(d, "here.graphml"))
        self.assertEqual(here.nodes["n12"]["community"], "p")
        # from another folder the relative graph file is not found: the run
        # file's own communities serve, the same export
        p = run("export", os.path.join(d, "r.h5"), "--cascade", "0", "-o",
                os.path.join(d, "away.graphml"), cwd=self.d)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        away = nx.read_graphml(os.path.join(d, "away.graphml"))
        self.assertEqual(dict(away.nodes(data=True)), dict(here.nodes(data=True)))
        self.assertEqual(away.nodes["n12"]["class"], "named")
        with h5py.File(os.path.join(d, "r.h5"), "r") as f:
            comms = list(f["meta/communities"].asstr()[:])
            ev = {int(a): comms[int(c)] for a, c in zip(f["cascade/events/account"][:],
                                                       f["cascade/events/community"][:])}
        for a, c in ev.items():
            self.assertEqual(away.nodes[f"n{a}"]["community"], c)
        # a schema 1 file holds no communities: from where its graph file is
        # not, the export goes on without them and says why
        p = run("export", os.path.join(ROOT, "tests", "data", "schema1_run.h5"), "--cascade", "0",
                "-o", os.path.join(d, "old.graphml"), cwd=self.d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("note: the export has no communities", p.stderr)
        self.assertIn("tiny.txt", p.stderr)
        g = nx.read_graphml(os.path.join(d, "old.graphml"))
        self.assertNotIn("community", g.nodes["n12"])
        self.assertEqual(g.nodes["n12"]["class"], "named")
        p = run("graph", "export", os.path.join(d, "r.h5"), "-o", os.path.join(d, "g.graphml"),
                cwd=self.d)
        self.assertEqual(p.returncode, 2)
        self.assertIn("/meta/resolved", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "g.graphml")))
        # a follow more in the graph file: not the run's graph
        with open(os.path.join(d, "tiny.txt"), "a", encoding="utf-8") as fh:
            fh.write("3 10\n")
        p = run("graph", "export", "r.h5", "-o", "changed.graphml", cwd=d)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("is not the run's", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "changed.graphml")))


if __name__ == "__main__":
    unittest.main(verbosity=1)
