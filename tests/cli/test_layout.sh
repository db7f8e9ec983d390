# The source tree as the README describes it: every file of sim/ and models/ has
# its line in the source map (and no line names a file that is gone), and no file
# of sim/ includes a header of a layer below its own (the map's order).
set -u
fails=0 checks=0
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
map=$(sed -n '/^## Source map/,/^## /p' README.md)
[ -n "$map" ] || { echo "not ok - README.md has no source map"; exit 1; }

# every source file is named in the map
for f in sim/*/*.[ch] models/*.[ch]; do
    checks=$((checks + 1))
    short=${f#sim/}
    printf '%s\n' "$map" | grep -q "\`$short\`" || not_ok "$f is not in the README's source map"
done
# every file the map names exists
for name in $(printf '%s\n' "$map" | grep -o '`[a-z_]*/[a-z_0-9]*\.[ch]`' | tr -d '`'); do
    checks=$((checks + 1))
    [ -e "sim/$name" ] || [ -e "$name" ] || not_ok "the source map names $name, which is not in the tree"
done

# layers, in the map's order; a file may include its own layer and those above
layers="base input graph world engine io drive api cli"
rank() { i=0; for l in $layers; do [ "$l" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
for f in sim/*/*.[ch]; do
    own=${f#sim/}; own=${own%%/*}
    r=$(rank "$own")
    for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*"/\1/p' "$f"); do
        checks=$((checks + 1))
        [ "$(rank "$inc")" -le "$r" ] || not_ok "$f ($own) includes a header of $inc, a layer below it"
    done
    checks=$((checks + 1))
    grep -q '^#include "\.\./' "$f" && not_ok "$f includes through ../ instead of -I"
done

[ $fails -eq 0 ] || exit 1
echo "ok - source layout: $checks checks"
