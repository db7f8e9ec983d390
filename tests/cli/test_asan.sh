# Memory and undefined-behaviour errors (leaks included): the C tests, two runs
# (a golden scenario with every feature, and the default replay at its full size)
# and the command-line tests (errors and faults, sweeps, end to end), all
# with the build of `make asan` (AddressSanitizer + UBSan, in build-asan/).
# The C tests run two at a time, and the command-line tests in two lanes, where
# the machine has two cores or more: each sanitized program is mostly one thread.
set -u
make -s asan >/dev/null 2>asan-build.log || { cat asan-build.log; rm -f asan-build.log; exit 1; }
rm -f asan-build.log
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
status=0
lanes=1
[ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] && lanes=2
# unit T: run C test T, its output in $d/u.NAME; the status in $d/u.NAME.rc
unit() {
    "$1" >"$d/u.${1##*/}" 2>&1
    echo $? >"$d/u.${1##*/}.rc"
}
n=0
for t in build-asan/tests/*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    # test_rules is statistics over thousands of runs (50 s sanitized): its
    # rules run sanitized in test_rules_table, test_step_rules and test_golden
    [ "${t##*/}" = test_rules ] && continue
    unit "$t" &
    n=$((n + 1))
    [ $((n % lanes)) -eq 0 ] && wait
done
wait
for t in build-asan/tests/*; do
    f="$d/u.${t##*/}"
    [ -f "$f.rc" ] || continue
    [ "$(cat "$f.rc")" = 0 ] || { echo "not ok - $t under sanitizers"; cat "$f"; status=1; }
done
for s in tests/golden/ba_bots.yaml scenarios/macronleaks.yaml; do
    # shellcheck disable=SC2086
    build-asan/tagcascade run $s -q -t 2 -o "$d/out.h5" 2>"$d/log" ||
        { echo "not ok - run $s under sanitizers"; cat "$d/log"; status=1; }
    grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$d/log" &&
        { echo "not ok - sanitizer report for $s"; cat "$d/log"; status=1; }
done
# the command-line tests, with the sanitized binary: every error path and fault,
# sweeps with kill -9 and resume, shards, graph stores, the file layout, hostile
# files (crafted HDF5, planted links, FIFOs). Threads run sanitized in the two
# runs above (-t 2) and in the C tests; thread invariance is test_threads' own.
# cli T...: the tests T one after the other, each's output in $d/c.NAME and,
# when it fails, its name in $d/c.NAME.failed
cli() {
    for t in "$@"; do
        c="$d/c.$(basename "$t")"
        case $t in
        *.py) BIN=$(pwd)/build-asan/tagcascade /usr/bin/python3 "$t" >"$c" 2>&1 ;;
        *) BIN=build-asan/tagcascade TC_SANITIZED=1 sh "$t" >"$c" 2>&1 ;;
        esac || echo "$t" >"$c.failed"
    done
}
A="tests/cli/test_sweep.sh tests/cli/test_errors.sh tests/cli/test_graph_cmd.sh"
B="tests/cli/test_hostile.sh tests/test_e2e.py"
if [ $lanes -ge 2 ]; then
    # shellcheck disable=SC2086
    cli $A &
    # shellcheck disable=SC2086
    cli $B
    wait
else
    # shellcheck disable=SC2086
    cli $A $B
fi
for t in $A $B; do
    c="$d/c.$(basename "$t")"
    [ -f "$c.failed" ] || continue
    echo "not ok - $t with the sanitized binary"
    tail -n 30 "$c"
    status=1
done
[ $status -eq 0 ] && echo "ok - C tests, runs, and the command-line tests clean under ASan + UBSan"
exit $status
