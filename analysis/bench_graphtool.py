#!/usr/bin/python3
# The graph-tool side of `make bench` (tests/bench.sh, docs/performance.md):
#   ba     write a directed Barabasi-Albert follower graph as a graph store, so that
#          tagcascade and graph-tool run on the very same follows;
#   seeds  draw the seed accounts of the runs (the same for both tools), at random
#          among the accounts with the most followers;
#   run    load a store into graph-tool and time SIRState cascades from given seeds,
#          printing one line per run.
# Needs h5py and numpy; `run` needs graph-tool (python3-graph-tool).
import argparse
import sys
import time

import h5py
import numpy as np


# ---------------------------------------------------------------- ba
def ba_follows(n, m, rng):
    """Who follows whom in a directed Barabasi-Albert graph, as arrays (follower,
    followee). Account t >= 1 follows min(t, m) distinct earlier accounts, each
    chosen with weight degree + 1 (degree: follows made and received before t),
    as tagcascade's `generator: ba` (igraph, power 1) does.

    Drawn without a loop over accounts (Batagelj and Brandes 2005): every follow
    contributes two "slots" (its follower and its followee) and every account one
    more, so a uniform slot among those laid down before t is a weighted choice of
    an account. A slot that is the followee of an earlier follow points to that
    follow; these chains are resolved by pointer jumping. A follow that repeats
    one of its follower's other choices is drawn again, until none does."""
    if n < 2:
        raise ValueError("n must be at least 2")
    k = min(m, n - 1)
    # the first k+1 accounts: each follows every earlier one (no choice to make)
    head_src = np.concatenate([np.full(t, t, np.int64) for t in range(1, k + 1)]) \
        if k > 0 else np.zeros(0, np.int64)
    head_dst = np.concatenate([np.arange(t, dtype=np.int64) for t in range(1, k + 1)]) \
        if k > 0 else np.zeros(0, np.int64)
    e0 = head_src.size
    tail = np.arange(k + 1, n, dtype=np.int64)
    src = np.concatenate([head_src, np.repeat(tail, m)])
    e_tot = src.size
    # before account t (t > k) there were e0 + (t-k-1)*m follows and t accounts
    e_before = e0 + (src[e0:] - k - 1) * m
    span = 2 * e_before + src[e0:]
    # first draw: every chain resolved at once
    u = (rng.random(e_tot - e0) * span).astype(np.int64)
    u = np.minimum(u, span - 1)
    ref = np.full(e_tot, -1, np.int64)       # follow whose followee this one copies
    fixed = np.concatenate([head_dst, u - 2 * e_before])   # an account's own slot
    in_follow = u < 2 * e_before
    even = np.flatnonzero(in_follow & (u % 2 == 0))        # follower of follow u // 2
    odd = np.flatnonzero(in_follow & (u % 2 == 1))         # followee of follow u // 2
    fixed[e0 + even] = src[u[even] // 2]
    ref[e0 + odd] = u[odd] // 2
    dst = _resolve(fixed, ref)
    # Repeats within one follower's m choices: drawn again, all but the first,
    # against the follows as they now stand (a later follow that copied a redrawn
    # one keeps what it copied: a negligible departure from the chain rule).
    rows = np.arange(n - k - 1)
    for _ in range(100):
        block = dst[e0:].reshape(-1, m)[rows]
        srt = np.sort(block, axis=1)
        bad = rows[(srt[:, 1:] == srt[:, :-1]).any(axis=1)]
        if bad.size == 0:
            break
        block = dst[e0:].reshape(-1, m)[bad]
        order = np.argsort(block, axis=1, kind="stable")
        sb = np.take_along_axis(block, order, axis=1)
        rep = np.zeros_like(block, dtype=bool)
        np.put_along_axis(rep, order[:, 1:], sb[:, 1:] == sb[:, :-1], axis=1)
        r_, c_ = np.nonzero(rep)
        e = e0 + bad[r_] * m + c_
        sp = span[e - e0]
        u = np.minimum((rng.random(e.size) * sp).astype(np.int64), sp - 1)
        eb = 2 * e_before[e - e0]
        new = u - eb
        f = u < eb
        new[f] = np.where(u[f] % 2 == 0, src[u[f] // 2], dst[u[f] // 2])
        dst[e] = new
        rows = bad
    else:
        raise RuntimeError("ba: repeated follows did not go away")
    return src, dst


def _resolve(fixed, ref):
    """dst[e] = fixed[e] where ref[e] < 0, else dst[ref[e]], by pointer jumping
    (references always point to earlier follows, so the chains end)."""
    dst = fixed.copy()
    r = ref.copy()
    open_ = np.flatnonzero(r >= 0)
    while open_.size:
        nxt = r[open_]
        nxt2 = r[nxt]          # read before this round writes
        done = nxt2 < 0
        dst[open_[done]] = dst[nxt[done]]
        r[open_[done]] = -1
        r[open_[~done]] = nxt2[~done]
        open_ = open_[~done]
    return dst


def write_store(path, n, author, follower, source):
    """Write the audiences (author -> follower) as a graph store in the layout of
    docs/graphstore.md ("Writing a store with another program"): each audience
    sorted, without repeats or self-follows."""
    key = np.unique(author.astype(np.int64) * n + follower)
    a, f = key // n, key % n
    keep = a != f
    a, f = a[keep], f[keep]
    off = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=off[1:])
    with h5py.File(path, "w") as h:
        h.attrs["kind"] = "graph"
        h.attrs["schema_version"] = np.int32(1)
        g = h.create_group("graph")
        g.attrs["format_version"] = np.int32(1)
        g.attrs["n"] = np.int64(n)
        g.attrs["m"] = np.int64(f.size)
        g.attrs["source"] = source
        g.attrs["source_format"] = "ba"
        g.create_dataset("off", data=off, chunks=True)
        g.create_dataset("dst", data=f.astype(np.int32), chunks=True)
    return f.size


def cmd_ba(a):
    rng = np.random.default_rng(a.seed)
    follower, followee = ba_follows(a.n, a.m, rng)
    # a post by the followee reaches the follower: audience(followee) holds follower
    author, reader = followee, follower
    if a.reciprocity > 0:
        back = rng.random(follower.size) < a.reciprocity
        author = np.concatenate([author, follower[back]])
        reader = np.concatenate([reader, followee[back]])
    src = "bench_graphtool.py ba --n %d --m %d --reciprocity %g --seed %d" % (
        a.n, a.m, a.reciprocity, a.seed)
    m = write_store(a.output, a.n, author, reader, src)
    print("%s: %d accounts, %d follows" % (a.output, a.n, m))


# ---------------------------------------------------------------- seeds
def cmd_seeds(a):
    """COUNT accounts drawn uniformly, with replacement, from the share TOP of the
    store's accounts with the most followers (ties: smaller id first); TOP = 1
    draws from all accounts."""
    with h5py.File(a.store, "r") as h:
        off = h["graph/off"][()]
    n = off.size - 1
    k = max(1, int(round(a.top * n)))
    # stable sort on -followers: the most followed first, equal counts by id
    order = np.argsort(-np.diff(off), kind="stable")[:k]
    rng = np.random.default_rng(a.seed)
    print(" ".join(str(int(order[i])) for i in rng.integers(0, k, size=a.count)))


# ---------------------------------------------------------------- run
def load_graph(gt, store):
    """The store's audiences as a graph-tool graph: one edge author -> follower per
    audience entry. graph-tool's SIRState infects a vertex from its in-neighbours
    (the edge's source infects its target; checked on 0 -> 1 -> 2 in
    tests/cli/test_bench.sh), so infection flows author -> follower, as a post
    does in tagcascade."""
    with h5py.File(store, "r") as h:
        off = h["graph/off"][()]
        dst = h["graph/dst"][()]
    n = off.size - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(off))
    g = gt.Graph(directed=True)
    g.add_vertex(n)
    g.add_edge_list(np.column_stack([src, dst.astype(np.int64)]))
    return g


def cascade(gt, g, beta, gamma, v0, max_steps):
    """One SIRState run from v0 until no vertex is infectious (or max_steps).
    Returns (seconds, steps, final state array)."""
    t0 = time.perf_counter()
    st = gt.SIRState(g, beta=beta, gamma=gamma, v0=v0)
    steps = 0
    while steps < max_steps:
        changed = st.iterate_sync(niter=1)
        steps += 1
        # with r = 0 nothing changes once no vertex is infectious; a step with no
        # change can also happen while some are (gamma < 1): then look
        if changed == 0 and not (st.get_state().a == 1).any():
            break
    secs = time.perf_counter() - t0
    return secs, steps, st.get_state().a.copy()


def cmd_run(a):
    import warnings
    warnings.filterwarnings("ignore")  # graph-tool warns when cairo is missing
    import graph_tool.all as gt
    t0 = time.perf_counter()
    g = load_graph(gt, a.store)
    print("graph %d %d %.3f" % (g.num_vertices(), g.num_edges(), time.perf_counter() - t0))
    outdeg = g.get_out_degrees(g.get_vertices()).astype(np.int64)
    seeds = [int(s) for s in a.seeds.split(",")]
    for spec in a.work:
        name, beta, gamma = spec.split(":")
        for th in a.threads:
            gt.openmp_set_num_threads(th)
            for i, v in enumerate(seeds):
                gt.seed_rng(a.seed + i)
                secs, steps, s = cascade(gt, g, float(beta), float(gamma), v, a.max_steps)
                hit = s != 0
                # edges examined: each vertex ever infected reaches its followers
                # (out-edges); graph-tool walks them when it becomes infectious
                print("run %s %d %d %.6f %d %d %d" % (name, th, v, secs,
                                                     int(outdeg[hit].sum()),
                                                     int(hit.sum()), steps))
                sys.stdout.flush()


def main(argv=None):
    p = argparse.ArgumentParser(
        description="The graph-tool side of `make bench` (docs/performance.md): write a "
        "directed Barabasi-Albert graph store, draw seed accounts, time graph-tool's "
        "SIRState on a store.")
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("ba", help="write a directed Barabasi-Albert graph store")
    b.add_argument("--n", type=int, required=True, help="accounts")
    b.add_argument("--m", type=int, default=5, help="follows per new account (default 5)")
    b.add_argument("--reciprocity", type=float, default=0.0,
                   help="probability that a follow is returned (default 0)")
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("-o", "--output", required=True)
    s = sub.add_parser("seeds", help="print COUNT seed accounts of a store, drawn among "
                       "the share TOP with the most followers")
    s.add_argument("store")
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--top", type=float, default=1.0,
                   help="share of the accounts, the most followed, to draw from (default 1: all)")
    s.add_argument("--seed", type=int, default=1)
    r = sub.add_parser("run", help="time graph-tool SIRState cascades on a store")
    r.add_argument("store")
    r.add_argument("--work", action="append", required=True,
                   help="NAME:BETA:GAMMA; IC is gamma = 1 (one chance per edge)")
    r.add_argument("--seeds", required=True, help="comma-separated seed vertices")
    r.add_argument("--threads", type=lambda x: [int(t) for t in x.split(",")],
                   default=[1], help="comma-separated OpenMP thread counts")
    r.add_argument("--max-steps", type=int, default=100000)
    r.add_argument("--seed", type=int, default=1, help="graph-tool's RNG seed of run 0")
    a = p.parse_args(argv)
    {"ba": cmd_ba, "seeds": cmd_seeds, "run": cmd_run}[a.cmd](a)


if __name__ == "__main__":
    main()
