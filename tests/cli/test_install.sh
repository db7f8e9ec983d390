# `make install` into a DESTDIR, then from another folder: the installed binary
# validates and runs the installed scenarios (the fit example finds its observed
# curve), `man -l` renders the page, the installed scripts and the installed
# Python example run, and every page
# and figure the README links to under docs/ is installed. The C library: its
# soname and links, exports exactly the header's functions; the installed C
# example compiled through pkg-config (shared, and static once) writes the
# /series `tagcascade run` writes for the same scenario and seed, prints the
# run's /summary numbers, and exits 2 naming the file of a bad scenario.
# Run from the project root.
set -u
ROOT=$(pwd)
BUILD=${BUILD:-build}
PY=${PY:-/usr/bin/python3}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fail=0
check() { # what, then a command that must succeed
    what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; return 1; fi
}
make -s install BUILD="$BUILD" DESTDIR="$T/root" PREFIX=/usr >"$T/install.log" 2>&1 ||
    { echo "not ok - make install: $(tail -n 5 "$T/install.log")"; exit 1; }
P=$T/root/usr
cd "$T" || exit 1
check "the installed binary says its version" sh -c "'$P/bin/tagcascade' --version | grep -q '^tagcascade [0-9]*\.[0-9]*\.[0-9]*$'"
for s in macronleaks.yaml classroom.yaml fit/hashtag.yaml fit/recovery.yaml; do
    check "validate the installed scenarios/$s (its files found)" \
        sh -c "'$P/bin/tagcascade' validate '$P/share/tagcascade/scenarios/$s' -q"
done
"$P/bin/tagcascade" fit "$P/share/tagcascade/scenarios/fit/hashtag.yaml" -o fit.h5 -q \
    --set fit.algorithm.particles=10 --set fit.algorithm.max_simulations=10 --set fit.algorithm.predictive=2
check "the installed fit example runs" sh -c "[ -s fit.h5 ] && '$P/bin/tagcascade' summary fit.h5 | grep -q '^model.p '"
check "the installed plot script draws it" sh -c "'$PY' '$P/share/tagcascade/analysis/plot_fit.py' fit.h5 -o fit.png >/dev/null && [ -s fit.png ]"
"$PY" -c 'import pandas, xarray' 2>/dev/null && PD=1 || PD=0
if [ $PD = 1 ]; then
    # from another folder, with only the installed package on the path
    TAGCASCADE_BIN=$P/bin/tagcascade PYTHONPATH=$P/lib/python3/dist-packages "$PY" - fit.h5 "$P/share/tagcascade/scenarios/fit/recovery.yaml" "$P" >py.out 2>&1 <<'EOF'
import sys
import tagcascade
assert tagcascade.__file__.startswith(sys.argv[3]), tagcascade.__file__
fit = tagcascade.open(sys.argv[1])
assert list(fit.summary().index)[:1] == ["model.p"]
run = tagcascade.run(sys.argv[2], {"model.p": 0.2})
df = run.frame()
ds = run.to_xarray()
assert str(ds["time"].dtype).startswith("datetime64") and len(df) == ds.sizes["time"] == 72
assert int(df["volume_human"].sum() + df["volume_bot"].sum()) == int(run.summary["volume"])
print("ok")
EOF
    check "the installed Python package: a fit's summary, a run as a DataFrame and an xarray Dataset with decoded time" grep -qx ok py.out || cat py.out
    # the installed worked example, on the installed package and program
    TAGCASCADE_BIN=$P/bin/tagcascade PYTHONPATH=$P/lib/python3/dist-packages MPLBACKEND=Agg \
        "$PY" "$P/share/doc/tagcascade/examples/default_replay.py" --quick --out ex \
        --scenario "$P/share/tagcascade/scenarios/classroom.yaml" >ex.out 2>&1
    check "the installed example default_replay.py runs on the installed package" \
        sh -c "ls ex/*.png >/dev/null 2>&1 && grep -qi 'busiest' ex.out" || cat ex.out
else
    echo "ok - # SKIP the Python package check: pandas or xarray missing (Debian: python3-pandas, python3-xarray)"
fi
if command -v man >/dev/null 2>&1; then
    check "man -l renders tagcascade(1)" sh -c "man -l '$P/share/man/man1/tagcascade.1' 2>/dev/null | grep -q 'tagcascade fit SCENARIO'"
else
    echo "ok - # SKIP man is not installed (Debian: man-db)"
fi
missing=""
for d in $(grep -o '](docs/[^)#]*' "$ROOT/README.md" | sed 's/^](docs\///' | sort -u); do
    [ -e "$P/share/doc/tagcascade/$d" ] || missing="$missing $d"
done
check "every docs page and figure the README links to is installed${missing:+ (missing:$missing)}" [ -z "$missing" ]
missing=""
for f in "$ROOT"/scenarios/cluster/*.sbatch "$ROOT"/analysis/demo_bots.sh; do
    rel=${f#"$ROOT"/}
    [ -x "$P/share/tagcascade/$rel" ] || missing="$missing $rel"
done
for f in "$ROOT"/docs/examples/*; do
    [ -e "$f" ] || continue
    [ -f "$P/share/doc/tagcascade/examples/${f##*/}" ] || missing="$missing docs/examples/${f##*/}"
done
check "the cluster scripts, demo_bots.sh and docs/examples are installed${missing:+ (missing:$missing)}" [ -z "$missing" ]

# ---------------------------------------------------------------- the C library
if ! command -v pkg-config >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
    echo "ok - # SKIP the C library checks: no pkg-config or cc (Debian: pkg-config, gcc)"
    exit $fail
fi
L=$P/lib
V=$("$P/bin/tagcascade" --version | sed 's/^tagcascade //')
check "libtagcascade.so.$V, its soname libtagcascade.so.0 and the links" sh -c "
    readelf -d '$L/libtagcascade.so.$V' | grep -q 'SONAME.*\[libtagcascade\.so\.0\]' &&
    [ \"\$(readlink '$L/libtagcascade.so.0')\" = libtagcascade.so.$V ] &&
    [ \"\$(readlink '$L/libtagcascade.so')\" = libtagcascade.so.0 ] && [ -f '$L/libtagcascade.a' ]"
# the exports: every function the header declares (TC_API), and nothing else
sed -n 's/^TC_API .*[ *]\([a-z_0-9]*\)(.*/\1/p' "$P/include/tagcascade.h" | sort >declared
nm -D --defined-only "$L/libtagcascade.so.0" | awk '{ print $NF }' | sort >exported
check "the shared library exports exactly the header's $(wc -l <declared) functions, all tc_*" sh -c \
    "[ \$(wc -l <declared) -ge 8 ] && cmp -s declared exported && ! grep -qv '^tc_' exported" ||
    diff declared exported | sed 's/^/#   /'
# pkg-config from the DESTDIR: prefix moved to where the files are
pc() { PKG_CONFIG_PATH="$L/pkgconfig" pkg-config --define-variable=prefix="$P" "$@"; }
EX=$P/share/doc/tagcascade/examples/run_scenario.c
SC=$P/share/tagcascade/scenarios/fit/recovery.yaml
# compiled once, then linked to the shared library and to the static one
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -c "$EX" $(pc --cflags tagcascade) -o ex.o 2>cc.err &&
    cc ex.o $(pc --libs tagcascade) -o ex-shared 2>>cc.err
check "the C example compiles with pkg-config --cflags --libs tagcascade, linked to libtagcascade.so.0" \
    sh -c "readelf -d ex-shared | grep -q 'NEEDED.*\[libtagcascade\.so\.0\]'" || sed 's/^/#   /' cc.err
# statically: libtagcascade.a, and pkg-config's Libs.private for what it needs
# shellcheck disable=SC2046
cc ex.o $(pc --static --libs tagcascade | sed 's/-ltagcascade\( \|$\)/-l:libtagcascade.a /') \
    -o ex-static 2>cc.err
check "the C example links statically with pkg-config --static --libs tagcascade" \
    sh -c "[ -x ex-static ] && ! readelf -d ex-static | grep -q libtagcascade" || sed 's/^/#   /' cc.err
"$P/bin/tagcascade" run "$SC" --seed 7 --set model.p=0.15 -q -o cli.h5
"$P/bin/tagcascade" run "$SC" --seed 8 --set model.p=0.15 -q -o cli8.h5
LD_LIBRARY_PATH=$L ./ex-shared "$SC" 7 lib.h5 model.p=0.15 >lib.out 2>lib.err
./ex-static "$SC" 7 static.h5 model.p=0.15 >/dev/null 2>>lib.err
# one Python for every comparison (h5py takes a while to import): /series
# datasets alike byte for byte (names, types, shapes, bytes; strings, as the
# community axis, by value), and the numbers the example prints against the
# run's /summary; a line per verdict
"$PY" - <<'EOF2' >cmp.out 2>&1
import h5py
def content(o):
    v = o[()]
    return repr(v.tolist()) if o.dtype.kind == "O" else v.tobytes()
def series(path):
    try:
        f, d = h5py.File(path, "r"), {}
    except OSError:
        return {}
    f["series"].visititems(lambda n, o: d.update({n: (o.dtype.str, o.shape, content(o))})
                           if isinstance(o, h5py.Dataset) else None)
    return d
cli = series("cli.h5")
for name in ("lib", "static"):
    if cli and series(name + ".h5") == cli:
        print("same", name)
if series("cli8.h5") != cli:
    print("seeds differ")
f, seen = h5py.File("cli.h5", "r"), 0
for line in open("lib.out"):
    w = line.split()
    if len(w) == 2 and w[0] in f["summary"]:
        want = float(f["summary"][w[0]][()])
        if abs(float(w[1]) - want) > 1e-9 * max(1.0, abs(want)):
            print(w, "but /summary has", want)
            break
        seen += 1
else:
    if seen >= 4 and float(f["summary"]["reach"][()]) > 0:
        print("summary")
EOF2
check "the C example (shared) writes the /series of \`tagcascade run --seed 7 --set model.p=0.15\`" \
    grep -qx 'same lib' cmp.out || sed 's/^/#   /' lib.err cmp.out
check "the C example (static) writes the same /series" grep -qx 'same static' cmp.out
check "another seed's /series differ (the comparison can fail)" grep -qx 'seeds differ' cmp.out
check "the numbers the C example prints are the run's /summary" grep -qx summary cmp.out ||
    sed 's/^/#   /' lib.out cmp.out
# bad input: exit 2, the library's message naming the file (and line and key)
printf 'name: bad\nseed: 1\nmodell: {name: ic}\n' >bad.yaml
LD_LIBRARY_PATH=$L ./ex-shared bad.yaml 7 bad.h5 >/dev/null 2>bad.err
rc=$?
check "a bad scenario: the C example exits 2 with the file, line and key, and writes nothing" \
    sh -c "[ $rc = 2 ] && grep -q 'bad.yaml:3:1: .*modell' bad.err && [ ! -e bad.h5 ]" || sed 's/^/#   /' bad.err
LD_LIBRARY_PATH=$L ./ex-shared "$SC" 7 lib2.h5 model.p=7 >/dev/null 2>bad.err
rc=$?
check "an override out of range: exit 2 naming the key" sh -c "[ $rc = 2 ] && grep -q 'model.p' bad.err" ||
    sed 's/^/#   /' bad.err
exit $fail
