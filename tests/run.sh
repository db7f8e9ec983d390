#!/bin/sh
# Runs the tests of the tree and ends with one line "N passed, N failed, N skipped".
#   C tests:      one per tests/unit/*.c, run as $BUILD/tests/NAME (`make tests`)
#   shell tests:  tests/cli/*.sh          (env BIN = the tagcascade binary, PY)
#   Python tests: tests/*.py              (run with $PY = /usr/bin/python3)
# A test passes with exit 0, is skipped with exit 77 (its last output line gives
# the reason), and fails otherwise, also when it runs longer than $TEST_TIMEOUT
# seconds (default 900) or its C source has no binary. Only tests whose source
# is in the tree run: a binary left in $BUILD/tests by a deleted test does not.
# T="WORD..." runs only the tests whose names contain one of the words
# (make check T=sweep; T="golden errors"). Run from the project root.
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
BIN=${BIN:-$BUILD/tagcascade}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
T=${T:-}
export BUILD PY BIN
case $TEST_TIMEOUT in
    '' | *[!0-9]*) echo "TEST_TIMEOUT: expected a whole number of seconds, got '$TEST_TIMEOUT'"; exit 2 ;;
esac
pass=0 fail=0 skip=0 failed="" ran=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

wanted() { # name: does T select it?
    [ -z "$T" ] && return 0
    for w in $T; do
        case $1 in *"$w"*) return 0 ;; esac
    done
    return 1
}

run_one() { # name command...
    name=$1
    shift
    wanted "$name" || return 0
    ran=$((ran + 1))
    start=$(date +%s)
    if [ "$1" = --not-built ]; then
        echo "$BUILD/tests/$name: not built (make tests)" >"$log"
        rc=1
    else
        timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
        rc=$?
    fi
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
        if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
            echo "FAIL $name (timed out after ${TEST_TIMEOUT}s)"
        else
            echo "FAIL $name (exit $rc, ${secs}s)"
        fi
        sed 's/^/    /' "$log" | tail -n 40
    fi
}

for src in tests/unit/*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    if [ -x "$BUILD/tests/$name" ]; then
        run_one "$name" "$BUILD/tests/$name"
    else
        run_one "$name" --not-built
    fi
done
for t in tests/cli/*.sh; do
    [ -f "$t" ] && run_one "$(basename "$t" .sh)" sh "$t"
done
for t in tests/*.py; do
    [ -f "$t" ] && run_one "$(basename "$t" .py)" "$PY" "$t"
done

if [ $ran -eq 0 ]; then
    echo "no test name contains any of: $T"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
