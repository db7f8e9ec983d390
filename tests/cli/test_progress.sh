# Progress on standard error: in a batch log (stderr not a terminal) one line per
# tenth of the work with the count, rate and time left, for run and sweep alike;
# on a terminal (under script(1)) a bar that ends at 100 %; --progress none and
# --quiet print none; a bad mode is refused. Run from the project root (env BIN).
set -u
BIN=${BIN:-build/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
SCEN=$(pwd)/scenarios/macronleaks.yaml
TINY=$(pwd)/tests/golden/tiny.yaml
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
fail=0 n=0
check() { # what, then a command that must succeed
    n=$((n + 1))
    what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
}
SMALL="--set graph.n=20000 --set accounts.0.followers=800 --set accounts.1.followers=5000 --set accounts.2.followers=600"

# a sweep of 30 runs into a log: lines at each tenth, counts rising to 30/30
# shellcheck disable=SC2086
"$BIN" sweep "$TINY" --set 'sweep={grid: {model.p: [0.1, 0.2, 0.3]}, replicates: 10}' -o s.h5 \
    --threads 2 2>log >/dev/null
lines=$(grep -c '^tagcascade: *[0-9]*%  [0-9]*/30 runs, [0-9.]* runs/s  [0-9]* s' log)
check "sweep into a log: a line per tenth ($lines lines)" [ "$lines" -ge 10 ] && [ "$lines" -le 12 ]
check "sweep: the last line is 100% 30/30 runs" sh -c "grep '%  ' log | tail -n 1 | grep -q '^tagcascade: 100%  30/30 runs'"
check "sweep: counts never go down" sh -c "sed -n 's|^tagcascade: *[0-9]*%  \\([0-9]*\\)/30 runs.*|\\1|p' log | sort -n -c"
check "sweep: time left on the lines before the last" grep -q ', left [0-9]' log
check "sweep: no carriage return in a log" sh -c "! grep -q \"\$(printf '\\r')\" log"

# a run into a log: the clock and reshares, up to 100 % at the replay's end (Monday 00:00)
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL -o r.h5 2>log >/dev/null
check "run into a log: lines up to 100% at the end of the replay" \
    sh -c "grep -q '^tagcascade:  10%  2017-05-06T01:1' log && grep -q '^tagcascade: 100%  2017-05-08T00:00  reshares [0-9]' log"

# --progress none and --quiet: no progress
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL -o r2.h5 --progress none 2>log >/dev/null
check "run --progress none: no progress line" sh -c "! grep -q '%  ' log"
"$BIN" sweep "$TINY" --set 'sweep={replicates: 5}' -o s2.h5 -q 2>log >/dev/null
check "sweep -q: nothing on stderr" [ ! -s log ]
"$BIN" sweep "$TINY" --set 'sweep={replicates: 5}' -o s3.h5 -q --progress lines 2>log >/dev/null
check "sweep -q --progress lines: the lines alone" sh -c "grep -q '^tagcascade: 100%  5/5 runs' log && [ \$(grep -vc '%  ' log) -eq 0 ]"

# a bad mode
"$BIN" run "$TINY" -o r3.h5 --progress sometimes 2>log >/dev/null
rc=$?
check "--progress sometimes refused with exit 2" sh -c "[ $rc -eq 2 ] && grep -q 'expected auto, bar, lines or none' log && [ ! -e r3.h5 ]"

# on a terminal: a bar, ending at 100 %
if command -v script >/dev/null; then
    # shellcheck disable=SC2086
    script -qec "$BIN sweep $TINY --set 'sweep={replicates: 20}' -o s4.h5" /dev/null >tty.log 2>&1
    check "sweep on a terminal: the bar ends at 100%" \
        sh -c "tr '\\r' '\\n' <tty.log | grep '^\\[' | tail -n 1 | grep -q '^\\[#\\{30\\}\\] 100%  20/20 runs'"
else
    echo "# skipped the terminal check: script(1) is missing"
fi

[ $fail -eq 0 ] || exit 1
echo "ok - progress: $n checks"
