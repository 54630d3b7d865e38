#!/usr/bin/env bash
# make bench: tokenizer throughput against spm_encode and python3-sentencepiece. Usage: run.sh BUILD_DIR
set -euo pipefail
build=$(realpath "${1:-build}")
cmake --build "$build" --target xstilts_tokenizer_bench >/dev/null
exec /usr/bin/python3 "$(dirname "$0")/run_tokenizer_bench.py" \
  --bench "$build/bench/tokenizer/xstilts_tokenizer_bench" --workdir "$build/bench/tokenizer/work"
