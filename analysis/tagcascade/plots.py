# What the figures of the analysis scripts share: adding up output intervals
# into plotted bins, choosing how many, and naming the rate they show.
import numpy as np


def rate_unit(interval_s):
    """'per minute', 'per 10 min' or 'per 90 s': the rate of a bin of interval_s seconds."""
    if interval_s == 60:
        return "per minute"
    if interval_s % 60 == 0:
        return f"per {interval_s / 60:g} min"
    return f"per {interval_s:g} s"


def auto_bin(n_intervals, interval_s, most=300):
    """Output intervals per plotted bar: the smallest of 1, 2, 5, 10, 15, 30, 60,
    120, 240 (beyond: as many as needed) that keeps the bars at or under `most`,
    so bursts do not hide the night."""
    for k in (1, 2, 5, 10, 15, 30, 60, 120, 240):
        if n_intervals / k <= most:
            return k
    return int(np.ceil(n_intervals / most))


def rebin(v, k):
    """v added up k at a time; the last bin holds what is left (zeros padded)."""
    pad = (-len(v)) % k
    return np.append(v, np.zeros(pad, v.dtype)).reshape(-1, k).sum(axis=1)
