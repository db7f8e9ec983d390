#!/usr/bin/python3
"""The lanes path (docs/performance.md, "The lanes path"): independent cascades
in discrete generations, up to 64 replicates in one pass over the graph.

- a known answer: one post to a star of k followers, reach - 1 ~ Binomial(k, p);
- the same distributions as the event engine follower by follower
  (engine.fast_path: off), KS at level 0.001 on reach, exposures, depth, breadth
  and structural virality;
- a batch's replicate r is its single run r, bit for bit: a sweep with and
  without engine.batch, and `tagcascade run --replicate r`;
- engine.batch: auto plays each replicate alone, as false does, with the
  same results as true;
- the same files on 1, 2 and 3 threads, with generations large enough to be
  taken apart on several threads;
- where it does not apply (a random delay, sessions), the event engine plays;
- output.exposures: false leaves the exposure counts out and nothing else."""
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
from scipy.stats import ks_2samp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))

SCENARIO = """\
name: lanes
seed: 5
time: {{start: "2017-05-05T20:00:00+02:00", duration: 2h, output_interval: 5m}}
graph:
  generator: ba
  n: 3000
  m: 3
  communities: [{{name: us, share: 0.5}}, {{name: fr, share: 0.5}}]
  mixing: 0.1
  reciprocity: 0.3
population:
  humans:
    delay: {{median: 2m, sigma: {sigma}}}
    susceptibility: {{us: 1.2, fr: 0.8}}
  bots:
    fraction: 0.1
    delay: {{min: 2m, max: 2m}}
accounts:
  - {{name: a, community: us, followers: 200}}
  - {{name: b, community: fr, followers: 100}}
model: {{name: ic, p: 0.12, p_bot: 0.4, p_hub: 0.3}}
events:
  - {{at: 5m, post: a}}
  - {{at: 13m, post: b}}
  - {{at: 40m, post: a}}
output: {{cascade: true}}
sweep:
  replicates: {replicates}
  series: true
  grid:
    model.p: [0.1, 0.14]
"""

STAR = """\
name: star
seed: 3
time: {start: "2017-05-05T20:00:00+02:00", duration: 1h, output_interval: 1h}
graph: {generator: er, n: 2000, edges: 0}
population: {humans: {delay: {median: 1m, sigma: 0}}}
accounts:
  - {name: hub, community: all, followers: 2000}
model: {name: ic, p: 0.3}
events:
  - {at: 1m, post: hub}
sweep:
  replicates: 400
  series: false
  grid: {model.p: [0.3]}
"""

# Generations of over 8,192 adopters (TAKE_PAR in sim/engine/lanes.c): taken
# apart on several threads.
BIG = """\
name: lanes_big
seed: 11
time: {start: "2017-05-05T20:00:00+02:00", duration: 1h, output_interval: 5m}
graph:
  generator: ba
  n: 60000
  m: 4
  communities: [{name: us, share: 0.5}, {name: fr, share: 0.5}]
  mixing: 0.1
  reciprocity: 0.3
population:
  humans:
    delay: {median: 2m, sigma: 0}
  bots:
    fraction: 0.1
    delay: {min: 2m, max: 2m}
accounts:
  - {name: a, community: us, followers: 30000}
model: {name: ic, p: 0.4, p_bot: 0.5}
events:
  - {at: 5m, post: a}
"""

METRICS = ["reach", "exposed", "max_depth", "max_breadth", "largest_structural_virality"]


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True)
    if p.returncode:
        raise AssertionError(f"tagcascade {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def sweep_table(path):
    with h5py.File(path, "r") as f:
        names = list(f["sweep/metrics"].asstr()[:])
        return names, f["sweep/summary"][()]


def same(x, y):
    """Two values read from HDF5 are the same, bit for bit (NaN included)."""
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind == "O" or y.dtype.kind == "O":  # strings: compare the strings
        return x.shape == y.shape and x.tolist() == y.tolist()
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def groups_equal(a, b, group):
    """Every dataset under `group` of files a and b holds the same values."""
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        ga, gb = fa[group], fb[group]
        if isinstance(ga, h5py.Dataset):
            return same(ga[()], gb[()])
        names = []
        ga.visit(lambda n: names.append(n) if isinstance(ga[n], h5py.Dataset) else None)
        other = []
        gb.visit(lambda n: other.append(n) if isinstance(gb[n], h5py.Dataset) else None)
        if sorted(names) != sorted(other):
            return False
        return all(same(ga[n][()], gb[n][()]) for n in names)


class Lanes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.scen = cls.path("lanes.yaml")
        with open(cls.scen, "w") as f:
            f.write(SCENARIO.format(sigma=0, replicates=70))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    def test_star_binomial(self):
        """One post to k = 2,000 followers at p = 0.3: reach - 1 is Binomial(k, p);
        mean within 4 standard errors, variance within 25 % (400 replicates)."""
        scen = self.path("star.yaml")
        with open(scen, "w") as f:
            f.write(STAR)
        out = self.path("star.h5")
        run("sweep", scen, "-o", out, "--quiet")
        names, s = sweep_table(out)
        x = s[0, :, names.index("reach")] - 1
        k, p, n = 2000, 0.3, len(x)
        mean, var = k * p, k * p * (1 - p)
        self.assertLess(abs(x.mean() - mean), 4 * np.sqrt(var / n), x.mean())
        self.assertLess(abs(x.var(ddof=1) / var - 1), 0.25, x.var(ddof=1))
        run("run", scen, "--point", "0", "-o", self.path("star1.h5"), "--quiet")
        with h5py.File(self.path("star1.h5"), "r") as f:
            self.assertEqual(f["meta"].attrs["engine"], "lanes")

    def test_same_distribution_as_event_engine(self):
        """300 replicates of each point on the lanes path and on the event engine
        follower by follower: KS p > 0.001 on every metric."""
        scen = self.path("ks.yaml")
        with open(scen, "w") as f:
            f.write(SCENARIO.format(sigma=0, replicates=300))
        a, b = self.path("ks_lanes.h5"), self.path("ks_event.h5")
        run("sweep", scen, "-o", a, "--quiet", "--set", "sweep.series=false")
        run("sweep", scen, "-o", b, "--quiet", "--set", "sweep.series=false",
            "--set", "engine.fast_path=off")
        names, sa = sweep_table(a)
        _, sb = sweep_table(b)
        for m in METRICS:
            i = names.index(m)
            for p in range(sa.shape[0]):
                x, y = sa[p, :, i], sb[p, :, i]
                pv = ks_2samp(x[~np.isnan(x)], y[~np.isnan(y)]).pvalue
                self.assertGreater(pv, 0.001, f"{m}, point {p}: KS p = {pv:.2g}")

    def test_batch_is_single_run(self):
        """Replicates 0 .. 69 (a full block of 64 and part of the next) batched,
        and each alone (engine.batch: false): the same summaries and series;
        `run --replicate r` gives replicate r's file."""
        a, b = self.path("batch.h5"), self.path("alone.h5")
        run("sweep", self.scen, "-o", a, "--quiet", "--set", "engine.batch=true")
        run("sweep", self.scen, "-o", b, "--quiet", "--set", "engine.batch=false")
        na, sa = sweep_table(a)
        _, sb = sweep_table(b)
        self.assertTrue(np.array_equal(sa, sb, equal_nan=True))
        self.assertTrue(groups_equal(a, b, "runs"))
        for r in (0, 5, 63, 64, 69):
            out = self.path(f"r{r}.h5")
            run("run", self.scen, "--point", "1", "--replicate", str(r), "-o", out, "--quiet")
            with h5py.File(out, "r") as f, h5py.File(a, "r") as fs:
                self.assertEqual(f["meta"].attrs["engine"], "lanes")
                for m in ("reach", "exposed", "reshares", "max_depth", "max_breadth"):
                    self.assertEqual(f["summary"][m][()], sa[1, r, na.index(m)], (r, m))
                sv = f["summary"]["largest_structural_virality"][()]
                self.assertTrue(np.array_equal(sv, sa[1, r, na.index("largest_structural_virality")],
                                               equal_nan=True))
                for k in f["series"]:
                    if k in ("t", "community", "trending", "active_bots"):
                        continue
                    self.assertTrue(np.array_equal(f["series"][k][()], fs[f"runs/1/{r}/series"][k][()]),
                                    (r, k))
        # the replicates differ from one another
        self.assertGreater(len(set(sa[1, :, na.index("reach")])), 10)

    def test_threads(self):
        """A run and a sweep on 1, 2 and 3 threads: the same files."""
        outs = []
        for t in (1, 2, 3):
            out = self.path(f"t{t}.h5")
            run("run", self.scen, "--point", "0", "--replicate", "7", "-o", out, "--quiet",
                "--threads", str(t))
            outs.append(out)
        for o in outs[1:]:
            for g in ("series", "summary", "cascade"):
                self.assertTrue(groups_equal(outs[0], o, g), (o, g))
        s1, s3 = self.path("s1.h5"), self.path("s3.h5")
        run("sweep", self.scen, "-o", s1, "--quiet", "--threads", "1", "--set", "engine.batch=true")
        run("sweep", self.scen, "-o", s3, "--quiet", "--threads", "3", "--set", "engine.batch=true")
        self.assertTrue(groups_equal(s1, s3, "sweep/summary"))
        self.assertTrue(groups_equal(s1, s3, "runs"))

    def test_large_generations(self):
        """Generations of over 8,192 adopters, which several threads take apart:
        the same files on 1, 2 and 3 threads, and the same series and
        summary as the run that logs its cascade (taken on one thread)."""
        scen = self.path("big.yaml")
        with open(scen, "w") as f:
            f.write(BIG)
        outs = []
        for t in (1, 2, 3):
            outs.append(self.path(f"big{t}.h5"))
            run("run", scen, "-o", outs[-1], "--quiet", "--threads", str(t))
        with h5py.File(outs[0], "r") as f:
            self.assertEqual(f["meta"].attrs["engine"], "lanes")
            self.assertGreater(f["summary/max_breadth"][()], 8192)
        for o in outs[1:]:
            for g in ("series", "summary"):
                self.assertTrue(groups_equal(outs[0], o, g), (o, g))
        logged = self.path("big_log.h5")
        run("run", scen, "-o", logged, "--quiet", "--threads", "2", "--set", "output.cascade=true")
        for g in ("series", "summary"):
            self.assertTrue(groups_equal(outs[0], logged, g), g)

    def test_not_taken(self):
        """A random delay, or reading sessions: the event engine plays, and a sweep
        of such runs gives the same table with and without engine.batch."""
        scen = self.path("random.yaml")
        with open(scen, "w") as f:
            f.write(SCENARIO.format(sigma=0.5, replicates=3))
        out = self.path("random.h5")
        run("run", scen, "--point", "0", "-o", out, "--quiet")
        with h5py.File(out, "r") as f:
            self.assertEqual(f["meta"].attrs["engine"], "event")
        run("run", self.scen, "--point", "0", "-o", out, "--quiet",
            "--set", "population.humans.sessions={per_day: 10}")
        with h5py.File(out, "r") as f:
            self.assertEqual(f["meta"].attrs["engine"], "event")
        a, b = self.path("ra.h5"), self.path("rb.h5")
        run("sweep", scen, "-o", a, "--quiet")
        run("sweep", scen, "-o", b, "--quiet", "--set", "engine.batch=false")
        self.assertTrue(groups_equal(a, b, "sweep/summary"))

    def test_batch_auto(self):
        """engine.batch: auto (the default) plays each replicate alone, as false
        does: a replicate alone on the one-lane path costs less than its share
        of a batch wherever its cascade goes (docs/performance.md). No point is
        asked about first (stderr says nothing of it), for a point whose
        cascades stay small (p = 0.02) and one whose cascades cover the graph
        (p = 0.5); true batches both, as stderr says; the table is the one
        engine.batch: true and false give."""
        scen = self.path("auto.yaml")
        with open(scen, "w") as f:
            f.write(SCENARIO.format(sigma=0, replicates=20).replace("[0.1, 0.14]", "[0.02, 0.5]"))
        a, t, b = self.path("auto.h5"), self.path("true.h5"), self.path("false.h5")
        p = run("sweep", scen, "-o", a, "--progress", "none", "--threads", "2")
        self.assertNotIn("replicate 0 alone", p.stderr)
        self.assertNotIn("batched", p.stderr)
        # true batches both points, as stderr says (and auto above did not)
        p = run("sweep", scen, "-o", t, "--progress", "none", "--threads", "2",
                "--set", "engine.batch=true")
        said = [l for l in p.stderr.splitlines() if "replicates batched on the lanes path" in l]
        self.assertEqual(len(said), 2, p.stderr)
        run("sweep", scen, "-o", b, "--quiet", "--set", "engine.batch=false")
        for other in (t, b):
            self.assertTrue(groups_equal(a, other, "sweep/summary"), other)
            self.assertTrue(groups_equal(a, other, "runs"), other)
        # the cascades of the two points are as described: the question the
        # earlier rule asked would have been answered both ways
        na, sa = sweep_table(a)
        out = self.path("one.h5")
        run("run", scen, "--point", "0", "-o", out, "--quiet")
        with h5py.File(out, "r") as f:
            n = int(f["meta"].attrs["graph_n"])
        self.assertLess(sa[0, 0, na.index("reach")] / n, 0.25)
        self.assertGreaterEqual(sa[1, 0, na.index("reach")] / n, 0.25)

    def test_exposures_off(self):
        """output.exposures: false: the lanes path tracks no exposures; the file
        has no new_exposed series nor exposed counts (/meta exposures = 0), and
        every other dataset is the one of the run that counts them, on the lanes
        path and on the event engine; in a sweep, batched or not, the exposed
        metrics are NaN and the rest of the table is the same; shards merge."""
        off = ("--set", "output.exposures=false")
        for engine, extra in (("lanes", ()), ("event", ("--set", "engine.fast_path=off"))):
            on_f, off_f = self.path(f"xon_{engine}.h5"), self.path(f"xoff_{engine}.h5")
            run("run", self.scen, "--point", "1", "--replicate", "5", "-o", on_f, "--quiet",
                *extra)
            p = run("run", self.scen, "--point", "1", "--replicate", "5", "-o", off_f, *extra, *off)
            self.assertIn("exposed not counted", p.stderr)
            with h5py.File(on_f, "r") as a, h5py.File(off_f, "r") as b:
                self.assertEqual(b["meta"].attrs["engine"], engine)
                self.assertEqual((a["meta"].attrs["exposures"], b["meta"].attrs["exposures"]),
                                 (1, 0))
                gone = {k for k in a["series"] if k.startswith("new_exposed")}
                self.assertEqual(len(gone), 3, engine)  # human, bot, by community
                self.assertEqual(set(a["series"]) - set(b["series"]), gone)
                self.assertEqual(set(b["series"]) - set(a["series"]), set())
                self.assertEqual(set(a["summary"]) - set(b["summary"]),
                                 {"exposed", "exposed_human", "exposed_bot"})
                self.assertGreater(a["summary/exposed"][()], a["summary/reach"][()])
                for g in ("series", "summary", "cascade"):
                    for k in b[g]:
                        if isinstance(b[g][k], h5py.Dataset):
                            self.assertTrue(same(a[g][k][()], b[g][k][()]), (engine, g, k))
            rep = run("summary", off_f).stdout
            self.assertRegex(rep, r"accounts that saw it +not counted")
        # sweeps: batched and one by one, against the sweep that counts
        on_s, bat, alone = self.path("xs_on.h5"), self.path("xs_bat.h5"), self.path("xs_alone.h5")
        few = ("--set", "sweep.replicates=10")
        run("sweep", self.scen, "-o", on_s, "--quiet", "--set", "engine.batch=true", *few)
        run("sweep", self.scen, "-o", bat, "--quiet", "--set", "engine.batch=true", *few, *off)
        run("sweep", self.scen, "-o", alone, "--quiet", "--set", "engine.batch=false", *few, *off)
        names, s_on = sweep_table(on_s)
        _, s_bat = sweep_table(bat)
        _, s_alone = sweep_table(alone)
        self.assertTrue(same(s_bat, s_alone))
        xs = [names.index(m) for m in ("exposed", "exposed_human", "exposed_bot")]
        rest = [i for i in range(len(names)) if i not in xs]
        self.assertTrue(np.isnan(s_bat[:, :, xs]).all())
        self.assertTrue(np.isfinite(s_on[:, :, xs]).all())
        self.assertTrue(same(s_on[:, :, rest], s_bat[:, :, rest]))
        self.assertTrue(groups_equal(bat, alone, "runs"))
        with h5py.File(on_s, "r") as a, h5py.File(bat, "r") as b:
            self.assertEqual(b["meta"].attrs["exposures"], 0)
            ra, rb = a["runs/1/9/series"], b["runs/1/9/series"]
            self.assertEqual({k for k in set(ra) - set(rb)},
                             {k for k in ra if k.startswith("new_exposed")})
            for k in rb:
                self.assertTrue(same(ra[k][()], rb[k][()]), k)
        # shards of such a sweep merge into the same table and series
        shards = []
        for i in range(2):
            shards.append(self.path(f"xshard{i}.h5"))
            run("sweep", self.scen, "-o", shards[-1], "--quiet", "--shard", f"{i}/2", *few, *off)
        merged = self.path("xmerged.h5")
        run("merge", *shards, "-o", merged)
        self.assertTrue(groups_equal(bat, merged, "sweep/summary"))
        self.assertTrue(groups_equal(bat, merged, "runs"))
        # every point of a sweep counts them, or none
        p = subprocess.run([BIN, "sweep", self.scen, "-o", self.path("mixed.h5"), "--quiet",
                            "--set", "sweep.grid={model.p: [0.1, 0.14], output.exposures: "
                            "[true, false]}"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("output.exposures: expected the same value at every point", p.stderr)
        self.assertFalse(os.path.exists(self.path("mixed.h5")))

    def test_bad_batch_value(self):
        """engine.batch takes auto, true or false: anything else exits 2 with
        file:line:col."""
        p = subprocess.run([BIN, "validate", self.scen, "--set", "engine.batch=maybe"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("engine.batch", p.stderr)
        for v in ("auto", "true", "false"):
            self.assertIn(v, p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
