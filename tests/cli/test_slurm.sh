# The Slurm scripts in scenarios/cluster/ on a one-node Slurm cluster: a job array
# of 3 shards with a dependent merge job, one task resubmitted after an
# interruption (it must resume from its journal), and the MPI job (mpirun and
# srun) must all give the /sweep and /runs datasets of one single-process sweep.
#
#   sh tests/cli/test_slurm.sh          (from the top folder; BIN, MPIBIN to override)
#
# Installs slurm-wlm and munge if missing and starts munged, slurmctld and slurmd
# itself (root, or sudo without a password), with a configuration in a temporary
# folder and ports of its own; it stops what it started when it ends. When a Slurm
# cluster already answers (sinfo), the jobs go there instead. Exit 77 (skipped)
# without root or sudo and no cluster to use.
#
# shellcheck shell=sh disable=SC2317 # cleanup and stop_pid run from traps
set -u
# settings of the scripts under test come only from here
unset TC_SHARDS TC_MERGED TC_MPI_LAUNCH TC_OUTDIR TC_BIN TC_SCENARIO TC_SWEEP_ARGS
BIN=${BIN:-build/tagcascade}
MPIBIN=${MPIBIN:-build-mpi/tagcascade}
top=$(pwd)
case $BIN in /*) ;; *) BIN=$top/$BIN ;; esac
case $MPIBIN in /*) ;; *) MPIBIN=$top/$MPIBIN ;; esac
cluster=$top/scenarios/cluster
PATH=$PATH:/usr/sbin:/sbin
export PATH
t_start=$(date +%s)

status=0
checks=0
ok() { echo "ok - $*"; checks=$((checks + 1)); }
notok() { echo "not ok - $*"; status=1; }
# a failure that ends the test
bail() {
    echo "not ok - $*"
    exit 1
}
skip() {
    echo "skipped: $*"
    exit 77
}

[ -x "$BIN" ] || bail "no program at $BIN (run make first)"
for s in sweep_array.sbatch sweep_merge.sbatch sweep_mpi.sbatch; do
    [ -r "$cluster/$s" ] || bail "missing $cluster/$s"
done

# ---------------------------------------------------------------- privileges
if [ "$(id -u)" -eq 0 ]; then
    priv=yes
    asroot() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    priv=yes
    asroot() { sudo -n "$@"; }
else
    priv=no
    asroot() { "$@"; }
fi

# ------------------------------------------------------------ temp + cleanup
d=$(mktemp -d) || bail "mktemp failed"
chmod 755 "$d"
own=no          # yes: this test started slurmctld and slurmd
munge_pid=      # set when this test started munged
jobs=           # job ids submitted here

stop_pid() { # stop_pid PID: SIGTERM, then wait up to 10 s for it to end
    [ -n "$1" ] || return 0
    asroot kill "$1" 2>/dev/null || return 0
    i=0
    while asroot kill -0 "$1" 2>/dev/null && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if asroot kill -0 "$1" 2>/dev/null; then
        asroot kill -9 "$1" 2>/dev/null
    fi
}

cleanup() {
    st=$?
    trap - EXIT INT TERM
    if [ -n "$jobs" ]; then
        # shellcheck disable=SC2086 # a list of job ids
        timeout 10 scancel $jobs 2>/dev/null
        end=$(($(date +%s) + 15))
        # shellcheck disable=SC2086
        while [ -n "$(timeout 5 squeue -h -j "$(echo $jobs | tr ' ' ,)" -o %i 2>/dev/null)" ] &&
            [ "$(date +%s)" -lt "$end" ]; do
            sleep 0.2
        done
    fi
    if [ "$own" = yes ]; then
        for f in slurmd slurmctld; do
            if [ -r "$d/slurm/$f.pid" ]; then
                stop_pid "$(cat "$d/slurm/$f.pid")"
            fi
        done
    fi
    stop_pid "$munge_pid"
    if [ "$priv" = yes ]; then
        asroot rm -rf "$d"
    else
        rm -rf "$d"
    fi
    exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show_logs() {
    for f in "$@"; do
        [ -r "$f" ] || continue
        echo "# --- $f"
        tail -n 25 "$f" | sed 's/^/#   /'
    done
}

# ------------------------------------------------------------- Slurm cluster
if command -v sinfo >/dev/null 2>&1 &&
    [ -n "$(timeout 5 sinfo -h -o %t 2>/dev/null)" ]; then
    ok "Slurm cluster already running: using it ($(timeout 5 sinfo -h -o '%P %D %t' | head -n 1))"
else
    [ "$priv" = yes ] || skip "needs root to start Slurm daemons"
    if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 ||
        ! command -v sbatch >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
        inst() {
            asroot env DEBIAN_FRONTEND=noninteractive apt-get install -y \
                --no-install-recommends slurm-wlm munge >>"$d/apt.log" 2>&1
        }
        if ! inst; then
            asroot apt-get update >>"$d/apt.log" 2>&1
            inst || {
                show_logs "$d/apt.log"
                skip "could not install slurm-wlm and munge"
            }
        fi
        ok "installed slurm-wlm and munge"
    fi

    # munged: use a running one, else start one (as user munge)
    if ! munge -n >/dev/null 2>&1; then
        if ! asroot test -e /etc/munge/munge.key; then
            asroot runuser -u munge -- mungekey --create >"$d/mungekey.log" 2>&1 ||
                { show_logs "$d/mungekey.log"; bail "cannot create /etc/munge/munge.key"; }
        fi
        asroot mkdir -p /run/munge
        asroot chown munge:munge /run/munge
        asroot chmod 755 /run/munge
        asroot runuser -u munge -- munged >"$d/munged.out" 2>&1 ||
            { show_logs "$d/munged.out" /var/log/munge/munged.log; bail "munged did not start"; }
        munge_pid=$(asroot cat /run/munge/munged.pid 2>/dev/null)
        i=0
        until munge -n >/dev/null 2>&1; do
            [ $i -lt 50 ] || bail "munged does not answer"
            sleep 0.1
            i=$((i + 1))
        done
    fi

    # slurmctld + slurmd with a configuration of their own (nothing in /etc)
    s=$d/slurm
    mkdir -p "$s/state" "$s/spool"
    node=$(slurmd -C 2>/dev/null | sed -n 's/^\(NodeName=.*\)/\1/p' | head -n 1)
    host=$(echo "$node" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
    [ -n "$host" ] || bail "slurmd -C gave no node line"
    cat >"$s/slurm.conf" <<EOF
ClusterName=tctest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/slurmctld.log
SlurmdLogFile=$s/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=tctest Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    SLURM_CONF=$s/slurm.conf
    export SLURM_CONF
    own=yes
    asroot slurmctld -f "$SLURM_CONF" >"$s/slurmctld.out" 2>&1 ||
        { show_logs "$s/slurmctld.out" "$s/slurmctld.log"; bail "slurmctld did not start"; }
    asroot slurmd -f "$SLURM_CONF" >"$s/slurmd.out" 2>&1 ||
        { show_logs "$s/slurmd.out" "$s/slurmd.log"; bail "slurmd did not start"; }
    # a wall-clock deadline: a client call can itself block when a daemon is unwell
    i=0
    end=$(($(date +%s) + 30))
    while :; do
        state=$(timeout 5 sinfo -h -o %t 2>/dev/null)
        case $state in idle*) break ;; esac
        if [ "$(date +%s)" -ge "$end" ]; then
            show_logs "$s/slurmctld.log" "$s/slurmd.log"
            bail "node not idle after 30 s (state '$state')"
        fi
        sleep 0.1
        i=$((i + 1))
    done
    ok "Slurm started (slurmctld, slurmd on $host): node idle after $((i / 10)).$((i % 10)) s"
fi

# ------------------------------------------------------------------- helpers
if [ "$(id -u)" -eq 0 ]; then
    # mpirun refuses to run as root without these
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi

# submit SBATCH-ARGS...: sets jid
submit() {
    jid=$(timeout 30 sbatch --parsable --export=ALL --time=5 "$@" 2>"$d/sbatch.err") ||
        { show_logs "$d/sbatch.err"; bail "sbatch $* failed"; }
    jid=${jid%%;*}
    jobs="$jobs $jid"
}

# wait_job JOBID SECONDS: wait until no task of the job is queued or running
wait_job() {
    end=$(($(date +%s) + $2))
    while [ -n "$(timeout 10 squeue -h -j "$1" -o %i 2>/dev/null)" ]; do
        if [ "$(date +%s)" -ge "$end" ]; then
            timeout 10 squeue -j "$1" | sed 's/^/#   /'
            return 1
        fi
        sleep 0.2
    done
}

# job_states JOBID: the states of its tasks, e.g. "COMPLETED COMPLETED"
job_states() {
    timeout 10 scontrol -o show job "$1" 2>/dev/null |
        sed -n 's/.* JobState=\([A-Z_]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'
}

# same A B: the /sweep and /runs datasets of A and B are identical
same() {
    for g in /sweep /runs; do
        h5diff "$1" "$2" "$g" "$g" >"$d/h5diff.out" 2>&1
        r=$?
        if [ $r -ne 0 ]; then
            echo "#   h5diff $1 $2 $g $g: exit $r"
            tail -n 5 "$d/h5diff.out" | sed 's/^/#   /'
            return 1
        fi
    done
}

# differ A B: h5diff finds differences (exit 1, not an error) in /sweep and /runs
differ() {
    for g in /sweep /runs; do
        h5diff -q "$1" "$2" "$g" "$g" >/dev/null 2>&1
        [ $? -eq 1 ] || return 1
    done
}

# shard_ok FILE I N: /sweep/done has $runs runs, 1 exactly where run index = I mod N
shard_ok() {
    h5dump -y -w 0 -A 0 -d /sweep/done "$1" 2>/dev/null |
        sed -n '/DATA {/,/}/p' | tr -c '01' '\n' | grep -v '^$' |
        awk -v i="$2" -v n="$3" -v runs="$runs" '
            { if ($1 != ((NR - 1) % n == i)) bad = 1; c++ }
            END { exit (bad || c != runs) }'
}

ranks_of() {
    h5dump -y -a /meta/ranks "$1" 2>/dev/null | sed -n '/DATA {/,/}/p' | tr -dc '0-9'
}

# ------------------------------------------------------------------ scenario
cp "$top/scenarios/macronleaks.yaml" "$d/scenario.yaml"
scen=$d/scenario.yaml
mkdir -p "$d/logs"
# quotes in TC_SWEEP_ARGS are meant: the scripts parse it like a command line
# shellcheck disable=SC2089
TC_SWEEP_ARGS="--set graph.n=20000 --set accounts.0.followers=500 --set accounts.1.followers=4000 --set accounts.2.followers=500 --set 'sweep={grid: {population.bots.fraction: [0, 0.1, 0.2]}, replicates: 4}'"
TC_BIN=$BIN
TC_SCENARIO=$scen
# shellcheck disable=SC2090
export TC_SWEEP_ARGS TC_BIN TC_SCENARIO
runs=12 # 3 points x 4 replicates

# the same options as a list, for the runs made here
eval "set -- $TC_SWEEP_ARGS"

# submit everything now; Slurm runs it as cores free up
TC_OUTDIR=$d/array
export TC_OUTDIR
submit --array=0-2 --cpus-per-task=1 --mem=200M \
    --output="$d/logs/array-%A_%a.out" "$cluster/sweep_array.sbatch"
array_job=$jid
submit --dependency=afterok:"$array_job" --mem=200M \
    --output="$d/logs/merge-%j.out" "$cluster/sweep_merge.sbatch"
merge_job=$jid

mpi_jobs=
mpi_make=ok
if [ ! -x "$MPIBIN" ] && [ "$MPIBIN" = "$top/build-mpi/tagcascade" ] &&
    make -s MPI=1 print-deps >/dev/null 2>&1; then
    if ! make -s MPI=1 >"$d/make-mpi.log" 2>&1; then
        show_logs "$d/make-mpi.log"
        notok "make MPI=1 failed"
        mpi_make=failed
    fi
fi
if [ -x "$MPIBIN" ]; then
    launchers=mpirun
    if srun --mpi=list 2>&1 | grep -q pmix; then
        launchers="mpirun srun"
    fi
    for l in $launchers; do
        TC_BIN=$MPIBIN TC_OUTDIR=$d/mpi-$l TC_MPI_LAUNCH=$l
        export TC_MPI_LAUNCH
        submit --ntasks=2 --cpus-per-task=1 --mem-per-cpu=200M \
            --output="$d/logs/mpi-$l-%j.out" "$cluster/sweep_mpi.sbatch"
        mpi_jobs="$mpi_jobs $l:$jid"
    done
    TC_BIN=$BIN TC_OUTDIR=$d/array
    unset TC_MPI_LAUNCH
fi

# ---------------------------------------- reference: one process, and a control
"$BIN" sweep "$scen" -q -o "$d/ref.h5" --threads 2 "$@" >"$d/ref.log" 2>&1 ||
    { show_logs "$d/ref.log"; bail "single-process sweep failed"; }
"$BIN" sweep "$scen" -q -o "$d/seed.h5" --threads 2 "$@" --set seed=1 >"$d/seed.log" 2>&1 ||
    { show_logs "$d/seed.log"; bail "single-process sweep with seed=1 failed"; }
if same "$d/ref.h5" "$d/ref.h5" >/dev/null && differ "$d/ref.h5" "$d/seed.h5"; then
    ok "comparison: a file equals itself; another seed differs in /sweep and /runs"
else
    notok "the comparison does not tell a sweep with another seed apart"
fi

# --------------------------------------------------------- job array + merge
if wait_job "$array_job" 60; then
    st=$(job_states "$array_job")
    if [ "$st" = "COMPLETED COMPLETED COMPLETED" ]; then
        good=0
        for i in 0 1 2; do
            if shard_ok "$d/array/shard_$i.h5" $i 3; then
                good=$((good + 1))
            else
                notok "shard_$i.h5 missing or not the runs i = $i mod 3"
            fi
        done
        left=$(find "$d/array" -name '*.journal.*' | wc -l)
        [ "$left" -eq 0 ] || notok "$left journal(s) left in $d/array"
        [ $good -eq 3 ] && [ "$left" -eq 0 ] &&
            ok "job array: 3 tasks completed, shard i holds the runs i mod 3 ($runs runs)"
    else
        notok "job array $array_job: task states '$st'"
        show_logs "$d"/logs/array-*
    fi
else
    notok "job array $array_job not done after 60 s"
    show_logs "$d"/logs/array-*
fi

if wait_job "$merge_job" 30; then
    st=$(job_states "$merge_job")
    if [ "$st" != COMPLETED ]; then
        notok "merge job $merge_job: state '$st'"
        show_logs "$d"/logs/merge-*
    elif ! grep -q "merged sweep: $d/array/sweep.h5" "$d/logs/merge-$merge_job.out"; then
        notok "merge job log does not name $d/array/sweep.h5"
        show_logs "$d"/logs/merge-*
    elif same "$d/ref.h5" "$d/array/sweep.h5"; then
        ok "merge job (afterok:$array_job): sweep.h5 == single-process sweep (/sweep, /runs)"
    else
        notok "array + merge differs from the single-process sweep"
    fi
else
    notok "merge job $merge_job not done after 30 s"
    show_logs "$d"/logs/merge-*
fi

# ------------------------------------- a failed task, resubmitted: --resume
# Stop shard 1 as a time limit would (SIGTERM) once its journal holds a run;
# then resubmit that task alone (TC_SHARDS: the array has 1 task this time).
out1=$d/array/shard_1.h5
tries=0
while :; do
    rm -f "$out1" "$out1".journal.*
    "$BIN" sweep "$scen" --shard 1/3 -o "$out1" --threads 1 "$@" >"$d/interrupt.log" 2>&1 &
    pid=$!
    while kill -0 $pid 2>/dev/null; do
        sleep 0.02
        if [ -e "$out1.journal.0" ]; then
            size=$(wc -c <"$out1.journal.0" 2>/dev/null) || size=0
            [ "${size:-0}" -gt 64 ] && break
        fi
    done
    kill -TERM $pid 2>/dev/null
    wait $pid
    tries=$((tries + 1))
    [ -e "$out1.journal.0" ] && [ ! -e "$out1" ] && break
    [ $tries -lt 5 ] || bail "could not interrupt shard 1 (it always finished first)"
done
TC_SHARDS=3
export TC_SHARDS
submit --array=1 --cpus-per-task=1 --mem=200M \
    --output="$d/logs/resume-%A_%a.out" "$cluster/sweep_array.sbatch"
resume_job=$jid
if wait_job "$resume_job" 30; then
    log=$(ls "$d"/logs/resume-*)
    st=$(job_states "$resume_job")
    kept=$(sed -n 's/.*resuming: \([0-9]*\) runs already.*/\1/p' "$log")
    if [ "$st" != COMPLETED ]; then
        notok "resubmitted task: state '$st'"
        show_logs "$log" "$d/interrupt.log"
    elif [ -z "$kept" ]; then
        notok "resubmitted task did not resume from its journal"
        show_logs "$log"
    elif [ -e "$out1.journal.0" ] || ! shard_ok "$out1" 1 3; then
        notok "resubmitted task left a journal or a wrong shard_1.h5"
    elif sh "$cluster/sweep_merge.sbatch" "$d/array" "$d/resumed.h5" \
        >"$d/merge2.log" 2>&1 && same "$d/ref.h5" "$d/resumed.h5"; then
        ok "task 1 stopped, resubmitted alone: resumed ($kept of 4 runs kept), merge == single-process sweep"
    else
        notok "merge after the resumed task differs or failed"
        show_logs "$d/merge2.log"
    fi
else
    notok "resubmitted task $resume_job not done after 30 s"
fi

# ----------------------------------------------------------------------- MPI
if [ -z "$mpi_jobs" ] && [ "$mpi_make" = ok ]; then
    ok "# SKIP MPI: no $MPIBIN (make MPI=1 needs OpenMPI and libhdf5-openmpi-dev)"
fi
for lj in $mpi_jobs; do
    l=${lj%%:*}
    j=${lj#*:}
    if ! wait_job "$j" 40; then
        notok "MPI job ($l) $j not done after 40 s"
        show_logs "$d"/logs/mpi-"$l"-*
        continue
    fi
    st=$(job_states "$j")
    f=$d/mpi-$l/sweep.h5
    if [ "$st" != COMPLETED ]; then
        notok "MPI job ($l): state '$st'"
        show_logs "$d"/logs/mpi-"$l"-*
    elif [ "$(ranks_of "$f")" != 2 ]; then
        notok "MPI job ($l): /meta/ranks is '$(ranks_of "$f")', want 2"
        show_logs "$d"/logs/mpi-"$l"-*
    elif same "$d/ref.h5" "$f"; then
        ok "MPI job, 2 ranks via $l: sweep.h5 == single-process sweep (/sweep, /runs)"
    else
        notok "MPI job ($l) differs from the single-process sweep"
    fi
done

echo "# $checks passed, $(($(date +%s) - t_start)) s"
exit $status
