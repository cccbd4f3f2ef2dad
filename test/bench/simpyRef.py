"""SimPy reference model for `npm run bench`.

Reads a cost table from stdin (JSON, exported from vmmsim's models by
test/bench/measure.ts): runs of {category, segments: [{cost, count}]}. Each
run is one simulation in which a guest process performs every segment's
`count` operations, each a `yield env.timeout(cost)`, and tallies count and
cycles by category, as vmmsim's ledger does. Prints JSON: operations, the median wall seconds over
`reps` repetitions, and each run's simulated end time (to check that both
models charged the same cycles). Run with /usr/bin/python3 (python3-simpy3).
"""
import json
import statistics
import sys
import time

import simpy


def guest(env, segments, category, counts, cycles):
    for seg in segments:
        cost = seg["cost"]
        for _ in range(seg["count"]):
            yield env.timeout(cost)
            counts[category] = counts.get(category, 0) + 1
            cycles[category] = cycles.get(category, 0) + cost


def run_once(runs):
    ends = []
    for r in runs:
        env = simpy.Environment()
        counts, cycles = {}, {}
        env.process(guest(env, r["segments"], r["category"], counts, cycles))
        env.run()
        ends.append(env.now)
    return ends


def main():
    spec = json.load(sys.stdin)
    runs, reps = spec["runs"], spec["reps"]
    seconds, ends = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        ends = run_once(runs)
        seconds.append(time.perf_counter() - t0)
    json.dump({
        "simpy": simpy.__version__,
        "python": sys.version.split()[0],
        "operations": sum(s["count"] for r in runs for s in r["segments"]),
        "seconds": statistics.median(seconds),
        "ends": ends,
    }, sys.stdout)


if __name__ == "__main__":
    main()
