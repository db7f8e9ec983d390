# Shared by the command-line tests that check exit codes and messages
# (tests/cli/test_errors.sh, tests/cli/test_graph_cmd.sh). Sourced from the
# project root: makes BIN absolute, moves into a temporary folder removed on
# exit, and defines
#   not_ok CASE DETAIL       report a failed check
#   t ARGS...                run the binary: stdout in out, stderr in err, exit code in rc
#   expect CASE RC NEEDLE... the last run exited RC and stderr holds every NEEDLE
#   finish                   the summary line and the exit code
BIN=${BIN:-build/tagcascade}
case $BIN in
/*) ;;
*/*) BIN=$(pwd)/$BIN ;;
esac
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1

ncases=0 nfail=0

not_ok() {
    echo "not ok - $1: $2"
    nfail=$((nfail + 1))
}

t() {
    "$BIN" "$@" >out 2>err
    rc=$?
}

expect() {
    c=$1 want=$2
    shift 2
    ncases=$((ncases + 1))
    bad=0
    if [ "$rc" != "$want" ]; then
        not_ok "$c" "exit code $rc, want $want; stderr: $(head -c 300 err)"
        bad=1
    fi
    for s in "$@"; do
        if ! grep -qF -- "$s" err; then
            not_ok "$c" "stderr lacks '$s'; stderr: $(head -c 300 err)"
            bad=1
        fi
    done
    return $bad
}

finish() {
    if [ "$nfail" -gt 0 ]; then
        echo "$nfail failed checks in $ncases cases"
        exit 1
    fi
    echo "ok - $ncases cases"
    exit 0
}
