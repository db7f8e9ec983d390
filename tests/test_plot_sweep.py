#!/usr/bin/python3
# Tests for tcread.open_sweep and analysis/plot_sweep.py on synthetic sweep files written
# per docs/hdf5.md ("Sweeps"), and on a real small sweep when `tagcascade sweep` exists.
import itertools
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANALYSIS = os.path.join(ROOT, "analysis")
PLOT = os.path.join(ANALYSIS, "plot_sweep.py")
BIN = os.environ.get("BIN", "build/tagcascade")
PYTHON = "/usr/bin/python3"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
sys.path.insert(0, ANALYSIS)
import tcread  # noqa: E402

T, C, INTERVAL = 240, 3, 60.0
START = "2017-05-05T20:00:00+02:00"
OFFSET = 7200
COMMUNITIES = ["us_altright", "fr_farright", "fr_mainstream"]
METRICS = ["reach", "reach_human", "reach_bot", "exposed", "exposed_human", "exposed_bot",
           "posts", "reshares", "reshares_human", "reshares_bot", "volume", "peak_t",
           "peak_volume", "bot_share_volume", "bot_share_accounts", "max_depth",
           "max_breadth", "cascades", "largest_size", "largest_structural_virality",
           "mean_structural_virality"]
ONE_KEY = {"population.bots.fraction": [0.0, 0.1, 0.3]}
TWO_KEYS = {"population.bots.fraction": [0.0, 0.1, 0.2],
            "population.bots.delay.max": ["10s", "30s"]}


def grid_points(grid):
    """Points of a grid, the last key varying fastest (docs/sweep.md)."""
    keys = list(grid)
    return keys, [dict(zip(keys, vals)) for vals in itertools.product(*grid.values())]


def run_series(point, p, r):
    """A plausible run: a burst of random size whose bot part grows with the bot fraction."""
    rng = np.random.default_rng(1000 * p + r)
    frac = float(point.get("population.bots.fraction", 0.1))
    t = np.arange(T) * INTERVAL
    shape = rng.lognormal(0, 0.3) * np.exp(-0.5 * ((np.arange(T) - 90) / 30.0) ** 2)
    d = {"t": t}
    for name, scale in (("posts", 2), ("reshares", 40), ("new_adopters", 30), ("new_exposed", 300)):
        d[f"{name}_human"] = rng.poisson(scale * (1 + 2 * frac) * shape + 0.2).astype(np.int64)
        d[f"{name}_bot"] = rng.poisson(scale * 8 * frac * shape).astype(np.int64)
        by = np.zeros((T, C), np.int64)
        total = d[f"{name}_human"] + d[f"{name}_bot"]
        by[:, 1] = total // 3
        by[:, 0] = total - by[:, 1]
        d[f"{name}_by_community"] = by
    return d


def summary_of(s):
    vol = s["posts_human"] + s["posts_bot"] + s["reshares_human"] + s["reshares_bot"]
    bots = (s["posts_bot"] + s["reshares_bot"]).sum()
    v = {"reach_human": s["new_adopters_human"].sum(), "reach_bot": s["new_adopters_bot"].sum(),
         "exposed_human": s["new_exposed_human"].sum(), "exposed_bot": s["new_exposed_bot"].sum(),
         "posts": (s["posts_human"] + s["posts_bot"]).sum(),
         "reshares_human": s["reshares_human"].sum(), "reshares_bot": s["reshares_bot"].sum(),
         "volume": vol.sum(), "peak_t": s["t"][vol.argmax()], "peak_volume": vol.max(),
         "bot_share_volume": bots / vol.sum() if vol.sum() else 0.0,
         "bot_share_accounts": 0.1, "max_depth": 5, "max_breadth": 40, "cascades": 4,
         "largest_size": 120, "largest_structural_virality": 3.5,
         "mean_structural_virality": 2.25}
    v["reach"] = v["reach_human"] + v["reach_bot"]
    v["exposed"] = v["exposed_human"] + v["exposed_bot"]
    v["reshares"] = v["reshares_human"] + v["reshares_bot"]
    return np.array([float(v[m]) for m in METRICS])


def write_sweep(path, grid, replicates, series=True, not_done=(), nan_metric=(),
                kind="sweep", schema_version=1):
    """Write a complete sweep file per docs/hdf5.md. not_done: (p, r) runs left out
    (summary NaN, done 0, no series); nan_metric: (p, r, metric) set to NaN in a done
    run (e.g. mean_structural_virality with no cascade). Returns (summary, series)."""
    keys, points = grid_points(grid)
    P, R = len(points), replicates
    sdt = h5py.string_dtype()
    summary = np.full((P, R, len(METRICS)), np.nan)
    done = np.ones((P, R), np.uint8)
    allseries = {}
    for p, point in enumerate(points):
        for r in range(R):
            if (p, r) in not_done:
                done[p, r] = 0
                continue
            allseries[(p, r)] = run_series(point, p, r)
            summary[p, r] = summary_of(allseries[(p, r)])
    for p, r, m in nan_metric:
        summary[p, r, METRICS.index(m)] = np.nan
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int32(schema_version)
        f.attrs["kind"] = np.bytes_(kind)
        f.attrs["producer"] = "tagcascade 0.1.0"
        m = f.create_group("meta")
        m.attrs.update({
            "name": "synthetic", "seed": np.uint64(42), "version": "0.1.0",
            "threads": np.int32(4), "ranks": np.int32(1), "wall_time_s": 3.5,
            "created_utc": "2024-01-01T00:00:00Z", "command": "tagcascade sweep x.yaml",
            "start": START, "utc_offset_s": np.int32(OFFSET), "dt_s": 1.0,
            "interval_s": INTERVAL, "duration_s": T * INTERVAL, "model": "ic",
            "points": np.int64(P), "replicates": np.int64(R),
            "sweep_hash": "0123456789abcdef"})
        m.create_dataset("scenario", data="name: synthetic\nsweep: {}\n", dtype=sdt)
        m.create_dataset("resolved", data="name: synthetic\nseed: 42\n", dtype=sdt)
        s = f.create_group("sweep")
        s.create_dataset("keys", data=keys, dtype=sdt)
        g = s.create_group("params")
        for k in keys:
            vals = [pt[k] for pt in points]
            if all(isinstance(v, (int, float)) for v in vals):
                g.create_dataset(k, data=np.array(vals, np.float64))
            else:
                g.create_dataset(k, data=[str(v) for v in vals], dtype=sdt)
        s.create_dataset("params_text", dtype=sdt, data=[
            "; ".join(f"{k}={pt[k]:g}" if isinstance(pt[k], float) else f"{k}={pt[k]}"
                      for k in keys) for pt in points])
        s.create_dataset("resolved", data=[f"name: synthetic\n# point {p}\n" for p in range(P)],
                         dtype=sdt)
        s.create_dataset("metrics", data=METRICS, dtype=sdt)
        s.create_dataset("summary", data=summary)
        s.create_dataset("done", data=done)
        s.create_dataset("run_key", data=(np.arange(P * R, dtype=np.uint64) * np.uint64(7919)
                                          + np.uint64(2 ** 63)).reshape(P, R))
        if series:
            for (p, r), d in allseries.items():
                g = f.create_group(f"runs/{p}/{r}/series")
                g.attrs.update({"start": START, "utc_offset_s": np.int32(OFFSET),
                                "interval_s": INTERVAL, "n_intervals": np.int64(T)})
                for k, v in d.items():
                    ds = g.create_dataset(k, data=v, chunks=True, shuffle=True,
                                          compression="gzip")
                    if k.endswith("_by_community"):
                        ds.attrs["columns"] = COMMUNITIES
    return summary, allseries


def run_plot(*args):
    return subprocess.run([PYTHON, PLOT, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def parse_table(stdout):
    """Rows of the Markdown table printed by plot_sweep.py: point -> (runs, med, p10, p90)."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit():
            rows[int(cells[0])] = (int(cells[2]),) + tuple(
                float("nan") if c == "-" else float(c) for c in cells[3:])
    return rows


class SweepTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.one = os.path.join(self.dir, "one.h5")
        self.one_summary, self.one_series = write_sweep(self.one, ONE_KEY, 4)
        self.two = os.path.join(self.dir, "two.h5")
        write_sweep(self.two, TWO_KEYS, 3, series=False)
        # point 1 replicate 2 not done; point 2 replicate 0 done but without a cascade
        self.gaps = os.path.join(self.dir, "gaps.h5")
        self.gaps_summary, self.gaps_series = write_sweep(
            self.gaps, ONE_KEY, 4, not_done={(1, 2)},
            nan_metric={(2, 0, "mean_structural_virality")})

    def tearDown(self):
        self.tmp.cleanup()

    def out(self, name):
        return os.path.join(self.dir, name)

    def assert_png(self, p, path):
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(path, p.stdout)
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), PNG_SIGNATURE)

    def assert_exit2(self, p, *words):
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        for w in words:
            self.assertIn(w, p.stderr)

    # reader

    def test_read_values(self):
        sw = tcread.open_sweep(self.one)
        self.assertEqual(sw.meta["name"], "synthetic")
        self.assertEqual(sw.meta["sweep_hash"], "0123456789abcdef")
        self.assertEqual(sw.meta["resolved"], "name: synthetic\nseed: 42\n")
        self.assertEqual((sw.points, sw.replicates), (3, 4))
        self.assertEqual(sw.keys, ["population.bots.fraction"])
        np.testing.assert_array_equal(sw.params["population.bots.fraction"], [0.0, 0.1, 0.3])
        self.assertEqual(sw.params["population.bots.fraction"].dtype, np.float64)
        self.assertEqual(sw.params_text, ["population.bots.fraction=0",
                                          "population.bots.fraction=0.1",
                                          "population.bots.fraction=0.3"])
        self.assertEqual(sw.metrics, METRICS)
        self.assertEqual(sw.summary.shape, (3, 4, len(METRICS)))
        np.testing.assert_array_equal(sw.summary, self.one_summary)
        self.assertEqual(sw.done.dtype, bool)
        self.assertTrue(sw.done.all())
        self.assertEqual(sw.run_key.dtype, np.uint64)
        self.assertEqual(int(sw.run_key[2, 3]), 2 ** 63 + 11 * 7919)
        np.testing.assert_array_equal(sw.metric("volume"),
                                      self.one_summary[:, :, METRICS.index("volume")])
        with self.assertRaises(KeyError):
            sw.metric("nope")
        s = sw.series(2, 1)
        for k, v in self.one_series[(2, 1)].items():
            np.testing.assert_array_equal(s[k], v, err_msg=k)
        self.assertEqual(s["posts_by_community"].shape, (T, C))
        self.assertEqual(sw.to_clock([0])[0].hour, 20)  # local time of the file's offset

    def test_read_strings_and_gaps(self):
        sw = tcread.open_sweep(self.two)
        self.assertEqual(sw.keys, list(TWO_KEYS))
        self.assertEqual(sw.params["population.bots.delay.max"].tolist(),
                         ["10s", "30s"] * 3)  # last key fastest
        np.testing.assert_array_equal(sw.params["population.bots.fraction"],
                                      [0, 0, 0.1, 0.1, 0.2, 0.2])
        self.assertEqual(sw.params_text[3],
                         "population.bots.fraction=0.1; population.bots.delay.max=30s")
        self.assertFalse(sw.has_series)
        self.assertIsNone(sw.series(0, 0))
        g = tcread.open_sweep(self.gaps)
        self.assertFalse(g.done[1, 2])
        self.assertEqual(int(g.done.sum()), 11)
        self.assertIsNone(g.series(1, 2))
        self.assertIsNotNone(g.series(1, 1))
        self.assertTrue(np.isnan(g.metric("reach")[1, 2]))

    def test_metric_masks_not_done(self):
        # a not-done cell holding a stale number (not NaN) must still read as NaN
        with h5py.File(self.gaps, "r+") as f:
            f["sweep/summary"][1, 2, METRICS.index("reach")] = 1e9
        sw = tcread.open_sweep(self.gaps)
        self.assertTrue(np.isnan(sw.metric("reach")[1, 2]))
        p = run_plot(self.gaps, "-o", self.out("stale.png"))
        self.assertEqual(p.returncode, 0, p.stderr)
        runs, med, lo, hi = parse_table(p.stdout)[1]
        self.assertEqual(runs, 3)
        self.assertLess(hi, 1e9)

    def test_rejects(self):
        run = self.out("run.h5")
        with h5py.File(run, "w") as f:
            f.attrs["schema_version"] = np.int32(1)
            f.attrs["kind"] = "run"
        with self.assertRaises(SystemExit) as cm:
            tcread.open_sweep(run)
        self.assertIn(run, str(cm.exception.code))
        self.assertIn("kind='run'", str(cm.exception.code))
        # a layout newer than the reader's
        newer = tcread.SCHEMA_VERSION + 1
        v2 = self.out("newer.h5")
        write_sweep(v2, ONE_KEY, 1, series=False, schema_version=newer)
        with self.assertRaises(SystemExit) as cm:
            tcread.open_sweep(v2)
        self.assertIn(f"schema_version {newer}", str(cm.exception.code))
        with self.assertRaises(SystemExit) as cm:
            tcread.open_sweep(self.out("nope.h5"))
        self.assertIn("nope.h5", str(cm.exception.code))
        with self.assertRaises(SystemExit):  # and a sweep is not a run
            tcread.open_run(self.one)

    # statistics

    def test_band_done_only(self):
        p = run_plot(self.gaps, "-o", self.out("gaps.png"), "--metric", "reach")
        self.assert_png(p, self.out("gaps.png"))
        rows = parse_table(p.stdout)
        reach = self.gaps_summary[:, :, METRICS.index("reach")]
        for point in range(3):
            v = reach[point][np.isfinite(reach[point])]
            want = (len(v), np.median(v), np.percentile(v, 10), np.percentile(v, 90))
            self.assertEqual(rows[point][0], want[0])
            np.testing.assert_allclose(rows[point][1:], want[1:], rtol=1e-5)
        self.assertEqual(rows[1][0], 3)  # the not-done run is not counted
        self.assertFalse(np.isnan(rows[1][1]))

    def test_nan_metric_does_not_poison(self):
        p = run_plot(self.gaps, "-o", self.out("sv.png"), "--metric", "mean_structural_virality")
        self.assert_png(p, self.out("sv.png"))
        rows = parse_table(p.stdout)
        self.assertEqual(rows[2][0], 3)
        np.testing.assert_allclose(rows[2][1:], [2.25, 2.25, 2.25])

    def test_series_band_done_only(self):
        p = run_plot(self.gaps, "-o", self.out("series.png"), "--series", "volume", "--bin", "1")
        self.assert_png(p, self.out("series.png"))
        rows = parse_table(p.stdout)
        for point in range(3):
            totals = [sum(s[k].sum() for k in ("posts_human", "posts_bot", "reshares_human",
                                              "reshares_bot"))
                      for (q, _), s in self.gaps_series.items() if q == point]
            self.assertEqual(rows[point][0], len(totals))
            np.testing.assert_allclose(rows[point][1:], [np.median(totals),
                                       np.percentile(totals, 10), np.percentile(totals, 90)],
                                       rtol=1e-5)
        self.assertEqual(rows[1][0], 3)

    # plots

    def test_line_plot(self):
        p = run_plot(self.one, "-o", self.out("reach.png"))
        self.assert_png(p, self.out("reach.png"))
        p = run_plot(self.one, "-o", self.out("peak.pdf"), "--metric", "peak_t",
                     "--x", "population.bots.fraction")
        self.assertEqual(p.returncode, 0, p.stderr)
        peak = self.one_summary[0, :, METRICS.index("peak_t")]
        self.assertAlmostEqual(parse_table(p.stdout)[0][1], np.median(peak) / 3600.0, 5)  # hours

    def test_lines_per_other_key(self):
        p = run_plot(self.two, "-o", self.out("lines.png"), "--metric", "volume")
        self.assert_png(p, self.out("lines.png"))
        p = run_plot(self.two, "-o", self.out("lines2.png"), "--x", "population.bots.delay.max")
        self.assert_png(p, self.out("lines2.png"))

    def test_heatmap(self):
        p = run_plot(self.two, "-o", self.out("heat.png"), "--heatmap", "--metric", "reshares_bot")
        self.assert_png(p, self.out("heat.png"))
        self.assertEqual(len(parse_table(p.stdout)), 6)
        p = run_plot(self.two, "-o", self.out("heat2.png"), "--x", "population.bots.delay.max",
                     "--y", "population.bots.fraction")
        self.assert_png(p, self.out("heat2.png"))

    def test_series_plots(self):
        for name in ("volume", "reshares_bot", "new_exposed_human"):
            out = self.out(f"series_{name}.png")
            self.assert_png(run_plot(self.one, "-o", out, "--series", name), out)

    # errors

    def test_errors(self):
        out = self.out("err.png")
        self.assert_exit2(run_plot(self.one, "-o", out, "--metric", "nope"),
                          "nope", "reach", "mean_structural_virality")
        self.assert_exit2(run_plot(self.one, "-o", out, "--x", "model.p"),
                          "model.p", "population.bots.fraction")
        self.assert_exit2(run_plot(self.two, "-o", out, "--heatmap", "--y", "graph.n"), "graph.n")
        self.assert_exit2(run_plot(self.one, "-o", out, "--heatmap"), "two swept keys")
        self.assert_exit2(run_plot(self.two, "-o", out, "--series", "volume"), "sweep.series")
        self.assert_exit2(run_plot(self.one, "-o", out, "--series", "nope"),
                          "nope", "volume", "reshares_bot")
        self.assert_exit2(run_plot(self.out("missing.h5"), "-o", out), "missing.h5")
        run = self.out("run.h5")
        with h5py.File(run, "w") as f:
            f.attrs["schema_version"] = np.int32(1)
            f.attrs["kind"] = "run"
        self.assert_exit2(run_plot(run, "-o", out), "run.h5", "not a tagcascade sweep")
        text = self.out("text.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        self.assert_exit2(run_plot(text, "-o", out), "text.h5")
        self.assertFalse(os.path.exists(out))

    def test_help(self):
        p = run_plot("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        for w in ("SWEEP.h5", "--metric", "--series", "--heatmap", "--x", "--y"):
            self.assertIn(w, p.stdout)

    # the real command

    def test_real_sweep(self):
        exe = os.path.join(ROOT, BIN)
        try:
            ok = subprocess.run([exe, "sweep", "--help"], capture_output=True,
                                timeout=30).returncode == 0
        except OSError:
            ok = False
        if not ok:
            print(f"\nnote: {BIN} sweep --help fails: real-sweep test skipped", file=sys.stderr)
            self.skipTest(f"{BIN} has no sweep command")
        scen = self.out("macronleaks.yaml")
        with open(os.path.join(ROOT, "scenarios", "macronleaks.yaml"), encoding="utf-8") as f:
            text = f.read()
        with open(scen, "w", encoding="utf-8") as f:
            f.write(text)
        h5 = self.out("real.h5")
        p = subprocess.run(
            [exe, "sweep", scen, "-o", h5, "--set", "graph.n=5000",
             "--set", "accounts.1.followers=1000", "--set", "accounts.0.followers=500",
             "--set", "accounts.2.followers=300",
             "--set", "sweep={grid: {population.bots.fraction: [0, 0.1]}, replicates: 2}"],
            capture_output=True, text=True, timeout=600, cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        sw = tcread.open_sweep(h5)
        self.assertEqual((sw.points, sw.replicates), (2, 2))
        self.assertEqual(sw.keys, ["population.bots.fraction"])
        np.testing.assert_array_equal(sw.params["population.bots.fraction"], [0, 0.1])
        self.assertTrue(sw.done.all())
        self.assertEqual(len(set(sw.run_key.ravel().tolist())), 4)
        share = sw.metric("bot_share_accounts")
        np.testing.assert_array_equal(share[0], [0, 0])
        np.testing.assert_allclose(share[1], [0.1, 0.1], atol=0.01)
        self.assertTrue((sw.metric("reach") >= 1).all())
        s = sw.series(1, 1)
        self.assertIsNotNone(s)
        self.assertEqual(sw.metric("volume")[1, 1],
                         sum(s[k].sum() for k in ("posts_human", "posts_bot",
                                                  "own_posts_human", "own_posts_bot",
                                                  "reshares_human", "reshares_bot")))
        out = self.out("real.png")
        self.assert_png(run_plot(h5, "-o", out), out)
        out = self.out("real_series.png")
        self.assert_png(run_plot(h5, "-o", out, "--series", "volume"), out)
        # without exposures: their metric and series are refused, by name
        h5 = self.out("noexp.h5")
        p = subprocess.run(
            [exe, "sweep", scen, "-o", h5, "--set", "graph.n=5000",
             "--set", "accounts.1.followers=1000", "--set", "accounts.0.followers=500",
             "--set", "accounts.2.followers=300", "--set", "output.exposures=false",
             "--set", "sweep={grid: {population.bots.fraction: [0.1]}, replicates: 1}"],
            capture_output=True, text=True, timeout=600, cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(np.isnan(tcread.open_sweep(h5).metric("exposed")).all())
        p = run_plot(h5, "-o", self.out("x.png"), "--metric", "exposed")
        self.assertEqual(p.returncode, 2)
        self.assertIn("not counted in this sweep (output.exposures: false)", p.stderr)
        p = run_plot(h5, "-o", self.out("x.png"), "--series", "new_exposed")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown series 'new_exposed'", p.stderr)
        self.assert_png(run_plot(h5, "-o", out, "--series", "volume"), out)


if __name__ == "__main__":
    unittest.main()
