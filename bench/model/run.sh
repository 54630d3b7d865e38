#!/usr/bin/env bash
# Encoder training throughput against the same model in plain PyTorch (scripts/run-benchmarks.sh).
# Usage: bench/model/run.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
cmake --build "$build" --target encoder_bench
"$build/bench/model/encoder_bench" --threads 2
