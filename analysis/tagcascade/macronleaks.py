# The #MacronLeaks replay measured as the published figures of the night count
# it: what macronleaks_table.py prints and macronleaks_search.py scores. A run
# of scenarios/macronleaks.yaml (output.cascade: true) -> measure(); real
# cascades imported with `tagcascade import` -> observed(); the cascades'
# shape -> shape(). Problems raise TagcascadeError naming the file.
import h5py
import numpy as np

from . import TagcascadeError, _checked
from . import _tcread as tcread

# figure, published value, source; the replay's value comes from measure()
FIGURES = [
    ("posobiec_1min", "retweets of Posobiec's first tweet within 1 min", 15,
     "published analyses of the night"),
    ("posobiec_5min", "retweets of Posobiec's first tweet within 5 min", 87,
     "published analyses of the night"),
    ("posobiec_total", "retweets of Posobiec's first tweet (20:49)", 810,
     "ZATAZ (article 004 of docs/macronleaks.md)"),
    ("wikileaks_2231", "retweets of WikiLeaks' 22:31 tweet", 4860,
     "ZATAZ (article 004 of docs/macronleaks.md)"),
    ("volume_3h30", "tweets with the hashtag within 3.5 h of Posobiec's tweet", 47000,
     "published analyses of the night"),
    ("bots_took_part", "bot accounts that took part", 18000, "Ferrara 2017"),
    ("took_part", "accounts that took part", 99000, "Ferrara 2017"),
    ("bots_of_took_part", "bots' share of the accounts that took part (%)", 18,
     "Ferrara 2017 (15 to 18)"),
    ("bot_share", "share of messages from bots (%)", 40,
     "#macrongate, article 004 of docs/macronleaks.md"),
    ("delay_median_min", "median retweet delay (min), people", 70,
     "rumour cascades, as commonly cited (--observed computes it from real trees)"),
    ("delay_1h", "retweets within 1 h of what they retweet (%), people", 48,
     "rumour cascades, as commonly cited (--observed computes it from real trees)"),
]


def measure(path):
    """The replay's value of every figure of FIGURES (keys as there), the shares
    of the volume by period and day, and, under keys starting with '_', the
    hourly volume, the roots table and the events that shape() and delays() read."""
    run = _checked(tcread.open_run, path)
    with h5py.File(path, "r") as f:
        if "cascade" not in f:
            raise TagcascadeError(f"{path}: no /cascade/events (run the scenario with "
                                  "output.cascade: true)")
        if "class" not in f["cascade/events"]:
            raise TagcascadeError(f"{path}: /cascade/events has no class column "
                                  "(written since schema 1.1)")
        try:
            names = [tcread._text(x) for x in f["meta/accounts/name"][()]]
            ids = list(f["meta/accounts/id"][()])
            roots = {k: f["summary/roots"][k][()] for k in ROOT_COLS}
            ev = {k: f["cascade/events"][k][()]
                  for k in ("t", "account", "parent", "root", "class", "depth")}
            interval = float(f["series"].attrs["interval_s"])
        except KeyError as e:
            raise TagcascadeError(f"{path}: malformed tagcascade run (missing {e})") from None
    try:
        pos, wl = ids[names.index("posobiec")], ids[names.index("wikileaks")]
    except ValueError:
        raise TagcascadeError(f"{path}: not a run of the #MacronLeaks scenario "
                              "(no posobiec or wikileaks)") from None
    pr = [i for i in range(len(roots["author"])) if roots["author"][i] == pos]
    wr = [i for i in range(len(roots["author"])) if roots["author"][i] == wl]
    if not pr or len(wr) < 2:
        raise TagcascadeError(f"{path}: the timeline lacks Posobiec's or WikiLeaks' posts")
    p0 = pr[0]
    w2 = ([i for i in wr if abs(roots["t"][i] - 9060.0) < 1] or [wr[-1]])[0]
    tp = roots["t"][p0]
    dt = ev["t"][ev["root"] == p0] - tp
    s = run.series
    tt = np.arange(len(s["posts_human"])) * interval
    vol = run.volume_human + run.volume_bot
    bot_vol = run.volume_bot
    win = (tt >= tp) & (tt < tp + 3.5 * 3600)
    d = delays(roots, ev)
    hours = np.floor(tt / 3600.0).astype(int)
    hourly = np.bincount(hours, weights=vol, minlength=int(hours.max()) + 1)
    hourly_bot = np.bincount(hours, weights=bot_vol, minlength=int(hours.max()) + 1)
    total = max(float(vol.sum()), 1.0)
    return {
        "_hourly": hourly, "_hourly_bot": hourly_bot, "_roots": roots, "_ev": ev,
        "vol_before": 100.0 * float(vol[tt < tp].sum()) / total,
        "vol_13h": 100.0 * float(vol[(tt >= tp) & (tt < tp + 13 * 3600)].sum()) / total,
        "vol_after_13h": 100.0 * float(vol[tt >= tp + 13 * 3600].sum()) / total,
        "vol_day": [100.0 * float(vol[(tt >= lo) & (tt < hi)].sum()) / total
                    for lo, hi in ((0, 8 * 3600), (8 * 3600, 32 * 3600), (32 * 3600, np.inf))],
        "volume": int(vol.sum()),
        "posobiec_1min": int((dt <= 60).sum()),
        "posobiec_5min": int((dt <= 300).sum()),
        "posobiec_total": int(roots["size"][p0]),
        "wikileaks_2231": int(roots["size"][w2]),
        "volume_3h30": int(vol[win].sum()),
        "bots_took_part": int(run.summary["reach_bot"]),
        "took_part": int(run.summary["reach"]),
        "bots_of_took_part": 100.0 * float(run.summary["reach_bot"]) /
        max(float(run.summary["reach"]), 1.0),
        "bot_share": 100.0 * float(bot_vol.sum()) / max(float(vol.sum()), 1.0),
        "delay_median_min": float(np.nanmedian(d)) / 60.0,
        "delay_1h": 100.0 * float(np.mean(d <= 3600)),
    }


ROOT_COLS = ("author", "t", "size", "depth", "structural_virality", "t_10", "t_100")


def shape(roots, ev, min_size):
    """The cascades of at least min_size reshares: the medians of depth,
    structural virality, size and time to 10 and 100 reshares (NaN where never
    reached counts as never: the median is over those that were), and the share
    of their reshares made straight from the original post."""
    size = np.asarray(roots["size"])
    keep = size >= min_size
    rows = np.flatnonzero(keep)
    out = {"n": int(keep.sum())}
    for k in ("size", "depth", "structural_virality", "t_10", "t_100"):
        v = np.asarray(roots[k], float)[keep]
        v = v[np.isfinite(v)]
        out[k] = float(np.median(v)) if len(v) else float("nan")
    out["mean_size"] = float(size[keep].mean()) if keep.any() else float("nan")
    sel = np.isin(ev["root"], rows)
    d = np.asarray(ev["depth"])[sel]
    out["depth1"] = 100.0 * float(np.mean(d == 1)) if len(d) else float("nan")
    return out


def delays(roots, ev):
    """Seconds from the post each person reshared (its parent's post or reshare,
    in the same cascade) to the reshare."""
    when = {}
    for r in range(len(roots["author"])):
        when[(r, int(roots["author"][r]))] = float(roots["t"][r])
    for r, a, ti in zip(ev["root"], ev["account"], ev["t"]):
        when.setdefault((int(r), int(a)), float(ti))
    people = ev["class"] != 1 if "class" in ev else np.ones(len(ev["t"]), bool)
    out = [ti - when[(int(r), int(p))] for r, p, ti in
           zip(ev["root"][people], ev["parent"][people], ev["t"][people])
           if (int(r), int(p)) in when]
    return np.array(out or [np.nan])


def observed(path):
    """The roots table and the events of an imported file of real cascades
    (tagcascade import)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise TagcascadeError(f"{path}: cannot open as HDF5 ({e})") from None
    with f:
        if f.attrs.get("kind") not in ("observed", b"observed") or "cascade" not in f:
            raise TagcascadeError(f"{path}: not a file written by 'tagcascade import'")
        try:
            roots = {k: f["summary/roots"][k][()] for k in ROOT_COLS}
            ev = {k: f["cascade/events"][k][()]
                  for k in ("t", "account", "parent", "root", "depth")}
        except KeyError as e:
            raise TagcascadeError(f"{path}: malformed observed file (missing {e})") from None
    return roots, ev


def fmt(x):
    """A figure as the tables print it: thousands separated from 100 on, else
    whole or to one decimal."""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}" if x != int(x) else f"{int(x)}"
