# `tagcascade serve` over HTTP on 127.0.0.1 (curl): the knobs, a run and its
# cache, the run equal to `tagcascade run` with the same values, 400 with a
# message for bad values, 404 for unknown paths, traversal refused, a body too
# large refused, 20 concurrent requests within the bound of runs at a time,
# bad options and a bad classroom section (exit 2), and a clean stop on SIGINT
# and SIGTERM. Run from the project root (env BIN = the binary).
set -u
BIN=${BIN:-${BUILD:-build}/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
SCEN=$(pwd)/scenarios/classroom.yaml
command -v curl >/dev/null 2>&1 || { echo "curl is not installed (Debian: curl)"; exit 77; }
if "$BIN" serve --port 0 /nonexistent.yaml 2>&1 | grep -q "built without libmicrohttpd"; then
    echo "built without libmicrohttpd (Debian: libmicrohttpd-dev)"
    exit 77
fi
T=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$T"' EXIT
fail=0
not_ok() { echo "not ok - $1"; fail=1; }
ok() { echo "ok - $1"; }
py() { /usr/bin/python3 -c "$@"; }

# start NAME ARGS...: a server on a free port; its address in $U
start() {
    name=$1
    shift
    "$BIN" serve "$@" --port 0 >"$T/$name.out" 2>"$T/$name.err" &
    pid=$!
    i=0
    while [ ! -s "$T/$name.out" ] && [ $i -lt 300 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    U=$(head -n 1 "$T/$name.out")
    case $U in http://127.0.0.1:*/) return 0 ;; esac
    not_ok "$name: the server did not start: $(cat "$T/$name.err")"
    return 1
}
# code URL [curl options]: the HTTP status; the body in $T/body
code() {
    url=$1
    shift
    curl -s -o "$T/body" -w '%{http_code}' --max-time 60 "$@" "$url"
}
# stop SIGNAL: the server ends by itself, exit 0, within 10 s
stop() {
    kill -"$1" "$pid"
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
        not_ok "SIG$1: the server is still running after 10 s"
        kill -9 "$pid"
        wait "$pid" 2>/dev/null
    else
        wait "$pid"
        rc=$?
        if [ $rc -eq 0 ] && grep -q "stopped after" "$T/$2.err"; then ok "SIG$1 stops the server cleanly (exit 0)"
        else not_ok "SIG$1: exit $rc, $(tail -n 2 "$T/$2.err")"; fi
    fi
    pid=
}

start main "$SCEN" --max-runs 2 || exit 1

# ------------------------------------------------------------------ the page and the knobs
c=$(code "$U")
[ "$c" = 200 ] && grep -q "uPlot.iife.min.js" "$T/body" && ok "/ serves the page" \
    || not_ok "/: $c"
c=$(code "${U}vendor/uplot/LICENSE")
[ "$c" = 200 ] && grep -q "MIT License" "$T/body" && ok "the charting library's licence is served" \
    || not_ok "licence: $c"
c=$(code "${U}api/knobs")
if [ "$c" = 200 ] && py "
import json, sys
d = json.load(open('$T/body'))
ids = [k['id'] for k in d['knobs']]
assert ids == ['bots', 'takedown', 'takedown_at', 'call', 'trending'], ids
b = d['knobs'][0]
assert (b['key'], b['min'], b['max'], b['default']) == ('population.bots.fraction', 0, 0.4, 0.06), b
assert d['accounts'] > 30000, d
"; then ok "/api/knobs: the five knobs with keys, ranges and defaults"
else not_ok "/api/knobs: $c $(head -c 300 "$T/body")"; fi

# ------------------------------------------------------------------ a run, the cache
c=$(code "${U}api/run?bots=0.2&seed=1")
cp "$T/body" "$T/run1.json"
if [ "$c" = 200 ] && py "
import json
d = json.load(open('$T/run1.json'))
n = d['intervals']
for k in ('volume_human', 'volume_bot', 'reached_human', 'reached_bot', 'exposed_human', 'exposed_bot'):
    assert len(d[k]) == n, k
s = d['summary']
assert d['reached_human'][-1] == s['reach_human'] and d['reached_bot'][-1] == s['reach_bot']
assert sum(d['volume_human']) + sum(d['volume_bot']) == s['volume'] > 0
assert abs(s['bot_share_accounts'] - 0.2) < 0.01, s
assert d['values']['bots'] == 0.2 and d['seed'] == 1
assert any(e['kind'] == 'damping' for e in d['events'])
assert not any(e['kind'] == 'takedown' for e in d['events'])  # off by default
"; then ok "/api/run: series by class, reach and summary agree"
else not_ok "/api/run: $c $(head -c 300 "$T/body")"; fi
c=$(code "${U}api/run?seed=1&bots=0.2")
cmp -s "$T/body" "$T/run1.json" && ok "the same values and seed again: the same answer (cached)" \
    || not_ok "the second answer differs"
code "${U}api/status" >/dev/null
py "import json; d = json.load(open('$T/body')); assert d['cache_hits'] >= 1, d" \
    && ok "the second answer came from the cache" || not_ok "no cache hit: $(cat "$T/body")"
c=$(code "${U}api/run" -X POST -d "bots=0.2&seed=1")
cmp -s "$T/body" "$T/run1.json" && ok "POST with a form body: the same answer" || not_ok "POST: $c"
c=$(code "${U}api/run?takedown=on&takedown_at=3&seed=1")
py "
import json
d = json.load(open('$T/body'))
assert d['summary']['removed_bots'] > 0, d['summary']
assert [e['t'] for e in d['events'] if e['kind'] == 'takedown'] == [3 * 3600]
" && ok "the takedown toggle and its time" || not_ok "takedown: $c $(head -c 300 "$T/body")"

# seed 0 is what `tagcascade run` gives with the same values
"$BIN" run "$SCEN" --set population.bots.fraction=0.1 --set platform.trending.threshold=800 \
    -o "$T/cli.h5" --quiet 2>"$T/cli.err" || not_ok "tagcascade run: $(cat "$T/cli.err")"
c=$(code "${U}api/run?bots=0.1&trending=800")
if py "
import json, h5py
d = json.load(open('$T/body'))
with h5py.File('$T/cli.h5') as f:
    s = f['summary']
    reach = int(s['reach'][()]) if 'reach' in s else None
    hum = f['series/reshares_human'][:] + f['series/posts_human'][:] + f['series/own_posts_human'][:]
assert reach == d['summary']['reach'], (reach, d['summary']['reach'])
assert list(hum) == d['volume_human']
" 2>"$T/py.err"; then ok "seed 0 equals \`tagcascade run\` with the same --set (reach, volume)"
else not_ok "serve and run differ: $(tail -n 3 "$T/py.err")"; fi

# ------------------------------------------------------------------ refusals
for q in "bots=0.9" "bots=-1" "bots=abc" "trending=10" "takedown=maybe" "call=1.5" \
         "takedown_at=40" "seed=-3" "colour=red" "bots=0.1&bots=0.2"; do
    c=$(code "${U}api/run?$q")
    if [ "$c" = 400 ] && py "import json; m = json.load(open('$T/body'))['error']; assert len(m) > 10" 2>/dev/null; then
        :
    else
        not_ok "?$q: expected 400 with a message, got $c $(cat "$T/body")"
    fi
done
c=$(code "${U}api/run?bots=0.9")
grep -q 'bots: expected a number in \[0, 0.4\]' "$T/body" && ok "values outside the declared ranges: 400 naming the knob and its range" \
    || not_ok "400 message: $(cat "$T/body")"
for p in nope api/nope index.htm vendor/uplot/nope.js; do
    c=$(code "$U$p")
    [ "$c" = 404 ] || not_ok "/$p: expected 404, got $c"
done
ok "unknown paths: 404"
for p in "../../../etc/passwd" "vendor/../../README.md" "..%2f..%2fetc%2fpasswd" "vendor/uplot/..%2F..%2Fapp.js"; do
    c=$(code "$U$p" --path-as-is)
    case $c in 400 | 404) ;; *) not_ok "/$p: expected 400 or 404, got $c" ;; esac
    grep -q "root:" "$T/body" && not_ok "/$p served a file of the system"
done
ok "path traversal refused"
head -c 10000 /dev/zero | tr '\0' a >"$T/big"
c=$(code "${U}api/run" -X POST --data-binary @"$T/big")
[ "$c" = 413 ] && ok "a body over 4 KB: 413" || not_ok "big body: $c"
c=$(code "${U}api/run" -X DELETE)
[ "$c" = 405 ] && ok "another method: 405" || not_ok "DELETE: $c"

# ------------------------------------------------------------------ 20 at once
i=0
while [ $i -lt 20 ]; do
    curl -s -o "$T/c$i.json" -w '%{http_code}\n' --max-time 60 "${U}api/run?seed=$((100 + i))&bots=0.$((i % 4))" >"$T/c$i.code" &
    i=$((i + 1))
done
wait_curl=0
while [ $wait_curl -lt 600 ] && [ "$(cat "$T"/c*.code 2>/dev/null | wc -l)" -lt 20 ]; do
    sleep 0.1
    wait_curl=$((wait_curl + 1))
done
codes=$(cat "$T"/c*.code | sort | uniq -c | tr -s ' \n' ' ')
n200=$(grep -c '^200$' "$T"/c*.code | awk -F: '{s += $2} END {print s}')
n503=$(grep -c '^503$' "$T"/c*.code | awk -F: '{s += $2} END {print s}')
code "${U}api/status" >/dev/null
if kill -0 "$pid" 2>/dev/null && [ $((n200 + n503)) -eq 20 ] && [ "$n200" -ge 10 ] && py "
import json
d = json.load(open('$T/body'))
assert d['peak_running'] <= d['max_runs'] == 2, d
assert d['running'] == 0 and d['waiting'] == 0, d
"; then ok "20 concurrent requests: server up, answers $codes, at most 2 runs at a time"
else not_ok "20 concurrent requests: $codes; status $(cat "$T/body")"; fi
stop INT main

# ------------------------------------------------------------------ SIGTERM during a run
start term "$SCEN" || exit 1
curl -s -o /dev/null --max-time 30 "${U}api/run?seed=7" &
sleep 0.2
stop TERM term

# ------------------------------------------------------------------ bad input: exit 2
"$BIN" serve "$SCEN" --port 70000 >/dev/null 2>"$T/e1"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--port" "$T/e1" && ok "--port 70000: exit 2 naming the option" \
    || not_ok "--port 70000: exit $rc $(cat "$T/e1")"
"$BIN" serve "$SCEN" --bind nowhere >/dev/null 2>"$T/e2"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--bind" "$T/e2" && ok "--bind nowhere: exit 2 naming the option" \
    || not_ok "--bind nowhere: exit $rc $(cat "$T/e2")"
sed 's/key: population.bots.fraction, min: 0, max: 0.4/key: population.bots.fraction, min: 0.1, max: 0.4/' \
    "$SCEN" >"$T/badrange.yaml"
"$BIN" serve "$T/badrange.yaml" --port 0 >/dev/null 2>"$T/e3"
rc=$?
[ $rc -eq 2 ] && grep -q "badrange.yaml:[0-9]*:[0-9]*: classroom.knobs.0.key" "$T/e3" \
    && ok "a default outside its knob's range: exit 2 with file:line:col" \
    || not_ok "bad range: exit $rc $(cat "$T/e3")"
sed 's/key: platform.trending.threshold/key: graph.mixing/' "$SCEN" >"$T/badkey.yaml"
"$BIN" serve "$T/badkey.yaml" --port 0 >/dev/null 2>"$T/e4"
rc=$?
[ $rc -eq 2 ] && grep -q "classroom.knobs.4.key" "$T/e4" && ok "a graph key as a knob: exit 2" \
    || not_ok "graph knob: exit $rc $(cat "$T/e4")"
"$BIN" serve "$(pwd)/scenarios/macronleaks.yaml" --port 0 >/dev/null 2>"$T/e5"
rc=$?
[ $rc -eq 2 ] && grep -q "classroom" "$T/e5" && ok "a scenario without a classroom section: exit 2" \
    || not_ok "no classroom section: exit $rc $(cat "$T/e5")"

exit $fail
