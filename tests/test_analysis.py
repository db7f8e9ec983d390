#!/usr/bin/python3
# Tests for analysis/tcread.py and analysis/plot_series.py on a synthetic run file
# written per docs/hdf5.md, and the figure of real runs (a step rule, the classroom replay). Run: /usr/bin/python3 tests/test_analysis.py
import os
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timedelta, timezone

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANALYSIS = os.path.join(ROOT, "analysis")
PLOT = os.path.join(ANALYSIS, "plot_series.py")
PYTHON = "/usr/bin/python3"
sys.path.insert(0, ANALYSIS)
import tcread  # noqa: E402

T, C, INTERVAL = 30, 3, 60.0
START = "2017-05-05T20:00:00+02:00"
OFFSET = 7200
COMMUNITIES = ["fr-politics", "bots", "us-news"]
EVENTS = [(120.0, "post", "alice", "first post"), (900.0, "post", "bob", "")]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def series_data():
    rng = np.random.default_rng(7)
    d = {"t": np.arange(T) * INTERVAL}
    for name in ("posts", "reshares", "new_adopters", "new_exposed"):
        for cls in ("human", "bot"):
            low = 50 if name == "new_exposed" else 0  # more accounts see it than use it
            d[f"{name}_{cls}"] = rng.integers(low, low + 50, T).astype(np.int64)
        by = rng.integers(0, 10, (T, C)).astype(np.int64)
        by[:, 0] = d[f"{name}_human"] + d[f"{name}_bot"] - by[:, 1:].sum(axis=1)
        d[f"{name}_by_community"] = by
    return d


def write_run(path, schema_version=1):
    s = series_data()
    sdt = h5py.string_dtype()
    with h5py.File(path, "w") as f:
        f.attrs["schema_version"] = np.int32(schema_version)
        f.attrs["kind"] = np.bytes_("run")  # fixed-length string, as a C writer may do
        f.attrs["producer"] = "tagcascade 0.1.0"

        m = f.create_group("meta")
        m.attrs.update({
            "name": "synthetic", "seed": np.uint64(42), "version": "0.1.0",
            "threads": np.int32(4), "ranks": np.int32(1), "wall_time_s": 1.25,
            "created_utc": "2024-01-01T00:00:00Z", "command": "tagcascade run x.yaml",
            "start": START, "utc_offset_s": np.int32(OFFSET), "dt_s": 1.0,
            "interval_s": INTERVAL, "duration_s": T * INTERVAL, "model": "threshold",
            "graph_n": np.int64(1000), "graph_m": np.int64(5000),
            "graph_hash": "0123456789abcdef",
            "graph_self_loops_dropped": np.int64(0), "graph_duplicates_dropped": np.int64(3),
        })
        m.create_dataset("scenario", data="name: synthetic\n", dtype=sdt)
        m.create_dataset("resolved", data="name: synthetic\nseed: 42\n", dtype=sdt)
        m.create_dataset("communities", data=COMMUNITIES, dtype=sdt)
        a = m.create_group("accounts")
        a.create_dataset("name", data=["alice", "bob"], dtype=sdt)
        a.create_dataset("id", data=np.array([3, 9], np.int32))
        a.create_dataset("community", data=np.array([0, 2], np.int32))
        a.create_dataset("followers", data=np.array([400, 250], np.int64))
        e = m.create_group("events")
        e.create_dataset("t", data=np.array([ev[0] for ev in EVENTS]))
        for i, k in enumerate(("kind", "account", "label"), start=1):
            e.create_dataset(k, data=[ev[i] for ev in EVENTS], dtype=sdt)

        g = f.create_group("series")
        g.attrs.update({"start": START, "utc_offset_s": np.int32(OFFSET),
                        "interval_s": INTERVAL, "n_intervals": np.int64(T)})
        for k, v in s.items():
            ds = g.create_dataset(k, data=v, chunks=True, shuffle=True, compression="gzip")
            if k.endswith("_by_community"):
                ds.attrs["columns"] = COMMUNITIES

        vol = s["posts_human"] + s["posts_bot"] + s["reshares_human"] + s["reshares_bot"]
        r = f.create_group("summary")
        scalars = {
            "reach": int((s["new_adopters_human"] + s["new_adopters_bot"]).sum()),
            "reach_human": int(s["new_adopters_human"].sum()),
            "reach_bot": int(s["new_adopters_bot"].sum()),
            "exposed": int((s["new_exposed_human"] + s["new_exposed_bot"]).sum()),
            "exposed_human": int(s["new_exposed_human"].sum()),
            "exposed_bot": int(s["new_exposed_bot"].sum()),
            "posts": int((s["posts_human"] + s["posts_bot"]).sum()),
            "reshares": int((s["reshares_human"] + s["reshares_bot"]).sum()),
            "reshares_human": int(s["reshares_human"].sum()),
            "reshares_bot": int(s["reshares_bot"].sum()),
            "volume": int(vol.sum()), "peak_volume": int(vol.max()),
            "max_depth": 4, "max_breadth": 17,
        }
        for k, v in scalars.items():
            r.create_dataset(k, data=np.int64(v))
        r.create_dataset("peak_t", data=float(s["t"][vol.argmax()]))
        bots = s["posts_bot"].sum() + s["reshares_bot"].sum()
        r.create_dataset("bot_share_volume", data=float(bots / vol.sum()))
        r.create_dataset("bot_share_accounts", data=0.1)
        roots = r.create_group("roots")
        roots.create_dataset("author", data=np.array([3, 9], np.int32))
        roots.create_dataset("t", data=np.array([120.0, 900.0]))
        roots.create_dataset("size", data=np.array([10, 5], np.int64))
        roots.create_dataset("depth", data=np.array([4, 2], np.int32))
        roots.create_dataset("max_breadth", data=np.array([17, 3], np.int64))
    return s


def run_plot(*args):
    return subprocess.run([PYTHON, PLOT, *args], capture_output=True, text=True, timeout=120)


class AnalysisTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "run.h5")
        self.data = write_run(self.path)

    def tearDown(self):
        self.tmp.cleanup()

    def test_read_values(self):
        run = tcread.open_run(self.path)
        self.assertEqual(run.meta["name"], "synthetic")
        self.assertEqual(run.meta["seed"], 42)
        self.assertEqual(run.meta["interval_s"], INTERVAL)
        self.assertIsInstance(run.meta["start"], str)
        self.assertEqual(run.communities, COMMUNITIES)
        for k, v in self.data.items():
            np.testing.assert_array_equal(run.series[k], v, err_msg=k)
        self.assertEqual(run.series["posts_by_community"].shape, (T, C))
        d = self.data
        np.testing.assert_array_equal(run.volume_human, d["posts_human"] + d["reshares_human"])
        np.testing.assert_array_equal(run.volume_bot, d["posts_bot"] + d["reshares_bot"])
        self.assertEqual(run.summary["reach"],
                         int((d["new_adopters_human"] + d["new_adopters_bot"]).sum()))
        self.assertEqual(run.summary["max_depth"], 4)
        self.assertNotIn("roots", run.summary)

    def test_times_in_file_offset(self):
        run = tcread.open_run(self.path)
        self.assertEqual(run.tz.utcoffset(None), timedelta(seconds=OFFSET))
        self.assertEqual(len(run.times), T)
        first, last = run.times[0], run.times[-1]
        self.assertIsNotNone(first.tzinfo)
        self.assertEqual(first.utcoffset(), timedelta(hours=2))
        self.assertEqual((first.hour, first.minute), (20, 0))  # local clock, not UTC
        self.assertEqual(first, datetime(2017, 5, 5, 18, 0, tzinfo=timezone.utc))
        self.assertEqual(last - first, timedelta(seconds=(T - 1) * INTERVAL))
        self.assertEqual(tcread.tz_label(run.tz), "UTC+02:00")

    def test_events(self):
        run = tcread.open_run(self.path)
        want = [{"t": t, "kind": k, "account": a, "label": lab} for t, k, a, lab in EVENTS]
        self.assertEqual(run.events, want)

    def test_plot_png(self):
        out = os.path.join(self.tmp.name, "fig.png")
        p = run_plot(self.path, "-o", out, "--title", "test figure")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(out, p.stdout)
        with open(out, "rb") as f:
            self.assertEqual(f.read(8), PNG_SIGNATURE)

    def test_newer_schema_version_rejected(self):
        # a layout newer than the reader's
        newer = tcread.SCHEMA_VERSION + 1
        bad = os.path.join(self.tmp.name, "newer.h5")
        write_run(bad, schema_version=newer)
        with self.assertRaises(SystemExit) as cm:
            tcread.open_run(bad)
        self.assertIn(bad, str(cm.exception.code))
        self.assertIn(f"schema_version {newer}", str(cm.exception.code))
        out = os.path.join(self.tmp.name, "newer.png")
        p = run_plot(bad, "-o", out)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"schema_version {newer}", p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_missing_file(self):
        missing = os.path.join(self.tmp.name, "nope.h5")
        p = run_plot(missing, "-o", os.path.join(self.tmp.name, "x.png"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("nope.h5", p.stderr)

    def test_help(self):
        p = run_plot("--help")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("FILE.h5", p.stdout)


class RealRunFigures(unittest.TestCase):
    """plot_series.draw on real runs: a step rule's compartments in the lower
    panel and no bot layer without bots; the classroom replay's trending
    intervals shaded and its interventions named."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        build = os.environ.get("BUILD", os.path.join(ROOT, "build"))
        cls.bin = os.path.join(build if os.path.isabs(build) else os.path.join(ROOT, build),
                               "tagcascade")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_file(self, scenario, *sets):
        out = os.path.join(self.tmp.name, os.path.basename(scenario) + ".h5")
        p = subprocess.run([self.bin, "run", os.path.join(ROOT, "scenarios", scenario), "-q",
                            "-o", out, *[x for kv in sets for x in ("--set", kv)]],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return tcread.open_run(out)

    def test_step_rule_compartments(self):
        import plot_series
        run = self.run_file("sir_demo.yaml", "graph.n=3000")
        self.assertEqual(run.states, ["S", "I", "R"])
        fig = plot_series.draw(run, "sir")
        top, bot = fig.axes[:2]
        self.assertEqual(bot.get_legend_handles_labels()[1], ["S", "I", "R"])
        self.assertEqual(top.get_legend_handles_labels()[1], ["human"])
        # the states' lines are the file's columns
        ys = bot.get_lines()
        c = run.series["compartments"]
        drawn = [line for line in ys if line.get_label() == "I"][0].get_ydata()
        np.testing.assert_array_equal(drawn[:-1], c[:, 1])

    def test_without_exposures(self):
        """output.exposures: false: the lower panel shows reach alone, and the
        frame has no new_exposed columns."""
        import plot_series
        run = self.run_file("macronleaks.yaml", "graph.n=3000", "accounts.1.followers=600",
                            "accounts.0.followers=300", "accounts.2.followers=200",
                            "output.exposures=false")
        self.assertNotIn("new_exposed_human", run.series)
        fig = plot_series.draw(run, "macronleaks")
        self.assertEqual(fig.axes[1].get_legend_handles_labels()[1], ["reach (used it)"])

    def test_trending_and_interventions(self):
        import plot_series
        run = self.run_file("classroom.yaml")
        self.assertTrue(run.series["trending"].any())
        fig = plot_series.draw(run, "classroom")
        top = fig.axes[0]
        labels = top.get_legend_handles_labels()[1]
        self.assertEqual(labels, ["human", "bot", "trending"])
        texts = {t.get_text().strip() for t in top.texts}
        for name in ("silence", "damping", "debunk", "bot wave", "posobiec", "wikileaks"):
            self.assertIn(name, texts)
        # labels of nearby marks sit at different heights
        by_x = sorted((t.get_position()[0], t.get_position()[1]) for t in top.texts)
        self.assertGreater(len({y for _, y in by_x}), 1)


if __name__ == "__main__":
    unittest.main()
