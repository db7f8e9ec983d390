# Sweeps: the grid and its seeds, byte-identical results on 1 and 2 threads,
# each run the same as the run made alone though one engine plays them all,
# nothing lost to kill -9 or SIGTERM (--resume gives the same datasets as a
# clean sweep), shards merged into the same file, and memory that does not grow
# with the number of runs. Run from the project root (env BIN = the binary).
set -u
BIN=${BIN:-build/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
SCEN=$(pwd)/scenarios/macronleaks.yaml
T=$(mktemp -d) || exit 1
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
fail=0
not_ok() { echo "not ok - $1"; fail=1; }
ok() { echo "ok - $1"; }
same() { # a b what: /sweep and /runs identical
    if h5diff "$1" "$2" /sweep /sweep >/dev/null && h5diff "$1" "$2" /runs /runs >/dev/null; then
        ok "$3"
    else
        not_ok "$3: $(h5diff "$1" "$2" /sweep /sweep | head -5)"
    fi
}
py() { /usr/bin/python3 -c "$@"; }

# a small replay: 20,000 accounts, the bot share swept over 3 values, 6 replicates
SMALL="--set graph.n=20000 --set accounts.0.followers=800 --set accounts.1.followers=5000 --set accounts.2.followers=600"
# sanitized (test_asan), runs are ~5x slower: 6,000 accounts exercise the same code
[ -n "${TC_SANITIZED:-}" ] &&
    SMALL="--set graph.n=6000 --set accounts.0.followers=240 --set accounts.1.followers=1500 --set accounts.2.followers=180"
SWEEP='sweep={grid: {population.bots.fraction: [0, 0.1, 0.2], model.p: [0.03, 0.05]}, replicates: 3}'

# ------------------------------------------------------------------ semantics
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o a.h5 -q --threads 1 || not_ok "sweep runs"
py "
import h5py, numpy as np, sys
f = h5py.File('a.h5')
s = f['sweep']
bad = []
if list(s['keys'].asstr()[:]) != ['population.bots.fraction', 'model.p']: bad.append('keys')
fr = s['params/population.bots.fraction'][:]; p = s['params/model.p'][:]
if list(fr) != [0, 0, 0.1, 0.1, 0.2, 0.2] or list(p) != [0.03, 0.05] * 3: bad.append('grid order %s %s' % (fr, p))
if s['summary'].shape != (6, 3, len(s['metrics'])): bad.append('summary shape')
if not s['done'][:].all(): bad.append('done')
k = s['run_key'][:]
if len(set(k.ravel())) != 18: bad.append('run keys not distinct')
m = list(s['metrics'].asstr()[:])
reach = s['summary'][:, :, m.index('reach')]
bots = s['summary'][:, :, m.index('reshares_bot')]
if (bots[0:2] != 0).any() or (bots[2:] == 0).any(): bad.append('bot reshares vs fraction')
if len(set(reach.ravel())) < 10: bad.append('replicates look identical')
if f['sweep/params_text'].asstr()[3] != 'population.bots.fraction=0.1; model.p=0.05': bad.append('params_text')
if 'fraction: 0.2' not in f['sweep/resolved'].asstr()[5]: bad.append('resolved')
if f['runs/5/2/series/reshares_bot'].shape != (3120,): bad.append('series')
if f['meta'].attrs['points'] != 6 or f['meta'].attrs['replicates'] != 3: bad.append('meta')
print('; '.join(bad)); sys.exit(1 if bad else 0)
" && ok "grid order, params, run keys, summary and series" || not_ok "sweep semantics"

# point 0 replicate 0 is the plain run with that point's values
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL --set population.bots.fraction=0 --set model.p=0.03 -o plain.h5 -q
py "
import h5py, sys
a = h5py.File('a.h5'); b = h5py.File('plain.h5')
m = list(a['sweep/metrics'].asstr()[:])
sys.exit(0 if a['sweep/summary'][0, 0, m.index('reshares')] == b['summary/reshares'][()] else 1)
" && ok "run (0, 0) of a sweep = the plain run" || not_ok "run (0, 0) differs from the plain run"

# explicit points and zip
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={points: [{model.p: 0.02, seed: 3}, {model.p: 0.04, seed: 4}], series: false}' -o pts.h5 -q &&
py "
import h5py, sys
f = h5py.File('pts.h5')
sys.exit(0 if list(f['sweep/params/seed'][:]) == [3, 4] and 'runs' not in f and f['sweep/summary'].shape[:2] == (2, 1) else 1)
" && ok "explicit points, series off" || not_ok "explicit points"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={zip: {model.p: [0.02, 0.04], model.p_bot: [0.3, 0.6]}}' -o zip.h5 -q &&
py "
import h5py, sys
f = h5py.File('zip.h5')
sys.exit(0 if list(f['sweep/params/model.p_bot'][:]) == [0.3, 0.6] and f['sweep/summary'].shape[0] == 2 else 1)
" && ok "zip keys vary together" || not_ok "zip"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={zip: {model.p: [0.02, 0.04], model.p_bot: [0.3]}}' -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "sweep.zip.model.p_bot: expected a list of 2 values" err && ok "zip lists of unequal length refused" || not_ok "unequal zip: $(cat err)"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={grid: {model.q: [1, 2]}}' -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "^tagcascade: --set:1:7: sweep point 0 (model.q=1): --set:1:9: unknown key 'model.q' (did you mean 'model.p'?)" err && ok "unknown swept key refused before any run" || not_ok "unknown key: $(cat err)"

# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={replicate: 2, grid: {model.p: [0.02]}}' -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "unknown key 'sweep.replicate' (did you mean 'sweep.replicates'?); allowed: replicates, grid, zip, points, series" err && [ ! -e bad.h5 ] && ok "unknown sweep key gets a did-you-mean" || not_ok "sweep key typo: $(cat err)"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={replicates: 0, series: maybe}' -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "sweep.replicates: expected an integer in \[1, 1000000\], got \"0\"" err && ok "replicates out of range refused, with the value" || not_ok "replicates 0: $(cat err)"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set 'sweep={series: maybe}' -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "sweep.series: expected true or false, got \"maybe\"" err && ok "series not a boolean refused" || not_ok "series maybe: $(cat err)"
# ------------------------------------------------------------------ one point by run, checks by validate
# run --point 3 of a.h5's sweep is that point's replicate 0: same series, same summary
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL --set "$SWEEP" --point 3 -o p3.h5 -q &&
py "
import h5py, numpy as np, sys
a = h5py.File('a.h5'); b = h5py.File('p3.h5')
m = list(a['sweep/metrics'].asstr()[:])
s = a['runs/3/0/series']
bad = [k for k in s if not np.array_equal(s[k][()], b['series'][k][()])]
for k in ('reshares', 'reach', 'posts'):
    if a['sweep/summary'][3, 0, m.index(k)] != b['summary'][k][()]: bad.append(k)
if len(s) < 10: bad.append('only %d series compared' % len(s))
sys.exit('differ: %s' % bad if bad else 0)
" && ok "run --point 3 = replicate 0 of sweep point 3" || not_ok "run --point 3 differs from the sweep's run (3, 0)"
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL --set "$SWEEP" -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "sweep: this scenario is a sweep of 6 points x 3 replicates; run it with \`tagcascade sweep" err && [ ! -e bad.h5 ] && ok "run on a sweep refused with the hint" || not_ok "run on a sweep: $(cat err)"
# shellcheck disable=SC2086
"$BIN" run "$SCEN" $SMALL --set "$SWEEP" --point 6 -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "^tagcascade: --point: expected a point from 0 to 5" err && ok "--point past the last point refused" || not_ok "--point 6: $(cat err)"
"$BIN" run "$SCEN" --point 0 -o bad.h5 -q 2>err
[ $? -eq 2 ] && grep -q "has no sweep section" err && ok "--point without a sweep refused" || not_ok "--point, no sweep: $(cat err)"
# shellcheck disable=SC2086
"$BIN" validate "$SCEN" $SMALL --set "$SWEEP" >out 2>err && grep -q "^# sweep: 6 points x 3 replicates, every point's scenario valid; swept: population.bots.fraction, model.p" out &&
    ok "validate checks the sweep section" || not_ok "validate a sweep: $(cat err)"
# shellcheck disable=SC2086
"$BIN" validate "$SCEN" $SMALL --set 'sweep={grid: {model.p: [0.03, 2]}}' >out 2>err
[ $? -eq 2 ] && grep -q "sweep point 1 (model.p=2): --set:1:9: model.p: expected a number in \[0, 1\], got \"2\"" err && ok "validate refuses a sweep point out of range" || not_ok "validate a bad point: $(cat err)"
# shellcheck disable=SC2086
"$BIN" validate "$SCEN" $SMALL --set 'sweep={grd: {model.p: [0.03]}}' >out 2>err
[ $? -eq 2 ] && grep -q "unknown key 'sweep.grd' (did you mean 'sweep.grid'?)" err && ok "validate refuses a misspelt sweep key" || not_ok "validate sweep.grd: $(cat err)"

"$BIN" summary a.h5 >out 2>err
[ $? -eq 0 ] && grep -q "^sweep 'macronleaks' (a.h5): 6 points x 3 replicates, 18 of 18 runs done$" out &&
    [ "$(grep -c '^ *[0-5]  *3 ' out)" -eq 6 ] && ! grep -q "paired differences" out &&
    ok "summary of a sweep file: a row per point" || not_ok "summary of a sweep: $(cat out err)"
"$BIN" export a.h5 --cascade 0 >out 2>err
[ $? -eq 2 ] && grep -q "a.h5: a sweep file (many runs), not a run or observed file" err && ok "export of a sweep file refused with what to do" || not_ok "export of a sweep: $(cat err)"
# ------------------------------------------------------------------ threads
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o b.h5 -q --threads 2
same a.h5 b.h5 "1 and 2 threads give identical datasets"

# ------------------------------------------------------------------ engines kept from run to run
# on 1 thread one engine plays a.h5's 18 runs, each after the others (its state
# cleared, not made anew): every run is the same as the run made alone
for p in 0 1 2 3 4 5; do
    for r in 0 1 2; do
        # shellcheck disable=SC2086
        "$BIN" run "$SCEN" $SMALL --set "$SWEEP" --point $p --replicate $r -o "alone_${p}_$r.h5" -q ||
            not_ok "run --point $p --replicate $r"
    done
done
py "
import h5py, numpy as np, sys
a = h5py.File('a.h5')
m = list(a['sweep/metrics'].asstr()[:])
bad = []
for p in range(6):
    for r in range(3):
        b = h5py.File('alone_%d_%d.h5' % (p, r))
        s = a['runs/%d/%d/series' % (p, r)]
        bad += ['(%d, %d) %s' % (p, r, k) for k in s if not np.array_equal(s[k][()], b['series'][k][()])]
        for k in ('reach', 'exposed', 'reshares', 'posts', 'own_posts', 'max_depth', 'max_breadth',
                  'cascades', 'largest_size', 'largest_structural_virality', 'peak_t',
                  'bot_share_volume'):
            x, y = a['sweep/summary'][p, r, m.index(k)], b['summary'][k][()]
            if not np.array_equal(x, y, equal_nan=True): bad.append('(%d, %d) %s %r %r' % (p, r, k, x, y))
        if len(s) < 10: bad.append('only %d series compared' % len(s))
sys.exit('differ: %s' % bad[:5] if bad else 0)
" && ok "each of a sweep's runs, played in one engine after the others, = the run made alone" ||
    not_ok "a sweep's runs differ from the runs made alone"

# ------------------------------------------------------------------ kill -9, then --resume
BIG='sweep={grid: {population.bots.fraction: [0, 0.1, 0.2]}, replicates: 30}'
# sanitized (test_asan), runs are ~5x slower: 30 runs are enough to be killed
[ -n "${TC_SANITIZED:-}" ] && BIG='sweep={grid: {population.bots.fraction: [0, 0.1, 0.2]}, replicates: 10}'
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o clean.h5 -q
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o k.h5 -q & pid=$!
# wait for a few finished runs in the journal (header 64 bytes, records ~110 kB)
i=0
while [ $i -lt 300 ]; do
    sz=$(stat -c %s k.h5.journal.0 2>/dev/null || echo 0)
    [ "$sz" -gt 400000 ] && break
    sleep 0.05; i=$((i + 1))
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e k.h5 ]; then
    not_ok "kill -9: the sweep finished before it could be killed"
else
    [ -s k.h5.journal.0 ] && ok "kill -9 leaves the journal and no file under the final name" || not_ok "no journal after kill -9"
    # shellcheck disable=SC2086
    "$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o k.h5 -q 2>err
    [ $? -eq 2 ] && grep -q "add --resume" err && ok "an existing journal is not overwritten" || not_ok "journal guard: $(cat err)"
    # shellcheck disable=SC2086
    "$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o k.h5 --resume 2>err >/dev/null
    grep -q "resuming: [1-9][0-9]* runs already in the journal" err && ok "resume skips the finished runs" || not_ok "resume: $(cat err)"
    same clean.h5 k.h5 "kill -9 then --resume = the uninterrupted sweep"
    [ -e k.h5.journal.0 ] && not_ok "journal left after the sweep completed"
fi

# SIGTERM: stops cleanly with exit 1, keeps the journal
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o s.h5 -q 2>err & pid=$!
i=0
while [ $i -lt 300 ]; do
    sz=$(stat -c %s s.h5.journal.0 2>/dev/null || echo 0)
    [ "$sz" -gt 400000 ] && break
    sleep 0.05; i=$((i + 1))
done
kill -TERM $pid; wait $pid; rc=$?
if [ -e s.h5 ]; then
    not_ok "SIGTERM: the sweep finished before the signal"
else
    [ $rc -eq 1 ] && grep -q "interrupted:.*--resume" err && ok "SIGTERM stops cleanly (exit 1) and says how to resume" || not_ok "SIGTERM: rc $rc, $(cat err)"
    # shellcheck disable=SC2086
    "$BIN" sweep "$SCEN" $SMALL --set "$BIG" -o s.h5 -q --resume && same clean.h5 s.h5 "SIGTERM then --resume = the uninterrupted sweep"
fi

# ------------------------------------------------------------------ shards
for i in 0 1 2 3; do
    # shellcheck disable=SC2086
    "$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" --shard $i/4 -o shard$i.h5 -q || not_ok "shard $i"
done
"$BIN" merge shard0.h5 shard1.h5 shard2.h5 shard3.h5 -o merged.h5 >/dev/null && same a.h5 merged.h5 "4 shards merged = the whole sweep"
"$BIN" merge shard0.h5 shard1.h5 -o part.h5 2>err >/dev/null
[ $? -eq 2 ] && grep -q "runs are in no shard" err && ok "merge refuses missing shards" || not_ok "merge of 2 of 4 shards: $(cat err)"
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" --set seed=9 --shard 3/4 -o other.h5 -q
"$BIN" merge shard0.h5 shard1.h5 shard2.h5 other.h5 -o mix.h5 2>err >/dev/null
[ $? -eq 2 ] && grep -q "belongs to another sweep" err && ok "merge refuses a shard of another sweep" || not_ok "mixed shards: $(cat err)"

# ------------------------------------------------------------------ bounded memory
case $BIN in *build-asan*)
    # AddressSanitizer keeps freed memory in quarantine: peak memory means nothing
    exit $fail ;;
esac
# 10 runs and 1,000 runs of a tiny scenario: peak memory must not grow with runs
TINY="--set graph.n=2000 --set accounts.0.followers=100 --set accounts.1.followers=500 --set accounts.2.followers=100 --set time.duration=6h"
for n in 10 1000; do
    # shellcheck disable=SC2086
    /usr/bin/time -f %M -o rss$n "$BIN" sweep "$SCEN" $TINY --set "sweep={grid: {population.bots.fraction: [0, 0.1]}, replicates: $((n / 2))}" -o mem$n.h5 -q
done
r10=$(tail -n 1 rss10) r1000=$(tail -n 1 rss1000)
if [ $((r1000 - r10)) -lt 8000 ]; then
    ok "peak memory 10 runs ${r10} kB, 1,000 runs ${r1000} kB"
else
    not_ok "peak memory grows with the runs: 10 runs ${r10} kB, 1,000 runs ${r1000} kB"
fi
exit $fail
