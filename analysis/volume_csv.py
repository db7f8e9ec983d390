#!/usr/bin/python3
# Write a run's hashtag volume (timeline posts + own posts + reshares) per bin
# as CSV in the shape `tagcascade import --format volume` and fit sections
# read: start,count,human,bot. For fits to data the simulator made itself
# (recovery checks) and for comparing a run with an observed curve elsewhere.
import argparse
import datetime as dt
import re
import sys

import h5py
import numpy as np

PARTS = ("posts", "own_posts", "reshares")


class RunFileError(Exception):
    pass


def duration_s(text):
    m = re.fullmatch(r"(\d+)(s|m|h|d)", text.strip())
    if not m:
        raise RunFileError(f"--bin: expected a duration such as 30m, 1h or 1d, got {text!r}")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def volume(path, bin_s):
    """(start datetime, bin width, human[B], bot[B]) of the run at `path`."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise RunFileError(f"{path}: cannot open as HDF5 ({e})") from None
    with f:
        if f.attrs.get("kind") not in ("run", b"run"):
            raise RunFileError(f"{path}: not a run file")
        s = f["series"]
        start = s["t"].attrs.get("start") or f["meta"].attrs["start"]
        if isinstance(start, bytes):
            start = start.decode()
        interval = float(f["meta"].attrs["interval_s"])
        per = bin_s / interval
        if per < 1 or abs(per - round(per)) > 1e-9:
            raise RunFileError(f"--bin {bin_s} s is not a whole number of the run's "
                               f"{interval:g} s intervals")
        per = int(round(per))
        cls = {}
        for c in ("human", "bot"):
            v = sum(s[f"{p}_{c}"][()].astype(np.int64) for p in PARTS if f"{p}_{c}" in s)
            B = len(v) // per
            cls[c] = v[:B * per].reshape(B, per).sum(axis=1)
    return dt.datetime.fromisoformat(start), bin_s, cls["human"], cls["bot"]


def main(argv=None):
    ap = argparse.ArgumentParser(description="A run's volume per bin as CSV (start,count,human,bot).")
    ap.add_argument("run", help="RUN.h5 written by tagcascade run")
    ap.add_argument("--bin", default="1h", help="bin width (default 1h)")
    ap.add_argument("-o", "--output", help="the CSV (default: standard output)")
    a = ap.parse_args(argv)
    try:
        start, bin_s, human, bot = volume(a.run, duration_s(a.bin))
    except (RunFileError, KeyError) as e:
        print(f"volume_csv.py: {e}", file=sys.stderr)
        return 2
    out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
    out.write("start,count,human,bot\n")
    for b in range(len(human)):
        t = (start + dt.timedelta(seconds=b * bin_s)).isoformat()
        out.write(f"{t},{human[b] + bot[b]},{human[b]},{bot[b]}\n")
    if a.output:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
