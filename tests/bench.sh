#!/bin/sh
# `make bench`: how fast tagcascade runs, and how it compares with graph-tool on the
# very same graphs and seeds, as plain tables (columns: docs/performance.md).
# Numbers only: nothing here passes or fails on speed. Workloads:
#   1. cascades (IC at p = 0.2 and 0.12, SIR at beta = 0.12, gamma = 0.5) on directed
#      Barabasi-Albert graphs of 100,000 x 5 and 1,000,000 x 10 follows, each run
#      from one seed account drawn at random among the 0.1 % most followed, next to
#      graph-tool's SIRState on the same graph from the same seeds;
#   2. the replays: scenarios/macronleaks.yaml and the default of 0.1,
#      scenarios/bench/macronleaks_chains.yaml (with BENCH_BASELINE=BINARY, beside
#      that binary's runs of both, alternating);
#   3. a sweep of the classroom demo (the replay at five bot shares); with
#      BENCH_BASELINE=BINARY also of the default of 0.1 (a fifth of the replicates), by
#      both binaries, twice each,
#      alternating;
#   4. the largest graph: generate a Chung-Lu store, load it, run one cascade;
#   5. fits: simulations per second while fitting the default replay, beside the
#      replay run once on all cores, and the time to the posterior of the shipped
#      example, scenarios/fit/hashtag.yaml;
#   6. batches: 64 replicates of the IC cascade of part 1 (100,000 accounts) as one
#      sweep, batched on the lanes path and each replicate alone (engine.batch:
#      false), which give the same results bit for bit.
# Environment:
#   REPS=3                runs per workload and thread count; times are medians
#   BENCH_QUICK=1         only the 100,000-account graph, REPS=1, a 2-run sweep and a
#                         1,000,000-follow large graph (for tests/cli/test_bench.sh)
#   BENCH_ONLY="PART..."  only these parts: cascades, replay, sweep, big, fit, batch (1 to 6);
#                         `make bench-big` is BENCH_ONLY=big
#   BENCH_BIG_EDGES=N     follows of the large graph (default 20,000,000)
#   BENCH_BASELINE=BINARY another tagcascade binary (an earlier build) to time the
#                         replays and the classroom sweep with, alternating with
#                         this one (parts 2 and 3)
#   BENCH_SWEEP_REPLICATES=R  replicates per bot share (default 40: 200 runs; 200 gives
#                         the 1,000-run sweep, about 25 min on 2 cores)
# Run from the project root. Temporary files live in one folder removed on exit.
BUILD=${BUILD:-build}
BIN=${BIN:-$BUILD/tagcascade}
PY=${PY:-/usr/bin/python3}
GTPY=analysis/bench_graphtool.py
QUICK=${BENCH_QUICK:-0}
BASE=${BENCH_BASELINE:-}
ONLY=${BENCH_ONLY:-}
if [ "$QUICK" = 1 ]; then
    REPS=1
    BIG=${BENCH_BIG_EDGES:-1000000}
    SWEEP_R=${BENCH_SWEEP_REPLICATES:-1}
else
    REPS=${REPS:-3}
    BIG=${BENCH_BIG_EDGES:-20000000}
    SWEEP_R=${BENCH_SWEEP_REPLICATES:-40}
fi
CORES=$(nproc 2>/dev/null || echo 1)
if [ "$CORES" -gt 1 ]; then THREADS="1 $CORES"; else THREADS=1; fi
CSV_THREADS=$(echo "$THREADS" | tr ' ' ',')

[ -x "$BIN" ] || { echo "bench.sh: no binary $BIN (make first)" >&2; exit 1; }
d=$(mktemp -d "${TMPDIR:-/tmp}/tcbench.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM

# ---------------------------------------------------------------- helpers
median() { sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]; else print "-"}'; }
col() { awk -v c="$1" '{print $c}' "$2"; }
colsum() { awk -v c="$1" '{s += $c} END {printf "%.6f\n", s}' "$2"; }
# rate A B: A / B with 3 significant digits, "-" when B is 0
rate() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.3g\n", a / b; else print "-"}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%d\n", k / 1024 + 0.5}'; }
# timed CMD...: runs CMD with stderr to $d/err; $d/time gets "wall_s peak_kB"
timed() { /usr/bin/time -f '%e %M' -o "$d/time" "$@" 2>"$d/err"; }
# one tagcascade run; appends "run_s wall_s edges reach peak_kB build_s reshares" to $1
tc_run() {
    out=$1
    shift
    timed "$BIN" run "$@" -o "$d/out.h5" >/dev/null || {
        echo "run failed: $BIN run $*" >&2
        cat "$d/err" >&2
        return 1
    }
    run_s=$(sed -n 's/.*simulated in \([0-9.]*\)s.*/\1/p' "$d/err")
    edges=$(sed -n 's/.*(\([0-9]*\) edges examined).*/\1/p' "$d/err")
    reach=$(sed -n 's/.*, reach \([0-9]*\),.*/\1/p' "$d/err")
    reshares=$(sed -n 's/.* posts[^,]*, \([0-9]*\) reshares.*/\1/p' "$d/err")
    build_s=$(sed -n 's/.* edges in \([0-9.]*\)s$/\1/p' "$d/err")
    echo "$run_s $(cat "$d/time") $edges $reach $build_s $reshares" |
        awk '{print $1, $2, $4, $5, $3, $6, $7}' >>"$out"
    rm -f "$d/out.h5"
}

echo "machine: $CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo) GiB memory"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
GT=$("$PY" -c 'import warnings; warnings.filterwarnings("ignore"); import graph_tool; print(graph_tool.__version__.split()[0])' 2>/dev/null)
echo "tagcascade $("$BIN" --version | cut -d' ' -f2); graph-tool ${GT:-not installed (python3-graph-tool for $PY)}"
echo "medians of $REPS runs; threads: $THREADS"

# ---------------------------------------------------------------- 1. cascades
# rows for one graph: workload p_or_- scenario
cascades() { # name n m
    name=$1 n=$2 m=$3
    store="$d/$name.h5"
    timed "$PY" $GTPY ba --n "$n" --m "$m" --reciprocity 0.2 --seed 1 -o "$store" >"$d/ba.out" || {
        echo "$name: the graph could not be made"; cat "$d/err"; return; }
    follows=$(sed -n 's/.*accounts, \([0-9]*\) follows/\1/p' "$d/ba.out")
    read -r secs kb <"$d/time"
    echo
    echo "graph $name: $n accounts each following $m earlier ones (+ 20 % followed back): $follows follows; made in $secs s, peak $(mb "$kb") MB ($GTPY ba)"
    # A uniformly drawn account starts a cascade that dies out within a few steps
    # 4 times in 5 here, and the two tools would then be timed on different work;
    # from one of the 0.1 % most followed the cascade takes off in both, nearly
    # always, and reaches about the same accounts (docs/performance.md).
    seeds=$("$PY" $GTPY seeds "$store" --count "$REPS" --top 0.001 --seed 1)
    echo "seed accounts (drawn among the 0.1 % most followed): $seeds"
    sir=1
    "$BIN" models 2>/dev/null | grep -q '^sir ' || sir=0
    if [ $sir = 1 ] && ! "$BIN" validate scenarios/bench/sir_store.yaml --set graph.file="$store" \
        --set "accounts=[{name: seed, id: 0}]" \
        >/dev/null 2>"$d/err"; then
        sir=2
        sir_err=$(head -n 1 "$d/err")
    fi
    # ic_nx0.12: ic_p0.12 with output.exposures: false, next to graph-tool's ic_p0.12
    works="ic_p0.2 ic_p0.12 ic_nx0.12"
    gtwork="--work ic_p0.2:0.2:1 --work ic_p0.12:0.12:1"
    if [ $sir = 1 ]; then
        # sir_off: sir on the plain step engine (engine.fast_path: off), every contact counted;
        # sir_nx: sir with output.exposures: false, next to graph-tool's sir
        works="$works sir sir_nx sir_off"
        gtwork="$gtwork --work sir:0.12:0.5"
    fi
    for w in $works; do
        case $w in
        ic_p*) scen=scenarios/bench/ic_store.yaml set="model.p=${w#ic_p}" ;;
        ic_nx*) scen=scenarios/bench/ic_store.yaml set="model.p=${w#ic_nx}" ;;
        sir*) scen=scenarios/bench/sir_store.yaml set="model.beta=0.12" ;;
        esac
        fast=auto
        [ $w = sir_off ] && fast=off
        exposures=true
        case $w in ic_nx* | sir_nx) exposures=false ;; esac
        for th in $THREADS; do
            : >"$d/tc.$w.$th"
            i=1
            for v in $seeds; do
                tc_run "$d/tc.$w.$th" "$scen" --threads "$th" --seed "$i" \
                    --set graph.file="$store" --set "accounts=[{name: seed, id: $v}]" \
                    --set "$set" --set output.exposures=$exposures --set engine.fast_path=$fast
                i=$((i + 1))
            done
        done
    done
    gtpeak=-
    : >"$d/gt.out"
    if [ -n "$GT" ]; then
        # shellcheck disable=SC2086
        if timed "$PY" $GTPY run "$store" $gtwork --seeds "$(echo $seeds | tr ' ' ',')" \
            --threads "$CSV_THREADS" --max-steps 1000 --seed 1 >"$d/gt.out"; then
            gtpeak=$(mb "$(cut -d' ' -f2 "$d/time")")
            echo "graph-tool: graph built from the store in $(awk '$1 == "graph" {print $4}' "$d/gt.out") s (not counted), peak $gtpeak MB"
        else
            echo "graph-tool failed:"; cat "$d/err"
        fi
    fi
    printf '%-9s %-9s %7s %4s %8s %7s %10s %11s %8s %7s %8s %11s %8s %7s %6s\n' workload graph \
        threads runs run_s wall_s edges edges_per_s reach peak_MB gt_s gt_edges_per_s gt_reach \
        gt_peak_MB gt/tc
    for w in ic_p0.2 ic_p0.12 ic_nx0.12 sir sir_nx sir_off; do
        gw=$w
        case $w in ic_nx*) gw=ic_p${w#ic_nx} ;; sir_nx | sir_off) gw=sir ;; esac
        for th in $THREADS; do
            if [ $gw = sir ] && [ $sir = 0 ]; then
                printf '%-9s %-9s %7s %s\n' "$w" "$name" "$th" "sir: not in this build"
                continue
            elif [ $gw = sir ] && [ $sir = 2 ]; then
                printf '%-9s %-9s %7s %s\n' "$w" "$name" "$th" "sir: scenario refused: $sir_err"
                continue
            fi
            f="$d/tc.$w.$th"
            awk -v w="$gw" -v th="$th" '$1 == "run" && $2 == w && $3 == th' "$d/gt.out" >"$d/gt.$w.$th"
            runs=$(wc -l <"$f")
            tsum=$(colsum 1 "$f")
            if [ -s "$d/gt.$w.$th" ]; then
                gsum=$(colsum 5 "$d/gt.$w.$th")
                gt_s=$(col 5 "$d/gt.$w.$th" | median)
                gt_eps=$(rate "$(colsum 6 "$d/gt.$w.$th")" "$gsum")
                gt_reach=$(col 7 "$d/gt.$w.$th" | median)
                ratio=$(rate "$gsum" "$tsum")
                gp=$gtpeak
            else
                gt_s=- gt_eps=- gt_reach=- ratio=- gp=-
            fi
            printf '%-9s %-9s %7s %4s %8s %7s %10s %11s %8s %7s %8s %11s %8s %7s %6s\n' \
                "$w" "$name" "$th" "$runs" "$(col 1 "$f" | median)" "$(col 2 "$f" | median)" \
                "$(col 3 "$f" | median)" "$(rate "$(colsum 3 "$f")" "$tsum")" \
                "$(col 4 "$f" | median)" "$(mb "$(col 5 "$f" | median)")" \
                "$gt_s" "$gt_eps" "$gt_reach" "$gp" "$ratio"
        done
    done
    rm -f "$store"
}

# ---------------------------------------------------------------- 2. the replay
# The default replay and the earlier one (scenarios/bench/macronleaks_chains.yaml,
# the default scenario of 0.1), each run REPS times per thread count; with
# BENCH_BASELINE=BINARY the same runs by that binary too, alternating with ours,
# and the ratio of the medians of the whole run (baseline over ours).
replay() {
    echo
    echo "the replays: macronleaks = scenarios/macronleaks.yaml; chains = scenarios/bench/macronleaks_chains.yaml (the default of 0.1)${BASE:+; base = $BASE, alternating}"
    printf '%-12s %-5s %7s %4s %8s %8s %7s %10s %11s %9s %7s %8s\n' workload bin threads runs build_s \
        run_s wall_s edges edges_per_s reshares peak_MB base/ours
    for w in macronleaks chains; do
        case $w in
        macronleaks) scen=scenarios/macronleaks.yaml ;;
        chains) scen=scenarios/bench/macronleaks_chains.yaml ;;
        esac
        base=$BASE
        if [ -n "$base" ] && ! "$base" validate "$scen" >/dev/null 2>"$d/err"; then
            echo "$w: $base cannot run it: $(head -n 1 "$d/err")"
            base=
        fi
        for th in $THREADS; do
            : >"$d/replay.ours"
            : >"$d/replay.base"
            i=0
            while [ $i -lt "$REPS" ]; do
                tc_run "$d/replay.ours" "$scen" --threads "$th" || return
                if [ -n "$base" ]; then
                    ours=$BIN
                    BIN=$base
                    tc_run "$d/replay.base" "$scen" --threads "$th"
                    ok=$?
                    BIN=$ours
                    [ $ok = 0 ] || return
                fi
                i=$((i + 1))
            done
            for b in ours base; do
                f="$d/replay.$b"
                [ -s "$f" ] || continue
                ratio=-
                if [ $b = base ]; then
                    ratio=$(rate "$(col 2 "$f" | median)" "$(col 2 "$d/replay.ours" | median)")
                fi
                printf '%-12s %-5s %7s %4s %8s %8s %7s %10s %11s %9s %7s %8s\n' "$w" "$b" "$th" \
                    "$(wc -l <"$f")" "$(col 6 "$f" | median)" "$(col 1 "$f" | median)" \
                    "$(col 2 "$f" | median)" "$(col 3 "$f" | median)" \
                    "$(rate "$(colsum 3 "$f")" "$(colsum 1 "$f")")" "$(col 7 "$f" | median)" \
                    "$(mb "$(col 5 "$f" | median)")" "$ratio"
            done
        done
    done
}

# ---------------------------------------------------------------- 3. the sweep
sweep() {
    if [ "$QUICK" = 1 ]; then shares="0, 0.4"; else shares="0, 0.05, 0.1, 0.2, 0.4"; fi
    runs=$(($(echo "$shares" | tr ',' '\n' | wc -l) * SWEEP_R))
    grid="sweep={grid: {population.bots.fraction: [$shares]}, replicates: $SWEEP_R}"
    echo
    echo "a $runs-run sweep of the classroom demo: bots [$shares] x $SWEEP_R replicates, series kept, on $CORES threads; sweep = scenarios/macronleaks.yaml (once); chains = scenarios/bench/macronleaks_chains.yaml (the default of 0.1)${BASE:+ with a fifth of the replicates, ours and base = $BASE alternating, twice}"
    printf '%-12s %-5s %7s %6s %8s %10s %7s %9s\n' workload bin threads runs wall_s runs_per_s \
        peak_MB output_MB
    # sweep_row NAME BIN SCENARIO TAG: one sweep, its row; "wall_s peak_kB" appended to
    # $d/sw.NAME.TAG
    sweep_row() {
        if timed "$2" sweep "$3" -o "$d/sweep.h5" --threads "$CORES" --quiet --set "$grid"; then
            read -r secs kb <"$d/time"
            echo "$secs $kb" >>"$d/sw.$1.$4"
            printf '%-12s %-5s %7s %6s %8s %10s %7s %9s\n' "$1" "$4" "$CORES" "$runs" "$secs" \
                "$(rate "$runs" "$secs")" "$(mb "$kb")" \
                "$(awk -v b="$(wc -c <"$d/sweep.h5")" 'BEGIN {printf "%.1f", b / 1048576}')"
        else
            echo "sweep failed ($2):"; cat "$d/err"
        fi
        rm -f "$d/sweep.h5"
    }
    sweep_row sweep "$BIN" scenarios/macronleaks.yaml ours
    [ -n "$BASE" ] || return 0
    if ! "$BASE" validate scenarios/bench/macronleaks_chains.yaml >/dev/null 2>"$d/err"; then
        echo "chains: $BASE cannot run it: $(head -n 1 "$d/err")"
        return 0
    fi
    rm -f "$d/sw.chains."*
    # a fifth of the replicates: four sweeps of it fit in the bench's time
    cr=$((SWEEP_R / 5)) && [ $cr -ge 1 ] || cr=1
    runs=$(($(echo "$shares" | tr ',' '\n' | wc -l) * cr))
    grid="sweep={grid: {population.bots.fraction: [$shares]}, replicates: $cr}"
    for i in 1 2; do
        sweep_row chains "$BIN" scenarios/bench/macronleaks_chains.yaml ours
        sweep_row chains "$BASE" scenarios/bench/macronleaks_chains.yaml base
    done
    if [ -s "$d/sw.chains.ours" ] && [ -s "$d/sw.chains.base" ]; then
        echo "chains: runs per second, ours over base (medians): $(rate "$(col 1 "$d/sw.chains.base" | median)" "$(col 1 "$d/sw.chains.ours" | median)")"
    fi
}

# ---------------------------------------------------------------- 4. the largest graph
# big_one EDGES: generate a store of about EDGES follows, then load it and run one
# IC cascade; prints two rows and leaves "follows gen_peak_kB run_peak_kB store_bytes"
# in $d/big.$EDGES
big_one() {
    e=$1 n=$(($1 / 10))
    if ! OMP_NUM_THREADS=$CORES timed "$BIN" graph generate --model chung-lu --n "$n" --mean-degree 10 \
        --gamma-in 2.2 --gamma-out 2.6 --seed 1 -o "$d/big.h5" --quiet; then
        echo "generate failed:"; cat "$d/err"; return 1
    fi
    read -r gen_s gen_k <"$d/time"
    follows=$("$BIN" graph info "$d/big.h5" | sed -n 's/^follows: *\([0-9]*\).*/\1/p')
    store_b=$(wc -c <"$d/big.h5")
    store_mb=$(awk -v b="$store_b" 'BEGIN {printf "%.1f", b / 1048576}')
    printf '%-10s %7s %11s %8s %8s %8s %8s %7s %9s %9s\n' generate "$CORES" "$follows" "$gen_s" - - - \
        "$(mb "$gen_k")" "$(rate "$((gen_k * 1024))" "$follows")" "$store_mb"
    # the seed: the account with the most followers, so that the cascade is large
    v=$("$BIN" graph info "$d/big.h5" | sed -n 's/^followers:.*(account \([0-9]*\)).*/\1/p')
    : >"$d/big.run"
    tc_run "$d/big.run" scenarios/bench/ic_store.yaml --threads "$CORES" --set graph.file="$d/big.h5" \
        --set "accounts=[{name: seed, id: $v}]" --set model.p=0.12 || return 1
    read -r run_s wall_s _ reach run_k build_s _ <"$d/big.run"
    printf '%-10s %7s %11s %8s %8s %8s %8s %7s %9s %9s\n' load+ic "$CORES" "$follows" "$wall_s" \
        "$build_s" "$run_s" "$reach" "$(mb "$run_k")" "$(rate "$((run_k * 1024))" "$follows")" "$store_mb"
    echo "$follows $gen_k $run_k $store_b" >"$d/big.$e"
    rm -f "$d/big.h5"
}

big() {
    echo
    echo "the largest graph: directed Chung-Lu stores of mean degree 10 (gamma in 2.2, out 2.6), at BENCH_BIG_EDGES=$BIG follows and a tenth of it; one IC cascade (p = 0.12) from the account with the most followers; $CORES threads"
    printf '%-10s %7s %11s %8s %8s %8s %8s %7s %9s %9s\n' step threads follows wall_s build_s run_s \
        reach peak_MB B_per_fol store_MB
    small=$((BIG / 10))
    big_one "$small" && big_one "$BIG" || return
    # memory = fixed part + bytes per follow x follows: the slope between the two sizes
    awk -v a="$(cat "$d/big.$small")" -v b="$(cat "$d/big.$BIG")" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        df = y[1] - x[1]
        gs = (y[2] - x[2]) * 1024 / df; rs = (y[3] - x[3]) * 1024 / df; ss = (y[4] - x[4]) / df
        printf "bytes per follow between the two sizes: %.1f to generate, %.1f to load and run, %.2f on disk\n", gs, rs, ss
        printf "at 1,000,000,000 follows (100,000,000 accounts) that gives about %.1f GB to generate, %.1f GB to load and run, %.1f GB on disk\n", (y[2] * 1024 + gs * (1e9 - y[1])) / 1e9, (y[3] * 1024 + rs * (1e9 - y[1])) / 1e9, (y[4] + ss * (1e9 - y[1])) / 1e9 }'
}

# ---------------------------------------------------------------- 5. fits
fit() {
    echo
    if [ "$QUICK" = 1 ]; then small="--set graph.n=20000 --set accounts.0.followers=800 --set accounts.1.followers=5000 --set accounts.2.followers=600"; else small=""; fi
    np=$((CORES * 4))
    echo "fitting the default replay (model.p, population.bots.fraction) to its own hourly volume: one generation of $np particles on $CORES threads, beside the replay run once on $CORES threads"
    printf '%-12s %7s %6s %8s %8s %9s %7s\n' workload threads runs wall_s runs_per_s vs_single peak_MB
    # shellcheck disable=SC2086
    timed "$BIN" run scenarios/macronleaks.yaml $small --threads "$CORES" -q -o "$d/obs.h5" ||
        { echo "run failed:"; cat "$d/err"; return; }
    read -r single _ <"$d/time"
    "$PY" analysis/volume_csv.py "$d/obs.h5" --bin 1h -o "$d/obs.csv" || return
    # shellcheck disable=SC2086
    if timed "$BIN" fit scenarios/macronleaks.yaml $small --threads "$CORES" -q -o "$d/fit.h5" \
        --set "fit={parameters: {model.p: {prior: uniform, min: 0.03, max: 0.06}, population.bots.fraction: {prior: uniform, min: 0.03, max: 0.09}}, targets: {volume: {distance: rmse_sqrt, by_class: true}}, observed: {volume: $d/obs.csv}, algorithm: {particles: $np, generations: 1, predictive: 0}}"; then
        read -r secs kb <"$d/time"
        printf '%-12s %7s %6s %8s %8s %9s %7s\n' fit_replay "$CORES" "$np" "$secs" "$(rate "$np" "$secs")" \
            "$(awk -v r="$np" -v s="$secs" -v o="$single" 'BEGIN {if (s > 0) printf "%.2f", r / s * o; else print "-"}')" "$(mb "$kb")"
    else
        echo "fit failed:"; cat "$d/err"
    fi
    echo "(vs_single: runs per second in the fit over runs per second of the replay alone, $single s each)"
    if [ "$QUICK" = 1 ]; then budget="--set fit.algorithm.particles=20 --set fit.algorithm.max_simulations=40 --set fit.algorithm.predictive=4"; else budget=""; fi
    echo
    echo "the shipped example to its posterior: scenarios/fit/hashtag.yaml on $CORES threads"
    printf '%-12s %7s %6s %11s %8s %8s %7s\n' workload threads gens simulations wall_s runs_per_s peak_MB
    # shellcheck disable=SC2086
    if timed "$BIN" fit scenarios/fit/hashtag.yaml $budget --threads "$CORES" -q -o "$d/ex.h5"; then
        read -r secs kb <"$d/time"
        sims=$("$BIN" summary "$d/ex.h5" | awk '$1 == "all" {print $2}')
        gens=$("$BIN" summary "$d/ex.h5" | sed -n 's/.*: \([0-9]*\) generations of.*/\1/p')
        printf '%-12s %7s %6s %11s %8s %8s %7s\n' fit_example "$CORES" "$gens" "$sims" "$secs" \
            "$(rate "$sims" "$secs")" "$(mb "$kb")"
    else
        echo "fit failed:"; cat "$d/err"
    fi
}

# ---------------------------------------------------------------- 6. batches
batch() {
    if [ "$QUICK" = 1 ]; then R=8; else R=64; fi
    store="$d/batch.h5"
    "$PY" $GTPY ba --n 100000 --m 5 --reciprocity 0.2 --seed 1 -o "$store" >/dev/null ||
        { echo "batch: the graph could not be made"; return; }
    v=$("$PY" $GTPY seeds "$store" --count 1 --top 0.001 --seed 1)
    echo
    echo "$R replicates of one IC cascade (the graph ba_100k of part 1, seed account $v) as one sweep: batched on the lanes path, and each replicate alone (engine.batch: false); the same results; whole sweeps, graph load included; medians of $REPS, alternating"
    printf '%-9s %7s %5s %10s %8s %11s %12s %6s %9s %9s
' workload threads runs batched_s alone_s         batched_rps alone_rps ratio peak_b_MB peak_a_MB
    for p in 0.12 0.2; do
        for th in $THREADS; do
            : >"$d/b.true"
            : >"$d/b.false"
            i=0
            while [ $i -lt "$REPS" ]; do
                for b in true false; do
                    timed "$BIN" sweep scenarios/bench/ic_store.yaml -o "$d/b.h5" --threads "$th" \
                        --quiet --set graph.file="$store" --set "accounts=[{name: seed, id: $v}]" \
                        --set "sweep={replicates: $R, series: false, grid: {model.p: [$p]}}" \
                        --set engine.batch=$b || { echo "batch: sweep failed"; cat "$d/err"; return; }
                    cat "$d/time" >>"$d/b.$b"
                    rm -f "$d/b.h5"
                done
                i=$((i + 1))
            done
            bs=$(col 1 "$d/b.true" | median) as=$(col 1 "$d/b.false" | median)
            printf '%-9s %7s %5s %10s %8s %11s %12s %6s %9s %9s
' "ic_p$p" "$th" "$R" "$bs" "$as" \
                "$(rate "$R" "$bs")" "$(rate "$R" "$as")" "$(rate "$as" "$bs")" \
                "$(mb "$(col 2 "$d/b.true" | median)")" "$(mb "$(col 2 "$d/b.false" | median)")"
        done
    done
    rm -f "$store"
}

for part in ${ONLY:-cascades replay sweep big fit batch}; do
    case $part in
    cascades)
        cascades ba_100k 100000 5
        [ "$QUICK" = 1 ] || cascades ba_1m 1000000 10
        ;;
    replay | sweep | big | fit | batch) $part ;;
    *) echo "bench.sh: BENCH_ONLY: unknown part '$part' (cascades, replay, sweep, big, fit, batch)" >&2; exit 2 ;;
    esac
done
