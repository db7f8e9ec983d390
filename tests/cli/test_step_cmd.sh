# The step rules end to end: scenarios/sir_demo.yaml (made smaller) runs, its
# file holds /series/compartments whose rows add up to the accounts, `summary`
# reads it, the output is identical on 1 and 2 threads; every step rule runs
# through `run` and `sweep`. Run from the project root (env BIN, PY).
set -u
BIN=${BIN:-build/tagcascade}
PY=${PY:-/usr/bin/python3}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
status=0
fail() { echo "not ok - $1"; status=1; }

for n in 1 2; do
    "$BIN" run scenarios/sir_demo.yaml --set graph.n=5000 -q --threads $n -o "$d/t$n.h5" ||
        fail "sir_demo on $n threads: exit $?"
done
for g in /series /summary /cascade; do
    h5diff "$d/t1.h5" "$d/t2.h5" $g $g >/dev/null || fail "$g differs between 1 and 2 threads"
done
"$PY" - "$d/t1.h5" <<'PYEOF' || fail "the file of sir_demo"
import sys, h5py
f = h5py.File(sys.argv[1], "r")
c = f["series/compartments"][:]
states = [s.decode() if isinstance(s, bytes) else s for s in f["series/compartments"].attrs["states"]]
n, T = f["meta"].attrs["graph_n"], f["series"].attrs["n_intervals"]
assert states == ["S", "I", "R"], states
assert c.shape == (T, 3), c.shape
assert (c.sum(axis=1) == n).all(), "rows do not add up to the accounts"
reach = int(f["summary/reach"][()])
assert reach == c[-1, 1] + c[-1, 2] and reach > 1000, (reach, c[-1])
adopters = (f["series/new_adopters_human"][:] + f["series/new_adopters_bot"][:]).cumsum()
assert (adopters == c[:, 1] + c[:, 2]).all(), "adopters so far != I + R"
assert int(f["summary/posts"][()]) == 1 and f["cascade/events/t"].shape[0] == reach - 1
PYEOF
"$BIN" summary "$d/t1.h5" >"$d/summary.txt" || fail "summary: exit $?"
grep -q "model sir" "$d/summary.txt" || fail "summary does not name the model"
grep -q "states at the end  *S [0-9]* I [0-9]* R [0-9]*" "$d/summary.txt" ||
    fail "summary lacks the compartments: $(cat "$d/summary.txt")"

for m in sis maki_thompson daley_kendall seiz; do
    "$BIN" run scenarios/sir_demo.yaml --set graph.n=2000 --set "model={name: $m}" -q \
        -o "$d/$m.h5" || fail "$m: exit $?"
done
"$BIN" sweep scenarios/sir_demo.yaml --set graph.n=2000 -q -o "$d/sweep.h5" \
    --set 'sweep={replicates: 3, grid: {model.beta: [0.05, 0.1]}}' || fail "sweep: exit $?"
[ -f "$d/sweep.h5" ] || fail "no sweep file"

[ $status -eq 0 ] && echo "ok - step rules run, write, summarise and sweep; 1 and 2 threads identical"
exit $status
