#!/usr/bin/env python3
"""Writes the same small DAG of slow nodes as an xstilts pipeline and as a Snakefile, for
bench/cluster/run.sh: a chain of diamonds (fan-out to two nodes, fan-in to one), and a last node
that reads the end of the chain and its start.

    s0 -> {a1, b1} -> s1 -> {a2, b2} -> s2 -> ... -> s6 -> t (reads s6 and s0)

With DIAMONDS = 6: 20 nodes on 14 levels, at most two nodes on a level, so a cluster with two CPUs
runs every level at once and the critical path is the whole work: 14 x SECONDS. Every node sleeps
SECONDS and writes one small file.
Usage: make_diamonds.py OUT_DIR [SECONDS] [DIAMONDS]
Prints one line: nodes, levels, and the widest level.
"""
import os
import sys


def nodes(diamonds):
    """[(name, level, [inputs])] in topological order."""
    out = [("s0", 0, [])]
    for k in range(1, diamonds + 1):
        prev = "s%d" % (k - 1)
        out.append(("a%d" % k, 2 * k - 1, [prev]))
        out.append(("b%d" % k, 2 * k - 1, [prev]))
        out.append(("s%d" % k, 2 * k, ["a%d" % k, "b%d" % k]))
    out.append(("t", 2 * diamonds + 1, ["s%d" % diamonds, "s0"]))
    return out


def main():
    out = sys.argv[1]
    seconds = sys.argv[2] if len(sys.argv) > 2 else "1"
    diamonds = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    dag = nodes(diamonds)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "dag.yaml"), "w") as f:
        f.write("nodes:\n")
        for name, _, inputs in dag:
            f.write("  %s:\n    type: exec\n" % name)
            if inputs:
                f.write("    inputs: {" + ", ".join("i%d: %s" % (k, d) for k, d in enumerate(inputs)) + "}\n")
            f.write('    params: {cmd: ["sh", "-c", "sleep %s; echo %s > $XSTILTS_OUT/%s.txt"]}\n'
                    % (seconds, name, name))
    with open(os.path.join(out, "Snakefile"), "w") as f:
        f.write("rule all:\n    input: 'out/%s.txt'\n\n" % dag[-1][0])
        for name, _, inputs in dag:
            f.write("rule %s:\n" % name)
            if inputs:
                f.write("    input: " + ", ".join("'out/%s.txt'" % d for d in inputs) + "\n")
            f.write("    output: 'out/%s.txt'\n    shell: 'sleep %s; echo %s > {output}'\n\n" % (name, seconds, name))
    levels = {}
    for _, level, _ in dag:
        levels[level] = levels.get(level, 0) + 1
    print(len(dag), len(levels), max(levels.values()))


if __name__ == "__main__":
    main()
