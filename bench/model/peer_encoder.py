#!/usr/bin/env python3
"""The RoBERTa / XLM-R encoder in plain PyTorch: the peer of xstilts' LibTorch encoder.

Same architecture and parameter names as Hugging Face's RobertaForMaskedLM, written directly on
torch.nn (the machine has no transformers package). Two modes:

  check DIR INPUTS   load DIR/config.json + DIR/model.safetensors (parsed here, not with the
                     safetensors package) as the class its `architectures` names (*ForMaskedLM,
                     *ForSequenceClassification, *ForTokenClassification, *ForQuestionAnswering,
                     *ForMultipleChoice), run INPUTS' input_ids/attention_mask in eval mode and
                     print the largest difference to INPUTS' logits (computed by xstilts).
  bench ...          train the masked-LM model on random tokens and print tokens_per_s=...
  serve ...          the same model, one training step per "step" line read on stdin
"""
import argparse
import json
import math
import os
import struct
import sys
import time

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    header.pop("__metadata__", None)
    base = 8 + header_len
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[entry["dtype"]])
        tensors[name] = t.reshape(entry["shape"])
    return tensors


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pad = c["pad_token_id"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=self.pad)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"], padding_idx=self.pad)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, input_ids):
        mask = input_ids.ne(self.pad).int()
        positions = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.pad
        token_types = torch.zeros_like(input_ids)
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_types) + self.position_embeddings(positions)
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.head_dim = h // self.heads
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, mask_bias):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + mask_bias
        probs = self.dropout(torch.softmax(scores, dim=-1))
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return context.view(x.shape)


class DenseNorm(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.dense = nn.Linear(inner, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = DenseNorm(c, c["hidden_size"])

    def forward(self, x, mask_bias):
        return self.output(self.self(x, mask_bias), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c, c["intermediate_size"])

    def forward(self, x, mask_bias):
        a = self.attention(x, mask_bias)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])


class Roberta(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, input_ids, attention_mask):
        x = self.embeddings(input_ids)
        mask_bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.encoder.layer:
            x = layer(x, mask_bias)
        return x


class LMHead(nn.Module):
    def __init__(self, c, word_embeddings):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))
        self.tied = (word_embeddings,)  # decoder tied to the word embeddings, not a second parameter

    def forward(self, x):
        x = self.layer_norm(nn.functional.gelu(self.dense(x)))
        return nn.functional.linear(x, self.tied[0].weight, self.bias)


class ForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.roberta = Roberta(c)
        self.lm_head = LMHead(c, self.roberta.embeddings.word_embeddings)
        std = c.get("initializer_range", 0.02)
        for m in self.modules():  # Hugging Face's _init_weights
            if isinstance(m, nn.Linear):
                m.weight.data.normal_(0.0, std)
                m.bias.data.zero_()
            elif isinstance(m, nn.Embedding):
                m.weight.data.normal_(0.0, std)
                if m.padding_idx is not None:
                    m.weight.data[m.padding_idx].zero_()
            elif isinstance(m, nn.LayerNorm):
                m.weight.data.fill_(1.0)
                m.bias.data.zero_()

    def forward(self, input_ids, attention_mask, labels=None):
        logits = self.lm_head(self.roberta(input_ids, attention_mask))
        if labels is None:
            return logits
        return nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=-100)


class TaskModel(nn.Module):
    """Hugging Face's Roberta*For<Task> heads on the same encoder, by the names they save."""

    def __init__(self, c, architecture):
        super().__init__()
        if "For" not in architecture:
            raise ValueError(f"unsupported architecture {architecture}")
        self.kind = architecture.split("For", 1)[1]
        h = c["hidden_size"]
        labels = len(c.get("id2label", {})) or 2
        self.roberta = Roberta(c)
        if self.kind == "SequenceClassification":  # RobertaClassificationHead
            self.classifier = nn.Module()
            self.classifier.dense = nn.Linear(h, h)
            self.classifier.out_proj = nn.Linear(h, labels)
        elif self.kind == "TokenClassification":
            self.classifier = nn.Linear(h, labels)
        elif self.kind == "QuestionAnswering":
            self.qa_outputs = nn.Linear(h, labels)
        elif self.kind == "MultipleChoice":  # RobertaPooler + classifier
            self.roberta.pooler = nn.Module()
            self.roberta.pooler.dense = nn.Linear(h, h)
            self.classifier = nn.Linear(h, 1)
        else:
            raise ValueError(f"unsupported architecture {architecture}")

    def forward(self, input_ids, attention_mask):
        if self.kind == "MultipleChoice":
            b, k, s = input_ids.shape
            x = self.roberta(input_ids.view(-1, s), attention_mask.view(-1, s))
            pooled = torch.tanh(self.roberta.pooler.dense(x[:, 0]))
            return self.classifier(pooled).view(b, k)
        x = self.roberta(input_ids, attention_mask)
        if self.kind == "SequenceClassification":
            return self.classifier.out_proj(torch.tanh(self.classifier.dense(x[:, 0])))
        if self.kind == "TokenClassification":
            return self.classifier(x)
        return self.qa_outputs(x)  # [B, S, 2]: start and end logits


def check(args):
    with open(f"{args.dir}/config.json") as f:
        config = json.load(f)
    architecture = config.get("architectures", ["ForMaskedLM"])[0]
    model = ForMaskedLM(config) if architecture.endswith("ForMaskedLM") else TaskModel(config, architecture)
    weights = read_safetensors(f"{args.dir}/model.safetensors")
    state = {k: v for k, v in weights.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        print(f"state_dict mismatch: missing={missing} unexpected={unexpected}")
        return 1
    model.eval()
    inputs = read_safetensors(args.inputs)
    with torch.no_grad():
        logits = model(inputs["input_ids"], inputs["attention_mask"])
    if logits.shape != inputs["logits"].shape:
        print(f"shape mismatch: peer {tuple(logits.shape)}, xstilts {tuple(inputs['logits'].shape)}")
        return 1
    diff = (logits - inputs["logits"]).abs().max().item()
    print(f"max_abs_diff={diff:.3e}")
    return 0


def build(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    config = dict(vocab_size=args.vocab, hidden_size=args.hidden, num_hidden_layers=args.layers,
                  num_attention_heads=args.heads, intermediate_size=args.ffn, hidden_dropout_prob=0.1,
                  attention_probs_dropout_prob=0.1, max_position_embeddings=args.seq + 2, type_vocab_size=1,
                  layer_norm_eps=1e-5, pad_token_id=1, initializer_range=0.02)
    model = ForMaskedLM(config)
    model.train()
    def no_decay(name):
        return name.endswith("bias") or "LayerNorm.weight" in name or "layer_norm.weight" in name
    groups = [{"params": [p for n, p in model.named_parameters() if not no_decay(n)], "weight_decay": 0.01},
              {"params": [p for n, p in model.named_parameters() if no_decay(n)], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=1e-4)
    input_ids = torch.randint(4, args.vocab, (args.batch, args.seq))
    attention_mask = torch.ones_like(input_ids)
    labels = torch.where(torch.rand(input_ids.shape) < 0.15, input_ids, torch.full_like(input_ids, -100))

    def step():
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = model(input_ids, attention_mask, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        loss.item()
        return time.perf_counter() - start
    return step


def bench(args):
    step = build(args)
    times = [step() for _ in range(args.warmup + args.steps)]
    if os.environ.get("XSTILTS_BENCH_VERBOSE"):
        print("  [pytorch] step times: " + " ".join(f"{t:.3f}" for t in times), file=sys.stderr)
    timed = sorted(times[args.warmup:])
    n = len(timed)
    median = timed[n // 2] if n % 2 else (timed[n // 2 - 1] + timed[n // 2]) / 2
    print(f"tokens_per_s={args.batch * args.seq / median:.1f}")
    return 0


def serve(args):
    """One training step per "step" line on stdin, answering "time=SECONDS": lets the caller
    interleave these steps with its own, so both see the same background load."""
    step = build(args)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() != "step":
            break
        print(f"time={step():.6f}", flush=True)
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("check")
    c.add_argument("dir")
    c.add_argument("inputs")
    for mode in ("bench", "serve"):
        b = sub.add_parser(mode)
        for name, default in [("vocab", 8000), ("hidden", 128), ("layers", 2), ("heads", 2), ("ffn", 512),
                              ("seq", 64), ("batch", 32), ("steps", 10), ("warmup", 2), ("threads", 2)]:
            b.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    return {"check": check, "bench": bench, "serve": serve}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
