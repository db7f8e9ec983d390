# Fuzz inputs replayed without libFuzzer: each target in tests/fuzz/ is linked
# with tests/fuzz/replay.c and the library built with gcc's AddressSanitizer and
# UBSan (`make asan`'s where test_asan built it, else in build-asan/fuzz-replay/),
# then fed every file of its seed corpus
# tests/fuzz/corpus/<target>/ and its saved crashers tests/fuzz/regressions/<target>/.
# Passes when no input crashes or makes a sanitizer report. Needs gcc, not clang.
set -u
B=build-asan/fuzz-replay
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CC=${FUZZ_REPLAY_CC:-gcc}
FLAGS="-O1 -g $SAN -std=c11 -D_GNU_SOURCE -fopenmp -ffp-contract=off"
FLAGS="$FLAGS -Isim -Imodels"

# the flags the main build found (packaging/configure.sh)
if ! deps=$(make --no-print-directory -s print-deps 2>/dev/null); then
    make --no-print-directory print-deps
    exit 1
fi
cflags=$(printf '%s\n' "$deps" | sed -n 's/^DEPS_CFLAGS=//p')
libs=$(printf '%s\n' "$deps" | sed -n 's/^DEPS_LIBS=//p')
mkdir -p "$B/obj"
log=$(mktemp)
trap 'rm -f "$log" "$log".*' EXIT
printf 'int main(void){return 0;}\n' >"$B/probe.c"
# shellcheck disable=SC2086
$CC $SAN "$B/probe.c" -o "$B/probe" >"$log" 2>&1 ||
    { cat "$log"; echo "$CC cannot build with $SAN (libasan/libubsan missing)"; exit 77; }

# the library: the one of `make asan` (the same sanitizers, at -O1) where an
# earlier test built it (test_asan, in a whole run: brought up to date here);
# else sim/*/*.c but the command line (sim/cli/), and the models, two at a time
status=0
lib=
if [ -z "${FUZZ_REPLAY_CC:-}" ] && [ -f build-asan/libtagcascade.a ] &&
    make -s asan >"$log" 2>&1; then
    lib=build-asan/libtagcascade.a
fi
if [ -z "$lib" ]; then
    objs="" n=0 pids="" failed=""
    for src in sim/*/*.c models/*.c; do
        case $src in sim/cli/*) continue ;; esac
        o="$B/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
        objs="$objs $o"
        rm -f "$o"
        # shellcheck disable=SC2086
        $CC $FLAGS $cflags -c "$src" -o "$o" >"$log.$n" 2>&1 &
        pids="$pids $!:$n:$src"
        n=$((n + 1))
        if [ $((n % 2)) -eq 0 ]; then
            for j in $pids; do
                wait "${j%%:*}" || { k=${j#*:}; cat "$log.${k%%:*}"; failed="$failed ${j##*:}"; }
            done
            pids=""
        fi
    done
    for j in $pids; do
        wait "${j%%:*}" || { k=${j#*:}; cat "$log.${k%%:*}"; failed="$failed ${j##*:}"; }
    done
    [ -z "$failed" ] || { echo "not ok - the library does not build:$failed"; exit 1; }
    rm -f "$B/libtagcascade.a"
    # shellcheck disable=SC2086
    ar rcs "$B/libtagcascade.a" $objs || exit 1
    lib=$B/libtagcascade.a
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
for t in scenario edgelist import graphstore h5read; do
    # shellcheck disable=SC2086
    $CC $FLAGS $cflags tests/fuzz/replay.c "tests/fuzz/fuzz_$t.c" "$lib" \
        -o "$B/replay_$t" $libs -lm >"$log" 2>&1 ||
        { cat "$log"; echo "not ok - replay driver for $t does not build"; status=1; continue; }
    set --
    for f in "tests/fuzz/corpus/$t"/* "tests/fuzz/regressions/$t"/*; do
        [ -f "$f" ] || continue
        case $f in */README*) continue ;; esac
        set -- "$@" "$f"
    done
    if [ $# -eq 0 ]; then
        echo "not ok - no inputs for $t"
        status=1
        continue
    fi
    "$B/replay_$t" "$@" >"$log" 2>&1
    rc=$?
    if [ $rc -ne 0 ] || grep -q "runtime error\|ERROR: AddressSanitizer\|LeakSanitizer" "$log"; then
        echo "not ok - $t: an input crashed or made a sanitizer report (exit $rc)"
        tail -n 60 "$log"
        status=1
    else
        echo "ok - $t: $# inputs replayed clean under ASan + UBSan"
    fi
done
exit $status
