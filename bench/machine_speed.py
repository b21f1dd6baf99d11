#!/usr/bin/python3
"""How steady this machine's speed is: the same fixed work, timed over and over.

Three probes, each a fixed amount of work, run in turn for --seconds:
  scalar  a Python loop adding 2,000,000 integers (one core, in cache, no memory traffic)
  stream  20 copies of a 64 MiB array (memory bandwidth, beyond any cache)
  matmul  400 products of two 128 x 128 float32 matrices (BLAS, in cache)

A program's time can only be compared with another's to the extent that these stay put. Prints each
round with its clock time (--trace) and, per probe, the minimum, median, 90th percentile and maximum
in milliseconds, and the maximum over the minimum; and the steal seconds the kernel counted while it
ran (time the hypervisor gave this machine's virtual CPUs to someone else).

    /usr/bin/python3 bench/machine_speed.py --seconds 60 [--trace]
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def steal_seconds():
    with open("/proc/stat") as f:
        return int(f.readline().split()[8]) / 100.0  # USER_HZ: 100 per second on x86 and ARM


def scalar():
    total = 0
    for i in range(2_000_000):
        total += i
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--trace", action="store_true", help="print every round")
    args = ap.parse_args()
    source = np.ones(64 * 1024 * 1024 // 8)
    target = np.empty_like(source)
    matrix = np.random.default_rng(1).random((128, 128), dtype=np.float32)

    def stream():
        for _ in range(20):
            np.copyto(target, source)

    def matmul():
        for _ in range(400):
            matrix @ matrix

    probes = {"scalar": scalar, "stream": stream, "matmul": matmul}
    times = {name: [] for name in probes}
    steal_before = steal_seconds()
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        cells = []
        for name, probe in probes.items():
            begin = time.perf_counter()
            probe()
            ms = (time.perf_counter() - begin) * 1000
            times[name].append(ms)
            cells.append(f"{name} {ms:.0f} ms")
        if args.trace:
            print(time.strftime("%H:%M:%S"), "  ".join(cells), flush=True)
    steal = steal_seconds() - steal_before
    print(f"{len(times['scalar'])} rounds in {args.seconds:.0f} s, steal {steal:.1f} s (all cores)")
    for name, ms in times.items():
        ms = sorted(ms)
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        print(f"{name:7} min {ms[0]:.0f}  median {statistics.median(ms):.0f}  p90 {p90:.0f}  max {ms[-1]:.0f} ms"
              f"  (max / min {ms[-1] / ms[0]:.2f})")


if __name__ == "__main__":
    main()
