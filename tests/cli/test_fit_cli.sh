# `tagcascade fit` (docs/fit.md) on tests/data/fit_binomial.yaml (a hub posts once
# to 50 followers who each reshare with probability model.p): the posterior file is
# the same on 1 and 3 threads; killed with kill -9 in the middle and resumed it
# is the same as a fit never stopped; a checkpoint is not overwritten without
# --resume; summary prints the posterior; every bad fit section, observed
# file and option exits 2 with file:line:col (or the CSV's line) and writes
# nothing. Run from the project root (env BIN).
set -u
BIN=${BIN:-build/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
DATA=$(pwd)/tests/data
T=$(mktemp -d) || exit 1
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
fail=0
check() { # what, then a command that must succeed
    what=$1
    shift
    if "$@"; then echo "ok - $what"; else echo "not ok - $what"; fail=1; fi
}
same() { # a b what: the /fit groups identical
    if h5diff "$1" "$2" /fit /fit >/dev/null 2>&1; then echo "ok - $3"
    else echo "not ok - $3"; h5diff "$1" "$2" /fit /fit 2>&1 | head -5; fail=1; fi
}

cp "$DATA/fit_binomial.yaml" binom.yaml && cp "$DATA/fit_binomial_obs.csv" . || exit 1

"$BIN" fit binom.yaml -o t1.h5 --threads 1 -q || { echo "not ok - fit on 1 thread failed"; exit 1; }
"$BIN" fit binom.yaml -o t3.h5 --threads 3 -q || { echo "not ok - fit on 3 threads failed"; exit 1; }
same t1.h5 t3.h5 "1 and 3 threads: the same particles, weights, distances and predictive"
check "no checkpoint left after a finished fit" [ ! -e t1.h5.ckpt ]
"$BIN" summary t1.h5 >sum.txt
check "summary: the generations and the posterior of model.p" \
    sh -c "grep -q '^posterior (generation' sum.txt && grep -q '^model.p  *0\.[23]' sum.txt && grep -q 'stopped: epsilon 0 reached' sum.txt"

# kill -9 after the first checkpoint, then --resume: the same file
sed "s/particles: 300/particles: 2000/" binom.yaml >big.yaml
"$BIN" fit big.yaml -o whole.h5 -q --threads 2 || { echo "not ok - the long fit failed"; exit 1; }
"$BIN" fit big.yaml -o cut.h5 -q --threads 2 &
pid=$!
i=0
while [ ! -e cut.h5.ckpt ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "killed with kill -9: a checkpoint and no fit file" sh -c "[ -e cut.h5.ckpt ] && [ ! -e cut.h5 ]"
"$BIN" fit big.yaml -o cut.h5 -q --threads 2 2>err
rc=$?
check "a checkpoint without --resume: exit 2, said, kept" \
    sh -c "[ $rc -eq 2 ] && grep -q 'cut.h5.ckpt: the checkpoint of an earlier fit' err && [ -e cut.h5.ckpt ]"
"$BIN" fit big.yaml -o cut.h5 --resume -q --threads 3 || echo "not ok - --resume failed"
same whole.h5 cut.h5 "kill -9, then --resume on 3 threads: the same as a fit never stopped"
check "--resume removes the checkpoint at the end" [ ! -e cut.h5.ckpt ]
"$BIN" fit big.yaml -o cut2.h5 -q --threads 2 &
pid=$!
i=0
while [ ! -e cut2.h5.ckpt ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
# SIGTERM: stops after the runs in flight, exit 1, the checkpoint kept; --resume finishes
"$BIN" fit big.yaml -o term.h5 --threads 2 2>term.err >/dev/null &
pid=$!
i=0
while [ ! -e term.h5.ckpt ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
check "SIGTERM: exit 1, 'interrupted in generation', the checkpoint kept, no fit file" \
    sh -c "[ $rc -eq 1 ] && grep -q 'interrupted in generation [0-9]*; term.h5.ckpt keeps [0-9]* generation' term.err && [ -e term.h5.ckpt ] && [ ! -e term.h5 ]"
"$BIN" fit big.yaml -o term.h5 --resume -q --threads 2 || echo "not ok - --resume after SIGTERM failed"
same whole.h5 term.h5 "SIGTERM, then --resume: the same as a fit never stopped"
sed 's/max: 1}/max: 0.9}/' big.yaml >other.yaml
"$BIN" fit other.yaml -o cut2.h5 --resume -q 2>err
rc=$?
check "--resume with another fit's checkpoint: exit 2" \
    sh -c "[ $rc -eq 2 ] && grep -q 'the checkpoint of another fit' err && [ ! -e cut2.h5 ]"

# a checkpoint planted as a link is not followed
ln -s whole.h5 link.h5.ckpt
"$BIN" fit big.yaml -o link.h5 --resume -q 2>err
rc=$?
check "--resume with the checkpoint a symbolic link: refused (exit 2), nothing written" \
    sh -c "[ $rc -eq 2 ] && grep -q 'link.h5.ckpt' err && [ ! -e link.h5 ]"

# bad input: exit 2, the place, nothing written
bad() { # name, expected text, then the fit section's replacement (a sed script)
    name=$1 want=$2
    shift 2
    sed "$@" binom.yaml >"$name.yaml"
    "$BIN" fit "$name.yaml" -o "$name.h5" -q 2>"$name.err"
    rc=$?
    if [ $rc -eq 2 ] && grep -q -- "$want" "$name.err" && [ ! -e "$name.h5" ] &&
        [ -z "$(ls "$name".h5.* 2>/dev/null)" ]; then
        echo "ok - $name: exit 2, '$want'"
    else
        echo "not ok - $name: exit $rc, $(cat "$name.err")"
        fail=1
    fi
}
bad unknown_key "unknown_key.yaml:13:15: fit.parameters.model.pp: 'model.pp' is not a key this scenario accepts: unknown key 'model.pp' (did you mean 'model.p'?)" 's/model.p:/model.pp:/'
bad prior_out "fit.parameters.model.p: the prior uniform(0, 2) reaches model.p = 2, which the scenario refuses" 's/max: 1}/max: 2}/'
bad normal_bounded "use truncated_normal" 's/{prior: uniform, min: 0, max: 1}/{prior: normal, mean: 0.3, sd: 0.1}/'
bad no_targets "no_targets.yaml:14:11: fit.targets: expected at least one target" 's/volume: {distance: rmse_log}//'
bad empty_targets "empty_targets.yaml:15:5: fit.targets: expected at least one target" 's/volume: {distance: rmse_log}/{}/'
bad bad_target "binom.yaml\|bad_target.yaml:1[0-9]:[0-9]*: unknown key 'fit.targets.volum'" 's/volume: {distance: rmse_log}/volum: {distance: rmse_log}/'
bad bad_distance "expected rmse_log or rmse_sqrt for the volume curve" 's/volume: {distance: rmse_log}/volume: {distance: ks}/'
bad no_fit "no fit section" '/^fit:/,$d'
bad window "lies outside the scenario's time" 's/duration: 30d/duration: 10d/'
bad log_uniform_zero "min > 0 with prior log_uniform" 's/prior: uniform, min: 0/prior: log_uniform, min: 0/'
printf '' >empty.csv
bad empty_observed "empty.csv" 's/fit_binomial_obs.csv/empty.csv/'
printf 'start,count\n2017-05-05T20:00:00+02:00,-3\n' >negative.csv
bad negative_observed "negative.csv:2:" 's/fit_binomial_obs.csv/negative.csv/'
bad missing_observed "missing.csv" 's/fit_binomial_obs.csv/missing.csv/'
printf 'not an hdf5 file\n' >junk.h5
bad junk_observed "junk.h5" 's/{volume: fit_binomial_obs.csv, bin: 30d}/{volume: junk.h5}/'
bad whole_numbers "the scenario refuses accounts.0.followers = 24.8 inside the prior (accounts.0.followers: expected an integer" 's/model.p: {prior: uniform, min: 0, max: 1}/accounts.0.followers: {prior: uniform, min: 10, max: 50}/'
# a key that takes whole numbers, and shapes the graph: every particle its own graph
sed 's/model.p: {prior: uniform, min: 0, max: 1}/accounts.0.followers: {prior: uniform, min: 10, max: 50, integer: true}/; s/particles: 300/particles: 60/; s/generations: 12/generations: 3/' binom.yaml >int.yaml
"$BIN" fit int.yaml -o int.h5 -q && "$BIN" summary int.h5 >int.txt
check "integer: true on a key that shapes the graph: fitted, whole numbers" \
    sh -c "grep -q '^accounts.0.followers .*uniform(10, 50), whole numbers' int.txt"
"$BIN" validate prior_out.yaml -q 2>err
check "validate checks the fit section: the prior out of range, exit 2" \
    sh -c "[ $? -eq 2 ] && grep -q 'the prior uniform(0, 2) reaches model.p = 2' err"
"$BIN" validate binom.yaml -q 2>err
check "validate of a good fit section: exit 0" sh -c "[ $? -eq 0 ] && [ ! -s err ]"
"$BIN" fit binom.yaml -q 2>err
check "fit without -o: exit 2" sh -c "[ $? -eq 2 ] && grep -q 'expected one SCENARIO and -o FIT.h5' err"
"$BIN" fit binom.yaml -o x.h5 --threads 0 -q 2>err
check "fit --threads 0: exit 2" sh -c "[ $? -eq 2 ] && [ ! -e x.h5 ]"

exit $fail
