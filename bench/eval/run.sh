#!/usr/bin/env bash
# Retrieval time of the retrieve node's core (10k x 10k random 768-d embeddings: top-1 search and
# ratio-margin mining with k = 4) against the same computation in plain PyTorch, side by side with
# the ratio peer / xstilts (scripts/run-benchmarks.sh). Usage: bench/eval/run.sh BUILD_DIR [N]
set -euo pipefail
build=${1:-build}
n=${2:-10000}
here=$(cd "$(dirname "$0")" && pwd)
cmake --build "$build" --target retrieval_bench
ours=$("$build/bench/eval/retrieval_bench" --n "$n" --threads 2)
peer=$(/usr/bin/python3 "$here/peer_retrieval.py" --n "$n" --threads 2)
printf '%-10s %12s %12s %8s\n' what xstilts_s pytorch_s ratio
for what in top1 mine_k4; do
  a=$(awk -v w="$what" '$2 == w {print $3}' <<<"$ours")
  b=$(awk -v w="$what" '$2 == w {print $3}' <<<"$peer")
  printf '%-10s %12s %12s %8.2f\n' "$what" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')"
done
echo
"$here/eval_throughput.sh" "$build" 2000
