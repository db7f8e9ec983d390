# The portable build (packaging/configure.sh, Makefile): libraries found under
# other systems' names and paths, what is missing named, the shipped Random123.
#   - a Fedora/Spack-style .pc layout (plain `hdf5`, in a folder of its own,
#     Debian's folders hidden) and the shipped Random123: a whole build whose
#     run gives the same datasets as the main build's
#   - module-style: no .pc files at all, only CPATH and LIBRARY_PATH
#   - HDF5 through the h5cc wrapper; flags given by hand (HDF5_CFLAGS/LIBS)
#   - a library not installed (its headers hidden in a private mount
#     namespace): configure and make name it, exit non-zero, write no config.mk
#   - make deps where there is no apt-get: installs nothing, says so, exit 0
#   - the Apptainer recipe's build steps in a throw-away root; the Spack environments
set -u
BIN=${BIN:-build/tagcascade}
PY=${PY:-/usr/bin/python3}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'; }
have() { command -v "$1" >/dev/null 2>&1; }
# a private mount namespace in which a tmpfs can be mounted (root, and a
# container that allows it)
mkdir -p "$d/nsprobe"
ns=0
[ "$(id -u)" = 0 ] && have unshare && unshare -m sh -c "mount -t tmpfs none '$d/nsprobe'" 2>/dev/null && ns=1

pcdir=$(pkg-config --variable pc_path pkg-config 2>/dev/null | tr ':' '\n' | while read -r p; do
    [ -f "$p/hdf5-serial.pc" ] && echo "$p" && break; done)
if [ -z "$pcdir" ]; then
    echo "1..0 # SKIP no hdf5-serial.pc (Debian's layout) to build the others from"
    exit 77
fi

# ---------------------------------------------------------------- another .pc layout
# HDF5 as `hdf5` (Fedora, Spack, conda), prefix and folders spelt out as such a
# file does; the other libraries' files copied; nothing of Debian's folder seen
mkdir -p "$d/pc"
inc=$(pkg-config --cflags-only-I hdf5-serial | sed 's/^ *-I//; s/ .*//')
lib=$(pkg-config --libs-only-L hdf5-serial | sed 's/^ *-L//; s/ .*//')
[ -n "$inc" ] || inc=/usr/include
[ -n "$lib" ] || lib=$(dirname "$(cc -print-file-name=libhdf5.so)")
cat >"$d/pc/hdf5.pc" <<EOF
prefix=/opt/hdf5-1.10
includedir=$inc
libdir=$lib

Name: hdf5
Description: HDF5 (a non-Debian layout)
Version: $(pkg-config --modversion hdf5-serial)
Cflags: -I\${includedir}
Libs: -L\${libdir} -lhdf5
EOF
for p in igraph gsl yaml-0.1 zlib; do cp "$pcdir/$p.pc" "$d/pc/"; done
# igraph.pc may require other .pc files (libxml-2.0 ...): copy those too
for p in $(sed -n 's/^Requires[.a-z]*: *//p' "$pcdir"/igraph.pc | tr ',' ' ' | tr -s ' ' '\n' |
    grep -E '^[A-Za-z]'); do
    [ -f "$pcdir/$p.pc" ] && cp "$pcdir/$p.pc" "$d/pc/"
done
out=$(PKG_CONFIG_LIBDIR="$d/pc" R123=shipped make --no-print-directory -j2 BUILD="$d/b1" \
    "$d/b1/tagcascade" 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q 'HDF5 (serial): pkg-config hdf5 ' &&
    printf '%s\n' "$out" | grep -q 'Random123: the copy in third_party'; then
    ok "a Fedora/Spack-style .pc layout and the shipped Random123 build"
else
    not_ok "a Fedora/Spack-style .pc layout and the shipped Random123 build" "exit $rc: $(printf '%s\n' "$out" | grep -v '^cc\|^gcc' | tail -n 8)"
fi
if [ -x "$d/b1/tagcascade" ]; then
    "$BIN" run tests/golden/fast.yaml -q -o "$d/main.h5" &&
        "$d/b1/tagcascade" run tests/golden/fast.yaml -q -o "$d/other.h5"
    same=1
    for g in /series /summary /cascade; do
        h5diff -q "$d/main.h5" "$d/other.h5" $g $g >/dev/null 2>&1 || same=0
    done
    [ $same = 1 ] && ok "its run gives the main build's /series, /summary and /cascade (same streams)" ||
        not_ok "its run gives the main build's datasets" "h5diff differs"
fi

# ---------------------------------------------------------------- module style
# no .pc at all: the headers and libraries on CPATH and LIBRARY_PATH, as
# `module load hdf5` sets them
out=$(PKG_CONFIG_LIBDIR="$d/none" CPATH="$inc" LIBRARY_PATH="$lib" H5CC=/nonexistent \
    sh packaging/configure.sh "$d/mod.mk" 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q "HDF5 (serial): the compiler's paths with -lhdf5" &&
    printf '%s\n' "$out" | grep -q "igraph: the compiler's paths and -I.*igraph with -ligraph"; then
    ok "module style (CPATH, LIBRARY_PATH, no .pc)"
else
    not_ok "module style (CPATH, LIBRARY_PATH, no .pc)" "exit $rc: $out"
fi
# the same flags compile and link a program against the whole library
if [ -f "$d/mod.mk" ] && [ -f build/libtagcascade.a ]; then
    cflags=$(make --no-print-directory -s -f - print <<EOF
include $d/mod.mk
print: ; @echo \$(DEPS_CFLAGS) ::: \$(DEPS_LIBS)
EOF
)
    # shellcheck disable=SC2086
    if CPATH="$inc" LIBRARY_PATH="$lib" cc -std=c11 -D_GNU_SOURCE -fopenmp -Isim -Imodels ${cflags%% ::: *} sim/cli/*.c build/libtagcascade.a \
        -o "$d/mod-tagcascade" ${cflags##* ::: } -lm 2>"$d/err" &&
        "$d/mod-tagcascade" validate tests/golden/fast.yaml >/dev/null; then
        ok "module-style flags link the program"
    else
        not_ok "module-style flags link the program" "$(head -n 5 "$d/err")"
    fi
fi

# ---------------------------------------------------------------- h5cc, flags by hand
if have h5cc; then
    out=$(PKG_CONFIG_LIBDIR="$d/none" sh packaging/configure.sh "$d/h5cc.mk" 2>&1)
    printf '%s\n' "$out" | grep -q 'HDF5 (serial): h5cc -show' && ok "HDF5 through h5cc -show" ||
        not_ok "HDF5 through h5cc -show" "$out"
else
    echo "ok - # SKIP no h5cc"
fi
out=$(HDF5_CFLAGS="-I$inc" HDF5_LIBS="-L$lib -lhdf5" sh packaging/configure.sh "$d/hand.mk" 2>&1)
printf '%s\n' "$out" | grep -q 'HDF5 (serial): HDF5_CFLAGS/HDF5_LIBS as given' &&
    grep -q "^TC_HDF5_CFLAGS := -I$inc" "$d/hand.mk" && ok "HDF5_CFLAGS/HDF5_LIBS given by hand" ||
    not_ok "HDF5_CFLAGS/HDF5_LIBS given by hand" "$out"
# a serial build handed a parallel HDF5 says so (Debian: hdf5-openmpi)
if pkg-config --exists hdf5-openmpi 2>/dev/null; then
    out=$(HDF5_PKG=hdf5-openmpi H5CC=/nonexistent sh packaging/configure.sh "$d/par.mk" 2>&1)
    printf '%s\n' "$out" | grep -q 'pkg-config hdf5-openmpi: .*a parallel (MPI) HDF5' ||
        printf '%s\n' "$out" | grep -q "HDF5 (serial): the compiler's paths" &&
        ok "a parallel HDF5 is not taken for the serial build" ||
        not_ok "a parallel HDF5 is not taken for the serial build" "$out"
fi

# ---------------------------------------------------------------- missing
# igraph's headers hidden in a private mount namespace: as if not installed
ig=$(pkg-config --variable includedir igraph)/igraph
if [ $ns = 1 ] && [ -d "$ig" ]; then
    unshare -m sh -c "mount -t tmpfs none '$ig' && PKG_CONFIG_LIBDIR='$d/pc' \
        make --no-print-directory BUILD='$d/b2' '$d/b2/config.mk'" >"$d/out" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && grep -q 'cannot find igraph (<igraph.h>, -ligraph)' "$d/out" &&
        grep -q 'pkg-config igraph: .*igraph.h' "$d/out" && grep -q 'IGRAPH_PKG=NAME' "$d/out" &&
        grep -q 'dnf install igraph-devel' "$d/out" && [ ! -f "$d/b2/config.mk" ]; then
        ok "a missing library is named, with what was tried and how to fix it"
    else
        not_ok "a missing library is named" "exit $rc: $(cat "$d/out")"
    fi
else
    echo "ok - # SKIP missing library: needs a private mount namespace (root, unshare -m, mount)"
fi
if [ $ns = 1 ] && [ -d /usr/include/Random123 ]; then
    out=$(R123=system unshare -m sh -c "mount -t tmpfs none /usr/include/Random123 &&
        sh packaging/configure.sh '$d/r.mk'" 2>&1)
    rc=$?
    [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q 'R123=system, but the compiler finds no <Random123/philox.h>' &&
        [ ! -f "$d/r.mk" ] && ok "R123=system without Random123 says so" ||
        not_ok "R123=system without Random123 says so" "exit $rc: $out"
fi

# ---------------------------------------------------------------- make deps without apt
out=$(PATH="$d/empty" /usr/bin/make --no-print-directory deps 2>&1)
rc=$?
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -q 'no apt-get here, nothing installed' &&
    ok "make deps where there is no apt-get" || not_ok "make deps where there is no apt-get" "exit $rc: $out"

# ---------------------------------------------------------------- the container recipe
# packaging/tagcascade.def's %files and %post, as Apptainer would run them, in a
# throw-away root: a tmpfs with this machine's /usr, /etc and dpkg database bound
# read-only, /usr/local a fresh tmpfs, the project copied as %files says; then
# its %test. (Apptainer itself would start from debian:12 and fetch packages.)
def=packaging/tagcascade.def
section() { awk -v s="%$1" '/^%/ { on = ($1 == s); next } on' "$def"; }
if [ $ns = 1 ] && have chroot && have dpkg-query && have git; then
    r=$d/root
    mkdir -p "$r"
    section post >"$d/post.sh"
    section test >"$d/test.sh"
    files=$(section files | sed 's/^ *//')
    to=${files#* }
    git ls-files -co --exclude-standard >"$d/list" 2>/dev/null || find . -path ./build -prune -o -type f -print >"$d/list"
    unshare -m sh -c '
        set -e
        r=$1 d=$2 to=$3
        mount -t tmpfs none "$r"
        mkdir -p "$r/usr" "$r/etc" "$r/dev" "$r/proc" "$r/tmp" "$r/root" "$r/var/lib/dpkg" "$r$to"
        for p in /usr /etc /var/lib/dpkg; do
            mount --bind "$p" "$r$p"
            mount -o remount,bind,ro "$r$p"
        done
        mount -t tmpfs none "$r/usr/local"
        for l in bin sbin lib lib32 lib64 libx32; do
            if [ -L "/$l" ]; then ln -s "$(readlink "/$l")" "$r/$l"
            elif [ -d "/$l" ]; then mkdir -p "$r/$l"; mount --bind "/$l" "$r/$l"; fi
        done
        mount --bind /dev "$r/dev"
        mount -t proc proc "$r/proc"
        tar -cf - -T "$d/list" | tar -xf - -C "$r$to"
        cp "$d/post.sh" "$d/test.sh" "$r/tmp/"
        chroot "$r" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root sh -e /tmp/post.sh
        chroot "$r" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root sh -e /tmp/test.sh
        [ ! -e "$r$to/build" ]
    ' sh "$r" "$d" "$to" >"$d/container.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q 'container-build: tagcascade installed in /usr/local' "$d/container.log"; then
        ok "the container recipe's %post and %test in a throw-away root"
    else
        not_ok "the container recipe's %post and %test in a throw-away root" "exit $rc: $(grep -v '^cc\|^gcc\|^ar ' "$d/container.log" | tail -n 12)"
    fi
else
    echo "ok - # SKIP the container recipe: needs a private mount namespace, chroot, dpkg and git"
fi

# ---------------------------------------------------------------- Spack environments
# every library configure.sh looks for has a spec in both environments
"$PY" - packaging/spack.yaml packaging/spack-mpi.yaml <<'PYEOF' && ok "the Spack environments name every library" || not_ok "the Spack environments name every library"
import sys, yaml
need = {"igraph", "gsl", "hdf5", "libyaml", "zlib", "random123", "pkgconf"}
for f in sys.argv[1:]:
    specs = yaml.safe_load(open(f))["spack"]["specs"]
    names = {s.split("~")[0].split("+")[0].split("@")[0].strip() for s in specs}
    want = need | ({"mpi"} if "mpi" in f else set())
    hdf5 = [s for s in specs if s.startswith("hdf5")][0]
    if want - names or (("+mpi" in hdf5) != ("mpi" in f)):
        print(f, "lacks", sorted(want - names), "or has", hdf5); sys.exit(1)
PYEOF

echo "1..$n"
[ $bad -eq 0 ]
