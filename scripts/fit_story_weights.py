#!/usr/bin/env python3
"""Fit the story model's handful of numbers (src/story/story_weights.c) on labelled stories.

usage: fit_story_weights.py WIRECOPY DOCS.jsonl [--rounds N] [--start "18 numbers"] [--orders N]

WIRECOPY: the wirecopy binary. DOCS.jsonl: labelled documents, one JSON object a line with
"id", "title", "text", optional "published", and "story" (the gold label), as
../shared/data/stories-dev/docs.jsonl has them.

Each trial ingests DOCS into a fresh SQLite database through the real pipeline (copy clusters,
profiles, the story index, its splits and repairs) with `ingest --story-weights`, reads every
document's story back from the database, and scores B-cubed F1 (Bagga & Baldwin 1998) against
the gold labels. A coordinate search then moves one number at a time by a step, keeps what
raises F1 (precision below --min-precision counts as a loss), halves the steps when nothing
does, and stops after --rounds halvings. The numbers searched are the per-kind weights of the
pair score (body, title, entity, number, year), the weight of "both name years", the time
term's, the pair bias (the join threshold), the decision's weights of the margin and of the
story's size, and the merge and split biases; the rest stay as started (the content floor is a
rule, 0). With --also, every trial also ingests the other sets and the search maximises the
mean F1: use a corpus bench_stories --keep generates (its events are its gold), so that the
numbers do not fit one set's peculiarities. Make it 20,000 documents or more: it then spans
12 days, longer than the story window, and shows how stories chain events of one kind; 5,000
span 3 days and do not. With --orders N, DOCS is also ingested in N - 1 shuffles of its lines
(random.Random(1), (2), ...) and its F1 is the mean over the orders: placement is online, and
numbers fitted on one order fit that order (on stories-dev, shuffles score B-cubed F1 0.876 to
0.900 with numbers that score 0.906 in file order). Check a fit over orders on other shuffles:
on 2026-12-07 one over 4 orders raised their mean from 0.890 to 0.893 but lowered 6 other
shuffles' from 0.887 to 0.880, so it was not taken; the order's noise is as large as what a
search finds. Only the standard library is used.

The search fits about a dozen numbers: report the figures it prints per half of the gold
stories (split by a hash of their label) and per --also set to see that no part carries the
fit, and check the result on a corpus none of the sets was (bench_stories, another seed).
It prints the best numbers as C for story_weights.c, with where they came from. Nothing reads
them at run time but the compiled-in table.
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict

# wc_story_weights in --story-weights order: 9 pair weights, pair bias, 4 decision weights,
# decision bias, merge bias, split bias, content floor.
NAMES = ["body", "title", "entity", "number", "year", "time", "dated", "entbody", "years",
         "pair_bias",
         "d_score", "d_margin", "d_logsize", "d_dated", "decide_bias", "merge_bias", "split_bias",
         "content_floor"]
START = [1.0, 0.3, 1.0, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5, 1.0, 0.0, 0.0, 0.0, 0.0, 0.8, 0.7, 0.0]
SEARCH = {"body": 0.2, "title": 0.1, "entity": 0.2, "number": 0.1, "year": 0.2, "years": 0.2,
          "time": 0.2,
          "pair_bias": 0.1, "d_margin": 0.2, "d_logsize": 0.05, "merge_bias": 0.1,
          "split_bias": 0.05}
# Bounds the search keeps: a shared year is never evidence against a join (searched freely,
# the year cosine went to -0.3, a sign nothing explains, for +0.005 on stories-dev and -0.006 on
# a generated corpus).
LOWER = {"year": 0.0}
# content_floor is a stated rule, not searched: 0, closeness in time joins nothing by itself.
# Searched on stories-dev (whose documents are mostly undated or weeks apart) it fell to -0.4,
# letting the time term join same-company stories again: the generated corpus of
# bench_stories fell from B-cubed P 0.91 to 0.50.


def bcubed(gold, pred, ids):
    """B-cubed precision, recall, F1 over ids."""
    by_pred, by_gold = defaultdict(list), defaultdict(list)
    for i in ids:
        by_pred[pred.get(i, "single:" + i)].append(i)
        by_gold[gold[i]].append(i)
    p = r = 0.0
    for i in ids:
        c = by_pred[pred.get(i, "single:" + i)]
        same = sum(1 for j in c if gold[j] == gold[i])
        p += same / len(c)
        r += same / len(by_gold[gold[i]])
    p, r = p / len(ids), r / len(ids)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_gold(path):
    gold = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                gold[str(o["id"])] = str(o["story"] if "story" in o else o["event"])
    return gold


def trial(wirecopy, docs, weights, tmp):
    db = os.path.join(tmp, "t.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    arg = " ".join(f"{w:.6g}" for w in weights)
    subprocess.run([wirecopy, "-q", "--db", db, "ingest", "--story-weights", arg, docs],
                   check=True)
    con = sqlite3.connect(db)
    pred = {str(i): str(s) for i, s in con.execute(
        "SELECT d.origin_id, c.story_id FROM documents d JOIN clusters c ON c.id = d.cluster_id")}
    con.close()
    return pred


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wirecopy")
    ap.add_argument("docs")
    ap.add_argument("--rounds", type=int, default=3, help="step halvings (default 3)")
    ap.add_argument("--min-precision", type=float, default=0.0)
    ap.add_argument("--start", help="18 numbers to start from (default: the hand-set ones)")
    ap.add_argument("--orders", type=int, default=1,
                    help="DOCS in its own order and N - 1 seeded shuffles; its F1 is their mean")
    ap.add_argument("--also", action="append", default=[], metavar="CORPUS.jsonl",
                    help="another labelled set, scored beside DOCS: the fit maximises the mean "
                         "F1 of all sets; gold is \"story\", else \"event\" (a corpus that "
                         "bench_stories --keep wrote)")
    args = ap.parse_args()

    gold = read_gold(args.docs)
    ids = sorted(gold)
    also = [(path, read_gold(path)) for path in args.also]
    halves = [[i for i in ids if zlib.crc32(gold[i].encode()) % 2 == h] for h in (0, 1)]
    w = [float(x) for x in args.start.split()] if args.start else list(START)
    if len(w) != len(NAMES):
        sys.exit(f"--start needs {len(NAMES)} numbers")

    with tempfile.TemporaryDirectory() as tmp:
        cache = {}
        orders = [args.docs]
        with open(args.docs, encoding="utf-8") as f:
            lines = f.readlines()
        for o in range(1, args.orders):
            shuffled = list(lines)
            random.Random(o).shuffle(shuffled)
            orders.append(os.path.join(tmp, f"order{o}.jsonl"))
            with open(orders[-1], "w", encoding="utf-8") as f:
                f.writelines(shuffled)

        def value(ws):
            key = tuple(round(x, 6) for x in ws)
            if key not in cache:
                scores = []
                for path in orders:
                    pred_o = trial(args.wirecopy, path, ws, tmp)
                    scores.append(bcubed(gold, pred_o, ids))
                    if path == args.docs:
                        pred = pred_o
                p, r, f1 = (sum(x[i] for x in scores) / len(scores) for i in range(3))
                obj = f1 if p >= args.min_precision else f1 - 1.0
                others = []
                for path, g in also:
                    op, orr, of1 = bcubed(g, trial(args.wirecopy, path, ws, tmp), sorted(g))
                    others.append((op, orr, of1))
                    obj += of1 if op >= args.min_precision else of1 - 1.0
                cache[key] = (obj / (1 + len(also)), p, r, f1, pred, others,
                              [x[2] for x in scores])
            return cache[key]

        def shown(v):
            per = " (orders " + " ".join(f"{x:.4f}" for x in v[6]) + ")" if len(v[6]) > 1 else ""
            return f"P {v[1]:.4f} R {v[2]:.4f} F1 {v[3]:.4f}{per}" + "".join(
                f"; also P {o[0]:.4f} R {o[1]:.4f} F1 {o[2]:.4f}" for o in v[5])

        best = value(w)
        print(f"start: {shown(best)}", file=sys.stderr)
        steps = dict(SEARCH)
        for rnd in range(args.rounds + 1):
            improved = True
            while improved:
                improved = False
                for name, step in steps.items():
                    k = NAMES.index(name)
                    for sign in (1, -1):
                        cand = list(w)
                        cand[k] += sign * step
                        if cand[k] < LOWER.get(name, -float("inf")):
                            continue
                        v = value(cand)
                        if v[0] > best[0] + 1e-6:
                            w, best, improved = cand, v, True
                            print(f"  {name} {cand[k]:+.4f}: {shown(v)}", file=sys.stderr)
                            break
            steps = {n: s / 2 for n, s in steps.items()}
        pred = best[4]
        halves_f = [bcubed(gold, pred, h) for h in halves]

    today = datetime.date.today().isoformat()
    src = (f"scripts/fit_story_weights.py on {os.path.basename(os.path.dirname(args.docs)) or 'docs'}"
           f" ({len(ids)} documents, {len(set(gold.values()))} stories), {today}: "
           f"B-cubed P {best[1]:.4f} R {best[2]:.4f} F1 {best[3]:.4f}"
           + (f" (mean of {len(orders)} orders: " + " ".join(f"{x:.4f}" for x in best[6]) + ")"
              if len(orders) > 1 else "") + "; file order's halves F1 "
           f"{halves_f[0][2]:.4f} / {halves_f[1][2]:.4f}" + "".join(
               f"; {os.path.basename(path)} P {o[0]:.4f} R {o[1]:.4f} F1 {o[2]:.4f}"
               for (path, _), o in zip(also, best[5])) + f"; {len(cache)} trials")
    print(f"    /* {src} */")
    at = {name: i for i, name in enumerate(NAMES)}
    npair = at["pair_bias"]
    print("    .pair = {" + ", ".join(f"{x:.4g}" for x in w[:npair]) + "},")
    print(f"    .pair_bias = {w[npair]:.4g},")
    print("    .decide = {" + ", ".join(f"{x:.4g}" for x in w[npair + 1:at['decide_bias']]) + "},")
    for name in ("decide_bias", "merge_bias", "split_bias", "content_floor"):
        print(f"    .{name} = {w[at[name]]:.4g},")
    print(f'    .source = "{src}",')
    print("--story-weights '" + " ".join(f"{x:.6g}" for x in w) + "'")


if __name__ == "__main__":
    main()
