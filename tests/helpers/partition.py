#!/usr/bin/env python3
"""partition.py EXPORT.jsonl - compare a wirecopy JSONL export of the bundled
sample (tests/data/sample) with the true grouping of its documents.

Each member's story is the last path segment of its id or URL, without a
"wire-" prefix (the generator names pages and wire items after the story).
Prints the predicted groups and exits 0 when they equal the true ones:
every story in exactly one cluster, and no cluster holding two stories.
"""
import json
import sys
from collections import defaultdict

pred = []
for line in open(sys.argv[1], encoding="utf-8"):
    c = json.loads(line)
    stories = []
    for m in c["members"]:
        key = str(m["id"]).rstrip("/").split("/")[-1]
        key = key[5:] if key.startswith("wire-") else key
        stories.append(key)
    pred.append(sorted(stories))
bad = 0
seen = defaultdict(int)
for group in pred:
    print(" ".join(group))
    if len(set(group)) != 1:
        print(f"# mixed cluster: {group}")
        bad += 1
    seen[group[0]] += 1
for story, n in seen.items():
    if n > 1:
        print(f"# story '{story}' split over {n} clusters")
        bad += 1
sys.exit(1 if bad else 0)
