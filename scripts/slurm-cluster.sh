#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for the Slurm executor's tests and benchmarks: Debian's
# slurm-wlm and munge, everything (config, munge key and socket, state, spool, pids, logs) under one
# folder, nothing read from /etc/slurm, /etc/munge or /run/munge. The node has all CPUs (nproc),
# most of the memory, and two fake GPUs (`--gres=gpu:N` sets CUDA_VISIBLE_DEVICES).
#
# Usage: scripts/slurm-cluster.sh start DIR [CTLD_PORT SLURMD_PORT]   starts it, prints the export to use
#        scripts/slurm-cluster.sh stop DIR                            stops the daemons start left in DIR
# Every Slurm command must then see SLURM_CONF=DIR/slurm.conf (the one line start prints on stdout
# is `export SLURM_CONF=DIR/slurm.conf`). Exit status 77: Slurm or munge is not installed.
#
# Facts this relies on: no systemd and no cgroups are needed (proctrack/linuxproc, task/none); a
# finished job stays in `squeue --states=all` for MinJobAge (300 s), and its final state and exit
# code stay in DIR/jobcomp.txt (there is no accounting database, so `sacct` does not work).
# Scheduling is tuned for small test jobs (batch_sched_delay=0, sched_interval=1, bf_interval=1): a
# trivial job finishes 0.2 to 0.8 s after sbatch. `scontrol requeue` makes a job eligible again
# only cred_expire + 1 s later (default 120 s; cred_expire=5 is the shortest Slurm accepts), so a
# requeued job runs again after about 6 s. Do not shorten that with `scontrol update StartTime=now`:
# a job restarted within the second of its requeue is killed ("Job credential revoked", FAILED).
set -euo pipefail
command=${1:?usage: slurm-cluster.sh start DIR [CTLD_PORT SLURMD_PORT] | stop DIR}
dir=$(realpath -m "${2:?the cluster folder}")
daemons=(slurmd slurmctld munged)  # signalled in this order

alive() {  # alive NAME: prints the pid in DIR/NAME.pid if that process is still the NAME of DIR
  local pid args
  pid=$(cat "$dir/$1.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  args=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "${args%% *}" == "$1" || "${args%% *}" == */"$1" ]] && [[ "$args" == *"$dir/"* ]] && echo "$pid"
}

if [[ "$command" == stop ]]; then
  # Cancel the jobs first: their steps (slurmstepd and the job's processes) outlive slurmd.
  if alive slurmctld >/dev/null && [[ -f "$dir/slurm.conf" ]]; then
    export SLURM_CONF="$dir/slurm.conf"
    timeout 10 scancel --partition=debug >/dev/null 2>&1 || true
    for _ in $(seq 150); do
      [[ -z "$(timeout 5 squeue -h -o %i -t PD,R,CG,S,CF,RQ 2>/dev/null)" ]] && break
      sleep 0.1
    done
  fi
  pids=()
  for d in "${daemons[@]}"; do
    pid=$(alive "$d") && { kill "$pid" 2>/dev/null || true; pids+=("$pid"); }
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || continue 2; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
  for d in "${daemons[@]}"; do rm -f "$dir/$d.pid"; done
  exit 0
fi
[[ "$command" == start ]] || { echo "slurm-cluster.sh: unknown command '$command' (start or stop)" >&2; exit 2; }

for tool in slurmctld slurmd munged sinfo; do
  command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || {
    echo "slurm-cluster.sh: Slurm is not installed ($tool is missing; scripts/install-deps.sh installs slurm-wlm and munge)" >&2
    exit 77
  }
done
export PATH="$PATH:/usr/sbin"

free_port() {  # a port on 127.0.0.1 nothing answers on, from a range the kernel does not hand out
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "slurm-cluster.sh: no free port found" >&2
  exit 1
}
ctld_port=${3:-$(free_port)}
slurmd_port=${4:-$(free_port)}
while [[ "$slurmd_port" == "$ctld_port" ]]; do slurmd_port=$(free_port); done

for d in "${daemons[@]}"; do
  if alive "$d" >/dev/null; then
    echo "slurm-cluster.sh: a cluster is already running in $dir (stop it first)" >&2
    exit 1
  fi
done

user=$(id -un)
node=$(hostname -s)
# slurmd's step sockets (DIR/spool/<node>_<job>.<step>, e.g. vm_12.4294967291) must fit in a unix
# socket path (107 bytes).
max_dir=$((78 - ${#node}))
if (( ${#dir} > max_dir )); then
  echo "slurm-cluster.sh: '$dir' is too long for the unix sockets in it (${#dir} characters, at most $max_dir)" >&2
  exit 1
fi
cpus=$(nproc)
mem_total=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)  # MiB
real_memory=$((mem_total - mem_total / 10 > mem_total - 2048 ? mem_total - mem_total / 10 : mem_total - 2048))
(( real_memory >= 256 )) || real_memory=$((mem_total / 2))
mem_per_cpu=$((real_memory / cpus))

mkdir -p "$dir"/{state,spool,log,munge}
chmod 755 "$dir/munge"  # the socket is for every user; the key itself is 0600
rm -f "$dir"/log/*.log "$dir/munge/munged.log"

# munge: its own key, socket, pid, seed and log in DIR/munge, so the cluster neither needs nor
# disturbs a munged of the machine. Slurm's daemons and commands find the socket through AuthInfo.
socket="$dir/munge/socket"
if [[ ! -s "$dir/munge/munge.key" ]]; then
  (umask 077; head -c 1024 /dev/urandom > "$dir/munge/munge.key")
fi
munged --foreground --socket="$socket" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
  --seed-file="$dir/munge/seed" --log-file="$dir/munge/munged.log" --num-threads=4 --force \
  < /dev/null > "$dir/munge/munged.out" 2>&1 &
echo $! > "$dir/munged.pid"
for _ in $(seq 50); do [[ -S "$socket" ]] && break; sleep 0.1; done
if ! munge -n --socket="$socket" | unmunge --socket="$socket" >/dev/null 2>&1; then
  echo "slurm-cluster.sh: munged did not start; its log:" >&2
  cat "$dir/munge/munged.log" "$dir/munge/munged.out" >&2 2>/dev/null || true
  "$0" stop "$dir"
  exit 1
fi

# Two GPUs for `--gres=gpu:N`: Slurm only needs files it can stat; /dev/null's device numbers.
for i in 0 1; do
  [[ -c "$dir/fakegpu$i" ]] || mknod "$dir/fakegpu$i" c 1 3 2>/dev/null || {
    echo "slurm-cluster.sh: cannot make the fake GPU device $dir/fakegpu$i (mknod needs root); no GPUs" >&2
    break
  }
done
gres="" gres_types=""
if [[ -c "$dir/fakegpu1" ]]; then
  gres="Gres=gpu:2"
  gres_types="GresTypes=gpu"
  echo "Name=gpu File=$dir/fakegpu[0-1]" > "$dir/gres.conf"
else
  : > "$dir/gres.conf"
fi

cat > "$dir/slurm.conf" <<CONF
# Written by scripts/slurm-cluster.sh: a one-node test cluster, all of it under $dir.
ClusterName=xstilts
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoInAddrAny
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket,cred_expire=5
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$mem_per_cpu
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=30
KillWait=5
$gres_types
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$real_memory $gres State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -f "$SLURM_CONF" < /dev/null > "$dir/log/slurmctld.out" 2>&1 &
echo $! > "$dir/slurmctld.pid"
slurmd -D -f "$SLURM_CONF" -N "$node" < /dev/null > "$dir/log/slurmd.out" 2>&1 &
echo $! > "$dir/slurmd.pid"

for _ in $(seq 200); do
  state=$(sinfo -h -o %T 2>/dev/null || true)
  if [[ "$state" == idle ]]; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  for d in slurmctld slurmd; do kill -0 "$(cat "$dir/$d.pid")" 2>/dev/null || break 2; done
  sleep 0.1
done
echo "slurm-cluster.sh: the node did not become idle within 20 s (sinfo: '${state:-no answer}'); the logs:" >&2
for f in "$dir"/log/*; do echo "== $f" >&2; tail -n 30 "$f" >&2; done
"$0" stop "$dir"
exit 1
