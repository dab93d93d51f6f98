#!/usr/bin/env python3
"""Fit the story index's weights (src/story/story_weights.c) from a trace (python3 stdlib only).

usage:
  wirecopy ingest --db T.db --story-trace TRACE.jsonl DOCS.jsonl
  wirecopy export --db T.db --format jsonl --min-size 1 > CLUSTERS.jsonl
  fit_story_weights.py --gold DOCS.jsonl --trace TRACE.jsonl --clusters CLUSTERS.jsonl

DOCS.jsonl: labelled documents, {"id": ..., "story": GOLD} a line (other fields ignored).
TRACE.jsonl: one object per placed copy cluster, as `--story-trace` writes it: {"cluster": C,
  "story": S, "joined": 0|1, "x": [...], "cand": [{"s": STORY, "f": [features]}, ...]}.
CLUSTERS.jsonl: the cluster export (members' ids), to know each cluster's gold story.

Two logistic regressions, fitted by Newton's method with a little L2:
  1. the pair model: a candidate (cluster, story) pair's features -> the story's clusters so far
     are mostly of the cluster's gold story. Its logit is the score candidates are ranked by.
  2. the decision: for each placement with candidates, [best score, margin over the second,
     ln(1 + the best story's clusters), dated] -> the best is the right story. Join when its
     logit > 0; --bias shifts that logit (negative: fewer joins, more precision).
The stories "so far" are replayed from the trace itself, so a label says what was true when the
decision was made. Fitting on a trace made with other weights and running again converges in two
or three rounds. Prints the weights as C for story_weights.c, with the data they came from.
"""
import argparse
import json
import math
import sys
from collections import Counter, defaultdict

N_PAIR = 8
N_DECIDE = 4


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: not JSON: {e}")


def solve(a, b):
    """Solve a x = b (Gaussian elimination with partial pivoting)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def logistic(rows, labels, l2=1e-2, iters=50):
    """Weights w (last one the bias) maximising the L2-penalised log likelihood."""
    d = len(rows[0]) + 1
    w = [0.0] * d
    xs = [r + [1.0] for r in rows]
    for _ in range(iters):
        g = [0.0] * d
        h = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, labels):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(min(z, 30), -30)))
            for i in range(d):
                g[i] += (y - p) * x[i]
                for j in range(d):
                    h[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(d - 1):  # no penalty on the bias
            g[i] -= l2 * w[i]
            h[i][i] += l2
        step = solve(h, g)
        w = [wi + si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--clusters", required=True)
    ap.add_argument("--bias", type=float, default=0.0, help="added to the decision's bias")
    ap.add_argument("--l2", type=float, default=1e-2)
    args = ap.parse_args()

    gold = {str(o["id"]): str(o["story"]) for o in read_jsonl(args.gold)}
    cgold = {}
    for o in read_jsonl(args.clusters):
        votes = Counter(gold[str(m["id"])] for m in o.get("members", []) if str(m["id"]) in gold)
        if votes:
            cgold[o["cluster"]] = votes.most_common(1)[0][0]

    trace = list(read_jsonl(args.trace))
    members = defaultdict(list)  # story -> gold labels of its clusters so far (replayed)
    pair_x, pair_y, events = [], [], []
    for t in trace:
        g = cgold.get(t["cluster"])
        cands = []
        for c in t["cand"]:
            labs = members.get(c["s"], [])
            if g is None or not labs:
                continue
            same = Counter(labs).most_common(1)[0][0] == g
            pair_x.append(c["f"][:N_PAIR])
            pair_y.append(1.0 if same else 0.0)
            cands.append((c["f"][:N_PAIR], same, len(labs)))
        if cands:
            events.append(cands)
        if g is not None:
            members[t["story"]].append(g)
    if not pair_x:
        sys.exit("no labelled candidates in the trace: are the trace and clusters of one run?")

    pw = logistic(pair_x, pair_y, args.l2)

    def score(f):
        return pw[-1] + sum(a * b for a, b in zip(pw, f))

    dec_x, dec_y = [], []
    for cands in events:
        scored = sorted(((score(f), same, n, f) for f, same, n in cands), key=lambda c: -c[0])
        best = scored[0]
        margin = best[0] - scored[1][0] if len(scored) > 1 else best[0] - pw[-1]
        dec_x.append([best[0], margin, math.log1p(best[2]), best[3][6]])
        dec_y.append(1.0 if best[1] else 0.0)
    dw = logistic(dec_x, dec_y, args.l2)
    dw[-1] += args.bias

    npos = int(sum(pair_y))
    print(f"/* fitted by scripts/fit_story_weights.py on {len(gold)} labelled documents, "
          f"{len(trace)} placements, {len(pair_x)} candidate pairs ({npos} same story), "
          f"{len(dec_x)} decisions; bias shift {args.bias:+g} */")
    print("    .pair = {" + ", ".join(f"{w:.4f}" for w in pw[:-1]) + "},")
    print(f"    .pair_bias = {pw[-1]:.4f},")
    print("    .decide = {" + ", ".join(f"{w:.4f}" for w in dw[:-1]) + "},")
    print(f"    .decide_bias = {dw[-1]:.4f},")
    print("W=" + " ".join(f"{w:.6g}" for w in pw[:-1] + [pw[-1]] + dw[:-1] + [dw[-1]]))


if __name__ == "__main__":
    main()
