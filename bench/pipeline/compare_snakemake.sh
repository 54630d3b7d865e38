#!/usr/bin/env bash
# Side-by-side: xstilts and Snakemake on the same N-node DAG of trivial shell commands, in one run.
# Measures (1) a cold run that executes every node and (2) a no-op re-run when everything is
# up to date, and prints each time and the ratio. Usage: compare_snakemake.sh XSTILTS_BIN [N] [REPEATS]
set -euo pipefail
bin=$(realpath "$1"); n=${2:-1000}; repeats=${3:-5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
here=$(dirname "$0")
python3 "$here/make_dag.py" "$n" "$work"
cd "$work"
jobs=$(nproc)

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t0=$(now); "$bin" run dag.yaml --cache cache -j "$jobs" >/dev/null 2>&1; t1=$(now)
xs_cold=$(elapsed "$t0" "$t1")
t0=$(now); snakemake -s Snakefile --cores "$jobs" -q >/dev/null 2>&1; t1=$(now)
sm_cold=$(elapsed "$t0" "$t1")

xs_noop=$(for _ in $(seq "$repeats"); do t0=$(now); "$bin" run dag.yaml --cache cache >/dev/null 2>&1; t1=$(now); elapsed "$t0" "$t1"; done | median)
sm_noop=$(for _ in $(seq "$repeats"); do t0=$(now); snakemake -s Snakefile --cores "$jobs" -q >/dev/null 2>&1; t1=$(now); elapsed "$t0" "$t1"; done | median)

printf 'DAG of %d nodes, %d cores, median of %d no-op runs\n' "$n" "$jobs" "$repeats"
printf '%-26s %12s %12s %8s\n' "" "xstilts" "snakemake" "ratio"
printf '%-26s %11.3fs %11.3fs %7.1fx\n' "cold run (all nodes run)" "$xs_cold" "$sm_cold" "$(echo "$sm_cold / $xs_cold" | bc -l)"
printf '%-26s %11.3fs %11.3fs %7.1fx\n' "no-op re-run" "$xs_noop" "$sm_noop" "$(echo "$sm_noop / $xs_noop" | bc -l)"
printf '%-26s %10.2fms %10.2fms\n' "cold run per node" "$(echo "$xs_cold * 1000 / $n" | bc -l)" "$(echo "$sm_cold * 1000 / $n" | bc -l)"
printf 'xstilts no-op re-run of %d nodes: %.0f ms (target: under 100 ms)\n' "$n" "$(echo "$xs_noop * 1000" | bc -l)"
