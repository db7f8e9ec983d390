# Memory errors under valgrind (uninitialised reads, invalid accesses, leaks that
# lose memory): a golden scenario run on 2 threads, a small sweep, an import, and
# the graph commands (convert, generate, info).
set -u
command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed"; exit 77; }
BIN=${BIN:-build/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
ROOT=$(pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
VG="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
fail=0
$VG "$BIN" run "$ROOT/tests/golden/ba_bots.yaml" -o run.h5 -q -t 2 2>log || { echo "not ok - run"; cat log; fail=1; }
$VG "$BIN" sweep "$ROOT/tests/golden/tiny.yaml" -o sweep.h5 -q -t 2 \
    --set 'sweep={grid: {model.p: [0.2, 0.5]}, replicates: 2}' 2>log || { echo "not ok - sweep"; cat log; fail=1; }
printf 'time,account,parent\n0,a,\n5,b,a\nbad line\n7,c,b\n' >c.csv
$VG "$BIN" import --format csv c.csv -o obs.h5 -q 2>log || { echo "not ok - import"; cat log; fail=1; }
$VG "$BIN" summary run.h5 >/dev/null 2>log || { echo "not ok - summary"; cat log; fail=1; }
$VG "$BIN" graph convert "$ROOT/tests/golden/tiny.txt" tiny.h5 -q 2>log || { echo "not ok - graph convert"; cat log; fail=1; }
$VG "$BIN" graph generate --n 3000 --mean-degree 5 --gamma-in 2.3 --gamma-out 2.6 --communities 2 \
    --mixing 0.1 -o gen.h5 -q 2>log || { echo "not ok - graph generate"; cat log; fail=1; }
$VG "$BIN" graph info gen.h5 >/dev/null 2>log || { echo "not ok - graph info"; cat log; fail=1; }
[ $fail -eq 0 ] && echo "ok - run, sweep, import, summary and graph commands clean under valgrind"
exit $fail
