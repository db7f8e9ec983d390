#!/bin/sh
# Finds the libraries the build needs and writes their flags to a Makefile
# fragment. The Makefile runs it (into $(BUILD)/config.mk) before the first
# compile and again when one of the settings below changes.
#
#   sh packaging/configure.sh OUT
#
# Each library is tried in this order, and the first way whose test program
# compiles and links is kept:
#   1. NAME_CFLAGS / NAME_LIBS given by hand (IGRAPH, GSL, HDF5, YAML, ZLIB, MPI):
#      these alone, an error if they do not work
#   2. pkg-config, under the names NAME_PKG gives, else the usual ones:
#        igraph: igraph         GSL: gsl            libyaml: yaml-0.1, yaml
#        zlib: zlib             MPI: ompi-c, mpi-c, mpich, mpi
#        HDF5 serial: hdf5-serial (Debian), hdf5 (Fedora, Spack, conda, Homebrew)
#        HDF5 MPI: hdf5-openmpi, hdf5-mpich, hdf5-mpi, hdf5 (parallel)
#      (PKG_CONFIG_PATH adds folders of .pc files: a Spack view, a conda
#      prefix, a module's lib/pkgconfig)
#   3. the compiler wrappers: h5cc / h5pcc (H5CC), mpicc (MPICC)
#   4. the compiler's own paths: CPATH and LIBRARY_PATH, as environment
#      modules set them, with the plain -l names
# Random123 is header-only: the compiler's, else the copy in third_party/
# (R123=system or R123=shipped forces one).
#
# Settings from the environment: CC, MPI (1: the cluster build), PKG_CONFIG,
# CPPFLAGS, LDFLAGS, RPATH (0: no run paths for libraries outside /usr/lib and
# /lib) and those above. On failure: a message naming what is
# missing, what was tried and how to point the build at it; exit 1 and no OUT.
set -u
out=${1:?usage: configure.sh OUT}
top=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}
MPI=${MPI:-0}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
CPPFLAGS=${CPPFLAGS:-}
LDFLAGS=${LDFLAGS:-}
R123=${R123:-auto}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tc-configure.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

all_cflags=""
all_libs=""
found=""
missing=""
report=""

have_pc() { command -v "$PKG_CONFIG" >/dev/null 2>&1; }

# probe HEADER BODY CFLAGS LIBS [PRE]: does a program that includes HEADER
# (after the lines PRE) and runs BODY compile and link? Leaves the compiler's
# first error line in $tmp/why.
probe() {
    {
        printf '%s\n' "${5:-}"
        printf '#include <%s>\n' "$1"
        printf 'int main(void) { %s; return 0; }\n' "$2"
    } >"$tmp/t.c"
    # shellcheck disable=SC2086
    if $CC -std=c11 -D_GNU_SOURCE $CPPFLAGS $all_cflags $3 "$tmp/t.c" -o "$tmp/t" \
        $LDFLAGS $4 $all_libs -lm >"$tmp/log" 2>&1; then
        return 0
    fi
    grep -m 1 -E 'error|undefined reference|cannot find' "$tmp/log" | sed 's/^[^:]*t\.c:[0-9:]* //' >"$tmp/why"
    [ -s "$tmp/why" ] || head -n 1 "$tmp/log" >"$tmp/why"
    return 1
}

# wrapper_flags CMD PART: the -I/-D (PART=cflags) or -L/-l/-Wl (PART=libs)
# words of a compiler wrapper's command line (h5cc -show, mpicc -show)
wrapper_flags() {
    for w in $1; do
        case $2:$w in
            cflags:-I* | cflags:-D*) printf '%s ' "$w" ;;
            libs:-L* | libs:-l* | libs:-Wl,* | libs:-pthread | libs:*.so | libs:*.a) printf '%s ' "$w" ;;
        esac
    done
}

# with_rpath LIBS: LIBS, and a run path for each -L folder outside the system's
# own (/usr/lib*, /lib*): a binary built against a Spack view, a conda prefix or
# a module still finds its libraries once the module is unloaded (RPATH=0: none)
with_rpath() {
    printf '%s' "$1"
    [ "${RPATH:-1}" = 0 ] && return 0
    for w in $1; do
        case $w in
            -L/usr/lib | -L/usr/lib/* | -L/usr/lib64* | -L/lib | -L/lib/* | -L/lib64*) ;;
            -L/*) printf ' -Wl,-rpath,%s' "${w#-L}" ;;
        esac
    done
}

# use KEY LABEL HOW CFLAGS LIBS: keep this way of finding library KEY
use() {
    set -- "$1" "$2" "$3" "$4" "$(with_rpath "$5")"
    all_cflags="$all_cflags $4"
    all_libs="$5 $all_libs"
    found="$found $1"
    report="$report
# $2: $3
TC_${1}_CFLAGS := $4
TC_${1}_LIBS := $5"
}

# find KEY LABEL HEADER BODY PKGS PLAIN_LIBS WRAPPER PRE HINT [FIRST]
#   KEY      IGRAPH ...: the NAME of NAME_PKG, NAME_CFLAGS, NAME_LIBS
#   PKGS     pkg-config names to try (NAME_PKG replaces them)
#   WRAPPER  a command whose -show line has the flags ("" for none)
#   PRE      lines before the #include (a check of the flavour)
#   HINT     how to install it, per system
#   FIRST    libraries linked before the ones found (HDF5's high-level
#            library, which pkg-config and the wrappers leave out)
find_lib() {
    key=$1 label=$2 header=$3 body=$4 pkgs=$5 plain=$6 wrapper=$7 pre=$8 hint=$9
    first=${10:-}
    tried=""
    eval "given_c=\${${key}_CFLAGS:-} given_l=\${${key}_LIBS:-} given_p=\${${key}_PKG:-}"
    # FIRST before flags given by hand, unless they name it already
    case " $given_l " in
        *" ${first% } "*) ;;
        *) [ -n "$given_l" ] && given_l=$first$given_l ;;
    esac
    if [ -n "$given_c$given_l" ]; then
        if probe "$header" "$body" "$given_c" "$given_l" "$pre"; then
            use "$key" "$label" "${key}_CFLAGS/${key}_LIBS as given" "$given_c" "$given_l"
            return 0
        fi
        missing="$missing
tagcascade build: $label: ${key}_CFLAGS/${key}_LIBS as given: $(cat "$tmp/why")
  (${key}_CFLAGS='$given_c' ${key}_LIBS='$given_l'); fix them, or unset both to let the build look."
        return 1
    fi
    [ -n "$given_p" ] && pkgs=$given_p
    if have_pc; then
        for p in $pkgs; do
            if ! "$PKG_CONFIG" --exists "$p" 2>/dev/null; then
                tried="$tried
    pkg-config $p: no $p.pc on its path"
                continue
            fi
            c=$("$PKG_CONFIG" --cflags "$p" 2>"$tmp/pcerr") && l=$first$("$PKG_CONFIG" --libs "$p" 2>>"$tmp/pcerr") || {
                tried="$tried
    pkg-config $p: $(head -n 1 "$tmp/pcerr")"
                continue
            }
            if probe "$header" "$body" "$c" "$l" "$pre"; then
                use "$key" "$label" "pkg-config $p $("$PKG_CONFIG" --modversion "$p" 2>/dev/null)" "$c" "$l"
                return 0
            fi
            tried="$tried
    pkg-config $p: $(cat "$tmp/why")"
        done
    else
        tried="$tried
    pkg-config: no $PKG_CONFIG command"
    fi
    if [ -n "$wrapper" ]; then
        if command -v "$wrapper" >/dev/null 2>&1; then
            line=$("$wrapper" -shlib -show 2>/dev/null || "$wrapper" -show 2>/dev/null)
            c=$(wrapper_flags "$line" cflags)
            l=$first$(wrapper_flags "$line" libs)
            if [ -n "$line" ] && probe "$header" "$body" "$c" "$l" "$pre"; then
                use "$key" "$label" "$wrapper -show" "$c" "$l"
                return 0
            fi
            tried="$tried
    $wrapper -show: $(cat "$tmp/why" 2>/dev/null)"
        else
            tried="$tried
    $wrapper: no such command"
        fi
    fi
    # the compiler's own paths (CPATH, LIBRARY_PATH, /usr/local), and a
    # subfolder named after the library beside them (igraph/igraph.h)
    c=""
    for d in $(printf '%s' "${CPATH:-}:${C_INCLUDE_PATH:-}:/usr/local/include:/usr/include" | tr ':' ' '); do
        sub=$(dirname "$header")
        if [ "$sub" = . ] && [ -f "$d/$(echo "$label" | tr 'A-Z' 'a-z')/$header" ]; then
            c="-I$d/$(echo "$label" | tr 'A-Z' 'a-z')"
            break
        fi
    done
    if probe "$header" "$body" "$c" "$plain" "$pre"; then
        use "$key" "$label" "the compiler's paths${c:+ and $c} with $plain" "$c" "$plain"
        return 0
    fi
    tried="$tried
    the compiler's paths (CPATH, LIBRARY_PATH) with $plain: $(cat "$tmp/why")"
    missing="$missing
tagcascade build: cannot find $label (<$header>, $plain). Tried:$tried
  Install it ($hint),
  load its module (module load ...), or point the build at it: PKG_CONFIG_PATH=PREFIX/lib/pkgconfig,
  ${key}_PKG=NAME (its .pc name), or ${key}_CFLAGS='-I...' ${key}_LIBS='-L... -l...'."
    return 1
}

if [ "$MPI" = 1 ]; then
    find_lib MPI "MPI" mpi.h "MPI_Init(0, 0)" "ompi-c mpi-c mpich mpi" "-lmpi" "${MPICC:-mpicc}" "" \
        "Debian: apt install libopenmpi-dev; Fedora: dnf install openmpi-devel; Spack: spack install openmpi"
    hdf5_pkgs="hdf5-openmpi hdf5-mpich hdf5-mpi hdf5"
    hdf5_pre='#include <H5pubconf.h>
#ifndef H5_HAVE_PARALLEL
#error a serial HDF5, where the MPI build needs a parallel one
#endif'
    hdf5_wrapper=${H5CC:-h5pcc}
    hdf5_label="HDF5 (parallel)"
    hdf5_hint="Debian: apt install libhdf5-openmpi-dev; Fedora: dnf install hdf5-openmpi-devel; Spack: spack install hdf5+mpi"
else
    hdf5_pkgs="hdf5-serial hdf5"
    hdf5_pre='#include <H5pubconf.h>
#ifdef H5_HAVE_PARALLEL
#error a parallel (MPI) HDF5, where the serial build needs a serial one
#endif'
    hdf5_wrapper=${H5CC:-h5cc}
    hdf5_label="HDF5 (serial)"
    hdf5_hint="Debian: apt install libhdf5-dev; Fedora: dnf install hdf5-devel; Spack: spack install hdf5~mpi; conda: conda install -c conda-forge hdf5"
fi
# the high-level library too: dimension scales (H5DS) name the axes of the series
find_lib HDF5 "$hdf5_label" hdf5_hl.h "H5open(); H5DSis_scale(0)" "$hdf5_pkgs" "-lhdf5_hl -lhdf5" \
    "$hdf5_wrapper" "$hdf5_pre" "$hdf5_hint" "-lhdf5_hl "
find_lib IGRAPH "igraph" igraph.h "igraph_version(0, 0, 0, 0)" "igraph" "-ligraph" "" "" \
    "Debian: apt install libigraph-dev; Fedora: dnf install igraph-devel; Spack: spack install igraph; conda: conda install -c conda-forge igraph"
find_lib GSL "GSL" gsl/gsl_rng.h "gsl_rng_alloc(gsl_rng_mt19937)" "gsl" "-lgsl -lgslcblas" "" "" \
    "Debian: apt install libgsl-dev; Fedora: dnf install gsl-devel; Spack: spack install gsl; conda: conda install -c conda-forge gsl"
find_lib YAML "libyaml" yaml.h "yaml_get_version_string()" "yaml-0.1 yaml" "-lyaml" "" "" \
    "Debian: apt install libyaml-dev; Fedora: dnf install libyaml-devel; Spack: spack install libyaml; conda: conda install -c conda-forge yaml"
find_lib ZLIB "zlib" zlib.h "zlibVersion()" "zlib" "-lz" "" "" \
    "Debian: apt install zlib1g-dev; Fedora: dnf install zlib-devel; Spack: spack install zlib"

# Random123: header-only
r123_c=""
r123_how=""
if [ "$R123" != shipped ]; then
    if probe Random123/philox.h "philox4x32_key_t k = {{0}}; (void)k" "${R123_CFLAGS:-}" "" ""; then
        r123_c=${R123_CFLAGS:-}
        r123_how="the compiler's${R123_CFLAGS:+ (R123_CFLAGS)}"
    elif [ "$R123" = system ]; then
        missing="$missing
tagcascade build: R123=system, but the compiler finds no <Random123/philox.h>: $(cat "$tmp/why")
  Install it (Debian: apt install librandom123-dev; Spack: spack install random123),
  set R123_CFLAGS=-IDIR, or leave R123 unset to use the copy in third_party/Random123."
    fi
fi
if [ -z "$r123_how" ] && [ "$R123" != system ]; then
    r123_c="-I$top/third_party/Random123/include"
    if probe Random123/philox.h "philox4x32_key_t k = {{0}}; (void)k" "$r123_c" "" ""; then
        r123_how="the copy in third_party/Random123 (1.14.0)"
    else
        missing="$missing
tagcascade build: the copy of Random123 in third_party/ does not compile here: $(cat "$tmp/why")"
    fi
fi

if [ -n "$missing" ]; then
    printf '%s\n' "$missing" | sed '/^$/d' >&2
    exit 1
fi

{
    echo "# Written by packaging/configure.sh (CC=$CC MPI=$MPI); remove it to look again."
    printf '%s\n' "$report" | sed '1{/^$/d}'
    echo "# Random123: $r123_how"
    echo "TC_R123_CFLAGS := $r123_c"
    echo "DEPS_CFLAGS := \$(TC_HDF5_CFLAGS) \$(TC_IGRAPH_CFLAGS) \$(TC_GSL_CFLAGS) \$(TC_YAML_CFLAGS) \$(TC_ZLIB_CFLAGS)$([ "$MPI" = 1 ] && echo ' $(TC_MPI_CFLAGS)') \$(TC_R123_CFLAGS)"
    echo "DEPS_LIBS := \$(TC_HDF5_LIBS) \$(TC_IGRAPH_LIBS) \$(TC_GSL_LIBS) \$(TC_YAML_LIBS) \$(TC_ZLIB_LIBS)$([ "$MPI" = 1 ] && echo ' $(TC_MPI_LIBS)')"
} >"$out.tmp$$" && mv "$out.tmp$$" "$out" || { rm -f "$out.tmp$$"; exit 1; }
grep '^# ' "$out" | sed -n '2,$p' | sed 's/^# /tagcascade build: /' >&2
exit 0
