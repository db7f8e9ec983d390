# MPI sweeps: `make MPI=1` builds build-mpi/tagcascade; `mpirun -np 3` gives datasets
# byte-identical to the one-process sweep; rank 0's progress counts every rank's
# runs; one rank killed with kill -9 ends the job within seconds and --resume
# recovers; a failing rank ends it with its exit code; a sweep killed with kill -9 and
# resumed under 3 ranks gives them too; journals one rank cannot see are refused;
# a fit under 3 ranks gives the posterior of the one-process fit.
# Run from the project root.
set -u
command -v mpirun >/dev/null || { echo "skipped: mpirun (openmpi-bin) is not installed"; exit 77; }
make -s MPI=1 print-deps >/dev/null 2>mpi-build.log ||
    { echo "skipped: the MPI build finds no MPI or parallel HDF5: $(grep -m 1 'cannot find' mpi-build.log)"; rm -f mpi-build.log; exit 77; }
make -s MPI=1 MPI_BUILD=build-mpi >/dev/null 2>mpi-build.log || { cat mpi-build.log; rm -f mpi-build.log; exit 1; }
rm -f mpi-build.log
BIN=${BIN:-build/tagcascade}
case $BIN in /*) ;; */*) BIN=$(pwd)/$BIN ;; esac
MPIBIN=$(pwd)/build-mpi/tagcascade
ROOTDIR=$(pwd)
SCEN=$(pwd)/scenarios/macronleaks.yaml
# root in containers and CI; more ranks than cores; no binding, so OpenMP threads spread
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
T=$(mktemp -d) || exit 1
trap 'kill -9 $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1
fail=0
SMALL="--set graph.n=20000 --set accounts.0.followers=800 --set accounts.1.followers=5000 --set accounts.2.followers=600"
SWEEP='sweep={grid: {population.bots.fraction: [0, 0.1, 0.2]}, replicates: 20}'
same() {
    if h5diff "$1" "$2" /sweep /sweep >/dev/null && h5diff "$1" "$2" /runs /runs >/dev/null; then
        echo "ok - $3"
    else
        echo "not ok - $3"; h5diff "$1" "$2" /sweep /sweep | head -5; fail=1
    fi
}
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o serial.h5 -q || exit 1
# shellcheck disable=SC2086
mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o mpi.h5 -q --threads 1 2>err ||
    { echo "not ok - mpirun -np 3 failed"; cat err; exit 1; }
same serial.h5 mpi.h5 "mpirun -np 3 = the one-process sweep"
ranks=$(h5dump -a /meta/ranks mpi.h5 | sed -n 's/^ *(0): *//p')
[ "$ranks" = 3 ] && echo "ok - /meta/ranks is 3" || { echo "not ok - /meta/ranks is '$ranks'"; fail=1; }

# progress under mpirun: rank 0 counts the runs of all ranks (it does about a third
# of them itself), so its lines before the last go past three quarters of the 60
# shellcheck disable=SC2086
mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o prog.h5 -q --threads 1 \
    --progress lines 2>err || { echo "not ok - mpirun -np 3 --progress lines failed"; cat err; fail=1; }
most=$(grep '%  ' err | sed '$d' | sed -n 's|^tagcascade: *[0-9]*%  \([0-9]*\)/60 runs.*|\1|p' | sort -n | tail -n 1)
if [ "${most:-0}" -ge 45 ] && grep '%  ' err | tail -n 1 | grep -q '^tagcascade: 100%  60/60 runs' &&
    [ "$(grep -c '%  ' err)" -ge 10 ]; then
    echo "ok - progress under mpirun counts every rank's runs (up to $most/60 before the end)"
else
    echo "not ok - progress under mpirun: up to ${most:-none}/60 before the end"; cat err; fail=1
fi

# a one-process sweep killed mid-way, resumed by 3 ranks
# shellcheck disable=SC2086
"$BIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o k.h5 -q --threads 1 & pid=$!
i=0
while [ $i -lt 300 ]; do
    sz=$(stat -c %s k.h5.journal.0 2>/dev/null || echo 0)
    [ "$sz" -gt 400000 ] && break
    sleep 0.05; i=$((i + 1))
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e k.h5 ]; then
    echo "not ok - the sweep finished before it could be killed"; fail=1
else
    # shellcheck disable=SC2086
    mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o k.h5 -q --resume 2>err ||
        { echo "not ok - resume under mpirun failed"; cat err; fail=1; }
    same serial.h5 k.h5 "kill -9, then --resume under mpirun -np 3 = the one-process sweep"
    ls k.h5.journal.* >/dev/null 2>&1 && { echo "not ok - journals left behind"; fail=1; }
fi
# a rank killed mid-sweep (kill -9, as a node failure): the job ends within
# seconds instead of waiting at a barrier, the journals keep the finished runs,
# and --resume under 3 ranks gives the one-process sweep
# shellcheck disable=SC2086
mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o d.h5 -q --threads 1 \
    >/dev/null 2>err & mpid=$!
i=0
while [ $i -lt 300 ]; do
    sz=$(cat d.h5.journal.* 2>/dev/null | wc -c)
    [ "$sz" -gt 400000 ] && break
    sleep 0.05; i=$((i + 1))
done
victim=$(pgrep -f "build-mpi/tagcascade sweep .* -o d.h5" | sed -n 2p)
if [ -z "$victim" ] || [ -e d.h5 ]; then
    echo "not ok - no rank to kill (the sweep finished first?)"; fail=1
else
    kill -9 "$victim"
    t0=$(date +%s)
    wait $mpid 2>/dev/null
    rc=$?
    secs=$(( $(date +%s) - t0 ))
    if [ $rc -ne 0 ] && [ $secs -le 30 ] && [ ! -e d.h5 ]; then
        echo "ok - a killed rank ends the job (exit $rc after ${secs} s), no output written"
    else
        echo "not ok - a killed rank: exit $rc after ${secs} s"; cat err; fail=1
    fi
    # shellcheck disable=SC2086
    mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" -o d.h5 -q --resume 2>err ||
        { echo "not ok - resume after a killed rank failed"; cat err; fail=1; }
    same serial.h5 d.h5 "a killed rank, then --resume under mpirun -np 3 = the one-process sweep"
fi

# a rank that fails ends the job at once with its exit code (MPI_Abort)
# shellcheck disable=SC2086
timeout 60 mpirun --bind-to none -np 3 "$MPIBIN" sweep "$SCEN" $SMALL --set 'sweep={grid: {model.p: [0.03, 9]}}' \
    -o bad.h5 -q >/dev/null 2>err
rc=$?
if [ $rc -eq 2 ] && grep -q "sweep point 1 (model.p=9)" err && [ ! -e bad.h5 ]; then
    echo "ok - a failing rank ends the job with its exit code 2"
else
    echo "not ok - a failing rank: exit $rc"; cat err; fail=1
fi
# journals on a folder one rank does not see (rank 1 in a private mount
# namespace, a tmpfs over the output folder: a node-local /tmp): refused before
# any run, on every rank, with what to do; nothing written where rank 0 looks
mkdir -p local
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    unshare -m sh -c "mount -t tmpfs none '$T/local'" 2>/dev/null; then
    cat >rank.sh <<EOF
if [ "\$OMPI_COMM_WORLD_RANK" = 1 ]; then
    exec unshare -m sh -c 'mount -t tmpfs none "$T/local" && exec "\$0" "\$@"' "\$@"
fi
exec "\$@"
EOF
    # shellcheck disable=SC2086
    timeout 60 mpirun --bind-to none -np 2 sh rank.sh "$MPIBIN" sweep "$SCEN" $SMALL --set "$SWEEP" \
        -o local/nl.h5 -q --threads 1 >/dev/null 2>err
    rc=$?
    if [ $rc -eq 2 ] && grep -q "local/nl.h5.journal.[01] (rank [01]'s journal) is not seen by rank [01]: the output folder is not on a file system every node sees" err &&
        [ ! -e local/nl.h5 ]; then
        echo "ok - journals on a folder one rank does not see: refused with what to do (exit 2)"
    else
        echo "not ok - journals on a folder one rank does not see: exit $rc"; cat err; fail=1
    fi
else
    echo "ok - # SKIP node-local journals: needs a private mount namespace (root, unshare -m, mount)"
fi
# a fit (docs/fit.md) under 3 ranks: the same posterior as in one process
cp "$ROOTDIR/tests/data/fit_binomial.yaml" binom.yaml && cp "$ROOTDIR/tests/data/fit_binomial_obs.csv" . || exit 1
"$BIN" fit binom.yaml -o fit1.h5 -q --threads 2 || { echo "not ok - the one-process fit failed"; fail=1; }
if timeout 300 mpirun --bind-to none -np 3 "$MPIBIN" fit binom.yaml -o fit3.h5 -q --threads 1 2>err &&
    h5diff fit1.h5 fit3.h5 /fit /fit >/dev/null; then
    ranks=$(h5dump -a /meta/ranks fit3.h5 | sed -n 's/^ *(0): *//p')
    if [ "$ranks" = 3 ]; then echo "ok - a fit under mpirun -np 3 = the one-process fit"
    else echo "not ok - the fit's /meta/ranks is '$ranks'"; fail=1; fi
else
    echo "not ok - a fit under mpirun -np 3"; cat err; h5diff fit1.h5 fit3.h5 /fit /fit | head -5; fail=1
fi
exit $fail
