"""Python reference of vmmsim's MMU model, for `npm run bench` (mmuRef.ts).

The SimPy model charges each operation the cycles vmmsim recorded for it:
for a `memory` operation that is one number, while vmmsim simulates every
access of its stream through the TLBs, the page walker and the caches
(src/mmu/). This model does that work in Python, as directly as Python
allows: the same structures (set-associative true-LRU TLBs and caches, one
OrderedDict a set; frame-hashed L1D and L2; the page-walk cache and nested
TLB of the chosen design), the same addresses of page-table entries and data
(src/mmu/layout.ts), the same 1D and 2D walks, the same last-page shortcut.
Its addresses come from Python's own random source, so its misses are not
vmmsim's one by one, but its rates are (the bench prints both to show it).

Reads one JSON object from stdin: {"model": <the CPU's mmu section>,
"spec": <a memory stream>, "mode": "native"|"shadow"|"nested", "accesses":
N, "reps": R}. Runs R streams of N accesses on one MMU, each timed; prints
JSON: seconds per stream (each), and the counts and cycles of the last
stream. Given "uniforms" (a list of numbers in [0, 1)), it draws them in
order instead of Python's random source, and given "streams" ([[spec,
accesses], ...]) it runs those one after another on the one MMU instead:
fed the draws vmmsim's streams made, it must give vmmsim's cycles and
counts exactly, and hold the same lines in L1D and L2 at the end
(test/bench.test.ts checks that it is the same model). Run with /usr/bin/python3 (standard
library only).
"""
import json
import random
import sys
import time
from collections import OrderedDict

M32 = 0xFFFFFFFF
REGION_BYTES = 2 ** 36
VA_LIMIT = 2 ** 42


def imul(a, b):
    return (a * b) & M32


def frame_hash(key, frame_lines):
    frame = key // frame_lines
    h = imul((frame & M32) ^ imul((frame >> 32) & M32, 0x85EBCA6B), 0x9E3779B1)
    return h ^ (h >> 15)


class SetLru:
    """Set-associative true LRU of integer keys: one OrderedDict per set, oldest first."""

    def __init__(self, entries, ways, frame_lines=0):
        self.ways = ways
        self.nsets = entries // ways if ways else 0
        self.sets = [OrderedDict() for _ in range(self.nsets)]
        fl = frame_lines if frame_lines > 0 and self.nsets >= frame_lines and self.nsets % frame_lines == 0 else 0
        self.frame_lines = fl
        self.frame_slots = self.nsets // fl if fl else 0

    def set_of(self, key):
        if self.frame_lines == 0:
            return (key & M32) % self.nsets
        fl = self.frame_lines
        return (frame_hash(key, fl) % self.frame_slots) * fl + key % fl

    def lookup(self, key):
        if self.nsets == 0:
            return False
        s = self.sets[self.set_of(key)]
        if key in s:
            s.move_to_end(key)
            return True
        return False

    def fill(self, key):
        if self.nsets == 0:
            return
        s = self.sets[self.set_of(key)]
        if len(s) >= self.ways:
            s.popitem(last=False)
        s[key] = True

    def access(self, key):
        # lookup, then fill on a miss, written out: one set computation, as
        # vmmsim's accessInSet scans once (calls would slow the reference).
        if self.nsets == 0:
            return False
        s = self.sets[self.set_of(key)]
        if key in s:
            s.move_to_end(key)
            return True
        if len(s) >= self.ways:
            s.popitem(last=False)
        s[key] = True
        return False

    def flush(self):
        for s in self.sets:
            s.clear()


def span(level):
    return 2 ** (12 + 9 * (level - 1))


def guest_entry_gpa(asid, level, va):
    return 2 ** 50 + ((asid % 256) * 8 + level) * 2 ** 39 + (va // span(level)) * 8


def shadow_entry_spa(asid, level, va):
    return 2 ** 52 + 2 ** 50 + ((asid % 256) * 8 + level) * 2 ** 39 + (va // span(level)) * 8


def nested_entry_spa(level, gpa):
    return 2 ** 52 + level * 2 ** 45 + (gpa // span(level)) * 8


def data_gpa(asid, va):
    return (asid % 256) * VA_LIMIT + va


def gpa_to_spa(gpa):
    return gpa + 2 ** 51


class Mmu:
    def __init__(self, model, mode):
        self.mode = mode
        self.model = model
        tlb = model["tlb"]
        self.l1 = {"4K": [], "2M": []}
        self.l2 = {"4K": [], "2M": []}
        for st in tlb["structures"]:
            lru = SetLru(st["entries"], st["ways"])
            for size in st["pageSizes"]:
                (self.l1 if st["level"] == 1 else self.l2)[size].append(lru)
        self.tlb_l2_hit_cycles = tlb["l2HitCycles"]
        c = model["caches"]
        self.line_bytes = c["lineBytes"]
        fl = 4096 // c["lineBytes"]
        self.frame_lines = fl
        self.cache_l2 = SetLru(c["l2"]["bytes"] // c["lineBytes"], c["l2"]["ways"], fl)
        self.cache_l1d = SetLru(c["l1d"]["bytes"] // c["lineBytes"], c["l1d"]["ways"], fl)
        self.l2_hit = c["l2HitCycles"]
        self.l2_miss = c["l2MissCycles"]
        pwc = model["pwc"]
        design = pwc["design"]
        self.pwc = None if design == "none" else SetLru(pwc["entries"], pwc["ways"])
        self.ntlb = SetLru(model["ntlb"]["entries"], model["ntlb"]["ways"]) if design == "2D_PWC+NT" else None
        self.pwc_hit = pwc["hitCycles"]
        self.ntlb_hit = model["ntlb"]["hitCycles"]
        self.pwc_nested = design in ("2D_PWC", "2D_PWC+NT")
        self.nested_page = 2 ** 21 if model["hostPageSize"] == "2M" else 4096
        self.nested_leaf = 2 if model["hostPageSize"] == "2M" else 1
        self.guest_levels = model["guestLevels"]
        self.nested_levels = model["nestedLevels"]
        self.last_key = -1
        self.misses = 0
        self.refs = 0
        self.l2_hits = 0
        self.walk_cycles = 0
        self.l1d_hits = 0

    def reference(self, spa, cacheable):
        self.refs += 1
        cycles = 0
        if cacheable and self.pwc is not None:
            key = spa // 8
            if self.pwc.lookup(key):
                return self.pwc_hit
            self.pwc.fill(key)
            cycles = self.pwc_hit
        if self.cache_l2.access(spa // self.line_bytes):
            self.l2_hits += 1
            return cycles + self.l2_hit
        return cycles + self.l2_miss

    def nested_translate(self, gpa):
        page = gpa // self.nested_page
        if self.ntlb is not None and self.ntlb.lookup(page):
            return self.ntlb_hit
        cycles = 0
        for level in range(self.nested_levels, self.nested_leaf - 1, -1):
            cycles += self.reference(nested_entry_spa(level, gpa), self.pwc_nested)
        if self.ntlb is not None:
            self.ntlb.fill(page)
        return cycles

    def walk1d(self, shadow, asid, va, leaf):
        cycles = 0
        for level in range(self.guest_levels, leaf - 1, -1):
            spa = shadow_entry_spa(asid, level, va) if shadow else guest_entry_gpa(asid, level, va)
            cycles += self.reference(spa, level != leaf)
        return cycles

    def walk2d(self, asid, va, leaf):
        cycles = 0
        for level in range(self.guest_levels, leaf - 1, -1):
            gpa = guest_entry_gpa(asid, level, va)
            cycles += self.nested_translate(gpa)
            cycles += self.reference(gpa_to_spa(gpa), level != leaf)
        return cycles + self.nested_translate(data_gpa(asid, va))

    def run(self, spec, accesses, rnd, asid=0):
        mode = self.mode
        page = spec["pageSize"]
        size = page if mode == "native" else ("2M" if page == "2M" and self.model["hostPageSize"] == "2M" else "4K")
        guest_leaf = 2 if page == "2M" else 1
        walk_leaf = guest_leaf if mode == "native" else (2 if size == "2M" else 1)
        page_bytes = 2 ** 21 if size == "2M" else 4096
        key_base = ((asid % 2 ** 20) * 2 + (0 if size == "4K" else 1)) * 2 ** 31
        data_base = data_gpa(asid, 0) if mode == "native" else gpa_to_spa(data_gpa(asid, 0))
        l1 = self.l1[size]
        l2 = self.l2[size]
        base = spec["region"] * REGION_BYTES
        ws = spec["workingSetBytes"]
        cycles = 0
        last = self.last_key
        for _ in range(accesses):
            va = base + int(rnd() * ws)
            key = key_base + va // page_bytes
            if key != last:
                found = 0
                for s in l1:
                    if s.lookup(key):
                        found = 1
                        break
                if not found:
                    for s in l2:
                        if s.lookup(key):
                            found = 2
                            break
                    if found == 2:
                        for s in l1:
                            s.fill(key)
                        cycles += self.tlb_l2_hit_cycles
                    else:
                        self.misses += 1
                        if mode == "nested":
                            w = self.walk2d(asid, va, guest_leaf)
                        else:
                            w = self.walk1d(mode == "shadow", asid, va, walk_leaf)
                        self.walk_cycles += w
                        cycles += w
                        for s in l1:
                            s.fill(key)
                        for s in l2:
                            s.fill(key)
                last = key
            line = (data_base + va) // self.line_bytes
            if self.cache_l1d.access(line):
                self.l1d_hits += 1
            else:
                self.cache_l2.access(line)
        self.last_key = last
        return cycles


def main():
    req = json.loads(sys.stdin.read())
    for spec in [req["spec"]] if "spec" in req else [sp for sp, _ in req["streams"]]:
        if spec["pattern"] != "uniform":
            raise SystemExit("mmuRef.py: only the uniform pattern is modelled")
    spec = req.get("spec")
    mmu = Mmu(req["model"], req["mode"])
    if "uniforms" in req:
        rnd = iter(req["uniforms"]).__next__
    else:
        rnd = random.Random(1).random
    if "streams" in req:
        cycles = sum(mmu.run(sp, n, rnd) for sp, n in req["streams"])
        held = lambda lru: sorted(k for st in lru.sets for k in st)
        print(json.dumps({"cycles": cycles, "misses": mmu.misses, "refs": mmu.refs, "l2Hits": mmu.l2_hits,
                          "walkCycles": mmu.walk_cycles, "l1dHits": mmu.l1d_hits,
                          "l2Lines": held(mmu.cache_l2), "l1dLines": held(mmu.cache_l1d)}))
        return
    seconds = []
    for _ in range(req["reps"]):
        mmu.misses = mmu.refs = mmu.l2_hits = mmu.walk_cycles = mmu.l1d_hits = 0
        t0 = time.perf_counter()
        cycles = mmu.run(spec, req["accesses"], rnd)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds": seconds, "accesses": req["accesses"], "cycles": cycles, "misses": mmu.misses,
                      "refs": mmu.refs, "l2Hits": mmu.l2_hits, "walkCycles": mmu.walk_cycles,
                      "l1dHits": mmu.l1d_hits}))


if __name__ == "__main__":
    main()
