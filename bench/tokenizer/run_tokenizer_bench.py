#!/usr/bin/env python3
"""Tokenizer benchmark: xstilts' parallel sentencepiece encoder against spm_encode and
python3-sentencepiece, on the same model and the same multilingual input, in one run.

Steps (about 1.5 minutes on 2 idle cores):
  1. Build a multilingual corpus from the gettext catalogs every Debian machine has
     (/usr/share/locale/<lang>/LC_MESSAGES/*.mo: English msgids and their human translations),
     one sentence per line, deduplicated per language. Nothing is stored in the repository.
  2. Train a BPE model on it with xstilts' trainer (per-language sampling, alpha 0.3).
  3. Take every k-th sentence (about 12 MB) as the timed input; check that xstilts' ids equal
     spm_encode's on all of it.
  4. Time spm_encode, python3-sentencepiece (1 and 2 threads) and xstilts (1 and 2 threads),
     round-robin, 5 runs each; report the best and the median run.
  5. Peak RSS of xstilts on the whole corpus read once and 4 times (streaming: must be flat).

Usage: run_tokenizer_bench.py --bench build/bench/tokenizer/xstilts_tokenizer_bench
       [--workdir DIR] [--runs N] [--timing-mb MB] [--languages ar,de,...]
or the `bench_tokenizer` build target.
"""
import argparse
import glob
import json
import os
import resource
import shutil
import statistics
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
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (best is kept)")
    parser.add_argument("--timing-mb", type=float, default=12,
                        help="size of the timed input, sampled from the corpus")
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

    # The timed input: every k-th sentence, so that it keeps the corpus' language mix.
    step = max(1, round(size / (args.timing_mb * 1e6)))
    timing = os.path.join(workdir, "timing.txt")
    timing_texts = 0
    with open(corpus, "rb") as src, open(timing, "wb") as dst:
        for i, line in enumerate(src):
            if i % step == 0:
                dst.write(line)
                timing_texts += 1
    timing_size = os.path.getsize(timing)
    print("timed input: every %d. sentence, %d sentences, %.1f MB" % (
        step, timing_texts, timing_size / 1e6))

    # Same ids as spm_encode on the whole timed input.
    ours_ids = os.path.join(workdir, "ours.ids")
    spm_ids = os.path.join(workdir, "spm.ids")
    timed([args.bench, "encode", "--model", model, "--input", timing, "--threads", "2",
           "--format", "text", "--output", ours_ids])
    timed(["spm_encode", "--model", model, "--output_format", "id", "--input", timing, "--output",
           spm_ids])
    with open(ours_ids, "rb") as a, open(spm_ids, "rb") as b:
        same = a.read() == b.read()
    os.remove(ours_ids)
    os.remove(spm_ids)
    print("ids identical to spm_encode on all %d timed sentences: %s" % (
        timing_texts, "yes" if same else "NO"))

    tools = [("spm_encode", 1, ["spm_encode", "--model", model, "--output_format", "id", "--input",
                                timing, "--output", os.devnull])]
    python = python_with_sentencepiece()
    if python:
        for threads in (1, 2):
            tools.append(("python3-sentencepiece (batch encode)", threads,
                          [python, "-c", PYTHON_PEER, model, timing, str(threads)]))
    else:
        print("python3-sentencepiece: not importable, skipped")
    for threads in (1, 2):
        tools.append(("xstilts EncodeStream", threads,
                      [args.bench, "encode", "--model", model, "--input", timing, "--threads",
                       str(threads)]))

    # Round-robin, so that a busy moment of the machine hits every tool alike; the best run of
    # each tool is its throughput on idle cores, the median shows how noisy the machine was.
    walls = [[] for _ in tools]
    cpus = [[] for _ in tools]
    ours_rss = None
    for _ in range(args.runs):
        for i, (name, threads, command) in enumerate(tools):
            out, wall, cpu = timed(command)
            walls[i].append(wall)
            cpus[i].append(cpu)
            if name.startswith("xstilts") and threads == 2:
                ours_rss = json.loads(out)["peak_rss_kb"]

    print()
    print("%-38s %7s %8s %8s %12s %8s %8s %13s" % (
        "tool (best of %d runs)" % args.runs, "threads", "wall s", "median", "sentences/s", "MB/s",
        "CPU s", "vs spm_encode"))
    best = [min(w) for w in walls]
    for i, (name, threads, _) in enumerate(tools):
        print("%-38s %7d %8.2f %8.2f %12.0f %8.2f %8.2f %12.2fx" % (
            name, threads, best[i], statistics.median(walls[i]), timing_texts / best[i],
            timing_size / 1e6 / best[i], min(cpus[i]), best[0] / best[i]))

    one = len(tools) - 2
    two = len(tools) - 1
    print()
    print("xstilts scaling 1 -> 2 threads: %.2fx (linear = 2.00x)" % (best[one] / best[two]))
    print("xstilts on 2 threads vs spm_encode: %.2fx (target >= 1.8x); median runs: %.2fx" % (
        best[0] / best[two], statistics.median(walls[0]) / statistics.median(walls[two])))
    print("CPU seconds: spm_encode %.2f, xstilts 1 thread %.2f, 2 threads %.2f "
          "(per-thread efficiency vs spm_encode %.2fx)" % (
              min(cpus[0]), min(cpus[one]), min(cpus[two]), min(cpus[0]) / min(cpus[one])))

    # Streaming: the whole corpus read 4 times must need no more memory than read once.
    rss = {}
    for repeat in (1, 4):
        out, _, _ = timed([args.bench, "encode", "--model", model, "--input", corpus, "--threads",
                           "2", "--repeat", str(repeat)])
        stats = json.loads(out)
        assert stats["texts"] == repeat * texts
        rss[repeat] = stats["peak_rss_kb"]
    buffer_kb = 4 * 2 * 64  # batches in flight (4 per thread) x 64 KiB of text
    print()
    print("peak RSS, 2 threads: %.1f MB timed input -> %d KB; whole corpus %.1f MB -> %d KB; "
          "read 4 times, %.1f MB -> %d KB (4x / 1x = %.2f); pipeline text buffer %d KB" % (
              timing_size / 1e6, ours_rss, size / 1e6, rss[1], 4 * size / 1e6, rss[4],
              rss[4] / rss[1], buffer_kb))
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    if not args.workdir:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
