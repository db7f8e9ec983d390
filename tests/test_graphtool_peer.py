#!/usr/bin/python3
"""The step rules sir and sis against graph-tool's SIRState and SISState.

On two directed graphs of 3,000 accounts (a Barabasi-Albert-like follower graph
with some follow-backs, and a uniform random one), the same edges are given to
both programs: an edge list `A B` read with `direction: flows` (A's posts reach
B), and the same edge A -> B in graph-tool, which infects along edge direction.
The seed is a named account whose only follower is account 0 (it is alone in a
one-account community); graph-tool gets the same extra vertex and edge, in
state 1 at the start. Both then play K synchronous steps (iterate_sync).

tagcascade runs as one sweep per graph (400 replicates of each point) and
graph-tool 400 times per case; the distributions are compared with scipy's
two-sample Kolmogorov-Smirnov test:
  - SIR: the final size (accounts ever infected, the seed included: /summary/reach);
  - SIS: accounts ever infected, and infections in all (S -> I transitions, every
    reinfection included: /summary/reshares).
Each must give p > 0.001. To show the test can tell a difference, the sweep also
runs each model with beta raised by half; against graph-tool at the original beta
that must give p < 0.001 on the final size / infections.
Runs in about 20 s on 2 cores. Exit 77 if graph-tool is not installed.
"""
import os
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")  # graph-tool's drawing module wants cairo

try:
    import graph_tool.all as gt
except ImportError:
    print("graph-tool not installed (apt install python3-graph-tool)")
    sys.exit(77)

import h5py
import numpy as np
from scipy.stats import ks_2samp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "build", "tagcascade"))
if not os.path.isabs(BIN):
    BIN = os.path.join(ROOT, BIN)
N = 3000
R = 400
LEVEL = 1e-3


def ba_graph(rng):
    """Each new account follows 4 earlier ones, 80 % by preferential attachment;
    30 % of follows are returned. Edges as (author, follower): posts flow there."""
    m, edges, pool = 4, set(), []
    for v in range(m, N):
        chosen = set()
        while len(chosen) < m:
            if pool and rng.random() < 0.8:
                chosen.add(pool[rng.integers(len(pool))])
            else:
                chosen.add(int(rng.integers(v)))
        for u in chosen:
            edges.add((u, v))
            pool.append(u)
            if rng.random() < 0.3:
                edges.add((v, u))
    return sorted(edges)


def random_graph(rng):
    """15,000 distinct directed edges, uniformly at random, no self-loops."""
    edges = set()
    while len(edges) < 15000:
        a, b = (int(x) for x in rng.integers(N, size=2))
        if a != b:
            edges.add((a, b))
    return sorted(edges)


CASES = {  # model: (beta, gamma, steps)
    "sir": (0.15, 0.3, 40),
    "sis": (0.12, 0.3, 30),
}


def scenario(path, edges_file, model, beta, gamma, steps, sweep):
    share = 1.0 / N
    text = f"""name: peer
seed: 11
time: {{start: 2017-05-05T20:00:00+02:00, duration: {steps}s, dt: 1s, output_interval: 1s}}
graph:
  file: {edges_file}
  format: edgelist
  direction: flows
  communities: [{{name: src, share: {share:.12f}}}, {{name: rest, share: {1 - share:.12f}}}]
accounts:
  - {{name: seed, community: src, followers: 1}}
model: {{name: {model}, beta: {beta}, gamma: {gamma}}}
events:
  - {{at: 0s, post: seed}}
output: {{cascade: true}}
"""
    if sweep:
        text += f"sweep: {{replicates: {R}, series: false, grid: {{model.beta: [{beta}, {1.5 * beta}]}}}}\n"
    with open(path, "w") as f:
        f.write(text)


def ours(tmp, edges_file, model):
    """Per point (beta, 1.5 beta): arrays of reach and reshares over R runs."""
    beta, gamma, steps = CASES[model]
    scen = os.path.join(tmp, f"{model}.yaml")
    scenario(scen, edges_file, model, beta, gamma, steps, True)
    out = os.path.join(tmp, f"{model}.h5")
    subprocess.run([BIN, "sweep", scen, "-o", out, "-q"], check=True)
    with h5py.File(out, "r") as f:
        metrics = [m.decode() if isinstance(m, bytes) else m for m in f["/sweep/metrics"][:]]
        s = f["/sweep/summary"][:]
        assert f["/sweep/done"][:].all()
    return [(s[p, :, metrics.index("reach")], s[p, :, metrics.index("reshares")]) for p in (0, 1)]


def theirs(edges, model, seed):
    """R runs of graph-tool: (ever infected, S -> I transitions) after K steps."""
    beta, gamma, steps = CASES[model]
    g = gt.Graph(directed=True)
    g.add_vertex(N + 1)
    g.add_edge_list(np.array(edges + [(N, 0)], dtype=np.int64))
    gt.seed_rng(seed)
    np.random.seed(seed)
    ever, trans = np.zeros(R), np.zeros(R)
    for r in range(R):
        s = g.new_vp("int32_t")
        s.a[N] = 1
        st = (gt.SIRState if model == "sir" else gt.SISState)(g, beta=beta, gamma=gamma, s=s)
        prev = st.get_state().a.copy()
        seen = prev == 1
        n_in = 0
        for _ in range(steps):
            st.iterate_sync(niter=1)
            cur = st.get_state().a
            n_in += int(np.sum((prev == 0) & (cur == 1)))
            seen |= cur == 1
            prev = cur.copy()
        ever[r], trans[r] = seen.sum(), n_in
    return ever, trans


def check_seed(tmp, edges_file):
    """The named account's one follower is account 0: with beta = 1 it infects
    exactly that account in the first step."""
    scen = os.path.join(tmp, "one.yaml")
    scenario(scen, edges_file, "sir", 1.0, 0.0, 1, False)
    out = os.path.join(tmp, "one.h5")
    subprocess.run([BIN, "run", scen, "-o", out, "-q"], check=True)
    with h5py.File(out, "r") as f:
        acc = f["/cascade/events/account"][:]
        par = f["/cascade/events/parent"][:]
        hub = f["/meta/accounts/id"][0]
        comp = f["/series/compartments"][:]
    return list(acc) == [0] and list(par) == [hub] and hub == N and list(comp[0]) == [N - 1, 2, 0]


def main():
    gt.openmp_set_num_threads(1)
    rng = np.random.default_rng(2017)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for gname, make in (("barabasi-albert-like", ba_graph), ("random", random_graph)):
            edges = make(rng)
            ef = os.path.join(tmp, f"{gname}.txt")
            with open(ef, "w") as f:
                f.writelines(f"{a} {b}\n" for a, b in edges)
            if not check_seed(tmp, ef):
                print(f"not ok - {gname}: the seed does not reach exactly account 0")
                failures += 1
            for model in CASES:
                beta = CASES[model][0]
                (o_reach, o_resh), (h_reach, h_resh) = ours(tmp, ef, model)
                t_ever, t_trans = theirs(edges, model, seed=len(edges) + len(model))
                stats = [("final size" if model == "sir" else "ever infected", o_reach, h_reach, t_ever)]
                if model == "sis":
                    stats.append(("infections", o_resh, h_resh, t_trans))
                for name, same, raised, peer in stats:
                    p_same = ks_2samp(same, peer).pvalue
                    p_raised = ks_2samp(raised, peer).pvalue
                    print(f"# {gname:21s} {model} {name:13s}: mean {same.mean():8.1f} (tagcascade) "
                          f"{peer.mean():8.1f} (graph-tool), KS p = {p_same:.3g}; with beta x 1.5: "
                          f"mean {raised.mean():8.1f}, p = {p_raised:.2g}")
                    if p_same <= LEVEL:
                        print(f"not ok - {gname} {model} {name}: KS p = {p_same:.3g} <= {LEVEL}")
                        failures += 1
                    if name in ("final size", "infections") and p_raised >= LEVEL:
                        print(f"not ok - {gname} {model} {name}: beta x 1.5 not told apart "
                              f"(p = {p_raised:.3g})")
                        failures += 1
    if failures:
        print(f"test_graphtool_peer: {failures} failures")
        return 1
    print("ok - test_graphtool_peer: sir and sis agree with graph-tool on two graphs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
