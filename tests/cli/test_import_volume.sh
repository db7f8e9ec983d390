# `tagcascade import --format volume`: observed volume curves from CSV into an
# observed file's /series (docs/hdf5.md, "Observed volume").
#   posts (time[,class]): the same instants written with two offsets, in Unix
#   seconds and naive with --tz give the same bins; the class column gives
#   volume_human and volume_bot; --bin 15m; bins (start,count[,human,bot]);
#   the datasets read back with h5py, counts, sums and t exactly;
#   the file read back by the library (tc_volume_read_h5, tc_volume_print);
#   bad input: exit 2, "file:line:col: expected ..., got '...'" and no output
#   file (nor a temporary one) for each case.
# Run from the project root: sh tests/cli/test_import_volume.sh (env BIN, PY, BUILD).
set -u
ROOT=$(pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
BIN=${BIN:-$BUILD/tagcascade}
case $BIN in /*) ;; */*) BIN=$ROOT/$BIN ;; esac
PY=${PY:-/usr/bin/python3}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
fail=0 n=0
check() { # what, then a command that must succeed
    n=$((n + 1))
    what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
}
# import FILE OUT [OPTIONS]: exit code in rc, stdout in out, stderr in err
imp() {
    f=$1 o=$2
    shift 2
    "$BIN" import --format volume "$f" -o "$o" "$@" >out 2>err
    rc=$?
}
# h5 FILE EXPR: a Python expression over f (the file), s (/series), m (/meta's
# attributes) and v(name) (a /series dataset as a list) must be true
h5() {
    "$PY" - "$1" "$2" <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    s, m = f["series"], f["meta"].attrs
    v = lambda name: s[name][:].tolist()
    ok = eval(sys.argv[2])
    if not ok:
        print("# false:", sys.argv[2])
        print("#", {k: s[k][:].tolist()[:20] for k in s}, dict(m))
    sys.exit(0 if ok else 1)
EOF
}
# bad CASE FILE NEEDLE [OPTIONS]: exit 2, stderr holds NEEDLE, nothing written
bad() {
    c=$1 f=$2 needle=$3
    shift 3
    rm -f bad.h5
    imp "$f" bad.h5 "$@"
    left=$(ls -a | grep -c '^bad\.h5')
    n=$((n + 1))
    if [ "$rc" = 2 ] && grep -qF -- "$needle" err && [ "$left" = 0 ]; then
        echo "ok - $c"
    else
        echo "not ok - $c: exit $rc (want 2), $left output files; stderr: $(head -c 400 err)"
        fail=1
    fi
}

# ------------------------------------------------------------------ posts
# five posts at 18:49:00, 18:59:59, 19:00:00, 21:30:00, 21:45:10 UTC on 5 May
# 2017: hourly bins from 18:00 UTC hold 2, 1, 0, 2
cat >paris.csv <<'EOF'
time,class
2017-05-05T20:49:00+02:00,human
2017-05-05T20:59:59+02:00,bot
2017-05-05T21:00:00+02:00,human
2017-05-05T23:30:00+02:00,human
2017-05-05T23:45:10+02:00,bot
EOF
# the same instants in New York time (and one in UTC), out of order
cat >newyork.csv <<'EOF'
time
2017-05-05T17:45:10-04:00
2017-05-05 14:49:00-04:00
2017-05-05T15:00:00-04:00
2017-05-05T21:30:00Z
2017-05-05T14:59:59-04:00
EOF
# and in Unix seconds, with a fraction, CRLF line ends and a byte order mark
printf '\357\273\277time\r\n1494010140\r\n1494010799.999\r\n1494010800\r\n1494019800\r\n1494020710.5\r\n' >unix.csv

imp paris.csv paris.h5
check "posts with +02:00: exit 0, the output path on stdout" \
    sh -c "[ $rc = 0 ] && [ \"\$(cat out)\" = paris.h5 ] && [ -f paris.h5 ]"
check "posts: the summary line (rows, bins, width, start in the data's offset, posts)" \
    grep -qF "tagcascade: 5 rows, 4 bins of 1h from 2017-05-05T20:00:00+02:00, 5 posts (people 3, bots 2)" err
check "posts: kind observed, schema 1, source volume" \
    h5 paris.h5 'f.attrs["kind"] == "observed" and int(f.attrs["schema_version"]) == 2 and m["source"] == "volume"'
check "posts: volume 2,1,0,2 and t 0,3600,7200,10800" \
    h5 paris.h5 'v("volume") == [2, 1, 0, 2] and v("t") == [0, 3600, 7200, 10800]'
check "posts: class column gives volume_human 1,1,0,1 and volume_bot 1,0,0,1" \
    h5 paris.h5 'v("volume_human") == [1, 1, 0, 1] and v("volume_bot") == [1, 0, 0, 1]'
check "posts: human + bot = volume in every bin, sums 3 + 2 = 5" \
    h5 paris.h5 'all(a + b == c for a, b, c in zip(v("volume_human"), v("volume_bot"), v("volume"))) and sum(v("volume")) == 5'
check "posts: /meta start_utc, utc_offset_s, bin_s, rows, input, command" \
    h5 paris.h5 'm["start_utc"] == "2017-05-05T18:00:00+00:00" and int(m["utc_offset_s"]) == 7200 and float(m["bin_s"]) == 3600 and int(m["rows"]) == 5 and m["input"] == "paris.csv" and "import --format volume" in m["command"]'
check "posts: units and descriptions; t's start in the data's offset" \
    h5 paris.h5 's["t"].attrs["units"] == "seconds since 2017-05-05 18:00:00" and s["t"].attrs["start"] == "2017-05-05T20:00:00+02:00" and s["volume"].attrs["units"] == "posts per bin" and all(len(s[k].attrs["description"]) > 0 for k in s)'
check "posts: float64 datasets" \
    h5 paris.h5 'all(s[k].dtype == "float64" for k in ("t", "volume", "volume_human", "volume_bot"))'

imp newyork.csv newyork.h5
check "posts with -04:00 (unsorted, one in Z): exit 0" [ "$rc" = 0 ]
check "-04:00 and +02:00: the same bins, no class series" \
    h5 newyork.h5 'v("volume") == [2, 1, 0, 2] and v("t") == [0, 3600, 7200, 10800] and m["start_utc"] == "2017-05-05T18:00:00+00:00" and "volume_human" not in s and "volume_bot" not in s'
check "-04:00: the display offset is the data's" h5 newyork.h5 'int(m["utc_offset_s"]) == -14400'

imp unix.csv unix.h5
check "Unix seconds (BOM, CRLF, fractions): exit 0" [ "$rc" = 0 ]
check "Unix seconds: the same bins, offset 0" \
    h5 unix.h5 'v("volume") == [2, 1, 0, 2] and m["start_utc"] == "2017-05-05T18:00:00+00:00" and int(m["utc_offset_s"]) == 0'

imp paris.csv q15.h5 --bin 15m
check "--bin 15m: exit 0" [ "$rc" = 0 ]
check "--bin 15m: 13 bins from 18:45 UTC, 2 at 0, 1 at 1, 1 at 11, 1 at 12" \
    h5 q15.h5 'v("volume") == [2, 1] + [0] * 9 + [1, 1] and v("t") == [900.0 * i for i in range(13)] and float(m["bin_s"]) == 900 and m["start_utc"] == "2017-05-05T18:45:00+00:00"'
check "--bin 15m: the summary names the width" grep -qF "13 bins of 15m from 2017-05-05T20:45:00+02:00" err

"$BIN" import --format volume paris.csv -o quiet.h5 --quiet >out 2>err
check "--quiet: exit 0, nothing on stderr" sh -c "[ $? = 0 ] && [ ! -s err ] && [ -f quiet.h5 ]"

# naive times: refused without --tz, read in --tz with it
printf 'time\n2017-05-05T20:49:00+02:00\n2017-05-05 20:59:59\n2017-05-05T23:30\n' >naive.csv
bad "naive time without --tz" naive.csv \
    "naive.csv:3:1: expected a time with a UTC offset, got '2017-05-05 20:59:59' without one: a time zone is needed (--tz +02:00 or an offset in the time"
imp naive.csv naive.h5 --tz +02:00
check "naive times with --tz +02:00: exit 0, the same bins as the zoned times" \
    sh -c "[ $rc = 0 ] && [ -f naive.h5 ]"
check "naive with --tz: volume 2,0,0,1 from 18:00 UTC, offset +02:00" \
    h5 naive.h5 'v("volume") == [2, 0, 0, 1] and m["start_utc"] == "2017-05-05T18:00:00+00:00" and int(m["utc_offset_s"]) == 7200'

# ------------------------------------------------------------------ bins
cat >bins.csv <<'EOF'
start,count
2017-05-05T20:00:00+02:00,10
2017-05-05T21:00:00+02:00,0
2017-05-05T22:00:00+02:00,2.5
EOF
imp bins.csv bins.h5
check "bins: exit 0" [ "$rc" = 0 ]
check "bins: volume 10,0,2.5, width inferred 1h, t exact, no class series" \
    h5 bins.h5 'v("volume") == [10, 0, 2.5] and v("t") == [0, 3600, 7200] and float(m["bin_s"]) == 3600 and m["start_utc"] == "2017-05-05T18:00:00+00:00" and int(m["utc_offset_s"]) == 7200 and "volume_human" not in s'
check "bins: the summary line" grep -qF "3 rows, 3 bins of 1h from 2017-05-05T20:00:00+02:00, 12.5 posts" err

printf 'start , count , human , bot\n1494007200,10,6,4\n1494008100,3,1,2\n1494009000,0,0,0\n1494009900,7,7,0\n' >bins_hb.csv
imp bins_hb.csv bins_hb.h5 --bin 15m
check "bins with human,bot and --bin 15m matching: exit 0" [ "$rc" = 0 ]
check "bins with human,bot: the three series and sums" \
    h5 bins_hb.h5 'v("volume") == [10, 3, 0, 7] and v("volume_human") == [6, 1, 0, 7] and v("volume_bot") == [4, 2, 0, 0] and v("t") == [0, 900, 1800, 2700] and float(m["bin_s"]) == 900 and sum(v("volume")) == 20'
check "bins: the summary gives people and bots" grep -qF "20 posts (people 14, bots 6)" err

printf 'start,count\n1494007200,4\n' >one.csv
bad "one bin without --bin" one.csv "one.csv:2:1: expected at least two rows to infer the bin width"
imp one.csv one.h5 --bin 1d
check "one bin with --bin 1d" h5 one.h5 'v("volume") == [4] and float(m["bin_s"]) == 86400'

# ------------------------------------------------------------------ the library reads it back
cat >rd.c <<'EOF'
#include <stdio.h>
#include "io/volume.h"
int main(int argc, char **argv)
{
    tc_lib_errors_off();
    tc_err err = {0};
    tc_volume v;
    if (tc_volume_read_h5(&v, argv[1], &err)) {
        printf("%d %s\n", err.code, err.msg);
        return 0;
    }
    double sum = 0;
    for (int64_t b = 0; b < v.B; b++) sum += v.total[b];
    printf("start=%lld offset=%d bin=%g B=%lld rows=%lld classes=%d sum=%g\n", (long long)v.start,
           v.offset_s, v.bin_s, (long long)v.B, (long long)v.rows, v.human != NULL, sum);
    tc_volume_destroy(&v);
    if (tc_volume_print(argv[1], stdout, &err)) printf("%d %s\n", err.code, err.msg);
    tc_lib_close();
    return 0;
}
EOF
deps=$(cd "$ROOT" && make --no-print-directory -s print-deps 2>/dev/null)
cflags=$(printf '%s\n' "$deps" | sed -n 's/^DEPS_CFLAGS=//p')
libs=$(printf '%s\n' "$deps" | sed -n 's/^DEPS_LIBS=//p')
compile() { # extra flags (a library built with sanitizers needs them too)
    # shellcheck disable=SC2086
    cc "$@" -std=c11 -D_GNU_SOURCE -fopenmp -I"$ROOT/sim" -I"$ROOT/models" $cflags rd.c \
        "$BUILD/libtagcascade.a" -o rd $libs -lm >cc.log 2>&1
}
if [ -f "$BUILD/libtagcascade.a" ] && { compile || compile -fsanitize=address,undefined; }; then
    ./rd paris.h5 >rd.out 2>&1
    check "tc_volume_read_h5: start, offset, width, bins, rows, classes, sum" \
        grep -qF "start=1494007200 offset=7200 bin=3600 B=4 rows=5 classes=1 sum=5" rd.out
    check "tc_volume_print: source, bins, posts, peak" sh -c \
        "grep -qF 'observed volume from paris.csv (paris.h5)' rd.out && grep -qF '5 rows; 4 bins of 1h from 2017-05-05T20:00:00+02:00 to 2017-05-06T00:00:00+02:00' rd.out && grep -qF 'posts: 5 (people 3, bots 2)' rd.out && grep -qF 'peak: 2 posts in the bin from 2017-05-05T20:00:00+02:00' rd.out"
    "$BIN" run "$ROOT/tests/golden/tiny.yaml" -o run.h5 -q >/dev/null 2>&1
    ./rd run.h5 >rd.out 2>&1
    check "tc_volume_read_h5 of a run file: not an observed volume file" \
        grep -qF "2 run.h5: not an observed volume file (import it with tagcascade import --format volume)" rd.out
    cp paris.h5 cut.h5 && truncate -s -100 cut.h5 && ./rd cut.h5 >rd.out 2>&1
    check "tc_volume_read_h5 of a cut file: exit code 2 and a message" grep -q '^2 cut.h5' rd.out
    # files made by another program (unsealed HDF5): each check of the reader
    "$PY" - <<'EOF'
import h5py, numpy as np
def mk(name, vol=(1.0, 2.0), t=(0.0, 3600.0), bin_s=3600.0, source="volume", human=None):
    with h5py.File(name, "w") as f:
        f.attrs["schema_version"] = np.int32(1)
        f.attrs["kind"] = "observed"
        m = f.create_group("meta")
        m.attrs.update(source=source, bin_s=bin_s, utc_offset_s=np.int32(0), rows=np.int64(3),
                       start_utc="2017-05-05T18:00:00+00:00")
        s = f.create_group("series")
        s["t"], s["volume"] = np.array(t), np.array(vol)
        if human is not None:
            s["volume_human"] = np.array(human)
mk("h_ok.h5")
mk("h_nan.h5", vol=(1.0, float("nan")))
mk("h_len.h5", vol=(1.0, 2.0, 3.0))
mk("h_t.h5", t=(0.0, 100.0))
mk("h_bin.h5", bin_s=-5.0)
mk("h_src.h5", source="csv")
mk("h_half.h5", human=(1.0, 1.0))
EOF
    for c in "h_ok.h5:start=1494007200 offset=0 bin=3600 B=2 rows=3 classes=0 sum=3" \
        "h_nan.h5:2 h_nan.h5: /series/volume[1]: expected a finite count >= 0, got nan" \
        "h_len.h5:2 h_len.h5: /series/volume has 3 rows, /series/t 2: expected the same" \
        "h_t.h5:2 h_t.h5: /series/t[1] = 100: expected 1 × bin_s = 3600" \
        "h_bin.h5:2 h_bin.h5: /meta bin_s: expected a bin width from 1 s to 366 days, got -5" \
        "h_src.h5:2 h_src.h5: not an observed volume file" \
        "h_half.h5:2 h_half.h5: /series/volume_human without /series/volume_bot"; do
        ./rd "${c%%:*}" >rd.out 2>&1
        check "tc_volume_read_h5 of ${c%%:*}: ${c#*:}" grep -qF "${c#*:}" rd.out
    done
else
    echo "# skipped the library checks: could not compile against $BUILD/libtagcascade.a"
    head -n 5 cc.log | sed 's/^/# /'
fi

# ------------------------------------------------------------------ bad input
printf 'time,count\n1,2\n' >header.csv
bad "unknown header" header.csv \
    "header.csv:1:1: expected the header time[,class] (one row per post) or start,count[,human,bot] (one row per bin), got 'time,count'"
printf 'start,count,human\n1,2,3\n' >half.csv
bad "human without bot" half.csv "half.csv:1:1: expected both columns human and bot or neither"
printf 'start,count\n1494007200,1\n1494010800,2\n1494010800,3\n' >rising.csv
bad "starts not rising" rising.csv "rising.csv:4:1: expected a bin start after the previous one (line 3), got '1494010800'"
printf 'start,count\n1494007200,1\n1494010800,2\n1494018000,3\n' >uneven.csv
bad "starts unevenly spaced" uneven.csv \
    "uneven.csv:4:1: expected bins evenly spaced by 1h (the first two starts, lines 2 and 3), got '1494018000', 2h after the previous one"
bad "--bin not matching the starts" bins.csv \
    "bins.csv:3:1: expected a bin start 15m after the previous one (--bin 15m), got '2017-05-05T21:00:00+02:00', 1h after it" --bin 15m
printf 'start,count\n1494007200,5\n1494010800,-1\n' >negative.csv
bad "negative count" negative.csv "negative.csv:3:12: expected the count, a number >= 0, got '-1'"
printf 'start,count\n1494007200,5\n1494010800,  NaN\n' >nan.csv
bad "NaN count" nan.csv "nan.csv:3:14: expected the count, a number >= 0, got 'NaN'"
printf 'start,count\n1494007200,inf\n' >inf.csv
bad "inf count" inf.csv "inf.csv:2:12: expected the count, a number >= 0, got 'inf'"
printf 'start,count\n1494007200,1e400\n' >huge.csv
bad "count beyond float64" huge.csv "huge.csv:2:12: expected the count, a finite number >= 0, got '1e400'"
printf 'start,count,human,bot\n1494007200,5,4,2\n' >sum.csv
bad "human + bot above the count" sum.csv "sum.csv:2:14: expected human + bot at most the count 5, got '4' + '2'" --bin 1h
printf 'time,class\n1494010140,human\n1494010141, robot\n' >class.csv
bad "unknown class" class.csv "class.csv:3:13: expected the class human or bot, got 'robot'"
printf 'time\n1494010140,1\n' >extra.csv
bad "a field too many" extra.csv "extra.csv:2:11: expected the end of the row after 1 field (time), got ',1'"
printf 'time\n99999999999999999999999999999\n' >bigtime.csv
bad "a huge Unix time" bigtime.csv "bigtime.csv:2:1: expected Unix seconds from -62135596800 to 253402300799"
printf 'time\n2017-02-30T10:00:00+02:00\n' >feb30.csv
bad "no such day" feb30.csv "feb30.csv:2:1: expected a time (ISO 8601 with an offset, e.g. 2017-05-05T20:49:00+02:00, or Unix seconds) as the post's time, got '2017-02-30T10:00:00+02:00'"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\377\376' >garbage.csv
bad "garbage bytes" garbage.csv "garbage.csv:1:1: expected the header time[,class]"
printf 'time\n\377\376\001\002\n' >garbage2.csv
bad "garbage bytes in a row" garbage2.csv "garbage2.csv:2:1: expected a time (ISO 8601 with an offset"
printf 'time\n1494010140\n14940\00010141\n' >nul.csv
bad "a NUL byte" nul.csv "nul.csv:3:6: expected text, got a NUL byte"
head -c 200000 /dev/zero | tr '\0' 7 | sed '1s/^/time\n/' >long.csv
bad "a line over 64 KiB" long.csv "long.csv:2:1: expected a line of at most 65536 bytes"
printf 'time\n0\n20000000\n' >span.csv
bad "more than 10^7 bins" span.csv "span.csv:3:1: expected posts within 10000000 bins of 1s" --bin 1s
: >empty.csv
bad "empty file" empty.csv "empty.csv:1:1: empty file: expected the header"
printf 'time,class\n' >headeronly.csv
bad "header only" headeronly.csv "headeronly.csv:2:1: expected rows after the header time,class, got none"
bad "a missing file" nosuch.csv "nosuch.csv"
bad "--bin not a duration" paris.csv "--bin: expected a duration such as 1h, 15m or 90s, got 'soon'" --bin soon
bad "--bin below a second" paris.csv "--bin: expected whole seconds from 1s to 366d, got '500ms'" --bin 500ms
bad "--tz malformed" paris.csv "--tz: expected a UTC offset +HH:MM, -HH:MM or Z, got '2'" --tz 2
printf 'time,account,parent\n0,a,\n' >casc.csv
"$BIN" import --format csv casc.csv -o tz.h5 --tz +02:00 >out 2>err
rc=$?
check "--tz with --format csv: exit 2, refused, nothing written" \
    sh -c "[ $rc = 2 ] && grep -qF -- '--tz: only with --format volume (not csv)' err && [ ! -e tz.h5 ]"
"$BIN" import --format twitter1516 casc.csv -o bin.h5 --bin 1h >out 2>err
rc=$?
check "--bin with --format twitter1516: exit 2, nothing written" \
    sh -c "[ $rc = 2 ] && grep -qF -- '--bin: only with --format volume' err && [ ! -e bin.h5 ]"
"$BIN" import --format volume paris.csv newyork.csv -o two.h5 >out 2>err
rc=$?
check "two files with --format volume: exit 2" sh -c "[ $rc = 2 ] && [ ! -e two.h5 ]"
check "no temporary file left behind" sh -c "! ls -a | grep -q 'tmp'"

[ $fail -eq 0 ] || exit 1
echo "ok - import volume: $n checks"
