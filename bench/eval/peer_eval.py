#!/usr/bin/env python3
"""The peer of `evaluate`: the same encoder (bench/model/peer_encoder.py's plain-PyTorch RoBERTa)
with the weights xstilts exported, a classification head, eval mode and no_grad, over the same
token ids in the same batches; prints examples per second (reading included, as in the node)."""
import argparse
import io
import json
import os
import sys
import time

import h5py
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "model"))
from peer_encoder import Roberta, read_safetensors  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--hf", required=True, help="export_hf artifact (files bundle)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with h5py.File(args.hf, "r") as f:
        config = json.loads(bytes(f["files/config.json"][:]).decode())
        weights = bytes(f["files/model.safetensors"][:])
    path = args.tokens + ".weights.safetensors"
    with open(path, "wb") as out:
        out.write(weights)
    start = time.perf_counter()
    model = Roberta(config)
    # RobertaForMaskedLM names carry "roberta."; a bare RobertaModel export does not.
    state = {k[len("roberta."):] if k.startswith("roberta.") else k: v for k, v in read_safetensors(path).items()}
    missing, _ = model.load_state_dict(state, strict=False)
    if missing:  # the pooler is not used; every encoder weight must come from xstilts' export
        raise SystemExit(f"weights missing from the export: {missing}")
    os.remove(path)
    hidden = config["hidden_size"]
    head = nn.Sequential(nn.Linear(hidden, hidden), nn.Tanh(), nn.Linear(hidden, 3))
    model.eval()
    with h5py.File(args.tokens, "r") as f:
        ids = f["input_ids"][:]
        offsets = f["offsets"][:]
        pad = int(f.attrs["pad_id"])
    n = len(offsets) - 1
    predictions = []
    with torch.no_grad():
        for first in range(0, n, args.batch_size):
            rows = range(first, min(n, first + args.batch_size))
            length = max(offsets[i + 1] - offsets[i] for i in rows)
            batch = torch.full((len(rows), length), pad, dtype=torch.long)
            mask = torch.zeros((len(rows), length), dtype=torch.long)
            for r, i in enumerate(rows):
                seq = torch.from_numpy(ids[offsets[i]:offsets[i + 1]].astype("int64"))
                batch[r, :len(seq)] = seq
                mask[r, :len(seq)] = 1
            x = model(batch, mask)
            predictions.append(head(x[:, 0]).argmax(-1))
    seconds = time.perf_counter() - start
    print(n / seconds)


if __name__ == "__main__":
    main()
