#!/usr/bin/env python3
"""Package cycles in jdeps output: `jdeps -verbose:package -q shared-model/target/classes | python3 tools/package_cycles.py`
prints the arrows between dev.prune packages that lie on a cycle, grouped by strongly connected component, and exits 1;
or "no package cycle". shared-model's ArchitectureTest checks the same in the build."""
import sys, re, collections
edges = collections.defaultdict(set)
for line in sys.stdin:
    m = re.match(r'\s*(dev\.prune\.\S+)\s+->\s+(dev\.prune\.\S+)', line)
    if m and m.group(1) != m.group(2):
        edges[m.group(1)].add(m.group(2))
nodes = set(edges) | {t for ts in edges.values() for t in ts}
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = set()
        while True:
            w = stack.pop(); on.discard(w); comp.add(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(nodes):
    if v not in index: strong(v)
if not sccs:
    print("no package cycle"); sys.exit(0)
for comp in sccs:
    print("cycle among: " + ", ".join(sorted(comp)))
    for v in sorted(comp):
        for w in sorted(edges[v] & comp):
            print(f"  {v} -> {w}")
sys.exit(1)
