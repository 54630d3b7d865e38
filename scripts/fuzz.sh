#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzzing build for SECONDS each, from a corpus seeded with the
# malformed-pipeline corpus, the repository's pipelines, and the real files in ../shared/data.
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]   (make fuzz: build-fuzz, 60 s)
# Prints one line per target: executions, executions per second, corpus size, and whether it
# found a crash (then the reproducer is in BUILD_DIR/fuzz/<target>/crash-*; exit 1).
set -uo pipefail
build=$(cd "${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared/data"
work="$build/fuzz"
mkdir -p "$work"

# Seeds: "<selector>\n<content>" for the targets whose first line picks the reader.
seed() {  # seed TARGET SELECTOR FILE
  local dir="$work/$1/seeds" name
  mkdir -p "$dir"
  name=$(printf '%s' "$2/$3" | sha1sum | cut -c1-16)
  { printf '%s\n' "$2"; head -c 65536 "$3"; } > "$dir/$name"
}
mkdir -p "$work/fuzz_pipeline/seeds" "$work/fuzz_mo/seeds" "$work/fuzz_safetensors/seeds"
cp "$root"/tests/golden/invalid/*.yaml "$root"/pipelines/*.yaml "$work/fuzz_pipeline/seeds/"
find /usr/share/locale -name '*.mo' -size -64k 2>/dev/null | head -20 | while read -r f; do
  cp "$f" "$work/fuzz_mo/seeds/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
if [[ -d "$shared" ]]; then
  for format in anli bucc2018 commonsenseqa cosmosqa hellaswag mlqa mnli panx pawsx qqp squad sst2 \
                tatoeba tydiqa udpos xnli xquad; do
    [[ -d "$shared/$format" || -f "$shared/$format" ]] || continue
    find "$shared/$format" -type f -size -2M | head -6 | while read -r f; do seed fuzz_dataset_readers "$format" "$f"; done
  done
  find "$shared/xnli" -name '*.tsv' -size -2M | head -2 | while read -r f; do
    seed fuzz_score_files labels "$f"; seed fuzz_score_files tags "$f"; done
  find "$shared/squad" "$shared/xquad" -name '*.json' -size -2M | head -2 | while read -r f; do
    seed fuzz_score_files qa_gold "$f"; seed fuzz_score_files qa_predictions "$f"; done
  find "$shared" -name '*.safetensors' -size -2M | head -4 | while read -r f; do
    cp "$f" "$work/fuzz_safetensors/seeds/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
else
  echo "fuzz: $shared not found; seeding from the repository only" >&2
fi
# HDF5 artifacts of each kind, written by this build's xstilts from a small pipeline.
mkdir -p "$work/fuzz_h5_artifacts/seeds"
if [[ -x "$build/cli/xstilts" && -f "$shared/xnli/xtreme/dev-en.tsv" ]]; then
  cat > "$work/seed.yaml" <<YAML
nodes:
  examples:
    type: dataset
    params: {format: xnli, path: $shared/xnli/xtreme/dev-en.tsv, limit: 20}
  files:
    type: exec
    params: {cmd: ["sh", "-c", "echo seed > \$XSTILTS_OUT/a.txt"]}
YAML
  ASAN_OPTIONS=detect_leaks=0 "$build/cli/xstilts" run "$work/seed.yaml" --cache "$work/seed_cache" > /dev/null 2>&1
  find "$work/seed_cache/entries" -name '*.h5' | while read -r f; do
    for kind in examples files metrics tokens; do seed fuzz_h5_artifacts "$kind" "$f"; done; done
fi
printf 'labels\nentailment\n' > "$work/fuzz_score_files/seeds/minimal" 2>/dev/null || true
mkdir -p "$work/fuzz_manifest/seeds"
printf '{"key":"0123456789abcdef","node":"a","files":{"out.h5":{"size":1234,"sha256":"%s"}}}' \
  "$(printf x | sha256sum | cut -c1-64)" > "$work/fuzz_manifest/seeds/minimal"
[[ -d "${work}/seed_cache/entries" ]] && find "$work/seed_cache/entries" -name meta.json | head -4 | while read -r f; do
  cp "$f" "$work/fuzz_manifest/seeds/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
printf '\x20\x00\x00\x00\x00\x00\x00\x00{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}    \0\0\0\0' \
  > "$work/fuzz_safetensors/seeds/minimal"

status=0
for target in ${FUZZ_TARGETS:-fuzz_pipeline fuzz_dataset_readers fuzz_mo fuzz_safetensors fuzz_score_files fuzz_h5_artifacts fuzz_manifest}; do
  exe="$build/tests/fuzz/$target"
  [[ -x "$exe" ]] || { echo "fuzz: $exe missing (make fuzz builds it)" >&2; status=1; continue; }
  dir="$work/$target"
  mkdir -p "$dir/corpus" "$dir/seeds"
  log="$dir/log.txt"
  (cd "$dir" && ASAN_OPTIONS=detect_leaks=0 "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -max_len=65536 -print_final_stats=1 corpus seeds > "$log" 2>&1)
  rc=$?
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(( runs / (seconds > 0 ? seconds : 1) ))
  units=$(ls "$dir/corpus" | wc -l)
  # A hang or a memory error inside libhdf5 itself (1.10.8 loops on some damaged global heaps, and
  # copies with a length read from one; docs/testing.md) is that library's, and xstilts never
  # parses an artifact whose SHA-256 it has not checked: kept, reported, not a failure. Anything
  # with an xstilts frame on top is.
  if [[ $rc -ne 0 ]] && grep -q 'ERROR: libFuzzer: timeout' "$log" && grep -m1 -E '^ +#4 ' "$log" | grep -q libhdf5; then
    echo "$target: $runs runs in ${seconds}s, a hang inside libhdf5 (known, kept in $dir/timeout-*)"
    continue
  fi
  if [[ $rc -ne 0 ]] && grep -q 'ERROR: AddressSanitizer' "$log" && grep -m1 -E '^ +#1 ' "$log" | grep -q libhdf5; then
    echo "$target: $runs runs in ${seconds}s, a memory error inside libhdf5 (known, kept in $dir/crash-*)"
    continue
  fi
  if [[ $rc -ne 0 ]]; then
    echo "$target: FOUND A PROBLEM after $runs runs (exit $rc); see $log and $dir/crash-* $dir/timeout-*"
    status=1
  else
    echo "$target: $runs runs in ${seconds}s ($rate/s), corpus $units inputs, nothing found"
  fi
done
exit $status
