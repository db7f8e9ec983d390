# A run's hashtag volume (timeline posts + own posts + reshares) per bin, by
# class, in the shape `tagcascade import --format volume` and fit sections read
# (start,count,human,bot): for fits to data the simulator made itself and for
# comparing a run with an observed curve elsewhere.
import datetime as dt
import re

import h5py
import numpy as np

from . import TagcascadeError

PARTS = ("posts", "own_posts", "reshares")


def duration_s(text, option="--bin"):
    """'30m', '1h', '1d', '90s' -> whole seconds; TagcascadeError naming `option`
    otherwise."""
    m = re.fullmatch(r"(\d+)(s|m|h|d)", text.strip())
    if not m:
        raise TagcascadeError(f"{option}: expected a duration such as 30m, 1h or 1d, got {text!r}")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def volume(path, bin_s):
    """(start datetime, bin width in s, human[B], bot[B]) of the run at `path`:
    B whole bins of bin_s seconds (a part bin at the end is left out).
    TagcascadeError naming the file when it is not a run, or bin_s is not a
    whole number of its output intervals."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise TagcascadeError(f"{path}: cannot open as HDF5 ({e})") from None
    with f:
        try:
            if f.attrs.get("kind") not in ("run", b"run"):
                raise TagcascadeError(f"{path}: not a run file")
            s = f["series"]
            start = s["t"].attrs.get("start") or f["meta"].attrs["start"]
            if isinstance(start, bytes):
                start = start.decode()
            interval = float(f["meta"].attrs["interval_s"])
            per = bin_s / interval
            if per < 1 or abs(per - round(per)) > 1e-9:
                raise TagcascadeError(f"--bin {bin_s} s is not a whole number of the run's "
                                      f"{interval:g} s intervals")
            per = int(round(per))
            cls = {}
            for c in ("human", "bot"):
                v = sum(s[f"{p}_{c}"][()].astype(np.int64) for p in PARTS if f"{p}_{c}" in s)
                B = len(v) // per
                cls[c] = v[:B * per].reshape(B, per).sum(axis=1)
        except KeyError as e:
            raise TagcascadeError(f"{path}: malformed tagcascade run (missing {e})") from None
    return dt.datetime.fromisoformat(start), bin_s, cls["human"], cls["bot"]


def write_csv(out, start, bin_s, human, bot):
    """The bins as CSV lines on the open text file `out`: a header, then
    start (ISO 8601 with the offset),count,human,bot per bin."""
    out.write("start,count,human,bot\n")
    for b in range(len(human)):
        t = (start + dt.timedelta(seconds=b * bin_s)).isoformat()
        out.write(f"{t},{human[b] + bot[b]},{human[b]},{bot[b]}\n")
