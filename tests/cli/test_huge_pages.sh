# Transparent huge pages for the commands that build worlds: where glibc has
# the tunable glibc.malloc.hugetlb (2.35 and later) and the kernel gives huge
# pages to memory that asks (THP "madvise"), `tagcascade serve` (as run,
# sweep, fit and graph) runs with the tunable in its environment, added to
# any tunables already set; not with TC_HUGE_PAGES=0, nor under valgrind's
# preload. The same run gives the same datasets either way. Run from the
# project root (env BIN = the binary).
set -u
BIN=${BIN:-${BUILD:-build}/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
ROOT=$(pwd)
glibc=$(/usr/bin/python3 -c 'import os; print(os.confstr("CS_GNU_LIBC_VERSION") or "")' 2>/dev/null)
case $glibc in
"glibc "*) ;;
*) echo "skipped: not glibc ($glibc)"; exit 77 ;;
esac
ok_glibc=$(echo "${glibc#glibc }" | awk -F. '{print ($1 * 1000 + $2 >= 2035)}')
[ "$ok_glibc" = 1 ] || { echo "skipped: $glibc has no glibc.malloc.hugetlb"; exit 77; }
grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null ||
    { echo "skipped: transparent huge pages are not in madvise mode here"; exit 77; }
if "$BIN" serve --port 0 /nonexistent.yaml 2>&1 | grep -q "built without libmicrohttpd"; then
    echo "skipped: built without libmicrohttpd (Debian: libmicrohttpd-dev)"
    exit 77
fi
T=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$T"' EXIT
fail=0
not_ok() { echo "not ok - $1"; fail=1; }
ok() { echo "ok - $1"; }

# tunables NAME [VAR=VALUE...]: the environment of a server started with the
# one given, once it listens, in $T/NAME.tun, a line per entry (glibc splits
# the tunables it has read in place, so each is a line of its own)
tunables() {
    name=$1
    shift
    env "$@" "$BIN" serve "$ROOT/scenarios/classroom.yaml" --port 0 >"$T/$name.out" 2>"$T/$name.err" &
    pid=$!
    i=0
    while [ ! -s "$T/$name.out" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    tr '\0:' '\n\n' <"/proc/$pid/environ" | sed 's/^GLIBC_TUNABLES=//' | grep '^glibc\.' >"$T/$name.tun"
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null
    pid=
    [ -s "$T/$name.out" ] || not_ok "$name: the server did not start: $(cat "$T/$name.err")"
}

tunables plain
[ "$(cat "$T/plain.tun")" = "glibc.malloc.hugetlb=1" ] && ok "serve runs with glibc.malloc.hugetlb=1" ||
    not_ok "serve's tunables are '$(cat "$T/plain.tun")'"
tunables added GLIBC_TUNABLES=glibc.malloc.arena_max=4
[ "$(tr '\n' ' ' <"$T/added.tun")" = "glibc.malloc.arena_max=4 glibc.malloc.hugetlb=1 " ] &&
    ok "added to tunables already set" || not_ok "with arena_max set: '$(cat "$T/added.tun")'"
tunables off TC_HUGE_PAGES=0
[ ! -s "$T/off.tun" ] && ok "TC_HUGE_PAGES=0: not started again" ||
    not_ok "TC_HUGE_PAGES=0 still gave '$(cat "$T/off.tun")'"
tunables vg LD_PRELOAD=/nonexistent/vgpreload_core-amd64-linux.so
[ ! -s "$T/vg.tun" ] && ok "under valgrind's preload: not started again" ||
    not_ok "under valgrind's preload: '$(cat "$T/vg.tun")'"

# the same datasets with and without huge pages
"$BIN" run "$ROOT/tests/golden/ba_bots.yaml" -q -t 2 -o "$T/a.h5" || not_ok "run"
TC_HUGE_PAGES=0 "$BIN" run "$ROOT/tests/golden/ba_bots.yaml" -q -t 2 -o "$T/b.h5" ||
    not_ok "run with TC_HUGE_PAGES=0"
for g in /series /summary /cascade; do
    h5diff "$T/a.h5" "$T/b.h5" $g $g >/dev/null || not_ok "$g differs with TC_HUGE_PAGES=0"
done
[ $fail -eq 0 ] && ok "the same datasets with and without huge pages"
exit $fail
