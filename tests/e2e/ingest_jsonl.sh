#!/usr/bin/env bash
# ingest_jsonl.sh - JSONL in (plain, gzip, stdin), the export contract out:
# member ids are the input's ids, times ISO 8601, --min-size, re-ingest adds
# nothing, and the format is known from the content, not the file name;
# valid JSON jansson alone refuses (numbers beyond range, U+0000) is read.
. "$(dirname "$0")/lib.sh"
plan 25

para1="The city council approved a new budget on Tuesday that raises spending on schools and public transport while cutting the cost of running its own offices by a tenth."
para2="Council leader Ana Ruiz said the plan would be paid for by savings and a small rise in parking charges, and that no library would close as a result of it."
para3="Opposition members said the parking rise would hurt shop owners in the old town and voted against the plan, which passed by twenty-one votes to fourteen."
other="Heavy rain flooded several streets in the harbour district overnight, and firefighters pumped water out of dozens of basements until the early morning hours on Wednesday."
other2="The weather service said more rain was expected over the weekend and advised residents living near the river to move valuables to higher floors as a precaution."

python3 - "$T" "$para1" "$para2" "$para3" "$other" "$other2" <<'PY'
import json, sys, gzip
t, p1, p2, p3, o1, o2 = sys.argv[1:]
docs = [
    {"id": "orig-1", "url": "https://a.example/budget", "title": "Council passes budget",
     "published": "2025-02-04T09:00:00Z", "text": "\n\n".join([p1, p2, p3])},
    {"id": "copy-2", "url": "https://b.example/news/budget", "title": "Budget approved",
     "published": "Wed, 05 Feb 2025 10:30:00 +0100",
     "text": "\n\n".join(["By Staff Reporter", p1, p2.replace("\u0020", " "), p3, "Share this article"])},
    {"id": 3, "text": "\n\n".join([p1, p2])},
    {"id": "flood-4", "url": "https://c.example/flood", "title": "Streets flooded",
     "published": "2025-02-05T06:00:00Z", "text": "\n\n".join([o1, o2])},
]
with open(f"{t}/in.jsonl", "w") as f:
    for d in docs:
        f.write(json.dumps(d) + "\n")
with gzip.open(f"{t}/more.data", "wt") as f:   # gzip JSONL under a name that says nothing
    f.write(json.dumps({"id": "copy-5", "title": "Budget (reprint)", "html":
        "<html><body><article><h1>Budget</h1>" + "".join(f"<p>{p}</p>" for p in (p1, p2, p3)) +
        "</article></body></html>"}) + "\n")
PY

out=$(wcx ingest "$T/in.jsonl" 2>&1); is $? 0 "JSONL ingest exits 0"
like "$out" "4 records read, 4 articles stored" "four records stored"
out=$(wcx ingest "$T/more.data" 2>&1); is $? 0 "gzip JSONL detected from its content"
like "$out" "1 article stored \\(1 exact copy, 0 near copies\\)" \
    "the HTML reprint, its <h1> headline left out of the body, is an exact copy"
out=$(wcx ingest - < "$T/in.jsonl" 2>&1); is $? 0 "JSONL on stdin"
like "$out" "4 already stored" "the same items again add nothing"
is "$(sql 'SELECT count(*) FROM documents')" 5 "five documents in all"

wcx export -o "$T/c.jsonl" 2>/dev/null; ok $? "export exits 0"
is "$(wc -l < "$T/c.jsonl" | tr -d ' ')" 1 "one cluster with two or more members by default"
python3 - "$T/c.jsonl" > "$T/check.txt" <<'PY'
import json, sys
c = json.loads(open(sys.argv[1]).readline())
print("keys", list(c.keys()))
print("mkeys", list(c["members"][0].keys()))
print("size", c["size"], len(c["members"]))
print("ids", [m["id"] for m in c["members"]])
print("first", c["first_seen"], "last", c["last_seen"])
print("orig", c["members"][0]["similarity"], c["title"])
print("pub", c["members"][1]["published"])
print("sims", all(0 < m["similarity"] <= 1 for m in c["members"]))
PY
check=$(cat "$T/check.txt")
like "$check" "keys \\['cluster', 'size', 'title', 'first_seen', 'last_seen', 'story', 'members'\\]" "cluster record keys in order"
like "$check" "mkeys \\['id', 'url', 'site', 'title', 'published', 'fetched', 'similarity'\\]" "member keys in order"
like "$check" "size 4 4" "size equals the members listed"
like "$check" "ids \\['orig-1', 'copy-2', ('3', 'copy-5'|'copy-5', '3')\\]" "member ids are the input's ids, original first"
like "$check" "first 2025-02-04T09:00:00Z last 2025-02-05T09:30:00Z" "first and last seen from published times (RFC 822 converted)"
like "$check" "orig 1.0 Council passes budget" "the earliest member is the original, similarity 1"
like "$check" "pub 2025-02-05T09:30:00Z" "published in ISO 8601 UTC"
like "$check" "sims True" "similarities in (0, 1]"

n=$(wcx export --min-size 1 | wc -l | tr -d ' '); is "$n" 2 "--min-size 1 adds the single-member cluster"
wcx export --format csv -o "$T/c.csv" 2>/dev/null
is "$(head -1 "$T/c.csv" | tr -d '\r')" "cluster,cluster_size,cluster_title,first_seen,last_seen,story,member_id,doc_id,url,site,title,published,fetched,similarity,is_original" "CSV header"
is "$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(len(r), sum(int(x['is_original']) for x in r))" "$T/c.csv")" "4 1" "CSV: a row per member, one original"
wcx export --format html -o "$T/c.html" 2>/dev/null
like "$(cat "$T/c.html")" "<title>wirecopy: copy clusters</title>" "HTML report written"

# text-only records (no title): `clusters` shows the start of the original's text
printf '{"id":"t1","text":"%s\\n\\n%s"}\n{"id":"t2","text":"%s\\n\\n%s"}\n' "$para1" "$para2" "$para1" "$para2" > "$T/notitle.jsonl"
WIRECOPY_DB="$T/nt.db" "$WIRECOPY" ingest -q "$T/notitle.jsonl"
like "$(WIRECOPY_DB="$T/nt.db" "$WIRECOPY" clusters)" "\[${para1:0:30}" "an untitled cluster is listed by the start of its text"
# numbers beyond int64 and double in fields nobody reads, U+0000 in a title and in a key
printf '{"id":"h1","title":"Harbour\\u0000 flooded","text":"%s\\n\\n%s","stats":{"views":1e400,"n":123456789012345678901234567890},"x\\u0000":-1e999}\n' \
    "$other" "$other2" > "$T/hostile.jsonl"
WIRECOPY_DB="$T/h.db" "$WIRECOPY" ingest -q "$T/hostile.jsonl" 2>"$T/h.err"; rc=$?
is "$rc:$(cat "$T/h.err")" "0:" "a line with 1e400, a 30-digit integer and U+0000 ingests without a problem"
is "$(sqlite3 "$T/h.db" "SELECT count(*) FROM documents")" 1 "its article is stored"
is "$(sqlite3 "$T/h.db" "SELECT title FROM documents")" "Harbour flooded" \
   "U+0000 in the title is dropped, the rest of the title kept"
done_testing
