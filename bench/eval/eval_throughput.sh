#!/usr/bin/env bash
# Evaluation throughput (examples/s) of the `evaluate` node against the same forward pass in plain
# PyTorch (bench/eval/peer_eval.py: the same architecture and weights, eval mode, no_grad, the
# same batches of the same token ids), both on 2 threads with passive OpenMP waiting, in one run.
# Usage: bench/eval/eval_throughput.sh BUILD_DIR [EXAMPLES]
set -euo pipefail
build=$(realpath "${1:-build}")
n=${2:-2000}
here=$(cd "$(dirname "$0")" && pwd)
data=${XSTILTS_SHARED_DATA:-$here/../../../shared/data}
xnli="$data/xnli/xtreme/dev-en.tsv"
spm="$data/spm/amr_nmt/sentencepiece.bpe.model"
if [[ ! -f "$xnli" || ! -f "$spm" ]]; then
  echo "skipped: needs $xnli and $spm (set XSTILTS_SHARED_DATA)"; exit 0
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/p.yaml" <<YAML
nodes:
  xnli: {type: dataset, params: {format: xnli, path: "$xnli", limit: $n}}
  spm: {type: tokenizer, params: {path: "$spm", id_layout: fairseq}}
  tok: {type: tokenize, inputs: {examples: xnli, tokenizer: spm}, params: {max_length: 128}}
  init:
    type: init_model
    inputs: {tokenizer: spm}
    params: {layers: 4, hidden: 256, heads: 4, ffn: 1024, max_positions: 128, seed: 1}
  model: {type: train, inputs: {model: init, train: tok}, params: {steps: 1, batch_size: 8, device: cpu}}
  hf: {type: export_hf, inputs: {model: model}}
  eval:
    type: evaluate
    inputs: {model: model, tokens: tok}
    params: {batch_size: 32, device: cpu}
    resources: {threads: 2}
YAML
"$build/cli/xstilts" run "$work/p.yaml" --cache "$work/cache" --log "$work/run.jsonl" --json > "$work/run.json" 2>/dev/null
ours=$(/usr/bin/python3 - "$work/run.jsonl" "$n" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "end" and e.get("node") == "eval":
        print(int(sys.argv[2]) / e["seconds"])
PY
)
keys=$(/usr/bin/python3 -c "import json,sys; r=json.loads(open('$work/run.json').read().strip().splitlines()[-1]); print(' '.join(n['key'] for n in r['nodes'] if n['name'] in ('tok','hf')))")
tok_key=${keys% *}; hf_key=${keys#* }
peer=$(OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$here/peer_eval.py" --tokens "$work/cache/entries/${tok_key:0:2}/$tok_key/tokens.h5" \
        --hf "$work/cache/entries/${hf_key:0:2}/$hf_key/hf.h5" --batch-size 32 --threads 2)
printf '%-34s %12s %12s %8s\n' "evaluate, $n XNLI pairs, 4x256" xstilts pytorch ratio
printf '%-34s %10.0f/s %10.0f/s %7.2fx\n' "examples per second" "$ours" "$peer" "$(echo "$ours / $peer" | bc -l)"
