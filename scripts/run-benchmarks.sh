#!/usr/bin/env bash
# Runs every benchmark (make bench). Each prints xstilts' numbers beside its peer's and the ratio.
# Usage: scripts/run-benchmarks.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)

echo "== pipeline: executor overhead per node (no-op bodies) =="
"$build/bench/scheduling_bench" --benchmark_min_time=0.5
echo
echo "== pipeline: xstilts vs Snakemake on the same 1000-node DAG =="
"$root/bench/pipeline/compare_snakemake.sh" "$build/cli/xstilts" 1000 5
# bench/*/run.sh BUILD_DIR: tokenizer, model, eval, remote, and cluster (bench/cluster/run.sh: a real
# one-node Slurm against Snakemake, then a simulated Slurm; about 13 minutes on 2 cores).
for extra in "$root"/bench/*/run.sh; do
  [ -x "$extra" ] || continue
  echo
  echo "== $(basename "$(dirname "$extra")") =="
  "$extra" "$build"
done
