# Thread invariance of the whole output: the default scenario on 1, 2 and 4
# threads must give byte-identical /series, /summary and /cascade datasets.
set -u
BIN=${BIN:-build/tagcascade}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for n in 1 2 4; do
    "$BIN" run scenarios/macronleaks.yaml -q --threads $n -o "$d/t$n.h5" || exit 1
done
status=0
for n in 2 4; do
    for g in /series /summary /cascade; do
        if ! h5diff "$d/t1.h5" "$d/t$n.h5" $g $g; then
            echo "not ok - $g differs between 1 and $n threads"
            status=1
        fi
    done
done
# the files must really hold data, so that equality means something
reshares=$(h5dump -d /summary/reshares "$d/t1.h5" | sed -n 's/^ *(0): *//p')
[ "${reshares:-0}" -gt 1000 ] || { echo "not ok - only ${reshares:-0} reshares"; status=1; }
threads=$(h5dump -a /meta/threads "$d/t4.h5" | sed -n 's/^ *(0): *//p')
[ "$threads" = 4 ] || { echo "not ok - /meta/threads is '$threads', want 4"; status=1; }
[ $status -eq 0 ] && echo "ok - identical on 1, 2, 4 threads ($reshares reshares)"
exit $status
