#!/usr/bin/python3
"""`tagcascade fit` against known answers.

- The sampler against an analytic posterior: a hub posts once to n = 50
  followers who each reshare with probability p, so the volume is 1 + k with
  k ~ Binomial(50, p); with a uniform prior and k = 15 observed, the posterior
  is Beta(16, 36). ABC-SMC run down to a tolerance of 0 (exact matches) must
  give it: the weighted KS distance to Beta(16, 36) under 1.63 / sqrt(ESS)
  (the 1 % critical value) and the mean within 4 standard errors.
- Recovery (analysis/fit_coverage.py): 20 curves the recovery scenario made at
  known values; the 90 % intervals must cover the truth in at least 80 % of
  them for each parameter, and be narrower (summed over the parameters), over 8
  of the cases, with the 6 h window than with the first hour (four bins each).
- plot_fit.py draws a fit file (posterior, predictive band) and refuses other
  files; the shipped example (scenarios/fit/hashtag.yaml) runs end to end on a
  small budget.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
from scipy import stats

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
BIN = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "tagcascade")
PY = os.environ.get("PY", "/usr/bin/python3")

BINOMIAL = os.path.join(ROOT, "tests", "data", "fit_binomial.yaml")
# the posterior test: more particles, another seed, down to exact matches
BINOMIAL_SETS = ["seed=7", "fit.algorithm.particles=1000", "fit.algorithm.generations=15",
                 "fit.algorithm.min_acceptance=0.005", "fit.algorithm.predictive=30",
                 "fit.algorithm.max_simulations=200000"]


def weighted_ks(x, w, cdf):
    o = np.argsort(x)
    x, w = x[o], w[o] / w.sum()
    c = np.cumsum(w)
    f = cdf(x)
    return float(max(np.max(np.abs(c - f)), np.max(np.abs(c - w - f))))


class FitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def binomial_fit(self):
        out = self.path("binomial.h5")
        if not os.path.exists(out):
            p = subprocess.run([BIN, "fit", BINOMIAL, "-o", out, "-q",
                                *[x for kv in BINOMIAL_SETS for x in ("--set", kv)]],
                               capture_output=True, text=True, timeout=900)
            self.assertEqual(p.returncode, 0, p.stderr)
        return out

    def test_beta_posterior(self):
        with h5py.File(self.binomial_fit()) as f:
            th, w = f["fit/theta"][-1][:, 0], f["fit/weight"][-1]
            eps, ess = f["fit/epsilon"][()], f["fit/ess"][()]
            dist = f["fit/distance"][-1]
        self.assertEqual(eps[-1], 0.0, "the fit must reach exact matches")
        self.assertTrue((dist == 0).all())
        post = stats.beta(16, 36)
        d = weighted_ks(th, w, post.cdf)
        tol = 1.63 / np.sqrt(ess[-1])
        mean = float(np.sum(w * th) / np.sum(w))
        se = post.std() / np.sqrt(ess[-1])
        print(f"\nnote: Beta(16, 36): weighted KS {d:.4f} (tolerance {tol:.4f}, ESS {ess[-1]:.0f}); "
              f"mean {mean:.4f} vs {post.mean():.4f} (SE {se:.4f}); "
              f"{len(eps)} generations", file=sys.stderr)
        self.assertLess(d, tol)
        self.assertLess(abs(mean - post.mean()), 4 * se)
        # the prior alone (generation 0) is far from it: the test can fail
        with h5py.File(self.binomial_fit()) as f:
            d0 = weighted_ks(f["fit/theta"][0][:, 0], f["fit/weight"][0], post.cdf)
        self.assertGreater(d0, 5 * tol)

    def test_plot_fit(self):
        out = self.path("binomial.png")
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "plot_fit.py"), self.binomial_fit(),
                            "-o", out, "--truth", "0.3077"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        # a file that is not a fit: exit 2 with a message
        with h5py.File(self.path("other.h5"), "w") as f:
            f.attrs["kind"] = "run"
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "plot_fit.py"), self.path("other.h5"),
                            "-o", self.path("x.png")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a fit file", p.stderr)
        self.assertFalse(os.path.exists(self.path("x.png")))

    def test_recovery(self):
        p = subprocess.run([PY, os.path.join(ROOT, "analysis", "fit_coverage.py"),
                            os.path.join(ROOT, "scenarios", "fit", "recovery.yaml"), "--cases", "20",
                            "--windows", "1h", "--window-cases", "8", "--bin-exe", BIN,
                            "--set", "fit.algorithm.particles=120"],
                           capture_output=True, text=True, timeout=1200)
        self.assertEqual(p.returncode, 0, p.stderr)
        print("\n" + p.stdout.split("\n\n", 1)[1], file=sys.stderr)
        cov = dict(re.findall(r"^  (\S+) +([0-9.]+) %", p.stdout, re.M))
        for key in ("model.p", "population.bots.fraction"):
            self.assertGreaterEqual(float(cov[key]), 80.0, p.stdout)
        widths = {float(h): [float(v) for v in re.findall(r" ([0-9.]+)(?:,|  \()", rest)]
                  for h, rest in re.findall(r"^ +([0-9.]+) h: (.*)$", p.stdout, re.M)}
        self.assertEqual(sorted(widths), [1.0, 6.0], p.stdout)
        # narrower on the longer window, over the parameters together (the bot
        # share is told mostly by the first burst, so it narrows least)
        self.assertLess(sum(widths[6.0]), sum(widths[1.0]), p.stdout)

    def test_cascade_targets(self):
        """Cascade sizes and depths as targets: observed cascades written as CSV
        from a run at model.p = 0.1, imported, and fitted together with the
        volume; the posterior of model.p must hold 0.1 and be narrower than the
        prior."""
        run = self.path("casc_run.h5")
        scen = os.path.join(ROOT, "scenarios", "fit", "recovery.yaml")
        p = subprocess.run([BIN, "run", scen, "-q", "-o", run, "--set", "output.cascade=true"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        paths = []
        with h5py.File(run) as f:
            e = f["cascade/events"]
            t, acc, par, root = e["t"][()], e["account"][()], e["parent"][()], e["root"][()]
            rt, author = f["summary/roots/t"][()], f["summary/roots/author"][()]
        for r in range(len(rt)):
            path = self.path(f"casc_{r}.csv")
            with open(path, "w") as f:
                f.write(f"time,account,parent\n0,{author[r]},\n")
                for i in np.flatnonzero(root == r):
                    f.write(f"{t[i] - rt[r]:.3f},{acc[i]},{par[i]}\n")
            paths.append(path)
        obs = self.path("casc_obs.h5")
        p = subprocess.run([BIN, "import", "--format", "csv", *paths, "-o", obs, "-q"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        fit = self.path("casc_fit.h5")
        p = subprocess.run([BIN, "fit", scen, "-q", "-o", fit,
                            "--set", "fit.observed={volume: recovery_volume.csv, cascades: " + obs + "}",
                            "--set", "fit.targets={volume: {distance: rmse_sqrt, by_class: true}, "
                            "cascade_size: {distance: ks, weight: 4}, "
                            "cascade_depth: {distance: wasserstein}}",
                            "--set", "fit.algorithm.particles=100"],
                           capture_output=True, text=True, timeout=900)
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(fit) as f:
            targets = [x.decode() if isinstance(x, bytes) else x for x in f["fit/targets"][()]]
            th, w, d = f["fit/theta"][-1][:, 0], f["fit/weight"][-1], f["fit/distance"][()]
        self.assertEqual(targets, ["volume", "cascade_size", "cascade_depth"])
        self.assertTrue(np.isfinite(d).all())
        lo, hi = (float(np.interp(q, np.cumsum(w[np.argsort(th)]), np.sort(th))) for q in (0.05, 0.95))
        self.assertTrue(lo <= 0.1 <= hi, (lo, hi))
        self.assertLess(hi - lo, 0.5 * (0.25 - 0.02), (lo, hi))

    def test_example(self):
        out = self.path("hashtag.h5")
        p = subprocess.run([BIN, "fit", os.path.join(ROOT, "scenarios", "fit", "hashtag.yaml"),
                            "-o", out, "-q", "--set", "fit.algorithm.particles=40",
                            "--set", "fit.algorithm.max_simulations=120",
                            "--set", "fit.algorithm.predictive=10"],
                           capture_output=True, text=True, timeout=900)
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(out) as f:
            self.assertEqual(f["fit/theta"].shape[1:], (40, 3))
            self.assertEqual(f["fit/predictive/volume"].shape, (10, 10))
            obs = f["fit/predictive/observed"][()]
        self.assertEqual(obs.sum(), 2432)
        s = subprocess.run([BIN, "summary", out], capture_output=True, text=True)
        self.assertEqual(s.returncode, 0, s.stderr)
        self.assertIn("population.bots.fraction", s.stdout)


if __name__ == "__main__":
    unittest.main()
