#!/usr/bin/env python3
"""Where the time of an `xstilts run --executor slurm` went, node by node, from its run log (the
driver's `submitted` events and each job's `start` and `end`) and the pipeline's edges. For
bench/cluster/run.sh.

Per node, averaged over the nodes that ran:
  reaction  the driver: from the end of the node's last input (its job's `end` event) to the
            node's sbatch (the `submitted` event); the nodes without inputs are left out
  launch    Slurm: from the sbatch to `xstilts run-node`'s start event (queueing, the job's launch,
            run-node's start-up: reading and planning the pipeline)
  run       run-node from its start event to its end event (the body's WORK seconds, then hashing
            and publishing the entry)
Prints one line of `name=value` pairs (seconds).
Usage: timeline.py RUN_LOG PIPELINE_YAML
"""
import json
import re
import sys


def edges(pipeline):
    """node -> its inputs, from the `inputs: {port: node, ...}` lines the generators write."""
    deps, current = {}, None
    with open(pipeline) as f:
        for line in f:
            m = re.match(r"^  (\w+):\s*$", line)
            if m:
                current = m.group(1)
                deps[current] = []
                continue
            m = re.match(r"^    inputs: \{(.*)\}\s*$", line)
            if m and current:
                deps[current] = [p.split(":")[1].strip() for p in m.group(1).split(",")]
    return deps


def main():
    run_log, pipeline = sys.argv[1], sys.argv[2]
    submitted, start, end = {}, {}, {}
    with open(run_log) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            node, t = e.get("node"), e.get("time")
            if node is None or t is None:
                continue
            if e.get("event") == "job" and e.get("action") == "submitted":
                submitted[node] = t
            elif e.get("event") == "start":
                start[node] = t
            elif e.get("event") == "end" and e.get("status") == "ran":
                end[node] = t
    deps = edges(pipeline)
    reaction = [submitted[n] - max(end[d] for d in deps[n]) for n in submitted
                if deps.get(n) and all(d in end for d in deps[n])]
    launch = [start[n] - submitted[n] for n in submitted if n in start]
    run = [end[n] - start[n] for n in start if n in end]
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    print("reaction=%.3f launch=%.3f run=%.3f nodes=%d" % (mean(reaction), mean(launch), mean(run), len(run)))


if __name__ == "__main__":
    main()
