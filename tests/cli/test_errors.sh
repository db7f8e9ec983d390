# Bad input is refused with exit code 2 and a message that points at the place:
# each case writes a scenario (or passes an option), runs the binary and checks
# the exit code and the exact "file:line:col: key" text on stderr. Ends with a
# valid tiny scenario that must run (exit 0, output file, no temporary left).
# Run from the project root: sh tests/cli/test_errors.sh   (env BIN = the binary)
set -u
. tests/lib/cli.sh

# a scenario that loads; the cases below change one thing each
cat >good.yaml <<'EOF'
name: tiny
seed: 7
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
  dt: 1s
  output_interval: 1m
graph:
  generator: ba
  n: 200
  m: 3
  communities:
    - {name: a, share: 0.5}
    - {name: b, share: 0.5}
  mixing: 0.1
  reciprocity: 0.2
population:
  bots:
    fraction: 0.1
accounts:
  - name: hub
    community: a
    followers: 50
model:
  name: ic
  p: 0.05
events:
  - at: 10m
    post: hub
output:
  path: tiny.h5
EOF

# ------------------------------------------------------------------ YAML level

cat >syntax.yaml <<'EOF'
time:
  start: [2017, 5
graph:
  generator: ba
EOF
t validate syntax.yaml
expect "invalid YAML syntax" 2 "syntax.yaml:3:6: invalid YAML"

cat >dup.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
  duration: 3h
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate dup.yaml
expect "duplicate key" 2 "dup.yaml:4:3: duplicate key 'duration' (first given at line 3)"

: >empty.yaml
t validate empty.yaml
expect "empty file" 2 "empty.yaml:1:1: missing key 'time'"

t validate nosuch.yaml
expect "scenario file missing" 2 "nosuch.yaml: cannot open"

# ------------------------------------------------------------------ keys

cat >sed.yaml <<'EOF'
sed: 3
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate sed.yaml
expect "unknown top-level key" 2 "sed.yaml:1:1: unknown key 'sed' (did you mean 'seed'?)" \
    "allowed: name, seed, time,"

cat >nn.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  nn: 200
model:
  name: ic
EOF
t validate nn.yaml
expect "unknown nested key" 2 "nn.yaml:6:3: unknown key 'graph.nn' (did you mean 'graph.n'?)"

cat >mparam.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
  p_bots: 0.3
EOF
t validate mparam.yaml
expect "unknown model parameter" 2 \
    "mparam.yaml:9:3: unknown key 'model.p_bots' (did you mean 'model.p_bot'?); allowed: name, p, p_bot, p_hub"

cat >fastp.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200, m: 2}
model: {name: ic}
engine: {fast_path: fast}
EOF
t validate fastp.yaml
expect "engine.fast_path value" 2 "fastp.yaml:4:21: engine.fast_path: expected one of auto, off, got \"fast\""

cat >nostart.yaml <<'EOF'
time:
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate nostart.yaml
expect "missing required key" 2 "nostart.yaml:2:3: missing key 'time.start'"

# ------------------------------------------------------------------ types, ranges

cat >type.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: abc
model:
  name: ic
EOF
t validate type.yaml
expect "wrong type" 2 'type.yaml:6:6: graph.n: expected an integer in [2, 2146483647], got "abc"'

cat >range.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
  p: 1.5
EOF
t validate range.yaml
expect "out of range" 2 'range.yaml:9:6: model.p: expected a number in [0, 1], got "1.5"'

cat >cl_ba.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
  gamma_in: 2.3
model:
  name: ic
EOF
t validate cl_ba.yaml
expect "chung_lu key with ba" 2 "cl_ba.yaml:7:13: graph.gamma_in: expected no 'gamma_in' with generator ba (it belongs to another generator)"

cat >cl_gamma.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: chung_lu
  n: 200
  gamma_in: 2
model:
  name: ic
EOF
t validate cl_gamma.yaml
expect "chung_lu exponent" 2 'cl_gamma.yaml:7:13: graph.gamma_in: expected a number in [2.01, 10], got "2"'

cat >quoted.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
  p: "0.5"
EOF
t validate quoted.yaml
expect "quoted number" 2 'quoted.yaml:9:6: model.p: expected a number in [0, 1], got "0.5"'

cat >model.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: sirx
EOF
t validate model.yaml
expect "unknown model name" 2 'model.yaml:8:9: model.name: expected one of the rules: ic, lt,' \
    ' hawkes' 'got "sirx"'

# the rule's own checks, and a rule with its own delays refuses reading sessions
t validate good.yaml --set 'model={name: lt, theta_min: 0.7, theta_max: 0.2}'
expect "lt thresholds the wrong way round" 2 'model: theta_min must not exceed theta_max'
t validate good.yaml --set 'model={name: complex, k: 0}'
expect "complex contagion with k = 0" 2 'model.k: expected an integer in [1, 1000000], got "0"'
t validate good.yaml --set 'model={name: hawkes, n: 1}'
expect "supercritical hawkes" 2 'model.n: expected a number in [0, 0.999], got "1"'
t validate good.yaml --set 'model={name: hawkes, n: 0.5}' \
    --set 'population.humans={sessions: {per_day: 10}}'
expect "hawkes with reading sessions" 2 \
    "population.humans.sessions: not with model 'hawkes', which draws its own reshare delays"
t validate good.yaml --set 'model={name: lt}' --set 'population.humans={sessions: {per_day: 10}}'
expect "lt with reading sessions is fine" 0
t models nosuch
expect "models with an unknown rule" 2 "models: unknown rule 'nosuch'; the rules: ic, lt," "hawkes"
t models complex
expect "models NAME" 0
grep -q '^complex (event rule)' out && grep -q '^    p_bot ' out && ! grep -q '^ic ' out ||
    not_ok "models NAME" "lists $(head -c 200 out)"

# a step rule plays synchronous steps: interventions, sessions and trending
# belong to the event engine and are refused, pointing at the key
cat >step.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
accounts:
  - {name: hub, community: all, followers: 20}
model:
  name: sir
events:
  - {at: 0s, post: hub}
  - {at: 1h, until: 90m, silence: {who: bots}}
EOF
t validate step.yaml
expect "intervention with a step rule" 2 \
    'step.yaml:13:26: events.1.silence: model sir runs in synchronous steps; events.1.silence is for event rules'
t validate step.yaml --set events.1.at=30m --set 'events.1={at: 1h, debunk: {reach: 0.5}}'
expect "debunk with a step rule" 2 'events.1.debunk: model sir runs in synchronous steps'
t validate step.yaml --set 'events.1={at: 1h, post: hub}' --set 'population={humans: {sessions: {}}}'
expect "sessions with a step rule" 2 \
    'population.humans.sessions: model sir runs in synchronous steps; population.humans.sessions is for event rules'
t validate step.yaml --set 'events.1={at: 1h, post: hub}' --set 'population={humans: {sessions: {}}}' \
    --set 'platform={trending: {threshold: 10, probability: 0.1}}'
expect "trending with a step rule" 2 'platform.trending: model sir runs in synchronous steps'

# ------------------------------------------------------------------ time

cat >nooffset.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00
  duration: 2h
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate nooffset.yaml
expect "start without UTC offset" 2 \
    'nooffset.yaml:2:10: time.start: expected an ISO 8601 date-time with UTC offset' \
    'got "2017-05-05T20:00:00"'

cat >duration.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00Z
  duration: 5x
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate duration.yaml
expect "bad duration" 2 'duration.yaml:3:13: time.duration: expected a duration' 'got "5x"'

cat >interval.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00Z
  duration: 2h
  dt: 7s
  output_interval: 1m
graph:
  generator: ba
  n: 200
model:
  name: ic
EOF
t validate interval.yaml
expect "output_interval not a multiple of dt" 2 \
    'interval.yaml:5:20: time.output_interval: expected a whole multiple of time.dt (7s), got "1m"'

# ------------------------------------------------------------------ events

cat >early.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
accounts:
  - {name: h, community: all, followers: 10}
model:
  name: ic
events:
  - at: 2017-05-05T19:59:59+02:00
    post: h
EOF
t validate early.yaml
expect "event before start" 2 \
    'early.yaml:12:9: events.0.at: expected a time within the run, from 2017-05-05T20:00:00+02:00 to before 2017-05-05T22:00:00+02:00, got "2017-05-05T19:59:59+02:00"'

cat >late.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
accounts:
  - {name: h, community: all, followers: 10}
model:
  name: ic
events:
  - at: 1h59m
    post: h
  - at: 2h
    post: h
EOF
t validate late.yaml
expect "event at the end" 2 'late.yaml:14:9: events.1.at: expected a time within the run' 'got "2h"'

cat >poster.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
accounts:
  - {name: h, community: all, followers: 10}
model:
  name: ic
events:
  - at: 1h
    post: nobody
EOF
t validate poster.yaml
expect "event by an unknown account" 2 \
    "poster.yaml:13:11: events.0.post: expected the name of an account listed under 'accounts', got \"nobody\""

# ------------------------------------------------------------------ graph

cat >nofile.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  file: nope.txt
  format: edgelist
  direction: follows
model:
  name: ic
EOF
mkdir sub
cp nofile.yaml sub/nofile.yaml
t validate sub/nofile.yaml
expect "missing graph file" 2 "sub/nofile.yaml:5:9: graph.file: sub/nope.txt: cannot open: No such file or directory"

# the same file name resolves against the scenario's folder, not the current one
printf '# follower graph\n0 1  # 0 follows 1\n1 2\n2 0\n2 2\n2 0\n' >sub/nope.txt
t validate sub/nofile.yaml
expect "graph file beside the scenario" 0
grep -qF "# graph: 3 accounts, 0 bots, 3 audience edges (1 self-loops and 1 duplicates dropped)" out ||
    not_ok "graph file beside the scenario" "validate summary: $(tail -n 1 out)"

cat >shares.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
  communities:
    - {name: a, share: 0.5}
    - {name: b, share: 0.4}
model:
  name: ic
EOF
t validate shares.yaml
expect "community shares not summing to 1" 2 \
    "shares.yaml:8:5: graph.communities: expected shares that add up to 1 (they add up to 0.9), got a list"

cat >both.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
  file: edges.txt
model:
  name: ic
EOF
t validate both.yaml
expect "generator and file" 2 "both.yaml:5:3: graph: expected exactly one of 'generator' or 'file'"

# ------------------------------------------------------------------ accounts, population

cat >comm.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
  communities:
    - {name: a, share: 0.5}
    - {name: b, share: 0.5}
accounts:
  - name: h
    community: nowhere
    followers: 10
model:
  name: ic
EOF
t validate comm.yaml
expect "unknown community for an account" 2 \
    "comm.yaml:12:16: accounts.0.community: unknown community 'nowhere'; the graph has: a, b"

# accounts named by id: accounts of the graph, checked once it is built
named() { # FILE ACCOUNTS-LINES: a scenario of 200 accounts whose `h` posts
    {
        printf 'time:\n  start: 2017-05-05T20:00:00+02:00\n  duration: 2h\n'
        printf 'graph:\n  generator: ba\n  n: 200\n  m: 3\naccounts:\n%s\n' "$2"
        printf 'model:\n  name: ic\n  p: 0.3\nevents:\n  - {at: 1m, post: h}\n'
        printf 'output: {path: %s.h5}\n' "${1%.yaml}"
    } >"$1"
}
named idrange.yaml "  - {name: h, id: 200}"
t validate idrange.yaml
expect "account id outside the graph" 2 \
    "idrange.yaml:9:19: accounts.0.id: account 200 named 'h', but the graph's accounts are 0 .. 199"
named idfoll.yaml "  - {name: h, id: 5, followers: 3}"
t validate idfoll.yaml
expect "followers beside id" 2 \
    "idfoll.yaml:9:33: accounts.0.followers: expected no 'followers' beside 'id'"
named iddup.yaml "  - {name: h, id: 5}
  - {name: g, id: 5}"
t validate iddup.yaml
expect "one id named twice" 2 "iddup.yaml:10:19: accounts.1.id: expected an account id not named before, got \"5\""
# a valid one: h is account 17 (no account added), big a new account 200
named idok.yaml "  - {name: h, id: 17}
  - {name: big, community: all, followers: 150}"
t run idok.yaml
expect "a post by an account of the graph" 0 "tagcascade: 201 accounts (0 bots)"
t summary idok.h5
ncases=$((ncases + 1))
grep -qE '^ +[0-9]+ h +05-05 20:01' out || not_ok "a post by an account of the graph" \
    "summary has no root by h: $(head -c 600 out)"

cat >botcomm.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 200
  communities:
    - {name: a, share: 0.25}
    - {name: b, share: 0.75}
population:
  bots:
    fraction: 0.25
    placement: community
    community: a
model:
  name: ic
EOF
t validate botcomm.yaml
expect "bots filling their community" 2 \
    "botcomm.yaml:14:16: population.bots: 50 bots do not fit community 'a' (50 accounts) and leave humans in it"

# n = 10 and fraction 0.99 round to 10 bots: no humans left. The graph stage
# reports it naming the file and the key.
cat >nohumans.yaml <<'EOF'
time:
  start: 2017-05-05T20:00:00+02:00
  duration: 2h
graph:
  generator: ba
  n: 10
population:
  bots:
    fraction: 0.99
model:
  name: ic
EOF
t validate nohumans.yaml
expect "bot fraction leaving no humans" 2 \
    "nohumans.yaml:9:15: population.bots.fraction: 0.99 of 10 accounts leaves no humans"

# errors found once the graph exists still point at the scenario text
t validate good.yaml --set accounts.0.followers=5000
expect "more followers than accounts" 2 \
    "--set:1:22: accounts.0.followers: 5000 followers asked for 'hub', but the graph has 200"
t validate good.yaml --set accounts.0.followers=5 \
    --set 'graph.communities=[{name: a, share: 0.99}, {name: b, share: 0.01}]' --set graph.n=20
expect "community left empty" 2 "--set:1:9: graph.n: community 'b' would have no accounts with n = 20"
t validate good.yaml --set graph.edges=500
expect "another generator's option" 2 \
    "--set:1:13: graph.edges: expected no 'edges' with generator ba"
t validate good.yaml --set 'graph.communities=[{name: a, share: 0.5}, {share: 0.5}]'
expect "--set nested columns" 2 "--set:1:43: missing key 'graph.communities.1.name'"

# ------------------------------------------------------------------ people, bot groups, timeline, platform

cat >sess_key.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  humans:
    sessions:
      per_day: 8
      atention: 20
model: {name: ic}
EOF
t validate sess_key.yaml
expect "unknown key under sessions" 2 \
    "sess_key.yaml:7:7: unknown key 'population.humans.sessions.atention' (did you mean 'population.humans.sessions.attention'?); allowed: per_day, rhythm, attention"

cat >rhythm23.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  humans:
    sessions:
      rhythm: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
model: {name: ic}
EOF
t validate rhythm23.yaml
expect "rhythm with 23 weights" 2 \
    "rhythm23.yaml:6:15: population.humans.sessions.rhythm: expected a list of 24 weights, one per local hour from 0h, got a list"

cat >rhythmneg.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  humans:
    sessions:
      rhythm: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -0.5, 1, 1, 1, 1]
model: {name: ic}
EOF
t validate rhythmneg.yaml
expect "negative rhythm weight" 2 \
    'rhythmneg.yaml:6:73: population.humans.sessions.rhythm: expected a weight in [0, 1e6], got "-0.5"'

cat >rhythm0.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  humans:
    sessions:
      rhythm: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
model: {name: ic}
EOF
t validate rhythm0.yaml
expect "all-zero rhythm" 2 \
    "rhythm0.yaml:6:15: population.humans.sessions.rhythm: expected weights not all zero, got a list"

cat >tz25.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph:
  generator: ba
  n: 200
  communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]
population:
  humans:
    sessions: {per_day: 8}
    utc_offset: {a: +2h, b: +25h}
model: {name: ic}
EOF
t validate tz25.yaml
expect "utc_offset beyond 14h" 2 \
    'tz25.yaml:9:29: population.humans.utc_offset.b: expected a UTC offset such as +2h, -4h or +5h30m, got "+25h"'

cat >tzabc.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph:
  generator: ba
  n: 200
  communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]
population:
  humans:
    utc_offset:
      a: abc
model: {name: ic}
EOF
t validate tzabc.yaml
expect "utc_offset not a duration" 2 \
    'tzabc.yaml:9:10: population.humans.utc_offset.a: expected a UTC offset such as +2h, -4h or +5h30m, got "abc"'

# community names under utc_offset and susceptibility are checked once the
# graph is built, and the message still points at the scenario text
cat >tzcomm.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph:
  generator: ba
  n: 200
  communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]
population:
  humans:
    sessions: {per_day: 8}
    utc_offset:
      a: +2h
      c: -4h
model: {name: ic}
EOF
t validate tzcomm.yaml
expect "unknown community in utc_offset" 2 \
    "tzcomm.yaml:11:7: population.humans.utc_offset.c: unknown community; the graph has: a, b"

cat >suscomm.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph:
  generator: ba
  n: 200
  communities: [{name: a, share: 0.5}, {name: b, share: 0.5}]
population:
  humans:
    susceptibility: {a: 1.5, nowhere: 0.5}
model: {name: ic}
EOF
t validate suscomm.yaml
expect "unknown community in susceptibility" 2 \
    "suscomm.yaml:8:30: population.humans.susceptibility.nowhere: unknown community; the graph has: a, b"

cat >gshares.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots:
    fraction: 0.1
    groups:
      - {name: amp, share: 0.5}
      - {name: rep, share: 0.3, repeat: {count: 2}}
model: {name: ic}
EOF
t validate gshares.yaml
expect "bot group shares not summing to 1" 2 \
    "gshares.yaml:7:7: population.bots.groups: expected shares that add up to 1 (they add up to 0.8), got a list"

cat >gdup.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots:
    fraction: 0.1
    groups:
      - {name: amp, share: 0.5}
      - {name: amp, share: 0.5}
model: {name: ic}
EOF
t validate gdup.yaml
expect "duplicate bot group name" 2 \
    'gdup.yaml:8:16: population.bots.groups.1.name: expected a group name not used before, got "amp"'

cat >ring1.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots:
    fraction: 0.1
    groups:
      - name: r
        ring: 1
model: {name: ic}
EOF
t validate ring1.yaml
expect "ring of one bot" 2 \
    'ring1.yaml:8:15: population.bots.groups.0.ring: expected 0 (no rings) or a ring size of 2 to 1000, got "1"'

# mentions name accounts listed after the population block
cat >mention.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots:
    fraction: 0.1
    groups:
      - {name: m, mentions: {accounts: [hub, nobody], probability: 0.2}}
accounts:
  - {name: hub, community: all, followers: 50}
model: {name: ic}
events:
  - {at: 10m, post: hub}
EOF
t validate mention.yaml
expect "mention of an unknown account" 2 \
    "mention.yaml:7:46: population.bots.groups.0.mentions.accounts: expected the name of an account listed under 'accounts', got \"nobody\""

cat >wave.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots:
    fraction: 0.1
    groups: [{name: early, share: 0.5}, {name: late, share: 0.5}]
model: {name: ic}
events:
  - {at: 1h, bot_wave: latte}
EOF
t validate wave.yaml
expect "bot wave of an unknown group" 2 \
    'wave.yaml:9:24: events.0.bot_wave: expected the name of a group under population.bots.groups, got "latte"'

cat >twokinds.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
accounts:
  - {name: hub, community: all, followers: 50}
model: {name: ic}
events:
  - {at: 10m, post: hub}
  - at: 20m
    post: hub
    silence: {who: bots}
EOF
t validate twokinds.yaml
expect "event with two kinds" 2 \
    "twokinds.yaml:8:5: events.1: expected exactly one of post, silence, damping, takedown, debunk, bot_wave, press, got a mapping"

cat >nokind.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
model: {name: ic}
events:
  - {at: 20m, label: "nothing happens"}
EOF
t validate nokind.yaml
expect "event with no kind" 2 \
    "nokind.yaml:5:5: events.0: expected exactly one of post, silence, damping, takedown, debunk, bot_wave, press, got a mapping"

cat >untilpost.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
accounts:
  - {name: hub, community: all, followers: 50}
model: {name: ic}
events:
  - {at: 10m, until: 30m, post: hub}
EOF
t validate untilpost.yaml
expect "until on a post" 2 \
    "untilpost.yaml:7:22: events.0.until: expected no 'until': only silence, damping and press last, got \"30m\""

cat >press.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
accounts:
  - {name: hub, community: all, followers: 50}
model: {name: ic}
events:
  - {at: 10m, post: hub}
  - {at: 20m, press: {probability: 0.5}}
EOF
t validate press.yaml
expect "press without sessions" 2 \
    "press.yaml:8:22: events.1.press: expected population.humans.sessions as well (the news is seen in a reading session), got a mapping"
t validate press.yaml --set 'population={humans: {sessions: {}}}' --set events.1.press.probability=2
expect "press probability out of range" 2 \
    "events.1.press.probability: expected a number in [0, 1], got \"2\""
t validate press.yaml --set 'population={humans: {sessions: {}}}' --set events.1.press.who=bots
expect "press for bots" 2 \
    "events.1.press: expected who: all, people, humans or hubs (bots read no sessions), got \"bots\""

cat >untilearly.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
model: {name: ic}
events:
  - at: 1h
    until: 2017-05-05T20:30:00+02:00
    silence: {who: bots}
EOF
t validate untilearly.yaml
expect "until before at" 2 \
    "untilearly.yaml:6:12: events.0.until: expected a time after 'at', got \"2017-05-05T20:30:00+02:00\""

cat >damp2.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
model: {name: ic}
events:
  - {at: 1h, damping: {factor: 2, who: humans}}
EOF
t validate damp2.yaml
expect "damping factor above 1" 2 \
    'damp2.yaml:5:32: events.0.damping.factor: expected a number in [0, 1], got "2"'

cat >takedown.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  bots: {fraction: 0.1}
model: {name: ic}
events:
  - at: 1h
    takedown:
      false_positive_rate: 0.01
EOF
t validate takedown.yaml
expect "takedown without recall" 2 \
    "takedown.yaml:9:7: missing key 'events.0.takedown.recall' (a number in [0, 1])"

cat >trendnosess.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
model: {name: ic}
platform:
  trending: {window: 30m, threshold: 100, probability: 0.2}
EOF
t validate trendnosess.yaml
expect "trending without sessions" 2 \
    "trendnosess.yaml:5:13: platform.trending: expected population.humans.sessions as well (a trend is seen in a reading session), got a mapping"

cat >trendwin.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
population:
  humans: {sessions: {}}
model: {name: ic}
platform:
  trending:
    window: 25m
    every: 2m
    threshold: 100
    probability: 0.2
EOF
t validate trendwin.yaml
expect "trending window not a multiple of every" 2 \
    'trendwin.yaml:8:13: platform.trending.window: expected a whole multiple of platform.trending.every (default 1m), got "25m"'

cat >who.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {generator: ba, n: 200}
model: {name: ic}
events:
  - {at: 1h, until: 90m, silence: {who: robots}}
EOF
t validate who.yaml
expect "unknown who" 2 \
    'who.yaml:5:41: events.0.silence.who: expected one of all, people, humans, bots, hubs, got "robots"'

# ------------------------------------------------------------------ output

before=$(find . | sort)
t run good.yaml -q -o nodir/x.h5
expect "output folder missing (-o)" 2 "output folder 'nodir' does not exist (for output 'nodir/x.h5')"
t run good.yaml -q --set output.path=nodir/y.h5
expect "output folder missing (output.path)" 2 "output folder 'nodir' does not exist"
after=$(find . | sort)
[ "$after" = "$before" ] || not_ok "output folder missing" "files appeared: $(echo "$after" | tr '\n' ' ')"

# ------------------------------------------------------------------ command line

t run good.yaml -q --set seed.x=1
expect "--set into a scalar" 2 "--set seed.x=1: 'x' is inside a scalar value"

t run good.yaml -q --set events.3.at=1h
expect "--set list index out of range" 2 "--set events.3.at=1h: '3' must be an index below 1 of a list"

t run good.yaml -q --set graph.nn=5
expect "--set unknown key" 2 "--set:1:10: unknown key 'graph.nn' (did you mean 'graph.n'?)"

t run good.yaml -q --set model.p=2
expect "--set value out of range" 2 '--set:1:9: model.p: expected a number in [0, 1], got "2"'

t run good.yaml -q --set noequals
expect "--set without =" 2 "--set noequals: expected KEY=VALUE"

t run good.yaml -q --threads 0
expect "--threads 0" 2 "--threads: expected a whole number from 1 to 4096, got '0'"

t validate good.yaml --threads 2
expect "run option given to validate" 2 "option '--threads' belongs to 'run'"

# ------------------------------------------------------------------ a valid run

t validate good.yaml
if expect "validate a valid scenario" 0; then
    grep -qF "# graph: 201 accounts, 20 bots," out ||
        not_ok "validate a valid scenario" "summary line: $(tail -n 1 out)"
fi

t run good.yaml -q --threads 2
if expect "run a valid scenario" 0; then
    [ -s tiny.h5 ] || not_ok "run a valid scenario" "tiny.h5 missing or empty"
    left=$(find . -name '*.tmp*') && [ -n "$left" ] && not_ok "run a valid scenario" "temporary left: $left"
    [ -s out ] && not_ok "run a valid scenario" "--quiet printed: $(head -c 200 out)"
fi

t run good.yaml -q -o sub/other.h5 --set events.0.at=2017-05-05T21:00:00+02:00
if expect "run with -o and --set" 0; then
    [ -s sub/other.h5 ] || not_ok "run with -o and --set" "sub/other.h5 missing or empty"
    left=$(find sub -name '*.tmp*') && [ -n "$left" ] && not_ok "run with -o and --set" "temporary left: $left"
fi

# ------------------------------------------------------------------ observed cascades, files

printf 'time,user,parent\n0,a,\n' >badhead.csv
t import --format csv badhead.csv -o obs.h5
expect "csv with a wrong header" 2 'badhead.csv:1:1: expected the header time,account,parent, got "time,user,parent"'
[ -e obs.h5 ] && not_ok "csv with a wrong header" "obs.h5 was written"
t import --format csv nosuch.csv -o obs.h5
expect "csv file missing" 2 "nosuch.csv: cannot open"
t import --format twitter1516 . -o obs.h5
expect "no tree files" 2 "no tree/<id>.txt files under the given paths"
printf 'time,account,parent\n0,a,\n5,b,a\nnonsense\n7,c,b\n-3,d,a\n9,b,c\n' >ok.csv
t import --format csv ok.csv -o nodir/obs.h5
expect "import into a missing folder" 2 "output folder 'nodir' does not exist"
t import --format csv ok.csv -o obs.h5
if expect "csv with quirks" 0 "1 malformed lines" "1 negative delays" "1 later parents"; then
    [ -s obs.h5 ] || not_ok "csv with quirks" "obs.h5 missing"
fi
t import --format tweets ok.csv -o obs.h5
expect "unknown import format" 2 "--format: expected twitter1516 or csv"
t summary good.yaml
expect "summary of a non-HDF5 file" 2 "good.yaml: not a tagcascade file (neither sealed by tagcascade nor an HDF5 file)"
if "$PY" -c 'import h5py' 2>/dev/null; then
    # made by another program: the objects of tiny.h5 in a new file, no seal
    "$PY" -c 'import h5py, sys
with h5py.File("tiny.h5", "r") as src, h5py.File(sys.argv[1], "w") as dst:
    dst.attrs.update(src.attrs)
    for k in src:
        src.copy(k, dst)
with h5py.File(sys.argv[1], "r+") as f:
    n = f["/summary/roots/author"].shape[0]
    f.create_dataset("/summary/roots/label", data=[["a", "b"]] * max(n, 1), dtype=h5py.string_dtype())
    f.create_dataset("/summary/roots/veracity", data=["x"] * n, dtype=h5py.string_dtype())' twod.h5
    t summary twod.h5
    expect "summary of 2-D labels" 2 "/summary/roots/label: expected a one-dimensional array of strings"
fi
t summary tiny.h5 --top x
expect "summary --top not a number" 2 "--top: expected a whole number from 0 to 2147483647"
t export tiny.h5 --cascade 0
expect "export without recorded cascade" 2 "no /cascade/events: run the scenario with output.cascade: true"
t export obs.h5 --cascade 9
expect "export row out of range" 2 "--cascade 9: expected a row of /summary/roots in [0, 1)"
t export obs.h5 --cascade 0 --format dot
expect "export format" 2 "--format: expected graphml, gexf or csv"

# ------------------------------------------------------------------ graph files, resources, faults

graph_with() { # file format: a scenario reading FILE as FORMAT
    cat >"g_$2.yaml" <<EOF2
time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}
graph: {file: $1, format: $2, direction: follows}
model: {name: ic}
EOF2
}
printf '0 1\n1 2\n2 x7\n' >nonnum.txt
graph_with nonnum.txt edgelist
t validate g_edgelist.yaml
expect "non-numeric id in an edge list" 2 'nonnum.txt:3:3: expected an account id: a whole number from 0 to 2,000,000,000, got "x7"'
printf '# big\n0 1\n1 3000000000\n' >bigid.txt
graph_with bigid.txt edgelist
t validate g_edgelist.yaml
expect "id beyond 2^31 in an edge list" 2 'bigid.txt:3:3: expected an account id: a whole number from 0 to 2,000,000,000, got "3000000000"'
printf '0 1 2\n' >three.txt
graph_with three.txt edgelist
t validate g_edgelist.yaml
expect "three ids on a line" 2 'three.txt:1:5: expected two account ids on a line, got "2"'
printf '*Vertices 5000000000\n*Arcs\n1 2\n' >huge.net
graph_with huge.net pajek
t validate g_pajek.yaml
expect "a Pajek file with too many vertices" 2 "huge.net:1: *Vertices 5000000000: expected at most 2,000,000,000 accounts"
printf '# only a comment\n\n' >empty.txt
graph_with empty.txt edgelist
t validate g_edgelist.yaml
expect "an empty graph" 2 "empty.txt: the graph has no accounts"
t validate good.yaml --set graph.n=2000000000 --set graph.m=50
expect "a graph too big for the memory" 2 "graph: about 2e+09 accounts and 1.2e+11 follows need about" "GB are available (" "). Use a smaller graph."

t run good.yaml -q -o /dev/full
expect "output onto a device" 2 "output '/dev/full' exists and is not a regular file"
t run good.yaml -q -o /proc/x.h5
expect "output folder not writable" 2 "output folder '/proc' is not writable"
before=$(find . | sort)
(ulimit -f 40; "$BIN" run good.yaml -q -o full.h5 >out 2>err); rc=$?
expect "disk full while writing" 1 "full.h5: closing the output failed (disk full?)"
[ "$(find . | sort)" = "$before" ] || not_ok "disk full while writing" "files left: $(find . -newer good.yaml -name 'full*')"
(ulimit -f 200; "$BIN" sweep good.yaml -q -o fullsw.h5 --set 'sweep={grid: {model.p: [0.01, 0.02]}, replicates: 5}' >out 2>err); rc=$?
# the limit is met by the journal or by the final file, whichever comes first
if expect "disk full during a sweep" 1 "fullsw.h5: " "(disk full?)"; then
    [ -e fullsw.h5 ] && not_ok "disk full during a sweep" "fullsw.h5 exists"
    [ -s fullsw.h5.journal.0 ] || not_ok "disk full during a sweep" "the journal was not kept"
    t sweep good.yaml -q -o fullsw.h5 --resume --set 'sweep={grid: {model.p: [0.01, 0.02]}, replicates: 5}'
    expect "the sweep resumes once there is room" 0
fi
for sig in INT TERM; do
    "$BIN" run good.yaml -q -o sig.h5 --set graph.n=1000000 --set graph.m=8 >out 2>err & pid=$!
    sleep 0.5
    kill -$sig $pid
    wait $pid; rc=$?
    expect "SIG$sig during a run" 1 "interrupted; no output written"
    ls sig.h5* >/dev/null 2>&1 && not_ok "SIG$sig during a run" "left: $(ls sig.h5*)"
done

finish
