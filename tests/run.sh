#!/bin/sh
# Runs every test of the suite and ends with one line "N passed, N failed, N skipped".
#   C tests:      $BUILD/tests/*         (built by `make tests`)
#   shell tests:  tests/cli/*.sh         (env BIN = the tagcascade binary, PY)
#   Python tests: tests/*.py             (run with $PY = /usr/bin/python3)
# A test passes with exit 0, is skipped with exit 77 (its last output line gives
# the reason), and fails otherwise. Run from the project root.
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
BIN=${BIN:-$BUILD/tagcascade}
export BUILD PY BIN
pass=0 fail=0 skip=0 failed=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() { # name command...
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1))
        echo "PASS $name (${secs}s)"
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1))
        echo "SKIP $name: $(tail -n 1 "$log")"
    else
        fail=$((fail + 1))
        failed="$failed $name"
        echo "FAIL $name (exit $rc, ${secs}s)"
        sed 's/^/    /' "$log" | tail -n 40
    fi
}

for t in "$BUILD"/tests/*; do
    [ -f "$t" ] && [ -x "$t" ] && run_one "$(basename "$t")" "$t"
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] && run_one "$(basename "$t" .sh)" sh "$t"
done
for t in tests/*.py; do
    [ -f "$t" ] && run_one "$(basename "$t" .py)" "$PY" "$t"
done

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
