# The benchmark harness (tests/bench.sh, `make bench`) in quick mode: the table has
# its header (cores, model, memory, date) and every workload row, with numbers in
# every column (graph-tool's where graph-tool is installed, "-" where it is not)
# and "sir: not in this build" while the rule is missing. Before that, the two
# things the comparison with graph-tool rests on: graph-tool's SIRState infects
# along edge direction (0 -> 1 -> 2), and the benchmark scenario's named account
# is the seed account v itself. Never checks a speed.
# Run from the project root: sh tests/cli/test_bench.sh   (env BIN, PY)
set -u
BIN=${BIN:-build/tagcascade}
PY=${PY:-/usr/bin/python3}
[ -x "$BIN" ] || { echo "no binary $BIN"; exit 77; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (Debian package time)"; exit 77; }
"$PY" -c 'import h5py, numpy' 2>/dev/null || { echo "h5py or numpy missing for $PY"; exit 77; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

nfail=0 ncheck=0
not_ok() { echo "not ok - $1"; nfail=$((nfail + 1)); }
check() { ncheck=$((ncheck + 1)); }

GT=0
"$PY" -c 'import warnings; warnings.filterwarnings("ignore"); import graph_tool' 2>/dev/null && GT=1

# 1. graph-tool's direction: on 0 -> 1 -> 2 with beta = gamma = 1, a cascade from 0
# reaches 1 then 2, one from 2 reaches nothing.
if [ $GT = 1 ]; then
    check
    "$PY" - >"$T/dir" 2>&1 <<'PYEOF' || not_ok "graph-tool direction: $(tail -n 3 "$T/dir")"
import warnings
warnings.filterwarnings("ignore")
import graph_tool.all as gt
g = gt.Graph(directed=True)
g.add_vertex(3)
g.add_edge_list([(0, 1), (1, 2)])
seen = []
for v0 in (0, 2):
    st = gt.SIRState(g, beta=1.0, gamma=1.0, v0=v0)
    states = [list(st.get_state().a)]
    for _ in range(3):
        st.iterate_sync(niter=1)
        states.append(list(st.get_state().a))
    seen.append(states)
assert seen[0] == [[1, 0, 0], [2, 1, 0], [2, 2, 1], [2, 2, 2]], seen[0]
assert seen[1] == [[0, 0, 1], [0, 0, 2], [0, 0, 2], [0, 0, 2]], seen[1]
PYEOF
fi

# 2. the seed: on a 60-account BA store, the named account is v itself (no account
# added) and at p = 1 the accounts that reshare v's post are exactly v's audience
# in the store, for v first, inside and last (an empty audience for the newest).
"$PY" analysis/bench_graphtool.py ba --n 60 --m 2 --reciprocity 0.2 -o "$T/g.h5" >/dev/null ||
    not_ok "bench_graphtool.py ba"
for v in 0 17 59; do
    check
    if "$BIN" run scenarios/bench/ic_store.yaml -o "$T/s.h5" --set graph.file="$T/g.h5" \
        --set "accounts=[{name: seed, id: $v}]" --set model.p=1 --set output.cascade=true \
        >/dev/null 2>"$T/err"; then
        got=$("$PY" -c '
import h5py, sys
v = int(sys.argv[2])
with h5py.File(sys.argv[1], "r") as f:
    acc, par = f["cascade/events/account"][()], f["cascade/events/parent"][()]
    ids = [int(x) for x in f["meta/accounts/id"][()]]
with h5py.File(sys.argv[3], "r") as g:
    off, dst = g["graph/off"][()], g["graph/dst"][()]
want = sorted(int(x) for x in dst[off[v]:off[v + 1]])
first = sorted(int(a) for a, p in zip(acc, par) if p == v)
# account 0, the oldest, has followers; the newest may have none
print("ok" if ids == [v] and first == want and (want or v != 0)
      else "ids %s, from v: %s, audience: %s" % (ids, first, want))' "$T/s.h5" "$v" "$T/g.h5")
        [ "$got" = ok ] || not_ok "seed $v: $got"
    else
        not_ok "seed $v: run failed: $(head -n 2 "$T/err")"
    fi
done

# 3. the table, in quick mode
check
BENCH_QUICK=1 BIN=$BIN PY=$PY sh tests/bench.sh >"$T/out" 2>"$T/errb" ||
    not_ok "bench.sh exited $?: $(tail -n 5 "$T/errb")"
cat "$T/out"
cores=$(nproc)
grep -q "^machine: $cores cores, .*, [0-9.]* GiB memory$" "$T/out" || not_ok "no machine line with $cores cores"
grep -q '^date: [0-9-]*T[0-9:]*Z' "$T/out" || not_ok "no date line"
if [ "$cores" -gt 1 ]; then threads="1 $cores"; else threads=1; fi
SIR=0
"$BIN" models | grep -q '^sir ' && SIR=1

# row KEY1 KEY2 THREADS: the line whose first fields are these
row() { awk -v a="$1" -v b="$2" -v t="$3" '$1 == a && $2 == b && $3 == t' "$T/out"; }
# numeric LINE FIELDS...: each listed field of LINE is a number
numeric() {
    l=$1
    shift
    for i in "$@"; do
        echo "$l" | awk -v i="$i" '{exit !($i ~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/)}' || return 1
    done
}
for w in ic_p0.2 ic_p0.12 ic_nx0.12 sir sir_nx sir_off; do
    for th in $threads; do
        check
        l=$(row "$w" ba_100k "$th")
        if [ -z "$l" ]; then not_ok "no row $w ba_100k $th"; continue; fi
        if [ "${w#sir}" != "$w" ] && [ $SIR = 0 ]; then
            echo "$l" | grep -q 'sir: not in this build$' || not_ok "row $w $th: '$l', want 'sir: not in this build'"
            continue
        fi
        # runs run_s wall_s edges reach peak_MB
        numeric "$l" 4 5 6 7 9 10 || not_ok "row $w $th: not numbers: $l"
        # edges per second: a number, or "-" when the runs took 0.000 s
        echo "$l" | awk '{exit !($8 ~ /^[0-9.e+]+$/ || ($8 == "-" && $5 == 0))}' ||
            not_ok "row $w $th: edges_per_s: $l"
        if [ $GT = 1 ]; then
            numeric "$l" 11 12 13 14 15 || not_ok "row $w $th: graph-tool columns not numbers: $l"
        else
            echo "$l" | awk '{exit !($11 == "-" && $15 == "-")}' || not_ok "row $w $th: graph-tool columns: $l"
        fi
    done
done
# without exposures counted: the same cascades (reach, edges), next to graph-tool's
# ic_p0.12 and sir
for th in $threads; do
    for pair in ic_p0.12:ic_nx0.12 sir:sir_nx; do
        [ ${pair%:*} = sir ] && [ $SIR = 0 ] && continue
        check
        a=$(row "${pair%:*}" ba_100k "$th" | awk '{print $7, $9, $15 != "-"}')
        b=$(row "${pair#*:}" ba_100k "$th" | awk '{print $7, $9, $15 != "-"}')
        [ -n "$a" ] && [ "$a" = "$b" ] ||
            not_ok "${pair#*:} on $th threads: edges, reach, ratio '$b', ${pair%:*} '$a'"
    done
done
# the README's table: analysis/bench_readme.py over this output gives rows of
# its numbers, and over the recorded bench the README's very table
check
"$PY" analysis/bench_readme.py "$T/out" >"$T/tbl" 2>"$T/tblerr" &&
    [ "$(grep '^| IC p = 0.12, 100 k × 5 | 1 |' "$T/tbl" | awk -F' [|] ' '{gsub(",", "", $5); print $5}')" = \
        "$(row ic_p0.12 ba_100k 1 | awk '{print $9}')" ] ||
    not_ok "bench_readme.py on this output: $(cat "$T/tbl" "$T/tblerr")"
check
rec=$(ls docs/bench/cascades-*.txt | tail -n 1)
"$PY" analysis/bench_readme.py "$rec" >"$T/tbl" &&
    sed -n '/^| workload (directed BA/,/^$/p' README.md | sed '/^$/d' | cmp -s - "$T/tbl" ||
    not_ok "the README's table is not analysis/bench_readme.py over $rec"
check
"$PY" analysis/bench_readme.py "$T/tbl" >/dev/null 2>&1
[ $? -eq 2 ] || not_ok "bench_readme.py accepts a text with no bench row"
for w in macronleaks chains; do
    for th in $threads; do
        check
        l=$(awk -v w="$w" -v t="$th" '$1 == w && $2 == "ours" && $3 == t' "$T/out")
        numeric "$l" 4 5 6 7 8 9 10 11 || not_ok "replay row $w on $th threads: '$l'"
    done
done
for w in ic_p0.12 ic_p0.2; do
    for th in $threads; do
        check
        # workload threads runs batched_s alone_s batched_rps alone_rps ratio peak_b peak_a
        l=$(awk -v w="$w" -v t="$th" '$1 == w && $2 == t && NF == 10' "$T/out")
        numeric "$l" 3 4 5 6 7 8 9 10 || not_ok "batch row $w on $th threads: '$l'"
    done
done
check
# workload bin threads runs wall_s runs_per_s peak_MB output_MB
l=$(awk '$1 == "sweep" && $2 == "ours"' "$T/out")
numeric "$l" 3 4 5 6 7 8 || not_ok "sweep row: '$l'"
for s in generate load+ic; do
    check
    n=0
    for l in "$(awk -v s=$s '$1 == s' "$T/out" | head -n 1)" "$(awk -v s=$s '$1 == s' "$T/out" | sed -n 2p)"; do
        n=$((n + 1))
        if [ $s = generate ]; then f="2 3 4 8 9 10"; else f="2 3 4 5 6 7 8 9 10"; fi
        # shellcheck disable=SC2086
        numeric "$l" $f || not_ok "large-graph row $s ($n): '$l'"
    done
done
check
l=$(awk '$1 == "fit_replay"' "$T/out")
numeric "$l" 2 3 4 5 6 7 || not_ok "fit of the replay row: '$l'"
check
l=$(awk '$1 == "fit_example"' "$T/out")
numeric "$l" 2 3 4 5 6 7 || not_ok "fit of the example row: '$l'"
check
grep -q '^at 1,000,000,000 follows .* about [0-9.]* GB to generate, [0-9.]* GB to load and run' "$T/out" ||
    not_ok "no estimate for 1,000,000,000 follows"

if [ "$nfail" -gt 0 ]; then
    echo "$nfail failed of $ncheck checks"
    exit 1
fi
echo "ok - $ncheck checks"
