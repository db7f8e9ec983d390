#!/usr/bin/python3
# Write a run's hashtag volume (timeline posts + own posts + reshares) per bin
# as CSV in the shape `tagcascade import --format volume` and fit sections
# read: start,count,human,bot. For fits to data the simulator made itself
# (recovery checks) and for comparing a run with an observed curve elsewhere.
# The reading and the CSV: tagcascade.volume.
import argparse
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # in the source tree the package analysis/tagcascade is beside us
try:
    import tagcascade  # noqa: E402,F401
except ImportError:  # installed where python3 does not look (a DESTDIR, a private PREFIX):
    # the scripts are in PREFIX/share/tagcascade/analysis, the package in PREFIX/lib/python3*
    sys.path += glob.glob(os.path.join(HERE, "..", "..", "..", "lib", "python3*", "dist-packages"))
from tagcascade import TagcascadeError  # noqa: E402
from tagcascade.volume import duration_s, volume, write_csv  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="A run's volume per bin as CSV (start,count,human,bot).")
    ap.add_argument("run", help="RUN.h5 written by tagcascade run")
    ap.add_argument("--bin", default="1h", help="bin width (default 1h)")
    ap.add_argument("-o", "--output", help="the CSV (default: standard output)")
    a = ap.parse_args(argv)
    try:
        start, bin_s, human, bot = volume(a.run, duration_s(a.bin))
    except TagcascadeError as e:
        print(f"volume_csv.py: {e}", file=sys.stderr)
        return 2
    if a.output:
        with open(a.output, "w", encoding="utf-8") as out:
            write_csv(out, start, bin_s, human, bot)
    else:
        write_csv(sys.stdout, start, bin_s, human, bot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
