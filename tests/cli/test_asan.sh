# Memory and undefined-behaviour errors: the C tests and two runs (a golden
# scenario with every feature, and the default replay at its full size)
# under AddressSanitizer + UBSan, built in build-asan/ by `make asan`.
set -u
make -s asan >/dev/null 2>asan-build.log || { cat asan-build.log; rm -f asan-build.log; exit 1; }
rm -f asan-build.log
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
status=0
for t in build-asan/tests/*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    "$t" >"$d/log" 2>&1 || { echo "not ok - $t under sanitizers"; cat "$d/log"; status=1; }
done
for s in tests/golden/ba_bots.yaml scenarios/macronleaks.yaml; do
    # shellcheck disable=SC2086
    build-asan/tagcascade run $s -q -t 2 -o "$d/out.h5" 2>"$d/log" ||
        { echo "not ok - run $s under sanitizers"; cat "$d/log"; status=1; }
    grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$d/log" &&
        { echo "not ok - sanitizer report for $s"; cat "$d/log"; status=1; }
done
[ $status -eq 0 ] && echo "ok - C tests and runs clean under ASan + UBSan"
exit $status
