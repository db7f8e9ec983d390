#!/bin/sh
# The classroom demo: the #MacronLeaks replay with each share of bots in BOTS
# (default "0 0.05 0.1 0.2 0.4": 0 % to 40 % of the accounts), REPLICATES runs
# each (default 4, seeds 1..REPLICATES), then one figure comparing them
# (analysis/compare_runs.py). JOBS runs at a time (default: the number of
# cores), one thread each.
#   BIN=build/tagcascade OUT=out/demo-bots BOTS="0 0.1 0.3" sh analysis/demo_bots.sh
set -e
BIN=${BIN:-build/tagcascade}
PY=${PY:-/usr/bin/python3}
OUT=${OUT:-out/demo-bots}
REPLICATES=${REPLICATES:-4}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
SCENARIO=${SCENARIO:-scenarios/macronleaks.yaml}
BOTS=${BOTS:-0 0.05 0.1 0.2 0.4}
# every share a number in [0, 1], said before any run starts
for frac in $BOTS; do
    case $frac in
    *[!0-9.]* | . | *.*.* | "") ok=0 ;;
    *) ok=$(awk -v x="$frac" 'BEGIN { print (x + 0 <= 1) ? 1 : 0 }') ;;
    esac
    if [ "$ok" != 1 ]; then
        echo "demo_bots.sh: BOTS: expected shares of the accounts in [0, 1] (e.g. BOTS=\"0 0.1 0.3\"), got '$frac'" >&2
        exit 2
    fi
done
[ -n "$(echo $BOTS)" ] || { echo "demo_bots.sh: BOTS is empty" >&2; exit 2; }
mkdir -p "$OUT"
start=$(date +%s)
n=0
files=""
for frac in $BOTS; do
    seed=1
    while [ "$seed" -le "$REPLICATES" ]; do
        f="$OUT/bots$frac-seed$seed.h5"
        files="$files $f"
        "$BIN" run "$SCENARIO" --set population.bots.fraction="$frac" --seed "$seed" \
            --threads 1 --quiet -o "$f" &
        n=$((n + 1))
        if [ $((n % JOBS)) -eq 0 ]; then wait; fi
        seed=$((seed + 1))
    done
done
wait
for f in $files; do
    [ -f "$f" ] || { echo "demo_bots.sh: run $f failed" >&2; exit 1; }
done
# shellcheck disable=SC2086
"$PY" analysis/compare_runs.py --by population.bots.fraction $files \
    -o "$OUT/bots.png" --csv "$OUT/bots.csv" \
    --title "#MacronLeaks replay: what the bots change"
echo "runs:   $OUT/*.h5 ($n runs in $(( $(date +%s) - start )) s)"
echo "figure: $(cd "$OUT" && pwd)/bots.png"
