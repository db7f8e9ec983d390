#!/usr/bin/python3
"""Sightings of the trend and of the news (docs/scenario.md, `platform` and
`press`): by default the sessions that show them are drawn directly, as the
points of a Poisson process of rate `probability` times the session rate;
with engine.fast_path: off every session is walked and shows them with
`probability`. Both against known answers, and against each other:

- the trend: nobody follows the only poster and nobody adopts, so the exposed
  are the people whose first sighting falls within the trend: each with
  probability 1 - exp(-q D), D the hours it trended, at one session an hour;
- the news: a person of the covered community adopts with probability
  1 - exp(-2 q p) over the event's 2 hours, p halved by a damping or not
  (after a person's first sighting, the default path keeps only the
  sightings that may adopt, at its largest probability);
- a graph with feeds, a trend and the news, 200 replicates on each path: KS
  p > 0.001 on reach, exposures, reshares, volume, the time of its peak, depth
  and breadth; and the same where people have a session in twenty days,
  so that sightings sharing a person's sessions with the feed or with each
  other would show (they do not: the trend and each press event have
  sessions of their own)."""
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
from scipy.stats import ks_2samp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))

# one session an hour, all day; a feed item is never shown (older than the
# window of 1 s when read), so only sightings can expose or convince
ALONE = """\
name: alone
seed: {seed}
time: {{start: "2017-05-05T20:00:00+02:00", duration: 6h, dt: 1s, output_interval: 10m}}
graph: {{generator: ba, n: 4000, m: 4, communities: [{{name: a, share: 0.5}}, {{name: b, share: 0.5}}]}}
population:
  humans:
    delay: {{median: 5m, sigma: 1.0}}
    sessions: {{per_day: 24, attention: 1000, window: 1s, ranking: engagement,
               rhythm: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}
  bots: {{fraction: 0}}
accounts:
  - {{name: hub, community: a, followers: {followers}}}
model: {{name: ic, p: {p}}}
events:
  - {{at: 10m, post: hub}}
{events}
{platform}
output: {{cascade: true}}
"""

GRAPH = """\
name: mixed
seed: 11
time: {start: "2017-05-05T20:00:00+02:00", duration: 12h, dt: 1s, output_interval: 10m}
graph: {generator: ba, n: 3000, m: 4, communities: [{name: a, share: 0.5}, {name: b, share: 0.5}], mixing: 0.2}
population:
  humans:
    delay: {median: 10m, sigma: 1.0}
    sessions: {per_day: 12, attention: 20}
    utc_offset: {b: -4h}
  bots: {fraction: 0.1}
accounts:
  - {name: hub, community: a, followers: 600, in_community: 0.5}
model: {name: ic, p: 0.05, p_bot: 0.5}
events:
  - {at: 10m, post: hub}
  - {at: 4h, until: 8h, press: {probability: 0.3, community: b}}
  - {at: 5h, until: 7h, damping: {factor: 0.6, community: b}}
  - {at: 9h, damping: {factor: 0.5}}
platform: {trending: {window: 30m, threshold: 15, probability: 0.2}}
output: {cascade: false}
sweep: {replicates: 200, series: false}
"""

# few sessions (one in twenty days, all in one local hour, over 20 days), time zones far
# apart, a trend and the news at probability 1 for weeks: where sightings of
# several sources and the feed would share a person's rare sessions, they
# must not (each source has sessions of its own, on either path)
SPARSE = """\
name: sparse
seed: 3
time: {start: 2017-05-05T20:00:00+02:00, duration: 20d, dt: 1m, output_interval: 1d}
graph: {generator: ba, n: 2000, m: 3, communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]}
population:
  humans:
    delay: {median: 5m, sigma: 1.0}
    sessions: {per_day: 0.05, attention: 5, rhythm: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}
    utc_offset: {a: +14h, b: -12h}
  bots: {fraction: 0}
accounts:
  - {name: source, community: a, followers: 100}
model: {name: ic, p: 0.3}
events:
  - {at: 1h, post: source}
  - {at: 2h, until: 15d, press: {probability: 1}}
platform:
  trending: {window: 1h, every: 1m, threshold: 1, probability: 1}
sweep: {replicates: 100, series: false}
"""

METRICS = ("reach", "exposed", "exposed_human", "reshares", "volume", "peak_t", "max_depth",
           "max_breadth")
PATHS = ("auto", "off")


class Sightings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def tc(self, *args):
        p = subprocess.run([BIN, *args], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def alone(self, name, fast_path, seed=1, followers=0, p=0.0, events="", platform=""):
        scen, out = self.path(name + ".yaml"), self.path(name + ".h5")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(ALONE.format(seed=seed, followers=followers, p=p, events=events,
                                 platform=platform))
        self.tc("run", scen, "-o", out, "--quiet", "--set", f"engine.fast_path={fast_path}")
        with h5py.File(out, "r") as f:
            summary = {k: f["summary"][k][()] for k in f["summary"] if k != "roots"}
            series = {k: f["series"][k][()] for k in f["series"]}
            events = {k: f["cascade/events"][k][()] for k in f["cascade/events"]}
        return summary, series, events

    def test_trend_known_answer(self):
        q = 0.5
        plat = "platform: {trending: {window: 30m, threshold: 1, probability: %s}}" % q
        for fp in PATHS:
            seen, expect, var = 0, 0.0, 0.0
            for seed in (1, 2, 3):
                s, _, _ = self.alone(f"trend_{fp}_{seed}", fp, seed=seed, platform=plat)
                d = float(s["trending_s"]) / 3600
                self.assertGreater(d, 0.4, fp)
                n = 4001  # the graph's people and the hub's 0 followers: all but the hub
                pe = 1 - np.exp(-q * d)
                seen += int(s["exposed"])
                expect += n * pe
                var += n * pe * (1 - pe)
                self.assertEqual(int(s["reach"]), 1, fp)  # p = 0: nobody adopts
            self.assertLess(abs(seen - expect), 4 * np.sqrt(var), (fp, seen, expect))

    def test_press_known_answer(self):
        """Also with a damping of 0.5 over the news's community: after its
        first sighting a person's sightings are thinned to its largest
        probability, which a damping does not raise."""
        q, p = 0.5, 0.2
        ev = "  - {at: 1h, until: 3h, press: {probability: %s, community: b}}" % q
        half = "\n  - {at: 1h, until: 3h, damping: {factor: 0.5, community: b}}"
        for fp in PATHS:
            for factor, extra in ((1, ""), (0.5, half)):
                s, series, events = self.alone(f"press_{fp}_{factor}", fp, followers=10, p=p,
                                               events=ev + extra)
                b = series["new_adopters_by_community"][:, 1]
                t = np.arange(len(b)) * 600
                self.assertEqual(int(b[(t < 3600) | (t >= 3 * 3600)].sum()), 0, fp)
                n_b = 2000
                pa = 1 - np.exp(-2 * q * p * factor)
                se = np.sqrt(n_b * pa * (1 - pa))
                self.assertLess(abs(int(b.sum()) - n_b * pa), 4 * se,
                                (fp, factor, int(b.sum()), n_b * pa))
                self.assertTrue(np.all(events["depth"] <= 1), fp)

    def ks_both_ways(self, name, text):
        scen = self.path(name + ".yaml")
        with open(scen, "w", encoding="utf-8") as f:
            f.write(text)
        tables = []
        for fp in PATHS:
            out = self.path(f"{name}_{fp}.h5")
            self.tc("sweep", scen, "-o", out, "--quiet", "--set", f"engine.fast_path={fp}")
            with h5py.File(out, "r") as f:
                tables.append((list(f["sweep/metrics"].asstr()[:]), f["sweep/summary"][()]))
        names, a = tables[0]
        _, b = tables[1]
        for m in METRICS:
            i = names.index(m)
            x, y = a[0, :, i], b[0, :, i]
            pv = ks_2samp(x[~np.isnan(x)], y[~np.isnan(y)]).pvalue
            self.assertGreater(pv, 0.001, f"{name} {m}: KS p = {pv:.2g}")
        return names, a

    def test_sparse_sessions_both_ways(self):
        names, a = self.ks_both_ways("sparse", SPARSE)
        self.assertGreater(np.median(a[0, :, names.index("reach")]), 300)

    def test_same_distribution_both_ways(self):
        names, a = self.ks_both_ways("mixed", GRAPH)
        self.assertGreater(np.median(a[0, :, names.index("reach")]), 100)
        # the tag trends, on either path (replicate 0 alone)
        for fp in PATHS:
            one = self.path(f"mixed_{fp}_0.h5")
            self.tc("run", self.path("mixed.yaml"), "--point", "0", "-o", one, "--quiet",
                    "--set", f"engine.fast_path={fp}")
            with h5py.File(one, "r") as f:
                self.assertGreater(f["summary/trending_s"][()], 1800, fp)


if __name__ == "__main__":
    unittest.main(verbosity=2)
