#!/usr/bin/env python3
"""Tokenizer benchmark: xstilts' parallel sentencepiece encoder against spm_encode and
python3-sentencepiece, on the same model and the same multilingual input, in one run.

Steps (about 2 minutes on 2 cores):
  1. Build a multilingual corpus from the gettext catalogs every Debian machine has
     (/usr/share/locale/<lang>/LC_MESSAGES/*.mo: English msgids and their human translations),
     one sentence per line, deduplicated per language. Nothing is stored in the repository.
  2. Train a BPE model on it with xstilts' trainer (per-language sampling, alpha 0.3).
  3. Check that xstilts' ids equal spm_encode's on a prefix of the corpus.
  4. Time spm_encode, python3-sentencepiece (1 and 2 threads) and xstilts (1 and 2 threads).
  5. Peak RSS of xstilts on the corpus and on the corpus read 4 times (streaming: must be flat).

Usage: run_tokenizer_bench.py --bench build/bench/tokenizer/xstilts_tokenizer_bench
       [--workdir DIR] [--runs N] [--languages ar,de,...]
or the `bench_tokenizer` build target.
"""
import argparse
import glob
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

LANGUAGES = ("ar bg de el es fa fi fr he hi id it ja ko nl pl pt_BR ru sw th tr ur vi zh_CN")

PYTHON_PEER = r"""
import json, sys, time
import sentencepiece as spm
model, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
sp = spm.SentencePieceProcessor(model_file=model)
with open(path, encoding="utf-8") as f:
    lines = f.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
tokens = 0
for i in range(0, len(lines), 20000):
    for ids in sp.encode(lines[i:i + 20000], out_type=int, num_threads=threads):
        tokens += len(ids)
print(json.dumps({"texts": len(lines), "tokens": tokens}))
"""


def read_mo(path):
    """(msgid, msgstr) pairs of a gettext .mo file (magic 0x950412de, offset/length tables)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 20:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412de else ">"
    count, originals, translations = struct.unpack(order + "III", data[8:20])
    pairs = []
    for i in range(count):
        olen, ooff = struct.unpack(order + "II", data[originals + 8 * i:originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "II", data[translations + 8 * i:translations + 8 * i + 8])
        pairs.append((data[ooff:ooff + olen], data[toff:toff + tlen]))
    return pairs


def build_corpus(languages, corpus_path, train_path):
    """Writes corpus.txt (one sentence per line) and train.tsv (language TAB sentence)."""
    seen = {}
    counts = {}
    with open(corpus_path, "wb") as corpus, open(train_path, "wb") as train:
        for lang in languages:
            for mo in sorted(glob.glob("/usr/share/locale/%s/LC_MESSAGES/*.mo" % lang)):
                for msgid, msgstr in read_mo(mo):
                    if not msgid:  # the catalog header
                        continue
                    for tag, text in (("en", msgid.split(b"\0")[0]), (lang, msgstr)):
                        for part in text.split(b"\0"):
                            for line in part.split(b"\n"):
                                line = line.strip()
                                if not line or b"\t" in line or b"\r" in line:
                                    continue
                                try:
                                    line.decode("utf-8")
                                except UnicodeDecodeError:
                                    continue
                                bucket = seen.setdefault(tag, set())
                                if line in bucket:
                                    continue
                                bucket.add(line)
                                counts[tag] = counts.get(tag, 0) + 1
                                corpus.write(line + b"\n")
                                train.write(tag.encode() + b"\t" + line + b"\n")
    seen.clear()
    return counts


def timed(command, **kwargs):
    """Runs a command; returns (stdout, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                            **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (result.returncode, " ".join(command),
                                          result.stderr.decode(errors="replace")))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result.stdout.decode(), wall, cpu


def best_of(runs, command):
    best = None
    for _ in range(runs):
        out, wall, cpu = timed(command)
        if best is None or wall < best[1]:
            best = (out, wall, cpu)
    return best


def python_with_sentencepiece():
    for python in (sys.executable, "/usr/bin/python3"):
        if python and shutil.which(python) and subprocess.run(
                [python, "-c", "import sentencepiece"], stderr=subprocess.DEVNULL).returncode == 0:
            return python
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", required=True, help="path of xstilts_tokenizer_bench")
    parser.add_argument("--workdir", help="where the corpus and model go (default: a temp dir)")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per tool (best is kept)")
    parser.add_argument("--languages", default=LANGUAGES.replace(" ", ","))
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--train-sample", type=int, default=100000)
    args = parser.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix="xstilts_tokenizer_bench_")
    os.makedirs(workdir, exist_ok=True)
    corpus = os.path.join(workdir, "corpus.txt")
    train = os.path.join(workdir, "train.tsv")
    model = os.path.join(workdir, "bpe.model")
    print("load average at start: %.2f %.2f %.2f on %d cores" % (os.getloadavg() + (os.cpu_count(),)))

    start = time.perf_counter()
    counts = build_corpus(args.languages.split(","), corpus, train)
    if not counts:
        sys.exit("no gettext catalogs found under /usr/share/locale")
    size = os.path.getsize(corpus)
    texts = sum(counts.values())
    print("corpus: %d sentences, %.1f MB, %d languages (%s) built in %.1f s" % (
        texts, size / 1e6, len(counts),
        " ".join("%s:%d" % kv for kv in sorted(counts.items(), key=lambda kv: -kv[1])),
        time.perf_counter() - start))

    out, wall, _ = timed([args.bench, "train", "--input", train, "--output", model, "--model-type",
                          "bpe", "--vocab-size", str(args.vocab_size), "--sample-size",
                          str(args.train_sample), "--alpha", "0.3", "--threads", "2"])
    print("model: BPE %d pieces trained on %d sampled sentences (alpha 0.3) in %.1f s" % (
        args.vocab_size, args.train_sample, wall))

    # Same ids as spm_encode, checked on the first 100k sentences.
    head = os.path.join(workdir, "head.txt")
    with open(corpus, "rb") as src, open(head, "wb") as dst:
        for i, line in enumerate(src):
            if i == 100000:
                break
            dst.write(line)
    ours_ids = os.path.join(workdir, "ours.ids")
    spm_ids = os.path.join(workdir, "spm.ids")
    timed([args.bench, "encode", "--model", model, "--input", head, "--threads", "2",
           "--format", "text", "--output", ours_ids])
    timed(["spm_encode", "--model", model, "--output_format", "id", "--input", head, "--output",
           spm_ids])
    with open(ours_ids, "rb") as a, open(spm_ids, "rb") as b:
        same = a.read() == b.read()
    print("ids identical to spm_encode on the first 100000 sentences: %s" % ("yes" if same else "NO"))

    rows = []

    def record(name, threads, wall, cpu, rss_kb=None):
        rows.append({"tool": name, "threads": threads, "wall": wall, "cpu": cpu, "rss_kb": rss_kb})

    _, wall, cpu = best_of(args.runs, ["spm_encode", "--model", model, "--output_format", "id",
                                       "--input", corpus, "--output", os.devnull])
    record("spm_encode", 1, wall, cpu)

    python = python_with_sentencepiece()
    if python:
        for threads in (1, 2):
            _, wall, cpu = best_of(args.runs, [python, "-c", PYTHON_PEER, model, corpus,
                                               str(threads)])
            record("python3-sentencepiece (batch encode)", threads, wall, cpu)
    else:
        print("python3-sentencepiece: not importable, skipped")

    ours = {}
    for threads in (1, 2):
        out, wall, cpu = best_of(args.runs, [args.bench, "encode", "--model", model, "--input",
                                             corpus, "--threads", str(threads)])
        stats = json.loads(out)
        ours[threads] = stats
        record("xstilts EncodeStream", threads, wall, cpu, stats["peak_rss_kb"])

    print()
    print("%-38s %7s %8s %12s %8s %8s %10s" % ("tool", "threads", "wall s", "sentences/s", "MB/s",
                                               "CPU s", "vs spm_encode"))
    base = rows[0]["wall"]
    for r in rows:
        print("%-38s %7d %8.2f %12.0f %8.2f %8.2f %9.2fx" % (
            r["tool"], r["threads"], r["wall"], texts / r["wall"], size / 1e6 / r["wall"], r["cpu"],
            base / r["wall"]))

    one = next(r for r in rows if r["tool"].startswith("xstilts") and r["threads"] == 1)
    two = next(r for r in rows if r["tool"].startswith("xstilts") and r["threads"] == 2)
    print()
    print("xstilts scaling 1 -> 2 threads: %.2fx (linear = 2.00x)" % (one["wall"] / two["wall"]))
    print("xstilts on 2 threads vs spm_encode: %.2fx (target >= 1.8x)" % (base / two["wall"]))
    print("CPU seconds per run: spm_encode %.2f, xstilts 1 thread %.2f (per-thread efficiency %.2fx)"
          % (rows[0]["cpu"], one["cpu"], rows[0]["cpu"] / one["cpu"]))

    # Streaming: 4x the input must not need more memory than 1x.
    out, wall, _ = timed([args.bench, "encode", "--model", model, "--input", corpus, "--threads",
                          "2", "--repeat", "4"])
    big = json.loads(out)
    buffer_kb = 4 * 2 * 64  # batches in flight (4 per thread) x 64 KiB of text
    print()
    print("peak RSS, 2 threads: %.1f MB input -> %d KB; %.1f MB input (read 4x) -> %d KB "
          "(ratio %.2f); pipeline text buffer %d KB" % (
              size / 1e6, ours[2]["peak_rss_kb"], 4 * size / 1e6, big["peak_rss_kb"],
              big["peak_rss_kb"] / ours[2]["peak_rss_kb"], buffer_kb))
    assert big["texts"] == 4 * ours[2]["texts"]
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    if not args.workdir:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
