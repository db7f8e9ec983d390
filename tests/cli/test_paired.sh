# Paired sweeps (sweep.paired: true, docs/sweep.md): every point's replicate r
# runs under the key of point 0's replicate r (common random numbers), so two
# identical points give identical runs and `summary` prints each point's
# paired difference from point 0 with its interval; `run --point I` is
# replicate 0 of point I under that key; shards merge into the whole sweep;
# without paired the keys differ. Run from the project root (env BIN, PY).
set -u
BIN=${BIN:-build/tagcascade}
PY=${PY:-/usr/bin/python3}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
SCEN=$(pwd)/scenarios/fit/recovery.yaml
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fail=0
check() { # what, then a command that must succeed
    what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
}
P='sweep={grid: {population.bots.fraction: [0.1, 0.1, 0.2]}, replicates: 12, paired: true}'
U='sweep={grid: {population.bots.fraction: [0.1, 0.1, 0.2]}, replicates: 12}'
"$BIN" sweep "$SCEN" --set "$P" -o p.h5 -q || { echo "not ok - paired sweep failed"; exit 1; }
"$BIN" sweep "$SCEN" --set "$U" -o u.h5 -q || { echo "not ok - unpaired sweep failed"; exit 1; }
"$PY" - p.h5 u.h5 >py.out 2>&1 <<'EOF'
import sys
import h5py
import numpy as np
p, u = (h5py.File(f, "r") for f in sys.argv[1:3])
kp, ku = p["sweep/run_key"][()], u["sweep/run_key"][()]
sp, su = p["sweep/summary"][()], u["sweep/summary"][()]
assert p["meta"].attrs["paired"] == 1 and u["meta"].attrs["paired"] == 0
assert (kp[0] == kp[1]).all() and (kp[0] == kp[2]).all(), "paired: one key per replicate"
assert (kp[0] == ku[0]).all(), "point 0 keeps its keys"
assert len(set(ku.ravel().tolist())) == ku.size, "unpaired: every run its own key"
assert np.array_equal(sp[0], sp[1]), "identical points under paired keys: identical runs"
assert not np.array_equal(su[0], su[1]), "unpaired identical points differ"
assert not np.array_equal(sp[0], sp[2])
print("ok")
EOF
check "paired: one key per replicate across points, identical points give identical runs; unpaired: not" grep -qx ok py.out
"$BIN" summary p.h5 >sum.txt 2>err
check "summary of a paired sweep: paired differences, 0 [0, 0] between identical points" \
    sh -c "grep -q '^paired differences from point 0' sum.txt && grep -q '^ *1  *12  *0 \[0, 0\]  *0 \[0, 0\]' sum.txt && grep -q '^ *2  *12  *-\{0,1\}[0-9.]* \[' sum.txt"
"$BIN" summary u.h5 >sum2.txt 2>err
check "summary of an unpaired sweep: no paired differences" sh -c "! grep -q 'paired differences' sum2.txt"
# run --point 2 = replicate 0 of point 2, under point 0's key
"$BIN" run "$SCEN" --set "$P" --point 2 -o pt.h5 -q
"$PY" - p.h5 pt.h5 >py2.out 2>&1 <<'EOF'
import sys
import h5py
s, r = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
m = [x.decode() if isinstance(x, bytes) else x for x in s["sweep/metrics"][()]]
reach = s["sweep/summary"][2, 0, m.index("reach")]
assert int(r["summary/reach"][()]) == int(reach), (int(r["summary/reach"][()]), reach)
print("ok")
EOF
check "run --point 2 of a paired sweep is its replicate 0 of point 2" grep -qx ok py2.out
# shards of a paired sweep merge into the whole
"$BIN" sweep "$SCEN" --set "$P" -o s0.h5 -q --shard 0/2 && "$BIN" sweep "$SCEN" --set "$P" -o s1.h5 -q --shard 1/2 &&
    "$BIN" merge s0.h5 s1.h5 -o m.h5 >/dev/null
check "shards of a paired sweep merge into the whole sweep" sh -c "h5diff p.h5 m.h5 /sweep /sweep >/dev/null && h5dump -a /meta/paired m.h5 | grep -q '(0): 1'"
"$BIN" sweep "$SCEN" --set 'sweep={grid: {model.p: [0.1]}, paired: maybe}' -o bad.h5 -q 2>err
rc=$?
check "paired: maybe is refused (exit 2)" sh -c "[ $rc -eq 2 ] && grep -q 'sweep.paired' err && [ ! -e bad.h5 ]"
exit $fail
