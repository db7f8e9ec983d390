# `make install` into a DESTDIR, then from another folder: the installed binary
# validates and runs the installed scenarios (the fit example finds its observed
# curve), `man -l` renders the page, the installed scripts run, and every page
# and figure the README links to under docs/ is installed. Run from the project root.
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
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
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
exit $fail
