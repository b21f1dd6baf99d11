#!/usr/bin/python3
"""Totals a PyTorch profiler trace (Chrome's trace format) by operator, to compare where two programs'
steps spend their time: LearnerStepBenchmark --profile (Java, DJL's libtorch) and
learner_step_reference.py --profile (Python, Debian's torch) write such traces.

    python3 bench/profile_summary.py java.json pytorch.json [--top 25] [--steps 4]

Per operator: the milliseconds per step spent in it and not in operators it called (self time), and
the calls per step; operators are matched by name across the files. Self time is the duration of an
operator's event minus the durations of the events nested directly inside it on the same thread.
"""
import argparse
import json
from collections import defaultdict


def events(path):
    with open(path) as f:
        data = json.load(f)
    trace = data["traceEvents"] if isinstance(data, dict) else data
    return [e for e in trace if e.get("ph") == "X" and "dur" in e]


def self_times(path):
    """{operator: (self microseconds, calls)} over every complete event of the trace."""
    by_thread = defaultdict(list)
    for e in events(path):
        by_thread[(e.get("pid"), e.get("tid"))].append(e)
    totals = defaultdict(lambda: [0.0, 0])
    for thread_events in by_thread.values():
        thread_events.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in thread_events:
            while stack and stack[-1]["ts"] + stack[-1]["dur"] <= e["ts"]:
                stack.pop()
            if stack:
                totals[stack[-1]["name"]][0] -= e["dur"]
            totals[e["name"]][0] += e["dur"]
            totals[e["name"]][1] += 1
            stack.append(e)
    return totals


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("traces", nargs="+")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--steps", type=int, default=1, help="timed steps in each trace (figures are per step)")
    args = ap.parse_args()
    tables = [self_times(p) for p in args.traces]
    names = sorted(set().union(*tables), key=lambda n: -max(t.get(n, [0, 0])[0] for t in tables))
    print("operator".ljust(42) + "".join(f"{p.rsplit('/', 1)[-1][:18]:>20} {'calls':>7}" for p in args.traces))
    for name in names[:args.top]:
        cells = "".join(f"{t.get(name, [0, 0])[0] / 1000 / args.steps:>18.1f}ms {t.get(name, [0, 0])[1] / args.steps:>7.0f}"
                        for t in tables)
        print(name[:42].ljust(42) + cells)
    print("all operators".ljust(42) + "".join(f"{sum(v[0] for v in t.values()) / 1000 / args.steps:>18.1f}ms {'':>7}"
                                              for t in tables))


if __name__ == "__main__":
    main()
