# Graph stores from the command line: `graph convert` of an edge list (both
# directions, plain and gzip) and of a GraphML file with communities, `graph
# info` (checked line by line), a scenario run on a store identical to the run on
# the text file (h5diff of /series, /summary, /cascade; same graph hash), `graph
# generate` byte-identical on 1 and 2 threads with heavy-tailed follower counts,
# bad input with exit 2 and the place of the problem, damaged and cut-short
# stores, and an interrupted conversion that leaves nothing behind.
# Run from the project root: sh tests/cli/test_graph_cmd.sh   (env BIN = the binary)
set -u
. tests/lib/cli.sh

has() { # CASE FILE NEEDLE: FILE holds the line NEEDLE
    ncases=$((ncases + 1))
    grep -qxF -- "$3" "$2" || not_ok "$1" "no line '$3' in: $(cat "$2")"
}
attr() { # FILE OBJECT NAME: an attribute's value as h5dump prints it
    h5dump -a "$2/$3" "$1" | sed -n 's/^ *(0): *//p' | tr -d '"'
}

# a hand-made graph: 0 follows 1 and 2, 1 follows 2, 3 follows 2, plus a self-loop
# and a repeat
printf '# test graph\n0 1\n0 2 # c\n1 2\n\n3 2\n2 2\n0 1' >g.txt
t graph convert g.txt g.h5
expect "convert an edge list" 0 "4 accounts, 4 follows (1 self-loops and 1 duplicates dropped)"
t graph info g.h5
expect "info" 0
for line in "store:       g.h5" "source:      g.txt (edgelist, read as follows)" \
    "accounts:    4" \
    "follows:     4 (audience entries; 1 self-loops and 1 duplicates were dropped when it was made)" \
    "followers:   mean 1, max 3 (account 2), 2 accounts with none   [in-degree: audience size]" \
    "followees:   mean 1, max 2 (account 0), 1 accounts with none   [out-degree]"; do
    has "info" out "$line"
done
hash_follows=$(sed -n 's/^hash: *//p' out)
t graph convert g.txt gf.h5 --direction flows -q
expect "convert with flows" 0
t graph info gf.h5
has "info, flows" out "followers:   mean 1, max 2 (account 0), 1 accounts with none   [in-degree: audience size]"
[ "$(sed -n 's/^hash: *//p' out)" != "$hash_follows" ] || not_ok "flows" "same hash as follows"

# gzip gives the same store, apart from its source name
gzip -c g.txt >g.txt.gz
t graph convert g.txt.gz gz.h5 -q
expect "convert gzip" 0
for ds in /graph/off /graph/dst; do
    h5diff g.h5 gz.h5 $ds $ds >/dev/null || not_ok "gzip" "$ds differs from the plain file's"
done
[ "$(attr gz.h5 /graph hash)" = "$hash_follows" ] || not_ok "gzip" "hash $(attr gz.h5 /graph hash)"

# a bigger random graph: a scenario on the store runs exactly as on the text file
awk 'BEGIN { srand(7); for (i = 0; i < 40000; i++) printf "%d %d\n", int(3000 * rand() ^ 2), int(3000 * rand()) }' >big.txt
for dir in follows flows; do
    t graph convert big.txt big_$dir.h5 --direction $dir -q
    expect "convert big ($dir)" 0
    for kind in text store; do
        if [ $kind = text ]; then g="{file: big.txt, format: edgelist, direction: $dir}"
        else g="{file: big_$dir.h5, format: store}"; fi
        cat >s_$kind.yaml <<EOF
name: store_$kind
seed: 9
time: {start: 2017-05-05T20:00:00+02:00, duration: 3h}
graph: $g
population: {bots: {fraction: 0.1, placement: followers}}
accounts:
  - {name: hub, community: all, followers: 500, following: 20}
model: {name: ic, p: 0.05}
events:
  - {at: 10m, post: hub}
  - {at: 1h, post: hub}
output: {cascade: true}
EOF
        t run s_$kind.yaml -q -o run_$kind.h5
        expect "run on the $kind ($dir)" 0
    done
    for g in /series /summary /cascade; do
        h5diff run_text.h5 run_store.h5 $g $g >/dev/null || not_ok "store run ($dir)" "$g differs"
    done
    [ "$(attr run_text.h5 /meta graph_hash)" = "$(attr run_store.h5 /meta graph_hash)" ] ||
        not_ok "store run ($dir)" "graph hashes differ"
    reach=$(h5dump -A 0 -d /summary/reach run_store.h5 | sed -n 's/^ *(0): *//p')
    [ "${reach:-0}" -gt 20 ] || not_ok "store run ($dir)" "reach only ${reach:-0}: equality means little"
done

# GraphML with a community attribute: the communities travel with the store
cat >c.graphml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="c" for="node" attr.name="side" attr.type="string"/>
<graph edgedefault="directed">
<node id="a"><data key="c">fr</data></node><node id="b"><data key="c">us</data></node>
<node id="c"><data key="c">fr</data></node><node id="d"><data key="c">us</data></node>
<node id="e"><data key="c">fr</data></node>
<edge source="a" target="b"/><edge source="b" target="c"/><edge source="c" target="a"/>
<edge source="d" target="a"/><edge source="e" target="d"/><edge source="e" target="b"/>
</graph></graphml>
EOF
t graph convert c.graphml c.h5 --format graphml --community-attribute side -q
expect "convert graphml with communities" 0
t graph info c.h5
has "graphml info" out "communities: 2: fr (3), us (2)"
cat >sc.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}
graph: {file: c.h5, format: store}
population: {bots: {fraction: 0.2, placement: community, community: us}}
model: {name: ic}
EOF
t validate sc.yaml
expect "store communities in a scenario" 0
grep -qF "# graph: 5 accounts, 1 bots, 6 audience edges" out ||
    not_ok "store communities in a scenario" "validate says: $(tail -n 1 out)"

# a generated graph: the same bytes on 1 and 2 threads, heavy-tailed follower
# counts, communities a scenario can name
gen="graph generate --model chung-lu --n 60000 --mean-degree 8 --gamma-in 2.2 --gamma-out 2.6 --communities 3 --mixing 0.1 --seed 5"
# shellcheck disable=SC2086
OMP_NUM_THREADS=1 "$BIN" $gen -o gen1.h5 >out 2>err; rc=$?
expect "generate on 1 thread" 0 "60000 accounts"
# shellcheck disable=SC2086
OMP_NUM_THREADS=2 "$BIN" $gen -o gen2.h5 -q >out 2>err; rc=$?
expect "generate on 2 threads" 0
ncases=$((ncases + 1))
cmp -s gen1.h5 gen2.h5 || not_ok "generate on 1 and 2 threads" "the stores differ"
t graph info gen1.h5
expect "info of a generated store" 0
cp out info.txt
t summary gen1.h5
expect "summary of a graph store" 2 "gen1.h5: a graph store, not the output of a run or sweep"
cp info.txt out
has "generated info" out "communities: 3: c0 (20000), c1 (20000), c2 (20000)"
ncases=$((ncases + 1))
mean=$(sed -n 's/^followers:   mean \([0-9.]*\), max .*/\1/p' out)
max=$(sed -n 's/^followers:   mean [0-9.]*, max \([0-9]*\) .*/\1/p' out)
awk -v m="${mean:-0}" -v x="${max:-0}" 'BEGIN { exit !(m > 7.9 && m < 8.1 && x > 50 * m) }' ||
    not_ok "generated degrees" "mean ${mean:-?}, max ${max:-?}: expected a mean within 0.1 of 8 (5 standard errors: 0.06) and a max above 50 times it"
cat >sg.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 2h}
graph: {file: gen1.h5, format: store}
population: {bots: {fraction: 0.05, placement: community, community: c1}}
accounts: [{name: hub, community: c2, followers: 2000, in_community: 0.8}]
model: {name: ic, p: 0.05}
events: [{at: 5m, post: hub}]
EOF
t run sg.yaml -q -o sg.h5
expect "a run on a generated store" 0
t graph generate --model chung-lu --n 1000 --mean-degree 5 --gamma-in 1.5 --gamma-out 2.5 -o x.h5
expect "generate: gamma out of range" 2 "--gamma-in: expected a number in (2, 10], got 1.5"
t graph generate --model chung-lu --n 1000 --mean-degree 5 --gamma-in 2.5 --gamma-out 2.5 --mixing 0.2 -o x.h5
expect "generate: mixing without communities" 2 "--mixing: 0.2 needs at least two --communities"
t graph generate --model er --n 1000 --mean-degree 5 --gamma-in 2.5 --gamma-out 2.5 -o x.h5
expect "generate: unknown model" 2 "--model: expected chung-lu, got 'er'"
t graph generate --n 1000 --mean-degree five --gamma-in 2.5 --gamma-out 2.5 -o x.h5
expect "generate: not a number" 2 "--mean-degree: expected a number, got 'five'"
t graph generate --n 1000 --mean-degree 5 --gamma-in 2.5 -o x.h5
expect "generate: a missing option" 2 "graph generate: expected --n, --mean-degree, --gamma-in, --gamma-out and -o OUT.h5"
[ -e x.h5 ] && not_ok "generate errors" "x.h5 was written"

# ------------------------------------------------------------------ bad input
printf '0 1\n1 2\n2 x7\n' >bad.txt
t graph convert bad.txt bad.h5
expect "malformed line" 2 'bad.txt:3:3: expected an account id: a whole number from 0 to 2,000,000,000, got "x7"'
printf '0 1\n5\n' >one.txt
t graph convert one.txt one.h5
expect "one id on a line" 2 "one.txt:2:2: expected two account ids on a line, got one"
printf '0 1\n1 3000000000\n' >big_id.txt
t graph convert big_id.txt x.h5
expect "id above the limit" 2 'big_id.txt:2:3: expected an account id: a whole number from 0 to 2,000,000,000, got "3000000000"'
head -c 30 g.txt.gz >cut.txt.gz
t graph convert cut.txt.gz x.h5
expect "cut-short gzip" 2 "cut.txt.gz: the gzip data ends before its end mark"
[ -e bad.h5 ] || [ -e one.h5 ] || [ -e x.h5 ] && not_ok "malformed line" "an output was left"
ls ./*.tmp* >/dev/null 2>&1 && not_ok "malformed line" "a temporary file was left"
t graph convert g.txt x.h5 --format dot
expect "unknown format" 2 "--format: expected edgelist, ncol, graphml, gml or pajek, got 'dot'"
t graph convert g.txt x.h5 --direction up
expect "unknown direction" 2 "--direction: expected follows or flows, got 'up'"
t graph convert g.txt x.h5 --community-attribute side
expect "community attribute of an edge list" 2 "--community-attribute: only graphml and gml files carry one"
t graph convert g.txt
expect "convert without output" 2 "graph convert: expected IN and OUT.h5"
t graph convert g.txt nodir/x.h5
expect "convert into a missing folder" 2 "output folder 'nodir' does not exist"
t graph convert nosuch.txt x.h5
expect "convert a missing file" 2 "nosuch.txt: cannot open: No such file or directory"
t graph convert nosuch.graphml x.h5 --format graphml
expect "convert a missing GraphML file" 2 "tagcascade: nosuch.graphml: cannot open: No such file or directory"
t graph frobnicate
expect "unknown graph subcommand" 2 "graph: unknown subcommand 'frobnicate'"

# damaged stores: cut short, a byte changed, not a store at all, another kind of file
size=$(wc -c <big_follows.h5)
head -c $((size / 2)) big_follows.h5 >cut.h5
t graph info cut.h5
expect "a cut-short store" 2 "cut.h5: damaged store: $((size / 2)) bytes, but it was written with $size"
cp big_follows.h5 flip.h5
printf 'Z' | dd of=flip.h5 bs=1 seek=$((size - 3000)) conv=notrunc 2>/dev/null
t graph info flip.h5
expect "a damaged store" 2 "flip.h5: damaged store: its checksum"
t graph info g.txt
expect "info on a text file" 2 "g.txt: not a graph store"
t graph info run_store.h5
expect "info on a run file" 2 "run_store.h5: a tagcascade 'run' file, not a graph store"
t graph info nosuch.h5
expect "info on a missing file" 2 "nosuch.h5: cannot open"
cat >sd.yaml <<'EOF'
time: {start: 2017-05-05T20:00:00+02:00, duration: 1h}
graph:
  file: g.h5
  format: store
  direction: follows
model: {name: ic}
EOF
t validate sd.yaml
expect "direction next to a store" 2 "sd.yaml:5:14: graph.direction: expected no direction next to format: store"
sed -e 's/g.h5/g.txt/' -e '/direction/d' sd.yaml >st.yaml
t validate st.yaml
expect "a text file as a store" 2 "g.txt: not a graph store"
sed -e 's/g.h5/cut.h5/' -e '/direction/d' sd.yaml >sc2.yaml
t run sc2.yaml -q -o never.h5
expect "a scenario on a damaged store" 2 "cut.h5: damaged store"
[ -e never.h5 ] && not_ok "a scenario on a damaged store" "an output was written"

# an interrupted conversion: exit 1, nothing under the output name, no temporary file
awk 'BEGIN { srand(3); for (i = 0; i < 3000000; i++) printf "%d %d\n", int(200000 * rand()), int(200000 * rand()) }' >huge.txt
"$BIN" graph convert huge.txt huge.h5 >out 2>err & pid=$!
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
expect "SIGINT during a conversion" 1 "interrupted; no output written"
ls huge.h5* >/dev/null 2>&1 && not_ok "SIGINT during a conversion" "left: $(ls huge.h5*)"

finish
