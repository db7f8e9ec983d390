# The test runner (tests/run.sh) on a tree of its own: it runs exactly the tests
# whose sources are in the tree (a stale binary is left alone, a missing one
# fails), T selects by name, TEST_TIMEOUT stops a test that hangs, exit 77 is a
# skip with its reason, and the last line counts them all.
set -u
# the outer run's selection and timeout are not this tree's
unset T TEST_TIMEOUT
top=$(pwd)
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
fails=0
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }

mkdir -p "$d/tests/unit" "$d/tests/cli" "$d/b/tests"
cp "$top/tests/run.sh" "$d/tests/run.sh"
cd "$d" || exit 1
# C tests: test_good and test_nobin have sources; only test_good has a binary;
# test_stale has a binary but no source
printf 'int main(void){return 0;}\n' >tests/unit/test_good.c
printf 'int main(void){return 0;}\n' >tests/unit/test_nobin.c
printf '#!/bin/sh\nexit 0\n' >b/tests/test_good
printf '#!/bin/sh\necho stale ran\nexit 1\n' >b/tests/test_stale
chmod +x b/tests/test_good b/tests/test_stale
printf 'echo why not; exit 77\n' >tests/cli/test_skipped.sh
printf 'sleep 30\n' >tests/cli/test_hangs.sh
printf 'echo broken; exit 3\n' >tests/cli/test_broken.sh

BUILD=b TEST_TIMEOUT=2 sh tests/run.sh >all.log 2>&1
rc=$?
last=$(tail -n 1 all.log)
[ "$rc" -ne 0 ] || not_ok "failures give a nonzero exit"
[ "$last" = "1 passed, 3 failed, 1 skipped" ] || not_ok "summary line: '$last'"
grep -q stale all.log && not_ok "a binary without a source ran"
grep -q '^FAIL test_nobin' all.log || not_ok "a missing binary is not a failure"
grep -q 'not built' all.log || not_ok "a missing binary is not named"
grep -q '^FAIL test_hangs (timed out after 2s)' all.log || not_ok "the hanging test is not stopped: $(grep hangs all.log)"
grep -q '^SKIP test_skipped: why not' all.log || not_ok "the skip has no reason"
grep -q '^FAIL test_broken (exit 3' all.log || not_ok "the exit code of a failure is not shown"
grep -q '    broken' all.log || not_ok "the output of a failure is not shown"

BUILD=b T=good sh tests/run.sh >one.log 2>&1 || not_ok "T=good failed: $(cat one.log)"
[ "$(tail -n 1 one.log)" = "1 passed, 0 failed, 0 skipped" ] || not_ok "T=good: $(tail -n 1 one.log)"
grep -q broken one.log && not_ok "T=good ran test_broken"

BUILD=b T="good skipped" sh tests/run.sh >two.log 2>&1
[ "$(tail -n 1 two.log)" = "1 passed, 0 failed, 1 skipped" ] || not_ok "T with two words: $(tail -n 1 two.log)"

BUILD=b T=nosuchtest sh tests/run.sh >none.log 2>&1 && not_ok "a filter that matches nothing passes"
grep -q 'no test name contains any of: nosuchtest' none.log || not_ok "no word on an empty selection: $(cat none.log)"

BUILD=b TEST_TIMEOUT=soon sh tests/run.sh >bad.log 2>&1
[ $? -eq 2 ] || not_ok "TEST_TIMEOUT=soon is not refused with exit 2"

[ $fails -eq 0 ] || exit 1
echo "ok - test runner: 14 checks"
