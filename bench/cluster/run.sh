#!/usr/bin/env bash
# The Slurm executor (`xstilts run --executor slurm`), in two parts:
#
# 1. Against Snakemake 7.21 on a real one-node Slurm cluster (scripts/slurm-cluster.sh, started and
#    stopped here): the same 20-node DAG of `sleep 1` nodes (make_diamonds.py: 14 levels, at most
#    two nodes on one, so the cluster's two CPUs run each level at once and the critical path is
#    the whole work, 14 s), run by xstilts (poll_interval 1s) and by Snakemake's `--slurm` executor
#    (--max-status-checks-per-second 1), then by Snakemake's generic `--cluster sbatch` mode with a
#    squeue status script (CI=true: its fastest). Prints each makespan (the whole command, start-up
#    included), the ratio, the overhead per level, (makespan - critical path) / levels, and every
#    Slurm command each one called, counted by wrappers first on PATH that exec the real ones.
# 2. The driver alone against bench/cluster/fake-slurm (a simulated scheduler whose jobs really run
#    `xstilts run-node`, FAKE_SLURM_SLOTS = nproc at once): (a) a whole run of a FULL-node grid
#    (bench/pipeline/make_dag.py: layers of 100, two inputs each), (b) for each size in SIZES, a
#    grid of that size run with `--only` its second layer: 200 jobs (two layers of 100), with the
#    whole pipeline read and planned by the driver and by every job. Prints the driver's CPU time
#    (its own, from --json cpu_seconds; per job after taking off what a --dry-run of the same
#    command costs), its peak memory (VmHWM of the driver process), its sleeps per job (voluntary
#    context switches), squeue and sbatch calls per minute, and how long one `xstilts run-node`
#    takes at that size (the fake's start and end of each job; median).
#
# Usage: bench/cluster/run.sh BUILD_DIR|XSTILTS_BIN [FULL_NODES] [SIZES]
#        (defaults: 1000 and "1000 3000 10000"; FULL_NODES 0 or SIZES "" skips that part;
#        BENCH_CLUSTER=0 skips part 1). Takes about 13 minutes on 2 cores.
set -euo pipefail
arg=${1:-build}
if [[ -d "$arg" ]]; then bin=$(realpath "$arg/cli/xstilts"); else bin=$(realpath "$arg"); fi
full_nodes=${2:-1000}
sizes=${3-1000 3000 10000}
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/cluster"
fake="$here/fake-slurm"
only=$(seq -f 'n%g' 100 199)   # part 2b: the second layer of the grid, and so the first: 200 jobs
cpus=$(nproc)
py=/usr/bin/python3
[[ -x "$bin" ]] || { echo "run.sh: no xstilts binary at $bin" >&2; exit 1; }
for n in $sizes; do
  (( n >= 200 )) || { echo "run.sh: every size needs at least 200 nodes (two layers of 100), not $n" >&2; exit 2; }
done

work=$(mktemp -d /tmp/xstilts-bench-XXXXXX)
cluster=""
fake_states=()
cleanup() {
  [[ -n "$cluster" ]] && "$root/scripts/slurm-cluster.sh" stop "$cluster" || true
  for s in "${fake_states[@]}"; do FAKE_SLURM_STATE=$s "$py" "$fake/fake_slurm.py" stop || true; done
  rm -rf "$work" ${cluster:+"$cluster"}
}
trap cleanup EXIT
orig_path=$PATH
load() { cut -d' ' -f1-3 /proc/loadavg; }
field() {  # field FILE EXPR: EXPR of the JSON object on the last line of FILE (d)
  tail -n 1 "$1" | "$py" -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

# Counting wrappers: each logs "<time> <command>" to $XS_BENCH_CALLS and execs the real command.
mkdir -p "$work/wrap"
for c in sbatch squeue scancel sacct sacctmgr scontrol srun; do
  real=$(command -v "$c" || true)
  [[ -n "$real" ]] || continue
  printf '#!/bin/bash\nprintf "%%s %%s\\n" "$EPOCHREALTIME" %s >> "${XS_BENCH_CALLS:-/dev/null}"\nexec %s "$@"\n' \
    "$c" "$real" > "$work/wrap/$c"
  chmod +x "$work/wrap/$c"
done
calls() {  # calls LOG: "N squeue, N sbatch, ..." for the commands in LOG (0 sacct said explicitly)
  local log=$1
  for c in sbatch squeue sacct scontrol scancel srun; do
    printf '%s %s\n' "$(grep -c " $c\$" "$log" 2>/dev/null || true)" "$c"
  done | awk '$1 > 0 || $2 == "sacct" {printf "%s%d %s", (n++ ? ", " : ""), $1, $2} END {print ""}'
}
count() { grep -c " $2\$" "$1" 2>/dev/null || true; }

# ------------------------------------------------------------------------------------------------
if [[ "${BENCH_CLUSTER:-1}" != 0 ]]; then
  command -v snakemake > /dev/null || { echo "run.sh: snakemake is not installed (scripts/install-deps.sh --bench)" >&2; exit 1; }
  cluster=$(mktemp -d /tmp/xstilts-slurm-XXXXXX)
  set +e
  started=$("$root/scripts/slurm-cluster.sh" start "$cluster")
  status=$?
  set -e
  if [[ $status == 77 ]]; then
    echo "Slurm is not installed (scripts/install-deps.sh --bench): skipping the real cluster"
    rm -rf "$cluster"; cluster=""
  elif [[ $status != 0 ]]; then
    exit "$status"
  else
    eval "$started"  # export SLURM_CONF=...
    export PATH="$work/wrap:$orig_path"
    export USER=${USER:-$(id -un)}  # Snakemake's --slurm reads it
    dag=$work/diamonds
    read -r nodes levels width < <("$py" "$here/make_diamonds.py" "$dag" 1)
    work_s=1
    critical=$(( levels * work_s * ( (width + cpus - 1) / cpus ) ))
    cd "$dag"
    printf 'poll_interval: 1s\njobs: 20\n' > profile.yaml
    cat > slurm-status.sh <<'EOF'
#!/usr/bin/env bash
# snakemake --cluster-status: running, success or failed for one Slurm job id, from squeue (there is
# no accounting database for sacct); squeue keeps a finished job for MinJobAge (300 s).
state=$(squeue -h --states=all -j "$1" -o %T 2>/dev/null)
case "$state" in
  COMPLETED) echo success ;;
  PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|RESIZING|SIGNALING|STAGE_OUT) echo running ;;
  *) echo failed ;;
esac
EOF
    chmod +x slurm-status.sh
    before=$(load)

    export XS_BENCH_CALLS=$work/calls-xstilts
    t0=$EPOCHREALTIME
    "$bin" run dag.yaml --executor slurm --cache cache --profile profile.yaml --json > xs.json 2> xs.err \
      || { cat xs.err >&2; exit 1; }
    t1=$EPOCHREALTIME
    xs_wall=$(echo "$t1 - $t0" | bc -l)
    xs_run=$(field xs.json 'd["seconds"]')
    xs_ran=$(field xs.json 'sum(n["status"] == "ran" for n in d["nodes"])')
    xs_squeue=$(count "$XS_BENCH_CALLS" squeue)
    xs_sacct=$(count "$XS_BENCH_CALLS" sacct)
    xs_timeline=$("$py" "$here/timeline.py" "$(field xs.json 'd["run_log"]')" dag.yaml)
    [[ "$xs_ran" == "$nodes" ]] || { echo "xstilts ran $xs_ran of $nodes nodes" >&2; exit 1; }

    export XS_BENCH_CALLS=$work/calls-snakemake
    t0=$EPOCHREALTIME
    snakemake -s Snakefile --slurm --jobs 20 --max-status-checks-per-second 1 \
      --default-resources mem_mb=100 runtime=10 > sm.log 2>&1 || { tail -n 30 sm.log >&2; exit 1; }
    t1=$EPOCHREALTIME
    sm_wall=$(echo "$t1 - $t0" | bc -l)
    [[ $(ls out | wc -l) == "$nodes" ]] || { echo "snakemake --slurm wrote $(ls out | wc -l) of $nodes files" >&2; exit 1; }

    rm -rf out .snakemake
    export XS_BENCH_CALLS=$work/calls-generic
    t0=$EPOCHREALTIME
    CI=true snakemake -s Snakefile --jobs 20 --max-status-checks-per-second 1 \
      --cluster 'sbatch --parsable -o slurm-%j.out --cpus-per-task={threads} --mem=100' \
      --cluster-status ./slurm-status.sh --cluster-cancel scancel > smg.log 2>&1 || { tail -n 30 smg.log >&2; exit 1; }
    t1=$EPOCHREALTIME
    smg_wall=$(echo "$t1 - $t0" | bc -l)
    [[ $(ls out | wc -l) == "$nodes" ]] || { echo "snakemake --cluster wrote $(ls out | wc -l) of $nodes files" >&2; exit 1; }
    unset XS_BENCH_CALLS
    cd "$work"

    per_level() { echo "($1 - $critical) / $levels" | bc -l; }
    printf 'Real Slurm (22.05, one node, %d CPUs on 127.0.0.1): %d nodes of `sleep %d` on %d levels, critical path %d s\n' \
      "$cpus" "$nodes" "$work_s" "$levels" "$critical"
    printf 'load average before: %s, after: %s\n' "$before" "$(load)"
    printf '%-44s %10s %14s %8s\n' "" "makespan" "per level" "ratio"
    printf '%-44s %9.1fs %13.2fs %8s\n' "xstilts --executor slurm (poll 1s)" "$xs_wall" "$(per_level "$xs_wall")" "1.00x"
    printf '%-44s %9.1fs %13.2fs %7.2fx\n' "snakemake --slurm (1 status check/s)" "$sm_wall" "$(per_level "$sm_wall")" \
      "$(echo "$sm_wall / $xs_wall" | bc -l)"
    printf '%-44s %9.1fs %13.2fs %7.2fx\n' "snakemake --cluster sbatch (CI=true, 1/s)" "$smg_wall" "$(per_level "$smg_wall")" \
      "$(echo "$smg_wall / $xs_wall" | bc -l)"
    printf 'xstilts, run phase %.1f s (--json seconds); per node, means in s (bench/cluster/timeline.py):\n' "$xs_run"
    printf '  %s\n' "$xs_timeline"
    printf '  squeue calls: %d in %.1f s = %.2f per 1 s poll interval; sacct calls: %d\n' \
      "$xs_squeue" "$xs_run" "$(echo "$xs_squeue / $xs_run" | bc -l)" "$xs_sacct"
    printf 'Slurm commands called (jobs included): xstilts: %s\n' "$(calls "$work/calls-xstilts")"
    printf '  snakemake --slurm: %s\n' "$(calls "$work/calls-snakemake")"
    printf '  snakemake --cluster: %s\n' "$(calls "$work/calls-generic")"
    "$root/scripts/slurm-cluster.sh" stop "$cluster"
    rm -rf "$cluster"; cluster=""
    export PATH=$orig_path
    unset SLURM_CONF
  fi
fi

# ------------------------------------------------------------------------------------------------
# One driver run against the fake Slurm; sets the sim_* results. sim DIR JOBS_EXPECTED RUN_ARGS...
sim() {
  local dir=$1 expected=$2 state pid hwm=0 h switches=0
  shift 2
  state=$(mktemp -d "$work/fake-XXXXXX")
  fake_states+=("$state")
  (
    cd "$dir"
    export PATH="$fake:$orig_path" FAKE_SLURM_STATE=$state FAKE_SLURM_DELAY=0.1 FAKE_SLURM_SLOTS=$cpus \
      FAKE_SLURM_IDLE_EXIT=30
    printf 'poll_interval: 1s\n' > profile.yaml
    bash -c 'echo $$ > driver.pid; exec "$@"' driver "$bin" run "$@" --executor slurm --cache cache \
      --profile profile.yaml --json > sim.json 2> sim.err &
    local runner=$!
    for _ in $(seq 100); do [[ -s driver.pid ]] && break; sleep 0.05; done
    pid=$(cat driver.pid)
    while kill -0 "$pid" 2>/dev/null; do
      h=$(awk '/^VmHWM:/ {print $2} /^voluntary_ctxt_switches:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [[ -n "$h" ]] && read -r hwm switches <<< "$(echo $h)"
      sleep 0.2
    done
    wait "$runner" || { tail -n 20 sim.err >&2; exit 1; }
    echo "$hwm $switches" > driver.hwm
    "$py" "$fake/fake_slurm.py" stats > fake.stats
    "$py" "$fake/fake_slurm.py" stop
    # run-node's wall time per job, from the fake's records of the jobs' start and end
    "$py" - "$state/jobs" > runnode.txt <<'EOF'
import json, os, sys
d = sys.argv[1]
times = sorted(j["end"] - j["start"] for j in (json.load(open(os.path.join(d, n))) for n in os.listdir(d)
               if n.endswith(".json")) if j.get("start") and j.get("end"))
print("%.3f" % times[len(times) // 2])
EOF
  )
  sim_ran=$(field "$dir/sim.json" 'sum(n["status"] == "ran" for n in d["nodes"])')
  [[ "$sim_ran" == "$expected" ]] || { echo "the driver ran $sim_ran of $expected nodes" >&2; exit 1; }
  sim_seconds=$(field "$dir/sim.json" 'd["seconds"]')
  sim_cpu=$(field "$dir/sim.json" 'd["cpu_seconds"]')
  sim_squeue=$(field "$dir/sim.json" 'd["slurm"]["squeue_calls"]')
  sim_sbatch=$(field "$dir/sim.json" 'd["slurm"]["sbatch_calls"]')
  read -r sim_hwm sim_switches < "$dir/driver.hwm"
  sim_runnode=$(cat "$dir/runnode.txt")
}

if [[ "$full_nodes" != 0 || -n "$sizes" ]]; then
  echo
  printf 'The driver against bench/cluster/fake-slurm (%d jobs at once, 0.1 s from sbatch to start; jobs run xstilts run-node)\n' "$cpus"
  printf 'load average before: %s\n' "$(load)"
  printf '%-34s %8s %9s %10s %9s %9s %9s %10s\n' "" "makespan" "driver" "per job" "peak" "squeue" "sbatch" "run-node"
  printf '%-34s %8s %9s %10s %9s %9s %9s %10s\n' "" "" "CPU" "" "RSS" "per min" "per min" "per job"
fi
row() {  # row LABEL JOBS PLAN_CPU
  printf '%-34s %7.0fs %8.2fs %8.2fms %6.1fMiB %9.1f %9.1f %9.2fs\n' "$1" "$sim_seconds" "$sim_cpu" \
    "$(echo "($sim_cpu - $3) * 1000 / $2" | bc -l)" "$(echo "$sim_hwm / 1024" | bc -l)" \
    "$(echo "$sim_squeue * 60 / $sim_seconds" | bc -l)" "$(echo "$sim_sbatch * 60 / $sim_seconds" | bc -l)" "$sim_runnode"
}
plan_cpu() {  # plan_cpu CACHE RUN_ARGS...: the CPU seconds of that --dry-run (reading, planning, the cache)
  local cache=$1
  shift
  /usr/bin/time -f '%U %S' -o "$work/plan.time" "$bin" run "$@" --cache "$cache" --dry-run > /dev/null 2>&1
  awk '{print $1 + $2}' "$work/plan.time"
}

if [[ "$full_nodes" != 0 ]]; then
  d=$work/full; mkdir -p "$d"
  "$py" "$root/bench/pipeline/make_dag.py" "$full_nodes" "$d/dag" > /dev/null
  planned=$(plan_cpu "$d/cache" "$d/dag/dag.yaml")
  sim "$d" "$full_nodes" dag/dag.yaml
  row "whole run, $full_nodes nodes" "$full_nodes" "$planned"
  printf '  (a --dry-run of it: %.2f s CPU, taken off before dividing by %d jobs; %d sleeps per job)\n' \
    "$planned" "$full_nodes" "$((sim_switches / full_nodes))"
fi

for n in $sizes; do
  d=$work/size$n; mkdir -p "$d"
  "$py" "$root/bench/pipeline/make_dag.py" "$n" "$d/dag" > /dev/null
  # shellcheck disable=SC2086
  planned=$(plan_cpu "$d/cache" "$d/dag/dag.yaml" --only $only)
  # shellcheck disable=SC2086
  sim "$d" 200 dag/dag.yaml --only $only
  row "$n nodes, 200 run (--only)" 200 "$planned"
  printf '  (a --dry-run of the same: %.2f s CPU, taken off before dividing by 200 jobs; %d sleeps per job)\n' \
    "$planned" "$((sim_switches / 200))"
done
if [[ "$full_nodes" != 0 || -n "$sizes" ]]; then
  printf 'load average after: %s\n' "$(load)"
fi
