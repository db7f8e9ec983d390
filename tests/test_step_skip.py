#!/usr/bin/python3
"""The step engine with contacts skipped ahead (docs/performance.md, "Contacts
skipped ahead"): `sir` and `sis` promise that each contact is a Bernoulli draw
of its own (per_contact), and under engine.fast_path: auto the engine skips
over an audience to the contacts that take.

- a known answer: a hub infected for one step (gamma = 1) infects each of its
  k followers with probability beta: reach - 1 ~ Binomial(k, beta);
- the same distributions as the plain step engine (engine.fast_path: off), KS
  at level 0.001 on reach, exposures, reshares, depth, breadth and structural
  virality, for sir and sis;
- the same files on 1, 2 and 3 threads, through the parallel pass;
- output.exposures: false changes nothing else;
- rules without the promise (maki_thompson) keep the plain step engine."""
import os
import tempfile
import unittest

import h5py
import numpy as np
from scipy.stats import ks_2samp

# the helpers of the lanes path's tests (tests/ is the script's folder, on the path)
from test_lanes import groups_equal, run, same  # noqa: E402

SCENARIO = """\
name: skip
seed: 7
time: {{start: "2017-05-05T20:00:00+02:00", duration: 12h, dt: 1h, output_interval: 1h}}
graph: {{generator: ba, n: {n}, m: 3, reciprocity: 0.3}}
accounts:
  - {{name: a, community: all, followers: {followers}}}
model: {model}
events:
  - {{at: 0s, post: a}}
  - {{at: 5h, post: a}}
output: {{cascade: true}}
sweep:
  replicates: {replicates}
  series: false
"""

STAR = """\
name: star
seed: 4
time: {start: "2017-05-05T20:00:00+02:00", duration: 3h, dt: 1h, output_interval: 1h}
graph: {generator: er, n: 2000, edges: 0}
accounts:
  - {name: hub, community: all, followers: 2000}
model: {name: sir, beta: 0.3, gamma: 1}
events:
  - {at: 0s, post: hub}
sweep:
  replicates: 400
  series: false
"""

METRICS = ["reach", "exposed", "reshares", "max_depth", "max_breadth",
           "largest_structural_virality"]


def table(path):
    with h5py.File(path, "r") as f:
        return list(f["sweep/metrics"].asstr()[:]), f["sweep/summary"][()]


class StepSkip(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def scenario(self, name, model, n=3000, replicates=300, followers=150):
        p = self.path(name + ".yaml")
        with open(p, "w") as f:
            f.write(SCENARIO.format(model=model, n=n, replicates=replicates,
                                    followers=followers))
        return p

    def engine(self, scen, *sets):
        out = self.path("engine.h5")
        run("run", scen, "--point", "0", "-o", out, "--quiet", *sets)
        with h5py.File(out, "r") as f:
            return f["meta"].attrs["engine"]

    def test_star_binomial(self):
        """A hub infected for one step (gamma = 1) and its k = 2,000 followers:
        reach - 1 is Binomial(k, beta); mean within 4 standard errors, variance
        within 25 % (400 replicates)."""
        scen = self.path("star.yaml")
        with open(scen, "w") as f:
            f.write(STAR)
        self.assertEqual(self.engine(scen), "step_skip")
        out = self.path("star.h5")
        run("sweep", scen, "-o", out, "--quiet")
        names, s = table(out)
        x = s[0, :, names.index("reach")] - 1
        k, p, n = 2000, 0.3, len(x)
        mean, var = k * p, k * p * (1 - p)
        self.assertLess(abs(x.mean() - mean), 4 * np.sqrt(var / n), x.mean())
        self.assertLess(abs(x.var(ddof=1) / var - 1), 0.25, x.var(ddof=1))

    def test_same_distribution_as_plain_engine(self):
        """300 replicates of sir and of sis, skipped and plain: KS p > 0.001 on
        every metric."""
        for model in ("{name: sir, beta: 0.08, gamma: 0.4}", "{name: sis, beta: 0.12, gamma: 0.5}"):
            scen = self.scenario("ks", model)
            self.assertEqual(self.engine(scen), "step_skip")
            self.assertEqual(self.engine(scen, "--set", "engine.fast_path=off"), "step")
            a, b = self.path("ks_skip.h5"), self.path("ks_plain.h5")
            run("sweep", scen, "-o", a, "--quiet")
            run("sweep", scen, "-o", b, "--quiet", "--set", "engine.fast_path=off")
            names, sa = table(a)
            _, sb = table(b)
            self.assertGreater(np.median(sa[0, :, names.index("reach")]), 100, model)
            for m in METRICS:
                i = names.index(m)
                x, y = sa[0, :, i], sb[0, :, i]
                pv = ks_2samp(x[~np.isnan(x)], y[~np.isnan(y)]).pvalue
                self.assertGreater(pv, 0.001, f"{model} {m}: KS p = {pv:.2g}")
            # the draws differ from run to run
            self.assertGreater(len(set(sa[0, :, names.index("reach")])), 20)

    def test_threads(self):
        """sir and sis on 100,000 accounts, where a step's audiences go through
        the parallel pass, and steps that reach many accounts are applied and
        listed on threads: 1, 2 and 3 threads write the same series, summary
        and cascade. The same for the plain step engine and for a rule without
        the promise."""
        cases = [("{name: sir, beta: 0.3, gamma: 0.3}", "auto", "step_skip"),
                 ("{name: sis, beta: 0.25, gamma: 0.4}", "auto", "step_skip"),
                 ("{name: sir, beta: 0.3, gamma: 0.3}", "off", "step"),
                 ("{name: maki_thompson, lambda: 0.4, alpha: 0.2}", "auto", "step")]
        for model, fast, engine in cases:
            scen = self.scenario("threads", model, n=100000, replicates=1, followers=5000)
            outs = []
            for t in (1, 2, 3):
                out = self.path(f"t{t}.h5")
                run("run", scen, "--point", "0", "-o", out, "--quiet", "--threads", str(t),
                    "--set", f"engine.fast_path={fast}")
                outs.append(out)
            with h5py.File(outs[0], "r") as f:
                self.assertEqual(f["meta"].attrs["engine"], engine)
                self.assertGreater(f["meta"].attrs["edges_examined"], 50000)
                # steps that reach more than 16,384 accounts, so that phase 4
                # runs on threads
                self.assertGreater(f["series/new_adopters_human"][()].max(), 16384, model)
            for o in outs[1:]:
                for g in ("series", "summary", "cascade"):
                    self.assertTrue(groups_equal(outs[0], o, g), (model, o, g))

    def test_exposures_off(self):
        """output.exposures: false: the exposure counts are left out, and every
        other dataset is the same."""
        scen = self.scenario("x", "{name: sir, beta: 0.1, gamma: 0.3}", n=20000, replicates=1,
                             followers=5000)
        a, b = self.path("x_on.h5"), self.path("x_off.h5")
        run("run", scen, "--point", "0", "-o", a, "--quiet", "--threads", "2")
        run("run", scen, "--point", "0", "-o", b, "--quiet", "--threads", "2", "--set", "output.exposures=false")
        with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
            self.assertEqual(fb["meta"].attrs["engine"], "step_skip")
            self.assertNotIn("exposed", fb["summary"])
            for g in ("series", "summary", "cascade"):
                for k in fb[g]:
                    if isinstance(fb[g][k], h5py.Dataset):
                        self.assertTrue(same(fa[g][k][()], fb[g][k][()]), (g, k))

    def test_without_promise(self):
        """A rule that makes no per_contact promise keeps the plain step engine."""
        scen = self.scenario("mt", "{name: maki_thompson}", replicates=1)
        self.assertEqual(self.engine(scen), "step")


if __name__ == "__main__":
    unittest.main(verbosity=2)
