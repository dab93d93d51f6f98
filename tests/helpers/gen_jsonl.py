#!/usr/bin/env python3
"""gen_jsonl.py N OUT [SEED] - write N synthetic articles as JSONL for tests that
need volume (kill -9 mid-ingest, disk full): stories of 6 paragraphs of random
words drawn from a fixed vocabulary, and about one in four documents a copy of
an earlier story with a line of outlet debris added. Deterministic per SEED."""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
vocab = [f"w{i}{c}" for i in range(400) for c in "aeiou"]
stories = []
with open(out, "w") as f:
    for i in range(n):
        if stories and rng.random() < 0.25:
            base = rng.choice(stories)
            text = "By a staff reporter\n\n" + base
        else:
            paras = [" ".join(rng.choice(vocab) for _ in range(rng.randint(25, 45))) + "."
                     for _ in range(6)]
            text = "\n\n".join(paras)
            stories.append(text)
        f.write(json.dumps({"id": f"d{i}", "title": f"Story {i}", "text": text}) + "\n")
