#!/usr/bin/python3
"""What accounts do with what they read, beyond the rule: own posts (a new root,
instead of or besides a reshare), a fading appeal (a kernel of the post's age,
fatigue), and a feed that competes (background items, chronological or
engagement ranking). Each against the known answer on a small graph, and each
shown to change nothing when set so that it cannot act."""
import math
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))

# A hub (account 0) followed by F accounts; follower i also follows k_i - 1
# silent accounts (ids F + 1 ..), which never post: they only raise its
# followee count, which sets the rate of background items in its feed.
STAR = """\
name: star
seed: {seed}
time: {{start: "2017-05-05T20:00:00+02:00", duration: {duration}, dt: 1s, output_interval: 10m}}
graph: {{file: {graph}, format: edgelist, direction: follows}}
population:
  humans:
    delay: {{median: 10m, sigma: 1.0}}
{sessions}
  bots: {{fraction: {bots}, placement: random}}
accounts:
  - {{name: hub, id: 0}}
model: {{name: ic, p: {p}, p_bot: 1.0, p_hub: 0.0}}
events:
  - {{at: 10m, post: hub}}
{extra}
output: {{cascade: true}}
"""

BA = """\
name: ba
seed: {seed}
time: {{start: "2017-05-05T20:00:00+02:00", duration: 24h, dt: 1s, output_interval: 10m}}
graph: {{generator: ba, n: 4000, m: 4, communities: [{{name: a, share: 0.5}}, {{name: b, share: 0.5}}], mixing: 0.1}}
population:
  humans:
    delay: {{median: 10m, sigma: 1.0}}
{sessions}
  bots: {{fraction: 0.1}}
accounts:
  - {{name: hub, community: a, followers: 800, in_community: 0.8}}
model: {{name: ic, p: {p}, p_bot: 0.3, p_hub: 0.0}}
events:
  - {{at: 10m, post: hub}}
{extra}
output: {{cascade: true}}
"""


def poisson_cdf(k, mu):
    """P(X <= k), X ~ Poisson(mu)."""
    term = math.exp(-mu)
    s = term
    for j in range(1, k + 1):
        term *= mu / j
        s += term
    return min(s, 1.0)


class Run:
    def __init__(self, path):
        with h5py.File(path, "r") as f:
            self.summary = {k: f["summary"][k][()] for k in f["summary"] if k != "roots"}
            self.roots = {k: f["summary/roots"][k][()] for k in f["summary/roots"]}
            self.series = {k: f["series"][k][()] for k in f["series"]}
            ev = f["cascade/events"]
            self.events = {k: ev[k][()] for k in ev}


class Reading(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def star_graph(self, followers, extra_followees=()):
        """The star's edge list; extra_followees[i]: silent accounts follower i + 1
        also follows."""
        type(self).count += 1
        path = os.path.join(self.tmp.name, f"star{self.count}.txt")
        nxt = followers + 1
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(1, followers + 1):
                fh.write(f"{i} 0\n")
                for _ in range(extra_followees[i - 1] if extra_followees else 0):
                    fh.write(f"{i} {nxt}\n")
                    nxt += 1
        return path

    def run_text(self, text, threads=1, expect_ok=True):
        type(self).count += 1
        path = os.path.join(self.tmp.name, f"s{self.count}.yaml")
        out = os.path.join(self.tmp.name, f"s{self.count}.h5")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        p = subprocess.run([BIN, "run", path, "-o", out, "--quiet", "--threads", str(threads)],
                           capture_output=True, text=True)
        if not expect_ok:
            return p, out
        self.assertEqual(p.returncode, 0, p.stderr + "\n" + text)
        return Run(out), out

    def star(self, graph, seed=1, sessions="", extra="", bots=0.0, p=1.0, duration="2d",
             threads=1):
        return self.run_text(STAR.format(seed=seed, graph=graph, sessions=sessions, extra=extra,
                                         bots=bots, p=p, duration=duration), threads)

    # --- own posts ----------------------------------------------------------------

    def test_own_posts_binomial_and_kinds(self):
        """Every follower of the star adopts on seeing the post (p = 1, no sessions);
        each then writes a post of its own with probability q: the number of new
        roots is Binomial(F, q), seed after seed."""
        F, q, seeds = 400, 0.3, 12
        g = self.star_graph(F)
        counts = []
        for s in range(1, seeds + 1):
            r, _ = self.star(g, seed=s, extra=f"own_posts: {{people: {q}, mode: instead}}")
            kinds = r.roots["kind"]
            self.assertEqual(kinds[0], 0)                       # the hub's timeline post
            own = int((kinds == 1).sum())
            self.assertEqual(own, r.summary["own_posts_human"])
            self.assertEqual(own, int(r.series["own_posts_human"].sum()))
            self.assertEqual((kinds == 2).sum(), 0)
            # instead: the writers do not reshare
            self.assertEqual(r.summary["reshares"], F - own)
            self.assertEqual(r.summary["volume"], 1 + F)
            counts.append(own)
        mean, sd = F * q, math.sqrt(F * q * (1 - q))
        for c in counts:
            self.assertLess(abs(c - mean), 5 * sd, counts)
        self.assertLess(abs(np.mean(counts) - mean), 4 * sd / math.sqrt(seeds), counts)
        self.assertGreater(len(set(counts)), 1, "the draws should differ by seed")

    def test_own_posts_of_bots_and_besides(self):
        """Bots' own posts are kind 2, counted apart; besides resharing, the
        reshares are exactly those of the run without own posts."""
        F, qb = 600, 0.4
        g = self.star_graph(F)
        base, _ = self.star(g, seed=3, bots=0.5)
        r, _ = self.star(g, seed=3, bots=0.5,
                         extra=f"own_posts: {{people: 0.0, bots: {qb}, mode: besides}}")
        kinds = r.roots["kind"]
        self.assertEqual((kinds == 1).sum(), 0)
        nb = int((kinds == 2).sum())
        self.assertEqual(nb, r.summary["own_posts_bot"])
        self.assertEqual(nb, int(r.series["own_posts_bot"].sum()))
        bots = int(base.summary["reach_bot"])
        self.assertGreater(bots, 200)
        self.assertLess(abs(nb - bots * qb), 5 * math.sqrt(bots * qb * (1 - qb)))
        for k in ("reshares_human", "reshares_bot", "reach", "reach_bot"):
            self.assertEqual(r.summary[k], base.summary[k], k)
        self.assertEqual(r.summary["volume"], base.summary["volume"] + nb)

    def test_own_posts_make_trees_shallower(self):
        """On a scale-free graph, the same runs with people writing their own posts
        half the time: reshares sit closer to their root."""
        sess = "    sessions: {per_day: 24, attention: 30}"
        depth = {0.0: [], 0.5: []}
        for q in depth:
            for s in (1, 2, 3):
                extra = f"own_posts: {{people: {q}, bots: {q}}}" if q else ""
                r, _ = self.run_text(BA.format(seed=s, sessions=sess, p=0.3, extra=extra))
                d = r.events["depth"]
                self.assertGreater(len(d), 200)
                depth[q].append(d.mean())
        self.assertLess(np.mean(depth[0.5]), 0.75 * np.mean(depth[0.0]), depth)

    def test_own_posts_at_zero_change_nothing(self):
        """own_posts with every probability 0, an appeal kernel of none, a feed
        with no background: byte for byte the run without them."""
        sess = "    sessions: {per_day: 24, attention: 30}"
        sess0 = "    sessions: {per_day: 24, attention: 30, background: 0}"
        _, a = self.run_text(BA.format(seed=5, sessions=sess, p=0.1, extra=""))
        _, b = self.run_text(BA.format(seed=5, sessions=sess0, p=0.1,
                                       extra="own_posts: {people: 0, bots: 0}\n"
                                             "appeal: {kernel: none}"))
        with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
            names = []
            fa.visit(lambda n: names.append(n) if isinstance(fa[n], h5py.Dataset) else None)
            for n in names:
                if n.startswith("meta"):
                    continue
                x, y = fa[n][()], fb[n][()]
                self.assertTrue(np.array_equal(x, y, equal_nan=x.dtype.kind == "f"), n)

    # --- fading appeal --------------------------------------------------------------

    def appeal_ks(self, appeal, kernel):
        """Followers read the hub's post at the times their sessions give (the
        same with and without the appeal: sessions and latencies have streams of
        their own); with the appeal each adopts with probability K(age). The
        ages of the adopters must follow the baseline's ages weighted by K."""
        F = 3000
        g = self.star_graph(F)
        sess = "    sessions: {per_day: 4}"
        base, _ = self.star(g, seed=11, sessions=sess, duration="3d")
        r, _ = self.star(g, seed=11, sessions=sess, duration="3d", extra=appeal)
        a0 = np.sort(base.events["t"][base.events["depth"] == 1] - 600.0)
        a1 = np.sort(r.events["t"][r.events["depth"] == 1] - 600.0)
        self.assertGreater(len(a0), 0.9 * F)
        self.assertTrue(set(np.round(a1, 3)) <= set(np.round(a0, 3)))
        w = kernel(a0)
        expect, var = w.sum(), (w * (1 - w)).sum()
        self.assertLess(abs(len(a1) - expect), 4 * math.sqrt(var), (len(a1), expect))
        fw = np.cumsum(w) / w.sum()                       # weighted CDF at each a0
        fn = np.searchsorted(a1, a0, side="right") / len(a1)
        d = np.max(np.abs(fn - fw))
        self.assertLess(d, 1.63 / math.sqrt(len(a1)), f"KS D = {d:.4f}, n = {len(a1)}")
        return d

    def test_power_law_appeal_follows_its_kernel(self):
        tau, alpha = 3600.0, 1.5
        self.appeal_ks("appeal: {kernel: power_law, tau: 1h, exponent: 1.5, age: post}",
                       lambda a: (1 + a / tau) ** -alpha)

    def test_stretched_exponential_appeal_follows_its_kernel(self):
        tau, beta = 7200.0, 0.4
        self.appeal_ks("appeal: {kernel: stretched_exp, tau: 2h, beta: 0.4}",
                       lambda a: np.exp(-(a / tau) ** beta))

    def test_fatigue_lowers_adoption_once_items_have_been_read(self):
        """Two hubs' posts reach the same readers; with fatigue the second item a
        person reads is taken up at (1 + 1)^-fatigue the rate."""
        sess = "    sessions: {per_day: 24, attention: 30}"
        runs = {}
        for fat in (0.0, 2.0):
            extra = f"appeal: {{kernel: none, fatigue: {fat}}}" if fat else ""
            tot = 0
            for s in (1, 2):
                r, _ = self.run_text(BA.format(seed=s, sessions=sess, p=0.3, extra=extra))
                tot += r.summary["reach_human"]
            runs[fat] = tot
        self.assertLess(runs[2.0], 0.7 * runs[0.0], runs)

    # --- a feed that competes -------------------------------------------------------

    def test_background_gives_the_poisson_chance_of_being_read(self):
        """Follower i (k_i followees) reads the hub's post, a minutes after it
        was posted, only if fewer than N background items came in since:
        P = P(Poisson(lambda k_i a) <= N - 1). Summed over followers, against
        the read times of the same run without background."""
        F, N, lam = 2000, 3, 0.5
        rng = np.random.default_rng(5)
        k = rng.integers(1, 9, size=F)
        g = self.star_graph(F, list(k - 1))
        sess = "    sessions: {per_day: 6, attention: 3}"
        base, _ = self.star(g, seed=2, sessions=sess)
        r, _ = self.star(g, seed=2, sessions=sess.replace("}", f", background: {lam}}}"))
        ev0, ev1 = base.events, r.events
        a0 = {int(acc): t - 600.0 for acc, t in zip(ev0["account"], ev0["t"])}
        self.assertGreater(len(a0), 0.9 * F)
        got = {int(acc) for acc in ev1["account"]}
        self.assertTrue(got <= set(a0))
        p = np.array([poisson_cdf(N - 1, lam * k[acc - 1] * a / 3600.0) for acc, a in a0.items()])
        expect, sd = p.sum(), math.sqrt((p * (1 - p)).sum())
        self.assertGreater(expect, 0.1 * len(a0))
        self.assertLess(expect, 0.9 * len(a0))
        self.assertLess(abs(len(got) - expect), 4 * sd, (len(got), expect, sd))
        # and by followee count: the more followees, the fewer read
        for lo, hi in ((1, 2), (3, 5), (6, 8)):
            sel = [acc for acc in a0 if lo <= k[acc - 1] <= hi]
            pe = np.array([poisson_cdf(N - 1, lam * k[acc - 1] * a0[acc] / 3600.0) for acc in sel])
            n_got = sum(1 for acc in sel if acc in got)
            self.assertLess(abs(n_got - pe.sum()), 4 * math.sqrt((pe * (1 - pe)).sum()) + 1,
                            (lo, hi, n_got, pe.sum()))

    def engagement_case(self, ranking):
        """Hub A (0) posts at 10 min to 1,000 readers Y and 600 readers X; hub B
        (1) posts at 6 h to the X only. An X whose first session comes after 6 h
        holds both items and reads one (attention 1)."""
        type(self).count += 1
        g = os.path.join(self.tmp.name, f"eng{self.count}.txt")
        with open(g, "w", encoding="utf-8") as fh:
            for y in range(2, 1002):
                fh.write(f"{y} 0\n")
            for x in range(1002, 1602):
                fh.write(f"{x} 0\n{x} 1\n")
        text = STAR.format(seed=4, graph=g, bots=0.0, p=1.0, duration="14h", extra="",
                           sessions="    sessions: {per_day: 2, attention: 1, "
                                    f"ranking: {ranking}}}")
        text = text.replace("accounts:\n  - {name: hub, id: 0}",
                            "accounts:\n  - {name: hub, id: 0}\n  - {name: late, id: 1}")
        text = text.replace("  - {at: 10m, post: hub}", "  - {at: 10m, post: hub}\n"
                                                         "  - {at: 6h10m, post: late}")
        r, _ = self.run_text(text)
        ev = r.events
        x = (ev["account"] >= 1002)
        return int((ev["parent"][x] == 1).sum()), int((ev["parent"][x] == 0).sum())

    def test_engagement_ranking_reads_the_popular_post_first(self):
        b_chrono, a_chrono = self.engagement_case("chronological")
        b_eng, a_eng = self.engagement_case("engagement")
        # chronological: the newer post wins whenever both are in the session
        self.assertGreater(b_chrono, 60, (b_chrono, a_chrono))
        # engagement: the post hundreds have reshared wins over the new one
        self.assertEqual(b_eng, 0, (b_eng, a_eng))
        self.assertEqual(a_eng + b_eng, a_chrono + b_chrono)

    # --- all together ------------------------------------------------------------------

    def test_thread_invariant(self):
        sess = ("    sessions: {per_day: 24, attention: 20, background: 0.5, "
                "ranking: engagement, window: 12h, engagement: 5}")
        extra = ("own_posts: {people: {a: 0.3, b: 0.1}, bots: 0.05}\n"
                 "appeal: {kernel: power_law, tau: 30m, exponent: 1.2, fatigue: 0.3, who: all}")
        outs = [self.run_text(BA.format(seed=9, sessions=sess, p=0.15, extra=extra), threads=t)[1]
                for t in (1, 2, 3)]
        with h5py.File(outs[0], "r") as f0:
            names = []
            f0.visit(lambda n: names.append(n) if isinstance(f0[n], h5py.Dataset) else None)
            self.assertGreater(f0["summary/own_posts"][()], 10)
            for o in outs[1:]:
                with h5py.File(o, "r") as f1:
                    for n in names:
                        if n.startswith("meta"):
                            continue
                        a, b = f0[n][()], f1[n][()]
                        self.assertTrue(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), n)

    def test_bad_keys_are_named(self):
        g = self.star_graph(10)
        cases = [
            ("own_posts: {people: 1.5}", "own_posts.people"),
            ("own_posts: {people: {nowhere: 0.2}}", "own_posts.people.nowhere"),
            ("own_posts: {mode: often}", "own_posts.mode"),
            ("appeal: {kernel: power_law, beta: 0.4}", "appeal.beta"),
            ("appeal: {kernel: wiggle}", "appeal.kernel"),
            ("appeal: {tau: 1h}", "appeal"),
            ("appeal: {kernel: none, fatigue: 1}", "appeal.fatigue"),
        ]
        for extra, key in cases:
            p, out = self.run_text(STAR.format(seed=1, graph=g, sessions="", extra=extra,
                                               bots=0.0, p=1.0, duration="1h"), expect_ok=False)
            self.assertEqual(p.returncode, 2, extra + "\n" + p.stderr)
            self.assertIn(key, p.stderr, extra)
            self.assertRegex(p.stderr, r"s\d+\.yaml:\d+:\d+", extra)
            self.assertFalse(os.path.exists(out), extra)
        p, _ = self.run_text(STAR.format(seed=1, graph=g, extra="", bots=0.0, p=1.0,
                                         duration="1h",
                                         sessions="    sessions: {per_day: 4, background: 1}"),
                             expect_ok=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("population.humans.sessions.background", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
