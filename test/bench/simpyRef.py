"""SimPy reference model for `npm run bench`.

Reads cost runs from stdin (JSON, recorded from vmmsim's actors by
test/bench/measure.ts): runs of segments [{cost, count, category}], the
cycles vmmsim charged each operation, in order. Each run is one simulation
in which a guest process performs every segment's `count` operations, each
a `yield env.timeout(cost)`, and tallies count and cycles by category, as
vmmsim's ledger does. Prints JSON: per run the operations, the median wall
seconds over `reps` repetitions, and the simulated end time (to check that
both models charged the same cycles). Run with /usr/bin/python3
(python3-simpy3).

With --serve it times one run at a time, on request, so that the bench can
alternate it with vmmsim's own runs (test/bench/pairing.ts): the first stdin
line is {"runs": [...]}; it answers with one line {"simpy", "python"}, then
each further line, a run's index, is answered with {"seconds", "end"} of one
simulation of that run. It ends at the end of stdin.
"""
import json
import statistics
import sys
import time

import simpy


def guest(env, segments, counts, cycles):
    for seg in segments:
        cost = seg["cost"]
        category = seg["category"]
        for _ in range(seg["count"]):
            yield env.timeout(cost)
            counts[category] = counts.get(category, 0) + 1
            cycles[category] = cycles.get(category, 0) + cost


def run_once(segments):
    env = simpy.Environment()
    counts, cycles = {}, {}
    env.process(guest(env, segments, counts, cycles))
    env.run()
    return env.now


def serve():
    runs = json.loads(sys.stdin.readline())["runs"]
    print(json.dumps({"simpy": simpy.__version__, "python": sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        segments = runs[int(line)]["segments"]
        t0 = time.perf_counter()
        end = run_once(segments)
        print(json.dumps({"seconds": time.perf_counter() - t0, "end": end}), flush=True)


def main():
    if "--serve" in sys.argv:
        serve()
        return
    spec = json.load(sys.stdin)
    runs, reps = spec["runs"], spec["reps"]
    # At least `reps` repetitions, and more until they took minSeconds (at most maxReps).
    min_seconds, max_reps = spec.get("minSeconds", 0), spec.get("maxReps", reps)
    out = []
    for r in runs:
        seconds, end = [], 0
        while len(seconds) < reps or (sum(seconds) < min_seconds and len(seconds) < max_reps):
            t0 = time.perf_counter()
            end = run_once(r["segments"])
            seconds.append(time.perf_counter() - t0)
        out.append({
            "operations": sum(s["count"] for s in r["segments"]),
            "seconds": statistics.median(seconds),
            "end": end,
        })
    json.dump({"simpy": simpy.__version__, "python": sys.version.split()[0], "runs": out}, sys.stdout)


if __name__ == "__main__":
    main()
