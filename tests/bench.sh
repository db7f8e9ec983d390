#!/bin/sh
# `make bench`: time workloads and print, per workload and thread count, the
# median of 3 runs of graph build and simulation time, edges examined per second,
# and peak memory, with the machine's core count. Numbers only: nothing here
# passes or fails on speed.
BUILD=${BUILD:-build}
BIN=${BIN:-$BUILD/tagcascade}
REPS=${REPS:-3}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "tagcascade $($BIN --version | cut -d' ' -f2), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-22s %7s %9s %9s %11s %12s %9s %9s\n' workload threads build_s run_s edges edges_per_s reshares peak_MB

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bench() { # name scenario threads [args...]
    name=$1 scen=$2 th=$3
    shift 3
    : >"$d/b" ; : >"$d/r" ; : >"$d/m"
    i=0
    while [ $i -lt "$REPS" ]; do
        /usr/bin/time -f '%M' -o "$d/time" "$BIN" run "$scen" -o "$d/out.h5" --threads "$th" "$@" \
            2>"$d/err" >/dev/null || { echo "$name: run failed"; cat "$d/err"; return; }
        sed -n 's/.* in \([0-9.]*\)s$/\1/p' "$d/err" >>"$d/b"
        sed -n 's/.*simulated in \([0-9.]*\)s.*/\1/p' "$d/err" >>"$d/r"
        tail -n 1 "$d/time" >>"$d/m"
        i=$((i + 1))
    done
    edges=$(sed -n 's/.*(\([0-9]*\) edges examined).*/\1/p' "$d/err")
    reshares=$(sed -n 's/.* posts, \([0-9]*\) reshares.*/\1/p' "$d/err")
    b=$(median <"$d/b") r=$(median <"$d/r") m=$(median <"$d/m")
    printf '%-22s %7s %9s %9s %11s %12.3g %9s %9d\n' "$name" "$th" "$b" "$r" "$edges" \
        "$(echo "$edges $r" | awk '{print ($2 > 0 ? $1 / $2 : 0)}')" "$reshares" $((m / 1024))
}

for th in 1 2; do bench macronleaks scenarios/macronleaks.yaml $th; done
for th in 1 2; do bench ic_ba_1m_p0.12 scenarios/bench/ic_ba_1m.yaml $th; done
