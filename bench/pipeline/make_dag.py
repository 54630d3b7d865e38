#!/usr/bin/env python3
"""Writes the same N-node DAG as an xstilts pipeline and as a Snakefile.

The DAG is a grid of layers of WIDTH nodes (like an experiment grid): node j of layer l depends on
nodes j and j+1 (mod WIDTH) of layer l-1. Each node writes one small file.
Usage: make_dag.py N OUT_DIR [WIDTH]
"""
import os
import sys


WIDTH = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def deps(i):
    layer, j = divmod(i, WIDTH)
    if layer == 0:
        return []
    return sorted({(layer - 1) * WIDTH + j, (layer - 1) * WIDTH + (j + 1) % WIDTH})


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "dag.yaml"), "w") as f:
        f.write("nodes:\n")
        for i in range(n):
            f.write(f"  n{i}:\n    type: exec\n")
            ds = deps(i)
            if ds:
                f.write("    inputs: {" + ", ".join(f"d{k}: n{d}" for k, d in enumerate(ds)) + "}\n")
            f.write(f'    params: {{cmd: ["sh", "-c", "echo {i} > $XSTILTS_OUT/n.txt"]}}\n')
    with open(os.path.join(out, "Snakefile"), "w") as f:
        last_layer = range(max(0, n - WIDTH), n)
        f.write("rule all:\n    input: " + ", ".join(f"'out/n{i}.txt'" for i in last_layer) + "\n\n")
        for i in range(n):
            ds = deps(i)
            inputs = ", ".join(f"'out/n{d}.txt'" for d in ds)
            f.write(f"rule n{i}:\n")
            if ds:
                f.write(f"    input: {inputs}\n")
            f.write(f"    output: 'out/n{i}.txt'\n    shell: 'echo {i} > {{output}}'\n\n")


if __name__ == "__main__":
    main()
